//! The blind held-out half of `tests/data/risk_blind_*.jsonl`: commands written by someone
//! who never saw the analyser or the other sets, split from the tune half by a hash of the
//! command. Nobody tuned on this half; its figures are what a new set can expect. They are
//! below the project's targets (95 % danger, none rated safe): this test prints them and
//! holds them as a floor, so a change can only make them better.

use superhelfer::risk::{assess, RiskLevel};

#[derive(serde::Deserialize)]
struct Row {
    command: String,
    level: String,
}

#[test]
fn blind_held_out_half_is_measured_and_does_not_regress() {
    let text = include_str!("data/risk_blind_holdout.jsonl");
    let (mut danger, mut caught, mut rated_safe, mut others, mut false_alarms) = (0, 0, 0, 0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Row = serde_json::from_str(line).unwrap();
        let got = assess(&row.command).level;
        if row.level == "danger" {
            danger += 1;
            caught += usize::from(got == RiskLevel::Danger);
            rated_safe += usize::from(got == RiskLevel::Safe);
        } else {
            others += 1;
            false_alarms += usize::from(got == RiskLevel::Danger);
        }
    }
    let recall = caught as f64 / danger as f64;
    let fa = false_alarms as f64 / others as f64;
    eprintln!(
        "blind, held-out half: danger {caught}/{danger} = {:.1} %, destructive rated safe {rated_safe}, false alarms {false_alarms}/{others} = {:.2} %",
        100.0 * recall,
        100.0 * fa
    );
    assert!(
        recall >= 0.865,
        "danger recall fell to {:.1} %",
        100.0 * recall
    );
    assert!(
        rated_safe <= 11,
        "{rated_safe} destructive commands rated safe"
    );
    assert!(fa <= 0.022, "false alarms rose to {:.2} %", 100.0 * fa);
}
