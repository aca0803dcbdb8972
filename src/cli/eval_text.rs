//! `intentc eval`'s report for people (case managers), in English or Welsh: services,
//! attributes and bands by their names, each decision's guidance text with its paragraphs and
//! lists, why other guidance made an exception or set a decision aside, and a short summary of
//! what is not yet decided. The JSON output (`--format json`) is the machine's and is not
//! touched here.

use crate::bundle::eval::{Decision, Offender, Outcome};
use crate::bundle::{Bundle, Condition, Label, Rule, Text, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// Lines are wrapped to this width: the same output on every terminal.
const WIDTH: usize = 100;
/// How many of the facts that would decide the most undetermined rules are named.
const TOP_FACTS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Cy,
}

/// The words of the report, in each language. The section headings and the "publisher's
/// reading" mark are the documents' own (templates/strings.yaml), so the two never differ.
struct Words {
    offender: &'static str,
    invest: &'static str,
    avoid: &'static str,
    note: &'static str,
    set_aside: &'static str,
    derived: &'static str,
    why: &'static str,
    rule: &'static str,
    except: &'static str,
    takes_precedence: &'static str,
    says: &'static str,
    for_this_offender: &'static str,
    invest_verb: &'static str,
    avoid_verb: &'static str,
    for_example: &'static str,
    not_known: &'static str,
    undetermined: &'static str,
    rules_word: &'static str,
    more_facts: &'static str,
    how_to_give: &'static str,
    list_them: &'static str,
    needs: &'static str,
    nothing: &'static str,
}

const EN: Words = Words {
    offender: "Offender",
    invest: "Invest in",
    avoid: "Do not invest in",
    note: "Guidance",
    set_aside: "Set aside: other guidance takes precedence",
    derived: "Publisher's reading, not the document's own label",
    why: "Why it is read so",
    rule: "rule",
    except: "Except",
    takes_precedence: "takes precedence here",
    says: "and decides",
    for_this_offender: "for this offender",
    invest_verb: "to invest",
    avoid_verb: "not to invest",
    for_example: "for example",
    not_known: "not known: give",
    undetermined: "Not decided yet: {n} rules need facts that were not given. The facts that decide the most:",
    rules_word: "rules",
    more_facts: "and {n} more facts",
    how_to_give: "Give them with `--set NAME=VALUE`",
    list_them: "`--undetermined` lists each rule.",
    needs: "needs",
    nothing: "No guidance applies to this offender with the facts given.",
};

const CY: Words = Words {
    offender: "Troseddwr",
    invest: "Buddsoddi mewn",
    avoid: "Peidio â buddsoddi mewn",
    note: "Canllawiau",
    set_aside: "Wedi'u rhoi o'r neilltu: mae canllawiau eraill yn cael blaenoriaeth",
    derived: "Dehongliad y cyhoeddwr, nid label y ddogfen ei hun",
    why: "Pam y'i darllenir felly",
    rule: "rheol",
    except: "Ac eithrio",
    takes_precedence: "yn cael blaenoriaeth yma",
    says: "ac yn penderfynu",
    for_this_offender: "ar gyfer y troseddwr hwn",
    invest_verb: "buddsoddi",
    avoid_verb: "peidio â buddsoddi",
    for_example: "er enghraifft",
    not_known: "dim yn hysbys: rhowch",
    undetermined: "Heb ei benderfynu eto: mae angen ffeithiau na roddwyd ar {n} rheol. Y ffeithiau sy'n penderfynu'r nifer fwyaf:",
    rules_word: "rheol",
    more_facts: "a {n} ffaith arall",
    how_to_give: "Rhowch nhw gyda `--set ENW=GWERTH`",
    list_them: "mae `--undetermined` yn rhestru pob rheol.",
    needs: "angen",
    nothing: "Nid oes canllawiau'n berthnasol i'r troseddwr hwn gyda'r ffeithiau a roddwyd.",
};

/// The report for people.
pub fn render(bundle: &Bundle, offender: &Offender, outcome: &Outcome, lang: Lang, every_undetermined: bool) -> String {
    Report::new(bundle, lang).render(offender, outcome, every_undetermined)
}

