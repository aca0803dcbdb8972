//! Building the model from what the checks proved ([`Facts`]): the prose trees they parsed,
//! the Welsh states they found, the rules they flattened with typed conditions, which
//! targetings win, the targets files they read. Nothing is parsed, read, flattened or digested
//! here a second time, and nothing the checks did not hand over is filled in: such a gap
//! fails the build (E0801), as a rule whose condition could not be read does (E0507).

use super::*;
use crate::check::measures::nations;
use crate::check::rules::{self, describe_sessions, session_interval};
use crate::check::targets;
use crate::check::Facts;
use crate::diagnostics::{registry, Diagnostic, Label};
use crate::resolve::{Kind, Symbols};
use crate::source::{Project, Span};
use crate::syntax::ast::{Body, TargetKind};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// Why the model could not be built from a project `check` found no errors in. Each is a
/// guard against a gap in the checks: the model never fills in what it could not read.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// No document: the resolver reports it (E0204), or the project has no files at all.
    NoDocument,
    /// Rules whose condition could not be turned into a typed one (id, place). Publishing a
    /// rule with no condition would make it apply to every offender.
    UnreadConditions(Vec<(String, Span)>),
    /// What the checks should have handed over and did not (what it is, where it is).
    Unchecked(Vec<(String, Span)>),
}

impl ModelError {
    /// What to tell the author: nothing for `NoDocument`, which the resolver has reported.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let report = "no other mistake explains this: please report it to the intentc maintainers with this file";
        match self {
            ModelError::NoDocument => Vec::new(),
            ModelError::UnreadConditions(rules) => rules
                .iter()
                .map(|(rule, at)| {
                    Diagnostic::new(
                        &registry::E0507,
                        format!("the condition of rule `{rule}` could not be read, so the policy is not built"),
                        Label::new(*at, "this rule's `when`, `unless` or scopes"),
                    )
                    .with_help(report)
                })
                .collect(),
            ModelError::Unchecked(gaps) => gaps
                .iter()
                .map(|(what, at)| {
                    Diagnostic::new(
                        &registry::E0901,
                        format!("{what} was not checked, so the policy is not built"),
                        Label::new(*at, "not checked"),
                    )
                    .with_help(report)
                })
                .collect(),
        }
    }
}

/// Builds the model. Call it only when `check` found no errors; it fails (rather than guess)
/// where the checks left something it cannot read. The facts are consumed: the prose trees
/// move into the model rather than being copied.
pub fn build(project: &Project, symbols: &Symbols, facts: Facts) -> Result<Policy, ModelError> {
    // Every part is kept, so there is always a policy: `NoDocument` cannot come from here.
    run(project, symbols, facts, Keep::All)?.ok_or(ModelError::NoDocument)
}

/// What [`build`] would refuse, without keeping the model: each part is built the same way
/// and dropped at once. For `intentc check`, which reports the refusals and writes nothing (on
/// a large project the model is a tenth of the memory).
pub fn verify(project: &Project, symbols: &Symbols, facts: Facts) -> Result<(), ModelError> {
    run(project, symbols, facts, Keep::Nothing).map(drop)
}

/// Whether the parts of the model are kept as they are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    All,
    Nothing,
}

/// A part just built: kept, or dropped here.
fn kept<T>(keep: Keep, part: T) -> Option<T> {
    (keep == Keep::All).then_some(part)
}

