//! The field catalogue: every `BackupPlanDetail` field of `DescribeBackupPlanList`, with its
//! value type, unit, allowed values and a one-line description.
//!
//! This table is the single source of truth for the dump loader (how a value is read), policy
//! validation (which operators and values a field accepts) and help (`dbs-lint fields`).

use std::fmt;

/// How a field's value is represented and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An integer (JSON number, or a string holding one).
    Integer,
    /// A number of days (JSON number, or a string holding one).
    Days,
    /// A point in time as milliseconds since the Unix epoch.
    EpochMillis,
    /// A boolean (`true`, or the string `"true"`).
    Bool,
    /// One of a fixed set of strings.
    Enum(&'static [&'static str]),
    /// Free text.
    Text,
    /// A time of day, `HH:mm`.
    TimeOfDay,
    /// A set of weekdays, comma-separated names.
    Weekdays,
    /// A JSON array of backup objects, encoded as a string.
    BackupObjects,
}

impl Kind {
    /// A short name for messages and help.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Integer => "integer",
            Kind::Days => "days",
            Kind::EpochMillis => "epoch-ms",
            Kind::Bool => "boolean",
            Kind::Enum(_) => "enum",
            Kind::Text => "string",
            Kind::TimeOfDay => "time of day (HH:mm)",
            Kind::Weekdays => "weekday set",
            Kind::BackupObjects => "backup objects (JSON in a string)",
        }
    }

    /// Whether values of this kind are ordered numbers.
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Integer | Kind::Days | Kind::EpochMillis)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the field travels in the API's JSON, as documented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    Number,
    NumericString,
    Boolean,
    BooleanString,
    String,
    JsonString,
}

/// One catalogued field.
#[derive(Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub kind: Kind,
    pub wire: Wire,
    pub unit: Option<&'static str>,
    pub doc: &'static str,
}

/// Index of a field in [`FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldId(pub(crate) u8);

impl FieldId {
    pub fn def(self) -> &'static FieldDef {
        let i = self.0 as usize;
        if i < FIELDS.len() {
            &FIELDS[i]
        } else {
            &DERIVED[i - FIELDS.len()].def
        }
    }
    pub fn name(self) -> &'static str {
        self.def().name
    }
    pub fn kind(self) -> Kind {
        self.def().kind
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
    /// Every catalogued field, in catalogue order.
    pub fn all() -> impl Iterator<Item = FieldId> {
        (0..FIELDS.len()).map(|i| FieldId(i as u8))
    }
    /// Every field a policy can test: the API's fields, then the derived values.
    pub fn all_with_derived() -> impl Iterator<Item = FieldId> {
        (0..FIELDS.len() + DERIVED.len()).map(|i| FieldId(i as u8))
    }
    /// Looks a field (or derived value) up by its exact, case-sensitive name.
    pub fn from_name(name: &str) -> Option<FieldId> {
        FieldId::all_with_derived().find(|f| f.name() == name)
    }
    /// The derived value this id names, if it is one.
    pub fn derived(self) -> Option<&'static Derived> {
        (self.0 as usize)
            .checked_sub(FIELDS.len())
            .and_then(|i| DERIVED.get(i))
    }
}

impl fmt::Display for FieldId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

pub const PLAN_STATUS: &[&str] = &[
    "wait",
    "init",
    "running",
    "stop",
    "pause",
    "locked",
    "check_pass",
];
pub const BACKUP_METHOD: &[&str] = &["logical", "physical", "duplication"];
pub const INSTANCE_TYPE: &[&str] = &["rds", "ecs", "express", "agent", "dds", "other"];
pub const INSTANCE_CLASS: &[&str] = &["micro", "small", "medium", "large", "xlarge"];
pub const STORAGE_TYPE: &[&str] = &["", "system"];
pub const DATA_FORMAT: &[&str] = &["Native", "SQL", "CSV", "JSON"];
pub const CHARGE_TYPE: &[&str] = &["PREPAY", "POSTPAY"];
pub const ENCRYPT_METHOD: &[&str] = &["encrypted", ""];
pub const DOWNLOAD_TARGET: &[&str] = &["agent"];

