//! okta-mcp-governance: an MCP server for Okta Identity Governance (OIG): access certification campaigns and
//! their reviews, security access reviews, entitlements and bundles with the grants behind them, access requests
//! and their catalog, resource collections, owners and labels, and separation-of-duties risk rules.

mod args;
mod bulk;
mod prompts;
mod tools;

use std::process::ExitCode;

use okta_mcp_kit::{DemoStep, ServerSpec, ops};

const SPEC: ServerSpec = ServerSpec {
    name: "okta-mcp-governance",
    title: "Okta Identity Governance",
    version: env!("CARGO_PKG_VERSION"),
    instructions: "Tools for Okta Identity Governance (OIG, a licensed add-on; /governance/api): certification \
        campaigns and their review items, security access reviews, app entitlements and bundles (who has which \
        value, and from which grant), grants, access requests and the request catalog, resource collections, \
        resource owners, labels, and separation-of-duties risk rules. Campaigns are named by id (ici…) or exact \
        name; users by id (00u…) or login; apps, entitlements, values and bundles by id or ORN (orn:okta:…). \
        Launch and end of a campaign are asynchronous: the tools report Okta's 202, its Location and the status \
        after. Lists answer with columns and rows; pass next_cursor back as cursor. Changes need --mode \
        read-write, destructive ones --mode full.",
    tools: tools::all,
    demo: &[
        DemoStep { tool: "okta_iga_list_campaigns", arguments: r#"{"limit": 5}"# },
        DemoStep { tool: "okta_iga_get_campaign", arguments: r#"{"campaign": "Q4 certification"}"# },
        DemoStep {
            tool: "okta_iga_list_campaign_items",
            arguments: r#"{"campaign": "icisalesforce0000001", "decision": "UNREVIEWED"}"#,
        },
        DemoStep {
            tool: "okta_iga_list_user_entitlements",
            arguments: r#"{"user": "bob.active@example.com", "app": "0oasalesforce0000001"}"#,
        },
        DemoStep {
            tool: "okta_iga_assess_risk",
            arguments: r#"{"user": "carol.finance@example.com", "bundle_id": "enbfinanceadmin00001"}"#,
        },
        DemoStep { tool: "okta_iga_get_campaign", arguments: r#"{"campaign": "Q5 certification"}"# },
    ],
    prompts: prompts::PROMPTS,
    license: Some(&okta_mcp_kit::license::License {
        product: "Okta Identity Governance",
        path_prefix: "/governance/",
        // Core OIG only: a feature of its own (labels, risk rules) being off must not hide every tool.
        probes: &[&ops::LIST_CAMPAIGNS, &ops::LIST_ENTITLEMENT_BUNDLES],
        // "You do not have permission to access the feature you are requesting."
        missing_codes: &["E0000015"],
        // Insight tools that read users, groups, apps and roles too, and say which parts needed it.
        partial_tools: &[
            "okta_iga_investigate_user_access",
            "okta_iga_score_user_risk",
            "okta_iga_explain_access_changes",
        ],
    }),
};

fn main() -> ExitCode {
    okta_mcp_kit::run::main(SPEC)
}
