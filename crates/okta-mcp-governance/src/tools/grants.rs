//! Grants (`/governance/api/v1/grants`): the records of who was given what in an app, and how (policy, admin,
//! API, access request, bundle); ALLOW gives, DENY takes away. Creating a grant, and a user's entitlement history
//! in an app (`/governance/api/v1/principal-entitlements/history`) with the grants behind each change.

use okta_core::Query;
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::{app_arg, filter_expr, future_time};
use crate::tools::entitlements::{AppValue, app_catalog, grouped, one_value_each, value_specs};

/// Compact fields of a grant.
pub(crate) const GRANT_FIELDS: &[Field] = &[
    field("id", "id"),
    field("grantType", "grantType"),
    field("action", "action"),
    field("actor", "actor"),
    field("status", "status"),
    field("userId", "targetPrincipal.externalId"),
    field("appId", "target.externalId"),
    field("bundleId", "entitlementBundleId"),
    field("created", "created"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_grants",
                title: "List grants",
                description: "Grants of a user and/or app (type, ALLOW/DENY, actor, status).",
                access: Access::Read,
                toolset: "grants",
                operations: &[ops::GET_USER, ops::LIST_GRANTS],
            },
            list_grants,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_grant",
                title: "Get grant",
                description: "One grant: type, ALLOW/DENY, actor, app, user, schedule.",
                access: Access::Read,
                toolset: "grants",
                operations: &[ops::GET_GRANT],
            },
            get_grant,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_create_grant",
                title: "Create grant",
                description: "Give a user app access: values (additive ENTITLEMENT, or a CUSTOM base grant) or the \
                    policy's (POLICY).",
                access: Access::Write,
                toolset: "grants",
                operations: &[ops::GET_USER, ops::LIST_ENTITLEMENTS, ops::LIST_ENTITLEMENT_VALUES, ops::CREATE_GRANT],
            },
            create_grant,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_entitlement_history",
                title: "Get entitlement history",
                description: "A user's entitlement history in an app, newest first: values added and removed, \
                    and the grants behind them (matched by time).",
                access: Access::Read,
                toolset: "grants",
                operations: &[ops::GET_USER, ops::GET_PRINCIPAL_ENTITLEMENTS_HISTORY, ops::LIST_GRANTS],
            },
            entitlement_history,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListGrantsArgs {
    /// User id or login.
    user: Option<String>,
    /// App id or ORN.
    app: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_grants(ctx: ToolContext, args: ListGrantsArgs) -> Result<ToolOutput, ToolError> {
    if args.page.cursor.as_deref().is_some_and(|c| !c.is_empty()) {
        return args.page.list(&ctx, &ops::LIST_GRANTS, &[], Query::new(), GRANT_FIELDS).await;
    }
    let app = args.app.as_deref().map(app_arg).transpose()?;
    if app.is_none() && args.user.is_none() {
        return Err(ToolError::invalid_arguments("give user and/or app (Okta requires a filter)"));
    }
    let uid = match args.user.as_deref() {
        Some(u) => Some(user_id(&ctx, u).await?),
        None => None,
    };
    let filter = filter_expr(&[
        ("target.externalId", app.as_deref()),
        ("target.type", app.as_ref().map(|_| "APPLICATION")),
        ("targetPrincipal.externalId", uid.as_deref()),
        ("targetPrincipal.type", uid.as_ref().map(|_| "OKTA_USER")),
    ])?;
    args.page.list(&ctx, &ops::LIST_GRANTS, &[], Query::new().opt("filter", filter.as_deref()), GRANT_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct GrantArg {
    /// Grant id.
    grant_id: String,
}

async fn get_grant(ctx: ToolContext, args: GrantArg) -> Result<ToolOutput, ToolError> {
    let g = ctx.okta.get(&ops::GET_GRANT, &[&args.grant_id], &Query::new()).await?;
    Ok(ToolOutput::json(strip_links(g)))
}

// ---- create

/// Grant types a new grant can have here (bundles: okta_iga_assign_bundle_to_user).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum GrantType {
    // The user's base entitlements: these values instead of the policy's.
    Custom,
    // Values added to what the user has.
    Entitlement,
    // The app, with what its entitlement policy gives.
    Policy,
}

impl GrantType {
    fn as_str(self) -> &'static str {
        match self {
            GrantType::Custom => "CUSTOM",
            GrantType::Entitlement => "ENTITLEMENT",
            GrantType::Policy => "POLICY",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateGrantArgs {
    /// User id or login.
    user: String,
    /// App id or ORN.
    app: String,
    /// Ids, ORNs or "Entitlement: Value" (1-50); none for POLICY.
    values: Option<Vec<String>>,
    /// Default ENTITLEMENT (additive) with values, POLICY without. CUSTOM and POLICY are base grants: they
    /// replace every other grant of the user in the app.
    grant_type: Option<GrantType>,
    /// Expiry (RFC 3339).
    expires: Option<String>,
}

/// A grant in one line of JSON: for results of changes.
pub(crate) fn grant_summary(g: &Value) -> Value {
    json!({
        "id": g.get("id"),
        "grantType": g.get("grantType"),
        "action": g.get("action"),
        "status": g.get("status"),
        "expires": g.pointer("/scheduleSettings/expirationDate"),
    })
}

async fn create_grant(ctx: ToolContext, args: CreateGrantArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    if args.values.as_ref().is_some_and(Vec::is_empty) {
        return Err(ToolError::invalid_arguments("values: give 1 to 50 values, or leave values out for POLICY"));
    }
    let specs = args.values.as_deref().unwrap_or_default();
    let kind = args.grant_type.unwrap_or(if specs.is_empty() { GrantType::Policy } else { GrantType::Entitlement });
    match (kind, specs.is_empty()) {
        (GrantType::Policy, false) => {
            return Err(ToolError::invalid_arguments(
                "a POLICY grant gives what the app's entitlement policy gives: leave out values",
            ));
        }
        (GrantType::Custom | GrantType::Entitlement, true) => {
            return Err(ToolError::invalid_arguments(format!("a {} grant needs values", kind.as_str())));
        }
        (_, false) => value_specs("values", specs, 50)?,
        (_, true) => {}
    }
    let expires = args.expires.as_deref().map(future_time).transpose()?;
    let uid = user_id(&ctx, &args.user).await?;
    let values: Vec<AppValue> = if specs.is_empty() {
        Vec::new()
    } else {
        let catalog = app_catalog(&ctx, &app).await?;
        let values = catalog.resolve_all("values", specs)?;
        one_value_each(&values)?;
        values
    };
    let mut body = json!({
        "grantType": kind.as_str(),
        "action": "ALLOW",
        "actor": "API",
        "target": {"externalId": app, "type": "APPLICATION"},
        "targetPrincipal": {"externalId": uid, "type": "OKTA_USER"},
    });
    if !values.is_empty() {
        body["entitlements"] = grouped(&values);
    }
    if let Some(t) = &expires {
        body["scheduleSettings"] = json!({"expirationDate": t});
    }
    let saved = ctx.okta.send(&ops::CREATE_GRANT, &[], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "user_id": uid,
        "app_id": app,
        "values": values.iter().map(AppValue::label).collect::<Vec<_>>(),
        "grant": saved.as_ref().map(grant_summary),
        "result": match kind {
            GrantType::Policy => {
                "app access granted; entitlements follow the app's entitlement policy (a POLICY base grant: it \
                 replaced the user's other grants in the app)"
            }
            GrantType::Custom => {
                "entitlement values granted (a CUSTOM base grant: it replaced the user's other grants in the app)"
            }
            GrantType::Entitlement => "entitlement values granted in addition to what the user has",
        },
    })))
}

// ---- history

#[derive(Debug, Deserialize, JsonSchema)]
pub struct HistoryArgs {
    /// User id or login.
    user: String,
    /// App id or ORN.
    app: String,
    /// From (RFC 3339).
    since: Option<String>,
    /// To (RFC 3339); next_until pages.
    until: Option<String>,
    /// Rows (1-99, default 20).
    limit: Option<u32>,
}

pub(crate) fn time_arg(arg: &str, value: &str) -> Result<chrono::DateTime<chrono::Utc>, ToolError> {
    chrono::DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| ToolError::invalid_arguments(format!("{arg} {value:?} is not an RFC 3339 time")))
}

