//! The typed lowering of each kind of declaration.
//!
//! Each kind reads every one of its fields into locals first and only then assembles the
//! declaration with `?`: a missing required field must not leave the fields after it unread,
//! or they would go unchecked (a bad value in them unreported until the first is fixed).

use super::reader::Fields;
use super::{Cx, Entry, Item, Value};
use crate::diagnostics::suggest;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{self, *};
use crate::syntax::{fields, SyntaxError};

const NATIONS: &[(&str, Nation)] = &[("england", Nation::England), ("wales", Nation::Wales)];
const SETTINGS: &[(&str, Setting)] = &[("custody", Setting::Custody), ("community", Setting::Community)];
const SECTORS: &[(&str, Sector)] = &[("public", Sector::Public), ("private", Sector::Private)];
const YES_NO: &[(&str, bool)] = &[("yes", true), ("no", false)];

pub(super) fn lower_body(cx: &mut Cx, kind: &str, id: &Ident, header: Span, entries: &mut Vec<Entry>) -> Option<Body> {
    let mut f = Fields::new(cx, kind, id, header, entries);
    // No `?` here: it would return before `finish` reports what is missing or unknown. A kind
    // with required fields has its own function, where `?` assembles after every read.
    let body = match kind {
        "document" => document(&mut f),
        "section" => section(&mut f),
        "intention" => intention(&mut f),
        "theme" => f.req_text("title").map(|title| Body::Theme(Titled { title }.into())),
        "heading" => f.req_text("title").map(|title| Body::Heading(Titled { title }.into())),
        "characteristic" => {
            let name = req_name(&mut f, "name { en \"Race\" cy \"Hil\" }");
            name.map(|title| Body::Characteristic(Titled { title }.into()))
        }
        "partner" => partner(&mut f),
        "requirement" => requirement(&mut f),
        "service" => service(&mut f),
        "attribute" => attribute(&mut f),
        "bands" => bands(&mut f, entries),
        "targeting" => targeting(&mut f, entries),
        "establishment" => establishment(&mut f),
        "previous_intention" => previous_intention(&mut f),
        "term" => {
            let en = term_forms(&mut f, "en");
            let cy = term_forms(&mut f, "cy");
            if en.is_empty() {
                f.missing("en", "en \"reoffending\"");
            }
            if cy.is_empty() {
                f.missing("cy", "cy \"aildroseddu\"");
            }
            Some(Body::Term(Term { en, cy }.into()))
        }
        _ => None,
    };
    if !matches!(kind, "targeting" | "bands") {
        reject_others(f.cx, entries, kind, &[Other::Rule, Other::Scope, Other::Condition, Other::Nested]);
    }
    // `finish` also runs when a required field is missing: a misspelt `titel` is the likely
    // reason `title` is missing, and "did you mean `title`?" is the useful message.
    let ok = f.finish();
    body.filter(|_| ok)
}

/// The `name` a kind cannot do without (its example shows the Welsh beside the English).
fn req_name(f: &mut Fields, example: &str) -> Option<Text> {
    let name = f.text("name");
    match &name {
        Some(t) => f.not_blank("name", t),
        None => f.missing("name", example),
    }
    name
}

fn document(f: &mut Fields) -> Option<Body> {
    const EXPECTED: &str = "a period, like `2014-04-01 .. 2015-03-31`";
    let title = f.req_text("title");
    let commissioner = f.req_ident("commissioner", "commissioner noms");
    let had_period = f.has("period");
    let period = f.take("period").and_then(|fl| match f.single(&fl, EXPECTED) {
        Some(Spanned { node: Item::Period(a, b), span }) if b < a => {
            // Published as written, the period would run backwards on the title page.
            f.failed = true;
            f.cx.errors.push(SyntaxError::ReversedPeriod { at: span, from: a, to: b });
            None
        }
        Some(Spanned { node: Item::Period(a, b), span }) => Some(Spanned::new((a, b), span)),
        Some(other) => {
            f.invalid(&fl, other.span, EXPECTED, other.node.describe());
            None
        }
        None => None,
    });
    if !had_period {
        f.missing("period", "period 2014-04-01 .. 2015-03-31");
    }
    let signed = f.opt_text("signed");
    Some(Body::Document(Document { title: title?, commissioner: commissioner?, period: period?, signed }.into()))
}

