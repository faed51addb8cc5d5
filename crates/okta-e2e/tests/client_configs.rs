//! Every MCP client configuration under examples/clients/ works as written: each stdio entry's exact command,
//! arguments and environment start a server that answers `initialize` and `tools/list`; each HTTP entry's URL
//! reaches the server that examples/clients/README.md's deployment starts for it.
//!
//! What the test substitutes, and nothing else:
//! - a bare command `okta-mcp-<server>` → that binary as built for this test run;
//! - placeholder values of the Okta connection (each must be one of these, so no real value can sit in an example):
//!   `OKTA_ORG_URL` `https://your-org.okta.com` or `http://127.0.0.1:8765` (the sandbox the README starts) → a
//!   fresh sandbox org's URL; `OKTA_API_TOKEN` `sandbox-api-token` → its token; `OKTA_CLIENT_ID` `0oa...` and
//!   `OKTA_PRIVATE_KEY_PATH` `/path/to/service-app-private-key.pem` → the sandbox's test service app and a file
//!   holding its private key (a JWK that names its key id);
//! - over HTTP: the deployment's `--listen 127.0.0.1:<port>` becomes port 0 (tests run in parallel), and the
//!   URL's port the one the server took; host, scheme and path are checked as written.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use okta_e2e::http::HttpServer;
use okta_e2e::{Org, SERVERS, Server, catalog::Catalog, keys, repo_root, unique, workspace_bin};
use serde_json::{Value, json};

const PLACEHOLDERS: &[(&str, &[&str])] = &[
    ("OKTA_ORG_URL", &["https://your-org.okta.com", "http://127.0.0.1:8765"]),
    ("OKTA_API_TOKEN", &["sandbox-api-token"]),
    ("OKTA_CLIENT_ID", &["0oa..."]),
    ("OKTA_PRIVATE_KEY_PATH", &["/path/to/service-app-private-key.pem"]),
];

fn config_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("examples/clients").filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            config_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The org every configuration runs against: a sandbox whose service app is granted every scope any server can
/// ask for.
fn org() -> Org {
    let mut scopes: Vec<String> = SERVERS
        .iter()
        .flat_map(|s| Catalog::new(workspace_bin(s).to_str().expect("UTF-8 path")).scopes(&["--mode", "full"]))
        .collect();
    scopes.sort();
    scopes.dedup();
    Org::start_oauth(&scopes.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The entries of a configuration file, by name, after checking the file's format for its client.
fn entries(path: &Path, config: &Value) -> BTreeMap<String, Value> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let vscode = path.parent().is_some_and(|p| p.ends_with(".vscode"));
    let key = if vscode { "servers" } else { "mcpServers" };
    let map = config[key].as_object().unwrap_or_else(|| panic!("{}: no `{key}` object", path.display()));
    assert!(!map.is_empty(), "{}: no server", path.display());
    for (entry, value) in map {
        let typed = value.get("type").and_then(Value::as_str);
        if vscode || name == ".mcp.json" {
            let want = if value.get("url").is_some() { "http" } else { "stdio" };
            assert_eq!(typed, Some(want), "{}: `{entry}` needs \"type\": \"{want}\"", path.display());
        }
        if name == "claude_desktop_config.json" {
            assert!(value.get("url").is_none(), "{}: Claude Desktop's file takes commands only", path.display());
        }
    }
    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The environment an entry names, placeholders replaced by the test org's values.
fn environment(org: &Org, key_file: &Path, where_: &str, env: Option<&Value>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, value) in env.and_then(Value::as_object).into_iter().flatten() {
        let value = value.as_str().unwrap_or_else(|| panic!("{where_}: {name} is not a string"));
        let placeholder = PLACEHOLDERS.iter().find(|(n, _)| n == name);
        let value = match placeholder {
            Some((_, allowed)) => {
                assert!(
                    allowed.contains(&value),
                    "{where_}: {name} is `{value}`, not one of the placeholders {allowed:?}"
                );
                let oauth = org.oauth.as_ref().expect("the org has a service app");
                match name.as_str() {
                    "OKTA_ORG_URL" => org.url.clone(),
                    "OKTA_API_TOKEN" => org.token.clone(),
                    "OKTA_CLIENT_ID" => oauth.client_id.clone(),
                    _ => key_file.to_str().expect("UTF-8 path").to_owned(),
                }
            }
            None => value.to_owned(),
        };
        out.push((name.clone(), value));
    }
    out
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |a| a.iter().map(|v| v.as_str().expect("args are strings").to_owned()).collect())
}

