//! The article as a form: the front matter keys a writer edits (title,
//! highlights, summary, authors, taxonomy terms, date, draft, slug) plus
//! the body, read from a file's text and written back into it.
//!
//! Writing back is lossless: a key whose value did not change is not
//! touched, so opening and saving an unchanged article gives the same
//! bytes; a changed TOML key is replaced in place with `toml_edit`
//! (comments, order and the other keys' formatting kept); YAML keys are
//! replaced line by line. Must not know: HTTP, files.

use std::collections::BTreeMap;

use quire_site::frontmatter;

/// The fields of the editor form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    /// `title`.
    pub title: String,
    /// `summary`.
    pub summary: String,
    /// `highlights`, one per entry.
    pub highlights: Vec<String>,
    /// `authors` (ids from authors/).
    pub authors: Vec<String>,
    /// Terms per configured taxonomy.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// `date` as written (`2025-03-04`, or a full date-time).
    pub date: String,
    /// `draft`.
    pub draft: bool,
    /// `slug`.
    pub slug: String,
    /// `image`: the cover (and social) image, a file of the bundle.
    pub image: String,
    /// `extra.image_alt`: the cover image's alternative text.
    pub image_alt: String,
    /// The body: everything after the front matter.
    pub body: String,
}

/// What kind of front matter a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matter {
    /// `+++` TOML.
    Toml,
    /// `---` YAML.
    Yaml,
    /// None at all.
    None,
}

const BOM: &str = "\u{feff}";

/// The key under `extra` that holds the cover image's alternative text
/// (quire's front matter has `image` but no key of its own for its text).
pub const IMAGE_ALT: &str = "image_alt";

