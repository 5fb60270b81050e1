//! Importing into a site that already exists: what it has, and its
//! `quire.toml` gaining what the import needs without losing anything.
//!
//! Owns: reading the existing configuration (languages, taxonomies, default
//! language), the content folders and which WordPress post each existing
//! bundle holds, and the edit of `quire.toml` (formatting and comments
//! kept, via `toml_edit`).
//! Must not know: the export, or how pages are converted.

use std::collections::HashMap;
use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, value};

use crate::ImportError;

/// What the site being imported into already has.
#[derive(Debug, Default)]
pub(crate) struct ExistingSite {
    /// Its `quire.toml`, when it has one.
    pub config: Option<String>,
    pub default_language: Option<String>,
    pub languages: Vec<String>,
    pub taxonomies: Vec<String>,
    /// Folders under `content/`, two levels deep (`content/analysis`,
    /// `content/analysis/x`), site-relative with `/`.
    pub content_dirs: Vec<String>,
    /// Bundle folders → the `wordpress_id` their front matter names, if any.
    pub bundles: HashMap<String, Option<u64>>,
    /// URLs its pages and sections have (by folder names; slugs are not read).
    pub urls: Vec<String>,
    /// `--force`: existing bundles of the same post are overwritten.
    pub force: bool,
}

/// Reads the site at `root`, if there is one (a `quire.toml` or a
/// `content/` folder).
pub(crate) fn read(root: &Path, force: bool) -> Result<Option<ExistingSite>, ImportError> {
    let config_path = root.join("quire.toml");
    let content = root.join("content");
    if !config_path.is_file() && !content.is_dir() {
        return Ok(None);
    }
    let mut site = ExistingSite {
        force,
        ..ExistingSite::default()
    };
    if config_path.is_file() {
        let text = std::fs::read_to_string(&config_path).map_err(|source| ImportError::Read {
            path: config_path.clone(),
            source,
        })?;
        let doc: DocumentMut = text.parse().map_err(|e| {
            ImportError::Options(format!(
                "{}: the existing quire.toml is not valid TOML, so the import cannot add to it: {e}",
                config_path.display()
            ))
        })?;
        let keys = |name: &str| -> Vec<String> {
            doc.get(name)
                .and_then(Item::as_table_like)
                .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
                .unwrap_or_default()
        };
        site.default_language = Some(
            doc.get("default_language")
                .and_then(Item::as_str)
                .unwrap_or("en")
                .to_string(),
        );
        site.languages = keys("languages");
        site.taxonomies = keys("taxonomies");
        site.config = Some(text);
    }
    for first in sorted_dirs(&content) {
        let rel = format!("content/{first}");
        let dir = content.join(&first);
        site.content_dirs.push(rel.clone());
        if has_index(&dir) {
            site.urls.push(format!("/{first}/"));
            site.bundles.insert(rel.clone(), wordpress_id(&dir));
        } else {
            site.urls.push(format!("/{first}/"));
        }
        for second in sorted_dirs(&dir) {
            let rel2 = format!("{rel}/{second}");
            let dir2 = dir.join(&second);
            site.content_dirs.push(rel2.clone());
            if has_index(&dir2) {
                site.urls.push(format!("/{first}/{second}/"));
                site.bundles.insert(rel2, wordpress_id(&dir2));
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(&content) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".md")
                && !stem.starts_with('_')
                && entry.file_type().is_ok_and(|t| t.is_file())
            {
                let stem = stem.split('.').next().unwrap_or(stem);
                site.urls.push(format!("/{stem}/"));
            }
        }
    }
    Ok(Some(site))
}

fn sorted_dirs(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn index_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("index.") && n.ends_with(".md"))
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn has_index(dir: &Path) -> bool {
    !index_files(dir).is_empty()
}

/// The `wordpress_id = N` an earlier import wrote into the bundle's front matter.
fn wordpress_id(dir: &Path) -> Option<u64> {
    for file in index_files(dir) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines().take(200) {
            if let Some(rest) = line.trim().strip_prefix("wordpress_id")
                && let Some(v) = rest.trim().strip_prefix('=')
                && let Ok(id) = v.trim().parse()
            {
                return Some(id);
            }
        }
    }
    None
}

/// What the import needs in `quire.toml`.
pub(crate) struct ConfigNeeds<'a> {
    pub title: &'a str,
    pub base_url: &'a str,
    pub default_language: &'a str,
    /// Code → name.
    pub languages: &'a std::collections::BTreeMap<String, String>,
    pub taxonomies: &'a std::collections::BTreeSet<String>,
}

