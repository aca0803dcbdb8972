//! From pest's parse tree to the typed syntax tree.
//!
//! The grammar is deliberately generic about fields (`name value`), so that a misspelt field
//! is an "unknown field, did you mean …" and not a parse error pointing at the wrong place.
//! This file turns pest's pairs into raw entries (fields, rules, scopes, conditions);
//! [`reader`] reads a field's value as the field takes it, and [`body`] assembles each kind of
//! declaration. Which fields each kind has is the table in `syntax/fields.rs`.

mod body;
mod reader;

use super::ast::*;
use super::split::Chunk;
use super::text;
use super::{SyntaxError, MAX_PARSER_CALLS};
use crate::diagnostics::suggest;
use crate::source::{FileId, Span, Spanned};
use pest::iterators::Pair;
use pest::Parser;
use std::sync::Arc;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/intent.pest"]
struct IntentParser;

type P<'i> = Pair<'i, Rule>;

/// Context threaded through lowering: which file, where the chunk starts, and the errors.
struct Cx<'e> {
    file: FileId,
    /// The whole file's text: the texts of the tree are slices of it.
    source: &'e Arc<str>,
    base: usize,
    errors: &'e mut Vec<SyntaxError>,
    /// A value was unreadable (a number too large): the declaration is reported broken rather
    /// than checked with a made-up value, which would only add knock-on errors.
    unreadable: bool,
}

impl Cx<'_> {
    fn span(&self, p: &P) -> Span {
        let s = p.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }
    fn ident(&self, p: &P) -> Ident {
        Ident { name: p.as_str().to_string(), span: self.span(p) }
    }
}

/// Only the pest parse of one declaration, with no lowering: for measuring the grammar
/// alone. Returns the number of pairs pest produced, or `None` if it failed.
pub fn pest_only(text: &str, chunk: &Chunk) -> Option<usize> {
    pest::set_call_limit(std::num::NonZeroUsize::new(MAX_PARSER_CALLS));
    IntentParser::parse(Rule::unit, &text[chunk.start..chunk.end]).ok().map(|pairs| pairs.flatten().count())
}

/// Parses and lowers one declaration. Returns `None` (after reporting) when it is broken.
pub fn declaration(file: FileId, text: &Arc<str>, chunk: &Chunk, errors: &mut Vec<SyntaxError>) -> Option<Declaration> {
    pest::set_call_limit(std::num::NonZeroUsize::new(MAX_PARSER_CALLS));
    let source = &text[chunk.start..chunk.end];
    let mut cx = Cx { file, source: text, base: chunk.start, errors, unreadable: false };
    let unit = match IntentParser::parse(Rule::unit, source) {
        Ok(mut pairs) => pairs.next()?,
        Err(e) => {
            cx.errors.push(pest_error(&cx, source, &e, &chunk.header));
            return None;
        }
    };
    let decl = unit.into_inner().find(|p| p.as_rule() == Rule::declaration)?;
    lower_declaration(&mut cx, decl)
}

// ------------------------------------------------------------------ pest errors in words

fn describe(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::declaration | Rule::keyword => "a declaration, like `intention 1a {`",
        Rule::id | Rule::rule_target => "an id, like `1a` or `CU001`",
        Rule::block | Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::field | Rule::field_name | Rule::nested => "a field, like `title { en \"…\" cy \"…\" }`",
        Rule::rule | Rule::verb => "a rule (`invest`, `avoid` or `note`)",
        Rule::scope | Rule::band_scope | Rule::when_scope => "a scope (`in band …` or `when …`)",
        Rule::condition_field => "a condition (`when …` or `unless …`)",
        Rule::phrases | Rule::phrase | Rule::bilingual => "a value",
        Rule::lang_text | Rule::lang_tag | Rule::lang => "a language and its text, like `en \"…\"`",
        Rule::string | Rule::simple_string | Rule::triple_string => "a text in quotes",
        Rule::number | Rule::percent => "a number",
        Rule::date | Rule::period => "a date, like `2014-04-01`",
        Rule::range | Rule::dotdot_range => "a range, like `0 ..= 24`",
        Rule::comparison | Rule::cmp_op => "a comparison (`==`, `!=`, `<`, `<=`, `>`, `>=`)",
        Rule::condition | Rule::conjunction | Rule::negation | Rule::test => "a condition, like `ogrs3 >= 25`",
        Rule::attr => "a word",
        Rule::set => "a list in brackets, like `[theft, shoplifting]`",
        Rule::in_op => "`in`",
        Rule::and_op | Rule::or_op => "`and` or `or`",
        Rule::as_kw => "`as`",
        Rule::EOI => "the end of the declaration",
        _ => return None,
    })
}

