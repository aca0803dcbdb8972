//! Targeting rules: typed conditions, session classes against the catalogue, rules no one can
//! reach, and invest / avoid pairs that can both apply to one offender.
//!
//! Rules are first flattened: each gets its id and one effective condition (its scopes'
//! conditions and bands, its `when`, and not its `unless`). The model reuses the flattening.

use super::logic::{self, Cond, Domain, Domains, Op, Search, Val};
use super::CheckError;
use crate::diagnostics::suggest;
use crate::resolve::{Kind, Symbols};
use crate::source::Span;
use crate::syntax::ast::{self, *};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The conflicts one run searches for at most; the diagnostics list shows no more than this
/// anyway ([`crate::diagnostics::MAX_SHOWN`]).
pub const MAX_CONFLICTS: usize = crate::diagnostics::MAX_SHOWN;

/// A rule with everything that decides when it applies.
#[derive(Debug, Clone)]
pub struct FlatRule<'a> {
    pub id: String,
    pub targeting: &'a str,
    pub verb: Verb,
    pub number: Option<u32>,
    pub service: Option<&'a Ident>,
    /// The bands of the enclosing `in band` scopes, if any.
    pub bands: Vec<String>,
    /// `None` when a condition had a type error (already reported).
    pub condition: Option<Cond>,
    pub sessions: Option<(i64, i64)>,
    pub rule: &'a ast::Rule,
    /// The ids of the scopes around the rule, outermost first, for grouping in documents.
    pub scopes: Vec<String>,
}

pub fn domains(symbols: &Symbols) -> Domains {
    symbols
        .all(Kind::Attribute)
        .filter_map(|d| match &d.body {
            Body::Attribute(a) => Some((d.id.name.clone(), Domain::from_type(&a.ty.node))),
            _ => None,
        })
        .collect()
}

/// A session class as a whole-number interval; `i64::MAX` stands for "no upper bound".
pub fn session_interval(s: &Sessions) -> (i64, i64) {
    match *s {
        Sessions::Exactly(n) => (n as i64, n as i64),
        Sessions::Range(a, b) => (a as i64, b as i64),
        Sessions::Compare(op, n) => {
            let n = n as i64;
            match op {
                CmpOp::Lt => (0, n - 1),
                CmpOp::Le => (0, n),
                CmpOp::Gt => (n + 1, i64::MAX),
                CmpOp::Ge => (n, i64::MAX),
                CmpOp::Eq => (n, n),
                CmpOp::Ne => (0, i64::MAX),
            }
        }
    }
}

pub fn describe_sessions(s: &Sessions) -> String {
    match *s {
        Sessions::Exactly(n) => format!("{n}"),
        Sessions::Range(a, b) => format!("{a} to {b}"),
        Sessions::Compare(op, n) => match op {
            CmpOp::Lt => format!("fewer than {n}"),
            CmpOp::Le => format!("at most {n}"),
            CmpOp::Gt => format!("more than {n}"),
            CmpOp::Ge => format!("at least {n}"),
            CmpOp::Eq => format!("{n}"),
            CmpOp::Ne => format!("other than {n}"),
        },
    }
}

/// The session counts a rule is about: its own class (`sessions`), narrowed to its service's
/// count in the catalogue when the two meet. Shared by the conflict search here and by the
/// model, which records it on every rule for `decide`. `i64::MAX` stands for "no upper bound".
pub fn session_class(own: Option<(i64, i64)>, service: Option<(i64, i64)>) -> (i64, i64) {
    let full = (0, i64::MAX);
    let own = own.unwrap_or(full);
    intersect(own, service.unwrap_or(full)).unwrap_or(own)
}

/// A service's session count in the catalogue, as an interval.
pub fn service_sessions(symbols: &Symbols, service: &str) -> Option<(i64, i64)> {
    symbols.service(service).and_then(|s| s.sessions.as_ref()).map(|s| session_interval(&s.node))
}

fn intersect(a: (i64, i64), b: (i64, i64)) -> Option<(i64, i64)> {
    let lo = a.0.max(b.0);
    let hi = a.1.min(b.1);
    (lo <= hi).then_some((lo, hi))
}

