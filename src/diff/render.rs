//! The diff for people: plain text for a terminal, Markdown for a pull-request comment.
//! (The JSON form is the [`Diff`] itself, serialized.)

use super::entities::{sessions, verb};
use super::{Change, ChangeKind, Constraint, Decision, Diff, Kind, Pair, ServiceDecisions, Verdict, WelshChange, What};
use crate::check::logic::Val;
use std::fmt::Write;

/// Lists longer than this are folded into `<details>` in Markdown.
const FOLD_AFTER: usize = 10;
/// Texts longer than this (in characters) are folded into `<details>` in Markdown.
const FOLD_TEXT: usize = 240;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "decisions change for 2 services in 3 regions of offender space; 1 declaration added, …"
pub fn summary(d: &Diff) -> String {
    if d.is_empty() {
        return "no differences".to_string();
    }
    let s = &d.summary;
    let mut parts = Vec::new();
    if s.services > 0 {
        parts.push(format!(
            "decisions change for {} in {} of offender space",
            plural(s.services, "service", "services"),
            plural(s.regions, "region", "regions")
        ));
    }
    if s.unknown > 0 {
        parts.push(format!("{} could not be worked out", plural(s.unknown, "service's decisions", "services' decisions")));
    }
    let counts: Vec<String> = [(s.added, "added"), (s.removed, "removed"), (s.changed, "changed")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, w)| format!("{n} {w}"))
        .collect();
    if !counts.is_empty() {
        let total = s.added + s.removed + s.changed;
        parts.push(format!("{} ({})", plural(total, "declaration", "declarations"), counts.join(", ")));
    }
    parts.join("; ")
}

fn value(v: &Val) -> String {
    v.to_string()
}

/// "a, b or c".
fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn constraint(c: &Constraint) -> String {
    match c {
        Constraint::Range { attribute, min, max } if min == max => format!("{attribute} {min}"),
        Constraint::Range { attribute, min, max } => format!("{attribute} {min}–{max}"),
        Constraint::Values { attribute, except, .. } if !except.is_empty() => {
            format!("{attribute} other than {}", either(&except.iter().map(value).collect::<Vec<_>>()))
        }
        Constraint::Values { attribute, values, .. } => format!("{attribute} {}", either(&values.iter().map(value).collect::<Vec<_>>())),
    }
}

/// "offenders with ogrs3 50–54 and index_offence theft".
pub fn offenders(cs: &[Constraint]) -> String {
    if cs.is_empty() {
        return "every offender".to_string();
    }
    format!("offenders with {}", cs.iter().map(constraint).collect::<Vec<_>>().join(" and "))
}

/// The witness's values for the attributes the region narrows (the others may be anything).
fn witness(r: &super::Region) -> String {
    let shown: Vec<String> =
        r.offenders.iter().map(Constraint::attribute).filter_map(|a| Some(format!("{a} = {}", r.witness.get(a)?))).collect();
    if shown.is_empty() {
        "any offender".to_string()
    } else {
        shown.join(", ")
    }
}

/// How ids are shown: plain in a terminal, in code style in Markdown.
#[derive(Clone, Copy)]
enum Style {
    Text,
    Markdown,
}

impl Style {
    fn id(self, id: &str) -> String {
        match self {
            Style::Text => id.to_string(),
            Style::Markdown => code(id),
        }
    }
    fn rule(self, id: &str) -> String {
        match self {
            Style::Text => format!("[{id}]"),
            Style::Markdown => format!("(rule {})", code(id)),
        }
    }
}

fn decision(d: &Decision, with_service: bool, style: Style) -> String {
    let mut s = verb(&d.verb).to_string();
    if with_service {
        s.push_str(&format!(" in {}", style.id(&d.service)));
    }
    if let Some(n) = d.sessions {
        s.push_str(&format!(" ({})", sessions((n.min, n.max))));
    }
    s.push_str(&format!(" {}", style.rule(&d.rule)));
    s
}

/// "invest (18 to 40 sessions) [rule]", or "no decision of its own (… in the class …)".
fn verdict(v: &Verdict, style: Style) -> String {
    if !v.decisions.is_empty() {
        return v.decisions.iter().map(|d| decision(d, false, style)).collect::<Vec<_>>().join(" and ");
    }
    if !v.inherited.is_empty() {
        return format!(
            "no decision of its own ({})",
            v.inherited.iter().map(|d| decision(d, true, style)).collect::<Vec<_>>().join(" and ")
        );
    }
    "no decision".to_string()
}

fn sign(c: ChangeKind) -> &'static str {
    match c {
        ChangeKind::Added => "+",
        ChangeKind::Removed => "-",
        ChangeKind::Changed => "~",
    }
}

fn welsh_note(w: WelshChange) -> Option<&'static str> {
    match w {
        WelshChange::Updated => Some("Welsh: updated"),
        WelshChange::Confirmed => Some("Welsh: unchanged, stamped as made from the new English"),
        WelshChange::Stale => Some("Welsh: stale, still made from the old English (W0602)"),
        WelshChange::Unstamped => Some("Welsh: not stamped, so not known to be made from the new English (W0603)"),
        WelshChange::Missing => Some("Welsh: missing (W0601)"),
        WelshChange::Revised => Some("only the Welsh changed"),
        WelshChange::Removed => None,
    }
}

