//! What the governance tools share: Okta calls that name a missing OIG license, ORNs, `{data, _links}` lists.

use okta_mcp_kit::ToolError;
use serde_json::Value;

/// The id a `Location` names under `collection` (e.g. `/governance/api/v1/campaigns`): the segment after it,
/// whatever the host; `None` when the header names something else.
pub fn id_in_location<'a>(location: &'a str, collection: &str) -> Option<&'a str> {
    let path = location.split_once("://").map_or(location, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let id = path.strip_prefix(collection)?.strip_prefix('/')?;
    (!id.is_empty() && !id.contains('/')).then_some(id)
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

/// An app id, given plainly or as its ORN.
pub fn app_arg(app: &str) -> Result<String, ToolError> {
    let id = okta_mcp_kit::orn::id_of(app.trim());
    okta_mcp_kit::args::check_id("app", id)?;
    if !id.starts_with("0oa") {
        return Err(ToolError::invalid_arguments(format!("{app:?} is not an app id (0oa…) or app ORN")));
    }
    Ok(id.to_owned())
}

/// An entitlement id (esp…), given plainly or as its ORN.
pub fn entitlement_arg(entitlement: &str) -> Result<String, ToolError> {
    let id = okta_mcp_kit::orn::id_of(entitlement.trim());
    okta_mcp_kit::args::check_id("entitlement_id", id)?;
    Ok(id.to_owned())
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
}
