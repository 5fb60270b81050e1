//! `quire-corpus`: writes a generated benchmark site.
//!
//! Usage: `quire-corpus <articles> <dir> [--seed N] [--hugo]`

use std::path::PathBuf;
use std::process::ExitCode;

use quire_bench::corpus::{Flavor, Spec, write_site};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut seed = 1u64;
    let mut flavor = Flavor::Quire;
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--hugo" => flavor = Flavor::Hugo,
            "--seed" => match it.next().and_then(|s| s.parse().ok()) {
                Some(s) => seed = s,
                None => return usage("--seed needs a number"),
            },
            _ => positional.push(a.clone()),
        }
    }
    let [n, dir] = positional.as_slice() else {
        return usage("expected <articles> <dir>");
    };
    let Ok(articles) = n.parse::<usize>() else {
        return usage("<articles> must be a number");
    };
    let dir = PathBuf::from(dir);
    if dir.exists()
        && std::fs::read_dir(&dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return usage(&format!("{} exists and is not empty", dir.display()));
    }
    match write_site(Spec { articles, seed }, &dir, flavor) {
        Ok(w) => {
            println!(
                "{} articles, {} language versions ({} missing a translation), {:.1} MB of Markdown → {}",
                articles,
                w.versions,
                w.missing_translation,
                w.bytes as f64 / 1e6,
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\nusage: quire-corpus <articles> <dir> [--seed N] [--hugo]");
    ExitCode::from(2)
}
