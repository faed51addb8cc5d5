//! `okta_iga_investigate_user_access`: what can this person access, why, and is any of it risky? Profile and
//! status, groups, apps (directly or through which group), entitlement values with the grants behind them,
//! pending access requests, admin roles and the separation-of-duties rules they violate now, in one call.

use std::collections::{BTreeMap, BTreeSet};

use okta_core::Query;
use okta_mcp_kit::args::str_field;
use okta_mcp_kit::lookup::{get_user, str_of};
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Gaps, capped, fan_out, fan_out_reporting, risk_rules, rule_apps, violation_row};
use crate::args::filter_expr;
use crate::tools::entitlements::user_app_entitlements;
use crate::tools::risk::violation;

pub fn tool() -> ToolDef {
    ToolDef::new(
        ToolMeta {
            name: "okta_iga_investigate_user_access",
            title: "Investigate user access",
            description: "A user's access and why, in one call: groups, apps (direct or via which group), \
                entitlements and their grants, pending requests, admin roles, SoD violations.",
            access: Access::Read,
            toolset: "insight",
            operations: &[
                ops::GET_USER,
                ops::LIST_USER_GROUPS,
                ops::LIST_APPLICATIONS,
                ops::GET_APPLICATION_USER,
                ops::LIST_APPLICATION_GROUP_ASSIGNMENTS,
                ops::LIST_ASSIGNED_ROLES_FOR_USER,
                ops::LIST_GRANTS,
                ops::GET_PRINCIPAL_ENTITLEMENTS,
                ops::GET_PRINCIPAL_ACCESS,
                ops::LIST_ALL_REQUESTS_V2,
                ops::LIST_RISK_RULES,
                ops::GET_RISK_RULE,
            ],
        },
        investigate,
    )
}

/// How much to show.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Depth {
    /// One line per item, 10 of each.
    Summary,
    /// Rows, 50 of each.
    #[default]
    Detailed,
    /// Rows, 200 of each, and the profile.
    Full,
}

