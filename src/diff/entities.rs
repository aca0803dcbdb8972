//! Declarations added, removed or changed, field by field.
//!
//! Each declaration is laid out as named fields (a value, a list or a text); two versions of
//! one declaration (same kind, same id) are compared field by field. Where a declaration is
//! declared (file and line) is not compared: moving it is no change. Texts are compared with
//! their whitespace folded and prose by its structure, so re-flowing a paragraph is no change.

use super::{Change, ChangeKind, FieldChange, Kind, Pair, WelshChange, What};
use crate::check::logic::{Cond, Op, Val};
use crate::model::{self, Bi, BiProse, Policy, Welsh};
use crate::syntax::prose::{self, Prose};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A text as compared: the words shown, and the structure compared (prose).
#[derive(Debug, Clone)]
struct Text {
    en: String,
    cy: Option<String>,
    /// For prose: the parsed structure, so markup changes count and re-flowing does not.
    en_prose: Option<Prose>,
    cy_prose: Option<Prose>,
    welsh: Welsh,
}

#[derive(Debug, Clone)]
enum Field {
    Value(String),
    List(Vec<String>),
    Text(Text),
}

struct Entity {
    kind: Kind,
    id: String,
    title: Option<String>,
    fields: Vec<(String, Field)>,
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A serializable enum's word (`custody`, `wales`).
fn word<T: Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(_) => String::new(),
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// "18 to 40 sessions", "up to 17 sessions", "41 or more sessions".
pub fn sessions((lo, hi): (i64, Option<i64>)) -> String {
    match hi {
        Some(h) if h == lo => format!("{lo} session{}", if lo == 1 { "" } else { "s" }),
        Some(h) if lo == 0 => format!("up to {h} sessions"),
        Some(h) => format!("{lo} to {h} sessions"),
        None if lo == 0 => "any number of sessions".to_string(),
        None => format!("{lo} or more sessions"),
    }
}

struct Fields(Vec<(String, Field)>);

impl Fields {
    fn new() -> Fields {
        Fields(Vec::new())
    }
    fn value(&mut self, name: impl Into<String>, v: impl Into<String>) -> &mut Self {
        self.0.push((name.into(), Field::Value(v.into())));
        self
    }
    fn opt(&mut self, name: &str, v: Option<impl Into<String>>) -> &mut Self {
        if let Some(v) = v {
            self.value(name, v);
        }
        self
    }
    fn list<T: ToString>(&mut self, name: &str, v: &[T]) -> &mut Self {
        self.0.push((name.into(), Field::List(v.iter().map(T::to_string).collect())));
        self
    }
    fn bi(&mut self, name: impl Into<String>, t: &Bi) -> &mut Self {
        let text = Text { en: fold(&t.en), cy: t.cy.as_deref().map(fold), en_prose: None, cy_prose: None, welsh: t.welsh };
        self.0.push((name.into(), Field::Text(text)));
        self
    }
    fn opt_bi(&mut self, name: impl Into<String>, t: &Option<Bi>) -> &mut Self {
        if let Some(t) = t {
            self.bi(name, t);
        }
        self
    }
    fn prose(&mut self, name: impl Into<String>, t: &Option<BiProse>) -> &mut Self {
        if let Some(t) = t {
            let text = Text {
                en: fold(&prose::plain(&t.en)),
                cy: t.cy.as_ref().map(|c| fold(&prose::plain(c))),
                en_prose: Some(t.en.clone()),
                cy_prose: t.cy.clone(),
                welsh: t.welsh,
            };
            self.0.push((name.into(), Field::Text(text)));
        }
        self
    }
}

fn entity(kind: Kind, id: &str, title: Option<&str>, fields: Fields) -> Entity {
    Entity { kind, id: id.to_string(), title: title.map(fold), fields: fields.0 }
}

/// Shows a rule's condition in the language's own syntax. A range that is exactly one of the
/// rule's bands is shown as the band, so moving a band does not show as a changed condition
/// of every rule in it (the band set's own change, and the decisions, show the move).
pub fn show_condition(c: &Cond, bands: &[(String, String, i64, i64)]) -> String {
    fn leaf(c: &Cond) -> bool {
        !matches!(c, Cond::All(_) | Cond::Any(_) | Cond::Not(_))
    }
    let paren = |c: &Cond| {
        let s = show_condition(c, bands);
        if leaf(c) || matches!(c, Cond::Not(_)) {
            s
        } else {
            format!("({s})")
        }
    };
    match c {
        Cond::All(cs) if cs.is_empty() => "every offender".to_string(),
        Cond::All(cs) => cs.iter().map(paren).collect::<Vec<_>>().join(" and "),
        Cond::Any(cs) => cs.iter().map(paren).collect::<Vec<_>>().join(" or "),
        Cond::Not(c) => format!("not {}", paren(c)),
        Cond::Compare { attribute, op, value } => {
            let op = match op {
                Op::Eq => "==",
                Op::Ne => "!=",
                Op::Lt => "<",
                Op::Le => "<=",
                Op::Gt => ">",
                Op::Ge => ">=",
            };
            format!("{attribute} {op} {value}")
        }
        Cond::OneOf { attribute, values } => {
            format!("{attribute} in [{}]", values.iter().map(Val::to_string).collect::<Vec<_>>().join(", "))
        }
        Cond::Between { attribute, min, max } => match bands.iter().find(|(_, a, lo, hi)| a == attribute && lo == min && hi == max) {
            Some((band, ..)) => format!("in band {band}"),
            None => format!("{attribute} in {min} ..= {max}"),
        },
        Cond::Is { attribute } => attribute.clone(),
    }
}

/// The bands a rule's `in band` scopes name: (band, attribute, min, max).
fn rule_bands(p: &Policy, r: &model::Rule) -> Vec<(String, String, i64, i64)> {
    let Some(set) = p.targeting.iter().find(|t| t.id == r.targeting).and_then(|t| t.bands.as_ref()) else { return Vec::new() };
    let Some(set) = p.bands.iter().find(|b| &b.id == set) else { return Vec::new() };
    set.bands.iter().filter(|b| r.bands.contains(&b.id)).map(|b| (b.id.clone(), set.attribute.clone(), b.min, b.max)).collect()
}

fn range(min: i64, max: i64) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min}–{max}")
    }
}

