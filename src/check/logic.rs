//! Conditions on offenders, typed and resolved: what the conflict and reachability checks
//! reason about, what the model carries and what the JSON bundle publishes.
//!
//! Finding an offender who matches two rules is a search over the attributes the rules
//! mention. It is exact, not sampled: each condition compares attributes with constants, so
//! the answer can only change at those constants. [`axes`] cuts each attribute's domain there
//! into cells (a number's whole-number intervals between constants; each level; each option
//! a test names, and the options none names together; yes and no), and the search tries one
//! offender per combination of cells. The number of combinations is capped
//! ([`MAX_COMBINATIONS`]); past the cap the search says "unknown" and nothing is reported.
//! `intentc diff` cuts the same way to find which offenders' decisions change.

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

    /// Does the offender match, whatever values the attributes it lacks take? `None`: that
    /// depends on them. Three-valued (Kleene) logic over [`Cond::eval`]'s tests.
    pub fn eval_partial(&self, domains: &Domains, o: &Offender) -> Option<bool> {
        match self {
            Cond::All(cs) => {
                let mut known = true;
                for c in cs {
                    match c.eval_partial(domains, o) {
                        Some(false) => return Some(false),
                        None => known = false,
                        Some(true) => {}
                    }
                }
                known.then_some(true)
            }
            Cond::Any(cs) => {
                let mut known = true;
                for c in cs {
                    match c.eval_partial(domains, o) {
                        Some(true) => return Some(true),
                        None => known = false,
                        Some(false) => {}
                    }
                }
                known.then_some(false)
            }
            Cond::Not(c) => c.eval_partial(domains, o).map(|b| !b),
            Cond::Compare { attribute, .. } | Cond::OneOf { attribute, .. } | Cond::Between { attribute, .. } | Cond::Is { attribute } => {
                o.contains_key(attribute).then(|| self.eval(domains, o))
            }
        }
    }

    /// The attributes this condition tests.
    pub fn attribute_set(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.attributes(&mut out);
        out
    }

    /// For each number attribute, the values at which some test's answer can change: `v` is a
    /// cut when a test may answer differently for `v - 1` and `v`. For each level or option
    /// attribute, the values the tests name.
    fn cuts(&self, numbers: &mut BTreeMap<String, BTreeSet<i64>>, words: &mut BTreeMap<String, BTreeSet<Val>>) {
        match self {
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.cuts(numbers, words)),
            Cond::Not(c) => c.cuts(numbers, words),
            Cond::Compare { attribute, value: Val::Number(n), .. } => {
                numbers.entry(attribute.clone()).or_default().extend([*n, n.saturating_add(1)]);
            }
            Cond::Compare { attribute, value, .. } => {
                words.entry(attribute.clone()).or_default().insert(value.clone());
            }
            Cond::OneOf { attribute, values } => {
                for v in values {
                    match v {
                        Val::Number(n) => {
                            numbers.entry(attribute.clone()).or_default().extend([*n, n.saturating_add(1)]);
                        }
                        other => {
                            words.entry(attribute.clone()).or_default().insert(other.clone());
                        }
                    }
                }
            }
            Cond::Between { attribute, min, max } => {
                numbers.entry(attribute.clone()).or_default().extend([*min, max.saturating_add(1)]);
            }
            Cond::Is { .. } => {}
        }
    }
}

/// A set of values of one attribute for which every condition it was cut for gives the same
/// answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Whole numbers from the first to the second, both included.
    Range(i64, i64),
    /// Words or yes / no, in the domain's order.
    Values(Vec<Val>),
}

impl Cell {
    /// The value that stands for the cell: its first.
    pub fn representative(&self) -> Val {
        match self {
            Cell::Range(lo, _) => Val::Number(*lo),
            Cell::Values(vs) => vs.first().cloned().unwrap_or(Val::Bool(false)),
        }
    }
}

/// One attribute's domain, cut into cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub attribute: String,
    pub cells: Vec<Cell>,
}

