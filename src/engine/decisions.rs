//! The decision log and `superhelfer stats`. With `log.decisions = true` the engine appends
//! one JSON line per routed request to `$XDG_STATE_HOME/superhelfer/decisions.jsonl` (else
//! `~/.local/state/superhelfer/…`): when, which tier and model, why, how sure, the second
//! opinion, the fallback, the user's VRAM answer and the latencies. The query is kept only
//! with `log.prompts = true`. The line is written on a blocking thread, off the request's
//! path; a full queue or an unwritable file drops the line (logged), never the answer.
//! `stats` reads the file back: tier mix, fallbacks, corrections, p50/p95 per tier.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use tracing::{debug, warn};

use super::request::Consent;
use super::tier::Tier;

/// Lines waiting to be written at most; more are dropped (a stuck disk must not pile up
/// threads behind the requests).
const MAX_PENDING: usize = 32;

static PENDING: AtomicUsize = AtomicUsize::new(0);

/// One routed request, as one line of the log.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// RFC 3339, UTC.
    pub time: String,
    /// The tier that answered (or would have: on an error, the planned one).
    pub tier: Option<Tier>,
    /// The tier the router chose before substitutions, the guard and the fallback.
    pub tier_chosen: Option<Tier>,
    pub model: String,
    pub reasons: Vec<String>,
    /// The first stage's calibrated confidence in its own tier.
    pub confidence: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_opinion: Option<String>,
    /// Why the chosen tier failed and `fast` answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    /// The user's answer to the VRAM guard, when it asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    #[serde(default)]
    pub first_token_ms: Option<u64>,
    pub total_ms: u64,
    /// Why there is no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The query: only with `log.prompts = true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// Not a request: the model loaded ahead of one (`router.warm_ahead`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub warm_up: bool,
}

/// `decisions.jsonl` beside the corrections in the state directory.
pub fn log_file() -> Option<PathBuf> {
    let corrections = super::first_stage::corrections::state_file()?;
    Some(corrections.with_file_name("decisions.jsonl"))
}

/// Appends `d` in the background; never fails the caller.
pub fn record(d: Decision) {
    let Some(path) = log_file() else {
        debug!("no state directory (neither XDG_STATE_HOME nor HOME): decision not logged");
        return;
    };
    let Ok(mut line) = serde_json::to_string(&d) else {
        return;
    };
    line.push('\n');
    if PENDING.fetch_add(1, Ordering::AcqRel) >= MAX_PENDING {
        PENDING.fetch_sub(1, Ordering::AcqRel);
        warn!("decision log: {MAX_PENDING} lines still waiting for the disk; this one is dropped");
        return;
    }
    let write = move || {
        if let Err(e) = append(&path, &line) {
            warn!("decision log {}: {e}", path.display());
        }
        PENDING.fetch_sub(1, Ordering::AcqRel);
    };
    // A runtime waits for its blocking tasks when it shuts down, so the CLI's line is
    // written before the process exits.
    match tokio::runtime::Handle::try_current() {
        Ok(h) => drop(h.spawn_blocking(write)),
        Err(_) => write(),
    }
}

fn append(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    // One write per line: lines of processes that log side by side stay whole.
    f.write_all(line.as_bytes())
}

/// A reason without the words it quotes from the query (`words "capital", "what"` becomes
/// `words "…", "…"`): without `log.prompts` no part of the prompt reaches the disk.
pub fn redact(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    for (i, part) in reason.split('"').enumerate() {
        // Odd parts lie between quotes.
        out.push_str(if i % 2 == 1 { "…" } else { part });
        out.push('"');
    }
    out.pop();
    out
}

/// Now, as RFC 3339 in UTC with milliseconds.
pub fn now_rfc3339() -> String {
    let since = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    rfc3339(since.as_secs(), since.subsec_millis())
}

fn rfc3339(secs: u64, millis: u32) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Latencies of one tier.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TierStats {
    pub requests: usize,
    pub errors: usize,
    pub first_token_p50_ms: Option<u64>,
    pub first_token_p95_ms: Option<u64>,
    pub total_p50_ms: Option<u64>,
    pub total_p95_ms: Option<u64>,
}

/// What `superhelfer stats` shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    pub file: String,
    pub requests: usize,
    /// Lines that were not a decision (cut off, edited by hand).
    pub skipped_lines: usize,
    pub fallbacks: usize,
    pub second_opinions: usize,
    /// Models loaded ahead of a request (not counted as requests).
    pub warm_ups: usize,
    pub errors: usize,
    /// Kept `route --prefer` / "ask again" corrections.
    pub corrections: usize,
    pub first: Option<String>,
    pub last: Option<String>,
    /// By the tier that answered.
    pub tiers: BTreeMap<String, TierStats>,
}

