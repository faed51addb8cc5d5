//! No input crashes a server: property-based calls of every tool with arguments generated from the tool's own input
//! schema (`tools --json` in full mode: types, enums, required, bounds) mixed with hostile values (huge and extreme
//! numbers, floats, negatives, very long strings, unicode and control characters, `100000000d`, `../`, `%2e%2e`,
//! objects and arrays where scalars belong, wrong types, missing required arguments, unknown ones).
//!
//! [`check`] starts the real server binary (`--mode <mode>`, `OKTA_MCP_CONFIRM=never` so destructive tools run
//! straight through) against a sandbox of its own (rate limits lifted), calls every enabled tool with `cases`
//! generated argument objects (a fixed seed per tool: the same calls every run), and then with every hostile
//! value in every argument in turn. Every call must be answered (a result or a tool error, never silence, a
//! JSON-RPC failure or a dead process), nothing may log a panic (server or sandbox), and at the end both still
//! answer. Failures are collected (a dead server is restarted) and reported together with the arguments.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{Map, Value, json};

use crate::{Org, Server, catalog::Catalog};

/// How long one call may take before the server counts as hung.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Strings a hostile caller sends.
pub fn hostile_strings() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "100000000d",
        "9223372036854775807m",
        "99999999999999999999999w",
        "-5d",
        "+262143-12-31",
        "-262143-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999999+23:59",
        "2026-13-45T99:99:99Z",
        "../",
        "..",
        "../../etc/passwd",
        "%2e%2e",
        "%2e%2e%2f%2e%2e",
        "%00",
        "a/b",
        "a?b#c",
        "\\",
        "\u{0}",
        "\n\r\t",
        "\u{7f}\u{1b}[31m",
        "\u{202e}ü😀\u{fffd}",
        "\u{10ffff}",
        "\"'`;&|$(){}[]<>",
        "' OR 1=1 --",
        "status eq \"ACTIVE\" or 1 eq 1",
        "https://evil.example.com/api/v1/users?after=1",
        "http://127.0.0.1:1/x",
        "javascript:alert(1)",
        "00u",
        "00uAAAAAAAAAAAAAAAAA",
        "0oa0000000000000000",
        "orn:okta:idp:00o1:apps:x:0oa1",
        "AAAA",
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "-1",
        "1e309",
        "NaN",
        "true",
        "null",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    v.push("a".repeat(10_000));
    v.push("é".repeat(3_000));
    v.push(format!("00u{}", "A".repeat(1000)));
    v.push("%".repeat(500));
    v
}

/// Values of any type a hostile caller sends where the schema asks for something else.
pub fn hostile_values() -> Vec<Value> {
    let mut v: Vec<Value> = vec![
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(u64::from(u32::MAX) + 1),
        json!(i64::from(i32::MIN) - 1),
        json!(1.5),
        json!(-0.0),
        json!(1e308),
        json!(-1e308),
        json!(f64::MIN_POSITIVE),
        json!([]),
        json!({}),
        json!([[[[[[[[[[[]]]]]]]]]]]),
        json!({"$ne": 1, "__proto__": {"x": 1}}),
        json!([null, 1, "a", {}]),
        Value::Array(vec![json!("100000000d"); 50]),
    ];
    v.extend(hostile_strings().into_iter().map(Value::String));
    v
}

/// The hostile values [`sweep`] puts in every argument in turn (all of [`hostile_values`] come up at random).
pub fn sweep_values() -> Vec<Value> {
    vec![
        json!("100000000d"),
        json!("9223372036854775807m"),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(-1),
        json!(1.5),
        json!(1e308),
        json!("../"),
        json!("%2e%2e"),
        json!("\u{0}\n"),
        json!("a".repeat(10_000)),
        json!("\u{202e}ü😀"),
        json!([]),
        json!({"$ne": 1}),
        Value::Null,
        json!(true),
        json!(""),
    ]
}

fn hostile() -> BoxedStrategy<Value> {
    proptest::sample::select(hostile_values()).boxed()
}

/// The id prefix a parameter's description names (`User id (00u…)` → `00u`).
fn id_prefix(schema: &Map<String, Value>) -> Option<String> {
    let description = schema.get("description")?.as_str()?;
    let end = description.find('…')?;
    let prefix: String = description[..end].chars().rev().take(3).collect::<Vec<_>>().into_iter().rev().collect();
    (prefix.len() == 3 && prefix.chars().all(|c| c.is_ascii_alphanumeric())).then_some(prefix)
}

