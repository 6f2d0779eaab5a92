//! One policy document (or the configuration file) read into its top-level parts, before its
//! rules are validated: name, parameters, what it extends, overrides, rules and waivers.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::{ErrorSink, Span};
use super::node::{entries, Node, NodeValue};
use crate::source::SourceFile;

pub const POLICY_KEYS: &[&str] = &[
    "policy",
    "description",
    "params",
    "extends",
    "overrides",
    "rules",
    "waivers",
    "max_waiver_days",
];
pub const CONFIG_KEYS: &[&str] = &[
    "policies",
    "extends",
    "params",
    "overrides",
    "fail_on",
    "formats",
    "waivers",
    "max_waiver_days",
];

/// A reference to another policy: a built-in pack or a file (relative to the referring file).
#[derive(Debug, Clone)]
pub struct Reference {
    pub target: super::PolicySpec,
    pub span: Span,
}

#[derive(Debug)]
pub struct Document {
    pub name: String,
    pub source: String,
    pub file: Arc<SourceFile>,
    pub extends: Vec<Reference>,
    pub params: Vec<(Node, Node)>,
    pub overrides: Vec<(Node, Node)>,
    pub rules: Vec<Node>,
    pub waivers: Option<Node>,
    /// Configuration files only.
    pub fail_on: Option<(String, Span)>,
    pub formats: Vec<(String, Span)>,
    /// The longest a waiver may run, in days from the day of the check.
    pub max_waiver_days: Option<i64>,
}

/// Reads the top level of a policy (`config == false`) or configuration file.
pub fn read(
    root: &Node,
    file: &Arc<SourceFile>,
    default_name: &str,
    source: &str,
    base_dir: Option<&Path>,
    config: bool,
    sink: &mut ErrorSink<'_>,
) -> Document {
    let mut doc = Document {
        name: default_name.to_string(),
        source: source.to_string(),
        file: Arc::clone(file),
        extends: Vec::new(),
        params: Vec::new(),
        overrides: Vec::new(),
        rules: Vec::new(),
        waivers: None,
        fail_on: None,
        formats: Vec::new(),
        max_waiver_days: None,
    };
    let what = if config {
        "the configuration"
    } else {
        "a policy"
    };
    let Some(top) = entries(root) else {
        if !(config && matches!(root.value, NodeValue::Null)) {
            sink.wrong_type(root.into(), what, "a mapping", root.kind());
        }
        return doc;
    };
    let keys = if config { CONFIG_KEYS } else { POLICY_KEYS };
    let mut saw_rules = false;
    for (key, value) in top {
        let Some(k) = key.as_str() else {
            sink.wrong_type(key.into(), "a key", "a string", key.kind());
            continue;
        };
        if !keys.contains(&k) {
            sink.unknown_key(key.into(), k, what, keys);
            continue;
        }
        match k {
            "policy" => match value.as_str() {
                Some(name) => doc.name = name.to_string(),
                None => sink.wrong_type(value.into(), "`policy`", "a string", value.kind()),
            },
            "description" => {
                if value.as_str().is_none() {
                    sink.wrong_type(value.into(), "`description`", "a string", value.kind());
                }
            }
            "extends" | "policies" => doc.extends.extend(references(value, k, base_dir, sink)),
            "params" => match entries(value) {
                Some(e) => doc.params.extend(e.iter().cloned()),
                None => sink.wrong_type(
                    value.into(),
                    "`params`",
                    "a mapping of names to values",
                    value.kind(),
                ),
            },
            "overrides" => match entries(value) {
                Some(e) => doc.overrides.extend(e.iter().cloned()),
                None => sink.wrong_type(
                    value.into(),
                    "`overrides`",
                    "a mapping of rule ids to changes",
                    value.kind(),
                ),
            },
            "rules" => {
                saw_rules = true;
                match &value.value {
                    NodeValue::Seq(items) => {
                        if items.is_empty() && doc.extends.is_empty() && !config {
                            sink.no_rules(value.into());
                        }
                        doc.rules.extend(items.iter().cloned());
                    }
                    _ => sink.wrong_type(value.into(), "`rules`", "a list of rules", value.kind()),
                }
            }
            "waivers" => doc.waivers = Some(value.clone()),
            "max_waiver_days" => match &value.value {
                NodeValue::Int(n) if *n > 0 => doc.max_waiver_days = Some(*n),
                NodeValue::Str(s) if super::duration::parse_days(s).is_some_and(|d| d > 0) => {
                    doc.max_waiver_days = super::duration::parse_days(s)
                }
                _ => sink.wrong_type(
                    value.into(),
                    "`max_waiver_days`",
                    "a positive number of days or a duration (180, 26w, 1y)",
                    &value.display(),
                ),
            },
            "fail_on" => match value.as_str() {
                Some(s) => doc.fail_on = Some((s.to_string(), value.into())),
                None => sink.wrong_type(
                    value.into(),
                    "`fail_on`",
                    "error, warning, note or never",
                    value.kind(),
                ),
            },
            "formats" => match &value.value {
                NodeValue::Seq(items) => {
                    for item in items {
                        match item.as_str() {
                            Some(s) => doc.formats.push((s.to_string(), item.into())),
                            None => sink.wrong_type(
                                item.into(),
                                "a format",
                                "FORMAT or FORMAT=PATH",
                                item.kind(),
                            ),
                        }
                    }
                }
                _ => sink.wrong_type(
                    value.into(),
                    "`formats`",
                    "a list of FORMAT or FORMAT=PATH",
                    value.kind(),
                ),
            },
            _ => unreachable!("keys are checked above"),
        }
    }
    if !config && !saw_rules && doc.extends.is_empty() {
        sink.missing_key(root.into(), "rules", "the policy");
    }
    doc
}

fn references(
    node: &Node,
    key: &str,
    base_dir: Option<&Path>,
    sink: &mut ErrorSink<'_>,
) -> Vec<Reference> {
    let items: Vec<&Node> = match &node.value {
        NodeValue::Seq(items) => items.iter().collect(),
        NodeValue::Str(_) => vec![node],
        _ => {
            sink.wrong_type(
                node.into(),
                &format!("`{key}`"),
                "a list of pack names or policy paths",
                node.kind(),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        let Some(text) = item.as_str() else {
            sink.wrong_type(
                item.into(),
                "a policy reference",
                "a pack name or a path",
                item.kind(),
            );
            continue;
        };
        let path = Path::new(text);
        let looks_like_path =
            text.contains('/') || text.ends_with(".yaml") || text.ends_with(".yml");
        let target = if !looks_like_path && super::packs::find(text).is_some() {
            super::PolicySpec::Pack(text.to_string())
        } else {
            let resolved: PathBuf = match base_dir {
                Some(dir) if path.is_relative() => dir.join(path),
                _ => path.to_path_buf(),
            };
            super::PolicySpec::File(resolved)
        };
        out.push(Reference {
            target,
            span: item.into(),
        });
    }
    out
}
