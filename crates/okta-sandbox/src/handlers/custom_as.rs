//! A custom authorization server's OAuth 2.0 endpoints (Okta's OAuth spec, tag CustomAS): its metadata
//! (`/.well-known/oauth-authorization-server`, `/.well-known/openid-configuration`), its JWKS (`/v1/keys`) and its
//! token endpoint (`/v1/token`), all under `/oauth2/{authorizationServerId}`.
//!
//! Tokens are RS256 JWTs signed with the server's ACTIVE key (`signing`; the JWKS lists every key the admin API's
//! `credentials/keys` lists, so a token signed before a `keyRotate` still verifies with the EXPIRED key). The
//! token endpoint serves the resource owner password grant and client_credentials to OIDC apps that authenticate
//! with their client secret (`client_secret_basic` or `client_secret_post`; apps whose method is `none` may
//! send their `client_id` alone). It follows Okta's evaluation: the client and its grant types, the user (password
//! grant: an ACTIVE user with the right password, assigned to the app directly or through a group), the scopes
//! (each one defined on the server; none asked: the server's default scopes), then the server's access policies
//! (the first ACTIVE policy that includes `ALL_CLIENTS` or the client) and their rules (the first ACTIVE rule whose
//! grant types, scopes and people match; its `accessTokenLifetimeMinutes`). The access token carries Okta's
//! claims (`ver`, `jti`, `iss`, `aud`, `iat`, `exp`, `cid`, `uid`, `scp`, `sub`) and the server's ACTIVE RESOURCE
//! claims whose scope condition the grant meets: GROUPS claims (the user's group names through the claim's
//! `group_filter_type`), and EXPRESSION claims whose value is a literal, `user.<profile attribute>`, `user.id`
//! or `app.clientId` (other expressions are left out). `openid` adds an ID token (password grant).
//!
//! The authorization_code and refresh_token grants (`user_grant`) serve both a custom server and the org
//! authorization server (`POST /oauth2/v1/token` hands them over; its tokens are signed with [`ORG_AS_KID`], served at
//! `/oauth2/v1/keys`, and remembered so that the API takes them as the person's): the code of a sign-in at
//! `/authorize` (`handlers::authorize`; single use, the same client, server and `redirect_uri`, the PKCE verifier),
//! or a refresh token (rotated). `/v1/revoke` forgets refresh tokens and the org server's access tokens. The org
//! server's metadata is this module's too. Not served: the other grants; client assertions; introspection.
//!
//! An unknown or INACTIVE server answers 404 E0000007 everywhere, as Okta does.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use jsonwebtoken::{Algorithm, Header};
use serde_json::{Map, Value, json};

use super::{Id, Params, St};
use crate::error::{ApiError, OAuthError};
use crate::org::collection::{Collection, str_of};
use crate::org::{App, AppStatus, Org, Secrets, UserStatus};
use crate::{ids, lock, signing};

/// The grant types this endpoint serves.
const SERVED_GRANTS: [&str; 4] = ["authorization_code", "refresh_token", "password", "client_credentials"];

/// The `kid` of the org authorization server's signing key (`GET /oauth2/v1/keys`).
pub(crate) const ORG_AS_KID: &str = "sandbox-org-authorization-server-key-1";

/// The client authentication methods Okta's metadata lists.
const AUTH_METHODS: [&str; 5] =
    ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none"];

/// The OpenID Connect scopes that need `openid` beside them.
const OIDC_SCOPES: [&str; 4] = ["profile", "email", "address", "phone"];

/// Claims Okta sets itself: a custom claim of these names is not added.
const RESERVED: [&str; 12] = ["ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub", "nbf", "auth_time"];

/// The ACTIVE server `id` (unknown or INACTIVE: 404 E0000007).
pub(crate) fn active_server(org: &Org, id: &str) -> Result<Value, ApiError> {
    org.policy
        .auth_servers
        .by_id(id)
        .filter(|s| str_of(s, "status") == "ACTIVE")
        .cloned()
        .ok_or_else(|| ApiError::not_found(id, "AuthorizationServer"))
}

fn issuer(public: &str, id: &str) -> String {
    format!("{public}/oauth2/{id}")
}

/// Is `app` the OIDC app whose client id is `client_id`?
fn is_client(app: &App, client_id: &str) -> bool {
    app.sign_on_mode() == "OPENID_CONNECT"
        && app.config.get("credentials").and_then(|c| c.pointer("/oauthClient/client_id")).and_then(Value::as_str)
            == Some(client_id)
}

fn find_client<'a>(org: &'a Org, client_id: &str) -> Option<&'a App> {
    org.apps.iter().find(|a| is_client(a, client_id))
}

/// The ACTIVE OIDC app whose client id is `client_id`.
pub(crate) fn find_active_client<'a>(org: &'a Org, client_id: &str) -> Option<&'a App> {
    find_client(org, client_id).filter(|a| a.status == AppStatus::Active)
}

/// The app's `token_endpoint_auth_method` (`client_secret_basic` when it names none).
pub(crate) fn auth_method(app: &App) -> &str {
    app.config
        .get("credentials")
        .and_then(|c| c.pointer("/oauthClient/token_endpoint_auth_method"))
        .and_then(Value::as_str)
        .unwrap_or("client_secret_basic")
}

// ---------------------------------------------------------------- metadata

