//! HTTP: maps request paths to in-memory files, with content types, ETags,
//! HEAD, per-language 404 pages, the live-reload event stream and the
//! injected reload script and error overlay.
//!
//! Paths are resolved only against the snapshot's file map, never the disk,
//! and anything that looks like traversal is refused before the lookup.
//! Requests whose `Host` is not this server's ([`AllowedHosts`]) are
//! refused before anything else, so a web page cannot read the preview
//! (drafts included) through DNS rebinding.
//! Must not know: how the site is built or watched.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use tokio::sync::broadcast;

use crate::site::LiveSite;
use crate::snapshot::{SiteFile, SiteSnapshot};

/// The path of the live-reload event stream.
pub const EVENTS_PATH: &str = "/__quire/events";

/// What the event stream tells open pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reload {
    /// Reload the page.
    Page,
    /// Re-fetch stylesheets only.
    Stylesheets,
}

/// Shared state of the HTTP handlers.
pub struct App {
    /// The live site.
    pub site: Arc<LiveSite>,
    /// Reload notices for open pages.
    pub reload: broadcast::Sender<Reload>,
    /// The `Host` values this server answers.
    pub hosts: AllowedHosts,
}

/// The `Host` values a preview server answers: loopback names
/// (`localhost`, `*.localhost`) and addresses, the address it is bound to
/// (any IP address when bound to all of them), and the host of the site's
/// own `base_url`. A DNS-rebinding page reaches the server under its own
/// host name, which is none of these; an IP address cannot be rebound.
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    /// The bound address.
    pub bound: std::net::IpAddr,
    /// Host names allowed besides the loopback ones, lower case.
    pub names: Vec<String>,
}

impl AllowedHosts {
    /// True when a request with this `Host` header value may be answered.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        // Drop the port: `[::1]:1111`, `127.0.0.1:1111`, `localhost:1111`.
        let name = if let Some(rest) = host.strip_prefix('[') {
            match rest.split_once(']') {
                Some((inside, after)) if after.is_empty() || after.starts_with(':') => inside,
                _ => return false,
            }
        } else {
            match host.rsplit_once(':') {
                Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
                Some(_) => return false,
                None => host,
            }
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        if name.is_empty() {
            return false;
        }
        if let Ok(ip) = name.parse::<std::net::IpAddr>() {
            return ip.is_loopback() || ip == self.bound || self.bound.is_unspecified();
        }
        name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name)
    }
}

/// The router serving `app`.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .fallback(serve)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            check_host,
        ))
        .with_state(app)
}

/// Refuses a request whose `Host` is not this server's with 421.
async fn check_host(
    State(app): State<Arc<App>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    if host.is_some_and(|h| app.hosts.allows(h)) {
        return next.run(request).await;
    }
    plain(
        StatusCode::MISDIRECTED_REQUEST,
        "quire serve answers only requests for its own address (localhost, the address it listens on, or the site's base_url host)\n",
        request.method() == Method::HEAD,
    )
}

/// The script added to every HTML page in serve mode: listens on the event
/// stream, reloads the page, or swaps stylesheets by re-fetching them.
const RELOAD_SCRIPT: &str = r#"<script>(function(){var s=new EventSource("/__quire/events");s.addEventListener("reload",function(e){if(e.data==="css"){document.querySelectorAll('link[rel="stylesheet"]').forEach(function(l){var u=new URL(l.href);u.searchParams.set("quire-reload",Date.now());l.href=u.toString();});}else{location.reload();}});})();</script>"#;

async fn events(State(app): State<Arc<App>>) -> impl IntoResponse {
    let rx = app.reload.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let data = match rx.recv().await {
            Ok(Reload::Stylesheets) => "css",
            // A page that missed notices (lagged) reloads once for them all.
            Ok(Reload::Page) | Err(broadcast::error::RecvError::Lagged(_)) => "page",
            Err(broadcast::error::RecvError::Closed) => return None,
        };
        let event = Event::default().event("reload").data(data);
        Some((Ok::<_, Infallible>(event), rx))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct BadPath;

/// Turns a raw (still percent-encoded) request path into a file-map key:
/// decoded, without the leading `/`. Refuses `.` and `..` segments, empty
/// segments (`//etc`), backslashes, NUL and invalid UTF-8, whether written
/// plainly or percent-encoded.
pub fn resolve_key(raw: &str) -> Result<String, BadPath> {
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(raw).collect();
    let decoded = String::from_utf8(decoded).map_err(|_| BadPath)?;
    let rest = decoded.strip_prefix('/').ok_or(BadPath)?;
    if rest.contains(['\\', '\0']) {
        return Err(BadPath);
    }
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if *segment == "." || *segment == ".." || (segment.is_empty() && !last) {
            return Err(BadPath);
        }
        // A Windows drive (`C:`) would make a joined path absolute.
        if i == 0 && segment.len() == 2 && segment.ends_with(':') {
            return Err(BadPath);
        }
    }
    Ok(rest.to_string())
}

