//! The rate governor: keeps this server within a share of each of Okta's rate-limit buckets, so that bulk work
//! runs as fast as the org's limits allow without tripping them (and leaves room for the org's other
//! integrations).
//!
//! Okta's limits are per bucket (an endpoint family and method) and per org; they are not hard-coded here but
//! learnt from each answer's `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` headers. A bucket is known by the
//! operation's method and path template, the finest split Okta uses. Before a request goes out, the governor
//! counts what the bucket has used this window (from Okta's last word, plus requests still in flight) and, when
//! the next one would pass `share × limit`, waits for the window's reset. A concurrency cap bounds requests in
//! flight across all buckets. A 429 still waits for the reset (see `retry`), but a governed run should not see
//! one.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Default share of each bucket this server may use (`OKTA_RATE_SHARE`).
pub const DEFAULT_SHARE: f64 = 0.8;
/// Default cap of requests in flight (`OKTA_CONCURRENCY`).
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Waits longer than this are logged (and reported to whoever listens, e.g. as MCP progress).
pub const VISIBLE_WAIT: Duration = Duration::from_secs(1);
/// Slack after a window's reset before its budget is trusted again (Okta's clock and ours differ a little).
const RESET_SLACK: Duration = Duration::from_millis(500);

/// How the governor is set up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GovernorConfig {
    /// Share of each bucket's limit this server may use (0 < share ≤ 1).
    pub share: f64,
    /// Requests in flight at most, over all buckets.
    pub concurrency: usize,
}

impl Default for GovernorConfig {
    fn default() -> Self {
        GovernorConfig { share: DEFAULT_SHARE, concurrency: DEFAULT_CONCURRENCY }
    }
}

impl GovernorConfig {
    /// `OKTA_RATE_SHARE` (0 < s ≤ 1) and `OKTA_CONCURRENCY` (1 to 64) read through `get`.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut config = GovernorConfig::default();
        if let Some(value) = get("OKTA_RATE_SHARE").filter(|v| !v.trim().is_empty()) {
            config.share = value.trim().parse::<f64>().ok().filter(|s| *s > 0.0 && *s <= 1.0).ok_or_else(|| {
                format!("OKTA_RATE_SHARE `{value}`: a share of each rate limit, above 0 and at most 1 (e.g. 0.8)")
            })?;
        }
        if let Some(value) = get("OKTA_CONCURRENCY").filter(|v| !v.trim().is_empty()) {
            config.concurrency = value
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| format!("OKTA_CONCURRENCY `{value}`: requests in flight at most, 1 to 64"))?;
        }
        Ok(config)
    }
}

/// What the governor knows of one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketStatus {
    pub method: String,
    /// The operation's path template.
    pub template: String,
    /// Okta's limit for the window.
    pub limit: u64,
    /// What Okta said is left (at its last answer), less what is in flight since.
    pub remaining: u64,
    /// When the window resets (Unix seconds, Okta's clock).
    pub reset: u64,
    /// What this server may use of the window (`share × limit`).
    pub allowed: u64,
    /// Requests sent in this window and not yet answered.
    pub in_flight: u64,
}

#[derive(Debug, Clone)]
struct Bucket {
    limit: u64,
    remaining: u64,
    /// Okta's `X-Rate-Limit-Reset` (Unix seconds, its clock).
    reset: u64,
    /// The same moment on this machine's monotonic clock.
    reset_at: Instant,
    in_flight: u64,
}

impl Bucket {
    fn allowed(&self, share: f64) -> u64 {
        // At least one request a window, whatever the share.
        ((self.limit as f64 * share).floor() as u64).max(1)
    }

    fn used(&self) -> u64 {
        self.limit.saturating_sub(self.remaining) + self.in_flight
    }
}

/// A wait the governor imposed, for whoever wants to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Wait {
    pub method: String,
    pub template: String,
    pub duration: Duration,
}

/// Told about waits (e.g. to send MCP progress notifications).
pub trait WaitListener: Send + Sync + std::fmt::Debug {
    fn waiting(&self, wait: &Wait);
}

