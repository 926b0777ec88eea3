//! Aliases: defined earlier in the text and expanded when used, and the
//! ones that make an everyday command destructive.

use crate::risk::prelude::*;

/// `alias ls='rm -rf'`: a command typed every day that now destroys what
/// it is given (judged as run on everything here, `*`).
fn shadowing_alias(name: &str, value: &str, depth: usize, acc: &mut Acc) {
    const EVERYDAY: &[&str] = &[
        "ls", "ll", "l", "la", "cd", "cat", "less", "vi", "vim", "nano", "git", "sudo", "cp", "mv",
        "grep", "clear", "top", "ps", "df", "du", "make", "python", "python3", "ssh", "exit",
    ];
    if !EVERYDAY.contains(&name) || acc.eval_depth > MAX_DEPTH {
        return;
    }
    let mut sub = Acc::default();
    assess_script(&format!("{value} *"), depth + 1, &mut sub);
    if sub.finish().level == RiskLevel::Danger {
        acc.danger(format!(
            "alias {name} makes an everyday command run `{value}` on what it is given"
        ));
    }
}

/// `alias x='rm -rf'`: records the alias. `x ~`: the alias's text runs with
/// the arguments; true when the command was judged so.
pub(crate) fn expand_alias(eff: &Effective, depth: usize, acc: &mut Acc) -> bool {
    if eff.name == "alias" {
        for w in eff.args {
            if let Some((n, v)) = w.text.split_once('=') {
                acc.aliases.insert(n.to_string(), v.to_string());
                shadowing_alias(n, v, depth, acc);
            }
        }
    }
    // `alias x='rm -rf'; x ~`: the alias's text runs with the arguments.
    // As in the shell, an alias is not expanded again inside its own text
    // (`alias rm='rm -i'`).
    if let Some(v) = acc.aliases.remove(&eff.name) {
        assess_script(&format!("{v} {}", quote_words(eff.args)), depth + 1, acc);
        acc.aliases.insert(eff.name.clone(), v);
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    #[test]
    fn examples() {
        check_examples(&[
            ("alias x='rm -rf'; x ~", Danger),
            ("alias ls='rm -rf'", Danger),
            ("alias ll='ls -la'", Safe),
            ("alias rm='rm -i'", Safe),
        ]);
    }
}
