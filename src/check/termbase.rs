//! The termbase check: where the English of a text uses a termbase term, its Welsh uses the
//! termbase's Welsh (or a mutated form of it).
//!
//! Every English form, and every Welsh form with its mutations, is a pattern of one
//! multi-pattern automaton (aho-corasick), run once over each text after its white space is
//! folded and its letters lowered. So a text is scanned a fixed number of times, however large
//! the termbase, and a form shared by many terms is matched once.
//!
//! What "uses a term" means:
//! - a term is looked for only when the first word of one of its English forms stands in the
//!   text as a whole token (tokens are runs of letters, digits, `-` and `'`): "offender" is not
//!   looked for in "ex-offender";
//! - then an English form matches where it stands between characters that are not letters or
//!   digits. A term whose first form starts with a capital ("Introduction") matches only as
//!   written; other terms match in any case;
//! - a Welsh form matches at the start of a word (Welsh words take endings).

use super::CheckError;
use crate::resolve::{Kind, Symbols};
use crate::source::Span;
use crate::syntax::ast::*;
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::collections::HashMap;

struct PreparedTerm {
    /// Matched as written, not in any case.
    cased: bool,
    /// Pattern ids of the English forms (in `cased` or `lower`, as `cased` says).
    en: Vec<usize>,
    /// The English forms, folded and lowered: where to point when the term is reported.
    en_lower: Vec<String>,
    /// Pattern ids in `welsh` of the Welsh forms and their mutations.
    cy: Vec<usize>,
    /// A Welsh form (or mutation) is empty, so any Welsh satisfies the term.
    cy_empty: bool,
    /// The terms with exactly these forms, in termbase order: each is reported when the
    /// Welsh misses them.
    members: Vec<Member>,
}

/// One term of the termbase, as it is named in a report.
struct Member {
    /// The term's position in the termbase, which orders the reports of one text.
    index: usize,
    en_first: String,
    cy_first: String,
    span: Span,
}

/// One automaton and, for each of its (distinct) patterns, the terms that have it as the
/// first word of an English form, and as a whole form.
struct Patterns {
    automaton: Option<AhoCorasick>,
    first: Vec<Vec<usize>>,
    form: Vec<Vec<usize>>,
}

/// What a pattern is to a term.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    FirstWord,
    Form,
}

impl Patterns {
    /// `forms` are (term, pattern, role); empty patterns are left out (they match nothing
    /// here). Returns the id of each pattern.
    fn new(forms: impl IntoIterator<Item = (usize, String, Role)>) -> (Patterns, HashMap<String, usize>) {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let (mut first, mut form): (Vec<Vec<usize>>, Vec<Vec<usize>>) = (Vec::new(), Vec::new());
        for (term, pattern, role) in forms {
            if pattern.is_empty() {
                continue;
            }
            let id = *ids.entry(pattern.clone()).or_insert_with(|| {
                patterns.push(pattern);
                first.push(Vec::new());
                form.push(Vec::new());
                patterns.len() - 1
            });
            let list = if role == Role::FirstWord { &mut first[id] } else { &mut form[id] };
            if list.last() != Some(&term) {
                list.push(term);
            }
        }
        // The patterns are plain strings, so building can only fail past the automaton's size
        // limits; then nothing is matched rather than the check failing.
        // A DFA is the fastest to search (every text is scanned); past its size limits, the
        // library's own choice.
        let automaton = if patterns.is_empty() {
            None
        } else {
            AhoCorasick::builder().kind(Some(AhoCorasickKind::DFA)).build(&patterns).or_else(|_| AhoCorasick::new(&patterns)).ok()
        };
        (Patterns { automaton, first, form }, ids)
    }

    /// Every match in `text`, overlapping: (pattern, start, end).
    fn matches<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize, usize)> + 't {
        self.automaton.iter().flat_map(move |ac| ac.find_overlapping_iter(text).map(|m| (m.pattern().as_usize(), m.start(), m.end())))
    }
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '\''
}

/// The character before `at` and the one at `at` are not letters or digits (nor, for tokens,
/// `-` or `'`).
fn bounded(text: &str, start: usize, end: usize, inside: fn(char) -> bool) -> bool {
    text[..start].chars().next_back().is_none_or(|c| !inside(c)) && text[end..].chars().next().is_none_or(|c| !inside(c))
}