/// Reads the form from a file's text. `taxonomies` are the configured
/// taxonomy names.
pub fn read(path: &str, text: &str, taxonomies: &[String]) -> Result<(Form, Matter), String> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let split = frontmatter::split(path, text).map_err(|d| d.to_string())?;
    let Some(split) = split else {
        return Ok((
            Form {
                body: text.to_string(),
                ..Form::default()
            },
            Matter::None,
        ));
    };
    let body = split.body.to_string();
    if split.yaml {
        let front = frontmatter::parse(path, text, &split, taxonomies).map_err(|ds| {
            ds.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })?;
        let date = yaml_scalar(split.matter, "date").unwrap_or_default();
        return Ok((
            Form {
                title: front.title,
                summary: front.summary.unwrap_or_default(),
                highlights: front.highlights,
                authors: front.authors,
                taxonomies: front.taxonomies,
                date,
                draft: front.draft,
                slug: front.slug.unwrap_or_default(),
                image: front.image.unwrap_or_default(),
                image_alt: front
                    .extra
                    .get(IMAGE_ALT)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                body,
            },
            Matter::Yaml,
        ));
    }
    let doc: toml_edit::DocumentMut = split
        .matter
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("{path}: invalid TOML front matter: {e}"))?;
    let string = |key: &str| {
        doc.get(key)
            .and_then(|i| i.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let list = |key: &str| -> Vec<String> {
        match doc.get(key) {
            Some(item) => match item.as_array() {
                Some(a) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                None => item
                    .as_str()
                    .map(|s| vec![s.to_string()])
                    .unwrap_or_default(),
            },
            None => Vec::new(),
        }
    };
    let date = match doc.get("date") {
        Some(item) => match item.as_datetime() {
            Some(d) => d.to_string(),
            None => item.as_str().unwrap_or_default().to_string(),
        },
        None => String::new(),
    };
    let mut taxonomy_terms = BTreeMap::new();
    for t in taxonomies {
        let terms = list(t);
        if doc.contains_key(t) {
            taxonomy_terms.insert(t.clone(), terms);
        }
    }
    Ok((
        Form {
            title: string("title"),
            summary: string("summary"),
            highlights: list("highlights"),
            authors: list("authors"),
            taxonomies: taxonomy_terms,
            date,
            draft: doc.get("draft").and_then(|i| i.as_bool()).unwrap_or(false),
            slug: string("slug"),
            image: string("image"),
            image_alt: doc
                .get("extra")
                .and_then(|e| e.get(IMAGE_ALT))
                .and_then(|i| i.as_str())
                .unwrap_or_default()
                .to_string(),
            body,
        },
        Matter::Toml,
    ))
}

/// Reads the form from the fields a browser sent (`title`, `summary`,
/// `highlight` repeated, `author` repeated, `tax.<name>` repeated, `date`,
/// `draft` present when checked, `slug`, `body`). Blank list entries are
/// dropped; line ends become `\n`; nothing else is changed.
pub fn from_fields(fields: &[(String, String)], taxonomies: &[String]) -> Form {
    let mut form = Form::default();
    for (key, value) in fields {
        let value = value.replace("\r\n", "\n");
        match key.as_str() {
            "title" => form.title = value,
            "summary" => form.summary = value,
            "highlight" if !value.trim().is_empty() => form.highlights.push(value),
            "author" if !value.trim().is_empty() => form.authors.push(value),
            "date" => form.date = value,
            "draft" => form.draft = true,
            "slug" => form.slug = value,
            "image" => form.image = value.trim().to_string(),
            "image_alt" => form.image_alt = value,
            "body" => form.body = value,
            k => {
                if let Some(t) = k.strip_prefix("tax.")
                    && taxonomies.iter().any(|n| n == t)
                {
                    let terms = form.taxonomies.entry(t.to_string()).or_default();
                    if !value.trim().is_empty() && !terms.contains(&value) {
                        terms.push(value);
                    }
                }
            }
        }
    }
    form
}

/// The file's new text: `original` with the front matter keys that differ
/// between `before` (read from `original`) and `after` rewritten, and the
/// body replaced. Equal forms give `original` back byte for byte.
pub fn write(
    path: &str,
    original: &str,
    after: &Form,
    taxonomies: &[String],
) -> Result<String, String> {
    let (bom, text) = match original.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", original),
    };
    let (before, matter) = read(path, text, taxonomies)?;
    let crlf = text.contains("\r\n");
    let mut body = after.body.replace("\r\n", "\n");
    if crlf {
        body = body.replace('\n', "\r\n");
    }
    let changes = changed_keys(&before, after, taxonomies);
    if changes.is_empty() {
        let body_offset = text.len() - before.body.len();
        return Ok(format!("{bom}{}{body}", &text[..body_offset]));
    }
    let nl = if crlf { "\r\n" } else { "\n" };
    match matter {
        Matter::None => {
            let mut doc = toml_edit::DocumentMut::new();
            for change in &changes {
                apply_toml(&mut doc, change);
            }
            let matter = doc.to_string().replace('\n', nl);
            Ok(format!("{bom}+++{nl}{matter}+++{nl}{nl}{body}"))
        }
        Matter::Toml | Matter::Yaml => {
            let split = frontmatter::split(path, text)
                .map_err(|d| d.to_string())?
                .ok_or("the front matter disappeared")?;
            let new_matter = if matter == Matter::Toml {
                let mut doc: toml_edit::DocumentMut = split
                    .matter
                    .parse()
                    .map_err(|e: toml_edit::TomlError| e.to_string())?;
                for change in &changes {
                    apply_toml(&mut doc, change);
                }
                let out = doc.to_string();
                if crlf {
                    out.replace("\r\n", "\n").replace('\n', "\r\n")
                } else {
                    out
                }
            } else {
                let mut m = split.matter.to_string();
                for change in &changes {
                    m = apply_yaml(&m, change, nl);
                }
                if let Some(Change::ImageAlt(alt)) =
                    changes.iter().find(|c| matches!(c, Change::ImageAlt(_)))
                {
                    // `extra` as it is, with the one key changed, written
                    // as a JSON flow mapping (which YAML reads the same).
                    let front =
                        frontmatter::parse(path, text, &split, taxonomies).map_err(|ds| {
                            ds.iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join("\n")
                        })?;
                    let mut extra = match front.extra {
                        serde_json::Value::Object(map) => map,
                        _ => serde_json::Map::new(),
                    };
                    if alt.is_empty() {
                        extra.remove(IMAGE_ALT);
                    } else {
                        extra.insert(IMAGE_ALT.into(), alt.clone().into());
                    }
                    let line = (!extra.is_empty()).then(|| format!("extra: {}", json(&extra)));
                    m = replace_yaml_key(&m, "extra", line, nl);
                }
                m
            };
            let fence_end = &text[split.matter_offset + split.matter.len()..split.body_offset];
            Ok(format!(
                "{bom}{}{new_matter}{fence_end}{body}",
                &text[..split.matter_offset]
            ))
        }
    }
}

