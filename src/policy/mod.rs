//! Policies: YAML text → node tree → validated [`RuleSet`]. Every problem of every policy file
//! is collected and reported at once, before any plan is read.
//!
//! Loading runs in phases: read every document (following `extends`, refusing cycles), settle
//! the parameters (declarations, then overrides from extending policies, the configuration file
//! and `--param`), gather rule overrides, then validate each rule with its effective parameters.

pub mod document;
pub mod duration;
pub mod error;
pub mod model;
pub mod node;
pub mod packs;
pub mod params;
pub mod template;
pub mod validate;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::PolicyError;
pub use model::{Condition, Literal, OnMissing, Op, Rule, RuleSet, Severity, Test};

use document::Document;
use error::{ErrorSink, Span};
use node::{Node, NodeValue};
use params::{Param, ParamType, Params};
use validate::{SeenIds, Validator};

use crate::model::catalogue::suggest;
use crate::source::SourceFile;

/// Most policy errors reported for one run; the rest are counted.
const MAX_ERRORS: usize = 50;

/// The configuration file's name, looked for from the working directory upward.
pub const CONFIG_FILE: &str = ".dbs-lint.yaml";

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

    fn key(&self) -> String {
        match self {
            PolicySpec::Pack(name) => format!("builtin:{name}"),
            PolicySpec::File(path) => std::fs::canonicalize(path)
                .unwrap_or_else(|_| path.clone())
                .to_string_lossy()
                .into_owned(),
        }
    }
}

/// What to load.
#[derive(Debug, Clone, Default)]
pub struct LoadRequest {
    /// `-p` policies; when empty, the configuration's `policies`/`extends`, else the default pack.
    pub specs: Vec<PolicySpec>,
    /// `--param name=value`.
    pub params: Vec<String>,
    /// The configuration file, if any (see [`discover_config`]).
    pub config: Option<PathBuf>,
    /// "Now" for relative timestamps (`now+30d`), in epoch milliseconds.
    pub now_ms: i64,
}

/// Settings of the configuration file that are not policies.
#[derive(Debug, Clone, Default)]
pub struct ConfigSettings {
    pub path: Option<String>,
    pub fail_on: Option<String>,
    pub formats: Vec<String>,
}

/// The configuration file governing `dir`: `.dbs-lint.yaml` there or in a parent directory.
pub fn discover_config(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

/// Loads and validates policies (with no spec, the default pack) at the current time.
pub fn load(specs: &[PolicySpec]) -> Result<RuleSet, Vec<PolicyError>> {
    load_with(&LoadRequest {
        specs: specs.to_vec(),
        now_ms: chrono::Utc::now().timestamp_millis(),
        ..LoadRequest::default()
    })
    .map(|(rules, _)| rules)
}

struct Loader {
    docs: Vec<Document>,
    visited: HashSet<String>,
    errors: Vec<PolicyError>,
}

/// What an override of one rule changes.
#[derive(Debug, Default)]
struct Override {
    severity: Option<Severity>,
    off: bool,
    params: HashMap<String, Node>,
    /// Where the override is written (for "no such rule").
    at: Vec<(Arc<SourceFile>, Span)>,
}

fn read_source(
    spec: &PolicySpec,
) -> Result<(Arc<SourceFile>, String, String, Option<PathBuf>), String> {
    match spec {
        PolicySpec::Pack(name) => match packs::find(name) {
            Some(text) => Ok((
                SourceFile::new(format!("builtin:{name}"), text),
                name.clone(),
                format!("builtin:{name}"),
                None,
            )),
            None => Err(format!(
                "no built-in pack of that name (packs: {})",
                packs::names().join(", ")
            )),
        },
        PolicySpec::File(path) => {
            let shown = path.to_string_lossy().replace('\\', "/");
            // A FIFO or device could block the run forever: policies are regular files.
            if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
                return Err("not a regular file".to_string());
            }
            let text = match std::fs::read(path) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map_err(|_| "the file is not valid UTF-8".to_string())?,
                Err(e) => {
                    return Err(if path.is_dir() {
                        "it is a directory".to_string()
                    } else if e.kind() == std::io::ErrorKind::NotFound {
                        format!(
                            "no such file (built-in packs: {})",
                            packs::names().join(", ")
                        )
                    } else {
                        e.to_string()
                    })
                }
            };
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| shown.clone());
            Ok((
                SourceFile::new(shown.clone(), text),
                stem,
                shown,
                path.parent().map(Path::to_path_buf),
            ))
        }
    }
}

