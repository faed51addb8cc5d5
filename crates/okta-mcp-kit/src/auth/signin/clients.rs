//! Who may ask for a sign-in: MCP clients registered dynamically (RFC 7591) and clients identified by a client ID
//! metadata document (the MCP authorization spec's "Client ID Metadata Documents").
//!
//! Registration keeps no state: the client id IS the registration (its redirect URIs and name) sealed with a key
//! derived from `OKTA_MCP_STATE_KEY`, so every replica knows every client. A client id that is an https URL is
//! the address of the client's metadata document, fetched (5 s, at most 64 KiB, no redirects) and cached for five
//! minutes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

pub use crate::auth::is_loopback;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use url::Url;

use super::seal::{self, Sealer};

/// Limits on what a client may register (its id carries it all).
pub const MAX_REDIRECT_URIS: usize = 5;
pub const MAX_URI_LEN: usize = 512;
pub const MAX_NAME_LEN: usize = 100;
const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
const DOCUMENT_TIMEOUT: Duration = Duration::from_secs(5);
const DOCUMENT_TTL: Duration = Duration::from_secs(300);
const MAX_CACHED: usize = 256;
/// Registrations do not expire (a client keeps its id); the envelope's expiry is this far away.
const REGISTRATION_LIFE_SECS: i64 = 100 * 365 * 24 * 3600;

/// What the server knows of a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    #[serde(rename = "r")]
    pub redirect_uris: Vec<String>,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
}

impl Client {
    /// The redirect URI to use: `asked` when registered (a loopback one with any port, RFC 8252 §7.3), or the
    /// only registered one when none is asked for.
    pub fn redirect_uri(&self, asked: Option<&str>) -> Option<String> {
        let Some(asked) = asked.filter(|a| !a.is_empty()) else {
            return (self.redirect_uris.len() == 1).then(|| self.redirect_uris[0].clone());
        };
        let matches = |registered: &String| {
            if registered == asked {
                return true;
            }
            let (Ok(mut a), Ok(mut r)) = (Url::parse(asked), Url::parse(registered)) else { return false };
            if a.scheme() != "http" || r.scheme() != "http" || !is_loopback(&a) || !is_loopback(&r) {
                return false;
            }
            let _ = (a.set_port(None), r.set_port(None));
            a == r
        };
        self.redirect_uris.iter().any(matches).then(|| asked.to_owned())
    }
}

/// Why a registration is refused (RFC 7591 §3.2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub error: &'static str,
    pub description: String,
}

fn refused(error: &'static str, description: impl Into<String>) -> Refused {
    Refused { error, description: description.into() }
}

/// A redirect URI a client may register: https, or http on a loopback host; no fragment; not too long.
pub fn check_redirect_uri(uri: &str) -> Result<(), String> {
    if uri.len() > MAX_URI_LEN {
        return Err(format!("a redirect URI is longer than {MAX_URI_LEN} characters"));
    }
    let url = Url::parse(uri).map_err(|e| format!("redirect URI `{uri}`: {e}"))?;
    if url.fragment().is_some() {
        return Err(format!("redirect URI `{uri}` has a fragment"));
    }
    if url.host().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(format!("redirect URI `{uri}` needs a host and no user information"));
    }
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        _ => Err(format!("redirect URI `{uri}` must be https (http only on a loopback address)")),
    }
}

fn check_name(name: Option<&Value>) -> Result<Option<String>, Refused> {
    match name {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.chars().count() <= MAX_NAME_LEN => {
            let s: String = s.chars().filter(|c| !c.is_control()).collect();
            Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
        }
        Some(Value::String(_)) => {
            Err(refused("invalid_client_metadata", format!("client_name is longer than {MAX_NAME_LEN} characters")))
        }
        Some(_) => Err(refused("invalid_client_metadata", "client_name must be a string")),
    }
}

fn check_uris(uris: Option<&Value>, error: &'static str) -> Result<Vec<String>, Refused> {
    let Some(Value::Array(items)) = uris else {
        return Err(refused(error, "redirect_uris (a non-empty array of URIs) is required"));
    };
    if items.is_empty() || items.len() > MAX_REDIRECT_URIS {
        return Err(refused(error, format!("give 1 to {MAX_REDIRECT_URIS} redirect_uris")));
    }
    let mut out = Vec::new();
    for item in items {
        let uri = item.as_str().ok_or_else(|| refused(error, "redirect_uris must hold strings"))?;
        check_redirect_uri(uri).map_err(|e| refused(error, e))?;
        if !out.iter().any(|u: &String| u == uri) {
            out.push(uri.to_owned());
        }
    }
    Ok(out)
}