/// One front matter key to set (or remove, when the value is empty).
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Text(String, String),
    List(String, Vec<String>),
    Date(String),
    Draft(bool),
    /// `extra.image_alt`.
    ImageAlt(String),
}

fn changed_keys(before: &Form, after: &Form, taxonomies: &[String]) -> Vec<Change> {
    let mut out = Vec::new();
    for (key, a, b) in [
        ("title", &before.title, &after.title),
        ("summary", &before.summary, &after.summary),
        ("slug", &before.slug, &after.slug),
        ("image", &before.image, &after.image),
    ] {
        if a != b {
            out.push(Change::Text(key.into(), b.clone()));
        }
    }
    if before.image_alt != after.image_alt {
        out.push(Change::ImageAlt(after.image_alt.clone()));
    }
    if before.date != after.date {
        out.push(Change::Date(after.date.clone()));
    }
    if before.draft != after.draft {
        out.push(Change::Draft(after.draft));
    }
    for (key, a, b) in [
        ("highlights", &before.highlights, &after.highlights),
        ("authors", &before.authors, &after.authors),
    ] {
        if a != b {
            out.push(Change::List(key.into(), b.clone()));
        }
    }
    let empty = Vec::new();
    for t in taxonomies {
        let a = before.taxonomies.get(t).unwrap_or(&empty);
        let b = after.taxonomies.get(t).unwrap_or(&empty);
        if a != b {
            out.push(Change::List(t.clone(), b.clone()));
        }
    }
    out
}

/// Replaces the value of `key` keeping the decoration (spaces, comments)
/// around the old one, or appends the key.
fn set_value(doc: &mut toml_edit::DocumentMut, key: &str, mut value: toml_edit::Value) {
    if let Some(old) = doc.get_mut(key).and_then(|i| i.as_value_mut()) {
        let decor = old.decor().clone();
        *value.decor_mut() = decor;
        *old = value;
    } else {
        doc[key] = toml_edit::Item::Value(value);
    }
}

fn apply_toml(doc: &mut toml_edit::DocumentMut, change: &Change) {
    match change {
        Change::Text(key, v) if v.is_empty() => {
            doc.remove(key);
        }
        Change::Text(key, v) => set_value(doc, key, v.as_str().into()),
        Change::Date(v) if v.is_empty() => {
            doc.remove("date");
        }
        Change::Date(v) => {
            let value = match v.parse::<toml_edit::Datetime>() {
                Ok(d) => toml_edit::Value::from(d),
                Err(_) => v.as_str().into(),
            };
            set_value(doc, "date", value);
        }
        Change::Draft(false) => {
            doc.remove("draft");
        }
        Change::Draft(true) => set_value(doc, "draft", true.into()),
        Change::ImageAlt(v) => {
            if v.is_empty() {
                if let Some(extra) = doc.get_mut("extra").and_then(|e| e.as_table_like_mut()) {
                    extra.remove(IMAGE_ALT);
                }
                if doc
                    .get("extra")
                    .and_then(|e| e.as_table_like())
                    .is_some_and(|e| e.is_empty())
                {
                    doc.remove("extra");
                }
                return;
            }
            if doc.get("extra").and_then(|e| e.as_table_like()).is_none() {
                doc["extra"] = toml_edit::table();
            }
            if let Some(extra) = doc.get_mut("extra").and_then(|e| e.as_table_like_mut()) {
                extra.insert(IMAGE_ALT, toml_edit::value(v.as_str()));
            }
        }
        Change::List(key, items) if items.is_empty() && key != "authors" => {
            doc.remove(key);
        }
        Change::List(key, items) => {
            let was_multiline = doc
                .get(key)
                .and_then(|i| i.as_array())
                .is_some_and(|a| a.to_string().contains('\n'));
            let mut array = toml_edit::Array::new();
            for item in items {
                array.push(item.as_str());
            }
            // Long lists (highlights) read best one item per line.
            let long = items.iter().map(|s| s.len() + 4).sum::<usize>() > 80;
            if (was_multiline || long) && !items.is_empty() {
                for v in array.iter_mut() {
                    v.decor_mut().set_prefix("\n  ");
                    v.decor_mut().set_suffix("");
                }
                array.set_trailing_comma(true);
                array.set_trailing("\n");
            }
            set_value(doc, key, array.into());
        }
    }
}

