// The page's glue: moves bytes and events between the DOM, the analysis worker and the Rust
// Viewer. Every decision about data (parsing, analysis, drawing, formatting, links) is made in
// Rust; this file only wires it up. User-controlled text reaches the DOM through textContent.
import init, { Viewer, demo_csv, demo_name, parse_size, format_time, format_value, format_duration } from "./pkg/leakscope.js";

const $ = (id) => document.getElementById(id);
const PROGRESS_FROM_BYTES = 2 * 1024 * 1024;
const LINK_SHORT = 2000;
const LINK_MAX = 8000;

const state = {
  report: null,        // the current report (contract of DESIGN.md)
  sourceName: "",
  selected: [0],       // indexes into report.series
  xRange: null,        // [ms, ms] or null
  annotations: [],     // [{ms, label}]
  limitText: "",
  limitBytes: null,
  fromLink: false,
  embed: false,
  layout: null,
};

let viewer = null;
let worker = null;
// The input now shown (a File, or pasted text and its name), re-read when the limit changes.
let lastInput = null;
let nextId = 1;
const pending = new Map();

// ---------------------------------------------------------------- worker

// One worker per analysis: once its answer is in, the worker is ended, which gives its memory
// (the file, the parse, the analysis' working copies) back; the next one starts when idle.
function startWorker() {
  const own = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  worker = own;
  own.onmessage = (event) => {
    const msg = event.data;
    const job = pending.get(msg.id);
    if (!job) return;
    if (msg.type === "progress") {
      job.onProgress?.(msg.loaded, msg.total);
      return;
    }
    pending.delete(msg.id);
    if (pending.size === 0) retireWorker(own);
    if (msg.type === "result") job.resolve(msg);
    else job.reject(new Error(msg.message));
  };
  own.onerror = (event) => {
    event.preventDefault();
    for (const [id, job] of pending) {
      pending.delete(id);
      job.reject(new Error(`the analysis worker failed: ${event.message || "unknown error"}`));
    }
    retireWorker(own);
  };
}

function retireWorker(own) {
  own.terminate();
  if (worker !== own) return;
  worker = null;
  setTimeout(() => worker || startWorker(), 0);
}

function post(message, onProgress) {
  if (!worker) startWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ ...message, id });
  });
}

function cancel() {
  if (worker) retireWorker(worker);
  for (const [id, job] of pending) {
    pending.delete(id);
    job.reject(new Error("cancelled"));
  }
  showProgress(false);
  setStatus("Cancelled.");
}

// ---------------------------------------------------------------- loading

// The page's file-size limit (512 MiB); `?max-file-mib=N` lowers it, e.g. for tests.
function maxFileBytes() {
  const mib = Number(new URLSearchParams(location.search).get("max-file-mib"));
  return mib > 0 && mib < 512 ? mib * 1048576 : 512 * 1048576;
}

function analysisOptions() {
  return state.limitText ? { limit: state.limitText } : {};
}

async function load(input) {
  // input: {file} | {text, name}
  hideError();
  const name = input.file ? input.file.name : input.name;
  const big = input.file && input.file.size > PROGRESS_FROM_BYTES;
  if (big) showProgress(true, 0, input.file.size);
  setStatus(`Analyzing ${name}…`);
  const started = performance.now();
  try {
    const result = await post(request(input), (loaded, total) => showProgress(true, loaded, total));
    lastInput = input;
    state.fromLink = false;
    state.xRange = null;
    state.annotations = [];
    accept(result);
    const ms = Math.round(performance.now() - started);
    document.body.dataset.analyzedIn = String(ms);
    return state.report;
  } catch (error) {
    if (error.message !== "cancelled") showError(error.message);
    throw error;
  } finally {
    showProgress(false);
  }
}