/// The metadata of a custom server (`id`) or of the org authorization server (`None`: issuer the org URL, its
/// endpoints under `/oauth2/v1`, the OIDC scopes).
fn metadata(st: &crate::AppState, id: Option<&str>, uri: &Uri, oidc: bool) -> Result<Value, ApiError> {
    let params = Params::parse(uri.query());
    let org = lock(&st.org);
    if let Some(id) = id {
        active_server(&org, id)?;
    }
    if let Some(client_id) = params.get("client_id")
        && find_client(&org, client_id).is_none()
    {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "Invalid value for `client_id` parameter",
        ));
    }
    // Okta publishes only the scopes whose metadataPublish is ALL_CLIENTS; custom claims never.
    let scopes: Vec<&str> = match id {
        Some(id) => org
            .policy
            .scopes
            .of(id)
            .iter()
            .filter(|s| str_of(s, "metadataPublish") == "ALL_CLIENTS")
            .map(|s| str_of(s, "name"))
            .collect(),
        None => super::authorize::ORG_OIDC_SCOPES.to_vec(),
    };
    let (iss, base) = match id {
        Some(id) => (issuer(&st.public, id), issuer(&st.public, id)),
        None => (st.public.clone(), format!("{}/oauth2", st.public)),
    };
    let mut m = json!({
        "issuer": iss,
        "authorization_endpoint": format!("{base}/v1/authorize"),
        "token_endpoint": format!("{base}/v1/token"),
        "registration_endpoint": format!("{}/oauth2/v1/clients", st.public),
        "jwks_uri": format!("{base}/v1/keys"),
        "response_types_supported": ["code", "token", "id_token", "code id_token", "code token", "id_token token",
                                     "code id_token token"],
        "response_modes_supported": ["query", "fragment", "form_post", "okta_post_message"],
        "grant_types_supported": ["authorization_code", "implicit", "refresh_token", "password", "client_credentials",
                                  "urn:ietf:params:oauth:grant-type:device_code"],
        "subject_types_supported": ["public"],
        "scopes_supported": scopes,
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "claims_supported": ["ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub"],
        "code_challenge_methods_supported": ["S256"],
        "introspection_endpoint": format!("{base}/v1/introspect"),
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint": format!("{base}/v1/revoke"),
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "end_session_endpoint": format!("{base}/v1/logout"),
        "request_parameter_supported": true,
        "request_object_signing_alg_values_supported": ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256",
                                                         "ES384", "ES512"],
        "device_authorization_endpoint": format!("{base}/v1/device/authorize"),
        "pushed_authorization_request_endpoint": format!("{base}/v1/par"),
    });
    if oidc {
        m["userinfo_endpoint"] = json!(format!("{base}/v1/userinfo"));
        m["response_types_supported"] =
            json!(["code", "id_token", "code id_token", "code token", "id_token token", "code id_token token"]);
        m["grant_types_supported"] = json!([
            "authorization_code",
            "implicit",
            "refresh_token",
            "password",
            "urn:ietf:params:oauth:grant-type:device_code"
        ]);
        m["id_token_signing_alg_values_supported"] = json!(["RS256"]);
        m["id_token_encryption_alg_values_supported"] = json!(["RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512"]);
        m["id_token_encryption_enc_values_supported"] = json!(["A256GCM"]);
        m["claims_supported"] = json!([
            "iss",
            "ver",
            "sub",
            "aud",
            "iat",
            "exp",
            "jti",
            "auth_time",
            "amr",
            "idp",
            "nonce",
            "name",
            "nickname",
            "preferred_username",
            "given_name",
            "middle_name",
            "family_name",
            "email",
            "email_verified",
            "profile",
            "zoneinfo",
            "locale",
            "address",
            "phone_number",
            "picture",
            "website",
            "gender",
            "birthdate",
            "updated_at",
            "at_hash",
            "c_hash"
        ]);
    }
    Ok(m)
}

pub(crate) async fn oauth_metadata(State(st): St, Path(id): Id, uri: Uri) -> Response {
    metadata(&st, Some(&id), &uri, false).map(axum::Json).into_response()
}

pub(crate) async fn oidc_metadata(State(st): St, Path(id): Id, uri: Uri) -> Response {
    metadata(&st, Some(&id), &uri, true).map(axum::Json).into_response()
}

/// `GET /.well-known/oauth-authorization-server` (the org authorization server).
pub(crate) async fn org_oauth_metadata(State(st): St, uri: Uri) -> Response {
    metadata(&st, None, &uri, false).map(axum::Json).into_response()
}

/// `GET /.well-known/openid-configuration` (the org authorization server).
pub(crate) async fn org_oidc_metadata(State(st): St, uri: Uri) -> Response {
    metadata(&st, None, &uri, true).map(axum::Json).into_response()
}

// ---------------------------------------------------------------- keys

/// `GET /oauth2/{id}/v1/keys`: every key of the server (ACTIVE, NEXT and, after a rotation, EXPIRED), as a JWKS.
pub(crate) async fn keys(State(st): St, Path(id): Id) -> Response {
    let stored = {
        let org = lock(&st.org);
        if let Err(e) = active_server(&org, &id) {
            return e.into_response();
        }
        org.policy.keys.of(&id).to_vec()
    };
    let mut keys = Vec::with_capacity(stored.len());
    for k in &stored {
        let Some(k) = signing::with_public_key(k) else {
            return ApiError::internal().into_response();
        };
        keys.push(json!({"kty": "RSA", "alg": "RS256", "kid": k["kid"], "use": "sig", "e": k["e"], "n": k["n"]}));
    }
    let mut resp = axum::Json(json!({ "keys": keys })).into_response();
    // The sandbox's keys change whenever a test rotates them: nothing may be cached for long.
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=0, must-revalidate"));
    resp
}

// ---------------------------------------------------------------- token

