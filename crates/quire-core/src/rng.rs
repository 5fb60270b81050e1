//! The workspace's one pseudo-random generator (SplitMix64), for generated
//! corpora, benchmarks and randomized tests: the same seed gives the same
//! stream on every machine and every Rust version.
//!
//! Written here rather than taken from a crate on purpose: the streams are
//! part of recorded results (the benchmark corpora of BENCHMARKS.md are
//! made from fixed seeds), and a crate's generator may change between
//! versions (fastrand's did in 2.0); SplitMix64 is ten lines and fixed.
//! Must not know: what the numbers are used for.

/// A seeded SplitMix64 generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// An index into `0..n` drawn from a Zipf-like law (rank r has weight
    /// about 1/r), the shape word frequencies have in real text.
    pub fn zipf(&mut self, n: usize) -> usize {
        // Inverse of the continuous 1/x law on [1, n+1): x = (n+1)^u.
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let x = ((n as f64 + 1.0).ln() * u).exp();
        (x as usize).saturating_sub(1).min(n - 1)
    }

    /// `k` distinct indices from `0..n`, in drawing order.
    pub fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut out = Vec::with_capacity(k);
        while out.len() < k.min(n) {
            let i = self.range(0, n - 1);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stream is fixed: recorded corpora depend on it.
    #[test]
    fn the_stream_never_changes() {
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a[0], Rng::new(8).next_u64());
    }

    #[test]
    fn zipf_prefers_low_ranks_and_stays_in_range() {
        let mut r = Rng::new(1);
        let draws: Vec<usize> = (0..10_000).map(|_| r.zipf(1000)).collect();
        assert!(draws.iter().all(|&d| d < 1000));
        let low = draws.iter().filter(|&&d| d < 10).count();
        let high = draws.iter().filter(|&&d| (500..510).contains(&d)).count();
        assert!(low > 10 * high.max(1), "low {low} high {high}");
    }
}
