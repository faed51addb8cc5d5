//! The one error type of this crate, and lenient parsing of Okta error bodies.

use std::fmt;

use serde_json::Value;

use crate::config::ConfigError;

/// Every failure of an Okta call. Display messages are actionable and never contain secrets.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OktaError {
    /// Bad configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A caller-supplied value was refused before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The offending parameter.
        field: String,
        /// Why.
        reason: String,
    },
    /// The API answered with an error status.
    #[error("{}", api_message(method, path, *status, body, www_authenticate.as_deref(), request_id.as_deref()))]
    Api {
        /// HTTP method.
        method: String,
        /// Request path (no query string).
        path: String,
        /// HTTP status.
        status: u16,
        /// The parsed error body (boxed to keep `OktaError` small).
        body: Box<OktaErrorBody>,
        /// The parsed `WWW-Authenticate` header, if any.
        www_authenticate: Option<Box<WwwAuthenticate>>,
        /// `X-Okta-Request-Id`.
        request_id: Option<String>,
    },
    /// The OAuth token endpoint refused to issue an access token.
    #[error("{}", auth_message(*status, error, description.as_deref(), *clock_skew_secs, request_id.as_deref()))]
    Auth {
        /// HTTP status.
        status: u16,
        /// OAuth `error`.
        error: String,
        /// OAuth `error_description`.
        description: Option<String>,
        /// Okta's clock minus this machine's, in seconds (from the response `Date`), when the
        /// refusal is about time (assertion or proof issued in the future, too old, expired).
        clock_skew_secs: Option<i64>,
        /// `X-Okta-Request-Id`.
        request_id: Option<String>,
    },
    /// An API call was refused for a DPoP reason (`WWW-Authenticate: DPoP error="..."`, or a
    /// DPoP-bound token used without the right proof).
    #[error("{}", dpop_api_message(request, *status, error, description.as_deref(), *clock_skew_secs, request_id.as_deref()))]
    Dpop {
        /// Method and path (no query string), e.g. `GET /api/v1/users`.
        request: String,
        /// HTTP status.
        status: u16,
        /// `invalid_dpop_proof`, `use_dpop_nonce`, `invalid_request`, `invalid_token`...
        error: String,
        /// `error_description`, e.g. "'htu' claim in the DPoP proof JWT is invalid."
        description: Option<String>,
        /// Okta's clock minus this machine's, in seconds, when the refusal is about time.
        clock_skew_secs: Option<i64>,
        /// `X-Okta-Request-Id`.
        request_id: Option<String>,
    },
    /// A pagination cursor was refused (foreign host or another endpoint).
    #[error("pagination cursor rejected: {reason}")]
    CursorRejected {
        /// Why.
        reason: String,
    },
    /// Connection failure, timeout, or an interrupted response.
    #[error("{message}{}", rid_suffix(request_id.as_deref()))]
    Transport {
        /// What happened (no secrets).
        message: String,
        /// `X-Okta-Request-Id` when a response had started.
        request_id: Option<String>,
    },
    /// This server's share of a rate-limit bucket is used up until a reset further away than it may wait
    /// (`OKTA_RATE_SHARE`); nothing was sent.
    #[error(
        "rate limit: this server's share ({:.0}%) of Okta's rate limit for {method} {template} is used up until the \
         window resets in {} s, longer than it waits ({} s); nothing was sent. Try again after the reset, or raise \
         OKTA_RATE_SHARE if no other integration needs the rest",
        share * 100.0, reset_in.as_secs(), max_wait.as_secs()
    )]
    RateShareUsed {
        method: String,
        /// The operation's path template.
        template: String,
        share: f64,
        reset_in: std::time::Duration,
        max_wait: std::time::Duration,
    },
    /// A successful response could not be decoded.
    #[error("{message}{}", rid_suffix(request_id.as_deref()))]
    Decode {
        /// What happened.
        message: String,
        /// `X-Okta-Request-Id`.
        request_id: Option<String>,
    },
}