/// What a token request asks, once the client is authenticated.
struct Authenticated {
    client_id: String,
    app_index: usize,
}

/// A token to sign: the claims of the access token (and of the ID token), by the server's ACTIVE key.
struct Minted {
    kid: String,
    access: Map<String, Value>,
    id_token: Option<Map<String, Value>>,
    ttl: i64,
    scopes: Vec<String>,
    /// A new refresh token (authorization code and refresh grants with `offline_access`).
    refresh: Option<String>,
    /// The org authorization server's token for a person: the API takes it (client id, user id).
    api_user: Option<(String, String)>,
}

fn form_of(body: &Bytes) -> Params {
    Params::parse(std::str::from_utf8(body).ok())
}

pub(crate) async fn token(State(st): St, Path(id): Id, headers: HeaderMap, body: Bytes) -> Response {
    let form = form_of(&body);
    let minted = {
        let mut org = lock(&st.org);
        if let Err(e) = active_server(&org, &id) {
            return e.into_response();
        }
        let result = match form.get("grant_type") {
            Some(g @ ("authorization_code" | "refresh_token")) => {
                user_grant(&st, &mut org, Some(&id), g, &headers, &form)
            }
            _ => mint(&st, &org, &id, &headers, &body),
        };
        match result {
            Ok(m) => m,
            Err(e) => return e.into_response(),
        }
    };
    answer(&st, minted)
}

/// `POST /oauth2/v1/token` with `grant_type` authorization_code or refresh_token: the org authorization server's
/// tokens for a person (its client_credentials grant is `oauth::token`'s).
pub(crate) fn org_user_token(st: &crate::AppState, grant: &str, headers: &HeaderMap, form: &Params) -> Response {
    let minted = {
        let mut org = lock(&st.org);
        match user_grant(st, &mut org, None, grant, headers, form) {
            Ok(m) => m,
            Err(e) => return e.into_response(),
        }
    };
    answer(st, minted)
}

