//! Service failures as the user sees them, STS tokens, and the promise that no secret ever
//! reaches an error, a debug print, a rendered diagnostic, a progress event or a dump.

mod support;

use std::time::Duration;

use dbs_lint::source::api::{to_dump_json, ApiError, Credentials, ErrorClass};
use support::mock_dbs::{
    MockDbs, Scripted, STS_KEY_ID, STS_SECRET, STS_TOKEN, TEST_KEY_ID, TEST_SECRET,
};
use support::{fast_config, fetch_regions, fetch_with, options, test_credentials};

fn sts_credentials() -> Credentials {
    Credentials::new(STS_KEY_ID, STS_SECRET, Some(STS_TOKEN.to_string()))
}

fn cause(err: &ApiError) -> &ApiError {
    match err {
        ApiError::Incomplete(inc) => &inc.causes[0],
        other => other,
    }
}

#[tokio::test]
async fn forbidden_names_code_request_id_region_action_and_recommend() {
    let mock = MockDbs::start().await;
    mock.always("cn-hangzhou", 0, Scripted::error(403, "Request.Forbidden"));
    let (result, _) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    let err = result.unwrap_err();
    assert_eq!(err.class(), ErrorClass::Input);
    let request_id = "MOCK-REQ-000001";
    let text = err.to_string();
    for part in [
        "Request.Forbidden",
        request_id,
        "cn-hangzhou",
        "DescribeBackupPlanList",
        "HTTP 403",
        "https://api.aliyun.com/troubleshoot?q=Request.Forbidden",
    ] {
        assert!(text.contains(part), "{part:?} not in {text}");
    }
    let ApiError::Service(service) = cause(&err) else {
        panic!("{err:?}")
    };
    assert_eq!(service.code, "Request.Forbidden");
    assert_eq!(service.request_id.as_deref(), Some(request_id));
    assert_eq!(service.host_id.as_deref(), Some("dbs-api.mock"));
    assert_eq!(service.attempts, 1);
    assert!(service
        .hint
        .as_deref()
        .unwrap()
        .contains("DescribeBackupPlanList"));
    assert_eq!(cause(&err).api_code(), Some("Request.Forbidden"));
}

#[tokio::test]
async fn http_200_with_success_false_is_a_failure() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 5);
    mock.always(
        "cn-hangzhou",
        0,
        Scripted::SuccessFalse {
            code: "InvalidParameters".into(),
            message: "PageSize is invalid".into(),
        },
    );
    let (result, _) = fetch_regions(&mock, &["cn-hangzhou"]).await;
    let err = result.unwrap_err();
    let ApiError::Service(service) = cause(&err) else {
        panic!("{err:?}")
    };
    assert_eq!(service.http_status, 200);
    assert_eq!(service.code, "InvalidParameters");
    assert_eq!(service.message, "PageSize is invalid");
    assert!(err.to_string().contains("HTTP 200"));
    assert_eq!(mock.seen().len(), 1, "not retried");
}

#[tokio::test]
async fn wrong_secret_gives_signature_does_not_match_with_the_server_string_to_sign() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 5);
    let wrong = Credentials::new(TEST_KEY_ID, "not-the-secret", None);
    let (result, _) = fetch_with(&fast_config(), wrong, &options(&mock, &["cn-hangzhou"])).await;
    let err = result.unwrap_err();
    assert_eq!(cause(&err).api_code(), Some("SignatureDoesNotMatch"));
    let sts = err.server_string_to_sign().expect("kept for -v");
    assert!(sts
        .starts_with("POST&%2F&AccessKeyId%3DLTAI-test-key-id%26Action%3DDescribeBackupPlanList"));
    // Not in the normal message: only verbose mode shows it.
    assert!(!err.to_string().contains("POST&%2F"));
    assert!(err.to_string().contains("not matched with our calculation"));
    assert_eq!(mock.seen().len(), 1, "not retried");
    assert_eq!(mock.seen()[0].verdict, "bad-signature");
}

#[tokio::test]
async fn sts_credentials_send_the_security_token() {
    let mock = MockDbs::start().await;
    mock.add_plans("cn-hangzhou", "dbshz", 3);
    let (result, _) = fetch_with(
        &fast_config(),
        sts_credentials(),
        &options(&mock, &["cn-hangzhou"]),
    )
    .await;
    assert_eq!(result.unwrap().plans.len(), 3);
    let seen = mock.seen();
    assert_eq!(seen[0].verdict, "ok");
    assert_eq!(seen[0].params["SecurityToken"], STS_TOKEN);
    assert_eq!(seen[0].params["AccessKeyId"], STS_KEY_ID);
}

