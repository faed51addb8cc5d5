//! CSV sources: the folder's files are listed and read a page at a time; nothing outside the folder is read
//! (`..`, absolute paths, symbolic links out); S3 names are refused by a build without S3 support; without
//! OKTA_MCP_CSV_DIR nothing is read. None of it sends anything to Okta.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use okta_e2e::Org;
use serde_json::json;
use support::{samples, server, server_in};

#[test]
fn the_folders_files_are_listed_and_read_in_pages() {
    let org = Org::start();
    let mut server = server(&org);
    let before = org.request_count();
    let listed = server.call("okta_iga_list_csv_files", json!({})).ok();
    let names: Vec<&str> = listed["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["audit_medium_denormalized.csv", "audit_permission_creep.csv", "audit_small_baseline.csv"]);
    assert_eq!(listed["locations"]["folder"], samples().to_str().unwrap());

    let first = server.call("okta_iga_read_csv", json!({"file": "audit_medium_denormalized.csv", "limit": 10})).ok();
    assert_eq!(first["columns"][0], "Email");
    assert_eq!(first["total_rows"], 25);
    assert_eq!(first["rows"].as_array().unwrap().len(), 10);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second = server
        .call("okta_iga_read_csv", json!({"file": "audit_medium_denormalized.csv", "limit": 20, "cursor": cursor}))
        .ok();
    assert_eq!(second["first_row"], 11);
    assert_eq!(second["rows"].as_array().unwrap().len(), 15);
    assert!(second.get("next_cursor").is_none());
    let wrong = server.call("okta_iga_read_csv", json!({"file": "audit_small_baseline.csv", "cursor": cursor})).err();
    assert!(wrong.contains("changed"), "a cursor belongs to its file: {wrong}");
    let too_many = server.call("okta_iga_read_csv", json!({"file": "audit_small_baseline.csv", "limit": 500})).err();
    assert!(too_many.contains("1 to 200"), "{too_many}");
    assert_eq!(org.request_count(), before, "reading files sends nothing to Okta");
}

#[test]
fn nothing_outside_the_folder_is_read() {
    let org = Org::start();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.csv");
    std::fs::write(&secret, "Email,Role\nmallory@example.com,Admin\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/inside.csv"), "Email,Role\nbob.active@example.com,Viewer\n").unwrap();
    std::os::unix::fs::symlink(&secret, dir.path().join("link.csv")).unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linkdir")).unwrap();
    let mut server = server_in(&org, dir.path(), &[]);
    let before = org.request_count();
    let read = |server: &mut okta_e2e::Server, file: &str| server.call("okta_iga_read_csv", json!({"file": file}));
    assert_eq!(read(&mut server, "sub/inside.csv").ok()["rows"][0][0], "bob.active@example.com");
    let secret_path = secret.to_str().unwrap();
    for (file, says) in [
        ("../secret.csv", "not inside the CSV folder"),
        ("sub/../../secret.csv", "not inside the CSV folder"),
        (secret_path, "not inside the CSV folder"),
        ("link.csv", "outside the CSV folder"),
        ("linkdir/secret.csv", "outside the CSV folder"),
    ] {
        let refused = read(&mut server, file).err();
        assert!(refused.contains(says), "{file}: {refused}");
        assert!(!refused.contains("mallory"), "{refused}");
    }
    // A named pipe does not hold the server: it is no file.
    let made = std::process::Command::new("mkfifo").arg(dir.path().join("pipe.csv")).status().unwrap();
    assert!(made.success());
    let pipe = read(&mut server, "pipe.csv").err();
    assert!(pipe.contains("not a file"), "{pipe}");
    let listed = server.call("okta_iga_list_csv_files", json!({})).ok();
    assert_eq!(listed["count"], 1, "links and pipes are not listed: {listed}");
    let refused = server.call("okta_iga_list_csv_files", json!({"under": "linkdir"})).err();
    assert!(refused.contains("outside"), "{refused}");
    let validated = server.call("okta_iga_validate_csv", json!({"file": "link.csv"})).err();
    assert!(validated.contains("outside"), "{validated}");
    assert_eq!(org.request_count(), before, "nothing was sent");
}

#[test]
fn without_a_folder_or_s3_support_nothing_is_read() {
    let org = Org::start();
    let mut bare = org.server_with(support::BIN, &["--mode", "read-write"], &[]);
    let refused = bare.call("okta_iga_read_csv", json!({"file": "audit_small_baseline.csv"})).err();
    assert!(refused.contains("OKTA_MCP_CSV_DIR is not set"), "{refused}");
    #[allow(unexpected_cfgs)] // the feature comes with bulk/s3.rs; its own tests cover S3
    if cfg!(feature = "s3") {
        return;
    }
    let mut server = server(&org);
    let s3 = server.call("okta_iga_read_csv", json!({"file": "s3://audits/2026/q1.csv"})).err();
    assert!(s3.contains("no S3 support"), "{s3}");
    let s3 = server.call("okta_iga_list_csv_files", json!({"under": "s3://audits/"})).err();
    assert!(s3.contains("no S3 support"), "{s3}");
}
