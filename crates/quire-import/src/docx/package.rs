//! The .docx container: a zip archive of XML parts and media.
//!
//! Owns: recognising what the bytes are (a zip, an OLE compound file —
//! a password-protected .docx or an old .doc — or something else), the
//! limits that keep a zip bomb from filling memory (entry count, declared
//! and actual sizes per entry and in total), part look-up by name
//! (case-insensitive, as OPC part names are), and relationship files.
//! Must not know: what the parts mean beyond their relationship types.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use super::DocxError;
use super::xml::{self, Element};

/// Limits on what a package may unpack to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most entries the archive may have.
    pub max_entries: usize,
    /// Largest uncompressed size of one entry, in bytes.
    pub max_entry_bytes: u64,
    /// Largest uncompressed size of all entries together, in bytes.
    pub max_total_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 10_000,
            max_entry_bytes: 128 << 20,
            max_total_bytes: 512 << 20,
        }
    }
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// An opened package. Entries are read on demand, each at most once.
pub(crate) struct Package {
    zip: zip::ZipArchive<Cursor<Vec<u8>>>,
    /// Lower-case part name → name in the archive.
    names: BTreeMap<String, String>,
    limits: Limits,
    /// Uncompressed bytes read so far.
    read_total: u64,
}

/// One relationship of a part.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    pub kind: String,
    pub target: String,
    pub external: bool,
}

/// A part's relationships by id.
pub(crate) type Rels = BTreeMap<String, Rel>;

