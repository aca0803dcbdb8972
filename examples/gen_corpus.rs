//! A synthetic corpus for the benchmarks: the reference corpus (`intentions/`) copied N times.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --scale N --out DIR [--from intentions]
//! ```
//!
//! Copy 0 is the reference corpus as it is. Copy k (1 ≤ k < N) is the same files under
//! `DIR/c<k>/`, with every declared id, and every reference to one, renamed with the suffix
//! `_k<k>` (`CU001` → `CU001_k7`, `ogrs3` → `ogrs3_k7`, the rule `reconviction_bands.low.1`
//! → `reconviction_bands_k7.low.1`). Names local to a declaration (bands inside a `bands` set,
//! `as` names of scopes, levels and options of attributes) are left as they are.
//!
//! Two kinds of declaration are not copied, so the result stays a valid project whose size
//! grows linearly with N:
//! - the `document` (a project has exactly one);
//! - the establishments. Every establishment must give a target for every requirement that
//!   applies to it, so N copies of 5 establishments would need N² target values. Instead the
//!   5 establishments of copy 0 stay, and their targets files carry a value for the matching
//!   requirement of every copy (`CU001_k7: 99`), which grows linearly.
//!
//! With `--terms-once`, the termbase is not copied either (copy 0's terms only): the termbase
//! check compares every text with every term, so copying the termbase makes that check grow
//! with N²; this option shows the rest of `check` on its own.
//!
//! The Welsh is re-stamped (in memory, with `intentc::syntax::stamp::stamp_file`) before
//! copying, so the result checks clean with `--strict` whenever the reference corpus does.
//! The output is deterministic: no randomness, files written in sorted order.

use intentc::source::{FileKind, Project};
use intentc::syntax::ast::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn main() {
    let mut scale: usize = 1;
    let mut out: Option<PathBuf> = None;
    let mut from = Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions");
    let mut terms_once = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--scale" => scale = args.next().and_then(|s| s.parse().ok()).expect("--scale takes a whole number ≥ 1"),
            "--out" => out = args.next().map(PathBuf::from),
            "--terms-once" => terms_once = true,
            "--from" => from = args.next().map(PathBuf::from).expect("--from takes a folder"),
            "-h" | "--help" => {
                eprintln!("usage: gen_corpus --scale N --out DIR [--from intentions] [--terms-once]");
                return;
            }
            other => panic!("unknown argument `{other}` (usage: gen_corpus --scale N --out DIR)"),
        }
    }
    assert!(scale >= 1, "--scale must be at least 1");
    let out = out.expect("--out DIR is required");
    let stats = generate(&from, scale, &out, terms_once);
    println!(
        "scale={scale} files={} bytes={} declarations={} rules={} texts={} terms={} out={}",
        stats.files,
        stats.bytes,
        stats.declarations,
        stats.rules,
        stats.texts,
        stats.terms,
        out.display()
    );
}

#[derive(Default)]
struct Stats {
    files: usize,
    bytes: usize,
    declarations: usize,
    /// Targeting rules (`invest`, `avoid`, `note`).
    rules: usize,
    /// Bilingual texts (each an English and a Welsh).
    texts: usize,
    terms: usize,
}

/// What one file holds: declarations, rules, texts, terms.
#[derive(Default, Clone, Copy)]
struct Counts {
    declarations: usize,
    rules: usize,
    texts: usize,
    terms: usize,
}

impl Counts {
    fn of(d: &Declaration) -> Counts {
        fn rules(items: &[TargetingItem]) -> usize {
            items
                .iter()
                .map(|i| match i {
                    TargetingItem::Rule(_) => 1,
                    TargetingItem::Scope(s) => rules(&s.items),
                })
                .sum()
        }
        Counts {
            declarations: 1,
            rules: match &d.body {
                Body::Targeting(t) => rules(&t.items),
                _ => 0,
            },
            texts: d.texts().len(),
            terms: matches!(d.body, Body::Term(_)) as usize,
        }
    }
    fn add(&mut self, o: Counts) {
        self.declarations += o.declarations;
        self.rules += o.rules;
        self.texts += o.texts;
        self.terms += o.terms;
    }
}

impl Stats {
    fn add(&mut self, c: Counts) {
        self.declarations += c.declarations;
        self.rules += c.rules;
        self.texts += c.texts;
        self.terms += c.terms;
    }
}

/// Every file under `dir`, relative to it, sorted.
fn walk(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("readable folder").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let r = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        if path.is_dir() {
            walk(&path, &r, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("intent" | "yaml" | "yml")) {
            out.push(r);
        }
    }
}

/// How one .intent file of the reference corpus becomes copy k.
struct Template {
    path: String,
    text: String,
    /// Byte offsets just after an id (declared or referenced): the suffix goes there.
    inserts: Vec<usize>,
    /// Declarations left out of copies 1.., as byte ranges.
    drop: Vec<(usize, usize)>,
    /// What copy 0 holds, and what copies 1.. hold.
    total: Counts,
    kept: Counts,
}

