//! Shell functions and traps: a function's body runs when it is called (or
//! when a trap fires), with the variables of that moment, not where it is
//! defined. `cleanup() { rm -rf "$TMP"; }; trap cleanup EXIT; TMP=/etc`
//! deletes /etc when the script ends.

use crate::risk::prelude::*;

/// How often one function's body is walked: enough for the calls that
/// matter, bounded against scripts that call a function thousands of times.
const MAX_CALLS: usize = 4;

/// A function defined in the text: its body's tokens and how often it was
/// walked.
#[derive(Debug, Clone)]
pub(crate) struct Function {
    pub(crate) body: Vec<Tok>,
    pub(crate) calls: usize,
}

fn word(toks: &[Tok], i: usize) -> Option<&str> {
    match toks.get(i) {
        Some(Tok::Word(w)) if !w.quoted => Some(w.text.as_str()),
        _ => None,
    }
}

fn op(toks: &[Tok], i: usize) -> Option<Op> {
    match toks.get(i) {
        Some(Tok::Op(o)) => Some(*o),
        _ => None,
    }
}

/// At token `i`, a definition `name() {`, `function name {` or
/// `function name() (`: the name and the index of the body's opener.
fn definition_at(toks: &[Tok], i: usize) -> Option<(String, usize)> {
    let at_start = i == 0 || matches!(op(toks, i - 1), Some(Op::Semi | Op::Newline | Op::And));
    if !at_start {
        return None;
    }
    let (name, mut j) = if word(toks, i) == Some("function") {
        let n = word(toks, i + 1)?;
        let mut j = i + 2;
        if op(toks, j) == Some(Op::LParen) && op(toks, j + 1) == Some(Op::RParen) {
            j += 2;
        }
        (n, j)
    } else {
        let n = word(toks, i)?;
        if op(toks, i + 1) != Some(Op::LParen) || op(toks, i + 2) != Some(Op::RParen) {
            return None;
        }
        (n, i + 3)
    };
    if is_keyword(name) || name.contains(['$', '=']) {
        return None;
    }
    while op(toks, j) == Some(Op::Newline) {
        j += 1;
    }
    let opens = word(toks, j) == Some("{") || op(toks, j) == Some(Op::LParen);
    opens.then(|| (name.to_string(), j))
}

/// The index just past the token closing the body opened at `open`.
fn body_end(toks: &[Tok], open: usize) -> Option<usize> {
    let brace = word(toks, open) == Some("{");
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        let (opens, closes) = match t {
            Tok::Word(w) if brace && !w.quoted => (w.text == "{", w.text == "}"),
            Tok::Op(Op::LParen) if !brace => (true, false),
            Tok::Op(Op::RParen) if !brace => (false, true),
            _ => (false, false),
        };
        if opens {
            depth += 1;
        } else if closes {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(k + 1);
            }
        }
    }
    None
}

