//! Offline training of the first stage (used by `scripts/train-router` and by the
//! test that checks the committed weights are a retrain of the committed corpus).
//!
//! Deterministic by construction: the corpus files are read in name order, the split
//! is a hash of each item's key, examples are shuffled by a fixed-seed generator,
//! arithmetic is sequential `f64`, and the temperature is picked from a fixed grid.
//! The same corpus therefore gives byte-identical weights.

use std::path::{Path, PathBuf};

use rustc_hash::FxHashSet;

use super::features::{self, Part, N_DENSE, N_HASHED};
use super::model::{self, Model, CLASSES};
use crate::engine::analyzer::{self, AnalyzerSettings};
use crate::engine::tier::Tier;

/// One labelled query of `data/router/*.jsonl`.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Item {
    pub q: String,
    pub tier: Tier,
    pub lang: String,
    /// Items generated from one framing share a `src`; the split keeps them together.
    #[serde(default)]
    pub src: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    Train,
    /// Fits the temperature and is used to choose thresholds.
    Calib,
    /// Held out: never used for any choice.
    Test,
}

/// 70 / 15 / 15 by a hash of `src` (generated items) or the query.
pub fn split_of(item: &Item) -> Split {
    let key = item.src.as_deref().unwrap_or(&item.q);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    match h % 100 {
        0..15 => Split::Test,
        15..30 => Split::Calib,
        _ => Split::Train,
    }
}

/// Lowercased words only, to recognise the same query written with other punctuation.
pub fn normalise(q: &str) -> String {
    q.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads every `*.jsonl` in `dir` (name order), dropping items whose normalised text
/// occurs in one of `exclude` (files of `{"query": …}` lines: the evaluation sets, so
/// that no corpus item is an evaluation item) and exact duplicates.
pub fn load_corpus(dir: &Path, exclude: &[PathBuf]) -> Result<Vec<Item>, String> {
    let mut banned: FxHashSet<String> = FxHashSet::default();
    for path in exclude {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value =
                serde_json::from_str(line).map_err(|e| format!("{}: {e}", path.display()))?;
            if let Some(q) = v["query"].as_str() {
                banned.insert(normalise(q));
            }
        }
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut seen: FxHashSet<String> = FxHashSet::default();
    let mut items = Vec::new();
    for path in files {
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let item: Item = serde_json::from_str(line)
                .map_err(|e| format!("{} line {}: {e}", path.display(), n + 1))?;
            let key = normalise(&item.q);
            if !banned.contains(&key) && seen.insert(key) {
                items.push(item);
            }
        }
    }
    Ok(items)
}

fn class(t: Tier) -> usize {
    match t {
        Tier::Fast => 0,
        Tier::Code => 1,
        Tier::Heavy => 2,
    }
}

/// An item turned into features: hashed buckets with their scaled counts.
struct Example {
    idx: Vec<u32>,
    val: Vec<f64>,
    dense: [f32; N_DENSE],
    y: usize,
}

fn prepare(item: &Item) -> Example {
    let (hand, signals) =
        analyzer::hand_weighted_with_signals(&item.q, &AnalyzerSettings::default());
    let mut all = Vec::new();
    let n = features::hashed(
        &item.q,
        |i, part| all.push((i, part == Part::Frame)),
        |_| {},
    );
    all.sort_unstable();
    let norm = |frame: bool| features::norm(if frame { n.frame } else { n.body });
    let mut idx = Vec::new();
    let mut val: Vec<f64> = Vec::new();
    for (i, frame) in all {
        if idx.last() == Some(&i) {
            *val.last_mut().unwrap_or(&mut 0.0) += norm(frame);
        } else {
            idx.push(i);
            val.push(norm(frame));
        }
    }
    Example {
        idx,
        val,
        dense: features::dense(hand.tokens, &signals, &hand),
        y: class(item.tier),
    }
}

