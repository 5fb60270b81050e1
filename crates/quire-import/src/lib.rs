//! scratch
#![allow(missing_docs, dead_code)]
mod body;
mod wxr;
