//! Test support: a small original corpus per language with known answers,
//! and a minimal Rust reader of the index files (exact-form lookups only)
//! so the format and ranking can be checked without a browser.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read as _;

use quire_search::{SearchDoc, SearchFile, build_index};
use serde_json::Value;

// One call per document reads like a table row; a builder would hide that.
#[allow(clippy::too_many_arguments)]
fn doc(
    url: &str,
    title: &str,
    highlights: &[&str],
    body: &str,
    authors: &[&str],
    section: &str,
    tags: &[&str],
    date: &str,
) -> SearchDoc<'static> {
    SearchDoc {
        url: url.to_string(),
        title: title.to_string(),
        highlights: highlights.iter().map(|s| s.to_string()).collect(),
        body: body.to_string().into(),
        authors: authors.iter().map(|s| s.to_string()).collect(),
        section: section.to_string(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        date: date.to_string(),
    }
}

/// Turkish documents.
pub fn turkish() -> Vec<SearchDoc<'static>> {
    vec![
        doc(
            "/tr/analysis/enerji-guvenligi/",
            "Karadeniz'de enerji güvenliği",
            &["Boru hatları bölgenin güvenliğini belirliyor."],
            "Karadeniz kıyısındaki limanlar yeni bir dönemin eşiğinde. Enerji güvenliği artık \
             yalnızca fiyat meselesi değil; ülkelerin güvenliğine dair kararlar da limanlarda \
             alınıyor. İstanbul'daki toplantıda bakanlar boru hattı projelerini tartıştı.",
            &["Ayşe Yılmaz"],
            "Analiz",
            &["enerji", "Karadeniz"],
            "2025-03-14",
        ),
        doc(
            "/tr/analysis/cin-ticaret/",
            "Çin ile ticaret ilişkileri",
            &["Çin'in ihracatı yavaşlıyor."],
            "Çin ekonomisi son çeyrekte beklenenden zayıf büyüdü. Ankara’nın Pekin ile \
             işbirliği, yeni ticaret anlaşmalarının imzalanmasıyla derinleşiyor. Işık \
             hızında değişen piyasalarda ılımlı bir politika öneriliyor.",
            &["Mehmet Demir"],
            "Analiz",
            &["ticaret", "Asya"],
            "2024-11-02",
        ),
        doc(
            "/tr/commentary/siber/",
            "Siber güvenlik politikaları",
            &["Kamu kurumları siber saldırılara hazırlıksız."],
            "Siber güvenlik alanında yeni bir yasa hazırlanıyor. Uzmanlar, işbirliğinin \
             kurumlar arasında güçlendirilmesi gerektiğini söylüyor. Veri güvenliği için \
             bağımsız bir kurul kurulması öneriliyor.",
            &["Ayşe Yılmaz", "Mehmet Demir"],
            "Yorum",
            &["teknoloji"],
            "2023-06-20",
        ),
        doc(
            "/tr/analysis/tarim/",
            "Kuraklık ve tarım üretimi",
            &["Buğday rekoltesi düştü."],
            "Anadolu'da yağışlar ortalamanın altında kaldı. Çiftçiler sulama maliyetlerinin \
             arttığını söylüyor ve devletten destek bekliyor.",
            &["Zeynep Kaya"],
            "Analiz",
            &["tarım"],
            "2022-08-01",
        ),
    ]
}

/// Russian documents.
pub fn russian() -> Vec<SearchDoc<'static>> {
    vec![
        doc(
            "/ru/analysis/kitai-torgovlya/",
            "Торговля Китая с Центральной Азией",
            &["Объём товарооборота вырос вдвое."],
            "Экспорт Китая в страны региона растёт третий год подряд. Казахстан ведёт \
             переговоры с Китаем о новых железнодорожных маршрутах, а Узбекистан ещё \
             обсуждает тарифы. Объем инвестиций пока невелик.",
            &["Иван Петров"],
            "Аналитика",
            &["торговля", "Азия"],
            "2025-01-10",
        ),
        doc(
            "/ru/analysis/bezopasnost/",
            "Энергетическая безопасность Европы",
            &["Зависимость от импорта газа снижается."],
            "Вопросы энергетической безопасности снова в центре внимания. Правительства \
             ищут новых поставщиков и строят терминалы для сжиженного газа.",
            &["Ольга Смирнова"],
            "Аналитика",
            &["энергетика"],
            "2024-05-05",
        ),
        doc(
            "/ru/commentary/kitai-ii/",
            "Китай и искусственный интеллект",
            &["Пекин вкладывает средства в вычислительные центры."],
            "Политика Китая в области технологий становится всё более амбициозной. \
             Эксперты спорят, поможет ли государственная поддержка частным компаниям.",
            &["Иван Петров", "Ольга Смирнова"],
            "Комментарий",
            &["технологии"],
            "2023-02-14",
        ),
    ]
}

/// English documents.
pub fn english() -> Vec<SearchDoc<'static>> {
    vec![
        doc(
            "/analysis/port-security/",
            "Port security in the Black Sea",
            &["Shipping insurers are raising premiums."],
            "Insurers say the security of ports now shapes shipping routes more than fuel \
             prices do. Several policies were reviewed after the last incident, and \
             İstanbul's port authority published new guidance.",
            &["Jane Doe"],
            "Analysis",
            &["shipping", "security"],
            "2025-02-01",
        ),
        doc(
            "/analysis/china-trade/",
            "China's trade with its neighbours",
            &["Exports grew for the third year."],
            "China's exports to the region keep growing. The U.S. response has been \
             cautious; analysts expect new policy announcements in 2025.",
            &["John Roe"],
            "Analysis",
            &["trade"],
            "2024-09-09",
        ),
        doc(
            "/commentary/running-costs/",
            "Running costs of public broadcasters",
            &["Budgets are shrinking."],
            "Public broadcasters are running out of money. Their boards analysed budgets and \
             found that energy costs were the fastest-growing line.",
            &["Jane Doe"],
            "Commentary",
            &["media"],
            "2021-04-30",
        ),
    ]
}

