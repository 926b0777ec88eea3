#!/usr/bin/env python3
"""Writes data/router/gen_*.jsonl: routing queries with pasted material.

Hand-written queries rarely carry 40 lines of journal or a full stack trace, but
users paste them all the time. This script combines hand-written request framings
(English and German, as people type them) with generated material (stack traces,
logs, code, configs, prose) so that the classifier sees the shapes of pasted input.
Every item carries its framing in "src"; the trainer splits (train / calib / test)
by "src" where present, so a framing in the test split never appears in training
and the test numbers measure new wording, not recall.

Deterministic: python3 scripts/router-corpus/generate.py writes the same files.
"""
import json
import random
from pathlib import Path

R = random.Random(1313)
OUT = Path(__file__).resolve().parents[2] / "data" / "router"

SERVICES = ["api", "auth", "billing", "checkout", "search", "orders", "gateway",
            "worker", "inventory", "notifier", "payments", "sessions"]
HOSTS = ["web-01", "web-02", "db-1", "node3", "prod-app-7", "srv42", "pi", "nas"]


def ts(i, style):
    h, m, s = 2 + i // 3600 % 20, i // 60 % 60, i % 60
    if style == 0:
        return f"2024-0{R.randint(1, 9)}-1{R.randint(0, 9)}T{h:02}:{m:02}:{s:02}.{R.randint(100, 999)}Z"
    if style == 1:
        return f"Mar {R.randint(10, 28)} {h:02}:{m:02}:{s:02}"
    return f"[{h:02}:{m:02}:{s:02}]"


