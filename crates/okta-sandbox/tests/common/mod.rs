#![allow(dead_code)]
//! Helpers shared by the integration tests: start a sandbox in-process and talk to it.

pub mod signin;

use okta_sandbox::SandboxConfig;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub const TOKEN: &str = "sandbox-api-token";
pub const ALICE: &str = "00ualiceactive000001";
pub const BOB: &str = "00ubobactive00000001";

pub struct Sandbox {
    pub base: String,
    pub http: reqwest::Client,
}

pub async fn start(config: SandboxConfig) -> Sandbox {
    let (addr, _handle) = okta_sandbox::start(config).await.expect("sandbox starts");
    Sandbox { base: format!("http://{addr}"), http: reqwest::Client::new() }
}

impl Sandbox {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") { path.to_string() } else { format!("{}{}", self.base, path) }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> (u16, HeaderMap, Value) {
        let mut req = self.http.request(method, self.url(path));
        if let Some(a) = auth {
            req = req.header("Authorization", a);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request succeeds");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let json =
            if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
        (status, headers, json)
    }

    pub async fn get(&self, path: &str) -> (u16, HeaderMap, Value) {
        self.send(reqwest::Method::GET, path, Some(&format!("SSWS {TOKEN}")), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, HeaderMap, Value) {
        self.send(reqwest::Method::POST, path, Some(&format!("SSWS {TOKEN}")), Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, HeaderMap, Value) {
        self.send(reqwest::Method::DELETE, path, Some(&format!("SSWS {TOKEN}")), None).await
    }

    pub async fn put(&self, path: &str) -> (u16, HeaderMap, Value) {
        self.send(reqwest::Method::PUT, path, Some(&format!("SSWS {TOKEN}")), None).await
    }
}

/// The `rel="next"` URL among the `link` header lines.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    headers.get_all("link").iter().filter_map(|v| v.to_str().ok()).find(|v| v.contains("rel=\"next\"")).and_then(|v| {
        let start = v.find('<')? + 1;
        let end = v.find('>')?;
        Some(v[start..end].to_string())
    })
}

pub fn small() -> SandboxConfig {
    SandboxConfig { users: 120, ..SandboxConfig::default() }
}

/// A token request to a custom authorization server's `/v1/token`, the client authenticated with
/// client_secret_basic (`basic`: `(client_id, client_secret)`) or not at all (`None`: the form says).
pub async fn as_token(sb: &Sandbox, server: &str, basic: Option<(&str, &str)>, form: &[(&str, &str)]) -> (u16, Value) {
    let mut req = sb.http.post(sb.url(&format!("/oauth2/{server}/v1/token"))).form(form);
    if let Some((id, secret)) = basic {
        req = req.basic_auth(id, Some(secret));
    }
    let resp = req.send().await.expect("token request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("json"))
}

/// A password-grant token of the seeded test client for `username` (the seeded users' password).
pub async fn user_token(sb: &Sandbox, server: &str, username: &str, scope: &str) -> (u16, Value) {
    as_token(
        sb,
        server,
        Some((okta_sandbox::TEST_CLIENT_ID, okta_sandbox::TEST_CLIENT_SECRET)),
        &[("grant_type", "password"), ("username", username), ("password", okta_sandbox::PASSWORD), ("scope", scope)],
    )
    .await
}

/// The server's JWKS (`/oauth2/{server}/v1/keys`).
pub async fn jwks(sb: &Sandbox, server: &str) -> Value {
    let (status, _, keys) = sb.send(reqwest::Method::GET, &format!("/oauth2/{server}/v1/keys"), None, None).await;
    assert_eq!(status, 200, "{keys}");
    keys
}

/// Verify an RS256 JWT against a JWKS (by its `kid`), checking `iss` and `aud`; the verified claims.
pub fn verify(token: &str, jwks: &Value, iss: &str, aud: &str) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
    let kid = header.kid.ok_or("no kid")?;
    let key = jwks["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|k| k["kid"] == kid.as_str())
        .ok_or_else(|| format!("kid {kid} is not in the JWKS"))?;
    let decoding = jsonwebtoken::DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap_or_default(),
        key["e"].as_str().unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[iss]);
    validation.set_audience(&[aud]);
    jsonwebtoken::decode::<Value>(token, &decoding, &validation).map(|d| d.claims).map_err(|e| e.to_string())
}

/// The OAuth error of a token answer.
pub fn assert_token_error(got: &(u16, Value), status: u16, error: &str, description: &str) {
    assert_eq!(got.0, status, "{}", got.1);
    assert_eq!(got.1["error"], error, "{}", got.1);
    assert_eq!(got.1["error_description"], description, "{}", got.1);
}
