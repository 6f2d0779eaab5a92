//! Which host serves a region, and the `--endpoint` / `ALIBABA_CLOUD_ENDPOINT_DBS` override.

use std::net::IpAddr;

use reqwest::Url;

use super::error::ApiError;

/// The shared host, used by every region without its own.
pub const CENTRAL_HOST: &str = "dbs-api.cn-hangzhou.aliyuncs.com";

/// Regions served by `dbs-api.<region>.aliyuncs.com`. cn-zhangjiakou and cn-wulanchabu follow
/// the current documentation and the aliyun CLI metadata rather than the older SDK map.
const OWN_HOST_REGIONS: &[&str] = &[
    "cn-hangzhou",
    "cn-chengdu",
    "cn-huhehaote",
    "cn-zhangjiakou",
    "cn-wulanchabu",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-5",
    "ap-northeast-1",
    "ap-south-1",
    "eu-central-1",
    "eu-west-1",
    "me-east-1",
];

/// The public host for `region`.
pub fn default_host(region: &str) -> String {
    if OWN_HOST_REGIONS.contains(&region) {
        format!("dbs-api.{region}.aliyuncs.com")
    } else {
        CENTRAL_HOST.to_string()
    }
}

/// A base URL requests are sent to (the query string is appended to it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    url: Url,
}

impl Endpoint {
    /// The default endpoint of `region`.
    pub fn for_region(region: &str) -> Endpoint {
        let url = Url::parse(&format!("https://{}/", default_host(region)))
            .expect("region ids are validated before building a host");
        Endpoint { url }
    }

    /// Parses a user-supplied endpoint. A bare host means `https://host/`. Plain `http` is
    /// accepted only for loopback hosts (local mocks); credentials, query strings and
    /// fragments are refused.
    pub fn parse_override(text: &str) -> Result<Endpoint, ApiError> {
        let text = text.trim();
        let invalid = |reason: &str| ApiError::InvalidEndpoint {
            url: text.to_string(),
            reason: reason.to_string(),
        };
        let full = if text.contains("://") {
            text.to_string()
        } else {
            format!("https://{text}")
        };
        let url = Url::parse(&full).map_err(|e| invalid(&e.to_string()))?;
        if !url.username().is_empty() || url.password().is_some() {
            // Do not echo the URL: it holds credentials.
            return Err(ApiError::InvalidEndpoint {
                url: "(redacted)".into(),
                reason: "credentials in the URL are not allowed".into(),
            });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(invalid("a query string or fragment is not allowed"));
        }
        let host = url.host_str().ok_or_else(|| invalid("no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            "http" => {
                return Err(ApiError::InsecureEndpoint {
                    url: text.to_string(),
                })
            }
            other => return Err(invalid(&format!("unsupported scheme {other:?}"))),
        }
        Ok(Endpoint { url })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The endpoint as text, e.g. `https://dbs-api.cn-hangzhou.aliyuncs.com/`.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.url.as_str())
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// Picks the endpoint for `region`: the override when given, else the region's host.
pub fn endpoint_for(region: &str, override_endpoint: Option<&Endpoint>) -> Endpoint {
    override_endpoint
        .cloned()
        .unwrap_or_else(|| Endpoint::for_region(region))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_with_their_own_host() {
        for region in [
            "cn-hangzhou",
            "cn-chengdu",
            "cn-zhangjiakou",
            "ap-southeast-1",
            "eu-central-1",
            "me-east-1",
        ] {
            assert_eq!(
                Endpoint::for_region(region).as_str(),
                format!("https://dbs-api.{region}.aliyuncs.com/")
            );
        }
    }

    #[test]
    fn regions_on_the_central_host() {
        for region in [
            "cn-shanghai",
            "cn-beijing",
            "cn-shenzhen",
            "cn-hongkong",
            "us-east-1",
            "cn-shanghai-finance-1",
            "xx-unknown-9",
        ] {
            assert_eq!(
                Endpoint::for_region(region).as_str(),
                "https://dbs-api.cn-hangzhou.aliyuncs.com/",
                "{region}"
            );
        }
    }

    #[test]
    fn override_accepts_https_and_bare_hosts() {
        assert_eq!(
            Endpoint::parse_override("https://dbs-api-vpc.cn-shanghai.aliyuncs.com")
                .unwrap()
                .as_str(),
            "https://dbs-api-vpc.cn-shanghai.aliyuncs.com/"
        );
        assert_eq!(
            Endpoint::parse_override("dbs-api.eu-west-1.aliyuncs.com")
                .unwrap()
                .as_str(),
            "https://dbs-api.eu-west-1.aliyuncs.com/"
        );
    }

    #[test]
    fn plain_http_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/",
            "http://localhost:1234",
        ] {
            assert!(Endpoint::parse_override(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1",
            "http://dbs-api.cn-hangzhou.aliyuncs.com",
            "http://0.0.0.0:80",
            "http://127.0.0.1.nip.io",
        ] {
            let err = Endpoint::parse_override(bad).unwrap_err();
            assert!(
                matches!(err, ApiError::InsecureEndpoint { .. }),
                "{bad}: {err}"
            );
            assert!(err.is_usage_error());
        }
    }

    #[test]
    fn override_rejects_odd_urls() {
        for bad in [
            "ftp://example.com",
            "https://user:pw@example.com",
            "https://example.com/?a=b",
            "https://",
        ] {
            let err = Endpoint::parse_override(bad).unwrap_err();
            assert!(
                matches!(err, ApiError::InvalidEndpoint { .. }),
                "{bad}: {err}"
            );
            assert!(!err.to_string().contains("pw@"), "{err}");
        }
    }

    #[test]
    fn override_wins_over_region_map() {
        let o = Endpoint::parse_override("http://127.0.0.1:1").unwrap();
        assert_eq!(endpoint_for("ap-south-1", Some(&o)), o);
        assert_eq!(
            endpoint_for("ap-south-1", None).as_str(),
            "https://dbs-api.ap-south-1.aliyuncs.com/"
        );
    }
}
