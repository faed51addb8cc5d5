//! No doc claims a tool, flag, environment variable or OAuth scope the binaries do not have.
//!
//! Scanned: README.md, docs/**/*.md (not docs/tools/, which the binaries print: see docs_tools.rs), and every text
//! file under examples/. Checked, each against what the five servers and okta-sandbox say about themselves
//! (`tools --json`, `--help` and every subcommand's `--help`, `scopes` in each mode, delegated and with push):
//! - tool names `okta_…` (`okta_iga_batch_*`-style prefixes: some tool starts so);
//! - environment variables `OKTA_…` (`OKTA_MCP_OIDC_*`-style prefixes likewise);
//! - OAuth scopes `okta.<resource>.<action>` (and `okta.governance.*` prefixes);
//! - flags `--…` on command lines of our binaries (in code blocks and code spans: after the binary's name, or
//!   after cargo's `--`), in code spans that are flags alone, and as quoted strings in JSON, TOML, Python and
//!   Rust (client configurations' `args`).
//!
//! A name that is legitimately not the binaries' is on an allow-list below, with the reason.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use okta_e2e::{SERVERS, command, repo_root, workspace_bin};
use regex::Regex;
use serde_json::Value;

/// Rust crate names (`okta_core::ops`, `okta_e2e::hostile`): code paths, not tools.
const CRATES: &[&str] = &["okta_core", "okta_mcp_kit", "okta_e2e", "okta_sandbox"];
/// Environment variables that are not the binaries': the test harness's (`OKTA_E2E_*`: the contract run's org),
/// the tests' services (`OKTA_MCP_TEST_*`: PostgreSQL and S3 for the audit log and CSV tests), and the Python
/// tests' binary folder (`OKTA_MCP_BIN_DIR`).
const EXTERNAL_ENV_PREFIXES: &[&str] = &["OKTA_E2E_", "OKTA_MCP_TEST_", "OKTA_MCP_BIN_DIR"];
/// Variables a binary reads that none of its outputs names yet: okta-mcp-governance reads `OKTA_MCP_S3_ALLOWED`
/// (builds with the `s3` feature, `bulk/s3.rs`) but neither its `--help` nor a tool description says so.
const UNLISTED_ENV: &[&str] = &["OKTA_MCP_S3_ALLOWED"];
/// Flags that are not our binaries' but are named alone in a code span: cargo's (`--profile container`).
const EXTERNAL_FLAGS: &[&str] = &["--no-default-features", "--profile"];

#[derive(Debug, Default)]
struct Known {
    tools: BTreeSet<String>,
    env: BTreeSet<String>,
    flags: BTreeSet<String>,
    scopes: BTreeSet<String>,
    /// What `--help` of every binary and subcommand prints.
    help: String,
}

