//! The markup inside prose texts: paragraphs, lists, sub-headings, strong text, links and
//! footnotes (see `grammar/prose.pest`). Parsed into [`Prose`], which the documents render to
//! HTML with every character escaped: there is no way to write raw HTML.

use pest::iterators::Pair;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/prose.pest"]
struct ProseParser;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Inline {
    Text { text: String },
    Strong { text: String },
    Link { text: String, url: String },
    FootnoteRef { label: String },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListItem {
    pub content: Vec<Inline>,
    pub children: Vec<List>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct List {
    pub ordered: bool,
    pub items: Vec<ListItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    Paragraph { content: Vec<Inline> },
    Heading { content: Vec<Inline> },
    List(List),
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Prose {
    pub blocks: Vec<Block>,
    /// Footnote definitions, in the order they are written.
    pub footnotes: Vec<(String, Vec<Inline>)>,
}

/// A markup mistake, at byte offsets of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProseError {
    pub start: usize,
    pub end: usize,
    pub problem: String,
    pub help: String,
}

type P<'i> = Pair<'i, Rule>;

/// An id as the language writes them: letters, digits and `_`, with `.` between parts.
fn is_id(s: &str) -> bool {
    !s.is_empty() && s.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
}

/// A text read once: its tree, its markup mistakes and its cross-references.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reading {
    /// The tree; when the layout could not be read at all, the empty tree (and an error).
    pub prose: Prose,
    pub errors: Vec<ProseError>,
    /// Each `[text](#id)` link's id, with the byte offsets of the link, in the order written.
    pub cross_references: Vec<(String, usize, usize)>,
}

/// Parses a text's markup.
pub fn parse(text: &str) -> Result<Prose, Vec<ProseError>> {
    let r = read(text);
    if r.errors.is_empty() {
        Ok(r.prose)
    } else {
        Err(r.errors)
    }
}

/// The cross-references of a text: each `[text](#id)` link's id, with the byte offsets of the
/// link, in the order written.
pub fn cross_references(text: &str) -> Vec<(String, usize, usize)> {
    read(text).cross_references
}

/// Reads a text: the one parse the checks and the model share.
///
/// Most texts are paragraphs of plain words; those are read without the grammar (see
/// [`plain_paragraphs`]), to the same `Reading` the grammar gives.
pub fn read(text: &str) -> Reading {
    match plain_paragraphs(text) {
        Some(blocks) => Reading { prose: Prose { blocks, footnotes: Vec::new() }, errors: Vec::new(), cross_references: Vec::new() },
        None => read_markup(text),
    }
}

/// The paragraphs of a text that is certainly only paragraphs of plain text, each joined as
/// the grammar joins its lines; `None` when it may be anything else (the grammar then reads
/// it). Each condition below is taken from `grammar/prose.pest`; when in doubt it answers
/// `None`, never a guess.
///
/// (The grammar path also runs under pest's global call limit, which plain paragraphs could
/// only reach with hundreds of thousands of lines; this path has no such limit and reads them.)
fn plain_paragraphs(text: &str) -> Option<Vec<Block>> {
    // Characters that start markup or end a line: `*` (`**strong**`; a lone `*` is text, but
    // not worth telling apart), `[` (links, `[^n]` references and footnote definitions), `\`
    // (escapes), `#` (`## ` headings; and a line starting `##` never carries on a paragraph),
    // `\r` (the grammar's NEWLINE is also `\r\n` and `\r`: only `\n` is handled here).
    if text.bytes().any(|b| matches!(b, b'*' | b'[' | b'\\' | b'#' | b'\r')) {
        return None;
    }
    // `ws` is spaces and tabs only (a no-break space is text).
    fn words(line: &str) -> &str {
        line.trim_start_matches([' ', '\t'])
    }
    let lines: Vec<&str> = text.split('\n').collect();
    // Blank lines before the first paragraph or after the last (a trailing newline too), and
    // the empty or blank text, are read by `prose`'s own rules: left to the grammar.
    if lines.first().is_none_or(|l| words(l).is_empty()) || lines.last().is_none_or(|l| words(l).is_empty()) {
        return None;
    }
    // A line of only spaces and tabs is a blank line: it ends a paragraph (`continuation` is
    // `!blank`), and any number of them stand between two (`NEWLINE ~ blank* ~ block`). So a
    // paragraph is a run of lines that are not blank.
    let mut blocks = lines
        .split(|l| words(l).is_empty())
        .filter(|lines| !lines.is_empty())
        .map(|lines| {
            // A list marker starts a list: at the very start of a block's first line, and
            // after any indentation on a later line (a continuation is `!(ws ~ marker)`). An
            // indented marker on a block's first line is text, but rare enough to leave to
            // the grammar.
            if lines.iter().any(|l| starts_with_marker(words(l))) {
                return None;
            }
            Some(Block::Paragraph { content: vec![Inline::Text { text: joined(lines) }] })
        })
        .collect::<Option<Vec<_>>>()?;
    // The trees are kept for the whole run: no spare capacity.
    blocks.shrink_to_fit();
    Some(blocks)
}

/// The lines of a plain paragraph as the grammar joins them, in a string of exactly their
/// size: the first line whole (its leading spaces are part of the text), each later line
/// without its leading `ws`, after one space. Trailing spaces stay: `text` takes them (and at
/// the end of the text, `ws ~ EOI` comes after the last line has taken them).
fn joined(lines: &[&str]) -> String {
    let Some((first, rest)) = lines.split_first() else { return String::new() };
    let rest = || rest.iter().map(|l| l.trim_start_matches([' ', '\t']));
    let mut out = String::with_capacity(first.len() + rest().map(|l| 1 + l.len()).sum::<usize>());
    out.push_str(first);
    for l in rest() {
        out.push(' ');
        out.push_str(l);
    }
    out
}

/// Whether a line (after its indentation) starts with the grammar's `marker`: `- `, or one to
/// three ASCII digits, then `.` or `)`, then a space.
fn starts_with_marker(line: &str) -> bool {
    let b = line.as_bytes();
    if b.starts_with(b"- ") {
        return true;
    }
    let digits = b.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && matches!(b.get(digits), Some(b'.' | b')')) && b.get(digits + 1) == Some(&b' ')
}

/// Reads a text with the grammar: any markup, and any layout.
fn read_markup(text: &str) -> Reading {
    let mut errors = Vec::new();
    let unreadable = |pos: usize| Reading {
        errors: vec![ProseError {
            start: pos,
            end: pos + 1,
            problem: "this text's layout could not be read".into(),
            help: "lists start with `- ` or `1. `; nested items are indented by two spaces".into(),
        }],
        ..Reading::default()
    };
    let root = match ProseParser::parse(Rule::prose, text) {
        Ok(mut p) => match p.next() {
            Some(root) => root,
            // The prose rule always produces a pair; were it not to, the text is still not read.
            None => return unreadable(0),
        },
        Err(e) => {
            return unreadable(match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            })
        }
    };
    let mut prose = Prose::default();
    let mut refs: Vec<(String, usize, usize)> = Vec::new();
    let mut cross_references = Vec::new();
    let mut cx = Cx { refs: &mut refs, errors: &mut errors, cross_references: &mut cross_references };
    for block in root.into_inner() {
        match block.as_rule() {
            Rule::paragraph => prose.blocks.push(Block::Paragraph { content: lines(block, &mut cx) }),
            Rule::heading => prose.blocks.push(Block::Heading { content: lines(block, &mut cx) }),
            Rule::list => {
                for list in list_items(block, &mut cx) {
                    prose.blocks.push(Block::List(list));
                }
            }
            Rule::footnote_def => {
                let span = block.as_span();
                let mut inner = block.into_inner();
                let label = inner.next().map(|l| l.as_str().to_string()).unwrap_or_default();
                if prose.footnotes.iter().any(|(l, _)| *l == label) {
                    cx.errors.push(ProseError {
                        start: span.start(),
                        end: span.start() + label.len() + 4,
                        problem: format!("footnote `[^{label}]` is defined twice"),
                        help: "give each footnote in a text its own label".into(),
                    });
                }
                let mut content = Vec::new();
                for l in inner {
                    if !content.is_empty() {
                        content.push(Inline::Text { text: " ".into() });
                    }
                    content.extend(line(l, &mut cx));
                }
                prose.footnotes.push((label, merge(content)));
            }
            _ => {}
        }
    }
    for (label, start, end) in &refs {
        if !prose.footnotes.iter().any(|(l, _)| l == label) {
            errors.push(ProseError {
                start: *start,
                end: *end,
                problem: format!("footnote `[^{label}]` is not defined in this text"),
                help: format!("add a line `[^{label}]: …` at the end of the text"),
            });
        }
    }
    // The trees are kept for the whole run: no spare capacity.
    prose.blocks.shrink_to_fit();
    prose.footnotes.shrink_to_fit();
    Reading { prose, errors, cross_references }
}

