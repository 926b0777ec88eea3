//! Shell dialects: one table of names and aliases, one shebang parser, and the rule that
//! picks a document's dialect. Editors disagree about language ids (Neovim says `sh` for
//! a `#!/bin/bash` script, Helix says `bash` for `#!/bin/sh`), so what the document says
//! about itself — a `# shellcheck shell=` directive or its shebang — wins over the id.

/// The kind of file a command goes into; decides comment syntax, how several steps are
/// joined and how the prompt names the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// GNU Bash.
    Bash,
    /// POSIX sh (dash, busybox).
    Sh,
    /// Zsh.
    Zsh,
    /// fish 3.x (supports `&&`).
    Fish,
    /// A Dockerfile: the answer becomes one `RUN` instruction.
    Dockerfile,
    /// A Makefile: the answer becomes tab-indented recipe lines.
    Makefile,
    /// PowerShell 7.
    PowerShell,
}

impl Dialect {
    /// Lower-case name, as used in code-fence tags and serialisation.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Bash => "bash",
            Dialect::Sh => "sh",
            Dialect::Zsh => "zsh",
            Dialect::Fish => "fish",
            Dialect::Dockerfile => "dockerfile",
            Dialect::Makefile => "makefile",
            Dialect::PowerShell => "powershell",
        }
    }

    /// A file kind rather than a shell: the editor's language id for it is believed
    /// over the text (a Dockerfile has no shebang of its own).
    fn is_file_kind(self) -> bool {
        matches!(self, Dialect::Dockerfile | Dialect::Makefile)
    }
}

impl std::fmt::Display for Dialect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One name a dialect goes by: an interpreter, a language id, a fence tag or a `--shell`
/// value, and shellcheck's `--shell` for it where shellcheck checks that shell.
struct Name {
    name: &'static str,
    dialect: Dialect,
    shellcheck: Option<&'static str>,
}

const fn n(name: &'static str, dialect: Dialect, shellcheck: Option<&'static str>) -> Name {
    Name {
        name,
        dialect,
        shellcheck,
    }
}

/// Every name, lower case. The generic shell names (VS Code's `shellscript`, fence tags
/// `shell`, `console`) mean bash, what editors assume for a script without a shebang.
const NAMES: &[Name] = &[
    n("bash", Dialect::Bash, Some("bash")),
    n("bats", Dialect::Bash, Some("bash")),
    n("shellscript", Dialect::Bash, None),
    n("shell", Dialect::Bash, None),
    n("console", Dialect::Bash, None),
    n("shellsession", Dialect::Bash, None),
    n("shell-session", Dialect::Bash, None),
    n("sh", Dialect::Sh, Some("sh")),
    n("posix", Dialect::Sh, Some("sh")),
    n("ash", Dialect::Sh, Some("sh")),
    n("busybox", Dialect::Sh, Some("sh")),
    n("dash", Dialect::Sh, Some("dash")),
    n("ksh", Dialect::Sh, Some("ksh")),
    n("ksh88", Dialect::Sh, Some("ksh")),
    n("ksh93", Dialect::Sh, Some("ksh")),
    n("mksh", Dialect::Sh, Some("ksh")),
    n("pdksh", Dialect::Sh, Some("ksh")),
    n("oksh", Dialect::Sh, Some("ksh")),
    n("zsh", Dialect::Zsh, None),
    n("fish", Dialect::Fish, None),
    n("powershell", Dialect::PowerShell, None),
    n("pwsh", Dialect::PowerShell, None),
    n("ps1", Dialect::PowerShell, None),
    n("dockerfile", Dialect::Dockerfile, None),
    n("containerfile", Dialect::Dockerfile, None),
    n("docker", Dialect::Dockerfile, None),
    n("makefile", Dialect::Makefile, None),
    n("make", Dialect::Makefile, None),
];