pub(crate) fn utc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn when(v: &Value, key: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// Value id → `Entitlement: Value`, for every value a history record holds.
fn record_values(record: &Value) -> Vec<(String, String)> {
    let name = |v: &Value| v.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    record
        .get("entitlements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|e| {
            let entitlement = name(e);
            e.get("values").and_then(Value::as_array).into_iter().flatten().map(move |v| {
                let id = v.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
                (id, format!("{entitlement}: {}", name(v)))
            })
        })
        .collect()
}

fn grant_has(g: &Value, value: &str) -> bool {
    g.get("entitlements").and_then(Value::as_array).into_iter().flatten().any(|e| {
        e.get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|v| v.get("id").and_then(Value::as_str) == Some(value))
    })
}

pub(crate) fn grant_label(g: &Value) -> String {
    let s = |k: &str| g.get(k).and_then(Value::as_str).unwrap_or("?");
    let bundle =
        g.get("entitlementBundleId").and_then(Value::as_str).map(|b| format!(" bundle {b}")).unwrap_or_default();
    format!("{} {} {}{bundle} by {}", s("id"), s("grantType"), s("action"), s("actor"))
}

/// The grant behind a change at `at`: the latest one made by then (two minutes' slack) that gives (`ALLOW`) or
/// takes away (`DENY`, all values when it names none) the value.
fn grant_for<'a>(
    grants: &'a [Value],
    value: &str,
    action: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Option<&'a Value> {
    let slack = chrono::Duration::minutes(2);
    grants
        .iter()
        .filter(|g| g.get("action").and_then(Value::as_str).unwrap_or("ALLOW") == action)
        .filter(|g| {
            grant_has(g, value)
                || (action == "DENY" && g.get("entitlements").and_then(Value::as_array).is_none_or(Vec::is_empty))
        })
        .filter_map(|g| when(g, "created").filter(|c| *c <= at + slack).map(|c| (c, g)))
        .max_by_key(|(c, _)| *c)
        .map(|(_, g)| g)
}

