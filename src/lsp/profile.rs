//! What the connected editor can do, read once from `initialize` (its capabilities and
//! `clientInfo`), and how superhelfer asks, shows and reports for it. Capabilities decide
//! where they are honest; the client's name fills in what a client does without
//! advertising it (Helix handles `window/showDocument` unadvertised) or draws differently
//! (Helix puts the server's name before progress titles, and its cursor is a one-character
//! selection).

use serde_json::Value;
use tower_lsp_server::ls_types::InitializeParams;

/// The editors superhelfer knows by name; anything else is `Other` and gets the spec's
/// defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Editor {
    Neovim,
    VsCode,
    Helix,
    #[default]
    Other,
}

impl Editor {
    fn from_client_name(name: &str) -> Editor {
        let n = name.to_ascii_lowercase();
        if n.contains("neovim") || n == "nvim" {
            Editor::Neovim
        } else if n.contains("visual studio code")
            || n.contains("vscode")
            || n.contains("code-server")
            || n.contains("codium")
        {
            Editor::VsCode
        } else if n.contains("helix") {
            Editor::Helix
        } else {
            Editor::Other
        }
    }
}

/// How a question (VRAM consent, a dangerous command) reaches the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Asking {
    /// `window/showMessageRequest`, shown as the client shows it (a picker, a toast).
    #[default]
    Dialog,
    /// superhelfer's own `superhelfer/askModal` request, which the VS Code extension
    /// advertises and shows as a modal dialog (newlines kept, nothing under a toast).
    Modal,
    /// The client cannot be asked (Helix 25.07.1 answers "Method not found"): what still
    /// works is offered instead and the user is told how to decide in advance.
    Cannot,
}

/// The experimental capability the VS Code extension sends for [`Asking::Modal`].
pub const MODAL_CAPABILITY: &str = "askModal";
/// The request behind [`Asking::Modal`].
pub const MODAL_METHOD: &str = "superhelfer/askModal";

/// The decisions for one client, made once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientProfile {
    pub editor: Editor,
    /// `clientInfo.version` as sent, for logs and `status`.
    pub version: Option<String>,
    pub work_done_progress: bool,
    /// `window/showDocument` works: advertised, or known to be handled.
    pub show_document: bool,
    pub asking: Asking,
    pub apply_edit: bool,
    /// The client prints the server's name before progress titles itself.
    pub names_server_in_progress: bool,
    /// A cursor is a one-character selection (a block cursor).
    pub block_cursor: bool,
    /// `textDocument.inlineCompletion` advertised (LSP 3.18): ghost text is offered.
    pub inline_completion: bool,
}

