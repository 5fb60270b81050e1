//! A 1000 × 1000 table took 890 MB to render (#37): every event of the body
//! was held three times at once. Its own test binary, so the process's peak
//! memory is this test's.

/// The process's peak resident memory in KiB, where Linux tells it.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_million_cell_table_renders_in_bounded_memory() {
    let row = format!("|{}|\n", vec!["x"; 1000].join("|"));
    let md = format!("{row}|{}|\n{}", vec!["-"; 1000].join("|"), row.repeat(999));
    let before = peak_kib();
    let r = quire_markdown::render(&md);
    assert_eq!(r.html.matches("<td>").count(), 999_000);
    let (Some(before), Some(after)) = (before, peak_kib()) else {
        return; // no /proc here
    };
    let grew_mib = after.saturating_sub(before) / 1024;
    eprintln!("peak grew by {grew_mib} MiB");
    assert!(grew_mib < 450, "rendering took {grew_mib} MiB");
}
