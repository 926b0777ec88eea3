//! The Neovim plugin (`editors/neovim`) in a real headless Neovim, against the real binary
//! and the Ollama stand-in: a shell script is opened, "Generate shell command" runs from
//! its key on a comment line (the VRAM guard asks; `vim.ui.select` answers "Load"), "Fix
//! error" runs on the line shellcheck flags (checked again after the edit, without a
//! save), "Explain selection" opens the floating Markdown window, and `:checkhealth
//! superhelfer` reports the backend, the GPU and shellcheck (and, in a session of its
//! own, checks only the backends a tier uses). The buffer's text is
//! asserted exactly. In tmux, as a person sees it: the first action needs no `Press
//! ENTER`, and a backend that is down is said once. Ghost text: `tests/neovim_ghost.rs`.
//!
//! Neovim is found as `tests/support/nvim.rs` says. Without it the test prints `SKIP:` and
//! passes, except in CI (`CI=true`), where it fails.

mod support;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use support::fake_nvml::FakeNvmlState;
use support::nvim::{in_ci, lua_str, nvim_or_skip, run_headless, which};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";
/// A 32 GB card with 6.7 GB free: the 18 GB coder model does not fit, so the guard asks.
const NEARLY_FULL: &str =
    "init=ok\ndriver=580.65.06\ngpu=NVIDIA GeForce RTX 5090;total_mb=32607;used_mb=25900\n";

const SCRIPT: &str = "#!/bin/bash\n# show free disk space\necho Hallo, $1\n";
const EXPECTED: &str = "#!/bin/bash\n# show free disk space\ndf -h\necho \"Hallo, $1\"\n";

/// The tools this test needs, or `None` (SKIP) outside CI.
fn tools() -> Option<PathBuf> {
    let nvim = nvim_or_skip()?;
    if which("shellcheck").is_none() {
        assert!(!in_ci(), "CI installs shellcheck");
        support::skip::skip("shellcheck not installed");
        return None;
    }
    Some(nvim)
}

/// The init.lua the session runs: the plugin on 'runtimepath', set up as a user would, then
/// the steps, each with a bounded wait. Everything observed goes to `result` as JSON.
fn init_lua(plugin: &Path, options: &Path, result: &Path) -> String {
    format!(
        r#"
vim.opt.runtimepath:prepend({plugin})
vim.o.swapfile = false
vim.o.columns = 120
vim.o.lines = 40
local out_path = {result}
local result = {{ selects = {{}}, notes = {{}}, steps = {{}} }}

local function finish(err)
  result.error = err
  vim.fn.writefile({{ vim.fn.json_encode(result) }}, out_path)
  vim.cmd(err and 'cquit 1' or 'qall!')
end

-- The user's answers: "Load" for the VRAM question, recorded.
vim.ui.select = function(items, opts, on_choice)
  local titles = {{}}
  for i, it in ipairs(items) do
    titles[i] = opts.format_item and opts.format_item(it) or tostring(it)
  end
  table.insert(result.selects, {{ prompt = opts.prompt, items = titles }})
  for _, it in ipairs(items) do
    if it.title == 'Load' then
      return on_choice(it)
    end
  end
  on_choice(nil)
end
vim.notify = function(msg, level)
  table.insert(result.notes, tostring(msg))
end

local options = vim.fn.json_decode(table.concat(vim.fn.readfile({options}), '\n'))
require('superhelfer').setup({{ cmd = {{ {bin}, 'lsp' }}, init_options = options }})

local done = {{}}
vim.api.nvim_create_autocmd('User', {{
  pattern = 'SuperhelferDone',
  callback = function(ev) table.insert(done, ev.data or require('superhelfer').last_done) end,
}})

local function wait(ms, what, cond)
  if not vim.wait(ms, cond, 20) then
    error('timed out waiting for ' .. what)
  end
end

local function action(keys, name)
  local n = #done
  vim.cmd('normal ' .. keys)
  wait(30000, name, function() return #done > n end)
  local d = done[#done]
  table.insert(result.steps, {{ action = d.action, ok = d.ok, error = d.error }})
  return d
end

local function fresh_sc2086(buf, row)
  for _, d in ipairs(vim.diagnostic.get(buf, {{ lnum = row }})) do
    local lsp = d.user_data and d.user_data.lsp
    -- The server's own range where Neovim keeps it (0.8+): not a stale one moved by the edit.
    local line = lsp and lsp.range and lsp.range.start.line or d.lnum
    if lsp and lsp.code == 'SC2086' and line == row then
      return true
    end
  end
  return false
end

local function main()
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype
  wait(15000, 'the server to attach', function()
    return #require('superhelfer').clients(buf) > 0
  end)

  vim.api.nvim_win_set_cursor(0, {{ 2, 3 }})
  local gen = action([[\sg]], 'Generate shell command')
  result.generate = gen.result

  -- The edit re-runs shellcheck once it pauses, without a save: the flagged line has
  -- moved down by one, and its diagnostic with it.
  wait(15000, 'shellcheck after the edit', function() return fresh_sc2086(buf, 3) end)
  vim.cmd('silent write')
  vim.api.nvim_win_set_cursor(0, {{ 4, 5 }})
  local fix = action([[\sf]], 'Fix error')
  result.fix = fix.result
  result.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), '\n') .. '\n'

  action([[4GV\se]], 'Explain selection')
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      local b = vim.api.nvim_win_get_buf(w)
      result.float = {{
        filetype = vim.bo[b].filetype,
        text = table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, true), '\n'),
      }}
      vim.api.nvim_win_close(w, true)
    end
  end

  vim.cmd('checkhealth superhelfer')
  result.health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, true), '\n')
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
    )
}

