//! The canonical layout of an `.intent` file.
//!
//! Line breaks are meaningful in the language (an entry ends at the end of its line), so the
//! layout keeps the author's lines and changes only what is free:
//!
//! - indentation: two spaces per open block; a line inside a bracket that was opened with
//!   something after it on its line (`title { en "…"`) lines up under that something;
//! - the spaces between tokens: one, none inside `( )` and `[ ]` and before `,` and `;`;
//! - the values of consecutive one-line fields in a block start in one column;
//! - blank lines: one between top-level declarations, at most one anywhere, none just
//!   inside a block's braces; `;` that separates nothing is dropped;
//! - `"""` texts are re-indented to their line, without changing their value;
//! - a field's bilingual block written on one line (`title { en "…" cy "…" }`) that runs
//!   past [`WIDTH`] is broken before each language after the first (the only place the
//!   formatter adds a line break; it never joins the lines an author broke).

use super::lex::{self, Kind, Tok};
use crate::syntax::text;

/// The width past which a one-line bilingual block is broken.
pub const WIDTH: usize = 100;

type Line<'a> = Vec<Tok<'a>>;

/// Entries whose first word is not a field name, so their second word is not a value.
const NOT_FIELDS: &[&str] = &["invest", "avoid", "note", "when", "unless", "in"];

pub fn format(src: &str) -> String {
    let mut lines: Vec<Line> = Vec::new();
    let mut depth = 0usize;
    for line in lex::lines(src) {
        split_after_declarations(drop_semis(line), &mut depth, &mut lines);
    }
    // Breaking long bilingual blocks changes no other line's layout, so one round usually
    // finds every break; the bound only guarantees the loop ends.
    for _ in 0..64 {
        let (out, breaks) = render(&lines);
        if breaks.is_empty() {
            return out;
        }
        // Rebuilt in one pass: a file may hold thousands of breaks.
        let mut breaks = breaks.into_iter().peekable();
        let mut rebuilt = Vec::with_capacity(lines.len() + breaks.len());
        for (i, line) in lines.into_iter().enumerate() {
            match breaks.next_if(|(at, _)| *at == i) {
                Some((_, points)) => {
                    let mut from = 0;
                    for p in points.into_iter().chain([line.len()]) {
                        rebuilt.push(drop_semis(line[from..p].to_vec()));
                        from = p;
                    }
                }
                None => rebuilt.push(line),
            }
        }
        lines = rebuilt;
    }
    render(&lines).0
}

/// Drops each `;` that separates nothing: at the start or end of a line, after `{` or
/// another `;`, before `}`.
fn drop_semis(line: Line) -> Line {
    let mut out: Line = Vec::with_capacity(line.len());
    for (k, t) in line.iter().enumerate() {
        if t.is(Kind::Semi) {
            let prev = out.last().map(|p| p.kind);
            let next = line.get(k + 1).map(|n| n.kind);
            let before_nothing = matches!(next, None | Some(Kind::Comment | Kind::Semi | Kind::Close(b'}')));
            let after_nothing = matches!(prev, None | Some(Kind::Semi | Kind::Open(b'{')));
            if before_nothing || after_nothing {
                continue;
            }
        }
        out.push(*t);
    }
    out
}

/// Starts a new line after the `}` that closes a top-level declaration, when more than a
/// comment follows it: every declaration starts a line.
fn split_after_declarations<'a>(line: Line<'a>, depth: &mut usize, out: &mut Vec<Line<'a>>) {
    let mut start = 0;
    for (k, t) in line.iter().enumerate() {
        match t.kind {
            Kind::Open(_) => *depth += 1,
            Kind::Close(_) => {
                *depth = depth.saturating_sub(1);
                if *depth == 0 && line[k + 1..].iter().any(|n| !n.is(Kind::Comment)) {
                    out.push(line[start..=k].to_vec());
                    start = k + 1;
                }
            }
            _ => {}
        }
    }
    out.push(line[start..].to_vec());
}

