//! The `crossref`/`xdata` graph of a BibLaTeX file, checked before biblatex
//! resolves it.
//!
//! Owns: finding cycles, over-long inheritance chains and fan-outs that
//! would make resolution blow up, each reported at its entry's key.
//! Must not know: what the inherited fields mean (biblatex resolves them).
//!
//! biblatex resolves an entry by recursively cloning and resolving every
//! record it names, with no visited set and no memo: a cycle (even an
//! uncited `@inbook{a, crossref={a}}`) overflows the stack, a chain of n
//! records costs n² and a lattice of `xdata` lists costs 2ⁿ. Here the same
//! graph is walked once, iteratively, and a file whose resolution would not
//! stay small is refused before biblatex sees it.

use std::collections::HashMap;

use biblatex::{Bibliography, RawBibliography};
use quire_core::{Diagnostic, SourceText};

/// Most levels of inheritance followed: `@inbook` → `@book` → `@mvbook` is
/// 2, and a few `xdata` levels on top of that are still far below this.
pub const MAX_DEPTH: u64 = 16;

/// Most records one entry may pull in, counting each time biblatex would
/// clone one (a record named twice on the way counts twice).
pub const MAX_PULLED: u64 = 256;

/// At most this many cycles are reported for one file; the rest are counted.
const MAX_CYCLES_REPORTED: usize = 20;

/// At most this many keys are listed in one cycle's message.
const MAX_KEYS_SHOWN: usize = 8;

/// Field names no BibLaTeX source can spell (they start with a space):
/// the renamed links are parsed like any field but never resolved.
const CROSSREF: &str = " crossref";
const XDATA: &str = " xdata";

/// Errors for every `crossref`/`xdata` cycle, and for chains or fan-outs
/// too large to resolve, in the BibLaTeX source `text` of `path`; empty when
/// biblatex can resolve the file safely (or cannot parse it at all: its own
/// parser then reports why).
pub fn biblatex_link_problems(path: &str, text: &str) -> Vec<Diagnostic> {
    let Ok(mut raw) = RawBibliography::parse(text) else {
        return Vec::new();
    };
    let key_offsets: Vec<usize> = raw.entries.iter().map(|e| e.v.key.span.start).collect();
    for entry in &mut raw.entries {
        for pair in &mut entry.v.fields {
            if pair.key.v.eq_ignore_ascii_case("crossref") {
                pair.key.v = CROSSREF;
            } else if pair.key.v.eq_ignore_ascii_case("xdata") {
                pair.key.v = XDATA;
            }
        }
    }
    // Without its link fields, biblatex reads the file without resolving:
    // the values are parsed exactly as it would (macros, concatenation).
    let Ok(bib) = Bibliography::from_raw(raw) else {
        return Vec::new();
    };
    let graph = Graph::of(&bib);
    let walk = graph.walk();
    let source = SourceText::new(text);
    let at = |node: usize, message: String| {
        let d = Diagnostic::error(path, message);
        match key_offsets.get(node) {
            Some(&offset) => d.at(&source, offset),
            None => d,
        }
    };

    let mut found = Vec::new();
    for cycle in walk.cycles.iter().take(MAX_CYCLES_REPORTED) {
        let first = cycle[0];
        let mut shown: Vec<String> = cycle
            .iter()
            .take(MAX_KEYS_SHOWN)
            .map(|&n| format!("`{}`", graph.keys[n]))
            .collect();
        if cycle.len() > MAX_KEYS_SHOWN {
            shown.push(format!("… ({} records in all)", cycle.len()));
        }
        shown.push(format!("`{}`", graph.keys[first]));
        found.push(at(
            first,
            format!(
                "`{}` inherits from itself through `crossref`/`xdata`: {}; remove the link that closes the cycle",
                graph.keys[first],
                shown.join(" → ")
            ),
        ));
    }
    if walk.cycles.len() > MAX_CYCLES_REPORTED {
        found.push(Diagnostic::error(
            path,
            format!(
                "{} more `crossref`/`xdata` cycles not shown",
                walk.cycles.len() - MAX_CYCLES_REPORTED
            ),
        ));
    }

    // Only records outside every cycle: a cycle's costs are infinite.
    let sound = |n: &usize| !walk.tainted[*n];
    let over_depth: Vec<usize> = (0..graph.keys.len())
        .filter(sound)
        .filter(|&n| walk.depth[n] > MAX_DEPTH)
        .collect();
    if let Some(&worst) = over_depth
        .iter()
        .max_by_key(|&&n| (walk.depth[n], usize::MAX - n))
    {
        found.push(at(
            worst,
            format!(
                "`{}` inherits through {} levels of `crossref`/`xdata`; quire follows at most {MAX_DEPTH}{}",
                graph.keys[worst],
                walk.depth[worst],
                others(over_depth.len()),
            ),
        ));
    }
    let over_pulled: Vec<usize> = (0..graph.keys.len())
        .filter(sound)
        .filter(|&n| walk.depth[n] <= MAX_DEPTH && walk.pulled[n] > MAX_PULLED)
        .collect();
    if let Some(&worst) = over_pulled
        .iter()
        .max_by_key(|&&n| (walk.pulled[n], usize::MAX - n))
    {
        let count = match walk.pulled[worst] {
            u64::MAX => "more than 2⁶⁴".to_string(),
            n => n.to_string(),
        };
        found.push(at(
            worst,
            format!(
                "`{}` pulls in {count} records through `crossref`/`xdata` (each record counted every time it is reached); quire resolves at most {MAX_PULLED}{}",
                graph.keys[worst],
                others(over_pulled.len()),
            ),
        ));
    }
    found
}