// What the worker is asked for an input: the File itself (read in the worker, straight into wasm
// memory) or pasted text.
function request(input) {
  return input.file
    ? { type: "analyze", name: input.file.name, file: input.file, options: analysisOptions(), maxBytes: maxFileBytes() }
    : { type: "analyze", name: input.name, text: input.text, options: analysisOptions() };
}

async function reanalyze() {
  if (state.fromLink || !state.report || !lastInput) {
    draw();
    updateLink();
    return;
  }
  try {
    const result = await post(request(lastInput));
    const keep = { xRange: state.xRange, annotations: state.annotations, selected: state.selected };
    accept(result);
    Object.assign(state, keep);
    draw();
    renderSummary();
    updateLink();
  } catch (error) {
    showError(error.message);
  }
}

function accept(result) {
  const started = performance.now();
  viewer.set_report(result.report_json);
  for (const s of result.series) viewer.add_series(s.times, s.values, s.limit ?? undefined);
  const loaded = performance.now();
  state.report = JSON.parse(result.report_json);
  state.reportJson = result.report_json;
  state.sourceName = result.name;
  state.selected = state.report.series.length ? [0] : [];
  showMain();
  renderList();
  draw();
  renderSummary();
  updateLink();
  // Where the time went, for the e2e benchmark and for anyone curious (devtools: body data-*).
  const main_wasm_mib = wasm.memory.buffer.byteLength / 1048576;
  document.body.dataset.timings = JSON.stringify({ ...result.timings, load_ms: loaded - started, draw_ms: performance.now() - loaded, main_wasm_mib });
  document.body.dataset.doneAt = performance.now().toFixed(1);
  const r = state.report;
  setStatus(`${r.source.format_label || r.source.format}, ${plural(r.series.length, "series", "series")}, ${r.source.points.toLocaleString("en-US")} points — ${countLeaks(r)}`);
}

function countLeaks(report) {
  const leaks = report.series.filter((s) => s.verdict === "leak").length;
  return leaks ? `${plural(leaks, "leak", "leaks")} found` : "no leak found";
}

function plural(n, one, many) {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

// ---------------------------------------------------------------- drawing

function tzOffsetMin() {
  if (currentTz() !== "local") return 0;
  const at = state.xRange ? state.xRange[0] : state.report?.series[state.selected[0]]?.start_ms ?? Date.now();
  return -new Date(at).getTimezoneOffset();
}

function currentTz() {
  return document.querySelector("input[name=tz]:checked")?.value ?? "utc";
}

function darkMode() {
  return window.matchMedia("(prefers-color-scheme: dark)").matches;
}

function viewObject(extra = {}) {
  const first = state.report?.series[state.selected[0]];
  const title = first ? `${state.sourceName} — ${first.name}` : state.sourceName;
  return {
    x_range: state.xRange,
    tz_offset_min: tzOffsetMin(),
    tz_label: currentTz() === "local" ? "local" : "UTC",
    dark: darkMode(),
    title: title.length > 110 ? `${title.slice(0, 109)}…` : title,
    annotations: state.annotations,
    footer: null,
    ...extra,
  };
}

function localZoneName() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "local";
  } catch {
    return "local";
  }
}

function draw() {
  if (!state.report || !viewer) return;
  const canvas = $("chart");
  const wrap = $("chart-wrap");
  const width = Math.max(320, Math.floor(wrap.clientWidth));
  const height = state.embed ? Math.max(200, window.innerHeight - 30) : 460;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const started = performance.now();
  try {
    const layout = viewer.draw(canvas, JSON.stringify(viewObject()), Uint32Array.from(state.selected), state.limitBytes ?? undefined);
    state.layout = JSON.parse(layout);
  } catch (error) {
    showError(`could not draw the chart: ${error.message}`);
  }
  document.body.dataset.drawMs = (performance.now() - started).toFixed(1);
}

// ---------------------------------------------------------------- series list

