//! Token counting and token-based cutting with the `cl100k_base` BPE.
//!
//! The ranks are a static table laid out at compile time (`cl100k.rs`, built by
//! `build.rs`), so nothing is built at start or on the first request.
//!
//! tiktoken splits text with a `fancy-regex` pattern before the BPE merge, and that regex
//! dominates its cost (~0.5–1 ms for 2,000 tokens, too slow for the router's per-request
//! budget). This module replaces the regex with a hand-written, single-pass scanner that
//! implements the same cl100k split pattern, and merges each piece with a heap, in
//! `O(n log n)`. The result is identical to tiktoken's `encode_ordinary(..).len()` for all
//! text whose letters are `\p{L}` and whose pieces (words, runs of punctuation or
//! whitespace) are at most [`MAX_PIECE_BYTES`] long (property tests check this against
//! tiktoken-rs). Longer pieces — a base64 blob, a minified line, a run of one letter — are
//! merged in chunks of that size, so the work per piece is bounded and counting stays linear
//! in the input; such a count can differ from tiktoken's by a token per chunk (well under
//! 1 %). For scripts that use combining "Other_Alphabetic" marks (e.g. Devanagari vowel
//! signs) Rust's `char::is_alphabetic` is slightly broader than `\p{L}` and counts can
//! differ by a few tokens, which is irrelevant for routing and context budgeting.
//!
//! Counts are a model-agnostic yardstick: the local models have their own tokenizers.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::ops::ControlFlow;

use super::cl100k::{self, Rank};

/// Longest piece merged as a whole; longer ones are merged in chunks of this size (cut at
/// a char boundary). No cl100k token is longer than 128 bytes, and real words, numbers and
/// runs of punctuation are far shorter, so counts of ordinary text stay exact.
pub const MAX_PIECE_BYTES: usize = 4096;

/// Pieces up to this length are merged on the stack, without allocating.
const SMALL_PIECE: usize = 64;

/// Kept for callers that warmed the old lazily built table: the table is static now, so
/// this only touches its pages.
pub fn warm_up() {
    let _ = count("warm");
}

/// Number of cl100k tokens in `text`.
///
/// Special-token strings such as `<|endoftext|>` in user text are counted as ordinary
/// text, since user input must never be interpreted as control tokens.
pub fn count(text: &str) -> usize {
    let mut n = 0usize;
    split_pieces(text, |piece| {
        for chunk in bpe_chunks(piece) {
            merge(chunk.as_bytes(), &mut |_| n += 1);
        }
        ControlFlow::Continue(())
    });
    n
}

