//! Editor context in place of a retrieval database.
//!
//! superhelfer does not index the workspace. What the editor already knows — the file's
//! path and language, the script dialect, the diagnostics and the lines around the
//! selection — is what a small local model needs for "explain" and "fix" requests, and
//! it costs nothing to gather. [`build`] renders that into one numbered block for the
//! prompt and cuts it to a token budget, dropping the context lines farthest from the
//! selection first; a selection that alone exceeds the budget is cut too, and the block
//! says so. The work is bounded by the budget, not by the size of the selection.
//!
//! Positions are plain numbers, not LSP types: lines are 0-based, columns count Unicode
//! scalar values (`char`s), 0-based, end exclusive. The LSP layer converts from its
//! UTF-16 positions. Rendered line numbers are 1-based, because that is what models and
//! people read in editors.

use crate::engine::tokens;
use crate::text::dialect::script_interpreter;
use crate::text::fence::{fence_for, info_for};
use crate::text::lines::split_lines;

mod cut;

/// Longest diagnostic message, in tokens, kept in the rendered block; compiler messages
/// can run to pages and would crowd out the code.
const MAX_DIAGNOSTIC_TOKENS: usize = 120;

/// Most diagnostics rendered; more would only repeat themselves.
const MAX_DIAGNOSTICS: usize = 20;

/// Tokens a selection that exceeds the budget keeps even when the header leaves less:
/// a budget below the header's own size must not cut the selection away entirely.
const MIN_SELECTION_TOKENS: usize = 64;

/// A span of lines, `start_line..=end_line` (0-based), with optional char columns that
/// narrow it to a part of the first and last line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineRange {
    /// First selected line, 0-based.
    pub start_line: usize,
    /// Last selected line, 0-based, inclusive.
    pub end_line: usize,
    /// Column on `start_line` where the selection starts (chars, 0-based).
    pub start_col: Option<usize>,
    /// Column on `end_line` where the selection ends (chars, 0-based, exclusive).
    pub end_col: Option<usize>,
}

impl LineRange {
    /// Whole lines `start_line..=end_line`.
    pub fn lines(start_line: usize, end_line: usize) -> Self {
        LineRange {
            start_line,
            end_line,
            start_col: None,
            end_col: None,
        }
    }
}

// Plain data shared with shellcheck.rs, which must not depend on the engine.
pub use crate::text::diagnostic::{Diagnostic, Severity};

/// What [`build`] works from. All borrowed: building a context copies nothing but the
/// lines it renders.
#[derive(Debug, Clone, Copy)]
pub struct EditorContext<'a> {
    /// The file's path (or URI), if it has one.
    pub path: Option<&'a str>,
    /// The editor's language id, e.g. `shellscript`, `rust`, `python`.
    pub language_id: &'a str,
    /// The whole document.
    pub text: &'a str,
    /// The selection; clamped to the document, never a reason to panic.
    pub selection: LineRange,
    /// Diagnostics of the document; those touching the rendered lines are included.
    pub diagnostics: &'a [Diagnostic],
    /// Context lines wanted above and below the selection (each side).
    pub lines_around: usize,
    /// Token budget for the rendered block (cl100k tokens). A selection that alone
    /// exceeds it is cut; see [`BuiltContext::over_budget`].
    pub max_tokens: usize,
}

/// The rendered context and what had to be left out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuiltContext {
    /// A Markdown-ish block for the prompt: header, diagnostics, numbered lines.
    pub rendered: String,
    /// cl100k tokens in `rendered`.
    pub tokens: usize,
    /// Context lines above the selection that were wanted (within `lines_around`) but
    /// dropped for the budget.
    pub cut_lines_before: usize,
    /// Context lines below the selection dropped for the budget.
    pub cut_lines_after: usize,
    /// The script dialect: the interpreter named by a `# shellcheck shell=` directive or
    /// the shebang (`bash`, `sh`, `python3`, …), see [`crate::text::dialect::script_interpreter`].
    pub dialect: Option<String>,
    /// The selection, clamped to the document: 0-based, inclusive.
    pub selection_lines: (usize, usize),
    /// True when the header and the selection alone exceed `max_tokens`: the selection
    /// was cut to its beginning (at least 64 tokens of it), and the block
    /// says so and carries no context lines.
    pub over_budget: bool,
}

