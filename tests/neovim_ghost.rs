//! Ghost text in Neovim (`editors/neovim/lua/superhelfer/ghost.lua`) against the real
//! binary and the Ollama stand-in. Headless: the server offers inline completion to the
//! plugin, the answer is drawn on the fresh line and accepting inserts it indented like
//! the request. In tmux, as a person sees it: the request typed as a comment and Enter
//! (which the sh ftplugin continues with `# `), the command appears on the screen, the
//! documented accept key (Alt-l) inserts it, and the saved file holds it.
//!
//! Without Neovim (or tmux, for the terminal test) a test prints `SKIP:` and passes,
//! except in CI (`CI=true`), where it fails.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::json;
use support::nvim::{in_ci, lua_str, nvim_or_skip, run_headless};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
const LARGEST: &str = "du -ah . | sort -rh | head -n 5";

/// Ghost text through the plugin's extmark fallback (Neovim before 0.12) or the native
/// inline completion: the server advertises it to the plugin, the answer is drawn on the
/// fresh line after the request, and accepting inserts it indented like the line.
#[test]
fn ghost_text_is_drawn_and_accepted_in_a_real_neovim() {
    let Some(nvim) = nvim_or_skip() else { return };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
        StubModel::new(CODE, Behavior::reply(&["```bash\ndf -h\n```"])).loaded(),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let options = home.join("init_options.json");
    let init_options = json!({
        "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
        "vram": {"enabled": false},
        "actions": {"shellcheck": false}
    });
    std::fs::write(&options, init_options.to_string()).unwrap();
    let script = home.join("ghost.sh");
    std::fs::write(
        &script,
        "#!/bin/bash\nreport() {\n  # show free disk space\n  \n}\n",
    )
    .unwrap();
    let result = home.join("result.json");
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/neovim");
    let init = format!(
        r#"
vim.opt.runtimepath:prepend({plugin})
vim.o.swapfile = false
local out_path = {result}
local result = {{}}
local function finish(err)
  result.error = err
  vim.fn.writefile({{ vim.fn.json_encode(result) }}, out_path)
  vim.cmd(err and 'cquit 1' or 'qall!')
end
local options = vim.fn.json_decode(table.concat(vim.fn.readfile({options}), '\n'))
require('superhelfer').setup({{ cmd = {{ {bin}, 'lsp' }}, init_options = options }})
local function wait(ms, what, cond)
  if not vim.wait(ms, cond, 20) then error('timed out waiting for ' .. what) end
end
local function main()
  local buf = vim.api.nvim_get_current_buf()
  wait(15000, 'the server to attach', function() return #require('superhelfer').clients(buf) > 0 end)
  local client = require('superhelfer').clients(buf)[1]
  result.offered = client.server_capabilities.inlineCompletionProvider == true
  result.native = require('superhelfer.ghost').native()
  vim.api.nvim_win_set_cursor(0, {{ 4, 2 }})
  local ns = vim.api.nvim_create_namespace('superhelfer_ghost')
  require('superhelfer.ghost').ask(client, buf, 1)
  wait(15000, 'the ghost text', function()
    return #vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {{}}) > 0
  end)
  local marks = vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {{ details = true }})
  result.row = marks[1][2]
  result.shown = marks[1][4].virt_text[1][1]
  result.accepted = require('superhelfer.ghost').accept(buf)
  result.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), '\n')
  finish(nil)
end
vim.api.nvim_create_autocmd('VimEnter', {{
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, err = xpcall(main, debug.traceback)
      if not ok then finish(tostring(err)) end
    end)
  end,
}})
"#,
        plugin = lua_str(&plugin.display().to_string()),
        bin = lua_str(env!("CARGO_BIN_EXE_superhelfer")),
        options = lua_str(&options.display().to_string()),
        result = lua_str(&result.display().to_string()),
    );
    let init_path = home.join("init.lua");
    std::fs::write(&init_path, init).unwrap();
    let r = run_headless(&nvim, home, &init_path, &script, &result);
    assert_eq!(r["offered"], true, "{r}");
    if r["native"] == true {
        support::skip::skip("this Neovim draws inline completion itself; the fallback is not used");
        return;
    }
    assert_eq!(r["row"], 3, "{r}");
    assert_eq!(r["shown"], "  df -h", "{r}");
    assert_eq!(r["accepted"], true, "{r}");
    assert_eq!(
        r["text"],
        "#!/bin/bash\nreport() {\n  # show free disk space\n  df -h\n}"
    );
}

/// Neovim in tmux on `largest.sh` (a shebang line only), the plugin set up as a user
/// would, the stand-in's code model answering `answers` by prompt. The status line says
/// when the server has attached (the test types only then). `None` (SKIP) without tmux.
struct Terminal {
    t: support::tmux::Tmux,
    script: std::path::PathBuf,
    _home: tempfile::TempDir,
    _stub: OllamaStub,
    _rt: tokio::runtime::Runtime,
}

