//! Resource owners (`/governance/api/v1/resource-owners`): the users and groups that own an app, an entitlement
//! value, a bundle or a collection (Okta asks them to review and approve access to it). List them, and set
//! them: Okta's POST replaces a resource's owners with the ones given.

use okta_core::Query;
use okta_mcp_kit::lookup::str_of;
use okta_mcp_kit::lookup::{is_user_id, user_id};
use okta_mcp_kit::ops;
use okta_mcp_kit::output::list_output;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::resources::{self, app_orn, orn_arg};
use crate::args::filter_expr;
use okta_mcp_kit::ids::{is_app_id, is_group_id};
use okta_mcp_kit::orn::parse as parse_orn;

/// Okta allows at most five owners per resource.
const MAX_OWNERS: usize = 5;

/// Compact fields of an owned resource (`owners` is made from its principals).
const OWNER_FIELDS: &[Field] = &[
    field("type", "resource.type"),
    field("name", "resource.profile.name"),
    field("id", "resource.profile.id"),
    field("owners", "owners"),
    field("orn", "resource.orn"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_resource_owners",
                title: "List resource owners",
                description: "Owners of an app (and its values, bundles), or of one bundle, value or collection.",
                access: Access::Read,
                toolset: "entitlements",
                operations: &[ops::GET_APPLICATION, ops::LIST_RESOURCE_OWNERS],
            },
            list_owners,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_set_resource_owners",
                title: "Set resource owners",
                description: "Set the owners (≤5 users/groups) of an app, bundle, value or collection; replaces them ([] clears).",
                access: Access::Write,
                toolset: "entitlements",
                operations: &[
                    ops::GET_USER,
                    ops::GET_APPLICATION,
                    ops::LIST_RESOURCE_OWNERS,
                    ops::CONFIGURE_RESOURCE_OWNERS,
                ],
            },
            set_owners,
        ),
    ]
}

/// Which owners to read: the resource's ORN and the query that finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Target {
    /// The resource (`None`: everything owned in the app).
    resource: Option<String>,
    /// The app: the parent Okta filters on (apps, and the bundles and values in them).
    app: Option<String>,
}

impl Target {
    fn query(&self) -> Result<Query, ToolError> {
        let filter =
            filter_expr(&[("parentResourceOrn", self.app.as_deref()), ("resource.orn", self.resource.as_deref())])?
                .ok_or_else(|| ToolError::invalid_arguments("give app and/or resource"))?;
        // An app's own owners only come with include=parent_resource_owner.
        let app_itself = self.resource.is_none() || self.resource == self.app;
        Ok(Query::new()
            .push("filter", filter)
            .opt("include", (self.app.is_some() && app_itself).then_some("parent_resource_owner")))
    }
}

/// The owned resource: an app (id or ORN), or the ORN of a bundle or entitlement value (with its app) or of a
/// collection.
async fn target(ctx: &ToolContext, app: Option<&str>, resource: Option<&str>) -> Result<Target, ToolError> {
    let resource = resource.map(str::trim).filter(|r| !r.is_empty());
    let app = app.map(str::trim).filter(|a| !a.is_empty());
    let (app, resource) = match (app, resource) {
        (app, Some(r)) if is_app_id(r) || parse_orn(r).is_some_and(|o| o.kind == "apps") => {
            if app.is_some() {
                return Err(ToolError::invalid_arguments("resource is an app: do not give app as well"));
            }
            (Some(r), None)
        }
        other => other,
    };
    let resource = match resource {
        Some(r) => {
            let orn = orn_arg("resource", r)?;
            let kind = parse_orn(&orn).map(|o| o.kind.to_owned()).unwrap_or_default();
            match (kind.as_str(), app) {
                ("collections", _) => {}
                ("entitlement-bundles" | "entitlement-values", Some(_)) => {}
                ("entitlement-bundles" | "entitlement-values", None) => {
                    return Err(ToolError::invalid_arguments(
                        "a bundle or entitlement value is found through its app: give app too",
                    ));
                }
                _ => {
                    return Err(ToolError::invalid_arguments(format!(
                        "resource {r:?}: owners are kept for apps, entitlement values, bundles and collections"
                    )));
                }
            }
            Some(orn)
        }
        None => None,
    };
    if app.is_none() && resource.is_none() {
        return Err(ToolError::invalid_arguments("give app (id or ORN) and/or resource (ORN)"));
    }
    if app.is_some_and(|a| !a.starts_with("orn:") && !is_app_id(a)) {
        return Err(ToolError::invalid_arguments(format!("app: {:?} is not an app id (0oa…) or app ORN", app)));
    }
    let app = match app {
        Some(a) => Some(app_orn(ctx, a).await?),
        None => None,
    };
    Ok(Target { resource, app })
}