/// Renders the editor context and cuts it to `ctx.max_tokens`.
///
/// The header, the diagnostics on the selection and the selection itself are always
/// included. Context lines (up to `lines_around` per side) are then added nearest
/// first, alternating sides (above before below at equal distance, since the lines
/// above usually hold the declarations); whatever does not fit is dropped, so the lines
/// farthest from the selection go first. The kept lines are always contiguous.
pub fn build(ctx: &EditorContext) -> BuiltContext {
    let lines = split_lines(ctx.text);
    let last = lines.len().saturating_sub(1);
    let (mut sel_start, mut sel_end) = (ctx.selection.start_line, ctx.selection.end_line);
    if sel_start > sel_end {
        std::mem::swap(&mut sel_start, &mut sel_end);
    }
    let sel_start = sel_start.min(last);
    let sel_end = sel_end.min(last);
    let want_above = ctx.lines_around.min(sel_start);
    let want_below = ctx.lines_around.min(last - sel_end);

    let plan = Plan {
        ctx,
        lines: &lines,
        dialect: script_interpreter(ctx.text),
        sel: (sel_start, sel_end),
        diagnostics: clamp_diagnostics(ctx.diagnostics, last),
    };

    // A selection far beyond the budget is recognised after counting the budget's worth
    // of it, not all of it; one near the budget is checked exactly on its render.
    if !plan.selection_may_fit() {
        return plan.build_cut(want_above, want_below);
    }
    // Start from the selection alone; grow by per-line estimates, then verify the
    // whole render exactly (token merges across line joins make sums approximate).
    let base = plan.render(0, 0);
    let base_tokens = tokens::count(&base);
    if base_tokens > ctx.max_tokens {
        return plan.build_cut(want_above, want_below);
    }
    let (above, below) = plan.grow(base_tokens, want_above, want_below);
    let (rendered, count, above, below) = plan.fit(above, below);
    BuiltContext {
        rendered,
        tokens: count,
        cut_lines_before: want_above - above,
        cut_lines_after: want_below - below,
        dialect: plan.dialect,
        selection_lines: (sel_start, sel_end),
        over_budget: false,
    }
}

/// Diagnostics with their lines clamped into the document (editors can lag behind an
/// edit), capped messages, sorted by position.
fn clamp_diagnostics(diags: &[Diagnostic], last: usize) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.line <= last)
        .map(|d| {
            let mut d = d.clone();
            d.end_line = d.end_line.clamp(d.line, last);
            let msg = d.message.trim();
            let head = tokens::head(msg, MAX_DIAGNOSTIC_TOKENS);
            d.message = if head.len() < msg.len() {
                format!("{head} …")
            } else {
                msg.to_string()
            };
            d
        })
        .collect();
    out.sort_by_key(|d| (d.line, d.start_col, d.severity));
    out
}

struct Plan<'p, 'a> {
    ctx: &'p EditorContext<'a>,
    lines: &'p [&'a str],
    dialect: Option<String>,
    sel: (usize, usize),
    diagnostics: Vec<Diagnostic>,
}

