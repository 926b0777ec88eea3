//! Hostile input is normal input for the risk check: a model's broken or
//! adversarial text never panics or hangs it, and what does not parse is not
//! passed as safe.

use proptest::prelude::*;
use superhelfer::risk::{assess, RiskLevel};

#[test]
fn broken_shell_is_at_least_caution_with_a_reason() {
    for text in [
        "echo 'unterminated",
        "ls \"also unterminated",
        "ls $(pwd",
        "echo `date",
        "cat <<EOF\nno terminator",
        "if true; then ls",
        "for f in *; do echo $f",
        "ls )",
    ] {
        let r = assess(text);
        assert!(r.level >= RiskLevel::Caution, "{text:?}: {r:?}");
        assert!(
            r.reasons.iter().any(|x| x.contains("does not parse")),
            "{text:?}: {r:?}"
        );
    }
}

#[test]
fn deep_nesting_and_long_input_finish() {
    let nested = "$(".repeat(5_000) + "rm -rf /" + &")".repeat(5_000);
    assess(&nested);
    let backticks = "`".repeat(10_001);
    assess(&backticks);
    let parens = "(".repeat(20_000);
    assert!(assess(&parens).level >= RiskLevel::Caution);
    let vars: String = (0..2_000)
        .map(|i| format!("v{i}=$v{};", i.max(1) - 1))
        .collect();
    assess(&vars);
    let evals = "eval \"$(echo ".repeat(500) + "rm" + &")\"".repeat(500);
    assess(&evals);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn never_panics_on_shell_like_noise(s in "[a-z $(){}`'\"|&;<>=\\\\*~/.\\n\\t-]{0,120}") {
        let r = assess(&s);
        if r.level > RiskLevel::Safe {
            prop_assert!(!r.reasons.is_empty());
        }
    }

    #[test]
    fn never_panics_on_any_text(s in "\\PC{0,200}") {
        assess(&s);
    }
}
