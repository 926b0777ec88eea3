use super::*;
use crate::engine::context::Severity;

fn diag(line: usize, code: &str, source: &str, message: &str) -> Diagnostic {
    Diagnostic {
        line,
        end_line: line,
        start_col: 5,
        end_col: 10,
        severity: Severity::Warning,
        code: Some(code.into()),
        source: Some(source.into()),
        message: message.into(),
    }
}

const SCRIPT: &str = "#!/bin/bash\nname=$1\necho $name\nexit 0\n";

fn sc_region() -> Region {
    let d = diag(
        2,
        "SC2086",
        "shellcheck",
        "Double quote to prevent globbing and word splitting.",
    );
    Region::for_diagnostics(SCRIPT, &[d], DEFAULT_MARGIN).expect("one diagnostic")
}

fn expect_fix(answer: &str, region: &Region, start: usize, end: usize, new: &[&str]) {
    let fix = parse_fix(answer, region).unwrap_or_else(|e| panic!("{e} for {answer:?}"));
    assert_eq!(
        fix,
        Fix {
            start_line: start,
            end_line: end,
            new_lines: new.iter().map(|s| s.to_string()).collect()
        },
        "{answer:?}"
    );
}

#[test]
fn region_covers_diagnostics_plus_margin_clamped() {
    let r = sc_region();
    assert_eq!((r.start_line, r.end_line()), (0, 4));
    assert_eq!((r.focus_start, r.focus_end), (2, 2));
    assert_eq!(
        r.lines,
        vec!["#!/bin/bash", "name=$1", "echo $name", "exit 0", ""]
    );
    let r = Region::new("a\r\nb\r\nc", 9, 1, 0);
    assert_eq!((r.start_line, r.focus_end), (1, 2));
    assert_eq!(r.lines, vec!["b", "c"]);
    assert!(Region::for_diagnostics("x", &[], 2).is_none());
    let text = "x\n".repeat(200);
    let r = Region::for_diagnostics(
        &text,
        &[diag(10, "a", "b", "c"), diag(150, "a", "b", "c")],
        0,
    )
    .expect("diagnostics");
    assert_eq!((r.focus_start, r.focus_end), (10, 10));
}

#[test]
fn shellcheck_quoting_fix_in_prose_and_fence() {
    let r = sc_region();
    let answer = "Here is the corrected code:\n\n```bash\n#!/bin/bash\nname=$1\necho \"$name\"\nexit 0\n```\n\nQuoting `$name` prevents word splitting.";
    expect_fix(answer, &r, 2, 2, &["echo \"$name\""]);
    // Only the broken line, bare.
    expect_fix("echo \"$name\"", &r, 2, 2, &["echo \"$name\""]);
    // Only the broken line, as an inline span, after reasoning.
    expect_fix(
        "<think>quote it</think>`echo \"$name\"`",
        &r,
        2,
        2,
        &["echo \"$name\""],
    );
    // Before/after blocks: the changed one is taken.
    let answer = "Before:\n```bash\necho $name\n```\nAfter:\n```bash\necho \"$name\"\n```";
    expect_fix(answer, &r, 2, 2, &["echo \"$name\""]);
    let fixed = apply(SCRIPT, &parse_fix(answer, &r).expect("fix"));
    assert_eq!(fixed, "#!/bin/bash\nname=$1\necho \"$name\"\nexit 0\n");
}

#[test]
fn python_name_error_with_echoed_line_numbers() {
    let text = "def total(items):\n    result = 0\n    for item in items:\n        reslt += item\n    return result\n";
    let d = diag(3, "F821", "pyflakes", "undefined name 'reslt'");
    let r = Region::for_diagnostics(text, std::slice::from_ref(&d), 2).expect("region");
    assert_eq!((r.start_line, r.end_line()), (1, 5));
    let answer = "```python\n 2 |     result = 0\n 3 |     for item in items:\n>4 |         result += item\n 5 |     return result\n 6 | \n```";
    expect_fix(answer, &r, 3, 3, &["        result += item"]);
    let answer = "2:     result = 0\n3:     for item in items:\n4:         result += item\n5:     return result";
    expect_fix(answer, &r, 3, 3, &["        result += item"]);
    // Indentation dropped by the model is restored.
    let answer = "```python\nresult += item\n```";
    expect_fix(answer, &r, 3, 3, &["        result += item"]);
    let answer =
        "```python\nresult = 0\nfor item in items:\n    result += item\nreturn result\n```";
    expect_fix(answer, &r, 3, 3, &["        result += item"]);
}