impl OktaError {
    /// `X-Okta-Request-Id` of the response that caused this error, if there was one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. }
            | Self::Auth { request_id, .. }
            | Self::Dpop { request_id, .. }
            | Self::Transport { request_id, .. }
            | Self::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// HTTP status of the error response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } | Self::Auth { status, .. } | Self::Dpop { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Okta `errorCode` (e.g. `E0000007`), or the OAuth `error` for token-endpoint failures.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Self::Api { body, .. } => body.error_code.as_deref(),
            Self::Auth { error, .. } | Self::Dpop { error, .. } => Some(error.as_str()),
            _ => None,
        }
    }

    /// The error is about DPoP (token endpoint or API call).
    pub fn is_dpop(&self) -> bool {
        match self {
            Self::Dpop { .. } => true,
            Self::Auth { error, description, .. } => {
                error.contains("dpop") || description.as_deref().is_some_and(|d| d.contains("DPoP"))
            }
            _ => false,
        }
    }

    /// Okta's clock minus this machine's (seconds), when Okta refused something as issued in the
    /// future or too old and its `Date` header told the difference.
    pub fn clock_skew_secs(&self) -> Option<i64> {
        match self {
            Self::Auth { clock_skew_secs, .. } | Self::Dpop { clock_skew_secs, .. } => *clock_skew_secs,
            _ => None,
        }
    }

    /// The scope(s) the access token lacks (from `WWW-Authenticate: ... error="insufficient_scope", scope="..."`).
    pub fn missing_scope(&self) -> Option<&str> {
        match self {
            Self::Api { www_authenticate: Some(w), .. }
                if w.error.as_deref() == Some("insufficient_scope") || w.error.is_none() =>
            {
                w.scope.as_deref()
            }
            _ => None,
        }
    }

    /// `WWW-Authenticate` says the access token is invalid/expired (or Okta says E0000011).
    pub(crate) fn is_invalid_token(&self) -> bool {
        match self {
            Self::Api { status: 401, www_authenticate, body, .. } => {
                www_authenticate.as_ref().and_then(|w| w.error.as_deref()) == Some("invalid_token")
                    || body.error_code.as_deref() == Some("E0000011")
            }
            _ => false,
        }
    }
}

fn rid_suffix(request_id: Option<&str>) -> String {
    match request_id {
        Some(id) => format!(" (request id {id})"),
        None => String::new(),
    }
}

/// The one rendering of an Okta API error, for people: what Okta answered (status, errorCode, summary, causes),
/// what a `WWW-Authenticate` challenge says (a missing scope is named with where to grant it), what to do about
/// it (by errorCode, else by status) and Okta's request id, one fact a line.
fn api_message(
    method: &str,
    path: &str,
    status: u16,
    body: &OktaErrorBody,
    www: Option<&WwwAuthenticate>,
    request_id: Option<&str>,
) -> String {
    let mut lines = Vec::new();
    let code = body.error_code.as_deref().unwrap_or("no errorCode");
    // Not an Okta error body: a proxy's problem document (RFC 9457) still says what went wrong.
    let problem = [body.raw.get("title"), body.raw.get("detail")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join(": ");
    let snippet = match &body.raw {
        Value::String(snippet) if !snippet.trim().is_empty() => format!("non-JSON response: {}", snippet.trim()),
        _ => String::new(),
    };
    let summary = match body.error_summary.as_deref() {
        Some(summary) => summary,
        None if !problem.is_empty() => &problem,
        None if !snippet.is_empty() => &snippet,
        None => "(no summary)",
    };
    lines.push(format!("Okta answered {status} to {method} {path}: {code} {summary}"));
    for cause in &body.error_causes {
        lines.push(format!("cause: {cause}"));
    }
    if let Some(www) = www {
        if www.error.as_deref() == Some("insufficient_scope") {
            let scope = www.scope.as_deref().unwrap_or("(not named)");
            lines.push(format!(
                "missing OAuth scope: {scope}. Grant it to the service app (Admin Console → Applications → the app → \
                 Okta API Scopes) and, if you set OKTA_SCOPES, add it there."
            ));
        } else if let Some(err) = &www.error {
            let desc = www.error_description.as_deref().unwrap_or("");
            lines.push(format!("authorization error: {err} {desc}").trim_end().to_owned());
        }
    }
    if let Some(hint) = body.error_code.as_deref().and_then(code_hint).or_else(|| status_hint(status)) {
        lines.push(hint.to_owned());
    }
    if let Some(id) = request_id {
        lines.push(format!("request id: {id}"));
    }
    lines.join("\n")
}

/// What to do about an Okta errorCode.
fn code_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "E0000001" => "Okta rejected a field value: see the causes.",
        "E0000003" => "The request body was not well-formed JSON.",
        "E0000004" => "Authentication failed.",
        "E0000005" => "Invalid session.",
        "E0000006" => {
            "The credentials lack permission: the service app (or the API token's admin) needs an admin role \
             that covers this resource, and the OAuth scope for the action."
        }
        "E0000007" => "Nothing with that id exists in the org (check the id, or look it up with a list tool).",
        "E0000011" => "The API token is invalid, expired or revoked: create a new one or check OKTA_API_TOKEN.",
        "E0000015" => "The feature is not enabled for this org.",
        "E0000016" => "The user is already in that state.",
        "E0000022" => "The endpoint does not support that method.",
        "E0000031" => "The search or filter expression is invalid: check its syntax.",
        "E0000038" => "The operation is not allowed in the user's current status.",
        "E0000047" => "Okta's rate limit is exhausted: wait a minute and try again.",
        "E0000060" => "The operation is not supported for this object.",
        "E0000068" => "The passcode or answer is wrong.",
        _ => return None,
    })
}

