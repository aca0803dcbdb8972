//! Reading text literals: escapes, the indentation of `"""` texts, and the digest that ties a
//! Welsh translation to the English it was made from.

use sha2::{Digest, Sha256};

/// How many hex digits of the SHA-256 a stamp keeps. Eight are plenty to notice a change;
/// the stamp is a check on a translator's workflow, not a security measure.
pub const STAMP_LEN: usize = 8;

/// The stamp of an English text: white space runs are folded first, so re-wrapping a
/// paragraph does not make its Welsh stale.
pub fn digest(english: &str) -> String {
    // The folded text is fed to the hash word by word, never built.
    let mut hasher = Sha256::new();
    for (i, word) in english.split_whitespace().enumerate() {
        if i > 0 {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    hasher.finalize().iter().flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]).take(STAMP_LEN).map(char::from).collect()
}

/// A `"…"` literal's content (without quotes), with `\"` and `\\` unescaped. `base` is the
/// file offset of the content. On a bad escape, returns its offset in the file.
pub fn unescape(content: &str, base: usize) -> Result<String, (usize, char)> {
    let mut out = String::with_capacity(content.len());
    let mut chars = content.char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some((_, e @ ('"' | '\\'))) => out.push(e),
                Some((_, other)) => return Err((base + i, other)),
                None => return Err((base + i, '\\')),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// A `"""…"""` literal's content (without quotes): the first line is dropped if it is blank
/// (the text usually starts on the line after `"""`), so is the last if it holds only the
/// indentation of the closing quotes, and the indentation common to all non-blank lines is
/// removed. Returns the text and, for each line, (offset in the text, offset in the file).
pub fn dedent(content: &str, base: usize) -> (String, Vec<(usize, usize)>) {
    let lines = dedent_lines(content);
    let mut out = String::with_capacity(content.len());
    let mut map = Vec::with_capacity(lines.len());
    for (i, (start, line)) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        map.push((out.len(), base + start));
        out.push_str(line);
    }
    (out, map)
}

/// [`dedent`]'s text alone, in a string of exactly its size (`join` sizes it).
pub fn dedented(content: &str) -> String {
    dedent_lines(content).iter().map(|(_, line)| *line).collect::<Vec<_>>().join("\n")
}

/// The lines a `"""` text keeps, each without its `\r` and the indentation they share (a
/// blank line is kept empty), with the offset in the content where what is kept starts.
fn dedent_lines(content: &str) -> Vec<(usize, &str)> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for line in content.split('\n') {
        lines.push((offset, line.strip_suffix('\r').unwrap_or(line)));
        offset += line.len() + 1;
    }
    if lines.len() > 1 && lines[0].1.trim().is_empty() {
        lines.remove(0);
    }
    if lines.len() > 1 && lines.last().is_some_and(|l| l.1.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(_, l)| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    for (start, line) in &mut lines {
        // A blank line goes whole.
        let cut = if line.trim().is_empty() { line.len() } else { indent.min(line.len()) };
        *start += cut;
        *line = &line[cut..];
    }
    lines
}

/// The offset of a tab that makes a `"""` text's indentation ambiguous, if any. A tab has no
/// width of its own, and `dedent` removes the common indentation by bytes, so a tab counts as
/// one space: the same text would nest its lists one way here and another way in an editor
/// that shows tabs as four columns. A tab is harmless only in the indentation every line with
/// text shares to the byte (a whole text indented one tab deeper), because all of that is
/// removed; anywhere else in the indentation it is reported.
pub fn tab_in_indentation(content: &str) -> Option<usize> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for line in content.split('\n') {
        if !line.trim().is_empty() {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            lines.push((offset, &line[..indent]));
        }
        offset += line.len() + 1;
    }
    if !lines.iter().any(|(_, i)| i.contains('\t')) {
        return None;
    }
    let common = lines.iter().map(|(_, i)| i.len()).min().unwrap_or(0);
    let (first_at, first) = lines[0];
    for (at, indent) in &lines {
        if indent[..common] != first[..common] {
            // The shared part differs between lines: one of them has a tab where the other
            // has a space. Point at a tab of this line, or else at the first line's.
            return Some(match indent.find('\t') {
                Some(t) => at + t,
                None => first_at + first.find('\t').unwrap_or(0),
            });
        }
        if let Some(t) = indent[common..].find('\t') {
            return Some(at + common + t);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedent_strips_common_indent_and_edge_lines() {
        let (text, map) = dedent("\n    one\n      two\n\n    three\n  ", 10);
        assert_eq!(text, "one\n  two\n\nthree");
        assert_eq!(map[0], (0, 15));
        assert_eq!(map[1], (4, 23));
    }

    proptest::proptest! {
        /// `dedented` is `dedent`'s text, made without the line map.
        #[test]
        fn dedented_is_dedents_text(content in "[ \t\r\na-c]{0,40}") {
            proptest::prop_assert_eq!(dedented(&content), dedent(&content, 7).0);
        }

        /// Dedenting removes only white space: the checks that fold white space (the stamp's
        /// digest, the termbase, the numbers) read a triple-quoted text as written
        /// (`LangText::words`) and find what they would in its value.
        #[test]
        fn dedenting_keeps_the_words(content in "[ \t\r\na-c1,.]{0,40}") {
            let value = dedented(&content);
            proptest::prop_assert!(value.split_whitespace().eq(content.split_whitespace()));
            proptest::prop_assert_eq!(digest(&value), digest(&content));
        }
    }

    #[test]
    fn tabs_in_indentation_are_found_and_other_tabs_are_not() {
        assert_eq!(tab_in_indentation("\n    - one\n\t- two\n"), Some(11));
        assert_eq!(tab_in_indentation("\n  x\n  \t  - mixed\n"), Some(7));
        assert_eq!(tab_in_indentation("\n    a\ttab inside a line\n\t\n"), None);
        // One tab before every line is common indentation: removed, harmless.
        assert_eq!(tab_in_indentation("\n\t    - one\n\t      - two\n\t"), None);
        // The same width written two ways.
        assert_eq!(tab_in_indentation("\n\t  - one\n  \t- two\n"), Some(12));
    }

    #[test]
    fn digest_ignores_rewrapping_but_not_words() {
        assert_eq!(digest("a  b\nc"), digest("a b c"));
        assert_ne!(digest("a b c"), digest("a b d"));
        assert_eq!(digest("x").len(), STAMP_LEN);
    }

    #[test]
    fn unescape_handles_quotes_and_rejects_others() {
        assert_eq!(unescape(r#"say \"hi\" \\"#, 0).unwrap(), r#"say "hi" \"#);
        assert_eq!(unescape(r"a\nb", 5), Err((6, 'n')));
    }
}
