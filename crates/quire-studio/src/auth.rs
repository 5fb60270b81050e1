//! People and access: accounts in `studio-users.toml` next to the site's
//! `quire.toml` (argon2 password hashes; roles author, translator,
//! editor), sessions in memory behind an HttpOnly, SameSite=Strict, Secure
//! cookie, a CSRF token per session, and login rate limiting.
//!
//! On a loopback address without accounts everyone is the local editor.
//! Must not know: HTML.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::store::random_hex;

/// The accounts file, in the site root.
pub const USERS_FILE: &str = "studio-users.toml";

/// What a person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Own articles, drafts only; cannot publish.
    Author,
    /// Translations only; cannot publish.
    Translator,
    /// Everything, publishing included.
    Editor,
}

impl Role {
    /// Reads `author`, `translator` or `editor`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "author" => Some(Role::Author),
            "translator" => Some(Role::Translator),
            "editor" => Some(Role::Editor),
            _ => None,
        }
    }

    /// The role's name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Translator => "translator",
            Role::Editor => "editor",
        }
    }
}

/// A signed-in person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: String,
    /// E-mail, if given.
    pub email: String,
    /// Role.
    pub role: Role,
    /// Author id in authors/ (for authors: their own articles).
    pub author: Option<String>,
}

impl User {
    /// The person at the keyboard when the studio listens on loopback
    /// without accounts.
    pub fn local() -> User {
        User {
            login: "local".into(),
            name: "Local editor".into(),
            email: String::new(),
            role: Role::Editor,
            author: None,
        }
    }

    /// May publish (set `draft = false`).
    pub fn can_publish(&self) -> bool {
        self.role == Role::Editor
    }
}

/// One account as stored.
#[derive(Debug, Clone)]
struct Account {
    user: User,
    hash: String,
}

/// The accounts of the site.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    accounts: BTreeMap<String, Account>,
}

impl Accounts {
    /// Reads `studio-users.toml` in `root`; no file means no accounts.
    pub fn load(root: &Path) -> Result<Accounts, String> {
        let path = root.join(USERS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Accounts::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let table: toml::Table = toml::from_str(&text).map_err(|e| format!("{USERS_FILE}: {e}"))?;
        let mut accounts = BTreeMap::new();
        let users = table.get("users").and_then(|u| u.as_table());
        for (login, entry) in users.into_iter().flatten() {
            let s = |k: &str| entry.get(k).and_then(|v| v.as_str()).map(str::to_string);
            let role = s("role")
                .as_deref()
                .and_then(Role::parse)
                .ok_or_else(|| {
                    format!("{USERS_FILE}: [users.{login}] needs role = \"author\", \"translator\" or \"editor\"")
                })?;
            // No password: the account signs in only through a trusted
            // proxy (see `proxy`).
            let hash = s("password").unwrap_or_default();
            accounts.insert(
                login.clone(),
                Account {
                    user: User {
                        login: login.clone(),
                        name: s("name").unwrap_or_else(|| login.clone()),
                        email: s("email").unwrap_or_default(),
                        role,
                        author: s("author"),
                    },
                    hash,
                },
            );
        }
        Ok(Accounts { accounts })
    }

    /// The account of `login`, if there is one.
    pub fn get(&self, login: &str) -> Option<User> {
        self.accounts.get(login).map(|a| a.user.clone())
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// The user when `password` is theirs. Takes as long for an unknown
    /// login as for a known one.
    pub fn verify(&self, login: &str, password: &str) -> Option<User> {
        // A hash to verify against for unknown logins, so that they take
        // as long as known ones.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let (hash, user) = match self.accounts.get(login) {
            Some(a) => (a.hash.as_str(), Some(&a.user)),
            None => (
                DUMMY
                    .get_or_init(|| hash_password("no such account here").unwrap_or_default())
                    .as_str(),
                None,
            ),
        };
        let ok = PasswordHash::new(hash).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        });
        if ok { user.cloned() } else { None }
    }
}

/// An argon2id hash of `password` with a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Adds (or replaces) an account in `studio-users.toml` in `root`, keeping
/// the rest of the file as it is. Returns the file written.
pub fn add_user(
    root: &Path,
    login: &str,
    password: &str,
    role: Role,
    name: Option<&str>,
    email: Option<&str>,
    author: Option<&str>,
) -> Result<PathBuf, String> {
    if login.is_empty()
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
    {
        return Err("a login is letters, digits, `-`, `_` or `.`".into());
    }
    if password.chars().count() < 10 {
        return Err("use a password of at least 10 characters".into());
    }
    let path = root.join(USERS_FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| format!("{USERS_FILE}: {e}"))?;
    if !doc.contains_key("users") {
        let mut t = toml_edit::Table::new();
        t.set_implicit(true);
        doc["users"] = toml_edit::Item::Table(t);
    }
    let mut entry = toml_edit::Table::new();
    entry["name"] = toml_edit::value(name.unwrap_or(login));
    if let Some(e) = email {
        entry["email"] = toml_edit::value(e);
    }
    entry["role"] = toml_edit::value(role.name());
    if let Some(a) = author {
        entry["author"] = toml_edit::value(a);
    }
    entry["password"] = toml_edit::value(hash_password(password)?);
    doc["users"][login] = toml_edit::Item::Table(entry);
    crate::store::write_atomic(&path, doc.to_string().as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(path)
}

/// One browser's session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The token in the cookie.
    pub token: String,
    /// The CSRF token every POST must carry.
    pub csrf: String,
    /// Who is signed in, if anyone.
    pub user: Option<User>,
    /// The studio's UI language chosen, if any.
    pub ui: Option<String>,
    /// What the next page of one article shows once (an import's report):
    /// the article's path and the report.
    flash: Option<(String, Flash)>,
    /// A one-time message for the next page of one article (what git did):
    /// the path, the text and whether it is an error.
    note: Option<(String, String, bool)>,
    last_seen: Instant,
}