/// Is this client id the URL of a client ID metadata document? (https; http only on loopback, which is fetched
/// only where the server itself is on loopback.)
pub fn document_url(client_id: &str) -> Option<Url> {
    if !(client_id.starts_with("https://") || client_id.starts_with("http://")) || client_id.len() > MAX_URI_LEN {
        return None;
    }
    let url = Url::parse(client_id).ok()?;
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && is_loopback(&url));
    let path_ok = url.path().len() > 1;
    (scheme_ok && path_ok && url.fragment().is_none() && url.username().is_empty() && url.password().is_none())
        .then_some(url)
}

/// Is this address on the public internet? Client metadata documents are fetched from such addresses only, so a
/// client id cannot make the server reach into its own network (SSRF): not loopback, private, link-local,
/// carrier-grade NAT, unique-local, documentation, multicast, broadcast or unspecified addresses.
pub fn is_public(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(a) => {
            let [first, second, ..] = a.octets();
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_broadcast()
                || a.is_documentation()
                || a.is_unspecified()
                || a.is_multicast()
                || first == 0
                || first >= 240
                || (first == 100 && (second & 0xc0) == 64) // carrier-grade NAT
                || (first == 198 && (second & 0xfe) == 18) // benchmarking 198.18.0.0/15
                || (first == 192 && second == 0 && a.octets()[2] == 0)) // IETF 192.0.0.0/24
        }
        IpAddr::V6(a) => {
            let seg = a.segments();
            let embedded =
                |hi: u16, lo: u16| IpAddr::V4(std::net::Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
            // An IPv4 address inside: mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16.
            if let Some(v4) = a.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            if seg[..6] == [0, 0, 0, 0, 0, 0] {
                return !a.is_loopback() && !a.is_unspecified() && is_public(embedded(seg[6], seg[7]));
            }
            if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public(embedded(seg[6], seg[7]));
            }
            if seg[0] == 0x2002 {
                return is_public(embedded(seg[1], seg[2]));
            }
            let first = seg[0];
            !(a.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first & 0xffc0) == 0xfec0 // site-local
                || (first == 0x2001 && seg[1] == 0x0db8) // documentation
                || (first == 0x2001 && seg[1] == 0) // Teredo
                || (first == 0x0064 && seg[1] == 0xff9b) // local-use NAT64 64:ff9b:1::/48
                || (first == 0x0100 && seg[1..4] == [0, 0, 0])) // discard 100::/64
        }
    }
}

/// Resolves names for document fetches to public addresses only (loopback too where allowed).
struct PublicOnly {
    loopback: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let loopback = self.loopback;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<std::net::SocketAddr> =
                found.into_iter().filter(|a| is_public(a.ip()) || (loopback && a.ip().is_loopback())).collect();
            if allowed.is_empty() {
                return Err("the name resolves to no public address".into());
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The server's clients.
pub struct Clients {
    sealer: Sealer,
    http: reqwest::Client,
    documents: Mutex<HashMap<String, (Instant, Client)>>,
    /// Documents may be on loopback (http too): only where the server itself is (a local or test deployment).
    loopback_documents: bool,
}

impl std::fmt::Debug for Clients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clients").finish_non_exhaustive()
    }
}

impl Clients {
    /// `loopback_documents`: the server itself is on loopback, so metadata documents may be too.
    pub fn new(sealer: Sealer, loopback_documents: bool) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(DOCUMENT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the document's host itself, past the filter below.
            .no_proxy()
            .dns_resolver(Arc::new(PublicOnly { loopback: loopback_documents }))
            .build()
            .map_err(|e| format!("cannot build the HTTP client for client metadata documents: {e}"))?;
        Ok(Clients { sealer, http, documents: Mutex::default(), loopback_documents })
    }

    /// May a document be fetched from `url` (before any name is resolved)?
    fn fetchable(&self, url: &Url) -> bool {
        let loopback = is_loopback(url);
        if url.scheme() == "http" && !(loopback && self.loopback_documents) {
            return false;
        }
        match url.host() {
            Some(url::Host::Ipv4(ip)) => is_public(ip.into()) || (ip.is_loopback() && self.loopback_documents),
            Some(url::Host::Ipv6(ip)) => is_public(ip.into()) || (ip.is_loopback() && self.loopback_documents),
            Some(url::Host::Domain(_)) => !loopback || self.loopback_documents,
            None => false,
        }
    }

