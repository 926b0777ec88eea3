//! Routing accuracy of the first stage (the learned classifier) on the held-out
//! test split of the training corpus `data/router/*.jsonl` (never trained or tuned
//! on: accuracy, false heavy, calibration error and a reliability table, next to
//! the hand-weighted model alone), and on the labelled sets
//! `tests/data/routing_eval.jsonl` (splits "dev" and "holdout") and
//! `tests/data/routing_blind.jsonl` (split "blind", written without looking at the
//! analyzer and never tuned on).
//!
//! Prints per-tier, per-split and per-language accuracy, the confusion matrix (rows =
//! expected) and the misrouted queries of the tuning splits, then asserts the
//! acceptance bars on the whole set and on the blind split separately: accuracy ≥ 0.90
//! and at most 2% of fast+code queries sent to heavy (a false heavy loads the most
//! expensive model). Blind misses are only listed with `ROUTING_EVAL_SHOW_BLIND=1`, so
//! that tuning does not quietly turn the blind split into a dev split.

use std::collections::BTreeMap;

use superhelfer::engine::analyzer::{analyze, hand_weighted, AnalyzerSettings};
use superhelfer::engine::first_stage::train::{self, Split};
use superhelfer::engine::tier::Tier;

#[derive(serde::Deserialize)]
struct Item {
    query: String,
    tier: Tier,
    lang: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    split: Option<String>,
}

fn load_file(name: &str) -> Vec<Item> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("{name} line {}: {e}", i + 1))
        })
        .collect()
}

fn load() -> Vec<Item> {
    let mut items = load_file("routing_eval.jsonl");
    items.extend(load_file("routing_blind.jsonl"));
    items
}

fn idx(t: Tier) -> usize {
    match t {
        Tier::Fast => 0,
        Tier::Code => 1,
        Tier::Heavy => 2,
    }
}

fn preview(q: &str) -> String {
    let one_line: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s: String = one_line.chars().take(90).collect();
    if one_line.chars().count() > 90 {
        s.push('…');
    }
    s
}

/// Confusion matrix (rows = expected, cols = got) with the derived figures.
#[derive(Default)]
struct Score {
    confusion: [[usize; 3]; 3],
}

impl Score {
    fn add(&mut self, expected: Tier, got: Tier) {
        self.confusion[idx(expected)][idx(got)] += 1;
    }
    fn total(&self) -> usize {
        self.confusion.iter().flatten().sum()
    }
    fn accuracy(&self) -> f64 {
        let correct: usize = (0..3).map(|i| self.confusion[i][i]).sum();
        correct as f64 / self.total().max(1) as f64
    }
    fn false_heavy(&self) -> (usize, usize) {
        let c = &self.confusion;
        let non_heavy = c[0].iter().sum::<usize>() + c[1].iter().sum::<usize>();
        (c[0][2] + c[1][2], non_heavy)
    }
    fn false_heavy_rate(&self) -> f64 {
        let (fh, n) = self.false_heavy();
        fh as f64 / n.max(1) as f64
    }
    fn print(&self, name: &str) {
        let (fh, n) = self.false_heavy();
        println!(
            "{name}: {} items, accuracy {:.3}, false heavy {fh}/{n} ({:.3})",
            self.total(),
            self.accuracy(),
            self.false_heavy_rate()
        );
        println!("  {:>8} {:>6} {:>6} {:>6}", "", "fast", "code", "heavy");
        for t in Tier::ALL {
            let r = self.confusion[idx(t)];
            let row_n: usize = r.iter().sum();
            let acc = r[idx(t)] as f64 / row_n.max(1) as f64;
            println!(
                "  {:>8} {:>6} {:>6} {:>6}   ({acc:.3})",
                t.as_str(),
                r[0],
                r[1],
                r[2]
            );
        }
    }
}

#[test]
fn routing_eval_meets_acceptance_bars() {
    let items = load();
    assert!(items.len() >= 650, "eval sets have {} items", items.len());
    let settings = AnalyzerSettings::default();
    let show_blind = std::env::var_os("ROUTING_EVAL_SHOW_BLIND").is_some();

    let mut all = Score::default();
    let mut by_split: BTreeMap<String, Score> = BTreeMap::new();
    let mut by_lang: BTreeMap<String, Score> = BTreeMap::new();
    let mut misrouted = Vec::new();
    for item in &items {
        let a = analyze(&item.query, &settings);
        assert!((0.0..=1.0).contains(&a.complexity));
        assert!((0.0..=1.0).contains(&a.confidence));
        assert!(!a.reasons.is_empty());
        let split = item.split.clone().unwrap_or_else(|| "all".into());
        all.add(item.tier, a.tier);
        by_split
            .entry(split.clone())
            .or_default()
            .add(item.tier, a.tier);
        by_lang
            .entry(item.lang.clone())
            .or_default()
            .add(item.tier, a.tier);
        if a.tier != item.tier && (split != "blind" || show_blind) {
            misrouted.push(format!(
                "  [{split}] expected {:5} got {:5} c={:.2} conf={:.2} [{}] {} | {}",
                item.tier.as_str(),
                a.tier.as_str(),
                a.complexity,
                a.confidence,
                item.note.as_deref().unwrap_or(""),
                preview(&item.query),
                a.reasons.join("; ")
            ));
        }
    }

    all.print("all");
    for (name, s) in &by_split {
        s.print(&format!("split {name}"));
    }
    for (name, s) in &by_lang {
        println!("  lang {name}: {:.3} ({} items)", s.accuracy(), s.total());
    }
    println!("misrouted (blind split hidden unless ROUTING_EVAL_SHOW_BLIND is set):");
    for m in misrouted.iter().take(80) {
        println!("{}", m.chars().take(400).collect::<String>());
    }

    let blind = by_split.get("blind").expect("the blind split is present");
    for (name, s) in [("whole set", &all), ("blind split", blind)] {
        assert!(
            s.accuracy() >= 0.90,
            "{name}: accuracy {:.3} < 0.90",
            s.accuracy()
        );
        let (fh, _) = s.false_heavy();
        assert!(
            s.false_heavy_rate() <= 0.02,
            "{name}: {fh} fast/code queries went to heavy ({:.3} > 0.02)",
            s.false_heavy_rate()
        );
    }
}

