//! Sign-in end to end, without a browser: a mock Okta (OIDC discovery, JWKS, an /authorize that signs the person
//! in at once, a token endpoint answering with an RS256 ID token), the kit's HTTP router with `--sign-in`, and a
//! reqwest client playing both the MCP client and the browser.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use okta_mcp_kit::auth::signin::{SignIn, SignInConfig, Spent};
use okta_mcp_kit::auth::{InboundAuth, TokenSource, roles::Roles};
use okta_mcp_kit::catalog::{Access, ToolDef, ToolMeta};
use okta_mcp_kit::{Mode, Selection, ServerSpec, ToolOutput};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
const OIDC_CLIENT: &str = "0oamcpserver";
const OIDC_SECRET: &str = "oidc-s3cret-value";

// ---------------------------------------------------------------------------------------------------------------
// The mock Okta.

struct Key {
    encoding: EncodingKey,
    jwk: Value,
}

fn key() -> &'static Key {
    static KEY: OnceLock<Key> = OnceLock::new();
    KEY.get_or_init(|| {
        let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("rsa key");
        let pem = private.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF).expect("pem");
        Key {
            encoding: EncodingKey::from_rsa_pem(pem.as_bytes()).expect("encoding key"),
            jwk: json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "k1",
                        "n": B64.encode(private.n().to_bytes_be()), "e": B64.encode(private.e().to_bytes_be())}),
        }
    })
}

#[derive(Default)]
struct MockState {
    /// code → (nonce, challenge, redirect_uri)
    codes: HashMap<String, (String, String, String)>,
    bad_nonce: bool,
    deny: bool,
    groups: Vec<String>,
    issued: usize,
    refreshed: usize,
    /// Okta refuses refreshes (the person was deactivated or unassigned).
    refuse_refresh: bool,
}

struct Mock {
    issuer: String,
    state: Mutex<MockState>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn sha256(text: &str) -> String {
    B64.encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes()))
}

async fn mock_authorize(State(mock): State<Arc<Mock>>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    assert_eq!(get("client_id"), OIDC_CLIENT);
    assert_eq!(get("code_challenge_method"), "S256");
    assert!(get("scope").split(' ').any(|s| s == "openid"));
    let redirect = get("redirect_uri");
    let mut state = mock.state.lock().expect("lock");
    if state.deny {
        return Redirect::to(&format!("{redirect}?error=access_denied&state={}", urlencode(&get("state"))))
            .into_response();
    }
    state.issued += 1;
    let code = format!("okta-code-{}", state.issued);
    state.codes.insert(code.clone(), (get("nonce"), get("code_challenge"), redirect.clone()));
    Redirect::to(&format!("{redirect}?code={code}&state={}", urlencode(&get("state")))).into_response()
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn mock_token(State(mock): State<Arc<Mock>>, headers: HeaderMap, body: String) -> Response {
    let basic =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{OIDC_CLIENT}:{OIDC_SECRET}")));
    if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) != Some(basic.as_str()) {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "invalid_client"}))).into_response();
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let mut state = mock.state.lock().expect("lock");
    let id_token = |nonce: Option<&str>, groups: &[String]| {
        let mut claims = json!({"iss": mock.issuer, "aud": OIDC_CLIENT, "sub": "00ucarol", "email": "carol@example.com",
                                "name": "Carol", "exp": now() + 3600, "iat": now(), "groups": groups});
        if let Some(nonce) = nonce {
            claims["nonce"] = json!(nonce);
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some("k1".into());
        jsonwebtoken::encode(&header, &claims, &key().encoding).expect("sign")
    };
    if get("grant_type") == "refresh_token" {
        // Like Okta: a person no longer allowed gets invalid_grant; otherwise new tokens and a new ID token (no
        // nonce) with the groups as they are now.
        if state.refuse_refresh {
            return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"}))).into_response();
        }
        state.refreshed += 1;
        return axum::Json(json!({"access_token": format!("okta-at-refreshed-{}", state.refreshed),
                                 "id_token": id_token(None, &state.groups),
                                 "token_type": "Bearer", "expires_in": 3600}))
        .into_response();
    }
    let Some((nonce, challenge, redirect)) = state.codes.remove(&get("code")) else {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"}))).into_response();
    };
    assert_eq!(sha256(&get("code_verifier")), challenge, "PKCE towards Okta");
    assert_eq!(get("redirect_uri"), redirect);
    let nonce = if state.bad_nonce { "another-nonce".to_owned() } else { nonce };
    let id_token = id_token(Some(&nonce), &state.groups);
    axum::Json(json!({"id_token": id_token, "access_token": "okta-at-1", "refresh_token": "okta-rt-1",
                      "token_type": "Bearer", "expires_in": 3600}))
    .into_response()
}