/// A YAML value written as JSON, which YAML reads the same.
fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// `matter` with the top-level YAML `key` (and the indented or `- ` lines
/// that continue it) replaced by `line`, or `line` appended; removed when
/// `line` is `None`.
fn replace_yaml_key(matter: &str, key: &str, line: Option<String>, nl: &str) -> String {
    let mut out = String::with_capacity(matter.len());
    let mut lines = matter.split_inclusive('\n').peekable();
    let mut done = false;
    while let Some(l) = lines.next() {
        let is_key = !done
            && l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'));
        if !is_key {
            out.push_str(l);
            continue;
        }
        done = true;
        while let Some(next) = lines.peek() {
            if next.starts_with(' ') || next.starts_with('\t') || next.starts_with("- ") {
                lines.next();
            } else {
                break;
            }
        }
        if let Some(line) = &line {
            out.push_str(line);
            out.push_str(nl);
        }
    }
    if !done && let Some(line) = line {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(nl);
        }
        out.push_str(&line);
        out.push_str(nl);
    }
    out
}

fn apply_yaml(matter: &str, change: &Change, nl: &str) -> String {
    match change {
        Change::Text(key, v) => {
            let line = (!v.is_empty()).then(|| format!("{key}: {}", json(v)));
            replace_yaml_key(matter, key, line, nl)
        }
        Change::Date(v) => {
            let line = (!v.is_empty()).then(|| format!("date: {v}"));
            replace_yaml_key(matter, "date", line, nl)
        }
        Change::Draft(d) => {
            let line = d.then(|| "draft: true".to_string());
            replace_yaml_key(matter, "draft", line, nl)
        }
        Change::List(key, items) => {
            let line =
                (!items.is_empty() || key == "authors").then(|| format!("{key}: {}", json(items)));
            replace_yaml_key(matter, key, line, nl)
        }
        // Written by `write`, which knows the rest of `extra`.
        Change::ImageAlt(_) => matter.to_string(),
    }
}