fn found_at(source: &str, pos: usize) -> String {
    let rest = source.get(pos..).unwrap_or("");
    match rest.chars().next() {
        None => "the end of the file".to_string(),
        Some('\n') | Some('\r') => "the end of the line".to_string(),
        Some(c) if c.is_alphanumeric() || c == '_' => {
            let word: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.').take(40).collect();
            format!("`{word}`")
        }
        Some(c) => format!("`{c}`"),
    }
}

/// A word of advice for the mistakes authors really make at this point.
fn hint(source: &str, pos: usize) -> Option<String> {
    let before = source.get(..pos)?.trim_end();
    let next = source.get(pos..)?.chars().next();
    // The last ten bytes may start inside a multi-byte character (`"ôabcdefgh"`): `get`
    // answers `None` there instead of panicking, and no date ends that way.
    let after_date = before
        .len()
        .checked_sub(10)
        .and_then(|start| before.get(start..))
        .is_some_and(|tail| tail.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() }));
    Some(match next? {
        ':' => "fields are written `name value`, without a colon (this is not YAML)".into(),
        '-' if after_date => "a period is written `2014-04-01 .. 2015-03-31`".into(),
        '=' => "compare with `==`; a field takes its value without `=`".into(),
        '{' if before.ends_with(['{']) || before.split_whitespace().count() == 1 => {
            "a declaration is `kind id {`: the id is missing".into()
        }
        '\n' | '\r' if before.ends_with(['<', '>', '=']) => "a comparison needs a value after it, like `ogrs3 >= 25`".into(),
        _ => return None,
    })
}

fn pest_error(cx: &Cx, source: &str, e: &pest::error::Error<Rule>, header: &Option<(String, String)>) -> SyntaxError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    // pest reports positions on character boundaries; `get` keeps a surprise from panicking.
    let width = source.get(pos..).and_then(|r| r.chars().next()).map_or(0, char::len_utf8);
    let at = Span::new(cx.file, cx.base + pos, cx.base + pos + width);
    match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut expected: Vec<&'static str> = positives.iter().filter_map(|r| describe(*r)).collect();
            expected.sort();
            expected.dedup();
            // A long list of alternatives helps nobody: past four, the hint says more.
            if expected.len() > 4 {
                expected = vec!["the end of the entry (a new line, `;` or `}`)"];
            }
            SyntaxError::Unexpected { at, expected, found: found_at(source, pos), context: header.clone(), hint: hint(source, pos) }
        }
        // The only custom error pest raises is the call limit.
        pest::error::ErrorVariant::CustomError { .. } => SyntaxError::TooComplex { at, header: header.clone() },
    }
}

// ------------------------------------------------------------------ raw entries

#[derive(Debug, Clone)]
enum Item {
    Id(String),
    /// The value and its text as written (an id such as `2013.6` is read as a number).
    Number(f64, String),
    Percent(f64),
    Date,
    Period(Date, Date),
    Range(f64, f64),
    DotDot(String, String),
    Compare(CmpOp, f64),
    Str(LangText),
}

