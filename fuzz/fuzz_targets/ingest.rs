//! The whole ingest pipeline (gzip, text decoding, sniffing, parsing) and the analysis of
//! whatever parses: no input may panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = leakscope::analyze_bytes("fuzz", data, &Default::default(), &Default::default());
});