async fn start_mock() -> Arc<Mock> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let issuer = format!("http://{}/oauth2/default", listener.local_addr().expect("addr"));
    let mock = Arc::new(Mock {
        issuer: issuer.clone(),
        state: Mutex::new(MockState { groups: vec!["Help Desk".into(), "Everyone".into()], ..MockState::default() }),
    });
    let discovery = json!({"issuer": issuer, "authorization_endpoint": format!("{issuer}/v1/authorize"),
                           "token_endpoint": format!("{issuer}/v1/token"), "jwks_uri": format!("{issuer}/v1/keys")});
    let app = axum::Router::new()
        .route(
            "/oauth2/default/.well-known/openid-configuration",
            axum::routing::get(move || async move { axum::Json(discovery) }),
        )
        .route("/oauth2/default/v1/keys", axum::routing::get(|| async { axum::Json(json!({"keys": [key().jwk]})) }))
        .route("/oauth2/default/v1/authorize", axum::routing::get(mock_authorize))
        .route("/oauth2/default/v1/token", axum::routing::post(mock_token))
        .with_state(mock.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    mock
}

// ---------------------------------------------------------------------------------------------------------------
// The MCP server with sign-in.

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct NoArgs {}

fn tool(name: &'static str, toolset: &'static str) -> ToolDef {
    let meta = ToolMeta { name, title: name, description: "test tool", access: Access::Read, toolset, operations: &[] };
    ToolDef::new(meta, |_, _: NoArgs| async {
        let caller = okta_mcp_kit::auth::caller::current();
        let token = caller.and_then(|c| c.okta_token).map(|t| t.expose() == "okta-at-1");
        Ok(ToolOutput::json(json!({ "person_token_is_okta_at_1": token })))
    })
}

fn tools() -> Vec<ToolDef> {
    vec![tool("okta_list_users", "users"), tool("okta_list_groups", "groups"), tool("okta_get_my_profile", "me")]
}

const SPEC: ServerSpec = ServerSpec {
    name: "okta-mcp-test",
    title: "Test server",
    version: "0.0.0",
    instructions: "",
    tools,
    demo: &[],
    prompts: &[],
    license: None,
};

const ROLES: &str = "[roles.helpdesk]\ngroups = [\"Help Desk\"]\ntoolsets = [\"users\"]\n";

