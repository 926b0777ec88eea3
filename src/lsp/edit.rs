//! Where an edit computed against an earlier state of a document belongs now.
//!
//! A model answers in seconds; meanwhile the user types. Each content change the store
//! applies is recorded in the document's [`ChangeLog`] as a [`Splice`] in chars, numbered by
//! a revision that grows with every change, whatever version the client sends (a client
//! that does not bump the version is still followed). An [`Anchor`] (lines of a snapshot,
//! at the snapshot's revision) is carried through every later splice: one before it
//! shifts it, one after it leaves it, one that touches it means the lines are gone and the
//! edit is refused ([`Lost`]), never placed by searching for a line that reads the same.
//! A change the store had to clamp cannot be followed, nor can an anchor older than the
//! bounded log's reach: both are refused too.

use std::collections::VecDeque;

use ropey::Rope;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range,
    TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::documents::{Document, PositionEncoding};

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

impl Anchor {
    /// Lines `first..first + count` of `doc` (clamped to the document).
    pub fn lines(doc: &Document, first: usize, count: usize) -> Anchor {
        let last_line = doc.line_count().saturating_sub(1);
        let first = first.min(last_line);
        let last = (first + count.max(1) - 1).min(last_line);
        Anchor {
            revision: doc.revision(),
            start: doc.rope().line_to_char(first),
            end: doc.line_end_char(last),
        }
    }

    /// The first line of the anchored lines in `current`, after `log` carried the anchor
    /// there; they must still be whole lines that read `expected`.
    pub fn find_lines(
        self,
        log: &ChangeLog,
        current: &Document,
        expected: &[String],
    ) -> Result<usize, Lost> {
        let now = log.follow(self)?;
        let rope = current.rope();
        if now.start > rope.len_chars() {
            return Err(Lost::Changed);
        }
        let first = rope.char_to_line(now.start);
        let whole_lines = rope.line_to_char(first) == now.start;
        let reads_the_same = expected
            .iter()
            .enumerate()
            .all(|(i, e)| current.line(first + i).as_deref() == Some(e.as_str()));
        if whole_lines && reads_the_same {
            Ok(first)
        } else {
            Err(Lost::Changed)
        }
    }
}

/// The line break a line ends with (`\r\n` or `\n`), so inserted lines match the file.
pub fn line_ending(doc: &Document, line: usize) -> &'static str {
    let rope = doc.rope();
    if line < rope.len_lines() {
        let l = rope.line(line);
        let n = l.len_chars();
        if n >= 2 && l.char(n - 2) == '\r' && l.char(n - 1) == '\n' {
            return "\r\n";
        }
    }
    "\n"
}

/// Lines to insert, each indented by `indent` (a Makefile's tab-led recipe lines keep
/// their tab alone).
pub fn indented(lines: &[String], indent: &str) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            if l.starts_with('\t') {
                l.clone()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect()
}

/// The edit that inserts `text` (whole lines, each with its line break) after line
/// `last` of `doc`. After a last line without a line break, one is started.
pub fn insert_after_line(
    doc: &Document,
    last: usize,
    text: &str,
    enc: PositionEncoding,
) -> TextEdit {
    let (pos, text) = if last + 1 < doc.line_count() {
        (Position::new((last + 1) as u32, 0), text.to_string())
    } else {
        let end = doc.position(doc.rope().len_chars(), enc);
        let eol = if text.ends_with("\r\n") { "\r\n" } else { "\n" };
        (end, format!("{eol}{}", text.trim_end_matches(['\r', '\n'])))
    };
    TextEdit::new(Range::new(pos, pos), text)
}

/// The edit that replaces the whole lines `first..=last` of `doc` by `new_lines`, joined
/// with `eol`. Deleting lines (no new lines) takes their line breaks too.
pub fn replace_lines(
    doc: &Document,
    first: usize,
    last: usize,
    new_lines: &[String],
    eol: &str,
    enc: PositionEncoding,
) -> TextEdit {
    let rope = doc.rope();
    let start = Position::new(first as u32, 0);
    let end = if new_lines.is_empty() {
        doc.position(rope.line_to_char((last + 1).min(doc.line_count())), enc)
    } else {
        doc.position(doc.line_end_char(last), enc)
    };
    TextEdit::new(Range::new(start, end), new_lines.join(eol))
}

