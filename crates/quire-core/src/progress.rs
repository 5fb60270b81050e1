//! Progress of a long run (a build, an import, a deploy), reported to
//! whoever shows it: the CLI draws a bar on a terminal and nothing
//! otherwise; libraries only call the hook, they never print.

/// Receives the phases of a long run as it enters them.
pub trait Progress: Sync {
    /// The run enters the phase `name` (one of the run's known phases,
    /// e.g. [`BUILD_PHASES`]).
    fn phase(&self, name: &'static str);
}

/// The phases of a build, in order, as reported to [`Progress::phase`].
pub const BUILD_PHASES: &[&str] = &["load", "derive", "render", "emit"];

/// Reports nowhere (libraries' default, tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn phase(&self, _name: &'static str) {}
}
