//! The schema.org JSON-LD of article and page views, as typed records.
//!
//! Owns: the shape of the `<script type="application/ld+json">` of article
//! pages. Fields are declared in byte order of their names, the order a
//! `serde_json::Value` map writes them in, so the bytes match what earlier
//! versions wrote.
//! Must not know: where the values come from (the renderer fills them).
//!
//! Why typed: every article page has one, and building it as a tree of
//! `serde_json::Value` maps was a twelfth of an article page's time.

use serde::Serialize;

/// The article (or page) itself.
#[derive(Serialize)]
pub struct ArticleLd<'a> {
    /// Always `https://schema.org`.
    #[serde(rename = "@context")]
    pub context: &'static str,
    /// `ScholarlyArticle`, a section's `schema_type`, or `WebPage`.
    #[serde(rename = "@type")]
    pub kind: &'a str,
    /// The highlights, joined.
    #[serde(rename = "abstract", skip_serializing_if = "Option::is_none")]
    pub abstract_text: Option<String>,
    /// The section's title.
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    pub article_section: Option<&'a str>,
    /// The authors.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub author: Vec<PersonLd<'a>>,
    /// The works cited.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub citation: Vec<CreativeWorkLd<'a>>,
    /// RFC 3339; the publication date when never updated.
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    pub date_modified: Option<String>,
    /// RFC 3339.
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    pub date_published: Option<String>,
    /// The summary.
    pub description: &'a str,
    /// The title.
    pub headline: &'a str,
    /// The social image's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<&'a str>,
    /// The page's language code.
    #[serde(rename = "inLanguage")]
    pub in_language: &'a str,
    /// Every taxonomy term.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<&'a str>,
    /// The page's permalink.
    #[serde(rename = "mainEntityOfPage")]
    pub main_entity_of_page: &'a str,
    /// The site.
    pub publisher: OrganizationLd<'a>,
    /// The original, on a translation.
    #[serde(rename = "translationOfWork", skip_serializing_if = "Option::is_none")]
    pub translation_of_work: Option<WorkLd<'a>>,
    /// The page's permalink.
    pub url: &'a str,
    /// The translations, on the original.
    #[serde(rename = "workTranslation", skip_serializing_if = "Vec::is_empty")]
    pub work_translation: Vec<WorkLd<'a>>,
}

/// An author.
#[derive(Serialize)]
pub struct PersonLd<'a> {
    /// Always `Person`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The author's affiliation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<OrganizationLd<'a>>,
    /// The name in the page's language.
    pub name: &'a str,
    /// The author's profile page.
    pub url: String,
}

/// An organisation: the publisher, or an author's affiliation.
#[derive(Serialize)]
pub struct OrganizationLd<'a> {
    /// Always `Organization`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// Its name.
    pub name: &'a str,
    /// Its home page, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Another language version of the work.
#[derive(Serialize)]
pub struct WorkLd<'a> {
    /// The same type as the article's.
    #[serde(rename = "@type")]
    pub kind: &'a str,
    /// Its title.
    pub headline: &'a str,
    /// Its language code.
    #[serde(rename = "inLanguage")]
    pub in_language: &'a str,
    /// Its permalink.
    pub url: &'a str,
}

/// A cited work, by its formatted reference.
#[derive(Serialize)]
pub struct CreativeWorkLd<'a> {
    /// Always `CreativeWork`.
    #[serde(rename = "@type")]
    pub kind: &'static str,
    /// The formatted reference.
    pub name: &'a str,
}
