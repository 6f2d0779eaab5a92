//! Progress events of a fetch. The library never prints; the CLI implements this trait (an
//! indicatif bar on a terminal, nothing otherwise).

use std::time::Duration;

use super::error::ApiError;

/// Callbacks a fetch reports to. Every method has an empty default, so implement only what
/// you show. Calls may come from several in-flight requests, in any order.
pub trait FetchProgress: Send + Sync {
    /// The regions that will be fetched (after `--region all` is expanded).
    fn regions_resolved(&self, _regions: &[String]) {}
    /// The first page of `region` arrived (its `page_fetched` came just before): `pages`
    /// pages hold `total_elements` plans.
    fn region_planned(&self, _region: &str, _pages: u32, _total_elements: u64) {}
    /// Page `page` (0-based) of `region` arrived with `plans` plans.
    fn page_fetched(&self, _region: &str, _page: u32, _plans: usize) {}
    /// A request failed transiently and will be sent again after `delay`.
    fn retrying(
        &self,
        _region: &str,
        _action: &str,
        _attempt: u32,
        _delay: Duration,
        _error: &ApiError,
    ) {
    }
    /// `region` is done; `complete` is false when something in it is missing.
    fn region_finished(&self, _region: &str, _plans: u64, _complete: bool) {}
}

/// Reports nothing.
pub struct NoProgress;

impl FetchProgress for NoProgress {}
