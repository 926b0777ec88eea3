//! LSP base-protocol framing of what the editor writes to stdin, made to survive bad input.
//!
//! tower-lsp-server stops reading at the first frame it cannot decode, so every frame is
//! checked here first and only those it will accept are passed on. A frame that cannot be
//! served becomes a [`Malformed`] with the JSON-RPC error owed for it (-32700 when the bytes
//! are not a readable JSON message, -32600 when they are JSON but not a valid LSP message),
//! addressed to the id wherever it can be recovered.
//!
//! Resynchronisation rests on one fact: a JSON text never contains a line break followed by
//! `Content-Length: <digits>` and a line break (raw line breaks cannot occur inside JSON
//! strings, and the words cannot occur outside them). Such a line — a *header marker* — is
//! therefore always the start of a frame:
//! - after garbage, or a body whose extent is unknown (no or unreadable `Content-Length`),
//!   bytes are dropped up to the next marker;
//! - a declared length that is too long shows as a marker inside the body: the frame ends
//!   there, without waiting for bytes that will never come;
//! - a declared length that is too short leaves a body that ends early; the bytes up to
//!   the next marker are its rest, which tells its id when together they make a JSON value;
//! - a length above [`MAX_MESSAGE_BYTES`] is refused at once, without allocating it, and the
//!   bytes up to the next marker are dropped as they arrive.

use memchr::{memchr, memchr2, memrchr};
use tower_lsp_server::jsonrpc::{ErrorCode, Id};
use tracing::debug;

use envelope::{recover_id, validate, Refusal};

/// The largest message body accepted, in bytes (64 MiB). A frame declaring more is refused
/// with -32600 without reading it into memory.
pub const MAX_MESSAGE_BYTES: u64 = 64 << 20;
/// The header block of a frame is a few dozen bytes; more than this is not a header.
const MAX_HEADER_BYTES: usize = 8 << 10;
/// JSON nesting deeper than this is refused (-32600): LSP messages nest about ten levels,
/// and tower-lsp's parser gives up at 128.
pub const MAX_DEPTH: usize = 64;
/// How much of an unfinished line is kept while skipping garbage: enough to hold a whole
/// `Content-Length` header once its line break arrives.
const MARKER_TAIL: usize = 64;

/// A well-formed message, in the shape tower-lsp decodes.
#[derive(Debug)]
pub struct Message {
    bytes: Vec<u8>,
    body_start: usize,
    /// The method of a request or notification; `None` for a response.
    pub method: Option<String>,
    /// Whether it carries an id (a request or a response, not a notification).
    pub has_id: bool,
}

impl Message {
    /// The JSON text, as received.
    pub fn body(&self) -> &[u8] {
        &self.bytes[self.body_start..]
    }
}

/// A frame that is not served, and the error replies owed for it.
#[derive(Debug)]
pub struct Malformed {
    pub code: ErrorCode,
    pub reason: String,
    /// One error reply per id; empty when no reply is owed (a bad response, or the rest
    /// of a frame already answered).
    pub reply_to: Vec<Id>,
}

#[derive(Debug)]
pub enum Item {
    Message(Message),
    Malformed(Malformed),
}

/// Turns the bytes read from stdin into messages and refusals; never fails, never
/// allocates more than one frame of at most [`MAX_MESSAGE_BYTES`].
#[derive(Default)]
pub struct Decoder {
    buf: Vec<u8>,
    state: State,
    /// The last frame's body was cut short and its rest could not be told apart yet: garbage
    /// that follows is that rest and is dropped without a second reply.
    after_bad_body: bool,
    skipped: usize,
}

#[derive(Default)]
enum State {
    /// Between frames.
    #[default]
    Frame,
    /// A header of `header_len` bytes announced `len` body bytes; line breaks before
    /// `scanned` were checked for a header marker.
    Body {
        header_len: usize,
        len: usize,
        scanned: usize,
    },
    /// Dropping bytes up to the next header marker.
    Skip,
}

/// What one decoding step did.
enum Step {
    Item(Item),
    /// Needs more input.
    More,
    /// Changed state; go on.
    Again,
}

