//! Phase 4, the model: the checked policy as plain data, for the emitters.
//!
//! Built only from a project with no errors. References are resolved to ids that exist,
//! prose is parsed, targets are read, rules are flattened with typed conditions. Everything
//! keeps its source location, so documents and the bundle can cite the policy.

mod decide;

pub use decide::Applied;

use crate::check::logic::{Cond, Domain, Domains};
use crate::check::measures::nations;
use crate::check::rules::{self, describe_sessions, session_interval};
use crate::check::targets;
use crate::check::Facts;
use crate::resolve::{Kind, Symbols};
use crate::source::{Project, Span};
use crate::syntax::ast::{self, Body, Nation, Setting, TargetKind};
use crate::syntax::prose::{self, Prose};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where something is declared: `intentions/annex-c/custody.intent`, line 12.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub file: String,
    pub line: usize,
}

/// A plain text in both languages. `cy` is `None` only where the Welsh is missing, which
/// `build` refuses; `check` can still build a model for inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bi {
    pub en: String,
    pub cy: Option<String>,
    /// Whether the Welsh was made from this English. Not published: `intentc diff` uses it.
    #[serde(skip)]
    pub welsh: Welsh,
}

/// Whether a text's Welsh was made from its current English, as its stamp records
/// (docs/translating.md): what `check` reports as W0601-W0603.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Welsh {
    /// Stamped with the current English's digest, or a text that needs no translation.
    #[default]
    Current,
    /// Stamped with an older English (W0602).
    Stale,
    /// Not stamped (W0603).
    Unstamped,
    /// No Welsh (W0601).
    Missing,
}

impl Welsh {
    fn of(t: &ast::Text) -> Welsh {
        match (&t.en, &t.cy) {
            _ if t.neutral => Welsh::Current,
            (Some(en), Some(cy)) => match &cy.stamp {
                None => Welsh::Unstamped,
                Some(s) if s.node != crate::syntax::text::digest(&en.value) => Welsh::Stale,
                Some(_) => Welsh::Current,
            },
            (Some(_), None) => Welsh::Missing,
            _ => Welsh::Current,
        }
    }
}

impl Bi {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Cy => self.cy.as_deref().unwrap_or(&self.en),
        }
    }
}

/// A prose text in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BiProse {
    pub en: Prose,
    pub cy: Option<Prose>,
    /// Whether the Welsh was made from this English. Not published: `intentc diff` uses it.
    #[serde(skip)]
    pub welsh: Welsh,
}

