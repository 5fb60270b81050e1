//! The progress bar of long runs (build, import, check): drawn on a
//! terminal only, hidden when stderr is a file, a pipe or a CI log.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use quire_core::Progress;

/// A bar over a run's known phases, or a spinner for a run without them;
/// cleared when dropped, before the command prints its result.
pub struct Bar {
    bar: ProgressBar,
    phases: &'static [&'static str],
}

impl Bar {
    /// A spinner with `message`, ticking while an opaque step runs.
    pub fn start(message: &'static str) -> Bar {
        let bar = Bar::new(0, "{spinner} {msg} {elapsed}");
        bar.bar.set_message(message);
        bar
    }

    /// A bar over `phases`, moved on by [`Progress::phase`].
    pub fn phases(phases: &'static [&'static str]) -> Bar {
        let mut bar = Bar::new(phases.len() as u64, "{spinner} [{bar:20}] {msg} {elapsed}");
        bar.phases = phases;
        bar
    }

    fn new(len: u64, template: &str) -> Bar {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(len);
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Bar { bar, phases: &[] }
    }
}

impl Progress for Bar {
    fn phase(&self, name: &'static str) {
        if let Some(done) = self.phases.iter().position(|p| *p == name) {
            self.bar.set_position(done as u64);
        }
        self.bar.set_message(name);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under `cargo test` stderr is captured: the bar draws nothing.
    #[test]
    fn hidden_when_stderr_is_not_a_terminal() {
        if std::io::stderr().is_terminal() {
            return;
        }
        let bar = Bar::phases(quire_core::progress::BUILD_PHASES);
        bar.phase("render");
        assert!(bar.bar.is_hidden());
        assert_eq!(bar.bar.position(), 2);
    }
}
