//! A mock DBS API on 127.0.0.1 that checks every request's signature with its own
//! implementation (deliberately not the library's) and answers like the real service.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use wiremock::{matchers::any, Mock, MockServer, Request, Respond, ResponseTemplate};

pub const TEST_KEY_ID: &str = "LTAI-test-key-id";
pub const TEST_SECRET: &str = "Sup3r/Secret+Value=";
pub const STS_KEY_ID: &str = "STS.test-key-id";
pub const STS_SECRET: &str = "StsS3cret/+=x";
pub const STS_TOKEN: &str = "CAIS+sts/token==Tok3nValue";

/// A scripted answer for one (region, page) request, used instead of the normal page.
#[derive(Clone, Debug)]
pub enum Scripted {
    /// An error body `{RequestId, HostId, Code, Message, Recommend}` with this HTTP status.
    Error {
        status: u16,
        code: String,
        message: String,
        retry_after_ms: Option<u64>,
    },
    /// HTTP 200 with `Success: false`.
    SuccessFalse { code: String, message: String },
    /// The normal page, after this delay.
    Delay(Duration),
}

impl Scripted {
    pub fn error(status: u16, code: &str) -> Scripted {
        Scripted::Error {
            status,
            code: code.into(),
            message: format!("mock {code}"),
            retry_after_ms: None,
        }
    }
}

/// One request as the mock saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub params: BTreeMap<String, String>,
    pub raw_query: String,
    pub at: Instant,
    pub verdict: &'static str,
}

#[derive(Default)]
pub struct RegionData {
    /// Raw JSON of each plan, in listing order.
    pub plans: Vec<String>,
    /// `TotalElements` to report instead of the number of plans.
    pub total_override: Option<u64>,
    /// Serve pages of at most this many plans whatever PageSize asks.
    pub page_cap: Option<usize>,
    /// Treat PageNum 0 and 1 both as the first page.
    pub one_based: bool,
}

#[derive(Default)]
pub struct State {
    keys: HashMap<String, (String, Option<String>)>,
    pub regions: BTreeMap<String, RegionData>,
    pub region_codes: Vec<String>,
    /// Consumed one per request, before the page is served.
    pub script: HashMap<(String, u32), VecDeque<Scripted>>,
    /// Served on every request of that page.
    pub always: HashMap<(String, u32), Scripted>,
    pub latency: Duration,
    nonces: HashSet<String>,
    pub seen: Vec<Seen>,
    request_counter: u64,
}

