//! Resource collections (`/governance/api/v1/collections`): sets of apps, and of some of their entitlement
//! values, that are assigned to people together. List, read, what is in one, and who is assigned it.

use okta_core::Query;
use okta_mcp_kit::args::{check_id, non_empty};
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::lookup::{items_of, name_of, one_named, str_of};
use okta_mcp_kit::output::{list_output, strip_links};
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use okta_mcp_kit::{Operation, ops, orn};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::args::filter_expr;

/// Compact fields of a collection (counts come with `include=counts`).
const COLLECTION_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("description", "description"),
    field("apps", "counts.resourceCounts.applications"),
    field("assigned", "counts.principalAssignmentCount"),
    field("orn", "orn"),
];

/// Compact fields of an app in a collection (`values` is made from its entitlements).
const RESOURCE_FIELDS: &[Field] = &[
    field("appId", "resourceProfile.id"),
    field("app", "resourceProfile.label"),
    field("values", "values"),
    field("orn", "resourceOrn"),
];

/// Compact fields of a collection assignment.
const ASSIGNMENT_FIELDS: &[Field] = &[
    field("id", "id"),
    field("collectionId", "collectionId"),
    field("userId", "principal.externalId"),
    field("login", "principalProfile.login"),
    field("status", "principalProfile.status"),
    field("actor", "actor"),
    field("expires", "expirationTime"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_collections",
                title: "List collections",
                description: "Resource collections (apps and values assigned together), with counts.",
                access: Access::Read,
                toolset: "collections",
                operations: &[ops::LIST_COLLECTIONS],
            },
            list_collections,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_collection",
                title: "Get collection",
                description: "One resource collection by id or exact name.",
                access: Access::Read,
                toolset: "collections",
                operations: &[ops::LIST_COLLECTIONS, ops::GET_COLLECTION],
            },
            get_collection,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_collection_resources",
                title: "List collection resources",
                description: "Apps in a collection, with the values each includes.",
                access: Access::Read,
                toolset: "collections",
                operations: &[ops::LIST_COLLECTIONS, ops::LIST_COLLECTION_RESOURCES],
            },
            list_collection_resources,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_collection_assignments",
                title: "List collection assignments",
                description: "Who has a collection, or which collections a user has.",
                access: Access::Read,
                toolset: "collections",
                operations: &[
                    ops::GET_USER,
                    ops::LIST_COLLECTIONS,
                    ops::LIST_COLLECTION_ASSIGNMENTS,
                    ops::LIST_COLLECTIONS_ASSIGNMENTS,
                ],
            },
            list_collection_assignments,
        ),
    ]
}

