//! Template loading and rendering with minijinja.

use std::collections::BTreeMap;

use minijinja::{Environment, UndefinedBehavior};
use quire_core::{Diagnostic, SourceText};
use serde::Serialize;

/// The built-in templates, embedded in the binary.
const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("page.html", include_str!("../templates/page.html")),
    ("list.html", include_str!("../templates/list.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("section.html", include_str!("../templates/section.html")),
    (
        "taxonomy_list.html",
        include_str!("../templates/taxonomy_list.html"),
    ),
    (
        "taxonomy_term.html",
        include_str!("../templates/taxonomy_term.html"),
    ),
    ("author.html", include_str!("../templates/author.html")),
    ("authors.html", include_str!("../templates/authors.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("redirect.html", include_str!("../templates/redirect.html")),
];

/// The built-in stylesheet.
pub fn stylesheet() -> &'static str {
    include_str!("../assets/quire.css")
}

/// Fuel for one page render: enough for any sane template, small enough
/// that a template looping forever stops within a second.
const FUEL: u64 = 5_000_000;

/// A ready-to-render set of templates: built-ins with the site's overrides.
pub struct Theme {
    env: Environment<'static>,
    /// Site-relative path of each overriding template, for error messages.
    override_paths: BTreeMap<String, (String, String)>,
}

impl Theme {
    /// Builds the theme from the built-ins and the site's `templates/`
    /// files: (name, site-relative path, text). A template with a syntax
    /// error is a diagnostic naming its file and line.
    pub fn new(overrides: &[(String, String, String)]) -> Result<Theme, Vec<Diagnostic>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Chainable);
        env.set_fuel(Some(FUEL));
        env.set_recursion_limit(64);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".xml") {
                minijinja::AutoEscape::Html
            } else {
                minijinja::AutoEscape::None
            }
        });
        // minijinja's HTML escaping also writes `/` as `&#x2f;`; that is
        // valid but bloats every URL, so escape only what HTML requires.
        env.set_formatter(|out, state, value| {
            if state.auto_escape() == minijinja::AutoEscape::Html
                && !value.is_safe()
                && let Some(text) = value.as_str()
            {
                return quire_core::write_escaped_html(out, text).map_err(|_| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed")
                });
            }
            minijinja::escape_formatter(out, state, value)
        });
        // `{{ n | digits(t.digits) }}`: numbers in UI text follow the
        // language's digit system (Persian ۰–۹ …), like dates do.
        env.add_filter(
            "digits",
            |value: minijinja::Value, system: Option<String>| {
                crate::strings::localize_digits(
                    &value.to_string(),
                    system.as_deref().unwrap_or("latn"),
                )
            },
        );
        let mut sources: BTreeMap<String, String> = BUILTIN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        let mut override_paths = BTreeMap::new();
        for (name, path, text) in overrides {
            sources.insert(name.clone(), text.clone());
            override_paths.insert(name.clone(), (path.clone(), text.clone()));
        }
        let mut errors = Vec::new();
        for (name, text) in sources {
            if let Err(e) = env.add_template_owned(name.clone(), text) {
                errors.push(template_diagnostic(&override_paths, &name, &e));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Theme {
            env,
            override_paths,
        })
    }

    /// True if a template of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.env.get_template(name).is_ok()
    }

    /// Renders template `name` with a view model.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, Diagnostic> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| template_diagnostic(&self.override_paths, name, &e))?;
        let mut out = Capped(Vec::new());
        template
            .render_captured_to(minijinja::Value::from_serialize(context), &mut out)
            .map_err(|e| {
                if out.0.len() > OUTPUT_LIMIT {
                    let e = minijinja::Error::new(
                        minijinja::ErrorKind::WriteFailure,
                        format!(
                            "the output passed {} MiB (check for runaway loops or repetition)",
                            OUTPUT_LIMIT >> 20
                        ),
                    );
                    return template_diagnostic(&self.override_paths, name, &e);
                }
                template_diagnostic(&self.override_paths, name, &e)
            })?;
        String::from_utf8(out.0).map_err(|_| {
            Diagnostic::error(format!("templates/{name}"), "template output is not UTF-8")
        })
    }
}

/// Most bytes one render may write: fuel bounds the work, this bounds the
/// output (a template repeating a long string in a loop wrote gigabytes).
const OUTPUT_LIMIT: usize = 64 << 20;