struct Harness {
    base: String,
    mock: Arc<Mock>,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

async fn start(delegated: bool) -> Harness {
    start_with(delegated, [42u8; 32].to_vec()).await
}

async fn start_with(delegated: bool, state_key: Vec<u8>) -> Harness {
    let mock = start_mock().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let resource = url::Url::parse(&format!("{base}/mcp")).expect("url");
    let all = tools();
    let selection = okta_mcp_kit::run::effective_selection(Selection::default(), &all, delegated).expect("selection");
    let roles = if delegated { None } else { Some(Roles::parse(ROLES).expect("roles")) };
    let config = SignInConfig {
        resource: resource.clone(),
        server: SPEC.name,
        delegated,
        oidc_issuer: mock.issuer.clone(),
        oidc_client_id: OIDC_CLIENT.into(),
        oidc_client_secret: okta_core::Secret::new(OIDC_SECRET.into()),
        oidc_scopes: okta_mcp_kit::run::signin_scopes(&selection, &all, delegated),
        groups_claim: "groups".into(),
        state_key,
        spent: Arc::new(Spent::new(okta_mcp_kit::audit::AuditTarget::Sqlite(dir.path().join("audit.db")))),
        abilities: vec!["list <users> & \"groups\"".into()],
    };
    let signin = Arc::new(SignIn::new(config).expect("sign-in"));
    let auth = Arc::new(InboundAuth::new(
        resource.clone(),
        TokenSource::SignIn(signin),
        roles,
        SPEC.name,
        all.clone(),
        selection.clone(),
    ));
    let okta = okta_core::OktaConfig::new(
        "http://127.0.0.1:9",
        okta_core::AuthConfig::ApiToken(okta_core::Secret::new("unused".into())),
    )
    .expect("config");
    let server = okta_mcp_kit::run::build_server_for(SPEC, selection, &all, okta, true).await.expect("server");
    let options = okta_mcp_kit::http::HttpOptions {
        listen: addr,
        public_url: Some(resource.clone()),
        allowed_hosts: vec![],
        allowed_origins: vec![],
        tls: None,
        sessions: false,
        request_timeout: std::time::Duration::from_secs(30),
    };
    let app = okta_mcp_kit::http::router(server, &options, &resource, Some(auth));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    Harness { base, mock, http, _dir: dir }
}

/// The parameters of a redirect's Location.
fn location(response: &reqwest::Response) -> (String, HashMap<String, String>) {
    let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let url = url::Url::parse(location).unwrap_or_else(|_| panic!("not a URL: {location:?}"));
    let params = url.query_pairs().into_owned().collect();
    let mut bare = url.clone();
    bare.set_query(None);
    (bare.to_string(), params)
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {name} in {html}")) + marker.len();
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

const REDIRECT: &str = "http://127.0.0.1:33418/callback";

struct Pkce {
    verifier: String,
    challenge: String,
}

fn pkce(seed: &str) -> Pkce {
    let verifier = format!("{seed}-{}", "v".repeat(50));
    Pkce { challenge: sha256(&verifier), verifier }
}

struct Consent {
    cookie: String,
    transaction: String,
    csrf: String,
}

impl Harness {
    async fn register(&self, uris: Value) -> reqwest::Response {
        self.http
            .post(format!("{}/register", self.base))
            .json(&json!({"redirect_uris": uris, "client_name": "Test <Client>", "token_endpoint_auth_method": "none"}))
            .send()
            .await
            .expect("register")
    }

    async fn client(&self) -> String {
        let response = self.register(json!([REDIRECT])).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("json");
        body["client_id"].as_str().expect("client_id").to_owned()
    }

    async fn authorize(&self, params: &[(&str, &str)]) -> reqwest::Response {
        self.http.get(format!("{}/authorize", self.base)).query(params).send().await.expect("authorize")
    }

    /// /authorize with good parameters: the consent page (checked as every consent page must be), its form and
    /// cookie, and its HTML.
    async fn consent_page(&self, client_id: &str, pkce: &Pkce) -> (Consent, String) {
        let response = self
            .authorize(&[
                ("response_type", "code"),
                ("client_id", client_id),
                ("redirect_uri", REDIRECT),
                ("code_challenge", &pkce.challenge),
                ("code_challenge_method", "S256"),
                ("state", "client-state-1"),
                ("scope", "mcp"),
                ("resource", &format!("{}/mcp", self.base)),
            ])
            .await;
        assert_eq!(response.status(), 200);
        let headers = response.headers().clone();
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert!(headers[header::CONTENT_SECURITY_POLICY].to_str().expect("csp").contains("frame-ancestors 'none'"));
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
        let set_cookie = headers[header::SET_COOKIE].to_str().expect("cookie").to_owned();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
        let cookie = set_cookie.split(';').next().expect("cookie").to_owned();
        let html = response.text().await.expect("html");
        assert!(html.contains("id=\"allow\"") && html.contains("id=\"deny\""));
        assert!(!html.contains("<script"));
        let consent = Consent { cookie, transaction: hidden(&html, "transaction"), csrf: hidden(&html, "csrf") };
        (consent, html)
    }

    /// The consent page of a client registered by `client()`: its name and abilities escaped.
    async fn consent(&self, client_id: &str, pkce: &Pkce) -> Consent {
        let (consent, html) = self.consent_page(client_id, pkce).await;
        assert!(html.contains("Test &lt;Client&gt;") && !html.contains("<Client>"), "escaped client name");
        assert!(html.contains("list &lt;users&gt; &amp; &quot;groups&quot;"), "escaped abilities");
        consent
    }

    async fn decide(&self, consent: &Consent, decision: &str, cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.http.post(format!("{}/authorize", self.base)).form(&[
            ("transaction", consent.transaction.as_str()),
            ("csrf", consent.csrf.as_str()),
            ("decision", decision),
        ]);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        request.send().await.expect("decide")
    }

    /// Allow, through mock Okta, to our callback: its answer (the redirect to the client, or a page).
    async fn through_okta(&self, consent: &Consent, callback_cookie: &str) -> reqwest::Response {
        let allowed = self.decide(consent, "allow", Some(&consent.cookie)).await;
        assert_eq!(allowed.status(), 303);
        let (okta, _) = location(&allowed);
        assert!(okta.starts_with(&self.mock.issuer), "{okta}");
        let to_okta = allowed.headers()[header::LOCATION].to_str().expect("location").to_owned();
        let back = self.http.get(to_okta).send().await.expect("okta authorize");
        assert!(back.status().is_redirection());
        let callback = back.headers()[header::LOCATION].to_str().expect("location").to_owned();
        assert!(callback.starts_with(&format!("{}/oauth/callback", self.base)), "{callback}");
        self.http.get(callback).header(header::COOKIE, callback_cookie).send().await.expect("callback")
    }

    /// The whole browser part: our code at the client's redirect URI.
    async fn code(&self, client_id: &str, pkce: &Pkce) -> String {
        let consent = self.consent(client_id, pkce).await;
        let answer = self.through_okta(&consent, &consent.cookie).await;
        assert_eq!(answer.status(), 303);
        let (to, params) = location(&answer);
        assert_eq!(to, REDIRECT);
        assert_eq!(params.get("state").map(String::as_str), Some("client-state-1"));
        assert_eq!(params.get("iss"), Some(&self.base));
        params.get("code").cloned().unwrap_or_else(|| panic!("no code: {params:?}"))
    }

    async fn token(&self, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self.http.post(format!("{}/token", self.base)).form(form).send().await.expect("token");
        let status = response.status().as_u16();
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn exchange(&self, client_id: &str, code: &str, verifier: &str) -> (u16, Value) {
        self.token(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier),
        ])
        .await
    }

    async fn signed_in(&self) -> (String, Value) {
        let client_id = self.client().await;
        let pkce = pkce("flow");
        let code = self.code(&client_id, &pkce).await;
        let (status, tokens) = self.exchange(&client_id, &code, &pkce.verifier).await;
        assert_eq!(status, 200, "{tokens}");
        (client_id, tokens)
    }

    async fn mcp(&self, token: &str, method: &str, params: Value) -> (u16, Value, String) {
        let response = self
            .http
            .post(format!("{}/mcp", self.base))
            .bearer_auth(token)
            .header(header::ACCEPT, "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2025-11-25")
            .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
            .send()
            .await
            .expect("mcp");
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, response.json().await.unwrap_or(Value::Null), challenge)
    }

