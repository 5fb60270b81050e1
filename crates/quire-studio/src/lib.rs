//! `quire studio`: a browser studio on quire's own engine where analysts,
//! editors and translators who never touch Markdown files or git write,
//! cite, translate, preview and publish articles (issue #31).
//!
//! Layout: [`index`] (the site as the dashboard sees it), [`form`] (front
//! matter as a form, written back losslessly), [`store`] (hashes, atomic
//! writes, autosaves), [`preview`] (one page rendered by quire's pipeline
//! for unsaved text), [`auth`] (accounts, sessions, CSRF, rate limits),
//! [`paths`] (every path stays inside the site), [`strings`] (the UI in
//! English, Turkish and Russian), [`pages`] (server-rendered HTML) and
//! [`http`] (routes). Only [`http`] knows HTTP; nothing prints.

pub mod align;
pub mod auth;
pub mod form;
pub mod git;
pub mod http;
pub mod index;
pub mod pages;
pub mod paths;
pub mod preview;
pub mod proxy;
pub mod sources;
pub mod stale;
pub mod store;
pub mod strings;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::Duration;

use quire_site::parse::ParseCache;

pub use auth::{Accounts, Role, User};
pub use index::SiteIndex;

/// How to run the studio.
#[derive(Debug, Clone)]
pub struct StudioOptions {
    /// The site root (holds `quire.toml`).
    pub root: PathBuf,
    /// The address to listen on; 127.0.0.1 unless the user asks otherwise.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Commit every save (and push on Publish) with git.
    pub git: bool,
    /// Where DOIs are looked up (`https://doi.org`).
    pub doi_resolver: String,
}

impl StudioOptions {
    /// Defaults for the site at `root`: 127.0.0.1:1112.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        StudioOptions {
            root: root.into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1112,
            git: false,
            doi_resolver: sources::DOI_RESOLVER.to_string(),
        }
    }
}

/// Error and warning counts per file from the last `quire check`.
#[derive(Debug, Default, Clone)]
pub struct CheckCounts {
    /// True once a check has finished.
    pub done: bool,
    /// Per site-relative file: (errors, warnings).
    pub files: HashMap<String, (usize, usize)>,
}

/// The studio's shared state.
pub struct Studio {
    /// The site root, canonical.
    pub root: PathBuf,
    /// The base URL previews are rendered with (`http://addr/site`).
    pub preview_base: String,
    /// True when listening on a loopback address.
    pub loopback: bool,
    /// Host headers accepted (loopback only: guards against DNS rebinding).
    pub hosts: Vec<String>,
    /// The accounts; empty means everyone is the local editor (loopback).
    pub accounts: Accounts,
    /// Commit every save and push on Publish (`--git`).
    pub git: bool,
    /// Where DOIs are looked up.
    pub doi_resolver: String,
    /// The reverse proxy whose user header is trusted, if configured.
    pub proxy: Option<proxy::ProxyTrust>,
    /// Sessions.
    pub sessions: auth::Sessions,
    /// Failed logins.
    pub rate: auth::RateLimit,
    /// What previews keep between requests.
    pub preview_cache: preview::PreviewCache,
    parse_cache: ParseCache,
    index: Mutex<Option<Arc<SiteIndex>>>,
    dirty: AtomicBool,
    /// Background index loads: the number of changes noted, the number
    /// the loaded index includes, and a signal when a load finishes.
    changes: AtomicU64,
    indexed: Mutex<u64>,
    first_indexed: AtomicBool,
    index_done: Condvar,
    index_trigger: Mutex<Option<mpsc::Sender<()>>>,
    /// The last check's counts.
    pub check: Mutex<CheckCounts>,
    check_trigger: Mutex<Option<mpsc::Sender<()>>>,
}

/// How long a page waits for the site to be read again after a change
/// before it is served from the index as it is.
pub const INDEX_WAIT: Duration = Duration::from_millis(500);

