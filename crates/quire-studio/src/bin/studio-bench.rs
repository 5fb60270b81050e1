//! Measures the studio on a site: how long reading the site takes at
//! start (in the background, as `quire studio` does), how long the
//! dashboard takes to open once started, and again right after a save
//! (the saved file patched into the index, the site read again in the
//! background), and the preview
//! latency — from the editor's request with unsaved text to the rendered
//! page — over a series of body edits, with p50 and p95.
//!
//! ```sh
//! cargo run --release -p quire-bench --bin quire-corpus -- 1000 /tmp/c1k --seed 1
//! cargo run --release -p quire-studio --bin studio-bench -- /tmp/c1k 30
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn call(router: &axum::Router, req: Request<Body>) -> (u16, String, Option<String>) {
    let res = router.clone().oneshot(req).await.expect("router");
    let status = res.status().as_u16();
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), cookie)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let Some(root) = args.next() else {
        eprintln!("usage: studio-bench SITE_DIR [EDITS]");
        std::process::exit(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(30);
    let addr: SocketAddr = "127.0.0.1:1112".parse().expect("address");
    let studio = quire_studio::Studio::new(&quire_studio::StudioOptions::new(&root), addr)
        .unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(2);
        });
    let router = quire_studio::http::router(Arc::clone(&studio));
    let get = |uri: &str, cookie: &str| {
        Request::get(uri)
            .header(header::HOST, "127.0.0.1:1112")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .expect("request")
    };

    let clock = Instant::now();
    studio.start_indexer();
    while !studio.index_ready() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let startup = clock.elapsed();
    let clock = Instant::now();
    let (status, page, cookie) = call(&router, get("/", "")).await;
    let cold = clock.elapsed();
    assert_eq!(status, 200, "{page}");
    let cookie = cookie.unwrap_or_default();
    let mut warm = Vec::new();
    for _ in 0..5 {
        let clock = Instant::now();
        let (status, _, _) = call(&router, get("/", &cookie)).await;
        assert_eq!(status, 200);
        warm.push(clock.elapsed());
    }
    warm.sort();
    let index = studio.index().expect("index");
    let rows = index.rows.len();
    let path = index
        .rows
        .iter()
        .filter(|r| !r.section.is_empty())
        .find_map(|r| r.versions.first().cloned().flatten())
        .expect("an article")
        .path;
    let csrf = page
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string();
    let file = studio.root.join(&path);
    let text = std::fs::read_to_string(&file).expect("article");
    let (form, _) = quire_studio::form::read(&path, &text, &index.taxonomies).expect("form");
    println!(
        "site {root}: {rows} articles; read in the background at start in {:.0} ms; dashboard first open {:.0} ms, later median {:.0} ms",
        ms(startup),
        ms(cold),
        ms(warm[warm.len() / 2])
    );
    // A save: the file written, patched into the index, the site read
    // again in the background; the dashboard opened at once.
    let saved = text.replacen(&form.title, &format!("{} (saved)", form.title), 1);
    std::fs::write(&file, &saved).expect("write the article");
    let clock = Instant::now();
    studio.saved(&path);
    let (status, after_save, _) = call(&router, get("/", &cookie)).await;
    let took = clock.elapsed();
    assert_eq!(status, 200);
    assert!(
        after_save.contains("(saved)"),
        "the dashboard lacks the save"
    );
    println!("dashboard right after a save: {:.0} ms", ms(took));
    while !studio.index_ready() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    std::fs::write(&file, &text).expect("restore the article");
    studio.changed();
    while !studio.index_ready() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("previewing {path} with {edits} edits of its body");
    let mut times = Vec::new();
    for i in 0..=edits {
        let body = format!(
            "{}\nEdit number {i} adds a sentence.[^s{i}]\n\n[^s{i}]: A studio note.\n",
            form.body
        );
        let mut fields = vec![
            ("csrf".to_string(), csrf.clone()),
            ("path".to_string(), path.clone()),
            ("title".to_string(), form.title.clone()),
            ("summary".to_string(), form.summary.clone()),
            ("date".to_string(), form.date.clone()),
            ("slug".to_string(), form.slug.clone()),
            ("body".to_string(), body),
        ];
        fields.extend(
            form.highlights
                .iter()
                .map(|h| ("highlight".to_string(), h.clone())),
        );
        fields.extend(
            form.authors
                .iter()
                .map(|a| ("author".to_string(), a.clone())),
        );
        for (tax, terms) in &form.taxonomies {
            fields.extend(terms.iter().map(|t| (format!("tax.{tax}"), t.clone())));
        }
        if form.draft {
            fields.push(("draft".into(), "on".into()));
        }
        let req = Request::post("/api/preview")
            .header(header::HOST, "127.0.0.1:1112")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(
                serde_urlencoded::to_string(&fields).expect("form"),
            ))
            .expect("request");
        let clock = Instant::now();
        let (status, answer, _) = call(&router, req).await;
        let took = clock.elapsed();
        assert_eq!(status, 200, "{answer}");
        assert!(
            answer.contains("A studio note."),
            "the preview lacks the edit"
        );
        // The first preview fills the caches; it is reported apart.
        if i == 0 {
            println!("first preview (cold caches): {:.0} ms", ms(took));
        } else {
            times.push(took);
        }
    }
    times.sort();
    println!(
        "preview after an edit: p50 {:.0} ms, p95 {:.0} ms, min {:.0} ms, max {:.0} ms ({} edits)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}
