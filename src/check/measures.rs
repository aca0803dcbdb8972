//! Intentions and the requirements that measure them: every specific intention is measured
//! (or says why not), measures carry their `{target}`, settings match, and partners work in
//! the nations an intention applies to.

use super::CheckError;
use crate::resolve::{Kind, Symbols};
use crate::source::Span;
use crate::syntax::ast::*;
use std::collections::{HashMap, HashSet};

pub const PLACEHOLDER: &str = "{target}";

fn setting_name(s: Setting) -> &'static str {
    match s {
        Setting::Custody => "custody",
        Setting::Community => "community",
    }
}

pub fn nations(applies: &Option<crate::source::Spanned<Vec<Nation>>>) -> Vec<Nation> {
    match applies {
        Some(a) if !a.node.is_empty() => a.node.clone(),
        _ => vec![Nation::England, Nation::Wales],
    }
}

pub fn nation_name(n: Nation) -> &'static str {
    match n {
        Nation::England => "England",
        Nation::Wales => "Wales",
    }
}

pub fn check(symbols: &Symbols, errors: &mut Vec<CheckError>) {
    for d in symbols.all(Kind::Intention) {
        let Body::Intention(i) = &d.body else { continue };
        if i.under.is_some() && i.measured_by.is_empty() && i.unmeasured.is_none() {
            errors.push(CheckError::Unmeasured { intention: d.id.name.clone(), at: d.id.span });
        }
        // The documents show the requirements, or else the reason: never both.
        if let (Some(first), Some(reason)) = (i.measured_by.first(), &i.unmeasured) {
            errors.push(CheckError::MeasuredAndNot {
                message: format!("intention {} names the requirements that measure it, and also says why none does", d.id.name),
                at: reason.span,
                field: "unmeasured",
                label: "says why no requirement measures it",
                link: first.span,
                link_text: format!("`measured_by` names {}", first.name),
            });
        }
        if let Some(setting) = &i.setting {
            for r in &i.measured_by {
                if let Some(req) = symbols.requirement(&r.name) {
                    if req.setting.node != setting.node {
                        errors.push(CheckError::SettingMismatch {
                            intention: d.id.name.clone(),
                            requirement: r.name.clone(),
                            at: r.span,
                            requirement_at: req.setting.span,
                            intention_setting: setting_name(setting.node),
                            requirement_setting: setting_name(req.setting.node),
                        });
                    }
                }
            }
        }
        let applies = nations(&i.applies);
        for p in &i.partners {
            let Some(partner) = symbols.partner(&p.name) else { continue };
            if let Some(n) = applies.iter().find(|n| !partner.applies.node.contains(n)) {
                errors.push(CheckError::PartnerJurisdiction {
                    intention: d.id.name.clone(),
                    partner: p.name.clone(),
                    at: p.span,
                    partner_at: partner.applies.span,
                    nation: nation_name(*n),
                });
            }
        }
    }
    for d in symbols.all(Kind::Requirement) {
        let Body::Requirement(r) = &d.body else { continue };
        let fixed = r.target.kind == TargetKind::Fixed;
        for (lang, t) in [("English", &r.measure.en), ("Welsh", &r.measure.cy)] {
            let Some(t) = t else { continue };
            let value = t.value();
            let count = value.matches(PLACEHOLDER).count();
            let other = find_other_placeholder(&value);
            let problem = if let Some(p) = other {
                Some((
                    format!("has an unknown placeholder `{p}`"),
                    "the only placeholder is `{target}`, where the negotiated value goes".to_string(),
                ))
            } else if fixed && count > 0 {
                Some((
                    "has a `{target}` placeholder, but the requirement is `fixed`".to_string(),
                    "remove `{target}`, or give the requirement a kind of target such as `target percent at_least`".to_string(),
                ))
            } else if !fixed && count == 0 {
                Some((
                    "has no `{target}` placeholder".to_string(),
                    format!("write `{PLACEHOLDER}` where the negotiated value goes (the document's \"x\"), or declare `target fixed` if nothing is negotiated"),
                ))
            } else if count > 1 {
                Some(("has more than one `{target}` placeholder".to_string(), "a measure has one negotiated value".to_string()))
            } else {
                None
            };
            if let Some((problem, help)) = problem {
                errors.push(CheckError::Placeholder { requirement: d.id.name.clone(), lang, at: t.span, problem, help });
            }
        }
    }
    requirements(symbols, errors);
}

