//! Welsh: every text has its Welsh, the Welsh was made from the current English, the two
//! agree on numbers and placeholders, and termbase terms are translated the termbase's way.
//! (Prose markup, in both languages, is checked in `markup.rs`.)

use super::termbase::Termbase;
use super::CheckError;
use crate::resolve::Symbols;
use crate::source::Span;
use crate::syntax::ast::*;
use crate::syntax::text;
use std::collections::HashMap;

/// Whether a text's Welsh was made from its current English, as its stamp records
/// (docs/translating.md): what the checks report as W0601-W0603. Kept for the model (and
/// `intentc diff`), so no later phase digests a text again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WelshState {
    /// Stamped with the current English's digest, or a text that needs no translation.
    #[default]
    Current,
    /// Stamped with an older English (W0602).
    Stale,
    /// Not stamped (W0603).
    Unstamped,
    /// No Welsh (W0601).
    Missing,
}

/// The state of every text the Welsh checks looked at, by the span of the whole text.
pub type WelshStates = HashMap<Span, WelshState>;

/// A bilingual text of a declaration, for the per-text checks.
struct Bilingual<'a> {
    field: &'static str,
    text: &'a Text,
    decl: &'a Declaration,
}

impl Bilingual<'_> {
    /// `intention 1a`, to name the declaration in messages (made only for a message: most
    /// texts have none, and a name for each was a string per declaration held through the
    /// checks).
    fn decl(&self) -> String {
        format!("{} {}", self.decl.kind.node, self.decl.id.name)
    }
}

pub fn check(
    symbols: &Symbols,
    termbase: &Termbase,
    only: &(dyn Fn(&Declaration) -> bool + Sync),
    errors: &mut Vec<CheckError>,
) -> WelshStates {
    let texts: Vec<Bilingual> = symbols
        .order
        .iter()
        .copied()
        .filter(|d| only(d))
        .flat_map(|decl| decl.texts().into_iter().map(move |(field, text, _)| Bilingual { field, text, decl }))
        .filter(|b| !b.text.neutral)
        .collect();
    // Each text on its own, in parallel (rayon); the findings are kept in source order.
    use rayon::prelude::*;
    let found: Vec<(Vec<CheckError>, WelshState)> = texts
        .par_iter()
        .map(|b| {
            let mut found = Vec::new();
            let state = check_text(b, termbase, &mut found);
            (found, state)
        })
        .collect();
    let mut states = WelshStates::with_capacity(found.len());
    for (b, (found, state)) in texts.iter().zip(found) {
        errors.extend(found);
        states.insert(b.text.span, state);
    }
    states
}

/// Every Welsh check of one text, one concern after another; returns the text's state.
fn check_text(b: &Bilingual, termbase: &Termbase, errors: &mut Vec<CheckError>) -> WelshState {
    let Some((en, cy)) = present(b, errors) else {
        // No Welsh, or no English (which the syntax phase reports): nothing was translated.
        return if b.text.en.is_some() { WelshState::Missing } else { WelshState::Current };
    };
    let state = stamped(b, en, cy, errors);
    if let Some(what) = mismatch(en.words(), cy.words()) {
        errors.push(CheckError::LanguageMismatch { at: cy.span, english: en.span, field: b.field, decl: b.decl(), what });
    }
    termbase.check(en, cy, errors);
    state
}

/// Both languages are there (a text with no English is left to the syntax checks).
fn present<'a>(b: &Bilingual<'a>, errors: &mut Vec<CheckError>) -> Option<(&'a LangText, &'a LangText)> {
    match (&b.text.en, &b.text.cy) {
        (Some(en), Some(cy)) => Some((en, cy)),
        (Some(en), None) => {
            // A text written as a plain string (`title "…"`) has no language tag.
            let plain = en.tag().is_empty();
            errors.push(CheckError::MissingWelsh { at: en.span, field: b.field, decl: b.decl(), plain });
            None
        }
        _ => None,
    }
}

/// The Welsh records the English it was made from, and that is the current English.
fn stamped(b: &Bilingual, en: &LangText, cy: &LangText, errors: &mut Vec<CheckError>) -> WelshState {
    let digest = text::digest(en.words());
    match cy.stamp() {
        None => {
            errors.push(CheckError::UnstampedWelsh { at: cy.span, field: b.field, decl: b.decl(), digest });
            WelshState::Unstamped
        }
        Some(s) if s.node != digest => {
            // A stamp of the wrong length is the syntax phase's to report; it is not current.
            if s.node.len() == text::STAMP_LEN {
                errors.push(CheckError::StaleWelsh {
                    at: s.span,
                    english: en.span,
                    field: b.field,
                    decl: b.decl(),
                    recorded: s.node.to_string(),
                    current: digest,
                });
            }
            WelshState::Stale
        }
        Some(_) => WelshState::Current,
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
    let b = s.as_bytes();
    let digit = |j: usize| b.get(j).is_some_and(u8::is_ascii_digit);
    let mut i = 0;
    while i < b.len() {
        // `[^3]` is a footnote label, not a number of the text. (An ASCII digit is always at a
        // character boundary, so the text can be cut there.)
        if digit(i) && !s[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '^') {
            let mut j = i;
            while digit(j) || (matches!(b.get(j), Some(b',' | b'.')) && digit(j + 1)) {
                j += 1;
            }
            // Ids such as `CU001` or labels like `2c` are not numbers of the text.
            if !s[j..].chars().next().is_some_and(char::is_alphabetic) {
                out.push(s[i..j].to_string());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
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
        assert_eq!(numbers("in 2014"), vec!["2014"]);
        assert_eq!(numbers("ŵ5 [^3] é 12, 1."), vec!["12", "1"]);
    }

    /// The first way `numbers` was written (over a vector of characters), as the reference.
    fn numbers_by_chars(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_digit() && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '^')) {
                let mut j = i;
                while j < chars.len()
                    && (chars[j].is_ascii_digit()
                        || ((chars[j] == ',' || chars[j] == '.') && chars.get(j + 1).is_some_and(|c| c.is_ascii_digit())))
                {
                    j += 1;
                }
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

    proptest::proptest! {
        #[test]
        fn numbers_by_bytes_are_numbers_by_characters(s in "[0-9,.^a-zŵé \\[\\]]{0,24}") {
            proptest::prop_assert_eq!(numbers(&s), numbers_by_chars(&s));
        }
    }
}
