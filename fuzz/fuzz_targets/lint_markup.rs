//! Structure-aware: the bytes choose among tag, attribute, template, ESP, directive and wording
//! fragments (`consentlint_fuzz::build_markup`), so the fuzzer reaches the rules quickly; then the
//! same pipeline and invariants as `lint_all`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (path, doc) = consentlint_fuzz::build_markup(data);
    consentlint_fuzz::run(path, &doc);
});
