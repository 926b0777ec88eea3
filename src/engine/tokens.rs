//! Token counting and token-based cutting with the `cl100k_base` BPE.
//!
//! The BPE ranks are compiled into the binary by `tiktoken-rs`, but building them into a
//! hash map takes tens of milliseconds. They are therefore built lazily, once, on first
//! use and never on the startup path; call [`warm_up`] from a background task to move
//! that cost off the first request.
//!
//! `tiktoken-rs` splits text with a `fancy-regex` pattern before the BPE merge, and that
//! regex dominates its cost (~0.5–1 ms for 2,000 tokens, too slow for the router's
//! per-request budget). This module keeps tiktoken's ranks and its BPE merge
//! ([`tiktoken_rs::byte_pair_split`]) but replaces the regex with a hand-written,
//! single-pass scanner that implements the same cl100k split pattern. The result is
//! identical to `CoreBPE::encode_ordinary(..).len()` for all text whose letters are
//! `\p{L}` (a property test checks this against tiktoken); for scripts that use
//! combining "Other_Alphabetic" marks (e.g. Devanagari vowel signs) Rust's
//! `char::is_alphabetic` is slightly broader than `\p{L}` and counts can differ by a
//! few tokens, which is irrelevant for routing and context budgeting.
//!
//! Counts are a model-agnostic yardstick: the local models have their own tokenizers.
//! If the BPE cannot be built (it is compiled in, so this should not happen) every
//! function falls back to a `chars / 4` estimate instead of panicking.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use tiktoken_rs::Rank;

/// Byte sequence → rank, as `tiktoken_rs::byte_pair_split` expects it.
type Ranks = FxHashMap<Vec<u8>, Rank>;

/// The lazily built rank table; `None` records a failed build so it is not retried.
static RANKS: OnceLock<Option<Ranks>> = OnceLock::new();

/// Highest ordinary (non-special) rank in cl100k_base is 100255.
const CL100K_ORDINARY_RANKS: Rank = 100_256;

fn ranks() -> Option<&'static Ranks> {
    RANKS.get_or_init(build_ranks).as_ref()
}

/// Extracts the ordinary ranks from tiktoken's `CoreBPE` (whose table is private)
/// by decoding every rank once.
fn build_ranks() -> Option<Ranks> {
    let bpe = match tiktoken_rs::cl100k_base() {
        Ok(bpe) => bpe,
        Err(err) => {
            tracing::warn!(error = %err, "cl100k_base failed to load; token counts are estimates");
            return None;
        }
    };
    let mut ranks = Ranks::default();
    ranks.reserve(CL100K_ORDINARY_RANKS as usize);
    for rank in 0..CL100K_ORDINARY_RANKS {
        // cl100k has no holes below 100256; skip any that a future table might have.
        if let Ok(bytes) = bpe.decode_bytes(&[rank]) {
            ranks.insert(bytes, rank);
        }
    }
    // All 256 single bytes must be present, or the BPE merge could fail on odd input.
    if (0u8..=255).any(|b| !ranks.contains_key(&[b][..])) {
        tracing::warn!("cl100k_base rank table incomplete; token counts are estimates");
        return None;
    }
    Some(ranks)
}

/// Builds the rank table now, so that the first real [`count`] does not pay for it.
///
/// Safe to call any number of times from any thread; only the first call does work.
pub fn warm_up() {
    let _ = ranks();
}

/// Whether exact cl100k counts are available (false only after a failed load, when
/// counts are `chars / 4` estimates).
pub fn is_exact() -> bool {
    ranks().is_some()
}

/// Number of cl100k tokens in `text`.
///
/// Special-token strings such as `<|endoftext|>` in user text are counted as ordinary
/// text, since user input must never be interpreted as control tokens.
pub fn count(text: &str) -> usize {
    if text.is_empty() {
        return 0;
    }
    let Some(ranks) = ranks() else {
        return estimate(text);
    };
    let mut n = 0usize;
    split_pieces(text, |piece| {
        n += piece_token_count(ranks, piece.as_bytes())
    });
    n
}

