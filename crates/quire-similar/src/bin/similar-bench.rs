//! Times the similar-posts phase alone on generated corpora of 10,000 and
//! 100,000 articles in three languages and prints peak memory.
//!
//! Usage: `similar-bench [ARTICLES...]` (default: 10000 100000). Peak memory
//! is the process high-water mark (VmHWM), read before and after ranking, so
//! the corpus itself is included; the difference bounds the ranking's share.
//! "cpu s" is the CPU time of all threads during ranking: on a shared machine
//! it moves far less with other people's load than the wall time does.

#[path = "shared/synth.rs"]
mod synth;

use std::time::Instant;

use quire_similar::{SimilarConfig, rank_all};

fn main() {
    let mut sizes: Vec<usize> = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.parse() {
            Ok(n) => sizes.push(n),
            Err(e) => {
                eprintln!("similar-bench: {arg}: {e}\nusage: similar-bench [ARTICLES...]");
                std::process::exit(2);
            }
        }
    }
    if sizes.is_empty() {
        sizes = vec![10_000, 100_000];
    }
    println!("threads: {}", rayon::current_num_threads());
    println!(
        "{:>8} {:>10} {:>10} {:>8} {:>14} {:>14} {:>14} {:>8}",
        "articles",
        "words",
        "rank s",
        "cpu s",
        "HWM before MB",
        "HWM after MB",
        "RSS after MB",
        "matches"
    );
    for n in sizes {
        let corpus = synth::generate(n, &["en", "tr", "ru"], &synth::Spec::default(), 42);
        let words: usize = corpus
            .docs
            .iter()
            .map(|d| d.body.split_whitespace().count())
            .sum();
        let before = status_mb("VmHWM:");
        let cpu_before = cpu_secs();
        let start = Instant::now();
        let ranked = rank_all(&corpus.docs, &SimilarConfig::default());
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_secs().zip(cpu_before).map(|(a, b)| a - b);
        let after = status_mb("VmHWM:");
        let rss = status_mb("VmRSS:");
        let matches: usize = ranked.iter().map(Vec::len).sum();
        println!(
            "{n:>8} {words:>10} {secs:>10.2} {:>8} {:>14} {:>14} {:>14} {matches:>8}",
            cpu.map_or_else(|| "n/a".to_owned(), |c| format!("{c:.2}")),
            show(before),
            show(after),
            show(rss)
        );
    }
}

fn show(mb: Option<f64>) -> String {
    mb.map_or_else(|| "n/a".to_owned(), |m| format!("{m:.0}"))
}

/// A memory figure in MB from /proc/self/status (Linux only): VmHWM is
/// the peak resident set, VmRSS the current one.
fn status_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU time (user + system) of all threads so far, from /proc/self/stat
/// (Linux only), in seconds. The kernel reports it in USER_HZ ticks, which
/// are 1/100 s on every Linux platform.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 here.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
