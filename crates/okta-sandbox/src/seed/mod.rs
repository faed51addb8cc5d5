//! The deterministic demo org (same seed → same users, groups, apps, factors, sessions, roles, logs).
//!
//! Credentials of the demo org (documented constants, like the factor passcode `crate::PASSCODE`):
//!
//! | what | value |
//! |---|---|
//! | every seeded user's password (resource owner password grant of a custom authorization server) | `crate::PASSWORD` = `Sandbox-Passw0rd!` |
//! | OIDC web app "okta-mcp test client", assigned to Everyone: `client_id` | `crate::TEST_CLIENT_ID` = `0oamcptestclient0001` |
//! | its client secret (`client_secret_basic` or `client_secret_post`) | `crate::TEST_CLIENT_SECRET` = `sandbox-test-client-secret-0123456789` |
//! | OIDC web app "okta-mcp sign-in" (browser sign-in at `/authorize`), assigned to Everyone: `client_id` | `crate::SIGNIN_CLIENT_ID` = `0oamcpsignin00000001` |
//! | its client secret | `crate::SIGNIN_CLIENT_SECRET` = `sandbox-signin-client-secret-0123456789abcdef` |
//! | the verification code of every user's factor on the sign-in pages | `crate::SANDBOX_FACTOR_CODE` = `123456` |
//!
//! Only ACTIVE users get tokens. A user created through the API with `credentials.password.value` has that
//! password; an OIDC app created through `POST /api/v1/apps` has the secret its answer shows once.

pub mod admin;
pub mod governance;
pub mod policy;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use serde_json::{Map, Value, json};

use crate::ids::{self, fixture_id};
use crate::org::collection::Collection;
use crate::org::random::{Random, Stream};
use crate::org::*;

/// Well-known fixture users: (id word, first, last, status, department, title).
pub const FIXTURE_USERS: [(&str, &str, &str, UserStatus, &str, &str); 12] = [
    ("aliceactive", "Alice", "Active", UserStatus::Active, "Engineering", "Engineering Manager"),
    ("bobactive", "Bob", "Active", UserStatus::Active, "Sales", "Account Executive"),
    ("samstaged", "Sam", "Staged", UserStatus::Staged, "Marketing", "Marketing Specialist"),
    ("paulprovisioned", "Paul", "Provisioned", UserStatus::Provisioned, "Finance", "Accountant"),
    ("ritarecovery", "Rita", "Recovery", UserStatus::Recovery, "Support", "Support Engineer"),
    ("eddieexpired", "Eddie", "Expired", UserStatus::PasswordExpired, "Operations", "Operations Analyst"),
    ("lucylocked", "Lucy", "Locked", UserStatus::LockedOut, "Engineering", "Software Engineer"),
    ("suesuspended", "Sue", "Suspended", UserStatus::Suspended, "Legal", "Paralegal"),
    ("dandeprovisioned", "Dan", "Deprovisioned", UserStatus::Deprovisioned, "IT", "IT Specialist"),
    ("oliviaorgadmin", "Olivia", "Orgadmin", UserStatus::Active, "IT", "IT Director"),
    ("henryhelpdesk", "Henry", "Helpdesk", UserStatus::Active, "Support", "Help Desk Lead"),
    ("carolfinance", "Carol", "Finance", UserStatus::Active, "Finance", "Finance Manager"),
];

const FIRST: [&str; 48] = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Nancy",
    "Matthew",
    "Lisa",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Steven",
    "Ashley",
    "Andrew",
    "Emily",
    "Joshua",
    "Michelle",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "Priya",
    "Wei",
    "Carlos",
    "Fatima",
    "Yuki",
    "Omar",
    "Ingrid",
    "Mateo",
    "Aisha",
    "Lars",
];
const LAST: [&str; 48] = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Patel",
    "Chen",
    "Kim",
    "Okafor",
    "Novak",
    "Silva",
    "Larsen",
    "Tanaka",
];
const DOMAINS: [&str; 3] = ["example.com", "example.org", "example.net"];

