//! `intentc build`: both editions and every SLA annex, complete in both languages, with every
//! link resolving, byte-identical when rebuilt, and atomic when it fails.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

fn output() -> &'static BTreeMap<String, String> {
    static O: OnceLock<BTreeMap<String, String>> = OnceLock::new();
    O.get_or_init(|| common::corpus_output().files.into_iter().map(|(k, v)| (k, String::from_utf8(v).unwrap())).collect())
}

fn page(path: &str) -> &'static str {
    output().get(path).unwrap_or_else(|| panic!("no {path} in the output"))
}

/// Values of an attribute in a page, e.g. every `id="…"`.
fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!("{attr}=\"");
    html.match_indices(&pat)
        .map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn both_editions_and_every_annex_are_written() {
    let model = common::corpus_model();
    for lang in ["en", "cy"] {
        let html = page(&format!("{lang}/index.html"));
        assert!(html.starts_with(&format!("<!DOCTYPE html>\n<html lang=\"{lang}\">")), "{lang}");
        for e in &model.establishments {
            let sla = page(&format!("sla/{}/{lang}.html", e.id));
            assert!(sla.contains(&format!("<html lang=\"{lang}\">")));
        }
    }
    assert!(page("cy/index.html").contains("1 Ebrill 2014 i 31 Mawrth 2015"), "Welsh dates");
    assert!(page("en/index.html").contains("1 April 2014 to 31 March 2015"));
    assert!(page("en/index.html").contains("hreflang=\"cy\" href=\"../cy/index.html\""), "the English links to the Welsh edition");
    assert!(page("cy/index.html").contains("hreflang=\"en\" href=\"../en/index.html\""));
    assert!(page("en/index.html").contains("This document is also published in Welsh"));
}

#[test]
fn every_intention_requirement_band_and_partner_is_in_both_languages() {
    let model = common::corpus_model();
    for lang in ["en", "cy"] {
        let html = page(&format!("{lang}/index.html"));
        let ids: BTreeSet<&str> = attr_values(html, "id").into_iter().collect();
        let l = if lang == "en" { intentc::model::Lang::En } else { intentc::model::Lang::Cy };
        let escaped = |s: &str| intentc::emit::html::escape(s);
        for i in &model.intentions {
            assert!(ids.contains(format!("int-{}", i.id).as_str()), "{lang}: intention {}", i.id);
            assert!(html.contains(&escaped(i.title.get(l))), "{lang}: title of {}", i.id);
        }
        for r in &model.requirements {
            assert!(ids.contains(format!("req-{}", r.id).as_str()), "{lang}: requirement {}", r.id);
        }
        for set in &model.bands {
            for b in &set.bands {
                assert!(html.contains(&escaped(b.title.get(l))), "{lang}: band {}", b.id);
            }
        }
        for p in &model.partners {
            assert!(html.contains(&escaped(p.name.get(l))), "{lang}: partner {}", p.id);
        }
        for r in &model.rules {
            assert!(ids.contains(format!("rule-{}", r.id.replace('.', "-")).as_str()), "{lang}: rule {}", r.id);
        }
        for p in &model.previous_intentions {
            assert!(ids.contains(format!("prev-{}", p.id.replace('.', "-")).as_str()), "{lang}: 2013-14 intention {}", p.id);
        }
    }
    // The editions have the same structure: the same anchors in the same order.
    let en = attr_values(page("en/index.html"), "id");
    let cy = attr_values(page("cy/index.html"), "id");
    assert_eq!(en, cy);
}