/// Parses a YAML file's body, moving spans past a byte order mark.
fn parse_file(file: &Arc<SourceFile>, sink: &mut ErrorSink<'_>) -> Option<Node> {
    match node::parse_file(file) {
        Ok(root) => Some(root),
        Err(e) => {
            sink.yaml(e.offset, e.message);
            None
        }
    }
}

impl Loader {
    /// Reads `spec` and, first, everything it extends.
    fn visit(
        &mut self,
        spec: &PolicySpec,
        stack: &mut Vec<(String, String)>,
        via: Option<(&Arc<SourceFile>, Span)>,
    ) {
        let key = spec.key();
        if let Some(start) = stack.iter().position(|(k, _)| *k == key) {
            let mut chain: Vec<&str> = stack[start..]
                .iter()
                .map(|(_, shown)| shown.as_str())
                .collect();
            chain.push(&stack[start].1);
            if let Some((file, span)) = via {
                let mut sink = ErrorSink {
                    file,
                    errors: Vec::new(),
                };
                sink.extends_cycle(span, &chain.join(" → "));
                self.errors.extend(sink.errors);
            }
            return;
        }
        if !self.visited.insert(key.clone()) {
            return;
        }
        let (file, name, source, base_dir) = match read_source(spec) {
            Ok(s) => s,
            Err(reason) => {
                let shown = match spec {
                    PolicySpec::Pack(n) => n.clone(),
                    PolicySpec::File(p) => p.to_string_lossy().replace('\\', "/"),
                };
                match via {
                    Some((file, span)) => {
                        let mut sink = ErrorSink {
                            file,
                            errors: Vec::new(),
                        };
                        sink.unknown_policy(span, &shown, &reason);
                        self.errors.extend(sink.errors);
                    }
                    None => self.errors.push(error::unreadable(&shown, reason)),
                }
                return;
            }
        };
        let mut sink = ErrorSink {
            file: &file,
            errors: Vec::new(),
        };
        let Some(root) = parse_file(&file, &mut sink) else {
            self.errors.extend(sink.errors);
            return;
        };
        let doc = document::read(
            &root,
            &file,
            &name,
            &source,
            base_dir.as_deref(),
            false,
            &mut sink,
        );
        self.errors.extend(sink.errors);
        stack.push((key, source));
        for reference in doc.extends.clone() {
            self.visit(&reference.target, stack, Some((&doc.file, reference.span)));
        }
        stack.pop();
        self.docs.push(doc);
    }
}

