//! Okta resource names (ORNs) for the resources labels and owners are put on, and for the users and groups
//! that own them: `orn:<partition>:<service>:<org id>:<type>:…:<id>`.
//!
//! Nothing here hard-codes an org. Resource ORNs come from Okta's own objects (an app's `orn`; collections,
//! bundles and entitlement values carry theirs and the tools show it) or are passed as given. Users and groups
//! have no `orn` in their objects, so theirs are built on the prefix of a directory or idp ORN Okta already
//! returned (an app's, an owner's); failing that, on the org id of `/.well-known/okta-organization` (or of any
//! ORN at hand) and the partition of the org's domain: `oktapreview` for `*.oktapreview.com`, else `okta`.
//! (Okta's recorded answers show governance ORNs with `okta` even on a preview org whose apps and users are
//! `oktapreview`, so a governance ORN's partition is not used for directory ORNs.)

use okta_core::Query;
use okta_mcp_kit::args::check_id;
use okta_mcp_kit::ids::is_app_id;
use okta_mcp_kit::ops;
use okta_mcp_kit::orn::{Orn, parse as parse_orn};
use okta_mcp_kit::{ToolContext, ToolError};
use serde_json::Value;

/// An ORN argument: well formed, and safe inside a quoted filter value.
pub fn orn_arg(name: &str, value: &str) -> Result<String, ToolError> {
    let v = value.trim();
    if v.len() > 300 || parse_orn(v).is_none() {
        return Err(ToolError::invalid_arguments(format!(
            "{name}: {value:?} is not an ORN (orn:<partition>:<service>:<org id>:<type>:<id>)"
        )));
    }
    Ok(v.to_owned())
}

/// The start of the org's directory ORNs: `orn:<partition>:directory:<org id>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    pub partition: String,
    pub org: String,
}

impl Directory {
    /// A user's (`users`) or group's (`groups`) ORN.
    pub fn orn(&self, kind: &str, id: &str) -> String {
        format!("orn:{}:directory:{}:{kind}:{id}", self.partition, self.org)
    }

    /// An app's ORN (`orn:<partition>:idp:<org>:apps:<app name>:<id>`), for an app object without one.
    pub fn app_orn(&self, name: &str, id: &str) -> String {
        format!("orn:{}:idp:{}:apps:{name}:{id}", self.partition, self.org)
    }
}

/// The ORN partition of an org's domain.
pub fn partition_of_host(host: &str) -> &'static str {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "oktapreview.com" || host.ends_with(".oktapreview.com") { "oktapreview" } else { "okta" }
}

/// The directory prefix from ORNs Okta returned (`known`), else from the org itself (see the module doc).
pub async fn directory(ctx: &ToolContext, known: &[&str]) -> Result<Directory, ToolError> {
    let parsed: Vec<Orn> = known.iter().filter_map(|o| parse_orn(o)).collect();
    if let Some(o) = parsed.iter().find(|o| o.service == "directory" || o.service == "idp") {
        return Ok(Directory { partition: o.partition.to_owned(), org: o.org.to_owned() });
    }
    let partition = partition_of_host(ctx.okta.org_url().host_str().unwrap_or_default()).to_owned();
    if let Some(o) = parsed.first() {
        return Ok(Directory { partition, org: o.org.to_owned() });
    }
    let info = ctx.okta.org_info().await?;
    match info.id {
        Some(org) if !org.is_empty() => Ok(Directory { partition, org }),
        _ => Err(ToolError::refused(
            "Okta's /.well-known/okta-organization has no org id, so the ORN of a user or group cannot be made; \
             pass ORNs instead",
        )),
    }
}

/// An app: its ORN as Okta gives it (or built from its name when the object has none) and its label.
pub async fn app(ctx: &ToolContext, id: &str) -> Result<(String, Value), ToolError> {
    check_id("app", id)?;
    let app = ctx.okta.get(&ops::GET_APPLICATION, &[id], &Query::new()).await?;
    if let Some(orn) = app.get("orn").and_then(Value::as_str).filter(|o| parse_orn(o).is_some()) {
        return Ok((orn.to_owned(), app.clone()));
    }
    let name = app.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok((directory(ctx, &[]).await?.app_orn(&name, id), app))
}

/// An app argument (id or ORN) as an ORN; an id is looked up (`GET /api/v1/apps/{appId}`).
pub async fn app_orn(ctx: &ToolContext, value: &str) -> Result<String, ToolError> {
    let v = value.trim();
    if v.starts_with("orn:") {
        let orn = orn_arg("app", v)?;
        if parse_orn(&orn).is_some_and(|o| o.kind != "apps") {
            return Err(ToolError::invalid_arguments(format!("app: {value:?} is not an app ORN")));
        }
        return Ok(orn);
    }
    if !is_app_id(v) {
        return Err(ToolError::invalid_arguments(format!("app: {value:?} is not an app id (0oa…) or app ORN")));
    }
    Ok(app(ctx, v).await?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orn_arguments_are_well_formed_and_safe_in_filters() {
        assert!(orn_arg("resource", "orn:okta:directory:00o1:groups:00g1").is_ok());
        assert!(orn_arg("resource", "orn:okta:directory:00o1:groups:00g1 or 1").is_err());
    }

    #[test]
    fn preview_orgs_have_their_own_partition() {
        assert_eq!(partition_of_host("acme.oktapreview.com"), "oktapreview");
        assert_eq!(partition_of_host("acme-admin.oktapreview.com"), "oktapreview");
        assert_eq!(partition_of_host("acme.okta.com"), "okta");
        assert_eq!(partition_of_host("127.0.0.1"), "okta");
        let d = Directory { partition: "oktapreview".into(), org: "00o1".into() };
        assert_eq!(d.orn("users", "00u1"), "orn:oktapreview:directory:00o1:users:00u1");
        assert_eq!(d.app_orn("salesforce", "0oa1"), "orn:oktapreview:idp:00o1:apps:salesforce:0oa1");
    }
}
