//! `okta-mcp-users doctor` against the sandbox: a good setup passes every check (exit 0); each broken setup
//! fails with one line that says what is wrong and how to fix it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use okta_e2e::Org;
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_okta-mcp-users");
const CLIENT_ID: &str = "0oadoctorapp00000001";
const READ_SCOPES: &str = "okta.users.read okta.groups.read okta.logs.read okta.roles.read";

const EC_PRIVATE_JWK: &str = r#"{"kty": "EC", "crv": "P-256", "kid": "e2e-ec-key", "use": "sig", "alg": "ES256", "x": "xihM81nsp1bAf_3S_kG89bRh58EyPQ_97FFB80kA5sQ", "y": "ry1-7V4l8ZsmdJk_FZvyBivtA3Bi-D4N7bE6AtOHPZA", "d": "88VfvmK0M1UoZ9cyleFYyxNSc8_j895Mb6gJGvz4IQk"}"#;

fn spawn_org(scopes: &str, extra: &[&str]) -> (Org, tempfile::NamedTempFile) {
    let mut jwk: Value = serde_json::from_str(EC_PRIVATE_JWK).unwrap();
    jwk.as_object_mut().unwrap().remove("d");
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), json!({"keys": [jwk]}).to_string()).unwrap();
    let mut args = vec![
        "--oauth-client-id",
        CLIENT_ID,
        "--oauth-client-jwk",
        file.path().to_str().unwrap(),
        "--oauth-client-scopes",
        scopes,
    ];
    args.extend_from_slice(extra);
    (Org::spawn(&args), file)
}

/// Run `doctor`; returns (exit code, stdout).
fn doctor(env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = okta_e2e::command(BIN);
    cmd.arg("doctor");
    cmd.env("OKTA_MCP_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    for line in stdout.lines() {
        assert!(
            line.starts_with("ok  ")
                || line.starts_with("FAIL")
                || line.starts_with("skip")
                || line.starts_with("warn"),
            "one status per line: {line:?}\n{stdout}"
        );
    }
    assert!(!stdout.contains("PRIVATE KEY") && !stdout.contains("eyJ"), "a secret in the output:\n{stdout}");
    (out.status.code().unwrap_or(-1), stdout)
}

fn line<'a>(stdout: &'a str, check: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| l.get(6..).is_some_and(|rest| rest.starts_with(check)))
        .unwrap_or_else(|| panic!("no {check} line:\n{stdout}"))
}

fn oauth_env<'a>(org: &'a Org, key: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("OKTA_ORG_URL", org.url.as_str()), ("OKTA_CLIENT_ID", CLIENT_ID), ("OKTA_PRIVATE_KEY", key)]
}

#[test]
fn a_good_dpop_setup_passes_every_check() {
    let (org, _f) = spawn_org(READ_SCOPES, &["--require-dpop"]);
    let (code, out) = doctor(&oauth_env(&org, EC_PRIVATE_JWK));
    assert_eq!(code, 0, "{out}");
    assert!(line(&out, "org").contains("is an Okta org"), "{out}");
    assert!(line(&out, "credentials").contains("ES256"), "{out}");
    assert!(line(&out, "token").contains("DPoP-bound"), "{out}");
    assert!(line(&out, "scopes").starts_with("ok"), "{out}");
    for family in ["users", "groups", "logs", "roles"] {
        assert!(line(&out, &format!("read {family}")).starts_with("ok"), "{out}");
    }
    assert!(line(&out, "clock").starts_with("ok"), "{out}");
    assert!(!out.contains("FAIL"), "{out}");
}

#[test]
fn an_unreachable_url_is_explained() {
    let (code, out) = doctor(&[
        ("OKTA_ORG_URL", "http://127.0.0.1:9"),
        ("OKTA_CLIENT_ID", CLIENT_ID),
        ("OKTA_PRIVATE_KEY", EC_PRIVATE_JWK),
    ]);
    assert_ne!(code, 0);
    let org = line(&out, "org");
    assert!(org.starts_with("FAIL") && org.contains("cannot be reached") && org.contains("OKTA_ORG_URL"), "{out}");
}