/// Why the studio cannot start.
#[derive(Debug)]
pub enum StartError {
    /// No quire.toml, unreadable accounts, no accounts on a public address.
    Refused(String),
    /// Binding or other I/O.
    Io(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Refused(m) => f.write_str(m),
            StartError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl Studio {
    /// The studio for the site at `options.root`, to be served on `addr`.
    /// Refuses a non-loopback address when the site has no accounts.
    pub fn new(options: &StudioOptions, addr: SocketAddr) -> Result<Arc<Studio>, StartError> {
        if !quire_build::is_site(&options.root) {
            return Err(StartError::Refused(format!(
                "{} has no quire.toml; give the site folder with --root",
                options.root.display()
            )));
        }
        let root = std::fs::canonicalize(&options.root).map_err(StartError::Io)?;
        let accounts = Accounts::load(&root).map_err(StartError::Refused)?;
        let proxy = proxy::ProxyTrust::load(&root).map_err(StartError::Refused)?;
        let loopback = addr.ip().is_loopback();
        if !loopback && accounts.is_empty() && proxy.is_none() {
            return Err(StartError::Refused(format!(
                "refusing to listen on {} without accounts: anyone who can reach it could change the site. Create one with `quire studio adduser NAME --role editor`, configure a trusted proxy ([studio] proxy_user_header in studio-users.toml), or keep --bind 127.0.0.1",
                addr.ip()
            )));
        }
        let port = addr.port();
        let hosts = if loopback {
            vec![
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
            ]
        } else {
            Vec::new()
        };
        Ok(Arc::new(Studio {
            root,
            preview_base: format!("http://{addr}/site"),
            loopback,
            hosts,
            accounts,
            git: options.git,
            doi_resolver: options.doi_resolver.clone(),
            proxy,
            sessions: auth::Sessions::default(),
            rate: auth::RateLimit::default(),
            preview_cache: preview::PreviewCache::default(),
            parse_cache: ParseCache::new(),
            index: Mutex::new(None),
            dirty: AtomicBool::new(true),
            changes: AtomicU64::new(0),
            indexed: Mutex::new(0),
            first_indexed: AtomicBool::new(false),
            index_done: Condvar::new(),
            index_trigger: Mutex::new(None),
            check: Mutex::new(CheckCounts::default()),
            check_trigger: Mutex::new(None),
        }))
    }

    /// True when people must sign in.
    pub fn needs_login(&self) -> bool {
        !self.accounts.is_empty() || self.proxy.is_some()
    }

    /// The site index. With the background indexer running
    /// ([`Self::start_indexer`]) files that changed are read there: this
    /// waits for that at most [`INDEX_WAIT`], then answers with the index
    /// as it is (the studio's own saves are already in it, see
    /// [`Self::saved`]). Without it, the index is reloaded here when files
    /// changed. Blocking.
    pub fn index(&self) -> Result<Arc<SiteIndex>, String> {
        let background = self
            .index_trigger
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some();
        if background {
            // The first reading of the site, under way in the background.
            let mut waited = self.indexed.lock().unwrap_or_else(|e| e.into_inner());
            while !self.first_indexed.load(Ordering::SeqCst) {
                waited = self
                    .index_done
                    .wait_timeout(waited, Duration::from_millis(100))
                    .map(|(g, _)| g)
                    .unwrap_or_else(|e| e.into_inner().0);
            }
        }
        let known = self.index.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if background && let Some(known) = known {
            let wanted = self.changes.load(Ordering::SeqCst);
            let indexed = self.indexed.lock().unwrap_or_else(|e| e.into_inner());
            let _ = self
                .index_done
                .wait_timeout_while(indexed, INDEX_WAIT, |done| *done < wanted);
            let now = self.index.lock().unwrap_or_else(|e| e.into_inner()).clone();
            return Ok(now.unwrap_or(known));
        }
        self.load_index()
    }

    /// The index, read again now if it does not know the content file
    /// `rel` yet (a file just created) while the file exists.
    pub fn index_with(&self, rel: &str) -> Result<Arc<SiteIndex>, String> {
        let index = self.index()?;
        if index.find(rel).is_some() || !self.root.join(rel).is_file() {
            return Ok(index);
        }
        self.dirty.store(true, Ordering::SeqCst);
        self.load_index()
    }

    /// The index, reloaded now when files changed.
    fn load_index(&self) -> Result<Arc<SiteIndex>, String> {
        let current = self.index.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let dirty = self.dirty.swap(false, Ordering::SeqCst);
        if let Some(current) = current.filter(|_| !dirty) {
            return Ok(current);
        }
        // Read without holding the slot, so pages go on being served.
        match index::load(&self.root, &self.parse_cache) {
            Ok(i) => {
                let i = Arc::new(i);
                *self.index.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&i));
                Ok(i)
            }
            Err(e) => {
                self.dirty.store(true, Ordering::SeqCst);
                Err(e)
            }
        }
    }

    /// Notes that the studio wrote the content file `rel`: the index has
    /// it at once (only that file read again), before the site is read
    /// again in the background.
    pub fn saved(&self, rel: &str) {
        let mut slot = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let patched = slot.as_ref().and_then(|current| {
            let text = std::fs::read_to_string(self.root.join(rel)).ok()?;
            index::patch(current, &self.root, rel, &text)
        });
        if let Some(p) = patched {
            *slot = Some(Arc::new(p));
        }
        drop(slot);
        self.changed();
    }

