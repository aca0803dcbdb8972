//! Rendering diagnostics for people (miette), editors (one line each, by codespan-reporting)
//! and machines (JSON, SARIF 2.1.0, GitHub workflow commands).

use super::{registry, Diagnostic, Severity};
use crate::source::{Project, Span};
use serde_json::{json, Value};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Labelled snippets, for people.
    Human,
    /// `path:line:col: error[CODE]: message`, one line each, for editors' problem matchers.
    Short,
    /// One JSON document with every diagnostic.
    Json,
    /// SARIF 2.1.0, for code-scanning annotations.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

/// Renders every diagnostic in the chosen format. `color` applies to `human` only.
pub fn render(project: &Project, diagnostics: &[Diagnostic], format: Format, color: bool) -> String {
    match format {
        Format::Human => human(project, diagnostics, color),
        Format::Short => short(project, diagnostics),
        Format::Json => serde_json::to_string_pretty(&json_report(project, diagnostics)).unwrap() + "\n",
        Format::Sarif => serde_json::to_string_pretty(&sarif(project, diagnostics)).unwrap() + "\n",
        Format::Github => github(project, diagnostics),
    }
}

/// The closing line of a human report: "2 errors, 1 warning".
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

// ------------------------------------------------------------------ human (miette)

/// A diagnostic as miette sees it: labels in the primary file are drawn on its snippet;
/// labels in other files become related reports with their own snippets.
struct MietteView {
    /// `None` for a note about a related place in another file.
    code: Option<&'static str>,
    severity: Option<Severity>,
    message: String,
    help: Option<String>,
    source: miette::NamedSource<String>,
    labels: Vec<miette::LabeledSpan>,
    related: Vec<MietteView>,
}

impl fmt::Debug for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl fmt::Display for MietteView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for MietteView {}

impl miette::Diagnostic for MietteView {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code.map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Some(Severity::Error) => miette::Severity::Error,
            Some(Severity::Warning) => miette::Severity::Warning,
            None => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
        }
    }
}

fn miette_span(project: &Project, span: Span) -> miette::SourceSpan {
    let len = project.file(span.file).text.len();
    let start = span.start.min(len);
    (start, span.end.min(len).saturating_sub(start)).into()
}

fn view(project: &Project, d: &Diagnostic) -> MietteView {
    let file = project.file(d.primary.span.file);
    let mut labels =
        vec![miette::LabeledSpan::new_primary_with_span(Some(d.primary.message.clone()), miette_span(project, d.primary.span))];
    let mut related = Vec::new();
    for l in &d.secondary {
        if l.span.file == d.primary.span.file {
            labels.push(miette::LabeledSpan::new_with_span(Some(l.message.clone()), miette_span(project, l.span)));
        } else {
            let other = project.file(l.span.file);
            related.push(MietteView {
                code: None,
                severity: None,
                message: format!("note: {}", l.message),
                help: None,
                source: miette::NamedSource::new(other.path.clone(), other.text.clone()),
                labels: vec![miette::LabeledSpan::new_primary_with_span(Some(l.message.clone()), miette_span(project, l.span))],
                related: Vec::new(),
            });
        }
    }
    MietteView {
        code: Some(d.code.id),
        severity: Some(d.severity),
        message: d.message.clone(),
        help: d.help.clone(),
        source: miette::NamedSource::new(file.path.clone(), file.text.clone()),
        labels,
        related,
    }
}

fn human(project: &Project, diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100).with_context_lines(1);
    let mut out = String::new();
    for d in diagnostics {
        // Rendering into a String cannot fail for lack of space; a failure here would be a
        // bug in the view, and the short form is a better fallback than nothing.
        if handler.render_report(&mut out, &view(project, d)).is_err() {
            out.push_str(&short(project, std::slice::from_ref(d)));
        }
        out.push('\n');
    }
    out
}

// ------------------------------------------------------------------ short (codespan)

