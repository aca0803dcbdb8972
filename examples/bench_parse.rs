//! The bare pest parse of a project, for comparison with `intentc check`.
//!
//! ```text
//! cargo run --release --example bench_parse -- DIR [--runs 3]
//! ```
//!
//! Reads every `.intent` file under DIR into memory, then times
//! `intentc::syntax::pest_parse_only` over all of them (the files cut at declarations and each
//! declaration parsed by the pest grammar; no syntax tree), and, for comparison,
//! `intentc::syntax::parse_project` (the same plus lowering to the typed syntax tree and the
//! input guards). Prints the median of `--runs` runs as `key=value` pairs on one line:
//! files, bytes, pest_ms, pest_mb_s, pairs, parse_ms, parse_mb_s, and check_ms (all of
//! `intentc::diagnose`, what `intentc check` runs, in memory) with check_over_pest, its ratio to
//! the bare pest parse: the median of the ratios within each run, where the two were timed
//! one after the other.
//!
//! With `--phases`, also times (once) the other phases of `check` on the same project:
//! resolve_ms, checks_ms (all of `check::check`), and within it measures_targets_ms and
//! rules_ms (the public check modules), the rest of the checks (bands and Welsh) as
//! bands_welsh_ms, and model_ms.

use intentc::source::Project;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).expect("a readable folder").map(|e| e.expect("an entry").path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().and_then(|e| e.to_str()) == Some("intent") {
            out.push(p);
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let mut dir: Option<PathBuf> = None;
    let mut runs = 3usize;
    let mut phases = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|r| r.parse().ok()).expect("--runs takes a number"),
            "--phases" => phases = true,
            other => dir = Some(PathBuf::from(other)),
        }
    }
    let dir = dir.expect("usage: bench_parse DIR [--runs N]");
    let mut paths = Vec::new();
    walk(&dir, &mut paths);
    let mut yaml = Vec::new();
    if phases {
        // The targets files, which the checks read.
        fn yamls(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    yamls(&p, out);
                } else if p.extension().and_then(|e| e.to_str()) == Some("yaml") {
                    out.push(p);
                }
            }
        }
        yamls(&dir, &mut yaml);
    }
    let texts: Vec<String> = paths.iter().map(|p| std::fs::read_to_string(p).expect("a UTF-8 file")).collect();
    let bytes: usize = texts.iter().map(String::len).sum();

    let mut project = Project::new();
    for (p, t) in paths.iter().zip(&texts) {
        project.add_str(p.to_string_lossy(), t).unwrap();
    }
    for p in &yaml {
        project.add(p.to_string_lossy(), &std::fs::read(p).unwrap()).unwrap();
    }
    project.sort();

    // Each round times the three one after the other: the bare pest parse, parse + lowering,
    // and the whole of `check` in memory as `intentc check` runs it (`intentc::diagnose`). On
    // a shared machine the speed drifts between seconds, so the ratio is taken within each
    // round, where the three ran under the same load, and its median reported; timing all
    // the pest runs first and all the check runs after compared different moments.
    let (mut pest, mut full, mut whole, mut ratios) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut pairs = 0;
    for _ in 0..runs {
        let t = Instant::now();
        pairs = texts.iter().map(|s| intentc::syntax::pest_parse_only(s)).sum::<usize>();
        let p = t.elapsed().as_secs_f64();

        let t = Instant::now();
        let (files, _) = intentc::syntax::parse_project(&project);
        full.push(t.elapsed().as_secs_f64());
        drop(files);

        let t = Instant::now();
        let result = intentc::diagnose(&project, intentc::diagnostics::Policy { strict_welsh: true, deny_warnings: false });
        let w = t.elapsed().as_secs_f64();
        drop(result);

        pest.push(p);
        whole.push(w);
        ratios.push(w / p);
    }
    let (pest, full, whole, check_over_pest) = (median(pest), median(full), median(whole), median(ratios));
    let mb = bytes as f64 / 1e6;
    let mut extra = String::new();
    if phases {
        use intentc::check;
        let ms = |t: Instant| t.elapsed().as_secs_f64() * 1e3;
        let (files, _) = intentc::syntax::parse_project(&project);
        let t = Instant::now();
        let (symbols, _) = intentc::resolve::resolve(&files);
        let resolve = ms(t);
        let t = Instant::now();
        let checked = check::check_all(&project, &symbols, check::Purpose::Diagnose);
        let found = &checked.errors;
        let checks = ms(t);
        let mut errors = Vec::new();
        let t = Instant::now();
        check::measures::check(&symbols, &mut errors);
        check::targets::check(&project, &symbols, &mut errors);
        let measures_targets = ms(t);
        let t = Instant::now();
        check::rules::check(&symbols, &mut errors);
        let rules = ms(t);
        let t = Instant::now();
        let model = intentc::model::build(&project, &symbols, checked.facts);
        let model_ms = ms(t);
        assert!(found.is_empty() && model.is_ok(), "the project does not check clean: {} problems", found.len());
        extra = format!(
            " resolve_ms={resolve:.1} checks_ms={checks:.1} measures_targets_ms={measures_targets:.1} rules_ms={rules:.1} bands_welsh_ms={:.1} model_ms={model_ms:.1}",
            (checks - measures_targets - rules).max(0.0)
        );
    }
    println!(
        "files={} bytes={bytes} pest_ms={:.1} pest_mb_s={:.2} pairs={pairs} parse_ms={:.1} parse_mb_s={:.2} check_ms={:.1} check_over_pest={:.2}{extra}",
        paths.len(),
        pest * 1e3,
        mb / pest,
        full * 1e3,
        mb / full,
        whole * 1e3,
        check_over_pest
    );
}
