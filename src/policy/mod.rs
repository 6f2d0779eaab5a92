//! Policies: YAML text → node tree → validated [`RuleSet`]. Every problem of every policy file
//! is collected and reported at once, before any plan is read.

pub mod error;
pub mod model;
pub mod node;
pub mod packs;
pub mod template;
pub mod validate;

use std::path::{Path, PathBuf};

pub use error::PolicyError;
pub use model::{Condition, Literal, OnMissing, Op, Rule, RuleSet, Severity, Test};

use crate::source::SourceFile;
use validate::{SeenIds, Validator};

/// A policy named on the command line: a file, or a built-in pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicySpec {
    Pack(String),
    File(PathBuf),
}

impl PolicySpec {
    /// A path that exists is a file; otherwise a built-in pack name is a pack.
    pub fn parse(arg: &str) -> PolicySpec {
        let path = Path::new(arg);
        if !path.exists() && packs::find(arg).is_some() {
            PolicySpec::Pack(arg.to_string())
        } else {
            PolicySpec::File(path.to_path_buf())
        }
    }
}

/// Loads and validates policies. With no spec, the default pack.
pub fn load(specs: &[PolicySpec]) -> Result<RuleSet, Vec<PolicyError>> {
    let default = [PolicySpec::Pack(packs::DEFAULT_PACK.to_string())];
    let specs = if specs.is_empty() {
        &default[..]
    } else {
        specs
    };
    let mut set = RuleSet::default();
    let mut seen = SeenIds::new();
    let mut errors = Vec::new();
    for spec in specs {
        let (file, default_name, source) = match spec {
            PolicySpec::Pack(name) => match packs::find(name) {
                Some(text) => (
                    SourceFile::new(format!("builtin:{name}"), text),
                    name.clone(),
                    format!("builtin:{name}"),
                ),
                None => {
                    errors.push(error::unreadable(
                        name,
                        format!(
                            "no built-in pack of that name (packs: {})",
                            packs::names().join(", ")
                        ),
                    ));
                    continue;
                }
            },
            PolicySpec::File(path) => {
                let shown = path.to_string_lossy().replace('\\', "/");
                let text = match std::fs::read(path) {
                    Ok(bytes) => match String::from_utf8(bytes) {
                        Ok(t) => t,
                        Err(_) => {
                            errors.push(error::unreadable(
                                &shown,
                                "the file is not valid UTF-8".into(),
                            ));
                            continue;
                        }
                    },
                    Err(e) => {
                        let reason = if path.is_dir() {
                            "it is a directory".to_string()
                        } else if e.kind() == std::io::ErrorKind::NotFound {
                            let packs = packs::names().join(", ");
                            format!("no such file (built-in packs: {packs})")
                        } else {
                            e.to_string()
                        };
                        errors.push(error::unreadable(&shown, reason));
                        continue;
                    }
                };
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| shown.clone());
                (SourceFile::new(shown.clone(), text), stem, shown)
            }
        };
        let mut validator = Validator::new(&file, &mut seen);
        let (body, base) = file.body();
        match node::parse(body) {
            Ok(root) => {
                let root = shift(root, base);
                validator.policy(&root, &default_name, &source, &mut set);
            }
            Err(e) => validator.yaml_error(e.offset.map(|o| o + base), e.message),
        }
        errors.extend(validator.into_errors());
    }
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

/// Moves every span by `base` bytes (the byte order mark the YAML parser did not see).
fn shift(mut node: node::Node, base: usize) -> node::Node {
    if base == 0 {
        return node;
    }
    node.offset += base;
    node.value = match node.value {
        node::NodeValue::Seq(items) => {
            node::NodeValue::Seq(items.into_iter().map(|n| shift(n, base)).collect())
        }
        node::NodeValue::Map(entries) => node::NodeValue::Map(
            entries
                .into_iter()
                .map(|(k, v)| (shift(k, base), shift(v, base)))
                .collect(),
        ),
        other => other,
    };
    node
}
