//! "Fix error": prompt building and reduction of the model's answer to a minimal edit.
//!
//! The model is shown the editor context and the diagnostics and asked to rewrite only a
//! small [`Region`] — the lines from the first to the last diagnostic, plus a margin.
//! [`parse_fix`] takes whatever it answered (prose, fences, echoed line numbers, lost
//! indentation, only the broken line instead of the whole region) and turns it into a
//! [`Fix`] that replaces only the lines that actually changed, so that an edit never
//! touches more of the user's file than it must. This module knows nothing about LSP.

use crate::engine::context::{format_diagnostic, BuiltContext, Diagnostic};
use crate::text::fence::{self, fence_for, info_for};
use crate::text::lines::split_lines;

/// Default lines of margin above and below the diagnostic lines.
pub const DEFAULT_MARGIN: usize = 2;

/// Most lines the diagnostics may span before [`Region::for_diagnostics`] narrows to the
/// first cluster: a small model rewrites a dozen lines reliably, not a hundred.
pub const MAX_FOCUS_LINES: usize = 40;

/// Lines longer than this are compared for equality only when aligning an answer.
const MAX_SIMILARITY_CHARS: usize = 400;

/// The lines the model is asked to rewrite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// First line of the region, 0-based, in the document.
    pub start_line: usize,
    /// The region's lines, without line endings.
    pub lines: Vec<String>,
    /// First diagnostic line (0-based, in the document); `start_line..focus_start` is
    /// the top margin.
    pub focus_start: usize,
    /// Last diagnostic line (0-based, inclusive); the lines after it are the margin.
    pub focus_end: usize,
}

impl Region {
    /// Lines `first..=last` of `text` plus `margin` lines on each side, clamped to the
    /// document (so never empty: an empty document has one empty line).
    pub fn new(text: &str, first: usize, last: usize, margin: usize) -> Region {
        let all = split_lines(text);
        let max = all.len() - 1;
        let (first, last) = if first <= last {
            (first, last)
        } else {
            (last, first)
        };
        let focus_start = first.min(max);
        let focus_end = last.min(max);
        let start_line = focus_start.saturating_sub(margin);
        let end_line = focus_end.saturating_add(margin).min(max);
        Region {
            start_line,
            lines: all[start_line..=end_line]
                .iter()
                .map(|l| l.to_string())
                .collect(),
            focus_start,
            focus_end,
        }
    }

    /// The region around `diags` (first to last diagnostic line, plus `margin`). When
    /// the diagnostics span more than [`MAX_FOCUS_LINES`], only those within that many
    /// lines of the first one are covered. `None` without diagnostics.
    pub fn for_diagnostics(text: &str, diags: &[Diagnostic], margin: usize) -> Option<Region> {
        let first = diags.iter().map(|d| d.line).min()?;
        let last = diags
            .iter()
            .filter(|d| d.line < first + MAX_FOCUS_LINES)
            .map(|d| d.end_line.max(d.line).min(first + MAX_FOCUS_LINES - 1))
            .max()
            .unwrap_or(first);
        Some(Region::new(text, first, last, margin))
    }

    /// Last line of the region, 0-based, inclusive.
    pub fn end_line(&self) -> usize {
        self.start_line + self.lines.len().saturating_sub(1)
    }
}

/// A minimal edit: replace the whole lines `start_line..=end_line` of the original
/// document (with their line breaks) by `new_lines`, each followed by the document's
/// line break. `new_lines` may be empty (the lines are deleted); an insertion is
/// expressed by including one unchanged neighbouring line on both sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// First replaced line, 0-based, in the original document.
    pub start_line: usize,
    /// Last replaced line, 0-based, inclusive.
    pub end_line: usize,
    /// The replacement lines, without line endings.
    pub new_lines: Vec<String>,
}

/// Why an answer yields no fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixError {
    /// The answer's code is identical to the region.
    #[error("the model returned the code unchanged")]
    NoChange,
    /// The answer holds no code (empty, prose only, or a refusal).
    #[error("the model answer contains no usable code")]
    NoCode,
}

