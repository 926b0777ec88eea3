//! A document's change log: each content change the store applies, as a [`Splice`] in
//! chars numbered by a revision that grows with every change (whatever version the client
//! sends), and an [`Anchor`] carried through the splices made after it. Pure data over
//! ropey: `documents.rs` records into it, `edit.rs` follows anchors through it.

use std::collections::VecDeque;

use ropey::Rope;
use serde::{Deserialize, Serialize};

/// Changes kept per document. One keystroke is one change in most editors: this covers
/// several minutes of fast typing during one answer, at 48 bytes a change.
pub const MAX_LOGGED_CHANGES: usize = 10_000;

/// One replacement in a document's text, in chars: `removed` chars at `at` became
/// `inserted` chars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Splice {
    pub at: usize,
    pub removed: usize,
    pub inserted: usize,
}

impl Splice {
    /// The smallest splice that turns `old` into `new`: their common beginning and end are
    /// kept. A client that sends the whole text after each change (or after applying our
    /// own edit) is thus followed as precisely as one that sends ranges.
    pub fn between(old: &Rope, new: &str) -> Splice {
        let new_bytes = new.as_bytes();
        let mut prefix = common_prefix(old, new_bytes);
        // Identical bytes decode identically, so a boundary in `new` is one in `old` too.
        while !new.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let room = old.len_bytes().min(new_bytes.len()) - prefix;
        let mut suffix = common_suffix(old, new_bytes, room);
        while !new.is_char_boundary(new_bytes.len() - suffix) {
            suffix -= 1;
        }
        let kept = new[..prefix].chars().count() + new[new_bytes.len() - suffix..].chars().count();
        Splice {
            at: new[..prefix].chars().count(),
            removed: old.len_chars() - kept,
            inserted: new.chars().count() - kept,
        }
    }
}

// Both compare whole chunks at once (a memcmp): byte by byte through the rope's iterator,
// ten megabytes took over a second in a debug build.

/// How many bytes `old` and `new` have in common from the start.
fn common_prefix(old: &Rope, new: &[u8]) -> usize {
    let mut n = 0;
    for chunk in old.chunks() {
        let (c, rest) = (chunk.as_bytes(), &new[n..]);
        let m = c.len().min(rest.len());
        if c[..m] != rest[..m] {
            return n + c.iter().zip(rest).take_while(|(a, b)| a == b).count();
        }
        n += m;
        if m < c.len() {
            break;
        }
    }
    n
}

/// How many bytes `old` and `new` have in common at the end, at most `limit`.
fn common_suffix(old: &Rope, new: &[u8], limit: usize) -> usize {
    let mut n = 0;
    for chunk in old.chunks_at_byte(old.len_bytes()).0.reversed() {
        let (c, rest) = (chunk.as_bytes(), &new[..new.len() - n]);
        let m = c.len().min(rest.len());
        let (c, rest) = (&c[c.len() - m..], &rest[rest.len() - m..]);
        if c != rest {
            let same = c.iter().rev().zip(rest.iter().rev());
            return (n + same.take_while(|(a, b)| a == b).count()).min(limit);
        }
        n += m;
        if m < chunk.len() || n >= limit {
            break;
        }
    }
    n.min(limit)
}

/// A change as the log keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Logged {
    revision: u64,
    /// The client's version after this change; `None` inside a `didChange` that carried
    /// several changes (the client never saw those states).
    version: Option<i32>,
    /// `None` for a change the store had to clamp: where it really went is unknown.
    splice: Option<Splice>,
}

/// The splices applied to one document since it was opened, the oldest dropped first.
#[derive(Debug, Clone)]
pub struct ChangeLog {
    /// The revision the log starts from: every change after it is kept.
    base: u64,
    base_version: Option<i32>,
    changes: VecDeque<Logged>,
}

impl ChangeLog {
    /// An empty log for a document opened (or reopened) at `revision`.
    pub fn new(revision: u64, version: i32) -> ChangeLog {
        ChangeLog {
            base: revision,
            base_version: Some(version),
            changes: VecDeque::new(),
        }
    }

    /// Records the change that produced `revision`; `None` for one that cannot be
    /// followed (its range did not fit the document).
    pub fn record(&mut self, revision: u64, version: Option<i32>, splice: Option<Splice>) {
        self.changes.push_back(Logged {
            revision,
            version,
            splice,
        });
        if self.changes.len() > MAX_LOGGED_CHANGES {
            if let Some(oldest) = self.changes.pop_front() {
                self.base = oldest.revision;
                self.base_version = oldest.version;
            }
        }
    }

    /// The last revision at which the document had this client version, if the log
    /// reaches back to it. The latest is the state a client that bumps its version saw.
    pub fn revision_of_version(&self, version: i32) -> Option<u64> {
        self.changes
            .iter()
            .rev()
            .find(|c| c.version == Some(version))
            .map(|c| c.revision)
            .or((self.base_version == Some(version)).then_some(self.base))
    }

    /// The anchor carried through every change after its revision.
    pub fn follow(&self, anchor: Anchor) -> Result<Anchor, Lost> {
        if anchor.revision < self.base {
            return Err(Lost::OutOfReach);
        }
        // An anchor comes back from the editor in a command's arguments: made sane first.
        let mut a = Anchor {
            end: anchor.end.max(anchor.start),
            ..anchor
        };
        for c in self.changes.iter().filter(|c| c.revision > anchor.revision) {
            let Some(s) = c.splice else {
                return Err(Lost::Untrusted);
            };
            let end = s.at + s.removed;
            if s.removed == 0 && s.inserted == 0 {
                // An empty change (some clients send them) moves nothing.
            } else if end <= a.start {
                // Before the anchor (an insertion right at its start is above it).
                a.start = (a.start - s.removed).saturating_add(s.inserted);
                a.end = (a.end - s.removed).saturating_add(s.inserted);
            } else if s.at < a.end {
                return Err(Lost::Changed);
            }
            a.revision = c.revision;
        }
        Ok(a)
    }
}

