//! Trains the learned first stage from `data/router/*.jsonl` and writes
//! `src/engine/first_stage/weights.bin` (run through `scripts/train-router`).
//!
//! `--check`: retrain and compare with the committed weights (exit 1 if they differ).
//! `--sweep`: compare a few hyper-parameter settings on the calibration split.
//! Prints the split sizes, a heavy-threshold sweep on the calibration split, and on
//! the held-out test split: accuracy, false heavy, the confusion matrix, the
//! expected calibration error and a reliability table, next to the hand-weighted
//! model on the same items.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use superhelfer::engine::analyzer::{hand_weighted, AnalyzerSettings};
use superhelfer::engine::first_stage::model::Model;
use superhelfer::engine::first_stage::train::{self, Item, Params, Split};
use superhelfer::engine::first_stage::{classify_with, WEIGHTS};
use superhelfer::engine::tier::Tier;

fn idx(t: Tier) -> usize {
    match t {
        Tier::Fast => 0,
        Tier::Code => 1,
        Tier::Heavy => 2,
    }
}

struct Report {
    confusion: [[usize; 3]; 3],
    pred: Vec<(f64, bool)>,
}

fn evaluate(items: &[&Item], decide: impl Fn(&str) -> (Tier, f64)) -> Report {
    let mut r = Report {
        confusion: [[0; 3]; 3],
        pred: Vec::new(),
    };
    for item in items {
        let (t, conf) = decide(&item.q);
        r.confusion[idx(item.tier)][idx(t)] += 1;
        r.pred.push((conf, t == item.tier));
    }
    r
}

fn summary(name: &str, r: &Report) -> String {
    let c = &r.confusion;
    let n: usize = c.iter().flatten().sum();
    let ok: usize = (0..3).map(|i| c[i][i]).sum();
    let non_heavy = c[0].iter().sum::<usize>() + c[1].iter().sum::<usize>();
    let fh = c[0][2] + c[1][2];
    format!(
        "{name}: {n} items, accuracy {:.3}, false heavy {fh}/{non_heavy} ({:.3}); rows fast/code/heavy → {:?}",
        ok as f64 / n.max(1) as f64,
        fh as f64 / non_heavy.max(1) as f64,
        c
    )
}

fn learned<'a>(m: &'a Model, s: &'a AnalyzerSettings) -> impl Fn(&str) -> (Tier, f64) + 'a {
    move |q| {
        let a = classify_with(m, q, s);
        (a.tier, a.confidence)
    }
}

fn sweep(items: &[Item], ca: &[&Item]) {
    for epochs in [8, 12, 20] {
        for lr in [0.1, 0.3, 1.0] {
            for l2 in [0.0, 1e-6, 1e-5] {
                let p = Params {
                    epochs,
                    learning_rate: lr,
                    l2,
                    ..Params::default()
                };
                let bytes = train::train(items, p);
                let Ok(m) = Model::parse(&bytes) else {
                    continue;
                };
                let s = AnalyzerSettings::default();
                let r = evaluate(ca, learned(&m, &s));
                let (ece, _) = train::calibration(&r.pred, 10);
                let name = format!("calib e{epochs} lr{lr} l2{l2}");
                println!("{}  ece {ece:.3}  T {}", summary(&name, &r), m.temperature);
            }
        }
    }
}

/// Every item with its split and the learned probabilities, for comparisons outside
/// Rust (e.g. with embedding vectors: scripts/router-corpus/compare_wordllama.py).
fn dump(m: &Model, items: &[Item], path: &str) {
    let s = AnalyzerSettings::default();
    let mut out = String::new();
    for item in items {
        let a = classify_with(m, &item.q, &s);
        let p = a.probabilities.map(|p| [p.fast, p.code, p.heavy]);
        let split = format!("{:?}", train::split_of(item)).to_lowercase();
        let row = serde_json::json!({"q": item.q, "tier": item.tier, "lang": item.lang, "split": split, "p": p});
        out.push_str(&format!("{row}\n"));
    }
    if let Err(e) = std::fs::write(path, out) {
        eprintln!("train-router: {path}: {e}");
    }
}

/// Calibration split: the heavy-threshold sweep (and, asked for, its misses).
fn report_calib(m: &Model, ca: &[&Item], show: bool) {
    println!("temperature {:.2}", m.temperature);
    for t in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8] {
        let s = AnalyzerSettings {
            heavy_threshold: t,
            ..AnalyzerSettings::default()
        };
        let r = evaluate(ca, learned(m, &s));
        println!("{}", summary(&format!("calib heavy_threshold {t}"), &r));
    }
    let s = AnalyzerSettings::default();
    for item in ca.iter().filter(|_| show) {
        let a = classify_with(m, &item.q, &s);
        if a.tier != item.tier {
            let q: String = item.q.chars().take(110).collect();
            println!(
                "  calib miss: want {} got {} ({:.2}) {q:?}",
                item.tier, a.tier, a.confidence
            );
        }
    }
}

