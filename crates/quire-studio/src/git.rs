//! `--git`: every save is a commit of that one file by the person signed
//! in, and Publish pushes. Runs the `git` command (the site's own git, with
//! its remotes, credentials and hooks as the person set them up) and turns
//! its failures into plain words; the file on disk is written before any
//! of this runs, so a failure never loses text. Must not know: HTTP, HTML.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::auth::User;

/// Why a commit or a push did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// The site folder is not inside a git repository.
    NotARepository,
    /// The repository has no remote to push to.
    NoRemote,
    /// The remote has commits this copy lacks (or the rebase stopped).
    Conflict(String),
    /// Git is not installed or failed otherwise (its own message).
    Failed(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::NotARepository => f.write_str(
                "the site folder is not a git repository, so nothing was committed (run `git init` there, or start the studio without --git)",
            ),
            GitError::NoRemote => f.write_str(
                "the repository has no remote to push to, so the commit stays on this computer (add one with `git remote add origin URL`)",
            ),
            GitError::Conflict(detail) => write!(
                f,
                "the remote has changes this copy does not have, so nothing was pushed; the commit is kept here. Someone should run `git pull --rebase` in the site and publish again. Git said: {detail}"
            ),
            GitError::Failed(detail) => write!(f, "git failed: {detail}"),
        }
    }
}

/// What git did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed {
    /// A new commit (short hash).
    Commit(String),
    /// The file had no change to commit.
    Unchanged,
}

fn run(root: &Path, args: &[&str]) -> Result<String, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(Stdio::null())
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|e| GitError::Failed(format!("cannot run git: {e}")))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(GitError::Failed(if err.is_empty() {
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        } else {
            err
        }))
    }
}

/// True when `root` is inside a git work tree.
pub fn is_repository(root: &Path) -> bool {
    run(root, &["rev-parse", "--is-inside-work-tree"]).is_ok_and(|o| o == "true")
}

/// The name and e-mail commits are made with: the account's, or the
/// login at a reserved domain when the account has no e-mail.
pub fn identity(user: &User) -> (String, String) {
    let name = if user.name.trim().is_empty() {
        user.login.clone()
    } else {
        user.name.clone()
    };
    let email = if user.email.trim().is_empty() {
        format!("{}@quire-studio.invalid", user.login)
    } else {
        user.email.trim().to_string()
    };
    (name, email)
}

/// Commits the site-relative `files` (and nothing else staged) as `user`
/// with `message`.
pub fn commit(
    root: &Path,
    files: &[&str],
    user: &User,
    message: &str,
) -> Result<Committed, GitError> {
    if !is_repository(root) {
        return Err(GitError::NotARepository);
    }
    let mut add = vec!["add", "--"];
    add.extend(files);
    run(root, &add)?;
    let mut staged = vec!["diff", "--cached", "--name-only", "--"];
    staged.extend(files);
    if run(root, &staged)?.is_empty() {
        return Ok(Committed::Unchanged);
    }
    let (name, email) = identity(user);
    let (name_cfg, email_cfg) = (format!("user.name={name}"), format!("user.email={email}"));
    let mut args = vec![
        "-c",
        name_cfg.as_str(),
        "-c",
        email_cfg.as_str(),
        "commit",
        "--quiet",
        "--no-verify",
        "-m",
        message,
        "--",
    ];
    args.extend(files);
    run(root, &args)?;
    Ok(Committed::Commit(run(
        root,
        &["rev-parse", "--short", "HEAD"],
    )?))
}

