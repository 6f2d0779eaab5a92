//! Where plans come from: saved dumps and the live DBS API.

pub mod api;
pub mod dump;
pub mod error;
pub mod file;
pub mod load;
pub mod plan_reader;

pub use dump::Shape;
pub use error::InputError;
pub use file::{LineCol, SourceFile};
pub use load::{
    human_size, load, load_into, load_with_limits, parse_size, Completeness, Dataset, InputSpec,
    InputSummary, KeepAll, Limits, LoadOptions, PlanSink, DEFAULT_MAX_INPUT_SIZE,
};
