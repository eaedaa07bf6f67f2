// The analysis worker: streams the file into WebAssembly memory (with progress), parses and
// analyzes it there, and hands the report and the samples to the page. Parsing and analysis never
// run on the main thread, so the page stays responsive on big files. All decisions about data
// live in Rust. The page starts one worker per analysis and ends it once the result is in, so the
// worker's memory (the file, the parse, the analysis) is given back rather than kept for the tab's
// lifetime.
import init, { analyze, analyze_upload, Upload } from "./pkg/leakscope.js";

let wasmMemory = null;
const ready = init().then((exports) => (wasmMemory = exports.memory));

// The largest file the page reads: the tab holds the file once (in wasm memory, streamed in), the
// samples twice (worker and chart), ~3x the file in all; past this, use the CLI (1 GiB limit).
const MAX_FILE_BYTES = 512 * 1024 * 1024;

async function readFile(id, file, maxBytes = MAX_FILE_BYTES) {
  const total = file.size;
  if (total > maxBytes) {
    const mib = (n) => (n / 1048576).toFixed(0);
    throw new Error(`${file.name}: ${mib(total)} MiB exceeds the page's ${mib(maxBytes)} MiB limit; export a shorter time range or fewer series, or use the leakscope CLI (1 GiB limit)`);
  }
  const upload = new Upload(total);
  try {
    // A byte reader filling one reused buffer: the default reader would hand over a fresh chunk
    // each time, and those chunks add up to the file's size before the garbage collector runs.
    const byob = byteReader(file);
    let buffer = new ArrayBuffer(1 << 20);
    const plain = byob ? null : file.stream().getReader();
    let reported = 0;
    for (;;) {
      let chunk;
      if (byob) {
        const { done, value } = await byob.read(new Uint8Array(buffer));
        if (done) break;
        chunk = value;
        buffer = value.buffer;
      } else {
        const { done, value } = await plain.read();
        if (done) break;
        chunk = value;
      }
      upload.push(chunk);
      const loaded = upload.received();
      if (loaded - reported > 1 << 20) {
        reported = loaded;
        postMessage({ type: "progress", id, loaded, total });
      }
    }
    postMessage({ type: "progress", id, loaded: upload.received(), total });
    return upload;
  } catch (error) {
    upload.free();
    throw error;
  }
}

function byteReader(file) {
  try {
    return file.stream().getReader({ mode: "byob" });
  } catch {
    return null;
  }
}

function reply(id, name, analysis, timings) {
  try {
    const started = performance.now();
    const series = [];
    const transfer = [];
    for (let i = 0; i < analysis.series_count(); i++) {
      // Moved out of wasm memory, not copied, then transferred to the page without a copy.
      const times = analysis.take_times(i);
      const values = analysis.take_values(i);
      series.push({ times, values, limit: analysis.limit(i) ?? null });
      transfer.push(times.buffer, values.buffer);
    }
    const report_json = analysis.report_json();
    timings.extract_ms = performance.now() - started;
    // Memory, for the e2e benchmark: the worker's wasm memory at its high-water mark (it never shrinks).
    timings.worker_wasm_mib = wasmMemory.buffer.byteLength / 1048576;
    postMessage({ type: "result", id, name, report_json, series, timings }, transfer);
  } finally {
    analysis.free();
  }
}

onmessage = async (event) => {
  const msg = event.data;
  try {
    await ready;
    if (msg.type !== "analyze") throw new Error(`unknown request ${msg.type}`);
    const options = JSON.stringify(msg.options ?? {});
    const timings = {};
    const readStart = performance.now();
    let analysis;
    if (msg.file) {
      const upload = await readFile(msg.id, msg.file, msg.maxBytes ?? MAX_FILE_BYTES);
      timings.read_ms = performance.now() - readStart;
      const started = performance.now();
      analysis = analyze_upload(msg.name, upload, options);
      timings.analyze_ms = performance.now() - started;
    } else {
      const bytes = new TextEncoder().encode(String(msg.text ?? ""));
      timings.read_ms = performance.now() - readStart;
      const started = performance.now();
      analysis = analyze(msg.name, bytes, options);
      timings.analyze_ms = performance.now() - started;
    }
    reply(msg.id, msg.name, analysis, timings);
  } catch (error) {
    postMessage({ type: "error", id: msg.id, message: describe(msg.name, error) });
  }
};

// A trap in wasm (not a parse error, which arrives worded) means memory ran out: the page ends
// this worker and the next file gets a fresh one.
function describe(name, error) {
  if (error instanceof WebAssembly.RuntimeError) {
    return `${name}: the page ran out of memory analyzing this file (${error.message}); export fewer series or a shorter time range, or use the leakscope CLI`;
  }
  return String(error?.message ?? error);
}