/// Pushes the current branch to its remote.
pub fn push(root: &Path) -> Result<(), GitError> {
    if !is_repository(root) {
        return Err(GitError::NotARepository);
    }
    let remotes = run(root, &["remote"])?;
    let Some(first) = remotes.lines().next() else {
        return Err(GitError::NoRemote);
    };
    let branch = run(root, &["rev-parse", "--abbrev-ref", "HEAD"])?;
    // The branch's own remote when it has one, else the first remote.
    let remote = run(root, &["config", &format!("branch.{branch}.remote")])
        .unwrap_or_else(|_| first.to_string());
    match run(
        root,
        &["push", "--quiet", &remote, &format!("HEAD:{branch}")],
    ) {
        Ok(_) => Ok(()),
        Err(GitError::Failed(e))
            if e.contains("[rejected]")
                || e.contains("non-fast-forward")
                || e.contains("fetch first") =>
        {
            Err(GitError::Conflict(e))
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn person(email: &str) -> User {
        User {
            login: "ayla".into(),
            name: "Ayla Karaca".into(),
            email: email.into(),
            role: Role::Editor,
            author: None,
        }
    }

    fn sh(dir: &Path, args: &[&str]) -> String {
        run(dir, args).unwrap()
    }

    #[test]
    fn commits_carry_the_person_and_pushes_report_plain_failures() {
        let tmp = tempfile::tempdir().unwrap();
        let (site, remote) = (tmp.path().join("site"), tmp.path().join("remote.git"));
        std::fs::create_dir_all(site.join("content")).unwrap();
        std::fs::write(site.join("content/a.md"), "one\n").unwrap();
        // Not yet a repository.
        assert_eq!(
            commit(&site, &["content/a.md"], &person(""), "x"),
            Err(GitError::NotARepository)
        );
        sh(&site, &["init", "--quiet", "-b", "main"]);
        std::fs::write(site.join("other.txt"), "staged by someone else\n").unwrap();
        sh(&site, &["add", "other.txt"]);
        let done = commit(
            &site,
            &["content/a.md"],
            &person("ayla@example.org"),
            "Save a",
        )
        .unwrap();
        assert!(matches!(done, Committed::Commit(_)));
        assert_eq!(
            sh(&site, &["log", "-1", "--format=%an <%ae>|%cn|%s"]),
            "Ayla Karaca <ayla@example.org>|Ayla Karaca|Save a"
        );
        // Only the article went in; the other staged file stays staged.
        assert_eq!(
            sh(&site, &["show", "--name-only", "--format=", "HEAD"]),
            "content/a.md"
        );
        assert_eq!(sh(&site, &["diff", "--cached", "--name-only"]), "other.txt");
        // Nothing changed: no empty commit.
        assert_eq!(
            commit(&site, &["content/a.md"], &person(""), "again").unwrap(),
            Committed::Unchanged
        );
        // No e-mail: the fallback.
        std::fs::write(site.join("content/a.md"), "two\n").unwrap();
        commit(&site, &["content/a.md"], &person(""), "Save b").unwrap();
        assert_eq!(
            sh(&site, &["log", "-1", "--format=%ae"]),
            "ayla@quire-studio.invalid"
        );
        // No remote yet.
        assert_eq!(push(&site), Err(GitError::NoRemote));
        std::fs::create_dir_all(&remote).unwrap();
        sh(&remote, &["init", "--quiet", "--bare", "-b", "main"]);
        sh(
            &site,
            &["remote", "add", "origin", remote.to_str().unwrap()],
        );
        push(&site).unwrap();
        assert_eq!(sh(&remote, &["log", "-1", "--format=%s", "main"]), "Save b");
        // Someone else pushed meanwhile: a conflict in plain words, the
        // local commit kept.
        let other = tmp.path().join("other");
        sh(
            tmp.path(),
            &[
                "clone",
                "--quiet",
                remote.to_str().unwrap(),
                other.to_str().unwrap(),
            ],
        );
        std::fs::write(other.join("content/a.md"), "theirs\n").unwrap();
        sh(
            &other,
            &[
                "-c",
                "user.name=O",
                "-c",
                "user.email=o@example.org",
                "commit",
                "--quiet",
                "-am",
                "theirs",
            ],
        );
        sh(&other, &["push", "--quiet", "origin", "HEAD:main"]);
        std::fs::write(site.join("content/a.md"), "mine\n").unwrap();
        commit(&site, &["content/a.md"], &person(""), "Save c").unwrap();
        let e = push(&site).unwrap_err();
        assert!(matches!(e, GitError::Conflict(_)), "{e:?}");
        assert!(e.to_string().contains("git pull --rebase"));
        assert_eq!(sh(&site, &["log", "-1", "--format=%s"]), "Save c");
        assert_eq!(
            std::fs::read_to_string(site.join("content/a.md")).unwrap(),
            "mine\n"
        );
    }
}
