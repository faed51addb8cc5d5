//! The workflows of okta-mcp-apps offered as MCP prompts.

use okta_mcp_kit::prompts::{PromptDef, required, step};

pub const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "audit_service_app",
        title: "Audit a service app",
        description: "What an app (e.g. an API service integration) may do: its OAuth scope grants, keys, \
            assignments and status.",
        arguments: &[required("app", "the app's id (0oa…) or label")],
        goal: "Audit the app {app}: which Okta API scopes it holds, whether they are more than it needs, how old \
            its keys are and who is assigned. Report findings with a recommendation each; change nothing unless \
            the person asks.",
        steps: &[
            step("okta_list_apps", "find {app} by label if no id was given"),
            step("okta_get_app", "read {app}: sign-on mode, status, client authentication"),
            step(
                "okta_list_app_grants",
                "list the OAuth scopes granted to {app}; flag every .manage scope and any \
                scope its purpose does not need",
            ),
            step("okta_list_app_keys", "list {app}'s keys and their ages; flag keys older than a year"),
            step("okta_list_app_users", "list the users assigned to {app}"),
            step("okta_list_app_groups", "list the groups assigned to {app}"),
        ],
    },
    PromptDef {
        name: "give_app_access",
        title: "Give a user access to an app",
        description: "Assign a person to an app the right way: through a group when one exists, directly \
            otherwise.",
        arguments: &[required("user", "the person's login or user id"), required("app", "the app's id or label")],
        goal: "Give {user} access to {app}.",
        steps: &[
            step("okta_list_apps", "find {app} by label if no id was given"),
            step("okta_get_app_user", "check whether {user} is already assigned to {app}"),
            step(
                "okta_list_app_groups",
                "list the groups assigned to {app}: prefer adding {user} to one of them \
                (with okta-mcp-users) over a direct assignment",
            ),
            step("okta_assign_user_to_app", "otherwise assign {user} to {app} directly"),
            step("okta_get_app_user", "confirm the assignment and its app username"),
        ],
    },
    PromptDef {
        name: "remove_app_access",
        title: "Remove a user's app access",
        description: "Take a person out of one app, or out of every app they are assigned to directly.",
        arguments: &[
            required("user", "the person's login or user id"),
            required("app", "the app's id or label, or \"all\""),
        ],
        goal: "Remove {user}'s access to {app}. Access through a group goes only by leaving the group: say so \
            instead of removing it here.",
        steps: &[
            step("okta_list_apps", "find {app} (or, for \"all\", the apps {user} is assigned to)"),
            step("okta_get_app_user", "check how {user} is assigned (scope USER: direct; GROUP: through a group)"),
            step("okta_remove_user_from_app", "remove each direct assignment of {user}"),
        ],
    },
];
