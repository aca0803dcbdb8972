//! SLA annexes: for each establishment, the intentions that apply to it and every delivery
//! requirement with its negotiated target written into the measure.

use super::document::{anchor, measure_text};
use super::html::{self, Footnotes};
use super::Templates;
use crate::model::*;
use crate::syntax::ast::{Nation, Sector, Setting};
use serde::Serialize;

#[derive(Serialize)]
struct IntentionRow {
    label: String,
    title: String,
    href: String,
}

#[derive(Serialize)]
struct RequirementRow {
    id: String,
    href: String,
    measure: String,
    target: String,
    driver: String,
}

/// The measure with the value in place of `{target}`: "98.5% of prisoners are ready…".
///
/// The document writes its "x" the way its measures read, and two of them read badly once a
/// value stands there: it writes "x%" after a rate that is not a percentage ("absconds per
/// 100,000 prisoner days … less than x%"), so for every kind but `percent` a `%` after the
/// value is dropped; and "achieve x score" becomes "achieve a score of 3" (likewise a
/// rating). The Annex C tables keep the document's "x" as written.
pub fn measure_with_target(measure: &str, value: Option<f64>, kind: &str) -> String {
    let Some(v) = value else { return measure_text(measure) };
    let v = html::number(v);
    let mut m = measure.to_string();
    if kind != "percent" {
        m = m.replace("{target}%", "{target}");
    }
    for noun in ["score", "rating"] {
        m = m.replace(&format!("{{target}} {noun}"), &format!("a {noun} of {{target}}"));
    }
    m.replace("{target}", &v)
}

/// The Target column: the direction, the value and its unit ("at least 99%", "at most 5
/// days", "at least 3 on a scale of 1 to 4").
fn target_text(r: &Requirement, value: Option<f64>, s: &dyn Fn(&str) -> String) -> String {
    let Some(v) = value else { return s("fixed") };
    let n = html::number(v);
    let amount = match (r.target.kind.as_str(), r.target.scale) {
        ("percent", _) => format!("{n}%"),
        ("days", _) if v == 1.0 => format!("{n} {}", s("unit_day")),
        ("days", _) => format!("{n} {}", s("unit_days")),
        ("rating", Some((lo, hi))) => {
            s("unit_rating").replace("{value}", &n).replace("{min}", &html::number(lo)).replace("{max}", &html::number(hi))
        }
        ("score", _) => format!("{n} ({})", s("unit_score")),
        ("rate", _) => format!("{n} ({})", s("unit_rate")),
        _ => n,
    };
    match r.target.direction.as_deref() {
        Some(dir) => format!("{} {amount}", s(dir)),
        None => amount,
    }
}

pub fn render(policy: &Policy, e: &Establishment, templates: &Templates, lang: Lang) -> Result<String, String> {
    let t = templates.strings(lang);
    let s = |k: &str| t.get(k).cloned().unwrap_or_else(|| k.to_string());
    let doc = format!("../../{}/index.html", lang.code());
    let intentions: Vec<IntentionRow> = policy
        .intentions
        .iter()
        .filter(|i| i.under.is_some() && i.setting.is_none_or(|x| x == e.setting) && i.applies.contains(&e.applies))
        .map(|i| IntentionRow {
            label: i.label.clone(),
            title: i.title.get(lang).to_string(),
            href: format!("{doc}#{}", anchor("int", &i.id)),
        })
        .collect();
    let requirements: Vec<RequirementRow> = policy
        .requirements
        .iter()
        .filter(|r| e.requirements.contains(&r.id))
        .map(|r| {
            let value = e.targets.iter().find(|t| t.requirement == r.id).map(|t| t.value);
            RequirementRow {
                id: r.id.clone(),
                href: format!("{doc}#{}", anchor("req", &r.id)),
                measure: measure_with_target(r.measure.get(lang), value, &r.target.kind),
                target: target_text(r, value, &s),
                driver: r.driver.get(lang).to_string(),
            }
        })
        .collect();
    let mut notes = Footnotes::with_links(super::document::link_targets(policy, &doc));
    let text = e.text.as_ref().map(|p| html::prose(p.get(lang), &mut notes, 3)).unwrap_or_default();
    let title = format!("{}: {}", s("sla_annex"), e.name.get(lang));
    let mut ctx = templates.page_context(lang, &title, "../../");
    ctx.insert("name", e.name.get(lang));
    ctx.insert("text", &text);
    ctx.insert("footnotes", &notes.take());
    ctx.insert(
        "setting",
        &s(match e.setting {
            Setting::Custody => "custody",
            Setting::Community => "community",
        }),
    );
    ctx.insert(
        "sector",
        &s(match e.sector {
            Sector::Public => "public",
            Sector::Private => "private",
        }),
    );
    ctx.insert(
        "nation",
        &s(match e.applies {
            Nation::England => "england",
            Nation::Wales => "wales",
        }),
    );
    ctx.insert("illustrative", &e.illustrative);
    ctx.insert("intentions", &intentions);
    ctx.insert("requirements", &requirements);
    ctx.insert("document_href", &doc);
    ctx.insert("document_title", policy.document.title.get(lang));
    ctx.insert("other_href", &format!("{}.html", lang.other().code()));
    templates.render("sla.html", &ctx)
}

/// The landing page: both editions and every SLA annex.
pub fn home(policy: &Policy, templates: &Templates) -> Result<String, String> {
    #[derive(Serialize)]
    struct Annex {
        en_name: String,
        cy_name: String,
        en_href: String,
        cy_href: String,
    }
    let annexes: Vec<Annex> = policy
        .establishments
        .iter()
        .map(|e| Annex {
            en_name: e.name.get(Lang::En).to_string(),
            cy_name: e.name.get(Lang::Cy).to_string(),
            en_href: format!("sla/{}/en.html", e.id),
            cy_href: format!("sla/{}/cy.html", e.id),
        })
        .collect();
    let mut ctx = templates.page_context(Lang::En, policy.document.title.get(Lang::En), "");
    ctx.insert("en_title", policy.document.title.get(Lang::En));
    ctx.insert("cy_title", policy.document.title.get(Lang::Cy));
    ctx.insert("cy", templates.strings(Lang::Cy));
    ctx.insert("annexes", &annexes);
    // The landing page is English with the Welsh beside it; its Welsh alternative is the Welsh
    // edition, never the English one.
    ctx.insert("other_href", "cy/index.html");
    templates.render("home.html", &ctx)
}
