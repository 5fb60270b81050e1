//! One function per command; each returns how it ended ([`Outcome`]).

use std::path::{Path, PathBuf};

use quire_build::{BuildError, BuildOptions, build_in_memory};

use crate::exit::Outcome;
use crate::output::{print_diagnostics, print_timings};

/// `quire init [DIR]`.
pub fn init(dir: Option<PathBuf>) -> Outcome {
    let dir = dir.unwrap_or_else(|| PathBuf::from("."));
    match crate::init::write_site(&dir) {
        Ok(files) => {
            println!("Created a new site in {} ({files} files).", dir.display());
            println!("Build it:  quire build --root {}", dir.display());
            Outcome::Success
        }
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.outcome()
        }
    }
}

/// The built-in archetype, used when the site has no `archetypes/article.md`.
const ARCHETYPE: &str = "+++\ntitle = \"{title}\"\ndate = {date}\nauthors = []\nhighlights = [\n  \"First key point.\",\n  \"Second key point.\",\n  \"Third key point.\",\n]\ntags = []\n+++\n\nWrite the analysis here. Cite sources with footnotes.[^1]\n\n[^1]: “Title of the source”, Publisher, https://example.org/source, (Date of access: {date_dotted}).\n";

/// `quire new <section>/<slug> [--lang xx]`.
pub fn new_article(root: &Path, path: &str, lang: Option<&str>) -> Outcome {
    let config = match quire_site::config::load(root, None) {
        Ok((c, _)) => c,
        Err(ds) => {
            for d in ds {
                eprintln!("{d}");
            }
            return Outcome::ContentErrors;
        }
    };
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let [section, slug] = parts.as_slice() else {
        eprintln!("error: give the new article as <section>/<slug>, e.g. analysis/water-security");
        return Outcome::Usage;
    };
    if quire_core::slugify(section) != *section || quire_core::slugify(slug) != *slug {
        eprintln!(
            "error: section and slug must be lower-case ASCII words joined by '-', e.g. analysis/water-security"
        );
        return Outcome::Usage;
    }
    let default = config.default_language().code.clone();
    let lang = lang.unwrap_or(&default);
    if !config.has_language(lang) {
        eprintln!("error: `{lang}` is not configured in quire.toml; add [languages.{lang}]");
        return Outcome::Usage;
    }
    let file_name = if lang == default {
        "index.md".to_string()
    } else {
        format!("index.{lang}.md")
    };
    let dir = root.join("content").join(section).join(slug);
    let file = dir.join(&file_name);
    if file.exists() {
        eprintln!(
            "error: {} already exists; quire new never overwrites",
            file.display()
        );
        return Outcome::Usage;
    }
    let archetype = std::fs::read_to_string(root.join("archetypes/article.md"))
        .unwrap_or_else(|_| ARCHETYPE.to_string());
    let today = jiff::ZonedDateTime::now().date();
    let title: String = slug
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let text = archetype
        .replace("{title}", &title)
        .replace("{date}", &today.to_string())
        .replace("{date_dotted}", &today.strftime("%d.%m.%Y").to_string());
    if let Err(e) = std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&file, text)) {
        eprintln!("error: cannot write {}: {e}", file.display());
        return Outcome::OutputFailure;
    }
    println!("Created {}", file.display());
    Outcome::Success
}

