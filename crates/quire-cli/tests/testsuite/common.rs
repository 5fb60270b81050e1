//! A fixture-site harness: copy a fixture into a temp folder, edit it, run
//! `quire`, and inspect the output as parsed HTML.

use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{Html, Selector};

/// A site in a temporary folder.
pub struct Site {
    _dir: tempfile::TempDir,
    /// The site root.
    pub root: PathBuf,
}

/// The result of running `quire`.
pub struct Run {
    /// Exit status code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Site {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(name),
            &root,
        );
        Site { _dir: dir, root }
    }

    /// Writes (or replaces) a file of the site.
    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Runs `quire` with arguments in the site root.
    pub fn quire(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_quire"))
            .args(args)
            .current_dir(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Builds into `public/` and panics with the diagnostics on failure.
    pub fn build(&self) -> Run {
        let run = self.quire(&["build"]);
        assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
        run
    }

    /// The output folder.
    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// An output file as text.
    pub fn output(&self, rel: &str) -> String {
        std::fs::read_to_string(self.public().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// An output HTML file, parsed.
    pub fn page(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.output(rel)))
    }
}

/// Runs `quire` in `dir`; returns the exit code and stdout + stderr.
pub fn quire_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A parsed HTML page with small query helpers.
pub struct Page(pub Html);

impl Page {
    /// All elements matching `css`.
    pub fn all(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap();
        self.0.select(&sel).collect()
    }

    /// The only element matching `css`.
    pub fn one(&self, css: &str) -> scraper::ElementRef<'_> {
        let all = self.all(css);
        assert_eq!(all.len(), 1, "expected one `{css}`, found {}", all.len());
        all[0]
    }

    /// Text of the only element matching `css`, whitespace collapsed.
    pub fn text(&self, css: &str) -> String {
        collapse(&self.one(css).text().collect::<String>())
    }

    /// Attribute of the only element matching `css`.
    pub fn attr(&self, css: &str, name: &str) -> String {
        self.one(css)
            .value()
            .attr(name)
            .unwrap_or_else(|| panic!("`{css}` has no {name}"))
            .to_string()
    }

    /// `content` of `<meta name|property=key>` elements.
    pub fn meta(&self, key: &str) -> Vec<String> {
        self.all(&format!("meta[name=\"{key}\"], meta[property=\"{key}\"]"))
            .iter()
            .filter_map(|e| e.value().attr("content").map(str::to_string))
            .collect()
    }
}

/// Collapses runs of white space.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, sorted by path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}