/// Departments with titles and team sub-groups.
const DEPARTMENTS: [(&str, &[&str], &[&str]); 10] = [
    (
        "Engineering",
        &["Software Engineer", "Senior Software Engineer", "Staff Engineer", "SRE"],
        &["Platform", "Frontend"],
    ),
    ("Sales", &["Account Executive", "Sales Engineer", "Sales Manager"], &["EMEA", "North America"]),
    ("Marketing", &["Marketing Specialist", "Content Strategist", "Brand Manager"], &["Content"]),
    ("Finance", &["Accountant", "Financial Analyst", "Controller"], &["Payroll"]),
    ("Human Resources", &["HR Generalist", "Recruiter", "HR Business Partner"], &[]),
    ("Support", &["Support Engineer", "Customer Success Manager"], &["Tier 1", "Tier 2"]),
    ("Legal", &["Counsel", "Paralegal"], &[]),
    ("Operations", &["Operations Analyst", "Office Manager"], &["Facilities"]),
    ("Product", &["Product Manager", "Product Designer", "UX Researcher"], &["Design"]),
    ("IT", &["IT Specialist", "Systems Administrator"], &["Helpdesk"]),
];

const CITIES: [(&str, &str, &str, &str, f64, f64); 6] = [
    ("San Francisco", "California", "United States", "94105", 37.7897, -122.3972),
    ("New York", "New York", "United States", "10001", 40.7506, -73.9972),
    ("Austin", "Texas", "United States", "78701", 30.2711, -97.7437),
    ("London", "England", "United Kingdom", "EC1A", 51.5155, -0.0922),
    ("Berlin", "Land Berlin", "Germany", "10115", 52.5323, 13.3846),
    ("Toronto", "Ontario", "Canada", "M5H", 43.6496, -79.3833),
];

const USER_AGENTS: [(&str, &str, &str); 3] = [
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Mac OS X",
        "SAFARI",
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Windows 10",
        "CHROME",
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "Linux", "FIREFOX"),
];

/// A System Log `client` object for a random location.
pub fn random_client(rng: &mut impl Rng) -> Value {
    let (city, state, country, postal, lat, lon) = CITIES[rng.random_range(0..CITIES.len())];
    let (ua, os, browser) = USER_AGENTS[rng.random_range(0..USER_AGENTS.len())];
    let ip = format!("203.0.113.{}", rng.random_range(1..255));
    json!({
        "userAgent": {"rawUserAgent": ua, "os": os, "browser": browser},
        "zone": "null",
        "device": "Computer",
        "ipAddress": ip,
        "geographicalContext": {
            "city": city, "state": state, "country": country, "postalCode": postal,
            "geolocation": {"lat": lat, "lon": lon}
        }
    })
}

/// The client context used for events caused through the API itself.
pub fn api_client() -> Value {
    json!({
        "userAgent": {"rawUserAgent": "okta-sandbox", "os": "Unknown", "browser": "UNKNOWN"},
        "zone": "null",
        "device": "Unknown",
        "ipAddress": "127.0.0.1",
        "geographicalContext": {
            "city": "San Francisco", "state": "California", "country": "United States", "postalCode": "94105",
            "geolocation": {"lat": 37.7897, "lon": -122.3972}
        }
    })
}

fn days(rng: &mut impl Rng, lo: i64, hi: i64) -> Duration {
    Duration::seconds(rng.random_range(lo * 86_400..hi * 86_400))
}

fn phone(rng: &mut impl Rng) -> String {
    format!("+1415555{:04}", rng.random_range(0..10_000))
}

/// (id word, app name, label, sign-on mode, URL, assigned group names).
type AppDef = (&'static str, &'static str, &'static str, SignOnMode, &'static str, &'static [&'static str]);

/// Apps beyond the first eight: one of each remaining OIDC kind, and an INACTIVE bookmark.
const MORE_APPS: [AppDef; 4] = [
    (
        "calendar",
        "oidc_client",
        "Team Calendar",
        SignOnMode::Oidc("browser"),
        "https://calendar.example.com",
        &["Product"],
    ),
    ("mobile", "oidc_client", "Field App", SignOnMode::Oidc("native"), "com.example.field:/", &["Sales"]),
    ("mcpservice", "oidc_client", "Okta MCP Service", SignOnMode::Oidc("service"), "https://mcp.example.com", &[]),
    ("legacyintranet", "bookmark", "Legacy Intranet", SignOnMode::Bookmark, "https://intranet.example.com", &[]),
];

struct PendingEvent {
    at: DateTime<Utc>,
    event_type: &'static str,
    display: &'static str,
    actor_seq: u64,
    target_seq: Option<u64>,
    outcome: (&'static str, Option<&'static str>),
    session: Option<String>,
}

/// The description of the built-in Everyone group.
const EVERYONE: &str = "All users in your organization";

