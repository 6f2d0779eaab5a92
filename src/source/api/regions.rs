//! Which regions to fetch: `--region`, then `ALIBABA_CLOUD_REGION_ID` (`ALICLOUD_REGION_ID`,
//! `REGION`), then the profile's `region_id`; `all` asks `DescribeRegions`.

use serde::Deserialize;

use super::client::DbsClient;
use super::credentials::{env_var, EnvLookup};
use super::endpoint::{endpoint_for, Endpoint};
use super::error::ApiError;
use super::progress::FetchProgress;

const REGION_ENV: [&str; 3] = ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION_ID", "REGION"];
/// `DescribeRegions` is asked in this region.
const HOME_REGION: &str = "cn-hangzhou";

/// The regions a fetch covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegionSelection {
    /// Every region `DescribeRegions` returns.
    All,
    /// These regions, in this order, without duplicates.
    List(Vec<String>),
}

/// Checks a region id's shape (it becomes part of a host name).
pub fn validate_region(region: &str) -> Result<(), ApiError> {
    let ok = !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(ApiError::InvalidRegion {
            region: region.to_string(),
        })
    }
}

fn parse_list<'a>(values: impl IntoIterator<Item = &'a str>) -> Result<RegionSelection, ApiError> {
    let mut regions: Vec<String> = Vec::new();
    for value in values {
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if part.eq_ignore_ascii_case("all") {
                return Ok(RegionSelection::All);
            }
            validate_region(part)?;
            if !regions.iter().any(|r| r == part) {
                regions.push(part.to_string());
            }
        }
    }
    if regions.is_empty() {
        Err(ApiError::NoRegion)
    } else {
        Ok(RegionSelection::List(regions))
    }
}

/// Resolves the region selection in the documented order.
pub fn resolve_regions(
    flags: &[String],
    env: EnvLookup<'_>,
    profile_region: Option<&str>,
) -> Result<RegionSelection, ApiError> {
    if flags.iter().any(|f| !f.trim().is_empty()) {
        return parse_list(flags.iter().map(String::as_str));
    }
    if let Some(value) = REGION_ENV.iter().find_map(|v| env_var(env, v)) {
        return parse_list([value.as_str()]);
    }
    match profile_region {
        Some(region) if !region.trim().is_empty() => parse_list([region]),
        _ => Err(ApiError::NoRegion),
    }
}

#[derive(Deserialize)]
struct RegionsBody {
    #[serde(rename = "Regions", default)]
    regions: Option<RegionCodes>,
}

#[derive(Deserialize)]
struct RegionCodes {
    #[serde(rename = "RegionCode", default)]
    codes: Vec<String>,
}

/// Every region DBS knows, sorted. An empty answer is an error: `--region all` must never
/// pass by checking nothing.
pub async fn describe_regions(
    client: &DbsClient,
    endpoint_override: Option<&Endpoint>,
    progress: &dyn FetchProgress,
) -> Result<Vec<String>, ApiError> {
    const ACTION: &str = "DescribeRegions";
    let endpoint = endpoint_for(HOME_REGION, endpoint_override);
    let response = client
        .call(&endpoint, HOME_REGION, ACTION, &[], progress)
        .await?;
    let malformed = |detail: String| ApiError::Malformed {
        region: HOME_REGION.to_string(),
        action: ACTION.to_string(),
        http_status: 200,
        request_id: response.request_id.clone(),
        detail,
    };
    let body: RegionsBody =
        serde_json::from_str(&response.body).map_err(|e| malformed(e.to_string()))?;
    let mut regions = body.regions.map(|r| r.codes).unwrap_or_default();
    for region in &regions {
        validate_region(region).map_err(|_| malformed(format!("bad region id {region:?}")))?;
    }
    regions.sort();
    regions.dedup();
    if regions.is_empty() {
        return Err(malformed("no regions in Regions.RegionCode".into()));
    }
    Ok(regions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    fn list(v: &[&str]) -> RegionSelection {
        RegionSelection::List(v.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn flags_repeatable_and_comma_separated_deduplicated() {
        let env = env_of(&[("ALIBABA_CLOUD_REGION_ID", "eu-west-1")]);
        let flags = vec![
            "cn-hangzhou,cn-beijing".to_string(),
            "cn-hangzhou".to_string(),
        ];
        assert_eq!(
            resolve_regions(&flags, &env, Some("ap-south-1")).unwrap(),
            list(&["cn-hangzhou", "cn-beijing"])
        );
        assert_eq!(
            resolve_regions(&["cn-beijing,all".into()], &env, None).unwrap(),
            RegionSelection::All
        );
    }

    #[test]
    fn environment_order_then_profile() {
        let env = env_of(&[
            ("ALIBABA_CLOUD_REGION_ID", "eu-west-1"),
            ("ALICLOUD_REGION_ID", "me-east-1"),
            ("REGION", "ap-south-1"),
        ]);
        assert_eq!(
            resolve_regions(&[], &env, Some("cn-qingdao")).unwrap(),
            list(&["eu-west-1"])
        );
        let env = env_of(&[
            ("ALICLOUD_REGION_ID", "me-east-1"),
            ("REGION", "ap-south-1"),
        ]);
        assert_eq!(
            resolve_regions(&[], &env, None).unwrap(),
            list(&["me-east-1"])
        );
        let env = env_of(&[("REGION", "ap-south-1")]);
        assert_eq!(
            resolve_regions(&[], &env, None).unwrap(),
            list(&["ap-south-1"])
        );
        let env = env_of(&[("ALIBABA_CLOUD_REGION_ID", "")]);
        assert_eq!(
            resolve_regions(&[], &env, Some("cn-qingdao")).unwrap(),
            list(&["cn-qingdao"])
        );
        let err = resolve_regions(&[], &env, None).unwrap_err();
        assert!(matches!(err, ApiError::NoRegion));
        assert!(err.is_usage_error());
    }

    #[test]
    fn rejects_malformed_region_ids() {
        for bad in [
            "cn_hangzhou",
            "CN-HANGZHOU",
            "cn-hangzhou.evil.com",
            "-x",
            "a/b",
        ] {
            let err = resolve_regions(&[bad.to_string()], &|_| None, None).unwrap_err();
            assert!(matches!(err, ApiError::InvalidRegion { .. }), "{bad}");
        }
    }
}