/// For each token, whether it opens a bracket that is still open at the end of its line.
fn open_at_end(line: &[Tok]) -> Vec<bool> {
    let mut open = vec![false; line.len()];
    let mut stack = Vec::new();
    for (k, t) in line.iter().enumerate() {
        match t.kind {
            Kind::Open(_) => {
                open[k] = true;
                stack.push(k);
            }
            Kind::Close(_) => {
                if let Some(o) = stack.pop() {
                    open[o] = false;
                }
            }
            _ => {}
        }
    }
    open
}

/// A bracket left open at the end of a line is *hanging* when something follows it on its
/// line: the lines inside it line up under that. Otherwise it is a block, indented by two.
fn hanging(line: &[Tok], k: usize) -> bool {
    line[k + 1..].iter().any(|t| !t.is(Kind::Comment))
}

fn is_field_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !NOT_FIELDS.contains(&word)
}

fn is_lang_tag(word: &str) -> bool {
    let (lang, stamp) = word.split_once('@').unwrap_or((word, ""));
    matches!(lang, "en" | "cy") && stamp.chars().all(|c| c.is_ascii_alphanumeric())
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// How a line stands, found before any column is known.
#[derive(Default, Clone, Copy)]
struct Shape {
    /// The line carries on a list whose line ended with `,`.
    continues_list: bool,
    /// The column width a field name is padded to, for lines in an alignment group.
    pad: Option<usize>,
}

/// The first pass: which lines carry on a list, and which fields line up.
fn shapes(lines: &[Line]) -> Vec<Shape> {
    let mut shapes = vec![Shape::default(); lines.len()];
    // For each bracket still open: (its number, hanging).
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut next_frame = 0;
    let mut in_list = false;
    let mut group: Vec<usize> = Vec::new();
    let mut group_frame = None;
    let flush = |group: &mut Vec<usize>, shapes: &mut Vec<Shape>| {
        let pad = group.iter().map(|&i| width(lines[i][0].text)).max().unwrap_or(0) + 1;
        for &i in group.iter() {
            shapes[i].pad = Some(pad);
        }
        group.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        let Some(first) = line.first() else {
            flush(&mut group, &mut shapes);
            continue;
        };
        let comment_only = line.len() == 1 && first.is(Kind::Comment);
        shapes[i].continues_list = in_list;
        let at_entry = !in_list && stack.last().is_none_or(|f| !f.1);
        let opens = open_at_end(line);
        // A comment line does not break a group: it is about the line below it.
        if matches!(first.kind, Kind::Close(_)) {
            flush(&mut group, &mut shapes);
        } else if at_entry && !comment_only {
            let frame = stack.last().map(|f| f.0);
            let block_value = line.get(1).is_some_and(|t| t.is(Kind::Open(b'{'))) && opens[1] && !hanging(line, 1);
            let nested = line.get(1).is_some_and(|t| t.is(Kind::Word)) && line.get(2).is_some_and(|t| t.is(Kind::Open(b'{')));
            let alignable = frame.is_some()
                && first.is(Kind::Word)
                && is_field_name(first.text)
                && line.get(1).is_some_and(|t| !matches!(t.kind, Kind::Comment | Kind::Semi))
                && !block_value
                && !nested;
            if !alignable || group_frame != frame {
                flush(&mut group, &mut shapes);
            }
            if alignable {
                group.push(i);
                group_frame = frame;
            }
        }
        for (k, t) in line.iter().enumerate() {
            match t.kind {
                Kind::Open(_) => {
                    stack.push((next_frame, opens[k] && hanging(line, k)));
                    next_frame += 1;
                }
                Kind::Close(_) => {
                    stack.pop();
                }
                _ => {}
            }
        }
        if !comment_only {
            in_list = line.iter().rev().find(|t| !t.is(Kind::Comment)).is_some_and(|t| t.is(Kind::Comma));
        }
    }
    flush(&mut group, &mut shapes);
    shapes
}

/// The space written between two tokens on a line.
fn space(prev: Kind, next: Kind) -> &'static str {
    match (prev, next) {
        (_, Kind::Comma | Kind::Semi) => "",
        (Kind::Open(b'(' | b'['), _) | (_, Kind::Close(b')' | b']')) => "",
        (Kind::Open(b'{'), Kind::Close(b'}')) => "",
        _ => " ",
    }
}

