//! Arrays and the parameter expansions that pick part of a value, so that a
//! command name hidden in them is seen: `t=(ls rm); ${t[1]} -rf ~`,
//! `${0:0:0}rm`, `${c,,}`, `${x/y/r}`.
//!
//! An array is kept in the variable map under its element names: `t=(a b)`
//! records `t` and `t[0]` as `a`, `t[1]` as `b` and `t[@]` as `a b`.

use crate::risk::prelude::*;

/// `NAME=( … )` tokens turned into assignment words, one per element plus
/// the whole (`NAME[@]=…`), which the rest of the analyser records as
/// variables. Everything else passes through.
pub(crate) fn array_assignments(toks: &[Tok]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let array_name = match (&toks[i], toks.get(i + 1)) {
            (Tok::Word(w), Some(Tok::Op(Op::LParen))) if !w.quoted => w
                .text
                .strip_suffix('=')
                .filter(|n| is_var_name(n))
                .map(str::to_string),
            _ => None,
        };
        let close = array_name.as_ref().and_then(|_| {
            toks[i + 2..]
                .iter()
                .position(|t| !matches!(t, Tok::Word(_)))
                .map(|p| p + i + 2)
                .filter(|&c| matches!(toks[c], Tok::Op(Op::RParen)))
        });
        let (Some(name), Some(close)) = (array_name, close) else {
            out.push(toks[i].clone());
            i += 1;
            continue;
        };
        let elems: Vec<&Word> = toks[i + 2..close]
            .iter()
            .filter_map(|t| match t {
                Tok::Word(w) => Some(w),
                _ => None,
            })
            .collect();
        for (n, e) in elems.iter().enumerate() {
            out.push(Tok::Word(assignment(&format!("{name}[{n}]"), &[e])));
        }
        out.push(Tok::Word(assignment(&format!("{name}[@]"), &elems)));
        if let Some(first) = elems.first() {
            out.push(Tok::Word(assignment(&name, &[first])));
        }
        i = close + 1;
    }
    out
}

