//! The shapes a saved `DescribeBackupPlanList` dump can take, and how each is read.
//!
//! Accepted: a full response; the aliyun CLI `--pager` shape `{"Items":{"BackupPlanDetail":[…]}}`;
//! a bare array of plans; an array of page responses; JSON Lines of responses; the Python SDK's
//! `{"headers":…, "statusCode":…, "body":{…}}` envelope.
//!
//! A dump is read front to back in one pass: the keys of a response are read as they come, and
//! the plans of its `Items.BackupPlanDetail` array are cut out of the text a batch at a time and
//! handed on ([`read_file`]'s `emit`) to be read on every core ([`read_plans`]) while the next
//! batch is cut, after which the file may release that part of its text. No tree of the dump is
//! ever built.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

use super::error::{At, InputError};
use super::file::SourceFile;
use super::plan_reader::{json_kind, read_plan};
use crate::model::{FieldSet, Plan};

/// How an input was laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// A whole `DescribeBackupPlanList` response.
    Response,
    /// `{"Items":{"BackupPlanDetail":[…]}}` without totals (aliyun `--pager`).
    Pager,
    /// A bare JSON array of plans.
    PlanArray,
    /// A JSON array of page responses.
    PageArray,
    /// One response per line.
    JsonLines,
    /// The Python SDK's `to_map()` envelope around a response.
    SdkEnvelope,
}

impl Shape {
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Response => "DescribeBackupPlanList response",
            Shape::Pager => "aliyun --pager output",
            Shape::PlanArray => "array of plans",
            Shape::PageArray => "array of page responses",
            Shape::JsonLines => "JSON Lines of responses",
            Shape::SdkEnvelope => "SDK response envelope",
        }
    }
}

/// What one file said about itself, besides its plans.
#[derive(Debug, Clone)]
pub struct FileFacts {
    pub shape: Shape,
    pub documents: usize,
    /// The largest `TotalElements` any of its responses claims, and where it says so.
    pub total_elements: Option<(u64, usize, usize)>,
}

/// The keys of a response (or an SDK envelope) that matter here; plans stay raw.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "Items", borrow, default)]
    items: Option<&'a RawValue>,
    #[serde(rename = "Success", borrow, default)]
    success: Option<&'a RawValue>,
    #[serde(rename = "TotalElements", borrow, default)]
    total_elements: Option<&'a RawValue>,
    #[serde(rename = "RequestId", borrow, default)]
    request_id: Option<&'a RawValue>,
    #[serde(rename = "Code", borrow, default)]
    code: Option<&'a RawValue>,
    #[serde(rename = "Message", borrow, default)]
    message: Option<&'a RawValue>,
    #[serde(rename = "ErrCode", borrow, default)]
    err_code: Option<&'a RawValue>,
    #[serde(rename = "ErrMessage", borrow, default)]
    err_message: Option<&'a RawValue>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
    #[serde(rename = "statusCode", borrow, default)]
    status_code: Option<&'a RawValue>,
    #[serde(borrow, default)]
    headers: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Items<'a> {
    #[serde(rename = "BackupPlanDetail", borrow, default)]
    detail: Option<&'a RawValue>,
}

const SHAPES_HELP: &str = "expected a DescribeBackupPlanList response ({\"Items\":{\"BackupPlanDetail\":[…]}, …}), an array of plans, an array of responses, JSON Lines of responses, or an SDK envelope ({\"body\":{…}})";

/// Plans cut out of the text before they are read on every core (and their text released).
const BATCH: usize = 1024;

/// The keys of a response that matter, with `Items` possibly already read on the way.
#[derive(Default)]
struct Env<'a> {
    items: ItemsVal<'a>,
    success: Option<&'a RawValue>,
    total_elements: Option<&'a RawValue>,
    request_id: Option<&'a RawValue>,
    code: Option<&'a RawValue>,
    message: Option<&'a RawValue>,
    err_code: Option<&'a RawValue>,
    err_message: Option<&'a RawValue>,
    body: Option<&'a RawValue>,
    status_code: Option<&'a RawValue>,
    headers: Option<&'a RawValue>,
}

/// A response's `Items`: absent (or null), kept raw, or read while the response was read.
#[derive(Default)]
enum ItemsVal<'a> {
    #[default]
    Absent,
    Raw(&'a RawValue),
    Streamed {
        /// Byte offset of the `Items` object.
        offset: usize,
        detail: DetailVal<'a>,
    },
}

