//! The identity of a finding, the same in every report: SARIF's
//! `partialFingerprints.primaryLocationLineHash`, GitLab's `fingerprint`, the JSON report's
//! `fingerprint` and the baseline's record of a finding.
//!
//! Derived from the rule id, the plan id and the field that decided — never from a line or
//! column, so reordering plans or reformatting a dump does not turn old findings into new ones.

use sha1::{Digest, Sha1};

/// 32 hex digits identifying a finding of `rule_id` on `plan_id` about `field`.
pub fn fingerprint(rule_id: &str, plan_id: &str, field: Option<&str>) -> String {
    let mut hasher = Sha1::new();
    for part in ["dbs-lint/1", rule_id, plan_id, field.unwrap_or("")] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn stable_and_distinct() {
        let a = fingerprint("storage-encrypted", "p1", Some("StorageEncryptMethod"));
        assert_eq!(a.len(), 32);
        assert_eq!(
            a,
            fingerprint("storage-encrypted", "p1", Some("StorageEncryptMethod"))
        );
        assert_ne!(
            a,
            fingerprint("storage-encrypted", "p2", Some("StorageEncryptMethod"))
        );
        assert_ne!(a, fingerprint("storage-encrypted", "p1", None));
        // Parts are length-prefixed: moving a character between them changes the hash.
        assert_ne!(fingerprint("ab", "c", None), fingerprint("a", "bc", None));
    }
}