impl Decoder {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next message or refusal in what was pushed, or `None` until more input comes.
    pub fn next_item(&mut self) -> Option<Item> {
        loop {
            let step = match self.state {
                State::Frame => self.frame(),
                State::Body {
                    header_len,
                    len,
                    scanned,
                } => self.body(header_len, len, scanned),
                State::Skip => self.skip(),
            };
            match step {
                Step::Item(item) => return Some(item),
                Step::More => return None,
                Step::Again => {}
            }
        }
    }

    /// At the end of input: what was left unfinished, for the log.
    pub fn finish(&self) -> Option<String> {
        let pending = match self.state {
            State::Body { len, .. } => format!("a message of {len} bytes was cut off"),
            State::Skip if self.skipped > 0 => format!("{} bytes were skipped", self.skipped),
            _ if self.buf.iter().any(|b| !b.is_ascii_whitespace()) => {
                format!("{} bytes of an unfinished header", self.buf.len())
            }
            _ => return None,
        };
        Some(format!("input ended: {pending}"))
    }

    fn frame(&mut self) -> Step {
        let Some(start) = self.buf.iter().position(|b| !b.is_ascii_whitespace()) else {
            self.buf.clear();
            return Step::More;
        };
        self.buf.drain(..start);
        if matches!(self.buf[0], b'{' | b'[') {
            if self.after_bad_body {
                return self.skip_rest_of_bad_body();
            }
            return self.unframed(0, "a message without a Content-Length header".into());
        }
        match parse_header(&self.buf) {
            Header::Partial => Step::More,
            Header::Length { len, end } => self.header(len, end),
            Header::Garbage if self.after_bad_body => self.skip_rest_of_bad_body(),
            Header::Garbage => {
                self.state = State::Skip;
                refuse(
                    ErrorCode::ParseError,
                    "bytes that are not an LSP header".into(),
                    vec![Id::Null],
                )
            }
            Header::Bad { reason, end } => {
                self.after_bad_body = false;
                self.unframed(end, reason)
            }
        }
    }

    /// A whole header of `end` bytes that declares a body of `len` bytes: read the body,
    /// or refuse one over the maximum and skip it.
    fn header(&mut self, len: u64, end: usize) -> Step {
        self.after_bad_body = false;
        if len > MAX_MESSAGE_BYTES {
            self.buf.drain(..end);
            self.state = State::Skip;
            return refuse(
                ErrorCode::InvalidRequest,
                format!(
                    "a message of {len} bytes is larger than the maximum of \
                     {MAX_MESSAGE_BYTES} bytes"
                ),
                vec![Id::Null],
            );
        }
        // Lossless: `len` is at most MAX_MESSAGE_BYTES.
        let len = len as usize;
        self.state = State::Body {
            header_len: end,
            len,
            scanned: end,
        };
        Step::Again
    }

    /// A body whose length is not known starts at `at`: when it is already here as a whole
    /// JSON value, its id is answered and reading goes on after it; otherwise it is refused
    /// now (the client may be waiting) and dropped up to the next header.
    fn unframed(&mut self, at: usize, reason: String) -> Step {
        let region = find_marker(&self.buf, at, at).unwrap_or(self.buf.len());
        let id = match shape(&self.buf[at..region]).end {
            Some(end) => {
                let id = recover_id(&self.buf[at..at + end]);
                self.buf.drain(..at + end);
                id
            }
            None => {
                self.buf.drain(..at);
                self.state = State::Skip;
                Id::Null
            }
        };
        refuse(ErrorCode::ParseError, reason, vec![id])
    }

    fn skip_rest_of_bad_body(&mut self) -> Step {
        debug!("dropping the rest of a message cut short");
        self.after_bad_body = false;
        self.state = State::Skip;
        Step::Again
    }