/// Every declaration of a version, laid out as fields.
fn entities(p: &Policy) -> Vec<Entity> {
    let mut out = Vec::new();
    let d = &p.document;
    let mut f = Fields::new();
    f.bi("title", &d.title)
        .value("commissioner", &d.commissioner)
        .value("period", format!("{} to {}", word(&d.period.0), word(&d.period.1)))
        .opt_bi("signed", &d.signed);
    out.push(entity(Kind::Document, &d.id, Some(&d.title.en), f));

    for i in &p.intentions {
        let mut f = Fields::new();
        f.opt("under", i.under.clone())
            .opt("theme", i.theme.clone())
            .opt("setting", i.setting.as_ref().map(word))
            .list("applies", &i.applies.iter().map(word).collect::<Vec<_>>())
            .list("partners", &i.partners)
            .bi("title", &i.title)
            .prose("text", &i.text)
            .prose("summary", &i.summary)
            .prose("expects", &i.expects)
            .list("measured_by", &i.measured_by)
            .opt_bi("unmeasured", &i.unmeasured)
            .list("targeting", &i.targeting);
        out.push(entity(Kind::Intention, &i.id, Some(&i.title.en), f));
    }
    for r in &p.requirements {
        let mut f = Fields::new();
        f.value("setting", word(&r.setting))
            .value("heading", &r.heading)
            .bi("outcomes", &r.outcomes)
            .bi("measure", &r.measure)
            .value("target kind", &r.target.kind)
            .opt("target scale", r.target.scale.map(|(a, b)| format!("{} to {}", number(a), number(b))))
            .opt("target direction", r.target.direction.clone())
            .bi("driver", &r.driver)
            .list("sectors", &r.sectors.iter().map(word).collect::<Vec<_>>())
            .list("applies", &r.applies.iter().map(word).collect::<Vec<_>>())
            .opt("part_of", r.part_of.clone())
            .list("measures", &r.measures)
            .opt_bi("no_intention", &r.no_intention);
        out.push(entity(Kind::Requirement, &r.id, Some(&r.measure.en), f));
    }
    for e in &p.establishments {
        let mut f = Fields::new();
        f.bi("name", &e.name)
            .value("setting", word(&e.setting))
            .value("sector", word(&e.sector))
            .value("applies", word(&e.applies))
            .prose("text", &e.text)
            .value("targets", if e.illustrative { "illustrative" } else { "negotiated" })
            .opt("targets file", e.targets_file.as_ref().map(|f| beside(&e.source.file, f)));
        for t in &e.targets {
            f.value(format!("target {}", t.requirement), number(t.value));
        }
        out.push(entity(Kind::Establishment, &e.id, Some(&e.name.en), f));
    }
    for x in &p.partners {
        let mut f = Fields::new();
        f.bi("name", &x.name)
            .opt_bi("short", &x.short)
            .value("kind", &x.kind)
            .list("applies", &x.applies.iter().map(word).collect::<Vec<_>>());
        out.push(entity(Kind::Partner, &x.id, Some(&x.name.en), f));
    }
    for s in &p.services {
        let mut f = Fields::new();
        f.bi("name", &s.name)
            .opt_bi("short", &s.short)
            .value("kind", &s.kind)
            .opt("within", s.within.clone())
            .opt("sessions", s.session_range.map(sessions))
            .prose("text", &s.text);
        out.push(entity(Kind::Service, &s.id, Some(&s.name.en), f));
    }
    for a in &p.attributes {
        let mut f = Fields::new();
        f.bi("name", &a.name).value("type", a.domain.describe());
        out.push(entity(Kind::Attribute, &a.id, Some(&a.name.en), f));
    }
    for b in &p.bands {
        let mut f = Fields::new();
        f.value("attribute", &b.attribute).bi("title", &b.title);
        for band in &b.bands {
            f.value(format!("band {}", band.id), range(band.min, band.max))
                .bi(format!("band {} title", band.id), &band.title)
                .prose(format!("band {} text", band.id), &band.text);
        }
        out.push(entity(Kind::Bands, &b.id, Some(&b.title.en), f));
    }
    for t in &p.targeting {
        let mut f = Fields::new();
        f.opt("under", t.under.clone())
            .opt("part", t.part.clone())
            .bi("title", &t.title)
            .prose("text", &t.text)
            .opt("bands", t.bands.clone())
            .list("overrides", &t.overrides);
        for s in &t.scopes {
            f.prose(format!("scope {} text", s.name), &Some(s.text.clone()));
        }
        out.push(entity(Kind::Targeting, &t.id, Some(&t.title.en), f));
    }
    for r in &p.rules {
        let mut f = Fields::new();
        f.value("decision", verb(&r.verb))
            .opt("service", r.service.clone())
            .opt("sessions", r.sessions.map(sessions))
            .value("applies to", show_condition(&r.condition, &rule_bands(p, r)))
            .list("examples", &r.examples)
            .prose("text", &r.text)
            .opt_bi("derived", &r.derived);
        let title = rule_title(r);
        out.push(entity(Kind::Rule, &r.id, Some(&title), f));
    }
    fn sections(out: &mut Vec<Entity>, parent: Option<&str>, list: &[model::Section]) {
        for s in list {
            let mut f = Fields::new();
            f.opt("under", parent)
                .bi("title", &s.title)
                .prose("text", &s.text)
                .opt("annex", s.annex.clone())
                .opt("includes", s.includes.clone());
            out.push(entity(Kind::Section, &s.id, Some(&s.title.en), f));
            sections(out, Some(&s.id), &s.children);
        }
    }
    sections(&mut out, None, &p.sections);
    for (kind, list, field) in
        [(Kind::Theme, &p.themes, "title"), (Kind::Heading, &p.headings, "title"), (Kind::Characteristic, &p.characteristics, "name")]
    {
        for n in list {
            let mut f = Fields::new();
            f.bi(field, &n.title);
            out.push(entity(kind, &n.id, Some(&n.title.en), f));
        }
    }
    for x in &p.previous_intentions {
        let mut f = Fields::new();
        f.value("number", &x.number)
            .list("settings", &x.settings.iter().map(word).collect::<Vec<_>>())
            .value("co-commissioned", if x.co_commissioned { "yes" } else { "no" })
            .list("applies", &x.applies.iter().map(word).collect::<Vec<_>>())
            .bi("text", &x.text)
            .list("continued_by", &x.continued_by);
        out.push(entity(Kind::PreviousIntention, &x.id, None, f));
    }
    out
}

