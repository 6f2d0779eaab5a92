//! Loading every input of a run: files, directories and stdin, de-duplication across inputs,
//! and the completeness verdict.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use super::dump::{read_file, Shape};
use super::error::{At, InputError};
use super::file::SourceFile;
use crate::model::{FieldSet, Plan};

/// Most input errors reported for one run; the rest are counted.
const MAX_ERRORS: usize = 50;

/// One input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    Path(PathBuf),
    Stdin,
    /// A dump already in memory (a live fetch), with the name reports give it.
    Text {
        name: String,
        text: String,
    },
}

impl InputSpec {
    pub fn parse(arg: &str) -> InputSpec {
        if arg == "-" {
            InputSpec::Stdin
        } else {
            InputSpec::Path(PathBuf::from(arg))
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Check what an incomplete dump holds instead of refusing it.
    pub allow_partial: bool,
    /// Fields whose values are kept on each plan (all are type-checked).
    pub retain: FieldSet,
}

/// Whether an input holds every plan its responses announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Completeness {
    /// As many plans as `TotalElements` says.
    Complete,
    /// Fewer plans than announced, accepted with `--allow-partial`.
    Partial { holds: u64, total: u64 },
    /// No `TotalElements` to check against (aliyun `--pager` output, bare arrays).
    Unverified,
}

/// What the run learnt about one input.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    pub path: String,
    pub shape: Shape,
    pub documents: usize,
    pub plans: usize,
    pub total_elements: Option<u64>,
    pub completeness: Completeness,
    /// Plans also found, identical, in an earlier input or page.
    pub merged_duplicates: usize,
}

/// Every plan of a run, with the files they came from.
#[derive(Debug, Default)]
pub struct Dataset {
    pub files: Vec<Arc<SourceFile>>,
    pub inputs: Vec<InputSummary>,
    pub plans: Vec<Plan>,
}

impl Dataset {
    pub fn file_of(&self, plan: &Plan) -> &Arc<SourceFile> {
        &self.files[plan.origin.input as usize]
    }
}

/// Expands directories into their `*.json` files, sorted by name.
fn expand(specs: &[InputSpec], errors: &mut Vec<InputError>) -> Vec<InputSpec> {
    let mut out = Vec::new();
    for spec in specs {
        let InputSpec::Path(path) = spec else {
            out.push(spec.clone());
            continue;
        };
        if !path.is_dir() {
            out.push(spec.clone());
            continue;
        }
        match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| {
                        p.is_file()
                            && p.extension()
                                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                    })
                    .collect();
                files.sort();
                if files.is_empty() {
                    errors.push(InputError::EmptyDirectory {
                        path: display(path),
                    });
                }
                out.extend(files.into_iter().map(InputSpec::Path));
            }
            Err(e) => errors.push(InputError::Unreadable {
                path: display(path),
                reason: e.to_string(),
            }),
        }
    }
    out
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

#[allow(clippy::result_large_err)] // built once per input, not on a hot path
fn read_text(spec: &InputSpec, stdin: &mut dyn Read) -> Result<(String, Vec<u8>), InputError> {
    let (name, result) = match spec {
        InputSpec::Text { name, text } => (name.clone(), Ok(text.clone().into_bytes())),
        InputSpec::Stdin => {
            let mut bytes = Vec::new();
            (
                "<stdin>".to_string(),
                stdin.read_to_end(&mut bytes).map(|_| bytes),
            )
        }
        InputSpec::Path(path) => (display(path), std::fs::read(path)),
    };
    match result {
        Ok(bytes) => Ok((name, bytes)),
        Err(e) => Err(InputError::Unreadable {
            reason: if e.kind() == std::io::ErrorKind::IsADirectory {
                "it is a directory".into()
            } else {
                e.to_string()
            },
            path: name,
        }),
    }
}