#[test]
fn generate_fix_and_explain_in_a_real_neovim() {
    let Some(nvim) = tools() else { return };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fix_answer = "The variable must be quoted, or an argument with spaces splits into words:\n\n```bash\necho \"Hallo, $1\"\n```\n\nQuoting keeps `$1` as one word.";
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&[fix_answer])).loaded(),
        StubModel::new(CODE, Behavior::reply(&["```bash\ndf -h\n```"])).with_size(18_000_000_000),
    ]));
    let gpu = FakeNvmlState::new(NEARLY_FULL);

    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let options = home.join("init_options.json");
    // The router is off so that Fix and Explain go to the fast model; Generate always
    // asks the code tier, whose 18 GB do not fit the card.
    let init_options = json!({
        "backends": {"ollama": {"kind": "ollama", "url": stub.url()}},
        "vram": {"enabled": true},
        "router": {"enabled": false, "default_tier": "fast"},
        "actions": {"shellcheck": true},
        "tiers": {"code": {"first_token_timeout_s": 10, "timeout_s": 20}}
    });
    std::fs::write(&options, init_options.to_string()).unwrap();
    // A library to load is the user's own choice (editor settings may not name one): the
    // user's file, found through XDG_CONFIG_HOME below.
    let user_config = home.join("config/superhelfer");
    std::fs::create_dir_all(&user_config).unwrap();
    std::fs::write(
        user_config.join("config.toml"),
        format!("[vram]\nnvml_lib = \"{}\"\n", gpu.lib_path().display()),
    )
    .unwrap();
    let script = home.join("disk.sh");
    std::fs::write(&script, SCRIPT).unwrap();
    let result = home.join("result.json");
    let init = home.join("init.lua");
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/neovim");
    std::fs::write(&init, init_lua(&plugin, &options, &result)).unwrap();
    let r = run_headless(&nvim, home, &init, &script, &result);
    assert_eq!(r["filetype"], "sh");

    // The VRAM question went through vim.ui.select, with the server's numbers and choices.
    let selects = r["selects"].as_array().unwrap();
    assert_eq!(selects.len(), 1, "asked once: {selects:?}");
    let prompt = selects[0]["prompt"].as_str().unwrap();
    assert!(
        prompt.contains("Loading qwen3-coder:30b needs about 18.0 GB")
            && prompt.contains("7.0 GB of 34.2 GB free"),
        "{prompt}"
    );
    assert_eq!(
        selects[0]["items"],
        json!([
            "Load",
            "Use fast model",
            "Cancel",
            "Always load (this session)",
            "Always use fast model (this session)"
        ])
    );

    // Each action ran; "Load" was honoured: the code model wrote the command.
    let steps: Vec<(&str, bool)> = r["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["action"].as_str().unwrap_or(""), s["ok"] == true))
        .collect();
    assert_eq!(
        steps,
        vec![("generate", true), ("fix", true), ("explain", true)],
        "{r:#}"
    );
    assert_eq!(r["generate"]["inserted"], true);
    assert_eq!(r["generate"]["outcome"]["model_used"], CODE);
    assert_eq!(r["fix"]["applied"], true);

    // The buffer, exactly.
    assert_eq!(r["text"], EXPECTED);
    // Written after Generate; the fix is in the buffer only.
    assert_eq!(
        std::fs::read_to_string(&script).unwrap(),
        "#!/bin/bash\n# show free disk space\ndf -h\necho Hallo, $1\n"
    );

    // Progress reached the user: the end names the model.
    let notes: Vec<&str> = r["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("Generate shell command") && n.contains(CODE)),
        "{notes:?}"
    );

    // The explanation opened in a floating Markdown window.
    assert_eq!(r["float"]["filetype"], "markdown", "{r:#}");
    let float = r["float"]["text"].as_str().unwrap();
    assert!(float.contains("Quoting keeps `$1` as one word."), "{float}");
    assert!(float.contains(FAST), "the footer names the model: {float}");

    // :checkhealth superhelfer, from the running server's status.
    let health = r["health"].as_str().unwrap();
    for expected in [
        "superhelfer: binary",
        "reachable",
        "NVIDIA GeForce RTX 5090",
        "shellcheck",
    ] {
        assert!(health.contains(expected), "`{expected}` in:\n{health}");
    }
    assert!(!health.contains("ERROR"), "{health}");

    // Requests reached the stand-in: the code model once (Generate), the fast one twice.
    let models: Vec<String> = stub
        .chat_requests()
        .iter()
        .filter(|c| c["messages"].as_array().is_some_and(|m| !m.is_empty()))
        .map(|c| c["model"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(models, vec![CODE, FAST, FAST], "{models:?}");
    drop(rt);
}

/// The first action of a session in Neovim as a person sees it (tmux, no GPU, so the VRAM
/// guard's "off" notice arrives first): the command is inserted and no `Press ENTER` prompt
/// ever stands in the way.
#[test]
fn first_action_in_a_terminal_needs_no_press_enter() {
    let Some(nvim) = tools() else { return };
    if !support::tmux::tmux_available() {
        assert!(!in_ci(), "CI installs tmux");
        support::skip::skip("tmux not installed");
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![
        StubModel::new(FAST, Behavior::reply(&["unused"])).loaded(),
        // Not loaded: the guard looks for a GPU before the load, and finds none.
        StubModel::new(CODE, Behavior::reply(&["```bash\ndf -h\n```"])),
    ]));
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let script = home.join("disk.sh");
    std::fs::write(&script, SCRIPT).unwrap();
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/neovim");
    // A user's init.lua: the plugin and the stand-in; the VRAM guard on, with no GPU here
    // (a library path that does not exist stands for a machine without the driver).
    let init = home.join("init.lua");
    std::fs::write(
        &init,
        format!(
            "vim.opt.runtimepath:prepend({plugin})\nvim.o.swapfile = false\n\
             require('superhelfer').setup({{ cmd = {{ {bin}, 'lsp' }}, init_options = {{ \
             backends = {{ ollama = {{ url = {url} }} }}, vram = {{ enabled = true }} }} }})\n",
            plugin = lua_str(&plugin.display().to_string()),
            bin = lua_str(env!("CARGO_BIN_EXE_superhelfer")),
            url = lua_str(&stub.url()),
        ),
    )
    .unwrap();
    let command = format!(
        "cd {h} && env -u SUPERHELFER_CONFIG -u OLLAMA_HOST HOME={h} XDG_CONFIG_HOME={h}/config \
         XDG_STATE_HOME={h}/state XDG_DATA_HOME={h}/data {nvim} -i NONE -n -u init.lua disk.sh",
        h = home.display(),
        nvim = nvim.display(),
    );
    let t = support::tmux::Tmux::start("neovim-first-action", home, 110, 30, &command);
    let limit = Duration::from_secs(30);
    t.wait_for("opened", limit, |s| s.contains("# show free disk space"));
    // The server attaches and sends its notice; then the user asks on line 2.
    std::thread::sleep(Duration::from_secs(1));
    t.keys(&["j", "\\", "s", "g"]);
    let start = Instant::now();
    loop {
        let screen = t.screen();
        assert!(
            !screen.contains("Press ENTER"),
            "a Press ENTER prompt:\n{}",
            t.shot("press-enter")
        );
        if screen.lines().any(|l| l.trim() == "df -h") {
            t.shot("inserted");
            break;
        }
        assert!(
            start.elapsed() < limit,
            "not inserted in {limit:?}:\n{}",
            t.shot("timeout")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(rt);
}

/// "Generate shell command" with the backend down, in Neovim as a person sees it: the
/// error reaches the screen, and `:messages` holds it once, its hint once.
#[test]
fn backend_down_is_said_once_in_a_terminal() {
    let Some(nvim) = tools() else { return };
    if !support::tmux::tmux_available() {
        assert!(!in_ci(), "CI installs tmux");
        support::skip::skip("tmux not installed");
        return;
    }
    // A loopback port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    std::fs::write(home.join("disk.sh"), SCRIPT).unwrap();
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/neovim");
    // `:Messages` writes what `:messages` shows to a file the test reads.
    let init = home.join("init.lua");
    std::fs::write(
        &init,
        format!(
            "vim.opt.runtimepath:prepend({plugin})\nvim.o.swapfile = false\n\
             require('superhelfer').setup({{ cmd = {{ {bin}, 'lsp' }}, init_options = {{ \
             backends = {{ ollama = {{ url = {url} }} }}, vram = {{ enabled = false }} }} }})\n\
             vim.api.nvim_create_user_command('Messages', function() \
             vim.fn.writefile(vim.split(vim.fn.execute('messages'), '\\n'), 'messages.txt') end, {{}})\n",
            plugin = lua_str(&plugin.display().to_string()),
            bin = lua_str(env!("CARGO_BIN_EXE_superhelfer")),
            url = lua_str(&format!("http://{closed}")),
        ),
    )
    .unwrap();
    let command = format!(
        "cd {h} && env -u SUPERHELFER_CONFIG -u OLLAMA_HOST HOME={h} XDG_CONFIG_HOME={h}/config \
         XDG_STATE_HOME={h}/state XDG_DATA_HOME={h}/data {nvim} -i NONE -n -u init.lua disk.sh",
        h = home.display(),
        nvim = nvim.display(),
    );
    let t = support::tmux::Tmux::start("neovim-backend-down", home, 110, 30, &command);
    let limit = Duration::from_secs(30);
    t.wait_for("opened", limit, |s| s.contains("# show free disk space"));
    std::thread::sleep(Duration::from_secs(1));
    t.keys(&["j", "\\", "s", "g"]);
    let screen = t.wait_for("error shown", limit, |s| s.contains("cannot reach"));
    if screen.contains("Press ENTER") {
        t.keys(&["Enter"]);
    }
    // Anything said late (a second copy) has time to arrive.
    std::thread::sleep(Duration::from_secs(2));
    t.keys(&[":Messages", "Enter"]);
    let file = home.join("messages.txt");
    let start = Instant::now();
    while !file.exists() {
        assert!(
            start.elapsed() < limit,
            "no :messages written:\n{}",
            t.shot("no-messages")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let messages = std::fs::read_to_string(&file).unwrap();
    t.shot("after-messages");
    assert_eq!(
        messages.matches("cannot reach").count(),
        1,
        "the error once in :messages:\n{messages}"
    );
    assert_eq!(
        messages.matches("ollama serve").count(),
        1,
        "its hint once in :messages:\n{messages}"
    );
    assert!(messages.contains(&closed.to_string()), "{messages}");
    assert_eq!(
        std::fs::read_to_string(home.join("disk.sh")).unwrap(),
        SCRIPT
    );
}

/// `:checkhealth superhelfer` with three backends: the built-in `ollama` no tier uses (its
/// port closed: never asked, so no error), `here` (the stand-in) for the fast tier, and
/// `gone` (a closed port) for code and heavy. The user reads which tiers cannot answer.
#[test]
fn health_checks_the_backends_the_tiers_use() {
    let Some(nvim) = tools() else { return };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let stub = rt.block_on(OllamaStub::start(vec![StubModel::new(
        FAST,
        Behavior::reply(&["unused"]),
    )
    .loaded()]));
    let closed = || {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let options = json!({
        "backends": {
            "ollama": {"url": closed()},
            "here": {"kind": "ollama", "url": stub.url()},
            "gone": {"kind": "ollama", "url": closed()}
        },
        "tiers": {
            "fast": {"backend": "here"},
            "code": {"backend": "gone"},
            "heavy": {"backend": "gone"}
        },
        "vram": {"enabled": false},
        "router": {"warm_fast": false}
    });
    let script = home.join("disk.sh");
    std::fs::write(&script, SCRIPT).unwrap();
    let result = home.join("result.json");
    let plugin = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/neovim");
    let init = home.join("init.lua");
    std::fs::write(
        &init,
        format!(
            r#"
vim.opt.runtimepath:prepend({plugin})
vim.o.swapfile = false
local result = {{}}
local function finish(err)
  result.error = err
  vim.fn.writefile({{ vim.fn.json_encode(result) }}, {result})
  vim.cmd(err and 'cquit 1' or 'qall!')
end
require('superhelfer').setup({{ cmd = {{ {bin}, 'lsp' }}, init_options = vim.fn.json_decode({options}) }})
vim.api.nvim_create_autocmd('VimEnter', {{ once = true, callback = function()
  vim.schedule(function()
    local ok, err = xpcall(function()
      local buf = vim.api.nvim_get_current_buf()
      if not vim.wait(15000, function() return #require('superhelfer').clients(buf) > 0 end, 20) then
        error('the server did not attach')
      end
      vim.cmd('checkhealth superhelfer')
      result.health = vim.api.nvim_buf_get_lines(0, 0, -1, true)
    end, debug.traceback)
    finish(not ok and tostring(err) or nil)
  end)
end }})
"#,
            plugin = lua_str(&plugin.display().to_string()),
            bin = lua_str(env!("CARGO_BIN_EXE_superhelfer")),
            options = lua_str(&options.to_string()),
            result = lua_str(&result.display().to_string()),
        ),
    )
    .unwrap();
    let r = run_headless(&nvim, home, &init, &script, &result);
    let lines: Vec<&str> = r["health"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    let all = lines.join("\n");
    let line = |needle: &str| -> &str {
        lines
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with `{needle}` in:\n{all}"))
    };
    let unused = line("ollama (ollama,");
    assert!(
        unused.contains("not used by any tier") && !unused.contains("ERROR"),
        "{unused}\n{all}"
    );
    let here = line("here (ollama,");
    assert!(here.contains("OK") && here.contains("reachable"), "{here}");
    let gone = line("gone (ollama,");
    assert!(
        gone.contains("ERROR") && gone.contains("tiers code, heavy cannot answer"),
        "{gone}\n{all}"
    );
    assert!(line("tier fast:").contains("OK"), "{all}");
    for tier in ["tier code:", "tier heavy:"] {
        let l = line(tier);
        assert!(
            l.contains("ERROR") && l.contains("not reachable"),
            "{l}\n{all}"
        );
    }
    drop(rt);
}