tokio::task_local! {
    static LISTENER: Arc<dyn WaitListener>;
}

/// Run `future` with `listener` told about every governor wait of its requests.
pub async fn with_wait_listener<F: std::future::Future>(listener: Arc<dyn WaitListener>, future: F) -> F::Output {
    LISTENER.scope(listener, future).await
}

/// The governor of one client (shared by its clones).
#[derive(Debug)]
pub struct Governor {
    config: GovernorConfig,
    buckets: Mutex<HashMap<(String, String), Bucket>>,
    slots: Arc<Semaphore>,
}

/// A request's place: its concurrency slot and its count in its bucket's window, given back when dropped.
#[derive(Debug)]
pub struct Ticket<'a> {
    governor: &'a Governor,
    key: (String, String),
    counted: bool,
    _slot: Option<OwnedSemaphorePermit>,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if self.counted {
            let mut buckets = self.governor.buckets.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(bucket) = buckets.get_mut(&self.key) {
                bucket.in_flight = bucket.in_flight.saturating_sub(1);
            }
        }
    }
}

impl Governor {
    pub fn new(config: GovernorConfig) -> Self {
        let slots = Arc::new(Semaphore::new(config.concurrency.max(1)));
        Governor { config, buckets: Mutex::default(), slots }
    }

    pub fn config(&self) -> GovernorConfig {
        self.config
    }

