//! The command line as a user meets it: exit codes, output formats, streams.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn intentc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_intentc")).args(args).current_dir(dir).env_remove("NO_COLOR").output().expect("intentc runs")
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let prelude = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prelude.intent")).unwrap();
    std::fs::create_dir_all(dir.path().join("intentions")).unwrap();
    std::fs::write(dir.path().join("intentions/00-prelude.intent"), prelude).unwrap();
    for (path, text) in files {
        let p = dir.path().join("intentions").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    // Stamp the Welsh, as a translator would, so the cases see only the mistakes they make.
    if !files.is_empty() {
        intentc(&["welsh", "stamp", "intentions"], dir.path());
    }
    dir
}

const BROKEN: &str = "intention 1 {\n  title { en \"A\" cy \"B\" }\n  titel { en \"x\" cy \"y\" }\n}\nbands b {\n  attribute nothing\n  title { en \"B\" cy \"B\" }\n}\n";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_corpus_checks_clean_and_strict() {
    let out = intentc(&["check", "--strict", "intentions"], &repo());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");
    assert!(out.stdout.is_empty(), "diagnostics go to stderr, not stdout");
}

#[test]
fn errors_exit_1_and_usage_problems_exit_2() {
    let dir = project(&[("a.intent", BROKEN)]);
    assert_eq!(intentc(&["check"], dir.path()).status.code(), Some(1));
    assert_eq!(intentc(&["check", "no-such-folder"], dir.path()).status.code(), Some(2));
    assert_eq!(intentc(&["check", "--format", "xml"], dir.path()).status.code(), Some(2));
    assert_eq!(intentc(&["frobnicate"], dir.path()).status.code(), Some(2));
    let clean = project(&[]);
    assert_eq!(intentc(&["check"], clean.path()).status.code(), Some(0));
}

#[test]
fn short_format_is_one_line_per_diagnostic_with_position_and_code() {
    let dir = project(&[("a.intent", BROKEN)]);
    let out = intentc(&["check", "--format", "short"], dir.path());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("intentions/a.intent:3:3: error[E0105]: "), "{text}");
    assert!(lines[1].starts_with("intentions/a.intent:6:13: error[E0202]: "), "{text}");
}

#[test]
fn json_sarif_and_github_formats() {
    let dir = project(&[("a.intent", BROKEN)]);
    let json: serde_json::Value = serde_json::from_slice(&intentc(&["check", "--format", "json"], dir.path()).stdout).unwrap();
    assert_eq!(json["errors"], 2);
    let first = &json["diagnostics"][0];
    assert_eq!(first["code"], "E0105");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["line"], 3);
    assert_eq!(first["column"], 3);
    assert!(first["help"].as_str().unwrap().contains("title"));
    assert_eq!(first["span"]["end"].as_u64().unwrap() - first["span"]["start"].as_u64().unwrap(), 5);

    let sarif: serde_json::Value = serde_json::from_slice(&intentc(&["check", "--format", "sarif"], dir.path()).stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results[0]["ruleId"], "E0105");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let index = results[0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "E0105");
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 3);

    let gh = String::from_utf8(intentc(&["check", "--format", "github"], dir.path()).stdout).unwrap();
    assert!(gh.lines().next().unwrap().starts_with("::error file=intentions/a.intent,line=3,col=3,"), "{gh}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = project(&[("a.intent", BROKEN)]);
    let plain = intentc(&["check"], dir.path());
    assert!(!plain.stderr.contains(&0x1b), "no escape codes when stderr is not a terminal");
    let forced = intentc(&["check", "--color", "always"], dir.path());
    assert!(forced.stderr.contains(&0x1b));
    let human = String::from_utf8_lossy(&plain.stderr);
    assert!(human.contains("did you mean `title`?"), "{human}");
    assert!(human.contains("intentions/a.intent:3:3"), "{human}");
}

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let dir = project(&[("a.intent", "theme t { title { en \"Only English\" } }\n")]);
    assert_eq!(intentc(&["check"], dir.path()).status.code(), Some(0));
    assert_eq!(intentc(&["check", "--strict"], dir.path()).status.code(), Some(1));
    assert_eq!(intentc(&["check", "--deny", "warnings"], dir.path()).status.code(), Some(1));
}

#[test]
fn explain_prints_a_page_and_rejects_unknown_codes() {
    let out = intentc(&["explain", "E0401"], &repo());
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("# E0401"), "{page}");
    assert!(page.contains("## Wrong") && page.contains("## Right"));
    assert_eq!(intentc(&["explain", "E9999"], &repo()).status.code(), Some(2));
    let list = String::from_utf8(intentc(&["explain", "--list"], &repo()).stdout).unwrap();
    assert_eq!(list.lines().count(), intentc::diagnostics::registry::ALL.len());
}

