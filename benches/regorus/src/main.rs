//! intentc's evaluator beside regorus on the same guidance and the same offenders.
//!
//! ```text
//! cargo run --release --manifest-path benches/regorus/Cargo.toml -- [--offenders N] [--rego-out FILE]
//! ```
//!
//! Builds the reference corpus's bundle (as `examples/bench_eval.rs` does), writes its
//! targeting rules (the 4(a) guidance) as a Rego policy (`applies` is the set of rule ids
//! whose condition holds; `benches/regorus/guidance.rego` is that policy), checks that both
//! engines find the same rules apply to every offender, then times each on the same offenders
//! (a value for every attribute, uniform over its domain): intentc's `Evaluator::evaluate`,
//! regorus's interpreter (`Engine::eval_rule`) and regorus's virtual machine (`RegoVM`, the
//! policy compiled once). Prints `key=value` pairs on one line.
//!
//! Only offenders with every attribute are compared: for a missing attribute intentc answers
//! "undetermined" (three-valued logic), where Rego's `not` would count it as false.

use intentc::bundle::eval::{Evaluator, Offender};
use intentc::bundle::{Bundle, Condition, Domain, Op, Value};
use intentc::diagnostics::Policy;
use intentc::emit::{self, bundle::Meta};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::vm::RegoVM;
use std::collections::BTreeMap;
use std::fmt::Write;
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

fn bundle(dir: &Path) -> Bundle {
    let p = intentc::cli::load::project(dir).unwrap_or_else(|e| panic!("{e}"));
    let result = intentc::check(&p, Policy { strict_welsh: true, deny_warnings: false });
    let model = result.model.unwrap_or_else(|| panic!("the corpus has errors: {:?}", result.diagnostics.codes()));
    let out = emit::build(&model, &Meta::of(&p, None, None)).expect("the corpus builds");
    let files: BTreeMap<String, Vec<u8>> =
        out.files.into_iter().filter_map(|(k, v)| Some((k.strip_prefix("bundle/")?.to_string(), v))).collect();
    Bundle::read(|name| files.get(name).cloned()).expect("the built bundle reads back")
}

fn offender(b: &Bundle, rng: &mut XorShift) -> Offender {
    b.attributes
        .attributes
        .iter()
        .map(|a| {
            let v = match &a.domain {
                Domain::Number { min, max } => Value::Number(min + rng.below((max - min + 1) as u64) as i64),
                Domain::Level { values } | Domain::Option { values } => {
                    Value::Word(values[rng.below(values.len() as u64) as usize].clone())
                }
                Domain::YesNo => Value::Bool(rng.below(2) == 1),
            };
            (a.id.clone(), v)
        })
        .collect()
}

/// The bundle's rules as a Rego policy.
struct Rego<'b> {
    domains: BTreeMap<&'b str, &'b Domain>,
    helpers: String,
    next: usize,
}

fn literal(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Word(w) => serde_json::to_string(w).unwrap_or_default(),
    }
}

fn op(o: Op) -> &'static str {
    match o {
        Op::Eq => "==",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Le => "<=",
        Op::Gt => ">",
        Op::Ge => ">=",
    }
}

impl Rego<'_> {
    /// A helper rule that holds when any of the bodies does.
    fn helper(&mut self, bodies: Vec<Vec<String>>) -> String {
        self.next += 1;
        let name = format!("c{}", self.next);
        for body in bodies {
            let body = if body.is_empty() { vec!["true".to_string()] } else { body };
            let _ = writeln!(self.helpers, "{name} if {{\n\t{}\n}}\n", body.join("\n\t"));
        }
        name
    }

    /// The expressions that all hold exactly when the condition does (for a full offender).
    fn body(&mut self, c: &Condition) -> Vec<String> {
        let input = |a: &str| format!("input[{}]", serde_json::to_string(a).unwrap_or_default());
        match c {
            Condition::All(cs) => cs.iter().flat_map(|c| self.body(c)).collect(),
            Condition::Any(cs) => {
                let bodies = cs.iter().map(|c| self.body(c)).collect();
                vec![self.helper(bodies)]
            }
            Condition::Not(c) => {
                let body = self.body(c);
                vec![format!("not {}", self.helper(vec![body]))]
            }
            Condition::Compare { attribute, op: o, value } => match (self.domains.get(attribute.as_str()), value) {
                (Some(Domain::Level { values }), Value::Word(w)) => {
                    let position = values.iter().position(|x| x == w).unwrap_or(usize::MAX);
                    vec![format!("level[{}][{}] {} {position}", literal(&Value::Word(attribute.clone())), input(attribute), op(*o))]
                }
                _ => vec![format!("{} {} {}", input(attribute), op(*o), literal(value))],
            },
            Condition::OneOf { attribute, values } => {
                vec![format!("{} in {{{}}}", input(attribute), values.iter().map(literal).collect::<Vec<_>>().join(", "))]
            }
            Condition::Between { attribute, min, max } => {
                vec![format!("{} >= {min}", input(attribute)), format!("{} <= {max}", input(attribute))]
            }
            Condition::Is { attribute } => vec![format!("{} == true", input(attribute))],
        }
    }
}

