//! A new user's first run: `init`, `check`, the folded W0603 line, errors before warnings,
//! completions and the examples in `--help`.

use std::path::Path;
use std::process::{Command, Output};

fn intentc(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_intentc")).args(args).current_dir(dir).env("NO_COLOR", "1").output().expect("intentc runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn init_writes_a_project_that_checks_and_builds_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let init = intentc(&["init", "policy"], tmp.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    assert!(stderr(&init).contains("intentc check policy"), "it says what to run next: {}", stderr(&init));
    let check = intentc(&["check", "policy", "--strict", "--deny", "warnings"], tmp.path());
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(stderr(&check).contains("0 errors, 0 warnings"), "{}", stderr(&check));
    // Every kind of thing the brief names is there, and the Welsh is stamped.
    let all: String = walk(&tmp.path().join("policy")).into_iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    for kind in ["document ", "partner ", "intention 1 ", "intention 1a ", "requirement ", "establishment ", "targets:"] {
        assert!(all.contains(kind), "the starter has no `{kind}`");
    }
    assert!(all.contains("cy@"), "the starter's Welsh is stamped");
    let fmt = intentc(&["fmt", "--check", "policy"], tmp.path());
    assert_eq!(fmt.status.code(), Some(0), "the starter is laid out as `intentc fmt` lays it out: {}", stderr(&fmt));
    let build = intentc(&["build", "policy", "--out", "site"], tmp.path());
    assert_eq!(build.status.code(), Some(0), "{}", stderr(&build));
    assert!(tmp.path().join("site/en/index.html").is_file());
    assert!(tmp.path().join("site/cy/index.html").is_file());
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("mine")).unwrap();
    std::fs::write(tmp.path().join("mine/notes.txt"), "keep me").unwrap();
    let out = intentc(&["init", "mine"], tmp.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not empty"), "{}", stderr(&out));
    assert_eq!(walk(&tmp.path().join("mine")).len(), 1, "nothing was written");
    assert_eq!(std::fs::read_to_string(tmp.path().join("mine/notes.txt")).unwrap(), "keep me");
    // An empty folder is fine.
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    assert_eq!(intentc(&["init", "empty"], tmp.path()).status.code(), Some(0));
}

/// The starter with every stamp removed, in `policy/`: 14 unstamped Welsh texts in 5 files.
fn unstamped_project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(intentc(&["init", "policy"], tmp.path()).status.code(), Some(0));
    for p in walk(&tmp.path().join("policy")) {
        let text = std::fs::read_to_string(&p).unwrap();
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(i) = rest.find("cy@") {
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 3..];
            rest = rest.trim_start_matches(|c: char| c.is_ascii_hexdigit());
        }
        out.push_str(rest);
        std::fs::write(&p, out).unwrap();
    }
    tmp
}

#[test]
fn repeated_w0603_fold_into_one_line_with_the_command_that_fixes_them() {
    let tmp = unstamped_project();
    let out = intentc(&["check", "policy"], tmp.path());
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.matches("W0603").count(), 1, "one line for people: {text}");
    let line = text.lines().find(|l| l.contains("W0603")).unwrap();
    assert!(line.starts_with("warning[W0603]: 14 Welsh texts in 5 files"), "{line}");
    assert!(text.contains("0 errors, 14 warnings"), "the summary still counts each one: {text}");
    // The command given is the fix: run it, and the project is clean.
    let command = line.split('`').nth(1).unwrap();
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    assert_eq!(args[..2], ["welsh", "stamp"]);
    assert_eq!(intentc(&args, tmp.path()).status.code(), Some(0));
    let after = intentc(&["check", "policy", "--strict"], tmp.path());
    assert!(stderr(&after).contains("0 errors, 0 warnings"), "{}", stderr(&after));
}

#[test]
fn machine_formats_keep_every_w0603() {
    let tmp = unstamped_project();
    for (format, needle) in [("json", "\"W0603\""), ("sarif", "\"ruleId\": \"W0603\""), ("github", "W0603"), ("short", "warning[W0603]")] {
        let out = intentc(&["check", "policy", "--format", format], tmp.path());
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.matches(needle).count(), 14, "{format}: {text}");
    }
}

#[test]
fn errors_come_before_warnings_and_a_stale_file_is_named_before_stamping() {
    let tmp = unstamped_project();
    // `zz` sorts last, so by position its error would come last.
    std::fs::write(tmp.path().join("policy/zz.intent"), "intention 9 {\n  titel { en \"x\" cy \"y\" }\n}\n").unwrap();
    // One file keeps a stamp that no longer matches its English (W0602).
    let doc = tmp.path().join("policy/02-requirements.intent");
    let text = std::fs::read_to_string(&doc).unwrap().replace("cy \"Dalfa", "cy@00000000 \"Dalfa");
    std::fs::write(&doc, text).unwrap();
    let out = intentc(&["check", "policy"], tmp.path());
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    let error = text.find("E0105").expect("the error is shown");
    let warning = text.find("W0602").expect("the warning is shown");
    let folded = text.find("warning[W0603]").expect("the fold is shown");
    assert!(error < warning && warning < folded, "errors first, then warnings: {text}");
    assert!(text.contains("first update the stale Welsh (W0602) in policy/02-requirements.intent"), "{text}");
    // Under --strict the fold is an error, and stands with the errors.
    let strict = stderr(&intentc(&["check", "policy", "--strict"], tmp.path()));
    assert!(strict.contains("error[W0603]: 13 Welsh texts"), "folded as an error: {strict}");
    assert!(strict.contains("3 errors, 0 warnings") || strict.contains("15 errors, 0 warnings"), "{strict}");
}

#[test]
fn one_w0603_is_shown_in_full() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(intentc(&["init", "policy"], tmp.path()).status.code(), Some(0));
    let p = tmp.path().join("policy/partners.intent");
    let text = std::fs::read_to_string(&p).unwrap();
    let i = text.find("cy@").unwrap();
    std::fs::write(&p, format!("{}cy{}", &text[..i], &text[i + 11..])).unwrap();
    let text = stderr(&intentc(&["check", "policy"], tmp.path()));
    assert!(!text.contains("warning[W0603]"), "{text}");
    assert!(text.contains("no stamp") && text.contains("policy/partners.intent:3:"), "{text}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = intentc(&["completions", shell], tmp.path());
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("intentc") && script.contains("stamp"), "{shell}: {script}");
    }
    assert_eq!(intentc(&["completions", "tcsh"], tmp.path()).status.code(), Some(2));
}

#[test]
fn help_shows_examples() {
    let tmp = tempfile::tempdir().unwrap();
    let top = String::from_utf8_lossy(&intentc(&["--help"], tmp.path()).stdout).into_owned();
    assert!(top.contains("Examples:") && top.contains("intentc init my-policy"), "{top}");
    for sub in ["check", "build", "serve", "eval", "init", "completions"] {
        let out = String::from_utf8_lossy(&intentc(&[sub, "--help"], tmp.path()).stdout).into_owned();
        assert!(out.contains("Examples:"), "{sub}: {out}");
    }
}
