//! Blind sets: commands written by someone who never saw the analyser or the
//! project's other sets, labelled by the written policy.
//!
//! `tests/data/risk_blind_tune.jsonl` holds the first blind set, both
//! halves (`"split": "blind-tune"`), and the tune half of the second
//! (`"blind3-tune"`). The first set's held-out half was measured on its own
//! until it had served (danger 167/192 = 87.0 %, 11 destructive rated safe,
//! 2.16 % false alarms); the second's tune half first measured 103/122 =
//! 84.4 %, 3 rated safe, 1.55 % false alarms. Their misses were used as
//! hints of which classes were weak, the classes were fixed with examples of
//! our own, and the rows were merged here. This set is tuned on now, so its
//! figures say how well the rules fit what they were tuned on, not what a
//! new set can expect; a held-out set that nobody tuned on is measured with
//! [`measure`] the same way.
//!
//! Targets (issue 10): no destructive command rated safe, at least 95 % of
//! destructive commands danger, at most 2 % of the others danger.

use superhelfer::risk::{assess, RiskLevel};

#[derive(serde::Deserialize)]
struct Row {
    command: String,
    level: String,
    #[serde(default)]
    note: String,
}

/// A set's figures: danger caught, destructive rated safe, false alarms.
struct Figures {
    danger: usize,
    caught: usize,
    rated_safe: usize,
    others: usize,
    false_alarms: usize,
}

impl Figures {
    fn recall(&self) -> f64 {
        self.caught as f64 / self.danger.max(1) as f64
    }
    fn false_alarm_rate(&self) -> f64 {
        self.false_alarms as f64 / self.others.max(1) as f64
    }
}

/// Assesses every row of `tests/data/NAME`, prints the figures and every
/// disagreement with the label, and returns the figures.
fn measure(name: &str) -> Figures {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("data set present");
    let mut f = Figures {
        danger: 0,
        caught: 0,
        rated_safe: 0,
        others: 0,
        false_alarms: 0,
    };
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Row = serde_json::from_str(line).expect("valid JSONL row");
        let report = assess(&row.command);
        let got = report.level;
        let wrong = if row.level == "danger" {
            f.danger += 1;
            f.caught += usize::from(got == RiskLevel::Danger);
            f.rated_safe += usize::from(got == RiskLevel::Safe);
            got != RiskLevel::Danger
        } else {
            f.others += 1;
            f.false_alarms += usize::from(got == RiskLevel::Danger);
            got == RiskLevel::Danger
        };
        if wrong {
            eprintln!(
                "  [{}] labelled {}, got {got:?}: {:?} {:?}",
                row.note, row.level, row.command, report.reasons
            );
        }
    }
    eprintln!(
        "{name}: danger {}/{} = {:.1} %, destructive rated safe {}, false alarms {}/{} = {:.2} %",
        f.caught,
        f.danger,
        100.0 * f.recall(),
        f.rated_safe,
        f.false_alarms,
        f.others,
        100.0 * f.false_alarm_rate()
    );
    f
}

#[test]
fn blind_tune_set_meets_the_targets_it_was_tuned_to() {
    let f = measure("risk_blind_tune.jsonl");
    assert!(f.danger + f.others >= 1000, "blind tune set too small");
    // Floors at the figures the tuning ended with: 499/500 danger, none rated
    // safe, no false alarm (before this round, by part: 194/199, 167/192 and
    // 103/122 danger; 0, 11 and 3 rated safe). The one left is `helm uninstall prod-db`, which the
    // project's own sets label caution (one release is scoped).
    assert_eq!(f.rated_safe, 0, "a destructive command was rated safe");
    assert!(
        f.recall() >= 0.99,
        "danger recall fell to {:.1} %",
        100.0 * f.recall()
    );
    assert!(
        f.false_alarm_rate() <= 0.01,
        "false alarms rose to {:.2} %",
        100.0 * f.false_alarm_rate()
    );
}

/// The second blind set's held-out part (`tests/data/risk_blind3_holdout.jsonl`, 541
/// rows: half of its main file and all of its spare file, split by class before anyone
/// looked; 30 rows whose labels its author doubted were left out of both parts). Nobody
/// tuned on it: its figures are what a new set can expect. Before the round that used
/// the tune half: danger 208/254 = 81.9 %, 14 destructive rated safe, false alarms
/// 6/287 = 2.09 %; after it: 233/254 = 91.7 %, 6 rated safe, 1/287 = 0.35 %. The
/// targets (none safe, 95 %) are not met; the floors hold what was reached. Whoever
/// tunes on this set must move it into the tune set and write a new held-out one.
#[test]
fn blind_held_out_set_holds_its_floor() {
    let f = measure("risk_blind3_holdout.jsonl");
    assert!(f.danger + f.others >= 500, "held-out set too small");
    assert!(
        f.rated_safe <= 6,
        "{} destructive commands rated safe",
        f.rated_safe
    );
    assert!(
        f.recall() >= 0.915,
        "danger recall fell to {:.1} %",
        100.0 * f.recall()
    );
    assert!(
        f.false_alarm_rate() <= 0.01,
        "false alarms rose to {:.2} %",
        100.0 * f.false_alarm_rate()
    );
}
