//! Code actions end to end, as an editor uses them: the real binary over stdio, the Ollama
//! stand-in behind it. Given this document and this backend, the user sees this.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::lsp_client::{default_capabilities, Choice, LspClient, Spawn};
use support::ollama_stub::{Behavior, OllamaStub, StubModel};

const FAST: &str = "llama3.2:3b";
const CODE: &str = "qwen3-coder:30b";

struct World {
    rt: tokio::runtime::Runtime,
    stub: OllamaStub,
}

impl World {
    fn new(code: Behavior) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let stub = rt.block_on(OllamaStub::start(vec![
            StubModel::new(FAST, Behavior::reply(&["A short answer."])).loaded(),
            StubModel::new(CODE, code).loaded(),
        ]));
        World { rt, stub }
    }

    fn options(&self) -> Value {
        json!({
            "backends": {"ollama": {"kind": "ollama", "url": self.stub.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
            "tiers": {"code": {"first_token_timeout_s": 10, "timeout_s": 20}}
        })
    }

    fn client(&self) -> LspClient {
        self.client_with(self.options(), vec![])
    }

    fn client_with(&self, options: Value, env: Vec<(String, String)>) -> LspClient {
        let mut c = LspClient::spawn(Spawn {
            env,
            ..Default::default()
        });
        c.initialize(options, default_capabilities());
        c
    }
}

fn actions(c: &mut LspClient, uri: &str, range: [(u32, u32); 2], diagnostics: Value) -> Vec<Value> {
    c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": range[0].0, "character": range[0].1}, "end": {"line": range[1].0, "character": range[1].1}},
            "context": {"diagnostics": diagnostics}
        }),
    )
    .expect("codeAction")
    .as_array()
    .cloned()
    .unwrap_or_default()
}

fn find<'a>(list: &'a [Value], prefix: &str) -> &'a Value {
    list.iter()
        .find(|a| a["title"].as_str().unwrap_or("").starts_with(prefix))
        .unwrap_or_else(|| panic!("no action `{prefix}` in {list:?}"))
}

/// Runs an action's command as the editor does; returns the result or the error.
fn run(c: &mut LspClient, action: &Value) -> Result<Value, Value> {
    c.request("workspace/executeCommand", action["command"].clone())
}

#[test]
fn listing_actions_calls_no_model() {
    let w = World::new(Behavior::reply(&["ls"]));
    let mut c = w.client();
    c.open(
        "file:///w/a.sh",
        "shellscript",
        "#!/bin/bash\n# list the five biggest files in /var/log\n",
    );
    let list = actions(&mut c, "file:///w/a.sh", [(1, 0), (1, 0)], json!([]));
    assert_eq!(list.len(), 1);
    find(
        &list,
        "Generate shell command with superhelfer: list the five biggest",
    );
    let list = actions(&mut c, "file:///w/a.sh", [(0, 0), (1, 10)], json!([]));
    find(&list, "Explain selection");
    c.settle(Duration::from_millis(200));
    let answered: Vec<Value> = w
        .stub
        .chat_requests()
        .into_iter()
        .filter(|c| c["messages"].as_array().is_some_and(|m| !m.is_empty()))
        .collect();
    assert!(
        answered.is_empty(),
        "no model call while listing: {answered:?}"
    );
    // The fast model was warmed at start (a preload has no messages).
    let preloads = w.stub.chat_requests();
    assert!(
        !preloads.is_empty() && preloads.iter().all(|c| c["model"] == FAST),
        "{preloads:?}"
    );
}

