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

mod align;
#[cfg(test)]
mod tests;

use align::*;

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
    let blocks = fence::answer_blocks(&answer);
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
