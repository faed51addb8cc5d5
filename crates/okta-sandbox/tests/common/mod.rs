#![allow(dead_code)]
//! Helpers shared by the integration tests: start a sandbox in-process and talk to it.

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