macro_rules! field {
    ($name:literal, $kind:expr, $wire:ident, $unit:expr, $doc:literal) => {
        FieldDef {
            name: $name,
            kind: $kind,
            wire: Wire::$wire,
            unit: $unit,
            doc: $doc,
        }
    };
}

const DAYS: Option<&str> = Some("days");
const MS: Option<&str> = Some("ms since epoch");

/// All 52 `BackupPlanDetail` fields, alphabetically.
pub static FIELDS: [FieldDef; 52] = [
    field!("BackupGatewayId", Kind::Integer, Number, None, "ID of the backup gateway (may exceed 2^32)."),
    field!("BackupGatewayIdentifier", Kind::Text, String, None, "Identifier of the backup gateway."),
    field!("BackupMethod", Kind::Enum(BACKUP_METHOD), String, None, "Backup method: logical, physical or duplication (snapshot)."),
    field!("BackupObjects", Kind::BackupObjects, JsonString, None, "Databases and tables backed up: a JSON array inside a string."),
    field!("BackupPeriod", Kind::Weekdays, String, None, "Weekdays on which full backups run, comma-separated."),
    field!("BackupPlanCreateTime", Kind::EpochMillis, Number, MS, "When the backup plan was created."),
    field!("BackupPlanId", Kind::Text, String, None, "ID of the backup plan."),
    field!("BackupPlanName", Kind::Text, String, None, "Name of the backup plan."),
    field!("BackupPlanRegion", Kind::Text, String, None, "Region of the backup plan."),
    field!("BackupPlanStatus", Kind::Enum(PLAN_STATUS), String, None, "Plan state: wait (not configured), init (precheck failed), running, stop (failed), pause, locked, check_pass."),
    field!("BackupRetentionPeriod", Kind::Days, Number, DAYS, "How long full backups are kept (0-1825 days)."),
    field!("BackupSetDownloadDir", Kind::Text, String, None, "Directory backup sets are downloaded to."),
    field!("BackupSetDownloadFullDataFormat", Kind::Enum(DATA_FORMAT), String, None, "Format of downloaded full backup data: Native, SQL, CSV or JSON."),
    field!("BackupSetDownloadGatewayId", Kind::Integer, Number, None, "ID of the gateway that downloads backup sets."),
    field!("BackupSetDownloadIncrementDataFormat", Kind::Enum(DATA_FORMAT), String, None, "Format of downloaded incremental data: Native, SQL, CSV or JSON."),
    field!("BackupSetDownloadTargetType", Kind::Enum(DOWNLOAD_TARGET), String, None, "Where backup sets are downloaded to (agent)."),
    field!("BackupStartTime", Kind::TimeOfDay, String, None, "Time of day full backups start (HH:mm, UTC)."),
    field!("BackupStorageType", Kind::Enum(STORAGE_TYPE), String, None, "Backup storage: empty = the user's OSS bucket, system = DBS built-in storage."),
    field!("BeginTimestampForRestore", Kind::EpochMillis, Number, MS, "Earliest point in time the plan can restore to."),
    field!("CrossAliyunId", Kind::Text, String, None, "Account ID for cross-account backup (numeric, as a string)."),
    field!("CrossRoleName", Kind::Text, String, None, "RAM role used for cross-account backup."),
    field!("DatabaseType", Kind::Text, String, None, "Database engine of the source (MySQL, SQLServer, PostgreSQL, ...)."),
    field!("DuplicationArchivePeriod", Kind::Days, Number, DAYS, "Days after which full backups move to archive storage."),
    field!("DuplicationInfrequentAccessPeriod", Kind::Days, Number, DAYS, "Days after which full backups move to infrequent-access storage."),
    field!("EnableBackupLog", Kind::Bool, Boolean, None, "Whether incremental log backup is enabled."),
    field!("EnableMysqlPhysicalBackupBinLog", Kind::Bool, Boolean, None, "Whether binlog backup is enabled for MySQL physical backup."),
    field!("EndTimestampForRestore", Kind::EpochMillis, Number, MS, "Latest point in time the plan can restore to."),
    field!("ErrMessage", Kind::Text, String, None, "The plan's precheck error message, if any."),
    field!("IncrementBackupRetentionPeriod", Kind::Days, NumericString, DAYS, "How long incremental backups are kept."),
    field!("IncrementDuplicationArchivePeriod", Kind::Days, NumericString, DAYS, "Days after which incremental backups move to archive storage."),
    field!("IncrementDuplicationInfrequentAccessPeriod", Kind::Days, NumericString, DAYS, "Days after which incremental backups move to infrequent-access storage."),
    field!("InstanceChargeType", Kind::Enum(CHARGE_TYPE), String, None, "Billing method of the backup instance: PREPAY or POSTPAY."),
    field!("InstanceClass", Kind::Enum(INSTANCE_CLASS), String, None, "Specification of the backup instance: micro, small, medium, large, xlarge."),
    field!("InstanceExpiredTimestamp", Kind::EpochMillis, Number, MS, "When the (subscription) backup instance expires."),
    field!("LogBackupRetentionPeriod", Kind::Days, NumericString, DAYS, "How long log backups are kept."),
    field!("LogDuplicationArchivePeriod", Kind::Days, NumericString, DAYS, "Days after which log backups move to archive storage."),
    field!("LogDuplicationInfrequentAccessPeriod", Kind::Days, NumericString, DAYS, "Days after which log backups move to infrequent-access storage."),
    field!("OpenBackupSetAutoDownload", Kind::Bool, Boolean, None, "Whether backup sets are downloaded automatically."),
    field!("OSSBucketName", Kind::Text, String, None, "OSS bucket holding the backups."),
    field!("OSSBucketRegion", Kind::Text, String, None, "Region of the OSS bucket."),
    field!("ResourceGroupId", Kind::Text, String, None, "Resource group of the plan."),
    field!("SourceEndpointDatabaseName", Kind::Text, String, None, "Database name of the source endpoint."),
    field!("SourceEndpointEnableSsl", Kind::Bool, BooleanString, None, "Whether the connection to the source database uses SSL (\"true\"/\"false\")."),
    field!("SourceEndpointHost", Kind::Text, String, None, "Host of the source database."),
    field!("SourceEndpointInstanceID", Kind::Text, String, None, "Instance ID of the source database."),
    field!("SourceEndpointInstanceType", Kind::Enum(INSTANCE_TYPE), String, None, "Location type of the source: rds, ecs, express, agent, dds, other."),
    field!("SourceEndpointIpPort", Kind::Text, String, None, "Address and port of the source database."),
    field!("SourceEndpointOracleSID", Kind::Text, String, None, "Oracle SID of the source database."),
    field!("SourceEndpointPort", Kind::Integer, NumericString, None, "Port of the source database."),
    field!("SourceEndpointRegion", Kind::Text, String, None, "Region of the source database."),
    field!("SourceEndpointUserName", Kind::Text, String, None, "Account used to connect to the source database."),
    field!("StorageEncryptMethod", Kind::Enum(ENCRYPT_METHOD), String, None, "Storage encryption: encrypted when on, empty otherwise."),
];

