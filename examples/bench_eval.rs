//! Decisions per second of the reference evaluator, over the reference corpus's bundle.
//!
//! ```text
//! cargo run --release --example bench_eval [-- --offenders 1000000 --seed 42 --from DIR]
//! ```
//!
//! Builds the bundle in memory, as the tests do (load `intentions/`, check, `emit::build`,
//! `Bundle::read` from the output), then evaluates random offenders with
//! `Evaluator::evaluate`. Offenders come from a fixed-seed xorshift: a value for every
//! attribute, uniform over its domain ("full"), and a second run where each attribute is
//! given with probability 4/5 ("partial", so some rules are undetermined). Offenders are
//! generated in batches outside the timed part. Prints `key=value` lines. `--from DIR` uses
//! another project (a corpus made by `gen_corpus`) instead of `intentions/`.

use intentc::bundle::eval::{Evaluator, Offender};
use intentc::bundle::{Bundle, Domain, Value};
use intentc::diagnostics::Policy;
use intentc::emit::{self, bundle::Meta};
use intentc::source::Project;
use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn load(dir: &Path) -> Project {
    intentc::cli::load::project(dir).unwrap_or_else(|e| panic!("{e}"))
}

fn bundle(dir: &Path) -> Bundle {
    let p = load(dir);
    let result = intentc::check(&p, Policy { strict_welsh: true, deny_warnings: false });
    let model = result.model.unwrap_or_else(|| panic!("the corpus has errors: {:?}", result.diagnostics.codes()));
    let out = emit::build(&model, &Meta::of(&p, None, None)).expect("the corpus builds");
    let files: std::collections::BTreeMap<String, Vec<u8>> =
        out.files.into_iter().filter_map(|(k, v)| Some((k.strip_prefix("bundle/")?.to_string(), v))).collect();
    Bundle::read(|name| files.get(name).cloned()).expect("the built bundle reads back")
}

fn offender(b: &Bundle, rng: &mut XorShift, keep_one_in: u64) -> Offender {
    let mut o = Offender::new();
    for a in &b.attributes.attributes {
        // With `keep_one_in` = 5, an attribute is left out one time in five.
        if keep_one_in > 0 && rng.below(keep_one_in) == 0 {
            continue;
        }
        let v = match &a.domain {
            Domain::Number { min, max } => Value::Number(min + rng.below((max - min + 1) as u64) as i64),
            Domain::Level { values } | Domain::Option { values } => Value::Word(values[rng.below(values.len() as u64) as usize].clone()),
            Domain::YesNo => Value::Bool(rng.below(2) == 1),
        };
        o.insert(a.id.clone(), v);
    }
    o
}

fn main() {
    let mut count = 1_000_000usize;
    let mut seed = 42u64;
    let mut dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("intentions");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--offenders" => count = args.next().and_then(|s| s.parse().ok()).expect("--offenders takes a number"),
            "--from" => dir = args.next().map(Into::into).expect("--from takes a folder"),
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).expect("--seed takes a number"),
            other => panic!("unknown argument `{other}`"),
        }
    }
    let t = Instant::now();
    let b = bundle(&dir);
    let setup = t.elapsed().as_secs_f64();
    let ev = Evaluator::new(&b);
    let rules = b.rules.rules.len();
    println!(
        "bundle rules={rules} attributes={} band_sets={} setup_ms={:.0}",
        b.attributes.attributes.len(),
        b.bands.band_sets.len(),
        setup * 1e3
    );
    for (name, keep) in [("full", 0u64), ("partial", 5u64)] {
        let mut rng = XorShift(seed.max(1) ^ 0x9E37_79B9_7F4A_7C15);
        let mut elapsed = 0.0f64;
        let (mut decisions, mut applied, mut superseded, mut undetermined) = (0usize, 0usize, 0usize, 0usize);
        let batch = 10_000usize;
        let mut done = 0;
        while done < count {
            let n = batch.min(count - done);
            let offenders: Vec<Offender> = (0..n).map(|_| offender(&b, &mut rng, keep)).collect();
            let t = Instant::now();
            for o in &offenders {
                let out = ev.evaluate(o);
                decisions += out.decisions.len();
                applied += out.decisions.iter().filter(|d| d.superseded_by.is_none()).count();
                superseded += out.decisions.iter().filter(|d| d.superseded_by.is_some()).count();
                undetermined += out.undetermined.len();
                black_box(out);
            }
            elapsed += t.elapsed().as_secs_f64();
            done += n;
        }
        let c = count as f64;
        println!(
            "{name} offenders={count} seconds={elapsed:.3} offenders_per_s={:.0} rule_evaluations_per_s={:.0} decisions_per_s={:.0} \
             us_per_offender={:.2} decisions_per_offender={:.2} applied_per_offender={:.2} superseded_per_offender={:.2} undetermined_per_offender={:.2}",
            c / elapsed,
            c * rules as f64 / elapsed,
            decisions as f64 / elapsed,
            elapsed * 1e6 / c,
            decisions as f64 / c,
            applied as f64 / c,
            superseded as f64 / c,
            undetermined as f64 / c
        );
    }
}
