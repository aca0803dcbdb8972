//! The human report, arranged for a person reading it top to bottom: errors before warnings,
//! and the unstamped-Welsh notes (W0603), which a new or imported project has by the hundred
//! and which one command fixes, folded into one line that gives that command. The machine
//! formats (json, sarif, github, short) keep every diagnostic as it is.

use crate::diagnostics::render::{self, Format};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::Project;
use std::collections::BTreeMap;

/// The code folded for people.
const UNSTAMPED: &str = "W0603";
/// The code that makes `welsh stamp` unsafe to run blind: stamping a stale text says its
/// Welsh matches the new English.
const STALE: &str = "W0602";

/// The diagnostics rendered for people (miette), errors first, with repeated W0603s folded.
pub fn human(project: &Project, diagnostics: &[Diagnostic], color: bool) -> String {
    let unstamped: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.code.id == UNSTAMPED).collect();
    let fold = unstamped.len() > 1;
    let shown = |d: &&Diagnostic| !(fold && d.code.id == UNSTAMPED);
    // Stable: each group keeps the file-and-position order `finish` gave it.
    let errors: Vec<Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).filter(shown).cloned().collect();
    let warnings: Vec<Diagnostic> = diagnostics.iter().filter(|d| !d.is_error()).filter(shown).cloned().collect();
    let folded = fold.then(|| folded_line(project, diagnostics, &unstamped, color));
    // The folded line stands with its kind: among the errors under --strict, else the warnings.
    let folded_is_error = unstamped.first().is_some_and(|d| d.is_error());
    let mut out = render::render(project, &errors, Format::Human, color);
    if folded_is_error {
        out.push_str(folded.as_deref().unwrap_or_default());
    }
    out.push_str(&render::render(project, &warnings, Format::Human, color));
    if !folded_is_error {
        out.push_str(folded.as_deref().unwrap_or_default());
    }
    out
}

/// "warning[W0603]: 14 Welsh texts in 5 files do not record …" and the command that stamps
/// exactly those files.
fn folded_line(project: &Project, all: &[Diagnostic], unstamped: &[&Diagnostic], color: bool) -> String {
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for d in unstamped {
        *per_file.entry(project.file(d.primary.span.file).path.as_str()).or_default() += 1;
    }
    let stale: Vec<&str> = per_file
        .keys()
        .copied()
        .filter(|path| all.iter().any(|d| d.code.id == STALE && project.file(d.primary.span.file).path == *path))
        .collect();
    let severity = if unstamped[0].severity == Severity::Error { "error" } else { "warning" };
    let head = if color {
        let c = if severity == "error" { "\x1b[1;31m" } else { "\x1b[1;33m" };
        format!("{c}{severity}[{UNSTAMPED}]\x1b[0m")
    } else {
        format!("{severity}[{UNSTAMPED}]")
    };
    let files = per_file.len();
    let command: Vec<String> = per_file.keys().map(|p| shell_word(&render::escape(p, true))).collect();
    let mut line = format!(
        "{head}: {} Welsh texts in {files} file{} do not record which English they were made from; once the Welsh is checked, run `intentc welsh stamp {}`",
        unstamped.len(),
        if files == 1 { "" } else { "s" },
        command.join(" "),
    );
    if !stale.is_empty() {
        let names: Vec<String> = stale.iter().map(|p| render::escape(p, true)).collect();
        line.push_str(&format!(
            " (first update the stale Welsh ({STALE}) in {}: stamping records that every Welsh text in a file matches its English)",
            names.join(", ")
        ));
    }
    line.push_str("\n  (`--format short` lists each one)\n\n");
    line
}

/// A path as one word a POSIX shell reads back unchanged.
fn shell_word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_./-+@%:,=".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn shell_words_survive_spaces_and_quotes() {
        assert_eq!(shell_word("intentions/a.intent"), "intentions/a.intent");
        assert_eq!(shell_word("my policy/a.intent"), "'my policy/a.intent'");
        assert_eq!(shell_word("it's.intent"), r"'it'\''s.intent'");
    }
}
