//! "Explain selection": prompt building and rendering of the answer.
//!
//! The language server sends the prompt built here (with the editor context from
//! [`crate::engine::context::build`]) to a model and shows the answer either in a
//! message window (when [`is_short`]) or as a Markdown document ([`render_markdown`]).
//! This module knows nothing about LSP.
//!
//! Answer language: English, unless the comments in the selection are written in
//! German — then German. The comments are the best cheap signal of the language the
//! developer works in; the UI locale says little (many German developers run English
//! editors), and guessing other languages from a few words is unreliable, so the choice
//! is deliberately binary.

use crate::engine::context::BuiltContext;
use crate::engine::tier::Tier;
use crate::text::fence::{self, fence_for, info_for};

/// Longest answer (in chars) that [`is_short`] accepts for a message window.
pub const SHORT_MAX_CHARS: usize = 300;
/// Most lines that [`is_short`] accepts.
pub const SHORT_MAX_LINES: usize = 3;

/// Single-line selections up to this many chars are quoted verbatim in the prompt, so
/// that the model explains the selected expression rather than the whole line.
const QUOTE_MAX_CHARS: usize = 300;

/// The language the explanation is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerLanguage {
    /// The default.
    English,
    /// When the selection's comments are German.
    German,
}

/// Decides the answer language from the comments in `selection` (see the module docs).
pub fn answer_language(selection: &str, language_id: &str) -> AnswerLanguage {
    let comments = comment_text(selection, language_id);
    let (mut german, mut english) = (0usize, 0usize);
    for word in comments
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        let w = word.to_lowercase();
        if w.contains(['ä', 'ö', 'ü', 'ß']) {
            german += 1;
        }
        if GERMAN_WORDS.contains(&w.as_str()) {
            german += 1;
        }
        if ENGLISH_WORDS.contains(&w.as_str()) {
            english += 1;
        }
    }
    if german >= 2 && german > english {
        AnswerLanguage::German
    } else {
        AnswerLanguage::English
    }
}

/// Frequent German function words that are not also English words.
const GERMAN_WORDS: &[&str] = &[
    "der", "die", "das", "und", "nicht", "ist", "mit", "für", "wenn", "auf", "ein", "eine",
    "einen", "einem", "werden", "wird", "oder", "auch", "noch", "nur", "dass", "bei", "hier",
    "alle", "zum", "zur", "von", "den", "dem", "des", "sich", "wir", "ich", "kein", "keine",
    "über", "aus", "nach", "wie", "sonst", "falls", "damit", "soll", "muss", "kann", "erst",
    "dann", "danach", "vorher", "jetzt", "immer", "ohne", "weil", "diese", "dieser", "dieses",
    "hat", "sind", "gibt", "leer", "datei", "zeile", "prüfen", "prüft", "setzt", "liest",
];

/// Frequent English function words.
const ENGLISH_WORDS: &[&str] = &[
    "the", "and", "is", "not", "with", "for", "if", "this", "that", "to", "of", "be", "are", "it",
    "on", "from", "by", "or", "we", "when", "then", "else", "all", "only", "should", "must", "can",
    "will", "has", "have", "file", "line", "check", "checks", "returns", "set", "sets", "read",
    "reads", "without", "because", "here", "first", "after", "before",
];

/// The text of the comments in `code`: line comments (`#`, `//`, `--`, `;`), block
/// comments (`/* */`, `<!-- -->`) and Python docstrings. Approximate — string literals
/// that contain a marker count too — which is fine for a language guess.
fn comment_text(code: &str, language_id: &str) -> String {
    let markers = LineMarkers::for_language(language_id);
    let mut out = String::new();
    let mut in_block: Option<&'static str> = None;
    for line in code.lines() {
        line_comments(line, &markers, &mut in_block, &mut out);
    }
    out
}

/// The line-comment markers a language has beyond the common `#` and `//`.
struct LineMarkers {
    dash: bool,
    semicolon: bool,
}

impl LineMarkers {
    fn for_language(language_id: &str) -> Self {
        let lang = language_id.to_ascii_lowercase();
        LineMarkers {
            dash: matches!(
                lang.as_str(),
                "sql" | "lua" | "haskell" | "ada" | "elm" | "purescript" | "plsql" | "vhdl"
            ),
            semicolon: matches!(
                lang.as_str(),
                "lisp" | "scheme" | "clojure" | "racket" | "elisp" | "asm" | "nasm" | "ini"
            ),
        }
    }

