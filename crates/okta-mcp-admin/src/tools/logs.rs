//! System Log investigation. Every query runs over an absolute window (since/until, given as ISO 8601 or
//! relative), which the answer reports with the current time. Okta answers an ascending query without `until`
//! with a next link forever (polling); these tools always send `until` and stop at an item cap, returning the
//! cursor instead of following it.

use okta_mcp_kit::ops;
use std::collections::BTreeMap;

use okta_core::{Page, Query};
use okta_mcp_kit::args::{check_id, resume};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::output::{ListView, get_path};
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, list_output};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::log_window::{Window, iso};

/// Compact columns of an event.
const EVENT_FIELDS: &[Field] = &[
    field("published", "published"),
    field("eventType", "eventType"),
    field("displayMessage", "displayMessage"),
    field("outcome", "outcome"),
    field("reason", "reason"),
    field("actor", "actor"),
    field("target", "target"),
    field("ip", "ip"),
    field("geo", "geo"),
    field("requestId", "requestId"),
];

/// Event types of changes made by admins and API clients (what `okta_get_system_log_admin_actions` reads).
pub const ADMIN_EVENT_PREFIXES: &[&str] = &[
    "user.lifecycle.",
    "user.account.privilege.",
    "user.account.reset_password",
    "user.account.unlock",
    "user.account.update_profile",
    "user.mfa.factor.reset",
    "group.lifecycle.",
    "group.user_membership.",
    "group.privilege.",
    "application.lifecycle.",
    "application.user_membership.",
    "application.policy.",
    "policy.",
    "system.",
    "device.lifecycle.",
    "event_hook.",
    "iam.",
];

const FAILED_SIGN_IN_FILTER: &str =
    "outcome.result eq \"FAILURE\" and (eventType eq \"user.session.start\" or eventType sw \"user.authentication\")";

const PAGE_MAX: u32 = 200;
const DETAIL_MAX: u32 = 50;
/// The largest System Log page Okta serves (what `okta_get_system_log_failed_logins` reads with).
const OKTA_PAGE_MAX: u32 = 1000;

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_get_system_log",
                title: "Get System Log events",
                description: "System Log events, compact, newest first; reports the window used and the time now. \
                    filter e.g. eventType eq \"user.session.start\", outcome.result eq \"FAILURE\".",
                access: Access::Read,
                toolset: "logs",
                operations: &[ops::LIST_LOG_EVENTS],
            },
            get_system_log,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_system_log_events_for_user",
                title: "System Log events for a user",
                description: "Events where the user is the actor or a target.",
                access: Access::Read,
                toolset: "logs",
                operations: &[ops::GET_USER, ops::LIST_LOG_EVENTS],
            },
            events_for_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_system_log_events_for_app",
                title: "System Log events for an app",
                description: "Events that target an app (sign-ins, assignments, changes).",
                access: Access::Read,
                toolset: "logs",
                operations: &[ops::LIST_LOG_EVENTS],
            },
            events_for_app,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_system_log_failed_logins",
                title: "Failed sign-ins",
                description: "Failed sign-ins and MFA, grouped by reason, user and IP address (shows sprays and \
                    attacked accounts).",
                access: Access::Read,
                toolset: "logs",
                operations: &[ops::GET_USER, ops::LIST_LOG_EVENTS],
            },
            failed_logins,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_system_log_admin_actions",
                title: "Admin actions",
                description: "Changes made by admins and API clients (lifecycle, groups, roles, apps, policies, \
                    devices, hooks), with counts by admin and event type.",
                access: Access::Read,
                toolset: "logs",
                operations: &[ops::GET_USER, ops::LIST_LOG_EVENTS],
            },
            admin_actions,
        ),
    ]
}

#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum SortOrder {
    Ascending,
    #[default]
    Descending,
}

impl SortOrder {
    fn as_str(self) -> &'static str {
        match self {
            SortOrder::Ascending => "ASCENDING",
            SortOrder::Descending => "DESCENDING",
        }
    }
}

