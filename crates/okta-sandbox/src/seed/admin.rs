//! Seeding for the admin endpoints: a few thousand realistic System Log events over the last 14 days (sign-ins
//! that succeed and fail for different reasons, a password spray, admin actions, lifecycle changes), a "Help
//! Desk" group, custom roles, resource sets, group role assignments, devices with their users, event hooks.
//!
//! [`seed`] runs at the end of `seed::build` and puts the admin store into the org.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use crate::ids::{self, fixture_id};
use crate::org::admin::{AdminStore, Device, DeviceUser, HookParts, RoleGrant, custom_role, event_hook, labelled};
use crate::org::random::Stream;
use crate::org::{Actor, Group, GroupType, Org, UserStatus};
use crate::seed::{api_client, random_client};

/// Id of the seeded "Help Desk" group.
pub fn help_desk_group_id() -> String {
    fixture_id("00g", "helpdesk", 1)
}

/// The seeded password spray's source address.
pub const SPRAY_IP: &str = "198.51.100.23";

const DEVICE_MODELS: [(&str, &str, &str, &str); 6] = [
    ("MACOS", "Apple Inc.", "MacBookPro18,3", "14.4.1"),
    ("WINDOWS", "Dell Inc.", "Latitude 7440", "10.0.22631"),
    ("IOS", "Apple Inc.", "iPhone15,2", "17.4"),
    ("ANDROID", "Google", "Pixel 8", "14"),
    ("WINDOWS", "Lenovo", "ThinkPad X1 Carbon Gen 11", "10.0.19045"),
    ("MACOS", "Apple Inc.", "MacBookAir10,1", "13.6.6"),
];

/// The admin store for an org (deterministic per seed, apart from timestamps relative to `anchor`).
fn plan(org: &Org, anchor: DateTime<Utc>) -> AdminStore {
    let mut rng = org.random.fork(Stream::AdminSeed);
    let day =
        |rng: &mut ChaCha8Rng, lo: i64, hi: i64| anchor - Duration::seconds(rng.random_range(lo * 86_400..hi * 86_400));
    let custom_roles = vec![
        custom_role(
            &fixture_id("cr0", "usercreator", 1),
            "User Creator",
            "Create and read users, read groups",
            &["okta.users.create", "okta.users.read", "okta.groups.read"],
            &day(&mut rng, 200, 400),
        ),
        custom_role(
            &fixture_id("cr0", "membershipmgr", 1),
            "Group Membership Manager",
            "Manage the members of groups",
            &["okta.groups.members.manage", "okta.groups.read"],
            &day(&mut rng, 200, 400),
        ),
        custom_role(
            &fixture_id("cr0", "appauditor", 1),
            "App Auditor",
            "Read apps and their assignments",
            &["okta.apps.read"],
            &day(&mut rng, 100, 200),
        ),
    ];
    let resource_sets = vec![
        labelled(&fixture_id("iam", "allusers", 1), "All users", "Every user in the org", &day(&mut rng, 200, 400)),
        labelled(
            &fixture_id("iam", "engineering", 1),
            "Engineering group",
            "The Engineering group and its members",
            &day(&mut rng, 200, 400),
        ),
        labelled(&fixture_id("iam", "allapps", 1), "All apps", "Every app in the org", &day(&mut rng, 100, 200)),
    ];
    let mut group_roles: BTreeMap<String, Vec<RoleGrant>> = BTreeMap::new();
    group_roles.entry(fixture_id("00g", "engineering", 1)).or_default().push(RoleGrant {
        id: fixture_id("irb", "engusercreator", 1),
        role_type: "CUSTOM".into(),
        custom: Some((fixture_id("cr0", "usercreator", 1), fixture_id("iam", "engineering", 1))),
        created: day(&mut rng, 30, 90),
    });
    if let Some(it) = org.groups.values().find(|g| g.name == "IT") {
        group_roles.entry(it.id.clone()).or_default().push(RoleGrant {
            id: ids::okta_id(&mut rng, "gra"),
            role_type: "READ_ONLY_ADMIN".into(),
            custom: None,
            created: day(&mut rng, 30, 300),
        });
    }

    // Devices: two for Alice, one or two for some active users; a few suspended or deactivated.
    let mut owners: Vec<String> = vec![fixture_id("00u", "aliceactive", 1), fixture_id("00u", "aliceactive", 1)];
    owners.extend(
        org.users.values().filter(|u| u.status == UserStatus::Active).skip(1).step_by(9).take(28).map(|u| u.id.clone()),
    );
    let mut devices = Vec::new();
    for (k, owner) in owners.into_iter().enumerate() {
        let (platform, manufacturer, model, os_version) = if k == 0 {
            DEVICE_MODELS[0]
        } else if k == 1 {
            DEVICE_MODELS[2]
        } else {
            DEVICE_MODELS[rng.random_range(0..DEVICE_MODELS.len())]
        };
        let name = org.users.values().find(|u| u.id == owner).map(|u| u.display_name()).unwrap_or_default();
        let kind = match platform {
            "MACOS" => "MacBook",
            "WINDOWS" => "Laptop",
            "IOS" => "iPhone",
            _ => "Android",
        };
        let status = match k {
            5 | 11 => "SUSPENDED",
            7 | 13 | 19 => "DEACTIVATED",
            _ => "ACTIVE",
        };
        let created = day(&mut rng, 20, 700);
        let last_updated = created.max(day(&mut rng, 0, 20));
        let users = if status == "DEACTIVATED" {
            Vec::new()
        } else {
            vec![DeviceUser {
                user_id: owner,
                created,
                managed: platform != "ANDROID",
                screen_lock: if platform == "IOS" || platform == "ANDROID" { "BIOMETRIC" } else { "PASSCODE" },
            }]
        };
        devices.push(Device {
            id: if k == 0 { fixture_id("guo", "alicemacbook", 1) } else { ids::okta_id(&mut rng, "guo") },
            status,
            created,
            last_updated,
            display_name: format!("{name}'s {kind}"),
            platform,
            manufacturer,
            model,
            os_version,
            serial: ids::base62(&mut rng, 12).to_uppercase(),
            registered: true,
            managed: platform != "ANDROID",
            users,
        });
    }
    let alice = fixture_id("00u", "aliceactive", 1);
    let hooks = vec![
        event_hook(
            &fixture_id("who", "siemforwarder", 1),
            "ACTIVE",
            "VERIFIED",
            HookParts {
                name: "SIEM forwarder".into(),
                description: Some("Sends lifecycle and sign-in events to the SIEM".into()),
                events: vec![
                    "user.lifecycle.create".into(),
                    "user.lifecycle.deactivate".into(),
                    "user.session.start".into(),
                ],
                uri: "https://siem.example.com/okta/events".into(),
                headers: vec![("X-Source".into(), "okta".into())],
                auth_key: Some("Authorization".into()),
            },
            &day(&mut rng, 60, 200),
            &alice,
            &day(&mut rng, 10, 60),
        ),
        event_hook(
            &fixture_id("who", "hrsync", 1),
            "INACTIVE",
            "UNVERIFIED",
            HookParts {
                name: "HR sync (retired)".into(),
                description: None,
                events: vec!["group.user_membership.add".into(), "group.user_membership.remove".into()],
                uri: "https://hr.example.com/hooks/okta".into(),
                headers: Vec::new(),
                auth_key: None,
            },
            &day(&mut rng, 200, 300),
            &alice,
            &day(&mut rng, 100, 200),
        ),
    ];
    AdminStore { custom_roles, resource_sets, group_roles, user_custom_roles: BTreeMap::new(), devices, hooks }
}

