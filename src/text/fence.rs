//! Markdown code fences, by CommonMark's rules: an opening fence is at least three
//! backticks or tildes indented by at most three spaces (relative to the list item it
//! sits in), a backtick fence's info string holds no backtick, and only a fence of the
//! same character, at least as long and followed by nothing but blanks, closes it.
//! Content lines lose up to the opening fence's indentation. An unclosed fence runs to
//! the end, because answers get cut off.
//!
//! Two tolerances beyond CommonMark, since models write them: ```` ```bash ls -la``` ````
//! on one line is a one-line block ([`Block::one_line`]), not an inline span; and
//! [`answer_blocks`], for a model's answer, lets a fence sit at any indentation when
//! CommonMark's rules find none (a model that indents its fence still means one, and
//! its backticks must never reach a file).

/// An open fence: its character, length, indentation and info string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pub ch: char,
    pub len: usize,
    pub indent: usize,
    /// The info string, trimmed (`bash title="x"`).
    pub info: String,
    /// The most indentation a closing fence may have.
    max_indent: usize,
}

impl Fence {
    /// The info string's first word, lower case (`bash`), or "".
    pub fn tag(&self) -> String {
        first_word_lower(&self.info)
    }
}

/// A fenced block of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The info string's first word, lower case; "" without one.
    pub tag: String,
    /// Content lines, without line breaks, the fence's indentation removed.
    pub lines: Vec<String>,
    /// Byte range of the whole block (fences included) in the text.
    pub start: usize,
    pub end: usize,
    /// A closing fence was found.
    pub closed: bool,
    /// ```` ```x``` ```` on a single line: `lines` holds what is between the ticks.
    pub one_line: bool,
}

impl Block {
    /// The content as text, each line ending in `\n`.
    pub fn body(&self) -> String {
        let mut s = String::new();
        for l in &self.lines {
            s.push_str(l);
            s.push('\n');
        }
        s
    }
}

/// What a line is to the [`Scanner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Outside any fence.
    Outside,
    /// A fence opened here.
    Open,
    /// A line inside a fence.
    Content,
    /// The fence closed here.
    Close,
    /// A one-line block (```` ```x``` ````).
    OneLine,
}

/// Feeds lines one at a time and tells where each stands; for callers that walk a
/// document line by line (is this line inside a shell block?).
#[derive(Debug, Default, Clone)]
pub struct Scanner {
    open: Option<Fence>,
    /// Content column of the list item the text is in, if any.
    list_column: Option<usize>,
    /// Any indentation opens and closes a fence.
    lenient: bool,
}

impl Scanner {
    /// The fence open after the lines fed so far.
    pub fn open(&self) -> Option<&Fence> {
        self.open.as_ref()
    }

    /// Classifies `line` (without its line break) and advances.
    pub fn feed(&mut self, line: &str) -> Line {
        let indent = indentation(line);
        if let Some(f) = &self.open {
            if is_closing(line, f) {
                self.open = None;
                return Line::Close;
            }
            return Line::Content;
        }
        let base = self.container_column(line, indent);
        let t = line.trim_start_matches([' ', '\t']);
        let Some((ch, len)) = fence_run(t) else {
            return Line::Outside;
        };
        let max_indent = if self.lenient { usize::MAX } else { base + 3 };
        if indent > max_indent {
            return Line::Outside;
        }
        let info = t[len..].trim();
        if ch == '`' && info.contains('`') {
            return if one_line_inner(t).is_some() {
                Line::OneLine
            } else {
                Line::Outside
            };
        }
        self.open = Some(Fence {
            ch,
            len,
            indent,
            info: info.to_string(),
            max_indent,
        });
        Line::Open
    }

    /// The column fences are measured from: that of the list item `line` continues,
    /// or 0. A list marker line starts an item; a line left of the item ends it.
    fn container_column(&mut self, line: &str, indent: usize) -> usize {
        if line.trim().is_empty() {
            return self.list_column.unwrap_or(0);
        }
        if let Some(col) = list_content_column(line) {
            self.list_column = Some(col);
            return indent;
        }
        match self.list_column {
            Some(col) if indent >= col => col,
            _ => {
                self.list_column = None;
                0
            }
        }
    }
}

/// Every fenced block of `text`, in order.
pub fn blocks(text: &str) -> Vec<Block> {
    scan(text, Scanner::default())
}

