//! `intentc fmt`: the layout of each fixture under tests/fmt/ (snapshots), and the promises:
//! the formatter is idempotent and never changes what a project means. `check` says the same
//! things (codes, messages, labels, help; positions may move) before and after, over every
//! fixture case, the corpus and generated projects; the corpus builds to the same documents
//! and bundle (source line numbers aside).

mod common;

use intentc::diagnostics::Policy;
use intentc::fmt::{self, lex, Error};
use intentc::source::{FileKind, Project};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn format(text: &str) -> Result<String, Error> {
    fmt::format_str(text)
}

/// Every file formatted; files with syntax errors as they were. The formatter's safety net
/// (`Error::Unsafe`) firing on any file is a failure.
fn formatted(p: &Project) -> Project {
    let mut out = Project::new();
    for f in &p.files {
        let text = match f.kind {
            FileKind::Intent => match fmt::format_file(p, f.id) {
                Ok(t) => t,
                Err(Error::Syntax(_)) => f.text.to_string(),
                Err(Error::Unsafe) => panic!("the layout of {} would change its meaning:\n{}", f.path, f.text),
                Err(Error::TooLarge(e)) => panic!("{e}"),
            },
            FileKind::Yaml => f.text.to_string(),
        };
        out.add_str(f.path.clone(), &text).unwrap();
    }
    out.sort();
    out
}

/// Everything `check` says, positions aside.
fn said(p: &Project, policy: Policy) -> Vec<String> {
    let result = intentc::check(p, policy);
    let mut items: Vec<String> = result
        .diagnostics
        .items
        .iter()
        .map(|d| {
            let secondary: Vec<&str> = d.secondary.iter().map(|l| l.message.as_str()).collect();
            format!(
                "{} {} {:?}: {} [{}] {:?} help: {:?}",
                p.file(d.primary.span.file).path,
                d.code.id,
                d.severity,
                d.message,
                d.primary.message,
                secondary,
                d.help
            )
        })
        .collect();
    // Diagnostics are sorted by position; two at one place may swap when positions move.
    items.sort();
    items
}

fn assert_idempotent(p: &Project) {
    for f in p.files.iter().filter(|f| f.kind == FileKind::Intent) {
        if let Ok(once) = fmt::format_file(p, f.id) {
            let twice = format(&once).unwrap_or_else(|e| panic!("{}: formatted text does not format again: {e:?}", f.path));
            assert_eq!(twice, once, "{}: fmt(fmt(x)) != fmt(x)", f.path);
        }
    }
}

fn assert_same_meaning(p: &Project, what: &str) {
    let after = formatted(p);
    for policy in [Policy::default(), Policy { strict_welsh: true, deny_warnings: false }] {
        assert_eq!(said(&after, policy), said(p, policy), "{what}: check says something else after fmt");
    }
    assert_idempotent(p);
}

// ------------------------------------------------------------------ fixture pairs

