//! An interrupted run resumes without duplicates: the server is killed (SIGKILL) in the middle of a run, a new
//! one is started on the same journal, and the same call finishes the run: every user ends with exactly one
//! grant, and users done before the kill are not touched again. A finished run called again starts a new pass
//! that changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use okta_e2e::Org;
use serde_json::json;
use support::{GITHUB, api_grants_per_user, server_in};

/// Users of the sandbox's default org (seed 42), all ACTIVE.
const USERS: &[&str] = &[
    "carlos.thompson@example.net",
    "ashley.larsen@example.net",
    "william.robinson@example.org",
    "steven.martin@example.org",
    "david.gonzalez@example.net",
    "sandra.scott@example.net",
    "amanda.robinson@example.com",
    "richard.lewis@example.com",
    "mateo.martinez@example.net",
    "ingrid.flores@example.net",
    "andrew.walker@example.org",
    "susan.thompson@example.net",
    "jennifer.scott@example.org",
    "amanda.tanaka@example.net",
    "joshua.moore@example.com",
    "michelle.thompson@example.com",
    "anthony.lee@example.com",
    "priya.okafor@example.org",
    "jennifer.scott@example.net",
    "john.robinson@example.net",
    "matthew.davis@example.net",
    "patricia.smith@example.net",
    "patricia.jones@example.net",
    "daniel.jackson@example.com",
    "lisa.tanaka@example.net",
    "lars.johnson@example.net",
    "sandra.lopez@example.com",
    "daniel.torres@example.net",
    "john.martinez@example.net",
    "mark.okafor@example.org",
    "charles.thomas@example.com",
    "nancy.lewis@example.com",
];

fn grants_sent(org: &Org) -> u64 {
    org.control_get("/__sandbox/stats")["requests"]["POST /governance/api/v1/grants"].as_u64().unwrap_or(0)
}

#[test]
fn a_run_killed_halfway_resumes_where_it_stopped() {
    // Slow answers: the run is still going when it is killed.
    let org = Org::spawn(&["--latency-ms", "25"]);
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("Email,Role,Effective_Access\n");
    for (i, u) in USERS.iter().enumerate() {
        csv.push_str(&format!("{u},{},Permitted\n", ["Viewer", "Editor", "Admin"][i % 3]));
    }
    std::fs::write(dir.path().join("access.csv"), csv).unwrap();
    let db = dir.path().join("audit.db");
    let env = [("OKTA_MCP_AUDIT_DB", db.to_str().unwrap())];
    let mut first = server_in(&org, dir.path(), &env);
    let args = json!({"file": "access.csv", "app": GITHUB});
    first.call("okta_iga_prepare_entitlements", args.clone()).ok();
    let prepared = org.change_count();
    first.call_in_background("okta_iga_apply_grants", args.clone());
    let deadline = Instant::now() + Duration::from_secs(60);
    while grants_sent(&org) < 8 {
        assert!(Instant::now() < deadline, "the run never got going: {}", first.stderr_text());
        std::thread::sleep(Duration::from_millis(2));
    }
    first.kill();
    let before_resume = grants_sent(&org);
    assert!(before_resume < USERS.len() as u64, "killed before the end ({before_resume} grants)");

    let mut second = server_in(&org, dir.path(), &env);
    let resumed = second.call("okta_iga_apply_grants", args.clone()).ok();
    // Users whose grant went out before the kill: recorded as done (not touched again), or found holding the
    // values when their grant was sent but not yet recorded.
    let done = resumed["done_before_resume"].as_u64().unwrap();
    assert!(done >= 1, "{resumed}");
    assert_eq!(done + resumed["skipped_already_present"].as_u64().unwrap(), before_resume, "{resumed}");
    assert_eq!(resumed["failed"], 0, "{resumed}");
    let grants = api_grants_per_user(&mut second, GITHUB);
    assert_eq!(grants.len(), USERS.len(), "{grants:?}");
    assert!(grants.values().all(|n| *n == 1), "no duplicate grant: {grants:?}");
    assert_eq!(grants_sent(&org), USERS.len() as u64, "one grant request per user in all");
    let changes = org.change_count() - prepared;

    let rerun = second.call("okta_iga_apply_grants", args).ok();
    assert_eq!(rerun["done_before_resume"], 0, "a finished run starts a new pass: {rerun}");
    assert_eq!(rerun["skipped_already_present"], USERS.len());
    assert_eq!(org.change_count() - prepared, changes, "and changes nothing");
}