/// The collection's id: as given (plainly or as its ORN), else the one collection with exactly that name
/// (Okta filters names by prefix; case is ignored, as Okta does).
pub async fn collection_id(ctx: &ToolContext, collection: &str) -> Result<String, ToolError> {
    let given = collection.trim();
    let id = orn::id_of(given);
    if okta_mcp_kit::ids::Kind::Collection.is_id(id) {
        return Ok(id.to_owned());
    }
    if given.starts_with("orn:") {
        check_id("collection", id)?;
        return Ok(id.to_owned());
    }
    let name = non_empty("collection", Some(given))?.unwrap_or_default();
    if name.contains('"') || name.contains('\\') {
        return Err(ToolError::invalid_arguments(format!("{collection:?} is neither a collection id nor a name")));
    }
    let query = Query::new().push("filter", format!("name sw \"{name}\"")).push("limit", 200);
    let found = ctx.okta.get(&ops::LIST_COLLECTIONS, &[], &query).await?;
    let named: Vec<&Value> =
        items_of(&found).into_iter().filter(|c| str_of(c, "name").eq_ignore_ascii_case(name)).collect();
    let collection = one_named("collection", name, &named, &[], "okta_iga_list_collections", name_of)?;
    Ok(str_of(collection, "id").to_owned())
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListCollectionsArgs {
    /// Part of the name.
    name: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_collections(ctx: ToolContext, args: ListCollectionsArgs) -> Result<ToolOutput, ToolError> {
    let name = non_empty("name", args.name.as_deref())?.map(str::trim);
    if name.is_some_and(|n| n.contains('"') || n.contains('\\')) {
        return Err(ToolError::invalid_arguments("name must not contain \" or \\"));
    }
    let query = Query::new().push("include", "counts").opt("filter", name.map(|n| format!("name co \"{n}\"")));
    args.page.list(&ctx, &ops::LIST_COLLECTIONS, &[], query, COLLECTION_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CollectionArg {
    /// Collection id, ORN or exact name.
    collection: String,
}

async fn get_collection(ctx: ToolContext, args: CollectionArg) -> Result<ToolOutput, ToolError> {
    let id = collection_id(&ctx, &args.collection).await?;
    Ok(ToolOutput::json(strip_links(ctx.okta.get(&ops::GET_COLLECTION, &[&id], &Query::new()).await?)))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct CollectionPageArgs {
    /// Collection id, ORN or exact name.
    collection: String,
    #[serde(flatten)]
    page: ListArgs,
}

/// "Entitlement: Value" for each entitlement value an app brings into the collection.
fn value_names(resource: &Value) -> Vec<String> {
    resource
        .get("entitlements")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|e| {
            let entitlement = str_of(e, "name");
            e.get("values").and_then(Value::as_array).into_iter().flatten().map(move |v| {
                let value = match str_of(v, "name") {
                    "" => str_of(v, "id"),
                    name => name,
                };
                format!("{entitlement}: {value}")
            })
        })
        .collect()
}

async fn list_collection_resources(ctx: ToolContext, args: CollectionPageArgs) -> Result<ToolOutput, ToolError> {
    let view = args.page.view()?;
    let id = collection_id(&ctx, &args.collection).await?;
    let page = args
        .page
        .page(&ctx, &ops::LIST_COLLECTION_RESOURCES, &[&id], Query::new().push("include", "entitlements"))
        .await?;
    let items = page
        .items
        .into_iter()
        .map(|mut r| {
            let values = value_names(&r);
            r["values"] = json!(values);
            r
        })
        .collect();
    Ok(list_output(items, RESOURCE_FIELDS, &view, page.next))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct AssignmentsArgs {
    /// Collection id, ORN or exact name (omit: every collection).
    collection: Option<String>,
    /// Only this user (id or login).
    user: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_collection_assignments(ctx: ToolContext, args: AssignmentsArgs) -> Result<ToolOutput, ToolError> {
    let id = match args.collection.as_deref() {
        Some(c) => Some(collection_id(&ctx, c).await?),
        None => None,
    };
    let (list, params): (&Operation, Vec<&str>) = match &id {
        Some(id) => (&ops::LIST_COLLECTION_ASSIGNMENTS, vec![id.as_str()]),
        None => (&ops::LIST_COLLECTIONS_ASSIGNMENTS, vec![]),
    };
    if args.page.cursor.as_deref().is_some_and(|c| !c.is_empty()) {
        return args.page.list(&ctx, list, &params, Query::new(), ASSIGNMENT_FIELDS).await;
    }
    let uid = match non_empty("user", args.user.as_deref())? {
        Some(u) => Some(user_id(&ctx, u.trim()).await?),
        None => None,
    };
    let filter = filter_expr(&[
        ("principal.externalId", uid.as_deref()),
        ("principal.type", uid.as_ref().map(|_| "OKTA_USER")),
    ])?;
    args.page.list(&ctx, list, &params, Query::new().opt("filter", filter.as_deref()), ASSIGNMENT_FIELDS).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_ids_and_values() {
        assert!(okta_mcp_kit::ids::Kind::Collection.is_id("colfinancetools00001"));
        assert!(!okta_mcp_kit::ids::Kind::Collection.is_id("Finance tools"));
        let r = json!({"entitlements": [{"name": "Permission Set",
            "values": [{"id": "ent1", "name": "Finance Admin"}, {"id": "ent2"}]}]});
        assert_eq!(value_names(&r), ["Permission Set: Finance Admin", "Permission Set: ent2"]);
    }
}
