//! `quire deploy`: picks the `[[deploy]]` target, runs `quire_deploy`, and
//! prints the plan or the outcome. Exit status: 0 done, 1 refused because
//! of what would happen (too many deletions) or a bad `quire.toml`, 2 wrong
//! usage (no built output, unknown target), 3 files, network, store or
//! credentials failed.

use std::io::IsTerminal;
use std::path::PathBuf;

use quire_deploy::{ErrorKind, Options, Report, plan::Reason};

use crate::exit::Outcome;

/// A refusal caused by content (too many deletions, a bad `quire.toml`).
const REFUSED: Outcome = Outcome::ContentErrors;
/// Wrong usage (no built output, unknown target).
const USAGE: Outcome = Outcome::Usage;
/// I/O, network and credential failures.
const IO: Outcome = Outcome::OutputFailure;

/// `quire deploy` arguments.
#[derive(clap::Args)]
pub struct Args {
    /// The site root.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// The built output to publish (default: <root>/public).
    #[arg(long)]
    output: Option<PathBuf>,
    /// The [[deploy]] target's name in quire.toml (default: the first).
    #[arg(long, value_name = "NAME")]
    target: Option<String>,
    /// Print the plan (upload / unchanged / delete, with bytes) and stop.
    #[arg(long)]
    dry_run: bool,
    /// Refuse to delete more files than this at the target.
    #[arg(long, value_name = "N", default_value_t = quire_deploy::DEFAULT_MAX_DELETES)]
    max_deletes: usize,
    /// Delete any number of files, and at a target without quire's manifest.
    #[arg(long)]
    force: bool,
    /// Write the public URLs that changed or went away to FILE, one a line (for a CDN purge).
    #[arg(long, value_name = "FILE")]
    changed_urls: Option<PathBuf>,
}

/// Runs `quire deploy`; returns the exit status.
pub fn run(args: Args) -> Outcome {
    let config = match quire_site::config::load(&args.root, None) {
        Ok((config, _)) => config,
        Err(diagnostics) => {
            for d in diagnostics {
                eprintln!("{d}");
            }
            return REFUSED;
        }
    };
    let target = match &args.target {
        None => config.deploy.first(),
        Some(name) => config.deploy.iter().find(|t| &t.name == name),
    };
    let Some(target) = target.cloned() else {
        let names: Vec<&str> = config.deploy.iter().map(|t| t.name.as_str()).collect();
        if names.is_empty() {
            eprintln!(
                "error: quire.toml has no [[deploy]] target; add one, e.g.\n\n[[deploy]]\nname = \"production\"\nurl = \"s3://my-bucket/site?region=eu-west-1\""
            );
        } else {
            eprintln!(
                "error: no [[deploy]] target named `{}` in quire.toml; the targets are: {}",
                args.target.unwrap_or_default(),
                names.join(", ")
            );
        }
        return USAGE;
    };
    let output = args.output.unwrap_or_else(|| args.root.join("public"));
    let mut options = Options::new(args.root, output, target, &config.base_url);
    options.dry_run = args.dry_run;
    options.max_deletes = args.max_deletes;
    options.force = args.force;
    options.progress = std::io::stderr().is_terminal();
    match quire_deploy::deploy(&options) {
        Ok(report) => {
            for note in &report.notes {
                eprintln!("note: {note}");
            }
            if args.dry_run {
                print_plan(&report);
                return Outcome::Success;
            }
            print_outcome(&report);
            if let Some(file) = &args.changed_urls {
                let mut text = report.changed_urls.join("\n");
                if !text.is_empty() {
                    text.push('\n');
                }
                if let Err(e) = std::fs::write(file, text) {
                    eprintln!("error: cannot write {}: {e}", file.display());
                    return IO;
                }
            }
            Outcome::Success
        }
        Err(failure) => {
            eprintln!("error: {}", failure.error);
            if !failure.uploaded.is_empty() {
                eprintln!(
                    "{} file(s) were uploaded before the failure, nothing was deleted; run quire deploy again to finish:",
                    failure.uploaded.len()
                );
                for key in &failure.uploaded {
                    eprintln!("  uploaded {key}");
                }
            } else if failure.error.kind == ErrorKind::Io {
                eprintln!("nothing was uploaded or deleted");
            }
            match failure.error.kind {
                ErrorKind::Usage => USAGE,
                ErrorKind::Refused => REFUSED,
                ErrorKind::Io => IO,
            }
        }
    }
}

/// `--dry-run`: one line per upload and deletion, then the totals.
fn print_plan(report: &Report) {
    let plan = &report.plan;
    println!("Plan for {}:", report.target);
    for (object, reason) in &plan.uploads {
        let why = match reason {
            Reason::New => "new",
            Reason::Changed => "changed",
            Reason::Headers => "headers",
            Reason::Drifted => "missing or altered at the target",
        };
        println!(
            "upload    {:>10}  {}  ({why})",
            bytes(object.size),
            object.key
        );
    }
    for (key, size) in &plan.deletes {
        println!("delete    {:>10}  {key}", bytes(*size));
    }
    println!(
        "{} to upload ({}), {} unchanged ({}), {} to delete ({})",
        plan.uploads.len(),
        bytes(plan.upload_bytes()),
        plan.unchanged.len(),
        bytes(plan.unchanged_bytes()),
        plan.deletes.len(),
        bytes(plan.delete_bytes())
    );
    if let Some(refusal) = &report.would_refuse {
        println!("A real deploy would stop here: {refusal}");
    }
}

/// After a deploy: the totals.
fn print_outcome(report: &Report) {
    let plan = &report.plan;
    println!(
        "Deployed to {}: {} uploaded ({}), {} unchanged, {} deleted.",
        report.target,
        report.uploaded.len(),
        bytes(plan.upload_bytes()),
        plan.unchanged.len(),
        report.deleted.len()
    );
}

/// A byte count for people.
fn bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}
