//! Groups (Okta groups, the built-in Everyone group, app groups).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::ids::ts;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupType {
    OktaGroup,
    BuiltIn,
    AppGroup,
}

impl GroupType {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupType::OktaGroup => "OKTA_GROUP",
            GroupType::BuiltIn => "BUILT_IN",
            GroupType::AppGroup => "APP_GROUP",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Group {
    pub seq: u64,
    pub id: String,
    pub gtype: GroupType,
    pub name: String,
    pub description: String,
    pub created: DateTime<Utc>,
    pub last_updated: DateTime<Utc>,
    pub last_membership_updated: DateTime<Utc>,
    /// Member user seqs.
    pub members: BTreeSet<u64>,
    /// For APP_GROUP groups: the app that sources the group.
    pub source_app: Option<String>,
}

impl Group {
    /// A group made at `created`, with no members and no changes since.
    pub fn new(
        seq: u64,
        id: String,
        gtype: GroupType,
        name: impl Into<String>,
        description: impl Into<String>,
        created: DateTime<Utc>,
    ) -> Self {
        Group {
            seq,
            id,
            gtype,
            name: name.into(),
            description: description.into(),
            created,
            last_updated: created,
            last_membership_updated: created,
            members: BTreeSet::new(),
            source_app: None,
        }
    }

    /// The group with `members`, whose membership last changed at `updated`.
    pub fn with_members(self, members: BTreeSet<u64>, updated: DateTime<Utc>) -> Self {
        Group { members, last_membership_updated: updated, ..self }
    }

    pub fn to_json(&self, public: &str) -> Value {
        let base = format!("{public}/api/v1/groups/{}", self.id);
        let (object_class, profile) = match self.gtype {
            GroupType::AppGroup => (
                "okta:windows_security_principal",
                json!({
                    "name": self.name,
                    "description": self.description,
                    "samAccountName": self.name.replace(' ', ""),
                    "externalId": format!("{}==", self.id),
                }),
            ),
            _ => ("okta:user_group", json!({ "name": self.name, "description": self.description })),
        };
        let mut links = json!({
            "logo": [
                {"name": "medium", "href": format!("{public}/img/logos/groups/okta-medium.png"), "type": "image/png"},
                {"name": "large", "href": format!("{public}/img/logos/groups/okta-large.png"), "type": "image/png"}
            ],
            "users": {"href": format!("{base}/users")},
            "apps": {"href": format!("{base}/apps")},
        });
        if let (Some(app), Some(obj)) = (&self.source_app, links.as_object_mut()) {
            obj.insert("source".into(), json!({"href": format!("{public}/api/v1/apps/{app}")}));
        }
        json!({
            "id": self.id,
            "created": ts(&self.created),
            "lastUpdated": ts(&self.last_updated),
            "lastMembershipUpdated": ts(&self.last_membership_updated),
            "objectClass": [object_class],
            "type": self.gtype.as_str(),
            "profile": profile,
            "_links": links,
        })
    }
}
