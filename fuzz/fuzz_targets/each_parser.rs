//! Every registered format's parser on arbitrary text, bypassing the sniffer, so a parser is
//! exercised even on input its sniffer would refuse: no input may panic.
#![no_main]
use leakscope::ingest::{Input, IngestOptions, FORMATS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = IngestOptions::default();
    let input = Input::new("fuzz", text, &options);
    for format in FORMATS {
        let _ = (format.sniff)(&input);
        let _ = (format.parse)(&input);
    }
});
