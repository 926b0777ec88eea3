//! Line-level shape of a query: code, log, trace and prose lines, services, list items.

/// Line-level shape of the input.
#[derive(Debug, Default)]
pub(super) struct Lines {
    pub(super) nonempty: usize,
    pub(super) code: usize,
    pub(super) log: usize,
    pub(super) trace: usize,
    pub(super) prose: usize,
    /// Distinct `[service]`-style tags and bracketed/prefixed sources in log lines.
    pub(super) services: usize,
    /// Lines that start a list item (`- `, `* `, `1.`), a sign of multi-part requests.
    pub(super) list_items: usize,
    /// Tokens are not known per line; bytes of code/log lines approximate the share.
    pub(super) material_bytes: usize,
    pub(super) total_bytes: usize,
}

pub(super) fn scan_lines(text: &str) -> Lines {
    let mut l = Lines {
        total_bytes: text.len(),
        ..Lines::default()
    };
    let mut services: Vec<&str> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        l.nonempty += 1;
        if line.starts_with("- ")
            || line.starts_with("* ")
            || line.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && (line.contains(". ") || line.contains(") "))
                && line.len() < 200
        {
            l.list_items += 1;
        }
        if is_trace_line(line) {
            l.trace += 1;
            l.material_bytes += raw.len();
        } else if let Some(service) = log_line_source(line) {
            l.log += 1;
            l.material_bytes += raw.len();
            if !service.is_empty() && services.len() < 32 && !services.contains(&service) {
                services.push(service);
            }
        } else if is_code_line(raw, line) {
            l.code += 1;
            l.material_bytes += raw.len();
        } else if line.split_whitespace().count() >= 6 {
            l.prose += 1;
        }
    }
    l.services = services.len();
    l
}

/// Stack frames and trace headers (Java, Python, Rust, JS, gdb).
pub(super) fn is_trace_line(line: &str) -> bool {
    (line.starts_with("at ")
        && line.contains('(')
        && (line.contains(':') || line.contains(".java")))
        || (line.starts_with("File \"") && line.contains(", line "))
        || line.starts_with("Traceback (most recent call last)")
        || (line.starts_with("thread '") && line.contains("panicked"))
        || line.starts_with("Exception in thread")
        || line.starts_with("Caused by:")
        || (line.starts_with('#') && line.contains(" 0x"))
        || line.starts_with("note: run with `RUST_BACKTRACE")
}

/// A log line (timestamp or level near the start); returns its source tag if any.
pub(super) fn log_line_source(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let iso_date =
        digit(0) && digit(3) && b.get(4) == Some(&b'-') && digit(5) && b.get(7) == Some(&b'-');
    let clock = (digit(0) && digit(1) && b.get(2) == Some(&b':') && digit(3))
        || (b.first() == Some(&b'[')
            && digit(1)
            && digit(2)
            && (b.get(3) == Some(&b':') || b.get(5) == Some(&b'-')));
    let syslog = b.len() > 15
        && matches!(
            line.get(..3).unwrap_or(""),
            "Jan"
                | "Feb"
                | "Mar"
                | "Apr"
                | "May"
                | "Jun"
                | "Jul"
                | "Aug"
                | "Sep"
                | "Oct"
                | "Nov"
                | "Dec"
        )
        && b.get(3) == Some(&b' ')
        && line.get(6..16).is_some_and(|s| s.contains(':'));
    let head = line.get(..line.len().min(48)).unwrap_or(line);
    let level = [
        "INFO", "WARN", "ERROR", "DEBUG", "TRACE", "FATAL", "CRITICAL", "NOTICE",
    ]
    .iter()
    .any(|lv| {
        head.split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w == *lv)
    });
    if !(iso_date || clock || syslog || (level && head.contains(['[', ':', '=']))) {
        return None;
    }
    let service = line
        .find('[')
        .and_then(|s| line[s + 1..].find(']').map(|e| &line[s + 1..s + 1 + e]))
        .filter(|s| {
            !s.is_empty()
                && s.len() < 40
                && !s
                    .bytes()
                    .all(|c| c.is_ascii_digit() || c == b':' || c == b'.')
        })
        .unwrap_or("");
    Some(service)
}

/// Whether a line looks like source code, a config line or a shell command.
pub(super) fn is_code_line(raw: &str, line: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "def ",
        "fn ",
        "pub ",
        "let ",
        "const ",
        "var ",
        "import ",
        "from ",
        "class ",
        "return ",
        "if (",
        "for (",
        "while (",
        "#include",
        "use ",
        "func ",
        "package ",
        "impl ",
        "async ",
        "await ",
        "export ",
        "function ",
        "public ",
        "private ",
        "static ",
        "struct ",
        "elif ",
        "else:",
        "try:",
        "except",
        "raise ",
        "print(",
        "SELECT ",
        "INSERT ",
        "UPDATE ",
        "DELETE ",
        "CREATE ",
        "ALTER ",
        "$ ",
        "# ",
        "sudo ",
        "RUN ",
        "FROM ",
        "COPY ",
        "ENV ",
        "CMD ",
        "ENTRYPOINT",
        "server {",
        "location ",
        "listen ",
        "[Unit]",
        "[Service]",
        "ExecStart=",
    ];
    let ends = [';', '{', '}', ')', ',', ':', '(', '[', ']'];
    let indented = raw.starts_with("    ") || raw.starts_with('\t');
    let symbols = line
        .bytes()
        .filter(|b| b"{}[]()<>;=/\\|&$#@*`_:\"'".contains(b))
        .count();
    let density = symbols as f64 / line.len().max(1) as f64;
    // "let me know …" starts like code too; a keyword line needs at least one symbol.
    if KEYWORDS.iter().any(|k| line.starts_with(k)) && !line.ends_with('.') && symbols > 0 {
        return true;
    }
    let last = line.chars().last().unwrap_or(' ');
    (ends.contains(&last) && (density > 0.06 || indented) && !line.ends_with("...)"))
        || density > 0.15
        || (indented && density > 0.04)
        || (line.contains(": ")
            && !line.contains(". ")
            && line.split_whitespace().count() <= 4
            && indented)
}