async fn serve(
    State(app): State<Arc<App>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return Response::builder()
            .status(StatusCode::METHOD_NOT_ALLOWED)
            .header(header::ALLOW, "GET, HEAD")
            .body(Body::empty())
            .unwrap_or_default();
    }
    let head = method == Method::HEAD;
    let snap = app.site.snapshot();
    let Ok(key) = resolve_key(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "bad request path\n", head);
    };
    let key = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key
    };
    if let Some(file) = snap.files.get(&key) {
        return respond(StatusCode::OK, &key, file, &snap, &headers, head);
    }
    if snap.files.contains_key(&format!("{key}/index.html")) {
        let mut location = format!("{}/", uri.path());
        if let Some(q) = uri.query() {
            location.push('?');
            location.push_str(q);
        }
        return Response::builder()
            .status(StatusCode::PERMANENT_REDIRECT)
            .header(header::LOCATION, location)
            .body(Body::empty())
            .unwrap_or_default();
    }
    let first = key.split('/').next().unwrap_or("");
    let lang_404 = format!("{first}/404.html");
    for candidate in [lang_404.as_str(), "404.html"] {
        if let Some(file) = snap.files.get(candidate) {
            return respond(
                StatusCode::NOT_FOUND,
                candidate,
                file,
                &snap,
                &headers,
                head,
            );
        }
    }
    let mut page = "<!doctype html><title>Not found</title><p>Not found.</p>".to_string();
    if snap.files.is_empty() && snap.errors.is_empty() {
        page.push_str("<p>The site is still building.</p>");
    }
    let file = SiteFile::new(page.into_bytes());
    respond(
        StatusCode::NOT_FOUND,
        "404.html",
        &file,
        &snap,
        &headers,
        head,
    )
}

fn plain(status: StatusCode, text: &'static str, head: bool) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .header(header::CONTENT_LENGTH, text.len())
        .body(if head {
            Body::empty()
        } else {
            Body::from(text)
        })
        .unwrap_or_default()
}

/// The content type for an output path; text types say UTF-8, as quire
/// writes only UTF-8.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let essence = mime.essence_str();
    let texty = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            essence,
            "application/javascript" | "application/json" | "application/xml" | "image/svg+xml"
        )
        || essence.ends_with("+xml");
    if texty {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

fn respond(
    status: StatusCode,
    path: &str,
    file: &SiteFile,
    snap: &SiteSnapshot,
    headers: &HeaderMap,
    head: bool,
) -> Response {
    let content_type = content_type(path);
    let html = content_type.starts_with("text/html");
    // HTML carries the injected script and overlay, so its tag also names
    // the overlay state: fixing an error must not be answered with 304.
    let etag = if html {
        format!("\"{:016x}-{:x}\"", file.hash(), snap.overlay_tag())
    } else {
        format!("\"{:016x}\"", file.hash())
    };
    let mut builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if status == StatusCode::OK && if_none_match(headers, &etag) {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_default();
    }
    let body = if html {
        inject(&file.bytes, &snap.errors)
    } else {
        file.bytes.clone()
    };
    builder = builder
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CONTENT_LENGTH, body.len());
    let body = if head {
        Body::empty()
    } else {
        Body::from(body)
    };
    builder.body(body).unwrap_or_default()
}

/// True when an `If-None-Match` header lists `etag` (weak comparison, as
/// RFC 9110 §13.1.2 asks) or `*`.
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

