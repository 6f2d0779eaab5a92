//! Loading every input of a run: files, directories and stdin, de-duplication across inputs,
//! and the completeness verdict.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use serde_json::value::RawValue;

use super::dump::{read_file, read_plans, Shape};
use super::error::{At, InputError};
use super::file::SourceFile;
use super::plan_reader::read_plan;
use crate::model::{FieldSet, Plan, PlanOrigin};

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

/// Files at least this big are mapped instead of read; a stream this big is spooled to a
/// temporary file and mapped.
const MAP_THRESHOLD: u64 = 16 << 20;

/// The default of [`Limits::max_input_size`]: 4 GiB.
pub const DEFAULT_MAX_INPUT_SIZE: u64 = 4 << 30;

/// Resource limits of a load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes; a bigger one is an input error (exit 3).
    pub max_input_size: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_input_size: DEFAULT_MAX_INPUT_SIZE,
        }
    }
}

/// Parses a size such as `4GiB`, `500MB`, `64k` or `1048576` (bytes). Units are binary
/// (`k`/`KiB` = 1024), whether or not an `i` is written.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a size (examples: 4GiB, 500MiB, 1048576)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use B, KiB, MiB, GiB or TiB)"
            ))
        }
    };
    number
        .checked_mul(1u64 << shift)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// A size for messages: `4 GiB`, `1.5 MiB`, `512 bytes`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

fn unreadable(name: &str, e: &std::io::Error) -> InputError {
    InputError::Unreadable {
        reason: match e.kind() {
            std::io::ErrorKind::IsADirectory => "it is a directory".into(),
            std::io::ErrorKind::NotADirectory => {
                "a part of the path is a file, not a directory".into()
            }
            _ => e.to_string(),
        },
        path: name.to_string(),
    }
}

fn too_large(name: &str, size: Option<u64>, limits: &Limits) -> InputError {
    InputError::TooLarge {
        path: name.to_string(),
        size: size.map(human_size),
        limit: human_size(limits.max_input_size),
    }
}