/// Hyper-parameters (chosen on the calibration split).
#[derive(Debug, Clone, Copy)]
pub struct Params {
    pub epochs: usize,
    pub learning_rate: f64,
    pub l2: f64,
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            epochs: 12,
            learning_rate: 0.3,
            l2: 1e-6,
            seed: 13,
        }
    }
}

/// A tiny xorshift generator: the shuffle must not depend on a crate's version.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Trains on the train split, fits the temperature on the calibration split, and
/// returns the weights file.
pub fn train(items: &[Item], p: Params) -> Vec<u8> {
    let train: Vec<Example> = items
        .iter()
        .filter(|i| split_of(i) == Split::Train)
        .map(prepare)
        .collect();
    let mut w = vec![0f64; N_HASHED * CLASSES];
    let mut gw = vec![0f64; N_HASHED * CLASSES];
    let mut wd = [[0f64; CLASSES]; N_DENSE];
    let mut gd = [[0f64; CLASSES]; N_DENSE];
    let mut b = [0f64; CLASSES];
    let mut gb = [0f64; CLASSES];
    let mut rng = Rng(p.seed.max(1));
    let mut order: Vec<usize> = (0..train.len()).collect();
    let step = |w: &mut f64, g2: &mut f64, grad: f64| {
        *g2 += grad * grad;
        *w -= p.learning_rate * grad / (g2.sqrt() + 1e-8);
    };
    for _ in 0..p.epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &e in &order {
            let ex = &train[e];
            let mut z = b;
            for (&i, &v) in ex.idx.iter().zip(&ex.val) {
                for k in 0..CLASSES {
                    z[k] += v * w[i as usize * CLASSES + k];
                }
            }
            for (x, wk) in ex.dense.iter().zip(&wd) {
                for k in 0..CLASSES {
                    z[k] += f64::from(*x) * wk[k];
                }
            }
            let m = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let ez: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
            let s: f64 = ez.iter().sum();
            let g: Vec<f64> = (0..CLASSES)
                .map(|k| ez[k] / s - if k == ex.y { 1.0 } else { 0.0 })
                .collect();
            for k in 0..CLASSES {
                step(&mut b[k], &mut gb[k], g[k]);
                for (&i, &v) in ex.idx.iter().zip(&ex.val) {
                    let at = i as usize * CLASSES + k;
                    let grad = g[k] * v + p.l2 * w[at];
                    step(&mut w[at], &mut gw[at], grad);
                }
                for (j, x) in ex.dense.iter().enumerate() {
                    let grad = g[k] * f64::from(*x) + p.l2 * wd[j][k];
                    step(&mut wd[j][k], &mut gd[j][k], grad);
                }
            }
        }
    }
    let (scale, q) = quantise(&w);
    let bias = b.map(|v| v as f32);
    let dense: Vec<[f32; CLASSES]> = wd.iter().map(|r| r.map(|v| v as f32)).collect();
    let uncalibrated = model::write(1.0, scale, bias, &dense, &q);
    let calib: Vec<&Item> = items
        .iter()
        .filter(|i| split_of(i) == Split::Calib)
        .collect();
    let t = fit_temperature(&uncalibrated, &calib);
    model::write(t, scale, bias, &dense, &q)
}

/// Hashed weights as int8 with one scale per tier (largest magnitude → 127).
fn quantise(w: &[f64]) -> ([f32; CLASSES], Vec<i8>) {
    let mut scale = [0f32; CLASSES];
    for (k, s) in scale.iter_mut().enumerate() {
        let max = (0..N_HASHED)
            .map(|i| w[i * CLASSES + k].abs())
            .fold(0.0, f64::max);
        *s = if max > 0.0 { (max / 127.0) as f32 } else { 1.0 };
    }
    let q = w
        .iter()
        .enumerate()
        .map(|(at, v)| {
            (v / f64::from(scale[at % CLASSES]))
                .round()
                .clamp(-127.0, 127.0) as i8
        })
        .collect();
    (scale, q)
}