/// The tokens without the function definitions, which are recorded in `acc`
/// to be walked when called.
pub(crate) fn take_functions(toks: Vec<Tok>, acc: &mut Acc) -> Vec<Tok> {
    // Most text defines no function: hand the tokens back untouched.
    let Some(first) = (0..toks.len()).find(|&i| definition_at(&toks, i).is_some()) else {
        return toks;
    };
    let mut out = Vec::with_capacity(toks.len());
    out.extend(toks[..first].iter().cloned());
    let mut i = first;
    while i < toks.len() {
        let def = definition_at(&toks, i)
            .and_then(|(name, open)| body_end(&toks, open).map(|end| (name, open, end)));
        match def {
            Some((name, open, end)) => {
                let body = toks[open + 1..end - 1].to_vec();
                acc.functions.insert(name, Function { body, calls: 0 });
                i = end;
            }
            None => {
                out.push(toks[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// `name args…` where `name` is a function defined earlier: its body runs
/// now. True when the command was such a call.
pub(crate) fn call_function(name: &str, depth: usize, acc: &mut Acc) -> bool {
    let Some(f) = acc.functions.get_mut(name) else {
        return false;
    };
    f.calls += 1;
    if f.calls > MAX_CALLS {
        return true;
    }
    let body = f.body.clone();
    walk(parse(&body), depth + 1, acc);
    true
}

/// `trap ACTION SIGNAL…`: the action runs later, when the script ends or is
/// interrupted; `trap - EXIT`, `trap '' INT` and `trap -p` set up nothing.
pub(crate) fn record_trap(args: &[&str], acc: &mut Acc) {
    let Some(action) = args.iter().find(|a| **a != "--").copied() else {
        return;
    };
    if action.is_empty() || action.starts_with('-') || args.len() < 2 {
        return;
    }
    acc.traps.push(action.to_string());
}

/// At the end of the text: the traps' actions, then the bodies of functions
/// never called (they may be called in ways not seen, and running them is
/// what defining them is for).
pub(crate) fn run_deferred(acc: &mut Acc) {
    for action in std::mem::take(&mut acc.traps) {
        if !call_function(action.trim(), 0, acc) {
            assess_script(&action, 1, acc);
        }
    }
    let mut uncalled: Vec<String> = acc
        .functions
        .iter()
        .filter(|(_, f)| f.calls == 0)
        .map(|(n, _)| n.clone())
        .collect();
    uncalled.sort();
    for name in uncalled {
        call_function(&name, 0, acc);
    }
}

/// `set -- a b c` (or `set a b c`): the positional parameters `$1`… and `$@`.
pub(crate) fn set_positional(args: &[Word], acc: &mut Acc) {
    let at = args.iter().position(|w| w.text == "--");
    // An unquoted expansion splits at the IFS characters (`IFS=,; set -- $s`).
    let ifs: Vec<char> = acc
        .vars
        .get("IFS")
        .map_or_else(|| vec![' ', '\t', '\n'], |v| v.chars().collect());
    let split = |ws: &[Word]| -> Vec<String> {
        ws.iter()
            .flat_map(|w| {
                if w.expanded && !w.quoted {
                    w.text
                        .split(ifs.as_slice())
                        .filter(|p| !p.is_empty())
                        .map(str::to_string)
                        .collect()
                } else {
                    vec![w.text.clone()]
                }
            })
            .collect()
    };
    let values: Vec<String> = match at {
        Some(i) => split(&args[i + 1..]),
        None if args
            .first()
            .is_some_and(|w| !w.text.starts_with(['-', '+'])) =>
        {
            split(args)
        }
        None => return,
    };
    store_positional(&values, acc);
}

pub(crate) fn store_positional(values: &[String], acc: &mut Acc) {
    for k in 1..=9 {
        acc.vars.remove(&k.to_string());
    }
    for (i, v) in values.iter().enumerate().take(9) {
        acc.vars.insert((i + 1).to_string(), v.clone());
    }
    acc.vars.insert("@".into(), values.join(" "));
    acc.vars.insert("*".into(), values.join(" "));
}

/// Runs `f` with the positional parameters set to `args` (a function
/// call), restoring the caller's afterwards.
pub(crate) fn with_positional(args: &[String], acc: &mut Acc, f: impl FnOnce(&mut Acc) -> bool) {
    const KEYS: &[&str] = &["1", "2", "3", "4", "5", "6", "7", "8", "9", "@", "*"];
    let saved: Vec<Option<String>> = KEYS.iter().map(|k| acc.vars.get(*k).cloned()).collect();
    store_positional(args, acc);
    f(acc);
    for (k, v) in KEYS.iter().zip(saved) {
        match v {
            Some(v) => acc.vars.insert(k.to_string(), v),
            None => acc.vars.remove(*k),
        };
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// Functions and traps, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            // The body runs when called, with the variables of that moment.
            (
                "wipe() { rm -rf \"$TARGET\"; }\nTARGET=/var/lib/postgresql\nwipe",
                Danger,
            ),
            ("trap 'rm -rf \"$WORK\"' EXIT\nWORK=/srv\nsleep 1", Danger),
            (
                "function tidy {\n  rm -rf \"$1\"/*\n}\nD=/boot; tidy \"$D\"",
                Danger,
            ),
            ("f() ( rm -rf ~ )", Danger),
            (
                "cleanup() { rm -rf \"$TMPD\"; }\nTMPD=$(mktemp -d)\ntrap cleanup EXIT",
                Caution,
            ),
            (
                "work=/tmp/build-1\ntrap 'rm -rf \"$work\"' EXIT\nmake -C src",
                Caution,
            ),
            ("greet() { echo \"hello $1\"; }\ngreet world", Safe),
            ("trap - EXIT", Safe),
            ("trap '' INT TERM", Safe),
            ("trap -p", Safe),
        ]);
    }
}