/// The HTTP deployment examples/clients/README.md describes: each server command by the port it listens on
/// (binary, and its arguments without `--transport http --listen …`, which the test sets).
fn deployment(root: &Path) -> BTreeMap<u16, (String, Vec<String>)> {
    let readme = std::fs::read_to_string(root.join("examples/clients/README.md")).expect("examples/clients/README.md");
    let mut out = BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with("okta-mcp-")) {
        let words: Vec<&str> = line.trim_end_matches('&').split_whitespace().collect();
        let mut args = Vec::new();
        let mut port = None;
        let mut i = 1;
        while i < words.len() {
            match words[i] {
                "--transport" => {
                    assert_eq!(words.get(i + 1), Some(&"http"), "{line}");
                    i += 2;
                }
                "--listen" => {
                    let listen = words.get(i + 1).expect("--listen value");
                    let (host, p) = listen.rsplit_once(':').expect("host:port");
                    assert_eq!(host, "127.0.0.1", "{line}");
                    port = Some(p.parse::<u16>().expect("port"));
                    i += 2;
                }
                word => {
                    args.push(word.to_owned());
                    i += 1;
                }
            }
        }
        let port = port.unwrap_or_else(|| panic!("no --listen in `{line}`"));
        assert!(out.insert(port, (words[0].to_owned(), args)).is_none(), "port {port} twice");
    }
    assert_eq!(out.len(), SERVERS.len(), "the README's deployment starts every server");
    out
}

#[test]
fn every_client_configuration_starts_a_server_that_answers() {
    let root = repo_root();
    let mut files = Vec::new();
    config_files(&root.join("examples/clients"), &mut files);
    assert!(files.len() >= 11, "{} configuration files", files.len());
    let org = org();
    let key_file = std::env::temp_dir().join(format!("{}.json", unique("okta-e2e-client-key-")));
    std::fs::write(&key_file, keys::EC_PRIVATE_JWK).expect("write the test key");
    let deployment = deployment(&root);
    let mut http: BTreeMap<u16, HttpServer> = BTreeMap::new();
    let mut checked = 0;
    for path in &files {
        let shown = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        let text = std::fs::read_to_string(path).expect("read");
        let config: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{shown}: not JSON: {e}"));
        for (name, entry) in entries(path, &config) {
            let where_ = format!("{shown}: `{name}`");
            if let Some(url) = entry.get("url").and_then(Value::as_str) {
                let rest = url.strip_prefix("http://127.0.0.1:").unwrap_or_else(|| panic!("{where_}: {url}"));
                let (port, path) = rest.split_once('/').unwrap_or((rest, ""));
                assert_eq!(path, "mcp", "{where_}: the MCP endpoint is /mcp");
                let port: u16 = port.parse().unwrap_or_else(|_| panic!("{where_}: port of {url}"));
                let (bin, args) =
                    deployment.get(&port).unwrap_or_else(|| panic!("{where_}: no server of the deployment on {port}"));
                let server = http.entry(port).or_insert_with(|| {
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    HttpServer::start(&org, workspace_bin(bin).to_str().expect("UTF-8 path"), &args, &[])
                });
                let init = server.initialize(json!({}));
                assert_eq!(init["serverInfo"]["name"], json!(bin), "{where_}");
                assert!(!server.tool_names().is_empty(), "{where_}: no tools");
            } else {
                let command = entry["command"].as_str().unwrap_or_else(|| panic!("{where_}: no command"));
                assert!(SERVERS.contains(&command), "{where_}: `{command}` is no server binary");
                let bin = workspace_bin(command);
                let args = strings(entry.get("args"));
                let env = environment(&org, &key_file, &where_, entry.get("env"));
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let mut server = Server::start(bin.to_str().expect("UTF-8 path"), &args, &env);
                assert_eq!(server.initialize["serverInfo"]["name"], json!(command), "{where_}");
                let tools = server.tool_names();
                assert!(!tools.is_empty(), "{where_}: no tools\n{}", server.stderr_text());
            }
            checked += 1;
        }
    }
    let _ = std::fs::remove_file(&key_file);
    assert!(checked >= 39, "{checked} entries checked");
}
