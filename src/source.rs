//! The files of a project, and positions in them.
//!
//! The compiler core never touches the file system: the CLI reads the files and hands them
//! over as a [`Project`]. That keeps every phase a pure function of its input, which is what
//! makes the tests (virtual projects built from fixture files) and the determinism of the
//! outputs easy.

use std::fmt;

/// An index into [`Project::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one file. Offsets are `u32` (a span is 12 bytes, not 24: the syntax tree
/// of a large project holds millions of them), so a file is at most [`MAX_SPANNED_BYTES`] long;
/// [`Project::add`] refuses a longer one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

const _: () = assert!(std::mem::size_of::<Span>() == 12);

/// The longest file a [`Span`] can point into.
pub const MAX_SPANNED_BYTES: u64 = u32::MAX as u64;

/// A byte offset as a span holds it. Every offset is into a file that [`Project::add`]
/// accepted, so it fits; were one not to, it saturates (a span at the file's end) rather
/// than wrapping to a position that exists.
fn offset(at: usize) -> u32 {
    debug_assert!(at as u64 <= MAX_SPANNED_BYTES, "offset {at} beyond the longest file");
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span { file, start: offset(start), end: offset(end) }
    }

    pub fn start(&self) -> usize {
        self.start as usize
    }

    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// The byte range, to index the file's text with.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { file: self.file, start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// A value together with the place in the source it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// What a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Intent,
    Yaml,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the author knows it: relative to the project folder, with `/` separators.
    pub path: String,
    /// The path as diagnostics show it: the file as the command line named it (equal to
    /// `path` unless the CLI loaded the project for output, see `cli::load`).
    pub display: String,
    pub kind: FileKind,
    /// The text. For a file that is not valid UTF-8 this is a lossy copy, used only to show
    /// where the problem is; `encoding_error` then says what was wrong. Shared: the syntax
    /// tree's texts are slices of it rather than copies (see `ast::LangText`).
    pub text: std::sync::Arc<str>,
    pub encoding_error: Option<EncodingError>,
    /// Where lines start, made the first time a position is asked for: a `check` that finds
    /// nothing never needs them, and on a large project they were megabytes kept for nothing.
    index: std::sync::OnceLock<LineIndex>,
}

/// The positions a file's line and column numbers are found from.
#[derive(Debug, Clone)]
struct LineIndex {
    /// The byte offset each line starts at (`u32`: the loader refuses files of 4 GiB or more).
    line_starts: Vec<u32>,
    /// (byte offset, characters before it) about every `CHECKPOINT` bytes, at character
    /// boundaries, starting with (0, 0).
    checkpoints: Vec<(usize, usize)>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(text.len() / 64 + 1);
        line_starts.push(0);
        line_starts.extend(text.match_indices('\n').map(|(i, _)| (i + 1) as u32));
        line_starts.shrink_to_fit();
        let mut checkpoints = vec![(0, 0)];
        let mut at = CHECKPOINT;
        while at < text.len() {
            while !text.is_char_boundary(at) {
                at += 1;
            }
            let (byte, chars) = checkpoints[checkpoints.len() - 1];
            checkpoints.push((at, chars + text[byte..at].chars().count()));
            at += CHECKPOINT;
        }
        LineIndex { line_starts, checkpoints }
    }
}

const CHECKPOINT: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingError {
    /// Bytes that are not UTF-8, at this byte offset of the original file.
    NotUtf8 { offset: usize },
    /// A NUL byte at this offset.
    Nul { offset: usize },
}

impl SourceFile {
    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The byte offset a 0-based line starts at, if there is such a line.
    fn line_start(&self, line: usize) -> Option<usize> {
        self.index().line_starts.get(line).map(|&s| s as usize)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_index(offset);
        let start = self.line_start(line).unwrap_or(0);
        (line + 1, self.chars_before(offset) - self.chars_before(start) + 1)
    }

