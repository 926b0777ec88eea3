//! Fenced answers: which blocks hold the command, and which are output or alternatives.

use super::*;
use crate::text::fence;

/// A fenced block as command extraction sees it.
#[derive(Debug)]
pub(super) struct Block {
    pub(super) tag: String,
    pub(super) body: String,
    /// Byte range of the whole fenced block in the answer.
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The answer's fenced blocks (CommonMark's rules, [`fence::blocks`]); a fence left
/// open by a cut-off answer counts when it holds something, and ```` ```bash ls``` ````
/// on one line is split into its tag and command.
pub(super) fn fenced_blocks(answer: &str) -> Vec<Block> {
    fence::answer_blocks(answer)
        .into_iter()
        .filter(|b| b.closed || b.lines.iter().any(|l| !l.trim().is_empty()))
        .map(|b| {
            let (tag, body) = if b.one_line {
                split_inline_fence(b.lines.first().map_or("", String::as_str))
            } else {
                (b.tag.clone(), b.body())
            };
            Block {
                tag,
                body,
                start: b.start,
                end: b.end,
            }
        })
        .collect()
}

pub(super) fn split_inline_fence(inner: &str) -> (String, String) {
    let inner = inner.trim();
    let mut parts = inner.splitn(2, char::is_whitespace);
    let first = parts.next().unwrap_or("");
    let rest = parts.next().unwrap_or("");
    if is_shell_tag(&first.to_ascii_lowercase()) && !rest.trim().is_empty() {
        (first.to_ascii_lowercase(), rest.trim().to_string())
    } else {
        (String::new(), inner.to_string())
    }
}

/// A fence tag that marks a command: a shell dialect's name, or one of the tags models
/// put on commands that are no dialect of ours (`terminal`, `ps`, `cmd`, `bat`).
pub(super) fn is_shell_tag(tag: &str) -> bool {
    crate::text::dialect::from_name(tag).is_some()
        || matches!(tag, "terminal" | "ps" | "cmd" | "bat")
}

pub(super) fn is_output_tag(tag: &str) -> bool {
    matches!(
        tag,
        "text"
            | "txt"
            | "output"
            | "plaintext"
            | "log"
            | "json"
            | "yaml"
            | "yml"
            | "ini"
            | "toml"
            | "diff"
            | "python"
            | "py"
            | "javascript"
            | "js"
    )
}

/// Words in the prose between two fences meaning "or instead".
pub(super) const ALTERNATIVE_MARKERS: &[&str] = &[
    "alternativ",
    "alternative",
    "or ",
    "oder ",
    "instead",
    "stattdessen",
    "another way",
    "other way",
    "option",
    "variante",
    "if you prefer",
    "wenn du",
    "wenn sie",
    "falls du",
    "falls sie",
    "auch ",
    "also ",
    "output",
    "ausgabe",
    "result",
    "ergebnis",
    "example",
    "beispiel",
    "for example",
    "zum beispiel",
    "to verify",
    "zum prüfen",
    "to check",
    "zur kontrolle",
    "überprüfen",
];

/// Words meaning "and then" — several fences are consecutive steps.
pub(super) const STEP_MARKERS: &[&str] = &[
    "then",
    "next",
    "after that",
    "afterwards",
    "finally",
    "step",
    "dann",
    "danach",
    "anschließend",
    "schritt",
    "zuletzt",
    "zum schluss",
    "second",
    "zweitens",
    "2.",
    "3.",
    "2)",
    "3)",
];

pub(super) fn choose_blocks(answer: &str, blocks: &[Block], dialect: Dialect) -> Vec<String> {
    // Prefer shell-tagged or untagged blocks over ones tagged as output/other languages.
    let usable: Vec<&Block> = {
        let good: Vec<&Block> = blocks
            .iter()
            .filter(|b| !is_output_tag(&b.tag) && has_command_text(&b.body, dialect))
            .collect();
        if good.is_empty() {
            blocks
                .iter()
                .filter(|b| has_command_text(&b.body, dialect))
                .collect()
        } else {
            good
        }
    };
    let Some(first) = usable.first() else {
        return Vec::new();
    };
    let mut chosen = vec![*first];
    for pair in usable.windows(2) {
        let between = answer
            .get(pair[0].end..pair[1].start)
            .unwrap_or("")
            .to_lowercase();
        let is_step = STEP_MARKERS.iter().any(|m| contains_word(&between, m));
        let is_alt = ALTERNATIVE_MARKERS
            .iter()
            .any(|m| contains_word(&between, m));
        if is_step && !is_alt {
            chosen.push(pair[1]);
        } else {
            break;
        }
    }
    chosen
        .iter()
        .flat_map(|b| b.body.lines().map(str::to_string).collect::<Vec<_>>())
        .collect()
}

pub(super) fn contains_word(hay: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay.get(from..).and_then(|h| h.find(needle)) {
        let at = from + i;
        let before_ok = at == 0
            || !hay[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric());
        if before_ok {
            return true;
        }
        from = at + needle.len().max(1);
    }
    false
}

pub(super) fn has_command_text(body: &str, dialect: Dialect) -> bool {
    body.lines().any(|l| {
        let t = strip_prompt(l.trim(), dialect);
        !t.is_empty() && !is_comment_line(t, dialect)
    })
}