impl Item {
    fn describe(&self) -> String {
        match self {
            Item::Id(s) => format!("`{s}`"),
            Item::Number(_, t) => format!("the number {t}"),
            Item::Percent(n) => format!("{n}%"),
            Item::Date => "a date".into(),
            Item::Period(..) => "a period of dates".into(),
            Item::Range(..) | Item::DotDot(..) => "a range".into(),
            Item::Compare(..) => "a comparison".into(),
            Item::Str(_) => "a text in quotes".into(),
        }
    }
}

#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Value {
    Text(Text),
    Phrases(Vec<Vec<Spanned<Item>>>),
}

#[derive(Debug, Clone)]
struct Field {
    name: String,
    name_span: Span,
    span: Span,
    value: Value,
}

#[derive(Debug, Clone)]
enum Entry {
    Field(Field),
    Nested { kind: Spanned<String>, id: Ident, entries: Vec<Entry>, span: Span },
    Rule { verb: Spanned<Verb>, number: Option<Spanned<u32>>, target: Option<Ident>, entries: Vec<Entry>, span: Span },
    Scope { kind: ScopeKind, entries: Vec<Entry>, span: Span },
    Condition { unless: bool, condition: Spanned<Condition>, keyword: Span },
}

fn block(cx: &mut Cx, p: P) -> Vec<Entry> {
    p.into_inner().filter_map(|e| entry(cx, e)).collect()
}

fn entry(cx: &mut Cx, p: P) -> Option<Entry> {
    let span = cx.span(&p);
    Some(match p.as_rule() {
        Rule::field => {
            let mut inner = p.into_inner();
            let name = inner.next()?;
            let value = inner.next()?;
            let value = match value.as_rule() {
                Rule::bilingual => Value::Text(bilingual(cx, value, name.as_str())),
                _ => Value::Phrases(value.into_inner().map(|ph| ph.into_inner().filter_map(|i| item(cx, i)).collect()).collect()),
            };
            Entry::Field(Field { name: name.as_str().to_string(), name_span: cx.span(&name), span, value })
        }
        Rule::nested => {
            let mut inner = p.into_inner();
            let kind = inner.next()?;
            let id = inner.next()?;
            let entries = block(cx, inner.next()?);
            Entry::Nested { kind: Spanned::new(kind.as_str().to_string(), cx.span(&kind)), id: cx.ident(&id), entries, span }
        }
        Rule::rule => {
            let mut verb = None;
            let mut number = None;
            let mut target = None;
            let mut entries = Vec::new();
            for part in p.into_inner() {
                match part.as_rule() {
                    Rule::verb => {
                        let v = match part.as_str() {
                            "invest" => Verb::Invest,
                            "avoid" => Verb::Avoid,
                            _ => Verb::Note,
                        };
                        verb = Some(Spanned::new(v, cx.span(&part)));
                    }
                    Rule::rule_number => match part.as_str().parse() {
                        Ok(n) => number = Some(Spanned::new(n, cx.span(&part))),
                        Err(_) => cx.errors.push(SyntaxError::InvalidValue {
                            at: cx.span(&part),
                            field: "rule number".into(),
                            expected: "a whole number".into(),
                            found: format!("`{}`", part.as_str()),
                        }),
                    },
                    Rule::rule_target => target = Some(cx.ident(&part)),
                    Rule::block => entries = block(cx, part),
                    _ => {}
                }
            }
            Entry::Rule { verb: verb?, number, target, entries, span }
        }
        Rule::scope => {
            let mut inner = p.into_inner();
            let head = inner.next()?;
            let kind = match head.as_rule() {
                Rule::band_scope => ScopeKind::Bands(head.into_inner().map(|i| cx.ident(&i)).collect()),
                _ => {
                    let mut parts = head.into_inner();
                    let _when = parts.next();
                    let cond = parts.next()?;
                    let condition = Spanned::new(condition(cx, cond.clone()), cx.span(&cond));
                    let name = parts.find(|p| p.as_rule() == Rule::id).map(|p| cx.ident(&p));
                    ScopeKind::When { condition, name }
                }
            };
            let entries = block(cx, inner.next()?);
            Entry::Scope { kind, entries, span }
        }
        Rule::condition_field => {
            let mut inner = p.into_inner();
            let kw = inner.next()?;
            let cond = inner.next()?;
            Entry::Condition {
                unless: kw.as_str() == "unless",
                condition: Spanned::new(condition(cx, cond.clone()), cx.span(&cond)),
                keyword: cx.span(&kw),
            }
        }
        _ => return None,
    })
}