/// Sign what was minted and answer it (and remember an org server's user token for the API).
fn answer(st: &crate::AppState, minted: Minted) -> Response {
    let Some(key) = signing::material(&minted.kid) else {
        return server_error().into_response();
    };
    let mut header = Header::new(Algorithm::RS256);
    header.typ = None;
    header.kid = Some(minted.kid.clone());
    let Ok(access_token) = jsonwebtoken::encode(&header, &Value::Object(minted.access), &key.encoding) else {
        return server_error().into_response();
    };
    let mut answer = json!({
        "token_type": "Bearer",
        "expires_in": minted.ttl,
        "access_token": access_token,
        "scope": minted.scopes.join(" "),
    });
    if let Some(r) = &minted.refresh {
        answer["refresh_token"] = json!(r);
    }
    if let Some(claims) = minted.id_token {
        let Ok(id_token) = jsonwebtoken::encode(&header, &Value::Object(claims), &key.encoding) else {
            return server_error().into_response();
        };
        answer["id_token"] = json!(id_token);
    }
    if let Some((client_id, user)) = minted.api_user {
        let ttl = std::time::Duration::from_secs(u64::try_from(minted.ttl).unwrap_or(0));
        lock(&st.tokens).insert(
            access_token,
            crate::IssuedToken {
                client_id,
                scopes: minted.scopes,
                expires: std::time::Instant::now() + ttl,
                jkt: None,
                user: Some(user),
            },
        );
    }
    let mut resp = (StatusCode::OK, axum::Json(answer)).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

/// base64url(SHA-256(verifier)), RFC 7636 §4.2.
fn s256(verifier: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

fn invalid_grant(description: &str) -> OAuthError {
    OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
}

/// The authorization code and refresh token grants, at the org authorization server (`server` none) or a custom
/// one: the client authenticated as its app requires, the code (single use, this client's, this server's, the same
/// `redirect_uri`, the PKCE verifier) or the refresh token (rotated: the old one is gone), the user still ACTIVE and
/// assigned, then the tokens.
fn user_grant(
    st: &crate::AppState,
    org: &mut Org,
    server: Option<&str>,
    grant: &str,
    headers: &HeaderMap,
    form: &Params,
) -> Result<Minted, OAuthError> {
    let client = authenticate(org, headers, form)?;
    let (configured, public_client): (Vec<String>, bool) = {
        let app = org.apps.get(client.app_index).ok_or_else(server_error)?;
        (grant_types(app).into_iter().map(str::to_owned).collect(), auth_method(app) == "none")
    };
    if !configured.iter().any(|g| g == grant) {
        return Err(unauthorized_client(&configured));
    }
    let (user_id, scopes, nonce, auth_time) = if grant == "authorization_code" {
        let code = form
            .get("code")
            .filter(|c| !c.is_empty())
            .ok_or_else(|| OAuthError::invalid_request("The required parameter 'code' is missing."))?;
        let c = org
            .signin
            .take_code(code)
            .ok_or_else(|| invalid_grant("The authorization code is invalid or has expired."))?;
        if c.request.client_id != client.client_id || c.request.server.as_deref() != server {
            return Err(invalid_grant("The authorization code is invalid or has expired."));
        }
        if form.get("redirect_uri") != Some(c.request.redirect_uri.as_str()) {
            return Err(invalid_grant(
                "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
            ));
        }
        match (&c.request.code_challenge, form.get("code_verifier").filter(|v| !v.is_empty())) {
            (Some(challenge), Some(verifier)) => {
                if s256(verifier) != *challenge {
                    return Err(invalid_grant("PKCE verification failed."));
                }
            }
            (Some(_), None) => {
                return Err(OAuthError::invalid_request("PKCE code verifier is required by the application."));
            }
            (None, Some(_)) => {
                return Err(OAuthError::invalid_request(
                    "PKCE code challenge should be specified in the authorize request for code verification.",
                ));
            }
            (None, None) if public_client => {
                return Err(OAuthError::invalid_request("PKCE code verifier is required by the application."));
            }
            (None, None) => {}
        }
        (c.user_id, c.request.scopes, c.request.nonce, c.auth_time)
    } else {
        let token = form
            .get("refresh_token")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| OAuthError::invalid_request("The required parameter 'refresh_token' is missing."))?;
        let bad = || invalid_grant("The refresh token is invalid or expired.");
        let r =
            org.signin.refresh.get(token).filter(|r| r.expires > std::time::Instant::now()).cloned().ok_or_else(bad)?;
        if r.client_id != client.client_id || r.server.as_deref() != server {
            return Err(bad());
        }
        let asked: Vec<String> = form.get("scope").unwrap_or("").split_whitespace().map(str::to_owned).collect();
        let denied: Vec<&String> = asked.iter().filter(|s| !r.scopes.contains(s)).collect();
        if !denied.is_empty() {
            let names: Vec<&str> = denied.iter().map(|s| s.as_str()).collect();
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "access_denied",
                format!(
                    "Some of the scopes requested for the refresh request were not granted in the original authorize request. Denied scopes: {}.",
                    names.join(", ")
                ),
            ));
        }
        org.signin.take_refresh(token);
        let scopes = if asked.is_empty() {
            r.scopes.clone()
        } else {
            r.scopes.iter().filter(|s| asked.contains(s)).cloned().collect()
        };
        (r.user_id, scopes, None, r.auth_time)
    };
    let app = org.apps.get(client.app_index).ok_or_else(server_error)?;
    let owner = owner(org, app, &user_id)?;
    let now = st.now_epoch();
    let (kid, iss, aud, ttl) = match server {
        Some(id) => {
            let rule = matching_rule(org, id, &client.client_id, "authorization_code", &scopes, Some(&owner))?;
            let (kid, aud, ttl) = signing(org, id, rule)?;
            (kid, issuer(&st.public, id), aud, ttl)
        }
        None => {
            let ttl = i64::try_from(st.config.token_ttl_secs).unwrap_or(3600);
            (ORG_AS_KID.to_owned(), st.public.clone(), st.public.clone(), ttl)
        }
    };
    let mut access = access_claims(&iss, &aud, now, ttl, &client.client_id);
    access.insert("uid".into(), json!(owner.id));
    access.insert("scp".into(), json!(scopes));
    access.insert("auth_time".into(), json!(auth_time));
    access.insert("sub".into(), json!(owner.login));
    if let Some(id) = server {
        access.extend(custom_claims(org, id, "RESOURCE", &scopes, Some(&owner), &client.client_id));
    }
    let id_token = scopes.iter().any(|s| s == "openid").then(|| {
        let mut c = id_token_claims(&owner, &scopes, &iss, &client.client_id, now);
        c.insert("auth_time".into(), json!(auth_time));
        if let Some(n) = &nonce {
            c.insert("nonce".into(), json!(n));
        }
        match server {
            Some(id) => c.extend(custom_claims(org, id, "IDENTITY", &scopes, Some(&owner), &client.client_id)),
            None => {
                if scopes.iter().any(|s| s == "groups") {
                    c.insert("groups".into(), json!(owner.group_names));
                }
            }
        }
        c
    });
    let refresh = (scopes.iter().any(|s| s == "offline_access") && configured.iter().any(|g| g == "refresh_token"))
        .then(|| ids::unpredictable(43));
    if let Some(r) = &refresh {
        org.signin.refresh.insert(
            r.clone(),
            crate::org::signin::RefreshGrant {
                server: server.map(str::to_owned),
                client_id: client.client_id.clone(),
                user_id: owner.id.clone(),
                scopes: scopes.clone(),
                auth_time,
                expires: std::time::Instant::now() + crate::org::signin::REFRESH_TTL,
            },
        );
    }
    let api_user = server.is_none().then(|| (client.client_id.clone(), owner.id.clone()));
    Ok(Minted { kid, access, id_token, ttl, scopes, refresh, api_user })
}

/// `POST /oauth2/v1/revoke` and `POST /oauth2/{id}/v1/revoke` (RFC 7009): the client's access token (one the
/// sandbox remembers: the org server's) or refresh token is forgotten; anything else is answered 200 all the same.
fn revoke_token(st: &crate::AppState, server: Option<&str>, headers: &HeaderMap, body: &Bytes) -> Response {
    let form = form_of(body);
    let client = {
        let org = lock(&st.org);
        if let Some(id) = server
            && let Err(e) = active_server(&org, id)
        {
            return e.into_response();
        }
        match authenticate(&org, headers, &form) {
            Ok(c) => c.client_id,
            Err(e) => return e.into_response(),
        }
    };
    let Some(token) = form.get("token").filter(|t| !t.is_empty()) else {
        return OAuthError::invalid_request("The 'token' parameter is required.").into_response();
    };
    {
        let mut tokens = lock(&st.tokens);
        if tokens.get(token).is_some_and(|t| t.client_id == client && t.user.is_some()) {
            tokens.remove(token);
        }
    }
    {
        let mut org = lock(&st.org);
        if org.signin.refresh.get(token).is_some_and(|r| r.client_id == client && r.server.as_deref() == server) {
            org.signin.refresh.remove(token);
        }
    }
    let mut resp = StatusCode::OK.into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

pub(crate) async fn revoke(State(st): St, Path(id): Id, headers: HeaderMap, body: Bytes) -> Response {
    revoke_token(&st, Some(&id), &headers, &body)
}

pub(crate) async fn org_revoke(State(st): St, headers: HeaderMap, body: Bytes) -> Response {
    revoke_token(&st, None, &headers, &body)
}

/// `GET /oauth2/v1/keys`: the org authorization server's signing key.
pub(crate) async fn org_keys() -> Response {
    let Some(k) = signing::material(ORG_AS_KID) else {
        return ApiError::internal().into_response();
    };
    let keys = json!({"keys": [{"kty": "RSA", "alg": "RS256", "kid": ORG_AS_KID, "use": "sig", "e": k.e, "n": k.n}]});
    let mut resp = axum::Json(keys).into_response();
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("max-age=0, must-revalidate"));
    resp
}

