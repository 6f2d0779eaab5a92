//! Seeded generator of realistic synthetic `DescribeBackupPlanList` dumps, for benchmarks.
//!
//! `cargo run --release --example gen_dump -- PLANS [SEED] > dump.json`
//!
//! The mix follows what the real API returns: numbers for some retention fields and numeric
//! strings for others, `"true"`/`"false"` strings for SSL, JSON inside the BackupObjects string,
//! empty strings, missing fields, mixed-case weekdays and Chinese plan names. The output is one
//! tab-indented response with sorted keys, as `aliyun dbs DescribeBackupPlanList` prints it.

use std::io::{self, BufWriter, Write};

const STATUSES: &[&str] = &[
    "running",
    "running",
    "running",
    "running",
    "pause",
    "init",
    "check_pass",
    "stop",
];
const DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const REGIONS: &[&str] = &[
    "cn-hangzhou",
    "cn-shanghai",
    "cn-beijing",
    "cn-shenzhen",
    "ap-southeast-1",
    "eu-central-1",
];
const ENGINES: &[&str] = &["MySQL", "SQLServer", "PostgreSQL", "Oracle", "MongoDB"];
const CLASSES: &[&str] = &["micro", "small", "medium", "large", "xlarge"];
const NAMES: &[&str] = &[
    "orders",
    "payments",
    "crm",
    "erp 旧系统",
    "analytics",
    "inventory",
    "会员中心",
    "billing",
];

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let plans: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: gen_dump PLANS [SEED]");
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(42);
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    writeln!(out, "{{")?;
    writeln!(
        out,
        "\t\"ErrCode\": \"\",\n\t\"ErrMessage\": \"\",\n\t\"HttpStatusCode\": 200,"
    )?;
    writeln!(out, "\t\"Items\": {{\n\t\t\"BackupPlanDetail\": [")?;
    for i in 0..plans {
        plan(&mut out, &mut rng, i)?;
        writeln!(out, "{}", if i + 1 < plans { "," } else { "" })?;
    }
    writeln!(out, "\t\t]\n\t}},")?;
    writeln!(
        out,
        "\t\"PageNum\": 0,\n\t\"PageSize\": {plans},\n\t\"RequestId\": \"BENCH-{seed}\",\n\t\"Success\": true,\n\t\"TotalElements\": {plans},\n\t\"TotalPages\": 1\n}}"
    )?;
    out.flush()
}

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

/// A retention in days, mostly compliant; as a number or a numeric string.
fn days(rng: &mut fastrand::Rng, string_percent: u8) -> String {
    let as_string = rng.u8(..100) < string_percent;
    let d = if rng.u8(..100) < 85 {
        rng.u32(365..1826)
    } else {
        rng.u32(0..365)
    };
    if as_string {
        format!("\"{d}\"")
    } else {
        d.to_string()
    }
}