    /// The earliest comment marker in `rest` and where it starts (the first listed wins a
    /// tie).
    fn first_in(&self, rest: &str) -> Option<(usize, &'static str)> {
        let mut markers: Vec<(usize, &'static str)> = Vec::new();
        for m in ["//", "#", "/*", "<!--", "\"\"\"", "'''"] {
            if let Some(i) = rest.find(m) {
                markers.push((i, m));
            }
        }
        if self.dash {
            if let Some(i) = rest.find("--") {
                markers.push((i, "--"));
            }
        }
        if self.semicolon {
            if let Some(i) = rest.find(';') {
                markers.push((i, ";"));
            }
        }
        markers.into_iter().min_by_key(|(i, _)| *i)
    }
}

/// Appends the comment text of one line to `out`. `in_block` carries an open block
/// comment's closing marker from one line to the next.
fn line_comments(
    line: &str,
    markers: &LineMarkers,
    in_block: &mut Option<&'static str>,
    out: &mut String,
) {
    let mut rest = line;
    loop {
        if let Some(close) = *in_block {
            match rest.find(close) {
                Some(i) => {
                    out.push_str(&rest[..i]);
                    out.push(' ');
                    rest = &rest[i + close.len()..];
                    *in_block = None;
                }
                None => {
                    out.push_str(rest);
                    out.push(' ');
                    return;
                }
            }
        }
        let t = rest.trim_start();
        // Continuation lines of block comments: ` * text`.
        if let Some(body) = t.strip_prefix("* ") {
            out.push_str(body);
            out.push(' ');
            return;
        }
        let Some((i, m)) = markers.first_in(rest) else {
            return;
        };
        let after = &rest[i + m.len()..];
        match m {
            "/*" => *in_block = Some("*/"),
            "<!--" => *in_block = Some("-->"),
            "\"\"\"" | "'''" => *in_block = Some(m),
            // Rust attributes and C preprocessor lines are not comments.
            _ if m == "#" && is_hash_code(after) => {}
            _ => {
                out.push_str(after);
                out.push(' ');
                return;
            }
        }
        rest = after;
    }
}

/// After a `#`: a Rust attribute, a shebang or a C preprocessor line, not a comment.
fn is_hash_code(after: &str) -> bool {
    after.starts_with('[')
        || after.starts_with("![")
        || after.starts_with("include")
        || after.starts_with("define")
        || after.starts_with('!')
}

/// Builds the (system, user) prompt pair for explaining `selection`.
///
/// `ctx` must have been built for the same selection: its numbered block marks the
/// selected lines with `>`, so the selection is not repeated unless it is part of a
/// single line (then it is quoted, so the model explains that expression) or `ctx` is
/// empty (then the selection is the whole context).
pub fn build_prompt(selection: &str, ctx: &BuiltContext, language_id: &str) -> (String, String) {
    let language = answer_language(selection, language_id);
    let lang_name = match language_id.trim() {
        "" => "the",
        "shellscript" => "shell",
        other => other,
    };
    let answer_rule = match language {
        AnswerLanguage::English => "Answer in English.",
        AnswerLanguage::German => {
            "The developer writes German comments: answer in German (Antworte auf Deutsch)."
        }
    };
    let system = format!(
        "You explain {lang_name} code to a developer in their editor.\n\
         Start with one sentence that says what the selected code does. If it is longer than a \
         few lines, follow with a short list of the key steps. Mention a bug, a pitfall or a \
         portability problem only if you can see it in the code, and name the line number. \
         Refer to lines by the numbers shown in the context. Do not repeat the code back, do \
         not rewrite it, and do not explain basic syntax unless it is unusual.\n\
         Use Markdown. Be brief.\n\
         {answer_rule}"
    );
    let mut user = String::new();
    let sel = selection.trim_matches(['\r', '\n']);
    if ctx.rendered.trim().is_empty() {
        let tag = info_for(language_id);
        let fence = fence_for(sel.lines());
        user.push_str(&format!("Selected code:\n{fence}{tag}\n{sel}\n{fence}\n"));
    } else {
        user.push_str(ctx.rendered.trim_end());
        user.push('\n');
        if !sel.contains('\n') && !sel.trim().is_empty() && sel.chars().count() <= QUOTE_MAX_CHARS {
            let ticks = fence_for([sel]);
            // Inline code needs fewer ticks than a fence; one more than the longest run.
            let ticks = &ticks[..ticks.len().saturating_sub(2).max(1)];
            let pad = if sel.starts_with('`') || sel.ends_with('`') {
                " "
            } else {
                ""
            };
            user.push_str(&format!(
                "\nThe exact selection on the marked line is: {ticks}{pad}{}{pad}{ticks}\n",
                sel.trim()
            ));
        }
    }
    user.push_str(match language {
        AnswerLanguage::English => "\nExplain the selected code.",
        AnswerLanguage::German => "\nErkläre den ausgewählten Code.",
    });
    (system, user)
}

/// Facts shown in the footer of the rendered explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainMeta {
    /// What the document is: "Explanation", or "Answer" for a free question.
    pub heading: &'static str,
    /// The file (path or URI), shown in the title.
    pub file: String,
    /// The explained lines, 0-based, inclusive (rendered 1-based).
    pub lines: (usize, usize),
    /// The model that answered.
    pub model: String,
    /// The tier the request ran on.
    pub tier: Tier,
    /// Wall time of the model call.
    pub elapsed_ms: u64,
    /// Why another tier or model than the preferred one answered, if one did.
    pub fallback: Option<String>,
}

