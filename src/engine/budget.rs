//! A request's time: one deadline (the tier's `timeout_s` from the start, plus the time
//! spent waiting for the user), the share of it a check before the model call may wait,
//! and the deadlines of one model call cut to it.

use std::time::{Duration, Instant};

use crate::backends::TimeoutPhase;
use crate::config::TierConfig;

/// The time a request may still take: its tier's `timeout_s` from the start, plus the
/// time spent waiting for the user.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub started: Instant,
    pub paused: Duration,
    pub limit_s: u64,
}

impl Budget {
    pub fn deadline(&self) -> Instant {
        let end = after(self.started, self.limit_s);
        end.checked_add(self.paused).unwrap_or(end)
    }

    pub fn left(&self) -> Duration {
        self.deadline().saturating_duration_since(Instant::now())
    }

    /// What a check before the model call may wait: a quarter of what is left, so that a
    /// hung probe or driver leaves the model (and the retry on fast) most of the time.
    pub fn for_checks(&self) -> Duration {
        self.left() / 4
    }
}

/// The deadlines of one model call, each with the limit that an expiry names.
pub(crate) struct Limits {
    pub first: (Instant, TimeoutPhase, u64),
    pub total: (Instant, TimeoutPhase, u64),
}

impl Limits {
    /// The tier's own limits counted from now, cut to the request's deadline. Whichever
    /// comes first bounds the wait for the first token; the error names it.
    pub fn new(t: &TierConfig, budget: &Budget) -> Limits {
        use TimeoutPhase::{FirstToken, Total};
        let t0 = Instant::now();
        let request_end = budget.deadline();
        let tier_end = after(t0, t.timeout_s);
        let total = if tier_end <= request_end {
            (tier_end, Total, t.timeout_s)
        } else {
            (request_end, Total, budget.limit_s)
        };
        let first_token = after(t0, t.first_token_timeout_s);
        let first = if first_token <= total.0 {
            (first_token, FirstToken, t.first_token_timeout_s)
        } else {
            total
        };
        Limits { first, total }
    }
}

/// `from + secs`, or a far future where that does not fit the clock (never a panic; the
/// configuration caps limits at a day anyway).
pub(crate) fn after(from: Instant, secs: u64) -> Instant {
    from.checked_add(Duration::from_secs(secs))
        .or_else(|| from.checked_add(Duration::from_secs(crate::config::MAX_TIMEOUT_S)))
        .unwrap_or(from)
}