fn number(cx: &mut Cx, p: &P) -> f64 {
    let s = p.as_str().trim_end_matches('%');
    let shown = || {
        // A number can be thousands of digits long; the message shows its start.
        let head: String = s.chars().take(24).collect();
        if head.len() < s.len() {
            format!("`{head}…` ({} digits)", s.chars().filter(char::is_ascii_digit).count())
        } else {
            format!("`{s}`")
        }
    };
    match s.parse::<f64>() {
        // Bounded so that every later step (whole-number intervals, `n + 1` at a bound, the
        // bundle's JSON) works on exact values and cannot overflow.
        Ok(n) if n.abs() < super::MAX_NUMBER => n,
        Ok(_) => {
            cx.unreadable = true;
            cx.errors.push(SyntaxError::InvalidValue {
                at: cx.span(p),
                field: "number".into(),
                expected: format!("a number with at most {} digits before the point", super::MAX_NUMBER.log10() as u32),
                found: shown(),
            });
            0.0
        }
        Err(_) => {
            cx.unreadable = true;
            cx.errors.push(SyntaxError::InvalidValue {
                at: cx.span(p),
                field: "number".into(),
                expected: "a number".into(),
                found: shown(),
            });
            0.0
        }
    }
}

fn date(cx: &mut Cx, p: &P) -> Date {
    let s = p.as_str();
    let (y, m, d) = (s[0..4].parse().unwrap_or(0), s[5..7].parse().unwrap_or(0), s[8..10].parse().unwrap_or(0));
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    };
    if d == 0 || d > days_in_month {
        cx.errors.push(SyntaxError::InvalidValue {
            at: cx.span(p),
            field: "date".into(),
            expected: "a real date (YYYY-MM-DD)".into(),
            found: format!("`{s}`"),
        });
    }
    Date { year: y, month: m, day: d }
}

fn item(cx: &mut Cx, p: P) -> Option<Spanned<Item>> {
    let span = cx.span(&p);
    let it = match p.as_rule() {
        Rule::id => Item::Id(p.as_str().to_string()),
        Rule::number => Item::Number(number(cx, &p), p.as_str().to_string()),
        Rule::percent => Item::Percent(number(cx, &p)),
        Rule::date => {
            date(cx, &p);
            Item::Date
        }
        Rule::period => {
            let mut i = p.into_inner();
            let (a, b) = (i.next()?, i.next()?);
            Item::Period(date(cx, &a), date(cx, &b))
        }
        Rule::range => {
            let mut i = p.into_inner();
            let (a, b) = (i.next()?, i.next()?);
            Item::Range(number(cx, &a), number(cx, &b))
        }
        Rule::dotdot_range => {
            let mut i = p.into_inner();
            let (a, b) = (i.next()?, i.next()?);
            Item::DotDot(a.as_str().to_string(), b.as_str().to_string())
        }
        Rule::comparison => {
            let mut i = p.into_inner();
            let (op, n) = (i.next()?, i.next()?);
            Item::Compare(cmp_op(op.as_str()), number(cx, &n))
        }
        Rule::string => Item::Str(string(cx, p)?),
        _ => return None,
    };
    Some(Spanned::new(it, span))
}

