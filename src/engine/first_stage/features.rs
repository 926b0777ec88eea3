//! What the learned first stage sees of a query: hashed text features and a few dense
//! ones from the analyzer's scans.
//!
//! Text features are hashed into `2^HASH_BITS` buckets (no vocabulary to ship):
//! lowercased word unigrams (digits folded to `0`, so timestamps and ports look
//! alike), word bigrams, character 3–5-grams inside each word with boundary marks
//! (`<disk>` → `<di`, `dis`, … — robust to typos and German inflection) and runs of
//! symbols (`|`, `--`, `();`, `=>`). Each occurrence counts once and the sum is scaled by
//! `1/n` ([`norm`]); the first and last words count again as the request's frame
//! ([`Part::Frame`]), with their own `1/n`.
//! Dense features carry what hashing cannot count well: fences, pipes, flags, stack
//! frames, log lines, error codes, length, and the hand-weighted model's verdict.
//! Extraction is one pass over the lowercased text, allocation-free per feature.

use crate::engine::analyzer::{Analysis, Signals};
use crate::engine::tier::Tier;

/// Bits of the hashed feature space.
pub const HASH_BITS: u32 = 18;
/// Buckets of the hashed feature space.
pub const N_HASHED: usize = 1 << HASH_BITS;
/// Dense features (see [`dense`]).
pub const N_DENSE: usize = 42;

/// Longest word (bytes) whose character n-grams are taken; longer ones are cut,
/// which bounds the work on base64 blobs and minified code.
const MAX_WORD: usize = 24;

const NS_WORD: u32 = 0x9e37_79b1;
const NS_BIGRAM: u32 = 0x85eb_ca6b;
const NS_CHAR: u32 = 0xc2b2_ae35;
const NS_SYMBOL: u32 = 0x27d4_eb2f;

/// FNV-1a over `bytes`, seeded by a namespace, folded to the hashed space.
fn hash(ns: u32, bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5 ^ ns;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    fold(h)
}

fn fold(h: u32) -> u32 {
    (h ^ (h >> HASH_BITS)) & (N_HASHED as u32 - 1)
}

/// A word as the unigram feature saw it, for the reasons shown to users.
pub struct WordHit<'a> {
    pub index: u32,
    pub word: &'a str,
}

/// The factor applied to the summed hashed weights of `n` occurrences: their mean,
/// so that a long paste weighs as much as a short question, however long it is (a
/// `1/sqrt(n)` scale let long prose drift towards whichever tier its words lean to).
pub fn norm(n: usize) -> f64 {
    if n > 0 {
        1.0 / n as f64
    } else {
        0.0
    }
}

/// Which normalisation a feature occurrence belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Every word and symbol of the text.
    Body,
    /// The first and last [`FRAME_WORDS`] words again, in their own namespace: the
    /// request around a paste ("grep the billing lines from this", "root cause?")
    /// keeps its weight however long the paste is.
    Frame,
}

/// Words at each end of the text that form its frame.
pub const FRAME_WORDS: usize = 40;

/// Occurrences emitted per part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub body: usize,
    pub frame: usize,
}

const FRAME_SALT: u32 = 0x5bd1_e995;

/// Emits the unigram, the bigram with `prev`, and the character 3–5-grams of one
/// word; returns the unigram's bucket and the number emitted.
fn word_features(
    raw: &[u8],
    salt: u32,
    prev: &mut Option<u32>,
    emit: &mut impl FnMut(u32),
) -> (u32, usize) {
    // Folded copy with boundary marks: `<` + word + `>`.
    let mut word = [0u8; MAX_WORD + 2];
    let mut len = 1;
    word[0] = b'<';
    for &b in raw.iter().take(MAX_WORD) {
        word[len] = if b.is_ascii_digit() { b'0' } else { b };
        len += 1;
    }
    word[len] = b'>';
    len += 1;
    let w = hash(NS_WORD ^ salt, &word[1..len - 1]);
    emit(w);
    let mut n = 1;
    if let Some(p) = *prev {
        emit(fold(p.wrapping_mul(0x2545_f491) ^ w ^ NS_BIGRAM));
        n += 1;
    }
    *prev = Some(w);
    for size in 3..=5 {
        if len < size {
            break;
        }
        for gram in word[..len].windows(size) {
            emit(hash(NS_CHAR ^ salt, gram));
            n += 1;
        }
    }
    (w, n)
}

