//! Rendering diagnostics for people (miette), editors (one line each)
//! and machines (JSON, SARIF 2.1.0, GitHub workflow commands).

use super::{registry, Diagnostic, Severity};
use crate::source::{Project, SourceFile, Span};
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
        Format::Json => escape_json(serde_json::to_string_pretty(&json_report(project, diagnostics)).unwrap_or_default()) + "\n",
        Format::Sarif => escape_json(serde_json::to_string_pretty(&sarif(project, diagnostics)).unwrap_or_default()) + "\n",
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

// ------------------------------------------------------------------ safe text

/// Characters that must never reach a terminal as they are: control characters other than tab
/// and line feed (an escape sequence can recolour, move the cursor or retitle a terminal), and
/// the bidirectional overrides and isolates, which make text read differently from what it is.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text from the sources made safe to print: unsafe characters written as `\u{1b}`, and line
/// breaks as `\n` where the text must stay on one line.
pub fn escape(s: &str, one_line: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' if one_line => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' if one_line => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// JSON text with the characters serde_json leaves raw (DEL, C1 controls, bidirectional
/// controls) written as `\uXXXX` escapes: still the same JSON value.
fn escape_json(text: String) -> String {
    if !text.chars().any(is_unsafe) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

// ------------------------------------------------------------------ human (miette)

/// A line longer than this (in bytes) is shown cut to windows around the labels on it.
/// miette draws a label's underline with a format width, which cannot exceed 65,535
/// columns; and a snippet thousands of columns wide helps nobody.
const LONG_LINE: usize = 400;
/// Characters kept on each side of a label's start or end on a long line.
const WINDOW: usize = 60;

/// The part of a file miette is given for one diagnostic: the lines around its labels, long
/// lines cut to windows around the labels (`…` marks a cut), unsafe characters replaced by
/// `�`. Line numbers and the `path:line:column` header are those of the real file.
struct Excerpt<'p> {
    file: &'p SourceFile,
    name: String,
    text: String,
    /// The file's 0-based line that is the excerpt's first line.
    first_line: usize,
    /// (excerpt offset, file offset) pairs at every character kept; both increase.
    map: Vec<(usize, usize)>,
}

impl<'p> Excerpt<'p> {
    fn new(file: &'p SourceFile, spans: &[(usize, usize)]) -> Excerpt<'p> {
        let len = file.text.len();
        let points: Vec<usize> = spans.iter().flat_map(|&(a, b)| [a.min(len), b.min(len)]).collect();
        let point_lines: Vec<usize> = points.iter().map(|&p| file.line_index(p)).collect();
        let last_line = file.line_count().saturating_sub(1);
        let first = point_lines.iter().min().copied().unwrap_or(0).saturating_sub(1);
        let last = (point_lines.iter().max().copied().unwrap_or(0) + 1).min(last_line);
        // Every line from the first label's line to the last is kept (miette draws the lines
        // between two labels when their snippets meet), with the line numbers of the file.
        let mut text = String::new();
        let mut map = Vec::new();
        for line in first..=last {
            let range = file.line_range(line);
            let body = &file.text[range.clone()];
            let segments = if body.len() <= LONG_LINE {
                vec![(0, body.len())]
            } else {
                let mut here: Vec<usize> =
                    points.iter().filter(|&&p| p >= range.start && p <= range.end).map(|&p| p - range.start).collect();
                if here.is_empty() {
                    here.push(0);
                }
                windows(body, &here)
            };
            for (a, b) in segments {
                if a > 0 {
                    map.push((text.len(), range.start + a));
                    text.push('…');
                }
                for (i, c) in body[a..b].char_indices() {
                    map.push((text.len(), range.start + a + i));
                    text.push(if is_unsafe(c) { '\u{FFFD}' } else { c });
                }
                map.push((text.len(), range.start + b));
                if b < body.len() {
                    text.push('…');
                }
            }
            // The line break after the last line too, where the file has one: miette shows a
            // context line only when it sees the line end.
            if line < last_line {
                text.push('\n');
            }
        }
        Excerpt { file, name: escape(&file.display, true), text, first_line: first, map }
    }

    /// Where a file offset is in the excerpt.
    fn to_excerpt(&self, offset: usize) -> usize {
        let i = self.map.partition_point(|&(_, f)| f <= offset);
        self.map.get(i.saturating_sub(1)).map(|&(e, _)| e).unwrap_or(0)
    }

    /// Where an excerpt offset is in the file.
    fn to_file(&self, offset: usize) -> usize {
        let i = self.map.partition_point(|&(e, _)| e <= offset);
        self.map.get(i.saturating_sub(1)).map(|&(_, f)| f).unwrap_or(0)
    }

    fn span(&self, span: Span) -> miette::SourceSpan {
        let start = self.to_excerpt(span.start());
        let end = self.to_excerpt(span.end().max(span.start())).max(start);
        (start, end - start).into()
    }
}

/// The byte ranges of a long line to show: `WINDOW` characters either side of each point,
/// merged where they meet.
fn windows(line: &str, points: &[usize]) -> Vec<(usize, usize)> {
    let back = |p: usize| line[..p].char_indices().rev().nth(WINDOW - 1).map(|(i, _)| i).unwrap_or(0);
    let ahead = |p: usize| line[p..].char_indices().nth(WINDOW).map(|(i, _)| p + i).unwrap_or(line.len());
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut sorted: Vec<usize> = points.iter().map(|&p| floor_char(line, p)).collect();
    sorted.sort_unstable();
    for p in sorted {
        let (a, b) = (back(p), ahead(p));
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl miette::SourceCode for Excerpt<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // The header's column is the real file's, not the cut line's.
        let (_, column) = self.file.line_col(self.to_file(inner.span().offset()));
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column - 1,
            // miette counts the lines from the start of the text here (and compares that
            // with line numbers to merge snippets), so the excerpt's count is shifted too.
            inner.line_count() + self.first_line,
        )))
    }
}