    /// RFC 7591 registration: the answer's body (the client id and its metadata) or why not.
    pub fn register(&self, request: &Value) -> Result<Value, Refused> {
        let Value::Object(request) = request else {
            return Err(refused("invalid_client_metadata", "the registration must be a JSON object"));
        };
        let redirect_uris = check_uris(request.get("redirect_uris"), "invalid_redirect_uri")?;
        let client_name = check_name(request.get("client_name"))?;
        let strings = |key: &str| -> Option<Vec<String>> {
            request
                .get(key)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        };
        if let Some(grants) = strings("grant_types")
            && grants.iter().any(|g| g != "authorization_code" && g != "refresh_token")
        {
            return Err(refused("invalid_client_metadata", "only the authorization_code and refresh_token grants"));
        }
        if let Some(types) = strings("response_types")
            && types.iter().any(|t| t != "code")
        {
            return Err(refused("invalid_client_metadata", "only the code response type"));
        }
        let client = Client { redirect_uris, client_name };
        let issued = seal::now();
        let client_id = self
            .sealer
            .seal(&client, issued + REGISTRATION_LIFE_SECS)
            .map_err(|e| refused("invalid_client_metadata", e))?;
        // Public clients with PKCE: whatever method was asked for, the answer says `none` (RFC 7591 §3.2.1 lets
        // the server replace values); there is no client secret.
        let mut answer = json!({
            "client_id": client_id,
            "client_id_issued_at": issued,
            "redirect_uris": client.redirect_uris,
            "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
        });
        if let Some(name) = &client.client_name {
            answer["client_name"] = json!(name);
        }
        Ok(answer)
    }

    /// The client a client id names: a registration of ours, or a metadata document. Err: why not (for the
    /// error page; the id itself is not repeated).
    pub async fn resolve(&self, client_id: &str) -> Result<Client, String> {
        if let Some((client, _)) = self.sealer.open::<Client>(client_id) {
            return Ok(client);
        }
        let Some(url) = document_url(client_id).filter(|u| self.fetchable(u)) else {
            return Err("the client is not registered with this server".to_owned());
        };
        {
            let cache = self.documents.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some((at, client)) = cache.get(client_id)
                && at.elapsed() < DOCUMENT_TTL
            {
                return Ok(client.clone());
            }
        }
        let client = self.fetch(&url).await?;
        let mut cache = self.documents.lock().unwrap_or_else(PoisonError::into_inner);
        cache.retain(|_, (at, _)| at.elapsed() < DOCUMENT_TTL);
        // Full of fresh entries: this one is not kept (nobody can flush the others by registering many).
        if cache.len() < MAX_CACHED {
            cache.insert(client_id.to_owned(), (Instant::now(), client.clone()));
        }
        Ok(client)
    }

