//! User lifecycle (activate, deactivate, suspend, unsuspend, unlock, delete) and credentials (passwords), with
//! Okta's status rules checked first so a refused change says why before anything is sent.

use okta_core::Query;
use okta_mcp_kit::resource::{Named, require_status, status};
use okta_mcp_kit::{Access, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput};
use okta_mcp_kit::{Operation, ops};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use okta_mcp_kit::args::str_field;
use okta_mcp_kit::lookup::{UserArg, get_user, user_summary};

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_activate_user",
                title: "Activate user",
                description: "Activate a STAGED or DEPROVISIONED user. Okta emails the activation link to the \
                    user's primary email and the answer says where it went; the link is never shown. \
                    return_link=true returns the link here instead of emailing it: whoever opens it takes over the \
                    account, so that call (like send_email=false) is destructive: a person confirms it, --mode full \
                    only.",
                access: Access::Write,
                toolset: "lifecycle",
                operations: &[ops::GET_USER, ops::ACTIVATE_USER],
            },
            activate_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_deactivate_user",
                title: "Deactivate user",
                description: "Deactivate a user (→ DEPROVISIONED): ends sign-in and app access; app accounts may be \
                    deprovisioned.",
                access: Access::Destructive,
                toolset: "lifecycle",
                operations: &[ops::GET_USER, ops::DEACTIVATE_USER],
            },
            deactivate_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_suspend_user",
                title: "Suspend user",
                description: "Suspend an ACTIVE user (→ SUSPENDED): blocks sign-in, keeps everything else.",
                access: Access::Destructive,
                toolset: "lifecycle",
                operations: &[ops::GET_USER, ops::SUSPEND_USER],
            },
            suspend_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_unsuspend_user",
                title: "Unsuspend user",
                description: "Return a SUSPENDED user to ACTIVE.",
                access: Access::Write,
                toolset: "lifecycle",
                operations: &[ops::GET_USER, ops::UNSUSPEND_USER],
            },
            unsuspend_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_unlock_user",
                title: "Unlock user",
                description: "Unlock a LOCKED_OUT user (too many failed sign-ins) so they can sign in again.",
                access: Access::Write,
                toolset: "lifecycle",
                operations: &[ops::GET_USER, ops::UNLOCK_USER],
            },
            unlock_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_delete_user",
                title: "Delete user",
                description: "Permanently delete a DEPROVISIONED user (deactivate first). Cannot be undone.",
                access: Access::Destructive,
                toolset: "lifecycle",
                operations: &[ops::GET_USER, ops::DELETE_USER],
            },
            delete_user,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_expire_password",
                title: "Expire password",
                description: "Make the user choose a new password at next sign-in (→ PASSWORD_EXPIRED).",
                access: Access::Write,
                toolset: "credentials",
                operations: &[ops::GET_USER, ops::EXPIRE_PASSWORD],
            },
            expire_password,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_reset_password",
                title: "Reset password",
                description: "Start a password reset (→ RECOVERY; the current password stops working). Okta emails \
                    the reset link to the user's primary email and the answer says where it went; the link is \
                    never shown. return_link=true returns the link here instead: whoever opens it takes over the \
                    account.",
                access: Access::Destructive,
                toolset: "credentials",
                operations: &[ops::GET_USER, ops::RESET_PASSWORD],
            },
            reset_password,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_set_password",
                title: "Set password",
                description: "Set a user's password directly (replaces the current one; never shown back).",
                access: Access::Destructive,
                toolset: "credentials",
                operations: &[ops::GET_USER, ops::UPDATE_USER],
            },
            set_password,
        ),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct UserEmailArg {
    /// User id (00u…) or login.
    user: String,
    /// Email the user (default true).
    send_email: Option<bool>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct LinkArgs {
    /// User id (00u…) or login.
    user: String,
    /// Email the link to the user (default true). false: Okta sends nothing and answers with the link, which
    /// is then not shown unless return_link is true; either way the call is destructive (confirmed).
    send_email: Option<bool>,
    /// Return the link to this conversation instead of emailing it (default false). Whoever opens it takes
    /// over the account: the call is destructive (a person confirms it; --mode full only).
    return_link: Option<bool>,
}

impl LinkArgs {
    /// Whether Okta emails the link, and whether the answer shows it.
    fn delivery(&self) -> Result<(bool, bool), ToolError> {
        let return_link = self.return_link.unwrap_or(false);
        if return_link && self.send_email == Some(true) {
            return Err(ToolError::invalid_arguments(
                "return_link=true asks Okta for the link instead of emailing it: leave send_email out (or false)",
            ));
        }
        Ok((!return_link && self.send_email.unwrap_or(true), return_link))
    }
}

/// Add to a lifecycle answer where the link went: emailed (to the user's primary email as Okta has it; not a
/// secret, okta_get_user shows it too), returned (only when asked: `return_link`), or neither.
fn with_link(out: ToolOutput, user: &Value, emailed: bool, shown: bool, key: &str, link: Option<Value>) -> ToolOutput {
    let mut value = out.value;
    let what = if key == "activationUrl" { "activation" } else { "password reset" };
    if emailed {
        value["link"] = json!({
            "emailed_to": user.pointer("/profile/email"),
            "note": format!("Okta emailed the {what} link to the user's primary email; it is not shown here"),
        });
        return ToolOutput::json(value);
    }
    match link.filter(|_| shown) {
        Some(link) => {
            value[key] = link;
            ToolOutput::json(value).reveal(&format!("/{key}"))
        }
        None => {
            value["link"] = json!({
                "emailed_to": null,
                "note": format!("the {what} link was not emailed and is not shown (return_link=true shows it)"),
            });
            ToolOutput::json(value)
        }
    }
}

/// Read the user and check their status is one of `allowed` before changing anything.
async fn user_in_status(
    ctx: &ToolContext,
    user: &str,
    allowed: &[&str],
    action: &str,
) -> Result<(Value, String), ToolError> {
    let current = get_user(ctx, user).await?;
    let id = str_field(&current, "id")?.to_owned();
    if !allowed.is_empty() {
        let login = current.pointer("/profile/login").and_then(Value::as_str).unwrap_or("the user");
        let name = format!("{login} ({id})");
        require_status(Named { kind: "user", name: &name }, &current, allowed, action, None)?;
    }
    Ok((current, id))
}

async fn lifecycle(ctx: &ToolContext, op: &Operation, id: &str, query: Query) -> Result<Option<Value>, ToolError> {
    ctx.okta.send(op, &[id], &query, None).await
}

async fn activate_user(ctx: ToolContext, args: LinkArgs) -> Result<ToolOutput, ToolError> {
    let (send_email, return_link) = args.delivery()?;
    let (before, id) = user_in_status(&ctx, &args.user, &["STAGED", "DEPROVISIONED"], "activate").await?;
    let answer = lifecycle(&ctx, &ops::ACTIVATE_USER, &id, Query::new().push("sendEmail", send_email)).await?;
    let after = get_user(&ctx, &id).await?;
    let link = answer.as_ref().and_then(|a| a.get("activationUrl")).cloned();
    let out = status_change(&before, after.get("status").and_then(Value::as_str), None);
    Ok(with_link(out, &before, send_email, return_link, "activationUrl", link))
}

async fn deactivate_user(ctx: ToolContext, args: UserEmailArg) -> Result<ToolOutput, ToolError> {
    // Okta deactivates a user in any status but DEPROVISIONED.
    let current = get_user(&ctx, &args.user).await?;
    if status(&current) == "DEPROVISIONED" {
        return Err(ToolError::refused("the user is already deactivated (DEPROVISIONED). Nothing was changed."));
    }
    let id = str_field(&current, "id")?;
    let send_email = args.send_email.unwrap_or(false);
    lifecycle(&ctx, &ops::DEACTIVATE_USER, id, Query::new().push("sendEmail", send_email)).await?;
    Ok(status_change(&current, Some("DEPROVISIONED"), None))
}

async fn suspend_user(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let (before, id) = user_in_status(&ctx, &args.user, &["ACTIVE"], "suspend").await?;
    lifecycle(&ctx, &ops::SUSPEND_USER, &id, Query::new()).await?;
    Ok(status_change(&before, Some("SUSPENDED"), None))
}

async fn unsuspend_user(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let (before, id) = user_in_status(&ctx, &args.user, &["SUSPENDED"], "unsuspend").await?;
    lifecycle(&ctx, &ops::UNSUSPEND_USER, &id, Query::new()).await?;
    Ok(status_change(&before, Some("ACTIVE"), None))
}

async fn unlock_user(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let (before, id) = user_in_status(&ctx, &args.user, &[], "unlock").await?;
    lifecycle(&ctx, &ops::UNLOCK_USER, &id, Query::new()).await?;
    let after = get_user(&ctx, &id).await?;
    Ok(status_change(&before, after.get("status").and_then(Value::as_str), None))
}

async fn delete_user(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let current = get_user(&ctx, &args.user).await?;
    let id = str_field(&current, "id")?;
    let rule = "Okta deletes only deactivated (DEPROVISIONED) users: run okta_deactivate_user first.";
    require_status(Named { kind: "user", name: id }, &current, &["DEPROVISIONED"], "delete", Some(rule))?;
    ctx.okta.send(&ops::DELETE_USER, &[id], &Query::new(), None).await?;
    Ok(ToolOutput::json(json!({ "deleted": user_summary(&current) })))
}

async fn expire_password(ctx: ToolContext, args: UserArg) -> Result<ToolOutput, ToolError> {
    let current = get_user(&ctx, &args.user).await?;
    let id = str_field(&current, "id")?;
    let after = lifecycle(&ctx, &ops::EXPIRE_PASSWORD, id, Query::new()).await?;
    let status = after.as_ref().and_then(|u| u.get("status")).and_then(Value::as_str).unwrap_or("PASSWORD_EXPIRED");
    Ok(status_change(&current, Some(status), None))
}

async fn reset_password(ctx: ToolContext, args: LinkArgs) -> Result<ToolOutput, ToolError> {
    let (send_email, return_link) = args.delivery()?;
    let current = get_user(&ctx, &args.user).await?;
    let id = str_field(&current, "id")?;
    let answer = lifecycle(&ctx, &ops::RESET_PASSWORD, id, Query::new().push("sendEmail", send_email)).await?;
    let link = answer.as_ref().and_then(|a| a.get("resetPasswordUrl")).cloned();
    let out = status_change(&current, Some("RECOVERY"), None);
    Ok(with_link(out, &current, send_email, return_link, "resetPasswordUrl", link))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetPasswordArgs {
    /// User id (00u…) or login.
    user: String,
    /// The new password (subject to the org's password policy).
    password: String,
}

async fn set_password(ctx: ToolContext, args: SetPasswordArgs) -> Result<ToolOutput, ToolError> {
    if args.password.is_empty() {
        return Err(ToolError::invalid_arguments("password must not be empty"));
    }
    let current = get_user(&ctx, &args.user).await?;
    let id = str_field(&current, "id")?;
    let body = json!({ "credentials": { "password": { "value": args.password } } });
    let after = ctx.okta.send(&ops::UPDATE_USER, &[id], &Query::new(), Some(&body)).await?;
    let changed = after.as_ref().and_then(|u| u.get("passwordChanged")).cloned();
    Ok(ToolOutput::json(
        json!({ "user": user_summary(&current), "result": "password set", "passwordChanged": changed }),
    ))
}

/// Result of a lifecycle change: who, and the status before and after.
pub fn status_change(before: &Value, after_status: Option<&str>, extra: Option<(&str, Value)>) -> ToolOutput {
    let mut out = json!({
        "user": user_summary(before),
        "status_before": before.get("status"),
        "status_after": after_status,
    });
    if let (Some((k, v)), Value::Object(map)) = (extra, &mut out) {
        map.insert(k.to_owned(), v);
    }
    ToolOutput::json(out)
}