function renderList() {
  const list = $("series-list");
  const filter = $("filter").value.trim().toLowerCase();
  const fragment = document.createDocumentFragment();
  let shown = 0;
  const total = state.report.series.length;
  state.report.series.forEach((s, index) => {
    if (filter) {
      const hay = `${s.name} ${Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(" ")}`.toLowerCase();
      if (!hay.includes(filter)) return;
    }
    if (shown >= 500) return;
    shown++;
    const li = document.createElement("li");
    li.setAttribute("role", "option");
    li.tabIndex = 0;
    li.dataset.index = String(index);
    li.setAttribute("aria-selected", String(state.selected.includes(index)));
    const badge = document.createElement("span");
    badge.className = `badge ${s.verdict}`;
    badge.textContent = s.verdict;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = s.name;
    const meta = document.createElement("span");
    meta.className = "meta";
    const parts = [s.pattern];
    if (s.onset) parts.push(`onset ${timeText(s.onset.ms, s)}`);
    if (s.growth && s.verdict === "leak") {
      const sign = s.growth.per_hour < 0 ? "" : "+";
      parts.push(`${sign}${format_value(s.growth.per_hour, s.unit)}/h`);
    }
    meta.textContent = parts.join(" · ");
    li.append(badge, name, meta);
    fragment.append(li);
  });
  list.replaceChildren(fragment);
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-multiselectable", "true");
  $("series-count").textContent = filter
    ? `${shown} of ${plural(total, "series", "series")} match${shown >= 500 ? " (first 500 shown)" : ""}`
    : `${plural(total, "series", "series")}, ranked: most certain, fastest leaks first${total > 500 ? " (first 500 shown; filter to find others)" : ""}`;
}

function selectSeries(index, additive) {
  if (additive) {
    state.selected = state.selected.includes(index) ? state.selected.filter((i) => i !== index) : [...state.selected, index];
    if (!state.selected.length) state.selected = [index];
  } else {
    state.selected = [index];
  }
  for (const li of $("series-list").children) li.setAttribute("aria-selected", String(state.selected.includes(Number(li.dataset.index))));
  state.xRange = null;
  draw();
  renderSummary();
  updateLink();
}

// ---------------------------------------------------------------- summary

function timeText(ms, s) {
  if (s.time_axis && s.time_axis !== "epoch") {
    return s.time_axis === "relative" ? `+${format_duration(ms)}` : `${ms}`;
  }
  const zone = currentTz() === "local" ? localZoneName() : "UTC";
  return `${format_time(ms, tzOffsetMin())} ${zone}`;
}

function renderSummary() {
  const s = state.report?.series[state.selected[0]];
  const body = $("figures").tBodies[0];
  if (!s) {
    $("sentence").textContent = "";
    body.replaceChildren();
    return;
  }
  $("sentence").textContent = s.summary;
  const rows = [
    ["series", s.name],
    ["verdict", `${s.verdict} (${s.pattern}, confidence ${Math.round(s.confidence * 100)} %)`],
  ];
  if (s.reason) rows.push(["reason", s.reason]);
  if (s.onset) rows.push(["onset", `${timeText(s.onset.ms, s)} (window ${timeText(s.onset.low_ms, s)} – ${timeText(s.onset.high_ms, s)})`]);
  if (s.restarts_ms.length) rows.push(["restarts", s.restarts_ms.map((ms) => timeText(ms, s)).join(", ")]);
  if (s.stop_ms != null) rows.push(["stopped", timeText(s.stop_ms, s)]);
  if (s.growth) rows.push(["growth", `${format_value(s.growth.per_hour, s.unit)}/h (${format_value(s.growth.low, s.unit)} – ${format_value(s.growth.high, s.unit)})`]);
  if (s.exhaustion) rows.push(["exhaustion", `${timeText(s.exhaustion.ms, s)} at ${format_value(s.exhaustion.limit, s.unit)} (window ${timeText(s.exhaustion.low_ms, s)} – ${timeText(s.exhaustion.high_ms, s)})`]);
  rows.push(["window", `${timeText(s.start_ms, s)} – ${timeText(s.end_ms, s)}, ${s.points.toLocaleString("en-US")} points`]);
  rows.push(["source", `${state.report.source.name} (${state.report.source.format_label || state.report.source.format})`]);
  body.replaceChildren(
    ...rows.map(([k, v]) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = k;
      const td = document.createElement("td");
      td.textContent = v;
      tr.append(th, td);
      return tr;
    }),
  );
  $("embed-summary").textContent = s.summary;
}

