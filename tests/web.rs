//! The wasm API (`src/web.rs`) in headless Chromium, through wasm-bindgen-test: what the page's
//! worker and main thread call. Compiled only for wasm32; `scripts/test.sh` runs it with
//! `cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use leakscope::web;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn error_text(e: wasm_bindgen::JsError) -> String {
    let value: wasm_bindgen::JsValue = e.into();
    value.dyn_into::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_default()
}

#[wasm_bindgen_test]
fn demo_is_analyzed_as_a_leak_with_an_onset() {
    let csv = web::demo_csv();
    let mut analysis = web::analyze(&web::demo_name(), csv.as_bytes(), "{}").map_err(error_text).unwrap();
    let report: serde_json::Value = serde_json::from_str(&analysis.report_json()).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["source"]["format"], "generic-csv");
    assert_eq!(report["series"][0]["verdict"], "leak");
    assert!(report["series"][0]["onset"]["ms"].is_i64());
    assert_eq!(analysis.series_count(), 1);
    assert_eq!(analysis.take_times(0).len(), 841);
    assert_eq!(analysis.take_values(0).len(), 841);
    assert_eq!(analysis.limit(0), Some(4096.0 * 1024.0 * 1024.0));
}

#[wasm_bindgen_test]
fn report_json_is_identical_to_the_native_core() {
    let csv = web::demo_csv();
    let analysis = web::analyze("demo.csv", csv.as_bytes(), "").map_err(error_text).unwrap();
    let native =
        leakscope::analyze_bytes("demo.csv", csv.as_bytes(), &Default::default(), &Default::default()).unwrap();
    assert_eq!(analysis.report_json(), native.to_json());
}

#[wasm_bindgen_test]
fn bad_input_is_an_error_not_a_panic() {
    let message = web::analyze("junk.bin", &[0u8, 159, 146, 150, 1, 2, 3], "{}").err().map(error_text).unwrap();
    assert!(message.starts_with("junk.bin:1: binary data"), "{message}");
    let message =
        web::analyze("x.csv", b"time,value\n1723700000,1\n", "{\"limit\":\"lots\"}").err().map(error_text).unwrap();
    assert!(message.contains("limit: expected a size"), "{message}");
    let message = web::analyze("q.json", b"{\"status\":\"success\",\n\"data\":{", "{}").err().map(error_text).unwrap();
    assert!(message.starts_with("q.json:2: invalid JSON"), "{message}");
}

#[wasm_bindgen_test]
fn viewer_draws_on_a_canvas() {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: web_sys::HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(800);
    canvas.set_height(400);
    let csv = web::demo_csv();
    let mut analysis = web::analyze("demo.csv", csv.as_bytes(), "{}").map_err(error_text).unwrap();
    let mut viewer = web::Viewer::new();
    viewer.set_report(&analysis.report_json()).map_err(error_text).unwrap();
    let times = analysis.take_times(0);
    viewer.add_series(times.clone(), analysis.take_values(0), analysis.limit(0));
    let layout = viewer.draw(canvas.clone(), "{}", vec![0], None).map_err(error_text).unwrap();
    let layout: serde_json::Value = serde_json::from_str(&layout).unwrap();
    assert!(layout["right"].as_i64().unwrap() > layout["left"].as_i64().unwrap());
    // The canvas is not blank: some pixel differs from the background.
    let context: web_sys::CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let pixels = context.get_image_data(0.0, 0.0, 800.0, 400.0).unwrap().data();
    let first = [pixels[0], pixels[1], pixels[2]];
    assert!(pixels.chunks(4).any(|p| [p[0], p[1], p[2]] != first), "the canvas is blank");
    let near = viewer.nearest(0, times[10] + 1.0);
    assert_eq!(near[0], times[10]);
}

#[wasm_bindgen_test]
fn an_upload_streamed_in_chunks_reads_like_the_whole_file() {
    let csv = web::demo_csv();
    let bytes = csv.as_bytes();
    let mut upload = web::Upload::new(bytes.len()).map_err(error_text).unwrap();
    for chunk in bytes.chunks(1000) {
        upload.push(chunk).map_err(error_text).unwrap();
    }
    assert_eq!(upload.received(), bytes.len());
    // One byte more than announced is refused, not stored.
    assert!(upload.push(b"x").is_err());
    let mut streamed = web::analyze_upload("demo.csv", upload, "{}").map_err(error_text).unwrap();
    let mut whole = web::analyze("demo.csv", bytes, "{}").map_err(error_text).unwrap();
    assert_eq!(streamed.report_json(), whole.report_json());
    // Samples move out once: the same values, then nothing left behind.
    assert_eq!(streamed.take_times(0), whole.take_times(0));
    assert_eq!(streamed.take_values(0), whole.take_values(0));
    assert!(streamed.take_times(0).is_empty() && streamed.take_values(0).is_empty());
    assert!(streamed.take_times(5).is_empty());
}

#[wasm_bindgen_test]
fn a_gzipped_export_reads_like_the_plain_one_and_damage_is_named() {
    use std::io::Write;
    let csv = web::demo_csv();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv.as_bytes()).unwrap();
    let mut zipped = gz.finish().unwrap();
    let plain = web::analyze("demo.csv", csv.as_bytes(), "{}").map_err(error_text).unwrap();
    let unzipped = web::analyze("demo.csv", &zipped, "{}").map_err(error_text).unwrap();
    assert_eq!(unzipped.report_json(), plain.report_json());
    let last = zipped.len() - 8;
    zipped[last] ^= 1;
    let message = web::analyze("demo.csv.gz", &zipped, "{}").err().map(error_text).unwrap();
    assert_eq!(message, "demo.csv.gz: the gzip data is damaged: member 1 (byte 0): its CRC-32 does not match its data");
}