fn run(bin: &Path, args: &[&str], env: &[(&str, &str)]) -> Option<String> {
    let mut cmd = command(bin.to_str().expect("UTF-8 path"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("run the binary");
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

fn known() -> Known {
    let mut texts = Vec::new();
    let mut known = Known::default();
    let help = |bin: &Path, texts: &mut Vec<String>, subcommands: &[&[&str]]| {
        for sub in subcommands {
            let mut args = sub.to_vec();
            args.push("--help");
            texts.push(run(bin, &args, &[]).unwrap_or_else(|| panic!("{} {} failed", bin.display(), args.join(" "))));
        }
    };
    for server in SERVERS {
        let bin = workspace_bin(server);
        let subcommands: &[&[&str]] = &[
            &[],
            &["serve"],
            &["tools"],
            &["scopes"],
            &["audit"],
            &["audit", "verify"],
            &["audit", "tail"],
            &["doctor"],
            &["demo"],
        ];
        help(&bin, &mut texts, subcommands);
        let catalog = run(&bin, &["tools", "--json"], &[]).expect("tools --json");
        let entries: Vec<Value> = serde_json::from_str(&catalog).expect("tools --json is JSON");
        known.tools.extend(entries.iter().filter_map(|t| t["name"].as_str()).map(str::to_owned));
        texts.push(catalog);
        for mode in ["read-only", "read-write", "full"] {
            texts.extend(run(&bin, &["--mode", mode, "scopes"], &[]));
            texts.extend(run(&bin, &["--mode", mode, "--transport", "http", "--delegated", "scopes"], &[]));
        }
        texts.extend(run(&bin, &["--mode", "full", "scopes"], &[("OKTA_MCP_CONFIRM", "push")]));
    }
    help(&workspace_bin("okta-sandbox"), &mut texts, &[&[]]);
    known.help = texts.iter().filter(|t| t.contains("Usage:")).cloned().collect::<Vec<_>>().join("\n");
    let all = texts.join("\n");
    known.env.extend(env_re().find_iter(&all).map(|m| m.as_str().to_owned()));
    known.flags.extend(flag_re().find_iter(&all).map(|m| m.as_str().to_owned()));
    known.scopes.extend(scope_matches(&all).into_iter().map(|(_, s)| s));
    known
}

fn flag_re() -> Regex {
    Regex::new(r"--[a-z][a-z0-9-]*").unwrap()
}

fn env_re() -> Regex {
    Regex::new(r"\bOKTA_[A-Z0-9_]+").unwrap()
}

/// `okta.<a>.<b>…` not inside a host name or path (`your-org.okta.com` is none), with a trailing `.*` kept.
fn scope_matches(text: &str) -> Vec<(usize, String)> {
    let re = Regex::new(r"okta(\.[a-zA-Z]+)+(\.\*)?").unwrap();
    re.find_iter(text)
        .filter(|m| {
            let before = text[..m.start()].chars().next_back();
            !before.is_some_and(|c| c.is_ascii_alphanumeric() || "._-/@".contains(c))
        })
        .filter(|m| m.as_str().ends_with(".*") || m.as_str().matches('.').count() >= 2)
        .map(|m| (m.start(), m.as_str().to_owned()))
        .collect()
}

/// One name a doc uses.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Claim {
    line: usize,
    kind: &'static str,
    name: String,
}

/// How a file's flags are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Markdown,
    /// JSON, TOML, Python, Rust: flags are quoted strings (`"--mode"`).
    Quoted,
    /// Shell: flags on command lines of our binaries.
    Shell,
}

fn syntax_of(path: &Path) -> Option<Syntax> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("md") => Some(Syntax::Markdown),
        Some("json" | "toml" | "py" | "rs" | "yaml" | "yml") => Some(Syntax::Quoted),
        Some("sh") => Some(Syntax::Shell),
        _ => None,
    }
}

/// Every tool, variable, scope and flag `text` names.
fn claims(text: &str, syntax: Syntax) -> Vec<Claim> {
    let tool_re = Regex::new(r"\bokta_[a-z0-9_]+(::)?").unwrap();
    let env = env_re();
    let mut out = Vec::new();
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    for m in tool_re.find_iter(text) {
        let name = m.as_str();
        if name.ends_with("::") || CRATES.contains(&name) {
            continue;
        }
        out.push(Claim { line: line_of(m.start()), kind: "tool", name: name.to_owned() });
    }
    for m in env.find_iter(text) {
        out.push(Claim { line: line_of(m.start()), kind: "environment variable", name: m.as_str().to_owned() });
    }
    for (start, scope) in scope_matches(text) {
        out.push(Claim { line: line_of(start), kind: "OAuth scope", name: scope });
    }
    for (line, flag) in flags(text, syntax) {
        out.push(Claim { line, kind: "flag", name: flag });
    }
    out
}

/// Flags claimed, with their line numbers.
fn flags(text: &str, syntax: Syntax) -> Vec<(usize, String)> {
    let quoted = Regex::new(r#"["'](--[a-z][a-z0-9-]*)["'=]"#).unwrap();
    let span = Regex::new(r"`([^`\n]+)`").unwrap();
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    let mut pending = String::new();
    let mut pending_start = 0;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let mode = match syntax {
            Syntax::Quoted => Syntax::Quoted,
            Syntax::Shell => Syntax::Shell,
            Syntax::Markdown => {
                let trimmed = line.trim_start();
                if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                    fence = match fence {
                        Some(_) => None,
                        None => Some(
                            trimmed.trim_start_matches(['`', '~']).split_whitespace().next().unwrap_or("").to_owned(),
                        ),
                    };
                    pending.clear();
                    continue;
                }
                match fence.as_deref() {
                    None => {
                        for c in span.captures_iter(line) {
                            let code = &c[1];
                            if code.starts_with("--") {
                                out.extend(command_flags(code, true).into_iter().map(|f| (n, f)));
                            } else {
                                out.extend(command_flags(code, false).into_iter().map(|f| (n, f)));
                            }
                        }
                        continue;
                    }
                    Some("json" | "jsonc" | "toml" | "python" | "py" | "rust" | "rs" | "yaml" | "yml") => {
                        Syntax::Quoted
                    }
                    Some(_) => Syntax::Shell,
                }
            }
        };
        match mode {
            Syntax::Quoted => out.extend(quoted.captures_iter(line).map(|c| (n, c[1].to_owned()))),
            _ => {
                // A command continued with `\` is one command line (reported at its first line).
                if pending.is_empty() {
                    pending_start = n;
                }
                if let Some(head) = line.trim_end().strip_suffix('\\') {
                    pending.push_str(head);
                    pending.push(' ');
                    continue;
                }
                pending.push_str(line);
                out.extend(command_flags(&pending, false).into_iter().map(|f| (pending_start, f)));
                pending.clear();
            }
        }
    }
    out
}