    /// How many characters come before a byte offset (one cut inside a character counts from
    /// that character's start). Counted from the checkpoint before it, so finding a column is
    /// cheap even far along an 8 MiB line: each diagnostic on such a line would otherwise
    /// count the whole line up to it.
    fn chars_before(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let checkpoints = &self.index().checkpoints;
        let i = checkpoints.partition_point(|&(byte, _)| byte <= offset) - 1;
        let (byte, chars) = checkpoints[i];
        chars + self.text[byte..offset].chars().count()
    }

    pub fn line_count(&self) -> usize {
        self.index().line_starts.len()
    }

    /// The 0-based line a byte offset is on.
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        // Every line start is at most the text's length, which fits in `u32`.
        let at = offset as u32;
        match self.index().line_starts.binary_search(&at) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The byte range of a 0-based line, without its line break (`\n` or `\r\n`).
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.line_start(line).unwrap_or(self.text.len());
        let end = self.line_start(line + 1).map(|n| n - 1).unwrap_or(self.text.len());
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
        start..end
    }
}

/// A file longer than a [`Span`] can point into ([`MAX_SPANNED_BYTES`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTooLarge {
    pub path: String,
    pub bytes: u64,
}

impl fmt::Display for FileTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot read `{}`: it is {} bytes, more than the {MAX_SPANNED_BYTES} bytes (4 GiB) a source file may be",
            self.path, self.bytes
        )
    }
}

impl std::error::Error for FileTooLarge {}

/// Whether a file of `bytes` bytes can be a project's file: the one place the limit is
/// decided, asked by [`Project::add`] and, before reading a file, by the CLI's loader.
pub fn check_size(path: &str, bytes: u64) -> Result<(), FileTooLarge> {
    if bytes > MAX_SPANNED_BYTES {
        return Err(FileTooLarge { path: path.to_string(), bytes });
    }
    Ok(())
}

/// All the files of a project, sorted by path.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub files: Vec<SourceFile>,
}

impl Project {
    pub fn new() -> Project {
        Project::default()
    }

    /// Adds a file from its bytes. Files must be added in sorted path order; [`Project::sort`]
    /// restores it if they were not. A file longer than [`MAX_SPANNED_BYTES`] is refused: no
    /// span could point past its first 4 GiB.
    pub fn add(&mut self, path: impl Into<String>, bytes: &[u8]) -> Result<FileId, FileTooLarge> {
        let path = path.into().replace('\\', "/");
        check_size(&path, bytes.len() as u64)?;
        let kind = if path.ends_with(".yaml") || path.ends_with(".yml") { FileKind::Yaml } else { FileKind::Intent };
        let (text, encoding_error) = match std::str::from_utf8(bytes) {
            Ok(text) => {
                let nul = text.find('\0').map(|offset| EncodingError::Nul { offset });
                (std::sync::Arc::from(text), nul)
            }
            Err(e) => (std::sync::Arc::from(String::from_utf8_lossy(bytes)), Some(EncodingError::NotUtf8 { offset: e.valid_up_to() })),
        };
        let id = FileId(self.files.len() as u32);
        let index = std::sync::OnceLock::new();
        self.files.push(SourceFile { id, display: path.clone(), path, kind, text, encoding_error, index });
        Ok(id)
    }

    pub fn add_str(&mut self, path: impl Into<String>, text: &str) -> Result<FileId, FileTooLarge> {
        self.add(path, text.as_bytes())
    }

    /// Sorts the files by path and renumbers them, so that the order of the outputs never
    /// depends on the order the file system listed them in.
    pub fn sort(&mut self) {
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        for (i, f) in self.files.iter_mut().enumerate() {
            f.id = FileId(i as u32);
        }
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn find(&self, path: &str) -> Option<&SourceFile> {
        self.files.iter().find(|f| f.path == path)
    }

    pub fn text(&self, span: Span) -> &str {
        self.file(span.file).text.get(span.range()).unwrap_or("")
    }

    /// Where a span is, with the file's path as diagnostics show it.
    pub fn display_location(&self, span: Span) -> Location {
        Location { path: self.file(span.file).display.clone(), ..self.location(span) }
    }

    pub fn location(&self, span: Span) -> Location {
        let file = self.file(span.file);
        let (line, column) = file.line_col(span.start());
        Location { path: file.path.clone(), line, column }
    }
}

/// `path:line:column`, 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub path: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.column)
    }
}

