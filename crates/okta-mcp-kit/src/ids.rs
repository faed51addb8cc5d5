//! Okta object ids: a three-character prefix that names the kind of object, then 17 letters and digits
//! (`00u…` a user, `00g…` a group, `0oa…` an app). One predicate per kind, and [`UserId`] for the user ids
//! lookups return, so a login or another kind of id cannot stand where a user's id is wanted.

use std::fmt;
use std::ops::Deref;

/// The kinds of Okta object whose ids the tools recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    User,
    Group,
    App,
    Campaign,
    Collection,
}

impl Kind {
    /// The prefix of this kind's ids.
    pub const fn prefix(self) -> &'static str {
        match self {
            Kind::User => "00u",
            Kind::Group => "00g",
            Kind::App => "0oa",
            Kind::Campaign => "ici",
            Kind::Collection => "col",
        }
    }

    /// Is `s` an id of this kind (the prefix, then 17 letters and digits)?
    pub fn is_id(self, s: &str) -> bool {
        s.len() == 20 && s.starts_with(self.prefix()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
    }
}

/// Is `s` a user id (00u…)?
pub fn is_user_id(s: &str) -> bool {
    Kind::User.is_id(s)
}

/// Is `s` a group id (00g…)?
pub fn is_group_id(s: &str) -> bool {
    Kind::Group.is_id(s)
}

/// Is `s` an app id (0oa…)?
pub fn is_app_id(s: &str) -> bool {
    Kind::App.is_id(s)
}

/// Does `s` look like a user, group or app id (any of the kinds protection names objects by)?
pub fn is_directory_id(s: &str) -> bool {
    [Kind::User, Kind::Group, Kind::App].iter().any(|k| s.starts_with(k.prefix())) && !s.contains(['@', ' '])
}

/// A user's id (00u…), checked when made, so it cannot be mixed up with another kind of id or a login.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserId(String);

impl UserId {
    /// `s` when it is a user's id.
    pub fn parse(s: &str) -> Option<Self> {
        Kind::User.is_id(s).then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for UserId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for UserId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_their_kind_s_prefix_and_17_letters_and_digits() {
        assert!(Kind::User.is_id("00u1abcdefghijklmnop"));
        assert!(!Kind::User.is_id("alice@example.com"));
        assert!(!Kind::User.is_id("00u1abc"));
        assert!(!Kind::User.is_id("00g1abcdefghijklmnop"));
        assert!(Kind::Group.is_id("00g1abcdefghijklmnop"));
        assert!(Kind::App.is_id("0oa1abcdefghijklmnop"));
        assert!(Kind::Campaign.is_id("ici1abcdefghijklmnop"));
        assert!(Kind::Collection.is_id("col1abcdefghijklmnop"));
    }

    #[test]
    fn user_ids_take_only_user_ids() {
        assert_eq!(
            UserId::parse("00u1abcdefghijklmnop").map(|id| id.to_string()).as_deref(),
            Some("00u1abcdefghijklmnop")
        );
        assert!(UserId::parse("00g1abcdefghijklmnop").is_none());
        assert!(UserId::parse("alice@example.com").is_none());
        assert!(is_directory_id("0oa1") && !is_directory_id("alice@example.com"));
    }
}
