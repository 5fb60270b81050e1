//! The seeded generator of the corpora: quire-core's, the workspace's one.

pub use quire_core::rng::Rng;
