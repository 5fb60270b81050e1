//! The `quire` binary: parses the command line, runs a command, prints
//! diagnostics once and chooses the exit status (0 success, 1 content
//! errors, 2 wrong usage, 3 output or I/O failure: see [`exit`]).

mod check;
mod commands;
mod deploy;
mod exit;
mod import_docx;
mod init;
mod output;
mod progress;
mod serve;
mod studio;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc instead of the system allocator: a build allocates and frees
/// millions of small strings across threads, and glibc's malloc took about a
/// tenth of a 10,000-article build's CPU time (see BENCHMARKS.md). Built
/// without transparent huge pages: with them a 10,000-article build took
/// 17 times fewer page faults but more kernel time, ran slower (13.2–13.8 s
/// against 13.9–16.5 s on tmpfs) and peaked about 120 MiB higher.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// quire: a multilingual publishing engine for research and policy analysis.
#[derive(Parser)]
#[command(name = "quire", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new site with a working example.
    Init {
        /// Folder to create (default: the current folder, which must be empty).
        dir: Option<std::path::PathBuf>,
    },
    /// Create a new article bundle (or a translation) from the site's archetype.
    New {
        /// `<section>/<slug>`, e.g. analysis/my-article.
        path: String,
        /// Language of the new file (default: the site's default language).
        #[arg(long)]
        lang: Option<String>,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: std::path::PathBuf,
    },
    /// Build the site into static files.
    Build {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: std::path::PathBuf,
        /// Output folder (default: <root>/public).
        #[arg(long)]
        output: Option<std::path::PathBuf>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Override base_url from quire.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Print a timing table of the build phases.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Show the articles most similar to one article, with scores and reasons.
    Similar {
        /// Content path, e.g. content/analysis/x/index.md or analysis/x/index.tr.md.
        content_path: String,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: std::path::PathBuf,
    },
    /// Preview the site: build into memory, serve it locally, rebuild and
    /// reload open pages on every change.
    Serve {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: std::path::PathBuf,
        /// Address to listen on (keep 127.0.0.1 unless others must reach it).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// The browser studio: write, cite, translate, preview and publish
    /// articles without touching files (`quire studio adduser` makes accounts).
    #[command(args_conflicts_with_subcommands = true)]
    Studio {
        #[command(subcommand)]
        action: Option<StudioAction>,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: std::path::PathBuf,
        /// Address to listen on; anything but loopback needs accounts.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1112)]
        port: u16,
        /// Open the studio in the default browser.
        #[arg(long)]
        open: bool,
        /// Commit every save with git as the person signed in; Publish also pushes.
        #[arg(long)]
        git: bool,
    },
    /// Check links, notes, citations and translations before publishing.
    Check {
        /// The site root.
        #[arg(long, default_value = ".")]
        root: std::path::PathBuf,
        /// Also check external links over the network (cached in .quire-cache/links.json).
        #[arg(long)]
        external: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: check::Format,
        /// Group text findings under their file even when the output is
        /// not a terminal (on a terminal they always are).
        #[arg(long)]
        heading: bool,
        /// Exit with status 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Record in this translation which version of its original it was made from, then stop.
        #[arg(long, value_name = "PATH")]
        mark_translated: Option<std::path::PathBuf>,
    },
    /// Publish the built site to object storage or a server folder, incrementally.
    Deploy(deploy::Args),
    /// Import content from another system.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

#[derive(Subcommand)]
enum StudioAction {
    /// Add (or replace) a studio account in studio-users.toml; the password
    /// is read from standard input.
    Adduser {
        /// The login name.
        login: String,
        /// author (own drafts), translator (translations) or editor (everything, publishing).
        #[arg(long)]
        role: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
        /// E-mail address.
        #[arg(long)]
        email: Option<String>,
        /// The person's id in authors/ (authors edit their own articles).
        #[arg(long)]
        author: Option<String>,
        /// The site root.
        #[arg(long, default_value = ".")]
        root: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum ImportSource {
    /// Import a WordPress WXR export (WPML and Polylang translations kept).
    Wordpress {
        /// The export file (Tools → Export in WordPress).
        export: std::path::PathBuf,
        /// Site folder to create or fill.
        #[arg(long, default_value = ".")]
        into: std::path::PathBuf,
        /// The wp-content/uploads folder, to copy images.
        #[arg(long)]
        uploads: Option<std::path::PathBuf>,
        /// Overwrite files an earlier import wrote (quire.toml is never replaced, only extended).
        #[arg(long)]
        force: bool,
        /// Import drafts, scheduled, private and password-protected posts too, as drafts.
        #[arg(long)]
        drafts: bool,
        /// Posts without language data take the language their old URL starts with (/tr/…).
        #[arg(long)]
        language_from_url: bool,
        /// The site's default language (e.g. en); default: the export's.
        #[arg(long, value_name = "LANG")]
        default_language: Option<String>,
    },
    /// Import a Word document (.docx) as an article, with its notes, Zotero
    /// and Mendeley citations, tables and images.
    Docx(import_docx::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Init { dir } => commands::init(dir),
        Command::New { path, lang, root } => commands::new_article(&root, &path, lang.as_deref()),
        Command::Build {
            root,
            output,
            drafts,
            base_url,
            verbose,
        } => commands::build_site(root, output, drafts, base_url, verbose),
        Command::Similar { content_path, root } => commands::similar(&root, &content_path),
        Command::Serve {
            root,
            bind,
            port,
            drafts,
            open,
        } => serve::run(root, bind, port, drafts, open),
        Command::Studio {
            action: None,
            root,
            bind,
            port,
            open,
            git,
        } => studio::run(root, bind, port, open, git),
        Command::Studio {
            action:
                Some(StudioAction::Adduser {
                    login,
                    role,
                    name,
                    email,
                    author,
                    root,
                }),
            ..
        } => studio::adduser(
            root,
            &login,
            &role,
            name.as_deref(),
            email.as_deref(),
            author.as_deref(),
        ),
        Command::Check {
            root,
            external,
            format,
            heading,
            deny_warnings,
            mark_translated,
        } => check::run(
            &root,
            external,
            format,
            heading,
            deny_warnings,
            mark_translated,
        ),
        Command::Import {
            source:
                ImportSource::Wordpress {
                    export,
                    into,
                    uploads,
                    force,
                    drafts,
                    language_from_url,
                    default_language,
                },
        } => {
            let mut options = quire_import::ImportOptions::new(export, into);
            options.uploads = uploads;
            options.force = force;
            options.drafts = drafts;
            options.language_from_url = language_from_url;
            options.default_language = default_language;
            commands::import_wordpress(options)
        }
        Command::Import {
            source: ImportSource::Docx(args),
        } => import_docx::run(args),
        Command::Deploy(args) => deploy::run(args),
    };
    ExitCode::from(status.code())
}
