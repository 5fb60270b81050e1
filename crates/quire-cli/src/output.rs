//! Terminal output: diagnostics (coloured on a terminal), timing tables.

use std::io::IsTerminal;

use quire_core::{Diagnostics, Severity};

/// Prints every diagnostic to stderr, then a one-line count.
pub fn print_diagnostics(diagnostics: &Diagnostics) {
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in &diagnostics.0 {
        let text = d.to_string();
        if colour {
            let code = match d.severity {
                Severity::Error => "31",
                Severity::Warning => "33",
                Severity::Info => "36",
            };
            let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
            eprintln!("\x1b[{code}m{first}\x1b[0m");
            if !rest.is_empty() {
                eprintln!("{rest}");
            }
        } else {
            eprintln!("{text}");
        }
    }
    let (e, w) = (diagnostics.error_count(), diagnostics.warning_count());
    if e + w > 0 {
        eprintln!("{e} error(s), {w} warning(s)");
    }
}

/// Prints the phase timing table to stderr; the `overlapped` parts (made
/// while pages render) are shown under "render" and not added to the total.
pub fn print_timings(
    timings: &[(&'static str, std::time::Duration)],
    overlapped: &[(&'static str, std::time::Duration)],
) {
    let total: std::time::Duration = timings.iter().map(|(_, d)| *d).sum();
    eprintln!("{:<12} {:>10}", "phase", "ms");
    for (name, d) in timings {
        eprintln!("{:<12} {:>10.1}", name, d.as_secs_f64() * 1000.0);
        if *name == "render" {
            for (part, d) in overlapped.iter().filter(|(_, d)| !d.is_zero()) {
                eprintln!(
                    "{:<12} {:>10.1}",
                    format!("  ({part})"),
                    d.as_secs_f64() * 1000.0
                );
            }
        }
    }
    eprintln!("{:<12} {:>10.1}", "total", total.as_secs_f64() * 1000.0);
}
