//! Why a build did not write its output: a typed error the CLI maps to an
//! exit status, instead of a message string that could only be printed.

use std::path::PathBuf;

use crate::emit::EmitError;

/// Why a build failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The output folder is unsafe to replace (the site's own root, a
    /// folder quire did not create, another build writing it); the message
    /// says why and what to do.
    #[error("{0}")]
    Refused(String),
    /// Reading or writing a file of the output failed; the previous output
    /// is left as it was.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file or folder that failed.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The site has errors (reported as diagnostics); nothing was written.
    #[error("the site has {errors} error(s)")]
    Content {
        /// How many errors the diagnostics hold.
        errors: usize,
    },
}

impl From<EmitError> for BuildError {
    fn from(e: EmitError) -> Self {
        match e {
            EmitError::Refused(message) => BuildError::Refused(message),
            EmitError::Io(path, source) => BuildError::Io { path, source },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_names_its_path() {
        let e = BuildError::from(EmitError::Io(
            PathBuf::from("out/a/index.html"),
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        ));
        let text = e.to_string();
        assert!(text.contains("out/a/index.html"), "{text}");
        assert!(matches!(e, BuildError::Io { .. }));
    }
}
