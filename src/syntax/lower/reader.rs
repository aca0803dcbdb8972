//! Reading a declaration's fields by name, each into the value it takes.

use super::{Cx, Entry, Field, Item, Value};
use crate::diagnostics::suggest;
use crate::source::{Span, Spanned};
use crate::syntax::ast::{Ident, Sessions, Text};
use crate::syntax::{fields, SyntaxError};

/// The fields of one declaration, consumed one by one by the typed lowering. What is left at
/// the end and is not one of the kind's fields (`syntax/fields.rs`) is an unknown field.
pub(super) struct Fields<'a, 'e> {
    pub(super) cx: &'a mut Cx<'e>,
    kind: String,
    id: String,
    header: Span,
    pub(super) fields: Vec<Field>,
    /// The kind's fields: never reported as unknown, and the names "did you mean" offers.
    known: &'static [&'static str],
    pub(super) failed: bool,
    /// Required fields not found, reported by `finish` unless a misspelt field explains them.
    missing: Vec<(&'static str, String)>,
}

impl<'a, 'e> Fields<'a, 'e> {
    /// Takes the fields out of `entries` (moved, not copied: their texts can be long), leaving
    /// the rules, scopes, conditions and nested blocks in order.
    pub(super) fn new(cx: &'a mut Cx<'e>, kind: &str, id: &Ident, header: Span, entries: &mut Vec<Entry>) -> Self {
        let (fields, others): (Vec<Entry>, Vec<Entry>) = std::mem::take(entries).into_iter().partition(|e| matches!(e, Entry::Field(_)));
        *entries = others;
        let fields = fields
            .into_iter()
            .filter_map(|e| match e {
                Entry::Field(f) => Some(f),
                _ => None,
            })
            .collect();
        Fields {
            cx,
            kind: kind.to_string(),
            id: id.name.clone(),
            header,
            fields,
            known: fields::of(kind),
            failed: false,
            missing: Vec::new(),
        }
    }