// ---------------------------------------------------------------- share

function shareFragment() {
  if (!state.report) return "";
  return viewer.share_fragment(JSON.stringify(viewObject()), Uint32Array.from(state.selected), state.limitBytes ?? undefined);
}

function baseUrl() {
  return location.href.split("#")[0];
}

function shareUrl() {
  const fragment = shareFragment();
  return fragment ? `${baseUrl()}#${fragment}` : baseUrl();
}

function embedUrl() {
  const fragment = shareFragment();
  return `${baseUrl()}#embed:${fragment}`;
}

function updateLink() {
  if (!state.report) return;
  let fragment = "";
  try {
    fragment = shareFragment();
  } catch (error) {
    $("link-length").textContent = `no link: ${error.message}`;
    return;
  }
  const url = `${baseUrl()}#${state.embed ? "embed:" : ""}${fragment}`;
  const length = url.length;
  if (length <= LINK_MAX) {
    history.replaceState(null, "", `#${state.embed ? "embed:" : ""}${fragment}`);
    $("link-length").textContent = `link: ${length.toLocaleString("en-US")} characters${length <= LINK_SHORT ? "" : " (long for chat tools)"}`;
    $("share-note").textContent = "";
  } else {
    history.replaceState(null, "", baseUrl());
    $("link-length").textContent = `link: ${length.toLocaleString("en-US")} characters`;
    $("share-note").textContent = `This view does not fit in a ${LINK_MAX.toLocaleString("en-US")}-character link; select fewer series, zoom in, or use "Download HTML report" instead.`;
  }
}

async function copyText(text, what) {
  try {
    await navigator.clipboard.writeText(text);
    $("share-note").textContent = `${what} copied to the clipboard.`;
  } catch {
    const box = $("markdown");
    box.hidden = false;
    box.value = text;
    box.select();
    $("share-note").textContent = `${what} is in the box below: copy it with Ctrl+C.`;
  }
}

function download(name, blob) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

function footerText() {
  const s = state.report?.series[state.selected[0]];
  if (!s) return "";
  const [a, b] = state.xRange ?? [s.start_ms, s.end_ms];
  return `source: ${state.report.source.name} · ${timeText(a, s)} – ${timeText(b, s)} · leakscope`;
}

function baseName() {
  return (state.sourceName || "leakscope").replace(/[^\w.-]+/g, "_").replace(/\.[^.]*$/, "") || "leakscope";
}

function svgText() {
  return viewer.svg(JSON.stringify(viewObject({ dark: false, footer: footerText() })), Uint32Array.from(state.selected), state.limitBytes ?? undefined, 1200, 600);
}

function pngBlob() {
  const canvas = document.createElement("canvas");
  canvas.width = 1200;
  canvas.height = 600;
  viewer.draw(canvas, JSON.stringify(viewObject({ dark: false, footer: footerText() })), Uint32Array.from(state.selected), state.limitBytes ?? undefined);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("could not encode the PNG"))), "image/png"));
}

function markdownText() {
  return viewer.markdown(shareUrl());
}

function htmlReport() {
  return viewer.html_report(JSON.stringify(viewObject({ dark: false, footer: footerText() })), Uint32Array.from(state.selected), state.limitBytes ?? undefined, shareUrl());
}

// ---------------------------------------------------------------- link loading

