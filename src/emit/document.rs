//! The commissioning intentions document, one HTML page per language.
//!
//! The emitter walks the model in reading order and builds a view: every prose text already
//! rendered to escaped HTML (footnotes numbered across the page), every generated table as
//! rows. The tera templates in `templates/` then only lay the view out, with interface words
//! from `templates/strings.yaml`.

use super::html::{self, Footnote, Footnotes};
use super::Templates;
use crate::model::*;
use crate::syntax::ast::{Nation, Setting};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct TocEntry {
    anchor: String,
    title: String,
    annex: Option<String>,
    children: Vec<TocEntry>,
}

#[derive(Serialize)]
struct Chapter {
    anchor: String,
    title: String,
    annex: Option<String>,
    level: u8,
    html: String,
    children: Vec<Chapter>,
    generated: Option<Generated>,
    footnotes: Vec<Footnote>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Generated {
    OverarchingIntentions { items: Vec<Overarching> },
    SpecificIntentions { items: Vec<Overarching> },
    Characteristics { items: Vec<String> },
    Requirements { groups: Vec<RequirementGroup> },
    PreviousIntentions { groups: Vec<PreviousGroup> },
    Partners { rows: Vec<PartnerRow> },
}

#[derive(Serialize)]
struct PartnerRow {
    anchor: String,
    name: String,
    short: Option<String>,
    nations: String,
}

#[derive(Serialize)]
struct Overarching {
    anchor: String,
    level: u8,
    label: String,
    title: String,
    html: String,
    /// Targeting guidance under the overarching intention itself (Annex A only).
    targeting: Vec<TargetingView>,
    themes: Vec<ThemeGroup>,
}

#[derive(Serialize)]
struct ThemeGroup {
    title: Option<String>,
    level: u8,
    intentions: Vec<Specific>,
}

#[derive(Serialize)]
struct Link {
    href: String,
    text: String,
}

#[derive(Serialize)]
struct Specific {
    anchor: String,
    level: u8,
    label: String,
    prefix: Option<String>,
    title: String,
    html: String,
    expects: String,
    partners: Vec<String>,
    measured_by: Vec<Link>,
    unmeasured: Option<String>,
    targeting: Vec<TargetingView>,
}

#[derive(Serialize)]
pub(super) struct TargetingView {
    anchor: String,
    part: Option<String>,
    title: String,
    html: String,
    groups: Vec<RuleGroup>,
}

#[derive(Serialize)]
pub(super) struct RuleGroup {
    title: Option<String>,
    range: Option<String>,
    html: String,
    rules: Vec<RuleRow>,
}

#[derive(Serialize)]
pub(super) struct RuleRow {
    anchor: String,
    number: String,
    decision: String,
    verb: String,
    html: String,
    examples: Vec<String>,
    /// The publisher's reason, when the decision is a derived reading and not the
    /// document's own label.
    derived: Option<String>,
}

#[derive(Serialize)]
struct RequirementGroup {
    title: String,
    rows: Vec<RequirementRow>,
}

#[derive(Serialize)]
struct RequirementRow {
    anchor: String,
    id: String,
    outcomes: String,
    measure: String,
    driver: String,
    measures: Vec<Link>,
    /// Why it measures no intention, where its author said.
    no_intention: Option<String>,
}

#[derive(Serialize)]
struct PreviousGroup {
    title: String,
    rows: Vec<PreviousRow>,
}

#[derive(Serialize)]
struct PreviousRow {
    anchor: String,
    number: String,
    text: String,
    continued_by: Vec<Link>,
}

pub fn anchor(prefix: &str, id: &str) -> String {
    let safe: String = id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    format!("{prefix}-{safe}")
}

/// Where a cross-reference (`[text](#id)`) to each declaration goes, from a page whose link
/// to the document is `doc` (empty on the document itself).
pub fn link_targets(policy: &Policy, doc: &str) -> BTreeMap<String, String> {
    fn sections(out: &mut BTreeMap<String, String>, ss: &[Section], doc: &str) {
        for s in ss {
            out.insert(s.id.clone(), format!("{doc}#{}", anchor("sec", &s.id)));
            sections(out, &s.children, doc);
        }
    }
    fn includes(ss: &[Section], what: &str) -> bool {
        ss.iter().any(|s| s.includes.as_deref() == Some(what) || includes(&s.children, what))
    }
    let mut out = BTreeMap::new();
    sections(&mut out, &policy.sections, doc);
    // Only what the document shows gets a link; a cross-reference to anything else stays
    // plain text rather than a link that goes nowhere.
    let shown = |what: &str| includes(&policy.sections, what);
    let mut add = |prefix: &str, id: &str| {
        out.insert(id.to_string(), format!("{doc}#{}", anchor(prefix, id)));
    };
    let intentions = |i: &Intention| shown(if i.under.is_some() { "specific_intentions" } else { "overarching_intentions" });
    policy.intentions.iter().filter(|i| intentions(i)).for_each(|x| add("int", &x.id));
    // Annex A shows targeting guidance under its intention, specific or overarching.
    let shown_under = |t: &Targeting| policy.intentions.iter().any(|i| Some(&i.id) == t.under.as_ref());
    if shown("specific_intentions") {
        policy.targeting.iter().filter(|t| shown_under(t)).for_each(|x| add("tgt", &x.id));
    }
    let setting = |r: &Requirement| if r.setting == Setting::Custody { "custodial_requirements" } else { "community_requirements" };
    policy.requirements.iter().filter(|r| shown(setting(r))).for_each(|x| add("req", &x.id));
    if shown("partners") {
        policy.partners.iter().for_each(|x| add("partner", &x.id));
    }
    if shown("previous_intentions") {
        policy.previous_intentions.iter().for_each(|x| add("prev", &x.id));
    }
    out
}

/// The measure as published: the document's "x" where the value will go.
pub fn measure_text(m: &str) -> String {
    m.replace("{target}", "x")
}

pub(super) struct Cx<'a> {
    pub policy: &'a Policy,
    pub lang: Lang,
    pub strings: &'a BTreeMap<String, String>,
    pub notes: Footnotes,
}

