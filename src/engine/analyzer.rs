//! First stage of the router: a cheap, explainable query analyzer.
//!
//! [`analyze`] is the entry point: it returns the tier a query should go to, the
//! token count, calibrated confidence and human-readable reasons, decided by the
//! learned classifier in [`crate::engine::first_stage`]. That classifier reads this
//! module's scans and its hand-weighted verdict ([`hand_weighted`]) as features.
//! The hand-weighted model reads a query once and is a feature model, not a keyword
//! list:
//!
//! * **Whole-word, inflection-aware lexicon** (English and German). Words are split at
//!   non-alphanumeric characters and looked up as whole words in a table that holds
//!   every inflected form (`Befehl/Befehle`, `Skript/Skripten`, `compile/compiled`,
//!   `kompilieren/kompiliert`), so "ps" never matches "psychology" and "test" never
//!   matches "latest". A few German compound heads (`…skript`, `…datei`, `…befehl`)
//!   are matched at the end of a word, because German glues them on
//!   (`Shellskript`, `Konfigurationsdatei`).
//! * **Ambiguous words are gated.** "find", "kill", "python", "shell", "terminal",
//!   "Befehl" are everyday words too; they only count when unambiguous evidence is also
//!   present, and only at half weight when several of them co-occur without it.
//! * **Syntax beyond keywords:** code fences, inline code, pipes, flags, paths, `$VAR`,
//!   identifiers (`snake_case`, `camelCase`, `foo.bar(`, `::`), operators, error codes
//!   (`E0308`, `ENOENT`, exit code 127, HTTP 502, segfault, `FooError`), stack frames
//!   and log lines (timestamps, levels).
//! * **Material, not length.** Long input only pushes towards `code` when its lines
//!   look like code or logs (`code_token_threshold`); long prose to summarise or
//!   translate stays `fast` at any length, and a prose task (summarise, translate,
//!   proofread…) over prose damps the lexicon so that an article *about* Kubernetes is
//!   not routed as code.
//! * **Heavy is conservative.** It needs a heavy-specific signal (system design with
//!   trade-offs, a proof with mathematical context, root-cause analysis over long
//!   logs, a security audit or refactoring/migration plan over large material) *and*
//!   a complexity at or above `heavy_threshold`. A false heavy loads a 70B model, so
//!   a one-line "design a logo slogan" never qualifies.
//!
//! The whole analysis is one pass over lines and one over words plus one token count;
//! it stays well below a millisecond for 2,000-token queries (see `benches/analyzer.rs`).

use std::sync::OnceLock;

use crate::engine::tier::Tier;
use crate::engine::tokens;
use rustc_hash::{FxHashMap, FxHashSet};

/// Tunables of the first stage.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyzerSettings {
    /// Input of at least this many tokens whose lines look like code or logs is routed
    /// to `code` on that ground alone. Prose never qualifies, whatever its length.
    pub code_token_threshold: usize,
    /// Learned first stage: the calibrated probability of `heavy` at or above which
    /// `heavy` is chosen. Hand-weighted model: the complexity at or above which a
    /// query *may* go to `heavy` (it also needs a heavy-specific signal).
    pub heavy_threshold: f64,
}

impl Default for AnalyzerSettings {
    fn default() -> Self {
        Self {
            code_token_threshold: 500,
            heavy_threshold: 0.8,
        }
    }
}

/// Result of [`analyze`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Analysis {
    /// The tier the first stage picks.
    pub tier: Tier,
    /// How demanding the request looks, in `[0, 1]`; `heavy` needs at least
    /// [`AnalyzerSettings::heavy_threshold`]. From the learned first stage: the
    /// calibrated probability of `heavy`.
    pub complexity: f64,
    /// cl100k token count of the query.
    pub tokens: usize,
    /// Human-readable grounds for the decision, most important first
    /// (e.g. `"shell syntax: pipe, flags"`, `"pasted log, 812 tokens"`).
    pub reasons: Vec<String>,
    /// How sure the first stage is, in `[0, 1]`: near 0.5 at a decision boundary,
    /// near 1 when the evidence is clear. A later stage may re-check low values.
    /// From the learned first stage: the calibrated probability of `tier`.
    pub confidence: f64,
    /// Calibrated probability of each tier (learned first stage only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probabilities: Option<crate::engine::first_stage::TierProbabilities>,
}

/// Code evidence at or above which a query goes to `code`.
const CODE_THRESHOLD: f64 = 2.0;
/// Heavy-specific evidence a query needs before complexity is even considered.
const HEAVY_MIN_SIGNAL: f64 = 2.5;
/// Minimum tokens of pasted logs/traces for root-cause analysis to count as heavy.
const RCA_MIN_MATERIAL_TOKENS: usize = 600;
/// Minimum tokens of pasted code for an audit or review to count as heavy.
const AUDIT_MIN_MATERIAL_TOKENS: usize = 800;

/// Analyses `query` and picks a tier with the learned first stage
/// ([`crate::engine::first_stage`]), which reads the hand-weighted model's verdict and
/// the syntax signals below as features. Never panics; empty input is `fast`.
pub fn analyze(query: &str, settings: &AnalyzerSettings) -> Analysis {
    crate::engine::first_stage::classify(query, settings)
}

/// The hand-weighted model alone (the first stage before it was learned): kept as a
/// feature of the learned one and as a baseline in the evaluation.
pub fn hand_weighted(query: &str, settings: &AnalyzerSettings) -> Analysis {
    hand_weighted_with_signals(query, settings).0
}

/// Counts the scans found, for the learned first stage's dense features and reasons.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Signals {
    pub fences: usize,
    pub inline_code: usize,
    pub pipes: usize,
    pub flags: usize,
    pub paths: usize,
    pub vars: usize,
    pub calls: usize,
    pub scope: usize,
    pub operators: usize,
    pub redirects: usize,
    pub file_names: usize,
    pub math: usize,
    pub code_lines: usize,
    pub log_lines: usize,
    pub trace_lines: usize,
    pub prose_lines: usize,
    pub services: usize,
    pub list_items: usize,
    pub error_codes: usize,
    pub snake: usize,
    pub camel: usize,
    pub sql_upper: usize,
    pub n_words: usize,
    pub command_request: bool,
    pub shell_task: bool,
    pub howto: bool,
    pub show_that: bool,
    pub proof_imperative: bool,
    pub everyday_sense: bool,
    pub scale: bool,
    /// Tokens of code, log and trace lines (share of bytes times the token count).
    pub material_tokens: usize,
}

pub(crate) fn hand_weighted_with_signals(
    query: &str,
    settings: &AnalyzerSettings,
) -> (Analysis, Signals) {
    let tokens = tokens::count(query);
    let lines = scan_lines(query);
    let words = scan_words(query);
    let syn = scan_syntax(query);
    let analysis = decide(tokens, &lines, &words, &syn, settings);
    let share = if lines.total_bytes > 0 {
        lines.material_bytes as f64 / lines.total_bytes as f64
    } else {
        0.0
    };
    let signals = Signals {
        fences: syn.fences,
        inline_code: syn.inline_code,
        pipes: syn.pipes,
        flags: syn.flags,
        paths: syn.paths,
        vars: syn.vars,
        calls: syn.calls,
        scope: syn.scope,
        operators: syn.operators,
        redirects: syn.redirects,
        file_names: syn.file_names,
        math: syn.math,
        code_lines: lines.code,
        log_lines: lines.log,
        trace_lines: lines.trace,
        prose_lines: lines.prose,
        services: lines.services,
        list_items: lines.list_items,
        error_codes: words.error_codes.len(),
        snake: words.snake,
        camel: words.camel,
        sql_upper: words.sql_upper,
        n_words: words.n_words,
        command_request: words.command_request,
        shell_task: words.shell_task,
        howto: words.howto,
        show_that: words.show_that,
        proof_imperative: words.proof_imperative,
        everyday_sense: words.everyday_sense,
        scale: words.scale,
        material_tokens: (tokens as f64 * share).round() as usize,
    };
    (analysis, signals)
}

// ---------------------------------------------------------------------------
// Lexicon
// ---------------------------------------------------------------------------

/// What a lexicon word is evidence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cat {
    /// Unambiguous code/shell/config vocabulary (`grep`, `kompilieren`, `Dockerfile`).
    Code,
    /// Code vocabulary that is also an everyday word (`python`, `shell`, `Befehl`);
    /// counts only next to other evidence.
    Gated,
    /// Operations that form a shell task together with a [`Cat::SysObject`]
    /// (`find`/`finden`, `delete`/`löschen`, `rename`/`umbenennen`).
    Op,
    /// Objects of a shell task (`files`, `Ordner`, `port`, `process`).
    SysObject,
    /// A request to work on prose (`summarise`, `übersetze`, `proofread`).
    ProseTask,
    /// System-design vocabulary (`architecture`, `sharding`, `Konsistenz`).
    Arch,
    /// Asking for weighed alternatives (`trade-offs`, `Abwägungen`, `risks`).
    Tradeoff,
    /// Verbs that ask for a design or plan (`design`, `entwirf`, `plan`).
    DesignVerb,
    /// Asking for a proof (`prove`, `beweise`).
    ProofVerb,
    /// Mathematical context that makes "prove" a proof request.
    Math,
    /// Words that are mathematical only next to other math ("odd", "gerade",
    /// "Menge", "Folge"); together they count at most as half a math word.
    MathWeak,
    /// Root-cause analysis (`root cause`, `Ursache`, `postmortem`).
    Rca,
    /// Security audit / threat modelling.
    Audit,
    /// Large-scale restructuring (`refactoring`, `migration`).
    Restructure,
    /// Scope words that make a plan large (`monolith`, `codebase`, `legacy`).
    Scope,
    /// Short conceptual question openers (`what`, `was`); used with length.
    Conceptual,
}

/// One lexicon entry: its category, weight and language for the reasons.
#[derive(Debug, Clone, Copy)]
struct Entry {
    cat: Cat,
    weight: f64,
    german: bool,
    /// Index of the word (stem group), so repeated forms of one word count once.
    id: u16,
}