#[test]
fn missing_credentials_are_explained() {
    let (org, _f) = spawn_org(READ_SCOPES, &[]);
    let (code, out) = doctor(&[("OKTA_ORG_URL", org.url.as_str())]);
    assert_ne!(code, 0);
    assert!(line(&out, "org").starts_with("ok"), "{out}");
    let creds = line(&out, "credentials");
    assert!(creds.starts_with("FAIL") && creds.contains("OKTA_CLIENT_ID"), "{out}");
}

#[test]
fn a_wrong_key_is_explained() {
    let (org, _f) = spawn_org(READ_SCOPES, &["--require-dpop"]);
    // Another EC key than the one registered, under the registered kid.
    let other = include_other_key();
    let mut env = oauth_env(&org, &other);
    env.push(("OKTA_KEY_ID", "e2e-ec-key"));
    let (code, out) = doctor(&env);
    assert_ne!(code, 0);
    let token = line(&out, "token");
    assert!(
        token.starts_with("FAIL") && token.contains("signature is invalid") && token.contains("does not match"),
        "{out}"
    );
}

fn include_other_key() -> String {
    // A PKCS#8 EC key that is not registered (the sandbox only knows EC_PRIVATE_JWK's public half).
    EC_PKCS8_PEM_OTHER.to_string()
}

#[test]
fn an_ungranted_scope_is_named() {
    let (org, _f) = spawn_org("okta.users.read okta.logs.read", &["--require-dpop"]);
    let (code, out) = doctor(&oauth_env(&org, EC_PRIVATE_JWK));
    assert_ne!(code, 0);
    let token = line(&out, "token");
    assert!(
        token.starts_with("FAIL") && token.contains("okta.groups.read") && token.contains("okta.roles.read"),
        "{out}"
    );
    assert!(!token.contains("okta.users.read"), "{out}");
    assert!(line(&out, "scopes").starts_with("FAIL"), "{out}");
    // What is granted is still checked.
    assert!(line(&out, "read users").starts_with("ok"), "{out}");
}

#[test]
fn dpop_switched_off_locally_is_explained() {
    let (org, _f) = spawn_org(READ_SCOPES, &["--require-dpop"]);
    let mut env = oauth_env(&org, EC_PRIVATE_JWK);
    env.push(("OKTA_DPOP", "never"));
    let (code, out) = doctor(&env);
    assert_ne!(code, 0);
    let token = line(&out, "token");
    assert!(token.starts_with("FAIL") && token.contains("DPoP") && token.contains("OKTA_DPOP"), "{out}");
}

#[test]
fn clock_skew_is_measured() {
    let (org, _f) = spawn_org(READ_SCOPES, &["--require-dpop", "--clock-offset-secs", "120"]);
    let (code, out) = doctor(&oauth_env(&org, EC_PRIVATE_JWK));
    assert_ne!(code, 0);
    assert!(line(&out, "token").starts_with("ok"), "{out}");
    let clock = line(&out, "clock");
    assert!(clock.starts_with("FAIL") && clock.contains("behind") && clock.contains("NTP"), "{out}");
}

/// SSWS against a fresh sandbox, full mode, under `OKTA_MCP_CONFIRM=push` with this approver (None: unset).
fn push_env<'a>(org: &'a Org, approver: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut env = vec![
        ("OKTA_ORG_URL", org.url.as_str()),
        ("OKTA_API_TOKEN", org.token.as_str()),
        ("OKTA_MCP_MODE", "full"),
        ("OKTA_MCP_CONFIRM", "push"),
    ];
    env.extend(approver.map(|a| ("OKTA_MCP_APPROVER", a)));
    env
}

/// How many Okta Verify pushes the sandbox has seen.
fn pushes(org: &Org) -> usize {
    org.control_get("/__sandbox/push")["transactions"].as_array().map_or(0, Vec::len)
}

#[test]
fn a_push_approver_with_okta_verify_passes_and_no_push_is_sent() {
    let org = Org::start();
    let pushes = pushes(&org);
    let changes = org.change_count();
    let (code, out) = doctor(&push_env(&org, Some("alice.active@example.com")));
    assert_eq!(code, 0, "{out}");
    let approver = line(&out, "approver");
    assert!(approver.starts_with("ok") && approver.contains("alice.active@example.com"), "{out}");
    assert!(approver.contains("Okta Verify push on"), "{out}");
    assert_eq!(self::pushes(&org), pushes, "a push was sent");
    assert_eq!(org.change_count(), changes, "doctor changed something");
}

