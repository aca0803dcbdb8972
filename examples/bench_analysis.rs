//! How the analyses scale: synthetic band sets and targeting rule sets of n = 1k, 10k and 100k
//! items, written as .intent text and checked with `intentc::check`.
//!
//! ```text
//! cargo run --release --example bench_analysis [-- --sizes 1000,10000,100000 --budget 120 --markdown]
//! ```
//!
//! Shapes (every one checks clean: no errors, no warnings):
//! - `bands`: n bands, written in a shuffled order, so the overlap and gap sweep has to sort.
//! - `rules`: n rules about n/2 services, an invest and an avoid per service with disjoint
//!   `when` conditions, so the conflict check has n/2 candidate pairs to decide.
//! - `band-scopes`: n rules in n/2 `in band` scopes of a band set of n/2 bands (the shape of
//!   the reference corpus's OGRS table): invest svc_i in band i, avoid it in band i+1.
//! - `one-service`: n rules about a single service, alternating invest / avoid with disjoint
//!   conditions: every invest / avoid pair shares the service, so a pairwise check has n²/4
//!   candidates. The worst case for an index by service.
//!
//! The language caps one declaration (8 MiB per file, 5,000,000 parser steps per declaration),
//! so items are written in groups of at most `--group` (default 5,000) per declaration: a
//! band set (with its own attribute) or a targeting per group, one file per group.
//!
//! For each n, the time of `intentc::check` (median of `--runs`, default 3, or 1 run past
//! 10 s), and its split: the parse (`syntax::parse_project`) and the rest (resolve, checks,
//! model). The ratio is the time at n over the time at n/10: ~10 is linear, ~11.5 n log n,
//! ~100 quadratic. A size whose predicted time exceeds `--budget` seconds is skipped.

use intentc::diagnostics::Policy;
use intentc::source::Project;
use intentc::syntax::text::digest;
use std::fmt::Write;
use std::time::Instant;

fn bi(en: &str) -> String {
    format!("{{ en \"{en}\" cy@{} \"{en}\" }}", digest(en))
}

/// A fixed-seed xorshift, for the shuffled band order.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

fn header() -> String {
    format!(
        "document bench {{\n  title {}\n  commissioner bench_commissioner\n  period 2014-04-01 .. 2015-03-31\n}}\n\n\
         partner bench_commissioner {{\n  name {}\n  kind commissioner\n  applies england, wales\n}}\n",
        bi("Benchmark"),
        bi("Commissioner")
    )
}

fn groups(n: usize, group: usize) -> Vec<(usize, usize)> {
    (0..n.div_ceil(group)).map(|g| (g * group, ((g + 1) * group).min(n))).collect()
}

fn project(files: Vec<(String, String)>) -> Project {
    let mut p = Project::new();
    p.add_str("bench/00-header.intent", &header()).unwrap();
    for (path, text) in files {
        p.add_str(path, &text).unwrap();
    }
    p.sort();
    p
}

fn bands_shape(n: usize, group: usize) -> Project {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut files = Vec::new();
    for (g, (lo, hi)) in groups(n, group).into_iter().enumerate() {
        let size = hi - lo;
        let mut s = String::new();
        writeln!(s, "attribute score{g} {{\n  name {}\n  type number\n  range 0 ..= {}\n}}\n", bi("Score"), size * 10 - 1).unwrap();
        writeln!(s, "bands levels{g} {{\n  attribute score{g}\n  title {}", bi("Levels")).unwrap();
        let mut order: Vec<usize> = (0..size).collect();
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        let title = bi("Band");
        for i in order {
            writeln!(s, "  band b{i} {{ range {} ..= {}; title {title} }}", i * 10, i * 10 + 9).unwrap();
        }
        s.push_str("}\n");
        files.push((format!("bench/g{g:04}.intent"), s));
    }
    project(files)
}

fn services(s: &mut String, ids: impl Iterator<Item = usize>) {
    let name = bi("Service");
    for i in ids {
        writeln!(s, "service svc{i} {{ name {name}; kind intervention }}").unwrap();
    }
}

