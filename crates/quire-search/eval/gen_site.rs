//! Generates an evaluation site for quire-search: static HTML article pages
//! in en, tr and ru (for Pagefind, which indexes HTML), the same articles as
//! `SearchDoc`s indexed with `build_index` (timed), the search pages and the
//! assets. The 20 "needle" articles per language from `eval/queries.json` are
//! planted among generated filler articles whose words are drawn from a
//! fixed vocabulary (including the needles' own words, as distractors).
//!
//! Usage: `cargo run --release -p quire-search --example eval-site -- OUT_DIR ARTICLES_PER_LANGUAGE`
//! Prints one JSON line: per language, document count, index build time in
//! milliseconds, index files and bytes.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use quire_search::{SearchDoc, assets, build_index, builtin_strings, search_page_html};
use serde_json::{Value, json};

const FILLER_TR: &str = "hükümet bakanlık meclis karar rapor analiz bölge ülke şehir ekonomi \
    piyasa bütçe vergi yatırım kredi banka faiz ticaret ihracat ithalat sanayi üretim enerji \
    petrol elektrik tarım su gıda sağlık eğitim okul öğrenci öğretmen aile nüfus göç işçi \
    işveren sendika ücret emekli sosyal güvenlik politika strateji diplomasi anlaşma görüşme \
    zirve komşu sınır ordu savunma asker barış kriz çatışma seçim parti muhalefet iktidar \
    anayasa yasa mahkeme hukuk özgürlük basın medya haber kamuoyu anket toplum kültür tarih \
    gelecek dönem yıl ay hafta büyüme daralma risk fırsat sorun çözüm öneri hedef plan \
    uygulama süreç sonuç etki maliyet fiyat talep arz rekabet teknoloji dijital veri internet \
    liman demiryolu karayolu havalimanı konut kira belediye köy kent çevre iklim orman deniz";

const FILLER_RU: &str = "правительство министерство парламент решение доклад анализ регион \
    страна город экономика рынок бюджет налог инвестиции кредит банк ставка торговля экспорт \
    импорт промышленность производство энергия нефть электричество сельское хозяйство вода \
    продовольствие здоровье образование школа студент учитель семья население миграция \
    рабочий работодатель профсоюз зарплата пенсия социальный безопасность политика стратегия \
    дипломатия соглашение переговоры саммит сосед граница армия оборона солдат мир кризис \
    конфликт выборы партия оппозиция власть конституция закон суд право свобода пресса медиа \
    новости общество культура история будущее период год месяц неделя рост спад риск \
    возможность проблема решение предложение цель план реализация процесс результат влияние \
    стоимость цена спрос предложение конкуренция технология цифровой данные интернет порт \
    железная дорога аэропорт жильё аренда муниципалитет деревня климат лес море";

const FILLER_EN: &str = "government ministry parliament decision report analysis region \
    country city economy market budget tax investment credit bank rate trade exports imports \
    industry production energy oil electricity agriculture water food health education school \
    student teacher family population migration worker employer union wage pension social \
    security policy strategy diplomacy agreement talks summit neighbour border army defence \
    soldier peace crisis conflict election party opposition power constitution law court \
    rights freedom press media news public society culture history future period year month \
    week growth decline risk opportunity problem solution proposal goal plan implementation \
    process result impact cost price demand supply competition technology digital data \
    internet port railway road airport housing rent municipality village city environment \
    climate forest sea";

/// A small deterministic generator (xorshift64*): the same arguments give
/// the same site.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// An index in `0..n`, Zipf-like (low indices more often).
    fn zipf(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as usize % n
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Upper-cases the first letter, with Turkish i/ı rules for `tr`.
fn capitalise(lang: &str, s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some('i') if lang == "tr" => "İ".to_string() + c.as_str(),
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Lower-cases a word, with Turkish I/İ rules for `tr`.
fn lower(lang: &str, s: &str) -> String {
    if lang == "tr" {
        s.replace('I', "ı").replace('İ', "i").to_lowercase()
    } else {
        s.to_lowercase()
    }
}

fn sentence(lang: &str, rng: &mut Rng, vocab: &[String], words: usize) -> String {
    let picked: Vec<&str> = (0..words)
        .map(|_| vocab[rng.zipf(vocab.len())].as_str())
        .collect();
    capitalise(lang, &picked.join(" ")) + "."
}

fn prefix(lang: &str) -> String {
    if lang == "en" {
        String::new()
    } else {
        format!("/{lang}")
    }
}

fn page_html(lang: &str, doc: &SearchDoc) -> String {
    let highlights: String = doc
        .highlights
        .iter()
        .map(|h| format!("<li>{}</li>", esc(h)))
        .collect();
    let body: String = doc
        .body
        .split("\n\n")
        .map(|p| format!("<p>{}</p>\n", esc(p)))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\n\
         <body><header><form role=\"search\" action=\"{pre}/search/\"><input type=\"search\" name=\"q\"></form></header>\n\
         <main data-pagefind-body><article><p class=\"section\">{sec}</p><h1>{t}</h1><time datetime=\"{d}\">{d}</time>\n\
         <p class=\"authors\">{a}</p><ul class=\"highlights\">{highlights}</ul>\n{body}</article></main></body></html>\n",
        t = esc(&doc.title),
        pre = prefix(lang),
        sec = esc(&doc.section),
        d = doc.date,
        a = esc(&doc.authors.join(", ")),
    )
}

fn search_page(lang: &str) -> String {
    let strings: BTreeMap<String, String> = builtin_strings(lang)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\n<body><main>\n<h1>{t}</h1>\n{frag}</main></body></html>\n",
        t = esc(&strings["search_title"]),
        frag = search_page_html(lang, &format!("/search/{lang}/"), "/assets/", &strings),
    )
}