    /// Starts reading the site in the background: now, and again after
    /// every change, so that pages never wait for a whole site to be read.
    pub fn start_indexer(self: &Arc<Self>) {
        let (tx, rx) = mpsc::channel::<()>();
        let _ = tx.send(());
        *self.index_trigger.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
        let studio = Arc::downgrade(self);
        let _ = std::thread::Builder::new()
            .name("quire-studio-index".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    while rx.try_recv().is_ok() {}
                    let Some(s) = studio.upgrade() else { return };
                    let wanted = s.changes.load(Ordering::SeqCst);
                    s.dirty.store(true, Ordering::SeqCst);
                    // An error (quire.toml unreadable) is shown by the
                    // next page that asks; the old index stays.
                    let _ = s.load_index();
                    let mut indexed = s.indexed.lock().unwrap_or_else(|e| e.into_inner());
                    *indexed = (*indexed).max(wanted);
                    s.first_indexed.store(true, Ordering::SeqCst);
                    s.index_done.notify_all();
                }
            });
    }

    /// The index's state: true once a first load is done and no change is
    /// waiting to be read.
    pub fn index_ready(&self) -> bool {
        self.index
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
            && *self.indexed.lock().unwrap_or_else(|e| e.into_inner())
                >= self.changes.load(Ordering::SeqCst)
    }

    /// Notes that files changed: the index is reloaded (in the background
    /// when the indexer runs, else on next use) and the check runs again.
    pub fn changed(&self) {
        self.dirty.store(true, Ordering::SeqCst);
        self.changes.fetch_add(1, Ordering::SeqCst);
        if let Some(t) = self
            .index_trigger
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = t.send(());
        }
        self.preview_cache.invalidate();
        if let Some(t) = self
            .check_trigger
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            let _ = t.send(());
        }
    }

    /// Starts the background `quire check` (run now and after changes).
    pub fn start_checker(self: &Arc<Self>) {
        let (tx, rx) = mpsc::channel::<()>();
        let _ = tx.send(());
        *self.check_trigger.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
        let studio = Arc::downgrade(self);
        let _ = std::thread::Builder::new()
            .name("quire-studio-check".into())
            .spawn(move || {
                while rx.recv().is_ok() {
                    while rx.try_recv().is_ok() {}
                    let Some(s) = studio.upgrade() else { return };
                    let clock = std::time::Instant::now();
                    let report = quire_check::check(&quire_check::CheckOptions::new(&s.root));
                    let took = clock.elapsed();
                    let mut files: HashMap<String, (usize, usize)> = HashMap::new();
                    for d in &report.diagnostics.0 {
                        let e = files.entry(d.path.clone()).or_default();
                        match d.severity {
                            quire_core::Severity::Error => e.0 += 1,
                            quire_core::Severity::Warning => e.1 += 1,
                            _ => {}
                        }
                    }
                    *s.check.lock().unwrap_or_else(|e| e.into_inner()) =
                        CheckCounts { done: true, files };
                    drop(s);
                    // On a large site a check takes a while: leave the
                    // cores to the people typing between two checks.
                    std::thread::sleep(took.max(std::time::Duration::from_secs(2)));
                }
            });
    }
}

/// A running studio. Dropping it stops serving.
pub struct Server {
    addr: SocketAddr,
    studio: Arc<Studio>,
    http: tokio::task::JoinHandle<()>,
    _watcher: Option<quire_serve::watch::Watcher>,
}

impl Server {
    /// Binds, checks the access rules, starts watching and serving.
    pub async fn start(options: StudioOptions) -> Result<Server, StartError> {
        let listener = tokio::net::TcpListener::bind((options.bind, options.port))
            .await
            .map_err(StartError::Io)?;
        let addr = listener.local_addr().map_err(StartError::Io)?;
        let studio = Studio::new(&options, addr)?;
        studio.start_indexer();
        studio.start_checker();
        let (tx, rx) = mpsc::channel::<()>();
        let watcher = quire_serve::watch::Watcher::start(
            &studio.root,
            std::time::Duration::from_millis(100),
            tx,
        )
        .ok();
        {
            let weak = Arc::downgrade(&studio);
            let _ = std::thread::Builder::new()
                .name("quire-studio-watch".into())
                .spawn(move || {
                    while rx.recv().is_ok() {
                        match weak.upgrade() {
                            Some(s) => s.changed(),
                            None => return,
                        }
                    }
                });
        }
        let router = http::router(Arc::clone(&studio));
        let http = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        Ok(Server {
            addr,
            studio,
            http,
            _watcher: watcher,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The studio's URL.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The shared state.
    pub fn studio(&self) -> &Arc<Studio> {
        &self.studio
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.http.abort();
    }
}

/// Runs the studio until Ctrl-C; calls `on_ready` once it listens.
pub fn run_blocking(
    options: StudioOptions,
    on_ready: impl FnOnce(&Server),
) -> Result<(), StartError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(StartError::Io)?;
    runtime.block_on(async move {
        let server = Server::start(options).await?;
        on_ready(&server);
        tokio::signal::ctrl_c().await.map_err(StartError::Io)?;
        drop(server);
        Ok(())
    })
}
