//! Corrections that teach the first stage. `superhelfer route --prefer TIER "query"`
//! keeps the query and the tier the user wanted in the XDG state directory
//! (`$XDG_STATE_HOME/superhelfer/corrections.jsonl`, else
//! `~/.local/state/superhelfer/…`); a later query whose hashed features are close to
//! a kept one (cosine over the body features of [`super::features::hashed`]) moves
//! towards that tier, and the reasons say "like your correction of …".
//! `route --forget` deletes them. The file is re-read only when it changes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use super::features::{self, Part};
use super::{decide_tier, round3, TierProbabilities};
use crate::engine::analyzer::{Analysis, AnalyzerSettings};
use crate::engine::tier::Tier;

/// At or above this similarity a correction starts to pull.
const PULL_FROM: f64 = 0.5;
/// At or above this similarity a correction decides alone.
const DECIDE_FROM: f64 = 0.8;
/// Corrections kept (the oldest are dropped).
const KEEP: usize = 1000;

/// One kept correction.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Correction {
    pub q: String,
    pub tier: Tier,
    /// Seconds since the Unix epoch.
    #[serde(default)]
    pub time: u64,
}

/// `$XDG_STATE_HOME/superhelfer/corrections.jsonl`, else under `~/.local/state`.
pub fn state_file() -> Option<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".local/state"),
    };
    Some(base.join("superhelfer").join("corrections.jsonl"))
}

/// Reads the corrections; unreadable lines are skipped (and logged), a missing
/// file is none.
pub fn load(path: &Path) -> Vec<Correction> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| match serde_json::from_str(l) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::warn!("{}: skipping a correction: {e}", path.display());
                None
            }
        })
        .collect()
}

/// Keeps `query → tier`, replacing an earlier correction of the same query.
pub fn record(path: &Path, query: &str, tier: Tier) -> std::io::Result<()> {
    let mut all: Vec<Correction> = load(path).into_iter().filter(|c| c.q != query).collect();
    let time = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    all.push(Correction {
        q: query.to_string(),
        tier,
        time,
    });
    let skip = all.len().saturating_sub(KEEP);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("jsonl.tmp");
    let mut f = std::fs::File::create(&tmp)?;
    for c in &all[skip..] {
        writeln!(
            f,
            "{}",
            serde_json::to_string(c).map_err(std::io::Error::other)?
        )?;
    }
    f.sync_all()?;
    std::fs::rename(tmp, path)
}

/// Deletes the corrections; returns how many there were.
pub fn forget(path: &Path) -> std::io::Result<usize> {
    let n = load(path).len();
    match std::fs::remove_file(path) {
        Ok(()) => Ok(n),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e),
    }
}

/// Sorted, distinct body features of a text.
fn feature_set(text: &str) -> Vec<u32> {
    let mut v = Vec::new();
    features::hashed(
        text,
        |i, part| {
            if part == Part::Body {
                v.push(i)
            }
        },
        |_| {},
    );
    v.sort_unstable();
    v.dedup();
    v
}

/// Cosine similarity of two feature sets.
fn similarity(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / ((a.len() * b.len()) as f64).sqrt()
}

/// Corrections with their feature sets, ready for nearest-neighbour look-ups.
#[derive(Default)]
pub struct Neighbours {
    items: Vec<(Vec<u32>, Correction)>,
}

impl Neighbours {
    pub fn new(corrections: Vec<Correction>) -> Self {
        Self {
            items: corrections
                .into_iter()
                .map(|c| (feature_set(&c.q), c))
                .collect(),
        }
    }

    /// The most similar correction and its similarity.
    pub fn nearest(&self, query: &str) -> Option<(f64, &Correction)> {
        if self.items.is_empty() {
            return None;
        }
        let q = feature_set(query);
        self.items
            .iter()
            .map(|(f, c)| (similarity(&q, f), c))
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// Moves `analysis` towards the nearest correction when it is similar enough.
    pub fn apply(
        &self,
        query: &str,
        mut analysis: Analysis,
        settings: &AnalyzerSettings,
    ) -> Analysis {
        let (Some(p), Some((sim, c))) = (analysis.probabilities, self.nearest(query)) else {
            return analysis;
        };
        if sim < PULL_FROM {
            return analysis;
        }
        let pull = ((sim - PULL_FROM) / (DECIDE_FROM - PULL_FROM)).clamp(0.0, 1.0);
        let mix = |t: Tier, v: f64| (1.0 - pull) * v + if c.tier == t { pull } else { 0.0 };
        let moved = TierProbabilities {
            fast: mix(Tier::Fast, p.fast),
            code: mix(Tier::Code, p.code),
            heavy: mix(Tier::Heavy, p.heavy),
        };
        let tier = decide_tier(&moved, settings);
        let shown: String = c.q.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut short: String = shown.chars().take(60).collect();
        if shown.chars().count() > 60 {
            short.push('…');
        }
        analysis.reasons.insert(
            0,
            format!(
                "like your correction of \"{short}\" to {} (similarity {sim:.2})",
                c.tier
            ),
        );
        analysis.tier = tier;
        analysis.confidence = round3(moved.get(analysis.tier));
        analysis.complexity = round3(moved.heavy);
        analysis.probabilities = Some(moved);
        analysis
    }
}

/// Applies the corrections kept in the state file (re-read when it changes).
pub fn apply_saved(query: &str, analysis: Analysis, settings: &AnalyzerSettings) -> Analysis {
    type Cache = Option<(PathBuf, Option<SystemTime>, Neighbours)>;
    static CACHE: Mutex<Cache> = Mutex::new(None);
    let Some(path) = state_file() else {
        return analysis;
    };
    let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
    let Ok(mut cache) = CACHE.lock() else {
        return analysis;
    };
    let stale = !matches!(&*cache, Some((p, t, _)) if *p == path && *t == mtime);
    if stale {
        let n = if mtime.is_some() {
            Neighbours::new(load(&path))
        } else {
            Neighbours::default()
        };
        *cache = Some((path, mtime, n));
    }
    match &*cache {
        Some((_, _, n)) => n.apply(query, analysis, settings),
        None => analysis,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_queries_are_near_and_others_are_not() {
        let a = feature_set("my disk is full, what is eating the space");
        let b = feature_set("my disk is full what's eating all the space?");
        let c = feature_set("write a toast for my brother's birthday");
        assert!(similarity(&a, &b) > 0.7, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.3, "{}", similarity(&a, &c));
        assert_eq!(similarity(&a, &[]), 0.0);
    }

    #[test]
    fn record_replaces_and_forget_counts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s/corrections.jsonl");
        record(&path, "q one", Tier::Heavy).unwrap();
        record(&path, "q one", Tier::Code).unwrap();
        record(&path, "q two", Tier::Fast).unwrap();
        let all = load(&path);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].tier, Tier::Code);
        assert_eq!(forget(&path).unwrap(), 2);
        assert_eq!(forget(&path).unwrap(), 0);
    }
}
