//! How a bulk run goes: items at once (the rate governor's concurrency cap; the governor paces each request
//! within its share of Okta's limits), the requests it made, the highest use of any rate-limit bucket seen, and
//! progress notifications at most every percent or second.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use okta_mcp_kit::ToolContext;
use okta_mcp_kit::okta::Okta;
use serde_json::{Value, json};

/// Items run at once: the governor's concurrency cap.
pub fn concurrency(okta: &Okta) -> usize {
    okta.governor_config().concurrency.max(1)
}

#[derive(Debug, Clone)]
struct Peak {
    method: String,
    template: String,
    used: u64,
    limit: u64,
}

/// The measure of one run.
#[derive(Debug)]
pub struct Meter {
    started: Instant,
    requests: AtomicU64,
    peak: Mutex<Option<Peak>>,
    last_report: Mutex<(Instant, u64)>,
}

impl Default for Meter {
    fn default() -> Self {
        Meter::new()
    }
}

impl Meter {
    pub fn new() -> Self {
        let now = Instant::now();
        Meter { started: now, requests: AtomicU64::new(0), peak: Mutex::new(None), last_report: Mutex::new((now, 0)) }
    }

    /// `n` more requests sent to Okta.
    pub fn count(&self, n: u64) {
        self.requests.fetch_add(n, Ordering::Relaxed);
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Note the buckets' use now.
    pub fn sample(&self, okta: &Okta) {
        let mut peak = self.peak.lock().unwrap_or_else(PoisonError::into_inner);
        for b in okta.rate_status() {
            if b.limit == 0 {
                continue;
            }
            let used = b.limit.saturating_sub(b.remaining);
            let higher = peak.as_ref().is_none_or(|p| used as f64 / b.limit as f64 > p.used as f64 / p.limit as f64);
            if higher {
                *peak = Some(Peak { method: b.method.clone(), template: b.template.clone(), used, limit: b.limit });
            }
        }
    }

    /// `done` of `total` items: a progress notification when a percent or a second has passed since the last.
    pub fn progress(&self, ctx: &ToolContext, done: usize, total: usize, what: &str) {
        let mut last = self.last_report.lock().unwrap_or_else(PoisonError::into_inner);
        let step = (total as u64 / 100).max(1);
        let now = Instant::now();
        if done as u64 >= last.1 + step || now.duration_since(last.0) >= Duration::from_secs(1) || done == total {
            *last = (now, done as u64);
            drop(last);
            ctx.progress.report(done as f64, Some(total as f64), format!("{done}/{total} {what}"));
        }
    }

    /// Elapsed time, requests, and the peak bucket use against the governor's share.
    pub fn summary(&self, okta: &Okta) -> Value {
        self.sample(okta);
        let elapsed = self.started.elapsed().as_secs_f64();
        let share = okta.governor_config().share;
        let peak = self.peak.lock().unwrap_or_else(PoisonError::into_inner).clone();
        json!({
            "elapsed_s": (elapsed * 10.0).round() / 10.0,
            "requests": self.requests(),
            "peak_bucket": peak.map(|p| json!({
                "bucket": format!("{} {}", p.method, p.template),
                "used": p.used,
                "limit": p.limit,
                "use": ((p.used as f64 / p.limit as f64) * 100.0).round() / 100.0,
                "governor_share": share,
            })),
        })
    }
}
