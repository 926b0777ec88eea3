//! Cost of `risk::assess` for a one-line command and a 200-line script (the
//! target for the script: under 1 ms). Plain `std::time`, no harness:
//! `cargo bench --bench risk` (release profile) prints median and p99 in µs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use superhelfer::risk::assess;

const ONE_LINE: &str =
    "sudo find /var/log -name '*.gz' -mtime +30 -exec rm -f {} \\; && systemctl restart rsyslog";

/// Lines of an ordinary deployment script, repeated: assignments, loops,
/// pipelines, substitutions, here-docs, containers and an interpreter.
const SCRIPT_UNIT: &[&str] = &[
    "APP_DIR=/srv/app",
    "cd \"$APP_DIR\" && git pull --ff-only",
    "for f in *.log; do gzip \"$f\"; done",
    "docker exec web sh -c 'ls -la /var/www | wc -l'",
    "echo \"$(date +%F) deployed\" >> deploy.log",
    "python3 -c 'import sys; print(sys.version)'",
    "find . -name '*.tmp' -delete",
    "cat <<EOF > notes.txt",
    "deployed by $(whoami)",
    "EOF",
];

fn script(lines: usize) -> String {
    SCRIPT_UNIT
        .iter()
        .cycle()
        .take(lines)
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
        // A here-doc cut off at the end would be a parse error; close it.
        + "\nEOF\n"
}

fn measure(name: &str, text: &str) {
    let warm_until = Instant::now() + Duration::from_millis(200);
    while Instant::now() < warm_until {
        black_box(assess(black_box(text)));
    }
    let iterations = 2_000;
    let mut samples: Vec<Duration> = (0..iterations)
        .map(|_| {
            let start = Instant::now();
            black_box(assess(black_box(text)));
            start.elapsed()
        })
        .collect();
    samples.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{name:<28} median {:>8.1} µs   p99 {:>8.1} µs   ({} lines, level {:?})",
        us(samples[iterations / 2]),
        us(samples[iterations * 99 / 100]),
        text.lines().count(),
        assess(text).level
    );
}

fn main() {
    println!("risk::assess (release build)");
    measure("one-line command", ONE_LINE);
    measure("200-line script", &script(200));
}