impl Plan<'_, '_> {
    /// How many context lines above and below the selection fit by per-line estimates
    /// over `base_tokens` (the selection's render): nearest first, alternating sides.
    fn grow(&self, base_tokens: usize, want_above: usize, want_below: usize) -> (usize, usize) {
        let (sel_start, sel_end) = self.sel;
        let (mut above, mut below) = (0usize, 0usize);
        let mut estimate = base_tokens;
        loop {
            // Nearest first; above wins ties.
            let take_above = if above < want_above && (above <= below || below >= want_below) {
                true
            } else if below < want_below {
                false
            } else {
                break;
            };
            let idx = if take_above {
                sel_start - above - 1
            } else {
                sel_end + below + 1
            };
            let cost = self.line_cost(idx);
            if estimate + cost > self.ctx.max_tokens {
                break;
            }
            estimate += cost;
            if take_above {
                above += 1;
            } else {
                below += 1;
            }
        }
        (above, below)
    }

    /// The render with `above` and `below` context lines, shrunk until its exact count
    /// is within the budget: the rendered block, its tokens and the lines kept.
    fn fit(&self, mut above: usize, mut below: usize) -> (String, usize, usize, usize) {
        let mut rendered = self.render(above, below);
        let mut count = tokens::count(&rendered);
        while count > self.ctx.max_tokens && above + below > 0 {
            // Drop the farthest kept line; below goes first at equal distance.
            if below >= above {
                below -= 1;
            } else {
                above -= 1;
            }
            rendered = self.render(above, below);
            count = tokens::count(&rendered);
        }
        (rendered, count, above, below)
    }

    /// Width of the line-number column; fixed from the widest possible number so that
    /// the render does not shift as lines are added.
    fn number_width(&self) -> usize {
        let max = self.sel.1 + self.ctx.lines_around + 1;
        max.min(self.lines.len()).to_string().len()
    }

    /// `>  12 | ` for a selected line, `   12 | ` for a context line.
    fn line_prefix(&self, idx: usize) -> String {
        let marker = if (self.sel.0..=self.sel.1).contains(&idx) {
            '>'
        } else {
            ' '
        };
        format!("{marker}{n:>w$} | ", n = idx + 1, w = self.number_width())
    }

    fn numbered_line(&self, idx: usize) -> String {
        let text = self.lines.get(idx).copied().unwrap_or("");
        format!("{}{text}\n", self.line_prefix(idx))
    }

    fn diagnostic_line(d: &Diagnostic) -> String {
        format_diagnostic(d)
    }

    /// Approximate token cost of adding line `idx` (with its diagnostics) to the render.
    fn line_cost(&self, idx: usize) -> usize {
        // A line longer than the whole budget is not added anyway: counting stops there.
        let text = self.lines.get(idx).copied().unwrap_or("");
        let mut cost = tokens::count(&self.line_prefix(idx))
            + tokens::count_up_to(text, self.ctx.max_tokens)
            + 1;
        for d in self.diagnostics.iter().filter(|d| d.line == idx) {
            cost += tokens::count(&Self::diagnostic_line(d));
        }
        cost
    }

    /// The block's first lines: file, language, dialect, what is selected, and `note`.
    fn header(&self, note: Option<&str>) -> String {
        let (sel_start, sel_end) = self.sel;
        let mut out = String::new();
        out.push_str("File: ");
        out.push_str(
            self.ctx
                .path
                .filter(|p| !p.is_empty())
                .unwrap_or("(unsaved)"),
        );
        out.push('\n');
        let lang = self.ctx.language_id.trim();
        out.push_str(&format!(
            "Language: {}\n",
            if lang.is_empty() { "unknown" } else { lang }
        ));
        if let Some(dialect) = &self.dialect {
            let first = self.lines.first().copied().unwrap_or("");
            let shebang = first.trim_start_matches('\u{feff}');
            if shebang.starts_with("#!") {
                let shebang: String = shebang.trim().chars().take(200).collect();
                out.push_str(&format!("Dialect: {dialect} (shebang `{shebang}`)\n"));
            } else {
                out.push_str(&format!("Dialect: {dialect}\n"));
            }
        }
        let sel_desc = if sel_start == sel_end {
            format!("line {}", sel_start + 1)
        } else {
            format!("lines {}-{}", sel_start + 1, sel_end + 1)
        };
        out.push_str(&format!("Selection: {sel_desc} (marked with `>`)\n"));
        if let Some(note) = note {
            out.push_str(note);
        }
        out
    }