/// Converts an author's condition to a typed one, reporting type mistakes.
pub fn convert(c: &Condition, domains: &Domains, errors: &mut Vec<CheckError>) -> Option<Cond> {
    Some(match c {
        Condition::Or(cs) => Cond::Any(cs.iter().map(|c| convert(c, domains, errors)).collect::<Option<Vec<_>>>()?),
        Condition::And(cs) => Cond::All(cs.iter().map(|c| convert(c, domains, errors)).collect::<Option<Vec<_>>>()?),
        Condition::Not(c) => Cond::Not(Box::new(convert(c, domains, errors)?)),
        Condition::Test(t) => test(t, domains, errors)?,
    })
}

fn test(t: &Test, domains: &Domains, errors: &mut Vec<CheckError>) -> Option<Cond> {
    // An unknown attribute is the resolver's to report.
    let d = domains.get(&t.attr.name)?;
    let attribute = t.attr.name.clone();
    let type_error = |at: Span, found: &str, errors: &mut Vec<CheckError>| {
        errors.push(CheckError::ConditionType { attribute: attribute.clone(), at, expected: d.describe(), found: found.to_string() });
        None
    };
    match &t.op {
        TestOp::Flag => match d {
            Domain::YesNo => Some(Cond::Is { attribute }),
            _ => type_error(t.span, "nothing (a yes/no test)", errors),
        },
        TestOp::Compare(op, v) => {
            if matches!(d, Domain::Option { .. } | Domain::YesNo) && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                return type_error(t.span, &format!("`{}` (its values have no order; use == or in [...])", op.symbol()), errors);
            }
            let value = value(&attribute, d, v, errors)?;
            Some(Cond::Compare { attribute, op: Op::from(*op), value })
        }
        TestOp::InSet(vs) => {
            let values = vs.iter().map(|v| value(&attribute, d, v, errors)).collect::<Option<Vec<_>>>()?;
            Some(Cond::OneOf { attribute, values })
        }
        TestOp::InRange(r) => match d {
            Domain::Number { .. } => {
                let (a, b) = r.node;
                if a.fract() != 0.0 || b.fract() != 0.0 {
                    return type_error(r.span, "a range with a decimal bound", errors);
                }
                Some(Cond::Between { attribute, min: a as i64, max: b as i64 })
            }
            _ => type_error(r.span, "a number range", errors),
        },
    }
}

fn value(attribute: &str, d: &Domain, v: &crate::source::Spanned<Operand>, errors: &mut Vec<CheckError>) -> Option<Val> {
    let wrong = |found: String, errors: &mut Vec<CheckError>| {
        errors.push(CheckError::ConditionType { attribute: attribute.to_string(), at: v.span, expected: d.describe(), found });
        None
    };
    match (d, &v.node) {
        (Domain::Number { .. }, Operand::Number(n)) if n.fract() == 0.0 => Some(Val::Number(*n as i64)),
        (Domain::Number { .. }, Operand::Number(n)) => wrong(format!("{n}, which is not a whole number"), errors),
        (Domain::Level { values } | Domain::Option { values }, Operand::Word(w)) => {
            if values.contains(w) {
                Some(Val::Word(w.clone()))
            } else {
                let names: Vec<&str> = values.iter().map(String::as_str).collect();
                errors.push(CheckError::UnknownValue {
                    attribute: attribute.to_string(),
                    at: v.span,
                    value: w.clone(),
                    suggestion: suggest(w, &names),
                    values: values.clone(),
                });
                None
            }
        }
        (Domain::YesNo, Operand::Word(w)) if w == "yes" || w == "no" => Some(Val::Bool(w == "yes")),
        (_, Operand::Number(n)) => wrong(format!("the number {n}"), errors),
        (_, Operand::Word(w)) => wrong(format!("`{w}`"), errors),
    }
}

/// Flattens every targeting's rules, in source order.
pub fn flatten<'a>(symbols: &Symbols<'a>, domains: &Domains, errors: &mut Vec<CheckError>) -> Vec<FlatRule<'a>> {
    let mut out = Vec::new();
    for d in symbols.all(Kind::Targeting) {
        let Body::Targeting(t) = &d.body else { continue };
        let bands = t.bands.as_ref().and_then(|b| symbols.bands(&b.name));
        let mut cx = Flatten { targeting: &d.id.name, bands, domains, out: &mut out, errors };
        cx.items(&t.items, &Place { conds: Some(Vec::new()), ..Place::default() });
    }
    out
}