fn server_error() -> OAuthError {
    OAuthError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "server_error",
        "The authorization server encountered an unexpected condition that prevented it from fulfilling the request.",
    )
}

fn invalid_client_id() -> OAuthError {
    OAuthError::invalid_client("Invalid value for 'client_id' parameter.")
}

fn client_auth_failed() -> OAuthError {
    OAuthError::invalid_client("Client authentication failed. Either the client or the client credentials are invalid.")
}

fn no_matching_policy() -> OAuthError {
    OAuthError::new(
        StatusCode::UNAUTHORIZED,
        "access_denied",
        "Policy evaluation failed for this request, please check the policy configurations.",
    )
}

fn bad_credentials() -> OAuthError {
    OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", "The credentials provided were invalid.")
}

/// `client_id:client_secret` of an `Authorization: Basic` header (each form-urlencoded, RFC 6749 §2.3.1).
fn basic_credentials(headers: &HeaderMap) -> Option<Result<(String, String), OAuthError>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let invalid = || OAuthError::invalid_client("Found Authentication header but was not valid client credentials.");
    let decoded = base64::engine::general_purpose::STANDARD.decode(rest.trim()).map_err(|_| invalid());
    let pair = decoded.and_then(|bytes| String::from_utf8(bytes).map_err(|_| invalid())).and_then(|text| {
        let (id, secret) = text.split_once(':').ok_or_else(invalid)?;
        let decode =
            |s: &str| percent_encoding::percent_decode_str(&s.replace('+', " ")).decode_utf8().map(|c| c.into_owned());
        match (decode(id), decode(secret)) {
            (Ok(id), Ok(secret)) if !id.is_empty() => Ok((id, secret)),
            _ => Err(invalid()),
        }
    });
    Some(pair)
}

/// Authenticate the client: client_secret_basic, client_secret_post, or (an app whose method is `none`) its
/// `client_id` alone.
fn authenticate(org: &Org, headers: &HeaderMap, form: &Params) -> Result<Authenticated, OAuthError> {
    let basic = basic_credentials(headers).transpose()?;
    let post_secret = form.get("client_secret").filter(|s| !s.is_empty());
    let assertion = form.get("client_assertion").filter(|s| !s.is_empty());
    let given = [basic.is_some(), post_secret.is_some(), assertion.is_some()].iter().filter(|b| **b).count();
    if given > 1 {
        return Err(OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.",
        ));
    }
    let (client_id, secret) = match (basic, post_secret, form.get("client_id").filter(|s| !s.is_empty())) {
        (Some((id, secret)), _, _) => (id, Some(secret)),
        (None, Some(secret), Some(id)) => (id.to_owned(), Some(secret.to_owned())),
        (None, None, Some(id)) if assertion.is_none() => (id.to_owned(), None),
        // Client assertions (client_secret_jwt, private_key_jwt) are not served by the sandbox's custom servers.
        (None, None, _) if assertion.is_some() => return Err(client_auth_failed()),
        _ => return Err(OAuthError::invalid_client("No client credentials found.")),
    };
    let app_index = org.apps.iter().position(|a| is_client(a, &client_id)).ok_or_else(invalid_client_id)?;
    let app = org.apps.get(app_index).ok_or_else(invalid_client_id)?;
    if app.status != AppStatus::Active {
        return Err(invalid_client_id());
    }
    let method = auth_method(app);
    match secret {
        Some(secret) => {
            if !matches!(method, "client_secret_basic" | "client_secret_post") {
                return Err(client_auth_failed());
            }
            let kept = org.secrets.clients.get(&client_id).ok_or_else(client_auth_failed)?;
            if !Secrets::matches(kept, &secret) {
                return Err(OAuthError::invalid_client(
                    "The client secret supplied for a confidential client is invalid.",
                ));
            }
        }
        None if method == "none" => {}
        None => return Err(client_auth_failed()),
    }
    Ok(Authenticated { client_id, app_index })
}

