//! Credential, profile, region and endpoint resolution, with an injected environment and
//! configuration file (the real ones are never read).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser};
use dbs_lint::cli::live::{prepare, LiveArgs};
use dbs_lint::source::api::credentials::{resolve_credentials, CredentialSource};
use dbs_lint::source::api::{ApiError, RegionSelection};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

const CONFIG: &str = r#"{
  "current": "cur",
  "profiles": [
    {"name": "cur", "mode": "AK", "access_key_id": "ID-CUR", "access_key_secret": "secret-cur", "region_id": "cn-qingdao"},
    {"name": "ak", "mode": "AK", "access_key_id": "ID-AK", "access_key_secret": "secret-ak", "region_id": "eu-west-1"},
    {"name": "sts", "mode": "StsToken", "access_key_id": "STS.ID", "access_key_secret": "secret-sts", "sts_token": "token-sts", "region_id": ""},
    {"name": "role", "mode": "RamRoleArn", "access_key_id": "ID-R", "access_key_secret": "secret-r", "ram_role_arn": "acs:ram::1:role/x"},
    {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "r"},
    {"name": "sts-no-token", "mode": "StsToken", "access_key_id": "STS.X", "access_key_secret": "s"}
  ]
}"#;

fn config_file(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.json");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn key_id(env_pairs: &[(&str, &str)], path: Option<&Path>, flag: Option<&str>) -> String {
    resolve_credentials(&env(env_pairs), path, flag)
        .unwrap()
        .credentials
        .access_key_id
}

#[test]
fn environment_spellings_in_order() {
    let families = [
        (
            "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "ALIBABA_CLOUD_SECURITY_TOKEN",
        ),
        (
            "ALIBABACLOUD_ACCESS_KEY_ID",
            "ALIBABACLOUD_ACCESS_KEY_SECRET",
            "ALIBABACLOUD_SECURITY_TOKEN",
        ),
        (
            "ALICLOUD_ACCESS_KEY_ID",
            "ALICLOUD_ACCESS_KEY_SECRET",
            "ALICLOUD_SECURITY_TOKEN",
        ),
        (
            "ALICLOUD_ACCESS_KEY",
            "ALICLOUD_SECRET_KEY",
            "ALICLOUD_SECURITY_TOKEN",
        ),
    ];
    for (id, secret, token) in families {
        let e = env(&[(id, "THE-ID"), (secret, "THE-SECRET"), (token, "THE-TOKEN")]);
        let r = resolve_credentials(&e, None, None).unwrap();
        assert_eq!(r.credentials.access_key_id, "THE-ID", "{id}");
        assert_eq!(r.credentials.access_key_secret.expose(), "THE-SECRET");
        assert_eq!(r.credentials.security_token.unwrap().expose(), "THE-TOKEN");
        assert_eq!(
            r.source,
            CredentialSource::Environment {
                variable: id.into()
            }
        );
    }
    // The first family wins, and its own secret is used.
    let e = [
        ("ALICLOUD_ACCESS_KEY_ID", "C"),
        ("ALICLOUD_ACCESS_KEY_SECRET", "c"),
        ("ALIBABACLOUD_ACCESS_KEY_ID", "B"),
        ("ALIBABACLOUD_ACCESS_KEY_SECRET", "b"),
    ];
    let r = resolve_credentials(&env(&e), None, None).unwrap();
    assert_eq!(r.credentials.access_key_id, "B");
    assert_eq!(r.credentials.access_key_secret.expose(), "b");
    assert!(r.credentials.security_token.is_none());
}