/// Cheap token estimate (`ceil(chars / 4)`), used when the BPE is unavailable.
pub fn estimate(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// The longest prefix of `text` that holds at most `n` tokens.
///
/// Cuts only at char boundaries; a token that ends inside a multi-byte character is
/// dropped rather than split, so the result may hold slightly fewer than `n` tokens.
pub fn head(text: &str, n: usize) -> &str {
    let end = match token_byte_ends(text) {
        Some(ends) if ends.len() > n => match n {
            0 => 0,
            _ => ends[n - 1],
        },
        Some(_) => return text,
        None => char_index_to_byte(text, n.saturating_mul(4)),
    };
    &text[..floor_char_boundary(text, end)]
}

/// The longest suffix of `text` that holds at most `n` tokens.
///
/// Useful for logs, where the last lines usually carry the error.
pub fn tail(text: &str, n: usize) -> &str {
    let start = match token_byte_ends(text) {
        Some(ends) if ends.len() > n => ends[ends.len() - n - 1],
        Some(_) => return text,
        None => {
            let chars = text.chars().count();
            char_index_to_byte(text, chars.saturating_sub(n.saturating_mul(4)))
        }
    };
    &text[ceil_char_boundary(text, start)..]
}

/// Truncates `text` to at most `max_tokens` tokens, keeping the beginning.
///
/// Returns `text` itself when it already fits.
pub fn truncate_to(text: &str, max_tokens: usize) -> &str {
    head(text, max_tokens)
}

fn piece_token_count(ranks: &Ranks, piece: &[u8]) -> usize {
    if piece.len() <= 1 || ranks.contains_key(piece) {
        // Every single byte is a token (checked at load), so len 1 is always one token.
        return usize::from(!piece.is_empty());
    }
    tiktoken_rs::byte_pair_split(piece, ranks).len()
}

/// Byte offset at which each token of `text` ends, or `None` without a rank table.
fn token_byte_ends(text: &str) -> Option<Vec<usize>> {
    let ranks = ranks()?;
    let base = text.as_ptr() as usize;
    let mut ends = Vec::new();
    split_pieces(text, |piece| {
        let start = piece.as_ptr() as usize - base;
        let bytes = piece.as_bytes();
        if bytes.len() <= 1 || ranks.contains_key(bytes) {
            ends.push(start + bytes.len());
        } else {
            let mut pos = start;
            for part in tiktoken_rs::byte_pair_split(bytes, ranks) {
                pos += part.len();
                ends.push(pos);
            }
        }
    });
    Some(ends)
}

/// `\p{L}` for the scanner; `is_alphabetic` minus letter-numbers (Nl) comes closest.
#[inline]
fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        c.is_alphabetic() && !c.is_numeric()
    }
}

/// `\p{N}`.
#[inline]
fn is_number(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric()
    }
}

/// `[^\s\p{L}\p{N}]`.
#[inline]
fn is_other(c: char) -> bool {
    !c.is_whitespace() && !is_letter(c) && !is_number(c)
}

#[inline]
fn is_newline(c: char) -> bool {
    c == '\r' || c == '\n'
}

/// Splits `text` into the pieces that cl100k's pre-tokenizer regex produces:
///
/// ```text
/// '(?i:[sdmt]|ll|ve|re) | [^\r\n\p{L}\p{N}]?+\p{L}++ | \p{N}{1,3}+
/// | ' '?[^\s\p{L}\p{N}]++[\r\n]*+ | \s++$ | \s*[\r\n] | \s+(?!\S) | \s
/// ```
///
/// Alternatives are tried in order at each position, as the backtracking regex does.
/// The pieces are contiguous and cover `text` exactly.
fn split_pieces<'a>(text: &'a str, mut emit: impl FnMut(&'a str)) {
    let len = text.len();
    let char_at = |i: usize| text[i..].chars().next();
    // End of the run of chars from `i` that satisfy `pred`.
    let run = |mut i: usize, pred: &dyn Fn(char) -> bool| {
        while let Some(c) = char_at(i) {
            if !pred(c) {
                break;
            }
            i += c.len_utf8();
        }
        i
    };
    let mut i = 0usize;
    while let Some(c) = char_at(i) {
        let next = i + c.len_utf8();
        // 1. English contractions.
        if c == '\'' {
            if let Some(n) = contraction_len(&text[next..]) {
                emit(&text[i..next + n]);
                i = next + n;
                continue;
            }
        }
        // 2. A letter run, optionally with one leading non-letter/number/newline char.
        if is_letter(c) {
            let end = run(next, &is_letter);
            emit(&text[i..end]);
            i = end;
            continue;
        }
        if !is_newline(c) && !is_number(c) && char_at(next).is_some_and(is_letter) {
            let end = run(next, &is_letter);
            emit(&text[i..end]);
            i = end;
            continue;
        }
        // 3. Up to three digits.
        if is_number(c) {
            let mut end = next;
            for _ in 0..2 {
                match char_at(end) {
                    Some(d) if is_number(d) => end += d.len_utf8(),
                    _ => break,
                }
            }
            emit(&text[i..end]);
            i = end;
            continue;
        }
        // 4. Punctuation run with an optional leading space and trailing newlines.
        let punct_start = if c == ' ' { next } else { i };
        if char_at(punct_start).is_some_and(is_other) {
            let end = run(punct_start, &is_other);
            let end = run(end, &is_newline);
            emit(&text[i..end]);
            i = end;
            continue;
        }
        // What is left is whitespace (everything else matched above).
        let ws_end = run(i, &char::is_whitespace);
        // 5. Whitespace up to the end of the text.
        if ws_end == len {
            emit(&text[i..]);
            break;
        }
        // 6. Whitespace up to and including its last newline.
        if let Some(nl) = text[i..ws_end].rfind(['\r', '\n']) {
            let end = i + nl + 1;
            emit(&text[i..end]);
            i = end;
            continue;
        }
        // 7. Whitespace not followed by non-whitespace: all but the run's last char.
        let last = text[i..ws_end]
            .char_indices()
            .next_back()
            .map_or(i, |(k, _)| i + k);
        if last > i {
            emit(&text[i..last]);
            i = last;
            continue;
        }
        // 8. A single whitespace char (or, defensively, whatever char is here).
        emit(&text[i..next]);
        i = next;
    }
}

