//! Vocabularies for generated text in English, Turkish and Russian: a few
//! hundred common words per language, padded with made-up words built from
//! the language's syllables, so token counts and word variety look like real
//! prose to the tokeniser, stemmer and similarity scorer.
//! Must not know: article structure or file layout.

use crate::rng::Rng;

/// The languages a generated corpus is written in, default first.
pub const LANGS: [&str; 3] = ["en", "tr", "ru"];

const EN: &str = "the of and to in a is that for on as with by it was are be this from at \
have which has policy not or an its but they their more new also government would been will \
were energy trade security region market state states ministry report growth price prices \
gas oil power grid water border port ports rail route corridor shipping freight transit \
investment budget tax reform court law parliament election coalition party minister president \
agreement treaty talks sanctions exports imports supply demand contract contracts lenders bank \
banks debt inflation currency wages households farmers industry factories steel cement \
fertiliser grain harvest drought river dam irrigation climate emissions coal renewable solar \
wind nuclear reactor pipeline terminal tanker fleet navy coast sea strait island mountain \
valley city cities capital province district village migration labour workers unions \
schools hospitals health data survey analysts officials diplomats envoy summit forum council \
committee commission agency regulator tariff customs delays queue winter summer decade year \
years month months week early late first second third large small long short slow fast \
cheap costly stable fragile open closed public private local national regional foreign \
domestic military civilian economic political legal technical social strategic practical \
modest serious limited broad narrow rising falling between across after before during \
under over through against despite because while although however therefore still only \
already again often rarely likely unlikely";

const TR: &str = "ve bir bu da de için ile olarak daha çok en gibi ancak kadar sonra önce \
göre ise hem değil var yok olan olduğu bölge bölgesel enerji ticaret güvenlik piyasa devlet \
bakanlık rapor büyüme fiyat fiyatlar doğalgaz petrol elektrik şebeke su sınır liman limanlar \
demiryolu güzergâh koridor denizcilik yük transit yatırım bütçe vergi reform mahkeme hukuk \
meclis seçim koalisyon parti bakan cumhurbaşkanı anlaşma antlaşma müzakere yaptırım ihracat \
ithalat arz talep sözleşme banka borç enflasyon para ücret hane çiftçi sanayi fabrika çelik \
çimento gübre tahıl hasat kuraklık nehir baraj sulama iklim emisyon kömür yenilenebilir \
güneş rüzgâr nükleer reaktör boru hattı terminal tanker filo donanma kıyı deniz boğaz ada dağ \
vadi şehir başkent il ilçe köy göç işgücü işçi sendika okul hastane sağlık veri anket analist \
yetkili diplomat elçi zirve forum konsey komite komisyon ajans düzenleyici tarife gümrük \
gecikme kış yaz yıl yıllar ay hafta erken geç birinci ikinci büyük küçük uzun kısa yavaş hızlı \
ucuz pahalı istikrarlı kırılgan açık kapalı kamu özel yerel ulusal yabancı iç askerî sivil \
ekonomik siyasi hukuki teknik sosyal stratejik pratik sınırlı geniş dar artan azalan arasında \
boyunca rağmen çünkü oysa yine hâlâ yalnızca zaten sık nadiren muhtemelen Türkiye İstanbul \
Iğdır ılımlı ışık İzmir ağır değişim görüşme üretim tüketim";

