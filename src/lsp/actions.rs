//! `textDocument/codeAction`: the list is computed from the document alone, with no model
//! call, so it is instant; the work starts when the user picks one, through
//! `workspace/executeCommand`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, Diagnostic, Range, Uri,
};

use crate::tasks::shell_command::{self, Dialect};
use crate::text::{dialect, fence};

use super::documents::{Document, PositionEncoding};
use super::edit::Anchor;

/// The commands behind the code actions, as `workspace/executeCommand` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandName {
    Explain,
    Generate,
    Fix,
    Ask,
    Status,
    /// Re-runs the document's last explain/ask one tier up (or on `tier`), and keeps that
    /// as a correction for the router.
    AskAgain,
}

impl CommandName {
    pub const ALL: [CommandName; 6] = [
        CommandName::Explain,
        CommandName::Generate,
        CommandName::Fix,
        CommandName::Ask,
        CommandName::Status,
        CommandName::AskAgain,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            CommandName::Explain => "superhelfer.explain",
            CommandName::Generate => "superhelfer.generateCommand",
            CommandName::Fix => "superhelfer.fixError",
            CommandName::Ask => "superhelfer.ask",
            CommandName::Status => "superhelfer.status",
            CommandName::AskAgain => "superhelfer.askAgain",
        }
    }

    pub fn parse(name: &str) -> Option<CommandName> {
        CommandName::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

pub const EXPLAIN: &str = CommandName::Explain.as_str();
pub const GENERATE: &str = CommandName::Generate.as_str();
pub const FIX: &str = CommandName::Fix.as_str();
pub const ASK: &str = CommandName::Ask.as_str();
pub const STATUS: &str = CommandName::Status.as_str();
pub const ASK_AGAIN: &str = CommandName::AskAgain.as_str();
pub const ALL_COMMANDS: [&str; 6] = [EXPLAIN, GENERATE, FIX, ASK, STATUS, ASK_AGAIN];

/// The argument of `superhelfer.askAgain`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AskAgainArgs {
    pub uri: Uri,
    /// The tier to ask; one above the last answer's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<crate::engine::tier::Tier>,
}

/// "Ask again with a bigger model", offered after an answer on the document.
pub fn ask_again(uri: &Uri, tier: crate::engine::tier::Tier) -> CodeActionOrCommand {
    let title = format!("Ask again with a bigger model ({tier}) with superhelfer");
    let args = AskAgainArgs {
        uri: uri.clone(),
        tier: Some(tier),
    };
    CodeActionOrCommand::CodeAction(CodeAction {
        title: title.clone(),
        kind: Some(CodeActionKind::EMPTY),
        command: Some(Command {
            title,
            command: ASK_AGAIN.to_string(),
            arguments: serde_json::to_value(args).ok().map(|v| vec![v]),
        }),
        ..Default::default()
    })
}

/// The argument of every document command.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActionArgs {
    pub uri: Uri,
    pub range: Range,
    /// The document version the action was listed for.
    #[serde(default)]
    pub version: Option<i32>,
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// The question, for `superhelfer.ask`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// The request line's text when the action was listed: where `listed` leads, the
    /// line must still read so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anchor: Option<String>,
    /// Where the request line (or the fixed line) stood when the action was listed, to
    /// follow the document's changes from there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed: Option<Anchor>,
}

/// Where "Generate shell command" applies: the dialect of a line, if any.
pub fn command_dialect(doc: &Document, line: usize, extra_languages: &[String]) -> Option<Dialect> {
    let lang = doc.language_id.as_str();
    if lang.eq_ignore_ascii_case("markdown") {
        return markdown_fence_dialect(doc, line);
    }
    shell_command::dialect_for(lang, &doc_head(doc)).or_else(|| {
        extra_languages
            .iter()
            .any(|l| l.eq_ignore_ascii_case(lang))
            .then_some(Dialect::Bash)
    })
}

/// How far up a Markdown document is searched for the opening fence.
const FENCE_SCAN_LINES: usize = 5000;

/// Inside a fenced code block whose info string names a shell: that shell.
fn markdown_fence_dialect(doc: &Document, line: usize) -> Option<Dialect> {
    let mut scanner = fence::Scanner::default();
    for l in line.saturating_sub(FENCE_SCAN_LINES)..line {
        scanner.feed(&doc.line(l)?);
    }
    dialect::of_fence_info(&scanner.open()?.info)
}

