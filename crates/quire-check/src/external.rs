//! External links (`--external`): every `http(s)://` address in the
//! content, checked over the network — concurrently with a bounded number
//! of workers, at most one request per host per interval, with timeouts,
//! retries for transient failures and manual redirect following so that
//! moves are reported. Results are cached in `.quire-cache/links.json`
//! under the site, so a second run only re-checks what expired.
//!
//! Owns: the network and the cache file. Must not know: Markdown, pages or
//! output formats (it gets located links and returns diagnostics).

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use quire_core::{Diagnostic, Severity};
use serde::{Deserialize, Serialize};

use crate::scan::{LinkKind, ScannedFile};

/// Where the cache lives, relative to the site root.
pub const CACHE_FILE: &str = ".quire-cache/links.json";

/// How to check external links.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Minimum time between two requests to the same host (`host:port`).
    pub per_host_interval: Duration,
    /// Time limit of one request, redirects excluded.
    pub timeout: Duration,
    /// Extra attempts after a timeout, a connection failure, 429 or 5xx.
    pub retries: u32,
    /// Wait before the first retry; doubled for each next one.
    pub backoff: Duration,
    /// How long a working link's result is reused.
    pub ttl_ok: Duration,
    /// How long a failure's result is reused (shorter: failures are often passing).
    pub ttl_failed: Duration,
    /// Seconds since the Unix epoch "now", for cache expiry.
    pub now: u64,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            concurrency: 8,
            per_host_interval: Duration::from_millis(500),
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_millis(500),
            ttl_ok: Duration::from_secs(7 * 24 * 3600),
            ttl_failed: Duration::from_secs(24 * 3600),
            now: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        }
    }
}

/// What the external checker did.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct ExternalSummary {
    /// Distinct addresses found in the content.
    pub urls: usize,
    /// Addresses requested in this run.
    pub checked: usize,
    /// Addresses answered from the cache.
    pub cached: usize,
    /// A problem with the cache file, if any (the check still ran).
    pub cache_error: Option<String>,
}

/// The result of checking one address.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Answered 2xx without redirects.
    Ok {
        /// Status code.
        status: u16,
    },
    /// Answered after one or more redirects.
    Redirected {
        /// Status of the first redirect.
        status: u16,
        /// The address it finally ended at.
        location: String,
        /// Status at the end of the chain (0 when the chain failed).
        final_status: u16,
    },
    /// Answered with a client or server error.
    Broken {
        /// Status code.
        status: u16,
    },
    /// No answer: timeout, refused connection, bad address, too many redirects.
    Failed {
        /// Why.
        error: String,
    },
}

impl Outcome {
    fn is_failure(&self) -> bool {
        match self {
            Outcome::Ok { .. } => false,
            Outcome::Redirected { final_status, .. } => !(200..300).contains(final_status),
            Outcome::Broken { .. } | Outcome::Failed { .. } => true,
        }
    }
}

/// One cached result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CacheEntry {
    /// When it was checked (seconds since the Unix epoch).
    pub checked_at: u64,
    /// What was found.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The cache file's content.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Cache {
    /// Results by address.
    pub links: BTreeMap<String, CacheEntry>,
}

impl Cache {
    fn fresh(&self, url: &str, options: &ExternalOptions) -> Option<&Outcome> {
        let entry = self.links.get(url)?;
        let ttl = match entry.outcome.is_failure() {
            true => options.ttl_failed,
            false => options.ttl_ok,
        };
        (options.now.saturating_sub(entry.checked_at) < ttl.as_secs()).then_some(&entry.outcome)
    }
}

