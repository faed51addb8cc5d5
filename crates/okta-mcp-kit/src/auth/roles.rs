//! Roles from Okta groups (`OKTA_MCP_ROLES`, a TOML file): which tools a person reaching the server over HTTP
//! sees and may call, decided by the groups claim of their access token.
//!
//! ```toml
//! groups_claim = "groups"          # the access token claim holding the person's Okta group names (default)
//!
//! [roles.helpdesk]
//! groups = ["Help Desk"]           # members of any of these Okta groups have this role
//! mode = "read-only"               # what the role's toolsets allow: read-only | read-write | full
//! toolsets = ["users"]             # these toolsets, within the mode (absent: every toolset)
//! tools = ["okta_unlock_user"]     # and these tools by name, whatever their access level
//!
//! [roles.security]
//! groups = ["Security Admins"]
//! mode = "read-write"
//! ```
//!
//! A tool is granted to a person when the server itself enables it (its `--mode`, `--toolsets`, `--tools`: nobody
//! gets more than the server) and one of their roles grants it: its toolset is among the role's toolsets (or the
//! role names none) and the role's mode allows its access level, or the role names the tool in `tools`. A person
//! with several roles gets the union. A person whose groups match no role gets no tools, and is told so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::catalog::ToolDef;
use crate::selection::{Mode, Selection};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RolesFile {
    #[serde(default = "default_claim")]
    groups_claim: String,
    #[serde(default)]
    roles: BTreeMap<String, RoleFile>,
}

fn default_claim() -> String {
    "groups".to_owned()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleFile {
    groups: Vec<String>,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    toolsets: Option<Vec<String>>,
    #[serde(default)]
    tools: Vec<String>,
}

/// One role: who has it and what it grants.
#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub groups: BTreeSet<String>,
    pub mode: Mode,
    pub toolsets: Option<BTreeSet<String>>,
    pub tools: BTreeSet<String>,
}

impl Role {
    fn grants(&self, tool: &ToolDef) -> bool {
        let meta = &tool.meta;
        let by_set = self.toolsets.as_ref().is_none_or(|s| s.contains(meta.toolset)) && self.mode.allows(meta.access);
        by_set || self.tools.contains(meta.name)
    }
}

/// The roles of a server.
#[derive(Debug, Clone)]
pub struct Roles {
    /// The access token claim with the person's group names.
    pub claim: String,
    pub roles: Vec<Role>,
}

/// What one person may do: their roles and the tools those grant on this server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grant {
    pub roles: Vec<String>,
    pub tools: BTreeSet<&'static str>,
}

impl Roles {
    /// Read and check a roles file.
    pub fn load(path: &Path) -> Result<Roles, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Roles::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Roles, String> {
        let file: RolesFile = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.groups_claim.trim().is_empty() {
            return Err("groups_claim is empty".to_owned());
        }
        if file.roles.is_empty() {
            return Err("no [roles.<name>] table: nobody would get any tool".to_owned());
        }
        let mut roles = Vec::new();
        for (name, role) in file.roles {
            let groups: BTreeSet<String> = role.groups.into_iter().filter(|g| !g.trim().is_empty()).collect();
            if groups.is_empty() {
                return Err(format!("role `{name}` names no Okta group (groups = [\"…\"])"));
            }
            let mode = match role.mode {
                Some(mode) => mode.parse().map_err(|e| format!("role `{name}`: {e}"))?,
                None => Mode::ReadOnly,
            };
            roles.push(Role {
                name,
                groups,
                mode,
                toolsets: role.toolsets.map(|t| t.into_iter().collect()),
                tools: role.tools.into_iter().collect(),
            });
        }
        Ok(Roles { claim: file.groups_claim, roles })
    }

    /// Refuse names that match nothing this server has (a typo would silently grant less than meant).
    pub fn check(&self, tools: &[ToolDef]) -> Result<(), String> {
        let toolsets: BTreeSet<&str> = tools.iter().map(|t| t.meta.toolset).collect();
        let names: BTreeSet<&str> = tools.iter().map(|t| t.meta.name).collect();
        for role in &self.roles {
            let unknown_sets: Vec<&str> =
                role.toolsets.iter().flatten().map(String::as_str).filter(|s| !toolsets.contains(s)).collect();
            if !unknown_sets.is_empty() {
                return Err(format!(
                    "role `{}`: unknown toolset {} (this server has {})",
                    role.name,
                    unknown_sets.join(", "),
                    toolsets.iter().copied().collect::<Vec<_>>().join(", ")
                ));
            }
            let unknown: Vec<&str> = role.tools.iter().map(String::as_str).filter(|s| !names.contains(s)).collect();
            if !unknown.is_empty() {
                return Err(format!("role `{}`: unknown tool {} (see `tools`)", role.name, unknown.join(", ")));
            }
        }
        Ok(())
    }