#[test]
fn generate_inserts_exactly_the_command_indented_with_progress() {
    let answer = "Sure! Here is the command:\n\n```bash\n$ du -ah /var/log | sort -rh | head -n 5\n```\n\nThis shows the five largest files.";
    let w = World::new(Behavior::reply(&[answer]));
    let mut c = w.client();
    let uri = "file:///w/cleanup.sh";
    c.open(uri, "shellscript", "#!/bin/bash\nif true; then\n    # list the five biggest files in /var/log\n    echo done\nfi\n");
    let list = actions(&mut c, uri, [(2, 4), (2, 4)], json!([]));
    let r = run(&mut c, find(&list, "Generate shell command")).expect("generated");
    assert_eq!(r["inserted"], true);
    assert_eq!(r["risk"]["level"], "safe");
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\nif true; then\n    # list the five biggest files in /var/log\n    du -ah /var/log | sort -rh | head -n 5\n    echo done\nfi\n"
    );
    let progress = c.notifications("$/progress");
    // Begin comes at once (before routing), so that any end stops the spinner; the route
    // follows as a report.
    assert_eq!(progress[0]["value"]["kind"], "begin", "{progress:?}");
    assert!(
        progress.iter().any(|p| p["value"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("code tier · qwen3-coder:30b"))),
        "{progress:?}"
    );
    let end = progress
        .iter()
        .find(|p| p["value"]["kind"] == "end")
        .expect("end");
    assert!(
        end["value"]["message"].as_str().unwrap().contains(CODE),
        "{end}"
    );
    // A command's answer is capped: a rambling model stops early.
    let sent = w.stub.chat_requests().pop().unwrap();
    assert_eq!(sent["options"]["num_predict"], 400, "{sent}");
    // The prompt names the shell and the OS.
    let system = w.stub.chat_requests().pop().unwrap()["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(system.to_lowercase().contains("bash"), "{system}");
}

#[test]
fn german_request_in_a_dockerfile_and_umlauts_and_emoji_around() {
    let w = World::new(Behavior::reply(&[
        "Hier ist der Befehl:\n```dockerfile\nRUN apt-get update && apt-get install -y curl\n```",
    ]));
    let mut c = w.client();
    let uri = "file:///w/Dockerfile";
    let text =
        "FROM debian:12\n# Größe 😀 prüfen\n# installiere curl ohne Rückfragen\nCMD [\"bash\"]\n";
    c.open(uri, "dockerfile", text);
    let list = actions(&mut c, uri, [(2, 3), (2, 3)], json!([]));
    let r = run(
        &mut c,
        find(
            &list,
            "Generate shell command with superhelfer: installiere curl",
        ),
    )
    .expect("generated");
    assert_eq!(r["inserted"], true, "{r}");
    let after = c.text(uri);
    assert!(
        after.starts_with(
            "FROM debian:12\n# Größe 😀 prüfen\n# installiere curl ohne Rückfragen\n# superhelfer: caution: apt-get install installs or changes packages\nRUN "
        ),
        "{after}"
    );
    assert!(
        after.contains("apt-get install -y curl\nCMD [\"bash\"]\n"),
        "{after}"
    );
}

#[test]
fn dangerous_command_goes_through_each_choice() {
    let w = World::new(Behavior::reply(&["```bash\nrm -rf ~/\n```"]));
    let uri = "file:///w/x.sh";
    let original = "#!/bin/sh\n# free up space in my home\n";
    for (choice, expect) in [
        (Choice::Pick("Insert".into()), Some("rm -rf ~/\n")),
        (
            Choice::Pick("Insert as comment".into()),
            Some("# rm -rf ~/\n"),
        ),
        (Choice::Pick("Cancel".into()), None),
        (Choice::Dismiss, None),
    ] {
        let mut c = w.client();
        c.open(uri, "shellscript", original);
        c.choices.push_back(choice.clone());
        let list = actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
        let r = run(&mut c, find(&list, "Generate shell command")).expect("no error");
        assert_eq!(r["risk"]["level"], "danger");
        let dialog = c.server_requests("window/showMessageRequest");
        assert_eq!(dialog.len(), 1, "asked once ({choice:?})");
        assert!(dialog[0]["message"].as_str().unwrap().contains("rm -rf ~/"));
        let after = c.text(uri);
        match expect {
            Some(tail) => {
                assert!(after.contains("# superhelfer: DANGER"), "{after}");
                assert!(after.ends_with(tail), "{choice:?}: {after}");
                assert_eq!(r["inserted"], true);
            }
            None => {
                assert_eq!(after, original, "{choice:?}: nothing inserted");
                assert_eq!(r["inserted"], false);
            }
        }
    }
}

fn slow() -> Behavior {
    Behavior::slow_reply(
        &[
            "```bash\n",
            "find . ",
            "-name ",
            "'*.tmp' ",
            "-print",
            "\n```",
        ],
        Duration::from_millis(50),
        Duration::from_millis(300),
    )
}