fn section(f: &mut Fields) -> Option<Body> {
    let under = f.ident("under");
    let annex = f.string("annex");
    let title = f.req_text("title");
    let text = f.opt_text("text");
    let includes = f.choice("includes", Generated::ALL);
    Some(Body::Section(Section { under, annex, title: title?, text, includes }.into()))
}

fn intention(f: &mut Fields) -> Option<Body> {
    let under = f.ident("under");
    let theme = f.ident("theme");
    let setting = f.choice("setting", SETTINGS);
    let applies = f.choices("applies", NATIONS);
    let (partners, _) = f.idents("partners");
    let title = f.req_text("title");
    let text = f.opt_text("text");
    let summary = f.opt_text("summary");
    let expects = f.opt_text("expects");
    let (measured_by, measured_by_span) = f.idents("measured_by");
    let unmeasured = f.opt_text("unmeasured");
    Some(Body::Intention(
        Intention {
            under,
            theme,
            setting,
            applies,
            partners,
            title: title?,
            text,
            summary,
            expects,
            measured_by,
            measured_by_span,
            unmeasured,
        }
        .into(),
    ))
}

fn partner(f: &mut Fields) -> Option<Body> {
    let name = req_name(f, "name { en \"NHS England\" cy \"GIG Lloegr\" }");
    let short = f.opt_neutral("short");
    let kind = f.req_choice("kind", PartnerKind::ALL, "kind health_body");
    let applies = req_choices(f, "applies", NATIONS, "applies england, wales");
    Some(Body::Partner(Partner { name: name?, short, kind: kind?, applies: applies? }.into()))
}

/// A list of words that must be given.
fn req_choices<T: Copy>(f: &mut Fields, name: &'static str, table: &[(&str, T)], example: &str) -> Option<Spanned<Vec<T>>> {
    let v = f.choices(name, table);
    if v.is_none() {
        f.missing(name, example);
    }
    v
}

fn requirement(f: &mut Fields) -> Option<Body> {
    let setting = f.req_choice("setting", SETTINGS, "setting custody");
    let heading = f.req_ident("heading", "heading secure_and_decent_custody");
    let outcomes = f.req_text("outcomes");
    let measure = f.req_text("measure");
    let target = target_spec(f);
    let driver = f.req_text("driver");
    let sector = f.choices("sector", SECTORS);
    let applies = f.choices("applies", NATIONS);
    let part_of = f.ident("part_of");
    let no_intention = f.opt_text("no_intention");
    Some(Body::Requirement(
        Requirement {
            setting: setting?,
            heading: heading?,
            outcomes: outcomes?,
            measure: measure?,
            target: target?,
            driver: driver?,
            sector,
            applies,
            part_of,
            no_intention,
        }
        .into(),
    ))
}

fn service(f: &mut Fields) -> Option<Body> {
    let name = req_name(f, "name { en \"Thinking Skills Programme\" cy \"…\" }");
    let short = f.opt_neutral("short");
    let kind = f.req_choice("kind", ServiceKind::ALL, "kind accredited_programme");
    let within = f.ident("within");
    let sessions = f.sessions("sessions");
    let text = f.opt_text("text");
    Some(Body::Service(Service { name: name?, short, kind: kind?, within, sessions, text }.into()))
}

