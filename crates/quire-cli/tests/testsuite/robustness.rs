//! Hostile and broken input (issue #11): each case starts from the `basic`
//! fixture, builds it once (the "previous output"), adds the case's files and
//! builds again. Every case asserts that quire did not panic or hang, exited
//! 0 or 1, named the file and line when it failed, left the previous output
//! byte for byte as it was on failure, and wrote nothing outside `public/`.
//!
//! Larger checks live here too: the SIGKILL test, escaping of hostile text in
//! every output format, and the size limits (ignored by default).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Run, Site};

/// What a case must end with.
enum Expect {
    /// The build succeeds.
    Pass,
    /// The build succeeds, publishes this output file, and no output file
    /// contains `absent` (text the build must not publish).
    PassWith {
        file: &'static str,
        absent: &'static str,
    },
    /// The build fails naming `file`, at `line` when given, with `needle` in
    /// the message.
    Fail {
        file: &'static str,
        line: Option<usize>,
        needle: &'static str,
    },
}

use Expect::{Fail, Pass, PassWith};

/// A build that takes longer than this is a hang. Generous because the
/// 50 MB case takes about 2 s per MB in a debug build on a loaded machine;
/// a template that loops forever is stopped by fuel within seconds.
const HANG: Duration = Duration::from_secs(600);

/// One file system entry as a snapshot sees it: symlinks are recorded, not
/// followed, so a loop cannot trap the walk.
#[derive(Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

/// Every entry under `dir`, keyed by relative path, skipping `skip` (a path
/// relative to `dir`).
fn snapshot(dir: &Path, skip: &[&str]) -> BTreeMap<PathBuf, Entry> {
    fn walk(base: &Path, dir: &Path, skip: &[&str], out: &mut BTreeMap<PathBuf, Entry>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(base).unwrap().to_path_buf();
            if skip.iter().any(|s| rel == Path::new(s)) {
                continue;
            }
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                out.insert(rel, Entry::Link(std::fs::read_link(&path).unwrap()));
            } else if meta.is_dir() {
                out.insert(rel, Entry::Dir);
                walk(base, &path, skip, out);
            } else {
                // An unreadable file (a case of its own) is recorded empty.
                out.insert(rel, Entry::File(std::fs::read(&path).unwrap_or_default()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, skip, &mut out);
    out
}

/// Runs `quire args` in `root`, killing it after [`HANG`].
fn quire_with_timeout(root: &Path, args: &[&str]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let stdout = std::fs::File::create(out.path().join("out")).unwrap();
    let stderr = std::fs::File::create(out.path().join("err")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::from(stderr))
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`quire {}` hung for {HANG:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |name: &str| {
        let mut s = Vec::new();
        std::fs::File::open(out.path().join(name))
            .unwrap()
            .read_to_end(&mut s)
            .unwrap();
        String::from_utf8_lossy(&s).into_owned()
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: read("out"),
        stderr: read("err"),
    }
}

/// Writes raw bytes into the site.
fn write_bytes(site: &Site, rel: &str, bytes: &[u8]) {
    let path = site.root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// A complete article with `extra` front matter lines and `body`.
fn article(title: &str, extra: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\ndate = 2024-01-01\n{extra}+++\n{body}\n")
}

/// Runs one case: build, break, build again, check.
fn check(case: &str, setup: impl FnOnce(&Site) -> Expect) {
    let site = Site::fixture("basic");
    site.build();
    let before = snapshot(&site.public(), &[]);
    let expect = setup(&site);
    // Everything beside the site (a sibling folder the case may point
    // symlinks at) and inside it, except the output folder and quire's own
    // cache folder (the previous build's output manifest).
    let world = site.root.parent().unwrap().to_path_buf();
    let outside_before = snapshot(&world, &["site/public", "site/.quire-cache"]);
    let run = quire_with_timeout(&site.root, &["build"]);
    let outside_after = snapshot(&world, &["site/public", "site/.quire-cache"]);

    assert!(
        !run.stderr.contains("panicked") && !run.stdout.contains("panicked"),
        "{case}: quire panicked:\n{}",
        run.stderr
    );
    assert!(
        run.code == 0 || run.code == 1,
        "{case}: exit status {}:\n{}",
        run.code,
        run.stderr
    );
    assert!(
        outside_before == outside_after,
        "{case}: the build wrote outside the output folder: {:?}",
        diff(&outside_before, &outside_after)
    );
    match expect {
        Pass => {
            assert_eq!(run.code, 0, "{case}: expected success:\n{}", run.stderr);
            assert!(
                site.public().join("index.html").is_file(),
                "{case}: no home page"
            );
        }
        PassWith { file, absent } => {
            assert_eq!(run.code, 0, "{case}: expected success:\n{}", run.stderr);
            assert!(site.public().join(file).is_file(), "{case}: no {file}");
            for (path, entry) in snapshot(&site.public(), &[]) {
                if let Entry::File(bytes) = entry {
                    assert!(
                        !String::from_utf8_lossy(&bytes).contains(absent),
                        "{case}: {} publishes {absent:?}",
                        path.display()
                    );
                }
            }
        }
        Fail { file, line, needle } => {
            assert_eq!(run.code, 1, "{case}: expected failure:\n{}", run.stderr);
            let location = match line {
                Some(line) => format!("{file}:{line}:"),
                None => file.to_string(),
            };
            assert!(
                run.stderr.contains(&location),
                "{case}: expected `{location}` in:\n{}",
                run.stderr
            );
            assert!(
                run.stderr.contains(needle),
                "{case}: expected `{needle}` in:\n{}",
                run.stderr
            );
            let after = snapshot(&site.public(), &[]);
            assert!(
                before == after,
                "{case}: the previous output changed: {:?}",
                diff(&before, &after)
            );
        }
    }
}

/// Paths that differ between two snapshots, for failure messages.
fn diff(a: &BTreeMap<PathBuf, Entry>, b: &BTreeMap<PathBuf, Entry>) -> Vec<PathBuf> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// One `#[test]` per case so they run in parallel and fail one by one.
macro_rules! cases {
    ($($name:ident => $setup:expr;)*) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), $setup);
            }
        )*
    };
}

/// True if this process can read a file whose mode is 000 (running as root).
fn reads_despite_chmod(path: &Path) -> bool {
    std::fs::read(path).is_ok()
}

