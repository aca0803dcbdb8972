//! Cuts a file into its top-level declarations before pest sees it.
//!
//! Why a hand-written pass in front of a PEG parser: pest stops at the first error, so one
//! missing `}` would hide every mistake after it. Cutting the file at declaration boundaries
//! lets each declaration be parsed (and fail) on its own. The same pass is where the hostile
//! input guards live: it counts bracket depth without recursion, so 100,000 nested braces are
//! reported here and never reach pest's recursive descent.
//!
//! The pass knows just enough of the lexical grammar to do this: comments, `"…"` and
//! `"""…"""` texts (whose braces do not count), and brackets.

use super::ast::DECLARATION_KINDS;
use super::SyntaxError;
use crate::source::{FileId, Span};

/// The deepest nesting of `{ ( [` the parser accepts.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    /// The splitter already reported this declaration broken: do not parse it.
    pub failed: bool,
    /// `intention 1a` as read from the first line, to name the declaration in messages.
    pub header: Option<(String, String)>,
}

pub fn split(file: FileId, text: &str) -> (Vec<Chunk>, Vec<SyntaxError>) {
    Splitter { file, text, bytes: text.as_bytes(), i: 0, chunks: Vec::new(), errors: Vec::new() }.run()
}

struct Splitter<'a> {
    file: FileId,
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    chunks: Vec<Chunk>,
    errors: Vec<SyntaxError>,
}

impl<'a> Splitter<'a> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn run(mut self) -> (Vec<Chunk>, Vec<SyntaxError>) {
        while self.i < self.bytes.len() {
            match self.bytes[self.i] {
                b' ' | b'\t' | b'\r' | b'\n' => self.i += 1,
                b'/' if self.peek(1) == Some(b'/') => self.skip_comment(),
                b'}' => {
                    self.errors.push(SyntaxError::UnmatchedClose { at: self.span(self.i, self.i + 1) });
                    self.i += 1;
                }
                _ if self.text[self.i..].starts_with('\u{FEFF}') => self.i += 3,
                _ => self.declaration(),
            }
        }
        (self.chunks, self.errors)
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    fn skip_comment(&mut self) {
        while self.i < self.bytes.len() && self.bytes[self.i] != b'\n' {
            self.i += 1;
        }
    }

    /// `kind id {` on one line, with the kind a declaration keyword.
    fn header_at(&self, at: usize) -> Option<(String, String)> {
        let line_end = self.text[at..].find('\n').map_or(self.text.len(), |n| at + n);
        let line = &self.text[at..line_end];
        let mut words = line.split_whitespace();
        let kind = words.next()?;
        let id = words.next()?;
        let brace = words.next().map(|w| w.starts_with('{')).unwrap_or(false) || id.ends_with('{');
        let id = id.trim_end_matches('{');
        (DECLARATION_KINDS.contains(&kind) && brace && !id.is_empty()).then(|| (kind.to_string(), id.to_string()))
    }