/// `Items.BackupPlanDetail` of a streamed `Items`.
enum DetailVal<'a> {
    Absent,
    Raw(&'a RawValue),
    /// Read: its plans were handed on as they were cut.
    Streamed,
}

impl<'a> From<Envelope<'a>> for Env<'a> {
    fn from(e: Envelope<'a>) -> Env<'a> {
        Env {
            items: e.items.map_or(ItemsVal::Absent, ItemsVal::Raw),
            success: e.success,
            total_elements: e.total_elements,
            request_id: e.request_id,
            code: e.code,
            message: e.message,
            err_code: e.err_code,
            err_message: e.err_message,
            body: e.body,
            status_code: e.status_code,
            headers: e.headers,
        }
    }
}

impl Env<'_> {
    fn has_items(&self) -> bool {
        !matches!(self.items, ItemsVal::Absent)
    }
    fn is_response(&self) -> bool {
        self.has_items()
            || self.success.is_some()
            || self.total_elements.is_some()
            || self.request_id.is_some()
            || self.code.is_some()
            || self.is_sdk_envelope()
    }
    fn is_sdk_envelope(&self) -> bool {
        self.body.is_some() && (self.status_code.is_some() || self.headers.is_some())
    }
}

/// The keys [`Env`] keeps, in the order of its fields.
const ENV_KEYS: [&str; 11] = [
    "Items",
    "Success",
    "TotalElements",
    "RequestId",
    "Code",
    "Message",
    "ErrCode",
    "ErrMessage",
    "body",
    "statusCode",
    "headers",
];

/// Receives the plans of a file, cut out of its text in document order, a batch at a time.
pub type Emit<'e, 'f> = dyn FnMut(Vec<&'f RawValue>) + 'e;

struct Reader<'f, 'e> {
    file: &'f Arc<SourceFile>,
    emit: RefCell<&'e mut Emit<'e, 'f>>,
    /// Batches handed on so far.
    emitted: Cell<usize>,
    errors: Vec<Tagged>,
    total: Option<(u64, usize, usize)>,
}

/// An error of a file's structure, with the number of batches of plans handed on before it was
/// found: the plans' own errors (found by [`read_plans`]) go between them in that order.
pub type Tagged = (usize, InputError);

/// What reading a file's structure found. Its plans went to `emit` as they were cut.
pub struct FileRead {
    pub facts: FileFacts,
    pub errors: Vec<Tagged>,
}

/// Reads one file front to back, handing its plans to `emit` a batch at a time (as raw JSON
/// objects, to be read by [`read_plans`]). An error that stops the reading (not JSON, empty) is
/// returned alone: the plans already handed on are then not to be checked.
#[allow(clippy::result_large_err)] // once per file
pub fn read_file<'f>(
    file: &'f Arc<SourceFile>,
    emit: &mut Emit<'_, 'f>,
) -> Result<FileRead, InputError> {
    let (body, base) = file.body();
    let content = body.trim_start();
    if content.trim_end().is_empty() {
        return Err(InputError::Empty {
            path: file.name().to_string(),
        });
    }
    let syntax = |e: serde_json::Error| {
        let offset = file.offset_of_body_line_col(e.line(), e.column());
        Err(InputError::syntax(file, offset, e.to_string()))
    };
    let mut reader = Reader {
        file,
        emit: RefCell::new(emit),
        emitted: Cell::new(0),
        errors: Vec::new(),
        total: None,
    };
    // One object or array (nearly every dump): read it in one pass.
    if matches!(content.as_bytes()[0], b'{' | b'[') {
        let start = base + (body.len() - content.len());
        let mut de = serde_json::Deserializer::from_str(body);
        let shape = match (TopSeed {
            reader: &mut reader,
            start,
        })
        .deserialize(&mut de)
        {
            Ok(shape) => shape,
            Err(e) => return syntax(e),
        };
        if de.end().is_ok() {
            let facts = FileFacts {
                shape,
                documents: 1,
                total_elements: reader.total,
            };
            return Ok(FileRead {
                facts,
                errors: reader.errors,
            });
        }
        // More documents follow: JSON Lines. The first was read as a response (its plans are
        // already handed on); the others are read as responses after it.
        let first_end = {
            let mut docs = serde_json::Deserializer::from_str(body).into_iter::<IgnoredAny>();
            let _ = docs.next();
            docs.byte_offset()
        };
        if content.starts_with('[') {
            reader.shape_error_at(
                start,
                "each line of a JSON Lines dump must be a response object, found an array".into(),
                None,
            );
        }
        let rest = &body[first_end..];
        let mut documents = 1;
        for doc in serde_json::Deserializer::from_str(rest).into_iter::<&RawValue>() {
            match doc {
                Ok(doc) => {
                    documents += 1;
                    reader.response_only(doc);
                }
                Err(e) => {
                    let local = SourceFile::offset_of_line_col(rest, e.line(), e.column());
                    return Err(InputError::syntax(
                        file,
                        file.offset_of(rest) + local,
                        e.to_string(),
                    ));
                }
            }
        }
        return Ok(FileRead {
            facts: FileFacts {
                shape: Shape::JsonLines,
                documents,
                total_elements: reader.total,
            },
            errors: reader.errors,
        });
    }
    // Starts with neither an object nor an array.
    let mut documents = Vec::new();
    for doc in serde_json::Deserializer::from_str(body).into_iter::<&RawValue>() {
        match doc {
            Ok(doc) => documents.push(doc),
            Err(e) => return syntax(e),
        }
    }
    let shape = if documents.len() > 1 {
        for doc in &documents {
            reader.response_only(doc);
        }
        Shape::JsonLines
    } else {
        reader.document(documents[0])
    };
    let facts = FileFacts {
        shape,
        documents: documents.len(),
        total_elements: reader.total,
    };
    Ok(FileRead {
        facts,
        errors: reader.errors,
    })
}

