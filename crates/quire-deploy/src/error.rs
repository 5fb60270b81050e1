//! What can go wrong in a deploy, sorted by whose move it is: the person's
//! command line, the site's content, or the machine and the network.

use std::fmt;

/// Whose move a failure calls for; the CLI turns it into an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command or the target is wrong (no built output, a target inside
    /// the site): fix the command line or `quire.toml`.
    Usage,
    /// quire refused because of what would happen (too many deletions).
    Refused,
    /// Files, the network, the store or its credentials failed.
    Io,
}

/// A deploy failure: its kind and a plain message saying what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployError {
    /// Whose move it is.
    pub kind: ErrorKind,
    /// The message, one or two sentences, naming the file or object.
    pub message: String,
}

impl DeployError {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Usage,
            message: message.into(),
        }
    }

    /// A refusal caused by what the deploy would do.
    pub fn refused(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Refused,
            message: message.into(),
        }
    }

    /// A file, network, store or credential failure.
    pub fn io(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Io,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeployError {}

/// Explains an object store error in plain words: credentials, a missing
/// bucket, an unreachable endpoint, or else the store's own message.
pub fn explain_store_error(error: &object_store::Error, what: &str, target: &str) -> DeployError {
    use object_store::Error as E;
    // The store's answer is often only in the source chain (an S3 error
    // code such as `NoSuchBucket` inside a generic HTTP error).
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        chain.push_str(": ");
        chain.push_str(&s.to_string());
        source = s.source();
    }
    let message = if matches!(
        error,
        E::PermissionDenied { .. } | E::Unauthenticated { .. }
    ) || [
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "AccessDenied",
        "ExpiredToken",
    ]
    .iter()
    .any(|code| chain.contains(code))
    {
        format!(
            "{target} refused the credentials while {what}. Check the provider's credential \
             variables (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS, \
             AZURE_STORAGE_ACCOUNT_NAME / AZURE_STORAGE_ACCOUNT_KEY) and the key's permissions"
        )
    } else if chain.contains("NoSuchBucket")
        || chain.contains("ContainerNotFound")
        || chain.contains("The specified bucket does not exist")
    {
        format!(
            "{target} does not exist (while {what}); create the bucket first or fix the url in quire.toml"
        )
    } else if [
        "connect",
        "dns error",
        "timed out",
        "Connection refused",
        "tcp connect",
    ]
    .iter()
    .any(|s| chain.contains(s))
    {
        format!("cannot reach {target} while {what}: check the network and the endpoint ({chain})")
    } else if let E::NotFound { .. } = error {
        format!(
            "{target}: not found while {what} ({chain}); check the bucket name and the url in quire.toml"
        )
    } else {
        format!("{target} failed while {what}: {chain}")
    };
    DeployError::io(message)
}