/// A string: ids and logins that exist in the org (those the parameter names first), ordinary words and ids,
/// sometimes hostile.
fn string(schema: &Map<String, Value>, pool: &[String]) -> BoxedStrategy<Value> {
    let prefix = id_prefix(schema);
    let fitting: Vec<String> =
        pool.iter().filter(|p| prefix.as_deref().is_none_or(|x| p.starts_with(x))).cloned().collect();
    let real = if fitting.is_empty() { vec!["00uDoesNotExist000001".to_owned()] } else { fitting };
    prop_oneof![
        6 => proptest::sample::select(real).prop_map(Value::String),
        3 => "[a-zA-Z0-9._@-]{0,24}".prop_map(Value::String),
        1 => "00[ugo][a-zA-Z0-9]{17}".prop_map(Value::String),
        1 => "[0-9]{1,12}[mhdw]".prop_map(Value::String),
        1 => any::<String>().prop_map(Value::String),
        2 => proptest::sample::select(hostile_strings()).prop_map(Value::String),
    ]
    .boxed()
}

fn integer(schema: &Map<String, Value>) -> BoxedStrategy<Value> {
    let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
    let max = schema.get("maximum").and_then(Value::as_i64).unwrap_or(300).max(min);
    prop_oneof![
        4 => (min..=max).prop_map(|n| json!(n)),
        1 => any::<i64>().prop_map(|n| json!(n)),
        1 => any::<u64>().prop_map(|n| json!(n)),
        1 => proptest::sample::select(vec![
            json!(0), json!(-1), json!(i64::MAX), json!(i64::MIN), json!(u64::MAX), json!(u32::MAX),
            json!(u64::from(u32::MAX) + 1), json!(min.saturating_sub(1)), json!(max.saturating_add(1)), json!(1.5),
        ]),
    ]
    .boxed()
}

fn number() -> BoxedStrategy<Value> {
    prop_oneof![
        3 => (-1000.0..1000.0f64).prop_map(|n| json!(n)),
        1 => any::<f64>().prop_map(|n| serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)),
        1 => Just(json!(1e308)),
    ]
    .boxed()
}

/// An object of the schema's properties: required ones (rarely left out), optional ones at random.
fn object(schema: &Map<String, Value>, depth: usize, pool: &[String]) -> BoxedStrategy<Value> {
    let required: Vec<String> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    let props: Vec<(String, Value)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = props
        .into_iter()
        // The kit's own confirmation and dry-run switches are exercised by their own tests.
        .filter(|(k, _)| k != "confirmation_token" && k != "dry_run")
        .map(|(k, sub)| {
            let chance = if required.contains(&k) { 0.95 } else { 0.4 };
            let key = k.clone();
            proptest::option::weighted(chance, value(&sub, depth + 1, pool).prop_map(move |v| (key.clone(), v))).boxed()
        })
        .collect();
    let unknown = proptest::option::weighted(0.03, hostile().prop_map(|v| ("unknown_argument".to_owned(), v)));
    (fields, unknown)
        .prop_map(|(fields, unknown)| Value::Object(fields.into_iter().flatten().chain(unknown).collect()))
        .boxed()
}

/// A value for `schema`: mostly of its own type (enums, consts, bounds), sometimes hostile.
pub fn value(schema: &Value, depth: usize, pool: &[String]) -> BoxedStrategy<Value> {
    let Some(map) = schema.as_object() else {
        return hostile();
    };
    if depth > 4 {
        return hostile();
    }
    let own: BoxedStrategy<Value> = if let Some(c) = map.get("const") {
        Just(c.clone()).boxed()
    } else if let Some(Value::Array(options)) = map.get("enum").filter(|e| e.as_array().is_some_and(|a| !a.is_empty()))
    {
        proptest::sample::select(options.clone()).boxed()
    } else if let Some(Value::Array(alts)) =
        map.get("anyOf").or_else(|| map.get("oneOf")).filter(|a| a.as_array().is_some_and(|a| !a.is_empty()))
    {
        proptest::strategy::Union::new(alts.iter().map(|a| value(a, depth + 1, pool))).boxed()
    } else {
        let types: Vec<&str> = match map.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ if map.contains_key("properties") => vec!["object"],
            _ => vec![],
        };
        let of_type: Vec<BoxedStrategy<Value>> = types
            .iter()
            .map(|t| match *t {
                "string" => string(map, pool),
                "integer" => integer(map),
                "number" => number(),
                "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
                "null" => Just(Value::Null).boxed(),
                "array" => {
                    let items = map.get("items").cloned().unwrap_or(Value::Null);
                    proptest::collection::vec(value(&items, depth + 1, pool), 0..4).prop_map(Value::Array).boxed()
                }
                "object" => object(map, depth, pool),
                _ => hostile(),
            })
            .collect();
        if of_type.is_empty() { hostile() } else { proptest::strategy::Union::new(of_type).boxed() }
    };
    prop_oneof![6 => own, 1 => hostile()].boxed()
}

