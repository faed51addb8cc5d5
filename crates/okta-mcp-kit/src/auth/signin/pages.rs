//! The sign-in pages: the consent page and the error page. Plain server-rendered HTML: no JavaScript, no
//! external resources, everything shown escaped; framing forbidden, never cached.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// HTML-escape text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The headers every sign-in answer gets: no framing, no caching, no sniffing, and no referrer to other sites
/// (`same-origin`, not `no-referrer`: under that, browsers send `Origin: null` with the consent form's POST, which
/// the Origin check must refuse).
pub fn harden(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https: http:; frame-ancestors 'none'; \
             base-uri 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;\
color:#1d1d1f;line-height:1.45}h1{font-size:1.35rem}.box{border:1px solid #d0d0d7;border-radius:8px;\
padding:1rem 1.25rem;margin:1rem 0}ul{padding-left:1.2rem}button{font-size:1rem;padding:.55rem 1.3rem;\
border-radius:6px;border:1px solid #888;margin-right:.6rem;cursor:pointer}#allow{background:#1a5fd6;\
color:#fff;border-color:#1a5fd6}.muted{color:#555;font-size:.9rem}code{word-break:break-all}";

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>{body}\
         </body></html>",
        escape(title)
    );
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    harden(&mut response);
    response
}

/// An error shown to the person (nothing is sent back to the client: its redirect URI is not trusted yet).
pub fn error(status: StatusCode, server: &str, message: &str) -> Response {
    let body = format!(
        "<h1>Cannot sign in to {}</h1><div class=\"box\"><p>{}</p></div><p class=\"muted\">Close this window and \
         try connecting again from your MCP client.</p>",
        escape(server),
        escape(message)
    );
    page(status, &format!("Cannot sign in to {server}"), &body)
}

/// What the consent page shows.
#[derive(Debug)]
pub struct Consent<'a> {
    pub server: &'a str,
    pub client_name: Option<&'a str>,
    pub redirect_host: &'a str,
    /// A client that describes itself in a metadata document: the document's host (who vouches for the name).
    pub document_host: Option<&'a str>,
    /// What the client will be able to do, one line each.
    pub abilities: &'a [String],
    pub signin_at: &'a str,
    pub transaction: &'a str,
    pub csrf: &'a str,
}

/// The consent page: Allow goes on to Okta's sign-in, Deny goes back to the client with `access_denied`.
pub fn consent(c: &Consent<'_>) -> Response {
    let client = match c.client_name {
        Some(name) => format!("<strong>{}</strong> (at <code>{}</code>)", escape(name), escape(c.redirect_host)),
        None => format!("An application at <code>{}</code>", escape(c.redirect_host)),
    };
    let client = match c.document_host {
        Some(host) => format!("{client}, described by <code>{}</code>,", escape(host)),
        None => client,
    };
    let abilities: String = c.abilities.iter().map(|a| format!("<li>{}</li>", escape(a))).collect();
    let body = format!(
        "<h1>Connect to {server}?</h1>\
         <div class=\"box\"><p>{client} wants to use <strong>{server}</strong> on your behalf.</p>\
         <p>If you allow it, you sign in with Okta ({signin}) and it will be able to:</p><ul>{abilities}</ul></div>\
         <p class=\"muted\">Only allow applications you trust and just asked to connect. You can sign in again at \
         any time; access lasts at most 8 hours.</p>\
         <form method=\"post\" action=\"/authorize\">\
         <input type=\"hidden\" name=\"transaction\" value=\"{txn}\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <button type=\"submit\" id=\"allow\" name=\"decision\" value=\"allow\">Allow</button>\
         <button type=\"submit\" id=\"deny\" name=\"decision\" value=\"deny\">Deny</button></form>",
        server = escape(c.server),
        signin = escape(c.signin_at),
        txn = escape(c.transaction),
        csrf = escape(c.csrf),
    );
    page(StatusCode::OK, &format!("Connect to {}", c.server), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_shown_is_escaped() {
        assert_eq!(
            escape("<script>\"x\"&'y'</script>\u{7}"),
            "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;&lt;/script&gt;"
        );
    }
}