/// Builds the (system, user) prompt pair asking for the corrected region only.
///
/// `diags` are the diagnostics to fix (those the user invoked the action on); `ctx` is
/// the editor context (which may list more diagnostics); `region` usually comes from
/// [`Region::for_diagnostics`].
pub fn build_prompt(
    diags: &[Diagnostic],
    ctx: &BuiltContext,
    language_id: &str,
    region: &Region,
) -> (String, String) {
    let tag = info_for(language_id);
    let (a, b) = (region.start_line + 1, region.end_line() + 1);
    let lines_desc = if a == b {
        format!("line {a}")
    } else {
        format!("lines {a}-{b}")
    };
    let lang = match language_id.trim() {
        "" => "the",
        "shellscript" => "shell",
        other => other,
    };
    let system = format!(
        "You fix errors in {lang} code.\n\
         You get the surrounding code, the diagnostics to fix and a region of the file. \
         Reply with the corrected version of the region ({lines_desc}), all of its lines, \
         in one ```{tag} code block, and nothing else: no line numbers, no explanation, no \
         other code.\n\
         Change only what fixing the diagnostics needs. Keep the indentation, the comments \
         and every other line exactly as they are. Do not add code outside the region."
    );
    let mut user = String::new();
    if !ctx.rendered.trim().is_empty() {
        user.push_str("Context:\n");
        user.push_str(ctx.rendered.trim_end());
        user.push_str("\n\n");
    }
    user.push_str("Diagnostics to fix:\n");
    if diags.is_empty() {
        user.push_str("- (none given; fix the obvious error in the region)\n");
    }
    for d in diags {
        user.push_str(&format_diagnostic(d));
    }
    let fence = fence_for(region.lines.iter().map(String::as_str));
    user.push_str(&format!(
        "\nRegion to rewrite ({lines_desc}):\n{fence}{tag}\n{}\n{fence}\n\nThe corrected {lines_desc}:",
        region.lines.join("\n")
    ));
    (system, user)
}

/// Reduces a model answer to the minimal [`Fix`] of `region`.
///
/// Takes the fenced block most like the region (or, without fences, the answer minus
/// leading and trailing prose), strips line numbers the model echoed (`12: x`,
/// `12 | x`, `> 12 | x`) when the region's lines have none, restores indentation the
/// model dropped, treats dropped blank edge lines as unchanged, and — when the model
/// answered only the broken line(s) instead of the whole region — aligns the answer
/// with the lines it replaces. Common unchanged leading and trailing lines are then
/// trimmed, so only changed lines are replaced.
pub fn parse_fix(answer: &str, region: &Region) -> Result<Fix, FixError> {
    let answer = crate::text::reasoning::strip(&answer.replace("\r\n", "\n"));
    let answer = answer.replace('\r', "\n");
    let blocks = fence::blocks(&answer);
    let mut lines = match choose_block(&blocks, region) {
        Some(block) => block,
        // Fences that hold nothing: the model chose not to answer with code.
        None if !blocks.is_empty() => return Err(FixError::NoCode),
        None => bare_code(&answer, region),
    };
    strip_line_numbers(&mut lines, region);
    let core = trim_blank_edges(&lines);
    if core.is_empty() {
        return Err(FixError::NoCode);
    }
    if region.lines.is_empty() {
        return Err(FixError::NoCode);
    }

    let (off, len) = target_window(region, core);
    let target = &region.lines[off..off + len];
    min_edit(region.start_line + off, target, prepare(core, target))
}

/// Applies `fix` to `text`, keeping its line-break style (`\r\n` if it has any) and
/// whether it ends with a line break. For the CLI and tests; the language server sends
/// an edit instead.
pub fn apply(text: &str, fix: &Fix) -> String {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines = split_lines(text);
    let last = lines.len() - 1;
    let start = fix.start_line.min(last);
    let end = fix.end_line.clamp(start, last);
    let mut out: Vec<&str> = Vec::with_capacity(lines.len() + fix.new_lines.len());
    out.extend(&lines[..start]);
    out.extend(fix.new_lines.iter().map(String::as_str));
    out.extend(&lines[end + 1..]);
    out.join(eol)
}

// ---------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------

