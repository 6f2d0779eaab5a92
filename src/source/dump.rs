//! The shapes a saved `DescribeBackupPlanList` dump can take, and how each is read.
//!
//! Accepted: a full response; the aliyun CLI `--pager` shape `{"Items":{"BackupPlanDetail":[…]}}`;
//! a bare array of plans; an array of page responses; JSON Lines of responses; the Python SDK's
//! `{"headers":…, "statusCode":…, "body":{…}}` envelope. Plans stay borrowed from the file's text
//! until each is read, so no tree of the whole dump is ever built.

use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
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

impl Envelope<'_> {
    fn is_response(&self) -> bool {
        self.items.is_some()
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

#[derive(Deserialize)]
struct Items<'a> {
    #[serde(rename = "BackupPlanDetail", borrow, default)]
    detail: Option<&'a RawValue>,
}

const SHAPES_HELP: &str = "expected a DescribeBackupPlanList response ({\"Items\":{\"BackupPlanDetail\":[…]}, …}), an array of plans, an array of responses, JSON Lines of responses, or an SDK envelope ({\"body\":{…}})";

struct Reader<'f> {
    file: &'f Arc<SourceFile>,
    input: u32,
    retain: FieldSet,
    plans: Vec<Plan>,
    errors: Vec<InputError>,
    total: Option<(u64, usize, usize)>,
    saw_totals: bool,
}

/// Reads every plan of one file. Errors are collected; plans that read cleanly are returned
/// with them so that all problems of a file can be reported at once.
pub fn read_file(
    file: &Arc<SourceFile>,
    input: u32,
    retain: FieldSet,
) -> (Vec<Plan>, Option<FileFacts>, Vec<InputError>) {
    let (body, _) = file.body();
    let mut reader = Reader {
        file,
        input,
        retain,
        plans: Vec::new(),
        errors: Vec::new(),
        total: None,
        saw_totals: false,
    };
    if body.trim().is_empty() {
        reader.errors.push(InputError::Empty {
            path: file.name().to_string(),
        });
        return (Vec::new(), None, reader.errors);
    }
    let mut documents = Vec::new();
    for doc in serde_json::Deserializer::from_str(body).into_iter::<&RawValue>() {
        match doc {
            Ok(doc) => documents.push(doc),
            Err(e) => {
                let (_, base) = file.body();
                let local = SourceFile::offset_of_line_col(body, e.line(), e.column());
                reader
                    .errors
                    .push(InputError::syntax(file, base + local, e.to_string()));
                return (Vec::new(), None, reader.errors);
            }
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
    (reader.plans, Some(facts), reader.errors)
}

impl<'f> Reader<'f> {
    fn at(&self, raw: &RawValue) -> (usize, usize) {
        (self.file.offset_of(raw.get()), raw.get().len().min(80))
    }

    fn shape_error(&mut self, raw: &RawValue, message: String, help: Option<String>) {
        let (offset, len) = self.at(raw);
        self.errors
            .push(InputError::shape(self.file, offset, len, message, help));
    }

    fn parse<'a, T: Deserialize<'a>>(&mut self, raw: &'a RawValue) -> Option<T> {
        match serde_json::from_str::<T>(raw.get()) {
            Ok(v) => Some(v),
            Err(e) => {
                let local = SourceFile::offset_of_line_col(raw.get(), e.line(), e.column());
                let offset = self.file.offset_of(raw.get()) + local;
                self.errors
                    .push(InputError::syntax(self.file, offset, e.to_string()));
                None
            }
        }
    }

    /// A top-level document of any accepted shape.
    fn document(&mut self, raw: &'f RawValue) -> Shape {
        match raw.get().as_bytes()[0] {
            b'{' => self.object(raw, false),
            b'[' => self.array(raw),
            _ => {
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
        }
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

    fn object(&mut self, raw: &'f RawValue, must_be_response: bool) -> Shape {
        let Some(env) = self.parse::<Envelope<'f>>(raw) else {
            return Shape::Response;
        };
        if env.is_sdk_envelope() {
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
        if env.items.is_none() && !env.is_response() && !must_be_response {
            self.shape_error(
                raw,
                "no Items.BackupPlanDetail: this is not a DescribeBackupPlanList response".into(),
                Some(SHAPES_HELP.into()),
            );
            return Shape::Response;
        }
        if !self.check_success(raw, &env) {
            return Shape::Response;
        }
        if let Some(total) = env.total_elements {
            self.saw_totals = true;
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
        let Some(items) = env.items else {
            self.shape_error(
                raw,
                "the response has no Items.BackupPlanDetail".into(),
                Some("a successful DescribeBackupPlanList response lists its plans under Items.BackupPlanDetail".into()),
            );
            return Shape::Response;
        };
        self.items(items);
        if env.success.is_some() || env.total_elements.is_some() || env.request_id.is_some() {
            Shape::Response
        } else {
            Shape::Pager
        }
    }

    /// Fails closed on error bodies and `Success: false`. Returns whether to go on.
    fn check_success(&mut self, raw: &RawValue, env: &Envelope<'_>) -> bool {
        let text = |v: Option<&RawValue>| -> Option<String> {
            v.map(|r| {
                serde_json::from_str::<String>(r.get()).unwrap_or_else(|_| r.get().to_string())
            })
        };
        let request_id = text(env.request_id);
        let failed = match env.success.map(|s| s.get()) {
            None => env.code.is_some() && env.items.is_none(),
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
            let at = At::new(self.file, self.file.offset_of(raw.get()), 1);
            self.errors.push(InputError::ApiFailure {
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
            // Plans are independent: read them on every core, keeping document order.
            let (file, input, retain) = (self.file, self.input, self.retain);
            let read: Vec<(Option<Plan>, Vec<InputError>)> = plans
                .par_iter()
                .with_min_len(256)
                .map(|raw| {
                    let mut errors = Vec::new();
                    let plan = read_plan(file, input, raw, retain, &mut errors);
                    (plan, errors)
                })
                .collect();
            self.plans.reserve(read.len());
            for (plan, errors) in read {
                self.plans.extend(plan);
                self.errors.extend(errors);
            }
        }
    }

    fn plan(&mut self, raw: &RawValue) {
        if let Some(plan) = read_plan(self.file, self.input, raw, self.retain, &mut self.errors) {
            self.plans.push(plan);
        }
    }

    /// A top-level array: of plans, or of page responses (not both).
    fn array(&mut self, raw: &'f RawValue) -> Shape {
        let Some(elements) = self.parse::<Vec<&'f RawValue>>(raw) else {
            return Shape::PlanArray;
        };
        let mut shape = None;
        for element in elements {
            let is_page = element.get().starts_with('{')
                && serde_json::from_str::<Envelope<'_>>(element.get())
                    .is_ok_and(|e| e.is_response());
            let this = if is_page {
                Shape::PageArray
            } else {
                Shape::PlanArray
            };
            match shape {
                None => shape = Some(this),
                Some(s) if s != this => {
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
                self.object(element, true);
            } else {
                self.plan(element);
            }
        }
        shape.unwrap_or(Shape::PlanArray)
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