/// An app's own owners ("Name <email> (users)"): what `okta_iga_list_resource_owners` shows for the app.
pub(crate) async fn app_owners(ctx: &ToolContext, app_orn: &str, app_id: &str) -> Result<Vec<String>, ToolError> {
    let query = Target { resource: None, app: Some(app_orn.to_owned()) }.query()?;
    let found = ctx.okta.get(&ops::LIST_RESOURCE_OWNERS, &[], &query.push("limit", 200)).await?;
    let own = okta_mcp_kit::lookup::items_of(&found).into_iter().find(|e| {
        e.pointer("/resource/orn").and_then(Value::as_str) == Some(app_orn)
            || e.pointer("/resource/profile/id").and_then(Value::as_str) == Some(app_id)
    });
    Ok(own.map(owner_names).unwrap_or_default())
}

/// "Name <email> (users)" for each owner.
fn owner_names(entry: &Value) -> Vec<String> {
    entry
        .get("principals")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let name = p.pointer("/profile/name").and_then(Value::as_str).unwrap_or_else(|| str_of(p, "id"));
            match p.pointer("/profile/email").and_then(Value::as_str) {
                Some(email) => format!("{name} <{email}> ({})", str_of(p, "type")),
                None => format!("{name} ({})", str_of(p, "type")),
            }
        })
        .collect()
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListOwnersArgs {
    /// App id or ORN.
    app: Option<String>,
    /// Bundle or value ORN (with app), or collection ORN.
    resource: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_owners(ctx: ToolContext, args: ListOwnersArgs) -> Result<ToolOutput, ToolError> {
    let view = args.page.view()?;
    let query = if args.page.cursor.as_deref().is_some_and(|c| !c.is_empty()) {
        Query::new()
    } else {
        target(&ctx, args.app.as_deref(), args.resource.as_deref()).await?.query()?
    };
    let page = args.page.page(&ctx, &ops::LIST_RESOURCE_OWNERS, &[], query).await?;
    let items = page
        .items
        .into_iter()
        .map(|mut e| {
            e["owners"] = json!(owner_names(&e));
            e
        })
        .collect();
    Ok(list_output(items, OWNER_FIELDS, &view, page.next))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SetOwnersArgs {
    /// App id or ORN, or ORN of a bundle, entitlement value (with app) or collection.
    resource: String,
    /// The app of a bundle or entitlement value.
    app: Option<String>,
    /// Users (id or login) and groups (00g… id), at most 5; [] removes all.
    owners: Vec<String>,
}

/// An owner argument: a user (id or login), a group id, or a user's or group's ORN.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OwnerArg {
    User(String),
    Group(String),
    Orn(String),
}

fn owner_args(owners: &[String]) -> Result<Vec<OwnerArg>, ToolError> {
    if owners.len() > MAX_OWNERS {
        return Err(ToolError::invalid_arguments(format!("owners: a resource has at most {MAX_OWNERS} owners")));
    }
    let mut out: Vec<OwnerArg> = Vec::new();
    for o in owners {
        let o = o.trim();
        let a = if o.starts_with("orn:") {
            let orn = orn_arg("owners", o)?;
            if !parse_orn(&orn).is_some_and(|p| p.kind == "users" || p.kind == "groups") {
                return Err(ToolError::invalid_arguments(format!("owners: {o:?} is not a user's or group's ORN")));
            }
            OwnerArg::Orn(orn)
        } else if is_group_id(o) {
            OwnerArg::Group(o.to_owned())
        } else if is_user_id(o) || (o.contains('@') && !o.contains(char::is_whitespace)) {
            OwnerArg::User(o.to_owned())
        } else {
            return Err(ToolError::invalid_arguments(format!(
                "owners: {o:?} is not a user id (00u…) or login (name@domain), nor a group id (00g…)"
            )));
        };
        if !out.contains(&a) {
            out.push(a);
        }
    }
    Ok(out)
}

/// The owners of exactly this resource, as Okta lists them.
fn owners_of(found: &Value, resource: &str) -> Vec<Value> {
    let id = parse_orn(resource).map(|o| o.id).unwrap_or_default();
    found
        .get("data")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| {
            let orn = e.pointer("/resource/orn").and_then(Value::as_str).unwrap_or_default();
            orn == resource || parse_orn(orn).is_some_and(|o| o.id == id)
        })
        .flat_map(|e| e.get("principals").and_then(Value::as_array).cloned().unwrap_or_default())
        .collect()
}

fn owner_summary(p: &Value) -> Value {
    let mut out = json!({"type": p.get("type"), "id": p.pointer("/profile/id"), "name": p.pointer("/profile/name"),
                         "orn": p.get("orn")});
    if let Some(email) = p.pointer("/profile/email").filter(|e| !e.is_null()) {
        out["email"] = email.clone();
    }
    out
}