/// The corpus of `lang`.
pub fn corpus(lang: &str) -> Vec<SearchDoc<'static>> {
    match lang {
        "tr" => turkish(),
        "ru" => russian(),
        _ => english(),
    }
}

/// Word forms whose browser-side analysis must agree with quire-text's.
pub fn word_forms(lang: &str) -> Vec<&'static str> {
    match lang {
        "tr" => vec![
            "güvenlik",
            "güvenliği",
            "Güvenliği",
            "GÜVENLİĞİ",
            "güvenliğini",
            "güvenliğine",
            "İstanbul'daki",
            "Ankara’nın",
            "Çin",
            "Çin'in",
            "ÇİN",
            "ılımlı",
            "Işık",
            "IŞIK",
            "işbirliği",
            "işbirliğinin",
            "ekonomisi",
            "politikaları",
            "ve",
            "kuraklık",
            "Anadolu'da",
        ],
        "ru" => vec![
            "Китай",
            "Китая",
            "Китаем",
            "КИТАЯ",
            "безопасность",
            "безопасности",
            "энергетической",
            "Объём",
            "Объем",
            "ещё",
            "растёт",
            "политика",
            "и",
            "технологий",
            "ведёт",
        ],
        _ => vec![
            "security",
            "Security",
            "policies",
            "policy",
            "China's",
            "running",
            "analysed",
            "İstanbul's",
            "U.S.",
            "2025",
            "the",
            "fastest-growing",
            "neighbours",
        ],
    }
}

/// Decodes a `.json.gz` or `.json` index file.
pub fn decode(file: &SearchFile) -> Value {
    let text = if file.path.ends_with(".gz") {
        let mut s = String::new();
        flate2::read::GzDecoder::new(&file.bytes[..])
            .read_to_string(&mut s)
            .expect("gzip");
        s
    } else {
        String::from_utf8(file.bytes.clone()).expect("utf-8")
    };
    serde_json::from_str(&text).expect("json")
}

/// A Rust reader of one language's index: exact-form lookups and summed
/// scores, AND across words (the browser adds accent, prefix and truncation
/// matching on top).
pub struct Reader {
    files: BTreeMap<String, SearchFile>,
    lang: String,
    pub manifest: Value,
}

impl Reader {
    pub fn build(lang: &str, docs: &[SearchDoc]) -> Self {
        let files: BTreeMap<String, SearchFile> = build_index(lang, docs)
            .into_iter()
            .map(|f| (f.path.clone(), f))
            .collect();
        let manifest = decode(&files[&format!("search/{lang}/manifest.json")]);
        Reader {
            files,
            lang: lang.to_string(),
            manifest,
        }
    }

    pub fn file(&self, name: &str) -> Value {
        decode(&self.files[&format!("search/{}/{name}", self.lang)])
    }

    /// The shard that holds `key`.
    fn shard_for(&self, key: &str) -> Value {
        let shards = self.manifest["shards"].as_array().expect("shards");
        let mut pick = &shards[0];
        for s in shards {
            if s[0].as_str().expect("key") <= key {
                pick = s;
            }
        }
        self.file(pick[1].as_str().expect("name"))
    }

    /// Term record `[term, forms, postings]` for a folded form.
    pub fn term_record(&self, folded: &str) -> Option<Value> {
        let shard = self.shard_for(&quire_text::ascii_fold(folded));
        let key = quire_text::ascii_fold(folded);
        let entry = shard["keys"]
            .as_array()?
            .iter()
            .find(|k| k[0].as_str() == Some(key.as_str()))?;
        let (_, idx) = entry[1]
            .as_array()?
            .iter()
            .map(|p| (p[0].as_str().unwrap_or(""), p[1].as_u64().unwrap_or(0)))
            .find(|(f, _)| *f == folded)?;
        Some(shard["terms"][idx as usize].clone())
    }

    /// Document URLs ranked for `query` (exact forms, AND).
    pub fn search(&self, query: &str) -> Vec<(String, u64)> {
        let analyzer = quire_text::Analyzer::new(&self.lang);
        let mut totals: BTreeMap<u64, (u64, usize)> = BTreeMap::new();
        let mut words = 0;
        for tok in analyzer.tokens(query) {
            if tok.term.is_none() {
                continue;
            }
            words += 1;
            let Some(rec) = self.term_record(&tok.folded) else {
                return Vec::new();
            };
            let p = rec[2].as_array().expect("postings");
            let mut doc = 0;
            for pair in p.chunks(2) {
                doc += pair[0].as_u64().expect("delta");
                let e = totals.entry(doc).or_default();
                e.0 += pair[1].as_u64().expect("score");
                e.1 += 1;
            }
        }
        let mut ranked: Vec<(u64, u64)> = totals
            .into_iter()
            .filter(|(_, (_, n))| *n == words)
            .map(|(d, (s, _))| (d, s))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .map(|(d, s)| {
                (
                    self.fragment(d)["url"].as_str().unwrap_or("").to_string(),
                    s,
                )
            })
            .collect()
    }

    pub fn fragment(&self, doc: u64) -> Value {
        let chunk = self.manifest["docmap"]["chunk"].as_u64().expect("chunk");
        let files = &self.manifest["docmap"]["files"];
        let map = self.file(files[(doc / chunk) as usize].as_str().expect("name"));
        let hash = map[(doc % chunk) as usize]
            .as_str()
            .expect("hash")
            .to_string();
        self.file(&format!("f/{hash}.json.gz"))
    }
}