/// A targets file's path from the folder of the file that names it, as the author wrote it:
/// the full path starts with the version's root (a folder, or `REV:`), which differs between
/// versions even when the file does not.
fn beside(declared_in: &str, path: &str) -> String {
    let dir = declared_in.rsplit_once('/').map_or("", |(d, _)| d);
    match path.strip_prefix(dir).and_then(|p| p.strip_prefix('/')) {
        Some(rest) if !dir.is_empty() => rest.to_string(),
        _ => path.to_string(),
    }
}

/// "invest in thinking_skills_programme (18 to 40 sessions)".
fn rule_title(r: &model::Rule) -> String {
    let mut s = match (r.verb.as_str(), &r.service) {
        ("invest", Some(x)) => format!("invest in {x}"),
        ("avoid", Some(x)) => format!("do not invest in {x}"),
        (v, Some(x)) => format!("{v} on {x}"),
        (v, None) => v.to_string(),
    };
    if let Some(n) = r.sessions {
        s.push_str(&format!(" ({})", sessions(n)));
    }
    s
}

pub fn verb(v: &str) -> &str {
    match v {
        "invest" => "invest",
        "avoid" => "do not invest",
        other => other,
    }
}

fn same_text(a: &Text, b: &Text) -> (bool, bool) {
    let en = match (&a.en_prose, &b.en_prose) {
        (Some(x), Some(y)) => x == y,
        _ => a.en == b.en,
    };
    let cy = match (&a.cy_prose, &b.cy_prose) {
        (Some(x), Some(y)) => x == y,
        (None, None) if a.en_prose.is_none() && b.en_prose.is_none() => a.cy == b.cy,
        (None, None) => true,
        _ => false,
    };
    (en, cy)
}

