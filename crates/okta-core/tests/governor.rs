//! The rate governor against an Okta-like rate limit: a governed burst never sees a 429, keeps to its share of
//! each window, and announces its long waits.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use okta_core::governor::{GovernorConfig, Wait, WaitListener, with_wait_listener};
use okta_core::{ApiPath, Query};
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LIMIT: u64 = 10;
const WINDOW_SECS: u64 = 3;

/// Okta's limiter in miniature: LIMIT requests per aligned window, then 429; counts what each window took.
#[derive(Clone, Default)]
struct Limiter {
    windows: Arc<Mutex<Vec<(u64, u64)>>>,
    rejected: Arc<Mutex<u64>>,
}

impl Respond for Limiter {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let reset = (now / WINDOW_SECS + 1) * WINDOW_SECS;
        let mut windows = self.windows.lock().unwrap();
        if windows.last().is_none_or(|(r, _)| *r != reset) {
            windows.push((reset, 0));
        }
        let used = {
            let last = windows.last_mut().unwrap();
            last.1 += 1;
            last.1
        };
        let date = httpdate::fmt_http_date(SystemTime::now());
        let template = if used > LIMIT {
            *self.rejected.lock().unwrap() += 1;
            ResponseTemplate::new(429).set_body_json(serde_json::json!({"errorCode": "E0000047"}))
        } else {
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "00u1"}))
        };
        template
            .insert_header("x-rate-limit-limit", LIMIT.to_string().as_str())
            .insert_header("x-rate-limit-remaining", LIMIT.saturating_sub(used).to_string().as_str())
            .insert_header("x-rate-limit-reset", reset.to_string().as_str())
            .insert_header("date", date.as_str())
    }
}

#[derive(Debug, Default)]
struct Waits(Mutex<Vec<Wait>>);

impl WaitListener for Waits {
    fn waiting(&self, wait: &Wait) {
        self.0.lock().unwrap().push(wait.clone());
    }
}

#[tokio::test]
async fn a_governed_burst_keeps_to_its_share_and_never_sees_a_429() {
    let server = MockServer::start().await;
    let limiter = Limiter::default();
    Mock::given(method("GET")).and(path_regex("^/api/v1/users/")).respond_with(limiter.clone()).mount(&server).await;
    let mut options = common::fast_options();
    options.governor = GovernorConfig { share: 0.8, concurrency: 4 };
    let client = common::ssws_client_with(&server.uri(), options);
    let waits = Arc::new(Waits::default());

    let burst = async {
        let calls = (0..20).map(|i| {
            let client = client.clone();
            async move {
                let path = ApiPath::new("/api/v1/users/{id}", &[&format!("00u{i}")]).unwrap();
                client.get(&path, &Query::new()).await
            }
        });
        futures::future::join_all(calls).await
    };
    let results = with_wait_listener(waits.clone(), burst).await;

    assert!(results.iter().all(Result::is_ok), "every call succeeded");
    assert_eq!(*limiter.rejected.lock().unwrap(), 0, "no 429");
    let windows = limiter.windows.lock().unwrap().clone();
    let allowed = (LIMIT as f64 * 0.8) as u64;
    assert!(windows.iter().all(|(_, used)| *used <= allowed), "at most {allowed} a window: {windows:?}");
    assert!(windows.len() >= 3, "20 calls at 8 a window take three windows: {windows:?}");

    let status = client.rate_status();
    assert_eq!(status.len(), 1);
    assert_eq!((status[0].method.as_str(), status[0].template.as_str()), ("GET", "/api/v1/users/{id}"));
    assert_eq!((status[0].limit, status[0].allowed, status[0].in_flight), (LIMIT, allowed, 0));

    let waits = waits.0.lock().unwrap();
    assert!(!waits.is_empty(), "a wait for the next window was announced");
    assert!(waits.iter().all(|w| w.duration >= Duration::from_secs(1) && w.template == "/api/v1/users/{id}"));
}

#[tokio::test]
async fn the_concurrency_cap_bounds_requests_in_flight() {
    let server = MockServer::start().await;
    let slow = ResponseTemplate::new(200).set_body_json(serde_json::json!({})).set_delay(Duration::from_millis(150));
    Mock::given(method("GET")).respond_with(slow).mount(&server).await;
    let mut options = common::fast_options();
    options.governor = GovernorConfig { share: 0.8, concurrency: 2 };
    let client = common::ssws_client_with(&server.uri(), options);
    let started = std::time::Instant::now();
    let calls = (0..6).map(|i| {
        let client = client.clone();
        async move {
            let path = ApiPath::new("/api/v1/groups/{id}", &[&format!("00g{i}")]).unwrap();
            client.get(&path, &Query::new()).await
        }
    });
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    // Six 150 ms answers, two at a time: three rounds.
    assert!(started.elapsed() >= Duration::from_millis(440), "took {:?}", started.elapsed());
}