fn bands(f: &mut Fields, entries: &mut [Entry]) -> Option<Body> {
    let attribute = f.req_ident("attribute", "attribute ogrs3");
    let title = f.req_text("title");
    let mut bands = Vec::new();
    let mut incomplete = false;
    for e in entries.iter_mut() {
        if let Entry::Nested { kind, id, entries, span } = e {
            if kind.node != "band" {
                f.cx.errors.push(SyntaxError::UnknownDeclaration {
                    at: kind.span,
                    found: kind.node.clone(),
                    suggestion: Some("band".into()),
                });
                continue;
            }
            // A band is a range with its title and text: a rule, scope or condition
            // written inside it would otherwise be silently ignored.
            reject_others(f.cx, entries, "band", &[Other::Rule, Other::Scope, Other::Condition, Other::Nested]);
            let mut bf = Fields::new(f.cx, "band", id, kind.span.to(id.span), entries);
            let had_range = bf.has("range");
            let range = bf.range("range");
            if !had_range {
                bf.missing("range", "range 0 ..= 24");
            }
            let title = bf.req_text("title");
            let text = bf.opt_text("text");
            match (bf.finish(), range, title) {
                (true, Some(range), Some(title)) => bands.push(Band { id: id.clone(), range, title, text, span: *span }),
                _ => incomplete = true,
            }
        }
    }
    reject_others(f.cx, entries, "bands", &[Other::Rule, Other::Scope, Other::Condition]);
    Some(Body::Bands(Bands { incomplete, attribute: attribute?, title: title?, bands }.into()))
}

fn targeting(f: &mut Fields, entries: &mut [Entry]) -> Option<Body> {
    let under = f.ident("under");
    let part = f.string("part");
    let title = f.req_text("title");
    let text = f.opt_text("text");
    let bands = f.ident("bands");
    let (overrides, _) = f.idents("overrides");
    let items = targeting_items(f.cx, entries);
    Some(Body::Targeting(Targeting { under, part, title: title?, text, bands, overrides, items }.into()))
}

fn establishment(f: &mut Fields) -> Option<Body> {
    let name = req_name(f, "name { en \"HMP Cardiff\" cy \"CEM Caerdydd\" }");
    let setting = f.req_choice("setting", SETTINGS, "setting custody");
    let sector = f.req_choice("sector", SECTORS, "sector public");
    let applies = f.req_choice("applies", NATIONS, "applies wales");
    let targets = f.string("targets");
    let text = f.opt_text("text");
    Some(Body::Establishment(Establishment { name: name?, setting: setting?, sector: sector?, applies: applies?, targets, text }.into()))
}

fn previous_intention(f: &mut Fields) -> Option<Body> {
    let number = f.string("number");
    if number.is_none() {
        f.missing("number", "number \"6a\"");
    }
    let setting = req_choices(f, "setting", SETTINGS, "setting community, custody");
    let co = f.req_choice("co_commissioned", YES_NO, "co_commissioned no");
    let applies = req_choices(f, "applies", NATIONS, "applies england, wales");
    let text = f.req_text("text");
    let (continued_by, _) = f.idents("continued_by");
    Some(Body::PreviousIntention(
        PreviousIntention { number: number?, setting: setting?, co_commissioned: co?, applies: applies?, text: text?, continued_by }.into(),
    ))
}
#[derive(PartialEq)]
enum Other {
    Rule,
    Scope,
    Condition,
    Nested,
}

/// Rules, scopes and nested blocks are only meaningful in some declarations.
fn reject_others(cx: &mut Cx, entries: &[Entry], kind: &str, reject: &[Other]) {
    for e in entries {
        let (what, at) = match e {
            Entry::Rule { verb, .. } if reject.contains(&Other::Rule) => ("a rule", verb.span),
            Entry::Scope { span, .. } if reject.contains(&Other::Scope) => {
                ("a scope", Span::new(span.file, span.start(), span.start() + 4))
            }
            Entry::Condition { keyword, .. } if reject.contains(&Other::Condition) => ("a condition", *keyword),
            Entry::Nested { kind: k, .. } if reject.contains(&Other::Nested) => {
                cx.errors.push(SyntaxError::UnknownField {
                    at: k.span,
                    field: k.node.clone(),
                    kind: kind.to_string(),
                    of: kind.to_string(),
                    suggestion: None,
                });
                continue;
            }
            _ => continue,
        };
        cx.errors.push(SyntaxError::NotHere { at, what: what.to_string(), kind: kind.to_string() });
    }
}