const RU: &str = "и в не на что с по как это для от из к о но за же также его их при был были \
будет может политика регион региональный энергетика торговля безопасность рынок государство \
министерство доклад рост цена цены газ нефть электроэнергия сеть вода граница порт порты \
железная дорога маршрут коридор судоходство грузы транзит инвестиции бюджет налог реформа \
суд закон парламент выборы коалиция партия министр президент соглашение договор переговоры \
санкции экспорт импорт предложение спрос контракт банк долг инфляция валюта зарплаты \
домохозяйства фермеры промышленность заводы сталь цемент удобрения зерно урожай засуха река \
плотина орошение климат выбросы уголь возобновляемый солнечный ветер атомный реактор \
трубопровод терминал танкер флот побережье море пролив остров гора долина город столица \
область район село миграция рабочие профсоюзы школы больницы здоровье данные опрос аналитики \
чиновники дипломаты посланник саммит форум совет комитет комиссия агентство регулятор тариф \
таможня задержки зима лето год годы месяц неделя ранний поздний первый второй большой малый \
длинный короткий медленный быстрый дешёвый дорогой стабильный хрупкий открытый закрытый \
общественный частный местный национальный иностранный внутренний военный гражданский \
экономический политический правовой технический социальный стратегический практический \
ограниченный широкий узкий растущий между через после перед во время несмотря потому однако \
поэтому всё ещё только уже снова часто редко вероятно";

const EN_SYL: &[&str] = &[
    "ar", "ben", "cor", "dal", "en", "fer", "gran", "hol", "in", "ket", "lon", "mar", "nor", "ost",
    "per", "quin", "ros", "sten", "tor", "ul", "ver", "wes", "ton", "ing", "ment", "al",
];
const TR_SYL: &[&str] = &[
    "ak", "bel", "cem", "çay", "dağ", "er", "gül", "han", "ış", "il", "kar", "lık", "mer", "nur",
    "öz", "pın", "sa", "şe", "tı", "uç", "ül", "ve", "yıl", "zer", "ler", "ğı",
];
const RU_SYL: &[&str] = &[
    "ва", "бор", "гра", "дин", "ев", "жел", "зор", "ин", "кол", "лев", "мир", "нов", "ост", "пра",
    "рос", "сла", "тер", "ур", "фе", "хол", "цен", "чер", "шко", "ый", "ния", "ов",
];

/// One language's word list: real words first (the most frequent ranks),
/// then made-up words for the long tail.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    /// The words, most frequent first.
    pub words: Vec<String>,
}

impl Vocabulary {
    /// The vocabulary of `lang` (one of [`LANGS`]) with `size` words,
    /// the same for the same `seed`.
    pub fn new(lang: &str, size: usize, seed: u64) -> Vocabulary {
        let (base, syl) = match lang {
            "tr" => (TR, TR_SYL),
            "ru" => (RU, RU_SYL),
            _ => (EN, EN_SYL),
        };
        let mut words: Vec<String> = base.split_whitespace().map(str::to_string).collect();
        let mut rng = Rng::new(seed ^ lang.len() as u64 ^ u64::from(lang.as_bytes()[0]));
        let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
        while words.len() < size {
            let n = rng.range(2, 4);
            let w: String = (0..n).map(|_| syl[rng.range(0, syl.len() - 1)]).collect();
            if seen.insert(w.clone()) {
                words.push(w);
            }
        }
        Vocabulary { words }
    }
}

/// Capitalises the first letter (Turkish dotted i kept dotted).
pub fn capitalise(word: &str, lang: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some('i') if lang == "tr" => format!("İ{}", chars.as_str()),
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_are_deterministic_distinct_and_sized() {
        for lang in LANGS {
            let a = Vocabulary::new(lang, 3000, 42);
            assert_eq!(a.words.len(), 3000);
            assert_eq!(a.words, Vocabulary::new(lang, 3000, 42).words);
            let unique: std::collections::HashSet<_> = a.words.iter().collect();
            assert!(unique.len() > 2950, "{lang}: {}", unique.len());
        }
        assert!(
            Vocabulary::new("ru", 10, 1).words[0]
                .chars()
                .all(|c| !c.is_ascii())
        );
    }

    #[test]
    fn capitalise_keeps_turkish_dotted_i() {
        assert_eq!(capitalise("iğdır", "tr"), "İğdır");
        assert_eq!(capitalise("iron", "en"), "Iron");
        assert_eq!(capitalise("река", "ru"), "Река");
    }
}
