//! Insight: the questions admins ask that span several APIs, answered in one call each, read-only and bounded
//! (caps, compact rows, a cursor where a list can grow), fanning out concurrently under the rate governor. A part
//! Okta cannot answer does not sink the rest: the answer says which parts needed the Identity Governance license
//! (Okta's E0000015) or could not be read, and why.

mod changes;
mod coverage;
mod dashboard;
mod investigate;
mod score;
mod sod;

use futures::StreamExt;
use okta_core::Query;
use okta_mcp_kit::okta::NO_LICENSE_CODE;
use okta_mcp_kit::{ToolContext, ToolDef, ToolError, ops};
use serde_json::{Value, json};

pub fn tools() -> Vec<ToolDef> {
    vec![investigate::tool(), changes::tool(), dashboard::tool(), sod::tool(), coverage::tool(), score::tool()]
}

/// Requests at once within one fan-out: the rate governor's concurrency cap.
fn concurrency(ctx: &ToolContext) -> usize {
    ctx.okta.governor_config().concurrency.max(1)
}

/// `f` on every item, `concurrency` at once; answers in the items' order.
async fn fan_out<I, T, F, Fut>(ctx: &ToolContext, items: Vec<I>, f: F) -> Vec<T>
where
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    futures::stream::iter(items).map(f).buffered(concurrency(ctx)).collect().await
}

/// [`fan_out`] for the long reads of a call, reported as MCP progress (`what`: "entitlement reads") at most
/// every tenth of the way.
async fn fan_out_reporting<I, T, F, Fut>(ctx: &ToolContext, items: Vec<I>, what: &str, f: F) -> Vec<T>
where
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let total = items.len();
    let step = (total / 10).max(1);
    let mut done = 0usize;
    futures::stream::iter(items)
        .map(f)
        .buffered(concurrency(ctx))
        .inspect(|_| {
            done += 1;
            if done.is_multiple_of(step) || done == total {
                ctx.progress.report(done as f64, Some(total as f64), format!("{done}/{total} {what}"));
            }
        })
        .collect()
        .await
}

/// Whether Okta refused a governance read because the org has no Identity Governance license.
fn unlicensed(e: &ToolError) -> bool {
    match e {
        ToolError::Refused(m) => m.contains(NO_LICENSE_CODE) && m.contains("Identity Governance"),
        ToolError::Okta(o) => o.error_code() == Some(NO_LICENSE_CODE),
        _ => false,
    }
}

/// The parts of an answer Okta could not give, and why.
#[derive(Debug, Default)]
struct Gaps {
    needs_license: Vec<&'static str>,
    unavailable: Vec<Value>,
}

impl Gaps {
    /// The part's answer, or nothing, noting why.
    fn take<T>(&mut self, part: &'static str, answer: Result<T, ToolError>) -> Option<T> {
        match answer {
            Ok(v) => Some(v),
            Err(e) => {
                self.note(part, &e);
                None
            }
        }
    }

    fn note(&mut self, part: &'static str, e: &ToolError) {
        if unlicensed(e) {
            if !self.needs_license.contains(&part) {
                self.needs_license.push(part);
            }
        } else {
            self.unavailable.push(json!({"part": part, "reason": e.to_string()}));
        }
    }

    /// Added to an answer: `needs_license` and `unavailable` when there are some.
    fn into_answer(self, answer: &mut Value) {
        if !self.needs_license.is_empty() {
            answer["needs_license"] = json!({
                "parts": self.needs_license,
                "why": format!("Okta answered {NO_LICENSE_CODE}: these parts need the Okta Identity Governance \
                                license; the rest of the answer does not"),
            });
        }
        if !self.unavailable.is_empty() {
            answer["unavailable"] = Value::Array(self.unavailable);
        }
    }
}

/// An RFC 3339 time of an answer (`r.get("created")`), in UTC.
fn time_of(v: Option<&Value>) -> Option<chrono::DateTime<chrono::Utc>> {
    v.and_then(Value::as_str)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// A count argument: `default` when not given, else 1 to `max`; anything else is refused before a request is sent.
fn count_arg(name: &str, value: Option<u32>, default: u32, max: u32) -> Result<u32, ToolError> {
    match value {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ToolError::invalid_arguments(format!("{name} {n}: give 1 to {max}"))),
    }
}

/// A list shown within a cap: `{count, items}`, and `more` when some were left out.
fn capped(items: Vec<Value>, cap: usize) -> Value {
    let count = items.len();
    let mut out = json!({"count": count, "items": items.into_iter().take(cap).collect::<Vec<_>>()});
    if count > cap {
        out["more"] = json!(count - cap);
    }
    out
}

/// At most this many risk rules are read.
const RULES_CAP: usize = 200;

/// The org's risk rules with their conflicts (read one by one where the list leaves them out).
async fn risk_rules(ctx: &ToolContext) -> Result<Vec<Value>, ToolError> {
    let listed = ctx.okta.get_all(&ops::LIST_RISK_RULES, &[], Query::new(), RULES_CAP).await?;
    let read = fan_out(ctx, listed, |r| async move {
        if r.pointer("/conflictCriteria/and").is_some() {
            return Ok(r);
        }
        let id = r.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        ctx.okta.get(&ops::GET_RISK_RULE, &[&id], &Query::new()).await
    })
    .await;
    read.into_iter().collect()
}

/// The apps a rule is about (ids from its resources' ORNs).
fn rule_apps(rule: &Value) -> Vec<String> {
    rule.get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("resourceOrn").and_then(Value::as_str))
        .filter(|orn| orn.contains(":apps:"))
        .map(|orn| okta_mcp_kit::orn::id_of(orn).to_owned())
        .collect()
}

/// A rule violated, in one line of JSON.
fn violation_row(rule: &Value, held: Vec<String>) -> Value {
    json!({"ruleId": rule.get("id"), "ruleName": rule.get("name"), "conflicting": held})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_say_why_they_are_missing() {
        let mut gaps = Gaps::default();
        let unlicensed = ToolError::refused(format!(
            "This Okta org has no Okta Identity Governance (OIG) license: Okta answered the governance API with \
             {NO_LICENSE_CODE}"
        ));
        assert_eq!(gaps.take::<()>("entitlements", Err(unlicensed)), None);
        assert_eq!(gaps.take("groups", Ok(3)), Some(3));
        gaps.note("pending_requests", &ToolError::refused("needs OAuth"));
        let mut answer = json!({});
        gaps.into_answer(&mut answer);
        assert_eq!(answer["needs_license"]["parts"], json!(["entitlements"]));
        assert_eq!(answer["unavailable"][0]["part"], "pending_requests");
        assert_eq!(capped(vec![json!(1), json!(2), json!(3)], 2), json!({"count": 3, "items": [1, 2], "more": 1}));
        let rule = json!({"resources": [{"resourceOrn": "orn:okta:idp:00o1:apps:salesforce:0oa1"}]});
        assert_eq!(rule_apps(&rule), ["0oa1"]);
        assert_eq!(count_arg("limit", None, 50, 100).ok(), Some(50));
        assert_eq!(count_arg("limit", Some(100), 50, 100).ok(), Some(100));
        for bad in [0, 101] {
            let e = count_arg("limit", Some(bad), 50, 100).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(e.contains(&format!("limit {bad}: give 1 to 100")), "{e}");
        }
    }
}