impl Depth {
    fn cap(self) -> usize {
        match self {
            Depth::Summary => 10,
            Depth::Detailed => 50,
            Depth::Full => 200,
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct InvestigateArgs {
    /// User id or login.
    user: String,
    /// summary | detailed (default) | full.
    depth: Option<Depth>,
}

/// At most this many groups, apps, grants or requests are read.
const READ_CAP: usize = 200;
/// At most this many apps are searched for entitlements.
const APPS_CAP: usize = 100;

async fn investigate(ctx: ToolContext, args: InvestigateArgs) -> Result<ToolOutput, ToolError> {
    let depth = args.depth.unwrap_or_default();
    let user = get_user(&ctx, args.user.trim()).await?;
    let uid = str_field(&user, "id")?.to_owned();
    let ctx = &ctx;
    let by_user = filter_expr(&[("user.id", Some(&uid))])?;
    let grants_of =
        filter_expr(&[("targetPrincipal.externalId", Some(&uid)), ("targetPrincipal.type", Some("OKTA_USER"))])?;
    let pending = filter_expr(&[("requestedFor", Some(&uid)), ("status", Some("PENDING"))])?;
    let (user_param, none) = ([uid.as_str()], Query::new());
    let (groups, apps, roles, grants, rules, requests) = futures::join!(
        ctx.okta.get_all(&ops::LIST_USER_GROUPS, &user_param, Query::new(), READ_CAP),
        ctx.okta.get_all(&ops::LIST_APPLICATIONS, &[], Query::new().opt("filter", by_user.as_deref()), READ_CAP),
        ctx.okta.get(&ops::LIST_ASSIGNED_ROLES_FOR_USER, &user_param, &none),
        ctx.okta.get_all(&ops::LIST_GRANTS, &[], Query::new().opt("filter", grants_of.as_deref()), READ_CAP),
        risk_rules(ctx),
        ctx.okta.get_all(&ops::LIST_ALL_REQUESTS_V2, &[], Query::new().opt("filter", pending.as_deref()), READ_CAP),
    );
    let mut gaps = Gaps::default();
    let groups = gaps.take("groups", groups).unwrap_or_default();
    let apps = gaps.take("apps", apps);
    let roles = gaps.take("admin_roles", roles);
    let grants = gaps.take("entitlements", grants);
    let rules = gaps.take("sod_violations", rules);
    let requests = gaps.take("pending_requests", requests);

    // Apps: direct (scope USER) or through groups (scope GROUP: the user's groups the app is assigned to).
    let group_names: BTreeMap<&str, &str> = groups
        .iter()
        .map(|g| (str_of(g, "id"), g.pointer("/profile/name").and_then(Value::as_str).unwrap_or("")))
        .collect();
    let app_rows = match &apps {
        Some(apps) => {
            let rows = fan_out(ctx, apps.clone(), |app: Value| {
                let uid = uid.as_str();
                let group_names = &group_names;
                async move { app_row(ctx, &app, uid, group_names).await }
            })
            .await;
            let mut out = Vec::new();
            for row in rows {
                match row {
                    Ok(r) => out.push(r),
                    Err(e) => gaps.note("apps", &e),
                }
            }
            Some(out)
        }
        None => None,
    };

    // Entitlements: in every app the user is assigned, holds a grant in, or a risk rule is about.
    let mut ent_apps: BTreeSet<String> = BTreeSet::new();
    for a in apps.iter().flatten() {
        ent_apps.insert(str_of(a, "id").to_owned());
    }
    for g in grants.iter().flatten() {
        if g.pointer("/target/type").and_then(Value::as_str) == Some("APPLICATION") {
            ent_apps.insert(g.pointer("/target/externalId").and_then(Value::as_str).unwrap_or_default().to_owned());
        }
    }
    for r in rules.iter().flatten() {
        ent_apps.extend(rule_apps(r));
    }
    ent_apps.remove("");
    let searched = ent_apps.len().min(APPS_CAP);
    if ent_apps.len() > APPS_CAP {
        gaps.unavailable.push(json!({"part": "entitlements", "reason": format!(
            "searched the first {APPS_CAP} of {} apps; ask okta_iga_list_user_entitlements for the others",
            ent_apps.len())}));
    }
    let labels: BTreeMap<&str, &str> = apps.iter().flatten().map(|a| (str_of(a, "id"), str_of(a, "label"))).collect();
    let mut entitlements = None;
    if grants.is_some() {
        let apps = ent_apps.iter().take(APPS_CAP).cloned().collect();
        let per_app = fan_out_reporting(ctx, apps, "apps searched for entitlements", |app| {
            let uid = uid.as_str();
            async move { (user_app_entitlements(ctx, &app, uid).await, app) }
        })
        .await;
        let mut rows = Vec::new();
        for (answer, app) in per_app {
            match answer {
                Ok(held) => rows.extend(entitlement_rows(&app, labels.get(app.as_str()).copied(), &held)),
                Err(e) => {
                    gaps.note("entitlements", &e);
                    if gaps.needs_license.contains(&"entitlements") {
                        break;
                    }
                }
            }
        }
        if !gaps.needs_license.contains(&"entitlements") {
            entitlements = Some(rows);
        }
    }

    // Separation of duties: the ACTIVE rules the values held violate now.
    let violations = match (&rules, &entitlements) {
        (Some(rules), Some(rows)) => {
            let held: BTreeSet<String> =
                rows.iter().filter_map(|r| r.get("valueId").and_then(Value::as_str)).map(str::to_owned).collect();
            Some(
                rules
                    .iter()
                    .filter_map(|r| violation(r, &held).map(|conflicting| violation_row(r, conflicting)))
                    .collect::<Vec<_>>(),
            )
        }
        (Some(_), None) if !gaps.needs_license.contains(&"sod_violations") => {
            gaps.unavailable
                .push(json!({"part": "sod_violations", "reason": "the entitlements held could not be read"}));
            None
        }
        _ => None,
    };

    let role_rows: Option<Vec<Value>> = roles.map(|r| {
        r.as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                json!({"type": r.get("type"), "label": r.get("label"), "assignmentType": r.get("assignmentType"),
                             "status": r.get("status")})
            })
            .collect()
    });
    let request_rows: Option<Vec<Value>> = requests.map(|rs| {
        rs.iter()
            .map(|r| {
                json!({"id": r.get("id"), "entryId": r.pointer("/requested/entryId"),
                             "resourceId": r.pointer("/requested/resourceId"), "created": r.get("created")})
            })
            .collect()
    });
    let group_rows: Vec<Value> = groups
        .iter()
        .map(|g| json!({"id": g.get("id"), "name": g.pointer("/profile/name"), "type": g.get("type")}))
        .collect();

    let headline = headline(
        &user,
        &group_rows,
        app_rows.as_deref(),
        entitlements.as_deref(),
        violations.as_deref(),
        role_rows.as_deref(),
        request_rows.as_deref(),
    );
    let cap = depth.cap();
    let show = |rows: Option<Vec<Value>>, line: fn(&Value) -> String| -> Value {
        match rows {
            None => Value::Null,
            Some(rows) if depth == Depth::Summary => capped(rows.iter().map(|r| json!(line(r))).collect(), cap),
            Some(rows) => capped(rows, cap),
        }
    };
    let mut profile = json!({
        "id": uid, "login": user.pointer("/profile/login"), "status": user.get("status"),
        "name": format!("{} {}", str_of(user.get("profile").unwrap_or(&Value::Null), "firstName"),
                        str_of(user.get("profile").unwrap_or(&Value::Null), "lastName")).trim(),
        "lastLogin": user.get("lastLogin"), "created": user.get("created"),
    });
    if depth == Depth::Full {
        profile["profile"] = user.get("profile").cloned().unwrap_or(Value::Null);
    }
    let mut answer = json!({
        "summary": headline,
        "depth": depth_name(depth),
        "user": profile,
        "groups": show(Some(group_rows), |g| str_of(g, "name").to_owned()),
        "apps": show(app_rows, app_line),
        "entitlements": show(entitlements.map(|rows| if depth == Depth::Full { rows } else {
            rows.into_iter().map(|mut r| { if let Some(o) = r.as_object_mut() { o.remove("externalValue"); } r }).collect()
        }), entitlement_line),
        "pending_requests": show(request_rows, |r| format!("{} ({})", str_of(r, "entryId"), str_of(r, "created"))),
        "admin_roles": show(role_rows, |r| format!("{} ({})", str_of(r, "type"), str_of(r, "assignmentType"))),
        "sod_violations": show(violations, |v| format!("{}: {}", str_of(v, "ruleName"),
            v.get("conflicting").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str)
                .collect::<Vec<_>>().join(" + "))),
    });
    if searched > 0 {
        answer["apps_searched_for_entitlements"] = json!(searched);
    }
    gaps.into_answer(&mut answer);
    Ok(ToolOutput::json(answer))
}