/// What reading the inlines collects besides the tree.
struct Cx<'c> {
    /// Footnote references, to check against the definitions at the end.
    refs: &'c mut Vec<(String, usize, usize)>,
    errors: &'c mut Vec<ProseError>,
    cross_references: &'c mut Vec<(String, usize, usize)>,
}

/// The lines of a block, joined by single spaces.
fn lines(block: P, cx: &mut Cx) -> Vec<Inline> {
    let mut out = Vec::new();
    for l in block.into_inner().filter(|p| p.as_rule() == Rule::line) {
        if !out.is_empty() {
            out.push(Inline::Text { text: " ".into() });
        }
        out.extend(line(l, cx));
    }
    merge(out)
}

fn list_items(list: P, cx: &mut Cx) -> Vec<List> {
    // Consecutive items with the same kind of marker form one list.
    let mut lists: Vec<List> = Vec::new();
    for item in list.into_inner() {
        let (ordered, li) = list_item(item, cx);
        match lists.last_mut() {
            Some(l) if l.ordered == ordered => l.items.push(li),
            _ => lists.push(List { ordered, items: vec![li] }),
        }
    }
    lists
}

fn list_item(item: P, cx: &mut Cx) -> (bool, ListItem) {
    let mut ordered = false;
    let mut content = Vec::new();
    let mut children: Vec<List> = Vec::new();
    for part in item.into_inner() {
        match part.as_rule() {
            Rule::number_marker => ordered = true,
            Rule::line => {
                if !content.is_empty() {
                    content.push(Inline::Text { text: " ".into() });
                }
                content.extend(line(part, cx));
            }
            Rule::sub_list => {
                for sub in part.into_inner() {
                    let (o, li) = list_item(sub, cx);
                    match children.last_mut() {
                        Some(l) if l.ordered == o => l.items.push(li),
                        _ => children.push(List { ordered: o, items: vec![li] }),
                    }
                }
            }
            _ => {}
        }
    }
    (ordered, ListItem { content: merge(content), children })
}