fn terminal(name: &str, answers: Vec<(String, String)>) -> Option<Terminal> {
    let nvim = nvim_or_skip()?;
    if !support::tmux::tmux_available() {
        assert!(!in_ci(), "CI installs tmux");
        support::skip::skip("tmux not installed");
        return None;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["unused"])).loaded(),
        StubModel::new(CODE, Behavior::ByPrompt(answers)).loaded(),
    ]));
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let script = h.join("largest.sh");
    std::fs::write(&script, "#!/bin/bash\n").unwrap();
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/neovim");
    std::fs::write(
        h.join("init.lua"),
        format!(
            "vim.opt.runtimepath:prepend({plugin})\nvim.o.swapfile = false\nvim.o.laststatus = 2\n\
             vim.o.statusline = '%f %{{get(b:, \"attached\", \"\")}}'\n\
             vim.api.nvim_create_autocmd('LspAttach', {{ callback = function(ev) \
             vim.b[ev.buf].attached = 'lsp:ready' vim.cmd.redrawstatus() end }})\n\
             require('superhelfer').setup({{ cmd = {{ {bin}, 'lsp' }}, init_options = {{ \
             backends = {{ ollama = {{ url = {url} }} }}, vram = {{ enabled = false }}, \
             actions = {{ shellcheck = false }} }} }})\n",
            plugin = lua_str(&plugin.display().to_string()),
            bin = lua_str(env!("CARGO_BIN_EXE_superhelfer")),
            url = lua_str(&stub.url()),
        ),
    )
    .unwrap();
    let command = format!(
        "cd {h} && env -u SUPERHELFER_CONFIG -u OLLAMA_HOST HOME={h} XDG_CONFIG_HOME={h}/config \
         XDG_STATE_HOME={h}/state XDG_DATA_HOME={h}/data {nvim} -i NONE -n -u init.lua largest.sh",
        h = h.display(),
        nvim = nvim.display(),
    );
    let t = support::tmux::Tmux::start(name, h, 110, 20, &command);
    t.wait_for("attached", LIMIT, |s| s.contains("lsp:ready"));
    Some(Terminal {
        t,
        script,
        _home: home,
        _stub: stub,
        _rt: rt,
    })
}

const LIMIT: Duration = Duration::from_secs(30);

/// The screen's row right below the one that holds `request`.
fn row_below<'a>(screen: &'a str, request: &str) -> &'a str {
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(request))
        .unwrap_or_else(|| panic!("{request:?} is not on the screen:\n{screen}"));
    lines.get(at + 1).copied().unwrap_or_default()
}

/// As a person meets it in a terminal: Insert mode, the request typed, Enter, the
/// command in grey on the fresh line, Alt-l (the plugin's `ghost.accept`), `:w`.
#[test]
fn ghost_text_is_shown_and_accepted_in_neovim_in_a_terminal() {
    let answer = format!("```bash\n{LARGEST}\n```");
    let Some(term) = terminal("neovim-ghost", vec![("largest files".into(), answer)]) else {
        return;
    };
    let t = &term.t;
    t.keys(&["o", "# list the 5 largest files here", "Enter"]);
    let shown = t.wait_for("ghost-text", LIMIT, |s| s.contains(LARGEST));
    // On the fresh line, below the request, and not yet in the file.
    assert!(
        row_below(&shown, "# list the 5 largest files here").contains(LARGEST),
        "the ghost text is not on the line after the request:\n{shown}"
    );
    assert_eq!(
        std::fs::read_to_string(&term.script).unwrap(),
        "#!/bin/bash\n"
    );
    t.keys(&["M-l"]);
    t.keys(&["Escape", ":w", "Enter"]);
    t.wait_for("saved", LIMIT, |s| s.contains("written"));
    assert_eq!(
        std::fs::read_to_string(&term.script).unwrap(),
        format!("#!/bin/bash\n# list the 5 largest files here\n{LARGEST}\n"),
        "the screens: target/screens/neovim-ghost/"
    );
}

/// A dangerous answer is never drawn; Alt-l on the empty line asks explicitly, and the
/// message area says why nothing is offered, in one line (no `Press ENTER`).
#[test]
fn a_dangerous_command_is_not_drawn_and_alt_l_says_why() {
    let answer = "```bash\nsudo rm -rf /\n```".to_string();
    let Some(term) = terminal(
        "neovim-ghost-danger",
        vec![("free up space".into(), answer)],
    ) else {
        return;
    };
    let t = &term.t;
    t.keys(&["o", "# free up space on the root disk", "Enter", "M-l"]);
    let screen = t.wait_for("said-why", LIMIT, |s| s.contains("no ghost text"));
    assert!(
        screen.contains("could destroy data"),
        "the reason is on the screen:\n{screen}"
    );
    assert!(!screen.contains("Press ENTER"), "{screen}");
    assert!(
        !row_below(&screen, "# free up space on the root disk").contains("rm -rf"),
        "the dangerous command is drawn:\n{screen}"
    );
}
