//! The workflows of okta-mcp-admin offered as MCP prompts.

use okta_mcp_kit::prompts::{PromptDef, optional, required, step};

pub const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "investigate_suspicious_signins",
        title: "Investigate suspicious sign-ins",
        description: "Look into a person's recent sign-ins: failures, new places and devices, MFA, and what \
            their account did.",
        arguments: &[required("user", "the person's login or user id"), optional("days", "how far back to look", "7")],
        goal: "Investigate sign-in activity of {user} over the last {days} days and say whether it looks like an \
            attack (password spraying, MFA fatigue, impossible travel, a new device) with the events that show it.",
        steps: &[
            step(
                "okta_get_system_log_failed_logins",
                "list failed sign-ins over the last {days} days; look for \
                many failures, many source IPs, or many targeted users",
            ),
            step(
                "okta_get_system_log_events_for_user",
                "list {user}'s events over the last {days} days: \
                sign-ins, MFA challenges (denied pushes), password and factor changes",
            ),
            step("okta_list_devices", "check the devices registered to {user} if a new device appears"),
            step(
                "okta_list_user_admin_roles",
                "check whether {user} holds admin roles (a compromised admin is \
                urgent)",
            ),
            step("okta_get_system_log_admin_actions", "if {user} is an admin, list what they changed"),
        ],
    },
    PromptDef {
        name: "review_admin_roles",
        title: "Review a person's admin roles",
        description: "Which admin roles a person holds, whether they use them, and removing what they do not need.",
        arguments: &[required("user", "the person's login or user id"), optional("days", "activity window", "90")],
        goal: "Review the admin roles of {user}: list each role, how it was given (directly or through a group), \
            and whether the System Log shows admin actions by {user} in the last {days} days that need it.",
        steps: &[
            step("okta_list_user_admin_roles", "list {user}'s admin roles"),
            step("okta_list_group_admin_roles", "for roles through groups, list the group's roles"),
            step("okta_get_system_log_admin_actions", "list {user}'s admin actions over the last {days} days"),
            step(
                "okta_remove_admin_role_from_user",
                "remove a directly assigned role only if the person agrees it \
                is not needed",
            ),
        ],
    },
    PromptDef {
        name: "audit_recent_changes",
        title: "Audit recent admin changes",
        description: "What admins, and the assistant through this server, changed recently.",
        arguments: &[optional("days", "how far back", "7")],
        goal: "Summarize the admin changes of the last {days} days: who changed what, and which of them were made \
            through okta-mcp (the local audit log).",
        steps: &[
            step("okta_get_system_log_admin_actions", "list admin actions over the last {days} days"),
            step("okta_mcp_audit_log", "list the changes made through okta-mcp servers, with who asked for each"),
        ],
    },
];