fn short(project: &Project, diagnostics: &[Diagnostic]) -> String {
    use codespan_reporting::diagnostic as cs;
    use codespan_reporting::term;
    let mut files = codespan_reporting::files::SimpleFiles::new();
    for f in &project.files {
        files.add(f.path.as_str(), f.text.as_str());
    }
    let config = term::Config { display_style: term::DisplayStyle::Short, ..Default::default() };
    let mut out = term::termcolor::NoColor::new(Vec::new());
    for d in diagnostics {
        let severity = match d.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let s = d.primary.span;
        let diagnostic = cs::Diagnostic::new(severity)
            .with_code(d.code.id)
            .with_message(&d.message)
            .with_labels(vec![cs::Label::primary(s.file.0 as usize, s.start..s.end)]);
        if term::emit(&mut out, &config, &files, &diagnostic).is_err() {
            let loc = project.location(s);
            out.get_mut().extend(format!("{loc}: {}[{}]: {}\n", d.severity.as_str(), d.code.id, d.message).bytes());
        }
    }
    String::from_utf8_lossy(&out.into_inner()).into_owned()
}

// ------------------------------------------------------------------ JSON

fn position(project: &Project, span: Span) -> Value {
    let start = project.location(span);
    let (end_line, end_column) = project.file(span.file).line_col(span.end);
    json!({
        "path": start.path,
        "line": start.line,
        "column": start.column,
        "end_line": end_line,
        "end_column": end_column,
        "span": { "start": span.start, "end": span.end },
    })
}

fn json_report(project: &Project, diagnostics: &[Diagnostic]) -> Value {
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut v = position(project, d.primary.span);
            let o = v.as_object_mut().unwrap();
            o.insert("code".into(), json!(d.code.id));
            o.insert("severity".into(), json!(d.severity.as_str()));
            o.insert("message".into(), json!(d.message));
            o.insert("label".into(), json!(d.primary.message));
            o.insert("help".into(), json!(d.help));
            let related: Vec<Value> = d
                .secondary
                .iter()
                .map(|l| {
                    let mut p = position(project, l.span);
                    p.as_object_mut().unwrap().insert("message".into(), json!(l.message));
                    p
                })
                .collect();
            o.insert("related".into(), json!(related));
            v
        })
        .collect();
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    json!({ "diagnostics": items, "errors": errors, "warnings": diagnostics.len() - errors })
}

// ------------------------------------------------------------------ SARIF 2.1.0

fn sarif_location(project: &Project, span: Span, message: Option<&str>) -> Value {
    let p = position(project, span);
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": p["path"] },
            "region": {
                "startLine": p["line"], "startColumn": p["column"],
                "endLine": p["end_line"], "endColumn": p["end_column"],
            }
        }
    });
    if let Some(m) = message {
        loc["message"] = json!({ "text": m });
    }
    loc
}

fn sarif(project: &Project, diagnostics: &[Diagnostic]) -> Value {
    let rules: Vec<Value> = registry::ALL
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "shortDescription": { "text": c.title },
                "helpUri": format!("docs/codes/{}.md", c.id),
                "defaultConfiguration": { "level": sarif_level(c.severity()) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let index = registry::ALL.iter().position(|c| c.id == d.code.id).unwrap_or(0);
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            json!({
                "ruleId": d.code.id,
                "ruleIndex": index,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [sarif_location(project, d.primary.span, Some(&d.primary.message))],
                "relatedLocations": d.secondary.iter().enumerate().map(|(i, l)| {
                    let mut loc = sarif_location(project, l.span, Some(&l.message));
                    loc["id"] = json!(i);
                    loc
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "intentc",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    })
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

// ------------------------------------------------------------------ GitHub

fn github(project: &Project, diagnostics: &[Diagnostic]) -> String {
    // Workflow commands escape %, CR and LF in data, and also `:` and `,` in properties.
    fn data(s: &str) -> String {
        s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in diagnostics {
        let start = project.location(d.primary.span);
        let (end_line, end_column) = project.file(d.primary.span.file).line_col(d.primary.span.end);
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            if d.is_error() { "error" } else { "warning" },
            property(&start.path),
            start.line,
            start.column,
            end_line,
            end_column,
            property(&format!("{} {}", d.code.id, d.code.title)),
            data(&message)
        ));
    }
    out
}