/// Reads cut-out plans on every core, in document order, keeping the fields of `retain`, then
/// lets the file release their text. Plans with errors are left out and their errors returned.
pub fn read_plans(
    file: &Arc<SourceFile>,
    input: u32,
    retain: FieldSet,
    batch: &[&RawValue],
) -> (Vec<Plan>, Vec<InputError>) {
    let Some(last) = batch.last() else {
        return (Vec::new(), Vec::new());
    };
    let read: Vec<(Option<Plan>, Vec<InputError>)> = batch
        .par_iter()
        .with_min_len(256)
        .map(|raw| {
            let mut errors = Vec::new();
            let plan = read_plan(file, input, raw, retain, &mut errors);
            (plan, errors)
        })
        .collect();
    let mut plans = Vec::with_capacity(read.len());
    let mut errors = Vec::new();
    for (plan, errs) in read {
        plans.extend(plan);
        errors.extend(errs);
    }
    file.release_before(file.offset_of(last.get()));
    (plans, errors)
}

impl<'f> Reader<'f, '_> {
    fn error(&mut self, e: InputError) {
        self.errors.push((self.emitted.get(), e));
    }

    fn at(&self, raw: &RawValue) -> (usize, usize) {
        (self.file.offset_of(raw.get()), raw.get().len().min(80))
    }

    /// Length (at most 80) of the JSON value at `offset`, for the span of an error.
    fn span_len_at(&self, offset: usize) -> usize {
        let text = &self.file.text()[offset..];
        serde_json::Deserializer::from_str(text)
            .into_iter::<&RawValue>()
            .next()
            .and_then(Result::ok)
            .map_or(1, |raw| raw.get().len().min(80))
    }

    fn shape_error(&mut self, raw: &RawValue, message: String, help: Option<String>) {
        let (offset, len) = self.at(raw);
        self.error(InputError::shape(self.file, offset, len, message, help));
    }

    fn shape_error_at(&mut self, offset: usize, message: String, help: Option<String>) {
        let len = self.span_len_at(offset);
        self.error(InputError::shape(self.file, offset, len, message, help));
    }

    fn parse<'a, T: Deserialize<'a>>(&mut self, raw: &'a RawValue) -> Option<T> {
        match serde_json::from_str::<T>(raw.get()) {
            Ok(v) => Some(v),
            Err(e) => {
                let local = SourceFile::offset_of_line_col(raw.get(), e.line(), e.column());
                let offset = self.file.offset_of(raw.get()) + local;
                self.error(InputError::syntax(self.file, offset, e.to_string()));
                None
            }
        }
    }

    /// A top-level document that is neither an object nor an array.
    fn document(&mut self, raw: &'f RawValue) -> Shape {
        self.shape_error(
            raw,
            format!(
                "expected a JSON object or array, found {}",
                json_kind(raw.get())
            ),
            Some(SHAPES_HELP.into()),
        );
        Shape::Response
    }

    /// A JSON Lines entry: a response or an SDK envelope.
    fn response_only(&mut self, raw: &'f RawValue) {
        if raw.get().starts_with('{') {
            self.object(raw, true);
        } else {
            self.shape_error(
                raw,
                format!(
                    "each line of a JSON Lines dump must be a response object, found {}",
                    json_kind(raw.get())
                ),
                None,
            );
        }
    }

    /// A response object held raw (a page, a line, an SDK body).
    fn object(&mut self, raw: &'f RawValue, must_be_response: bool) -> Shape {
        let Some(env) = self.parse::<Envelope<'f>>(raw) else {
            return Shape::Response;
        };
        self.response(self.file.offset_of(raw.get()), env.into(), must_be_response)
    }

    /// A response whose object starts at `offset`.
    fn response(&mut self, offset: usize, env: Env<'f>, must_be_response: bool) -> Shape {
        if env.is_sdk_envelope() {
            if matches!(env.items, ItemsVal::Streamed { .. }) {
                self.shape_error_at(
                    offset,
                    "this object is both a response (it has Items) and an SDK envelope (body with statusCode or headers): which plans to check is ambiguous".into(),
                    Some(SHAPES_HELP.into()),
                );
                return Shape::SdkEnvelope;
            }
            let body = env.body.expect("checked");
            if body.get().starts_with('{') {
                self.object(body, true);
            } else {
                self.shape_error(
                    body,
                    format!(
                        "the SDK envelope's body must be a response object, found {}",
                        json_kind(body.get())
                    ),
                    None,
                );
            }
            return Shape::SdkEnvelope;
        }
        if !env.is_response() && !must_be_response {
            self.shape_error_at(
                offset,
                "no Items.BackupPlanDetail: this is not a DescribeBackupPlanList response".into(),
                Some(SHAPES_HELP.into()),
            );
            return Shape::Response;
        }
        if !self.check_success(offset, &env) {
            return Shape::Response;
        }
        if let Some(total) = env.total_elements {
            match parse_count(total.get()) {
                Some(n) => {
                    let (offset, len) = self.at(total);
                    if self.total.is_none_or(|(t, _, _)| n > t) {
                        self.total = Some((n, offset, len));
                    }
                }
                None => self.shape_error(
                    total,
                    format!(
                        "TotalElements must be a non-negative whole number, found {}",
                        total.get()
                    ),
                    None,
                ),
            }
        }
        let shape =
            if env.success.is_some() || env.total_elements.is_some() || env.request_id.is_some() {
                Shape::Response
            } else {
                Shape::Pager
            };
        match env.items {
            ItemsVal::Absent => {
                self.shape_error_at(
                    offset,
                    "the response has no Items.BackupPlanDetail".into(),
                    Some("a successful DescribeBackupPlanList response lists its plans under Items.BackupPlanDetail".into()),
                );
                return Shape::Response;
            }
            ItemsVal::Raw(items) => self.items(items),
            ItemsVal::Streamed { offset, detail } => match detail {
                DetailVal::Absent => {
                    self.shape_error_at(offset, "Items has no BackupPlanDetail".into(), None)
                }
                DetailVal::Raw(detail) => self.detail(detail),
                DetailVal::Streamed => {}
            },
        }
        shape
    }

    /// Fails closed on error bodies and `Success: false`. Returns whether to go on.
    fn check_success(&mut self, offset: usize, env: &Env<'_>) -> bool {
        let text = |v: Option<&RawValue>| -> Option<String> {
            v.map(|r| {
                serde_json::from_str::<String>(r.get()).unwrap_or_else(|_| r.get().to_string())
            })
        };
        let request_id = text(env.request_id);
        let failed = match env.success.map(|s| s.get()) {
            None => env.code.is_some() && !env.has_items(),
            Some("true") | Some("\"true\"") => false,
            Some("false") | Some("\"false\"") => true,
            Some(other) => {
                let other = other.to_string();
                self.shape_error(
                    env.success.expect("some"),
                    format!("Success must be true or false, found {other}"),
                    None,
                );
                return false;
            }
        };
        if failed {
            let code = text(env.code.or(env.err_code)).unwrap_or_else(|| "(no code)".into());
            let message =
                text(env.message.or(env.err_message)).unwrap_or_else(|| "(no message)".into());
            let at = At::new(self.file, offset, 1);
            self.error(InputError::ApiFailure {
                code,
                message,
                request_id,
                file: Arc::clone(self.file),
                span: at.span,
                at,
            });
        }
        !failed
    }

    /// `Items` held raw.
    fn items(&mut self, items: &'f RawValue) {
        if !items.get().starts_with('{') {
            self.shape_error(
                items,
                format!(
                    "Items must be an object holding BackupPlanDetail, found {}",
                    json_kind(items.get())
                ),
                None,
            );
            return;
        }
        let Some(items_obj) = self.parse::<Items<'f>>(items) else {
            return;
        };
        let Some(detail) = items_obj.detail else {
            self.shape_error(items, "Items has no BackupPlanDetail".into(), None);
            return;
        };
        self.detail(detail);
    }

    /// `Items.BackupPlanDetail` held raw.
    fn detail(&mut self, detail: &'f RawValue) {
        if !detail.get().starts_with('[') {
            self.shape_error(
                detail,
                format!(
                    "BackupPlanDetail must be an array of plans, found {}",
                    json_kind(detail.get())
                ),
                None,
            );
            return;
        }
        if let Some(plans) = self.parse::<Vec<&'f RawValue>>(detail) {
            for chunk in plans.chunks(BATCH) {
                self.hand_on(chunk.to_vec());
            }
        }
    }

    /// Hands a batch of cut-out plans on.
    fn hand_on(&self, batch: Vec<&'f RawValue>) {
        if !batch.is_empty() {
            (self.emit.borrow_mut())(batch);
            self.emitted.set(self.emitted.get() + 1);
        }
    }

    /// Elements of a top-level array: plans, or page responses (not both).
    fn elements(&mut self, batch: &[&'f RawValue], shape: &mut Option<Shape>) {
        let pages: Vec<bool> = batch
            .par_iter()
            .with_min_len(64)
            .map(|element| {
                element.get().starts_with('{')
                    && serde_json::from_str::<Envelope<'_>>(element.get())
                        .is_ok_and(|e| Env::from(e).is_response())
            })
            .collect();
        let mut run: Vec<&'f RawValue> = Vec::new();
        for (&element, is_page) in batch.iter().zip(pages) {
            let this = if is_page {
                Shape::PageArray
            } else {
                Shape::PlanArray
            };
            match *shape {
                None => *shape = Some(this),
                Some(s) if s != this => {
                    self.flush(&mut run);
                    self.shape_error(
                        element,
                        format!(
                            "this array mixes plans and page responses: this element is {}",
                            if is_page {
                                "a page response"
                            } else {
                                "not a page response"
                            }
                        ),
                        None,
                    );
                    continue;
                }
                Some(_) => {}
            }
            if is_page {
                self.flush(&mut run);
                self.object(element, true);
            } else {
                run.push(element);
            }
        }
        self.flush(&mut run);
    }

    /// Hands the plans of `run` on.
    fn flush(&mut self, run: &mut Vec<&'f RawValue>) {
        self.hand_on(std::mem::take(run));
    }

    /// Offset of the value after the key that ends at `key_end` (past its closing quote).
    fn value_start(&self, key_end: usize) -> Option<usize> {
        let bytes = self.file.text().as_bytes();
        let mut at = key_end;
        let skip = |at: &mut usize| {
            while bytes
                .get(*at)
                .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            {
                *at += 1;
            }
        };
        skip(&mut at);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        at += 1;
        skip(&mut at);
        (at < bytes.len()).then_some(at)
    }

    /// Whether the value after a key is an object (`{`) or an array (`[`), when known.
    fn value_starts_with(&self, key: &Key<'_>, open: u8) -> Option<usize> {
        let start = self.value_start(key.end?)?;
        (self.file.text().as_bytes()[start] == open).then_some(start)
    }
}

