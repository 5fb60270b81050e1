//! `quire-bench`: the benchmark of issue #10. For each size it generates
//! the quire and Hugo sites (once, reused afterwards), then alternates
//! runs — quire full build, quire rebuild with nothing changed, Hugo
//! without related content, Hugo with it — so every engine sees the same
//! machine state, and measures the floors (copying quire's output tree,
//! Markdown to HTML alone). Before each build its site's files are read
//! once, so every engine starts with its inputs in the page cache, and the
//! previous run's output is written back (`sync`, not timed). Prints
//! Markdown tables for BENCHMARKS.md.
//!
//! Usage: `quire-bench --quire <path to quire> --work <dir>
//!         [--sizes 1000,10000] [--runs 2] [--hugo-max 10000]
//!         [--related-max 10000] [--copy-max 10000] [--seed 1] [--settle 400]`
//!
//! Above `--hugo-max` articles Hugo is not run (its memory grows past the
//! machine's), above `--copy-max` the copy floor is not measured (it needs a
//! second output tree's worth of disk).
//!
//! No measured run writes where files were just deleted: every run of a
//! size writes a fresh folder under `<work>/n<N>/runs/` (quire with
//! `--output`, Hugo with `--destination`, `cp -r` to a new name), and the
//! folders are deleted only when the size is done, so `--runs N` needs N
//! sets of outputs' worth of disk. ext4 without a journal (this machine's
//! disk) passes over inodes freed in the last minute — six minutes once
//! their inode-table block is dirty again, which a build makes it — when it
//! allocates new ones: a 10,000-article build started 65 s after deleting
//! 166,000 files spent 40 s in the kernel, one started 150 s after, 10 s.
//! Between sizes, and before a size whose folders an earlier invocation
//! left, the deletion is followed by a `sync` and `--settle` seconds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use quire_bench::corpus::{Flavor, Spec, write_site};
use quire_bench::measure::{self, Run};

