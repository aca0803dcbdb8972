//! Intentions and the requirements that measure them: every specific intention is measured
//! (or says why not), measures carry their `{target}`, settings match, and partners work in
//! the nations an intention applies to.

use super::CheckError;
use crate::resolve::{Kind, Symbols};
use crate::syntax::ast::*;

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
            let count = t.value.matches(PLACEHOLDER).count();
            let other = find_other_placeholder(&t.value);
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
