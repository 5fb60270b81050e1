//! What a long-running process (`quire serve`) keeps between builds of one
//! site, so that a rebuild redoes only what an edit touched.
//!
//! Kept: parse results (by source text), the citation engine with its memo
//! of notes, references and "cite this" strings (by configuration and
//! style), each page's resolved notes (by its text, links, the site's
//! bibliography and the engine), every rendered page (by a hash of everything it was rendered
//! from: the templates, the template name and the whole page context), each
//! language's search index (by its documents) and social cards (by their
//! text). Each key covers every input of its value, so a cached build equals
//! a fresh one byte for byte; a template or configuration change changes
//! every key and re-renders everything.
//!
//! Owns: the keys and the maps. Must not know: how pages, indexes or
//! engines are made (callers pass a closure).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use quire_cite::CitationEngine;
use quire_site::parse::ParseCache;
use serde::Serialize;
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::emit::Artifact;
use crate::notes::PageBody;
use quire_core::sync::lock;

/// A page's resolved body with the findings made while resolving it.
type ResolvedBody = (PageBody, Vec<quire_core::Diagnostic>);

/// A 128-bit key over the inputs of one cached value.
pub type Key = u128;

/// Caches shared by successive builds of one site. Empty until the first
/// build; safe to share between threads.
#[derive(Default)]
pub struct BuildCache {
    parse: ParseCache,
    engine: Mutex<Option<(Key, Arc<CitationEngine>)>>,
    /// Rendered outputs of the previous build and of the running one, by
    /// output path.
    outputs: Mutex<Generations>,
    search: Mutex<HashMap<String, (Key, Vec<Artifact>)>>,
    /// Resolved notes and body per source file.
    bodies: Mutex<HashMap<String, (Key, ResolvedBody)>>,
    rendered: AtomicUsize,
    reused: AtomicUsize,
    /// Paths of the outputs the running (or last) build made anew.
    rendered_paths: Mutex<Vec<String>>,
}

/// Outputs of the build before and of the build running now; starting a
/// build drops entries no longer produced.
#[derive(Default)]
struct Generations {
    previous: HashMap<String, (Key, Vec<u8>)>,
    current: HashMap<String, (Key, Vec<u8>)>,
}

/// How many outputs the last build rendered and how many it reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OutputCounts {
    /// Outputs made anew (templates run, cards drawn).
    pub rendered: usize,
    /// Outputs whose inputs were unchanged, taken from the previous build.
    pub reused: usize,
}

impl BuildCache {
    /// An empty cache.
    pub fn new() -> BuildCache {
        BuildCache::default()
    }

    /// The parse cache (unchanged sources are not parsed again).
    pub fn parse(&self) -> &ParseCache {
        &self.parse
    }

    /// Outputs rendered and reused by the last build.
    pub fn last_counts(&self) -> OutputCounts {
        OutputCounts {
            rendered: self.rendered.load(Ordering::Relaxed),
            reused: self.reused.load(Ordering::Relaxed),
        }
    }

    /// Marks the start of a build: outputs of the build before last are
    /// dropped, the last build's become the ones to reuse.
    pub(crate) fn begin_build(&self) {
        let mut g = lock(&self.outputs);
        let current = std::mem::take(&mut g.current);
        if !current.is_empty() {
            g.previous = current;
        }
        self.rendered.store(0, Ordering::Relaxed);
        self.reused.store(0, Ordering::Relaxed);
        lock(&self.rendered_paths).clear();
    }

    /// The paths of the outputs the last build made anew (not reused),
    /// sorted.
    pub fn last_rendered_paths(&self) -> Vec<String> {
        let mut paths = lock(&self.rendered_paths).clone();
        paths.sort();
        paths
    }

    /// The citation engine made for `key`, or a new one from `make`.
    pub(crate) fn engine<E>(
        &self,
        key: Key,
        make: impl FnOnce() -> Result<CitationEngine, E>,
    ) -> Result<Arc<CitationEngine>, E> {
        if let Some((k, engine)) = lock(&self.engine).as_ref()
            && *k == key
        {
            return Ok(Arc::clone(engine));
        }
        let engine = Arc::new(make()?);
        *lock(&self.engine) = Some((key, Arc::clone(&engine)));
        Ok(engine)
    }