    async fn tool_names(&self, token: &str) -> Result<Vec<String>, (u16, String)> {
        let (status, body, challenge) = self.mcp(token, "tools/list", json!({})).await;
        if status != 200 {
            return Err((status, challenge));
        }
        let tools = body["result"]["tools"].as_array().cloned().unwrap_or_else(|| panic!("{body}"));
        Ok(tools.iter().filter_map(|t| t["name"].as_str().map(str::to_owned)).collect())
    }
}

// ---------------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn metadata_points_clients_at_this_server() {
    let h = start(false).await;
    let resource: Value = h
        .http
        .get(format!("{}/.well-known/oauth-protected-resource/mcp", h.base))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(resource["authorization_servers"], json!([h.base]));
    let server: Value = h
        .http
        .get(format!("{}/.well-known/oauth-authorization-server", h.base))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(server["issuer"], json!(h.base));
    assert_eq!(server["token_endpoint"], json!(format!("{}/token", h.base)));
    assert_eq!(server["code_challenge_methods_supported"], json!(["S256"]));
    assert_eq!(server["client_id_metadata_document_supported"], json!(true));
    assert_eq!(server["token_endpoint_auth_methods_supported"], json!(["none"]));
    let (status, _, challenge) = h.mcp("", "tools/list", json!({})).await;
    assert_eq!(status, 401);
    assert!(challenge.contains("resource_metadata="), "{challenge}");
}

