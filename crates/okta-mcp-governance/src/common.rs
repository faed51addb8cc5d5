//! What the governance tools share: Okta calls that name a missing OIG license, ORNs, `{data, _links}` lists.

use okta_core::{Answer, ApiPath, OktaError, Query};
use okta_mcp_kit::{Field, ListArgs, ToolContext, ToolError, ToolOutput};
use serde_json::Value;

/// What Okta answers on governance endpoints when the org has no Okta Identity Governance license.
pub const NO_LICENSE_CODE: &str = "E0000015";

/// A governance error in plain words: a missing OIG license is named as such; everything else is kept.
pub fn licensed(error: ToolError) -> ToolError {
    if error.okta_error_code() != Some(NO_LICENSE_CODE) {
        return error;
    }
    let request = error.request_id().map(|id| format!(" (Okta request id {id})")).unwrap_or_default();
    ToolError::refused(format!(
        "This Okta org has no Okta Identity Governance (OIG) license: Okta answered the governance API with \
         {NO_LICENSE_CODE} \"feature not enabled\"{request}. OIG is a separately licensed add-on; ask your Okta \
         account team to enable it. Nothing was changed."
    ))
}

pub async fn get(ctx: &ToolContext, path: &ApiPath, query: &Query) -> Result<Value, ToolError> {
    ctx.okta.get(path, query).await.map_err(licensed)
}

pub async fn post(ctx: &ToolContext, path: &ApiPath, body: Option<&Value>) -> Result<Option<Value>, ToolError> {
    ctx.okta.post(path, &Query::new(), body).await.map_err(licensed)
}

/// A POST whose `Location` matters (asynchronous 202s name what they acted on there).
pub async fn post_answer(ctx: &ToolContext, path: &ApiPath, body: Option<&Value>) -> Result<Answer, ToolError> {
    ctx.okta.post_answer(path, &Query::new(), body).await.map_err(licensed)
}

/// The id a `Location` names under `collection` (e.g. `/governance/api/v1/campaigns`): the segment after it,
/// whatever the host; `None` when the header names something else.
pub fn id_in_location<'a>(location: &'a str, collection: &str) -> Option<&'a str> {
    let path = location.split_once("://").map_or(location, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let id = path.strip_prefix(collection)?.strip_prefix('/')?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
}

pub async fn put(ctx: &ToolContext, path: &ApiPath, body: &Value) -> Result<Option<Value>, ToolError> {
    ctx.okta.put(path, &Query::new(), Some(body)).await.map_err(licensed)
}

pub async fn patch(ctx: &ToolContext, path: &ApiPath, body: &Value) -> Result<Option<Value>, ToolError> {
    ctx.okta.patch(path, &Query::new(), Some(body)).await.map_err(licensed)
}

pub async fn delete(ctx: &ToolContext, path: &ApiPath) -> Result<(), ToolError> {
    ctx.okta.delete(path, &Query::new()).await.map_err(licensed).map(|_| ())
}

/// One page of a `{data, _links}` list, shaped with the compact fields.
pub async fn list(
    ctx: &ToolContext,
    page: &ListArgs,
    path: &ApiPath,
    query: Query,
    fields: &[Field],
) -> Result<ToolOutput, ToolError> {
    page.list(ctx, path, query, fields).await.map_err(licensed)
}

/// `a eq "x"` clauses joined with AND; values are quoted (a `"` in one is refused before anything is sent).
pub fn filter_expr(clauses: &[(&str, Option<&str>)]) -> Result<Option<String>, ToolError> {
    let mut parts = Vec::new();
    for (attr, value) in clauses {
        if let Some(v) = value {
            if v.trim().is_empty() || v.contains('"') || v.contains('\\') {
                return Err(ToolError::invalid_arguments(format!("{attr} {v:?} is not a valid value")));
            }
            parts.push(format!("{attr} eq \"{v}\""));
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join(" AND ")))
}

