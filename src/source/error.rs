//! Input errors: an unreadable, malformed, failed or incomplete dump. All exit with code 3.

use std::sync::Arc;

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::file::SourceFile;

/// Deepest nesting of arrays and objects a dump may have (serde_json's recursion limit).
pub const MAX_NESTING: usize = 128;

/// Where in an input a problem is: the file, and a span when one is known.
#[derive(Debug, Clone)]
pub struct At {
    pub file: Arc<SourceFile>,
    pub span: SourceSpan,
    pub line: usize,
    pub column: usize,
}

impl At {
    pub fn new(file: &Arc<SourceFile>, offset: usize, len: usize) -> At {
        let pos = file.line_col(offset);
        At {
            file: Arc::clone(file),
            span: SourceSpan::new(offset.into(), len),
            line: pos.line,
            column: pos.column,
        }
    }
}

impl std::fmt::Display for At {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.name(), self.line, self.column)
    }
}

#[derive(Debug, Error, Diagnostic)]
pub enum InputError {
    #[error("cannot read {path}: {reason}")]
    #[diagnostic(code(input::unreadable))]
    Unreadable { path: String, reason: String },

    #[error("{path}: the directory holds no *.json file")]
    #[diagnostic(
        code(input::empty_directory),
        help("dbs-lint reads every *.json file of a directory; an empty directory is not a clean run")
    )]
    EmptyDirectory { path: String },

    #[error("{path}: the input is {}larger than the limit of {limit}", size.as_ref().map(|s| format!("{s}, ")).unwrap_or_default())]
    #[diagnostic(
        code(input::too_large),
        help(
            "raise the limit with --max-input-size (default 4 GiB), or split the dump into pages"
        )
    )]
    TooLarge {
        path: String,
        size: Option<String>,
        limit: String,
    },

    #[error("{path}: the file is empty")]
    #[diagnostic(code(input::empty))]
    Empty { path: String },

    #[error("{path}:{line}:{column}: the file is not valid UTF-8")]
    #[diagnostic(code(input::not_utf8), help("DBS dumps are JSON, which is UTF-8"))]
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
    },

    #[error("{at}: invalid JSON: {message}")]
    #[diagnostic(code(input::syntax))]
    Syntax {
        message: String,
        #[source_code]
        file: Arc<SourceFile>,
        #[label("{message}")]
        span: SourceSpan,
        at: At,
    },

    #[error("{at}: {message}")]
    #[diagnostic(code(input::shape))]
    Shape {
        message: String,
        #[help]
        help: Option<String>,
        #[source_code]
        file: Arc<SourceFile>,
        #[label("here")]
        span: SourceSpan,
        at: At,
    },

    #[error("{at}: the dump holds a failed API call: {code}: {message}{}", request_id.as_ref().map(|r| format!(" (RequestId {r})")).unwrap_or_default())]
    #[diagnostic(
        code(input::api_failure),
        help("the saved response is an error, not a list of plans; fetch the plans again")
    )]
    ApiFailure {
        code: String,
        message: String,
        request_id: Option<String>,
        #[source_code]
        file: Arc<SourceFile>,
        #[label("the call failed")]
        span: SourceSpan,
        at: At,
    },

    #[error("{path}: incomplete dump: holds {holds} of {total} plans")]
    #[diagnostic(
        code(input::incomplete),
        help("fetch every page (aliyun's --pager needs `NextToken=` for DBS), or pass --allow-partial to check what is there and report the gap")
    )]
    Incomplete {
        path: String,
        holds: u64,
        total: u64,
        #[source_code]
        file: Arc<SourceFile>,
        #[label("TotalElements says {total}")]
        span: SourceSpan,
    },

    #[error("{at}: plan {plan}: {field} {message}")]
    #[diagnostic(code(input::bad_value))]
    BadValue {
        plan: String,
        field: &'static str,
        message: String,
        #[help]
        help: Option<String>,
        #[source_code]
        file: Arc<SourceFile>,
        #[label("{message}")]
        span: SourceSpan,
        at: At,
    },

    #[error("{at}: a plan has no BackupPlanId")]
    #[diagnostic(
        code(input::no_plan_id),
        help("every plan needs a BackupPlanId to be reported, waived and compared")
    )]
    NoPlanId {
        #[source_code]
        file: Arc<SourceFile>,
        #[label("this plan")]
        span: SourceSpan,
        at: At,
    },

    #[error("{at}: plan {plan}: key {key} appears twice")]
    #[diagnostic(code(input::duplicate_key))]
    DuplicateKey {
        plan: String,
        key: String,
        #[source_code]
        file: Arc<SourceFile>,
        #[label("second {key}")]
        span: SourceSpan,
        at: At,
    },

    #[error("{at}: plan {plan} appears twice with different values (first copy at {first})")]
    #[diagnostic(
        code(input::conflicting_copies),
        help(
            "identical copies are merged; differing copies mean the inputs disagree about the plan"
        )
    )]
    ConflictingCopies {
        plan: String,
        first: String,
        #[source_code]
        file: Arc<SourceFile>,
        #[label("this copy differs")]
        span: SourceSpan,
        at: At,
    },

    #[error("{count} more input errors not shown")]
    #[diagnostic(code(input::more))]
    More { count: usize },
}

impl InputError {
    pub fn syntax(file: &Arc<SourceFile>, offset: usize, message: String) -> InputError {
        let offset = offset.min(file.text().len());
        // serde_json stops at 128 levels of nesting; say so in words.
        let message = match message.strip_prefix("recursion limit exceeded") {
            Some(rest) => {
                format!("nested deeper than {MAX_NESTING} levels, the limit for dumps{rest}")
            }
            None => message,
        };
        let at = At::new(file, offset, 0);
        InputError::Syntax {
            message,
            file: Arc::clone(file),
            span: at.span,
            at,
        }
    }

    pub fn shape(
        file: &Arc<SourceFile>,
        offset: usize,
        len: usize,
        message: impl Into<String>,
        help: Option<String>,
    ) -> InputError {
        let at = At::new(file, offset, len);
        InputError::Shape {
            message: message.into(),
            help,
            file: Arc::clone(file),
            span: at.span,
            at,
        }
    }
}
