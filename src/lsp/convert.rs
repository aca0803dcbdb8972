//! Between the compiler's byte offsets and the protocol's positions (lines and UTF-16 code
//! units, the encoding every client supports), and between paths and `file:` URIs.

use lsp_types::{Position, Range, Url};
use std::path::{Path, PathBuf};

/// Line starts of a text, for converting offsets and positions both ways.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        LineIndex { starts: std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect() }
    }

    /// The protocol position of a byte offset (clamped to the text, and to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position { line: line as u32, character: character as u32 }
    }

    pub fn range(&self, text: &str, start: usize, end: usize) -> Range {
        Range { start: self.position(text, start), end: self.position(text, end.max(start)) }
    }

    /// The byte offset of a protocol position. A position past the end of its line is the end
    /// of the line; past the last line, the end of the text (the protocol asks servers to
    /// treat positions this way, and a hostile client must not make us panic).
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let end = self.starts.get(position.line as usize + 1).map(|n| n - 1).unwrap_or(text.len());
        let line = &text[start..end];
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= position.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }
}

/// A path as the project names files: absolute, with `/` separators.
pub fn path_key(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

pub fn url_to_path(url: &Url) -> Option<PathBuf> {
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

pub fn path_to_url(path: &str) -> Option<Url> {
    Url::from_file_path(Path::new(path)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_clamp() {
        let text = "ab\nŵŷ😀x\n";
        let ix = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(ix.position(text, x), Position { line: 1, character: 4 });
        assert_eq!(ix.offset(text, Position { line: 1, character: 4 }), x);
        // Past the end of a line, and past the last line.
        assert_eq!(ix.offset(text, Position { line: 0, character: 99 }), 2);
        assert_eq!(ix.offset(text, Position { line: 99, character: 0 }), text.len());
        // Inside a surrogate pair: the next character.
        assert_eq!(ix.offset(text, Position { line: 1, character: 3 }), x);
        // An offset inside a character is moved back to its start.
        assert_eq!(ix.position(text, 4), Position { line: 1, character: 0 });
    }
}
