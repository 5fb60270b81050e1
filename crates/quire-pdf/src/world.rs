//! The Typst `World` of one edition: a handful of in-memory files (the
//! generated main source, the template, the images) and the fonts embedded
//! in the binary. Nothing is read from disk or the network, and the date is
//! the article's, so the same edition always gives the same bytes.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source, VirtualPath};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The fonts of every edition, embedded in the binary (licences beside them
/// in `fonts/`): Libertinus Serif for Latin (Turkish included), Greek and
/// Cyrillic, Noto Naskh Arabic for Arabic and Persian, DejaVu Sans Mono for
/// code.
const FONT_FILES: [&[u8]; 7] = [
    include_bytes!("../fonts/LibertinusSerif-Regular.otf"),
    include_bytes!("../fonts/LibertinusSerif-Bold.otf"),
    include_bytes!("../fonts/LibertinusSerif-Italic.otf"),
    include_bytes!("../fonts/LibertinusSerif-BoldItalic.otf"),
    include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
    include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf"),
    include_bytes!("../fonts/DejaVuSansMono.ttf"),
];

/// What every edition shares: the standard library and the parsed fonts,
/// made once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

/// The total size of the embedded fonts in bytes.
pub fn embedded_font_bytes() -> usize {
    FONT_FILES.iter().map(|f| f.len()).sum()
}

/// The virtual path of the generated main source.
pub const MAIN_PATH: &str = "/main.typ";
/// The virtual path of the template (built-in or the site's).
pub const TEMPLATE_PATH: &str = "/edition.typ";

/// One edition's files.
pub struct EditionWorld {
    main: Source,
    template: Source,
    files: BTreeMap<String, Bytes>,
    today: Option<Datetime>,
}

impl EditionWorld {
    /// A world whose main source is `main`, template `template`, with
    /// `files` (virtual path → bytes) and `today` as the current date.
    pub fn new(
        main: String,
        template: String,
        files: BTreeMap<String, Bytes>,
        today: Option<Datetime>,
    ) -> Self {
        EditionWorld {
            main: Source::new(id(MAIN_PATH), main),
            template: Source::new(id(TEMPLATE_PATH), template),
            files,
            today,
        }
    }

    /// The source behind `file`, when it is one of this world's.
    pub fn source_of(&self, file: FileId) -> Option<&Source> {
        if file == self.main.id() {
            Some(&self.main)
        } else if file == self.template.id() {
            Some(&self.template)
        } else {
            None
        }
    }
}

fn id(path: &str) -> FileId {
    FileId::new(None, VirtualPath::new(path))
}

impl World for EditionWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.source_of(id).cloned().ok_or_else(|| not_found(id))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(source) = self.source_of(id) {
            return Ok(Bytes::from_string(source.text().to_owned()));
        }
        let path = id
            .vpath()
            .as_rooted_path()
            .to_string_lossy()
            .replace('\\', "/");
        self.files.get(&path).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<i64>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().as_rootless_path().to_owned())
}