/// Whole argument objects for a tool's input schema, sometimes not an object at all.
pub fn arguments(schema: &Value, pool: &[String]) -> BoxedStrategy<Value> {
    let map = schema.as_object().cloned().unwrap_or_default();
    prop_oneof![30 => object(&map, 0, pool), 1 => hostile()].boxed()
}

/// A deterministic runner for one tool (the same arguments every run).
fn runner(tool: &str) -> TestRunner {
    let mut seed = [0u8; 32];
    for (i, b) in tool.bytes().enumerate() {
        seed[i % 32] ^= b.rotate_left((i / 32) as u32);
    }
    TestRunner::new_with_rng(
        Config { failure_persistence: None, ..Config::default() },
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    )
}

/// `cases` argument objects for a tool, generated from its schema, with strings drawn from `pool` (ids and logins
/// that exist in the org) among others.
pub fn generate(tool: &str, schema: &Value, cases: usize, pool: &[String]) -> Vec<Value> {
    let strategy = arguments(schema, pool);
    let mut runner = runner(tool);
    (0..cases).filter_map(|_| strategy.new_tree(&mut runner).ok().map(|t| t.current())).collect()
}

/// Plausible arguments for a tool: each required property with an ordinary value of its type.
fn baseline(schema: &Value, pool: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    let required = schema.get("required").and_then(Value::as_array).cloned().unwrap_or_default();
    for key in required.iter().filter_map(Value::as_str) {
        let sub = &schema["properties"][key];
        let v = if let Some(e) = sub.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
            e.clone()
        } else {
            match sub.get("type").and_then(Value::as_str) {
                Some("integer" | "number") => json!(1),
                Some("boolean") => json!(false),
                Some("array") => json!([]),
                Some("object") => json!({}),
                _ => {
                    let prefix = sub.as_object().and_then(id_prefix);
                    let real = pool.iter().find(|p| prefix.as_deref().is_some_and(|x| p.starts_with(x)));
                    json!(real.map_or("00uDoesNotExist000001", String::as_str))
                }
            }
        };
        out.insert(key.to_owned(), v);
    }
    out
}

/// Every hostile value in every argument of a tool, one at a time, the others plausible.
pub fn sweep(schema: &Value, pool: &[String]) -> Vec<Value> {
    let base = baseline(schema, pool);
    let props: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().filter(|k| *k != "confirmation_token" && *k != "dry_run").cloned().collect())
        .unwrap_or_default();
    let mut out = vec![Value::Object(base.clone()), json!({}), json!(null), json!([]), json!("x")];
    for prop in &props {
        for v in sweep_values() {
            let mut args = base.clone();
            args.insert(prop.clone(), v);
            out.push(Value::Object(args));
        }
    }
    out
}

/// Ids (`00u…`, `0oa…`, 20 characters), logins and ORNs in an answer.
fn harvest(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            let id = s.len() == 20 && s.chars().all(|c| c.is_ascii_alphanumeric());
            let login = s.len() < 80 && s.contains('@') && !s.contains(' ');
            if (id || login || s.starts_with("orn:")) && !out.contains(s) {
                out.push(s.clone());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| harvest(v, out)),
        Value::Object(map) => map.values().for_each(|v| harvest(v, out)),
        _ => {}
    }
}

/// Ids and logins that exist in the org: what the list tools answer to no arguments.
fn pool_of(server: &mut Server, tools: &[String]) -> Vec<String> {
    let mut pool = Vec::new();
    for tool in tools.iter().filter(|t| t.starts_with("okta_list_")) {
        if let Outcome::Answered(false, text) = call(server, tool, &json!({}))
            && let Ok(v) = serde_json::from_str::<Value>(&text)
        {
            harvest(&v, &mut pool);
        }
    }
    pool.truncate(400);
    pool
}