/// A buffer that refuses to grow past [`OUTPUT_LIMIT`].
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > OUTPUT_LIMIT {
            // Marks the overflow for the caller, then fails the render.
            self.0.resize(OUTPUT_LIMIT + 1, 0);
            return Err(std::io::Error::other("template output limit"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A view model converted for the templates once and shared by many renders
/// (a language's site facts and UI strings are the same on every page):
/// putting it in a page's context costs a reference count instead of a
/// conversion of every string it holds.
#[derive(Debug, Clone)]
pub struct Prepared(minijinja::Value);

impl Prepared {
    /// Converts `value` for the templates.
    pub fn new<T: Serialize + ?Sized>(value: &T) -> Self {
        Prepared(minijinja::Value::from_serialize(value))
    }
}

impl Serialize for Prepared {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Inside a render's context conversion minijinja passes the value
        // through as it is; anywhere else it serializes as plain data.
        self.0.serialize(serializer)
    }
}

fn template_diagnostic(
    overrides: &BTreeMap<String, (String, String)>,
    name: &str,
    err: &minijinja::Error,
) -> Diagnostic {
    let failing = err.name().unwrap_or(name).to_string();
    let mut message = err.kind().to_string();
    if let Some(detail) = err.detail() {
        message = format!("{message}: {detail}");
    }
    if matches!(err.kind(), minijinja::ErrorKind::OutOfFuel) {
        message = format!("{message} (the template runs too long: check for endless loops)");
    }
    match overrides.get(&failing) {
        Some((path, text)) => {
            let source = SourceText::new(text);
            let d = Diagnostic::error(path.clone(), format!("template error: {message}"));
            match err.line() {
                Some(line) => d.at_line(&source, line, 1),
                None => d,
            }
        }
        None => {
            let line = err.line().map(|l| format!(":{l}")).unwrap_or_default();
            Diagnostic::error(
                format!("templates/{failing}"),
                format!("built-in template{line} failed: {message}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in theme with `page.html` overridden by `text`.
    fn page_theme(text: &str) -> Theme {
        Theme::new(&[(
            "page.html".into(),
            "templates/page.html".into(),
            text.into(),
        )])
        .unwrap()
    }

    #[test]
    fn output_past_the_limit_is_an_error_naming_the_template() {
        // 200 MB from little fuel: a long string repeated in a loop.
        let theme = page_theme("{% for i in range(2000) %}{{ \"x\" * 100000 }}{% endfor %}");
        let e = theme
            .render("page.html", &serde_json::json!({}))
            .unwrap_err();
        assert_eq!(e.path, "templates/page.html");
        assert!(
            e.message.contains("the output passed 64 MiB"),
            "{}",
            e.message
        );
        let ok = page_theme("{% for i in range(10) %}{{ \"x\" * 1000 }}{% endfor %}");
        assert_eq!(
            ok.render("page.html", &serde_json::json!({}))
                .unwrap()
                .len(),
            10_000
        );
    }

    #[test]
    fn override_syntax_error_names_file_and_line() {
        let errs = Theme::new(&[(
            "404.html".into(),
            "templates/404.html".into(),
            "<p>\n{{ oops }\n".into(),
        )])
        .err()
        .unwrap();
        assert_eq!(errs[0].path, "templates/404.html");
        assert_eq!(errs[0].line, 2);
    }

    #[test]
    fn endless_loop_stops_with_an_error() {
        let theme = page_theme(
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        );
        let err = theme.render("page.html", &()).unwrap_err();
        assert!(
            err.message.contains("fuel") || err.message.contains("too long"),
            "{}",
            err.message
        );
    }

    #[test]
    fn digits_filter_localizes_numbers() {
        let theme =
            page_theme("{{ n | digits('arabext') }}|{{ n | digits }}|{{ n | digits(none) }}");
        let out = theme
            .render("page.html", &serde_json::json!({ "n": 12 }))
            .unwrap();
        assert_eq!(out, "۱۲|12|12");
    }

    #[test]
    fn recursion_stops_with_an_error() {
        let theme = page_theme("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}");
        assert!(theme.render("page.html", &()).is_err());
    }

    #[test]
    fn template_values_are_escaped_for_html_only_where_needed() {
        let theme = page_theme("<a title=\"{{ t }}\" href=\"{{ u }}\">{{ t }}</a>");
        let out = theme
            .render(
                "page.html",
                &serde_json::json!({ "t": "Ана & \"Бо\"", "u": "/tr/a/b/" }),
            )
            .unwrap();
        assert_eq!(
            out,
            "<a title=\"Ана &amp; &quot;Бо&quot;\" href=\"/tr/a/b/\">Ана &amp; &quot;Бо&quot;</a>"
        );
    }
}