#[test]
fn every_internal_link_resolves_and_no_id_is_repeated() {
    let mut checked = 0;
    for (path, html) in output().iter().filter(|(p, _)| p.ends_with(".html")) {
        let ids = attr_values(html, "id");
        let unique: BTreeSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{path}: repeated ids");
        let dir = Path::new(path).parent().unwrap();
        for href in attr_values(html, "href") {
            if href.starts_with("http://") || href.starts_with("https://") || href.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                let mut parts: Vec<String> = dir.iter().map(|c| c.to_string_lossy().into_owned()).collect();
                for c in file.split('/') {
                    match c {
                        ".." => {
                            parts.pop();
                        }
                        "." | "" => {}
                        c => parts.push(c.to_string()),
                    }
                }
                parts.join("/")
            };
            let target_html = output().get(&target).unwrap_or_else(|| panic!("{path}: link to missing page {href}"));
            if !fragment.is_empty() {
                assert!(attr_values(target_html, "id").contains(&fragment), "{path}: link {href} has no target");
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn sla_annexes_write_the_target_into_each_measure() {
    let leeds = page("sla/hmp_leeds/en.html");
    let targets =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions/establishments/targets/hmp-leeds.yaml")).unwrap();
    let cu001: &str = targets.lines().find(|l| l.trim_start().starts_with("CU001:")).unwrap().split(':').nth(1).unwrap().trim();
    assert!(leeds.contains(&format!("To ensure that {cu001}% of prisoners are ready for discharge")), "CU001 with {cu001}");
    assert!(!leeds.contains("{target}"));
    assert!(leeds.contains("illustrative values"), "the illustrative notice");
    // A private prison's annex has no public-sector-only requirement.
    assert!(page("sla/hmp_leeds/en.html").contains(">CR003<"));
    assert!(!page("sla/hmp_altcourse/en.html").contains(">CR003<"));
    // Intentions that apply only in England are not in a Welsh prison's annex.
    assert!(page("sla/hmp_leeds/en.html").contains("#int-2c\""));
    assert!(!page("sla/hmp_cardiff/en.html").contains("#int-2c\""));
    assert!(page("sla/hmp_cardiff/cy.html").contains("#int-2i\""));
}

#[test]
fn source_text_is_escaped() {
    // A document whose texts try to inject markup.
    let prelude = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prelude.intent")).unwrap();
    let mut project = intentc::source::Project::new();
    project.add_str("intentions/prelude.intent", &prelude).unwrap();
    project.add_str(
        "intentions/a.intent",
        "section s {\n  title { en \"<script>alert(x)</script>\" cy \"<b>bold</b>\" }\n  text { en \"a & b [x](https://x.test/?a=\\\"b\\\") <img src=x onerror=alert(x)>\" cy \"<i>i</i>\" }\n}\n",
    ).unwrap();
    project.sort();
    let project = common::stamped(&project);
    let result = intentc::check(&project, Default::default());
    assert!(!result.diagnostics.has_errors(), "{:?}", result.diagnostics.codes());
    let out = intentc::emit::build(&result.model.unwrap(), &Default::default()).unwrap();
    let en = String::from_utf8(out.files["en/index.html"].clone()).unwrap();
    assert!(en.contains("&lt;script&gt;alert(x)&lt;/script&gt;"));
    assert!(!en.contains("<script>"));
    assert!(en.contains("&lt;img src=x onerror=alert(x)&gt;"));
    assert!(en.contains("a &amp; b"));
    let cy = String::from_utf8(out.files["cy/index.html"].clone()).unwrap();
    assert!(cy.contains("&lt;b&gt;bold&lt;/b&gt;") && !cy.contains("<b>bold"));
}

fn intentc_bin(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_intentc")).args(args).current_dir(dir).env_remove("SOURCE_DATE_EPOCH").output().unwrap()
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, d: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

#[test]
fn two_builds_are_byte_identical_and_a_failed_build_changes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("intentions");
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions"), &src);
    let first = intentc_bin(&["build", "intentions", "--out", "dist"], work.path());
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let a = tree(&work.path().join("dist"));
    assert!(a.len() > 20);
    let second = intentc_bin(&["build", "intentions", "--out", "dist"], work.path());
    assert_eq!(second.status.code(), Some(0));
    assert!(a == tree(&work.path().join("dist")), "a rebuild changed the output");

    // Break a source: the build refuses and the old output stays, byte for byte.
    let file = src.join("annex-c/custody.intent");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("To ensure that {target}%", "To ensure that %", 1)).unwrap();
    let broken = intentc_bin(&["build", "intentions", "--out", "dist"], work.path());
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("E0302"));
    assert!(a == tree(&work.path().join("dist")), "a failed build touched the output");
    // Missing Welsh also stops a build (but not a plain check).
    std::fs::write(&file, &text).unwrap();
    let intro = src.join("01-foreword.intent");
    let foreword = std::fs::read_to_string(&intro).unwrap();
    let cut = foreword.find("cy@").unwrap();
    let end = foreword[cut..].find('"').unwrap() + cut;
    let without_welsh_stamp = format!("{}cy{}", &foreword[..cut], &foreword[end..]);
    std::fs::write(&intro, &without_welsh_stamp).unwrap();
    assert_eq!(intentc_bin(&["check", "intentions"], work.path()).status.code(), Some(0));
    assert_eq!(intentc_bin(&["build", "intentions", "--out", "dist"], work.path()).status.code(), Some(1));
    assert!(a == tree(&work.path().join("dist")));
    // No staging folders are left behind.
    let leftovers: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".intentc"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

#[test]
fn the_interface_catalogues_have_the_same_keys() {
    let t = intentc::emit::Templates::load().unwrap();
    let keys = t.string_keys();
    assert_eq!(keys["en"], keys["cy"]);
    assert!(keys["en"].len() > 40);
}

const DERIVED: &str = r#"
section annex_a { annex A; title { en "Specific intentions" cy "Bwriadau penodol" }; includes specific_intentions }
intention 1 { title { en "Reduce reoffending" cy "Lleihau aildroseddu" } }
intention 1a {
  under 1
  title { en "Target resources" cy "Targedu adnoddau" }
  unmeasured { en "Guidance only." cy "Canllaw yn unig." }
}
attribute ogrs3 { name { en "OGRS3 score" cy "Sgôr OGRS3" }; type percent }
service case_work { name { en "Case work" cy "Gwaith achos" }; kind case_management }
service programmes { name { en "Programmes" cy "Rhaglenni" }; kind intervention }
targeting violent {
  under 1a
  title { en "Violent offenders" cy "Troseddwyr treisgar" }
  when ogrs3 >= 50 as higher {
    invest 1 programmes {
      derived { en "The guidance recommends programmes but gives no label." cy "Mae'r canllaw yn argymell rhaglenni ond nid yw'n rhoi label." }
      text { en "Programmes for the higher band." cy "Rhaglenni ar gyfer y band uwch." }
    }
    avoid 2 case_work { text { en "Case work for the higher band." cy "Gwaith achos ar gyfer y band uwch." } }
  }
}
"#;

#[test]
fn a_derived_decision_is_shown_as_the_publishers_reading_never_as_the_documents_label() {
    let out = common::build_small(&[("intentions/rules.intent", DERIVED)]);
    let row = |html: &'static str, id: &str| -> &'static str {
        let start = html.find(&format!("<tr id=\"rule-{id}\"")).unwrap_or_else(|| panic!("no row for {id}"));
        &html[start..start + html[start..].find("</tr>").unwrap()]
    };
    let en: &'static str = Box::leak(out["en/index.html"].clone().into_boxed_str());
    let cy: &'static str = Box::leak(out["cy/index.html"].clone().into_boxed_str());
    let derived = row(en, "violent-higher-1");
    assert!(derived.contains("class=\"verb-invest derived\""), "{derived}");
    assert!(
        derived.contains("Invest in <a class=\"publisher-mark\" href=\"#publisher-additions\">Publisher&#39;s reading</a>"),
        "{derived}"
    );
    assert!(derived.contains("without an invest or do-not-invest label"), "the explanation, in words");
    assert!(derived.contains("The guidance recommends programmes but gives no label."), "the reason");
    let labelled = row(en, "violent-higher-2");
    assert!(!labelled.contains("derived") && !labelled.contains("publisher"), "{labelled}");
    let derived_cy = row(cy, "violent-higher-1");
    assert!(derived_cy.contains("Dehongliad y cyhoeddwr"), "{derived_cy}");
    assert!(derived_cy.contains("nid yw&#39;n rhoi label"), "the Welsh reason: {derived_cy}");

    // The bundle carries the distinction for every rule.
    let rules: serde_json::Value = serde_json::from_str(&out["bundle/rules.json"]).unwrap();
    let rule = |id: &str| rules["rules"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    assert_eq!(rule("violent.higher.1")["label"], "derived");
    assert_eq!(rule("violent.higher.1")["reason"]["cy"], "Mae'r canllaw yn argymell rhaglenni ond nid yw'n rhoi label.");
    assert_eq!(rule("violent.higher.2")["label"], "document");
    assert_eq!(rule("violent.higher.2")["reason"], serde_json::Value::Null);

    // `intentc eval` says so too, in text and in JSON.
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in out.iter().filter(|(p, _)| p.starts_with("bundle/")) {
        let dest = dir.path().join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(dest, text).unwrap();
    }
    let text = intentc_bin(&["eval", "--bundle", "bundle", "--set", "ogrs3=60"], dir.path());
    let text = String::from_utf8_lossy(&text.stdout);
    // Each decision starts with a bullet and ends with its rule id; white space folded, as
    // the report wraps its lines.
    let block = |id: &str| {
        let b = text.split("\n  • ").find(|b| b.contains(&format!("(rule {id},"))).unwrap_or_else(|| panic!("{id}: {text}"));
        b.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let derived = block("violent.higher.1");
    assert!(derived.contains("Publisher's reading, not the document's own label"), "{derived}");
    assert!(derived.contains("Why it is read so: The guidance recommends programmes but gives no label."), "{derived}");
    assert!(!block("violent.higher.2").contains("ublisher"), "{text}");
    let json = intentc_bin(&["eval", "--bundle", "bundle", "--set", "ogrs3=60", "--format", "json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let d = v["outcome"]["decisions"].as_array().unwrap().iter().find(|d| d["rule"] == "violent.higher.1").unwrap();
    assert_eq!(d["label"], "derived");
    assert_eq!(d["reason"]["en"], "The guidance recommends programmes but gives no label.");
}

#[test]
fn annex_d_headings_say_england_only_and_wales_only() {
    // The document's groups read "…, England only" and "…, Wales only": the word "only" is part of
    // the heading, not something the reader may infer.
    let en = page("en/index.html");
    assert!(en.contains("Co-commissioning in community and in custody, England only"), "England only");
    assert!(en.contains("Co-commissioning in community and in custody, Wales only"), "Wales only");
    assert!(en.contains("Custody only, England and Wales"));
    let cy = page("cy/index.html");
    assert!(cy.contains("Cyd-gomisiynu yn y gymuned ac yn y ddalfa, Lloegr yn unig"));
    assert!(cy.contains("Cyd-gomisiynu yn y gymuned ac yn y ddalfa, Cymru yn unig"));
}

#[test]
fn the_publishers_additions_are_marked_as_such_in_both_languages() {
    let model = common::corpus_model();
    for (lang, mark, measured_by, measures, continued) in [
        ("en", "Publisher&#39;s addition", "Measured by", "Measures intention", "Continued in 2014 by"),
        ("cy", "Ychwanegiad y cyhoeddwr", "Wedi&#39;i fesur gan", "Yn mesur bwriad", "Wedi&#39;i barhau yn 2014 gan"),
    ] {
        let html = page(&format!("{lang}/index.html"));
        let marked = format!("<a class=\"publisher-mark\" href=\"#publisher-additions\">{mark}</a>");
        // The explanation the marks link to, on the title page.
        assert!(html.contains("id=\"publisher-additions\""), "{lang}");
        let title_page = &html[..html.find("</section>").unwrap()];
        assert!(title_page.contains(&format!("2015 {marked}</p>")), "{lang}: the period");
        // Every specific intention's "measured by" (or "not measured" reason).
        let specific = model.intentions.iter().filter(|i| i.under.is_some()).count();
        assert_eq!(html.matches(&format!("<dt>{measured_by} {marked}</dt>")).count(), specific, "{lang}: measured by");
        let measuring = model.requirements.iter().filter(|r| !r.measures.is_empty()).count();
        assert_eq!(html.matches(&format!("{measures} {marked}:")).count(), measuring, "{lang}: Annex C's mapping");
        let groups = html.matches("<table class=\"previous\">").count();
        assert!(groups > 0);
        assert_eq!(html.matches(&format!("{continued} {marked}</th>")).count(), groups, "{lang}: Annex D");
        assert!(html.contains("<table class=\"partners\">\n<caption>"), "{lang}");
        let caption = &html[html.find("<table class=\"partners\">").unwrap()..];
        assert!(caption[..caption.find("</caption>").unwrap()].contains(&marked), "{lang}: the partners table");
    }
    // The bundle says which of its fields are additions, and its schemas say so per field.
    let manifest: serde_json::Value = serde_json::from_str(page("bundle/manifest.json")).unwrap();
    let editorial: Vec<String> = manifest["editorial"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{}", e["file"].as_str().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    for f in [
        "intentions.json:measured_by",
        "intentions.json:unmeasured",
        "partners.json:applies",
        "requirements.json:measures",
        "manifest.json:document.period",
    ] {
        assert!(editorial.contains(&f.to_string()), "{f} in {editorial:?}");
    }
    for (schema, field) in
        [("intentions", "measured_by"), ("intentions", "unmeasured"), ("partners", "applies"), ("requirements", "measures")]
    {
        let text = page(&format!("bundle/schemas/{schema}.schema.json"));
        let at = text.find(&format!("\"{field}\": {{")).unwrap_or_else(|| panic!("{schema}.{field}"));
        // The field's own description: the first one after its name (keys are sorted, so it
        // follows any `anyOf`).
        let description = &text[at..at + text[at..].find("\"description\"").unwrap() + 120];
        assert!(description.contains("Publisher's addition"), "{schema}.{field}: {description}");
    }
}

#[test]
fn a_year_that_starts_a_wrapped_line_is_kept_and_the_escape_keeps_a_small_number() {
    let section = "section s {\n  title { en \"Planning\" cy \"Cynllunio\" }\n  text {\n    en \"\"\"\n    Prices are fixed from\n    2014. Budgets follow.\n\n    The count was\n    12\\. That is fewer.\n    \"\"\"\n    cy \"\"\"\n    Mae prisiau'n sefydlog o\n    2014. Mae cyllidebau'n dilyn.\n\n    Y cyfrif oedd\n    12\\. Mae hynny'n llai.\n    \"\"\"\n  }\n}\n";
    let out = common::build_small(&[("intentions/s.intent", section)]);
    let en = &out["en/index.html"];
    assert!(en.contains("<p>Prices are fixed from 2014. Budgets follow.</p>"), "{en}");
    assert!(en.contains("<p>The count was 12. That is fewer.</p>"), "{en}");
    assert!(!en.contains("<li>Budgets") && !en.contains("<li>That"), "no numbered list");
    assert!(out["cy/index.html"].contains("o 2014. Mae cyllidebau"));
}

#[test]
fn sla_annexes_read_correctly_with_their_values() {
    let row = |page_path: &str, id: &str| -> String {
        let html = page(page_path);
        let start = html.find(&format!(">{id}</a></th>")).unwrap_or_else(|| panic!("no {id} in {page_path}"));
        html[start..start + html[start..].find("</tr>").unwrap()].to_string()
    };
    // A rate is not a percentage, whatever the document's "x%" says.
    let cu003 = row("sla/hmp_leeds/en.html", "CU003");
    assert!(!cu003.contains('%'), "{cu003}");
    assert!(cu003.contains("(rate)</td>"), "{cu003}");
    assert!(!row("sla/hmp_cardiff/cy.html", "CU003").contains('%'));
    // The Target column gives the unit.
    let cu001 = row("sla/hmp_leeds/en.html", "CU001");
    assert!(cu001.contains("<td>at least ") && cu001.contains("%</td>"), "{cu001}");
    assert!(row("sla/hmp_cardiff/cy.html", "CU001").contains("<td>o leiaf "));
    // Scores and ratings read as such.
    let cu081 = row("sla/hmp_leeds/en.html", "CU081");
    assert!(cu081.contains("To achieve a score of ") && cu081.contains("(score)</td>"), "{cu081}");
    let cu057a = row("sla/hmp_leeds/en.html", "CU057a");
    assert!(cu057a.contains(" on a scale of 1 to 4</td>"), "{cu057a}");
    assert!(row("sla/hmp_cardiff/cy.html", "CU057a").contains(" ar raddfa o 1 i 4</td>"));
    // No empty heading where no intention applies (the probation trust: every specific
    // intention is about custody).
    let model = common::corpus_model();
    for e in &model.establishments {
        for lang in ["en", "cy"] {
            let html = page(&format!("sla/{}/{lang}.html", e.id));
            if html.contains("id=\"intentions-title\"") {
                assert!(html.contains("<ul class=\"intentions\">\n<li>"), "{}: an empty list of intentions", e.id);
            }
        }
    }
    assert!(!page("sla/london_probation_trust/en.html").contains("intentions-title"));
}

#[test]
fn band_captions_say_each_title_once_and_join_adjoining_ranges() {
    for (lang, title) in
        [("en", "High and very high likelihood of any reconviction"), ("cy", "Tebygolrwydd uchel ac uchel iawn o unrhyw ailgollfarn")]
    {
        let html = page(&format!("{lang}/index.html"));
        assert!(html.contains(&format!("<caption>{title} (OGRS3 50–89%)</caption>")), "{lang}");
        assert!(!html.contains(&format!("{title} / {title}")), "{lang}");
    }
}

#[test]
fn a_cross_reference_is_a_link_to_the_part_it_names() {
    // "see the table at vii" (4(a) ii) goes to the table of part vii, in both editions.
    assert!(page("en/index.html").contains("see <a href=\"#tgt-reconviction_bands\">the table at vii</a>"));
    assert!(page("cy/index.html").contains("gweler <a href=\"#tgt-reconviction_bands\">y tabl yn vii</a>"));
    assert!(!page("en/index.html").contains("page 30"));
    // A cross-reference to something the document does not show stays text, not a dead link.
    let out = common::build_small(&[(
        "intentions/a.intent",
        "section s {\n  title { en \"S\" cy \"S\" }\n  text { en \"See [the guidance](#g).\" cy \"Gweler [y canllaw](#g).\" }\n}\ntargeting g { title { en \"G\" cy \"G\" } }\n",
    )]);
    assert!(out["en/index.html"].contains("See the guidance."), "{}", out["en/index.html"]);
}

#[test]
fn the_landing_page_points_its_welsh_link_and_alternate_at_the_welsh_edition() {
    let home = page("index.html");
    assert!(home.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(home.contains("<link rel=\"alternate\" hreflang=\"cy\" href=\"cy/index.html\">"), "{home}");
    assert!(home.contains("<a href=\"cy/index.html\" hreflang=\"cy\" lang=\"cy\">Darllenwch y ddogfen hon yn Gymraeg</a>"), "{home}");
    // Every hreflang="cy" link on the page goes to a Welsh page, and every hreflang="en" one to
    // an English page.
    for (lang, dir) in [("cy", "cy"), ("en", "en")] {
        for (i, _) in home.match_indices(&format!("hreflang=\"{lang}\"")) {
            let tag = &home[home[..i].rfind('<').unwrap()..i + home[i..].find('>').unwrap()];
            let href = tag.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
            assert!(href.starts_with(&format!("{dir}/")) || href.contains(&format!("/{dir}.html")), "{tag}");
        }
    }
}
