//! The studio's pages, rendered on the server as plain HTML forms that
//! work without script; `editor.js` adds the editor, toolbar, pickers,
//! preview and autosave on top. Every control has a label; text is
//! escaped here and only here. Must not know: files, HTTP.

use std::fmt::Write;

use quire_core::escape_html as esc;

use crate::CheckCounts;
use crate::auth::{Flash, User};
use crate::form::Form;
use crate::index::{Row, SiteIndex, Status};
use crate::strings::{LANGUAGES, Strings};

/// What every page shows around its content.
pub struct Chrome<'a> {
    /// UI strings.
    pub t: Strings,
    /// Who is signed in.
    pub user: Option<&'a User>,
    /// The session's CSRF token, put into every form.
    pub csrf: &'a str,
    /// True when accounts exist (show sign out).
    pub accounts: bool,
}

fn csrf_field(c: &Chrome<'_>) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(c.csrf)
    )
}

/// The page around `main`.
pub fn layout(c: &Chrome<'_>, title: &str, main: &str, script: bool) -> String {
    let t = c.t;
    let mut h = String::with_capacity(main.len() + 4096);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"csrf-token\" content=\"{csrf}\"><title>{title} · {studio}</title><link rel=\"stylesheet\" href=\"/static/studio.css\"></head><body><a class=\"skip\" href=\"#main\">{skip}</a><header class=\"top\"><nav aria-label=\"{nav}\"><a class=\"brand\" href=\"/\">{studio}</a> <a href=\"/\">{dashboard}</a> <a href=\"/new\">{new}</a></nav>",
        lang = t.lang,
        csrf = esc(c.csrf),
        title = esc(title),
        studio = esc(t.get("studio")),
        skip = esc(t.get("skip")),
        nav = esc(t.get("nav")),
        dashboard = esc(t.get("dashboard")),
        new = esc(t.get("new_article")),
    );
    let _ = write!(
        h,
        "<form class=\"ui-lang\" method=\"get\" action=\"/ui\"><label for=\"ui-lang\">{label}</label> <select id=\"ui-lang\" name=\"lang\">",
        label = esc(t.get("ui_language"))
    );
    for (code, name) in LANGUAGES {
        let sel = if code == t.lang { " selected" } else { "" };
        let _ = write!(
            h,
            "<option value=\"{code}\" lang=\"{code}\"{sel}>{name}</option>"
        );
    }
    let _ = write!(
        h,
        "</select> <button>{}</button></form>",
        esc(t.get("change"))
    );
    if let (Some(u), true) = (c.user, c.accounts) {
        let _ = write!(
            h,
            "<form class=\"who\" method=\"post\" action=\"/logout\">{csrf}<span>{signed} {name} ({role})</span> <button>{out}</button></form>",
            csrf = csrf_field(c),
            signed = esc(t.get("signed_in_as")),
            name = esc(&u.name),
            role = u.role.name(),
            out = esc(t.get("sign_out")),
        );
    }
    let _ = write!(h, "</header><main id=\"main\">{main}</main>");
    if script {
        h.push_str("<script src=\"/static/editor.js\"></script>");
    }
    h.push_str("</body></html>\n");
    h
}

/// A page with one message and a way back.
pub fn message(c: &Chrome<'_>, title: &str, text: &str) -> String {
    let main = format!(
        "<h1>{}</h1><p>{}</p><p><a href=\"/\">{}</a></p>",
        esc(title),
        esc(text),
        esc(c.t.get("back"))
    );
    layout(c, title, &main, false)
}

/// The sign-in page.
pub fn login(c: &Chrome<'_>, error: Option<&str>) -> String {
    let t = c.t;
    let mut m = format!("<h1>{}</h1>", esc(t.get("sign_in")));
    if let Some(e) = error {
        let _ = write!(m, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = write!(
        m,
        "<form method=\"post\" action=\"/login\" class=\"login\">{csrf}<p><label for=\"login\">{l}</label><input id=\"login\" name=\"login\" autocomplete=\"username\" required></p><p><label for=\"password\">{p}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p><p><button>{s}</button></p></form>",
        csrf = csrf_field(c),
        l = esc(t.get("login")),
        p = esc(t.get("password")),
        s = esc(t.get("sign_in")),
    );
    layout(c, t.get("sign_in"), &m, false)
}

/// Dashboard filters, from the query string.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Filter {
    /// Title contains (case-insensitive).
    #[serde(default)]
    pub q: String,
    /// Section id.
    #[serde(default)]
    pub section: String,
    /// Author id.
    #[serde(default)]
    pub author: String,
    /// Language code.
    #[serde(default)]
    pub lang: String,
    /// Status key.
    #[serde(default)]
    pub status: String,
    /// Page of results, from 1.
    #[serde(default)]
    pub page: usize,
}

/// Rows shown per dashboard page.
pub const PAGE_SIZE: usize = 200;

impl Filter {
    /// True when `row` passes the filter.
    pub fn matches(&self, index: &SiteIndex, row: &Row) -> bool {
        if !self.section.is_empty() && row.section != self.section {
            return false;
        }
        if !self.author.is_empty()
            && !row
                .versions
                .iter()
                .flatten()
                .any(|v| v.authors.contains(&self.author))
        {
            return false;
        }
        if !self.q.is_empty() {
            let q = self.q.to_lowercase();
            if !row
                .versions
                .iter()
                .flatten()
                .any(|v| v.title.to_lowercase().contains(&q))
            {
                return false;
            }
        }
        let status = Status::from_key(&self.status);
        let column = index.language_index(&self.lang);
        match (status, column) {
            (Some(s), Some(c)) => row.status(c) == s,
            (Some(s), None) => (0..index.languages.len()).any(|c| row.status(c) == s),
            _ => true,
        }
    }
}

fn select(id: &str, label: &str, any: &str, current: &str, options: &[(String, String)]) -> String {
    let mut h = format!(
        "<p><label for=\"{id}\">{}</label> <select id=\"{id}\" name=\"{id}\"><option value=\"\">{}</option>",
        esc(label),
        esc(any)
    );
    for (value, text) in options {
        let sel = if value == current { " selected" } else { "" };
        let _ = write!(
            h,
            "<option value=\"{}\"{sel}>{}</option>",
            esc(value),
            esc(text)
        );
    }
    h.push_str("</select></p>");
    h
}

fn status_word(t: Strings, s: Status) -> &'static str {
    t.get(s.key())
}

