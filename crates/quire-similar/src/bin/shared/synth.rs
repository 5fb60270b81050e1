//! A seeded generator of article corpora with known topic clusters and
//! realistic noise, shared by `similar-eval` and `similar-bench`.
//!
//! Owns: vocabularies (hand-written English topic words plus pseudo-words
//! built from per-language syllables), the noise model and the ground truth
//! (each article's primary topic).
//! Must not know: how ranking works; it only produces `SimilarDoc`s.

use quire_similar::SimilarDoc;

/// The workspace's seeded generator (SplitMix64, identical on every platform).
pub use quire_core::rng::Rng;

/// Hand-written English topic words; pseudo-words extend every topic.
const EN_TOPICS: &[&[&str]] = &[
    &[
        "water",
        "river",
        "dam",
        "irrigation",
        "reservoir",
        "basin",
        "drought",
        "canal",
    ],
    &[
        "tariff",
        "export",
        "customs",
        "quota",
        "import",
        "duty",
        "shipment",
        "retaliation",
    ],
    &[
        "election",
        "ballot",
        "campaign",
        "parliament",
        "turnout",
        "candidate",
        "coalition",
        "polling",
    ],
    &[
        "pipeline",
        "gas",
        "oil",
        "refinery",
        "grid",
        "electricity",
        "nuclear",
        "renewables",
    ],
    &[
        "army",
        "missile",
        "drone",
        "brigade",
        "deterrence",
        "artillery",
        "ceasefire",
        "frontline",
    ],
    &[
        "inflation",
        "currency",
        "budget",
        "deficit",
        "bond",
        "lending",
        "recession",
        "banking",
    ],
    &[
        "refugee",
        "migration",
        "asylum",
        "deportation",
        "camp",
        "resettlement",
        "smuggling",
        "visa",
    ],
    &[
        "wheat",
        "harvest",
        "fertilizer",
        "grain",
        "livestock",
        "famine",
        "farmland",
        "seed",
    ],
    &[
        "court",
        "judge",
        "verdict",
        "prosecutor",
        "constitution",
        "appeal",
        "tribunal",
        "lawyer",
    ],
    &[
        "hacker",
        "malware",
        "cyberattack",
        "encryption",
        "surveillance",
        "server",
        "ransomware",
        "botnet",
    ],
    &[
        "vaccine", "hospital", "epidemic", "clinic", "doctor", "pandemic", "nurse", "outbreak",
    ],
    &[
        "port", "shipping", "strait", "navy", "tanker", "blockade", "piracy", "convoy",
    ],
    &[
        "mosque",
        "church",
        "clergy",
        "sect",
        "pilgrimage",
        "sermon",
        "monastery",
        "faith",
    ],
    &[
        "university",
        "student",
        "school",
        "curriculum",
        "teacher",
        "scholarship",
        "literacy",
        "exam",
    ],
    &[
        "journalist",
        "newspaper",
        "censorship",
        "broadcaster",
        "editor",
        "propaganda",
        "media",
        "blogger",
    ],
    &[
        "glacier",
        "emissions",
        "carbon",
        "heatwave",
        "wildfire",
        "flooding",
        "climate",
        "warming",
    ],
];

/// Boilerplate many articles end with (institute blurb, newsletter call).
const EN_BOILERPLATE: &str = "The institute is an independent research centre. The views expressed \
    here are the author's own. Subscribe to our newsletter for weekly analysis and commentary \
    from our fellows, and follow our podcast for interviews with policy makers.";

/// Per-language material for pseudo-words.
struct Script {
    onsets: &'static [&'static str],
    vowels: &'static [&'static str],
    codas: &'static [&'static str],
    suffixes: &'static [&'static str],
    function_words: &'static [&'static str],
}