struct Flatten<'a, 'x> {
    targeting: &'a str,
    bands: Option<&'a Bands>,
    domains: &'x Domains,
    out: &'x mut Vec<FlatRule<'a>>,
    errors: &'x mut Vec<CheckError>,
}

/// Where a rule or scope sits: the scopes around it, outermost first, and what they add up to.
#[derive(Clone, Default)]
struct Place {
    /// The id parts of the enclosing scopes (band ids joined by `-`, `when` names).
    path: Vec<String>,
    band_ids: Vec<String>,
    /// The conditions of the enclosing scopes; `None` once one could not be read.
    conds: Option<Vec<Cond>>,
    /// The scopes' names, for grouping in documents (an unnamed `when` is "").
    scopes: Vec<String>,
}

impl<'a> Flatten<'a, '_> {
    fn items(&mut self, items: &'a [TargetingItem], place: &Place) {
        let mut position = 0;
        for item in items {
            match item {
                TargetingItem::Rule(r) => {
                    position += 1;
                    self.rule(r, position, place);
                }
                TargetingItem::Scope(s) => {
                    let inner = self.scope(s, place);
                    self.items(&s.items, &inner);
                }
            }
        }
    }

    /// One rule: its id (its number, or its position among the rules of its scope) and its
    /// condition (its scopes', its `when`, and not its `unless`).
    fn rule(&mut self, r: &'a ast::Rule, position: u32, place: &Place) {
        let number = r.number.as_ref().map(|n| n.node);
        let mut id: Vec<String> = vec![self.targeting.to_string()];
        id.extend(place.path.iter().cloned());
        id.push(number.unwrap_or(position).to_string());
        let mut own = place.conds.clone();
        for (c, negate) in [(&r.when, false), (&r.unless, true)] {
            if let Some(c) = c {
                let converted = convert(&c.node, self.domains, self.errors);
                own = match (own, converted) {
                    (Some(mut v), Some(c)) => {
                        v.push(if negate { Cond::Not(Box::new(c)) } else { c });
                        Some(v)
                    }
                    _ => None,
                };
            }
        }
        self.out.push(FlatRule {
            id: id.join("."),
            targeting: self.targeting,
            verb: r.verb.node,
            number,
            service: r.target.as_ref(),
            bands: place.band_ids.clone(),
            condition: own.map(Cond::all),
            sessions: r.sessions.as_ref().map(|s| session_interval(&s.node)),
            rule: r,
            scopes: place.scopes.clone(),
        });
    }

    /// The place inside a scope: `in band …` adds the bands' ranges, `when …` its condition.
    fn scope(&mut self, s: &'a Scope, outer: &Place) -> Place {
        let mut place = outer.clone();
        let scope_name = match &s.kind {
            ScopeKind::Bands(ids) => {
                let name = ids.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("-");
                place.path.push(name.clone());
                place.band_ids = ids.iter().map(|i| i.name.clone()).collect();
                // An unknown band is the resolver's to report; the rules in its scope are then
                // not analysed (they would look unreachable).
                let all_known = self.bands.is_some_and(|b| ids.iter().all(|i| b.bands.iter().any(|x| x.id.name == i.name)));
                if !all_known {
                    place.conds = None;
                }
                if let (Some(b), Some(v)) = (self.bands, place.conds.as_mut()) {
                    let mut ranges: Vec<Cond> = ids
                        .iter()
                        .filter_map(|i| b.bands.iter().find(|x| x.id.name == i.name))
                        .map(|x| Cond::Between {
                            attribute: b.attribute.name.clone(),
                            min: x.range.node.0 as i64,
                            max: x.range.node.1 as i64,
                        })
                        .collect();
                    v.push(if ranges.len() == 1 { ranges.remove(0) } else { Cond::Any(ranges) });
                }
                name
            }
            ScopeKind::When { condition, name } => {
                if let Some(n) = name {
                    place.path.push(n.name.clone());
                }
                let c = convert(&condition.node, self.domains, self.errors);
                place.conds = match (place.conds, c) {
                    (Some(mut v), Some(c)) => {
                        v.push(c);
                        Some(v)
                    }
                    _ => None,
                };
                name.as_ref().map(|n| n.name.clone()).unwrap_or_default()
            }
        };
        place.scopes.push(scope_name);
        place
    }
}

