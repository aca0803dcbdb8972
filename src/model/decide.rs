//! The guidance for one offender, computed on the model with the compiler's own condition
//! logic. The bundle's evaluator (`crate::bundle::eval`) is written separately, for
//! consumers, and a property test checks the two agree on random offenders.

use super::Policy;
use crate::check::logic::Offender;
use std::collections::{HashMap, HashSet};

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
        // The catalogue's lines, the override closure and the session classes were worked out
        // once, by the checks' own functions, when the model was built.
        let lines: HashMap<&str, &[String]> = self.services.iter().map(|s| (s.id.as_str(), s.lineage.as_slice())).collect();
        let within = |member: &str, class: &str| member == class || lines.get(member).is_some_and(|l| l.iter().any(|x| x == class));
        let supersedes: HashSet<(&str, &str)> =
            self.targeting.iter().flat_map(|t| t.supersedes.iter().map(move |l| (t.id.as_str(), l.as_str()))).collect();
        let wins = |a: &str, b: &str| supersedes.contains(&(a, b));
        let wins_over = |a: &super::Rule, b: &super::Rule| {
            a.verb != b.verb
                && a.verb != "note"
                && b.verb != "note"
                && match (&a.service, &b.service) {
                    (Some(sa), Some(sb)) => within(sa, sb) || within(sb, sa),
                    _ => false,
                }
                && {
                    let (ca, cb) = (a.class, b.class);
                    ca.0.max(cb.0) <= ca.1.min(cb.1)
                }
                && wins(&a.targeting, &b.targeting)
        };
        // A winner covers a rule when it is about the same service or a class containing it,
        // and about every session count the rule is about.
        let covers = |a: &super::Rule, b: &super::Rule| {
            let (ca, cb) = (a.class, b.class);
            let service = match (&a.service, &b.service) {
                (Some(sa), Some(sb)) => within(sb, sa),
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
