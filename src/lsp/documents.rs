//! Open documents, held in ropes, and the translation between LSP positions and text.
//!
//! Positions are counted in the encoding negotiated at `initialize` (UTF-16 unless the client
//! offers UTF-8 or UTF-32). A position past the end of a line or of the document is clamped,
//! and one inside a multi-unit character is moved to its start: no input panics. A change
//! whose range is not in the document is applied clamped too, and reported
//! ([`RangeProblem`]) so that the server can say so.
//!
//! The store numbers every change it applies (a revision) and keeps each document's
//! [`ChangeLog`], through which an edit computed against an older snapshot finds its place.

use std::collections::HashMap;

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

use super::changes::{ChangeLog, Splice};

/// How the `character` of a position is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl PositionEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            PositionEncoding::Utf8 => "utf-8",
            PositionEncoding::Utf16 => "utf-16",
            PositionEncoding::Utf32 => "utf-32",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "utf-8" => Some(PositionEncoding::Utf8),
            "utf-16" => Some(PositionEncoding::Utf16),
            "utf-32" => Some(PositionEncoding::Utf32),
            _ => None,
        }
    }

    /// The encoding to use given the client's offer, in the client's order of preference.
    pub fn negotiate<'a>(offered: impl IntoIterator<Item = &'a str>) -> Self {
        offered
            .into_iter()
            .find_map(PositionEncoding::parse)
            .unwrap_or_default()
    }

    fn units(self, c: char) -> usize {
        match self {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
            PositionEncoding::Utf32 => 1,
        }
    }
}

/// One open document.
#[derive(Debug, Clone)]
pub struct Document {
    rope: Rope,
    pub version: i32,
    pub language_id: String,
    /// The store's revision of this text: it grows with every change, also one that
    /// keeps the client's version.
    revision: u64,
}

