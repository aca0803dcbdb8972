//! Hover, go to definition, find references, rename and the outline: read from the syntax
//! trees and the index of the last analysis.

use super::index::{Occurrence, Role};
use super::workspace::Analysis;
use super::Server;
use crate::resolve::{self, Kind};
use crate::source::{FileId, Span};
use crate::syntax::ast::*;
use lsp_types::{self as lsp, Url};
use std::collections::HashMap;

/// The byte offset of a position in a file of the analysis.
pub fn offset(a: &Analysis, file: FileId, pos: lsp::Position) -> usize {
    a.lines[file.0 as usize].offset(&a.project.file(file).text, pos)
}

pub fn range(a: &Analysis, span: Span) -> lsp::Range {
    a.lines[span.file.0 as usize].range(&a.project.file(span.file).text, span.start(), span.end())
}

fn location(server: &Server, a: &Analysis, span: Span) -> Option<lsp::Location> {
    Some(lsp::Location { uri: server.url_of(&a.project.file(span.file).path)?, range: range(a, span) })
}

type Answer<T> = Result<T, String>;

/// Resolves a document position to (analysis, file, offset), then calls `f`.
fn at<T>(
    server: &mut Server,
    pos: &lsp::TextDocumentPositionParams,
    f: impl FnOnce(&Server, &Analysis, FileId, usize) -> Answer<T>,
) -> Answer<T> {
    let (project, file) = server.prepare(&pos.text_document.uri)?;
    let server: &Server = server;
    let a = server.analysis(project)?;
    let off = offset(a, file, pos.position);
    f(server, a, file, off)
}

pub fn definition(server: &mut Server, p: lsp::GotoDefinitionParams) -> Answer<Option<lsp::GotoDefinitionResponse>> {
    at(server, &p.text_document_position_params, |s, a, file, off| {
        let Some(occ) = a.index.at(file, off) else { return Ok(None) };
        Ok(a.index.definition(occ).and_then(|span| location(s, a, span)).map(lsp::GotoDefinitionResponse::Scalar))
    })
}

pub fn references(server: &mut Server, p: lsp::ReferenceParams) -> Answer<Option<Vec<lsp::Location>>> {
    let with_decl = p.context.include_declaration;
    at(server, &p.text_document_position, |s, a, file, off| {
        let Some(occ) = a.index.at(file, off) else { return Ok(None) };
        Ok(Some(a.index.all_of(occ).into_iter().filter(|o| with_decl || !o.is_decl()).filter_map(|o| location(s, a, o.span)).collect()))
    })
}

pub fn prepare_rename(server: &mut Server, p: lsp::TextDocumentPositionParams) -> Answer<Option<lsp::PrepareRenameResponse>> {
    at(server, &p, |_, a, file, off| {
        let Some(occ) = a.index.at(file, off) else {
            return Err("only an id can be renamed here".into());
        };
        if a.index.definition(occ).is_none() {
            return Err(format!("`{}` is not declared, so there is nothing to rename", occ.name));
        }
        Ok(Some(lsp::PrepareRenameResponse::RangeWithPlaceholder { range: range(a, occ.span), placeholder: occ.name.clone() }))
    })
}

pub fn rename(server: &mut Server, p: lsp::RenameParams) -> Answer<Option<lsp::WorkspaceEdit>> {
    let new = p.new_name.trim().to_string();
    at(server, &p.text_document_position, |s, a, file, off| {
        let Some(occ) = a.index.at(file, off) else {
            return Err("only an id can be renamed here".into());
        };
        if a.index.definition(occ).is_none() {
            return Err(format!("`{}` is not declared, so there is nothing to rename", occ.name));
        }
        if new == occ.name {
            return Ok(None);
        }
        check_new_name(a, occ, &new)?;
        let mut changes: HashMap<Url, Vec<lsp::TextEdit>> = HashMap::new();
        for o in a.index.all_of(occ) {
            let Some(loc) = location(s, a, o.span) else { continue };
            changes.entry(loc.uri).or_default().push(lsp::TextEdit { range: loc.range, new_text: new.clone() });
        }
        Ok(Some(lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() }))
    })
}

