//! The build pipeline: configure → discover → parse → assemble (in
//! `quire-site`) → derive → render → emit (here).
//!
//! Owns: running the phases in order, timing them, collecting every
//! diagnostic, and writing the output folder safely. Only this crate writes
//! output; it never prints or exits (the CLI does).

pub mod cache;
pub mod derive;
pub mod emit;
mod error;
pub mod extensions;
pub mod feeds;
mod jsonld;
pub mod notes;
mod output;
mod outputs;
pub mod pages;
pub mod preview;
pub mod reuse;
pub mod urls;
pub mod views;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use quire_core::{Diagnostic, Diagnostics, NoProgress, Progress};
use quire_site::{Corpus, LoadOptions, Page, Routes};
use quire_theme::{Strings, Theme};

use outputs::Outputs;

pub use cache::BuildCache;
pub use emit::{Artifact, Body};
pub use error::BuildError;
pub use output::pdf::{PdfSetup, edition_path, has_edition_enabled};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holds `quire.toml`).
    pub root: PathBuf,
    /// The output folder (default `<root>/public`).
    pub output: PathBuf,
    /// Include drafts.
    pub drafts: bool,
    /// Replace the configured base URL.
    pub base_url: Option<String>,
}

impl BuildOptions {
    /// Options for the site at `root` with the default output folder.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        BuildOptions {
            output: root.join("public"),
            root,
            drafts: false,
            base_url: None,
        }
    }
}

/// The result of a build, successful or not.
#[derive(Debug, Default)]
pub struct BuildReport {
    /// Every finding, sorted.
    pub diagnostics: Diagnostics,
    /// Wall time of each phase.
    pub timings: Vec<(&'static str, Duration)>,
    /// Number of HTML pages written.
    pub pages: usize,
    /// Number of files written.
    pub files: usize,
    /// True when the output was written.
    pub written: bool,
    /// Why the output folder could not be used or written (a refusal or
    /// an I/O failure); content errors are in `diagnostics`.
    pub error: Option<BuildError>,
    /// Nothing changed since the last build, whose output was kept as it is.
    pub up_to_date: bool,
    /// Wall time of each output (pages, search index, feeds, sitemap…),
    /// made side by side; included in the "render" phase.
    pub overlapped: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    /// True when the build wrote its output and found no errors.
    pub fn succeeded(&self) -> bool {
        self.written && !self.diagnostics.has_errors()
    }

    /// Takes the failure out of the report: the output failure if any,
    /// else [`BuildError::Content`] when the diagnostics hold errors.
    pub fn take_error(&mut self) -> Option<BuildError> {
        self.error.take().or_else(|| {
            self.diagnostics.has_errors().then(|| BuildError::Content {
                errors: self.diagnostics.error_count(),
            })
        })
    }
}

/// A built site held in memory.
pub struct BuiltSite {
    /// The corpus it was built from.
    pub corpus: Corpus,
    /// Every output file.
    pub artifacts: Vec<Artifact>,
    /// Derived data (similar posts, notes).
    pub derived: derive::Derived,
}

/// Builds the site into memory. Returns the site (when there are no errors)
/// and the report.
pub fn build_in_memory(options: &BuildOptions) -> (Option<BuiltSite>, BuildReport) {
    build_in_memory_cached(options, None)
}

/// [`build_in_memory`] reusing what earlier builds of the same site left in
/// `cache` (`quire serve`): unchanged sources are not parsed again, notes
/// and outputs whose inputs did not change are not rendered again. Gives
/// the same result as [`build_in_memory`].
pub fn build_in_memory_cached(
    options: &BuildOptions,
    cache: Option<&BuildCache>,
) -> (Option<BuiltSite>, BuildReport) {
    let mut report = BuildReport::default();
    let outputs = Outputs::in_memory();
    match produce(
        options,
        cache,
        Keep::Everything,
        &outputs,
        &mut report,
        &NoProgress,
    ) {
        Some((corpus, derived)) => (
            Some(BuiltSite {
                corpus,
                artifacts: outputs.into_artifacts(),
                derived,
            }),
            report,
        ),
        None => (None, report),
    }
}

/// What [`produce`] keeps of the corpus after the derive phase.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// Everything: the caller looks at the corpus afterwards.
    Everything,
    /// All but the source texts: nothing after derive reads them.
    AllButSourceTexts,
}

