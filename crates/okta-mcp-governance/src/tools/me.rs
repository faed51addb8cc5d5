//! The signed-in person's own governance (delegated mode, `--delegated`): their access, the catalog they may
//! request from, their requests, and the security access reviews they are the reviewer of. Every call carries
//! the person's own Okta token, so Okta decides what they see and do; no tool here takes a user argument, and a
//! request field that would name someone else (`OKTA_REQUESTED_FOR`, or any user-id field) is refused before
//! anything is sent.

use std::collections::BTreeMap;

use okta_core::Query;
use okta_core::ops::end_user;
use okta_mcp_kit::args::{NoArgs, check_id, text};
use okta_mcp_kit::catalog::END_USER_TOOLSET;
use okta_mcp_kit::lookup::data_of;
use okta_mcp_kit::output::{project, strip_links};
use okta_mcp_kit::{
    Access, ListArgs, ListView, ToolContext, ToolDef, ToolError, ToolMeta, ToolOutput, list_output, me, ops,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

use super::catalog::{ENTRY_FIELDS, app_of, parent_filter, search_arg};
use super::grants::GRANT_FIELDS;
use super::requests::REQUEST_FIELDS;
use super::security_reviews::{ACCESS_FIELDS, REVIEW_FIELDS};
use crate::args::filter_expr;

/// Request fields that would make a request for someone else: a delegated person requests for themselves only.
const FOREIGN_FIELD: &str = "OKTA_REQUESTED_FOR";
/// Most reviews summarized in one `okta_iga_my_pending_reviews` answer, and items shown per review.
const REVIEWS_CAP: u32 = 20;
const ITEMS_PER_REVIEW: u32 = 20;
/// Longest justification Okta keeps as a review comment.
const MAX_JUSTIFICATION: usize = 1000;

pub fn tools() -> Vec<ToolDef> {
    vec![
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_my_access",
                title: "My access",
                description: "Your own access in one answer: profile, groups, apps, and your entitlement grants \
                              where Okta lets you see them.",
                access: Access::Read,
                toolset: END_USER_TOOLSET,
                operations: &[
                    end_user::GET_USER,
                    end_user::LIST_USER_GROUPS,
                    end_user::LIST_APP_LINKS,
                    ops::LIST_GRANTS,
                ],
            },
            my_access,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_browse_catalog",
                title: "Browse the request catalog",
                description: "What you may request: the catalog's top level (apps), an entry's children, or one \
                              entry with the fields a request for it needs (entry_id).",
                access: Access::Read,
                toolset: END_USER_TOOLSET,
                operations: &[
                    ops::LIST_MY_DEFAULT_ENTRIES_V2,
                    ops::GET_MY_ENTRY_V2,
                    ops::GET_MY_CATALOG_ENTRY_REQUEST_FIELDS_V2,
                ],
            },
            browse_catalog,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_request_access",
                title: "Request access",
                description: "Request a catalog entry for yourself; it then waits for approval. fields: the \
                              entry's request fields by id (see okta_iga_browse_catalog with entry_id).",
                access: Access::Write,
                toolset: END_USER_TOOLSET,
                operations: &[ops::GET_MY_CATALOG_ENTRY_REQUEST_FIELDS_V2, ops::CREATE_MY_REQUEST_V2],
            },
            request_access,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_my_requests",
                title: "My access requests",
                description: "Your access requests and their status: one (entry_id + request_id, as \
                              okta_iga_request_access answered), or all of them where Okta lets you list them.",
                access: Access::Read,
                toolset: END_USER_TOOLSET,
                operations: &[ops::GET_MY_REQUEST_V2, end_user::GET_USER, ops::LIST_ALL_REQUESTS_V2],
            },
            my_requests,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_my_pending_reviews",
                title: "My pending reviews",
                description: "Security access reviews waiting for your decision: whose access, and the items to \
                              decide. review_id: one review's items, paged.",
                access: Access::Read,
                toolset: END_USER_TOOLSET,
                operations: &[
                    ops::LIST_MY_SECURITY_ACCESS_REVIEWS,
                    ops::GET_MY_SECURITY_ACCESS_REVIEW_PRINCIPAL_DETAILS,
                    ops::LIST_MY_SECURITY_ACCESS_REVIEW_ACCESSES,
                ],
            },
            my_pending_reviews,
        ),
        ToolDef::new(
            ToolMeta {
                name: "okta_iga_submit_review_decision",
                title: "Decide a review item",
                description: "Decide one item of a review you are the reviewer of: revoke or restore the access \
                              (or flag it for manual remediation), with your justification.",
                access: Access::Destructive,
                toolset: END_USER_TOOLSET,
                operations: &[
                    ops::LIST_MY_SECURITY_ACCESS_REVIEW_ACCESSES,
                    ops::EXECUTE_MY_SECURITY_ACCESS_REVIEW_ACCESSES_ACTION,
                    ops::ADD_MY_SECURITY_ACCESS_REVIEW_COMMENT,
                ],
            },
            submit_review_decision,
        ),
    ]
}

