//! The one list of diagnostic codes.
//!
//! `intentc explain`, `docs/codes.md` and every phase's error enum read their codes from here,
//! so the three cannot disagree. A code's first letter is its default severity: `E` an error,
//! `W` a warning. Codes are stable: a retired code is never reused.
//!
//! The explanation of each code (a wrong example, a right example and why) lives in
//! `docs/codes/<CODE>.md`; `build.rs` embeds those pages, and a test checks every code has one
//! whose examples really do (and do not) produce the code.

use super::Severity;

#[derive(Debug, PartialEq, Eq)]
pub struct Code {
    pub id: &'static str,
    /// A short kebab-case name, used as the SARIF rule name.
    pub name: &'static str,
    /// One line: what kind of mistake this is.
    pub title: &'static str,
}

impl Code {
    pub fn severity(&self) -> Severity {
        if self.id.starts_with('W') {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// The explain page, from `docs/codes/<CODE>.md`.
    pub fn explanation(&self) -> Option<&'static str> {
        EXPLANATIONS.iter().find(|(id, _)| *id == self.id).map(|(_, text)| *text)
    }
}

include!(concat!(env!("OUT_DIR"), "/explanations.rs"));

macro_rules! codes {
    ($($konst:ident $name:literal $title:literal;)*) => {
        $(pub static $konst: Code = Code { id: stringify!($konst), name: $name, title: $title };)*
        /// Every code, in order.
        pub static ALL: &[&Code] = &[$(&$konst),*];
    };
}

codes! {
    // Input: problems with a file as a whole.
    E0001 "invalid-encoding" "The file is not UTF-8 text";
    E0002 "file-too-large" "The file is larger than the compiler accepts";
    E0003 "line-too-long" "A line is longer than the compiler accepts";
    E0004 "nesting-too-deep" "Brackets or braces are nested too deeply";
    E0005 "too-complex" "A declaration is too complex to parse";
    W0006 "empty-file" "The file declares nothing";
    W0008 "too-many-diagnostics" "More mistakes were found than are listed";
    // Syntax.
    E0101 "unexpected-input" "The parser found something it did not expect";
    E0102 "unclosed-block" "A `{` has no matching `}`";
    E0103 "unclosed-text" "A text in quotes is not closed";
    E0104 "unknown-declaration" "Not a kind of declaration the language has";
    E0105 "unknown-field" "A field this kind of declaration does not have";
    E0106 "duplicate-field" "A field is given twice in one declaration";
    E0107 "missing-field" "A declaration lacks a field it needs";
    E0108 "invalid-value" "A field's value is not of the form the field takes";
    E0109 "exclusive-range" "A number range is written with `..` instead of `..=`";
    E0110 "unmatched-close" "A `}` closes nothing";
    E0111 "invalid-markup" "Prose markup is malformed";
    E0112 "invalid-language" "A text is tagged with a language other than `en` or `cy`";
    E0113 "derived-note" "A `note` rule is marked `derived`, but a note decides nothing";
    E0114 "tab-indentation" "A `\"\"\"` text is indented with a tab";
    E0115 "reversed-period" "A period ends before it starts";
    E0116 "no-english" "A text has Welsh but no English";
    E0117 "empty-text" "A title, name or term is empty";
    // Resolution of ids.
    E0201 "duplicate-id" "Two declarations have the same id";
    E0202 "unknown-reference" "A reference to an id that is not declared";
    E0203 "wrong-kind" "A reference to the wrong kind of thing";
    E0204 "document-count" "The project must declare exactly one document";
    E0205 "cycle" "Declarations refer to each other in a circle";
    E0206 "section-too-deep" "Sections are nested more deeply than a document's headings go";
    // Measures and targets.
    E0301 "unmeasured-intention" "A specific intention has no measure and no reason why";
    E0302 "measure-placeholder" "A measure's `{target}` placeholder is missing or misplaced";
    E0303 "missing-target" "An establishment has no target for a requirement that applies to it";
    E0304 "unexpected-target" "A target for a requirement that is unknown or does not apply";
    E0305 "target-out-of-range" "A target value is outside what its measure allows";
    E0306 "malformed-targets" "A targets file is not a valid targets file";
    E0307 "targets-not-found" "An establishment's targets file is not in the project";
    W0308 "vacuous-target" "A target that every value meets, or that none can";
    E0309 "measured-and-not" "A measure link and a reason why there is none, on one intention or requirement";
    W0310 "requirement-measures-nothing" "A requirement measures no intention, unlike nearly every other of its setting";
    // Bands.
    E0401 "band-overlap" "Two bands share values";
    E0402 "band-gap" "Values of the attribute fall in no band";
    E0403 "band-outside-domain" "A band reaches outside the attribute's values";
    E0404 "band-empty" "A band is empty or reversed";
    // Targeting rules.
    E0501 "rule-conflict" "An invest and an avoid rule can both apply to one offender";
    E0502 "condition-type" "A condition compares an attribute with the wrong type of value";
    E0503 "unknown-value" "A condition names a level or option the attribute does not have";
    W0504 "unreachable-rule" "No offender can reach this rule";
    E0505 "session-mismatch" "A rule's session class contradicts the service catalogue";
    E0506 "duplicate-rule" "Two rules have the same id";
    E0507 "unread-condition" "A rule's condition could not be read, so nothing is built";
    // Welsh.
    W0601 "missing-welsh" "A text has no Welsh";
    W0602 "stale-welsh" "The English changed after the Welsh was translated";
    W0603 "unstamped-welsh" "A Welsh text does not record the English it was made from";
    E0604 "language-mismatch" "Numbers or placeholders differ between the English and the Welsh";
    W0605 "termbase" "A termbase term is translated inconsistently";
    // Evaluating an offender against a bundle.
    E0701 "eval-type" "An offender's value is of the wrong type";
    E0702 "eval-unknown-attribute" "An offender is described by an attribute the bundle does not have";
    E0703 "eval-out-of-range" "An offender's value is outside the attribute's range";
    E0704 "bundle-version" "The bundle's format version is not one this reader understands";
    E0705 "bundle-integrity" "The bundle is incomplete, was changed after it was built, or cannot be read";
    // Jurisdiction, setting and sector.
    E0801 "partner-jurisdiction" "A partner does not work in a nation the intention applies to";
    E0802 "setting-mismatch" "A requirement measures an intention of another setting";
    E0803 "sector-mismatch" "A public-sector-only requirement in a private establishment's targets";
    // Building the policy.
    E0901 "unchecked" "Something the checks did not read reached the build, so nothing is built";
}

pub fn lookup(id: &str) -> Option<&'static Code> {
    ALL.iter().copied().find(|c| c.id.eq_ignore_ascii_case(id))
}

/// `docs/codes.md`: the index of every code. A test keeps the file equal to this.
pub fn markdown_index() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nEvery diagnostic intentc reports has one of these codes. `intentc explain CODE` prints the\ncode's page (`docs/codes/CODE.md`): a wrong example, a right one and why. A code's first\nletter is its default severity: `E` an error, `W` a warning (`--deny warnings` makes every\nwarning an error; `--strict`, and `build`, make the Welsh warnings errors).\n\nThis file is generated from `src/diagnostics/registry.rs`; `tests/docs.rs` checks it.\n\n| code | name | severity | what it means |\n| --- | --- | --- | --- |\n",
    );
    for c in ALL {
        out.push_str(&format!("| [{id}](codes/{id}.md) | `{}` | {} | {} |\n", c.name, c.severity().as_str(), c.title, id = c.id));
    }
    out
}
