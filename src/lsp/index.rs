//! Where every id is written: declarations, the references the resolver checks, the bands
//! named by `in band` scopes, and the requirement ids that key a targets file. Definition,
//! references, rename and hover all start here.

use crate::check::targets::resolve_path;
use crate::resolve::{self, Kind};
use crate::source::{FileId, FileKind, Project, Span};
use crate::syntax::ast::*;
use crate::syntax::ParsedFile;
use std::collections::HashMap;

/// What an occurrence of a name is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// The id of a declaration.
    Decl(Kind),
    /// A reference that must name a declaration of this kind.
    Ref(Kind),
    /// A band declared in the `bands` set named here.
    BandDecl { set: String },
    /// A band named by an `in band` scope of a targeting whose bands are this set.
    BandRef { set: String },
    /// A requirement id keying a line of a targets file.
    TargetKey,
    /// The id of a cross-reference in prose: `[text](#id)`.
    Link,
    /// A level or option declared by the attribute named here.
    ValueDecl { attribute: String },
    /// A level or option of this attribute, in a condition (`index_offence == theft`).
    Value { attribute: String },
}

#[derive(Debug, Clone)]
pub struct Occurrence {
    pub name: String,
    pub span: Span,
    pub role: Role,
}

impl Occurrence {
    /// Occurrences of the same thing: ids share one namespace; bands belong to their set.
    pub fn same_thing(&self, other: &Occurrence) -> bool {
        self.name == other.name && self.set() == other.set()
    }

    pub fn set(&self) -> Option<&str> {
        match &self.role {
            // Ids share one namespace, so a set of bands and an attribute never share a name.
            Role::BandDecl { set } | Role::BandRef { set } => Some(set),
            Role::ValueDecl { attribute } | Role::Value { attribute } => Some(attribute),
            _ => None,
        }
    }

    pub fn is_decl(&self) -> bool {
        matches!(self.role, Role::Decl(_) | Role::BandDecl { .. } | Role::ValueDecl { .. })
    }
}

#[derive(Debug, Default)]
pub struct Index {
    /// By file, in source order.
    pub by_file: HashMap<FileId, Vec<Occurrence>>,
    /// Each declared id: its kind, and where it is declared (the first, if declared twice).
    pub decls: HashMap<String, (Kind, Span)>,
}

/// The occurrences in one parsed file: everything but the keys of targets files (which
/// depend on other files). Kept with the file's parse, since reading the cross-references
/// in prose costs a parse of every text.
pub fn file_occurrences(parsed: &ParsedFile, source: &str) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let mut push = |name: &str, span: Span, role: Role| out.push(Occurrence { name: name.to_string(), span, role });
    for d in &parsed.ast.declarations {
        push(&d.id.name, d.id.span, Role::Decl(Kind::of(&d.body)));
        for (i, k) in resolve::references(d) {
            push(&i.name, i.span, Role::Ref(k));
        }
        match &d.body {
            Body::Bands(b) => {
                for band in &b.bands {
                    push(&band.id.name, band.id.span, Role::BandDecl { set: d.id.name.clone() });
                }
            }
            Body::Targeting(t) => {
                if let Some(set) = &t.bands {
                    band_refs(&t.items, &mut |i: &Ident| push(&i.name, i.span, Role::BandRef { set: set.name.clone() }));
                }
                conditions(&t.items, &mut |c| values(c, &mut push));
            }
            Body::Attribute(at) => {
                if let AttributeType::Level(v) | AttributeType::Option(v) = &at.ty.node {
                    for i in v {
                        push(&i.name, i.span, Role::ValueDecl { attribute: d.id.name.clone() });
                    }
                }
            }
            _ => {}
        }
        for (_, t, role) in d.texts() {
            if role != TextRole::Prose {
                continue;
            }
            for lt in [&t.en, &t.cy].into_iter().flatten() {
                for (name, span) in links(lt, source) {
                    push(&name, span, Role::Link);
                }
            }
        }
    }
    out.sort_by_key(|o| (o.span.start, o.span.end));
    out.dedup_by(|a, b| a.span == b.span);
    out
}

/// The ids of a text's cross-references (`[text](#id)`), with their places in the file. The
/// text's value has its escapes and indentation removed, so each `](#id)` is found in the
/// literal as written: the n-th in the value is the n-th in the source.
fn links(lt: &LangText, source: &str) -> Vec<(String, Span)> {
    let literal = source.get(lt.span.range()).unwrap_or("");
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (id, _, _) in crate::syntax::prose::cross_references(&lt.value()) {
        let pattern = format!("](#{id})");
        let nth = seen.entry(id.clone()).or_insert(0);
        if let Some((at, _)) = literal.match_indices(&pattern).nth(*nth) {
            let start = lt.span.start() + at + 3;
            out.push((id.clone(), Span::new(lt.span.file, start, start + id.len())));
        }
        *nth += 1;
    }
    out
}