/// The dashboard: every article × language.
pub fn dashboard(
    c: &Chrome<'_>,
    index: &SiteIndex,
    filter: &Filter,
    check: &CheckCounts,
) -> String {
    let t = c.t;
    let mut m = format!("<h1>{}</h1>", esc(t.get("dashboard")));
    let _ = write!(
        m,
        "<p><a class=\"button\" href=\"/new\">{}</a></p>",
        esc(t.get("new_article"))
    );
    // Filters.
    let _ = write!(
        m,
        "<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\"><p><label for=\"q\">{}</label> <input id=\"q\" name=\"q\" type=\"search\" value=\"{}\"></p>",
        esc(t.get("find_by_title")),
        esc(&filter.q)
    );
    m.push_str(&select(
        "section",
        t.get("section"),
        t.get("any"),
        &filter.section,
        &index.sections,
    ));
    m.push_str(&select(
        "author",
        t.get("author"),
        t.get("any"),
        &filter.author,
        &index.authors,
    ));
    m.push_str(&select(
        "lang",
        t.get("language"),
        t.get("any"),
        &filter.lang,
        &index.languages,
    ));
    let statuses: Vec<(String, String)> = [
        Status::Published,
        Status::Draft,
        Status::Stale,
        Status::Missing,
        Status::Broken,
    ]
    .iter()
    .map(|s| (s.key().to_string(), status_word(t, *s).to_string()))
    .collect();
    m.push_str(&select(
        "status",
        t.get("status"),
        t.get("any"),
        &filter.status,
        &statuses,
    ));
    let _ = write!(m, "<p><button>{}</button></p></form>", esc(t.get("filter")));

    let rows: Vec<&Row> = index
        .rows
        .iter()
        .filter(|r| filter.matches(index, r))
        .collect();
    let page = filter.page.max(1);
    let start = (page - 1) * PAGE_SIZE;
    let shown: Vec<&&Row> = rows.iter().skip(start).take(PAGE_SIZE).collect();
    let _ = write!(
        m,
        "<p role=\"status\">{}</p>",
        esc(&t.fill(
            "shown",
            &[
                ("shown", &shown.len().to_string()),
                ("total", &rows.len().to_string())
            ]
        ))
    );
    if shown.is_empty() {
        let _ = write!(m, "<p>{}</p>", esc(t.get("no_pages")));
    } else {
        let _ = write!(
            m,
            "<div class=\"table-wrap\"><table class=\"matrix\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>",
            esc(t.get("articles_caption")),
            esc(t.get("article")),
            esc(t.get("section"))
        );
        for (code, name) in &index.languages {
            let _ = write!(
                m,
                "<th scope=\"col\" lang=\"{}\">{}</th>",
                esc(code),
                esc(name)
            );
        }
        m.push_str("</tr></thead><tbody>");
        for row in shown {
            let first = row.versions.iter().flatten().next();
            let href = first.map(|v| edit_href(&v.path)).unwrap_or_default();
            let _ = write!(
                m,
                "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td>",
                esc(&href),
                esc(row.title()),
                esc(&row.section)
            );
            for (i, (_, lang_name)) in index.languages.iter().enumerate() {
                let status = row.status(i);
                let _ = write!(m, "<td class=\"st-{}\">", status.key());
                match &row.versions[i] {
                    Some(v) => {
                        let _ = write!(
                            m,
                            "<a href=\"{}\" aria-label=\"{}\">{}</a>",
                            esc(&edit_href(&v.path)),
                            esc(&format!(
                                "{} — {}: {}",
                                row.title(),
                                lang_name,
                                status_word(t, status)
                            )),
                            esc(status_word(t, status))
                        );
                        match check.files.get(&v.path) {
                            Some((e, w)) if *e + *w > 0 => {
                                let _ = write!(
                                    m,
                                    " <span class=\"counts\">{e} {}, {w} {}</span>",
                                    esc(t.get("errors")),
                                    esc(t.get("warnings"))
                                );
                            }
                            None if !check.done => {
                                let _ = write!(
                                    m,
                                    " <span class=\"counts\">{}</span>",
                                    esc(t.get("checking"))
                                );
                            }
                            _ => {}
                        }
                    }
                    None => m.push_str(esc(status_word(t, status)).as_str()),
                }
                m.push_str("</td>");
            }
            m.push_str("</tr>");
        }
        m.push_str("</tbody></table></div>");
    }
    // Paging.
    let link = |p: usize| {
        let mut q = serde_urlencoded::to_string([
            ("q", filter.q.as_str()),
            ("section", &filter.section),
            ("author", &filter.author),
            ("lang", &filter.lang),
            ("status", &filter.status),
        ])
        .unwrap_or_default();
        let _ = write!(q, "&page={p}");
        format!("/?{q}")
    };
    if page > 1 {
        let _ = write!(
            m,
            "<p><a href=\"{}\">{}</a></p>",
            esc(&link(page - 1)),
            esc(t.get("previous_page"))
        );
    }
    if start + PAGE_SIZE < rows.len() {
        let _ = write!(
            m,
            "<p><a href=\"{}\">{}</a></p>",
            esc(&link(page + 1)),
            esc(t.get("next_page"))
        );
    }
    layout(c, t.get("dashboard"), &m, false)
}