/// Is this word our binary (`okta-mcp-users`, `/path/to/okta-mcp-users`, `target/debug/okta-sandbox`, or a
/// script's `$MCP_SERVER`)?
fn is_our_binary(word: &str) -> bool {
    let word = word.trim_matches(['"', '\'', '(', ')']);
    let base = word.rsplit('/').next().unwrap_or(word);
    (base.starts_with("okta-mcp-") && base.len() > "okta-mcp-".len() && !base.contains('.'))
        || base == "okta-sandbox"
        || word.contains("MCP_SERVER")
}

/// Flags given to our binaries on one command line (`all`: the whole text is flags of ours, a code span like
/// `--mode full`).
fn command_flags(line: &str, all: bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut ours = all;
    let mut cargo = false;
    for word in line.split_whitespace() {
        if ["|", "||", "&&", ";", "&", ">", ">>", "2>&1", "<"].contains(&word) || word.starts_with('#') {
            ours = all;
            cargo = false;
            continue;
        }
        if word == "cargo" {
            cargo = true;
            ours = false;
            continue;
        }
        if cargo {
            if word == "--" {
                ours = true;
                cargo = false;
            }
            continue;
        }
        if !ours && is_our_binary(word) {
            ours = true;
            continue;
        }
        if ours && let Some(flag) = word.strip_prefix("--") {
            let name: String =
                flag.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
            if name.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                out.push(format!("--{name}"));
            }
        }
    }
    out
}

fn is_known(known: &Known, claim: &Claim) -> bool {
    let name = claim.name.as_str();
    let prefix_of = |set: &BTreeSet<String>, prefix: &str| set.iter().any(|k| k.starts_with(prefix));
    match claim.kind {
        "tool" if name.ends_with('_') => prefix_of(&known.tools, name),
        "tool" => known.tools.contains(name),
        "environment variable" if EXTERNAL_ENV_PREFIXES.iter().any(|p| name.starts_with(p)) => true,
        "environment variable" if UNLISTED_ENV.contains(&name) => true,
        "environment variable" if name.ends_with('_') => prefix_of(&known.env, name),
        "environment variable" => known.env.contains(name),
        "OAuth scope" => match name.strip_suffix('*') {
            Some(prefix) => prefix_of(&known.scopes, prefix),
            None => known.scopes.contains(name),
        },
        "flag" => known.flags.contains(name) || EXTERNAL_FLAGS.contains(&name),
        _ => false,
    }
}

/// The documents: README.md, docs/**/*.md except docs/tools/, every text file under examples/.
fn documents(root: &Path) -> Vec<(PathBuf, Syntax)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut files = vec![root.join("README.md")];
    let mut docs = Vec::new();
    walk(&root.join("docs"), &mut docs);
    files.extend(docs.into_iter().filter(|p| !p.starts_with(root.join("docs/tools"))));
    walk(&root.join("examples"), &mut files);
    files
        .into_iter()
        .filter_map(|p| {
            let syntax = if p.starts_with(root.join("docs")) || p.ends_with("README.md") {
                (p.extension().and_then(|e| e.to_str()) == Some("md")).then_some(Syntax::Markdown)
            } else {
                syntax_of(&p)
            };
            syntax.map(|s| (p, s))
        })
        .collect()
}

