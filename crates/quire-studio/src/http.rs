//! Routes: the pages, the form posts and the small JSON API the editor
//! script uses. A middleware in front of every route checks the Host
//! header (loopback: against DNS rebinding), finds or makes the session,
//! sends people without an account to the sign-in page, and refuses any
//! POST without the session's CSRF token. Handlers check roles.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use serde::Deserialize;

use crate::auth::{Role, Session, User, same_token};
use crate::form::{self, Form};
use crate::index::SiteIndex;
use crate::pages::{self, Chrome, EditorView, Filter, edit_href};
use crate::strings::Strings;
use crate::{Studio, paths, preview, store};

/// The session cookie's name.
pub const COOKIE: &str = "quire_studio";

/// Largest request body (image uploads).
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// What the middleware found out about a request.
#[derive(Clone)]
pub struct Ctx {
    /// The session.
    pub session: Session,
    /// UI strings.
    pub t: Strings,
    /// The client's address.
    pub ip: String,
}

impl Ctx {
    fn chrome<'a>(&'a self, s: &Studio) -> Chrome<'a> {
        Chrome {
            t: self.t,
            user: self.session.user.as_ref(),
            csrf: &self.session.csrf,
            accounts: s.needs_login(),
        }
    }

    fn user(&self) -> &User {
        // The middleware lets no request without a user past, except to
        // the sign-in page, which does not call this.
        static NOBODY: std::sync::OnceLock<User> = std::sync::OnceLock::new();
        self.session.user.as_ref().unwrap_or_else(|| {
            NOBODY.get_or_init(|| User {
                role: Role::Translator,
                login: String::new(),
                name: String::new(),
                email: String::new(),
                author: None,
            })
        })
    }
}

/// The studio's router.
pub fn router(studio: Arc<Studio>) -> Router {
    Router::new()
        .route("/", get(dashboard))
        .route("/ui", get(set_ui))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/new", get(new_page).post(new_article))
        .route("/import", post(import_docx))
        .route("/edit", get(edit))
        .route("/save", post(save))
        .route("/merge", post(merge))
        .route("/translate", post(translate))
        .route("/compare", get(compare))
        .route("/autosave/discard", post(discard_autosave))
        .route("/api/autosave", post(autosave))
        .route("/api/preview", post(preview_api))
        .route("/api/bib", get(bib_api))
        .route("/api/bib/add", post(bib_add))
        .route("/api/articles", get(articles_api))
        .route("/api/upload", post(upload))
        .route("/static/{file}", get(static_file))
        .route("/site/{*rest}", get(site_file))
        .route("/bundle/{*rest}", get(bundle_file))
        .layer(middleware::from_fn_with_state(Arc::clone(&studio), guard))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(studio)
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn session_cookie(s: &Studio, token: &str) -> String {
    let secure = if s.loopback { "" } else { "; Secure" };
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_string(),
    )
        .into_response()
}

async fn guard(State(s): State<Arc<Studio>>, mut req: Request, next: Next) -> Response {
    if s.loopback
        && let Some(host) = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
        && !s.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    {
        return plain(
            StatusCode::MISDIRECTED_REQUEST,
            "unknown Host: open the studio at the address it printed\n",
        );
    }
    let path = req.uri().path().to_string();
    if path.starts_with("/static/") {
        return next.run(req).await;
    }
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let mut known = cookie_value(req.headers(), COOKIE).and_then(|t| s.sessions.get(&t));
    let mut fresh = None;
    // Behind a trusted proxy its user header says who this is, on every
    // request (a session of someone else is not kept).
    if let Some(proxy) = &s.proxy
        && let Some(user) = proxy.user(
            &s.accounts,
            peer,
            req.headers()
                .get(proxy.header.as_str())
                .and_then(|v| v.to_str().ok()),
        )
        && known
            .as_ref()
            .and_then(|k| k.user.as_ref())
            .map(|u| &u.login)
            != user.as_ref().map(|u| &u.login)
    {
        let ui = known.as_ref().and_then(|k| k.ui.clone());
        if let Some(k) = &known {
            s.sessions.remove(&k.token);
        }
        known = None;
        fresh = Some(s.sessions.create(user, ui));
    }
    let created = known.is_none();
    let session = known.or(fresh).unwrap_or_else(|| {
        let user = (!s.needs_login()).then(User::local);
        s.sessions.create(user, None)
    });
    let t = match &session.ui {
        Some(ui) => Strings::new(ui),
        None => Strings::negotiate(
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        ),
    };
    let ip = peer.map(|p| p.to_string()).unwrap_or_default();
    let is_post = req.method() == Method::POST;
    let mut response = 'answer: {
        if session.user.is_none() && path != "/login" && path != "/ui" {
            break 'answer if is_post {
                plain(StatusCode::FORBIDDEN, "sign in first\n")
            } else {
                Redirect::to("/login").into_response()
            };
        }
        if is_post {
            let header_token = req
                .headers()
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let ok = match header_token {
                Some(h) => same_token(&h, &session.csrf),
                None => {
                    let content_type = req
                        .headers()
                        .get(header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    let urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
                    let multipart = content_type.starts_with("multipart/form-data");
                    if multipart {
                        // A form with a file (the Word import) carries the
                        // token as its `csrf` field.
                        let (parts, body) = req.into_parts();
                        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
                            break 'answer plain(StatusCode::PAYLOAD_TOO_LARGE, "too large\n");
                        };
                        let probe = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
                        let ok = multipart_csrf(probe, &session.csrf).await;
                        req = Request::from_parts(parts, Body::from(bytes));
                        ok
                    } else if urlencoded {
                        let (parts, body) = req.into_parts();
                        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
                            break 'answer plain(StatusCode::PAYLOAD_TOO_LARGE, "too large\n");
                        };
                        let pairs: Vec<(String, String)> =
                            serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
                        let ok = pairs
                            .iter()
                            .any(|(k, v)| k == "csrf" && same_token(v, &session.csrf));
                        req = Request::from_parts(parts, Body::from(bytes));
                        ok
                    } else {
                        false
                    }
                }
            };
            if !ok {
                break 'answer plain(
                    StatusCode::FORBIDDEN,
                    "this form is out of date (missing or wrong CSRF token): reload the page and try again\n",
                );
            }
        }
        req.extensions_mut().insert(Ctx {
            session: session.clone(),
            t,
            ip,
        });
        next.run(req).await
    };
    if created && let Ok(v) = HeaderValue::from_str(&session_cookie(&s, &session.token)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    let h = response.headers_mut();
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("SAMEORIGIN"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// True when the multipart body of `req` has a `csrf` field equal to `csrf`.
async fn multipart_csrf(req: Request, csrf: &str) -> bool {
    use axum::extract::FromRequest;
    let Ok(mut multipart) = Multipart::from_request(req, &()).await else {
        return false;
    };
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("csrf") {
            return field.text().await.is_ok_and(|v| same_token(&v, csrf));
        }
    }
    false
}

/// Runs blocking work (index loads, previews, checks) off the executor.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .expect("blocking task panicked")
}