fn run(project: &Project, symbols: &Symbols, facts: Facts, keep: Keep) -> Result<Option<Policy>, ModelError> {
    let Facts { prose, welsh, rules, targets } = facts;
    let b = Builder { project, symbols, prose: Mutex::new(prose), welsh, rules, targets, gaps: Mutex::new(Vec::new()) };
    // The kinds are built independently, in two halves on the two threads rayon offers (the
    // model is a serial step between the parallel checks and the output otherwise). Each
    // list is in source order whichever thread built it.
    let document = kept(keep, b.document()?);
    let ((sections, intentions, themes, partners, headings, requirements, services), rest) = rayon::join(
        || {
            (
                kept(keep, b.sections()),
                kept(keep, b.intentions()),
                kept(keep, b.named(Kind::Theme)),
                kept(keep, b.partners()),
                kept(keep, b.named(Kind::Heading)),
                kept(keep, b.requirements()),
                kept(keep, b.services()),
            )
        },
        || {
            (
                kept(keep, b.attributes()),
                kept(keep, b.bands()),
                kept(keep, b.targeting()),
                b.rules().map(|r| kept(keep, r)),
                kept(keep, b.establishments()),
                kept(keep, b.previous_intentions()),
                kept(keep, b.named(Kind::Characteristic)),
                kept(keep, rules::domains(symbols)),
            )
        },
    );
    let (attributes, bands, targeting, rules, establishments, previous_intentions, characteristics, domains) = rest;
    let rules = rules?;
    let mut gaps = b.gaps.into_inner().unwrap_or_else(|e| e.into_inner());
    if !gaps.is_empty() {
        // In source order, however the two halves interleaved.
        gaps.sort_by(|(a, at_a), (b, at_b)| (at_a, a).cmp(&(at_b, b)));
        return Err(ModelError::Unchecked(gaps));
    }
    let policy = || {
        Some(Policy {
            document: document?,
            sections: sections?,
            intentions: intentions?,
            themes: themes?,
            partners: partners?,
            headings: headings?,
            requirements: requirements?,
            services: services?,
            attributes: attributes?,
            bands: bands?,
            targeting: targeting?,
            rules: rules?,
            establishments: establishments?,
            previous_intentions: previous_intentions?,
            characteristics: characteristics?,
            domains: domains?,
        })
    };
    Ok(policy())
}

struct Builder<'p, 'a> {
    project: &'p Project,
    symbols: &'p Symbols<'a>,
    /// The checks' prose trees; each is taken out as its text is placed in the model.
    prose: Mutex<crate::check::markup::ProseTexts>,
    welsh: crate::check::WelshStates,
    rules: rules::RuleFacts<'a>,
    targets: BTreeMap<String, targets::Targets>,
    /// What the checks did not hand over; reported, never filled in (the value put in its
    /// place is never published, because the build then fails).
    gaps: Mutex<Vec<(String, Span)>>,
}

fn interval((lo, hi): (i64, i64)) -> (i64, Option<i64>) {
    (lo, (hi != i64::MAX).then_some(hi))
}

/// "1(a)" for `1a`; ids that are plain numbers stay as they are.
pub fn intention_label(id: &str) -> String {
    let digits: String = id.chars().take_while(char::is_ascii_digit).collect();
    let rest = &id[digits.len()..];
    if digits.is_empty() || rest.is_empty() {
        id.to_string()
    } else {
        format!("{digits}({rest})")
    }
}

fn name_of<T: Copy + PartialEq>(table: &[(&str, T)], v: T) -> String {
    table.iter().find(|(_, x)| *x == v).map(|(n, _)| n.to_string()).unwrap_or_default()
}

impl<'p, 'a> Builder<'p, 'a> {
    fn gap(&self, what: &str, at: Span) {
        self.gaps.lock().unwrap_or_else(|e| e.into_inner()).push((what.to_string(), at));
    }

    fn source(&self, span: Span) -> Source {
        let loc = self.project.location(span);
        Source { file: loc.path, line: loc.line }
    }

    /// A text's Welsh state, as the Welsh checks found it.
    fn welsh(&self, t: &ast::Text) -> Welsh {
        if t.neutral {
            return Welsh::Current;
        }
        self.welsh.get(&t.span).copied().unwrap_or_else(|| {
            self.gap("the Welsh of this text", t.span);
            Welsh::Current
        })
    }

    fn bi(&self, t: &ast::Text) -> Bi {
        Bi {
            en: t.en.as_ref().map(|e| e.shared_value()).unwrap_or_default(),
            cy: t.cy.as_ref().map(|c| c.shared_value()),
            welsh: self.welsh(t),
        }
    }

    /// A prose text's trees, as the checks read them (`check::markup`).
    fn prose(&self, t: &ast::Text) -> BiProse {
        let tree = |lt: &ast::LangText| {
            let taken = self.prose.lock().unwrap_or_else(|e| e.into_inner()).take(lt);
            taken.unwrap_or_else(|| {
                self.gap("the markup of this text", lt.span);
                Prose::default()
            })
        };
        BiProse { en: t.en.as_ref().map(tree).unwrap_or_default(), cy: t.cy.as_ref().map(tree), welsh: self.welsh(t) }
    }

