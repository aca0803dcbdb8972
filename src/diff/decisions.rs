//! Which offenders' decisions change, exactly.
//!
//! A service's decisions depend only on the rules about it and the classes it is within (a
//! rule about a class covers everything within it, and can supersede a rule about a member;
//! see `model/decide.rs`). So, service by service, where those rules differ between the
//! versions:
//!
//! 1. Every attribute the rules of either version test is cut into cells
//!    ([`logic::axes`], as the checker's witness search does): within a combination of
//!    cells, every condition gives one answer.
//! 2. Offender space is split one attribute at a time, and only while some rule's answer
//!    still depends on an attribute not yet fixed (three-valued [`Cond::eval_partial`]), so
//!    the pieces stay few: an attribute only one narrow rule tests is cut only where that
//!    rule could apply.
//! 3. In each piece, both versions decide for one offender (the piece's representatives)
//!    with the compiler's evaluator ([`Policy::decide_among`]); every offender in the piece
//!    gets the same decisions.
//! 4. Pieces where the decisions differ, and differ the same way, are merged into boxes: a
//!    range or set of values per attribute, the others free.
//!
//! Nothing is sampled: a region is exactly the offenders whose decision changes that way.
//! Past [`MAX_COMBINATIONS`] pieces for one service (counted before any is evaluated) the
//! answer is "unknown", said so.

use super::{Constraint, Decision, Region, ServiceDecisions, Sessions, Verdict};
#[cfg(doc)]
use crate::check::logic::MAX_COMBINATIONS;
use crate::check::logic::{self, Axis, Cell, Cond, Domain, Domains, Offender, Val};
use crate::model::{Policy, Rule};
use std::collections::{BTreeMap, BTreeSet};

/// The service and the classes it is within, itself first: the model's (the checker's walk);
/// a service only the other version has is alone in its line.
fn lineage(p: &Policy, service: &str) -> Vec<String> {
    p.services.iter().find(|s| s.id == service).map(|s| s.lineage.clone()).unwrap_or_else(|| vec![service.to_string()])
}

fn decides(r: &Rule) -> bool {
    r.verb == "invest" || r.verb == "avoid"
}

/// Everything that decides a service's decisions in one version, as comparable text: the
/// rules about it and its classes, the classes, their session counts, and which guidance
/// overrides which. Equal fingerprints, equal decisions for every offender.
fn fingerprint(side: &Side) -> String {
    let (p, rules, lineage) = (side.policy, &side.rules, &side.lineage);
    let mut parts: Vec<String> =
        rules.iter().map(|r| format!("{}|{}|{:?}|{:?}|{:?}|{:?}", r.targeting, r.verb, r.service, r.sessions, r.condition, r.id)).collect();
    parts.sort();
    parts.push(format!("{lineage:?}"));
    for s in lineage {
        parts.push(format!("{s}:{:?}", p.services.iter().find(|x| &x.id == s).and_then(|x| x.session_range)));
    }
    let targetings: BTreeSet<&str> = rules.iter().map(|r| r.targeting.as_str()).collect();
    for t in p.targeting.iter().filter(|t| targetings.contains(t.id.as_str())) {
        parts.push(format!("{}>{:?}", t.id, t.overrides));
    }
    parts.join("\n")
}

/// One domain per attribute for both versions: numbers over both ranges, levels and options
/// with the values of both (the new order first). An attribute whose type changed is taken
/// as the new version has it.
fn merged_domains(old: &Domains, new: &Domains) -> Domains {
    let mut out = old.clone();
    for (a, d) in new {
        let merged = match (old.get(a), d) {
            (Some(Domain::Number { min: a0, max: a1 }), Domain::Number { min: b0, max: b1 }) => {
                Domain::Number { min: *a0.min(b0), max: *a1.max(b1) }
            }
            (Some(Domain::Level { values: o }), Domain::Level { values: n }) => {
                let mut values = n.clone();
                values.extend(o.iter().filter(|v| !n.contains(v)).cloned());
                Domain::Level { values }
            }
            (Some(Domain::Option { values: o }), Domain::Option { values: n }) => {
                let mut values = n.clone();
                values.extend(o.iter().filter(|v| !n.contains(v)).cloned());
                Domain::Option { values }
            }
            _ => d.clone(),
        };
        out.insert(a.clone(), merged);
    }
    out
}