async fn load_index(s: &Arc<Studio>) -> Result<Arc<SiteIndex>, String> {
    let s = Arc::clone(s);
    blocking(move || s.index()).await
}

fn page(status: StatusCode, html: String) -> Response {
    (status, Html(html)).into_response()
}

fn refuse(s: &Studio, ctx: &Ctx, status: StatusCode, text: &str) -> Response {
    let title = if status == StatusCode::NOT_FOUND {
        ctx.t.get("not_found")
    } else {
        ctx.t.get("forbidden")
    };
    page(status, pages::message(&ctx.chrome(s), title, text))
}

/// The index, sure to know the content file `rel` when it exists.
async fn load_index_with(s: &Arc<Studio>, rel: &str) -> Result<Arc<SiteIndex>, String> {
    let (s, rel) = (Arc::clone(s), rel.to_string());
    blocking(move || s.index_with(&rel)).await
}

macro_rules! index_with_or_500 {
    ($s:expr, $ctx:expr, $rel:expr) => {
        match load_index_with(&$s, $rel).await {
            Ok(i) => i,
            Err(e) => return refuse(&$s, &$ctx, StatusCode::INTERNAL_SERVER_ERROR, &e),
        }
    };
}

macro_rules! index_or_500 {
    ($s:expr, $ctx:expr) => {
        match load_index(&$s).await {
            Ok(i) => i,
            Err(e) => return refuse(&$s, &$ctx, StatusCode::INTERNAL_SERVER_ERROR, &e),
        }
    };
}

async fn dashboard(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    Query(filter): Query<Filter>,
) -> Response {
    let index = index_or_500!(s, ctx);
    let check = s.check.lock().unwrap_or_else(|e| e.into_inner()).clone();
    page(
        StatusCode::OK,
        pages::dashboard(&ctx.chrome(&s), &index, &filter, &check),
    )
}

#[derive(Deserialize)]
struct UiQuery {
    lang: String,
}

async fn set_ui(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    Query(q): Query<UiQuery>,
) -> Response {
    s.sessions
        .set_ui(&ctx.session.token, Strings::new(&q.lang).lang);
    // Back where the person was, when that was a studio page.
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    Redirect::to(&back).into_response()
}

async fn login_page(State(s): State<Arc<Studio>>, Extension(ctx): Extension<Ctx>) -> Response {
    if !s.needs_login() {
        return Redirect::to("/").into_response();
    }
    page(StatusCode::OK, pages::login(&ctx.chrome(&s), None))
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
}

async fn login(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(f): axum::Form<LoginForm>,
) -> Response {
    if !s.needs_login() {
        return Redirect::to("/").into_response();
    }
    let keys = [format!("login:{}", f.login), format!("ip:{}", ctx.ip)];
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    if !s.rate.allowed(&keys) {
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            pages::login(&ctx.chrome(&s), Some(ctx.t.get("login_limited"))),
        );
    }
    let accounts = s.accounts.clone();
    let (login, password) = (f.login.clone(), f.password);
    let user = blocking(move || accounts.verify(&login, &password)).await;
    let Some(user) = user else {
        s.rate.failed(&keys);
        return page(
            StatusCode::UNAUTHORIZED,
            pages::login(&ctx.chrome(&s), Some(ctx.t.get("login_failed"))),
        );
    };
    s.rate.succeeded(&keys);
    // A new session on sign-in, so a token planted before cannot be used.
    s.sessions.remove(&ctx.session.token);
    let session = s.sessions.create(Some(user), ctx.session.ui.clone());
    let mut r = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&s, &session.token)) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

async fn logout(State(s): State<Arc<Studio>>, Extension(ctx): Extension<Ctx>) -> Response {
    s.sessions.remove(&ctx.session.token);
    let mut r = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{COOKIE}=; Path=/; Max-Age=0")) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

async fn new_page(State(s): State<Arc<Studio>>, Extension(ctx): Extension<Ctx>) -> Response {
    let index = index_or_500!(s, ctx);
    page(
        StatusCode::OK,
        pages::new_article(&ctx.chrome(&s), &index, None, None),
    )
}

#[derive(Deserialize)]
struct NewForm {
    title: String,
    section: String,
    lang: String,
}

async fn new_article(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(f): axum::Form<NewForm>,
) -> Response {
    let user = ctx.user().clone();
    if user.role == Role::Translator {
        return refuse(
            &s,
            &ctx,
            StatusCode::FORBIDDEN,
            ctx.t.get("translators_only"),
        );
    }
    let index = index_or_500!(s, ctx);
    let fail = |e: &str| {
        page(
            StatusCode::BAD_REQUEST,
            pages::new_article(&ctx.chrome(&s), &index, Some(e), None),
        )
    };
    let section = f.section.trim();
    if section.is_empty() || quire_core::slugify(section) != section {
        return fail("choose a section");
    }
    if index.language_index(&f.lang).is_none() {
        return fail("choose a language of the site");
    }
    if f.title.trim().is_empty() {
        return fail(ctx.t.get("new_title"));
    }
    let mut slug = quire_core::slugify(f.title.trim());
    if slug.is_empty() {
        slug = "article".into();
    }
    let name = if f.lang == index.default_language() {
        "index.md".to_string()
    } else {
        format!("index.{}.md", f.lang)
    };
    let mut n = 1;
    let rel = loop {
        let dir = if n == 1 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        };
        let rel = format!("content/{section}/{dir}/{name}");
        if !s.root.join(format!("content/{section}/{dir}")).exists() {
            break rel;
        }
        n += 1;
    };
    let file = match paths::content_file(&s.root, &rel) {
        Ok(f) => f,
        Err(e) => return fail(&e.0),
    };
    let mut doc = toml_edit::DocumentMut::new();
    doc["title"] = toml_edit::value(f.title.trim());
    let today = jiff::ZonedDateTime::now().date().to_string();
    if let Ok(d) = today.parse::<toml_edit::Datetime>() {
        doc["date"] = toml_edit::value(d);
    }
    let mut authors = toml_edit::Array::new();
    if let Some(a) = &user.author {
        authors.push(a.as_str());
    }
    doc["authors"] = toml_edit::value(authors);
    doc["draft"] = toml_edit::value(true);
    let text = format!("+++\n{doc}+++\n\n");
    if let Err(e) = store::write_atomic(&file, text.as_bytes()) {
        return fail(&format!("cannot write {rel}: {e}"));
    }
    s.changed();
    Redirect::to(&edit_href(&rel)).into_response()
}