#[test]
fn rust_missing_semicolon_with_crlf() {
    let text = "fn main() {\r\n    let x = 5\r\n    println!(\"{x}\");\r\n}\r\n";
    let d = diag(1, "E0308", "rustc", "expected `;`, found `println`");
    let r = Region::for_diagnostics(text, std::slice::from_ref(&d), 2).expect("region");
    let answer = "The statement is missing a semicolon.\r\n\r\n```rust\r\nfn main() {\r\n    let x = 5;\r\n    println!(\"{x}\");\r\n}\r\n```\r\n";
    let fix = parse_fix(answer, &r).expect("fix");
    assert_eq!(fix.new_lines, vec!["    let x = 5;"]);
    assert_eq!((fix.start_line, fix.end_line), (1, 1));
    assert_eq!(
        apply(text, &fix),
        "fn main() {\r\n    let x = 5;\r\n    println!(\"{x}\");\r\n}\r\n"
    );
    let (system, user) = build_prompt(&[d], &BuiltContext::default(), "rust", &r);
    assert!(system.contains("```rust code block"));
    assert!(system.contains("lines 1-4"));
    assert!(user.contains("- line 2, col 6: warning [rustc E0308]: expected `;`"));
    assert!(user.contains("```rust\nfn main() {\n    let x = 5\n"));
    assert!(user.ends_with("The corrected lines 1-4:"));
    assert!(!user.contains('\r'));
}

#[test]
fn unchanged_and_empty_answers_are_errors() {
    let r = sc_region();
    assert_eq!(
        parse_fix("```bash\n#!/bin/bash\nname=$1\necho $name\nexit 0\n```", &r),
        Err(FixError::NoChange)
    );
    assert_eq!(parse_fix("echo $name", &r), Err(FixError::NoChange));
    assert_eq!(parse_fix("", &r), Err(FixError::NoCode));
    assert_eq!(parse_fix("```bash\n```", &r), Err(FixError::NoCode));
    assert_eq!(
        parse_fix(
            "I cannot see any error in this code. It looks correct to me.",
            &r
        ),
        Err(FixError::NoCode)
    );
}

#[test]
fn line_insertion_and_deletion_are_minimal() {
    let text = "set -e\ncd /tmp\nrm -rf build\nmake\n";
    let r = Region::new(text, 2, 2, 1);
    // Insert a guard before line 2.
    let fix = parse_fix(
        "```sh\ncd /tmp\n[ -d build ] || exit 0\nrm -rf build\nmake\n```",
        &r,
    )
    .expect("fix");
    assert_eq!(
        apply(text, &fix),
        "set -e\ncd /tmp\n[ -d build ] || exit 0\nrm -rf build\nmake\n"
    );
    assert!(fix.end_line >= fix.start_line);
    assert!(fix.end_line - fix.start_line <= 1);
    // Delete line 2.
    let fix = parse_fix("```sh\ncd /tmp\nmake\n```", &r).expect("fix");
    assert_eq!(
        fix,
        Fix {
            start_line: 2,
            end_line: 2,
            new_lines: vec![]
        }
    );
    assert_eq!(apply(text, &fix), "set -e\ncd /tmp\nmake\n");
}

#[test]
fn diff_answers_and_yaml_numbers() {
    let r = sc_region();
    let answer = "```diff\n--- a/x.sh\n+++ b/x.sh\n@@ -2,3 +2,3 @@\n name=$1\n-echo $name\n+echo \"$name\"\n exit 0\n```";
    expect_fix(answer, &r, 2, 2, &["echo \"$name\""]);
    // A YAML region whose lines look numbered keeps its numbers.
    let text = "ports:\n  80: http\n  443: https\n";
    let r = Region::new(text, 1, 1, 1);
    let fix = parse_fix("```yaml\nports:\n  80: web\n  443: https\n```", &r).expect("fix");
    assert_eq!(fix.new_lines, vec!["  80: web"]);
}

#[test]
fn multi_line_focus_answer_only() {
    let text = "fn f() {\n    let a = 1\n    let b = 2\n    a + b\n}\n";
    let r = Region::new(text, 1, 2, 2);
    expect_fix(
        "```rust\nlet a = 1;\nlet b = 2;\n```",
        &r,
        1,
        2,
        &["    let a = 1;", "    let b = 2;"],
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    #[test]
    fn parse_never_panics_and_stays_in_region(
        text in "([a-z$\"; ]{0,8}\n){1,12}",
        first in 0usize..14,
        margin in 0usize..3,
        answer in "(```|[0-9]{1,2}: |> |[a-z$\"; ]{0,8}|\r?\n){0,20}",
    ) {
        let r = Region::new(&text, first, first, margin);
        if let Ok(fix) = parse_fix(&answer, &r) {
            proptest::prop_assert!(fix.start_line >= r.start_line);
            proptest::prop_assert!(fix.end_line <= r.end_line());
            proptest::prop_assert!(fix.start_line <= fix.end_line);
            let _ = apply(&text, &fix);
        }
    }
}

#[test]
fn fences_follow_commonmark() {
    let r = sc_region();
    // Inside a list item a fence may sit deeper than three spaces.
    expect_fix(
        "1. Quote the variable:\n\n    ```bash\n    echo \"$name\"\n    ```\n",
        &r,
        2,
        2,
        &["echo \"$name\""],
    );
    // A longer fence is closed only by one at least as long.
    expect_fix(
        "````bash\necho \"$name\"\n````\n",
        &r,
        2,
        2,
        &["echo \"$name\""],
    );
}

#[test]
fn an_indented_fence_at_the_margin_never_puts_backticks_into_the_file() {
    let r = sc_region();
    if let Ok(fix) = parse_fix("Here:\n\n    ```bash\n    echo \"$name\"\n    ```\n", &r) {
        assert!(fix.new_lines.iter().all(|l| !l.contains("```")), "{fix:?}");
    }
}