/// The fenced blocks of a model's answer: [`blocks`], or where that finds none, fences
/// at any indentation.
pub fn answer_blocks(text: &str) -> Vec<Block> {
    let strict = blocks(text);
    if !strict.is_empty() {
        return strict;
    }
    scan(
        text,
        Scanner {
            lenient: true,
            ..Scanner::default()
        },
    )
}

fn scan(text: &str, mut scanner: Scanner) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let end = offset + raw.len();
        match scanner.feed(line) {
            Line::Outside => {}
            Line::OneLine => {
                let t = line.trim_start();
                let inner = one_line_inner(t).unwrap_or_default();
                out.push(Block {
                    tag: String::new(),
                    lines: vec![inner.to_string()],
                    start: offset,
                    end,
                    closed: true,
                    one_line: true,
                });
            }
            Line::Open => {
                let tag = scanner.open().map(Fence::tag).unwrap_or_default();
                current = Some(Block {
                    tag,
                    lines: Vec::new(),
                    start: offset,
                    end,
                    closed: false,
                    one_line: false,
                });
            }
            Line::Content => {
                if let (Some(b), Some(f)) = (current.as_mut(), scanner.open()) {
                    // Spaces only: a tab is one byte but reaches further.
                    let strip = line
                        .bytes()
                        .take(f.indent)
                        .take_while(|b| *b == b' ')
                        .count();
                    b.lines.push(line[strip..].to_string());
                    b.end = end;
                }
            }
            Line::Close => {
                if let Some(mut b) = current.take() {
                    b.end = end;
                    b.closed = true;
                    out.push(b);
                }
            }
        }
        offset = end;
    }
    out.extend(current);
    out
}

/// A backtick fence longer than any backtick run in `lines` (at least three), so the
/// lines can be fenced safely.
pub fn fence_for<'l>(lines: impl IntoIterator<Item = &'l str>) -> String {
    let mut longest = 0;
    for line in lines {
        let mut run = 0;
        for c in line.chars() {
            if c == '`' {
                run += 1;
                longest = longest.max(run);
            } else {
                run = 0;
            }
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// A fence info string from a language id: only characters that cannot break the fence.
pub fn info_for(language_id: &str) -> String {
    let tag: String = language_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '+' | '#' | '_' | '.'))
        .collect();
    match tag.as_str() {
        // Models know the fence tag `bash`, not VS Code's language id.
        "shellscript" => "bash".to_string(),
        _ => tag,
    }
}

/// Leading spaces (a tab counts as reaching the next multiple of four, so one tab is
/// already too much for a fence at the margin).
fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
        + line
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .filter(|b| *b == b'\t')
            .count()
            * 3
}

/// The fence character and run length at the start of `t` (3 or more), if any.
fn fence_run(t: &str) -> Option<(char, usize)> {
    let ch = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = t.chars().take_while(|&c| c == ch).count();
    (len >= 3).then_some((ch, len))
}

fn is_closing(line: &str, open: &Fence) -> bool {
    let indent = indentation(line);
    if indent > open.max_indent {
        return false;
    }
    let t = line.trim_start_matches([' ', '\t']);
    matches!(fence_run(t), Some((c, len)) if c == open.ch && len >= open.len && t[len..].trim().is_empty())
}

/// What ```` ```x``` ```` holds between its tick runs, if `t` is one.
fn one_line_inner(t: &str) -> Option<&str> {
    let (_, len) = fence_run(t).filter(|(c, _)| *c == '`')?;
    let rest = t[len..].trim_end();
    let inner = rest.trim_end_matches('`');
    (inner.len() < rest.len() && !inner.trim().is_empty()).then(|| inner.trim())
}

/// The content column of a list item line (`- x`, `* x`, `12. x`, `3) x`).
fn list_content_column(line: &str) -> Option<usize> {
    let indent = indentation(line);
    let t = line.trim_start_matches([' ', '\t']);
    let marker = if t.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let delim = t.as_bytes().get(digits).copied();
        if (1..=9).contains(&digits) && matches!(delim, Some(b'.' | b')')) {
            digits + 1
        } else {
            return None;
        }
    };
    let after = &t[marker..];
    let gap = after.len() - after.trim_start_matches(' ').len();
    // A marker needs a blank after it; a thematic break (`***`) is no list.
    (gap >= 1 && !after.trim().is_empty() && fence_run(after.trim_start()).is_none())
        .then_some(indent + marker + gap.min(4))
}