    /// The declarations of one kind with their bodies, in source order.
    fn each<T>(&self, kind: Kind, f: impl Fn(&ast::Declaration, &Body) -> Option<T>) -> Vec<T> {
        // The model lives as long as the syntax tree it was built from: no spare room, and
        // sized before it is filled (growing by doubling left the largest list, services,
        // with up to twice its size at the peak).
        let mut all: Vec<T> = Vec::with_capacity(self.symbols.all(kind).count());
        all.extend(self.symbols.all(kind).filter_map(|d| f(d, &d.body)));
        all.shrink_to_fit();
        all
    }

    fn document(&self) -> Result<Document, ModelError> {
        let d = self.symbols.all(Kind::Document).next().ok_or(ModelError::NoDocument)?;
        let Body::Document(doc) = &d.body else { return Err(ModelError::NoDocument) };
        Ok(Document {
            id: d.id.name.clone(),
            title: self.bi(&doc.title),
            commissioner: doc.commissioner.name.clone(),
            period: doc.period.node,
            signed: doc.signed.as_ref().map(|t| self.bi(t)),
            source: self.source(d.id.span),
        })
    }

    /// Sections as a tree in source order. Every section is reached from the top: the resolver
    /// reports circles (E0205) and sections nested too deep (E0206), so nothing is cut off.
    fn sections(&self) -> Vec<Section> {
        let flat: Vec<(Option<String>, Section)> = self.each(Kind::Section, |d, body| {
            let Body::Section(s) = body else { return None };
            let includes = s
                .includes
                .as_ref()
                .map(|g| ast::Generated::ALL.iter().find(|(_, x)| *x == g.node).map(|(n, _)| n.to_string()).unwrap_or_default());
            Some((
                s.under.as_ref().map(|u| u.name.clone()),
                Section {
                    id: d.id.name.clone(),
                    title: self.bi(&s.title),
                    text: s.text.as_ref().map(|t| self.prose(t)),
                    annex: s.annex.as_ref().map(|a| a.node.clone()),
                    includes,
                    children: Vec::new(),
                    source: self.source(d.id.span),
                },
            ))
        });
        // Each section moves under its parent, children in source order: one pass over the
        // sections, not one per section (a project can have thousands).
        let mut children: HashMap<Option<String>, Vec<Section>> = HashMap::new();
        for (parent, s) in flat {
            children.entry(parent).or_default().push(s);
        }
        fn attach(parent: Option<String>, children: &mut HashMap<Option<String>, Vec<Section>>) -> Vec<Section> {
            let mut level = children.remove(&parent).unwrap_or_default();
            for s in &mut level {
                s.children = attach(Some(s.id.clone()), children);
            }
            level
        }
        attach(None, &mut children)
    }

    fn named(&self, kind: Kind) -> Vec<Named> {
        self.each(kind, |d, body| match body {
            Body::Theme(t) | Body::Heading(t) | Body::Characteristic(t) => {
                Some(Named { id: d.id.name.clone(), title: self.bi(&t.title), source: self.source(d.id.span) })
            }
            _ => None,
        })
    }

    fn intentions(&self) -> Vec<Intention> {
        let mut targeting_of: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for d in self.symbols.all(Kind::Targeting) {
            if let Body::Targeting(t) = &d.body {
                if let Some(u) = &t.under {
                    targeting_of.entry(u.name.as_str()).or_default().push(d.id.name.clone());
                }
            }
        }
        self.each(Kind::Intention, |d, body| {
            let Body::Intention(i) = body else { return None };
            Some(Intention {
                id: d.id.name.clone(),
                label: intention_label(&d.id.name),
                under: i.under.as_ref().map(|u| u.name.clone()),
                theme: i.theme.as_ref().map(|u| u.name.clone()),
                setting: i.setting.as_ref().map(|s| s.node),
                applies: nations(&i.applies),
                partners: i.partners.iter().map(|p| p.name.clone()).collect(),
                title: self.bi(&i.title),
                text: i.text.as_ref().map(|t| self.prose(t)),
                summary: i.summary.as_ref().map(|t| self.prose(t)),
                expects: i.expects.as_ref().map(|t| self.prose(t)),
                measured_by: i.measured_by.iter().map(|r| r.name.clone()).collect(),
                unmeasured: i.unmeasured.as_ref().map(|t| self.bi(t)),
                targeting: targeting_of.get(d.id.name.as_str()).cloned().unwrap_or_default(),
                source: self.source(d.id.span),
            })
        })
    }

