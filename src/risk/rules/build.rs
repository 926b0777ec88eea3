//! Build runners: make and just run their recipes' lines as shell commands.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        "make" | "gmake" => make_recipes(ctx, acc),
        "just" => just_recipes(ctx, acc),
        _ => return false,
    }
    true
}

/// `make -f - <<EOF`, `make -f <(printf …)`: the makefile is the text fed
/// in, printed, or written earlier in the same text; its recipe lines are
/// shell commands, and `$(shell CMD)` runs CMD as the makefile is read.
/// `make -n` prints recipes instead of running them, except lines marked
/// `+` or calling `$(MAKE)`.
pub(crate) fn make_recipes(ctx: &Ctx, acc: &mut Acc) {
    let args = ctx.args;
    let f_at = args
        .iter()
        .position(|a| matches!(*a, "-f" | "--file" | "--makefile"));
    let file = f_at.and_then(|i| args.get(i + 1).copied()).or_else(|| {
        args.iter().find_map(|a| {
            a.strip_prefix("--file=")
                .or_else(|| a.strip_prefix("--makefile="))
                .or_else(|| a.strip_prefix("-f").filter(|f| !f.is_empty()))
        })
    });
    // Without -f, make reads GNUmakefile, makefile or Makefile.
    let file = file.or_else(|| {
        ["GNUmakefile", "makefile", "Makefile"]
            .into_iter()
            .find(|f| acc.written.contains_key(*f))
    });
    let Some(file) = file else { return };
    let dry = ctx.has_flag('n', &["--just-print", "--dry-run", "--recon"]);
    let judge = move |text: &str, depth: usize, acc: &mut Acc| {
        for call in text.split("$(shell ").skip(1) {
            assess_script(call.split(')').next().unwrap_or(""), depth, acc);
        }
        for line in text.lines().filter_map(|l| l.strip_prefix('\t')) {
            let forced =
                line.starts_with('+') || line.contains("$(MAKE)") || line.contains("${MAKE}");
            if !dry || forced {
                let line = make_vars_as_shell(line.trim_start_matches(['@', '-', '+']));
                assess_script(&line, depth, acc);
            }
        }
    };
    let procsub = f_at
        .and_then(|i| ctx.eff.args.get(i + 1))
        .filter(|w| w.procsub);
    if let Some(w) = procsub {
        for sub in &w.subs {
            match eval_script(sub, acc) {
                Some(text) => judge(&text, ctx.depth + 1, acc),
                None => acc.caution("make reads a makefile that a command prints at run time"),
            }
        }
    } else if matches!(file, "-" | "/dev/stdin" | "/dev/fd/0") {
        fed_text(ctx, acc, judge);
    } else if let Some(Written::Text(t)) = acc.written.get(file.trim_start_matches("./")).cloned() {
        judge(&t, ctx.depth + 1, acc);
    }
}

/// `just`: the recipes of a justfile written earlier in the text are shell
/// lines (indented under `name:`), judged all, as any of them may be run.
fn just_recipes(ctx: &Ctx, acc: &mut Acc) {
    if ctx.has_flag('n', &["--dry-run", "--list", "--summary", "--show"]) {
        return;
    }
    let file = ctx
        .args
        .windows(2)
        .find(|w| matches!(w[0], "-f" | "--justfile"))
        .map(|w| w[1].trim_start_matches("./").to_string());
    let names = ["justfile", "Justfile", ".justfile"];
    let text = match file {
        Some(f) => acc.written.get(&f).cloned(),
        None => names.iter().find_map(|n| acc.written.get(*n).cloned()),
    };
    if let Some(Written::Text(t)) = text {
        for line in t.lines().filter(|l| l.starts_with([' ', '\t'])) {
            let line = line.trim().trim_start_matches(['@', '-']);
            assess_script(line, ctx.depth + 1, acc);
        }
    }
}

/// A recipe line as the shell gets it: make puts in its variables, which
/// come from the environment (`$(HOME)`, `${USER}`; `$(CURDIR)` is the
/// working directory), and `$$` becomes `$`.
fn make_vars_as_shell(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let close = match tail.chars().next() {
            Some('(') => Some(')'),
            Some('{') => Some('}'),
            _ => None,
        };
        let name = close.and_then(|c| tail[1..].find(c).map(|end| &tail[1..=end]));
        match name {
            Some(n) if n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                out.push('$');
                out.push_str(if n == "CURDIR" { "PWD" } else { n });
                rest = &tail[n.len() + 2..];
            }
            _ if tail.starts_with('$') => {
                out.push('$');
                rest = &tail[1..];
            }
            _ => {
                out.push('$');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    #[test]
    fn examples() {
        check_examples(&[
            (
                "make -f - <<'MK'\nwipe:\n\trm -rf $(HOME)/Documents\nMK",
                Danger,
            ),
            (
                "make -f - <<'MK'\nclean:\n\trm -rf $(CURDIR)/build\nMK",
                Caution,
            ),
            (
                "make -f - <<'MK'\nall:\n\tfor f in *.c; do echo $$f; done\nMK",
                Safe,
            ),
            (
                "cat > justfile <<'EOF'\nreset:\n    kubectl delete namespace prod\nEOF\njust reset",
                Danger,
            ),
            ("cat > justfile <<'EOF'\ntest:\n    cargo test\nEOF\njust test", Safe),
        ]);
    }
}
