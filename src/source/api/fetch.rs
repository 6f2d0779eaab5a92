//! A whole fetch: regions concurrently, merged, de-duplicated and checked for completeness.

use std::collections::HashSet;
use std::time::Duration;

use super::client::DbsClient;
use super::endpoint::{endpoint_for, Endpoint};
use super::error::{ApiError, IncompleteFetch};
use super::outcome::{FetchOutcome, Filters, Provenance};
use super::paging::fetch_region;
use super::progress::FetchProgress;
use super::regions::{describe_regions, RegionSelection};

/// What to fetch and how strict to be.
#[derive(Clone, Debug)]
pub struct FetchOptions {
    pub regions: RegionSelection,
    /// `--endpoint` / `ALIBABA_CLOUD_ENDPOINT_DBS`: used for every region when set.
    pub endpoint_override: Option<Endpoint>,
    pub filters: Filters,
    /// Return an outcome marked partial instead of failing when something is missing.
    pub allow_partial: bool,
    /// Limit of the whole fetch (`--timeout`).
    pub overall_timeout: Option<Duration>,
}

/// Fetches every plan of the selected regions. Fails with [`ApiError::Incomplete`] when a
/// page or region failed after retries or a region's count differs from its `TotalElements`,
/// unless `allow_partial` is set.
pub async fn fetch(
    client: &DbsClient,
    options: &FetchOptions,
    progress: &dyn FetchProgress,
) -> Result<FetchOutcome, ApiError> {
    let run = fetch_unbounded(client, options, progress);
    match options.overall_timeout {
        Some(limit) => tokio::time::timeout(limit, run)
            .await
            .map_err(|_| ApiError::RunTimeout { limit })?,
        None => run.await,
    }
}

async fn fetch_unbounded(
    client: &DbsClient,
    options: &FetchOptions,
    progress: &dyn FetchProgress,
) -> Result<FetchOutcome, ApiError> {
    let fetched_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut regions = match &options.regions {
        RegionSelection::All => {
            describe_regions(client, options.endpoint_override.as_ref(), progress).await?
        }
        RegionSelection::List(list) => list.clone(),
    };
    if regions.is_empty() {
        return Err(ApiError::NoRegion);
    }
    regions.sort();
    regions.dedup();
    progress.regions_resolved(&regions);

    let endpoints: Vec<Endpoint> = regions
        .iter()
        .map(|r| endpoint_for(r, options.endpoint_override.as_ref()))
        .collect();
    let results =
        futures::future::join_all(regions.iter().zip(&endpoints).map(|(region, endpoint)| {
            fetch_region(client, endpoint, region, &options.filters, progress)
        }))
        .await;

    let mut provenance_regions = Vec::new();
    let mut missing = Vec::new();
    let mut causes = Vec::new();
    let mut plans = Vec::new();
    let mut seen = HashSet::new();
    // Regions are sorted, so a plan listed by two regions is kept under the first.
    for result in results {
        provenance_regions.push(result.provenance);
        missing.extend(result.missing);
        causes.extend(result.causes);
        let mut region_plans = result.plans;
        region_plans.sort_by(|a, b| a.backup_plan_id.cmp(&b.backup_plan_id));
        for plan in region_plans {
            match &plan.backup_plan_id {
                Some(id) if !seen.insert(id.clone()) => {}
                _ => plans.push(plan),
            }
        }
    }

    if !missing.is_empty() && !options.allow_partial {
        return Err(ApiError::Incomplete(Box::new(IncompleteFetch {
            missing,
            causes,
        })));
    }
    Ok(FetchOutcome {
        plans,
        provenance: Provenance {
            tool: "dbs-lint".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            fetched_at,
            regions: provenance_regions,
            filters: options.filters.clone(),
            partial: !missing.is_empty(),
            missing,
        },
    })
}