cases! {
    // --- Encodings and odd bytes -------------------------------------------
    invalid_utf8_article => |s| {
        write_bytes(s, "content/briefs/bad-bytes.md",
            b"+++\ntitle = \"Bytes\"\ndate = 2024-01-01\n+++\nA broken \xff\xfe byte.\n");
        Fail { file: "content/briefs/bad-bytes.md", line: Some(5), needle: "UTF-8" }
    };
    invalid_utf8_config => |s| {
        let mut config = std::fs::read(s.root.join("quire.toml")).unwrap();
        config.extend_from_slice(b"# \xc3\x28 broken\n");
        write_bytes(s, "quire.toml", &config);
        Fail { file: "quire.toml", line: None, needle: "UTF-8" }
    };
    invalid_utf8_author => |s| {
        write_bytes(s, "authors/bad.toml", b"name = \"B\xe9atrice\"\n");
        Fail { file: "authors/bad.toml", line: Some(1), needle: "UTF-8" }
    };
    byte_order_mark => |s| {
        s.write("content/briefs/bom.md", &format!("\u{FEFF}{}", article("With BOM", "", "Body.")));
        Pass
    };
    crlf_line_endings => |s| {
        s.write("content/briefs/crlf.md",
            &article("Windows", "tags = [\"crlf\"]\n", "Line one.[^1]\n\n[^1]: A note.").replace('\n', "\r\n"));
        Pass
    };
    nul_bytes_in_body => |s| {
        s.write("content/briefs/nul.md", &article("Nul", "", "Before\0after."));
        Pass
    };
    nul_bytes_in_front_matter => |s| {
        s.write("content/briefs/nul-fm.md", "+++\ntitle = \"A\0B\"\ndate = 2024-01-01\n+++\nBody.\n");
        Fail { file: "content/briefs/nul-fm.md", line: Some(2), needle: "" }
    };
    bidi_and_private_use_text => |s| {
        s.write("content/briefs/bidi.md",
            &article("Left \u{202E}thgir\u{202C} \u{E000}N0\u{E001}", "", "Text \u{E000}L0\u{E001} and \u{2066}isolate\u{2069}."));
        Pass
    };

    // --- Size and depth ----------------------------------------------------
    fifty_megabyte_file => |s| {
        // Generated here, never committed: 50 MB of paragraphs.
        let paragraph = "Port cranes idle while customs forms wait for a stamp. ".repeat(18) + "\n\n";
        let body = paragraph.repeat(50 * 1024 * 1024 / paragraph.len());
        s.write("content/briefs/huge.md", &article("Huge", "", &body));
        Pass
    };
    ten_thousand_notes => |s| {
        let mut body = String::new();
        for i in 1..=10_000 {
            body.push_str(&format!("Claim {i}.[^{i}] "));
        }
        body.push_str("\n\n");
        for i in 1..=10_000 {
            body.push_str(&format!("[^{i}]: Source {i}.\n"));
        }
        s.write("content/briefs/notes.md", &article("Notes", "", &body));
        Pass
    };
    deeply_nested_lists => |s| {
        let body: String = (0..5_000).map(|i| format!("{}- item {i}\n", "  ".repeat(i))).collect();
        s.write("content/briefs/lists.md", &article("Lists", "", &body));
        Pass
    };
    deeply_nested_quotes => |s| {
        s.write("content/briefs/quotes.md", &article("Quotes", "", &format!("{} deep", ">".repeat(50_000))));
        Pass
    };
    deeply_nested_emphasis_and_links => |s| {
        let body = format!("{}x{}", "*[".repeat(20_000), "](/)*".repeat(20_000));
        s.write("content/briefs/emph.md", &article("Emphasis", "", &body));
        Pass
    };
    very_long_title => |s| {
        s.write("content/briefs/long.md", &article(&"Word ".repeat(20_000), "", "Body."));
        Pass
    };

    // --- Front matter ------------------------------------------------------
    unclosed_front_matter => |s| {
        s.write("content/briefs/open.md", "+++\ntitle = \"Open\"\ndate = 2024-01-01\nBody.\n");
        Fail { file: "content/briefs/open.md", line: Some(1), needle: "never closed" }
    };
    unclosed_yaml_front_matter => |s| {
        s.write("content/briefs/open.md", "---\ntitle: Open\n");
        Fail { file: "content/briefs/open.md", line: Some(1), needle: "never closed" }
    };
    invalid_yaml_front_matter => |s| {
        s.write("content/briefs/yaml.md", "---\ntitle: [unclosed\ndate: 2024-01-01\n---\nBody.\n");
        Fail { file: "content/briefs/yaml.md", line: None, needle: "YAML" }
    };
    duplicate_front_matter_keys => |s| {
        s.write("content/briefs/dup.md", "+++\ntitle = \"One\"\ntitle = \"Two\"\ndate = 2024-01-01\n+++\nBody.\n");
        Fail { file: "content/briefs/dup.md", line: Some(3), needle: "duplicate key" }
    };
    duplicate_config_keys => |s| {
        let config = std::fs::read_to_string(s.root.join("quire.toml")).unwrap();
        s.write("quire.toml", &config.replace("paginate = 2", "paginate = 2\npaginate = 3"));
        Fail { file: "quire.toml", line: Some(6), needle: "duplicate key" }
    };
    wrong_type_title => |s| {
        s.write("content/briefs/t.md", "+++\ntitle = 5\ndate = 2024-01-01\n+++\nBody.\n");
        Fail { file: "content/briefs/t.md", line: Some(2), needle: "title" }
    };
    wrong_type_draft => |s| {
        s.write("content/briefs/t.md", &article("T", "draft = \"yes\"\n", "Body."));
        Fail { file: "content/briefs/t.md", line: Some(4), needle: "draft" }
    };
    wrong_type_config => |s| {
        let config = std::fs::read_to_string(s.root.join("quire.toml")).unwrap();
        s.write("quire.toml", &config.replace("paginate = 2", "paginate = \"two\""));
        Fail { file: "quire.toml", line: Some(5), needle: "paginate" }
    };
    impossible_date => |s| {
        s.write("content/briefs/feb.md", "+++\ntitle = \"Feb\"\ndate = 2024-02-30\n+++\nBody.\n");
        Fail { file: "content/briefs/feb.md", line: Some(3), needle: "" }
    };
    impossible_date_string => |s| {
        s.write("content/briefs/feb.md", "+++\ntitle = \"Feb\"\ndate = \"2023-02-29\"\n+++\nBody.\n");
        Fail { file: "content/briefs/feb.md", line: Some(3), needle: "" }
    };
    missing_title => |s| {
        s.write("content/briefs/untitled.md", "+++\ndate = 2024-01-01\n+++\nBody.\n");
        Fail { file: "content/briefs/untitled.md", line: Some(1), needle: "title" }
    };
    unknown_front_matter_key => |s| {
        s.write("content/briefs/k.md", &article("K", "higlights = [\"a\"]\n", "Body."));
        Fail { file: "content/briefs/k.md", line: Some(4), needle: "higlights" }
    };
    empty_file => |s| {
        s.write("content/briefs/empty.md", "");
        Fail { file: "content/briefs/empty.md", line: Some(1), needle: "" }
    };
    front_matter_only => |s| {
        s.write("content/briefs/bare.md", "+++\ntitle = \"Bare\"\ndate = 2024-01-01\n+++");
        Pass
    };

    // --- Names, URLs and paths ---------------------------------------------
    unknown_language_suffix => |s| {
        s.write("content/briefs/river-talks/index.de.md", &article("Flussgespräche", "", "Text."));
        Fail { file: "content/briefs/river-talks/index.de.md", line: None, needle: "de" }
    };
    same_url_from_two_files => |s| {
        s.write("content/briefs/other.md", &article("Other", "slug = \"river-talks\"\n", "Body."));
        Fail { file: "content/briefs/other.md", line: Some(4), needle: "/briefs/river-talks/" }
    };
    translation_key_conflict => |s| {
        s.write("content/briefs/a.md", &article("A", "translation_key = \"k\"\n", "Body."));
        s.write("content/notes/b.md", &article("B", "translation_key = \"k\"\n", "Body."));
        Fail { file: "content/notes/b.md", line: Some(4), needle: "translation_key" }
    };
    translation_key_joins_a_bundle_twice => |s| {
        s.write("content/briefs/x.tr.md", &article("X", "translation_key = \"tk\"\n", "Body."));
        s.write("content/notes/y.tr.md", &article("Y", "translation_key = \"tk\"\n", "Body."));
        Fail { file: "content/notes/y.tr.md", line: Some(4), needle: "translation_key" }
    };
    // A given slug is slugified like any text, so path characters vanish:
    // the page lands inside its section and nothing escapes the output.
    slug_traversal => |s| {
        s.write("content/briefs/evil.md", &article("Evil", "slug = \"../../etc\"\n", "Body."));
        PassWith { file: "briefs/etc/index.html", absent: "../../etc" }
    };
    slug_absolute => |s| {
        s.write("content/briefs/evil.md", &article("Evil", "slug = \"/etc/passwd\"\n", "Body."));
        PassWith { file: "briefs/etc-passwd/index.html", absent: "/etc/passwd/" }
    };
    // A given slug with no letters or digits makes no URL segment: an error
    // at the key (#37; it was a warning naming an empty name).
    slug_empty => |s| {
        s.write("content/briefs/evil.md", &article("Evil", "slug = \"\"\n", "Body."));
        Fail { file: "content/briefs/evil.md", line: Some(4), needle: "no letters or digits" }
    };
    alias_to_parent => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/..\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "alias" }
    };
    alias_traversal => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/old/../../../outside/\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "alias" }
    };
    alias_over_existing_page => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/briefs/river-talks/\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: None, needle: "/briefs/river-talks/" }
    };
    hostile_tag_names => |s| {
        // Terms are slugified, so these land under `tags/` like any other.
        s.write("content/briefs/tags.md", &article("Tags", "tags = [\"../../x\", \"/etc\", \"a/b\"]\n", "Body."));
        Pass
    };
    tag_without_letters => |s| {
        // A term with no letters or digits has no slug: it is left out rather
        // than becoming `/tags//`.
        s.write("content/briefs/tags.md", &article("Tags", "tags = [\"«»\"]\n", "Body."));
        PassWith { file: "briefs/tags/index.html", absent: "/tags//" }
    };
    unicode_and_space_file_names => |s| {
        s.write("content/briefs/Çin ve Rusya — 2024.md", &article("Çin", "", "Body."));
        Pass
    };
    missing_internal_link => |s| {
        s.write("content/briefs/l.md", &article("L", "", "\nSee [there](@/briefs/nowhere.md)."));
        Fail { file: "content/briefs/l.md", line: Some(6), needle: "nowhere" }
    };

    // --- The file system ---------------------------------------------------
    symlink_loop => |s| {
        // Discovery does not follow links, so a loop cannot trap it.
        std::os::unix::fs::symlink("..", s.root.join("content/briefs/loop")).unwrap();
        Pass
    };
    symlink_out_of_site => |s| {
        let outside = s.root.parent().unwrap().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.md"), article("Secret", "", "Private.")).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.md"), s.root.join("content/briefs/secret.md")).unwrap();
        PassWith { file: "index.html", absent: "Private." }
    };
    symlinked_static_folder_out_of_site => |s| {
        let outside = s.root.parent().unwrap().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("id_rsa"), "not a key").unwrap();
        std::os::unix::fs::symlink(&outside, s.root.join("static/leak")).unwrap();
        PassWith { file: "humans.txt", absent: "not a key" }
    };
    unreadable_file => |s| {
        use std::os::unix::fs::PermissionsExt;
        let path = s.root.join("content/briefs/locked.md");
        std::fs::write(&path, article("Locked", "", "Body.")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        if reads_despite_chmod(&path) {
            // Root reads through mode 000 (as in CI): the file is valid, so
            // the build must succeed with it.
            Pass
        } else {
            Fail { file: "content/briefs/locked.md", line: None, needle: "" }
        }
    };

    // --- Authors, strings, templates, citations ----------------------------
    author_photo_missing => |s| {
        let text = std::fs::read_to_string(s.root.join("authors/ayla-demir.toml")).unwrap();
        s.write("authors/ayla-demir.toml", &text.replace("ayla-demir.svg", "nobody.png"));
        Fail { file: "authors/ayla-demir.toml", line: Some(2), needle: "nobody.png" }
    };
    author_photo_traversal => |s| {
        let text = std::fs::read_to_string(s.root.join("authors/ayla-demir.toml")).unwrap();
        s.write("authors/ayla-demir.toml", &text.replace("ayla-demir.svg", "../quire.toml"));
        Fail { file: "authors/ayla-demir.toml", line: Some(2), needle: "photo" }
    };
    author_toml_syntax_error => |s| {
        s.write("authors/broken.toml", "name = \"Broken\nrole = 1\n");
        Fail { file: "authors/broken.toml", line: Some(1), needle: "" }
    };
    unknown_author => |s| {
        s.write("content/briefs/a.md", &article("A", "authors = [\"nobody\"]\n", "Body."));
        Fail { file: "content/briefs/a.md", line: Some(4), needle: "nobody" }
    };
    i18n_syntax_error => |s| {
        s.write("i18n/tr.toml", "read_more = \n");
        Fail { file: "i18n/tr.toml", line: Some(1), needle: "" }
    };
    template_syntax_error => |s| {
        s.write("templates/article.html", "<html>\n{% if page.title %}\n<h1>{{ page.title }</h1>\n");
        Fail { file: "templates/article.html", line: None, needle: "" }
    };
    template_loops_forever => |s| {
        s.write("templates/article.html",
            "{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}x{% endfor %}{% endfor %}{% endfor %}\n");
        Fail { file: "templates/article.html", line: None, needle: "" }
    };
    template_recurses => |s| {
        s.write("templates/article.html",
            "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}\n{{ down(0) }}\n");
        Fail { file: "templates/article.html", line: None, needle: "" }
    };
    template_includes_itself => |s| {
        s.write("templates/article.html", "{% include \"article.html\" %}\n");
        Fail { file: "templates/article.html", line: None, needle: "" }
    };
    template_outside_templates_folder => |s| {
        s.write("templates/article.html", "{% include \"../quire.toml\" %}\n");
        Fail { file: "templates/article.html", line: None, needle: "" }
    };
    unknown_citation_key => |s| {
        s.write("content/briefs/c.md", &article("C", "", "\nAs shown [@nobody2020]."));
        Fail { file: "content/briefs/c.md", line: Some(6), needle: "nobody2020" }
    };
    config_empty => |s| {
        s.write("quire.toml", "");
        Fail { file: "quire.toml", line: None, needle: "" }
    };
    config_bad_base_url => |s| {
        let config = std::fs::read_to_string(s.root.join("quire.toml")).unwrap();
        s.write("quire.toml", &config.replace("https://lab.example.org", "not a url"));
        Fail { file: "quire.toml", line: Some(2), needle: "base_url" }
    };
    output_into_content_refused => |s| {
        // Not a build of the site itself: the guard against deleting content.
        let run = quire_with_timeout(&s.root, &["build", "--output", "content"]);
        assert!(run.code == 1 || run.code == 2, "{}", run.stderr);
        assert!(run.stderr.contains("content"), "{}", run.stderr);
        assert!(s.root.join("content/briefs/_index.md").is_file());
        Pass
    };
}

