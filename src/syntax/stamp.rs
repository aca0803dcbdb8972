//! `intentc welsh stamp`: records, beside each Welsh text, the digest of the English it
//! matches. A translator runs it after checking or updating the Welsh; from then on `check`
//! notices when the English changes (W0602). See docs/translating.md.

use super::text;
use super::ParsedFile;
use crate::source::{FileId, Project, Span};

/// The file's text with every Welsh stamp set to its English's digest, and how many stamps
/// changed. Declarations that do not parse are left as they are.
pub fn stamp_file(project: &Project, file: FileId) -> (String, usize) {
    let (parsed, _) = super::parse_file(project, file);
    let source = &project.file(file).text;
    let mut edits = edits(&parsed, source);
    edits.sort_by_key(|e| std::cmp::Reverse(e.tag.start));
    let mut out = source.to_string();
    for e in &edits {
        out.replace_range(e.tag.range(), &e.with);
    }
    (out, edits.len())
}

/// One stamp to write: the language tag `cy` or `cy@…` of a Welsh text, and what it becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampEdit {
    /// The tag to replace.
    pub tag: Span,
    /// The whole Welsh literal, quotes included.
    pub text: Span,
    /// `cy@5d1c0a9e`.
    pub with: String,
}

/// The stamps of a parsed file that differ from its English's digest, in source order (for
/// `stamp_file`, and the language server's quick fixes).
pub fn edits(parsed: &ParsedFile, source: &str) -> Vec<StampEdit> {
    let mut out = Vec::new();
    for d in &parsed.ast.declarations {
        for (_, t, _) in d.texts() {
            let (Some(en), Some(cy)) = (&t.en, &t.cy) else { continue };
            if t.neutral || cy.tag().is_empty() {
                continue;
            }
            let wanted = format!("cy@{}", text::digest(en.words()));
            if source.get(cy.tag().range()) != Some(wanted.as_str()) {
                out.push(StampEdit { tag: cy.tag(), text: cy.span, with: wanted });
            }
        }
    }
    out
}