/// How a derived value is computed from the plan's fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derivation {
    /// (second − first) in whole days, from two epoch-ms fields.
    DaysBetween(&'static str, &'static str),
    /// The number of weekdays in a weekday set.
    WeekdayCount(&'static str),
}

/// A value computed from other fields, named in the catalogue so policies can test it.
#[derive(Debug)]
pub struct Derived {
    pub def: FieldDef,
    pub derivation: Derivation,
}

impl Derived {
    /// The fields it is computed from.
    pub fn sources(&self) -> Vec<FieldId> {
        let names: Vec<&str> = match self.derivation {
            Derivation::DaysBetween(a, b) => vec![a, b],
            Derivation::WeekdayCount(a) => vec![a],
        };
        names.into_iter().filter_map(FieldId::from_name).collect()
    }
}

/// Derived values, after the API's fields.
pub static DERIVED: [Derived; 2] = [
    Derived {
        def: FieldDef {
            name: "RestoreWindowDays",
            kind: Kind::Days,
            wire: Wire::Number,
            unit: DAYS,
            doc: "Derived: how far back the plan can restore, EndTimestampForRestore - BeginTimestampForRestore, in whole days.",
        },
        derivation: Derivation::DaysBetween("BeginTimestampForRestore", "EndTimestampForRestore"),
    },
    Derived {
        def: FieldDef {
            name: "FullBackupsPerWeek",
            kind: Kind::Integer,
            wire: Wire::Number,
            unit: None,
            doc: "Derived: how many full backups run each week, the number of days in BackupPeriod.",
        },
        derivation: Derivation::WeekdayCount("BackupPeriod"),
    },
];