/// What to do about an HTTP status, when Okta sent no errorCode with a hint.
fn status_hint(status: u16) -> Option<&'static str> {
    match status {
        401 => Some(
            "Authentication failed: check that OKTA_API_TOKEN is valid and not expired or revoked (or, with OAuth, \
             that the service app is active).",
        ),
        403 => Some(
            "Permission denied: the admin role of the token's owner (or the service app) does not allow this \
             action on this resource.",
        ),
        404 => Some("Not found: check the id (or the feature may not be enabled for this org)."),
        429 => Some("Rate limit exceeded: wait for the rate-limit window to reset and retry."),
        s if s >= 500 => Some("Okta server error: retry later."),
        _ => None,
    }
}

/// Is this OAuth/DPoP error about time (iat in the future, too old, expired)?
pub(crate) fn is_time_error(description: Option<&str>) -> bool {
    description.is_some_and(|d| {
        let d = d.to_ascii_lowercase();
        d.contains("in the future")
            || d.contains("before the current time")
            || d.contains("too old")
            || d.contains("in the past")
            || d.contains("is expired")
            || d.contains("'iat' claim")
    })
}

/// "3 min 12 s" / "45 s".
fn duration_text(secs: u64) -> String {
    match (secs / 3600, (secs % 3600) / 60, secs % 60) {
        (0, 0, s) => format!("{s} s"),
        (0, m, s) => format!("{m} min {s} s"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

/// What to say about the clock, given Okta's clock minus ours.
pub(crate) fn clock_text(skew: Option<i64>) -> String {
    match skew {
        Some(s) if s.unsigned_abs() >= 2 => format!(
            "This machine's clock is off: it is {} {} Okta's (from Okta's Date header). Fix the system time (enable NTP time sync); nothing needs to change in Okta",
            duration_text(s.unsigned_abs()),
            if s > 0 { "behind" } else { "ahead of" }
        ),
        Some(_) => "Okta judged a timestamp wrong although this machine's clock agrees with Okta's Date header within a second or two: check for a proxy that delays requests, then retry".into(),
        None => "Check this machine's clock (enable NTP time sync): Okta accepts proofs and assertions issued at most a few minutes apart from its own time".into(),
    }
}

/// What is wrong and what to change, for a DPoP error from the token endpoint or an API call.
pub(crate) fn dpop_hint(error: &str, description: Option<&str>, skew: Option<i64>) -> Option<String> {
    const SETTING: &str = "\"Require Demonstrating Proof of Possession (DPoP) header in token requests\"";
    let d = description.unwrap_or("");
    if is_time_error(description) {
        return Some(clock_text(skew));
    }
    let text = if d.contains("header is missing") || d.contains("requires a DPoP proof") {
        format!(
            "The service app requires DPoP ({SETTING} is on) but no DPoP proof was sent because OKTA_DPOP=never: unset OKTA_DPOP (auto), or turn that setting off for the app in Okta"
        )
    } else if error == "use_dpop_nonce" {
        "Okta asked for a new DPoP nonce again right after the retry with the nonce it sent: a proxy may be dropping the DPoP-Nonce header or spreading requests over orgs; retry, and check OKTA_ORG_URL".into()
    } else if d.contains("'htu'") || d.contains("'htm'") {
        "The DPoP proof names a different URL or method than the one Okta received: a proxy or custom domain rewrites requests; set OKTA_ORG_URL to the exact URL Okta is reached at (a path with percent-encoded characters such as %40 also fails: use ids instead of logins)".into()
    } else if d.contains("already been used") || d.contains("'jti'") {
        "Okta saw the same DPoP proof twice (a proof is single use): something between this machine and Okta replays requests; remove the retrying proxy, then retry".into()
    } else if d.contains("'ath'")
        || d.contains("not bound to the provided DPoP proof")
        || d.contains("Public Key binding")
    {
        "The access token is bound to a different DPoP key than the proof's (each process has its own key): the token is renewed on the next call; if this persists, report it".into()
    } else if d.contains("must use the DPoP authentication scheme") {
        "The access token is DPoP-bound but was sent as Bearer: unset OKTA_DPOP (auto) so the token type Okta issues decides".into()
    } else if d.contains("not DPoP bound") {
        format!(
            "Okta issued a Bearer token (the app does not require DPoP) but the call used DPoP: unset OKTA_DPOP (auto), or turn on {SETTING} for the app"
        )
    } else if error == "invalid_dpop_proof" {
        format!(
            "Okta refused the DPoP proof itself ({}): check that nothing between this machine and Okta alters the DPoP header; as a last resort set OKTA_DPOP=never and turn off {SETTING} for the app",
            if d.is_empty() { "no reason given" } else { d.trim_end_matches('.') }
        )
    } else if error == "dpop_not_enabled" {
        format!(
            "OKTA_DPOP=always, but the app issued a Bearer token: turn on {SETTING} for the service app in Okta, or unset OKTA_DPOP (auto) to accept Bearer tokens"
        )
    } else {
        return None;
    };
    Some(text)
}

fn auth_message(
    status: u16,
    error: &str,
    description: Option<&str>,
    skew: Option<i64>,
    request_id: Option<&str>,
) -> String {
    let mut msg = format!("Okta token request (/oauth2/v1/token) failed: HTTP {status} {error}");
    if let Some(d) = description {
        msg.push_str(&format!(": {d}"));
    }
    msg.push_str(&rid_suffix(request_id));
    let d = description.unwrap_or("");
    let hint: Option<String> = if is_time_error(description) {
        Some(clock_text(skew))
    } else if let Some(h) = dpop_hint(error, description, skew) {
        Some(h)
    } else {
        match error {
            "invalid_client" if d.contains("kid is invalid") => Some(
                "The key id (kid) of the client assertion is not one of the app's public keys: set OKTA_KEY_ID to the Key ID shown for the key in the app's General tab (Public keys)".into(),
            ),
            "invalid_client" if d.contains("signature is invalid") => Some(
                "The private key does not match the public key registered on the app: use the private key of the key pair shown in the app's Public keys (and its Key ID in OKTA_KEY_ID)".into(),
            ),
            "invalid_client" if d.contains("signature algorithm is invalid") => Some(
                "The app's public key does not take this signing algorithm: register a key of the same type (RSA for RS256, EC P-256 for ES256)".into(),
            ),
            "invalid_client" if d.contains("must use the private_key_jwt") => Some(
                "Set the app's client authentication to \"Public key / Private key\" (Admin Console > Applications > the app > General > Client Credentials)".into(),
            ),
            "invalid_client" if d.contains("not a valid client_id") => Some(
                "OKTA_CLIENT_ID is not the client id of an active app in this org: copy it from the app's General tab".into(),
            ),
            "invalid_client" => Some(
                "Check that OKTA_CLIENT_ID is the service app's client id, that its public key matches OKTA_PRIVATE_KEY and OKTA_KEY_ID, that client authentication is \"Public key / Private key\", and that this machine's clock is correct".into(),
            ),
            "invalid_scope" => Some(
                "A requested scope is not granted to the service app: grant it (Okta API Scopes tab) or narrow OKTA_SCOPES".into(),
            ),
            "unauthorized_client" => Some(
                "The app is not allowed the client_credentials grant: it must be an API Services (service) app".into(),
            ),
            _ => None,
        }
    };
    if let Some(h) = hint {
        msg.push_str(". ");
        msg.push_str(&h);
    }
    msg
}

fn dpop_api_message(
    request: &str,
    status: u16,
    error: &str,
    description: Option<&str>,
    skew: Option<i64>,
    request_id: Option<&str>,
) -> String {
    let mut msg = format!("Okta {request} failed: HTTP {status} {error}");
    if let Some(d) = description {
        msg.push_str(&format!(": {d}"));
    }
    msg.push_str(&rid_suffix(request_id));
    if let Some(h) = dpop_hint(error, description, skew) {
        msg.push_str(". ");
        msg.push_str(&h);
    }
    msg
}

/// Okta's error object, parsed leniently. `raw` keeps the whole body (or a short text
/// snippet when the body is not JSON, e.g. an HTML page from a proxy).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OktaErrorBody {
    /// `errorCode`, e.g. `E0000007`.
    pub error_code: Option<String>,
    /// `errorSummary`.
    pub error_summary: Option<String>,
    /// `errorLink`.
    pub error_link: Option<String>,
    /// `errorId`.
    pub error_id: Option<String>,
    /// The `errorSummary` of each cause.
    pub error_causes: Vec<String>,
    /// The whole JSON body, or `Value::String(snippet)` for non-JSON bodies.
    pub raw: Value,
}

/// Max characters of a non-JSON body kept in an error.
const SNIPPET_CHARS: usize = 200;

impl OktaErrorBody {
    /// Parse an error body. Never fails: anything unexpected ends up in `raw`.
    pub fn parse(bytes: &[u8]) -> Self {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => Self::from_value(value),
            Err(_) => Self { raw: Value::String(snippet(bytes)), ..Self::default() },
        }
    }

    /// Interpret an already parsed JSON body.
    pub fn from_value(value: Value) -> Self {
        let text = |key: &str| -> Option<String> {
            match value.get(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            }
        };
        // Observed typo in the spec examples: "E0000001," - keep the code usable.
        let error_code =
            text("errorCode").map(|c| c.trim_end_matches([',', ';', '.']).to_string()).filter(|c| !c.is_empty());
        // OAuth-style bodies ({error, error_description}) on API endpoints.
        let error_summary = text("errorSummary").or_else(|| text("error_description")).or_else(|| text("message"));
        let error_causes = match value.get("errorCauses") {
            Some(Value::Array(items)) => items.iter().filter_map(cause_summary).collect(),
            Some(other) => cause_summary(other).into_iter().collect(),
            None => Vec::new(),
        };
        Self {
            error_code,
            error_summary,
            error_link: text("errorLink"),
            error_id: text("errorId"),
            error_causes,
            raw: value,
        }
    }
}

fn cause_summary(cause: &Value) -> Option<String> {
    match cause {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Object(map) => {
            let summary =
                map.get("errorSummary").or_else(|| map.get("reason")).and_then(Value::as_str)?.trim().to_string();
            match map.get("location").and_then(Value::as_str) {
                Some(loc) if !loc.is_empty() && !summary.contains(loc) => Some(format!("{loc}: {summary}")),
                _ => Some(summary),
            }
        }
        _ => None,
    }
}

/// A short, single-line, printable excerpt of a body.
pub(crate) fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::new();
    let mut last_space = true;
    for c in text.chars() {
        let c = if c.is_whitespace() || c.is_control() { ' ' } else { c };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
        if out.chars().count() >= SNIPPET_CHARS {
            out.push('…');
            break;
        }
    }
    out.trim_end().to_string()
}