/// The block to use: not one that repeats region lines unchanged (models often show
/// "before" and "after"), then the one sharing most lines with the region, the first on
/// ties.
fn choose_block(blocks: &[fence::Block], region: &Region) -> Option<Vec<String>> {
    let converted: Vec<Vec<String>> = blocks
        .iter()
        .map(|b| {
            if matches!(b.tag.as_str(), "diff" | "patch") {
                from_diff(&b.lines)
            } else {
                b.lines.clone()
            }
        })
        .filter(|l| l.iter().any(|x| !x.trim().is_empty()))
        .collect();
    // A block that repeats a run of the region unchanged is the "before" half.
    let region_trimmed: Vec<&str> = region.lines.iter().map(|l| l.trim()).collect();
    let same_as_region = |l: &Vec<String>| {
        let mut l = l.clone();
        strip_line_numbers(&mut l, region);
        let core: Vec<&str> = trim_blank_edges(&l).iter().map(|x| x.trim()).collect();
        !core.is_empty()
            && region_trimmed
                .windows(core.len())
                .any(|w| w == core.as_slice())
    };
    let differing: Vec<&Vec<String>> = converted.iter().filter(|l| !same_as_region(l)).collect();
    let pool: Vec<&Vec<String>> = if differing.is_empty() {
        converted.iter().collect()
    } else {
        differing
    };
    let region_set: std::collections::HashSet<&str> =
        region.lines.iter().map(|l| l.trim()).collect();
    let score = |l: &Vec<String>| {
        l.iter()
            .filter(|x| !x.trim().is_empty() && region_set.contains(x.trim()))
            .count()
    };
    let mut best: Option<(&Vec<String>, usize)> = None;
    for l in pool {
        let s = score(l);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((l, s));
        }
    }
    best.map(|(l, _)| l.clone())
}

/// The "after" side of a unified diff: context and `+` lines, headers dropped.
fn from_diff(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.starts_with("+++") && !l.starts_with("---") && !l.starts_with("@@"))
        .filter_map(|l| {
            if let Some(rest) = l.strip_prefix('+').or_else(|| l.strip_prefix(' ')) {
                Some(rest.to_string())
            } else if l.starts_with('-') {
                None
            } else {
                Some(l.clone())
            }
        })
        .collect()
}

/// An answer without fences: leading and trailing prose lines removed; a lone
/// `` `code` `` span unwrapped.
fn bare_code(answer: &str, region: &Region) -> Vec<String> {
    let t = answer.trim();
    if !t.contains('\n') && t.len() > 2 && t.starts_with('`') && t.ends_with('`') {
        return vec![t.trim_matches('`').to_string()];
    }
    let lines: Vec<String> = answer.lines().map(str::to_string).collect();
    let region_set: std::collections::HashSet<&str> =
        region.lines.iter().map(|l| l.trim()).collect();
    let prose_or_blank =
        |l: &String| l.trim().is_empty() || (!region_set.contains(l.trim()) && is_prose(l));
    let start = lines
        .iter()
        .position(|l| !prose_or_blank(l))
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !prose_or_blank(l))
        .map_or(start, |i| i + 1)
        .max(start);
    lines[start..end].to_vec()
}

/// A sentence rather than code: starts with a capital letter, has several words, and
/// either ends like a sentence or holds no code punctuation.
fn is_prose(line: &str) -> bool {
    let t = line.trim();
    if !t.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    let words = t.split_whitespace().count();
    let codeish = t.contains([
        '{', '}', ';', '=', '$', '(', ')', '[', ']', '|', '&', '<', '>', '"',
    ]);
    let sentence_end = t.ends_with(['.', ':', '!', '?']);
    (words >= 2 && sentence_end && !t.ends_with(';')) || (words >= 4 && !codeish)
}

/// `12: x`, `12 | x`, `>12 | x`, `12\tx` → the number and the rest (one space after the
/// separator belongs to it).
fn split_number(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    let t = t.strip_prefix('>').unwrap_or(t).trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let n: usize = t[..digits].parse().ok()?;
    let rest = &t[digits..];
    if let Some(r) = rest.strip_prefix('\t') {
        return Some((n, r));
    }
    let rest = rest.trim_start_matches(' ');
    let rest = rest.strip_prefix([':', '|'])?;
    Some((n, rest.strip_prefix(' ').unwrap_or(rest)))
}