def py_trace():
    mod = R.choice(["app", "worker", "views", "tasks", "utils", "client"])
    err = R.choice([
        "KeyError: 'user_id'", "TypeError: 'NoneType' object is not subscriptable",
        "ValueError: invalid literal for int() with base 10: ''",
        "AttributeError: 'dict' object has no attribute 'items_'",
        "ModuleNotFoundError: No module named 'requests'",
        "IndexError: list index out of range",
        "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        "ConnectionRefusedError: [Errno 111] Connection refused"])
    lines = ["Traceback (most recent call last):"]
    for _ in range(R.randint(2, 6)):
        f = R.choice(["main", "run", "handle", "load_config", "process_item", "fetch", "parse"])
        lines.append(f'  File "/srv/{mod}/{f}.py", line {R.randint(5, 400)}, in {f}')
        lines.append(f"    {R.choice(['data = resp.json()', 'return cfg[key]', 'x = int(row[2])', 'for k, v in d.items_():', 'import requests', 'item = items[i]'])}")
    lines.append(err)
    return "\n".join(lines)


def java_trace():
    exc = R.choice(["java.lang.NullPointerException", "java.lang.IllegalStateException: Connection pool shut down",
                    "java.util.ConcurrentModificationException", "java.lang.OutOfMemoryError: Java heap space",
                    "org.hibernate.LazyInitializationException: could not initialize proxy - no Session"])
    lines = [f'Exception in thread "{R.choice(["main", "pool-1-thread-3", "http-nio-8080-exec-2"])}" {exc}']
    for _ in range(R.randint(3, 9)):
        cls = R.choice(["com.acme.order.OrderService", "com.acme.api.Controller", "org.springframework.web.servlet.FrameworkServlet",
                        "java.util.ArrayList$Itr", "com.acme.repo.UserRepository"])
        meth = R.choice(["process", "handle", "next", "findById", "doGet", "save"])
        lines.append(f"\tat {cls}.{meth}({cls.split('.')[-1].split('$')[0]}.java:{R.randint(20, 900)})")
    return "\n".join(lines)


def rust_panic():
    msg = R.choice(["called `Option::unwrap()` on a `None` value", "index out of bounds: the len is 3 but the index is 3",
                    "called `Result::unwrap()` on an `Err` value: Os { code: 2, kind: NotFound, message: \"No such file or directory\" }",
                    "attempt to subtract with overflow"])
    return (f"thread 'main' panicked at src/{R.choice(['main', 'config', 'parser', 'db'])}.rs:{R.randint(10, 300)}:{R.randint(5, 40)}:\n{msg}\n"
            "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace")


def node_trace():
    err = R.choice(["TypeError: Cannot read properties of undefined (reading 'map')",
                    "Error: listen EADDRINUSE: address already in use :::3000",
                    "ReferenceError: fetch is not defined", "SyntaxError: Unexpected token '<' in JSON at position 0"])
    lines = [err]
    for _ in range(R.randint(2, 6)):
        lines.append(f"    at {R.choice(['Object.<anonymous>', 'Server.listen', 'processTicksAndRejections', 'render', 'loadUsers'])} "
                     f"(/home/dev/app/{R.choice(['index', 'server', 'src/users', 'src/api'])}.js:{R.randint(1, 200)}:{R.randint(1, 40)})")
    return "\n".join(lines)


def compiler_error():
    return R.choice([
        "error[E0382]: borrow of moved value: `cfg`\n  --> src/main.rs:14:20\n   |\n12 |     let a = cfg;\n   |             --- value moved here\n14 |     println!(\"{}\", cfg.name);\n   |                    ^^^^^^^^ value borrowed here after move",
        "error[E0308]: mismatched types\n --> src/lib.rs:8:5\n  |\n8 |     count\n  |     ^^^^^ expected `u32`, found `usize`",
        "main.c:12:5: error: implicit declaration of function 'strdup' [-Werror=implicit-function-declaration]\n   12 |     char *s = strdup(argv[1]);\n      |     ^~~~~~",
        "src/app.ts:31:7 - error TS2322: Type 'string | undefined' is not assignable to type 'string'.\n31       name: user.name,\n         ~~~~",
        "./main.go:22:2: declared and not used: err\n./main.go:30:15: cannot use x (variable of type int) as string value in argument to fmt.Println",
    ])


def small_log(service):
    n = R.randint(4, 14)
    style = R.randint(0, 2)
    host = R.choice(HOSTS)
    msgs = [f"{service}: connection to db timed out after 5000ms", f"{service}: retrying request (attempt 3/5)",
            f"{service}: worker exited with code 1", "Started Daily apt download activities.",
            f"{service}.service: Main process exited, code=exited, status=203/EXEC",
            f"{service}.service: Failed with result 'exit-code'.", "Out of memory: Killed process 4711 (java)",
            f"{service}: GET /health 200 2ms", f"{service}: permission denied opening /var/lib/{service}/state.db",
            "kernel: EXT4-fs error (device sda1): ext4_find_entry:1455: inode #2: comm ls: reading directory lblock 0",
            "sshd[2231]: Failed password for invalid user admin from 203.0.113.7 port 51234 ssh2"]
    lvl = ["INFO", "WARN", "ERROR"]
    out = []
    for i in range(n):
        m = R.choice(msgs)
        if style == 1:
            out.append(f"{ts(i * 7, 1)} {host} {m}")
        else:
            out.append(f"{ts(i * 7, style)} {R.choice(lvl)} {m}")
    return "\n".join(out)


def cascade_log():
    """A journal across several services where one failure drags the others down."""
    svcs = R.sample(SERVICES, R.randint(4, 6))
    events = [
        "{a}: database primary unreachable, failing over", "{a}: connection pool exhausted (active=64/64, waiting=212)",
        "{b}: upstream {a} timed out after 30000ms", "{b}: retrying (attempt {n}/5)", "{c}: circuit breaker OPEN for {b}",
        "{c}: queue depth 48211, consumers lagging", "lb: health check failed for {b} on {h}",
        "lb: marking {h} unhealthy (3 consecutive failures)", "{d}: cache miss storm, hit rate 3%",
        "{a}: replica lag 94s", "{d}: GC pause 4.2s", "{b}: 503 Service Unavailable returned to 1824 clients",
        "kernel: nf_conntrack: table full, dropping packet", "{c}: OOMKilled, restarting (restart count 7)",
        "{a}: deadlock detected, transaction 88213 rolled back", "{d}: dns lookup for {a}.internal failed: SERVFAIL"]
    out = []
    for i in range(R.randint(25, 60)):
        a, b, c, d = svcs[0], svcs[1], svcs[2], svcs[3]
        m = R.choice(events).format(a=a, b=b, c=c, d=d, h=R.choice(HOSTS), n=R.randint(1, 5))
        out.append(f"{ts(i * 3, R.choice([0, 1]))} {R.choice(['ERROR', 'WARN', 'ERROR', 'INFO'])} [{m.split(':')[0]}] {m}")
    return "\n".join(out)


SNIPPETS = [
    ("python", "def load(path):\n    with open(path) as f:\n        data = json.load(f)\n    return data['items']\n\nfor item in load('x.json'):\n    print(item['name'])"),
    ("python", "import threading\ncount = 0\ndef work():\n    global count\n    for _ in range(100000):\n        count += 1\nts = [threading.Thread(target=work) for _ in range(4)]\nfor t in ts: t.start()\nfor t in ts: t.join()\nprint(count)"),
    ("bash", "#!/bin/bash\nfor f in $(ls *.txt); do\n  mv $f ${f%.txt}.md\ndone"),
    ("bash", "#!/bin/sh\nBACKUP=/mnt/backup/$(date +%F)\nmkdir $BACKUP\nrsync -a /home/ $BACKUP\nfind /mnt/backup -mtime +7 -exec rm -rf {} \\;"),
    ("js", "async function getUsers() {\n  const res = fetch('/api/users')\n  const data = await res.json()\n  return data.map(u => u.name)\n}"),
    ("js", "useEffect(() => {\n  setCount(count + 1)\n}, [count])"),
    ("rust", "fn first_word(s: &String) -> &str {\n    let bytes = s.as_bytes();\n    for (i, &b) in bytes.iter().enumerate() {\n        if b == b' ' { return &s[..i]; }\n    }\n    &s[..]\n}"),
    ("go", "func worker(jobs <-chan int, results chan<- int) {\n    for j := range jobs {\n        results <- j * 2\n    }\n}\nfunc main() {\n    jobs := make(chan int)\n    results := make(chan int)\n    go worker(jobs, results)\n    jobs <- 1\n    fmt.Println(<-results)\n}"),
    ("sql", "SELECT c.name, SUM(o.total)\nFROM customers c\nJOIN orders o ON o.customer_id = c.id\nWHERE o.created_at > now() - interval '30 days'\nGROUP BY c.name\nORDER BY 2 DESC;"),
    ("c", "char *copy(const char *s) {\n    char buf[64];\n    strcpy(buf, s);\n    return buf;\n}"),
    ("java", "public synchronized void transfer(Account a, Account b, int amt) {\n    synchronized (b) {\n        a.balance -= amt;\n        b.balance += amt;\n    }\n}"),
    ("yaml", "services:\n  web:\n    image: nginx:latest\n    ports:\n      - 80:80\n    volumes:\n      - ./site:/usr/share/nginx/html\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example"),
    ("nginx", "server {\n    listen 80;\n    server_name example.com;\n    location /api/ {\n        proxy_pass http://127.0.0.1:5000;\n    }\n    location / {\n        root /var/www/html;\n        try_files $uri $uri/ =404;\n    }\n}"),
    ("dockerfile", "FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nCMD python /app/main.py"),
    ("cron", "*/5 * * * * /home/pi/check.sh >> /var/log/check.log\n0 3 * * * root /usr/local/bin/backup"),
]

CONCURRENT = [
    "// thread 1\ndata = 42;\nready.store(true, std::memory_order_relaxed);\n// thread 2\nwhile (!ready.load(std::memory_order_relaxed)) {}\nassert(data == 42);",
    "class Singleton {\n  private static Singleton instance;\n  static Singleton get() {\n    if (instance == null) {\n      synchronized (Singleton.class) {\n        if (instance == null) instance = new Singleton();\n      }\n    }\n    return instance;\n  }\n}",
    "fn push(&self, v: T) {\n    let n = Box::into_raw(Box::new(Node { v, next: null_mut() }));\n    loop {\n        let head = self.head.load(Relaxed);\n        unsafe { (*n).next = head; }\n        if self.head.compare_exchange(head, n, Release, Relaxed).is_ok() { break; }\n    }\n}",
    "var mu sync.Mutex\nvar cache map[string]string\nfunc get(k string) string {\n    if v, ok := cache[k]; ok { return v }\n    mu.Lock()\n    defer mu.Unlock()\n    cache[k] = load(k)\n    return cache[k]\n}",
]

PROSE = [
    "The town council voted on Tuesday to close the public swimming pool for renovation. Residents complained that the decision came without warning, and several parents said their children would have nowhere to swim during the summer. The mayor promised a temporary solution.",
    "Our team offsite will take place in the mountains next month. We will arrive on Thursday evening, spend Friday in workshops and hike on Saturday. Please bring warm clothes and let Anna know about dietary restrictions by the end of the week.",
    "Der Verein lädt alle Mitglieder zur Jahreshauptversammlung am 14. März ein. Auf der Tagesordnung stehen der Kassenbericht, die Wahl des neuen Vorstands und die Planung des Sommerfests. Anträge müssen bis zum 1. März schriftlich eingereicht werden.",
    "Liebe Kolleginnen und Kollegen, ab nächster Woche ist die Kantine wegen Umbauarbeiten geschlossen. Bitte nutzt in der Zwischenzeit die Cafeteria im Erdgeschoss. Wir rechnen damit, dass die Arbeiten Ende des Monats abgeschlossen sind.",
    "Cloud computing has changed how small companies work. Instead of buying servers, they rent capacity by the hour, which lowers the cost of starting a business. Critics warn that this makes them dependent on a handful of large providers.",
    "Kubernetes wurde ursprünglich bei Google entwickelt und ist heute das verbreitetste System zur Orchestrierung von Containern. Viele Unternehmen schätzen die Flexibilität, klagen aber über die Komplexität des Betriebs.",
    "Hi Tom, thanks for the quick reply. I checked with the client and they are fine with moving the meeting to Wednesday at 3pm. Could you send the updated slides before then? Best, Maria",
    "The bakery on the corner has been run by the same family for three generations. Every morning at four the ovens are lit, and by six there is a queue outside. The grandson wants to add vegan pastries, but his grandmother is not convinced.",
    "Last weekend we hiked from the village up to the lake. The path was steep and muddy after the rain, and we had to turn back once because of a fallen tree. At the top the view was worth every step, and we ate our sandwiches in the sun.",
    "Our quarterly newsletter: the sales team exceeded its target by eight percent, two new colleagues joined the support desk, and the office move is planned for June. Please clear your desks of personal items by the end of May.",
    "Researchers at the university found that people who walk for thirty minutes a day sleep better and report less stress. The study followed 1,200 adults over two years. The authors caution that the effect may partly come from spending more time outdoors.",
    "The new software release brings a redesigned dashboard, faster search and better support for screen readers. Customers have asked for these changes for a long time. Existing settings are kept, and the old layout stays available until the end of the year.",
    "The museum will reopen in September after two years of renovation. Visitors can look forward to a new wing for modern art, a rooftop café and longer opening hours on Fridays. Tickets can be booked online from August.",
    "Dear neighbours, the annual street party will take place on Saturday, 12 July, from 3pm. Please bring a dish to share. Children's games start at 4pm, and the band plays from 7pm. If you can help set up the tables, let us know.",
    "The data centre industry is growing quickly as more companies move their workloads to the cloud. Operators are under pressure to reduce energy use, and some now reuse the heat from their servers to warm nearby homes.",
    "Die Stadtbibliothek verlängert ab Oktober ihre Öffnungszeiten. Montags bis freitags ist sie künftig bis 20 Uhr geöffnet, samstags bis 16 Uhr. Außerdem gibt es einen neuen Lesesaal mit zwanzig Arbeitsplätzen und kostenlosem WLAN.",
    "Am Wochenende waren wir an der Ostsee. Das Wetter war durchwachsen, aber am Sonntag kam endlich die Sonne raus. Die Kinder haben stundenlang Sandburgen gebaut, und abends gab es Fischbrötchen am Hafen.",
    "Sehr geehrte Damen und Herren, hiermit kündige ich meinen Vertrag fristgerecht zum nächstmöglichen Termin. Bitte bestätigen Sie mir den Eingang dieser Kündigung und das Datum, zu dem der Vertrag endet. Mit freundlichen Grüßen",
    "Eine neue Studie zeigt, dass immer mehr Menschen im Homeoffice arbeiten möchten. Viele schätzen die gesparte Zeit für den Arbeitsweg, vermissen aber den Austausch mit Kollegen. Unternehmen suchen nach Modellen, die beides verbinden.",
    "Das Softwareunternehmen hat im vergangenen Jahr seinen Umsatz um zwölf Prozent gesteigert. Besonders gefragt waren Lösungen für die Verwaltung von Rechenzentren und die Absicherung von Netzwerken. Für das kommende Jahr plant die Firma hundert neue Stellen.",
    "Liebe Eltern, der Wandertag der Klasse 4b findet am kommenden Mittwoch statt. Bitte gebt euren Kindern festes Schuhwerk, Regenjacke und ein Pausenbrot mit. Wir sind gegen 14 Uhr zurück an der Schule.",
    "Der Gemeinderat hat beschlossen, den Marktplatz autofrei zu gestalten. Händler befürchten weniger Kundschaft, Anwohner freuen sich auf mehr Ruhe. Ein Probebetrieb soll im Frühjahr zeigen, wie sich die Änderung auswirkt.",
]

F = {  # framings: (tier, lang, text with {m} for material)
    "trace": [
        ("code", "en", "why does this crash\n{m}"), ("code", "en", "getting this when i run it, no idea whats wrong:\n{m}"),
        ("code", "en", "{m}\n\nhow do i fix this"), ("code", "en", "help pls\n{m}"),
        ("code", "en", "my script dies with\n{m}\nany idea?"), ("code", "en", "what does this error mean\n\n{m}"),
        ("code", "de", "warum stürzt das ab\n{m}"), ("code", "de", "bekomme das hier wenn ich es starte:\n{m}"),
        ("code", "de", "{m}\n\nwie behebe ich das"), ("code", "de", "hilfe, was ist hier los\n{m}"),
        ("code", "de", "was heißt dieser fehler\n{m}"), ("code", "en", "so this happens on prod but not on my machine\n```\n{m}\n```"),
        ("code", "de", "lokal gehts, auf dem server kommt das:\n```\n{m}\n```"), ("code", "en", "{m}"),
    ],
    "log": [
        ("code", "en", "what's wrong with my service\n{m}"), ("code", "en", "journalctl shows this, whats going on\n{m}"),
        ("code", "en", "{m}\nwhy does it keep failing"), ("code", "en", "can you explain these log lines\n{m}"),
        ("code", "de", "was stimmt mit meinem dienst nicht\n{m}"), ("code", "de", "das log sagt folgendes, was ist da los\n{m}"),
        ("code", "de", "{m}\nwarum schlägt das dauernd fehl"), ("code", "de", "kannst du mir die zeilen erklären\n{m}"),
        ("code", "en", "saw this in syslog this morning, should i worry?\n{m}"), ("code", "de", "heute früh im syslog gefunden, muss ich mir sorgen machen?\n{m}"),
    ],
    "snippet": [
        ("code", "en", "whats wrong with this\n```\n{m}\n```"), ("code", "en", "can you review this quickly\n{m}"),
        ("code", "en", "this doesnt work as expected:\n\n{m}"), ("code", "en", "make this faster / cleaner\n```{l}\n{m}\n```"),
        ("code", "en", "explain what this does line by line\n{m}"), ("code", "en", "{m}\n\nadd error handling pls"),
        ("code", "de", "was ist daran falsch\n```\n{m}\n```"), ("code", "de", "kannst du das kurz reviewen\n{m}"),
        ("code", "de", "das funktioniert nicht wie erwartet:\n\n{m}"), ("code", "de", "erklär mir was das macht\n{m}"),
        ("code", "de", "{m}\n\nbitte fehlerbehandlung einbauen"), ("code", "en", "write tests for this\n```{l}\n{m}\n```"),
        ("code", "de", "schreib tests dafür\n```{l}\n{m}\n```"),
    ],
    "cmdprose": [
        ("code", "en", "i ran {c} and it just hangs"), ("code", "en", "when i type {c} it says permission denied"),
        ("code", "en", "is {c} safe to run on prod?"), ("code", "en", "what does {c} actually do"),
        ("code", "de", "ich hab {c} ausgeführt und es hängt einfach"), ("code", "de", "bei {c} kommt permission denied"),
        ("code", "de", "kann ich {c} gefahrlos auf prod laufen lassen?"), ("code", "de", "was macht {c} genau"),
        ("code", "en", "my colleague told me to run {c} but nothing happens"), ("code", "de", "kollege meint ich soll {c} machen aber nix passiert"),
    ],
    "cascade": [
        ("heavy", "en", "last night everything went down. here's the merged journal from all services. reconstruct the cascade, find the real root cause and tell us what to change so it can't happen again\n{m}"),
        ("heavy", "en", "postmortem time. analyse this incident timeline across services, the causal chain, contributing factors and systemic fixes:\n{m}"),
        ("heavy", "en", "{m}\n\nthis is from the outage. I need a deep analysis: which failure triggered which, why the retries made it worse, and what architecture changes prevent it"),
        ("heavy", "de", "heute nacht ist alles ausgefallen, hier das journal aller dienste. rekonstruiere die kaskade, finde die eigentliche ursache und sag was wir ändern müssen\n{m}"),
        ("heavy", "de", "postmortem: analysiere den ablauf über alle dienste, die kausalkette, beitragende faktoren und systemische lösungen\n{m}"),
        ("heavy", "de", "{m}\n\ndas ist vom ausfall. ich brauche eine tiefe analyse: welcher fehler hat welchen ausgelöst, warum die retries es schlimmer gemacht haben und welche architekturänderungen helfen"),
        ("heavy", "en", "we keep having these multi service meltdowns, below is the latest. go through it carefully and work out the mechanism behind the cascade, not just the first error\n{m}"),
        ("heavy", "de", "wir haben immer wieder diese ausfälle über mehrere dienste, unten der letzte. geh das sorgfältig durch und arbeite den mechanismus der kaskade heraus, nicht nur den ersten fehler\n{m}"),
        ("heavy", "en", "root cause please\n{m}"), ("heavy", "en", "why did p99 double after yesterdays deploy, logs from all services:\n\n{m}"),
        ("heavy", "de", "ursachenanalyse bitte\n{m}"), ("heavy", "de", "warum sind die antwortzeiten seit dem update so hoch, logs aller dienste:\n\n{m}"),
        ("heavy", "en", "{m}\nwhat actually caused this"), ("heavy", "de", "{m}\nwas war hier die eigentliche ursache"),
        ("code", "en", "which service logged the first error here?\n{m}"), ("code", "de", "welcher dienst hat hier zuerst einen fehler geloggt?\n{m}"),
        ("code", "en", "grep me the lines of the billing service from this\n{m}"), ("code", "de", "wie filtere ich aus diesem log nur die error zeilen raus\n{m}"),
    ],
    "audit": [
        ("heavy", "en", "do a thorough security audit of this and rank the findings by severity\n\n{m}"),
        ("heavy", "en", "{m}\n\nreview the whole thing in depth: security, failure modes under load, concurrency, and a prioritised plan to fix it"),
        ("heavy", "de", "mach ein gründliches sicherheitsaudit für diesen code und priorisiere die befunde\n\n{m}"),
        ("heavy", "de", "{m}\n\nbewerte das ganze ausführlich: sicherheit, verhalten unter last, nebenläufigkeit und ein priorisierter plan"),
        ("code", "en", "rename the variables in this so they make sense\n\n{m}"), ("code", "en", "{m}\n\nadd type hints"),
        ("code", "de", "benenne die variablen sinnvoll um\n\n{m}"), ("code", "de", "{m}\n\nkommentare dazu bitte"),
    ],
    "concurrency": [
        ("heavy", "en", "is this correct under the memory model? reason through every interleaving and say what can go wrong on weak hardware\n```\n{m}\n```"),
        ("heavy", "en", "{m}\n\nprove whether this is race free or give the exact interleaving that breaks it, with happens-before reasoning"),
        ("heavy", "de", "ist das unter dem speichermodell korrekt? geh alle verschränkungen durch und sag was auf schwacher hardware schiefgehen kann\n```\n{m}\n```"),
        ("heavy", "de", "{m}\n\nbeweise dass das race frei ist oder nenne die genaue ausführungsreihenfolge die es kaputt macht, mit happens-before"),
        ("code", "en", "add comments to this\n```\n{m}\n```"), ("code", "de", "formatier das bitte ordentlich\n```\n{m}\n```"),
        ("code", "en", "what language is this\n{m}"), ("code", "de", "übersetz das in python\n{m}"),
    ],
    "longprose": [
        ("fast", "en", "summarize this for my boss\n\n{m}"), ("fast", "en", "translate into german, keep the paragraphs\n\n{m}"),
        ("fast", "en", "can you shorten this to half\n\n{m}"), ("fast", "en", "{m}\n\nwhat are the main points here"),
        ("fast", "en", "fix spelling and grammar, dont change the meaning:\n\n{m}"), ("fast", "en", "write a short reply to this:\n\n{m}"),
        ("fast", "de", "fass das für meine chefin zusammen\n\n{m}"), ("fast", "de", "übersetze ins englische, absätze bitte behalten\n\n{m}"),
        ("fast", "de", "kannst du das auf die hälfte kürzen\n\n{m}"), ("fast", "de", "{m}\n\nwas sind hier die kernaussagen"),
        ("fast", "de", "korrigiere rechtschreibung und grammatik:\n\n{m}"), ("fast", "de", "schreib eine kurze antwort darauf:\n\n{m}"),
        ("fast", "en", "{m}"), ("fast", "de", "{m}"),
    ],
    "prose": [
        ("fast", "en", "summarize this in two sentences:\n{m}"), ("fast", "en", "translate to german please\n\n{m}"),
        ("fast", "en", "make this sound more professional\n{m}"), ("fast", "en", "{m}\n\ntl;dr?"),
        ("fast", "de", "fass das in zwei sätzen zusammen:\n{m}"), ("fast", "de", "übersetz das bitte ins englische\n\n{m}"),
        ("fast", "de", "formulier das professioneller\n{m}"), ("fast", "de", "{m}\n\nkurz zusammengefasst?"),
        ("fast", "en", "fix the grammar\n\"{m}\""), ("fast", "de", "korrigier die rechtschreibung\n\"{m}\""),
    ],
}

COMMANDS = ["`sudo chown -R www-data:www-data /var/www`", "`find / -name '*.log' -size +100M`", "`docker system prune -a`",
            "`rsync -avz --delete src/ host:/backup/`", "`tar -xzf backup.tar.gz -C /`", "`kubectl rollout restart deploy/api`",
            "`git reset --hard origin/main`", "`systemctl restart nginx`", "`chmod -R 777 .`", "`dd if=/dev/zero of=/swapfile bs=1M count=4096`",
            "`npm ci`", "`pip install -U pip`", "`ssh -L 5432:localhost:5432 db`", "`crontab -e`", "`journalctl -fu myapp`",
            "sudo apt full-upgrade", "git push --force", "make install", "ssh-keygen -t ed25519", "ufw enable"]


def material(family):
    if family == "trace":
        return R.choice([py_trace, java_trace, rust_panic, node_trace, compiler_error])(), ""
    if family == "log":
        return small_log(R.choice(SERVICES)), ""
    if family == "snippet":
        lang, code = R.choice(SNIPPETS)
        return code, lang
    if family == "cmdprose":
        return R.choice(COMMANDS), ""
    if family == "cascade":
        return cascade_log(), ""
    if family == "longprose":
        paras = [" ".join(R.choices(PROSE, k=R.randint(1, 3))) for _ in range(R.randint(2, 12))]
        return "\n\n".join(paras), ""
    if family == "audit":
        parts = R.sample(SNIPPETS, R.randint(4, 7))
        return "\n\n".join(f"```{l}\n{c}\n```" for l, c in parts), ""
    if family == "concurrency":
        return R.choice(CONCURRENT), ""
    return R.choice(PROSE), ""



def main():
    OUT.mkdir(parents=True, exist_ok=True)
    per_framing = {"trace": 14, "log": 14, "snippet": 12, "cmdprose": 10, "cascade": 10, "concurrency": 8, "prose": 10,
                   "longprose": 10, "audit": 10}
    for family, framings in F.items():
        rows = []
        for fi, (tier, lang, text) in enumerate(framings):
            for _ in range(per_framing[family]):
                m, lang_tag = material(family)
                q = text.replace("{m}", m).replace("{c}", m).replace("{l}", lang_tag)
                rows.append({"q": q, "tier": tier, "lang": lang, "src": f"gen:{family}:{fi}"})
        with open(OUT / f"gen_{family}.jsonl", "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