fn lookup(name: &str) -> Option<&'static Name> {
    let name = name.trim();
    NAMES.iter().find(|n| n.name.eq_ignore_ascii_case(name))
}

/// The dialect a name stands for (`dash` → sh, `shellscript` → bash); `None` for a
/// name that is no shell (`python3`, `rust`).
pub fn from_name(name: &str) -> Option<Dialect> {
    lookup(name).map(|n| n.dialect)
}

/// Every name [`from_name`] knows, for help and error texts.
pub fn names() -> impl Iterator<Item = &'static str> {
    NAMES.iter().map(|n| n.name)
}

/// shellcheck's `--shell` value for an interpreter or dialect name; `None` for shells
/// it does not check (zsh, fish, PowerShell).
pub fn shellcheck_shell(name: &str) -> Option<&'static str> {
    lookup(name).and_then(|n| n.shellcheck)
}

/// How many leading lines may hold a `# shellcheck shell=` directive.
const DIRECTIVE_SCAN_LINES: usize = 50;

/// The interpreter a shebang line names: `#!/bin/bash -e` → `bash`,
/// `#!/usr/bin/env -S VAR=x python3 -u` → `python3`. A byte-order mark and blanks
/// before `#!` are allowed; `env`'s options and assignments are skipped.
pub fn shebang_interpreter(first_line: &str) -> Option<&str> {
    let rest = first_line
        .trim_start_matches('\u{feff}')
        .trim_start()
        .strip_prefix("#!")?;
    let mut words = rest.split_whitespace();
    let prog = words.next()?.rsplit('/').next()?;
    if prog != "env" {
        return (!prog.is_empty()).then_some(prog);
    }
    while let Some(w) = words.next() {
        match w {
            // Options that take the next word as their argument.
            "-u" | "--unset" | "-C" | "--chdir" => {
                words.next();
            }
            _ if w.starts_with('-') || w.contains('=') => {}
            _ => return Some(w.rsplit('/').next().unwrap_or(w)),
        }
    }
    None
}

/// The interpreter a script names for itself: a `# shellcheck shell=NAME` directive in
/// the leading comment block wins (as it does for shellcheck), else the shebang's.
/// `None` for a text with neither.
pub fn script_interpreter(text: &str) -> Option<String> {
    let text = text.trim_start_matches('\u{feff}');
    for line in text.lines().take(DIRECTIVE_SCAN_LINES) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let Some(comment) = t.strip_prefix('#') else {
            // The directive only counts before the first command.
            break;
        };
        let mut words = comment.split_whitespace();
        if words.next() != Some("shellcheck") {
            continue;
        }
        if let Some(shell) = words.find_map(|w| w.strip_prefix("shell=")) {
            if !shell.is_empty() {
                return Some(shell.to_string());
            }
        }
    }
    shebang_interpreter(text.lines().next().unwrap_or("")).map(str::to_string)
}

/// The dialect of a document: what the text says of itself (directive, shebang) wins
/// over the editor's language id, except for Dockerfiles and Makefiles, whose id names
/// the file kind. `None` when neither names a shell (the code action is then not
/// offered).
pub fn of_document(language_id: &str, text: &str) -> Option<Dialect> {
    let by_id = from_name(language_id);
    if by_id.is_some_and(Dialect::is_file_kind) {
        return by_id;
    }
    script_interpreter(text)
        .as_deref()
        .and_then(from_name)
        .or(by_id)
}

