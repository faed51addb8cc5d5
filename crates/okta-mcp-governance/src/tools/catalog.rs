//! The access request catalog (v2, `/governance/api/v2/catalogs/default`): what can be requested (apps at the
//! top level, and under an app the bundles or groups of it), and what a given user may request. Okta serves the
//! catalog to OAuth access tokens only.

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::lookup::user_id;
use okta_mcp_kit::ops;
use okta_mcp_kit::output::strip_links;
use okta_mcp_kit::{Access, Field, ListArgs, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, field};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use okta_mcp_kit::lookup::data_of;

/// Compact fields of a catalog entry.
pub(crate) const ENTRY_FIELDS: &[Field] = &[
    field("id", "id"),
    field("name", "name"),
    field("requestable", "requestable"),
    field("label", "label"),
    field("parent", "parent"),
    field("description", "description"),
];

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_catalog_entries",
                title: "List catalog entries",
                description: "Access request catalog (v2): the top level, or parent's children. \
                              OAuth only.",
                access: Access::Read,
                toolset: "requests",
                operations: &[ops::LIST_ALL_DEFAULT_ENTRIES_V2],
            },
            list_entries,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_get_catalog_entry",
                title: "Get catalog entry",
                description: "One catalog entry (cen…) with its app and its child entries. OAuth only.",
                access: Access::Read,
                toolset: "requests",
                operations: &[ops::GET_CATALOG_ENTRY_V2, ops::LIST_ALL_DEFAULT_ENTRIES_V2],
            },
            get_entry,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_list_requestable_entries",
                title: "List requestable entries",
                description: "Catalog entries a user may request. OAuth only.",
                access: Access::Read,
                toolset: "requests",
                operations: &[ops::GET_USER, ops::LIST_ALL_DEFAULT_USER_ENTRIES_V2],
            },
            list_requestable,
        ),
    ]
}

/// The `filter` Okta requires on catalog lists: the top level, or the children of one entry.
pub(crate) fn parent_filter(parent: Option<&str>) -> Result<String, ToolError> {
    match parent.map(str::trim) {
        None => Ok("not(parent pr)".to_owned()),
        Some(p) => {
            check_id("parent", p)?;
            if p.contains('"') {
                return Err(ToolError::invalid_arguments(format!("parent {p:?} is not an entry id")));
            }
            Ok(format!("parent eq \"{p}\""))
        }
    }
}

/// `match`: 3 to 50 characters, as Okta takes it.
pub(crate) fn search_arg(search: Option<&str>) -> Result<Option<&str>, ToolError> {
    match search.map(str::trim) {
        Some(s) if !(3..=50).contains(&s.chars().count()) => {
            Err(ToolError::invalid_arguments("search takes 3 to 50 characters"))
        }
        other => Ok(other),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ListEntriesArgs {
    /// Entry id: list its children.
    parent: Option<String>,
    /// Text in name or description (3-50 chars).
    search: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_entries(ctx: ToolContext, args: ListEntriesArgs) -> Result<ToolOutput, ToolError> {
    let filter = parent_filter(args.parent.as_deref())?;
    let search = search_arg(args.search.as_deref())?;
    let query = Query::new().push("filter", filter).opt("match", search);
    args.page.list(&ctx, &ops::LIST_ALL_DEFAULT_ENTRIES_V2, &[], query, ENTRY_FIELDS).await
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct EntryArg {
    /// Catalog entry id (cen…).
    entry_id: String,
}

/// The app an entry requests (from its `relatedEntity` link).
pub(crate) fn app_of(entry: &Value) -> Option<&str> {
    let href = entry.pointer("/_links/relatedEntity/href")?.as_str()?;
    href.split_once("/api/v1/apps/").map(|(_, id)| id.trim_end_matches('/'))
}

async fn get_entry(ctx: ToolContext, args: EntryArg) -> Result<ToolOutput, ToolError> {
    let id = args.entry_id.trim();
    let entry = ctx.okta.get(&ops::GET_CATALOG_ENTRY_V2, &[id], &Query::new()).await?;
    let children = ctx
        .okta
        .get(
            &ops::LIST_ALL_DEFAULT_ENTRIES_V2,
            &[],
            &Query::new().push("filter", parent_filter(Some(id))?).push("limit", 200),
        )
        .await?;
    let app = app_of(&entry).map(str::to_owned);
    let mut out = strip_links(entry);
    out["appId"] = json!(app);
    out["children"] = Value::Array(
        data_of(&children)
            .iter()
            .map(|c| json!({"id": c.get("id"), "name": c.get("name"), "requestable": c.get("requestable")}))
            .collect(),
    );
    Ok(ToolOutput::json(out))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RequestableArgs {
    /// User id or login.
    user: String,
    /// Entry id: list its children.
    parent: Option<String>,
    /// Text in name or description (3-50 chars).
    search: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn list_requestable(ctx: ToolContext, args: RequestableArgs) -> Result<ToolOutput, ToolError> {
    let filter = parent_filter(args.parent.as_deref())?;
    let search = search_arg(args.search.as_deref())?;
    let uid = user_id(&ctx, &args.user).await?;
    let query = Query::new().push("filter", filter).opt("match", search);
    args.page.list(&ctx, &ops::LIST_ALL_DEFAULT_USER_ENTRIES_V2, &[&uid], query, ENTRY_FIELDS).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_the_top_level_or_the_children_of_one_entry() {
        assert_eq!(parent_filter(None).ok().as_deref(), Some("not(parent pr)"));
        assert_eq!(parent_filter(Some("cen1")).ok().as_deref(), Some("parent eq \"cen1\""));
        assert!(parent_filter(Some("a/b")).is_err());
        assert!(search_arg(Some("ab")).is_err());
        assert_eq!(search_arg(Some("sales")).ok().flatten(), Some("sales"));
    }

    #[test]
    fn an_entry_names_its_app() {
        let e = json!({"_links": {"relatedEntity": {"href": "https://x/api/v1/apps/0oa1"}}});
        assert_eq!(app_of(&e), Some("0oa1"));
        assert_eq!(app_of(&json!({})), None);
    }
}
