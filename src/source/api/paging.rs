//! All pages of `DescribeBackupPlanList` in one region.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::client::DbsClient;
use super::endpoint::Endpoint;
use super::error::{ApiError, MissingPart};
use super::outcome::{FetchedPlan, Filters, RegionProvenance};
use super::progress::FetchProgress;

pub const ACTION: &str = "DescribeBackupPlanList";
/// The largest page the API allows.
pub const PAGE_SIZE: u32 = 100;
/// Refuse a `TotalElements` implying more pages than this rather than queue them all.
const MAX_PAGES: u64 = 20_000;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PageBody {
    #[serde(default)]
    total_elements: Option<serde_json::Value>,
    #[serde(default)]
    items: Option<PageItems>,
}

#[derive(Deserialize)]
struct PageItems {
    #[serde(rename = "BackupPlanDetail", default)]
    backup_plan_detail: Option<Vec<Box<RawValue>>>,
}

#[derive(Deserialize)]
struct IdOnly {
    #[serde(rename = "BackupPlanId", default)]
    id: Option<serde_json::Value>,
}

struct Page {
    request_id: Option<String>,
    total_elements: Option<u64>,
    plans: Vec<FetchedPlan>,
}

/// Everything learnt about one region.
pub(crate) struct RegionResult {
    pub provenance: RegionProvenance,
    pub plans: Vec<FetchedPlan>,
    pub missing: Option<MissingPart>,
    pub causes: Vec<ApiError>,
}

struct RegionFetch<'a> {
    client: &'a DbsClient,
    endpoint: &'a Endpoint,
    region: &'a str,
    filters: &'a Filters,
    progress: &'a dyn FetchProgress,
}

impl RegionFetch<'_> {
    async fn page(&self, page_num: u32) -> Result<Page, ApiError> {
        let mut params = vec![
            ("Region", self.region.to_string()),
            ("PageSize", PAGE_SIZE.to_string()),
            ("PageNum", page_num.to_string()),
        ];
        params.extend(self.filters.params());
        let response = self
            .client
            .call(self.endpoint, self.region, ACTION, &params, self.progress)
            .await?;
        let malformed = |detail: String| ApiError::Malformed {
            region: self.region.to_string(),
            action: ACTION.to_string(),
            http_status: 200,
            request_id: response.request_id.clone(),
            detail,
        };
        let body: PageBody = serde_json::from_str(&response.body)
            .map_err(|e| malformed(format!("page PageNum={page_num}: {e}")))?;
        let total_elements = body.total_elements.as_ref().and_then(lenient_u64);
        let raw_plans = body
            .items
            .and_then(|i| i.backup_plan_detail)
            .unwrap_or_default();
        let mut plans = Vec::with_capacity(raw_plans.len());
        for raw in raw_plans {
            let id = serde_json::from_str::<IdOnly>(raw.get())
                .map_err(|e| malformed(format!("a plan on page PageNum={page_num}: {e}")))?
                .id
                .and_then(|v| match v {
                    serde_json::Value::String(s) => Some(s),
                    serde_json::Value::Number(n) => Some(n.to_string()),
                    _ => None,
                });
            plans.push(FetchedPlan {
                region: self.region.to_string(),
                backup_plan_id: id,
                raw,
            });
        }
        self.progress
            .page_fetched(self.region, page_num, plans.len());
        Ok(Page {
            request_id: response.request_id,
            total_elements,
            plans,
        })
    }
}

