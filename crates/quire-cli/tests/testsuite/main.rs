//! The CLI's integration tests, one binary (as mdBook's `tests/testsuite`
//! and ripgrep's single `[[test]]`): one link of the test binary instead of
//! one a file, and the shared fixture harness in `common`.

// Each module uses the part of the harness it needs.
#[allow(dead_code)]
mod common;

mod article_page;
mod check_command;
mod deploy_command;
mod determinism;
mod errors;
mod exit_status;
mod feeds;
mod import_docx;
mod import_roundtrip;
mod init_new;
mod listings;
mod raw_html;
mod rebuild;
mod robustness;
