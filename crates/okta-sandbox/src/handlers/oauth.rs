//! `POST /oauth2/v1/token`: client_credentials with private_key_jwt (okta-api-facts.md §5); the authorization code
//! and refresh token grants of people signed in at `/oauth2/v1/authorize` are `custom_as::org_user_token`'s.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use super::{Params, St};
use crate::error::OAuthError;
use crate::{IssuedToken, OAuthClientConfig, ids, lock};

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn keys_of(client: &OAuthClientConfig) -> Vec<Value> {
    match client.jwk.get("keys").and_then(Value::as_array) {
        Some(keys) => keys.clone(),
        None => vec![client.jwk.clone()],
    }
}

fn decoding_key(jwk: &Value, alg: Algorithm) -> Option<DecodingKey> {
    let text = |k: &str| jwk.get(k).and_then(Value::as_str);
    match (text("kty")?, alg) {
        ("RSA", Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512) => {
            DecodingKey::from_rsa_components(text("n")?, text("e")?).ok()
        }
        ("EC", Algorithm::ES256) if text("crv") == Some("P-256") => {
            DecodingKey::from_ec_components(text("x")?, text("y")?).ok()
        }
        ("EC", Algorithm::ES384) if text("crv") == Some("P-384") => {
            DecodingKey::from_ec_components(text("x")?, text("y")?).ok()
        }
        _ => None,
    }
}

