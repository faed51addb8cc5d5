//! `okta_iga_prepare_entitlements`: the entitlements and values a CSV names that its app lacks are created (an
//! entitlement per column, named as the column, multi-valued when some user gets several values; each value
//! named and valued as the file writes it). What the app has is left alone. With `dry_run` the exact
//! creations are shown and nothing is sent.

use okta_core::Query;
use okta_mcp_kit::{ToolContext, ToolError, ToolOutput, ops};
use serde_json::{Value, json};

use super::apply::ApplyArgs;
use super::load;
use super::target::{ColumnTarget, match_app};
use crate::args::app_arg;
use crate::tools::entitlements::app_catalog;

/// Distinct values of one column at most (more is not an entitlement: an id or a free-text column).
const MAX_VALUES: usize = 1000;
/// Values in one create, and value additions in one update (Okta's PATCH takes at most 100 operations).
const CHUNK: usize = 100;

fn value_body(v: &str) -> Value {
    json!({"name": v, "externalValue": v})
}

/// Refuse what Okta would refuse, before anything is sent.
fn check(targets: &[ColumnTarget]) -> Result<(), ToolError> {
    for t in targets {
        if t.header.chars().count() > 255 {
            return Err(ToolError::refused(format!("column {:?} is longer than 255 characters", t.header)));
        }
        if t.values.len() > MAX_VALUES {
            return Err(ToolError::refused(format!(
                "column {} has {} distinct values (at most {MAX_VALUES}): is it an entitlement? Name the \
                 entitlement columns with entitlement_columns. Nothing was sent.",
                t.header,
                t.values.len()
            )));
        }
        if let Some(v) = t.values.iter().find(|v| v.value.chars().count() > 255) {
            return Err(ToolError::refused(format!(
                "a value of column {} is longer than 255 characters ({:.40}…). Nothing was sent.",
                t.header, v.value
            )));
        }
    }
    Ok(())
}

/// The requests that make the app match the file: (what, method path, body).
fn plan(app: &str, targets: &[ColumnTarget]) -> Vec<(Value, &'static str, Option<String>, Value)> {
    let mut out = Vec::new();
    for t in targets {
        let missing: Vec<&str> = t.missing().map(|v| v.value.as_str()).collect();
        match &t.entitlement {
            None => {
                let multi = t.multi_in_csv;
                let mut chunks = missing.chunks(CHUNK);
                let first: Vec<Value> = chunks.next().unwrap_or_default().iter().map(|v| value_body(v)).collect();
                let body = json!({
                    "name": t.header, "externalValue": t.header, "multiValue": multi,
                    "dataType": if multi { "array" } else { "string" },
                    "parent": {"externalId": app, "type": "APPLICATION"},
                    "values": first,
                });
                out.push((json!({"entitlement": t.header}), "create", None, body));
                for rest in chunks {
                    let ops: Vec<Value> = rest.iter().map(|v| add_op(v)).collect();
                    out.push((json!({"entitlement": t.header}), "add_values", None, Value::Array(ops)));
                }
            }
            Some(e) if !missing.is_empty() => {
                for chunk in missing.chunks(CHUNK) {
                    let ops: Vec<Value> = chunk.iter().map(|v| add_op(v)).collect();
                    out.push((json!({"entitlement": e.name}), "add_values", Some(e.id.clone()), Value::Array(ops)));
                }
            }
            Some(_) => {}
        }
    }
    out
}

fn add_op(v: &str) -> Value {
    json!({"op": "ADD", "path": "/values/-", "refType": "ENTITLEMENT-VALUE", "value": value_body(v)})
}

/// Values a step creates, by name.
fn step_values(kind: &str, body: &Value) -> Vec<Value> {
    match kind {
        "create" => body
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.get("name"))
            .cloned()
            .collect(),
        _ => body.as_array().into_iter().flatten().filter_map(|o| o.pointer("/value/name")).cloned().collect(),
    }
}

