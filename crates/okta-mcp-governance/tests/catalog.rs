//! The catalog (`tools --json`, `scopes`) works offline and matches Okta's published governance spec: every
//! declared operation exists with that method and path, and each tool's scopes are exactly the spec's scopes for
//! its operations. The shared checks live in `okta_e2e::catalog`; what is particular to this server is below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

okta_e2e::catalog_tests!(
    env!("CARGO_BIN_EXE_okta-mcp-governance"),
    typo: "campaign",
    local: ["okta_iga_list_csv_files", "okta_iga_read_csv"],
);

/// Bulk tools whose steps are outside the governance API: reading files, finding users, assigning them to apps.
const BULK_OUTSIDE_GOVERNANCE: &[&str] = &[
    "okta_iga_list_csv_files",
    "okta_iga_read_csv",
    "okta_iga_validate_csv",
    "okta_iga_batch_find_users",
    "okta_iga_batch_assign_users",
];

#[test]
fn every_tool_is_on_the_governance_api_and_named_iga() {
    // The kit's own tools (okta_get_rate_status) are every server's, and call no Okta operation.
    for t in catalog().tools(&[]).iter().filter(|t| t["toolset"] != "rate") {
        assert!(t["name"].as_str().unwrap().starts_with("okta_iga_"), "{}", t["name"]);
        if BULK_OUTSIDE_GOVERNANCE.contains(&t["name"].as_str().unwrap()) {
            continue;
        }
        let ops = t["operations"].as_array().unwrap();
        assert!(ops.iter().any(|o| o["path"].as_str().unwrap().starts_with("/governance/api/v")), "{}", t["name"]);
    }
}

#[test]
fn toolsets_narrow_the_selection() {
    assert_eq!(
        catalog().enabled(&["--toolsets", "grants"]),
        ["okta_iga_list_grants", "okta_iga_get_grant", "okta_iga_get_entitlement_history"]
    );
    assert_eq!(
        catalog().enabled(&["--mode", "read-write", "--toolsets", "grants"]),
        ["okta_iga_list_grants", "okta_iga_get_grant", "okta_iga_create_grant", "okta_iga_get_entitlement_history"]
    );
    assert_eq!(
        catalog().enabled(&["--toolsets", "reviews"]),
        [
            "okta_iga_list_campaign_items",
            "okta_iga_get_campaign_item",
            "okta_iga_list_security_access_reviews",
            "okta_iga_get_security_access_review",
            "okta_iga_list_security_access_review_accesses"
        ]
    );
    let entitlements = catalog().enabled(&["--mode", "full", "--toolsets", "entitlements"]);
    assert!(entitlements.iter().all(|n| n.contains("entitlement") || n.contains("bundle") || n.contains("owners")));
    assert_eq!(
        catalog().enabled(&["--toolsets", "collections"]),
        [
            "okta_iga_list_collections",
            "okta_iga_get_collection",
            "okta_iga_list_collection_resources",
            "okta_iga_list_collection_assignments"
        ]
    );
    assert_eq!(catalog().enabled(&["--toolsets", "labels"]), ["okta_iga_list_labels"]);
    assert_eq!(
        catalog().enabled(&["--tools", "okta_iga_get_campaign,okta_iga_close_campaign"]),
        ["okta_iga_get_campaign"]
    );
}

#[test]
fn scopes_are_the_union_of_the_enabled_tools() {
    assert_eq!(
        catalog().scopes(&[]),
        [
            "okta.accessRequests.catalog.read",
            "okta.accessRequests.request.read",
            "okta.accessRequests.tasks.read",
            "okta.apps.read",
            "okta.governance.accessCertifications.read",
            "okta.governance.collections.read",
            "okta.governance.entitlements.read",
            "okta.governance.labels.read",
            "okta.governance.resourceOwner.read",
            "okta.governance.riskRule.read",
            "okta.governance.securityAccessReviews.admin.read",
            "okta.groups.read",
            "okta.logs.read",
            "okta.roles.read",
            "okta.users.read"
        ]
    );
    assert_eq!(
        catalog().scopes(&["--toolsets", "risk"]),
        ["okta.governance.entitlements.read", "okta.governance.riskRule.read", "okta.users.read"]
    );
    assert_eq!(
        catalog().scopes(&["--mode", "read-write", "--toolsets", "requests"]),
        [
            "okta.accessRequests.catalog.read",
            "okta.accessRequests.request.manage",
            "okta.accessRequests.request.read",
            "okta.accessRequests.tasks.manage",
            "okta.accessRequests.tasks.read",
            "okta.roles.read",
            "okta.users.read"
        ]
    );
    assert_eq!(
        catalog().scopes(&["--mode", "full", "--toolsets", "reviews"]),
        [
            "okta.governance.accessCertifications.manage",
            "okta.governance.accessCertifications.read",
            "okta.governance.securityAccessReviews.admin.manage",
            "okta.governance.securityAccessReviews.admin.read",
            "okta.roles.read",
            "okta.users.read"
        ]
    );
    assert_eq!(
        catalog().scopes(&["--mode", "read-write", "--toolsets", "entitlements"]),
        [
            "okta.apps.read",
            "okta.governance.entitlements.manage",
            "okta.governance.entitlements.read",
            "okta.governance.resourceOwner.manage",
            "okta.governance.resourceOwner.read",
            "okta.roles.read",
            "okta.users.read"
        ]
    );
    assert_eq!(
        catalog().scopes(&["--mode", "read-write", "--toolsets", "labels,collections"]),
        [
            "okta.apps.read",
            "okta.governance.collections.read",
            "okta.governance.labels.manage",
            "okta.governance.labels.read",
            "okta.roles.read",
            "okta.users.read"
        ]
    );
    assert_eq!(
        catalog().scopes(&["--mode", "full", "--toolsets", "risk"]),
        [
            "okta.governance.entitlements.read",
            "okta.governance.riskRule.manage",
            "okta.governance.riskRule.read",
            "okta.roles.read",
            "okta.users.read"
        ]
    );
    assert_eq!(
        catalog().scopes(&["--mode", "full", "--toolsets", "campaigns"]),
        [
            "okta.governance.accessCertifications.manage",
            "okta.governance.accessCertifications.read",
            "okta.roles.read",
            "okta.users.read"
        ]
    );
}