/// A plain scalar of a top-level YAML key, unquoted.
fn yaml_scalar(matter: &str, key: &str) -> Option<String> {
    matter.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.trim_start().strip_prefix(':')?;
        Some(rest.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// `text` with the top-level front matter `keys` removed and `draft`
/// set (for a new translation: its own slug and aliases are not the
/// original's, and it starts as a draft).
pub fn as_new_translation(path: &str, text: &str, keys: &[&str]) -> Result<String, String> {
    let (bom, body_text) = match text.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => ("", text),
    };
    let Some(split) = frontmatter::split(path, body_text).map_err(|d| d.to_string())? else {
        return Ok(format!("+++\ndraft = true\n+++\n\n{body_text}"));
    };
    let nl = if body_text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let matter = if split.yaml {
        let mut m = split.matter.to_string();
        for k in keys {
            m = replace_yaml_key(&m, k, None, nl);
        }
        replace_yaml_key(&m, "draft", Some("draft: true".into()), nl)
    } else {
        let mut doc: toml_edit::DocumentMut = split
            .matter
            .parse()
            .map_err(|e: toml_edit::TomlError| e.to_string())?;
        for k in keys {
            doc.remove(k);
        }
        set_value(&mut doc, "draft", true.into());
        doc.to_string()
    };
    let fence_end = &body_text[split.matter_offset + split.matter.len()..];
    Ok(format!(
        "{bom}{}{matter}{fence_end}",
        &body_text[..split.matter_offset]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taxes() -> Vec<String> {
        vec!["tags".into(), "regions".into()]
    }

    const TOML: &str = "+++\ntitle = \"Old\" # the title\ndate = 2025-03-04\nauthors = [\"a\"]\nhighlights = [\n  \"One.\",\n  \"Two.\",\n]\ntags = [\"x\"]\n\n[extra]\nk = 1\n+++\n\nBody text.[^1]\n\n[^1]: Note.\n";

    #[test]
    fn unchanged_form_gives_the_same_bytes() {
        for text in [
            TOML,
            "---\ntitle: Hi\ndate: 2025-01-02\ntags:\n  - a\n---\nBody\n",
            "no front matter\n",
            "\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\nBody\r\n",
        ] {
            let (form, _) = read("a.md", text, &taxes()).unwrap();
            assert_eq!(write("a.md", text, &form, &taxes()).unwrap(), text);
        }
    }

    #[test]
    fn only_changed_keys_are_rewritten() {
        let (mut form, _) = read("a.md", TOML, &taxes()).unwrap();
        form.title = "New".into();
        form.draft = true;
        let out = write("a.md", TOML, &form, &taxes()).unwrap();
        assert_eq!(
            out,
            TOML.replace("\"Old\" #", "\"New\" #")
                .replace("tags = [\"x\"]\n", "tags = [\"x\"]\ndraft = true\n")
        );
        let (mut form, _) = read("a.md", &out, &taxes()).unwrap();
        form.highlights.push("Three.".into());
        form.draft = false;
        let out = write("a.md", &out, &form, &taxes()).unwrap();
        assert!(
            out.contains("highlights = [\n  \"One.\",\n  \"Two.\",\n  \"Three.\",\n]\n"),
            "{out}"
        );
        assert!(!out.contains("draft"));
        assert!(out.contains("[extra]\nk = 1\n"));
    }

    #[test]
    fn yaml_keys_are_replaced_by_line() {
        let text = "---\ntitle: Hi\ntags:\n  - a\ndraft: true\n---\nBody\n";
        let (mut form, m) = read("a.md", text, &taxes()).unwrap();
        assert_eq!(m, Matter::Yaml);
        form.draft = false;
        form.taxonomies
            .insert("tags".into(), vec!["a".into(), "b".into()]);
        let out = write("a.md", text, &form, &taxes()).unwrap();
        assert_eq!(out, "---\ntitle: Hi\ntags: [\"a\",\"b\"]\n---\nBody\n");
    }

    #[test]
    fn the_cover_image_and_its_text_go_to_image_and_extra() {
        let (mut form, _) = read("a.md", TOML, &taxes()).unwrap();
        form.image = "cover.jpg".into();
        form.image_alt = "A ship at a quay".into();
        let out = write("a.md", TOML, &form, &taxes()).unwrap();
        assert!(
            out.contains("tags = [\"x\"]\nimage = \"cover.jpg\"\n"),
            "{out}"
        );
        assert!(
            out.contains("[extra]\nk = 1\nimage_alt = \"A ship at a quay\"\n"),
            "{out}"
        );
        let (back, _) = read("a.md", &out, &taxes()).unwrap();
        assert_eq!(
            (back.image.as_str(), back.image_alt.as_str()),
            ("cover.jpg", "A ship at a quay")
        );
        // Without an [extra] table one is made; removing the text removes it.
        let plain = "+++\ntitle = \"T\"\n+++\nBody\n";
        let (mut form, _) = read("a.md", plain, &taxes()).unwrap();
        form.image_alt = "Alt".into();
        let out = write("a.md", plain, &form, &taxes()).unwrap();
        assert_eq!(
            out,
            "+++\ntitle = \"T\"\n\n[extra]\nimage_alt = \"Alt\"\n+++\nBody\n"
        );
        form.image_alt.clear();
        assert_eq!(
            write("a.md", &out, &form, &taxes()).unwrap(),
            "+++\ntitle = \"T\"\n+++\nBody\n"
        );
        // YAML: the rest of extra is kept.
        let yaml = "---\ntitle: Hi\nextra:\n  k: 1\n---\nBody\n";
        let (mut form, _) = read("a.md", yaml, &taxes()).unwrap();
        form.image = "c.png".into();
        form.image_alt = "Alt".into();
        let out = write("a.md", yaml, &form, &taxes()).unwrap();
        assert_eq!(
            out,
            "---\ntitle: Hi\nextra: {\"image_alt\":\"Alt\",\"k\":1}\nimage: \"c.png\"\n---\nBody\n"
        );
    }

    #[test]
    fn browser_fields_are_read() {
        let fields: Vec<(String, String)> = [
            ("title", "T"),
            ("highlight", "A"),
            ("highlight", " "),
            ("tax.tags", "x"),
            ("tax.tags", "y"),
            ("tax.nope", "z"),
            ("body", "a\r\nb"),
            ("draft", "on"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let form = from_fields(&fields, &taxes());
        assert_eq!(form.title, "T");
        assert_eq!(form.highlights, vec!["A"]);
        assert_eq!(form.taxonomies["tags"], vec!["x", "y"]);
        assert_eq!(form.body, "a\nb");
        assert!(form.draft);
    }
}
