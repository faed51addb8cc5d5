//! The signed-in person's own Okta user resources, read with their own token (delegated mode): one home for the
//! reads and shapes that `okta_my_profile`, `okta_my_groups`, `okta_my_apps` and `okta_iga_my_access` share.
//!
//! Every path names the person as `me` ([`end_user::ME`]): Okta resolves it from the token, so no argument can
//! point these reads at anyone else.

use okta_core::Query;
use okta_core::ops::end_user::{self, ME};
use serde_json::{Value, json};

use crate::context::ToolContext;
use crate::error::ToolError;
use crate::lookup::GROUP_FIELDS;
use crate::output::{Field, field, project};

/// Profile attributes shown (Okta's base profile; custom attributes are left out to keep answers small).
const PROFILE_FIELDS: &[Field] = &[
    field("login", "profile.login"),
    field("email", "profile.email"),
    field("firstName", "profile.firstName"),
    field("lastName", "profile.lastName"),
    field("displayName", "profile.displayName"),
    field("title", "profile.title"),
    field("department", "profile.department"),
    field("manager", "profile.manager"),
    field("mobilePhone", "profile.mobilePhone"),
];

/// Compact fields of an app link (an app on the person's dashboard).
pub const APP_LINK_FIELDS: &[Field] = &[
    field("appInstanceId", "appInstanceId"),
    field("appName", "appName"),
    field("label", "label"),
    field("appAssignmentId", "appAssignmentId"),
];

/// Most groups or apps shown in one answer of `okta_iga_my_access` (the list tools page instead).
pub const SUMMARY_CAP: usize = 100;

/// The person's user object, compact: id, status, dates and their base profile.
pub async fn profile(ctx: &ToolContext) -> Result<Value, ToolError> {
    let user = ctx.okta.get(&end_user::GET_USER, &[ME], &Query::new()).await?;
    Ok(shape_profile(&user))
}

fn shape_profile(user: &Value) -> Value {
    let profile = project(user, PROFILE_FIELDS, &[]);
    json!({
        "id": user.get("id"),
        "status": user.get("status"),
        "profile": profile,
        "created": user.get("created"),
        "lastLogin": user.get("lastLogin"),
        "passwordChanged": user.get("passwordChanged"),
    })
}

/// The apps on the person's dashboard, compact (Okta answers them in one list).
pub async fn apps(ctx: &ToolContext) -> Result<Vec<Value>, ToolError> {
    let links = ctx.okta.get(&end_user::LIST_APP_LINKS, &[ME], &Query::new()).await?;
    Ok(links.as_array().into_iter().flatten().map(|l| project(l, APP_LINK_FIELDS, &[])).collect())
}

/// The person's groups, compact, at most `cap` (and whether there were more).
pub async fn groups(ctx: &ToolContext, cap: usize) -> Result<(Vec<Value>, bool), ToolError> {
    let limit = u32::try_from(cap.clamp(1, 200)).unwrap_or(200);
    let page = ctx.okta.get_page(&end_user::LIST_USER_GROUPS, &[ME], &Query::new().push("limit", limit)).await?;
    let more = page.next.is_some() || page.items.len() > cap;
    Ok((page.items.iter().take(cap).map(|g| project(g, GROUP_FIELDS, &[])).collect(), more))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_is_compact() {
        let user = json!({"id": "00u1", "status": "ACTIVE", "created": "2024-01-01T00:00:00.000Z",
            "profile": {"login": "bob@example.com", "email": "bob@example.com", "firstName": "Bob",
                "secretQuestion": "x", "customThing": "y"},
            "credentials": {"provider": {"type": "OKTA"}}, "_links": {"self": {"href": "x"}}});
        let shaped = shape_profile(&user);
        assert_eq!(shaped["id"], "00u1");
        assert_eq!(shaped["profile"]["login"], "bob@example.com");
        assert!(shaped["profile"].get("customThing").is_none());
        assert!(shaped.get("credentials").is_none() && shaped.get("_links").is_none());
    }
}
