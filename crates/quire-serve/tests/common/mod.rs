//! Shared test helpers: a small three-language fixture site, a raw HTTP/1.1
//! client (raw so that traversal attempts reach the server unnormalised),
//! a running test server, and the comparison with a fresh full build.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use quire_serve::{ServeOptions, Server, SiteSnapshot};

/// A fixture site in a temporary folder.
pub struct Fixture {
    /// Holds the folder; `root` is `dir/site`, so `dir` can hold files
    /// outside the site for traversal tests.
    pub dir: tempfile::TempDir,
    /// The site root.
    pub root: PathBuf,
}

impl Fixture {
    /// Writes the fixture site.
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        let f = Fixture { dir, root };
        for (path, text) in FILES {
            f.write(path, text);
        }
        f
    }

    /// Writes (or replaces) a file of the site, creating folders.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// Reads a file of the site.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).expect("read")
    }

    /// Replaces the first `from` in a file with `to`; the file must contain it.
    pub fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1));
    }
}

const FILES: &[(&str, &str)] = &[
    (
        "quire.toml",
        r#"title = "Harbour Lantern Studies"
base_url = "https://lantern.example"
description = "Notes on lighthouses, tides and the people who keep them."
default_language = "en"

[languages.en]
name = "English"

[languages.tr]
name = "Türkçe"
title = "Liman Feneri Çalışmaları"

[languages.ru]
name = "Русский"
title = "Исследования портовых маяков"

[taxonomies]
tags = {}

[similar]
count = 2
"#,
    ),
    (
        "content/_index.md",
        "+++\ntitle = \"Harbour Lantern Studies\"\n+++\n\nShort pieces on coastal lights.\n",
    ),
    ("content/notes/_index.md", "+++\ntitle = \"Notes\"\n+++\n"),
    (
        "content/notes/fog-signals/index.md",
        "+++\ntitle = \"Fog Signals Before Radio\"\ndate = 2024-03-02\nauthors = [\"mira-koval\"]\ntags = [\"fog\", \"sound\"]\n+++\n\nKeepers wound clockwork horns by hand when fog rolled across the bay.[@tamsin2019, p. 12]\n\nThe horn pattern told ships which headland they were passing.\n",
    ),
    (
        "content/notes/fog-signals/index.tr.md",
        "+++\ntitle = \"Telsizden Önce Sis İşaretleri\"\ndate = 2024-03-02\nauthors = [\"mira-koval\"]\ntags = [\"sis\"]\n+++\n\nSis körfezi kapladığında fenerciler saat düzenekli boruları elle kurardı.\n",
    ),
    (
        "content/notes/lamp-oil/index.md",
        "+++\ntitle = \"Whale Oil to Kerosene\"\ndate = 2024-05-19\nauthors = [\"mira-koval\"]\ntags = [\"fuel\", \"sound\"]\n+++\n\nThe switch of fuel changed how often a keeper climbed the tower each night.\n",
    ),
    (
        "content/notes/tide-tables/index.md",
        "+++\ntitle = \"Printing Tide Tables\"\ndate = 2023-11-07\ntags = [\"tides\", \"fuel\"]\n+++\n\nHarbour offices printed tide tables each winter for the coming year.\n",
    ),
    (
        "content/notes/tide-tables/index.ru.md",
        "+++\ntitle = \"Печать таблиц приливов\"\ndate = 2023-11-07\ntags = [\"приливы\"]\n+++\n\nПортовые конторы каждую зиму печатали таблицы приливов на следующий год.\n",
    ),
    (
        "authors/mira-koval.toml",
        "name = \"Mira Koval\"\n\n[bio]\nen = \"Mira Koval maps old coastal lights.\"\n",
    ),
    (
        "bibliography/refs.bib",
        "@book{tamsin2019,\n  author = {Tamsin, Oriel},\n  title = {Horns in the Fog},\n  publisher = {Quayside Press},\n  year = {2019},\n}\n",
    ),
    ("static/extra.css", "body { outline: 0; }\n"),
];

