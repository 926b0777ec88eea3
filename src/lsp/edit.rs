//! Where an edit computed against an earlier state of a document belongs now, and the
//! edits themselves (inserted and replaced lines, a versioned workspace edit).
//!
//! A model answers in seconds; meanwhile the user types. Each content change the store
//! applies is recorded in the document's [`ChangeLog`] (`changes.rs`) as a [`Splice`] in
//! chars, numbered by a revision that grows with every change, whatever version the client
//! sends (a client that does not bump the version is still followed). An [`Anchor`] (lines of a snapshot,
//! at the snapshot's revision) is carried through every later splice: one before it
//! shifts it, one after it leaves it, one that touches it means the lines are gone and the
//! edit is refused ([`Lost`]), never placed by searching for a line that reads the same.
//! A change the store had to clamp cannot be followed, nor can an anchor older than the
//! bounded log's reach: both are refused too.

use tower_lsp_server::ls_types::{
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range,
    TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

pub use super::changes::{Anchor, ChangeLog, Lost, Splice, MAX_LOGGED_CHANGES};
use super::documents::{Document, PositionEncoding};

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

    #[test]
    fn an_anchor_made_up_by_the_editor_is_refused_without_panicking() {
        let mut log = ChangeLog::new(1, 1);
        let splice = Splice {
            at: 0,
            removed: 5,
            inserted: 9,
        };
        log.record(2, Some(2), Some(splice));
        let doc = Document::new("a\nb\n", 1, "plaintext");
        for (start, end) in [(100, 0), (usize::MAX, usize::MAX), (6, 1)] {
            let made_up = Anchor {
                revision: 1,
                start,
                end,
            };
            let _ = log.follow(made_up);
            assert!(made_up.find_lines(&log, &doc, &["b".into()]).is_err());
        }
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
            let s = Splice::between(&ropey::Rope::from_str(&old), &new);
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