/// `read -r a b <<< 'rm -rf'`: the names take the here-string's words, the
/// last one the rest (after `record_assignments` marked them unknown).
pub(crate) fn read_herestring(cmd: &Cmd, acc: &mut Acc) {
    let Some(at) = cmd.words.iter().position(|w| !is_assignment(w)) else {
        return;
    };
    if cmd.words[at].text != "read" {
        return;
    }
    let Some(text) = cmd
        .redirs
        .iter()
        .find(|r| r.kind == RedirKind::Herestring)
        .map(|r| substitute_vars(&r.target.text, &acc.vars))
    else {
        return;
    };
    let mut names = Vec::new();
    let mut words = cmd.words[at + 1..].iter();
    while let Some(w) = words.next() {
        if w.text.starts_with('-') {
            if matches!(
                w.text.as_str(),
                "-p" | "-d" | "-n" | "-N" | "-t" | "-u" | "-a"
            ) {
                words.next();
            }
        } else if is_var_name(&w.text) {
            names.push(w.text.clone());
        }
    }
    let mut rest = text.trim();
    for (i, name) in names.iter().enumerate() {
        let value = if i + 1 == names.len() {
            rest
        } else {
            let (head, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            rest = tail.trim_start();
            head
        };
        acc.vars.insert(name.clone(), value.to_string());
    }
}

fn assignment(name: &str, values: &[&Word]) -> Word {
    let value: Vec<&str> = values.iter().map(|w| w.text.as_str()).collect();
    Word {
        text: format!("{name}={}", value.join(" ")),
        quoted: values.iter().any(|w| w.quoted),
        glob: false,
        subs: values.iter().flat_map(|w| w.subs.iter().cloned()).collect(),
        expanded: values.iter().any(|w| w.expanded),
        procsub: false,
    }
}

/// The value of `${NAME OP}` for the operators that select part of a value:
/// `[i]`, `[@]`, `:off:len`, `,,` `^^` `,` `^`, `/pat/rep`. `None` when the
/// operator is another one or the value is not known; `${v:N:0}` is empty
/// whatever `v` holds.
pub(crate) fn operator_value(name: &str, op: &str, vars: &VarMap) -> Option<String> {
    if name.is_empty() || op.is_empty() {
        return None;
    }
    if let Some(index) = op.strip_prefix('[').and_then(|o| o.strip_suffix(']')) {
        let key = match index {
            "@" | "*" => format!("{name}[@]"),
            _ => format!("{name}[{index}]"),
        };
        return vars
            .get(&key)
            .or_else(|| (index == "0").then(|| vars.get(name)).flatten())
            .cloned();
    }
    if let Some(range) = op.strip_prefix(':') {
        if range.starts_with(|c: char| c.is_ascii_digit() || c == ' ') {
            return substring(vars.get(name), range);
        }
        return None;
    }
    let value = vars.get(name)?;
    let first_changed = |f: fn(&str) -> String| {
        let mut chars = value.chars();
        chars
            .next()
            .map(|c| f(&c.to_string()) + chars.as_str())
            .unwrap_or_default()
    };
    match op {
        ",," => Some(value.to_lowercase()),
        "^^" => Some(value.to_uppercase()),
        "," => Some(first_changed(str::to_lowercase)),
        "^" => Some(first_changed(str::to_uppercase)),
        _ => replaced(value, op),
    }
}

/// `${v:off}` / `${v:off:len}` with literal numbers (a negative offset
/// written `: -2`).
fn substring(value: Option<&String>, range: &str) -> Option<String> {
    let (off, len) = match range.split_once(':') {
        Some((o, l)) => (o.trim(), Some(l.trim())),
        None => (range.trim(), None),
    };
    let len: Option<i64> = match len {
        Some(l) => Some(l.parse().ok()?),
        None => None,
    };
    if len == Some(0) {
        return Some(String::new());
    }
    let chars: Vec<char> = value?.chars().collect();
    let count = i64::try_from(chars.len()).ok()?;
    let off: i64 = off.parse().ok()?;
    let start = if off < 0 {
        (count + off).max(0)
    } else {
        off.min(count)
    };
    let end = match len {
        None => count,
        Some(l) if l < 0 => (count + l).max(start),
        Some(l) => (start + l).min(count),
    };
    let (start, end) = (usize::try_from(start).ok()?, usize::try_from(end).ok()?);
    Some(chars[start..end].iter().collect())
}

/// `${v/pat/rep}` and `${v//pat/rep}` with a literal pattern.
fn replaced(value: &str, op: &str) -> Option<String> {
    let (all, rest) = match op.strip_prefix("//") {
        Some(r) => (true, r),
        None => (false, op.strip_prefix('/')?),
    };
    let (pat, rep) = rest.split_once('/').unwrap_or((rest, ""));
    if pat.is_empty() || pat.contains(['*', '?', '[']) {
        return None;
    }
    Some(if all {
        value.replace(pat, rep)
    } else {
        value.replacen(pat, rep, 1)
    })
}

#[cfg(test)]
mod tests {
    use crate::risk::{assess, RiskLevel};

    #[test]
    fn names_picked_out_of_arrays_and_values_are_seen() {
        for (cmd, want) in [
            ("t=(ls rm cp); ${t[1]} -rf /srv/samba", RiskLevel::Danger),
            ("declare -a t=(ls rm); \"${t[1]}\" -rf ~", RiskLevel::Danger),
            ("x=(rm -rf /home); \"${x[@]}\"", RiskLevel::Danger),
            ("t=(rm ls); $t -rf /srv", RiskLevel::Danger),
            ("a[0]=rm; ${a[0]} -rf /srv", RiskLevel::Danger),
            ("${0:0:0}rm -rf ~/", RiskLevel::Danger),
            ("v=xrmx; ${v:1:2} -rf /etc", RiskLevel::Danger),
            ("c=RM; ${c,,} -rf /var/lib/mysql", RiskLevel::Danger),
            ("c=rX; ${c/X/m} -rf ~", RiskLevel::Danger),
            (
                "read -r c <<< rm; $c -rf /data/warehouse",
                RiskLevel::Danger,
            ),
            ("read -r a b <<< 'rm -rf'; $a $b /srv", RiskLevel::Danger),
            ("read -r name <<< world; echo hello $name", RiskLevel::Safe),
            ("files=(a.txt b.txt); ls \"${files[@]}\"", RiskLevel::Safe),
            ("t=(ls rm); ${t[0]} -la", RiskLevel::Safe),
        ] {
            assert_eq!(assess(cmd).level, want, "{cmd}");
        }
    }
}