/// Imports one Word document at a time (the importer stages its files in
/// a folder named after the article inside the site).
static IMPORTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A Word document dropped on "New article": converted by quire-import,
/// always as a draft, into a new bundle of `section`; nothing is written
/// when the document cannot be read.
async fn import_docx(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    mut multipart: Multipart,
) -> Response {
    let user = ctx.user().clone();
    if user.role == Role::Translator {
        return refuse(
            &s,
            &ctx,
            StatusCode::FORBIDDEN,
            ctx.t.get("translators_only"),
        );
    }
    let (mut section, mut lang) = (String::new(), String::new());
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(part)) = multipart.next_field().await {
        let name = part.name().unwrap_or("").to_string();
        let filename = part.file_name().map(str::to_string);
        let Ok(bytes) = part.bytes().await else {
            return plain(StatusCode::BAD_REQUEST, "the upload was cut short\n");
        };
        match name.as_str() {
            "section" => section = String::from_utf8_lossy(&bytes).trim().to_string(),
            "lang" => lang = String::from_utf8_lossy(&bytes).trim().to_string(),
            "file" => file = Some((filename.unwrap_or_default(), bytes.to_vec())),
            _ => {}
        }
    }
    let index = index_or_500!(s, ctx);
    let t = ctx.t;
    let fail = |status: StatusCode, e: &str| {
        page(
            status,
            pages::new_article(&ctx.chrome(&s), &index, None, Some(e)),
        )
    };
    if section.is_empty() || quire_core::slugify(&section) != section {
        return fail(StatusCode::BAD_REQUEST, "choose a section");
    }
    if index.language_index(&lang).is_none() {
        return fail(StatusCode::BAD_REQUEST, "choose a language of the site");
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return fail(StatusCode::BAD_REQUEST, t.get("import_choose_file"));
    };
    let root = s.root.clone();
    let author = (user.role == Role::Author)
        .then(|| user.author.clone())
        .flatten();
    let done = blocking(move || {
        let _one = IMPORTING.lock().unwrap_or_else(|e| e.into_inner());
        import_into(&root, &section, &lang, &filename, bytes, author.as_deref())
    })
    .await;
    let report = match done {
        Ok(r) => r,
        Err(e) => {
            let status = match e {
                quire_import::docx::DocxError::Io { .. } => StatusCode::INTERNAL_SERVER_ERROR,
                _ if e.is_usage() => StatusCode::BAD_REQUEST,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return fail(
                status,
                &t.fill("import_failed", &[("error", &e.to_string())]),
            );
        }
    };
    s.changed();
    s.sessions
        .set_flash(&ctx.session.token, &report.page, import_flash(t, &report));
    Redirect::to(&edit_href(&report.page)).into_response()
}

/// Converts the document and writes it as a draft into a free folder of
/// `content/<section>/`; `author` (an author's own id) is added to the
/// article's authors so that they may go on editing it.
fn import_into(
    root: &std::path::Path,
    section: &str,
    lang: &str,
    file_name: &str,
    bytes: Vec<u8>,
    author: Option<&str>,
) -> Result<quire_import::docx::DocxReport, quire_import::docx::DocxError> {
    use quire_import::docx::{self, DocxError};
    let mut options = docx::DocxOptions::new(root);
    options.section = section.to_string();
    options.lang = Some(lang.to_string());
    options.draft = true;
    let site = docx::SiteInfo::load(root)?;
    let mut article = docx::convert_docx(bytes, file_name, &options, &site)?;
    // A folder name no article has yet, checked to stay inside the site.
    let base = article.slug.clone();
    let mut n = 1;
    loop {
        let dir = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        let rel = format!("content/{section}/{dir}/{}", article.file_name);
        let file = paths::content_file(root, &rel).map_err(|e| DocxError::Usage(e.0))?;
        if !file.parent().is_some_and(|p| p.exists()) {
            article.slug = dir;
            break;
        }
        n += 1;
    }
    if !article.bibliography.is_empty() {
        paths::resolve(root, "bibliography/imported.json").map_err(|e| DocxError::Usage(e.0))?;
    }
    if let Some(id) = author
        && !article.report.authors.iter().any(|a| a == id)
    {
        article.report.authors.push(id.to_string());
        let list: Vec<String> = article
            .report
            .authors
            .iter()
            .map(|a| toml::Value::String(a.clone()).to_string())
            .collect();
        let front_end = article.page.find("\n+++\n").unwrap_or(0);
        if let Some(at) = article.page[..front_end].find("\nauthors = [") {
            let line_end = article.page[at + 1..]
                .find('\n')
                .map_or(article.page.len(), |i| at + 1 + i);
            article.page.replace_range(
                at + 1..line_end,
                &format!("authors = [{}]", list.join(", ")),
            );
        }
    }
    docx::write_article(root, section, &article, &options, &site)
}

