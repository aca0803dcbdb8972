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
            Role::BandDecl { set } | Role::BandRef { set } => Some(set),
            _ => None,
        }
    }

    pub fn is_decl(&self) -> bool {
        matches!(self.role, Role::Decl(_) | Role::BandDecl { .. })
    }
}

#[derive(Debug, Default)]
pub struct Index {
    /// By file, in source order.
    pub by_file: HashMap<FileId, Vec<Occurrence>>,
    /// Each declared id: its kind, and where it is declared (the first, if declared twice).
    pub decls: HashMap<String, (Kind, Span)>,
}

impl Index {
    pub fn build(project: &Project, files: &[ParsedFile]) -> Index {
        let mut ix = Index::default();
        let push = |ix: &mut Index, name: &str, span: Span, role: Role| {
            ix.by_file.entry(span.file).or_default().push(Occurrence { name: name.to_string(), span, role });
        };
        let mut targets_files: Vec<String> = Vec::new();
        for f in files {
            for d in &f.ast.declarations {
                let kind = Kind::of(&d.body);
                ix.decls.entry(d.id.name.clone()).or_insert((kind, d.id.span));
                push(&mut ix, &d.id.name, d.id.span, Role::Decl(kind));
                for (i, k) in resolve::references(d) {
                    push(&mut ix, &i.name, i.span, Role::Ref(k));
                }
                match &d.body {
                    Body::Bands(b) => {
                        for band in &b.bands {
                            push(&mut ix, &band.id.name, band.id.span, Role::BandDecl { set: d.id.name.clone() });
                        }
                    }
                    Body::Targeting(t) => {
                        if let Some(set) = &t.bands {
                            band_refs(&t.items, &mut |i: &Ident| push(&mut ix, &i.name, i.span, Role::BandRef { set: set.name.clone() }));
                        }
                    }
                    Body::Establishment(e) => {
                        if let Some(t) = &e.targets {
                            targets_files.push(resolve_path(project, f.file, &t.node));
                        }
                    }
                    _ => {}
                }
            }
        }
        for path in targets_files {
            let Some(file) = project.find(&path).filter(|f| f.kind == FileKind::Yaml) else { continue };
            for (name, start) in yaml_keys(&file.text) {
                push(&mut ix, name, Span::new(file.id, start, start + name.len()), Role::TargetKey);
            }
        }
        for occs in ix.by_file.values_mut() {
            occs.sort_by_key(|o| (o.span.start, o.span.end));
            occs.dedup_by(|a, b| a.span == b.span);
        }
        ix
    }

    /// The occurrence under a byte offset (its end counts, so a cursor just after a word
    /// finds it).
    pub fn at(&self, file: FileId, offset: usize) -> Option<&Occurrence> {
        let occs = self.by_file.get(&file)?;
        occs.iter().find(|o| o.span.start <= offset && offset <= o.span.end)
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
            Some(_) => self.all_of(target).into_iter().find(|o| matches!(o.role, Role::BandDecl { .. })).map(|o| o.span),
            None => self.decls.get(&target.name).map(|(_, s)| *s),
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
