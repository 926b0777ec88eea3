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
    /// The commands of a `( … )` group or loop whose output is piped into
    /// `cmds[0]`: `(crontab -l; echo …) | crontab -`.
    pub(crate) feed: Vec<Cmd>,
    /// `for NAME in WORDS`: the loop variable and the words it takes.
    pub(crate) binding: Option<(String, Vec<Word>)>,
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
    parse_checked(toks).0
}

/// A compound command that is open while parsing: its opener and the index
/// of the first pipeline inside it.
struct Open {
    opener: &'static str,
    first: usize,
}

fn closer_of(opener: &str) -> &'static str {
    match opener {
        "(" => ")",
        "{" => "}",
        "if" => "fi",
        "case" => "esac",
        _ => "done",
    }
}

#[derive(Default)]
struct Parser {
    out: Vec<Pipeline>,
    cur: Pipeline,
    cmd: Cmd,
    open: Vec<Open>,
    /// The group that just closed (its first pipeline), for a following `|`.
    closed_group: Option<usize>,
    /// Inside a loop or case header: words until the separator are not a command.
    header: Option<(String, Vec<Word>)>,
    broken: Option<&'static str>,
    /// The keyword `time` just started the command (its `-p` is no command name).
    after_time: bool,
}

impl Parser {
    fn flush_cmd(&mut self) {
        if !self.cmd.words.is_empty() || !self.cmd.redirs.is_empty() {
            self.cur.cmds.push(std::mem::take(&mut self.cmd));
        }
    }
    fn flush_pipeline(&mut self) {
        self.flush_cmd();
        if !self.cur.cmds.is_empty() {
            self.out.push(std::mem::take(&mut self.cur));
        }
    }
    fn end_header(&mut self) {
        if let Some((var, words)) = self.header.take() {
            if !var.is_empty() {
                self.out.push(Pipeline {
                    binding: Some((var, words)),
                    ..Pipeline::default()
                });
            }
        }
    }
    fn close(&mut self, closer: &str) {
        match self.open.last() {
            Some(o) if closer_of(o.opener) == closer => {
                let first = self.open.pop().map(|o| o.first).unwrap_or(0);
                self.closed_group = Some(first);
            }
            _ => self.broken = Some("a compound command is closed that was never opened"),
        }
    }
    fn in_case(&self) -> bool {
        self.open.last().is_some_and(|o| o.opener == "case")
    }

    fn word(&mut self, w: &Word) {
        if let Some((var, words)) = &mut self.header {
            if !w.quoted && matches!(w.text.as_str(), "do" | "in") && var.is_empty() {
                return;
            }
            if !w.quoted && w.text == "do" {
                self.end_header();
                return;
            }
            if var.is_empty() || words.is_empty() && !w.quoted && w.text == "in" {
                if var.is_empty() {
                    *var = w.text.clone();
                }
                return;
            }
            words.push(w.clone());
            return;
        }
        let at_start = self.cmd.words.is_empty() && !w.quoted;
        if at_start {
            let t = w.text.as_str();
            if std::mem::replace(&mut self.after_time, t == "time") && matches!(t, "-p" | "--") {
                return;
            }
            match t {
                "if" | "while" | "until" | "{" => {
                    let opener = match t {
                        "if" => "if",
                        "{" => "{",
                        _ => "while",
                    };
                    let first = self.out.len();
                    self.open.push(Open { opener, first });
                    return;
                }
                "for" | "select" | "case" => {
                    let opener = if t == "case" { "case" } else { "for" };
                    let first = self.out.len();
                    self.open.push(Open { opener, first });
                    // A case header has no loop variable to bind.
                    let var = if t == "case" { "-" } else { "" };
                    self.header = Some((var.to_string(), Vec::new()));
                    return;
                }
                "fi" | "done" | "esac" | "}" => {
                    self.flush_pipeline();
                    self.close(match t {
                        "fi" => "fi",
                        "done" => "done",
                        "esac" => "esac",
                        _ => "}",
                    });
                    return;
                }
                _ if is_keyword(t) => return,
                _ => {}
            }
        }
        self.closed_group = None;
        self.cmd.words.push(w.clone());
    }

    fn op(&mut self, op: Op) {
        if self.header.is_some() && !matches!(op, Op::Semi | Op::Newline) {
            self.header = None;
        }
        match op {
            Op::Pipe => {
                self.flush_cmd();
                if self.cur.cmds.is_empty() {
                    if let Some(first) = self.closed_group.take() {
                        self.cur.feed = self.out[first.min(self.out.len())..]
                            .iter()
                            .flat_map(|p| p.feed.iter().chain(p.cmds.iter()).cloned())
                            .collect();
                    }
                }
            }
            Op::LParen => {
                self.flush_pipeline();
                let first = self.out.len();
                self.open.push(Open { opener: "(", first });
            }
            Op::RParen if self.in_case() => {
                // A case pattern: `a|b)` is no command.
                self.cmd = Cmd::default();
                self.cur = Pipeline::default();
            }
            Op::RParen => {
                self.flush_pipeline();
                self.close(")");
            }
            _ => {
                if self.header.is_some() {
                    let is_case = self.header.as_ref().is_some_and(|h| h.0 == "-");
                    if is_case {
                        self.header = None;
                    } else {
                        self.end_header();
                    }
                }
                self.flush_pipeline();
                // A closed group feeds only an immediately following `|`.
                self.closed_group = None;
            }
        }
    }
}

/// Pipelines, and why the tokens are not a well-formed script (a compound
/// command left open or closed twice), if they are not.
pub(crate) fn parse_checked(toks: &[Tok]) -> (Vec<Pipeline>, Option<&'static str>) {
    let toks = &array_assignments(toks);
    let mut p = Parser::default();
    for t in toks {
        match t {
            Tok::Word(w) => p.word(w),
            Tok::Redir(r) => {
                if p.header.is_none() {
                    p.cmd.redirs.push(r.clone());
                }
            }
            Tok::Op(op) => p.op(*op),
        }
    }
    p.end_header();
    p.flush_pipeline();
    if !p.open.is_empty() && p.broken.is_none() {
        p.broken = Some("a compound command (if, loop, case, group) is not closed");
    }
    (p.out, p.broken)
}