impl Cx<'_> {
    pub fn s(&self, key: &str) -> String {
        self.strings.get(key).cloned().unwrap_or_else(|| key.to_string())
    }

    fn prose(&mut self, p: &Option<BiProse>, level: u8) -> String {
        match p {
            Some(p) => html::prose(p.get(self.lang), &mut self.notes, level),
            None => String::new(),
        }
    }

    fn partner_name(&self, id: &str) -> String {
        self.policy.partners.iter().find(|p| p.id == id).map(|p| p.name.get(self.lang).to_string()).unwrap_or_else(|| id.to_string())
    }

    fn intention_link(&self, id: &str) -> Link {
        let label = self.policy.intentions.iter().find(|i| i.id == id).map(|i| i.label.clone()).unwrap_or_else(|| id.to_string());
        Link { href: format!("#{}", anchor("int", id)), text: label }
    }

    pub fn targeting(&mut self, t: &Targeting, level: u8) -> TargetingView {
        let html = self.prose(&t.text, level + 1);
        let set = t.bands.as_ref().and_then(|b| self.policy.bands.iter().find(|x| &x.id == b));
        let mut groups: Vec<RuleGroup> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for r in self.policy.rules.iter().filter(|r| r.targeting == t.id) {
            let key = r.scopes.join("/");
            if !keys.contains(&key) {
                keys.push(key.clone());
                // A band scope is titled by its bands; a named `when` scope by its text.
                let (title, range) = match (set, r.bands.is_empty(), r.scopes.last()) {
                    (Some(set), false, _) => {
                        let mut bands: Vec<&Band> = r.bands.iter().filter_map(|b| set.bands.iter().find(|x| &x.id == b)).collect();
                        bands.sort_by_key(|b| b.min);
                        // Bands the document gives as one row share its title: say it once.
                        let mut titles: Vec<&str> = Vec::new();
                        for b in &bands {
                            if !titles.contains(&b.title.get(self.lang)) {
                                titles.push(b.title.get(self.lang));
                            }
                        }
                        let title = titles.join(" / ");
                        // Adjoining bands read as one range: 50–74 and 75–89 are 50–89.
                        let mut spans: Vec<(i64, i64)> = Vec::new();
                        for b in &bands {
                            match spans.last_mut() {
                                Some(last) if b.min == last.1 + 1 => last.1 = b.max,
                                _ => spans.push((b.min, b.max)),
                            }
                        }
                        let range = spans.iter().map(|(a, b)| format!("{a}–{b}%")).collect::<Vec<_>>().join(", ");
                        (Some(title), Some(format!("{} {range}", set.attribute.to_uppercase())))
                    }
                    (_, true, None) => (Some(self.s("all_offenders")), None),
                    _ => (None, None),
                };
                let scope_name = r.scopes.last().cloned().unwrap_or_default();
                let scope_text = t.scopes.iter().find(|s| s.name == scope_name && !scope_name.is_empty()).map(|s| s.text.clone());
                let band_text = if scope_text.is_none() && r.bands.len() == 1 {
                    set.and_then(|s| s.bands.iter().find(|b| b.id == r.bands[0])).and_then(|b| b.text.clone())
                } else {
                    None
                };
                let html = self.prose(&scope_text.or(band_text), level + 2);
                groups.push(RuleGroup { title, range, html, rules: Vec::new() });
            }
            let i = keys.iter().position(|k| *k == key).unwrap_or(0);
            let decision = self.s(&r.verb);
            let html = self.prose(&r.text, level + 2);
            let examples = r
                .examples
                .iter()
                .map(|e| {
                    self.policy.services.iter().find(|s| &s.id == e).map(|s| s.name.get(self.lang).to_string()).unwrap_or_else(|| e.clone())
                })
                .collect();
            groups[i].rules.push(RuleRow {
                anchor: anchor("rule", &r.id),
                number: r.number.map(|n| format!("{n})")).unwrap_or_default(),
                decision,
                verb: r.verb.clone(),
                html,
                examples,
                derived: r.derived.as_ref().map(|d| d.get(self.lang).to_string()),
            });
        }
        TargetingView { anchor: anchor("tgt", &t.id), part: t.part.clone(), title: t.title.get(self.lang).to_string(), html, groups }
    }

    fn specific(&mut self, i: &Intention, level: u8) -> Specific {
        let prefix = match i.applies.as_slice() {
            [Nation::England] => Some(self.s("in_england")),
            [Nation::Wales] => Some(self.s("in_wales")),
            _ => None,
        };
        let html = self.prose(&i.text, level + 1);
        let expects = self.prose(&i.expects, level + 1);
        let targeting: Vec<Targeting> =
            i.targeting.iter().filter_map(|t| self.policy.targeting.iter().find(|x| &x.id == t).cloned()).collect();
        let targeting = targeting.iter().map(|t| self.targeting(t, level + 1)).collect();
        Specific {
            anchor: anchor("int", &i.id),
            level,
            label: i.label.clone(),
            prefix,
            title: i.title.get(self.lang).to_string(),
            html,
            expects,
            partners: i.partners.iter().map(|p| self.partner_name(p)).collect(),
            measured_by: i.measured_by.iter().map(|r| Link { href: format!("#{}", anchor("req", r)), text: r.clone() }).collect(),
            unmeasured: i.unmeasured.as_ref().map(|u| u.get(self.lang).to_string()),
            targeting,
        }
    }

    fn overarching(&mut self, specific: bool, level: u8) -> Vec<Overarching> {
        let policy = self.policy;
        let mut out = Vec::new();
        for o in policy.intentions.iter().filter(|i| i.under.is_none()) {
            let html = if specific { self.prose(&o.summary, level + 1) } else { self.prose(&o.text, level + 1) };
            let mut themes: Vec<ThemeGroup> = Vec::new();
            let mut targeting = Vec::new();
            if specific {
                for t in o.targeting.iter().filter_map(|t| policy.targeting.iter().find(|x| &x.id == t)) {
                    targeting.push(self.targeting(t, level + 2));
                }
                for s in policy.intentions.iter().filter(|i| i.under.as_deref() == Some(o.id.as_str())) {
                    let theme_title = s
                        .theme
                        .as_ref()
                        .and_then(|t| policy.themes.iter().find(|x| &x.id == t))
                        .map(|t| t.title.get(self.lang).to_string());
                    let ilevel = if theme_title.is_some() { level + 3 } else { level + 2 };
                    let view = self.specific(s, ilevel);
                    match themes.last_mut() {
                        Some(g) if g.title == theme_title => g.intentions.push(view),
                        _ => themes.push(ThemeGroup { title: theme_title, level: level + 2, intentions: vec![view] }),
                    }
                }
            }
            out.push(Overarching {
                anchor: if specific { anchor("annex-a", &o.id) } else { anchor("int", &o.id) },
                level: level + 1,
                label: o.label.clone(),
                title: o.title.get(self.lang).to_string(),
                html,
                targeting,
                themes,
            });
        }
        out
    }

    fn requirements(&self, setting: Setting) -> Vec<RequirementGroup> {
        let mut groups: Vec<RequirementGroup> = Vec::new();
        let mut keys: Vec<&str> = Vec::new();
        for r in self.policy.requirements.iter().filter(|r| r.setting == setting) {
            let row = RequirementRow {
                anchor: anchor("req", &r.id),
                id: r.id.clone(),
                outcomes: r.outcomes.get(self.lang).to_string(),
                measure: measure_text(r.measure.get(self.lang)),
                driver: r.driver.get(self.lang).to_string(),
                measures: r.measures.iter().map(|i| self.intention_link(i)).collect(),
                no_intention: r.no_intention.as_ref().map(|n| n.get(self.lang).to_string()),
            };
            match keys.iter().position(|k| *k == r.heading) {
                Some(i) => groups[i].rows.push(row),
                None => {
                    keys.push(&r.heading);
                    let title = self
                        .policy
                        .headings
                        .iter()
                        .find(|h| h.id == r.heading)
                        .map(|h| h.title.get(self.lang).to_string())
                        .unwrap_or_default();
                    groups.push(RequirementGroup { title, rows: vec![row] });
                }
            }
        }
        groups
    }

    fn partners(&self) -> Vec<PartnerRow> {
        self.policy
            .partners
            .iter()
            .map(|p| PartnerRow {
                anchor: anchor("partner", &p.id),
                name: p.name.get(self.lang).to_string(),
                short: p.short.as_ref().map(|s| s.get(self.lang).to_string()).filter(|s| s != p.name.get(self.lang)),
                nations: match p.applies.as_slice() {
                    [Nation::England] => self.s("england"),
                    [Nation::Wales] => self.s("wales"),
                    _ => self.s("england_and_wales"),
                },
            })
            .collect()
    }

    fn previous(&self) -> Vec<PreviousGroup> {
        let mut groups: Vec<PreviousGroup> = Vec::new();
        for p in &self.policy.previous_intentions {
            let scope = match (p.co_commissioned, p.settings.contains(&Setting::Community), p.settings.contains(&Setting::Custody)) {
                (true, _, _) => self.s("co_commissioning"),
                (false, true, true) => self.s("community_and_custody"),
                (false, true, false) => self.s("community_only"),
                _ => self.s("custody_only"),
            };
            // Annex D's headings say "England only", "Wales only" (the partners table says "England").
            let nations = match p.applies.as_slice() {
                [Nation::England] => self.s("england_only"),
                [Nation::Wales] => self.s("wales_only"),
                _ => self.s("england_and_wales"),
            };
            let title = format!("{scope}, {nations}");
            let row = PreviousRow {
                anchor: anchor("prev", &p.id),
                number: format!("{})", p.number),
                text: p.text.get(self.lang).to_string(),
                continued_by: p.continued_by.iter().map(|i| self.intention_link(i)).collect(),
            };
            match groups.last_mut() {
                Some(g) if g.title == title => g.rows.push(row),
                _ => groups.push(PreviousGroup { title, rows: vec![row] }),
            }
        }
        groups
    }

    fn chapter(&mut self, s: &Section, level: u8) -> Chapter {
        let html = self.prose(&s.text, level + 1);
        let generated = s.includes.as_deref().map(|g| match g {
            "overarching_intentions" => Generated::OverarchingIntentions { items: self.overarching(false, level) },
            "specific_intentions" => Generated::SpecificIntentions { items: self.overarching(true, level) },
            "characteristics" => Generated::Characteristics {
                items: self.policy.characteristics.iter().map(|c| c.title.get(self.lang).to_string()).collect(),
            },
            "community_requirements" => Generated::Requirements { groups: self.requirements(Setting::Community) },
            "custodial_requirements" => Generated::Requirements { groups: self.requirements(Setting::Custody) },
            "partners" => Generated::Partners { rows: self.partners() },
            _ => Generated::PreviousIntentions { groups: self.previous() },
        });
        let children = s.children.iter().map(|c| self.chapter(c, level + 1)).collect();
        // Footnotes are listed at the end of each chapter, as the printed document puts them
        // at the foot of its pages.
        let footnotes = if level == 2 { self.notes.take() } else { Vec::new() };
        Chapter {
            anchor: anchor("sec", &s.id),
            title: s.title.get(self.lang).to_string(),
            annex: s.annex.clone(),
            level,
            html,
            children,
            generated,
            footnotes,
        }
    }
}