/// The window, search and paging arguments every System Log tool takes.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct LogArgs {
    /// ISO 8601 or 15m/24h/7d/yesterday; default 24h ago.
    since: Option<String>,
    /// ISO 8601 or relative; default now.
    until: Option<String>,
    /// Okta filter, ANDed.
    filter: Option<String>,
    /// Keywords.
    q: Option<String>,
    /// Default DESCENDING.
    #[serde(rename = "sortOrder")]
    sort_order: Option<SortOrder>,
    /// Default 50, max 200 (50 with detail).
    limit: Option<u32>,
    /// next_cursor of the last page.
    cursor: Option<String>,
    /// Full events.
    detail: Option<bool>,
}

impl LogArgs {
    fn max_limit(&self) -> u32 {
        if self.detail.unwrap_or(false) { DETAIL_MAX } else { PAGE_MAX }
    }

    fn limit(&self) -> Result<u32, ToolError> {
        let max = self.max_limit();
        match self.limit {
            None => Ok(50.min(max)),
            Some(n) if n == 0 || n > max => {
                Err(ToolError::invalid_arguments(format!("limit must be between 1 and {max}; page with next_cursor")))
            }
            Some(n) => Ok(n),
        }
    }
}

/// `(a) and (b)`, skipping empty parts.
fn and_filters(parts: &[Option<&str>]) -> Option<String> {
    let parts: Vec<&str> = parts.iter().flatten().map(|s| s.trim()).filter(|s| !s.is_empty()).collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some((*one).to_owned()),
        many => Some(many.iter().map(|p| format!("({p})")).collect::<Vec<_>>().join(" and ")),
    }
}

fn check_text(name: &str, value: Option<&str>, max: usize) -> Result<(), ToolError> {
    match value {
        Some(v) if v.trim().is_empty() => Err(ToolError::invalid_arguments(format!("{name} must not be empty"))),
        Some(v) if v.len() > max || v.chars().any(char::is_control) => Err(ToolError::invalid_arguments(format!(
            "{name} must be at most {max} characters, without control characters"
        ))),
        _ => Ok(()),
    }
}

/// One bounded page of events: from the cursor (its page size held to `cap`, or to `limit` when the call gives
/// one), or the first page of the window with the tool's filter.
async fn fetch(
    ctx: &ToolContext,
    args: &LogArgs,
    own_filter: Option<&str>,
    limit: u32,
    cap: u32,
) -> Result<(Window, SortOrder, Page<Value>), ToolError> {
    check_text("filter", args.filter.as_deref(), 2000)?;
    check_text("q", args.q.as_deref(), 200)?;
    if let Some(cursor) = args.cursor.as_deref().filter(|c| !c.is_empty()) {
        let cursor = resume(cursor, &ctx.okta.list_path(&ops::LIST_LOG_EVENTS, &[])?, args.limit.map(|_| limit), cap)?;
        let window = Window::from_cursor(&cursor).ok_or_else(|| {
            ToolError::invalid_arguments("cursor is not a System Log next_cursor from these tools (it has no window)")
        })?;
        let sort = match cursor.get("sortOrder") {
            Some("ASCENDING") => SortOrder::Ascending,
            _ => SortOrder::Descending,
        };
        return Ok((window, sort, ctx.okta.get_page_at(&cursor.encode(), &ops::LIST_LOG_EVENTS, &[]).await?));
    }
    let window = Window::from_args(args.since.as_deref(), args.until.as_deref(), 24)?;
    let sort = args.sort_order.unwrap_or_default();
    let query = Query::new()
        .push("since", iso(window.since))
        .push("until", iso(window.until))
        .opt("filter", and_filters(&[own_filter, args.filter.as_deref()]).as_deref())
        .opt("q", args.q.as_deref().map(str::trim))
        .push("sortOrder", sort.as_str())
        .push("limit", limit);
    Ok((window, sort, ctx.okta.get_page(&ops::LIST_LOG_EVENTS, &[], &query).await?))
}