/// A key, and where it ends in the file when it is written without escapes.
struct Key<'a> {
    name: Cow<'a, str>,
    /// Offset just past the closing quote.
    end: Option<usize>,
}

struct KeySeed<'r> {
    file: &'r SourceFile,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Key {
            name: Cow::Borrowed(v),
            end: Some(self.file.offset_of(v) + v.len() + 1),
        })
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Key {
            name: Cow::Owned(v.to_string()),
            end: None,
        })
    }
}

/// The top-level object or array of a one-document dump.
struct TopSeed<'r, 'f, 'e> {
    reader: &'r mut Reader<'f, 'e>,
    /// Offset of the document.
    start: usize,
}

impl<'f> DeserializeSeed<'f> for TopSeed<'_, 'f, '_> {
    type Value = Shape;
    fn deserialize<D: Deserializer<'f>>(self, d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'f> Visitor<'f> for TopSeed<'_, 'f, '_> {
    type Value = Shape;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object or array")
    }

    fn visit_map<A: MapAccess<'f>>(self, mut map: A) -> Result<Shape, A::Error> {
        let reader = self.reader;
        let mut env = Env::default();
        let mut seen = 0u16;
        while let Some(key) = map.next_key_seed(KeySeed { file: reader.file })? {
            let Some(slot) = ENV_KEYS.iter().position(|k| *k == key.name) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if seen & (1 << slot) != 0 {
                return Err(de::Error::duplicate_field(ENV_KEYS[slot]));
            }
            seen |= 1 << slot;
            if slot == 0 {
                env.items = match reader.value_starts_with(&key, b'{') {
                    Some(offset) => {
                        let detail = map.next_value_seed(ItemsSeed { reader: &*reader })?;
                        ItemsVal::Streamed { offset, detail }
                    }
                    None => match map.next_value::<&'f RawValue>()? {
                        raw if raw.get() == "null" => ItemsVal::Absent,
                        raw => ItemsVal::Raw(raw),
                    },
                };
                continue;
            }
            let raw: &'f RawValue = map.next_value()?;
            let value = (raw.get() != "null").then_some(raw);
            *match slot {
                1 => &mut env.success,
                2 => &mut env.total_elements,
                3 => &mut env.request_id,
                4 => &mut env.code,
                5 => &mut env.message,
                6 => &mut env.err_code,
                7 => &mut env.err_message,
                8 => &mut env.body,
                9 => &mut env.status_code,
                _ => &mut env.headers,
            } = value;
        }
        Ok(reader.response(self.start, env, false))
    }

    fn visit_seq<A: SeqAccess<'f>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let reader = self.reader;
        let mut shape = None;
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(element) = seq.next_element::<&'f RawValue>()? {
            batch.push(element);
            if batch.len() == BATCH {
                reader.elements(&batch, &mut shape);
                batch.clear();
            }
        }
        reader.elements(&batch, &mut shape);
        Ok(shape.unwrap_or(Shape::PlanArray))
    }
}