fn line(l: P, cx: &mut Cx) -> Vec<Inline> {
    let mut out = Vec::new();
    for part in l.into_inner() {
        let span = part.as_span();
        match part.as_rule() {
            Rule::text | Rule::lone => out.push(Inline::Text { text: part.as_str().to_string() }),
            Rule::escape => out.push(Inline::Text { text: part.as_str()[1..].to_string() }),
            Rule::strong => out.push(Inline::Strong { text: part.into_inner().as_str().to_string() }),
            Rule::link => {
                let mut i = part.into_inner();
                let text = i.next().map(|p| p.as_str().to_string()).unwrap_or_default();
                let url = i.next().map(|p| p.as_str().to_string()).unwrap_or_default();
                if let Some(id) = url.strip_prefix('#') {
                    cx.cross_references.push((id.to_string(), span.start(), span.end()));
                    // A cross-reference to a declaration of the project: `[the table](#reconviction_bands)`.
                    if !is_id(id) {
                        cx.errors.push(ProseError {
                            start: span.start(),
                            end: span.end(),
                            problem: format!("`{url}` is not a cross-reference: `#` must be followed by an id"),
                            help: "name the section, intention, targeting or requirement, like `[the table at vii](#reconviction_bands)`"
                                .into(),
                        });
                    }
                } else if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with("mailto:")) {
                    cx.errors.push(ProseError {
                        start: span.start(),
                        end: span.end(),
                        problem: format!("the link address `{url}` does not start with http://, https:// or mailto:"),
                        help: "write the full address, like `https://www.gov.uk/…`, or `#id` for a part of this document".into(),
                    });
                }
                out.push(Inline::Link { text, url });
            }
            Rule::bad_link => cx.errors.push(ProseError {
                start: span.start(),
                end: span.end(),
                problem: "this link is not closed".into(),
                help: "a link is written `[text](https://…)`, with `)` after the address".into(),
            }),
            Rule::footnote_ref => {
                let label = part.into_inner().as_str().to_string();
                cx.refs.push((label.clone(), span.start(), span.end()));
                out.push(Inline::FootnoteRef { label });
            }
            _ => {}
        }
    }
    out
}