/// An event as one row: who did what to whom, from where, with which outcome.
pub fn compact(event: &Value) -> Value {
    let s = |p: &str| get_path(event, p).and_then(Value::as_str).map(str::to_owned);
    let targets: Vec<String> = event
        .get("target")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| {
            let name = t
                .get("alternateId")
                .and_then(Value::as_str)
                .filter(|a| !a.is_empty() && *a != "unknown")
                .or_else(|| t.get("displayName").and_then(Value::as_str))
                .unwrap_or_default();
            format!("{} {name}", t.get("type").and_then(Value::as_str).unwrap_or("?"))
        })
        .collect();
    let geo: Vec<String> =
        ["client.geographicalContext.city", "client.geographicalContext.country"].iter().filter_map(|p| s(p)).collect();
    json!({
        "published": s("published"),
        "eventType": s("eventType"),
        "displayMessage": s("displayMessage"),
        "outcome": s("outcome.result"),
        "reason": s("outcome.reason"),
        "actor": s("actor.alternateId").or_else(|| s("actor.displayName")),
        "target": if targets.is_empty() { Value::Null } else { json!(targets.join("; ")) },
        "ip": s("client.ipAddress"),
        "geo": if geo.is_empty() { Value::Null } else { json!(geo.join(", ")) },
        "requestId": s("debugContext.debugData.requestId"),
    })
}

fn shape(page: Page<Value>, detail: bool) -> ToolOutput {
    let view = ListView { fields: Vec::new(), detail };
    let items = if detail { page.items } else { page.items.iter().map(compact).collect() };
    list_output(items, EVENT_FIELDS, &view, page.next)
}

fn header(window: &Window, sort: SortOrder) -> Value {
    let mut w = window.to_json();
    w["sortOrder"] = json!(sort.as_str());
    json!({ "window": w })
}

async fn events(ctx: ToolContext, args: LogArgs, own: Option<&str>, about: Value) -> Result<ToolOutput, ToolError> {
    let limit = args.limit()?;
    let (window, sort, page) = fetch(&ctx, &args, own, limit, args.max_limit()).await?;
    let mut head = header(&window, sort);
    if let (Value::Object(h), Value::Object(a)) = (&mut head, about) {
        h.extend(a);
    }
    Ok(shape(page, args.detail.unwrap_or(false)).with(head))
}

