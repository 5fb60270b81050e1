//! The Hugo side of the comparison: configuration and small layouts that
//! render the same elements as quire's article page (title, highlights,
//! body with footnotes, authors, translations, taxonomies, optionally
//! related content), so both engines do comparable work.
//! Must not know: the generated content itself.

use std::io;
use std::path::Path;

/// The Hugo configuration; related content is off unless
/// [`RELATED_CONFIG`] is merged in with `--config hugo.toml,related.toml`.
const CONFIG: &str = r#"baseURL = "https://example.org/"
title = "Generated Institute"
defaultContentLanguage = "en"
paginate = 20
enableRobotsTXT = false

[languages.en]
weight = 1
languageName = "English"
[languages.tr]
weight = 2
languageName = "Türkçe"
title = "Üretilmiş Enstitü"
[languages.ru]
weight = 3
languageName = "Русский"
title = "Сгенерированный институт"

[taxonomies]
tag = "tags"
region = "regions"
author = "authors"

[markup.goldmark.extensions]
footnote = true
table = true
strikethrough = true
typographer = true

[markup.goldmark.parser]
autoHeadingID = true

[related]
includeNewer = true
threshold = 80
toLower = false
[[related.indices]]
name = "tags"
weight = 100
[[related.indices]]
name = "regions"
weight = 50
[[related.indices]]
name = "authors"
weight = 20
[[related.indices]]
name = "date"
weight = 10

[params]
related = false
"#;

/// Merged over `hugo.toml` to turn related content on.
pub const RELATED_CONFIG: &str = "[params]\nrelated = true\n";

const BASEOF: &str = r#"<!DOCTYPE html>
<html lang="{{ .Lang }}" dir="ltr">
<head>
<meta charset="utf-8">
<title>{{ .Title }} · {{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Lang }}" href="{{ .Permalink }}">
{{ end }}<meta property="og:title" content="{{ .Title }}">
<meta name="citation_title" content="{{ .Title }}">
</head>
<body>
<header><a href="{{ "/" | relLangURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"#;

const SINGLE: &str = r#"{{ define "main" }}<article>
<p class="section"><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></p>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
<p class="authors">{{ range .Params.authors }}{{ $a := index site.Data.authors . }}<a href="{{ printf "authors/%s/" . | relLangURL }}">{{ $a.name }}</a> {{ end }}</p>
<ul class="highlights">{{ range .Params.highlights }}<li>{{ . }}</li>{{ end }}</ul>
{{ if .IsTranslated }}<nav class="translations">{{ range .Translations }}<a hreflang="{{ .Lang }}" href="{{ .RelPermalink }}">{{ .Language.LanguageName }}</a> {{ end }}</nav>{{ end }}
{{ .Content }}
{{ range .Params.authors }}{{ $a := index site.Data.authors . }}<aside class="author-box"><h2>{{ $a.name }}</h2><p>{{ index $a.bio $.Lang }}</p></aside>{{ end }}
<nav class="terms">{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}{{ range .GetTerms "regions" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</nav>
{{ if site.Params.related }}{{ with .Site.RegularPages.Related . | first 5 }}<aside class="similar-posts"><ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></aside>{{ end }}{{ end }}
</article>{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
{{ .Content }}
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
<ul>{{ range (.Paginate $pages).Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>{{ with .Params.highlights }}<p>{{ index . 0 }}</p>{{ end }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
"#;

/// Writes `hugo.toml`, `related.toml` and the layouts into `dir`.
pub fn write_config(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir.join("layouts/_default"))?;
    std::fs::write(dir.join("hugo.toml"), CONFIG)?;
    std::fs::write(dir.join("related.toml"), RELATED_CONFIG)?;
    std::fs::write(dir.join("layouts/_default/baseof.html"), BASEOF)?;
    std::fs::write(dir.join("layouts/_default/single.html"), SINGLE)?;
    std::fs::write(dir.join("layouts/_default/list.html"), LIST)?;
    Ok(())
}
