//! Completion: declaration kinds, field names for the declaration the cursor is in, ids of
//! the kind a field takes, the words of a field (settings, nations, kinds…), services after a
//! rule's verb, bands after `in band`, and attributes and their values in conditions.
//!
//! The file being edited is usually broken mid-word, so the context is read from the text
//! before the cursor with a small scan (comments, texts, brackets), not from the syntax tree;
//! the ids come from the last analysis of the project.

use super::features::{offset, range};
use super::schema::{self, Value};
use super::workspace::Analysis;
use super::Server;
use crate::resolve::Kind;
use crate::syntax::ast::{AttributeType, Body, DECLARATION_KINDS};
use lsp_types::{self as lsp};

/// One open block around the cursor: the words of the entry that opened it.
#[derive(Debug, Clone)]
struct Frame {
    head: Vec<String>,
    /// The first word of each entry of the block before the cursor.
    given: Vec<String>,
}

/// What the text before the cursor says.
#[derive(Debug, Default)]
struct Context {
    frames: Vec<Frame>,
    /// The tokens of the entry the cursor is in, before the word being typed.
    words: Vec<String>,
    /// The word being typed (up to the cursor).
    partial: String,
    /// The cursor is in a comment or a text: nothing to complete.
    quiet: bool,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

/// Scans `text` up to the cursor.
fn context(text: &str) -> Context {
    let mut cx = Context::default();
    let b = text.as_bytes();
    let mut i = 0;
    let mut word = String::new();
    let flush = |word: &mut String, words: &mut Vec<String>| {
        if !word.is_empty() {
            words.push(std::mem::take(word));
        }
    };
    while i < b.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if text[i..].starts_with("//") {
            match text[i..].find('\n') {
                Some(n) => i += n,
                None => {
                    cx.quiet = true;
                    return cx;
                }
            }
            continue;
        }
        if text[i..].starts_with("\"\"\"") {
            match text[i + 3..].find("\"\"\"") {
                Some(n) => {
                    flush(&mut word, &mut cx.words);
                    cx.words.push("\"…\"".into());
                    i += n + 6;
                }
                None => {
                    cx.quiet = true;
                    return cx;
                }
            }
            continue;
        }
        if c == '"' {
            let mut j = i + 1;
            let mut closed = false;
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 2,
                    b'"' => {
                        closed = true;
                        break;
                    }
                    b'\n' => break,
                    _ => j += 1,
                }
            }
            if !closed && !text[i..].contains('\n') {
                cx.quiet = true;
                return cx;
            }
            flush(&mut word, &mut cx.words);
            cx.words.push("\"…\"".into());
            i = (j + 1).min(b.len());
            continue;
        }
        if is_word(c) || (c == '@' && !word.is_empty()) {
            word.push(c);
        } else {
            flush(&mut word, &mut cx.words);
            match c {
                '{' => {
                    let head = std::mem::take(&mut cx.words);
                    if let (Some(parent), Some(first)) = (cx.frames.last_mut(), head.first()) {
                        parent.given.push(first.clone());
                    }
                    cx.frames.push(Frame { head, given: Vec::new() });
                }
                '}' => {
                    cx.frames.pop();
                    cx.words.clear();
                }
                '\n' | ';' => {
                    // A list may go on after a comma at the end of a line.
                    if c == ';' || cx.words.last().is_none_or(|w| w != ",") {
                        if let (Some(frame), Some(first)) = (cx.frames.last_mut(), cx.words.first()) {
                            frame.given.push(first.clone());
                        }
                        cx.words.clear();
                    }
                }
                ' ' | '\t' | '\r' => {}
                _ => {
                    // Operators: `==`, `>=`, `[`, `,` …, each kept as one token.
                    let op: String = text[i..].chars().take_while(|c| "=!<>".contains(*c)).collect();
                    if op.len() > 1 {
                        cx.words.push(op.clone());
                        i += op.len();
                        continue;
                    }
                    cx.words.push(c.to_string());
                }
            }
        }
        i += c.len_utf8();
    }
    cx.partial = word;
    cx
}