#[test]
fn cancel_from_the_progress_ui_mid_stream_edits_nothing_and_closes_the_stream() {
    let w = World::new(slow());
    let mut c = w.client();
    let uri = "file:///w/t.sh";
    let original = "#!/bin/bash\n# find temp files\n";
    c.open(uri, "shellscript", original);
    let list = actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
    let mut params = find(&list, "Generate").clone()["command"].clone();
    params["workDoneToken"] = json!("tok-1");
    let id = c.send_request("workspace/executeCommand", params);
    // Mid-stream: a token has been reported.
    c.wait_notification("$/progress", |p| {
        p["token"] == "tok-1"
            && p["value"]["kind"] == "report"
            && p["value"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("token"))
    });
    c.notify("window/workDoneProgress/cancel", json!({"token": "tok-1"}));
    let err = c.wait_response(id).expect_err("cancelled");
    assert_eq!(err["code"], -32800, "{err}");
    assert_eq!(c.text(uri), original);
    assert!(c.server_requests("workspace/applyEdit").is_empty());
    let closed =
        w.rt.block_on(w.stub.wait_closed_early(1, Duration::from_secs(3)));
    assert!(closed, "the backend stream was closed at once");
}

#[test]
fn cancel_request_mid_stream_is_request_cancelled() {
    let w = World::new(slow());
    let mut c = w.client();
    let uri = "file:///w/t.sh";
    c.open(uri, "shellscript", "#!/bin/bash\n# find temp files\n");
    let list = actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
    let id = c.send_request(
        "workspace/executeCommand",
        find(&list, "Generate")["command"].clone(),
    );
    // Mid-stream: a token has been reported (the route is reported before the stream).
    c.wait_notification("$/progress", |p| {
        p["value"]["kind"] == "report"
            && p["value"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("token"))
    });
    c.notify("$/cancelRequest", json!({"id": id}));
    let err = c.wait_response(id).expect_err("cancelled");
    assert_eq!(err["code"], -32800, "{err}");
    assert!(c.server_requests("workspace/applyEdit").is_empty());
    assert!(w
        .rt
        .block_on(w.stub.wait_closed_early(1, Duration::from_secs(3))));
    // The editor's progress UI is closed too.
    c.wait_notification("$/progress", |p| p["value"]["kind"] == "end");
}

#[test]
fn edit_raced_by_a_user_change_follows_its_anchor_or_is_refused() {
    let w = World::new(slow());
    let mut c = w.client();
    let uri = "file:///w/r.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# find temp files\necho end\n",
    );
    let list = actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
    let id = c.send_request(
        "workspace/executeCommand",
        find(&list, "Generate")["command"].clone(),
    );
    c.wait_notification("$/progress", |p| p["value"]["kind"] == "report");
    // The user types two lines above the request while the model answers.
    c.change(uri, [(1, 0), (1, 0)], "set -e\nset -u\n");
    let r = c.wait_response(id).expect("inserted");
    assert_eq!(r["inserted"], true);
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\nset -e\nset -u\n# find temp files\nfind . -name '*.tmp' -print\necho end\n"
    );

    // Now the request line itself is rewritten during the answer: refused, told.
    let mut c = w.client();
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# find temp files\necho end\n",
    );
    let list = actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
    let id = c.send_request(
        "workspace/executeCommand",
        find(&list, "Generate")["command"].clone(),
    );
    c.wait_notification("$/progress", |p| p["value"]["kind"] == "report");
    c.change(uri, [(1, 0), (1, 17)], "# something else");
    let err = c.wait_response(id).expect_err("refused");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nothing was inserted"),
        "{err}"
    );
    assert_eq!(c.text(uri), "#!/bin/bash\n# something else\necho end\n");
    let shown = c.wait_notification("window/showMessage", |m| m["type"] == 1);
    assert!(
        shown["message"].as_str().unwrap().contains("changed"),
        "{shown}"
    );
}

#[test]
fn explain_opens_a_markdown_document_and_returns_it() {
    let long = "This pipeline counts ERROR lines per log file.\n\n1. `find` lists the files.\n2. `xargs grep -c` counts.\n3. `sort -t: -k2 -n` sorts by count.\n\nFiles with no errors show 0.";
    let w = World::new(Behavior::reply(&[long]));
    let cache = tempfile::tempdir().unwrap();
    let mut c = w.client_with(
        w.options(),
        vec![("XDG_CACHE_HOME".into(), cache.path().display().to_string())],
    );
    let uri = "file:///w/count.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\nfind /var/log -name '*.log' | xargs grep -c ERROR | sort -t: -k2 -n\n",
    );
    let list = actions(&mut c, uri, [(1, 0), (1, 70)], json!([]));
    let r = run(&mut c, find(&list, "Explain selection")).expect("explained");
    assert_eq!(r["shown_as"], "document", "{r}");
    let shown = c.server_requests("window/showDocument");
    assert_eq!(shown.len(), 1);
    let path = r["path"].as_str().unwrap();
    assert!(shown[0]["uri"].as_str().unwrap().ends_with(".md"));
    let md = std::fs::read_to_string(path).unwrap();
    assert!(md.contains("counts ERROR lines per log file"), "{md}");
    assert!(
        md.contains(CODE) || md.contains(FAST),
        "footer names the model: {md}"
    );
    assert_eq!(r["markdown"].as_str().unwrap(), md);
    // The selection went to the model.
    let sent = w.stub.chat_requests().pop().unwrap();
    assert!(sent["messages"].to_string().contains("xargs grep -c ERROR"));
}