/// The dialect a Markdown fence's info string names: its first word, and an unlabelled
/// fence is a shell block (what READMEs mean by it).
pub fn of_fence_info(info: &str) -> Option<Dialect> {
    match info.split_whitespace().next() {
        None => Some(Dialect::Bash),
        Some(tag) => from_name(tag),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebangs_with_bom_env_options_and_assignments() {
        assert_eq!(shebang_interpreter("#!/bin/bash -e"), Some("bash"));
        assert_eq!(shebang_interpreter("\u{feff}#!/bin/sh"), Some("sh"));
        assert_eq!(shebang_interpreter("#! /usr/bin/zsh"), Some("zsh"));
        assert_eq!(
            shebang_interpreter("#!/usr/bin/env -S bash -e"),
            Some("bash")
        );
        assert_eq!(
            shebang_interpreter("#!/usr/bin/env LC_ALL=C bash"),
            Some("bash")
        );
        assert_eq!(
            shebang_interpreter("#!/usr/bin/env -u HOME -S VAR=x /usr/local/bin/fish"),
            Some("fish")
        );
        assert_eq!(
            shebang_interpreter("#!/usr/bin/env python3"),
            Some("python3")
        );
        assert_eq!(shebang_interpreter("#!/usr/bin/env"), None);
        assert_eq!(shebang_interpreter("# not a shebang"), None);
        assert_eq!(shebang_interpreter("#!"), None);
    }

    #[test]
    fn one_table_for_every_name() {
        assert_eq!(from_name("DASH"), Some(Dialect::Sh));
        assert_eq!(from_name("shellscript"), Some(Dialect::Bash));
        assert_eq!(from_name("pwsh"), Some(Dialect::PowerShell));
        assert_eq!(from_name("containerfile"), Some(Dialect::Dockerfile));
        assert_eq!(from_name("python3"), None);
        assert_eq!(shellcheck_shell("mksh"), Some("ksh"));
        assert_eq!(shellcheck_shell("dash"), Some("dash"));
        assert_eq!(shellcheck_shell("zsh"), None);
        assert!(names().any(|n| n == "makefile"));
    }

    #[test]
    fn the_document_wins_over_the_language_id() {
        // Neovim reports `sh` for a bash script, Helix `bash` for a POSIX one.
        assert_eq!(of_document("sh", "#!/bin/bash\necho"), Some(Dialect::Bash));
        assert_eq!(of_document("bash", "#!/bin/sh\necho"), Some(Dialect::Sh));
        assert_eq!(
            of_document("shellscript", "#!/usr/bin/env zsh"),
            Some(Dialect::Zsh)
        );
        assert_eq!(
            of_document("bash", "# shellcheck shell=dash\necho"),
            Some(Dialect::Sh)
        );
        assert_eq!(of_document("sh", "echo hi"), Some(Dialect::Sh));
        assert_eq!(of_document("shellscript", ""), Some(Dialect::Bash));
        assert_eq!(of_document("plaintext", "#!/bin/bash"), Some(Dialect::Bash));
        // A shebang naming no shell leaves the id in charge.
        assert_eq!(
            of_document("bash", "#!/usr/bin/env python3"),
            Some(Dialect::Bash)
        );
        assert_eq!(of_document("rust", "fn main() {}"), None);
        assert_eq!(of_document("python", "#!/usr/bin/env python3"), None);
        // A Dockerfile is a Dockerfile whatever its comments say.
        assert_eq!(
            of_document("dockerfile", "# shellcheck shell=bash\nFROM x"),
            Some(Dialect::Dockerfile)
        );
    }

    #[test]
    fn directive_before_the_first_command_only() {
        assert_eq!(
            script_interpreter(
                "#!/bin/sh\n# comment\n# shellcheck shell=dash disable=SC2086\necho"
            ),
            Some("dash".into())
        );
        assert_eq!(
            script_interpreter("echo hi\n# shellcheck shell=ksh\n"),
            None
        );
        assert_eq!(script_interpreter(""), None);
    }

    #[test]
    fn fence_info_strings() {
        assert_eq!(of_fence_info(""), Some(Dialect::Bash));
        assert_eq!(of_fence_info("console title=x"), Some(Dialect::Bash));
        assert_eq!(of_fence_info("sh"), Some(Dialect::Sh));
        assert_eq!(of_fence_info("docker"), Some(Dialect::Dockerfile));
        assert_eq!(of_fence_info("python"), None);
    }
}
