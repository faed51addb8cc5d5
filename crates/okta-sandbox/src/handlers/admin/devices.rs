//! Devices and their lifecycle: ACTIVE ⇄ SUSPENDED, either → DEACTIVATED (which unlinks the device's users),
//! DEACTIVATED → ACTIVE, and delete only when DEACTIVATED; anything else answers 403 E0000152.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use chrono::Utc;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::filter;
use crate::handlers::{Acting, ApiResult, Id, Ids, Params, St, no_content, ok};
use crate::ids::ts;
use crate::org::Org;
use crate::org::admin::{Device, with_admin};
use crate::org::collection::Collection;
use crate::seed::api_client;

fn device_target(d: &Device) -> Value {
    json!({"id": d.id, "type": "Device", "alternateId": d.display_name, "displayName": d.display_name})
}

fn illegal_status() -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "E0000152", "Illegal device status, cannot perform action.")
}

fn device_users(org: &Org, d: &Device, public: &str) -> Vec<Value> {
    d.users
        .iter()
        .filter_map(|du| {
            let user = org.find_user(&du.user_id).and_then(|s| org.users.get(&s))?;
            Some(json!({
                "created": ts(&du.created),
                "managementStatus": if du.managed { "MANAGED" } else { "NOT_MANAGED" },
                "screenLockType": du.screen_lock,
                "user": user.to_json(public),
            }))
        })
        .collect()
}

pub(crate) async fn list(State(st): St, uri: Uri) -> ApiResult {
    let params = Params::parse(uri.query());
    let expr = params.expr("search")?;
    let expand = matches!(params.get("expand"), Some("user" | "userSummary"));
    let page = params.page(200, 200)?;
    let items: Vec<(u64, Value)> = with_admin(&st, |org, store| {
        store
            .devices
            .iter()
            .enumerate()
            .filter_map(|(k, d)| {
                let mut v = d.to_json(&st.public);
                if expr.as_ref().is_some_and(|x| !filter::eval(x, &v)) {
                    return None;
                }
                if expand {
                    v["_embedded"] = json!({"users": device_users(org, d, &st.public)});
                }
                Some((k as u64 + 1, v))
            })
            .collect()
    });
    Ok(page.links(&st.public, uri.path(), items))
}

pub(crate) async fn get_one(State(st): St, Path(id): Id) -> ApiResult {
    with_admin(&st, |_, store| store.devices.by_id(&id).map(|d| d.to_json(&st.public)))
        .map_or_else(|| Err(ApiError::not_found(&id, "Device")), ok)
}

pub(crate) async fn users(State(st): St, Path(id): Id) -> ApiResult {
    with_admin(&st, |org, store| {
        let i = store.devices.index_or_404(&id, "Device")?;
        ok(Value::Array(device_users(org, &store.devices[i], &st.public)))
    })
}

pub(crate) async fn lifecycle(State(st): St, Acting(actor): Acting, Path((id, op)): Ids) -> ApiResult {
    with_admin(&st, |org, store| {
        let i = store.devices.index_or_404(&id, "Device")?;
        let device = &mut store.devices[i];
        let (to, event_type, display) = match (op.as_str(), device.status) {
            ("activate", "DEACTIVATED") => ("ACTIVE", "device.lifecycle.activate", "Activate device"),
            ("deactivate", "ACTIVE" | "SUSPENDED") => {
                ("DEACTIVATED", "device.lifecycle.deactivate", "Deactivate device")
            }
            ("suspend", "ACTIVE") => ("SUSPENDED", "device.lifecycle.suspend", "Suspend device"),
            ("unsuspend", "SUSPENDED") => ("ACTIVE", "device.lifecycle.unsuspend", "Unsuspend device"),
            ("activate" | "deactivate" | "suspend" | "unsuspend", _) => return Err(illegal_status()),
            _ => {
                return Err(ApiError::new(
                    StatusCode::NOT_FOUND,
                    "E0000007",
                    format!("Not found: Resource not found: {op} (Path)"),
                ));
            }
        };
        device.status = to;
        device.last_updated = Utc::now();
        if to == "DEACTIVATED" {
            device.users.clear();
        }
        let target = device_target(device);
        org.log(Utc::now(), event_type, display, &actor, vec![target], ("SUCCESS", None), None, &api_client());
        no_content()
    })
}

pub(crate) async fn delete(State(st): St, Acting(actor): Acting, Path(id): Id) -> ApiResult {
    with_admin(&st, |org, store| {
        let i = store.devices.index_or_404(&id, "Device")?;
        if store.devices[i].status != "DEACTIVATED" {
            return Err(illegal_status());
        }
        let device = store.devices.remove(i);
        let target = device_target(&device);
        org.log(
            Utc::now(),
            "device.lifecycle.delete",
            "Delete device",
            &actor,
            vec![target],
            ("SUCCESS", None),
            None,
            &api_client(),
        );
        no_content()
    })
}