/// Texts longer than this (in words) are shown whole, not diffed word by word: the diff's
/// cost grows with the product of the lengths.
const MAX_DIFF_WORDS: usize = 5_000;

/// A word-level diff of two texts (whitespace is folded, so words are joined by single
/// spaces): each run of changed words becomes one deletion and one insertion, marked by
/// `del` and `ins`.
fn words(before: &str, now: &str, del: impl Fn(&str) -> String, ins: impl Fn(&str) -> String, same: impl Fn(&str) -> String) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (before.split_whitespace().collect(), now.split_whitespace().collect());
    if a.len().max(b.len()) > MAX_DIFF_WORDS {
        return format!("{} {}", del(before), ins(now));
    }
    let mut pieces: Vec<String> = Vec::new();
    let (mut gone, mut came): (Vec<&str>, Vec<&str>) = (Vec::new(), Vec::new());
    let flush = |gone: &mut Vec<&str>, came: &mut Vec<&str>, pieces: &mut Vec<String>| {
        let mut piece = String::new();
        if !gone.is_empty() {
            piece.push_str(&del(&gone.join(" ")));
        }
        if !came.is_empty() {
            piece.push_str(&ins(&came.join(" ")));
        }
        if !piece.is_empty() {
            pieces.push(piece);
        }
        gone.clear();
        came.clear();
    };
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &a, &b) {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == similar::DiffTag::Equal {
            flush(&mut gone, &mut came, &mut pieces);
            pieces.push(same(&a[old].join(" ")));
        } else {
            gone.extend(&a[old]);
            came.extend(&b[new]);
        }
    }
    flush(&mut gone, &mut came, &mut pieces);
    pieces.join(" ")
}

/// The text of a changed field, for a terminal: `[-old-]{+new+}` inside the text.
fn text_line(p: &Pair) -> String {
    match (&p.before, &p.now) {
        (Some(b), Some(n)) => words(b, n, |s| format!("[-{s}-]"), |s| format!("{{+{s}+}}"), str::to_string),
        (None, Some(n)) => format!("{{+{n}+}}"),
        (Some(b), None) => format!("[-{b}-]"),
        (None, None) => String::new(),
    }
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(none)")
}

fn field_lines(out: &mut String, f: &super::FieldChange, indent: &str) {
    match &f.what {
        What::Value { before, now } => {
            let _ = writeln!(out, "{indent}{}: {} → {}", f.field, opt(before), opt(now));
        }
        What::List { added, removed } => {
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("added {}", added.join(", ")));
            }
            if !removed.is_empty() {
                parts.push(format!("removed {}", removed.join(", ")));
            }
            let _ = writeln!(out, "{indent}{}: {}", f.field, parts.join("; "));
        }
        What::Text { en, cy, welsh } => {
            if let Some(p) = en {
                let _ = writeln!(out, "{indent}{} (English): {}", f.field, text_line(p));
            }
            if let Some(p) = cy {
                let _ = writeln!(out, "{indent}{} (Welsh): {}", f.field, text_line(p));
            }
            if let Some(n) = welsh_note(*welsh) {
                let _ = writeln!(out, "{indent}  {n}");
            }
        }
    }
}

/// Plain text, for a terminal.
pub fn human(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "intentc diff {} → {}: {}", d.old, d.new, summary(d));
    if !d.decisions.is_empty() {
        let _ = writeln!(out, "\nDecisions that change");
        for s in &d.decisions {
            let _ = writeln!(out, "  {} ({})", s.service, s.name);
            if let Some(why) = &s.unknown {
                let _ = writeln!(out, "    not worked out: {why}; see the rule changes below");
            }
            for r in &s.regions {
                let _ = writeln!(
                    out,
                    "    {}: now {}; before: {}",
                    offenders(&r.offenders),
                    verdict(&r.now, Style::Text),
                    verdict(&r.before, Style::Text)
                );
                let _ = writeln!(out, "      for example {}", witness(r));
            }
        }
    }
    for kind in Kind::ORDER {
        let cs: Vec<&Change> = d.changes.iter().filter(|c| c.kind == kind).collect();
        if cs.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{}", kind.plural());
        for c in cs {
            let title = c.title.as_deref().map(|t| format!("  {t}")).unwrap_or_default();
            let _ = writeln!(out, "  {} {}{title}", sign(c.change), c.id);
            for f in &c.fields {
                field_lines(&mut out, f, "      ");
            }
        }
    }
    out
}

/// Escapes text for Markdown (GitHub's): HTML's special characters as entities, Markdown's
/// punctuation with a backslash, so no source text becomes markup.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '(' | ')' | '{' | '}' | '+' | '-' | '.' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An id in code style; ids are letters, digits, `_` and `.`, so they need no escaping.
fn code(id: &str) -> String {
    if id.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
        format!("`{id}`")
    } else {
        md(id)
    }
}

