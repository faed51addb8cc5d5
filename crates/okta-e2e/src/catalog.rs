//! The catalog checks every server's tests run: `tools --json` and `scopes` work offline, every tool carries
//! its whole declaration with every parameter documented, modes enable exactly the right access levels, and
//! every declared operation and scope matches Okta's published spec (`../shared/okta-openapi/op-scopes.json`).

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

/// A server binary, asked about its catalog without contacting Okta.
#[derive(Debug, Clone, Copy)]
pub struct Catalog<'a> {
    pub bin: &'a str,
    /// Tools that call no Okta operation (e.g. the local audit log): no operations, no scopes, read-only.
    pub local_tools: &'a [&'a str],
}

impl<'a> Catalog<'a> {
    pub fn new(bin: &'a str) -> Self {
        Catalog { bin, local_tools: &[] }
    }

    fn command(&self, args: &[&str]) -> std::process::Output {
        crate::command(self.bin).args(args).output().expect("run the server binary")
    }

    /// Stdout of a successful offline command.
    pub fn run(&self, args: &[&str]) -> String {
        let out = self.command(args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("utf-8")
    }

    /// `tools --json` under the given flags.
    pub fn tools(&self, flags: &[&str]) -> Vec<Value> {
        let mut args = flags.to_vec();
        args.extend(["tools", "--json"]);
        serde_json::from_str::<Value>(&self.run(&args)).expect("catalog JSON").as_array().expect("array").clone()
    }

    /// Names of the tools enabled under the given flags.
    pub fn enabled(&self, flags: &[&str]) -> Vec<String> {
        self.tools(flags)
            .into_iter()
            .filter(|t| t["enabled"] == true)
            .map(|t| t["name"].as_str().expect("name").to_owned())
            .collect()
    }

    /// `scopes` under the given flags, one a line.
    pub fn scopes(&self, flags: &[&str]) -> Vec<String> {
        let mut args = flags.to_vec();
        args.push("scopes");
        self.run(&args).lines().map(str::to_owned).collect()
    }

    /// What clients and reviewers see of the server, for a committed snapshot (see each server's
    /// `tests/catalog.rs`): `tools --json` as it prints by default (every tool's name, title, description,
    /// access, toolset, scopes, operations, annotations and input schema), the prompts (as a full-mode server
    /// lists them to a client that can confirm), and the `initialize` result a client gets (capabilities, server
    /// info, instructions). Any change to any of them shows up as a diff in review.
    pub fn surface(&self) -> Value {
        let org = crate::Org::start();
        let mut server = org.server(self.bin, &["--mode", "full"]);
        let prompts = server.request("prompts/list", serde_json::json!({}))["prompts"].clone();
        serde_json::json!({ "tools": self.tools(&[]), "initialize": server.initialize.clone(), "prompts": prompts })
    }

    /// Unique names, the whole declaration each, every parameter documented.
    pub fn check_declarations(&self) {
        let tools = self.tools(&[]);
        assert!(!tools.is_empty(), "the server declares tools");
        let names: BTreeSet<&str> = tools.iter().map(|t| t["name"].as_str().expect("name")).collect();
        assert_eq!(names.len(), tools.len(), "names are unique");
        for t in &tools {
            let name = t["name"].as_str().expect("name");
            for key in ["name", "title", "description", "access", "toolset", "scopes", "operations", "enabled"] {
                assert!(t.get(key).is_some(), "{name} lacks {key}");
            }
            let (ops, scopes) = (t["operations"].as_array().expect("ops"), t["scopes"].as_array().expect("scopes"));
            if self.local_tools.contains(&name) {
                assert!(ops.is_empty() && scopes.is_empty(), "{name} is local: no operations or scopes");
                assert_eq!(t["access"], "read", "{name}");
            } else {
                assert!(!ops.is_empty(), "{name} declares no operation");
                assert!(!scopes.is_empty(), "{name} declares no scope");
            }
            for (param, schema) in t["input_schema"]["properties"].as_object().expect("properties") {
                assert!(
                    schema.get("description").is_some() || schema.get("enum").is_some(),
                    "{name}: parameter {param} has no description"
                );
            }
        }
    }

    /// read-only (the default) enables read tools only; read-write adds writes; full adds destructive tools.
    /// End-user tools (toolset `me`) are enabled only in delegated mode, where they are the only ones.
    pub fn check_modes(&self) {
        for t in self.tools(&[]) {
            assert_eq!(t["enabled"].as_bool(), Some(t["access"] == "read" && !end_user(&t)), "{}", t["name"]);
        }
        for t in self.tools(&["--mode", "read-write"]) {
            assert_eq!(t["enabled"].as_bool(), Some(t["access"] != "destructive" && !end_user(&t)), "{}", t["name"]);
        }
        assert!(self.tools(&["--mode", "full"]).iter().all(|t| t["enabled"] == !end_user(t)));
    }

    /// A misspelt toolset stops the server with a message naming it.
    pub fn check_unknown_toolset(&self, typo: &str) {
        let out = self.command(&["--toolsets", typo, "tools"]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("unknown toolset `{typo}`")), "{stderr}");
    }