function loadFromHash() {
  const hash = decodeURIComponent(location.hash.slice(1));
  if (!hash) return false;
  state.embed = hash.startsWith("embed:");
  document.body.classList.toggle("embed", state.embed);
  $("embed-bar").hidden = !state.embed;
  const fragment = state.embed ? hash.slice("embed:".length) : hash;
  try {
    const loaded = JSON.parse(viewer.load_fragment(fragment));
    state.report = loaded.report;
    state.sourceName = loaded.report.source.name;
    const view = loaded.view ?? {};
    state.xRange = view.x_range ?? null;
    state.annotations = view.annotations ?? [];
    state.limitBytes = loaded.limit ?? null;
    state.limitText = state.limitBytes ? format_value(state.limitBytes, "bytes") : "";
    $("limit").value = state.limitText;
    const tz = view.tz_label === "local" ? "local" : "utc";
    document.querySelector(`input[name=tz][value=${tz}]`).checked = true;
    state.selected = Array.isArray(loaded.selected) && loaded.selected.length ? loaded.selected : [0];
    state.fromLink = true;
    $("embed-full").href = `${baseUrl()}#${fragment}`;
    showMain();
    renderList();
    renderSummary();
    draw();
    setStatus(`Shared view of ${state.report.source.name}: no file needed.`);
    return true;
  } catch (error) {
    state.report = null;
    state.embed = false;
    document.body.classList.remove("embed");
    $("embed-bar").hidden = true;
    $("main").hidden = true;
    showError(`This link cannot be opened: ${error.message}`);
    return false;
  }
}

// ---------------------------------------------------------------- UI helpers

function showMain() {
  $("main").hidden = false;
}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = false;
  setStatus("");
}

function hideError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

function showProgress(on, loaded = 0, total = 0) {
  $("progress").hidden = !on;
  if (!on) return;
  $("progress-bar").value = total ? loaded / total : 0;
  $("progress-text").textContent = `${format_value(loaded, "bytes")} of ${format_value(total, "bytes")} read`;
}

function pixelToMs(x) {
  const l = state.layout;
  if (!l || l.right <= l.left) return null;
  const clamped = Math.min(Math.max(x, l.left), l.right);
  return l.x0 + ((clamped - l.left) / (l.right - l.left)) * (l.x1 - l.x0);
}

function msToPixel(ms) {
  const l = state.layout;
  return l.left + ((ms - l.x0) / (l.x1 - l.x0)) * (l.right - l.left);
}

function canvasX(event) {
  const rect = $("chart").getBoundingClientRect();
  return ((event.clientX - rect.left) * $("chart").width) / rect.width;
}

// ---------------------------------------------------------------- events