    /// What a person in these groups may do on a server with these tools and this selection.
    pub fn grant(&self, groups: &[String], tools: &[ToolDef], server: &Selection) -> Grant {
        let roles: Vec<&Role> = self.roles.iter().filter(|r| groups.iter().any(|g| r.groups.contains(g))).collect();
        let tools = tools
            .iter()
            .filter(|t| server.enabled(t) && roles.iter().any(|r| r.grants(t)))
            .map(|t| t.meta.name)
            .collect();
        Grant { roles: roles.iter().map(|r| r.name.clone()).collect(), tools }
    }

    /// Which groups give which role, for the error a person with no role gets.
    pub fn describe(&self) -> String {
        self.roles
            .iter()
            .map(|r| format!("{} ({})", r.name, r.groups.iter().cloned().collect::<Vec<_>>().join(", ")))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Access, ToolMeta};
    use crate::output::ToolOutput;

    #[derive(Deserialize, schemars::JsonSchema)]
    struct NoArgs {}

    fn tool(name: &'static str, toolset: &'static str, access: Access) -> ToolDef {
        let meta = ToolMeta { name, title: name, description: "", access, toolset, operations: &[] };
        ToolDef::new(meta, |_, _: NoArgs| async { Ok(ToolOutput::json(serde_json::Value::Null)) })
    }

    fn tools() -> Vec<ToolDef> {
        vec![
            tool("okta_list_users", "users", Access::Read),
            tool("okta_unlock_user", "users", Access::Write),
            tool("okta_delete_user", "users", Access::Destructive),
            tool("okta_list_groups", "groups", Access::Read),
            tool("okta_add_user_to_group", "groups", Access::Write),
        ]
    }

    const FILE: &str = r#"
        groups_claim = "okta_groups"
        [roles.helpdesk]
        groups = ["Help Desk"]
        toolsets = ["users"]
        tools = ["okta_unlock_user"]
        [roles.security]
        groups = ["Security Admins", "SecOps"]
        mode = "read-write"
        [roles.super]
        groups = ["Super Admins"]
        mode = "full"
    "#;

    fn granted(roles: &Roles, groups: &[&str], server: Mode) -> Vec<&'static str> {
        let groups: Vec<String> = groups.iter().map(|g| (*g).to_owned()).collect();
        let selection = Selection { mode: server, ..Selection::default() };
        roles.grant(&groups, &tools(), &selection).tools.into_iter().collect()
    }

    #[test]
    fn roles_grant_by_toolset_mode_and_name() {
        let roles = Roles::parse(FILE).expect("parses");
        assert_eq!(roles.claim, "okta_groups");
        assert_eq!(granted(&roles, &["Help Desk"], Mode::Full), ["okta_list_users", "okta_unlock_user"]);
        assert_eq!(
            granted(&roles, &["SecOps"], Mode::Full),
            ["okta_add_user_to_group", "okta_list_groups", "okta_list_users", "okta_unlock_user"]
        );
        assert_eq!(granted(&roles, &["Super Admins"], Mode::Full).len(), 5);
        assert!(granted(&roles, &["Everyone", "help desk"], Mode::Full).is_empty(), "names match exactly");
        let grant = roles.grant(&["Help Desk".into(), "SecOps".into()], &tools(), &Selection::default());
        assert_eq!(grant.roles, ["helpdesk", "security"]);
    }

    #[test]
    fn nobody_gets_more_than_the_server() {
        let roles = Roles::parse(FILE).expect("parses");
        assert_eq!(granted(&roles, &["Super Admins"], Mode::ReadOnly), ["okta_list_groups", "okta_list_users"]);
        assert_eq!(granted(&roles, &["Help Desk"], Mode::ReadOnly), ["okta_list_users"], "named tools too");
        let narrowed = Selection { mode: Mode::Full, toolsets: Selection::parse_list(Some("groups")), tools: None };
        let grant = roles.grant(&["Super Admins".into()], &tools(), &narrowed);
        assert_eq!(grant.tools.into_iter().collect::<Vec<_>>(), ["okta_add_user_to_group", "okta_list_groups"]);
    }

    #[test]
    fn bad_files_are_refused() {
        for (text, why) in [
            ("[roles.a]\ngroups = []", "names no Okta group"),
            ("", "no [roles"),
            ("[roles.a]\ngroups = [\"x\"]\nmode = \"admin\"", "unknown mode"),
            ("[roles.a]\ngroups = [\"x\"]\ntoolset = [\"users\"]", "unknown field"),
            ("groups_claim = \"\"\n[roles.a]\ngroups = [\"x\"]", "groups_claim is empty"),
        ] {
            let error = Roles::parse(text).err().unwrap_or_default();
            assert!(error.contains(why), "{text:?}: {error}");
        }
        let typo = Roles::parse("[roles.a]\ngroups = [\"x\"]\ntoolsets = [\"user\"]").expect("parses");
        assert!(typo.check(&tools()).err().unwrap_or_default().contains("unknown toolset user"));
        let typo = Roles::parse("[roles.a]\ngroups = [\"x\"]\ntools = [\"okta_unlock\"]").expect("parses");
        assert!(typo.check(&tools()).err().unwrap_or_default().contains("unknown tool okta_unlock"));
    }
}