/// Entries as `(forms, category, weight, german)`. `forms` is a space-separated list
/// of `stem:suffix,suffix` groups (an empty suffix keeps the bare stem), expanded to
/// every inflected form at load time so that lookup is one hash probe per word.
const LEXICON: &[(&str, Cat, f64, bool)] = &[
    // --- unambiguous tools and commands ---
    ("grep:,s,ped,ping egrep rg ripgrep awk gawk sed chmod chown chgrp sudo systemctl journalctl systemd kubectl minikube helm", Cat::Code, 2.0, false),
    ("crontab cronjob:,s rsync scp sshd ssh-keygen wget lsof netstat htop strace ltrace gdb lldb valgrind jq xargs nslookup traceroute ifconfig iptables nftables ufw tmux", Cat::Code, 2.0, false),
    ("npm npx yarn pnpm pipx conda virtualenv venv rustc rustup gcc clang cmake makefile:,s javac dotnet nuget maven gradle pytest jest junit eslint clippy rustfmt", Cat::Code, 2.0, false),
    ("dockerfile:,s docker docker-compose podman kubernetes k8s nginx apache2 httpd php-fpm gunicorn uwsgi pm2 terraform ansible certbot openssl psql postgresql mysql sqlite mongodb redis elasticsearch", Cat::Code, 2.0, false),
    ("ssh vim neovim nvim emacs apt-get dpkg yum dnf pacman zypper winget cors pipefail errexit nounset xtrace access-control-allow-origin unit-test:,s bash zsh powershell cmd.exe sh stdout stderr stdin localhost sigterm sigkill sigint dev/null", Cat::Code, 2.0, false),
    ("git", Cat::Code, 1.5, false),
    ("curl postgres mssql gitlab-ci github-actions fstab sshd_config bashrc .bashrc zshrc sudoers visudo useradd usermod chroot ulimit umask sysctl modprobe dmesg lsblk blkid fdisk mdadm smartctl tcpdump nmap netcat ncat sftp mysqldump pg_dump sqlite3 mariadb mongosh redis-cli haproxy traefik logrotate syslog rsyslog journald pgrep pkill killall nohup ffmpeg imagemagick", Cat::Code, 2.0, false),
    ("kubeconfig kustomize configmap:,s statefulset:,s daemonset:,s replicaset:,s ingress namespace:,s crashloopbackoff uvicorn fastapi pandas numpy mypy pylint pipenv tsconfig webpack vite nodemon wireguard openvpn gpg ssh-agent authorized_keys known_hosts localhost", Cat::Code, 1.5, false),
    ("ls mkdir rmdir rm mv cp df tar:,ball,balls unzip gunzip gzip regulär:er,en ausdrücke", Cat::Code, 1.5, false),
    // --- languages and formats ---
    ("javascript typescript golang kotlin php perl haskell scala lua html css sql regex:,es regexp:,s yaml yml json toml xml csv nodejs node.js", Cat::Code, 1.5, false),
    // --- code vocabulary, English ---
    ("compil:e,es,ed,ing,er,ers,ation,ations recompil:e,es,ed,ing debug:,s,ged,ging,ger,gers", Cat::Code, 2.0, false),
    ("segfault:,s stacktrace:,s traceback:,s backtrace:,s exception:,s nullpointerexception syntaxerror typeerror valueerror keyerror", Cat::Code, 2.0, false),
    ("refactor:,s,ed,ing implement:,s,ed,ing deploy:,s,ed,ing parse:,s,d parser:,s parsing", Cat::Code, 1.0, false),
    ("variable:,s array:,s struct:,s enum:,s boolean:,s integer:,s pointer:,s string:,s dict:,s dictionary hashmap:,s iterator:,s closure:,s lambda:,s", Cat::Code, 1.0, false),
    ("repo:,s repository repositories rebase:,d,s,ing cherry-pick gitignore .gitignore endpoint:,s webhook:,s env dotenv linux ubuntu debian centos fedora unix wsl macos vps", Cat::Code, 1.2, false),
    ("cli executable:,s subprocess:,es daemon:,s config:,s configs configure:,d,s configuration:,s unittest:,s", Cat::Code, 1.2, false),
    ("one-liner:,s oneliner:,s shebang cron syntax", Cat::Code, 1.5, false),
    // --- code vocabulary, German ---
    ("kompilier:en,e,t,te,ten,st,ung kompiliert compilier:en,t,te debugg:en,e,t,te,ing fehlermeldung:,en stacktraces laufzeitfehler syntaxfehler compilerfehler speicherzugriffsfehler", Cat::Code, 2.0, true),
    ("umgebungsvariable:,n variable:n konfigurationsdatei:,en verzeichnis:,se,sen arbeitsverzeichnis quellcode programmcode", Cat::Code, 1.5, true),
    ("skript:,e,en,s,es shellskript:,e,en,s bashskript:,e,en,s logdatei:,en", Cat::Code, 1.5, true),
    ("befehlszeile kommandozeile konsolenbefehl:,e,en shell-befehl:,e,en terminalbefehl:,e,en implementier:en,e,t,te refaktorier:en,e,t,te", Cat::Code, 1.5, true),
    ("funktion:,en schleife:,n zeichenkette:,n abfrage:,n datenbankabfrage:,n paket:,e,en", Cat::Gated, 1.0, true),
    // --- ambiguous code words (everyday meanings too) ---
    ("code:,s coding function:,s method:,s class:,es loop:,s script:,s scripting bug:,s,gy test:,s,ed,ing query queries module:,s library libraries package:,s dependency dependencies", Cat::Gated, 1.0, false),
    ("python java rust ruby swift go perl c c# c++ commit:,s,ted merge:,d,s branch:,es pull push stash kafka cargo pip node react vue angular django flask express spring", Cat::Gated, 1.0, false),
    ("shell:,s terminal console command:,s prompt:,s kill:,s,ed,ing server:,s container:,s pod:,s service:,s install:,s,ed,ing,ation uninstall ping remote apt brew snap", Cat::Gated, 1.0, false),
    ("cd top cat head tail dig zip ip ps du less more sort make", Cat::Gated, 0.5, false),
    ("error:,s crash:,es,ed,ing fail:,s,ed,ing failure exit output input log:,s logging api:,s backend frontend database:,s schema:,s table:,s column:,s row:,s timeout:,s", Cat::Gated, 0.8, false),
    ("befehl:,e,en,s,es fehler:,n,s konsole absturz abstürz:e,en,t stürzt dienst:,e,es,en datenbank:,en server:n", Cat::Gated, 1.0, true),
    ("upstream kernel:,s deadlock:,s", Cat::Gated, 1.0, false),
    ("datenbankschema:,s,ta tabellenschema er-diagramm:,e,s commit-historie commit-hash commit-nachricht commit-message", Cat::Code, 2.0, true),
    // --- operations and their system objects (shell tasks) ---
    ("find:,s,ing delete:,s,d,ing remove:,s,d rename:,s,d,ing list:,ing count:,ing copy copying move:,s sync compress:,es,ed extract:,s unpack mount:,s,ed kill:,s,ed,ing install:,s,ed,ing update:,s upgrade:,s restart:,s,ed stop:,s start:,s,ed check:,s show:,s search:,es", Cat::Op, 1.0, false),
    ("finde:,n,t such:e,en,t lösch:e,en,t benenne umbenennen aufliste:n zähle:,n kopier:e,en verschieb:e,en komprimier:e,en entpack:e,en mounte:n installier:e,en,t aktualisier:e,en neustarten starte:,n zeig:e,en,t prüf:e,en anzeigen", Cat::Op, 1.0, true),
    ("file:,s folder:,s directory directories dir:,s process:,es port:,s disk:,s partition:,s permission:,s package:,s user:,s cpu ram memory space logs processes", Cat::SysObject, 1.0, false),
    ("datei:,en ordner:,n unterordner festplatte:,n partition:,en prozess:,e,es,en rechte berechtigung:,en speicherplatz arbeitsspeicher", Cat::SysObject, 1.0, true),
    // --- prose tasks ---
    ("summar:ize,ise,izes,ises,ized,ised,izing,ising,y summaries tl;dr tldr translat:e,es,ed,ing,ion rewrit:e,es,ing,ten rephrase paraphrase proofread:,ing shorten condense reword", Cat::ProseTask, 1.0, false),
    ("grammar spelling punctuation tone reply email:,s e-mail:,s letter essay article newsletter text", Cat::ProseTask, 0.5, false),
    ("grammatik rechtschreibung zeichensetzung antwort brief aufsatz artikel text", Cat::ProseTask, 0.5, true),
    ("zusammenfass:en,ung zusammen übersetz:e,en,t,ung formulier:e,en,t umformulieren korrekturlesen korrigiere kürz:e,en umschreiben", Cat::ProseTask, 1.0, true),
    // --- heavy: design ---
    ("architecture:,s architectural distributed scalab:le,ility scaling microservice:,s monolith:,s,ic sharding shard:,s,ed replication consistency failover multi-region active-active cqrs event-sourced event-sourcing crdt:,s idempotency idempotent throughput backpressure multi-tenant tenant:,s partitioning high-availability rate-limiter gateway:,s latency availability region:,s topology deduplication observability lakehouse warehouse:,s streaming redundancy fault-tolerant fault-tolerance concurrency snapshotting load-balancer", Cat::Arch, 1.0, false),
    ("pipeline:,s queue:,s worker:,s storage caching cdn autoscaling cluster:,s orchestration ingestion real-time realtime saga:,s outbox exactly-once at-least-once eventual:,ly event-driven broker:,s websocket:,s fan-out fanout protocol:,s presence replica:,s disaster-recovery rpo rto datastore:,s platform:,s rbac abac zero-trust concurrent multi-site", Cat::Arch, 1.0, false),
    ("architektur:,en verteilt:e,en,es skalier:bar,barkeit,ung ausfallsicherheit hochverfügbarkeit konsistenz replikation mandant:,en mandantentrennung latenz verfügbarkeit redundanz lastverteilung durchsatz microservices monolith:en,s", Cat::Arch, 1.0, true),
    ("monolithisch:,e,en,er,es rechenzentr:um,ums,en datenhaltung echtzeit datenaufnahme plattform:,en mandantenfähig:,e,en,keit skalierung:,en ausfallsicher:,e,en,heit warteschlange:,n nebenläufig:,e,en,keit", Cat::Arch, 1.0, true),
    ("trade-off:,s tradeoff:,s alternatives risks downsides", Cat::Tradeoff, 1.5, false),
    ("abwägung:,en wäge abwägen alternativen risiken nachteil:e,en kompromiss:e,en", Cat::Tradeoff, 1.5, true),
    ("design:,ing architect plan:,s propose compare recommend:,ation outline devise roadmap blueprint", Cat::DesignVerb, 1.0, false),
    ("entwirf entwerfen entwirfst plane planen vergleiche empfehlung konzept:,e konzipier:e,en erarbeite:,n skizzier:e,en entwickle gesamtkonzept fahrplan", Cat::DesignVerb, 1.0, true),
    ("migrationsplan:,s,e migrationsstrategie:,n migrationskonzept:,e,s migrationsschritte:,n umstellungsplan", Cat::DesignVerb, 1.0, true),
    // --- heavy: proofs ---
    ("prove:,s,n proving proof:,s", Cat::ProofVerb, 2.5, false),
    ("beweis:e,en,t beweis", Cat::ProofVerb, 2.5, true),
    ("prime:,s irrational rational integer:,s induction theorem:,s lemma:,s group:,s cyclic uncountable countable undecidable halting infinitely sqrt optimal graph:,s vertices edges sum:,s polynomial:,s matrix matrices", Cat::Math, 1.0, false),
    ("triangle:,s polygon:,s angle:,s circle:,s axiom:,s bisector:,s perpendicular congruent hypotenuse tangent:,s chord:,s convex divisible continuous bounded converge:,s,nt sequence:,s bijective injective surjective bijection isomorphic bipartite incenter circumcenter centroid median:,s euclid euclid's", Cat::Math, 1.0, false),
    ("odd even natural finite set:,s point:,s plane cycle:,s", Cat::MathWeak, 0.5, false),
    ("primzahl:,en irrational induktion überabzählbar abzählbar unentscheidbar unendlich reelle:n ganze knoten kanten summe gruppe:,n zyklisch", Cat::Math, 1.0, true),
    ("dreieck:,e,s,en viereck:,e,s,en vieleck:,e,s,en rechteck:,e,s,en polygon:,e,s,en winkel:,s,n winkelsumme mittelsenkrechte:,n seitenhalbierende:,n winkelhalbierende:,n hypotenuse kathete:,n tangente:,n sehne:,n axiom:,e,en konvex:,e,en,er teilbar konvergiert konvergier:en,t stetig:,e,en beschränkt:,e grenzwert:,e epsilon umfangswinkel mittelpunktswinkel thales pythagoras euklid bijektiv:,e injektiv:,e surjektiv:,e", Cat::Math, 1.0, true),
    ("gerade ungerade natürlich:e,en endlich:e,en menge:,n punkt:,e,en ebene satz kreis:,es folge:,n", Cat::MathWeak, 0.5, true),
    // --- heavy: root cause, audit, restructuring ---
    ("root-cause rca postmortem post-mortem outage:,s incident:,s", Cat::Rca, 1.5, false),
    ("ursache:,n root-cause-analyse ursachenanalyse ausfall:,s vorfall", Cat::Rca, 1.5, true),
    ("audit:,s vulnerabilit:y,ies threat pentest hardening", Cat::Audit, 1.5, false),
    ("sicherheitsaudit:,s bedrohungsmodell:,e schwachstelle:,n härtung sicherheitskonzept:,e", Cat::Audit, 1.5, true),
    ("refactoring migration:,s migrate migrating rewrite re-architect:,ing strangler", Cat::Restructure, 1.0, false),
    ("migration refactoring migrationspfad migrieren umbau ablösung umstellung migrationsplan:,s,e migrationsstrategie:,n migrationskonzept:,e,s migrationsschritte:,n umstellungsplan", Cat::Restructure, 1.0, true),
    ("codebase:,s legacy god monolith:,s entire", Cat::Scope, 1.0, false),
    ("codebasis legacy-java-anwendung zeilen monolithen gesamt:e,en kernsystem:,s,e", Cat::Scope, 1.0, true),
    // --- conceptual openers ---
    ("what what's whats explain define meaning", Cat::Conceptual, 1.0, false),
    ("was erkläre erklär bedeutet", Cat::Conceptual, 1.0, true),
];