/// The lines at the top of a document where it says what it is (shebang, directive).
fn doc_head(doc: &Document) -> String {
    (0..doc.line_count().min(HEAD_LINES))
        .filter_map(|l| doc.line(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many leading lines may name the document's shell.
const HEAD_LINES: usize = 50;

/// The request on a line: a comment, or a plain-language line.
pub fn line_request(text: &str, dialect: Dialect) -> Option<String> {
    shell_command::request_text(text, dialect)
        .or_else(|| shell_command::plain_language_request(text))
}

fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// What every action listed for one range shares: where it was listed.
struct Listing<'a> {
    doc: &'a Document,
    uri: &'a Uri,
    range: Range,
}

impl Listing<'_> {
    /// The command's arguments; a request line or diagnostics are marked, so that the
    /// command finds them again after the user typed.
    fn args(&self, diagnostics: Vec<Diagnostic>, anchor: Option<String>) -> Option<Vec<Value>> {
        let listed = (anchor.is_some() || !diagnostics.is_empty())
            .then(|| Anchor::lines(self.doc, self.range.start.line as usize, 1));
        serde_json::to_value(ActionArgs {
            uri: self.uri.clone(),
            range: self.range,
            version: Some(self.doc.version),
            diagnostics,
            question: None,
            anchor,
            listed,
        })
        .ok()
        .map(|v| vec![v])
    }

    fn action(
        &self,
        title: String,
        kind: CodeActionKind,
        command: CommandName,
        diags: Vec<Diagnostic>,
        anchor: Option<String>,
    ) -> CodeActionOrCommand {
        CodeActionOrCommand::CodeAction(CodeAction {
            title: title.clone(),
            kind: Some(kind),
            diagnostics: (!diags.is_empty()).then(|| diags.clone()),
            command: Some(Command {
                title,
                command: command.as_str().to_string(),
                arguments: self.args(diags, anchor),
            }),
            ..Default::default()
        })
    }
}

/// The actions for a range of a document.
pub fn list(
    doc: &Document,
    uri: &Uri,
    range: Range,
    diagnostics: &[Diagnostic],
    enc: PositionEncoding,
    extra_languages: &[String],
) -> Vec<CodeActionOrCommand> {
    let listing = Listing { doc, uri, range };
    [
        listing.fix(diagnostics),
        listing.generate(extra_languages),
        listing.explain(enc),
    ]
    .into_iter()
    .flatten()
    .collect()
}

impl Listing<'_> {
    /// "Fix" for the diagnostics on the range, the first one named.
    fn fix(&self, diagnostics: &[Diagnostic]) -> Option<CodeActionOrCommand> {
        let first = diagnostics.first()?;
        let more = if diagnostics.len() > 1 {
            format!(" (+{} more)", diagnostics.len() - 1)
        } else {
            String::new()
        };
        Some(self.action(
            format!(
                "Fix with superhelfer: {}{more}",
                shorten(&first.message, 60)
            ),
            CodeActionKind::QUICKFIX,
            CommandName::Fix,
            diagnostics.to_vec(),
            None,
        ))
    }

    /// "Generate shell command" on a request line of a shell document (or fence).
    fn generate(&self, extra_languages: &[String]) -> Option<CodeActionOrCommand> {
        let line = self.range.start.line as usize;
        let dialect = command_dialect(self.doc, line, extra_languages)?;
        let text = self.doc.line(line).unwrap_or_default();
        let request = line_request(&text, dialect)?;
        Some(self.action(
            format!(
                "Generate shell command with superhelfer: {}",
                shorten(&request, 50)
            ),
            CodeActionKind::EMPTY,
            CommandName::Generate,
            Vec::new(),
            Some(text),
        ))
    }

    /// "Explain selection" for a selection of more than one character.
    fn explain(&self, enc: PositionEncoding) -> Option<CodeActionOrCommand> {
        // One character is a cursor in block-cursor editors (Helix), not a thing to explain.
        let a = self.doc.char_index(self.range.start, enc);
        let b = self.doc.char_index(self.range.end, enc);
        (b > a + 1).then(|| {
            self.action(
                "Explain selection with superhelfer".into(),
                CodeActionKind::EMPTY,
                CommandName::Explain,
                Vec::new(),
                None,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::Position;

    fn titles(doc: &Document, line: u32, end: Position) -> Vec<String> {
        let uri: Uri = "file:///t".parse().unwrap();
        list(
            doc,
            &uri,
            Range::new(Position::new(line, 0), end),
            &[],
            PositionEncoding::Utf16,
            &[],
        )
        .into_iter()
        .map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => a.title,
            CodeActionOrCommand::Command(c) => c.title,
        })
        .collect()
    }

    #[test]
    fn comment_in_a_shell_script_offers_generate() {
        let d = Document::new(
            "#!/bin/bash\n# list files by size\nls -la\n",
            1,
            "shellscript",
        );
        assert_eq!(
            titles(&d, 1, Position::new(1, 0)),
            vec!["Generate shell command with superhelfer: list files by size"]
        );
        assert!(
            titles(&d, 2, Position::new(2, 0)).is_empty(),
            "a command line"
        );
        assert!(titles(&d, 0, Position::new(0, 0)).is_empty(), "the shebang");
    }

    #[test]
    fn markdown_only_inside_shell_fences() {
        let d = Document::new(
            "# Title\nsome prose here\n```bash\n# zeige alle Dateien\n```\n```python\n# list files\n```\n",
            1,
            "markdown",
        );
        assert!(titles(&d, 0, Position::new(0, 0)).is_empty());
        assert_eq!(titles(&d, 3, Position::new(3, 0)).len(), 1);
        assert!(titles(&d, 6, Position::new(6, 0)).is_empty());
    }

    #[test]
    fn selection_offers_explain_and_other_languages_do_not_generate() {
        let d = Document::new("fn main() {}\n// list files\n", 1, "rust");
        assert_eq!(
            titles(&d, 0, Position::new(0, 5)),
            vec!["Explain selection with superhelfer"]
        );
        assert!(titles(&d, 1, Position::new(1, 0)).is_empty());
        assert!(
            titles(&d, 0, Position::new(0, 1)).is_empty(),
            "a block cursor is one character"
        );
    }
}
