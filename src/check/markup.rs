//! Prose markup: every prose text is read here, once. Its markup mistakes and cross-references
//! that lead nowhere are reported, and the trees are kept for the model (which does not parse
//! a text again).

use super::{CheckError, Purpose};
use crate::resolve::{Kind, Symbols};
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::prose::{self, Prose};
use std::collections::{HashMap, HashSet};

/// The kinds of declaration that have a place of their own in the document, so a
/// cross-reference (`[text](#id)`) can go there.
pub const LINKABLE: &[Kind] = &[Kind::Section, Kind::Intention, Kind::Targeting, Kind::Requirement, Kind::Partner, Kind::PreviousIntention];

/// The parsed prose of every prose text, by the span of the text as written; or, for
/// [`Purpose::Diagnose`], only which texts were read.
#[derive(Debug, Clone, Default)]
pub struct ProseTexts {
    trees: HashMap<Span, Prose>,
    read: HashSet<Span>,
}

impl ProseTexts {
    /// The tree of a prose text the checks read, taken out (the model keeps it): an empty
    /// tree when the checks kept none. `None` for a text they did not read.
    pub fn take(&mut self, text: &LangText) -> Option<Prose> {
        self.trees.remove(&text.span).or_else(|| self.read.remove(&text.span).then(Prose::default))
    }
}

/// The prose texts of the declarations `only` accepts, in source order.
fn prose_texts<'a>(symbols: &Symbols<'a>, only: &dyn Fn(&Declaration) -> bool) -> Vec<&'a LangText> {
    let mut out = Vec::new();
    for d in symbols.order.iter().copied().filter(|d| only(d)) {
        for (_, t, role) in d.texts() {
            // Neutral texts too: their markup is published like any other.
            if role == TextRole::Prose {
                out.extend([&t.en, &t.cy].into_iter().flatten());
            }
        }
    }
    out
}

/// Reads the prose texts of the declarations `only` accepts; reports their mistakes. Texts are
/// read in parallel (rayon) and the results kept in source order.
/// With [`Purpose::Diagnose`] each tree is dropped once read; the model still finds every
/// text read (and takes an empty tree for it).
pub fn check(
    symbols: &Symbols,
    only: &(dyn Fn(&Declaration) -> bool + Sync),
    purpose: Purpose,
    errors: &mut Vec<CheckError>,
) -> ProseTexts {
    use rayon::prelude::*;
    let read: Vec<(Span, Option<Prose>, Vec<CheckError>)> = prose_texts(symbols, only)
        .into_par_iter()
        .map(|lt| {
            let (span, prose, errors) = read_text(symbols, lt);
            (span, (purpose == Purpose::Build).then_some(prose), errors)
        })
        .collect();
    // Sized once: growing a table would move every tree read so far, more than once.
    let mut texts = ProseTexts::default();
    match purpose {
        Purpose::Build => texts.trees.reserve(read.len()),
        Purpose::Diagnose => texts.read.reserve(read.len()),
    }
    for (span, prose, found) in read {
        errors.extend(found);
        match prose {
            Some(prose) => {
                texts.trees.insert(span, prose);
            }
            None => {
                texts.read.insert(span);
            }
        }
    }
    texts
}

/// One prose text: its tree, and its mistakes.
fn read_text(symbols: &Symbols, lt: &LangText) -> (Span, Prose, Vec<CheckError>) {
    let reading = prose::read(&lt.value());
    let mut errors = Vec::new();
    for e in reading.errors {
        errors.push(CheckError::Markup { at: lt.span_of(e.start, e.end), problem: e.problem, help: e.help });
    }
    for (id, start, end) in reading.cross_references {
        let problem = match symbols.get(&id) {
            Some(d) if LINKABLE.contains(&Kind::of(&d.body)) => continue,
            Some(d) => format!("`#{id}` is {}, which has no place of its own in the document to link to", Kind::of(&d.body).a()),
            None => format!("`#{id}` names nothing declared in this project"),
        };
        errors.push(CheckError::Markup {
            at: lt.span_of(start, end),
            problem,
            help: "link to a section, intention, targeting, requirement, partner or 2013-14 intention by its id".into(),
        });
    }
    (lt.span, reading.prose, errors)
}