/// Held-out test split: never used for a choice, only reported.
fn report_test(m: &Model, te: &[&Item]) {
    let s = AnalyzerSettings::default();
    let r = evaluate(te, learned(m, &s));
    let hand = evaluate(te, |q| {
        let a = hand_weighted(q, &s);
        (a.tier, a.confidence)
    });
    println!("{}", summary("test, learned", &r));
    println!("{}", summary("test, hand-weighted", &hand));
    for lang in ["en", "de"] {
        let sub: Vec<&Item> = te.iter().copied().filter(|i| i.lang == lang).collect();
        let by_lang = evaluate(&sub, learned(m, &s));
        println!("{}", summary(&format!("test, learned, {lang}"), &by_lang));
    }
    let (ece, table) = train::calibration(&r.pred, 10);
    println!("test expected calibration error (10 bins): {ece:.3}");
    println!("  confidence    n   mean conf  accuracy");
    for b in table.iter().filter(|b| b.n > 0) {
        println!(
            "  {:.1}–{:.1}  {:>5}   {:.3}      {:.3}",
            b.lo, b.hi, b.n, b.mean_confidence, b.accuracy
        );
    }
}

/// `{"query", "tier", "split"}` lines of a project set, by split.
fn project_set(file: &Path) -> BTreeMap<String, Vec<Item>> {
    let mut by_split: BTreeMap<String, Vec<Item>> = BTreeMap::new();
    let text = std::fs::read_to_string(file).unwrap_or_default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let (Some(q), Some(Ok(tier))) = (
            v["query"].as_str(),
            v["tier"].as_str().map(str::parse::<Tier>),
        ) else {
            continue;
        };
        let split = v["split"].as_str().unwrap_or("all").to_string();
        by_split.entry(split).or_default().push(Item {
            q: q.into(),
            tier,
            lang: String::new(),
            src: None,
        });
    }
    by_split
}

/// The project's own sets, reported only (never trained or tuned on); only their
/// development split may be looked at item by item.
fn report_project_sets(m: &Model, files: &[PathBuf], show_dev: bool) {
    let s = AnalyzerSettings::default();
    for file in files {
        for (split, its) in &project_set(file) {
            let refs: Vec<&Item> = its.iter().collect();
            let r = evaluate(&refs, learned(m, &s));
            println!("{}", summary(&format!("project set {split}, learned"), &r));
            for item in its.iter().filter(|_| show_dev && split == "dev") {
                let a = classify_with(m, &item.q, &s);
                if a.tier != item.tier {
                    let q: String = item.q.chars().take(100).collect();
                    println!(
                        "  dev miss: want {} got {} ({:.2}) {q:?}",
                        item.tier, a.tier, a.confidence
                    );
                }
            }
            let h = evaluate(&refs, |q| {
                let a = hand_weighted(q, &s);
                (a.tier, a.confidence)
            });
            println!(
                "{}",
                summary(&format!("project set {split}, hand-weighted"), &h)
            );
        }
    }
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let exclude: Vec<PathBuf> = ["routing_eval.jsonl", "routing_blind.jsonl"]
        .iter()
        .map(|f| root.join("tests/data").join(f))
        .collect();
    let items = match train::load_corpus(&root.join("data/router"), &exclude) {
        Ok(items) => items,
        Err(e) => {
            eprintln!("train-router: {e}");
            return ExitCode::FAILURE;
        }
    };
    let of =
        |s: Split| -> Vec<&Item> { items.iter().filter(|i| train::split_of(i) == s).collect() };
    let (tr, ca, te) = (of(Split::Train), of(Split::Calib), of(Split::Test));
    println!(
        "corpus: {} items (train {}, calib {}, test {})",
        items.len(),
        tr.len(),
        ca.len(),
        te.len()
    );
    if flag("--sweep") {
        sweep(&items, &ca);
        return ExitCode::SUCCESS;
    }
    let bytes = train::train(&items, Params::default());
    if flag("--check") {
        if bytes == WEIGHTS {
            println!(
                "committed weights are a retrain of the corpus ({} bytes)",
                bytes.len()
            );
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "train-router: committed weights differ from a retrain; run scripts/train-router"
        );
        return ExitCode::FAILURE;
    }
    let Ok(m) = Model::parse(&bytes) else {
        eprintln!("train-router: the trained weights do not parse");
        return ExitCode::FAILURE;
    };
    if let Some(at) = args.iter().position(|a| a == "--dump") {
        dump(
            &m,
            &items,
            args.get(at + 1).map_or("/dev/stdout", String::as_str),
        );
        return ExitCode::SUCCESS;
    }
    report_calib(&m, &ca, flag("--show-calib"));
    report_test(&m, &te);
    report_project_sets(&m, &exclude, flag("--show-dev"));
    let weights = root.join("src/engine/first_stage/weights.bin");
    if let Err(e) = std::fs::write(&weights, &bytes) {
        eprintln!("train-router: {}: {e}", weights.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {} ({} bytes)", weights.display(), bytes.len());
    ExitCode::SUCCESS
}