#[test]
fn fix_error_applies_a_minimal_edit_for_a_client_diagnostic() {
    let w = World::new(Behavior::reply(&[
        "The variable must be quoted:\n\n```bash\ncp \"$src\" \"$dest\"\n```",
    ]));
    let mut c = w.client();
    let uri = "file:///w/copy.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\nsrc=$1\ndest=$2\ncp $src $dest\necho ok\n",
    );
    let diag = json!([{"range": {"start": {"line": 3, "character": 3}, "end": {"line": 3, "character": 7}}, "severity": 2, "code": "SC2086", "source": "shellcheck", "message": "Double quote to prevent globbing and word splitting."}]);
    let list = actions(&mut c, uri, [(3, 3), (3, 3)], diag);
    let r = run(&mut c, find(&list, "Fix with superhelfer")).expect("fixed");
    assert_eq!(r["applied"], true, "{r}");
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\nsrc=$1\ndest=$2\ncp \"$src\" \"$dest\"\necho ok\n"
    );
    let edits = c.server_requests("workspace/applyEdit");
    let e = &edits[0]["edit"]["documentChanges"][0]["edits"];
    assert_eq!(e.as_array().unwrap().len(), 1);
    assert_eq!(
        e[0]["range"]["start"]["line"], 3,
        "only the affected line: {e}"
    );
    assert_eq!(e[0]["range"]["end"]["line"], 3, "{e}");
}

#[test]
fn backend_down_is_told_to_the_user_and_nothing_changes() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let w = World::new(Behavior::reply(&["x"]));
    let mut opts = w.options();
    opts["backends"]["ollama"]["url"] = json!(format!("http://127.0.0.1:{port}"));
    let mut c = w.client_with(opts, vec![]);
    let uri = "file:///w/d.sh";
    c.open(uri, "shellscript", "#!/bin/bash\n# show disk usage\n");
    let list = actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
    let err = run(&mut c, find(&list, "Generate")).expect_err("down");
    assert!(
        err["message"].as_str().unwrap().contains("ollama serve"),
        "{err}"
    );
    let shown = c.wait_notification("window/showMessage", |m| m["type"] == 1);
    assert!(shown["message"]
        .as_str()
        .unwrap()
        .contains(&port.to_string()));
    assert_eq!(c.text(uri), "#!/bin/bash\n# show disk usage\n");
    // Said once: one error message, the hint in it once, and nothing else on screen repeats
    // it (the progress ends without the error's text; no "trying the fast tier" for a
    // backend the fast tier shares).
    c.settle(Duration::from_millis(300));
    let messages = c.notifications("window/showMessage");
    let errors: Vec<&Value> = messages.iter().filter(|m| m["type"] == 1).collect();
    assert_eq!(errors.len(), 1, "{messages:#?}");
    let error = errors[0]["message"].as_str().unwrap();
    assert_eq!(error.matches("ollama serve").count(), 1, "{error}");
    let progress = c.notifications("$/progress");
    let shown: Vec<String> = messages
        .iter()
        .filter_map(|m| m["message"].as_str())
        .chain(
            progress
                .iter()
                .filter_map(|p| p["value"]["message"].as_str()),
        )
        .map(str::to_string)
        .collect();
    let hints = shown
        .iter()
        .map(|m| m.matches("ollama serve").count())
        .sum::<usize>();
    assert_eq!(hints, 1, "{shown:#?}");
    let ends: Vec<&Value> = progress
        .iter()
        .filter(|p| p["value"]["kind"] == "end")
        .collect();
    assert_eq!(ends.len(), 1, "{progress:#?}");
}