/// Runs every phase from loading to the last file, putting each file into
/// `outputs` as it is made. Returns the corpus and derived data when the
/// site built without errors.
fn produce(
    options: &BuildOptions,
    cache: Option<&BuildCache>,
    keep: Keep,
    outputs: &Outputs<'_>,
    report: &mut BuildReport,
    progress: &dyn Progress,
) -> Option<(Corpus, derive::Derived)> {
    if let Some(cache) = cache {
        cache.begin_build();
    }
    progress.phase("load");
    let loaded = quire_site::load_site_cached(
        &options.root,
        &LoadOptions {
            drafts: options.drafts,
            base_url: options.base_url.clone(),
        },
        cache.map(BuildCache::parse),
    );
    report.timings.extend(loaded.timings);
    report.diagnostics.extend(loaded.diagnostics.0);
    let mut corpus = loaded.corpus?;

    progress.phase("derive");
    let clock = Instant::now();
    let (theme, strings) = theme_and_strings(&corpus, &mut report.diagnostics);
    let derived = derive::derive_cached(
        &corpus,
        corpus.routes.base_path(),
        &mut report.diagnostics,
        cache,
    );
    report.timings.push(("derive", clock.elapsed()));
    let (Some(theme), Some(derived)) = (theme, derived) else {
        report.diagnostics.sort();
        return None;
    };
    if report.diagnostics.has_errors() {
        report.diagnostics.sort();
        return None;
    }
    if keep == Keep::AllButSourceTexts {
        corpus.release_source_texts();
    }

    progress.phase("render");
    let clock = Instant::now();
    let stylesheet = output::assets::stylesheet();
    // The PDF editions' template and logo, read once; a file that cannot
    // be read is an error of the build, and no PDF is made.
    let pdf_setup = output::pdf::PdfSetup::load(&corpus).unwrap_or_else(|d| {
        report.diagnostics.push(d);
        None
    });
    let mut renderer =
        pages::Renderer::new(&corpus, &derived, &theme, &strings, stylesheet.0.clone())
            .with_pdf(pdf_setup.as_ref());
    if let Some(cache) = cache {
        renderer = renderer.reusing(cache);
    }
    outputs.prepare_folders(
        corpus
            .pages
            .iter()
            .map(|p| p.path.trim_start_matches('/').trim_end_matches('/')),
    );
    let ran = output::produce_all(
        &output::Context {
            corpus: &corpus,
            routes: &corpus.routes,
            derived: &derived,
            theme: &theme,
            strings: &strings,
            renderer: &renderer,
            cache,
            stylesheet: &stylesheet,
        },
        outputs,
    );
    report.diagnostics.extend(ran.diagnostics);
    report.pages = ran.pages;
    report.timings.push(("render", clock.elapsed()));
    report.overlapped = ran.timings;
    report
        .diagnostics
        .extend(blame_content(&corpus, outputs.take_problems()));
    report.diagnostics.sort();
    if report.diagnostics.has_errors() {
        return None;
    }
    report.files = outputs.count();
    drop(renderer);
    Some((corpus, derived))
}

/// The site's templates and UI strings (its own over the built-in ones);
/// `None` for the theme when a template does not compile.
pub fn theme_and_strings(
    corpus: &Corpus,
    diagnostics: &mut Diagnostics,
) -> (Option<Theme>, Strings) {
    let languages = corpus.config.language_codes();
    let (strings, string_diags) = Strings::load(&languages, &corpus.files.i18n, &|lang| {
        quire_search::builtin_strings(lang)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    });
    diagnostics.extend(string_diags);
    let theme = match Theme::new(&corpus.files.templates) {
        Ok(t) => Some(t),
        Err(ds) => {
            diagnostics.extend(ds);
            None
        }
    };
    (theme, strings)
}

/// Builds the site and writes it to `options.output`, replacing the
/// previous output whole; on any error the previous output is untouched.
pub fn build(options: &BuildOptions) -> BuildReport {
    build_reporting(options, &NoProgress)
}