/// Every second word of a phrase matched in `scan_words` (keep in sync with its `match`).
const PHRASE_TAILS: &[&str] = &[
    "cause",
    "causes",
    "of",
    "ursache",
    "audit",
    "review",
    "model",
    "modeling",
    "modelling",
    "design",
    "plan",
    "strategy",
    "that",
    "dass",
    "python",
    "rust",
    "java",
    "go",
    "c",
    "c++",
    "c#",
    "ruby",
    "swift",
    "javascript",
    "typescript",
    "bash",
    "kotlin",
    "php",
    "perl",
    "lua",
    "haskell",
    "scala",
    "golang",
    "sql",
    "powershell",
    "zsh",
    "node",
    "node.js",
    "fault",
    "dumped",
    "denied",
    "file",
    "in",
    "reference",
    "refused",
    "gateway",
    "conflict",
    "conflicts",
    "not",
    "panic",
    "error",
    "out",
    "command",
    "commands",
    "befehl",
    "befehle",
    "befehlen",
    "expression",
    "expressions",
    "ausdruck",
    "ausdrucks",
    "ausdrücke",
    "ausdrücken",
    "schema",
    "schemas",
    "commit",
    "commits",
    "branch",
    "branches",
    "memory",
    "dereference",
    "cons",
    "posture",
    "assessment",
];

/// German compound heads matched at the end of longer words (`Shellskript`,
/// `Konfigurationsdateien`). Everyday heads such as `-programm` (`Fernsehprogramm`) or
/// `-fehler` (`Rechtschreibfehler`) are deliberately absent.
const COMPOUND_HEADS: &[(&str, Cat, f64)] = &[
    ("skript", Cat::Code, 1.5),
    ("skripte", Cat::Code, 1.5),
    ("skripten", Cat::Code, 1.5),
    ("datei", Cat::SysObject, 1.0),
    ("dateien", Cat::SysObject, 1.0),
    ("befehl", Cat::Gated, 1.0),
    ("befehle", Cat::Gated, 1.0),
    ("variable", Cat::Code, 1.2),
    ("variablen", Cat::Code, 1.2),
    ("server", Cat::Gated, 1.0),
    ("architektur", Cat::Arch, 1.0),
    ("architekturen", Cat::Arch, 1.0),
    ("konzept", Cat::DesignVerb, 1.0),
];

/// German compound modifiers matched at the start of longer words
/// (`Migrationsprojekt`, `Architekturentscheidung`, `Datenbankverbindung`): German
/// puts the topic first, and these topics are specific enough on their own.
const COMPOUND_MODIFIERS: &[(&str, Cat, f64)] = &[
    ("migrations", Cat::Restructure, 1.0),
    ("architektur", Cat::Arch, 1.0),
    ("hochverfügbarkeits", Cat::Arch, 1.0),
    ("skalierungs", Cat::Arch, 1.0),
    ("replikations", Cat::Arch, 1.0),
    ("datenbank", Cat::Gated, 1.0),
];

struct Lexicon {
    /// Every inflected form → its entries (a word may be evidence in several
    /// categories, e.g. "kill" is both an ambiguous code word and a shell operation).
    words: FxHashMap<String, Vec<Entry>>,
    /// Second words of the phrases `scan_words` recognises, so that the phrase match
    /// runs only for candidate words.
    phrase_tails: FxHashSet<&'static str>,
}

impl Lexicon {
    /// Entries for a lower-cased word: the word itself, else its `-`/`.` parts
    /// (`CSV-Datei`, `nginx.conf`), else a German compound head.
    fn lookup(&self, lw: &str, out: &mut Vec<Entry>) {
        out.clear();
        if let Some(entries) = self.words.get(lw) {
            out.extend_from_slice(entries);
            return;
        }
        if lw.contains(['-', '.']) {
            for part in lw.split(['-', '.']) {
                if let Some(entries) = self.words.get(part) {
                    out.extend_from_slice(entries);
                } else {
                    out.extend(compound_head(part));
                    out.extend(compound_modifier(part));
                }
            }
            return;
        }
        out.extend(compound_head(lw));
        out.extend(compound_modifier(lw));
    }
}

fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        let mut words: FxHashMap<String, Vec<Entry>> = FxHashMap::default();
        let mut next_id: u16 = 0;
        for &(forms, cat, weight, german) in LEXICON {
            for group in forms.split_whitespace() {
                let entry = Entry {
                    cat,
                    weight,
                    german,
                    id: next_id,
                };
                next_id += 1;
                let (stem, suffixes) = group.split_once(':').unwrap_or((group, ""));
                let mut add = |form: String| {
                    let entries = words.entry(form).or_default();
                    // One entry per category and word, so a form listed twice counts once.
                    if !entries.iter().any(|e| e.cat == cat) {
                        entries.push(entry);
                    }
                };
                if suffixes.is_empty() {
                    add(stem.to_string());
                } else {
                    for suffix in suffixes.split(',') {
                        add(format!("{stem}{suffix}"));
                    }
                }
            }
        }
        Lexicon {
            words,
            phrase_tails: PHRASE_TAILS.iter().copied().collect(),
        }
    })
}

// ---------------------------------------------------------------------------
// Scans
// ---------------------------------------------------------------------------

/// Line-level shape of the input.
#[derive(Debug, Default)]
struct Lines {
    nonempty: usize,
    code: usize,
    log: usize,
    trace: usize,
    prose: usize,
    /// Distinct `[service]`-style tags and bracketed/prefixed sources in log lines.
    services: usize,
    /// Lines that start a list item (`- `, `* `, `1.`), a sign of multi-part requests.
    list_items: usize,
    /// Tokens are not known per line; bytes of code/log lines approximate the share.
    material_bytes: usize,
    total_bytes: usize,
}

/// Word-level evidence.
#[derive(Debug, Default)]
struct Words {
    /// Deduplicated lexicon hits: (entry, surface form as written).
    hits: Vec<(Entry, String)>,
    n_words: usize,
    /// `which command`, `shell command`, `welcher Befehl`, `Shell-Befehl` …
    command_request: bool,
    /// Error codes and error names found (`E0308`, `ENOENT`, `TypeError`, `HTTP 502`).
    error_codes: Vec<String>,
    /// `snake_case` / `camelCase` identifiers seen (count, capped).
    snake: usize,
    camel: usize,
    /// SQL keywords written in upper case (`SELECT`, `FROM`, `WHERE`).
    sql_upper: usize,
    /// "show that" / "zeige, dass" (a proof request without the word "prove").
    show_that: bool,
    /// "root cause", "chain of events", "tiefere Ursache": RCA phrasing.
    rca_phrase: bool,
    /// "security audit", "threat model": audit phrasing.
    audit_phrase: bool,
    /// "system design", "step-by-step plan" …
    design_phrase: bool,
    /// A programming language named as the medium: "in Python", "mit Rust".
    languages: Vec<String>,
    /// The request opens as a how-to question ("how do I", "wie kann ich").
    howto: bool,
    /// An operation and a system object within a few words ("delete … files").
    shell_task: bool,
    /// Words "and"/"und": with commas, a sign of multi-part requests.
    conjunctions: usize,
    /// Multi-word code terms and code senses fixed by a neighbour ("regular
    /// expression", "database schema", "the last commit", "feature branch").
    code_phrases: Vec<&'static str>,
    /// An everyday sense of the ambiguous words "command", "Befehl", "python",
    /// "shell" is in play (a dog, an officer, a snake, a petrol station).
    everyday_sense: bool,
    /// A large number in front of a noun ("40 applications", "200k-line",
    /// "2 million uploads"): the scale that makes a plan large.
    scale: bool,
    /// The request opens with a proof imperative ("Prove …", "Beweise …").
    proof_imperative: bool,
    /// "pros and cons": asking for weighed alternatives.
    tradeoff_phrase: bool,
}

/// Syntax evidence from a byte scan.
#[derive(Debug, Default)]
struct Syntax {
    fences: usize,
    inline_code: usize,
    pipes: usize,
    flags: usize,
    paths: usize,
    vars: usize,
    calls: usize,
    scope: usize,
    operators: usize,
    redirects: usize,
    file_names: usize,
    math: usize,
    commas: usize,
}

