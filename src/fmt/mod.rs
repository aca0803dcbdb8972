//! `intentc fmt`: the canonical layout of `.intent` files.
//!
//! The formatter moves white space and nothing else (see [`layout`] for the rules). It is
//! built so that it cannot change what a file means:
//!
//! - it formats only files that parse with no syntax error; others are left as they are;
//! - it never changes a text's value (so Welsh stamps stay valid), a comment, or a stamp;
//! - it re-parses its own output with the real parser and compares the syntax tree (every
//!   id, number, text and stamp, positions aside) and the comments with the input's. If
//!   anything differs, the file is left as it is and the caller is told ([`Error::Unsafe`]).

mod layout;
pub mod lex;

pub use layout::WIDTH;

use crate::diagnostics::{Diagnostic, Report, Severity};
use crate::source::{FileId, FileTooLarge, Project};
use crate::syntax;

#[derive(Debug)]
pub enum Error {
    /// The file has syntax errors: it is not formatted. The diagnostics point into the
    /// project the file was read from.
    Syntax(Vec<Diagnostic>),
    /// The layout would have changed what the file says. A bug in the formatter; the file
    /// is not formatted.
    Unsafe,
    /// The text is longer than a source file may be.
    TooLarge(FileTooLarge),
}

/// The file in canonical layout (the same text when it already is).
pub fn format_file(project: &Project, id: FileId) -> Result<String, Error> {
    let (parsed, errors) = syntax::parse_file(project, id);
    let diagnostics: Vec<Diagnostic> = errors.iter().map(Report::report).collect();
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Error::Syntax(diagnostics));
    }
    let source = &project.file(id).text;
    let formatted = layout::format(source);
    if formatted == **source {
        return Ok(formatted);
    }
    let mut after = Project::new();
    let path = project.file(id).path.clone();
    let new_id = after.add_str(path, &formatted).map_err(Error::TooLarge)?;
    let (reparsed, new_errors) = syntax::parse_file(&after, new_id);
    let same = new_errors.len() == errors.len() && shape_of(&reparsed) == shape_of(&parsed) && comments(&formatted) == comments(source);
    if same {
        Ok(formatted)
    } else {
        Err(Error::Unsafe)
    }
}

/// [`format_file`] for a text on its own.
pub fn format_str(text: &str) -> Result<String, Error> {
    let mut project = Project::new();
    let id = project.add_str("input.intent", text).map_err(Error::TooLarge)?;
    format_file(&project, id)
}

/// What a parsed file says, with every position taken out: the syntax tree's debug form,
/// without its spans (a text shows its value, not where it is kept: see `ast::LangText`).
fn shape_of(parsed: &syntax::ParsedFile) -> String {
    let full = format!("{:?}\n{:?}", parsed.ast, parsed.broken);
    let mut out = String::with_capacity(full.len());
    let mut rest = full.as_str();
    while let Some(at) = rest.find("Span { file: FileId(") {
        out.push_str(&rest[..at]);
        out.push('_');
        rest = match rest[at..].find('}') {
            Some(n) => &rest[at + n + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// The comments of a text, in order.
fn comments(text: &str) -> Vec<&str> {
    lex::lines(text).into_iter().flatten().filter(|t| t.is(lex::Kind::Comment)).map(|t| t.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        match format_str(s) {
            Ok(t) => t,
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn positions_do_not_count_as_meaning() {
        let a = "theme t { title { en \"T\" cy \"U\" } }\n";
        let b = "theme  t {\n  title { en \"T\"  cy \"U\" }\n}\n";
        let mut p = Project::new();
        let (ia, ib) = (p.add_str("a.intent", a).unwrap(), p.add_str("b.intent", b).unwrap());
        assert_eq!(shape_of(&syntax::parse_file(&p, ia).0), shape_of(&syntax::parse_file(&p, ib).0));
        assert!(!shape_of(&syntax::parse_file(&p, ia).0).contains("start:"));
    }

    #[test]
    fn a_changed_text_counts_as_meaning() {
        let mut p = Project::new();
        let a = p.add_str("a.intent", "theme t { title { en \"T\" cy \"U\" } }\n").unwrap();
        let b = p.add_str("b.intent", "theme t { title { en \"T \" cy \"U\" } }\n").unwrap();
        assert_ne!(shape_of(&syntax::parse_file(&p, a).0), shape_of(&syntax::parse_file(&p, b).0));
    }

    #[test]
    fn syntax_errors_leave_the_file_alone() {
        assert!(matches!(format_str("theme t {\n  title { en \"T\"\n"), Err(Error::Syntax(_))));
    }

    #[test]
    fn layout_basics() {
        let src = "theme t {title{en \"T\"   cy \"U\"}}\ntheme u { title { en \"T\" cy \"U\" } }";
        assert_eq!(fmt(src), "theme t { title { en \"T\" cy \"U\" } }\n\ntheme u { title { en \"T\" cy \"U\" } }\n");
    }
}
