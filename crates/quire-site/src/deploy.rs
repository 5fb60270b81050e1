//! `[[deploy]]` in `quire.toml`: where `quire deploy` publishes the built
//! site. Read strictly here so that `quire build` already rejects a typo or
//! a secret in it; the publishing itself lives in `quire-deploy`.
//!
//! Must not know: object stores, credentials beyond refusing them, HTTP.

use serde::Deserialize;

/// The URL schemes a deploy target may use.
pub const SCHEMES: [&str; 4] = ["s3", "gs", "az", "file"];

/// Keys that would hold a secret. They are accepted by the parser only to
/// refuse them with an explanation instead of a bare "unknown field".
const SECRET_KEYS: [&str; 12] = [
    "access_key",
    "access_key_id",
    "secret_key",
    "secret_access_key",
    "session_token",
    "token",
    "password",
    "account_key",
    "sas_token",
    "service_account",
    "service_account_key",
    "credentials",
];

/// One `[[deploy]]` table, checked.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "RawTarget")]
pub struct DeployTarget {
    /// The name `quire deploy --target NAME` picks it by.
    pub name: String,
    /// `s3://bucket/prefix?region=…&endpoint=…`, `gs://bucket/prefix`,
    /// `az://container/prefix` or `file:///var/www/site`.
    pub url: String,
    /// `Cache-Control` rules tried in order before the defaults.
    pub cache_control: Vec<CacheRule>,
    /// Store text files gzip-compressed (object stores: with
    /// `Content-Encoding: gzip`; folders: as `.gz` files beside them).
    pub gzip: bool,
    /// Store text files brotli-compressed (object stores: with
    /// `Content-Encoding: br`; folders: as `.br` files beside them).
    pub brotli: bool,
}

/// One `[[deploy.cache_control]]` rule: files whose output path matches the
/// glob get this `Cache-Control` value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheRule {
    /// A glob over the `/`-separated output path, e.g. `**/*.pdf`.
    pub glob: String,
    /// The header value, e.g. `public, max-age=86400`.
    pub value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: String,
    url: String,
    #[serde(default)]
    cache_control: Vec<CacheRule>,
    #[serde(default)]
    gzip: bool,
    #[serde(default)]
    brotli: bool,
    // Secrets, read only to refuse them (see `SECRET_KEYS`).
    access_key: Option<toml::Value>,
    access_key_id: Option<toml::Value>,
    secret_key: Option<toml::Value>,
    secret_access_key: Option<toml::Value>,
    session_token: Option<toml::Value>,
    token: Option<toml::Value>,
    password: Option<toml::Value>,
    account_key: Option<toml::Value>,
    sas_token: Option<toml::Value>,
    service_account: Option<toml::Value>,
    service_account_key: Option<toml::Value>,
    credentials: Option<toml::Value>,
}

impl TryFrom<RawTarget> for DeployTarget {
    type Error = String;

    fn try_from(raw: RawTarget) -> Result<Self, String> {
        let RawTarget {
            name,
            url,
            cache_control,
            gzip,
            brotli,
            access_key,
            access_key_id,
            secret_key,
            secret_access_key,
            session_token,
            token,
            password,
            account_key,
            sas_token,
            service_account,
            service_account_key,
            credentials,
        } = raw;
        let secrets = [
            access_key,
            access_key_id,
            secret_key,
            secret_access_key,
            session_token,
            token,
            password,
            account_key,
            sas_token,
            service_account,
            service_account_key,
            credentials,
        ];
        if let Some(i) = secrets.iter().position(Option::is_some) {
            return Err(secret_refusal(SECRET_KEYS[i]));
        }
        if name.trim().is_empty() {
            return Err("a [[deploy]] target needs a name, e.g. name = \"production\"".into());
        }
        check_url(&url)?;
        for rule in &cache_control {
            if rule.glob.is_empty() || rule.value.trim().is_empty() {
                return Err("a cache_control rule needs a glob and a value, e.g. { glob = \"**/*.pdf\", value = \"public, max-age=86400\" }".into());
            }
        }
        Ok(DeployTarget {
            name,
            url,
            cache_control,
            gzip,
            brotli,
        })
    }
}

fn secret_refusal(key: &str) -> String {
    format!(
        "`{key}` does not belong in quire.toml: the file is committed and shared, so a secret in it leaks. \
         Remove it, revoke the key, and give credentials the provider's usual way (AWS_ACCESS_KEY_ID / \
         AWS_SECRET_ACCESS_KEY, GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_ACCOUNT_KEY, …) when running quire deploy"
    )
}

/// Checks a target URL's scheme and refuses secrets in its query.
fn check_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| {
        format!("deploy url `{url}` is not a URL ({e}); write e.g. s3://bucket/prefix or file:///var/www/site")
    })?;
    if !SCHEMES.contains(&parsed.scheme()) {
        return Err(format!(
            "deploy url `{url}`: the scheme must be s3://, gs://, az:// or file://"
        ));
    }
    for (key, _) in parsed.query_pairs() {
        let key = key.to_ascii_lowercase();
        if SECRET_KEYS.iter().any(|s| key.contains(s)) || key.contains("secret") {
            return Err(secret_refusal(&key));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        deploy: Vec<DeployTarget>,
    }

    fn parse(text: &str) -> Result<Vec<DeployTarget>, String> {
        toml::from_str::<Doc>(text)
            .map(|d| d.deploy)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn reads_targets_with_rules() {
        let targets = parse(
            "[[deploy]]\nname = \"production\"\nurl = \"s3://b/site?region=eu-west-1\"\ngzip = true\n\
             [[deploy.cache_control]]\nglob = \"**/*.pdf\"\nvalue = \"public, max-age=60\"\n\
             [[deploy]]\nname = \"mirror\"\nurl = \"file:///srv/www\"\n",
        )
        .unwrap();
        assert_eq!(targets.len(), 2);
        assert_eq!(targets[0].cache_control[0].glob, "**/*.pdf");
        assert!(targets[0].gzip && !targets[0].brotli);
        assert_eq!(targets[1].url, "file:///srv/www");
    }

    #[test]
    fn refuses_typos_secrets_and_unknown_schemes() {
        let typo = parse("[[deploy]]\nname = \"p\"\nurl = \"s3://b\"\ngzipp = true\n").unwrap_err();
        assert!(typo.contains("gzipp"), "{typo}");
        let secret =
            parse("[[deploy]]\nname = \"p\"\nurl = \"s3://b\"\nsecret_access_key = \"x\"\n")
                .unwrap_err();
        assert!(secret.contains("does not belong in quire.toml"), "{secret}");
        let in_url = parse("[[deploy]]\nname = \"p\"\nurl = \"s3://b?aws_secret_access_key=x\"\n")
            .unwrap_err();
        assert!(in_url.contains("does not belong"), "{in_url}");
        let scheme = parse("[[deploy]]\nname = \"p\"\nurl = \"ftp://host/x\"\n").unwrap_err();
        assert!(
            scheme.contains("s3://, gs://, az:// or file://"),
            "{scheme}"
        );
    }
}
