//! The server over real HTTP on 127.0.0.1: pages, content types, HEAD,
//! ETag, per-language 404, redirects, path traversal, live reload and the
//! error overlay after an edit on disk.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{Fixture, TestServer, assert_equals_fresh, request};
use scraper::{Html, Selector};

fn select(html: &str, css: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).expect("selector");
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

fn html_lang(html: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse("html").expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("lang"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn serves_pages_with_types_etags_head_and_language_404s() {
    let f = Fixture::new();
    let t = TestServer::start(&f.root);
    let base = t.server().base_url();

    let home = t.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let text = home.text();
    assert!(text.contains("/__quire/events"), "reload script injected");
    assert!(text.contains(&base), "URLs point at the local server");
    assert!(select(&text, "#quire-error-overlay").is_empty());

    let page = t.get("/notes/fog-signals/");
    assert_eq!(page.status, 200);
    assert_eq!(select(&page.text(), "h1"), vec!["Fog Signals Before Radio"]);

    let css = t.get("/extra.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(css.body, f.read("static/extra.css").as_bytes());
    assert!(!css.text().contains("<script"), "only HTML gets the script");

    let head = request(t.addr(), "HEAD", "/notes/fog-signals/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(page.body.len().to_string().as_str())
    );
    assert_eq!(head.header("etag"), page.header("etag"));

    let etag = page.header("etag").expect("etag").to_string();
    let cached = request(
        t.addr(),
        "GET",
        "/notes/fog-signals/",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(cached.status, 304);
    assert!(cached.body.is_empty());
    let other = request(
        t.addr(),
        "GET",
        "/notes/fog-signals/",
        &[("If-None-Match", "\"0000\"")],
    );
    assert_eq!(other.status, 200);

    let moved = t.get("/notes/fog-signals");
    assert_eq!(moved.status, 308);
    assert_eq!(moved.header("location"), Some("/notes/fog-signals/"));

    let tr_missing = t.get("/tr/yok/boyle-bir-sayfa/");
    assert_eq!(tr_missing.status, 404);
    assert_eq!(html_lang(&tr_missing.text()), "tr");
    let ru_missing = t.get("/ru/net.html");
    assert_eq!(ru_missing.status, 404);
    assert_eq!(html_lang(&ru_missing.text()), "ru");
    let en_missing = t.get("/nowhere/");
    assert_eq!(en_missing.status, 404);
    assert_eq!(html_lang(&en_missing.text()), "en");
    assert!(en_missing.text().contains("/__quire/events"));

    let post = request(t.addr(), "POST", "/", &[("Content-Length", "0")]);
    assert_eq!(post.status, 405);
}

#[test]
fn refuses_path_traversal_in_every_spelling() {
    let f = Fixture::new();
    let secret = "lantern-secret-outside-the-site";
    std::fs::write(f.dir.path().join("secret.txt"), secret).expect("secret");
    std::fs::write(f.root.join("secret.txt"), secret).expect("secret in root");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        f.dir.path().join("secret.txt"),
        f.root.join("static/linked.txt"),
    )
    .expect("symlink");
    let t = TestServer::start(&f.root);
    let attempts = [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/notes/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/notes\\..\\..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//secret.txt",
        "/%2f..%2fsecret.txt",
        "/secret.txt%00.html",
        "/C:/secret.txt",
        "/./secret.txt",
    ];
    for target in attempts {
        let reply = t.get(target);
        assert!(
            reply.status == 400 || reply.status == 404,
            "{target}: status {}",
            reply.status
        );
        assert!(!reply.text().contains(secret), "{target} leaked the file");
    }
    // The site root itself is not served either: only built files are.
    let reply = t.get("/secret.txt");
    assert_eq!(reply.status, 404);
    assert!(!reply.text().contains(secret));
    // A static file linking out of the site is not served.
    let reply = t.get("/linked.txt");
    assert!(
        !reply.text().contains(secret),
        "symlink followed out of the site"
    );
}

/// Reads server-sent events until one named `reload` arrives; returns its data.
fn next_reload(reader: &mut BufReader<TcpStream>) -> String {
    let mut event = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).expect("event stream");
        assert!(n > 0, "event stream closed");
        let l = line.trim_end();
        if let Some(name) = l.strip_prefix("event:") {
            event = name.trim().to_string();
        } else if let Some(data) = l.strip_prefix("data:")
            && event == "reload"
        {
            return data.trim().to_string();
        }
    }
}

#[test]
fn edits_on_disk_reload_pages_and_errors_show_an_overlay_until_fixed() {
    let f = Fixture::new();
    let t = TestServer::start(&f.root);
    let base = t.server().base_url();

    let mut events = TcpStream::connect(t.addr()).expect("connect");
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        events,
        "GET /__quire/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("subscribe");
    let mut events = BufReader::new(events);
    let mut status = String::new();
    events.read_line(&mut status).expect("status line");
    assert!(status.contains(" 200 "), "{status}");

    // An editor-style save: write a temp file, rename it over the article.
    let fog = "content/notes/fog-signals/index.md";
    let generation = t.server().snapshot().generation;
    let edited = f.read(fog).replace("by hand", "by hand at dusk");
    let temp = f.root.join("content/notes/fog-signals/.index.md.tmp");
    std::fs::write(&temp, edited).expect("temp");
    std::fs::rename(&temp, f.root.join(fog)).expect("rename");
    assert_eq!(next_reload(&mut events), "page");
    t.wait_generation(generation);
    assert!(
        t.get("/notes/fog-signals/")
            .text()
            .contains("by hand at dusk")
    );
    assert_equals_fresh(&t.server().snapshot(), &f.root, &base, "after save");

    // A broken edit: the last good page stays, with the overlay on it.
    let generation = t.server().snapshot().generation;
    f.edit(fog, "date = 2024-03-02", "date = 2024-13-45");
    assert_eq!(next_reload(&mut events), "page");
    t.wait_generation(generation);
    for target in ["/notes/fog-signals/", "/tr/", "/nowhere/"] {
        let text = t.get(target).text();
        let overlay = select(&text, "#quire-error-overlay").join("");
        assert!(
            overlay.contains("content/notes/fog-signals/index.md:3:"),
            "{target}: {overlay}"
        );
    }
    assert!(
        t.get("/notes/fog-signals/")
            .text()
            .contains("by hand at dusk")
    );

    let generation = t.server().snapshot().generation;
    f.edit(fog, "date = 2024-13-45", "date = 2024-03-02");
    assert_eq!(next_reload(&mut events), "page");
    t.wait_generation(generation);
    assert!(select(&t.get("/").text(), "#quire-error-overlay").is_empty());

    // A stylesheet edit swaps CSS without a page reload.
    f.edit("static/extra.css", "outline: 0", "outline: 2px");
    assert_eq!(next_reload(&mut events), "css");
    assert!(t.get("/extra.css").text().contains("outline: 2px"));
}

/// Sends `GET target` with exactly this `Host` line (or none) and returns
/// the status code.
fn status_with_host(addr: std::net::SocketAddr, target: &str, host: Option<&str>) -> u16 {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\n{host}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    std::io::Read::read_to_end(&mut stream, &mut raw).expect("read");
    common::parse_reply(&raw, false).status
}

/// Regression (#37): `serve` answered any `Host`, so a web page whose
/// name was rebound to 127.0.0.1 could read the preview, drafts included.
#[test]
fn requests_for_other_hosts_are_refused() {
    let f = Fixture::new();
    let t = TestServer::start(&f.root);
    let addr = t.addr();
    let port = addr.port();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        assert_eq!(status_with_host(addr, "/", Some(&host)), 421, "{host}");
        assert_eq!(
            status_with_host(addr, "/notes/fog-signals/", Some(&host)),
            421,
            "{host}"
        );
        assert_eq!(
            status_with_host(addr, "/__quire/events", Some(&host)),
            421,
            "{host}"
        );
    }
    assert_eq!(status_with_host(addr, "/", None), 421, "no Host at all");
    for host in [
        addr.to_string(),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
        // The site's own base_url host.
        "lantern.example".to_string(),
    ] {
        assert_eq!(status_with_host(addr, "/", Some(&host)), 200, "{host}");
    }
}