#[test]
fn hostile_inputs_get_diagnostics_quickly() {
    let nested = format!(
        "targeting t {{\n  title {{ en \"t\" cy \"t\" }}\n  when {}ogrs3 > 1{} {{ note 1 }}\n}}\n",
        "(\n".repeat(100_000),
        ")\n".repeat(100_000)
    );
    let braces = "{".repeat(100_000);
    let long_line = format!("section s {{ title {{ en \"{}\" cy \"x\" }} }}\n", "a".repeat(10_000_000));
    let not_chain = format!("targeting t {{\n  title {{ en \"t\" cy \"t\" }}\n  when {}x {{ note 1 }}\n}}\n", "not ".repeat(20_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("nested.intent", nested.into_bytes(), "E0004"),
        ("braces.intent", braces.into_bytes(), "E0004"),
        // A 10 MB line is also a file over the size limit, which is checked first.
        ("long.intent", long_line.into_bytes(), "E0002"),
        ("long_line.intent", format!("section s {{ title {{ en \"{}\" cy \"x\" }} }}\n", "a".repeat(1_000_000)).into_bytes(), "E0003"),
        ("latin1.intent", b"section s { title { en \"caf\xe9\" } }".to_vec(), "E0001"),
        ("nul.intent", b"section s {\0}".to_vec(), "E0001"),
        ("empty.intent", Vec::new(), "W0006"),
        ("nots.intent", not_chain.into_bytes(), "E0202"),
    ];
    for (name, bytes, code) in cases {
        let dir = project(&[]);
        std::fs::write(dir.path().join("intentions").join(name), &bytes).unwrap();
        let started = std::time::Instant::now();
        let out = intentc(&["check", "--format", "short"], dir.path());
        let elapsed = started.elapsed();
        let stderr = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.code().is_some(), "{name}: killed by a signal (crash or stack overflow)");
        assert!(stderr.contains(code), "{name}: expected {code} in:\n{}", &stderr[..stderr.len().min(2000)]);
        // Not a timing assertion of speed: a guard that the input cannot hang the parser.
        assert!(elapsed.as_secs() < 30, "{name} took {elapsed:?}");
    }
}

const FORMATS: [&str; 5] = ["human", "short", "json", "sarif", "github"];

