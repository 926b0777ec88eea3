//! Open documents, held in ropes, and the translation between LSP positions and text.
//!
//! Positions are counted in the encoding negotiated at `initialize` (UTF-16 unless the client
//! offers UTF-8 or UTF-32). A position past the end of a line or of the document is clamped,
//! and one inside a multi-unit character is moved to its start: no input panics.

use std::collections::HashMap;

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

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
}

impl Document {
    pub fn new(text: &str, version: i32, language_id: &str) -> Self {
        Document {
            rope: Rope::from_str(text),
            version,
            language_id: language_id.to_string(),
        }
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
    pub fn apply_change(&mut self, change: &TextDocumentContentChangeEvent, enc: PositionEncoding) {
        match change.range {
            Some(range) => {
                let (a, b) = self.char_range(range, enc);
                self.rope.remove(a..b);
                self.rope.insert(a, &change.text);
            }
            None => self.rope = Rope::from_str(&change.text),
        }
    }
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

/// All open documents, by URI.
#[derive(Debug, Default)]
pub struct DocumentStore {
    docs: HashMap<Uri, Document>,
}

impl DocumentStore {
    pub fn open(&mut self, uri: Uri, doc: Document) {
        self.docs.insert(uri, doc);
    }

    pub fn close(&mut self, uri: &Uri) -> bool {
        self.docs.remove(uri).is_some()
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Applies the changes of one `didChange` in order and records the new version.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        enc: PositionEncoding,
    ) -> Result<(), DocumentError> {
        let doc = self
            .docs
            .get_mut(uri)
            .ok_or_else(|| DocumentError::NotOpen(uri.as_str().to_string()))?;
        for change in changes {
            doc.apply_change(change, enc);
        }
        doc.version = version;
        Ok(())
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
    fn change_to_unknown_document_is_an_error() {
        let mut store = DocumentStore::default();
        let uri: Uri = "file:///nope.sh".parse().unwrap();
        assert_eq!(
            store.change(&uri, 2, &[], PositionEncoding::Utf16),
            Err(DocumentError::NotOpen("file:///nope.sh".into()))
        );
    }
}