/// What the last written line was, for the blank lines between declarations.
#[derive(PartialEq)]
enum Last {
    Nothing,
    /// A line that closed a top-level declaration.
    Declaration,
    /// A line that opened a block (so the next line is the block's first).
    Opened,
    Other,
}

/// A bracket still open: the indentation of the line that opened it, and the column its
/// inner lines start at.
struct Frame {
    line_col: usize,
    content_col: usize,
}

/// The second pass: writes the lines. Also returns the one-line bilingual blocks that run
/// past the width: (line, token indices to break before).
fn render(lines: &[Line]) -> (String, Vec<(usize, Vec<usize>)>) {
    let shapes = shapes(lines);
    // The lines written, each with the byte offset where its trailing comment's gap starts.
    let mut out: Vec<(String, Option<usize>)> = Vec::new();
    let mut breaks = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut list_col = 0;
    let mut last = Last::Nothing;
    let mut blank = false;
    for (i, line) in lines.iter().enumerate() {
        let Some(first) = line.first() else {
            blank = true;
            continue;
        };
        let shape = shapes[i];
        let closes = matches!(first.kind, Kind::Close(_));
        let indent = match stack.last() {
            Some(f) if closes => f.line_col,
            _ if shape.continues_list => list_col,
            Some(f) => f.content_col,
            None => 0,
        };
        let top_level = stack.is_empty() && !shape.continues_list;
        let blank_before = match last {
            Last::Nothing => false,
            Last::Declaration if top_level => true,
            Last::Opened => false,
            _ => blank && !closes,
        };
        blank = false;
        if blank_before {
            out.push((String::new(), None));
        }
        let mut text = " ".repeat(indent);
        let mut col = indent;
        let mut second_col = None;
        let mut opened_here = false;
        let mut comment_at = None;
        let opens = open_at_end(line);
        // The frame whose inner column is the column of the next token written.
        let mut awaiting: Option<usize> = None;
        for (k, t) in line.iter().enumerate() {
            if k > 0 {
                if t.is(Kind::Comment) {
                    comment_at = Some(text.len());
                }
                let gap = match shape.pad {
                    Some(pad) if k == 1 => " ".repeat(pad.saturating_sub(width(line[0].text)).max(1)),
                    _ => space(line[k - 1].kind, t.kind).to_string(),
                };
                text.push_str(&gap);
                col += gap.len();
            }
            if k == 1 {
                second_col = Some(col);
            }
            if let Some(f) = awaiting.take() {
                stack[f].content_col = col;
            }
            let written = if t.is(Kind::Triple) { reindent_triple(t.text, indent) } else { t.text.to_string() };
            match written.rfind('\n') {
                Some(n) => col = width(&written[n + 1..]),
                None => col += width(&written),
            }
            text.push_str(&written);
            match t.kind {
                Kind::Open(_) => {
                    stack.push(Frame { line_col: indent, content_col: indent + 2 });
                    if opens[k] && hanging(line, k) {
                        awaiting = Some(stack.len() - 1);
                    }
                    opened_here = opens[k] && !hanging(line, k);
                }
                Kind::Close(_) => {
                    stack.pop();
                }
                _ => {}
            }
        }
        let ends_list = line.iter().rev().find(|t| !t.is(Kind::Comment)).is_some_and(|t| t.is(Kind::Comma));
        if ends_list && !shape.continues_list {
            list_col = if shape.pad.is_some() || stack.is_empty() { second_col.unwrap_or(indent) } else { indent };
        }
        if col > WIDTH && !line.iter().any(|t| t.is(Kind::Triple)) {
            if let Some(points) = bilingual_breaks(line, &opens) {
                breaks.push((i, points));
            }
        }
        let last_start = text.rfind('\n').map_or(0, |n| n + 1);
        for piece in text[..last_start].split_terminator('\n') {
            out.push((piece.to_string(), None));
        }
        out.push((text[last_start..].to_string(), comment_at.map(|c| c - last_start)));
        let comment_only = line.len() == 1 && first.is(Kind::Comment);
        last = if stack.is_empty() && !comment_only && line.iter().any(|t| matches!(t.kind, Kind::Close(_))) {
            Last::Declaration
        } else if opened_here {
            Last::Opened
        } else {
            Last::Other
        };
    }
    (align_comments(out), breaks)
}

