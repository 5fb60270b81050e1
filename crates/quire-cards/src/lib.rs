//! Social cards: the image shown when an article is shared (Open Graph,
//! Twitter). A 1200×630 PNG with the title, the section and the site name.
//!
//! Owns: the card layout (an SVG), line breaking of the title, and
//! rasterising with resvg using the bundled DejaVu Sans, which covers Latin
//! (Turkish included), Cyrillic, Greek and Arabic. Never reads system fonts,
//! so cards look the same on every machine.
//! Must not know: the corpus or where the card is written.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// Card width in pixels (the Open Graph recommendation).
pub const WIDTH: u32 = 1200;
/// Card height in pixels.
pub const HEIGHT: u32 = 630;

const FONT_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
const FONT_REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// What a card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// The article title.
    pub title: String,
    /// The section label, shown above the title.
    pub section: String,
    /// The site name, shown at the bottom.
    pub site: String,
    /// True for right-to-left languages.
    pub rtl: bool,
}

fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT_BOLD.to_vec());
        db.load_font_data(FONT_REGULAR.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// Renders a card to PNG bytes.
pub fn render(card: &Card) -> Result<Vec<u8>, String> {
    let svg = svg(card);
    let options = usvg::Options {
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| format!("card layout: {e}"))?;
    let mut pixmap =
        tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the card image")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| format!("cannot encode the card: {e}"))
}

/// The card as SVG (public for tests and for themes that want to inspect it).
pub fn svg(card: &Card) -> String {
    let lines = wrap(&card.title, 30, 4);
    let (x, anchor) = if card.rtl {
        (1120, "end")
    } else {
        (80, "start")
    };
    let direction = if card.rtl { "rtl" } else { "ltr" };
    let mut title = String::new();
    for (i, line) in lines.iter().enumerate() {
        title.push_str(&format!(
            "<text x=\"{x}\" y=\"{}\" font-family=\"DejaVu Sans\" font-weight=\"bold\" font-size=\"60\" fill=\"#1d1d1f\" text-anchor=\"{anchor}\" direction=\"{direction}\">{}</text>",
            250 + i * 76,
            escape(line)
        ));
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\
<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"#fdfcf9\"/>\
<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"14\" fill=\"#8a1c1c\"/>\
<text x=\"{x}\" y=\"150\" font-family=\"DejaVu Sans\" font-weight=\"bold\" font-size=\"30\" letter-spacing=\"3\" fill=\"#8a1c1c\" text-anchor=\"{anchor}\" direction=\"{direction}\">{section}</text>\
{title}\
<rect x=\"80\" y=\"540\" width=\"1040\" height=\"2\" fill=\"#dedbd2\"/>\
<text x=\"{x}\" y=\"590\" font-family=\"DejaVu Sans\" font-size=\"30\" fill=\"#5b5b62\" text-anchor=\"{anchor}\" direction=\"{direction}\">{site}</text>\
</svg>",
        section = escape(&card.section.to_uppercase()),
        site = escape(&card.site),
    )
}

/// Breaks text into at most `max_lines` lines of about `width` characters,
/// at spaces; the last line ends with "…" when text was cut. Character
/// counts stand in for measured widths: the bold face is roughly even, and
/// a card only needs to avoid running off the edge.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let word: String = if word.chars().count() > width {
            word.chars().take(width - 1).collect::<String>() + "…"
        } else {
            word.to_string()
        };
        let len = current.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
            if lines.len() == max_lines {
                let last = lines.last_mut().expect("one line");
                while last.chars().count() + 1 > width {
                    last.pop();
                }
                last.push('…');
                return lines;
            }
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&word);
        let _ = words.peek();
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Escapes text for the SVG, dropping control characters and the
/// noncharacters U+FFFE and U+FFFF, which XML forbids (one of them made the
/// card's SVG unreadable).
fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_marks_cuts() {
        assert_eq!(wrap("a b c", 30, 4), ["a b c"]);
        let long = "word ".repeat(60);
        let lines = wrap(&long, 30, 4);
        assert_eq!(lines.len(), 4);
        assert!(lines[3].ends_with('…'));
        assert!(lines.iter().all(|l| l.chars().count() <= 30));
    }

    #[test]
    fn renders_a_png_of_the_right_size_with_text_drawn() {
        let card = Card {
            title: "Türkiye, Россия & <the> Caspian: ğüşiöç İ ı".into(),
            section: "Analiz".into(),
            site: "Meridyen Enstitüsü".into(),
            rtl: false,
        };
        let png = render(&card).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let info = reader.info();
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        // Dark title pixels exist in the title band (text was rasterised).
        let row_bytes = WIDTH as usize * 4;
        let dark = (200..300)
            .flat_map(|y| (80..1100).map(move |x| (y, x)))
            .filter(|(y, x)| {
                let i = y * row_bytes + x * 4;
                buf[i] < 80 && buf[i + 1] < 80 && buf[i + 2] < 80
            })
            .count();
        assert!(dark > 2000, "only {dark} dark pixels: text not drawn");
    }

    #[test]
    fn xml_illegal_characters_are_dropped_and_the_card_still_renders() {
        let card = Card {
            title: "Ports\u{FFFE} and\u{1} \u{FFFF}cranes\u{B}".into(),
            section: "Brief\u{FFFF}s".into(),
            site: "Lab\u{0}".into(),
            rtl: false,
        };
        let svg = svg(&card);
        assert!(!svg.contains(['\u{FFFE}', '\u{FFFF}', '\u{1}', '\u{B}', '\u{0}']));
        assert!(svg.contains("Ports and cranes"), "{svg}");
        assert!(render(&card).is_ok());
    }

    #[test]
    fn escapes_markup_in_text() {
        let svg = svg(&Card {
            title: "</text><script>".into(),
            section: "&".into(),
            site: "\"q\"".into(),
            rtl: true,
        });
        assert!(svg.contains("&lt;/text&gt;&lt;script&gt;"));
        assert!(svg.contains("text-anchor=\"end\""));
    }
}
