//! The generated corpus: N articles in en, tr and ru with the shapes of a
//! think tank's archive (issue #10), written as a quire site and as a Hugo
//! site with the same content. Each article is drawn from its own seeded
//! generator, so articles are generated in parallel and a corpus is the
//! same for the same seed whatever the thread count.
//! Must not know: how sites are built or timed.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use crate::rng::Rng;
use crate::words::{LANGS, Vocabulary, capitalise};

/// Number of authors, tags, regions, sections and bibliography records.
pub const AUTHORS: usize = 60;
/// Number of distinct tags.
pub const TAGS: usize = 300;
/// Number of distinct regions.
pub const REGIONS: usize = 8;
/// Section ids.
pub const SECTIONS: [&str; 3] = ["analysis", "commentary", "reports"];
/// Number of records in the shared bibliography.
pub const BIB_RECORDS: usize = 400;
const VOCABULARY: usize = 6000;

/// Which engine the site is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// A quire site: citations as `[@key]` against `bibliography/`.
    Quire,
    /// A Hugo site: every note a footnote, citations written out.
    Hugo,
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Number of articles (each in up to three languages).
    pub articles: usize,
    /// The seed; the same seed gives byte-identical output.
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Markdown files of articles (one per language version).
    pub versions: usize,
    /// Articles with one translation left out.
    pub missing_translation: usize,
    /// Total bytes of article Markdown.
    pub bytes: u64,
}

const REGION_NAMES: [[&str; 3]; REGIONS] = [
    ["Black Sea", "Karadeniz", "Черноморский регион"],
    ["Caspian", "Hazar", "Каспий"],
    ["Central Asia", "Orta Asya", "Центральная Азия"],
    ["South Caucasus", "Güney Kafkasya", "Южный Кавказ"],
    ["Balkans", "Balkanlar", "Балканы"],
    [
        "Eastern Mediterranean",
        "Doğu Akdeniz",
        "Восточное Средиземноморье",
    ],
    ["Danube Basin", "Tuna Havzası", "Бассейн Дуная"],
    ["Arctic", "Arktik", "Арктика"],
];
const SECTION_NAMES: [[&str; 3]; 3] = [
    ["Analysis", "Analiz", "Аналитика"],
    ["Commentary", "Yorum", "Комментарии"],
    ["Reports", "Raporlar", "Доклады"],
];
const FIRST: [&str; 12] = [
    "Amara", "Bekzod", "Clara", "Davit", "Elif", "Farid", "Galina", "Hasan", "Irina", "Jonas",
    "Kamila", "Levan",
];
const LAST: [&str; 5] = ["Holt", "Yilmaz", "Sokolova", "Nazarov", "Beridze"];
const IBID: [&str; 3] = ["Ibid.", "A.g.e.", "Там же."];

/// Shared, read-only material every article draws from.
struct World {
    vocab: Vec<Vocabulary>,
    /// Per tag: the indices of its topic words (into each vocabulary).
    topics: Vec<Vec<usize>>,
    /// Per language, per tag: the tag's name.
    tags: Vec<Vec<String>>,
    bib: Vec<BibRecord>,
}

struct BibRecord {
    key: String,
    author: String,
    title: String,
    publisher: String,
    year: usize,
}

