//! Phase 2, resolution: every id in the project, and every reference checked against them.
//!
//! Ids share one namespace whatever they name, so the resolver can say "CU001 is a
//! requirement, not a partner". It runs in passes, as Prisma's parser-database does: first
//! collect the names (reporting duplicates), then check each reference (unknown ids with a
//! suggestion, ids of the wrong kind), then look for circles in the parent links.

use crate::diagnostics::{registry as codes, suggest, Diagnostic, Label, Report};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::ParsedFile;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Document,
    Section,
    Intention,
    Theme,
    Partner,
    Heading,
    Requirement,
    Service,
    Attribute,
    Bands,
    Targeting,
    Establishment,
    PreviousIntention,
    Characteristic,
    Term,
}

impl Kind {
    pub fn of(body: &Body) -> Kind {
        match body {
            Body::Document(_) => Kind::Document,
            Body::Section(_) => Kind::Section,
            Body::Intention(_) => Kind::Intention,
            Body::Theme(_) => Kind::Theme,
            Body::Partner(_) => Kind::Partner,
            Body::Heading(_) => Kind::Heading,
            Body::Requirement(_) => Kind::Requirement,
            Body::Service(_) => Kind::Service,
            Body::Attribute(_) => Kind::Attribute,
            Body::Bands(_) => Kind::Bands,
            Body::Targeting(_) => Kind::Targeting,
            Body::Establishment(_) => Kind::Establishment,
            Body::PreviousIntention(_) => Kind::PreviousIntention,
            Body::Characteristic(_) => Kind::Characteristic,
            Body::Term(_) => Kind::Term,
        }
    }

    /// The noun with its article: "a partner", "an intention".
    pub fn a(self) -> String {
        let n = self.noun();
        let article = if n.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
        format!("{article} {n}")
    }

    /// How an author would name the kind in a sentence.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Document => "document",
            Kind::Section => "section",
            Kind::Intention => "intention",
            Kind::Theme => "theme",
            Kind::Partner => "partner",
            Kind::Heading => "heading",
            Kind::Requirement => "delivery requirement",
            Kind::Service => "service",
            Kind::Attribute => "attribute",
            Kind::Bands => "set of bands",
            Kind::Targeting => "targeting guidance",
            Kind::Establishment => "establishment",
            Kind::PreviousIntention => "2013-14 intention",
            Kind::Characteristic => "protected characteristic",
            Kind::Term => "term",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Symbol<'a> {
    pub kind: Kind,
    pub decl: &'a Declaration,
}

/// The project's declarations, by id, in source order.
#[derive(Debug, Default)]
pub struct Symbols<'a> {
    pub by_id: HashMap<&'a str, Symbol<'a>>,
    /// Every declaration in source order (files sorted by path, then as written).
    pub order: Vec<&'a Declaration>,
    /// Ids of declarations that were written but could not be read.
    pub broken: HashSet<String>,
}