    /// `kind id` on a line of its own, with no `{`: the author left out the brace.
    fn header_without_brace(&self, at: usize) -> Option<(String, String)> {
        let line_end = self.text[at..].find('\n').map_or(self.text.len(), |n| at + n);
        let line = self.text[at..line_end].split("//").next().unwrap_or("");
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [kind, id] if DECLARATION_KINDS.contains(kind) && id.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '.') => {
                Some((kind.to_string(), id.to_string()))
            }
            _ => None,
        }
    }

    /// Reports the missing `{` once, and skips the declaration's body: up to a `}` at the
    /// start of a line, or the next declaration.
    fn missing_brace(&mut self, start: usize, kind: String, id: String) {
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |n| start + n);
        let end_of_header = start + self.text[start..line_end].trim_end().len();
        self.errors.push(SyntaxError::MissingOpenBrace { at: self.span(end_of_header, end_of_header), kind: kind.clone(), id: id.clone() });
        let mut i = (line_end + 1).min(self.text.len());
        while i < self.text.len() {
            let rest = &self.text[i..];
            if rest.starts_with('}') {
                i += 1;
                break;
            }
            if self.header_at(i).is_some() || self.header_without_brace(i).is_some() {
                break;
            }
            i = rest.find('\n').map_or(self.text.len(), |n| i + n + 1);
        }
        self.i = i;
        self.chunks.push(Chunk { start, end: i, failed: true, header: Some((kind, id)) });
    }

    /// Reads one declaration, from its first character to its closing `}`.
    fn declaration(&mut self) {
        let start = self.i;
        let header = self.header_at(start);
        let mut stack: Vec<usize> = Vec::new();
        let mut failed = false;
        // An unclosed text swallows the braces after it; the block it leaves open is not a
        // second mistake to report.
        let mut text_broken = false;
        let mut too_deep_reported = false;
        if header.is_none() {
            if let Some((kind, id)) = self.header_without_brace(start) {
                self.missing_brace(start, kind, id);
                return;
            }
        }
        loop {
            if self.i >= self.bytes.len() {
                if let Some(&open) = stack.first().filter(|_| !text_broken) {
                    self.errors.push(SyntaxError::UnclosedBlock {
                        header: header.clone(),
                        open: self.span(open, open + 1),
                        at: {
                            let end = self.text.trim_end().len();
                            self.span(end, end)
                        },
                        next: None,
                    });
                    failed = true;
                }
                break;
            }
            let b = self.bytes[self.i];
            match b {
                b'\n' => {
                    self.i += 1;
                    if stack.is_empty() {
                        // A declaration's `{` must be on its first line; a line with no `{`
                        // is a declaration of its own, which pest will reject with words.
                        break;
                    }
                    // A declaration keyword at the start of a line while braces are still
                    // open: the declaration above was never closed. Stop it here so the next
                    // one is read on its own.
                    if let Some(next) = self.header_at(self.i).filter(|_| !self.text[self.i..].starts_with([' ', '\t'])) {
                        let end = self.text[..self.i].trim_end().len();
                        if text_broken {
                            break;
                        }
                        self.errors.push(SyntaxError::UnclosedBlock {
                            header: header.clone(),
                            open: self.span(stack[0], stack[0] + 1),
                            at: self.span(end, end),
                            next: Some((next.0.clone(), self.span(self.i, self.i + next.0.len()))),
                        });
                        failed = true;
                        break;
                    }
                }
                b'/' if self.peek(1) == Some(b'/') => self.skip_comment(),
                b'"' => {
                    if !self.string() {
                        failed = true;
                        text_broken = true;
                    }
                }
                b'{' | b'(' | b'[' => {
                    stack.push(self.i);
                    if stack.len() > MAX_DEPTH && !too_deep_reported {
                        self.errors.push(SyntaxError::TooDeep { at: self.span(self.i, self.i + 1), limit: MAX_DEPTH });
                        too_deep_reported = true;
                        failed = true;
                    }
                    self.i += 1;
                }
                b'}' | b')' | b']' => {
                    self.i += 1;
                    if stack.pop().is_none() {
                        self.errors.push(SyntaxError::UnmatchedClose { at: self.span(self.i - 1, self.i) });
                        failed = true;
                    }
                    if stack.is_empty() && b == b'}' {
                        break;
                    }
                }
                _ => self.i += 1,
            }
        }
        self.chunks.push(Chunk { start, end: self.i, failed, header });
    }

    /// Skips a text in quotes. Returns false (after reporting) if it is not closed.
    fn string(&mut self) -> bool {
        let open = self.i;
        if self.text[open..].starts_with("\"\"\"") {
            match self.text[open + 3..].find("\"\"\"") {
                Some(n) => {
                    self.i = open + 3 + n + 3;
                    true
                }
                None => {
                    self.errors.push(SyntaxError::UnclosedText { open: self.span(open, open + 3), triple: true });
                    self.i = self.bytes.len();
                    false
                }
            }
        } else {
            self.i += 1;
            while self.i < self.bytes.len() {
                match self.bytes[self.i] {
                    b'\\' => self.i += 2,
                    b'"' => {
                        self.i += 1;
                        return true;
                    }
                    b'\n' => break,
                    _ => self.i += 1,
                }
            }
            self.i = self.i.min(self.bytes.len());
            self.errors.push(SyntaxError::UnclosedText { open: self.span(open, open + 1), triple: false });
            false
        }
    }
}
