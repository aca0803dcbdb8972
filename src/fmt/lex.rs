//! The tokens the formatter moves around: a file as lines of tokens, comments included.
//!
//! Why a token pass of its own: the parser (`syntax/`) drops comments and white space, and
//! the formatter must keep every comment where it stands. This pass knows only what the
//! splitter (`syntax/split.rs`) knows: comments, `"…"` and `"""…"""` texts, brackets, and
//! that everything else is a word. It decides nothing about meaning; the formatter re-parses
//! its output with the real parser and compares (see `super::verify`).

/// What a token is, as far as layout cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Anything else: a keyword, an id, a number, `cy@5d1c0a9e`, `..=`, `>=`.
    Word,
    /// A `"…"` text, quotes included, exactly as written.
    Str,
    /// A `"""…"""` text, quotes included; it may hold line breaks.
    Triple,
    Open(u8),
    Close(u8),
    Comma,
    Semi,
    /// `// …` to the end of the line, trailing white space removed.
    Comment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok<'a> {
    pub kind: Kind,
    pub text: &'a str,
}

impl Tok<'_> {
    pub fn is(&self, kind: Kind) -> bool {
        self.kind == kind
    }
}

/// White space between tokens: spaces, tabs, the `\r` of a `\r\n`, and the byte-order mark
/// (which the grammar also reads as white space).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\u{FEFF}')
}

fn is_punct(c: char) -> bool {
    matches!(c, '{' | '}' | '(' | ')' | '[' | ']' | ',' | ';' | '"')
}

/// The file as lines of tokens. A line break inside a `"""` text does not end a line: the
/// text is one token, and the line goes on after its closing quotes. Never fails: text that
/// is not well formed (an unclosed text) still becomes tokens, and the caller's re-parse
/// decides what to do with the file.
pub fn lines(src: &str) -> Vec<Vec<Tok<'_>>> {
    let mut lines = Vec::new();
    let mut line = Vec::new();
    let mut i = 0;
    while let Some(c) = src[i..].chars().next() {
        let rest = &src[i..];
        // A `\r` on its own ends a line, as it does for the parser.
        if c == '\n' || (c == '\r' && !rest.starts_with("\r\n")) {
            lines.push(std::mem::take(&mut line));
            i += 1;
        } else if is_space(c) {
            i += c.len_utf8();
        } else if rest.starts_with("//") {
            let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
            line.push(Tok { kind: Kind::Comment, text: rest[..end].trim_end_matches(is_space) });
            i += end;
        } else if let Some(body) = rest.strip_prefix("\"\"\"") {
            let end = body.find("\"\"\"").map_or(rest.len(), |n| n + 6);
            line.push(Tok { kind: Kind::Triple, text: &rest[..end] });
            i += end;
        } else if c == '"' {
            let end = simple_string_end(rest);
            line.push(Tok { kind: Kind::Str, text: &rest[..end] });
            i += end;
        } else if is_punct(c) {
            let kind = match c {
                '{' | '(' | '[' => Kind::Open(c as u8),
                '}' | ')' | ']' => Kind::Close(c as u8),
                ',' => Kind::Comma,
                _ => Kind::Semi,
            };
            line.push(Tok { kind, text: &rest[..1] });
            i += 1;
        } else {
            let end = rest
                .char_indices()
                .find(|&(n, ch)| ch == '\n' || is_space(ch) || is_punct(ch) || rest[n..].starts_with("//"))
                .map_or(rest.len(), |(n, _)| n);
            for part in split_word(&rest[..end]) {
                line.push(Tok { kind: Kind::Word, text: part });
            }
            i += end;
        }
    }
    lines.push(line);
    lines
}

/// The length of a `"…"` text from its opening quote: to its closing quote, or (unclosed) to
/// the end of the line.
fn simple_string_end(rest: &str) -> usize {
    let mut chars = rest.char_indices().skip(1);
    while let Some((n, ch)) = chars.next() {
        match ch {
            '\\' => {
                if let Some((_, '\n')) = chars.next() {
                    return n + 1;
                }
            }
            '"' => return n + 1,
            '\n' | '\r' => return n,
            _ => {}
        }
    }
    rest.len()
}

/// The operators a word may hold with no space around them: `0..=24`, `ogrs3>=50`. They are
/// cut out so that they are always written with one space each side. None of them can be
/// part of an id, a number or a date, so cutting them changes no token the parser reads.
const OPERATORS: &[&str] = &["..=", "..", "<=", ">=", "==", "!=", "<", ">"];

fn split_word(word: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < word.len() {
        match OPERATORS.iter().find(|op| word[i..].starts_with(**op)) {
            Some(op) => {
                if start < i {
                    parts.push(&word[start..i]);
                }
                parts.push(&word[i..i + op.len()]);
                i += op.len();
                start = i;
            }
            None => i += word[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if start < word.len() {
        parts.push(&word[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<Vec<&str>> {
        lines(src).iter().map(|l| l.iter().map(|t| t.text).collect()).collect()
    }

    #[test]
    fn words_strings_comments_and_brackets() {
        assert_eq!(
            texts("title{en \"a { b\" cy@12 \"c\\\"\"} // x  \n  range 0..=24;"),
            vec![vec!["title", "{", "en", "\"a { b\"", "cy@12", "\"c\\\"\"", "}", "// x"], vec!["range", "0", "..=", "24", ";"]]
        );
    }

    #[test]
    fn a_triple_text_is_one_token_across_lines() {
        let l = lines("text { en \"\"\"\n  a // not a comment\n  \"\"\" }\nx");
        assert_eq!(l.len(), 2);
        assert_eq!(l[0][3].kind, Kind::Triple);
        assert_eq!(l[0][4].kind, Kind::Close(b'}'));
    }

    #[test]
    fn operators_are_cut_out_of_words() {
        assert_eq!(split_word("ogrs3>=50"), vec!["ogrs3", ">=", "50"]);
        assert_eq!(split_word("2014-04-01..2015-03-31"), vec!["2014-04-01", "..", "2015-03-31"]);
        assert_eq!(split_word("4a.vii"), vec!["4a.vii"]);
        assert_eq!(split_word("cy@ab12"), vec!["cy@ab12"]);
    }

    #[test]
    fn unclosed_texts_do_not_panic() {
        assert_eq!(lines("a \"b\nc").len(), 2);
        assert_eq!(lines("a \"\"\"b\nc").len(), 1);
        assert_eq!(lines("\"\\é").len(), 1);
    }
}
