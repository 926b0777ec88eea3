//! A command name that is a pattern: `/bin/r? -rf ~`, `/usr/bin/[r]m …`.
//! The shell expands it against the file system when the line runs, so what
//! runs is not written down. It is at least caution, and it is judged as
//! each program of consequence the pattern can match.

use crate::risk::prelude::*;

/// Programs a pattern in the command position is tried as. The list holds
/// what the rules judge as destructive (or as running other code); a
/// pattern that matches none of them is only reported as unknown.
const CANDIDATES: &[&str] = &[
    "rm",
    "rmdir",
    "unlink",
    "shred",
    "srm",
    "dd",
    "mkfs",
    "mkswap",
    "wipefs",
    "sgdisk",
    "fdisk",
    "sfdisk",
    "parted",
    "blkdiscard",
    "truncate",
    "mv",
    "cp",
    "chmod",
    "chown",
    "chgrp",
    "find",
    "xargs",
    "kill",
    "pkill",
    "killall",
    "userdel",
    "passwd",
    "usermod",
    "crontab",
    "systemctl",
    "shutdown",
    "poweroff",
    "reboot",
    "halt",
    "iptables",
    "nft",
    "ufw",
    "git",
    "docker",
    "kubectl",
    "sh",
    "bash",
    "dash",
    "zsh",
    "python3",
    "perl",
    "ruby",
    "node",
    "sudo",
    "env",
    "eval",
];

/// Judges a command whose name word holds an unquoted glob. Returns true when
/// it was judged here.
pub(crate) fn pattern_name(name_word: &Word, eff: &Effective, depth: usize, acc: &mut Acc) -> bool {
    if !name_word.glob || name_word.expanded {
        return false;
    }
    let pattern = basename(&name_word.text);
    if !is_pattern(pattern) {
        return false;
    }
    acc.caution(format!(
        "the command name is a pattern ({}) the shell expands at run time: what runs cannot be checked",
        name_word.text
    ));
    let args = quote_words(eff.args);
    for candidate in CANDIDATES.iter().filter(|c| glob_matches(pattern, c)) {
        assess_script(&format!("{candidate} {args}"), depth + 1, acc);
    }
    true
}

/// `[` and `[[` are commands, and an unclosed `[` is a literal character.
fn is_pattern(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    chars.iter().enumerate().any(|(i, c)| match c {
        '*' | '?' => true,
        '[' => bracket(&chars[i + 1..]).is_some(),
        _ => false,
    })
}

/// Shell pattern matching of `*`, `?` and bracket expressions (`[rR]`,
/// `[!x]`, `[^x]`, ranges) against a whole name.
pub(crate) fn glob_matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    matches_from(&p, &n)
}

fn matches_from(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).any(|skip| matches_from(&p[1..], &n[skip..])),
        Some('?') => !n.is_empty() && matches_from(&p[1..], &n[1..]),
        Some('[') => match (bracket(&p[1..]), n.first()) {
            (Some((set_len, hit)), Some(&c)) => hit(c) && matches_from(&p[1 + set_len..], &n[1..]),
            (Some(_), None) => false,
            // An unclosed `[` is a literal character.
            (None, _) => n.first() == Some(&'[') && matches_from(&p[1..], &n[1..]),
        },
        Some(&c) => n.first() == Some(&c) && matches_from(&p[1..], &n[1..]),
    }
}

/// A bracket expression after its `[`: its length through `]`, and a test.
#[allow(clippy::type_complexity)]
fn bracket(p: &[char]) -> Option<(usize, Box<dyn Fn(char) -> bool>)> {
    let negated = matches!(p.first(), Some('!' | '^'));
    let start = usize::from(negated);
    // A `]` first in the set is a member, not the end.
    let end = p
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, c)| **c == ']')
        .map(|(i, _)| i)
        .filter(|_| p.len() > start)?;
    let set: Vec<char> = p[start..end].to_vec();
    let test = move |c: char| {
        let mut hit = false;
        let mut i = 0;
        while i < set.len() {
            if i + 2 < set.len() && set[i + 1] == '-' {
                hit |= set[i] <= c && c <= set[i + 2];
                i += 3;
            } else {
                hit |= set[i] == c;
                i += 1;
            }
        }
        hit != negated
    };
    Some((end + 1, Box::new(test)))
}

#[cfg(test)]
mod tests {
    use super::glob_matches;
    use crate::risk::{assess, RiskLevel};

    #[test]
    fn patterns_match_as_the_shell_does() {
        assert!(glob_matches("r?", "rm"));
        assert!(glob_matches("[r]m", "rm"));
        assert!(glob_matches("r[a-z]", "rm"));
        assert!(glob_matches("*m", "rm"));
        assert!(glob_matches("mkfs*", "mkfs"));
        assert!(!glob_matches("r[!m]", "rm"));
        assert!(!glob_matches("r?", "rmdir"));
        assert!(!glob_matches("[r", "rm"));
        assert!(glob_matches("[]r]m", "rm"));
    }

    #[test]
    fn a_pattern_as_the_command_name_is_never_safe() {
        for (cmd, want) in [
            ("/bin/r? -rf ~", RiskLevel::Danger),
            ("/usr/bin/[r]m -rf /home", RiskLevel::Danger),
            ("sudo /s*/mkfs* /dev/sda1", RiskLevel::Danger),
            ("/usr/bin/l? -la", RiskLevel::Caution),
            ("./configure* --prefix=/usr/local", RiskLevel::Caution),
            ("[ -f x ] && echo yes", RiskLevel::Safe),
            ("[[ -d /etc ]] && ls /etc", RiskLevel::Safe),
        ] {
            assert_eq!(assess(cmd).level, want, "{cmd}");
        }
    }
}