/// A parsed `WWW-Authenticate` challenge (the first one in the header).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WwwAuthenticate {
    /// `Bearer`, `DPoP`, `SSWS`...
    pub scheme: String,
    /// `error`, e.g. `insufficient_scope`, `invalid_token`.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
    /// `scope`: the scope(s) missing from the token.
    pub scope: Option<String>,
    /// `resource`.
    pub resource: Option<String>,
    /// `realm`.
    pub realm: Option<String>,
    /// Every auth-param as (lower-cased name, value), in order.
    pub params: Vec<(String, String)>,
}

impl WwwAuthenticate {
    /// Parse a header value such as
    /// `Bearer realm="x", error="insufficient_scope", scope="okta.users.manage"`.
    /// Quoted values may contain commas and `\"` escapes. Only the first challenge is kept.
    pub fn parse(value: &str) -> Option<Self> {
        let chars: Vec<char> = value.chars().collect();
        let mut i = 0;
        let skip_ws = |i: &mut usize| {
            while *i < chars.len() && chars[*i].is_whitespace() {
                *i += 1;
            }
        };
        let is_token = |c: char| !c.is_whitespace() && !matches!(c, ',' | '=' | '"');
        skip_ws(&mut i);
        let start = i;
        while i < chars.len() && is_token(chars[i]) {
            i += 1;
        }
        let scheme: String = chars[start..i].iter().collect();
        if scheme.is_empty() {
            return None;
        }
        let mut out = Self { scheme, ..Self::default() };
        loop {
            // separators
            while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ',') {
                i += 1;
            }
            if i >= chars.len() {
                break;
            }
            let name_start = i;
            while i < chars.len() && is_token(chars[i]) {
                i += 1;
            }
            let name: String = chars[name_start..i].iter().collect();
            skip_ws(&mut i);
            if i >= chars.len() || chars[i] != '=' {
                // A token without '=' starts the next challenge (or is token68): stop.
                if name.is_empty() {
                    i += 1;
                    continue;
                }
                break;
            }
            i += 1; // '='
            skip_ws(&mut i);
            let mut val = String::new();
            if i < chars.len() && chars[i] == '"' {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    val.push(chars[i]);
                    i += 1;
                }
                i += 1; // closing quote
            } else {
                while i < chars.len() && chars[i] != ',' && !chars[i].is_whitespace() {
                    val.push(chars[i]);
                    i += 1;
                }
            }
            let lname = name.to_ascii_lowercase();
            match lname.as_str() {
                "error" => out.error = Some(val.clone()),
                "error_description" => out.error_description = Some(val.clone()),
                "scope" => out.scope = Some(val.clone()),
                "resource" => out.resource = Some(val.clone()),
                "realm" => out.realm = Some(val.clone()),
                _ => {}
            }
            out.params.push((lname, val));
        }
        Some(out)
    }
}