impl Document {
    pub fn new(text: &str, version: i32, language_id: &str) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            language_id: language_id.to_string(),
            revision: 0,
        }
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// Number of lines as LSP counts them (a final line break opens one more, empty line).
    pub fn line_count(&self) -> usize {
        self.rope.len_lines()
    }

    /// The text of a line without its line break, or `None` past the end.
    pub fn line(&self, line: usize) -> Option<String> {
        if line >= self.rope.len_lines() {
            return None;
        }
        let slice = self.rope.line(line);
        let len = content_len(&slice);
        Some(slice.slice(..len).to_string())
    }

    /// The char index where a line's text ends (before its line break), clamped.
    pub fn line_end_char(&self, line: usize) -> usize {
        if line >= self.rope.len_lines() {
            return self.rope.len_chars();
        }
        self.rope.line_to_char(line) + content_len(&self.rope.line(line))
    }

    /// What is wrong with a range in this document, if anything: a line past the end, a
    /// character past the end of its line, an end before the start.
    pub fn range_problem(&self, range: Range, enc: PositionEncoding) -> Option<RangeProblem> {
        let lines = self.rope.len_lines();
        for p in [range.start, range.end] {
            let line = p.line as usize;
            if line >= lines {
                return Some(RangeProblem::LinePastEnd { line, lines });
            }
            let slice = self.rope.line(line);
            let len: usize = match enc {
                PositionEncoding::Utf32 => content_len(&slice),
                _ => slice
                    .chars()
                    .take(content_len(&slice))
                    .map(|c| enc.units(c))
                    .sum(),
            };
            if p.character as usize > len {
                return Some(RangeProblem::CharacterPastEnd {
                    line,
                    character: p.character as usize,
                    len,
                });
            }
        }
        let key = |p: Position| (p.line, p.character);
        (key(range.start) > key(range.end)).then_some(RangeProblem::Reversed)
    }

    /// The char index of a position, clamped into the document.
    pub fn char_index(&self, pos: Position, enc: PositionEncoding) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_chars();
        }
        let start = self.rope.line_to_char(line);
        let slice = self.rope.line(line);
        let len = content_len(&slice);
        let target = pos.character as usize;
        if enc == PositionEncoding::Utf32 {
            return start + target.min(len);
        }
        let mut units = 0;
        let mut chars = 0;
        for c in slice.chars().take(len) {
            let next = units + enc.units(c);
            if next > target {
                break;
            }
            units = next;
            chars += 1;
        }
        start + chars
    }

    /// The position of a char index (clamped to the document's end).
    pub fn position(&self, char_index: usize, enc: PositionEncoding) -> Position {
        let idx = char_index.min(self.rope.len_chars());
        let line = self.rope.char_to_line(idx);
        let start = self.rope.line_to_char(line);
        let character: usize = match enc {
            PositionEncoding::Utf32 => idx - start,
            _ => self
                .rope
                .slice(start..idx)
                .chars()
                .map(|c| enc.units(c))
                .sum(),
        };
        Position::new(line as u32, character as u32)
    }

    /// The text in a range (clamped; a reversed range is read forwards).
    pub fn slice(&self, range: Range, enc: PositionEncoding) -> String {
        let (a, b) = self.char_range(range, enc);
        self.rope.slice(a..b).to_string()
    }

    fn char_range(&self, range: Range, enc: PositionEncoding) -> (usize, usize) {
        let a = self.char_index(range.start, enc);
        let b = self.char_index(range.end, enc);
        (a.min(b), a.max(b))
    }

    /// Applies one `didChange` content change: a range replacement, or the whole text.
    /// Returns the change in chars and what was wrong with its range (it was clamped).
    pub fn apply_change(
        &mut self,
        change: &TextDocumentContentChangeEvent,
        enc: PositionEncoding,
    ) -> (Splice, Option<RangeProblem>) {
        match change.range {
            Some(range) => {
                let problem = self.range_problem(range, enc);
                let (a, b) = self.char_range(range, enc);
                self.rope.remove(a..b);
                self.rope.insert(a, &change.text);
                let splice = Splice {
                    at: a,
                    removed: b - a,
                    inserted: change.text.chars().count(),
                };
                (splice, problem)
            }
            None => {
                let splice = Splice::between(&self.rope, &change.text);
                self.rope = Rope::from_str(&change.text);
                (splice, None)
            }
        }
    }
}

/// Why a range does not fit a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RangeProblem {
    #[error("line {line} is past the end (the document has {lines} lines)")]
    LinePastEnd { line: usize, lines: usize },
    #[error("character {character} is past the end of line {line} ({len} long)")]
    CharacterPastEnd {
        line: usize,
        character: usize,
        len: usize,
    },
    #[error("the range ends before it starts")]
    Reversed,
}

/// Length in chars of a line without its line break (`\n`, `\r\n` or `\r`).
fn content_len(slice: &ropey::RopeSlice<'_>) -> usize {
    let mut len = slice.len_chars();
    if len > 0 && slice.char(len - 1) == '\n' {
        len -= 1;
    }
    if len > 0 && slice.char(len - 1) == '\r' {
        len -= 1;
    }
    len
}

/// Why a change was not applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    #[error("document {0} is not open")]
    NotOpen(String),
}

/// A content change of a `didChange` whose range did not fit the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadChange {
    /// Its index in `contentChanges`.
    pub index: usize,
    pub range: Range,
    pub problem: RangeProblem,
}

impl std::fmt::Display for BadChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (a, b) = (self.range.start, self.range.end);
        write!(
            f,
            "change {} has an invalid range {}:{}-{}:{}: {}",
            self.index, a.line, a.character, b.line, b.character, self.problem
        )
    }
}

/// What a `didChange` did besides changing the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeReport {
    /// Changes applied clamped: the editor's copy may differ from ours now.
    pub bad: Vec<BadChange>,
    /// The version before, when the new one is not greater.
    pub version_not_increased: Option<i32>,
}

