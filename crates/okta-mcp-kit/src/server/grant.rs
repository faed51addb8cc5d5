//! What Okta granted: with OAuth, tools whose scopes were not granted are hidden, and the log names the scope
//! and the tools it hides.

use std::collections::BTreeSet;

use okta_core::OktaClient;

use super::{McpServer, Ready};
use crate::catalog::ToolDef;

/// The scopes a tool needs that were not granted.
pub(super) fn missing_scopes(tool: &ToolDef, granted: Option<&BTreeSet<String>>) -> Vec<&'static str> {
    match granted {
        None => Vec::new(),
        Some(granted) => tool.meta.scopes().into_iter().filter(|s| !granted.contains(*s)).collect(),
    }
}

impl McpServer {
    pub(super) async fn check_grant(&self) -> Ready {
        let inner = &self.inner;
        let requested = inner.initial.requested_scopes().to_vec();
        let (client, granted) = match inner.initial.granted_scopes().await {
            Ok(None) => (inner.initial.clone(), None),
            Ok(Some(granted)) => (inner.initial.clone(), Some(granted.into_iter().collect::<BTreeSet<_>>())),
            // Okta refuses the whole token request when one scope is not granted: ask for each alone.
            Err(e) if e.error_code() == Some("invalid_scope") => {
                let mut granted = BTreeSet::new();
                for scope in &requested {
                    let options = inner.options.clone().with_scopes([scope.clone()]);
                    if let Ok(probe) = OktaClient::new(inner.config.clone(), options)
                        && probe.granted_scopes().await.is_ok()
                    {
                        granted.insert(scope.clone());
                    }
                }
                let options = inner.options.clone().with_scopes(granted.iter().cloned());
                let client = match OktaClient::new(inner.config.clone(), options) {
                    Ok(client) if !granted.is_empty() => client,
                    _ => inner.initial.clone(),
                };
                (client, Some(granted))
            }
            Err(e) => {
                tracing::warn!("could not check which scopes Okta granted (tools stay listed): {e}");
                (inner.initial.clone(), None)
            }
        };
        if let Some(granted) = &granted {
            for scope in requested.iter().filter(|s| !granted.contains(*s)) {
                let hidden: Vec<&str> = inner
                    .tools
                    .iter()
                    .filter(|t| inner.selection.enabled(t) && t.meta.scopes().contains(&scope.as_str()))
                    .map(|t| t.meta.name)
                    .collect();
                let effect = if !hidden.is_empty() {
                    format!("hides {}", hidden.join(", "))
                } else if scope == crate::protect::ROLES_SCOPE {
                    "destructive tools refuse to act on users (super administrators cannot be told apart)".to_owned()
                } else {
                    "no enabled tool needs it by itself".to_owned()
                };
                tracing::warn!(
                    "scope {scope} is not granted to the service app: {effect}. Grant it in the Admin Console \
                     (Applications → the app → Okta API Scopes)"
                );
            }
        }
        // Resolve protected names (and the API token's admin) before the first call; what cannot be resolved now
        // is tried again at the next change.
        if inner.safety.protects
            && inner.tools.iter().any(|t| inner.selection.enabled(t) && t.meta.access != crate::catalog::Access::Read)
            && let Err(e) = inner.safety.protection.resolve_names(&client).await
        {
            tracing::warn!("{e} (tried again at the next change)");
        }
        let unlicensed = self.check_license(&client, &requested).await;
        let token = self.token_policy();
        let listed = inner
            .tools
            .iter()
            .filter(|t| inner.selection.enabled(t) && missing_scopes(t, granted.as_ref()).is_empty())
            .filter(|t| !unlicensed.as_ref().is_some_and(|(license, _)| license.needed_by(t)))
            .map(|t| (t.meta.access, t.to_mcp(token)))
            .collect();
        Ready { client, granted, listed, unlicensed }
    }

    /// Whether the org has the product the server's tools need (asked once; not in delegated mode, where the
    /// server has no credential of its own: Okta answers each person's calls). Some: it does not, and why.
    async fn check_license(
        &self,
        client: &OktaClient,
        requested: &[String],
    ) -> Option<(&'static crate::license::License, String)> {
        let inner = &self.inner;
        let license = inner.spec.license?;
        if matches!(inner.config.auth, okta_core::AuthConfig::EndUser)
            || !inner.tools.iter().any(|t| inner.selection.enabled(t) && license.needed_by(t))
        {
            return None;
        }
        match license.probe(client, requested).await {
            crate::license::LicenseState::Licensed => None,
            crate::license::LicenseState::Missing(why) => {
                let hidden = inner.tools.iter().filter(|t| inner.selection.enabled(t) && license.needed_by(t)).count();
                tracing::warn!("{why}: its {hidden} tools that need {} are not listed", license.product);
                Some((license, why))
            }
            crate::license::LicenseState::Unknown(why) => {
                tracing::info!("could not tell whether the org has {} ({why}): tools stay listed", license.product);
                None
            }
        }
    }
}
