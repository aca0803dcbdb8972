//! Writes the JSON rule bundle (format: `crate::bundle`, docs/bundle.md).
//!
//! The JSON is canonical: keys sorted at every level, two-space indentation, numbers as
//! serde_json writes them (integers as integers; the few decimals, target values, in their
//! shortest form that reads back to the same number), one newline at the end. The same model
//! always gives the same bytes.

use super::Output;
use crate::bundle::{self as fmt, FileDigest};
use crate::model::{self, Bi, Policy};
use crate::source::{FileKind, Project};
use serde_json::Value;

/// What the bundle says about its own making, from outside the model.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub git_revision: Option<String>,
    pub built_at: Option<u64>,
    pub sources: Vec<FileDigest>,
}

impl Meta {
    /// The digests of every source file of the project.
    pub fn of(project: &Project, git_revision: Option<String>, built_at: Option<u64>) -> Meta {
        let sources = project
            .files
            .iter()
            .filter(|f| matches!(f.kind, FileKind::Intent | FileKind::Yaml))
            .map(|f| FileDigest { path: f.path.clone(), sha256: fmt::sha256_hex(f.text.as_bytes()) })
            .collect();
        Meta { git_revision, built_at, sources }
    }
}

/// Canonical JSON text of a value.
pub fn canonical(v: &Value) -> String {
    fn write(out: &mut String, v: &Value, indent: usize) {
        let pad = |n: usize| "  ".repeat(n);
        match v {
            Value::Object(m) => {
                if m.is_empty() {
                    out.push_str("{}");
                    return;
                }
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push_str("{\n");
                for (i, k) in keys.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    out.push_str(&Value::String((*k).clone()).to_string());
                    out.push_str(": ");
                    write(out, &m[*k], indent + 1);
                    if i + 1 < keys.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                out.push_str(&pad(indent));
                out.push('}');
            }
            Value::Array(a) => {
                if a.is_empty() {
                    out.push_str("[]");
                    return;
                }
                out.push_str("[\n");
                for (i, x) in a.iter().enumerate() {
                    out.push_str(&pad(indent + 1));
                    write(out, x, indent + 1);
                    if i + 1 < a.len() {
                        out.push(',');
                    }
                    out.push('\n');
                }
                out.push_str(&pad(indent));
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    write(&mut out, v, 0);
    out.push('\n');
    out
}

fn text(b: &Bi) -> fmt::Text {
    fmt::Text { en: b.en.to_string(), cy: b.cy.as_ref().unwrap_or(&b.en).to_string() }
}

fn prose_text(p: &model::BiProse) -> fmt::Text {
    fmt::Text { en: plain_blocks(&p.en), cy: plain_blocks(p.cy.as_ref().unwrap_or(&p.en)) }
}

/// Prose as plain text that keeps its shape, for systems that show it to people (and `intentc
/// eval`): paragraphs separated by a blank line, each list item on its own line after `- ` (or
/// `1. `), nested items indented two spaces a level, footnotes last as paragraphs. No markup:
/// strong text and link texts are plain words; white space inside a line is folded.
fn plain_blocks(prose: &crate::syntax::prose::Prose) -> String {
    use crate::syntax::prose::{Block, Inline, List};
    // The pieces are joined as written (their spaces are part of them), so a full stop
    // after a link stays beside it.
    fn line(is: &[Inline]) -> String {
        let joined: String = is
            .iter()
            .filter_map(|i| match i {
                Inline::Text { text } | Inline::Strong { text } | Inline::Link { text, .. } => Some(text.as_str()),
                Inline::FootnoteRef { .. } => None,
            })
            .collect();
        joined.split_whitespace().collect::<Vec<_>>().join(" ")
    }
    fn list(out: &mut Vec<String>, l: &List, depth: usize) {
        for (n, item) in l.items.iter().enumerate() {
            let mark = if l.ordered { format!("{}. ", n + 1) } else { "- ".to_string() };
            out.push(format!("{}{mark}{}", "  ".repeat(depth), line(&item.content)));
            for child in &item.children {
                list(out, child, depth + 1);
            }
        }
    }
    let mut blocks: Vec<String> = Vec::new();
    for b in &prose.blocks {
        match b {
            Block::Paragraph { content } | Block::Heading { content } => blocks.push(line(content)),
            Block::List(l) => {
                let mut lines = Vec::new();
                list(&mut lines, l, 0);
                blocks.push(lines.join("\n"));
            }
        }
    }
    blocks.extend(prose.footnotes.iter().map(|(_, f)| line(f)));
    blocks.retain(|b| !b.is_empty());
    blocks.join("\n\n")
}

fn source(s: &model::Source) -> fmt::Source {
    fmt::Source { file: s.file.clone(), line: s.line as u64 }
}

fn nation(n: crate::syntax::ast::Nation) -> fmt::Nation {
    match n {
        crate::syntax::ast::Nation::England => fmt::Nation::England,
        crate::syntax::ast::Nation::Wales => fmt::Nation::Wales,
    }
}

fn setting(s: crate::syntax::ast::Setting) -> fmt::Setting {
    match s {
        crate::syntax::ast::Setting::Custody => fmt::Setting::Custody,
        crate::syntax::ast::Setting::Community => fmt::Setting::Community,
    }
}

fn sector(s: crate::syntax::ast::Sector) -> fmt::Sector {
    match s {
        crate::syntax::ast::Sector::Public => fmt::Sector::Public,
        crate::syntax::ast::Sector::Private => fmt::Sector::Private,
    }
}

fn sessions(s: Option<(i64, Option<i64>)>) -> Option<(u64, Option<u64>)> {
    s.map(|(a, b)| (a.max(0) as u64, b.map(|b| b.max(0) as u64)))
}

fn value(v: &crate::check::logic::Val) -> fmt::Value {
    use crate::check::logic::Val;
    match v {
        Val::Number(n) => fmt::Value::Number(*n),
        Val::Bool(b) => fmt::Value::Bool(*b),
        Val::Word(w) => fmt::Value::Word(w.clone()),
    }
}

/// The compiler's condition in the bundle's terms.
pub fn condition(c: &crate::check::logic::Cond) -> fmt::Condition {
    use crate::check::logic::Cond;
    match c {
        Cond::All(cs) => fmt::Condition::All(cs.iter().map(condition).collect()),
        Cond::Any(cs) => fmt::Condition::Any(cs.iter().map(condition).collect()),
        Cond::Not(c) => fmt::Condition::Not(Box::new(condition(c))),
        Cond::Compare { attribute, op, value: v } => fmt::Condition::Compare {
            attribute: attribute.clone(),
            op: match op {
                crate::check::logic::Op::Eq => fmt::Op::Eq,
                crate::check::logic::Op::Ne => fmt::Op::Ne,
                crate::check::logic::Op::Lt => fmt::Op::Lt,
                crate::check::logic::Op::Le => fmt::Op::Le,
                crate::check::logic::Op::Gt => fmt::Op::Gt,
                crate::check::logic::Op::Ge => fmt::Op::Ge,
            },
            value: value(v),
        },
        Cond::OneOf { attribute, values } => {
            fmt::Condition::OneOf { attribute: attribute.clone(), values: values.iter().map(value).collect() }
        }
        Cond::Between { attribute, min, max } => fmt::Condition::Between { attribute: attribute.clone(), min: *min, max: *max },
        Cond::Is { attribute } => fmt::Condition::Is { attribute: attribute.clone() },
    }
}

fn domain(d: &crate::check::logic::Domain) -> fmt::Domain {
    use crate::check::logic::Domain;
    match d {
        Domain::Number { min, max } => fmt::Domain::Number { min: *min, max: *max },
        Domain::Level { values } => fmt::Domain::Level { values: values.clone() },
        Domain::Option { values } => fmt::Domain::Option { values: values.clone() },
        Domain::YesNo => fmt::Domain::YesNo,
    }
}

/// The bundle files for a model, before the manifest.
pub fn files(p: &Policy) -> Vec<(&'static str, Value)> {
    let to = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
    vec![
        (
            "attributes.json",
            to(serde_json::to_value(fmt::Attributes {
                attributes: p
                    .attributes
                    .iter()
                    .map(|a| fmt::Attribute { id: a.id.clone(), name: text(&a.name), domain: domain(&a.domain), source: source(&a.source) })
                    .collect(),
            })),
        ),
        (
            "bands.json",
            to(serde_json::to_value(fmt::Bands {
                band_sets: p
                    .bands
                    .iter()
                    .map(|s| {
                        let mut bands: Vec<fmt::Band> = s
                            .bands
                            .iter()
                            .map(|b| fmt::Band {
                                id: b.id.clone(),
                                min: b.min,
                                max: b.max,
                                title: text(&b.title),
                                source: source(&b.source),
                            })
                            .collect();
                        bands.sort_by_key(|b| b.min);
                        fmt::BandSet {
                            id: s.id.clone(),
                            attribute: s.attribute.clone(),
                            title: text(&s.title),
                            bands,
                            source: source(&s.source),
                        }
                    })
                    .collect(),
            })),
        ),
        (
            "establishments.json",
            to(serde_json::to_value(fmt::Establishments {
                establishments: p
                    .establishments
                    .iter()
                    .map(|e| fmt::Establishment {
                        id: e.id.clone(),
                        name: text(&e.name),
                        setting: setting(e.setting),
                        sector: sector(e.sector),
                        nation: nation(e.applies),
                        illustrative: e.illustrative,
                        targets: e
                            .targets
                            .iter()
                            .map(|t| fmt::TargetValue { requirement: t.requirement.clone(), value: t.value })
                            .collect(),
                        source: source(&e.source),
                    })
                    .collect(),
            })),
        ),
        (
            "intentions.json",
            to(serde_json::to_value(fmt::Intentions {
                intentions: p
                    .intentions
                    .iter()
                    .map(|i| fmt::Intention {
                        id: i.id.clone(),
                        label: i.label.clone(),
                        under: i.under.clone(),
                        theme: i.theme.clone(),
                        setting: i.setting.map(setting),
                        applies: i.applies.iter().copied().map(nation).collect(),
                        partners: i.partners.clone(),
                        title: text(&i.title),
                        measured_by: i.measured_by.clone(),
                        unmeasured: i.unmeasured.as_ref().map(text),
                        source: source(&i.source),
                    })
                    .collect(),
            })),
        ),
        (
            "partners.json",
            to(serde_json::to_value(fmt::Partners {
                partners: p
                    .partners
                    .iter()
                    .map(|x| fmt::Partner {
                        id: x.id.clone(),
                        name: text(&x.name),
                        short: x.short.as_ref().map(text),
                        kind: x.kind.clone(),
                        applies: x.applies.iter().copied().map(nation).collect(),
                        source: source(&x.source),
                    })
                    .collect(),
            })),
        ),
        (
            "requirements.json",
            to(serde_json::to_value(fmt::Requirements {
                requirements: p
                    .requirements
                    .iter()
                    .map(|r| fmt::Requirement {
                        id: r.id.clone(),
                        setting: setting(r.setting),
                        heading: r.heading.clone(),
                        outcomes: text(&r.outcomes),
                        measure: text(&r.measure),
                        target: fmt::Target {
                            kind: r.target.kind.clone(),
                            scale: r.target.scale.map(|(a, b)| [a, b]),
                            direction: r.target.direction.clone(),
                        },
                        driver: text(&r.driver),
                        sectors: r.sectors.iter().copied().map(sector).collect(),
                        applies: r.applies.iter().copied().map(nation).collect(),
                        part_of: r.part_of.clone(),
                        measures: r.measures.clone(),
                        no_intention: r.no_intention.as_ref().map(text),
                        source: source(&r.source),
                    })
                    .collect(),
            })),
        ),
        (
            "rules.json",
            to(serde_json::to_value(fmt::Rules {
                targeting: p
                    .targeting
                    .iter()
                    .map(|t| fmt::Targeting {
                        id: t.id.clone(),
                        under: t.under.clone(),
                        part: t.part.clone(),
                        title: text(&t.title),
                        bands: t.bands.clone(),
                        overrides: t.overrides.clone(),
                        source: source(&t.source),
                    })
                    .collect(),
                rules: p
                    .rules
                    .iter()
                    .map(|r| fmt::Rule {
                        id: r.id.clone(),
                        targeting: r.targeting.clone(),
                        verb: r.verb.clone(),
                        number: r.number,
                        service: r.service.clone(),
                        condition: condition(&r.condition),
                        sessions: sessions(r.sessions),
                        examples: r.examples.clone(),
                        text: r.text.as_ref().map(prose_text),
                        label: if r.derived.is_some() { fmt::Label::Derived } else { fmt::Label::Document },
                        reason: r.derived.as_ref().map(text),
                        source: source(&r.source),
                    })
                    .collect(),
            })),
        ),
        (
            "services.json",
            to(serde_json::to_value(fmt::Services {
                services: p
                    .services
                    .iter()
                    .map(|s| fmt::Service {
                        id: s.id.clone(),
                        name: text(&s.name),
                        short: s.short.as_ref().map(text),
                        kind: s.kind.clone(),
                        within: s.within.clone(),
                        sessions: sessions(s.session_range),
                        source: source(&s.source),
                    })
                    .collect(),
            })),
        ),
    ]
}

/// Adds `bundle/…` to the output: the data files, their schemas and the manifest.
pub fn write(p: &Policy, meta: &Meta, out: &mut Output) -> Result<(), String> {
    let mut digests = Vec::new();
    let mut add = |path: String, bytes: String, out: &mut Output| {
        digests.push(FileDigest { path: path.clone(), sha256: fmt::sha256_hex(bytes.as_bytes()) });
        out.add(format!("bundle/{path}"), bytes);
    };
    for (name, value) in files(p) {
        add(name.to_string(), canonical(&value), out);
    }
    for (name, schema) in fmt::schemas() {
        add(format!("schemas/{}", name.replace(".json", ".schema.json")), canonical(&schema), out);
    }
    digests.sort_by(|a, b| a.path.cmp(&b.path));
    let (from, to) = p.document.period;
    let date = |d: crate::syntax::ast::Date| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    let manifest = fmt::Manifest {
        format_version: fmt::FORMAT_VERSION.to_string(),
        document: fmt::DocumentInfo {
            id: p.document.id.clone(),
            title: text(&p.document.title),
            commissioner: p.document.commissioner.clone(),
            period: fmt::Period { start: date(from), end: date(to) },
        },
        compiler: fmt::Compiler { name: "intentc".into(), version: env!("CARGO_PKG_VERSION").into() },
        git_revision: meta.git_revision.clone(),
        built_at: meta.built_at,
        sources: meta.sources.clone(),
        files: digests,
        editorial: fmt::EDITORIAL.iter().map(|(file, field)| fmt::Editorial { file: file.to_string(), field: field.to_string() }).collect(),
    };
    let value = serde_json::to_value(manifest).map_err(|e| e.to_string())?;
    out.add("bundle/manifest.json", canonical(&value));
    Ok(())
}
