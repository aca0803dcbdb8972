//! The VS Code grammar (editors/vscode/syntaxes/intent.tmLanguage.json) against the whole
//! corpus, tokenized by the same TextMate engine VS Code uses (vscode-textmate with
//! oniguruma, run by editors/vscode/test/grammar.mjs): every text closes, every declaration
//! and id is coloured as one, every Welsh stamp is a stamp, no quote falls outside a text.
//!
//! Needs Node.js and `npm ci --prefix editors/vscode/test` (scripts/test does it). Set
//! INTENTC_SKIP_NODE=1 to skip it on a machine without Node.js; it is never skipped silently.

use std::path::Path;
use std::process::Command;

fn corpus_files(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            corpus_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "intent") {
            out.push(p.to_string_lossy().into_owned());
        }
    }
}

#[test]
fn the_grammar_colours_the_whole_corpus() {
    if std::env::var_os("INTENTC_SKIP_NODE").is_some() {
        eprintln!("editor grammar test skipped: INTENTC_SKIP_NODE is set");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let runner = root.join("editors/vscode/test");
    assert!(
        runner.join("node_modules/vscode-textmate").exists() && runner.join("node_modules/vscode-oniguruma").exists(),
        "the grammar test needs `npm ci --prefix editors/vscode/test`: run scripts/test, or set INTENTC_SKIP_NODE=1 to skip it"
    );
    let mut files = Vec::new();
    corpus_files(&root.join("intentions"), &mut files);
    assert!(files.len() > 30, "the corpus was not found");
    let out = Command::new("node").arg(runner.join("grammar.mjs")).args(&files).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains(&format!("{} files", files.len())) && stdout.contains(" 0 problems"), "{stdout}");
}