/// " (and N other records)" for a count of offenders including the one named.
fn others(count: usize) -> String {
    match count {
        0 | 1 => String::new(),
        2 => " (and 1 other record)".to_string(),
        n => format!(" (and {} other records)", n - 1),
    }
}

/// Records by index (file order) and the records each one names, in the
/// order biblatex resolves them: `crossref` first, then `xdata`.
struct Graph {
    keys: Vec<String>,
    links: Vec<Vec<usize>>,
}

impl Graph {
    fn of(bib: &Bibliography) -> Graph {
        // The key → record map as biblatex builds it: each key, then its
        // `ids` aliases, in file order, a later alias replacing an earlier one.
        let mut index: HashMap<String, usize> = HashMap::new();
        for (i, entry) in bib.iter().enumerate() {
            index.insert(entry.key.clone(), i);
            if let Ok(ids) = entry.get_as::<Vec<String>>("ids") {
                for alias in ids {
                    index.insert(alias, i);
                }
            }
        }
        let keys = bib.iter().map(|e| e.key.clone()).collect();
        let links = bib
            .iter()
            .map(|entry| {
                let crossref = entry.get_as::<String>(CROSSREF).ok();
                let xdata = entry.get_as::<Vec<String>>(XDATA).unwrap_or_default();
                crossref
                    .into_iter()
                    .chain(xdata)
                    .filter_map(|k| index.get(&k).copied())
                    .collect()
            })
            .collect();
        Graph { keys, links }
    }

    /// One depth-first walk over every record, without recursion (a chain
    /// of thousands must not overflow quire's own stack).
    fn walk(&self) -> Walk {
        const NEW: u8 = 0;
        const OPEN: u8 = 1;
        const DONE: u8 = 2;
        let n = self.keys.len();
        let mut state = vec![NEW; n];
        let mut walk = Walk {
            depth: vec![0; n],
            pulled: vec![0; n],
            tainted: vec![false; n],
            cycles: Vec::new(),
        };
        // The open path: (record, index of its next link to follow).
        let mut path: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if state[root] != NEW {
                continue;
            }
            state[root] = OPEN;
            path.push((root, 0));
            while let Some(&mut (node, ref mut next)) = path.last_mut() {
                if let Some(&child) = self.links[node].get(*next) {
                    *next += 1;
                    match state[child] {
                        NEW => {
                            state[child] = OPEN;
                            path.push((child, 0));
                        }
                        OPEN => {
                            // A link back into the open path closes a cycle.
                            let from = path
                                .iter()
                                .position(|&(p, _)| p == child)
                                .expect("an open record is on the path");
                            let cycle: Vec<usize> = path[from..].iter().map(|&(p, _)| p).collect();
                            for &p in &cycle {
                                walk.tainted[p] = true;
                            }
                            walk.cycles.push(cycle);
                        }
                        _ => {}
                    }
                    continue;
                }
                // Every link followed: the record's costs are its links'.
                path.pop();
                state[node] = DONE;
                let (mut depth, mut pulled, mut tainted) = (0u64, 0u64, walk.tainted[node]);
                for &child in &self.links[node] {
                    depth = depth.max(walk.depth[child].saturating_add(1));
                    pulled = pulled.saturating_add(walk.pulled[child].saturating_add(1));
                    tainted |= walk.tainted[child];
                }
                walk.depth[node] = depth;
                walk.pulled[node] = pulled;
                walk.tainted[node] = tainted;
            }
        }
        walk
    }
}