/// Joins neighbouring text pieces, so the tree does not depend on how pest split them. The
/// trees are kept for the whole run, so each joined string and the result are allocated at
/// their exact size (growing them by pushing leaves up to twice the space unused).
fn merge(mut inlines: Vec<Inline>) -> Vec<Inline> {
    let both_text = |a: &Inline, b: &Inline| matches!((a, b), (Inline::Text { .. }, Inline::Text { .. }));
    let runs = inlines.chunk_by(both_text).count();
    if runs == inlines.len() {
        inlines.shrink_to_fit();
        return inlines;
    }
    let mut out = Vec::with_capacity(runs);
    for run in inlines.chunk_by_mut(both_text) {
        if let [one] = run {
            out.push(std::mem::replace(one, Inline::Text { text: String::new() }));
            continue;
        }
        let texts = || run.iter().filter_map(|i| if let Inline::Text { text } = i { Some(text.as_str()) } else { None });
        let mut text = String::with_capacity(texts().map(str::len).sum());
        texts().for_each(|t| text.push_str(t));
        out.push(Inline::Text { text });
    }
    out
}

/// The words of a text without markup, for comparing languages and finding terms.
pub fn plain(prose: &Prose) -> String {
    fn inl(out: &mut String, is: &[Inline]) {
        for i in is {
            match i {
                Inline::Text { text } | Inline::Strong { text } | Inline::Link { text, .. } => out.push_str(text),
                Inline::FootnoteRef { .. } => {}
            }
            out.push(' ');
        }
    }
    fn list(out: &mut String, l: &List) {
        for it in &l.items {
            inl(out, &it.content);
            for c in &it.children {
                list(out, c);
            }
        }
    }
    let mut out = String::new();
    for b in &prose.blocks {
        match b {
            Block::Paragraph { content } | Block::Heading { content } => inl(&mut out, content),
            Block::List(l) => list(&mut out, l),
        }
    }
    for (_, f) in &prose.footnotes {
        inl(&mut out, f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_and_footnotes() {
        let p = parse("First line\ncarries on.\n\n- one\n- two\n  - nested\n1. first\n\nSee [here](https://x.test)[^a].\n\n[^a]: A note.")
            .unwrap();
        assert_eq!(p.blocks.len(), 4);
        assert_eq!(p.blocks[0], Block::Paragraph { content: vec![Inline::Text { text: "First line carries on.".into() }] });
        match &p.blocks[1] {
            Block::List(l) => {
                assert!(!l.ordered);
                assert_eq!(l.items.len(), 2);
                assert_eq!(l.items[1].children[0].items.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(&p.blocks[2], Block::List(List { ordered: true, .. })));
        assert_eq!(p.footnotes.len(), 1);
    }

    #[test]
    fn html_is_text_and_broken_markup_is_reported() {
        let p = parse("<script>alert(1)</script>").unwrap();
        assert_eq!(plain(&p).trim(), "<script>alert(1)</script>");
        let e = parse("see [this](https://x.test").unwrap_err();
        assert!(e[0].problem.contains("not closed"));
        let e = parse("a note[^x]").unwrap_err();
        assert!(e[0].problem.contains("not defined"));
        let e = parse("[home](www.x.test)").unwrap_err();
        assert!(e[0].problem.contains("does not start with"));
    }

    #[test]
    fn a_year_at_the_start_of_a_line_is_a_word_not_a_list_item() {
        // "from 2014." wrapped so that the year starts a line: the words must all stay.
        let p = parse("Prisons will move to the new rules from\n2014. The rules apply to every prison.").unwrap();
        assert_eq!(
            p.blocks,
            vec![Block::Paragraph {
                content: vec![Inline::Text {
                    text: "Prisons will move to the new rules from 2014. The rules apply to every prison.".into()
                }]
            }]
        );
        // Numbered items are small numbers (1 to 3 digits) followed by `. ` or `) `.
        let p = parse("1. one\n2) two\n999. last").unwrap();
        assert!(matches!(&p.blocks[..], [Block::List(List { ordered: true, items })] if items.len() == 3));
        // The escape for the rare paragraph line that starts with a small number and a full stop.
        let p = parse("Of the sites counted, the total was\n12\\. That is fewer than before.").unwrap();
        assert_eq!(
            plain(&p).split_whitespace().collect::<Vec<_>>().join(" "),
            "Of the sites counted, the total was 12. That is fewer than before."
        );
        assert!(matches!(&p.blocks[..], [Block::Paragraph { .. }]));
    }

    #[test]
    fn a_last_line_of_spaces_is_not_a_paragraph() {
        // Trailing spaces after the last block, or a text of spaces alone, publish nothing
        // (they read as a paragraph of spaces: an empty-looking `<p>` in the documents).
        let para = |t: &str| Block::Paragraph { content: vec![Inline::Text { text: t.into() }] };
        for text in ["a\n  ", "a\n\n  ", "a\n\t", "a\n \n  "] {
            assert_eq!(read_markup(text).prose.blocks, vec![para("a")], "{text:?}");
        }
        for text in ["  ", "\t", " \n  ", ""] {
            assert_eq!(read_markup(text).prose.blocks, vec![], "{text:?}");
            assert!(read_markup(text).errors.is_empty(), "{text:?}");
        }
        // Spaces before a block are still part of it.
        assert_eq!(read_markup("  a").prose.blocks, vec![para("  a")]);
        assert_eq!(read_markup("- a\n  ").prose.blocks.len(), 1);
    }

    /// The fast path's answer, or `None` where it leaves the text to the grammar.
    fn fast(text: &str) -> Option<Reading> {
        plain_paragraphs(text).map(|_| read(text))
    }

    #[test]
    fn plain_paragraphs_skip_the_grammar_and_read_the_same() {
        for text in [
            "Plain words.",
            "  indented first line",
            "two\n   lines\t",
            "tab\tinside, and a ŵ",
            "1.5 million\n2014. A year\n1000) too",
            "-x\n-\ty",
            "a\n \nb",
            "First  \n  paragraph.\n\n\t\n   Second, indented\n\tand carried on.\n\nThird.",
        ] {
            assert_eq!(fast(text), Some(read_markup(text)), "{text:?}");
        }
        // What the fast path leaves to the grammar.
        for text in [
            "",
            "   ",
            "a\n",
            "\na",
            "a\n\n",
            "\n \na",
            "a\n\nb\n",
            "a\n\n- b",
            "a\n\n  1) b",
            "- a",
            "a\n  - b",
            "a\n12) b",
            "a\n999. b",
            "  1. a",
            "a **b**",
            "a [b](https://x.test)",
            "## a",
            "a\\.",
            "a\r\nb",
        ] {
            assert_eq!(plain_paragraphs(text), None, "{text:?}");
        }
    }

    /// Characters for arbitrary texts: those that make markup or layout, often, and words.
    const ALPHABET: &[char] = &[
        ' ', ' ', ' ', '\t', '\n', '\n', '\n', '\r', '-', '-', '.', ')', '0', '1', '9', '*', '[', ']', '(', '^', '#', '\\', ':', 'a', 'b',
        'ŵ', '\u{a0}',
    ];

    fn texts() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let any = proptest::collection::vec(proptest::sample::select(ALPHABET), 0..32);
        // Without the characters that always send a text to the grammar, so that the fast
        // path answers often and its line rules are what is tested.
        let layout: Vec<char> = ALPHABET.iter().copied().filter(|c| !"*[\\#\r".contains(*c)).collect();
        let layout = proptest::collection::vec(proptest::sample::select(layout), 0..32);
        prop_oneof![any, layout].prop_map(|cs| cs.into_iter().collect())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn the_fast_path_reads_as_the_grammar_does(text in texts()) {
            if let Some(fast) = fast(&text) {
                proptest::prop_assert_eq!(fast, read_markup(&text));
            }
        }
    }

    /// Every prose text of the corpus the fast path takes reads as the grammar reads it; and
    /// the fast path takes most of them (the share is printed: `--nocapture`).
    #[test]
    fn the_fast_path_reads_the_corpus_as_the_grammar_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions");
        let project = crate::cli::load::project(&root).expect("the corpus");
        let (files, _) = crate::syntax::parse_project(&project);
        let (mut all, mut taken) = ([0usize; 2], [0usize; 2]);
        for d in files.iter().flat_map(|f| &f.ast.declarations) {
            for (_, t, role) in d.texts() {
                if role != crate::syntax::ast::TextRole::Prose {
                    continue;
                }
                for (k, lt) in [&t.en, &t.cy].into_iter().enumerate() {
                    let Some(lt) = lt else { continue };
                    all[k] += 1;
                    let value = lt.value();
                    if let Some(fast) = fast(&value) {
                        taken[k] += 1;
                        assert_eq!(fast, read_markup(&value), "{value:?}");
                    }
                }
            }
        }
        eprintln!("fast path: en {}/{}, cy {}/{} prose texts", taken[0], all[0], taken[1], all[1]);
        assert!(all[0] > 100 && all[1] > 100, "the corpus has its prose texts: {all:?}");
        assert!(taken[0] * 2 > all[0] && taken[1] * 2 > all[1], "most texts take the fast path: {taken:?} of {all:?}");
    }
}