/// An `expires` argument: an RFC 3339 time in the future, in the form Okta takes (UTC, seconds).
pub fn future_time(value: &str) -> Result<String, ToolError> {
    let t = chrono::DateTime::parse_from_rfc3339(value.trim()).map_err(|_| {
        ToolError::invalid_arguments(format!("expires {value:?} is not an RFC 3339 time such as 2026-12-31T17:00:00Z"))
    })?;
    if t <= chrono::Utc::now() {
        return Err(ToolError::invalid_arguments("expires must be in the future"));
    }
    Ok(t.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// The id in an Okta ORN (`orn:okta:<service>:<org>:<type>:<id>`, e.g. `orn:okta:idp:00o1:apps:salesforce:0oa1`),
/// or the argument itself when it is a plain id.
pub fn id_from_orn(value: &str) -> &str {
    if value.starts_with("orn:okta:") { value.rsplit(':').next().unwrap_or(value) } else { value }
}

/// An app id, given plainly or as its ORN.
pub fn app_arg(app: &str) -> Result<String, ToolError> {
    let id = id_from_orn(app.trim());
    okta_mcp_kit::args::check_id("app", id)?;
    if !id.starts_with("0oa") {
        return Err(ToolError::invalid_arguments(format!("{app:?} is not an app id (0oa…) or app ORN")));
    }
    Ok(id.to_owned())
}

/// An entitlement id (esp…), given plainly or as its ORN.
pub fn entitlement_arg(entitlement: &str) -> Result<String, ToolError> {
    let id = id_from_orn(entitlement.trim());
    okta_mcp_kit::args::check_id("entitlement_id", id)?;
    Ok(id.to_owned())
}

/// An error of an operation Okta serves to OAuth 2.0 access tokens only (the spec lists no API-token security for
/// it): with an API token Okta refuses the token itself (401), which is named here as "needs OAuth".
pub fn needs_oauth(ctx: &ToolContext, scope: &str, error: ToolError) -> ToolError {
    let error = licensed(error);
    let ToolError::Okta(OktaError::Api { method, path, status: 401, body, request_id, .. }) = &error else {
        return error;
    };
    if !ctx.okta.client().auth_description().starts_with("SSWS") {
        return error;
    }
    let code = body.error_code.as_deref().map(|c| format!(" {c}")).unwrap_or_default();
    let request = request_id.as_deref().map(|id| format!(" (Okta request id {id})")).unwrap_or_default();
    ToolError::refused(format!(
        "needs OAuth: Okta serves {method} {path} to OAuth 2.0 access tokens only and refused the API token \
         (401{code}){request}. Run the server as a service app (OKTA_CLIENT_ID with OKTA_PRIVATE_KEY, \
         private_key_jwt) granted {scope}. Nothing was changed."
    ))
}

/// GET an OAuth-only operation (see [`needs_oauth`]).
pub async fn get_oauth(ctx: &ToolContext, path: &ApiPath, query: &Query, scope: &str) -> Result<Value, ToolError> {
    ctx.okta.get(path, query).await.map_err(|e| needs_oauth(ctx, scope, e))
}

/// POST to an OAuth-only operation (see [`needs_oauth`]).
pub async fn post_oauth(
    ctx: &ToolContext,
    path: &ApiPath,
    body: Option<&Value>,
    scope: &str,
) -> Result<Option<Value>, ToolError> {
    ctx.okta.post(path, &Query::new(), body).await.map_err(|e| needs_oauth(ctx, scope, e))
}

/// One page of an OAuth-only `{data, _links}` list (see [`needs_oauth`]).
pub async fn list_oauth(
    ctx: &ToolContext,
    page: &ListArgs,
    path: &ApiPath,
    query: Query,
    fields: &[Field],
    scope: &str,
) -> Result<ToolOutput, ToolError> {
    page.list(ctx, path, query, fields).await.map_err(|e| needs_oauth(ctx, scope, e))
}

/// The items of a `{data, _links}` answer.
pub fn data_of(list: &Value) -> Vec<Value> {
    list.get("data").and_then(Value::as_array).cloned().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_join_and_refuse_quotes() {
        let f = filter_expr(&[("campaignId", Some("ici1")), ("decision", None), ("principalId", Some("00u1"))]);
        assert_eq!(f.ok().flatten().as_deref(), Some("campaignId eq \"ici1\" AND principalId eq \"00u1\""));
        assert!(filter_expr(&[("decision", Some("a\" or 1"))]).is_err());
        assert_eq!(filter_expr(&[("decision", None)]).ok().flatten(), None);
    }

    #[test]
    fn locations_name_an_id_under_a_collection() {
        let c = "/governance/api/v1/campaigns";
        assert_eq!(id_in_location("https://acme.okta.com/governance/api/v1/campaigns/ici2", c), Some("ici2"));
        assert_eq!(id_in_location("/governance/api/v1/campaigns/ici2?x=1", c), Some("ici2"));
        assert_eq!(id_in_location("https://acme.okta.com/governance/api/v1/campaigns/ici2/launch", c), None);
        assert_eq!(id_in_location("https://acme.okta.com/governance/api/v1/reviews/icr1", c), None);
        assert_eq!(id_in_location("https://acme.okta.com/governance/api/v1/campaigns", c), None);
    }

    #[test]
    fn orns_give_their_id() {
        assert_eq!(id_from_orn("orn:okta:idp:00o1:apps:salesforce:0oasalesforce0000001"), "0oasalesforce0000001");
        assert_eq!(id_from_orn("orn:okta:directory:00o1:groups:00g1"), "00g1");
        assert_eq!(id_from_orn("0oa1"), "0oa1");
    }
}
