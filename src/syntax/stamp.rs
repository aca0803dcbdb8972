//! `intentc welsh stamp`: records, beside each Welsh text, the digest of the English it
//! matches. A translator runs it after checking or updating the Welsh; from then on `check`
//! notices when the English changes (W0602). See docs/translating.md.

use super::text;
use crate::source::{FileId, Project};

/// The file's text with every Welsh stamp set to its English's digest, and how many stamps
/// changed. Declarations that do not parse are left as they are.
pub fn stamp_file(project: &Project, file: FileId) -> (String, usize) {
    let (parsed, _) = super::parse_file(project, file);
    let source = &project.file(file).text;
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    for d in &parsed.ast.declarations {
        for (_, t, _) in d.texts() {
            let (Some(en), Some(cy)) = (&t.en, &t.cy) else { continue };
            if t.neutral || cy.tag.is_empty() {
                continue;
            }
            let wanted = format!("cy@{}", text::digest(&en.value));
            if source.get(cy.tag.start..cy.tag.end) != Some(wanted.as_str()) {
                edits.push((cy.tag.start, cy.tag.end, wanted));
            }
        }
    }
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = source.clone();
    for (start, end, with) in &edits {
        out.replace_range(*start..*end, with);
    }
    (out, edits.len())
}