/// Each service's chain of `within` classes, itself first. Circles are the resolver's to
/// report; the walk stops when it meets one.
pub fn lineage<'a>(symbols: &Symbols<'a>, service: &str) -> Vec<String> {
    let mut out = vec![service.to_string()];
    let mut seen: BTreeSet<String> = out.iter().cloned().collect();
    let mut cur = symbols.service(service);
    while let Some(parent) = cur.and_then(|s| s.within.as_ref()) {
        if !seen.insert(parent.name.clone()) {
            break;
        }
        out.push(parent.name.clone());
        cur = symbols.service(&parent.name);
    }
    out
}

/// What the rule checks built, handed to the model: the flattened rules with their typed
/// conditions, and which targetings win over which.
#[derive(Debug, Clone, Default)]
pub struct RuleFacts<'a> {
    pub rules: Vec<FlatRule<'a>>,
    /// (winner, loser) for every `overrides`, followed transitively.
    pub wins: BTreeSet<(String, String)>,
}

pub fn check<'a>(symbols: &Symbols<'a>, errors: &mut Vec<CheckError>) -> RuleFacts<'a> {
    let domains = domains(symbols);
    let rules = flatten(symbols, &domains, errors);
    let wins = overrides(symbols);

    // Duplicate ids.
    let mut first: HashMap<&str, Span> = HashMap::new();
    for r in &rules {
        match first.get(r.id.as_str()) {
            Some(span) => errors.push(CheckError::DuplicateRule { id: r.id.clone(), at: r.rule.verb.span, first: *span }),
            None => {
                first.insert(&r.id, r.rule.verb.span);
            }
        }
    }

    // Session classes against the catalogue: the rule's own service, and every example.
    for r in &rules {
        let Some(target) = r.service else { continue };
        let Some(rs) = &r.rule.sessions else {
            check_examples_within(symbols, r, target, errors);
            continue;
        };
        let named = std::iter::once((target, rs.span)).chain(r.rule.examples.iter().map(|e| (e, e.span)));
        for (service, at) in named {
            let Some(ss) = symbols.service(&service.name).and_then(|s| s.sessions.as_ref()) else { continue };
            if intersect(session_interval(&rs.node), session_interval(&ss.node)).is_none() {
                errors.push(CheckError::SessionMismatch {
                    rule: r.id.clone(),
                    at,
                    service: service.name.clone(),
                    service_at: ss.span,
                    service_sessions: describe_sessions(&ss.node),
                    rule_sessions: describe_sessions(&rs.node),
                });
            }
        }
        check_examples_within(symbols, r, target, errors);
    }

    // Rules no offender can reach.
    for r in &rules {
        let Some(c) = &r.condition else { continue };
        if logic::witness(&[c], &domains) == Search::None {
            errors.push(CheckError::Unreachable {
                rule: r.id.clone(),
                at: r.rule.verb.span,
                why: "its conditions (with its scopes and bands) contradict each other".into(),
            });
        }
    }

    conflicts(symbols, &domains, &rules, &wins, errors);
    RuleFacts { rules, wins }
}

/// A rule's examples must be services within the rule's service.
fn check_examples_within(symbols: &Symbols, r: &FlatRule, target: &Ident, errors: &mut Vec<CheckError>) {
    for ex in &r.rule.examples {
        if symbols.service(&ex.name).is_some() && !lineage(symbols, &ex.name).contains(&target.name) {
            errors.push(CheckError::NotWithin { rule: r.id.clone(), at: ex.span, example: ex.name.clone(), service: target.name.clone() });
        }
    }
}

