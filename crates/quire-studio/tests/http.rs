//! The studio over HTTP (axum's router driven with `tower::ServiceExt`):
//! dashboard, editor round trips byte for byte, form edits, conflicts,
//! autosave, preview equal to the build, translation, new articles,
//! uploads, accounts, roles, CSRF, paths and UI languages.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use quire_studio::{Studio, StudioOptions};
use tower::ServiceExt;

const HOST: &str = "127.0.0.1:1112";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy-site")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "public" || name == ".quire-cache" || name == ".quire-studio" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

struct Client {
    router: Router,
    studio: Arc<Studio>,
    cookie: String,
    csrf: String,
    _dir: tempfile::TempDir,
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Client {
    /// A studio on a copy of the example site, on loopback (no accounts).
    async fn new() -> Client {
        Client::with(|_| {}, "127.0.0.1:1112").await
    }

    async fn with(prepare: impl FnOnce(&Path), addr: &str) -> Client {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&example(), dir.path());
        prepare(dir.path());
        let addr: SocketAddr = addr.parse().unwrap();
        let studio = Studio::new(&StudioOptions::new(dir.path()), addr).unwrap();
        let router = quire_studio::http::router(Arc::clone(&studio));
        let mut c = Client {
            router,
            studio,
            cookie: String::new(),
            csrf: String::new(),
            _dir: dir,
        };
        c.refresh_csrf("/login").await;
        c
    }

    fn root(&self) -> &Path {
        &self.studio.root
    }