/// The first word of each entry after the cursor in the block the cursor is in (up to the
/// `}` that closes it), so fields already given below are not offered again.
fn given_after(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut line_start = true;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("//") {
            rest = &rest[rest.find('\n').unwrap_or(rest.len())..];
            continue;
        }
        if rest.starts_with("\"\"\"") {
            rest = rest[3..].find("\"\"\"").map_or("", |n| &rest[3 + n + 3..]);
            line_start = false;
            continue;
        }
        if c == '"' {
            let end = rest[1..].find(['"', '\n']).map_or(rest.len(), |n| n + 2).min(rest.len());
            rest = &rest[end..];
            line_start = false;
            continue;
        }
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            }
            '\n' | ';' => line_start = true,
            _ if is_word(c) && line_start => {
                let word: String = rest.chars().take_while(|c| is_word(*c)).collect();
                if depth == 0 {
                    out.push(word.clone());
                }
                line_start = false;
                rest = &rest[word.len()..];
                continue;
            }
            ' ' | '\t' | '\r' => {}
            _ => line_start = false,
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[derive(Debug, PartialEq)]
enum Place {
    TopLevel,
    /// Directly in a declaration (or a `band`, `rule`, `scope` inside one).
    Block(String),
    /// In a bilingual text block.
    Text,
    Unknown,
}

/// The kind of block the cursor is directly in, and the declaration kind around it.
fn place(frames: &[Frame]) -> (Place, Option<String>) {
    let Some(first) = frames.first() else { return (Place::TopLevel, None) };
    let decl = first.head.first().cloned();
    let mut place = match &decl {
        Some(k) if DECLARATION_KINDS.contains(&k.as_str()) => Place::Block(k.clone()),
        _ => Place::Unknown,
    };
    for f in &frames[1..] {
        let head = f.head.first().map(String::as_str).unwrap_or("");
        place = match (&place, head) {
            (Place::Block(k), "band") if k == "bands" => Place::Block("band".into()),
            (Place::Block(k), "invest" | "avoid" | "note") if k == "targeting" || k == "scope" => Place::Block("rule".into()),
            (Place::Block(k), "in" | "when") if k == "targeting" || k == "scope" => Place::Block("scope".into()),
            (Place::Block(_), _) => Place::Text,
            _ => Place::Unknown,
        };
    }
    (place, decl)
}

struct Item {
    label: String,
    kind: lsp::CompletionItemKind,
    detail: Option<String>,
}

fn word_items(words: &[&str], detail: &str) -> Vec<Item> {
    words
        .iter()
        .map(|w| Item { label: w.to_string(), kind: lsp::CompletionItemKind::ENUM_MEMBER, detail: Some(detail.to_string()) })
        .collect()
}

fn id_items(a: &Analysis, kind: Option<Kind>) -> Vec<Item> {
    let mut ids: Vec<(&String, &(Kind, crate::source::Span))> =
        a.index.decls.iter().filter(|(_, (k, _))| kind.is_none_or(|want| *k == want)).collect();
    ids.sort_by(|x, y| x.0.cmp(y.0));
    ids.into_iter()
        .map(|(id, (k, span))| {
            let title = a.parsed(span.file).and_then(|p| p.ast.declarations.iter().find(|d| d.id.span == *span)).and_then(|d| {
                d.texts().first().and_then(|(_, t, _)| t.en.as_ref().map(|e| e.value().split_whitespace().collect::<Vec<_>>().join(" ")))
            });
            let detail = match title {
                Some(t) => format!("{}: {}", k.noun(), t.chars().take(100).collect::<String>()),
                None => k.noun().to_string(),
            };
            Item { label: id.clone(), kind: lsp::CompletionItemKind::REFERENCE, detail: Some(detail) }
        })
        .collect()
}

