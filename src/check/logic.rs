//! Conditions on offenders, typed and resolved: what the conflict and reachability checks
//! reason about, what the model carries and what the JSON bundle publishes.
//!
//! Finding an offender who matches two rules is a search over the attributes the rules
//! mention. It is exact, not sampled: each condition compares attributes with constants, so
//! the answer can only change at those constants, and the search tries, for each numeric
//! attribute, its bounds and every constant c as c-1, c and c+1; for a level, option or yes/no
//! attribute, every value. The number of combinations is capped ([`MAX_COMBINATIONS`]); past
//! the cap the search says "unknown" and nothing is reported.

use crate::syntax::ast::{AttributeType, CmpOp};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub const MAX_COMBINATIONS: usize = 200_000;

/// The values an attribute can take.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Domain {
    /// Whole numbers from `min` to `max`, both included.
    Number {
        min: i64,
        max: i64,
    },
    /// Ordered levels, lowest first.
    Level {
        values: Vec<String>,
    },
    Option {
        values: Vec<String>,
    },
    YesNo,
}

impl Domain {
    pub fn from_type(ty: &AttributeType) -> Domain {
        match ty {
            AttributeType::Percent => Domain::Number { min: 0, max: 100 },
            AttributeType::Number { min, max } => Domain::Number { min: *min as i64, max: *max as i64 },
            AttributeType::Level(v) => Domain::Level { values: v.iter().map(|i| i.name.clone()).collect() },
            AttributeType::Option(v) => Domain::Option { values: v.iter().map(|i| i.name.clone()).collect() },
            AttributeType::YesNo => Domain::YesNo,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Domain::Number { min, max } => format!("a whole number from {min} to {max}"),
            Domain::Level { values } => format!("a level ({})", values.join(" < ")),
            Domain::Option { values } => format!("one of {}", values.join(", ")),
            Domain::YesNo => "yes or no".to_string(),
        }
    }

    fn position(&self, word: &str) -> Option<usize> {
        match self {
            Domain::Level { values } | Domain::Option { values } => values.iter().position(|v| v == word),
            _ => None,
        }
    }
}

/// One attribute's value for one offender.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum Val {
    Number(i64),
    Bool(bool),
    Word(String),
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::Number(n) => write!(f, "{n}"),
            Val::Bool(true) => f.write_str("yes"),
            Val::Bool(false) => f.write_str("no"),
            Val::Word(w) => f.write_str(w),
        }
    }
}

/// A resolved condition. Serialized, this is the bundle's condition format (docs/bundle.md).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    /// `attribute op value`; for levels, `<` and `>` follow the levels' order.
    Compare {
        attribute: String,
        op: Op,
        value: Val,
    },
    /// The attribute is one of the values.
    OneOf {
        attribute: String,
        values: Vec<Val>,
    },
    /// A whole-number range, both ends included.
    Between {
        attribute: String,
        min: i64,
        max: i64,
    },
    /// A yes/no attribute is yes.
    Is {
        attribute: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl From<CmpOp> for Op {
    fn from(op: CmpOp) -> Op {
        match op {
            CmpOp::Eq => Op::Eq,
            CmpOp::Ne => Op::Ne,
            CmpOp::Lt => Op::Lt,
            CmpOp::Le => Op::Le,
            CmpOp::Gt => Op::Gt,
            CmpOp::Ge => Op::Ge,
        }
    }
}

impl Op {
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Eq => ord == Equal,
            Op::Ne => ord != Equal,
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
        }
    }
}

/// The attributes' domains, by id.
pub type Domains = BTreeMap<String, Domain>;

/// An offender: a value for some attributes. Missing attributes make tests on them false.
pub type Offender = BTreeMap<String, Val>;

impl Cond {
    pub fn all(mut parts: Vec<Cond>) -> Cond {
        if parts.len() == 1 {
            parts.pop().unwrap()
        } else {
            Cond::All(parts)
        }
    }

    /// Does the offender match?
    pub fn eval(&self, domains: &Domains, o: &Offender) -> bool {
        match self {
            Cond::All(cs) => cs.iter().all(|c| c.eval(domains, o)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(domains, o)),
            Cond::Not(c) => !c.eval(domains, o),
            Cond::Compare { attribute, op, value } => match (o.get(attribute), domains.get(attribute)) {
                (Some(v), Some(d)) => compare(d, v, value).is_some_and(|ord| op.holds(ord)),
                _ => false,
            },
            Cond::OneOf { attribute, values } => o.get(attribute).is_some_and(|v| values.contains(v)),
            Cond::Between { attribute, min, max } => matches!(o.get(attribute), Some(Val::Number(n)) if n >= min && n <= max),
            Cond::Is { attribute } => matches!(o.get(attribute), Some(Val::Bool(true))),
        }
    }