/// Checks every external link of `files`, using and updating the cache
/// under `root`. Returns what was done and one finding per failing link
/// occurrence.
pub fn check(
    root: &Path,
    files: &[ScannedFile],
    options: &ExternalOptions,
) -> (ExternalSummary, Vec<Diagnostic>) {
    let mut summary = ExternalSummary::default();
    let cache_path = root.join(CACHE_FILE);
    let mut cache: Cache = match std::fs::read_to_string(&cache_path) {
        Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
            summary.cache_error =
                Some(format!("{CACHE_FILE} is unreadable ({e}); starting afresh"));
            Cache::default()
        }),
        Err(_) => Cache::default(),
    };
    let mut urls: Vec<&str> = files
        .iter()
        .flat_map(|f| f.links.iter())
        .filter(|l| l.kind == LinkKind::External)
        .map(|l| l.url.as_str())
        .collect();
    urls.sort_unstable();
    urls.dedup();
    summary.urls = urls.len();
    let mut results: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut todo = Vec::new();
    for url in urls {
        match cache.fresh(url, options) {
            Some(o) => {
                results.insert(url.to_string(), o.clone());
                summary.cached += 1;
            }
            None => todo.push(url.to_string()),
        }
    }
    summary.checked = todo.len();
    for (url, outcome) in check_urls(todo, options) {
        cache.links.insert(
            url.clone(),
            CacheEntry {
                checked_at: options.now,
                outcome: outcome.clone(),
            },
        );
        results.insert(url, outcome);
    }
    let written = std::fs::create_dir_all(root.join(".quire-cache")).and_then(|_| {
        let json = serde_json::to_string_pretty(&cache).map_err(std::io::Error::other)?;
        std::fs::write(&cache_path, json + "\n")
    });
    if let Err(e) = written {
        summary.cache_error = Some(format!("cannot write {CACHE_FILE}: {e}"));
    }

    let mut found = Vec::new();
    for file in files {
        for link in file.links.iter().filter(|l| l.kind == LinkKind::External) {
            let Some(outcome) = results.get(&link.url) else {
                continue;
            };
            if let Some((severity, message)) = describe(&link.url, outcome) {
                let mut d = Diagnostic::error(file.path.clone(), message);
                d.severity = severity;
                found.push(crate::at(d, &file.text, link.offset));
            }
        }
    }
    (summary, found)
}

/// The finding for an outcome: a missing page is an error; an address that
/// could not be reached is a warning (the network may be at fault); a
/// permanent move is a warning, a temporary one an info.
fn describe(url: &str, outcome: &Outcome) -> Option<(Severity, String)> {
    Some(match outcome {
        Outcome::Ok { .. } => return None,
        Outcome::Broken { status } if (400..500).contains(status) && *status != 429 => (
            Severity::Error,
            format!("{url} is broken: the server answers {status}"),
        ),
        Outcome::Broken { status } => (
            Severity::Warning,
            format!("{url} could not be checked: the server answers {status}"),
        ),
        Outcome::Failed { error } => (
            Severity::Warning,
            format!("{url} could not be checked: {error}"),
        ),
        Outcome::Redirected {
            status,
            location,
            final_status,
        } => {
            let permanent = matches!(status, 301 | 308);
            let end = match final_status {
                0 => "which does not answer".to_string(),
                s => format!("which answers {s}"),
            };
            let severity = if !(200..300).contains(final_status) {
                Severity::Error
            } else if permanent {
                Severity::Warning
            } else {
                Severity::Info
            };
            let verb = match permanent {
                true => "moved permanently",
                false => "redirects",
            };
            let advice = match permanent {
                true => "; link to the new address",
                false => "",
            };
            (
                severity,
                format!("{url} {verb} ({status}) to {location}, {end}{advice}"),
            )
        }
    })
}

/// Checks addresses with `options.concurrency` worker threads; results in
/// the order of `urls`.
pub fn check_urls(urls: Vec<String>, options: &ExternalOptions) -> Vec<(String, Outcome)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(options.timeout))
        .max_redirects(0)
        .max_redirects_will_error(false)
        .http_status_as_error(false)
        .user_agent(concat!("quire-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let queue: Mutex<VecDeque<(usize, String)>> =
        Mutex::new(urls.iter().cloned().enumerate().collect());
    let gate = HostGate::new(options.per_host_interval);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; urls.len()]);
    let workers = options.concurrency.clamp(1, urls.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut q| q.pop_front()).unwrap_or(None);
                    let Some((i, url)) = next else { break };
                    let outcome = check_one(&agent, &gate, &url, options);
                    if let Ok(mut r) = results.lock() {
                        r[i] = Some(outcome);
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    urls.into_iter()
        .zip(results)
        .map(|(u, o)| {
            let o = o.unwrap_or(Outcome::Failed {
                error: "not checked".to_string(),
            });
            (u, o)
        })
        .collect()
}

/// Spaces requests to one host: each caller gets the next free slot.
struct HostGate {
    interval: Duration,
    next: Mutex<BTreeMap<String, Instant>>,
}

impl HostGate {
    fn new(interval: Duration) -> Self {
        HostGate {
            interval,
            next: Mutex::new(BTreeMap::new()),
        }
    }

    /// Blocks until a request to `host` may be sent.
    fn wait(&self, host: &str) {
        let now = Instant::now();
        let slot = match self.next.lock() {
            Ok(mut next) => {
                let slot = next.get(host).copied().filter(|t| *t > now).unwrap_or(now);
                next.insert(host.to_string(), slot + self.interval);
                slot
            }
            Err(_) => now,
        };
        std::thread::sleep(slot.saturating_duration_since(now));
    }
}