/// The values of an attribute, for `attr == …` and `attr in [ … ]`.
fn attribute_values(a: &Analysis, attr: &str) -> Vec<Item> {
    let Some((Kind::Attribute, span)) = a.index.decls.get(attr) else { return Vec::new() };
    let Some(d) = a.parsed(span.file).and_then(|p| p.ast.declarations.iter().find(|d| d.id.span == *span)) else {
        return Vec::new();
    };
    let Body::Attribute(at) = &d.body else { return Vec::new() };
    match &at.ty.node {
        AttributeType::Level(v) | AttributeType::Option(v) => v
            .iter()
            .map(|i| Item { label: i.name.clone(), kind: lsp::CompletionItemKind::ENUM_MEMBER, detail: Some(format!("a value of {attr}")) })
            .collect(),
        _ => Vec::new(),
    }
}

/// The bands of the targeting the cursor is in (by its `bands` field), or of every set.
fn band_items(a: &Analysis, file: crate::source::FileId, off: usize) -> Vec<Item> {
    let set = a.parsed(file).and_then(|p| {
        p.ast.declarations.iter().find(|d| d.span.start() <= off && off <= d.span.end()).and_then(|d| match &d.body {
            Body::Targeting(t) => t.bands.as_ref().map(|b| b.name.clone()),
            _ => None,
        })
    });
    let mut out = Vec::new();
    for f in &a.files {
        for d in &f.ast.declarations {
            if let Body::Bands(b) = &d.body {
                if set.as_ref().is_none_or(|s| *s == d.id.name) {
                    for band in &b.bands {
                        let detail = format!("band of {}: {} ..= {}", d.id.name, band.range.node.0, band.range.node.1);
                        out.push(Item { label: band.id.name.clone(), kind: lsp::CompletionItemKind::ENUM_MEMBER, detail: Some(detail) });
                    }
                }
            }
        }
    }
    out
}

fn keyword_items(words: &[&str], detail: &str) -> Vec<Item> {
    words.iter().map(|w| Item { label: w.to_string(), kind: lsp::CompletionItemKind::KEYWORD, detail: Some(detail.to_string()) }).collect()
}

/// Completion inside a condition: `words` starts at `when` or `unless`.
fn condition_items(a: &Analysis, words: &[String]) -> Vec<Item> {
    let last = words.last().map(String::as_str).unwrap_or("");
    // Inside an open `[`: values of the attribute before `in [`.
    let open = words.iter().rposition(|w| w == "[");
    let close = words.iter().rposition(|w| w == "]");
    if let Some(o) = open.filter(|o| close.is_none_or(|c| c < *o)) {
        if o >= 2 && words[o - 1] == "in" {
            return attribute_values(a, &words[o - 2]);
        }
        return Vec::new();
    }
    match last {
        "==" | "!=" if words.len() >= 2 => attribute_values(a, &words[words.len() - 2]),
        "when" | "unless" | "and" | "or" | "not" | "(" => id_items(a, Some(Kind::Attribute)),
        "<" | "<=" | ">" | ">=" | "in" => Vec::new(),
        _ => keyword_items(&["and", "or"], "joins conditions"),
    }
}