/// Loads and validates what `request` names. Returns the rules and the configuration's other
/// settings.
pub fn load_with(request: &LoadRequest) -> Result<(RuleSet, ConfigSettings), Vec<PolicyError>> {
    let mut loader = Loader {
        docs: Vec::new(),
        visited: HashSet::new(),
        errors: Vec::new(),
    };
    let mut settings = ConfigSettings::default();

    // The configuration file: an outermost document of its own.
    let config = request.config.as_ref().and_then(|path| {
        let spec = PolicySpec::File(path.clone());
        let (file, _, source, base_dir) = match read_source(&spec) {
            Ok(s) => s,
            Err(reason) => {
                loader
                    .errors
                    .push(error::unreadable(&path.to_string_lossy(), reason));
                return None;
            }
        };
        let mut sink = ErrorSink {
            file: &file,
            errors: Vec::new(),
        };
        let doc = parse_file(&file, &mut sink).map(|root| {
            document::read(
                &root,
                &file,
                "config",
                &source,
                base_dir.as_deref(),
                true,
                &mut sink,
            )
        });
        loader.errors.extend(sink.errors);
        doc
    });
    if let Some(c) = &config {
        settings.path = Some(c.source.clone());
        settings.fail_on = c.fail_on.as_ref().map(|(s, _)| s.clone());
        settings.formats = c.formats.iter().map(|(s, _)| s.clone()).collect();
        if let Some((value, span)) = &c.fail_on {
            const FAIL_ON: &[&str] = &["error", "warning", "note", "never"];
            if !FAIL_ON.contains(&value.as_str()) {
                let mut sink = ErrorSink {
                    file: &c.file,
                    errors: Vec::new(),
                };
                sink.bad_choice(*span, "fail_on", value, FAIL_ON);
                loader.errors.extend(sink.errors);
            }
        }
    }

    // Every document, extended ones first.
    let top: Vec<(PolicySpec, Option<Span>)> = if !request.specs.is_empty() {
        request.specs.iter().map(|s| (s.clone(), None)).collect()
    } else if let Some(c) = config.as_ref().filter(|c| !c.extends.is_empty()) {
        c.extends
            .iter()
            .map(|r| (r.target.clone(), Some(r.span)))
            .collect()
    } else {
        vec![(PolicySpec::Pack(packs::DEFAULT_PACK.to_string()), None)]
    };
    for (spec, span) in &top {
        let via = match (&config, span) {
            (Some(c), Some(span)) => Some((&c.file, *span)),
            _ => None,
        };
        loader.visit(spec, &mut Vec::new(), via);
    }
    let Loader {
        docs, mut errors, ..
    } = loader;

    // Parameters: declarations and overrides, inner documents first, then the configuration.
    let mut params = Params::default();
    for doc in docs.iter().chain(config.iter()) {
        let mut sink = ErrorSink {
            file: &doc.file,
            errors: Vec::new(),
        };
        let is_config = config.as_ref().is_some_and(|c| std::ptr::eq(c, doc));
        for (key, value) in &doc.params {
            set_param(&mut params, key, value, &doc.file, is_config, &mut sink);
        }
        errors.extend(sink.errors);
    }
    for text in &request.params {
        errors.extend(cli_param(&mut params, text));
    }

    // Rule overrides, outer documents last so that they win.
    let mut overrides: HashMap<String, Override> = HashMap::new();
    for doc in docs.iter().chain(config.iter()) {
        let mut sink = ErrorSink {
            file: &doc.file,
            errors: Vec::new(),
        };
        for (key, value) in &doc.overrides {
            read_override(&mut overrides, key, value, &doc.file, &params, &mut sink);
        }
        errors.extend(sink.errors);
    }

    // Rules, each validated with its effective parameters.
    let mut set = RuleSet::default();
    let mut seen = SeenIds::new();
    let mut known: Vec<String> = Vec::new();
    for doc in &docs {
        let mut validator = Validator::new(&doc.file, &mut seen, &params, request.now_ms);
        let before = set.rules.len();
        for node in &doc.rules {
            let id = rule_id(node);
            if let Some(id) = &id {
                known.push(id.clone());
            }
            let change = id.as_ref().and_then(|id| overrides.get(id));
            if change.is_some_and(|c| c.off) {
                continue;
            }
            validator.with_overlay(change.map(|c| c.params.clone()).unwrap_or_default());
            if let Some(mut rule) = validator.rule(node, &doc.name) {
                if let Some(severity) = change.and_then(|c| c.severity) {
                    rule.severity = severity;
                }
                set.rules.push(rule);
            }
        }
        errors.extend(validator.sink.errors);
        set.policies.push(model::PolicyInfo {
            name: doc.name.clone(),
            source: doc.source.clone(),
            rules: set.rules.len() - before,
        });
        if let Some(w) = &doc.waivers {
            set.waivers.push((Arc::clone(&doc.file), w.clone()));
        }
    }
    if let Some(w) = config
        .as_ref()
        .and_then(|c| c.waivers.as_ref().map(|w| (c, w)))
    {
        set.waivers.push((Arc::clone(&w.0.file), w.1.clone()));
    }
    let mut unknown: Vec<(&String, &Override)> = overrides
        .iter()
        .filter(|(id, _)| !known.contains(id))
        .collect();
    unknown.sort_by_key(|(id, _)| id.as_str());
    for (id, change) in unknown {
        for (file, span) in &change.at {
            let mut sink = ErrorSink {
                file,
                errors: Vec::new(),
            };
            sink.unknown_rule(*span, id, suggest(id, known.iter().map(String::as_str)));
            errors.extend(sink.errors);
        }
    }
    for doc in docs.iter().chain(config.iter()) {
        if let Some(days) = doc.max_waiver_days {
            if set.max_waiver_days.as_ref().is_none_or(|(d, _)| days < *d) {
                set.max_waiver_days = Some((days, doc.source.clone()));
            }
        }
    }
    set.params = params;
    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(error::more(more));
    }
    if errors.is_empty() {
        Ok((set, settings))
    } else {
        Err(errors)
    }
}