fn rego(b: &Bundle) -> String {
    let mut r =
        Rego { domains: b.attributes.attributes.iter().map(|a| (a.id.as_str(), &a.domain)).collect(), helpers: String::new(), next: 0 };
    let mut out = String::from(
        "# The 4(a) targeting guidance of the reference corpus, as Rego: `applies` is the set of the\n\
         # rules whose condition holds for `input` (an offender with every attribute). Written by\n\
         # benches/regorus from the bundle's rules.json, for scripts/bench.\npackage guidance\n\nimport rego.v1\n\n",
    );
    let levels: Vec<String> = b
        .attributes
        .attributes
        .iter()
        .filter_map(|a| match &a.domain {
            Domain::Level { values } => Some(format!(
                "\t{}: {{{}}}",
                literal(&Value::Word(a.id.clone())),
                values.iter().enumerate().map(|(i, v)| format!("{}: {i}", literal(&Value::Word(v.clone())))).collect::<Vec<_>>().join(", ")
            )),
            _ => None,
        })
        .collect();
    let _ = writeln!(out, "level := {{\n{}\n}}\n", levels.join(",\n"));
    for rule in &b.rules.rules {
        let body = r.body(&rule.condition);
        let body = if body.is_empty() { vec!["true".to_string()] } else { body };
        let _ = writeln!(out, "applies contains {} if {{\n\t{}\n}}\n", literal(&Value::Word(rule.id.clone())), body.join("\n\t"));
    }
    out.push_str(&r.helpers);
    out
}

fn json(o: &Offender) -> String {
    serde_json::to_string(o).expect("an offender is JSON")
}

fn ids(v: &regorus::Value) -> Vec<String> {
    let mut ids: Vec<String> = serde_json::from_str(&v.to_json_str().expect("a set")).expect("a list of ids");
    ids.sort();
    ids
}

fn main() {
    let mut count = 20_000usize;
    let mut rego_out: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--offenders" => count = args.next().and_then(|s| s.parse().ok()).expect("--offenders takes a number"),
            "--rego-out" => rego_out = args.next(),
            other => panic!("unknown argument `{other}`"),
        }
    }
    let b = bundle(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../intentions"));
    let policy = rego(&b);
    if let Some(path) = rego_out {
        std::fs::write(&path, &policy).expect("the Rego file is written");
    }
    let ev = Evaluator::new(&b);
    let mut rng = XorShift(42 ^ 0x9E37_79B9_7F4A_7C15);
    let offenders: Vec<Offender> = (0..count).map(|_| offender(&b, &mut rng)).collect();
    let inputs: Vec<regorus::Value> = offenders.iter().map(|o| regorus::Value::from_json_str(&json(o)).expect("JSON")).collect();

    let mut engine = regorus::Engine::new();
    engine.add_policy("guidance.rego".into(), policy.clone()).expect("the policy parses");
    let entry = "data.guidance.applies";
    let compiled = engine.compile_with_entrypoint(&entry.into()).expect("the policy compiles");
    let program = Compiler::compile_from_policy(&compiled, &[entry]).expect("the policy compiles to the VM");
    let mut vm = RegoVM::new();
    vm.load_program(program);

    // Both engines must find the same rules apply, offender by offender.
    let mut decisions = 0usize;
    for (o, input) in offenders.iter().zip(&inputs) {
        let mut ours: Vec<String> = ev.evaluate(o).decisions.iter().map(|d| d.rule.to_string()).collect();
        ours.sort();
        decisions += ours.len();
        engine.set_input(input.clone());
        let interpreted = ids(&engine.eval_rule(entry.into()).expect("the rule evaluates"));
        vm.set_input(input.clone());
        let virtual_machine = ids(&vm.execute().expect("the program runs"));
        assert_eq!(ours, interpreted, "intentc and regorus disagree for {}", json(o));
        assert_eq!(ours, virtual_machine, "intentc and regorus's VM disagree for {}", json(o));
    }

    // Five rounds, each timing intentc and then the VM on the same offenders: on a shared
    // machine the speed drifts, so the ratio is taken within each round, where the two ran
    // under the same load, and the median round reported.
    let mut rounds: Vec<(f64, f64)> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for o in &offenders {
                black_box(ev.evaluate(o));
            }
            let intentc_s = t.elapsed().as_secs_f64();
            let t = Instant::now();
            for input in &inputs {
                vm.set_input(input.clone());
                black_box(vm.execute().expect("the program runs"));
            }
            (intentc_s, t.elapsed().as_secs_f64())
        })
        .collect();
    rounds.sort_by(|a, b| (a.1 / a.0).total_cmp(&(b.1 / b.0)));
    let (intentc_s, vm_s) = rounds[rounds.len() / 2];
    // The interpreter is slower still: a tenth of the offenders.
    let some = (count / 10).max(1);
    let t = Instant::now();
    for input in inputs.iter().take(some) {
        engine.set_input(input.clone());
        black_box(engine.eval_rule(entry.into()).expect("the rule evaluates"));
    }
    let interpreter_s = t.elapsed().as_secs_f64() * count as f64 / some as f64;
    let per_s = |s: f64| decisions as f64 / s;
    println!(
        "rules={} offenders={count} agree=yes decisions={decisions} intentc_decisions_per_s={:.0} regorus_vm_decisions_per_s={:.0} \
         regorus_interpreter_decisions_per_s={:.0} vm_over_intentc={:.1} interpreter_over_intentc={:.1} rego_lines={}",
        b.rules.rules.len(),
        per_s(intentc_s),
        per_s(vm_s),
        per_s(interpreter_s),
        vm_s / intentc_s,
        interpreter_s / intentc_s,
        policy.lines().count()
    );
}
