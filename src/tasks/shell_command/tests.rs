use super::*;

#[test]
fn dialect_detection() {
    assert_eq!(
        dialect_for("shellscript", "#!/usr/bin/env zsh"),
        Some(Dialect::Zsh)
    );
    assert_eq!(dialect_for("shellscript", "#!/bin/sh"), Some(Dialect::Sh));
    assert_eq!(dialect_for("shellscript", "echo hi"), Some(Dialect::Bash));
    assert_eq!(dialect_for("dockerfile", ""), Some(Dialect::Dockerfile));
    assert_eq!(dialect_for("makefile", ""), Some(Dialect::Makefile));
    assert_eq!(
        dialect_for("plaintext", "#!/usr/bin/env -S fish --no-config"),
        Some(Dialect::Fish)
    );
    assert_eq!(dialect_for("rust", "fn main() {}"), None);
    assert_eq!(dialect_for("powershell", ""), Some(Dialect::PowerShell));
}

#[test]
fn request_text_strips_markers() {
    assert_eq!(
        request_text("  # list big files", Dialect::Bash).as_deref(),
        Some("list big files")
    );
    assert_eq!(
        request_text("## Alle Logs löschen", Dialect::Bash).as_deref(),
        Some("Alle Logs löschen")
    );
    assert_eq!(
        request_text("RUN # install nginx", Dialect::Dockerfile).as_deref(),
        Some("install nginx")
    );
    assert_eq!(
        request_text("\t# run the tests", Dialect::Makefile).as_deref(),
        Some("run the tests")
    );
    assert_eq!(
        request_text("<!-- restart nginx -->", Dialect::Bash).as_deref(),
        Some("restart nginx")
    );
    assert_eq!(
        request_text("<# list services #>", Dialect::PowerShell).as_deref(),
        Some("list services")
    );
    assert_eq!(
        request_text("// show disk usage", Dialect::Bash).as_deref(),
        Some("show disk usage")
    );
    assert_eq!(
        request_text("-- backup db", Dialect::Bash).as_deref(),
        Some("backup db")
    );
    assert_eq!(request_text("#", Dialect::Bash), None);
    assert_eq!(request_text("   ", Dialect::Bash), None);
    assert_eq!(request_text("#!/bin/bash", Dialect::Bash), None);
    assert_eq!(request_text("ls -la", Dialect::Bash), None);
}

#[test]
fn prompt_names_shell_and_os() {
    let req = CommandRequest {
        request: "Zeige die 10 größten Dateien",
        dialect: Dialect::Zsh,
        os: "Linux (Debian 12)",
        context: "cd /srv\n",
    };
    let (sys, user) = build_prompt(&req);
    assert!(sys.contains("zsh"));
    assert!(sys.contains("Debian 12"));
    assert!(sys.contains("exactly one command"));
    assert!(sys.contains("German"));
    assert!(user.contains("Zeige die 10 größten Dateien"));
    assert!(user.contains("cd /srv"));
}

#[test]
fn extracts_fenced_command() {
    let a = "Here is the command:\n\n```bash\ndu -ah . | sort -rh | head -n 10\n```\n\nThis lists the ten largest files.";
    assert_eq!(
        extract_command(a, Dialect::Bash).as_deref(),
        Ok("du -ah . | sort -rh | head -n 10")
    );
}

#[test]
fn joins_steps_per_dialect() {
    let a = "```bash\nsudo apt-get update\nsudo apt-get install -y nginx\n```";
    assert_eq!(
        extract_command(a, Dialect::Bash).as_deref(),
        Ok("sudo apt-get update && sudo apt-get install -y nginx")
    );
    assert_eq!(
        extract_command(a, Dialect::Dockerfile).as_deref(),
        Ok("RUN sudo apt-get update && \\\n    sudo apt-get install -y nginx")
    );
    assert_eq!(
        extract_command(a, Dialect::Makefile).as_deref(),
        Ok("\tsudo apt-get update\n\tsudo apt-get install -y nginx")
    );
}

#[test]
fn keeps_continuations_and_loops() {
    let a = "```sh\ndocker run -d \\\n  --name web \\\n  nginx\n```";
    assert_eq!(
        extract_command(a, Dialect::Sh).as_deref(),
        Ok("docker run -d \\\n  --name web \\\n  nginx")
    );
    let b = "```bash\nfor f in *.png; do\n  convert \"$f\" \"${f%.png}.jpg\"\ndone\n```";
    assert_eq!(
        extract_command(b, Dialect::Bash).as_deref(),
        Ok("for f in *.png; do\n  convert \"$f\" \"${f%.png}.jpg\"\ndone")
    );
}

#[test]
fn errors_without_command() {
    assert_eq!(
        extract_command("   ", Dialect::Bash),
        Err(ExtractError::Empty)
    );
    assert_eq!(
        extract_command(
            "I'm sorry, but I can't help with that request.",
            Dialect::Bash
        ),
        Err(ExtractError::NoCommand)
    );
    assert_eq!(
        extract_command("```bash\n# nothing to do\n```", Dialect::Bash),
        Err(ExtractError::NoCommand)
    );
}

#[test]
fn never_panics_on_garbage() {
    let alphabet: Vec<char> = "`~$#> \n\t-|&abcRUN1.:ü€\\'\"".chars().collect();
    let mut s: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..5_000 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let len = (s % 60) as usize;
        let mut t = s;
        let text: String = (0..len)
            .map(|_| {
                t = t
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                alphabet[(t >> 33) as usize % alphabet.len()]
            })
            .collect();
        for d in [
            Dialect::Bash,
            Dialect::Dockerfile,
            Dialect::Makefile,
            Dialect::PowerShell,
        ] {
            let _ = extract_command(&text, d);
            let _ = request_text(&text, d);
        }
    }
}
