//! Phase 5, emit: documents, SLA annexes and the JSON rule bundle, from the checked model.
//!
//! Emitters produce an [`Output`]: a sorted map of paths to bytes. They write nothing; the
//! CLI writes the output atomically. The templates are compiled into the binary, so a build
//! works wherever intentc is installed.

pub mod bundle;
pub mod document;
pub mod html;
pub mod sla;

use crate::model::{Lang, Policy};
use std::collections::BTreeMap;

/// The files a build writes, by path relative to the output folder.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Output {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("document.html", include_str!("../../templates/document.html")),
    ("sla.html", include_str!("../../templates/sla.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    ("home.html", include_str!("../../templates/home.html")),
    ("style.css", include_str!("../../templates/style.css")),
];
const STRINGS: &str = include_str!("../../templates/strings.yaml");

/// The tera templates and the interface strings of both languages.
pub struct Templates {
    tera: tera::Tera,
    strings: BTreeMap<String, BTreeMap<String, String>>,
}

impl Templates {
    pub fn load() -> Result<Templates, String> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(TEMPLATES.to_vec()).map_err(|e| format!("template error: {e:?}"))?;
        // Autoescaping is on for every template that produces HTML; `style.css` is included
        // as text, and prose arrives already escaped (see html.rs).
        tera.autoescape_on(vec![".html"]);
        // One escaping for everything on a page: the prose renderer's (see html.rs), which
        // leaves `/` alone so links read as written.
        tera.set_escape_fn(html::escape);
        let strings = interface_strings(STRINGS).map_err(|e| format!("templates/strings.yaml: {e}"))?;
        Ok(Templates { tera, strings })
    }

    pub fn strings(&self, lang: Lang) -> &BTreeMap<String, String> {
        &self.strings[lang.code()]
    }

    /// The keys of each language's catalogue, for the test that they match.
    pub fn string_keys(&self) -> BTreeMap<String, Vec<String>> {
        self.strings.iter().map(|(l, m)| (l.clone(), m.keys().cloned().collect())).collect()
    }

    /// What every page needs: its language, the interface strings, and where the other
    /// language's page is.
    pub fn page_context(&self, lang: Lang, title: &str, root: &str) -> tera::Context {
        let mut ctx = tera::Context::new();
        ctx.insert("lang", lang.code());
        ctx.insert("other_lang", lang.other().code());
        ctx.insert("t", self.strings(lang));
        ctx.insert("page_title", title);
        ctx.insert("root", root);
        ctx
    }

    pub fn render(&self, name: &str, ctx: &tera::Context) -> Result<String, String> {
        self.tera.render(name, ctx).map_err(|e| {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(": ");
                msg.push_str(&s.to_string());
                source = s.source();
            }
            msg
        })
    }
}

/// Everything `build` writes: both documents, every SLA annex and the bundle.
pub fn build(policy: &Policy, meta: &bundle::Meta) -> Result<Output, String> {
    let templates = Templates::load()?;
    let mut out = Output::default();
    for lang in Lang::ALL {
        out.add(format!("{}/index.html", lang.code()), document::render(policy, &templates, lang)?);
        for e in &policy.establishments {
            out.add(format!("sla/{}/{}.html", e.id, lang.code()), sla::render(policy, e, &templates, lang)?);
        }
    }
    out.add("index.html", sla::home(policy, &templates)?);
    bundle::write(policy, meta, &mut out)?;
    Ok(out)
}

/// `templates/strings.yaml`: for each language, a map of string names to texts.
fn interface_strings(text: &str) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
    use saphyr::{LoadableYamlNode, Yaml};
    let docs = Yaml::load_from_str(text).map_err(|e| e.to_string())?;
    let top = docs.first().and_then(Yaml::as_mapping).ok_or("it is not a map of languages")?;
    let mut out = BTreeMap::new();
    for (lang, strings) in top {
        let lang = lang.as_str().ok_or("a language is not a name")?;
        let strings = strings.as_mapping().ok_or_else(|| format!("`{lang}` is not a map of strings"))?;
        let mut m = BTreeMap::new();
        for (k, v) in strings {
            let k = k.as_str().ok_or_else(|| format!("a key of `{lang}` is not a name"))?;
            let v = v.as_str().ok_or_else(|| format!("`{lang}.{k}` is not text (quote it)"))?;
            m.insert(k.to_string(), v.to_string());
        }
        out.insert(lang.to_string(), m);
    }
    Ok(out)
}
