//! Welsh: every text has its Welsh, the Welsh was made from the current English, the two
//! agree on numbers and placeholders, prose markup is well formed in both, and termbase terms
//! are translated the termbase's way.

use super::CheckError;
use crate::resolve::{Kind, Symbols};
use crate::syntax::ast::*;
use crate::syntax::{prose, text};

/// The kinds of declaration that have a place of their own in the document, so a
/// cross-reference (`[text](#id)`) can go there.
pub const LINKABLE: &[Kind] = &[Kind::Section, Kind::Intention, Kind::Targeting, Kind::Requirement, Kind::Partner, Kind::PreviousIntention];

fn cross_references(symbols: &Symbols, lt: &LangText, errors: &mut Vec<CheckError>) {
    for (id, start, end) in prose::cross_references(&lt.value) {
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
}

pub fn check(symbols: &Symbols, only: &dyn Fn(&Declaration) -> bool, errors: &mut Vec<CheckError>) {
    let terms: Vec<(&Term, crate::source::Span)> = symbols
        .all(Kind::Term)
        .filter_map(|d| match &d.body {
            Body::Term(t) => Some((t, d.id.span)),
            _ => None,
        })
        .collect();
    let terms: Vec<PreparedTerm> = terms.into_iter().map(|(t, span)| PreparedTerm::new(t, span)).collect();
    // Terms by the first word of each English form, so a text is scanned once for the words
    // it has, not once per term: linear in the text, whatever the size of the termbase.
    let mut by_first_word: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    for (i, t) in terms.iter().enumerate() {
        for f in &t.en {
            let first = f.split_whitespace().next().unwrap_or("").to_string();
            let entry = by_first_word.entry(first).or_default();
            if entry.last() != Some(&i) {
                entry.push(i);
            }
        }
    }
    for d in symbols.order.iter().filter(|d| only(d)) {
        let decl = format!("{} {}", d.kind.node, d.id.name);
        for (field, t, role) in d.texts() {
            if t.neutral {
                continue;
            }
            if role == TextRole::Prose {
                for lt in [&t.en, &t.cy].into_iter().flatten() {
                    if let Err(es) = prose::parse(&lt.value) {
                        for e in es {
                            errors.push(CheckError::Markup { at: lt.span_of(e.start, e.end), problem: e.problem, help: e.help });
                        }
                    }
                    cross_references(symbols, lt, errors);
                }
            }
            let (Some(en), Some(cy)) = (&t.en, &t.cy) else {
                if let Some(en) = &t.en {
                    // A text written as a plain string (`title "…"`) has no language tag.
                    let plain = en.tag.is_empty();
                    errors.push(CheckError::MissingWelsh { at: en.span, field, decl: decl.clone(), plain });
                }
                continue;
            };
            let digest = text::digest(&en.value);
            match &cy.stamp {
                None => errors.push(CheckError::UnstampedWelsh { at: cy.span, field, decl: decl.clone(), digest }),
                Some(s) if s.node.len() == text::STAMP_LEN && s.node != digest => errors.push(CheckError::StaleWelsh {
                    at: s.span,
                    english: en.span,
                    field,
                    decl: decl.clone(),
                    recorded: s.node.clone(),
                    current: digest,
                }),
                Some(_) => {}
            }
            if let Some(what) = mismatch(&en.value, &cy.value) {
                errors.push(CheckError::LanguageMismatch { at: cy.span, english: en.span, field, decl: decl.clone(), what });
            }
            if terms.is_empty() {
                continue;
            }
            // Line breaks and runs of spaces inside a term still match it.
            let en_folded = fold(&en.value);
            let cy_folded = fold(&cy.value);
            let (en_lower, cy_lower) = (en_folded.to_lowercase(), cy_folded.to_lowercase());
            let mut candidates: Vec<usize> = en_lower
                .split(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'')
                .filter_map(|w| by_first_word.get(w))
                .flatten()
                .copied()
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            for term in candidates.into_iter().map(|i| &terms[i]) {
                // A term written with a capital (a title word such as "Introduction") matches
                // only as written; other terms match in any case.
                let found = if term.cased {
                    term.en_cased.iter().any(|f| find_word(&en_folded, f).is_some())
                } else {
                    term.en.iter().any(|f| find_word(&en_lower, f).is_some())
                };
                if found && !term.cy.iter().any(|f| find_start(&cy_lower, f)) {
                    {
                        // Point at the term itself when it stands on one line of the text.
                        let english = term
                            .en
                            .iter()
                            .find_map(|f| find_word(&en.value.to_lowercase(), f))
                            .map(|p| en.span_of(p, p + term.en_first.len()))
                            .unwrap_or(en.span);
                        errors.push(CheckError::Termbase {
                            at: cy.span,
                            english,
                            en: term.en_first.clone(),
                            cy: term.cy_first.clone(),
                            term_at: term.span,
                        });
                    }
                }
            }
        }
    }
}

/// Numbers (as written) and `{placeholders}` that are not the same in both languages.
fn mismatch(en: &str, cy: &str) -> Option<String> {
    use std::collections::BTreeMap;
    let times = |n: usize| match n {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    };
    let ph = |s: &str| s.matches("{target}").count();
    if ph(en) != ph(cy) {
        return Some(match (ph(en), ph(cy)) {
            (a, 0) => format!("the English has `{{target}}` {} and the Welsh has none", times(a)),
            (0, b) => format!("the Welsh has `{{target}}` {} and the English has none", times(b)),
            (a, b) => format!("`{{target}}` appears {} in the English and {} in the Welsh", times(a), times(b)),
        });
    }
    let count = |s: &str| {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for n in numbers(s) {
            *m.entry(n).or_default() += 1;
        }
        m
    };
    let (a, b) = (count(en), count(cy));
    let mut parts = Vec::new();
    for n in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
        let (x, y) = (a.get(n).copied().unwrap_or(0), b.get(n).copied().unwrap_or(0));
        match (x, y) {
            (x, y) if x == y => {}
            (_, 0) => parts.push(format!("the English has {n} and the Welsh does not")),
            (0, _) => parts.push(format!("the Welsh has {n} and the English does not")),
            (x, y) => parts.push(format!("{n} appears {} in the English and {} in the Welsh", times(x), times(y))),
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The numbers of a text, as written: `222,306`, `3.4`, `2014`.
pub fn numbers(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        // `[^3]` is a footnote label, not a number of the text.
        if chars[i].is_ascii_digit() && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '^')) {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || ((chars[j] == ',' || chars[j] == '.') && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit())))
            {
                j += 1;
            }
            // Ids such as `CU001` or labels like `2c` are not numbers of the text.
            if !chars.get(j).is_some_and(|c| c.is_alphabetic()) {
                out.push(chars[i..j].iter().collect());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

struct PreparedTerm {
    cased: bool,
    en_cased: Vec<String>,
    en: Vec<String>,
    cy: Vec<String>,
    en_first: String,
    cy_first: String,
    span: crate::source::Span,
}

impl PreparedTerm {
    fn new(t: &Term, span: crate::source::Span) -> PreparedTerm {
        PreparedTerm {
            cased: t.en.first().is_some_and(|f| f.node.starts_with(char::is_uppercase)),
            en_cased: t.en.iter().map(|f| fold(&f.node)).collect(),
            en: t.en.iter().map(|f| fold(&f.node).to_lowercase()).collect(),
            cy: t.cy.iter().flat_map(|f| mutations(&fold(&f.node).to_lowercase())).collect(),
            en_first: t.en.first().map(|f| f.node.clone()).unwrap_or_default(),
            cy_first: t.cy.first().map(|f| f.node.clone()).unwrap_or_default(),
            span,
        }
    }
}

/// A whole-word match: the position of `word` in `text`.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let start = from + i;
        let end = start + word.len();
        let before = text[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if before && after {
            return Some(start);
        }
        from = start + word.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// A match at the start of a word (Welsh words take endings, so the end is not checked).
fn find_start(text: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let start = from + i;
        if text[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric()) {
            return true;
        }
        from = start + word.chars().next().map_or(1, char::len_utf8);
    }
    false
}

/// A Welsh word and its mutated forms: soft (carchar → garchar), nasal (→ ngharchar) and
/// aspirate (→ charchar) mutations of its first letter, and h- before a vowel (ei hadsefydlu).
pub fn mutations(word: &str) -> Vec<String> {
    const RULES: &[(&str, &[&str])] = &[
        ("p", &["b", "mh", "ph"]),
        ("t", &["d", "nh", "th"]),
        ("c", &["g", "ngh", "ch"]),
        ("b", &["f", "m"]),
        ("d", &["dd", "n"]),
        ("g", &["", "ng"]),
        ("m", &["f"]),
        ("ll", &["l"]),
        ("rh", &["r"]),
    ];
    let mut out = vec![word.to_string()];
    // Two-letter initials first: `ll` is not `l` + `l`.
    let mut rules: Vec<&(&str, &[&str])> = RULES.iter().collect();
    rules.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    if let Some((from, tos)) = rules
        .into_iter()
        .find(|(from, _)| word.starts_with(from) && !(from == &"d" && word.starts_with("dd")) && !(from == &"c" && word.starts_with("ch")))
    {
        let rest = &word[from.len()..];
        out.extend(tos.iter().map(|to| format!("{to}{rest}")));
    }
    if word.starts_with(['a', 'e', 'i', 'o', 'u', 'w', 'y', 'â', 'ê', 'î', 'ô', 'û', 'ŵ', 'ŷ']) {
        out.push(format!("h{word}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_cover_the_common_forms() {
        let m = mutations("carchar");
        for form in ["carchar", "garchar", "ngharchar", "charchar"] {
            assert!(m.contains(&form.to_string()), "{form}");
        }
        assert!(mutations("llety").contains(&"lety".to_string()));
        assert!(mutations("adsefydlu").contains(&"hadsefydlu".to_string()));
        assert_eq!(mutations("ddim"), vec!["ddim".to_string()]);
    }

    #[test]
    fn numbers_as_written() {
        assert_eq!(numbers("caseload 222,306 in 2013, up 3.5% (CU001)."), vec!["222,306", "2013", "3.5"]);
        assert!(mismatch("88,400 places", "88,400 o leoedd").is_none());
        assert!(mismatch("88,400 places", "88.400 o leoedd").is_some());
        assert!(mismatch("{target}% of", "% o").is_some());
    }
}
