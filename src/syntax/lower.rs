//! From pest's parse tree to the typed syntax tree.
//!
//! The grammar is deliberately generic about fields (`name value`), so that a misspelt field
//! is an "unknown field, did you mean …" and not a parse error pointing at the wrong place.
//! This module holds the schema: which fields each kind of declaration has, and what each
//! field's value may be.

use super::ast::{self, *};
use super::split::Chunk;
use super::text;
use super::{SyntaxError, MAX_PARSER_CALLS};
use crate::diagnostics::suggest;
use crate::source::{FileId, Span, Spanned};
use pest::iterators::Pair;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/intent.pest"]
struct IntentParser;

type P<'i> = Pair<'i, Rule>;

/// Context threaded through lowering: which file, where the chunk starts, and the errors.
struct Cx<'e> {
    file: FileId,
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
pub fn declaration(file: FileId, text: &str, chunk: &Chunk, errors: &mut Vec<SyntaxError>) -> Option<Declaration> {
    pest::set_call_limit(std::num::NonZeroUsize::new(MAX_PARSER_CALLS));
    let source = &text[chunk.start..chunk.end];
    let mut cx = Cx { file, base: chunk.start, errors, unreadable: false };
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
                Rule::bilingual => Value::Text(bilingual(cx, value)),
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
    let (value, line_map) = if inner.as_rule() == Rule::triple_string {
        if let Some(tab) = text::tab_in_indentation(&raw[3..raw.len() - 3]) {
            let at = span.start + 3 + tab;
            cx.errors.push(SyntaxError::TabIndentation {
                at: Span::new(cx.file, at, at + 1),
                text: Span::new(cx.file, span.start, span.start + 3),
            });
        }
        text::dedent(&raw[3..raw.len() - 3], span.start + 3)
    } else {
        match text::unescape(&raw[1..raw.len() - 1], span.start + 1) {
            Ok(v) => v,
            Err((at, c)) => {
                cx.errors.push(SyntaxError::BadEscape { at: Span::new(cx.file, at, at + 1 + c.len_utf8()), found: c });
                (raw[1..raw.len() - 1].to_string(), vec![(0, span.start + 1)])
            }
        }
    };
    Some(LangText {
        value,
        span,
        stamp: None,
        // A plain string has no tag; `bilingual` sets it.
        tag: Span::new(span.file, span.start, span.start),
        line_map,
    })
}

