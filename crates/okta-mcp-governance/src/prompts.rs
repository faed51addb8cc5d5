//! The workflows of okta-mcp-governance offered as MCP prompts.

use okta_mcp_kit::prompts::{PromptDef, optional, required, step};

pub const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "prepare_access_review",
        title: "Prepare an access review campaign",
        description: "Set up a certification campaign for an app: check its entitlements and owners, then \
            create the campaign and launch it when the person is ready.",
        arguments: &[
            required("app", "the app's id (0oa…) or ORN"),
            required("name", "the campaign's name"),
            optional("reviewer", "who reviews", "each user's manager"),
        ],
        goal: "Prepare the access review campaign \"{name}\" for the app {app}, reviewed by {reviewer}.",
        steps: &[
            step("okta_iga_list_campaigns", "check no campaign for {app} is already running"),
            step(
                "okta_iga_list_entitlements",
                "list {app}'s entitlements, so reviewers see values, not just \
                the assignment",
            ),
            step("okta_iga_list_resource_owners", "check {app} has owners (reviewers escalate to them)"),
            step("okta_iga_create_campaign", "create \"{name}\" for {app} with reviewer {reviewer}"),
            step("okta_iga_get_campaign", "read it back and show the person its scope and schedule"),
            step("okta_iga_launch_campaign", "launch it only when the person says so"),
        ],
    },
    PromptDef {
        name: "investigate_entitlements",
        title: "Investigate a person's entitlements",
        description: "What a person holds in an app, where each value came from, and whether it is risky.",
        arguments: &[required("user", "the person's login or user id"), required("app", "the app's id (0oa…) or ORN")],
        goal: "Explain what {user} holds in {app}: each entitlement value, the grant behind it (policy, admin, \
            request, bundle), when it changed, and any separation-of-duties risk.",
        steps: &[
            step("okta_iga_list_user_entitlements", "list {user}'s values in {app} with the grant behind each"),
            step("okta_iga_get_entitlement_history", "show how they changed, newest first"),
            step("okta_iga_list_access_requests", "list requests that gave {user} access"),
            step("okta_iga_list_risk_rules", "list the risk rules that concern {app}"),
            step("okta_iga_assess_risk", "ask Okta whether {user}'s access violates a rule"),
        ],
    },
    PromptDef {
        name: "apply_access_csv",
        title: "Apply an access report (CSV) to an app",
        description: "Turn an access report (one row per user and entitlement value) into Okta entitlements and \
            grants for an app: preflight, analysis, entitlements, then grants, at the pace Okta's rate limit \
            allows.",
        arguments: &[
            required("file", "the CSV file (a name in OKTA_MCP_CSV_DIR, or an allowed s3:// URL)"),
            required("app", "the app's id (0oa…) or ORN"),
        ],
        goal: "Apply the access report {file} to the app {app}, so the app's grants match what the file says. Show \
            the person the analysis and the exact changes before making them.",
        steps: &[
            step("okta_iga_list_csv_files", "find {file} if the person did not give its exact name"),
            step(
                "okta_iga_validate_csv",
                "preflight {file}: columns, users that do not resolve, duplicates, \
                denied rows; stop and report if it is not clean",
            ),
            step(
                "okta_iga_analyze_csv",
                "analyze {file} against {app}: entitlement columns, their values, how \
                many users get each, and what {app} lacks",
            ),
            step(
                "okta_iga_prepare_entitlements",
                "create what {app} lacks: first with dry_run, then for real when \
                the person agrees",
            ),
            step(
                "okta_iga_apply_grants",
                "grant the users: first with dry_run, then for real; if it stops, call \
                it again with the same arguments to resume",
            ),
        ],
    },
    PromptDef {
        name: "review_pending_requests",
        title: "Work through pending access requests",
        description: "List the open access requests, oldest first, and approve or deny each with the person.",
        arguments: &[],
        goal: "Go through the pending access requests with the person, oldest first: for each, who asks for what \
            and why, and the risk, then approve or deny as they decide.",
        steps: &[
            step("okta_iga_list_access_requests", "list pending requests"),
            step("okta_iga_get_access_request", "read each request"),
            step("okta_iga_assess_risk", "check the requested access for separation-of-duties violations"),
            step("okta_iga_approve_access_request", "approve the ones the person approves"),
            step("okta_iga_deny_access_request", "deny the ones the person denies, with their reason"),
        ],
    },
];
