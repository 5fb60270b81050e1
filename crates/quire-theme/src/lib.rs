//! The built-in theme and the template engine.
//!
//! Owns: the embedded templates (each overridable by a file of the same name
//! in the site's `templates/`), the stylesheet, the built-in UI strings for
//! en, tr, ru, ar and fa, and localized dates and digits.
//! Must not know: the corpus. Templates receive prepared view models (any
//! `Serialize`), never a handle on the site, so that what a page depends on
//! is decided before rendering. minijinja types never leave this crate.

mod strings;
mod templates;

pub use strings::{Strings, UiStrings, format_date, localize_digits};
pub use templates::{Prepared, Theme, stylesheet};