fn starts_word(text: &str, start: usize) -> bool {
    text[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
}

/// Runs of white space (line breaks included) as one space, so a term broken over two lines
/// still matches.
pub fn fold(s: &str) -> String {
    fold_with(s, false)
}

/// [`fold`], then lowered (as `str::to_lowercase` does), in one pass.
fn fold_lower(s: &str) -> String {
    // A capital sigma lowers by its context; the library knows how.
    if s.contains('Σ') {
        return fold(s).to_lowercase();
    }
    fold_with(s, true)
}

/// [`fold`] (and, if `lower`, lowering) in one pass: runs of ASCII letters, digits and
/// punctuation are copied whole (and lowered in place), and only other characters are decoded.
/// Most characters of both languages are ASCII, and this was the termbase check's main cost
/// after the search itself. (The proptests below compare it with the library's
/// `split_whitespace` and `to_lowercase`.)
fn fold_with(s: &str, lower: bool) -> String {
    let is_plain = |b: u8| b.is_ascii() && !b.is_ascii_whitespace() && b != 0x0B;
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && is_plain(bytes[i]) {
            i += 1;
        }
        let c = if i > start {
            None
        } else {
            // One character that is not plain ASCII: white space, or one to decode.
            let Some(c) = s[i..].chars().next() else { break };
            i += c.len_utf8();
            if c.is_whitespace() {
                space = !out.is_empty();
                continue;
            }
            Some(c)
        };
        if space {
            out.push(' ');
            space = false;
        }
        match c {
            None => {
                let at = out.len();
                out.push_str(&s[start..i]);
                if lower {
                    out[at..].make_ascii_lowercase();
                }
            }
            Some(c) if lower => out.extend(c.to_lowercase()),
            Some(c) => out.push(c),
        }
    }
    out
}

/// The termbase, prepared for matching.
pub struct Termbase {
    terms: Vec<PreparedTerm>,
    /// The first words of the English forms, and the forms of terms matched in any case,
    /// lowered: one automaton, so the English is scanned once.
    english: Patterns,
    /// The English forms of terms matched as written.
    cased: Patterns,
    /// The Welsh forms and their mutations, lowered.
    welsh: Patterns,
}

impl Termbase {
    pub fn new(symbols: &Symbols) -> Termbase {
        let decls: Vec<(&Term, Span)> = symbols
            .all(Kind::Term)
            .filter_map(|d| match &d.body {
                Body::Term(t) => Some((&**t, d.id.span)),
                _ => None,
            })
            .collect();
        // Per term: matched as written; English forms folded; the same lowered; Welsh forms.
        type Folded = (bool, Vec<String>, Vec<String>, Vec<String>);
        let folded: Vec<Folded> = decls
            .iter()
            .map(|(t, _)| {
                let cased = t.en.first().is_some_and(|f| f.node.starts_with(char::is_uppercase));
                let en: Vec<String> = t.en.iter().map(|f| fold(&f.node)).collect();
                let en_lower: Vec<String> = en.iter().map(|f| f.to_lowercase()).collect();
                let cy: Vec<String> = t.cy.iter().flat_map(|f| super::welsh::mutations(&fold(&f.node).to_lowercase())).collect();
                (cased, en, en_lower, cy)
            })
            .collect();
        let first_word = |f: &String| f.split(' ').next().filter(|w| !w.is_empty() && w.chars().all(is_token_char)).map(str::to_string);
        let (english, english_ids) = Patterns::new(folded.iter().enumerate().flat_map(|(i, (cased, _, lower, _))| {
            let firsts = lower.iter().filter_map(first_word).map(move |w| (i, w, Role::FirstWord));
            let forms = lower.iter().filter(move |_| !cased).map(move |f| (i, f.clone(), Role::Form));
            firsts.chain(forms)
        }));
        let (cased, cased_ids) = Patterns::new(
            folded
                .iter()
                .enumerate()
                .filter(|(_, f)| f.0)
                .flat_map(|(i, (_, en, _, _))| en.iter().map(move |f| (i, f.clone(), Role::Form))),
        );
        let (welsh, welsh_ids) =
            Patterns::new(folded.iter().enumerate().flat_map(|(i, (_, _, _, cy))| cy.iter().map(move |f| (i, f.clone(), Role::Form))));
        let terms = decls
            .iter()
            .zip(folded)
            .enumerate()
            .map(|(index, ((t, span), (is_cased, en, en_lower, cy)))| {
                let (forms, ids) = if is_cased { (&en, &cased_ids) } else { (&en_lower, &english_ids) };
                PreparedTerm {
                    cased: is_cased,
                    en: forms.iter().filter_map(|f| ids.get(f).copied()).collect(),
                    cy: cy.iter().filter_map(|f| welsh_ids.get(f).copied()).collect(),
                    cy_empty: cy.iter().any(String::is_empty),
                    en_lower,
                    members: vec![Member {
                        index,
                        en_first: t.en.first().map(|f| f.node.clone()).unwrap_or_default(),
                        cy_first: t.cy.first().map(|f| f.node.clone()).unwrap_or_default(),
                        span: *span,
                    }],
                }
            })
            .collect();
        let (terms, group) = grouped(terms);
        let regroup = |p: Patterns| Patterns { first: p.first.into_iter().map(|l| regrouped(l, &group)).collect(), ..p };
        Termbase { terms, english: regroup(english), cased, welsh }
    }