fn scan_lines(text: &str) -> Lines {
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
fn is_trace_line(line: &str) -> bool {
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
fn log_line_source(line: &str) -> Option<&str> {
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
fn is_code_line(raw: &str, line: &str) -> bool {
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

/// Splits into words, looks them up and collects identifier/error-code evidence.
fn scan_words(text: &str) -> Words {
    const ERRNO: &[&str] = &[
        "ENOENT",
        "EACCES",
        "EPERM",
        "EADDRINUSE",
        "ECONNREFUSED",
        "ECONNRESET",
        "ETIMEDOUT",
        "EEXIST",
        "ENOMEM",
        "ENOSPC",
        "EPIPE",
        "EAGAIN",
        "EINVAL",
        "EISDIR",
        "ENOTDIR",
        "EBADF",
    ];
    const HTTP_NEXT: &[&str] = &[
        "bad",
        "gateway",
        "internal",
        "not",
        "service",
        "forbidden",
        "unauthorized",
        "timeout",
        "error",
        "errors",
        "fehler",
    ];
    let lex = lexicon();
    let mut w = Words::default();
    let mut seen: Vec<u16> = Vec::new();
    let mut found: Vec<Entry> = Vec::new();
    let mut lower = String::new();
    let mut prev = String::new();
    let mut prev2 = String::new();
    let mut prev3 = String::new();
    // The previous word was a number of at least 10 (for `scale`).
    let mut prev_count = false;
    // Pending "HTTP-like" 3-digit status that waits for the next word to confirm it.
    let mut pending_status: Option<&str> = None;
    // Word index of the last shell operation / system object, for `shell_task`.
    let mut last_op: Option<usize> = None;
    let mut last_obj: Option<usize> = None;
    for (start, word) in words_with_offsets(text) {
        let index = w.n_words;
        w.n_words += 1;
        lower.clear();
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        let lw = lower.as_str();

        if let Some(code) = pending_status.take() {
            if HTTP_NEXT.contains(&lw) {
                push_unique(&mut w.error_codes, format!("HTTP {code}"));
            }
        }
        if matches!(lw, "and" | "und") {
            w.conjunctions += 1;
        }
        if is_everyday_sense_word(lw) {
            w.everyday_sense = true;
        }
        if index == 0 && matches!(lw, "prove" | "beweise") {
            w.proof_imperative = true;
        }
        // "40 Anwendungen", "2 million uploads", "200k-line": scale in front of a noun.
        if prev_count
            && lw.len() >= 3
            && lw.chars().all(char::is_alphabetic)
            && !is_unit_or_filler(lw)
        {
            w.scale = true;
        }
        prev_count = is_count(lw);
        if index < 6
            && matches!((prev.as_str(), lw), ("how", "do" | "to" | "can" | "would" | "should") | ("wie", "kann" | "mache" | "macht" | "bekomme" | "erstelle" | "schreibe") | (_, "ich") if prev == "wie" || prev2 == "wie" || lw != "ich")
        {
            w.howto = true;
        }

        // Error codes and identifiers, judged on the word as written.
        let b = word.as_bytes();
        let rustc_code = b.len() == 5 && b[0] == b'E' && b[1..].iter().all(u8::is_ascii_digit);
        let errno = b.first() == Some(&b'E') && ERRNO.contains(&word);
        let error_name =
            (word.ends_with("Error") || word.ends_with("Exception") || word.ends_with("BackOff"))
                && word.len() >= 7
                && word[1..].bytes().any(|c| c.is_ascii_uppercase());
        let signal = matches!(word, "OOMKilled" | "SIGSEGV" | "SIGKILL" | "SIGABRT");
        let exit_context = matches!(
            prev.as_str(),
            "exit-code" | "exitcode" | "exit-status" | "exit_code" | "exit-codes" | "returncode"
        ) || (matches!(prev.as_str(), "code" | "status")
            && (matches!(prev2.as_str(), "exit" | "exited" | "exits")
                || (matches!(prev2.as_str(), "with" | "mit")
                    && matches!(
                        prev3.as_str(),
                        "exited" | "exits" | "terminated" | "failed" | "endet" | "beendet"
                    ))));
        if rustc_code || errno || error_name || signal {
            push_unique(&mut w.error_codes, word.to_string());
        } else if exit_context && (1..=3).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) {
            push_unique(&mut w.error_codes, format!("exit code {word}"));
        } else if b.len() == 3 && b.iter().all(u8::is_ascii_digit) && (b[0] == b'4' || b[0] == b'5')
        {
            if matches!(
                prev.as_str(),
                "http"
                    | "status"
                    | "statuscode"
                    | "code"
                    | "returns"
                    | "returned"
                    | "gibt"
                    | "liefert"
            ) {
                if prev2 == "exit" {
                    push_unique(&mut w.error_codes, format!("exit code {word}"));
                } else {
                    push_unique(&mut w.error_codes, format!("HTTP {word}"));
                }
            } else {
                pending_status = Some(word);
            }
        } else if b.iter().all(u8::is_ascii_digit)
            && !b.is_empty()
            && prev2 == "exit"
            && matches!(prev.as_str(), "code" | "status")
        {
            push_unique(&mut w.error_codes, format!("exit code {word}"));
        }
        if is_snake_case(word) {
            w.snake += 1;
        } else if is_camel_case(word) {
            w.camel += 1;
        }
        if matches!(
            word,
            "SELECT"
                | "FROM"
                | "WHERE"
                | "JOIN"
                | "INSERT"
                | "INTO"
                | "GROUP"
                | "ORDER"
                | "VALUES"
                | "TABLE"
                | "CREATE"
                | "ALTER"
                | "DROP"
                | "UPDATE"
                | "DELETE"
                | "LIMIT"
                | "HAVING"
        ) {
            w.sql_upper += 1;
        }

        // Phrases that need the previous word.
        let phrase_candidate = lex.phrase_tails.contains(lw) || (prev == "errno" && !lw.is_empty());
        match (prev.as_str(), lw) {
            _ if !phrase_candidate => {}
            ("root", "cause" | "causes")
            | ("chain", "of")
            | ("tiefere" | "eigentliche", "ursache") => w.rca_phrase = true,
            ("security", "audit" | "review" | "posture" | "assessment")
            | ("threat", "model" | "modeling" | "modelling") => w.audit_phrase = true,
            (
                "regular" | "reguläre" | "regulärer" | "regulären" | "regulärem",
                "expression" | "expressions" | "ausdruck" | "ausdrucks" | "ausdrücke"
                | "ausdrücken",
            ) => push_static(&mut w.code_phrases, "regular expression"),
            ("database" | "db" | "sql" | "relational" | "relationales", "schema" | "schemas") => {
                push_static(&mut w.code_phrases, "database schema")
            }
            (_, "commit" | "commits")
                if matches!(
                    prev.as_str(),
                    "the"
                        | "a"
                        | "this"
                        | "that"
                        | "last"
                        | "latest"
                        | "previous"
                        | "particular"
                        | "specific"
                        | "each"
                        | "every"
                        | "my"
                        | "your"
                        | "our"
                        | "first"
                        | "initial"
                        | "merge"
                        | "which"
                        | "letzten"
                        | "letzte"
                        | "dem"
                        | "den"
                        | "der"
                        | "einem"
                        | "einen"
                        | "jeden"
                        | "bestimmten"
                        | "vorherigen"
                        | "diesem"
                        | "diesen"
                        | "welchem"
                        | "welchen"
                        | "alle"
                        | "all"
                ) || matches!(
                    next_word_lower(text, start + word.len()).as_str(),
                    "message" | "messages" | "hash" | "history" | "id" | "nachricht" | "m"
                ) =>
            {
                push_static(&mut w.code_phrases, "commit (git)")
            }
            (
                "feature" | "main" | "master" | "remote" | "local" | "current" | "develop"
                | "release" | "upstream" | "default" | "lokalen" | "lokale" | "entfernten",
                "branch" | "branches",
            ) => push_static(&mut w.code_phrases, "branch (git)"),
            ("of", "memory") if prev2 == "out" => {
                push_unique(&mut w.error_codes, "out of memory".to_string())
            }
            ("pointer", "dereference") => {
                push_unique(&mut w.error_codes, "pointer dereference".to_string())
            }
            ("runtime", "error") => push_unique(&mut w.error_codes, "runtime error".to_string()),
            ("and", "cons") if prev2 == "pros" => w.tradeoff_phrase = true,
            ("system", "design")
            | ("step-by-step" | "migration" | "rollback", "plan" | "strategy") => {
                w.design_phrase = true
            }
            (_, "that" | "dass")
                if matches!(prev.as_str(), "show" | "zeige" | "zeigen")
                    || matches!(prev2.as_str(), "show" | "zeige" | "zeigen") =>
            {
                w.show_that = true
            }
            (
                "in" | "mit" | "using" | "with" | "auf",
                "python" | "rust" | "java" | "go" | "c" | "c++" | "c#" | "ruby" | "swift"
                | "javascript" | "typescript" | "bash" | "kotlin" | "php" | "perl" | "lua"
                | "haskell" | "scala" | "golang" | "sql" | "powershell" | "zsh" | "node"
                | "node.js",
            ) if w.languages.len() < 4
                && !w.languages.iter().any(|l| l.eq_ignore_ascii_case(word)) =>
            {
                w.languages.push(word.to_string());
            }
            ("segmentation", "fault")
            | ("core", "dumped")
            | ("permission", "denied")
            | ("such", "file")
            | ("already", "in")
            | ("undefined", "reference")
            | ("connection", "refused")
            | ("bad", "gateway")
            | ("merge", "conflict" | "conflicts")
            | ("command", "not")
            | ("kernel", "panic")
            | ("syntax", "error")
            | ("timed", "out")
            | ("out", "of")
                if index > 0 =>
            {
                let phrase = match lw {
                    "fault" => "segmentation fault",
                    "dumped" => "core dumped",
                    "denied" => "permission denied",
                    "file" => "no such file",
                    "in" => "address already in use",
                    "reference" => "undefined reference",
                    "refused" => "connection refused",
                    "gateway" => "bad gateway",
                    "not" => "command not found",
                    "panic" => "kernel panic",
                    "error" => "syntax error",
                    "out" => "timed out",
                    "of" => "",
                    _ => "merge conflict",
                };
                // "out of memory" needs the third word; "timed out" and "out of" alone are prose.
                if !phrase.is_empty() && phrase != "timed out" {
                    push_unique(&mut w.error_codes, phrase.to_string());
                }
            }
            ("errno", _) if lw.bytes().all(|c| c.is_ascii_digit()) => {
                push_unique(&mut w.error_codes, format!("Errno {lw}"))
            }
            (
                "shell" | "bash" | "terminal" | "linux" | "unix" | "cli" | "git" | "docker"
                | "powershell" | "cmd" | "which" | "welcher" | "welchen" | "welche" | "a" | "einen",
                "command" | "commands" | "befehl" | "befehle" | "befehlen",
            ) if !(matches!(prev.as_str(), "a" | "einen" | "welche") && text.len() > 400)
                // "a command" only counts in a short request ("generate a command that…").
                && (!matches!(prev.as_str(), "a" | "einen")
                    || next_word_is_relative(text, start + word.len())) =>
            {
                w.command_request = true;
            }
            _ => {}
        }

        // "a cat named Grep", "ein Hund namens Python": a name is no evidence.
        if matches!(prev.as_str(), "named" | "called" | "namens" | "genannt") {
            found.clear();
        } else {
            lex.lookup(lw, &mut found);
        }
        for &entry in &found {
            match entry.cat {
                Cat::Op => {
                    if last_obj.is_some_and(|o| index - o <= 6) {
                        w.shell_task = true;
                    }
                    last_op = Some(index);
                }
                Cat::SysObject => {
                    if last_op.is_some_and(|o| index - o <= 6) {
                        w.shell_task = true;
                    }
                    last_obj = Some(index);
                }
                _ => {}
            }
            if !seen.contains(&entry.id) {
                seen.push(entry.id);
                w.hits.push((entry, word.to_string()));
            }
        }
        std::mem::swap(&mut prev3, &mut prev2);
        std::mem::swap(&mut prev2, &mut prev);
        prev.clear();
        prev.push_str(lw);
    }
    if w.everyday_sense {
        // "Befehle" of a dog, "Python" the snake, "Shell" the petrol station: the
        // ambiguous word is no evidence, and "welche Befehle" is no request for one.
        w.command_request = false;
        w.hits
            .retain(|(e, s)| !(matches!(e.cat, Cat::Gated | Cat::Code) && is_sense_ambiguous(s)));
        w.languages.retain(|l| !is_sense_ambiguous(l));
        w.code_phrases.retain(|p| !is_sense_ambiguous(p));
    }
    w
}

/// Words that reveal the everyday sense of "command", "Befehl", "python", "shell",
/// "commit", "git": an animal, an officer, a petrol station, or a question about
/// everyday language.
fn is_everyday_sense_word(lw: &str) -> bool {
    matches!(
        lw,
        "dog"
            | "dogs"
            | "puppy"
            | "puppies"
            | "hund"
            | "hunde"
            | "hundes"
            | "hunden"
            | "welpe"
            | "welpen"
            | "pferd"
            | "pferde"
            | "horse"
            | "horses"
            | "officer"
            | "officers"
            | "offizier"
            | "offiziere"
            | "soldier"
            | "soldiers"
            | "soldat"
            | "soldaten"
            | "army"
            | "armee"
            | "captain"
            | "kapitän"
            | "sergeant"
            | "military"
            | "militär"
            | "snake"
            | "snakes"
            | "schlange"
            | "schlangen"
            | "pet"
            | "pets"
            | "haustier"
            | "terrarium"
            | "reptile"
            | "reptiles"
            | "reptil"
            | "reptilien"
            | "boa"
            | "zoo"
            | "petrol"
            | "benzin"
            | "tankstelle"
            | "tankstellen"
            | "aral"
            | "esso"
            | "oil"
            | "everyday"
            | "slang"
            | "idiom"
            | "alltag"
            | "alltagssprache"
            | "umgangssprache"
            | "redewendung"
    )
}

/// The ambiguous words whose everyday sense `is_everyday_sense_word` detects.
fn is_sense_ambiguous(surface: &str) -> bool {
    matches!(
        surface.to_lowercase().as_str(),
        "command"
            | "commands"
            | "befehl"
            | "befehle"
            | "befehlen"
            | "befehls"
            | "python"
            | "pythons"
            | "shell"
            | "shells"
            | "commit"
            | "commits"
            | "git"
            | "branch"
            | "branches"
            | "commit (git)"
            | "branch (git)"
    )
}

/// A count of at least 10: `40`, `50.000`, `200k`, `200k-line`, `2m`.
fn is_count(lw: &str) -> bool {
    if !lw.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let head = lw.split('-').next().unwrap_or("");
    let digits: String = head.chars().filter(|c| *c != '.').collect();
    let (num, suffix) = match digits.find(|c: char| !c.is_ascii_digit()) {
        Some(p) => digits.split_at(p),
        None => (digits.as_str(), ""),
    };
    if num.is_empty() || !matches!(suffix, "" | "k" | "m") {
        return false;
    }
    !suffix.is_empty() || num.len() >= 3 || num.parse::<u32>().is_ok_and(|n| n >= 10)
}

/// Units and fillers after a number that do not make it a scale ("30 days", "8080 and").
fn is_unit_or_filler(lw: &str) -> bool {
    matches!(
        lw,
        "and"
            | "und"
            | "or"
            | "oder"
            | "the"
            | "die"
            | "der"
            | "das"
            | "bis"
            | "for"
            | "für"
            | "days"
            | "day"
            | "hours"
            | "hour"
            | "minutes"
            | "minute"
            | "seconds"
            | "second"
            | "weeks"
            | "months"
            | "years"
            | "jahre"
            | "jahren"
            | "tage"
            | "tagen"
            | "stunden"
            | "minuten"
            | "sekunden"
            | "wochen"
            | "monate"
            | "monaten"
            | "uhr"
            | "percent"
            | "prozent"
            | "euro"
            | "eur"
            | "dollar"
            | "dollars"
            | "usd"
            | "grad"
            | "degrees"
            | "calories"
            | "kalorien"
            | "kcal"
            | "gramm"
            | "lines"
            | "zeilen"
            | "times"
            | "mal"
            | "items"
            | "rows"
            | "bytes"
            | "characters"
            | "zeichen"
            | "pages"
            | "seiten"
            | "words"
            | "wörter"
            | "people"
            | "personen"
            | "guests"
            | "gäste"
    )
}

/// The next word after byte `pos`, lower-cased ("" at the end).
fn next_word_lower(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let rest = rest.trim_start_matches(|c: char| !c.is_alphanumeric());
    rest.chars()
        .take_while(|c| c.is_alphanumeric())
        .take(24)
        .flat_map(char::to_lowercase)
        .collect()
}

fn push_static(v: &mut Vec<&'static str>, s: &'static str) {
    if !v.contains(&s) {
        v.push(s);
    }
}

/// Whether the word after `pos` introduces a relative clause ("a command that…",
/// "einen Befehl, der…"), i.e. the request is for a command.
fn next_word_is_relative(text: &str, pos: usize) -> bool {
    let rest = text.get(pos..).unwrap_or("");
    let rest = rest.trim_start_matches([',', ' ']);
    let next: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    matches!(
        next.as_str(),
        "that"
            | "which"
            | "to"
            | "for"
            | "der"
            | "die"
            | "das"
            | "um"
            | "für"
            | "zum"
            | "mit"
            | "in"
    )
}

fn compound_head(lw: &str) -> Option<Entry> {
    if lw.len() < 8 {
        return None;
    }
    COMPOUND_HEADS.iter().find_map(|&(head, cat, weight)| {
        (lw.len() >= head.len() + 3 && lw.ends_with(head)).then_some(Entry {
            cat,
            weight,
            german: true,
            id: u16::MAX - (cat as u16),
        })
    })
}

fn compound_modifier(lw: &str) -> Option<Entry> {
    if lw.len() < 12 {
        return None;
    }
    COMPOUND_MODIFIERS
        .iter()
        .find_map(|&(modifier, cat, weight)| {
            (lw.len() >= modifier.len() + 4 && lw.starts_with(modifier)).then_some(Entry {
                cat,
                weight,
                german: true,
                id: u16::MAX - 32 - (cat as u16),
            })
        })
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if v.len() < 8 && !v.contains(&s) {
        v.push(s);
    }
}

/// Words as maximal runs of alphanumerics, `_`, and inner `-`, `.`, `'`, `#`, `+`
/// where they join word characters (`ssh-keygen`, `node.js`, `c++`, `tl;dr` aside).
fn words_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0usize;
    std::iter::from_fn(move || {
        // Skip to the next word start.
        while i < text.len() {
            let c = text[i..].chars().next()?;
            if c.is_alphanumeric() || c == '_' {
                break;
            }
            i += c.len_utf8();
        }
        if i >= text.len() {
            return None;
        }
        let start = i;
        while i < text.len() {
            let c = text[i..].chars().next()?;
            if c.is_alphanumeric() || c == '_' {
                i += c.len_utf8();
            } else if (c == '-' || c == '.')
                && bytes.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric())
                && i > start
            {
                // Join `ssh-keygen`, `docker-compose`, `node.js`, but a sentence-final
                // period followed by a space is not part of the word.
                i += 1;
            } else if c == '+'
                && bytes.get(i + 1) == Some(&b'+')
                && text[start..i].eq_ignore_ascii_case("c")
            {
                i += 2;
            } else if c == '#' && text[start..i].eq_ignore_ascii_case("c") {
                i += 1;
            } else {
                break;
            }
        }
        Some((start, &text[start..i]))
    })
}

fn is_snake_case(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 3
        && b[0] != b'_'
        && b[b.len() - 1] != b'_'
        && b.contains(&b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
        && b.iter().any(u8::is_ascii_lowercase)
}

fn is_camel_case(word: &str) -> bool {
    // At least two lower-case letters, then an upper-case letter followed by a lower-case
    // one: `getUser`, `useEffect`, but not `iPhone`, `eBay` or `macOS`.
    let b = word.as_bytes();
    if !b.iter().all(u8::is_ascii_alphanumeric) || b.len() < 5 || !b[0].is_ascii_lowercase() {
        return false;
    }
    b.windows(4).any(|w| {
        w[0].is_ascii_lowercase()
            && w[1].is_ascii_lowercase()
            && w[2].is_ascii_uppercase()
            && w[3].is_ascii_lowercase()
    })
}

fn scan_syntax(text: &str) -> Syntax {
    const EXTS: &[&str] = &[
        "py", "rs", "js", "ts", "tsx", "jsx", "sh", "bash", "zsh", "c", "h", "cpp", "hpp", "go",
        "java", "kt", "rb", "php", "yml", "yaml", "toml", "json", "conf", "cfg", "ini", "service",
        "sql", "lock", "log", "env", "ps1", "bat", "gradle", "tf", "lua", "swift", "cs", "html",
        "css", "vue", "xml",
    ];
    let mut s = Syntax::default();
    let b = text.as_bytes();
    let n = b.len();
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0usize;
    let mut in_inline = None::<usize>;
    while i < n {
        let c = b[i];
        let prev = if i > 0 { b[i - 1] } else { b'\n' };
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        match c {
            b'`' => {
                if b[i..].starts_with(b"```") {
                    s.fences += 1;
                    i += 3;
                    in_inline = None;
                    continue;
                }
                match in_inline {
                    Some(open) if i > open + 1 => {
                        s.inline_code += 1;
                        in_inline = None;
                    }
                    _ => in_inline = Some(i),
                }
            }
            b'\n' => in_inline = None,
            b'|' => {
                if next == b'|' {
                    s.operators += 1;
                    i += 2;
                    continue;
                }
                // `cmd | cmd`: a word (or closing quote/paren) before and a word after.
                let before = text[..i].trim_end().bytes().last();
                let after = text[i + 1..].trim_start().bytes().next();
                if before.is_some_and(|c| is_word(c) || c == b'\'' || c == b'"' || c == b')')
                    && after.is_some_and(|c| c.is_ascii_lowercase())
                    && prev != b'|'
                {
                    s.pipes += 1;
                }
            }
            b'-' if prev == b' ' || prev == b'\n' || prev == b'(' => {
                let j = if next == b'-' { i + 2 } else { i + 1 };
                if b.get(j).is_some_and(u8::is_ascii_alphabetic) {
                    // `-v`, `-euo`, `--force`, but not `- item` or `-5`.
                    let mut k = j;
                    while k < n && (b[k].is_ascii_alphanumeric() || b[k] == b'-') {
                        k += 1;
                    }
                    let end = b.get(k).copied().unwrap_or(b' ');
                    if (k - j <= 4 || next == b'-')
                        && matches!(end, b' ' | b'\n' | b'=' | b'`' | b')' | b',' | b'\'' | b'"')
                    {
                        s.flags += 1;
                    }
                }
            }
            b'/' if matches!(
                prev,
                b' ' | b'\n' | b'`' | b'"' | b'\'' | b'(' | b'=' | b'~' | b'.' | b':'
            ) =>
            {
                // `/etc/nginx`, `./run.sh`, `~/.ssh`, but not `and/or`, `24/7` or URLs.
                let rest = &text[i + 1..];
                let seg_end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '`' | '"' | '\'' | ')' | ','))
                    .unwrap_or(rest.len());
                let seg = &rest[..seg_end];
                let url = prev == b':';
                if !url
                    && (seg.contains('/')
                        || prev == b'.'
                        || prev == b'~'
                        || [
                            "etc", "var", "usr", "home", "dev", "tmp", "opt", "proc", "bin",
                        ]
                        .iter()
                        .any(|r| seg.starts_with(r)))
                    && seg
                        .bytes()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_')
                {
                    s.paths += 1;
                    i += 1 + seg_end;
                    continue;
                }
            }
            // `$HOME`, `${x}`, `$(cmd)`; `$5` stays a price.
            b'$' if next.is_ascii_alphabetic() || next == b'{' || next == b'(' || next == b'_' => {
                s.vars += 1;
            }
            b'(' if i > 0 && is_word(prev) => {
                // `foo(`, `bar.baz(`; a German "(s)" plural or "Hinweis(e)" is not a call.
                let start = text[..i]
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                    .map_or(0, |(p, c)| p + c.len_utf8());
                let callee = &text[start..i];
                let arg_ok = matches!(next, b')' | b'"' | b'\'' | b'&' | b'[' | b'{')
                    || next.is_ascii_alphabetic()
                    || next.is_ascii_digit();
                if callee.len() >= 2
                    && arg_ok
                    && !matches!(
                        text[i + 1..].get(..2),
                        Some("s)") | Some("e)") | Some("n)") | Some("en")
                    )
                {
                    // `obj.method(` and `snake_case(` are unmistakable; `word(` less so.
                    s.calls += if callee.contains(['.', '_']) { 2 } else { 1 };
                }
            }
            b':' if next == b':' && i > 0 && is_word(prev) => {
                s.scope += 1;
                i += 2;
                continue;
            }
            b'=' if next == b'>' || next == b'=' => s.operators += 1,
            b'!' if next == b'=' => s.operators += 1,
            b'&' if next == b'&' => {
                s.operators += 1;
                i += 2;
                continue;
            }
            b'>' if prev == b'2'
                || (next == b'&' && b.get(i + 2).is_some_and(u8::is_ascii_digit))
                || (prev == b' ' && next == b'/')
                || (prev == b'>' && next == b' ') =>
            {
                s.redirects += 1;
            }
            b'-' if next == b'>' => s.operators += 1,
            b',' | b';' => s.commas += 1,
            // `n^2` and `√`, `∑`, `≤` (UTF-8 lead byte 0xE2 covers the math block);
            // `n²`, `180°`, `a·b`, `π` (lead bytes 0xC2 and 0xCF) count too.
            b'^' | b'\xe2' | b'\xc2' | b'\xcf'
                if c == b'^'
                    || matches!(
                        text.get(i..).and_then(|t| t.chars().next()),
                        Some(
                            '√' | '∑'
                                | '≤'
                                | '≥'
                                | '∀'
                                | '∃'
                                | '∈'
                                | '⊆'
                                | '²'
                                | '³'
                                | '°'
                                | '·'
                                | 'π'
                                | '≡'
                                | '∞'
                        )
                    ) =>
            {
                s.math += 1;
            }
            b'.' if i > 0 && is_word(prev) => {
                // File names with a known extension: `main.py`, `nginx.conf`.
                let ext_end = text[i + 1..]
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .map_or(n, |p| i + 1 + p);
                let ext = &text[i + 1..ext_end];
                if !ext.is_empty()
                    && EXTS.iter().any(|e| e.eq_ignore_ascii_case(ext))
                    && b.get(ext_end).is_none_or(|c| !c.is_ascii_alphanumeric())
                {
                    s.file_names += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    s
}

// ---------------------------------------------------------------------------
// Decision
// ---------------------------------------------------------------------------

fn decide(
    tokens: usize,
    lines: &Lines,
    words: &Words,
    syn: &Syntax,
    settings: &AnalyzerSettings,
) -> Analysis {
    let mut reasons: Vec<(f64, String)> = Vec::new();

    // --- material: what the pasted lines look like ---
    let material_lines = lines.code + lines.log + lines.trace;
    let material_share = if lines.total_bytes > 0 {
        lines.material_bytes as f64 / lines.total_bytes as f64
    } else {
        0.0
    };
    let material_tokens = (tokens as f64 * material_share).round() as usize;
    let prose_dominant = lines.prose >= 3 && material_share < 0.15 && syn.fences == 0;
    let long = tokens >= settings.code_token_threshold;

    // --- lexicon sums by category ---
    let sum = |cat: Cat| -> (f64, Vec<&str>) {
        let mut total = 0.0;
        let mut names: Vec<&str> = Vec::new();
        for (e, surface) in &words.hits {
            if e.cat == cat {
                total += e.weight;
                if !names.contains(&surface.as_str()) {
                    names.push(surface.as_str());
                }
            }
        }
        (total, names)
    };
    let (mut code_lex, mut code_names) = sum(Cat::Code);
    // Multi-word terms ("regular expression", "the last commit") are as strong as a tool name.
    code_lex += (words.code_phrases.len() as f64 * 2.0).min(4.0);
    code_names.extend(words.code_phrases.iter().copied());
    let (gated_lex, gated_names) = sum(Cat::Gated);
    let (op, _) = sum(Cat::Op);
    let (sysobj, sysobj_names) = sum(Cat::SysObject);
    let (prose_task, prose_names) = sum(Cat::ProseTask);
    let (arch, arch_names) = sum(Cat::Arch);
    let (mut tradeoff, mut tradeoff_names) = sum(Cat::Tradeoff);
    if words.tradeoff_phrase {
        tradeoff += 1.5;
        tradeoff_names.push("pros and cons");
    }
    let (design_verb, _) = sum(Cat::DesignVerb);
    let (proof_verb, _) = sum(Cat::ProofVerb);
    let (math, _) = sum(Cat::Math);
    let (math_weak, _) = sum(Cat::MathWeak);
    let (rca, _) = sum(Cat::Rca);
    let (audit, _) = sum(Cat::Audit);
    let (restructure, _) = sum(Cat::Restructure);
    let (mut scope, _) = sum(Cat::Scope);
    if words.scale {
        scope += 1.0;
    }
    let (conceptual, _) = sum(Cat::Conceptual);

    // --- syntax evidence ---
    let mut syntax_score = 0.0;
    let mut shell_parts: Vec<&str> = Vec::new();
    let mut code_parts: Vec<&str> = Vec::new();
    let mut add = |cond: usize, w: f64, cap: f64, label: &'static str, shell: bool| {
        if cond > 0 {
            syntax_score += (w * cond as f64).min(cap);
            if shell {
                shell_parts.push(label);
            } else {
                code_parts.push(label);
            }
        }
    };
    add(syn.pipes, 1.5, 2.5, "pipe", true);
    add(syn.flags, 1.5, 2.5, "flags", true);
    add(syn.paths, 1.0, 2.0, "paths", true);
    add(syn.vars, 1.5, 2.5, "$VAR", true);
    add(syn.redirects, 1.5, 2.0, "redirection", true);
    add(
        syn.fences / 2 + syn.fences % 2,
        3.0,
        3.0,
        "code fence",
        false,
    );
    add(syn.inline_code, 1.2, 2.4, "inline code", false);
    add(syn.calls, 1.0, 2.0, "calls foo()", false);
    add(syn.scope, 2.0, 2.0, "::", false);
    add(syn.operators, 0.5, 1.5, "operators", false);
    add(syn.file_names, 1.0, 2.0, "file names", false);
    add(words.snake, 1.0, 2.0, "snake_case", false);
    add(words.camel, 0.8, 1.6, "camelCase", false);
    add(
        usize::from(words.sql_upper >= 2),
        2.0,
        2.0,
        "SQL keywords",
        false,
    );
    if !shell_parts.is_empty() {
        reasons.push((
            syntax_score,
            format!("shell syntax: {}", shell_parts.join(", ")),
        ));
    }
    if !code_parts.is_empty() {
        reasons.push((
            syntax_score,
            format!("code syntax: {}", code_parts.join(", ")),
        ));
    }
    let errors = if words.error_codes.is_empty() {
        0.0
    } else {
        reasons.push((
            3.0,
            format!("error codes: {}", words.error_codes.join(", ")),
        ));
        2.5
    };

    // Line evidence: a few code/log lines are strong evidence in short queries; long
    // pastes are judged by `code_token_threshold` below.
    let line_score = (material_lines.min(8) as f64) * 0.5;
    if lines.trace > 0 {
        reasons.push((3.0, format!("stack trace ({} frames)", lines.trace)));
    }

    // --- lexicon evidence, with gating and damping ---
    let strong = code_lex + syntax_score + errors + line_score;
    let _ = op;
    let shell_task = if words.shell_task { 1.5 } else { 0.0 };
    let language = if words.languages.is_empty() { 0.0 } else { 1.5 };
    let command_request = if words.command_request { 2.0 } else { 0.0 };
    let anchored = strong + shell_task + command_request + language >= 1.0;
    let gated = if anchored {
        gated_lex
    } else if gated_names.len() >= 2 && !prose_dominant {
        gated_lex * 0.8
    } else {
        0.0
    };
    let sysobj_score = if anchored { sysobj * 0.5 } else { 0.0 };
    let mut lex_score = code_lex + gated + shell_task + command_request + language + sysobj_score;
    // "how do I … git commit": a how-to question about code vocabulary asks for code.
    if words.howto && lex_score + strong > 0.0 {
        lex_score += 0.5;
    }
    // A prose task over prose: words in the material describe it, they are no request.
    let prose_work = prose_task > 0.0 && (prose_dominant || (tokens > 60 && material_lines == 0));
    if prose_work || (prose_dominant && long) {
        lex_score *= 0.25;
    }
    // "what is DNS?": short conceptual questions are general knowledge.
    let conceptual_short =
        conceptual > 0.0 && words.n_words <= 12 && syntax_score == 0.0 && errors == 0.0;
    if conceptual_short {
        lex_score *= 0.5;
    }
    let mut lex_reason = |names: &[&str], total: f64| {
        let (de, en): (Vec<&str>, Vec<&str>) = names
            .iter()
            .partition(|n| words.hits.iter().any(|(e, s)| e.german && s == *n));
        if !en.is_empty() {
            reasons.push((total, format!("keywords: {}", join_max(&en, 4))));
        }
        if !de.is_empty() {
            reasons.push((total, format!("German: {}", join_max(&de, 4))));
        }
    };
    if code_lex > 0.0 {
        lex_reason(&code_names, code_lex);
    }
    if gated > 0.0 {
        lex_reason(&gated_names, gated);
    }
    if shell_task > 0.0 {
        reasons.push((
            shell_task,
            format!("shell task on {}", join_max(&sysobj_names, 3)),
        ));
    }
    if command_request > 0.0 {
        reasons.push((command_request, "asks for a command".to_string()));
    }
    if language > 0.0 {
        reasons.push((
            language,
            format!(
                "language: {}",
                join_max(
                    &words
                        .languages
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>(),
                    2
                )
            ),
        ));
    }

    // --- long material ---
    let code_like_material = material_share >= 0.3 || syn.fences >= 2;
    let long_material = if long && code_like_material {
        let what = if lines.log + lines.trace > lines.code {
            "pasted log"
        } else {
            "pasted code"
        };
        reasons.push((4.0, format!("{what}, {tokens} tokens")));
        3.0
    } else {
        0.0
    };
    if prose_dominant && tokens >= 150 {
        reasons.push((4.0, format!("long prose, {tokens} tokens")));
    }
    if prose_work {
        reasons.push((2.0, format!("prose task: {}", join_max(&prose_names, 2))));
    }

    let mut code_score = strong + lex_score
        - code_lex
            * if prose_work || (prose_dominant && long) {
                0.75
            } else {
                0.0
            }
        + long_material;
    if conceptual_short {
        code_score -= code_lex * 0.5;
    }
    // Pure prose with a prose task stays fast, however many tech words it mentions.
    if prose_work && material_lines <= 1 && syn.fences == 0 && errors == 0.0 {
        code_score = code_score.min(CODE_THRESHOLD - 0.5);
    }

    // --- heavy-specific evidence ---
    let mut heavy_kind: Option<String> = None;
    let mut heavy_score: f64 = 0.0;
    let math_ctx = math
        + math_weak.min(0.5)
        + (syn.math.min(3) as f64) * 0.7
        + if words.proof_imperative { 0.5 } else { 0.0 };
    if (proof_verb > 0.0 || words.show_that) && math_ctx >= 1.0 {
        // A proof request is short by nature; its weight must carry it past the
        // complexity gate on its own.
        let s = 3.2 + math_ctx.min(2.0) * 0.5;
        if s > heavy_score {
            heavy_score = s;
            heavy_kind = Some("proof request".to_string());
        }
    }
    let design_ask = design_verb > 0.0 || words.design_phrase || tradeoff > 0.0;
    // "Summarise this article about our new platform": the design words describe the
    // text to work on; only an explicit design verb makes it a design request again.
    let prose_verb = words
        .hits
        .iter()
        .any(|(e, _)| e.cat == Cat::ProseTask && e.weight >= 1.0);
    let prose_only = prose_verb && design_verb == 0.0 && !words.design_phrase;
    if arch_names.len() >= 2 && design_ask && !prose_only {
        let s = arch.min(4.0) * 0.8
            + tradeoff.min(3.0)
            + design_verb.min(1.0) * 0.5
            + if words.design_phrase { 1.0 } else { 0.0 };
        if s > heavy_score {
            heavy_score = s;
            let mut terms: Vec<&str> = arch_names.clone();
            terms.extend(tradeoff_names.iter().copied());
            heavy_kind = Some(format!("system design: {}", join_max(&terms, 4)));
        }
    }
    let log_material = lines.log + lines.trace >= 20 && material_tokens >= RCA_MIN_MATERIAL_TOKENS;
    if (rca > 0.0 || words.rca_phrase) && log_material {
        let s = 2.0
            + rca.min(3.0)
            + if words.rca_phrase { 1.0 } else { 0.0 }
            + (lines.services.min(6) as f64) * 0.2;
        if s > heavy_score {
            heavy_score = s;
            heavy_kind = Some(format!(
                "root-cause analysis over {material_tokens} tokens of logs from {} sources",
                lines.services.max(1)
            ));
        }
    }
    let big_code = lines.code >= 40 && material_tokens >= AUDIT_MIN_MATERIAL_TOKENS;
    if (audit > 0.0 || words.audit_phrase) && (big_code || arch_names.len() >= 2) {
        let s =
            2.0 + audit.min(3.0) + if words.audit_phrase { 1.0 } else { 0.0 } + arch.min(2.0) * 0.5;
        if s > heavy_score {
            heavy_score = s;
            heavy_kind = Some(if big_code {
                format!("security audit of {material_tokens} tokens of code")
            } else {
                "security/threat analysis of an architecture".to_string()
            });
        }
    }
    if restructure > 0.0
        && (design_verb > 0.0 || words.design_phrase)
        && (scope > 0.0 || !arch_names.is_empty() || tokens >= 120)
    {
        let s = 1.0
            + restructure.min(2.0)
            + scope.min(2.0)
            + arch.min(2.0) * 0.5
            + tradeoff.min(3.0) * 0.7
            + if words.design_phrase { 1.0 } else { 0.0 };
        if s > heavy_score {
            heavy_score = s;
            heavy_kind = Some("large refactoring/migration plan".to_string());
        }
    }
    // A short conceptual question ("what is a microservice architecture?") is not a
    // design request.
    if conceptual_short && design_verb == 0.0 && tradeoff == 0.0 {
        heavy_score *= 0.5;
    }

    // --- complexity ---
    let length_part = (1.0 + tokens as f64 / 40.0).log2().min(5.0) * 0.12;
    // Multi-part requests ("sharding, caching, consistency and failover") are more
    // demanding; in long input the commas belong to the material, so only short ones.
    let enumeration = if tokens <= 300 {
        (syn.commas + words.conjunctions).min(8) as f64 * 0.06
    } else {
        0.0
    };
    let structure = (lines.list_items.min(8) as f64) * 0.05
        + (tradeoff_names.len().min(3) as f64) * 0.05
        + enumeration;
    let code_part = if code_score >= CODE_THRESHOLD {
        0.15
    } else {
        0.0
    };
    let z = heavy_score * 0.45 + length_part + structure + code_part;
    let complexity = (1.0 - (-z).exp()).clamp(0.0, 1.0);

    // --- decision ---
    let heavy = heavy_score >= HEAVY_MIN_SIGNAL && complexity >= settings.heavy_threshold;
    let tier = if heavy {
        Tier::Heavy
    } else if code_score >= CODE_THRESHOLD {
        Tier::Code
    } else {
        Tier::Fast
    };
    if let Some(kind) = heavy_kind.filter(|_| heavy_score >= HEAVY_MIN_SIGNAL) {
        let note = if heavy {
            kind
        } else {
            format!("{kind} (complexity {complexity:.2} below heavy threshold)")
        };
        reasons.push((if heavy { 10.0 } else { 0.5 }, note));
    }
    if conceptual_short && tier == Tier::Fast && (code_lex + gated_lex) > 0.0 {
        reasons.push((1.0, "short conceptual question".to_string()));
    }

    // --- confidence: distance from the boundary that decided ---
    let margin = match tier {
        Tier::Heavy => ((heavy_score - HEAVY_MIN_SIGNAL) / 2.0)
            .min((complexity - settings.heavy_threshold) * 10.0),
        Tier::Code => {
            let to_code = (code_score - CODE_THRESHOLD) / 2.0;
            if heavy_score >= HEAVY_MIN_SIGNAL {
                to_code.min((settings.heavy_threshold - complexity) * 10.0)
            } else {
                to_code
            }
        }
        Tier::Fast => (CODE_THRESHOLD - code_score) / 2.0,
    };
    let confidence = (0.5 + 0.5 * margin.max(0.0).tanh()).clamp(0.0, 1.0);

    reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut reasons: Vec<String> = reasons.into_iter().map(|(_, r)| r).collect();
    if reasons.is_empty() {
        reasons.push("no code or heavy signals: general request".to_string());
    }
    reasons.truncate(6);

    Analysis {
        tier,
        complexity: (complexity * 1000.0).round() / 1000.0,
        tokens,
        reasons,
        confidence: (confidence * 1000.0).round() / 1000.0,
        probabilities: None,
    }
}

fn join_max(names: &[&str], max: usize) -> String {
    let mut out = names
        .iter()
        .take(max)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > max {
        out.push_str(", …");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tier(q: &str) -> Tier {
        hand_weighted(q, &AnalyzerSettings::default()).tier
    }

    fn reasons(q: &str) -> String {
        hand_weighted(q, &AnalyzerSettings::default())
            .reasons
            .join(" | ")
    }

    #[test]
    fn substring_traps_stay_fast() {
        for q in [
            "Can you recommend a good introductory book on psychology?",
            "Help me find a good restaurant near the main station.",
            "What's the latest news about the Mars rover?",
            "Welcher Bestseller steht gerade auf Platz eins?",
            "Was steht im Alten Testament über Noah?",
            "Was kommt heute Abend im Fernsehprogramm?",
            "Die Befehle meines Chefs nerven mich. Wie spreche ich das an?",
            "How do I remove rust from a bike chain?",
            "I fell on my tail bone and now my head hurts too.",
        ] {
            assert_eq!(tier(q), Tier::Fast, "{q}: {}", reasons(q));
        }
    }

    #[test]
    fn the_same_words_in_a_code_context_are_code() {
        for q in [
            "ps aux | grep nginx shows nothing, why?",
            "How do I find all files larger than 100MB in my home directory?",
            "Wie finde ich alle Dateien, die größer als 1 GB sind?",
            "Welcher Befehl zeigt mir den freien Speicherplatz an?",
            "generate a shell command that renames all .jpeg files to .jpg",
            "Erzeuge einen Shell-Befehl, der alte Logdateien löscht.",
        ] {
            assert_eq!(tier(q), Tier::Code, "{q}: {}", reasons(q));
        }
    }

    #[test]
    fn inflected_forms_match_whole_words() {
        let lex = lexicon();
        let mut found = Vec::new();
        for form in [
            "befehl",
            "befehle",
            "befehlen",
            "skript",
            "skripten",
            "datei",
            "dateien",
            "compile",
            "compiling",
            "compiled",
            "kompilieren",
            "kompiliert",
            "debugging",
        ] {
            lex.lookup(form, &mut found);
            assert!(!found.is_empty(), "{form} should be in the lexicon");
        }
        // Compound heads: the German head noun sits at the end.
        for form in ["shellskript", "konfigurationsdateien", "logdatei"] {
            lex.lookup(form, &mut found);
            assert!(!found.is_empty(), "{form} should match via its head");
        }
        // Substrings are not words.
        for form in [
            "psychology",
            "latest",
            "testament",
            "bestseller",
            "fernsehprogramm",
            "rechtschreibfehler",
        ] {
            lex.lookup(form, &mut found);
            assert!(
                found
                    .iter()
                    .all(|e| !matches!(e.cat, Cat::Code | Cat::Gated)),
                "{form} must not be a code word"
            );
        }
    }

    #[test]
    fn reasons_name_the_evidence() {
        let r = reasons("cat access.log | grep -v 200 | sort --unique");
        assert!(r.contains("shell syntax: pipe, flags"), "{r}");
        let r = reasons("Warum wird mein Skript nicht kompiliert?");
        assert!(
            r.contains("German: Skript, kompiliert") || r.contains("German: kompiliert, Skript"),
            "{r}"
        );
        let r = reasons("error[E0308]: mismatched types");
        assert!(r.contains("E0308"), "{r}");
        let r = reasons("my tool exits with exit code 127");
        assert!(r.contains("exit code 127"), "{r}");
        let log = (0..60)
            .map(|i| {
                format!(
                    "2024-03-18T14:02:{:02}.000Z ERROR [api] upstream timed out after {i}ms",
                    i % 60
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        let a = hand_weighted(
            &format!("{log}\nwhat's wrong?"),
            &AnalyzerSettings::default(),
        );
        assert_eq!(a.tier, Tier::Code);
        assert!(
            a.reasons
                .iter()
                .any(|r| r.starts_with("pasted log, ") && r.ends_with(" tokens")),
            "{:?}",
            a.reasons
        );
    }

    #[test]
    fn long_prose_is_fast_at_any_length() {
        let para = "The committee discussed the budget, the new library and the latest test results of the \
                    school. Residents want to find a compromise and keep the old station. ";
        let text = format!(
            "Summarise this:\n\n{}",
            para.repeat(60).replace(". R", ".\nR")
        );
        let a = hand_weighted(&text, &AnalyzerSettings::default());
        assert!(a.tokens > 1500, "{}", a.tokens);
        assert_eq!(a.tier, Tier::Fast, "{:?}", a.reasons);
        // Even with a tiny threshold, prose never becomes code.
        let s = AnalyzerSettings {
            code_token_threshold: 10,
            ..AnalyzerSettings::default()
        };
        assert_eq!(hand_weighted(&text, &s).tier, Tier::Fast);
    }

    #[test]
    fn long_code_goes_to_code_only_past_the_threshold() {
        let body = "    let total: u32 = items.iter().map(|i| i.price).sum();\n".repeat(40);
        let q = format!("fn main() {{\n{body}}}");
        let low = AnalyzerSettings {
            code_token_threshold: 100,
            ..AnalyzerSettings::default()
        };
        let a = hand_weighted(&q, &low);
        assert_eq!(a.tier, Tier::Code);
        assert!(
            a.reasons.iter().any(|r| r.starts_with("pasted code")),
            "{:?}",
            a.reasons
        );
        let high = AnalyzerSettings {
            code_token_threshold: 100_000,
            ..AnalyzerSettings::default()
        };
        assert!(!hand_weighted(&q, &high)
            .reasons
            .iter()
            .any(|r| r.starts_with("pasted code")));
    }

    #[test]
    fn heavy_needs_specific_signals_and_complexity() {
        assert_eq!(
            tier("Prove that there are infinitely many primes."),
            Tier::Heavy
        );
        assert_eq!(
            tier("Beweise, dass es unendlich viele Primzahlen gibt."),
            Tier::Heavy
        );
        let design = "Design a multi-region active-active architecture for our payment service \
                      handling 20k TPS. Discuss consistency trade-offs, failover and cost.";
        assert_eq!(tier(design), Tier::Heavy);
        // One-line "design" requests and conceptual questions are not heavy.
        assert_eq!(tier("design a logo slogan for my bakery"), Tier::Fast);
        assert_eq!(tier("Entwirf einen Slogan für meine Bäckerei."), Tier::Fast);
        assert_eq!(tier("What is a microservice architecture?"), Tier::Fast);
        assert_eq!(tier("Gibt es Beweise für den Klimawandel?"), Tier::Fast);
        // The threshold is honoured: at 1.0 nothing is heavy.
        let strict = AnalyzerSettings {
            heavy_threshold: 1.0,
            ..AnalyzerSettings::default()
        };
        assert_ne!(hand_weighted(design, &strict).tier, Tier::Heavy);
    }

    #[test]
    fn short_trace_is_code_long_multi_service_rca_is_heavy() {
        let trace =
            "Traceback (most recent call last):\n  File \"main.py\", line 3, in <module>\n    \
                     main()\nZeroDivisionError: division by zero\nwhy?";
        assert_eq!(tier(trace), Tier::Code);
        let services = ["api-gateway", "auth", "orders", "postgres"];
        let log = (0..150)
            .map(|i| {
                format!(
                    "2024-03-18T14:{:02}:{:02}.000Z WARN [{}] connection pool near exhaustion active={}/64",
                    i / 60,
                    i % 60,
                    services[i % 4],
                    40 + i % 24
                )
            })
            .collect::<Vec<_>>()
            .join("\n");
        let q = format!("Outage last night, logs from all services:\n{log}\nFind the root cause.");
        let a = hand_weighted(&q, &AnalyzerSettings::default());
        assert_eq!(a.tier, Tier::Heavy, "{:?}", a.reasons);
        assert!(
            a.reasons[0].starts_with("root-cause analysis"),
            "{:?}",
            a.reasons
        );
    }

    #[test]
    fn multi_word_terms_and_tool_names_are_code() {
        for q in [
            "Write a regular expression to validate an IPv4 address.",
            "Welcher reguläre Ausdruck passt auf eine Postleitzahl?",
            "How can I see which files changed in the last commit?",
            "How do I make curl follow redirects?",
            "Design a database schema for a small todo app with users and tags.",
            "Entwirf ein Datenbankschema für eine Vereinsverwaltung.",
            "Mein Container hat den Exit-Code 137, was heißt das?",
        ] {
            assert_eq!(tier(q), Tier::Code, "{q}: {}", reasons(q));
        }
        let r = reasons("Mein Container hat den Exit-Code 137, was heißt das?");
        assert!(r.contains("exit code 137"), "{r}");
        let r = reasons("the job exited with code 139");
        assert!(r.contains("exit code 139"), "{r}");
    }

    #[test]
    fn everyday_senses_of_ambiguous_words_stay_fast() {
        for q in [
            "Welche Befehle kennt ein gut erzogener Hund normalerweise?",
            "Is a ball python a good pet for a beginner?",
            "Is Shell or Aral usually cheaper at the motorway petrol station?",
            "What is a commit in everyday English, as in 'commit to a plan'?",
            "Write a limerick about a cat named Grep.",
            "Gibt es Beweise, dass die Folgen des Klimawandels gerade jetzt spürbar sind?",
        ] {
            assert_eq!(tier(q), Tier::Fast, "{q}: {}", reasons(q));
        }
        // The same words with a technical anchor are still code.
        assert_eq!(
            tier("Which shell command lists all running python processes?"),
            Tier::Code
        );
    }

    #[test]
    fn heavy_verbs_compounds_and_proof_phrasings() {
        for q in [
            "Architect a video transcoding pipeline for 2 million uploads per day: queues, \
             workers, storage, retries and cost trade-offs.",
            "Wir wollen von On-Premise in die Cloud migrieren. Erstelle einen Migrationsplan \
             für 40 Anwendungen mit Phasen, Risiken und Rückfallstrategie.",
            "Show that the sum of the angles of a triangle is 180 degrees.",
            "Zeige, dass sich die Winkelhalbierenden eines Dreiecks in einem Punkt schneiden.",
            "Prove that the product of two odd numbers is odd.",
        ] {
            assert_eq!(tier(q), Tier::Heavy, "{q}: {}", reasons(q));
        }
        // Design words inside a text to summarise are no design request.
        let q = "Summarize this: The company announced a new platform for real-time \
                 collaboration. The architecture relies on distributed storage and \
                 event-driven workers. Analysts noted risks around latency and availability.";
        assert_ne!(tier(q), Tier::Heavy, "{}", reasons(q));
        // "Plan" and "compare" over everyday topics are not heavy.
        assert_eq!(
            tier("Plan a three-day trip to Rome with museums, food and the pros and cons of each area."),
            Tier::Fast
        );
    }

    #[test]
    fn counts_and_german_compounds_are_recognised() {
        assert!(is_count("40") && is_count("50.000") && is_count("200k-line"));
        assert!(!is_count("5") && !is_count("v2") && !is_count("abc"));
        let lex = lexicon();
        let mut found = Vec::new();
        lex.lookup("migrationsprojekt", &mut found);
        assert!(found.iter().any(|e| e.cat == Cat::Restructure));
        lex.lookup("zielarchitektur", &mut found);
        assert!(found.iter().any(|e| e.cat == Cat::Arch));
        // A modifier needs a head behind it: "Migrationen" alone is a plain word.
        lex.lookup("architektin", &mut found);
        assert!(found.is_empty());
    }

    #[test]
    fn empty_and_whitespace_are_fast() {
        for q in ["", "   ", "\n\n\t"] {
            let a = hand_weighted(q, &AnalyzerSettings::default());
            assert_eq!(a.tier, Tier::Fast);
            assert!(!a.reasons.is_empty());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn never_panics_and_stays_in_range(q in "\\PC{0,300}") {
            let a = hand_weighted(&q, &AnalyzerSettings::default());
            prop_assert!((0.0..=1.0).contains(&a.complexity));
            prop_assert!((0.0..=1.0).contains(&a.confidence));
            prop_assert!(!a.reasons.is_empty());
        }

        #[test]
        fn never_panics_on_code_and_log_shaped_input(
            q in "([a-zA-Zäöüß_]{1,8}|[0-9]{1,4}|[ \t\n]{1,3}|[-|/$`:.(){}\\[\\]=<>&;,'\"^#]{1,2}|Mär|Jän|ß)*"
        ) {
            let a = hand_weighted(&q, &AnalyzerSettings::default());
            prop_assert!((0.0..=1.0).contains(&a.complexity));
        }
    }
}