/// Which targetings win over which (`overrides`, followed transitively).
fn overrides(symbols: &Symbols) -> BTreeSet<(String, String)> {
    let mut direct: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in symbols.all(Kind::Targeting) {
        if let Body::Targeting(t) = &d.body {
            direct.insert(d.id.name.clone(), t.overrides.iter().map(|i| i.name.clone()).collect());
        }
    }
    let mut out = BTreeSet::new();
    for start in direct.keys() {
        let mut stack: Vec<&String> = direct[start].iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if seen.insert(n.clone()) {
                out.insert((start.clone(), n.clone()));
                if let Some(next) = direct.get(n) {
                    stack.extend(next);
                }
            }
        }
    }
    out
}

/// A conservative bound on the values of one numeric attribute for which a condition can
/// hold: every offender who matches has a value inside it (`None`: no value can match).
fn bound(c: &Cond, attr: &str, full: (i64, i64)) -> Option<(i64, i64)> {
    let meet = |a: (i64, i64), b: (i64, i64)| (a.0.max(b.0) <= a.1.min(b.1)).then_some((a.0.max(b.0), a.1.min(b.1)));
    match c {
        Cond::All(cs) => cs.iter().try_fold(full, |acc, c| meet(acc, bound(c, attr, full)?)),
        Cond::Any(cs) => cs.iter().filter_map(|c| bound(c, attr, full)).reduce(|a, b| (a.0.min(b.0), a.1.max(b.1))),
        Cond::Compare { attribute, op, value: Val::Number(v) } if attribute == attr => match op {
            Op::Eq => meet(full, (*v, *v)),
            Op::Lt => meet(full, (full.0, v - 1)),
            Op::Le => meet(full, (full.0, *v)),
            Op::Gt => meet(full, (v + 1, full.1)),
            Op::Ge => meet(full, (*v, full.1)),
            Op::Ne => Some(full),
        },
        Cond::Between { attribute, min, max } if attribute == attr => meet(full, (*min, *max)),
        Cond::OneOf { attribute, values } if attribute == attr => {
            let ns: Vec<i64> = values.iter().filter_map(|v| if let Val::Number(n) = v { Some(*n) } else { None }).collect();
            meet(full, (*ns.iter().min()?, *ns.iter().max()?))
        }
        // `not` and tests of other attributes do not narrow this one.
        _ => Some(full),
    }
}

/// Every (invest, avoid) pair whose intervals overlap, by one sweep over their endpoints:
/// O(n log n + k) for k pairs.
fn interval_join(invest: &[(usize, (i64, i64))], avoid: &[(usize, (i64, i64))]) -> Vec<(usize, usize)> {
    // Events: (position, 0 = start / 1 = end, side, index). Starts sort before ends at the
    // same position, so intervals that only touch still meet (bounds are inclusive).
    let mut events: Vec<(i64, u8, u8, usize)> = Vec::with_capacity(2 * (invest.len() + avoid.len()));
    for (side, list) in [(0u8, invest), (1u8, avoid)] {
        for (k, (_, (lo, hi))) in list.iter().enumerate() {
            events.push((*lo, 0, side, k));
            events.push((*hi, 1, side, k));
        }
    }
    events.sort_unstable();
    let mut active: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
    let mut slot: [Vec<usize>; 2] = [vec![0; invest.len()], vec![0; avoid.len()]];
    let mut pairs = Vec::new();
    for (_, kind, side, k) in events {
        let side = side as usize;
        if kind == 0 {
            for &other in &active[1 - side] {
                pairs.push(if side == 0 { (invest[k].0, avoid[other].0) } else { (invest[other].0, avoid[k].0) });
            }
            slot[side][k] = active[side].len();
            active[side].push(k);
        } else {
            let at = slot[side][k];
            active[side].swap_remove(at);
            if let Some(&moved) = active[side].get(at) {
                slot[side][moved] = at;
            }
        }
    }
    pairs
}

