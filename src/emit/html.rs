//! Prose to HTML. Every character of source text is escaped: the markup has no way to say
//! "raw HTML", so `<script>` in a text is shown as `<script>`.

use crate::model::Lang;
use crate::syntax::prose::{Block, Inline, List, Prose};

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A footnote as it will be listed: its number and its HTML.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Footnote {
    pub number: usize,
    pub html: String,
    /// The ids of the references to it, for the back links.
    pub refs: Vec<String>,
}

/// What prose rendering keeps for a whole page: footnotes, numbered across the page in
/// reading order, and where cross-references (`[text](#id)`) go.
#[derive(Debug, Default)]
pub struct Footnotes {
    next: usize,
    /// Footnotes not yet placed on the page.
    pub pending: Vec<Footnote>,
    /// The href of each declaration id a cross-reference may name, from this page.
    pub links: std::collections::BTreeMap<String, String>,
}

impl Footnotes {
    /// A page's rendering state, with the hrefs its cross-references go to.
    pub fn with_links(links: std::collections::BTreeMap<String, String>) -> Footnotes {
        Footnotes { links, ..Default::default() }
    }

    /// Takes the footnotes collected since the last call, to list them after a chapter.
    pub fn take(&mut self) -> Vec<Footnote> {
        std::mem::take(&mut self.pending)
    }
}

/// Renders prose. `heading_level` is the level of `## ` sub-headings in this place.
pub fn prose(p: &Prose, notes: &mut Footnotes, heading_level: u8) -> String {
    // Labels are local to one text; numbers are the page's.
    let mut numbers: Vec<(String, usize)> = Vec::new();
    for (label, content) in &p.footnotes {
        notes.next += 1;
        let n = notes.next;
        numbers.push((label.clone(), n));
        let html = inlines(content, &[], &mut Vec::new(), &notes.links);
        notes.pending.push(Footnote { number: n, html, refs: Vec::new() });
    }
    let mut refs: Vec<(usize, String)> = Vec::new();
    let mut out = String::new();
    for b in &p.blocks {
        match b {
            Block::Paragraph { content } => {
                out.push_str("<p>");
                out.push_str(&inlines(content, &numbers, &mut refs, &notes.links));
                out.push_str("</p>\n");
            }
            Block::Heading { content } => {
                let level = heading_level.min(6);
                out.push_str(&format!("<h{level}>{}</h{level}>\n", inlines(content, &numbers, &mut refs, &notes.links)));
            }
            Block::List(l) => list(&mut out, l, &numbers, &mut refs, &notes.links),
        }
    }
    for (n, id) in refs {
        if let Some(f) = notes.pending.iter_mut().find(|f| f.number == n) {
            f.refs.push(id);
        }
    }
    out
}

type Links = std::collections::BTreeMap<String, String>;

fn list(out: &mut String, l: &List, numbers: &[(String, usize)], refs: &mut Vec<(usize, String)>, links: &Links) {
    let tag = if l.ordered { "ol" } else { "ul" };
    out.push_str(&format!("<{tag}>\n"));
    for item in &l.items {
        out.push_str("<li>");
        out.push_str(&inlines(&item.content, numbers, refs, links));
        for c in &item.children {
            out.push('\n');
            list(out, c, numbers, refs, links);
        }
        out.push_str("</li>\n");
    }
    out.push_str(&format!("</{tag}>\n"));
}

fn inlines(is: &[Inline], numbers: &[(String, usize)], refs: &mut Vec<(usize, String)>, links: &Links) -> String {
    let mut out = String::new();
    for i in is {
        match i {
            Inline::Text { text } => out.push_str(&escape(text)),
            Inline::Strong { text } => out.push_str(&format!("<strong>{}</strong>", escape(text))),
            // A cross-reference names a declaration; `check` has made sure it has a place to go.
            Inline::Link { text, url } if url.starts_with('#') => match links.get(&url[1..]) {
                Some(href) => out.push_str(&format!("<a href=\"{}\">{}</a>", escape(href), escape(text))),
                None => out.push_str(&escape(text)),
            },
            Inline::Link { text, url } => out.push_str(&format!("<a href=\"{}\">{}</a>", escape(url), escape(text))),
            Inline::FootnoteRef { label } => {
                if let Some((_, n)) = numbers.iter().find(|(l, _)| l == label) {
                    let seen = refs.iter().filter(|(m, _)| m == n).count();
                    let id = if seen == 0 { format!("fnref-{n}") } else { format!("fnref-{n}-{}", seen + 1) };
                    out.push_str(&format!("<sup class=\"fnref\"><a id=\"{id}\" href=\"#fn-{n}\">{n}</a></sup>"));
                    refs.push((*n, id));
                }
            }
        }
    }
    out
}

const MONTHS_EN: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const MONTHS_CY: [&str; 12] =
    ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr"];

/// "1 April 2014" / "1 Ebrill 2014".
pub fn date(d: &crate::syntax::ast::Date, lang: Lang) -> String {
    let months = match lang {
        Lang::En => MONTHS_EN,
        Lang::Cy => MONTHS_CY,
    };
    let m = months.get((d.month as usize).wrapping_sub(1)).copied().unwrap_or("?");
    format!("{} {} {}", d.day, m, d.year)
}

/// A target value as people write it: 98.5, 3, 0.3.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v}");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::prose::parse;

    #[test]
    fn escapes_everything_and_numbers_footnotes_across_texts() {
        let mut notes = Footnotes::default();
        let a = prose(&parse("<b>x</b> & y[^a]\n\n[^a]: note <i>").unwrap(), &mut notes, 4);
        assert!(a.contains("&lt;b&gt;x&lt;/b&gt; &amp; y"));
        assert!(a.contains("href=\"#fn-1\""));
        let b = prose(&parse("again[^z]\n\n[^z]: second").unwrap(), &mut notes, 4);
        assert!(b.contains("href=\"#fn-2\""));
        let fs = notes.take();
        assert_eq!(fs.len(), 2);
        assert_eq!(fs[0].html, "note &lt;i&gt;");
    }

    #[test]
    fn welsh_dates() {
        let d = crate::syntax::ast::Date { year: 2014, month: 4, day: 1 };
        assert_eq!(date(&d, Lang::Cy), "1 Ebrill 2014");
        assert_eq!(date(&d, Lang::En), "1 April 2014");
    }
}
