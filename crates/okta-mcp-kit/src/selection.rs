//! Modes and tool filtering: which tools a server exposes under the current flags, and the OAuth scopes that
//! selection needs. Tools outside the selection are neither listed nor callable.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use crate::catalog::{Access, ToolDef};

/// `--mode` / `OKTA_MCP_MODE`. Read-only unless the operator says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Read tools only (the default).
    #[default]
    ReadOnly,
    /// Read and write tools.
    ReadWrite,
    /// Everything, including destructive tools.
    Full,
}

impl Mode {
    pub fn allows(self, access: Access) -> bool {
        match self {
            Mode::ReadOnly => access == Access::Read,
            Mode::ReadWrite => access != Access::Destructive,
            Mode::Full => true,
        }
    }

    /// The mode a tool of this access level needs.
    pub fn needed_for(access: Access) -> Mode {
        match access {
            Access::Read => Mode::ReadOnly,
            Access::Write => Mode::ReadWrite,
            Access::Destructive => Mode::Full,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::ReadOnly => "read-only",
            Mode::ReadWrite => "read-write",
            Mode::Full => "full",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "read-only" | "readonly" | "read" => Ok(Mode::ReadOnly),
            "read-write" | "readwrite" | "write" => Ok(Mode::ReadWrite),
            "full" => Ok(Mode::Full),
            other => Err(format!("unknown mode `{other}`: use read-only, read-write or full")),
        }
    }
}

/// The operator's selection: a mode, optionally narrowed to toolsets and to named tools.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub mode: Mode,
    pub toolsets: Option<BTreeSet<String>>,
    pub tools: Option<BTreeSet<String>>,
}

/// Why a tool is not enabled (for a helpful error when a client calls it anyway).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Excluded {
    Mode { needed: Mode, current: Mode },
    Toolset { toolset: &'static str },
    Tools,
}

impl fmt::Display for Excluded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Excluded::Mode { needed, current } => {
                write!(f, "the server runs in {current} mode; this tool needs --mode {needed} (OKTA_MCP_MODE={needed})")
            }
            Excluded::Toolset { toolset } => {
                write!(f, "its toolset `{toolset}` is not in --toolsets (OKTA_MCP_TOOLSETS)")
            }
            Excluded::Tools => f.write_str("it is not named in --tools (OKTA_MCP_TOOLS)"),
        }
    }
}

impl Selection {
    /// Parse a comma- or space-separated list; empty means "no narrowing".
    pub fn parse_list(raw: Option<&str>) -> Option<BTreeSet<String>> {
        let raw = raw?;
        let set: BTreeSet<String> =
            raw.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        (!set.is_empty()).then_some(set)
    }

    pub fn check(&self, tool: &ToolDef) -> Result<(), Excluded> {
        let meta = &tool.meta;
        if !self.mode.allows(meta.access) {
            return Err(Excluded::Mode { needed: Mode::needed_for(meta.access), current: self.mode });
        }
        if let Some(sets) = &self.toolsets
            && !sets.contains(meta.toolset)
        {
            return Err(Excluded::Toolset { toolset: meta.toolset });
        }
        if let Some(names) = &self.tools
            && !names.contains(meta.name)
        {
            return Err(Excluded::Tools);
        }
        Ok(())
    }

    pub fn enabled(&self, tool: &ToolDef) -> bool {
        self.check(tool).is_ok()
    }

    /// Names in --toolsets / --tools that match nothing: a typo the operator should hear about.
    pub fn unknown_names(&self, tools: &[ToolDef]) -> Vec<String> {
        let mut unknown = Vec::new();
        if let Some(sets) = &self.toolsets {
            for s in sets {
                if !tools.iter().any(|t| t.meta.toolset == s) {
                    unknown.push(format!("toolset `{s}`"));
                }
            }
        }
        if let Some(names) = &self.tools {
            for n in names {
                if !tools.iter().any(|t| t.meta.name == n) {
                    unknown.push(format!("tool `{n}`"));
                }
            }
        }
        unknown
    }

    /// The scopes to request: the enabled tools' scopes; each `.manage` scope with its `.read` twin (a write
    /// tool's change is only useful with the read that shows it); and what the kit's own checks need (reading
    /// admin roles to protect super administrators, when destructive tools are enabled).
    pub fn requested_scopes(&self, tools: &[ToolDef]) -> Vec<String> {
        let mut scopes: BTreeSet<String> = self.scopes(tools).into_iter().collect();
        let twins: Vec<String> =
            scopes.iter().filter_map(|s| s.strip_suffix(".manage")).map(|base| format!("{base}.read")).collect();
        scopes.extend(twins);
        // Protection looks at admin roles before any change (super administrators, groups holding the role).
        if tools.iter().any(|t| self.enabled(t) && t.meta.access != Access::Read) {
            scopes.insert(crate::protect::ROLES_SCOPE.to_owned());
        }
        scopes.into_iter().collect()
    }

    /// The union of the enabled tools' scopes, sorted.
    pub fn scopes(&self, tools: &[ToolDef]) -> Vec<String> {
        let set: BTreeSet<&str> = tools.iter().filter(|t| self.enabled(t)).flat_map(|t| t.meta.scopes()).collect();
        set.into_iter().map(str::to_owned).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_allow() {
        assert_eq!("read-only".parse::<Mode>(), Ok(Mode::ReadOnly));
        assert_eq!("READ_WRITE".parse::<Mode>(), Ok(Mode::ReadWrite));
        assert_eq!("full".parse::<Mode>(), Ok(Mode::Full));
        assert!("admin".parse::<Mode>().is_err());
        assert!(Mode::ReadOnly.allows(Access::Read));
        assert!(!Mode::ReadOnly.allows(Access::Write));
        assert!(Mode::ReadWrite.allows(Access::Write));
        assert!(!Mode::ReadWrite.allows(Access::Destructive));
        assert!(Mode::Full.allows(Access::Destructive));
        assert_eq!(Mode::default(), Mode::ReadOnly);
    }

    #[test]
    fn lists_parse() {
        assert_eq!(Selection::parse_list(Some("")), None);
        assert_eq!(Selection::parse_list(None), None);
        let set = Selection::parse_list(Some("users, groups  factors")).unwrap_or_default();
        assert_eq!(set.len(), 3);
        assert!(set.contains("groups"));
    }
}