/// Logits of `items` under a model, before the temperature, with their labels.
fn logits(bytes: &[u8], items: &[&Item]) -> Vec<([f32; CLASSES], usize)> {
    let Ok(m) = Model::parse(bytes) else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| {
            let (hand, signals) =
                analyzer::hand_weighted_with_signals(&item.q, &AnalyzerSettings::default());
            let mut sums = [[0i32; CLASSES]; 2];
            let n = features::hashed(
                &item.q,
                |i, part| {
                    let w = m.bucket(i);
                    let s = &mut sums[usize::from(part == Part::Frame)];
                    for k in 0..CLASSES {
                        s[k] += i32::from(w[k]);
                    }
                },
                |_| {},
            );
            let dense = features::dense(hand.tokens, &signals, &hand);
            (m.logits(sums, n, &dense), class(item.tier))
        })
        .collect()
}

/// The temperature in 0.20, 0.21, … 5.00 with the least negative log-likelihood.
fn fit_temperature(bytes: &[u8], calib: &[&Item]) -> f32 {
    let z = logits(bytes, calib);
    let nll = |t: f32| -> f64 {
        z.iter()
            .map(|(l, y)| -model::softmax(*l, t)[*y].max(1e-12).ln())
            .sum()
    };
    let mut best = (f64::INFINITY, 1.0f32);
    for step in 20..=500 {
        let t = step as f32 / 100.0;
        let v = nll(t);
        if v < best.0 {
            best = (v, t);
        }
    }
    best.1
}

/// One row of a reliability table: predictions whose confidence fell in `[lo, hi)`.
#[derive(Debug, Clone)]
pub struct Bin {
    pub lo: f64,
    pub hi: f64,
    pub n: usize,
    pub mean_confidence: f64,
    pub accuracy: f64,
}

/// Expected calibration error over `bins` equal-width bins, and the table.
pub fn calibration(pred: &[(f64, bool)], bins: usize) -> (f64, Vec<Bin>) {
    let mut table: Vec<Bin> = (0..bins)
        .map(|b| Bin {
            lo: b as f64 / bins as f64,
            hi: (b + 1) as f64 / bins as f64,
            n: 0,
            mean_confidence: 0.0,
            accuracy: 0.0,
        })
        .collect();
    for &(c, ok) in pred {
        let b = ((c * bins as f64) as usize).min(bins - 1);
        table[b].n += 1;
        table[b].mean_confidence += c;
        table[b].accuracy += if ok { 1.0 } else { 0.0 };
    }
    let total = pred.len().max(1) as f64;
    let mut ece = 0.0;
    for bin in &mut table {
        if bin.n > 0 {
            bin.mean_confidence /= bin.n as f64;
            bin.accuracy /= bin.n as f64;
            ece += bin.n as f64 / total * (bin.mean_confidence - bin.accuracy).abs();
        }
    }
    (ece, table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_is_stable_and_keeps_a_framing_together() {
        let a = |q: &str, src: Option<&str>| Item {
            q: q.into(),
            tier: Tier::Code,
            lang: "en".into(),
            src: src.map(Into::into),
        };
        assert_eq!(
            split_of(&a("one", Some("gen:log:3"))),
            split_of(&a("two", Some("gen:log:3")))
        );
        let splits: Vec<Split> = (0..400)
            .map(|i| split_of(&a(&format!("query {i}"), None)))
            .collect();
        let test = splits.iter().filter(|s| **s == Split::Test).count();
        assert!((30..90).contains(&test), "{test} of 400 in test");
    }

    #[test]
    fn calibration_error_is_zero_when_confidence_matches() {
        let pred: Vec<(f64, bool)> = (0..10).map(|i| (0.75, i % 4 != 0)).collect();
        let (ece, table) = calibration(&pred, 10);
        assert!((ece - 0.05).abs() < 1e-9, "{ece}");
        assert_eq!(table[7].n, 10);
    }
}