/// Removes what a model adds around the explanation: `<think>` reasoning blocks, and a
/// single ```` ```markdown ```` fence around the whole answer.
pub fn clean_answer(answer: &str) -> String {
    let s = crate::text::reasoning::strip(&answer.replace("\r\n", "\n"));
    let t = s.trim();
    if let [b] = fence::answer_blocks(t).as_slice() {
        let inner = b.lines.join("\n");
        // Only when the fence wraps everything (no fence inside it).
        let wraps_all = b.start == 0 && b.end == t.len() && b.closed && !b.one_line;
        if wraps_all && matches!(b.tag.as_str(), "markdown" | "md" | "") && !inner.contains("```") {
            return inner.trim().to_string();
        }
    }
    t.to_string()
}

/// Whether the answer fits a message window: at most [`SHORT_MAX_CHARS`] chars and
/// [`SHORT_MAX_LINES`] lines after [`clean_answer`], and no code block.
pub fn is_short(answer: &str) -> bool {
    let a = clean_answer(answer);
    !a.is_empty()
        && a.chars().count() <= SHORT_MAX_CHARS
        && a.lines().count() <= SHORT_MAX_LINES
        && !a.contains("```")
}

/// The explanation as a Markdown document: a title naming the file and lines, the
/// cleaned answer (its top-level headings demoted below the title), and a footer with
/// model, tier, time and any fallback.
pub fn render_markdown(answer: &str, meta: &ExplainMeta) -> String {
    let (a, b) = if meta.lines.0 <= meta.lines.1 {
        meta.lines
    } else {
        (meta.lines.1, meta.lines.0)
    };
    let lines = if a == b {
        format!("line {}", a + 1)
    } else {
        format!("lines {}–{}", a + 1, b + 1)
    };
    let file = meta.file.rsplit(['/', '\\']).next().unwrap_or(&meta.file);
    let file = if file.is_empty() { "(unsaved)" } else { file };
    let mut out = format!("# {}: {} {lines}\n\n", meta.heading, inline_code(file));
    let body = demote_headings(&clean_answer(answer));
    if body.is_empty() {
        out.push_str("*The model returned an empty answer.*\n");
    } else {
        out.push_str(&body);
        out.push('\n');
    }
    let secs = meta.elapsed_ms as f64 / 1000.0;
    out.push_str(&format!(
        "\n---\n*{} · tier {} · {secs:.1} s",
        inline_code(&meta.model),
        meta.tier
    ));
    if let Some(reason) = meta.fallback.as_deref().filter(|r| !r.trim().is_empty()) {
        out.push_str(&format!(" · fallback: {}", reason.trim()));
    }
    out.push_str("*\n");
    out
}

fn inline_code(s: &str) -> String {
    let ticks = fence_for([s]);
    let ticks = &ticks[..ticks.len().saturating_sub(2).max(1)];
    format!("{ticks}{s}{ticks}")
}

