//! Parsing: tokens into pipelines of simple commands (the small AST the
//! normalisation and the rules work on).

use crate::risk::prelude::*;

#[derive(Debug, Default, Clone)]
pub(crate) struct Cmd {
    pub(crate) words: Vec<Word>,
    pub(crate) redirs: Vec<Redir>,
}

#[derive(Debug, Default)]
pub(crate) struct Pipeline {
    pub(crate) cmds: Vec<Cmd>,
}

/// Reserved words that introduce or close compound commands; they are dropped
/// so that `if rm -rf /; then …` is seen as `rm -rf /`.
pub(crate) fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "{" | "}"
            | "!"
            | "if"
            | "then"
            | "else"
            | "elif"
            | "fi"
            | "do"
            | "done"
            | "while"
            | "until"
            | "esac"
            | "time"
            | "[["
            | "]]"
    )
}

pub(crate) fn parse(toks: &[Tok]) -> Vec<Pipeline> {
    let mut out = Vec::new();
    let mut cur = Pipeline::default();
    let mut cmd = Cmd::default();
    let flush_cmd = |cmd: &mut Cmd, cur: &mut Pipeline| {
        if !cmd.words.is_empty() || !cmd.redirs.is_empty() {
            cur.cmds.push(std::mem::take(cmd));
        }
    };
    let mut skip_until_sep = false;
    for t in toks {
        match t {
            Tok::Word(w) => {
                if skip_until_sep {
                    continue;
                }
                if cmd.words.is_empty() && !w.quoted && is_keyword(&w.text) {
                    continue;
                }
                if cmd.words.is_empty()
                    && !w.quoted
                    && matches!(w.text.as_str(), "for" | "case" | "select")
                {
                    // Loop/case headers only list words; skip to the separator.
                    skip_until_sep = true;
                    continue;
                }
                cmd.words.push(w.clone());
            }
            Tok::Redir(r) => cmd.redirs.push(r.clone()),
            Tok::Op(Op::Pipe) => {
                skip_until_sep = false;
                flush_cmd(&mut cmd, &mut cur);
            }
            Tok::Op(_) => {
                skip_until_sep = false;
                flush_cmd(&mut cmd, &mut cur);
                if !cur.cmds.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    flush_cmd(&mut cmd, &mut cur);
    if !cur.cmds.is_empty() {
        out.push(cur);
    }
    out
}