    async fn send(&mut self, req: Request<Body>) -> Answer {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(pair) = v.split(';').next()
                && pair.starts_with("quire_studio=")
            {
                self.cookie = pair.to_string();
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn get(&mut self, uri: &str) -> Answer {
        let req = Request::get(uri)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &self.cookie)
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    async fn post(&mut self, uri: &str, pairs: &[(String, String)]) -> Answer {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let req = Request::post(uri)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// POSTs `pairs` with the CSRF token.
    async fn submit(&mut self, uri: &str, pairs: &[(&str, &str)]) -> Answer {
        let mut all: Vec<(String, String)> = vec![("csrf".into(), self.csrf.clone())];
        all.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self.post(uri, &all).await
    }

    async fn refresh_csrf(&mut self, uri: &str) {
        let page = self.get(uri).await;
        if let Some(t) = csrf_of(&page.text) {
            self.csrf = t;
        }
    }

    /// The editor form of `path` as a browser would send it unchanged.
    async fn editor_fields(&mut self, path: &str) -> Vec<(String, String)> {
        let page = self.get(&edit(path)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.text);
        self.csrf = csrf_of(&page.text).unwrap();
        form_fields(&page.text, "#editor")
    }
}

fn edit(path: &str) -> String {
    format!("/edit?path={}", urlencode(path))
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_string()
}

fn csrf_of(html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("meta[name=csrf-token]").unwrap();
    doc.select(&sel)
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(str::to_string)
}

/// The fields a browser submits for the form matching `selector`.
fn form_fields(html: &str, selector: &str) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(html);
    let form = doc
        .select(&scraper::Selector::parse(selector).unwrap())
        .next()
        .expect("form");
    let controls = scraper::Selector::parse("input, textarea, select").unwrap();
    let mut out = Vec::new();
    for el in form.select(&controls) {
        let v = el.value();
        let Some(name) = v.attr("name") else { continue };
        if v.attr("disabled").is_some() {
            continue;
        }
        match v.name() {
            "textarea" => out.push((name.to_string(), el.text().collect::<String>())),
            "select" => {
                let selected = scraper::Selector::parse("option[selected]").unwrap();
                let any = scraper::Selector::parse("option").unwrap();
                if let Some(o) = el
                    .select(&selected)
                    .next()
                    .or_else(|| el.select(&any).next())
                {
                    out.push((
                        name.to_string(),
                        o.value().attr("value").unwrap_or("").to_string(),
                    ));
                }
            }
            _ => match v.attr("type") {
                Some("checkbox") => {
                    if v.attr("checked").is_some() {
                        out.push((
                            name.to_string(),
                            v.attr("value").unwrap_or("on").to_string(),
                        ));
                    }
                }
                _ => out.push((name.to_string(), v.attr("value").unwrap_or("").to_string())),
            },
        }
    }
    out
}

fn set(fields: &mut Vec<(String, String)>, key: &str, value: &str) {
    match fields.iter_mut().find(|(k, _)| k == key) {
        Some(f) => f.1 = value.to_string(),
        None => fields.push((key.to_string(), value.to_string())),
    }
}

fn content_files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("content")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn dashboard_shows_every_article_in_every_language() {
    let mut c = Client::new().await;
    let page = c.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    for name in ["English", "Türkçe", "Русский", "العربية"] {
        assert!(
            page.text.contains(&format!(">{name}</th>")),
            "column {name}"
        );
    }
    assert!(
        page.text.contains("Showing 10 of 10 articles"),
        "{}",
        page.text
    );
    // The Arctic piece exists only in English.
    let missing = c.get("/?lang=tr&status=missing").await.text;
    assert!(missing.contains("Arctic"));
    assert!(!missing.contains("The Middle Corridor"));
    let found = c.get("/?q=middle+corridor").await.text;
    assert!(found.contains("Showing 1 of 1"), "{found}");
    let by_author = c.get("/?author=kerem-aydin&section=analysis").await.text;
    assert!(by_author.contains("The Middle Corridor"));
    assert!(!by_author.contains("Arctic"));
    // Drafts show as drafts.
    let file = c
        .root()
        .join("content/analysis/arctic-research-cooperation/index.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("+++\n", "+++\ndraft = true\n", 1)).unwrap();
    c.studio.changed();
    let drafts = c.get("/?status=draft").await.text;
    assert!(drafts.contains("Arctic"), "{drafts}");
    assert!(drafts.contains("Showing 1 of 1"));
}

#[tokio::test]
async fn check_counts_appear_once_the_check_ran() {
    let mut c = Client::new().await;
    c.studio.start_checker();
    for _ in 0..600 {
        if c.studio.check.lock().unwrap().done {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(c.studio.check.lock().unwrap().done);
    let page = c.get("/").await.text;
    assert!(!page.contains("checking…"));
}

#[tokio::test]
async fn opening_and_saving_every_article_unchanged_keeps_every_byte() {
    let mut c = Client::new().await;
    let files = content_files(c.root());
    assert!(files.len() > 30);
    let mut saved = 0;
    for rel in &files {
        let before = std::fs::read(c.root().join(rel)).unwrap();
        let fields = c.editor_fields(rel).await;
        let mut fields = fields;
        set(&mut fields, "action", "save");
        let answer = c.post("/save", &fields).await;
        assert_eq!(
            answer.status,
            StatusCode::SEE_OTHER,
            "{rel}: {}",
            answer.text
        );
        assert_eq!(
            std::fs::read(c.root().join(rel)).unwrap(),
            before,
            "{rel} changed"
        );
        saved += 1;
    }
    assert_eq!(saved, files.len());
}

#[tokio::test]
async fn a_form_edit_rewrites_only_that_key() {
    let mut c = Client::new().await;
    let rel = "content/analysis/middle-corridor-freight/index.md";
    let before = std::fs::read_to_string(c.root().join(rel)).unwrap();
    let mut fields = c.editor_fields(rel).await;
    set(&mut fields, "title", "The Middle Corridor, Revisited");
    let answer = c.post("/save", &fields).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    let after = std::fs::read_to_string(c.root().join(rel)).unwrap();
    assert_eq!(
        after,
        before.replace(
            "title = \"The Middle Corridor: What It Would Take to Move Serious Freight\"",
            "title = \"The Middle Corridor, Revisited\""
        )
    );
    // A new tag and a body edit.
    let mut fields = c.editor_fields(rel).await;
    fields.push(("tax.tags".into(), "ferries".into()));
    let body = fields.iter().find(|(k, _)| k == "body").unwrap().1.clone();
    set(
        &mut fields,
        "body",
        &body.replace("Few ideas", "Few policy ideas"),
    );
    c.post("/save", &fields).await;
    let after2 = std::fs::read_to_string(c.root().join(rel)).unwrap();
    assert_eq!(
        after2,
        after
            .replace(
                "tags = [\"trade corridors\", \"logistics\", \"supply chains\"]",
                "tags = [\"trade corridors\", \"logistics\", \"supply chains\", \"ferries\"]"
            )
            .replace("Few ideas", "Few policy ideas")
    );
    // No temporary files are left beside it.
    let dir = c.root().join("content/analysis/middle-corridor-freight");
    let names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[tokio::test]
async fn a_file_changed_on_disk_is_never_overwritten() {
    let mut c = Client::new().await;
    let rel = "content/analysis/amu-darya-water/index.md";
    let mut fields = c.editor_fields(rel).await;
    // Someone else saves meanwhile.
    let path = c.root().join(rel);
    let theirs = std::fs::read_to_string(&path)
        .unwrap()
        .replace("Amu Darya", "Amudarya");
    std::fs::write(&path, &theirs).unwrap();
    let body = fields.iter().find(|(k, _)| k == "body").unwrap().1.clone();
    set(&mut fields, "body", &format!("{body}\nMy new paragraph.\n"));
    let answer = c.post("/save", &fields).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        theirs,
        "overwritten"
    );
    assert!(answer.text.contains("My new paragraph."));
    assert!(answer.text.contains("Amudarya"));
    // Merging: save the merged text with the disk's hash.
    c.csrf = csrf_of(&answer.text).unwrap();
    let merge = form_fields(&answer.text, "form[action=\"/merge\"]");
    let mut merge = merge;
    let mine = merge.iter().find(|(k, _)| k == "text").unwrap().1.clone();
    set(&mut merge, "text", &mine.replace("Amu Darya", "Amudarya"));
    let saved = c.post("/merge", &merge).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    let now = std::fs::read_to_string(&path).unwrap();
    assert!(
        now.contains("My new paragraph.") && now.contains("Amudarya") && !now.contains("Amu Darya")
    );
}

#[tokio::test]
async fn autosaves_are_kept_hidden_and_offered_back() {
    let mut c = Client::new().await;
    let rel = "content/analysis/trans-caspian-gas/index.md";
    let before = std::fs::read(c.root().join(rel)).unwrap();
    let mut fields = c.editor_fields(rel).await;
    set(&mut fields, "body", "Half-written paragraph");
    let answer = c.post("/api/autosave", &fields).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT, "{}", answer.text);
    assert_eq!(std::fs::read(c.root().join(rel)).unwrap(), before);
    let stored = std::fs::read_dir(c.root().join(".quire-studio/autosave"))
        .unwrap()
        .count();
    assert_eq!(stored, 1);
    let page = c.get(&edit(rel)).await.text;
    assert!(page.contains("Unsaved changes from"), "{page}");
    assert!(!page.contains(">\nHalf-written paragraph</textarea>"));
    let restored = c.get(&format!("{}&restore=1", edit(rel))).await.text;
    assert!(
        restored.contains(">\nHalf-written paragraph</textarea>"),
        "{restored}"
    );
    // A quire build does not see it.
    let (site, report) = quire_build::build_in_memory(&quire_build::BuildOptions::new(c.root()));
    assert!(!report.diagnostics.has_errors());
    assert!(
        site.unwrap()
            .artifacts
            .iter()
            .all(|a| !a.path.contains("quire-studio"))
    );
}

#[tokio::test]
async fn the_preview_is_the_built_page() {
    let mut c = Client::new().await;
    let rel = "content/analysis/middle-corridor-freight/index.md";
    let fields = c.editor_fields(rel).await;
    let answer = c.post("/api/preview", &fields).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let json: serde_json::Value = serde_json::from_str(&answer.text).unwrap();
    let html = json["html"].as_str().unwrap();
    let mut options = quire_build::BuildOptions::new(c.root());
    options.base_url = Some(c.studio.preview_base.clone());
    let (site, _) = quire_build::build_in_memory(&options);
    let site = site.unwrap();
    let built = site
        .artifacts
        .iter()
        .find(|a| a.path == "analysis/middle-corridor-freight/index.html")
        .unwrap();
    let quire_build::Body::Bytes(bytes) = &built.body else {
        panic!()
    };
    let built = String::from_utf8(bytes.clone()).unwrap();
    let base = "<base href=\"/bundle/content/analysis/middle-corridor-freight/\">";
    assert_eq!(html.replacen(base, "", 1), built);
    // Again, with the ranking of similar posts kept from the first preview.
    let again: serde_json::Value =
        serde_json::from_str(&c.post("/api/preview", &fields).await.text).unwrap();
    assert_eq!(again["html"].as_str().unwrap().replacen(base, "", 1), built);
    // Unsaved text: a new note and a citation show, numbered and formatted.
    let mut fields = fields;
    let body = fields.iter().find(|(k, _)| k == "body").unwrap().1.clone();
    set(
        &mut fields,
        "body",
        &format!(
            "A new claim.[^99] As argued elsewhere.[@osei2019, p. 12]\n\n{body}\n[^99]: Studio note text.\n"
        ),
    );
    let json: serde_json::Value =
        serde_json::from_str(&c.post("/api/preview", &fields).await.text).unwrap();
    let html = json["html"].as_str().unwrap();
    assert!(html.contains("Studio note text."));
    assert!(html.contains("Osei"));
    assert!(html.contains("/site/assets/quire."));
    // The file is untouched; a bad citation is reported at its line.
    set(&mut fields, "body", "Text.\n\nBad [@nosuchkey].\n");
    let json: serde_json::Value =
        serde_json::from_str(&c.post("/api/preview", &fields).await.text).unwrap();
    let d = &json["diagnostics"][0];
    assert_eq!(d["severity"], "error", "{json}");
    let body_line = json["body_line"].as_u64().unwrap();
    assert_eq!(d["line"].as_u64().unwrap() - body_line + 1, 3, "{json}");
    // The stylesheet the preview links is served.
    let css = c
        .get(&format!(
            "/site/{}",
            quire_studio::preview::stylesheet_path()
        ))
        .await;
    assert_eq!(css.status, StatusCode::OK);
}

#[tokio::test]
async fn translate_creates_the_version_beside_the_original() {
    let mut c = Client::new().await;
    let rel = "content/analysis/arctic-research-cooperation/index.md";
    let page = c.get(&edit(rel)).await.text;
    c.csrf = csrf_of(&page).unwrap();
    assert!(page.contains(">Translate</button>"));
    let answer = c
        .submit("/translate", &[("path", rel), ("lang", "tr")])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    let tr = "content/analysis/arctic-research-cooperation/index.tr.md";
    let text = std::fs::read_to_string(c.root().join(tr)).unwrap();
    let original = std::fs::read_to_string(c.root().join(rel)).unwrap();
    assert!(text.contains("draft = true"), "{text}");
    let split = quire_site::frontmatter::split(rel, &original)
        .unwrap()
        .unwrap();
    let fp = quire_check::fingerprint::fingerprint(split.body).encode();
    assert!(
        text.contains(&format!("translated_from = \"{fp}\"")),
        "{text}"
    );
    assert!(text.ends_with(split.body));
    // Side by side: the translation's editor shows the original.
    let page = c.get(&edit(tr)).await.text;
    assert!(page.contains("The original (English), to translate from"));
    // Published and then the original changes: the dashboard says stale.
    let mut fields = c.editor_fields(tr).await;
    set(&mut fields, "action", "publish");
    assert_eq!(c.post("/save", &fields).await.status, StatusCode::SEE_OTHER);
    assert!(
        c.get("/?lang=tr&status=published")
            .await
            .text
            .contains("Arctic")
    );
    std::fs::write(
        c.root().join(rel),
        format!("{original}\nA new paragraph.\n"),
    )
    .unwrap();
    c.studio.changed();
    let stale = c.get("/?lang=tr&status=stale").await.text;
    assert!(stale.contains("Arctic"), "{stale}");
}

#[tokio::test]
async fn new_articles_start_as_drafts() {
    let mut c = Client::new().await;
    c.refresh_csrf("/new").await;
    let answer = c
        .submit(
            "/new",
            &[
                ("title", "Water and Power in Tajikistan"),
                ("section", "analysis"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    let rel = "content/analysis/water-and-power-in-tajikistan/index.md";
    let text = std::fs::read_to_string(c.root().join(rel)).unwrap();
    assert!(text.starts_with("+++\ntitle = \"Water and Power in Tajikistan\"\ndate = "));
    assert!(text.contains("draft = true"));
    let loc = answer
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(loc.starts_with("/edit?path=content%2Fanalysis%2Fwater"));
    // A fresh build leaves the draft out.
    let (site, _) = quire_build::build_in_memory(&quire_build::BuildOptions::new(c.root()));
    assert!(
        site.unwrap()
            .artifacts
            .iter()
            .all(|a| !a.path.contains("water-and-power"))
    );
}

#[tokio::test]
async fn images_are_uploaded_into_the_bundle_with_alt_text() {
    let mut c = Client::new().await;
    let rel = "content/analysis/amu-darya-water/index.md";
    c.editor_fields(rel).await;
    let upload = |alt: &str| {
        let boundary = "XBOUNDARYX";
        let mut body = String::new();
        for (name, value) in [("path", rel), ("alt", alt)] {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Canal Map.PNG\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--{boundary}--\r\n"));
        body
    };
    let send = |c: &Client, body: String, csrf: &str| {
        Request::post("/api/upload")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &c.cookie)
            .header("x-csrf-token", csrf)
            .header(
                header::CONTENT_TYPE,
                "multipart/form-data; boundary=XBOUNDARYX",
            )
            .body(Body::from(body))
            .unwrap()
    };
    let csrf = c.csrf.clone();
    let no_alt = c.send(send(&c, upload(""), &csrf)).await;
    assert_eq!(no_alt.status, StatusCode::BAD_REQUEST);
    let no_token = c.send(send(&c, upload("A map"), "nope")).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let ok = c.send(send(&c, upload("A map of the canals"), &csrf)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert!(
        ok.text.contains("![A map of the canals](canal-map.png)"),
        "{}",
        ok.text
    );
    let stored = c
        .root()
        .join("content/analysis/amu-darya-water/canal-map.png");
    assert_eq!(std::fs::read(stored).unwrap(), b"PNGDATA");
}

#[tokio::test]
async fn posts_need_the_csrf_token_and_paths_stay_inside_the_site() {
    let mut c = Client::new().await;
    let rel = "content/analysis/amu-darya-water/index.md";
    let before = std::fs::read(c.root().join(rel)).unwrap();
    let mut fields = c.editor_fields(rel).await;
    fields.retain(|(k, _)| k != "csrf");
    set(&mut fields, "body", "Overwritten!");
    assert_eq!(c.post("/save", &fields).await.status, StatusCode::FORBIDDEN);
    set(&mut fields, "csrf", "0000");
    assert_eq!(c.post("/save", &fields).await.status, StatusCode::FORBIDDEN);
    assert_eq!(std::fs::read(c.root().join(rel)).unwrap(), before);
    for bad in [
        "../quire.toml",
        "content/../quire.toml",
        "/etc/passwd",
        "quire.toml",
        "content/analysis/../../quire.toml",
    ] {
        let page = c.get(&edit(bad)).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        let answer = c
            .submit("/translate", &[("path", bad), ("lang", "tr")])
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("index.md"), "+++\ntitle = \"x\"\n+++\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), c.root().join("content/analysis/link")).unwrap();
        let page = c.get(&edit("content/analysis/link/index.md")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
    }
    // Another site's page cannot reach the studio through DNS rebinding.
    let req = Request::get("/")
        .header(header::HOST, "evil.example:1112")
        .body(Body::empty())
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::MISDIRECTED_REQUEST);
}

fn add_accounts(root: &Path) {
    for (login, role) in [("ed", "editor"), ("tr", "translator"), ("au", "author")] {
        let author = (role == "author").then_some("kerem-aydin");
        quire_studio::auth::add_user(
            root,
            login,
            "a long enough password",
            quire_studio::Role::parse(role).unwrap(),
            None,
            None,
            author,
        )
        .unwrap();
    }
}

#[tokio::test]
async fn a_public_address_needs_accounts() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), dir.path());
    let public: SocketAddr = "0.0.0.0:1112".parse().unwrap();
    assert!(Studio::new(&StudioOptions::new(dir.path()), public).is_err());
    add_accounts(dir.path());
    assert!(Studio::new(&StudioOptions::new(dir.path()), public).is_ok());
}

async fn sign_in(c: &mut Client, login: &str) -> Answer {
    c.refresh_csrf("/login").await;
    c.submit(
        "/login",
        &[("login", login), ("password", "a long enough password")],
    )
    .await
}

#[tokio::test]
async fn roles_limit_what_people_do() {
    let mut c = Client::with(add_accounts, "127.0.0.1:1112").await;
    // Signed out: everything leads to the sign-in page.
    let home = c.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.headers.get(header::LOCATION).unwrap(), "/login");
    let cookie = c.get("/login").await;
    assert!(cookie.status == StatusCode::OK);
    // The translator.
    let answer = sign_in(&mut c, "tr").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    let en = "content/analysis/arctic-research-cooperation/index.md";
    let before = std::fs::read(c.root().join(en)).unwrap();
    let mut fields = c.editor_fields(en).await;
    set(&mut fields, "body", "Rewritten by a translator");
    assert_eq!(c.post("/save", &fields).await.status, StatusCode::FORBIDDEN);
    assert_eq!(std::fs::read(c.root().join(en)).unwrap(), before);
    // They translate; the translation starts as a draft they may save…
    let page = c.get(&edit(en)).await.text;
    c.csrf = csrf_of(&page).unwrap();
    assert_eq!(
        c.submit("/translate", &[("path", en), ("lang", "ru")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let ru = "content/analysis/arctic-research-cooperation/index.ru.md";
    let mut fields = c.editor_fields(ru).await;
    assert!(!c.get(&edit(ru)).await.text.contains(">Publish</button>"));
    set(&mut fields, "title", "Арктика");
    assert_eq!(c.post("/save", &fields).await.status, StatusCode::SEE_OTHER);
    assert!(
        std::fs::read_to_string(c.root().join(ru))
            .unwrap()
            .contains("title = \"Арктика\"")
    );
    // …but cannot publish it, neither by the button nor by unticking draft.
    let mut fields = c.editor_fields(ru).await;
    set(&mut fields, "action", "publish");
    assert_eq!(c.post("/save", &fields).await.status, StatusCode::FORBIDDEN);
    let mut fields = c.editor_fields(ru).await;
    fields.retain(|(k, _)| k != "draft");
    c.post("/save", &fields).await;
    assert!(
        std::fs::read_to_string(c.root().join(ru))
            .unwrap()
            .contains("draft = true")
    );
    // The editor publishes it.
    let mut c2 = Client {
        router: c.router.clone(),
        studio: Arc::clone(&c.studio),
        cookie: String::new(),
        csrf: String::new(),
        _dir: tempfile::tempdir().unwrap(),
    };
    assert_eq!(sign_in(&mut c2, "ed").await.status, StatusCode::SEE_OTHER);
    let mut fields = c2.editor_fields(ru).await;
    set(&mut fields, "action", "publish");
    assert_eq!(
        c2.post("/save", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !std::fs::read_to_string(c.root().join(ru))
            .unwrap()
            .contains("draft")
    );
    // An author edits only their own drafts.
    let mut c3 = Client {
        router: c.router.clone(),
        studio: Arc::clone(&c.studio),
        cookie: String::new(),
        csrf: String::new(),
        _dir: tempfile::tempdir().unwrap(),
    };
    assert_eq!(sign_in(&mut c3, "au").await.status, StatusCode::SEE_OTHER);
    let theirs = "content/analysis/middle-corridor-freight/index.md";
    let fields = c3.editor_fields(theirs).await;
    assert_eq!(
        c3.post("/save", &fields).await.status,
        StatusCode::FORBIDDEN,
        "published: editors only"
    );
    c3.refresh_csrf("/new").await;
    let made = c3
        .submit(
            "/new",
            &[
                ("title", "Ferry Slots"),
                ("section", "analysis"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER);
    let mine = "content/analysis/ferry-slots/index.md";
    assert!(
        std::fs::read_to_string(c.root().join(mine))
            .unwrap()
            .contains("authors = [\"kerem-aydin\"]")
    );
    let mut fields = c3.editor_fields(mine).await;
    set(&mut fields, "body", "My draft.\n");
    assert_eq!(
        c3.post("/save", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    // Signing out ends the session.
    let page = c3.get("/").await.text;
    c3.csrf = csrf_of(&page).unwrap();
    c3.submit("/logout", &[]).await;
    assert_eq!(c3.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_is_rate_limited() {
    let mut c = Client::with(add_accounts, "127.0.0.1:1112").await;
    for _ in 0..quire_studio::auth::MAX_FAILURES {
        c.refresh_csrf("/login").await;
        let a = c
            .submit("/login", &[("login", "ed"), ("password", "wrong")])
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = sign_in(&mut c, "ed").await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.text.contains("Too many failed sign-ins"));
    // Cookies of the session are HttpOnly and SameSite=Strict.
    let mut fresh = Client::with(add_accounts, "127.0.0.1:1112").await;
    let a = fresh.get("/login").await;
    let _ = a;
    let req = Request::get("/login")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    let a = fresh.send(req).await;
    let cookie = a.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn the_ui_speaks_english_turkish_and_russian() {
    let mut c = Client::new().await;
    let req = Request::get("/")
        .header(header::HOST, HOST)
        .header(header::ACCEPT_LANGUAGE, "tr-TR,tr;q=0.9")
        .body(Body::empty())
        .unwrap();
    c.cookie.clear();
    let page = c.send(req).await.text;
    assert!(
        page.contains("<html lang=\"tr\"") && page.contains(">Yazılar</h1>"),
        "{page}"
    );
    c.get("/ui?lang=ru").await;
    let page = c
        .get(&edit("content/analysis/amu-darya-water/index.md"))
        .await
        .text;
    assert!(page.contains(">Сохранить</button>") && page.contains("Добавить примечание"));
    c.get("/ui?lang=en").await;
    let page = c
        .get(&edit("content/analysis/amu-darya-water/index.md"))
        .await
        .text;
    for name in [
        ">Title</label>",
        ">Body</label>",
        ">Save</button>",
        ">Publish</button>",
        ">Translate</button>",
        ">Add note</button>",
        ">Add citation</button>",
        ">Insert link</button>",
        ">Upload image</button>",
    ] {
        assert!(page.contains(name), "{name}");
    }
    assert!(c.get("/").await.text.contains(">New article</a>"));
}

#[tokio::test]
async fn pickers_search_the_bibliography_and_the_articles() {
    let mut c = Client::new().await;
    let bib: serde_json::Value =
        serde_json::from_str(&c.get("/api/bib?q=osei+2019").await.text).unwrap();
    assert_eq!(bib[0]["key"], "osei2019", "{bib}");
    assert_eq!(bib[0]["author"], "Osei, Lindqvist");
    let arts: serde_json::Value =
        serde_json::from_str(&c.get("/api/articles?q=amu").await.text).unwrap();
    assert_eq!(
        arts[0]["link"], "@/analysis/amu-darya-water/index.md",
        "{arts}"
    );
}

/// A multipart body as a browser sends the Word import form.
fn import_body(csrf: Option<&str>, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let boundary = "XBOUNDARYX";
    let mut body = Vec::new();
    let mut fields = vec![("section", "analysis"), ("lang", "en")];
    if let Some(t) = csrf {
        fields.insert(0, ("csrf", t));
    }
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

async fn post_import(c: &mut Client, body: Vec<u8>) -> Answer {
    let req = Request::post("/import")
        .header(header::HOST, HOST)
        .header(header::COOKIE, &c.cookie)
        .header(
            header::CONTENT_TYPE,
            "multipart/form-data; boundary=XBOUNDARYX",
        )
        .body(Body::from(body))
        .unwrap();
    c.send(req).await
}

fn notes_docx() -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../quire-import/tests/fixtures/docx/notes.docx"),
    )
    .unwrap()
}

/// Everything under the site root but the studio's own folder.
fn site_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.ends_with(".quire-studio") {
                continue;
            }
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn a_word_document_is_imported_as_a_draft_with_its_notes() {
    let mut c = Client::new().await;
    let page = c.get("/new").await;
    c.csrf = csrf_of(&page.text).unwrap();
    let doc = scraper::Html::parse_document(&page.text);
    let input =
        scraper::Selector::parse("form#import input#docx[type=file][accept='.docx']").unwrap();
    assert!(doc.select(&input).next().is_some(), "{}", page.text);
    assert!(
        page.text
            .contains("<label for=\"docx\">Word document</label>")
    );
    let csrf = c.csrf.clone();
    let answer = post_import(
        &mut c,
        import_body(Some(&csrf), "notes.docx", &notes_docx()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    let loc = answer
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(loc.starts_with("/edit?path=content%2Fanalysis%2F"), "{loc}");
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(loc.trim_start_matches("/edit?")).unwrap();
    let rel = query[0].1.clone();
    assert_eq!(rel, "content/analysis/a-footnote/index.md");
    let text = std::fs::read_to_string(c.root().join(&rel)).unwrap();
    assert!(text.contains("draft = true"), "{text}");
    assert!(text.contains("[^1]") && text.contains("[^2]"), "{text}");
    assert!(text.contains("[^1]: My note."), "{text}");
    // The editor opens with the importer's report, once.
    let editor = c.get(&loc).await;
    assert_eq!(editor.status, StatusCode::OK, "{}", editor.text);
    assert!(editor.text.contains("Imported from the Word document"));
    assert!(
        editor.text.contains("2 notes, 0 citations"),
        "{}",
        editor.text
    );
    assert!(
        !c.get(&loc)
            .await
            .text
            .contains("Imported from the Word document")
    );
    // The same document again goes into another folder.
    let again = post_import(
        &mut c,
        import_body(Some(&csrf), "notes.docx", &notes_docx()),
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    assert_ne!(again.headers.get(header::LOCATION).unwrap(), loc.as_str());
    assert!(
        site_files(c.root())
            .iter()
            .all(|p| !p.to_string_lossy().contains(".quire-import-"))
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_word_document_writes_nothing() {
    let mut c = Client::new().await;
    c.refresh_csrf("/new").await;
    let before = site_files(c.root());
    let csrf = c.csrf.clone();
    let answer = post_import(
        &mut c,
        import_body(Some(&csrf), "notes.docx", b"just some text, not a zip"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.text.contains("nothing was written") && answer.text.contains("not a .docx"),
        "{}",
        answer.text
    );
    let empty = post_import(&mut c, import_body(Some(&csrf), "empty.docx", b"")).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(site_files(c.root()), before);
}

#[tokio::test]
async fn importing_needs_the_csrf_token_and_is_not_for_translators() {
    let mut c = Client::with(add_accounts, "127.0.0.1:1112").await;
    assert_eq!(sign_in(&mut c, "tr").await.status, StatusCode::SEE_OTHER);
    c.refresh_csrf("/new").await;
    let before = site_files(c.root());
    let csrf = c.csrf.clone();
    let answer = post_import(
        &mut c,
        import_body(Some(&csrf), "notes.docx", &notes_docx()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(
        answer
            .text
            .contains("Translators work on translations only.")
    );
    // An author may import; without the token, nobody may.
    let mut au = Client {
        router: c.router.clone(),
        studio: Arc::clone(&c.studio),
        cookie: String::new(),
        csrf: String::new(),
        _dir: tempfile::tempdir().unwrap(),
    };
    assert_eq!(sign_in(&mut au, "au").await.status, StatusCode::SEE_OTHER);
    au.refresh_csrf("/new").await;
    for token in [None, Some("0000")] {
        let refused = post_import(&mut au, import_body(token, "notes.docx", &notes_docx())).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{token:?}");
    }
    assert_eq!(site_files(c.root()), before);
    let csrf = au.csrf.clone();
    let made = post_import(
        &mut au,
        import_body(Some(&csrf), "notes.docx", &notes_docx()),
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text);
    let loc = made
        .headers
        .get(header::LOCATION)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    // The author is among the authors, so they go on editing their draft.
    let editor = au.get(&loc).await;
    assert!(
        !editor
            .text
            .contains("Authors edit their own draft articles only."),
        "{}",
        editor.text
    );
}

/// A GET from `peer` with the proxy's user header set to `login`.
async fn get_via(c: &mut Client, uri: &str, peer: &str, login: &str) -> Answer {
    let mut req = Request::get(uri)
        .header(header::HOST, HOST)
        .header(header::COOKIE, &c.cookie)
        .header("X-Forwarded-User", login)
        .body(Body::empty())
        .unwrap();
    let peer: SocketAddr = peer.parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    c.send(req).await
}

#[tokio::test]
async fn a_trusted_proxy_header_signs_in_only_from_the_proxy() {
    let proxied = |root: &Path| {
        add_accounts(root);
        let path = root.join("studio-users.toml");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(
            "\n[studio]\nproxy_user_header = \"X-Forwarded-User\"\nproxy_addresses = [\"10.1.2.3\"]\n",
        );
        std::fs::write(&path, text).unwrap();
    };
    // A public address is allowed with the proxy configured and no
    // accounts at all.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), dir.path());
    std::fs::write(
        dir.path().join("studio-users.toml"),
        "[studio]\nproxy_user_header = \"X-Forwarded-User\"\nproxy_addresses = [\"10.1.2.3\"]\n",
    )
    .unwrap();
    let public: SocketAddr = "0.0.0.0:1112".parse().unwrap();
    let lonely = Studio::new(&StudioOptions::new(dir.path()), public).unwrap();
    assert!(lonely.needs_login());

    let mut c = Client::with(proxied, "0.0.0.0:1112").await;
    // From elsewhere the header is ignored: the sign-in page.
    let away = get_via(&mut c, "/", "10.9.9.9:5000", "ed").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(away.headers[header::LOCATION], "/login");
    // From the proxy, the account named is signed in, with its role.
    let home = get_via(&mut c, "/", "10.1.2.3:5000", "tr").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.text);
    let doc = scraper::Html::parse_document(&home.text);
    let who = scraper::Selector::parse(".who").unwrap();
    let text: String = doc.select(&who).flat_map(|e| e.text()).collect();
    assert!(text.contains("translator"), "{text}");
    // A translator still cannot publish: the role is the account's.
    let page = get_via(
        &mut c,
        &edit("content/analysis/amu-darya-water/index.md"),
        "10.1.2.3:5000",
        "tr",
    )
    .await;
    assert!(!page.text.contains("value=\"publish\""));
    // A login that is no account (and no default role) is not let in.
    let nobody = get_via(&mut c, "/", "10.1.2.3:5000", "mallory").await;
    assert_eq!(nobody.status, StatusCode::SEE_OTHER);
}

const PORT_ORIGINAL: &str = "+++\ntitle = \"Grain by Sea\"\ndate = 2025-02-03\nauthors = [\"leyla-arslan\"]\n+++\n\n## Ports\n\nGrain leaves by sea.[^1]\n\n- first barge\n- second barge\n\nPrices rose by ten percent.\n\n[^1]: A harbour log.\n";

/// A new original in a copy of the example site, translated into Turkish
/// through the studio; returns the two paths.
async fn port_article(c: &mut Client) -> (String, String) {
    let rel = "content/analysis/grain-by-sea/index.md".to_string();
    std::fs::create_dir_all(c.root().join("content/analysis/grain-by-sea")).unwrap();
    std::fs::write(c.root().join(&rel), PORT_ORIGINAL).unwrap();
    c.studio.changed();
    c.refresh_csrf(&edit(&rel)).await;
    let answer = c
        .submit("/translate", &[("path", &rel), ("lang", "tr")])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    let tr = "content/analysis/grain-by-sea/index.tr.md".to_string();
    // The translator's work: the list's second item left out, one
    // paragraph more.
    let text = std::fs::read_to_string(c.root().join(&tr)).unwrap();
    let front = &text[..text.find("\n+++\n").unwrap() + 5];
    std::fs::write(
        c.root().join(&tr),
        format!("{front}\n## Limanlar\n\nTahıl denizden çıkar.[^1]\n\n- ilk mavna\n\nFiyatlar yüzde on arttı.\n\nÇevirmenin eki.\n\n[^1]: Bir liman kaydı.\n"),
    )
    .unwrap();
    c.studio.changed();
    (rel, tr)
}

/// The side-by-side table as (original cell, translation cell) texts.
fn side_by_side_rows(html: &str) -> Vec<(String, String, String)> {
    let doc = scraper::Html::parse_document(html);
    let row = scraper::Selector::parse("table.side-by-side tbody tr").unwrap();
    let cell = scraper::Selector::parse("td").unwrap();
    doc.select(&row)
        .map(|r| {
            let cells: Vec<String> = r
                .select(&cell)
                .map(|c| c.text().collect::<String>())
                .collect();
            (
                r.value().attr("class").unwrap_or("").to_string(),
                cells[0].clone(),
                cells[1].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn side_by_side_pairs_blocks_and_notes_and_marks_the_gaps() {
    let mut c = Client::new().await;
    let (rel, tr) = port_article(&mut c).await;
    let editor = c.get(&edit(&tr)).await.text;
    assert!(editor.contains(">Side by side</a>"), "{editor}");
    let page = c.get(&format!("/compare?path={}", urlencode(&tr))).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("up to date with the original"));
    let rows = side_by_side_rows(&page.text);
    let expect = [
        ("", "Heading 2## Ports", "Heading 2## Limanlar"),
        (
            "",
            "ParagraphGrain leaves by sea.[^1]",
            "ParagraphTahıl denizden çıkar.[^1]",
        ),
        ("", "List item- first barge", "List item- ilk mavna"),
        (
            "missing",
            "List item- second barge",
            "Missing in the translation",
        ),
        (
            "",
            "ParagraphPrices rose by ten percent.",
            "ParagraphFiyatlar yüzde on arttı.",
        ),
        ("extra", "Not in the original", "ParagraphÇevirmenin eki."),
        (
            "",
            "Note 1[^1]: A harbour log.",
            "Note 1[^1]: Bir liman kaydı.",
        ),
    ];
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect();
    assert_eq!(got, expect);
    // An original has nothing to compare with.
    let page = c.get(&format!("/compare?path={}", urlencode(&rel))).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
}

/// The `<del>` and `<ins>` words of the page's list of changes.
fn changed_words(html: &str) -> (Vec<String>, Vec<String>) {
    let doc = scraper::Html::parse_document(html);
    let words = |sel: &str| -> Vec<String> {
        let s = scraper::Selector::parse(sel).unwrap();
        doc.select(&s).map(|e| e.text().collect()).collect()
    };
    (words(".stale-changes del"), words(".stale-changes ins"))
}

#[tokio::test]
async fn a_stale_translation_shows_what_changed_from_the_kept_copy() {
    let mut c = Client::new().await;
    let (rel, tr) = port_article(&mut c).await;
    std::fs::write(
        c.root().join(&rel),
        PORT_ORIGINAL.replace("ten percent", "twelve percent"),
    )
    .unwrap();
    c.studio.changed();
    let page = c
        .get(&format!("/compare?path={}", urlencode(&tr)))
        .await
        .text;
    assert!(
        page.contains("copy of the original the studio kept"),
        "{page}"
    );
    assert_eq!(
        changed_words(&page),
        (vec!["ten".to_string()], vec!["twelve".to_string()])
    );
    // Without the copy and without git, the page says it cannot tell.
    std::fs::remove_dir_all(c.root().join(".quire-studio/originals")).unwrap();
    let page = c
        .get(&format!("/compare?path={}", urlencode(&tr)))
        .await
        .text;
    assert!(page.contains("neither in the git history"), "{page}");
}

fn git(root: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&ok.stderr)
    );
}

#[tokio::test]
async fn a_stale_translation_shows_what_changed_from_git_history() {
    let mut c = Client::new().await;
    let root = c.root().to_path_buf();
    git(&root, &["init", "-q", "-b", "main"]);
    let (rel, tr) = port_article(&mut c).await;
    // Git history only: no copy kept.
    std::fs::remove_dir_all(root.join(".quire-studio/originals")).unwrap();
    git(&root, &["add", "-A"]);
    git(&root, &["commit", "-qm", "translated"]);
    std::fs::write(
        root.join(&rel),
        PORT_ORIGINAL.replace("Grain leaves by sea.", "Grain now leaves by rail and sea."),
    )
    .unwrap();
    git(&root, &["commit", "-qam", "original edited"]);
    std::fs::write(
        root.join(&rel),
        PORT_ORIGINAL
            .replace("Grain leaves by sea.", "Grain now leaves by rail and sea.")
            .replace("- second barge\n", "- second barge\n- third barge\n"),
    )
    .unwrap();
    c.studio.changed();
    let page = c
        .get(&format!("/compare?path={}", urlencode(&tr)))
        .await
        .text;
    assert!(page.contains("as committed in"), "{page}");
    let (removed, added) = changed_words(&page);
    assert!(removed.is_empty(), "{removed:?}");
    assert!(added.iter().any(|w| w.contains("now")), "{added:?}");
    assert!(added.iter().any(|w| w.contains("rail and")), "{added:?}");
    assert!(added.iter().any(|w| w.contains("third barge")), "{added:?}");
}

/// The accessible name of the control with `id`: the text of its label.
fn label_of(html: &str, id: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let s = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).unwrap();
    doc.select(&s).flat_map(|e| e.text()).collect()
}

#[tokio::test]
async fn a_cover_image_needs_its_alt_text_and_a_table_tool_is_there() {
    let mut c = Client::new().await;
    let rel = "content/analysis/arctic-research-cooperation/index.md";
    std::fs::write(
        c.root()
            .join("content/analysis/arctic-research-cooperation/ice.png"),
        b"\x89PNG\r\n\x1a\n",
    )
    .unwrap();
    let page = c.get(&edit(rel)).await.text;
    assert_eq!(
        label_of(&page, "f-image"),
        "Image (from the article's folder)"
    );
    assert_eq!(
        label_of(&page, "f-image-alt"),
        "Cover image alternative text (required with an image)"
    );
    assert_eq!(label_of(&page, "table-cols"), "Columns");
    assert_eq!(label_of(&page, "table-rows"), "Rows (below the header)");
    let doc = scraper::Html::parse_document(&page);
    let names = |sel: &str| -> Vec<String> {
        let s = scraper::Selector::parse(sel).unwrap();
        doc.select(&s).map(|e| e.text().collect()).collect()
    };
    assert!(names("[role=toolbar] button").contains(&"Insert table".to_string()));
    assert!(names("fieldset.cover button").contains(&"Upload cover image".to_string()));
    assert_eq!(names("#f-image option"), ["No cover image", "ice.png"]);
    let original = std::fs::read_to_string(c.root().join(rel)).unwrap();

    // An image without its text is refused, and nothing is written.
    let mut fields = c.editor_fields(rel).await;
    set(&mut fields, "image", "ice.png");
    let refused = c.post("/save", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("needs its alternative text"));
    // A file that is not in the article's folder is refused too.
    set(&mut fields, "image_alt", "Sea ice off a research station");
    set(&mut fields, "image", "../../../quire.toml");
    assert_eq!(
        c.post("/save", &fields).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        std::fs::read_to_string(c.root().join(rel)).unwrap(),
        original
    );
    // With both, the front matter gets `image` and `extra.image_alt`.
    set(&mut fields, "image", "ice.png");
    assert_eq!(c.post("/save", &fields).await.status, StatusCode::SEE_OTHER);
    let saved = std::fs::read_to_string(c.root().join(rel)).unwrap();
    assert!(saved.contains("\nimage = \"ice.png\"\n"), "{saved}");
    assert!(
        saved.contains("[extra]\nimage_alt = \"Sea ice off a research station\"\n"),
        "{saved}"
    );
    let page = c.get(&edit(rel)).await.text;
    let doc = scraper::Html::parse_document(&page);
    let s = scraper::Selector::parse("#f-image option[selected]").unwrap();
    assert_eq!(
        doc.select(&s).next().unwrap().value().attr("value"),
        Some("ice.png")
    );
}

/// A studio with `--git` on a copy of the example site.
async fn git_client(prepare: impl FnOnce(&Path)) -> Client {
    custom_client(prepare, |o| o.git = true).await
}

/// A studio on loopback on a copy of the example site, with options set
/// by `configure`.
async fn custom_client(
    prepare: impl FnOnce(&Path),
    configure: impl FnOnce(&mut StudioOptions),
) -> Client {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&example(), dir.path());
    prepare(dir.path());
    let mut options = StudioOptions::new(dir.path());
    configure(&mut options);
    let studio = Studio::new(&options, HOST.parse().unwrap()).unwrap();
    let router = quire_studio::http::router(Arc::clone(&studio));
    let mut c = Client {
        router,
        studio,
        cookie: String::new(),
        csrf: String::new(),
        _dir: dir,
    };
    c.refresh_csrf("/login").await;
    c
}

fn git_out(root: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The text of the editor's error and notice.
fn editor_messages(html: &str) -> (String, String) {
    let doc = scraper::Html::parse_document(html);
    let get = |sel: &str| -> String {
        let s = scraper::Selector::parse(sel).unwrap();
        doc.select(&s).flat_map(|e| e.text()).collect()
    };
    (
        get("main p.error[role=alert]"),
        get("main p.notice[role=status]"),
    )
}

#[tokio::test]
async fn with_git_each_save_is_a_commit_and_publish_pushes() {
    let rel = "content/analysis/arctic-research-cooperation/index.md";
    // Not a repository: saved, and the editor says why nothing was committed.
    let mut c = git_client(|_| {}).await;
    let mut fields = c.editor_fields(rel).await;
    set(&mut fields, "title", "Arctic Science, Still Open");
    let saved = c.post("/save", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = c
        .get(saved.headers[header::LOCATION].to_str().unwrap())
        .await
        .text;
    let (error, _) = editor_messages(&page);
    assert!(error.contains("not a git repository"), "{error}");
    assert!(
        std::fs::read_to_string(c.root().join(rel))
            .unwrap()
            .contains("Still Open")
    );

    // A repository without a remote, and an account with an e-mail.
    let mut c = git_client(|root| {
        git(root, &["init", "-q", "-b", "main"]);
        git(root, &["add", "-A"]);
        git(root, &["commit", "-qm", "site"]);
        quire_studio::auth::add_user(
            root,
            "ayla",
            "a long enough password",
            quire_studio::Role::Editor,
            Some("Ayla Karaca"),
            Some("ayla@example.org"),
            None,
        )
        .unwrap();
    })
    .await;
    let root = c.root().to_path_buf();
    sign_in(&mut c, "ayla").await;
    let mut fields = c.editor_fields(rel).await;
    set(&mut fields, "title", "Arctic Science, Still Open");
    let saved = c.post("/save", &fields).await;
    let page = c
        .get(saved.headers[header::LOCATION].to_str().unwrap())
        .await
        .text;
    let (error, notice) = editor_messages(&page);
    assert!(error.is_empty(), "{error}");
    assert!(notice.contains("Committed as"), "{notice}");
    assert_eq!(
        git_out(&root, &["log", "-1", "--format=%an <%ae>"]),
        "Ayla Karaca <ayla@example.org>"
    );
    assert_eq!(
        git_out(&root, &["show", "--name-only", "--format=", "HEAD"]),
        rel
    );
    // Publish without a remote: committed here, the reason shown.
    let mut fields = c.editor_fields(rel).await;
    set(&mut fields, "action", "publish");
    set(
        &mut fields,
        "summary",
        "Data channels that survive a freeze.",
    );
    let published = c.post("/save", &fields).await;
    let page = c
        .get(published.headers[header::LOCATION].to_str().unwrap())
        .await
        .text;
    let (error, _) = editor_messages(&page);
    assert!(error.contains("no remote"), "{error}");
    let head = git_out(&root, &["rev-parse", "HEAD"]);
    assert!(git_out(&root, &["log", "-1", "--format=%s"]).starts_with("Publish "));
    // With a bare remote, Publish pushes.
    let remote = tempfile::tempdir().unwrap();
    git(remote.path(), &["init", "-q", "--bare", "-b", "main"]);
    git(
        &root,
        &["remote", "add", "origin", remote.path().to_str().unwrap()],
    );
    let mut fields = c.editor_fields(rel).await;
    set(&mut fields, "action", "publish");
    let published = c.post("/save", &fields).await;
    let page = c
        .get(published.headers[header::LOCATION].to_str().unwrap())
        .await
        .text;
    let (error, notice) = editor_messages(&page);
    assert!(error.is_empty(), "{error}");
    assert!(notice.contains("Pushed"), "{notice}");
    assert_eq!(git_out(remote.path(), &["rev-parse", "main"]), head);
}

/// A fake DOI resolver on loopback answering `answers` requests: BibTeX
/// for 10.5555/harbour when asked for it by content negotiation, 404
/// otherwise. Returns its address and the request lines it saw.
fn fake_doi_resolver(answers: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for _ in 0..answers {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            reader.read_line(&mut request).unwrap();
            let mut accept = String::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if line.to_ascii_lowercase().starts_with("accept:") {
                    accept = line.trim().to_string();
                }
            }
            let found = request.starts_with("GET /10.5555/harbour ")
                && accept.contains("application/x-bibtex");
            let (status, body) = if found {
                (
                    "200 OK",
                    "@article{Lind_2024, title={Harbour Cranes and Grain Queues}, author={Lind, Saga}, journal={Port Letters}, year={2024}}",
                )
            } else {
                ("404 Not Found", "DOI not found")
            };
            let mut stream = stream;
            write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/x-bibtex\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
            seen.push(format!("{} | {accept}", request.trim()));
        }
        seen
    });
    (addr, handle)
}

#[tokio::test]
async fn sources_are_added_from_bibtex_a_doi_or_a_web_page() {
    let (resolver, server) = fake_doi_resolver(2);
    let mut c = custom_client(|_| {}, |o| o.doi_resolver = resolver.clone()).await;
    let bib = c.root().join("bibliography/sources.bib");
    let before = std::fs::read_to_string(&bib).unwrap();
    c.refresh_csrf(&edit(
        "content/analysis/arctic-research-cooperation/index.md",
    ))
    .await;
    let page = c
        .get(&edit(
            "content/analysis/arctic-research-cooperation/index.md",
        ))
        .await
        .text;
    assert_eq!(
        label_of(&page, "src-bibtex"),
        "BibTeX (paste one or more entries)"
    );
    assert_eq!(label_of(&page, "src-doi"), "DOI");
    assert_eq!(label_of(&page, "src-url"), "Web page address");

    // Pasted BibTeX is appended; the rest of the file is untouched.
    let added = c
        .submit(
            "/api/bib/add",
            &[
                ("kind", "bibtex"),
                (
                    "bibtex",
                    "@book{quay2022, title = {Quays}, author = {Demir, Ece}, year = {2022}}",
                ),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text);
    let json: serde_json::Value = serde_json::from_str(&added.text).unwrap();
    assert_eq!(json["file"], "bibliography/sources.bib");
    assert_eq!(json["entries"][0]["key"], "quay2022");
    assert_eq!(json["entries"][0]["year"], "2022");
    let after = std::fs::read_to_string(&bib).unwrap();
    assert!(after.starts_with(&before), "the old text changed");
    // The picker finds it at once.
    let found = c.get("/api/bib?q=quays").await.text;
    assert!(found.contains("quay2022"), "{found}");
    // A key the site has is refused, and so is text that is not BibTeX.
    let dup = c
        .submit(
            "/api/bib/add",
            &[
                ("kind", "bibtex"),
                ("bibtex", "@book{karimova2021, title = {Again}}"),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        dup.text.contains("already has karimova2021"),
        "{}",
        dup.text
    );
    let bad = c
        .submit(
            "/api/bib/add",
            &[
                ("kind", "bibtex"),
                ("bibtex", "@book{open, title = {No end}"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(std::fs::read_to_string(&bib).unwrap(), after);

    // A DOI: fetched by content negotiation from the resolver.
    let doi = c
        .submit(
            "/api/bib/add",
            &[("kind", "doi"), ("doi", "https://doi.org/10.5555/harbour")],
        )
        .await;
    assert_eq!(doi.status, StatusCode::OK, "{}", doi.text);
    assert!(doi.text.contains("Lind_2024"));
    let missing = c
        .submit(
            "/api/bib/add",
            &[("kind", "doi"), ("doi", "10.5555/nothing")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_GATEWAY);
    assert!(
        missing.text.contains("no DOI 10.5555/nothing"),
        "{}",
        missing.text
    );
    let seen = server.join().unwrap();
    assert!(
        seen[0].starts_with("GET /10.5555/harbour HTTP/1.1 | "),
        "{seen:?}"
    );
    assert!(
        seen[0]
            .to_ascii_lowercase()
            .contains("application/x-bibtex"),
        "{seen:?}"
    );

    // A web page: an @online entry with the access date.
    let web = c
        .submit(
            "/api/bib/add",
            &[
                ("kind", "web"),
                ("url", "https://example.org/queues"),
                ("title", "Grain Queue Tracker"),
            ],
        )
        .await;
    assert_eq!(web.status, StatusCode::OK, "{}", web.text);
    let text = std::fs::read_to_string(&bib).unwrap();
    assert!(text.contains("@online{grainqueuetracker"), "{text}");
    assert!(text.contains("url     = {https://example.org/queues}"));
    assert!(text.contains("urldate = {"));
    // The site still builds its bibliography: quire check reads it.
    assert!(quire_cite::Bibliography::parse("bibliography/sources.bib", &text).is_ok());
}

#[tokio::test]
async fn an_unreachable_doi_resolver_is_a_plain_error() {
    // A port nothing listens on: bound, then closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut c = custom_client(
        |_| {},
        |o| o.doi_resolver = format!("http://127.0.0.1:{port}"),
    )
    .await;
    c.refresh_csrf("/new").await;
    let bib = c.root().join("bibliography/sources.bib");
    let before = std::fs::read_to_string(&bib).unwrap();
    let offline = c
        .submit(
            "/api/bib/add",
            &[("kind", "doi"), ("doi", "10.5555/harbour")],
        )
        .await;
    assert_eq!(offline.status, StatusCode::BAD_GATEWAY);
    assert!(
        offline.text.contains("cannot reach the DOI resolver"),
        "{}",
        offline.text
    );
    assert_eq!(std::fs::read_to_string(&bib).unwrap(), before);
}

/// Every version of an index as (path, title, status, authors, url).
fn versions(
    index: &quire_studio::SiteIndex,
) -> Vec<(String, String, &'static str, Vec<String>, String)> {
    let mut out: Vec<_> = index
        .rows
        .iter()
        .flat_map(|r| r.versions.iter().flatten())
        .map(|v| {
            (
                v.path.clone(),
                v.title.clone(),
                v.status.key(),
                v.authors.clone(),
                v.url.clone(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn one_saved_file_is_patched_into_the_index_as_a_full_reload_would_read_it() {
    let mut c = Client::new().await;
    let (rel, tr) = port_article(&mut c).await;
    let root = c.root().to_path_buf();
    // The translation published.
    let text = std::fs::read_to_string(root.join(&tr)).unwrap();
    std::fs::write(root.join(&tr), text.replace("draft = true\n", "")).unwrap();
    let before = quire_studio::index::load(&root, &quire_site::parse::ParseCache::new()).unwrap();
    let status = |i: &quire_studio::SiteIndex, p: &str| i.find(p).map(|(r, c)| r.status(c).key());
    assert_eq!(status(&before, &tr), Some("published"));
    // The original's title and body change: the translation goes stale.
    let edited = PORT_ORIGINAL
        .replace("Grain by Sea", "Grain by Sea and Rail")
        .replace("ten percent", "twelve percent");
    std::fs::write(root.join(&rel), &edited).unwrap();
    let patched = quire_studio::index::patch(&before, &root, &rel, &edited).unwrap();
    let full = quire_studio::index::load(&root, &quire_site::parse::ParseCache::new()).unwrap();
    assert_eq!(status(&patched, &tr), Some("stale"));
    assert_eq!(versions(&patched), versions(&full));
    // A new slug changes the address: not patched, read again instead.
    let slugged = edited.replace("+++\n\n", "slug = \"sea-grain\"\n+++\n\n");
    assert!(quire_studio::index::patch(&full, &root, &rel, &slugged).is_none());

    // With the background indexer, a save shows on the dashboard at once.
    c.studio.start_indexer();
    let mut fields = c.editor_fields(&rel).await;
    set(&mut fields, "title", "Grain Leaves by Rail");
    assert_eq!(c.post("/save", &fields).await.status, StatusCode::SEE_OTHER);
    let home = c.get("/").await.text;
    assert!(
        home.contains("Grain Leaves by Rail"),
        "the dashboard lacks the save"
    );
}

#[tokio::test]
async fn a_body_edit_swapped_into_the_kept_site_previews_as_a_full_run_does() {
    let c = Client::new().await;
    let rel = "content/analysis/middle-corridor-freight/index.md";
    let text = std::fs::read_to_string(c.root().join(rel)).unwrap();
    let preview = |cache: &quire_studio::preview::PreviewCache, text: &str| {
        quire_studio::preview::render(c.root(), cache, &c.studio.preview_base, rel, text)
    };
    // The same previews as full runs, the ranking of similar posts kept
    // from the first as the studio keeps it.
    let full_runs = quire_studio::preview::PreviewCache::full_runs_only();
    let kept = quire_studio::preview::PreviewCache::default();
    let first = preview(&kept, &text);
    assert!(!first.html.is_empty());
    assert_eq!(first.html, preview(&full_runs, &text).html);
    assert_eq!(kept.swaps(), 0);
    // Body edits: a new paragraph with a note and a citation, a bad key, a
    // paragraph taken out.
    let split = text.find("\n+++\n").unwrap() + 5;
    let (front, body) = text.split_at(split);
    let edits = [
        format!(
            "{front}\nA fresh claim.[^77] As argued.[@osei2019, p. 3]\n{body}\n[^77]: A swapped note.\n"
        ),
        format!("{front}\nBad [@nosuchkey].\n{body}"),
        format!(
            "{front}{}",
            body.split_once("\n\n").map_or(body, |(_, rest)| rest)
        ),
    ];
    for (i, edited) in edits.iter().enumerate() {
        let swapped = preview(&kept, edited);
        assert_eq!(kept.swaps(), i as u64 + 1, "edit {i} was not swapped in");
        let full = preview(&full_runs, edited);
        assert_eq!(swapped.html, full.html, "edit {i}");
        assert_eq!(swapped.url, full.url);
        let show =
            |ds: &[quire_core::Diagnostic]| ds.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(
            show(&swapped.diagnostics),
            show(&full.diagnostics),
            "edit {i}"
        );
    }
    assert!(preview(&kept, &edits[0]).html.contains("A swapped note."));
    // A front matter edit needs the full run (the title is on the page).
    let retitled = edits[0].replacen("title = \"", "title = \"Retitled: ", 1);
    let full = preview(&kept, &retitled);
    assert_eq!(kept.swaps(), 4);
    assert!(full.html.contains("Retitled: "));
}