pub struct MockDbs {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

impl MockDbs {
    pub async fn start() -> MockDbs {
        let server = MockServer::start().await;
        assert!(server.address().ip().is_loopback());
        let mut state = State::default();
        state
            .keys
            .insert(TEST_KEY_ID.into(), (TEST_SECRET.into(), None));
        state.keys.insert(
            STS_KEY_ID.into(),
            (STS_SECRET.into(), Some(STS_TOKEN.into())),
        );
        let state = Arc::new(Mutex::new(state));
        Mock::given(any())
            .respond_with(Handler(state.clone()))
            .mount(&server)
            .await;
        MockDbs { server, state }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Adds `n` generated plans to `region`, ids `<prefix>0000..`.
    pub fn add_plans(&self, region: &str, prefix: &str, n: usize) {
        let mut st = self.state.lock().unwrap();
        let data = st.regions.entry(region.to_string()).or_default();
        for i in 0..n {
            data.plans
                .push(plan_json(&format!("{prefix}{i:05}"), region));
        }
    }

    pub fn with_region<R>(&self, region: &str, f: impl FnOnce(&mut RegionData) -> R) -> R {
        let mut st = self.state.lock().unwrap();
        f(st.regions.entry(region.to_string()).or_default())
    }

    pub fn script(&self, region: &str, page: u32, answers: Vec<Scripted>) {
        let mut st = self.state.lock().unwrap();
        st.script
            .entry((region.to_string(), page))
            .or_default()
            .extend(answers);
    }

    pub fn always(&self, region: &str, page: u32, answer: Scripted) {
        self.state
            .lock()
            .unwrap()
            .always
            .insert((region.to_string(), page), answer);
    }

    pub fn set_latency(&self, latency: Duration) {
        self.state.lock().unwrap().latency = latency;
    }

    pub fn set_region_codes(&self, codes: &[&str]) {
        self.state.lock().unwrap().region_codes = codes.iter().map(|s| s.to_string()).collect();
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Requests for a page of `region`, in arrival order.
    pub fn seen_page(&self, region: &str, page: u32) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| {
                s.params.get("Region").map(String::as_str) == Some(region)
                    && s.params.get("PageNum").map(String::as_str) == Some(&page.to_string())
            })
            .collect()
    }
}

/// A plan in the API's field order, with the number/string quirks of the real service.
pub fn plan_json(id: &str, region: &str) -> String {
    format!(
        concat!(
            "{{\"BackupPlanId\":\"{id}\",\"BackupPlanName\":\"plan {id}\",",
            "\"BackupPlanStatus\":\"running\",\"BackupMethod\":\"logical\",",
            "\"BackupPlanRegion\":\"{region}\",\"BackupRetentionPeriod\":730,",
            "\"LogBackupRetentionPeriod\":\"7\",\"SourceEndpointEnableSsl\":\"true\",",
            "\"BackupGatewayId\":12345678901234,\"EnableBackupLog\":true,",
            "\"BackupObjects\":\"[{{\\\"DBName\\\":\\\"db1\\\"}}]\"}}"
        ),
        id = id,
        region = region
    )
}

struct Handler(Arc<Mutex<State>>);

// --- The mock's own RPC signature check (independent of src/source/api/sign.rs). ---

fn pct(s: &str) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        let unreserved = b.is_ascii_alphanumeric() || b"-_.~".contains(&b);
        if unreserved {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn unpct(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("bad escape"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("utf-8 parameter")
}

pub fn server_string_to_sign(method: &str, params: &BTreeMap<String, String>) -> String {
    // BTreeMap<String, _> iterates in byte order of the names.
    let canonical: Vec<String> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "Signature")
        .map(|(k, v)| format!("{}={}", pct(k), pct(v)))
        .collect();
    format!("{method}&{}&{}", pct("/"), pct(&canonical.join("&")))
}

pub fn server_signature(secret: &str, string_to_sign: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(string_to_sign.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn error_body(request_id: &str, code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({
        "RequestId": request_id,
        "HostId": "dbs-api.mock",
        "Code": code,
        "Message": message,
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}&product=Dbs&requestId={request_id}"),
    })
}

impl Respond for Handler {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut st = self.0.lock().unwrap();
        st.request_counter += 1;
        let request_id = format!("MOCK-REQ-{:06}", st.request_counter);
        let raw_query = request.url.query().unwrap_or("").to_string();
        let params: BTreeMap<String, String> = raw_query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (unpct(k), unpct(v))
            })
            .collect();
        let method = request.method.to_string();
        let latency = st.latency;
        let record = |st: &mut State, verdict: &'static str| {
            st.seen.push(Seen {
                method: method.clone(),
                params: params.clone(),
                raw_query: raw_query.clone(),
                at: Instant::now(),
                verdict,
            })
        };
        let reject = |status: u16, code: &str, message: &str| {
            ResponseTemplate::new(status)
                .set_body_json(error_body(&request_id, code, message))
                .set_delay(latency)
        };