/// A reply from the server.
#[derive(Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request with `Connection: close` and reads the whole reply.
/// `target` goes on the request line byte for byte.
pub fn request(addr: SocketAddr, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    parse_reply(&raw, method == "HEAD")
}

/// Parses a raw HTTP/1.1 reply (fixed length or chunked body).
pub fn parse_reply(raw: &[u8], head: bool) -> Reply {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head_text = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if head {
        rest.to_vec()
    } else if chunked {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&rest[..eol]).into_owned();
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        out.extend_from_slice(&rest[start..start + size]);
        rest = &rest[start + size + 2..];
    }
}

/// A server on 127.0.0.1 with a free port, with its own runtime.
pub struct TestServer {
    /// The server (dropped before the runtime).
    pub server: Option<Server>,
    /// The runtime its tasks run on.
    pub runtime: tokio::runtime::Runtime,
}

impl TestServer {
    /// Starts serving `root`.
    pub fn start(root: &Path) -> TestServer {
        TestServer::start_with(root, |_| {})
    }

    /// Starts serving `root` with options changed by `change`.
    pub fn start_with(root: &Path, change: impl FnOnce(&mut ServeOptions)) -> TestServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let mut options = ServeOptions::new(root);
        options.port = 0;
        change(&mut options);
        let server = runtime
            .block_on(Server::start(options, Arc::new(|_| {})))
            .expect("server starts");
        TestServer {
            server: Some(server),
            runtime,
        }
    }

    /// The server.
    pub fn server(&self) -> &Server {
        self.server.as_ref().expect("running")
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.server().addr()
    }

    /// GET `target`.
    pub fn get(&self, target: &str) -> Reply {
        request(self.addr(), "GET", target, &[])
    }

    /// Waits (bounded) until the snapshot generation passes `after`.
    pub fn wait_generation(&self, after: u64) -> Arc<SiteSnapshot> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let snap = self.server().snapshot();
            if snap.generation > after {
                return snap;
            }
            assert!(
                Instant::now() < deadline,
                "no rebuild after generation {after}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        drop(self.server.take());
    }
}

/// A fresh full build of `root` with the given base URL, as path → bytes.
pub fn fresh_build(root: &Path, base_url: &str) -> BTreeMap<String, Vec<u8>> {
    let mut options = quire_build::BuildOptions::new(root);
    options.base_url = Some(base_url.to_string());
    let (site, report) = quire_build::build_in_memory(&options);
    let site = site.unwrap_or_else(|| panic!("fresh build failed: {:?}", report.diagnostics));
    site.artifacts
        .into_iter()
        .map(|a| {
            let bytes = match a.body {
                quire_build::Body::Bytes(b) => b,
                quire_build::Body::Copy(p) => std::fs::read(p).expect("copied file"),
            };
            (a.path, bytes)
        })
        .collect()
}

/// Asserts that `snap` holds exactly the files of a fresh full build.
pub fn assert_equals_fresh(snap: &SiteSnapshot, root: &Path, base_url: &str, step: &str) {
    let fresh = fresh_build(root, base_url);
    let served: BTreeMap<&str, &[u8]> = snap
        .files
        .iter()
        .map(|(p, f)| (p.as_str(), f.bytes.as_ref()))
        .collect();
    let missing: Vec<&String> = fresh
        .keys()
        .filter(|p| !served.contains_key(p.as_str()))
        .collect();
    let extra: Vec<&&str> = served.keys().filter(|p| !fresh.contains_key(**p)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{step}: served site has different files; missing {missing:?}, extra {extra:?}"
    );
    for (path, bytes) in &fresh {
        assert!(
            served[path.as_str()] == bytes.as_slice(),
            "{step}: {path} differs from a fresh build"
        );
    }
}
