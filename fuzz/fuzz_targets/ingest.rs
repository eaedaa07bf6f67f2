//! The whole ingest pipeline (gzip, text decoding, sniffing, parsing) and the analysis of
//! whatever parses: no input may panic. Both ways in: from borrowed bytes (`analyze_bytes`) and
//! from bytes given up (`parse_owned`, as the page and the CLI read, freeing a JSON export's
//! bytes once its tree is built).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = leakscope::analyze_bytes("fuzz", data, &Default::default(), &Default::default());
    if let Ok(parsed) = leakscope::ingest::parse_owned("fuzz", data.to_vec(), &Default::default()) {
        let _ = leakscope::analyze::analyze("fuzz", &parsed, &Default::default());
    }
});