#[tokio::test]
async fn sts_key_without_its_token_is_refused() {
    let mock = MockDbs::start().await;
    let no_token = Credentials::new(STS_KEY_ID, STS_SECRET, None);
    let (result, _) = fetch_with(&fast_config(), no_token, &options(&mock, &["cn-hangzhou"])).await;
    assert_eq!(
        cause(&result.unwrap_err()).api_code(),
        Some("InvalidSecurityToken.Mismatch")
    );
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn render(err: &ApiError) -> Vec<String> {
    let mut graphical = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .render_report(&mut graphical, err)
        .unwrap();
    let mut narrated = String::new();
    miette::NarratableReportHandler::new()
        .render_report(&mut narrated, err)
        .unwrap();
    vec![
        err.to_string(),
        format!("{err:?}"),
        format!("{err:#?}"),
        graphical,
        narrated,
        err.server_string_to_sign().unwrap_or("").to_string(),
    ]
}

#[tokio::test]
async fn no_secret_appears_in_any_output_of_the_failure_scenarios() {
    const WRONG_SECRET: &str = "Wr0ng/Secret+Guess=";
    let mut outputs: Vec<String> = Vec::new();
    let mut signatures: Vec<String> = Vec::new();
    let mut config = fast_config();
    config.retry.max_retries = 1;
    config.request_timeout = Duration::from_millis(200);

    type Setup = fn(&MockDbs);
    let scenarios: Vec<(&str, Credentials, Setup, bool)> = vec![
        (
            "forbidden",
            sts_credentials(),
            |m| m.always("cn-hangzhou", 0, Scripted::error(403, "Request.Forbidden")),
            false,
        ),
        (
            "bad signature",
            Credentials::new(STS_KEY_ID, WRONG_SECRET, Some(STS_TOKEN.into())),
            |_| {},
            false,
        ),
        (
            "success false",
            sts_credentials(),
            |m| {
                m.always(
                    "cn-hangzhou",
                    0,
                    Scripted::SuccessFalse {
                        code: "X".into(),
                        message: "y".into(),
                    },
                )
            },
            false,
        ),
        (
            "timeout",
            sts_credentials(),
            |m| m.always("cn-hangzhou", 1, Scripted::Delay(Duration::from_secs(2))),
            false,
        ),
        (
            "never succeeds",
            sts_credentials(),
            |m| m.always("cn-hangzhou", 1, Scripted::error(503, "ServiceUnavailable")),
            false,
        ),
        (
            "throttled",
            test_credentials(),
            |m| m.always("cn-hangzhou", 0, Scripted::error(400, "Throttling.User")),
            false,
        ),
        (
            "partial dump",
            sts_credentials(),
            |m| m.with_region("cn-hangzhou", |r| r.total_override = Some(500)),
            true,
        ),
        ("complete dump", sts_credentials(), |_| {}, true),
    ];
    for (name, credentials, setup, allow_partial) in scenarios {
        let mock = MockDbs::start().await;
        mock.add_plans("cn-hangzhou", "dbshz", 150);
        setup(&mock);
        let mut opts = options(&mock, &["cn-hangzhou"]);
        opts.allow_partial = allow_partial;
        outputs.push(format!("{credentials:?}"));
        let (result, progress) = fetch_with(&config, credentials, &opts).await;
        match result {
            Ok(outcome) => {
                assert!(allow_partial, "{name} should fail");
                outputs.push(to_dump_json(&outcome));
                outputs.push(format!("{outcome:?}"));
            }
            Err(err) => {
                assert!(!allow_partial, "{name}: {err}");
                outputs.extend(render(&err));
            }
        }
        outputs.extend(progress.events());
        for seen in mock.seen() {
            if let Some(sig) = seen.params.get("Signature") {
                signatures.push(sig.clone());
            }
        }
    }
    assert!(outputs.iter().any(|o| o.contains("SignatureDoesNotMatch")));
    assert!(outputs
        .iter()
        .any(|o| o.contains("SecurityToken%3D<redacted>")));
    assert!(signatures.len() >= 8);

    let mut needles = Vec::new();
    for secret in [TEST_SECRET, STS_SECRET, STS_TOKEN, WRONG_SECRET]
        .iter()
        .map(|s| s.to_string())
        .chain(signatures)
    {
        needles.push(pct(&pct(&secret)));
        needles.push(pct(&secret));
        needles.push(secret);
    }
    for output in &outputs {
        for needle in &needles {
            assert!(
                !output.contains(needle.as_str()),
                "a secret ({} chars) leaked into: {output}",
                needle.len()
            );
        }
    }
}