fn rule_id(node: &Node) -> Option<String> {
    match &node.value {
        NodeValue::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some("id"))
            .and_then(|(_, v)| v.as_str().map(str::to_string)),
        _ => None,
    }
}

/// One `params:` entry: a declaration (`name: {type, default}` or `name: value`), or a new value
/// for a parameter an extended policy declared.
fn set_param(
    params: &mut Params,
    key: &Node,
    value: &Node,
    file: &Arc<SourceFile>,
    is_config: bool,
    sink: &mut ErrorSink<'_>,
) {
    let Some(name) = key.as_str() else {
        sink.wrong_type(key.into(), "a parameter name", "a string", key.kind());
        return;
    };
    let declaration = match &value.value {
        NodeValue::Map(entries) => Some(entries),
        _ => None,
    };
    if let Some(existing) = params.params.get_mut(name) {
        if declaration.is_some() {
            sink.wrong_type(
                value.into(),
                &format!("parameter `{name}`"),
                "a value (it is already declared)",
                "a declaration",
            );
            return;
        }
        match existing.ty.check(value) {
            Ok(()) => {
                existing.value = value.clone();
                existing.set_in = Arc::clone(file);
            }
            Err(expected) => sink.bad_param_value(value.into(), name, expected, &value.display()),
        }
        return;
    }
    if is_config {
        let names = params.names();
        let suggestion = suggest(name, names.iter().copied());
        sink.unknown_param(key.into(), name, suggestion, &names);
        return;
    }
    let (ty, default, description) = match declaration {
        Some(entries) => {
            let mut ty = None;
            let mut default = None;
            let mut description = None;
            for (k, v) in entries {
                match k.as_str() {
                    Some("type") => match v.as_str().and_then(ParamType::parse) {
                        Some(t) => ty = Some(t),
                        None => sink.bad_choice(
                            v.into(),
                            "parameter type",
                            &v.display(),
                            ParamType::NAMES,
                        ),
                    },
                    Some("default") => default = Some(v),
                    Some("description") => description = v.as_str().map(str::to_string),
                    Some(other) => sink.unknown_key(
                        k.into(),
                        other,
                        "a parameter declaration",
                        &["type", "default", "description"],
                    ),
                    None => sink.wrong_type(k.into(), "a key", "a string", k.kind()),
                }
            }
            let Some(default) = default else {
                sink.missing_key(value.into(), "default", &format!("parameter `{name}`"));
                return;
            };
            let Some(ty) = ty.or_else(|| ParamType::infer(default)) else {
                sink.missing_key(value.into(), "type", &format!("parameter `{name}`"));
                return;
            };
            (ty, default, description)
        }
        None => match ParamType::infer(value) {
            Some(ty) => (ty, value, None),
            None => {
                sink.wrong_type(
                    value.into(),
                    &format!("parameter `{name}`"),
                    "a value or {type, default}",
                    value.kind(),
                );
                return;
            }
        },
    };
    if let Err(expected) = ty.check(default) {
        sink.bad_param_value(default.into(), name, expected, &default.display());
        return;
    }
    params.params.insert(
        name.to_string(),
        Param {
            ty,
            description,
            value: default.clone(),
            set_in: Arc::clone(file),
        },
    );
}

