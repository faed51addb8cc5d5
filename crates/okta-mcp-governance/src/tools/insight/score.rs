//! `okta_iga_score_user_risk`: how risky is this person's access, and why? A score out of 100 made of weighted
//! factors, every one shown with its value, weight, points and the rule that turned one into the other: admin
//! roles, separation-of-duties violations, grants against their department's, failed sign-ins, MFA, days since
//! the last sign-in, status, and apps assigned outside their groups. A factor Okta cannot answer is shown as
//! unknown, with why, and left out of the score (the answer says how much weight was assessed).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use okta_core::Query;
use okta_mcp_kit::args::str_field;
use okta_mcp_kit::lookup::{get_user, str_of};
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::investigate::app_row;
use super::{fan_out, risk_rules, rule_apps, unlicensed};
use crate::args::filter_expr;
use crate::tools::entitlements::user_app_entitlements;
use crate::tools::risk::violation;

pub fn tool() -> ToolDef {
    ToolDef::new(
        ToolMeta {
            name: "okta_iga_score_user_risk",
            title: "Score user risk",
            description: "A user's access risk out of 100, every factor shown with its value and weight: admin \
                roles, SoD violations, grants vs peers, failed sign-ins, MFA, inactivity, status, direct apps.",
            access: Access::Read,
            toolset: "insight",
            operations: &[
                ops::GET_USER,
                ops::LIST_USERS,
                ops::LIST_ASSIGNED_ROLES_FOR_USER,
                ops::LIST_FACTORS,
                ops::LIST_LOG_EVENTS,
                ops::LIST_APPLICATIONS,
                ops::GET_APPLICATION_USER,
                ops::LIST_APPLICATION_GROUP_ASSIGNMENTS,
                ops::LIST_USER_GROUPS,
                ops::LIST_GRANTS,
                ops::GET_PRINCIPAL_ENTITLEMENTS,
                ops::GET_PRINCIPAL_ACCESS,
                ops::LIST_RISK_RULES,
                ops::GET_RISK_RULE,
            ],
        },
        score,
    )
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScoreArgs {
    /// User id or login.
    user: String,
}

/// Failed sign-ins are counted over this many days.
const LOG_DAYS: i64 = 30;
/// Failed sign-ins are counted up to this many.
const LOG_PAGE: usize = 100;
/// At most this many peers (same department) are compared.
const PEERS: usize = 25;
/// Grants, apps and groups are read up to this many.
const READ_CAP: usize = 200;

/// One factor: its weight (the most points it gives) and, when known, its value and points.
struct Factor {
    name: &'static str,
    weight: u32,
    rule: &'static str,
    outcome: Result<(Value, u32), String>,
}

impl Factor {
    fn json(&self) -> Value {
        match &self.outcome {
            Ok((value, points)) => json!({"factor": self.name, "value": value, "weight": self.weight,
                                          "points": points, "rule": self.rule}),
            Err(why) => json!({"factor": self.name, "value": null, "weight": self.weight, "points": null,
                               "rule": self.rule, "unknown": why}),
        }
    }
}

fn why(e: &ToolError) -> String {
    if unlicensed(e) {
        "needs the Okta Identity Governance license (Okta answered E0000015)".to_owned()
    } else {
        e.to_string()
    }
}

async fn score(ctx: ToolContext, args: ScoreArgs) -> Result<ToolOutput, ToolError> {
    let user = get_user(&ctx, args.user.trim()).await?;
    let uid = str_field(&user, "id")?.to_owned();
    let ctx = &ctx;
    let now = Utc::now();
    let since = now.checked_sub_signed(Duration::days(LOG_DAYS)).unwrap_or(now);
    let failed =
        format!("actor.id eq \"{uid}\" and eventType eq \"user.session.start\" and outcome.result eq \"FAILURE\"");
    let log_query = Query::new()
        .push("filter", failed)
        .push("since", since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .push("limit", LOG_PAGE);
    let by_user = filter_expr(&[("user.id", Some(&uid))])?;
    let apps_query = Query::new().opt("filter", by_user.as_deref());
    let (user_param, none) = ([uid.as_str()], Query::new());
    let (roles, factors, log, apps, groups, grants, rules) = futures::join!(
        ctx.okta.get(&ops::LIST_ASSIGNED_ROLES_FOR_USER, &user_param, &none),
        ctx.okta.get(&ops::LIST_FACTORS, &user_param, &none),
        ctx.okta.get_page(&ops::LIST_LOG_EVENTS, &[], &log_query),
        ctx.okta.get_all(&ops::LIST_APPLICATIONS, &[], apps_query, READ_CAP),
        ctx.okta.get_all(&ops::LIST_USER_GROUPS, &user_param, Query::new(), READ_CAP),
        grant_count(ctx, &uid),
        risk_rules(ctx),
    );

    let mut out = Vec::new();
    out.push(Factor {
        name: "admin_roles",
        weight: 20,
        rule: "SUPER_ADMIN or ORG_ADMIN: 20; any other admin role: 10; none: 0",
        outcome: roles.map_err(|e| why(&e)).map(|r| {
            let types: Vec<String> = r.as_array().into_iter().flatten().map(|r| str_of(r, "type").to_owned()).collect();
            let points = if types.iter().any(|t| t == "SUPER_ADMIN" || t == "ORG_ADMIN") {
                20
            } else if types.is_empty() {
                0
            } else {
                10
            };
            (json!(types), points)
        }),
    });

    // Separation of duties: what the user holds in the apps the rules are about.
    let sod = match rules {
        Ok(rules) => sod_violations(ctx, &uid, &rules).await,
        Err(e) => Err(e),
    };
    out.push(Factor {
        name: "sod_violations",
        weight: 25,
        rule: "violates any separation-of-duties rule now: 25",
        outcome: sod.map_err(|e| why(&e)).map(|v| {
            let points = if v.is_empty() { 0 } else { 25 };
            (json!(v), points)
        }),
    });

    let peers = match (&grants, user.pointer("/profile/department").and_then(Value::as_str)) {
        (Ok(_), Some(dept)) if !dept.is_empty() => peer_median(ctx, &uid, dept).await.map_err(|e| why(&e)),
        (Ok(_), _) => Err("the user has no department to find peers by".to_owned()),
        (Err(e), _) => Err(why(e)),
    };
    out.push(Factor {
        name: "grants_vs_peers",
        weight: 15,
        rule: "grants at least twice the department's median: 15; at least 1.5 times: 8",
        outcome: match (&grants, peers) {
            (Ok(mine), Ok((median, n))) => {
                let ratio = f64::from(*mine) / f64::from(median.max(1));
                let points = if ratio >= 2.0 {
                    15
                } else if ratio >= 1.5 {
                    8
                } else {
                    0
                };
                Ok((json!({"grants": mine, "peer_median": median, "peers": n}), points))
            }
            (_, Err(why)) => Err(why),
            (Err(e), _) => Err(why(e)),
        },
    });

    out.push(Factor {
        name: "failed_sign_ins",
        weight: 10,
        rule: "failed sign-ins in the last 30 days: 5 or more: 10; 1 to 4: 5",
        outcome: log.map_err(|e| why(&e)).map(|page| {
            // The System Log always links a next page (for polling): a full page is what says there are more.
            let n = page.items.len();
            let more = n >= LOG_PAGE;
            let points = if n >= 5 {
                10
            } else if n >= 1 {
                5
            } else {
                0
            };
            (if more { json!(format!("{n}+")) } else { json!(n) }, points)
        }),
    });

    out.push(Factor {
        name: "mfa",
        weight: 10,
        rule: "no ACTIVE MFA factor: 10",
        outcome: factors.map_err(|e| why(&e)).map(|f| {
            let active: Vec<String> = f
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| str_of(f, "status") == "ACTIVE")
                .map(|f| str_of(f, "factorType").to_owned())
                .collect();
            let points = if active.is_empty() { 10 } else { 0 };
            (json!({"active_factors": active}), points)
        }),
    });

    let last = user.get("lastLogin").and_then(Value::as_str).and_then(|t| DateTime::parse_from_rfc3339(t).ok());
    let days = last.map(|t| now.signed_duration_since(t.with_timezone(&Utc)).num_days());
    out.push(Factor {
        name: "days_since_last_sign_in",
        weight: 10,
        rule: "never signed in, or over 90 days: 10; over 30 days: 5",
        outcome: Ok(match days {
            None => (json!("never"), 10),
            Some(d) => (
                json!(d),
                if d > 90 {
                    10
                } else if d > 30 {
                    5
                } else {
                    0
                },
            ),
        }),
    });

    let status = str_of(&user, "status").to_owned();
    out.push(Factor {
        name: "status",
        weight: 5,
        rule: "any status but ACTIVE (locked out, suspended, password expired...): 5",
        outcome: Ok((json!(status), if status == "ACTIVE" { 0 } else { 5 })),
    });

    let direct = match (apps, groups) {
        (Ok(apps), Ok(groups)) => {
            let names: BTreeMap<&str, &str> = groups
                .iter()
                .map(|g| (str_of(g, "id"), g.pointer("/profile/name").and_then(Value::as_str).unwrap_or("")))
                .collect();
            let rows = fan_out(ctx, apps, |app: Value| {
                let (uid, names) = (uid.as_str(), &names);
                async move { app_row(ctx, &app, uid, names).await }
            })
            .await;
            rows.into_iter().collect::<Result<Vec<_>, _>>().map_err(|e| why(&e)).map(|rows| {
                rows.iter().filter(|r| r["scope"] == "USER").map(|r| r["label"].clone()).collect::<Vec<_>>()
            })
        }
        (Err(e), _) | (_, Err(e)) => Err(why(&e)),
    };
    out.push(Factor {
        name: "apps_outside_groups",
        weight: 5,
        rule: "apps assigned directly, not through a group: 3 or more: 5; 1 or 2: 2",
        outcome: direct.map(|labels| {
            let points = match labels.len() {
                0 => 0,
                1 | 2 => 2,
                _ => 5,
            };
            (json!(labels), points)
        }),
    });

    let known: Vec<&Factor> = out.iter().filter(|f| f.outcome.is_ok()).collect();
    let points: u32 = known.iter().filter_map(|f| f.outcome.as_ref().ok().map(|(_, p)| *p)).sum();
    let assessed: u32 = known.iter().map(|f| f.weight).sum();
    let level = if points >= 50 {
        "high"
    } else if points >= 25 {
        "medium"
    } else {
        "low"
    };
    let drivers: Vec<String> = out
        .iter()
        .filter_map(|f| f.outcome.as_ref().ok().filter(|(_, p)| *p > 0).map(|(_, p)| format!("{} +{p}", f.name)))
        .collect();
    let unknown: Vec<&str> = out.iter().filter(|f| f.outcome.is_err()).map(|f| f.name).collect();
    Ok(ToolOutput::json(json!({
        "user": {"id": uid, "login": user.pointer("/profile/login"), "status": status},
        "score": points,
        "out_of": 100,
        "assessed_weight": assessed,
        "level": level,
        "summary": format!(
            "{points}/100 ({level}){}{}",
            if drivers.is_empty() { String::from(": no factor adds risk") } else { format!(": {}", drivers.join(", ")) },
            if unknown.is_empty() { String::new() } else { format!("; unknown: {} (not scored)", unknown.join(", ")) }
        ),
        "factors": out.iter().map(Factor::json).collect::<Vec<_>>(),
    })))
}

/// The user's ALLOW grants (up to the read cap).
async fn grant_count(ctx: &ToolContext, uid: &str) -> Result<u32, ToolError> {
    let filter =
        filter_expr(&[("targetPrincipal.externalId", Some(uid)), ("targetPrincipal.type", Some("OKTA_USER"))])?;
    let grants =
        ctx.okta.get_all(&ops::LIST_GRANTS, &[], Query::new().opt("filter", filter.as_deref()), READ_CAP).await?;
    let allowed =
        grants.iter().filter(|g| g.get("action").and_then(Value::as_str).is_none_or(|a| a == "ALLOW")).count();
    Ok(u32::try_from(allowed).unwrap_or(u32::MAX))
}

/// The median grant count of up to `PEERS` others in the department, and how many were compared.
async fn peer_median(ctx: &ToolContext, uid: &str, dept: &str) -> Result<(u32, usize), ToolError> {
    if dept.contains('"') || dept.contains('\\') {
        return Err(ToolError::refused(format!("department {dept:?} cannot be searched")));
    }
    let search = format!("profile.department eq \"{dept}\" and status eq \"ACTIVE\"");
    let page =
        ctx.okta.get_page(&ops::LIST_USERS, &[], &Query::new().push("search", search).push("limit", PEERS + 1)).await?;
    let peers: Vec<String> = page
        .items
        .iter()
        .map(|u| str_of(u, "id").to_owned())
        .filter(|id| !id.is_empty() && id != uid)
        .take(PEERS)
        .collect();
    let n = peers.len();
    let counts = fan_out(ctx, peers, |p| async move { grant_count(ctx, &p).await }).await;
    let mut counts: Vec<u32> = counts.into_iter().collect::<Result<_, _>>()?;
    counts.sort_unstable();
    Ok((counts.get(n / 2).copied().unwrap_or(0), n))
}

/// The rules the user violates now, as `Rule: Value + Value` lines.
async fn sod_violations(ctx: &ToolContext, uid: &str, rules: &[Value]) -> Result<Vec<String>, ToolError> {
    let apps: Vec<String> = rules.iter().flat_map(rule_apps).collect::<BTreeSet<_>>().into_iter().collect();
    let held = fan_out(ctx, apps, |app| async move { user_app_entitlements(ctx, &app, uid).await }).await;
    let mut values = BTreeSet::new();
    for entitlements in held {
        for e in entitlements? {
            for v in e.get("values").and_then(Value::as_array).into_iter().flatten() {
                values.insert(str_of(v, "id").to_owned());
            }
        }
    }
    Ok(rules
        .iter()
        .filter_map(|r| violation(r, &values).map(|c| format!("{}: {}", str_of(r, "name"), c.join(" + "))))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_factor_says_why_and_has_no_points() {
        let f = Factor { name: "mfa", weight: 10, rule: "r", outcome: Err("needs OAuth".into()) };
        assert_eq!(f.json()["points"], Value::Null);
        assert_eq!(f.json()["unknown"], "needs OAuth");
        let k = Factor { name: "mfa", weight: 10, rule: "r", outcome: Ok((json!([]), 10)) };
        assert_eq!(k.json()["points"], 10);
        assert_eq!(k.json()["weight"], 10);
    }
}