impl ClientProfile {
    pub fn from_initialize(params: &InitializeParams) -> ClientProfile {
        let caps = &params.capabilities;
        let editor = params
            .client_info
            .as_ref()
            .map(|c| Editor::from_client_name(&c.name))
            .unwrap_or_default();
        let window = caps.window.as_ref();
        let advertises_ask = window.is_some_and(|w| w.show_message.is_some());
        let modal = caps
            .experimental
            .as_ref()
            .and_then(|e| e.get("superhelfer"))
            .and_then(|s| s.get(MODAL_CAPABILITY))
            .is_some_and(|v| v == &Value::Bool(true));
        let asking = if modal {
            Asking::Modal
        } else if advertises_ask || editor != Editor::Helix {
            // The spec has no opt-out: unknown clients are asked, and one that answers
            // "Method not found" is remembered as Cannot (`Session::cannot_ask`).
            Asking::Dialog
        } else {
            Asking::Cannot
        };
        ClientProfile {
            editor,
            version: params.client_info.as_ref().and_then(|c| c.version.clone()),
            work_done_progress: window.and_then(|w| w.work_done_progress).unwrap_or(false),
            show_document: window
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|d| d.support)
                || editor == Editor::Helix,
            asking,
            apply_edit: caps
                .workspace
                .as_ref()
                .and_then(|w| w.apply_edit)
                .unwrap_or(false),
            names_server_in_progress: editor == Editor::Helix,
            block_cursor: editor == Editor::Helix,
            inline_completion: caps
                .text_document
                .as_ref()
                .is_some_and(|t| t.inline_completion.is_some()),
        }
    }

    /// A progress title as this client should show it.
    pub fn progress_title(&self, title: &str) -> String {
        if self.names_server_in_progress {
            title.to_string()
        } else {
            format!("superhelfer: {title}")
        }
    }

    /// Whether a short answer reads well as a message in this client: VS Code cuts a toast
    /// to one line, Helix's status bar drops newlines, so there only one line is one.
    pub fn shows_as_message(&self, text: &str) -> bool {
        match self.editor {
            Editor::VsCode => false,
            Editor::Helix => !text.trim().contains('\n'),
            Editor::Neovim | Editor::Other => true,
        }
    }

    /// One line for logs and `status`: "helix 25.07.1 (cannot be asked)".
    pub fn describe(&self) -> String {
        let name = match self.editor {
            Editor::Neovim => "Neovim",
            Editor::VsCode => "VS Code",
            Editor::Helix => "Helix",
            Editor::Other => "an LSP client",
        };
        let version = self
            .version
            .as_deref()
            .map(|v| format!(" {v}"))
            .unwrap_or_default();
        let asking = match self.asking {
            Asking::Dialog => "questions as dialogs",
            Asking::Modal => "questions as modal dialogs",
            Asking::Cannot => "cannot be asked questions",
        };
        format!("{name}{version} ({asking})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `initialize` params real clients sent (captured, paths replaced).
    fn client(json: &str) -> ClientProfile {
        let params: InitializeParams = serde_json::from_str(json).unwrap();
        ClientProfile::from_initialize(&params)
    }

    #[test]
    fn helix_release_cannot_be_asked_but_shows_documents() {
        let p = client(include_str!("../../tests/data/clients/helix-25.07.1.json"));
        assert_eq!(p.editor, Editor::Helix);
        assert_eq!(p.asking, Asking::Cannot);
        assert!(p.show_document, "handled though not advertised");
        assert!(p.block_cursor && p.names_server_in_progress);
        assert_eq!(p.progress_title("Fix error"), "Fix error");
    }

    #[test]
    fn helix_master_asks_with_a_picker() {
        let p = client(include_str!(
            "../../tests/data/clients/helix-master-079a789e8.json"
        ));
        assert_eq!(p.editor, Editor::Helix);
        assert_eq!(p.asking, Asking::Dialog);
        assert!(p.show_document);
    }

    #[test]
    fn neovim_asks_and_gets_prefixed_titles() {
        let p = client(include_str!("../../tests/data/clients/neovim-0.11.4.json"));
        assert_eq!(p.editor, Editor::Neovim);
        assert_eq!(p.asking, Asking::Dialog);
        assert!(p.show_document && p.work_done_progress && p.apply_edit);
        assert!(!p.block_cursor);
        assert_eq!(p.progress_title("Fix error"), "superhelfer: Fix error");
    }

    #[test]
    fn vscode_with_the_extension_asks_modally_and_never_as_a_toast() {
        let p = client(include_str!(
            "../../tests/data/clients/vscode-code-server-4.139.1.json"
        ));
        assert_eq!(p.editor, Editor::VsCode);
        assert_eq!(p.asking, Asking::Modal);
        assert!(p.show_document && !p.shows_as_message("short"));
    }

    #[test]
    fn an_unknown_client_without_capabilities_gets_the_spec_defaults() {
        let p = client(r#"{"capabilities": {}}"#);
        assert_eq!(p.editor, Editor::Other);
        assert_eq!(p.asking, Asking::Dialog);
        assert!(!p.show_document && !p.work_done_progress);
    }

    #[test]
    fn the_extension_asks_for_modal_dialogs() {
        let p = client(
            r#"{"capabilities": {"experimental": {"superhelfer": {"askModal": true}}},
                "clientInfo": {"name": "Visual Studio Code", "version": "1.106.0"}}"#,
        );
        assert_eq!(p.editor, Editor::VsCode);
        assert_eq!(p.asking, Asking::Modal);
    }
}