/// What one version decides about `service` for one offender.
fn verdict(side: &Side, service: &str, offender: &Offender) -> Verdict {
    let mut decisions = Vec::new();
    let mut inherited = Vec::new();
    for applied in side.policy.decide_among(side.rules.iter().copied(), offender) {
        if applied.superseded_by.is_some() {
            continue;
        }
        let Some(r) = side.rules.iter().find(|r| r.id == applied.rule) else { continue };
        let Some(about) = r.service.as_deref() else { continue };
        let sessions = r.sessions.map(|(min, max)| Sessions { min, max });
        let d = Decision { verb: r.verb.clone(), service: about.to_string(), sessions, rule: r.id.clone() };
        if about == service {
            decisions.push(d);
        } else if side.lineage.iter().any(|x| x == about) {
            inherited.push(d);
        }
    }
    decisions.sort();
    inherited.sort();
    if !decisions.is_empty() {
        inherited.clear();
    }
    Verdict { decisions, inherited }
}

/// What a verdict decides, without which rules say so: two versions that decide the same
/// through differently numbered rules do not differ.
fn substance(v: &Verdict) -> BTreeSet<(&str, Option<Sessions>)> {
    v.decisions.iter().map(|d| (d.verb.as_str(), d.sessions)).collect()
}

/// A box: for each axis, the indices of its cells that are in.
type Boxed = Vec<Vec<usize>>;

struct Search<'a> {
    axes: &'a [Axis],
    /// Each rule's condition and the axes it tests, both versions.
    conds: Vec<(&'a Cond, Vec<usize>)>,
    domains: &'a Domains,
    pieces: usize,
    max_pieces: usize,
    /// Changed pieces, by (before, now).
    changed: BTreeMap<(Verdict, Verdict), Vec<Boxed>>,
}

struct Side<'a> {
    policy: &'a Policy,
    /// The rules about the service and the classes it is within in either version.
    rules: Vec<&'a Rule>,
    /// The service and its classes in this version.
    lineage: Vec<String>,
}

impl Search<'_> {
    /// Splits on the first axis some undecided rule still tests; at a leaf, compares (or,
    /// when `sides` is `None`, only counts: the count is taken first, so a service past the
    /// cap costs no evaluation). `partial` holds the fixed attributes' representatives.
    fn split(
        &mut self,
        fixed: &mut Vec<Option<usize>>,
        partial: &mut Offender,
        sides: Option<(&Side, &Side)>,
        service: &str,
    ) -> Result<(), ()> {
        let next = self
            .conds
            .iter()
            .filter(|(c, _)| c.eval_partial(self.domains, partial).is_none())
            .flat_map(|(_, axes)| axes.iter().copied())
            .filter(|k| fixed[*k].is_none())
            .min();
        if let Some(k) = next {
            let axis = &self.axes[k];
            for i in 0..axis.cells.len() {
                fixed[k] = Some(i);
                partial.insert(axis.attribute.clone(), axis.cells[i].representative());
                self.split(fixed, partial, sides, service)?;
            }
            fixed[k] = None;
            partial.remove(&axis.attribute);
            return Ok(());
        }
        self.pieces += 1;
        if self.pieces > self.max_pieces {
            return Err(());
        }
        let Some((old, new)) = sides else { return Ok(()) };
        // Every rule is decided here: any completion stands for the whole piece.
        let offender: Offender =
            self.axes.iter().zip(fixed.iter()).map(|(a, i)| (a.attribute.clone(), a.cells[i.unwrap_or(0)].representative())).collect();
        let before = verdict(old, service, &offender);
        let now = verdict(new, service, &offender);
        if substance(&before) != substance(&now) {
            let boxed: Boxed =
                self.axes.iter().zip(fixed.iter()).map(|(a, i)| i.map_or_else(|| (0..a.cells.len()).collect(), |i| vec![i])).collect();
            self.changed.entry((before, now)).or_default().push(boxed);
        }
        Ok(())
    }
}

