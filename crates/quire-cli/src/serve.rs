//! `quire serve`: starts the live preview and reports each rebuild on the
//! terminal (diagnostics, timing). HTTP, watching and rebuilding live in
//! `quire-serve`; this module only prints and picks the exit status.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use quire_serve::{Rebuilt, ServeOptions};

use crate::exit::Outcome;
use crate::output::print_diagnostics;

/// `quire serve [--root DIR] [--bind ADDR] [--port N] [--drafts] [--open]`.
pub fn run(root: PathBuf, bind: IpAddr, port: u16, drafts: bool, open: bool) -> Outcome {
    if !quire_build::is_site(&root) {
        eprintln!(
            "error: {} has no quire.toml; give the site folder with --root",
            root.display()
        );
        return Outcome::Usage;
    }
    let mut options = ServeOptions::new(root);
    options.bind = bind;
    options.port = port;
    options.drafts = drafts;
    let result = quire_serve::run_blocking(options, Arc::new(report), |server| {
        let url = format!("{}/", server.base_url());
        eprintln!("Serving at {url} (Ctrl-C to stop); watching for changes.");
        if open {
            open_browser(&url);
        }
    });
    match result {
        Ok(()) => Outcome::Success,
        Err(e) => {
            eprintln!("error: cannot serve on {bind}:{port}: {e}");
            Outcome::OutputFailure
        }
    }
}

/// Prints one rebuild: its diagnostics, then a one-line summary.
fn report(rebuilt: &Rebuilt) {
    print_diagnostics(&rebuilt.diagnostics);
    let ms = rebuilt.elapsed.as_secs_f64() * 1000.0;
    if rebuilt.succeeded {
        let o = rebuilt.outputs;
        if o.reused == 0 {
            eprintln!("Built {} files in {ms:.0} ms.", rebuilt.files);
        } else {
            eprintln!(
                "Built {} files in {ms:.0} ms ({} pages rendered, {} unchanged).",
                rebuilt.files, o.rendered, o.reused
            );
        }
    } else {
        eprintln!(
            "Rebuild failed in {ms:.0} ms; still serving the last good version (the errors are shown on every page)."
        );
    }
}

/// Opens `url` in the default browser; failure is only worth a note.
pub fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(program).arg(url).spawn() {
        eprintln!("note: could not open a browser ({program}: {e}); open {url} yourself");
    }
}
