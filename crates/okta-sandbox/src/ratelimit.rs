//! Fixed-window rate limits per endpoint family (users, groups, logs, sessions, apps, roles, token, default).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The endpoint families the sandbox meters separately.
pub const FAMILIES: [&str; 8] = ["users", "groups", "logs", "sessions", "apps", "roles", "token", "default"];

/// Default budget per window for a family.
pub fn default_limit(family: &str) -> u32 {
    match family {
        "users" => 600,
        _ => 1200,
    }
}

#[derive(Debug, Clone)]
struct Bucket {
    limit: u32,
    window: Duration,
    start: Option<(Instant, i64)>,
    count: u32,
}

/// Outcome of one rate-limit check, with the values for the `X-Rate-Limit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// UTC epoch seconds at which the window resets.
    pub reset: i64,
}

/// Fixed-window counters, one per family.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    buckets: BTreeMap<String, Bucket>,
}

impl RateLimiter {
    pub fn new(limits: &BTreeMap<String, u32>, window_secs: u64) -> Self {
        let window = Duration::from_secs(window_secs.max(1));
        let mut buckets = BTreeMap::new();
        for family in FAMILIES {
            let limit = limits.get(family).copied().unwrap_or_else(|| default_limit(family));
            buckets.insert(family.to_string(), Bucket { limit, window, start: None, count: 0 });
        }
        Self { buckets }
    }

    /// Change one family's budget and window and start a fresh window.
    pub fn configure(&mut self, family: &str, limit: u32, window_secs: Option<u64>) {
        let fallback = self.buckets.get("default").map(|b| b.window).unwrap_or(Duration::from_secs(60));
        let bucket = self.buckets.entry(family.to_string()).or_insert_with(|| Bucket {
            limit,
            window: fallback,
            start: None,
            count: 0,
        });
        bucket.limit = limit;
        if let Some(w) = window_secs {
            bucket.window = Duration::from_secs(w.max(1));
        }
        bucket.start = None;
        bucket.count = 0;
    }

    /// Forget all counters (keeps budgets).
    pub fn reset_counters(&mut self) {
        for b in self.buckets.values_mut() {
            b.start = None;
            b.count = 0;
        }
    }

    /// Count one request of `family` at (`now`, `now_epoch` seconds).
    pub fn check(&mut self, family: &str, now: Instant, now_epoch: i64) -> Decision {
        let key = if self.buckets.contains_key(family) { family } else { "default" };
        let Some(bucket) = self.buckets.get_mut(key) else {
            return Decision { allowed: true, limit: 0, remaining: 0, reset: now_epoch };
        };
        let expired = match bucket.start {
            Some((start, _)) => now.duration_since(start) >= bucket.window,
            None => true,
        };
        if expired {
            bucket.start = Some((now, now_epoch));
            bucket.count = 0;
        }
        let start_epoch = bucket.start.map(|(_, e)| e).unwrap_or(now_epoch);
        let window_secs = i64::try_from(bucket.window.as_secs()).unwrap_or(60);
        let reset = start_epoch + window_secs;
        if bucket.count >= bucket.limit {
            return Decision { allowed: false, limit: bucket.limit, remaining: 0, reset };
        }
        bucket.count += 1;
        Decision { allowed: true, limit: bucket.limit, remaining: bucket.limit - bucket.count, reset }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_then_429_then_reset() {
        let mut limits = BTreeMap::new();
        limits.insert("users".to_string(), 2);
        let mut rl = RateLimiter::new(&limits, 10);
        let t0 = Instant::now();
        let d1 = rl.check("users", t0, 1000);
        assert!(d1.allowed);
        assert_eq!((d1.limit, d1.remaining, d1.reset), (2, 1, 1010));
        let d2 = rl.check("users", t0 + Duration::from_secs(1), 1001);
        assert!(d2.allowed);
        assert_eq!(d2.remaining, 0);
        let d3 = rl.check("users", t0 + Duration::from_secs(2), 1002);
        assert!(!d3.allowed);
        assert_eq!((d3.remaining, d3.reset), (0, 1010));
        // other families are independent
        assert!(rl.check("groups", t0, 1000).allowed);
        // after the window, a new budget
        let d4 = rl.check("users", t0 + Duration::from_secs(10), 1010);
        assert!(d4.allowed);
        assert_eq!((d4.remaining, d4.reset), (1, 1020));
    }

    #[test]
    fn configure_and_unknown_family() {
        let mut rl = RateLimiter::new(&BTreeMap::new(), 60);
        let t0 = Instant::now();
        assert_eq!(rl.check("users", t0, 0).limit, 600);
        assert_eq!(rl.check("nope", t0, 0).limit, 1200);
        rl.configure("logs", 1, Some(1));
        assert!(rl.check("logs", t0, 0).allowed);
        assert!(!rl.check("logs", t0, 0).allowed);
        assert!(rl.check("logs", t0 + Duration::from_secs(1), 1).allowed);
    }
}