/// Requirements that measure no intention. The 2014 document maps no requirement to an
/// intention: `measured_by` is the publisher's addition, and many requirements (contract and
/// operational measures) serve no one intention, so measuring none is not a mistake in itself.
/// It is likely one where a requirement stands out: it is not linked and gives no
/// `no_intention` reason, while at least three quarters of the requirements of its setting are
/// accounted for (linked or with a reason), or it is the only one of them that is not.
fn requirements(symbols: &Symbols, errors: &mut Vec<CheckError>) {
    let mut linked: HashMap<&str, Span> = HashMap::new();
    for d in symbols.all(Kind::Intention) {
        if let Body::Intention(i) = &d.body {
            for r in &i.measured_by {
                linked.entry(r.name.as_str()).or_insert(r.span);
            }
        }
    }
    let reqs: Vec<(&Declaration, &Requirement)> = symbols
        .all(Kind::Requirement)
        .filter_map(|d| match &d.body {
            Body::Requirement(r) => Some((d, &**r)),
            _ => None,
        })
        .collect();
    for (d, r) in &reqs {
        if let (Some(at), Some(reason)) = (linked.get(d.id.name.as_str()), &r.no_intention) {
            errors.push(CheckError::MeasuredAndNot {
                message: format!("{} measures an intention, and also says why it measures none", d.id.name),
                at: reason.span,
                field: "no_intention",
                label: "says why it measures no intention",
                link: *at,
                link_text: format!("this `measured_by` names {}", d.id.name),
            });
        }
    }
    // Accounted for: linked or with a reason, itself or a requirement it is part of (along
    // `part_of`), or one of its parts is (a part measures a piece of its whole's intention).
    let own = |id: &str, r: &Requirement| linked.contains_key(id) || r.no_intention.is_some();
    let mut accounted: HashSet<&str> = HashSet::new();
    for (d, r) in &reqs {
        let mut chain: Vec<&str> = vec![d.id.name.as_str()];
        let mut cur = r.part_of.as_ref();
        while let Some(p) = cur {
            if chain.contains(&p.name.as_str()) {
                break; // a circle, reported as E0205
            }
            chain.push(p.name.as_str());
            cur = symbols.requirement(&p.name).and_then(|x| x.part_of.as_ref());
        }
        if own(&d.id.name, r) {
            accounted.extend(chain.iter().copied());
        } else if chain[1..].iter().any(|id| symbols.requirement(id).is_some_and(|x| own(id, x))) {
            accounted.insert(d.id.name.as_str());
        }
    }
    for setting in [Setting::Custody, Setting::Community] {
        let of_setting: Vec<&(&Declaration, &Requirement)> = reqs.iter().filter(|(_, r)| r.setting.node == setting).collect();
        let total = of_setting.len();
        let open: Vec<_> = of_setting.iter().filter(|(d, _)| !accounted.contains(d.id.name.as_str())).collect();
        if open.is_empty() || open.len() == total || open.len() > 1.max(total / 4) {
            continue;
        }
        for (d, _) in &open {
            errors.push(CheckError::RequirementMeasuresNothing {
                requirement: d.id.name.clone(),
                at: d.id.span,
                setting: setting_name(setting),
                accounted: total - open.len(),
                total,
            });
        }
    }
}

/// `{something}` other than `{target}`.
fn find_other_placeholder(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start..];
        match after.find('}') {
            Some(end) => {
                let p = &after[..=end];
                if p != PLACEHOLDER && p[1..p.len() - 1].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && p.len() > 2 {
                    return Some(p.to_string());
                }
                rest = &after[end + 1..];
            }
            None => return None,
        }
    }
    None
}