/// The report of an import in the UI language, with the importer's own
/// words for what to check.
fn import_flash(t: Strings, r: &quire_import::docx::DocxReport) -> crate::auth::Flash {
    let n = |v: usize| v.to_string();
    let b = &r.body;
    let mut lines = vec![t.fill(
        "import_counts",
        &[
            ("headings", &n(b.headings)),
            ("paragraphs", &n(b.paragraphs)),
            ("tables", &n(b.pipe_tables + b.html_tables)),
            ("images", &n(r.images_written)),
        ],
    )];
    lines.push(t.fill(
        "import_notes",
        &[
            ("notes", &n(b.footnotes + b.endnotes)),
            ("citations", &n(b.citations)),
            ("added", &n(r.bibliography_added.len())),
        ],
    ));
    if r.insertions + r.deletions + r.comments > 0 {
        lines.push(t.fill(
            "import_revisions",
            &[
                ("insertions", &n(r.insertions)),
                ("deletions", &n(r.deletions)),
                ("comments", &n(r.comments)),
            ],
        ));
    }
    lines.push(t.get("import_draft").to_string());
    let mut warnings: Vec<String> = r
        .unmatched_authors
        .iter()
        .map(|a| t.fill("import_unmatched", &[("name", a)]))
        .collect();
    warnings.extend(
        r.unsupported
            .iter()
            .map(|u| format!("{} at {}: {}", u.kind, u.position, u.outcome)),
    );
    warnings.extend(r.warnings.iter().cloned());
    crate::auth::Flash {
        lines,
        warnings,
        full: r.to_string(),
    }
}

#[derive(Deserialize)]
struct EditQuery {
    path: String,
    #[serde(default)]
    restore: Option<String>,
    #[serde(default)]
    done: Option<String>,
}

/// What `user` may do with the file at `path` whose front matter is
/// `front`: `Err` with the reason when they may not change it.
fn may_change(
    user: &User,
    index: &SiteIndex,
    path: &str,
    front: &Form,
    t: Strings,
) -> Result<(), String> {
    match user.role {
        Role::Editor => Ok(()),
        Role::Translator => {
            let original = index.find(path).is_none_or(|(_, col)| {
                col == index.language_index(index.default_language()).unwrap_or(0)
            });
            if original {
                Err(t.get("translators_only").into())
            } else if !front.draft {
                Err(t.get("only_editors_publish").into())
            } else {
                Ok(())
            }
        }
        Role::Author => {
            let own = user
                .author
                .as_ref()
                .is_some_and(|a| front.authors.contains(a));
            if own && front.draft {
                Ok(())
            } else {
                Err(t.get("authors_own").into())
            }
        }
    }
}

/// The image files of the article's folder, sorted.
fn bundle_images(root: &std::path::Path, path: &str) -> Vec<String> {
    let Some(dir) = bundle_of(path) else {
        return Vec::new();
    };
    let Ok(dir) = paths::resolve(root, &dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            n.rsplit_once('.')
                .is_some_and(|(_, ext)| IMAGE_TYPES.contains(&ext.to_ascii_lowercase().as_str()))
        })
        .collect();
    out.sort();
    out
}

/// Why the cover image fields cannot be saved: no alternative text, or a
/// file that is not in the article's folder.
fn cover_problem(
    root: &std::path::Path,
    path: &str,
    before: &Form,
    after: &Form,
    t: Strings,
) -> Option<String> {
    if after.image.is_empty() {
        return None;
    }
    if after.image_alt.trim().is_empty() {
        return Some(t.get("cover_alt_required").into());
    }
    if after.image != before.image && !bundle_images(root, path).contains(&after.image) {
        return Some(t.get("cover_not_found").into());
    }
    None
}

/// The bundle folder of a content file named `index…md`.
fn bundle_of(path: &str) -> Option<String> {
    let (dir, name) = path.rsplit_once('/')?;
    (name.starts_with("index.") && dir.matches('/').count() >= 1).then(|| dir.to_string())
}