/// A text that shares its storage: a slice of a file's text (see [`SourceFile::text`]), or a
/// text of its own. It reads as a `str`, and is published as one. The model's plain texts
/// are such slices, so a title is kept once for the whole run, not once per phase.
#[derive(Clone)]
pub struct SharedStr {
    text: std::sync::Arc<str>,
    // `usize`, not `u32` like a span's: a text of its own may be of any length.
    start: usize,
    end: usize,
}

impl SharedStr {
    /// `range` of a file's text, without copying it.
    pub fn slice(text: &std::sync::Arc<str>, range: std::ops::Range<usize>) -> SharedStr {
        debug_assert!(text.get(range.clone()).is_some(), "a slice at character boundaries");
        SharedStr { text: text.clone(), start: range.start, end: range.end }
    }

    pub fn as_str(&self) -> &str {
        &self.text[self.start..self.end]
    }
}

impl std::ops::Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for SharedStr {
    fn from(s: String) -> SharedStr {
        let end = s.len();
        SharedStr { text: std::sync::Arc::from(s), start: 0, end }
    }
}

impl From<&str> for SharedStr {
    fn from(s: &str) -> SharedStr {
        SharedStr { text: std::sync::Arc::from(s), start: 0, end: s.len() }
    }
}

impl Default for SharedStr {
    fn default() -> SharedStr {
        SharedStr::from("")
    }
}

impl PartialEq for SharedStr {
    fn eq(&self, other: &SharedStr) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for SharedStr {}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for SharedStr {
    fn partial_cmp(&self, other: &SharedStr) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedStr {
    fn cmp(&self, other: &SharedStr) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for SharedStr {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for SharedStr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_of_4_gib_is_the_longest_a_span_can_point_into() {
        assert_eq!(check_size("a.intent", u32::MAX as u64), Ok(()));
        let refused = check_size("a.intent", u32::MAX as u64 + 1).unwrap_err();
        assert_eq!(refused, FileTooLarge { path: "a.intent".into(), bytes: 4_294_967_296 });
        assert_eq!(
            refused.to_string(),
            "cannot read `a.intent`: it is 4294967296 bytes, more than the 4294967295 bytes (4 GiB) a source file may be"
        );
    }

    #[test]
    fn a_span_keeps_offsets_up_to_the_limit_and_never_wraps_past_it() {
        let end = u32::MAX as usize;
        let span = Span::new(FileId(0), end - 1, end);
        assert_eq!((span.start(), span.end(), span.len()), (end - 1, end, 1));
        assert_eq!(span.range(), end - 1..end);
    }

    #[test]
    fn a_shared_slice_reads_as_its_text_and_equals_a_copy() {
        let file: std::sync::Arc<str> = std::sync::Arc::from("title \"Ŵyr\" end");
        let slice = SharedStr::slice(&file, 7..11);
        let copy = SharedStr::from("Ŵyr".to_string());
        assert_eq!(&*slice, "Ŵyr");
        assert_eq!(slice, copy);
        assert_eq!(slice.cmp(&SharedStr::from("Ŵys")), std::cmp::Ordering::Less);
        use std::hash::BuildHasher;
        let state = std::collections::hash_map::RandomState::new();
        assert_eq!(state.hash_one(&slice), state.hash_one(&copy));
        assert_eq!(serde_json::to_string(&slice).unwrap(), "\"Ŵyr\"");
        assert_eq!(format!("{slice} {slice:?}"), "Ŵyr \"Ŵyr\"");
    }

    #[test]
    fn positions_are_found_without_an_index_made_in_advance() {
        let mut p = Project::new();
        let id = p.add_str("a.intent", "one\ntwo\r\nŵ3\n").unwrap();
        let f = p.file(id);
        assert!(f.index.get().is_none(), "no index until a position is asked for");
        assert_eq!(f.line_col(9), (3, 1));
        assert_eq!(f.line_col(11), (3, 2));
        assert_eq!(f.line_range(1), 4..7);
        assert_eq!(f.line_count(), 4);
    }
}