struct Report<'b> {
    bundle: &'b Bundle,
    lang: Lang,
    w: &'static Words,
    services: HashMap<&'b str, &'b Text>,
    attributes: HashMap<&'b str, &'b Text>,
    rules: HashMap<&'b str, &'b Rule>,
    targeting: HashMap<&'b str, &'b Text>,
}

impl<'b> Report<'b> {
    fn new(bundle: &'b Bundle, lang: Lang) -> Report<'b> {
        Report {
            bundle,
            lang,
            w: if lang == Lang::Cy { &CY } else { &EN },
            services: bundle.services.services.iter().map(|s| (s.id.as_str(), &s.name)).collect(),
            attributes: bundle.attributes.attributes.iter().map(|a| (a.id.as_str(), &a.name)).collect(),
            rules: bundle.rules.rules.iter().map(|r| (r.id.as_str(), r)).collect(),
            targeting: bundle.rules.targeting.iter().map(|t| (t.id.as_str(), &t.title)).collect(),
        }
    }

    fn text<'t>(&self, t: &'t Text) -> &'t str {
        if self.lang == Lang::Cy {
            &t.cy
        } else {
            &t.en
        }
    }

    /// A service's name, or its id if the bundle does not name it.
    fn service(&self, id: &str) -> String {
        self.services.get(id).map(|t| self.text(t).to_string()).unwrap_or_else(|| id.to_string())
    }

    /// "OGRS3 score (ogrs3)": the name a person reads and the id `--set` takes.
    fn attribute(&self, id: &str) -> String {
        match self.attributes.get(id) {
            Some(t) => format!("{} ({id})", self.text(t)),
            None => id.to_string(),
        }
    }

    fn attribute_name(&self, id: &str) -> String {
        self.attributes.get(id).map(|t| self.text(t).to_string()).unwrap_or_else(|| id.to_string())
    }

    fn render(&self, offender: &Offender, outcome: &Outcome, every_undetermined: bool) -> String {
        let mut out = String::new();
        let w = self.w;
        let _ = writeln!(out, "{}", w.offender);
        for (k, v) in offender {
            wrap_into(&mut out, &format!("{}: {}", self.attribute(k), show(v)), 2);
        }
        out.push('\n');
        for b in &outcome.bands {
            let set = self.bundle.bands.band_sets.iter().find(|s| s.id == b.band_set);
            let name = set.map(|s| self.text(&s.title).to_string()).unwrap_or_else(|| b.band_set.to_string());
            match (&b.band, &b.title) {
                (Some(id), Some(t)) => {
                    let _ = writeln!(out, "{name}: {} ({id})", self.text(t));
                }
                _ => {
                    let _ = writeln!(out, "{name}: {} {} (`--set {}=…`)", w.not_known, self.attribute(b.attribute), b.attribute);
                }
            }
        }
        if !outcome.bands.is_empty() {
            out.push('\n');
        }
        let (set_aside, standing): (Vec<&Decision>, Vec<&Decision>) = outcome.decisions.iter().partition(|d| d.superseded_by.is_some());
        for (verb, heading) in [("invest", w.invest), ("avoid", w.avoid), ("note", w.note)] {
            let ds: Vec<&Decision> = standing.iter().copied().filter(|d| d.verb == verb).collect();
            if ds.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{heading}:");
            for d in ds {
                self.decision(&mut out, d, offender);
            }
        }
        if !set_aside.is_empty() {
            let _ = writeln!(out, "{}:", w.set_aside);
            for d in set_aside {
                self.decision(&mut out, d, offender);
            }
        }
        if outcome.decisions.is_empty() && outcome.undetermined.is_empty() {
            let _ = writeln!(out, "{}\n", w.nothing);
        }
        if !outcome.undetermined.is_empty() {
            self.undetermined(&mut out, outcome, every_undetermined);
        }
        out
    }

    fn decision(&self, out: &mut String, d: &Decision, offender: &Offender) {
        let w = self.w;
        let rule = self.rules.get(d.rule).copied();
        let mut head = capitalise(&d.service.map(|s| self.service(s)).unwrap_or_default());
        if let Some(sessions) = rule.and_then(|r| r.sessions) {
            let _ = write!(head, " ({})", self.sessions(sessions));
        }
        let _ = writeln!(out, "  • {head}");
        if let Some(r) = rule.filter(|r| !r.examples.is_empty()) {
            let names: Vec<String> = r.examples.iter().map(|e| self.service(e)).collect();
            wrap_into(out, &format!("{} {}", capitalise(w.for_example), names.join(", ")), 4);
        }
        if d.label == Label::Derived {
            let mut line = w.derived.to_string();
            if let Some(reason) = &d.reason {
                let _ = write!(line, ". {}: {}", w.why, self.text(reason));
            }
            wrap_into(out, &line, 4);
        }
        if let Some(winner) = &d.superseded_by {
            wrap_into(out, &self.precedence(winner, None, offender), 4);
        }
        for winner in &d.exceptions {
            wrap_into(out, &self.precedence(winner, Some(w.except), offender), 4);
        }
        if let Some(t) = &d.text {
            // A blank line between the notes about the decision and the guidance itself.
            if d.label == Label::Derived || d.superseded_by.is_some() || !d.exceptions.is_empty() {
                out.push('\n');
            }
            wrap_into(out, self.text(t), 4);
        }
        let _ = writeln!(out, "    ({} {}, {}:{})\n", w.rule, d.rule, d.source.file, d.source.line);
    }

    /// Why guidance that wins applies: "Except Sex offender programmes: the guidance “Sex
    /// offenders” takes precedence here and says do not invest (rule …), for this offender
    /// (Index offence type (index_offence): sex; …)."
    fn precedence(&self, winner: &str, except: Option<&str>, offender: &Offender) -> String {
        let w = self.w;
        let Some(rule) = self.rules.get(winner) else { return winner.to_string() };
        let guidance =
            self.targeting.get(rule.targeting.as_str()).map(|t| self.text(t).to_string()).unwrap_or_else(|| rule.targeting.clone());
        let verb = if rule.verb == "invest" { w.invest_verb } else { w.avoid_verb };
        let mut attrs = Vec::new();
        attributes(&rule.condition, &mut attrs);
        let facts: Vec<String> =
            attrs.iter().filter_map(|a| offender.get(*a).map(|v| format!("{}: {}", self.attribute_name(a), show(v)))).collect();
        let mut line = String::new();
        if let Some(except) = except {
            let service = rule.service.as_deref().map(|s| self.service(s)).unwrap_or_default();
            let _ = write!(line, "{except} {service}: ");
        }
        let the_guidance = if self.lang == Lang::Cy { "mae'r canllawiau" } else { "the guidance" };
        let _ = write!(line, "{the_guidance} “{guidance}” {} {} {verb} ({} {winner})", w.takes_precedence, w.says, w.rule);
        if !facts.is_empty() {
            let _ = write!(line, ", {} ({})", w.for_this_offender, facts.join("; "));
        }
        line.push('.');
        capitalise(&line)
    }

    fn sessions(&self, (min, max): (u64, Option<u64>)) -> String {
        let cy = self.lang == Lang::Cy;
        match (min, max) {
            (0, Some(max)) if cy => format!("hyd at {max} sesiwn"),
            (0, Some(max)) => format!("up to {max} sessions"),
            (min, None) if cy => format!("{min} sesiwn neu fwy"),
            (min, None) => format!("{min} sessions or more"),
            (min, Some(max)) if cy => format!("{min} i {max} sesiwn"),
            (min, Some(max)) => format!("{min} to {max} sessions"),
        }
    }

    /// The facts not given, by how many undetermined rules each would help decide.
    fn undetermined(&self, out: &mut String, outcome: &Outcome, every: bool) {
        let w = self.w;
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for u in &outcome.undetermined {
            for m in &u.missing {
                *count.entry(*m).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, usize)> = count.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let _ = writeln!(out, "{}", w.undetermined.replace("{n}", &outcome.undetermined.len().to_string()));
        // With --undetermined every fact is named (the list below gives only their ids).
        let shown = if every { ranked.len() } else { TOP_FACTS };
        for (a, n) in ranked.iter().take(shown) {
            let rules = if *n == 1 { w.rule } else { w.rules_word };
            wrap_into(out, &format!("{}: {n} {rules}", self.attribute(a)), 2);
        }
        if ranked.len() > shown {
            let _ = writeln!(out, "  {}", w.more_facts.replace("{n}", &(ranked.len() - shown).to_string()));
        }
        let example = ranked.first().map(|(a, _)| format!(" (`--set {a}=…`)")).unwrap_or_default();
        if !every {
            let _ = writeln!(out, "{}{example}; {}", w.how_to_give, w.list_them);
            return;
        }
        let _ = writeln!(out, "{}{example}.\n", w.how_to_give);
        for u in &outcome.undetermined {
            let service = u.service.map(|s| self.service(s)).unwrap_or_default();
            // "Guidance: X", not "Guidance X"; and no Welsh mutation to get wrong after a colon.
            let what = match u.verb {
                "invest" => format!("{} {service}", w.invest),
                "avoid" => format!("{} {service}", w.avoid),
                _ if service.is_empty() => w.note.to_string(),
                _ => format!("{}: {service}", w.note),
            };
            let derived = if u.label == Label::Derived { format!(" [{}]", w.derived) } else { String::new() };
            wrap_into(out, &format!("• {what}{derived} ({} {})", w.rule, u.rule), 2);
            wrap_into(out, &format!("{}: {}", w.needs, u.missing.join(", ")), 4);
        }
    }
}

