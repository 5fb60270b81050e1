//! Where a deploy writes: an object store (S3 and S3-compatible stores,
//! Google Cloud Storage, Azure Blob) through the `object_store` crate, or
//! a plain folder for a web server.
//!
//! Credentials come only from the environment and the provider's usual
//! places (what `object_store`'s `from_env` builders read); quire.toml
//! never holds them (`quire_site::deploy` refuses them).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::{
    Attribute, Attributes, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, PutPayload,
    RetryConfig, path::Path as ObjectPath,
};

use crate::error::{DeployError, explain_store_error};
use crate::headers::Headers;

/// An opened deploy target.
#[derive(Debug, Clone)]
pub enum Destination {
    /// An object store bucket (or container), under a key prefix.
    Store {
        /// The store.
        store: Arc<dyn ObjectStore>,
        /// Key prefix without slashes at its ends; empty for the bucket root.
        prefix: String,
        /// The target URL without its query, for messages.
        label: String,
    },
    /// A folder on this machine.
    Folder {
        /// The folder.
        root: PathBuf,
    },
}

/// How many times a failed request is retried, with exponential backoff.
const RETRIES: usize = 4;

fn retry() -> RetryConfig {
    RetryConfig {
        backoff: object_store::BackoffConfig {
            init_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            base: 2.0,
        },
        max_retries: RETRIES,
        retry_timeout: Duration::from_secs(60),
    }
}

fn client() -> ClientOptions {
    ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(10))
        .with_timeout(Duration::from_secs(120))
}

