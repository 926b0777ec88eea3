//! Code that lists a directory and deletes what it finds, in any language:
//! `[shutil.rmtree(p) for p in Path('/home').iterdir()]`, `for f in
//! os.listdir('/etc'): os.remove(…)`, perl's `unlink glob "/etc/*"`, ruby's
//! `Dir["/srv/*"].each { … }`, lua's `io.popen("ls /etc")` walked. A delete
//! whose argument comes from the listing deletes every entry of the listed
//! directory: judged as `rm -f DIR/*` (files) or `rm -rf DIR/*` (trees).

use crate::risk::prelude::*;

/// Calls that delete one file (or what a glob matches), by language.
const FILE_DELETES: &[&str] = &[
    "unlink",
    "unlinkSync",
    "os.remove",
    "os.unlink",
    "File.delete",
    "FileUtils.rm",
    "FileUtils.rm_f",
    "Files.delete",
    "file.remove",
    "delete-file",
    "os.Remove",
    "fs.rmSync",
    "Deno.remove",
    "Deno.removeSync",
    "Remove-Item",
    "File.rm",
    "remove_file",
    "rm",
];

/// Calls that list a directory, whose names a delete in the same code may
/// take: the listing stands for every file in it.
const LISTINGS: &[&str] = &[
    "glob",
    "glob.glob",
    "iglob",
    "Dir.glob",
    "Dir.entries",
    "Dir.children",
    "Dir.each_child",
    "listdir",
    "scandir",
    "iterdir",
    "readdirSync",
    "readdir",
    "list.files",
    "dir",
    "directory-files",
    "opendir",
    "walk",
    "walkdir",
    "ls",
    "File.ls",
    "File.ls!",
    "finddepth",
    "DirectoryIterator",
    "RecursiveDirectoryIterator",
    "FilesystemIterator",
];

/// Methods that list the directory their receiver names:
/// `Path("/home").iterdir()`, `Path("/etc").glob("*")`, `File("/x").listFiles()`.
const RECEIVER_LISTINGS: &[&str] = &[
    ".iterdir(",
    ".glob(",
    ".rglob(",
    ".listFiles(",
    ".children(",
    ".each_child(",
    ".entries(",
];

/// Every directory the code lists, as a glob of what the listing yields
/// (`/etc/*`, `/var/log/*.log`).
pub(crate) fn listed_globs(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let as_glob = |p: &str| {
        if p.contains(['*', '?']) {
            p.to_string()
        } else {
            format!("{}/*", p.trim_end_matches('/'))
        }
    };
    // perl's File::Find: `find(sub { … }, "/etc")`.
    let perl_find = code.contains("File::Find").then(|| calls(code, &["find"]));
    for list in calls(code, LISTINGS)
        .into_iter()
        .chain(perl_find.into_iter().flatten())
    {
        let args = resolve_identifier(code, &list.args);
        out.extend(string_literals(&args).iter().map(|p| as_glob(p)));
    }
    for m in RECEIVER_LISTINGS {
        let mut from = 0;
        while let Some(at) = code[from..].find(m).map(|i| i + from) {
            from = at + m.len();
            let receiver = &code[literal_start(code, chain_start(&code[..at]))..at];
            let Some(dir) = string_literals(receiver).into_iter().next() else {
                continue;
            };
            let pattern = string_literals(&code[from..]).into_iter().next();
            let pattern = pattern.filter(|p| !p.starts_with('/') && p.contains(['*', '?']));
            out.push(match pattern {
                Some(p) => format!("{}/{p}", dir.trim_end_matches('/')),
                None => as_glob(&dir),
            });
        }
    }
    // ruby's `Dir["/srv/*"]`.
    let mut from = 0;
    while let Some(at) = code[from..].find("Dir[").map(|i| i + from) {
        from = at + 4;
        let inner = code[from..].split(']').next().unwrap_or("");
        out.extend(string_literals(inner).iter().map(|p| as_glob(p)));
    }
    // `io.popen("ls /etc")`, `` `ls /srv` ``: a shell listing run by the code.
    for s in interpreter_shell_strings(code) {
        if let Some(c) = first_cmd(&s) {
            let listing = unwrap_cmd(&c.words).filter(|e| matches!(e.name.as_str(), "ls" | "find"));
            if let Some(dir) =
                listing.and_then(|e| positionals(e.args).first().map(|w| w.text.clone()))
            {
                out.push(as_glob(&dir));
            }
        }
    }
    out.retain(|g| g.starts_with(['/', '~', '$']));
    out
}

/// Where a receiver chain starts when a string literal opens it
/// (`"$HOME".iterdir()`, which `Path.home().iterdir()` reads as).
fn literal_start(code: &str, start: usize) -> usize {
    let before = &code[..start];
    match before.chars().next_back() {
        Some(q @ ('"' | '\'')) => before[..before.len() - 1].rfind(q).unwrap_or(start),
        _ => start,
    }
}