fn num(claims: &Value, key: &str) -> Option<i64> {
    claims.get(key).and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

pub(crate) async fn token(State(st): St, headers: HeaderMap, body: Bytes) -> Response {
    let form = Params::parse(std::str::from_utf8(&body).ok());
    if let Some(grant @ ("authorization_code" | "refresh_token")) = form.get("grant_type") {
        return super::custom_as::org_user_token(&st, grant, &headers, &form);
    }
    let (result, nonce) = issue(&st, &headers, &body);
    let mut resp = match result {
        Ok(v) => {
            let mut resp = (StatusCode::OK, axum::Json(v)).into_response();
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            resp
        }
        Err(e) => e.into_response(),
    };
    if let Some(n) = nonce.and_then(|n| HeaderValue::from_str(&n).ok()) {
        resp.headers_mut().insert("dpop-nonce", n);
    }
    resp
}

/// The token response or error, and the `DPoP-Nonce` to send (DPoP clients).
fn issue(st: &crate::AppState, headers: &HeaderMap, body: &Bytes) -> (Result<Value, OAuthError>, Option<String>) {
    let mut nonce = None;
    let result = issue_inner(st, headers, body, &mut nonce);
    (result, nonce)
}

fn issue_inner(
    st: &crate::AppState,
    headers: &HeaderMap,
    body: &Bytes,
    nonce_out: &mut Option<String>,
) -> Result<Value, OAuthError> {
    let form = Params::parse(std::str::from_utf8(body).ok());
    match form.get("grant_type") {
        None | Some("") => {
            return Err(OAuthError::invalid_request(
                "The token request must specify a 'grant_type'. Valid values: [client_credentials]",
            ));
        }
        Some("client_credentials") => {}
        Some(_) => {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The authorization grant type is not supported by the authorization server. Configured grant types: [client_credentials].",
            ));
        }
    }
    let assertion_type = form.get("client_assertion_type");
    let assertion = form.get("client_assertion").filter(|s| !s.is_empty());
    if form.get("client_secret").is_some() && assertion.is_some() {
        return Err(OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_request",
            "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.",
        ));
    }
    let Some(assertion) = assertion else {
        if form.get("client_secret").is_some() || form.get("client_id").is_some() {
            return Err(OAuthError::invalid_client(
                "Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.",
            ));
        }
        return Err(OAuthError::invalid_client("No client credentials found."));
    };
    if assertion_type != Some(JWT_BEARER) {
        return Err(OAuthError::invalid_request("The client_assertion_type is invalid."));
    }
    let header = jsonwebtoken::decode_header(assertion)
        .map_err(|_| OAuthError::invalid_client("The parsing of the client_assertion failed."))?;
    if !matches!(
        header.alg,
        Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 | Algorithm::ES256 | Algorithm::ES384
    ) {
        return Err(OAuthError::invalid_client("The client_assertion JWT signature algorithm is invalid."));
    }
    let unverified: Value = jsonwebtoken::dangerous::insecure_decode::<Value>(assertion)
        .map(|d| d.claims)
        .map_err(|_| OAuthError::invalid_client("The parsing of the client_assertion failed."))?;
    let iss = unverified.get("iss").and_then(Value::as_str).unwrap_or("");
    let Some(client) = st.config.oauth_clients.iter().find(|c| c.client_id == iss) else {
        return Err(OAuthError::invalid_client("The issuer claim for client_assertion is not a valid client_id."));
    };
    if unverified.get("sub").and_then(Value::as_str) != Some(client.client_id.as_str()) {
        return Err(OAuthError::invalid_client("The subject claim for client_assertion is not a valid client_id."));
    }
    let keys = keys_of(client);
    let candidates: Vec<&Value> = match &header.kid {
        Some(kid) => {
            let matching: Vec<&Value> =
                keys.iter().filter(|k| k.get("kid").and_then(Value::as_str) == Some(kid.as_str())).collect();
            if matching.is_empty() {
                return Err(OAuthError::invalid_client("The client_assertion JWT kid is invalid."));
            }
            matching
        }
        None => keys.iter().collect(),
    };
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    let verified = candidates
        .iter()
        .filter_map(|k| decoding_key(k, header.alg))
        .any(|key| jsonwebtoken::decode::<Value>(assertion, &key, &validation).is_ok());
    if !verified {
        return Err(OAuthError::invalid_client("The client_assertion signature is invalid."));
    }
    let claims = unverified;
    let expected_aud = format!("{}/oauth2/v1/token", st.public);
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => *a == expected_aud,
        Some(Value::Array(items)) => items.iter().any(|a| a.as_str() == Some(expected_aud.as_str())),
        _ => false,
    };
    if !aud_ok {
        return Err(OAuthError::invalid_client(
            "The audience claim for client_assertion must be the endpoint invoked for the request.",
        ));
    }
    let now = st.now_epoch();
    let Some(exp) = num(&claims, "exp") else {
        return Err(OAuthError::invalid_client(
            "The client_assertion must contain the 'exp' claim as seconds since epoch.",
        ));
    };
    if exp <= now {
        return Err(OAuthError::invalid_client("The client_assertion token is expired."));
    }
    let iat = num(&claims, "iat");
    if iat.is_some_and(|i| i > now + 60) {
        return Err(OAuthError::invalid_client("The client_assertion token must be issued before the current time."));
    }
    if exp - iat.unwrap_or(now).min(now) > 3600 {
        return Err(OAuthError::invalid_client(
            "The client_assertion token has an expiration too far into the future.",
        ));
    }
    if let Some(jti) = claims.get("jti").and_then(Value::as_str) {
        let key = format!("{}:{jti}", client.client_id);
        if !lock(&st.jtis).insert(key) {
            return Err(OAuthError::invalid_client("The client_assertion token has already been used."));
        }
    }
    // DPoP (okta-api-facts.md §6): checked once the client is authenticated. A client that does
    // not require DPoP gets a Bearer token whether or not it sent a proof.
    let mut jkt = None;
    if st.config.require_dpop {
        let nonce = st.dpop.as_nonce();
        *nonce_out = Some(nonce.clone());
        let htu = format!("{}/oauth2/v1/token", st.public);
        let expect = crate::dpop::Expect {
            htm: "POST",
            htu: &htu,
            nonce: &nonce,
            token: None,
            now,
            nonce_failure: crate::dpop::USE_NONCE_AS,
        };
        match crate::dpop::verify(&st.dpop, headers, &expect) {
            Ok(thumbprint) => jkt = Some(thumbprint),
            Err(f) => return Err(OAuthError::new(f.status, f.error, f.description)),
        }
    }
    let requested: Vec<String> = form.get("scope").unwrap_or("").split_whitespace().map(str::to_string).collect();
    if requested.is_empty() {
        return Err(OAuthError::invalid_scope("No scopes were requested."));
    }
    if requested.iter().any(|s| s == "openid") {
        return Err(OAuthError::invalid_scope("Cannot request 'openid' scopes using client credentials."));
    }
    if requested.iter().any(|s| !client.scopes.contains(s)) {
        return Err(OAuthError::invalid_scope(
            "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
        ));
    }
    let mut scopes: Vec<String> = Vec::new();
    for s in requested {
        if !scopes.contains(&s) {
            scopes.push(s);
        }
    }
    let access_token = format!("sbx.{}", ids::unpredictable(48));
    let ttl = st.config.token_ttl_secs;
    lock(&st.tokens).insert(
        access_token.clone(),
        IssuedToken {
            client_id: client.client_id.clone(),
            scopes: scopes.clone(),
            expires: Instant::now() + Duration::from_secs(ttl),
            jkt: jkt.clone(),
            user: None,
        },
    );
    Ok(json!({
        "token_type": if jkt.is_some() { "DPoP" } else { "Bearer" },
        "expires_in": ttl,
        "access_token": access_token,
        "scope": scopes.join(" "),
    }))
}