impl<'a> Symbols<'a> {
    pub fn get(&self, id: &str) -> Option<&'a Declaration> {
        self.by_id.get(id).map(|s| s.decl)
    }

    pub fn all(&self, kind: Kind) -> impl Iterator<Item = &'a Declaration> + '_ {
        self.order.iter().copied().filter(move |d| Kind::of(&d.body) == kind)
    }

    pub fn intention(&self, id: &str) -> Option<&'a Intention> {
        match &self.get(id)?.body {
            Body::Intention(i) => Some(i),
            _ => None,
        }
    }
    pub fn requirement(&self, id: &str) -> Option<&'a Requirement> {
        match &self.get(id)?.body {
            Body::Requirement(r) => Some(r),
            _ => None,
        }
    }
    pub fn partner(&self, id: &str) -> Option<&'a Partner> {
        match &self.get(id)?.body {
            Body::Partner(p) => Some(p),
            _ => None,
        }
    }
    pub fn service(&self, id: &str) -> Option<&'a Service> {
        match &self.get(id)?.body {
            Body::Service(s) => Some(s),
            _ => None,
        }
    }
    pub fn attribute(&self, id: &str) -> Option<&'a Attribute> {
        match &self.get(id)?.body {
            Body::Attribute(a) => Some(a),
            _ => None,
        }
    }
    pub fn bands(&self, id: &str) -> Option<&'a Bands> {
        match &self.get(id)?.body {
            Body::Bands(b) => Some(b),
            _ => None,
        }
    }
    pub fn targeting(&self, id: &str) -> Option<&'a Targeting> {
        match &self.get(id)?.body {
            Body::Targeting(t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResolveError {
    Duplicate {
        id: String,
        kind: Kind,
        at: Span,
        first: Span,
        first_kind: Kind,
    },
    Unknown {
        id: String,
        at: Span,
        expected: Kind,
        suggestion: Option<String>,
    },
    WrongKind {
        id: String,
        at: Span,
        expected: Kind,
        found: Kind,
        declared: Span,
    },
    UnknownBand {
        id: String,
        at: Span,
        bands: String,
        suggestion: Option<String>,
    },
    NoBands {
        at: Span,
        available: Vec<String>,
    },
    DocumentCount {
        count: usize,
        at: Span,
        other: Option<Span>,
    },
    Cycle {
        ids: Vec<String>,
        at: Span,
    },
    /// A section `MAX_SECTION_DEPTH` levels down: `path` is its chain of parents, top first.
    SectionTooDeep {
        id: String,
        at: Span,
        path: Vec<String>,
        top: Span,
    },
}

/// How many levels sections may nest: a top-level section and four below it. A document's
/// chapters are `<h2>` (the title is `<h1>`) and a web page has six heading levels, so a
/// sixth level would have no heading a reader or a screen reader can see as one.
pub const MAX_SECTION_DEPTH: usize = 5;

impl Report for ResolveError {
    fn report(&self) -> Diagnostic {
        match self {
            ResolveError::Duplicate { id, kind, at, first, first_kind } => Diagnostic::new(
                &codes::E0201,
                format!("`{id}` is declared twice"),
                Label::new(*at, format!("this {} is `{id}`", kind.noun())),
            )
            .with_label(*first, format!("the {} `{id}` is declared here first", first_kind.noun()))
            .with_help("every id in a project is unique: rename one of them"),
            ResolveError::Unknown { id, at, expected, suggestion } => Diagnostic::new(
                &codes::E0202,
                format!("no {} is declared with the id `{id}`", expected.noun()),
                Label::new(*at, "unknown id"),
            )
            .with_help(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("declare the {} `{id}`, or correct the id", expected.noun()),
            }),
            ResolveError::WrongKind { id, at, expected, found, declared } => Diagnostic::new(
                &codes::E0203,
                format!("`{id}` is {}, but {} is expected here", found.a(), expected.a()),
                Label::new(*at, format!("expected {}", expected.a())),
            )
            .with_label(*declared, format!("`{id}` is declared here as {}", found.a()))
            .with_help(format!("name {} here", expected.a())),
            ResolveError::UnknownBand { id, at, bands, suggestion } => {
                Diagnostic::new(&codes::E0202, format!("`{bands}` has no band `{id}`"), Label::new(*at, "unknown band")).with_help(
                    match suggestion {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("use one of the bands declared in `{bands}`"),
                    },
                )
            }
            ResolveError::NoBands { at, available } => {
                Diagnostic::new(&codes::E0107, "`in band` is used, but this targeting names no bands", Label::new(*at, "which bands?"))
                    .with_help(match available.first() {
                        Some(b) => format!("add a line `bands {b}` to the targeting"),
                        None => "declare a `bands` set and name it with `bands …` in the targeting".to_string(),
                    })
            }
            ResolveError::DocumentCount { count, at, other } => {
                let d = Diagnostic::new(
                    &codes::E0204,
                    if *count == 0 {
                        "the project declares no document".to_string()
                    } else {
                        format!("the project declares {count} documents")
                    },
                    Label::new(*at, if *count == 0 { "in this project" } else { "a document" }),
                )
                .with_help("declare exactly one `document` with the title, commissioner and period");
                match other {
                    Some(o) => d.with_label(*o, "another document"),
                    None => d,
                }
            }
            ResolveError::Cycle { ids, at } => Diagnostic::new(
                &codes::E0205,
                format!("these declarations refer to each other in a circle: {}", ids.join(" → ")),
                Label::new(*at, "the circle starts here"),
            )
            .with_help("a parent cannot be its own descendant: break the circle"),
            ResolveError::SectionTooDeep { id, at, path, top } => Diagnostic::new(
                &codes::E0206,
                format!("section `{id}` is nested {} levels deep; sections nest at most {MAX_SECTION_DEPTH}", path.len() + 1),
                Label::new(
                    *at,
                    format!("level {}: {}", path.len() + 1, path.iter().chain([id]).map(String::as_str).collect::<Vec<_>>().join(" → ")),
                ),
            )
            .with_label(*top, "level 1")
            .with_help(format!("put `{id}` under a section nearer the top, or make it part of its parent's text with a `## Heading`")),
        }
    }
}

/// Builds the symbol table and checks every reference.
pub fn resolve<'a>(files: &'a [ParsedFile]) -> (Symbols<'a>, Vec<ResolveError>) {
    // Sized once: a large project has tens of thousands of declarations, and growing the
    // table rehashes every id read so far.
    let count = files.iter().map(|f| f.ast.declarations.len()).sum();
    let mut symbols = Symbols { by_id: HashMap::with_capacity(count), order: Vec::with_capacity(count), broken: HashSet::new() };
    let mut errors = Vec::new();
    for f in files {
        for b in &f.broken {
            symbols.broken.insert(b.id.clone());
        }
        for d in &f.ast.declarations {
            symbols.order.push(d);
            let kind = Kind::of(&d.body);
            match symbols.by_id.get(d.id.name.as_str()) {
                Some(first) => errors.push(ResolveError::Duplicate {
                    id: d.id.name.clone(),
                    kind,
                    at: d.id.span,
                    first: first.decl.id.span,
                    first_kind: first.kind,
                }),
                None => {
                    symbols.by_id.insert(&d.id.name, Symbol { kind, decl: d });
                }
            }
        }
    }
    let r = Refs { symbols: &symbols };
    let mut refs = Vec::new();
    for d in &symbols.order {
        collect_refs(d, &mut refs);
    }
    for (ident, expected) in refs {
        r.check(ident, expected, &mut errors);
    }
    check_bands_in_scopes(&symbols, &mut errors);
    check_documents(files, &symbols, &mut errors);
    check_cycles(&symbols, &mut errors);
    check_section_depth(&symbols, &mut errors);
    (symbols, errors)
}