fn rules_shape(n: usize, group: usize) -> Project {
    let mut files = Vec::new();
    for (g, (lo, hi)) in groups(n / 2, group / 2).into_iter().enumerate() {
        let mut s = String::new();
        if g == 0 {
            writeln!(s, "attribute score {{\n  name {}\n  type percent\n}}\n", bi("Score")).unwrap();
        }
        services(&mut s, lo..hi);
        writeln!(s, "\ntargeting t{g} {{\n  title {}", bi("Targeting")).unwrap();
        for i in lo..hi {
            let c = i % 99;
            writeln!(s, "  invest svc{i} {{ when score > {c} }}").unwrap();
            writeln!(s, "  avoid svc{i} {{ when score <= {c} }}").unwrap();
        }
        s.push_str("}\n");
        files.push((format!("bench/g{g:04}.intent"), s));
    }
    project(files)
}

fn band_scopes_shape(n: usize, group: usize) -> Project {
    let mut files = Vec::new();
    for (g, (lo, hi)) in groups(n / 2, group / 2).into_iter().enumerate() {
        let size = hi - lo;
        let mut s = String::new();
        writeln!(s, "attribute score{g} {{\n  name {}\n  type number\n  range 0 ..= {}\n}}\n", bi("Score"), size * 10 - 1).unwrap();
        writeln!(s, "bands levels{g} {{\n  attribute score{g}\n  title {}", bi("Levels")).unwrap();
        let title = bi("Band");
        for b in 0..size {
            writeln!(s, "  band b{b} {{ range {} ..= {}; title {title} }}", b * 10, b * 10 + 9).unwrap();
        }
        s.push_str("}\n\n");
        services(&mut s, lo..hi);
        writeln!(s, "\ntargeting t{g} {{\n  title {}\n  bands levels{g}", bi("Targeting")).unwrap();
        for b in 0..size {
            // Band b: invest in its own service, avoid the previous band's.
            write!(s, "  in band b{b} {{ invest 1 svc{}", lo + b).unwrap();
            if b > 0 {
                write!(s, "; avoid 2 svc{}", lo + b - 1).unwrap();
            } else {
                // Keep n rules: the first band's second rule is a note.
                write!(s, "; note 2 svc{}", lo + b).unwrap();
            }
            s.push_str(" }\n");
        }
        s.push_str("}\n");
        files.push((format!("bench/g{g:04}.intent"), s));
    }
    project(files)
}

fn one_service_shape(n: usize, group: usize) -> Project {
    let mut files = Vec::new();
    for (g, (lo, hi)) in groups(n, group).into_iter().enumerate() {
        let mut s = String::new();
        if g == 0 {
            writeln!(s, "attribute score {{\n  name {}\n  type number\n  range 0 ..= {}\n}}\n", bi("Score"), n - 1).unwrap();
            services(&mut s, 0..1);
        }
        writeln!(s, "\ntargeting t{g} {{\n  title {}", bi("Targeting")).unwrap();
        for i in lo..hi {
            let verb = if i % 2 == 0 { "invest" } else { "avoid" };
            writeln!(s, "  {verb} svc0 {{ when score == {i} }}").unwrap();
        }
        s.push_str("}\n");
        files.push((format!("bench/g{g:04}.intent"), s));
    }
    project(files)
}

