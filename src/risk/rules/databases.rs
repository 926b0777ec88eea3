//! Databases: SQL and key-value clients, dump/restore tools.

use crate::risk::prelude::*;

/// The family's rules; `false` when `name` is not one of its commands.
// One arm per command name; folding the inner `if`s into guards would let a
// command that fails its guard fall through to unrelated later arms.
#[allow(clippy::collapsible_match)]
pub(crate) fn check(name: &str, ctx: &Ctx, acc: &mut Acc) -> bool {
    match name {
        // influx (v2): `bucket delete`, `delete --predicate …`, `org delete`.
        "influx" if ctx.positionals().iter().take(2).any(|w| w.text == "delete") => {
            acc.danger("influx deletes a bucket, an organisation or the points a predicate matches")
        }
        "psql" | "mysql" | "mariadb" | "sqlite3" | "sqlcmd" | "clickhouse-client" | "cockroach"
        | "mongo" | "mongosh" | "redis-cli" | "cqlsh" | "duckdb" | "influx" | "cypher-shell"
        | "snowsql" | "usql" | "pgcli" | "mycli" | "litecli" | "trino" | "presto" | "spark-sql"
        | "beeline" | "hive" | "isql" | "sqlplus" | "valkey-cli" | "keydb-cli" | "clickhouse"
        | "mariadb-client" | "sqlite" => analyze_sql_client(ctx, acc),
        "etcdctl" => {
            let del = ctx.args.iter().any(|a| matches!(*a, "del" | "rm"));
            let everything = ctx
                .args
                .iter()
                .any(|a| matches!(*a, "--prefix" | "--from-key"))
                && ctx
                    .positionals()
                    .iter()
                    .any(|w| matches!(w.text.as_str(), "" | "/" | "\0"));
            if del && everything {
                acc.danger("etcdctl deletes every key (the cluster's whole state)");
            } else if del {
                acc.caution("etcdctl deletes keys");
            }
        }
        "mysqladmin" => {
            if ctx.args.iter().any(|a| matches!(*a, "drop")) {
                acc.danger("mysqladmin drop deletes a database");
            } else if ctx
                .args
                .iter()
                .any(|a| matches!(*a, "shutdown" | "flush-privileges" | "password" | "kill"))
            {
                acc.caution("changes the MySQL server state");
            }
        }
        "dropdb" => acc.danger("dropdb deletes a PostgreSQL database"),
        "dropuser" | "createdb" | "createuser" | "pg_restore" => {
            if name == "pg_restore" && ctx.has_flag('c', &["--clean"]) {
                acc.caution("pg_restore --clean drops objects before recreating them");
            } else if name != "createdb" {
                acc.caution("changes database users or contents");
            }
        }
        "mysqldump" | "pg_dump" => {}
        _ => return false,
    }
    true
}

/// The SQL with the contents of its string literals ('…', `''` escaping)
/// left out: `LIKE '%DROP TABLE%'` searches text, it drops nothing.
fn without_literals(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_lit = false;
    for c in sql.chars() {
        if c == '\'' {
            in_lit = !in_lit;
            out.push(c);
        } else if !in_lit {
            out.push(c);
        }
    }
    out
}

