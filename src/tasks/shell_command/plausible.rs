//! Does a line read as a command or as prose?

use super::*;

pub(super) fn first_word(line: &str) -> &str {
    let t = line.trim_start();
    let t = t.strip_prefix("sudo ").unwrap_or(t).trim_start();
    t.split(|c: char| c.is_whitespace() || c == ';' || c == '|')
        .next()
        .unwrap_or("")
}

pub(super) fn looks_like_command(line: &str, dialect: Dialect) -> bool {
    let t = line.trim();
    if t.is_empty() {
        return false;
    }
    let w = first_word(t);
    let base = w.rsplit('/').next().unwrap_or(w);
    if KNOWN_COMMANDS.contains(&base) {
        // "find the largest files" vs "find . -size +1G": a known command
        // followed by prose is prose; require no sentence ending.
        return !looks_like_sentence_after_command(t);
    }
    if w.starts_with("./") || w.starts_with("~/") || (w.starts_with('/') && w.len() > 1) {
        return true;
    }
    if w.contains('=')
        && !w.starts_with('=')
        && w.split('=')
            .next()
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return true;
    }
    if dialect == Dialect::PowerShell {
        // Verb-Noun cmdlets, `$var = …`.
        let verbish = w.split_once('-').is_some_and(|(v, n)| {
            v.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !n.is_empty()
        });
        if verbish || w.starts_with('$') {
            return true;
        }
    }
    // Unknown lower-case tool with typical shell syntax.
    let lower_tool = !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'));
    let shellish = t.contains(" -")
        || t.contains(" | ")
        || t.contains(" && ")
        || t.contains(" > ")
        || t.contains('$');
    lower_tool && shellish && !looks_like_prose(t)
}

/// "find the biggest files in your home." — a sentence, not a command.
pub(super) fn looks_like_sentence_after_command(t: &str) -> bool {
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() < 4 {
        return false;
    }
    let prose_words = [
        "the", "a", "an", "your", "you", "this", "that", "to", "of", "and", "will", "with",
        "which", "der", "die", "das", "den", "dem", "und", "ist", "wird", "mit", "ein", "eine",
        "einen", "deine", "ihre", "im", "in", "is", "are", "for", "all", "alle",
    ];
    let has_shell = t.contains(" -")
        || t.contains('|')
        || t.contains('>')
        || t.contains('$')
        || t.contains('/')
        || t.contains('*')
        || t.contains('"')
        || t.contains('\'');
    let n_prose = words
        .iter()
        .skip(1)
        .filter(|w| prose_words.contains(&w.to_lowercase().trim_end_matches([',', '.', ':'])))
        .count();
    (!has_shell && n_prose >= 1) || (n_prose >= 3 && t.ends_with('.'))
}

pub(super) fn looks_like_prose(line: &str) -> bool {
    let l = line.trim().to_lowercase();
    if PROSE_STARTS.iter().any(|p| l.starts_with(p)) {
        return true;
    }
    let ends_sentence = l.ends_with(':')
        || (l.ends_with('.') && l.split_whitespace().count() > 3 && !l.contains(" -"));
    let first_upper = line.trim().chars().next().is_some_and(|c| c.is_uppercase());
    ends_sentence
        || (first_upper
            && !KNOWN_COMMANDS.contains(&first_word(line))
            && line.split_whitespace().count() > 3)
}
