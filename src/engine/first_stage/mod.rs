//! The learned first stage: a multinomial logistic regression over hashed word and
//! character n-grams plus the analyzer's syntax signals and hand-weighted verdict
//! ([`features`]), with weights trained offline (`scripts/train-router`, [`train`])
//! and compiled into the binary (`weights.bin`, about 0.8 MB: the hashed table in
//! int8 with a scale per tier). Probabilities are temperature-scaled on a
//! calibration split, so `confidence` is the probability that the tier is right.
//!
//! `heavy` is chosen only when P(heavy) reaches `router.heavy_threshold`, because a
//! false heavy loads the largest model; otherwise the likelier of `fast` and `code`
//! wins, and pasted code or logs longer than `router.code_token_threshold` are at
//! least `code`. Classification is one pass over the text and one table look-up
//! per feature occurrence (see `benches/analyzer.rs`).

pub mod corrections;
pub mod features;
pub mod model;
#[doc(hidden)]
pub mod train;

use std::sync::OnceLock;

use crate::engine::analyzer::{self, Analysis, AnalyzerSettings, Signals};
use crate::engine::tier::Tier;
use features::Part;
use model::{Model, CLASSES};

/// The weights compiled in; rebuilt by `scripts/train-router`.
pub static WEIGHTS: &[u8] = include_bytes!("weights.bin");

/// Calibrated probability of each tier.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TierProbabilities {
    pub fast: f64,
    pub code: f64,
    pub heavy: f64,
}

impl TierProbabilities {
    pub fn get(&self, t: Tier) -> f64 {
        match t {
            Tier::Fast => self.fast,
            Tier::Code => self.code,
            Tier::Heavy => self.heavy,
        }
    }
}

fn model() -> Option<&'static Model<'static>> {
    static MODEL: OnceLock<Option<Model<'static>>> = OnceLock::new();
    MODEL
        .get_or_init(|| match Model::parse(WEIGHTS) {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::error!("{e}; the hand-weighted analyzer decides alone");
                None
            }
        })
        .as_ref()
}

/// Words that pushed hardest towards each tier, for the reasons.
#[derive(Default)]
struct TopWords {
    best: [[(i32, String); 2]; CLASSES],
}

impl TopWords {
    fn offer(&mut self, w: [i8; CLASSES], word: &str) {
        if word.chars().count() < 4 || word.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        for k in 0..CLASSES {
            let other = (0..CLASSES)
                .filter(|&o| o != k)
                .map(|o| i32::from(w[o]))
                .max()
                .unwrap_or(0);
            let score = i32::from(w[k]) - other;
            let slots = &mut self.best[k];
            if score <= slots[1].0 || slots.iter().any(|(_, s)| s == word) {
                continue;
            }
            slots[1] = (score, word.to_string());
            if slots[1].0 > slots[0].0 {
                slots.swap(0, 1);
            }
        }
    }

    fn words(&self, k: usize) -> Vec<&str> {
        self.best[k]
            .iter()
            .filter(|(s, w)| *s > 0 && !w.is_empty())
            .map(|(_, w)| w.as_str())
            .collect()
    }
}

/// Scores `query` with the model: probabilities and the words behind them.
fn score(
    model: &Model,
    query: &str,
    tokens: usize,
    signals: &Signals,
    hand: &Analysis,
) -> ([f64; CLASSES], TopWords) {
    let mut sums = [[0i32; CLASSES]; 2];
    let mut top = TopWords::default();
    let n = features::hashed(
        query,
        |i, part| {
            let w = model.bucket(i);
            let s = &mut sums[usize::from(part == Part::Frame)];
            for k in 0..CLASSES {
                s[k] += i32::from(w[k]);
            }
        },
        |hit| top.offer(model.bucket(hit.index), hit.word),
    );
    let dense = features::dense(tokens, signals, hand);
    let z = model.logits(sums, n, &dense);
    (model::softmax(z, model.temperature), top)
}

/// Picks a tier for `query`. Falls back to the hand-weighted model (and says so)
/// only if the compiled-in weights do not fit this build.
pub fn classify(query: &str, settings: &AnalyzerSettings) -> Analysis {
    match model() {
        Some(model) => classify_with(model, query, settings),
        None => {
            let mut a = analyzer::hand_weighted(query, settings);
            a.reasons.push(
                "the learned first stage is unavailable, so the hand-weighted analyzer decided"
                    .into(),
            );
            a
        }
    }
}

