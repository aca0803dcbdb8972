//! Diagnostics: what every phase reports, in one shape.
//!
//! Each phase keeps its own error enum carrying the facts of a mistake (the ids, the spans,
//! the values involved). Those enums turn into a [`Diagnostic`] through [`Report`], and only a
//! `Diagnostic` is rendered, so all phases look alike to authors: a stable code, a message, a
//! primary label, secondary labels on related places and one line of help.

pub mod registry;
pub mod render;

pub use registry::Code;

use crate::source::{Project, Span};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Label {
        Label { span, message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: &'static Code, message: impl Into<String>, primary: Label) -> Diagnostic {
        Diagnostic { code, severity: code.severity(), message: message.into(), primary, secondary: Vec::new(), help: None }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label::new(span, message));
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Turns a phase's error into a diagnostic.
pub trait Report {
    fn report(&self) -> Diagnostic;
}

/// The closest candidate for a "did you mean" help, if close enough to be what was meant. Case differences count
/// little: `cu001` is surely `CU001`.
pub fn suggest(word: &str, candidates: &[&str]) -> Option<String> {
    let mut sorted: Vec<&str> = candidates.to_vec();
    sorted.sort();
    sorted
        .iter()
        .map(|c| {
            let d = if c.eq_ignore_ascii_case(word) { 0 } else { strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()) };
            (d, *c)
        })
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min()
        .map(|(_, c)| c.to_string())
}

/// How warnings are treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Policy {
    /// `--strict`: a missing or stale Welsh text is an error.
    pub strict_welsh: bool,
    /// `--deny warnings`: every warning is an error.
    pub deny_warnings: bool,
}

impl Policy {
    pub fn apply(&self, d: &mut Diagnostic) {
        if self.promotes(d) {
            d.severity = Severity::Error;
        }
    }

    /// Whether `d` is an error under this policy.
    pub fn is_error(&self, d: &Diagnostic) -> bool {
        d.is_error() || self.promotes(d)
    }

    fn promotes(&self, d: &Diagnostic) -> bool {
        self.deny_warnings || (self.strict_welsh && d.code.id.starts_with("W06"))
    }
}

/// Everything a run reported, errors and warnings together.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn codes(&self) -> Vec<&'static str> {
        self.items.iter().map(|d| d.code.id).collect()
    }

    /// Sorts by file, then position, then code, and drops exact repeats, so the output order
    /// never depends on the order the checks ran in. Then keeps at most [`MAX_SHOWN`] (see
    /// [`Diagnostics::cap`]).
    pub fn finish(&mut self, project: &Project, policy: Policy) {
        for d in &mut self.items {
            policy.apply(d);
        }
        self.items.sort_by(|a, b| {
            let pa = &project.file(a.primary.span.file).path;
            let pb = &project.file(b.primary.span.file).path;
            (pa, a.primary.span.start, a.code.id, &a.message).cmp(&(pb, b.primary.span.start, b.code.id, &b.message))
        });
        self.items.dedup();
        self.cap(MAX_SHOWN);
    }

    /// Keeps the first `max` diagnostics, errors before warnings (each in source order), and
    /// adds one W0008 saying how many more there are and where the first of them is. A
    /// hundred thousand broken lines then give a short answer in a moment, and the first
    /// mistakes, which often explain the rest, stay at the top.
    pub fn cap(&mut self, max: usize) {
        if self.items.len() <= max {
            return;
        }
        let errors = self.error_count();
        let keep_errors = errors.min(max);
        let keep_warnings = max - keep_errors;
        let (mut shown_errors, mut shown_warnings) = (0, 0);
        let mut first_hidden: Option<Span> = None;
        let items = std::mem::take(&mut self.items);
        let total = items.len();
        for d in items {
            let keep = if d.is_error() {
                shown_errors += 1;
                shown_errors <= keep_errors
            } else {
                shown_warnings += 1;
                shown_warnings <= keep_warnings
            };
            if keep {
                self.items.push(d);
            } else if first_hidden.is_none() {
                first_hidden = Some(d.primary.span);
            }
        }
        let hidden_errors = errors - keep_errors;
        let hidden_warnings = total - errors - keep_warnings;
        let count = |n: usize, word: &str| format!("{} more {word}{}", thousands(n), if n == 1 { "" } else { "s" });
        let hidden = match (hidden_errors, hidden_warnings) {
            (0, w) => count(w, "warning"),
            (e, 0) => count(e, "error"),
            (e, w) => format!("{} and {}", count(e, "error"), count(w, "warning")),
        };
        let Some(at) = first_hidden else { return };
        let is = if hidden_errors + hidden_warnings == 1 { "is" } else { "are" };
        self.items.push(
            Diagnostic::new(
                &registry::W0008,
                format!("{hidden} {is} not shown: only the first {max} are listed"),
                Label::new(at, "the first one not shown"),
            )
            .with_help("fix the mistakes listed, which often cause the rest, and check again"),
        );
    }
}

/// How many diagnostics one run lists at most; the rest are counted in one W0008.
pub const MAX_SHOWN: usize = 500;

/// 99500 → "99,500".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
