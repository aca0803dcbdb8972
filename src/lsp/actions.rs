//! Code actions: the diagnostics' "did you mean" suggestions as quick fixes, and Welsh stamps
//! (what `intentc welsh stamp` writes) for one text or the whole file.

use super::features::{offset, range};
use super::workspace::Analysis;
use super::{to_lsp_diagnostic, Server};
use crate::diagnostics::Diagnostic;
use crate::source::{FileId, FileKind, Span};
use lsp_types::{self as lsp};
use std::collections::HashMap;

/// The suggestion in a diagnostic's help or message: "did you mean `X`?".
pub fn suggestion(d: &Diagnostic) -> Option<String> {
    [d.help.as_deref(), Some(d.message.as_str())].into_iter().flatten().find_map(|s| {
        let rest = s.split("did you mean `").nth(1)?;
        let end = rest.find("`?")?;
        Some(rest[..end].to_string())
    })
}

/// The edit a suggestion makes: the mistaken word replaced (in quotes if it was quoted; the
/// key of a targets file line).
fn fix_span(a: &Analysis, d: &Diagnostic, with: &str) -> Option<(Span, String)> {
    let span = d.primary.span;
    let text = a.project.text(span);
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.' || c == '/' || c == '-');
    if word(text) {
        return Some((span, with.to_string()));
    }
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        return Some((span, format!("\"{with}\"")));
    }
    if a.project.file(span.file).kind == FileKind::Yaml {
        let trimmed = text.trim_start();
        let start = span.start() + text.len() - trimmed.len();
        let key = trimmed.split(':').next()?.trim_end();
        if word(key) {
            return Some((Span::new(span.file, start, start + key.len()), with.to_string()));
        }
    }
    None
}

fn overlaps(span: Span, file: FileId, a: usize, b: usize) -> bool {
    span.file == file && span.start() <= b && a <= span.end()
}

pub fn code_actions(server: &mut Server, p: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>, String> {
    let (project, file) = server.prepare(&p.text_document.uri)?;
    let server: &Server = server;
    let a = server.analysis(project)?;
    let (start, end) = (offset(a, file, p.range.start), offset(a, file, p.range.end));
    let (start, end) = (start.min(end), start.max(end));
    let uri = p.text_document.uri.clone();
    let edit = |edits: Vec<(Span, String)>| {
        let edits = edits.into_iter().map(|(s, t)| lsp::TextEdit { range: range(a, s), new_text: t }).collect();
        lsp::WorkspaceEdit { changes: Some(HashMap::from([(uri.clone(), edits)])), ..Default::default() }
    };
    let mut out: Vec<(lsp::CodeActionKind, lsp::CodeAction)> = Vec::new();
    for d in a.diagnostics.iter().filter(|d| overlaps(d.primary.span, file, start, end)) {
        let Some(with) = suggestion(d) else { continue };
        let Some((span, new_text)) = fix_span(a, d, &with) else { continue };
        let action = lsp::CodeAction {
            title: format!("Replace `{}` with `{}`", a.project.text(span), new_text),
            kind: Some(lsp::CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![to_lsp_diagnostic(server, a, d)]),
            edit: Some(edit(vec![(span, new_text)])),
            is_preferred: Some(true),
            ..Default::default()
        };
        out.push((lsp::CodeActionKind::QUICKFIX, action));
    }
    if let Some(parsed) = a.parsed(file) {
        let stamps = crate::syntax::stamp::edits(parsed, &a.project.file(file).text);
        let welsh: Vec<&Diagnostic> =
            a.diagnostics.iter().filter(|d| d.primary.span.file == file && matches!(d.code.id, "W0602" | "W0603")).collect();
        let near: Vec<_> = stamps.iter().filter(|s| overlaps(s.tag, file, start, end) || overlaps(s.text, file, start, end)).collect();
        for s in &near {
            let diags: Vec<lsp::Diagnostic> = welsh
                .iter()
                .filter(|d| overlaps(d.primary.span, file, s.tag.start(), s.text.end()))
                .map(|d| to_lsp_diagnostic(server, a, d))
                .collect();
            let action = lsp::CodeAction {
                title: "Stamp this Welsh text: it was translated from the current English".into(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: (!diags.is_empty()).then_some(diags),
                edit: Some(edit(vec![(s.tag, s.with.clone())])),
                ..Default::default()
            };
            out.push((lsp::CodeActionKind::QUICKFIX, action));
        }
        if !stamps.is_empty() {
            let kind = if near.is_empty() { lsp::CodeActionKind::SOURCE } else { lsp::CodeActionKind::QUICKFIX };
            let n = stamps.len();
            let action = lsp::CodeAction {
                title: format!(
                    "Stamp every Welsh text in this file ({n} text{}), as `intentc welsh stamp` does",
                    if n == 1 { "" } else { "s" }
                ),
                kind: Some(kind.clone()),
                edit: Some(edit(stamps.iter().map(|s| (s.tag, s.with.clone())).collect())),
                ..Default::default()
            };
            out.push((kind, action));
        }
    }
    let only = p.context.only.unwrap_or_default();
    let wanted = |k: &lsp::CodeActionKind| {
        only.is_empty() || only.iter().any(|o| k.as_str() == o.as_str() || k.as_str().starts_with(&format!("{}.", o.as_str())))
    };
    Ok(Some(out.into_iter().filter(|(k, _)| wanted(k)).map(|(_, a)| lsp::CodeActionOrCommand::CodeAction(a)).collect()))
}
