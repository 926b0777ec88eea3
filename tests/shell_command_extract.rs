//! Checks `extract_command` against realistic model answers in
//! `tests/data/shell_requests.jsonl`: every answer must reduce to one of the
//! accepted commands (compared with whitespace runs collapsed), and every
//! request must make a prompt that names its dialect.

use superhelfer::tasks::shell_command::{build_prompt, extract_command, CommandRequest, Dialect};

#[derive(serde::Deserialize)]
struct Row {
    request: String,
    lang: String,
    dialect: Dialect,
    accepted: Vec<String>,
    answer: String,
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn rows() -> Vec<Row> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/shell_requests.jsonl"
    );
    let text = std::fs::read_to_string(path).expect("data set present");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid JSONL row"))
        .collect()
}

#[test]
fn extraction_matches_accepted_answers() {
    let rows = rows();
    assert!(
        rows.len() >= 150,
        "need at least 150 requests, have {}",
        rows.len()
    );
    assert!(rows.iter().any(|r| r.lang == "de") && rows.iter().any(|r| r.lang == "en"));
    let mut failures = Vec::new();
    for r in &rows {
        match extract_command(&r.answer, r.dialect) {
            Ok(cmd) if r.accepted.iter().any(|a| norm(a) == norm(&cmd)) => {}
            got => failures.push(format!(
                "[{} {}] {}\n  answer:   {:?}\n  got:      {:?}\n  accepted: {:?}",
                r.lang, r.dialect, r.request, r.answer, got, r.accepted
            )),
        }
    }
    let passed = rows.len() - failures.len();
    println!(
        "extraction pass rate: {passed}/{} ({:.1}%)",
        rows.len(),
        passed as f64 * 100.0 / rows.len() as f64
    );
    for f in &failures {
        println!("{f}");
    }
    assert!(
        failures.is_empty(),
        "{} answers extracted wrongly",
        failures.len()
    );
}

#[test]
fn prompts_name_the_dialect_and_carry_the_request() {
    for r in rows() {
        let req = CommandRequest {
            request: &r.request,
            dialect: r.dialect,
            os: "Linux (Debian 12)",
            context: "",
        };
        let (system, user) = build_prompt(&req);
        assert!(system.contains("Debian 12"));
        assert!(
            system.to_lowercase().contains(r.dialect.as_str()),
            "{system}"
        );
        assert!(user.contains(r.request.trim()));
    }
}