#[test]
fn machine_formats_go_to_stdout_and_human_to_stderr() {
    let dir = project(&[("a.intent", BROKEN)]);
    for format in FORMATS {
        let out = intentc(&["check", "--format", format, "--color", "never"], dir.path());
        assert_eq!(out.status.code(), Some(1), "{format}");
        let (diagnostics, other) = if format == "human" { (&out.stderr, &out.stdout) } else { (&out.stdout, &out.stderr) };
        assert!(String::from_utf8_lossy(diagnostics).contains("E0105"), "{format}: the diagnostics are on the wrong stream");
        assert!(other.is_empty(), "{format}: {}", String::from_utf8_lossy(other));
    }
    // `check --format sarif > out.sarif` gives a file that parses.
    let sarif: serde_json::Value = serde_json::from_slice(&intentc(&["check", "--format", "sarif"], dir.path()).stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

/// Runs `check` in every format and returns what each printed, stdout and stderr together.
fn every_format(dir: &Path) -> Vec<(&'static str, Output)> {
    FORMATS
        .iter()
        .map(|f| {
            let out = intentc(&["check", "--format", f, "--color", "never"], dir);
            assert!(matches!(out.status.code(), Some(0 | 1)), "{f}: exit {:?}\n{}", out.status, String::from_utf8_lossy(&out.stderr));
            (*f, out)
        })
        .collect()
}

#[test]
fn a_diagnostic_past_column_65535_renders_in_every_format() {
    // miette draws the underline with a format width, which panics past u16::MAX columns.
    let line = format!("section s {{ title {{ en \"{}\" cy \"x\" }} titel 3 }}\n", "a".repeat(70_000));
    let dir = project(&[]);
    std::fs::write(dir.path().join("intentions/long.intent"), line).unwrap();
    for (format, out) in every_format(dir.path()) {
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("E0105"), "{format}: {}", &text[..text.len().min(3000)]);
        assert!(!text.contains("panicked"), "{format}");
        if format == "human" {
            // The snippet is cut around the label, and the position is the real one.
            assert!(text.contains("intentions/long.intent:1:70036"), "{text}");
            assert!(text.contains("…aaaa"), "{text}");
            assert!(text.lines().all(|l| l.chars().count() < 400), "a snippet line is not cut");
        }
    }
}

#[test]
fn control_characters_from_sources_never_reach_the_terminal() {
    // An escape sequence and a bidirectional override in a text, beside a mistake; a file name
    // with a line break; a targets value with a line break in it.
    let intent = "section s {\n  title { en \"red \x1b[31mALERT\x1b[0m \u{202e}txet\" cy \"x\u{9b}y\x7f\" }\n  titel 3\n}\n";
    let dir = project(&[]);
    std::fs::write(dir.path().join("intentions/ctl.intent"), intent).unwrap();
    std::fs::write(dir.path().join("intentions/new\nline.intent"), "theme t { titel 1 }\n").unwrap();
    for (format, out) in every_format(dir.path()) {
        for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            let text = String::from_utf8_lossy(bytes);
            let bad: Vec<char> = text
                .chars()
                .filter(|&c| (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
                .collect();
            assert!(bad.is_empty(), "{format} {stream} prints raw {bad:?}:\n{text}");
        }
        if format == "short" {
            let text = String::from_utf8(out.stdout).unwrap();
            for l in text.lines() {
                assert!(l.starts_with("intentions/"), "a diagnostic is split over lines:\n{text}");
            }
            assert!(text.contains("intentions/new\\nline.intent:1:11: error[E0105]"), "{text}");
        }
    }
}

/// Every file under `dir`, by relative path, with its bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, d: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.')).collect()
}

#[test]
fn build_never_writes_over_its_sources_or_other_files() {
    let dir = project(&[("a.intent", "theme t { title { en \"T\" cy \"T\" } }\n")]);
    let sources = tree(&dir.path().join("intentions"));
    let refused = [
        (vec!["build", "intentions", "--out", "intentions"], "source folder"),
        (vec!["build", "./intentions/", "--out", "intentions"], "source folder"),
        (vec!["build", "intentions", "--out", "."], "contains the sources"),
        (vec!["build", "intentions", "--out", "intentions/.."], "contains the sources"),
        (vec!["build", "intentions", "--out", "intentions/dist"], "inside the sources"),
        (vec!["build", "intentions/a.intent", "--out", "intentions"], "contains the sources"),
    ];
    for (args, why) in &refused {
        let out = intentc(args, dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(why), "{args:?}: {stderr}");
        assert!(tree(&dir.path().join("intentions")) == sources, "{args:?} touched the sources");
    }
    // An existing file, or a folder of someone else's files, is left as it is.
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = intentc(&["build", "intentions", "--out", "notes.txt"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/guide.md"), "mine").unwrap();
    let out = intentc(&["build", "intentions", "--out", "docs"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("docs/guide.md")).unwrap(), "mine");
    // A folder intentc wrote is replaced; a new or empty one is written.
    for out in ["dist", "dist", "empty"] {
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        let run = intentc(&["build", "intentions", "--out", out], dir.path());
        assert_eq!(run.status.code(), Some(0), "{out}: {}", String::from_utf8_lossy(&run.stderr));
    }
    assert!(leftovers(dir.path()).is_empty(), "{:?}", leftovers(dir.path()));
}

#[test]
fn concurrent_builds_into_one_folder_both_finish_complete() {
    let dir = project(&[("a.intent", "theme t { title { en \"T\" cy \"T\" } }\n")]);
    let first = intentc(&["build", "intentions", "--out", "reference"], dir.path());
    assert_eq!(first.status.code(), Some(0), "{}", String::from_utf8_lossy(&first.stderr));
    let reference = tree(&dir.path().join("reference"));
    // The race is in the swap, a few microseconds of each build: many short rounds give it
    // many chances (the old code, which had no lock, failed about one round in twenty).
    for round in 0..40 {
        let children: Vec<_> = (0..4)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_intentc"))
                    .args(["build", "intentions", "--out", "dist"])
                    .current_dir(dir.path())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        assert!(tree(&dir.path().join("dist")) == reference, "round {round}: the output is not complete");
        assert!(leftovers(dir.path()).is_empty(), "round {round}: {:?}", leftovers(dir.path()));
    }
}

/// The files of a fixture case (`tests/fixtures/GROUP/NAME.case`), as paths under `intentions/`.
fn case_files(case: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo().join("tests/fixtures").join(case)).unwrap();
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("--- ") {
            files.push((path.trim().trim_start_matches("intentions/").to_string(), String::new()));
        } else if let Some((_, body)) = files.last_mut() {
            body.push_str(line);
        }
    }
    files
}

/// A project with an establishment whose targets file is `yaml`.
fn targets_project(yaml: &[u8]) -> tempfile::TempDir {
    let files = case_files("targets/e0306_malformed_targets_ok.case");
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let dir = project(&files);
    std::fs::write(dir.path().join("intentions/establishments/targets/hmp-cardiff.yaml"), yaml).unwrap();
    dir
}

#[test]
fn hostile_targets_files_are_answered_quickly() {
    let head = "status: illustrative\ntargets:\n  CU001: 98.5\n  CU003: ";
    let cases: Vec<(&str, String, &str)> = vec![
        ("20,000 lines of `[`", format!("{head}{}", "  [\n".repeat(20_000)), "E0306"),
        ("one 200 KB line of `[`", format!("{head}{}\n", "[".repeat(200_000)), "nested more than 64 deep"),
        ("one 200 KB line of `{`", format!("{head}{}\n", "{".repeat(200_000)), "nested more than 64 deep"),
        (
            "maps nested 2,000 deep",
            format!("{head}\n{}", (0..2000).map(|i| format!("{}a:\n", " ".repeat(i + 4))).collect::<String>()),
            "nested more than 64 deep",
        ),
        ("9 MiB", format!("{head}0.3\n# {}\n", "x".repeat(9 << 20)), "larger than 8 MiB"),
        (
            "20,000 keys on one line",
            format!(
                "status: illustrative\ntargets: {{CU001: 98.5, CU003: 0.3, {}}}\n",
                (0..20_000).map(|i| format!("X{i}: 1")).collect::<Vec<_>>().join(", ")
            ),
            "E0304",
        ),
    ];
    for (name, yaml, expect) in cases {
        let dir = targets_project(yaml.as_bytes());
        let started = std::time::Instant::now();
        let out = intentc(&["check", "--format", "short"], dir.path());
        let elapsed = started.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains(expect), "{name}: expected {expect} in {}", &stdout[..stdout.len().min(2000)]);
        // Before saphyr these took about 1 s and 6 min (release build); a debug build now
        // answers each in well under a second.
        assert!(elapsed.as_secs() < 10, "{name} took {elapsed:?}");
    }
}

