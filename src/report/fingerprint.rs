//! The identity of a finding, the same in every report: SARIF's
//! `partialFingerprints.primaryLocationLineHash`, GitLab's `fingerprint`, the JSON report's
//! `fingerprint` and the baseline's record of a finding.
//!
//! Derived from the rule id, the plan id and the field that decided — never from a line or
//! column, so reordering plans or reformatting a dump does not turn old findings into new ones.

use std::fmt;

use sha1::{Digest, Sha1};

/// 32 lowercase hex digits, held inline: a report keeps one per finding without a heap
/// allocation each. Serialized, displayed and compared as its text.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    pub fn as_str(&self) -> &str {
        // Only ever built from ASCII hex digits.
        std::str::from_utf8(&self.0).expect("fingerprints are ASCII")
    }
}

impl AsRef<str> for Fingerprint {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for Fingerprint {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Fingerprint {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<Fingerprint> for String {
    fn from(f: Fingerprint) -> String {
        f.as_str().to_string()
    }
}

impl serde::Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// 32 hex digits identifying a finding of `rule_id` on `plan_id` about `field`.
pub fn fingerprint(rule_id: &str, plan_id: &str, field: Option<&str>) -> Fingerprint {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hasher = Sha1::new();
    for part in ["dbs-lint/1", rule_id, plan_id, field.unwrap_or("")] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut hex = [0u8; 32];
    for (pair, b) in hex.chunks_exact_mut(2).zip(&digest[..16]) {
        pair[0] = HEX[usize::from(b >> 4)];
        pair[1] = HEX[usize::from(b & 0xf)];
    }
    Fingerprint(hex)
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn stable_and_distinct() {
        let a = fingerprint("storage-encrypted", "p1", Some("StorageEncryptMethod"));
        assert_eq!(a.as_str().len(), 32);
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

    /// What every earlier version computed (and baselines recorded) for one finding.
    const KNOWN: &str = "bc3a856089f7aa8f6ece320b79a54b8d";

    #[test]
    fn hex_of_the_first_16_bytes_of_the_sha1() {
        let a = fingerprint("storage-encrypted", "p1", Some("StorageEncryptMethod"));
        assert_eq!(a.as_str(), KNOWN);
        assert_eq!(a.to_string(), KNOWN);
        assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{KNOWN}\""));
        assert_eq!(format!("{a:?}"), format!("\"{KNOWN}\""));
    }
}