/// A workspace edit of one document, for the version it was computed against: an editor
/// that has moved on refuses it instead of applying it in the wrong place.
pub fn workspace_edit(uri: &Uri, doc: &Document, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: None,
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: Some(doc.version),
            },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        }])),
        change_annotations: None,
    }
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
    fn an_anchor_made_up_by_the_editor_is_refused_without_panicking() {
        let log = log_of(&[(0, 5, 9)]);
        let doc = Document::new("a\nb\n", 1, "plaintext");
        for (start, end) in [(100, 0), (usize::MAX, usize::MAX), (6, 1)] {
            let made_up = anchor(start, end);
            let _ = log.follow(made_up);
            assert!(made_up.find_lines(&log, &doc, &["b".into()]).is_err());
        }
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

    use proptest::prelude::*;
    use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

    use crate::lsp::documents::DocumentStore;

    const SENTINEL: &str = "@@anchor@@";
    /// No `@`: no edit can make the sentinel line again once it is gone.
    const PIECES: &[&str] = &["a", "ä", "😀", "\n", "\r\n", "\r", "echo ", "\t"];

    fn pieces(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
    }

    /// A valid position from two numbers, in chars; a third of them at an edge of the
    /// sentinel's line while it stands, where the cases are decided.
    fn position(doc: &Document, line: usize, character: usize) -> Position {
        let standing = (0..doc.line_count()).find(|&l| doc.line(l).as_deref() == Some(SENTINEL));
        let line = match standing {
            Some(l) if line >= 26 => l + line % 2,
            _ => line,
        } % doc.line_count();
        let len = doc.line(line).unwrap_or_default().chars().count();
        let character = match character % 3 {
            0 => 0,
            1 => len,
            _ => character % (len + 1),
        };
        Position::new(line as u32, character as u32)
    }

    #[test]
    fn a_reopened_document_is_not_followed_into() {
        let uri: Uri = "file:///r.sh".parse().unwrap();
        let mut store = DocumentStore::default();
        store.open(uri.clone(), Document::new("# a\n# b\n", 1, "shellscript"));
        let anchor = Anchor::lines(store.get(&uri).unwrap(), 1, 1);
        store.open(uri.clone(), Document::new("# a\n# b\n", 1, "shellscript"));
        let (current, log) = store.get_with_log(&uri).unwrap();
        assert_eq!(
            anchor.find_lines(log, current, &["# b".into()]),
            Err(Lost::OutOfReach)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// The splice between two texts (long enough to span many chunks) keeps only what
        /// both share at their start and end.
        #[test]
        fn a_splice_turns_the_old_text_into_the_new(
            common in pieces(6),
            head in pieces(4),
            old_mid in pieces(4),
            new_mid in pieces(4),
            tail in pieces(4),
            times in 1usize..400,
        ) {
            let (head, tail) = (common.repeat(times) + &head, tail + &common.repeat(times));
            let (old, new) = (format!("{head}{old_mid}{tail}"), format!("{head}{new_mid}{tail}"));
            let s = Splice::between(&Rope::from_str(&old), &new);
            let old: Vec<char> = old.chars().collect();
            let new: Vec<char> = new.chars().collect();
            prop_assert_eq!(&old[..s.at], &new[..s.at]);
            prop_assert_eq!(&old[s.at + s.removed..], &new[s.at + s.inserted..]);
            prop_assert!(s.removed <= old_mid.chars().count() && s.inserted <= new_mid.chars().count());
        }

        /// Whatever the user types, ranges or whole texts: the anchored line is found
        /// exactly when it is still there as a whole line, and then where it is.
        #[test]
        fn an_anchor_is_found_exactly_while_its_line_stands(
            above in pieces(8),
            below in pieces(8),
            edits in prop::collection::vec(
                (0usize..40, 0usize..40, 0usize..40, 0usize..40, pieces(4), any::<bool>()),
                0..10,
            ),
        ) {
            let uri: Uri = "file:///p.sh".parse().unwrap();
            let mut store = DocumentStore::default();
            let text = format!("{above}\n{SENTINEL}\n{below}");
            store.open(uri.clone(), Document::new(&text, 1, "shellscript"));
            let snapshot = store.get(&uri).unwrap().clone();
            let first = snapshot.rope().char_to_line(text[..text.find('@').unwrap()].chars().count());
            let anchor = Anchor::lines(&snapshot, first, 1);
            for (i, (l1, c1, l2, c2, new, whole)) in edits.into_iter().enumerate() {
                let doc = store.get(&uri).unwrap();
                let a = position(doc, l1, c1);
                let b = position(doc, l2, c2);
                let range = Range::new(a.min(b), a.max(b));
                let change = if whole {
                    let mut t = doc.clone();
                    t.apply_change(&TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: new }, PositionEncoding::Utf32);
                    TextDocumentContentChangeEvent { range: None, range_length: None, text: t.text() }
                } else {
                    TextDocumentContentChangeEvent { range: Some(range), range_length: None, text: new }
                };
                let report = store.change(&uri, 2 + i as i32, &[change], PositionEncoding::Utf32).unwrap();
                prop_assert!(report.bad.is_empty());
            }
            let (current, log) = store.get_with_log(&uri).unwrap();
            let standing = (0..current.line_count()).find(|&l| current.line(l).as_deref() == Some(SENTINEL));
            let found = anchor.find_lines(log, current, &[SENTINEL.to_string()]);
            prop_assert_eq!(found.ok(), standing, "{:?}", current.text());
        }
    }
}