/// Okta refused the person (403): the part is left out and the answer says why, instead of failing the call.
fn not_visible(error: ToolError, what: &str) -> Result<Value, ToolError> {
    match &error {
        ToolError::Okta(e) if e.status() == Some(403) => Ok(json!({
            "visible": false,
            "why": format!("Okta does not let your account list {what} (403): {error}"),
        })),
        _ => Err(error),
    }
}

async fn my_access(ctx: ToolContext, _: NoArgs) -> Result<ToolOutput, ToolError> {
    let (profile, groups, apps) = tokio::join!(me::profile(&ctx), me::groups(&ctx, me::SUMMARY_CAP), me::apps(&ctx));
    let profile = profile?;
    let (groups, more_groups) = groups?;
    let apps = apps?;
    let id = profile.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
    let grants = match my_grants(&ctx, &id).await {
        Ok(grants) => grants,
        Err(e) => not_visible(e, "entitlement grants")?,
    };
    Ok(ToolOutput::json(json!({
        "profile": profile,
        "groups": {"count": groups.len(), "more": more_groups, "items": groups},
        "apps": {"count": apps.len(), "items": apps},
        "grants": grants,
    })))
}

/// The person's active grants (Okta answers this admin list only where the person's role allows it).
async fn my_grants(ctx: &ToolContext, id: &str) -> Result<Value, ToolError> {
    check_id("user id", id)?;
    let filter = filter_expr(&[("targetPrincipal.externalId", Some(id)), ("targetPrincipal.type", Some("OKTA_USER"))])?;
    let query = Query::new().opt("filter", filter.as_deref()).push("limit", 200);
    let page = ctx.okta.get_page(&ops::LIST_GRANTS, &[], &query).await?;
    let items: Vec<Value> = page
        .items
        .iter()
        .filter(|g| g.get("status").and_then(Value::as_str).is_none_or(|s| s == "ACTIVE"))
        .take(me::SUMMARY_CAP)
        .map(|g| project(g, GRANT_FIELDS, &[]))
        .collect();
    Ok(json!({"visible": true, "count": items.len(), "more": page.next.is_some(), "items": items}))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct BrowseArgs {
    /// Entry id: that entry with its request fields.
    entry_id: Option<String>,
    /// Entry id: list its children.
    parent: Option<String>,
    /// Text in name or description (3-50 chars).
    search: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn browse_catalog(ctx: ToolContext, args: BrowseArgs) -> Result<ToolOutput, ToolError> {
    if let Some(id) = args.entry_id.as_deref().map(str::trim) {
        check_id("entry_id", id)?;
        let (params, none) = ([id], Query::new());
        let (entry, fields) = tokio::join!(
            ctx.okta.get(&ops::GET_MY_ENTRY_V2, &params, &none),
            ctx.okta.get(&ops::GET_MY_CATALOG_ENTRY_REQUEST_FIELDS_V2, &params, &none),
        );
        let entry = entry?;
        let app = app_of(&entry).map(str::to_owned);
        let mut out = strip_links(entry);
        out["appId"] = json!(app);
        out["requestFields"] = Value::Array(data_of(&fields?).iter().map(field_summary).collect());
        return Ok(ToolOutput::json(out));
    }
    let filter = parent_filter(args.parent.as_deref())?;
    let search = search_arg(args.search.as_deref())?;
    let query = Query::new().push("filter", filter).opt("match", search);
    args.page.list(&ctx, &ops::LIST_MY_DEFAULT_ENTRIES_V2, &[], query, ENTRY_FIELDS).await
}

fn field_summary(f: &Value) -> Value {
    json!({
        "id": f.get("id"), "label": f.get("label"), "type": f.get("type"), "required": f.get("required"),
        "choices": f.get("choices"), "maximumValue": f.get("maximumValue"),
    })
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct RequestAccessArgs {
    /// Catalog entry id (from okta_iga_browse_catalog).
    entry_id: String,
    /// Request field values by field id: a string, or a list for MULTISELECT fields.
    fields: Option<BTreeMap<String, Value>>,
}

/// The request body for `fields`, checked against the entry's request fields: each must be one of them, no field
/// may name another person, and every required field must be there.
fn request_body(fields: &BTreeMap<String, Value>, known: &[Value]) -> Result<Value, ToolError> {
    let mut values = Vec::new();
    for (id, value) in fields {
        let field = known.iter().find(|f| f.get("id").and_then(Value::as_str) == Some(id));
        let kind = field.and_then(|f| f.get("type")).and_then(Value::as_str).unwrap_or_default();
        if id == FOREIGN_FIELD || kind == "OKTA_USER_ID" {
            return Err(ToolError::refused(format!(
                "field {id} names a person: you can request access only for yourself here. Nothing was sent."
            )));
        }
        if field.is_none() {
            let ids: Vec<&str> = known.iter().filter_map(|f| f.get("id").and_then(Value::as_str)).collect();
            return Err(ToolError::invalid_arguments(format!(
                "{id} is not a request field of this entry; its fields: {}",
                if ids.is_empty() { "none".to_owned() } else { ids.join(", ") }
            )));
        }
        match (kind, value) {
            ("MULTISELECT", Value::Array(items)) if items.iter().all(Value::is_string) => {
                values.push(json!({"id": id, "values": items}));
            }
            ("MULTISELECT", _) => {
                return Err(ToolError::invalid_arguments(format!("{id} takes a list of strings")));
            }
            (_, Value::String(s)) => {
                if s.trim().is_empty() || s.chars().count() > 4000 || s.chars().any(|c| c.is_control() && c != '\n') {
                    return Err(ToolError::invalid_arguments(format!("{id} must be 1 to 4000 characters")));
                }
                values.push(json!({"id": id, "value": s}));
            }
            _ => return Err(ToolError::invalid_arguments(format!("{id} takes a string"))),
        }
    }
    let missing: Vec<&str> = known
        .iter()
        .filter(|f| f.get("required").and_then(Value::as_bool) == Some(true))
        .filter(|f| f.get("readOnly").and_then(Value::as_bool) != Some(true))
        .filter_map(|f| f.get("id").and_then(Value::as_str))
        .filter(|id| *id != FOREIGN_FIELD && !fields.contains_key(*id))
        .collect();
    if !missing.is_empty() {
        return Err(ToolError::invalid_arguments(format!(
            "this entry's request needs the fields {} (see okta_iga_browse_catalog with entry_id)",
            missing.join(", ")
        )));
    }
    Ok(if values.is_empty() { json!({}) } else { json!({"requesterFieldValues": values}) })
}

async fn request_access(ctx: ToolContext, args: RequestAccessArgs) -> Result<ToolOutput, ToolError> {
    let entry = args.entry_id.trim();
    check_id("entry_id", entry)?;
    let fields = args.fields.unwrap_or_default();
    if let Some(id) = fields.keys().find(|id| id.as_str() == FOREIGN_FIELD) {
        return Err(ToolError::refused(format!(
            "field {id} names a person: you can request access only for yourself here. Nothing was sent."
        )));
    }
    let known = ctx.okta.get(&ops::GET_MY_CATALOG_ENTRY_REQUEST_FIELDS_V2, &[entry], &Query::new()).await?;
    let body = request_body(&fields, &data_of(&known))?;
    let created = ctx.okta.send(&ops::CREATE_MY_REQUEST_V2, &[entry], &Query::new(), Some(&body)).await?;
    Ok(ToolOutput::json(json!({
        "request": created.as_ref().map(|r| json!({"id": r.get("id"), "status": r.get("status"),
            "entryId": entry, "created": r.get("created")})),
        "result": "requested for you; it waits for approval. Check it with okta_iga_my_requests (entry_id and request_id).",
    })))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct MyRequestsArgs {
    /// Catalog entry id of one request (with request_id).
    entry_id: Option<String>,
    /// Request id (with entry_id).
    request_id: Option<String>,
    /// Most requests listed (max 200).
    limit: Option<u32>,
}

async fn my_requests(ctx: ToolContext, args: MyRequestsArgs) -> Result<ToolOutput, ToolError> {
    match (args.entry_id.as_deref().map(str::trim), args.request_id.as_deref().map(str::trim)) {
        (Some(entry), Some(request)) => {
            check_id("entry_id", entry)?;
            check_id("request_id", request)?;
            let r = ctx.okta.get(&ops::GET_MY_REQUEST_V2, &[entry, request], &Query::new()).await?;
            Ok(ToolOutput::json(strip_links(r)))
        }
        (None, None) => {
            let profile = me::profile(&ctx).await?;
            let id = profile.get("id").and_then(Value::as_str).unwrap_or_default();
            check_id("user id", id)?;
            // One page and no cursor: a cursor carries its own query, and this list must stay filtered to the
            // person (Okta's list is an admin one).
            let limit = match args.limit {
                None => 50,
                Some(n @ 1..=200) => n,
                Some(_) => return Err(ToolError::invalid_arguments("limit takes 1 to 200")),
            };
            let filter = filter_expr(&[("requestedFor", Some(id))])?;
            let query = Query::new().opt("filter", filter.as_deref()).push("limit", limit);
            let listed = ctx.okta.get_page(&ops::LIST_ALL_REQUESTS_V2, &[], &query).await;
            match listed {
                Ok(page) => {
                    let more = page.next.is_some();
                    Ok(list_output(page.items, REQUEST_FIELDS, &ListView::default(), None).with(json!({"more": more})))
                }
                Err(ToolError::Okta(e)) if e.status() == Some(403) => Ok(ToolOutput::json(json!({
                    "requests": null,
                    "why": "Okta lists access requests only to access request administrators, and refused your \
                            account (403). To check one of your requests, give entry_id and request_id (as \
                            okta_iga_request_access answered).",
                }))),
                Err(e) => Err(e),
            }
        }
        _ => Err(ToolError::invalid_arguments("give both entry_id and request_id for one request, or neither")),
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct PendingReviewsArgs {
    /// A review id: its items, paged.
    review_id: Option<String>,
    #[serde(flatten)]
    page: ListArgs,
}

async fn my_pending_reviews(ctx: ToolContext, args: PendingReviewsArgs) -> Result<ToolOutput, ToolError> {
    if let Some(review) = args.review_id.as_deref().map(str::trim) {
        check_id("review_id", review)?;
        return args
            .page
            .list(&ctx, &ops::LIST_MY_SECURITY_ACCESS_REVIEW_ACCESSES, &[review], Query::new(), ACCESS_FIELDS)
            .await;
    }
    let query = Query::new().push("filter", "status eq \"ACTIVE\"").push("limit", REVIEWS_CAP);
    let page = ctx.okta.get_page(&ops::LIST_MY_SECURITY_ACCESS_REVIEWS, &[], &query).await?;
    let reviews = futures::future::try_join_all(page.items.iter().map(|r| review_summary(&ctx, r))).await?;
    Ok(ToolOutput::json(json!({
        "count": reviews.len(),
        "more": page.next.is_some(),
        "reviews": reviews,
        "next": "decide an item with okta_iga_submit_review_decision (review_id, access_id, decision, justification)",
    })))
}

/// A review with whose access it is and its first items.
async fn review_summary(ctx: &ToolContext, review: &Value) -> Result<Value, ToolError> {
    let id = review.get("id").and_then(Value::as_str).unwrap_or_default();
    check_id("review id", id)?;
    let (params, none, first) = ([id], Query::new(), Query::new().push("limit", ITEMS_PER_REVIEW));
    let (principal, items) = tokio::join!(
        ctx.okta.get(&ops::GET_MY_SECURITY_ACCESS_REVIEW_PRINCIPAL_DETAILS, &params, &none),
        ctx.okta.get_page(&ops::LIST_MY_SECURITY_ACCESS_REVIEW_ACCESSES, &params, &first),
    );
    let principal = principal?;
    let items = items?;
    let mut out = project(review, REVIEW_FIELDS, &[]);
    out["principal"] = json!({
        "id": principal.get("id"), "login": principal.get("login"), "email": principal.get("email"),
        "name": format!("{} {}", principal.get("firstName").and_then(Value::as_str).unwrap_or_default(),
            principal.get("lastName").and_then(Value::as_str).unwrap_or_default()).trim(),
        "department": principal.get("department"),
    });
    out["items"] = Value::Array(items.items.iter().map(|i| project(i, ACCESS_FIELDS, &[])).collect());
    out["moreItems"] = json!(items.next.is_some());
    Ok(out)
}

/// A reviewer's decision on one item.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Remove the access.
    Revoke,
    /// Give back access revoked earlier.
    Restore,
    /// Mark it for someone to revoke by hand (where Okta cannot).
    FlagForRevocation,
    /// Mark it for someone to restore by hand.
    FlagForRestoration,
}

impl Decision {
    fn action(self) -> &'static str {
        match self {
            Decision::Revoke => "REVOKE_ACCESS",
            Decision::Restore => "RESTORE_ACCESS",
            Decision::FlagForRevocation => "FLAG_FOR_MANUAL_REMEDIATION",
            Decision::FlagForRestoration => "FLAG_FOR_MANUAL_RESTORATION",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct DecisionArgs {
    /// Review id (from okta_iga_my_pending_reviews).
    review_id: String,
    /// The item's id in that review.
    access_id: String,
    decision: Decision,
    /// Why (kept on the review as your comment).
    justification: String,
}

async fn submit_review_decision(ctx: ToolContext, args: DecisionArgs) -> Result<ToolOutput, ToolError> {
    let (review, access) = (args.review_id.trim(), args.access_id.trim());
    check_id("review_id", review)?;
    check_id("access_id", access)?;
    let justification = text("justification", args.justification.trim(), MAX_JUSTIFICATION)?;
    if justification.is_empty() {
        return Err(ToolError::invalid_arguments("justification must say why"));
    }
    let action = args.decision.action();
    // The item must be one of this review's, and the decision one Okta offers for it.
    let items = ctx.okta.get_all(&ops::LIST_MY_SECURITY_ACCESS_REVIEW_ACCESSES, &[review], Query::new(), 1000).await?;
    let Some(item) = items.iter().find(|i| i.get("id").and_then(Value::as_str) == Some(access)) else {
        return Err(ToolError::refused(format!(
            "{access} is not an item of review {review} (see okta_iga_my_pending_reviews with review_id). Nothing \
             was changed."
        )));
    };
    let supported: Vec<&str> = item
        .get("supportedActions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if !supported.contains(&action) {
        return Err(ToolError::refused(format!(
            "Okta does not offer {action} for {} now (it offers: {}). Nothing was changed.",
            item.get("name").and_then(Value::as_str).unwrap_or(access),
            if supported.is_empty() { "nothing".to_owned() } else { supported.join(", ") }
        )));
    }
    let name = item.get("name").and_then(Value::as_str).unwrap_or(access).to_owned();
    ctx.okta.acts_on("security access review item", access, &name);
    ctx.okta
        .send(
            &ops::EXECUTE_MY_SECURITY_ACCESS_REVIEW_ACCESSES_ACTION,
            &[review, access],
            &Query::new(),
            Some(&json!({"type": action})),
        )
        .await?;
    let comment = json!({"comment": format!("{action} {name}: {justification}")});
    let commented =
        ctx.okta.send(&ops::ADD_MY_SECURITY_ACCESS_REVIEW_COMMENT, &[review], &Query::new(), Some(&comment)).await;
    Ok(ToolOutput::json(json!({
        "review": review,
        "item": {"id": access, "name": name},
        "decision": action,
        "justification": if commented.is_ok() { json!("kept on the review as your comment") }
            else { json!(format!("the decision was made, but Okta did not keep the justification: {}",
                commented.err().map(|e| e.to_string()).unwrap_or_default())) },
        "result": "decided; Okta carries out the remediation",
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<Value> {
        vec![
            json!({"id": "reason", "type": "TEXT", "required": true}),
            json!({"id": "envs", "type": "MULTISELECT", "required": false}),
            json!({"id": "OKTA_REQUESTED_FOR", "type": "OKTA_USER_ID", "required": false}),
            json!({"id": "backup", "type": "OKTA_USER_ID", "required": false}),
        ]
    }

    #[test]
    fn requests_are_for_yourself_only() {
        let mut given = BTreeMap::new();
        given.insert("OKTA_REQUESTED_FOR".to_owned(), json!("00uOTHER"));
        assert!(matches!(request_body(&given, &fields()), Err(ToolError::Refused(_))));
        let mut given = BTreeMap::new();
        given.insert("backup".to_owned(), json!("00uOTHER"));
        given.insert("reason".to_owned(), json!("x"));
        assert!(matches!(request_body(&given, &fields()), Err(ToolError::Refused(_))));
    }

    #[test]
    fn request_fields_are_checked_before_sending() {
        let none = BTreeMap::new();
        let missing = request_body(&none, &fields()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(missing.contains("reason"), "{missing}");
        let mut given = BTreeMap::new();
        given.insert("reason".to_owned(), json!("quarterly close"));
        given.insert("envs".to_owned(), json!(["prod", "test"]));
        let body = request_body(&given, &fields()).expect("body");
        assert_eq!(body["requesterFieldValues"][0], json!({"id": "envs", "values": ["prod", "test"]}));
        assert_eq!(body["requesterFieldValues"][1], json!({"id": "reason", "value": "quarterly close"}));
        given.insert("nope".to_owned(), json!("x"));
        assert!(matches!(request_body(&given, &fields()), Err(ToolError::InvalidArguments(_))));
        assert_eq!(request_body(&BTreeMap::new(), &[]).ok(), Some(json!({})));
    }
}