    fn partners(&self) -> Vec<Partner> {
        self.each(Kind::Partner, |d, body| {
            let Body::Partner(p) = body else { return None };
            Some(Partner {
                id: d.id.name.clone(),
                name: self.bi(&p.name),
                short: p.short.as_ref().map(|t| self.bi(t)),
                kind: name_of(ast::PartnerKind::ALL, p.kind.node),
                applies: p.applies.node.clone(),
                source: self.source(d.id.span),
            })
        })
    }

    fn requirements(&self) -> Vec<Requirement> {
        // The reverse of the intentions' `measured_by`.
        let mut measures: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for d in self.symbols.all(Kind::Intention) {
            if let Body::Intention(i) = &d.body {
                for r in &i.measured_by {
                    measures.entry(r.name.as_str()).or_default().push(d.id.name.clone());
                }
            }
        }
        self.each(Kind::Requirement, |d, body| {
            let Body::Requirement(r) = body else { return None };
            Some(Requirement {
                id: d.id.name.clone(),
                setting: r.setting.node,
                heading: r.heading.name.clone(),
                outcomes: self.bi(&r.outcomes),
                measure: self.bi(&r.measure),
                target: Target {
                    kind: r.target.kind.name().to_string(),
                    scale: r.target.scale,
                    direction: r.target.direction.map(|x| name_of(ast::Direction::ALL, x)),
                },
                driver: self.bi(&r.driver),
                sectors: r
                    .sector
                    .as_ref()
                    .map(|s| s.node.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| vec![ast::Sector::Public, ast::Sector::Private]),
                applies: nations(&r.applies),
                part_of: r.part_of.as_ref().map(|p| p.name.clone()),
                measures: measures.get(d.id.name.as_str()).cloned().unwrap_or_default(),
                no_intention: r.no_intention.as_ref().map(|t| self.bi(t)),
                source: self.source(d.id.span),
            })
        })
    }

    fn services(&self) -> Vec<Service> {
        self.each(Kind::Service, |d, body| {
            let Body::Service(s) = body else { return None };
            Some(Service {
                id: d.id.name.clone(),
                name: self.bi(&s.name),
                short: s.short.as_ref().map(|t| self.bi(t)),
                kind: name_of(ast::ServiceKind::ALL, s.kind.node),
                within: s.within.as_ref().map(|w| w.name.clone()),
                sessions: s.sessions.as_ref().map(|x| describe_sessions(&x.node)),
                session_range: s.sessions.as_ref().map(|x| interval(session_interval(&x.node))),
                text: s.text.as_ref().map(|t| self.prose(t)),
                lineage: rules::lineage(self.symbols, &d.id.name),
                source: self.source(d.id.span),
            })
        })
    }

    fn attributes(&self) -> Vec<Attribute> {
        self.each(Kind::Attribute, |d, body| {
            let Body::Attribute(a) = body else { return None };
            Some(Attribute {
                id: d.id.name.clone(),
                name: self.bi(&a.name),
                domain: Domain::from_type(&a.ty.node),
                source: self.source(d.id.span),
            })
        })
    }

    fn bands(&self) -> Vec<BandSet> {
        self.each(Kind::Bands, |d, body| {
            let Body::Bands(b) = body else { return None };
            Some(BandSet {
                id: d.id.name.clone(),
                attribute: b.attribute.name.clone(),
                title: self.bi(&b.title),
                bands: b
                    .bands
                    .iter()
                    .map(|x| Band {
                        id: x.id.name.clone(),
                        min: x.range.node.0 as i64,
                        max: x.range.node.1 as i64,
                        title: self.bi(&x.title),
                        text: x.text.as_ref().map(|t| self.prose(t)),
                        source: self.source(x.id.span),
                    })
                    .collect(),
                source: self.source(d.id.span),
            })
        })
    }

    fn targeting(&self) -> Vec<Targeting> {
        let wins = &self.rules.wins;
        self.each(Kind::Targeting, |d, body| {
            let Body::Targeting(t) = body else { return None };
            let id = &d.id.name;
            Some(Targeting {
                id: id.clone(),
                under: t.under.as_ref().map(|u| u.name.clone()),
                part: t.part.as_ref().map(|p| p.node.clone()),
                title: self.bi(&t.title),
                text: t.text.as_ref().map(|t| self.prose(t)),
                bands: t.bands.as_ref().map(|b| b.name.clone()),
                overrides: t.overrides.iter().map(|o| o.name.clone()).collect(),
                supersedes: wins.iter().filter(|(w, _)| w == id).map(|(_, l)| l.clone()).collect(),
                scopes: self.scope_texts(&t.items),
                source: self.source(d.id.span),
            })
        })
    }