#[test]
fn key_id_without_secret_is_a_usage_error() {
    let err =
        resolve_credentials(&env(&[("ALIBABA_CLOUD_ACCESS_KEY_ID", "X")]), None, None).unwrap_err();
    assert!(
        matches!(err, ApiError::PartialEnvCredentials { .. }),
        "{err:?}"
    );
    assert!(err.is_usage_error());
    assert!(err.to_string().contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
}

#[test]
fn profile_modes_ak_and_sts_token() {
    let (_dir, path) = config_file(CONFIG);
    let ak = resolve_credentials(&env(&[]), Some(&path), Some("ak")).unwrap();
    assert_eq!(ak.credentials.access_key_id, "ID-AK");
    assert!(ak.credentials.security_token.is_none());
    assert_eq!(ak.profile_region.as_deref(), Some("eu-west-1"));
    assert_eq!(
        ak.source,
        CredentialSource::Profile {
            name: "ak".into(),
            path: path.clone()
        }
    );
    let sts = resolve_credentials(&env(&[]), Some(&path), Some("sts")).unwrap();
    assert_eq!(sts.credentials.access_key_secret.expose(), "secret-sts");
    assert_eq!(
        sts.credentials.security_token.unwrap().expose(),
        "token-sts"
    );
    assert_eq!(sts.profile_region, None);
}

#[test]
fn unsupported_modes_are_refused_by_name() {
    let (_dir, path) = config_file(CONFIG);
    for (profile, mode) in [("role", "RamRoleArn"), ("ecs", "EcsRamRole")] {
        let err = resolve_credentials(&env(&[]), Some(&path), Some(profile)).unwrap_err();
        assert!(
            matches!(err, ApiError::UnsupportedProfileMode { .. }),
            "{err:?}"
        );
        assert!(err.is_usage_error());
        let text = err.to_string();
        assert!(
            text.contains(mode) && text.contains("not support"),
            "{text}"
        );
        assert!(!text.contains("secret-r"));
    }
    let err = resolve_credentials(&env(&[]), Some(&path), Some("sts-no-token")).unwrap_err();
    assert!(err.to_string().contains("sts_token"), "{err}");
}

#[test]
fn profile_order_flag_then_env_profile_then_env_keys_then_current() {
    let (_dir, path) = config_file(CONFIG);
    let keys = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ID-ENV"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret-env"),
    ];
    let with_profile_env = [keys[0], keys[1], ("ALIBABA_CLOUD_PROFILE", "sts")];
    assert_eq!(key_id(&with_profile_env, Some(&path), Some("ak")), "ID-AK");
    assert_eq!(key_id(&with_profile_env, Some(&path), None), "STS.ID");
    assert_eq!(key_id(&keys, Some(&path), None), "ID-ENV");
    assert_eq!(key_id(&[], Some(&path), None), "ID-CUR");
}

#[test]
fn missing_profile_file_or_name_and_no_credentials() {
    let (_dir, path) = config_file(CONFIG);
    let err = resolve_credentials(&env(&[]), Some(&path), Some("nope")).unwrap_err();
    assert!(matches!(err, ApiError::ProfileNotFound { .. }));
    let absent = path.with_file_name("absent.json");
    let err = resolve_credentials(&env(&[]), Some(&absent), Some("ak")).unwrap_err();
    assert!(matches!(err, ApiError::ProfileNotFound { .. }));
    let err = resolve_credentials(&env(&[]), Some(&absent), None).unwrap_err();
    assert!(matches!(err, ApiError::NoCredentials { .. }));
    assert!(err.is_usage_error());
    let err = resolve_credentials(&env(&[]), None, None).unwrap_err();
    assert!(matches!(err, ApiError::NoCredentials { .. }));
}