    fn body(&mut self, header_len: usize, len: usize, scanned: usize) -> Step {
        let body_end = header_len + len;
        // A marker that starts inside the body means the declared length is too long; its
        // line break may lie a little past the body's end.
        let limit = self.buf.len().min(body_end + MARKER_TAIL);
        if let Some(m) = find_marker(&self.buf[..limit], scanned, header_len) {
            if m < body_end {
                let id = recover_id(&self.buf[header_len..m]);
                self.buf.drain(..m);
                self.state = State::Frame;
                let reason = format!(
                    "Content-Length {len} is longer than the message: the next header \
                     starts after {} bytes",
                    m - header_len
                );
                return refuse(ErrorCode::ParseError, reason, vec![id]);
            }
        }
        if self.buf.len() < body_end {
            self.state = State::Body {
                header_len,
                len,
                scanned: limit,
            };
            return Step::More;
        }
        self.state = State::Frame;
        match validate(&self.buf[header_len..body_end]) {
            Ok(meta) => {
                let rest = self.buf.split_off(body_end);
                let bytes = std::mem::replace(&mut self.buf, rest);
                Step::Item(Item::Message(Message {
                    bytes,
                    body_start: header_len,
                    method: meta.method,
                    has_id: meta.has_id,
                }))
            }
            Err(refusal) if refusal.truncated => self.short_body(header_len, len, refusal),
            Err(refusal) => {
                self.buf.drain(..body_end);
                Step::Item(Item::Malformed(refusal.malformed))
            }
        }
    }

    /// The body ended inside its JSON value: with a short Content-Length, the rest of the
    /// message lies before the next header and, together, they tell the id.
    fn short_body(&mut self, header_len: usize, len: usize, refusal: Refusal) -> Step {
        let body_end = header_len + len;
        let region = find_marker(&self.buf, body_end, body_end).unwrap_or(self.buf.len());
        let rest_is_here = self.buf[body_end..region]
            .iter()
            .any(|b| !b.is_ascii_whitespace());
        if rest_is_here {
            let end = shape(&self.buf[header_len..region]).end;
            if let Some(end) = end.filter(|&end| end > len) {
                let id = recover_id(&self.buf[header_len..header_len + end]);
                self.buf.drain(..header_len + end);
                let reason =
                    format!("Content-Length {len} is shorter than the message ({end} bytes)");
                return refuse(ErrorCode::ParseError, reason, vec![id]);
            }
        }
        self.after_bad_body = true;
        self.buf.drain(..body_end);
        Step::Item(Item::Malformed(refusal.malformed))
    }

    fn skip(&mut self) -> Step {
        if let Some(m) = find_marker(&self.buf, 0, 0) {
            self.skipped += m;
            debug!(bytes = self.skipped, "skipped up to the next header");
            self.skipped = 0;
            self.buf.drain(..m);
            self.state = State::Frame;
            return Step::Again;
        }
        // Only the unfinished last line can still become a header.
        let line_start = memrchr(b'\n', &self.buf).map_or(0, |i| i + 1);
        let keep_from = line_start.max(self.buf.len().saturating_sub(MARKER_TAIL));
        self.skipped += keep_from;
        self.buf.drain(..keep_from);
        Step::More
    }
}

fn refuse(code: ErrorCode, reason: String, reply_to: Vec<Id>) -> Step {
    Step::Item(Item::Malformed(Malformed {
        code,
        reason,
        reply_to,
    }))
}

enum Header {
    /// The header block has not ended yet.
    Partial,
    Length {
        len: u64,
        /// Where the body starts.
        end: usize,
    },
    /// A header block of well-formed lines that does not say how long the body is.
    Bad { reason: String, end: usize },
    /// The first line is not a header line.
    Garbage,
}