    async fn fetch(&self, url: &Url) -> Result<Client, String> {
        let host = url.host_str().unwrap_or_default().to_owned();
        let failed = |why: String| {
            tracing::warn!("client metadata document {url}: {why}");
            format!("the client's metadata document (at {host}) could not be used: {why}")
        };
        // What went wrong on the network stays in the log: the page does not tell what answers where.
        let unfetchable = |why: String| {
            tracing::warn!("client metadata document {url}: {why}");
            format!("the client's metadata document (at {host}) could not be fetched")
        };
        let mut response = self
            .http
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| unfetchable(if e.is_timeout() { "timed out".to_owned() } else { e.to_string() }))?;
        if !response.status().is_success() {
            return Err(unfetchable(format!("HTTP {}", response.status().as_u16())));
        }
        if response.content_length().is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64) {
            return Err(failed("larger than 64 KiB".to_owned()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| failed("the answer broke off".to_owned()))? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_DOCUMENT_BYTES {
                return Err(failed("larger than 64 KiB".to_owned()));
            }
        }
        let document: Value = serde_json::from_slice(&body).map_err(|_| failed("not JSON".to_owned()))?;
        if document.get("client_id").and_then(Value::as_str) != Some(url.as_str()) {
            return Err(failed("its client_id is not its own URL".to_owned()));
        }
        let redirect_uris =
            check_uris(document.get("redirect_uris"), "invalid_client_metadata").map_err(|r| failed(r.description))?;
        let client_name = check_name(document.get("client_name")).map_err(|r| failed(r.description))?;
        if let Some(method) = document.get("token_endpoint_auth_method").and_then(Value::as_str)
            && method != "none"
        {
            return Err(failed(format!(
                "token_endpoint_auth_method `{method}`: this server takes public clients (none)"
            )));
        }
        Ok(Client { redirect_uris, client_name })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clients() -> Clients {
        Clients::new(Sealer::new(&[1u8; 32], "client", "mcpc_", "http://127.0.0.1/mcp").expect("sealer"), true)
            .expect("clients")
    }

    #[test]
    fn registrations_are_checked_and_sealed() {
        let clients = clients();
        let answer = clients
            .register(
                &json!({"redirect_uris": ["https://app.example/cb", "http://127.0.0.1:3000/cb"], "client_name": "App"}),
            )
            .expect("registered");
        let id = answer["client_id"].as_str().expect("id").to_owned();
        let client = clients.sealer.open::<Client>(&id).expect("opens").0;
        assert_eq!(client.client_name.as_deref(), Some("App"));
        assert_eq!(client.redirect_uri(Some("https://app.example/cb")).as_deref(), Some("https://app.example/cb"));
        assert_eq!(
            client.redirect_uri(Some("http://127.0.0.1:49152/cb")).as_deref(),
            Some("http://127.0.0.1:49152/cb")
        );
        assert_eq!(client.redirect_uri(Some("https://app.example/cb2")), None);
        assert_eq!(client.redirect_uri(Some("https://app.example:444/cb")), None, "no port leniency off loopback");
        assert_eq!(client.redirect_uri(Some("http://127.0.0.1:3000/other")), None);
        assert_eq!(client.redirect_uri(None), None, "two registered: must say which");

        for (body, error) in [
            (json!({}), "invalid_redirect_uri"),
            (json!({"redirect_uris": []}), "invalid_redirect_uri"),
            (json!({"redirect_uris": ["http://app.example/cb"]}), "invalid_redirect_uri"),
            (json!({"redirect_uris": ["javascript:alert(1)"]}), "invalid_redirect_uri"),
            (json!({"redirect_uris": ["https://app.example/cb#x"]}), "invalid_redirect_uri"),
            (json!({"redirect_uris": [format!("https://app.example/{}", "a".repeat(600))]}), "invalid_redirect_uri"),
            (
                json!({"redirect_uris": ["https://a.example/1", "https://a.example/2", "https://a.example/3",
                                      "https://a.example/4", "https://a.example/5", "https://a.example/6"]}),
                "invalid_redirect_uri",
            ),
            (
                json!({"redirect_uris": ["https://app.example/cb"], "client_name": "x".repeat(101)}),
                "invalid_client_metadata",
            ),
            (
                json!({"redirect_uris": ["https://app.example/cb"], "grant_types": ["client_credentials"]}),
                "invalid_client_metadata",
            ),
            (json!(["not an object"]), "invalid_client_metadata"),
        ] {
            assert_eq!(clients.register(&body).err().map(|r| r.error), Some(error), "{body}");
        }
    }

    #[test]
    fn document_urls() {
        assert!(document_url("https://app.example/client.json").is_some());
        assert!(document_url("http://127.0.0.1:9/client.json").is_some());
        assert!(document_url("http://app.example/client.json").is_none());
        assert!(document_url("https://app.example").is_none(), "needs a path");
        assert!(document_url("mcpc_abc").is_none());
    }

    #[test]
    fn documents_come_from_public_addresses_only() {
        let public =
            Clients::new(Sealer::new(&[1u8; 32], "client", "mcpc_", "https://mcp.example/mcp").expect("s"), false)
                .expect("clients");
        for url in [
            "http://127.0.0.1:9/c.json",
            "https://127.0.0.1/c.json",
            "https://10.0.0.8/c.json",
            "https://169.254.169.254/latest/c.json",
            "https://[::1]/c.json",
            "https://[fd00::1]/c.json",
            "https://localhost/c.json",
            "https://100.64.0.1/c.json",
        ] {
            assert!(!public.fetchable(&Url::parse(url).expect("url")), "{url}");
        }
        assert!(public.fetchable(&Url::parse("https://app.example/c.json").expect("url")));
        assert!(public.fetchable(&Url::parse("https://93.184.215.14/c.json").expect("url")));
        assert!(public.fetchable(&Url::parse("https://[2606:4700::1111]/c.json").expect("url")));
        assert!(public.fetchable(&Url::parse("https://[64:ff9b::5db8:d70e]/c.json").expect("url")));
        // A local deployment may use a local document.
        assert!(clients().fetchable(&Url::parse("http://127.0.0.1:9/c.json").expect("url")));
        assert!(!clients().fetchable(&Url::parse("http://app.example/c.json").expect("url")));
    }
}
