//! Inputs that used to pass silently, where a fixture cannot show it: the command line on a
//! folder with no policy in it, and the model refusing what the checks would not let through
//! (issue 9, item 3).

use std::path::Path;
use std::process::Command;

fn intentc(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_intentc")).args(args).current_dir(dir).output().expect("intentc runs")
}

#[test]
fn a_folder_with_no_intent_files_is_refused_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    std::fs::create_dir_all(dir.path().join("targets_only")).unwrap();
    std::fs::write(dir.path().join("targets_only/t.yaml"), "status: illustrative\ntargets: {}\n").unwrap();
    for folder in ["empty", "targets_only"] {
        for command in [vec!["check", folder], vec!["build", folder, "--out", "dist"]] {
            let out = intentc(&command, dir.path());
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
            assert!(stderr.contains("holds no .intent files"), "{command:?}: {stderr}");
        }
    }
    assert!(!dir.path().join("dist").exists());
}