#[allow(clippy::result_large_err)] // built once per input, not on a hot path
fn decode(name: String, bytes: Vec<u8>) -> Result<Arc<SourceFile>, InputError> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(name, text)),
        Err(e) => {
            let bytes = e.as_bytes();
            let valid = e.utf8_error().valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..valid]).expect("valid prefix");
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            Err(InputError::NotUtf8 {
                path: name,
                line,
                column,
            })
        }
    }
}

/// Loads every input. Any error fails the whole load: a run never checks part of its inputs.
#[allow(clippy::result_large_err)] // errors are collected, returned once per run
pub fn load(
    specs: &[InputSpec],
    options: &LoadOptions,
    stdin: &mut dyn Read,
) -> Result<Dataset, Vec<InputError>> {
    let mut errors = Vec::new();
    let specs = expand(specs, &mut errors);
    let mut data = Dataset::default();
    let mut seen: HashMap<Box<str>, usize> = HashMap::new();
    for spec in &specs {
        let file = match read_text(spec, stdin).and_then(|(name, bytes)| decode(name, bytes)) {
            Ok(file) => file,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let input = data.files.len() as u32;
        let (plans, facts, file_errors) = read_file(&file, input, options.retain);
        // Plans refused for their own errors are still in the file: judge completeness only
        // when every plan was read.
        let judge_completeness = file_errors.is_empty();
        errors.extend(file_errors);
        data.files.push(Arc::clone(&file));
        let Some(facts) = facts else { continue };
        let mut held = 0u64;
        let mut merged = 0;
        let mut in_file: std::collections::HashSet<Box<str>> = std::collections::HashSet::new();
        for plan in plans {
            if in_file.insert(plan.id.clone()) {
                held += 1;
            }
            match seen.get(&plan.id) {
                None => {
                    seen.insert(plan.id.clone(), data.plans.len());
                    data.plans.push(plan);
                }
                Some(&first) => {
                    let first = &data.plans[first];
                    let first_file = &data.files[first.origin.input as usize];
                    if same_json(raw(first_file, first), raw(&file, &plan)) {
                        merged += 1;
                    } else {
                        let at = At::new(&file, plan.origin.offset as usize, 1);
                        let first_at = At::new(first_file, first.origin.offset as usize, 1);
                        errors.push(InputError::ConflictingCopies {
                            plan: plan.id.to_string(),
                            first: first_at.to_string(),
                            file: Arc::clone(&file),
                            span: at.span,
                            at,
                        });
                    }
                }
            }
        }
        let completeness = match facts.total_elements {
            None => Completeness::Unverified,
            Some((total, offset, len)) => {
                let holds = held;
                if holds >= total || !judge_completeness {
                    Completeness::Complete
                } else if options.allow_partial {
                    Completeness::Partial { holds, total }
                } else {
                    errors.push(InputError::Incomplete {
                        path: file.name().to_string(),
                        holds,
                        total,
                        file: Arc::clone(&file),
                        span: (offset, len).into(),
                    });
                    Completeness::Partial { holds, total }
                }
            }
        };
        data.inputs.push(InputSummary {
            path: file.name().to_string(),
            shape: facts.shape,
            documents: facts.documents,
            plans: held as usize,
            total_elements: facts.total_elements.map(|(t, _, _)| t),
            completeness,
            merged_duplicates: merged,
        });
    }
    if errors.is_empty() {
        Ok(data)
    } else {
        if errors.len() > MAX_ERRORS {
            let more = errors.len() - MAX_ERRORS;
            errors.truncate(MAX_ERRORS);
            errors.push(InputError::More { count: more });
        }
        Err(errors)
    }
}

fn raw<'a>(file: &'a SourceFile, plan: &Plan) -> &'a str {
    let start = plan.origin.offset as usize;
    &file.text()[start..start + plan.origin.len as usize]
}

/// Whether two plan objects hold the same JSON, whatever their layout.
fn same_json(a: &str, b: &str) -> bool {
    a == b
        || matches!(
            (serde_json::from_str::<serde_json::Value>(a), serde_json::from_str::<serde_json::Value>(b)),
            (Ok(x), Ok(y)) if x == y
        )
}
