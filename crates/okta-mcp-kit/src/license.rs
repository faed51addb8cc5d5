//! Licensed products: a server whose tools need an Okta add-on (Identity Governance) asks Okta once, when it
//! starts, whether the org has it. Without it, the tools that need it are not listed and one log line says why,
//! instead of every call failing; `doctor` reports the same. A tool that answers in part without it
//! (`partial_tools`: it says which parts needed it) stays listed.

use okta_core::{OktaClient, Operation, Query};

use crate::catalog::ToolDef;

/// An Okta product some of a server's tools need.
#[derive(Debug, Clone, Copy)]
pub struct License {
    /// The product, as Okta names it.
    pub product: &'static str,
    /// A tool needs it when one of its operations' paths starts with this.
    pub path_prefix: &'static str,
    /// Reads that tell (lists asked for one item): the first whose scopes the server requests is asked.
    pub probes: &'static [&'static Operation],
    /// Okta's error codes meaning the org does not have it.
    pub missing_codes: &'static [&'static str],
    /// Tools that answer without it, in part (they say which parts needed it): listed either way.
    pub partial_tools: &'static [&'static str],
}

/// What Okta said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LicenseState {
    Licensed,
    /// The org lacks it: why, in a sentence.
    Missing(String),
    /// Could not tell (no probe the server's scopes allow, or another error): tools stay listed.
    Unknown(String),
}

impl License {
    /// Whether `tool` needs the product.
    pub fn needed_by(&self, tool: &ToolDef) -> bool {
        !self.partial_tools.contains(&tool.meta.name)
            && tool.meta.operations.iter().any(|op| op.path.starts_with(self.path_prefix))
    }

    /// Ask Okta with `client` (which requests `scopes`).
    pub async fn probe(&self, client: &OktaClient, scopes: &[String]) -> LicenseState {
        let requested = |op: &&&Operation| {
            op.scopes.iter().all(|s| scopes.iter().any(|r| r == s)) || (scopes.is_empty() && !op.oauth_only)
        };
        let Some(op) = self.probes.iter().find(requested) else {
            return LicenseState::Unknown(format!(
                "no read this server may make tells whether the org has {}",
                self.product
            ));
        };
        let path = match op.path(&[]) {
            Ok(path) => path,
            Err(e) => return LicenseState::Unknown(e.to_string()),
        };
        match client.get(&path, &Query::new().push("limit", 1)).await {
            Ok(_) => LicenseState::Licensed,
            Err(e) if e.error_code().is_some_and(|code| self.missing_codes.contains(&code)) => {
                LicenseState::Missing(format!(
                    "the org has no {} license (Okta answered {} to GET {})",
                    self.product,
                    e.error_code().unwrap_or_default(),
                    op.path
                ))
            }
            Err(e) => LicenseState::Unknown(format!("GET {}: {e}", op.path)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use okta_core::{AuthConfig, ClientOptions, OktaConfig, Secret, ops};
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    const OIG: License = License {
        product: "Okta Identity Governance",
        path_prefix: "/governance/",
        probes: &[&ops::LIST_CAMPAIGNS, &ops::LIST_LABELS],
        missing_codes: &["E0000015"],
        partial_tools: &[],
    };

    fn tool(name: &'static str, operations: &'static [Operation]) -> ToolDef {
        ToolDef::new(
            crate::catalog::ToolMeta {
                name,
                title: "T",
                description: "d",
                access: crate::catalog::Access::Read,
                toolset: "s",
                operations,
            },
            |_ctx, _args: crate::args::NoArgs| async { Ok(crate::output::ToolOutput::done("ok")) },
        )
    }

    #[test]
    fn a_tool_needs_it_for_one_operation_unless_it_answers_in_part() {
        const GOV: &[Operation] = &[ops::GET_USER, ops::LIST_CAMPAIGNS];
        assert!(OIG.needed_by(&tool("t", GOV)));
        assert!(!OIG.needed_by(&tool("t", &[ops::GET_USER])));
        let partial = License { partial_tools: &["t"], ..OIG };
        assert!(!partial.needed_by(&tool("t", GOV)));
        assert!(partial.needed_by(&tool("u", GOV)));
    }

    fn client(url: &str) -> OktaClient {
        let config = OktaConfig::new(url, AuthConfig::ApiToken(Secret::new("t".into())));
        OktaClient::new(config.unwrap_or_else(|e| panic!("{e}")), ClientOptions::new("t", "0"))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn okta_tells_whether_the_org_has_the_product() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/governance/api/v1/labels"))
            .and(query_param("limit", "1"))
            .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "errorCode": "E0000015", "errorSummary": "You do not have permission to access the feature you are requesting"
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/governance/api/v1/campaigns"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": []})))
            .mount(&server)
            .await;
        let c = client(&server.uri());
        let labels = ["okta.governance.labels.read".to_owned()];
        let campaigns = ["okta.governance.accessCertifications.read".to_owned()];
        match OIG.probe(&c, &labels).await {
            LicenseState::Missing(why) => assert!(why.contains("E0000015") && why.contains("/labels"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(OIG.probe(&c, &campaigns).await, LicenseState::Licensed);
        // With an API token (no scopes), the first probe is asked.
        assert_eq!(OIG.probe(&c, &[]).await, LicenseState::Licensed);
        let none = OIG.probe(&c, &["okta.users.read".to_owned()]).await;
        assert!(matches!(none, LicenseState::Unknown(_)), "{none:?}");
    }
}