#[test]
fn a_broken_config_file_is_reported_without_its_content() {
    let (_dir, path) =
        config_file(r#"{"profiles": [{"name": "x", "access_key_secret": "leaky-secret" "#);
    let err = resolve_credentials(&env(&[]), Some(&path), Some("x")).unwrap_err();
    assert!(matches!(err, ApiError::ConfigUnreadable { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("leaky-secret"));
}

#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    live: LiveArgs,
}

fn args(argv: &[&str]) -> LiveArgs {
    Cli::try_parse_from(std::iter::once("dbs-lint").chain(argv.iter().copied()))
        .unwrap()
        .live
}

const ENV_KEYS: [(&str, &str); 2] = [
    ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ID-ENV"),
    ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret-env"),
];

#[test]
fn prepare_reads_every_flag() {
    let a = args(&[
        "--region",
        "cn-hangzhou,cn-beijing",
        "--region",
        "ap-south-1",
        "--plan-id",
        "dbs1",
        "--plan-id",
        "dbs2,dbs3",
        "--plan-name",
        "nightly",
        "--status",
        "running",
        "--resource-group",
        "rg-1",
        "--concurrency",
        "8",
        "--max-retries",
        "2",
        "--connect-timeout",
        "3s",
        "--request-timeout",
        "500ms",
        "--timeout",
        "2m",
        "--endpoint",
        "http://127.0.0.1:9",
    ]);
    let p = prepare(&a, true, &env(&ENV_KEYS), None).unwrap();
    assert_eq!(
        p.options.regions,
        RegionSelection::List(vec![
            "cn-hangzhou".into(),
            "cn-beijing".into(),
            "ap-south-1".into()
        ])
    );
    assert_eq!(p.options.filters.plan_ids, ["dbs1", "dbs2", "dbs3"]);
    assert_eq!(p.options.filters.plan_name.as_deref(), Some("nightly"));
    assert_eq!(p.options.filters.status.as_deref(), Some("running"));
    assert_eq!(p.options.filters.resource_group.as_deref(), Some("rg-1"));
    assert_eq!(
        p.options.endpoint_override.unwrap().as_str(),
        "http://127.0.0.1:9/"
    );
    assert!(p.options.allow_partial);
    assert_eq!(
        p.options.overall_timeout,
        Some(std::time::Duration::from_secs(120))
    );
    assert_eq!(p.client.concurrency, 8);
    assert_eq!(p.client.retry.max_retries, 2);
    assert_eq!(p.client.connect_timeout, std::time::Duration::from_secs(3));
    assert_eq!(
        p.client.request_timeout,
        std::time::Duration::from_millis(500)
    );
}

#[test]
fn defaults_of_the_flags() {
    let a = args(&["--region", "cn-hangzhou"]);
    assert_eq!((a.concurrency, a.max_retries), (4, 4));
    let p = prepare(&a, false, &env(&ENV_KEYS), None).unwrap();
    assert_eq!(p.options.endpoint_override, None);
    assert_eq!(p.options.overall_timeout, None);
    assert!(!p.options.allow_partial);
}

#[test]
fn region_all_and_region_fallbacks() {
    let (_dir, path) = config_file(CONFIG);
    let p = prepare(&args(&["--region", "all"]), false, &env(&ENV_KEYS), None).unwrap();
    assert_eq!(p.options.regions, RegionSelection::All);
    let with_region_env = [
        ENV_KEYS[0],
        ENV_KEYS[1],
        ("ALICLOUD_REGION_ID", "me-east-1"),
    ];
    let p = prepare(&args(&[]), false, &env(&with_region_env), Some(&path)).unwrap();
    assert_eq!(
        p.options.regions,
        RegionSelection::List(vec!["me-east-1".into()])
    );
    // Keys from the environment, region from the current profile.
    let p = prepare(&args(&[]), false, &env(&ENV_KEYS), Some(&path)).unwrap();
    assert_eq!(
        p.options.regions,
        RegionSelection::List(vec!["cn-qingdao".into()])
    );
    let p = prepare(&args(&["--profile", "ak"]), false, &env(&[]), Some(&path)).unwrap();
    assert_eq!(
        p.options.regions,
        RegionSelection::List(vec!["eu-west-1".into()])
    );
    let err = prepare(&args(&[]), false, &env(&ENV_KEYS), None).unwrap_err();
    assert!(matches!(err, ApiError::NoRegion));
}

#[test]
fn endpoint_from_environment_and_the_loopback_rule() {
    let e = [
        ENV_KEYS[0],
        ENV_KEYS[1],
        (
            "ALIBABA_CLOUD_ENDPOINT_DBS",
            "dbs-api-vpc.cn-shanghai.aliyuncs.com",
        ),
    ];
    let p = prepare(&args(&["--region", "cn-shanghai"]), false, &env(&e), None).unwrap();
    assert_eq!(
        p.options.endpoint_override.unwrap().as_str(),
        "https://dbs-api-vpc.cn-shanghai.aliyuncs.com/"
    );
    let err = prepare(
        &args(&[
            "--region",
            "cn-hangzhou",
            "--endpoint",
            "http://dbs-api.cn-hangzhou.aliyuncs.com",
        ]),
        false,
        &env(&ENV_KEYS),
        None,
    )
    .unwrap_err();
    assert!(matches!(err, ApiError::InsecureEndpoint { .. }));
    assert!(err.is_usage_error());
}

#[test]
fn bad_flag_values_are_rejected_by_the_parser() {
    for argv in [
        &["--concurrency", "0"][..],
        &["--status", "runing"],
        &["--request-timeout", "soon"],
        &["--access-key-secret", "x"],
        &["--secret", "x"],
    ] {
        let parsed = Cli::try_parse_from(std::iter::once("dbs-lint").chain(argv.iter().copied()));
        assert!(parsed.is_err(), "{argv:?} accepted");
    }
}

#[test]
fn no_flag_takes_a_secret() {
    let command = Cli::command();
    for arg in command.get_arguments() {
        let name = arg.get_long().unwrap_or_default().to_ascii_lowercase();
        for word in ["secret", "token", "key", "password"] {
            assert!(!name.contains(word), "--{name}");
        }
    }
}