pub(crate) fn sql_is_destructive(sql: &str) -> Option<&'static str> {
    let up = without_literals(sql).to_ascii_uppercase();
    let norm: String = up.split_whitespace().collect::<Vec<_>>().join(" ");
    const WHOLE: &[&str] = &[
        "DROP DATABASE",
        "DROP SCHEMA",
        "DROP KEYSPACE",
        "DROP TABLESPACE",
        "DROP RETENTION POLICY",
        "DROP CATALOG",
    ];
    if WHOLE.iter().any(|k| norm.contains(k)) {
        return Some("drops a whole database");
    }
    const OBJECTS: &[&str] = &[
        "DROP COLLECTION",
        "DROP MEASUREMENT",
        "DROP SERIES",
        "DROP ROLE",
        "DROP COLUMNFAMILY",
        "DROP COLUMN",
        "DETACH DELETE",
    ];
    if OBJECTS.iter().any(|k| norm.contains(k)) {
        return Some("drops data (tables, collections, columns or graph nodes) for good");
    }
    if norm.contains("DROP TABLE") || norm.contains("DROP USER") || norm.contains("DROP OWNED") {
        return Some("drops tables or users");
    }
    if norm.contains("TRUNCATE") {
        return Some("truncates tables (all rows deleted)");
    }
    for stmt in norm.split(';') {
        let s = stmt.trim();
        if (s.starts_with("DELETE FROM") || s.contains(" DELETE FROM")) && !s.contains(" WHERE ") {
            return Some("DELETE without WHERE removes every row");
        }
        if s.starts_with("UPDATE ") && !s.contains(" WHERE ") {
            return Some("UPDATE without WHERE changes every row");
        }
    }
    if norm.contains("FLUSHALL") || norm.contains("FLUSHDB") {
        return Some("flushes the whole Redis database");
    }
    if norm.contains("DROPDATABASE()") || norm.contains(".DROP()") {
        return Some("drops a MongoDB database or collection");
    }
    // deleteMany({}) / remove({}): an empty filter matches every document.
    let compact: String = norm.chars().filter(|c| !c.is_whitespace()).collect();
    if ["DELETEMANY({})", "REMOVE({})", "DELETEMANY()"]
        .iter()
        .any(|m| compact.contains(m))
    {
        return Some("deletes every document of a MongoDB collection");
    }
    None
}

/// Text piped or process-substituted into the client, evaluated statically
/// (echo, printf, decoders).
fn fed_sql(ctx: &Ctx, acc: &Acc) -> Vec<String> {
    let mut texts = Vec::new();
    if !ctx.upstream.is_empty() {
        texts.extend(eval_pipeline(ctx.upstream, acc));
    }
    for r in &ctx.cmd.redirs {
        if r.kind == RedirKind::Read && r.target.procsub {
            texts.extend(r.target.subs.first().and_then(|s| eval_script(s, acc)));
        }
    }
    texts
}

/// `redis-cli --scan | xargs redis-cli del`: every key listed is deleted;
/// true when that was judged danger.
fn redis_fed_delete(ctx: &Ctx, acc: &mut Acc) -> bool {
    if !ctx.eff.via_xargs {
        return false;
    }
    let first = ctx
        .positionals()
        .first()
        .map(|w| w.text.to_ascii_lowercase());
    if !matches!(first.as_deref(), Some("del" | "unlink")) {
        return false;
    }
    let narrowed = ctx
        .upstream
        .iter()
        .flat_map(|c| c.words.iter())
        .collect::<Vec<_>>()
        .windows(2)
        .any(|p| p[0].text == "--pattern" && !is_broad_glob(&p[1].text) || p[1].text.contains(':'));
    if narrowed {
        acc.caution("redis-cli deletes the keys a pattern lists");
        return false;
    }
    acc.danger("redis-cli deletes every key the scan lists");
    true
}

pub(crate) fn analyze_sql_client(ctx: &Ctx, acc: &mut Acc) {
    let name = ctx.eff.name.as_str();
    if name == "redis-cli" && redis_fed_delete(ctx, acc) {
        return;
    }
    let texts = sql_texts(ctx, acc);
    // mysql's `system CMD` and psql's `\! CMD` run CMD in a shell.
    for t in &texts {
        for line in t.split([';', '\n']) {
            let line = line.trim();
            let shell = line
                .strip_prefix("\\!")
                .or_else(|| line.strip_prefix("system "))
                .or_else(|| line.strip_prefix("\\system "))
                .or_else(|| line.strip_prefix(".shell "))
                .or_else(|| line.strip_prefix(".system "));
            if let Some(cmd) = shell {
                acc.caution(format!("{name} runs a shell command"));
                assess_script(cmd.trim(), ctx.depth + 1, acc);
            }
        }
    }
    for t in &texts {
        if let Some(why) = sql_is_destructive(t) {
            acc.danger(format!("{name}: {why}"));
            return;
        }
    }
    if texts.iter().any(|t| sql_mutates(t)) {
        acc.caution(format!("{name} modifies the database"));
    } else if ctx.cmd.redirs.iter().any(|r| r.kind == RedirKind::Read)
        || ctx
            .args
            .iter()
            .any(|a| *a == "-f" || a.starts_with("--file"))
    {
        acc.caution(format!("{name} runs an SQL script"));
    }
}