    /// Wait until a request to `method template` fits this server's share of its bucket and a concurrency slot is
    /// free; the ticket holds both until the answer is in. Err (nothing may be sent) when the share is used up
    /// until a reset further away than `max_wait`: the reset's distance.
    pub async fn admit(&self, method: &str, template: &str, max_wait: Duration) -> Result<Ticket<'_>, Duration> {
        let key = (method.to_owned(), template.to_owned());
        let started = Instant::now();
        loop {
            // Wait for the window first, holding no slot: a bulk run waiting for its bucket must not keep other
            // callers' requests (other buckets) out.
            if let Some(wait) = self.window_wait(&key) {
                if wait > max_wait {
                    return Err(wait);
                }
                self.announce(&key, wait, started);
                tokio::time::sleep(wait.max(Duration::from_millis(10))).await;
                continue;
            }
            // The semaphore is never closed (so this is always a slot).
            let slot = self.slots.clone().acquire_owned().await.ok();
            // While it waited for the slot, others may have used the window up: check again, and count.
            let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
            match buckets.get_mut(&key) {
                // Not seen yet: Okta's first answer tells the bucket.
                None => return Ok(Ticket { governor: self, key, counted: false, _slot: slot }),
                Some(bucket) => {
                    let now = Instant::now();
                    if now >= bucket.reset_at + RESET_SLACK {
                        // A new window: its budget is whole until Okta says otherwise.
                        bucket.remaining = bucket.limit;
                    }
                    if bucket.used() < bucket.allowed(self.config.share) || now >= bucket.reset_at + RESET_SLACK {
                        bucket.in_flight += 1;
                        return Ok(Ticket { governor: self, key, counted: true, _slot: slot });
                    }
                }
            }
        }
    }

    /// How long the bucket of `key` needs before another request fits this server's share (None: it fits now,
    /// or the bucket is not known yet).
    fn window_wait(&self, key: &(String, String)) -> Option<Duration> {
        let buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.get(key)?;
        let now = Instant::now();
        if now >= bucket.reset_at + RESET_SLACK || bucket.used() < bucket.allowed(self.config.share) {
            return None;
        }
        Some((bucket.reset_at + RESET_SLACK).saturating_duration_since(now))
    }

    fn announce(&self, key: &(String, String), wait: Duration, started: Instant) {
        if wait < VISIBLE_WAIT {
            return;
        }
        tracing::info!(
            method = %key.0,
            path = %key.1,
            wait_ms = wait.as_millis() as u64,
            waited_ms = started.elapsed().as_millis() as u64,
            "rate governor: waiting for Okta's rate-limit window to reset (this server keeps to {:.0}% of it)",
            self.config.share * 100.0
        );
        let wait = Wait { method: key.0.clone(), template: key.1.clone(), duration: wait };
        let _ = LISTENER.try_with(|listener| listener.waiting(&wait));
    }

    /// Learn the bucket from an answer's rate-limit headers (`now`: this machine's clock, for Okta's `Date`).
    pub fn observe(&self, method: &str, template: &str, headers: &HeaderMap, now: SystemTime) {
        let number =
            |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
        let (Some(limit), Some(remaining), Some(reset)) =
            (number("x-rate-limit-limit"), number("x-rate-limit-remaining"), number("x-rate-limit-reset"))
        else {
            return;
        };
        let date = headers
            .get("date")
            .and_then(|v| v.to_str().ok())
            .and_then(|d| httpdate::parse_http_date(d.trim()).ok())
            .unwrap_or(now);
        let okta_now = date.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let reset_at = Instant::now() + Duration::from_secs(reset.saturating_sub(okta_now));
        let key = (method.to_owned(), template.to_owned());
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry(key).or_insert(Bucket { limit, remaining, reset, reset_at, in_flight: 0 });
        if reset > bucket.reset || remaining < bucket.remaining || limit != bucket.limit {
            // A newer window, or fewer left in this one (answers may arrive out of order).
            bucket.limit = limit;
            bucket.remaining = remaining.min(limit);
            bucket.reset = reset;
            bucket.reset_at = reset_at;
        }
    }

    /// Every bucket seen, busiest first.
    pub fn status(&self) -> Vec<BucketStatus> {
        let buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        let mut out: Vec<BucketStatus> = buckets
            .iter()
            .map(|((method, template), b)| {
                let fresh = now >= b.reset_at + RESET_SLACK;
                BucketStatus {
                    method: method.clone(),
                    template: template.clone(),
                    limit: b.limit,
                    remaining: if fresh { b.limit } else { b.remaining.saturating_sub(b.in_flight) },
                    reset: b.reset,
                    allowed: b.allowed(self.config.share),
                    in_flight: b.in_flight,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            let used = |s: &BucketStatus| s.limit.saturating_sub(s.remaining) as f64 / s.limit.max(1) as f64;
            used(b).total_cmp(&used(a)).then_with(|| a.template.cmp(&b.template))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG: Duration = Duration::from_secs(60);

    fn headers(limit: u64, remaining: u64, reset: u64, date: u64) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-rate-limit-limit", limit.to_string().parse().expect("h"));
        h.insert("x-rate-limit-remaining", remaining.to_string().parse().expect("h"));
        h.insert("x-rate-limit-reset", reset.to_string().parse().expect("h"));
        h.insert("date", httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(date)).parse().expect("h"));
        h
    }

    #[test]
    fn the_environment_sets_share_and_concurrency() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
        };
        assert_eq!(GovernorConfig::from_lookup(env(&[])).ok(), Some(GovernorConfig::default()));
        let set = GovernorConfig::from_lookup(env(&[("OKTA_RATE_SHARE", "0.5"), ("OKTA_CONCURRENCY", "4")]));
        assert_eq!(set.ok(), Some(GovernorConfig { share: 0.5, concurrency: 4 }));
        for bad in ["0", "1.5", "half", "-1"] {
            let pairs: &'static [(&'static str, &'static str)] = Box::leak(Box::new([("OKTA_RATE_SHARE", bad)]));
            assert!(GovernorConfig::from_lookup(env(pairs)).is_err(), "{bad}");
        }
        assert!(GovernorConfig::from_lookup(env(&[("OKTA_CONCURRENCY", "0")])).is_err());
    }

    #[tokio::test]
    async fn a_bucket_is_used_up_to_the_share_then_waits_for_its_reset() {
        let governor = Governor::new(GovernorConfig { share: 0.5, concurrency: 4 });
        // Unknown bucket: no wait, not counted.
        drop(governor.admit("GET", "/api/v1/users", LONG).await.expect("admitted"));
        // Okta: 10 a window, 8 left, resets in 2 s. Half of 10 is 5; 2 are used: 3 more go at once.
        governor.observe("GET", "/api/v1/users", &headers(10, 8, 1_002, 1_000), SystemTime::now());
        let started = Instant::now();
        let mut tickets = Vec::new();
        for _ in 0..3 {
            tickets.push(governor.admit("GET", "/api/v1/users", LONG).await.expect("admitted"));
        }
        assert!(started.elapsed() < Duration::from_millis(100));
        let status = governor.status();
        assert_eq!((status[0].limit, status[0].allowed, status[0].in_flight), (10, 5, 3));
        // Their answers come in (Okta: 5 left); the 4th waits for the reset (2 s, plus the slack).
        governor.observe("GET", "/api/v1/users", &headers(10, 5, 1_002, 1_000), SystemTime::now());
        drop(tickets);
        let fourth = governor.admit("GET", "/api/v1/users", LONG).await.expect("admitted");
        assert!(started.elapsed() >= Duration::from_secs(2), "{:?}", started.elapsed());
        drop(fourth);
        // Another bucket is not held up by this one.
        governor.observe("POST", "/api/v1/groups", &headers(100, 99, 1_060, 1_000), SystemTime::now());
        let quick = Instant::now();
        drop(governor.admit("POST", "/api/v1/groups", LONG).await.expect("admitted"));
        assert!(quick.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn a_reset_further_than_the_longest_wait_is_refused_at_once() {
        let governor = Governor::new(GovernorConfig { share: 0.8, concurrency: 4 });
        governor.observe("GET", "/api/v1/users", &headers(1, 0, 1_600, 1_000), SystemTime::now());
        let started = Instant::now();
        let refused = governor.admit("GET", "/api/v1/users", Duration::from_secs(60)).await.err();
        assert!(refused.is_some_and(|wait| wait > Duration::from_secs(590)), "{refused:?}");
        assert!(started.elapsed() < Duration::from_millis(100));
        assert_eq!(governor.status()[0].in_flight, 0, "nothing counted");
    }

    #[tokio::test]
    async fn answers_out_of_order_do_not_raise_what_is_left() {
        let governor = Governor::new(GovernorConfig::default());
        governor.observe("GET", "/x", &headers(100, 50, 2_000, 1_990), SystemTime::now());
        governor.observe("GET", "/x", &headers(100, 60, 2_000, 1_990), SystemTime::now());
        assert_eq!(governor.status()[0].remaining, 50);
        // A new window does.
        governor.observe("GET", "/x", &headers(100, 99, 2_060, 2_001), SystemTime::now());
        assert_eq!((governor.status()[0].remaining, governor.status()[0].reset), (99, 2_060));
    }

    #[tokio::test]
    async fn a_bucket_waiting_for_its_window_holds_no_slot() {
        let governor = Arc::new(Governor::new(GovernorConfig { share: 0.5, concurrency: 1 }));
        // /busy: used up until a reset 2 s away. A request to it waits, but /other still gets the only slot.
        governor.observe("GET", "/busy", &headers(10, 0, 1_002, 1_000), SystemTime::now());
        let waiting = {
            let g = governor.clone();
            tokio::spawn(async move { g.admit("GET", "/busy", LONG).await.is_ok() })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let other = tokio::time::timeout(Duration::from_millis(200), governor.admit("GET", "/other", LONG)).await;
        assert!(other.is_ok_and(|t| t.is_ok()), "the other bucket's request went ahead");
        assert!(waiting.await.unwrap_or(false), "the waiting one is admitted after the reset");
    }

    #[tokio::test]
    async fn concurrency_is_capped() {
        let governor = Arc::new(Governor::new(GovernorConfig { share: 1.0, concurrency: 2 }));
        let a = governor.admit("GET", "/a", LONG).await;
        let b = governor.admit("GET", "/b", LONG).await;
        let third = tokio::time::timeout(Duration::from_millis(100), governor.admit("GET", "/c", LONG)).await;
        assert!(third.is_err(), "a third request waits for a slot");
        drop(a);
        let third = tokio::time::timeout(Duration::from_millis(100), governor.admit("GET", "/c", LONG)).await;
        assert!(third.is_ok());
        drop(b);
    }
}