/// Why an anchor cannot be followed to the document as it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Lost {
    #[error("was changed or deleted")]
    Changed,
    #[error(
        "cannot be followed any more (more than {MAX_LOGGED_CHANGES} changes, or the document was reopened)"
    )]
    OutOfReach,
    #[error("is gone: its document was closed")]
    Closed,
    #[error("cannot be placed safely: since then the editor sent a change that did not fit the document (see the log)")]
    Untrusted,
}

/// Whole lines of a document at one revision, as chars: from the start of the first line
/// to the end of the last one's text (its line break is not part of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub revision: u64,
    pub start: usize,
    pub end: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splice(old: &str, new: &str) -> Splice {
        Splice::between(&Rope::from_str(old), new)
    }

    #[test]
    fn whole_text_changes_become_the_smallest_splice() {
        assert_eq!(
            splice("a\nb\nc\n", "a\nx\nb\nc\n"),
            Splice {
                at: 2,
                removed: 0,
                inserted: 2
            }
        );
        assert_eq!(
            splice("a\nb\nc\n", "a\nc\n"),
            Splice {
                at: 2,
                removed: 2,
                inserted: 0
            }
        );
        assert_eq!(
            splice("same", "same"),
            Splice {
                at: 4,
                removed: 0,
                inserted: 0
            }
        );
        // "é" and "ã" share their first byte: the splice stays on char boundaries.
        assert_eq!(
            splice("xéy", "xãy"),
            Splice {
                at: 1,
                removed: 1,
                inserted: 1
            }
        );
        let everything = |removed, inserted| Splice {
            at: 0,
            removed,
            inserted,
        };
        // Many chunks: a change in the middle of a long text.
        let long = "echo ä 😀\n".repeat(5000);
        let mut changed = long.clone();
        changed.insert(13 * 1500, 'Z');
        let at = 9 * 1500; // 9 chars, 13 bytes a line
        assert_eq!(
            splice(&long, &changed),
            Splice {
                at,
                removed: 0,
                inserted: 1
            }
        );
        assert_eq!(
            splice(&changed, &long),
            Splice {
                at,
                removed: 1,
                inserted: 0
            }
        );
        assert_eq!(splice("", "ab"), everything(0, 2));
        assert_eq!(splice("ab", ""), everything(2, 0));
    }

    fn log_of(changes: &[(usize, usize, usize)]) -> ChangeLog {
        let mut log = ChangeLog::new(1, 1);
        for (i, &(at, removed, inserted)) in changes.iter().enumerate() {
            let splice = Splice {
                at,
                removed,
                inserted,
            };
            log.record(2 + i as u64, Some(2 + i as i32), Some(splice));
        }
        log
    }

    fn anchor(start: usize, end: usize) -> Anchor {
        Anchor {
            revision: 1,
            start,
            end,
        }
    }

    #[test]
    fn changes_before_shift_changes_after_keep_changes_inside_lose() {
        let moved = log_of(&[(0, 0, 7), (3, 2, 0)]).follow(anchor(10, 20));
        assert_eq!(moved.map(|a| (a.start, a.end)), Ok((15, 25)));
        // An insertion right at the start is above the anchor; right at the end, after.
        let at_edges = log_of(&[(10, 0, 3), (23, 0, 5)]).follow(anchor(10, 20));
        assert_eq!(at_edges.map(|a| (a.start, a.end)), Ok((13, 23)));
        assert_eq!(
            log_of(&[(5, 6, 0)]).follow(anchor(10, 20)),
            Err(Lost::Changed)
        );
        assert_eq!(
            log_of(&[(19, 0, 1)]).follow(anchor(10, 20)),
            Err(Lost::Changed)
        );
    }

    #[test]
    fn a_clamped_change_stops_every_older_anchor() {
        let mut log = log_of(&[(0, 0, 1)]);
        log.record(3, Some(3), None);
        assert_eq!(log.follow(anchor(10, 20)), Err(Lost::Untrusted));
        let after = Anchor {
            revision: 3,
            start: 10,
            end: 20,
        };
        assert_eq!(log.follow(after), Ok(after));
    }

    #[test]
    fn the_log_is_bounded_and_says_so() {
        let many: Vec<_> = (0..MAX_LOGGED_CHANGES + 1).map(|_| (0, 0, 1)).collect();
        let log = log_of(&many);
        assert_eq!(log.follow(anchor(0, 1)), Err(Lost::OutOfReach));
        let recent = Anchor {
            revision: 3,
            start: 5,
            end: 6,
        };
        assert!(log.follow(recent).is_ok());
    }

    #[test]
    fn versions_map_to_their_latest_revision() {
        let mut log = ChangeLog::new(1, 1);
        log.record(2, Some(2), None);
        log.record(3, None, None);
        log.record(4, Some(2), None);
        assert_eq!(log.revision_of_version(1), Some(1));
        assert_eq!(log.revision_of_version(2), Some(4));
        assert_eq!(log.revision_of_version(9), None);
    }
}