/// Every SQL text the client will run, in the order the options, operands,
/// redirections, script files, pipes and an `echo` before it give them.
fn sql_texts(ctx: &Ctx, acc: &Acc) -> Vec<String> {
    let mut texts = option_texts(ctx.eff.name.as_str(), ctx.args);
    texts.extend(operand_texts(ctx));
    let args = ctx.args;
    for r in &ctx.cmd.redirs {
        if matches!(r.kind, RedirKind::Heredoc) {
            texts.push(r.body.clone());
        }
        if matches!(r.kind, RedirKind::Herestring) {
            texts.push(r.target.text.clone());
        }
        // `echo 'DROP …' > q.sql && mysql < q.sql`: the file written earlier.
        if r.kind == RedirKind::Read {
            texts.extend(written_text(&r.target.text, acc));
        }
    }
    for (i, a) in args.iter().enumerate() {
        let file = match a.strip_prefix("--file=") {
            Some(f) => Some(f),
            None if matches!(*a, "-f" | "--file" | "-i") => args.get(i + 1).copied(),
            None => None,
        };
        texts.extend(file.and_then(|f| written_text(f, acc)));
    }
    texts.extend(fed_sql(ctx, acc));
    if let Some(p) = ctx.prev {
        if let Some(e) = unwrap_cmd(&p.words) {
            if matches!(e.name.as_str(), "echo" | "printf") {
                texts.push(
                    e.args
                        .iter()
                        .map(|w| w.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
        }
    }
    texts
}

/// `-c SQL`, `--execute=SQL`, `-eSQL` and their kin.
fn option_texts(name: &str, args: &[&str]) -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        let takes = matches!(
            *a,
            "-c" | "--command"
                | "-e"
                | "--execute"
                | "-execute"
                | "--eval"
                | "-q"
                | "--query"
                | "-Q"
                | "-a"
        ) && !(*a == "-a" && name != "cypher-shell");
        if takes {
            if let Some(v) = args.get(i + 1) {
                texts.push((*v).to_string());
            }
        } else if let Some(v) = a
            .strip_prefix("--command=")
            .or_else(|| a.strip_prefix("--execute="))
            .or_else(|| a.strip_prefix("--eval="))
        {
            texts.push(v.to_string());
        } else if a.len() > 2
            && (a.starts_with("-e") && name.starts_with("mysql")
                || a.starts_with("-c") && name == "psql")
            && !a.starts_with("--")
        {
            texts.push(a[2..].to_string());
        }
    }
    texts
}

/// `cypher-shell QUERY`, `sqlite3 DB "SQL"`, `redis-cli [opts] CMD …`.
fn operand_texts(ctx: &Ctx) -> Vec<String> {
    let name = ctx.eff.name.as_str();
    let mut texts: Vec<String> = Vec::new();
    if name == "cypher-shell" {
        texts.extend(ctx.positionals().iter().map(|w| w.text.clone()));
    }
    if name == "sqlite3" || name == "redis-cli" {
        // sqlite3 DB "SQL"; redis-cli [opts] CMD …
        let pos = ctx.positionals();
        if name == "sqlite3" {
            if let Some(s) = pos.get(1) {
                texts.push(s.text.clone());
            }
        } else {
            texts.push(
                pos.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    texts
}

/// The text of a file written earlier in the same command, if known.
fn written_text(path: &str, acc: &Acc) -> Option<String> {
    match acc.written.get(path.trim_start_matches("./")) {
        Some(Written::Text(t)) => Some(t.clone()),
        _ => None,
    }
}

pub(crate) fn sql_mutates(sql: &str) -> bool {
    let up = without_literals(sql).to_ascii_uppercase();
    [
        "INSERT", "UPDATE", "DELETE", "ALTER", "CREATE", "GRANT", "REVOKE", "DROP", "REPLACE",
        "SET ",
    ]
    .iter()
    .any(|k| up.contains(k))
}

#[cfg(test)]
mod tests {
    use crate::risk::tests::check_examples;
    use crate::risk::RiskLevel::*;

    /// The family's examples, in line with the written policy.
    #[test]
    fn examples() {
        check_examples(&[
            ("sqlite3 :memory: '.shell rm -rf ~/data'", Danger),
            ("sqlite3 app.db '.tables'", Safe),
            ("echo 'system rm -rf /var/lib/mysql' | mysql", Danger),
            ("psql -c '\\! rm -rf /var/lib/postgresql'", Danger),
            ("psql -c '\\! ls'", Caution),
            ("cqlsh -e 'DROP KEYSPACE analytics'", Danger),
            ("influx bucket delete --name telemetry", Danger),
            ("influx bucket list", Safe),
            (
                "printf 'DROP TABLE orders;' > /tmp/x.sql; psql -f /tmp/x.sql shop",
                Danger,
            ),
            ("echo 'TRUNCATE logs;' > t.sql && mysql app < t.sql", Danger),
            ("echo 'SELECT 1;' > t.sql && mysql app < t.sql", Caution),
            ("cqlsh db1 -e \"drop table events.clicks\"", Danger),
            ("influx -execute 'DROP DATABASE telegraf'", Danger),
            ("cypher-shell 'MATCH (n) DETACH DELETE n'", Danger),
            (
                "duckdb warehouse.db -c 'DROP SCHEMA staging CASCADE'",
                Danger,
            ),
            ("etcdctl del '' --prefix", Danger),
            ("etcdctl del /config/feature-x", Caution),
            ("psql -c 'ALTER TABLE users DROP COLUMN email'", Danger),
            ("cqlsh -e 'SELECT * FROM system.local'", Safe),
            ("cypher-shell 'MATCH (n) RETURN count(n)'", Safe),
            ("influx -execute 'SHOW DATABASES'", Safe),
            ("etcdctl get '' --prefix --keys-only", Safe),
            (
                "echo RFJPUCBEQVRBQkFTRSBwcm9kOw== | base64 -d | psql",
                Danger,
            ),
            ("psql < <(echo 'DROP DATABASE prod;')", Danger),
            ("echo 'SELECT 1' | psql", Safe),
            ("redis-cli --scan | xargs redis-cli del", Danger),
            (
                "redis-cli --scan --pattern 'sess:*' | xargs redis-cli del",
                Caution,
            ),
            ("mongo app --eval 'db.users.deleteMany({})'", Danger),
            (
                "mongosh app --eval 'db.users.deleteMany({ age: { $gt: 99 } })'",
                Caution,
            ),
            ("psql -c 'SELECT 1' app", Safe),
            ("redis-cli info memory", Safe),
            ("psql -c 'DROP DATABASE app'", Danger),
            // Keywords inside a string literal are data, not statements.
            (
                "psql -c \"SELECT count(*) FROM log WHERE msg = 'TRUNCATE users'\"",
                Safe,
            ),
            (
                "sqlite3 app.db \"INSERT INTO notes VALUES ('drop database x')\"",
                Caution,
            ),
            ("psql -c \"SELECT 'x'; DROP TABLE users\"", Danger),
            ("redis-cli flushall", Danger),
        ]);
    }
}