/// One event to log.
struct Planned {
    at: DateTime<Utc>,
    event_type: &'static str,
    display: &'static str,
    actor: Actor,
    targets: Vec<Value>,
    outcome: (&'static str, Option<&'static str>),
    session: Option<String>,
    client: Value,
}

/// Add the admin fixtures to a freshly built org: the Help Desk group, the System Log history, and the admin
/// store.
pub fn seed(org: &mut Org, anchor: DateTime<Utc>) {
    let mut rng = org.random.fork(Stream::AdminLog);
    let users: Vec<(u64, String, UserStatus)> = org.users.values().map(|u| (u.seq, u.id.clone(), u.status)).collect();
    let active: Vec<u64> = users.iter().filter(|u| u.2 == UserStatus::Active).map(|u| u.0).collect();

    // The Help Desk group: Henry and the active Support staff.
    let henry = org.find_user(&fixture_id("00u", "henryhelpdesk", 1));
    let members: BTreeSet<u64> = org
        .users
        .values()
        .filter(|u| {
            Some(u.seq) == henry
                || (u.status == UserStatus::Active
                    && u.profile.get("department").and_then(Value::as_str) == Some("Support"))
        })
        .map(|u| u.seq)
        .collect();
    let created = anchor - Duration::days(420);
    let seq = org.alloc_seq();
    let help_desk =
        Group::new(seq, help_desk_group_id(), GroupType::OktaGroup, "Help Desk", "First-line support staff", created);
    org.insert_group(help_desk.with_members(members, created));

    let actor = |org: &Org, seq: u64| org.actor_for_user(seq);
    let admins: Vec<u64> = ["aliceactive", "oliviaorgadmin", "henryhelpdesk"]
        .iter()
        .filter_map(|w| org.find_user(&fixture_id("00u", w, 1)))
        .collect();
    let groups: Vec<Value> = org.groups.values().map(Org::group_target).collect();
    let apps: Vec<Value> = org.apps.iter().map(Org::app_target).collect();
    let when = |rng: &mut ChaCha8Rng, hi_days: i64| anchor - Duration::seconds(rng.random_range(60..hi_days * 86_400));
    let mut planned: Vec<Planned> = Vec::new();
    if active.is_empty() || admins.is_empty() {
        org.admin = plan(org, anchor);
        return;
    }
    // A few thousand events for the default 300-user org; proportionally fewer (and at most half as dense) in
    // smaller test orgs.
    let scale = |n: usize| if users.len() >= 300 { n } else { n * users.len() / 600 };

    // Sign-ins: successes (most with MFA) and sign-outs.
    for _ in 0..scale(1400) {
        let who = active[rng.random_range(0..active.len())];
        let Some(a) = actor(org, who) else { continue };
        let at = when(&mut rng, 14);
        let sid = format!("102{}", ids::base62(&mut rng, 22));
        let client = random_client(&mut rng);
        planned.push(Planned {
            at,
            event_type: "user.session.start",
            display: "User login to Okta",
            actor: a.clone(),
            targets: Vec::new(),
            outcome: ("SUCCESS", None),
            session: Some(sid.clone()),
            client: client.clone(),
        });
        if rng.random_bool(0.6) {
            planned.push(Planned {
                at: at + Duration::seconds(rng.random_range(2..40)),
                event_type: "user.authentication.auth_via_mfa",
                display: "Authentication of user via MFA",
                actor: a.clone(),
                targets: Vec::new(),
                outcome: ("SUCCESS", None),
                session: Some(sid.clone()),
                client: client.clone(),
            });
        }
        // Every seeded session is over by now (signed out or expired): the open sessions are the org's own.
        let (event_type, display) = if rng.random_bool(0.3) {
            ("user.session.end", "User logout from Okta")
        } else {
            ("user.session.expire", "User session expired")
        };
        planned.push(Planned {
            at: (at + Duration::minutes(rng.random_range(5..480))).min(anchor - Duration::seconds(1)),
            event_type,
            display,
            actor: a,
            targets: Vec::new(),
            outcome: ("SUCCESS", None),
            session: Some(sid),
            client,
        });
    }
    // Failed sign-ins, for different reasons.
    for _ in 0..scale(320) {
        let who = users[rng.random_range(0..users.len())].0;
        let Some(a) = actor(org, who) else { continue };
        let roll = rng.random_range(0..100);
        let (event_type, display, reason) = match roll {
            0..70 => ("user.session.start", "User login to Okta", "INVALID_CREDENTIALS"),
            70..85 => ("user.authentication.auth_via_mfa", "Authentication of user via MFA", "INVALID_CREDENTIALS"),
            85..93 => ("user.session.start", "User login to Okta", "LOCKED_OUT"),
            _ => ("user.session.start", "User login to Okta", "VERIFICATION_ERROR"),
        };
        planned.push(Planned {
            at: when(&mut rng, 14),
            event_type,
            display,
            actor: a,
            targets: Vec::new(),
            outcome: ("FAILURE", Some(reason)),
            session: None,
            client: random_client(&mut rng),
        });
    }
    // A password spray from one address yesterday, and someone hammering Bob's account in the last hours.
    let yesterday = anchor - Duration::hours(30);
    let mut spray = random_client(&mut rng);
    spray["ipAddress"] = json!(SPRAY_IP);
    spray["geographicalContext"] = json!({"city": "Amsterdam", "state": "North Holland", "country": "Netherlands",
        "postalCode": "1012", "geolocation": {"lat": 52.37, "lon": 4.89}});
    for k in 0..45 {
        let who = active[(k * 7) % active.len()];
        let Some(a) = actor(org, who) else { continue };
        planned.push(Planned {
            at: yesterday + Duration::seconds(k as i64 * 37),
            event_type: "user.session.start",
            display: "User login to Okta",
            actor: a,
            targets: Vec::new(),
            outcome: ("FAILURE", Some("INVALID_CREDENTIALS")),
            session: None,
            client: spray.clone(),
        });
    }
    if let Some(bob) = org.find_user(&fixture_id("00u", "bobactive", 1)).and_then(|s| actor(org, s)) {
        let mut client = random_client(&mut rng);
        client["ipAddress"] = json!("192.0.2.77");
        for k in 0..12 {
            planned.push(Planned {
                at: anchor - Duration::hours(3) + Duration::seconds(k * 20),
                event_type: "user.session.start",
                display: "User login to Okta",
                actor: bob.clone(),
                targets: Vec::new(),
                outcome: ("FAILURE", Some("INVALID_CREDENTIALS")),
                session: None,
                client: client.clone(),
            });
        }
    }
    // Lockouts.
    for _ in 0..scale(30) {
        let who = users[rng.random_range(0..users.len())].0;
        let Some(a) = actor(org, who) else { continue };
        let Some(target) = org.users.get(&who).map(Org::user_target) else { continue };
        planned.push(Planned {
            at: when(&mut rng, 14),
            event_type: "user.account.lock",
            display: "Max sign in attempts exceeded",
            actor: a,
            targets: vec![target],
            outcome: ("SUCCESS", None),
            session: None,
            client: random_client(&mut rng),
        });
    }
    // Admin actions (some guaranteed yesterday).
    const USER_ACTIONS: [(&str, &str); 8] = [
        ("user.lifecycle.create", "Create okta user"),
        ("user.lifecycle.activate", "Activate Okta user"),
        ("user.lifecycle.deactivate", "Deactivate Okta user"),
        ("user.lifecycle.suspend", "Suspend Okta user"),
        ("user.lifecycle.unsuspend", "Unsuspend Okta user"),
        ("user.account.reset_password", "Reset Okta user password"),
        ("user.account.unlock", "Unlock user account"),
        ("user.account.update_profile", "Update user profile for Okta"),
    ];
    for k in 0..scale(420).max(40) {
        let admin = admins[rng.random_range(0..admins.len())];
        let Some(a) = actor(org, admin) else { continue };
        let at = if k < 24 {
            // yesterday (UTC), spread over the working day
            let start = (anchor - Duration::days(1)).date_naive().and_hms_opt(8, 0, 0).map(|t| t.and_utc());
            start.unwrap_or(anchor) + Duration::minutes(rng.random_range(0..600))
        } else {
            when(&mut rng, 14)
        };
        let user = users[rng.random_range(0..users.len())].0;
        let Some(user_target) = org.users.get(&user).map(Org::user_target) else { continue };
        let (event_type, display, targets) = match rng.random_range(0..10) {
            0..5 => {
                let (t, d) = USER_ACTIONS[rng.random_range(0..USER_ACTIONS.len())];
                (t, d, vec![user_target])
            }
            5 | 6 => {
                let add = rng.random_bool(0.6);
                let g = groups[rng.random_range(0..groups.len())].clone();
                if add {
                    ("group.user_membership.add", "Add user to group membership", vec![user_target, g])
                } else {
                    ("group.user_membership.remove", "Remove user from group membership", vec![user_target, g])
                }
            }
            7 if !apps.is_empty() => {
                let app = apps[rng.random_range(0..apps.len())].clone();
                ("application.user_membership.add", "Add user to application membership", vec![user_target, app])
            }
            8 => ("user.account.privilege.grant", "Grant user privilege", vec![user_target]),
            _ => (
                "policy.lifecycle.update",
                "Update policy",
                vec![json!({"id": format!("00p{}", ids::base62(&mut rng, 17)),
                "type": "PolicyEntity", "alternateId": "Default Policy", "displayName": "Default Policy"})],
            ),
        };
        planned.push(Planned {
            at,
            event_type,
            display,
            actor: a,
            targets,
            outcome: ("SUCCESS", None),
            session: None,
            client: api_client(),
        });
    }

    for p in planned {
        org.log(p.at, p.event_type, p.display, &p.actor, p.targets, p.outcome, p.session.as_deref(), &p.client);
    }
    // Keep the log in time order, positions ascending with time (polling relies on it).
    org.logs.sort_by_key(|e| e.published);
    for (k, e) in org.logs.iter_mut().enumerate() {
        e.seq = k as u64 + 1;
    }
    org.next_log_seq = org.logs.len() as u64;

    org.admin = plan(org, anchor);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_log_is_big_ordered_and_varied() {
        let org = crate::seed::build(42, 300, Utc::now());
        assert!(org.logs.len() > 2500, "{}", org.logs.len());
        assert!(org.logs.windows(2).all(|w| w[0].published <= w[1].published && w[0].seq < w[1].seq));
        let types: BTreeSet<&str> = org.logs.iter().filter_map(|e| e.event["eventType"].as_str()).collect();
        for t in ["user.session.start", "user.account.lock", "group.user_membership.add", "user.lifecycle.create"] {
            assert!(types.contains(t), "{t}");
        }
        let spray = org.logs.iter().filter(|e| e.event["client"]["ipAddress"] == SPRAY_IP).count();
        assert_eq!(spray, 45);
        assert!(org.find_group(&help_desk_group_id()).is_some());
        let store = &org.admin;
        assert_eq!(store.devices[0].id, fixture_id("guo", "alicemacbook", 1));
        assert!(store.devices.iter().any(|d| d.status == "DEACTIVATED"));
    }
}