async fn set_owners(ctx: ToolContext, args: SetOwnersArgs) -> Result<ToolOutput, ToolError> {
    let wanted = owner_args(&args.owners)?;
    let t = target(&ctx, args.app.as_deref(), Some(&args.resource)).await?;
    let resource = t.resource.clone().or_else(|| t.app.clone()).unwrap_or_default();
    let mut user_ids = Vec::new();
    for w in &wanted {
        if let OwnerArg::User(u) = w {
            user_ids.push(user_id(&ctx, u).await?);
        }
    }
    // Read last, so that a dry run shows the current owners as the target.
    let read = Target { resource: Some(resource.clone()), app: t.app.clone() };
    let found = ctx.okta.get(&ops::LIST_RESOURCE_OWNERS, &[], &read.query()?).await?;
    let previous = owners_of(&found, &resource);
    let mut known: Vec<&str> = previous.iter().filter_map(|p| p.get("orn").and_then(Value::as_str)).collect();
    known.extend(t.app.as_deref());
    known.push(&resource);
    let directory = if wanted.iter().any(|w| !matches!(w, OwnerArg::Orn(_))) {
        Some(resources::directory(&ctx, &known).await?)
    } else {
        None
    };
    let mut users = user_ids.iter();
    let mut principals: Vec<String> = Vec::new();
    for w in &wanted {
        let orn = match (w, &directory) {
            (OwnerArg::Orn(o), _) => o.clone(),
            (OwnerArg::Group(id), Some(d)) => d.orn("groups", id),
            (OwnerArg::User(_), Some(d)) => match users.next() {
                Some(id) => d.orn("users", id),
                None => continue,
            },
            _ => continue,
        };
        if !principals.contains(&orn) {
            principals.push(orn);
        }
    }
    let before: Vec<&str> = previous.iter().filter_map(|p| p.get("orn").and_then(Value::as_str)).collect();
    let same = |a: &str, b: &str| {
        a == b || parse_orn(a).zip(parse_orn(b)).is_some_and(|(x, y)| x.kind == y.kind && x.id == y.id)
    };
    let added: Vec<&String> = principals.iter().filter(|p| !before.iter().any(|b| same(b, p))).collect();
    let removed: Vec<Value> =
        previous.iter().filter(|p| !principals.iter().any(|n| same(str_of(p, "orn"), n))).map(owner_summary).collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(ToolOutput::json(json!({
            "resource": resource,
            "owners": previous.iter().map(owner_summary).collect::<Vec<_>>(),
            "result": "these are already the owners: nothing was changed",
        })));
    }
    let body = json!({"principalOrns": principals, "resourceOrns": [resource]});
    let saved = ctx.okta.send(&ops::CONFIGURE_RESOURCE_OWNERS, &[], &Query::new(), Some(&body)).await?;
    let now: Vec<Value> = saved.as_ref().map(|s| owners_of(s, &resource)).unwrap_or_default();
    Ok(ToolOutput::json(json!({
        "resource": resource,
        "owners": now.iter().map(owner_summary).collect::<Vec<_>>(),
        "previous_owners": previous.iter().map(owner_summary).collect::<Vec<_>>(),
        "added": added,
        "removed": removed,
        "result": if principals.is_empty() { "owners removed" } else { "owners set" },
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owners_are_users_groups_or_their_orns() {
        let a = owner_args(&["alice@example.com".into(), "00gengineering000001".into(), "00ubobactive00000001".into()]);
        assert_eq!(
            a.ok(),
            Some(vec![
                OwnerArg::User("alice@example.com".into()),
                OwnerArg::Group("00gengineering000001".into()),
                OwnerArg::User("00ubobactive00000001".into()),
            ])
        );
        assert!(owner_args(&["orn:okta:idp:00o1:apps:x:0oa1".into()]).is_err());
        assert!(owner_args(&["Alice Active".into()]).is_err());
        assert!(owner_args(&vec!["a@example.com".to_owned(); 6]).is_err());
        assert_eq!(owner_args(&[]).ok(), Some(vec![]));
    }

    #[test]
    fn the_query_finds_the_resource() {
        let app = "orn:okta:idp:00o1:apps:salesforce:0oa1".to_owned();
        let q = Target { resource: None, app: Some(app.clone()) }.query().ok().map(|q| q.pairs().to_vec());
        assert_eq!(
            q,
            Some(vec![
                ("filter".into(), format!("parentResourceOrn eq \"{app}\"")),
                ("include".into(), "parent_resource_owner".into()),
            ])
        );
        let col = "orn:okta:governance:00o1:collections:col1".to_owned();
        let q = Target { resource: Some(col.clone()), app: None }.query().ok().map(|q| q.pairs().to_vec());
        assert_eq!(q, Some(vec![("filter".into(), format!("resource.orn eq \"{col}\""))]));
    }
}