async fn entitlement_history(ctx: ToolContext, args: HistoryArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let since = args.since.as_deref().map(|s| time_arg("since", s)).transpose()?;
    let until = args.until.as_deref().map(|s| time_arg("until", s)).transpose()?;
    if let (Some(a), Some(b)) = (since, until)
        && a > b
    {
        return Err(ToolError::invalid_arguments("since is after until"));
    }
    let limit = args.limit.unwrap_or(20);
    if !(1..=99).contains(&limit) {
        return Err(ToolError::invalid_arguments("limit must be 1 to 99"));
    }
    let uid = user_id(&ctx, &args.user).await?;
    let grants = user_grants(&ctx, &uid, Some(&app)).await?;
    let history = history_changes(&ctx, &uid, &app, since, until, limit, &grants).await?;
    let rows: Vec<Value> = history
        .changes
        .iter()
        .map(|c| {
            json!([c.when, c.until, c.status, c.added, c.removed, c.grants.iter().map(grant_label).collect::<Vec<_>>()])
        })
        .collect();
    let mut out = json!({
        "user_id": uid,
        "app_id": app,
        "columns": ["when", "until", "status", "added", "removed", "grants"],
        "count": rows.len(),
        "rows": rows,
    });
    if let Some(next) = history.next_until {
        out["next_until"] = json!(next);
    }
    Ok(ToolOutput::json(out))
}

/// One change in a user's entitlements in an app: the values added and removed when a history record started,
/// and the grants behind them.
#[derive(Debug)]
pub(crate) struct HistoryChange {
    pub when: Value,
    pub until: Option<Value>,
    pub status: Value,
    /// `Entitlement: Value` labels.
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// The grants behind the change (matched by time), in full.
    pub grants: Vec<Value>,
}

/// A page of [`HistoryChange`]s, newest first, and where the next page ends (`until` for the next call).
#[derive(Debug)]
pub(crate) struct History {
    pub changes: Vec<HistoryChange>,
    pub next_until: Option<String>,
}

/// At most this many of a user's grants are read.
const USER_GRANTS_CAP: usize = 1000;

/// A user's grants (in one app, or in all), with the entitlement values each gives or takes.
pub(crate) async fn user_grants(ctx: &ToolContext, uid: &str, app: Option<&str>) -> Result<Vec<Value>, ToolError> {
    let filter = filter_expr(&[
        ("target.externalId", app),
        ("target.type", app.map(|_| "APPLICATION")),
        ("targetPrincipal.externalId", Some(uid)),
        ("targetPrincipal.type", Some("OKTA_USER")),
    ])?
    .unwrap_or_default();
    let query = Query::new().push("filter", filter).push("include", "full_entitlements");
    ctx.okta.get_all(&ops::LIST_GRANTS, &[], query, USER_GRANTS_CAP).await
}