fn toc(sections: &[Section], lang: Lang, depth: usize) -> Vec<TocEntry> {
    sections
        .iter()
        .map(|s| TocEntry {
            anchor: anchor("sec", &s.id),
            title: s.title.get(lang).to_string(),
            annex: s.annex.clone(),
            children: if depth < 1 { toc(&s.children, lang, depth + 1) } else { Vec::new() },
        })
        .collect()
}

pub fn render(policy: &Policy, templates: &Templates, lang: Lang) -> Result<String, String> {
    let strings = templates.strings(lang);
    let mut cx = Cx { policy, lang, strings, notes: Footnotes::with_links(link_targets(policy, "")) };
    let chapters: Vec<Chapter> = policy.sections.iter().map(|s| cx.chapter(s, 2)).collect();
    let mut ctx = templates.page_context(lang, policy.document.title.get(lang), "../");
    ctx.insert("document_title", policy.document.title.get(lang));
    let (from, to) = policy.document.period;
    ctx.insert("period", &format!("{} {} {}", html::date(&from, lang), cx.s("to"), html::date(&to, lang)));
    ctx.insert("signed", &policy.document.signed.as_ref().map(|s| s.get(lang).to_string()));
    ctx.insert("toc", &toc(&policy.sections, lang, 0));
    ctx.insert("chapters", &chapters);
    ctx.insert("other_href", &format!("../{}/index.html", lang.other().code()));
    templates.render("document.html", &ctx)
}