fn bilingual(cx: &mut Cx, p: P) -> Text {
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
        let stamp = parts.next().map(|s| Spanned::new(s.as_str()[1..].to_string(), cx.span(&s)));
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
        text.stamp = stamp;
        text.tag = tag_span;
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

// ------------------------------------------------------------------ typed declarations

/// The fields of one declaration, consumed one by one by the typed lowering. Whatever is
/// left at the end is an unknown field.
struct Fields<'a, 'e> {
    cx: &'a mut Cx<'e>,
    kind: String,
    id: String,
    header: Span,
    fields: Vec<Field>,
    allowed: Vec<&'static str>,
    failed: bool,
    /// Required fields not found, reported by `finish` unless a misspelt field explains them.
    missing: Vec<(&'static str, String)>,
}

impl<'a, 'e> Fields<'a, 'e> {
    fn new(cx: &'a mut Cx<'e>, kind: &str, id: &Ident, header: Span, entries: &[Entry]) -> Self {
        let fields = entries
            .iter()
            .filter_map(|e| match e {
                Entry::Field(f) => Some(f.clone()),
                _ => None,
            })
            .collect();
        Fields { cx, kind: kind.to_string(), id: id.name.clone(), header, fields, allowed: Vec::new(), failed: false, missing: Vec::new() }
    }

    fn take(&mut self, name: &'static str) -> Option<Field> {
        self.allowed.push(name);
        let mut found = self.fields.iter().enumerate().filter(|(_, f)| f.name == name).map(|(i, _)| i);
        let first = found.next()?;
        let dups: Vec<usize> = found.collect();
        for &d in &dups {
            self.cx.errors.push(SyntaxError::DuplicateField {
                at: self.fields[d].name_span,
                first: self.fields[first].name_span,
                field: name.to_string(),
            });
        }
        let f = self.fields[first].clone();
        self.fields.retain(|f| f.name != name);
        Some(f)
    }

    fn missing(&mut self, field: &'static str, example: &str) {
        self.failed = true;
        self.missing.push((field, example.to_string()));
    }

    fn invalid(&mut self, f: &Field, at: Span, expected: &str, found: String) {
        self.failed = true;
        self.cx.errors.push(SyntaxError::InvalidValue { at, field: f.name.clone(), expected: expected.to_string(), found });
    }

    /// The items of a field that takes a single phrase.
    fn phrase(&mut self, f: &Field, expected: &str) -> Option<Vec<Spanned<Item>>> {
        match &f.value {
            Value::Phrases(ps) if ps.len() == 1 => Some(ps[0].clone()),
            Value::Phrases(_) => {
                self.invalid(f, f.span, expected, "a list".into());
                None
            }
            Value::Text(t) => {
                self.invalid(f, t.span, expected, "a text block".into());
                None
            }
        }
    }

    fn single(&mut self, f: &Field, expected: &str) -> Option<Spanned<Item>> {
        let items = self.phrase(f, expected)?;
        if items.len() != 1 {
            let span = items[0].span.to(items[items.len() - 1].span);
            self.invalid(f, span, expected, format!("{} values (put each field on its own line)", items.len()));
            return None;
        }
        items.into_iter().next()
    }

    fn text(&mut self, name: &'static str) -> Option<Text> {
        let f = self.take(name)?;
        match &f.value {
            Value::Text(t) => Some(t.clone()),
            Value::Phrases(ps) => match ps.as_slice() {
                [p] if p.len() == 1 => match &p[0].node {
                    // A plain string is English only; the Welsh checks report it.
                    Item::Str(s) => Some(Text { en: Some(s.clone()), cy: None, span: p[0].span, neutral: false }),
                    other => {
                        self.invalid(&f, p[0].span, "a text, like `{ en \"…\" cy \"…\" }`", other.describe());
                        None
                    }
                },
                _ => {
                    self.invalid(&f, f.span, "a text, like `{ en \"…\" cy \"…\" }`", "several values".into());
                    None
                }
            },
        }
    }

    fn req_text(&mut self, name: &'static str) -> Option<Text> {
        let had = self.fields.iter().any(|f| f.name == name);
        let t = self.text(name);
        if t.is_none() && !had {
            self.missing(name, &format!("{name} {{ en \"…\" cy \"…\" }}"));
        }
        t
    }

    /// A language-neutral string (paths, abbreviations); a bilingual block is also accepted.
    fn neutral(&mut self, name: &'static str) -> Option<Text> {
        let f = self.take(name)?;
        match &f.value {
            Value::Text(t) => Some(t.clone()),
            _ => match self.single(&f, "a text in quotes")? {
                Spanned { node: Item::Str(s), span } => Some(Text { en: Some(s.clone()), cy: Some(s), span, neutral: true }),
                other => {
                    self.invalid(&f, other.span, "a text in quotes", other.node.describe());
                    None
                }
            },
        }
    }

    fn string(&mut self, name: &'static str) -> Option<Spanned<String>> {
        let f = self.take(name)?;
        match self.single(&f, "a text in quotes")? {
            Spanned { node: Item::Str(s), span } => Some(Spanned::new(s.value, span)),
            Spanned { node: Item::Id(s), span } => Some(Spanned::new(s, span)),
            other => {
                self.invalid(&f, other.span, "a text in quotes", other.node.describe());
                None
            }
        }
    }

    fn ident_of(&mut self, f: &Field, item: &Spanned<Item>) -> Option<Ident> {
        match &item.node {
            Item::Id(s) => Some(Ident { name: s.clone(), span: item.span }),
            // `under 1`, `continued_by 2013.6`: ids that look like numbers.
            Item::Number(_, text) => Some(Ident { name: text.clone(), span: item.span }),
            other => {
                let d = other.describe();
                self.invalid(f, item.span, "an id", d);
                None
            }
        }
    }

    fn ident(&mut self, name: &'static str) -> Option<Ident> {
        let f = self.take(name)?;
        let item = self.single(&f, "an id")?;
        self.ident_of(&f, &item)
    }

    fn req_ident(&mut self, name: &'static str, example: &'static str) -> Option<Ident> {
        let had = self.fields.iter().any(|f| f.name == name);
        let i = self.ident(name);
        if i.is_none() && !had {
            self.missing(name, example);
        }
        i
    }

    fn idents(&mut self, name: &'static str) -> (Vec<Ident>, Option<Span>) {
        let Some(f) = self.take(name) else {
            return (Vec::new(), None);
        };
        let mut out = Vec::new();
        match &f.value {
            Value::Phrases(ps) => {
                for p in ps {
                    for item in p {
                        if let Some(i) = self.ident_of(&f, item) {
                            out.push(i);
                        }
                    }
                }
            }
            Value::Text(t) => self.invalid(&f, t.span, "ids separated by commas", "a text block".into()),
        }
        (out, Some(f.span))
    }

    fn word<T: Copy>(&mut self, f: &Field, item: &Spanned<Item>, table: &[(&str, T)]) -> Option<T> {
        let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
        let expected = format!("one of {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "));
        match &item.node {
            Item::Id(w) => match table.iter().find(|(n, _)| n == w) {
                Some((_, v)) => Some(*v),
                None => {
                    let found = match suggest(w, &names) {
                        Some(s) => format!("`{w}` (did you mean `{s}`?)"),
                        None => format!("`{w}`"),
                    };
                    self.invalid(f, item.span, &expected, found);
                    None
                }
            },
            other => {
                self.invalid(f, item.span, &expected, other.describe());
                None
            }
        }
    }

    fn choice<T: Copy>(&mut self, name: &'static str, table: &[(&str, T)]) -> Option<Spanned<T>> {
        let f = self.take(name)?;
        let item = self.single(&f, "a word")?;
        let v = self.word(&f, &item, table)?;
        Some(Spanned::new(v, item.span))
    }

    fn req_choice<T: Copy>(&mut self, name: &'static str, table: &[(&str, T)], example: &'static str) -> Option<Spanned<T>> {
        let had = self.fields.iter().any(|f| f.name == name);
        let v = self.choice(name, table);
        if v.is_none() && !had {
            self.missing(name, example);
        }
        v
    }

    fn choices<T: Copy>(&mut self, name: &'static str, table: &[(&str, T)]) -> Option<Spanned<Vec<T>>> {
        let f = self.take(name)?;
        let Value::Phrases(ps) = &f.value else {
            self.invalid(&f, f.span, "words separated by commas", "a text block".into());
            return None;
        };
        let mut out = Vec::new();
        for p in ps {
            for item in p {
                if let Some(v) = self.word(&f, item, table) {
                    out.push(v);
                }
            }
        }
        let span = ps.first().and_then(|p| p.first()).map(|i| i.span).unwrap_or(f.span).to(ps
            .last()
            .and_then(|p| p.last())
            .map(|i| i.span)
            .unwrap_or(f.span));
        Some(Spanned::new(out, span))
    }

    fn sessions(&mut self, name: &'static str) -> Option<Spanned<Sessions>> {
        let f = self.take(name)?;
        let item = self.single(&f, "a number of sessions, a range or a comparison")?;
        let s = match &item.node {
            Item::Number(n, _) => Sessions::Exactly(*n),
            Item::Range(a, b) => Sessions::Range(*a, *b),
            Item::Compare(op, n) => Sessions::Compare(*op, *n),
            Item::DotDot(a, b) => {
                self.cx.errors.push(SyntaxError::ExclusiveRange { at: item.span, from: a.clone(), to: b.clone() });
                return None;
            }
            other => {
                self.invalid(&f, item.span, "a number of sessions, a range or a comparison", other.describe());
                return None;
            }
        };
        Some(Spanned::new(s, item.span))
    }

    fn range(&mut self, name: &'static str) -> Option<Spanned<(f64, f64)>> {
        let f = self.take(name)?;
        let item = self.single(&f, "a range, like `0 ..= 24`")?;
        match &item.node {
            Item::Range(a, b) => Some(Spanned::new((*a, *b), item.span)),
            Item::DotDot(a, b) => {
                self.cx.errors.push(SyntaxError::ExclusiveRange { at: item.span, from: a.clone(), to: b.clone() });
                self.failed = true;
                None
            }
            other => {
                let d = other.describe();
                self.invalid(&f, item.span, "a range, like `0 ..= 24`", d);
                None
            }
        }
    }

    /// Reports every field nobody asked for, with a suggestion from the fields this kind has.
    fn finish(self) -> bool {
        let suggested: Vec<String> = self.fields.iter().filter_map(|f| suggest(&f.name, &self.allowed)).collect();
        for (field, example) in &self.missing {
            if !suggested.iter().any(|s| s == field) {
                self.cx.errors.push(SyntaxError::MissingField {
                    at: self.header,
                    kind: self.kind.clone(),
                    id: self.id.clone(),
                    field,
                    example: example.clone(),
                });
            }
        }
        for f in &self.fields {
            let suggestion = suggest(&f.name, &self.allowed);
            let kind = format!("{} {}", self.kind, self.id);
            self.cx.errors.push(SyntaxError::UnknownField {
                at: f.name_span,
                field: f.name.clone(),
                kind,
                of: self.kind.clone(),
                suggestion,
            });
        }
        !self.failed
    }
}

const NATIONS: &[(&str, Nation)] = &[("england", Nation::England), ("wales", Nation::Wales)];
const SETTINGS: &[(&str, Setting)] = &[("custody", Setting::Custody), ("community", Setting::Community)];
const SECTORS: &[(&str, Sector)] = &[("public", Sector::Public), ("private", Sector::Private)];
const YES_NO: &[(&str, bool)] = &[("yes", true), ("no", false)];

fn lower_declaration(cx: &mut Cx, p: P) -> Option<Declaration> {
    let span = cx.span(&p);
    let mut inner = p.into_inner();
    let kw = inner.next()?;
    let id_pair = inner.next()?;
    let id = cx.ident(&id_pair);
    let entries = block(cx, inner.next()?);
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
    let body = lower_body(cx, &kind.node, &id, header, &entries)?;
    (!cx.unreadable).then_some(Declaration { kind, id, span, body })
}

fn lower_body(cx: &mut Cx, kind: &str, id: &Ident, header: Span, entries: &[Entry]) -> Option<Body> {
    let mut fields = Fields::new(cx, kind, id, header, entries);
    // The fields are read in a closure so that a missing required field (`?`) still lets
    // `finish` report the unknown fields: a misspelt `titel` is the likely reason `title` is
    // missing, and "did you mean `title`?" is the useful message.
    let build = |f: &mut Fields| -> Option<Body> {
        Some(match kind {
            "document" => {
                let title = f.req_text("title");
                let commissioner = f.req_ident("commissioner", "commissioner noms");
                let period = f.take("period").and_then(|fl| match f.single(&fl, "a period, like `2014-04-01 .. 2015-03-31`") {
                    Some(Spanned { node: Item::Period(a, b), span }) if b < a => {
                        // Published as written, the period would run backwards on the title page.
                        f.failed = true;
                        f.cx.errors.push(SyntaxError::ReversedPeriod { at: span, from: a, to: b });
                        None
                    }
                    Some(Spanned { node: Item::Period(a, b), span }) => Some(Spanned::new((a, b), span)),
                    Some(other) => {
                        f.invalid(&fl, other.span, "a period, like `2014-04-01 .. 2015-03-31`", other.node.describe());
                        None
                    }
                    None => None,
                });
                if period.is_none() && !f.failed {
                    f.missing("period", "period 2014-04-01 .. 2015-03-31");
                }
                let signed = f.text("signed");
                Body::Document(Document { title: title?, commissioner: commissioner?, period: period?, signed })
            }
            "section" => Body::Section(Section {
                under: f.ident("under"),
                annex: f.string("annex"),
                title: f.req_text("title")?,
                text: f.text("text"),
                includes: f.choice("includes", Generated::ALL),
            }),
            "intention" => {
                let (partners, _) = f.idents("partners");
                let (measured_by, measured_by_span) = f.idents("measured_by");
                Body::Intention(Intention {
                    under: f.ident("under"),
                    theme: f.ident("theme"),
                    setting: f.choice("setting", SETTINGS),
                    applies: f.choices("applies", NATIONS),
                    partners,
                    title: f.req_text("title")?,
                    text: f.text("text"),
                    summary: f.text("summary"),
                    expects: f.text("expects"),
                    measured_by,
                    measured_by_span,
                    unmeasured: f.text("unmeasured"),
                })
            }
            "theme" => Body::Theme(Titled { title: f.req_text("title")? }),
            "heading" => Body::Heading(Titled { title: f.req_text("title")? }),
            "characteristic" => {
                let name = f.text("name");
                if name.is_none() {
                    f.missing("name", "name { en \"Race\" cy \"Hil\" }");
                }
                Body::Characteristic(Titled { title: name? })
            }
            "partner" => {
                let name = f.text("name");
                if name.is_none() {
                    f.missing("name", "name { en \"NHS England\" cy \"GIG Lloegr\" }");
                }
                let short = f.neutral("short");
                let pkind = f.req_choice("kind", PartnerKind::ALL, "kind health_body");
                let applies = f.choices("applies", NATIONS);
                if applies.is_none() {
                    f.missing("applies", "applies england, wales");
                }
                Body::Partner(Partner { name: name?, short, kind: pkind?, applies: applies? })
            }
            "requirement" => {
                let setting = f.req_choice("setting", SETTINGS, "setting custody");
                let heading = f.req_ident("heading", "heading secure_and_decent_custody");
                let outcomes = f.req_text("outcomes");
                let measure = f.req_text("measure");
                let target = target_spec(f);
                let driver = f.req_text("driver");
                Body::Requirement(Requirement {
                    setting: setting?,
                    heading: heading?,
                    outcomes: outcomes?,
                    measure: measure?,
                    target: target?,
                    driver: driver?,
                    sector: f.choices("sector", SECTORS),
                    applies: f.choices("applies", NATIONS),
                    part_of: f.ident("part_of"),
                    no_intention: f.text("no_intention"),
                })
            }
            "service" => {
                let name = f.text("name");
                if name.is_none() {
                    f.missing("name", "name { en \"Thinking Skills Programme\" cy \"…\" }");
                }
                let short = f.neutral("short");
                let skind = f.req_choice("kind", ServiceKind::ALL, "kind accredited_programme");
                Body::Service(Service {
                    name: name?,
                    short,
                    kind: skind?,
                    within: f.ident("within"),
                    sessions: f.sessions("sessions"),
                    text: f.text("text"),
                })
            }
            "attribute" => {
                let name = f.text("name");
                if name.is_none() {
                    f.missing("name", "name { en \"OGRS3 score\" cy \"sgôr OGRS3\" }");
                }
                let ty = attribute_type(f);
                Body::Attribute(Attribute { name: name?, ty: ty? })
            }
            "bands" => {
                let attribute = f.req_ident("attribute", "attribute ogrs3");
                let title = f.req_text("title");
                let mut bands = Vec::new();
                let mut incomplete = false;
                for e in entries {
                    if let Entry::Nested { kind, id, entries, span } = e {
                        if kind.node != "band" {
                            f.cx.errors.push(SyntaxError::UnknownDeclaration {
                                at: kind.span,
                                found: kind.node.clone(),
                                suggestion: Some("band".into()),
                            });
                            continue;
                        }
                        // A band is a range with its title and text: a rule, scope or condition
                        // written inside it would otherwise be silently ignored.
                        reject_others(f.cx, entries, "band", &[Other::Rule, Other::Scope, Other::Condition, Other::Nested]);
                        let mut bf = Fields::new(f.cx, "band", id, kind.span.to(id.span), entries);
                        let range = bf.range("range");
                        if range.is_none() && !bf.failed {
                            bf.missing("range", "range 0 ..= 24");
                        }
                        let title = bf.req_text("title");
                        let text = bf.text("text");
                        match (bf.finish(), range, title) {
                            (true, Some(range), Some(title)) => bands.push(Band { id: id.clone(), range, title, text, span: *span }),
                            _ => incomplete = true,
                        }
                    }
                }
                reject_others(f.cx, entries, "bands", &[Other::Rule, Other::Scope, Other::Condition]);
                Body::Bands(Bands { incomplete, attribute: attribute?, title: title?, bands })
            }
            "targeting" => {
                let under = f.ident("under");
                let part = f.string("part");
                let title = f.req_text("title");
                let text = f.text("text");
                let bands = f.ident("bands");
                let (overrides, _) = f.idents("overrides");
                let items = targeting_items(f.cx, entries);
                Body::Targeting(Targeting { under, part, title: title?, text, bands, overrides, items })
            }
            "establishment" => {
                let name = f.text("name");
                if name.is_none() {
                    f.missing("name", "name { en \"HMP Cardiff\" cy \"CEM Caerdydd\" }");
                }
                let setting = f.req_choice("setting", SETTINGS, "setting custody");
                let sector = f.req_choice("sector", SECTORS, "sector public");
                let applies = f.req_choice("applies", NATIONS, "applies wales");
                let targets = f.string("targets");
                Body::Establishment(Establishment {
                    name: name?,
                    setting: setting?,
                    sector: sector?,
                    applies: applies?,
                    targets,
                    text: f.text("text"),
                })
            }
            "previous_intention" => {
                let number = f.string("number");
                if number.is_none() {
                    f.missing("number", "number \"6a\"");
                }
                let setting = f.choices("setting", SETTINGS);
                if setting.is_none() {
                    f.missing("setting", "setting community, custody");
                }
                let co = f.req_choice("co_commissioned", YES_NO, "co_commissioned no");
                let applies = f.choices("applies", NATIONS);
                if applies.is_none() {
                    f.missing("applies", "applies england, wales");
                }
                let text = f.req_text("text");
                let (continued_by, _) = f.idents("continued_by");
                Body::PreviousIntention(PreviousIntention {
                    number: number?,
                    setting: setting?,
                    co_commissioned: co?,
                    applies: applies?,
                    text: text?,
                    continued_by,
                })
            }
            "term" => {
                let en = term_forms(f, "en");
                let cy = term_forms(f, "cy");
                if en.is_empty() {
                    f.missing("en", "en \"reoffending\"");
                }
                if cy.is_empty() {
                    f.missing("cy", "cy \"aildroseddu\"");
                }
                Body::Term(Term { en, cy })
            }
            _ => return None,
        })
    };
    let body = build(&mut fields);
    if !matches!(kind, "targeting" | "bands") {
        reject_others(fields.cx, entries, kind, &[Other::Rule, Other::Scope, Other::Condition, Other::Nested]);
    }
    let ok = fields.finish();
    body.filter(|_| ok)
}

#[derive(PartialEq)]
enum Other {
    Rule,
    Scope,
    Condition,
    Nested,
}

/// Rules, scopes and nested blocks are only meaningful in some declarations.
fn reject_others(cx: &mut Cx, entries: &[Entry], kind: &str, reject: &[Other]) {
    for e in entries {
        let (what, at) = match e {
            Entry::Rule { verb, .. } if reject.contains(&Other::Rule) => ("a rule", verb.span),
            Entry::Scope { span, .. } if reject.contains(&Other::Scope) => ("a scope", Span::new(span.file, span.start, span.start + 4)),
            Entry::Condition { keyword, .. } if reject.contains(&Other::Condition) => ("a condition", *keyword),
            Entry::Nested { kind: k, .. } if reject.contains(&Other::Nested) => {
                cx.errors.push(SyntaxError::UnknownField {
                    at: k.span,
                    field: k.node.clone(),
                    kind: kind.to_string(),
                    of: kind.to_string(),
                    suggestion: None,
                });
                continue;
            }
            _ => continue,
        };
        cx.errors.push(SyntaxError::NotHere { at, what: what.to_string(), kind: kind.to_string() });
    }
}

fn term_forms(f: &mut Fields, lang: &'static str) -> Vec<Spanned<String>> {
    let Some(field) = f.take(lang) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Value::Phrases(ps) = &field.value {
        for p in ps {
            for item in p {
                match &item.node {
                    Item::Str(s) => out.push(Spanned::new(s.value.clone(), item.span)),
                    other => f.invalid(&field, item.span, "a term in quotes", other.describe()),
                }
            }
        }
    } else {
        f.invalid(&field, field.span, "terms in quotes, separated by commas", "a text block".into());
    }
    out
}

fn target_spec(f: &mut Fields) -> Option<TargetSpec> {
    let Some(field) = f.take("target") else {
        f.missing("target", "target percent at_least");
        return None;
    };
    let items = f.phrase(&field, "a kind of target and a direction, like `percent at_least`")?;
    let span = items[0].span.to(items[items.len() - 1].span);
    let mut it = items.iter();
    let kind = f.word(&field, it.next()?, TargetKind::ALL)?;
    let mut scale = None;
    let mut direction = None;
    for item in it {
        match &item.node {
            Item::Range(a, b) if kind == TargetKind::Rating && scale.is_none() => scale = Some((*a, *b)),
            Item::DotDot(a, b) => f.cx.errors.push(SyntaxError::ExclusiveRange { at: item.span, from: a.clone(), to: b.clone() }),
            Item::Id(_) if direction.is_none() => direction = f.word(&field, item, Direction::ALL),
            other => f.invalid(&field, item.span, "`percent at_least`, `rating 1 ..= 4 at_least` or `fixed`", other.describe()),
        }
    }
    if kind == TargetKind::Rating && scale.is_none() {
        f.invalid(&field, span, "a rating with its scale, like `rating 1 ..= 4 at_least`", "a rating without its scale".into());
    }
    if kind != TargetKind::Fixed && direction.is_none() {
        f.invalid(
            &field,
            span,
            "a direction after the kind: `at_least`, `at_most`, `below` or `exactly`",
            format!("just `{}`", kind.name()),
        );
    }
    Some(TargetSpec { kind, scale, direction, span })
}

fn attribute_type(f: &mut Fields) -> Option<Spanned<AttributeType>> {
    const TYPES: &[(&str, u8)] = &[("percent", 0), ("number", 1), ("level", 2), ("option", 3), ("yes_no", 4)];
    let ty = f.req_choice("type", TYPES, "type percent")?;
    let t = match ty.node {
        0 => AttributeType::Percent,
        1 => {
            let had = f.fields.iter().any(|x| x.name == "range");
            match f.range("range") {
                Some(r) => AttributeType::Number { min: r.node.0, max: r.node.1 },
                None => {
                    if !had {
                        f.missing("range", "range 18 ..= 120");
                    }
                    return None;
                }
            }
        }
        2 => {
            let (levels, _) = f.idents("levels");
            if levels.is_empty() {
                f.missing("levels", "levels low, medium, high, very_high");
                return None;
            }
            AttributeType::Level(levels)
        }
        3 => {
            let (options, _) = f.idents("options");
            if options.is_empty() {
                f.missing("options", "options violence, sex, other");
                return None;
            }
            AttributeType::Option(options)
        }
        _ => AttributeType::YesNo,
    };
    Some(Spanned::new(t, ty.span))
}

fn targeting_items(cx: &mut Cx, entries: &[Entry]) -> Vec<TargetingItem> {
    let mut items = Vec::new();
    for e in entries {
        match e {
            Entry::Rule { verb, number, target, entries, span } => {
                if let Some(r) = lower_rule(cx, verb, number, target, entries, *span) {
                    items.push(TargetingItem::Rule(r));
                }
            }
            Entry::Scope { kind, entries, span } => {
                // The scope's one field, read as a declaration's `text` is: a plain string is
                // English only (the Welsh checks say so), a second `text` is reported.
                let scope = Ident { name: String::new(), span: *span };
                let mut f = Fields::new(cx, "scope", &scope, *span, entries);
                let text = f.text("text");
                let others = std::mem::take(&mut f.fields);
                for f in others {
                    cx.errors.push(SyntaxError::UnknownField {
                        at: f.name_span,
                        field: f.name.clone(),
                        kind: "a scope".into(),
                        of: "targeting".into(),
                        suggestion: suggest(&f.name, &["text"]),
                    });
                }
                items.push(TargetingItem::Scope(Scope { kind: kind.clone(), text, items: targeting_items(cx, entries), span: *span }));
            }
            Entry::Nested { kind, .. } => cx.errors.push(SyntaxError::UnknownField {
                at: kind.span,
                field: kind.node.clone(),
                kind: "targeting".into(),
                of: "targeting".into(),
                suggestion: None,
            }),
            Entry::Condition { keyword, .. } => cx.errors.push(SyntaxError::InvalidValue {
                at: *keyword,
                field: "targeting".into(),
                expected: "a scope `when … { … }` or a rule".into(),
                found: "a condition with no block (conditions stand inside a rule or open a scope)".into(),
            }),
            Entry::Field(_) => {}
        }
    }
    items
}

fn lower_rule(
    cx: &mut Cx,
    verb: &Spanned<Verb>,
    number: &Option<Spanned<u32>>,
    target: &Option<Ident>,
    entries: &[Entry],
    span: Span,
) -> Option<ast::Rule> {
    let header = verb.span;
    let id = target.clone().unwrap_or(Ident { name: verb.node.as_str().into(), span: header });
    if target.is_none() && verb.node != Verb::Note {
        cx.errors.push(SyntaxError::RuleWithoutService {
            at: header,
            verb: verb.node.as_str().into(),
            number: number.as_ref().map(|n| n.node),
        });
        return None;
    }
    let mut when = None;
    let mut unless = None;
    for e in entries {
        if let Entry::Condition { unless: u, condition, keyword } = e {
            let slot = if *u { &mut unless } else { &mut when };
            if slot.is_some() {
                cx.errors.push(SyntaxError::DuplicateField {
                    at: *keyword,
                    first: *keyword,
                    field: if *u { "unless".into() } else { "when".into() },
                });
            }
            *slot = Some(condition.clone());
        }
    }
    let mut f = Fields::new(cx, "rule", &id, header, entries);
    let sessions = f.sessions("sessions");
    let (examples, _) = f.idents("examples");
    let text = f.text("text");
    let derived = f.text("derived");
    // A note decides nothing, so there is no decision whose reading could be derived.
    if let (Verb::Note, Some(d)) = (verb.node, &derived) {
        f.cx.errors.push(SyntaxError::DerivedNote { at: d.span, verb: verb.span });
    }
    reject_others(f.cx, entries, "rule", &[Other::Rule, Other::Scope, Other::Nested]);
    let ok = f.finish();
    ok.then_some(ast::Rule {
        verb: verb.clone(),
        number: number.clone(),
        target: target.clone(),
        when,
        unless,
        sessions,
        examples,
        text,
        derived,
        span,
    })
}