/// Reads the log at `path` (missing: `Err` with a sentence that says how to start one);
/// `corrections` is the count of kept corrections.
pub fn summarise(path: &Path, corrections: usize) -> Result<Summary, String> {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "no decision log at {} yet: set `log.decisions = true` in the configuration, and every routed request adds a line",
                path.display()
            ))
        }
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let mut s = Summary {
        file: path.display().to_string(),
        corrections,
        ..Summary::default()
    };
    let mut first: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut total: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(d) = serde_json::from_str::<Decision>(line) else {
            s.skipped_lines += 1;
            continue;
        };
        if d.warm_up {
            s.warm_ups += 1;
            continue;
        }
        s.requests += 1;
        s.first.get_or_insert_with(|| d.time.clone());
        s.last = Some(d.time.clone());
        s.fallbacks += usize::from(d.fallback.is_some());
        s.second_opinions += usize::from(d.second_opinion.is_some());
        let tier = d.tier.map_or("none".to_string(), |t| t.to_string());
        let t = s.tiers.entry(tier.clone()).or_default();
        t.requests += 1;
        if d.error.is_some() {
            t.errors += 1;
            s.errors += 1;
            continue;
        }
        if let Some(ms) = d.first_token_ms {
            first.entry(tier.clone()).or_default().push(ms);
        }
        total.entry(tier).or_default().push(d.total_ms);
    }
    for (tier, t) in s.tiers.iter_mut() {
        if let Some(v) = first.get_mut(tier) {
            (t.first_token_p50_ms, t.first_token_p95_ms) = (pct(v, 50), pct(v, 95));
        }
        if let Some(v) = total.get_mut(tier) {
            (t.total_p50_ms, t.total_p95_ms) = (pct(v, 50), pct(v, 95));
        }
    }
    Ok(s)
}

/// The nearest-rank percentile.
fn pct(v: &mut [u64], p: usize) -> Option<u64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let rank = (p * v.len()).div_ceil(100).max(1);
    v.get(rank - 1).copied()
}

impl Summary {
    /// The summary as text for a terminal.
    pub fn render(&self) -> String {
        let mut out = format!("decision log: {}\n", self.file);
        if let (Some(a), Some(b)) = (&self.first, &self.last) {
            out += &format!("from {a} to {b}\n");
        }
        out += &format!(
            "{} requests, {} fallbacks to fast, {} second opinions, {} errors, {} corrections kept\n",
            self.requests, self.fallbacks, self.second_opinions, self.errors, self.corrections
        );
        if self.warm_ups > 0 {
            out += &format!(
                "{} warm-ups (the code model loaded ahead on a request line)\n",
                self.warm_ups
            );
        }
        if self.skipped_lines > 0 {
            out += &format!(
                "{} lines skipped: not a decision (cut off or edited)\n",
                self.skipped_lines
            );
        }
        if self.requests > 0 {
            out += "tier   requests  share  errors  first token p50/p95  total p50/p95\n";
        }
        let ms = |v: Option<u64>| v.map_or("-".to_string(), |v| format!("{v} ms"));
        for (tier, t) in &self.tiers {
            let share = 100.0 * t.requests as f64 / self.requests.max(1) as f64;
            out += &format!(
                "{tier:<6} {:>8}  {share:>4.0}%  {:>6}  {:>9} / {:<9} {:>7} / {}\n",
                t.requests,
                t.errors,
                ms(t.first_token_p50_ms),
                ms(t.first_token_p95_ms),
                ms(t.total_p50_ms),
                ms(t.total_p95_ms),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_of_known_instants() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400, 5), "2000-02-29T00:00:00.005Z");
        assert_eq!(rfc3339(1_798_761_599, 999), "2026-12-31T23:59:59.999Z");
    }

    #[test]
    fn redaction_keeps_the_reason_and_drops_the_quoted_words() {
        assert_eq!(
            redact(r#"words "capital", "what" and "x"#),
            r#"words "…", "…" and "…"#
        );
        assert_eq!(redact("learned first stage"), "learned first stage");
    }

    #[test]
    fn nearest_rank_percentiles() {
        let mut v: Vec<u64> = (1..=20).rev().collect();
        assert_eq!(pct(&mut v, 50), Some(10));
        assert_eq!(pct(&mut v, 95), Some(19));
        assert_eq!(pct(&mut [7], 95), Some(7));
        assert_eq!(pct(&mut [], 50), None);
    }

    #[test]
    fn a_partly_corrupt_log_counts_what_it_skips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decisions.jsonl");
        let good = Decision {
            time: "2026-01-01T00:00:00.000Z".into(),
            tier: Some(Tier::Code),
            total_ms: 40,
            first_token_ms: Some(10),
            ..Decision::default()
        };
        let line = serde_json::to_string(&good).unwrap();
        std::fs::write(&path, format!("{line}\n{{\"time\": 3\nnot json\n{line}\n")).unwrap();
        let s = summarise(&path, 2).unwrap();
        assert_eq!((s.requests, s.skipped_lines, s.corrections), (2, 2, 2));
        assert_eq!(s.tiers["code"].total_p95_ms, Some(40));
        assert!(s.render().contains("2 lines skipped"), "{}", s.render());
        let missing = summarise(&dir.path().join("none.jsonl"), 0).unwrap_err();
        assert!(missing.contains("log.decisions = true"), "{missing}");
    }
}