/// Refuses a new name that is not an id, or that is taken.
fn check_new_name(a: &Analysis, occ: &Occurrence, new: &str) -> Answer<()> {
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !new.split('.').all(word) {
        return Err(format!("`{new}` is not an id: use letters, digits and `_` (parts may be joined by `.`)"));
    }
    let kind = match (&occ.role, a.index.decls.get(&occ.name)) {
        (_, Some((k, _))) => Some(*k),
        _ => None,
    };
    match occ.set() {
        Some(set) => {
            let value = matches!(occ.role, Role::Value { .. } | Role::ValueDecl { .. });
            let what = if value { "value" } else { "band" };
            if new.contains('.') {
                return Err(format!("`{new}` is not a {what} name: a {what} name has no `.`"));
            }
            // In a condition a value is a word: not a number, not a keyword.
            if value && (new.chars().all(|c| c.is_ascii_digit()) || ["and", "or", "not", "in", "as"].contains(&new)) {
                return Err(format!("`{new}` cannot be a value: conditions need a word that is not a number or a keyword"));
            }
            let taken = a.index.by_file.values().flatten().any(|o| o.name == new && o.is_decl() && o.set() == Some(set));
            if taken {
                return Err(format!("`{set}` already has a {what} `{new}`"));
            }
        }
        None => {
            if let Some((k, _)) = a.index.decls.get(new) {
                return Err(format!("`{new}` is already declared, as {}", k.a()));
            }
            if a.files.iter().flat_map(|f| &f.broken).any(|b| b.id == new) {
                return Err(format!("`{new}` is already declared (in a declaration that does not parse yet)"));
            }
            // An attribute is named in conditions, where a name has no `.` and is not a keyword.
            if kind == Some(Kind::Attribute) && (new.contains('.') || ["and", "or", "not", "in", "as"].contains(&new)) {
                return Err(format!(
                    "`{new}` cannot name an attribute: conditions need a plain word that is not `and`, `or`, `not`, `in` or `as`"
                ));
            }
            // `invest 3 4` would read 4 as the rule's service only by luck.
            if kind == Some(Kind::Service) && new.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!("`{new}` cannot name a service: rules would read it as a rule number"));
            }
        }
    }
    Ok(())
}

pub fn hover(server: &mut Server, p: lsp::HoverParams) -> Answer<Option<lsp::Hover>> {
    at(server, &p.text_document_position_params, |_, a, file, off| {
        let (text, span) = match a.index.at(file, off) {
            Some(occ) => match hover_occurrence(a, occ) {
                Some(t) => (t, occ.span),
                None => return Ok(None),
            },
            None => match hover_rule(a, file, off) {
                Some(x) => x,
                None => return Ok(None),
            },
        };
        Ok(Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: text }),
            range: Some(range(a, span)),
        }))
    })
}

fn declaration<'a>(a: &'a Analysis, id: &str) -> Option<&'a Declaration> {
    let (_, span) = a.index.decls.get(id)?;
    a.parsed(span.file)?.ast.declarations.iter().find(|d| d.id.span == *span)
}