/// Trailing comments on consecutive lines start in one column.
fn align_comments(lines: Vec<(String, Option<usize>)>) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..].iter().take_while(|l| l.1.is_some()).count().max(1);
        let column = lines[i..i + run].iter().filter_map(|(l, at)| at.map(|at| width(&l[..at]))).max().unwrap_or(0) + 1;
        for (line, at) in &lines[i..i + run] {
            match at {
                Some(at) => {
                    out.push_str(&line[..*at]);
                    out.push_str(&" ".repeat(column - width(&line[..*at])));
                    out.push_str(line[*at..].trim_start());
                }
                None => out.push_str(line),
            }
            out.push('\n');
        }
        i += run;
    }
    out
}

/// The bilingual block that is the value of the line's first field (`title { en … cy … }`),
/// when it opens and closes on this line and holds two languages or more: the indices of its
/// second and later language tags. Blocks further into a line (a one-line declaration) are
/// left alone: their Welsh would hang far to the right.
fn bilingual_breaks(line: &[Tok], opens: &[bool]) -> Option<Vec<usize>> {
    if !(line.len() > 2 && line[0].is(Kind::Word) && line[1].is(Kind::Open(b'{')) && !opens[1]) {
        return None;
    }
    let mut n = 2;
    let mut tags = Vec::new();
    loop {
        while line.get(n).is_some_and(|t| t.is(Kind::Semi)) {
            n += 1;
        }
        match (line.get(n), line.get(n + 1)) {
            (Some(tag), Some(s)) if tag.is(Kind::Word) && is_lang_tag(tag.text) && matches!(s.kind, Kind::Str | Kind::Triple) => {
                tags.push(n);
                n += 2;
            }
            _ => break,
        }
    }
    (tags.len() >= 2 && line.get(n).is_some_and(|t| t.is(Kind::Close(b'}')))).then(|| tags[1..].to_vec())
}

/// A `"""` text re-indented to `indent`, with the same value: its lines keep their
/// indentation relative to each other. A text that starts on the line of its opening quotes
/// is left as written (its first line sets no indentation to move).
fn reindent_triple(literal: &str, indent: usize) -> String {
    let Some(inner) = literal.strip_prefix("\"\"\"").and_then(|s| s.strip_suffix("\"\"\"")).filter(|_| literal.len() >= 6) else {
        return literal.to_string();
    };
    let Some((first, rest)) = inner.split_once('\n') else {
        return literal.to_string();
    };
    if !first.trim().is_empty() {
        return literal.to_string();
    }
    // As `text::dedent` reads it: the blank first line is dropped, and so is the last when
    // it holds only white space (the closing quotes' indentation) and is not the only line.
    let own_line = rest.contains('\n') && rest.rsplit('\n').next().is_some_and(|l| l.trim().is_empty());
    let value = text::dedented(inner);
    let pad = " ".repeat(indent);
    let mut out = String::from("\"\"\"\n");
    for (n, l) in value.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        if !l.is_empty() {
            out.push_str(&pad);
            out.push_str(l);
        }
    }
    if own_line {
        out.push('\n');
        out.push_str(&pad);
    }
    out.push_str("\"\"\"");
    out
}