/// Each `tests/fmt/*.intent` is an input; its snapshot is the formatted text (or why it was
/// not formatted). Every formatted output must also be a fixed point.
#[test]
fn layout_fixtures() {
    insta::with_settings!({ snapshot_path => "fmt/snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::glob!("fmt/*.intent", |path| {
            let input = std::fs::read_to_string(path).unwrap();
            let shown = match format(&input) {
                Ok(out) => {
                    assert_eq!(format(&out).ok().as_deref(), Some(out.as_str()), "{} is not a fixed point", path.display());
                    let mut p = Project::new();
                    p.add_str("a.intent", &input).unwrap();
                    assert_same_meaning(&p, &path.display().to_string());
                    out
                }
                Err(Error::Syntax(d)) => {
                    let codes: Vec<&str> = d.iter().map(|d| d.code.id).collect();
                    format!("not formatted: syntax errors {}\n", codes.join(", "))
                }
                Err(Error::Unsafe) => panic!("{}: the layout would change its meaning", path.display()),
                Err(Error::TooLarge(e)) => panic!("{e}"),
            };
            insta::assert_snapshot!(shown);
        });
    });
}

#[test]
fn crlf_bom_and_tabs() {
    let src = "\u{FEFF}theme t {\r\n\ttitle {\ten \"T\"\r\n\t\tcy \"U\" }\r\n}\r\n";
    assert_eq!(format(src).unwrap(), "theme t {\n  title { en \"T\"\n          cy \"U\" }\n}\n");
}

/// A `\r` on its own ends a line for the parser, so it does for the formatter.
#[test]
fn old_mac_line_ends() {
    let src = "attribute r {\r  name { en \"N\" cy \"N\" }\r  type level\r  levels low, high\r}\r";
    assert_eq!(format(src).unwrap(), "attribute r {\n  name   { en \"N\" cy \"N\" }\n  type   level\n  levels low, high\n}\n");
}

#[test]
fn an_empty_file_and_a_file_of_comments() {
    assert_eq!(format("").unwrap(), "");
    assert_eq!(format("\n\n  // a\n\n\n// b   \n\n").unwrap(), "// a\n\n// b\n");
}

// ------------------------------------------------------------------ every fixture case

/// The files of a `.case` fixture (tests/fixtures.rs describes the format), with the prelude
/// unless the case says `# prelude: no`.
fn case_project(text: &str) -> Project {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut prelude = true;
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("--- ") {
            files.push((path.trim().to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        } else if line.trim() == "# prelude: no" {
            prelude = false;
        }
    }
    if prelude {
        files.push(("prelude.intent".into(), std::fs::read_to_string(root().join("tests/fixtures/prelude.intent")).unwrap()));
    }
    let mut p = Project::new();
    for (path, body) in files {
        p.add_str(path, &body).unwrap();
    }
    p.sort();
    p
}

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() {
            cases(&path, out);
        } else if path.extension().is_some_and(|x| x == "case") {
            out.push(path);
        }
    }
}

#[test]
fn every_fixture_case_means_the_same_after_fmt() {
    let mut paths = Vec::new();
    cases(&root().join("tests/fixtures"), &mut paths);
    paths.sort();
    assert!(paths.len() > 100);
    let mut formatted_files = 0;
    for path in &paths {
        let p = case_project(&std::fs::read_to_string(path).unwrap());
        assert_same_meaning(&p, &path.display().to_string());
        formatted_files += p.files.iter().filter(|f| f.kind == FileKind::Intent && fmt::format_file(&p, f.id).is_ok()).count();
    }
    assert!(formatted_files > 200, "only {formatted_files} fixture files formatted");
}

// ------------------------------------------------------------------ the corpus

/// A bundle file with the source line numbers taken out (the one thing a new layout may
/// move), and so the manifest's digests of the files that hold them.
fn without_lines(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove("line");
            m.remove("sha256");
            m.values_mut().for_each(without_lines);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_lines),
        _ => {}
    }
}

#[test]
fn the_corpus_means_the_same_and_builds_the_same_after_fmt() {
    let before = common::corpus();
    let after = formatted(&before);
    assert_same_meaning(&before, "intentions/");
    let build = |p: &Project| {
        let result = intentc::check(p, Policy { strict_welsh: true, deny_warnings: false });
        let model = result.model.expect("the corpus checks clean");
        intentc::emit::build(&model, &intentc::emit::bundle::Meta::default()).expect("the corpus builds").files
    };
    let (a, b) = (build(&before), build(&after));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        if path.ends_with(".json") {
            let mut x: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            let mut y: serde_json::Value = serde_json::from_slice(&b[path]).unwrap();
            without_lines(&mut x);
            without_lines(&mut y);
            assert_eq!(x, y, "{path} differs after fmt");
        } else {
            assert!(*bytes == b[path], "{path} differs after fmt");
        }
    }
}

// ------------------------------------------------------------------ generated projects

/// Every declaration of the corpus and of the fixture cases, as written.
fn pool() -> &'static Vec<String> {
    static POOL: OnceLock<Vec<String>> = OnceLock::new();
    POOL.get_or_init(|| {
        let mut texts: Vec<String> =
            common::corpus().files.iter().filter(|f| f.kind == FileKind::Intent).map(|f| f.text.to_string()).collect();
        let mut paths = Vec::new();
        cases(&root().join("tests/fixtures"), &mut paths);
        paths.sort();
        for path in paths {
            let p = case_project(&std::fs::read_to_string(path).unwrap());
            texts.extend(p.files.iter().filter(|f| f.kind == FileKind::Intent).map(|f| f.text.to_string()));
        }
        let mut decls = Vec::new();
        for text in &texts {
            decls.extend(declarations(text));
        }
        decls
    })
}

/// A text cut into its top-level declarations (comments between them dropped).
fn declarations(text: &str) -> Vec<String> {
    let offset = |t: &lex::Tok| t.text.as_ptr() as usize - text.as_ptr() as usize;
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    for line in lex::lines(text) {
        for t in &line {
            if depth == 0 && start.is_none() && t.is(lex::Kind::Word) {
                start = Some(offset(t));
            }
            match t.kind {
                lex::Kind::Open(_) => depth += 1,
                lex::Kind::Close(_) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        if let Some(s) = start.take() {
                            out.push(text[s..offset(t) + 1].to_string());
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A small deterministic random source: proptest picks the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Whether two tokens may be written with nothing between them and still read the same.
fn may_touch(a: &lex::Tok, b: &lex::Tok) -> bool {
    let op = |t: &lex::Tok| t.text.starts_with(['.', '<', '>', '=', '!']);
    let plain = |t: &lex::Tok| t.is(lex::Kind::Word) && !op(t);
    !(plain(a) && plain(b))
}

/// A declaration written again with its white space changed where the language does not
/// care. `free` adds only horizontal noise (and `\r\n` line ends); otherwise it also adds
/// blank lines, comments, and breaks between the languages of a bilingual block.
fn scramble(decl: &str, rng: &mut Rng, free: bool, crlf: bool) -> String {
    let indents = ["", " ", "  ", "    ", "\t", "       ", " \t "];
    let gaps = [" ", "  ", "\t", "   "];
    let newline = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    for (n, line) in lex::lines(decl).iter().enumerate() {
        if n > 0 {
            out.push_str(newline);
            if !free && rng.chance(15) {
                out.push_str(newline);
            }
            if !free && rng.chance(10) {
                out.push_str(rng.pick(&indents));
                out.push_str("// a note");
                out.push_str(newline);
            }
        }
        out.push_str(rng.pick(&indents));
        for (k, t) in line.iter().enumerate() {
            if k > 0 {
                let prev = &line[k - 1];
                let bilingual_break = !free
                    && prev.kind == lex::Kind::Str
                    && t.is(lex::Kind::Word)
                    && (t.text == "cy" || t.text.starts_with("cy@") || t.text == "en")
                    && rng.chance(30);
                if bilingual_break {
                    out.push_str(newline);
                    out.push_str(rng.pick(&indents));
                } else if may_touch(prev, t) && rng.chance(25) {
                } else {
                    out.push_str(rng.pick(&gaps));
                }
            }
            if t.is(lex::Kind::Triple) && t.text.starts_with("\"\"\"\n") {
                // More indentation on every line of the text keeps its value.
                let extra = rng.pick(&["", " ", "   ", "\t"]);
                out.push_str(&t.text.replace('\n', &format!("\n{extra}")));
            } else {
                out.push_str(t.text);
            }
        }
        if !free && rng.chance(8) && !line.last().is_some_and(|t| t.is(lex::Kind::Comment)) {
            out.push_str(" // why");
        }
    }
    out
}

/// A project of one to three files drawn from the pool, the prelude included most times.
fn generated(seed: u64, free: bool) -> (Project, Project) {
    let mut rng = Rng(seed | 1);
    let pool = pool();
    let (mut plain, mut noisy) = (Project::new(), Project::new());
    let files = 1 + rng.below(3);
    for f in 0..files {
        let crlf = rng.chance(20);
        let (mut a, mut b) = (String::new(), String::new());
        for _ in 0..1 + rng.below(5) {
            let decl = &pool[rng.below(pool.len())];
            a.push_str(decl);
            a.push_str("\n\n");
            b.push_str(&scramble(decl, &mut rng, free, crlf));
            b.push_str(if crlf { "\r\n" } else { "\n" });
            if !free && rng.chance(20) {
                b.push('\n');
            }
        }
        plain.add_str(format!("intentions/{f}.intent"), &a).unwrap();
        noisy.add_str(format!("intentions/{f}.intent"), &b).unwrap();
    }
    if rng.chance(70) {
        let prelude = std::fs::read_to_string(root().join("tests/fixtures/prelude.intent")).unwrap();
        plain.add_str("intentions/prelude.intent", &prelude).unwrap();
        noisy.add_str("intentions/prelude.intent", &prelude).unwrap();
    }
    plain.sort();
    noisy.sort();
    (plain, noisy)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// check(fmt(x)) == check(x) and fmt(fmt(x)) == fmt(x) over generated projects.
    #[test]
    fn generated_projects_mean_the_same_after_fmt(seed in any::<u64>()) {
        let (_, noisy) = generated(seed, false);
        assert_same_meaning(&noisy, &format!("seed {seed}"));
    }

    /// White space the language ignores makes no difference to the layout: a project with
    /// only horizontal noise formats to the same text as the project without it.
    #[test]
    fn horizontal_noise_formats_away(seed in any::<u64>()) {
        let (plain, noisy) = generated(seed, true);
        for (a, b) in plain.files.iter().zip(&noisy.files) {
            let (x, y) = (fmt::format_file(&plain, a.id), fmt::format_file(&noisy, b.id));
            match (x, y) {
                (Ok(x), Ok(y)) => prop_assert_eq!(y, x, "{} (seed {})", a.path, seed),
                (Err(Error::Syntax(_)), Err(Error::Syntax(_))) => {}
                (x, y) => prop_assert!(false, "{}: {:?} / {:?} (seed {})", a.path, x.is_ok(), y.is_ok(), seed),
            }
        }
    }
}

// ------------------------------------------------------------------ the command

fn intentc(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_intentc")).args(args).current_dir(dir).output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

const MESSY: &str = "theme t {\ntitle{en \"T\"   cy \"U\"}\n\n\n}\n";
const CANONICAL: &str = "theme t {\n  title { en \"T\" cy \"U\" }\n}\n";

#[test]
fn check_lists_what_would_change_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("p")).unwrap();
    std::fs::write(dir.path().join("p/a.intent"), MESSY).unwrap();
    std::fs::write(dir.path().join("p/b.intent"), "theme u {\n  title { en \"T\" cy \"U\" }\n}\n").unwrap();
    let (code, stdout, stderr) = intentc(&["fmt", "--check", "p"], dir.path());
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "p/a.intent\n");
    assert!(stderr.contains("1 of 2 files would be reformatted"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("p/a.intent")).unwrap(), MESSY);

    let (code, _, stderr) = intentc(&["fmt", "p"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("p/a.intent")).unwrap(), CANONICAL);
    let (code, stdout, _) = intentc(&["fmt", "--check", "p"], dir.path());
    assert_eq!((code, stdout.as_str()), (0, ""));
}

#[test]
fn a_file_with_syntax_errors_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = "theme t {\n    title { en \"T\" cy \"U\" }\n";
    std::fs::write(dir.path().join("broken.intent"), broken).unwrap();
    std::fs::write(dir.path().join("ok.intent"), MESSY).unwrap();
    let (code, _, stderr) = intentc(&["fmt", "broken.intent", "ok.intent"], dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("E0102") && stderr.contains("broken.intent is not formatted"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.path().join("broken.intent")).unwrap(), broken);
    assert_eq!(std::fs::read_to_string(dir.path().join("ok.intent")).unwrap(), CANONICAL, "the other file is still formatted");
    let (code, _, stderr) = intentc(&["fmt", "--check", "broken.intent"], dir.path());
    assert_eq!(code, 1, "{stderr}");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = intentc(&["fmt", "nowhere"], dir.path());
    assert_eq!(code, 2, "{stderr}");
}