    /// Whether the field is written, read or not.
    pub(super) fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f.name == name)
    }

    pub(super) fn take(&mut self, name: &'static str) -> Option<Field> {
        debug_assert!(self.known.contains(&name), "`{name}` is not in the field table of {}", self.kind);
        let mut found = self.fields.iter().enumerate().filter(|(_, f)| f.name == name).map(|(i, _)| i);
        let first = found.next()?;
        let dups: Vec<usize> = found.collect();
        for &d in &dups {
            self.cx.errors.push(SyntaxError::DuplicateField {
                at: self.fields[d].name_span,
                first: self.fields[first].name_span,
                field: name.to_string(),
            });
        }
        // Moved out, not copied: a field is read once (its texts can be long).
        let f = self.fields.remove(first);
        self.fields.retain(|f| f.name != name);
        Some(f)
    }

    pub(super) fn missing(&mut self, field: &'static str, example: &str) {
        self.failed = true;
        self.missing.push((field, example.to_string()));
    }

    pub(super) fn invalid(&mut self, f: &Field, at: Span, expected: &str, found: String) {
        self.failed = true;
        self.cx.errors.push(SyntaxError::InvalidValue { at, field: f.name.clone(), expected: expected.to_string(), found });
    }

    /// The items of a field that takes a single phrase.
    pub(super) fn phrase(&mut self, f: &Field, expected: &str) -> Option<Vec<Spanned<Item>>> {
        match &f.value {
            Value::Phrases(ps) if ps.len() == 1 => Some(ps[0].clone()),
            Value::Phrases(_) => {
                self.invalid(f, f.span, expected, "a list".into());
                None
            }
            Value::Text(t) => {
                self.invalid(f, t.span, expected, "a text block".into());
                None
            }
        }
    }

    pub(super) fn single(&mut self, f: &Field, expected: &str) -> Option<Spanned<Item>> {
        let items = self.phrase(f, expected)?;
        if items.len() != 1 {
            let span = items[0].span.to(items[items.len() - 1].span);
            self.invalid(f, span, expected, format!("{} values (put each field on its own line)", items.len()));
            return None;
        }
        items.into_iter().next()
    }

    pub(super) fn text(&mut self, name: &'static str) -> Option<Text> {
        let f = self.take(name)?;
        match f.value {
            Value::Text(t) => Some(t),
            Value::Phrases(ref ps) => match ps.as_slice() {
                [p] if p.len() == 1 => match &p[0].node {
                    // A plain string is English only; the Welsh checks report it.
                    Item::Str(s) => Some(Text { en: Some(s.clone()), cy: None, span: p[0].span, neutral: false }),
                    other => {
                        self.invalid(&f, p[0].span, "a text, like `{ en \"…\" cy \"…\" }`", other.describe());
                        None
                    }
                },
                _ => {
                    self.invalid(&f, f.span, "a text, like `{ en \"…\" cy \"…\" }`", "several values".into());
                    None
                }
            },
        }
    }

    /// An optional text, boxed: most declarations leave their optional texts out, and an
    /// absent `Option<Box<Text>>` is one word where an absent `Option<Text>` is a whole text.
    pub(super) fn opt_text(&mut self, name: &'static str) -> Option<Box<Text>> {
        self.text(name).map(Box::new)
    }

    /// [`Fields::neutral`], boxed like [`Fields::opt_text`].
    pub(super) fn opt_neutral(&mut self, name: &'static str) -> Option<Box<Text>> {
        self.neutral(name).map(Box::new)
    }

    pub(super) fn req_text(&mut self, name: &'static str) -> Option<Text> {
        let had = self.has(name);
        let t = self.text(name);
        match &t {
            Some(t) => self.not_blank(name, t),
            None if !had => self.missing(name, &format!("{name} {{ en \"…\" cy \"…\" }}")),
            None => {}
        }
        t
    }

    /// A text a declaration cannot do without (a title, a name) is not blank in either
    /// language: published, it would be an empty heading.
    pub(super) fn not_blank(&mut self, name: &str, t: &Text) {
        for (lang, text) in [("English", &t.en), ("Welsh", &t.cy)] {
            if let Some(text) = text.as_ref().filter(|x| x.value().trim().is_empty()) {
                self.cx.errors.push(SyntaxError::EmptyText { at: text.span, field: name.to_string(), lang });
            }
        }
    }

    /// A language-neutral string (paths, abbreviations); a bilingual block is also accepted.
    pub(super) fn neutral(&mut self, name: &'static str) -> Option<Text> {
        let f = self.take(name)?;
        match f.value {
            Value::Text(t) => Some(t),
            _ => match self.single(&f, "a text in quotes")? {
                Spanned { node: Item::Str(s), span } => Some(Text { en: Some(s.clone()), cy: Some(s), span, neutral: true }),
                other => {
                    self.invalid(&f, other.span, "a text in quotes", other.node.describe());
                    None
                }
            },
        }
    }

    pub(super) fn string(&mut self, name: &'static str) -> Option<Spanned<String>> {
        let f = self.take(name)?;
        match self.single(&f, "a text in quotes")? {
            Spanned { node: Item::Str(s), span } => Some(Spanned::new(s.value().into_owned(), span)),
            Spanned { node: Item::Id(s), span } => Some(Spanned::new(s, span)),
            other => {
                self.invalid(&f, other.span, "a text in quotes", other.node.describe());
                None
            }
        }
    }

    pub(super) fn ident_of(&mut self, f: &Field, item: &Spanned<Item>) -> Option<Ident> {
        match &item.node {
            Item::Id(s) => Some(Ident { name: s.clone(), span: item.span }),
            // `under 1`, `continued_by 2013.6`: ids that look like numbers.
            Item::Number(_, text) => Some(Ident { name: text.clone(), span: item.span }),
            other => {
                let d = other.describe();
                self.invalid(f, item.span, "an id", d);
                None
            }
        }
    }

    pub(super) fn ident(&mut self, name: &'static str) -> Option<Ident> {
        let f = self.take(name)?;
        let item = self.single(&f, "an id")?;
        self.ident_of(&f, &item)
    }

    pub(super) fn req_ident(&mut self, name: &'static str, example: &'static str) -> Option<Ident> {
        let had = self.has(name);
        let i = self.ident(name);
        if i.is_none() && !had {
            self.missing(name, example);
        }
        i
    }

    pub(super) fn idents(&mut self, name: &'static str) -> (Vec<Ident>, Option<Span>) {
        let Some(f) = self.take(name) else {
            return (Vec::new(), None);
        };
        let mut out = Vec::new();
        match &f.value {
            Value::Phrases(ps) => {
                for p in ps {
                    for item in p {
                        if let Some(i) = self.ident_of(&f, item) {
                            out.push(i);
                        }
                    }
                }
            }
            Value::Text(t) => self.invalid(&f, t.span, "ids separated by commas", "a text block".into()),
        }
        (out, Some(f.span))
    }

    pub(super) fn word<T: Copy>(&mut self, f: &Field, item: &Spanned<Item>, table: &[(&str, T)]) -> Option<T> {
        let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
        let expected = format!("one of {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "));
        match &item.node {
            Item::Id(w) => match table.iter().find(|(n, _)| n == w) {
                Some((_, v)) => Some(*v),
                None => {
                    let found = match suggest(w, &names) {
                        Some(s) => format!("`{w}` (did you mean `{s}`?)"),
                        None => format!("`{w}`"),
                    };
                    self.invalid(f, item.span, &expected, found);
                    None
                }
            },
            other => {
                self.invalid(f, item.span, &expected, other.describe());
                None
            }
        }
    }

    pub(super) fn choice<T: Copy>(&mut self, name: &'static str, table: &[(&str, T)]) -> Option<Spanned<T>> {
        let f = self.take(name)?;
        let item = self.single(&f, "a word")?;
        let v = self.word(&f, &item, table)?;
        Some(Spanned::new(v, item.span))
    }

    pub(super) fn req_choice<T: Copy>(&mut self, name: &'static str, table: &[(&str, T)], example: &'static str) -> Option<Spanned<T>> {
        let had = self.has(name);
        let v = self.choice(name, table);
        if v.is_none() && !had {
            self.missing(name, example);
        }
        v
    }

    pub(super) fn choices<T: Copy>(&mut self, name: &'static str, table: &[(&str, T)]) -> Option<Spanned<Vec<T>>> {
        let f = self.take(name)?;
        let Value::Phrases(ps) = &f.value else {
            self.invalid(&f, f.span, "words separated by commas", "a text block".into());
            return None;
        };
        let mut out = Vec::new();
        for p in ps {
            for item in p {
                if let Some(v) = self.word(&f, item, table) {
                    out.push(v);
                }
            }
        }
        let span = ps.first().and_then(|p| p.first()).map(|i| i.span).unwrap_or(f.span).to(ps
            .last()
            .and_then(|p| p.last())
            .map(|i| i.span)
            .unwrap_or(f.span));
        Some(Spanned::new(out, span))
    }

    pub(super) fn sessions(&mut self, name: &'static str) -> Option<Spanned<Sessions>> {
        let f = self.take(name)?;
        let item = self.single(&f, "a number of sessions, a range or a comparison")?;
        let s = match &item.node {
            Item::Number(n, _) => Sessions::Exactly(*n),
            Item::Range(a, b) => Sessions::Range(*a, *b),
            Item::Compare(op, n) => Sessions::Compare(*op, *n),
            Item::DotDot(a, b) => {
                self.cx.errors.push(SyntaxError::ExclusiveRange { at: item.span, from: a.clone(), to: b.clone() });
                return None;
            }
            other => {
                self.invalid(&f, item.span, "a number of sessions, a range or a comparison", other.describe());
                return None;
            }
        };
        Some(Spanned::new(s, item.span))
    }

    pub(super) fn range(&mut self, name: &'static str) -> Option<Spanned<(f64, f64)>> {
        let f = self.take(name)?;
        let item = self.single(&f, "a range, like `0 ..= 24`")?;
        match &item.node {
            Item::Range(a, b) => Some(Spanned::new((*a, *b), item.span)),
            Item::DotDot(a, b) => {
                self.cx.errors.push(SyntaxError::ExclusiveRange { at: item.span, from: a.clone(), to: b.clone() });
                self.failed = true;
                None
            }
            other => {
                let d = other.describe();
                self.invalid(&f, item.span, "a range, like `0 ..= 24`", d);
                None
            }
        }
    }

    /// Reports the required fields that are missing and every field the kind does not have,
    /// with a suggestion from the fields it has. Returns whether the declaration is whole.
    pub(super) fn finish(self) -> bool {
        // Every field of the kind is read before the declaration is assembled, so one left
        // here unread would be dropped without a word: the lowering must never do that.
        debug_assert!(
            self.fields.iter().all(|f| !self.known.contains(&f.name.as_str())),
            "{} left a field of its table unread: {:?}",
            self.kind,
            self.fields.iter().map(|f| &f.name).collect::<Vec<_>>()
        );
        let unknown: Vec<&Field> = self.fields.iter().filter(|f| !self.known.contains(&f.name.as_str())).collect();
        let suggested: Vec<String> = unknown.iter().filter_map(|f| suggest(&f.name, self.known)).collect();
        for (field, example) in &self.missing {
            if !suggested.iter().any(|s| s == field) {
                self.cx.errors.push(SyntaxError::MissingField {
                    at: self.header,
                    kind: self.kind.clone(),
                    id: self.id.clone(),
                    field,
                    example: example.clone(),
                });
            }
        }
        for f in unknown {
            let suggestion = suggest(&f.name, self.known);
            let kind = format!("{} {}", self.kind, self.id);
            self.cx.errors.push(SyntaxError::UnknownField {
                at: f.name_span,
                field: f.name.clone(),
                kind,
                of: self.kind.clone(),
                suggestion,
            });
        }
        !self.failed
    }
}