impl World {
    fn new(seed: u64) -> World {
        let vocab: Vec<Vocabulary> = LANGS
            .iter()
            .map(|l| Vocabulary::new(l, VOCABULARY, seed))
            .collect();
        let mut rng = Rng::new(seed ^ 0x7031);
        let topics = (0..TAGS)
            .map(|_| (0..40).map(|_| rng.range(150, VOCABULARY - 1)).collect())
            .collect();
        // Tag names: two content words; the pairs (a, b) are distinct for
        // every tag, so names are unique in each language.
        let tags = (0..3)
            .map(|l| {
                (0..TAGS)
                    .map(|t| {
                        let a = &vocab[l].words[200 + t % 20];
                        let b = &vocab[l].words[260 + t / 20];
                        format!("{a} {b}")
                    })
                    .collect()
            })
            .collect();
        let bib = (0..BIB_RECORDS)
            .map(|i| {
                let en = &vocab[0].words;
                let author = format!(
                    "{}, {}",
                    capitalise(&en[rng.range(400, VOCABULARY - 1)], "en"),
                    FIRST[rng.range(0, FIRST.len() - 1)]
                );
                let title = (0..rng.range(3, 7))
                    .map(|k| {
                        let w = &en[rng.range(40, 700)];
                        if k == 0 {
                            capitalise(w, "en")
                        } else {
                            w.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                BibRecord {
                    key: format!("src{i:03}"),
                    author,
                    title,
                    publisher: format!("{} Press", capitalise(&en[rng.range(300, 900)], "en")),
                    year: 1995 + rng.range(0, 29),
                }
            })
            .collect();
        World {
            vocab,
            topics,
            tags,
            bib,
        }
    }
}

/// One note of an article, the same in every language version.
#[derive(Clone)]
enum Note {
    /// A citation of a bibliography record at a page.
    Cite(usize, usize),
    /// A web source, written out by hand.
    Web(usize),
    /// A hand-written "ibid." repeating the note before it.
    Ibid,
}

/// The language-independent plan of one article.
struct Plan {
    index: usize,
    dir: String,
    section: usize,
    date: (i64, u32, u32),
    authors: Vec<usize>,
    tags: Vec<usize>,
    region: usize,
    langs: Vec<usize>,
    notes: Vec<Note>,
    words: usize,
    seed: u64,
}

fn plan(world: &World, spec: Spec, index: usize) -> Plan {
    let seed = spec.seed.wrapping_mul(0x100_0000_01B3) ^ index as u64;
    let mut rng = Rng::new(seed);
    let section = rng.range(0, 2);
    let days = rng.range(0, 3652) as i64;
    let n_authors = rng.range(1, 2);
    let authors = rng.distinct(AUTHORS, n_authors);
    let n_tags = rng.range(2, 5);
    let tags = rng.distinct(TAGS, n_tags);
    let region = rng.range(0, REGIONS - 1);
    let mut langs = vec![0, 1, 2];
    if rng.chance(0.10) {
        langs.remove(rng.range(1, 2));
    }
    let n_notes = rng.range(3, 7);
    let mut notes: Vec<Note> = Vec::with_capacity(n_notes);
    for j in 0..n_notes {
        let repeat = j > 0 && rng.chance(0.25);
        let note = match (repeat, notes.last()) {
            // A citation repeated: the engine renders it as ibid.
            (true, Some(Note::Cite(k, _))) => Note::Cite(*k, rng.range(1, 300)),
            (true, Some(Note::Web(_))) => Note::Ibid,
            _ if rng.chance(0.5) => Note::Cite(rng.range(0, BIB_RECORDS - 1), rng.range(1, 300)),
            _ => Note::Web(rng.range(0, 100_000)),
        };
        notes.push(note);
    }
    let en = &world.vocab[0].words;
    let dir = format!(
        "{}-{}-{index}",
        en[rng.range(150, 900)],
        en[rng.range(150, 900)]
    );
    Plan {
        index,
        dir,
        section,
        date: civil_from_days(16_436 + days),
        authors,
        tags,
        region,
        langs,
        notes,
        words: rng.range(600, 1500),
        seed,
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Draws words for one language version: mostly the language's Zipf
/// distribution, sometimes the article's topic words (so that articles
/// sharing tags share vocabulary, as similar posts expect).
struct Writer<'a> {
    rng: Rng,
    vocab: &'a [String],
    topic: Vec<usize>,
    lang: usize,
}

impl Writer<'_> {
    fn word(&mut self) -> &str {
        if self.rng.chance(0.12) {
            let i = self.topic[self.rng.range(0, self.topic.len() - 1)];
            &self.vocab[i]
        } else {
            &self.vocab[self.rng.zipf(self.vocab.len())]
        }
    }

    fn sentence(&mut self, min: usize, max: usize) -> String {
        let n = self.rng.range(min, max);
        let mut s = String::new();
        for k in 0..n {
            let w = self.word().to_string();
            if k == 0 {
                s.push_str(&capitalise(&w, LANGS[self.lang]));
                continue;
            }
            s.push(' ');
            match self.rng.range(0, 60) {
                0 => write!(s, "*{w}*").unwrap_or_default(),
                1 => write!(s, "**{w}**").unwrap_or_default(),
                2 => write!(s, "[{w}](https://example.org/ref/{w})").unwrap_or_default(),
                3 if k + 1 < n => write!(s, "{w},").unwrap_or_default(),
                _ => s.push_str(&w),
            }
        }
        s.push('.');
        s
    }
}

/// The Markdown file of one language version.
fn version(world: &World, plan: &Plan, lang: usize, flavor: Flavor) -> String {
    let mut w = Writer {
        rng: Rng::new(plan.seed ^ (lang as u64 + 1).wrapping_mul(0x5851_F42D_4C95_7F2D)),
        vocab: &world.vocab[lang].words,
        topic: plan
            .tags
            .iter()
            .flat_map(|&t| world.topics[t].iter().copied())
            .collect(),
        lang,
    };
    let title = w.sentence(4, 9);
    let title = title.trim_end_matches('.').replace(['*', '[', ']'], "");
    let title = strip_links(&title);
    let highlights: Vec<String> = (0..w.rng.range(2, 3))
        .map(|_| strip_links(&w.sentence(10, 22).replace('*', "")))
        .collect();
    // Body: paragraphs of sentences, a heading every few paragraphs.
    let target = plan.words + plan.words * lang / 20;
    let mut blocks: Vec<Vec<String>> = Vec::new();
    let mut headings: Vec<Option<String>> = Vec::new();
    let mut count = 0;
    while count < target {
        let heading = (!blocks.is_empty() && blocks.len().is_multiple_of(4))
            .then(|| strip_links(w.sentence(2, 5).trim_end_matches('.')).replace('*', ""));
        let para: Vec<String> = (0..w.rng.range(3, 6)).map(|_| w.sentence(8, 24)).collect();
        count += para
            .iter()
            .map(|s| s.split_whitespace().count())
            .sum::<usize>();
        headings.push(heading);
        blocks.push(para);
    }
    // Notes at the ends of sentences spread through the body, in order.
    let sentences: Vec<(usize, usize)> = blocks
        .iter()
        .enumerate()
        .flat_map(|(b, p)| (0..p.len()).map(move |s| (b, s)))
        .collect();
    let mut at: Vec<usize> = w.rng.distinct(sentences.len(), plan.notes.len());
    at.sort_unstable();
    let mut defs = String::new();
    for (j, (&pos, note)) in at.iter().zip(&plan.notes).enumerate() {
        let (b, s) = sentences[pos];
        let marker = match (flavor, note) {
            (Flavor::Quire, Note::Cite(k, p)) => format!("[@{}, p. {p}]", world.bib[*k].key),
            _ => {
                let text = match note {
                    Note::Cite(k, p) => {
                        let r = &world.bib[*k];
                        format!(
                            "{}, *{}* ({}, {}), {p}.",
                            r.author, r.title, r.publisher, r.year
                        )
                    }
                    Note::Web(n) => format!(
                        "“{}”, {}, https://example.net/{}/{n}, (Date of access: 0{}.0{}.2024).",
                        strip_links(&w.sentence(3, 7).replace('*', "")).trim_end_matches('.'),
                        capitalise(&world.vocab[lang].words[n % 800 + 100], LANGS[lang]),
                        world.vocab[0].words[n % 500 + 100],
                        n % 9 + 1,
                        n % 9 + 1
                    ),
                    Note::Ibid => IBID[lang].to_string(),
                };
                writeln!(defs, "[^{}]: {text}", j + 1).unwrap_or_default();
                format!("[^{}]", j + 1)
            }
        };
        blocks[b][s].push_str(&marker);
    }
    let mut out = String::with_capacity(count * 8);
    out.push_str("+++\n");
    writeln!(out, "title = {}", toml_str(&title)).unwrap_or_default();
    let (y, m, d) = plan.date;
    writeln!(out, "date = {y:04}-{m:02}-{d:02}").unwrap_or_default();
    let ids: Vec<String> = plan
        .authors
        .iter()
        .map(|&a| toml_str(&author_id(a)))
        .collect();
    writeln!(out, "authors = [{}]", ids.join(", ")).unwrap_or_default();
    out.push_str("highlights = [\n");
    for h in &highlights {
        writeln!(out, "  {},", toml_str(h)).unwrap_or_default();
    }
    out.push_str("]\n");
    let tags: Vec<String> = plan
        .tags
        .iter()
        .map(|&t| toml_str(&world.tags[lang][t]))
        .collect();
    writeln!(out, "tags = [{}]", tags.join(", ")).unwrap_or_default();
    writeln!(
        out,
        "regions = [{}]",
        toml_str(REGION_NAMES[plan.region][lang])
    )
    .unwrap_or_default();
    out.push_str("+++\n\n");
    for (heading, para) in headings.iter().zip(&blocks) {
        if let Some(h) = heading {
            writeln!(out, "## {h}\n").unwrap_or_default();
        }
        out.push_str(&para.join(" "));
        out.push_str("\n\n");
    }
    out.push_str(&defs);
    out
}

fn strip_links(s: &str) -> String {
    // Drop the "(url)" part of "[w](url)" and the brackets.
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("](") {
        out.push_str(&rest[..open]);
        rest = rest[open + 2..].split_once(')').map_or("", |(_, r)| r);
    }
    out.push_str(rest);
    out.replace(['[', ']'], "")
}

fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The id of author number `i` (also its file name in `authors/`).
pub fn author_id(i: usize) -> String {
    format!(
        "{}-{}",
        FIRST[i % FIRST.len()].to_lowercase(),
        LAST[i / FIRST.len() % LAST.len()].to_lowercase()
    )
}

fn author_toml(world: &World, i: usize) -> String {
    let name = format!(
        "{} {}",
        FIRST[i % FIRST.len()],
        LAST[i / FIRST.len() % LAST.len()]
    );
    let mut rng = Rng::new(0xA0 + i as u64);
    let mut out = format!(
        "name = {}\naffiliation = \"Institute for Generated Studies\"\n\n[bio]\n",
        toml_str(&name)
    );
    for (l, lang) in LANGS.iter().enumerate() {
        let mut w = Writer {
            rng: Rng::new(rng.next_u64()),
            vocab: &world.vocab[l].words,
            topic: vec![0],
            lang: l,
        };
        let bio: Vec<String> = (0..3)
            .map(|_| strip_links(&w.sentence(8, 16).replace('*', "")))
            .collect();
        writeln!(out, "{lang} = {}", toml_str(&bio.join(" "))).unwrap_or_default();
    }
    out
}

fn bibliography(world: &World) -> String {
    let mut out = String::from("% Generated sources for the benchmark corpus.\n\n");
    for r in &world.bib {
        writeln!(
            out,
            "@book{{{},\n  author = {{{}}},\n  title = {{{}}},\n  publisher = {{{}}},\n  year = {{{}}},\n}}\n",
            r.key, r.author, r.title, r.publisher, r.year
        )
        .unwrap_or_default();
    }
    out
}

fn lang_suffix(lang: usize) -> String {
    if lang == 0 {
        String::new()
    } else {
        format!(".{}", LANGS[lang])
    }
}

fn write(path: &Path, text: &str) -> io::Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    std::fs::write(path, text)
}

/// Writes the site for `flavor` into `dir` (created; must not hold another
/// site). Content goes to `dir/content`; quire gets `quire.toml`,
/// `authors/` and `bibliography/`, Hugo gets `hugo.toml`, `data/authors/`
/// and layouts (see [`crate::hugo`]).
pub fn write_site(spec: Spec, dir: &Path, flavor: Flavor) -> io::Result<Written> {
    let world = World::new(spec.seed);
    std::fs::create_dir_all(dir)?;
    match flavor {
        Flavor::Quire => {
            write(&dir.join("quire.toml"), QUIRE_TOML)?;
            write(&dir.join("bibliography/sources.bib"), &bibliography(&world))?;
            for a in 0..AUTHORS {
                write(
                    &dir.join(format!("authors/{}.toml", author_id(a))),
                    &author_toml(&world, a),
                )?;
            }
        }
        Flavor::Hugo => {
            crate::hugo::write_config(dir)?;
            for a in 0..AUTHORS {
                write(
                    &dir.join(format!("data/authors/{}.toml", author_id(a))),
                    &author_toml(&world, a),
                )?;
            }
        }
    }
    let content = dir.join("content");
    for (l, _) in LANGS.iter().enumerate() {
        let home = [
            "Generated Institute",
            "Üretilmiş Enstitü",
            "Сгенерированный институт",
        ][l];
        write(
            &content.join(format!("_index{}.md", lang_suffix(l))),
            &format!(
                "+++\ntitle = {}\n+++\n\nAn archive generated for benchmarks.\n",
                toml_str(home)
            ),
        )?;
        for (s, id) in SECTIONS.iter().enumerate() {
            write(
                &content.join(format!("{id}/_index{}.md", lang_suffix(l))),
                &format!("+++\ntitle = {}\n+++\n", toml_str(SECTION_NAMES[s][l])),
            )?;
        }
    }
    let per_article: Vec<io::Result<Written>> = (0..spec.articles)
        .into_par_iter()
        .map(|i| {
            let plan = plan(&world, spec, i);
            let mut written = Written {
                missing_translation: usize::from(plan.langs.len() < 3),
                ..Written::default()
            };
            let bundle = content.join(SECTIONS[plan.section]).join(&plan.dir);
            std::fs::create_dir_all(&bundle)?;
            for &l in &plan.langs {
                let text = version(&world, &plan, l, flavor);
                written.versions += 1;
                written.bytes += text.len() as u64;
                std::fs::write(bundle.join(format!("index{}.md", lang_suffix(l))), text)?;
            }
            debug_assert_eq!(plan.index, i);
            Ok(written)
        })
        .collect();
    let mut total = Written::default();
    for w in per_article {
        let w = w?;
        total.versions += w.versions;
        total.missing_translation += w.missing_translation;
        total.bytes += w.bytes;
    }
    Ok(total)
}

const QUIRE_TOML: &str = r#"title = "Generated Institute"
base_url = "https://example.org"
description = "A generated archive for benchmarks."
default_language = "en"
paginate = 20

[languages.en]
name = "English"

[languages.tr]
name = "Türkçe"
title = "Üretilmiş Enstitü"

[languages.ru]
name = "Русский"
title = "Сгенерированный институт"

[taxonomies]
tags = {}
regions = {}

[citations]
style = "chicago-notes"

[similar]
count = 5

[search]
enabled = true
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_cover_ten_years() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(16_436), (2015, 1, 1));
        assert_eq!(civil_from_days(16_436 + 3652), (2024, 12, 31));
    }

    #[test]
    fn plans_have_the_issue_shapes() {
        let world = World::new(3);
        let spec = Spec {
            articles: 400,
            seed: 3,
        };
        let plans: Vec<Plan> = (0..400).map(|i| plan(&world, spec, i)).collect();
        let missing = plans.iter().filter(|p| p.langs.len() < 3).count();
        assert!((20..=70).contains(&missing), "{missing}");
        assert!(plans.iter().all(|p| (3..=7).contains(&p.notes.len())));
        assert!(plans.iter().all(|p| (1..=2).contains(&p.authors.len())));
        assert!(plans.iter().all(|p| (2..=5).contains(&p.tags.len())));
        let repeats = plans
            .iter()
            .filter(|p| {
                p.notes.windows(2).any(
                    |w| matches!((&w[0], &w[1]), (Note::Cite(a, _), Note::Cite(b, _)) if a == b),
                ) || p.notes.iter().any(|n| matches!(n, Note::Ibid))
            })
            .count();
        assert!(repeats > 100, "{repeats}");
        let text = version(&world, &plans[0], 1, Flavor::Quire);
        let body = text.split("+++").nth(2).unwrap();
        let words = body.split_whitespace().count();
        assert!((550..=1900).contains(&words), "{words}");
    }
}