/// What went wrong with one call.
#[derive(Debug)]
pub struct Failure {
    pub tool: String,
    pub arguments: Value,
    pub problem: String,
}

/// How a call went.
enum Outcome {
    /// A result (`true` when it is a tool error) and its text.
    Answered(bool, String),
    Failed(String),
}

/// A tool call's answer: a result (`isError` or not). Only a request that is not a `tools/call` at all (`arguments`
/// not an object, which MCP requires) may be refused at the JSON-RPC level.
fn call(server: &mut Server, tool: &str, arguments: &Value) -> Outcome {
    server.next_id += 1;
    let id = server.next_id;
    let message = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                         "params": {"name": tool, "arguments": arguments}});
    let line = message.to_string() + "\n";
    let before = server.stderr_text().len();
    use std::io::Write as _;
    if server.stdin.write_all(line.as_bytes()).and_then(|()| server.stdin.flush()).is_err() {
        return Outcome::Failed("the server's stdin is closed (the process is gone)".into());
    }
    let deadline = Instant::now() + CALL_TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = match server.lines.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(line) => line,
            Err(_) if left.is_zero() => {
                return Outcome::Failed(match server.child.try_wait() {
                    Ok(Some(status)) => format!("the server died ({status})"),
                    _ => format!("no answer within {CALL_TIMEOUT:?}"),
                });
            }
            Err(_) => {
                // A panicking tool may never answer (or take the process down): say so at once.
                let log = server.stderr_text();
                if let Some(panic) = panics_in(log.get(before..).unwrap_or_default()) {
                    return Outcome::Failed(format!("the server panicked: {panic}"));
                }
                if let Ok(Some(status)) = server.child.try_wait() {
                    return Outcome::Failed(format!("the server died ({status})"));
                }
                continue;
            }
        };
        let Ok(message) = serde_json::from_str::<Value>(&line) else {
            return Outcome::Failed(format!("the server wrote non-JSON to stdout: {line:.200}"));
        };
        if message["id"] != json!(id) {
            continue;
        }
        if let Some(error) = message.get("error") {
            if !arguments.is_object() && !arguments.is_null() {
                return Outcome::Answered(true, String::new());
            }
            return Outcome::Failed(format!("JSON-RPC error instead of a tool result: {error}"));
        }
        let result = &message["result"];
        let text = result["content"][0]["text"].as_str();
        return if result["isError"].as_bool().is_some() || text.is_some() {
            Outcome::Answered(result["isError"] == json!(true), text.unwrap_or_default().to_owned())
        } else {
            Outcome::Failed(format!("an answer that is neither a result nor a tool error: {message:.300}"))
        };
    }
}

fn panics_in(log: &str) -> Option<String> {
    log.lines().find(|l| l.contains("panicked at") || l.contains("RUST_BACKTRACE")).map(str::to_owned)
}

fn start(org: &Org, bin: &str, mode: &str) -> Server {
    Server::start(
        bin,
        &["--mode", mode],
        &[("OKTA_ORG_URL", &org.url), ("OKTA_API_TOKEN", &org.token), ("OKTA_MCP_CONFIRM", "never")],
    )
}

/// A sandbox of our own whose rate limits never get in the way of thousands of calls.
fn sandbox() -> Org {
    let limits: Vec<String> = ["users", "groups", "logs", "sessions", "apps", "roles", "token", "default"]
        .iter()
        .map(|f| format!("{f}=100000000"))
        .collect();
    let mut args: Vec<&str> = Vec::new();
    for l in &limits {
        args.extend(["--rate-limit", l.as_str()]);
    }
    Org::spawn(&args)
}

