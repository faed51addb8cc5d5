//! Configuration from `OKTA_*` environment variables.

use std::net::IpAddr;

use url::Url;

use crate::key::{KeyError, SigningKey};
use crate::secret::Secret;

/// `OKTA_ORG_URL`
pub const ENV_ORG_URL: &str = "OKTA_ORG_URL";
/// `OKTA_API_TOKEN`
pub const ENV_API_TOKEN: &str = "OKTA_API_TOKEN";
/// `OKTA_CLIENT_ID`
pub const ENV_CLIENT_ID: &str = "OKTA_CLIENT_ID";
/// `OKTA_PRIVATE_KEY`
pub const ENV_PRIVATE_KEY: &str = "OKTA_PRIVATE_KEY";
/// `OKTA_PRIVATE_KEY_PATH`
pub const ENV_PRIVATE_KEY_PATH: &str = "OKTA_PRIVATE_KEY_PATH";
/// `OKTA_KEY_ID`
pub const ENV_KEY_ID: &str = "OKTA_KEY_ID";
/// `OKTA_SCOPES`
pub const ENV_SCOPES: &str = "OKTA_SCOPES";
/// `OKTA_DPOP`
pub const ENV_DPOP: &str = "OKTA_DPOP";

/// Whether OAuth token requests carry a DPoP proof (`OKTA_DPOP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DpopMode {
    /// Send a proof; use whatever token type Okta issues (`DPoP` or `Bearer`). The default.
    #[default]
    Auto,
    /// Send a proof and insist on a DPoP-bound token.
    Always,
    /// Never send a proof (plain Bearer tokens).
    Never,
}

impl DpopMode {
    /// Parse `auto`, `always` or `never` (case-insensitive; `true`/`on`/`false`/`off` too).
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "auto" | "" => Some(Self::Auto),
            "always" | "true" | "on" | "yes" | "1" => Some(Self::Always),
            "never" | "false" | "off" | "no" | "0" => Some(Self::Never),
            _ => None,
        }
    }

    /// `auto`, `always` or `never`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Always => "always",
            Self::Never => "never",
        }
    }
}

/// A configuration problem. The message always names the environment variable and never
/// contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is not set.
    #[error("{var} is not set: {hint}")]
    Missing {
        /// Variable name(s).
        var: &'static str,
        /// What to do.
        hint: String,
    },
    /// A variable is set to an unusable value.
    #[error("{var} is invalid: {reason}")]
    Invalid {
        /// Variable name.
        var: &'static str,
        /// Why.
        reason: String,
    },
    /// A private key is unusable.
    #[error("{var} does not hold a usable private key: {source}")]
    Key {
        /// Variable name.
        var: &'static str,
        /// Why.
        #[source]
        source: KeyError,
    },
    /// `OKTA_PRIVATE_KEY_PATH` cannot be read.
    #[error("{var}: cannot read the key file {path:?}: {reason}")]
    UnreadableKeyFile {
        /// Variable name.
        var: &'static str,
        /// The path as given.
        path: String,
        /// The I/O error.
        reason: String,
    },
    /// Two variables contradict each other.
    #[error("{var} and {other} are both set: {hint}")]
    Conflict {
        /// First variable.
        var: &'static str,
        /// Second variable.
        other: &'static str,
        /// What to do.
        hint: String,
    },
}

impl ConfigError {
    /// The environment variable this error is about.
    pub fn var(&self) -> &'static str {
        match self {
            Self::Missing { var, .. }
            | Self::Invalid { var, .. }
            | Self::Key { var, .. }
            | Self::UnreadableKeyFile { var, .. }
            | Self::Conflict { var, .. } => var,
        }
    }
}

/// How the client authenticates.
#[derive(Debug, Clone)]
pub enum AuthConfig {
    /// `Authorization: SSWS <token>`.
    ApiToken(Secret),
    /// OAuth 2.0 client credentials with a `private_key_jwt` client assertion.
    PrivateKeyJwt(PrivateKeyJwtConfig),
    /// None of its own: delegated (end-user) mode, where every request carries the signed-in person's access
    /// token (`auth::end_user::as_end_user`) and one made outside a person's call is refused.
    EndUser,
}

