//! `quire deploy` from the command line: the plan, a folder deploy with
//! the changed-URL list, the exit statuses (1 refused, 2 usage, 3 I/O) and
//! `quire build` rejecting a typo or a secret in `[[deploy]]`.

use std::process::Command;

use crate::common::Site;

fn site_with_targets(www: &std::path::Path, closed_port: u16) -> Site {
    let site = Site::fixture("basic");
    let mut config = std::fs::read_to_string(site.root.join("quire.toml")).unwrap();
    config.push_str(&format!(
        "\n[[deploy]]\nname = \"www\"\nurl = \"{}\"\n\n[[deploy]]\nname = \"cloud\"\nurl = \"s3://bucket/site?region=us-east-1&endpoint=http://127.0.0.1:{closed_port}\"\n",
        url::Url::from_directory_path(www).unwrap()
    ));
    site.write("quire.toml", &config);
    site.build();
    site
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn plan_deploy_noop_and_changed_urls() {
    let tmp = tempfile::tempdir().unwrap();
    let www = tmp.path().join("www");
    let site = site_with_targets(&www, closed_port());

    let dry = site.quire(&["deploy", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout
            .lines()
            .any(|l| l.starts_with("upload") && l.contains("index.html  (new)")),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains(" unchanged (0 B), 0 to delete (0 B)"),
        "{}",
        dry.stdout
    );
    assert!(!www.exists(), "a dry run writes nothing");

    let urls = tmp.path().join("urls.txt");
    let first = site.quire(&["deploy", "--changed-urls", urls.to_str().unwrap()]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stdout.starts_with("Deployed to "), "{}", first.stdout);
    assert_eq!(
        std::fs::read(www.join("index.html")).unwrap(),
        std::fs::read(site.public().join("index.html")).unwrap()
    );
    let listed = std::fs::read_to_string(&urls).unwrap();
    assert!(
        listed.lines().any(|l| l == "https://lab.example.org/"),
        "{listed}"
    );
    assert!(
        listed
            .lines()
            .all(|l| l.starts_with("https://lab.example.org/"))
    );

    let again = site.quire(&[
        "deploy",
        "--target",
        "www",
        "--changed-urls",
        urls.to_str().unwrap(),
    ]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains(": 0 uploaded (0 B)"),
        "{}",
        again.stdout
    );
    assert_eq!(std::fs::read_to_string(&urls).unwrap(), "");

    // Files the site does not have: over --max-deletes is refused (1);
    // --force deletes them.
    for i in 0..3 {
        std::fs::write(www.join(format!("stray-{i}.html")), "x").unwrap();
    }
    let refused = site.quire(&["deploy", "--max-deletes", "2"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("would delete 3 files"),
        "{}",
        refused.stderr
    );
    assert!(www.join("stray-0.html").exists());
    let forced = site.quire(&["deploy", "--max-deletes", "2", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(!www.join("stray-0.html").exists());
}

#[test]
fn exit_statuses_for_usage_and_unreachable_stores() {
    let tmp = tempfile::tempdir().unwrap();
    let site = site_with_targets(&tmp.path().join("www"), closed_port());

    let unknown = site.quire(&["deploy", "--target", "staging"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("the targets are: www, cloud"),
        "{}",
        unknown.stderr
    );

    let unbuilt = site.quire(&["deploy", "--output", "content"]);
    assert_eq!(unbuilt.code, 2);
    assert!(
        unbuilt.stderr.contains("not a quire output"),
        "{}",
        unbuilt.stderr
    );

    // Credentials from the environment (never quire.toml); a store nobody
    // answers at is an I/O failure, exit 3, with nothing uploaded.
    let out = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["deploy", "--target", "cloud"])
        .current_dir(&site.root)
        .env("AWS_ACCESS_KEY_ID", "test-key")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("cannot reach s3://bucket/site"), "{stderr}");
    assert!(
        stderr.contains("nothing was uploaded or deleted"),
        "{stderr}"
    );
}

#[test]
fn build_rejects_typos_and_secrets_in_deploy_targets() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root.join("quire.toml")).unwrap();
    site.write(
        "quire.toml",
        &format!("{config}\n[[deploy]]\nname = \"p\"\nurl = \"s3://b\"\ngzpi = true\n"),
    );
    let typo = site.quire(&["build"]);
    assert_eq!(typo.code, 1);
    assert!(
        typo.stderr.contains("gzpi") && typo.stderr.contains("quire.toml"),
        "{}",
        typo.stderr
    );

    site.write(
        "quire.toml",
        &format!(
            "{config}\n[[deploy]]\nname = \"p\"\nurl = \"s3://b\"\nsecret_access_key = \"abc\"\n"
        ),
    );
    let secret = site.quire(&["deploy"]);
    assert_eq!(secret.code, 1);
    assert!(
        secret
            .stderr
            .contains("`secret_access_key` does not belong in quire.toml"),
        "{}",
        secret.stderr
    );
}
