//! quire-check: everything an editor should fix before publishing — broken
//! links and anchors, note and citation problems, missing, inconsistent or
//! stale translations and, on request, dead external links (issue #8).
//!
//! Owns: the checks that the build itself does not make, run over the same
//! corpus and derived notes the build uses, so `check` reports even when
//! the build would fail. Every finding is a located
//! [`quire_core::Diagnostic`]; the translation matrix is data.
//! Must not know: terminal colours, printing, exit codes (the CLI decides);
//! it writes only its link cache (`.quire-cache/links.json`), never content —
//! [`mark_translated`] returns the new text for the caller to write.

pub mod bib;
pub mod external;
pub mod fingerprint;
pub mod links;
pub mod notes;
pub mod own_site;
pub mod scan;
pub mod translations;

use std::path::{Path, PathBuf};

use quire_core::{Diagnostic, Diagnostics};
use quire_site::LoadOptions;
use serde::Serialize;

pub use external::{ExternalOptions, ExternalSummary};
pub use translations::{MatrixRow, SectionMatrix, mark_translated};

/// What to check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The site root (holds `quire.toml`).
    pub root: PathBuf,
    /// Check external links too (network); `None` keeps check offline.
    pub external: Option<ExternalOptions>,
}

impl CheckOptions {
    /// Offline check of the site at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        CheckOptions {
            root: root.into(),
            external: None,
        }
    }
}

/// Everything `quire check` found.
#[derive(Debug, Default, Serialize)]
pub struct CheckReport {
    /// Every finding, sorted by file, line and column.
    pub diagnostics: Diagnostics,
    /// Which articles exist in which languages, per section.
    pub translations: Vec<SectionMatrix>,
    /// What the external link checker did, when it ran.
    pub external: Option<ExternalSummary>,
}

impl CheckReport {
    /// Number of infos.
    pub fn info_count(&self) -> usize {
        self.diagnostics.0.len() - self.diagnostics.error_count() - self.diagnostics.warning_count()
    }
}

/// Runs every check on the site at `options.root`.
pub fn check(options: &CheckOptions) -> CheckReport {
    let mut report = CheckReport::default();
    let loaded = quire_site::load_site(&options.root, &LoadOptions::default());
    report.diagnostics.extend(loaded.diagnostics.0);
    let Some(corpus) = loaded.corpus else {
        report.diagnostics.sort();
        return report;
    };
    let base_path = corpus.routes.base_path().to_string();
    let derived = quire_build::derive::derive(&corpus, &base_path, &mut report.diagnostics);

    // Absolute site paths can only be checked against a real build; a site
    // with errors would not build, so don't pay for a second pass then.
    let built = if report.diagnostics.has_errors() {
        None
    } else {
        let (site, build_report) =
            quire_build::build_in_memory(&quire_build::BuildOptions::new(&options.root));
        // Same functions, same input: repeats are exact and `sort` drops them.
        report.diagnostics.extend(build_report.diagnostics.0);
        site
    };
    let outputs = built.as_ref().map(|s| links::Outputs::new(&s.artifacts));
    let bodies = scan::scan_site(&corpus);
    let mut found = Vec::new();
    links::check(&bodies, outputs.as_ref(), &base_path, &mut found);
    own_site::check(
        &bodies,
        outputs.as_ref(),
        &corpus.config.base_url,
        &mut found,
    );
    if let Some(derived) = &derived {
        notes::check(&corpus, derived, &mut found);
        bib::check(&corpus, derived, &mut found);
        report.translations = translations::check(&corpus, Some(derived), &mut found);
    } else {
        report.translations = translations::check(&corpus, None, &mut found);
    }
    if let Some(ext) = &options.external {
        let (summary, ds) = external::check(&options.root, &bodies, ext);
        found.extend(ds);
        report.external = Some(summary);
    }
    report.diagnostics.extend(found);
    report.diagnostics.sort();
    report
}

/// Makes `d` a diagnostic placed at byte `offset` of `text`.
pub(crate) fn at(d: Diagnostic, text: &str, offset: usize) -> Diagnostic {
    d.at(&quire_core::SourceText::new(text), offset)
}

/// `path` relative to `root` with `/` separators, when it lies inside it.
pub fn site_relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}
