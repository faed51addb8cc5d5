//! Devices and Okta's device lifecycle: ACTIVE ⇄ SUSPENDED; ACTIVE or SUSPENDED → DEACTIVATED (which unlinks
//! the device's users and ends its Okta Verify factors); delete only DEACTIVATED devices. The status is checked
//! first so a refused change says why before anything is sent.

use okta_core::Query;
use okta_mcp_kit::ListArgs;
use okta_mcp_kit::args::{non_empty, str_field};
use okta_mcp_kit::output::project;
use okta_mcp_kit::resource::{Named, require_status};
use okta_mcp_kit::{Access, Field, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field, list_output};
use okta_mcp_kit::{Operation, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

const DEVICE_FIELDS: &[Field] = &[
    field("id", "id"),
    field("status", "status"),
    field("displayName", "profile.displayName"),
    field("platform", "profile.platform"),
    field("model", "profile.model"),
    field("osVersion", "profile.osVersion"),
    field("serialNumber", "profile.serialNumber"),
    field("managed", "profile.managed"),
    field("lastUpdated", "lastUpdated"),
];

const DEVICE_USER_FIELDS: &[Field] = &[
    field("id", "user.id"),
    field("login", "user.profile.login"),
    field("status", "user.status"),
    field("managementStatus", "managementStatus"),
    field("screenLockType", "screenLockType"),
    field("linked", "created"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_list_devices",
                title: "List devices",
                description: "Devices as columns+rows. search e.g. status eq \"SUSPENDED\", profile.platform eq \
                    \"WINDOWS\".",
                access: Access::Read,
                toolset: "devices",
                operations: &[ops::LIST_DEVICES],
            },
            list_devices,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_get_device",
                title: "Get device",
                description: "One device: status, platform, model, OS, serial, management.",
                access: Access::Read,
                toolset: "devices",
                operations: &[ops::GET_DEVICE],
            },
            get_device,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_list_device_users",
                title: "List device's users",
                description: "Users linked to a device, with management status and screen lock.",
                access: Access::Read,
                toolset: "devices",
                operations: &[ops::LIST_DEVICE_USERS],
            },
            list_device_users,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_deactivate_device",
                title: "Deactivate device",
                description: "Deactivate an ACTIVE or SUSPENDED device: unlinks its users and ends its Okta Verify \
                    factors (re-enrolling creates a new device).",
                access: Access::Destructive,
                toolset: "devices",
                operations: &[ops::GET_DEVICE, ops::DEACTIVATE_DEVICE],
            },
            deactivate_device,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_delete_device",
                title: "Delete device",
                description: "Permanently delete a DEACTIVATED device (deactivate first). Cannot be undone.",
                access: Access::Destructive,
                toolset: "devices",
                operations: &[ops::GET_DEVICE, ops::DELETE_DEVICE],
            },
            delete_device,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_suspend_device",
                title: "Suspend device",
                description: "Suspend an ACTIVE device (temporary; unsuspend returns it to ACTIVE).",
                access: Access::Destructive,
                toolset: "devices",
                operations: &[ops::GET_DEVICE, ops::SUSPEND_DEVICE],
            },
            suspend_device,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_unsuspend_device",
                title: "Unsuspend device",
                description: "Return a SUSPENDED device to ACTIVE.",
                access: Access::Write,
                toolset: "devices",
                operations: &[ops::GET_DEVICE, ops::UNSUSPEND_DEVICE],
            },
            unsuspend_device,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListDevicesArgs {
    /// SCIM search expression (see description).
    search: Option<String>,
    /// Add a users column.
    with_users: Option<bool>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_devices(ctx: ToolContext, args: ListDevicesArgs) -> Result<ToolOutput, ToolError> {
    let search = non_empty("search", args.search.as_deref())?;
    let with_users = args.with_users.unwrap_or(false);
    let query = Query::new().opt("search", search).opt("expand", with_users.then_some("userSummary"));
    let view = args.page.view()?;
    let page = args.page.page(&ctx, &ops::LIST_DEVICES, &[], query).await?;
    let mut out = list_output(page.items.clone(), DEVICE_FIELDS, &view, page.next);
    if with_users && !view.detail {
        let logins: Vec<Value> = page
            .items
            .iter()
            .map(|d| {
                let users = d.pointer("/_embedded/users").and_then(Value::as_array).cloned().unwrap_or_default();
                json!(
                    users
                        .iter()
                        .filter_map(|u| u.pointer("/user/profile/login").or_else(|| u.pointer("/user/id")).cloned())
                        .collect::<Vec<_>>()
                )
            })
            .collect();
        if let (Some(Value::Array(columns)), Some(Value::Array(rows))) =
            (out.value.get("columns").cloned(), out.value.get_mut("rows"))
        {
            for (row, users) in rows.iter_mut().zip(logins) {
                if let Value::Array(cells) = row {
                    cells.push(users);
                }
            }
            let mut columns = columns;
            columns.push(json!("users"));
            out.value["columns"] = Value::Array(columns);
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DeviceArg {
    /// Device id (guo…).
    device_id: String,
}

async fn get_device(ctx: ToolContext, args: DeviceArg) -> Result<ToolOutput, ToolError> {
    let device = ctx.okta.get(&ops::GET_DEVICE, &[&args.device_id], &Query::new()).await?;
    Ok(ToolOutput::json(okta_mcp_kit::output::strip_links(device)))
}

async fn list_device_users(ctx: ToolContext, args: DeviceArg) -> Result<ToolOutput, ToolError> {
    let users = ctx.okta.get(&ops::LIST_DEVICE_USERS, &[&args.device_id], &Query::new()).await?;
    let items = users.as_array().cloned().unwrap_or_default();
    let out = list_output(items, DEVICE_USER_FIELDS, &Default::default(), None);
    Ok(out.with(json!({"device_id": args.device_id})))
}

fn summary(device: &Value) -> Value {
    project(device, &DEVICE_FIELDS[..4], &[])
}

/// Read the device and check its status allows `action`; the refusal explains Okta's rule.
async fn device_in_status(
    ctx: &ToolContext,
    id: &str,
    allowed: &[&str],
    action: &str,
    rule: &str,
) -> Result<Value, ToolError> {
    let device = ctx.okta.get(&ops::GET_DEVICE, &[id], &Query::new()).await?;
    let label = device.pointer("/profile/displayName").and_then(Value::as_str).unwrap_or("the device");
    let name = format!("{label} ({id})");
    require_status(Named { kind: "device", name: &name }, &device, allowed, action, Some(rule))?;
    Ok(device)
}

fn changed(device: &Value, after: &str, extra: Option<(&str, Value)>) -> ToolOutput {
    let mut out = json!({
        "device": summary(device),
        "status_before": device.get("status"),
        "status_after": after,
    });
    if let Some((k, v)) = extra {
        out[k] = v;
    }
    ToolOutput::json(out)
}

async fn lifecycle(ctx: &ToolContext, op: &Operation, id: &str) -> Result<(), ToolError> {
    ctx.okta.send(op, &[id], &Query::new(), None).await.map(drop)
}

async fn deactivate_device(ctx: ToolContext, args: DeviceArg) -> Result<ToolOutput, ToolError> {
    let rule = "Okta deactivates only ACTIVE or SUSPENDED devices.";
    let device = device_in_status(&ctx, &args.device_id, &["ACTIVE", "SUSPENDED"], "deactivate", rule).await?;
    let id = str_field(&device, "id")?.to_owned();
    lifecycle(&ctx, &ops::DEACTIVATE_DEVICE, &id).await?;
    Ok(changed(
        &device,
        "DEACTIVATED",
        Some(("note", json!("its users were unlinked; delete it with okta_delete_device"))),
    ))
}

async fn delete_device(ctx: ToolContext, args: DeviceArg) -> Result<ToolOutput, ToolError> {
    let rule = "Okta deletes only DEACTIVATED devices: run okta_deactivate_device first.";
    let device = device_in_status(&ctx, &args.device_id, &["DEACTIVATED"], "delete", rule).await?;
    let id = str_field(&device, "id")?.to_owned();
    ctx.okta.send(&ops::DELETE_DEVICE, &[&id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({ "deleted": summary(&device) })))
}

async fn suspend_device(ctx: ToolContext, args: DeviceArg) -> Result<ToolOutput, ToolError> {
    let rule = "Okta suspends only ACTIVE devices.";
    let device = device_in_status(&ctx, &args.device_id, &["ACTIVE"], "suspend", rule).await?;
    let id = str_field(&device, "id")?.to_owned();
    lifecycle(&ctx, &ops::SUSPEND_DEVICE, &id).await?;
    Ok(changed(&device, "SUSPENDED", None))
}

async fn unsuspend_device(ctx: ToolContext, args: DeviceArg) -> Result<ToolOutput, ToolError> {
    let rule = "Okta unsuspends only SUSPENDED devices.";
    let device = device_in_status(&ctx, &args.device_id, &["SUSPENDED"], "unsuspend", rule).await?;
    let id = str_field(&device, "id")?.to_owned();
    lifecycle(&ctx, &ops::UNSUSPEND_DEVICE, &id).await?;
    Ok(changed(&device, "ACTIVE", None))
}
