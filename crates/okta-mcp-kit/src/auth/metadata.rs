//! What the server tells clients about its protection: RFC 9728 protected-resource metadata, and the
//! `WWW-Authenticate` challenge (RFC 6750) that points at it.

use serde_json::{Value, json};
use url::Url;

/// The metadata path for a resource URL (RFC 9728 §3.1: the well-known segment goes between host and path), and
/// the bare form some clients ask for first.
pub fn metadata_paths(resource: &Url) -> Vec<String> {
    let base = "/.well-known/oauth-protected-resource".to_owned();
    let path = resource.path().trim_end_matches('/');
    if path.is_empty() { vec![base] } else { vec![format!("{base}{path}"), base] }
}

/// The URL clients fetch the metadata from.
pub fn metadata_url(resource: &Url) -> String {
    let mut url = resource.clone();
    url.set_query(None);
    url.set_fragment(None);
    let path = metadata_paths(resource).into_iter().next().unwrap_or_default();
    url.set_path(&path);
    url.to_string()
}

/// The metadata document.
pub fn document(resource: &Url, issuer: &str, scope: Option<&str>, name: &str) -> Value {
    json!({
        "resource": resource.as_str(),
        "authorization_servers": [issuer],
        "scopes_supported": scope.map(|s| vec![s]).unwrap_or_default(),
        "bearer_methods_supported": ["header"],
        "resource_name": name,
    })
}

fn quoted(value: &str) -> String {
    // RFC 6750 quoted-string: no quotes or backslashes, and no control characters.
    value.chars().filter(|c| *c != '"' && *c != '\\' && !c.is_control()).collect()
}

/// A `WWW-Authenticate: Bearer …` value: where the metadata is, the scope, and the error if there is one.
pub fn challenge(resource: &Url, scope: Option<&str>, error: Option<(&str, &str)>) -> String {
    let mut parts = vec![format!("resource_metadata=\"{}\"", metadata_url(resource))];
    if let Some(scope) = scope {
        parts.push(format!("scope=\"{}\"", quoted(scope)));
    }
    if let Some((code, description)) = error {
        parts.push(format!("error=\"{code}\""));
        parts.push(format!("error_description=\"{}\"", quoted(description)));
    }
    format!("Bearer {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_lives_beside_the_resource_path() {
        let resource = Url::parse("https://mcp.example.com/mcp").expect("url");
        assert_eq!(
            metadata_paths(&resource),
            ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]
        );
        assert_eq!(metadata_url(&resource), "https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
        let root = Url::parse("https://mcp.example.com/").expect("url");
        assert_eq!(metadata_paths(&root), ["/.well-known/oauth-protected-resource"]);
    }

    #[test]
    fn challenges_quote_safely() {
        let resource = Url::parse("http://127.0.0.1:8080/mcp").expect("url");
        let value = challenge(&resource, Some("mcp"), Some(("invalid_token", "bad \"token\"\n")));
        assert_eq!(
            value,
            "Bearer resource_metadata=\"http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp\", \
             scope=\"mcp\", error=\"invalid_token\", error_description=\"bad token\""
        );
    }
}