impl Index {
    /// The project's index from each file's occurrences (`files` pairs a parse with them).
    pub fn build(project: &Project, files: &[(&ParsedFile, &[Occurrence])]) -> Index {
        let mut ix = Index::default();
        let mut targets_files: Vec<String> = Vec::new();
        for (f, occs) in files {
            for d in &f.ast.declarations {
                ix.decls.entry(d.id.name.clone()).or_insert((Kind::of(&d.body), d.id.span));
                if let Body::Establishment(e) = &d.body {
                    if let Some(t) = &e.targets {
                        targets_files.push(resolve_path(project, f.file, &t.node));
                    }
                }
            }
            if !occs.is_empty() {
                ix.by_file.insert(f.file, occs.to_vec());
            }
        }
        targets_files.sort();
        targets_files.dedup();
        for path in targets_files {
            let Some(file) = project.find(&path).filter(|f| f.kind == FileKind::Yaml) else { continue };
            let occs = ix.by_file.entry(file.id).or_default();
            for (name, start) in yaml_keys(&file.text) {
                occs.push(Occurrence {
                    name: name.to_string(),
                    span: Span::new(file.id, start, start + name.len()),
                    role: Role::TargetKey,
                });
            }
        }
        ix
    }

    /// The occurrence under a byte offset (its end counts, so a cursor just after a word
    /// finds it).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let occs = self.by_file.get(&file)?;
        occs.iter().find(|o| o.span.start() <= offset && offset <= o.span.end())
    }

    /// Every occurrence of the same thing, in file and source order.
    pub fn all_of<'a>(&'a self, target: &'a Occurrence) -> Vec<&'a Occurrence> {
        let mut files: Vec<&FileId> = self.by_file.keys().collect();
        files.sort();
        files.into_iter().flat_map(|f| self.by_file[f].iter()).filter(|o| o.same_thing(target)).collect()
    }

    /// Where this occurrence's thing is declared.
    pub fn definition(&self, target: &Occurrence) -> Option<Span> {
        match target.set() {
            Some(_) => self.all_of(target).into_iter().find(|o| o.is_decl()).map(|o| o.span),
            None => self.decls.get(&target.name).map(|(_, s)| *s),
        }
    }
}

/// Every condition of the rules and scopes, outermost first.
fn conditions(items: &[TargetingItem], f: &mut dyn FnMut(&Condition)) {
    for item in items {
        match item {
            TargetingItem::Rule(r) => {
                for c in [&r.when, &r.unless].into_iter().flatten() {
                    f(&c.node);
                }
            }
            TargetingItem::Scope(s) => {
                if let ScopeKind::When { condition, .. } = &s.kind {
                    f(&condition.node);
                }
                conditions(&s.items, f);
            }
        }
    }
}

/// The words a condition compares an attribute with: its levels and options.
fn values(c: &Condition, push: &mut dyn FnMut(&str, Span, Role)) {
    match c {
        Condition::Or(cs) | Condition::And(cs) => cs.iter().for_each(|c| values(c, push)),
        Condition::Not(c) => values(c, push),
        Condition::Test(t) => {
            let operands: Vec<&crate::source::Spanned<Operand>> = match &t.op {
                TestOp::Compare(_, o) => vec![o],
                TestOp::InSet(os) => os.iter().collect(),
                _ => Vec::new(),
            };
            for o in operands {
                if let Operand::Word(w) = &o.node {
                    push(w, o.span, Role::Value { attribute: t.attr.name.clone() });
                }
            }
        }
    }
}

fn band_refs(items: &[TargetingItem], f: &mut dyn FnMut(&Ident)) {
    for item in items {
        if let TargetingItem::Scope(s) = item {
            if let ScopeKind::Bands(ids) = &s.kind {
                for i in ids {
                    f(i);
                }
            }
            band_refs(&s.items, f);
        }
    }
}

/// The keys of a targets file's `targets:` map: indented `ID:` lines (the format is a flat
/// map; `check::targets` reads the values).
pub fn yaml_keys(text: &str) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent > 0 && !trimmed.starts_with('#') {
            let key_len = trimmed.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).unwrap_or(trimmed.len());
            if key_len > 0 && trimmed[key_len..].trim_start().starts_with(':') {
                out.push((&trimmed[..key_len], start + indent));
            }
        }
        start += line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn yaml_keys_are_the_indented_ids() {
        let text = "status: illustrative\ntargets:\n  CU001: 98\n  # CU002: 1\n  CU056a : 4\n";
        let keys = super::yaml_keys(text);
        assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), ["CU001", "CU056a"]);
        assert_eq!(&text[keys[0].1..keys[0].1 + 5], "CU001");
    }
}
