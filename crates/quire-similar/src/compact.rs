//! Compact building blocks for the per-language index: rows stored back to
//! back, and a fast hasher for word lookups.
//!
//! Owns: storage layout only. Must not know what the rows mean.

use std::hash::{BuildHasherDefault, Hasher};

/// Variable-length rows in one allocation (one per table instead of one per
/// article or term: at 100,000 articles the per-row boxes cost more in
/// allocator overhead and cache misses than the numbers they hold).
#[derive(Debug, Clone)]
pub(crate) struct Rows<T> {
    /// `start[i]..start[i + 1]` is row `i`; always one longer than the rows.
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            start: vec![0],
            items: Vec::new(),
        }
    }
}

impl<T> Rows<T> {
    /// Appends a row.
    pub(crate) fn push(&mut self, row: impl IntoIterator<Item = T>) {
        self.items.extend(row);
        self.start.push(self.items.len());
    }

    /// Row `i`.
    pub(crate) fn row(&self, i: usize) -> &[T] {
        &self.items[self.start[i]..self.start[i + 1]]
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.start.len() - 1
    }

    /// All rows in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &[T]> {
        self.start.windows(2).map(|w| &self.items[w[0]..w[1]])
    }

    /// All items of all rows, back to back.
    pub(crate) fn items(&self) -> &[T] {
        &self.items
    }

    /// Releases spare capacity (tables are built once and then only read).
    pub(crate) fn shrink_to_fit(&mut self) {
        self.start.shrink_to_fit();
        self.items.shrink_to_fit();
    }
}

impl<T: Copy> Rows<T> {
    /// The rows of several tables, in order (each part is freed once copied).
    pub(crate) fn concat(parts: Vec<Rows<T>>) -> Rows<T> {
        let mut out = Rows {
            start: Vec::with_capacity(parts.iter().map(Rows::len).sum::<usize>() + 1),
            items: Vec::with_capacity(parts.iter().map(|p| p.items.len()).sum()),
        };
        out.start.push(0);
        for part in parts {
            for row in part.iter() {
                out.push(row.iter().copied());
            }
        }
        out
    }
}

/// The Fx hash (rustc's): one multiply per eight bytes. Word lookups run
/// once per word of every article, and SipHash's resistance to chosen
/// collisions buys nothing against a site's own text.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

/// Builds [`FxHasher`]s for `HashMap`s.
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weakest; hash tables index by them.
        self.hash.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_order_and_empty_rows() {
        let mut a = Rows::default();
        a.push([1, 2]);
        a.push([]);
        let mut b = Rows::default();
        b.push([3]);
        let all = Rows::concat(vec![a, b]);
        assert_eq!(all.len(), 3);
        assert_eq!(all.iter().collect::<Vec<_>>(), [&[1, 2][..], &[], &[3]]);
        assert_eq!(all.row(2), [3]);
        assert_eq!(all.items(), [1, 2, 3]);
    }
}
