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
        eprintln!("SKIP: this Neovim draws inline completion itself; the fallback is not used");
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

/// As a person meets it in a terminal: Insert mode, the request typed, Enter, the
/// command in grey on the fresh line, Alt-l (the plugin's `ghost.accept`), `:w`.
#[test]
fn ghost_text_is_shown_and_accepted_in_neovim_in_a_terminal() {
    let Some(nvim) = nvim_or_skip() else { return };
    if !support::tmux::tmux_available() {
        assert!(!in_ci(), "CI installs tmux");
        eprintln!("SKIP: tmux not installed");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["unused"])).loaded(),
        StubModel::new(
            CODE,
            Behavior::ByPrompt(vec![(
                "largest files".into(),
                format!("```bash\n{LARGEST}\n```"),
            )]),
        )
        .loaded(),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let script = home.join("largest.sh");
    std::fs::write(&script, "#!/bin/bash\n").unwrap();
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/neovim");
    // A user's init.lua: the plugin with its default keys, and the stand-in. The status
    // line says when the server has attached, so that typing starts only then.
    let init = home.join("init.lua");
    std::fs::write(
        &init,
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
        h = home.display(),
        nvim = nvim.display(),
    );
    let t = support::tmux::Tmux::start("neovim-ghost", home, 110, 20, &command);
    let limit = Duration::from_secs(30);
    t.wait_for("attached", limit, |s| s.contains("lsp:ready"));
    t.keys(&["o", "# list the 5 largest files here", "Enter"]);
    let shown = t.wait_for("ghost-text", limit, |s| s.contains(LARGEST));
    // On the fresh line, below the request, and not yet in the file.
    let lines: Vec<&str> = shown.lines().collect();
    let request = lines
        .iter()
        .position(|l| l.contains("# list the 5 largest files here"))
        .unwrap_or_else(|| panic!("the request is not on the screen:\n{shown}"));
    assert!(
        lines.get(request + 1).is_some_and(|l| l.contains(LARGEST)),
        "the ghost text is not on the line after the request:\n{shown}"
    );
    assert_eq!(std::fs::read_to_string(&script).unwrap(), "#!/bin/bash\n");
    t.keys(&["M-l"]);
    t.keys(&["Escape", ":w", "Enter"]);
    t.wait_for("saved", limit, |s| s.contains("written"));
    assert_eq!(
        std::fs::read_to_string(&script).unwrap(),
        format!("#!/bin/bash\n# list the 5 largest files here\n{LARGEST}\n"),
        "the screens: target/screens/neovim-ghost/"
    );
    drop(rt);
}