#[derive(Debug)]
struct Entry {
    doc: Document,
    log: ChangeLog,
}

/// All open documents, by URI, each with the log of its changes.
#[derive(Debug, Default)]
pub struct DocumentStore {
    docs: HashMap<Uri, Entry>,
    /// The last revision given out, across documents: a reopened document's revisions
    /// never repeat those of the one it replaces.
    revision: u64,
}

impl DocumentStore {
    pub fn open(&mut self, uri: Uri, mut doc: Document) {
        self.revision += 1;
        doc.revision = self.revision;
        let log = ChangeLog::new(doc.revision, doc.version);
        self.docs.insert(uri, Entry { doc, log });
    }

    pub fn close(&mut self, uri: &Uri) -> bool {
        self.docs.remove(uri).is_some()
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri).map(|e| &e.doc)
    }

    /// A document with the log of its changes since it was opened.
    pub fn get_with_log(&self, uri: &Uri) -> Option<(&Document, &ChangeLog)> {
        self.docs.get(uri).map(|e| (&e.doc, &e.log))
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Applies the changes of one `didChange` in order, logs each, and records the new
    /// version.
    ///
    /// A change whose range does not fit is applied clamped, as LSP asks for a character
    /// past the end of a line: LSP has no way to ask the editor for the whole text again.
    /// It is logged as a change that cannot be followed, so that no edit computed before
    /// it is placed in a text that may no longer be the editor's; the caller reports it.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: PositionEncoding,
    ) -> Result<ChangeReport, DocumentError> {
        let entry = self
            .docs
            .get_mut(uri)
            .ok_or_else(|| DocumentError::NotOpen(uri.as_str().to_string()))?;
        let mut report = ChangeReport {
            bad: Vec::new(),
            version_not_increased: (version <= entry.doc.version).then_some(entry.doc.version),
        };
        let last = changes.len().saturating_sub(1);
        // An empty list still makes a revision, so that the new version has one.
        let none = [TextDocumentContentChangeEvent {
            range: Some(Range::default()),
            range_length: None,
            text: String::new(),
        }];
        let changes = if changes.is_empty() {
            &none[..]
        } else {
            changes
        };
        for (index, change) in changes.iter().enumerate() {
            let (splice, problem) = entry.doc.apply_change(change, enc);
            let mut followed = Some(splice);
            if let (Some(problem), Some(range)) = (problem, change.range) {
                followed = None;
                report.bad.push(BadChange {
                    index,
                    range,
                    problem,
                });
            }
            self.revision += 1;
            entry.doc.revision = self.revision;
            let at_version = (index == last).then_some(version);
            entry.log.record(self.revision, at_version, followed);
        }
        entry.doc.version = version;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    fn edit(doc: &mut Document, a: Position, b: Position, text: &str, enc: PositionEncoding) {
        doc.apply_change(
            &TextDocumentContentChangeEvent {
                range: Some(Range::new(a, b)),
                range_length: None,
                text: text.into(),
            },
            enc,
        );
    }

    #[test]
    fn utf16_counts_surrogate_pairs() {
        let mut d = Document::new("a😀b\n", 1, "plaintext");
        // 😀 is two UTF-16 units: "b" starts at 3.
        edit(&mut d, pos(0, 3), pos(0, 4), "X", PositionEncoding::Utf16);
        assert_eq!(d.text(), "a😀X\n");
        // UTF-8: 😀 is four bytes.
        edit(&mut d, pos(0, 5), pos(0, 6), "Y", PositionEncoding::Utf8);
        assert_eq!(d.text(), "a😀Y\n");
        // UTF-32: one unit per char.
        edit(&mut d, pos(0, 1), pos(0, 2), "", PositionEncoding::Utf32);
        assert_eq!(d.text(), "aY\n");
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let mut d = Document::new("über\r\nzwei", 1, "plaintext");
        edit(&mut d, pos(0, 99), pos(0, 99), "!", PositionEncoding::Utf16);
        assert_eq!(d.text(), "über!\r\nzwei");
        edit(
            &mut d,
            pos(7, 0),
            pos(9, 3),
            " drei",
            PositionEncoding::Utf16,
        );
        assert_eq!(d.text(), "über!\r\nzwei drei");
        assert_eq!(d.line(0).as_deref(), Some("über!"));
        assert_eq!(d.line(5), None);
    }

    #[test]
    fn inside_a_surrogate_pair_moves_to_its_start() {
        let d = Document::new("😀x", 1, "plaintext");
        assert_eq!(d.char_index(pos(0, 1), PositionEncoding::Utf16), 0);
        assert_eq!(d.position(1, PositionEncoding::Utf16), pos(0, 2));
    }

    #[test]
    fn negotiation_follows_client_order() {
        assert_eq!(
            PositionEncoding::negotiate(["utf-32", "utf-8"]),
            PositionEncoding::Utf32
        );
        assert_eq!(
            PositionEncoding::negotiate(["ucs-2"]),
            PositionEncoding::Utf16
        );
        assert_eq!(PositionEncoding::negotiate([]), PositionEncoding::Utf16);
    }

    #[test]
    fn ranges_that_do_not_fit_are_named() {
        let d = Document::new("a😀\nb\n", 1, "plaintext");
        let enc = PositionEncoding::Utf16;
        let r = |a: (u32, u32), b: (u32, u32)| Range::new(pos(a.0, a.1), pos(b.0, b.1));
        assert_eq!(d.range_problem(r((0, 3), (2, 0)), enc), None);
        assert_eq!(
            d.range_problem(r((0, 0), (3, 0)), enc),
            Some(RangeProblem::LinePastEnd { line: 3, lines: 3 })
        );
        assert_eq!(
            d.range_problem(r((0, 4), (0, 4)), enc),
            Some(RangeProblem::CharacterPastEnd {
                line: 0,
                character: 4,
                len: 3
            })
        );
        assert_eq!(
            d.range_problem(r((1, 1), (1, 0)), enc),
            Some(RangeProblem::Reversed)
        );
    }

    #[test]
    fn the_store_counts_every_change_and_reports_the_odd_ones() {
        let mut store = DocumentStore::default();
        let uri: Uri = "file:///s.sh".parse().unwrap();
        store.open(uri.clone(), Document::new("one\n", 1, "shellscript"));
        let opened = store.get(&uri).unwrap().revision();
        let change = |range: Option<Range>, text: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.into(),
        };
        let enc = PositionEncoding::Utf16;
        let report = store
            .change(&uri, 1, &[change(None, "one\ntwo\n")], enc)
            .unwrap();
        assert_eq!(report.version_not_increased, Some(1));
        assert!(report.bad.is_empty());
        let bad = Range::new(pos(7, 0), pos(7, 0));
        let report = store
            .change(&uri, 2, &[change(Some(bad), "three\n")], enc)
            .unwrap();
        assert_eq!(report.bad.len(), 1);
        assert_eq!(report.bad[0].range, bad);
        let doc = store.get(&uri).unwrap();
        assert_eq!(doc.text(), "one\ntwo\nthree\n", "applied clamped");
        assert_eq!(doc.revision(), opened + 2);
        // Reopened, it starts from a revision none of its past had.
        store.open(uri.clone(), Document::new("one\n", 1, "shellscript"));
        assert!(store.get(&uri).unwrap().revision() > opened + 2);
    }

    #[test]
    fn change_to_unknown_document_is_an_error() {
        let mut store = DocumentStore::default();
        let uri: Uri = "file:///nope.sh".parse().unwrap();
        assert_eq!(
            store.change(&uri, 2, &[], PositionEncoding::Utf16),
            Err(DocumentError::NotOpen("file:///nope.sh".into()))
        );
    }
}