/// [`build`], telling `progress` each phase it enters
/// ([`quire_core::progress::BUILD_PHASES`]).
pub fn build_reporting(options: &BuildOptions, progress: &dyn Progress) -> BuildReport {
    if let Err(e) = emit::check_output(&options.root, &options.output) {
        return BuildReport {
            error: Some(e.into()),
            ..BuildReport::default()
        };
    }
    // Held to the end: no other build may read the manifest, clean up
    // staging folders or swap the output meanwhile.
    let _lock = match emit::OutputLock::acquire(&options.output) {
        Ok(lock) => lock,
        Err(e) => {
            return BuildReport {
                error: Some(e.into()),
                ..BuildReport::default()
            };
        }
    };
    let clock = Instant::now();
    let drafts = if options.drafts { "--drafts" } else { "" };
    let base_url = options.base_url.as_deref().unwrap_or("");
    let inputs = reuse::inputs_fingerprint(&options.root, &options.output, &[drafts, base_url]);
    let previous = reuse::Manifest::load(&options.root, &options.output);
    if let Some(m) = &previous
        && m.inputs == inputs
        && m.output_intact(&options.output)
    {
        return BuildReport {
            timings: vec![("fingerprint", clock.elapsed())],
            pages: m.pages,
            files: m.files.len(),
            written: true,
            up_to_date: true,
            ..BuildReport::default()
        };
    }
    let fingerprint_time = clock.elapsed();
    let staging = match emit::Staging::begin(&options.output, previous.as_ref()) {
        Ok(s) => s,
        Err(e) => {
            return BuildReport {
                error: Some(e.into()),
                ..BuildReport::default()
            };
        }
    };
    // Files are written into the staging folder as they are made; the
    // previous output stays in place until the commit below.
    let outputs = Outputs::into_staging(&staging);
    let mut report = BuildReport::default();
    let produced = produce(
        options,
        None,
        Keep::AllButSourceTexts,
        &outputs,
        &mut report,
        progress,
    );
    report.timings.insert(0, ("fingerprint", fingerprint_time));
    let failure = outputs.take_failure();
    drop(outputs);
    if produced.is_none() {
        staging.abandon();
        return report;
    }
    if let Some(e) = failure {
        report.error = Some(e.into());
        staging.abandon();
        return report;
    }
    progress.phase("emit");
    let clock = Instant::now();
    reuse::Manifest::forget(&options.root, &options.output);
    let pages = report.pages;
    // Nothing reads the corpus again: its millions of small allocations
    // are freed on another core while the output is swapped in.
    let ((), committed) = rayon::join(
        move || drop(produced),
        || {
            let files = staging.commit()?;
            reuse::Manifest {
                inputs,
                pages,
                files,
            }
            .save(&options.root, &options.output);
            Ok::<(), emit::EmitError>(())
        },
    );
    match committed {
        Ok(()) => report.written = true,
        Err(e) => report.error = Some(e.into()),
    }
    report.timings.push(("emit", clock.elapsed()));
    report
}

/// Output path problems (a clash with a built-in file, an over-long name)
/// moved onto the content file that asked for the path — the page by its
/// `slug`, an alias by `aliases`, a term by its taxonomy key — so the
/// message names a file and line the writer can change. A problem no
/// content caused (two static files, say) stays on the output path.
fn blame_content(corpus: &Corpus, problems: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if problems.is_empty() {
        return problems;
    }
    // What each piece of content puts where: (folder, file, page, key, what).
    let mut claims: Vec<(String, String, &Page, String, String)> = Vec::new();
    for page in &corpus.pages {
        let folder = page.path.trim_start_matches('/').to_string();
        if !folder.is_empty() {
            let file = Routes::output_file(&page.path);
            claims.push((
                folder,
                file,
                page,
                "slug".into(),
                format!("the URL {}", page.path),
            ));
        }
        for alias in &page.front.aliases {
            let Some(path) = Routes::alias(alias) else {
                continue;
            };
            let file = Routes::output_file(&path);
            let folder = if path.ends_with('/') {
                path.trim_start_matches('/').to_string()
            } else {
                String::new()
            };
            claims.push((
                folder,
                file,
                page,
                "aliases".into(),
                format!("alias {alias}"),
            ));
        }
    }
    for taxonomy in &corpus.taxonomies {
        for term in taxonomy.terms.values().flatten() {
            if let Some(&first) = term.pages.first() {
                let folder = term.path.trim_start_matches('/').to_string();
                claims.push((
                    folder.clone(),
                    Routes::output_file(&term.path),
                    &corpus.pages[first],
                    taxonomy.name.clone(),
                    format!("{} `{}`", taxonomy.name, term.name),
                ));
            }
        }
    }
    let mut out = Vec::new();
    for problem in problems {
        let at = problem.path.as_str();
        let mut blamed = false;
        for (folder, file, page, key, what) in &claims {
            let hit = file == at
                || file.starts_with(&format!("{at}/"))
                || (!folder.is_empty() && at.starts_with(folder.as_str()));
            if !hit {
                continue;
            }
            blamed = true;
            // The build may have let go of source texts; errors are rare,
            // so the file is read again to place this one.
            let text = std::fs::read_to_string(corpus.files.root.join(&page.source_path))
                .unwrap_or_default();
            let source = quire_core::SourceText::new(&text);
            let d = Diagnostic::error(
                page.source_path.clone(),
                format!("{what} cannot be published at {at}: {}", problem.message),
            );
            out.push(match page.front.key_offsets.get(key.as_str()) {
                Some(&o) if o < text.len() => d.at(&source, o),
                _ => d.at_line(&source, 1, 1),
            });
        }
        if !blamed {
            out.push(problem);
        }
    }
    out
}

/// True if `path` holds a site (a `quire.toml`).
pub fn is_site(path: &Path) -> bool {
    path.join(quire_site::config::CONFIG_FILE).is_file()
}