/// Call every tool `bin` enables in `mode` with `cases` generated argument objects each plus the hostile sweep;
/// panics with every failure found. Skipped (with a note) in a contract run, whose org is shared.
pub fn check(bin: &str, mode: &str, cases: usize) {
    if std::env::var("OKTA_E2E_ORG_URL").is_ok() {
        eprintln!("hostile input: skipped in a contract run (it would change the shared org at random)");
        return;
    }
    let cases = std::env::var("OKTA_E2E_HOSTILE_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(cases);
    let schemas: Map<String, Value> = Catalog::new(bin)
        .tools(&["--mode", "full"])
        .into_iter()
        .filter_map(|t| Some((t["name"].as_str()?.to_owned(), t["input_schema"].clone())))
        .collect();
    let org = sandbox();
    let mut server = start(&org, bin, mode);
    let enabled = server.tool_names();
    assert!(!enabled.is_empty(), "{bin} --mode {mode} enables no tool");
    let pool = pool_of(&mut server, &enabled);
    let started = Instant::now();
    let mut failures: Vec<Failure> = Vec::new();
    let (mut calls, mut succeeded) = (0usize, 0usize);
    for tool in &enabled {
        let schema = schemas.get(tool).unwrap_or_else(|| panic!("{tool} is served but not in tools --json"));
        let mut all = generate(tool, schema, cases, &pool);
        all.extend(sweep(schema, &pool));
        for arguments in all {
            calls += 1;
            let before = server.stderr_text().len();
            let outcome = call(&mut server, tool, &arguments);
            let panic = panics_in(&server.stderr_text()[before..]);
            let problem = match (outcome, panic) {
                (Outcome::Failed(why), _) => Some(why),
                (Outcome::Answered(..), Some(line)) => Some(format!("answered, but the server logged a panic: {line}")),
                (Outcome::Answered(error, _), None) => {
                    if !error {
                        succeeded += 1;
                    }
                    None
                }
            };
            if let Some(problem) = problem {
                let alive = matches!(server.child.try_wait(), Ok(None));
                failures.push(Failure { tool: tool.clone(), arguments: arguments.clone(), problem });
                if !alive || failures.len() > 50 {
                    if failures.len() > 50 {
                        break;
                    }
                    server = start(&org, bin, mode);
                }
            }
        }
    }
    if let Some(line) = panics_in(&org.log.lock().map(|l| l.clone()).unwrap_or_default()) {
        failures.push(Failure { tool: "(sandbox)".into(), arguments: Value::Null, problem: line });
    }
    // Still up, still answering.
    let alive = matches!(server.child.try_wait(), Ok(None));
    let listed = alive && !server.tool_names().is_empty();
    let sandbox_alive = org.child.as_ref().is_none() || org.request_count() > 0;
    eprintln!(
        "hostile input: {bin} --mode {mode}: {} known ids and logins; {calls} calls to {} tools ({succeeded} succeeded, the others were \
         refused) in {:?}",
        pool.len(),
        enabled.len(),
        started.elapsed()
    );
    let report: Vec<String> = failures
        .iter()
        .map(|f| {
            let mut args = f.arguments.to_string();
            if args.len() > 400 {
                args = format!("{}…", args.chars().take(400).collect::<String>());
            }
            format!("{} {args}: {}", f.tool, f.problem)
        })
        .collect();
    assert!(
        failures.is_empty() && listed && sandbox_alive,
        "{} failure(s) in {bin} --mode {mode} (server alive at the end: {listed}, sandbox: {sandbox_alive}):\n{}\n\
         server stderr (last lines):\n{}",
        failures.len(),
        report.join("\n"),
        server
            .stderr_text()
            .lines()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The hostile-input tests every server runs against its binary: every tool, with generated and hostile
/// arguments, in full mode (16 generated cases a tool) and in read-only mode (8).
#[macro_export]
macro_rules! hostile_tests {
    ($bin:expr) => {
        #[test]
        fn every_tool_answers_hostile_arguments_in_full_mode() {
            $crate::hostile::check($bin, "full", 16);
        }

        #[test]
        fn every_tool_answers_hostile_arguments_in_read_only_mode() {
            $crate::hostile::check($bin, "read-only", 8);
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_arguments_follow_the_schema_mostly_and_are_deterministic() {
        let schema = json!({"type": "object", "properties": {
            "limit": {"type": "integer", "maximum": 200},
            "sortOrder": {"type": "string", "enum": ["ASCENDING", "DESCENDING"]},
            "user": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "string"}}
        }, "required": ["user"]});
        let a = generate("t", &schema, 64, &[]);
        assert_eq!(a, generate("t", &schema, 64, &[]));
        assert_eq!(a.len(), 64);
        assert!(a.iter().filter(|v| v.get("user").is_some_and(Value::is_string)).count() > 32);
        assert!(a.iter().any(|v| v.get("sortOrder").is_some_and(|s| s == "ASCENDING" || s == "DESCENDING")));
        let sweep = sweep(&schema, &[]);
        assert!(sweep.iter().any(|v| v["user"] == "100000000d"));
        assert!(sweep.iter().any(|v| v["limit"] == json!(u64::MAX)));
    }
}
