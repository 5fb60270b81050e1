//! `quire serve`: builds the site into memory, serves it over HTTP on a
//! local address, watches the site's files and rebuilds on change, and
//! tells open pages to reload.
//!
//! Layout: [`snapshot`] (the served site as one immutable value), [`site`]
//! (rebuild and atomic swap), [`http`] (requests → files), [`watch`] (file
//! events → rebuild requests), and [`Server`] tying them together.
//! Only this crate knows HTTP; it never prints (callers get each rebuild's
//! result through a callback) and never writes the output folder.

pub mod http;
pub mod site;
pub mod snapshot;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use quire_build::BuildOptions;
use tokio::sync::broadcast;

pub use http::Reload;
pub use site::{LiveSite, Rebuilt};
pub use snapshot::{Change, SiteSnapshot};

/// How to serve a site.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root (holds `quire.toml`).
    pub root: PathBuf,
    /// The address to listen on; 127.0.0.1 unless the user asks otherwise.
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// How long the watcher waits for a burst of file events to settle.
    pub debounce: Duration,
    /// How long a client may take to send a request's headers before the
    /// connection is closed, so slow clients cannot hold connections.
    pub header_timeout: Duration,
}

impl ServeOptions {
    /// Defaults for the site at `root`: 127.0.0.1:1111, no drafts.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        ServeOptions {
            root: root.into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            drafts: false,
            debounce: Duration::from_millis(20),
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// Called after every rebuild (the first build included), on the rebuild
/// thread.
pub type OnRebuild = Arc<dyn Fn(&Rebuilt) + Send + Sync>;

/// A running preview server. Dropping it stops the HTTP task, the watcher
/// and the rebuild thread.
pub struct Server {
    addr: SocketAddr,
    site: Arc<LiveSite>,
    http: tokio::task::JoinHandle<()>,
    /// Dropping the sender ends the rebuild thread.
    trigger: Option<mpsc::Sender<()>>,
    rebuilder: Option<std::thread::JoinHandle<()>>,
    _watcher: watch::Watcher,
}

impl Server {
    /// Binds the address, builds the site once, starts watching and serving.
    /// URLs in the site point at the bound address. A first build with
    /// errors still starts the server: pages show the overlay until fixed.
    pub async fn start(options: ServeOptions, on_rebuild: OnRebuild) -> std::io::Result<Server> {
        let listener = tokio::net::TcpListener::bind((options.bind, options.port)).await?;
        let addr = listener.local_addr()?;
        let root = std::fs::canonicalize(&options.root)?;
        let mut build = BuildOptions::new(&root);
        build.drafts = options.drafts;
        build.base_url = Some(format!("http://{addr}"));
        let site = Arc::new(LiveSite::new(build));

        let first = {
            let site = Arc::clone(&site);
            tokio::task::spawn_blocking(move || site.rebuild())
                .await
                .map_err(std::io::Error::other)?
        };
        on_rebuild(&first);

        let (reload, _) = broadcast::channel(16);
        let (trigger, requests) = mpsc::channel::<()>();
        let rebuilder = {
            let site = Arc::clone(&site);
            let reload = reload.clone();
            std::thread::Builder::new()
                .name("quire-rebuild".into())
                .spawn(move || rebuild_loop(&site, &requests, &reload, &*on_rebuild))?
        };
        let watcher = watch::Watcher::start(&root, options.debounce, trigger.clone())?;
        // The site's own host may reach a preview too (a hosts-file entry
        // pointing it here); the configuration was read by the first build.
        let names = quire_site::config::load(&root, None)
            .ok()
            .and_then(|(config, _)| url::Url::parse(&config.base_url).ok())
            .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
            .into_iter()
            .collect();
        let app = Arc::new(http::App {
            site: Arc::clone(&site),
            reload,
            hosts: http::AllowedHosts {
                bound: addr.ip(),
                names,
            },
        });
        let router = http::router(app);
        let header_timeout = options.header_timeout;
        let http = tokio::spawn(async move {
            // Serving stops only when the task is aborted (on drop). Each
            // connection must send its headers within `header_timeout`
            // (axum::serve sets no timer, so hyper's would never fire).
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // Out of file handles, say: wait rather than spin.
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = hyper_util::service::TowerToHyperService::new(router.clone());
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(header_timeout)
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(Server {
            addr,
            site,
            http,
            trigger: Some(trigger),
            rebuilder: Some(rebuilder),
            _watcher: watcher,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL the site is built with.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The site as served now.
    pub fn snapshot(&self) -> Arc<SiteSnapshot> {
        self.site.snapshot()
    }

    /// Asks for a rebuild now, as a file change would.
    pub fn request_rebuild(&self) {
        if let Some(t) = &self.trigger {
            let _ = t.send(());
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.http.abort();
        self.trigger = None;
        // The watcher still holds a sender until it is dropped after this
        // body runs, so the thread is detached rather than joined.
        drop(self.rebuilder.take());
    }
}

/// Waits for rebuild requests, coalesces those that arrive during a
/// rebuild into one, rebuilds and notifies pages.
fn rebuild_loop(
    site: &LiveSite,
    requests: &mpsc::Receiver<()>,
    reload: &broadcast::Sender<Reload>,
    on_rebuild: &(dyn Fn(&Rebuilt) + Send + Sync),
) {
    while requests.recv().is_ok() {
        while requests.try_recv().is_ok() {}
        let rebuilt = site.rebuild();
        on_rebuild(&rebuilt);
        let notice = match rebuilt.change {
            Change::None => None,
            Change::Stylesheets => Some(Reload::Stylesheets),
            Change::Pages => Some(Reload::Page),
        };
        if let Some(notice) = notice {
            // No open page means no receiver; that is fine.
            let _ = reload.send(notice);
        }
    }
}

/// Serves the site until Ctrl-C: creates the runtime, starts the server,
/// calls `on_ready` with it, then waits.
pub fn run_blocking(
    options: ServeOptions,
    on_rebuild: OnRebuild,
    on_ready: impl FnOnce(&Server),
) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let server = Server::start(options, on_rebuild).await?;
        on_ready(&server);
        tokio::signal::ctrl_c().await?;
        drop(server);
        Ok(())
    })
}