struct Refs<'s, 'a> {
    symbols: &'s Symbols<'a>,
}

impl Refs<'_, '_> {
    fn check(&self, ident: &Ident, expected: Kind, errors: &mut Vec<ResolveError>) {
        match self.symbols.by_id.get(ident.name.as_str()) {
            Some(sym) if sym.kind == expected => {}
            Some(sym) => errors.push(ResolveError::WrongKind {
                id: ident.name.clone(),
                at: ident.span,
                expected,
                found: sym.kind,
                declared: sym.decl.id.span,
            }),
            // A declaration that was written but could not be read: its own error is reported.
            None if self.symbols.broken.contains(&ident.name) => {}
            None => {
                let candidates: Vec<&str> = self.symbols.by_id.iter().filter(|(_, s)| s.kind == expected).map(|(id, _)| *id).collect();
                errors.push(ResolveError::Unknown {
                    id: ident.name.clone(),
                    at: ident.span,
                    expected,
                    suggestion: suggest(&ident.name, &candidates),
                });
            }
        }
    }
}

/// Every id a declaration names elsewhere, with the kind it must be: the references the
/// resolver checks (for tools that follow them, such as the language server).
pub fn references(d: &Declaration) -> Vec<(&Ident, Kind)> {
    let mut out = Vec::new();
    collect_refs(d, &mut out);
    out
}

fn collect_refs<'a>(d: &'a Declaration, out: &mut Vec<(&'a Ident, Kind)>) {
    let push = |i: &'a Option<Ident>, k: Kind, out: &mut Vec<(&'a Ident, Kind)>| {
        if let Some(i) = i {
            out.push((i, k));
        }
    };
    match &d.body {
        Body::Document(doc) => out.push((&doc.commissioner, Kind::Partner)),
        Body::Section(s) => push(&s.under, Kind::Section, out),
        Body::Intention(i) => {
            push(&i.under, Kind::Intention, out);
            push(&i.theme, Kind::Theme, out);
            out.extend(i.partners.iter().map(|p| (p, Kind::Partner)));
            out.extend(i.measured_by.iter().map(|p| (p, Kind::Requirement)));
        }
        Body::Requirement(r) => {
            out.push((&r.heading, Kind::Heading));
            push(&r.part_of, Kind::Requirement, out);
        }
        Body::Service(s) => push(&s.within, Kind::Service, out),
        Body::Bands(b) => out.push((&b.attribute, Kind::Attribute)),
        Body::Targeting(t) => {
            push(&t.under, Kind::Intention, out);
            push(&t.bands, Kind::Bands, out);
            out.extend(t.overrides.iter().map(|p| (p, Kind::Targeting)));
            items_refs(&t.items, out);
        }
        Body::PreviousIntention(p) => out.extend(p.continued_by.iter().map(|i| (i, Kind::Intention))),
        _ => {}
    }
}