/// Parses the header block at the start of `buf` (lines end in CRLF, or LF alone).
fn parse_header(buf: &[u8]) -> Header {
    let mut pos = 0;
    let mut length: Option<u64> = None;
    let mut bad: Option<String> = None;
    loop {
        let Some(off) = memchr(b'\n', &buf[pos..]) else {
            return if buf.len() > MAX_HEADER_BYTES {
                Header::Garbage
            } else {
                Header::Partial
            };
        };
        let raw = &buf[pos..pos + off];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let first = pos == 0;
        pos += off + 1;
        if pos > MAX_HEADER_BYTES {
            return Header::Garbage;
        }
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = split_header(line) else {
            if first {
                return Header::Garbage;
            }
            bad.get_or_insert_with(|| {
                format!(
                    "a malformed header line: {:?}",
                    String::from_utf8_lossy(line)
                )
            });
            continue;
        };
        if !name.eq_ignore_ascii_case(b"content-length") {
            continue;
        }
        match parse_length(value) {
            Some(n) if length.is_none_or(|l| l == n) => length = Some(n),
            Some(_) => {
                bad.get_or_insert_with(|| "conflicting Content-Length headers".into());
            }
            None => {
                bad.get_or_insert_with(|| {
                    format!(
                        "Content-Length is not a number: {:?}",
                        String::from_utf8_lossy(value)
                    )
                });
            }
        }
    }
    match (bad, length) {
        (Some(reason), _) => Header::Bad { reason, end: pos },
        (None, None) => Header::Bad {
            reason: "a header without Content-Length".into(),
            end: pos,
        },
        (None, Some(len)) => Header::Length { len, end: pos },
    }
}

/// `Name: value` with a token name; the value trimmed.
fn split_header(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = memchr(b':', line)?;
    let name = &line[..colon];
    let token = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_');
    if name.is_empty() || !name.iter().all(token) {
        return None;
    }
    Some((name, line[colon + 1..].trim_ascii()))
}

/// Decimal digits only; a value too big for u64 saturates (and is refused as too large).
fn parse_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(value.iter().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

/// The start of the first header marker at or after `min_start` whose line break is at or
/// after `lf_from`: `Content-Length:` (any case), blanks, digits, blanks, line break.
fn find_marker(buf: &[u8], lf_from: usize, min_start: usize) -> Option<usize> {
    let mut i = lf_from.max(min_start);
    while let Some(off) = buf.get(i..).and_then(|rest| memchr(b'\n', rest)) {
        let lf = i + off;
        if let Some(start) = marker_ending_at(buf, lf, min_start) {
            return Some(start);
        }
        i = lf + 1;
    }
    None
}

fn marker_ending_at(buf: &[u8], lf: usize, min_start: usize) -> Option<usize> {
    const NAME: &[u8] = b"content-length";
    let line = &buf[min_start..lf];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = line.trim_ascii_end();
    let digits = line.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let line = line[..line.len() - digits].trim_ascii_end();
    let line = line.strip_suffix(b":")?;
    let name_start = line.len().checked_sub(NAME.len())?;
    line[name_start..]
        .eq_ignore_ascii_case(NAME)
        .then_some(min_start + name_start)
}

/// Where the JSON object or array at the start of `bytes` ends (exclusive), if it ends in
/// `bytes`, and how deep it nests. Brackets are counted, strings skipped; the JSON is not
/// validated here.
struct Shape {
    end: Option<usize>,
    depth: usize,
}

fn shape(bytes: &[u8]) -> Shape {
    let mut i = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let (mut depth, mut max) = (0usize, 0usize);
    if !matches!(bytes.get(i), Some(b'{' | b'[')) {
        return Shape {
            end: None,
            depth: 0,
        };
    }
    while i < bytes.len() {
        match bytes[i] {
            b'"' => loop {
                i += 1;
                match bytes.get(i..).and_then(|rest| memchr2(b'"', b'\\', rest)) {
                    None => {
                        return Shape {
                            end: None,
                            depth: max,
                        }
                    }
                    Some(off) if bytes[i + off] == b'\\' => i += off + 1,
                    Some(off) => {
                        i += off;
                        break;
                    }
                }
            },
            b'{' | b'[' => {
                depth += 1;
                max = max.max(depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Shape {
                        end: Some(i + 1),
                        depth: max,
                    };
                }
            }
            _ => {}
        }
        i += 1;
    }
    Shape {
        end: None,
        depth: max,
    }
}

mod envelope;
#[cfg(test)]
mod tests;