#[test]
fn a_targets_key_past_column_65535_renders_in_every_format() {
    let yaml = format!("status: illustrative\ntargets: {{CU001: 98.5, CU003: 0.3,{} CU0003: 1}}\n", " ".repeat(70_000));
    let dir = targets_project(yaml.as_bytes());
    for (format, out) in every_format(dir.path()) {
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(text.contains("E0304"), "{format}: {}", &text[..text.len().min(3000)]);
        if format == "short" {
            assert!(text.contains("hmp-cardiff.yaml:2:70036: error[E0304]"), "{text}");
        }
    }
}

/// The corpus's bundle, built by the binary into a fresh folder.
fn corpus_bundle() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out =
        intentc(&["build", repo().join("intentions").to_str().unwrap(), "--out", dir.path().join("dist").to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    dir
}

#[test]
fn eval_errors_are_diagnostics_with_one_code_each() {
    let dir = corpus_bundle();
    let out = intentc(&["eval", "--bundle", "dist/bundle", "--set", "ogrs3=620", "--set", "ogr=5"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("error[E07"), "the code is given once, by the renderer:\n{stderr}");
    assert_eq!(stderr.matches("E0703").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("E0702").count(), 1, "{stderr}");
    assert!(stderr.contains("--set ogrs3=620"), "the snippet shows the argument:\n{stderr}");
    assert!(stderr.contains("help: did you mean `ogrs3`?"), "{stderr}");
    assert!(out.stdout.is_empty());
    // JSON: the same report as `check --format json`, on stdout.
    let out = intentc(&["eval", "--bundle", "dist/bundle", "--set", "ogrs3=620", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["diagnostics"][0]["code"], "E0703");
    assert_eq!(json["diagnostics"][0]["column"], 13);
    // An offender file: the diagnostic points at the attribute's key.
    std::fs::write(dir.path().join("offender.json"), "{\n  \"ogrs3\": \"high\"\n}\n").unwrap();
    let out = intentc(&["eval", "--bundle", "dist/bundle", "--offender", "offender.json", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["code"], "E0701");
    assert_eq!((json["diagnostics"][0]["path"].as_str(), json["diagnostics"][0]["line"].as_u64()), (Some("offender.json"), Some(2)));
}

#[test]
fn eval_refuses_a_bundle_it_cannot_vouch_for() {
    let dir = corpus_bundle();
    let bundle = dir.path().join("dist/bundle");
    let manifest_text = std::fs::read_to_string(bundle.join("manifest.json")).unwrap();
    let eval = |expect: &str, why: &str| {
        let started = std::time::Instant::now();
        let out = intentc(&["eval", "--bundle", "dist/bundle", "--set", "ogrs3=62"], dir.path());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{why}: {stderr}");
        assert_eq!(stderr.matches(expect).count(), 1, "{why}: {stderr}");
        assert!(!stderr.contains("error[E07"), "{why}: {stderr}");
        assert!(started.elapsed().as_secs() < 20, "{why}: took {:?}", started.elapsed());
    };
    let set_manifest = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut m: serde_json::Value = serde_json::from_str(&manifest_text).unwrap();
        change(&mut m);
        std::fs::write(bundle.join("manifest.json"), serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    };
    let major = intentc::bundle::FORMAT_MAJOR;
    for version in [format!("{major}"), format!("0{major}.0.0"), format!("{major}.0.0-beta")] {
        set_manifest(&|m| m["format_version"] = version.clone().into());
        eval("E0704", &version);
    }
    // rules.json rewritten, and its digest dropped from the manifest.
    set_manifest(&|m| {
        let kept: Vec<serde_json::Value> = m["files"].as_array().unwrap().iter().filter(|d| d["path"] != "rules.json").cloned().collect();
        m["files"] = kept.into();
    });
    eval("E0705", "an unlisted rules.json");
    set_manifest(&|m| m["files"] = serde_json::json!([]));
    eval("E0705", "an empty files list");
    // A FIFO where rules.json should be is refused, not read forever.
    std::fs::write(bundle.join("manifest.json"), &manifest_text).unwrap();
    std::fs::remove_file(bundle.join("rules.json")).unwrap();
    let made = Command::new("mkfifo").arg(bundle.join("rules.json")).status();
    if made.is_ok_and(|s| s.success()) {
        eval("E0705", "a FIFO");
    }
}

#[test]
fn bundle_paths_do_not_depend_on_how_the_folder_is_spelled() {
    let dir = project(&[("a.intent", "theme t { title { en \"T\" cy \"T\" } }\n")]);
    let absolute = dir.path().join("intentions");
    let spellings = ["intentions", "./intentions/", absolute.to_str().unwrap()];
    let mut bundles = Vec::new();
    for (i, spelled) in spellings.iter().enumerate() {
        let out = format!("out{i}");
        let run = intentc(&["build", spelled, "--out", &out], dir.path());
        assert_eq!(run.status.code(), Some(0), "{spelled}: {}", String::from_utf8_lossy(&run.stderr));
        let files = tree(&dir.path().join(&out));
        for (name, bytes) in &files {
            let text = String::from_utf8_lossy(bytes);
            assert!(!text.contains(dir.path().to_str().unwrap()), "{spelled}: {name} shows the builder's folder");
        }
        bundles.push(files);
    }
    let manifest = String::from_utf8_lossy(&bundles[0]["bundle/manifest.json"]).into_owned();
    assert!(manifest.contains("\"intentions/a.intent\""), "{manifest}");
    assert!(bundles[0] == bundles[1] && bundles[0] == bundles[2], "the outputs differ with the spelling of PATH");
    // Diagnostics still name the files as the command line did, so they can be clicked.
    std::fs::write(dir.path().join("intentions/b.intent"), "theme u { titel 1 }\n").unwrap();
    let run = intentc(&["build", absolute.to_str().unwrap(), "--out", "out9", "--format", "short"], dir.path());
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains(&format!("{}/b.intent:1:11", absolute.display())), "{stdout}");
}

#[cfg(unix)]
#[test]
fn welsh_stamp_writes_the_files_it_read_whatever_their_names() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project(&[]);
    let folder = dir.path().join("intentions");
    let unstamped = "theme t { title { en \"English\" cy \"Cymraeg\" } }\n";
    let names: Vec<std::ffi::OsString> =
        vec![std::ffi::OsStr::from_bytes(b"caf\xe9.intent").into(), "back\\slash.intent".into(), "plain.intent".into()];
    for n in &names {
        std::fs::write(folder.join(n), unstamped).unwrap();
    }
    std::fs::create_dir(folder.join("back")).unwrap();
    let before: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name()).collect();
    let out = intentc(&["welsh", "stamp", "intentions"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let mut after: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name()).collect();
    let mut before = before;
    before.sort();
    after.sort();
    assert_eq!(before, after, "stamp made or removed files");
    assert!(std::fs::read_dir(folder.join("back")).unwrap().next().is_none(), "stamp wrote into another folder");
    for n in &names {
        let text = std::fs::read_to_string(folder.join(n)).unwrap();
        assert!(text.contains("cy@"), "{n:?} was not stamped: {text}");
    }
}