fn plain(t: &Text) -> (String, String) {
    let one = |lt: &Option<LangText>| lt.as_ref().map(|l| l.value().split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default();
    (one(&t.en), one(&t.cy))
}

/// English, then Welsh, each on its own line, marked with its language.
fn both(t: &Text) -> String {
    let (en, cy) = plain(t);
    let cy = if cy.is_empty() { "*(no Welsh yet)*".to_string() } else { escape(&cy) };
    format!("{}  \n*Cymraeg:* {cy}", escape(&en))
}

/// Markdown's special characters in source text, escaped so a title shows as written.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]{}()<>#+-.!|~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn hover_occurrence(a: &Analysis, occ: &Occurrence) -> Option<String> {
    if let Some(set) = occ.set() {
        let d = declaration(a, set)?;
        if let Body::Attribute(at) = &d.body {
            let (what, all) = match &at.ty.node {
                AttributeType::Level(v) => ("level", v),
                AttributeType::Option(v) => ("option", v),
                _ => return Some(format!("`{}`: {set} has no levels or options", occ.name)),
            };
            if !all.iter().any(|i| i.name == occ.name) {
                return Some(format!("`{}` is not a value of `{set}`", occ.name));
            }
            return Some(format!(
                "**{what}** `{}` of `{set}`\n\n{}\n\n*Values:* {}",
                occ.name,
                both(&at.name),
                attribute_type(&at.ty.node)
            ));
        }
        let Body::Bands(b) = &d.body else { return None };
        let band = b.bands.iter().find(|x| x.id.name == occ.name)?;
        let (lo, hi) = band.range.node;
        return Some(format!("**band** `{}` of `{set}`: {} {lo} ..= {hi}\n\n{}", occ.name, b.attribute.name, both(&band.title)));
    }
    let Some(d) = declaration(a, &occ.name) else {
        return Some(match &occ.role {
            Role::Ref(k) => format!("`{}`: no {} is declared with this id", occ.name, k.noun()),
            _ => format!("`{}`", occ.name),
        });
    };
    let kind = Kind::of(&d.body);
    let mut out = format!("**{}** `{}`", kind.noun(), d.id.name);
    let title = |label: &str, t: &Text, out: &mut String| {
        out.push_str(&format!("\n\n{label}{}", both(t)));
    };
    match &d.body {
        Body::Document(x) => title("", &x.title, &mut out),
        Body::Section(x) => title("", &x.title, &mut out),
        Body::Intention(x) => title("", &x.title, &mut out),
        Body::Theme(x) | Body::Heading(x) | Body::Characteristic(x) => title("", &x.title, &mut out),
        Body::Partner(x) => title("", &x.name, &mut out),
        Body::Service(x) => {
            title("", &x.name, &mut out);
            if let Some(s) = &x.sessions {
                out.push_str(&format!("\n\nSessions: {}", crate::check::rules::describe_sessions(&s.node)));
            }
        }
        Body::Establishment(x) => title("", &x.name, &mut out),
        Body::Bands(x) => {
            title("", &x.title, &mut out);
            let bands: Vec<String> = x.bands.iter().map(|b| format!("`{}` {} ..= {}", b.id.name, b.range.node.0, b.range.node.1)).collect();
            out.push_str(&format!("\n\nBands of `{}`: {}", x.attribute.name, bands.join(", ")));
        }
        Body::Targeting(x) => title("", &x.title, &mut out),
        Body::PreviousIntention(x) => title(&format!("2013-14 intention {}: ", escape(&x.number.node)), &x.text, &mut out),
        Body::Requirement(r) => {
            title("*Outcomes:* ", &r.outcomes, &mut out);
            title("*Measure:* ", &r.measure, &mut out);
            out.push_str(&format!("\n\n*Target:* {}", target_words(&r.target)));
        }
        Body::Attribute(x) => {
            title("", &x.name, &mut out);
            out.push_str(&format!("\n\n*Type:* {}", attribute_type(&x.ty.node)));
        }
        Body::Term(t) => {
            let forms =
                |v: &[crate::source::Spanned<String>]| v.iter().map(|f| format!("\"{}\"", escape(&f.node))).collect::<Vec<_>>().join(", ");
            out.push_str(&format!("\n\n{}  \n*Cymraeg:* {}", forms(&t.en), forms(&t.cy)));
        }
    }
    Some(out)
}

pub fn target_words(t: &TargetSpec) -> String {
    let mut s = t.kind.name().to_string();
    if let Some((a, b)) = t.scale {
        s.push_str(&format!(" {a} ..= {b}"));
    }
    if let Some(d) = t.direction {
        let name = Direction::ALL.iter().find(|(_, x)| *x == d).map(|(n, _)| *n).unwrap_or("?");
        s.push_str(&format!(" {name}"));
    }
    s
}

