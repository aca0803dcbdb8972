//! The corpus is written in our own words: at most 10% of its prose words sit in runs of ten
//! words copied from the 2014 document (`../shared/reference/004_9b842e6a9d714c34.txt`).
//! `cargo run --example copy_report` shows where the copied runs are.

mod common;
#[path = "support/copying.rs"]
mod copying;

use std::path::Path;

const LIMIT: f64 = 0.10;

fn reference() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/004_9b842e6a9d714c34.txt");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the reference document is needed beside the repository at {}: {e}", path.display()))
}

#[test]
fn the_corpus_prose_is_in_our_own_words() {
    let share = copying::measure(&common::corpus(), &reference());
    assert!(share.words > 10_000, "too little prose measured ({} words): is the corpus all there?", share.words);
    let mut worst: Vec<_> = share.files.iter().filter(|f| f.copied > 0).collect();
    worst.sort_by_key(|f| std::cmp::Reverse(f.copied));
    let listing: Vec<String> = worst.iter().take(10).map(|f| format!("  {}: {} of {} words", f.path, f.copied, f.words)).collect();
    assert!(
        share.ratio() <= LIMIT,
        "{:.1}% of the corpus's {} prose words are copied in runs of {} words (limit {:.0}%); most in:\n{}",
        share.ratio() * 100.0,
        share.words,
        copying::RUN,
        LIMIT * 100.0,
        listing.join("\n")
    );
}

// The measure itself: it must find a copy, and must not find one that is not there.

#[test]
fn a_copied_run_is_found_and_a_rewording_is_not() {
    let reference = "The quick brown fox jumps over the lazy dog while the farmer sleeps soundly in the barn.";
    let runs = copying::reference_runs(reference);
    let copied = copying::words("As they say, the quick brown fox jumps over the lazy dog while the farmer sleeps.");
    let marks = copying::copied_marks(&copied, &runs);
    assert_eq!(marks.iter().filter(|m| **m).count(), 13, "{marks:?}");
    let reworded = copying::words("A fast brown fox leaps over a sleepy dog as the farmer naps in his barn.");
    assert!(copying::copied_marks(&reworded, &runs).iter().all(|m| !m));
}

#[test]
fn markup_and_citations_are_not_counted() {
    let w = copying::prose_words("- **One** item with [a link](http://example.org/a/b/c)[^1]\n\n[^1]: See: [x](http://x.org)");
    assert_eq!(w, ["one", "item", "with", "a", "link"]);
    let w = copying::prose_words("1. First\n2. Second point");
    assert_eq!(w, ["first", "second", "point"]);
}
