//! How much of the corpus's prose is copied from the 2014 document.
//!
//! A word counts as copied when it sits in a run of [`RUN`] words that also stands, word for
//! word, in the reference text. Only prose is measured (texts, summaries, expectations, band,
//! scope, rule, service and establishment texts): titles, measures, names and ids are facts that
//! carry over exactly, and so are footnotes that cite a source (they hold a link). Words are
//! compared lower-cased, as runs of letters and digits, so line breaks, punctuation and markup
//! make no difference.
//!
//! Shared by `tests/copying.rs` (the limit) and `examples/copy_report.rs` (where the copies are).

use intentc::source::{FileKind, Project};
use intentc::syntax::ast::TextRole;
use std::collections::HashSet;

/// The length of a copied run.
pub const RUN: usize = 10;

pub struct FileShare {
    pub path: String,
    pub words: usize,
    pub copied: usize,
    /// The longest copied runs, as the source wrote them (lower-cased words).
    pub runs: Vec<String>,
}

pub struct Share {
    pub words: usize,
    pub copied: usize,
    pub files: Vec<FileShare>,
}

impl Share {
    pub fn ratio(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.copied as f64 / self.words as f64
        }
    }
}

/// Lower-cased runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// The prose of one English text with its markup and citations taken out.
pub fn prose_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in text.split("\n\n") {
        let trimmed = paragraph.trim_start();
        // A footnote that holds a link cites a source: a fact, not our prose.
        if trimmed.starts_with("[^") && trimmed.contains("](") {
            continue;
        }
        for line in paragraph.lines() {
            out.extend(words(&strip_markup(line)));
        }
    }
    out
}

fn strip_markup(line: &str) -> String {
    let mut s = line.trim_start();
    // List markers and heading marks.
    if let Some(rest) = s.strip_prefix("- ").or_else(|| s.strip_prefix("## ")) {
        s = rest;
    } else if let Some(dot) = s.find(". ") {
        if dot > 0 && dot <= 3 && s[..dot].chars().all(|c| c.is_ascii_digit()) {
            s = &s[dot + 2..];
        }
    }
    // Footnote labels `[^x]` and link targets `(http…)`.
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['[', '(']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("[^") {
            match tail.find(']') {
                Some(j) => rest = tail[j + 1..].strip_prefix(':').unwrap_or(&tail[j + 1..]),
                None => rest = "",
            }
        } else if tail.starts_with("(http") || tail.starts_with("(mailto:") {
            match tail.find(')') {
                Some(j) => rest = &tail[j + 1..],
                None => rest = "",
            }
        } else {
            out.push_str(&tail[..1]);
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Every run of [`RUN`] words in the reference.
pub fn reference_runs(reference: &str) -> HashSet<String> {
    let w = words(reference);
    w.windows(RUN).map(|r| r.join(" ")).collect()
}

/// Marks each word of `w` that sits in a run found in `runs`.
pub fn copied_marks(w: &[String], runs: &HashSet<String>) -> Vec<bool> {
    let mut marks = vec![false; w.len()];
    for (i, window) in w.windows(RUN).enumerate() {
        if runs.contains(&window.join(" ")) {
            marks[i..i + RUN].iter_mut().for_each(|m| *m = true);
        }
    }
    marks
}

/// The share of prose words in the project that are copied from the reference.
pub fn measure(project: &Project, reference: &str) -> Share {
    let runs = reference_runs(reference);
    let (files, _) = intentc::syntax::parse_project(project);
    let mut share = Share { words: 0, copied: 0, files: Vec::new() };
    for parsed in &files {
        let source = project.file(parsed.file);
        if source.kind != FileKind::Intent {
            continue;
        }
        let mut fs = FileShare { path: source.path.clone(), words: 0, copied: 0, runs: Vec::new() };
        for d in &parsed.ast.declarations {
            for (_, text, role) in d.texts() {
                let (TextRole::Prose, Some(en)) = (role, &text.en) else { continue };
                let w = prose_words(&en.value());
                let marks = copied_marks(&w, &runs);
                fs.words += w.len();
                fs.copied += marks.iter().filter(|m| **m).count();
                let mut i = 0;
                while i < w.len() {
                    if marks[i] {
                        let start = i;
                        while i < w.len() && marks[i] {
                            i += 1;
                        }
                        fs.runs.push(w[start..i].join(" "));
                    } else {
                        i += 1;
                    }
                }
            }
        }
        fs.runs.sort_by_key(|r| std::cmp::Reverse(r.len()));
        share.words += fs.words;
        share.copied += fs.copied;
        share.files.push(fs);
    }
    share
}
