// The analysis worker: reads the file (with progress), parses and analyzes it in WebAssembly,
// and ships the report and the samples to the page. Parsing and analysis never run on the main
// thread, so the page stays responsive on big files. All decisions about data live in Rust.
import init, { analyze } from "./pkg/leakscope.js";

const ready = init();
// The last input, for re-analysis with another limit: the File itself (backed by the browser's
// blob storage, re-read on demand) rather than a copy of its bytes, to keep the tab small.
let last = null; // { name, file } or { name, bytes } for pasted text

// The largest file the page reads: beyond it the tab would need more than ~4x the file size
// (bytes, a copy in wasm memory, the samples) and could die; the CLI reads up to 1 GiB.
const MAX_FILE_BYTES = 512 * 1024 * 1024;

async function readFile(id, file, maxBytes = MAX_FILE_BYTES) {
  const total = file.size;
  if (total > maxBytes) {
    const mib = (n) => (n / 1048576).toFixed(0);
    throw new Error(`${file.name}: ${mib(total)} MiB exceeds the page's ${mib(maxBytes)} MiB limit; export a shorter time range or fewer series, or use the leakscope CLI (1 GiB limit)`);
  }
  const bytes = new Uint8Array(total);
  const reader = file.stream().getReader();
  let loaded = 0;
  let reported = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (loaded + value.length > total) throw new Error(`${file.name}: the file grew while it was read`);
    bytes.set(value, loaded);
    loaded += value.length;
    if (loaded - reported > 1 << 20) {
      reported = loaded;
      postMessage({ type: "progress", id, loaded, total });
    }
  }
  postMessage({ type: "progress", id, loaded, total });
  return bytes.subarray(0, loaded);
}

function run(id, name, bytes, options, timings = {}) {
  const started = performance.now();
  const analysis = analyze(name, bytes, JSON.stringify(options ?? {}));
  timings.analyze_ms = performance.now() - started;
  try {
    const series = [];
    const transfer = [];
    for (let i = 0; i < analysis.series_count(); i++) {
      const times = analysis.times(i);
      const values = analysis.values(i);
      series.push({ times, values, limit: analysis.limit(i) ?? null });
      transfer.push(times.buffer, values.buffer);
    }
    const report_json = analysis.report_json();
    timings.extract_ms = performance.now() - started - timings.analyze_ms;
    postMessage({ type: "result", id, name, report_json, series, timings }, transfer);
  } finally {
    analysis.free();
  }
}

onmessage = async (event) => {
  const msg = event.data;
  try {
    await ready;
    if (msg.type === "analyze") {
      let bytes;
      const readStart = performance.now();
      if (msg.file) bytes = await readFile(msg.id, msg.file, msg.maxBytes ?? MAX_FILE_BYTES);
      else if (typeof msg.text === "string") bytes = new TextEncoder().encode(msg.text);
      else bytes = new Uint8Array(msg.bytes);
      last = msg.file ? { name: msg.name, file: msg.file } : { name: msg.name, bytes };
      run(msg.id, msg.name, bytes, msg.options, { read_ms: performance.now() - readStart });
    } else if (msg.type === "reanalyze") {
      if (!last) throw new Error("nothing to re-analyze");
      const bytes = last.file ? new Uint8Array(await last.file.arrayBuffer()) : last.bytes;
      run(msg.id, last.name, bytes, msg.options);
    }
  } catch (error) {
    postMessage({ type: "error", id: msg.id, message: String(error?.message ?? error) });
  }
};
