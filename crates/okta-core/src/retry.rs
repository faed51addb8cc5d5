//! Retry policy: which failures are retried, and how long to wait.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use backon::ExponentialBuilder;
use reqwest::header::HeaderMap;

/// First delay of the exponential backoff for 5xx and connection errors.
pub(crate) const BACKOFF_MIN: Duration = Duration::from_millis(200);
/// Largest single backoff delay for 5xx and connection errors.
pub(crate) const BACKOFF_MAX: Duration = Duration::from_secs(5);

/// How a failed attempt may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryHint {
    /// Not retryable.
    Never,
    /// Retry after the exponential backoff delay.
    Backoff,
    /// Retry after exactly this long (429 with `X-Rate-Limit-Reset`).
    After(Duration),
}

/// Exponential backoff: 200 ms, ×2, with jitter, at most `max_retries` retries.
pub(crate) fn backoff(max_retries: usize) -> ExponentialBuilder {
    ExponentialBuilder::default()
        .with_min_delay(BACKOFF_MIN)
        .with_factor(2.0)
        .with_max_delay(BACKOFF_MAX)
        .with_jitter()
        .with_max_times(max_retries)
}

/// Methods whose 5xx/connection failures are retried (never POST).
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    matches!(*method, reqwest::Method::GET | reqwest::Method::PUT | reqwest::Method::DELETE | reqwest::Method::HEAD)
}

/// 5xx statuses worth retrying.
pub(crate) fn is_retryable_server_error(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

/// Wait before retrying a 429: `X-Rate-Limit-Reset − Date + 1 s` (Okta Go SDK algorithm),
/// measured against the local clock `now` when `Date` is missing or unparsable.
/// `None` when `X-Rate-Limit-Reset` is missing or unparsable.
pub(crate) fn rate_limit_wait(reset: Option<&str>, date: Option<&str>, now: SystemTime) -> Option<Duration> {
    let reset: u64 = reset?.trim().parse().ok()?;
    let base = date.and_then(|d| httpdate::parse_http_date(d.trim()).ok()).unwrap_or(now);
    let base_secs = base.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    Some(Duration::from_secs(reset.saturating_sub(base_secs) + 1))
}

/// The retry decision for a 429 response.
pub(crate) fn rate_limit_hint(headers: &HeaderMap, max_wait: Duration, now: SystemTime) -> RetryHint {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    match rate_limit_wait(header("x-rate-limit-reset"), header("date"), now) {
        Some(wait) if wait <= max_wait => RetryHint::After(wait),
        Some(_) => RetryHint::Never,
        None => RetryHint::Backoff,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn wait_is_reset_minus_date_plus_one() {
        let date = httpdate::fmt_http_date(at(1_773_221_190));
        assert_eq!(rate_limit_wait(Some("1773221199"), Some(&date), at(0)), Some(Duration::from_secs(10)));
        // Reset already passed by the server clock: wait one second.
        assert_eq!(rate_limit_wait(Some("1773221100"), Some(&date), at(0)), Some(Duration::from_secs(1)));
    }

    #[test]
    fn falls_back_to_local_clock() {
        assert_eq!(rate_limit_wait(Some("1000"), None, at(995)), Some(Duration::from_secs(6)));
        assert_eq!(rate_limit_wait(Some("1000"), Some("not a date"), at(998)), Some(Duration::from_secs(3)));
        assert_eq!(rate_limit_wait(None, None, at(1)), None);
        assert_eq!(rate_limit_wait(Some("soon"), None, at(1)), None);
    }

    #[test]
    fn hint_is_capped() {
        let mut headers = HeaderMap::new();
        headers.insert("date", httpdate::fmt_http_date(at(1000)).parse().unwrap());
        headers.insert("x-rate-limit-reset", "1030".parse().unwrap());
        let now = at(0);
        assert_eq!(rate_limit_hint(&headers, Duration::from_secs(60), now), RetryHint::After(Duration::from_secs(31)));
        assert_eq!(rate_limit_hint(&headers, Duration::from_secs(30), now), RetryHint::Never);
        headers.remove("x-rate-limit-reset");
        assert_eq!(rate_limit_hint(&headers, Duration::from_secs(30), now), RetryHint::Backoff);
    }

    #[test]
    fn idempotency() {
        assert!(is_idempotent(&reqwest::Method::GET));
        assert!(is_idempotent(&reqwest::Method::PUT));
        assert!(is_idempotent(&reqwest::Method::DELETE));
        assert!(!is_idempotent(&reqwest::Method::POST));
        assert!(!is_idempotent(&reqwest::Method::PATCH));
        assert!(is_retryable_server_error(503));
        assert!(!is_retryable_server_error(501));
    }
}