impl Package {
    /// Opens the bytes as a Word package, or says what they are instead.
    pub fn open(bytes: Vec<u8>, limits: Limits) -> Result<Package, DocxError> {
        if bytes.starts_with(&OLE_MAGIC) {
            // Encrypted OOXML is an OLE file with an `EncryptionInfo` stream.
            let marker: Vec<u8> = "EncryptionInfo"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes())
                .collect();
            let encrypted = bytes.windows(marker.len()).any(|w| w == marker.as_slice());
            return Err(if encrypted {
                DocxError::Encrypted
            } else {
                DocxError::NotDocx(
                    "this is an old Word 97–2003 .doc file (an OLE compound file), not a .docx; open it in Word and save it as .docx".into(),
                )
            });
        }
        if !bytes.starts_with(b"PK") {
            return Err(DocxError::NotDocx(
                "this is not a .docx file (a .docx is a zip archive; these bytes are not)".into(),
            ));
        }
        let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
            DocxError::Damaged(format!(
                "the zip archive is truncated or damaged ({e}); save the document again"
            ))
        })?;
        if zip.len() > limits.max_entries {
            return Err(DocxError::TooLarge(format!(
                "the archive has {} entries (at most {} accepted)",
                zip.len(),
                limits.max_entries
            )));
        }
        let mut names = BTreeMap::new();
        let mut declared: u64 = 0;
        let mut zip = zip;
        for i in 0..zip.len() {
            let entry = zip
                .by_index_raw(i)
                .map_err(|e| DocxError::Damaged(format!("the zip archive is damaged ({e})")))?;
            if entry.encrypted() {
                return Err(DocxError::Encrypted);
            }
            if entry.size() > limits.max_entry_bytes {
                return Err(DocxError::TooLarge(format!(
                    "`{}` would unpack to {} bytes (at most {} accepted per entry): a zip bomb?",
                    entry.name(),
                    entry.size(),
                    limits.max_entry_bytes
                )));
            }
            declared = declared.saturating_add(entry.size());
            names.insert(entry.name().to_ascii_lowercase(), entry.name().to_string());
        }
        if declared > limits.max_total_bytes {
            return Err(DocxError::TooLarge(format!(
                "the archive would unpack to {declared} bytes (at most {} accepted): a zip bomb?",
                limits.max_total_bytes
            )));
        }
        let mut package = Package {
            zip,
            names,
            limits,
            read_total: 0,
        };
        let main = package.main_document()?;
        if !package.has(&main) {
            let what = if package.has("xl/workbook.xml") {
                "an Excel workbook"
            } else if package.has("ppt/presentation.xml") {
                "a PowerPoint presentation"
            } else {
                "a zip archive"
            };
            return Err(DocxError::NotDocx(format!(
                "this is {what}, not a Word document (it has no {main})"
            )));
        }
        Ok(package)
    }

    /// True when the archive has this part.
    pub fn has(&self, name: &str) -> bool {
        self.names.contains_key(&name.to_ascii_lowercase())
    }

    /// The bytes of a part, `None` when absent. Sizes are checked against
    /// the declared size and the limits while reading.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, DocxError> {
        let Some(real) = self.names.get(&name.to_ascii_lowercase()).cloned() else {
            return Ok(None);
        };
        let mut entry = self.zip.by_name(&real).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m) if m.contains("ncrypt") => {
                DocxError::Encrypted
            }
            e => DocxError::Damaged(format!("`{real}` cannot be read ({e})")),
        })?;
        let declared = entry.size();
        let budget = self
            .limits
            .max_entry_bytes
            .min(self.limits.max_total_bytes.saturating_sub(self.read_total));
        let mut out = Vec::with_capacity(declared.min(budget) as usize);
        (&mut entry)
            .take(budget.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| {
                DocxError::Damaged(format!(
                    "`{real}` cannot be unpacked ({e}); the file is truncated or damaged"
                ))
            })?;
        let actual = out.len() as u64;
        if actual > budget {
            return Err(DocxError::TooLarge(format!(
                "`{real}` unpacks to more than {budget} bytes: a zip bomb?"
            )));
        }
        if actual != declared {
            return Err(DocxError::Damaged(format!(
                "`{real}` unpacks to {actual} bytes but declares {declared}: the archive is damaged or forged"
            )));
        }
        self.read_total += actual;
        Ok(Some(out))
    }

    /// A part parsed as XML, `None` when absent.
    pub fn xml(&mut self, name: &str) -> Result<Option<Element>, DocxError> {
        let Some(bytes) = self.read(name)? else {
            return Ok(None);
        };
        xml::parse(&bytes).map(Some).map_err(|e| DocxError::Xml {
            part: name.to_string(),
            offset: e.offset,
            message: e.message,
        })
    }

    /// The main document part named by the package relationships.
    pub fn main_document(&mut self) -> Result<String, DocxError> {
        let rels = self.rels_of("")?;
        Ok(rels
            .values()
            .find(|r| r.kind.ends_with("/officeDocument") && !r.external)
            .map(|r| r.target.clone())
            .unwrap_or_else(|| "word/document.xml".into()))
    }

    /// The relationships of a part (`""` for the package), targets resolved
    /// to part names.
    pub fn rels_of(&mut self, part: &str) -> Result<Rels, DocxError> {
        let (dir, file) = match part.rsplit_once('/') {
            Some((d, f)) => (d.to_string(), f.to_string()),
            None => (String::new(), part.to_string()),
        };
        let rels_name = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let Some(root) = self.xml(&rels_name)? else {
            return Ok(Rels::new());
        };
        let mut out = Rels::new();
        for r in root.elements().filter(|e| e.name.ends_with("Relationship")) {
            let (Some(id), Some(target)) = (r.attr("Id"), r.attr("Target")) else {
                continue;
            };
            let external = r.attr("TargetMode") == Some("External");
            let target = if external {
                target.to_string()
            } else {
                resolve_target(&dir, target)
            };
            out.insert(
                id.to_string(),
                Rel {
                    kind: r.attr("Type").unwrap_or("").to_string(),
                    target,
                    external,
                },
            );
        }
        Ok(out)
    }
}

/// A relative relationship target resolved against the part's folder.
fn resolve_target(dir: &str, target: &str) -> String {
    let joined = if let Some(abs) = target.strip_prefix('/') {
        abs.to_string()
    } else if dir.is_empty() {
        target.to_string()
    } else {
        format!("{dir}/{target}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_part_folder() {
        assert_eq!(
            resolve_target("word", "media/image1.png"),
            "word/media/image1.png"
        );
        assert_eq!(
            resolve_target("word", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve_target("word", "/word/x.xml"), "word/x.xml");
    }
}
