//! A selection that alone exceeds the token budget: its beginning, as much as fits, with
//! a note in the header and a mark where it was cut. The work is bounded by the budget.

use super::{plural_lines, BuiltContext, Plan, MIN_SELECTION_TOKENS};
use crate::engine::tokens;
use crate::text::fence::{fence_for, info_for};

impl Plan<'_, '_> {
    /// Whether the selected lines may fit the budget: false as soon as the tokens counted
    /// so far exceed it, so a huge selection costs no more than the budget to recognise.
    pub(super) fn selection_may_fit(&self) -> bool {
        let mut left = self.ctx.max_tokens;
        for idx in self.sel.0..=self.sel.1 {
            let text = self.lines.get(idx).copied().unwrap_or("");
            let n = tokens::count_up_to(text, left);
            if n > left {
                return false;
            }
            left -= n;
        }
        true
    }

    /// The block for a selection that alone exceeds the budget: its beginning, as much as
    /// fits, with a note in the header and a mark where it was cut; no context lines.
    pub(super) fn build_cut(&self, want_above: usize, want_below: usize) -> BuiltContext {
        let max = self.ctx.max_tokens;
        let note = format!(
            "Note: the selection is longer than the context budget of {max} tokens; it was cut: only its beginning is shown.\n"
        );
        let overhead = tokens::count(&self.header(Some(&note)))
            + tokens::count(&self.diagnostics_block(self.sel.0, self.sel.1))
            + 24;
        let mut allowance = max.saturating_sub(overhead).max(MIN_SELECTION_TOKENS);
        let (mut rendered, mut count);
        // Sums of per-line counts are approximate; shave the excess off and verify again.
        loop {
            rendered = self.render_cut(&note, allowance);
            count = tokens::count(&rendered);
            if count <= max || allowance == MIN_SELECTION_TOKENS {
                break;
            }
            allowance = allowance
                .saturating_sub(count - max)
                .max(MIN_SELECTION_TOKENS);
        }
        BuiltContext {
            rendered,
            tokens: count,
            cut_lines_before: want_above,
            cut_lines_after: want_below,
            dialect: self.dialect.clone(),
            selection_lines: self.sel,
            over_budget: true,
        }
    }

    /// Renders the header with `note`, then the selected lines until about `allowance`
    /// tokens are spent, the last one cut if need be.
    fn render_cut(&self, note: &str, allowance: usize) -> String {
        let (sel_start, sel_end) = self.sel;
        let mut body = String::new();
        let mut left = allowance;
        let mut next = sel_start;
        let mut line_cut = false;
        while next <= sel_end {
            let prefix = self.line_prefix(next);
            let cost = tokens::count(&prefix) + 1;
            if cost >= left {
                break;
            }
            let text = self.lines.get(next).copied().unwrap_or("");
            let shown = tokens::head(text, left - cost);
            body.push_str(&prefix);
            body.push_str(shown);
            body.push('\n');
            if shown.len() < text.len() {
                line_cut = true;
                break;
            }
            left -= cost + tokens::count(shown);
            next += 1;
        }
        let lang = self.ctx.language_id.trim();
        let mut out = self.header(Some(note));
        out.push_str(&self.diagnostics_block(sel_start, sel_end));
        let fence = fence_for(body.lines());
        out.push_str(&format!("{fence}{}\n", info_for(lang)));
        if sel_start > 0 {
            out.push_str(&format!(
                "… ({} above not shown)\n",
                plural_lines(sel_start)
            ));
        }
        out.push_str(&body);
        let rest = sel_end + 1 - next;
        let mark = match (line_cut, rest) {
            (true, 1) => format!(
                "… (selection cut here: the rest of line {} is not shown)",
                next + 1
            ),
            (true, _) => format!(
                "… (selection cut here: the rest of line {} and {} are not shown)",
                next + 1,
                plural_lines(rest - 1)
            ),
            (false, _) => format!("… (selection cut here: {} not shown)", plural_lines(rest)),
        };
        out.push_str(&mark);
        out.push('\n');
        let after = self.lines.len() - 1 - sel_end;
        if after > 0 {
            out.push_str(&format!("… ({} below not shown)\n", plural_lines(after)));
        }
        out.push_str(&fence);
        out.push('\n');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ctx, doc, rendered_line_numbers};
    use super::super::{build, LineRange};
    use crate::engine::tokens;

    #[test]
    fn a_selection_beyond_the_budget_is_cut_and_says_so() {
        let text = doc(400);
        let b = build(&ctx(&text, LineRange::lines(5, 300), 10, 500));
        assert!(b.over_budget);
        assert!(b.tokens <= 500, "{}", b.tokens);
        assert_eq!(b.tokens, tokens::count(&b.rendered));
        let nums = rendered_line_numbers(&b.rendered);
        assert_eq!(nums[0], 6);
        assert!(nums.windows(2).all(|w| w[1] == w[0] + 1));
        assert!(*nums.last().unwrap() < 301);
        assert!(b
            .rendered
            .contains("longer than the context budget of 500 tokens"));
        assert!(b.rendered.contains("… (selection cut here:"));
        assert_eq!((b.cut_lines_before, b.cut_lines_after), (5, 10));
    }

    #[test]
    fn one_huge_line_is_cut_within_the_line() {
        let word = "x".repeat(2_000_000);
        let text = format!("#!/bin/sh\n{word}\necho done\n");
        let b = build(&ctx(&text, LineRange::lines(1, 1), 40, 3000));
        assert!(b.over_budget);
        assert!(b.tokens <= 3000, "{}", b.tokens);
        assert!(b.rendered.len() < 3000 * 128);
        assert!(b.rendered.contains("the rest of line 2 is not shown"));
        // A tiny budget still shows the selection's beginning.
        let b = build(&ctx(&text, LineRange::lines(1, 1), 40, 5));
        assert!(b.rendered.contains(">2 | xxxx"));
        assert!(b.rendered.len() < 64 * 128 + 1000);
    }
}