fn items_refs<'a>(items: &'a [TargetingItem], out: &mut Vec<(&'a Ident, Kind)>) {
    for item in items {
        match item {
            TargetingItem::Rule(r) => {
                if let Some(t) = &r.target {
                    out.push((t, Kind::Service));
                }
                out.extend(r.examples.iter().map(|e| (e, Kind::Service)));
                for c in [&r.when, &r.unless].into_iter().flatten() {
                    condition_refs(&c.node, out);
                }
            }
            TargetingItem::Scope(s) => {
                if let ScopeKind::When { condition, .. } = &s.kind {
                    condition_refs(&condition.node, out);
                }
                items_refs(&s.items, out);
            }
        }
    }
}

fn condition_refs<'a>(c: &'a Condition, out: &mut Vec<(&'a Ident, Kind)>) {
    match c {
        Condition::Or(cs) | Condition::And(cs) => cs.iter().for_each(|c| condition_refs(c, out)),
        Condition::Not(c) => condition_refs(c, out),
        Condition::Test(t) => out.push((&t.attr, Kind::Attribute)),
    }
}

fn check_bands_in_scopes(symbols: &Symbols, errors: &mut Vec<ResolveError>) {
    let available: Vec<String> = symbols.all(Kind::Bands).map(|d| d.id.name.clone()).collect();
    fn walk(items: &[TargetingItem], bands: Option<(&str, &Bands)>, available: &[String], errors: &mut Vec<ResolveError>) {
        for item in items {
            if let TargetingItem::Scope(s) = item {
                if let ScopeKind::Bands(ids) = &s.kind {
                    match bands {
                        None => errors.push(ResolveError::NoBands {
                            at: Span::new(s.span.file, s.span.start(), s.span.start() + 7),
                            available: available.to_vec(),
                        }),
                        Some((name, b)) => {
                            for id in ids {
                                if !b.bands.iter().any(|band| band.id.name == id.name) {
                                    let names: Vec<&str> = b.bands.iter().map(|x| x.id.name.as_str()).collect();
                                    errors.push(ResolveError::UnknownBand {
                                        id: id.name.clone(),
                                        at: id.span,
                                        bands: name.to_string(),
                                        suggestion: suggest(&id.name, &names),
                                    });
                                }
                            }
                        }
                    }
                }
                walk(&s.items, bands, available, errors);
            }
        }
    }
    for d in symbols.all(Kind::Targeting) {
        if let Body::Targeting(t) = &d.body {
            let bands = t.bands.as_ref().and_then(|b| Some((b.name.as_str(), symbols.bands(&b.name)?)));
            // An unknown `bands` id is already reported; do not also report every band.
            if t.bands.is_some() && bands.is_none() {
                continue;
            }
            walk(&t.items, bands, &available, errors);
        }
    }
}

fn check_documents(files: &[ParsedFile], symbols: &Symbols, errors: &mut Vec<ResolveError>) {
    let docs: Vec<&Declaration> = symbols.all(Kind::Document).collect();
    let broken_doc = files.iter().flat_map(|f| &f.broken).any(|b| b.kind == "document");
    match docs.as_slice() {
        // Files that declare nothing (empty, or only comments) are a project with no document
        // too: it must not check clean. (A project with no .intent file at all is refused by
        // the command line, which knows the folder's name.) When nothing could be read at all,
        // the syntax errors come first: the document may be among what they hide.
        [] if !broken_doc && !files.is_empty() && (!symbols.order.is_empty() || files.iter().all(|f| f.broken.is_empty())) => {
            let file = symbols.order.first().map_or(files[0].file, |d| d.span.file);
            errors.push(ResolveError::DocumentCount { count: 0, at: Span::new(file, 0, 0), other: None });
        }
        [first, rest @ ..] if !rest.is_empty() => {
            for d in rest {
                errors.push(ResolveError::DocumentCount { count: docs.len(), at: d.id.span, other: Some(first.id.span) });
            }
        }
        _ => {}
    }
}

