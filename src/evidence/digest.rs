//! SHA-256 digests and the provenance facts audit reports print about a run: each policy's
//! source text and each input's digest or fetch provenance.

use sha2::{Digest, Sha256};

use crate::policy::model::PolicyInfo;
use crate::policy::{packs, RuleSet};
use crate::source::api::outcome::Provenance;
use crate::source::SourceFile;

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The text a policy was read from: a built-in pack's YAML, the text of the file its rules were
/// read from, or (for a policy without rules) the file read again from disk.
pub fn policy_text(rules: &RuleSet, policy: &PolicyInfo) -> Option<String> {
    if let Some(pack) = policy.source.strip_prefix("builtin:") {
        return packs::find(pack).map(str::to_string);
    }
    rules
        .rules
        .iter()
        .map(|r| &r.origin.file)
        .find(|f| f.name() == policy.source)
        .map(|f| f.text().to_string())
        .or_else(|| std::fs::read_to_string(&policy.source).ok())
}

/// One policy with the digest of its source text.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PolicyDigest {
    pub name: String,
    pub source: String,
    pub rules: usize,
    /// SHA-256 of the source text; `None` when the text cannot be found.
    pub sha256: Option<String>,
}

pub fn policy_digests(rules: &RuleSet) -> Vec<PolicyDigest> {
    rules
        .policies
        .iter()
        .map(|p| PolicyDigest {
            name: p.name.clone(),
            source: p.source.clone(),
            rules: p.rules,
            sha256: policy_text(rules, p).map(|t| sha256_hex(t.as_bytes())),
        })
        .collect()
}

/// The bytes of an input as it was checked: the file's text, or the file read again from disk
/// by its name.
pub fn input_bytes(file: &SourceFile) -> Vec<u8> {
    file.text().as_bytes().to_vec()
}

/// One input with its digest and, for a fetched dump, where it came from.
#[derive(Debug, Clone)]
pub struct InputDigest {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub provenance: Option<Provenance>,
}

pub fn input_digest(file: &SourceFile) -> InputDigest {
    let bytes = input_bytes(file);
    InputDigest {
        name: file.name().to_string(),
        size: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
        provenance: provenance(&bytes),
    }
}

/// The `DbsLintProvenance` that `dbs-lint fetch` writes at the top level of a dump.
pub fn provenance(bytes: &[u8]) -> Option<Provenance> {
    const KEY: &[u8] = b"\"DbsLintProvenance\"";
    if !bytes.windows(KEY.len()).any(|w| w == KEY) {
        return None;
    }
    #[derive(serde::Deserialize)]
    struct Top {
        #[serde(rename = "DbsLintProvenance")]
        provenance: Option<Provenance>,
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str::<Top>(text).ok()?.provenance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn provenance_is_read_only_when_present() {
        assert!(provenance(br#"{"Items":{}}"#).is_none());
        let dump = br#"{"Items":{},"DbsLintProvenance":{"tool":"dbs-lint","version":"0.1.0",
            "fetched_at":"2026-01-02T03:04:05Z","regions":[{"region":"cn-hangzhou",
            "endpoint":"dbs-api.cn-hangzhou.aliyuncs.com","total_elements":1,"plans":1,
            "request_ids":["REQ-1"]}],"filters":{},"partial":false,"missing":[]}}"#;
        let p = provenance(dump).expect("provenance");
        assert_eq!(p.fetched_at, "2026-01-02T03:04:05Z");
        assert_eq!(p.regions[0].request_ids, ["REQ-1"]);
    }
}