/// OAuth 2.0 service-app credentials.
#[derive(Debug, Clone)]
pub struct PrivateKeyJwtConfig {
    /// The service app's client id (`iss`/`sub` of the assertion).
    pub client_id: String,
    /// The parsed private key (Debug redacted).
    pub key: SigningKey,
    /// `kid` for the assertion header (`OKTA_KEY_ID`, else the JWK's `kid`).
    pub key_id: Option<String>,
    /// DPoP for token requests and API calls (`OKTA_DPOP`).
    pub dpop: DpopMode,
}

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct OktaConfig {
    /// `https://{yourOktaDomain}/` (path, query and fragment stripped).
    pub org_url: Url,
    /// Credentials.
    pub auth: AuthConfig,
    /// `OKTA_SCOPES`, when set: overrides the scopes a server would request.
    pub scopes_override: Option<Vec<String>>,
    notices: Vec<String>,
}

impl OktaConfig {
    /// Build a configuration directly (tests, embedding). `org_url` is validated like
    /// `OKTA_ORG_URL`.
    pub fn new(org_url: &str, auth: AuthConfig) -> Result<Self, ConfigError> {
        Ok(Self { org_url: parse_org_url(org_url)?, auth, scopes_override: None, notices: Vec::new() })
    }

    /// Delegated (end-user) mode: only the org URL (`OKTA_ORG_URL`), no credential of the server's own.
    pub fn for_end_users(org_url: &str) -> Result<Self, ConfigError> {
        Self::new(org_url, AuthConfig::EndUser)
    }

    /// Read the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Read the configuration through `get` (returns the variable's value, if set).
    /// Values that are empty or only whitespace count as unset.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let mut notices = Vec::new();

        let org_url = match get(ENV_ORG_URL) {
            Some(v) => parse_org_url(&v)?,
            None => {
                return Err(ConfigError::Missing {
                    var: ENV_ORG_URL,
                    hint: "set it to your Okta org URL, e.g. https://dev-123456.okta.com".into(),
                });
            }
        };

        let api_token = get(ENV_API_TOKEN);
        let client_id = get(ENV_CLIENT_ID).map(|v| v.trim().to_string());
        let key_inline = get(ENV_PRIVATE_KEY);
        let key_path = get(ENV_PRIVATE_KEY_PATH);
        let key_id = get(ENV_KEY_ID).map(|v| v.trim().to_string());
        let dpop = match get(ENV_DPOP) {
            None => None,
            Some(v) => Some(DpopMode::parse(&v).ok_or_else(|| ConfigError::Invalid {
                var: ENV_DPOP,
                reason: format!("{:?} is not one of auto, always, never", v.trim()),
            })?),
        };

        if key_inline.is_some() && key_path.is_some() {
            return Err(ConfigError::Conflict {
                var: ENV_PRIVATE_KEY,
                other: ENV_PRIVATE_KEY_PATH,
                hint: "set only one of them".into(),
            });
        }
        let key_var = if key_inline.is_some() {
            Some(ENV_PRIVATE_KEY)
        } else if key_path.is_some() {
            Some(ENV_PRIVATE_KEY_PATH)
        } else {
            None
        };