    /// The bytes of the output at `path` rendered from inputs `key`: the
    /// previous build's when its key matches, else made by `render`.
    pub(crate) fn output<E>(
        &self,
        path: &str,
        key: Key,
        render: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Vec<u8>, E> {
        let known = lock(&self.outputs)
            .previous
            .get(path)
            .filter(|(k, _)| *k == key)
            .map(|(_, bytes)| bytes.clone());
        let bytes = match known {
            Some(bytes) => {
                self.reused.fetch_add(1, Ordering::Relaxed);
                bytes
            }
            None => {
                self.rendered.fetch_add(1, Ordering::Relaxed);
                lock(&self.rendered_paths).push(path.to_string());
                render()?
            }
        };
        lock(&self.outputs)
            .current
            .insert(path.to_string(), (key, bytes.clone()));
        Ok(bytes)
    }

    /// The resolved body of the page from `source` for inputs `key`, or a
    /// new one from `resolve`.
    pub(crate) fn body(
        &self,
        source: &str,
        key: Key,
        resolve: impl FnOnce() -> ResolvedBody,
    ) -> ResolvedBody {
        keyed(&self.bodies, source, key, resolve)
    }

    /// The search files of `lang` for documents `key`, or new ones from
    /// `make`.
    pub(crate) fn search(
        &self,
        lang: &str,
        key: Key,
        make: impl FnOnce() -> Vec<Artifact>,
    ) -> Vec<Artifact> {
        keyed(&self.search, lang, key, make)
    }
}

/// The value remembered under `name` when it was made from inputs `key`,
/// else a new one from `make`, remembered in its place.
fn keyed<V: Clone>(
    map: &Mutex<HashMap<String, (Key, V)>>,
    name: &str,
    key: Key,
    make: impl FnOnce() -> V,
) -> V {
    if let Some((k, value)) = lock(map).get(name)
        && *k == key
    {
        return value.clone();
    }
    let value = make();
    lock(map).insert(name.to_string(), (key, value.clone()));
    value
}

/// The key of a serializable value (its JSON form, hashed as it is written).
pub fn key_of_serialized(value: &impl Serialize) -> Key {
    let mut writer = HashWriter(SipHasher13::new_with_keys(7, 11));
    // Writing into a hasher cannot fail; a value that fails to serialize
    // gets a key of what was written so far plus a marker, never a
    // collision with a value that serialized.
    if serde_json::to_writer(&mut writer, value).is_err() {
        writer.0.write_u8(0xff);
    }
    writer.0.finish128().as_u128()
}

/// The key of a hashable value.
pub fn key_of(value: &impl Hash) -> Key {
    let mut h = SipHasher13::new_with_keys(7, 11);
    value.hash(&mut h);
    h.finish128().as_u128()
}

struct HashWriter(SipHasher13);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_reused_only_for_the_same_key() {
        let cache = BuildCache::new();
        cache.begin_build();
        let first: Result<Vec<u8>, ()> = cache.output("a.html", 1, || Ok(b"one".to_vec()));
        assert_eq!(first.unwrap(), b"one");
        cache.begin_build();
        let same: Result<Vec<u8>, ()> = cache.output("a.html", 1, || panic!("re-rendered"));
        assert_eq!(same.unwrap(), b"one");
        let other: Result<Vec<u8>, ()> = cache.output("a.html", 2, || Ok(b"two".to_vec()));
        assert_eq!(other.unwrap(), b"two");
        assert_eq!(
            cache.last_counts(),
            OutputCounts {
                rendered: 1,
                reused: 1
            }
        );
    }

    #[test]
    fn keys_differ_with_content() {
        assert_eq!(key_of_serialized(&("a", 1)), key_of_serialized(&("a", 1)));
        assert_ne!(key_of_serialized(&("a", 1)), key_of_serialized(&("a", 2)));
        assert_ne!(key_of(&"a"), key_of(&"b"));
    }
}