/// Build the demo org.
pub fn build(seed: u64, n_users: usize, anchor: DateTime<Utc>) -> Org {
    let mut random = Random::new(seed);
    let mut rng = random.fork(Stream::Directory);
    let mut app_rng = random.fork(Stream::Apps);
    let policy = policy::build(&mut random);
    let mut org = Org {
        users: Default::default(),
        groups: Default::default(),
        apps: Vec::new(),
        factors: BTreeMap::new(),
        sessions: BTreeMap::new(),
        roles: BTreeMap::new(),
        logs: Vec::new(),
        next_seq: 0,
        next_log_seq: 0,
        random,
        admin_id: fixture_id("00u", "aliceactive", 1),
        policy,
        governance: governance::build(),
        admin: Default::default(),
        push: Default::default(),
        secrets: Default::default(),
        signin: Default::default(),
    };
    let mut events: Vec<PendingEvent> = Vec::new();

    // ---- users
    let mut used_logins = BTreeSet::new();
    let total = n_users.max(FIXTURE_USERS.len());
    for i in 0..total {
        let seq = org.alloc_seq();
        let (id, first, last, login, status, dept, title) = if let Some(f) = FIXTURE_USERS.get(i) {
            let (word, first, last, status, dept, title) = *f;
            let login = format!("{}.{}@example.com", first.to_lowercase(), last.to_lowercase());
            (
                fixture_id("00u", word, 1),
                first.to_string(),
                last.to_string(),
                login,
                status,
                dept.to_string(),
                title.to_string(),
            )
        } else {
            let first = FIRST[rng.random_range(0..FIRST.len())];
            let last = LAST[rng.random_range(0..LAST.len())];
            let domain = DOMAINS[rng.random_range(0..DOMAINS.len())];
            let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
            let mut login = format!("{base}@{domain}");
            let mut n = 2;
            while used_logins.contains(&login) {
                login = format!("{base}{n}@{domain}");
                n += 1;
            }
            let status = if rng.random_bool(0.8) {
                UserStatus::Active
            } else {
                UserStatus::ALL[rng.random_range(0..UserStatus::ALL.len())]
            };
            let (dept, titles, _) = DEPARTMENTS[rng.random_range(0..DEPARTMENTS.len())];
            let title = titles[rng.random_range(0..titles.len())];
            (
                ids::okta_id(&mut rng, "00u"),
                first.to_string(),
                last.to_string(),
                login,
                status,
                dept.to_string(),
                title.to_string(),
            )
        };
        used_logins.insert(login.clone());
        let created = anchor - days(&mut rng, 60, 1500);
        let activated = match status {
            UserStatus::Staged => None,
            _ => Some(created + Duration::minutes(rng.random_range(1..4000))),
        };
        let status_changed = match status {
            UserStatus::Active => activated,
            UserStatus::Staged => None,
            _ => Some(anchor - days(&mut rng, 0, 6)),
        };
        let has_password = !matches!(status, UserStatus::Staged | UserStatus::Provisioned);
        let last_login =
            if has_password { Some(anchor - Duration::minutes(rng.random_range(30..60 * 24 * 20))) } else { None };
        let password_changed = if has_password { activated.map(|a| a + Duration::minutes(5)) } else { None };
        let mut last_updated = created;
        for t in [activated, status_changed, password_changed].into_iter().flatten() {
            if t > last_updated {
                last_updated = t;
            }
        }
        let mut profile = Map::new();
        profile.insert("firstName".into(), json!(first));
        profile.insert("lastName".into(), json!(last));
        profile.insert("email".into(), json!(login));
        profile.insert("login".into(), json!(login));
        profile.insert("mobilePhone".into(), json!(phone(&mut rng)));
        profile.insert("department".into(), json!(dept));
        profile.insert("title".into(), json!(title));
        profile.insert("displayName".into(), json!(format!("{first} {last}")));
        org.insert_user(User {
            seq,
            id,
            status,
            created,
            activated,
            status_changed,
            last_login,
            last_updated,
            password_changed,
            profile,
            provider: "OKTA".into(),
            has_password,
            recovery_question: has_password.then(|| "What is the food you least liked as a child?".to_string()),
        });
        if let Some(changed) = status_changed {
            let ev = match status {
                UserStatus::Provisioned => Some(("user.lifecycle.activate", "Activate Okta user")),
                UserStatus::Recovery => Some(("user.account.reset_password", "Reset user password")),
                UserStatus::PasswordExpired => Some(("user.account.expire_password", "Expire user password")),
                UserStatus::LockedOut => Some(("user.account.lock", "Max sign in attempts exceeded")),
                UserStatus::Suspended => Some(("user.lifecycle.suspend", "Suspend Okta user")),
                UserStatus::Deprovisioned => Some(("user.lifecycle.deactivate", "Deactivate Okta user")),
                _ => None,
            };
            if let Some((et, disp)) = ev {
                events.push(PendingEvent {
                    at: changed,
                    event_type: et,
                    display: disp,
                    actor_seq: 1,
                    target_seq: Some(seq),
                    outcome: ("SUCCESS", None),
                    session: None,
                });
            }
        }
        if status == UserStatus::Staged {
            events.push(PendingEvent {
                at: anchor - days(&mut rng, 0, 6),
                event_type: "user.lifecycle.create",
                display: "Create Okta user",
                actor_seq: 1,
                target_seq: Some(seq),
                outcome: ("SUCCESS", None),
                session: None,
            });
        }
    }

    // ---- groups
    let all: BTreeSet<u64> = org.users.keys().copied().collect();
    let g_created = anchor - Duration::days(1600);
    let everyone_seq = org.alloc_seq();
    let everyone_id = fixture_id("00g", "everyone", 1);
    let everyone = Group::new(everyone_seq, everyone_id, GroupType::BuiltIn, "Everyone", EVERYONE, g_created);
    org.insert_group(everyone.with_members(all, anchor - Duration::days(1)));
    let mut dept_groups: HashMap<&str, String> = HashMap::new();
    for (dept, _, teams) in DEPARTMENTS {
        let members: BTreeSet<u64> = org
            .users
            .values()
            .filter(|u| u.profile.get("department").and_then(Value::as_str) == Some(dept))
            .map(|u| u.seq)
            .collect();
        let seq = org.alloc_seq();
        let id =
            if dept == "Engineering" { fixture_id("00g", "engineering", 1) } else { ids::okta_id(&mut rng, "00g") };
        let created = anchor - days(&mut rng, 400, 1500);
        dept_groups.insert(dept, id.clone());
        for team in teams {
            let tmembers: BTreeSet<u64> =
                members.iter().copied().filter(|s| *s == 1 || (*s > 11 && s % 2 == 0)).collect();
            let tseq = seq * 100 + org.alloc_seq();
            let tid = ids::okta_id(&mut rng, "00g");
            let tcreated = anchor - days(&mut rng, 100, 400);
            let team_group = Group::new(
                tseq,
                tid,
                GroupType::OktaGroup,
                format!("{dept} - {team}"),
                format!("{team} team in {dept}"),
                tcreated,
            );
            org.insert_group(team_group.with_members(tmembers, anchor - days(&mut rng, 1, 30)));
        }
        let group =
            Group::new(seq, id, GroupType::OktaGroup, dept, format!("Everyone in the {dept} department"), created);
        org.insert_group(group.with_members(members, anchor - days(&mut rng, 1, 30)));
    }
    // Re-number group seqs so that order is creation order without gaps.
    let mut groups: Vec<Group> = org.groups.take_all();
    groups.sort_by_key(|g| g.seq);
    for (i, mut g) in groups.into_iter().enumerate() {
        g.seq = 1_000_000 + i as u64;
        org.insert_group(g);
    }

    // ---- apps
    let app_defs: [AppDef; 8] = [
        ("companywiki", "bookmark", "Company Wiki", SignOnMode::Bookmark, "https://wiki.example.com", &["Everyone"]),
        (
            "benefits",
            "bookmark",
            "Benefits Portal",
            SignOnMode::Bookmark,
            "https://benefits.example.com",
            &["Everyone"],
        ),
        ("salesforce", "salesforce", "Salesforce", SignOnMode::Saml2, "https://example.my.salesforce.com", &["Sales"]),
        (
            "workday",
            "workday",
            "Workday",
            SignOnMode::Saml2,
            "https://wd5.myworkday.example.com",
            &["Human Resources", "Finance"],
        ),
        ("zoom", "zoom", "Zoom", SignOnMode::Saml2, "https://example.zoom.us", &[]),
        (
            "github",
            "githubcloud",
            "GitHub Enterprise",
            SignOnMode::Saml2,
            "https://github.example.com",
            &["Engineering"],
        ),
        (
            "dashboard",
            "oidc_client",
            "Internal Dashboard",
            SignOnMode::Oidc("web"),
            "https://dashboard.example.com",
            &["Engineering", "Product", "Operations"],
        ),
        (
            "expenses",
            "oidc_client",
            "Expense Tracker",
            SignOnMode::Oidc("web"),
            "https://expenses.example.com",
            &["Finance"],
        ),
    ];
    // Apps get their keys and the apps added after the first eight from their own RNG, so the rest of the org
    // (drawn from `rng`) stays what it was.
    for (k, (word, name, label, mode, url, gnames)) in app_defs.into_iter().chain(MORE_APPS).enumerate() {
        let id = fixture_id("0oa", word, 1);
        let groups: Vec<String> =
            gnames.iter().filter_map(|n| org.groups.values().find(|g| g.name == *n).map(|g| g.id.clone())).collect();
        let users = match word {
            "expenses" => vec![fixture_id("00u", "aliceactive", 1), fixture_id("00u", "bobactive", 1)],
            "salesforce" => vec![fixture_id("00u", "oliviaorgadmin", 1)],
            _ => Vec::new(),
        };
        let created = if k < 8 { anchor - days(&mut rng, 300, 1200) } else { anchor - days(&mut app_rng, 30, 300) };
        let keys = match mode {
            SignOnMode::Bookmark => Vec::new(),
            _ => vec![AppKey {
                kid: ids::base62(&mut app_rng, 43),
                created,
                expires: created + Duration::days(365 * 5),
                n: ids::base62(&mut app_rng, 342),
                x5c: ids::base62(&mut app_rng, 600),
            }],
        };
        let config = default_config(mode, label, url, &id, keys.first().map(|k| k.kid.as_str()));
        let user_data = users
            .iter()
            .map(|u| {
                let data = AppUserData {
                    created: created + Duration::days(1),
                    last_updated: created + Duration::days(1),
                    user_name: None,
                    profile: Map::new(),
                };
                (u.clone(), data)
            })
            .collect();
        let group_data = groups
            .iter()
            .map(|g| (g.clone(), GroupAssignmentData { last_updated: created, profile: Map::new() }))
            .collect();
        let grants = if word == "mcpservice" {
            ["okta.users.read", "okta.groups.read", "okta.apps.read", "okta.logs.read"]
                .iter()
                .map(|scope| AppGrant {
                    id: ids::okta_id(&mut app_rng, "oag"),
                    scope_id: (*scope).to_string(),
                    issuer: String::new(),
                    created: created + Duration::hours(1),
                    created_by: fixture_id("00u", "aliceactive", 1),
                })
                .collect()
        } else {
            Vec::new()
        };
        org.apps.push(App {
            seq: k as u64 + 1,
            id,
            name: name.into(),
            label: label.into(),
            status: if word == "legacyintranet" { AppStatus::Inactive } else { AppStatus::Active },
            created,
            last_updated: created,
            config,
            groups,
            group_data,
            users,
            user_data,
            keys,
            grants,
        });
    }
    // APP_GROUP groups sourced from apps
    for (gname, app_word, dept) in [
        ("Salesforce Users", "salesforce", "Sales"),
        ("Zoom Licensed", "zoom", "Marketing"),
        ("GitHub Org Members", "github", "Engineering"),
    ] {
        let app_id = fixture_id("0oa", app_word, 1);
        let members: BTreeSet<u64> = org
            .users
            .values()
            .filter(|u| u.profile.get("department").and_then(Value::as_str) == Some(dept))
            .map(|u| u.seq)
            .collect();
        let seq = 1_000_000 + org.groups.len() as u64;
        let id = ids::okta_id(&mut rng, "00g");
        let created = anchor - days(&mut rng, 100, 600);
        if let Some(app) = org.apps.by_id_mut(&app_id) {
            app.groups.push(id.clone());
            app.group_data.insert(id.clone(), GroupAssignmentData { last_updated: created, profile: Map::new() });
        }
        let group = Group::new(seq, id, GroupType::AppGroup, gname, format!("Imported from {app_word}"), created);
        let group = group.with_members(members, anchor - days(&mut rng, 1, 30));
        org.insert_group(Group { source_app: Some(app_id), ..group });
    }
    let _ = dept_groups;

    // ---- factors, sessions, roles
    let active: Vec<(u64, String, String, String)> = org
        .users
        .values()
        .filter(|u| u.status == UserStatus::Active)
        .map(|u| {
            let phone = u.profile.get("mobilePhone").and_then(Value::as_str).unwrap_or("+14155550100").to_string();
            (u.seq, u.id.clone(), u.login(), phone)
        })
        .collect();
    let alice_id = fixture_id("00u", "aliceactive", 1);
    for (seq, uid, login, phone) in &active {
        let is_alice = *uid == alice_id;
        if *uid == fixture_id("00u", "bobactive", 1) {
            // Bob: no factors, no sessions (the plain fixture).
            continue;
        }
        let kinds: Vec<&str> = if is_alice {
            vec!["sms", "email", "token:software:totp", "push", "question"]
        } else if rng.random_bool(0.75) {
            let all = ["sms", "email", "token:software:totp", "push", "question"];
            let n = rng.random_range(1..=3);
            let start = rng.random_range(0..all.len());
            (0..n).map(|k| all[(start + k) % all.len()]).collect()
        } else {
            Vec::new()
        };
        let mut factors = Vec::new();
        for (k, kind) in kinds.iter().enumerate() {
            let prefix = match *kind {
                "sms" => "sms",
                "email" => "emf",
                "token:software:totp" => "ost",
                "push" => "opf",
                _ => "ufs",
            };
            let id = if is_alice { fixture_id(prefix, "alice", 1) } else { ids::okta_id(&mut rng, prefix) };
            let pending = !is_alice && matches!(*kind, "sms" | "token:software:totp" | "push") && rng.random_bool(0.15);
            let created = anchor - days(&mut rng, 10, 400);
            let profile = match *kind {
                "sms" => json!({"phoneNumber": phone}),
                "email" => json!({"email": login}),
                "token:software:totp" => json!({"credentialId": login}),
                "push" => {
                    json!({"credentialId": login, "deviceType": "SmartPhone_IPhone", "name": "iPhone", "platform": "IOS", "version": "17.4"})
                }
                _ => {
                    json!({"question": "disliked_food", "questionText": "What is the food you least liked as a child?"})
                }
            };
            factors.push(Factor {
                id,
                user_id: uid.clone(),
                factor_type: (*kind).to_string(),
                provider: "OKTA".into(),
                status: if pending { "PENDING_ACTIVATION" } else { "ACTIVE" }.into(),
                created,
                last_updated: created + Duration::minutes(k as i64),
                profile,
            });
        }
        if !factors.is_empty() {
            org.factors.insert(uid.clone(), factors);
        }
        // sessions
        let n_sessions = if is_alice {
            2
        } else if rng.random_bool(0.6) {
            rng.random_range(1..=2)
        } else {
            0
        };
        for k in 0..n_sessions {
            let sid = if is_alice {
                format!("102alicesession{:0>10}", k + 1)
            } else {
                format!("102{}", ids::base62(&mut rng, 22))
            };
            let created = anchor - Duration::minutes(rng.random_range(5..60 * 12));
            org.sessions.insert(
                sid.clone(),
                Session {
                    id: sid.clone(),
                    user_id: uid.clone(),
                    login: login.clone(),
                    created,
                    expires: created + Duration::hours(24),
                    mfa: is_alice || rng.random_bool(0.5),
                },
            );
            events.push(PendingEvent {
                at: created,
                event_type: "user.session.start",
                display: "User login to Okta",
                actor_seq: *seq,
                target_seq: None,
                outcome: ("SUCCESS", None),
                session: Some(sid),
            });
        }
        // past sessions that ended, and some failed sign-ins
        let n_past = if is_alice { 2 } else { rng.random_range(0..=2) };
        for _ in 0..n_past {
            let sid = format!("102{}", ids::base62(&mut rng, 22));
            let start = anchor - days(&mut rng, 1, 6);
            events.push(PendingEvent {
                at: start,
                event_type: "user.session.start",
                display: "User login to Okta",
                actor_seq: *seq,
                target_seq: None,
                outcome: ("SUCCESS", None),
                session: Some(sid.clone()),
            });
            events.push(PendingEvent {
                at: start + Duration::minutes(rng.random_range(10..600)),
                event_type: "user.session.end",
                display: "User logout from Okta",
                actor_seq: *seq,
                target_seq: None,
                outcome: ("SUCCESS", None),
                session: Some(sid),
            });
        }
        if is_alice || rng.random_bool(0.2) {
            events.push(PendingEvent {
                at: anchor - days(&mut rng, 0, 6),
                event_type: "user.session.start",
                display: "User login to Okta",
                actor_seq: *seq,
                target_seq: None,
                outcome: ("FAILURE", Some("INVALID_CREDENTIALS")),
                session: None,
            });
        }
    }
    // Lucy (LOCKED_OUT) failed several times.
    if let Some(lucy) = org.find_user(&fixture_id("00u", "lucylocked", 1)) {
        for k in 0..3 {
            events.push(PendingEvent {
                at: anchor - Duration::days(3) - Duration::minutes(10 - k),
                event_type: "user.session.start",
                display: "User login to Okta",
                actor_seq: lucy,
                target_seq: None,
                outcome: ("FAILURE", Some("INVALID_CREDENTIALS")),
                session: None,
            });
        }
    }
    // roles
    let role_for = |word: &str| fixture_id("00u", word, 1);
    let mut role_plan: Vec<(String, &str)> = vec![
        (role_for("aliceactive"), "SUPER_ADMIN"),
        (role_for("oliviaorgadmin"), "ORG_ADMIN"),
        (role_for("henryhelpdesk"), "HELP_DESK_ADMIN"),
    ];
    let extra_roles = ["ORG_ADMIN", "READ_ONLY_ADMIN", "READ_ONLY_ADMIN", "USER_ADMIN", "HELP_DESK_ADMIN"];
    for (k, r) in extra_roles.iter().enumerate() {
        if let Some((_, uid, _, _)) = active.get(FIXTURE_USERS.len() + 5 + k * 7) {
            role_plan.push((uid.clone(), r));
        }
    }
    for (k, (uid, rtype)) in role_plan.into_iter().enumerate() {
        let id = if k == 0 { fixture_id("ra1", "alicesuperadmin", 1) } else { ids::okta_id(&mut rng, "ra1") };
        let created = anchor - days(&mut rng, 30, 900);
        org.roles.entry(uid).or_default().push(RoleAssignment { id, role_type: rtype.to_string(), created });
    }

    // ---- System Log, in time order
    events.sort_by_key(|e| e.at);
    for e in events {
        let Some(actor) = org.actor_for_user(e.actor_seq) else {
            continue;
        };
        let targets = match e.target_seq.and_then(|s| org.users.get(&s)) {
            Some(u) => vec![Org::user_target(u)],
            None => Vec::new(),
        };
        let client = random_client(&mut rng);
        org.log(e.at, e.event_type, e.display, &actor, targets, e.outcome, e.session.as_deref(), &client);
    }
    admin::seed(&mut org, anchor);
    governance::security_reviews(&mut org);
    // Last, so that nothing seeded before draws differently.
    test_client(&mut org, &mut app_rng, anchor);
    signin_client(&mut org, &mut app_rng, anchor);
    org
}

