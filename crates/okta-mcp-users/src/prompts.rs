//! The workflows of okta-mcp-users offered as MCP prompts.

use okta_mcp_kit::prompts::{PromptDef, optional, required, step};

pub const PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "offboard_user",
        title: "Offboard a user",
        description: "Take a leaver's Okta access away in a safe order: sessions, factors, groups, then deactivate.",
        arguments: &[
            required("user", "the person's login or user id"),
            optional("reason", "why (for the record)", "leaving the organization"),
        ],
        goal: "Offboard {user} from Okta ({reason}). Check it is the right person first, and keep a list of what \
            you removed for the ticket.",
        steps: &[
            step("okta_get_user", "read {user}: confirm name, status and login with the person before going on"),
            step("okta_get_user_groups", "list {user}'s groups (note which are assigned by rules)"),
            step(
                "okta_get_user_apps",
                "list {user}'s apps, so app owners can be told (assignments through groups go \
                with the groups)",
            ),
            step("okta_revoke_user_sessions", "end every session of {user}, so no browser stays signed in"),
            step("okta_list_user_factors", "list {user}'s enrolled MFA factors"),
            step("okta_reset_factor", "reset each factor of {user}"),
            step("okta_remove_user_from_group", "remove {user} from each group assigned directly (not by a rule)"),
            step(
                "okta_deactivate_user",
                "deactivate {user} (ends app access everywhere; deleting is a later, \
                separate decision)",
            ),
        ],
    },
    PromptDef {
        name: "onboard_user",
        title: "Onboard a user",
        description: "Create a person's Okta account and put them in their groups (their apps follow the groups).",
        arguments: &[
            required("login", "the new login (an email address)"),
            required("first_name", "first name"),
            required("last_name", "last name"),
            optional("groups", "group names, comma-separated", "none: ask the person which"),
        ],
        goal: "Onboard {first_name} {last_name} ({login}) into Okta and the groups: {groups}.",
        steps: &[
            step("okta_list_users", "check that no user has the login {login} yet"),
            step("okta_create_user", "create {login} with first name {first_name} and last name {last_name}"),
            step("okta_list_groups", "find each group of: {groups} (by exact name; ask when several match)"),
            step("okta_add_user_to_group", "add {login} to each of those groups"),
            step("okta_get_user_groups", "confirm {login}'s groups"),
            step("okta_get_user_apps", "show the apps {login} now gets through those groups"),
        ],
    },
    PromptDef {
        name: "unlock_user",
        title: "Help a locked-out user",
        description: "The help desk's routine: check the account, unlock it, and reset a lost factor if asked.",
        arguments: &[required("user", "the person's login or user id")],
        goal: "Help {user}, who cannot sign in. Verify the caller's identity by your help desk's process first.",
        steps: &[
            step("okta_get_user", "read {user}: is the status LOCKED_OUT, SUSPENDED or PASSWORD_EXPIRED?"),
            step("okta_unlock_user", "unlock {user} if locked out"),
            step("okta_list_user_factors", "if they lost a device, list {user}'s factors"),
            step("okta_reset_factor", "reset only the factor they lost, so they can enroll again"),
        ],
    },
];
