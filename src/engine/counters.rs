//! Routing decisions counted for `status`: requests per tier, fallbacks, timeouts, latencies.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::request::Outcome;
use super::tier::Tier;

#[derive(Debug, Default)]
pub struct Counters {
    inner: Mutex<BTreeMap<Tier, TierCounters>>,
    /// Models loaded ahead of a request (`engine/warm.rs`).
    warm_ups: AtomicU64,
    /// When each model was last warmed ahead (tried), to do it at most once in a while.
    warmed_at: Mutex<HashMap<String, Instant>>,
}

/// Counts for one tier. `chosen` counts the router's decisions, `answered` the answers the
/// tier actually gave (after substitution or fallback).
#[derive(Debug, Default, Clone, Serialize, PartialEq)]
pub struct TierCounters {
    pub chosen: u64,
    pub answered: u64,
    pub fallbacks_from: u64,
    pub failures: u64,
    pub timeouts: u64,
    pub cancelled: u64,
    pub first_token_ms_avg: Option<u64>,
    pub total_ms_avg: Option<u64>,
    pub total_ms_max: u64,
    #[serde(skip)]
    first_token_sum: u64,
    #[serde(skip)]
    first_token_n: u64,
    #[serde(skip)]
    total_sum: u64,
}

impl Counters {
    fn with(&self, tier: Tier, f: impl FnOnce(&mut TierCounters)) {
        let mut map = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(map.entry(tier).or_default());
    }

    /// The router chose this tier for a request (whatever happens next).
    pub fn record_chosen(&self, tier: Tier) {
        self.with(tier, |c| c.chosen += 1);
    }

    pub fn record_success(&self, o: &Outcome) {
        if o.fallback_reason.is_some() {
            self.with(o.tier_chosen, |c| c.fallbacks_from += 1);
        }
        self.with(o.tier_used, |c| {
            c.answered += 1;
            if let Some(ft) = o.first_token_ms {
                c.first_token_sum += ft;
                c.first_token_n += 1;
                c.first_token_ms_avg = Some(c.first_token_sum / c.first_token_n);
            }
            c.total_sum += o.total_ms;
            c.total_ms_avg = Some(c.total_sum / c.answered);
            c.total_ms_max = c.total_ms_max.max(o.total_ms);
        });
    }

    pub fn record_failure(&self, tier: Tier, timeout: bool) {
        self.with(tier, |c| {
            c.failures += 1;
            if timeout {
                c.timeouts += 1;
            }
        });
    }

    pub fn record_cancelled(&self, tier: Tier) {
        self.with(tier, |c| c.cancelled += 1);
    }

    /// Claims a warm-up of `model`: false when one was tried less than `within` ago.
    pub fn claim_warm_up(&self, model: &str, within: Duration) -> bool {
        let mut map = self.warmed_at.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if map
            .get(model)
            .is_some_and(|at| now.duration_since(*at) < within)
        {
            return false;
        }
        map.insert(model.to_string(), now);
        true
    }

    pub fn record_warm_up(&self) {
        self.warm_ups.fetch_add(1, Ordering::Relaxed);
    }

    pub fn warm_ups(&self) -> u64 {
        self.warm_ups.load(Ordering::Relaxed)
    }

    pub fn snapshot(&self) -> BTreeMap<Tier, TierCounters> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}
