//! The options that choose policies: `-p`, `--param`, `--config`, shared by the commands that
//! load policies.

use std::path::PathBuf;

use clap::Args;

use crate::policy::{self, ConfigSettings, LoadRequest, PolicyError, PolicySpec, RuleSet};

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Policy file or built-in pack name (recommended, strict); repeatable.
    /// Default: the configuration's policies, else the `recommended` pack.
    #[arg(short, long = "policy", value_name = "PATH")]
    pub policies: Vec<String>,
    /// Set a policy parameter, e.g. `--param min_retention_days=2y`; repeatable.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Configuration file. Default: `.dbs-lint.yaml` in the working directory or a parent.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any `.dbs-lint.yaml`.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

impl PolicyArgs {
    /// Loads the policies these options name, with "now" at `now_ms` (epoch milliseconds).
    pub fn load(&self, now_ms: i64) -> Result<(RuleSet, ConfigSettings), Vec<PolicyError>> {
        let config = if self.no_config {
            None
        } else {
            self.config.clone().or_else(|| {
                std::env::current_dir()
                    .ok()
                    .and_then(|d| policy::discover_config(&d))
            })
        };
        policy::load_with(&LoadRequest {
            specs: self.policies.iter().map(|p| PolicySpec::parse(p)).collect(),
            params: self.params.clone(),
            config,
            now_ms,
        })
    }
}
