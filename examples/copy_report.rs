//! Where the corpus's prose copies the 2014 document: the share per file and the longest
//! copied runs. `cargo run --example copy_report [-- DIR [REFERENCE]]`.

#[path = "../tests/support/copying.rs"]
mod copying;

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "intentions".into()));
    let reference = PathBuf::from(args.next().unwrap_or_else(|| "../shared/reference/004_9b842e6a9d714c34.txt".into()));
    let project = intentc::cli::load::project(&dir).unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(&reference).unwrap_or_else(|e| panic!("{}: {e}", reference.display()));
    let share = copying::measure(&project, &text);
    println!("{:>6} {:>6} {:>6}  file", "words", "copied", "%");
    for f in &share.files {
        if f.words > 0 {
            println!("{:>6} {:>6} {:>5.1}%  {}", f.words, f.copied, 100.0 * f.copied as f64 / f.words as f64, f.path);
        }
    }
    println!("{:>6} {:>6} {:>5.1}%  all prose", share.words, share.copied, 100.0 * share.ratio());
    if std::env::var_os("RUNS").is_some() {
        for f in &share.files {
            for r in &f.runs {
                println!("{}: {r}", f.path);
            }
        }
    }
}
