//! Embeds the explain pages (`docs/codes/*.md`) in the binary, so `intentc explain` works
//! wherever the binary is copied. A code without a page is caught by a test, not here, so a
//! half-written page set still compiles.

use std::{env, fs, path::Path};

fn main() {
    // The folder as cargo names it when it runs this script, not as it was when the script
    // was compiled: a target folder moved to another checkout would otherwise embed no pages.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for build scripts");
    let dir = Path::new(&manifest).join("docs/codes");
    println!("cargo:rerun-if-changed={}", dir.display());
    let listing = fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read the explain pages in {}: {e}", dir.display()));
    let mut pages: Vec<_> = listing.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    pages.retain(|p| p.extension().is_some_and(|e| e == "md"));
    pages.sort();
    let mut out = String::from("/// Explain pages, by code.\npub static EXPLANATIONS: &[(&str, &str)] = &[\n");
    for page in &pages {
        println!("cargo:rerun-if-changed={}", page.display());
        let code = page.file_stem().unwrap().to_string_lossy();
        out.push_str(&format!("    ({code:?}, include_str!({:?})),\n", page.display().to_string()));
    }
    out.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("explanations.rs"), out).unwrap();
}