fn md_text(p: &Pair) -> String {
    match (&p.before, &p.now) {
        (Some(b), Some(n)) => words(b, n, |s| format!("<del>{}</del>", md(s)), |s| format!("<ins>{}</ins>", md(s)), md),
        (None, Some(n)) => format!("<ins>{}</ins>", md(n)),
        (Some(b), None) => format!("<del>{}</del>", md(b)),
        (None, None) => String::new(),
    }
}

fn md_field(out: &mut String, f: &super::FieldChange) {
    match &f.what {
        What::Value { before, now } => {
            let show = |v: &Option<String>| v.as_deref().map_or("*(none)*".to_string(), md);
            let _ = writeln!(out, "  - {}: {} → {}", md(&f.field), show(before), show(now));
        }
        What::List { added, removed } => {
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("added {}", added.iter().map(|x| code(x)).collect::<Vec<_>>().join(", ")));
            }
            if !removed.is_empty() {
                parts.push(format!("removed {}", removed.iter().map(|x| code(x)).collect::<Vec<_>>().join(", ")));
            }
            let _ = writeln!(out, "  - {}: {}", md(&f.field), parts.join("; "));
        }
        What::Text { en, cy, welsh } => {
            let note = welsh_note(*welsh).map(|n| format!(" ({})", md(n))).unwrap_or_default();
            let warn = if matches!(welsh, WelshChange::Stale | WelshChange::Unstamped | WelshChange::Missing) && en.is_some() {
                " ⚠️"
            } else {
                ""
            };
            let body: Vec<(&str, &Pair)> =
                [("English", en), ("Welsh", cy)].into_iter().filter_map(|(l, p)| Some((l, p.as_ref()?))).collect();
            let long = body.iter().any(|(_, p)| {
                p.before.as_deref().unwrap_or("").chars().count().max(p.now.as_deref().unwrap_or("").chars().count()) > FOLD_TEXT
            });
            if long {
                let _ = writeln!(out, "  - <details><summary>{}{warn}{note}</summary>\n", md(&f.field));
                for (lang, p) in body {
                    let _ = writeln!(out, "    {lang}: {}\n", md_text(p));
                }
                let _ = writeln!(out, "    </details>");
            } else {
                let _ = writeln!(out, "  - {}{warn}{note}", md(&f.field));
                for (lang, p) in body {
                    let _ = writeln!(out, "    - {lang}: {}", md_text(p));
                }
            }
        }
    }
}

/// Opens a fold when a list is long; returns whether it did.
fn fold_open(out: &mut String, n: usize, what: &str) -> bool {
    if n > FOLD_AFTER {
        let _ = writeln!(out, "<details><summary>{n} {what}</summary>\n");
        true
    } else {
        false
    }
}

fn fold_close(out: &mut String, folded: bool) {
    if folded {
        let _ = writeln!(out, "\n</details>");
    }
}

fn md_service(out: &mut String, s: &ServiceDecisions) {
    let _ = writeln!(out, "\n**{}** {}\n", code(&s.service), md(&s.name));
    if let Some(why) = &s.unknown {
        let _ = writeln!(out, "Not worked out: {}. The rule changes are listed below.", md(why));
        return;
    }
    let folded = fold_open(out, s.regions.len(), "regions");
    let _ = writeln!(out, "| Offenders | Before | Now | For example |\n| --- | --- | --- | --- |");
    for r in &s.regions {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            md(&offenders(&r.offenders)),
            verdict(&r.before, Style::Markdown),
            verdict(&r.now, Style::Markdown),
            md(&witness(r))
        );
    }
    fold_close(out, folded);
}

/// Markdown for a pull-request comment: a summary line, then the decisions that change,
/// then the declarations by kind; long lists and long texts are folded into `<details>`.
pub fn markdown(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "**intentc diff** {} → {}: {}", code_or_md(&d.old), code_or_md(&d.new), md(&summary(d)));
    if !d.decisions.is_empty() {
        let _ = writeln!(out, "\n### Decisions that change");
        for s in &d.decisions {
            md_service(&mut out, s);
        }
    }
    for kind in Kind::ORDER {
        let cs: Vec<&Change> = d.changes.iter().filter(|c| c.kind == kind).collect();
        if cs.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {} ({})\n", kind.plural(), cs.len());
        let folded = fold_open(&mut out, cs.len(), "changes");
        for c in cs {
            let word = match c.change {
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
                ChangeKind::Changed => "changed",
            };
            let title = c.title.as_deref().map(|t| format!(": {}", md(t))).unwrap_or_default();
            let _ = writeln!(out, "- **{word}** {}{title}", code(&c.id));
            for f in &c.fields {
                md_field(&mut out, f);
            }
        }
        fold_close(&mut out, folded);
    }
    out
}

/// A version's name (a folder or `REV:path`) in code style, unless it holds a backtick.
fn code_or_md(s: &str) -> String {
    if s.contains('`') || s.contains('\n') {
        md(s)
    } else {
        format!("`{s}`")
    }
}
