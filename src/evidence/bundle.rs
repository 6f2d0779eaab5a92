//! Writing an evidence bundle: copies of the inputs, the resolved policy, the reports, and
//! `manifest.json` with the SHA-256 and size of every file.
//!
//! ```text
//! DIR/manifest.json
//! DIR/inputs/01-describe-backup-plan-list.json
//! DIR/policy/01-builtin-recommended.yaml
//! DIR/policy/parameters.json
//! DIR/reports/report.json
//! DIR/reports/report.html
//! ```

use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::digest::{input_bytes, policy_text, provenance, sha256_hex};
use crate::report::{self, Format, Report, TextOptions};
use crate::source::api::outcome::Provenance;

pub const MANIFEST: &str = "manifest.json";
/// The `format` of a manifest: how `verify` recognises a bundle.
pub const FORMAT: &str = "dbs-lint-evidence";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// One file of the bundle.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestFile {
    /// Relative to the bundle, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub size: u64,
    /// input | policy | parameters | report
    pub role: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestInput {
    /// The input as named on the command line (or `<stdin>`, `live:REGIONS`).
    pub source: String,
    /// Its copy in the bundle.
    pub file: String,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestPolicy {
    pub name: String,
    /// `builtin:NAME` or the policy file's path.
    pub source: String,
    pub rules: usize,
    /// Its text in the bundle; null when it could not be found.
    pub file: Option<String>,
    pub sha256: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub tool: Tool,
    /// When the bundle was written, RFC 3339 UTC.
    pub created_at: String,
    /// The day the run evaluated waivers and relative times against (`--now`).
    pub evaluated_as_of: Option<String>,
    /// The command line, with values of secret-looking options redacted.
    pub command: Vec<String>,
    pub exit_code: Option<i32>,
    pub inputs: Vec<ManifestInput>,
    pub policies: Vec<ManifestPolicy>,
    /// The effective parameters (`policy/parameters.json`).
    pub parameters: String,
    pub reports: Vec<String>,
    /// Every file of the bundle but the manifest: what `verify` checks.
    pub files: Vec<ManifestFile>,
}

/// What to put in a bundle.
pub struct BundleRequest<'a, 'r> {
    pub report: &'a Report<'r>,
    /// The command line (redacted here).
    pub command: Vec<String>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Other files that decided the run (the configuration, `--waivers` files): copied under
    /// `policy/` with their digests.
    pub policy_files: Vec<std::path::PathBuf>,
}

/// A file name safe on every platform: letters, digits, `.`, `-`, `_`.
fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let cleaned = cleaned.trim_matches(|c| c == '-' || c == '.').to_string();
    if cleaned.is_empty() {
        "input".into()
    } else {
        cleaned
    }
}

/// The command line with the values of options that look secret replaced by `***`.
pub fn redact(args: &[String]) -> Vec<String> {
    const SECRET: [&str; 5] = ["secret", "password", "token", "access-key", "credential"];
    let secret = |a: &str| {
        let a = a.to_ascii_lowercase();
        a.starts_with('-') && SECRET.iter().any(|s| a.contains(s))
    };
    let mut out = Vec::with_capacity(args.len());
    let mut hide_next = false;
    for a in args {
        if hide_next {
            out.push("***".into());
            hide_next = false;
        } else if secret(a) {
            match a.split_once('=') {
                Some((k, _)) => out.push(format!("{k}=***")),
                None => {
                    out.push(a.clone());
                    hide_next = true;
                }
            }
        } else {
            out.push(a.clone());
        }
    }
    out
}

struct Writer<'d> {
    dir: &'d Path,
    files: Vec<ManifestFile>,
}

impl Writer<'_> {
    fn put(&mut self, path: &str, bytes: &[u8], role: &str) -> io::Result<String> {
        let full = self.dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&full, bytes)?;
        let sha256 = sha256_hex(bytes);
        self.files.push(ManifestFile {
            path: path.to_string(),
            sha256: sha256.clone(),
            size: bytes.len() as u64,
            role: role.into(),
        });
        Ok(sha256)
    }
}