    /// The diagnostics on lines `first..=last` as a list, or nothing.
    fn diagnostics_block(&self, first: usize, last: usize) -> String {
        let mut out = String::new();
        let shown = self
            .diagnostics
            .iter()
            .filter(|d| d.line <= last && d.end_line >= first)
            .take(MAX_DIAGNOSTICS);
        for (i, d) in shown.enumerate() {
            if i == 0 {
                out.push_str("Diagnostics:\n");
            }
            out.push_str(&Self::diagnostic_line(d));
        }
        out
    }

    fn render(&self, above: usize, below: usize) -> String {
        let (sel_start, sel_end) = self.sel;
        let first = sel_start - above;
        let last = sel_end + below;
        let lang = self.ctx.language_id.trim();
        let mut out = self.header(None);
        out.push_str(&self.diagnostics_block(first, last));
        let fence = fence_for(self.lines[first..=last].iter().copied());
        out.push_str(&format!("{fence}{}\n", info_for(lang)));
        if first > 0 {
            out.push_str(&format!("… ({} above not shown)\n", plural_lines(first)));
        }
        for idx in first..=last {
            out.push_str(&self.numbered_line(idx));
        }
        let after = self.lines.len() - 1 - last;
        if after > 0 {
            out.push_str(&format!("… ({} below not shown)\n", plural_lines(after)));
        }
        out.push_str(&fence);
        out.push('\n');
        out
    }
}

/// One diagnostic as a list item for prompts: `- line 3, col 6: warning [shellcheck
/// SC2086]: message` (1-based numbers, message on one line).
pub fn format_diagnostic(d: &Diagnostic) -> String {
    let mut s = format!("- line {}", d.line + 1);
    if d.end_line > d.line {
        s.push_str(&format!("-{}", d.end_line + 1));
    }
    s.push_str(&format!(", col {}: {}", d.start_col + 1, d.severity));
    match (&d.source, &d.code) {
        (Some(src), Some(code)) => s.push_str(&format!(" [{src} {code}]")),
        (Some(one), None) | (None, Some(one)) => s.push_str(&format!(" [{one}]")),
        (None, None) => {}
    }
    s.push_str(": ");
    // One diagnostic per line in the list.
    s.push_str(&d.message.replace(['\r', '\n'], " "));
    s.push('\n');
    s
}