/// Cuts the domain of every attribute the conditions test into cells, so that within each
/// combination of cells every condition gives one answer: an offender per combination (its
/// cells' representatives) stands for them all. Conditions compare attributes with
/// constants, so a number's answer can change only at a constant; an option value no test
/// names behaves like every other such value. `None` when an attribute has no domain.
pub fn axes(conds: &[&Cond], domains: &Domains) -> Option<Vec<Axis>> {
    let mut attrs = BTreeSet::new();
    let (mut numbers, mut words) = (BTreeMap::new(), BTreeMap::new());
    for c in conds {
        c.attributes(&mut attrs);
        c.cuts(&mut numbers, &mut words);
    }
    let mut out = Vec::new();
    for a in attrs {
        let cells = match domains.get(&a)? {
            Domain::Number { min, max } => {
                let mut starts: BTreeSet<i64> = [*min].into();
                if let Some(cs) = numbers.get(&a) {
                    starts.extend(cs.iter().filter(|c| **c > *min && **c <= *max));
                }
                let starts: Vec<i64> = starts.into_iter().collect();
                starts.iter().enumerate().map(|(i, lo)| Cell::Range(*lo, starts.get(i + 1).map_or(*max, |next| next - 1))).collect()
            }
            Domain::Level { values } => values.iter().map(|v| Cell::Values(vec![Val::Word(v.clone())])).collect(),
            Domain::Option { values } => {
                let named = words.get(&a);
                let is_named = |v: &String| named.is_some_and(|n| n.contains(&Val::Word(v.clone())));
                let mut cells: Vec<Cell> = Vec::new();
                let mut rest: Vec<Val> = Vec::new();
                let mut rest_at = None;
                for v in values {
                    if is_named(v) {
                        cells.push(Cell::Values(vec![Val::Word(v.clone())]));
                    } else {
                        rest_at.get_or_insert(cells.len());
                        rest.push(Val::Word(v.clone()));
                    }
                }
                // The values no test names share a cell, placed where the first of them is.
                if let Some(at) = rest_at {
                    cells.insert(at, Cell::Values(rest));
                }
                cells
            }
            Domain::YesNo => vec![Cell::Values(vec![Val::Bool(false)]), Cell::Values(vec![Val::Bool(true)])],
        };
        out.push(Axis { attribute: a, cells });
    }
    Some(out)
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

/// Looks for one offender who matches every condition: one per combination of [`axes`]
/// cells, tried in order (the first axis counting fastest), so the witness is the first match.
pub fn witness(conds: &[&Cond], domains: &Domains) -> Search {
    let Some(axes) = axes(conds, domains) else { return Search::Unknown };
    let total = axes.iter().try_fold(1usize, |acc, a| acc.checked_mul(a.cells.len().max(1)));
    if total.is_none_or(|t| t > MAX_COMBINATIONS) {
        return Search::Unknown;
    }
    let mut offender = Offender::new();
    if first_match(conds, domains, &axes, &mut offender) {
        Search::Found(offender)
    } else {
        Search::None
    }
}

/// Depth first, the last axis outermost: the order of counting through the combinations with
/// the first axis fastest, so the first match found is the same offender. A partial offender
/// that some condition rejects whatever the other attributes are (Kleene logic,
/// [`Cond::eval_partial`]) cuts off every combination below it: most of the search, for the
/// checker's reachability and conflict questions.
fn first_match(conds: &[&Cond], domains: &Domains, axes: &[Axis], o: &mut Offender) -> bool {
    let Some((axis, rest)) = axes.split_last() else {
        return conds.iter().all(|c| c.eval(domains, o));
    };
    for cell in &axis.cells {
        o.insert(axis.attribute.clone(), cell.representative());
        if conds.iter().all(|c| c.eval_partial(domains, o) != Some(false)) && first_match(conds, domains, rest, o) {
            return true;
        }
    }
    o.remove(&axis.attribute);
    false
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
    fn axes_cut_numbers_at_constants_and_group_unnamed_options() {
        let mut d = doms();
        d.insert("offence".into(), Domain::Option { values: vec!["violence".into(), "theft".into(), "fraud".into(), "other".into()] });
        let a = Cond::Compare { attribute: "ogrs3".into(), op: Op::Lt, value: Val::Number(25) };
        let b = Cond::Between { attribute: "ogrs3".into(), min: 50, max: 74 };
        let c = Cond::OneOf { attribute: "offence".into(), values: vec![Val::Word("theft".into())] };
        let axes = axes(&[&a, &b, &c], &d).expect("domains known");
        assert_eq!(axes[0].attribute, "offence");
        let words = |vs: &[&str]| Cell::Values(vs.iter().map(|v| Val::Word(v.to_string())).collect());
        assert_eq!(axes[0].cells, vec![words(&["violence", "fraud", "other"]), words(&["theft"])]);
        assert_eq!(
            axes[1].cells,
            vec![Cell::Range(0, 24), Cell::Range(25, 25), Cell::Range(26, 49), Cell::Range(50, 74), Cell::Range(75, 100)]
        );
    }

    #[test]
    fn partial_evaluation_is_three_valued() {
        let d = doms();
        let low = Cond::Compare { attribute: "ogrs3".into(), op: Op::Lt, value: Val::Number(25) };
        let high = Cond::Compare { attribute: "rosh".into(), op: Op::Ge, value: Val::Word("high".into()) };
        let o: Offender = [("ogrs3".to_string(), Val::Number(10))].into();
        assert_eq!(low.eval_partial(&d, &o), Some(true));
        assert_eq!(high.eval_partial(&d, &o), None);
        assert_eq!(Cond::Any(vec![low.clone(), high.clone()]).eval_partial(&d, &o), Some(true));
        assert_eq!(Cond::All(vec![low.clone(), high.clone()]).eval_partial(&d, &o), None);
        assert_eq!(Cond::All(vec![Cond::Not(Box::new(low)), high]).eval_partial(&d, &o), Some(false));
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

    /// The search as first written: every combination in counting order, no pruning.
    fn witness_by_counting(conds: &[&Cond], domains: &Domains) -> Search {
        let Some(axes) = axes(conds, domains) else { return Search::Unknown };
        let mut index = vec![0usize; axes.len()];
        loop {
            let o: Offender = axes.iter().zip(&index).map(|(a, i)| (a.attribute.clone(), a.cells[*i].representative())).collect();
            if conds.iter().all(|c| c.eval(domains, &o)) {
                return Search::Found(o);
            }
            let mut k = 0;
            loop {
                if k == axes.len() {
                    return Search::None;
                }
                index[k] += 1;
                if index[k] < axes[k].cells.len() {
                    break;
                }
                index[k] = 0;
                k += 1;
            }
        }
    }

    fn arb_cond() -> impl proptest::strategy::Strategy<Value = Cond> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            (0i64..=100, 0usize..6).prop_map(|(n, op)| Cond::Compare {
                attribute: "ogrs3".into(),
                op: [Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne][op],
                value: Val::Number(n)
            }),
            (0i64..=100, 0i64..=100).prop_map(|(a, b)| Cond::Between { attribute: "ogrs3".into(), min: a.min(b), max: a.max(b) }),
            (0usize..3, 0usize..6).prop_map(|(v, op)| Cond::Compare {
                attribute: "rosh".into(),
                op: [Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne][op],
                value: Val::Word(["low", "medium", "high"][v].into())
            }),
            Just(Cond::Is { attribute: "flag".into() }),
        ];
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..4).prop_map(Cond::All),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(Cond::Any),
                inner.prop_map(|c| Cond::Not(Box::new(c))),
            ]
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 500, failure_persistence: None, ..Default::default() })]

        /// The pruned search finds the same first offender as counting through every
        /// combination, so no diagnostic's witness changes.
        #[test]
        fn pruned_search_finds_the_same_first_witness(a in arb_cond(), b in arb_cond()) {
            let mut d = doms();
            d.insert("flag".into(), Domain::YesNo);
            proptest::prop_assert_eq!(witness(&[&a], &d), witness_by_counting(&[&a], &d));
            proptest::prop_assert_eq!(witness(&[&a, &b], &d), witness_by_counting(&[&a, &b], &d));
        }
    }
}
