//! The lexicon: every word the hand-weighted model knows, its category and weight
//! (English and German, every inflected form), and the German compound heads and
//! modifiers matched inside longer words. Data first; lookup is one hash probe.

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

/// What a lexicon word is evidence for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cat {
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
pub(super) struct Entry {
    pub(super) cat: Cat,
    pub(super) weight: f64,
    pub(super) german: bool,
    /// Index of the word (stem group), so repeated forms of one word count once.
    pub(super) id: u16,
}

/// Entries as `(forms, category, weight, german)`. `forms` is a space-separated list
/// of `stem:suffix,suffix` groups (an empty suffix keeps the bare stem), expanded to
/// every inflected form at load time so that lookup is one hash probe per word.
pub(super) const LEXICON: &[(&str, Cat, f64, bool)] = &[
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
pub(super) const PHRASE_TAILS: &[&str] = &[
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
pub(super) const COMPOUND_HEADS: &[(&str, Cat, f64)] = &[
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
pub(super) const COMPOUND_MODIFIERS: &[(&str, Cat, f64)] = &[
    ("migrations", Cat::Restructure, 1.0),
    ("architektur", Cat::Arch, 1.0),
    ("hochverfügbarkeits", Cat::Arch, 1.0),
    ("skalierungs", Cat::Arch, 1.0),
    ("replikations", Cat::Arch, 1.0),
    ("datenbank", Cat::Gated, 1.0),
];

pub(super) struct Lexicon {
    /// Every inflected form → its entries (a word may be evidence in several
    /// categories, e.g. "kill" is both an ambiguous code word and a shell operation).
    pub(super) words: FxHashMap<String, Vec<Entry>>,
    /// Second words of the phrases `scan_words` recognises, so that the phrase match
    /// runs only for candidate words.
    pub(super) phrase_tails: FxHashSet<&'static str>,
}

impl Lexicon {
    /// Entries for a lower-cased word: the word itself, else its `-`/`.` parts
    /// (`CSV-Datei`, `nginx.conf`), else a German compound head.
    pub(super) fn lookup(&self, lw: &str, out: &mut Vec<Entry>) {
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

pub(super) fn lexicon() -> &'static Lexicon {
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

pub(super) fn compound_head(lw: &str) -> Option<Entry> {
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

pub(super) fn compound_modifier(lw: &str) -> Option<Entry> {
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
