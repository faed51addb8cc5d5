//! API paths with validated, percent-encoded parameters, and query strings.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::error::OktaError;

/// Characters encoded inside one path segment: everything except RFC 3986 unreserved
/// characters and `@ ! $ ' ( ) * , = :` (allowed `pchar`s). `@` stays literal because
/// Okta looks users up by login (`/api/v1/users/jane@example.com`); `+`, `;`, `&` are
/// encoded so no server can read them as a space, a matrix parameter or a separator.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b',')
    .remove(b'=')
    .remove(b':');

/// Characters encoded in query keys and values: everything except unreserved characters
/// (spaces become `%20`).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A request path: a static template such as `/api/v1/users/{id}` and its rendering with
/// validated, percent-encoded parameters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiPath {
    template: &'static str,
    rendered: String,
}

impl fmt::Debug for ApiPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiPath({})", self.rendered)
    }
}

impl fmt::Display for ApiPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rendered)
    }
}

impl ApiPath {
    /// Fill the `{name}` placeholders of `template`, in order, with `params`.
    ///
    /// A parameter is refused (`OktaError::InvalidInput` naming the placeholder) if it is
    /// empty, `.` or `..`, contains `..`, `/`, `\`, `?`, `#`, `%`, whitespace or control
    /// characters. Everything else is percent-encoded as one path segment.
    pub fn new(template: &'static str, params: &[&str]) -> Result<Self, OktaError> {
        let mut rendered = String::with_capacity(template.len() + 32);
        let mut rest = template;
        let mut params_iter = params.iter();
        while let Some(open) = rest.find('{') {
            rendered.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| OktaError::InvalidInput {
                field: "path".into(),
                reason: format!("unterminated placeholder in template {template}"),
            })?;
            let name = &after[..close];
            let value = params_iter.next().ok_or_else(|| OktaError::InvalidInput {
                field: name.to_string(),
                reason: format!("missing value for {{{name}}} in {template}"),
            })?;
            validate_param(name, value)?;
            rendered.extend(utf8_percent_encode(value, SEGMENT));
            rest = &after[close + 1..];
        }
        rendered.push_str(rest);
        if params_iter.next().is_some() {
            return Err(OktaError::InvalidInput {
                field: "path".into(),
                reason: format!(
                    "{} parameters given for template {template}, which has fewer placeholders",
                    params.len()
                ),
            });
        }
        Ok(Self { template, rendered })
    }

    /// The template, e.g. `/api/v1/users/{id}` (safe to log).
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The rendered, encoded path, e.g. `/api/v1/users/00u1abc`.
    pub fn as_str(&self) -> &str {
        &self.rendered
    }
}

fn validate_param(name: &str, value: &str) -> Result<(), OktaError> {
    let reject = |reason: &str| Err(OktaError::InvalidInput { field: name.to_string(), reason: reason.to_string() });
    if value.is_empty() {
        return reject("must not be empty");
    }
    if value == "." || value == ".." || value.contains("..") {
        return reject("must not be \".\", \"..\" or contain \"..\"");
    }
    if let Some(c) = value.chars().find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%')) {
        return reject(&format!("must not contain {c:?}"));
    }
    if value.chars().any(char::is_whitespace) {
        return reject("must not contain whitespace");
    }
    if value.chars().any(char::is_control) {
        return reject("must not contain control characters");
    }
    Ok(())
}

/// Query parameters, kept in order. Keys and values are percent-encoded when rendered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Self(Vec::new())
    }

    /// Add `k=v`.
    pub fn push(mut self, k: &str, v: impl ToString) -> Self {
        self.0.push((k.to_string(), v.to_string()));
        self
    }

    /// Add `k=v` when `v` is `Some`.
    pub fn opt(self, k: &str, v: Option<impl ToString>) -> Self {
        match v {
            Some(v) => self.push(k, v),
            None => self,
        }
    }

    /// No parameters?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The parameters in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// `k1=v1&k2=v2`, percent-encoded (empty string when there are no parameters).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (i, (k, v)) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.extend(utf8_percent_encode(k, QUERY));
            out.push('=');
            out.extend(utf8_percent_encode(v, QUERY));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: OktaError) -> String {
        match err {
            OktaError::InvalidInput { field, .. } => field,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn renders_plain_ids() {
        let p = ApiPath::new("/api/v1/users/{id}/lifecycle/activate", &["00u1abcD"]).unwrap();
        assert_eq!(p.as_str(), "/api/v1/users/00u1abcD/lifecycle/activate");
        assert_eq!(p.template(), "/api/v1/users/{id}/lifecycle/activate");
    }

    #[test]
    fn several_params_in_order() {
        let p = ApiPath::new("/api/v1/groups/{groupId}/users/{userId}", &["g1", "u2"]).unwrap();
        assert_eq!(p.as_str(), "/api/v1/groups/g1/users/u2");
    }

    #[test]
    fn logins_are_encoded() {
        let p = ApiPath::new("/api/v1/users/{login}", &["jane+test@example.com"]).unwrap();
        assert_eq!(p.as_str(), "/api/v1/users/jane%2Btest@example.com");
        let p = ApiPath::new("/api/v1/users/{login}", &["a;b&c\"é"]).unwrap();
        assert_eq!(p.as_str(), "/api/v1/users/a%3Bb%26c%22%C3%A9");
    }

    #[test]
    fn rejects_dangerous_params() {
        for bad in [
            "", ".", "..", "a..b", "../x", "a/b", "a?b", "a#b", "a%2F", "a b", "a\tb", "a\nb", "a\u{0}b", "a\u{7f}b",
            "a\\b", "\u{a0}",
        ] {
            let err = ApiPath::new("/api/v1/users/{userId}", &[bad]).expect_err(&format!("{bad:?} should be rejected"));
            assert_eq!(field_of(err), "userId", "{bad:?}");
        }
    }

    #[test]
    fn rejects_param_count_mismatch() {
        assert!(ApiPath::new("/api/v1/users/{id}", &[]).is_err());
        assert!(ApiPath::new("/api/v1/users/{id}", &["a", "b"]).is_err());
        assert!(ApiPath::new("/api/v1/users", &[]).is_ok());
    }

    #[test]
    fn query_encoding() {
        let q = Query::new()
            .push("search", "profile.lastName eq \"O'Neil\"")
            .push("limit", 200)
            .opt("after", None::<String>)
            .opt("filter", Some("a&b=c+d"));
        assert_eq!(q.encode(), "search=profile.lastName%20eq%20%22O%27Neil%22&limit=200&filter=a%26b%3Dc%2Bd");
        assert!(Query::new().is_empty());
    }
}