/// Number attributes have ordered cells, merged only when next to each other; the cells of
/// other attributes merge in any combination.
fn merge(mut boxes: Vec<Boxed>, ordered: &[bool]) -> Vec<Boxed> {
    loop {
        let before = boxes.len();
        for k in 0..ordered.len() {
            let mut groups: BTreeMap<Boxed, Vec<Vec<usize>>> = BTreeMap::new();
            for mut b in boxes.drain(..) {
                let own = std::mem::take(&mut b[k]);
                groups.entry(b).or_default().push(own);
            }
            for (rest, mut lists) in groups {
                lists.sort();
                let mut merged: Vec<Vec<usize>> = Vec::new();
                for l in lists {
                    match merged.last_mut() {
                        Some(m) if !ordered[k] || m.last().is_some_and(|x| Some(&(x + 1)) == l.first()) => {
                            m.extend(l);
                            m.sort_unstable();
                            m.dedup();
                        }
                        _ => merged.push(l),
                    }
                }
                for l in merged {
                    let mut b = rest.clone();
                    b[k] = l;
                    boxes.push(b);
                }
            }
        }
        if boxes.len() == before {
            boxes.sort();
            return boxes;
        }
    }
}

fn region(axes: &[Axis], domains: &Domains, b: &Boxed, before: &Verdict, now: &Verdict) -> Region {
    let mut offenders = Vec::new();
    for (a, cells) in axes.iter().zip(b) {
        if cells.len() == a.cells.len() {
            continue;
        }
        let (first, last) = (&a.cells[cells[0]], &a.cells[*cells.last().unwrap_or(&cells[0])]);
        match (first, last) {
            (Cell::Range(lo, _), Cell::Range(_, hi)) => {
                offenders.push(Constraint::Range { attribute: a.attribute.clone(), min: *lo, max: *hi })
            }
            _ => {
                let of = |i: &usize| match &a.cells[*i] {
                    Cell::Values(vs) => vs.clone(),
                    Cell::Range(..) => Vec::new(),
                };
                let values: Vec<Val> = cells.iter().flat_map(of).collect();
                let mut except: Vec<Val> = (0..a.cells.len()).filter(|i| !cells.contains(i)).flat_map(|i| of(&i)).collect();
                // "other than x" only reads well for values that have no order, and when
                // fewer values are left out than are in.
                if !matches!(domains.get(&a.attribute), Some(Domain::Option { .. })) || except.len() >= values.len() {
                    except.clear();
                }
                offenders.push(Constraint::Values { attribute: a.attribute.clone(), values, except });
            }
        }
    }
    let witness = axes.iter().zip(b).map(|(a, cells)| (a.attribute.clone(), a.cells[cells[0]].representative())).collect();
    Region { offenders, witness, before: before.clone(), now: now.clone() }
}

/// How axes are ordered in a region: numbers first (the score bands a reader looks for),
/// then levels, options and yes / no, each by name.
fn axis_rank(d: Option<&Domain>) -> u8 {
    match d {
        Some(Domain::Number { .. }) => 0,
        Some(Domain::Level { .. }) => 1,
        Some(Domain::Option { .. }) => 2,
        _ => 3,
    }
}

