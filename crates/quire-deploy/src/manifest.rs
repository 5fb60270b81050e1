//! The manifest kept at the target: what quire stored there, so the next
//! deploy uploads only what changed.
//!
//! It is a hint, never trusted alone: the plan checks it against the
//! store's listing, so an object removed or replaced by hand is noticed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The manifest's key at the target (beside the site's files).
pub const MANIFEST: &str = ".quire-deploy.json";

/// The current manifest format.
pub const VERSION: u32 = 1;

/// Every object quire stored at a target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The format version.
    pub version: u32,
    /// Object key → what was stored.
    pub files: BTreeMap<String, Entry>,
}

/// What quire stored under one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// XXH3-128 of the source file in the output, 32 hex digits.
    pub hash: String,
    /// Size of the stored body (compressed, when it is).
    pub size: u64,
    /// `Content-Type` it was stored with.
    pub content_type: String,
    /// `Cache-Control` it was stored with.
    pub cache_control: String,
    /// `Content-Encoding` it was stored with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
}

impl Manifest {
    /// Reads a manifest; `Err` says why it is unusable.
    pub fn from_json(bytes: &[u8]) -> Result<Self, String> {
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if manifest.version != VERSION {
            return Err(format!(
                "version {} (this quire writes {VERSION})",
                manifest.version
            ));
        }
        Ok(manifest)
    }

    /// The manifest as JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// The manifest's spelling of a hash.
pub fn hex(hash: u128) -> String {
    format!("{hash:032x}")
}