/// Calls `emit` for every hashed feature occurrence of `text` (duplicates included)
/// with its [`Part`], and `on_word` for every word unigram of the body.
pub fn hashed(
    text: &str,
    mut emit: impl FnMut(u32, Part),
    mut on_word: impl FnMut(WordHit),
) -> Counts {
    let lower = text.to_lowercase();
    let bytes = lower.as_bytes();
    let mut counts = Counts::default();
    let mut body = |i: u32| emit(i, Part::Body);
    let (mut prev, mut frame_prev) = (None, None);
    let mut frame: Vec<u32> = Vec::new();
    // Byte ranges of the last FRAME_WORDS words after the first FRAME_WORDS.
    let mut tail: std::collections::VecDeque<(usize, usize)> = Default::default();
    let mut words = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if is_word_byte(c) {
            while i < bytes.len() && is_word_byte(bytes[i]) {
                i += 1;
            }
            let (w, n) = word_features(&bytes[start..i], 0, &mut prev, &mut body);
            counts.body += n;
            on_word(WordHit {
                index: w,
                word: &lower[start..i],
            });
            if words < FRAME_WORDS {
                let mut push = |f: u32| frame.push(f);
                counts.frame +=
                    word_features(&bytes[start..i], FRAME_SALT, &mut frame_prev, &mut push).1;
            } else {
                if tail.len() == FRAME_WORDS {
                    tail.pop_front();
                }
                tail.push_back((start, i));
            }
            words += 1;
        } else {
            // A run of symbols, at most 4 bytes as one feature.
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !is_word_byte(bytes[i]) {
                i += 1;
            }
            let run = &bytes[start..i];
            body(hash(NS_SYMBOL, &run[..run.len().min(4)]));
            counts.body += 1;
        }
    }
    let mut frame_prev = None;
    for (a, b) in tail {
        let mut push = |f: u32| frame.push(f);
        counts.frame += word_features(&bytes[a..b], FRAME_SALT, &mut frame_prev, &mut push).1;
    }
    for f in frame {
        emit(f, Part::Frame);
    }
    counts
}

/// Letters (any script, as UTF-8 bytes ≥ 0x80), digits and `_` make words.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The dense features: scan counts (log-scaled), flags, length and the
/// hand-weighted model's verdict.
pub(crate) fn dense(tokens: usize, s: &Signals, hand: &Analysis) -> [f32; N_DENSE] {
    let lg = |n: usize| ((n as f32).ln_1p() / 3.0).min(2.0);
    let b = |v: bool| if v { 1.0 } else { 0.0 };
    let share = if tokens > 0 {
        s.material_tokens as f32 / tokens as f32
    } else {
        0.0
    };
    [
        lg(s.fences),
        lg(s.inline_code),
        lg(s.pipes),
        lg(s.flags),
        lg(s.paths),
        lg(s.vars),
        lg(s.calls),
        lg(s.scope),
        lg(s.operators),
        lg(s.redirects),
        lg(s.file_names),
        lg(s.math),
        lg(s.code_lines),
        lg(s.log_lines),
        lg(s.trace_lines),
        lg(s.prose_lines),
        lg(s.services),
        lg(s.list_items),
        lg(s.error_codes),
        lg(s.snake),
        lg(s.camel),
        lg(s.sql_upper),
        b(s.command_request),
        b(s.shell_task),
        b(s.howto),
        b(s.show_that),
        b(s.proof_imperative),
        b(s.everyday_sense),
        b(s.scale),
        // Length as buckets, not a slope: a long paste to summarise is as easy as a
        // short one, while long reasoning requests are not.
        b(tokens < 30),
        b((30..100).contains(&tokens)),
        b((100..300).contains(&tokens)),
        b((300..1000).contains(&tokens)),
        b(tokens >= 1000),
        b(s.prose_lines >= 3 && share < 0.15 && s.fences == 0),
        lg(s.material_tokens),
        share,
        b(hand.tier == Tier::Fast),
        b(hand.tier == Tier::Code),
        b(hand.tier == Tier::Heavy),
        hand.complexity as f32,
        lg(s.n_words),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(text: &str) -> Vec<u32> {
        let mut v = Vec::new();
        hashed(text, |i, _| v.push(i), |_| {});
        v
    }

    #[test]
    fn the_frame_is_the_first_and_last_words() {
        let long = format!("grep the billing lines {} why", "log ".repeat(2000));
        let mut frame = 0;
        let counts = hashed(&long, |_, p| frame += usize::from(p == Part::Frame), |_| {});
        assert_eq!(counts.frame, frame);
        assert!(counts.body > 10 * counts.frame, "{counts:?}");
        let short = hashed("root cause?", |_, _| {}, |_| {});
        assert!(short.frame > 0 && short.frame < short.body);
    }

    #[test]
    fn case_and_digits_do_not_change_features() {
        assert_eq!(features("Port 8080 busy"), features("port 3000 BUSY"));
    }

    #[test]
    fn a_typo_keeps_most_character_grams() {
        let a = features("permission");
        let b = features("permision");
        let shared = a.iter().filter(|i| b.contains(i)).count();
        assert!(shared * 2 > a.len(), "{shared} of {}", a.len());
    }

    #[test]
    fn every_index_is_in_range_and_hostile_input_is_fine() {
        let nasty = "\u{0}\u{feff}ß\u{1F600}```|||--x ".repeat(50) + &"a".repeat(10_000);
        for i in features(&nasty) {
            assert!((i as usize) < N_HASHED);
        }
        assert!(features("").is_empty());
    }
}