#[test]
fn docs_name_only_what_the_binaries_have() {
    let root = repo_root();
    let known = known();
    assert!(known.tools.len() > 100 && known.env.contains("OKTA_ORG_URL") && known.flags.contains("--mode"));
    let mut unknown = Vec::new();
    let mut checked = 0;
    for (path, syntax) in documents(&root) {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let shown = path.strip_prefix(&root).unwrap_or(&path).display().to_string();
        for claim in claims(&text, syntax) {
            checked += 1;
            if !is_known(&known, &claim) {
                unknown.push(format!("{shown}:{}: {} `{}`", claim.line, claim.kind, claim.name));
            }
        }
    }
    assert!(checked > 100, "the scan found only {checked} names: is it reading the docs?");
    assert!(
        unknown.is_empty(),
        "the docs name {} thing(s) no binary has (not in any server's `tools --json`, `--help` or `scopes`, nor \
         okta-sandbox's `--help`); fix the doc, or, for a name that is legitimately someone else's, add it to the \
         commented allow-list in crates/okta-e2e/tests/docs_truth.rs:\n  {}",
        unknown.len(),
        unknown.join("\n  ")
    );
}

/// The other direction, for the configuration reference: every flag and environment variable a binary's `--help`
/// prints is in docs/configuration.md.
#[test]
fn the_configuration_reference_names_every_flag_and_variable() {
    let known = known();
    let path = repo_root().join("docs/configuration.md");
    let reference = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names =
        |re: Regex, text: &str| -> BTreeSet<String> { re.find_iter(text).map(|m| m.as_str().to_owned()).collect() };
    let (documented_flags, documented_env) = (names(flag_re(), &reference), names(env_re(), &reference));
    let mut missing: Vec<String> = names(flag_re(), &known.help)
        .into_iter()
        .filter(|f| !matches!(f.as_str(), "--help" | "--version") && !documented_flags.contains(f))
        .collect();
    missing.extend(names(env_re(), &known.help).into_iter().filter(|v| !documented_env.contains(v)));
    assert!(known.help.contains("--transport") && known.help.contains("OKTA_ORG_URL"), "the help texts were read");
    assert!(
        missing.is_empty(),
        "docs/configuration.md does not name these, which the binaries' --help prints: {}",
        missing.join(", ")
    );
}

#[test]
fn the_scan_finds_each_kind_of_name() {
    let doc = "Use `okta_list_users` and `okta_no_such_tool` (`okta_core::ops` is code).\n\
               Set OKTA_ORG_URL and OKTA_MCP_OIDC_*; grant okta.users.read, okta.governance.* (not your-org.okta.com).\n\
               \n```sh\ncargo run -p okta-sandbox -- --listen 127.0.0.1:8765\n\
               okta-mcp-users --mode full \\\n  --bogus-flag x | jq --raw-output .\n```\n\
               `--toolsets users` `cargo build --release`\n\
               ```json\n{\"args\": [\"--sandbox\"]}\n```\n";
    let found: Vec<(usize, &str, String)> =
        claims(doc, Syntax::Markdown).into_iter().map(|c| (c.line, c.kind, c.name)).collect();
    let want = [
        (1, "tool", "okta_list_users"),
        (1, "tool", "okta_no_such_tool"),
        (2, "environment variable", "OKTA_ORG_URL"),
        (2, "environment variable", "OKTA_MCP_OIDC_"),
        (2, "OAuth scope", "okta.users.read"),
        (2, "OAuth scope", "okta.governance.*"),
        (5, "flag", "--listen"),
        (6, "flag", "--mode"),
        (6, "flag", "--bogus-flag"),
        (9, "flag", "--toolsets"),
        (11, "flag", "--sandbox"),
    ];
    let want: Vec<(usize, &str, String)> = want.iter().map(|(l, k, n)| (*l, *k, (*n).to_owned())).collect();
    let mut found_sorted = found.clone();
    found_sorted.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(found_sorted, want_sorted);

    let known = Known {
        tools: ["okta_list_users".to_owned()].into(),
        env: ["OKTA_ORG_URL".to_owned(), "OKTA_MCP_OIDC_ISSUER".to_owned()].into(),
        flags: ["--listen", "--mode", "--toolsets", "--sandbox"].map(str::to_owned).into(),
        scopes: ["okta.users.read", "okta.governance.campaigns.read"].map(str::to_owned).into(),
        help: String::new(),
    };
    let unknown: Vec<String> =
        claims(doc, Syntax::Markdown).into_iter().filter(|c| !is_known(&known, c)).map(|c| c.name).collect();
    assert_eq!(unknown, ["okta_no_such_tool", "--bogus-flag"]);
}