/// Writes the bundle into `dir`, which must not exist or be empty (so that no stale file is
/// mistaken for evidence), and returns its manifest.
pub fn write_bundle(dir: &Path, request: &BundleRequest<'_, '_>) -> io::Result<Manifest> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "the directory is not empty; give a new or empty directory",
        ));
    }
    std::fs::create_dir_all(dir)?;
    let report = request.report;
    let mut w = Writer {
        dir,
        files: Vec::new(),
    };

    let mut inputs = Vec::new();
    for (i, file) in report.data.files.iter().enumerate() {
        let bytes = input_bytes(file);
        let mut name = safe_name(file.name());
        if !name.contains('.') {
            name.push_str(".json");
        }
        let path = format!("inputs/{:02}-{name}", i + 1);
        let sha256 = w.put(&path, &bytes, "input")?;
        inputs.push(ManifestInput {
            source: file.name().to_string(),
            file: path,
            sha256,
            provenance: provenance(&bytes),
        });
    }

    let mut policies = Vec::new();
    for (i, p) in report.rules.policies.iter().enumerate() {
        let (file, sha256) = match policy_text(report.rules, p) {
            Some(text) => {
                let mut name = safe_name(&p.source.replace(':', "-"));
                if !name.ends_with(".yaml") && !name.ends_with(".yml") {
                    name.push_str(".yaml");
                }
                let path = format!("policy/{:02}-{name}", i + 1);
                let sha = w.put(&path, text.as_bytes(), "policy")?;
                (Some(path), Some(sha))
            }
            None => (None, None),
        };
        policies.push(ManifestPolicy {
            name: p.name.clone(),
            source: p.source.clone(),
            rules: p.rules,
            file,
            sha256,
        });
    }

    for (i, path) in request.policy_files.iter().enumerate() {
        let bytes = std::fs::read(path)?;
        let name = safe_name(&path.to_string_lossy());
        w.put(
            &format!("policy/extra-{:02}-{name}", i + 1),
            &bytes,
            "policy",
        )?;
    }

    let params = &report.rules.params;
    let mut effective = serde_json::Map::new();
    for name in params.names() {
        if let Some(param) = params.get(name) {
            effective.insert(
                name.to_string(),
                serde_json::json!({
                    "type": param.ty.name(),
                    "value": param.value.display(),
                    "set_in": param.set_in.name(),
                }),
            );
        }
    }
    let parameters = "policy/parameters.json".to_string();
    let text = serde_json::to_string_pretty(&effective)? + "\n";
    w.put(&parameters, text.as_bytes(), "parameters")?;

    let options = TextOptions {
        color: false,
        width: 100,
        explain: false,
        max_findings: 0,
    };
    let mut reports = Vec::new();
    for (format, path) in [
        (Format::Json, "reports/report.json"),
        (Format::Html, "reports/report.html"),
        (Format::Markdown, "reports/report.md"),
    ] {
        let mut bytes = Vec::new();
        report::render(report, format, options, &mut bytes)?;
        w.put(path, &bytes, "report")?;
        reports.push(path.to_string());
    }

    let manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        created_at: request.created_at.clone(),
        evaluated_as_of: report.run.today.map(|d| d.format("%Y-%m-%d").to_string()),
        command: redact(&request.command),
        exit_code: report.run.exit_code,
        inputs,
        policies,
        parameters,
        reports,
        files: w.files,
    };
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    std::fs::write(dir.join(MANIFEST), text)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        let args: Vec<String> = [
            "check",
            "--access-key-secret",
            "s3cr3t",
            "--token=abc",
            "x.json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            redact(&args),
            [
                "check",
                "--access-key-secret",
                "***",
                "--token=***",
                "x.json"
            ]
        );
    }

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("dir/a b.json"), "a-b.json");
        assert_eq!(safe_name("<stdin>"), "stdin");
        assert_eq!(
            safe_name("live-cn-hangzhou,cn-shanghai"),
            "live-cn-hangzhou-cn-shanghai"
        );
        assert_eq!(safe_name("../.."), "input");
    }
}
