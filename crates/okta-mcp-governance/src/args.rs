//! Governance tool arguments checked before anything is sent: filter expressions, future times, app and
//! entitlement ids given plainly or as ORNs.

use okta_mcp_kit::ToolError;

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
    // By prefix only (not ids::is_app_id): an id of another length is Okta's to refuse.
    if !id.starts_with(okta_mcp_kit::ids::Kind::App.prefix()) {
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
}