/// Invest / avoid pairs that can both apply to one offender.
///
/// Candidates come from an index by the catalogue (a rule about a class meets the rules about
/// anything within it) and, inside each line of the catalogue, an interval join on the
/// numeric attribute the rules constrain most (in practice the OGRS score): O(n log n + k),
/// where k is the pairs about one service whose score ranges overlap. Each candidate then
/// gets the exact witness search.
fn conflicts(symbols: &Symbols, domains: &Domains, rules: &[FlatRule], wins: &BTreeSet<(String, String)>, errors: &mut Vec<CheckError>) {
    // The numeric attribute most rules narrow: the one that separates them best.
    let numeric: Vec<(&String, (i64, i64))> = domains
        .iter()
        .filter_map(|(a, d)| match d {
            Domain::Number { min, max } => Some((a, (*min, *max))),
            _ => None,
        })
        .collect();
    let key = numeric
        .iter()
        .max_by_key(|(a, full)| rules.iter().filter_map(|r| r.condition.as_ref()).filter(|c| bound(c, a, *full) != Some(*full)).count())
        .map(|(a, full)| (a.as_str(), *full));
    let span_of = |c: &Cond| match key {
        Some((a, full)) => bound(c, a, full),
        None => Some((0, 0)),
    };
    // For each service: invest and avoid rules about it exactly, and about anything within it.
    #[derive(Default)]
    struct Lists {
        invest_at: Vec<(usize, (i64, i64))>,
        invest_within: Vec<(usize, (i64, i64))>,
        avoid_at: Vec<(usize, (i64, i64))>,
        avoid_within: Vec<(usize, (i64, i64))>,
    }
    let mut by_service: HashMap<String, Lists> = HashMap::new();
    for (i, r) in rules.iter().enumerate() {
        let (Some(s), Some(c)) = (r.service, &r.condition) else { continue };
        let Some(span) = span_of(c) else { continue };
        let lineage = lineage(symbols, &s.name);
        for (depth, a) in lineage.into_iter().enumerate() {
            let lists = by_service.entry(a).or_default();
            match (r.verb, depth) {
                (Verb::Invest, 0) => lists.invest_at.push((i, span)),
                (Verb::Invest, _) => lists.invest_within.push((i, span)),
                (Verb::Avoid, 0) => lists.avoid_at.push((i, span)),
                (Verb::Avoid, _) => lists.avoid_within.push((i, span)),
                _ => {}
            }
        }
    }
    let mut services: Vec<&String> = by_service.keys().collect();
    services.sort();
    let class = |r: &FlatRule| session_class(r.sessions, r.service.and_then(|s| service_sessions(symbols, &s.name)));
    // Services one at a time, so the candidate pairs held at once are one line of the
    // catalogue's. A pair is a candidate under one service only, unless the catalogue has a
    // `within` circle (reported by the resolver); `reported` keeps it from being reported twice.
    let mut reported: HashSet<(usize, usize)> = HashSet::new();
    let mut found = 0;
    for s in services {
        let l = &by_service[s];
        // An avoid about this service meets invests about it or anything within it; an invest
        // about it meets avoids about anything within it.
        let mut invest_all = l.invest_at.clone();
        invest_all.extend_from_slice(&l.invest_within);
        let mut candidates = interval_join(&invest_all, &l.avoid_at);
        candidates.extend(interval_join(&l.invest_at, &l.avoid_within));
        candidates.sort_unstable();
        candidates.dedup();
        for (i, j) in candidates {
            if reported.contains(&(i, j)) {
                continue;
            }
            let (invest, avoid) = (&rules[i], &rules[j]);
            let (Some(ci), Some(ca)) = (&invest.condition, &avoid.condition) else { continue };
            if wins.contains(&(invest.targeting.to_string(), avoid.targeting.to_string()))
                || wins.contains(&(avoid.targeting.to_string(), invest.targeting.to_string()))
            {
                continue;
            }
            if intersect(class(invest), class(avoid)).is_none() {
                continue;
            }
            if let Search::Found(o) = logic::witness(&[ci, ca], domains) {
                if found == MAX_CONFLICTS {
                    // Thousands of rules that all contradict each other make millions of pairs;
                    // past the listing's cap they would only be counted. Say so and stop.
                    errors.push(CheckError::TooManyConflicts { at: invest.rule.verb.span, limit: MAX_CONFLICTS });
                    return;
                }
                found += 1;
                reported.insert((i, j));
                errors.push(CheckError::Conflict {
                    invest: invest.id.clone(),
                    avoid: avoid.id.clone(),
                    service: invest.service.map(|s| s.name.clone()).unwrap_or_default(),
                    at: invest.rule.verb.span,
                    other: avoid.rule.verb.span,
                    witness: logic::describe_offender(&o),
                });
            }
        }
    }
}
