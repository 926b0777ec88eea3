//! Routing accuracy of the first-stage analyzer on the labelled set
//! `tests/data/routing_eval.jsonl`.
//!
//! Prints per-tier and overall accuracy, the confusion matrix (rows = expected) and
//! the misrouted queries, then asserts the acceptance bars: overall accuracy ≥ 0.90
//! and at most 2% of fast+code queries sent to heavy (a false heavy loads the most
//! expensive model). Items carry an optional `split` ("dev" were used while tuning,
//! "holdout" were written afterwards and never tuned on); accuracy is also reported
//! per split.

use std::collections::BTreeMap;

use superhelfer::engine::analyzer::{analyze, AnalyzerSettings};
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

fn load() -> Vec<Item> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/routing_eval.jsonl");
    let text = std::fs::read_to_string(path).expect("routing_eval.jsonl is readable");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}", i + 1)))
        .collect()
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

#[test]
fn routing_eval_meets_acceptance_bars() {
    let items = load();
    assert!(items.len() >= 400, "eval set has {} items", items.len());
    let settings = AnalyzerSettings::default();

    let mut confusion = [[0usize; 3]; 3];
    let mut by_split: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_lang: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misrouted = Vec::new();
    for item in &items {
        let a = analyze(&item.query, &settings);
        assert!((0.0..=1.0).contains(&a.complexity));
        assert!((0.0..=1.0).contains(&a.confidence));
        assert!(!a.reasons.is_empty());
        confusion[idx(item.tier)][idx(a.tier)] += 1;
        let ok = a.tier == item.tier;
        let split = item.split.clone().unwrap_or_else(|| "all".into());
        let e = by_split.entry(split).or_default();
        e.0 += usize::from(ok);
        e.1 += 1;
        let e = by_lang.entry(item.lang.clone()).or_default();
        e.0 += usize::from(ok);
        e.1 += 1;
        if !ok {
            misrouted.push(format!(
                "  expected {:5} got {:5} c={:.2} conf={:.2} [{}] {} | {}",
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

    let total = items.len();
    let correct: usize = (0..3).map(|i| confusion[i][i]).sum();
    let accuracy = correct as f64 / total as f64;
    println!("routing eval: {total} items, overall accuracy {accuracy:.3}");
    for t in Tier::ALL {
        let row = confusion[idx(t)];
        let n: usize = row.iter().sum();
        let acc = if n == 0 {
            0.0
        } else {
            row[idx(t)] as f64 / n as f64
        };
        println!("  {:5}: {acc:.3} ({}/{n})", t.as_str(), row[idx(t)]);
    }
    println!("confusion (rows = expected, cols = got):");
    println!("  {:>8} {:>6} {:>6} {:>6}", "", "fast", "code", "heavy");
    for t in Tier::ALL {
        let r = confusion[idx(t)];
        println!("  {:>8} {:>6} {:>6} {:>6}", t.as_str(), r[0], r[1], r[2]);
    }
    for (name, (ok, n)) in by_split.iter().chain(by_lang.iter()) {
        println!("  {name}: {:.3} ({ok}/{n})", *ok as f64 / *n as f64);
    }
    println!("misrouted ({}):", misrouted.len());
    for m in misrouted.iter().take(60) {
        println!("{}", m.chars().take(400).collect::<String>());
    }

    let non_heavy = confusion[0].iter().sum::<usize>() + confusion[1].iter().sum::<usize>();
    let false_heavy = confusion[0][2] + confusion[1][2];
    let false_heavy_rate = false_heavy as f64 / non_heavy.max(1) as f64;
    println!("false heavy: {false_heavy}/{non_heavy} ({false_heavy_rate:.3})");
    assert!(accuracy >= 0.90, "overall accuracy {accuracy:.3} < 0.90");
    assert!(
        false_heavy_rate <= 0.02,
        "{false_heavy} fast/code queries went to heavy ({false_heavy_rate:.3} > 0.02)"
    );
}

#[test]
fn eval_set_is_balanced_and_bilingual() {
    let items = load();
    let n = items.len() as f64;
    let share = |t: Tier| items.iter().filter(|i| i.tier == t).count() as f64 / n;
    let german = items.iter().filter(|i| i.lang == "de").count() as f64 / n;
    assert!(
        (0.35..=0.55).contains(&share(Tier::Fast)),
        "fast share {}",
        share(Tier::Fast)
    );
    assert!(
        (0.30..=0.50).contains(&share(Tier::Code)),
        "code share {}",
        share(Tier::Code)
    );
    assert!(
        (0.10..=0.25).contains(&share(Tier::Heavy)),
        "heavy share {}",
        share(Tier::Heavy)
    );
    assert!((0.30..=0.50).contains(&german), "German share {german}");
    // Long items must be present: the 2,000-token regime is part of the contract.
    let long = items
        .iter()
        .filter(|i| superhelfer::engine::tokens::count(&i.query) >= 1500)
        .count();
    assert!(long >= 5, "only {long} items of 1,500+ tokens");
}