#[tokio::test]
async fn the_whole_flow_gives_the_roles_tools() {
    let h = start(false).await;
    let (_, tokens) = h.signed_in().await;
    let access = tokens["access_token"].as_str().expect("access");
    assert!(access.starts_with("mcp_at_"));
    assert!(tokens["refresh_token"].as_str().expect("refresh").starts_with("mcp_rt_"));
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["expires_in"].as_i64().expect("expires_in") <= 900);
    // Help Desk → helpdesk → the users toolset only; never the `me` toolset without --delegated.
    assert_eq!(h.tool_names(access).await.expect("tools"), ["okta_list_users"]);
    // Admin mode: no Okta token of the person's rides along.
    let (status, body, _) = h.mcp(access, "tools/call", json!({"name": "okta_list_users", "arguments": {}})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.to_string().contains(r#"person_token_is_okta_at_1\":null"#), "{body}");
}

#[tokio::test]
async fn codes_are_single_use_bound_and_pkce_checked() {
    let h = start(false).await;
    let client_id = h.client().await;
    let pkce = pkce("codes");
    let code = h.code(&client_id, &pkce).await;
    let (status, body) = h.exchange(&client_id, &code, &"w".repeat(60)).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "wrong verifier");
    let other_client = h.client().await;
    let (status, body) = h.exchange(&other_client, &code, &pkce.verifier).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "another client");
    let (status, tokens) = h.exchange(&client_id, &code, &pkce.verifier).await;
    assert_eq!(status, 200, "{tokens}");
    let access = tokens["access_token"].as_str().expect("access");
    assert!(h.tool_names(access).await.is_ok());
    let (status, body) = h.exchange(&client_id, &code, &pkce.verifier).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "reused code");
    // A reused code revokes what its first use got.
    assert_eq!(h.tool_names(access).await.err().map(|e| e.0), Some(401));
    let (status, body) = h.token(&[("grant_type", "password")]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("unsupported_grant_type")));
    let (status, body) = h.token(&[("grant_type", "authorization_code"), ("code", &code)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_request")));
}

#[tokio::test]
async fn authorize_refuses_bad_requests() {
    let h = start(false).await;
    let client_id = h.client().await;
    let pkce = pkce("bad");
    let base = |redirect: &'static str, method: &'static str| {
        vec![
            ("response_type", "code"),
            ("client_id", client_id.as_str()),
            ("redirect_uri", redirect),
            ("code_challenge", pkce.challenge.as_str()),
            ("code_challenge_method", method),
            ("state", "s1"),
        ]
    };
    // Not a registered redirect URI: a page, no redirect.
    let response = h.authorize(&base("https://evil.example/cb", "S256")).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get(header::LOCATION).is_none());
    assert!(response.text().await.expect("html").contains("not one the client registered"));
    // Unknown client: a page.
    let mut unknown = base(REDIRECT, "S256");
    unknown[1] = ("client_id", "mcp_client_forged");
    assert_eq!(h.authorize(&unknown).await.status(), 400);
    // Loopback redirect URIs may use any port (RFC 8252); a bad request is still a page, never a redirect
    // (anyone may register any redirect URI: redirecting errors would make an open redirector).
    let mut other_port = base("http://127.0.0.1:50000/callback", "S256");
    other_port.push(("resource", "http://elsewhere.example/mcp"));
    let response = h.authorize(&other_port).await;
    assert_eq!(response.status(), 400);
    assert!(response.headers().get(header::LOCATION).is_none());
    assert!(response.text().await.expect("html").contains("invalid_target"));
    // plain PKCE, or none: a page naming invalid_request.
    for method in ["plain", ""] {
        let response = h.authorize(&base(REDIRECT, method)).await;
        assert_eq!(response.status(), 400, "{method}");
        assert!(response.headers().get(header::LOCATION).is_none());
        assert!(response.text().await.expect("html").contains("PKCE"), "{method}");
    }
    // A loopback redirect on another port is accepted: the consent page.
    assert_eq!(h.authorize(&base("http://127.0.0.1:50000/callback", "S256")).await.status(), 200);
    // Registration refusals.
    assert_eq!(h.register(json!(["http://app.example/cb"])).await.status(), 400);
    assert_eq!(h.register(json!([])).await.status(), 400);
}