/// Sections nested deeper than [`MAX_SECTION_DEPTH`]. Only the sections that cross the limit
/// are reported, not every section under them: moving one up moves its whole subtree.
fn check_section_depth(symbols: &Symbols, errors: &mut Vec<ResolveError>) {
    let parent = |d: &Declaration| match &d.body {
        Body::Section(s) => s.under.as_ref().and_then(|u| symbols.get(&u.name)).filter(|p| matches!(p.body, Body::Section(_))),
        _ => None,
    };
    for d in symbols.all(Kind::Section) {
        let Body::Section(s) = &d.body else { continue };
        let Some(under) = &s.under else { continue };
        // Walk up at most MAX_SECTION_DEPTH steps: a circle (reported as E0205) ends the walk.
        let mut path: Vec<&Declaration> = Vec::new();
        let mut cur = parent(d);
        while let Some(p) = cur {
            if path.len() == MAX_SECTION_DEPTH || std::ptr::eq(p, d) || path.iter().any(|x| std::ptr::eq(*x, p)) {
                break;
            }
            path.push(p);
            cur = parent(p);
        }
        // Report a section exactly at the first level too deep, whose chain reaches the top.
        if path.len() == MAX_SECTION_DEPTH && cur.is_none() {
            path.reverse();
            errors.push(ResolveError::SectionTooDeep {
                id: d.id.name.clone(),
                at: under.span,
                path: path.iter().map(|p| p.id.name.clone()).collect(),
                top: path[0].id.span,
            });
        }
    }
}

/// The parent links that must not form circles.
fn parents(d: &Declaration) -> &[Ident] {
    match &d.body {
        Body::Section(s) => s.under.as_slice(),
        Body::Intention(i) => i.under.as_slice(),
        Body::Service(s) => s.within.as_slice(),
        Body::Requirement(r) => r.part_of.as_slice(),
        Body::Targeting(t) => &t.overrides,
        _ => &[],
    }
}

fn check_cycles(symbols: &Symbols, errors: &mut Vec<ResolveError>) {
    // Iterative depth-first search with three colours; each circle is reported once, at the
    // declaration of its smallest id, so the report does not depend on where the walk began.
    // Looked up once or twice per declaration: a hash map (a tree of 36,000 ids was a tenth
    // of `resolve` on a large project). Only looked up, never iterated, so its order is moot.
    let mut state: HashMap<&str, u8> = HashMap::with_capacity(symbols.order.len());
    let mut reported: HashSet<Vec<String>> = HashSet::new();
    for start in &symbols.order {
        if state.contains_key(start.id.name.as_str()) {
            continue;
        }
        let mut stack: Vec<(&Declaration, usize)> = vec![(start, 0)];
        let mut path: Vec<&str> = vec![&start.id.name];
        state.insert(&start.id.name, 1);
        while let Some((d, i)) = stack.pop() {
            let ps = parents(d);
            if i < ps.len() {
                stack.push((d, i + 1));
                let Some(next) = symbols.get(&ps[i].name) else { continue };
                match state.get(next.id.name.as_str()) {
                    Some(1) => {
                        let from = path.iter().position(|p| *p == next.id.name).unwrap_or(0);
                        let mut ids: Vec<String> = path[from..].iter().map(|s| s.to_string()).collect();
                        let min = ids.iter().enumerate().min_by_key(|(_, s)| s.as_str()).map(|(i, _)| i).unwrap_or(0);
                        ids.rotate_left(min);
                        if reported.insert(ids.clone()) {
                            let at = symbols.get(&ids[0]).map(|d| d.id.span).unwrap_or(next.id.span);
                            let mut shown = ids.clone();
                            shown.push(ids[0].clone());
                            errors.push(ResolveError::Cycle { ids: shown, at });
                        }
                    }
                    Some(_) => {}
                    None => {
                        state.insert(&next.id.name, 1);
                        path.push(&next.id.name);
                        stack.push((next, 0));
                    }
                }
            } else {
                state.insert(&d.id.name, 2);
                path.pop();
            }
        }
    }
}