fn plan(out: &mut impl Write, rng: &mut fastrand::Rng, i: usize) -> io::Result<()> {
    let region = pick(rng, REGIONS);
    let db = pick(rng, NAMES);
    let mut period: Vec<&str> = DAYS
        .iter()
        .copied()
        .filter(|_| rng.u8(..100) < 30)
        .collect();
    if period.is_empty() && rng.bool() {
        period.push("Sunday");
    }
    let period = period
        .iter()
        .map(|d| {
            if rng.u8(..100) < 10 {
                d.to_uppercase()
            } else {
                d.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",");
    let created: u64 = 1_600_000_000_000 + rng.u64(..150_000_000_000);
    let mut fields: Vec<(&str, String)> = vec![
        ("BackupGatewayId", rng.u64(..5_000_000_000).to_string()),
        ("BackupGatewayIdentifier", "\"\"".into()),
        ("BackupMethod", format!("\"{}\"", pick(rng, &["logical", "physical", "duplication"]))),
        (
            "BackupObjects",
            format!(
                "\"[{{\\\"DBName\\\":\\\"{db}_{i}\\\",\\\"SchemaName\\\":\\\"\\\",\\\"TableIncludes\\\":[],\\\"TableExcludes\\\":[{{\\\"TableName\\\":\\\"tmp_{i}\\\"}}]}}]\""
            ),
        ),
        ("BackupPeriod", format!("\"{period}\"")),
        ("BackupPlanCreateTime", created.to_string()),
        ("BackupPlanId", format!("\"dbs{:09x}{:04x}\"", i, rng.u16(..))),
        ("BackupPlanName", format!("\"{}-{db}-{i}\"", if rng.bool() { "prod" } else { "staging" })),
        ("BackupPlanRegion", format!("\"{region}\"")),
        ("BackupPlanStatus", format!("\"{}\"", pick(rng, STATUSES))),
        ("BackupRetentionPeriod", days(rng, 5)),
        ("BackupSetDownloadDir", "\"\"".into()),
        ("BackupSetDownloadFullDataFormat", "\"Native\"".into()),
        ("BackupSetDownloadGatewayId", "0".into()),
        ("BackupSetDownloadIncrementDataFormat", "\"Native\"".into()),
        ("BackupSetDownloadTargetType", "\"agent\"".into()),
        ("BackupStartTime", format!("\"{:02}:{:02}\"", rng.u8(..24), rng.u8(..60))),
        ("BackupStorageType", format!("\"{}\"", if rng.bool() { "system" } else { "" })),
        ("BeginTimestampForRestore", (created + 86_400_000).to_string()),
        ("CrossAliyunId", "\"\"".into()),
        ("CrossRoleName", "\"\"".into()),
        ("DatabaseType", format!("\"{}\"", pick(rng, ENGINES))),
        ("DuplicationArchivePeriod", rng.u32(..730).to_string()),
        ("DuplicationInfrequentAccessPeriod", rng.u32(..365).to_string()),
        ("EnableBackupLog", (rng.u8(..100) < 90).to_string()),
        ("EnableMysqlPhysicalBackupBinLog", rng.bool().to_string()),
        ("EndTimestampForRestore", (created + 30 * 86_400_000).to_string()),
        ("ErrMessage", "\"\"".into()),
        ("IncrementBackupRetentionPeriod", days(rng, 100)),
        ("IncrementDuplicationArchivePeriod", "\"0\"".into()),
        ("IncrementDuplicationInfrequentAccessPeriod", "\"0\"".into()),
        ("InstanceChargeType", format!("\"{}\"", if rng.bool() { "PREPAY" } else { "POSTPAY" })),
        ("InstanceClass", format!("\"{}\"", pick(rng, CLASSES))),
        ("InstanceExpiredTimestamp", (created + 400 * 86_400_000).to_string()),
        ("LogBackupRetentionPeriod", days(rng, 95)),
        ("LogDuplicationArchivePeriod", "\"0\"".into()),
        ("LogDuplicationInfrequentAccessPeriod", "\"0\"".into()),
        ("OSSBucketName", format!("\"dbs-backup-{region}\"")),
        ("OSSBucketRegion", format!("\"{region}\"")),
        ("OpenBackupSetAutoDownload", "false".into()),
        ("ResourceGroupId", format!("\"rg-{:012x}\"", rng.u64(..1 << 48))),
        ("SourceEndpointDatabaseName", format!("\"{db}\"")),
        ("SourceEndpointEnableSsl", format!("\"{}\"", rng.u8(..100) < 80)),
        ("SourceEndpointHost", "\"\"".into()),
        ("SourceEndpointInstanceID", format!("\"rm-{:016x}\"", rng.u64(..))),
        ("SourceEndpointInstanceType", "\"rds\"".into()),
        ("SourceEndpointIpPort", "\"\"".into()),
        ("SourceEndpointOracleSID", "\"\"".into()),
        ("SourceEndpointPort", format!("\"{}\"", pick(rng, &["3306", "1433", "5432", "1521"]))),
        ("SourceEndpointRegion", format!("\"{region}\"")),
        ("SourceEndpointUserName", "\"dbs_backup\"".into()),
        ("StorageEncryptMethod", format!("\"{}\"", if rng.u8(..100) < 85 { "encrypted" } else { "" })),
    ];
    // Real dumps miss fields now and then.
    if rng.u8(..100) < 3 {
        let drop = rng.usize(..fields.len());
        if fields[drop].0 != "BackupPlanId" {
            fields.remove(drop);
        }
    }
    writeln!(out, "\t\t\t{{")?;
    let last = fields.len() - 1;
    for (n, (k, v)) in fields.iter().enumerate() {
        writeln!(
            out,
            "\t\t\t\t\"{k}\": {v}{}",
            if n < last { "," } else { "" }
        )?;
    }
    write!(out, "\t\t\t}}")
}