fn plural_lines(n: usize) -> String {
    if n == 1 {
        "1 line".to_string()
    } else {
        format!("{n} lines")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn doc(n: usize) -> String {
        (0..n)
            .map(|i| format!("let value_{i} = compute_something({i});\n"))
            .collect()
    }

    pub(super) fn ctx<'a>(
        text: &'a str,
        sel: LineRange,
        around: usize,
        max: usize,
    ) -> EditorContext<'a> {
        EditorContext {
            path: Some("src/main.rs"),
            language_id: "rust",
            text,
            selection: sel,
            diagnostics: &[],
            lines_around: around,
            max_tokens: max,
        }
    }

    pub(super) fn rendered_line_numbers(r: &str) -> Vec<usize> {
        r.lines()
            .filter_map(|l| {
                let l = l.strip_prefix(['>', ' '])?;
                let (n, _) = l.split_once(" | ")?;
                n.trim().parse().ok()
            })
            .collect()
    }

    #[test]
    fn everything_fits_with_a_generous_budget() {
        let text = doc(30);
        let b = build(&ctx(&text, LineRange::lines(10, 12), 5, 10_000));
        assert_eq!(
            rendered_line_numbers(&b.rendered),
            (6..=18).collect::<Vec<_>>()
        );
        assert_eq!((b.cut_lines_before, b.cut_lines_after), (0, 0));
        assert_eq!(b.tokens, tokens::count(&b.rendered));
        assert!(!b.over_budget);
        assert!(b.rendered.contains("File: src/main.rs"));
        assert!(b.rendered.contains("Language: rust"));
        assert!(b.rendered.contains(">11 | let value_10"));
        assert!(b.rendered.contains(" 10 | let value_9"));
        assert!(b.rendered.contains("… (5 lines above not shown)"));
        assert!(b.rendered.contains("… (13 lines below not shown)"));
    }

    #[test]
    fn budget_is_respected_and_far_ends_are_cut_first() {
        let text = doc(100);
        let full = build(&ctx(&text, LineRange::lines(50, 50), 20, 100_000));
        let sel_only = build(&ctx(&text, LineRange::lines(50, 50), 0, 100_000));
        for max in [
            sel_only.tokens,
            sel_only.tokens + 40,
            (sel_only.tokens + full.tokens) / 2,
        ] {
            let b = build(&ctx(&text, LineRange::lines(50, 50), 20, max));
            assert!(b.tokens <= max, "{} > {max}", b.tokens);
            assert_eq!(b.tokens, tokens::count(&b.rendered));
            let nums = rendered_line_numbers(&b.rendered);
            // Contiguous, contains the selection, balanced: far ends went first.
            assert!(nums.windows(2).all(|w| w[1] == w[0] + 1), "{nums:?}");
            assert!(nums.contains(&51));
            let above = 51 - nums[0];
            let below = nums[nums.len() - 1] - 51;
            assert!(above == below || above == below + 1, "{above} vs {below}");
            assert_eq!(b.cut_lines_before, 20 - above);
            assert_eq!(b.cut_lines_after, 20 - below);
            assert!(b.cut_lines_before + b.cut_lines_after > 0);
        }
    }

    #[test]
    fn unequal_sides_use_what_exists() {
        let text = doc(20);
        // Selection at the start: only lines below exist.
        let b = build(&ctx(&text, LineRange::lines(0, 1), 5, 10_000));
        assert_eq!(
            rendered_line_numbers(&b.rendered),
            (1..=7).collect::<Vec<_>>()
        );
        assert!(!b.rendered.contains("above not shown"));
        // Selection at the end (the last line is the empty one after the final \n).
        let b = build(&ctx(&text, LineRange::lines(19, 20), 3, 10_000));
        assert_eq!(
            rendered_line_numbers(&b.rendered),
            (17..=21).collect::<Vec<_>>()
        );
        assert!(!b.rendered.contains("below not shown"));
        assert_eq!((b.cut_lines_before, b.cut_lines_after), (0, 0));
    }

    #[test]
    fn empty_file_and_selection_past_the_end_are_clamped() {
        let b = build(&ctx("", LineRange::lines(3, 9), 5, 1000));
        assert_eq!(rendered_line_numbers(&b.rendered), vec![1]);
        assert_eq!(b.selection_lines, (0, 0));
        let text = "a\nb\nc";
        let b = build(&ctx(text, LineRange::lines(7, 100), 1, 1000));
        assert_eq!(b.selection_lines, (2, 2));
        assert!(b.rendered.contains("… (1 line above not shown)"));
        assert_eq!(rendered_line_numbers(&b.rendered), vec![2, 3]);
        // Reversed selection.
        let b = build(&ctx(text, LineRange::lines(2, 0), 0, 1000));
        assert_eq!(b.selection_lines, (0, 2));
        // Zero budget: the selection's beginning still comes back.
        let b = build(&ctx(text, LineRange::lines(1, 1), 1, 0));
        assert!(b.over_budget);
        assert_eq!(rendered_line_numbers(&b.rendered), vec![2]);
    }

    #[test]
    fn non_ascii_lines_are_kept_intact() {
        let text = "# Grüße aus Köln\nlet straße = \"Übermaß\";\nlet party = \"🎉👨‍👩‍👧\";\nlet tokyo = \"東京タワー\";\nprintln!(\"{straße}\");\n";
        for max in 0..200 {
            let b = build(&ctx(text, LineRange::lines(2, 2), 3, max));
            assert!(b.rendered.contains("let party = \"🎉👨‍👩‍👧\";"));
            assert!(b.tokens <= max || b.over_budget);
            for l in b.rendered.lines() {
                if let Some((_, code)) = l.split_once(" | ") {
                    assert!(text.contains(code), "{code:?}");
                }
            }
        }
    }

    #[test]
    fn crlf_is_not_rendered() {
        let text = "a\r\nb\r\nc\r\n";
        let b = build(&ctx(text, LineRange::lines(1, 1), 1, 1000));
        assert!(!b.rendered.contains('\r'));
        assert_eq!(rendered_line_numbers(&b.rendered), vec![1, 2, 3]);
    }

    #[test]
    fn diagnostics_in_range_are_listed_and_others_not() {
        let text = doc(40);
        let mk = |line: usize, msg: &str| Diagnostic {
            line,
            end_line: line,
            start_col: 4,
            end_col: 9,
            severity: Severity::Error,
            code: Some("E0425".into()),
            source: Some("rustc".into()),
            message: msg.into(),
        };
        let diags = [
            mk(20, "cannot find value `x`"),
            mk(2, "far away"),
            mk(500, "stale"),
        ];
        let mut c = ctx(&text, LineRange::lines(20, 20), 3, 10_000);
        c.diagnostics = &diags;
        let b = build(&c);
        assert!(b
            .rendered
            .contains("- line 21, col 5: error [rustc E0425]: cannot find value `x`"));
        assert!(!b.rendered.contains("far away"));
        assert!(!b.rendered.contains("stale"));
    }

    #[test]
    fn dialect_from_shebang_and_directive() {
        let text = "#!/bin/sh\necho $1\n";
        let b = build(&EditorContext {
            path: None,
            language_id: "shellscript",
            text,
            selection: LineRange::lines(1, 1),
            diagnostics: &[],
            lines_around: 2,
            max_tokens: 500,
        });
        assert_eq!(b.dialect.as_deref(), Some("sh"));
        assert!(b.rendered.contains("Dialect: sh (shebang `#!/bin/sh`)"));
        assert!(b.rendered.contains("```bash\n"));
        assert!(b.rendered.contains("File: (unsaved)"));
    }

    #[test]
    fn fences_grow_past_backtick_runs() {
        let text = "Example:\n```rust\nfn main() {}\n```\n";
        let b = build(&ctx(text, LineRange::lines(1, 3), 0, 1000));
        assert!(b.rendered.contains("````rust\n"));
        assert!(b.rendered.trim_end().ends_with("````"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        #[test]
        fn never_panics_and_keeps_budget_or_selection(
            text in "([a-zäöü🎉東 \t]{0,12}(\r?\n)?){0,40}",
            start in 0usize..50,
            len in 0usize..5,
            around in 0usize..10,
            max in 0usize..300,
        ) {
            let b = build(&ctx(&text, LineRange::lines(start, start + len), around, max));
            proptest::prop_assert_eq!(b.tokens, tokens::count(&b.rendered));
            proptest::prop_assert!(b.tokens <= max || b.over_budget);
            let (s0, s1) = b.selection_lines;
            let nums = rendered_line_numbers(&b.rendered);
            if b.over_budget {
                // Cut: the selection's beginning, and the block says so.
                proptest::prop_assert!(b.rendered.contains("selection cut here"));
                proptest::prop_assert!(nums.iter().all(|n| (s0 + 1..=s1 + 1).contains(n)));
            } else {
                for n in s0 + 1..=s1 + 1 {
                    proptest::prop_assert!(nums.contains(&n));
                }
            }
        }
    }
}