fn term_forms(f: &mut Fields, lang: &'static str) -> Vec<Spanned<String>> {
    let Some(field) = f.take(lang) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Value::Phrases(ps) = &field.value {
        for p in ps {
            for item in p {
                match &item.node {
                    Item::Str(s) => {
                        // An empty form matches nothing: the term would silently never be checked.
                        if s.value().trim().is_empty() {
                            let lang = if lang == "en" { "English" } else { "Welsh" };
                            f.cx.errors.push(SyntaxError::EmptyText { at: item.span, field: "term".into(), lang });
                        }
                        out.push(Spanned::new(s.value().into_owned(), item.span));
                    }
                    other => f.invalid(&field, item.span, "a term in quotes", other.describe()),
                }
            }
        }
    } else {
        f.invalid(&field, field.span, "terms in quotes, separated by commas", "a text block".into());
    }
    out
}

fn target_spec(f: &mut Fields) -> Option<TargetSpec> {
    let Some(field) = f.take("target") else {
        f.missing("target", "target percent at_least");
        return None;
    };
    let items = f.phrase(&field, "a kind of target and a direction, like `percent at_least`")?;
    let span = items[0].span.to(items[items.len() - 1].span);
    let mut it = items.iter();
    let kind = f.word(&field, it.next()?, TargetKind::ALL)?;
    let mut scale = None;
    let mut direction = None;
    for item in it {
        match &item.node {
            Item::Range(a, b) if kind == TargetKind::Rating && scale.is_none() => scale = Some((*a, *b)),
            Item::DotDot(a, b) => f.cx.errors.push(SyntaxError::ExclusiveRange { at: item.span, from: a.clone(), to: b.clone() }),
            Item::Id(_) if direction.is_none() => direction = f.word(&field, item, Direction::ALL),
            other => f.invalid(&field, item.span, "`percent at_least`, `rating 1 ..= 4 at_least` or `fixed`", other.describe()),
        }
    }
    if kind == TargetKind::Rating && scale.is_none() {
        f.invalid(&field, span, "a rating with its scale, like `rating 1 ..= 4 at_least`", "a rating without its scale".into());
    }
    if kind != TargetKind::Fixed && direction.is_none() {
        f.invalid(
            &field,
            span,
            "a direction after the kind: `at_least`, `at_most`, `below` or `exactly`",
            format!("just `{}`", kind.name()),
        );
    }
    Some(TargetSpec { kind, scale, direction, span })
}

fn attribute(f: &mut Fields) -> Option<Body> {
    let name = req_name(f, "name { en \"OGRS3 score\" cy \"sgôr OGRS3\" }");
    let ty = attribute_type(f);
    Some(Body::Attribute(Attribute { name: name?, ty: ty? }.into()))
}

fn attribute_type(f: &mut Fields) -> Option<Spanned<AttributeType>> {
    const TYPES: &[(&str, u8)] = &[("percent", 0), ("number", 1), ("level", 2), ("option", 3), ("yes_no", 4)];
    // Each of these belongs to one type; every one written is read, whatever the type.
    const BY_TYPE: &[(&str, u8)] = &[("range", 1), ("levels", 2), ("options", 3)];
    let written: Vec<(String, Span)> =
        f.fields.iter().filter(|x| BY_TYPE.iter().any(|(n, _)| *n == x.name)).map(|x| (x.name.clone(), x.name_span)).collect();
    let ty = f.req_choice("type", TYPES, "type percent");
    let had_range = f.has("range");
    let range = f.range("range");
    let (levels, _) = f.idents("levels");
    let (options, _) = f.idents("options");
    let ty = ty?;
    // A field of another type would be silently ignored: it is reported as a field this
    // attribute does not have.
    let type_name = TYPES.iter().find(|(_, t)| *t == ty.node).map_or("", |(n, _)| *n);
    for (name, at) in written {
        if BY_TYPE.iter().any(|(n, t)| *n == name && *t != ty.node) {
            f.cx.errors.push(SyntaxError::UnknownField {
                at,
                field: name,
                kind: format!("an attribute of type `{type_name}`"),
                of: "attribute".into(),
                suggestion: None,
            });
        }
    }
    let t = match ty.node {
        0 => AttributeType::Percent,
        1 => match range {
            Some(r) => AttributeType::Number { min: r.node.0, max: r.node.1 },
            None => {
                if !had_range {
                    f.missing("range", "range 18 ..= 120");
                }
                return None;
            }
        },
        2 => {
            if levels.is_empty() {
                f.missing("levels", "levels low, medium, high, very_high");
                return None;
            }
            AttributeType::Level(levels)
        }
        3 => {
            if options.is_empty() {
                f.missing("options", "options violence, sex, other");
                return None;
            }
            AttributeType::Option(options)
        }
        _ => AttributeType::YesNo,
    };
    Some(Spanned::new(t, ty.span))
}

