//! The guidance for one offender, computed on the model with the compiler's own condition
//! logic. The bundle's evaluator (`crate::bundle::eval`) is written separately, for
//! consumers, and a property test checks the two agree on random offenders.

use super::Policy;
use crate::check::logic::Offender;
use std::collections::{BTreeMap, BTreeSet};

/// A rule that applies, and the rule that supersedes it, if any.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Applied {
    pub rule: String,
    pub superseded_by: Option<String>,
    pub exceptions: Vec<String>,
}

impl Policy {
    /// Every rule that applies to an offender who has a value for every attribute.
    pub fn decide(&self, offender: &Offender) -> Vec<Applied> {
        self.decide_among(self.rules.iter(), offender)
    }

    /// [`Policy::decide`] among some of the rules only: those that can apply or supersede
    /// what one asks about (`intentc diff` asks about one service and its classes at a time).
    pub fn decide_among<'a>(&'a self, rules: impl IntoIterator<Item = &'a super::Rule>, offender: &Offender) -> Vec<Applied> {
        let applying: Vec<&super::Rule> = rules.into_iter().filter(|r| r.condition.eval(&self.domains, offender)).collect();
        let within: BTreeMap<&str, &str> = self.services.iter().filter_map(|s| Some((s.id.as_str(), s.within.as_deref()?))).collect();
        let ancestors = |s: &str| {
            let mut out = vec![s.to_string()];
            let mut cur = s;
            while let Some(p) = within.get(cur) {
                if out.iter().any(|x| x == p) {
                    break;
                }
                out.push(p.to_string());
                cur = p;
            }
            out
        };
        let mut wins: BTreeSet<(String, String)> = BTreeSet::new();
        for t in &self.targeting {
            let mut stack: Vec<String> = t.overrides.clone();
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if seen.insert(n.clone()) {
                    wins.insert((t.id.clone(), n.clone()));
                    if let Some(next) = self.targeting.iter().find(|x| x.id == n) {
                        stack.extend(next.overrides.iter().cloned());
                    }
                }
            }
        }
        // Session classes as intervals: the rule's, narrowed by its service's own count.
        let class = |r: &super::Rule| {
            let full = (0i64, i64::MAX);
            let own = r.sessions.map(|(a, b)| (a, b.unwrap_or(i64::MAX))).unwrap_or(full);
            let service = r
                .service
                .as_ref()
                .and_then(|s| self.services.iter().find(|x| &x.id == s))
                .and_then(|s| s.session_range)
                .map(|(a, b)| (a, b.unwrap_or(i64::MAX)))
                .unwrap_or(full);
            let (lo, hi) = (own.0.max(service.0), own.1.min(service.1));
            if lo <= hi {
                (lo, hi)
            } else {
                own
            }
        };
        let wins_over = |a: &super::Rule, b: &super::Rule| {
            a.verb != b.verb
                && a.verb != "note"
                && b.verb != "note"
                && match (&a.service, &b.service) {
                    (Some(sa), Some(sb)) => ancestors(sa).contains(sb) || ancestors(sb).contains(sa),
                    _ => false,
                }
                && {
                    let (ca, cb) = (class(a), class(b));
                    ca.0.max(cb.0) <= ca.1.min(cb.1)
                }
                && wins.contains(&(a.targeting.clone(), b.targeting.clone()))
        };
        // A winner covers a rule when it is about the same service or a class containing it,
        // and about every session count the rule is about.
        let covers = |a: &super::Rule, b: &super::Rule| {
            let (ca, cb) = (class(a), class(b));
            let service = match (&a.service, &b.service) {
                (Some(sa), Some(sb)) => ancestors(sb).contains(sa),
                _ => false,
            };
            service && ca.0 <= cb.0 && ca.1 >= cb.1
        };
        applying
            .iter()
            .map(|b| {
                let winners: Vec<&&super::Rule> = applying.iter().filter(|a| wins_over(a, b)).collect();
                let superseded_by = winners.iter().find(|a| covers(a, b)).map(|a| a.id.clone());
                let exceptions = winners.iter().filter(|a| !covers(a, b)).map(|a| a.id.clone()).collect();
                Applied { rule: b.id.clone(), superseded_by, exceptions }
            })
            .collect()
    }
}