#[test]
fn a_push_approver_that_cannot_approve_is_explained() {
    let org = Org::start();
    let pushes = pushes(&org);
    let (code, out) = doctor(&push_env(&org, None));
    assert_ne!(code, 0);
    let unset = line(&out, "approver");
    assert!(unset.starts_with("FAIL") && unset.contains("OKTA_MCP_APPROVER") && unset.contains("Fix"), "{out}");

    let (code, out) = doctor(&push_env(&org, Some("nobody.here@example.com")));
    assert_ne!(code, 0);
    let unknown = line(&out, "approver");
    assert!(unknown.starts_with("FAIL") && unknown.contains("nobody.here@example.com"), "{out}");
    assert!(unknown.contains("Fix: set OKTA_MCP_APPROVER"), "{out}");

    let (code, out) = doctor(&push_env(&org, Some("dan.deprovisioned@example.com")));
    assert_ne!(code, 0);
    let inactive = line(&out, "approver");
    assert!(inactive.starts_with("FAIL") && inactive.contains("not ACTIVE"), "{out}");

    let (code, out) = doctor(&push_env(&org, Some("bob.active@example.com")));
    assert_ne!(code, 0);
    let no_factor = line(&out, "approver");
    assert!(no_factor.starts_with("FAIL") && no_factor.contains("no active Okta Verify push factor"), "{out}");
    assert!(no_factor.contains("enrol Okta Verify"), "{out}");
    assert_eq!(self::pushes(&org), pushes, "a push was sent");
}

#[test]
fn the_confirmation_policy_is_reported() {
    let org = Org::start();
    let ssws = [("OKTA_ORG_URL", org.url.as_str()), ("OKTA_API_TOKEN", org.token.as_str())];
    let (code, out) = doctor(&ssws);
    assert_eq!(code, 0, "{out}");
    assert!(line(&out, "confirm").starts_with("ok") && line(&out, "confirm").contains("elicit"), "{out}");
    assert!(!out.contains("approver"), "{out}");

    let mut token = ssws.to_vec();
    token.push(("OKTA_MCP_CONFIRM", "token"));
    let (code, out) = doctor(&token);
    assert_eq!(code, 0, "a warning is not a failure: {out}");
    let confirm = line(&out, "confirm");
    assert!(confirm.starts_with("warn") && confirm.contains("the assistant can confirm"), "{out}");
    assert!(line(&out, "summary").contains("1 warning"), "{out}");

    let mut bad = ssws.to_vec();
    bad.push(("OKTA_MCP_CONFIRM", "sometimes"));
    let (code, out) = doctor(&bad);
    assert_ne!(code, 0);
    assert!(line(&out, "confirm").starts_with("FAIL") && line(&out, "confirm").contains("sometimes"), "{out}");
}

#[test]
fn push_needs_its_scopes_granted() {
    // The groups toolset needs no users scope, but push approval does: it reads the approver and sends the push.
    let (org, _f) = spawn_org("okta.groups.read okta.groups.manage okta.roles.read okta.users.read", &[]);
    let mut env = oauth_env(&org, EC_PRIVATE_JWK);
    env.extend([
        ("OKTA_MCP_MODE", "full"),
        ("OKTA_MCP_TOOLSETS", "groups"),
        ("OKTA_MCP_CONFIRM", "push"),
        ("OKTA_MCP_APPROVER", "alice.active@example.com"),
    ]);
    let (code, out) = doctor(&env);
    assert_ne!(code, 0);
    let scopes = line(&out, "scopes");
    assert!(scopes.starts_with("FAIL") && scopes.contains("okta.users.manage"), "{out}");
    assert!(line(&out, "token").contains("okta.users.manage"), "{out}");
}

const EC_PKCS8_PEM_OTHER: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgRH9NMUP3yyMjCaoj\n3VAorQa/t5UgMyfghOpZI3r34BWhRANCAARuJFLbjom4I6Gy4lrQZwVsQMJAJrTX\nnbIf7Fliz48ao6xOqMSNV7cEoeGo/qiux2xGlQMeVwPbmkMsYfZ1iQ3U\n-----END PRIVATE KEY-----\n";