fn cmp_op(s: &str) -> CmpOp {
    match s {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

fn string(cx: &mut Cx, p: P) -> Option<LangText> {
    let span = cx.span(&p);
    let inner = p.into_inner().next()?;
    let raw = inner.as_str();
    Some(if inner.as_rule() == Rule::triple_string {
        if let Some(tab) = text::tab_in_indentation(&raw[3..raw.len() - 3]) {
            let at = span.start() + 3 + tab;
            cx.errors.push(SyntaxError::TabIndentation {
                at: Span::new(cx.file, at, at + 1),
                text: Span::new(cx.file, span.start(), span.start() + 3),
            });
        }
        LangText::block(cx.source, span)
    } else if !raw.contains('\\') {
        LangText::plain(cx.source, span)
    } else {
        match text::unescape(&raw[1..raw.len() - 1], span.start() + 1) {
            Ok(value) => LangText::escaped(cx.source, span, value),
            Err((at, c)) => {
                cx.errors.push(SyntaxError::BadEscape { at: Span::new(cx.file, at, at + 1 + c.len_utf8()), found: c });
                LangText::plain(cx.source, span)
            }
        }
    })
}

/// A `{ en "…" cy "…" }` block, the value of the field `field`.
fn bilingual(cx: &mut Cx, p: P, field: &str) -> Text {
    let span = cx.span(&p);
    let mut en: Option<LangText> = None;
    let mut cy: Option<LangText> = None;
    for lt in p.into_inner().filter(|p| p.as_rule() == Rule::lang_text) {
        let mut inner = lt.into_inner();
        let (Some(tag), Some(s)) = (inner.next(), inner.next()) else {
            continue;
        };
        let tag_span = cx.span(&tag);
        let mut parts = tag.into_inner();
        let Some(lang) = parts.next() else { continue };
        let stamp = parts.next().map(|s| Spanned::new(&s.as_str()[1..], cx.span(&s)));
        let Some(mut text) = string(cx, s) else {
            continue;
        };
        if let Some(st) = &stamp {
            if st.node.len() != text::STAMP_LEN || lang.as_str() != "cy" {
                cx.errors.push(SyntaxError::InvalidLanguage {
                    at: st.span,
                    found: format!("@{}", st.node),
                    problem: if lang.as_str() != "cy" {
                        "only a Welsh text records the English it was made from".into()
                    } else {
                        format!("a stamp is {} hex digits; run `intentc welsh stamp` to write it", text::STAMP_LEN)
                    },
                });
            }
        }
        // The stamp is read from the tag's text when asked (`LangText::stamp`).
        text.set_tag(tag_span);
        let slot = match lang.as_str() {
            "en" => &mut en,
            "cy" => &mut cy,
            other => {
                cx.errors.push(SyntaxError::InvalidLanguage {
                    at: tag_span,
                    found: other.to_string(),
                    problem: format!("`{other}` is not a language of the document: use `en` or `cy`"),
                });
                continue;
            }
        };
        if slot.is_some() {
            cx.errors.push(SyntaxError::InvalidLanguage {
                at: tag_span,
                found: lang.as_str().to_string(),
                problem: format!("`{}` is given twice in one text", lang.as_str()),
            });
            continue;
        }
        *slot = Some(text);
    }
    // The English is the source every other language is made from: with only Welsh, the
    // English edition would have a blank where the text stands.
    if let (None, Some(cy)) = (&en, &cy) {
        cx.errors.push(SyntaxError::NoEnglish { at: cy.tag().to(cy.span), field: field.to_string() });
    }
    Text { en, cy, span, neutral: false }
}

// ------------------------------------------------------------------ conditions

fn condition(cx: &mut Cx, p: P) -> Condition {
    match p.as_rule() {
        Rule::condition => {
            let mut parts: Vec<Condition> = p.into_inner().filter(|q| q.as_rule() == Rule::conjunction).map(|q| condition(cx, q)).collect();
            if parts.len() == 1 {
                parts.pop().unwrap()
            } else {
                Condition::Or(parts)
            }
        }
        Rule::conjunction => {
            let mut parts: Vec<Condition> = p.into_inner().filter(|q| q.as_rule() == Rule::negation).map(|q| condition(cx, q)).collect();
            if parts.len() == 1 {
                parts.pop().unwrap()
            } else {
                Condition::And(parts)
            }
        }
        Rule::negation => {
            let mut nots = 0;
            let mut inner = None;
            for q in p.into_inner() {
                match q.as_rule() {
                    Rule::not_op => nots += 1,
                    _ => inner = Some(condition(cx, q)),
                }
            }
            // `not not x` is `x`: folding keeps the tree shallow whatever the author wrote.
            let inner = inner.unwrap_or(Condition::And(Vec::new()));
            if nots % 2 == 1 {
                Condition::Not(Box::new(inner))
            } else {
                inner
            }
        }
        Rule::test => {
            let span = cx.span(&p);
            let mut inner = p.into_inner();
            let attr = inner.next().map(|a| cx.ident(&a)).unwrap_or(Ident { name: String::new(), span });
            let op = match inner.next() {
                None => TestOp::Flag,
                Some(op) if op.as_rule() == Rule::cmp_op => match inner.next() {
                    Some(v) => TestOp::Compare(cmp_op(op.as_str()), operand(cx, v)),
                    None => TestOp::Flag,
                },
                Some(_in) => match inner.next() {
                    Some(r) if r.as_rule() == Rule::range => {
                        let rspan = cx.span(&r);
                        let mut i = r.into_inner();
                        let a = i.next().map(|a| number(cx, &a)).unwrap_or(0.0);
                        let b = i.next().map(|b| number(cx, &b)).unwrap_or(0.0);
                        TestOp::InRange(Spanned::new((a, b), rspan))
                    }
                    Some(r) if r.as_rule() == Rule::dotdot_range => {
                        let rspan = cx.span(&r);
                        let mut i = r.into_inner();
                        let a = i.next().map(|a| a.as_str().to_string()).unwrap_or_default();
                        let b = i.next().map(|b| b.as_str().to_string()).unwrap_or_default();
                        cx.errors.push(SyntaxError::ExclusiveRange { at: rspan, from: a, to: b });
                        TestOp::InSet(Vec::new())
                    }
                    Some(set) => TestOp::InSet(set.into_inner().map(|v| operand(cx, v)).collect()),
                    None => TestOp::Flag,
                },
            };
            Condition::Test(Test { attr, op, span })
        }
        // `( condition )` arrives as the inner condition.
        _ => Condition::And(Vec::new()),
    }
}

fn operand(cx: &mut Cx, p: P) -> Spanned<Operand> {
    let span = cx.span(&p);
    let v = match p.as_rule() {
        Rule::number | Rule::percent => Operand::Number(number(cx, &p)),
        _ => Operand::Word(p.as_str().to_string()),
    };
    Spanned::new(v, span)
}

fn lower_declaration(cx: &mut Cx, p: P) -> Option<Declaration> {
    let span = cx.span(&p);
    let mut inner = p.into_inner();
    let kw = inner.next()?;
    let id_pair = inner.next()?;
    let id = cx.ident(&id_pair);
    let mut entries = block(cx, inner.next()?);
    let kind = Spanned::new(kw.as_str().to_string(), cx.span(&kw));
    let header = kind.span.to(id.span);
    if !DECLARATION_KINDS.contains(&kind.node.as_str()) {
        cx.errors.push(SyntaxError::UnknownDeclaration {
            at: kind.span,
            found: kind.node.clone(),
            suggestion: suggest(&kind.node, DECLARATION_KINDS),
        });
        return None;
    }
    let body = body::lower_body(cx, &kind.node, &id, header, &mut entries)?;
    (!cx.unreadable).then_some(Declaration { kind, id, span, body })
}
