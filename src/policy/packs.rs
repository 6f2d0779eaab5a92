//! Built-in policy packs, compiled in from `rules/`.

/// Name and YAML text of every built-in pack.
pub const PACKS: &[(&str, &str)] = &[
    ("recommended", include_str!("../../rules/recommended.yaml")),
    ("strict", include_str!("../../rules/strict.yaml")),
];

/// The pack used when no policy is given.
pub const DEFAULT_PACK: &str = "recommended";

pub fn find(name: &str) -> Option<&'static str> {
    PACKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

pub fn names() -> Vec<&'static str> {
    PACKS.iter().map(|(n, _)| *n).collect()
}