pub(crate) fn grant_types(app: &App) -> Vec<&str> {
    app.config
        .get("settings")
        .and_then(|s| s.pointer("/oauthClient/grant_types"))
        .and_then(Value::as_array)
        .map(|g| g.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The user a token is for, and their groups (ids and names).
pub(crate) struct Owner {
    id: String,
    login: String,
    profile: Map<String, Value>,
    group_ids: Vec<String>,
    group_names: Vec<String>,
}

fn resource_owner(org: &Org, app: &App, form: &Params) -> Result<Owner, OAuthError> {
    let missing = |p: &str| OAuthError::invalid_request(&format!("The required parameter '{p}' is missing."));
    let username = form.get("username").filter(|s| !s.is_empty()).ok_or_else(|| missing("username"))?;
    let password = form.get("password").filter(|s| !s.is_empty()).ok_or_else(|| missing("password"))?;
    let user = org.users.values().find(|u| u.login().eq_ignore_ascii_case(username)).ok_or_else(bad_credentials)?;
    if !matches!(user.status, UserStatus::Active | UserStatus::PasswordExpired) {
        return Err(bad_credentials());
    }
    if !org.secrets.password_matches(&user.id, password) {
        return Err(bad_credentials());
    }
    if user.status == UserStatus::PasswordExpired {
        return Err(OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", "Password has expired."));
    }
    owner(org, app, &user.id)
}

/// The ACTIVE user `user_id` as the owner of a token for `app`, which they must be assigned to (directly or
/// through a group).
/// Okta's answer to a grant type the client's app is not configured for.
fn unauthorized_client<S: AsRef<str>>(configured: &[S]) -> OAuthError {
    let names: Vec<&str> = configured.iter().map(AsRef::as_ref).collect();
    OAuthError::new(
        StatusCode::BAD_REQUEST,
        "unauthorized_client",
        format!(
            "The client is not authorized to use the provided grant type. Configured grant types: [{}].",
            names.join(", ")
        ),
    )
}

/// The claims every access token starts with (Okta's `ver`, `jti`, `iss`, `aud`, `iat`, `exp`, `cid`).
fn access_claims(iss: &str, aud: &str, now: i64, ttl: i64, client_id: &str) -> Map<String, Value> {
    let mut access = Map::new();
    access.insert("ver".into(), json!(1));
    access.insert("jti".into(), json!(format!("AT.{}", ids::unpredictable(43))));
    access.insert("iss".into(), json!(iss));
    access.insert("aud".into(), json!(aud));
    access.insert("iat".into(), json!(now));
    access.insert("exp".into(), json!(now.saturating_add(ttl)));
    access.insert("cid".into(), json!(client_id));
    access
}

/// How a custom server signs a token its rule allows: its active key's `kid`, its audience, and the rule's
/// access token lifetime (seconds).
fn signing(org: &Org, server_id: &str, rule: &Value) -> Result<(String, String, i64), OAuthError> {
    let minutes = rule.pointer("/actions/token/accessTokenLifetimeMinutes").and_then(Value::as_i64).unwrap_or(60);
    let server = active_server(org, server_id).map_err(|_| server_error())?;
    let kid = org
        .policy
        .keys
        .of(server_id)
        .iter()
        .find(|k| str_of(k, "status") == "ACTIVE")
        .map(|k| str_of(k, "kid").to_owned())
        .ok_or_else(server_error)?;
    let aud = server.pointer("/audiences/0").and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok((kid, aud, minutes.clamp(5, 1440).saturating_mul(60)))
}

pub(crate) fn owner(org: &Org, app: &App, user_id: &str) -> Result<Owner, OAuthError> {
    let user = org
        .find_user(user_id)
        .and_then(|s| org.users.get(&s))
        .filter(|u| u.status == UserStatus::Active)
        .ok_or_else(|| OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", "Invalid grant"))?;
    let groups = org.groups_of(user.seq);
    let group_ids: Vec<String> = groups.iter().map(|g| g.id.clone()).collect();
    let assigned = app.users.contains(&user.id) || app.groups.iter().any(|g| group_ids.contains(g));
    if !assigned {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "access_denied",
            "User is not assigned to the client application.",
        ));
    }
    Ok(Owner {
        id: user.id.clone(),
        login: user.login(),
        profile: user.profile.clone(),
        group_names: groups.iter().map(|g| g.name.clone()).collect(),
        group_ids,
    })
}

/// The scopes granted: those asked (each defined on the server), or the server's default scopes.
pub(crate) fn requested_scopes(
    org: &Org,
    server_id: &str,
    form: &Params,
    grant: &str,
) -> Result<Vec<String>, OAuthError> {
    let defined = org.policy.scopes.of(server_id);
    let mut scopes: Vec<String> = Vec::new();
    for s in form.get("scope").unwrap_or("").split_whitespace() {
        if !scopes.iter().any(|x| x == s) {
            scopes.push(s.to_owned());
        }
    }
    if scopes.is_empty() {
        scopes = defined.iter().filter(|s| s["default"] == json!(true)).map(|s| str_of(s, "name").to_owned()).collect();
        if scopes.is_empty() {
            return Err(OAuthError::invalid_scope(
                "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
            ));
        }
    }
    if grant == "client_credentials" && scopes.iter().any(|s| s == "openid") {
        return Err(OAuthError::invalid_scope("Cannot request 'openid' scopes using client credentials."));
    }
    if scopes.iter().any(|s| !defined.iter().any(|d| str_of(d, "name") == s)) {
        return Err(OAuthError::invalid_scope(
            "One or more scopes are not configured for the authorization server resource.",
        ));
    }
    if matches!(grant, "password" | "authorization_code")
        && !scopes.iter().any(|s| s == "openid")
        && scopes.iter().any(|s| OIDC_SCOPES.contains(&s.as_str()))
    {
        return Err(OAuthError::invalid_scope(
            "Requests for ID tokens or access tokens with OpenID scopes require the 'openid' scope.",
        ));
    }
    Ok(scopes)
}

fn strings<'a>(v: &'a Value, pointer: &str) -> Vec<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn by_priority(items: &[Value]) -> Vec<&Value> {
    let mut v: Vec<&Value> = items.iter().filter(|x| str_of(x, "status") == "ACTIVE").collect();
    v.sort_by_key(|x| x.get("priority").and_then(Value::as_u64).unwrap_or(u64::MAX));
    v
}

/// Does the rule's people condition include the owner (client_credentials: no people condition applies)?
fn people_match(rule: &Value, owner: Option<&Owner>) -> bool {
    let Some(owner) = owner else { return true };
    let Some(people) = rule.pointer("/conditions/people") else { return true };
    let in_groups = |list: &[&str]| list.iter().any(|g| *g == "EVERYONE" || owner.group_ids.iter().any(|id| id == g));
    let users_in = strings(people, "/users/include");
    let users_out = strings(people, "/users/exclude");
    let groups_in = strings(people, "/groups/include");
    let groups_out = strings(people, "/groups/exclude");
    if users_out.contains(&owner.id.as_str()) || in_groups(&groups_out) {
        return false;
    }
    if users_in.is_empty() && groups_in.is_empty() {
        return true;
    }
    users_in.contains(&owner.id.as_str()) || in_groups(&groups_in)
}

/// The rule that grants the request: of the first ACTIVE policy that includes the client, the first ACTIVE rule
/// whose grant types, scopes and people match.
pub(crate) fn matching_rule<'a>(
    org: &'a Org,
    server_id: &str,
    client_id: &str,
    grant: &str,
    scopes: &[String],
    owner: Option<&Owner>,
) -> Result<&'a Value, OAuthError> {
    let policies = by_priority(org.policy.server_policies.of(server_id));
    let policy = policies
        .into_iter()
        .find(|p| {
            let clients = strings(p, "/conditions/clients/include");
            clients.contains(&"ALL_CLIENTS") || clients.contains(&client_id)
        })
        .ok_or_else(no_matching_policy)?;
    by_priority(org.policy.server_rules.of(str_of(policy, "id")))
        .into_iter()
        .find(|r| {
            let allowed = strings(r, "/conditions/scopes/include");
            strings(r, "/conditions/grantTypes/include").contains(&grant)
                && (allowed.contains(&"*") || scopes.iter().all(|s| allowed.contains(&s.as_str())))
                && people_match(r, owner)
        })
        .ok_or_else(no_matching_policy)
}

