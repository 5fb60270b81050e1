//! Trusting an authenticating reverse proxy: the `[studio]` table of
//! `studio-users.toml` may name the header the proxy puts the signed-in
//! login in and the addresses the proxy connects from. A request from one
//! of those addresses carrying the header is that person; the header from
//! anywhere else is ignored. Must not know: HTTP routing, HTML.

use std::net::IpAddr;

use crate::auth::{Accounts, Role, USERS_FILE, User};

/// The `[studio]` proxy settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyTrust {
    /// The request header with the login (e.g. `X-Forwarded-User`).
    pub header: String,
    /// The proxy's addresses: the only peers whose header is believed.
    pub from: Vec<IpAddr>,
    /// The role of a login that names no account; `None`: such logins are
    /// refused.
    pub default_role: Option<Role>,
}

impl ProxyTrust {
    /// Reads `[studio] proxy_user_header`, `proxy_addresses` and
    /// `proxy_default_role` from the accounts file's table; `None` when no
    /// header is configured.
    pub fn from_table(table: &toml::Table) -> Result<Option<ProxyTrust>, String> {
        let Some(studio) = table.get("studio") else {
            return Ok(None);
        };
        let studio = studio
            .as_table()
            .ok_or_else(|| format!("{USERS_FILE}: [studio] must be a table"))?;
        let Some(header) = studio.get("proxy_user_header") else {
            return Ok(None);
        };
        let header = header
            .as_str()
            .map(str::trim)
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .ok_or_else(|| {
                format!(
                    "{USERS_FILE}: [studio] proxy_user_header must be a header name such as \"X-Forwarded-User\""
                )
            })?
            .to_ascii_lowercase();
        let addresses = studio
            .get("proxy_addresses")
            .and_then(|v| v.as_array())
            .ok_or_else(|| {
                format!(
                    "{USERS_FILE}: [studio] proxy_user_header needs proxy_addresses = [\"…\"], the address(es) the proxy connects from"
                )
            })?;
        let mut from = Vec::new();
        for a in addresses {
            let ip = a
                .as_str()
                .and_then(|s| s.trim().parse::<IpAddr>().ok())
                .ok_or_else(|| {
                    format!("{USERS_FILE}: [studio] proxy_addresses: {a} is not an IP address")
                })?;
            from.push(ip);
        }
        if from.is_empty() {
            return Err(format!(
                "{USERS_FILE}: [studio] proxy_addresses is empty: name the address(es) the proxy connects from"
            ));
        }
        let default_role = match studio.get("proxy_default_role") {
            None => None,
            Some(v) => Some(v.as_str().and_then(Role::parse).ok_or_else(|| {
                format!(
                    "{USERS_FILE}: [studio] proxy_default_role must be \"author\", \"translator\" or \"editor\""
                )
            })?),
        };
        Ok(Some(ProxyTrust {
            header,
            from,
            default_role,
        }))
    }

    /// Reads the settings from `studio-users.toml` in `root` (none without
    /// the file).
    pub fn load(root: &std::path::Path) -> Result<Option<ProxyTrust>, String> {
        let text = match std::fs::read_to_string(root.join(USERS_FILE)) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{USERS_FILE}: {e}")),
        };
        let table: toml::Table = toml::from_str(&text).map_err(|e| format!("{USERS_FILE}: {e}"))?;
        ProxyTrust::from_table(&table)
    }

    /// Who a request from `peer` with header value `login` is: `None`
    /// when the header does not apply (the peer is not the proxy, or no
    /// login was sent), `Some(None)` when the proxy names a login that is
    /// neither an account nor allowed by a default role.
    pub fn user(
        &self,
        accounts: &Accounts,
        peer: Option<IpAddr>,
        login: Option<&str>,
    ) -> Option<Option<User>> {
        let peer = peer?;
        // An IPv4 proxy seen through an IPv6 socket is still that proxy.
        let peer = match peer {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(peer, IpAddr::V4),
            v4 => v4,
        };
        if !self.from.contains(&peer) {
            return None;
        }
        let login = login.map(str::trim).filter(|l| !l.is_empty())?;
        if let Some(user) = accounts.get(login) {
            return Some(Some(user));
        }
        Some(self.default_role.map(|role| User {
            login: login.to_string(),
            name: login.to_string(),
            email: String::new(),
            role,
            author: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(text: &str) -> Result<Option<ProxyTrust>, String> {
        ProxyTrust::from_table(&toml::from_str(text).unwrap())
    }

    #[test]
    fn the_header_is_believed_only_from_the_proxy() {
        let t = trust(
            "[studio]\nproxy_user_header = \"X-Forwarded-User\"\nproxy_addresses = [\"10.0.0.5\"]\nproxy_default_role = \"translator\"\n",
        )
        .unwrap()
        .unwrap();
        assert_eq!(t.header, "x-forwarded-user");
        let accounts = Accounts::default();
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let other: IpAddr = "10.0.0.6".parse().unwrap();
        let u = t
            .user(&accounts, Some(proxy), Some("deniz"))
            .unwrap()
            .unwrap();
        assert_eq!((u.login.as_str(), u.role), ("deniz", Role::Translator));
        assert!(t.user(&accounts, Some(other), Some("deniz")).is_none());
        assert!(t.user(&accounts, Some(proxy), Some("  ")).is_none());
        assert!(t.user(&accounts, None, Some("deniz")).is_none());
        let mapped: IpAddr = "::ffff:10.0.0.5".parse().unwrap();
        assert!(t.user(&accounts, Some(mapped), Some("deniz")).is_some());
        let strict = ProxyTrust {
            default_role: None,
            ..t
        };
        assert_eq!(
            strict.user(&accounts, Some(proxy), Some("deniz")),
            Some(None)
        );
    }

    #[test]
    fn bad_settings_say_what_to_write() {
        assert_eq!(trust("[users]\n").unwrap(), None);
        let e = trust("[studio]\nproxy_user_header = \"X-User\"\n").unwrap_err();
        assert!(e.contains("proxy_addresses"), "{e}");
        let e = trust("[studio]\nproxy_user_header = \"X-User\"\nproxy_addresses = [\"proxy\"]\n")
            .unwrap_err();
        assert!(e.contains("not an IP address"), "{e}");
        let e = trust("[studio]\nproxy_user_header = \"X User: \"\nproxy_addresses = [\"::1\"]\n")
            .unwrap_err();
        assert!(e.contains("header name"), "{e}");
    }
}
