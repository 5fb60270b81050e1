//! The external link checker against a small HTTP server on 127.0.0.1
//! serving good, missing, redirecting, slow and flaky addresses.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quire_check::external::{self, CACHE_FILE, ExternalOptions, Outcome};
use quire_check::scan::{BodyLink, LinkKind, ScannedFile};
use quire_core::Severity;

/// Requests seen by the server: path and arrival time; and the most
/// requests ever in flight at once.
#[derive(Default)]
struct Log {
    hits: Vec<(String, Instant)>,
    in_flight: usize,
    max_in_flight: usize,
}

fn serve() -> (String, Arc<Mutex<Log>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let log = Arc::new(Mutex::new(Log::default()));
    let shared = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let log = shared.clone();
            std::thread::spawn(move || {
                let mut line = String::new();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                let seen = {
                    let mut l = log.lock().unwrap();
                    l.hits.push((path.clone(), Instant::now()));
                    l.in_flight += 1;
                    l.max_in_flight = l.max_in_flight.max(l.in_flight);
                    l.hits.iter().filter(|(p, _)| *p == path).count()
                };
                let (status, extra) = match path.as_str() {
                    "/good" | "/new-home" => ("200 OK", String::new()),
                    "/moved" => ("301 Moved Permanently", "Location: /new-home\r\n".into()),
                    "/temporary" => (
                        "302 Found",
                        "Location: http://127.0.0.1:1/nowhere\r\n".into(),
                    ),
                    "/slow" => {
                        std::thread::sleep(Duration::from_millis(1500));
                        ("200 OK", String::new())
                    }
                    "/flaky" if seen == 1 => ("503 Service Unavailable", String::new()),
                    "/flaky" => ("200 OK", String::new()),
                    p if p.starts_with("/busy") => {
                        std::thread::sleep(Duration::from_millis(150));
                        ("200 OK", String::new())
                    }
                    _ => ("404 Not Found", String::new()),
                };
                let body = "ok";
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                log.lock().unwrap().in_flight -= 1;
            });
        }
    });
    (base, log)
}

fn options(now: u64) -> ExternalOptions {
    ExternalOptions {
        concurrency: 4,
        per_host_interval: Duration::from_millis(100),
        timeout: Duration::from_millis(600),
        retries: 1,
        backoff: Duration::from_millis(50),
        now,
        ..ExternalOptions::default()
    }
}

fn page(urls: &[String]) -> ScannedFile {
    let mut text = String::from("+++\ntitle = \"Links\"\n+++\n");
    let mut links = Vec::new();
    for url in urls {
        links.push(BodyLink {
            url: url.clone(),
            offset: text.len(),
            kind: LinkKind::External,
        });
        text.push_str(url);
        text.push('\n');
    }
    ScannedFile {
        path: "content/links.md".into(),
        text,
        page_path: Some("/links/".into()),
        links,
    }
}

#[test]
fn outcomes_findings_retries_rate_limit_and_cache() {
    let (base, log) = serve();
    let names = ["good", "missing", "moved", "temporary", "slow", "flaky"];
    let urls: Vec<String> = names.iter().map(|n| format!("{base}/{n}")).collect();
    let dir = tempfile::tempdir().unwrap();
    let files = [page(&urls)];

    let (summary, found) = external::check(dir.path(), &files, &options(1_000_000));
    assert_eq!((summary.urls, summary.checked, summary.cached), (6, 6, 0));
    let by_line: BTreeMap<usize, (Severity, String)> = found
        .iter()
        .map(|d| (d.line, (d.severity, d.message.clone())))
        .collect();
    // Lines 4.. hold the addresses in the order of `names`.
    assert!(!by_line.contains_key(&4), "good: {by_line:#?}");
    assert_eq!(by_line[&5].0, Severity::Error);
    assert!(by_line[&5].1.contains("answers 404"), "{}", by_line[&5].1);
    assert_eq!(by_line[&6].0, Severity::Warning);
    assert!(by_line[&6].1.contains(&format!(
        "moved permanently (301) to {base}/new-home, which answers 200"
    )));
    assert_eq!(
        by_line[&7].0,
        Severity::Error,
        "temporary redirect to a dead address"
    );
    assert!(
        by_line[&7].1.contains("redirects (302)"),
        "{}",
        by_line[&7].1
    );
    assert_eq!(by_line[&8].0, Severity::Warning);
    assert!(
        by_line[&8].1.contains("no answer within 0.6 s"),
        "{}",
        by_line[&8].1
    );
    assert!(
        !by_line.contains_key(&9),
        "flaky succeeds on retry: {by_line:#?}"
    );

    let hits = log.lock().unwrap().hits.clone();
    let count = |p: &str| hits.iter().filter(|(h, _)| h == p).count();
    assert_eq!(count("/flaky"), 2, "one retry after 503");
    assert_eq!(count("/missing"), 1, "no retry after 404");
    // One host: requests at least the interval apart (with slack for the
    // scheduling of the test server on a loaded machine).
    let mut times: Vec<Instant> = hits.iter().map(|(_, t)| *t).collect();
    times.sort();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(60),
            "{:?}",
            pair[1] - pair[0]
        );
    }

    // The cache answers a second run without a single request.
    let cache: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(CACHE_FILE)).unwrap())
            .unwrap();
    assert_eq!(
        cache["links"][format!("{base}/missing")]["outcome"],
        "broken"
    );
    let before = log.lock().unwrap().hits.len();
    let (summary, again) = external::check(dir.path(), &files, &options(1_000_060));
    assert_eq!((summary.checked, summary.cached), (0, 6));
    assert_eq!(again, found);
    assert_eq!(log.lock().unwrap().hits.len(), before);

    // Two days later failures have expired (1 day) but working links (7 days) have not.
    let (summary, _) = external::check(dir.path(), &files, &options(1_000_000 + 2 * 24 * 3600));
    assert_eq!((summary.checked, summary.cached), (3, 3));
}

#[test]
fn concurrency_is_bounded() {
    let (base, log) = serve();
    let urls: Vec<String> = (0..8).map(|i| format!("{base}/busy{i}")).collect();
    let opts = ExternalOptions {
        concurrency: 3,
        per_host_interval: Duration::ZERO,
        ..options(0)
    };
    let results = external::check_urls(urls.clone(), &opts);
    assert!(
        results
            .iter()
            .all(|(_, o)| matches!(o, Outcome::Ok { status: 200 })),
        "{results:?}"
    );
    assert_eq!(
        results.iter().map(|(u, _)| u.clone()).collect::<Vec<_>>(),
        urls
    );
    let max = log.lock().unwrap().max_in_flight;
    assert!((2..=3).contains(&max), "{max} requests in flight");
}