const EN_SCRIPT: Script = Script {
    onsets: &[
        "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "br", "st",
        "tr", "pl", "gr",
    ],
    vowels: &["a", "e", "i", "o", "u", "ea", "ou"],
    codas: &["", "n", "r", "l", "s", "t", "m", "nd", "st"],
    suffixes: &["", "", "", "s", "ing", "ed", "ation"],
    function_words: &[
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "this",
    ],
};

const TR_SCRIPT: Script = Script {
    onsets: &[
        "b", "c", "ç", "d", "g", "k", "l", "m", "n", "s", "ş", "t", "y", "z", "h", "v",
    ],
    vowels: &["a", "e", "ı", "i", "o", "ö", "u", "ü"],
    codas: &["", "", "r", "n", "l", "k", "ş", "z", "ğ"],
    suffixes: &["", "", "", "ler", "de", "nin", "ı", "lar", "dan", "ye"],
    function_words: &[
        "ve", "bir", "bu", "için", "ile", "da", "de", "gibi", "daha", "çok", "olarak", "ama",
    ],
};

const RU_SCRIPT: Script = Script {
    onsets: &[
        "б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ш", "ч", "пр", "ст",
    ],
    vowels: &["а", "е", "и", "о", "у", "ы", "я", "ё"],
    codas: &["", "", "н", "р", "л", "с", "т", "в", "к"],
    suffixes: &["", "", "", "а", "ы", "ов", "ом", "ами", "е", "ой"],
    function_words: &[
        "и", "в", "не", "на", "что", "с", "по", "это", "как", "для", "но", "из", "к",
    ],
};

fn script(lang: &str) -> &'static Script {
    match lang {
        "tr" => &TR_SCRIPT,
        "ru" => &RU_SCRIPT,
        _ => &EN_SCRIPT,
    }
}

/// Knobs of the generated corpus.
pub struct Spec {
    /// Topic clusters.
    pub topics: usize,
    /// Words in a body.
    pub body_words: usize,
    /// Share of body words drawn from the topic vocabulary.
    pub topic_share: f64,
    /// Probability that an article mixes in a second topic.
    pub mixed: f64,
    /// Probability that the boilerplate paragraph is appended.
    pub boilerplate: f64,
    /// Probability that an article carries its own topic's tag.
    pub tag_right: f64,
    /// Probability of a tag from a wrong topic.
    pub tag_wrong: f64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            topics: 16,
            body_words: 250,
            topic_share: 0.15,
            mixed: 0.25,
            boilerplate: 0.7,
            tag_right: 0.6,
            tag_wrong: 0.2,
        }
    }
}

/// Words available to one language's articles.
struct Vocab {
    topics: Vec<Vec<String>>,
    general: Vec<String>,
    boilerplate: String,
    script: &'static Script,
}

fn pseudo_word(rng: &mut Rng, s: &Script) -> String {
    let syllables = 2 + rng.below(2);
    let mut w = String::new();
    for _ in 0..syllables {
        w.push_str(s.onsets[rng.below(s.onsets.len())]);
        w.push_str(s.vowels[rng.below(s.vowels.len())]);
    }
    w.push_str(s.codas[rng.below(s.codas.len())]);
    w
}

