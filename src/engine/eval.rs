//! Three-valued evaluation of conditions against a plan.
//!
//! `truth` is the hot path and allocates nothing; `explain` re-walks a condition only for the
//! plans that did not pass, to say which values decided.

use std::cmp::Ordering;

use std::borrow::Cow;

use crate::model::{BackupObject, Plan, Slot, Value};
use crate::policy::model::ObjectPath;
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
        Condition::Test(t) => test(t, &plan.value(t.field), plan),
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
    pub actual: Cow<'a, Slot>,
    pub truth: Truth,
    /// Whether the test sits under an odd number of `not`s.
    pub negated: bool,
}

impl Leaf<'_> {
    /// "BackupRetentionPeriod is 30, expected ≥ 365".
    pub fn describe(&self) -> String {
        let field = self.test.subject();
        let expected = if self.negated {
            format!("not {}", self.test.op.expectation())
        } else {
            self.test.op.expectation()
        };
        match self.actual.as_ref() {
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
            let actual = plan.value(t.field);
            let truth = test(t, &actual, plan);
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

/// One test against one value (`plan` supplies the other side of cross-field comparisons).
pub fn test(t: &Test, slot: &Slot, plan: &Plan) -> Truth {
    let value = match (slot, &t.op, t.path) {
        (Slot::Missing | Slot::Null, Op::Exists(want), None) => return bool_truth(!*want),
        (_, Op::Exists(want), None) => return bool_truth(*want),
        (Slot::Present(v), _, _) => v,
        _ => return Truth::Unknown,
    };
    if let (Some(path), Value::Objects(objects)) = (t.path, value) {
        // Every entry must satisfy the test.
        let mut all = Truth::True;
        for object in objects.iter() {
            let part = object_part(object, path);
            let truth = match (&part, &t.op) {
                (None, Op::Exists(want)) => bool_truth(!*want),
                (Some(_), Op::Exists(want)) => bool_truth(*want),
                (None, _) => Truth::Unknown,
                (Some(v), _) => apply(&t.op, v, plan),
            };
            match truth {
                Truth::False => return Truth::False,
                Truth::Unknown => all = Truth::Unknown,
                Truth::True => {}
            }
        }
        return all;
    }
    apply(&t.op, value, plan)
}

fn object_part(object: &BackupObject, path: ObjectPath) -> Option<Value> {
    let list = |names: &[String]| Value::Text(names.join(",").into());
    match path {
        ObjectPath::DbName => object.db_name.as_deref().map(|s| Value::Text(s.into())),
        ObjectPath::SchemaName => object.schema_name.as_deref().map(|s| Value::Text(s.into())),
        ObjectPath::TableIncludes => Some(list(&object.table_includes)),
        ObjectPath::TableExcludes => Some(list(&object.table_excludes)),
    }
}

/// Resolves a literal that names another field to that field's value.
fn resolve<'a>(l: &'a Literal, plan: &Plan) -> Option<Cow<'a, Literal>> {
    match l {
        Literal::Field(f) => match plan.value(*f).as_ref() {
            Slot::Present(Value::Int(i)) => Some(Cow::Owned(Literal::Int(*i))),
            Slot::Present(Value::Bool(b)) => Some(Cow::Owned(Literal::Bool(*b))),
            Slot::Present(Value::Text(t)) => Some(Cow::Owned(Literal::Text(t.to_string()))),
            Slot::Present(Value::Time(m)) => Some(Cow::Owned(Literal::Time(*m))),
            _ => None,
        },
        other => Some(Cow::Borrowed(other)),
    }
}

fn apply(op: &Op, value: &Value, plan: &Plan) -> Truth {
    let one = |l: &Literal, f: &dyn Fn(&Value, &Literal) -> bool| -> Truth {
        match resolve(l, plan) {
            Some(l) => bool_truth(f(value, &l)),
            None => Truth::Unknown,
        }
    };
    let ord = |l: &Literal, want: &[Ordering]| -> Truth {
        match resolve(l, plan) {
            Some(l) => bool_truth(compare(value, &l).is_some_and(|o| want.contains(&o))),
            None => Truth::Unknown,
        }
    };
    match op {
        Op::Eq(l) => return one(l, &equals),
        Op::Ne(l) => return one(l, &|v, l| !equals(v, l)),
        Op::Lt(l) => return ord(l, &[Ordering::Less]),
        Op::Lte(l) => return ord(l, &[Ordering::Less, Ordering::Equal]),
        Op::Gt(l) => return ord(l, &[Ordering::Greater]),
        Op::Gte(l) => return ord(l, &[Ordering::Greater, Ordering::Equal]),
        _ => {}
    }
    bool_truth(match op {
        Op::In(ls) => ls
            .iter()
            .any(|l| resolve(l, plan).is_some_and(|l| equals(value, &l))),
        Op::NotIn(ls) => !ls
            .iter()
            .any(|l| resolve(l, plan).is_some_and(|l| equals(value, &l))),
        Op::Glob(_, g) => matches!(value, Value::Text(s) if g.is_match(s.as_ref())),
        Op::Regex(r) => matches!(value, Value::Text(s) if r.is_match(s)),
        Op::Empty(want) => is_empty(value) == *want,
        Op::Includes(days) => matches!(value, Value::Weekdays(w) if w.contains(*days)),
        Op::CountGte(n) => matches!(value, Value::Weekdays(w) if w.count() >= *n),
        Op::CountLte(n) => matches!(value, Value::Weekdays(w) if w.count() <= *n),
        Op::Between(start, end) => match value {
            Value::Time(m) if start <= end => (start..end).contains(&m),
            Value::Time(m) => m >= start || m < end,
            _ => false,
        },
        Op::Exists(_) => true,
        Op::Eq(_) | Op::Ne(_) | Op::Lt(_) | Op::Lte(_) | Op::Gt(_) | Op::Gte(_) => {
            unreachable!("handled above")
        }
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
