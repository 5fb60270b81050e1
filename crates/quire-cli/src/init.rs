//! `quire init`: writes a small working site, embedded in the binary.

use std::path::Path;

use crate::exit::Outcome;

/// The files of the new site: (relative path, text).
const FILES: &[(&str, &str)] = &[
    (
        "archetypes/article.md",
        include_str!("../init/archetypes/article.md"),
    ),
    (
        "authors/sample-author.toml",
        include_str!("../init/authors/sample-author.toml"),
    ),
    (
        "content/_index.md",
        include_str!("../init/content/_index.md"),
    ),
    (
        "content/_index.tr.md",
        include_str!("../init/content/_index.tr.md"),
    ),
    (
        "content/about/index.md",
        include_str!("../init/content/about/index.md"),
    ),
    (
        "content/about/index.tr.md",
        include_str!("../init/content/about/index.tr.md"),
    ),
    (
        "content/analysis/_index.md",
        include_str!("../init/content/analysis/_index.md"),
    ),
    (
        "content/analysis/_index.tr.md",
        include_str!("../init/content/analysis/_index.tr.md"),
    ),
    (
        "content/analysis/grain-corridors/index.md",
        include_str!("../init/content/analysis/grain-corridors/index.md"),
    ),
    (
        "content/analysis/water-and-power/index.md",
        include_str!("../init/content/analysis/water-and-power/index.md"),
    ),
    (
        "content/analysis/water-and-power/index.tr.md",
        include_str!("../init/content/analysis/water-and-power/index.tr.md"),
    ),
    ("quire.toml", include_str!("../init/quire.toml")),
    (".gitignore", include_str!("../init/.gitignore")),
];

/// Writes the example site into `dir`, which must not exist or be empty.
/// Returns the number of files written.
pub fn write_site(dir: &Path) -> Result<usize, InitError> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir)
            .map_err(|e| InitError::Io(format!("cannot read {}: {e}", dir.display())))?
            .next()
            .is_some();
        if non_empty {
            return Err(InitError::NotEmpty(format!(
                "{} is not empty; quire init only writes into a new or empty folder",
                dir.display()
            )));
        }
    }
    for (path, text) in FILES {
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| InitError::Io(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&target, text)
            .map_err(|e| InitError::Io(format!("cannot write {}: {e}", target.display())))?;
    }
    Ok(FILES.len())
}

/// Why `quire init` wrote nothing (or not everything).
#[derive(Debug)]
pub enum InitError {
    /// The folder already holds files (wrong usage).
    NotEmpty(String),
    /// Reading the folder or writing a file failed.
    Io(String),
}

impl InitError {
    /// How the command ended.
    pub fn outcome(&self) -> Outcome {
        match self {
            InitError::NotEmpty(_) => Outcome::Usage,
            InitError::Io(_) => Outcome::OutputFailure,
        }
    }
}

impl std::fmt::Display for InitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InitError::NotEmpty(m) | InitError::Io(m) => f.write_str(m),
        }
    }
}
