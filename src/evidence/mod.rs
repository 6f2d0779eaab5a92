//! Evidence bundles: the inputs, the resolved policy and the reports of a run, with a manifest
//! of their SHA-256 digests (`check --evidence DIR`), and their verification (`verify DIR`).

pub mod bundle;
pub mod digest;
pub mod verify;

pub use bundle::{write_bundle, BundleRequest, Manifest, ManifestFile, MANIFEST};
pub use digest::sha256_hex;
pub use verify::{verify, Problem, Verification, VerifyError};