/// Regression (#37): a client that never finished its headers held its
/// connection open for ever; it is now closed after the header timeout.
#[test]
fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let f = Fixture::new();
    let t = TestServer::start_with(&f.root, |o| o.header_timeout = Duration::from_secs(1));
    let mut stream = TcpStream::connect(t.addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let start = std::time::Instant::now();
    write!(stream, "GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").expect("send");
    let mut raw = Vec::new();
    // Ends (EOF or reset) when the server lets go; a timeout of the read
    // itself means the server kept the connection.
    match std::io::Read::read_to_end(&mut stream, &mut raw) {
        Ok(_) => {}
        Err(e) => assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "the server kept a silent connection for {:?}",
            start.elapsed()
        ),
    }
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "closed only after {:?}",
        start.elapsed()
    );
    assert!(!String::from_utf8_lossy(&raw).contains(" 200 "));
    // A client that connects and says nothing is cut off too.
    let mut silent = TcpStream::connect(t.addr()).expect("connect");
    silent
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let start = std::time::Instant::now();
    let mut raw = Vec::new();
    if let Err(e) = std::io::Read::read_to_end(&mut silent, &mut raw) {
        assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "the server kept a silent connection"
        );
    }
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    // A well-behaved client is still served.
    assert_eq!(t.get("/").status, 200);
}
