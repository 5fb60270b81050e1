//! How a command ended, and the one place that turns it into the process's
//! exit status (ripgrep's convention, documented in the README):
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success (warnings allowed, unless `--deny-warnings`) |
//! | 1 | content errors: the site, an import's input or a check found errors |
//! | 2 | wrong usage: a bad flag or argument, a folder that is not a site, an output folder quire refuses to replace |
//! | 3 | output or I/O failure: a file or folder that cannot be read or written, a full disk, a port in use |

use quire_build::BuildError;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was asked.
    Success,
    /// The content has errors (reported already).
    ContentErrors,
    /// The command line asked for something that cannot be done as asked
    /// (including an output folder quire refuses to replace: the message
    /// says which `--output` to choose instead).
    Usage,
    /// Reading or writing files (or a socket) failed.
    OutputFailure,
}

impl Outcome {
    /// The exit status of this outcome: the single mapping of the CLI.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::ContentErrors => 1,
            Outcome::Usage => 2,
            Outcome::OutputFailure => 3,
        }
    }
}

impl From<&BuildError> for Outcome {
    fn from(e: &BuildError) -> Self {
        match e {
            BuildError::Content { .. } => Outcome::ContentErrors,
            BuildError::Refused(_) => Outcome::Usage,
            BuildError::Io { .. } => Outcome::OutputFailure,
        }
    }
}

impl From<&quire_import::ImportError> for Outcome {
    fn from(e: &quire_import::ImportError) -> Self {
        use quire_import::ImportError;
        match e {
            ImportError::Options(_) => Outcome::Usage,
            ImportError::Malformed { .. } => Outcome::ContentErrors,
            ImportError::Read { .. } | ImportError::Write { .. } => Outcome::OutputFailure,
        }
    }
}

impl From<&quire_import::docx::DocxError> for Outcome {
    fn from(e: &quire_import::docx::DocxError) -> Self {
        use quire_import::docx::DocxError;
        match e {
            DocxError::Usage(_) => Outcome::Usage,
            DocxError::Io { .. } => Outcome::OutputFailure,
            _ => Outcome::ContentErrors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_outcome_has_its_own_status() {
        let codes: Vec<u8> = [
            Outcome::Success,
            Outcome::ContentErrors,
            Outcome::Usage,
            Outcome::OutputFailure,
        ]
        .into_iter()
        .map(Outcome::code)
        .collect();
        assert_eq!(codes, [0, 1, 2, 3]);
    }

    #[test]
    fn build_errors_map_to_content_usage_or_output() {
        let io = BuildError::Io {
            path: "public/index.html".into(),
            source: std::io::Error::from(std::io::ErrorKind::StorageFull),
        };
        assert_eq!(Outcome::from(&io).code(), 3);
        assert_eq!(Outcome::from(&BuildError::Refused("no".into())).code(), 2);
        assert_eq!(Outcome::from(&BuildError::Content { errors: 2 }).code(), 1);
    }
}