/// Does a GROUPS claim's filter keep `name`?
fn group_filter(kind: &str, value: &str, name: &str) -> bool {
    match kind {
        "STARTS_WITH" => name.starts_with(value),
        "EQUALS" => name == value,
        "CONTAINS" => name.contains(value),
        "REGEX" => regex::Regex::new(&format!("^(?:{value})$")).is_ok_and(|re| re.is_match(name)),
        _ => false,
    }
}

/// The value of an EXPRESSION claim, for the small part of the Okta Expression Language the sandbox knows.
fn expression(value: &str, owner: Option<&Owner>, client_id: &str) -> Option<Value> {
    let v = value.trim();
    if v.len() >= 2 && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\''))) {
        return v.get(1..v.len() - 1).map(|s| json!(s));
    }
    match v {
        "true" => return Some(json!(true)),
        "false" => return Some(json!(false)),
        "app.clientId" => return Some(json!(client_id)),
        _ => {}
    }
    if let Ok(n) = v.parse::<i64>() {
        return Some(json!(n));
    }
    let owner = owner?;
    if v == "user.id" {
        return Some(json!(owner.id));
    }
    let attr = v.strip_prefix("user.profile.").or_else(|| v.strip_prefix("user."))?;
    owner.profile.get(attr).filter(|x| !x.is_null()).cloned()
}

/// The server's claims of `claim_type` (`RESOURCE`: the access token's, `IDENTITY`: the ID token's) for a token
/// granted `scopes`.
fn custom_claims(
    org: &Org,
    server_id: &str,
    claim_type: &str,
    scopes: &[String],
    owner: Option<&Owner>,
    client_id: &str,
) -> Map<String, Value> {
    let mut out = Map::new();
    for c in org.policy.claims.of(server_id) {
        let name = str_of(c, "name");
        if str_of(c, "status") == "INACTIVE" || str_of(c, "claimType") != claim_type || RESERVED.contains(&name) {
            continue;
        }
        let wanted = strings(c, "/conditions/scopes");
        if !wanted.is_empty() && !wanted.iter().any(|w| scopes.iter().any(|s| s == w)) {
            continue;
        }
        let value = match str_of(c, "valueType") {
            "GROUPS" => owner.map(|o| {
                let names: Vec<&String> = o
                    .group_names
                    .iter()
                    .filter(|g| group_filter(str_of(c, "group_filter_type"), str_of(c, "value"), g))
                    .collect();
                json!(names)
            }),
            "SYSTEM" => None,
            _ => expression(str_of(c, "value"), owner, client_id),
        };
        if let Some(v) = value.filter(|v| v.as_array().is_none_or(|a| !a.is_empty())) {
            out.insert(name.to_owned(), v);
        }
    }
    out
}