/// Every attribute a condition reads, in the order it reads them, once each.
fn attributes<'c>(c: &'c Condition, out: &mut Vec<&'c str>) {
    match c {
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| attributes(c, out)),
        Condition::Not(c) => attributes(c, out),
        Condition::Compare { attribute, .. }
        | Condition::OneOf { attribute, .. }
        | Condition::Between { attribute, .. }
        | Condition::Is { attribute } => {
            if !out.contains(&attribute.as_str()) {
                out.push(attribute);
            }
        }
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::Word(w) => w.clone(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Appends `text` wrapped to WIDTH, indented by `indent`: each paragraph and each list item
/// of the text is wrapped on its own, and a list item's lines after the first align with its
/// words, so lists stay lists.
fn wrap_into(out: &mut String, text: &str, indent: usize) {
    let pad = " ".repeat(indent);
    for (i, para) in text.split("\n\n").enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for line in para.lines() {
            let depth = line.len() - line.trim_start().len();
            let body = line.trim_start();
            let marker = body.split_once(' ').map(|(m, _)| m).filter(|m| {
                *m == "-" || *m == "•" || (m.ends_with('.') && m[..m.len() - 1].chars().all(|c| c.is_ascii_digit()) && m.len() > 1)
            });
            let hang = marker.map(|m| m.chars().count() + 1).unwrap_or(0);
            let first = format!("{pad}{}", " ".repeat(depth));
            let rest = format!("{first}{}", " ".repeat(hang));
            let options = textwrap::Options::new(WIDTH).initial_indent(&first).subsequent_indent(&rest);
            for l in textwrap::wrap(body, options) {
                out.push_str(&l);
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wrap_into;

    #[test]
    fn lists_stay_lists_when_wrapped() {
        let mut out = String::new();
        let long = "word ".repeat(30);
        wrap_into(&mut out, &format!("It requires:\n\n- {long}\n  - nested\n1. first\n\nAfter."), 4);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "    It requires:");
        assert_eq!(lines[1], "");
        assert!(lines[2].starts_with("    - word"), "{out}");
        assert!(lines[3].starts_with("      word"), "a wrapped item's lines align with its words: {out}");
        assert!(lines.contains(&"      - nested"), "{out}");
        assert!(lines.contains(&"    1. first"), "{out}");
        assert_eq!(*lines.last().unwrap(), "    After.");
        assert!(lines.iter().all(|l| l.chars().count() <= 100));
    }
}
