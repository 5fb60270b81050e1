//! XML references and declarations, handled one way for every XML the
//! importer reads (WordPress exports and the parts of a Word file).
//!
//! Owns: what a reference in the text becomes — a character reference its
//! character, the five entities XML predefines their text, and any other
//! name what the caller's [`Undeclared`] rule says (an HTML entity, or a
//! refusal) — and the refusal of DOCTYPE declarations: without a DTD no
//! entity can be declared, so no external entity can make the reader open
//! a file or a URL.
//! Must not know: the elements of either format.

use quick_xml::events::BytesRef;

/// What an entity reference that XML does not predefine becomes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Undeclared {
    /// An error: the format never uses one (`what` names the format).
    Refuse(&'static str),
    /// The HTML entity of that name (`&nbsp;`, `&eacute;`, which WordPress
    /// leaves in titles), else the reference kept as written.
    HtmlOrKept,
}

/// The text of one reference (`&amp;`, `&#1071;`, `&nbsp;`), or why it is
/// refused.
pub(crate) fn resolve(reference: &BytesRef<'_>, undeclared: Undeclared) -> Result<String, String> {
    if let Some(ch) = reference.resolve_char_ref().map_err(|e| e.to_string())? {
        return Ok(ch.to_string());
    }
    let name = reference.xml10_content();
    if let Some(text) = predefined(&name) {
        return Ok(text.to_string());
    }
    match undeclared {
        Undeclared::Refuse(what) => Err(format!(
            "entity reference `&{name};` refused ({what} use none)"
        )),
        Undeclared::HtmlOrKept => Ok(html_entity(&name).unwrap_or_else(|| format!("&{name};"))),
    }
}

/// Why a DOCTYPE declaration is refused, for a format (`what`) that never has one.
pub(crate) fn doctype_refused(what: &str) -> String {
    format!(
        "a DOCTYPE declaration is refused ({what} have none; it could declare external entities)"
    )
}

/// The five entities XML predefines.
fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    })
}

/// The text of the HTML entity `name` (`nbsp`, `eacute`), or `None` when
/// HTML does not define it.
fn html_entity(name: &str) -> Option<String> {
    let reference = format!("&{name};");
    match html_escape::decode_html_entities(&reference) {
        std::borrow::Cow::Owned(text) if text != reference => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(xml: &str, undeclared: Undeclared) -> Result<String, String> {
        let mut reader = quick_xml::Reader::from_str(xml);
        let mut out = String::new();
        loop {
            match reader.read_event().map_err(|e| e.to_string())? {
                quick_xml::events::Event::GeneralRef(r) => out.push_str(&resolve(&r, undeclared)?),
                quick_xml::events::Event::Text(t) => out.push_str(&t.xml10_content()),
                quick_xml::events::Event::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    #[test]
    fn predefined_and_character_references_always_resolve() {
        for rule in [Undeclared::Refuse("tests"), Undeclared::HtmlOrKept] {
            assert_eq!(
                refs("<a>&amp;&lt;&gt;&quot;&apos;&#1071;&#x42;</a>", rule).as_deref(),
                Ok("&<>\"'ЯB")
            );
        }
    }

    #[test]
    fn other_entities_are_html_or_kept_or_refused() {
        assert_eq!(
            refs(
                "<a>A&nbsp;B &eacute;t&eacute; &madeup;</a>",
                Undeclared::HtmlOrKept
            )
            .as_deref(),
            Ok("A\u{a0}B été &madeup;")
        );
        let refused = refs("<a>&nbsp;</a>", Undeclared::Refuse("Word files")).unwrap_err();
        assert_eq!(
            refused,
            "entity reference `&nbsp;` refused (Word files use none)"
        );
    }
}