/// The OIDC web app "okta-mcp test client" (`crate::TEST_CLIENT_ID`, secret `crate::TEST_CLIENT_SECRET`), assigned
/// to Everyone: the client of custom authorization server tokens (password and client_credentials grants).
fn test_client(org: &mut Org, rng: &mut rand_chacha::ChaCha8Rng, anchor: DateTime<Utc>) {
    let grants = ["authorization_code", "refresh_token", "password", "client_credentials"];
    let client = WebClient {
        id: crate::TEST_CLIENT_ID,
        secret: crate::TEST_CLIENT_SECRET,
        label: "okta-mcp test client",
        grant_types: &grants,
        redirect_uris: None,
        scopes: &[],
    };
    web_client(org, rng, anchor, &client);
}

/// The OIDC web app "okta-mcp sign-in" (`crate::SIGNIN_CLIENT_ID`, secret `crate::SIGNIN_CLIENT_SECRET`), assigned
/// to Everyone: the app of the MCP servers' browser sign-in (authorization code + PKCE, refresh tokens), granted
/// the org authorization server's end-user scopes `crate::SIGNIN_SCOPES`.
fn signin_client(org: &mut Org, rng: &mut rand_chacha::ChaCha8Rng, anchor: DateTime<Utc>) {
    let client = WebClient {
        id: crate::SIGNIN_CLIENT_ID,
        secret: crate::SIGNIN_CLIENT_SECRET,
        label: "okta-mcp sign-in",
        grant_types: &["authorization_code", "refresh_token"],
        redirect_uris: Some(&["http://127.0.0.1/oauth/callback", "http://localhost/oauth/callback"]),
        scopes: &crate::SIGNIN_SCOPES,
    };
    web_client(org, rng, anchor, &client);
}