    /// Reports each term the English uses and the Welsh does not.
    pub fn check(&self, en: &LangText, cy: &LangText, errors: &mut Vec<CheckError>) {
        if self.terms.is_empty() {
            return;
        }
        let en_lower = fold_lower(en.words());
        let (mut candidates, mut lower_found) = (Vec::new(), Vec::new());
        for (p, start, end) in self.english.matches(&en_lower) {
            if !self.english.first[p].is_empty() && bounded(&en_lower, start, end, is_token_char) {
                candidates.extend_from_slice(&self.english.first[p]);
            }
            if !self.english.form[p].is_empty() && bounded(&en_lower, start, end, char::is_alphanumeric) {
                lower_found.push(p);
            }
        }
        if candidates.is_empty() {
            return;
        }
        let candidates = sorted(candidates);
        let lower_found = sorted(lower_found);
        let cased_found = if candidates.iter().any(|&i| self.terms[i].cased) {
            let en_folded = fold(en.words());
            sorted(
                self.cased.matches(&en_folded).filter(|&(_, s, e)| bounded(&en_folded, s, e, char::is_alphanumeric)).map(|m| m.0).collect(),
            )
        } else {
            Vec::new()
        };
        let mut welsh_found: Option<Vec<usize>> = None;
        let mut missed: Vec<(&Member, Span)> = Vec::new();
        for term in candidates.into_iter().map(|i| &self.terms[i]) {
            let found = if term.cased { &cased_found } else { &lower_found };
            if !term.en.iter().any(|p| found.binary_search(p).is_ok()) || term.cy_empty {
                continue;
            }
            let welsh = welsh_found.get_or_insert_with(|| {
                let cy_lower = fold_lower(cy.words());
                sorted(self.welsh.matches(&cy_lower).filter(|&(_, s, _)| starts_word(&cy_lower, s)).map(|m| m.0).collect())
            });
            if term.cy.iter().any(|p| welsh.binary_search(p).is_ok()) {
                continue;
            }
            // Point at the term itself when it stands on one line of the text.
            let value_lower = en.value().to_lowercase();
            let at = term.en_lower.iter().filter(|f| !f.is_empty()).find_map(|f| find_word(&value_lower, f));
            missed.extend(term.members.iter().map(|m| (m, at.map_or(en.span, |p| en.span_of(p, p + m.en_first.len())))));
        }
        // In termbase order, as if each term had been looked for on its own.
        missed.sort_by_key(|(m, _)| m.index);
        errors.extend(missed.into_iter().map(|(m, english)| CheckError::Termbase {
            at: cy.span,
            english,
            en: m.en_first.clone(),
            cy: m.cy_first.clone(),
            term_at: m.span,
        }));
    }
}

/// Terms with the same forms in both languages (and the same case rule) are one group,
/// looked for once: a termbase that repeats a term (the same English and Welsh under two ids)
/// costs no more per text than one that does not. Returns the groups, each under its first
/// term, and the group of each term.
fn grouped(terms: Vec<PreparedTerm>) -> (Vec<PreparedTerm>, Vec<usize>) {
    let mut groups: Vec<PreparedTerm> = Vec::with_capacity(terms.len());
    type Forms = (bool, Vec<String>, Vec<usize>, Vec<usize>, bool);
    let mut by_forms: HashMap<Forms, usize> = HashMap::new();
    let mut group = Vec::with_capacity(terms.len());
    for t in terms {
        match by_forms.entry((t.cased, t.en_lower.clone(), t.en.clone(), t.cy.clone(), t.cy_empty)) {
            std::collections::hash_map::Entry::Occupied(g) => {
                groups[*g.get()].members.extend(t.members);
                group.push(*g.get());
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(groups.len());
                group.push(groups.len());
                groups.push(t);
            }
        }
    }
    (groups, group)
}

/// A list of terms as a list of their groups, in order and without repeats.
fn regrouped(terms: Vec<usize>, group: &[usize]) -> Vec<usize> {
    sorted(terms.into_iter().map(|t| group[t]).collect())
}

/// A whole-word match: the position of `word` (not empty) in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let start = from + i;
        let end = start + word.len();
        if bounded(text, start, end, char::is_alphanumeric) {
            return Some(start);
        }
        from = start + word.chars().next().map_or(1, char::len_utf8);
    }
    None
}

#[cfg(test)]
mod fold_tests {
    use super::*;

    proptest::proptest! {
        /// The one-pass fold and lowering is `fold` then `to_lowercase`, for any text.
        #[test]
        fn fold_lower_is_fold_then_lowercase(s in "(?s)[ \t\n\r\x0B\x0CaZ9Σ\u{85}\u{a0}ŴŷÂİẞ\u{3000}.-]{0,40}") {
            proptest::prop_assert_eq!(fold_lower(&s), fold(&s).to_lowercase());
        }

        /// The fold is the library's white-space split, joined by single spaces, and its
        /// lowering `to_lowercase` (every ASCII character, controls included, Unicode spaces).
        #[test]
        fn fold_is_split_whitespace(s in "(?s)[\\x00-\\x7F\u{85}\u{a0}\u{2028}\u{3000}ŵŶ]{0,40}") {
            let general: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(fold(&s), general.clone());
            proptest::prop_assert_eq!(fold_lower(&s), general.to_lowercase());
        }
    }
}