fn compare_field(name: &str, old: Option<&Field>, new: Option<&Field>) -> Option<FieldChange> {
    let what = match (old, new) {
        (None, None) => return None,
        (Some(Field::Value(a)), Some(Field::Value(b))) if a == b => return None,
        (Some(Field::List(a)), Some(Field::List(b))) => {
            let (a, b): (BTreeSet<&String>, BTreeSet<&String>) = (a.iter().collect(), b.iter().collect());
            let added: Vec<String> = b.difference(&a).map(|s| s.to_string()).collect();
            let removed: Vec<String> = a.difference(&b).map(|s| s.to_string()).collect();
            if added.is_empty() && removed.is_empty() {
                return None;
            }
            What::List { added, removed }
        }
        (Some(Field::List(a)), None) if a.is_empty() => return None,
        (None, Some(Field::List(b))) if b.is_empty() => return None,
        (Some(Field::List(a)), None) => What::List { added: Vec::new(), removed: a.clone() },
        (None, Some(Field::List(b))) => What::List { added: b.clone(), removed: Vec::new() },
        (Some(Field::Text(a)), Some(Field::Text(b))) => {
            let (same_en, same_cy) = same_text(a, b);
            if same_en && same_cy {
                return None;
            }
            let en = (!same_en).then(|| Pair { before: Some(a.en.clone()), now: Some(b.en.clone()) });
            let cy = (!same_cy).then(|| Pair { before: a.cy.clone(), now: b.cy.clone() });
            let welsh = match (same_en, b.welsh) {
                (true, _) => WelshChange::Revised,
                (false, Welsh::Current) if same_cy => WelshChange::Confirmed,
                (false, Welsh::Current) => WelshChange::Updated,
                (false, Welsh::Stale) => WelshChange::Stale,
                (false, Welsh::Unstamped) => WelshChange::Unstamped,
                (false, Welsh::Missing) => WelshChange::Missing,
            };
            What::Text { en, cy, welsh }
        }
        (None, Some(Field::Text(b))) => What::Text {
            en: Some(Pair { before: None, now: Some(b.en.clone()) }),
            cy: b.cy.as_ref().map(|c| Pair { before: None, now: Some(c.clone()) }),
            welsh: match b.welsh {
                Welsh::Current => WelshChange::Updated,
                Welsh::Stale => WelshChange::Stale,
                Welsh::Unstamped => WelshChange::Unstamped,
                Welsh::Missing => WelshChange::Missing,
            },
        },
        (Some(Field::Text(a)), None) => What::Text {
            en: Some(Pair { before: Some(a.en.clone()), now: None }),
            cy: a.cy.as_ref().map(|c| Pair { before: Some(c.clone()), now: None }),
            welsh: WelshChange::Removed,
        },
        (a, b) => {
            let show = |f: Option<&Field>| match f {
                Some(Field::Value(v)) => Some(v.clone()),
                Some(Field::List(l)) => Some(l.join(", ")),
                Some(Field::Text(t)) => Some(t.en.clone()),
                None => None,
            };
            What::Value { before: show(a), now: show(b) }
        }
    };
    Some(FieldChange { field: name.to_string(), what })
}