/// An import's report, shown once on the editor of the new article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flash {
    /// What was imported, in the UI language.
    pub lines: Vec<String>,
    /// What to check (unmatched authors, images without alt text…).
    pub warnings: Vec<String>,
    /// The importer's full report.
    pub full: String,
}

/// How long an unused session lives.
const SESSION_IDLE: Duration = Duration::from_secs(12 * 3600);

/// Sessions by token.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// The session of `token`, refreshed, if it is known and not expired.
    pub fn get(&self, token: &str) -> Option<Session> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let s = map.get_mut(token)?;
        if s.last_seen.elapsed() > SESSION_IDLE {
            map.remove(token);
            return None;
        }
        s.last_seen = Instant::now();
        Some(s.clone())
    }

    /// A new session for `user`.
    pub fn create(&self, user: Option<User>, ui: Option<String>) -> Session {
        let session = Session {
            token: random_hex(32),
            csrf: random_hex(32),
            user,
            ui,
            flash: None,
            note: None,
            last_seen: Instant::now(),
        };
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, s| s.last_seen.elapsed() <= SESSION_IDLE);
        map.insert(session.token.clone(), session.clone());
        session
    }

    /// Ends a session.
    pub fn remove(&self, token: &str) {
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
    }

    /// Keeps `flash` for the next page of the article at `path`.
    pub fn set_flash(&self, token: &str, path: &str, flash: Flash) {
        if let Some(s) = self
            .map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(token)
        {
            s.flash = Some((path.to_string(), flash));
        }
    }

    /// The flash kept for the article at `path`, taken (shown once).
    pub fn take_flash(&self, token: &str, path: &str) -> Option<Flash> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let s = map.get_mut(token)?;
        if s.flash.as_ref().is_some_and(|(p, _)| p == path) {
            s.flash.take().map(|(_, f)| f)
        } else {
            None
        }
    }

    /// Keeps `text` (an error when `error`) for the next page of the
    /// article at `path`.
    pub fn set_note(&self, token: &str, path: &str, text: String, error: bool) {
        if let Some(s) = self
            .map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(token)
        {
            s.note = Some((path.to_string(), text, error));
        }
    }

    /// The note kept for the article at `path`, taken (shown once): the
    /// text and whether it is an error.
    pub fn take_note(&self, token: &str, path: &str) -> Option<(String, bool)> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let s = map.get_mut(token)?;
        if s.note.as_ref().is_some_and(|(p, _, _)| p == path) {
            s.note.take().map(|(_, t, e)| (t, e))
        } else {
            None
        }
    }

    /// Sets the UI language of a session.
    pub fn set_ui(&self, token: &str, ui: &str) {
        if let Some(s) = self
            .map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(token)
        {
            s.ui = Some(ui.to_string());
        }
    }
}

/// Failed logins allowed per login name and per address in [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The window of the login rate limit.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Recent failed logins by login name and by client address.
#[derive(Default)]
pub struct RateLimit {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl RateLimit {
    /// True when `keys` (a login and an address) may try again now.
    pub fn allowed(&self, keys: &[&str]) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        keys.iter().all(|k| {
            let list = map.entry(k.to_string()).or_default();
            list.retain(|t| t.elapsed() < WINDOW);
            list.len() < MAX_FAILURES
        })
    }

    /// Records a failed attempt for `keys`.
    pub fn failed(&self, keys: &[&str]) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            map.entry(k.to_string()).or_default().push(Instant::now());
        }
    }

    /// Forgets the failures of `keys` (after a successful login).
    pub fn succeeded(&self, keys: &[&str]) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            map.remove(*k);
        }
    }
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_added_and_verified() {
        let dir = tempfile::tempdir().unwrap();
        add_user(
            dir.path(),
            "ayla",
            "correct horse battery",
            Role::Editor,
            Some("Ayla"),
            None,
            None,
        )
        .unwrap();
        add_user(
            dir.path(),
            "tom",
            "another long password",
            Role::Translator,
            None,
            None,
            None,
        )
        .unwrap();
        let accounts = Accounts::load(dir.path()).unwrap();
        let ayla = accounts.verify("ayla", "correct horse battery").unwrap();
        assert_eq!(ayla.role, Role::Editor);
        assert_eq!(ayla.name, "Ayla");
        assert!(accounts.verify("ayla", "wrong").is_none());
        assert!(accounts.verify("nobody", "correct horse battery").is_none());
        assert_eq!(
            accounts
                .verify("tom", "another long password")
                .unwrap()
                .role,
            Role::Translator
        );
        let text = std::fs::read_to_string(dir.path().join(USERS_FILE)).unwrap();
        assert!(text.contains("$argon2id$"), "{text}");
        assert!(!text.contains("correct horse"));
        assert!(add_user(dir.path(), "x", "short", Role::Editor, None, None, None).is_err());
    }

    #[test]
    fn rate_limit_blocks_after_failures() {
        let r = RateLimit::default();
        for _ in 0..MAX_FAILURES {
            assert!(r.allowed(&["u", "ip"]));
            r.failed(&["u", "ip"]);
        }
        assert!(!r.allowed(&["u", "ip2"]));
        assert!(!r.allowed(&["v", "ip"]));
        assert!(r.allowed(&["v", "ip2"]));
    }
}