/// What one walk learned about each record.
struct Walk {
    /// Longest chain of links below the record.
    depth: Vec<u64>,
    /// Records biblatex would clone to resolve it (saturating).
    pulled: Vec<u64>,
    /// True when the record is on a cycle or reaches one.
    tainted: Vec<bool>,
    /// Each cycle found, as records along the links, first the one reached first.
    cycles: Vec<Vec<usize>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        biblatex_link_problems("refs.bib", text)
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.col, d.message))
            .collect()
    }

    #[test]
    fn an_entry_naming_itself_is_a_cycle_at_its_key() {
        let got =
            problems("@book{ok, title={Fine}}\n\n@inbook{self, crossref={self}, title={T}}\n");
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("3:9 `self` inherits from itself"),
            "{got:?}"
        );
        assert!(got[0].contains("`self` → `self`"), "{got:?}");
    }

    #[test]
    fn cycles_through_xdata_aliases_and_case_are_found() {
        let got = problems(
            "@xdata{a, ids={al}, xdata={b}}\n@xdata{b, XDATA={c}}\n@book{c, CrossRef={al}}\n@book{d, crossref={c}}\n",
        );
        // One cycle, reported once; `d` only reaches it.
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("`a` → `b` → `c` → `a`"), "{got:?}");
        let two = problems("@book{x, crossref={y}}\n@book{y, xdata={x}}\n");
        assert_eq!(two.len(), 1, "{two:?}");
        assert!(two[0].contains("`x` → `y` → `x`"), "{two:?}");
    }

    #[test]
    fn a_long_chain_is_refused_once_at_its_top() {
        let mut text = String::new();
        for i in 0..5_000 {
            text.push_str(&format!(
                "@book{{e{i}, title={{T{i}}}, crossref={{e{}}}}}\n",
                i + 1
            ));
        }
        text.push_str("@book{e5000, title={Last}}\n");
        let started = std::time::Instant::now();
        let got = problems(&text);
        assert!(
            started.elapsed().as_secs() < 5,
            "took {:?}",
            started.elapsed()
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].starts_with("1:7 `e0` inherits through 5000 levels of `crossref`/`xdata`"),
            "{got:?}"
        );
        assert!(got[0].contains("and 4983 other records"), "{got:?}");
    }

    #[test]
    fn an_xdata_lattice_is_refused_before_it_doubles() {
        // Each level names the next level's two records twice: 4ⁿ clones.
        let mut text = String::new();
        for level in 0..12 {
            for side in ["l", "r"] {
                text.push_str(&format!(
                    "@xdata{{{side}{level}, xdata={{l{n},r{n},l{n},r{n}}}}}\n",
                    n = level + 1
                ));
            }
        }
        text.push_str("@xdata{l12, note={x}}\n@xdata{r12, note={y}}\n");
        let got = problems(&text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("`l0` pulls in"), "{got:?}");
    }

    #[test]
    fn ordinary_inheritance_passes() {
        let text = "@mvbook{mv, title={All}, author={A, B}, date={2020}}\n\
                    @book{bk, crossref={mv}, title={One}}\n\
                    @inbook{ch, crossref={bk}, xdata={pub}, title={Ch}}\n\
                    @xdata{pub, publisher={P}}\n\
                    @inbook{missing, crossref={nowhere}, title={M}}\n";
        assert_eq!(problems(text), Vec::<String>::new());
        // And biblatex then resolves it: the chapter inherits the author.
        let lib = hayagriva::io::from_biblatex_str(text).unwrap();
        assert!(lib.get("ch").is_some());
    }
}