/// Declarations added, removed and changed: by kind, then new ones and changed ones in the
/// new version's order, then removed ones in the old version's order.
pub fn changes(old: &Policy, new: &Policy) -> Vec<Change> {
    let (old, new) = (entities(old), entities(new));
    let index = |list: &[Entity]| -> BTreeMap<(Kind, String), usize> {
        list.iter().enumerate().map(|(i, e)| ((e.kind, e.id.clone()), i)).collect()
    };
    let (old_at, new_at) = (index(&old), index(&new));
    let mut out = Vec::new();
    for kind in Kind::ORDER {
        for e in new.iter().filter(|e| e.kind == kind) {
            match old_at.get(&(kind, e.id.clone())) {
                None => out.push(Change { kind, id: e.id.clone(), change: ChangeKind::Added, title: e.title.clone(), fields: Vec::new() }),
                Some(&i) => {
                    let o = &old[i];
                    let find = |list: &[(String, Field)], name: &str| list.iter().find(|(n, _)| n == name).map(|(_, f)| f.clone());
                    // The new version's fields in order, with each field only the old one has
                    // after the field it followed there.
                    let mut names: Vec<&String> = e.fields.iter().map(|(n, _)| n).collect();
                    for (i, (n, _)) in o.fields.iter().enumerate() {
                        if !names.contains(&n) {
                            let after = o.fields[..i].iter().rev().find_map(|(p, _)| names.iter().position(|x| *x == p));
                            names.insert(after.map_or(0, |k| k + 1), n);
                        }
                    }
                    let fields: Vec<FieldChange> = names
                        .into_iter()
                        .filter_map(|n| compare_field(n, find(&o.fields, n).as_ref(), find(&e.fields, n).as_ref()))
                        .collect();
                    if !fields.is_empty() {
                        out.push(Change { kind, id: e.id.clone(), change: ChangeKind::Changed, title: e.title.clone(), fields });
                    }
                }
            }
        }
        for e in old.iter().filter(|e| e.kind == kind && !new_at.contains_key(&(kind, e.id.clone()))) {
            out.push(Change { kind, id: e.id.clone(), change: ChangeKind::Removed, title: e.title.clone(), fields: Vec::new() });
        }
    }
    out
}