/// For one service: its regions, or why they could not be worked out.
fn service_regions(old: &Policy, new: &Policy, service: &str, domains: &Domains, max_pieces: usize) -> Option<Result<Vec<Region>, String>> {
    let mut classes: Vec<String> = lineage(old, service);
    classes.extend(lineage(new, service));
    fn about<'p>(p: &'p Policy, classes: &[String]) -> Vec<&'p Rule> {
        p.rules.iter().filter(|r| decides(r) && r.service.as_ref().is_some_and(|s| classes.contains(s))).collect()
    }
    let (old_rules, new_rules) = (about(old, &classes), about(new, &classes));
    let old_side = Side { policy: old, rules: old_rules, lineage: lineage(old, service) };
    let new_side = Side { policy: new, rules: new_rules, lineage: lineage(new, service) };
    if fingerprint(&old_side) == fingerprint(&new_side) {
        return None;
    }
    let conds: Vec<&Cond> = old_side.rules.iter().chain(&new_side.rules).map(|r| &r.condition).collect();
    let Some(mut axes) = logic::axes(&conds, domains) else {
        return Some(Err("a rule tests an attribute with no values".into()));
    };
    axes.sort_by_key(|a| (axis_rank(domains.get(&a.attribute)), a.attribute.clone()));
    let position: BTreeMap<&str, usize> = axes.iter().enumerate().map(|(i, a)| (a.attribute.as_str(), i)).collect();
    let tested = conds.iter().map(|c| (*c, c.attribute_set().iter().filter_map(|a| position.get(a.as_str()).copied()).collect())).collect();
    let mut search = Search { axes: &axes, conds: tested, domains, pieces: 0, max_pieces, changed: BTreeMap::new() };
    let mut fixed = vec![None; axes.len()];
    let counted = search.split(&mut fixed, &mut Offender::new(), None, service);
    search.pieces = 0;
    if counted.is_err() || search.split(&mut fixed, &mut Offender::new(), Some((&old_side, &new_side)), service).is_err() {
        return Some(Err(format!(
            "the rules about it and its classes distinguish more than {max_pieces} groups of offenders, too many to compare one by one"
        )));
    }
    let ordered: Vec<bool> = axes.iter().map(|a| matches!(domains.get(&a.attribute), Some(Domain::Number { .. }))).collect();
    let mut regions = Vec::new();
    for ((before, now), boxes) in std::mem::take(&mut search.changed) {
        for b in merge(boxes, &ordered) {
            regions.push((b.clone(), region(&axes, domains, &b, &before, &now)));
        }
    }
    regions.sort_by(|a, b| a.0.cmp(&b.0));
    Some(Ok(regions.into_iter().map(|(_, r)| r).collect()))
}

/// Every service whose decisions change for some offenders, in the new catalogue's order
/// (then services only the old version has).
pub fn decisions(old: &Policy, new: &Policy, max_pieces: usize) -> Vec<ServiceDecisions> {
    let domains = merged_domains(&old.domains, &new.domains);
    let mut services: Vec<&str> = Vec::new();
    for s in new.services.iter().chain(&old.services).map(|s| s.id.as_str()) {
        if !services.contains(&s) {
            services.push(s);
        }
    }
    let subject = |p: &Policy, s: &str| p.rules.iter().any(|r| decides(r) && r.service.as_deref() == Some(s));
    let mut out = Vec::new();
    for s in services {
        if !subject(old, s) && !subject(new, s) {
            continue;
        }
        let name = new.services.iter().chain(&old.services).find(|x| x.id == s).map(|x| x.name.en.to_string()).unwrap_or_default();
        match service_regions(old, new, s, &domains, max_pieces) {
            None => {}
            Some(Ok(regions)) if regions.is_empty() => {}
            Some(Ok(regions)) => out.push(ServiceDecisions { service: s.to_string(), name, regions, unknown: None }),
            Some(Err(why)) => out.push(ServiceDecisions { service: s.to_string(), name, regions: Vec::new(), unknown: Some(why) }),
        }
    }
    out
}