/// Adds the reload script (and the error overlay, when the last rebuild
/// failed) just before `</body>`, or at the end when there is none.
fn inject(html: &Bytes, errors: &[String]) -> Bytes {
    let mut extra = String::new();
    if !errors.is_empty() {
        extra.push_str(&overlay(errors));
    }
    extra.push_str(RELOAD_SCRIPT);
    let at = find_last_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    Bytes::from(out)
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The overlay listing the failed rebuild's diagnostics over the page.
fn overlay(errors: &[String]) -> String {
    let mut out = String::from(
        "<div id=\"quire-error-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;background:rgba(30,0,0,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap\"><strong>The last rebuild failed; showing the last good version of the site.</strong>\n\n",
    );
    for e in errors {
        out.push_str(&quire_core::escape_html(e));
        out.push_str("\n\n");
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_plain_and_encoded_paths() {
        let table = [
            ("/", Ok("")),
            ("/en/post/", Ok("en/post/")),
            ("/tr/%C3%A7ay/", Ok("tr/çay/")),
            ("/ru/%D0%BC%D0%B8%D1%80.html", Ok("ru/мир.html")),
            ("/../secret", Err(BadPath)),
            ("/%2e%2e/secret", Err(BadPath)),
            ("/%2E%2E/secret", Err(BadPath)),
            ("/en/%2e%2e/%2e%2e/secret", Err(BadPath)),
            ("/..%2fsecret", Err(BadPath)),
            ("/..%5csecret", Err(BadPath)),
            ("/en\\..\\secret", Err(BadPath)),
            ("/en/%00.html", Err(BadPath)),
            ("//etc/passwd", Err(BadPath)),
            ("/%2fetc/passwd", Err(BadPath)),
            ("/C:/secret", Err(BadPath)),
            ("/./en/", Err(BadPath)),
            ("/%ff", Err(BadPath)),
        ];
        for (raw, want) in table {
            assert_eq!(resolve_key(raw).as_deref(), want.as_deref(), "{raw}");
        }
    }

    /// Regression (#37): any `Host` was answered, so a page on another
    /// site could read the preview (drafts included) by DNS rebinding.
    #[test]
    fn only_this_servers_hosts_are_answered() {
        let local = AllowedHosts {
            bound: "127.0.0.1".parse().unwrap(),
            names: vec!["lab.example.org".into()],
        };
        for (host, ok) in [
            ("127.0.0.1:1111", true),
            ("127.0.0.1", true),
            ("127.3.4.5:1111", true),
            ("[::1]:1111", true),
            ("localhost:1111", true),
            ("LocalHost.:1111", true),
            ("preview.localhost", true),
            ("lab.example.org", true),
            ("evil.example:1111", false),
            ("evil.example", false),
            ("localhost.evil.example", false),
            ("192.168.1.5:1111", false),
            ("", false),
            (":1111", false),
            ("[::1", false),
            ("localhost:x", false),
        ] {
            assert_eq!(local.allows(host), ok, "{host}");
        }
        let lan = AllowedHosts {
            bound: "192.168.1.5".parse().unwrap(),
            names: Vec::new(),
        };
        assert!(lan.allows("192.168.1.5:1111"));
        assert!(!lan.allows("192.168.1.6:1111"));
        assert!(!lan.allows("rebound.example:1111"));
        let all = AllowedHosts {
            bound: "0.0.0.0".parse().unwrap(),
            names: Vec::new(),
        };
        assert!(all.allows("10.0.0.7:1111") && all.allows("[fe80::1]:1111"));
        assert!(!all.allows("rebound.example:1111"));
    }

    #[test]
    fn content_types_name_utf8_for_text() {
        assert_eq!(content_type("en/index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("assets/quire.1.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("a.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("a.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("README"), "application/octet-stream");
    }

    #[test]
    fn injection_goes_before_the_last_body_end() {
        let page = Bytes::from_static(b"<html><body><p>x</p></BODY></html>");
        let out = inject(&page, &["a.md:1:1: <bad>".into()]);
        let text = String::from_utf8(out.to_vec()).unwrap();
        assert!(text.ends_with("</script></BODY></html>"), "{text}");
        assert!(text.contains("a.md:1:1: &lt;bad&gt;"));
        assert!(text.contains("quire-error-overlay"));
        let plain = inject(&Bytes::from_static(b"<p>no body"), &[]);
        assert!(plain.starts_with(b"<p>no body<script>"));
    }
}
