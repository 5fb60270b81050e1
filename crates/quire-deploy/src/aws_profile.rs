//! The AWS shared credentials file (`~/.aws/credentials`, or the file in
//! `AWS_SHARED_CREDENTIALS_FILE`), profile `AWS_PROFILE` or `default`: the
//! place `aws configure` writes keys, which the `object_store` crate does
//! not read. Hand-written because it is a few `key = value` lines under
//! `[profile]` headers; the AWS SDK's loader would bring in a second HTTP
//! stack for it.

use std::path::PathBuf;

/// Keys read from a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    /// `aws_access_key_id`.
    pub access_key_id: String,
    /// `aws_secret_access_key`.
    pub secret_access_key: String,
    /// `aws_session_token`, for temporary keys.
    pub session_token: Option<String>,
}

/// The keys of `profile` in the text of a credentials file, if it has both.
pub fn parse(text: &str, profile: &str) -> Option<Keys> {
    let mut in_profile = false;
    let (mut id, mut secret, mut token) = (None, None, None);
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_profile = name.trim() == profile;
            continue;
        }
        if !in_profile {
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let value = Some(value.trim().to_string());
            match key.trim().to_ascii_lowercase().as_str() {
                "aws_access_key_id" => id = value,
                "aws_secret_access_key" => secret = value,
                "aws_session_token" => token = value,
                _ => {}
            }
        }
    }
    Some(Keys {
        access_key_id: id?,
        secret_access_key: secret?,
        session_token: token,
    })
}

/// The keys of the current profile, when the environment names none.
pub fn from_file() -> Option<Keys> {
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_some() {
        return None;
    }
    let path = match std::env::var_os("AWS_SHARED_CREDENTIALS_FILE") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".aws/credentials"),
    };
    let profile = std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".to_string());
    parse(&std::fs::read_to_string(path).ok()?, &profile)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_named_profile() {
        let text = "# written by aws configure\n[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = s3cr3t\n\n[r2]\naws_access_key_id=R2ID\naws_secret_access_key=R2SECRET\naws_session_token = tok\n";
        assert_eq!(
            parse(text, "default"),
            Some(Keys {
                access_key_id: "AKIADEFAULT".into(),
                secret_access_key: "s3cr3t".into(),
                session_token: None
            })
        );
        assert_eq!(
            parse(text, "r2").unwrap().session_token.as_deref(),
            Some("tok")
        );
        assert_eq!(parse(text, "missing"), None);
        assert_eq!(parse("[default]\naws_access_key_id = X\n", "default"), None);
    }
}