#[tokio::test]
async fn deny_and_browser_binding() {
    let h = start(false).await;
    let client_id = h.client().await;
    let pkce = pkce("deny");
    let consent = h.consent(&client_id, &pkce).await;
    let denied = h.decide(&consent, "deny", Some(&consent.cookie)).await;
    assert_eq!(denied.status(), 303);
    let (to, params) = location(&denied);
    assert_eq!(to, REDIRECT);
    assert_eq!(params["error"], "access_denied");
    assert_eq!(params["state"], "client-state-1");
    // No cookie, or another browser's: refused with a page.
    assert_eq!(h.decide(&consent, "allow", None).await.status(), 403);
    let foreign = "okta_mcp_signin=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    assert_eq!(h.decide(&consent, "allow", Some(foreign)).await.status(), 403);
    // The cookie is checked again when Okta sends the browser back.
    let answer = h.through_okta(&consent, foreign).await;
    assert_eq!(answer.status(), 403);
    assert!(answer.headers().get(header::LOCATION).is_none());
    // A forged transaction.
    let forged = Consent { transaction: "x".repeat(80), ..consent };
    assert_eq!(h.decide(&forged, "allow", Some(&forged.cookie)).await.status(), 400);
}

#[tokio::test]
async fn okta_errors_and_bad_nonces_give_no_code() {
    let h = start(false).await;
    let client_id = h.client().await;
    let pkce = pkce("nonce");
    h.mock.state.lock().expect("lock").bad_nonce = true;
    let consent = h.consent(&client_id, &pkce).await;
    let answer = h.through_okta(&consent, &consent.cookie).await;
    assert_eq!(answer.status(), 303);
    let (to, params) = location(&answer);
    assert_eq!(to, REDIRECT);
    assert_eq!(params["error"], "server_error");
    assert!(!params.contains_key("code"));
    {
        let mut state = h.mock.state.lock().expect("lock");
        state.bad_nonce = false;
        state.deny = true;
    }
    let consent = h.consent(&client_id, &pkce).await;
    let answer = h.through_okta(&consent, &consent.cookie).await;
    let (_, params) = location(&answer);
    assert_eq!(params["error"], "access_denied");
    assert!(!params.contains_key("code"));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_grant() {
    let h = start(false).await;
    let (client_id, first) = h.signed_in().await;
    let refresh = |token: &str| {
        let token = token.to_owned();
        let client_id = client_id.clone();
        let h = &h;
        async move {
            h.token(&[("grant_type", "refresh_token"), ("refresh_token", &token), ("client_id", &client_id)]).await
        }
    };
    let old = first["refresh_token"].as_str().expect("refresh").to_owned();
    let (status, second) = refresh(&old).await;
    assert_eq!(status, 200, "{second}");
    let new_access = second["access_token"].as_str().expect("access").to_owned();
    let new_refresh = second["refresh_token"].as_str().expect("refresh").to_owned();
    assert_ne!(new_refresh, old);
    assert!(h.tool_names(&new_access).await.is_ok());
    // The old one again: refused, and the whole grant with it.
    let (status, body) = refresh(&old).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    let (status, body) = refresh(&new_refresh).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")), "grant revoked");
    assert_eq!(h.tool_names(&new_access).await.err().map(|e| e.0), Some(401));
}

#[tokio::test]
async fn every_refresh_asks_okta_again() {
    let h = start(false).await;
    let (client_id, first) = h.signed_in().await;
    let refresh = first["refresh_token"].as_str().expect("refresh").to_owned();
    // Carol leaves the help desk group: the next refresh's token has her role as Okta says it is now.
    h.mock.state.lock().expect("lock").groups = vec!["Nobody".into()];
    let (status, second) =
        h.token(&[("grant_type", "refresh_token"), ("refresh_token", &refresh), ("client_id", &client_id)]).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(h.mock.state.lock().expect("lock").refreshed, 1, "Okta was asked");
    let access = second["access_token"].as_str().expect("access");
    assert_eq!(h.tool_names(access).await.err().map(|e| e.0), Some(403), "no role any more");
    // Deactivated at Okta: no new token at all.
    h.mock.state.lock().expect("lock").refuse_refresh = true;
    let next = second["refresh_token"].as_str().expect("refresh");
    let (status, body) =
        h.token(&[("grant_type", "refresh_token"), ("refresh_token", next), ("client_id", &client_id)]).await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
}

#[tokio::test]
async fn revoked_grants_are_refused() {
    let h = start(false).await;
    let (_, tokens) = h.signed_in().await;
    let access = tokens["access_token"].as_str().expect("access");
    assert!(h.tool_names(access).await.is_ok());
    let revoked = h.http.post(format!("{}/revoke", h.base)).form(&[("token", access)]).send().await.expect("revoke");
    assert_eq!(revoked.status(), 200);
    let (status, challenge) = h.tool_names(access).await.expect_err("revoked");
    assert_eq!(status, 401);
    assert!(challenge.contains("invalid_token"), "{challenge}");
    let (status, body) = h
        .token(&[("grant_type", "refresh_token"), ("refresh_token", tokens["refresh_token"].as_str().expect("rt"))])
        .await;
    assert_eq!((status, body["error"].as_str()), (400, Some("invalid_grant")));
    // Tokens that are not ours: 200 all the same (RFC 7009).
    let other = h.http.post(format!("{}/revoke", h.base)).form(&[("token", "nonsense")]).send().await.expect("revoke");
    assert_eq!(other.status(), 200);
}

#[tokio::test]
async fn tokens_of_another_server_are_refused() {
    let one = start(false).await;
    let other_key = start_with(false, [7u8; 32].to_vec()).await;
    let (_, tokens) = other_key.signed_in().await;
    let access = tokens["access_token"].as_str().expect("access");
    assert!(other_key.tool_names(access).await.is_ok());
    // Another resource URL (another port) and another key: neither opens it.
    let (status, challenge) = one.tool_names(access).await.expect_err("foreign");
    assert_eq!(status, 401);
    assert!(challenge.contains("invalid_token"));
    // Same key, another resource URL.
    let same_key = start(false).await;
    let (_, tokens) = same_key.signed_in().await;
    let access = tokens["access_token"].as_str().expect("access");
    assert_eq!(one.tool_names(access).await.err().map(|e| e.0), Some(401));
    // An Okta-looking JWT is not ours either.
    assert_eq!(one.tool_names("eyJhbGciOiJSUzI1NiJ9.e30.sig").await.err().map(|e| e.0), Some(401));
}

#[tokio::test]
async fn client_id_metadata_documents() {
    let h = start(false).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/client.json", listener.local_addr().expect("addr"));
    let wrong = format!("http://{}/wrong.json", listener.local_addr().expect("addr"));
    let document = json!({"client_id": url, "client_name": "Doc Client", "redirect_uris": [REDIRECT]});
    let wrong_doc = json!({"client_id": "https://else.example/c.json", "redirect_uris": [REDIRECT]});
    let app = axum::Router::new()
        .route("/client.json", axum::routing::get(move || async move { axum::Json(document) }))
        .route("/wrong.json", axum::routing::get(move || async move { axum::Json(wrong_doc) }));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let pkce = pkce("cimd");
    let (consent, html) = h.consent_page(&url, &pkce).await;
    assert!(html.contains("Doc Client"));
    let answer = h.through_okta(&consent, &consent.cookie).await;
    let (_, params) = location(&answer);
    let code = params.get("code").cloned().expect("code");
    let (status, tokens) = h.exchange(&url, &code, &pkce.verifier).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(h.tool_names(tokens["access_token"].as_str().expect("access")).await.is_ok());
    // A document whose client_id is not its own URL.
    let response = h
        .authorize(&[
            ("response_type", "code"),
            ("client_id", &wrong),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn delegated_mode_carries_the_persons_okta_token() {
    let h = start(true).await;
    let (client_id, tokens) = h.signed_in().await;
    let access = tokens["access_token"].as_str().expect("access");
    // Exactly the `me` toolset, for every signed-in person (no roles file).
    assert_eq!(h.tool_names(access).await.expect("tools"), ["okta_get_my_profile"]);
    let (status, body, _) = h.mcp(access, "tools/call", json!({"name": "okta_get_my_profile", "arguments": {}})).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.to_string().contains(r#"person_token_is_okta_at_1\":true"#),
        "the caller carries the Okta token: {body}"
    );
    // The person's Okta token is not refreshed while it is fresh…
    let rt = tokens["refresh_token"].as_str().expect("rt");
    let (status, _) =
        h.token(&[("grant_type", "refresh_token"), ("refresh_token", rt), ("client_id", &client_id)]).await;
    assert_eq!(status, 200);
    assert_eq!(h.mock.state.lock().expect("lock").refreshed, 0);
}

#[tokio::test]
async fn selection_keeps_the_me_toolset_to_delegated_mode() {
    let all = tools();
    let names = |s: &Selection| all.iter().filter(|t| s.enabled(t)).map(|t| t.meta.name).collect::<Vec<_>>();
    let admin = okta_mcp_kit::run::effective_selection(Selection::default(), &all, false).expect("admin");
    assert_eq!(names(&admin), ["okta_list_users", "okta_list_groups"]);
    let asked = Selection { toolsets: Selection::parse_list(Some("users,groups")), ..Selection::default() };
    let delegated = okta_mcp_kit::run::effective_selection(asked, &all, true).expect("delegated");
    assert_eq!(names(&delegated), ["okta_get_my_profile"]);
    let only_me = Selection { toolsets: Selection::parse_list(Some("me")), ..Selection::default() };
    assert!(okta_mcp_kit::run::effective_selection(only_me, &all, false).is_err());
    let read_write = Selection { mode: Mode::ReadWrite, ..Selection::default() };
    assert_eq!(okta_mcp_kit::run::effective_selection(read_write, &all, true).expect("rw").mode, Mode::ReadWrite);
}

#[tokio::test]
async fn browser_clients_of_any_origin_reach_the_authorization_json_endpoints_only() {
    let h = start(false).await;
    let origin = "http://inspector.example:6274";
    let preflight = h
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/token", h.base))
        .header(header::ORIGIN, origin)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .expect("preflight");
    assert_eq!(preflight.status(), 204);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let registered = h
        .http
        .post(format!("{}/register", h.base))
        .header(header::ORIGIN, origin)
        .json(&json!({"redirect_uris": [REDIRECT], "client_name": "Inspector"}))
        .send()
        .await
        .expect("register");
    assert_eq!(registered.status(), 201);
    assert_eq!(registered.headers()["access-control-allow-origin"], "*");
    let metadata = h
        .http
        .get(format!("{}/.well-known/oauth-authorization-server", h.base))
        .header(header::ORIGIN, origin)
        .send()
        .await
        .expect("metadata");
    assert_eq!(metadata.status(), 200);
    // The consent page and /mcp still answer only their own origin.
    for path in ["/authorize", "/mcp"] {
        let refused =
            h.http.get(format!("{}{path}", h.base)).header(header::ORIGIN, origin).send().await.expect("refused");
        assert_eq!(refused.status(), 403, "{path}");
    }
}