// --- Issue #37: hidden files, symbolic links, names -------------------------

cases! {
    // One rule: a path with any component starting with `.` is no input.
    hidden_folders_are_not_published => |s| {
        for hidden in [
            "static/.git/config",
            "static/assets/.private/key.txt",
            "content/briefs/port-logistics/.drafts/notes.txt",
            "content/briefs/.obsidian/workspace.json",
            "content/.obsidian/app.json",
            "authors/.backup/notes.txt",
            "static/.well-known/.secret",
        ] {
            s.write(hidden, "url = https://user:hidden-token-37@git.example/x\n");
        }
        PassWith { file: "humans.txt", absent: "hidden-token-37" }
    };
    hidden_markdown_in_hidden_folders_is_no_article => |s| {
        s.write("content/briefs/.trash/old.md", &article("Trashed", "", "hidden-article-37"));
        s.write("content/.templates/page.md", &article("Template", "", "hidden-article-37"));
        PassWith { file: "index.html", absent: "hidden-article-37" }
    };
    // The one exception: sites publish static/.well-known/ on purpose.
    well_known_is_published => |s| {
        s.write("static/.well-known/security.txt", "Contact: mailto:security@lab.example.org\n");
        PassWith { file: ".well-known/security.txt", absent: "hidden-token-37" }
    };
    // A top-level input folder that is a link is skipped like any link
    // (it used to be warned about and then published).
    symlinked_static_root_out_of_site => |s| {
        let outside = s.root.parent().unwrap().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("id_rsa"), "outside-key-37").unwrap();
        std::fs::remove_dir_all(s.root.join("static")).unwrap();
        std::os::unix::fs::symlink(&outside, s.root.join("static")).unwrap();
        PassWith { file: "index.html", absent: "outside-key-37" }
    };
    symlinked_content_root_out_of_site => |s| {
        let outside = s.root.parent().unwrap().join("outside-content");
        std::fs::rename(s.root.join("content"), &outside).unwrap();
        std::os::unix::fs::symlink(&outside, s.root.join("content")).unwrap();
        Fail { file: "content", line: None, needle: "symbolic link" }
    };
    slug_dot_dot => |s| {
        s.write("content/briefs/evil.md", &article("Evil", "slug = \"..\"\n", "Body."));
        Fail { file: "content/briefs/evil.md", line: Some(4), needle: "slug `..` has no letters or digits" }
    };
    slug_dot => |s| {
        s.write("content/briefs/evil.md", &article("Evil", "slug = \".\"\n", "Body."));
        Fail { file: "content/briefs/evil.md", line: Some(4), needle: "slug `.` has no letters or digits" }
    };
    slug_slash => |s| {
        s.write("content/briefs/evil.md", &article("Evil", "slug = \"/\"\n", "Body."));
        Fail { file: "content/briefs/evil.md", line: Some(4), needle: "slug `/` has no letters or digits" }
    };
    over_long_slug => |s| {
        s.write("content/briefs/long.md", &article("Long", &format!("slug = \"{}\"\n", "x".repeat(300)), "Body."));
        Fail { file: "content/briefs/long.md", line: Some(4), needle: "300 bytes long" }
    };
    over_long_tag => |s| {
        s.write("content/briefs/long.md", &article("Long", &format!("tags = [\"{}\"]\n", "t".repeat(300)), "Body."));
        Fail { file: "content/briefs/long.md", line: Some(4), needle: "300 bytes long" }
    };
    over_long_alias => |s| {
        s.write("content/briefs/al.md", &article("Al", &format!("aliases = [\"/{}/\"]\n", "a".repeat(300)), "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "longer than 255 bytes" }
    };
    // `_redirects` lines are `from to 301`: white space in an alias wrote
    // a rule of its own, an open redirect.
    alias_with_white_space => |s| {
        s.write("quire.toml", &std::fs::read_to_string(s.root.join("quire.toml")).unwrap().replace("paginate = 2", "paginate = 2\nredirects_file = true"));
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/x https://evil.example 302\\n/y\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "white space" }
    };
    alias_with_tab => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/x\\thttps://evil.example\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "white space" }
    };
    alias_with_fragment => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/old#https://evil.example\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "cannot be in a site path" }
    };
    alias_with_odd_query => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/?p=1?https://evil.example\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "query" }
    };
    alias_protocol_relative => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"//evil.example/\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "empty segment" }
    };
    alias_onto_the_output_marker => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/.quire-output\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "hidden segment" }
    };
    // Built-in paths: the clash is reported on the content file and line.
    alias_onto_a_feed => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/atom.xml\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "alias /atom.xml cannot be published at atom.xml" }
    };
    alias_onto_the_search_page => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/search/\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "alias /search/ cannot be published at search/index.html" }
    };
    alias_onto_a_static_file => |s| {
        s.write("content/briefs/al.md", &article("Al", "aliases = [\"/humans.txt\"]\n", "Body."));
        Fail { file: "content/briefs/al.md", line: Some(4), needle: "humans.txt" }
    };
    page_onto_a_static_file => |s| {
        s.write("static/reports", "a file where a page wants a folder");
        s.write("content/reports.md", &article("Reports", "", "Body."));
        Fail { file: "content/reports.md", line: Some(1), needle: "the URL /reports/ cannot be published" }
    };
    section_folders_with_one_slug => |s| {
        s.write("content/Briefs/other.md", &article("Other", "", "Body."));
        Fail { file: "content/briefs", line: None, needle: "content/Briefs/ and content/briefs/ both have the URL /briefs/" }
    };
    section_folders_with_one_slug_by_punctuation => |s| {
        s.write("content/Policy Papers/a.md", &article("A", "", "Body."));
        s.write("content/policy_papers/b.md", &article("B", "", "Body."));
        Fail { file: "content/policy_papers", line: None, needle: "both have the URL /policy-papers/" }
    };
    section_folder_on_a_built_in_listing => |s| {
        s.write("content/Tags/a.md", &article("A", "", "Body."));
        Fail { file: "content/Tags", line: None, needle: "built-in listing" }
    };
    base_url_with_a_space => |s| {
        let config = std::fs::read_to_string(s.root.join("quire.toml")).unwrap();
        s.write("quire.toml", &config.replace("https://lab.example.org", "https://lab example.org"));
        Fail { file: "quire.toml", line: Some(2), needle: "base_url" }
    };
    base_url_without_a_host => |s| {
        let config = std::fs::read_to_string(s.root.join("quire.toml")).unwrap();
        s.write("quire.toml", &config.replace("https://lab.example.org", "https://"));
        Fail { file: "quire.toml", line: Some(2), needle: "base_url" }
    };
    non_utf8_static_file_name => |s| {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        std::fs::write(s.root.join("static").join(name), "x").unwrap();
        Fail { file: "static/caf", line: None, needle: "not valid UTF-8" }
    };
}

