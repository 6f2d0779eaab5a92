//! Three-valued evaluation of conditions against a plan.
//!
//! `truth` is the hot path and allocates nothing; `explain` re-walks a condition only for the
//! plans that did not pass, to say which values decided.

use std::cmp::Ordering;

use crate::model::{Plan, Slot, Value};
use crate::policy::{Condition, Literal, Op, Test};

/// The value of a condition: true, false, or unknown because a value it needs is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

pub fn truth(cond: &Condition, plan: &Plan) -> Truth {
    match cond {
        Condition::Test(t) => test(t, plan.get(t.field)),
        Condition::Not(c) => truth(c, plan).not(),
        Condition::All(cs) => {
            let mut unknown = false;
            for c in cs {
                match truth(c, plan) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => unknown = true,
                    Truth::True => {}
                }
            }
            if unknown {
                Truth::Unknown
            } else {
                Truth::True
            }
        }
        Condition::Any(cs) => {
            let mut unknown = false;
            for c in cs {
                match truth(c, plan) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => unknown = true,
                    Truth::False => {}
                }
            }
            if unknown {
                Truth::Unknown
            } else {
                Truth::False
            }
        }
    }
}

/// One field test that decided an outcome, with the value it saw.
#[derive(Debug, Clone)]
pub struct Leaf<'a> {
    pub test: &'a Test,
    pub actual: &'a Slot,
    pub truth: Truth,
    /// Whether the test sits under an odd number of `not`s.
    pub negated: bool,
}

impl Leaf<'_> {
    /// "BackupRetentionPeriod is 30, expected ≥ 365".
    pub fn describe(&self) -> String {
        let field = self.test.field;
        let expected = if self.negated {
            format!("not {}", self.test.op.expectation())
        } else {
            self.test.op.expectation()
        };
        match self.actual {
            Slot::Present(v) => format!("{field} is {}, expected {expected}", shown(v)),
            Slot::Missing => format!("{field} is missing, expected {expected}"),
            Slot::Null => format!("{field} is null, expected {expected}"),
            Slot::Unparsable(why) => format!("{field} cannot be read ({why}), expected {expected}"),
        }
    }
}

fn shown(v: &Value) -> String {
    match v {
        Value::Text(t) => format!("\"{t}\""),
        Value::Weekdays(w) if w.is_empty() => "\"\" (no day)".into(),
        other => other.to_string(),
    }
}

/// The tests that decided `cond`'s value for `plan`.
pub fn explain<'a>(cond: &'a Condition, plan: &'a Plan) -> Vec<Leaf<'a>> {
    let mut out = Vec::new();
    collect(cond, plan, false, &mut out);
    out
}

fn collect<'a>(
    cond: &'a Condition,
    plan: &'a Plan,
    negated: bool,
    out: &mut Vec<Leaf<'a>>,
) -> Truth {
    match cond {
        Condition::Test(t) => {
            let actual = plan.get(t.field);
            let truth = test(t, actual);
            out.push(Leaf {
                test: t,
                actual,
                truth,
                negated,
            });
            truth
        }
        Condition::Not(c) => collect(c, plan, !negated, out).not(),
        Condition::All(cs) | Condition::Any(cs) => {
            let deciding = if matches!(cond, Condition::All(_)) {
                Truth::False
            } else {
                Truth::True
            };
            let overall = truth(cond, plan);
            // Keep the children that explain the overall value: the deciding ones, or the
            // unknown ones, or all of them when every child agrees.
            for c in cs {
                let t = truth(c, plan);
                let keep = match overall {
                    Truth::Unknown => t == Truth::Unknown,
                    v if v == deciding => t == deciding,
                    _ => true,
                };
                if keep {
                    collect(c, plan, negated, out);
                    if overall == deciding && deciding == Truth::True {
                        break;
                    }
                }
            }
            overall
        }
    }
}

/// One test against one value.
pub fn test(t: &Test, slot: &Slot) -> Truth {
    let value = match (slot, &t.op) {
        (Slot::Missing | Slot::Null, Op::Exists(want)) => return bool_truth(!*want),
        (_, Op::Exists(want)) => return bool_truth(*want),
        (Slot::Present(v), _) => v,
        _ => return Truth::Unknown,
    };
    bool_truth(match &t.op {
        Op::Eq(l) => equals(value, l),
        Op::Ne(l) => !equals(value, l),
        Op::Lt(l) => compare(value, l) == Some(Ordering::Less),
        Op::Lte(l) => matches!(compare(value, l), Some(Ordering::Less | Ordering::Equal)),
        Op::Gt(l) => compare(value, l) == Some(Ordering::Greater),
        Op::Gte(l) => matches!(compare(value, l), Some(Ordering::Greater | Ordering::Equal)),
        Op::In(ls) => ls.iter().any(|l| equals(value, l)),
        Op::NotIn(ls) => !ls.iter().any(|l| equals(value, l)),
        Op::Glob(_, g) => matches!(value, Value::Text(s) if g.is_match(s.as_ref())),
        Op::Regex(r) => matches!(value, Value::Text(s) if r.is_match(s)),
        Op::Empty(want) => is_empty(value) == *want,
        Op::Includes(days) => matches!(value, Value::Weekdays(w) if w.contains(*days)),
        Op::CountGte(n) => matches!(value, Value::Weekdays(w) if w.count() >= *n),
        Op::CountLte(n) => matches!(value, Value::Weekdays(w) if w.count() <= *n),
        Op::Exists(_) => unreachable!("handled above"),
    })
}

fn bool_truth(b: bool) -> Truth {
    if b {
        Truth::True
    } else {
        Truth::False
    }
}

fn equals(v: &Value, l: &Literal) -> bool {
    match (v, l) {
        (Value::Int(a), Literal::Int(b)) => a == b,
        (Value::Bool(a), Literal::Bool(b)) => a == b,
        (Value::Text(a), Literal::Text(b)) => a.as_ref() == b,
        (Value::Time(a), Literal::Time(b)) => a == b,
        _ => false,
    }
}

fn compare(v: &Value, l: &Literal) -> Option<Ordering> {
    match (v, l) {
        (Value::Int(a), Literal::Int(b)) => Some(a.cmp(b)),
        (Value::Time(a), Literal::Time(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Text(s) => s.is_empty(),
        Value::Weekdays(w) => w.is_empty(),
        Value::Objects(o) => o.is_empty(),
        Value::Int(_) | Value::Bool(_) | Value::Time(_) => false,
    }
}