        let auth = match (client_id, key_var) {
            (Some(client_id), Some(key_var)) => {
                let key_text = match (key_inline, key_path) {
                    (Some(text), _) => text,
                    (None, Some(path)) => read_key_file(path.trim())?,
                    (None, None) => String::new(),
                };
                let key = SigningKey::parse(&key_text).map_err(|source| ConfigError::Key { var: key_var, source })?;
                let key_id = key_id.or_else(|| key.jwk_kid().map(str::to_string));
                if key_id.is_none() {
                    notices.push(format!(
                        "{ENV_KEY_ID} is not set and the key has no kid: the client assertion is sent without a kid, which Okta accepts only if the app has a single public key"
                    ));
                }
                if api_token.is_some() {
                    notices.push(format!(
                        "both {ENV_CLIENT_ID} and {ENV_API_TOKEN} are set: using OAuth (private_key_jwt); {ENV_API_TOKEN} is ignored"
                    ));
                }
                AuthConfig::PrivateKeyJwt(PrivateKeyJwtConfig {
                    client_id,
                    key,
                    key_id,
                    dpop: dpop.unwrap_or_default(),
                })
            }
            (Some(_), None) => {
                return Err(ConfigError::Missing {
                    var: ENV_PRIVATE_KEY,
                    hint: format!(
                        "{ENV_CLIENT_ID} is set, so a private key is needed: set {ENV_PRIVATE_KEY} (PEM or JWK) or {ENV_PRIVATE_KEY_PATH} (a file), or unset {ENV_CLIENT_ID} to use {ENV_API_TOKEN}"
                    ),
                });
            }
            (None, Some(key_var)) => {
                return Err(ConfigError::Missing {
                    var: ENV_CLIENT_ID,
                    hint: format!("{key_var} is set, so the service app's client id is needed for private_key_jwt"),
                });
            }
            (None, None) => match api_token {
                Some(token) => {
                    if dpop.is_some() {
                        notices.push(format!(
                            "{ENV_DPOP} is set but ignored: DPoP only applies to OAuth ({ENV_CLIENT_ID})"
                        ));
                    }
                    let token = token.trim();
                    let token = match token.strip_prefix("SSWS ") {
                        Some(rest) => {
                            notices.push(format!("{ENV_API_TOKEN} starts with \"SSWS \": the prefix was removed"));
                            rest.trim()
                        }
                        None => token,
                    };
                    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
                        return Err(ConfigError::Invalid {
                            var: ENV_API_TOKEN,
                            reason: "the token contains whitespace or control characters".into(),
                        });
                    }
                    AuthConfig::ApiToken(Secret::new(token.to_string()))
                }
                None => {
                    return Err(ConfigError::Missing {
                        var: "OKTA_API_TOKEN or OKTA_CLIENT_ID",
                        hint: format!(
                            "no credentials: set {ENV_API_TOKEN} (an SSWS API token), or {ENV_CLIENT_ID} with {ENV_PRIVATE_KEY} or {ENV_PRIVATE_KEY_PATH} (OAuth 2.0 service app, private_key_jwt)"
                        ),
                    });
                }
            },
        };

        let scopes_override = match get(ENV_SCOPES) {
            Some(v) => {
                let scopes = split_scopes(&v);
                if scopes.is_empty() {
                    None
                } else {
                    if matches!(auth, AuthConfig::ApiToken(_)) {
                        notices.push(format!(
                            "{ENV_SCOPES} is set but ignored: scopes only apply to OAuth ({ENV_CLIENT_ID})"
                        ));
                    }
                    Some(scopes)
                }
            }
            None => None,
        };

        Ok(Self { org_url, auth, scopes_override, notices })
    }

    /// A short description of the credential in use (no secrets).
    pub fn auth_kind(&self) -> &'static str {
        match self.auth {
            AuthConfig::ApiToken(_) => "SSWS API token",
            AuthConfig::PrivateKeyJwt(_) => "OAuth 2.0 private_key_jwt",
            AuthConfig::EndUser => "signed-in people's own access tokens (delegated)",
        }
    }

    /// `auth_kind()` plus the client id for OAuth, e.g.
    /// `OAuth 2.0 private_key_jwt (client id 0oa...)`.
    pub fn auth_description(&self) -> String {
        match &self.auth {
            AuthConfig::ApiToken(_) | AuthConfig::EndUser => self.auth_kind().to_string(),
            AuthConfig::PrivateKeyJwt(c) => {
                let kid = c.key_id.as_deref().map(|k| format!(", kid {k}")).unwrap_or_default();
                format!(
                    "{} (client id {}{kid}, {} key, DPoP {})",
                    self.auth_kind(),
                    c.client_id,
                    c.key.algorithm(),
                    c.dpop.as_str()
                )
            }
        }
    }

    /// Things the startup log should print (ignored variables, assumptions).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }
}

/// Split `OKTA_SCOPES` (space and/or comma separated), dropping duplicates.
pub fn split_scopes(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in value.split(|c: char| c == ',' || c.is_whitespace()) {
        if !s.is_empty() && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

fn read_key_file(path: &str) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError::UnreadableKeyFile {
        var: ENV_PRIVATE_KEY_PATH,
        path: path.to_string(),
        reason: match e.kind() {
            std::io::ErrorKind::InvalidData => "the file is not UTF-8 text (PEM or JWK expected)".into(),
            _ => e.to_string(),
        },
    })
}

