//! `find … | xargs CMD` and `ls GLOB | xargs CMD`: the command runs on every
//! name the listing prints, so it is judged as `find … -exec CMD {} +` and as
//! `CMD GLOB`, with every rule those forms already have.

use crate::risk::prelude::*;

/// Judges `template` (the command after xargs, `slot` its `-I` string) run
/// on what the last listing stage of `upstream` prints. Returns true when
/// the listing was understood.
pub(crate) fn listed_fan_out(
    template: &[Word],
    slot: Option<&str>,
    upstream: &[Cmd],
    depth: usize,
    acc: &mut Acc,
) -> bool {
    let Some(last) = upstream.last() else {
        return false;
    };
    let Some(lister) = unwrap_cmd(&last.words) else {
        return false;
    };
    let slot = slot.unwrap_or("{}");
    let command: Vec<Word> = template
        .iter()
        .map(|w| Word {
            text: w.text.replace(slot, "{}"),
            ..w.clone()
        })
        .collect();
    let has_slot = command.iter().any(|w| w.text.contains("{}"));
    match lister.name.as_str() {
        "find" => {
            // find's own printing actions give way to the command.
            let find_words: Vec<Word> = last
                .words
                .iter()
                .filter(|w| !matches!(w.text.as_str(), "-print" | "-print0" | "-ls"))
                .cloned()
                .collect();
            let tail = if has_slot { " ;" } else { " {} +" };
            let text = format!(
                "{} -exec {}{tail}",
                quote_words(&find_words),
                quote_words(&command)
            );
            assess_script(&text, depth + 1, acc);
            true
        }
        "ls" | "dir" => {
            let Some(glob) = listing_value(last).filter(|g| g != FANOUT) else {
                return false;
            };
            let listed = Word {
                text: glob.clone(),
                glob: true,
                ..Word::default()
            };
            let words: Vec<Word> = if has_slot {
                command
                    .iter()
                    .map(|w| Word {
                        text: w.text.replace("{}", &glob),
                        ..w.clone()
                    })
                    .collect()
            } else {
                command.iter().cloned().chain([listed]).collect()
            };
            assess_script(&quote_words(&words), depth + 1, acc);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::{assess, RiskLevel};

    #[test]
    fn a_listing_fed_to_xargs_is_judged_as_the_command_on_every_name() {
        for (cmd, want) in [
            (
                "find ~/Documents -type f -print0 | xargs -0 truncate -s0",
                RiskLevel::Danger,
            ),
            ("find /etc -type f | xargs truncate -s 0", RiskLevel::Danger),
            (
                "find ~/Documents -type f -print0 | xargs -0 rm",
                RiskLevel::Danger,
            ),
            ("ls ~/notes/* | xargs shred -u", RiskLevel::Danger),
            (
                "find /etc -name '*.conf' | xargs -I{} shred -u {}",
                RiskLevel::Danger,
            ),
            ("find . -name '*.pyc' | xargs rm -f", RiskLevel::Caution),
            ("find . -name '*.py' | xargs wc -l", RiskLevel::Safe),
            (
                "find /etc -name '*.conf' | xargs grep -l ssl",
                RiskLevel::Safe,
            ),
            ("ls *.log | xargs gzip", RiskLevel::Safe),
        ] {
            assert_eq!(assess(cmd).level, want, "{cmd}");
        }
    }
}
