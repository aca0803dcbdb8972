//! Embeds the explain pages (`docs/codes/*.md`) in the binary, so `intentc explain` works
//! wherever the binary is copied. A code without a page is caught by a test, not here, so a
//! half-written page set still compiles.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut pages: Vec<_> = fs::read_dir(&dir).map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect()).unwrap_or_default();
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