/// One preparation of an app at a time in this process: two calls cannot both find a value missing and both
/// create it.
static PREPARING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub async fn prepare(ctx: ToolContext, args: ApplyArgs) -> Result<ToolOutput, ToolError> {
    let app = app_arg(&args.app)?;
    let loaded = load(&args.file).await?;
    // An update names only the entitlement: protection checks the app it belongs to.
    ctx.okta.acts_on("apps", &app, &app);
    let _one_at_a_time = PREPARING.lock().await;
    let catalog = app_catalog(&ctx, &app).await?;
    let targets = match_app(&loaded, &catalog);
    check(&targets)?;
    let steps = plan(&app, &targets);
    let unchanged: Vec<Value> = targets
        .iter()
        .filter(|t| t.entitlement.is_some() && t.missing().next().is_none())
        .map(|t| json!({"column": t.header, "entitlement": t.entitlement.as_ref().map(|e| &e.id), "values": t.values.len()}))
        .collect();
    let warnings: Vec<Value> = targets.iter().filter_map(|t| t.to_json().get("warning").cloned()).collect();
    if ctx.okta.holds_changes() {
        let would: Vec<Value> = steps
            .iter()
            .map(|(what, kind, id, body)| {
                let (method, path) = match (kind, id) {
                    (&"create", _) => ("POST", "/governance/api/v1/entitlements".to_owned()),
                    (_, Some(id)) => ("PATCH", format!("/governance/api/v1/entitlements/{id}")),
                    (_, None) => ("PATCH", "/governance/api/v1/entitlements/{the new entitlement's id}".to_owned()),
                };
                json!({"step": kind, "for": what, "method": method, "path": path, "body": body})
            })
            .collect();
        return Ok(ToolOutput::json(json!({
            "dry_run": true,
            "app": app,
            "would_send": would,
            "unchanged": unchanged,
            "warnings": warnings,
            "result": if would.is_empty() { "the app already has every entitlement and value of the file; nothing to send" }
                      else { "nothing was sent: run again without dry_run to create these" },
        })));
    }
    let mut created: Vec<Value> = Vec::new();
    let mut added: Vec<Value> = Vec::new();
    let mut failures: Vec<Value> = Vec::new();
    // The id of an entitlement created by this call, for the values that did not fit in its create.
    let mut new_ids: Vec<(String, String)> = Vec::new();
    for (what, kind, id, body) in &steps {
        let name = what.get("entitlement").and_then(Value::as_str).unwrap_or_default().to_owned();
        let values = step_values(kind, body);
        let sent = match (*kind, id) {
            ("create", _) => {
                ctx.okta.send(&ops::CREATE_ENTITLEMENT, &[], &Query::new(), Some(body)).await.map(|saved| {
                    let id =
                        saved.as_ref().and_then(|s| s.get("id")).and_then(Value::as_str).unwrap_or_default().to_owned();
                    new_ids.push((name.clone(), id.clone()));
                    created
                        .push(json!({"id": id, "name": name, "multiValue": body.get("multiValue"), "values": values}));
                })
            }
            (_, id) => {
                let id = id.clone().or_else(|| new_ids.iter().find(|(n, _)| *n == name).map(|(_, i)| i.clone()));
                match id {
                    None => Err(ToolError::refused(format!(
                        "entitlement {name} was not created, so its values were not added"
                    ))),
                    Some(id) => ctx
                        .okta
                        .send(&ops::UPDATE_ENTITLEMENT, &[&id], &Query::new(), Some(body))
                        .await
                        .map(|_| added.push(json!({"entitlement": {"id": id, "name": name}, "values": values}))),
                }
            }
        };
        if let Err(e) = sent {
            failures.push(json!({"entitlement": name, "values": values.len(), "reason": e.to_string()}));
        }
    }
    let result = if failures.is_empty() {
        "the app now has every entitlement and value of the file"
    } else {
        "some creations failed (see failures); run again to retry them: what exists is left alone"
    };
    Ok(ToolOutput::json(json!({
        "app": app,
        "created": created,
        "values_added": added,
        "unchanged": unchanged,
        "failures": failures,
        "warnings": warnings,
        "result": result,
    })))
}