/// A diagnostic as miette sees it: labels in the primary file are drawn on its snippet;
/// labels in other files become related reports with their own snippets.
struct MietteView<'p> {
    /// `None` for a note about a related place in another file.
    code: Option<&'static str>,
    severity: Option<Severity>,
    message: String,
    help: Option<String>,
    source: Excerpt<'p>,
    labels: Vec<miette::LabeledSpan>,
    related: Vec<MietteView<'p>>,
}

impl fmt::Debug for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl fmt::Display for MietteView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for MietteView<'_> {}

impl miette::Diagnostic for MietteView<'_> {
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

fn clamp(project: &Project, span: Span) -> (usize, usize) {
    let len = project.file(span.file).text.len();
    let start = span.start().min(len);
    (start, span.end().clamp(start, len))
}

fn view<'p>(project: &'p Project, d: &Diagnostic) -> MietteView<'p> {
    let file = project.file(d.primary.span.file);
    let same: Vec<&super::Label> =
        std::iter::once(&d.primary).chain(d.secondary.iter().filter(|l| l.span.file == d.primary.span.file)).collect();
    let spans: Vec<(usize, usize)> = same.iter().map(|l| clamp(project, l.span)).collect();
    let source = Excerpt::new(file, &spans);
    let labels = same
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let message = Some(escape(&l.message, false));
            if i == 0 {
                miette::LabeledSpan::new_primary_with_span(message, source.span(l.span))
            } else {
                miette::LabeledSpan::new_with_span(message, source.span(l.span))
            }
        })
        .collect();
    let related = d
        .secondary
        .iter()
        .filter(|l| l.span.file != d.primary.span.file)
        .map(|l| {
            let source = Excerpt::new(project.file(l.span.file), &[clamp(project, l.span)]);
            let label = miette::LabeledSpan::new_primary_with_span(Some(escape(&l.message, false)), source.span(l.span));
            MietteView {
                code: None,
                severity: None,
                message: format!("note: {}", escape(&l.message, false)),
                help: None,
                source,
                labels: vec![label],
                related: Vec::new(),
            }
        })
        .collect();
    MietteView {
        code: Some(d.code.id),
        severity: Some(d.severity),
        message: escape(&d.message, false),
        help: d.help.as_deref().map(|h| escape(h, false)),
        source,
        labels,
        related,
    }
}

fn human(project: &Project, diagnostics: &[Diagnostic], color: bool) -> String {
    let theme = if color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100).with_context_lines(1);
    let mut out = String::new();
    for d in diagnostics {
        // The excerpts keep every line miette draws short, so it has no reason to fail or
        // panic; should a future miette still do either, the one-line form stands in, so a
        // diagnostic is never lost and the compiler never dies while reporting.
        let mut one = String::new();
        let rendered =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.render_report(&mut one, &view(project, d)).is_ok()));
        if matches!(rendered, Ok(true)) {
            out.push_str(&one);
        } else {
            out.push_str(&short(project, std::slice::from_ref(d)));
        }
        out.push('\n');
    }
    out
}

// ------------------------------------------------------------------ short

/// `path:line:col: error[CODE]: message`, one line each: line breaks and control
/// characters in paths and messages are escaped, so one diagnostic is always one line.
fn short(project: &Project, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let loc = project.display_location(d.primary.span);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            escape(&loc.path, true),
            loc.line,
            loc.column,
            d.severity.as_str(),
            d.code.id,
            escape(&d.message, true)
        ));
    }
    out
}

// ------------------------------------------------------------------ JSON

fn position(project: &Project, span: Span) -> Value {
    let start = project.display_location(span);
    let (end_line, end_column) = project.file(span.file).line_col(span.end());
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
    // Other control characters are written as `\u{1b}`: the log is shown in a terminal.
    fn data(s: &str) -> String {
        escape(&s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A"), true)
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in diagnostics {
        let start = project.display_location(d.primary.span);
        let (end_line, end_column) = project.file(d.primary.span.file).line_col(d.primary.span.end());
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