/// `quire build`.
pub fn build_site(
    root: PathBuf,
    output: Option<PathBuf>,
    drafts: bool,
    base_url: Option<String>,
    verbose: bool,
) -> Outcome {
    if !quire_build::is_site(&root) {
        eprintln!(
            "error: {} has no quire.toml; pass --root with the site folder, or run `quire init` to create a site",
            root.display()
        );
        return Outcome::Usage;
    }
    let mut options = BuildOptions::new(&root);
    if let Some(o) = output {
        options.output = o;
    }
    options.drafts = drafts;
    options.base_url = base_url;
    let clock = std::time::Instant::now();
    let mut report = {
        let bar = crate::progress::Bar::phases(quire_core::progress::BUILD_PHASES);
        quire_build::build_reporting(&options, &bar)
    };
    print_diagnostics(&report.diagnostics);
    if verbose {
        print_timings(&report.timings, &report.overlapped);
    }
    if let Some(e) = report.take_error() {
        match e {
            BuildError::Content { .. } => eprintln!(
                "Build failed; the previous output in {} is unchanged.",
                options.output.display()
            ),
            _ => eprintln!("error: {e}"),
        }
        return Outcome::from(&e);
    }
    if !report.succeeded() {
        eprintln!(
            "Build failed; the previous output in {} is unchanged.",
            options.output.display()
        );
        return Outcome::ContentErrors;
    }
    if report.up_to_date {
        eprintln!(
            "Nothing changed since the last build: {} is up to date ({} pages, {} files, checked in {:.0} ms)",
            options.output.display(),
            report.pages,
            report.files,
            clock.elapsed().as_secs_f64() * 1000.0,
        );
        return Outcome::Success;
    }
    eprintln!(
        "Built {} pages ({} files) in {:.0} ms → {}",
        report.pages,
        report.files,
        clock.elapsed().as_secs_f64() * 1000.0,
        options.output.display()
    );
    Outcome::Success
}

/// `quire similar CONTENT_PATH`.
pub fn similar(root: &Path, content_path: &str) -> Outcome {
    let options = BuildOptions::new(root);
    let (site, report) = build_in_memory(&options);
    let Some(site) = site else {
        print_diagnostics(&report.diagnostics);
        return Outcome::ContentErrors;
    };
    let wanted = content_path.trim_start_matches("./");
    let wanted = if wanted.starts_with("content/") {
        wanted.to_string()
    } else {
        format!("content/{wanted}")
    };
    let Some(page) = site.corpus.pages.iter().find(|p| p.source_path == wanted) else {
        eprintln!(
            "error: no article at {wanted}; give a path like content/analysis/some-article/index.md"
        );
        return Outcome::Usage;
    };
    let matches = &site.derived.similar[page.index];
    println!("{} ({}, {})", page.front.title, page.lang, page.path);
    if matches.is_empty() {
        println!("  no similar articles in this language");
    }
    for (rank, m) in matches.iter().enumerate() {
        let other = &site.corpus.pages[m.doc];
        println!(
            "{:>2}. {:.3}  {}  {}",
            rank + 1,
            m.score,
            other.front.title,
            other.path
        );
        if !m.reasons.is_empty() {
            println!("      because: {}", m.reasons.join(", "));
        }
    }
    Outcome::Success
}

/// `quire import wordpress`: imports, then loads the written site with the
/// build's own checks (everything but writing the output), so that the
/// import succeeds only when `quire build` will.
pub fn import_wordpress(options: quire_import::ImportOptions) -> Outcome {
    let imported = {
        let _spinner = crate::progress::Bar::start("importing");
        quire_import::import_wordpress(&options)
    };
    let report = match imported {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return Outcome::from(&e);
        }
    };
    println!("{report}");
    let mut runs = vec![false];
    if options.drafts {
        runs.push(true);
    }
    for drafts in runs {
        let mut build = BuildOptions::new(&options.into);
        build.drafts = drafts;
        let (_, built) = {
            let _spinner = crate::progress::Bar::start("checking that the imported site builds");
            build_in_memory(&build)
        };
        if built.diagnostics.has_errors() {
            print_diagnostics(&built.diagnostics);
            eprintln!(
                "error: the imported site in {} does not build{}; the files are written, fix the errors above or report them",
                options.into.display(),
                if drafts { " with --drafts" } else { "" }
            );
            return Outcome::ContentErrors;
        }
    }
    println!(
        "Checked: the site in {} builds (quire build --root {}).",
        options.into.display(),
        options.into.display()
    );
    Outcome::Success
}
