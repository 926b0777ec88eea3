//! Answers without fences: command lines and inline code spans among prose.

use super::*;

/// Lines that are commands in an answer without code fences.
pub(super) fn unfenced_lines(answer: &str, dialect: Dialect) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut inline_cands: Vec<String> = Vec::new();
    let mut in_continuation = false;
    let mut alt_seen = false;
    for raw in answer.lines() {
        let line = raw.trim();
        if in_continuation {
            out.push(raw.to_string());
            in_continuation = line.ends_with('\\');
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let lower = line.to_lowercase();
        if !out.is_empty()
            && ALTERNATIVE_MARKERS.iter().any(|m| {
                lower.starts_with(m.trim())
                    || lower.contains(&format!(" {}", m.trim())) && lower.ends_with(':')
            })
        {
            alt_seen = true;
        }
        if alt_seen {
            break;
        }
        // Numbered or bulleted steps: "1. `cmd`", "2) cmd", "- cmd".
        let item = strip_list_marker(line);
        let is_item = item.len() != line.len();
        if take_spans(item, is_item, dialect, &mut out, &mut inline_cands) {
            continue;
        }
        let candidate = strip_prompt(item, dialect);
        if candidate.len() != item.len() && !candidate.is_empty() {
            // Explicit prompt: certainly a command.
            out.push(candidate.to_string());
            in_continuation = candidate.ends_with('\\');
            continue;
        }
        if looks_like_command(item, dialect) && !looks_like_prose(item) {
            out.push(item.to_string());
            in_continuation = item.ends_with('\\');
        } else if !out.is_empty() && !is_item {
            // Prose after the command: the explanation starts.
            break;
        }
    }
    if out.is_empty() {
        inline_cands
    } else {
        out
    }
}

/// A line's inline code spans: the command among them goes to `out` (a list item, a
/// line that is all code, or steps in one sentence) or waits in `inline_cands` (a
/// span in prose). True when the line is dealt with.
fn take_spans(
    item: &str,
    is_item: bool,
    dialect: Dialect,
    out: &mut Vec<String>,
    inline_cands: &mut Vec<String>,
) -> bool {
    // Inline code spans.
    let spans = inline_code_spans(item);
    if !spans.is_empty() {
        let cmd_spans: Vec<&String> = spans
            .iter()
            .filter(|s| looks_like_command(s, dialect) && runnable::is_runnable(s, dialect))
            .collect();
        // "Use `rm` to delete: `rm -rf x`": a bare name is a mention, the span with
        // arguments the command.
        let first = cmd_spans
            .iter()
            .find(|s| s.split_whitespace().nth(1).is_some())
            .or(cmd_spans.first());
        if let Some(first) = first {
            let whole_line_is_code = item.trim_start().starts_with('`')
                && item.trim_end().ends_with('`')
                && spans.len() == 1;
            let sequential = cmd_spans.len() > 1 && {
                let l = item.to_lowercase();
                STEP_MARKERS.iter().any(|m| contains_word(&l, m))
                    && !ALTERNATIVE_MARKERS.iter().any(|m| contains_word(&l, m))
            };
            if sequential {
                // "Run `npm install` first, then `npm run build`."
                out.extend(cmd_spans.iter().map(|s| (*s).clone()));
            } else if is_item || whole_line_is_code {
                out.push((*first).clone());
            } else if inline_cands.is_empty() {
                inline_cands.push((*first).clone());
            }
            return true;
        }
    }
    false
}

pub(super) fn strip_list_marker(line: &str) -> &str {
    let t = line.trim_start();
    for bullet in ["- ", "* ", "• "] {
        if let Some(r) = t.strip_prefix(bullet) {
            return r.trim_start();
        }
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits < 3 {
        let rest = &t[digits..];
        if let Some(r) = rest
            .strip_prefix(". ")
            .or_else(|| rest.strip_prefix(") "))
            .or_else(|| rest.strip_prefix(": "))
        {
            // "1. Update the index: `apt update`" keeps its code span; the words are prose.
            return r.trim_start();
        }
    }
    for step in ["Step ", "Schritt "] {
        if let Some(r) = t.strip_prefix(step) {
            if let Some((_, after)) = r.split_once(':') {
                return after.trim_start();
            }
        }
    }
    t
}

pub(super) fn inline_code_spans(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].chars().take_while(|c| *c == '`').count();
        let after = &rest[start + ticks..];
        let closing = "`".repeat(ticks);
        match after.find(&closing) {
            Some(end) => {
                let span = after[..end].trim();
                if !span.is_empty() {
                    out.push(span.to_string());
                }
                rest = &after[end + ticks..];
            }
            None => break,
        }
    }
    out
}
