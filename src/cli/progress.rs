//! A progress bar on stderr for live fetches: only on a terminal, never with `-q`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::source::api::{ApiError, FetchProgress, NoProgress};

pub struct Bar(ProgressBar);

impl FetchProgress for Bar {
    fn regions_resolved(&self, regions: &[String]) {
        self.0.set_message(format!("{} region(s)", regions.len()));
    }
    fn region_planned(&self, _region: &str, pages: u32, _total_elements: u64) {
        self.0.inc_length(u64::from(pages));
    }
    fn page_fetched(&self, region: &str, page: u32, plans: usize) {
        self.0.inc(1);
        self.0
            .set_message(format!("{region}: page {page} ({plans} plans)"));
    }
    fn retrying(
        &self,
        region: &str,
        action: &str,
        attempt: u32,
        delay: Duration,
        _error: &ApiError,
    ) {
        self.0.set_message(format!(
            "{region}: retrying {action} (attempt {attempt}) in {} ms",
            delay.as_millis()
        ));
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// The progress reporter for this process: a bar when stderr is a terminal and not quiet.
pub fn for_stderr(quiet: bool) -> Box<dyn FetchProgress> {
    if quiet || !std::io::stderr().is_terminal() {
        return Box::new(NoProgress);
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} fetching pages {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    Box::new(Bar(bar))
}