/// Well-known fields the tool itself needs.
pub mod well_known {
    use super::FieldId;
    pub const BACKUP_PLAN_ID: FieldId = FieldId(6);
    pub const BACKUP_PLAN_NAME: FieldId = FieldId(7);
    pub const BACKUP_PLAN_REGION: FieldId = FieldId(8);
}

/// The closest field name, for "did you mean" hints.
pub fn suggest_field(name: &str) -> Option<&'static str> {
    suggest(name, FieldId::all_with_derived().map(|f| f.name()))
}

/// The closest candidate to `input`, if any is close enough to be a plausible typo.
pub fn suggest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let exact_ci = c.eq_ignore_ascii_case(input);
            (
                c,
                exact_ci,
                strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()),
            )
        })
        .filter(|(_, exact_ci, score)| *exact_ci || *score > 0.85)
        .max_by(|a, b| a.1.cmp(&b.1).then(a.2.total_cmp(&b.2)))
        .map(|(c, _, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifty_two_unique_sorted_fields() {
        assert_eq!(FIELDS.len(), 52);
        for pair in FIELDS.windows(2) {
            assert!(
                pair[0].name.to_ascii_lowercase() < pair[1].name.to_ascii_lowercase(),
                "{} before {}",
                pair[0].name,
                pair[1].name
            );
        }
    }

    #[test]
    fn derived_values_are_named_and_computed_from_catalogued_fields() {
        let window = FieldId::from_name("RestoreWindowDays").unwrap();
        assert_eq!(window.kind(), Kind::Days);
        let sources: Vec<&str> = window
            .derived()
            .unwrap()
            .sources()
            .iter()
            .map(|f| f.name())
            .collect();
        assert_eq!(
            sources,
            ["BeginTimestampForRestore", "EndTimestampForRestore"]
        );
        assert!(FieldId::from_name("BackupRetentionPeriod")
            .unwrap()
            .derived()
            .is_none());
        assert_eq!(FieldId::all().count(), 52);
    }

    #[test]
    fn well_known_ids_point_at_their_fields() {
        assert_eq!(well_known::BACKUP_PLAN_ID.name(), "BackupPlanId");
        assert_eq!(well_known::BACKUP_PLAN_NAME.name(), "BackupPlanName");
        assert_eq!(well_known::BACKUP_PLAN_REGION.name(), "BackupPlanRegion");
    }

    #[test]
    fn suggestions_catch_typos_and_case() {
        assert_eq!(
            suggest_field("BackupRetentionPeriods"),
            Some("BackupRetentionPeriod")
        );
        assert_eq!(suggest_field("backupplanstatus"), Some("BackupPlanStatus"));
        assert_eq!(suggest_field("Completely"), None);
        assert_eq!(
            suggest("runing", PLAN_STATUS.iter().copied()),
            Some("running")
        );
    }
}
