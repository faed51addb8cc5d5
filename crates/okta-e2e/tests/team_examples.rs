//! examples/teams/*.md, the per-team least-privilege deployments, say exactly what their server does: for each
//! team, `<server> <args> scopes` prints exactly the scopes its page lists, the same arguments start a server
//! whose `tools/list` is exactly the tools the page lists, and the Okta admin role it names is one of Okta's
//! standard role types (as okta-mcp-admin's `okta_list_roles` knows them).
//!
//! A team page holds one MCP client entry (a ```json block with `mcpServers`), a ```text scopes block (one scope a
//! line), a ```text tools block (one tool a line) and a line `Okta admin role: … (`ROLE_TYPE`)`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use okta_e2e::{Org, SERVERS, command, repo_root, workspace_bin};
use serde_json::{Value, json};

#[derive(Debug)]
struct Team {
    file: String,
    server: String,
    args: Vec<String>,
    scopes: Vec<String>,
    tools: Vec<String>,
    role: String,
}

/// The fenced blocks of a markdown text: (info string, body).
fn blocks(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(info) = line.trim_start().strip_prefix("```") {
            match current.take() {
                Some(block) => out.push(block),
                None => current = Some((info.trim().to_owned(), String::new())),
            }
        } else if let Some((_, body)) = &mut current {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

fn lines(body: &str) -> Vec<String> {
    body.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn team(path: &Path) -> Team {
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
    let text = std::fs::read_to_string(path).expect("read");
    let blocks = blocks(&text);
    let block = |info: &str| -> String {
        let found: Vec<&String> = blocks.iter().filter(|(i, _)| i == info).map(|(_, b)| b).collect();
        assert_eq!(found.len(), 1, "{file}: one ```{info} block");
        found[0].clone()
    };
    let config: Value = serde_json::from_str(&block("json")).unwrap_or_else(|e| panic!("{file}: the json block: {e}"));
    let servers = config["mcpServers"].as_object().unwrap_or_else(|| panic!("{file}: no mcpServers"));
    assert_eq!(servers.len(), 1, "{file}: one server a team page");
    let entry = servers.values().next().expect("one entry");
    let server = entry["command"].as_str().unwrap_or_else(|| panic!("{file}: no command")).to_owned();
    assert!(SERVERS.contains(&server.as_str()), "{file}: `{server}` is no server");
    let args = entry["args"]
        .as_array()
        .map_or_else(Vec::new, |a| a.iter().map(|v| v.as_str().expect("args are strings").to_owned()).collect());
    let role = text
        .lines()
        .find_map(|l| l.strip_prefix("Okta admin role: "))
        .and_then(|rest| rest.rsplit_once("(`"))
        .and_then(|(_, rest)| rest.split_once("`)"))
        .map(|(role, _)| role.to_owned())
        .unwrap_or_else(|| panic!("{file}: no line `Okta admin role: … (`ROLE_TYPE`)`"));
    let (scopes, tools) = (lines(&block("text scopes")), lines(&block("text tools")));
    Team { file, server, args, scopes, tools, role }
}

fn teams() -> Vec<Team> {
    let dir = repo_root().join("examples/teams");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/teams")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("README.md"))
        .collect();
    files.sort();
    let teams: Vec<Team> = files.iter().map(|p| team(p)).collect();
    assert!(teams.len() >= 5, "{} team pages", teams.len());
    teams
}

#[test]
fn each_team_lists_exactly_the_scopes_its_arguments_need() {
    for team in teams() {
        let output = command(workspace_bin(&team.server).to_str().expect("UTF-8 path"))
            .args(&team.args)
            .arg("scopes")
            .output()
            .expect("run scopes");
        assert!(output.status.success(), "{}: {}", team.file, String::from_utf8_lossy(&output.stderr));
        let printed = lines(&String::from_utf8_lossy(&output.stdout));
        assert_eq!(
            team.scopes,
            printed,
            "{}: its scopes block differs from `{} {} scopes`",
            team.file,
            team.server,
            team.args.join(" ")
        );
    }
}

#[test]
fn each_team_gets_exactly_the_tools_it_lists_and_a_standard_admin_role() {
    let org = Org::start();
    let admin_bin = workspace_bin("okta-mcp-admin");
    let mut admin = org.server(admin_bin.to_str().expect("UTF-8 path"), &["--toolsets", "roles"]);
    let roles = admin.call("okta_list_roles", json!({})).ok().to_string();
    for team in teams() {
        let args: Vec<&str> = team.args.iter().map(String::as_str).collect();
        let mut server = org.server(workspace_bin(&team.server).to_str().expect("UTF-8 path"), &args);
        let mut listed = server.tool_names();
        listed.sort();
        let mut claimed = team.tools.clone();
        claimed.sort();
        assert_eq!(claimed, listed, "{}: its tools block differs from what `{}` lists", team.file, team.server);
        assert!(
            roles.contains(&format!("\"{}\"", team.role)),
            "{}: `{}` is not one of Okta's standard admin role types: {roles}",
            team.file,
            team.role
        );
    }
}
