//! Policy parameters: declared with a type and a default, referenced as `$name`, overridden by
//! extending policies, the configuration file, rule overrides and `--param name=value`.

use std::collections::HashMap;
use std::sync::Arc;

use super::duration::parse_days;
use super::node::{Node, NodeValue};
use crate::model::value::parse_time;
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    Integer,
    Days,
    String,
    Boolean,
    Time,
    List,
}

impl ParamType {
    pub const NAMES: &'static [&'static str] =
        &["integer", "days", "string", "boolean", "time", "list"];

    pub fn parse(s: &str) -> Option<ParamType> {
        Some(match s {
            "integer" => ParamType::Integer,
            "days" => ParamType::Days,
            "string" => ParamType::String,
            "boolean" => ParamType::Boolean,
            "time" => ParamType::Time,
            "list" => ParamType::List,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            ParamType::Integer => "integer",
            ParamType::Days => "days",
            ParamType::String => "string",
            ParamType::Boolean => "boolean",
            ParamType::Time => "time",
            ParamType::List => "list",
        }
    }

    /// The type a shorthand declaration (`name: value`) implies.
    pub fn infer(node: &Node) -> Option<ParamType> {
        Some(match &node.value {
            NodeValue::Int(_) => ParamType::Integer,
            NodeValue::Bool(_) => ParamType::Boolean,
            NodeValue::Str(s) if parse_days(s).is_some() && s.ends_with(['d', 'w', 'y']) => {
                ParamType::Days
            }
            NodeValue::Str(_) => ParamType::String,
            NodeValue::Seq(_) => ParamType::List,
            _ => return None,
        })
    }

    /// Whether `node` is a value of this type; `Err` says what was expected.
    pub fn check(self, node: &Node) -> Result<(), &'static str> {
        let ok = match (self, &node.value) {
            (ParamType::Integer, NodeValue::Int(_)) => true,
            (ParamType::Days, NodeValue::Int(n)) => *n >= 0,
            (ParamType::Days, NodeValue::Str(s)) => parse_days(s).is_some(),
            (ParamType::String, NodeValue::Str(_)) => true,
            (ParamType::Boolean, NodeValue::Bool(_)) => true,
            (ParamType::Time, NodeValue::Str(s)) => parse_time(s).is_some(),
            (ParamType::List, NodeValue::Seq(items)) => items.iter().all(Node::is_scalar),
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(match self {
                ParamType::Integer => "a whole number",
                ParamType::Days => "a number of days or a duration (365, 52w, 1y)",
                ParamType::String => "a string",
                ParamType::Boolean => "true or false",
                ParamType::Time => "a time of day \"HH:mm\"",
                ParamType::List => "a list of values",
            })
        }
    }
}

/// A declared parameter and its effective value.
#[derive(Debug, Clone)]
pub struct Param {
    pub ty: ParamType,
    pub description: Option<String>,
    pub value: Node,
    /// Where the effective value was written.
    pub set_in: Arc<SourceFile>,
}

/// Every parameter of a run, by name.
#[derive(Debug, Clone, Default)]
pub struct Params {
    pub params: HashMap<String, Param>,
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&Param> {
        self.params.get(name)
    }

    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.params.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}
