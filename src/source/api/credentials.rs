//! Where the access key comes from, in this order:
//!
//! 1. the aliyun CLI profile named by `--profile`;
//! 2. the profile named by `ALIBABA_CLOUD_PROFILE` (or `ALIBABACLOUD_PROFILE`);
//! 3. environment variables, the first family whose key id is set:
//!    `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_ACCESS_KEY_SECRET` / `_SECURITY_TOKEN`, then the
//!    `ALIBABACLOUD_` and `ALICLOUD_` spellings, then Terraform's `ALICLOUD_ACCESS_KEY` /
//!    `ALICLOUD_SECRET_KEY` / `ALICLOUD_SECURITY_TOKEN`;
//! 4. the `current` profile of the aliyun CLI configuration (`~/.aliyun/config.json`).
//!
//! Profiles in modes `AK` and `StsToken` are supported; other modes are refused by name.
//! An explicitly chosen profile wins over environment keys because it is the more specific
//! request. Secrets never come from a command-line flag.

use std::path::{Path, PathBuf};

use super::error::ApiError;

/// A secret string whose `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for signing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An access key, with the STS token when the key is temporary.
#[derive(Clone, Debug)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
}

impl Credentials {
    pub fn new(id: impl Into<String>, secret: impl Into<String>, token: Option<String>) -> Self {
        Credentials {
            access_key_id: id.into(),
            access_key_secret: Secret::new(secret),
            security_token: token.filter(|t| !t.is_empty()).map(Secret::new),
        }
    }
}

/// Where the credentials were found; safe to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialSource {
    /// Environment variables; holds the name of the key-id variable that was used.
    Environment { variable: String },
    /// An aliyun CLI profile.
    Profile { name: String, path: PathBuf },
}

/// The outcome of credential resolution.
#[derive(Clone, Debug)]
pub struct ResolvedCredentials {
    pub credentials: Credentials,
    pub source: CredentialSource,
    /// `region_id` of the profile in use (or of the `current` profile when the keys came from
    /// the environment), for the region fallback.
    pub profile_region: Option<String>,
}