/// Removes echoed line numbers when every non-blank line has one, the numbers rise,
/// and the region itself has no such lines (YAML `12: x` stays).
fn strip_line_numbers(lines: &mut [String], region: &Region) {
    if region
        .lines
        .iter()
        .any(|l| !l.trim().is_empty() && split_number(l).is_some())
    {
        return;
    }
    let mut prev: Option<usize> = None;
    let mut any = false;
    for l in lines.iter() {
        // A bare number is an echoed empty line.
        if l.trim().is_empty() {
            continue;
        }
        let n = if l.trim().chars().all(|c| c.is_ascii_digit()) {
            l.trim().parse().ok()
        } else {
            split_number(l).map(|(n, _)| n)
        };
        match n {
            Some(n) if prev.is_none_or(|p| n > p) => {
                prev = Some(n);
                any = true;
            }
            _ => return,
        }
    }
    if !any {
        return;
    }
    for l in lines.iter_mut() {
        let t = l.trim();
        if t.chars().all(|c| c.is_ascii_digit()) {
            *l = String::new();
        } else if let Some((_, rest)) = split_number(l) {
            *l = rest.to_string();
        }
    }
}

fn is_blank(l: &str) -> bool {
    l.trim().is_empty()
}

fn trim_blank_edges(lines: &[String]) -> &[String] {
    let start = lines
        .iter()
        .position(|l| !is_blank(l))
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !is_blank(l))
        .map_or(start, |i| i + 1);
    &lines[start..end]
}

fn leading_ws(l: &str) -> &str {
    &l[..l.len() - l.trim_start().len()]
}

/// The candidate made comparable with `target`: indentation restored when the model
/// dropped all of it, and the target's blank edge lines put back.
fn prepare(core: &[String], target: &[String]) -> Vec<String> {
    let target_indent = target
        .iter()
        .filter(|l| !is_blank(l))
        .map(|l| leading_ws(l))
        .min_by_key(|w| w.len())
        .unwrap_or("");
    let cand_min = core
        .iter()
        .filter(|l| !is_blank(l))
        .map(|l| leading_ws(l).len())
        .min()
        .unwrap_or(0);
    let reindent = cand_min == 0 && !target_indent.is_empty();
    let lead = target.iter().take_while(|l| is_blank(l)).count();
    let trail = if lead == target.len() {
        0
    } else {
        target.iter().rev().take_while(|l| is_blank(l)).count()
    };
    let mut out: Vec<String> = target[..lead].to_vec();
    out.extend(core.iter().map(|l| {
        if reindent && !is_blank(l) {
            format!("{target_indent}{l}")
        } else {
            l.clone()
        }
    }));
    out.extend_from_slice(&target[target.len() - trail..]);
    out
}

/// The part of the region (offset, length) that `core` replaces.
///
/// Models often leave out the margin lines they were asked to repeat. Anchored on the
/// lines the answer shares with the region (longest common subsequence, ignoring
/// indentation): where the region has more lines before the first shared line than the
/// answer has, the surplus (up to the margin's size) was left out, not deleted; the
/// same below the last shared line. An answer sharing no line is the focus lines when
/// it has as many, else the most similar window of its length.
fn target_window(region: &Region, core: &[String]) -> (usize, usize) {
    let n = region.lines.len();
    let top_margin = region.focus_start.saturating_sub(region.start_line).min(n);
    let bottom_margin = n
        - (region.focus_end + 1)
            .saturating_sub(region.start_line)
            .clamp(top_margin, n);
    let pairs = lcs_pairs(&region.lines, core);
    let (Some(&(i0, j0)), Some(&(i1, j1))) = (pairs.first(), pairs.last()) else {
        if core.len() >= n {
            return (0, n);
        }
        let focus_len = (n - top_margin - bottom_margin).max(1);
        let focus_off = top_margin.min(n - focus_len);
        if core.len() == focus_len {
            return (focus_off, focus_len);
        }
        return (
            best_window(&region.lines, core, focus_off, focus_len),
            core.len(),
        );
    };
    let skip_top = i0.saturating_sub(j0).min(top_margin);
    let below_region = n - 1 - i1;
    let below_core = core.len() - 1 - j1;
    let skip_bottom = below_region.saturating_sub(below_core).min(bottom_margin);
    let len = n.saturating_sub(skip_top + skip_bottom).max(1);
    (skip_top.min(n - len), len)
}