async fn edit(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<EditQuery>,
) -> Response {
    let file = match paths::content_file(&s.root, &q.path) {
        Ok(f) => f,
        Err(e) => return refuse(&s, &ctx, StatusCode::BAD_REQUEST, &e.0),
    };
    let Ok(bytes) = std::fs::read(&file) else {
        return refuse(&s, &ctx, StatusCode::NOT_FOUND, &q.path);
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return refuse(
            &s,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            "this file is not UTF-8 text",
        );
    };
    let index = index_with_or_500!(s, ctx, &q.path);
    let (mut form, _) = match form::read(&q.path, &text, &index.taxonomies) {
        Ok(f) => f,
        Err(e) => return refuse(&s, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    let mut base_hash = store::hash(text.as_bytes());
    let mut notice = match q.done.as_deref() {
        Some("saved") => Some(ctx.t.get("saved").to_string()),
        Some("published") => Some(ctx.t.get("published_done").to_string()),
        _ => None,
    };
    let mut error = None;
    if let Some((text, is_error)) = s.sessions.take_note(&ctx.session.token, &q.path) {
        if is_error {
            error = Some(text);
        } else {
            notice = Some(
                format!("{} {text}", notice.unwrap_or_default())
                    .trim()
                    .to_string(),
            );
        }
    }
    let mut offer = None;
    if let Some(saved) = store::load_autosave(&s.root, &q.path) {
        let autosaved = form::from_fields(&saved.fields, &index.taxonomies);
        if autosaved == form {
            store::drop_autosave(&s.root, &q.path);
        } else if q.restore.is_some() {
            form = autosaved;
            base_hash = saved.base_hash;
            notice = Some(ctx.t.get("restored").to_string());
        } else {
            offer = Some(saved.saved_at);
        }
    }
    let user = ctx.user();
    let default = index.default_language().to_string();
    let default_col = index.language_index(&default).unwrap_or(0);
    let found = index.find(&q.path);
    let mut translate_to = Vec::new();
    let mut original = None;
    let mut address = String::new();
    if let Some((row, col)) = found {
        if let Some(v) = &row.versions[col] {
            address = format!("{}{}", index.site_url, v.url);
        }
        if col == default_col && matches!(user.role, Role::Editor | Role::Translator) {
            translate_to = index
                .languages
                .iter()
                .enumerate()
                .filter(|(i, _)| row.versions[*i].is_none())
                .map(|(_, l)| l.clone())
                .collect();
        }
        if col != default_col
            && let Some(o) = &row.versions[default_col]
            && let Ok(otext) = std::fs::read_to_string(s.root.join(&o.path))
            && let Ok((oform, _)) = form::read(&o.path, &otext, &index.taxonomies)
        {
            original = Some((index.languages[default_col].1.clone(), oform.body));
        }
    }
    let view = EditorView {
        path: &q.path,
        base_hash: &base_hash,
        form: &form,
        address,
        translate_to,
        original,
        notice,
        error: may_change(user, &index, &q.path, &form, ctx.t)
            .err()
            .or(error),
        autosave: offer,
        can_publish: user.can_publish(),
        can_set_draft: user.can_publish(),
        bundle: bundle_of(&q.path),
        imported: s.sessions.take_flash(&ctx.session.token, &q.path),
        images: bundle_images(&s.root, &q.path),
    };
    page(
        StatusCode::OK,
        pages::editor(&ctx.chrome(&s), &index, &view),
    )
}

fn field<'a>(fields: &'a [(String, String)], key: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// Reads a content file as text, with its hash.
fn read_content(
    s: &Studio,
    rel: &str,
) -> Result<(std::path::PathBuf, String), (StatusCode, String)> {
    let file = paths::content_file(&s.root, rel).map_err(|e| (StatusCode::BAD_REQUEST, e.0))?;
    let bytes = std::fs::read(&file)
        .map_err(|_| (StatusCode::NOT_FOUND, format!("{rel} does not exist")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{rel} is not UTF-8 text"),
        )
    })?;
    Ok((file, text))
}

async fn save(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let rel = field(&fields, "path").to_string();
    let (file, current) = match read_content(&s, &rel) {
        Ok(x) => x,
        Err((status, e)) => return refuse(&s, &ctx, status, &e),
    };
    let index = index_with_or_500!(s, ctx, &rel);
    let before = match form::read(&rel, &current, &index.taxonomies) {
        Ok((f, _)) => f,
        Err(e) => return refuse(&s, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    let mut after = form::from_fields(&fields, &index.taxonomies);
    let user = ctx.user();
    let publish = field(&fields, "action") == "publish";
    if publish && !user.can_publish() {
        return refuse(
            &s,
            &ctx,
            StatusCode::FORBIDDEN,
            ctx.t.get("only_editors_publish"),
        );
    }
    if let Err(e) = may_change(user, &index, &rel, &before, ctx.t) {
        return refuse(&s, &ctx, StatusCode::FORBIDDEN, &e);
    }
    if !user.can_publish() {
        after.draft = true;
    }
    if publish {
        after.draft = false;
    }
    if let Some(problem) = cover_problem(&s.root, &rel, &before, &after, ctx.t) {
        return refuse(&s, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &problem);
    }
    let new_text = match form::write(&rel, &current, &after, &index.taxonomies) {
        Ok(t) => t,
        Err(e) => return refuse(&s, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    let disk_hash = store::hash(current.as_bytes());
    if disk_hash != field(&fields, "base_hash") {
        return page(
            StatusCode::CONFLICT,
            pages::conflict(&ctx.chrome(&s), &rel, &disk_hash, &new_text, &current),
        );
    }
    if new_text != current
        && let Err(e) = store::write_atomic(&file, new_text.as_bytes())
    {
        return refuse(
            &s,
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot write {rel}: {e}"),
        );
    }
    store::drop_autosave(&s.root, &rel);
    s.saved(&rel);
    let done = if publish { "published" } else { "saved" };
    if s.git {
        record_in_git(&s, &ctx, &rel, &after.title, publish).await;
    }
    Redirect::to(&format!("{}&done={done}", edit_href(&rel))).into_response()
}

/// `--git`: commits the saved article (its folder, with the images
/// uploaded into it, for a bundle) as the person signed in, and pushes when
/// it was published; what happened is shown once on the editor, failures
/// in plain words (the file is already saved either way).
async fn record_in_git(s: &Arc<Studio>, ctx: &Ctx, rel: &str, title: &str, publish: bool) {
    let t = ctx.t;
    let root = s.root.clone();
    let user = ctx.user().clone();
    let what = bundle_of(rel).unwrap_or_else(|| rel.to_string());
    let verb = if publish { "Publish" } else { "Save" };
    let label = if title.trim().is_empty() {
        rel
    } else {
        title.trim()
    };
    let message = format!("{verb} {label} ({rel}) in quire studio");
    let outcome = blocking(move || {
        let commit = crate::git::commit(&root, &[what.as_str()], &user, &message)?;
        if publish {
            crate::git::push(&root)?;
        }
        Ok::<_, crate::git::GitError>(commit)
    })
    .await;
    let (text, error) = match outcome {
        Ok(crate::git::Committed::Commit(hash)) if publish => {
            (t.fill("git_published", &[("commit", &hash)]), false)
        }
        Ok(crate::git::Committed::Commit(hash)) => {
            (t.fill("git_committed", &[("commit", &hash)]), false)
        }
        Ok(crate::git::Committed::Unchanged) if publish => (t.get("git_pushed").to_string(), false),
        Ok(crate::git::Committed::Unchanged) => (t.get("git_unchanged").to_string(), false),
        Err(e) => (t.fill("git_failed", &[("error", &e.to_string())]), true),
    };
    s.sessions.set_note(&ctx.session.token, rel, text, error);
}

#[derive(Deserialize)]
struct MergeForm {
    path: String,
    base_hash: String,
    text: String,
}

async fn merge(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(f): axum::Form<MergeForm>,
) -> Response {
    let (file, current) = match read_content(&s, &f.path) {
        Ok(x) => x,
        Err((status, e)) => return refuse(&s, &ctx, status, &e),
    };
    let index = index_with_or_500!(s, ctx, &f.path);
    let mut text = f.text.replace("\r\n", "\n");
    if current.contains("\r\n") {
        text = text.replace('\n', "\r\n");
    }
    let user = ctx.user();
    let before = form::read(&f.path, &current, &index.taxonomies).map(|(f, _)| f);
    let merged = form::read(&f.path, &text, &index.taxonomies).map(|(f, _)| f);
    let (before, merged) = match (before, merged) {
        (Ok(b), Ok(m)) => (b, m),
        (_, Err(e)) | (Err(e), _) => return refuse(&s, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    if let Err(e) = may_change(user, &index, &f.path, &before, ctx.t) {
        return refuse(&s, &ctx, StatusCode::FORBIDDEN, &e);
    }
    if !user.can_publish() && !merged.draft {
        return refuse(
            &s,
            &ctx,
            StatusCode::FORBIDDEN,
            ctx.t.get("only_editors_publish"),
        );
    }
    let disk_hash = store::hash(current.as_bytes());
    if disk_hash != f.base_hash {
        return page(
            StatusCode::CONFLICT,
            pages::conflict(&ctx.chrome(&s), &f.path, &disk_hash, &text, &current),
        );
    }
    if let Err(e) = store::write_atomic(&file, text.as_bytes()) {
        return refuse(
            &s,
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot write: {e}"),
        );
    }
    store::drop_autosave(&s.root, &f.path);
    s.saved(&f.path);
    if s.git {
        record_in_git(&s, &ctx, &f.path, &merged.title, false).await;
    }
    Redirect::to(&format!("{}&done=saved", edit_href(&f.path))).into_response()
}

#[derive(Deserialize)]
struct TranslateForm {
    path: String,
    lang: String,
}

/// The path of the `lang` version beside the original at `path`.
pub fn translation_path(path: &str, lang: &str) -> Option<String> {
    let (dir, name) = path.rsplit_once('/')?;
    let stem = name.strip_suffix(".md")?;
    // `index.en.md` → `index`; `index.md` → `index`.
    let base = match stem.rsplit_once('.') {
        Some((b, l)) if quire_site::config::is_language_code(l) => b,
        _ => stem,
    };
    Some(format!("{dir}/{base}.{lang}.md"))
}

async fn translate(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(f): axum::Form<TranslateForm>,
) -> Response {
    let user = ctx.user();
    if user.role == Role::Author {
        return refuse(&s, &ctx, StatusCode::FORBIDDEN, ctx.t.get("no_rights"));
    }
    let (_, text) = match read_content(&s, &f.path) {
        Ok(x) => x,
        Err((status, e)) => return refuse(&s, &ctx, status, &e),
    };
    let index = index_with_or_500!(s, ctx, &f.path);
    let Some(col) = index.language_index(&f.lang) else {
        return refuse(
            &s,
            &ctx,
            StatusCode::BAD_REQUEST,
            "not a language of the site",
        );
    };
    let Some((row, orig_col)) = index.find(&f.path) else {
        return refuse(
            &s,
            &ctx,
            StatusCode::BAD_REQUEST,
            "translate a published or draft article",
        );
    };
    if Some(orig_col) != index.language_index(index.default_language()) {
        return refuse(
            &s,
            &ctx,
            StatusCode::BAD_REQUEST,
            "translate from the original (default-language) version",
        );
    }
    if let Some(v) = &row.versions[col] {
        return Redirect::to(&edit_href(&v.path)).into_response();
    }
    let Some(target) = translation_path(&f.path, &f.lang) else {
        return refuse(
            &s,
            &ctx,
            StatusCode::BAD_REQUEST,
            "cannot name the translation",
        );
    };
    let file = match paths::content_file(&s.root, &target) {
        Ok(p) => p,
        Err(e) => return refuse(&s, &ctx, StatusCode::BAD_REQUEST, &e.0),
    };
    if file.exists() {
        return Redirect::to(&edit_href(&target)).into_response();
    }
    let body = match form::read(&f.path, &text, &index.taxonomies) {
        Ok((form, _)) => form.body,
        Err(e) => return refuse(&s, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    let fp = quire_check::fingerprint::fingerprint(&body).encode();
    let new_text =
        form::as_new_translation(&target, &text, &["slug", "aliases", "translated_from"])
            .and_then(|t| quire_check::translations::set_translated_from(&target, &t, &fp));
    let new_text = match new_text {
        Ok(t) => t,
        Err(e) => return refuse(&s, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    if let Err(e) = store::write_atomic(&file, new_text.as_bytes()) {
        return refuse(
            &s,
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot write: {e}"),
        );
    }
    // The original as translated, to show what changes in it later when
    // the site keeps no git history.
    if let Err(e) = crate::stale::keep_original(&s.root, &target, &text) {
        return refuse(
            &s,
            &ctx,
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot keep a copy of the original: {e}"),
        );
    }
    s.changed();
    Redirect::to(&edit_href(&target)).into_response()
}

#[derive(Deserialize)]
struct CompareQuery {
    path: String,
}

/// A translation beside its original, block by block, and what changed in
/// the original since it was translated.
async fn compare(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    Query(q): Query<CompareQuery>,
) -> Response {
    let (_, text) = match read_content(&s, &q.path) {
        Ok(x) => x,
        Err((status, e)) => return refuse(&s, &ctx, status, &e),
    };
    let index = index_with_or_500!(s, ctx, &q.path);
    let default_col = index.language_index(index.default_language()).unwrap_or(0);
    let Some((row, col)) = index.find(&q.path) else {
        return refuse(&s, &ctx, StatusCode::NOT_FOUND, &q.path);
    };
    let original = match &row.versions[default_col] {
        Some(o) if col != default_col => o.clone(),
        _ => {
            return refuse(
                &s,
                &ctx,
                StatusCode::BAD_REQUEST,
                ctx.t.get("compare_needs_translation"),
            );
        }
    };
    let (_, otext) = match read_content(&s, &original.path) {
        Ok(x) => x,
        Err((status, e)) => return refuse(&s, &ctx, status, &e),
    };
    let obody = crate::stale::body_of(&original.path, &otext).to_string();
    let tbody = crate::stale::body_of(&q.path, &text);
    let pairs = crate::align::align(&obody, tbody);
    let recorded = quire_site::frontmatter::split(&q.path, &text)
        .ok()
        .flatten()
        .and_then(|sp| quire_site::frontmatter::parse(&q.path, &text, &sp, &index.taxonomies).ok())
        .and_then(|f| f.translated_from)
        .and_then(|v| quire_check::fingerprint::Fingerprint::decode(&v));
    let stale = recorded
        .as_ref()
        .is_some_and(|r| r.body != quire_check::fingerprint::fingerprint(&obody).body);
    let changes = match recorded.filter(|_| stale) {
        Some(r) => {
            let (root, opath, tpath) = (s.root.clone(), original.path.clone(), q.path.clone());
            blocking(move || crate::stale::changes(&root, &opath, &tpath, &r, &obody)).await
        }
        None => None,
    };
    let title = row.versions[col]
        .as_ref()
        .map(|v| v.title.clone())
        .unwrap_or_default();
    let view = pages::SideBySide {
        path: &q.path,
        title: &title,
        original_path: &original.path,
        languages: (&index.languages[default_col].1, &index.languages[col].1),
        pairs: &pairs,
        stale,
        changes: changes.as_ref(),
    };
    page(StatusCode::OK, pages::side_by_side(&ctx.chrome(&s), &view))
}

#[derive(Deserialize)]
struct PathForm {
    path: String,
}

async fn discard_autosave(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    axum::Form(f): axum::Form<PathForm>,
) -> Response {
    if let Err(e) = paths::content_file(&s.root, &f.path) {
        return refuse(&s, &ctx, StatusCode::BAD_REQUEST, &e.0);
    }
    store::drop_autosave(&s.root, &f.path);
    Redirect::to(&edit_href(&f.path)).into_response()
}

async fn autosave(
    State(s): State<Arc<Studio>>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let rel = field(&fields, "path");
    match paths::content_file(&s.root, rel) {
        Ok(f) if f.is_file() => {}
        Ok(_) => return plain(StatusCode::NOT_FOUND, "no such file\n"),
        Err(e) => return plain(StatusCode::BAD_REQUEST, &e.0),
    }
    let kept: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k != "csrf" && k != "action")
        .cloned()
        .collect();
    let a = store::Autosave {
        base_hash: field(&fields, "base_hash").to_string(),
        saved_at: store::now(),
        fields: kept,
    };
    match store::save_autosave(&s.root, rel, &a) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => plain(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[derive(serde::Serialize)]
struct Finding {
    severity: &'static str,
    line: usize,
    col: usize,
    message: String,
}

#[derive(serde::Serialize)]
struct PreviewAnswer {
    html: String,
    url: String,
    /// Line of the file where the body starts (1-based).
    body_line: usize,
    diagnostics: Vec<Finding>,
}

async fn preview_api(
    State(s): State<Arc<Studio>>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    let rel = field(&fields, "path").to_string();
    let (_, current) = match read_content(&s, &rel) {
        Ok(x) => x,
        Err((status, e)) => return plain(status, &e),
    };
    let index = match load_index_with(&s, &rel).await {
        Ok(i) => i,
        Err(e) => return plain(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let after = form::from_fields(&fields, &index.taxonomies);
    let text = match form::write(&rel, &current, &after, &index.taxonomies) {
        Ok(t) => t,
        Err(e) => return plain(StatusCode::UNPROCESSABLE_ENTITY, &e),
    };
    let body_line = quire_site::frontmatter::split(&rel, &text)
        .ok()
        .flatten()
        .map(|sp| text[..sp.body_offset].matches('\n').count() + 1)
        .unwrap_or(1);
    let studio = Arc::clone(&s);
    let bundle = bundle_of(&rel);
    let answer = blocking(move || {
        preview::render(
            &studio.root,
            &studio.preview_cache,
            &studio.preview_base,
            &rel,
            &text,
        )
    })
    .await;
    let mut html = answer.html;
    // Relative image paths in the body resolve inside the article's folder.
    if let Some(dir) = bundle
        && let Some(at) = html.find("<head>")
    {
        html.insert_str(at + 6, &format!("<base href=\"/bundle/{dir}/\">"));
    }
    Json(PreviewAnswer {
        html,
        url: answer.url,
        body_line,
        diagnostics: answer
            .diagnostics
            .into_iter()
            .map(|d| Finding {
                severity: match d.severity {
                    quire_core::Severity::Error => "error",
                    quire_core::Severity::Warning => "warning",
                    quire_core::Severity::Info => "info",
                },
                line: d.line,
                col: d.col,
                message: d.message,
            })
            .collect(),
    })
    .into_response()
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn bib_api(State(s): State<Arc<Studio>>, Query(q): Query<SearchQuery>) -> Response {
    let index = match load_index(&s).await {
        Ok(i) => i,
        Err(e) => return plain(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let words: Vec<String> =
        q.q.to_lowercase()
            .split_whitespace()
            .map(str::to_string)
            .collect();
    let found: Vec<&crate::index::BibEntry> = index
        .bibliography
        .iter()
        .filter(|e| {
            let hay = format!("{} {} {} {}", e.key, e.author, e.title, e.year).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .take(30)
        .collect();
    Json(found).into_response()
}

/// One source added at a time (read, check keys, write).
static ADDING_SOURCE: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Adds a source to the site's bibliography: `kind` = `bibtex` (`bibtex`
/// field), `doi` (`doi`) or `web` (`url`, `title`). Answers the entries
/// added as JSON, or the reason in plain words.
async fn bib_add(
    State(s): State<Arc<Studio>>,
    axum::Form(fields): axum::Form<Vec<(String, String)>>,
) -> Response {
    use crate::sources::{self, NewSource};
    let source = match field(&fields, "kind") {
        "bibtex" => NewSource::Bibtex(field(&fields, "bibtex").to_string()),
        "doi" => match sources::normalize_doi(field(&fields, "doi")) {
            Ok(d) => NewSource::Doi(d),
            Err(e) => return plain(StatusCode::BAD_REQUEST, &e),
        },
        "web" => NewSource::Web {
            url: field(&fields, "url").to_string(),
            title: field(&fields, "title").to_string(),
        },
        _ => {
            return plain(
                StatusCode::BAD_REQUEST,
                "say which kind of source: bibtex, doi or web",
            );
        }
    };
    let index = match load_index(&s).await {
        Ok(i) => i,
        Err(e) => return plain(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let taken: std::collections::BTreeSet<String> =
        index.bibliography.iter().map(|e| e.key.clone()).collect();
    let (root, resolver) = (s.root.clone(), s.doi_resolver.clone());
    let today = jiff::ZonedDateTime::now().date().to_string();
    let result = blocking(move || {
        let bibtex = match source {
            NewSource::Bibtex(b) => b,
            NewSource::Doi(d) => {
                sources::fetch_doi(&resolver, &d).map_err(|e| (StatusCode::BAD_GATEWAY, e))?
            }
            NewSource::Web { url, title } => sources::web_entry(&url, &title, &today, &taken)
                .map_err(|e| (StatusCode::BAD_REQUEST, e))?,
        };
        let _one = ADDING_SOURCE.lock().unwrap_or_else(|e| e.into_inner());
        sources::append(&root, &bibtex, &taken).map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, e))
    })
    .await;
    match result {
        Ok(added) => {
            s.changed();
            Json(added).into_response()
        }
        Err((status, e)) => plain(status, &e),
    }
}

#[derive(serde::Serialize)]
struct ArticleHit {
    title: String,
    lang: String,
    path: String,
    link: String,
}

async fn articles_api(State(s): State<Arc<Studio>>, Query(q): Query<SearchQuery>) -> Response {
    let index = match load_index(&s).await {
        Ok(i) => i,
        Err(e) => return plain(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    let needle = q.q.to_lowercase();
    let mut hits = Vec::new();
    'rows: for row in &index.rows {
        for (i, v) in row.versions.iter().enumerate() {
            let Some(v) = v else { continue };
            if v.title.to_lowercase().contains(&needle) {
                hits.push(ArticleHit {
                    title: v.title.clone(),
                    lang: index.languages[i].0.clone(),
                    path: v.path.clone(),
                    link: format!("@/{}", v.path.trim_start_matches("content/")),
                });
                if hits.len() >= 30 {
                    break 'rows;
                }
            }
        }
    }
    Json(hits).into_response()
}

/// Image types accepted by the upload.
const IMAGE_TYPES: [&str; 6] = ["png", "jpg", "jpeg", "gif", "webp", "avif"];

async fn upload(
    State(s): State<Arc<Studio>>,
    Extension(ctx): Extension<Ctx>,
    mut multipart: Multipart,
) -> Response {
    let mut path = String::new();
    let mut alt = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(part)) = multipart.next_field().await {
        let name = part.name().unwrap_or("").to_string();
        let filename = part.file_name().map(str::to_string);
        let Ok(bytes) = part.bytes().await else {
            return plain(StatusCode::BAD_REQUEST, "the upload was cut short\n");
        };
        match name.as_str() {
            "path" => path = String::from_utf8_lossy(&bytes).into_owned(),
            "alt" => alt = String::from_utf8_lossy(&bytes).trim().to_string(),
            "file" => file = Some((filename.unwrap_or_default(), bytes.to_vec())),
            _ => {}
        }
    }
    let t = ctx.t;
    if alt.is_empty() {
        return plain(StatusCode::BAD_REQUEST, t.get("alt_text"));
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return plain(StatusCode::BAD_REQUEST, t.get("image_file"));
    };
    let (_, current) = match read_content(&s, &path) {
        Ok(x) => x,
        Err((status, e)) => return plain(status, &e),
    };
    let index = match load_index_with(&s, &path).await {
        Ok(i) => i,
        Err(e) => return plain(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    if let Ok((front, _)) = form::read(&path, &current, &index.taxonomies)
        && let Err(e) = may_change(ctx.user(), &index, &path, &front, t)
    {
        return plain(StatusCode::FORBIDDEN, &e);
    }
    let Some(dir) = bundle_of(&path) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "images go into an article's own folder; this article is a single file",
        );
    };
    let (stem, ext) = filename.rsplit_once('.').unwrap_or((&filename, ""));
    let ext = ext.to_ascii_lowercase();
    if !IMAGE_TYPES.contains(&ext.as_str()) {
        return plain(
            StatusCode::BAD_REQUEST,
            "upload a PNG, JPEG, GIF, WebP or AVIF image",
        );
    }
    let mut base = quire_core::slugify(stem);
    if base.is_empty() {
        base = "image".into();
    }
    let mut n = 1;
    let (rel, target) = loop {
        let name = if n == 1 {
            format!("{base}.{ext}")
        } else {
            format!("{base}-{n}.{ext}")
        };
        let rel = format!("{dir}/{name}");
        match paths::resolve(&s.root, &rel) {
            Ok(p) if !p.exists() => break (name, p),
            Ok(_) => n += 1,
            Err(e) => return plain(StatusCode::BAD_REQUEST, &e.0),
        }
    };
    if let Err(e) = store::write_atomic(&target, &bytes) {
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("cannot write: {e}"),
        );
    }
    s.changed();
    let alt = alt.replace(['[', ']', '\n', '\r'], " ");
    Json(serde_json::json!({ "file": rel, "markdown": format!("![{alt}]({rel})") })).into_response()
}

const EDITOR_JS: &[u8] = include_bytes!("../assets/editor.js");
const STUDIO_CSS: &[u8] = include_bytes!("../assets/studio.css");

async fn static_file(axum::extract::Path(file): axum::extract::Path<String>) -> Response {
    let (bytes, ty) = match file.as_str() {
        "editor.js" => (EDITOR_JS, "text/javascript; charset=utf-8"),
        "studio.css" => (STUDIO_CSS, "text/css; charset=utf-8"),
        _ => return plain(StatusCode::NOT_FOUND, "not found\n"),
    };
    (
        [
            (header::CONTENT_TYPE, ty),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        bytes,
    )
        .into_response()
}

fn file_response(path: &std::path::Path, name: &str) -> Response {
    match std::fs::read(path) {
        Ok(bytes) => (
            [(header::CONTENT_TYPE, quire_serve::http::content_type(name))],
            bytes,
        )
            .into_response(),
        Err(_) => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// What previews link below `/site/`: the stylesheet and author photos.
async fn site_file(
    State(s): State<Arc<Studio>>,
    axum::extract::Path(rest): axum::extract::Path<String>,
) -> Response {
    if rest == preview::stylesheet_path() {
        return (
            [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
            quire_theme::stylesheet(),
        )
            .into_response();
    }
    if let Some(photo) = rest.strip_prefix("authors/")
        && let Some((_, file)) = photo.split_once('/')
        && let Ok(p) = paths::resolve(&s.root, &format!("authors/{file}"))
    {
        return file_response(&p, file);
    }
    plain(
        StatusCode::NOT_FOUND,
        "the preview shows only the article\n",
    )
}

/// Files of article folders (images), for the preview.
async fn bundle_file(
    State(s): State<Arc<Studio>>,
    axum::extract::Path(rest): axum::extract::Path<String>,
) -> Response {
    if !rest.starts_with("content/") || rest.ends_with(".md") {
        return plain(StatusCode::NOT_FOUND, "not found\n");
    }
    match paths::resolve(&s.root, &rest) {
        Ok(p) if p.is_file() => file_response(&p, &rest),
        _ => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn translations_sit_beside_the_original() {
        assert_eq!(
            translation_path("content/a/x/index.md", "tr").as_deref(),
            Some("content/a/x/index.tr.md")
        );
        assert_eq!(
            translation_path("content/a/x.md", "ru").as_deref(),
            Some("content/a/x.ru.md")
        );
        assert_eq!(
            bundle_of("content/a/x/index.md").as_deref(),
            Some("content/a/x")
        );
        assert_eq!(bundle_of("content/a/x.md"), None);
    }
}