struct Args {
    quire: String,
    work: PathBuf,
    sizes: Vec<usize>,
    runs: usize,
    hugo_max: usize,
    related_max: usize,
    copy_max: usize,
    seed: u64,
    settle: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        quire: String::new(),
        work: PathBuf::new(),
        sizes: vec![1000, 10_000],
        runs: 2,
        hugo_max: 10_000,
        related_max: 10_000,
        copy_max: 10_000,
        seed: 1,
        settle: 400,
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let mut it = raw.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<usize>()
                .map_err(|_| format!("{flag}: {value} is not a number"))
        };
        match flag.as_str() {
            "--quire" => args.quire = value.clone(),
            "--work" => args.work = PathBuf::from(value),
            "--sizes" => {
                args.sizes = value
                    .split(',')
                    .map(|s| {
                        s.parse()
                            .map_err(|_| format!("--sizes: {s} is not a number"))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--runs" => args.runs = number()?.max(1),
            "--hugo-max" => args.hugo_max = number()?,
            "--related-max" => args.related_max = number()?,
            "--copy-max" => args.copy_max = number()?,
            "--seed" => args.seed = number()? as u64,
            "--settle" => args.settle = number()? as u64,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    if args.quire.is_empty() || args.work.as_os_str().is_empty() {
        return Err("--quire and --work are required".into());
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "error: {e}\nusage: quire-bench --quire <quire binary> --work <dir> [--sizes 1000,10000] [--runs 2] [--hugo-max N] [--related-max N] [--copy-max N] [--seed N] [--settle SECS]"
            );
            return ExitCode::from(2);
        }
    };
    for (i, &n) in args.sizes.iter().enumerate() {
        if i > 0 {
            // The previous size's runs, deleted now that it is done.
            clear(
                &args.work.join(format!("n{}/runs", args.sizes[i - 1])),
                args.settle,
            );
        }
        if let Err(e) = bench_size(&args, n) {
            eprintln!("error: {n} articles: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn ensure_site(dir: &Path, n: usize, seed: u64, flavor: Flavor) -> Result<(), String> {
    let marker = dir.join(".generated");
    if marker.is_file() {
        return Ok(());
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let w = write_site(Spec { articles: n, seed }, dir, flavor)
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    eprintln!(
        "generated {} ({} versions, {:.0} MB)",
        dir.display(),
        w.versions,
        w.bytes as f64 / 1e6
    );
    std::fs::write(marker, format!("{n} {seed}\n")).map_err(|e| e.to_string())?;
    // Written back now: otherwise the first measured run shares the disk
    // with the writeback of the site it reads (at 10k, 765 MB).
    let _ = std::process::Command::new("sync").status();
    Ok(())
}

/// Reads every file under `dir`, so the run that follows finds its inputs
/// in the page cache whatever ran before it (a Hugo run of 9 GB, or the
/// deletion of a round's outputs, can evict them).
fn warm(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => warm(&path),
            Ok(t) if t.is_file() => {
                let _ = std::fs::read(&path);
            }
            _ => {}
        }
    }
}

/// Writes every dirty page back to the disk (`sync`, not timed), so the
/// run that follows does not share the disk and the cores with the
/// writeback of the run before it: each engine starts from the same quiet
/// disk and pays only for its own output. Without it, each run inherited up
/// to 1.4 GB of its predecessor's output still being written (session 11:
/// quire's first-round build, after the corpus generation's own `sync`,
/// took 14.1 s; the next two, each after a 1.4 GB copy, 17.8 and 17.1 s).
fn write_back() {
    let _ = std::process::Command::new("sync").status();
}

fn remove(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

/// Deletes `dir` if it exists, writes everything back and waits `secs`
/// seconds, so the next measured run does not pay for the deletion (see the
/// crate docs).
fn clear(dir: &Path, secs: u64) {
    if !dir.exists() {
        return;
    }
    eprintln!("deleting {} and waiting {secs} s", dir.display());
    remove(dir);
    let _ = std::process::Command::new("sync").status();
    std::thread::sleep(std::time::Duration::from_secs(secs));
}

/// `path` as a command-line argument.
fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn checked(run: std::io::Result<Run>, what: &str) -> Result<Run, String> {
    let run = run.map_err(|e| format!("{what}: {e}"))?;
    if !run.ok {
        return Err(format!("{what} failed:\n{}{}", run.stdout, run.stderr));
    }
    eprintln!(
        "  {what}: {:.2} s, {} MiB",
        run.wall.as_secs_f64(),
        run.max_rss_kib / 1024
    );
    Ok(run)
}

/// Median of the wall times (upper median for an even count), and the
/// run it belongs to.
fn median(runs: &[Run]) -> &Run {
    let mut sorted: Vec<&Run> = runs.iter().collect();
    sorted.sort_by_key(|r| r.wall);
    sorted[sorted.len() / 2]
}

fn bench_size(args: &Args, n: usize) -> Result<(), String> {
    let base = args.work.join(format!("n{n}"));
    let quire_dir = base.join("quire");
    let hugo_dir = base.join("hugo");
    ensure_site(&quire_dir, n, args.seed, Flavor::Quire)?;
    let hugo = n <= args.hugo_max;
    if hugo {
        ensure_site(&hugo_dir, n, args.seed, Flavor::Hugo)?;
    }
    // Absolute: Hugo and quire run in their own site folders.
    let runs_dir = std::path::absolute(base.join("runs")).map_err(|e| e.to_string())?;
    clear(&runs_dir, args.settle);
    std::fs::create_dir_all(&runs_dir).map_err(|e| format!("{}: {e}", runs_dir.display()))?;
    let cache = quire_dir.join(".quire-cache");
    let (mut full, mut again, mut plain, mut related, mut copy) =
        (vec![], vec![], vec![], vec![], vec![]);
    for round in 1..=args.runs {
        eprintln!("{n} articles, round {round}");
        // The cache holds a handful of files: deleting it costs nothing.
        remove(&cache);
        let out = arg(&runs_dir.join(format!("quire-{round}")));
        let quire_args = ["build", "--verbose", "--output", out.as_str()];
        warm(&quire_dir);
        write_back();
        full.push(checked(
            measure::run(&args.quire, &quire_args, &quire_dir),
            "quire full build",
        )?);
        write_back();
        again.push(checked(
            measure::run(&args.quire, &quire_args, &quire_dir),
            "quire rebuild, nothing changed",
        )?);
        if hugo {
            warm(&hugo_dir);
            write_back();
            let dest = arg(&runs_dir.join(format!("hugo-plain-{round}")));
            plain.push(checked(
                measure::run(
                    "hugo",
                    &["--quiet", "--config", "hugo.toml", "--destination", &dest],
                    &hugo_dir,
                ),
                "hugo without related",
            )?);
            if n <= args.related_max {
                warm(&hugo_dir);
                write_back();
                let dest = arg(&runs_dir.join(format!("hugo-related-{round}")));
                related.push(checked(
                    measure::run(
                        "hugo",
                        &[
                            "--quiet",
                            "--config",
                            "hugo.toml,related.toml",
                            "--destination",
                            &dest,
                        ],
                        &hugo_dir,
                    ),
                    "hugo with related",
                )?);
            }
        }
        if n <= args.copy_max {
            let to = arg(&runs_dir.join(format!("copy-{round}")));
            write_back();
            copy.push(checked(
                measure::run("cp", &["-r", &out, &to], &base),
                "copy floor (cp -r)",
            )?);
        }
    }
    let public = runs_dir.join("quire-1");
    let (md_time, _) =
        measure::markdown_alone(&quire_dir.join("content")).map_err(|e| e.to_string())?;
    let (files, bytes) = measure::tree_stats(&public);
    let pages = measure::html_pages(&public);
    let f = median(&full);
    let secs = |r: &Run| r.wall.as_secs_f64();
    let mib = |r: &Run| r.max_rss_kib / 1024;
    println!(
        "\n### {n} articles × 3 languages: {pages} HTML pages, {files} files, {:.0} MB\n",
        bytes as f64 / 1e6
    );
    println!(
        "| what | wall s (median of {}) | peak MiB | pages/s |",
        args.runs
    );
    println!("|---|---:|---:|---:|");
    let row = |what: &str, r: &Run| {
        println!(
            "| {what} | {:.2} | {} | {:.0} |",
            secs(r),
            mib(r),
            pages as f64 / secs(r)
        );
    };
    row("quire build (full)", f);
    row("quire build (nothing changed)", median(&again));
    if !plain.is_empty() {
        row("hugo, no related content", median(&plain));
    }
    if !related.is_empty() {
        row("hugo, related content", median(&related));
    }
    if !copy.is_empty() {
        row("floor: cp -r of quire's output", median(&copy));
    }
    println!(
        "| floor: Markdown → HTML alone (pulldown-cmark, 2 threads) | {:.2} | – | – |",
        md_time.as_secs_f64()
    );
    println!("\nquire phases (ms, median full build):\n");
    println!("| phase | ms |\n|---|---:|");
    for (phase, ms) in measure::phases(&f.stderr) {
        println!("| {phase} | {ms:.0} |");
    }
    println!("\nratios:");
    let ratio = |a: &Run, b: &Run| secs(a) / secs(b);
    if !related.is_empty() {
        println!(
            "- full / hugo related = {:.3} (target ≤ 0.05)",
            ratio(f, median(&related))
        );
    }
    if !plain.is_empty() {
        println!(
            "- full / hugo plain = {:.3} (target ≤ 0.3)",
            ratio(f, median(&plain))
        );
        let hugo_mem = plain
            .iter()
            .chain(&related)
            .map(|r| r.max_rss_kib)
            .max()
            .unwrap_or(1);
        println!(
            "- peak memory / hugo's = {:.3} (target ≤ 0.25)",
            f.max_rss_kib as f64 / hugo_mem as f64
        );
    }
    if !copy.is_empty() {
        println!(
            "- full / copy floor = {:.2} (target ≤ 1.5)",
            ratio(f, median(&copy))
        );
    }
    println!(
        "- no-change rebuild / full = {:.3} (target ≤ 0.1)",
        ratio(median(&again), f)
    );
    Ok(())
}