/// Index pairs (region line, answer line) of a longest common subsequence of the two,
/// compared with surrounding whitespace ignored.
fn lcs_pairs(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[at(i, j)] = if a[i].trim() == b[j].trim() {
                table[at(i + 1, j + 1)] + 1
            } else {
                table[at(i + 1, j)].max(table[at(i, j + 1)])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n && j < m {
        if a[i].trim() == b[j].trim() {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[at(i + 1, j)] >= table[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// Start of the `core.len()`-line window of `lines` most similar to `core`; windows
/// overlapping the focus win ties.
fn best_window(lines: &[String], core: &[String], focus_off: usize, focus_len: usize) -> usize {
    let k = core.len().min(lines.len());
    let mut best = (f64::MIN, focus_off.min(lines.len() - k));
    for off in 0..=lines.len() - k {
        let mut score: f64 = lines[off..off + k]
            .iter()
            .zip(core)
            .map(|(a, b)| similarity(a.trim(), b.trim()))
            .sum();
        if off < focus_off + focus_len && off + k > focus_off {
            score += 1e-6;
        }
        if score > best.0 {
            best = (score, off);
        }
    }
    best.1
}

/// 1 − normalised Levenshtein distance over chars.
fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() > MAX_SIMILARITY_CHARS || b.len() > MAX_SIMILARITY_CHARS {
        return 0.0;
    }
    let max = a.len().max(b.len());
    if max == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f64 / max as f64
}

fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Common trailing lines, not overlapping the first `prefix` lines of either side.
fn common_suffix(a: &[String], b: &[String], prefix: usize) -> usize {
    let limit = a.len().min(b.len()).saturating_sub(prefix);
    a.iter()
        .rev()
        .zip(b.iter().rev())
        .take(limit)
        .take_while(|(x, y)| x == y)
        .count()
}

/// The smallest replacement turning `old` (which starts at document line `first`) into
/// `new`.
fn min_edit(first: usize, old: &[String], new: Vec<String>) -> Result<Fix, FixError> {
    let p = common_prefix(old, &new);
    if p == old.len() && p == new.len() {
        return Err(FixError::NoChange);
    }
    let s = common_suffix(old, &new, p);
    let (mut a, mut old_end, mut new_end) = (p, old.len() - s, new.len() - s);
    if a == old_end {
        // A pure insertion: anchor it on an unchanged neighbour so the range is non-empty.
        if a > 0 {
            a -= 1;
        } else {
            old_end += 1;
            new_end += 1;
        }
    }
    Ok(Fix {
        start_line: first + a,
        end_line: first + old_end - 1,
        new_lines: new[a..new_end].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::context::Severity;

    fn diag(line: usize, code: &str, source: &str, message: &str) -> Diagnostic {
        Diagnostic {
            line,
            end_line: line,
            start_col: 5,
            end_col: 10,
            severity: Severity::Warning,
            code: Some(code.into()),
            source: Some(source.into()),
            message: message.into(),
        }
    }

    const SCRIPT: &str = "#!/bin/bash\nname=$1\necho $name\nexit 0\n";

    fn sc_region() -> Region {
        let d = diag(
            2,
            "SC2086",
            "shellcheck",
            "Double quote to prevent globbing and word splitting.",
        );
        Region::for_diagnostics(SCRIPT, &[d], DEFAULT_MARGIN).expect("one diagnostic")
    }

    fn expect_fix(answer: &str, region: &Region, start: usize, end: usize, new: &[&str]) {
        let fix = parse_fix(answer, region).unwrap_or_else(|e| panic!("{e} for {answer:?}"));
        assert_eq!(
            fix,
            Fix {
                start_line: start,
                end_line: end,
                new_lines: new.iter().map(|s| s.to_string()).collect()
            },
            "{answer:?}"
        );
    }

    #[test]
    fn region_covers_diagnostics_plus_margin_clamped() {
        let r = sc_region();
        assert_eq!((r.start_line, r.end_line()), (0, 4));
        assert_eq!((r.focus_start, r.focus_end), (2, 2));
        assert_eq!(
            r.lines,
            vec!["#!/bin/bash", "name=$1", "echo $name", "exit 0", ""]
        );
        let r = Region::new("a\r\nb\r\nc", 9, 1, 0);
        assert_eq!((r.start_line, r.focus_end), (1, 2));
        assert_eq!(r.lines, vec!["b", "c"]);
        assert!(Region::for_diagnostics("x", &[], 2).is_none());
        let text = "x\n".repeat(200);
        let r = Region::for_diagnostics(
            &text,
            &[diag(10, "a", "b", "c"), diag(150, "a", "b", "c")],
            0,
        )
        .expect("diagnostics");
        assert_eq!((r.focus_start, r.focus_end), (10, 10));
    }

    #[test]
    fn shellcheck_quoting_fix_in_prose_and_fence() {
        let r = sc_region();
        let answer = "Here is the corrected code:\n\n```bash\n#!/bin/bash\nname=$1\necho \"$name\"\nexit 0\n```\n\nQuoting `$name` prevents word splitting.";
        expect_fix(answer, &r, 2, 2, &["echo \"$name\""]);
        // Only the broken line, bare.
        expect_fix("echo \"$name\"", &r, 2, 2, &["echo \"$name\""]);
        // Only the broken line, as an inline span, after reasoning.
        expect_fix(
            "<think>quote it</think>`echo \"$name\"`",
            &r,
            2,
            2,
            &["echo \"$name\""],
        );
        // Before/after blocks: the changed one is taken.
        let answer = "Before:\n```bash\necho $name\n```\nAfter:\n```bash\necho \"$name\"\n```";
        expect_fix(answer, &r, 2, 2, &["echo \"$name\""]);
        let fixed = apply(SCRIPT, &parse_fix(answer, &r).expect("fix"));
        assert_eq!(fixed, "#!/bin/bash\nname=$1\necho \"$name\"\nexit 0\n");
    }

    #[test]
    fn python_name_error_with_echoed_line_numbers() {
        let text = "def total(items):\n    result = 0\n    for item in items:\n        reslt += item\n    return result\n";
        let d = diag(3, "F821", "pyflakes", "undefined name 'reslt'");
        let r = Region::for_diagnostics(text, std::slice::from_ref(&d), 2).expect("region");
        assert_eq!((r.start_line, r.end_line()), (1, 5));
        let answer = "```python\n 2 |     result = 0\n 3 |     for item in items:\n>4 |         result += item\n 5 |     return result\n 6 | \n```";
        expect_fix(answer, &r, 3, 3, &["        result += item"]);
        let answer = "2:     result = 0\n3:     for item in items:\n4:         result += item\n5:     return result";
        expect_fix(answer, &r, 3, 3, &["        result += item"]);
        // Indentation dropped by the model is restored.
        let answer = "```python\nresult += item\n```";
        expect_fix(answer, &r, 3, 3, &["        result += item"]);
        let answer =
            "```python\nresult = 0\nfor item in items:\n    result += item\nreturn result\n```";
        expect_fix(answer, &r, 3, 3, &["        result += item"]);
    }

    #[test]
    fn rust_missing_semicolon_with_crlf() {
        let text = "fn main() {\r\n    let x = 5\r\n    println!(\"{x}\");\r\n}\r\n";
        let d = diag(1, "E0308", "rustc", "expected `;`, found `println`");
        let r = Region::for_diagnostics(text, std::slice::from_ref(&d), 2).expect("region");
        let answer = "The statement is missing a semicolon.\r\n\r\n```rust\r\nfn main() {\r\n    let x = 5;\r\n    println!(\"{x}\");\r\n}\r\n```\r\n";
        let fix = parse_fix(answer, &r).expect("fix");
        assert_eq!(fix.new_lines, vec!["    let x = 5;"]);
        assert_eq!((fix.start_line, fix.end_line), (1, 1));
        assert_eq!(
            apply(text, &fix),
            "fn main() {\r\n    let x = 5;\r\n    println!(\"{x}\");\r\n}\r\n"
        );
        let (system, user) = build_prompt(&[d], &BuiltContext::default(), "rust", &r);
        assert!(system.contains("```rust code block"));
        assert!(system.contains("lines 1-4"));
        assert!(user.contains("- line 2, col 6: warning [rustc E0308]: expected `;`"));
        assert!(user.contains("```rust\nfn main() {\n    let x = 5\n"));
        assert!(user.ends_with("The corrected lines 1-4:"));
        assert!(!user.contains('\r'));
    }

    #[test]
    fn unchanged_and_empty_answers_are_errors() {
        let r = sc_region();
        assert_eq!(
            parse_fix("```bash\n#!/bin/bash\nname=$1\necho $name\nexit 0\n```", &r),
            Err(FixError::NoChange)
        );
        assert_eq!(parse_fix("echo $name", &r), Err(FixError::NoChange));
        assert_eq!(parse_fix("", &r), Err(FixError::NoCode));
        assert_eq!(parse_fix("```bash\n```", &r), Err(FixError::NoCode));
        assert_eq!(
            parse_fix(
                "I cannot see any error in this code. It looks correct to me.",
                &r
            ),
            Err(FixError::NoCode)
        );
    }

    #[test]
    fn line_insertion_and_deletion_are_minimal() {
        let text = "set -e\ncd /tmp\nrm -rf build\nmake\n";
        let r = Region::new(text, 2, 2, 1);
        // Insert a guard before line 2.
        let fix = parse_fix(
            "```sh\ncd /tmp\n[ -d build ] || exit 0\nrm -rf build\nmake\n```",
            &r,
        )
        .expect("fix");
        assert_eq!(
            apply(text, &fix),
            "set -e\ncd /tmp\n[ -d build ] || exit 0\nrm -rf build\nmake\n"
        );
        assert!(fix.end_line >= fix.start_line);
        assert!(fix.end_line - fix.start_line <= 1);
        // Delete line 2.
        let fix = parse_fix("```sh\ncd /tmp\nmake\n```", &r).expect("fix");
        assert_eq!(
            fix,
            Fix {
                start_line: 2,
                end_line: 2,
                new_lines: vec![]
            }
        );
        assert_eq!(apply(text, &fix), "set -e\ncd /tmp\nmake\n");
    }

    #[test]
    fn diff_answers_and_yaml_numbers() {
        let r = sc_region();
        let answer = "```diff\n--- a/x.sh\n+++ b/x.sh\n@@ -2,3 +2,3 @@\n name=$1\n-echo $name\n+echo \"$name\"\n exit 0\n```";
        expect_fix(answer, &r, 2, 2, &["echo \"$name\""]);
        // A YAML region whose lines look numbered keeps its numbers.
        let text = "ports:\n  80: http\n  443: https\n";
        let r = Region::new(text, 1, 1, 1);
        let fix = parse_fix("```yaml\nports:\n  80: web\n  443: https\n```", &r).expect("fix");
        assert_eq!(fix.new_lines, vec!["  80: web"]);
    }

    #[test]
    fn multi_line_focus_answer_only() {
        let text = "fn f() {\n    let a = 1\n    let b = 2\n    a + b\n}\n";
        let r = Region::new(text, 1, 2, 2);
        expect_fix(
            "```rust\nlet a = 1;\nlet b = 2;\n```",
            &r,
            1,
            2,
            &["    let a = 1;", "    let b = 2;"],
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn parse_never_panics_and_stays_in_region(
            text in "([a-z$\"; ]{0,8}\n){1,12}",
            first in 0usize..14,
            margin in 0usize..3,
            answer in "(```|[0-9]{1,2}: |> |[a-z$\"; ]{0,8}|\r?\n){0,20}",
        ) {
            let r = Region::new(&text, first, first, margin);
            if let Ok(fix) = parse_fix(&answer, &r) {
                proptest::prop_assert!(fix.start_line >= r.start_line);
                proptest::prop_assert!(fix.end_line <= r.end_line());
                proptest::prop_assert!(fix.start_line <= fix.end_line);
                let _ = apply(&text, &fix);
            }
        }
    }
}