function wireEvents() {
  $("file-input").addEventListener("change", (e) => {
    const file = e.target.files?.[0];
    if (file) load({ file }).catch(() => {});
    e.target.value = "";
  });
  $("browse").addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      $("file-input").click();
    }
  });
  $("demo").addEventListener("click", () => load({ text: demo_csv(), name: demo_name() }).catch(() => {}));
  $("paste-open").addEventListener("click", () => {
    $("paste-box").hidden = false;
    $("paste-text").focus();
  });
  $("paste-cancel").addEventListener("click", () => ($("paste-box").hidden = true));
  $("paste-go").addEventListener("click", () => {
    const text = $("paste-text").value;
    if (!text.trim()) return showError("pasted text: nothing to analyze");
    $("paste-box").hidden = true;
    load({ text, name: "pasted text" }).catch(() => {});
  });
  $("cancel").addEventListener("click", cancel);

  document.addEventListener("paste", (e) => {
    const target = e.target;
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) return;
    const file = e.clipboardData?.files?.[0];
    if (file) {
      e.preventDefault();
      load({ file }).catch(() => {});
      return;
    }
    const text = e.clipboardData?.getData("text/plain");
    if (text && text.trim()) {
      e.preventDefault();
      load({ text, name: "pasted text" }).catch(() => {});
    }
  });

  let dragDepth = 0;
  document.addEventListener("dragenter", (e) => {
    if (!e.dataTransfer?.types?.includes("Files")) return;
    dragDepth++;
    $("drop-overlay").hidden = false;
  });
  document.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) $("drop-overlay").hidden = true;
  });
  document.addEventListener("dragover", (e) => e.preventDefault());
  document.addEventListener("drop", (e) => {
    e.preventDefault();
    dragDepth = 0;
    $("drop-overlay").hidden = true;
    const file = e.dataTransfer?.files?.[0];
    if (file) load({ file }).catch(() => {});
  });

  $("filter").addEventListener("input", () => state.report && renderList());
  $("series-list").addEventListener("click", (e) => {
    const li = e.target.closest("li");
    if (li) selectSeries(Number(li.dataset.index), e.ctrlKey || e.metaKey || e.shiftKey);
  });
  $("series-list").addEventListener("keydown", (e) => {
    const li = e.target.closest("li");
    if (!li) return;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      selectSeries(Number(li.dataset.index), e.ctrlKey || e.metaKey || e.shiftKey);
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      (e.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling)?.focus();
    }
  });

  $("limit").addEventListener("change", () => {
    const text = $("limit").value.trim();
    if (text && parse_size(text) === undefined) {
      showError(`limit: expected a size like 4 GiB, 512 MiB or a byte count, found "${text}"`);
      return;
    }
    hideError();
    state.limitText = text;
    state.limitBytes = text ? parse_size(text) : null;
    reanalyze();
  });
  for (const radio of document.querySelectorAll("input[name=tz]")) {
    radio.addEventListener("change", () => {
      draw();
      renderList();
      renderSummary();
      updateLink();
    });
  }
  $("annotate-kind").addEventListener("change", () => {
    $("annotate-label").hidden = $("annotate-kind").value !== "custom";
    if (!$("annotate-label").hidden) $("annotate-label").focus();
  });
  $("clear-annotations").addEventListener("click", () => {
    state.annotations = [];
    draw();
    updateLink();
  });
  $("reset-zoom").addEventListener("click", () => {
    state.xRange = null;
    draw();
    updateLink();
  });

  const canvas = $("chart");
  let dragStart = null;
  canvas.addEventListener("mousedown", (e) => {
    if (e.button !== 0 || !state.layout) return;
    dragStart = canvasX(e);
  });
  canvas.addEventListener("mousemove", (e) => {
    if (!state.layout || !state.report) return;
    const x = canvasX(e);
    const ms = pixelToMs(x);
    if (dragStart !== null) {
      const sel = $("selection");
      const rect = canvas.getBoundingClientRect();
      const scale = rect.width / canvas.width;
      sel.hidden = false;
      sel.style.left = `${Math.min(dragStart, x) * scale}px`;
      sel.style.width = `${Math.abs(x - dragStart) * scale}px`;
    }
    const index = state.selected[0];
    const near = ms === null ? [] : viewer.nearest(index, ms);
    const readout = $("readout");
    if (near.length === 2) {
      const s = state.report.series[index];
      readout.hidden = false;
      readout.textContent = `${timeText(near[0], s)} · ${format_value(near[1], s.unit)}`;
      const rect = canvas.getBoundingClientRect();
      const left = Math.min(e.clientX - rect.left + 12, rect.width - readout.offsetWidth - 4);
      readout.style.left = `${Math.max(0, left)}px`;
      readout.style.top = `${Math.max(0, e.clientY - rect.top - 28)}px`;
    } else {
      readout.hidden = true;
    }
  });
  canvas.addEventListener("mouseleave", () => ($("readout").hidden = true));
  window.addEventListener("mouseup", (e) => {
    if (dragStart === null) return;
    const x = canvasX(e);
    const start = dragStart;
    dragStart = null;
    $("selection").hidden = true;
    if (Math.abs(x - start) >= 5) {
      const a = pixelToMs(Math.min(start, x));
      const b = pixelToMs(Math.max(start, x));
      if (a !== null && b !== null && b - a >= 1) {
        state.xRange = [Math.round(a), Math.round(b)];
        draw();
        updateLink();
      }
    } else if (e.target === canvas && $("annotate-kind").value) {
      const ms = pixelToMs(x);
      const kind = $("annotate-kind").value;
      const label = kind === "custom" ? $("annotate-label").value.trim() || "note" : kind;
      if (ms !== null) {
        state.annotations = [...state.annotations, { ms: Math.round(ms), label }];
        draw();
        updateLink();
      }
    }
  });
  canvas.addEventListener("dblclick", () => {
    state.xRange = null;
    draw();
    updateLink();
  });

  $("copy-link").addEventListener("click", () => copyText(shareUrl(), "Link"));
  $("copy-embed").addEventListener("click", () => {
    const snippet = `<iframe src="${embedUrl().replace(/"/g, "&quot;")}" width="900" height="420" style="border:0" title="leakscope chart" loading="lazy"></iframe>`;
    copyText(snippet, "Embed snippet");
  });
  $("download-svg").addEventListener("click", () => download(`${baseName()}.svg`, new Blob([svgText()], { type: "image/svg+xml" })));
  $("download-png").addEventListener("click", async () => download(`${baseName()}.png`, await pngBlob()));
  $("copy-png").addEventListener("click", async () => {
    try {
      await navigator.clipboard.write([new ClipboardItem({ "image/png": pngBlob() })]);
      $("share-note").textContent = "PNG copied to the clipboard.";
    } catch {
      $("share-note").textContent = "This browser did not allow copying an image; use Download PNG.";
    }
  });
  $("copy-md").addEventListener("click", () => {
    const md = markdownText();
    $("markdown").hidden = false;
    $("markdown").value = md;
    copyText(md, "Markdown");
  });
  $("download-html").addEventListener("click", () => download(`${baseName()}-leakscope.html`, new Blob([htmlReport()], { type: "text/html" })));

  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", draw);
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(draw, 80);
  });
  window.addEventListener("hashchange", () => {
    const current = `#${state.embed ? "embed:" : ""}${state.report ? safeFragment() : ""}`;
    if (location.hash && location.hash !== current) loadFromHash();
  });
}