fn targeting_items(cx: &mut Cx, entries: &mut [Entry]) -> Vec<TargetingItem> {
    let mut items = Vec::new();
    for e in entries.iter_mut() {
        match e {
            Entry::Rule { verb, number, target, entries, span } => {
                if let Some(r) = lower_rule(cx, verb, number, target, entries, *span) {
                    items.push(TargetingItem::Rule(r));
                }
            }
            Entry::Scope { kind, entries, span } => {
                // The scope's one field, read as a declaration's `text` is: a plain string is
                // English only (the Welsh checks say so), a second `text` is reported.
                let scope = Ident { name: String::new(), span: *span };
                let mut f = Fields::new(cx, "scope", &scope, *span, entries);
                let text = f.opt_text("text");
                let others = std::mem::take(&mut f.fields);
                for f in others {
                    cx.errors.push(SyntaxError::UnknownField {
                        at: f.name_span,
                        field: f.name.clone(),
                        kind: "a scope".into(),
                        of: "targeting".into(),
                        suggestion: suggest(&f.name, fields::of("scope")),
                    });
                }
                items.push(TargetingItem::Scope(Scope { kind: kind.clone(), text, items: targeting_items(cx, entries), span: *span }));
            }
            Entry::Nested { kind, .. } => cx.errors.push(SyntaxError::UnknownField {
                at: kind.span,
                field: kind.node.clone(),
                kind: "targeting".into(),
                of: "targeting".into(),
                suggestion: None,
            }),
            Entry::Condition { keyword, .. } => cx.errors.push(SyntaxError::InvalidValue {
                at: *keyword,
                field: "targeting".into(),
                expected: "a scope `when … { … }` or a rule".into(),
                found: "a condition with no block (conditions stand inside a rule or open a scope)".into(),
            }),
            Entry::Field(_) => {}
        }
    }
    items.shrink_to_fit();
    items
}

fn lower_rule(
    cx: &mut Cx,
    verb: &Spanned<Verb>,
    number: &Option<Spanned<u32>>,
    target: &Option<Ident>,
    entries: &mut Vec<Entry>,
    span: Span,
) -> Option<ast::Rule> {
    let header = verb.span;
    let id = target.clone().unwrap_or(Ident { name: verb.node.as_str().into(), span: header });
    if target.is_none() && verb.node != Verb::Note {
        cx.errors.push(SyntaxError::RuleWithoutService {
            at: header,
            verb: verb.node.as_str().into(),
            number: number.as_ref().map(|n| n.node),
        });
        return None;
    }
    let mut when = None;
    let mut unless = None;
    for e in entries.iter() {
        if let Entry::Condition { unless: u, condition, keyword } = e {
            let slot = if *u { &mut unless } else { &mut when };
            if slot.is_some() {
                cx.errors.push(SyntaxError::DuplicateField {
                    at: *keyword,
                    first: *keyword,
                    field: if *u { "unless".into() } else { "when".into() },
                });
            }
            *slot = Some(Box::new(condition.clone()));
        }
    }
    let mut f = Fields::new(cx, "rule", &id, header, entries);
    let sessions = f.sessions("sessions");
    let (examples, _) = f.idents("examples");
    let text = f.opt_text("text");
    let derived = f.opt_text("derived");
    // A note decides nothing, so there is no decision whose reading could be derived.
    if let (Verb::Note, Some(d)) = (verb.node, &derived) {
        f.cx.errors.push(SyntaxError::DerivedNote { at: d.span, verb: verb.span });
    }
    reject_others(f.cx, entries, "rule", &[Other::Rule, Other::Scope, Other::Nested]);
    let ok = f.finish();
    ok.then_some(ast::Rule {
        verb: verb.clone(),
        number: number.clone(),
        target: target.clone(),
        when,
        unless,
        sessions,
        examples,
        text,
        derived,
        span,
    })
}