fn vocab(lang: &str, spec: &Spec, seed: u64) -> Vocab {
    let s = script(lang);
    let mut rng = Rng::new(seed ^ 0x5eed);
    let topics = (0..spec.topics)
        .map(|t| {
            let mut words: Vec<String> = if lang == "en" {
                EN_TOPICS[t % EN_TOPICS.len()]
                    .iter()
                    .map(|w| w.to_string())
                    .collect()
            } else {
                Vec::new()
            };
            while words.len() < 60 {
                words.push(pseudo_word(&mut rng, s));
            }
            words
        })
        .collect();
    let general = (0..4000).map(|_| pseudo_word(&mut rng, s)).collect();
    let boilerplate = if lang == "en" {
        EN_BOILERPLATE.to_owned()
    } else {
        (0..35)
            .map(|_| pseudo_word(&mut rng, s))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Vocab {
        topics,
        general,
        boilerplate,
        script: s,
    }
}

/// A generated corpus and its ground truth.
pub struct Corpus {
    pub docs: Vec<SimilarDoc<'static>>,
    /// Primary topic of each article.
    #[allow(dead_code, reason = "ground truth, read by similar-eval only")]
    pub topic: Vec<usize>,
}

/// Generates `n` articles, languages taken in turn from `langs`; the same
/// seed always gives the same corpus.
pub fn generate(n: usize, langs: &[&str], spec: &Spec, seed: u64) -> Corpus {
    let vocabs: Vec<Vocab> = langs.iter().map(|l| vocab(l, spec, seed)).collect();
    let mut rng = Rng::new(seed);
    let sections = ["analysis", "commentary", "reports"];
    let generic_tags = ["tags/analysis", "tags/policy", "tags/featured"];
    let authors = 40;
    let mut docs = Vec::with_capacity(n);
    let mut topic = Vec::with_capacity(n);
    for i in 0..n {
        let li = i % langs.len();
        let lang = langs[li];
        let v = &vocabs[li];
        let primary = rng.below(spec.topics);
        let secondary = rng
            .chance(spec.mixed)
            .then(|| (primary + 1 + rng.below(spec.topics - 1)) % spec.topics);
        let word = |rng: &mut Rng, share: f64| -> String {
            if rng.chance(share) {
                let t = match secondary {
                    Some(s) if rng.chance(0.4) => s,
                    _ => primary,
                };
                let base = &v.topics[t][rng.zipf(v.topics[t].len())];
                let suffix = v.script.suffixes[rng.below(v.script.suffixes.len())];
                format!("{base}{suffix}")
            } else if rng.chance(0.35) {
                v.script.function_words[rng.below(v.script.function_words.len())].to_owned()
            } else {
                v.general[rng.zipf(v.general.len())].clone()
            }
        };
        let title: Vec<String> = (0..7).map(|_| word(&mut rng, 0.45)).collect();
        let highlights: Vec<String> = (0..2)
            .map(|_| {
                (0..12)
                    .map(|_| word(&mut rng, 0.3))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let mut body: Vec<String> = Vec::with_capacity(spec.body_words + 40);
        for k in 0..spec.body_words {
            body.push(word(&mut rng, spec.topic_share));
            if k % 17 == 16 {
                body.push(".".into());
            }
        }
        let mut body = body.join(" ");
        if rng.chance(spec.boilerplate) {
            body.push(' ');
            body.push_str(&v.boilerplate);
        }
        let mut terms = Vec::new();
        if rng.chance(spec.tag_right) {
            // Editors are inconsistent: the same topic under two slugs.
            if rng.chance(0.3) {
                terms.push(format!("tags/topic-{primary}-policy"));
            } else {
                terms.push(format!("tags/topic-{primary}"));
            }
        }
        if let Some(s) = secondary
            && rng.chance(0.5)
        {
            terms.push(format!("tags/topic-{s}"));
        }
        if rng.chance(spec.tag_wrong) {
            terms.push(format!("tags/topic-{}", rng.below(spec.topics)));
        }
        if rng.chance(0.5) {
            terms.push(generic_tags[rng.below(generic_tags.len())].to_owned());
        }
        // Authors favour two topics each.
        let author = if rng.chance(0.6) {
            (primary * 5 + rng.below(5)) % authors
        } else {
            rng.below(authors)
        };
        docs.push(SimilarDoc {
            lang: lang.to_owned(),
            title: title.join(" "),
            highlights,
            body: body.into(),
            terms,
            authors: vec![format!("author-{author}")],
            section: sections[rng.below(sections.len())].to_owned(),
            date: format!(
                "{}-{:02}-{:02}",
                2015 + rng.below(11),
                1 + rng.below(12),
                1 + rng.below(28)
            ),
            url: format!("/{lang}/p{i}/"),
            group: i,
            original: true,
        });
        topic.push(primary);
    }
    Corpus { docs, topic }
}