fn first_word_lower(s: &str) -> String {
    s.split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str) -> Vec<(String, Vec<String>, bool)> {
        blocks(text)
            .into_iter()
            .map(|b| (b.tag, b.lines, b.closed))
            .collect()
    }

    fn v(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_closing_fence_must_be_as_long_and_of_the_same_character() {
        let text = "````bash\n```\ninner\n~~~~\n````\nafter\n";
        assert_eq!(
            bodies(text),
            vec![("bash".into(), v(&["```", "inner", "~~~~"]), true)]
        );
    }

    #[test]
    fn closing_fence_takes_only_blanks_after_it() {
        assert_eq!(
            bodies("```\na\n``` not a close\n```  \n"),
            vec![(String::new(), v(&["a", "``` not a close"]), true)]
        );
    }

    #[test]
    fn four_spaces_at_the_margin_is_no_fence() {
        assert!(blocks("    ```bash\n    ls\n    ```\n").is_empty());
        assert_eq!(
            bodies("   ```sh\n   ls\n  pwd\n   ```\n"),
            vec![("sh".into(), v(&["ls", "pwd"]), true)]
        );
    }

    #[test]
    fn fences_inside_list_items_count_from_the_item() {
        let text =
            "1. Install:\n\n    ```bash\n    apt install jq\n    ```\n- b\n  ```\n  x\n  ```\n";
        assert_eq!(
            bodies(text),
            vec![
                ("bash".into(), v(&["apt install jq"]), true),
                (String::new(), v(&["x"]), true)
            ]
        );
    }

    #[test]
    fn backtick_info_strings_hold_no_backticks_and_one_liners_are_blocks() {
        let b = blocks("```bash ls -la```\n");
        assert_eq!(b.len(), 1);
        assert!(b[0].one_line);
        assert_eq!(b[0].lines, v(&["bash ls -la"]));
        assert!(blocks("```a `b` c\n").is_empty());
        // Tildes may carry backticks in their info string.
        assert_eq!(
            bodies("~~~ `x`\ny\n~~~\n"),
            vec![("`x`".into(), v(&["y"]), true)]
        );
    }

    #[test]
    fn unclosed_runs_to_the_end_and_ranges_cover_the_fences() {
        let text = "intro\n```sh\nls\n";
        let b = blocks(text);
        assert_eq!(b.len(), 1);
        assert!(!b[0].closed);
        assert_eq!(&text[b[0].start..b[0].end], "```sh\nls\n");
        let text = "a\n```\nx\n```\nb";
        let b = blocks(text);
        assert_eq!(&text[b[0].start..b[0].end], "```\nx\n```\n");
        assert_eq!(b[0].body(), "x\n");
    }

    #[test]
    fn scanner_tells_where_a_line_stands() {
        let mut s = Scanner::default();
        assert_eq!(s.feed("# title"), Line::Outside);
        assert_eq!(s.feed("```zsh"), Line::Open);
        assert_eq!(s.open().map(Fence::tag).as_deref(), Some("zsh"));
        assert_eq!(s.feed("# comment"), Line::Content);
        assert_eq!(s.feed("```"), Line::Close);
        assert!(s.open().is_none());
    }

    #[test]
    fn fence_for_outruns_the_lines_backticks() {
        assert_eq!(fence_for(["plain"]), "```");
        assert_eq!(fence_for(["a ```` b"]), "`````");
        assert_eq!(info_for("shellscript"), "bash");
        assert_eq!(info_for("c++`x"), "c++x");
    }

    #[test]
    fn an_answer_may_indent_its_fence_when_nothing_else_is_fenced() {
        let text = "Here:\n\n    ```bash\n    ls\n    ```\n";
        assert!(blocks(text).is_empty());
        assert_eq!(
            answer_blocks(text)
                .into_iter()
                .map(|b| (b.tag, b.lines))
                .collect::<Vec<_>>(),
            vec![("bash".to_string(), v(&["ls"]))]
        );
        // A proper fence elsewhere keeps CommonMark's reading.
        let text = "    ```\n    x\n    ```\n```sh\nls\n```\n";
        assert_eq!(answer_blocks(text).len(), 1);
    }

    #[test]
    fn hostile_input_never_panics() {
        for text in [
            "",
            "```",
            "\t```\n",
            "1.\n```",
            "- ```\n",
            "ß```ü\n```\n",
            "```\r\n",
            "9999999999. x\n  ```",
        ] {
            let _ = blocks(text);
        }
    }
}
