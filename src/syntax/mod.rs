//! Phase 1, syntax: text → syntax tree.
//!
//! `parse_project` reads every `.intent` file of a project. For each file it checks the
//! input guards (encoding, size, line length), cuts the file at declarations
//! ([`split`]), parses each declaration with the pest grammar and lowers it to the typed
//! tree ([`lower`]). pest's pairs never leave `lower`.

pub mod ast;
pub mod fields;
mod lower;
pub mod prose;
mod split;
pub mod stamp;
pub mod text;

use crate::diagnostics::{registry as codes, Diagnostic, Label, Report};
use crate::source::{EncodingError, FileId, FileKind, Project, Span};

pub use split::MAX_DEPTH;

/// The largest file the parser reads.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// The longest line the parser reads, in bytes.
pub const MAX_LINE_BYTES: usize = 100_000;
/// Numbers are smaller than this either way (at most 15 digits before the point): far beyond
/// any real score, count or target, and small enough that whole-number arithmetic on them is
/// exact and cannot overflow.
pub const MAX_NUMBER: f64 = 1e15;
/// pest's budget of rule calls per declaration: a guard against exponential backtracking.
pub const MAX_PARSER_CALLS: usize = 5_000_000;

/// A declaration that was written but could not be read. The resolver still knows its id,
/// so one broken declaration does not also make every reference to it "unknown".
#[derive(Debug, Clone, PartialEq)]
pub struct Broken {
    pub kind: String,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFile {
    pub file: FileId,
    pub ast: ast::File,
    pub broken: Vec<Broken>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SyntaxError {
    NotUtf8 {
        at: Span,
    },
    Nul {
        at: Span,
    },
    TooLarge {
        at: Span,
        size: usize,
    },
    LineTooLong {
        at: Span,
        line: usize,
        length: usize,
    },
    TooDeep {
        at: Span,
        limit: usize,
    },
    TooComplex {
        at: Span,
        header: Option<(String, String)>,
    },
    Empty {
        at: Span,
    },
    Unexpected {
        at: Span,
        expected: Vec<&'static str>,
        found: String,
        context: Option<(String, String)>,
        hint: Option<String>,
    },
    UnclosedBlock {
        header: Option<(String, String)>,
        open: Span,
        at: Span,
        next: Option<(String, Span)>,
    },
    UnclosedText {
        open: Span,
        triple: bool,
    },
    UnknownDeclaration {
        at: Span,
        found: String,
        suggestion: Option<String>,
    },
    /// `kind` names the declaration (`section foreword`), `of` its kind (`section`).
    UnknownField {
        at: Span,
        field: String,
        kind: String,
        of: String,
        suggestion: Option<String>,
    },
    DuplicateField {
        at: Span,
        first: Span,
        field: String,
    },
    MissingField {
        at: Span,
        kind: String,
        id: String,
        field: &'static str,
        example: String,
    },
    InvalidValue {
        at: Span,
        field: String,
        expected: String,
        found: String,
    },
    ExclusiveRange {
        at: Span,
        from: String,
        to: String,
    },
    UnmatchedClose {
        at: Span,
    },
    InvalidMarkup {
        at: Span,
        problem: String,
        help: String,
    },
    MissingOpenBrace {
        at: Span,
        kind: String,
        id: String,
    },
    BadEscape {
        at: Span,
        found: char,
    },
    InvalidDate {
        at: Span,
        found: String,
    },
    NotHere {
        at: Span,
        what: String,
        kind: String,
    },
    RuleWithoutService {
        at: Span,
        verb: String,
        number: Option<u32>,
    },
    InvalidLanguage {
        at: Span,
        found: String,
        problem: String,
    },
    /// A tab in the indentation of a `"""` text; `text` is its opening quotes.
    TabIndentation {
        at: Span,
        text: Span,
    },
    ReversedPeriod {
        at: Span,
        from: ast::Date,
        to: ast::Date,
    },
    /// `derived` on a `note`: a note decides nothing, so nothing is derived.
    DerivedNote {
        at: Span,
        verb: Span,
    },
    /// A text with Welsh and no English (`title { cy "…" }`); `at` is the Welsh.
    NoEnglish {
        at: Span,
        field: String,
    },
    /// A title, name or term form that is empty (or only spaces) in one language.
    EmptyText {
        at: Span,
        field: String,
        lang: &'static str,
    },
}

fn context(header: &Option<(String, String)>) -> String {
    match header {
        Some((kind, id)) => format!("{kind} {id}"),
        None => "this declaration".to_string(),
    }
}

impl Report for SyntaxError {
    fn report(&self) -> Diagnostic {
        use SyntaxError::*;
        match self {
            NotUtf8 { at } => {
                Diagnostic::new(&codes::E0001, "this file is not UTF-8 text", Label::new(*at, "the first byte that is not UTF-8"))
                    .with_help("save the file as UTF-8 (Welsh letters such as ŵ and ŷ need it)")
            }
            Nul { at } => Diagnostic::new(&codes::E0001, "this file contains a NUL byte", Label::new(*at, "NUL byte here"))
                .with_help("remove the NUL byte; an .intent file is plain text"),
            TooLarge { at, size } => Diagnostic::new(
                &codes::E0002,
                format!("this file is {size} bytes; the limit is {MAX_FILE_BYTES}"),
                Label::new(*at, "file starts here"),
            )
            .with_help("split the file: a project may have any number of .intent files"),
            LineTooLong { at, line, length } => Diagnostic::new(
                &codes::E0003,
                format!("line {line} is {length} bytes long; the limit is {MAX_LINE_BYTES}"),
                Label::new(*at, "this line"),
            )
            .with_help("break the text into lines; inside \"\"\" texts, line breaks are free"),
            TooDeep { at, limit } => Diagnostic::new(
                &codes::E0004,
                format!("brackets are nested more than {limit} deep"),
                Label::new(*at, format!("level {} opens here", limit + 1)),
            )
            .with_help("no real declaration nests this deep; check for brackets that are opened but never closed"),
            TooComplex { at, header } => Diagnostic::new(
                &codes::E0005,
                format!("{} is too complex to parse", context(header)),
                Label::new(*at, "in this declaration"),
            )
            .with_help("split long conditions into several rules or scopes"),
            Empty { at } => Diagnostic::new(&codes::W0006, "this file declares nothing", Label::new(*at, "empty file"))
                .with_help("add declarations to the file or delete it"),
            Unexpected { at, expected, found, context: ctx, hint } => {
                let expected = join_or(expected);
                let place = ctx.as_ref().map(|c| format!(" (in {} {})", c.0, c.1)).unwrap_or_default();
                Diagnostic::new(
                    &codes::E0101,
                    format!("expected {expected}, found {found}{place}"),
                    Label::new(*at, format!("expected {expected}")),
                )
                .with_help(hint.clone().unwrap_or_else(|| {
                    "each entry stands on its own line, like `title { en \"…\" cy \"…\" }`; see docs/language.md".into()
                }))
            }
            UnclosedBlock { header, open, at, next } => {
                let d = Diagnostic::new(
                    &codes::E0102,
                    format!("expected `}}` to close {}", context(header)),
                    Label::new(
                        *at,
                        match next {
                            Some(_) => "the declaration should be closed by here",
                            None => "the file ends here",
                        },
                    ),
                )
                .with_label(*open, "opened here");
                let d = match next {
                    Some((kind, span)) => d.with_label(*span, format!("a new {kind} starts here")),
                    None => d,
                };
                d.with_help("add the missing `}`; check that every `{` inside the declaration has its `}`")
            }
            UnclosedText { open, triple } => {
                if *triple {
                    Diagnostic::new(
                        &codes::E0103,
                        "this text is never closed",
                        Label::new(*open, "the text opens here and runs to the end of the file"),
                    )
                    .with_help("end the text with `\"\"\"`")
                } else {
                    Diagnostic::new(&codes::E0103, "this text is not closed on its line", Label::new(*open, "the text opens here"))
                        .with_help("end the text with `\"` on the same line, or use `\"\"\"` for a text of several lines")
                }
            }
            UnknownDeclaration { at, found, suggestion } => {
                Diagnostic::new(&codes::E0104, format!("`{found}` is not a kind of declaration"), Label::new(*at, "unknown kind"))
                    .with_help(match suggestion {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("a declaration is one of: {}", ast::DECLARATION_KINDS.join(", ")),
                    })
            }
            UnknownField { at, field, kind, of, suggestion } => {
                Diagnostic::new(&codes::E0105, format!("{kind} has no field `{field}`"), Label::new(*at, "unknown field")).with_help(
                    match suggestion {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("the fields of {} are listed under `{of}` in docs/language.md", with_article(of)),
                    },
                )
            }
            DuplicateField { at, first, field } => {
                Diagnostic::new(&codes::E0106, format!("`{field}` is given twice"), Label::new(*at, "given again here"))
                    .with_label(*first, "first given here")
                    .with_help("keep one of the two")
            }
            MissingField { at, kind, id, field, example } => Diagnostic::new(
                &codes::E0107,
                format!("{kind} {id} has no `{field}`"),
                Label::new(*at, format!("`{field}` is needed here")),
            )
            .with_help(format!("add a line like `{example}`")),
            InvalidValue { at, field, expected, found } => Diagnostic::new(
                &codes::E0108,
                format!("`{field}` needs {expected}; found {found}"),
                Label::new(*at, "not a value this field takes"),
            )
            .with_help(format!("see `{field}` in docs/language.md for the values it takes")),
            BadEscape { at, found } => {
                Diagnostic::new(&codes::E0108, format!("`\\{found}` is not an escape in a text"), Label::new(*at, "unknown escape"))
                    .with_help("only `\\\"` and `\\\\` are escapes; for a line break, write the text between `\"\"\"` quotes")
            }
            InvalidDate { at, found } => {
                Diagnostic::new(&codes::E0108, format!("`{found}` is not a real date"), Label::new(*at, "no such day"))
                    .with_help("write dates as YYYY-MM-DD, like `2014-04-01`")
            }
            NotHere { at, what, kind } => Diagnostic::new(
                &codes::E0108,
                format!("{} cannot contain {what}", with_article(kind)),
                Label::new(*at, format!("{what} here")),
            )
            .with_help("rules, scopes and conditions belong in a `targeting` declaration"),
            RuleWithoutService { at, verb, number } => Diagnostic::new(
                &codes::E0107,
                format!("this `{verb}` rule does not say which service it is about"),
                Label::new(*at, "which service?"),
            )
            .with_help(format!(
                "name the service after the verb and number, like `{verb} {} light_touch_case_management`",
                number.unwrap_or(1)
            )),
            MissingOpenBrace { at, kind, id } => Diagnostic::new(
                &codes::E0101,
                format!("expected `{{` after {kind} {id}"),
                Label::new(*at, "the declaration's `{` belongs here"),
            )
            .with_help(format!("write `{kind} {id} {{` on one line, and close the declaration with `}}`")),
            ExclusiveRange { at, from, to } => Diagnostic::new(
                &codes::E0109,
                format!("`{from} .. {to}` does not say whether {to} is included"),
                Label::new(*at, "ambiguous range"),
            )
            .with_help(format!("write `{from} ..= {to}`: both ends are included")),
            UnmatchedClose { at } => Diagnostic::new(&codes::E0110, "this `}` closes nothing", Label::new(*at, "no `{` is open here"))
                .with_help("remove it, or add the `{` it was meant to close"),
            InvalidMarkup { at, problem, help } => {
                Diagnostic::new(&codes::E0111, problem.clone(), Label::new(*at, "here")).with_help(help.clone())
            }
            TabIndentation { at, text } => Diagnostic::new(
                &codes::E0114,
                "a tab in the indentation of a text: how far it indents depends on the editor, so lists could nest other than they look",
                Label::new(*at, "tab"),
            )
            .with_label(*text, "the text starts here")
            .with_help("indent with spaces only; a nested list item is indented two spaces more than its parent"),
            ReversedPeriod { at, from, to } => Diagnostic::new(
                &codes::E0115,
                format!("the period ends on {} before it starts on {}", date(to), date(from)),
                Label::new(*at, "ends before it starts"),
            )
            .with_help(format!("write the first day first: `period {} .. {}`", date(to), date(from))),
            InvalidLanguage { at, found, problem } => {
                Diagnostic::new(&codes::E0112, problem.clone(), Label::new(*at, format!("`{found}`")))
                    .with_help("a text block holds `en \"…\"` and `cy \"…\"`, each once")
            }
            DerivedNote { at, verb } => Diagnostic::new(
                &codes::E0113,
                "a `note` cannot be `derived`: a note decides nothing",
                Label::new(*at, "the reason for a decision this rule does not make"),
            )
            .with_label(*verb, "this rule is a note")
            .with_help("if the guidance implies a decision, write `invest` or `avoid` with `derived`; otherwise remove `derived`"),
            NoEnglish { at, field } => Diagnostic::new(
                &codes::E0116,
                format!("this {field} has Welsh but no English: the English is the text every edition is made from"),
                Label::new(*at, "Welsh with no English beside it"),
            )
            .with_help(format!("write the English first: `{field} {{ en \"…\" cy \"…\" }}`")),
            EmptyText { at, field, lang } => {
                if field == "term" {
                    Diagnostic::new(
                        &codes::E0117,
                        format!("{} {lang} form of this term is empty", if *lang == "English" { "an" } else { "a" }),
                        Label::new(*at, "empty form"),
                    )
                    .with_help("write the word or phrase; an empty form matches nothing, so the term would never be checked")
                } else {
                    Diagnostic::new(&codes::E0117, format!("the {lang} {field} is empty"), Label::new(*at, "empty text"))
                        .with_help(format!("write the {lang} {field}; an empty one is published as a blank heading or name"))
                }
            }
        }
    }
}

fn date(d: &ast::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// "a section", "an intention".
pub fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {noun}")
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}

/// Parses one file. `.yaml` files are not parsed here: they are targets, read by the checker.
pub fn parse_file(project: &Project, id: FileId) -> (ParsedFile, Vec<SyntaxError>) {
    let file = project.file(id);
    let mut parsed = ParsedFile { file: id, ast: ast::File::default(), broken: Vec::new() };
    let mut errors = Vec::new();
    let at = |s: usize, e: usize| Span::new(id, s, e);
    match file.encoding_error {
        Some(EncodingError::NotUtf8 { offset }) => {
            // The text is a lossy copy; find where the bad byte landed in it.
            let lossy = file.text.find('\u{FFFD}').unwrap_or(offset.min(file.text.len()));
            errors.push(SyntaxError::NotUtf8 { at: at(lossy, lossy + '\u{FFFD}'.len_utf8().min(file.text.len() - lossy)) });
            return (parsed, errors);
        }
        Some(EncodingError::Nul { offset }) => {
            errors.push(SyntaxError::Nul { at: at(offset, offset + 1) });
            return (parsed, errors);
        }
        None => {}
    }
    let text: &str = &file.text;
    if text.len() > MAX_FILE_BYTES {
        errors.push(SyntaxError::TooLarge { at: at(0, 0), size: text.len() });
        return (parsed, errors);
    }
    let mut start = 0;
    for (n, line) in text.split('\n').enumerate() {
        if line.len() > MAX_LINE_BYTES {
            errors.push(SyntaxError::LineTooLong { at: at(start, start + 1), line: n + 1, length: line.len() });
        }
        start += line.len() + 1;
    }
    if !errors.is_empty() {
        return (parsed, errors);
    }
    let (chunks, split_errors) = split::split(id, text);
    errors.extend(split_errors);
    if chunks.is_empty() && errors.is_empty() {
        errors.push(SyntaxError::Empty { at: at(0, 0) });
    }
    for chunk in chunks {
        if chunk.failed {
            if let Some((kind, id)) = &chunk.header {
                parsed.broken.push(Broken { kind: kind.clone(), id: id.clone() });
            }
            continue;
        }
        match lower::declaration(id, &file.text, &chunk, &mut errors) {
            Some(decl) => parsed.ast.declarations.push(decl),
            None => {
                if let Some((kind, id)) = &chunk.header {
                    parsed.broken.push(Broken { kind: kind.clone(), id: id.clone() });
                }
            }
        }
    }
    // Kept for the whole run: no spare room.
    parsed.ast.declarations.shrink_to_fit();
    (parsed, errors)
}

/// The bare pest parse of a text (split into declarations, no syntax tree built), for the
/// benchmark that separates the grammar's cost from the rest. Returns the pairs produced.
pub fn pest_parse_only(text: &str) -> usize {
    let (chunks, _) = split::split(FileId(0), text);
    chunks.iter().filter(|c| !c.failed).filter_map(|c| lower::pest_only(text, c)).sum()
}

/// Parses every `.intent` file of the project.
///
/// Files are parsed in parallel (rayon); the results keep the project's order, so the output
/// does not depend on which thread parsed what.
pub fn parse_project(project: &Project) -> (Vec<ParsedFile>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let intent: Vec<FileId> = project.files.iter().filter(|f| f.kind == FileKind::Intent).map(|f| f.id).collect();
    let parsed: Vec<(ParsedFile, Vec<Diagnostic>)> = intent
        .into_par_iter()
        .map(|id| {
            let (parsed, errors) = parse_file(project, id);
            (parsed, errors.iter().map(Report::report).collect())
        })
        .collect();
    let mut files = Vec::with_capacity(parsed.len());
    let mut diagnostics = Vec::new();
    for (file, errors) in parsed {
        files.push(file);
        diagnostics.extend(errors);
    }
    (files, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The splitter caps nesting at [`MAX_DEPTH`] before pest runs, and that cap is the only
    /// stack guard pest has here (pest 2.8 does not probe the stack on every rule, which costs
    /// about a third of a parse). So input nested right up to the cap must parse on a thread
    /// with the default 2 MiB stack (what worker threads get), in a debug build too.
    #[test]
    fn nesting_at_the_depth_limit_parses_on_a_small_stack() {
        let parens = MAX_DEPTH - 1;
        let condition = format!(
            "targeting t {{\n  title {{ en \"t\" cy \"t\" }}\n  when {}ogrs3 > 1{} {{ note 1 }}\n}}\n",
            "(".repeat(parens),
            ")".repeat(parens)
        );
        let scopes = format!(
            "targeting u {{\n  title {{ en \"t\" cy \"t\" }}\n{}  note 1\n{}}}\n",
            "  when ogrs3 > 1 {\n".repeat(MAX_DEPTH - 1),
            "  }\n".repeat(MAX_DEPTH - 1)
        );
        for text in [condition, scopes] {
            let outcome = std::thread::Builder::new()
                .stack_size(2 * 1024 * 1024)
                .spawn(move || {
                    let mut project = Project::new();
                    project.add_str("deep.intent", &text).unwrap();
                    let (files, diagnostics) = parse_project(&project);
                    (files[0].ast.declarations.len(), diagnostics.iter().map(|d| d.code.id).collect::<Vec<_>>())
                })
                .unwrap()
                .join()
                .expect("the parse fits in 2 MiB of stack");
            assert_eq!(outcome, (1, vec![]));
        }
    }
}
