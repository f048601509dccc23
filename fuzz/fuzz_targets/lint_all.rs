//! Arbitrary bytes as a file: decode → lint → every reporter, with the invariants of
//! `consentlint_fuzz::run`. The path the file is checked under is picked by a hash of the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    consentlint_fuzz::run(consentlint_fuzz::path_for(data), data);
});
