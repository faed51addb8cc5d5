//! `okta_iga_apply_grants`: every user of a CSV gets the app and the entitlement values the file gives them.
//! Per user: resolve the login, assign the user to the app when not assigned, read what they hold, and create
//! one ENTITLEMENT (additive) grant of the values they lack (none lacking: skipped, so a rerun sends no change). Users run
//! concurrently up to the rate governor's cap; the governor keeps each bucket within its share. A journal
//! (see `journal`) records each user's state as the run goes, so an interrupted run resumes without duplicates.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use futures::StreamExt;
use okta_core::Query;
use okta_mcp_kit::ids::UserId;
use okta_mcp_kit::lookup::str_of;
use okta_mcp_kit::{ToolContext, ToolError, ToolOutput, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Digest;

use super::journal::{self, CREATED, FAILED, Item, Run, RunInfo, SENDING, SKIPPED};
use super::meter::{Meter, concurrency};
use super::sheet::SHOWN;
use super::target::{ColumnTarget, match_app};
use super::{FileArgs, Loaded, hex, load};
use crate::args::{app_arg, filter_expr};
use crate::tools::entitlements::{AppValue, app_catalog, grouped, principal_entitlements};

/// Failures listed in an answer at most (all are counted, and all are in the journal).
pub const FAILURES_SHOWN: usize = 50;
/// An app with more assigned users than this is checked user by user instead of listed once.
const APP_USERS_CAP: usize = 50_000;

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ApplyArgs {
    /// App id or ORN.
    pub app: String,
    #[serde(flatten)]
    pub file: FileArgs,
}

/// The users assigned to an app: listed once, or (too many) asked user by user.
#[derive(Debug)]
pub enum AppUsers {
    Listed(HashSet<String>),
    PerUser,
}

/// Read the app's assigned users (one list, page by page).
pub async fn app_users(ctx: &ToolContext, app: &str, meter: &Meter) -> Result<AppUsers, ToolError> {
    let users = ctx.okta.get_all(&ops::LIST_APPLICATION_USERS, &[app], Query::new(), APP_USERS_CAP + 1).await?;
    meter.count(users.len().div_ceil(200).max(1) as u64);
    if users.len() > APP_USERS_CAP {
        return Ok(AppUsers::PerUser);
    }
    Ok(AppUsers::Listed(users.iter().map(|u| str_of(u, "id").to_owned()).collect()))
}

/// A user's id: as given when it is one, else looked up by login (a clear reason when there is none).
pub async fn resolve_user(ctx: &ToolContext, user: &str, meter: &Meter) -> Result<(String, Value), String> {
    if let Some(id) = UserId::parse(user)
        && !user.contains('@')
    {
        return Ok((id.as_str().to_owned(), Value::Null));
    }
    meter.count(1);
    match ctx.okta.get(&ops::GET_USER, &[user], &Query::new()).await {
        Ok(u) => {
            let id = str_of(&u, "id").to_owned();
            if UserId::parse(&id).is_none() {
                return Err(format!("Okta answered {user:?} with {id:?}, not a user id"));
            }
            if str_of(&u, "status") == "DEPROVISIONED" {
                return Err(format!("{user} ({id}) is DEPROVISIONED: reactivate the user first"));
            }
            Ok((id, u))
        }
        Err(ToolError::Okta(e)) if e.status() == Some(404) => Err(format!("no Okta user has the login {user:?}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether the user is assigned to the app; assigns them when not (unless changes are held back). Answers
/// whether the user was (or would be) assigned now.
pub async fn ensure_assigned(
    ctx: &ToolContext,
    app: &str,
    uid: &str,
    users: &AppUsers,
    meter: &Meter,
) -> Result<bool, String> {
    let assigned = match users {
        AppUsers::Listed(set) => set.contains(uid),
        AppUsers::PerUser => {
            meter.count(1);
            match ctx.okta.get(&ops::GET_APPLICATION_USER, &[app, uid], &Query::new()).await {
                Ok(_) => true,
                Err(ToolError::Okta(e)) if e.status() == Some(404) => false,
                Err(e) => return Err(e.to_string()),
            }
        }
    };
    if assigned {
        return Ok(false);
    }
    // A dry run goes through `send` too: protection refuses a protected user here as in a real run, and the
    // change is held back.
    if !ctx.okta.holds_changes() {
        meter.count(1);
    }
    let body = json!({"id": uid, "scope": "USER"});
    match ctx.okta.send(&ops::ASSIGN_USER_TO_APPLICATION, &[app], &Query::new(), Some(&body)).await {
        Ok(_) | Err(ToolError::Held(_)) => Ok(true),
        Err(e) => Err(format!("assigning the user to the app: {e}")),
    }
}

/// What granting a user values came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Granted {
    /// A grant was created (or, changes held back, would be) for these values.
    Created { grant_id: Option<String>, values: Vec<String> },
    /// The user already holds every value.
    Present,
}

/// An ACTIVE ALLOW grant of the user in the app that gives every one of `values` (the grant a stopped run may
/// have made before it could record it).
async fn grant_covering(
    ctx: &ToolContext,
    app: &str,
    uid: &str,
    values: &[&AppValue],
) -> Result<Option<String>, String> {
    let filter = filter_expr(&[
        ("target.externalId", Some(app)),
        ("target.type", Some("APPLICATION")),
        ("targetPrincipal.externalId", Some(uid)),
        ("targetPrincipal.type", Some("OKTA_USER")),
    ])
    .map_err(|e| e.to_string())?
    .unwrap_or_default();
    let query = Query::new().push("filter", filter).push("include", "full_entitlements");
    let grants = ctx.okta.get_all(&ops::LIST_GRANTS, &[], query, 1000).await.map_err(|e| e.to_string())?;
    Ok(grants
        .iter()
        .filter(|g| str_of(g, "status") == "ACTIVE" && str_of(g, "action") != "DENY")
        .find(|g| {
            let has: BTreeSet<&str> = g
                .get("entitlements")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .flat_map(|e| e.get("values").and_then(Value::as_array).into_iter().flatten())
                .filter_map(|v| v.get("id").and_then(Value::as_str))
                .collect();
            values.iter().all(|v| has.contains(v.id.as_str()))
        })
        .map(|g| str_of(g, "id").to_owned()))
}

/// Locks that make one user's check-then-grant in an app one step within this process: two items naming the
/// same person (an id and a login, two spellings, a batch beside a run) cannot both see a value missing and both
/// grant it. Striped by a hash of app and user, so the set stays bounded.
static USER_LOCKS: [tokio::sync::Mutex<()>; 64] = [const { tokio::sync::Mutex::const_new(()) }; 64];

fn user_lock(app: &str, uid: &str) -> &'static tokio::sync::Mutex<()> {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (app, uid).hash(&mut h);
    &USER_LOCKS[(h.finish() % USER_LOCKS.len() as u64) as usize]
}

/// Give the user the values they lack (one additive ENTITLEMENT grant), after checking what they hold: a value of a
/// single-valued entitlement whose other value they hold is refused. `unsure`: an earlier run may have sent this
/// grant without recording it, so the user's grants are checked first. `before_send` runs just before the grant
/// is sent (the journal records it).
pub async fn grant_missing(
    ctx: &ToolContext,
    app: &str,
    uid: &str,
    values: &[AppValue],
    unsure: bool,
    meter: &Meter,
    before_send: impl FnOnce() -> Result<(), String>,
) -> Result<Granted, String> {
    let _one_at_a_time = user_lock(app, uid).lock().await;
    meter.count(1);
    let held = principal_entitlements(ctx, app, uid).await.map_err(|e| e.to_string())?;
    let mut held_by_entitlement: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for e in &held {
        for v in e.get("values").and_then(Value::as_array).into_iter().flatten() {
            held_by_entitlement.entry(str_of(e, "id")).or_default().push((str_of(v, "id"), str_of(v, "name")));
        }
    }
    let holds = |v: &AppValue| {
        held_by_entitlement.get(v.entitlement_id.as_str()).is_some_and(|h| h.iter().any(|(id, _)| *id == v.id))
    };
    let missing: Vec<&AppValue> = values.iter().filter(|v| !holds(v)).collect();
    if missing.is_empty() {
        return Ok(Granted::Present);
    }
    for v in missing.iter().filter(|v| !v.multi) {
        if let Some((_, other)) = held_by_entitlement.get(v.entitlement_id.as_str()).and_then(|h| h.first()) {
            return Err(format!(
                "holds {}: {other}, and {} takes a single value, so {} is not granted: change it with \
                 okta_iga_revoke_entitlement, then run again",
                v.entitlement,
                v.entitlement,
                v.label()
            ));
        }
    }
    if unsure {
        meter.count(1);
        if let Some(grant) = grant_covering(ctx, app, uid, &missing).await? {
            return Ok(Granted::Created { grant_id: Some(grant), values: missing.iter().map(|v| v.label()).collect() });
        }
    }
    let labels: Vec<String> = missing.iter().map(|v| v.label()).collect();
    let held = ctx.okta.holds_changes();
    if !held {
        before_send()?;
    }
    let owned: Vec<AppValue> = missing.into_iter().cloned().collect();
    // ENTITLEMENT: an additive grant. A CUSTOM grant is a base grant, which replaces every other grant of the
    // user in the app (Okta's Grants reference), so the values the user held would go.
    let body = json!({
        "grantType": "ENTITLEMENT",
        "action": "ALLOW",
        "actor": "API",
        "target": {"externalId": app, "type": "APPLICATION"},
        "targetPrincipal": {"externalId": uid, "type": "OKTA_USER"},
        "entitlements": grouped(&owned),
    });
    // A dry run goes through `send` too (protection checks it), and is held back there.
    if !held {
        meter.count(1);
    }
    let saved = match ctx.okta.send(&ops::CREATE_GRANT, &[], &Query::new(), Some(&body)).await {
        Err(ToolError::Held(_)) => return Ok(Granted::Created { grant_id: None, values: labels }),
        other => other.map_err(|e| e.to_string())?,
    };
    let grant_id = saved.as_ref().and_then(|g| g.get("id")).and_then(Value::as_str).map(str::to_owned);
    Ok(Granted::Created { grant_id, values: labels })
}

/// One user of the file, with the app's values the file gives them.
#[derive(Debug, Clone)]
struct Wanted {
    key: String,
    user: String,
    row: usize,
    values: Vec<AppValue>,
    /// Why the file's values cannot be granted as they are (checked before anything is sent).
    problem: Option<String>,
}

/// Every value of the file must be in the app (okta_iga_prepare_entitlements makes them).
fn check_prepared(app: &str, targets: &[ColumnTarget]) -> Result<(), ToolError> {
    let mut missing: Vec<String> = Vec::new();
    for t in targets {
        match &t.entitlement {
            None => missing.push(format!("entitlement {}", t.header)),
            Some(_) => missing.extend(t.missing().map(|v| format!("{}: {}", t.header, v.value))),
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let count = missing.len();
    missing.truncate(10);
    Err(ToolError::refused(format!(
        "{count} entitlement(s) or value(s) of the file are not in app {app} yet ({}{}): run \
         okta_iga_prepare_entitlements first (dry_run shows what it creates). Nothing was sent.",
        missing.join("; "),
        if count > 10 { "; …" } else { "" }
    )))
}

fn wanted(loaded: &Loaded, targets: &[ColumnTarget]) -> Vec<Wanted> {
    loaded
        .sheet
        .users
        .iter()
        .map(|u| {
            let mut values = Vec::new();
            let mut problem = None;
            for t in targets {
                let given = u.values.get(&t.column).map(|v| v.iter().collect::<Vec<_>>()).unwrap_or_default();
                if given.len() > 1 && t.entitlement.as_ref().is_some_and(|e| !e.multi) {
                    problem = Some(format!(
                        "the file gives {} values of {}, which takes one ({})",
                        given.len(),
                        t.header,
                        given.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ));
                }
                values.extend(given.iter().filter_map(|v| t.app_value(v)).cloned());
            }
            Wanted { key: u.user.to_lowercase(), user: u.user.clone(), row: u.row, values, problem }
        })
        .collect()
}

/// The run id: the same org, app, file contents and columns make the same run (so a repeated call resumes it).
fn run_id(org: &str, app: &str, loaded: &Loaded) -> String {
    let columns = loaded.columns.describe(&loaded.table).to_string();
    let digest = sha2::Sha256::digest(format!("{org}\n{app}\n{}\n{columns}", loaded.digest).as_bytes());
    format!("run_{}", &hex(&digest)[..16])
}

/// What happened to one user.
#[derive(Debug)]
struct Outcome {
    key: String,
    user: String,
    row: usize,
    user_id: Option<String>,
    assigned: bool,
    result: Result<Granted, String>,
    /// The grant was about to go out when the result came: a failure may have come after Okta took it.
    sent_maybe: bool,
}

#[allow(clippy::too_many_arguments)]
async fn one_user(
    ctx: &ToolContext,
    app: &str,
    want: Wanted,
    users: &AppUsers,
    earlier: Option<Item>,
    run: Option<&Run>,
    meter: &Meter,
) -> Outcome {
    let mut out = Outcome {
        key: want.key.clone(),
        user: want.user.clone(),
        row: want.row,
        user_id: None,
        assigned: false,
        result: Ok(Granted::Present),
        sent_maybe: false,
    };
    if let Some(problem) = want.problem {
        out.result = Err(problem);
        return out;
    }
    let uid = match earlier.as_ref().and_then(|e| e.user_id.clone()) {
        Some(id) => id,
        None => match resolve_user(ctx, &want.user, meter).await {
            Ok((id, _)) => id,
            Err(reason) => {
                out.result = Err(reason);
                return out;
            }
        },
    };
    out.user_id = Some(uid.clone());
    match ensure_assigned(ctx, app, &uid, users, meter).await {
        Ok(now) => out.assigned = now,
        Err(reason) => {
            out.result = Err(reason);
            return out;
        }
    }
    let unsure = earlier.as_ref().is_some_and(|e| e.state == SENDING);
    let sending = std::sync::atomic::AtomicBool::new(false);
    let record = || {
        sending.store(true, std::sync::atomic::Ordering::Relaxed);
        match run {
            Some(run) => run.record(
                &want.key,
                &Item { state: SENDING.into(), user_id: Some(uid.clone()), grant_id: None, detail: None },
            ),
            None => Ok(()),
        }
    };
    out.result = grant_missing(ctx, app, &uid, &want.values, unsure, meter, record).await;
    out.sent_maybe = sending.load(std::sync::atomic::Ordering::Relaxed);
    out
}

fn failure_row(o: &Outcome, reason: &str) -> Value {
    json!({"user": o.user, "row": o.row, "reason": reason})
}

pub async fn apply(ctx: ToolContext, args: ApplyArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let loaded = load(&args.file).await?;
    if loaded.sheet.users.is_empty() {
        return Err(ToolError::refused(format!(
            "{:?} has no user with access to apply (see okta_iga_validate_csv). Nothing was sent.",
            loaded.file
        )));
    }
    let meter = Meter::new();
    let catalog = app_catalog(&ctx, &app).await?;
    meter.count(1 + catalog.entitlements.len() as u64);
    let targets = match_app(&loaded, &catalog);
    check_prepared(&app, &targets)?;
    let wanted = wanted(&loaded, &targets);
    let total = wanted.len();
    let dry = ctx.okta.holds_changes();
    let id = run_id(ctx.okta.org_url().as_str(), &app, &loaded);
    let run = if dry {
        None
    } else {
        let path = journal::default_path().map_err(ToolError::refused)?;
        let info = RunInfo {
            run_id: id.clone(),
            org: ctx.okta.org_url().to_string(),
            app: app.clone(),
            file: loaded.file.clone(),
            total,
        };
        Some(journal::begin(&path, info).map_err(ToolError::refused)?)
    };
    let earlier = run.as_ref().map(|r| r.earlier.clone()).unwrap_or_default();
    let users = app_users(&ctx, &app, &meter).await?;
    let done_before =
        wanted.iter().filter(|w| earlier.get(&w.key).is_some_and(|e| e.state == CREATED || e.state == SKIPPED)).count();
    let pending: Vec<Wanted> = wanted
        .into_iter()
        .filter(|w| !earlier.get(&w.key).is_some_and(|e| e.state == CREATED || e.state == SKIPPED))
        .collect();
    ctx.progress.report(done_before as f64, Some(total as f64), format!("{done_before}/{total} users (resumed)"));

    let (mut created, mut present, mut assigned, mut done) = (0usize, 0usize, 0usize, done_before);
    let mut failures: Vec<Value> = Vec::new();
    let mut failed = 0usize;
    let mut per_value: BTreeMap<String, usize> = BTreeMap::new();
    let mut sample: Vec<Value> = Vec::new();
    let mut journal_error = None;
    {
        let mut outcomes = futures::stream::iter(pending.into_iter().map(|w| {
            let earlier = earlier.get(&w.key).cloned();
            one_user(&ctx, &app, w, &users, earlier, run.as_ref(), &meter)
        }))
        .buffer_unordered(concurrency(&ctx.okta));
        while let Some(o) = outcomes.next().await {
            done += 1;
            assigned += usize::from(o.assigned);
            let item = match &o.result {
                Ok(Granted::Created { grant_id, values }) => {
                    created += 1;
                    for v in values {
                        *per_value.entry(v.clone()).or_default() += 1;
                    }
                    if dry && sample.len() < 5 {
                        sample.push(json!({"user": o.user, "user_id": o.user_id, "assign_to_app": o.assigned,
                                           "grant_values": values}));
                    }
                    Item { state: CREATED.into(), user_id: o.user_id.clone(), grant_id: grant_id.clone(), detail: None }
                }
                Ok(Granted::Present) => {
                    present += 1;
                    Item { state: SKIPPED.into(), user_id: o.user_id.clone(), grant_id: None, detail: None }
                }
                Err(reason) => {
                    failed += 1;
                    if failures.len() < FAILURES_SHOWN {
                        failures.push(failure_row(&o, reason));
                    }
                    // A failure after the grant went out (a timeout, a 5xx) may hide a grant Okta made: kept as
                    // "sending", so the next pass checks the user's grants before granting again.
                    Item {
                        state: if o.sent_maybe { SENDING.into() } else { FAILED.into() },
                        user_id: o.user_id.clone(),
                        grant_id: None,
                        detail: Some(reason.clone()),
                    }
                }
            };
            if let Some(run) = &run
                && let Err(e) = run.record(&o.key, &item)
            {
                journal_error = Some(e);
                break;
            }
            meter.sample(&ctx.okta);
            meter.progress(&ctx, done, total, "users");
        }
    }
    if let Some(e) = journal_error {
        if let Some(run) = &run {
            run.release();
        }
        return Err(ToolError::refused(format!(
            "the run stopped: {e}. Users done so far are recorded; call again with the same arguments to resume."
        )));
    }
    let mut out = json!({
        "app": app,
        "file": loaded.file,
        "users": total,
    });
    if dry {
        out["dry_run"] = json!(true);
        out["would_assign_to_app"] = json!(assigned);
        out["would_create_grants"] = json!(created);
        out["already_in_place"] = json!(present);
        out["would_fail"] = json!(failed);
        let shown: BTreeMap<&String, &usize> = per_value.iter().take(SHOWN * 4).collect();
        out["users_per_value"] = json!(shown);
        out["sample"] = json!(sample);
        out["each_grant"] = json!({"method": "POST", "path": "/governance/api/v1/grants",
            "body": {"grantType": "ENTITLEMENT", "action": "ALLOW", "actor": "API",
                     "target": {"externalId": app, "type": "APPLICATION"},
                     "targetPrincipal": {"externalId": "<user id>", "type": "OKTA_USER"},
                     "entitlements": "<the values the user lacks, by entitlement>"}});
        out["result"] = json!("nothing was sent: run again without dry_run to apply");
    } else {
        if let Some(run) = &run {
            run.finish().map_err(ToolError::refused)?;
        }
        out["run_id"] = json!(id);
        out["created"] = json!(created);
        out["assigned_to_app"] = json!(assigned);
        out["skipped_already_present"] = json!(present);
        out["done_before_resume"] = json!(done_before);
        out["failed"] = json!(failed);
        out["journal"] = json!(run.as_ref().map(|r| r.path.display().to_string()));
    }
    if failed > failures.len() {
        out["failures_not_listed"] = json!(failed - failures.len());
    }
    out["failures"] = Value::Array(failures);
    if let Value::Object(m) = meter.summary(&ctx.okta) {
        out.as_object_mut().into_iter().for_each(|o| o.extend(m.clone()));
    }
    Ok(ToolOutput::json(out))
}
