//! Blind sets: commands written by someone who never saw the analyser or the
//! project's other sets, labelled by the written policy.
//!
//! Seven such sets have been written, each by a writer who saw only issue 10.
//! Each was split by class into a tune half and a held-out half before anyone
//! looked; the held-out half was measured once as it came, then, once the
//! next set existed, its misses were read as hints of which classes were weak,
//! the classes were fixed with examples of our own, and the rows joined the
//! tune set. First figures of each new set on the code of its day, before any
//! tuning on it: blind3 held-out 81.9 % danger (14 rated safe, 2.09 % false
//! alarms), blind4 82.8 % (18 rated safe, 0.89 %), blind5 92.7 % (5, 1.27 %),
//! blind6 (written as a red-teamer would) 83.2 % (17, 0.36 %), blind7 97.3 %
//! (1 rated safe, no false alarm).
//!
//! `tests/data/risk_blind_tune.jsonl` holds everything tuned on (the
//! `"split"` says which set and half); `tests/data/risk_blind_holdout.jsonl`
//! is blind7's held-out half, which nobody tuned on.
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
    /// None rated safe, recall at least `recall`, false alarms at most `false_alarms`.
    fn assert_floors(&self, recall: f64, false_alarms: f64) {
        assert_eq!(self.rated_safe, 0, "a destructive command was rated safe");
        assert!(
            self.recall() >= recall,
            "danger recall fell to {:.1} %",
            100.0 * self.recall()
        );
        assert!(
            self.false_alarm_rate() <= false_alarms,
            "false alarms rose to {:.2} %",
            100.0 * self.false_alarm_rate()
        );
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
    assert!(f.danger + f.others >= 3000, "blind tune set too small");
    // Floors at the figures the tuning ended with: 1,715/1,729 danger, none
    // rated safe, no false alarm. Left at caution: two named branches deleted
    // (the policy says caution: one branch) and a few red-team tricks
    // (logrotate postrotate, a planted hooks path, a `cd` function in
    // ~/.profile).
    f.assert_floors(0.99, 0.01);
}

/// The seventh blind set's held-out half (`tests/data/risk_blind_holdout.jsonl`, 232
/// rows, split by class before anyone looked). Nobody tuned on it: its figures are
/// what a new set can expect: danger 109/112 = 97.3 %, none rated safe, no false
/// alarm. Whoever tunes on this set must move it into the tune set and write a
/// new held-out one.
#[test]
fn blind_held_out_set_holds_its_floor() {
    let f = measure("risk_blind_holdout.jsonl");
    assert!(f.danger + f.others >= 200, "held-out set too small");
    f.assert_floors(0.97, 0.01);
}
