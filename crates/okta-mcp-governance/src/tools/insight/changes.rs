//! `okta_iga_explain_access_changes`: what changed in a person's access over a window, and who did it. One
//! timeline, newest first, from the System Log (lifecycle, account, factor, group membership, app assignment and
//! admin privilege events that targeted the person), the entitlement history of every app they hold grants in
//! (values added and removed, with the grants behind them), their access requests (made and resolved) and the
//! certification reviews of their access (decided). Bounded: `limit` entries, and `next_until` for older ones.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use okta_core::Query;
use okta_mcp_kit::args::str_field;
use okta_mcp_kit::lookup::{get_user, str_of};
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Gaps, count_arg, fan_out, time_of};
use crate::args::filter_expr;
use crate::tools::grants::{grant_label, history_changes, time_arg, user_grants, utc};

pub fn tool() -> ToolDef {
    ToolDef::new(
        ToolMeta {
            name: "okta_iga_explain_access_changes",
            title: "Explain access changes",
            description: "What changed in a user's access over a window, newest first, each with who did it: \
                lifecycle, groups, apps, admin roles, entitlements, requests, reviews.",
            access: Access::Read,
            toolset: "insight",
            operations: &[
                ops::GET_USER,
                ops::LIST_LOG_EVENTS,
                ops::LIST_GRANTS,
                ops::GET_PRINCIPAL_ENTITLEMENTS_HISTORY,
                ops::LIST_ALL_REQUESTS_V2,
                ops::LIST_REVIEWS,
            ],
        },
        explain,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ChangesArgs {
    /// User id or login.
    user: String,
    /// Days back from `until` (1-90, default 7).
    days: Option<u32>,
    /// End of the window (RFC 3339, default now); pass next_until for older entries.
    until: Option<String>,
    /// Entries (1-200, default 50).
    limit: Option<u32>,
}

const DEFAULT_DAYS: u32 = 7;
const MAX_DAYS: u32 = 90;
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 200;
/// At most this many System Log events are read for one window.
const LOG_CAP: usize = 1000;
/// At most this many apps' entitlement histories are read.
const APPS_CAP: usize = 25;
/// Grants, requests and reviews are read up to this many.
const READ_CAP: usize = 500;
/// Entitlement history records read per app.
const HISTORY_ROWS: u32 = 99;

/// The System Log event families that change a person's access (by `eventType` prefix), and the kind each is.
const LOG_KINDS: &[(&str, &str)] = &[
    ("user.lifecycle.", "lifecycle"),
    ("user.account.privilege.", "admin_role"),
    ("user.account.", "account"),
    ("user.mfa.factor.", "factor"),
    ("group.user_membership.", "group"),
    ("application.user_membership.", "app"),
];

fn log_kind(event_type: &str) -> Option<&'static str> {
    LOG_KINDS.iter().find(|(prefix, _)| event_type.starts_with(prefix)).map(|(_, kind)| *kind)
}

/// The System Log filter: events that targeted the person, of the families above.
fn log_filter(uid: &str) -> String {
    let families: Vec<&str> = LOG_KINDS.iter().map(|(prefix, _)| prefix.trim_end_matches('.')).collect();
    // A family inside another (`user.account.privilege` in `user.account`) is asked for by the wider one.
    let asked: Vec<String> = families
        .iter()
        .filter(|f| !families.iter().any(|o| o != *f && f.starts_with(&format!("{o}."))))
        .map(|f| format!("eventType sw \"{f}\""))
        .collect();
    format!("target.id eq \"{uid}\" and ({})", asked.join(" or "))
}

/// One entry of the timeline.
struct Entry {
    at: DateTime<Utc>,
    kind: &'static str,
    what: String,
    by: String,
    source: &'static str,
}

impl Entry {
    fn row(&self) -> Value {
        json!([utc_ms(self.at), self.kind, self.what, self.by, self.source])
    }
}

fn utc_ms(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Who did something in the System Log: the actor's login (or name) and type.
fn actor(event: &Value) -> String {
    let a = event.get("actor").unwrap_or(&Value::Null);
    let name = [str_of(a, "alternateId"), str_of(a, "displayName"), str_of(a, "id")]
        .into_iter()
        .find(|s| !s.is_empty() && *s != "unknown")
        .unwrap_or("unknown");
    match str_of(a, "type") {
        "" | "User" => name.to_owned(),
        t => format!("{name} ({t})"),
    }
}

fn log_entry(event: &Value, uid: &str) -> Option<Entry> {
    let kind = log_kind(str_of(event, "eventType"))?;
    let at = time_of(event.get("published"))?;
    // What it was about besides the person: the group, app or role.
    let others: Vec<&str> = event
        .get("target")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| str_of(t, "id") != uid)
        .map(|t| str_of(t, "displayName"))
        .filter(|n| !n.is_empty())
        .collect();
    let message = match str_of(event, "displayMessage") {
        "" => str_of(event, "eventType"),
        m => m,
    };
    let mut what = if others.is_empty() { message.to_owned() } else { format!("{message}: {}", others.join(", ")) };
    let outcome = event.pointer("/outcome/result").and_then(Value::as_str).unwrap_or("SUCCESS");
    if outcome != "SUCCESS" {
        what.push_str(&format!(" ({outcome})"));
    }
    Some(Entry { at, kind, what, by: actor(event), source: "system_log" })
}

/// The person a governance record names (`createdBy`, `lastUpdatedBy`, a reviewer): their id, or the API.
fn who(id: Option<&Value>) -> String {
    match id.and_then(Value::as_str) {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => "unknown".to_owned(),
    }
}

fn request_entries(r: &Value, window: (DateTime<Utc>, DateTime<Utc>), out: &mut Vec<Entry>) {
    let inside = |t: &DateTime<Utc>| *t >= window.0 && *t <= window.1;
    let what = r
        .pointer("/requested/entryId")
        .or_else(|| r.pointer("/requested/resourceId"))
        .and_then(Value::as_str)
        .unwrap_or("?");
    let id = str_of(r, "id");
    if let Some(at) = time_of(r.get("created")).filter(inside) {
        let by = who(r.pointer("/requestedBy/externalId").or_else(|| r.get("createdBy")));
        out.push(Entry {
            at,
            kind: "request",
            what: format!("requested {what} (request {id})"),
            by,
            source: "access_requests",
        });
    }
    let status = str_of(r, "status");
    if status != "PENDING"
        && let Some(at) = time_of(r.get("lastUpdated")).filter(inside)
    {
        let granted = match str_of(r, "grantStatus") {
            "" => String::new(),
            g => format!(", access {g}"),
        };
        out.push(Entry {
            at,
            kind: "request",
            what: format!("request {id} for {what} {status}{granted}"),
            by: who(r.get("lastUpdatedBy")),
            source: "access_requests",
        });
    }
}

fn review_entry(r: &Value, window: (DateTime<Utc>, DateTime<Utc>)) -> Option<Entry> {
    let at = time_of(r.get("decided")).filter(|t| *t >= window.0 && *t <= window.1)?;
    let by = r
        .pointer("/reviewerProfile/email")
        .or_else(|| r.pointer("/reviewerProfile/login"))
        .or_else(|| r.get("lastUpdatedBy"))
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    Some(Entry {
        at,
        kind: "review",
        what: format!(
            "certification review {}: {} of {} in campaign {}{}",
            str_of(r, "id"),
            str_of(r, "decision"),
            str_of(r, "resourceId"),
            str_of(r, "campaignId"),
            match str_of(r, "remediationStatus") {
                "" => String::new(),
                s => format!(" (remediation {s})"),
            }
        ),
        by,
        source: "reviews",
    })
}

async fn explain(ctx: ToolContext, args: ChangesArgs) -> Result<ToolOutput, ToolError> {
    let days = count_arg("days", args.days, DEFAULT_DAYS, MAX_DAYS)?;
    let limit = count_arg("limit", args.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let now = Utc::now();
    // Without `until` the window is open-ended (what happened in this very second counts too).
    let until_given = args.until.as_deref().map(|u| time_arg("until", u)).transpose()?.filter(|u| *u < now);
    let until = until_given.unwrap_or(now);
    // Okta's times are to the second: ask up to the next one, and keep the window exactly here.
    let until_asked = until_given.map(|u| u + Duration::seconds(1));
    let since = until
        .checked_sub_signed(Duration::days(i64::from(days)))
        .ok_or_else(|| ToolError::invalid_arguments("until is too far in the past"))?;
    let user = get_user(&ctx, args.user.trim()).await?;
    let uid = str_field(&user, "id")?.to_owned();
    let ctx = &ctx;
    let log_query = Query::new()
        .push("filter", log_filter(&uid))
        .push("since", utc(since))
        .opt("until", until_asked.map(utc).as_deref());
    let requests_for = filter_expr(&[("requestedFor", Some(&uid))])?;
    let reviews_of = filter_expr(&[("principalId", Some(&uid))])?;
    let (log, grants, requests, reviews) = futures::join!(
        ctx.okta.get_all(&ops::LIST_LOG_EVENTS, &[], log_query, LOG_CAP + 1),
        // Read once: which apps to look in, and the grants behind each app's changes.
        user_grants(ctx, &uid, None),
        ctx.okta.get_all(
            &ops::LIST_ALL_REQUESTS_V2,
            &[],
            Query::new().opt("filter", requests_for.as_deref()),
            READ_CAP
        ),
        ctx.okta.get_all(&ops::LIST_REVIEWS, &[], Query::new().opt("filter", reviews_of.as_deref()), READ_CAP),
    );
    let mut gaps = Gaps::default();
    let window = (since, until_given.unwrap_or(DateTime::<Utc>::MAX_UTC));
    let mut entries: Vec<Entry> = Vec::new();
    let mut read: BTreeMap<&str, Value> = BTreeMap::new();

    if let Some(events) = gaps.take("system_log", log) {
        if events.len() > LOG_CAP {
            gaps.unavailable.push(json!({"part": "system_log", "reason": format!(
                "more than {LOG_CAP} events in the window: only the first {LOG_CAP} were read; narrow days")}));
        }
        read.insert("system_log_events", json!(events.len().min(LOG_CAP)));
        // Okta's window is to the second: the entries are held to the exact one.
        let inside = |e: &Entry| e.at >= window.0 && e.at <= window.1;
        entries.extend(events.iter().take(LOG_CAP).filter_map(|e| log_entry(e, &uid)).filter(inside));
    }

    if let Some(grants) = gaps.take("entitlements", grants) {
        // Every app the person holds (or held) a grant in, with those grants: its entitlement history over the
        // window, each change matched to the grants behind it.
        let mut by_app: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for g in grants {
            if g.pointer("/target/type").and_then(Value::as_str) == Some("APPLICATION")
                && let Some(app) = g.pointer("/target/externalId").and_then(Value::as_str).filter(|a| !a.is_empty())
            {
                by_app.entry(app.to_owned()).or_default().push(g);
            }
        }
        if by_app.len() > APPS_CAP {
            gaps.unavailable.push(json!({"part": "entitlements", "reason": format!(
                "read the history of the first {APPS_CAP} of {} apps; see okta_iga_get_entitlement_history for \
                 the others", by_app.len())}));
        }
        let apps: Vec<(String, Vec<Value>)> = by_app.into_iter().take(APPS_CAP).collect();
        read.insert("apps_with_entitlement_history", json!(apps.len()));
        let uid = uid.as_str();
        let histories = fan_out(ctx, apps, |(app, grants)| async move {
            (history_changes(ctx, uid, &app, Some(since), until_asked, HISTORY_ROWS, &grants).await, app)
        })
        .await;
        for (history, app) in histories {
            let history = match history {
                Ok(h) => h,
                Err(e) => {
                    gaps.note("entitlements", &e);
                    continue;
                }
            };
            if history.next_until.is_some() {
                gaps.unavailable.push(json!({"part": "entitlements", "reason": format!(
                    "app {app}: more than {HISTORY_ROWS} changes in the window; see okta_iga_get_entitlement_history")}));
            }
            for change in history.changes {
                let Some(at) = time_of(Some(&change.when)) else { continue };
                if at < window.0 || at > window.1 || (change.added.is_empty() && change.removed.is_empty()) {
                    continue;
                }
                let mut parts = Vec::new();
                if !change.added.is_empty() {
                    parts.push(format!("added {}", change.added.join(", ")));
                }
                if !change.removed.is_empty() {
                    parts.push(format!("removed {}", change.removed.join(", ")));
                }
                let grants: Vec<String> = change.grants.iter().map(grant_label).collect();
                let what = if grants.is_empty() {
                    format!("app {app}: {}", parts.join("; "))
                } else {
                    format!("app {app}: {} (grant {})", parts.join("; "), grants.join(", "))
                };
                let by: BTreeSet<String> = change.grants.iter().map(|g| who(g.get("createdBy"))).collect();
                let by =
                    if by.is_empty() { "unknown".to_owned() } else { by.into_iter().collect::<Vec<_>>().join(", ") };
                entries.push(Entry { at, kind: "entitlement", what, by, source: "entitlement_history" });
            }
        }
    }

    if let Some(requests) = gaps.take("access_requests", requests) {
        read.insert("access_requests", json!(requests.len()));
        for r in &requests {
            request_entries(r, window, &mut entries);
        }
    }
    if let Some(reviews) = gaps.take("reviews", reviews) {
        read.insert("reviews", json!(reviews.len()));
        entries.extend(reviews.iter().filter_map(|r| review_entry(r, window)));
    }

    // Newest first; ties in a stable order.
    entries.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.kind.cmp(b.kind)).then_with(|| a.what.cmp(&b.what)));
    let total = entries.len();
    let shown = total.min(limit as usize);
    let mut by_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &entries {
        *by_kind.entry(e.kind).or_default() += 1;
    }
    let login = user.pointer("/profile/login").and_then(Value::as_str).unwrap_or(&uid);
    let counts: Vec<String> = by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let mut answer = json!({
        "summary": format!("{total} change(s) to {login}'s access from {} to {}{}", utc(since), utc(until),
            if counts.is_empty() { String::new() } else { format!(": {}", counts.join(", ")) }),
        "user": {"id": uid, "login": user.pointer("/profile/login"), "status": user.get("status")},
        "window": {"since": utc(since), "until": utc(until), "days": days},
        "columns": ["when", "kind", "what", "by", "source"],
        "rows": entries.iter().take(shown).map(Entry::row).collect::<Vec<_>>(),
        "count": shown,
        "read": read,
    });
    if total > shown
        && let Some(next) = entries.get(shown)
    {
        // Older entries: the window ending at the first one not shown (entries at that instant may repeat).
        answer["more"] = json!(total - shown);
        answer["next_until"] = json!(utc_ms(next.at + Duration::milliseconds(1)));
    }
    gaps.into_answer(&mut answer);
    Ok(ToolOutput::json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_filter_names_every_family_once() {
        assert_eq!(
            log_filter("00u1"),
            "target.id eq \"00u1\" and (eventType sw \"user.lifecycle\" or eventType sw \"user.account\" or \
             eventType sw \"user.mfa.factor\" or eventType sw \"group.user_membership\" or eventType sw \
             \"application.user_membership\")"
        );
        assert_eq!(log_kind("user.account.privilege.grant"), Some("admin_role"));
        assert_eq!(log_kind("user.account.lock"), Some("account"));
        assert_eq!(log_kind("user.session.start"), None);
    }

    #[test]
    fn a_log_event_says_what_and_who() {
        let e = json!({
            "eventType": "group.user_membership.add", "published": "2026-12-01T10:00:00.000Z",
            "displayMessage": "Add user to group membership", "outcome": {"result": "SUCCESS"},
            "actor": {"id": "00uadmin", "type": "User", "alternateId": "admin@example.com"},
            "target": [{"id": "00u1", "type": "User", "displayName": "Bob"},
                       {"id": "00g1", "type": "UserGroup", "displayName": "Finance"}],
        });
        let entry = log_entry(&e, "00u1").unwrap_or_else(|| panic!("an entry"));
        assert_eq!(entry.kind, "group");
        assert_eq!(entry.what, "Add user to group membership: Finance");
        assert_eq!(entry.by, "admin@example.com");
        let denied = json!({"eventType": "user.lifecycle.deactivate", "published": "2026-12-01T10:00:00Z",
                            "outcome": {"result": "FAILURE"}, "actor": {"displayName": "Okta", "type": "SystemPrincipal"}});
        let entry = log_entry(&denied, "00u1").unwrap_or_else(|| panic!("an entry"));
        assert_eq!(
            (entry.what.as_str(), entry.by.as_str()),
            ("user.lifecycle.deactivate (FAILURE)", "Okta (SystemPrincipal)")
        );
    }

    #[test]
    fn requests_count_when_made_and_when_resolved_inside_the_window() {
        let window = (
            DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default(),
            DateTime::parse_from_rfc3339("2026-12-08T00:00:00Z").map(|t| t.with_timezone(&Utc)).unwrap_or_default(),
        );
        let r = json!({"id": "req1", "status": "APPROVED", "grantStatus": "GRANTED",
                       "requested": {"entryId": "cen1"}, "requestedBy": {"externalId": "00u1"},
                       "created": "2026-11-30T00:00:00Z", "lastUpdated": "2026-12-02T00:00:00Z", "lastUpdatedBy": "00uadmin"});
        let mut out = Vec::new();
        request_entries(&r, window, &mut out);
        assert_eq!(out.len(), 1, "made before the window, resolved inside it");
        assert_eq!(out[0].what, "request req1 for cen1 APPROVED, access GRANTED");
        assert_eq!(out[0].by, "00uadmin");
    }
}
