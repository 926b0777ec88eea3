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

/// Answers that hold no real command: a lone wrapper or interpreter, prose joined with
/// `&&`, a wrapper with nothing to run. Each must be refused, never inserted as "safe".
#[test]
fn junk_is_refused() {
    for answer in [
        "sudo",
        "bash",
        "```bash\nsudo\n```",
        "```sh\nbash\n```",
        "`sudo`",
        "```bash\nsudo -E\n```",
        "```bash\nsudo -i\n```",
        "First update the package list && then install nginx",
        "Open the settings && click on Network",
        "```bash\nOpen the settings && click on Network\n```",
        "Zuerst die Paketliste aktualisieren && dann nginx installieren",
    ] {
        let got = extract_command(answer, Dialect::Bash);
        assert!(got.is_err(), "{answer:?} gave {got:?}");
    }
}

/// A real command is taken wherever the model put it: in single backticks alone or in a
/// sentence, behind a wrapper, as a path.
#[test]
fn real_commands_in_backticks_and_behind_wrappers_are_taken() {
    for (answer, want) in [
        ("`rm -rf /home/user/my_file`", "rm -rf /home/user/my_file"),
        (
            "You can delete it with `rm -rf /home/user/my_file`.",
            "rm -rf /home/user/my_file",
        ),
        (
            "Use `rm` to delete: `rm -rf /home/user/my_file`",
            "rm -rf /home/user/my_file",
        ),
        (
            "Löschen mit `rm -rf /home/user/my_file`",
            "rm -rf /home/user/my_file",
        ),
        (
            "```bash\nsudo systemctl restart nginx\n```",
            "sudo systemctl restart nginx",
        ),
        (
            "```bash\nsudo -u postgres psql\n```",
            "sudo -u postgres psql",
        ),
        ("`./configure --prefix=/opt`", "./configure --prefix=/opt"),
        ("```bash\nbash deploy.sh\n```", "bash deploy.sh"),
        (
            "apt update && apt upgrade -y",
            "apt update && apt upgrade -y",
        ),
    ] {
        assert_eq!(
            extract_command(answer, Dialect::Bash).as_deref(),
            Ok(want),
            "{answer:?}"
        );
    }
}

/// Fences are read by CommonMark's rules (a fence in a list item counts from the item, a
/// longer fence is closed only by one as long), and a fence the model indented still
/// counts when nothing else is fenced: no backticks ever reach the command.
#[test]
fn fences_inside_lists_longer_fences_and_indented_fences() {
    for (answer, want) in [
        (
            "1. Run:\n\n    ```bash\n    du -sh * | sort -h\n    ```\n",
            "du -sh * | sort -h",
        ),
        ("````bash\nls -la\n````\n", "ls -la"),
        ("Here:\n\n    ```bash\n    ls -la\n    ```\n", "ls -la"),
        ("```sh\nls -la\n```\n\n```text\ntotal 0\n```", "ls -la"),
    ] {
        assert_eq!(
            extract_command(answer, Dialect::Bash).as_deref(),
            Ok(want),
            "{answer:?}"
        );
    }
}
