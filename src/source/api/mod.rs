//! Live DBS OpenAPI client: signed RPC calls to `DescribeBackupPlanList`, paged, retried and
//! checked for completeness, turned into a dump the offline loader reads.
//!
//! Entry points: resolve [`credentials::resolve_credentials`] and
//! [`regions::resolve_regions`], build a [`DbsClient`], then [`fetch()`] and
//! [`to_dump_json`] (or let `cli::live::run_live` do all of it). The library never prints;
//! progress goes to a [`FetchProgress`]. [`ApiError::class`] tells the CLI the exit code:
//! [`ErrorClass::Usage`] is 2, [`ErrorClass::Input`] is 3.

pub mod client;
pub mod credentials;
pub mod dump;
pub mod endpoint;
pub mod error;
pub mod fetch;
pub mod outcome;
pub mod paging;
pub mod progress;
pub mod regions;
pub mod retry;
pub mod sign;

pub use client::{ClientConfig, DbsClient};
pub use credentials::{CredentialSource, Credentials, ResolvedCredentials, Secret};
pub use dump::to_dump_json;
pub use endpoint::Endpoint;
pub use error::{ApiError, ErrorClass, IncompleteFetch, MissingPart, ServiceError};
pub use fetch::{fetch, FetchOptions};
pub use outcome::{FetchOutcome, FetchedPlan, Filters, Provenance, RegionProvenance};
pub use progress::{FetchProgress, NoProgress};
pub use regions::RegionSelection;
pub use retry::RetryPolicy;