/// `--param name=value`: the value is read as YAML (`365`, `true`, `1y`, `[a, b]`).
fn cli_param(params: &mut Params, text: &str) -> Vec<PolicyError> {
    let file = SourceFile::new("--param", text.to_string());
    let mut sink = ErrorSink {
        file: &file,
        errors: Vec::new(),
    };
    let Some((name, value)) = text.split_once('=') else {
        sink.wrong_type(
            Span {
                offset: 0,
                len: text.len().max(1),
            },
            "--param",
            "name=value",
            &format!("\"{text}\""),
        );
        return sink.errors;
    };
    let name_span = Span {
        offset: 0,
        len: name.len().max(1),
    };
    let value_offset = name.len() + 1;
    let node = match node::parse(value) {
        Ok(mut n) => {
            n = n.shifted(value_offset);
            if matches!(n.value, NodeValue::Null) {
                n.offset = value_offset;
            }
            n
        }
        Err(e) => {
            sink.yaml(e.offset.map(|o| o + value_offset), e.message);
            return sink.errors;
        }
    };
    let key = Node {
        value: NodeValue::Str(name.to_string()),
        offset: name_span.offset,
        len: name_span.len,
    };
    set_param(params, &key, &node, &file, true, &mut sink);
    sink.errors
}

fn read_override(
    overrides: &mut HashMap<String, Override>,
    key: &Node,
    value: &Node,
    file: &Arc<SourceFile>,
    params: &Params,
    sink: &mut ErrorSink<'_>,
) {
    const KEYS: &[&str] = &["severity", "off", "params"];
    let Some(id) = key.as_str() else {
        sink.wrong_type(key.into(), "a rule id", "a string", key.kind());
        return;
    };
    let NodeValue::Map(entries) = &value.value else {
        sink.wrong_type(
            value.into(),
            &format!("the override of `{id}`"),
            "a mapping of severity, off, params",
            value.kind(),
        );
        return;
    };
    let change = overrides.entry(id.to_string()).or_default();
    change.at.push((Arc::clone(file), key.into()));
    for (k, v) in entries {
        match k.as_str() {
            Some("severity") => match v.as_str().and_then(Severity::parse) {
                Some(s) => change.severity = Some(s),
                None => sink.bad_choice(v.into(), "severity", &v.display(), Severity::NAMES),
            },
            Some("off") => match v.value {
                NodeValue::Bool(b) => change.off = b,
                _ => sink.wrong_type(v.into(), "`off`", "true or false", &v.display()),
            },
            Some("params") => match &v.value {
                NodeValue::Map(ps) => {
                    for (pk, pv) in ps {
                        let Some(name) = pk.as_str() else { continue };
                        match params.get(name) {
                            None => {
                                let names = params.names();
                                sink.unknown_param(
                                    pk.into(),
                                    name,
                                    suggest(name, names.iter().copied()),
                                    &names,
                                );
                            }
                            Some(p) => match p.ty.check(pv) {
                                Ok(()) => {
                                    change.params.insert(name.to_string(), pv.clone());
                                }
                                Err(expected) => {
                                    sink.bad_param_value(pv.into(), name, expected, &pv.display())
                                }
                            },
                        }
                    }
                }
                _ => sink.wrong_type(
                    v.into(),
                    "`params`",
                    "a mapping of parameter values",
                    v.kind(),
                ),
            },
            Some(other) => sink.unknown_key(k.into(), other, "an override", KEYS),
            None => sink.wrong_type(k.into(), "a key", "a string", k.kind()),
        }
    }
}