/// The editor's address for a file.
pub fn edit_href(path: &str) -> String {
    format!(
        "/edit?path={}",
        percent_encoding::utf8_percent_encode(path, percent_encoding::NON_ALPHANUMERIC)
    )
}

/// The new-article page.
pub fn new_article(
    c: &Chrome<'_>,
    index: &SiteIndex,
    error: Option<&str>,
    import_error: Option<&str>,
) -> String {
    let t = c.t;
    let mut m = format!("<h1>{}</h1>", esc(t.get("new_article")));
    if let Some(e) = error {
        let _ = write!(m, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = write!(
        m,
        "<form method=\"post\" action=\"/new\">{}<p><label for=\"title\">{}</label><input id=\"title\" name=\"title\" required></p>",
        csrf_field(c),
        esc(t.get("title")),
    );
    section_and_language(&mut m, t, index, "");
    let _ = write!(m, "<p><button>{}</button></p></form>", esc(t.get("create")));
    // The same from a Word document: a file input (a file can be dropped on it).
    let _ = write!(
        m,
        "<h2 id=\"import-heading\">{}</h2><p>{}</p>",
        esc(t.get("import_docx")),
        esc(t.get("import_help"))
    );
    if let Some(e) = import_error {
        let _ = write!(m, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = write!(
        m,
        "<form id=\"import\" method=\"post\" action=\"/import\" enctype=\"multipart/form-data\" aria-labelledby=\"import-heading\">{}<p><label for=\"docx\">{}</label> <input id=\"docx\" name=\"file\" type=\"file\" accept=\".docx\" required></p>",
        csrf_field(c),
        esc(t.get("word_document")),
    );
    section_and_language(&mut m, t, index, "import-");
    let _ = write!(
        m,
        "<p><button>{}</button></p></form>",
        esc(t.get("import_button"))
    );
    layout(c, t.get("new_article"), &m, false)
}

/// The section and language selects of a new-article form; `id` prefixes
/// their ids (two forms share the page).
fn section_and_language(m: &mut String, t: Strings, index: &SiteIndex, id: &str) {
    let _ = write!(
        m,
        "<p><label for=\"{id}section\">{}</label> <select id=\"{id}section\" name=\"section\">",
        esc(t.get("section"))
    );
    for (sid, title) in &index.sections {
        let _ = write!(m, "<option value=\"{}\">{}</option>", esc(sid), esc(title));
    }
    let _ = write!(
        m,
        "</select></p><p><label for=\"{id}lang\">{}</label> <select id=\"{id}lang\" name=\"lang\">",
        esc(t.get("language"))
    );
    for (code, name) in &index.languages {
        let _ = write!(m, "<option value=\"{}\">{}</option>", esc(code), esc(name));
    }
    m.push_str("</select></p>");
}

/// What a Word import brought in and what to check.
fn import_report(m: &mut String, t: Strings, r: &Flash) {
    let _ = write!(
        m,
        "<section class=\"notice import-report\" role=\"status\" aria-labelledby=\"import-report\"><h2 id=\"import-report\">{}</h2><ul>",
        esc(t.get("import_done"))
    );
    for line in &r.lines {
        let _ = write!(m, "<li>{}</li>", esc(line));
    }
    m.push_str("</ul>");
    if !r.warnings.is_empty() {
        let _ = write!(m, "<h3>{}</h3><ul>", esc(t.get("import_check")));
        for w in &r.warnings {
            let _ = write!(m, "<li>{}</li>", esc(w));
        }
        m.push_str("</ul>");
    }
    let _ = write!(
        m,
        "<details><summary>{}</summary><pre>{}</pre></details></section>",
        esc(t.get("import_full_report")),
        esc(&r.full)
    );
}

/// Everything the editor page shows.
pub struct EditorView<'a> {
    /// Site-relative path.
    pub path: &'a str,
    /// Hash of the file as opened.
    pub base_hash: &'a str,
    /// The form to show.
    pub form: &'a Form,
    /// The page's published address.
    pub address: String,
    /// Languages the article could be translated into (code, name).
    pub translate_to: Vec<(String, String)>,
    /// For a translation: the original's language name and body.
    pub original: Option<(String, String)>,
    /// A notice to show (saved, restored…).
    pub notice: Option<String>,
    /// An error to show.
    pub error: Option<String>,
    /// An autosave offer: its time.
    pub autosave: Option<String>,
    /// May publish.
    pub can_publish: bool,
    /// May change the draft box.
    pub can_set_draft: bool,
    /// Bundle folder of the article (images go there), if it is a bundle.
    pub bundle: Option<String>,
    /// The report of the Word import that just made this article.
    pub imported: Option<Flash>,
    /// Image files of the article's folder (cover image choices).
    pub images: Vec<String>,
}

/// The editor.
pub fn editor(c: &Chrome<'_>, index: &SiteIndex, v: &EditorView<'_>) -> String {
    let t = c.t;
    let f = v.form;
    let title = if f.title.is_empty() {
        v.path
    } else {
        f.title.as_str()
    };
    let mut m = String::new();
    let _ = write!(
        m,
        "<h1>{}</h1><p class=\"path\"><code>{}</code></p>",
        esc(title),
        esc(v.path)
    );
    if let Some(n) = &v.notice {
        let _ = write!(m, "<p class=\"notice\" role=\"status\">{}</p>", esc(n));
    }
    if let Some(r) = &v.imported {
        import_report(&mut m, t, r);
    }
    if let Some(e) = &v.error {
        let _ = write!(m, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    if let Some(time) = &v.autosave {
        let _ = write!(
            m,
            "<div class=\"notice\" role=\"status\"><p>{}</p><p><a class=\"button\" href=\"{}&amp;restore=1\">{}</a></p><form method=\"post\" action=\"/autosave/discard\">{}<input type=\"hidden\" name=\"path\" value=\"{}\"><button>{}</button></form></div>",
            esc(&t.fill("autosave_found", &[("time", time)])),
            esc(&edit_href(v.path)),
            esc(t.get("restore")),
            csrf_field(c),
            esc(v.path),
            esc(t.get("discard"))
        );
    }
    m.push_str("<div class=\"editor-grid\"><div class=\"edit-pane\">");
    let _ = write!(
        m,
        "<form id=\"editor\" method=\"post\" action=\"/save\" data-bundle=\"{bundle}\">{csrf}<input type=\"hidden\" name=\"path\" value=\"{path}\"><input type=\"hidden\" name=\"base_hash\" value=\"{hash}\">",
        bundle = esc(v.bundle.as_deref().unwrap_or("")),
        csrf = csrf_field(c),
        path = esc(v.path),
        hash = esc(v.base_hash)
    );
    let _ = write!(m, "<fieldset><legend>{}</legend>", esc(t.get("details")));
    let _ = write!(
        m,
        "<p><label for=\"f-title\">{}</label><input id=\"f-title\" name=\"title\" value=\"{}\"></p>",
        esc(t.get("title")),
        esc(&f.title)
    );
    // Highlights: one input each, plus an empty one to add.
    let _ = write!(
        m,
        "<fieldset class=\"list\" id=\"highlights\"><legend>{}</legend>",
        esc(t.get("highlights"))
    );
    let mut items: Vec<&str> = f.highlights.iter().map(String::as_str).collect();
    items.push("");
    for (i, h) in items.iter().enumerate() {
        let label = t.fill("highlight_n", &[("n", &(i + 1).to_string())]);
        let _ = write!(
            m,
            "<p><label for=\"f-hl-{i}\">{}</label><input id=\"f-hl-{i}\" name=\"highlight\" value=\"{}\"></p>",
            esc(&label),
            esc(h)
        );
    }
    let _ = write!(
        m,
        "<button type=\"button\" class=\"add-item\" data-name=\"highlight\" data-label=\"{}\">{}</button></fieldset>",
        esc(t.get("highlight_n")),
        esc(t.get("add_highlight"))
    );
    let _ = write!(
        m,
        "<p><label for=\"f-summary\">{}</label><textarea id=\"f-summary\" name=\"summary\" rows=\"3\">\n{}</textarea></p>",
        esc(t.get("summary")),
        esc(&f.summary)
    );
    // Authors: checkboxes from authors/, plus any unknown ids kept.
    let _ = write!(
        m,
        "<fieldset class=\"authors\"><legend>{}</legend>",
        esc(t.get("authors"))
    );
    let mut ids: Vec<(String, String)> = index.authors.clone();
    for a in &f.authors {
        if !ids.iter().any(|(id, _)| id == a) {
            ids.push((a.clone(), a.clone()));
        }
    }
    // Checked ones first, in the article's order, so the order is kept.
    ids.sort_by_key(|(id, _)| f.authors.iter().position(|a| a == id).unwrap_or(usize::MAX));
    for (i, (id, name)) in ids.iter().enumerate() {
        let checked = if f.authors.contains(id) {
            " checked"
        } else {
            ""
        };
        let _ = write!(
            m,
            "<p class=\"check\"><input type=\"checkbox\" id=\"f-au-{i}\" name=\"author\" value=\"{}\"{checked}><label for=\"f-au-{i}\">{}</label></p>",
            esc(id),
            esc(name)
        );
    }
    m.push_str("</fieldset>");
    for tax in &index.taxonomies {
        let list_id = format!("terms-{}", quire_core::slugify(tax));
        let _ = write!(m, "<datalist id=\"{}\">", esc(&list_id));
        for term in index.terms.get(tax).into_iter().flatten() {
            let _ = write!(m, "<option value=\"{}\">", esc(term));
        }
        m.push_str("</datalist>");
        let _ = write!(m, "<fieldset class=\"list\"><legend>{}</legend>", esc(tax));
        let mut terms: Vec<&str> = f
            .taxonomies
            .get(tax)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        terms.push("");
        for (i, term) in terms.iter().enumerate() {
            let label = t.fill("term_n", &[("taxonomy", tax), ("n", &(i + 1).to_string())]);
            let _ = write!(
                m,
                "<p><label for=\"f-{tx}-{i}\">{}</label><input id=\"f-{tx}-{i}\" name=\"tax.{tx}\" list=\"{}\" value=\"{}\"></p>",
                esc(&label),
                esc(&list_id),
                esc(term),
                tx = esc(tax)
            );
        }
        let _ = write!(
            m,
            "<button type=\"button\" class=\"add-item\" data-name=\"tax.{tx}\" data-list=\"{}\" data-label=\"{}\">{}</button></fieldset>",
            esc(&list_id),
            esc(&t.get("term_n").replace("{taxonomy}", tax)),
            esc(t.get("add_term")),
            tx = esc(tax)
        );
    }
    let _ = write!(
        m,
        "<p><label for=\"f-date\">{}</label><input id=\"f-date\" name=\"date\" value=\"{}\" inputmode=\"numeric\"></p>",
        esc(t.get("date")),
        esc(&f.date)
    );
    let _ = write!(
        m,
        "<p><label for=\"f-slug\">{}</label><input id=\"f-slug\" name=\"slug\" value=\"{}\" aria-describedby=\"f-address\"></p><p id=\"f-address\">{}: <output>{}</output></p>",
        esc(t.get("slug")),
        esc(&f.slug),
        esc(t.get("address")),
        esc(&v.address)
    );
    cover_fields(&mut m, t, v);
    let checked = if f.draft { " checked" } else { "" };
    if v.can_set_draft {
        let _ = write!(
            m,
            "<p class=\"check\"><input type=\"checkbox\" id=\"f-draft\" name=\"draft\"{checked}><label for=\"f-draft\">{}</label></p>",
            esc(t.get("draft_box"))
        );
    } else {
        let _ = write!(
            m,
            "<p class=\"check\"><input type=\"hidden\" name=\"draft\" value=\"on\"><input type=\"checkbox\" id=\"f-draft\" disabled{checked}><label for=\"f-draft\">{}</label></p>",
            esc(t.get("draft_box"))
        );
    }
    m.push_str("</fieldset>");
    // Toolbar: works on the body (script).
    let _ = write!(
        m,
        "<div role=\"toolbar\" aria-label=\"{}\" aria-controls=\"body\" class=\"toolbar\">",
        esc(t.get("formatting"))
    );
    for (action, key, shortcut) in [
        ("bold", "bold", "Ctrl+B"),
        ("italic", "italic", "Ctrl+I"),
        ("heading", "heading", ""),
        ("list", "list", ""),
        ("quote", "quote", ""),
        ("link", "insert_link", "Ctrl+K"),
        ("note", "add_note", ""),
        ("cite", "add_citation", ""),
        ("image", "upload_image", ""),
        ("table", "insert_table", ""),
    ] {
        let keys = if shortcut.is_empty() {
            String::new()
        } else {
            format!(
                " aria-keyshortcuts=\"{}\" title=\"{}\"",
                shortcut.replace("Ctrl", "Control"),
                shortcut
            )
        };
        let _ = write!(
            m,
            "<button type=\"button\" data-action=\"{action}\"{keys}>{}</button>",
            esc(t.get(key))
        );
    }
    m.push_str("</div>");
    let _ = write!(
        m,
        "<p class=\"body\"><label for=\"body\">{}</label><textarea id=\"body\" name=\"body\" rows=\"24\" spellcheck=\"true\">\n{}</textarea></p>",
        esc(t.get("body")),
        esc(&f.body)
    );
    let _ = write!(
        m,
        "<p class=\"actions\"><button name=\"action\" value=\"save\">{}</button>",
        esc(t.get("save"))
    );
    if v.can_publish {
        let _ = write!(
            m,
            " <button name=\"action\" value=\"publish\">{}</button>",
            esc(t.get("publish"))
        );
    }
    m.push_str(" <span id=\"autosave-status\" role=\"status\"></span></p></form>");
    if !v.translate_to.is_empty() {
        let _ = write!(
            m,
            "<form method=\"post\" action=\"/translate\" class=\"translate\">{}<input type=\"hidden\" name=\"path\" value=\"{}\"><p><label for=\"tr-lang\">{}</label> <select id=\"tr-lang\" name=\"lang\">",
            csrf_field(c),
            esc(v.path),
            esc(t.get("translate_into"))
        );
        for (code, name) in &v.translate_to {
            let _ = write!(m, "<option value=\"{}\">{}</option>", esc(code), esc(name));
        }
        let _ = write!(
            m,
            "</select> <button>{}</button></p></form>",
            esc(t.get("translate"))
        );
    }
    m.push_str("</div><div class=\"side-pane\">");
    if let Some((lang, body)) = &v.original {
        let _ = write!(
            m,
            "<section class=\"original\" aria-labelledby=\"original-h\"><h2 id=\"original-h\">{}</h2><p>{} <a href=\"/compare?path={}\">{}</a></p><pre tabindex=\"0\" class=\"original-text\">{}</pre></section>",
            esc(t.get("original")),
            esc(&t.fill("original_text", &[("language", lang)])),
            esc(
                &percent_encoding::utf8_percent_encode(v.path, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            ),
            esc(t.get("side_by_side")),
            esc(body)
        );
    }
    let _ = write!(
        m,
        "<section class=\"preview\" aria-labelledby=\"preview-h\"><h2 id=\"preview-h\">{}</h2><iframe id=\"preview\" title=\"{}\" sandbox=\"allow-same-origin\" src=\"about:blank\"></iframe><h3>{}</h3><ul id=\"problems\" aria-live=\"polite\" data-none=\"{}\"><li>{}</li></ul></section>",
        esc(t.get("preview")),
        esc(t.get("preview")),
        esc(t.get("problems")),
        esc(t.get("no_problems")),
        esc(t.get("no_problems"))
    );
    m.push_str("</div></div>");
    // Dialogs of the toolbar.
    let _ = write!(
        m,
        "<dialog id=\"dlg-cite\" aria-labelledby=\"dlg-cite-h\"><h2 id=\"dlg-cite-h\">{}</h2><p><label for=\"cite-q\">{}</label><input id=\"cite-q\" type=\"search\" autocomplete=\"off\"></p><p><label for=\"cite-page\">{}</label><input id=\"cite-page\"></p><ul class=\"results\" id=\"cite-results\"></ul>",
        esc(t.get("add_citation")),
        esc(t.get("search_bib")),
        esc(t.get("page_locator")),
    );
    add_source(&mut m, t);
    let _ = write!(
        m,
        "<p><button type=\"button\" class=\"close\">{}</button></p></dialog>",
        esc(t.get("close"))
    );
    let _ = write!(
        m,
        "<dialog id=\"dlg-link\" aria-labelledby=\"dlg-link-h\"><h2 id=\"dlg-link-h\">{}</h2><p><label for=\"link-q\">{}</label><input id=\"link-q\" type=\"search\" autocomplete=\"off\"></p><ul class=\"results\" id=\"link-results\"></ul><p><button type=\"button\" class=\"close\">{}</button></p></dialog>",
        esc(t.get("insert_link")),
        esc(t.get("search_articles")),
        esc(t.get("close"))
    );
    let _ = write!(
        m,
        "<dialog id=\"dlg-image\" aria-labelledby=\"dlg-image-h\"><h2 id=\"dlg-image-h\">{}</h2><form id=\"image-form\" method=\"dialog\"><p><label for=\"image-file\">{}</label><input id=\"image-file\" type=\"file\" accept=\"image/png,image/jpeg,image/gif,image/webp,image/avif\" required></p><p><label for=\"image-alt\">{}</label><input id=\"image-alt\" required></p><p class=\"error\" id=\"image-error\" role=\"alert\"></p><p><button type=\"submit\" id=\"image-upload\">{}</button> <button type=\"button\" class=\"close\">{}</button></p></form></dialog>",
        esc(t.get("upload_image")),
        esc(t.get("image_file")),
        esc(t.get("alt_text")),
        esc(t.get("upload")),
        esc(t.get("close"))
    );
    let _ = write!(
        m,
        "<dialog id=\"dlg-table\" aria-labelledby=\"dlg-table-h\"><h2 id=\"dlg-table-h\">{}</h2><form id=\"table-form\" method=\"dialog\" data-header=\"{}\"><p><label for=\"table-cols\">{}</label><input id=\"table-cols\" type=\"number\" min=\"1\" max=\"20\" value=\"3\" required></p><p><label for=\"table-rows\">{}</label><input id=\"table-rows\" type=\"number\" min=\"1\" max=\"100\" value=\"2\" required></p><p><button type=\"submit\" id=\"table-insert\">{}</button> <button type=\"button\" class=\"close\">{}</button></p></form></dialog>",
        esc(t.get("insert_table")),
        esc(t.get("table_header")),
        esc(t.get("table_columns")),
        esc(t.get("table_rows")),
        esc(t.get("insert")),
        esc(t.get("close"))
    );
    layout(c, title, &m, true)
}

/// "Add a source" in the citation dialog: pasted BibTeX, a DOI or a web
/// page, each its own small form (sent by the script).
fn add_source(m: &mut String, t: Strings) {
    let _ = write!(
        m,
        "<details id=\"add-source\"><summary>{}</summary><form id=\"source-bibtex\" class=\"add-source\" data-kind=\"bibtex\"><p><label for=\"src-bibtex\">{}</label><textarea id=\"src-bibtex\" name=\"bibtex\" rows=\"5\" required></textarea></p><p><button>{}</button></p></form><form id=\"source-doi\" class=\"add-source\" data-kind=\"doi\"><p><label for=\"src-doi\">{}</label><input id=\"src-doi\" name=\"doi\" required></p><p><button>{}</button></p></form><form id=\"source-web\" class=\"add-source\" data-kind=\"web\"><p><label for=\"src-url\">{}</label><input id=\"src-url\" name=\"url\" type=\"url\" required></p><p><label for=\"src-title\">{}</label><input id=\"src-title\" name=\"title\" required></p><p><button>{}</button></p></form><p id=\"source-status\" role=\"status\" data-added=\"{}\"></p></details>",
        esc(t.get("add_source")),
        esc(t.get("paste_bibtex")),
        esc(t.get("add_bibtex")),
        esc(t.get("doi")),
        esc(t.get("look_up_doi")),
        esc(t.get("web_address")),
        esc(t.get("web_title")),
        esc(t.get("add_web")),
        esc(t.get("source_added")),
    );
}

/// The cover image: a file of the article's folder and its alternative
/// text (required with an image).
fn cover_fields(m: &mut String, t: Strings, v: &EditorView<'_>) {
    let f = v.form;
    let _ = write!(
        m,
        "<fieldset class=\"cover\"><legend>{}</legend><p><label for=\"f-image\">{}</label><select id=\"f-image\" name=\"image\"><option value=\"\">{}</option>",
        esc(t.get("cover_image")),
        esc(t.get("cover_file")),
        esc(t.get("no_cover"))
    );
    let mut files: Vec<&str> = v.images.iter().map(String::as_str).collect();
    if !f.image.is_empty() && !files.contains(&f.image.as_str()) {
        files.insert(0, &f.image);
    }
    for file in files {
        let selected = if file == f.image { " selected" } else { "" };
        let _ = write!(
            m,
            "<option value=\"{}\"{selected}>{}</option>",
            esc(file),
            esc(file)
        );
    }
    let _ = write!(
        m,
        "</select></p><p><label for=\"f-image-alt\">{}</label><input id=\"f-image-alt\" name=\"image_alt\" value=\"{}\"></p>",
        esc(t.get("cover_alt")),
        esc(&f.image_alt)
    );
    if v.bundle.is_some() {
        let _ = write!(
            m,
            "<p><button type=\"button\" data-action=\"cover\">{}</button></p>",
            esc(t.get("upload_cover"))
        );
    }
    m.push_str("</fieldset>");
}

/// The merge page shown when the file changed on disk since it was opened.
pub fn conflict(c: &Chrome<'_>, path: &str, disk_hash: &str, mine: &str, disk: &str) -> String {
    let t = c.t;
    let m = format!(
        "<h1>{title}</h1><p class=\"error\" role=\"alert\">{help}</p><p><code>{path}</code></p><form method=\"post\" action=\"/merge\">{csrf}<input type=\"hidden\" name=\"path\" value=\"{path}\"><input type=\"hidden\" name=\"base_hash\" value=\"{hash}\"><div class=\"merge\"><p><label for=\"merged\">{yours}</label><textarea id=\"merged\" name=\"text\" rows=\"30\">\n{mine}</textarea></p><section aria-labelledby=\"disk-h\"><h2 id=\"disk-h\">{theirs}</h2><pre tabindex=\"0\" class=\"original-text\">{disk}</pre></section></div><p><button>{save}</button></p></form>",
        title = esc(t.get("conflict_title")),
        help = esc(t.get("conflict_help")),
        path = esc(path),
        csrf = csrf_field(c),
        hash = esc(disk_hash),
        yours = esc(t.get("your_version")),
        mine = esc(mine),
        theirs = esc(t.get("disk_version")),
        disk = esc(disk),
        save = esc(t.get("save_merged")),
    );
    layout(c, t.get("conflict_title"), &m, false)
}

/// Everything the side-by-side page shows.
pub struct SideBySide<'a> {
    /// The translation's path.
    pub path: &'a str,
    /// Its title.
    pub title: &'a str,
    /// The original's path.
    pub original_path: &'a str,
    /// The original's and the translation's language names.
    pub languages: (&'a str, &'a str),
    /// Blocks paired.
    pub pairs: &'a [crate::align::Pair],
    /// True when the original changed since the translation was made.
    pub stale: bool,
    /// What changed, when its earlier text was found.
    pub changes: Option<&'a crate::stale::Changes>,
}

fn block_kind(t: Strings, kind: &crate::align::Kind) -> String {
    use crate::align::Kind;
    match kind {
        Kind::Heading(level) => t.fill("kind_heading", &[("level", &level.to_string())]),
        Kind::Paragraph => t.get("kind_paragraph").into(),
        Kind::ListItem => t.get("kind_item").into(),
        Kind::Quote => t.get("kind_quote").into(),
        Kind::Code => t.get("kind_code").into(),
        Kind::Table => t.get("kind_table").into(),
        Kind::Note(n) => t.fill("kind_note", &[("n", n)]),
        Kind::Other => t.get("kind_other").into(),
    }
}

fn stale_changes(m: &mut String, t: Strings, v: &SideBySide<'_>) {
    use crate::stale::{Change, Found, Piece};
    if !v.stale {
        let _ = write!(
            m,
            "<p class=\"notice\" role=\"status\">{}</p>",
            esc(t.get("up_to_date"))
        );
        return;
    }
    let _ = write!(
        m,
        "<section class=\"stale-changes\" aria-labelledby=\"changes-h\"><h2 id=\"changes-h\">{}</h2>",
        esc(t.get("stale_changes"))
    );
    let Some(c) = v.changes else {
        let _ = write!(m, "<p>{}</p></section>", esc(t.get("stale_unknown")));
        return;
    };
    let source = match &c.found {
        Found::Git(commit) => t.fill("stale_from_git", &[("commit", commit)]),
        Found::Stored => t.get("stale_from_copy").to_string(),
    };
    let _ = write!(m, "<p>{}</p><ol class=\"changes\">", esc(&source));
    for change in &c.changes {
        match change {
            Change::Removed(p) => {
                let _ = write!(
                    m,
                    "<li class=\"removed\"><strong>{}:</strong> <del>{}</del></li>",
                    esc(t.get("removed_para")),
                    esc(p)
                );
            }
            Change::Added(p) => {
                let _ = write!(
                    m,
                    "<li class=\"added\"><strong>{}:</strong> <ins>{}</ins></li>",
                    esc(t.get("added_para")),
                    esc(p)
                );
            }
            Change::Edited(pieces) => {
                let _ = write!(
                    m,
                    "<li class=\"edited\"><strong>{}:</strong> ",
                    esc(t.get("edited_para"))
                );
                for piece in pieces {
                    let _ = match piece {
                        Piece::Same(w) => write!(m, "{}", esc(w)),
                        Piece::Removed(w) => write!(m, "<del>{}</del>", esc(w)),
                        Piece::Added(w) => write!(m, "<ins>{}</ins>", esc(w)),
                    };
                }
                m.push_str("</li>");
            }
        }
    }
    m.push_str("</ol></section>");
}

/// Original and translation paired block by block (`/compare`), with
/// what changed in the original when the translation is stale.
pub fn side_by_side(c: &Chrome<'_>, v: &SideBySide<'_>) -> String {
    let t = c.t;
    let heading = t.fill("side_by_side_title", &[("title", v.title)]);
    let mut m = String::new();
    let _ = write!(
        m,
        "<h1>{}</h1><p class=\"path\"><code>{}</code> · <code>{}</code></p><p><a href=\"{}\">{}</a></p>",
        esc(&heading),
        esc(v.original_path),
        esc(v.path),
        esc(&edit_href(v.path)),
        esc(t.get("back_to_editor"))
    );
    stale_changes(&mut m, t, v);
    let _ = write!(
        m,
        "<div class=\"table-wrap\"><table class=\"matrix side-by-side\"><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        esc(t.get("side_by_side_caption")),
        esc(&t.fill("original_col", &[("language", v.languages.0)])),
        esc(&t.fill("translation_col", &[("language", v.languages.1)]))
    );
    for pair in v.pairs {
        let class = match (&pair.original, &pair.translation) {
            (Some(_), None) => " class=\"missing\"",
            (None, Some(_)) => " class=\"extra\"",
            _ => "",
        };
        let _ = write!(m, "<tr{class}>");
        for (block, absent) in [
            (&pair.original, "not_in_original"),
            (&pair.translation, "missing_in_translation"),
        ] {
            match block {
                Some(b) => {
                    let _ = write!(
                        m,
                        "<td><span class=\"kind\">{}</span><div class=\"block\">{}</div></td>",
                        esc(&block_kind(t, &b.kind)),
                        esc(&b.text)
                    );
                }
                None => {
                    let _ = write!(
                        m,
                        "<td class=\"absent\"><strong>{}</strong></td>",
                        esc(t.get(absent))
                    );
                }
            }
        }
        m.push_str("</tr>");
    }
    m.push_str("</tbody></table></div>");
    layout(c, &heading, &m, false)
}