/// A response's `Items` object, read as it comes.
struct ItemsSeed<'r, 'f, 'e> {
    reader: &'r Reader<'f, 'e>,
}

impl<'f> DeserializeSeed<'f> for ItemsSeed<'_, 'f, '_> {
    type Value = DetailVal<'f>;
    fn deserialize<D: Deserializer<'f>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'f> Visitor<'f> for ItemsSeed<'_, 'f, '_> {
    type Value = DetailVal<'f>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object holding BackupPlanDetail")
    }
    fn visit_map<A: MapAccess<'f>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let reader = self.reader;
        let mut detail = DetailVal::Absent;
        let mut seen = false;
        while let Some(key) = map.next_key_seed(KeySeed { file: reader.file })? {
            if key.name != "BackupPlanDetail" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if seen {
                return Err(de::Error::duplicate_field("BackupPlanDetail"));
            }
            seen = true;
            detail = if reader.value_starts_with(&key, b'[').is_some() {
                map.next_value_seed(DetailSeed { reader })?;
                DetailVal::Streamed
            } else {
                match map.next_value::<&'f RawValue>()? {
                    raw if raw.get() == "null" => DetailVal::Absent,
                    raw => DetailVal::Raw(raw),
                }
            };
        }
        Ok(detail)
    }
}

/// `Items.BackupPlanDetail`: plans cut out and handed on a batch at a time.
struct DetailSeed<'r, 'f, 'e> {
    reader: &'r Reader<'f, 'e>,
}

impl<'f> DeserializeSeed<'f> for DetailSeed<'_, 'f, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'f>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'f> Visitor<'f> for DetailSeed<'_, 'f, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of plans")
    }
    fn visit_seq<A: SeqAccess<'f>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(raw) = seq.next_element::<&'f RawValue>()? {
            batch.push(raw);
            if batch.len() == BATCH {
                self.reader
                    .hand_on(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        }
        self.reader.hand_on(batch);
        Ok(())
    }
}

/// A count: a non-negative whole JSON number, or a string holding one.
fn parse_count(raw: &str) -> Option<u64> {
    let text = raw.trim().trim_matches('"');
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}
