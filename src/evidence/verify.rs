//! Verifying an evidence bundle: every file the manifest lists is present with its SHA-256
//! and size, and no file was added.

use std::path::{Component, Path};

use super::bundle::{Manifest, FORMAT, MANIFEST};
use super::digest::sha256_hex;

/// Why a directory cannot be verified at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum VerifyError {
    #[error("{0} is not an evidence bundle: {1}")]
    #[diagnostic(code(dbs_lint::verify::not_a_bundle))]
    NotABundle(String, String),
}

/// One discrepancy between the manifest and the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file's content differs from what the manifest recorded.
    Altered {
        path: String,
        expected: String,
        actual: String,
    },
    Missing {
        path: String,
    },
    /// A file the manifest does not list.
    Extra {
        path: String,
    },
}

impl Problem {
    pub fn path(&self) -> &str {
        match self {
            Problem::Altered { path, .. } | Problem::Missing { path } | Problem::Extra { path } => {
                path
            }
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Altered {
                path,
                expected,
                actual,
            } => write!(
                f,
                "altered: {path} (sha256 recorded {expected}, found {actual})"
            ),
            Problem::Missing { path } => write!(f, "missing: {path}"),
            Problem::Extra { path } => write!(f, "extra: {path} (not in the manifest)"),
        }
    }
}

/// The result of verifying a bundle.
#[derive(Debug)]
pub struct Verification {
    pub manifest: Manifest,
    /// SHA-256 of `manifest.json` itself: record it to detect a rewritten manifest.
    pub manifest_sha256: String,
    /// Files the manifest lists.
    pub checked: usize,
    pub problems: Vec<Problem>,
}

impl Verification {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A manifest path must stay inside the bundle.
fn is_inside(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))
}

pub fn verify(dir: &Path) -> Result<Verification, VerifyError> {
    let shown = dir.display().to_string();
    let not_bundle = |why: String| VerifyError::NotABundle(shown.clone(), why);
    if !dir.is_dir() {
        return Err(not_bundle("no such directory".into()));
    }
    let bytes = std::fs::read(dir.join(MANIFEST))
        .map_err(|e| not_bundle(format!("cannot read {MANIFEST}: {e}")))?;
    let manifest: Manifest = serde_json::from_slice(&bytes)
        .map_err(|e| not_bundle(format!("{MANIFEST} is not a bundle manifest: {e}")))?;
    if manifest.format != FORMAT {
        return Err(not_bundle(format!(
            "{MANIFEST} has format `{}`, expected `{FORMAT}`",
            manifest.format
        )));
    }
    if let Some(bad) = manifest.files.iter().find(|f| !is_inside(&f.path)) {
        return Err(not_bundle(format!(
            "{MANIFEST} lists `{}`, a path outside the bundle",
            bad.path
        )));
    }
    let mut problems = Vec::new();
    for file in &manifest.files {
        match std::fs::read(dir.join(&file.path)) {
            Ok(content) => {
                let actual = sha256_hex(&content);
                if actual != file.sha256 || content.len() as u64 != file.size {
                    problems.push(Problem::Altered {
                        path: file.path.clone(),
                        expected: file.sha256.clone(),
                        actual,
                    });
                }
            }
            Err(_) => problems.push(Problem::Missing {
                path: file.path.clone(),
            }),
        }
    }
    let mut present = Vec::new();
    walk(dir, "", &mut present);
    present.sort();
    for path in present {
        if path != MANIFEST && !manifest.files.iter().any(|f| f.path == path) {
            problems.push(Problem::Extra { path });
        }
    }
    Ok(Verification {
        checked: manifest.files.len(),
        manifest,
        manifest_sha256: sha256_hex(&bytes),
        problems,
    })
}

/// Every file under `dir`, as `/`-separated paths relative to the bundle.
fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&entry.path(), &rel, out),
            _ => out.push(rel),
        }
    }
}