    /// The scopes' own texts (the band descriptions of vii), outermost first.
    fn scope_texts(&self, items: &[ast::TargetingItem]) -> Vec<ScopeText> {
        let mut out = Vec::new();
        for i in items {
            if let ast::TargetingItem::Scope(s) = i {
                let name = match &s.kind {
                    ast::ScopeKind::Bands(ids) => ids.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("-"),
                    ast::ScopeKind::When { name, .. } => name.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
                };
                if let Some(t) = &s.text {
                    out.push(ScopeText { name, text: self.prose(t) });
                }
                out.extend(self.scope_texts(&s.items));
            }
        }
        out
    }

    /// The rules as the checks flattened them. A rule with no condition would apply to every
    /// offender: refused, never guessed.
    fn rules(&self) -> Result<Vec<Rule>, ModelError> {
        let mut unread = Vec::new();
        let mut out = Vec::with_capacity(self.rules.rules.len());
        for r in &self.rules.rules {
            let Some(condition) = r.condition.clone() else {
                unread.push((r.id.clone(), r.rule.verb.span));
                continue;
            };
            let service_sessions = r.service.and_then(|s| rules::service_sessions(self.symbols, &s.name));
            out.push(Rule {
                id: r.id.clone(),
                targeting: r.targeting.to_string(),
                verb: r.verb.as_str().to_string(),
                number: r.number,
                service: r.service.map(|s| s.name.clone()),
                bands: r.bands.clone(),
                scopes: r.scopes.clone(),
                condition,
                sessions: r.sessions.map(interval),
                class: rules::session_class(r.sessions, service_sessions),
                examples: r.rule.examples.iter().map(|e| e.name.clone()).collect(),
                text: r.rule.text.as_ref().map(|t| self.prose(t)),
                derived: r.rule.derived.as_ref().map(|t| self.bi(t)),
                source: self.source(r.rule.verb.span),
            });
        }
        if unread.is_empty() {
            Ok(out)
        } else {
            Err(ModelError::UnreadConditions(unread))
        }
    }

    fn establishments(&self) -> Vec<Establishment> {
        let requirements: Vec<(&str, &ast::Requirement)> = self
            .symbols
            .all(Kind::Requirement)
            .filter_map(|d| match &d.body {
                Body::Requirement(r) => Some((d.id.name.as_str(), &**r)),
                _ => None,
            })
            .collect();
        self.each(Kind::Establishment, |d, body| {
            let Body::Establishment(e) = body else { return None };
            let read = self.targets.get(&d.id.name);
            if let (Some(path), None) = (&e.targets, read) {
                self.gap("this targets file", path.span);
            }
            let applying: Vec<&(&str, &ast::Requirement)> = requirements.iter().filter(|(_, r)| targets::applies(r, e)).collect();
            let targets = applying
                .iter()
                .filter(|(_, r)| r.target.kind != TargetKind::Fixed)
                .filter_map(|(id, _)| {
                    let value = read?.values.get(*id)?.0.as_f64()?;
                    Some(TargetValue { requirement: id.to_string(), value })
                })
                .collect();
            Some(Establishment {
                id: d.id.name.clone(),
                name: self.bi(&e.name),
                setting: e.setting.node,
                sector: e.sector.node,
                applies: e.applies.node,
                text: e.text.as_ref().map(|t| self.prose(t)),
                illustrative: read.is_none_or(|r| r.illustrative),
                requirements: applying.iter().map(|(id, _)| id.to_string()).collect(),
                targets,
                targets_file: read.map(|t| self.project.file(t.file).path.clone()),
                source: self.source(d.id.span),
            })
        })
    }

    fn previous_intentions(&self) -> Vec<PreviousIntention> {
        self.each(Kind::PreviousIntention, |d, body| {
            let Body::PreviousIntention(p) = body else { return None };
            Some(PreviousIntention {
                id: d.id.name.clone(),
                number: p.number.node.clone(),
                settings: p.setting.node.clone(),
                co_commissioned: p.co_commissioned.node,
                applies: p.applies.node.clone(),
                text: self.bi(&p.text),
                continued_by: p.continued_by.iter().map(|i| i.name.clone()).collect(),
                source: self.source(d.id.span),
            })
        })
    }
}
