//! The batch tools: the steps of a bulk run on explicit lists (users to find, users to assign to an app, values
//! to grant), run concurrently at the governor's pace, answered per item in the order given. Bad input (an
//! empty or too long list, a value that is not the app's) is refused before anything is sent.

use futures::StreamExt;
use okta_mcp_kit::{ToolContext, ToolError, ToolOutput};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::apply::{AppUsers, Granted, ensure_assigned, grant_missing, resolve_user};
use super::meter::{Meter, concurrency};
use crate::args::app_arg;
use crate::tools::entitlements::{AppValue, app_catalog, one_value_each, value_specs};

/// Items in one batch call at most.
pub const MAX_ITEMS: usize = 200;

fn users_arg(users: &[String]) -> Result<Vec<String>, ToolError> {
    if users.is_empty() || users.len() > MAX_ITEMS {
        return Err(ToolError::invalid_arguments(format!("users: give 1 to {MAX_ITEMS} users")));
    }
    let mut out: Vec<String> = Vec::new();
    for u in users {
        let t = u.trim();
        if t.is_empty() || t.len() > 320 || t.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(ToolError::invalid_arguments(format!("users: {u:?} is not a user id or login")));
        }
        // Two items of one user would race each other (two assignments, two grants).
        if out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            return Err(ToolError::invalid_arguments(format!("users: {t} is listed twice; list each user once")));
        }
        out.push(t.to_owned());
    }
    Ok(out)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct FindUsersArgs {
    /// User ids or logins (1-200).
    pub users: Vec<String>,
}

async fn find_one(ctx: &ToolContext, u: String, meter: &Meter) -> Value {
    match resolve_user(ctx, &u, meter).await {
        Ok((id, user)) => {
            json!({"user": u, "id": id, "login": user.pointer("/profile/login"), "status": user.get("status")})
        }
        Err(reason) => json!({"user": u, "error": reason}),
    }
}

pub async fn find_users(ctx: ToolContext, args: FindUsersArgs) -> Result<ToolOutput, ToolError> {
    let users = users_arg(&args.users)?;
    let meter = Meter::new();
    let results: Vec<Value> = futures::stream::iter(users.into_iter().map(|u| find_one(&ctx, u, &meter)))
        .buffered(concurrency(&ctx.okta))
        .collect()
        .await;
    let found = results.iter().filter(|r| r.get("id").is_some()).count();
    Ok(ToolOutput::json(json!({
        "found": found,
        "not_found": results.len() - found,
        "results": results,
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignUsersArgs {
    /// App id or ORN.
    pub app: String,
    /// User ids or logins (1-200).
    pub users: Vec<String>,
}

async fn assign_one(ctx: &ToolContext, app: &str, u: String, meter: &Meter) -> Value {
    let (id, _) = match resolve_user(ctx, &u, meter).await {
        Ok(found) => found,
        Err(reason) => return json!({"user": u, "error": reason}),
    };
    let dry = ctx.okta.holds_changes();
    match ensure_assigned(ctx, app, &id, &AppUsers::PerUser, meter).await {
        Ok(true) => json!({"user": u, "id": id, "result": if dry { "would assign" } else { "assigned" }}),
        Ok(false) => json!({"user": u, "id": id, "result": "already assigned"}),
        Err(reason) => json!({"user": u, "id": id, "error": reason}),
    }
}

pub async fn assign_users(ctx: ToolContext, args: AssignUsersArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let users = users_arg(&args.users)?;
    let meter = Meter::new();
    let dry = ctx.okta.holds_changes();
    let results: Vec<Value> = futures::stream::iter(users.into_iter().map(|u| assign_one(&ctx, &app, u, &meter)))
        .buffered(concurrency(&ctx.okta))
        .collect()
        .await;
    Ok(summary(&app, results, ["assigned", "already assigned", "would assign"], dry))
}

/// A batch of changes answered per item, with the count of each outcome: `[done, already, would]` name the
/// results "done", "nothing to do" and, in a dry run, "would be done" (as keys: spaces become `_`).
fn summary(app: &str, results: Vec<Value>, [done, already, would]: [&str; 3], dry: bool) -> ToolOutput {
    let count = |r: &str| results.iter().filter(|x| x.get("result").and_then(Value::as_str) == Some(r)).count();
    let key = |r: &str| r.replace(' ', "_");
    let mut out = serde_json::Map::new();
    out.insert("app".into(), json!(app));
    out.insert(key(done), json!(count(done)));
    out.insert(key(already), json!(count(already)));
    out.insert("failed".into(), json!(results.iter().filter(|r| r.get("error").is_some()).count()));
    if dry {
        out.insert("dry_run".into(), json!(true));
        out.insert(key(would), json!(count(would)));
    }
    out.insert("results".into(), Value::Array(results));
    ToolOutput::json(Value::Object(out))
}

// One user and the values to grant them (no doc comment: it would be repeated in the schema).
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GrantItem {
    /// User id or login.
    pub user: String,
    /// Value ids, ORNs or "Entitlement: Value" (1-50).
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CreateGrantsArgs {
    /// App id or ORN.
    pub app: String,
    /// Users and their values (1-200).
    pub grants: Vec<GrantItem>,
}

async fn grant_one(ctx: &ToolContext, app: &str, u: String, values: Vec<AppValue>, meter: &Meter) -> Value {
    let (id, _) = match resolve_user(ctx, &u, meter).await {
        Ok(found) => found,
        Err(reason) => return json!({"user": u, "error": reason}),
    };
    let dry = ctx.okta.holds_changes();
    match grant_missing(ctx, app, &id, &values, false, meter, || Ok(())).await {
        Ok(Granted::Created { grant_id, values }) => json!({"user": u, "id": id,
            "result": if dry { "would grant" } else { "granted" }, "grant_id": grant_id, "values": values}),
        Ok(Granted::Present) => json!({"user": u, "id": id, "result": "already held"}),
        Err(reason) => json!({"user": u, "id": id, "error": reason}),
    }
}

pub async fn create_grants(ctx: ToolContext, args: CreateGrantsArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    if args.grants.is_empty() || args.grants.len() > MAX_ITEMS {
        return Err(ToolError::invalid_arguments(format!("grants: give 1 to {MAX_ITEMS} items")));
    }
    let users = users_arg(&args.grants.iter().map(|g| g.user.clone()).collect::<Vec<_>>())?;
    for (i, g) in args.grants.iter().enumerate() {
        value_specs(&format!("grants[{i}].values"), &g.values, 50)?;
    }
    let catalog = app_catalog(&ctx, &app).await?;
    // Every item's values are resolved before anything is sent.
    let mut resolved = Vec::new();
    for (i, g) in args.grants.iter().enumerate() {
        let values = catalog.resolve_all(&format!("grants[{i}].values"), &g.values)?;
        one_value_each(&values).map_err(|e| ToolError::refused(format!("grants[{i}] ({}): {e}", g.user)))?;
        resolved.push(values);
    }
    let meter = Meter::new();
    let dry = ctx.okta.holds_changes();
    let results: Vec<Value> = futures::stream::iter(
        users.into_iter().zip(resolved).map(|(u, values)| grant_one(&ctx, &app, u, values, &meter)),
    )
    .buffered(concurrency(&ctx.okta))
    .collect()
    .await;
    Ok(summary(&app, results, ["granted", "already held", "would grant"], dry))
}