fn parse_org_url(value: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid { var: ENV_ORG_URL, reason };
    let value = value.trim();
    let url = Url::parse(value)
        .map_err(|e| invalid(format!("{value:?} is not a URL ({e}); expected e.g. https://dev-123456.okta.com")))?;
    let host = url.host().ok_or_else(|| invalid(format!("{value:?} has no host")))?;
    let loopback = match &host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(invalid(format!(
                "{value:?} uses http://; Okta requires https:// (http:// is only allowed for localhost/127.0.0.1/::1 test servers)"
            )));
        }
        other => {
            return Err(invalid(format!("unsupported scheme {other:?}; expected https://")));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("the URL must not contain credentials".into()));
    }
    let mut url = url;
    url.set_path("/");
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::test_support::test_key;

    fn load(vars: &[(&str, &str)]) -> Result<OktaConfig, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        OktaConfig::from_lookup(|k| map.get(k).cloned())
    }

    const ORG: (&str, &str) = (ENV_ORG_URL, "https://dev-123.okta.com");

    #[test]
    fn api_token_config() {
        let c =
            load(&[(ENV_ORG_URL, "https://dev-123.okta.com/some/path/?x=1#f"), (ENV_API_TOKEN, "00abcSecretToken")])
                .unwrap();
        assert_eq!(c.org_url.as_str(), "https://dev-123.okta.com/");
        assert_eq!(c.auth_kind(), "SSWS API token");
        assert!(matches!(&c.auth, AuthConfig::ApiToken(t) if t.expose() == "00abcSecretToken"));
        assert!(c.notices().is_empty());
        assert!(!format!("{c:?}").contains("00abcSecretToken"));
    }

    #[test]
    fn ssws_prefix_is_stripped() {
        let c = load(&[ORG, (ENV_API_TOKEN, "SSWS 00abc")]).unwrap();
        assert!(matches!(&c.auth, AuthConfig::ApiToken(t) if t.expose() == "00abc"));
        assert_eq!(c.notices().len(), 1);
    }

    #[test]
    fn org_url_rules() {
        let err = load(&[(ENV_API_TOKEN, "t")]).unwrap_err();
        assert_eq!(err.var(), ENV_ORG_URL);
        assert!(err.to_string().contains(ENV_ORG_URL));
        for bad in [
            "http://dev-123.okta.com",
            "dev-123.okta.com",
            "ftp://dev-123.okta.com",
            "https://user:pw@dev-123.okta.com",
            "http://10.0.0.1:8080",
        ] {
            let err = load(&[(ENV_ORG_URL, bad), (ENV_API_TOKEN, "t")]).unwrap_err();
            assert_eq!(err.var(), ENV_ORG_URL, "{bad}");
            assert!(err.to_string().contains(ENV_ORG_URL), "{err}");
            assert!(!err.to_string().contains("pw@"), "{err}");
        }
        for good in [
            "http://127.0.0.1:8080",
            "http://127.3.4.5",
            "http://[::1]:9000/",
            "http://localhost:1234",
            "https://dev-123-admin.okta.com",
            "https://login.example.com",
        ] {
            assert!(load(&[(ENV_ORG_URL, good), (ENV_API_TOKEN, "t")]).is_ok(), "{good}");
        }
    }

    #[test]
    fn oauth_config_and_precedence_notice() {
        let k = test_key();
        let c = load(&[
            ORG,
            (ENV_API_TOKEN, "00tok"),
            (ENV_CLIENT_ID, "0oaClient"),
            (ENV_PRIVATE_KEY, &k.jwk.to_string()),
            (ENV_SCOPES, "okta.users.read, okta.groups.read okta.users.read"),
        ])
        .unwrap();
        let AuthConfig::PrivateKeyJwt(p) = &c.auth else {
            panic!("expected OAuth");
        };
        assert_eq!(p.client_id, "0oaClient");
        assert_eq!(p.key_id.as_deref(), Some("test-kid-1"));
        assert_eq!(c.scopes_override, Some(vec!["okta.users.read".to_string(), "okta.groups.read".to_string()]));
        assert_eq!(c.auth_kind(), "OAuth 2.0 private_key_jwt");
        assert!(c.auth_description().contains("0oaClient"));
        assert!(c.notices().iter().any(|n| n.contains("OKTA_API_TOKEN is ignored")), "{:?}", c.notices());
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("00tok"));
        assert!(!dbg.contains(k.jwk["d"].as_str().unwrap()));
    }

    #[test]
    fn key_id_overrides_jwk_kid_and_key_file_works() {
        let k = test_key();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.pem");
        std::fs::write(&path, &k.pkcs8_pem).unwrap();
        let c = load(&[
            ORG,
            (ENV_CLIENT_ID, "0oa1"),
            (ENV_PRIVATE_KEY_PATH, path.to_str().unwrap()),
            (ENV_KEY_ID, "kid-9"),
        ])
        .unwrap();
        let AuthConfig::PrivateKeyJwt(p) = &c.auth else {
            panic!("expected OAuth");
        };
        assert_eq!(p.key_id.as_deref(), Some("kid-9"));
        // No kid anywhere: a notice.
        let c = load(&[ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY, &k.pkcs1_pem)]).unwrap();
        assert!(c.notices().iter().any(|n| n.contains(ENV_KEY_ID)));
    }

    #[test]
    fn each_error_names_its_variable() {
        let k = test_key();
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (vec![ORG], "OKTA_API_TOKEN or OKTA_CLIENT_ID"),
            (vec![ORG, (ENV_CLIENT_ID, "0oa1")], ENV_PRIVATE_KEY),
            (vec![ORG, (ENV_PRIVATE_KEY, &k.pkcs1_pem)], ENV_CLIENT_ID),
            (vec![ORG, (ENV_PRIVATE_KEY_PATH, "/x")], ENV_CLIENT_ID),
            (vec![ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY_PATH, "/nonexistent/key.pem")], ENV_PRIVATE_KEY_PATH),
            (vec![ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY, &k.public_pem)], ENV_PRIVATE_KEY),
            (
                vec![
                    ORG,
                    (ENV_CLIENT_ID, "0oa1"),
                    (ENV_PRIVATE_KEY, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA\n-----END ENCRYPTED PRIVATE KEY-----"),
                ],
                ENV_PRIVATE_KEY,
            ),
            (
                vec![
                    ORG,
                    (ENV_CLIENT_ID, "0oa1"),
                    (ENV_PRIVATE_KEY, "-----BEGIN EC PRIVATE KEY-----\nAA\n-----END EC PRIVATE KEY-----"),
                ],
                ENV_PRIVATE_KEY,
            ),
            (vec![ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY, r#"{"kty":"RSA","n":"AQAB"}"#)], ENV_PRIVATE_KEY),
            (
                vec![ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY, &k.pkcs1_pem), (ENV_PRIVATE_KEY_PATH, "/x")],
                ENV_PRIVATE_KEY,
            ),
            (vec![ORG, (ENV_API_TOKEN, "two words")], ENV_API_TOKEN),
        ];
        let secret_line = k.pkcs1_pem.lines().nth(1).unwrap().to_string();
        for (vars, var) in cases {
            let err = load(&vars).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(var), "{msg} should name {var}");
            assert!(!msg.contains(&secret_line), "{msg}");
        }
        let err = load(&[
            ORG,
            (ENV_CLIENT_ID, "0oa1"),
            (ENV_PRIVATE_KEY, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA\n-----END ENCRYPTED PRIVATE KEY-----"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("openssl"), "{err}");
    }

    #[test]
    fn dpop_mode_and_ec_keys() {
        let k = crate::test_support::test_ec_key();
        let c = load(&[ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY, &k.jwk.to_string())]).unwrap();
        let AuthConfig::PrivateKeyJwt(p) = &c.auth else { panic!("expected OAuth") };
        assert_eq!(p.dpop, DpopMode::Auto);
        assert_eq!(p.key_id.as_deref(), Some("test-ec-kid"));
        assert!(c.auth_description().contains("ES256") && c.auth_description().contains("DPoP auto"));
        let c = load(&[ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY, &k.sec1_pem), (ENV_DPOP, "NEVER")]).unwrap();
        let AuthConfig::PrivateKeyJwt(p) = &c.auth else { panic!("expected OAuth") };
        assert_eq!(p.dpop, DpopMode::Never);
        assert_eq!(p.key.algorithm(), "ES256");
        let err =
            load(&[ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY, &k.sec1_pem), (ENV_DPOP, "maybe")]).unwrap_err();
        assert_eq!(err.var(), ENV_DPOP);
        let c = load(&[ORG, (ENV_API_TOKEN, "t"), (ENV_DPOP, "always")]).unwrap();
        assert!(c.notices().iter().any(|n| n.contains(ENV_DPOP)));
        let err = load(&[ORG, (ENV_CLIENT_ID, "0oa1"), (ENV_PRIVATE_KEY, &k.public_pem)]).unwrap_err();
        assert!(err.to_string().contains("public key"), "{err}");
    }

    #[test]
    fn empty_values_count_as_unset() {
        let err = load(&[ORG, (ENV_API_TOKEN, "  "), (ENV_CLIENT_ID, "")]).unwrap_err();
        assert!(matches!(err, ConfigError::Missing { .. }));
    }

    #[test]
    fn scopes_split() {
        assert_eq!(split_scopes(" a,b  c,,a "), vec!["a", "b", "c"]);
        assert!(split_scopes(" , ").is_empty());
    }
}
