//! Okta API operations as values: what a tool declares and what builds its requests (see [`crate::ops`]).

use serde::Serialize;

use crate::error::OktaError;
use crate::path::ApiPath;

/// The HTTP methods Okta's API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum HttpMethod {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
}

impl HttpMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::GET => "GET",
            HttpMethod::POST => "POST",
            HttpMethod::PUT => "PUT",
            HttpMethod::PATCH => "PATCH",
            HttpMethod::DELETE => "DELETE",
        }
    }

    /// The same method as reqwest's type.
    pub fn to_reqwest(self) -> reqwest::Method {
        match self {
            HttpMethod::GET => reqwest::Method::GET,
            HttpMethod::POST => reqwest::Method::POST,
            HttpMethod::PUT => reqwest::Method::PUT,
            HttpMethod::PATCH => reqwest::Method::PATCH,
            HttpMethod::DELETE => reqwest::Method::DELETE,
        }
    }

    /// Reads change nothing; everything else is a change.
    pub fn is_read(self) -> bool {
        self == HttpMethod::GET
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Okta API operation, as Okta's OpenAPI spec states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Operation {
    pub method: HttpMethod,
    /// The path template, `{name}` placeholders as in the spec.
    pub path: &'static str,
    /// Okta's `operationId`.
    #[serde(rename = "operationId")]
    pub id: &'static str,
    /// The OAuth scopes the spec requires (all of them).
    #[serde(skip)]
    pub scopes: &'static [&'static str],
    /// Okta serves the operation to OAuth 2.0 access tokens only (the spec lists no API-token security for it).
    #[serde(skip)]
    pub oauth_only: bool,
}

impl Operation {
    /// The request path: the template's placeholders filled, in order, with validated, percent-encoded `params`.
    pub fn path(&self, params: &[&str]) -> Result<ApiPath, OktaError> {
        ApiPath::new(self.path, params)
    }

    /// Same method and path template.
    pub fn same(&self, other: &Operation) -> bool {
        self.method == other.method && self.path == other.path
    }

    /// Whether a rendered path (no query) is this operation's template with its placeholders filled.
    pub fn matches_path(&self, path: &str) -> bool {
        let mut template = self.path.split('/');
        let mut actual = path.split('/');
        loop {
            match (template.next(), actual.next()) {
                (None, None) => return true,
                (Some(t), Some(a)) if t.starts_with('{') && t.ends_with('}') => {
                    if a.is_empty() {
                        return false;
                    }
                }
                (Some(t), Some(a)) if t == a => {}
                _ => return false,
            }
        }
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Declare operations as constants, and `ALL` listing them:
/// `NAME = GET "/api/v1/users/{id}" "getUser" ["okta.users.read"];` (append `oauth_only` before `;` for
/// operations Okta serves to OAuth access tokens only).
#[macro_export]
macro_rules! operations {
    ($($name:ident = $method:ident $path:literal $id:literal [$($scope:literal),* $(,)?] $($oauth:ident)?;)*) => {
        $(
            #[doc = concat!("`", stringify!($method), " ", $path, "` (`", $id, "`)")]
            pub const $name: Operation = Operation {
                method: $crate::HttpMethod::$method,
                path: $path,
                id: $id,
                scopes: &[$($scope),*],
                oauth_only: $crate::operations!(@oauth $($oauth)?),
            };
        )*
        /// Every operation above.
        pub const ALL: &[Operation] = &[$($name),*];
    };
    (@oauth) => { false };
    (@oauth oauth_only) => { true };
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET_USER: Operation = Operation {
        method: HttpMethod::GET,
        path: "/api/v1/users/{id}",
        id: "getUser",
        scopes: &["okta.users.read"],
        oauth_only: false,
    };

    #[test]
    fn paths_are_built_from_the_template() {
        assert_eq!(GET_USER.path(&["00u1"]).map(|p| p.to_string()).ok().as_deref(), Some("/api/v1/users/00u1"));
        assert!(GET_USER.path(&["a/b"]).is_err());
    }

    #[test]
    fn rendered_paths_match_their_template() {
        assert!(GET_USER.matches_path("/api/v1/users/00u1"));
        assert!(!GET_USER.matches_path("/api/v1/users/00u1/roles"));
        assert!(!GET_USER.matches_path("/api/v1/users/"));
        assert!(!GET_USER.matches_path("/api/v1/groups/00g1"));
    }
}