/// Regression (#37): a section folder that is not a slug had its listing,
/// feeds and sitemap entry at the raw folder name (`/Policy Briefs/`, an
/// unencoded space in `href`s; `/Policy_Papers/`) while its articles lived
/// under the slug. Every URL of a section is now its slug.
#[test]
fn section_urls_are_the_slug_of_the_folder_everywhere() {
    let site = Site::fixture("basic");
    site.write(
        "content/Policy Briefs/_index.md",
        "+++\ntitle = \"Policy Briefs\"\n+++\nBriefs for ministers.\n",
    );
    site.write(
        "content/Policy Briefs/first.md",
        &article("First brief", "tags = [\"ports\"]\n", "Body."),
    );
    site.write(
        "content/Policy_Papers/paper.md",
        &article("A paper", "", "Body."),
    );
    site.build();
    // Listings at the slug, never at the folder name.
    for (slug, folder) in [
        ("policy-briefs", "Policy Briefs"),
        ("policy-papers", "Policy_Papers"),
    ] {
        assert!(
            site.public().join(slug).join("index.html").is_file(),
            "{slug}"
        );
        assert!(
            site.public().join(slug).join("atom.xml").is_file(),
            "{slug} feed"
        );
        assert!(!site.public().join(folder).exists(), "{folder} published");
        assert!(
            !site.public().join("tr").join(folder).exists(),
            "tr/{folder} published"
        );
    }
    // Every href of every page: no space, no folder name.
    for (path, bytes) in crate::common::tree(&site.public()) {
        if !path.ends_with(".html") {
            continue;
        }
        let page = crate::common::Page(scraper::Html::parse_document(&String::from_utf8_lossy(
            &bytes,
        )));
        for a in page.all("a[href], link[href]") {
            let href = a.value().attr("href").unwrap();
            if href.starts_with("data:") {
                continue;
            }
            // The path (share links carry titles in their queries).
            let href = href.split(['?', '#']).next().unwrap_or_default();
            assert!(
                !href.contains(' ') && !href.contains("Policy") && !href.contains("%20"),
                "{path}: {href}"
            );
        }
    }
    // The article's section label and breadcrumb link to the listing.
    let article_page = site.page("policy-briefs/first/index.html");
    assert_eq!(
        article_page.attr("article p.section-label a", "href"),
        "/policy-briefs/"
    );
    assert_eq!(
        article_page.text("article p.section-label a"),
        "Policy Briefs"
    );
    let paper = site.page("policy-papers/paper/index.html");
    assert_eq!(paper.text("article p.section-label a"), "Policy Papers");
    // Feeds and the sitemap.
    let feed = std::fs::read(site.public().join("policy-papers/atom.xml")).unwrap();
    let feed = feed_rs::parser::parse(&feed[..]).unwrap();
    let links: Vec<&str> = feed.links.iter().map(|l| l.href.as_str()).collect();
    assert!(
        links.contains(&"https://lab.example.org/policy-papers/"),
        "{links:?}"
    );
    assert!(
        feed.entries[0].links[0]
            .href
            .starts_with("https://lab.example.org/policy-papers/"),
        "{:?}",
        feed.entries[0].links
    );
    let sitemap = site.output("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.contains(&"https://lab.example.org/policy-briefs/"),
        "{locs:?}"
    );
    assert!(
        locs.contains(&"https://lab.example.org/policy-papers/"),
        "{locs:?}"
    );
    assert!(
        locs.iter()
            .all(|l| !l.contains("Policy") && !l.contains(' ')),
        "{locs:?}"
    );
}