/// A seeded OIDC web app with a client secret.
struct WebClient<'a> {
    id: &'a str,
    secret: &'a str,
    label: &'a str,
    grant_types: &'a [&'a str],
    /// none: the default ones.
    redirect_uris: Option<&'a [&'a str]>,
    /// Okta scopes granted to the app (`/api/v1/apps/{appId}/grants`).
    scopes: &'a [&'a str],
}

fn web_client(org: &mut Org, rng: &mut rand_chacha::ChaCha8Rng, anchor: DateTime<Utc>, c: &WebClient<'_>) {
    let id = c.id.to_owned();
    let created = anchor - days(rng, 30, 300);
    let key = AppKey {
        kid: ids::base62(rng, 43),
        created,
        expires: created + Duration::days(365 * 5),
        n: ids::base62(rng, 342),
        x5c: ids::base62(rng, 600),
    };
    let url = "http://localhost:8080";
    let mut config = default_config(SignOnMode::Oidc("web"), c.label, url, &id, Some(key.kid.as_str()));
    if let Some(client) = config.get_mut("settings").and_then(|s| s.get_mut("oauthClient")) {
        client["grant_types"] = json!(c.grant_types);
        if let Some(uris) = c.redirect_uris {
            client["redirect_uris"] = json!(uris);
        }
    }
    let grants = c
        .scopes
        .iter()
        .map(|scope| AppGrant {
            id: ids::okta_id(rng, "oag"),
            scope_id: (*scope).to_string(),
            issuer: String::new(),
            created: created + Duration::hours(1),
            created_by: fixture_id("00u", "aliceactive", 1),
        })
        .collect();
    let everyone = org.groups.values().find(|g| g.gtype == GroupType::BuiltIn).map(|g| g.id.clone());
    let groups: Vec<String> = everyone.into_iter().collect();
    let group_data = groups
        .iter()
        .map(|g| (g.clone(), GroupAssignmentData { last_updated: created, profile: Map::new() }))
        .collect();
    let seq = org.apps.iter().map(|a| a.seq).max().unwrap_or(0) + 1;
    org.secrets.clients.insert(id.clone(), Secrets::digest(c.secret));
    org.apps.push(App {
        seq,
        id,
        name: "oidc_client".into(),
        label: c.label.into(),
        status: AppStatus::Active,
        created,
        last_updated: created,
        config,
        groups,
        group_data,
        users: Vec::new(),
        user_data: Default::default(),
        keys: vec![key],
        grants,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_complete() {
        let anchor = Utc::now();
        let a = build(42, 300, anchor);
        let b = build(42, 300, anchor);
        assert_eq!(a.users.len(), 300);
        let ids_a: Vec<_> = a.users.values().map(|u| u.id.clone()).collect();
        let ids_b: Vec<_> = b.users.values().map(|u| u.id.clone()).collect();
        assert_eq!(ids_a, ids_b);
        for s in UserStatus::ALL {
            assert!(a.users.values().any(|u| u.status == s), "{s:?}");
        }
        let logins: BTreeSet<_> = a.users.values().map(|u| u.login().to_lowercase()).collect();
        assert_eq!(logins.len(), 300);
        assert!((20..=30).contains(&a.groups.len()), "{}", a.groups.len());
        assert_eq!(a.apps.len(), 14);
        let modes: BTreeSet<&str> = a.apps.iter().map(|x| x.sign_on_mode()).collect();
        assert_eq!(modes, BTreeSet::from(["BOOKMARK", "OPENID_CONNECT", "SAML_2_0"]));
        let salesforce = a.apps.iter().find(|x| x.label == "Salesforce").map(|x| x.signing_kid().is_some());
        assert_eq!(salesforce, Some(true));
        assert!(a.apps.iter().any(|x| x.status == AppStatus::Inactive));
        assert!(a.find_user("alice.active@example.com").is_some());
        assert_eq!(a.factors.get("00ualiceactive000001").map(Vec::len), Some(5));
        assert!(a.logs.windows(2).all(|w| w[0].published <= w[1].published));
        assert!(a.logs.len() > 300);
        let c = build(7, 300, anchor);
        assert_ne!(ids_a, c.users.values().map(|u| u.id.clone()).collect::<Vec<_>>());
    }

    #[test]
    fn a_seed_reproduces_the_whole_org() {
        let anchor = Utc::now();
        let (mut a, mut b) = (build(42, 40, anchor), build(42, 40, anchor));
        let keys = |o: &Org| {
            o.policy
                .auth_servers
                .iter()
                .flat_map(|s| o.policy.keys.of(crate::org::collection::str_of(s, "id")).to_vec())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&a), keys(&b));
        let devices = |o: &Org| o.admin.devices.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
        assert_eq!(devices(&a), devices(&b));
        let events = |o: &Org| o.logs.iter().map(|e| e.event["uuid"].clone()).collect::<Vec<_>>();
        assert_eq!(events(&a), events(&b));
        assert_eq!(a.new_id("00u"), b.new_id("00u"));
        assert_ne!(keys(&a), keys(&build(7, 40, anchor)));
    }
}