/// A user's entitlement changes in an app between `since` and `until` (newest first, at most `limit`, 1-99), from
/// the principal's entitlement history with the grants behind each change (`grants`: the user's grants in the app,
/// from [`user_grants`]).
pub(crate) async fn history_changes(
    ctx: &ToolContext,
    uid: &str,
    app: &str,
    since: Option<chrono::DateTime<chrono::Utc>>,
    until: Option<chrono::DateTime<chrono::Utc>>,
    limit: u32,
    grants: &[Value],
) -> Result<History, ToolError> {
    let (since, until) = (since.map(utc), until.map(utc));
    let filter = filter_expr(&[
        ("principal.externalId", Some(uid)),
        ("principal.type", Some("OKTA_USER")),
        ("resource.externalId", Some(app)),
        ("resource.type", Some("APPLICATION")),
        ("startDate", since.as_deref()),
        ("endDate", until.as_deref()),
    ])?
    .unwrap_or_default();
    // One record more than shown: the changes of the oldest row are measured against it.
    let query = Query::new().push("filter", filter).push("limit", limit + 1);
    let history = ctx.okta.get(&ops::GET_PRINCIPAL_ENTITLEMENTS_HISTORY, &[], &query).await?;
    let records: Vec<&Value> =
        history.get("entitlementHistory").and_then(Value::as_array).into_iter().flatten().collect();
    let more = records.len() > limit as usize || history.pointer("/_links/next").is_some();
    // A row needs the record before it; without one (more history unread) it waits for the next page.
    let shown = if more { records.len().min(limit as usize + 1) - 1 } else { records.len() };
    let mut changes = Vec::new();
    for (i, r) in records.iter().take(shown).enumerate() {
        let now = record_values(r);
        let before = records.get(i + 1).map(|o| record_values(o)).unwrap_or_default();
        let added: Vec<&(String, String)> = now.iter().filter(|(id, _)| !before.iter().any(|(o, _)| o == id)).collect();
        let removed: Vec<&(String, String)> =
            before.iter().filter(|(id, _)| !now.iter().any(|(n, _)| n == id)).collect();
        let mut by: Vec<Value> = Vec::new();
        if let Some(at) = when(r, "startDate") {
            let found = added
                .iter()
                .filter_map(|(id, _)| grant_for(grants, id, "ALLOW", at))
                .chain(removed.iter().filter_map(|(id, _)| grant_for(grants, id, "DENY", at)));
            for g in found {
                if !by.iter().any(|b| b.get("id") == g.get("id")) {
                    by.push(g.clone());
                }
            }
        }
        let labels = |vs: &[&(String, String)]| vs.iter().map(|(_, l)| l.clone()).collect::<Vec<_>>();
        changes.push(HistoryChange {
            when: r.get("startDate").cloned().unwrap_or(Value::Null),
            until: r.get("endDate").filter(|e| e.as_str().is_some_and(|s| !s.is_empty())).cloned(),
            status: r.get("lifecycle").cloned().unwrap_or(Value::Null),
            added: labels(&added),
            removed: labels(&removed),
            grants: by,
        });
    }
    // The next page: records that started before the oldest row shown (or at the unshown one).
    let mut next_until = None;
    if more && let Some(next) = records.get(shown) {
        let oldest_shown = shown.checked_sub(1).and_then(|i| records.get(i)).and_then(|r| when(r, "startDate"));
        let until = match oldest_shown {
            Some(t) => t - chrono::Duration::seconds(1),
            None => when(next, "startDate").unwrap_or_else(chrono::Utc::now),
        };
        next_until = Some(utc(until));
    }
    Ok(History { changes, next_until })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_records_name_their_values() {
        let r = json!({"entitlements": [{"name": "Profile", "values": [{"id": "ent1", "name": "Standard User"}]}]});
        assert_eq!(record_values(&r), [("ent1".to_owned(), "Profile: Standard User".to_owned())]);
    }

    #[test]
    fn changes_are_matched_to_the_latest_grant_made_by_then() {
        let g = |id: &str, action: &str, created: &str, values: Value| {
            json!({"id": id, "grantType": "CUSTOM", "action": action, "actor": "API", "created": created,
                   "entitlements": values})
        };
        let one = |v: &str| json!([{"id": "esp1", "values": [{"id": v}]}]);
        let grants = [
            g("gra1", "ALLOW", "2026-01-01T00:00:00Z", one("ent1")),
            g("gra2", "ALLOW", "2026-02-01T00:00:00Z", one("ent1")),
            g("gra3", "DENY", "2026-03-01T00:00:00Z", json!([])),
        ];
        let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&chrono::Utc)).ok();
        let id = |g: Option<&Value>| g.and_then(|g| g["id"].as_str()).map(str::to_owned);
        let jan = at("2026-01-01T00:00:30Z").unwrap_or_default();
        assert_eq!(id(grant_for(&grants, "ent1", "ALLOW", jan)).as_deref(), Some("gra1"));
        let feb = at("2026-01-31T23:59:00Z").unwrap_or_default();
        assert_eq!(id(grant_for(&grants, "ent1", "ALLOW", feb)).as_deref(), Some("gra2"), "two minutes' slack");
        let mar = at("2026-03-01T00:00:01Z").unwrap_or_default();
        assert_eq!(id(grant_for(&grants, "ent9", "DENY", mar)).as_deref(), Some("gra3"), "a DENY of all values");
        assert_eq!(id(grant_for(&grants, "ent9", "ALLOW", mar)), None);
        assert_eq!(grant_label(&grants[2]), "gra3 CUSTOM DENY by API");
    }
}