/// Regression (#37): `[bio]` in a language the site does not configure
/// was ignored without a word.
#[test]
fn author_entries_in_unconfigured_languages_are_warned_about() {
    let site = Site::fixture("basic");
    site.write(
        "authors/hana.toml",
        "name = \"Hana\"\n\n[bio]\nen = \"Hana writes.\"\nde = \"Hana schreibt.\"\n",
    );
    let run = site.build();
    assert!(
        run.stderr
            .contains("authors/hana.toml:5:1: warning: [bio] has an entry for `de`"),
        "{}",
        run.stderr
    );
}

/// Regression (#37): an author page's meta description showed the bio's
/// raw Markdown.
#[test]
fn author_meta_description_is_plain_text() {
    let site = Site::fixture("basic");
    site.write(
        "authors/hana.toml",
        "name = \"Hana\"\n\n[bio]\nen = \"Writes about **ports** and [customs](https://customs.example/).\"\n",
    );
    site.write(
        "content/briefs/h.md",
        &article("H", "authors = [\"hana\"]\n", "Body."),
    );
    site.build();
    let page = site.page("authors/hana/index.html");
    assert_eq!(
        page.meta("description"),
        ["Writes about ports and customs."]
    );
    assert_eq!(
        page.meta("og:description"),
        ["Writes about ports and customs."]
    );
}