struct Timing {
    /// `intentc::check`, end to end.
    total: f64,
    /// `syntax::parse_project`: pest and lowering.
    parse: f64,
    /// `resolve::resolve`.
    resolve: f64,
    /// `check::check`: the analyses (bands, rules, conflicts, Welsh, targets).
    checks: f64,
    /// `model::build`.
    model: f64,
    codes: Vec<&'static str>,
    bytes: usize,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn measure(p: &Project, runs: usize) -> Timing {
    let policy = Policy { strict_welsh: true, deny_warnings: false };
    let (mut total, mut parse, mut resolve, mut checks, mut model) = (vec![], vec![], vec![], vec![], vec![]);
    let mut codes = Vec::new();
    for r in 0..runs {
        let t = Instant::now();
        let result = intentc::check(p, policy);
        total.push(t.elapsed().as_secs_f64());
        if r == 0 {
            codes = result.diagnostics.codes();
            if let Some(d) = result.diagnostics.items.first() {
                eprintln!("  first diagnostic: {} {} at {} ({})", d.code.id, d.message, p.location(d.primary.span), d.primary.message);
            }
        }
        drop(result);
        // The same phases one by one, as `intentc::check` runs them.
        let t = Instant::now();
        let (files, _) = intentc::syntax::parse_project(p);
        parse.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let (symbols, _) = intentc::resolve::resolve(&files);
        resolve.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let checked = intentc::check::check_all(p, &symbols, intentc::check::Purpose::Build);
        checks.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let m = if checked.errors.is_empty() { intentc::model::build(p, &symbols, checked.facts).ok() } else { None };
        model.push(t.elapsed().as_secs_f64());
        drop((m, symbols));
        if total[r] > 10.0 {
            break;
        }
    }
    let bytes = p.files.iter().map(|f| f.text.len()).sum();
    Timing {
        total: median(total),
        parse: median(parse),
        resolve: median(resolve),
        checks: median(checks),
        model: median(model),
        codes,
        bytes,
    }
}

fn secs(s: f64) -> String {
    if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

fn main() {
    let mut sizes = vec![1_000usize, 10_000, 100_000];
    let mut budget = 120.0f64;
    let mut group = 5_000usize;
    let mut runs = 3usize;
    let mut markdown = false;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sizes" => sizes = args.next().unwrap().split(',').map(|s| s.parse().expect("a size")).collect(),
            "--budget" => budget = args.next().unwrap().parse().expect("seconds"),
            "--group" => group = args.next().unwrap().parse().expect("a group size"),
            "--runs" => runs = args.next().unwrap().parse().expect("a number of runs"),
            "--shape" => only = args.next(),
            "--markdown" => markdown = true,
            other => panic!("unknown argument `{other}`"),
        }
    }
    type Shape = fn(usize, usize) -> Project;
    let shapes: [(&str, &str, Shape); 4] = [
        ("bands", "bands", bands_shape),
        ("rules", "rules", rules_shape),
        ("band-scopes", "rules", band_scopes_shape),
        ("one-service", "rules", one_service_shape),
    ];
    if markdown {
        println!("| shape | n | input | `check` total | parse | resolve | checks | model | total / total at n/10 | checks / checks at n/10 | µs per item | diagnostics |");
        println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    }
    for (name, unit, make) in shapes {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let mut prev: Option<(usize, Timing)> = None;
        for &n in &sizes {
            if let Some((pn, pt)) = &prev {
                // Predict with the exponent seen so far (at least linear, at most quadratic).
                let predicted = pt.total * ((n as f64 / *pn as f64).powf(2.0));
                if pt.total > 0.5 && predicted > budget {
                    if markdown {
                        println!("| {name} | {n} {unit} | | skipped | | | | | | | | predicted ≈{predicted:.0} s (n²) |");
                    } else {
                        println!("{name:12} n={n:>7}: skipped (up to {predicted:.0} s predicted at n², budget {budget} s)");
                    }
                    continue;
                }
            }
            let p = make(n, group);
            let t = measure(&p, runs);
            let ratio = |f: fn(&Timing) -> f64| {
                prev.as_ref().filter(|(pn, _)| *pn * 10 == n).map(|(_, pt)| f(&t) / f(pt)).map(|r| format!("{r:.1}")).unwrap_or("–".into())
            };
            let (rt, ra) = (ratio(|t| t.total), ratio(|t| t.checks));
            let diags = if t.codes.is_empty() {
                "clean".to_string()
            } else {
                let mut c = t.codes.clone();
                c.sort();
                c.dedup();
                format!("{} ({})", t.codes.len(), c.join(", "))
            };
            let per = t.total * 1e6 / n as f64;
            if markdown {
                println!(
                    "| {name} | {n} {unit} | {:.1} MB | {} | {} | {} | {} | {} | {rt} | {ra} | {per:.1} | {diags} |",
                    t.bytes as f64 / 1e6,
                    secs(t.total),
                    secs(t.parse),
                    secs(t.resolve),
                    secs(t.checks),
                    secs(t.model)
                );
            } else {
                println!(
                    "{name:12} n={n:>7} ({:>5.1} MB): check {:>9} = parse {:>9} + resolve {:>9} + checks {:>9} + model {:>9}; ratio {rt:>5} (checks {ra:>5}); {per:>7.1} µs/item; {diags}",
                    t.bytes as f64 / 1e6,
                    secs(t.total),
                    secs(t.parse),
                    secs(t.resolve),
                    secs(t.checks),
                    secs(t.model)
                );
            }
            prev = Some((n, t));
        }
    }
}
