//! Prometheus metrics (`/metrics` over HTTP): tool calls by tool and outcome, Okta requests by operation and
//! status with their latency, the rate-limit headroom Okta reports, confirmations asked and answered, and inbound
//! auth refusals. Labels are tool names, path templates, statuses and fixed words: never ids, people or
//! arguments, so the series stay few and say nothing private.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolLabels {
    tool: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolName {
    tool: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OktaLabels {
    method: String,
    endpoint: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Endpoint {
    method: String,
    endpoint: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Step {
    step: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reason {
    reason: String,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 14))
}

struct Metrics {
    registry: Registry,
    tool_calls: Family<ToolLabels, Counter>,
    tool_seconds: Histograms<ToolName>,
    okta_requests: Family<OktaLabels, Counter>,
    okta_seconds: Histograms<Endpoint>,
    rate_limit: Family<Endpoint, Gauge>,
    rate_remaining: Family<Endpoint, Gauge>,
    confirmations: Family<Step, Counter>,
    auth_rejections: Family<Reason, Counter>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("okta_mcp");
    let m = Metrics {
        tool_calls: Family::default(),
        tool_seconds: Family::new_with_constructor(latency),
        okta_requests: Family::default(),
        okta_seconds: Family::new_with_constructor(latency),
        rate_limit: Family::default(),
        rate_remaining: Family::default(),
        confirmations: Family::default(),
        auth_rejections: Family::default(),
        registry: Registry::default(),
    };
    registry.register("tool_calls", "MCP tool calls by tool and outcome", m.tool_calls.clone());
    registry.register("tool_call_duration_seconds", "Time to answer a tool call", m.tool_seconds.clone());
    registry.register("okta_requests", "Okta API requests by operation and HTTP status", m.okta_requests.clone());
    registry.register("okta_request_duration_seconds", "Okta API request latency", m.okta_seconds.clone());
    registry.register("okta_rate_limit", "X-Rate-Limit-Limit last reported by Okta", m.rate_limit.clone());
    registry.register(
        "okta_rate_limit_remaining",
        "X-Rate-Limit-Remaining last reported by Okta",
        m.rate_remaining.clone(),
    );
    registry.register(
        "confirmations",
        "Confirmations of changes: asked, and how they were answered",
        m.confirmations.clone(),
    );
    registry.register("http_auth_rejections", "HTTP requests refused by inbound auth", m.auth_rejections.clone());
    Metrics { registry, ..m }
});

/// A tool call was answered.
pub fn tool_call(tool: &str, outcome: &str, elapsed: Duration) {
    let m = &*METRICS;
    m.tool_calls.get_or_create(&ToolLabels { tool: tool.to_owned(), outcome: outcome.to_owned() }).inc();
    m.tool_seconds.get_or_create(&ToolName { tool: tool.to_owned() }).observe(elapsed.as_secs_f64());
}

/// A confirmation step: `asked`, or the answer (`accepted`, `declined`, `cancelled`, `approved`, `rejected`,
/// `timed_out`, `token_redeemed`).
pub fn confirmation(step: &str) {
    METRICS.confirmations.get_or_create(&Step { step: step.to_owned() }).inc();
}

/// Inbound auth refused a request (`missing_token`, `invalid_token`, `insufficient_scope`, `no_role`, …).
pub fn auth_rejected(reason: &str) {
    METRICS.auth_rejections.get_or_create(&Reason { reason: reason.to_owned() }).inc();
}

/// The metrics in the Prometheus text format.
pub fn render() -> String {
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &METRICS.registry).is_err() {
        text.clear();
    }
    text
}

/// Feeds Okta request outcomes into the metrics (set on every client the server builds).
#[derive(Debug, Default)]
pub struct OktaObserver;

impl okta_core::Observer for OktaObserver {
    fn observe(&self, attempt: &okta_core::Observed<'_>) {
        let m = &*METRICS;
        let endpoint = Endpoint { method: attempt.method.to_owned(), endpoint: attempt.template.to_owned() };
        let status = attempt.status.map_or_else(|| "none".to_owned(), |s| s.to_string());
        m.okta_requests
            .get_or_create(&OktaLabels { method: endpoint.method.clone(), endpoint: endpoint.endpoint.clone(), status })
            .inc();
        m.okta_seconds.get_or_create(&endpoint).observe(attempt.elapsed.as_secs_f64());
        if let Some((limit, remaining)) = attempt.rate_limit {
            m.rate_limit.get_or_create(&endpoint).set(i64::try_from(limit).unwrap_or(i64::MAX));
            m.rate_remaining.get_or_create(&endpoint).set(i64::try_from(remaining).unwrap_or(i64::MAX));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_render_in_the_text_format() {
        tool_call("okta_list_users", "executed", Duration::from_millis(12));
        confirmation("asked");
        okta_core::Observer::observe(
            &OktaObserver,
            &okta_core::Observed {
                method: "GET",
                template: "/api/v1/users",
                status: Some(200),
                elapsed: Duration::from_millis(3),
                rate_limit: Some((600, 598)),
            },
        );
        let text = render();
        for line in [
            "okta_mcp_tool_calls_total{tool=\"okta_list_users\",outcome=\"executed\"} 1",
            "okta_mcp_okta_requests_total{method=\"GET\",endpoint=\"/api/v1/users\",status=\"200\"} 1",
            "okta_mcp_okta_rate_limit_remaining{method=\"GET\",endpoint=\"/api/v1/users\"} 598",
            "okta_mcp_confirmations_total{step=\"asked\"} 1",
        ] {
            assert!(text.contains(line), "{line} in\n{text}");
        }
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