/// [`classify`] with a given model (the trainer evaluates fresh weights this way).
pub fn classify_with(model: &Model, query: &str, settings: &AnalyzerSettings) -> Analysis {
    let (hand, signals) = analyzer::hand_weighted_with_signals(query, settings);
    let (p, top) = score(model, query, hand.tokens, &signals, &hand);
    let probs = TierProbabilities {
        fast: p[0],
        code: p[1],
        heavy: p[2],
    };
    let mut tier = decide_tier(&probs, settings);
    let mut reasons = Vec::new();
    if tier == Tier::Fast && signals.material_tokens >= settings.code_token_threshold {
        tier = Tier::Code;
        reasons.push(format!(
            "it pastes {} tokens of code or logs, at least code_token_threshold {}",
            signals.material_tokens, settings.code_token_threshold
        ));
    }
    reasons.insert(0, headline(tier, &signals, top.words(tier_index(tier))));
    reasons.push(format!(
        "the learned first stage rates it fast {:.2}, code {:.2}, heavy {:.2}",
        probs.fast, probs.code, probs.heavy
    ));
    if tier != Tier::Heavy && probs.heavy >= 0.2 {
        reasons.push(format!(
            "heavy was considered, but {:.2} is below heavy_threshold {:.2}",
            probs.heavy, settings.heavy_threshold
        ));
    }
    Analysis {
        tier,
        complexity: round3(probs.heavy),
        tokens: hand.tokens,
        reasons,
        confidence: round3(probs.get(tier)),
        probabilities: Some(probs),
    }
}

/// `heavy` at or above the threshold, else the likelier of `fast` and `code`.
pub(crate) fn decide_tier(p: &TierProbabilities, settings: &AnalyzerSettings) -> Tier {
    if p.heavy >= settings.heavy_threshold {
        Tier::Heavy
    } else if p.code > p.fast {
        Tier::Code
    } else {
        Tier::Fast
    }
}

pub(crate) fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn tier_index(t: Tier) -> usize {
    match t {
        Tier::Fast => 0,
        Tier::Code => 1,
        Tier::Heavy => 2,
    }
}

/// "looks like a code question (a stack trace of 3 frames; 2 code blocks; the words
/// "disk" and "space")".
fn headline(tier: Tier, s: &Signals, words: Vec<&str>) -> String {
    let mut ev: Vec<String> = Vec::new();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if tier != Tier::Fast {
        if s.trace_lines > 0 {
            ev.push(format!("a stack trace of {} frames", s.trace_lines));
        }
        if s.fences > 0 {
            ev.push(plural(s.fences.div_ceil(2), "code block", "code blocks"));
        }
        if s.log_lines > 0 {
            let services = if s.services > 1 {
                format!(" from {} services", s.services)
            } else {
                String::new()
            };
            ev.push(format!(
                "{}{services}",
                plural(s.log_lines, "log line", "log lines")
            ));
        }
        if s.code_lines >= 2 {
            ev.push(plural(s.code_lines, "code line", "code lines"));
        }
        let shell: Vec<&str> = [
            (s.pipes, "pipe"),
            (s.flags, "flags"),
            (s.paths, "paths"),
            (s.vars, "$VAR"),
            (s.redirects, "redirection"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(_, l)| *l)
        .collect();
        if !shell.is_empty() {
            ev.push(format!("shell syntax ({})", shell.join(", ")));
        }
        if s.error_codes > 0 {
            ev.push(plural(s.error_codes, "error code", "error codes"));
        }
    }
    ev.truncate(3);
    if !words.is_empty() {
        let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
        let list = match quoted.split_last() {
            Some((last, init)) if !init.is_empty() => format!("{} and {last}", init.join(", ")),
            _ => quoted.join(""),
        };
        ev.push(format!(
            "the word{} {list}",
            if quoted.len() == 1 { "" } else { "s" }
        ));
    }
    let what = match tier {
        Tier::Fast => "looks like a general question",
        Tier::Code => "looks like a code question",
        Tier::Heavy => "looks like a demanding question",
    };
    if ev.is_empty() {
        what.to_string()
    } else {
        format!("{what} ({})", ev.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_weights_load_and_reasons_read_as_sentences() {
        assert!(model().is_some(), "weights.bin does not fit this build");
        let a = classify(
            "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\nKeyError: 'x'",
            &AnalyzerSettings::default(),
        );
        assert_eq!(a.tier, Tier::Code);
        assert!(
            a.reasons[0].starts_with("looks like a code question (a stack trace"),
            "{:?}",
            a.reasons
        );
        assert!(a
            .reasons
            .iter()
            .any(|r| r.starts_with("the learned first stage rates it fast ")));
        let p = a.probabilities.unwrap();
        assert_eq!(a.confidence, round3(p.code));
    }

    #[test]
    fn heavy_needs_the_threshold_and_long_material_is_at_least_code() {
        let proof = "prove that there is no largest prime number, with a full argument";
        let strict = AnalyzerSettings {
            heavy_threshold: 1.01,
            ..AnalyzerSettings::default()
        };
        assert_ne!(classify(proof, &strict).tier, Tier::Heavy);
        let paste = format!(
            "tl;dr?\n{}",
            "Mar 3 10:00:01 web-01 nginx[12]: GET /health 200\n".repeat(40)
        );
        let low = AnalyzerSettings {
            code_token_threshold: 1,
            ..AnalyzerSettings::default()
        };
        assert_ne!(classify(&paste, &low).tier, Tier::Fast);
    }
}