fn mint(
    st: &crate::AppState,
    org: &Org,
    server_id: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Minted, OAuthError> {
    let form = Params::parse(std::str::from_utf8(body).ok());
    let grant = match form.get("grant_type") {
        None | Some("") => {
            return Err(OAuthError::invalid_request(&format!(
                "The token request must specify a 'grant_type'. Valid values: [{}]",
                SERVED_GRANTS.join(", ")
            )));
        }
        Some(g) if SERVED_GRANTS.contains(&g) => g,
        Some(_) => {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                format!(
                    "The authorization grant type is not supported by the authorization server. Configured grant types: [{}].",
                    SERVED_GRANTS.join(", ")
                ),
            ));
        }
    };
    let client = authenticate(org, headers, &form)?;
    let app = org.apps.get(client.app_index).ok_or_else(server_error)?;
    let configured = grant_types(app);
    if !configured.contains(&grant) {
        return Err(unauthorized_client(&configured));
    }
    let owner = if grant == "password" { Some(resource_owner(org, app, &form)?) } else { None };
    let scopes = requested_scopes(org, server_id, &form, grant)?;
    let rule = matching_rule(org, server_id, &client.client_id, grant, &scopes, owner.as_ref())?;
    let (kid, aud, ttl) = signing(org, server_id, rule)?;
    let iss = issuer(&st.public, server_id);
    let now = st.now_epoch();
    let mut access = access_claims(&iss, &aud, now, ttl, &client.client_id);
    if let Some(o) = &owner {
        access.insert("uid".into(), json!(o.id));
    }
    access.insert("scp".into(), json!(scopes));
    if owner.is_some() {
        access.insert("auth_time".into(), json!(now));
    }
    access.insert("sub".into(), json!(owner.as_ref().map_or(client.client_id.as_str(), |o| o.login.as_str())));
    access.extend(custom_claims(org, server_id, "RESOURCE", &scopes, owner.as_ref(), &client.client_id));

    let id_token = match &owner {
        Some(o) if scopes.iter().any(|s| s == "openid") => {
            Some(id_token_claims(o, &scopes, &iss, &client.client_id, now))
        }
        _ => None,
    };
    Ok(Minted { kid, access, id_token, ttl, scopes, refresh: None, api_user: None })
}

/// The claims of the ID token of a password grant with `openid` (Okta's ID tokens last one hour).
fn id_token_claims(o: &Owner, scopes: &[String], iss: &str, client_id: &str, now: i64) -> Map<String, Value> {
    let has = |s: &str| scopes.iter().any(|x| x == s);
    let mut c = Map::new();
    c.insert("sub".into(), json!(o.id));
    c.insert("ver".into(), json!(1));
    c.insert("iss".into(), json!(iss));
    c.insert("aud".into(), json!(client_id));
    c.insert("iat".into(), json!(now));
    c.insert("exp".into(), json!(now.saturating_add(3600)));
    c.insert("jti".into(), json!(format!("ID.{}", ids::unpredictable(43))));
    c.insert("amr".into(), json!(["pwd"]));
    c.insert("idp".into(), json!(crate::org::governance::ORG_ORN_ID));
    c.insert("auth_time".into(), json!(now));
    let text = |k: &str| o.profile.get(k).and_then(Value::as_str).map(str::to_owned);
    if has("profile") {
        let name = [text("firstName"), text("lastName")].into_iter().flatten().collect::<Vec<_>>().join(" ");
        c.insert("name".into(), json!(name));
        c.insert("preferred_username".into(), json!(o.login));
        if let Some(v) = text("firstName") {
            c.insert("given_name".into(), json!(v));
        }
        if let Some(v) = text("lastName") {
            c.insert("family_name".into(), json!(v));
        }
    }
    if has("email")
        && let Some(email) = text("email")
    {
        c.insert("email".into(), json!(email));
        c.insert("email_verified".into(), json!(true));
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_filters_match_as_okta_names_them() {
        assert!(group_filter("STARTS_WITH", "Eng", "Engineering"));
        assert!(!group_filter("STARTS_WITH", "eng", "Engineering"));
        assert!(group_filter("EQUALS", "Everyone", "Everyone"));
        assert!(!group_filter("EQUALS", "Every", "Everyone"));
        assert!(group_filter("CONTAINS", "ngin", "Engineering"));
        assert!(group_filter("REGEX", ".*", "Anything at all"));
        assert!(group_filter("REGEX", "Eng.*|Sales", "Sales"));
        assert!(!group_filter("REGEX", "ngin", "Engineering"), "the whole name");
        assert!(!group_filter("REGEX", "(", "("), "an invalid regex matches nothing");
        assert!(!group_filter("SOUNDS_LIKE", "x", "x"));
    }

    #[test]
    fn expressions_the_sandbox_knows() {
        let owner = Owner {
            id: "00u1".into(),
            login: "a@example.com".into(),
            profile: serde_json::from_value(json!({"department": "Sales", "nickName": null})).unwrap_or_default(),
            group_ids: vec![],
            group_names: vec![],
        };
        assert_eq!(expression("\"acme\"", None, "c"), Some(json!("acme")));
        assert_eq!(expression("'x'", None, "c"), Some(json!("x")));
        assert_eq!(expression("\"", None, "c"), None);
        assert_eq!(expression("42", None, "c"), Some(json!(42)));
        assert_eq!(expression("app.clientId", None, "c"), Some(json!("c")));
        assert_eq!(expression("user.department", Some(&owner), "c"), Some(json!("Sales")));
        assert_eq!(expression("user.profile.department", Some(&owner), "c"), Some(json!("Sales")));
        assert_eq!(expression("user.id", Some(&owner), "c"), Some(json!("00u1")));
        assert_eq!(expression("user.department", None, "c"), None, "a client's token has no user");
        assert_eq!(expression("user.nickName", Some(&owner), "c"), None);
        assert_eq!(expression("String.toUpperCase(user.department)", Some(&owner), "c"), None);
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let mut headers = HeaderMap::new();
        assert!(basic_credentials(&headers).is_none());
        let encoded = base64::engine::general_purpose::STANDARD.encode("my%20client:s%3Acret+x");
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap_or(HeaderValue::from_static("")),
        );
        let got = basic_credentials(&headers).and_then(Result::ok);
        assert_eq!(got, Some(("my client".to_owned(), "s:cret x".to_owned())));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert!(matches!(basic_credentials(&headers), Some(Err(_))));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert!(basic_credentials(&headers).is_none());
    }
}