async fn get_system_log(ctx: ToolContext, args: LogArgs) -> Result<ToolOutput, ToolError> {
    events(ctx, args, None, json!({})).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UserLogArgs {
    /// User id (00u…) or login.
    user: String,
    #[serde(flatten)]
    log: LogArgs,
}

async fn events_for_user(ctx: ToolContext, args: UserLogArgs) -> Result<ToolOutput, ToolError> {
    args.log.limit()?;
    let id = user_id(&ctx, &args.user).await?;
    let own = format!("actor.id eq \"{id}\" or target.id eq \"{id}\"");
    events(ctx, args.log, Some(&own), json!({"user": {"id": id, "named": args.user}})).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AppLogArgs {
    /// App id (0oa…).
    app_id: String,
    #[serde(flatten)]
    log: LogArgs,
}

async fn events_for_app(ctx: ToolContext, args: AppLogArgs) -> Result<ToolOutput, ToolError> {
    check_id("app_id", &args.app_id)?;
    let own = format!("target.id eq \"{}\"", args.app_id);
    events(ctx, args.log, Some(&own), json!({"app_id": args.app_id})).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct FailedLoginArgs {
    /// ISO 8601 or 15m/24h/7d/yesterday; default 24h ago.
    since: Option<String>,
    /// ISO 8601 or relative; default now.
    until: Option<String>,
    /// Only this user (id or login).
    user: Option<String>,
    /// Okta filter, ANDed.
    filter: Option<String>,
    /// Events read at most (default 1000, max 5000).
    max_events: Option<u32>,
    /// next_cursor of the last call.
    cursor: Option<String>,
}

#[derive(Debug, Default)]
struct Tally {
    count: u64,
    reasons: BTreeMap<String, u64>,
    users: BTreeMap<String, u64>,
    ips: BTreeMap<String, u64>,
    last: String,
    geo: Option<Value>,
}

impl Tally {
    fn add(&mut self, reason: &str, user: &str, ip: &str, published: &str, geo: Option<Value>) {
        self.count += 1;
        *self.reasons.entry(reason.to_owned()).or_default() += 1;
        *self.users.entry(user.to_owned()).or_default() += 1;
        *self.ips.entry(ip.to_owned()).or_default() += 1;
        if published > self.last.as_str() {
            self.last = published.to_owned();
        }
        if self.geo.is_none() {
            self.geo = geo;
        }
    }
}

fn top(map: &BTreeMap<String, u64>, n: usize) -> Value {
    let mut v: Vec<(&String, &u64)> = map.iter().collect();
    v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    v.into_iter().take(n).map(|(k, c)| (k.clone(), json!(c))).collect::<serde_json::Map<_, _>>().into()
}

fn ranked(groups: BTreeMap<String, Tally>, n: usize, key: &str) -> (Vec<Value>, usize) {
    let total = groups.len();
    let mut v: Vec<(String, Tally)> = groups.into_iter().collect();
    v.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(&b.0)));
    let rows = v
        .into_iter()
        .take(n)
        .map(|(k, t)| {
            let mut row = json!({ key: k, "failures": t.count, "last": t.last });
            match key {
                "reason" => {
                    row["users"] = json!(t.users.len());
                    row["top_users"] = top(&t.users, 5);
                }
                "user" => {
                    row["reasons"] = top(&t.reasons, 5);
                    row["ips"] = top(&t.ips, 3);
                }
                _ => {
                    row["users"] = json!(t.users.len());
                    row["reasons"] = top(&t.reasons, 5);
                    row["geo"] = t.geo.unwrap_or(Value::Null);
                }
            }
            row
        })
        .collect();
    (rows, total)
}

async fn failed_logins(ctx: ToolContext, args: FailedLoginArgs) -> Result<ToolOutput, ToolError> {
    let cap = args.max_events.unwrap_or(1000);
    if cap == 0 || cap > 5000 {
        return Err(ToolError::invalid_arguments("max_events must be between 1 and 5000"));
    }
    let mut own = FAILED_SIGN_IN_FILTER.to_owned();
    if let Some(user) = args.user.as_deref() {
        let id = user_id(&ctx, user).await?;
        own = format!("{own} and actor.id eq \"{id}\"");
    }
    let page_size = cap.min(OKTA_PAGE_MAX);
    let log_args = LogArgs {
        since: args.since,
        until: args.until,
        filter: args.filter,
        cursor: args.cursor,
        sort_order: Some(SortOrder::Descending),
        limit: Some(page_size),
        ..Default::default()
    };
    let (window, _, mut page) = fetch(&ctx, &log_args, Some(&own), page_size, OKTA_PAGE_MAX).await?;
    let (mut by_reason, mut by_user, mut by_ip) =
        (BTreeMap::<String, Tally>::new(), BTreeMap::<String, Tally>::new(), BTreeMap::<String, Tally>::new());
    let mut read = 0u32;
    loop {
        for e in &page.items {
            let s = |p: &str| get_path(e, p).and_then(Value::as_str).unwrap_or("unknown").to_owned();
            let (reason, user, ip, published) =
                (s("outcome.reason"), s("actor.alternateId"), s("client.ipAddress"), s("published"));
            let geo = get_path(e, "client.geographicalContext")
                .map(|g| json!({"city": g.get("city"), "country": g.get("country")}));
            by_reason.entry(reason.clone()).or_default().add(&reason, &user, &ip, &published, None);
            by_user.entry(user.clone()).or_default().add(&reason, &user, &ip, &published, None);
            by_ip.entry(ip.clone()).or_default().add(&reason, &user, &ip, &published, geo);
        }
        read += u32::try_from(page.items.len()).unwrap_or(u32::MAX);
        match page.next.take() {
            Some(next) if read < cap => page = ctx.okta.get_page_at(&next, &ops::LIST_LOG_EVENTS, &[]).await?,
            next => {
                page.next = next;
                break;
            }
        }
    }
    let (reasons, _) = ranked(by_reason, 20, "reason");
    let (users, user_count) = ranked(by_user, 25, "user");
    let (ips, ip_count) = ranked(by_ip, 10, "ip");
    let mut out = header(&window, SortOrder::Descending);
    out["failures_read"] = json!(read);
    out["complete"] = json!(page.next.is_none());
    out["by_reason"] = json!(reasons);
    out["by_user"] = json!(users);
    out["users_with_failures"] = json!(user_count);
    out["by_ip"] = json!(ips);
    out["ips"] = json!(ip_count);
    if let Some(next) = page.next {
        out["next_cursor"] = json!(next);
        out["note"] = json!(format!(
            "stopped after {read} events (max_events); pass next_cursor as cursor for older ones, or narrow the window"
        ));
    }
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AdminActionArgs {
    /// Only this admin's actions (user id or login).
    admin: Option<String>,
    #[serde(flatten)]
    log: LogArgs,
}

fn admin_filter() -> String {
    ADMIN_EVENT_PREFIXES
        .iter()
        .map(|p| if p.ends_with('.') { format!("eventType sw \"{p}\"") } else { format!("eventType eq \"{p}\"") })
        .collect::<Vec<_>>()
        .join(" or ")
}

async fn admin_actions(ctx: ToolContext, args: AdminActionArgs) -> Result<ToolOutput, ToolError> {
    let limit = args.log.limit()?;
    let mut own = admin_filter();
    if let Some(admin) = args.admin.as_deref() {
        let id = user_id(&ctx, admin).await?;
        own = format!("({own}) and actor.id eq \"{id}\"");
    }
    let (window, sort, page) = fetch(&ctx, &args.log, Some(&own), limit, args.log.max_limit()).await?;
    let mut by_admin: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
    for e in &page.items {
        let s = |p: &str| get_path(e, p).and_then(Value::as_str).unwrap_or("unknown").to_owned();
        *by_admin.entry(s("actor.alternateId")).or_default() += 1;
        *by_type.entry(s("eventType")).or_default() += 1;
    }
    let mut head = header(&window, sort);
    head["by_admin"] = top(&by_admin, 20);
    head["by_event_type"] = top(&by_type, 30);
    Ok(shape(page, args.log.detail.unwrap_or(false)).with(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_combine() {
        assert_eq!(and_filters(&[None, None]), None);
        assert_eq!(and_filters(&[Some("a eq 1"), None]), Some("a eq 1".into()));
        assert_eq!(
            and_filters(&[Some("a eq 1 or b eq 2"), Some("c pr")]),
            Some("(a eq 1 or b eq 2) and (c pr)".into())
        );
        assert!(admin_filter().contains("eventType sw \"user.lifecycle.\""));
        assert!(admin_filter().contains("eventType eq \"user.account.unlock\""));
    }

    #[test]
    fn events_are_compact() {
        let e = json!({"published": "2026-11-19T10:00:00.000Z", "eventType": "user.session.start",
            "displayMessage": "User login to Okta", "outcome": {"result": "FAILURE", "reason": "INVALID_CREDENTIALS"},
            "actor": {"alternateId": "bob@example.com"}, "target": [{"type": "User", "alternateId": "x@y.z"},
            {"type": "UserGroup", "alternateId": "unknown", "displayName": "Sales"}],
            "client": {"ipAddress": "192.0.2.1", "geographicalContext": {"city": "Paris", "country": "France"}},
            "debugContext": {"debugData": {"requestId": "req1"}}});
        let c = compact(&e);
        assert_eq!(c["target"], "User x@y.z; UserGroup Sales");
        assert_eq!(c["geo"], "Paris, France");
        assert_eq!(c["reason"], "INVALID_CREDENTIALS");
        assert_eq!(c["requestId"], "req1");
    }

    #[test]
    fn limits() {
        assert_eq!(LogArgs::default().limit().ok(), Some(50));
        assert!(LogArgs { limit: Some(201), ..Default::default() }.limit().is_err());
        assert!(LogArgs { limit: Some(60), detail: Some(true), ..Default::default() }.limit().is_err());
    }
}