/// A new `quire.toml`.
pub(crate) fn new_config(needs: &ConfigNeeds<'_>) -> String {
    let quoted = |t: &str| value(t).to_string().trim().to_string();
    let mut config = String::new();
    config.push_str(&format!("title = {}\n", quoted(needs.title)));
    config.push_str(&format!("base_url = {}\n", quoted(needs.base_url)));
    config.push_str(&format!(
        "default_language = {}\n",
        quoted(needs.default_language)
    ));
    for (code, name) in needs.languages {
        config.push_str(&format!("\n[languages.{code}]\nname = {}\n", quoted(name)));
    }
    config.push_str("\n[taxonomies]\n");
    for tax in needs.taxonomies {
        config.push_str(&format!("{tax} = {{}}\n"));
    }
    config
}

/// The existing `quire.toml` with the languages and taxonomies it lacks
/// added, everything else (values, comments, order) as it was; and a line
/// per addition for the report.
pub(crate) fn merge_config(
    text: &str,
    needs: &ConfigNeeds<'_>,
) -> Result<(String, Vec<String>), String> {
    let mut doc: DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    let mut added = Vec::new();
    let existing_default = doc
        .get("default_language")
        .and_then(Item::as_str)
        .unwrap_or("en")
        .to_string();
    let wanted: Vec<(&String, &String)> = needs
        .languages
        .iter()
        .filter(|(code, _)| **code != existing_default || doc.get("languages").is_some())
        .collect();
    let missing: Vec<(&String, &String)> = wanted
        .into_iter()
        .filter(|(code, _)| {
            !doc.get("languages")
                .and_then(Item::as_table_like)
                .is_some_and(|t| t.contains_key(code))
        })
        .collect();
    if !missing.is_empty() {
        if doc.get("languages").is_none() {
            let mut table = Table::new();
            table.set_implicit(true);
            doc.insert("languages", Item::Table(table));
            // A site without [languages] had only its default language;
            // listing languages means listing it too.
            let name = needs
                .languages
                .get(&existing_default)
                .cloned()
                .unwrap_or_else(|| existing_default.clone());
            add_language(&mut doc, &existing_default, &name)?;
            added.push(format!("[languages.{existing_default}] name = \"{name}\""));
        }
        for (code, name) in missing {
            if *code == existing_default {
                continue;
            }
            add_language(&mut doc, code, name)?;
            added.push(format!("[languages.{code}] name = \"{name}\""));
        }
    }
    if doc.get("taxonomies").is_none() {
        doc.insert("taxonomies", Item::Table(Table::new()));
    }
    let taxonomies = doc
        .get_mut("taxonomies")
        .and_then(Item::as_table_like_mut)
        .ok_or("`taxonomies` in quire.toml is not a table")?;
    for tax in needs.taxonomies {
        if !taxonomies.contains_key(tax) {
            taxonomies.insert(tax, Item::Value(toml_edit::InlineTable::new().into()));
            added.push(format!("[taxonomies] {tax} = {{}}"));
        }
    }
    Ok((doc.to_string(), added))
}

fn add_language(doc: &mut DocumentMut, code: &str, name: &str) -> Result<(), String> {
    let languages = doc
        .get_mut("languages")
        .and_then(Item::as_table_like_mut)
        .ok_or("`languages` in quire.toml is not a table")?;
    let mut table = Table::new();
    table.insert("name", value(name));
    languages.insert(code, Item::Table(table));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn merge_adds_languages_and_taxonomies_and_keeps_the_rest() {
        let text = "# my site\ntitle = \"Mine\" # keep\nbase_url = \"https://m.example\"\n\n[taxonomies]\nregions = {}   # aligned\n\n[search]\nenabled = false\n";
        let languages: BTreeMap<String, String> = [("en", "English"), ("tr", "Türkçe")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let taxonomies: BTreeSet<String> =
            ["tags", "regions"].into_iter().map(String::from).collect();
        let needs = ConfigNeeds {
            title: "Theirs",
            base_url: "https://t.example",
            default_language: "en",
            languages: &languages,
            taxonomies: &taxonomies,
        };
        let (out, added) = merge_config(text, &needs).expect("merges");
        assert!(
            out.starts_with("# my site\ntitle = \"Mine\" # keep\n"),
            "{out}"
        );
        assert!(out.contains("regions = {}   # aligned"), "{out}");
        assert!(out.contains("[search]\nenabled = false"), "{out}");
        assert!(out.contains("[languages.en]\nname = \"English\""), "{out}");
        assert!(out.contains("[languages.tr]\nname = \"Türkçe\""), "{out}");
        assert!(out.contains("tags = {}"), "{out}");
        assert_eq!(added.len(), 3, "{added:?}");
        let parsed: toml::Table = out.parse().expect("valid TOML");
        assert_eq!(parsed["title"].as_str(), Some("Mine"));
    }
}