function safeFragment() {
  try {
    return shareFragment();
  } catch {
    return "";
  }
}

// ---------------------------------------------------------------- start

const wasm = await init();
viewer = new Viewer();
startWorker();
wireEvents();

window.leakscope = {
  get report() {
    return state.report;
  },
  // The report exactly as the wasm core wrote it (byte-identical to the CLI's --json).
  get reportJson() {
    return state.reportJson ?? null;
  },
  analyze(fileOrText, name = "pasted text") {
    if (typeof fileOrText === "string") return load({ text: fileOrText, name });
    if (fileOrText instanceof Blob) return load({ file: fileOrText instanceof File ? fileOrText : new File([fileOrText], name) });
    return Promise.reject(new TypeError("analyze() takes a File, a Blob or a string"));
  },
  shareUrl,
  embedUrl,
  markdown: () => markdownText(),
  svg: () => svgText(),
  html: () => htmlReport(),
  get view() {
    return { xRange: state.xRange, annotations: state.annotations, selected: state.selected, tz: currentTz(), limit: state.limitBytes, layout: state.layout };
  },
  setView({ xRange, annotations, tz } = {}) {
    if (xRange !== undefined) state.xRange = xRange;
    if (annotations !== undefined) state.annotations = annotations;
    if (tz) document.querySelector(`input[name=tz][value=${tz === "local" ? "local" : "utc"}]`).checked = true;
    draw();
    renderSummary();
    updateLink();
  },
};
loadFromHash();
document.body.dataset.readyAt = performance.now().toFixed(0);
document.body.dataset.ready = "true";