/// Environment lookup, injectable so tests never read the real environment.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads a variable, treating an empty value as unset.
pub(crate) fn env_var(env: EnvLookup<'_>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

/// `~/.aliyun/config.json`, from `HOME` (or `USERPROFILE` on Windows).
pub fn default_config_path(env: EnvLookup<'_>) -> Option<PathBuf> {
    let home = env_var(env, "HOME").or_else(|| env_var(env, "USERPROFILE"))?;
    Some(Path::new(&home).join(".aliyun").join("config.json"))
}

const ENV_FAMILIES: [[&str; 3]; 4] = [
    [
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
    ],
    [
        "ALIBABACLOUD_ACCESS_KEY_ID",
        "ALIBABACLOUD_ACCESS_KEY_SECRET",
        "ALIBABACLOUD_SECURITY_TOKEN",
    ],
    [
        "ALICLOUD_ACCESS_KEY_ID",
        "ALICLOUD_ACCESS_KEY_SECRET",
        "ALICLOUD_SECURITY_TOKEN",
    ],
    [
        "ALICLOUD_ACCESS_KEY",
        "ALICLOUD_SECRET_KEY",
        "ALICLOUD_SECURITY_TOKEN",
    ],
];

const PROFILE_ENV: [&str; 2] = ["ALIBABA_CLOUD_PROFILE", "ALIBABACLOUD_PROFILE"];

#[derive(serde::Deserialize)]
struct ConfigFile {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    profiles: Vec<Profile>,
}

#[derive(serde::Deserialize)]
struct Profile {
    name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    access_key_id: String,
    #[serde(default)]
    access_key_secret: String,
    #[serde(default)]
    sts_token: String,
    #[serde(default)]
    region_id: String,
}

struct LoadedConfig {
    path: PathBuf,
    file: ConfigFile,
}

impl LoadedConfig {
    /// `Ok(None)` when the file does not exist.
    fn load(path: &Path) -> Result<Option<LoadedConfig>, ApiError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(ApiError::ConfigUnreadable {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                })
            }
        };
        // serde_json errors name a position, never the content, so no secret can leak here.
        let file = serde_json::from_str(&text).map_err(|e| ApiError::ConfigUnreadable {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Ok(Some(LoadedConfig {
            path: path.to_path_buf(),
            file,
        }))
    }

    fn profile(&self, name: &str) -> Option<&Profile> {
        self.file.profiles.iter().find(|p| p.name == name)
    }

    fn current(&self) -> Option<&Profile> {
        self.file.current.as_deref().and_then(|c| self.profile(c))
    }

    fn credentials(&self, profile: &Profile) -> Result<ResolvedCredentials, ApiError> {
        let mode = if profile.mode.is_empty() {
            "AK"
        } else {
            profile.mode.as_str()
        };
        let needs_token = if mode.eq_ignore_ascii_case("AK") {
            false
        } else if mode.eq_ignore_ascii_case("StsToken") {
            true
        } else {
            return Err(ApiError::UnsupportedProfileMode {
                profile: profile.name.clone(),
                mode: mode.to_string(),
            });
        };
        let missing = |field: &str| ApiError::IncompleteProfile {
            profile: profile.name.clone(),
            mode: mode.to_string(),
            field: field.to_string(),
        };
        if profile.access_key_id.is_empty() {
            return Err(missing("access_key_id"));
        }
        if profile.access_key_secret.is_empty() {
            return Err(missing("access_key_secret"));
        }
        if needs_token && profile.sts_token.is_empty() {
            return Err(missing("sts_token"));
        }
        let token = needs_token.then(|| profile.sts_token.clone());
        Ok(ResolvedCredentials {
            credentials: Credentials::new(
                profile.access_key_id.clone(),
                profile.access_key_secret.clone(),
                token,
            ),
            source: CredentialSource::Profile {
                name: profile.name.clone(),
                path: self.path.clone(),
            },
            profile_region: non_empty(&profile.region_id),
        })
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn named_profile(config_path: Option<&Path>, name: &str) -> Result<ResolvedCredentials, ApiError> {
    let not_found = |path: String| ApiError::ProfileNotFound {
        profile: name.to_string(),
        path,
    };
    let Some(path) = config_path else {
        return Err(not_found("(no home directory)".into()));
    };
    let config = LoadedConfig::load(path)?.ok_or_else(|| not_found(path.display().to_string()))?;
    let profile = config
        .profile(name)
        .ok_or_else(|| not_found(path.display().to_string()))?;
    config.credentials(profile)
}

fn from_env(env: EnvLookup<'_>) -> Result<Option<(Credentials, String)>, ApiError> {
    for [id_var, secret_var, token_var] in ENV_FAMILIES {
        let Some(id) = env_var(env, id_var) else {
            continue;
        };
        let Some(secret) = env_var(env, secret_var) else {
            return Err(ApiError::PartialEnvCredentials {
                present: id_var.to_string(),
                missing: secret_var.to_string(),
            });
        };
        let token = env_var(env, token_var);
        return Ok(Some((
            Credentials::new(id, secret, token),
            id_var.to_string(),
        )));
    }
    Ok(None)
}

/// Resolves credentials in the documented order. `config_path` is the aliyun CLI
/// configuration file (normally [`default_config_path`]).
pub fn resolve_credentials(
    env: EnvLookup<'_>,
    config_path: Option<&Path>,
    profile_flag: Option<&str>,
) -> Result<ResolvedCredentials, ApiError> {
    let chosen = profile_flag
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .or_else(|| PROFILE_ENV.iter().find_map(|v| env_var(env, v)));
    if let Some(name) = chosen {
        return named_profile(config_path, &name);
    }
    if let Some((credentials, variable)) = from_env(env)? {
        // The region may still come from the current profile; a broken or absent file only
        // means there is no such fallback.
        let profile_region = config_path
            .and_then(|p| LoadedConfig::load(p).ok().flatten())
            .and_then(|c| c.current().and_then(|p| non_empty(&p.region_id)));
        return Ok(ResolvedCredentials {
            credentials,
            source: CredentialSource::Environment { variable },
            profile_region,
        });
    }
    if let Some(path) = config_path {
        if let Some(config) = LoadedConfig::load(path)? {
            if let Some(profile) = config.current() {
                return config.credentials(profile);
            }
        }
    }
    let mut searched = vec![
        "ALIBABA_CLOUD_PROFILE".to_string(),
        "ALIBABA_CLOUD_ACCESS_KEY_ID (and ALIBABACLOUD_/ALICLOUD_ spellings)".to_string(),
    ];
    if let Some(path) = config_path {
        searched.push(format!("the current profile of {}", path.display()));
    }
    Err(ApiError::NoCredentials {
        searched: searched.join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_in_debug_and_display() {
        let c = Credentials::new("id", "topsecret", Some("tok3n".into()));
        let shown = format!(
            "{c:?} {} {}",
            c.access_key_secret,
            c.security_token.clone().unwrap()
        );
        assert!(!shown.contains("topsecret"));
        assert!(!shown.contains("tok3n"));
        assert!(shown.contains("<redacted>"));
        assert_eq!(c.access_key_secret.expose(), "topsecret");
    }

    #[test]
    fn empty_token_is_no_token() {
        assert!(Credentials::new("a", "b", Some(String::new()))
            .security_token
            .is_none());
    }

    #[test]
    fn default_config_path_uses_home() {
        let env = |k: &str| (k == "HOME").then(|| "/users/example".to_string());
        assert_eq!(
            default_config_path(&env).unwrap(),
            Path::new("/users/example")
                .join(".aliyun")
                .join("config.json")
        );
        let none = |_: &str| None;
        assert!(default_config_path(&none).is_none());
    }
}