    /// Every declared operation exists in Okta's spec with that method and path, and each tool's scopes are
    /// exactly the spec's scopes for its operations.
    pub fn check_against_spec(&self) {
        let Some(dir) = spec_dir() else { return };
        let ops: Vec<Value> =
            serde_json::from_slice(&std::fs::read(dir.join("op-scopes.json")).expect("op-scopes.json"))
                .expect("op-scopes JSON");
        let mut problems = Vec::new();
        for t in self.tools(&[]) {
            let name = t["name"].as_str().expect("name");
            if self.local_tools.contains(&name) {
                continue;
            }
            let mut expected: BTreeSet<String> = BTreeSet::new();
            for o in t["operations"].as_array().expect("ops") {
                let (method, path) = (o["method"].as_str().expect("method"), o["path"].as_str().expect("path"));
                let Some(spec_op) = ops.iter().find(|s| s["method"] == method && s["path"] == path) else {
                    problems.push(format!("{name}: {method} {path} is not in Okta's spec"));
                    continue;
                };
                // An end-user tool reads the person's own user resources with the `.self` form of the spec's scope.
                let suffix = if end_user(&t) && path.starts_with("/api/v1/users/") { ".self" } else { "" };
                match spec_op["oauth2_scope_alternatives"].as_array().expect("alternatives").as_slice() {
                    [] => problems.push(format!("{name}: {method} {path} has no OAuth scope in the spec")),
                    [only] => expected.extend(
                        only.as_array()
                            .expect("scopes")
                            .iter()
                            .map(|s| format!("{}{suffix}", s.as_str().expect("scope"))),
                    ),
                    many => problems.push(format!("{name}: {method} {path} has scope alternatives {many:?}")),
                }
            }
            let declared: BTreeSet<String> =
                t["scopes"].as_array().expect("scopes").iter().map(|s| s.as_str().expect("scope").to_owned()).collect();
            if declared != expected {
                problems.push(format!("{name}: declares {declared:?}, the spec requires {expected:?}"));
            }
        }
        assert!(problems.is_empty(), "catalog does not match Okta's spec:\n{}", problems.join("\n"));
    }
}

/// A tool of the end-user toolset (`me`): the signed-in person's own, in delegated mode only.
fn end_user(tool: &Value) -> bool {
    tool["toolset"] == "me"
}

/// `../shared/okta-openapi` beside the checkout; absent → skip with a message, except under `CI=true`.
fn spec_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/okta-openapi");
    if dir.join("op-scopes.json").exists() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "../shared/okta-openapi/op-scopes.json is missing, and CI=true forbids skipping the catalog check"
    );
    eprintln!(
        "SKIPPED: ../shared/okta-openapi is absent, so operations and scopes are not checked against Okta's spec"
    );
    None
}

impl Catalog<'_> {
    /// Every toolset selects exactly its own tools, in every mode: `--toolsets T` enables the tools whose
    /// toolset is T and whose access the mode allows (so no test keeps a tool count by hand).
    pub fn check_toolsets(&self) {
        let all = self.tools(&["--mode", "full"]);
        let toolsets: BTreeSet<&str> = all.iter().map(|t| t["toolset"].as_str().expect("toolset")).collect();
        for mode in ["read-only", "read-write", "full"] {
            let allowed = |access: &str| match mode {
                "read-only" => access == "read",
                "read-write" => access != "destructive",
                _ => true,
            };
            for toolset in &toolsets {
                if *toolset == "me" {
                    // The person's own tools: asking for them without --delegated stops the server, saying so.
                    let out = self.command(&["--mode", mode, "--toolsets", toolset, "tools"]);
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    assert!(!out.status.success() && stderr.contains("--delegated"), "{stderr}");
                    continue;
                }
                let expected: Vec<String> = all
                    .iter()
                    .filter(|t| t["toolset"] == *toolset && allowed(t["access"].as_str().expect("access")))
                    .filter(|t| !end_user(t))
                    .map(|t| t["name"].as_str().expect("name").to_owned())
                    .collect();
                assert_eq!(self.enabled(&["--mode", mode, "--toolsets", toolset]), expected, "{mode} {toolset}");
            }
        }
    }
}

/// The catalog tests every server runs, against its binary: whole declarations, the committed surface snapshot
/// (`tests/snapshots/catalog__surface.snap`: `tools --json` and the `initialize` result, so any change to what
/// clients see is a reviewed diff; after an intended change run
/// `INSTA_UPDATE=always cargo test -p <server> --test catalog`), modes, toolsets, a misspelt toolset, and
/// operations and scopes against Okta's spec. `typo` is a misspelt toolset of this server; `local` names tools
/// that call no Okta operation (besides the kit's `okta_get_rate_status`).
#[macro_export]
macro_rules! catalog_tests {
    ($bin:expr, typo: $typo:literal $(, local: [$($local:expr),* $(,)?])? $(,)?) => {
        fn catalog() -> $crate::catalog::Catalog<'static> {
            // The kit's own tools (every server has them; the server's crate depends on the kit) are local too.
            $crate::catalog::Catalog {
                bin: $bin,
                local_tools: &[okta_mcp_kit::rate_status::TOOL_NAME, $($($local),*)?],
            }
        }

        #[test]
        fn every_tool_carries_its_whole_declaration() {
            catalog().check_declarations();
        }

        #[test]
        fn surface_snapshot() {
            $crate::insta::assert_json_snapshot!("surface", catalog().surface());
        }

        #[test]
        fn read_only_is_the_default_and_enables_only_read_tools() {
            catalog().check_modes();
        }

        #[test]
        fn toolsets_select_exactly_their_tools_in_every_mode() {
            catalog().check_toolsets();
        }

        #[test]
        fn unknown_toolset_is_a_clear_error() {
            catalog().check_unknown_toolset($typo);
        }

        #[test]
        fn operations_and_scopes_match_oktas_spec() {
            catalog().check_against_spec();
        }
    };
}
