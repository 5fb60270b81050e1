//! Benchmarks for issue #10: a deterministic generator of think-tank
//! corpora (en/tr/ru) written as a quire site and as a Hugo site, and the
//! measuring helpers the `quire-bench` driver uses.
//! Must not know: quire's internals — it drives the `quire` binary from
//! outside, as a user would, so the numbers include everything a user waits for.

pub mod corpus;
pub mod hugo;
pub mod measure;
pub mod rng;
pub mod words;
