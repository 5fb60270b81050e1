//! The on-disk shape of a language's index, and the byte-level helpers that
//! make it deterministic and cache-friendly.
//!
//! Owns: file naming (content hashes), gzip framing, JSON encoding.
//! Must not know: text analysis or scoring.
//!
//! Layout under `search/<lang>/` (format version [`VERSION`]):
//!
//! * `manifest.json` — the only file with a fixed name (so it is the only
//!   one a CDN must revalidate); uncompressed and small. It holds the format
//!   version, the language, the document count, the shard table (first key
//!   and file of each shard, sorted by key), the doc-map files, the facet
//!   values with counts and their filter files, the stop words seen in the
//!   corpus, and the accent-folding table for the characters seen.
//! * `s/<hash>.json.gz` — a shard: a sorted run of accent-insensitive keys,
//!   each with the folded forms seen in the corpus and the term (stem) each
//!   maps to; then, for every term referenced, its folded forms (for
//!   highlighting) and its postings `[doc delta, score, …]` where score is the
//!   document's BM25F score for the term times 100 — BM25 sums over query
//!   terms, so the browser only adds.
//! * `d/<hash>.json.gz` — a doc map: fragment hashes for [`DOCMAP_CHUNK`]
//!   consecutive documents.
//! * `f/<hash>.json.gz` — a fragment: one document's URL, title, section,
//!   date, authors, tags, highlights and body text, for result display and
//!   excerpts.
//! * `x/<hash>.json.gz` — a filter file: for one facet, each value with its
//!   document ids (delta-coded).
//!
//! Hashed names are immutable: a changed file gets a new name, so all but the
//! manifest can be cached forever.

use std::cell::RefCell;

use libdeflater::{CompressionLvl, Compressor};
use serde::Serialize;

use crate::SearchFile;

/// Index format version, written into the manifest and checked by the browser.
pub(crate) const VERSION: u32 = 1;

/// Documents per doc-map file.
pub(crate) const DOCMAP_CHUNK: usize = 256;

/// A 64-bit XXH3 hash as 16 hex digits: specified byte for byte (stable
/// across platforms, crate and Rust versions, unlike `DefaultHasher`), fast
/// enough to run over every index file (the fragments hold a site's whole
/// text), and wide enough that the few thousand files of one language do not
/// collide in practice. Identical files share a name and are written once.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Gzip with a fixed header (no mtime, no file name, OS "unknown") so the
/// same input gives the same bytes on every machine. The browser inflates
/// with `DecompressionStream`: no server-side compression is assumed.
///
/// libdeflate rather than a streaming zlib: every file is a whole buffer in
/// memory, and on the 10,000-article benchmark's fragments its level 1 is
/// 1.4 % larger than zlib-rs at level 3 in half the time (gzip was a
/// seventh of that build's CPU time).
pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    thread_local! {
        /// The compressor and a scratch buffer of its worst-case size: the
        /// file itself is copied out at its exact length.
        static GZIP: RefCell<(Compressor, Vec<u8>)> = RefCell::new((
            // Level 1; libdeflate's "fastest" is level 0, which stores.
            Compressor::new(CompressionLvl::new(1).unwrap_or_default()),
            Vec::new(),
        ));
    }
    GZIP.with_borrow_mut(|(compressor, scratch)| {
        scratch.resize(compressor.gzip_compress_bound(bytes.len()), 0);
        // The scratch is at least the bound, so compression cannot run out
        // of room; an empty file stands in if it ever did.
        let len = compressor.gzip_compress(bytes, scratch).unwrap_or(0);
        scratch[..len].to_vec()
    })
}

/// JSON bytes of `value`. Our values are plain maps, strings and numbers, so
/// serialisation cannot fail; an empty object stands in if it ever did.
pub(crate) fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

/// A gzip-compressed, content-hashed file `<dir>/<hash>.json.gz` under
/// `search/<lang>/`; returns the file and its name relative to the manifest.
pub(crate) fn hashed_file<T: Serialize>(lang: &str, dir: &str, value: &T) -> (SearchFile, String) {
    let raw = json(value);
    let name = format!("{dir}/{}.json.gz", content_hash(&raw));
    let file = SearchFile {
        path: format!("search/{lang}/{name}"),
        bytes: gzip(&raw),
    };
    (file, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_deterministic_and_round_trips() {
        let a = gzip(b"hello hello hello");
        assert_eq!(a, gzip(b"hello hello hello"));
        // Header: magic, deflate, no flags, mtime 0, OS unknown.
        assert_eq!(&a[..4], &[0x1f, 0x8b, 8, 0]);
        assert_eq!(&a[4..8], &[0, 0, 0, 0]);
        assert_eq!(a[9], 255);
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&a[..]), &mut out)
            .expect("inflate");
        assert_eq!(out, "hello hello hello");
    }

    #[test]
    fn gzip_compresses() {
        // A level that only stores would pass the round trip above.
        let text = "the river basin and the water treaty of the upper valley ".repeat(200);
        let packed = gzip(text.as_bytes());
        assert!(packed.len() * 4 < text.len(), "{} bytes", packed.len());
    }

    #[test]
    fn content_hash_is_stable() {
        // XXH3-64 of the empty input, from the specification's test vectors.
        assert_eq!(content_hash(b""), "2d06800538d394c2");
        assert_ne!(content_hash(b"a"), content_hash(b"b"));
    }
}