        for required in [
            "Action",
            "Version",
            "Format",
            "AccessKeyId",
            "SignatureMethod",
            "SignatureVersion",
            "SignatureNonce",
            "Timestamp",
            "Signature",
        ] {
            if !params.contains_key(required) {
                record(&mut st, "missing-param");
                return reject(400, "MissingParameter", &format!("{required} is mandatory"));
            }
        }
        let Some((secret, token)) = st.keys.get(&params["AccessKeyId"]).cloned() else {
            record(&mut st, "unknown-key");
            return reject(
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            );
        };
        let string_to_sign = server_string_to_sign(&method, &params);
        if server_signature(&secret, &string_to_sign) != params["Signature"] {
            record(&mut st, "bad-signature");
            return reject(
                400,
                "SignatureDoesNotMatch",
                &format!(
                    "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
                ),
            );
        }
        if params.get("SecurityToken") != token.as_ref() {
            record(&mut st, "bad-token");
            return reject(
                400,
                "InvalidSecurityToken.Mismatch",
                "Specified SecurityToken is invalid.",
            );
        }
        if params["SignatureMethod"] != "HMAC-SHA1"
            || params["SignatureVersion"] != "1.0"
            || params["Version"] != "2019-03-06"
            || params["Format"] != "JSON"
            || chrono::NaiveDateTime::parse_from_str(&params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ")
                .is_err()
        {
            record(&mut st, "bad-common-param");
            return reject(400, "InvalidParameter", "bad common parameter");
        }
        if !st.nonces.insert(params["SignatureNonce"].clone()) {
            record(&mut st, "nonce-reused");
            return reject(
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            );
        }

        match params["Action"].as_str() {
            "DescribeRegions" => {
                record(&mut st, "ok");
                let body = serde_json::json!({
                    "RequestId": request_id,
                    "Success": true,
                    "Regions": {"RegionCode": st.region_codes},
                });
                ResponseTemplate::new(200)
                    .set_body_json(body)
                    .set_delay(latency)
            }
            "DescribeBackupPlanList" => {
                let region = params.get("Region").cloned().unwrap_or_default();
                if params.get("RegionId") != Some(&region) {
                    record(&mut st, "region-mismatch");
                    return reject(400, "InvalidParameter", "Region and RegionId differ");
                }
                let page: u32 = params
                    .get("PageNum")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let key = (region.clone(), page);
                let scripted = st
                    .script
                    .get_mut(&key)
                    .and_then(VecDeque::pop_front)
                    .or_else(|| st.always.get(&key).cloned());
                let mut delay = latency;
                match scripted {
                    Some(Scripted::Error {
                        status,
                        code,
                        message,
                        retry_after_ms,
                    }) => {
                        record(&mut st, "scripted-error");
                        let mut t = ResponseTemplate::new(status)
                            .set_body_json(error_body(&request_id, &code, &message))
                            .set_delay(latency);
                        if let Some(ms) = retry_after_ms {
                            t = t.insert_header("x-acs-retry-after", ms.to_string().as_str());
                        }
                        return t;
                    }
                    Some(Scripted::SuccessFalse { code, message }) => {
                        record(&mut st, "scripted-success-false");
                        let body = serde_json::json!({
                            "RequestId": request_id,
                            "Success": false,
                            "ErrCode": code,
                            "ErrMessage": message,
                            "HttpStatusCode": 200,
                        });
                        return ResponseTemplate::new(200)
                            .set_body_json(body)
                            .set_delay(latency);
                    }
                    Some(Scripted::Delay(d)) => delay = d,
                    None => {}
                }
                record(&mut st, "ok");
                let requested: usize = params
                    .get("PageSize")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(30);
                let data = st.regions.entry(region).or_default();
                let size = requested.min(100).min(data.page_cap.unwrap_or(usize::MAX));
                let ids: Option<HashSet<&str>> = params
                    .get("BackupPlanId")
                    .map(|ids| ids.split(',').collect());
                let matching: Vec<&String> = data
                    .plans
                    .iter()
                    .filter(|p| match &ids {
                        Some(ids) => ids
                            .iter()
                            .any(|id| p.contains(&format!("\"BackupPlanId\":\"{id}\""))),
                        None => true,
                    })
                    .collect();
                let index = if data.one_based {
                    page.saturating_sub(1) as usize
                } else {
                    page as usize
                };
                let items: Vec<&str> = matching
                    .iter()
                    .skip(index * size)
                    .take(size)
                    .map(|s| s.as_str())
                    .collect();
                let total = data.total_override.unwrap_or(matching.len() as u64);
                let body = format!(
                    "{{\"RequestId\":\"{request_id}\",\"Success\":true,\"ErrCode\":\"\",\"HttpStatusCode\":200,\"PageNum\":{page},\"PageSize\":{size},\"TotalPages\":{},\"TotalElements\":{total},\"Items\":{{\"BackupPlanDetail\":[{}]}}}}",
                    (total as usize).div_ceil(size.max(1)),
                    items.join(",")
                );
                ResponseTemplate::new(200)
                    .set_body_raw(body, "application/json")
                    .set_delay(delay)
            }
            other => {
                record(&mut st, "unknown-action");
                reject(404, "InvalidAction.NotFound", &format!("{other} not found"))
            }
        }
    }
}