    fn attributes(&self, out: &mut BTreeSet<String>) {
        match self {
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.attributes(out)),
            Cond::Not(c) => c.attributes(out),
            Cond::Compare { attribute, .. } | Cond::OneOf { attribute, .. } | Cond::Between { attribute, .. } | Cond::Is { attribute } => {
                out.insert(attribute.clone());
            }
        }
    }

    /// The numbers this condition compares each attribute with.
    fn constants(&self, out: &mut BTreeMap<String, BTreeSet<i64>>) {
        match self {
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.constants(out)),
            Cond::Not(c) => c.constants(out),
            Cond::Compare { attribute, value: Val::Number(n), .. } => {
                out.entry(attribute.clone()).or_default().extend([n - 1, *n, n + 1]);
            }
            Cond::OneOf { attribute, values } => {
                out.entry(attribute.clone()).or_default().extend(values.iter().filter_map(|v| {
                    if let Val::Number(n) = v {
                        Some(*n)
                    } else {
                        None
                    }
                }));
            }
            Cond::Between { attribute, min, max } => {
                out.entry(attribute.clone()).or_default().extend([min - 1, *min, *max, max + 1]);
            }
            _ => {}
        }
    }
}

/// Orders two values of one attribute; `None` if they are not comparable.
pub fn compare(d: &Domain, a: &Val, b: &Val) -> Option<std::cmp::Ordering> {
    match (d, a, b) {
        (Domain::Number { .. }, Val::Number(x), Val::Number(y)) => Some(x.cmp(y)),
        (Domain::Level { .. }, Val::Word(x), Val::Word(y)) => Some(d.position(x)?.cmp(&d.position(y)?)),
        (Domain::Option { .. }, Val::Word(x), Val::Word(y)) => {
            Some(if x == y { std::cmp::Ordering::Equal } else { std::cmp::Ordering::Less })
        }
        (Domain::YesNo, Val::Bool(x), Val::Bool(y)) => Some(if x == y { std::cmp::Ordering::Equal } else { std::cmp::Ordering::Less }),
        _ => None,
    }
}

/// What a search for a matching offender found.
#[derive(Debug, Clone, PartialEq)]
pub enum Search {
    Found(Offender),
    None,
    /// Too many combinations to be sure.
    Unknown,
}

/// Looks for one offender who matches every condition.
pub fn witness(conds: &[&Cond], domains: &Domains) -> Search {
    let mut attrs = BTreeSet::new();
    let mut constants = BTreeMap::new();
    for c in conds {
        c.attributes(&mut attrs);
        c.constants(&mut constants);
    }
    let mut axes: Vec<(String, Vec<Val>)> = Vec::new();
    for a in &attrs {
        let Some(d) = domains.get(a) else { return Search::Unknown };
        let values: Vec<Val> = match d {
            Domain::Number { min, max } => {
                let mut set: BTreeSet<i64> = [*min, *max].into();
                if let Some(cs) = constants.get(a) {
                    set.extend(cs.iter().filter(|c| **c >= *min && **c <= *max));
                }
                set.into_iter().map(Val::Number).collect()
            }
            Domain::Level { values } | Domain::Option { values } => values.iter().cloned().map(Val::Word).collect(),
            Domain::YesNo => vec![Val::Bool(false), Val::Bool(true)],
        };
        axes.push((a.clone(), values));
    }
    let total = axes.iter().try_fold(1usize, |acc, (_, v)| acc.checked_mul(v.len().max(1)));
    if total.is_none_or(|t| t > MAX_COMBINATIONS) {
        return Search::Unknown;
    }
    let mut index = vec![0usize; axes.len()];
    loop {
        let offender: Offender = axes.iter().zip(&index).map(|((a, vs), i)| (a.clone(), vs[*i].clone())).collect();
        if conds.iter().all(|c| c.eval(domains, &offender)) {
            return Search::Found(offender);
        }
        // Next combination, like an odometer.
        let mut k = 0;
        loop {
            if k == axes.len() {
                return Search::None;
            }
            index[k] += 1;
            if index[k] < axes[k].1.len() {
                break;
            }
            index[k] = 0;
            k += 1;
        }
    }
}

/// "an offender with ogrs3 = 92 and index_offence = theft".
pub fn describe_offender(o: &Offender) -> String {
    if o.is_empty() {
        return "every offender".to_string();
    }
    let parts: Vec<String> = o.iter().map(|(a, v)| format!("{a} = {v}")).collect();
    format!("an offender with {}", parts.join(" and "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doms() -> Domains {
        let mut d = Domains::new();
        d.insert("ogrs3".into(), Domain::Number { min: 0, max: 100 });
        d.insert("rosh".into(), Domain::Level { values: vec!["low".into(), "medium".into(), "high".into()] });
        d
    }

    #[test]
    fn finds_a_witness_at_the_boundary() {
        let a = Cond::Compare { attribute: "ogrs3".into(), op: Op::Ge, value: Val::Number(90) };
        let b = Cond::Between { attribute: "ogrs3".into(), min: 75, max: 90 };
        assert_eq!(witness(&[&a, &b], &doms()), Search::Found([("ogrs3".to_string(), Val::Number(90))].into()));
        let c = Cond::Between { attribute: "ogrs3".into(), min: 75, max: 89 };
        assert_eq!(witness(&[&a, &c], &doms()), Search::None);
    }

    #[test]
    fn levels_are_ordered() {
        let d = doms();
        let high = Cond::Compare { attribute: "rosh".into(), op: Op::Ge, value: Val::Word("medium".into()) };
        let o: Offender = [("rosh".to_string(), Val::Word("high".into()))].into();
        assert!(high.eval(&d, &o));
        let o: Offender = [("rosh".to_string(), Val::Word("low".into()))].into();
        assert!(!high.eval(&d, &o));
    }
}