impl BiProse {
    pub fn get(&self, lang: Lang) -> &Prose {
        match lang {
            Lang::En => &self.en,
            Lang::Cy => self.cy.as_ref().unwrap_or(&self.en),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Cy,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Cy];
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Cy => "cy",
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Cy,
            Lang::Cy => Lang::En,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub id: String,
    pub title: Bi,
    pub commissioner: String,
    pub period: (ast::Date, ast::Date),
    pub signed: Option<Bi>,
    pub source: Source,
}

impl Serialize for ast::Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:04}-{:02}-{:02}", self.year, self.month, self.day))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub id: String,
    pub title: Bi,
    pub text: Option<BiProse>,
    pub annex: Option<String>,
    pub includes: Option<String>,
    pub children: Vec<Section>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Intention {
    pub id: String,
    /// As the document numbers it: `1`, `1(a)`.
    pub label: String,
    pub under: Option<String>,
    pub theme: Option<String>,
    pub setting: Option<Setting>,
    pub applies: Vec<Nation>,
    pub partners: Vec<String>,
    pub title: Bi,
    pub text: Option<BiProse>,
    pub summary: Option<BiProse>,
    pub expects: Option<BiProse>,
    pub measured_by: Vec<String>,
    pub unmeasured: Option<Bi>,
    pub targeting: Vec<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: String,
    pub title: Bi,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Partner {
    pub id: String,
    pub name: Bi,
    pub short: Option<Bi>,
    pub kind: String,
    pub applies: Vec<Nation>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub kind: String,
    pub scale: Option<(f64, f64)>,
    pub direction: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub id: String,
    pub setting: Setting,
    pub heading: String,
    pub outcomes: Bi,
    pub measure: Bi,
    pub target: Target,
    pub driver: Bi,
    pub sectors: Vec<ast::Sector>,
    pub applies: Vec<Nation>,
    pub part_of: Option<String>,
    /// The intentions this requirement measures (the reverse of `measured_by`).
    pub measures: Vec<String>,
    /// Why it measures no intention, if its author said.
    pub no_intention: Option<Bi>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Service {
    pub id: String,
    pub name: Bi,
    pub short: Option<Bi>,
    pub kind: String,
    pub within: Option<String>,
    pub sessions: Option<String>,
    /// Whole-number interval; `None` for the upper bound means "no limit".
    pub session_range: Option<(i64, Option<i64>)>,
    pub text: Option<BiProse>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    pub id: String,
    pub name: Bi,
    pub domain: Domain,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Band {
    pub id: String,
    pub min: i64,
    pub max: i64,
    pub title: Bi,
    pub text: Option<BiProse>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandSet {
    pub id: String,
    pub attribute: String,
    pub title: Bi,
    pub bands: Vec<Band>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub id: String,
    pub targeting: String,
    pub verb: String,
    pub number: Option<u32>,
    pub service: Option<String>,
    pub bands: Vec<String>,
    /// The scopes around the rule, outermost first (band ids joined by `-`, or `when` names).
    pub scopes: Vec<String>,
    pub condition: Cond,
    pub sessions: Option<(i64, Option<i64>)>,
    pub examples: Vec<String>,
    pub text: Option<BiProse>,
    /// Set when the decision is the publisher's reading of unlabelled guidance: the reason.
    /// `None`: the decision is the document's own label.
    pub derived: Option<Bi>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct Targeting {
    pub id: String,
    pub under: Option<String>,
    pub part: Option<String>,
    pub title: Bi,
    pub text: Option<BiProse>,
    pub bands: Option<String>,
    pub overrides: Vec<String>,
    pub scopes: Vec<ScopeText>,
    pub source: Source,
}

/// A scope's own text, shown above its rules (the band descriptions of vii).
#[derive(Debug, Clone, Serialize)]
pub struct ScopeText {
    pub name: String,
    pub text: BiProse,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetValue {
    pub requirement: String,
    pub value: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Establishment {
    pub id: String,
    pub name: Bi,
    pub setting: Setting,
    pub sector: ast::Sector,
    pub applies: Nation,
    pub text: Option<BiProse>,
    pub illustrative: bool,
    /// Targets for the requirements that apply, in the order of the requirements.
    pub targets: Vec<TargetValue>,
    pub targets_file: Option<String>,
    pub source: Source,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviousIntention {
    pub id: String,
    pub number: String,
    pub settings: Vec<Setting>,
    pub co_commissioned: bool,
    pub applies: Vec<Nation>,
    pub text: Bi,
    pub continued_by: Vec<String>,
    pub source: Source,
}

/// The whole checked policy.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub document: Document,
    pub sections: Vec<Section>,
    pub intentions: Vec<Intention>,
    pub themes: Vec<Named>,
    pub partners: Vec<Partner>,
    pub headings: Vec<Named>,
    pub requirements: Vec<Requirement>,
    pub services: Vec<Service>,
    pub attributes: Vec<Attribute>,
    pub bands: Vec<BandSet>,
    pub targeting: Vec<Targeting>,
    pub rules: Vec<Rule>,
    pub establishments: Vec<Establishment>,
    pub previous_intentions: Vec<PreviousIntention>,
    pub characteristics: Vec<Named>,
    #[serde(skip)]
    pub domains: Domains,
}

fn bi(t: &ast::Text) -> Bi {
    Bi { en: t.en.as_ref().map(|e| e.value.clone()).unwrap_or_default(), cy: t.cy.as_ref().map(|c| c.value.clone()), welsh: Welsh::of(t) }
}

/// A prose text's trees, as the checks read them (`check::markup`).
fn bi_prose(facts: &Facts, t: &ast::Text) -> BiProse {
    // Every prose text the checks saw is in `facts`; a text they did not see is read here.
    let tree = |lt: &ast::LangText| facts.prose.get(lt).cloned().unwrap_or_else(|| prose::read(&lt.value).prose);
    BiProse { en: t.en.as_ref().map(tree).unwrap_or_default(), cy: t.cy.as_ref().map(tree), welsh: Welsh::of(t) }
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

/// Why the model could not be built from a project `check` found no errors in. Each is a
/// guard against a gap in the checks: the model never fills in what it could not read.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelError {
    /// No document: the resolver reports it (E0204), or the project has no files at all.
    NoDocument,
    /// Rules whose condition could not be turned into a typed one (id, place). Publishing a
    /// rule with no condition would make it apply to every offender.
    UnreadConditions(Vec<(String, Span)>),
}

impl ModelError {
    /// What to tell the author: nothing for `NoDocument`, which the resolver has reported.
    pub fn diagnostics(&self) -> Vec<crate::diagnostics::Diagnostic> {
        use crate::diagnostics::{registry, Diagnostic, Label};
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
                    .with_help("no other mistake explains this: please report it to the intentc maintainers with this file")
                })
                .collect(),
        }
    }
}

/// Builds the model. Call it only when `check` found no errors; it fails (rather than guess)
/// where the checks left something it cannot read.
pub fn build(project: &Project, symbols: &Symbols, facts: &Facts) -> Result<Policy, ModelError> {
    let source = |span: Span| {
        let loc = project.location(span);
        Source { file: loc.path, line: loc.line }
    };
    let doc_decl = symbols.all(Kind::Document).next().ok_or(ModelError::NoDocument)?;
    let Body::Document(d) = &doc_decl.body else { return Err(ModelError::NoDocument) };
    let document = Document {
        id: doc_decl.id.name.clone(),
        title: bi(&d.title),
        commissioner: d.commissioner.name.clone(),
        period: d.period.node,
        signed: d.signed.as_ref().map(bi),
        source: source(doc_decl.id.span),
    };

    // Sections: a tree in source order.
    let mut flat: Vec<(Option<String>, Section)> = Vec::new();
    for decl in symbols.all(Kind::Section) {
        let Body::Section(s) = &decl.body else { continue };
        flat.push((
            s.under.as_ref().map(|u| u.name.clone()),
            Section {
                id: decl.id.name.clone(),
                title: bi(&s.title),
                text: s.text.as_ref().map(|t| bi_prose(facts, t)),
                annex: s.annex.as_ref().map(|a| a.node.clone()),
                includes: s
                    .includes
                    .as_ref()
                    .map(|g| ast::Generated::ALL.iter().find(|(_, x)| *x == g.node).map(|(n, _)| n.to_string()).unwrap_or_default()),
                children: Vec::new(),
                source: source(decl.id.span),
            },
        ));
    }
    // Every section is reached from the top: the resolver reports circles (E0205) and sections
    // deeper than MAX_SECTION_DEPTH (E0206), so nothing here is cut off or lost.
    fn attach(parent: Option<&str>, flat: &[(Option<String>, Section)]) -> Vec<Section> {
        flat.iter()
            .filter(|(p, _)| p.as_deref() == parent)
            .map(|(_, s)| {
                let mut s = s.clone();
                s.children = attach(Some(&s.id), flat);
                s
            })
            .collect()
    }
    let sections = attach(None, &flat);

    let named = |kind: Kind| -> Vec<Named> {
        symbols
            .all(kind)
            .filter_map(|d| match &d.body {
                Body::Theme(t) | Body::Heading(t) | Body::Characteristic(t) => {
                    Some(Named { id: d.id.name.clone(), title: bi(&t.title), source: source(d.id.span) })
                }
                _ => None,
            })
            .collect()
    };

    let mut targeting_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in symbols.all(Kind::Targeting) {
        if let Body::Targeting(t) = &d.body {
            if let Some(u) = &t.under {
                targeting_of.entry(u.name.clone()).or_default().push(d.id.name.clone());
            }
        }
    }
    let mut measures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let intentions: Vec<Intention> = symbols
        .all(Kind::Intention)
        .filter_map(|d| {
            let Body::Intention(i) = &d.body else { return None };
            for r in &i.measured_by {
                measures.entry(r.name.clone()).or_default().push(d.id.name.clone());
            }
            Some(Intention {
                id: d.id.name.clone(),
                label: intention_label(&d.id.name),
                under: i.under.as_ref().map(|u| u.name.clone()),
                theme: i.theme.as_ref().map(|u| u.name.clone()),
                setting: i.setting.as_ref().map(|s| s.node),
                applies: nations(&i.applies),
                partners: i.partners.iter().map(|p| p.name.clone()).collect(),
                title: bi(&i.title),
                text: i.text.as_ref().map(|t| bi_prose(facts, t)),
                summary: i.summary.as_ref().map(|t| bi_prose(facts, t)),
                expects: i.expects.as_ref().map(|t| bi_prose(facts, t)),
                measured_by: i.measured_by.iter().map(|r| r.name.clone()).collect(),
                unmeasured: i.unmeasured.as_ref().map(bi),
                targeting: targeting_of.get(&d.id.name).cloned().unwrap_or_default(),
                source: source(d.id.span),
            })
        })
        .collect();

    let partners = symbols
        .all(Kind::Partner)
        .filter_map(|d| match &d.body {
            Body::Partner(p) => Some(Partner {
                id: d.id.name.clone(),
                name: bi(&p.name),
                short: p.short.as_ref().map(bi),
                kind: name_of(ast::PartnerKind::ALL, p.kind.node),
                applies: p.applies.node.clone(),
                source: source(d.id.span),
            }),
            _ => None,
        })
        .collect();

    let requirement_decls: Vec<&ast::Declaration> = symbols.all(Kind::Requirement).collect();
    let requirements: Vec<Requirement> = requirement_decls
        .iter()
        .filter_map(|d| match &d.body {
            Body::Requirement(r) => Some(Requirement {
                id: d.id.name.clone(),
                setting: r.setting.node,
                heading: r.heading.name.clone(),
                outcomes: bi(&r.outcomes),
                measure: bi(&r.measure),
                target: Target {
                    kind: r.target.kind.name().to_string(),
                    scale: r.target.scale,
                    direction: r.target.direction.map(|x| name_of(ast::Direction::ALL, x)),
                },
                driver: bi(&r.driver),
                sectors: r
                    .sector
                    .as_ref()
                    .map(|s| s.node.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| vec![ast::Sector::Public, ast::Sector::Private]),
                applies: nations(&r.applies),
                part_of: r.part_of.as_ref().map(|p| p.name.clone()),
                measures: measures.get(&d.id.name).cloned().unwrap_or_default(),
                no_intention: r.no_intention.as_ref().map(bi),
                source: source(d.id.span),
            }),
            _ => None,
        })
        .collect();

    let services = symbols
        .all(Kind::Service)
        .filter_map(|d| match &d.body {
            Body::Service(s) => Some(Service {
                id: d.id.name.clone(),
                name: bi(&s.name),
                short: s.short.as_ref().map(bi),
                kind: name_of(ast::ServiceKind::ALL, s.kind.node),
                within: s.within.as_ref().map(|w| w.name.clone()),
                sessions: s.sessions.as_ref().map(|x| describe_sessions(&x.node)),
                session_range: s.sessions.as_ref().map(|x| interval(session_interval(&x.node))),
                text: s.text.as_ref().map(|t| bi_prose(facts, t)),
                source: source(d.id.span),
            }),
            _ => None,
        })
        .collect();

    let domains = rules::domains(symbols);
    let attributes = symbols
        .all(Kind::Attribute)
        .filter_map(|d| match &d.body {
            Body::Attribute(a) => Some(Attribute {
                id: d.id.name.clone(),
                name: bi(&a.name),
                domain: Domain::from_type(&a.ty.node),
                source: source(d.id.span),
            }),
            _ => None,
        })
        .collect();

    let bands = symbols
        .all(Kind::Bands)
        .filter_map(|d| match &d.body {
            Body::Bands(b) => Some(BandSet {
                id: d.id.name.clone(),
                attribute: b.attribute.name.clone(),
                title: bi(&b.title),
                bands: b
                    .bands
                    .iter()
                    .map(|x| Band {
                        id: x.id.name.clone(),
                        min: x.range.node.0 as i64,
                        max: x.range.node.1 as i64,
                        title: bi(&x.title),
                        text: x.text.as_ref().map(|t| bi_prose(facts, t)),
                        source: source(x.id.span),
                    })
                    .collect(),
                source: source(d.id.span),
            }),
            _ => None,
        })
        .collect();

    let targeting = symbols
        .all(Kind::Targeting)
        .filter_map(|d| match &d.body {
            Body::Targeting(t) => Some(Targeting {
                id: d.id.name.clone(),
                under: t.under.as_ref().map(|u| u.name.clone()),
                part: t.part.as_ref().map(|p| p.node.clone()),
                title: bi(&t.title),
                text: t.text.as_ref().map(|t| bi_prose(facts, t)),
                bands: t.bands.as_ref().map(|b| b.name.clone()),
                overrides: t.overrides.iter().map(|o| o.name.clone()).collect(),
                scopes: scope_texts(facts, &t.items),
                source: source(d.id.span),
            }),
            _ => None,
        })
        .collect();

    let mut ignored = Vec::new();
    let mut unread = Vec::new();
    let rules: Vec<Rule> = rules::flatten(symbols, &domains, &mut ignored)
        .into_iter()
        .filter_map(|r| {
            // A rule with no condition would apply to every offender: refuse, never guess.
            let Some(condition) = r.condition.clone() else {
                unread.push((r.id.clone(), r.rule.verb.span));
                return None;
            };
            Some((r, condition))
        })
        .map(|(r, condition)| Rule {
            id: r.id.clone(),
            targeting: r.targeting.to_string(),
            verb: r.verb.as_str().to_string(),
            number: r.number,
            service: r.service.map(|s| s.name.clone()),
            bands: r.bands.clone(),
            scopes: r.scopes.clone(),
            condition,
            sessions: r.sessions.map(interval),
            examples: r.rule.examples.iter().map(|e| e.name.clone()).collect(),
            text: r.rule.text.as_ref().map(|t| bi_prose(facts, t)),
            derived: r.rule.derived.as_ref().map(bi),
            source: source(r.rule.verb.span),
        })
        .collect();
    if !unread.is_empty() {
        return Err(ModelError::UnreadConditions(unread));
    }

    let establishments = symbols
        .all(Kind::Establishment)
        .filter_map(|d| {
            let Body::Establishment(e) = &d.body else { return None };
            let file = e.targets.as_ref().and_then(|t| project.find(&targets::resolve_path(project, d.span.file, &t.node)));
            let read = file.and_then(|f| targets::read(project, f.id).ok());
            let targets = requirement_decls
                .iter()
                .filter_map(|rd| {
                    let Body::Requirement(r) = &rd.body else { return None };
                    if !targets::applies(r, e) || r.target.kind == TargetKind::Fixed {
                        return None;
                    }
                    let value = read.as_ref()?.values.get(&rd.id.name)?.0.as_f64()?;
                    Some(TargetValue { requirement: rd.id.name.clone(), value })
                })
                .collect();
            Some(Establishment {
                id: d.id.name.clone(),
                name: bi(&e.name),
                setting: e.setting.node,
                sector: e.sector.node,
                applies: e.applies.node,
                text: e.text.as_ref().map(|t| bi_prose(facts, t)),
                illustrative: read.as_ref().is_none_or(|r| r.illustrative),
                targets,
                targets_file: file.map(|f| f.path.clone()),
                source: source(d.id.span),
            })
        })
        .collect();

    let previous_intentions = symbols
        .all(Kind::PreviousIntention)
        .filter_map(|d| match &d.body {
            Body::PreviousIntention(p) => Some(PreviousIntention {
                id: d.id.name.clone(),
                number: p.number.node.clone(),
                settings: p.setting.node.clone(),
                co_commissioned: p.co_commissioned.node,
                applies: p.applies.node.clone(),
                text: bi(&p.text),
                continued_by: p.continued_by.iter().map(|i| i.name.clone()).collect(),
                source: source(d.id.span),
            }),
            _ => None,
        })
        .collect();

    Ok(Policy {
        document,
        sections,
        intentions,
        themes: named(Kind::Theme),
        partners,
        headings: named(Kind::Heading),
        requirements,
        services,
        attributes,
        bands,
        targeting,
        rules,
        establishments,
        previous_intentions,
        characteristics: named(Kind::Characteristic),
        domains,
    })
}

fn scope_texts(facts: &Facts, items: &[ast::TargetingItem]) -> Vec<ScopeText> {
    let mut out = Vec::new();
    for i in items {
        if let ast::TargetingItem::Scope(s) = i {
            let name = match &s.kind {
                ast::ScopeKind::Bands(ids) => ids.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("-"),
                ast::ScopeKind::When { name, .. } => name.as_ref().map(|n| n.name.clone()).unwrap_or_default(),
            };
            if let Some(t) = &s.text {
                out.push(ScopeText { name, text: bi_prose(facts, t) });
            }
            out.extend(scope_texts(facts, &s.items));
        }
    }
    out
}

impl BandSet {
    /// The band an offender's score falls in.
    pub fn band_of(&self, value: i64) -> Option<&Band> {
        self.bands.iter().find(|b| value >= b.min && value <= b.max)
    }
}