fn generate(from: &Path, scale: usize, out: &Path, terms_once: bool) -> Stats {
    let mut rels = Vec::new();
    walk(from, "", &mut rels);

    // The reference corpus, re-stamped in memory.
    let mut project = Project::new();
    for r in &rels {
        project.add(r.clone(), &std::fs::read(from.join(r)).expect("readable file")).unwrap();
    }
    project.sort();
    let mut stamped = Project::new();
    for f in &project.files {
        match f.kind {
            FileKind::Intent => {
                let (text, _) = intentc::syntax::stamp::stamp_file(&project, f.id);
                stamped.add_str(f.path.clone(), &text).unwrap();
            }
            FileKind::Yaml => {
                stamped.add_str(f.path.clone(), &f.text).unwrap();
            }
        }
    }
    stamped.sort();

    // Parse once: the declared ids, and where every id stands.
    let mut templates = Vec::new();
    let mut declared: BTreeSet<String> = BTreeSet::new();
    for f in stamped.files.iter().filter(|f| f.kind == FileKind::Intent) {
        let (parsed, errors) = intentc::syntax::parse_file(&stamped, f.id);
        assert!(errors.is_empty(), "{} does not parse: {errors:?}", f.path);
        let mut idents: Vec<&Ident> = Vec::new();
        let mut drop = Vec::new();
        let (mut total, mut kept) = (Counts::default(), Counts::default());
        for d in &parsed.ast.declarations {
            declared.insert(d.id.name.clone());
            total.add(Counts::of(d));
            if matches!(d.body, Body::Document(_) | Body::Establishment(_)) || (terms_once && matches!(d.body, Body::Term(_))) {
                drop.push((d.span.start(), d.span.end()));
            } else {
                kept.add(Counts::of(d));
            }
            idents.push(&d.id);
            refs(d, &mut idents);
        }
        let mut inserts: Vec<usize> = idents.iter().map(|i| i.span.end()).collect();
        inserts.sort_unstable();
        inserts.dedup();
        templates.push(Template { path: f.path.clone(), text: f.text.to_string(), inserts, drop, total, kept });
    }

    if out.exists() {
        std::fs::remove_dir_all(out).expect("could not clear the output folder");
    }
    let mut stats = Stats::default();
    let write = |rel: &str, text: &str, stats: &mut Stats| {
        let path = out.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).expect("could not create a folder");
        std::fs::write(&path, text).expect("could not write a file");
        stats.files += 1;
        stats.bytes += text.len();
    };

    for k in 0..scale {
        let dir = format!("c{k:03}");
        for t in &templates {
            if k == 0 {
                write(&format!("{dir}/{}", t.path), &t.text, &mut stats);
                stats.add(t.total);
                continue;
            }
            if t.kept.declarations == 0 {
                continue;
            }
            let suffix = format!("_k{k}");
            let mut s = String::with_capacity(t.text.len() + t.inserts.len() * suffix.len());
            let mut at = 0;
            let mut inserts = t.inserts.iter().peekable();
            for &(start, end) in t.drop.iter().chain(std::iter::once(&(t.text.len(), t.text.len()))) {
                while let Some(&&i) = inserts.peek() {
                    if i > start {
                        break;
                    }
                    s.push_str(&t.text[at..i]);
                    s.push_str(&suffix);
                    at = i;
                    inserts.next();
                }
                s.push_str(&t.text[at..start]);
                at = end;
                while inserts.peek().is_some_and(|&&i| i <= end) {
                    inserts.next();
                }
            }
            write(&format!("{dir}/{}", t.path), &s, &mut stats);
            stats.add(t.kept);
        }
    }

    // Targets files: copy 0's, with the values of every copy's requirements.
    for f in stamped.files.iter().filter(|f| f.kind == FileKind::Yaml) {
        let mut text = f.text.to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let entries = target_entries(&f.text, &declared);
        for k in 1..scale {
            for (indent, key, value) in &entries {
                text.push_str(&format!("{indent}{key}_k{k}: {value}\n"));
            }
        }
        write(&format!("c000/{}", f.path), &text, &mut stats);
    }
    stats
}

/// The `  KEY: value` lines of a targets file whose key is a declared id, in order. The
/// `targets:` mapping is the last thing in each file of the reference corpus, so lines added
/// at the end join it.
fn target_entries(text: &str, declared: &BTreeSet<String>) -> Vec<(String, String, String)> {
    let mut entries = Vec::new();
    let mut seen = BTreeMap::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        if indent.is_empty() {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else { continue };
        let key = key.trim();
        if declared.contains(key) && seen.insert(key.to_string(), ()).is_none() {
            entries.push((indent.to_string(), key.to_string(), value.trim().to_string()));
        }
    }
    entries
}

/// Every reference to a declaration, as the resolver collects them.
fn refs<'a>(d: &'a Declaration, out: &mut Vec<&'a Ident>) {
    match &d.body {
        Body::Document(doc) => out.push(&doc.commissioner),
        Body::Section(s) => out.extend(&s.under),
        Body::Intention(i) => {
            out.extend(&i.under);
            out.extend(&i.theme);
            out.extend(&i.partners);
            out.extend(&i.measured_by);
        }
        Body::Requirement(r) => {
            out.push(&r.heading);
            out.extend(&r.part_of);
        }
        Body::Service(s) => out.extend(&s.within),
        Body::Bands(b) => out.push(&b.attribute),
        Body::Targeting(t) => {
            out.extend(&t.under);
            out.extend(&t.bands);
            out.extend(&t.overrides);
            items(&t.items, out);
        }
        Body::PreviousIntention(p) => out.extend(&p.continued_by),
        _ => {}
    }
}

fn items<'a>(list: &'a [TargetingItem], out: &mut Vec<&'a Ident>) {
    for item in list {
        match item {
            TargetingItem::Rule(r) => {
                out.extend(&r.target);
                out.extend(&r.examples);
                for c in [&r.when, &r.unless].into_iter().flatten() {
                    condition(&c.node, out);
                }
            }
            TargetingItem::Scope(s) => {
                if let ScopeKind::When { condition: c, .. } = &s.kind {
                    condition(&c.node, out);
                }
                items(&s.items, out);
            }
        }
    }
}

fn condition<'a>(c: &'a Condition, out: &mut Vec<&'a Ident>) {
    match c {
        Condition::Or(cs) | Condition::And(cs) => cs.iter().for_each(|c| condition(c, out)),
        Condition::Not(c) => condition(c, out),
        Condition::Test(t) => out.push(&t.attr),
    }
}