/// Length of the suffix matched by `(?i:[sdmt]|ll|ve|re)` at the start of `rest`.
fn contraction_len(rest: &str) -> Option<usize> {
    let mut chars = rest.chars();
    let a = chars.next()?;
    // U+017F (long s) folds to 's' under Unicode case-insensitive matching.
    if matches!(a, 's' | 'S' | 'd' | 'D' | 'm' | 'M' | 't' | 'T' | 'ſ') {
        return Some(a.len_utf8());
    }
    let b = chars.next()?;
    let pair = [a.to_ascii_lowercase(), b.to_ascii_lowercase()];
    matches!(pair, ['l', 'l'] | ['v', 'e'] | ['r', 'e']).then_some(2)
}

fn char_index_to_byte(text: &str, chars: usize) -> usize {
    text.char_indices()
        .nth(chars)
        .map_or(text.len(), |(byte, _)| byte)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference() -> &'static tiktoken_rs::CoreBPE {
        static REF: OnceLock<tiktoken_rs::CoreBPE> = OnceLock::new();
        REF.get_or_init(|| tiktoken_rs::cl100k_base().expect("compiled-in cl100k_base loads"))
    }

    fn reference_count(text: &str) -> usize {
        reference().encode_ordinary(text).len()
    }

    #[test]
    fn counts_known_strings() {
        assert_eq!(count(""), 0);
        // "hello world" is two cl100k tokens.
        assert_eq!(count("hello world"), 2);
        assert!(is_exact());
    }

    #[test]
    fn matches_tiktoken_on_tricky_text() {
        let samples = [
            "I'll say it's done, they've gone, we're here, I'D, 'Sure' 'll",
            "  leading spaces\n\n\ttabs and\r\n CRLF   \n  trailing   ",
            "numbers 1234567 and 3.14159, 1e-9, ٣٤٥ and Ⅻ",
            "punct!!! ... --flag -x | grep 'foo' > /dev/null 2>&1 && echo $HOME\n",
            "fn main() {\n    let x: Vec<u32> = vec![1, 2, 3];\n}\n\n\n",
            "Grüße aus Köln – Straße, Übermaß, naïve café; 東京タワー 🎉🎉 👨‍👩‍👧",
            "trailing whitespace only     ",
            "  \n",
            "a\u{a0}b\u{2003}c \u{3000}d",
            "<|endoftext|> is ordinary here",
        ];
        for s in samples {
            assert_eq!(count(s), reference_count(s), "{s:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn matches_tiktoken_on_random_text(
            s in "([a-zA-ZäöüßÄÖÜéñ]{1,8}|[0-9]{1,5}|[ \t\n\r]{1,4}|[.,;:!?'\"(){}<>/|$_=+*#@~`-]{1,3}|'(s|ll|VE|re|x)|\u{a0}|東京|🎉)*"
        ) {
            prop_assert_eq!(count(&s), reference_count(&s));
            let ends = token_byte_ends(&s).unwrap_or_default();
            prop_assert_eq!(ends.len(), count(&s));
            prop_assert_eq!(ends.last().copied().unwrap_or(0), s.len());
        }
    }

    #[test]
    fn special_tokens_are_ordinary_text() {
        // As a special token this would be 1; as text it is several.
        assert!(count("<|endoftext|>") > 1);
    }

    #[test]
    fn head_and_tail_cut_at_token_boundaries() {
        let text = "one two three four five six";
        assert_eq!(head(text, 2), "one two");
        assert_eq!(tail(text, 2), " five six");
        assert_eq!(head(text, 0), "");
        assert_eq!(tail(text, 0), "");
        assert_eq!(head(text, 1000), text);
        assert_eq!(tail(text, 1000), text);
        assert_eq!(truncate_to(text, 3), "one two three");
    }

    #[test]
    fn head_and_tail_respect_multibyte_chars() {
        let text = "Grüße aus Köln 🎉🎉🎉 und München";
        for n in 0..=count(text) + 1 {
            let h = head(text, n);
            let t = tail(text, n);
            assert!(text.starts_with(h));
            assert!(text.ends_with(t));
            // Re-encoding a cut can merge differently at the edge, by at most one token.
            assert!(count(h) <= n + 1, "head({n}) = {h:?}");
            assert!(count(t) <= n + 1, "tail({n}) = {t:?}");
        }
        assert_eq!(head(text, count(text)), text);
    }

    #[test]
    fn estimate_rounds_up() {
        assert_eq!(estimate(""), 0);
        assert_eq!(estimate("abc"), 1);
        assert_eq!(estimate("abcde"), 2);
        assert_eq!(estimate("äöüß"), 1);
    }
}