#[test]
fn bad_command_arguments_are_clear_errors() {
    let w = World::new(Behavior::reply(&["x"]));
    let mut c = w.client();
    let err = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.explain", "arguments": []}),
        )
        .expect_err("missing");
    assert_eq!(err["code"], -32602);
    let err = c.request("workspace/executeCommand", json!({"command": "superhelfer.explain", "arguments": [{"uri": "file:///nope", "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 0}}}]})).expect_err("not open");
    assert!(
        err["message"].as_str().unwrap().contains("not open"),
        "{err}"
    );
    let err = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.bogus"}),
        )
        .expect_err("unknown");
    assert!(err["message"].as_str().unwrap().contains("unknown command"));
}

#[test]
fn status_command_reports_router_backends_tiers_and_counters() {
    let w = World::new(Behavior::reply(&["```bash\nls\n```"]));
    let mut c = w.client();
    let r = c
        .request(
            "workspace/executeCommand",
            json!({"command": "superhelfer.status"}),
        )
        .expect("status");
    assert_eq!(r["backends"][0]["reachable"], true);
    assert_eq!(r["router"]["enabled"], true);
    assert!(r["text"].as_str().unwrap().contains("tiers:"));
    // shellcheck's version where it is installed, null where not.
    assert_eq!(
        r["shellcheck"].is_string(),
        which("shellcheck").is_some(),
        "{}",
        r["shellcheck"]
    );
}

#[test]
fn shellcheck_diagnostics_are_published_and_fixed() {
    if which("shellcheck").is_none() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI installs shellcheck"
        );
        support::skip::skip("shellcheck not installed");
        return;
    }
    let w = World::new(Behavior::reply(&["```bash\necho \"Hallo, $1 👋\"\n```"]));
    let mut opts = w.options();
    opts["actions"]["shellcheck"] = json!(true);
    let mut c = w.client_with(opts, vec![("SUPERHELFER_LOG".into(), "debug".into())]);
    let uri = "file:///w/greet.sh";
    c.open(
        uri,
        "shellscript",
        "#!/bin/bash\n# grüßt 😀\necho Hallo, $1 👋\n",
    );
    let published = c.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    let diags = published["diagnostics"].clone();
    let sc2086 = diags
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SC2086")
        .unwrap_or_else(|| panic!("SC2086 in {diags}"));
    assert_eq!(sc2086["source"], "shellcheck");
    assert_eq!(sc2086["range"]["start"]["line"], 2);
    // UTF-16 columns: `$1` follows "echo Hallo, " (12 units).
    assert_eq!(sc2086["range"]["start"]["character"], 12);
    // A block cursor elsewhere on the flagged line comes with no diagnostics (Helix): the
    // server's own still offer Fix, and one character is not offered for explaining.
    let bare = actions(&mut c, uri, [(2, 0), (2, 1)], json!([]));
    let bare_titles: Vec<&str> = bare.iter().filter_map(|a| a["title"].as_str()).collect();
    assert!(
        bare_titles
            .iter()
            .any(|t| t.starts_with("Fix with superhelfer")),
        "{bare_titles:?}"
    );
    assert!(
        !bare_titles.iter().any(|t| t.starts_with("Explain")),
        "{bare_titles:?}"
    );
    // The editor passes the server's own diagnostics back with the code action request.
    let list = actions(&mut c, uri, [(2, 12), (2, 12)], json!([sc2086]));
    let r = run(&mut c, find(&list, "Fix with superhelfer")).expect("fixed");
    assert_eq!(r["applied"], true);
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\n# grüßt 😀\necho \"Hallo, $1 👋\"\n"
    );
    // Saving re-checks: the warning is gone.
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    let again = c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && !p["diagnostics"].to_string().contains("SC2086")
    });
    assert!(
        again["diagnostics"].as_array().unwrap().is_empty(),
        "{again}"
    );
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