fn depth_name(depth: Depth) -> &'static str {
    match depth {
        Depth::Summary => "summary",
        Depth::Detailed => "detailed",
        Depth::Full => "full",
    }
}

/// One assigned app: how the user has it (scope USER: directly; GROUP: through the groups named in `via`).
pub(super) async fn app_row(
    ctx: &ToolContext,
    app: &Value,
    uid: &str,
    group_names: &BTreeMap<&str, &str>,
) -> Result<Value, ToolError> {
    let id = str_field(app, "id")?;
    let assignment = ctx.okta.get(&ops::GET_APPLICATION_USER, &[id, uid], &Query::new()).await?;
    let scope = str_of(&assignment, "scope").to_owned();
    let mut row = json!({"id": id, "label": app.get("label"), "status": app.get("status"), "scope": scope});
    if scope == "GROUP" {
        let assigned =
            ctx.okta.get_all(&ops::LIST_APPLICATION_GROUP_ASSIGNMENTS, &[id], Query::new(), READ_CAP).await?;
        let via: Vec<Value> = assigned
            .iter()
            .filter_map(|a| group_names.get_key_value(str_of(a, "id")))
            .map(|(id, name)| json!({"id": id, "name": name}))
            .collect();
        row["via"] = Value::Array(via);
    }
    Ok(row)
}

fn app_line(a: &Value) -> String {
    let via: Vec<&str> =
        a.get("via").and_then(Value::as_array).into_iter().flatten().map(|g| str_of(g, "name")).collect();
    if via.is_empty() {
        format!("{} (direct)", str_of(a, "label"))
    } else {
        format!("{} (via {})", str_of(a, "label"), via.join(", "))
    }
}

/// One row per entitlement value held in `app`, with the grants behind it.
fn entitlement_rows(app: &str, label: Option<&str>, held: &[Value]) -> Vec<Value> {
    let mut rows = Vec::new();
    for e in held {
        for v in e.get("values").and_then(Value::as_array).into_iter().flatten() {
            rows.push(json!({
                "app": {"id": app, "label": label},
                "entitlementId": e.get("id"), "entitlement": e.get("name"),
                "valueId": v.get("id"), "value": v.get("name"), "externalValue": v.get("externalValue"),
                "grants": v.get("from").cloned().unwrap_or(json!([])),
            }));
        }
    }
    rows
}

fn entitlement_line(r: &Value) -> String {
    let grants: Vec<String> = r
        .get("grants")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|g| format!("{} grant {}", str_of(g, "grantType"), str_of(g, "grantId")))
        .collect();
    let app = r.pointer("/app/label").and_then(Value::as_str).or_else(|| r.pointer("/app/id").and_then(Value::as_str));
    format!("{}: {}: {} ({})", app.unwrap_or("?"), str_of(r, "entitlement"), str_of(r, "value"), grants.join(", "))
}

/// The answer in a sentence.
fn headline(
    user: &Value,
    groups: &[Value],
    apps: Option<&[Value]>,
    entitlements: Option<&[Value]>,
    violations: Option<&[Value]>,
    roles: Option<&[Value]>,
    requests: Option<&[Value]>,
) -> String {
    let n = |rows: Option<&[Value]>, what: &str| match rows {
        Some(r) => format!("{} {what}", r.len()),
        None => format!("{what} unknown"),
    };
    format!(
        "{} is {}: {}, {}, {}, {}, {}, {}",
        user.pointer("/profile/login").and_then(Value::as_str).unwrap_or("?"),
        str_of(user, "status"),
        n(Some(groups), "groups"),
        n(apps, "apps"),
        n(entitlements, "entitlement values"),
        n(roles, "admin roles"),
        n(requests, "pending requests"),
        n(violations, "SoD violations"),
    )
}