/// `host:port` of an address (the rate-limiting key).
fn authority(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let auth = &rest[..end];
    auth.rsplit_once('@').map(|(_, h)| h).unwrap_or(auth)
}

/// Resolves a `Location` header against the address that sent it.
fn join(base: &str, location: &str) -> String {
    if location.starts_with("http://") || location.starts_with("https://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    let host = authority(base);
    if let Some(l) = location.strip_prefix("//") {
        return format!("{scheme}://{l}");
    }
    if location.starts_with('/') {
        return format!("{scheme}://{host}{location}");
    }
    let path = &rest[host.len()..];
    let path = path.split(['?', '#']).next().unwrap_or("");
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    format!("{scheme}://{host}{dir}/{location}")
}

/// One request with retries; `Err` is a transport failure.
fn request(
    agent: &ureq::Agent,
    gate: &HostGate,
    url: &str,
    options: &ExternalOptions,
) -> Result<(u16, Option<String>), String> {
    let mut attempt = 0;
    loop {
        gate.wait(authority(url));
        let result = agent.get(url).call();
        let transient = match &result {
            Ok(r) => {
                let s = r.status().as_u16();
                s == 429 || s >= 500
            }
            Err(_) => true,
        };
        if !transient || attempt >= options.retries {
            return match result {
                Ok(r) => {
                    let location = r
                        .headers()
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string);
                    Ok((r.status().as_u16(), location))
                }
                Err(ureq::Error::Timeout(_)) => Err(format!(
                    "no answer within {:.1} s",
                    options.timeout.as_secs_f64()
                )),
                Err(e) => Err(e.to_string()),
            };
        }
        std::thread::sleep(options.backoff * 2u32.pow(attempt));
        attempt += 1;
    }
}

/// Checks one address, following up to five redirects by hand.
fn check_one(
    agent: &ureq::Agent,
    gate: &HostGate,
    url: &str,
    options: &ExternalOptions,
) -> Outcome {
    let (status, location) = match request(agent, gate, url, options) {
        Ok(r) => r,
        Err(error) => return Outcome::Failed { error },
    };
    if !(300..400).contains(&status) {
        return match status {
            200..=299 => Outcome::Ok { status },
            _ => Outcome::Broken { status },
        };
    }
    let Some(mut location) = location.map(|l| join(url, &l)) else {
        return Outcome::Broken { status };
    };
    for _ in 0..5 {
        match request(agent, gate, &location, options) {
            Ok((s, Some(next))) if (300..400).contains(&s) => location = join(&location, &next),
            Ok((final_status, _)) => {
                return Outcome::Redirected {
                    status,
                    location,
                    final_status,
                };
            }
            Err(_) => {
                return Outcome::Redirected {
                    status,
                    location,
                    final_status: 0,
                };
            }
        }
    }
    Outcome::Failed {
        error: format!("more than 5 redirects (last to {location})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_against_the_redirecting_address() {
        assert_eq!(join("http://h:1/a/b?x", "/c"), "http://h:1/c");
        assert_eq!(join("http://h:1/a/b", "c"), "http://h:1/a/c");
        assert_eq!(join("https://h/a", "https://k/z"), "https://k/z");
        assert_eq!(join("https://h/a", "//k/z"), "https://k/z");
        assert_eq!(authority("http://u@h:8/p?q"), "h:8");
    }

    #[test]
    fn cache_entries_expire_by_outcome() {
        let options = ExternalOptions {
            now: 1_000_000,
            ..ExternalOptions::default()
        };
        let mut cache = Cache::default();
        let entry = |checked_at, outcome| CacheEntry {
            checked_at,
            outcome,
        };
        cache.links.insert(
            "a".into(),
            entry(1_000_000 - 3 * 24 * 3600, Outcome::Ok { status: 200 }),
        );
        cache.links.insert(
            "b".into(),
            entry(1_000_000 - 3 * 24 * 3600, Outcome::Broken { status: 404 }),
        );
        cache.links.insert(
            "c".into(),
            entry(1_000_000 - 8 * 24 * 3600, Outcome::Ok { status: 200 }),
        );
        assert!(cache.fresh("a", &options).is_some());
        assert!(cache.fresh("b", &options).is_none());
        assert!(cache.fresh("c", &options).is_none());
        let json = serde_json::to_string(&cache).unwrap();
        assert!(json.contains("\"outcome\":\"broken\""), "{json}");
        assert_eq!(serde_json::from_str::<Cache>(&json).unwrap(), cache);
    }
}
