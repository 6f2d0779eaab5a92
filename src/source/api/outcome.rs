//! What a fetch returns: the plans exactly as the API sent them, and where they came from.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::error::MissingPart;

/// Filters sent to `DescribeBackupPlanList`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// `BackupPlanId`, sent comma-joined.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_ids: Vec<String>,
    /// `BackupPlanName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_name: Option<String>,
    /// `BackupPlanStatus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `ResourceGroupId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group: Option<String>,
}

impl Filters {
    /// The request parameters these filters become.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if !self.plan_ids.is_empty() {
            params.push(("BackupPlanId", self.plan_ids.join(",")));
        }
        let optional = [
            ("BackupPlanName", &self.plan_name),
            ("BackupPlanStatus", &self.status),
            ("ResourceGroupId", &self.resource_group),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                params.push((name, v.clone()));
            }
        }
        params
    }
}

/// One backup plan, kept as the raw JSON the API returned.
#[derive(Debug)]
pub struct FetchedPlan {
    /// The region whose listing returned it.
    pub region: String,
    /// Its `BackupPlanId`, when it has a string one.
    pub backup_plan_id: Option<String>,
    pub raw: Box<RawValue>,
}

/// Per-region provenance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionProvenance {
    pub region: String,
    pub endpoint: String,
    /// `TotalElements` of the first page; `None` when it could not be read.
    pub total_elements: Option<u64>,
    /// Distinct plans collected in the region.
    pub plans: u64,
    /// RequestIds of every page read, in page order.
    pub request_ids: Vec<String>,
}

/// Provenance written into a dump as `DbsLintProvenance`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub tool: String,
    pub version: String,
    /// When the fetch started, RFC 3339 UTC.
    pub fetched_at: String,
    pub regions: Vec<RegionProvenance>,
    pub filters: Filters,
    /// True when parts are missing and `allow_partial` accepted that.
    pub partial: bool,
    pub missing: Vec<MissingPart>,
}

/// The result of a fetch: plans of every region merged, de-duplicated by `BackupPlanId` and
/// sorted by region then `BackupPlanId`.
#[derive(Debug)]
pub struct FetchOutcome {
    pub plans: Vec<FetchedPlan>,
    pub provenance: Provenance,
}

impl FetchOutcome {
    pub fn is_partial(&self) -> bool {
        self.provenance.partial
    }
}
