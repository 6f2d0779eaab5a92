//! dbs-lint: policy compliance linter for Alibaba Cloud DBS backup plans.
//!
//! The library never prints: every report is written to a `&mut dyn Write`, and every problem
//! is returned as a typed error. The `dbs-lint` binary (`src/main.rs`, `cli`) is the only code
//! that prints or decides the exit code.

pub mod cli;
pub mod diff;
pub mod engine;
pub mod evidence;
pub mod model;
pub mod policy;
pub mod report;
pub mod source;
