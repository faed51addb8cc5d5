//! The workflows of okta-mcp-policy offered as MCP prompts.

use okta_mcp_kit::prompts::{PromptDef, optional, required, step};

pub const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "rotate_auth_server_keys",
        title: "Rotate an authorization server's keys safely",
        description: "Rotate the signing keys of a custom authorization server without breaking the apps that \
            validate its tokens.",
        arguments: &[required("auth_server", "the authorization server's id (aus…) or name")],
        goal: "Rotate the signing keys of the authorization server {auth_server}. Tokens already issued stay valid \
            only while clients can still fetch the old key, so check first that they read the keys endpoint \
            (JWKS) rather than a pinned key.",
        steps: &[
            step("okta_list_auth_servers", "find {auth_server} by name if no id was given"),
            step(
                "okta_get_auth_server",
                "read {auth_server}: its rotation mode (AUTO or MANUAL) and audiences; \
                with AUTO, Okta rotates by itself and a manual rotation is rarely needed",
            ),
            step("okta_list_auth_server_keys", "list the keys: which is ACTIVE, which is NEXT"),
            step("okta_rotate_auth_server_keys", "rotate: the NEXT key becomes ACTIVE"),
            step(
                "okta_list_auth_server_keys",
                "confirm the new ACTIVE key and that the previous one is still \
                listed, so tokens it signed validate until they expire",
            ),
        ],
    },
    PromptDef {
        name: "review_auth_server_access",
        title: "Review who gets tokens from an authorization server",
        description: "Read an authorization server's access policies and rules: which clients get which scopes, \
            for which grant types and how long.",
        arguments: &[required("auth_server", "the authorization server's id or name")],
        goal: "Review the access policies of {auth_server} and report, per policy, which clients it covers, which \
            grant types and scopes its rules allow and the token lifetimes. Flag rules open to all clients or all \
            scopes.",
        steps: &[
            step("okta_list_auth_servers", "find {auth_server} by name if no id was given"),
            step("okta_get_auth_server", "read {auth_server}"),
            step("okta_list_auth_server_policies", "list its policies and the clients each covers"),
            step("okta_list_policy_rules", "list each policy's rules: grant types, scopes, lifetimes"),
        ],
    },
    PromptDef {
        name: "review_org_policies",
        title: "Review the org's policies",
        description: "Read the org's policies of one type (sign-on, password, MFA enrollment…) and their rules.",
        arguments: &[optional("type", "the policy type", "OKTA_SIGN_ON")],
        goal: "Review the org's {type} policies in priority order: who each applies to, what its rules require, \
            and anything weaker than the policies above it.",
        steps: &[
            step("okta_list_policies", "list the {type} policies"),
            step("okta_get_policy", "read each active policy"),
            step("okta_list_org_policy_rules", "list each policy's rules"),
        ],
    },
];