/// Opens a path for reading without blocking on a FIFO that has no writer yet (such a FIFO
/// then reads as empty instead of hanging the run).
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        use std::os::unix::io::AsRawFd;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        // Reads block again from here on (a pipe with a writer waits for its data).
        // SAFETY: plain fcntl calls on a descriptor this function owns.
        unsafe {
            let flags = libc::fcntl(file.as_raw_fd(), libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(file.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    std::fs::File::open(path)
}

/// Reads one input: small files into memory, big ones mapped, streams spooled when big.
#[allow(clippy::result_large_err)] // built once per input, not on a hot path
fn read_input(
    spec: &InputSpec,
    stdin: &mut dyn Read,
    limits: &Limits,
) -> Result<Arc<SourceFile>, InputError> {
    match spec {
        InputSpec::Text { name, text } => {
            if text.len() as u64 > limits.max_input_size {
                return Err(too_large(name, Some(text.len() as u64), limits));
            }
            Ok(SourceFile::new(name.clone(), text.clone()))
        }
        InputSpec::Stdin => read_stream("<stdin>", stdin, limits),
        InputSpec::Path(path) => {
            let name = display(path);
            let mut file = open(path).map_err(|e| unreadable(&name, &e))?;
            let meta = file.metadata().map_err(|e| unreadable(&name, &e))?;
            if meta.is_dir() {
                return Err(InputError::Unreadable {
                    path: name,
                    reason: "it is a directory".into(),
                });
            }
            if !meta.is_file() {
                // A pipe or a device: read as a stream.
                return read_stream(&name, &mut file, limits);
            }
            if meta.len() > limits.max_input_size {
                return Err(too_large(&name, Some(meta.len()), limits));
            }
            if meta.len() >= MAP_THRESHOLD {
                return map(name, &file);
            }
            let mut bytes = Vec::with_capacity(meta.len() as usize);
            file.read_to_end(&mut bytes)
                .map_err(|e| unreadable(&name, &e))?;
            decode(name, bytes)
        }
    }
}

#[allow(clippy::result_large_err)] // built once per input, not on a hot path
fn map(name: String, file: &std::fs::File) -> Result<Arc<SourceFile>, InputError> {
    match SourceFile::map(name.clone(), file) {
        Ok(Ok(source)) => Ok(source),
        Ok(Err(at)) => Err(InputError::NotUtf8 {
            path: name,
            line: at.line,
            column: at.column,
        }),
        Err(e) => Err(unreadable(&name, &e)),
    }
}

/// Reads a stream; past [`MAP_THRESHOLD`] bytes it goes to an anonymous temporary file,
/// which is then mapped, so that a big stdin costs no more memory than a big file.
#[allow(clippy::result_large_err)] // built once per input, not on a hot path
fn read_stream(
    name: &str,
    stream: &mut dyn Read,
    limits: &Limits,
) -> Result<Arc<SourceFile>, InputError> {
    let cap = limits.max_input_size.saturating_add(1);
    let mut bytes = Vec::new();
    stream
        .take(MAP_THRESHOLD.min(cap))
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(name, &e))?;
    if (bytes.len() as u64) < MAP_THRESHOLD.min(cap) {
        return decode(name.to_string(), bytes);
    }
    if bytes.len() as u64 > limits.max_input_size {
        return Err(too_large(name, None, limits));
    }
    let spool = |e: std::io::Error| InputError::Unreadable {
        path: name.to_string(),
        reason: format!("cannot spool the input to a temporary file: {e}"),
    };
    let mut file = tempfile::tempfile().map_err(spool)?;
    std::io::Write::write_all(&mut file, &bytes).map_err(spool)?;
    drop(bytes);
    let copied = std::io::copy(&mut stream.take(cap - MAP_THRESHOLD), &mut file)
        .map_err(|e| unreadable(name, &e))?;
    if MAP_THRESHOLD + copied > limits.max_input_size {
        return Err(too_large(name, None, limits));
    }
    map(name.to_string(), &file)
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

/// Takes the plans of a run as they are read, de-duplicated and in order, a batch at a time:
/// the engine evaluates them while the next batch is read. What it leaves in the batch is kept
/// in [`Dataset::plans`].
pub trait PlanSink {
    fn plans(&mut self, plans: &mut Vec<Plan>);
}

/// Keeps every plan.
pub struct KeepAll;

impl PlanSink for KeepAll {
    fn plans(&mut self, _: &mut Vec<Plan>) {}
}

/// Loads every input with the default [`Limits`], keeping every plan.
#[allow(clippy::result_large_err)] // errors are collected, returned once per run
pub fn load(
    specs: &[InputSpec],
    options: &LoadOptions,
    stdin: &mut dyn Read,
) -> Result<Dataset, Vec<InputError>> {
    load_with_limits(specs, options, &Limits::default(), stdin)
}

/// Loads every input, keeping every plan.
#[allow(clippy::result_large_err)] // errors are collected, returned once per run
pub fn load_with_limits(
    specs: &[InputSpec],
    options: &LoadOptions,
    limits: &Limits,
    stdin: &mut dyn Read,
) -> Result<Dataset, Vec<InputError>> {
    load_into(specs, options, limits, stdin, &mut KeepAll)
}

/// Batches of cut-out plans waiting to be read while the next is cut: bounds the memory the
/// cutting may run ahead by.
const AHEAD: usize = 2;

/// Loads every input, handing plans to `sink` as they are read. Any error fails the whole load
/// (whatever `sink` was given is then to be discarded): a run never checks part of its inputs.
#[allow(clippy::result_large_err)] // errors are collected, returned once per run
pub fn load_into(
    specs: &[InputSpec],
    options: &LoadOptions,
    limits: &Limits,
    stdin: &mut dyn Read,
    sink: &mut dyn PlanSink,
) -> Result<Dataset, Vec<InputError>> {
    let mut errors = Vec::new();
    let specs = expand(specs, &mut errors);
    let mut data = Dataset::default();
    let mut registry = Registry::default();
    // Errors found but not kept: only the first `MAX_ERRORS` of each kind per file can be
    // among the first `MAX_ERRORS` listed, in document order.
    let mut unlisted = 0usize;
    for spec in &specs {
        let file = match read_input(spec, stdin, limits) {
            Ok(file) => file,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let input = data.files.len() as u32;
        data.files.push(Arc::clone(&file));
        let mark = input + 1;
        let mut held = 0u64;
        let mut merged = 0;
        // Errors of plans, tagged with their batch; copies that differ, found de-duplicating.
        let mut plan_errors: Vec<(usize, InputError)> = Vec::new();
        let mut conflicts = Vec::new();
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<&RawValue>>(AHEAD);
        let read = std::thread::scope(|scope| {
            // The text is cut into plans on one thread while they are read (on every core),
            // de-duplicated and handed to the sink here.
            let cutter = scope.spawn(|| {
                let tx = tx;
                read_file(&file, &mut |batch| {
                    // The receiver lives until every batch is taken.
                    let _ = tx.send(batch);
                })
            });
            for (seq, batch) in rx.iter().enumerate() {
                let (mut plans, errs) = read_plans(&file, input, options.retain, &batch);
                drop(batch);
                // Only the first errors are shown: keep those, count the others (a dump with a
                // million bad plans must not hold a million errors).
                for e in errs {
                    if plan_errors.len() < MAX_ERRORS {
                        plan_errors.push((seq, e));
                    } else {
                        unlisted += 1;
                    }
                }
                let dup = registry.add(&mut plans, mark, &data.files);
                held += dup.held;
                merged += dup.merged;
                for e in dup.conflicts {
                    if conflicts.len() < MAX_ERRORS {
                        conflicts.push(e);
                    } else {
                        unlisted += 1;
                    }
                }
                // Once the load is bound to fail, plans are only checked, not evaluated.
                let failing =
                    !(errors.is_empty() && plan_errors.is_empty() && conflicts.is_empty());
                if !plans.is_empty() && !failing {
                    sink.plans(&mut plans);
                    data.plans.append(&mut plans);
                }
            }
            cutter
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        let read = match read {
            Ok(read) => read,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        // Document order: a structural error found after n batches were handed on comes after
        // the errors of the plans of those batches.
        let mut file_errors: Vec<(usize, u8, InputError)> = read
            .errors
            .into_iter()
            .map(|(n, e)| (n, 0, e))
            .chain(plan_errors.into_iter().map(|(n, e)| (n, 1, e)))
            .collect();
        file_errors.sort_by_key(|(n, kind, _)| (*n, *kind));
        // Plans refused for their own errors are still in the file: judge completeness only
        // when every plan was read.
        let judge_completeness = file_errors.is_empty();
        errors.extend(file_errors.into_iter().map(|(_, _, e)| e));
        errors.extend(conflicts);
        let facts = read.facts;
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
        if errors.len() + unlisted > MAX_ERRORS {
            let more = errors.len() + unlisted - MAX_ERRORS;
            errors.truncate(MAX_ERRORS);
            errors.push(InputError::More { count: more });
        }
        Err(errors)
    }
}

/// Every distinct plan of the run so far, whether or not the dataset keeps it: where it is and
/// which input last held it. About 30 bytes a plan.
#[derive(Default)]
struct Registry {
    seen: SeenPlans,
    origins: Vec<PlanOrigin>,
    /// For each plan, the last input (plus one) that holds a copy of it.
    held_by: Vec<u32>,
}

/// What de-duplicating one batch found.
struct Dedup {
    /// Plans of the batch held by this input (new ones, and first copies of earlier ones).
    held: u64,
    /// Identical copies merged.
    merged: usize,
    conflicts: Vec<InputError>,
}

impl Registry {
    /// Removes from `plans` (in place, keeping their order) the copies of plans already seen,
    /// and records the others.
    fn add(&mut self, plans: &mut Vec<Plan>, mark: u32, files: &[Arc<SourceFile>]) -> Dedup {
        let mut out = Dedup {
            held: 0,
            merged: 0,
            conflicts: Vec::new(),
        };
        let base = self.origins.len();
        let mut kept = 0;
        for i in 0..plans.len() {
            let found = {
                let origins = &self.origins;
                let id_is = |k: usize, id: &str| -> bool {
                    if k < base {
                        id_of(files, &origins[k]).as_deref() == Some(id)
                    } else {
                        &*plans[k - base].id == id
                    }
                };
                self.seen.find(&plans[i].id, id_is)
            };
            match found {
                None => {
                    self.seen.insert(&plans[i].id, base + kept);
                    self.held_by.push(mark);
                    out.held += 1;
                    plans.swap(kept, i);
                    kept += 1;
                }
                Some(first) => {
                    if self.held_by[first] != mark {
                        self.held_by[first] = mark;
                        out.held += 1;
                    }
                    let plan = &plans[i];
                    let first = if first < base {
                        self.origins[first]
                    } else {
                        plans[first - base].origin
                    };
                    let first_file = &files[first.input as usize];
                    let file = &files[plan.origin.input as usize];
                    if same_json(raw(first_file, &first), raw(file, &plan.origin)) {
                        out.merged += 1;
                    } else {
                        let at = At::new(file, plan.origin.offset as usize, 1);
                        let first_at = At::new(first_file, first.offset as usize, 1);
                        out.conflicts.push(InputError::ConflictingCopies {
                            plan: plan.id.to_string(),
                            first: first_at.to_string(),
                            file: Arc::clone(file),
                            span: at.span,
                            at,
                        });
                    }
                }
            }
        }
        plans.truncate(kept);
        self.origins.extend(plans.iter().map(|p| p.origin));
        out
    }
}

/// The id of the plan at `origin`, read again from its file.
fn id_of(files: &[Arc<SourceFile>], origin: &PlanOrigin) -> Option<Box<str>> {
    let file = &files[origin.input as usize];
    let raw: &RawValue = serde_json::from_str(raw(file, origin)).ok()?;
    read_plan(
        file,
        origin.input,
        raw,
        FieldSet::default(),
        &mut Vec::new(),
    )
    .map(|p| p.id)
}

/// Plan ids seen so far, by a 32-bit hash, each pointing at the plan kept for it: 8 bytes an
/// entry instead of a copy of every id. Ids whose hashes collide (and indexes beyond 32 bits)
/// go to a side map.
#[derive(Default)]
struct SeenPlans {
    by_hash: HashMap<u32, u32, BuildHasherDefault<Spread>>,
    collided: HashMap<Box<str>, usize>,
    hasher: std::hash::RandomState,
}

impl SeenPlans {
    fn hash(&self, id: &str) -> u32 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(id) as u32
    }

    /// The index recorded for `id`; `id_is(index, id)` tells whether the plan at an index has
    /// that id.
    fn find(&self, id: &str, id_is: impl Fn(usize, &str) -> bool) -> Option<usize> {
        match self.by_hash.get(&self.hash(id)) {
            Some(&i) if id_is(i as usize, id) => Some(i as usize),
            Some(_) => self.collided.get(id).copied(),
            None if self.collided.is_empty() => None,
            None => self.collided.get(id).copied(),
        }
    }

    /// Records an id that [`SeenPlans::find`] did not find.
    fn insert(&mut self, id: &str, index: usize) {
        use std::collections::hash_map::Entry;
        let hash = self.hash(id);
        match (self.by_hash.entry(hash), u32::try_from(index)) {
            (Entry::Vacant(e), Ok(index)) => {
                e.insert(index);
            }
            _ => {
                self.collided.insert(id.into(), index);
            }
        }
    }
}

/// Hashes the keys of [`SeenPlans`], which are already hashes, by spreading their bits over 64.
#[derive(Default)]
struct Spread(u64);

impl std::hash::Hasher for Spread {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

fn raw<'a>(file: &'a SourceFile, origin: &PlanOrigin) -> &'a str {
    let start = origin.offset as usize;
    &file.text()[start..start + origin.len as usize]
}

/// Whether two plan objects hold the same JSON, whatever their layout.
fn same_json(a: &str, b: &str) -> bool {
    a == b
        || matches!(
            (serde_json::from_str::<serde_json::Value>(a), serde_json::from_str::<serde_json::Value>(b)),
            (Ok(x), Ok(y)) if x == y
        )
}
