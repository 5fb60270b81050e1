//! `quire deploy`: publishes a built site to an object store (S3 and
//! S3-compatible stores such as Cloudflare R2 or MinIO, Google Cloud
//! Storage, Azure Blob) or to a web server's folder, uploading only what
//! changed, with the right headers, in a safe order.
//!
//! The flow: [`files::scan`] the output (its marker checked, files hashed in
//! parallel) while the target is listed and its [`manifest`] read; make the
//! [`plan`] (pure); check the deletion guard; [`run`] the uploads phase by
//! phase (assets, pages, feeds), then the deletions, then write the new
//! manifest. A deploy stopped anywhere leaves the old manifest, so the next
//! one re-uploads whatever may differ and converges.
//!
//! Owns: targets, headers, manifest, plan and upload. Must not know: how
//! the site is built (only the output marker), the terminal beyond a
//! progress bar, exit codes.

mod aws_profile;
pub mod error;
pub mod files;
mod folder;
pub mod headers;
pub mod manifest;
pub mod plan;
pub mod run;
pub mod target;

pub use error::{DeployError, ErrorKind};
pub use plan::Plan;
pub use run::{Failure, Options, Report, deploy, deploy_to};
pub use target::Destination;

/// Default of `--max-deletes`.
pub const DEFAULT_MAX_DELETES: usize = 256;

/// Default number of uploads in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 16;