/// [`count`], but it stops once the count exceeds `limit`: exact up to `limit`, and
/// `limit + 1` beyond, at a cost proportional to `limit` rather than to `text`.
pub fn count_up_to(text: &str, limit: usize) -> usize {
    let mut n = 0usize;
    for_each_token_end(text, |_| {
        n += 1;
        if n > limit {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    n
}

/// Cheap token estimate (`ceil(chars / 4)`).
pub fn estimate(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// Calls `f` with the byte offset at which each token of `text` ends, in order, until it
/// breaks.
fn for_each_token_end(text: &str, mut f: impl FnMut(usize) -> ControlFlow<()>) {
    let base = text.as_ptr() as usize;
    split_pieces(text, |piece| {
        for chunk in bpe_chunks(piece) {
            let start = chunk.as_ptr() as usize - base;
            let mut flow = ControlFlow::Continue(());
            merge(chunk.as_bytes(), &mut |end| {
                if flow.is_continue() {
                    flow = f(start + end);
                }
            });
            flow?;
        }
        ControlFlow::Continue(())
    });
}

/// The longest prefix of `text` that holds at most `n` tokens.
///
/// Cuts only at char boundaries; a token that ends inside a multi-byte character is
/// dropped rather than split, so the result may hold slightly fewer than `n` tokens. The
/// work is proportional to the prefix, not to `text`.
pub fn head(text: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    let mut seen = 0usize;
    let mut end = text.len();
    for_each_token_end(text, |e| {
        seen += 1;
        if seen == n {
            end = e;
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    &text[..floor_char_boundary(text, end)]
}

/// The longest suffix of `text` that holds at most `n` tokens.
///
/// Useful for logs, where the last lines usually carry the error. Memory is proportional
/// to `n`, not to `text`.
pub fn tail(text: &str, n: usize) -> &str {
    // The ends of the last n + 1 tokens: the first of them is where the suffix starts.
    let mut last: VecDeque<usize> = VecDeque::new();
    for_each_token_end(text, |e| {
        if last.len() > n {
            last.pop_front();
        }
        last.push_back(e);
        ControlFlow::Continue(())
    });
    if last.len() <= n {
        return text;
    }
    let start = last.front().copied().unwrap_or(0);
    &text[ceil_char_boundary(text, start)..]
}

/// Truncates `text` to at most `max_tokens` tokens, keeping the beginning.
///
/// Returns `text` itself when it already fits.
pub fn truncate_to(text: &str, max_tokens: usize) -> &str {
    head(text, max_tokens)
}

/// A piece in chunks of at most [`MAX_PIECE_BYTES`], cut at char boundaries.
fn bpe_chunks(piece: &str) -> impl Iterator<Item = &str> {
    let mut rest = piece;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut cut = floor_char_boundary(rest, MAX_PIECE_BYTES);
        if cut == 0 {
            cut = ceil_char_boundary(rest, 1);
        }
        let (chunk, more) = rest.split_at(cut);
        rest = more;
        Some(chunk)
    })
}

/// Byte-pair merges `piece` and calls `emit` with the end offset of each token, in order.
fn merge(piece: &[u8], emit: &mut dyn FnMut(usize)) {
    if piece.len() <= 1 || cl100k::rank(piece).is_some() {
        // Every single byte is a token (checked when the table is built).
        if !piece.is_empty() {
            emit(piece.len());
        }
    } else if piece.len() <= SMALL_PIECE {
        merge_small(piece, emit);
    } else {
        merge_large(piece, emit);
    }
}

fn rank_or_max(bytes: &[u8]) -> Rank {
    cl100k::rank(bytes).unwrap_or(Rank::MAX)
}

/// BPE on a short piece: repeatedly merge the adjacent pair with the lowest rank (the
/// leftmost on ties), with the parts in fixed arrays.
fn merge_small(piece: &[u8], emit: &mut dyn FnMut(usize)) {
    let n = piece.len();
    // Part k is piece[starts[k]..starts[k + 1]]; pair[k] ranks parts k and k + 1 joined.
    let mut starts = [0usize; SMALL_PIECE + 1];
    let mut pair = [Rank::MAX; SMALL_PIECE + 1];
    for (k, s) in starts.iter_mut().enumerate().take(n + 1) {
        *s = k;
    }
    let mut parts = n;
    for k in 0..n - 1 {
        pair[k] = rank_or_max(&piece[k..k + 2]);
    }
    loop {
        let mut best = (Rank::MAX, 0usize);
        for (k, &r) in pair.iter().enumerate().take(parts.saturating_sub(1)) {
            if r < best.0 {
                best = (r, k);
            }
        }
        if best.0 == Rank::MAX {
            break;
        }
        let k = best.1;
        // Parts k and k + 1 become one: drop the boundary between them.
        starts.copy_within(k + 2..=parts, k + 1);
        pair.copy_within(k + 2..parts, k + 1);
        parts -= 1;
        let joined = |k: usize| {
            if k + 2 <= parts {
                rank_or_max(&piece[starts[k]..starts[k + 2]])
            } else {
                Rank::MAX
            }
        };
        pair[k] = joined(k);
        if k > 0 {
            pair[k - 1] = joined(k - 1);
        }
    }
    for &end in &starts[1..=parts] {
        emit(end);
    }
}

/// BPE on a long piece with a heap of candidate merges and the parts as a linked list:
/// the same merges in the same order as [`merge_small`], in `O(n log n)`.
fn merge_large(piece: &[u8], emit: &mut dyn FnMut(usize)) {
    let n = piece.len();
    // The part starting at byte i (if one does) ends at next[i]; prev[i] is the part before.
    let mut next: Vec<usize> = (1..=n).collect();
    let mut prev: Vec<usize> = (0..n).map(|i| i.saturating_sub(1)).collect();
    // Rank of the part at i joined with its successor; MAX when none (or i is no part).
    let mut pair: Vec<Rank> = vec![Rank::MAX; n];
    let mut heap = BinaryHeap::with_capacity(n);
    for i in 0..n - 1 {
        pair[i] = rank_or_max(&piece[i..i + 2]);
        if pair[i] != Rank::MAX {
            heap.push(Reverse((pair[i], i)));
        }
    }
    let joined = |next: &[usize], i: usize| match next.get(next[i]) {
        Some(&end) => rank_or_max(&piece[i..end]),
        None => Rank::MAX,
    };
    while let Some(Reverse((r, i))) = heap.pop() {
        // A stale entry: the part changed since (a joined pair is always a longer, hence
        // different, token) or was absorbed.
        if pair[i] != r {
            continue;
        }
        let j = next[i];
        let k = next[j];
        next[i] = k;
        if k < n {
            prev[k] = i;
        }
        pair[j] = Rank::MAX;
        pair[i] = joined(&next, i);
        if pair[i] != Rank::MAX {
            heap.push(Reverse((pair[i], i)));
        }
        if i > 0 {
            let p = prev[i];
            pair[p] = joined(&next, p);
            if pair[p] != Rank::MAX {
                heap.push(Reverse((pair[p], p)));
            }
        }
    }
    let mut i = 0;
    while i < n {
        i = next[i];
        emit(i);
    }
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
/// The pieces are contiguous and cover `text` exactly; `emit` can stop the scan early.
fn split_pieces<'a>(text: &'a str, mut emit: impl FnMut(&'a str) -> ControlFlow<()>) {
    let mut i = 0usize;
    // Every piece holds at least one char, so the scan always advances.
    while i < text.len() {
        let end = piece_end(text, i);
        if emit(&text[i..end]).is_break() {
            return;
        }
        i = end;
    }
}

/// The char at byte `i` (a char boundary), if any.
#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

/// End of the run of chars from `i` that satisfy `pred`.
#[inline]
fn run(text: &str, mut i: usize, pred: impl Fn(char) -> bool) -> usize {
    while let Some(c) = char_at(text, i) {
        if !pred(c) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// End of the piece that starts at `i` (a char boundary before the end of `text`): the
/// first of the regex's alternatives that matches there.
fn piece_end(text: &str, i: usize) -> usize {
    let Some(c) = char_at(text, i) else {
        return text.len();
    };
    let next = i + c.len_utf8();
    // 1. English contractions.
    if c == '\'' {
        if let Some(n) = contraction_len(&text[next..]) {
            return next + n;
        }
    }
    // 2. A letter run, optionally with one leading non-letter/number/newline char.
    if is_letter(c)
        || (!is_newline(c) && !is_number(c) && char_at(text, next).is_some_and(is_letter))
    {
        return run(text, next, is_letter);
    }
    // 3. Up to three digits.
    if is_number(c) {
        let mut end = next;
        for _ in 0..2 {
            match char_at(text, end) {
                Some(d) if is_number(d) => end += d.len_utf8(),
                _ => break,
            }
        }
        return end;
    }
    // 4. Punctuation run with an optional leading space and trailing newlines.
    let punct_start = if c == ' ' { next } else { i };
    if char_at(text, punct_start).is_some_and(is_other) {
        let end = run(text, punct_start, is_other);
        return run(text, end, is_newline);
    }
    // What is left is whitespace (everything else matched above).
    whitespace_end(text, i, next)
}

/// End of the whitespace piece at `i` (alternatives 5 to 8); `next` is the byte after the
/// char at `i`.
fn whitespace_end(text: &str, i: usize, next: usize) -> usize {
    let ws_end = run(text, i, char::is_whitespace);
    // 5. Whitespace up to the end of the text.
    if ws_end == text.len() {
        return ws_end;
    }
    // 6. Whitespace up to and including its last newline.
    if let Some(nl) = text[i..ws_end].rfind(['\r', '\n']) {
        return i + nl + 1;
    }
    // 7. Whitespace not followed by non-whitespace: all but the run's last char.
    let last = text[i..ws_end]
        .char_indices()
        .next_back()
        .map_or(i, |(k, _)| i + k);
    if last > i {
        return last;
    }
    // 8. A single whitespace char (or, defensively, whatever char is here).
    next
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
    use std::sync::OnceLock;

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
            let ends = token_ends(&s);
            prop_assert_eq!(ends.len(), count(&s));
            prop_assert_eq!(ends.last().copied().unwrap_or(0), s.len());
        }
    }

    fn token_ends(text: &str) -> Vec<usize> {
        let mut ends = Vec::new();
        for_each_token_end(text, |e| {
            ends.push(e);
            ControlFlow::Continue(())
        });
        ends
    }

    /// Pseudo-random letters: one long piece with realistic merges.
    fn random_word(len: usize, mut seed: u64) -> String {
        (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                (b'a' + (seed % 26) as u8) as char
            })
            .collect()
    }

    #[test]
    fn long_pieces_up_to_the_cut_are_exact() {
        // Longer than the stack merge, shorter than the cut: the heap merge, exactly.
        for len in [65, 100, 1000, MAX_PIECE_BYTES] {
            for s in [
                "x".repeat(len),
                random_word(len, len as u64),
                "=".repeat(len),
                " ".repeat(len),
                "ß".repeat(len / 2),
            ] {
                assert_eq!(count(&s), reference_count(&s), "len {len}: {:?}", &s[..20]);
                assert_eq!(token_ends(&s).last().copied(), Some(s.len()));
            }
        }
    }

    #[test]
    fn pieces_beyond_the_cut_are_merged_in_bounded_chunks() {
        // The work per chunk is bounded, so counting is linear in the input.
        let word = random_word(128_000, 7) + "é" + &"ä".repeat(5000);
        let mut covered = 0;
        for chunk in bpe_chunks(&word) {
            assert!(!chunk.is_empty() && chunk.len() <= MAX_PIECE_BYTES);
            assert_eq!(chunk.as_ptr() as usize - word.as_ptr() as usize, covered);
            covered += chunk.len();
        }
        assert_eq!(covered, word.len());
        // And the count stays close to tiktoken's (at most one token per chunk apart).
        for s in [word, "x".repeat(128_000)] {
            let (ours, exact) = (count(&s), reference_count(&s));
            let chunks = s.len().div_ceil(MAX_PIECE_BYTES);
            assert!(ours.abs_diff(exact) <= chunks, "{ours} vs {exact}");
        }
    }

    #[test]
    fn head_stops_early_and_tail_keeps_only_what_it_needs() {
        let text = "word ".repeat(200_000);
        assert_eq!(head(&text, 3), "word word word");
        assert_eq!(tail(&text, 2), " word ");
        assert_eq!(head("", 5), "");
        assert_eq!(tail("", 5), "");
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
