//! Inputs the fuzzer once crashed on (tests/data/fuzz-regressions/*.bin), replayed through the
//! same pipeline and invariants as the fuzz targets: decode → lint → every reporter. The
//! pipeline and its checks live in fuzz/src/lib.rs, shared with fuzz/fuzz_targets/, so what the
//! fuzzer asserts is what this test asserts.
//!
//! Each file is checked under every path the fuzz targets use (the path decides the document
//! kind), so a regression does not depend on how its target picked a path.

#[path = "../fuzz/src/lib.rs"]
mod pipeline;

use std::path::{Path, PathBuf};

const DIR: &str = "tests/data/fuzz-regressions";

/// The regression inputs: every `*.bin` in `DIR` (README.md and other notes are not inputs).
fn inputs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "bin"))
        .collect();
    files.sort();
    files
}

#[test]
fn regression_directory_is_documented() {
    let readme = Path::new(env!("CARGO_MANIFEST_DIR")).join(DIR).join("README.md");
    assert!(readme.is_file(), "{} explains what goes in the directory", readme.display());
}

#[test]
fn every_saved_crash_input_passes_the_pipeline() {
    // Vacuous while the directory holds only its README: there is nothing to replay.
    for file in inputs() {
        let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for path in pipeline::PATHS {
            let outcome = std::panic::catch_unwind(|| pipeline::run(path, &bytes));
            assert!(outcome.is_ok(), "{} checked as {path:?} fails (see the panic above)", file.display());
        }
    }
}

/// Cheap stand-in for the fuzzer in every `cargo test`: documents built by `lint_markup`'s
/// builder from a fixed pseudo-random sequence, plus the same bytes taken as a raw file.
#[test]
fn pseudo_random_markup_passes_the_pipeline() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut findings = 0;
    for _ in 0..150 {
        let len = 1 + (next() % 48) as usize;
        let data: Vec<u8> = (0..len).map(|_| (next() >> 56) as u8).collect();
        let (path, doc) = pipeline::build_markup(&data);
        findings += pipeline::run(path, &doc);
        pipeline::run(pipeline::path_for(&data), &data);
    }
    assert!(findings > 0, "the builder's documents never produced a finding: the pipeline is not exercised");
}