pub fn attribute_type(t: &AttributeType) -> String {
    match t {
        AttributeType::Percent => "percent (0 ..= 100)".into(),
        AttributeType::Number { min, max } => format!("number ({min} ..= {max})"),
        AttributeType::Level(v) => format!("level: {}", v.iter().map(|i| format!("`{}`", i.name)).collect::<Vec<_>>().join(", ")),
        AttributeType::Option(v) => format!("option: {}", v.iter().map(|i| format!("`{}`", i.name)).collect::<Vec<_>>().join(", ")),
        AttributeType::YesNo => "yes or no".into(),
    }
}

/// A rule's decision and where it comes from, when the cursor is on the rule's first line
/// (its verb, number and service).
fn hover_rule(a: &Analysis, file: FileId, off: usize) -> Option<(String, Span)> {
    let parsed = a.parsed(file)?;
    let (decl, rule) = parsed.ast.declarations.iter().find_map(|d| {
        let Body::Targeting(t) = &d.body else { return None };
        find_rule(&t.items, off).map(|r| (d, r))
    })?;
    let (symbols, _) = resolve::resolve(&a.files);
    let domains = crate::check::rules::domains(&symbols);
    let flat = crate::check::rules::flatten(&symbols, &domains, &mut Vec::new());
    let id = flat.iter().find(|f| std::ptr::eq(f.rule, rule)).map(|f| f.id.clone()).unwrap_or_default();
    let Body::Targeting(t) = &decl.body else { return None };
    let service = rule.target.as_ref().map(|s| {
        let name = match declaration(a, &s.name).map(|d| &d.body) {
            Some(Body::Service(x)) => format!(" ({})", escape(&plain(&x.name).0)),
            _ => String::new(),
        };
        format!("`{}`{name}", s.name)
    });
    let decision = match (rule.verb.node, &service) {
        (Verb::Invest, Some(s)) => format!("invest in {s}"),
        (Verb::Avoid, Some(s)) => format!("do not invest in {s}"),
        (_, _) => "a note: no decision".into(),
    };
    let mut out = format!("**rule** `{id}`\n\n*Decision:* {decision}");
    match &rule.derived {
        Some(why) => out.push_str(&format!("  \n*Derived:* the publisher's reading of unlabelled guidance: {}", both(why))),
        None if rule.verb.node != Verb::Note => out.push_str("  \n*Label:* the document's own"),
        None => {}
    }
    let text = |c: &Option<Box<crate::source::Spanned<Condition>>>| {
        c.as_ref().map(|c| a.project.text(c.span).split_whitespace().collect::<Vec<_>>().join(" "))
    };
    if let Some(w) = text(&rule.when) {
        out.push_str(&format!("  \n*When:* `{}`", w.replace('`', "'")));
    }
    if let Some(u) = text(&rule.unless) {
        out.push_str(&format!("  \n*Unless:* `{}`", u.replace('`', "'")));
    }
    let (line, _) = a.project.file(file).line_col(rule.verb.span.start());
    let part = t.part.as_ref().map(|p| format!(", part {}", escape(&p.node))).unwrap_or_default();
    out.push_str(&format!("\n\n*Source:* targeting `{}`{part}, line {line}  \n{}", decl.id.name, both(&t.title)));
    let end = rule.target.as_ref().map(|t| t.span.end()).or(rule.number.as_ref().map(|n| n.span.end())).unwrap_or(rule.verb.span.end());
    Some((out, Span::new(file, rule.verb.span.start(), end)))
}

fn find_rule(items: &[TargetingItem], off: usize) -> Option<&Rule> {
    for item in items {
        match item {
            TargetingItem::Rule(r) => {
                let end = r.target.as_ref().map(|t| t.span.end()).or(r.number.as_ref().map(|n| n.span.end())).unwrap_or(r.verb.span.end());
                if r.verb.span.start() <= off && off <= end {
                    return Some(r);
                }
            }
            TargetingItem::Scope(s) => {
                if s.span.start() <= off && off <= s.span.end() {
                    if let Some(r) = find_rule(&s.items, off) {
                        return Some(r);
                    }
                }
            }
        }
    }
    None
}