/// Regression (#37): a second build of the same output while one is
/// running deleted the first one's staging folder and failed with "No such
/// file or directory". The lock file is held here as a running build
/// holds it.
#[test]
fn a_second_build_of_one_output_is_refused_while_the_first_runs() {
    let site = Site::fixture("basic");
    site.build();
    let before = snapshot(&site.public(), &[]);
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(site.root.join(".public.quire-lock"))
        .unwrap();
    lock.try_lock().unwrap();
    site.write("content/briefs/new.md", &article("New", "", "Body."));
    let run = site.quire(&["build"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("another quire build is writing") && run.stderr.contains("public"),
        "{}",
        run.stderr
    );
    assert!(
        snapshot(&site.public(), &[]) == before,
        "the output changed"
    );
    lock.unlock().unwrap();
    drop(lock);
    site.build();
    assert!(site.public().join("briefs/new/index.html").is_file());
    assert!(
        !site.root.join(".public.quire-lock").exists(),
        "the lock file stays"
    );
}

/// Two real builds of one output started together: each either builds or
/// is refused with the clear message — never the bare OS error — and the
/// output is whole afterwards.
#[test]
fn two_builds_at_once_never_fail_with_a_bare_os_error() {
    let site = Site::fixture("basic");
    add_generated_articles(&site, 200, "one");
    site.build();
    for round in 0..3 {
        add_generated_articles(&site, 200, &format!("r{round}"));
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_quire"))
                .arg("build")
                .current_dir(&site.root)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let mut built = 0;
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if out.status.success() {
                built += 1;
            } else {
                assert_eq!(out.status.code(), Some(2), "{stderr}");
                assert!(
                    stderr.contains("another quire build is writing"),
                    "{stderr}"
                );
            }
        }
        assert!(built >= 1, "round {round}: neither build succeeded");
        assert!(
            site.output("briefs/gen-00001/index.html")
                .contains(&format!("r{round}")),
            "round {round}: the output is not the last content"
        );
    }
}

// --- Issue 37: bibliography graphs, long lines, many tags, XML-illegal
// characters, template output, far dates --------------------------------------

cases! {
    bibliography_crossref_to_itself => |s| {
        // Uncited, and still a stack overflow (exit 134) before the guard.
        s.write("bibliography/loop.bib", "@book{fine, title={Fine}}\n@inbook{self, crossref={self}, title={Self}}\n");
        Fail { file: "bibliography/loop.bib", line: Some(2), needle: "`self` inherits from itself" }
    };
    bibliography_xdata_cycle => |s| {
        s.write("bibliography/loop.bib", "@xdata{a, xdata={b}}\n@xdata{b, xdata={c}}\n@xdata{c, xdata={a}}\n");
        Fail { file: "bibliography/loop.bib", line: Some(1), needle: "`a` → `b` → `c` → `a`" }
    };
    bibliography_long_crossref_chain => |s| {
        // 5,000 links took 47 s (quadratic) before the cap.
        let chain: String = (0..5_000)
            .map(|i| format!("@book{{e{i}, title={{T{i}}}, crossref={{e{}}}}}\n", i + 1))
            .collect();
        s.write("bibliography/chain.bib", &chain);
        Fail { file: "bibliography/chain.bib", line: Some(1), needle: "inherits through 4999 levels" }
    };
    date_past_the_last_timestamp => |s| {
        // Was "timestamp overflow" from the date library, without a line.
        s.write("content/briefs/far.md", "+++\ntitle = \"Far\"\ndate = 9999-12-31\n+++\nBody.\n");
        Fail { file: "content/briefs/far.md", line: Some(3), needle: "outside the dates quire publishes" }
    };
}

/// `quire check` reads bibliographies with its own reader: a cycle is an
/// error there too, not a crash.
#[test]
fn check_reports_a_bibliography_cycle() {
    let site = Site::fixture("basic");
    site.write("bibliography/loop.bib", "@inbook{self, crossref={self}}\n");
    let run = quire_with_timeout(&site.root, &["check"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(all.contains("bibliography/loop.bib"), "{all}");
    assert!(all.contains("inherits from itself"), "{all}");
}

/// 4,000 broken anchors on one 175 KB line: each finding shows a short
/// excerpt around its own column, so output grows with the findings, not
/// with findings × line length (this printed 1 GB before).
#[test]
fn broken_anchors_on_one_long_line_give_bounded_output_and_real_columns() {
    let site = Site::fixture("basic");
    let links: Vec<String> = (0..4_000)
        .map(|i| format!("[x](@/briefs/river-talks/index.md#nope{i})"))
        .collect();
    site.write(
        "content/briefs/long.md",
        &article("Long", "", &links.join(" ")),
    );
    let mut col = 1;
    let (mut expected, mut cols) = (Vec::new(), Vec::new());
    for (i, link) in links.iter().enumerate() {
        expected.push(format!(
            "content/briefs/long.md:5:{col}: #nope{i} is not an anchor"
        ));
        cols.push(col);
        col += link.chars().count() + 1;
    }
    for args in [&["build"][..], &["check"][..]] {
        let run = quire_with_timeout(&site.root, args);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, 1, "{args:?}: {}", &all[..all.len().min(2_000)]);
        assert!(
            all.len() < 4_000 * 700,
            "{args:?}: {} bytes of output",
            all.len()
        );
        if args == ["build"] {
            for i in [0, 1, 2_500, 3_999] {
                assert!(all.contains(&expected[i]), "{args:?}: no `{}`", expected[i]);
            }
            // The caret under the excerpt points at the link.
            let at = all.find(&expected[2_500]).unwrap();
            let mut lines = all[at..].lines().skip(1);
            let (source, caret) = (lines.next().unwrap(), lines.next().unwrap());
            let under: String = source
                .chars()
                .skip(caret.chars().count() - 1)
                .take(3)
                .collect();
            assert_eq!(under, "[x]", "{source}\n{caret}");
        } else {
            // One finding a line off a terminal: `path:line:col: error: …`.
            let last = format!(":5:{}: error: ", cols[3_999]);
            assert!(
                all.contains(&last),
                "no `{last}`: {}",
                &all[..all.len().min(2_000)]
            );
        }
    }
}

/// One article with 2,000 tags: 2,000 term feeds each list the article, and
/// each entry used to list all 2,000 categories (5,000 tags took 2.2 GB of
/// memory and wrote 2.1 GB). Now an entry lists at most 64 and the build
/// warns at the `tags` line.
#[test]
fn thousands_of_tags_on_one_article_stay_linear() {
    let site = Site::fixture("basic");
    let tags: Vec<String> = (0..2_000).map(|i| format!("\"tag{i}\"")).collect();
    site.write(
        "content/briefs/tags.md",
        &article("Tags", &format!("tags = [{}]\n", tags.join(", ")), "Body."),
    );
    let run = quire_with_timeout(&site.root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("content/briefs/tags.md:4:1: warning: 2000 terms in `tags`"),
        "{}",
        run.stderr
    );
    for feed in [
        "tags/tag1234/atom.xml",
        "tags/tag7/rss.xml",
        "briefs/atom.xml",
    ] {
        let text = site.output(feed);
        let most = text
            .split("<entry>")
            .flat_map(|e| e.split("<item>"))
            .map(|entry| entry.matches("<category").count())
            .max()
            .unwrap();
        assert_eq!(most, 64, "{feed}");
        assert!(text.len() < 30_000, "{feed}: {} bytes", text.len());
    }
    let json: serde_json::Value =
        serde_json::from_str(&site.output("tags/tag0/feed.json")).unwrap();
    assert_eq!(json["items"][0]["tags"].as_array().unwrap().len(), 64);
}

/// U+FFFE, U+FFFF and C0 controls (written as TOML escapes) in a title, a
/// tag and a section: every feed, the sitemap and the card still parse.
#[test]
fn xml_illegal_characters_are_dropped_from_every_xml_file() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root.join("quire.toml")).unwrap();
    site.write("quire.toml", &format!("{config}\n[social]\ncards = true\n"));
    site.write(
        "content/briefs/odd.md",
        &article(
            "Ports\\uFFFE and \\u0001cranes\\uFFFF",
            "tags = [\"quay\\uFFFEside\", \"\\u000Bberth\"]\ndescription = \"Tide\\uFFFF\\u0008s\"\n",
            "Body \u{FFFE} text.",
        ),
    );
    let run = quire_with_timeout(&site.root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut parsed = 0;
    for path in walk_files(&site.public()) {
        if path.extension().is_some_and(|e| e == "xml") {
            let text = std::fs::read_to_string(&path).unwrap();
            if let Err(e) = roxmltree::Document::parse(&text) {
                panic!("{} does not parse: {e}", path.display());
            }
            assert!(
                !text.contains(['\u{FFFE}', '\u{FFFF}', '\u{1}', '\u{B}', '\u{8}']),
                "{}",
                path.display()
            );
            parsed += 1;
        }
    }
    assert!(parsed > 10, "only {parsed} XML files");
    let atom = site.output("briefs/atom.xml");
    assert!(atom.contains("<title>Ports and cranes</title>"), "{atom}");
    assert!(site.public().join("briefs/odd/card.png").is_file());
}

