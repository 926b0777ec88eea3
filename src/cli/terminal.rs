//! The terminal as the CLI's user interface: the VRAM question as a prompt, events on
//! stderr (tokens on stdout), material piped on stdin.

use std::io::{IsTerminal, Read, Write};

use futures_util::future::BoxFuture;

use superhelfer::engine::router::{Consent, ConsentAsker, Engine, Event, FixedConsent};

use super::args::VramFlags;

/// How the CLI answers the VRAM guard: the flags, else a prompt on a terminal (Cancel when
/// unanswered for `ui.dialog_timeout_s`), else the fast model with a note on stderr.
pub(super) struct TerminalConsent(VramFlags, std::time::Duration);

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

pub(super) fn consent_for(flags: VramFlags, engine: &Engine) -> Box<dyn ConsentAsker> {
    if flags.yes {
        Box::new(FixedConsent(Consent::Load))
    } else {
        let limit = std::time::Duration::from_secs(engine.config().ui.dialog_timeout_s);
        Box::new(TerminalConsent(flags, limit))
    }
}

/// Prints events: tokens to stdout as they come, everything else to stderr.
pub(super) fn print_event(ev: Event, stream_tokens: bool) {
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
        Event::Token { text } if stream_tokens => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
        Event::Token { .. } => {}
        Event::Retrying { from, reason } => {
            if stream_tokens {
                println!();
            }
            eprintln!(
                "superhelfer: fallback: the {from} tier failed ({reason}); the fast tier answers instead"
            );
        }
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