fn lenient_u64(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Adds `plans` to `kept` unless their `BackupPlanId` was seen already.
fn keep_new(kept: &mut Vec<FetchedPlan>, seen: &mut HashSet<String>, plans: Vec<FetchedPlan>) {
    for plan in plans {
        match &plan.backup_plan_id {
            Some(id) if !seen.insert(id.clone()) => {}
            _ => kept.push(plan),
        }
    }
}

fn ids(plans: &[FetchedPlan]) -> Vec<Option<&str>> {
    plans.iter().map(|p| p.backup_plan_id.as_deref()).collect()
}

/// Reads page 0, then every remaining page concurrently (bounded by the client), and checks
/// that the distinct plans collected match `TotalElements`.
pub(crate) async fn fetch_region(
    client: &DbsClient,
    endpoint: &Endpoint,
    region: &str,
    filters: &Filters,
    progress: &dyn FetchProgress,
) -> RegionResult {
    let ctx = RegionFetch {
        client,
        endpoint,
        region,
        filters,
        progress,
    };
    let mut provenance = RegionProvenance {
        region: region.to_string(),
        endpoint: endpoint.to_string(),
        total_elements: None,
        plans: 0,
        request_ids: Vec::new(),
    };
    let fail = |provenance: RegionProvenance, error: ApiError| {
        progress.region_finished(region, 0, false);
        RegionResult {
            missing: Some(MissingPart {
                region: region.to_string(),
                failed_pages: vec![0],
                expected: provenance.total_elements,
                collected: 0,
                reason: error.to_string(),
            }),
            provenance,
            plans: Vec::new(),
            causes: vec![error],
        }
    };

    let first = match ctx.page(0).await {
        Ok(page) => page,
        Err(error) => return fail(provenance, error),
    };
    let Some(total) = first.total_elements else {
        provenance.request_ids.extend(first.request_id.clone());
        let error = ApiError::Malformed {
            region: region.to_string(),
            action: ACTION.to_string(),
            http_status: 200,
            request_id: first.request_id,
            detail: "the first page has no TotalElements, so completeness cannot be checked".into(),
        };
        return fail(provenance, error);
    };
    provenance.total_elements = Some(total);

    // A server that pages by fewer than 100 returns a short first page while more remain;
    // page by what it actually returned.
    let first_len = first.plans.len() as u64;
    let page_size = if first_len > 0 && first_len < u64::from(PAGE_SIZE) && first_len < total {
        first_len
    } else {
        u64::from(PAGE_SIZE)
    };
    let pages = total.div_ceil(page_size).max(1);
    if pages > MAX_PAGES {
        let error = ApiError::Malformed {
            region: region.to_string(),
            action: ACTION.to_string(),
            http_status: 200,
            request_id: first.request_id,
            detail: format!("TotalElements {total} is implausibly large"),
        };
        return fail(provenance, error);
    }
    let pages = pages as u32;
    progress.region_planned(region, pages, total);

    let rest = futures::future::join_all((1..pages).map(|n| ctx.page(n))).await;
    let mut collected: Vec<(u32, Page)> = vec![(0, first)];
    let mut failed_pages = Vec::new();
    let mut causes = Vec::new();
    for (n, result) in (1..pages).zip(rest) {
        match result {
            Ok(page) => collected.push((n, page)),
            Err(error) => {
                failed_pages.push(n);
                causes.push(error);
            }
        }
    }

    // If PageNum 0 and 1 return the same plans, the server pages from 1: one page more
    // holds the rest.
    let one_based = failed_pages.is_empty()
        && collected.len() > 1
        && !collected[0].1.plans.is_empty()
        && ids(&collected[0].1.plans) == ids(&collected[1].1.plans);
    if one_based {
        match ctx.page(pages).await {
            Ok(page) => collected.push((pages, page)),
            Err(error) => {
                failed_pages.push(pages);
                causes.push(error);
            }
        }
    }

    let mut plans = Vec::new();
    let mut seen = HashSet::new();
    for (_, page) in collected {
        provenance.request_ids.extend(page.request_id);
        keep_new(&mut plans, &mut seen, page.plans);
    }
    let count = plans.len() as u64;
    provenance.plans = count;

    let missing = if !failed_pages.is_empty() {
        let reasons: Vec<String> = causes.iter().map(ToString::to_string).collect();
        Some(MissingPart {
            region: region.to_string(),
            failed_pages,
            expected: Some(total),
            collected: count,
            reason: reasons.join("; "),
        })
    } else if count != total {
        Some(MissingPart {
            region: region.to_string(),
            failed_pages: Vec::new(),
            expected: Some(total),
            collected: count,
            reason: format!(
                "the pages returned {count} distinct plans but TotalElements is {total}"
            ),
        })
    } else {
        None
    };
    progress.region_finished(region, count, missing.is_none());
    RegionResult {
        provenance,
        plans,
        missing,
        causes,
    }
}