// --- SIGKILL -----------------------------------------------------------------

/// The workspace's seeded generator, seeded from the clock and printed so
/// a failure can be replayed with `QUIRE_KILL_SEED`.
struct Rng(quire_core::rng::Rng);

impl Rng {
    fn seeded() -> Rng {
        let seed = std::env::var("QUIRE_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("kill test seed: QUIRE_KILL_SEED={seed}");
        Rng(quire_core::rng::Rng::new(seed))
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }
}

/// Adds `count` generated articles to the fixture, each with a note, tags
/// and a paragraph, so a build has a few thousand files to write.
fn add_generated_articles(site: &Site, count: usize, version: &str) {
    for i in 0..count {
        write_generated_article(site, i, version);
    }
}

/// One generated article, its text marked with `version`.
fn write_generated_article(site: &Site, i: usize, version: &str) {
    site.write(
        &format!("content/briefs/gen-{i:05}.md"),
        &article(
            &format!("Generated brief {i} {version}"),
            &format!("tags = [\"t{}\", \"shared\"]\nauthors = [\"ayla-demir\"]\n", i % 40),
            &format!(
                "Harbour study {i} on berth {}, version {version}.[^1]\n\n## Part\n\nMore text about quay {}.\n\n[^1]: Ledger {i}.",
                i % 17,
                i % 23
            ),
        ),
    );
}

/// Articles in the kill test's site: enough pages that a build takes a
/// while to write; fewer in debug builds, where `cargo test` runs it.
const KILL_ARTICLES: usize = if cfg!(debug_assertions) { 500 } else { 2_000 };

#[test]
fn sigkill_during_build_keeps_previous_output() {
    let site = Site::fixture("basic");
    add_generated_articles(&site, KILL_ARTICLES, "one");
    let start = Instant::now();
    site.build();
    let full = start.elapsed();
    let mut rng = Rng::seeded();
    let mut previous = snapshot(&site.public(), &[]);
    for round in 0..6 {
        // Change every page so a half-written new output would be visible.
        add_generated_articles(&site, KILL_ARTICLES, &format!("round{round}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .arg("build")
            .current_dir(&site.root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = rng.below(full.as_millis() as u64 + 1);
        std::thread::sleep(Duration::from_millis(delay));
        // `Child::kill` sends SIGKILL on Unix.
        let _ = child.kill();
        let status = child.wait().unwrap();
        let now = snapshot(&site.public(), &[]);
        if status.success() {
            // The build finished before the kill: the new output is whole.
            assert!(
                now.keys()
                    .any(|k| k.to_string_lossy().contains("gen-00000"))
                    && now != previous,
                "round {round}: finished build left no new output"
            );
            previous = now;
        } else if now != previous {
            // Killed after the swap but before the process exited (while
            // it removed the old folder): the new output is in place and
            // must be whole, identical to a fresh build of the same input.
            let run = site.quire(&["build", "--output", "reference-out"]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            let reference = site.root.join("reference-out");
            let whole = snapshot(&reference, &[]);
            assert!(
                now == whole,
                "round {round}: killed after {delay} ms, the output is neither the previous one nor a whole new one: {:?}",
                diff(&whole, &now).into_iter().take(10).collect::<Vec<_>>()
            );
            std::fs::remove_dir_all(&reference).unwrap();
            previous = now;
        }
    }
    // The next build succeeds and cleans up what the killed ones left.
    site.build();
    let leftovers: Vec<_> = std::fs::read_dir(&site.root)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("quire-new") || n.contains("quire-old"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
    assert!(
        site.output("briefs/gen-00001/index.html")
            .contains("round5"),
        "the final build did not publish the last content"
    );
}

// --- Escaping ----------------------------------------------------------------

/// Hostile text: closes a script, opens another, quotes, ampersand, and a
/// right-to-left override.
const HOSTILE: &str = "Q </script><script>alert(1)</script> \"dq\" 'sq' & R\u{202E}L";

/// Percent-decodes a URL component (`+` is left alone).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Asserts no `<script>` element of a page runs the hostile payload: the
/// only scripts mentioning it are JSON-LD, whose JSON must parse.
fn assert_no_injected_script(page: &crate::common::Page, what: &str) {
    for script in page.all("script") {
        let text: String = script.text().collect();
        if text.contains("alert(1)") {
            assert_eq!(
                script.value().attr("type"),
                Some("application/ld+json"),
                "{what}: payload inside an executable script"
            );
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{what}: JSON-LD does not parse: {e}"));
        }
    }
}

#[test]
fn hostile_text_is_escaped_in_every_output() {
    let site = Site::fixture("basic");
    let json = serde_json::to_string(HOSTILE).unwrap();
    site.write(
        "authors/mallory.toml",
        // The bio is Markdown, its raw HTML sanitized as in any body
        // (tests/raw_html.rs); the name is plain text and must be escaped.
        &format!("name = {json}\n\n[bio]\nen = \"Writes about ports.\"\n"),
    );
    site.write(
        "content/briefs/hostile/index.md",
        &format!(
            "+++\ntitle = {json}\ndate = 2024-07-01\nauthors = [\"mallory\"]\nhighlights = [{json}]\ntags = [{json}]\nsummary = {json}\n+++\nBody with a note.[^1]\n\n[^1]: {}\n",
            HOSTILE.replace('<', "\\<")
        ),
    );
    site.build();

    // HTML text and attributes: parsing gives back exactly the text.
    let raw = site.output("briefs/hostile/index.html");
    assert!(
        !raw.contains("<script>alert(1)"),
        "raw payload in the article HTML"
    );
    let page = site.page("briefs/hostile/index.html");
    assert_eq!(page.text("article h1"), crate::common::collapse(HOSTILE));
    assert_eq!(
        page.text("article ul.highlights li"),
        crate::common::collapse(HOSTILE)
    );
    // The note is Markdown: smart punctuation curls its quotes, the rest is text.
    let notes = page.text("section.footnotes");
    assert!(
        notes.contains("</script><script>alert(1)</script>") && notes.contains("& R\u{202E}L"),
        "{notes}"
    );
    assert!(
        page.all("a[rel=author]")
            .iter()
            .any(|a| a.text().collect::<String>().trim() == HOSTILE)
    );
    assert_eq!(page.meta("og:title"), [HOSTILE]);
    assert_eq!(page.meta("citation_title"), [HOSTILE]);
    assert!(page.meta("citation_author").iter().any(|a| a == HOSTILE));
    assert_no_injected_script(&page, "article");

    // JSON-LD: parses, and the headline is the text.
    let ld: serde_json::Value = serde_json::from_str(
        &page
            .one("script[type=\"application/ld+json\"]")
            .text()
            .collect::<String>(),
    )
    .unwrap();
    assert_eq!(ld["headline"], HOSTILE);

    // Share links: the URL parts are percent-encoded, nothing raw.
    for a in page.all("article nav.share a") {
        let href = a.value().attr("href").unwrap();
        assert!(
            !href.contains(['<', '>', '"', ' ', '\u{202E}']),
            "unencoded share URL {href:?}"
        );
        if href.contains("alert") {
            assert!(
                percent_decode(href).contains("</script><script>alert(1)</script>"),
                "{href}"
            );
        }
    }

    // The tag and author pages.
    let tag_page = std::fs::read_dir(site.public().join("tags"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("index.html"))
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains("alert(1)")))
        .expect("a tag page for the hostile tag");
    let tag_html = std::fs::read_to_string(&tag_page).unwrap();
    assert!(
        !tag_html.contains("<script>alert(1)"),
        "raw payload on the tag page"
    );
    let author = site.page("authors/mallory/index.html");
    assert_no_injected_script(&author, "author page");
    assert!(
        author
            .text("h1")
            .contains(&crate::common::collapse(HOSTILE))
    );

    // Feeds: each parses and gives the title back.
    for feed_file in ["atom.xml", "rss.xml", "feed.json"] {
        let bytes = std::fs::read(site.public().join(feed_file)).unwrap();
        let feed = feed_rs::parser::parse(&bytes[..])
            .unwrap_or_else(|e| panic!("{feed_file} does not parse: {e}"));
        let titles: Vec<String> = feed
            .entries
            .iter()
            .filter_map(|e| e.title.as_ref().map(|t| t.content.clone()))
            .collect();
        assert!(
            titles.iter().any(|t| t == HOSTILE),
            "{feed_file}: {titles:?}"
        );
    }
    for xml_file in ["atom.xml", "rss.xml", "sitemap.xml"] {
        let text = site.output(xml_file);
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{xml_file}: {e}"));
        assert!(!text.contains("<script>"), "{xml_file} carries raw markup");
    }
    let feed: serde_json::Value = serde_json::from_str(&site.output("feed.json")).unwrap();
    assert!(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["title"] == HOSTILE)
    );

    // The search index: every gz file inflates to JSON; the title is in one.
    let mut found = false;
    for entry in walk_files(&site.public().join("search/en")) {
        if entry.extension().is_some_and(|e| e == "gz") {
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&entry).unwrap())
                .read_to_string(&mut text)
                .unwrap();
            let value: serde_json::Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", entry.display()));
            found |= value.to_string().contains(&json[1..json.len() - 1]);
        }
    }
    assert!(found, "the hostile title is in no search file");
}

/// Every file under `dir`, recursively.
fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// --- Limits ------------------------------------------------------------------

/// Builds the site in release-like conditions and reports the time.
fn timed_build(site: &Site) -> Duration {
    let start = Instant::now();
    let run = quire_with_timeout(&site.root, &["build"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    start.elapsed()
}

#[test]
#[ignore = "slow: a 5 MB article; run with --release --ignored to measure"]
fn five_megabyte_article_builds_in_linear_time() {
    let paragraph =
        "The ferry schedule slipped again, and the harbour office blamed the tides.[^n] ";
    let make = |bytes: usize| {
        let mut body = String::new();
        let mut n = 0;
        while body.len() < bytes {
            n += 1;
            body.push_str(&paragraph.replace("[^n]", &format!("[^{n}]")));
            if n % 8 == 0 {
                body.push_str("\n\n");
            }
        }
        body.push_str("\n\n");
        for i in 1..=n {
            body.push_str(&format!("[^{i}]: Port log {i}.\n"));
        }
        body
    };
    let mut times = Vec::new();
    for mb in [1usize, 5] {
        let site = Site::fixture("basic");
        site.write(
            "content/briefs/big.md",
            &article("Big", "", &make(mb * 1024 * 1024)),
        );
        let t = timed_build(&site);
        eprintln!("{mb} MB article: {t:?}");
        times.push(t);
    }
    // Linear would be 5x; allow noise, but catch quadratic (25x).
    assert!(
        times[1] < times[0] * 12,
        "5 MB took {:?} against {:?} for 1 MB",
        times[1],
        times[0]
    );
}

#[test]
#[ignore = "slow: 100,000 pages; run with --release --ignored to measure"]
fn hundred_thousand_pages() {
    let mut times = Vec::new();
    for count in [10_000usize, 100_000] {
        let site = Site::fixture("basic");
        for i in 0..count {
            site.write(
                &format!("content/briefs/p{i:06}.md"),
                &format!(
                    "+++\ntitle = \"Page {i}\"\ndate = 2024-01-01\ntags = [\"t{}\"]\n+++\nText {i} about port {}.\n",
                    i % 500,
                    i % 97
                ),
            );
        }
        let t = timed_build(&site);
        eprintln!("{count} pages: {t:?}");
        times.push(t);
    }
    assert!(
        times[1] < times[0] * 25,
        "100k pages took {:?} against {:?} for 10k",
        times[1],
        times[0]
    );
}