impl fmt::Display for WwwAuthenticate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.scheme)?;
        for (i, (k, v)) in self.params.iter().enumerate() {
            let sep = if i == 0 { " " } else { ", " };
            write!(f, "{sep}{k}=\"{}\"", v.replace('"', "\\\""))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn standard_body_with_array_causes() {
        let body = OktaErrorBody::parse(
            br#"{"errorCode":"E0000001","errorSummary":"Api validation failed: login","errorLink":"E0000001","errorId":"oae123","errorCauses":[{"errorSummary":"login: An object with this field already exists"},{"domain":"governance","errorSummary":"format is invalid","locationType":"body","location":"/resourceSettings/x"}]}"#,
        );
        assert_eq!(body.error_code.as_deref(), Some("E0000001"));
        assert_eq!(body.error_summary.as_deref(), Some("Api validation failed: login"));
        assert_eq!(body.error_link.as_deref(), Some("E0000001"));
        assert_eq!(body.error_id.as_deref(), Some("oae123"));
        assert_eq!(
            body.error_causes,
            vec![
                "login: An object with this field already exists".to_string(),
                "/resourceSettings/x: format is invalid".to_string()
            ]
        );
        assert_eq!(body.raw["errorId"], json!("oae123"));
    }

    #[test]
    fn object_causes_string_causes_missing_code_and_typo() {
        let body = OktaErrorBody::parse(
            br#"{"errorCode":"E0000001,","errorSummary":"x","errorCauses":{"errorSummary":"single cause"}}"#,
        );
        assert_eq!(body.error_code.as_deref(), Some("E0000001"));
        assert_eq!(body.error_causes, vec!["single cause".to_string()]);
        let body = OktaErrorBody::parse(
            br#"{"errorSummary":"Device assurance in use","errorCauses":["a", {"reason":"b"}, 3]}"#,
        );
        assert_eq!(body.error_code, None);
        assert_eq!(body.error_summary.as_deref(), Some("Device assurance in use"));
        assert_eq!(body.error_causes, vec!["a".to_string(), "b".to_string()]);
    }

    #[test]
    fn html_body_becomes_short_snippet() {
        let html =
            format!("<html>\n<head><title>502 Bad Gateway</title></head>\n<body>{}</body></html>", "x".repeat(5000));
        let body = OktaErrorBody::parse(html.as_bytes());
        assert_eq!(body.error_code, None);
        let Value::String(s) = &body.raw else { panic!("expected snippet") };
        assert!(s.starts_with("<html> <head><title>502 Bad Gateway</title>"), "{s}");
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
        let err = OktaError::Api {
            method: "GET".into(),
            path: "/api/v1/users".into(),
            status: 502,
            body: Box::new(body),
            www_authenticate: None,
            request_id: Some("req-1".into()),
        };
        let msg = err.to_string();
        assert!(msg.contains("502 Bad Gateway") && msg.contains("req-1"), "{msg}");
    }

    #[test]
    fn www_authenticate_insufficient_scope() {
        let w = WwwAuthenticate::parse(
            r#"Bearer authorization_uri="https://x.okta.com/oauth2/v1/authorize", realm="IdpMyAccountAPI", scope="okta.users.manage", error="insufficient_scope", error_description="The access token provided does not contain the required scopes, sorry.", resource="/api/v1/users""#,
        )
        .unwrap();
        assert_eq!(w.scheme, "Bearer");
        assert_eq!(w.error.as_deref(), Some("insufficient_scope"));
        assert_eq!(w.scope.as_deref(), Some("okta.users.manage"));
        assert_eq!(
            w.error_description.as_deref(),
            Some("The access token provided does not contain the required scopes, sorry.")
        );
        assert_eq!(w.resource.as_deref(), Some("/api/v1/users"));
        assert_eq!(w.realm.as_deref(), Some("IdpMyAccountAPI"));
        let err = OktaError::Api {
            method: "POST".into(),
            path: "/api/v1/users".into(),
            status: 403,
            body: Box::new(OktaErrorBody::default()),
            www_authenticate: Some(Box::new(w)),
            request_id: None,
        };
        assert_eq!(err.missing_scope(), Some("okta.users.manage"));
        assert!(err.to_string().contains("OKTA_SCOPES"));
    }

    #[test]
    fn www_authenticate_invalid_token_and_dpop() {
        let w = WwwAuthenticate::parse(
            r#"Bearer realm="IdpMyAccountAPI", error="invalid_token", error_description="The token has expired.""#,
        )
        .unwrap();
        assert_eq!(w.error.as_deref(), Some("invalid_token"));
        assert_eq!(w.scope, None);
        let w = WwwAuthenticate::parse(
            r#"DPoP algs="RS256 RS384", realm="x", scope="okta.groups.read", error="invalid_dpop_proof", error_description="'htu' claim in the DPoP proof JWT is invalid.", resource="/api/v1/groups/00g/users""#,
        )
        .unwrap();
        assert_eq!(w.scheme, "DPoP");
        assert_eq!(w.params[0], ("algs".to_string(), "RS256 RS384".to_string()));
        assert_eq!(w.error.as_deref(), Some("invalid_dpop_proof"));
        let w = WwwAuthenticate::parse(r#"Bearer error=invalid_token, Basic realm="b""#).unwrap();
        assert_eq!(w.error.as_deref(), Some("invalid_token"));
        assert_eq!(w.realm, None);
        let w = WwwAuthenticate::parse(r#"Bearer error="a \"quoted\" value""#).unwrap();
        assert_eq!(w.error.as_deref(), Some(r#"a "quoted" value"#));
        assert!(WwwAuthenticate::parse("   ").is_none());
    }

    #[test]
    fn accessors() {
        let err = OktaError::Api {
            method: "GET".into(),
            path: "/api/v1/users/x".into(),
            status: 404,
            body: Box::new(OktaErrorBody::parse(
                br#"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: x (User)"}"#,
            )),
            www_authenticate: None,
            request_id: Some("abc".into()),
        };
        assert_eq!(err.status(), Some(404));
        assert_eq!(err.error_code(), Some("E0000007"));
        assert_eq!(err.request_id(), Some("abc"));
        assert_eq!(err.missing_scope(), None);
        let msg = err.to_string();
        assert!(msg.contains("E0000007") && msg.contains("Not found") && msg.contains("abc"), "{msg}");

        let auth = OktaError::Auth {
            status: 401,
            error: "invalid_client".into(),
            description: Some("The client_assertion signature is invalid.".into()),
            clock_skew_secs: None,
            request_id: Some("r2".into()),
        };
        assert_eq!(auth.error_code(), Some("invalid_client"));
        assert!(auth.to_string().contains("OKTA_KEY_ID"));
    }
}