fn write(root: &Path, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = root.join(rel.trim_start_matches('/'));
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        return Err("usage: eval-site OUT_DIR ARTICLES_PER_LANGUAGE".into());
    }
    let out = Path::new(&args[1]);
    let per_lang: usize = args[2].parse()?;
    let queries: Value = serde_json::from_str(include_str!("queries.json"))?;
    let mut report = serde_json::Map::new();
    for (li, lang) in ["en", "tr", "ru"].into_iter().enumerate() {
        let needles = queries[lang]
            .as_array()
            .ok_or("queries.json: language missing")?;
        let filler = match lang {
            "tr" => FILLER_TR,
            "ru" => FILLER_RU,
            _ => FILLER_EN,
        };
        let mut vocab: Vec<String> = filler.split_whitespace().map(str::to_string).collect();
        // Needle words appear in filler too, at the rare end of the vocabulary.
        for n in needles {
            for field in ["title", "body"] {
                let text = n[field].as_str().unwrap_or_default();
                vocab.extend(
                    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
                        .filter(|w| w.chars().count() > 3)
                        .map(|w| lower(lang, w)),
                );
            }
        }
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (li as u64 + 1));
        let sections = ["Analysis", "Commentary", "Reports"];
        let mut docs = Vec::with_capacity(per_lang);
        for i in 0..per_lang {
            let needle = needles.get(i);
            let paragraphs: Vec<String> = (0..4)
                .map(|_| {
                    (0..5)
                        .map(|_| {
                            let len = 6 + rng.zipf(10);
                            sentence(lang, &mut rng, &vocab, len)
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let (slug, title, body) = match needle {
                Some(n) => (
                    format!("needle-{}", n["id"].as_str().unwrap_or_default()),
                    n["title"].as_str().unwrap_or_default().to_string(),
                    format!(
                        "{}\n\n{}",
                        n["body"].as_str().unwrap_or_default(),
                        paragraphs.join("\n\n")
                    ),
                ),
                None => {
                    let len = 3 + rng.zipf(4);
                    (
                        format!("article-{i:05}"),
                        sentence(lang, &mut rng, &vocab, len)
                            .trim_end_matches('.')
                            .to_string(),
                        paragraphs.join("\n\n"),
                    )
                }
            };
            let year = 2015 + (rng.next() % 11);
            let month = 1 + rng.next() % 12;
            let day = 1 + rng.next() % 28;
            docs.push(SearchDoc {
                url: format!("{}/analysis/{slug}/", prefix(lang)),
                title,
                highlights: vec![sentence(lang, &mut rng, &vocab, 8)],
                body: body.into(),
                authors: vec![format!("Author {}", rng.next() % 40)],
                section: sections[(rng.next() % 3) as usize].to_string(),
                tags: vec![vocab[rng.zipf(60)].clone()],
                date: format!("{year}-{month:02}-{day:02}"),
            });
        }
        for d in &docs {
            write(
                out,
                &format!("{}index.html", d.url),
                page_html(lang, d).as_bytes(),
            )?;
        }
        let started = Instant::now();
        let files = build_index(lang, &docs);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        for f in &files {
            write(out, &f.path, &f.bytes)?;
        }
        write(
            out,
            &format!("{}/search/index.html", prefix(lang)),
            search_page(lang).as_bytes(),
        )?;
        report.insert(
            lang.to_string(),
            json!({ "docs": docs.len(), "build_ms": (ms * 10.0).round() / 10.0, "files": files.len(), "bytes": bytes }),
        );
    }
    for f in assets() {
        write(out, &f.path, &f.bytes)?;
    }
    println!("{}", Value::Object(report));
    Ok(())
}
