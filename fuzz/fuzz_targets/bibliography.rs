//! Bibliographies and their `crossref`/`xdata` graphs: any bytes as a
//! `.bib` file, and any graph the bytes describe, give records or
//! diagnostics, never a stack overflow, a panic or a quadratic blow-up.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The bytes as a BibLaTeX file.
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = quire_cite::Bibliography::parse("refs.bib", text);
    }
    // The bytes as a graph: the first says how many records (1–64), each
    // following pair links one record to another, by `crossref` when the
    // first byte of the pair is even and by `xdata` when it is odd.
    let Some((&count, links)) = data.split_first() else {
        return;
    };
    let count = usize::from(count % 64) + 1;
    let mut crossref: Vec<Option<usize>> = vec![None; count];
    let mut xdata: Vec<Vec<usize>> = vec![Vec::new(); count];
    for pair in links.chunks_exact(2) {
        let from = usize::from(pair[0] >> 1) % count;
        let to = usize::from(pair[1]) % count;
        if pair[0] & 1 == 0 {
            crossref[from] = Some(to);
        } else {
            xdata[from].push(to);
        }
    }
    let mut text = String::new();
    for i in 0..count {
        let kind = if xdata[i].is_empty() { "book" } else { "xdata" };
        text.push_str(&format!("@{kind}{{k{i}, title={{T{i}}}, publisher={{P{i}}}"));
        if let Some(to) = crossref[i] {
            text.push_str(&format!(", crossref={{k{to}}}"));
        }
        if !xdata[i].is_empty() {
            let keys: Vec<String> = xdata[i].iter().map(|to| format!("k{to}")).collect();
            text.push_str(&format!(", xdata={{{}}}", keys.join(",")));
        }
        text.push_str("}\n");
    }
    let problems = quire_cite::biblatex_link_problems("graph.bib", &text);
    match quire_cite::Bibliography::parse("graph.bib", &text) {
        Ok(bib) => assert!(problems.is_empty() && bib.len() == count),
        Err(errors) => assert!(!errors.is_empty()),
    }
});