#[test]
fn eval_set_is_balanced_and_bilingual() {
    for (name, items) in [
        ("routing_eval.jsonl", load_file("routing_eval.jsonl")),
        ("routing_blind.jsonl", load_file("routing_blind.jsonl")),
    ] {
        let n = items.len() as f64;
        assert!(n >= 240.0, "{name} has only {n} items");
        let share = |t: Tier| items.iter().filter(|i| i.tier == t).count() as f64 / n;
        let german = items.iter().filter(|i| i.lang == "de").count() as f64 / n;
        assert!(
            (0.35..=0.55).contains(&share(Tier::Fast)),
            "{name}: fast share {}",
            share(Tier::Fast)
        );
        assert!(
            (0.30..=0.50).contains(&share(Tier::Code)),
            "{name}: code share {}",
            share(Tier::Code)
        );
        assert!(
            (0.10..=0.25).contains(&share(Tier::Heavy)),
            "{name}: heavy share {}",
            share(Tier::Heavy)
        );
        assert!(
            (0.30..=0.50).contains(&german),
            "{name}: German share {german}"
        );
        // Long items must be present: the 2,000-token regime is part of the contract.
        let long = items
            .iter()
            .filter(|i| superhelfer::engine::tokens::count(&i.query) >= 1500)
            .count();
        assert!(long >= 3, "{name}: only {long} items of 1,500+ tokens");
    }
    let blind = load_file("routing_blind.jsonl");
    assert!(blind.iter().all(|i| i.split.as_deref() == Some("blind")));
}

#[test]
fn first_stage_on_the_corpus_held_out_split() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let exclude =
        ["routing_eval.jsonl", "routing_blind.jsonl"].map(|f| root.join("tests/data").join(f));
    let items = train::load_corpus(&root.join("data/router"), &exclude).unwrap();
    let test: Vec<_> = items
        .iter()
        .filter(|i| train::split_of(i) == Split::Test)
        .collect();
    assert!(test.len() >= 500, "held-out split has {} items", test.len());
    let settings = AnalyzerSettings::default();
    let (mut learned, mut hand) = (Score::default(), Score::default());
    let mut by_lang: BTreeMap<&str, Score> = BTreeMap::new();
    let mut pred = Vec::new();
    for item in &test {
        let a = analyze(&item.q, &settings);
        let p = a.probabilities.expect("the learned first stage answered");
        assert!((p.fast + p.code + p.heavy - 1.0).abs() < 1e-6);
        learned.add(item.tier, a.tier);
        by_lang
            .entry(&item.lang)
            .or_default()
            .add(item.tier, a.tier);
        hand.add(item.tier, hand_weighted(&item.q, &settings).tier);
        pred.push((a.confidence, a.tier == item.tier));
        if a.tier != item.tier && std::env::var_os("ROUTING_EVAL_SHOW_HELD_OUT").is_some() {
            println!(
                "  expected {} got {} ({:.2}) {}",
                item.tier,
                a.tier,
                a.confidence,
                preview(&item.q)
            );
        }
    }
    learned.print("corpus held-out split, learned first stage");
    hand.print("corpus held-out split, hand-weighted model alone");
    for (lang, s) in &by_lang {
        s.print(&format!("  corpus held-out split, {lang}"));
    }
    let (ece, table) = train::calibration(&pred, 10);
    println!("expected calibration error (10 bins): {ece:.3}");
    println!("  confidence     n  mean conf  accuracy");
    for b in table.iter().filter(|b| b.n > 0) {
        println!(
            "  {:.1}-{:.1}  {:>5}     {:.3}     {:.3}",
            b.lo, b.hi, b.n, b.mean_confidence, b.accuracy
        );
    }
    assert!(
        learned.accuracy() >= 0.90,
        "accuracy {:.3}",
        learned.accuracy()
    );
    assert!(
        learned.false_heavy_rate() <= 0.02,
        "false heavy {:.3}",
        learned.false_heavy_rate()
    );
    assert!(ece <= 0.05, "calibration error {ece:.3}");
}
