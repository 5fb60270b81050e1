//! Measures `quire serve`: the time from saving a file to the rebuilt page
//! being served (body edit, title edit), and requests per second from a
//! small keep-alive load generator while rebuilds happen.
//!
//! Usage: `serve-bench --site DIR` (a copy is edited, never DIR itself) or
//! `serve-bench --generate N` (a synthetic three-language site of N article
//! files); `--edits K` (default 5), `--load-secs S` (default 5, 0 skips).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use quire_serve::{Rebuilt, ServeOptions, Server};

/// A rebuild's wall time and its phase timings.
type RebuildTime = (Duration, Vec<(&'static str, Duration)>);

struct Args {
    site: Option<PathBuf>,
    generate: Option<usize>,
    edits: usize,
    load_secs: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        site: None,
        generate: None,
        edits: 5,
        load_secs: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--site" => args.site = Some(PathBuf::from(value()?)),
            "--generate" => args.generate = Some(value()?.parse().map_err(|e| format!("{e}"))?),
            "--edits" => args.edits = value()?.parse().map_err(|e| format!("{e}"))?,
            "--load-secs" => args.load_secs = value()?.parse().map_err(|e| format!("{e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if args.site.is_none() == args.generate.is_none() {
        return Err("give exactly one of --site DIR or --generate N".into());
    }
    Ok(args)
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let work = std::env::temp_dir().join(format!("quire-serve-bench-{}", std::process::id()));
    let _cleanup = Cleanup(work.clone());
    let site = work.join("site");
    let article = match (&args.site, args.generate) {
        (Some(src), _) => {
            copy_dir(src, &site).map_err(|e| format!("copying {}: {e}", src.display()))?;
            first_article(&site).ok_or("the site has no content/<section>/<article>/index.md")?
        }
        (None, Some(n)) => generate(&site, n).map_err(|e| format!("generating: {e}"))?,
        (None, None) => return Err("give exactly one of --site DIR or --generate N".into()),
    };
    let rel_url = article_url(&site, &article);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let rebuilds: Arc<Mutex<Vec<RebuildTime>>> = Arc::default();
    let sink = Arc::clone(&rebuilds);
    let on_rebuild = Arc::new(move |r: &Rebuilt| {
        if !r.succeeded {
            eprintln!("rebuild failed: {:?}", r.diagnostics.0.first());
        }
        let mut list = sink.lock().unwrap_or_else(|e| e.into_inner());
        list.push((r.elapsed, r.timings.clone()));
    });
    let mut options = ServeOptions::new(&site);
    options.port = 0;
    let clock = Instant::now();
    let server = runtime
        .block_on(Server::start(options, on_rebuild))
        .map_err(|e| e.to_string())?;
    let addr = server.addr();
    let files = server.snapshot().files.len();
    println!(
        "first build: {:.0} ms, {files} files; editing {}",
        clock.elapsed().as_secs_f64() * 1000.0,
        article.display()
    );

    let mut body_ms = Vec::new();
    let mut title_ms = Vec::new();
    for i in 0..args.edits {
        let marker = format!("benchmark body marker {i}");
        body_ms.push(timed_edit(addr, &rel_url, &marker, || {
            edit_file(&article, |t| format!("{t}\n{marker}\n"))
        })?);
        let title = format!("Benchmark Title {i}");
        title_ms.push(timed_edit(addr, &rel_url, &title, || {
            edit_file(&article, |t| replace_title(t, &title))
        })?);
    }
    report("body edit", &body_ms);
    report("title edit", &title_ms);
    let last = rebuilds.lock().map_err(|e| e.to_string())?.last().cloned();
    if let Some((total, timings)) = last {
        let phases: Vec<String> = timings
            .iter()
            .map(|(n, d)| format!("{n} {:.0}", d.as_secs_f64() * 1000.0))
            .collect();
        println!(
            "last rebuild: {:.0} ms ({} ms)",
            total.as_secs_f64() * 1000.0,
            phases.join(", ")
        );
    }

    if args.load_secs > 0 {
        load_test(
            addr,
            &rel_url,
            &article,
            Duration::from_secs(args.load_secs),
        )?;
    }
    drop(server);
    Ok(())
}

/// Removes the work folder at the end.
struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn report(name: &str, ms: &[f64]) {
    let mut sorted = ms.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.is_empty() {
        return;
    }
    println!(
        "{name}: save-to-served median {:.0} ms, min {:.0} ms, max {:.0} ms ({} edits)",
        sorted[sorted.len() / 2],
        sorted[0],
        sorted[sorted.len() - 1],
        sorted.len()
    );
}

/// Runs `edit`, then polls the page until it contains `needle`; returns
/// the milliseconds from the end of the write to the first such response.
fn timed_edit(
    addr: SocketAddr,
    url: &str,
    needle: &str,
    edit: impl FnOnce() -> std::io::Result<()>,
) -> Result<f64, String> {
    edit().map_err(|e| e.to_string())?;
    let start = Instant::now();
    let deadline = start + Duration::from_secs(600);
    let mut conn = Conn::open(addr).map_err(|e| e.to_string())?;
    loop {
        let (status, body) = match conn.get(url) {
            Ok(reply) => reply,
            Err(_) => {
                conn = Conn::open(addr).map_err(|e| e.to_string())?;
                continue;
            }
        };
        if status == 200 && contains(&body, needle.as_bytes()) {
            return Ok(start.elapsed().as_secs_f64() * 1000.0);
        }
        if Instant::now() > deadline {
            return Err(format!("{url} never showed {needle:?}"));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Keep-alive GETs from several threads for `duration` while the main
/// thread saves the article every 300 ms.
fn load_test(
    addr: SocketAddr,
    url: &str,
    article: &Path,
    duration: Duration,
) -> Result<(), String> {
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let urls = [url.to_string(), "/".to_string(), "/sitemap.xml".to_string()];
    let mut threads = Vec::new();
    for t in 0..4 {
        let (stop, ok, errors, urls) = (
            Arc::clone(&stop),
            Arc::clone(&ok),
            Arc::clone(&errors),
            urls.clone(),
        );
        threads.push(std::thread::spawn(move || {
            let mut conn = Conn::open(addr).ok();
            let mut i = t;
            while !stop.load(Ordering::Relaxed) {
                let Some(c) = conn.as_mut() else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    conn = Conn::open(addr).ok();
                    continue;
                };
                match c.get(&urls[i % urls.len()]) {
                    Ok((200, _)) => {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                        conn = Conn::open(addr).ok();
                    }
                }
                i += 1;
            }
        }));
    }
    let start = Instant::now();
    let mut saves = 0;
    while start.elapsed() < duration {
        std::thread::sleep(Duration::from_millis(300));
        edit_file(article, |t| format!("{t}\nload test save {saves}\n"))
            .map_err(|e| e.to_string())?;
        saves += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let secs = start.elapsed().as_secs_f64();
    let done = ok.load(Ordering::Relaxed);
    println!(
        "load: {done} requests in {secs:.1} s = {:.0} req/s, {} errors, 4 keep-alive connections, {saves} saves during the run",
        done as f64 / secs,
        errors.load(Ordering::Relaxed)
    );
    Ok(())
}

/// A keep-alive HTTP/1.1 connection that reads fixed-length replies.
struct Conn {
    reader: BufReader<TcpStream>,
}

impl Conn {
    fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(stream),
        })
    }

    fn get(&mut self, url: &str) -> std::io::Result<(u16, Vec<u8>)> {
        write!(
            self.reader.get_mut(),
            "GET {url} HTTP/1.1\r\nHost: bench\r\n\r\n"
        )?;
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let mut length = 0;
        loop {
            line.clear();
            if self.reader.read_line(&mut line)? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((n, v)) = l.split_once(':')
                && n.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body)?;
        Ok((status, body))
    }
}

/// Rewrites a file the way editors do: a temp file renamed over it.
fn edit_file(path: &Path, change: impl FnOnce(&str) -> String) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let temp = path.with_extension("md.tmp");
    std::fs::write(&temp, change(&text))?;
    std::fs::rename(&temp, path)
}

fn replace_title(text: &str, title: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("title = ") {
                format!("title = \"{title}\"")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "public" || name == ".git" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// The first `content/<section>/<article>/index.md`, in name order.
fn first_article(site: &Path) -> Option<PathBuf> {
    let mut sections: Vec<PathBuf> = std::fs::read_dir(site.join("content"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    sections.sort();
    for section in sections {
        let mut articles: Vec<PathBuf> = std::fs::read_dir(&section)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("index.md")))
            .filter(|p| p.is_file())
            .collect();
        articles.sort();
        if let Some(a) = articles.into_iter().next() {
            return Some(a);
        }
    }
    None
}

/// The served URL of a default-language bundle article (`/section/slug/`),
/// honouring a `slug` in its front matter.
fn article_url(site: &Path, article: &Path) -> String {
    let dir = article.parent().unwrap_or(site);
    let section = dir
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = std::fs::read_to_string(article).unwrap_or_default();
    let slug = text
        .lines()
        .find_map(|l| l.strip_prefix("slug = "))
        .map(|s| s.trim_matches('"').to_string())
        .unwrap_or_else(|| {
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
    format!("/{section}/{slug}/")
}

/// Writes a synthetic site: `n` article files spread over bundles in
/// English, Turkish and Russian, four sections, six authors, forty tags.
/// Returns the English file of the first bundle.
fn generate(site: &Path, n: usize) -> std::io::Result<PathBuf> {
    const EN: &[&str] = &[
        "harbour", "grain", "tariff", "corridor", "pipeline", "ferry", "border", "river",
        "storage", "quota", "railway", "customs", "power", "grid", "drought", "canal", "treaty",
        "port", "winter", "market",
    ];
    const TR: &[&str] = &[
        "liman",
        "tahıl",
        "gümrük",
        "koridor",
        "boru",
        "feribot",
        "sınır",
        "nehir",
        "depo",
        "kota",
        "demiryolu",
        "enerji",
        "şebeke",
        "kuraklık",
        "kanal",
        "antlaşma",
        "kış",
        "pazar",
        "ılık",
        "İzmir",
    ];
    const RU: &[&str] = &[
        "гавань",
        "зерно",
        "тариф",
        "коридор",
        "трубопровод",
        "паром",
        "граница",
        "река",
        "хранилище",
        "квота",
        "железная",
        "таможня",
        "энергия",
        "сеть",
        "засуха",
        "канал",
        "договор",
        "порт",
        "зима",
        "рынок",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let write = |rel: &str, text: &str| -> std::io::Result<()> {
        let path = site.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(site))?;
        std::fs::write(path, text)
    };
    write(
        "quire.toml",
        "title = \"Synthetic Corpus\"\nbase_url = \"https://bench.example\"\ndefault_language = \"en\"\npaginate = 20\n\n[languages.en]\nname = \"English\"\n\n[languages.tr]\nname = \"Türkçe\"\n\n[languages.ru]\nname = \"Русский\"\n\n[taxonomies]\ntags = {}\n\n[search]\nenabled = true\n",
    )?;
    write(
        "content/_index.md",
        "+++\ntitle = \"Synthetic Corpus\"\n+++\n",
    )?;
    let sections = ["energy", "trade", "water", "security"];
    for s in sections {
        write(
            &format!("content/{s}/_index.md"),
            &format!("+++\ntitle = \"{s}\"\n+++\n"),
        )?;
    }
    for a in 0..6 {
        write(
            &format!("authors/author-{a}.toml"),
            &format!("name = \"Author {a}\"\n\n[bio]\nen = \"Writes about topic {a}.\"\n"),
        )?;
    }
    let bundles = n.div_ceil(3);
    let mut first = None;
    let mut written = 0;
    for b in 0..bundles {
        let section = sections[b % sections.len()];
        let dir = format!("content/{section}/piece-{b:05}");
        let date = format!("20{:02}-{:02}-{:02}", 15 + b % 10, 1 + b % 12, 1 + b % 28);
        for (lang, words) in [("en", EN), ("tr", TR), ("ru", RU)] {
            if written == n {
                break;
            }
            written += 1;
            let mut pick = |k: usize| -> String {
                (0..k)
                    .map(|_| words[(next() % words.len() as u64) as usize])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let title = pick(5);
            let mut body = String::new();
            for _ in 0..4 {
                body.push_str(&pick(60));
                body.push_str(".\n\n");
            }
            let tag_a = next() % 40;
            let tag_b = next() % 40;
            let author = next() % 6;
            let file = if lang == "en" {
                "index.md".to_string()
            } else {
                format!("index.{lang}.md")
            };
            let text = format!(
                "+++\ntitle = \"{title}\"\ndate = {date}\nauthors = [\"author-{author}\"]\ntags = [\"t{tag_a}\", \"t{tag_b}\"]\n+++\n\n{body}"
            );
            write(&format!("{dir}/{file}"), &text)?;
            if first.is_none() {
                first = Some(site.join(&dir).join(file));
            }
        }
    }
    first.ok_or_else(|| std::io::Error::other("no articles generated"))
}