fn items(a: &Analysis, file: crate::source::FileId, off: usize, cx: &Context, after: &str) -> Vec<Item> {
    let (place, _) = place(&cx.frames);
    let words: Vec<&str> = cx.words.iter().map(String::as_str).collect();
    match (&place, words.as_slice()) {
        (Place::TopLevel, []) => keyword_items(DECLARATION_KINDS, "declaration"),
        (Place::Text, []) => keyword_items(&["en", "cy"], "language"),
        (Place::Block(kind), []) => {
            // Each field is given once: offer only those not yet in the block.
            let mut given: Vec<String> = cx.frames.last().map(|f| f.given.clone()).unwrap_or_default();
            given.extend(given_after(after));
            let mut out: Vec<Item> = schema::fields(kind)
                .into_iter()
                .filter(|(f, _)| !given.iter().any(|g| g == f))
                .map(|(f, _)| Item { label: f.to_string(), kind: lsp::CompletionItemKind::FIELD, detail: Some(format!("field of {kind}")) })
                .collect();
            match kind.as_str() {
                "targeting" | "scope" => {
                    out.extend(keyword_items(&["invest", "avoid", "note", "when"], "rule or scope"));
                    out.push(Item { label: "in band".into(), kind: lsp::CompletionItemKind::KEYWORD, detail: Some("scope".into()) });
                }
                "rule" => out.extend(keyword_items(&["when", "unless"], "condition")),
                "bands" => out.extend(keyword_items(&["band"], "a band")),
                _ => {}
            }
            out
        }
        (Place::Block(k), ["invest" | "avoid" | "note", rest @ ..]) if (k == "targeting" || k == "scope") && rest.len() <= 1 => {
            id_items(a, Some(Kind::Service))
        }
        (Place::Block(k), ["in", "band", ..]) if k == "targeting" || k == "scope" => band_items(a, file, off),
        (Place::Block(k), ["in"]) if k == "targeting" || k == "scope" => keyword_items(&["band"], "scope"),
        (Place::Block(_), ["when" | "unless", ..]) => condition_items(a, &cx.words),
        (Place::Block(kind), [field, rest @ ..]) => {
            let Some((_, value)) = schema::fields(kind).into_iter().find(|(f, _)| f == field) else { return Vec::new() };
            match value {
                Value::Id(k) => id_items(a, Some(k)),
                Value::Target if rest.is_empty() => word_items(&schema::target_kinds(), "kind of target"),
                Value::Target => word_items(&schema::directions(), "direction"),
                Value::Words(_) => word_items(&schema::words(kind, field, value), field),
                Value::Free => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

pub fn completion(server: &mut Server, p: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>, String> {
    let (project, file) = server.prepare(&p.text_document_position.text_document.uri)?;
    let a = server.analysis(project)?;
    let text = &a.project.file(file).text;
    let off = offset(a, file, p.text_document_position.position);
    let cx = context(&text[..off]);
    if cx.quiet {
        return Ok(None);
    }
    let replace = range(a, crate::source::Span::new(file, off - cx.partial.len(), off));
    let items = items(a, file, off, &cx, &text[off..]);
    let list: Vec<lsp::CompletionItem> = items
        .into_iter()
        .filter(|i| i.label.to_lowercase().starts_with(&cx.partial.to_lowercase()) || cx.partial.is_empty())
        .map(|i| lsp::CompletionItem {
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit { range: replace, new_text: i.label.clone() })),
            label: i.label,
            kind: Some(i.kind),
            detail: i.detail,
            ..Default::default()
        })
        .collect();
    Ok(Some(lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete: false, items: list })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scan_finds_the_block_and_the_entry() {
        let cx = context("intention 1f {\n  title { en \"a { b\" cy \"c\" }\n  theme saf");
        assert_eq!(place(&cx.frames).0, Place::Block("intention".into()));
        assert_eq!(cx.words, ["theme"]);
        assert_eq!(cx.partial, "saf");
        let cx = context("targeting t {\n  in band low {\n    invest 1 foo {\n      when ogrs3 >= 25 and risk == ");
        assert_eq!(place(&cx.frames).0, Place::Block("rule".into()));
        assert_eq!(cx.words, ["when", "ogrs3", ">=", "25", "and", "risk", "=="]);
        let cx = context("// a comment intention");
        assert!(cx.quiet);
        let cx = context("section s {\n  title { en \"unfinished");
        assert!(cx.quiet);
        let cx = context("section s {\n  title {\n    ");
        assert_eq!(place(&cx.frames).0, Place::Text);
        let cx = context("intention 1 {\n  partners noms,\n    ");
        assert_eq!(cx.words, ["partners", "noms", ","]);
        let cx = context("intention 1 {\n  title { en \"a\" }\n  under 1; theme t\n  ");
        assert_eq!(cx.frames.last().unwrap().given, ["title", "under", "theme"]);
        let after = "\n  text { en \"}\" }\n  // setting\n  summary \"\"\"\n}\n\"\"\"\n}\nintention 2 {\n  expects x\n}";
        assert_eq!(given_after(after), ["text", "summary"]);
    }
}