/// Whether `name` occurs in `code` as a word outside string literals
/// (perl's `unlink for glob …`, `map { unlink } …`, a callback).
fn mentions(code: &str, name: &str) -> bool {
    let outside = outside_literals(code);
    let mut from = 0;
    while let Some(at) = outside[from..].find(name).map(|i| i + from) {
        from = at + name.len();
        let ok_before = outside[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        let ok_after = outside[from..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'));
        if ok_before && ok_after {
            return true;
        }
    }
    false
}

/// Deletes of named files: a system or data directory's files by glob or
/// listing, a critical system file, SSH keys. `unlink glob "/etc/*"`,
/// `for f in os.listdir('/etc'): os.remove(...)`, `File.delete(*Dir.glob(...))`.
pub(crate) fn file_deletes(name: &str, code: &str, depth: usize, acc: &mut Acc) {
    if !FILE_DELETES.iter().any(|d| code.contains(d)) {
        return;
    }
    let deletes = calls(code, FILE_DELETES);
    // `array_map("unlink", glob(…))`, `.forEach(fs.unlinkSync)`, perl's
    // bare `unlink`: the delete passed as a callback or on `$_`.
    let bare = FILE_DELETES.iter().filter(|d| **d != "rm").any(|d| {
        code.contains(&format!("\"{d}\"")) || code.contains(&format!("'{d}'")) || mentions(code, d)
    }) || code.contains("(rm,");
    if deletes.is_empty() && !bare {
        return;
    }
    // R's unlink(x, recursive=TRUE), julia's rm(x; recursive=true),
    // PowerShell's -Recurse: a tree.
    for call in &deletes {
        if call.args.contains("recursive") || call.args.contains("-Recurse") {
            judge_tree_delete(name, &call.args, acc);
            listed_trees(code, &call.args, depth, acc);
        }
    }
    let mut paths: Vec<String> = deletes
        .iter()
        .flat_map(|c| string_literals(&c.args))
        .collect();
    // perl's file glob `<~/.ssh/id_*>`.
    paths.extend(deletes.iter().filter_map(|c| {
        let a = c.args.trim().strip_prefix('<')?;
        a.split_once('>').map(|(g, _)| g.to_string())
    }));
    let listed = listed_globs(code);
    let walked = !listed.is_empty();
    paths.extend(listed);
    // `os.remove("/etc/" + f)` over a listing: the directory's every file.
    paths.extend(
        deletes
            .iter()
            .map(|c| concat_literals(&c.args))
            .filter(|p| walked && p.starts_with('/') && p.ends_with(FANOUT)),
    );
    for p in paths {
        let w = Word {
            glob: p.contains(['*', '?']),
            text: p.clone(),
            ..Word::default()
        };
        if is_critical_file(&p) {
            acc.danger(format!("{name} code deletes the critical system file {p}"));
        } else if is_access_key(&p) {
            acc.danger(format!("{name} code {}", access_loss("deletes", &p)));
        } else if let Some(why) = glob_delete_danger(&w) {
            acc.danger(format!("{name} code {why}"));
        }
    }
    acc.caution(format!("{name} code deletes files"));
}

/// A tree delete whose argument is not a literal path (`rmtree(p)`,
/// `FileUtils.rm_rf(File.join("/home", d))`) in code that lists a
/// directory: every entry of it, judged as `rm -rf DIR/*`.
pub(crate) fn listed_trees(code: &str, args: &str, depth: usize, acc: &mut Acc) {
    let literal_path = string_literals(args)
        .iter()
        .any(|l| l.starts_with(['/', '~', '$']) && !l.ends_with('/'));
    if literal_path {
        return;
    }
    for g in listed_globs(code) {
        let w = Word {
            text: g,
            glob: true,
            ..Word::default()
        };
        assess_script(&format!("rm -rf -- {}", quote_words(&[w])), depth + 1, acc);
    }
}

/// A function of the code that deletes and calls itself (`function
/// rr($d){ … rr($f) … unlink($f); rmdir($d); }`, `def wipe(p): …`) is a
/// recursive delete: each path literal it is called with is judged as
/// `rm -rf PATH`.
pub(crate) fn recursive_deleters(code: &str, depth: usize, acc: &mut Acc) {
    const DEFS: &[&str] = &["function ", "def ", "sub ", "local function ", "fn "];
    const DELETES: &[&str] = &[
        "unlink",
        "rmdir",
        "remove(",
        "delete(",
        "rm(",
        "rmSync",
        "File.delete",
    ];
    if !DELETES.iter().any(|d| code.contains(d)) {
        return;
    }
    for def in DEFS {
        let mut from = 0;
        while let Some(at) = code[from..].find(def).map(|i| i + from) {
            from = at + def.len();
            let name: String = code[from..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() || code.matches(&format!("{name}(")).count() < 3 {
                continue;
            }
            for call in calls(code, &[name.as_str()]) {
                for p in string_literals(&call.args)
                    .iter()
                    .filter(|p| p.starts_with(['/', '~', '$']))
                {
                    let w = Word {
                        glob: p.contains(['*', '?']),
                        quoted: true,
                        text: p.clone(),
                        ..Word::default()
                    };
                    assess_script(&format!("rm -rf -- {}", quote_words(&[w])), depth + 1, acc);
                }
            }
        }
    }
}

/// Methods that delete the path their receiver names, judged as `rm`:
/// `new File("/srv").deleteDir()` (groovy), `File("/x").deleteRecursively()`
/// (kotlin), `Path("/etc/passwd").unlink()`, `new File(p).delete()`.
pub(crate) fn receiver_deletes(code: &str, depth: usize, acc: &mut Acc) {
    const METHODS: &[(&str, bool)] = &[
        (".deleteDir()", true),
        (".deleteRecursively()", true),
        (".rmtree()", true),
        (".rmtree(", true),
        (".unlink()", false),
        (".delete()", false),
        (".unlink(missing_ok", false),
    ];
    for (m, tree) in METHODS {
        let mut from = 0;
        while let Some(at) = code[from..].find(m).map(|i| i + from) {
            from = at + m.len();
            let receiver = &code[chain_start(&code[..at])..at];
            let path = string_literals(receiver)
                .into_iter()
                .find(|l| l.starts_with(['/', '~', '$']));
            if let Some(p) = path {
                let w = Word {
                    glob: p.contains(['*', '?']),
                    quoted: true,
                    text: p,
                    ..Word::default()
                };
                let rm = if *tree { "rm -rf --" } else { "rm -f --" };
                assess_script(&format!("{rm} {}", quote_words(&[w])), depth + 1, acc);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// Listings walked by a delete, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            (
                r#"python3 -c 'import shutil; from pathlib import Path; [shutil.rmtree(p) for p in Path("/home").iterdir()]'"#,
                Danger,
            ),
            (
                r#"python3 -c 'import glob, shutil; [shutil.rmtree(d) for d in glob.glob("/home/*")]'"#,
                Danger,
            ),
            (r#"perl -e 'unlink for glob "/var/lib/mysql/*"'"#, Danger),
            (
                r#"perl -e 'opendir(D, "/etc"); unlink map { "/etc/$_" } readdir D'"#,
                Danger,
            ),
            (
                r#"ruby -e 'Dir["/etc/*"].each { |f| File.unlink(f) }'"#,
                Danger,
            ),
            (
                r#"lua -e 'for f in io.popen("ls /etc"):lines() do os.remove("/etc/"..f) end'"#,
                Danger,
            ),
            (
                r#"php -r '$d="/var/lib/mysql"; foreach (scandir($d) as $f) { unlink("$d/$f"); }'"#,
                Danger,
            ),
            (
                r#"julia -e 'foreach(rm, readdir("/etc"; join=true))'"#,
                Danger,
            ),
            (r#"groovy -e 'new File("/srv/data").deleteDir()'"#, Danger),
            (
                r#"php -r 'function rr($d){foreach(glob("$d/*") as $f){is_dir($f)?rr($f):unlink($f);} rmdir($d);} rr("/var/www");'"#,
                Danger,
            ),
            (
                r#"node -e 'const fs=require("fs"); for (const f of fs.readdirSync(".")) if (f.endsWith(".log")) fs.unlinkSync(f)'"#,
                Caution,
            ),
            (
                r#"perl -MFile::Find -e 'finddepth(sub { unlink $_ or rmdir $_ }, "/etc")'"#,
                Danger,
            ),
            (
                r#"perl -MFile::Find -e 'find(sub { print "$File::Find::name
" }, "/etc")'"#,
                Safe,
            ),
            // Listings that are only read, and deletes inside the project.
            (r#"perl -e 'print for glob "/etc/*"'"#, Safe),
            (
                r#"python3 -c 'import shutil, glob; [print(d) for d in glob.glob("/home/*")]'"#,
                Safe,
            ),
            (r#"ruby -e 'Dir.each_child("/srv") { |c| puts c }'"#, Safe),
            (r#"julia -e 'foreach(println, readdir("/home"))'"#, Safe),
            (
                r#"python3 -c 'import glob,os; [os.remove(f) for f in glob.glob("build/*.o")]'"#,
                Caution,
            ),
            (r#"perl -e 'unlink glob "*.tmp"'"#, Caution),
        ]);
    }
}
