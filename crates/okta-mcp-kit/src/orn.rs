//! Okta resource names (ORNs), parsed in one place: `orn:<partition>:<service>:<org id>:<type>:…:<id>`, e.g.
//! `orn:okta:directory:00o1:users:00u1` or `orn:oktapreview:idp:00o1:apps:salesforce:0oa1`. Governance tools take
//! them as arguments and protection finds users, groups and apps named by them in request bodies.

/// The parts of an ORN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Orn<'a> {
    /// `okta`, `oktapreview`, …
    pub partition: &'a str,
    /// `directory`, `idp`, `governance`, …
    pub service: &'a str,
    pub org: &'a str,
    /// The object type (`apps`, `groups`, `users`, `collections`, `entitlement-bundles`, `entitlement-values`).
    pub kind: &'a str,
    /// The object's id (the last part).
    pub id: &'a str,
}

/// Parse `orn:<partition>:<service>:<org>:<type>:…:<id>` (at least six parts, none empty, only the characters
/// ORNs use).
pub fn parse(s: &str) -> Option<Orn<'_>> {
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b":-_.~".contains(&b)) || s.split(':').any(str::is_empty) {
        return None;
    }
    let mut parts = s.split(':');
    if parts.next()? != "orn" {
        return None;
    }
    let (partition, service, org, kind) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let id = parts.next_back()?;
    Some(Orn { partition, service, org, kind, id })
}

/// What an ORN-like string names, read leniently for protection (which must fail closed): any string starting
/// `orn:` with at least six `:`-separated parts names the object type of its fifth part and the id of its last,
/// whatever its partition or characters. (Arguments are parsed strictly, with [`parse`].)
pub fn names(s: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = s.strip_prefix("orn:")?.split(':').collect();
    match parts.as_slice() {
        [_, _, _, kind, .., id] if parts.len() >= 5 => Some((kind.trim(), id.trim())),
        _ => None,
    }
}

/// The id an argument names: an ORN's id, or the argument itself when it is not an ORN.
pub fn id_of(value: &str) -> &str {
    parse(value).map_or(value, |orn| orn.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orns_parse_into_their_parts() {
        let orn = parse("orn:oktapreview:idp:00o1:apps:salesforce:0oa1").expect("an ORN");
        assert_eq!(
            (orn.partition, orn.service, orn.org, orn.kind, orn.id),
            ("oktapreview", "idp", "00o1", "apps", "0oa1")
        );
        assert_eq!(parse("orn:okta:directory:00o1:users:00u1").map(|o| o.id), Some("00u1"));
        let value = parse("orn:okta:governance:00o1:entitlement-values:ent1").expect("a value ORN");
        assert_eq!((value.kind, value.id), ("entitlement-values", "ent1"));
        assert!(parse("orn:okta:idp:00o1").is_none());
        assert!(parse("0oa1").is_none());
        for bad in
            ["orn:okta:directory:00o1:users", "urn:okta:a:b:c:d", "orn:okta::00o1:users:00u1", "orn:okta:a:b:c:d\"x"]
        {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn protection_reads_every_orn_that_names_an_object() {
        assert_eq!(names("orn:oktapreview:directory:00o1:users:00u1"), Some(("users", "00u1")));
        assert_eq!(names("orn:okta:idp:00o1:apps::0oa1"), Some(("apps", "0oa1")));
        assert_eq!(names("orn:okta:idp:00o1:apps:sales force:0oa1"), Some(("apps", "0oa1")));
        assert_eq!(names("orn:okta:directory:00o1:users"), None);
        assert_eq!(names("00u1"), None);
    }

    #[test]
    fn ids_are_given_plainly_or_as_orns() {
        assert_eq!(id_of("orn:okta:idp:00o1:apps:salesforce:0oa1"), "0oa1");
        assert_eq!(id_of("orn:okta:directory:00o1:groups:00g1"), "00g1");
        assert_eq!(id_of("0oa1"), "0oa1");
        assert_eq!(id_of("Finance Admin"), "Finance Admin");
    }
}
