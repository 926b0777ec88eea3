//! The terminal as the CLI's user interface ([`TerminalUi`]): the VRAM question as a
//! prompt, events on stderr, tokens on stdout (streamed to a terminal, held for a pipe),
//! material piped on stdin.

use std::io::{IsTerminal, Read, Write};

use futures_util::future::BoxFuture;

use superhelfer::engine::router::{Consent, ConsentAsker, Engine, Event, FixedConsent};
use superhelfer::features::{DangerChoice, End, Level, Ui};

use super::args::VramFlags;

/// How the CLI answers the VRAM guard: the flags, else a prompt on a terminal (Cancel when
/// unanswered for `ui.dialog_timeout_s`), else the fast model with a note on stderr.
struct TerminalConsent(VramFlags, std::time::Duration);

impl ConsentAsker for TerminalConsent {
    fn ask<'a>(&'a self, prompt: &'a str) -> BoxFuture<'a, Consent> {
        Box::pin(async move {
            if self.0.yes {
                return Consent::Load;
            }
            if self.0.no_load {
                eprintln!("superhelfer: {prompt} --no-load: answering with the fast model");
                return Consent::UseFast;
            }
            if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
                eprintln!(
                    "superhelfer: {prompt} No terminal to ask: answering with the fast model (pass --yes to load it)"
                );
                return Consent::UseFast;
            }
            let question = prompt.to_string();
            let asked = tokio::task::spawn_blocking(move || {
                eprint!("{question}\n[l]oad / use [f]ast model / [c]ancel: ");
                let _ = std::io::stderr().flush();
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
                line
            });
            let answer = match tokio::time::timeout(self.1, asked).await {
                Ok(line) => line.unwrap_or_default(),
                Err(_) => {
                    eprintln!(
                        "\nsuperhelfer: no answer within {} s (ui.dialog_timeout_s): treated as Cancel",
                        self.1.as_secs()
                    );
                    String::new()
                }
            };
            match answer.trim().to_ascii_lowercase().chars().next() {
                Some('l') | Some('y') | Some('j') => Consent::Load,
                Some('f') => Consent::UseFast,
                _ => Consent::Cancel,
            }
        })
    }
}

fn consent_for(flags: VramFlags, engine: &Engine) -> Box<dyn ConsentAsker> {
    if flags.yes {
        Box::new(FixedConsent(Consent::Load))
    } else {
        let limit = std::time::Duration::from_secs(engine.config().ui.dialog_timeout_s);
        Box::new(TerminalConsent(flags, limit))
    }
}

/// Where the answer's tokens go as they come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tokens {
    /// To stdout, as they come (a terminal reads along).
    Stream,
    /// Nowhere: the caller prints what completed (a pipe must not get a cut answer).
    Hold,
}

impl Tokens {
    /// Streams to a terminal; holds the answer for a pipe or a file.
    pub(super) fn for_stdout() -> Tokens {
        if std::io::stdout().is_terminal() {
            Tokens::Stream
        } else {
            Tokens::Hold
        }
    }
}

/// The terminal as a feature's ui: events on stderr, tokens on stdout when streamed, the
/// VRAM question as a prompt (or the flags), and a dangerous command accepted only with
/// `--yes` (it is printed either way; superhelfer never runs it).
pub(super) struct TerminalUi {
    consent: Box<dyn ConsentAsker>,
    accept_danger: bool,
    tokens: Tokens,
    /// Streamed output ends mid-line (a cut must start the next answer on a line of its own).
    mid_line: std::sync::atomic::AtomicBool,
}

impl TerminalUi {
    pub(super) fn new(engine: &Engine, flags: VramFlags, tokens: Tokens) -> TerminalUi {
        TerminalUi {
            consent: consent_for(flags, engine),
            accept_danger: flags.yes,
            tokens,
            mid_line: Default::default(),
        }
    }

    fn write_out(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
        self.mid_line
            .store(!text.ends_with('\n'), std::sync::atomic::Ordering::Relaxed);
    }

    /// Ends a streamed line, so that what follows starts on its own.
    fn finish_line(&self) {
        if self.mid_line.load(std::sync::atomic::Ordering::Relaxed) {
            self.write_out("\n");
        }
    }

    fn print_event(&self, ev: Event) {
        match ev {
            Event::Started {
                tier,
                model,
                reasons,
            } => {
                let why = if reasons.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", reasons.join("; "))
                };
                eprintln!("superhelfer: {tier} tier, {model}{why}");
            }
            Event::Notice { message } => eprintln!("superhelfer: {message}"),
            Event::Token { text } if self.tokens == Tokens::Stream => self.write_out(&text),
            Event::Token { .. } => {}
            Event::Retrying { from, reason } => {
                if self.tokens == Tokens::Stream {
                    // What was streamed is void: marked so on the screen, and the next
                    // answer starts on a line of its own.
                    self.finish_line();
                    self.write_out(&format!(
                        "[superhelfer: the answer above was cut off: the {from} tier failed]\n"
                    ));
                }
                eprintln!(
                    "superhelfer: fallback: the {from} tier failed ({reason}); the fast tier answers instead"
                );
            }
        }
    }
}

impl Ui for TerminalUi {
    fn consent(&self) -> &dyn ConsentAsker {
        self.consent.as_ref()
    }
    fn begin<'a>(&'a self, _title: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }
    fn event(&self, ev: Event) -> BoxFuture<'_, ()> {
        self.print_event(ev);
        Box::pin(async {})
    }
    fn stopped(&self) -> BoxFuture<'_, ()> {
        // Ctrl-C ends the process; nothing else stops the work.
        Box::pin(std::future::pending())
    }
    fn end<'a>(&'a self, end: End<'a>) -> BoxFuture<'a, ()> {
        self.finish_line();
        if let End::Answered(o) = end {
            if let Some(cut) = &o.answer_cut {
                eprintln!("superhelfer: {cut}");
            }
        }
        Box::pin(async {})
    }
    fn tell(&self, _level: Level, message: String) -> BoxFuture<'_, ()> {
        eprintln!("superhelfer: {message}");
        Box::pin(async {})
    }
    fn confirm_danger<'a>(&'a self, _c: &'a str, _r: &'a str) -> BoxFuture<'a, DangerChoice> {
        let choice = if self.accept_danger {
            DangerChoice::Insert
        } else {
            DangerChoice::Cancel
        };
        Box::pin(async move { choice })
    }
}

/// Material piped on stdin (`journalctl -u x | superhelfer ask "why?" -`).
pub(super) fn read_stdin() -> Option<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return None;
    }
    let mut buf = Vec::new();
    // Bounded: a runaway pipe must not eat memory.
    let _ = stdin.lock().take(8 * 1024 * 1024).read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).trim().to_string();
    (!text.is_empty()).then_some(text)
}