#[allow(deprecated)]
pub fn document_symbols(server: &mut Server, p: lsp::DocumentSymbolParams) -> Answer<Option<lsp::DocumentSymbolResponse>> {
    let (project, file) = server.prepare(&p.text_document.uri)?;
    let a = server.analysis(project)?;
    let Some(parsed) = a.parsed(file) else { return Ok(None) };
    let sym = |name: String, detail: Option<String>, kind: lsp::SymbolKind, span: Span, sel: Span, children: Vec<lsp::DocumentSymbol>| {
        lsp::DocumentSymbol {
            name,
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: range(a, span),
            selection_range: range(a, sel),
            children: (!children.is_empty()).then_some(children),
        }
    };
    fn items(a: &Analysis, list: &[TargetingItem], out: &mut Vec<lsp::DocumentSymbol>) {
        for item in list {
            let (name, kind, span, sel, children) = match item {
                TargetingItem::Rule(r) => {
                    let mut name = r.verb.node.as_str().to_string();
                    if let Some(n) = &r.number {
                        name.push_str(&format!(" {}", n.node));
                    }
                    if let Some(t) = &r.target {
                        name.push_str(&format!(" {}", t.name));
                    }
                    (name, lsp::SymbolKind::FUNCTION, r.span, r.verb.span, Vec::new())
                }
                TargetingItem::Scope(s) => {
                    let name = match &s.kind {
                        ScopeKind::Bands(ids) => format!("in band {}", ids.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")),
                        ScopeKind::When { condition, name } => match name {
                            Some(n) => format!("when … as {}", n.name),
                            None => format!("when {}", a.project.text(condition.span).split_whitespace().collect::<Vec<_>>().join(" ")),
                        },
                    };
                    let mut children = Vec::new();
                    items(a, &s.items, &mut children);
                    let head = Span::new(s.span.file, s.span.start(), s.span.start());
                    (name, lsp::SymbolKind::NAMESPACE, s.span, head, children)
                }
            };
            out.push(lsp::DocumentSymbol {
                name,
                detail: None,
                kind,
                tags: None,
                deprecated: None,
                range: range(a, span),
                selection_range: range(a, sel),
                children: (!children.is_empty()).then_some(children),
            });
        }
    }
    let mut out = Vec::new();
    for d in &parsed.ast.declarations {
        let kind = Kind::of(&d.body);
        let title = d.texts().first().map(|(_, t, _)| plain(t).0).filter(|t| !t.is_empty());
        let mut detail = kind.noun().to_string();
        if let Some(t) = title {
            let short: String = t.chars().take(80).collect();
            detail.push_str(&format!(": {short}"));
        }
        let mut children = Vec::new();
        match &d.body {
            Body::Bands(b) => {
                for band in &b.bands {
                    let detail = format!("{} ..= {}", band.range.node.0, band.range.node.1);
                    children.push(sym(
                        band.id.name.clone(),
                        Some(detail),
                        lsp::SymbolKind::ENUM_MEMBER,
                        band.span,
                        band.id.span,
                        Vec::new(),
                    ));
                }
            }
            Body::Targeting(t) => items(a, &t.items, &mut children),
            _ => {}
        }
        out.push(sym(d.id.name.clone(), Some(detail), symbol_kind(kind), d.span, d.id.span, children));
    }
    Ok(Some(lsp::DocumentSymbolResponse::Nested(out)))
}

fn symbol_kind(k: Kind) -> lsp::SymbolKind {
    use lsp::SymbolKind as S;
    match k {
        Kind::Document => S::FILE,
        Kind::Section => S::NAMESPACE,
        Kind::Intention => S::CLASS,
        Kind::Theme | Kind::Heading | Kind::Characteristic => S::STRING,
        Kind::Partner | Kind::Establishment => S::OBJECT,
        Kind::Requirement => S::INTERFACE,
        Kind::Service => S::METHOD,
        Kind::Attribute => S::FIELD,
        Kind::Bands => S::ENUM,
        Kind::Targeting => S::MODULE,
        Kind::PreviousIntention => S::EVENT,
        Kind::Term => S::KEY,
    }
}