impl Destination {
    /// Opens the target of a URL. `site_root` and `output` are refused as
    /// (or around) a folder target.
    pub fn open(url: &str, site_root: &Path, output: &Path) -> Result<Self, DeployError> {
        let parsed = url::Url::parse(url)
            .map_err(|e| DeployError::usage(format!("deploy url `{url}`: {e}")))?;
        let query: BTreeMap<String, String> = parsed.query_pairs().into_owned().collect();
        let allowed: &[&str] = match parsed.scheme() {
            "s3" => &["region", "endpoint"],
            "az" => &["account", "endpoint"],
            _ => &[],
        };
        if let Some(key) = query.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(DeployError::usage(format!(
                "deploy url `{url}`: unknown setting `{key}` (allowed here: {})",
                if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed.join(", ")
                }
            )));
        }
        if parsed.scheme() == "file" {
            let root = parsed.to_file_path().map_err(|()| {
                DeployError::usage(format!(
                    "deploy url `{url}`: write an absolute folder, e.g. file:///var/www/site"
                ))
            })?;
            check_folder(&root, site_root, output)?;
            return Ok(Destination::Folder { root });
        }
        let bucket = parsed.host_str().unwrap_or_default().to_string();
        if bucket.is_empty() {
            return Err(DeployError::usage(format!(
                "deploy url `{url}` names no bucket; write e.g. s3://my-bucket/site"
            )));
        }
        let prefix = parsed.path().trim_matches('/').to_string();
        let label = format!("{}://{bucket}/{prefix}", parsed.scheme());
        let built = match parsed.scheme() {
            "s3" => {
                let mut b = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(&bucket)
                    .with_retry(retry())
                    .with_client_options(client());
                if let Some(keys) = crate::aws_profile::from_file() {
                    b = b
                        .with_access_key_id(keys.access_key_id)
                        .with_secret_access_key(keys.secret_access_key);
                    if let Some(token) = keys.session_token {
                        b = b.with_token(token);
                    }
                }
                if let Some(region) = query.get("region") {
                    b = b.with_region(region);
                }
                if let Some(endpoint) = query.get("endpoint") {
                    // An explicit http:// endpoint (a local or LAN server)
                    // is the person's choice; https is the default.
                    b = b
                        .with_endpoint(endpoint)
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                b.build().map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
            }
            "gs" => object_store::gcp::GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(&bucket)
                .with_retry(retry())
                .with_client_options(client())
                .build()
                .map(|s| Arc::new(s) as Arc<dyn ObjectStore>),
            "az" => {
                let mut b = object_store::azure::MicrosoftAzureBuilder::from_env()
                    .with_container_name(&bucket)
                    .with_retry(retry())
                    .with_client_options(client());
                if let Some(account) = query.get("account") {
                    b = b.with_account(account);
                }
                if let Some(endpoint) = query.get("endpoint") {
                    b = b
                        .with_endpoint(endpoint.clone())
                        .with_allow_http(endpoint.starts_with("http://"));
                }
                b.build().map(|s| Arc::new(s) as Arc<dyn ObjectStore>)
            }
            other => {
                return Err(DeployError::usage(format!(
                    "deploy url `{url}`: unknown scheme {other}://"
                )));
            }
        };
        let store = built.map_err(|e| {
            DeployError::io(format!(
                "cannot set up {label}: {e}. Credentials are read from the environment (AWS_*, GOOGLE_*, AZURE_* variables) and the provider's usual files"
            ))
        })?;
        Ok(Destination::Store {
            store,
            prefix,
            label,
        })
    }

    /// A store target over an already built store (tests, embedding).
    pub fn from_store(store: Arc<dyn ObjectStore>, prefix: &str, label: &str) -> Self {
        Destination::Store {
            store,
            prefix: prefix.trim_matches('/').to_string(),
            label: label.to_string(),
        }
    }

    /// The target, for messages.
    pub fn label(&self) -> String {
        match self {
            Destination::Store { label, .. } => label.clone(),
            Destination::Folder { root } => root.display().to_string(),
        }
    }

    fn object_path(prefix: &str, key: &str) -> Result<ObjectPath, DeployError> {
        let full = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}/{key}")
        };
        ObjectPath::parse(&full)
            .map_err(|e| DeployError::refused(format!("`{key}` cannot be an object key: {e}")))
    }

    /// Every key at the target with its stored size.
    pub async fn list(&self) -> Result<BTreeMap<String, u64>, DeployError> {
        match self {
            Destination::Store {
                store,
                prefix,
                label,
            } => {
                let base = ObjectPath::parse(prefix).unwrap_or_default();
                let base = if prefix.is_empty() { None } else { Some(&base) };
                let explain =
                    |e: object_store::Error| explain_store_error(&e, "listing its objects", label);
                // One listing request returns at most 1,000 keys, so a big
                // site's listing is hundreds of round trips: list the top
                // folders side by side instead of one after another.
                let top = store.list_with_delimiter(base).await.map_err(explain)?;
                let mut listed = top.objects;
                let nested: Vec<Vec<object_store::ObjectMeta>> =
                    futures::stream::iter(top.common_prefixes)
                        .map(|folder| store.list(Some(&folder)).try_collect::<Vec<_>>())
                        .buffer_unordered(crate::DEFAULT_CONCURRENCY)
                        .try_collect()
                        .await
                        .map_err(explain)?;
                listed.extend(nested.into_iter().flatten());
                let strip = if prefix.is_empty() {
                    String::new()
                } else {
                    format!("{prefix}/")
                };
                Ok(listed
                    .into_iter()
                    .filter_map(|meta| {
                        let key = meta.location.as_ref().strip_prefix(&strip)?.to_string();
                        Some((key, meta.size))
                    })
                    .collect())
            }
            Destination::Folder { root } => {
                let root = root.clone();
                blocking(move || crate::folder::list(&root)).await
            }
        }
    }

    /// The bytes stored under `key`, if any.
    pub async fn read(&self, key: &str) -> Result<Option<Bytes>, DeployError> {
        match self {
            Destination::Store {
                store,
                prefix,
                label,
            } => match store.get(&Self::object_path(prefix, key)?).await {
                Ok(got) => got
                    .bytes()
                    .await
                    .map(Some)
                    .map_err(|e| explain_store_error(&e, &format!("reading {key}"), label)),
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(e) => Err(explain_store_error(&e, &format!("reading {key}"), label)),
            },
            Destination::Folder { root } => {
                let path = root.join(key);
                blocking(move || match std::fs::read(&path) {
                    Ok(b) => Ok(Some(Bytes::from(b))),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(DeployError::io(format!(
                        "cannot read {}: {e}",
                        path.display()
                    ))),
                })
                .await
            }
        }
    }

    /// Stores `body` under `key` with these headers, replacing any object
    /// there in one step (a reader sees the old or the new body, never a
    /// part).
    pub async fn put(&self, key: &str, body: Bytes, headers: &Headers) -> Result<(), DeployError> {
        match self {
            Destination::Store {
                store,
                prefix,
                label,
            } => {
                let mut attributes = Attributes::new();
                attributes.insert(Attribute::ContentType, headers.content_type.clone().into());
                attributes.insert(
                    Attribute::CacheControl,
                    headers.cache_control.clone().into(),
                );
                if let Some(e) = headers.content_encoding {
                    attributes.insert(Attribute::ContentEncoding, e.token().into());
                }
                store
                    .put_opts(
                        &Self::object_path(prefix, key)?,
                        PutPayload::from(body),
                        PutOptions::from(attributes),
                    )
                    .await
                    .map(|_| ())
                    .map_err(|e| explain_store_error(&e, &format!("uploading {key}"), label))
            }
            Destination::Folder { root } => {
                let (root, key) = (root.clone(), key.to_string());
                blocking(move || crate::folder::write(&root, &key, &body)).await
            }
        }
    }

    /// Deletes the object under `key` (no error if it is already gone).
    pub async fn delete(&self, key: &str) -> Result<(), DeployError> {
        match self {
            Destination::Store {
                store,
                prefix,
                label,
            } => match store.delete(&Self::object_path(prefix, key)?).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(explain_store_error(&e, &format!("deleting {key}"), label)),
            },
            Destination::Folder { root } => {
                let (root, key) = (root.clone(), key.to_string());
                blocking(move || crate::folder::remove(&root, &key)).await
            }
        }
    }
}

async fn blocking<T: Send + 'static>(
    job: impl FnOnce() -> Result<T, DeployError> + Send + 'static,
) -> Result<T, DeployError> {
    tokio::task::spawn_blocking(job)
        .await
        .map_err(|e| DeployError::io(format!("a file task failed: {e}")))?
}

/// Refuses a folder target that is the site, its output, inside the output,
/// or around either (its listing would put the site's own files up for
/// deletion).
fn check_folder(target: &Path, site_root: &Path, output: &Path) -> Result<(), DeployError> {
    let target = resolve(target);
    for (what, path) in [("the site root", site_root), ("the output folder", output)] {
        let path = resolve(path);
        if target == path || target.starts_with(&path) || path.starts_with(&target) {
            return Err(DeployError::usage(format!(
                "refusing to deploy into {}: it is, holds or lies inside {what} ({}). Deploy into a folder of its own, e.g. file:///var/www/site",
                target.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

/// The canonical form of a path, or of its nearest existing ancestor with
/// the rest appended (the target folder may not exist yet).
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            return rest.iter().rev().fold(canonical, |p, part| p.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}