#[test]
fn actions_against_the_real_llama_cpp_server() {
    let Some(server) = support::llama::LlamaServer::start() else {
        return;
    };
    let model = support::llama::LLAMA_MODEL;
    let mut c = LspClient::spawn(Spawn::default());
    // One CPU thread serves the real model, beside the other tests, and it may ramble to the
    // end of its context (2,048 tokens, over a minute on two cores): give it time.
    c.wait = Duration::from_secs(150);
    c.initialize(
        json!({
            "backends": {"local": {"kind": "openai", "url": server.url()}},
            "vram": {"enabled": false},
            "actions": {"shellcheck": false},
            "tiers": {
                "fast": {"model": model, "backend": "local"},
                "code": {"model": model, "backend": "local", "timeout_s": 140, "first_token_timeout_s": 60},
                "heavy": {"model": model, "backend": "local"}
            }
        }),
        default_capabilities(),
    );
    let uri = "file:///w/real.sh";
    let original = "#!/bin/bash\n# list all files in the current directory\n";
    c.open(uri, "shellscript", original);
    let list = actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
    // A 135M model's answer is poor: either a command is inserted right after the
    // request, or the user is told that none could be found; never a silent no-op.
    match run(&mut c, find(&list, "Generate shell command")) {
        Ok(r) => {
            assert_eq!(r["inserted"], r["risk"]["level"] != "danger");
            if r["inserted"] == true {
                let after = c.text(uri);
                assert!(after.starts_with(original), "{after}");
                assert!(after.len() > original.len());
            }
            assert_eq!(r["outcome"]["model_used"], model);
        }
        Err(e) => {
            assert!(
                e["message"]
                    .as_str()
                    .unwrap()
                    .contains("nothing was inserted"),
                "{e}"
            );
            assert_eq!(c.text(uri), original);
        }
    }
    let list = actions(&mut c, uri, [(1, 0), (1, 20)], json!([]));
    let r = run(&mut c, find(&list, "Explain selection")).expect("an explanation");
    assert!(!r["answer"].as_str().unwrap().trim().is_empty());
    assert!(r["markdown"].as_str().unwrap().contains(model));
}

#[test]
fn generate_finds_its_line_again_when_lines_were_added_above_after_listing() {
    let w = World::new(Behavior::reply(&["```bash\nls -la\n```"]));
    let mut c = w.client();
    let uri = "file:///w/moved.sh";
    c.open(uri, "shellscript", "#!/bin/bash\r\n# list all files\r\n");
    let list = actions(&mut c, uri, [(1, 0), (1, 0)], json!([]));
    c.change(uri, [(1, 0), (1, 0)], "set -e\r\n");
    let r = run(&mut c, find(&list, "Generate")).expect("inserted");
    assert_eq!(r["inserted"], true);
    // After the moved request line, with the file's CRLF line breaks.
    assert_eq!(
        c.text(uri),
        "#!/bin/bash\r\nset -e\r\n# list all files\r\nls -la\r\n"
    );
}

#[test]
fn fix_listed_for_an_older_version_is_refused() {
    let w = World::new(Behavior::reply(&["```bash\necho \"$1\"\n```"]));
    let mut c = w.client();
    let uri = "file:///w/old.sh";
    c.open(uri, "shellscript", "#!/bin/bash\necho $1\n");
    let diag = json!([{"range": {"start": {"line": 1, "character": 5}, "end": {"line": 1, "character": 7}}, "severity": 2, "code": "SC2086", "message": "Double quote to prevent globbing and word splitting."}]);
    let list = actions(&mut c, uri, [(1, 5), (1, 5)], diag);
    c.change(uri, [(0, 0), (0, 0)], "# header\n");
    let err = run(&mut c, find(&list, "Fix with superhelfer")).expect_err("stale");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("changed since the action was listed"),
        "{err}"
    );
    assert_eq!(c.text(uri), "# header\n#!/bin/bash\necho $1\n");
}

#[test]
fn closing_a_script_clears_its_shellcheck_diagnostics() {
    if which("shellcheck").is_none() {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "CI installs shellcheck"
        );
        support::skip::skip("shellcheck not installed");
        return;
    }
    let w = World::new(Behavior::reply(&["x"]));
    let mut opts = w.options();
    opts["actions"]["shellcheck"] = json!(true);
    let mut c = w.client_with(opts, vec![]);
    let uri = "file:///w/close.sh";
    c.open(uri, "shellscript", "#!/bin/bash\necho $1\n");
    c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && !p["diagnostics"].as_array().unwrap().is_empty()
    });
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    c.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && p["diagnostics"].as_array().unwrap().is_empty()
    });
}

#[test]
fn invalid_ollama_host_is_shown_and_the_server_still_answers() {
    let mut c = LspClient::spawn(Spawn {
        env: vec![("OLLAMA_HOST".into(), "localhost:99999".into())],
        ..Default::default()
    });
    c.initialize(Value::Null, default_capabilities());
    let msg = c.wait_notification("window/showMessage", |_| true);
    let text = msg["message"].as_str().unwrap();
    assert!(
        text.contains("OLLAMA_HOST") && text.contains("localhost:99999"),
        "{text}"
    );
}