/// Turns `# Title` into `## Title` outside code fences, so the document keeps one
/// top-level heading (a `#` comment inside a bash block is left alone).
fn demote_headings(md: &str) -> String {
    let mut out = Vec::new();
    let mut scanner = fence::Scanner::default();
    for line in md.lines() {
        let outside = scanner.feed(line) == fence::Line::Outside;
        if outside && line.starts_with("# ") {
            out.push(format!("#{line}"));
        } else {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ExplainMeta {
        ExplainMeta {
            heading: "Explanation",
            file: "/home/anna/proj/scripts/deploy.sh".into(),
            lines: (11, 17),
            model: "qwen2.5-coder:7b".into(),
            tier: Tier::Code,
            elapsed_ms: 2345,
            fallback: None,
        }
    }

    #[test]
    fn german_comments_switch_the_language() {
        let de = "# Prüft, ob die Datei existiert, und bricht sonst ab\nif [ ! -f \"$f\" ]; then exit 1; fi";
        assert_eq!(answer_language(de, "shellscript"), AnswerLanguage::German);
        let en =
            "# Check that the file exists and stop otherwise\nif [ ! -f \"$f\" ]; then exit 1; fi";
        assert_eq!(answer_language(en, "shellscript"), AnswerLanguage::English);
        let rust_de =
            "/* Liest die Konfiguration\n * und setzt die Werte */\nfn load() {} // für später";
        assert_eq!(answer_language(rust_de, "rust"), AnswerLanguage::German);
        // German identifiers without comments do not count.
        assert_eq!(
            answer_language("let größe = breite * höhe;", "rust"),
            AnswerLanguage::English
        );
        assert_eq!(answer_language("", "rust"), AnswerLanguage::English);
        let py = "def f():\n    \"\"\"Gibt die Summe aller Werte zurück, wenn die Liste nicht leer ist.\"\"\"\n";
        assert_eq!(answer_language(py, "python"), AnswerLanguage::German);
        // Rust attributes are not comments.
        assert_eq!(
            answer_language(
                "#[derive(Debug)] // die Struktur für das Ergebnis\nstruct R;",
                "rust"
            ),
            AnswerLanguage::German
        );
    }

    #[test]
    fn prompt_uses_context_and_quotes_partial_selection() {
        let ctx = BuiltContext {
            rendered: "File: a.sh\nLanguage: shellscript\n```bash\n>3 | echo $name\n```\n".into(),
            ..Default::default()
        };
        let (system, user) = build_prompt("$name", &ctx, "shellscript");
        assert!(system.contains("shell code"));
        assert!(system.contains("Answer in English."));
        assert!(user.starts_with("File: a.sh"));
        assert!(user.contains("exact selection on the marked line is: `$name`"));
        assert!(user.ends_with("Explain the selected code."));
        // Multi-line selections rely on the marked lines.
        let (_, user) = build_prompt("a\nb", &ctx, "shellscript");
        assert!(!user.contains("exact selection"));
    }

    #[test]
    fn prompt_without_context_carries_the_selection() {
        let sel = "# Zählt die Zeilen der Datei\nwc -l < \"$datei\"";
        let (system, user) = build_prompt(sel, &BuiltContext::default(), "shellscript");
        assert!(system.contains("answer in German"));
        assert!(user.contains("```bash\n# Zählt die Zeilen der Datei\nwc -l"));
        assert!(user.ends_with("Erkläre den ausgewählten Code."));
        let (_, user) = build_prompt("x = `a ``` b`", &BuiltContext::default(), "python");
        assert!(user.contains("````python\n"));
    }

    #[test]
    fn markdown_has_title_body_and_footer() {
        let md = render_markdown("<think>hmm, bash</think>\n# Summary\nLoops over the files.\n\n```bash\n# a comment\nls\n```", &meta());
        assert!(md.starts_with("# Explanation: `deploy.sh` lines 12–18\n\n## Summary\nLoops"));
        assert!(md.contains("```bash\n# a comment\nls\n```"));
        assert!(!md.contains("think"));
        assert!(md.ends_with("\n---\n*`qwen2.5-coder:7b` · tier code · 2.3 s*\n"));
        let mut m = meta();
        m.fallback = Some("heavy tier busy (VRAM)".into());
        m.lines = (4, 4);
        m.file = String::new();
        let md = render_markdown("", &m);
        assert!(md.starts_with("# Explanation: `(unsaved)` line 5"));
        assert!(md.contains("empty answer"));
        assert!(md.contains("· fallback: heavy tier busy (VRAM)*"));
    }

    #[test]
    fn short_answers_fit_a_message() {
        assert!(is_short("Prints the first argument, unquoted."));
        assert!(is_short("```markdown\nPrints the first argument.\n```"));
        let reasoning = format!(
            "<think>{}</think>\nPrints it.",
            "long reasoning ".repeat(50)
        );
        assert!(is_short(&reasoning));
        assert!(is_short("a\nb\nc"));
        assert!(!is_short("a\nb\nc\nd"));
        assert!(!is_short(&"x".repeat(301)));
        assert!(is_short(&"ü".repeat(300)));
        assert!(!is_short("Use this:\n```bash\nls\n```"));
        assert!(!is_short("   "));
        assert!(!is_short("<think>unterminated reasoning"));
    }

    #[test]
    fn clean_answer_strips_wrappers_only_when_whole() {
        assert_eq!(clean_answer("```markdown\nHi\n```"), "Hi");
        assert_eq!(clean_answer("<think>x</think>\r\nHi\r\n"), "Hi");
        let two = "```\na\n```\ntext\n```\nb\n```";
        assert_eq!(clean_answer(two), two);
    }
}
