// Page speed benchmark in headless Chromium (issue 6). Prints figures; asserts nothing.
//   node tests/e2e/bench.mjs [POINTS]        (after scripts/dist.sh; default 1,000,000 points)
//   node tests/e2e/bench.mjs FILE            (any export on disk instead of the generated CSV:
//                                             a wide CSV, a Datadog JSON from the huge-input bin)
// Measures: page load to interactive, drop → finished chart for a POINTS-point CSV, redraw on
// zoom, and the renderer processes' peak memory (VmHWM, reset before the pick) against the file size.
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, launch, openPage } from "./harness.mjs";

const given = process.argv[2] && existsSync(process.argv[2]) ? process.argv[2] : null;
const points = given ? 0 : Number(process.argv[2] ?? 1_000_000);

// The renderer processes (the page's and its workers' memory lives in them).
function renderers() {
  const pids = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes("chromium") && cmd.includes("--type=renderer")) pids.push(pid);
    } catch {
      // the process ended
    }
  }
  return pids;
}

function statusKiB(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

// Resets every renderer's peak-RSS mark (`echo 5 > /proc/PID/clear_refs`) and returns their
// resident memory now, so that `peakAboveKiB` measures the peak above the tab as it was.
function markRenderers() {
  const now = new Map();
  for (const pid of renderers()) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      // not permitted: the peak then includes the page load's own peak
    }
    now.set(pid, statusKiB(pid, "VmRSS"));
  }
  return now;
}

// Only the renderers that were there at the mark: the tab's own (the page and its workers are
// threads of one of them). A renderer Chromium starts later (a spare for the next tab, ~340 MiB
// resident at once) is not the page's memory, and counting it whole once read 490 MiB for a
// 2 MiB file whose tab grew by 146.
function peakAboveKiB(marks) {
  let total = 0;
  for (const [pid, mark] of marks) {
    total += Math.max(0, statusKiB(pid, "VmHWM") - mark);
    if (process.env.BENCH_DEBUG) console.log(`renderer ${pid}: ${mark >> 10} MiB at the mark, peak ${statusKiB(pid, "VmHWM") >> 10} MiB`);
  }
  return total;
}

function csv(n) {
  const start = Date.UTC(2024, 7, 1);
  const parts = ["timestamp,memory_bytes\n"];
  let e = 0;
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    e = 0.9 * e + (seed / 2 ** 32 - 0.5) * 4e6;
    const leak = i > n * 0.6 ? (i - n * 0.6) * 900 : 0;
    parts.push(`${start + i * 10_000},${Math.round(1.2e9 + leak + e)}\n`);
  }
  return parts.join("");
}

const server = await startServer();
const browser = await launch();
const t = await openPage(browser, server);
const loadMs = await t.page.evaluate(() => Number(document.body.dataset.readyAt));
const paintMs = await t.page.evaluate(() => performance.getEntriesByType("navigation")[0]?.domInteractive ?? 0);

// The file is picked from disk (setInputFiles with a path), so it is backed by the browser's
// blob storage as a user's file is, and the timing starts at the input's change event.
const path = given ?? join(tmpdir(), `leakscope-bench-${points}.csv`);
if (!given) writeFileSync(path, csv(points));
const mib = statSync(path).size / 1048576;
await t.page.evaluate(() => {
  window.__before = window.leakscope.report;
  document.querySelector("#file-input").addEventListener("change", () => (window.__t0 = performance.now()), { capture: true, once: true });
});
const marks = markRenderers();
const baseline = [...marks.values()].reduce((a, b) => a + b, 0);
await t.page.setInputFiles("#file-input", path);
await t.page.waitForFunction(() => window.leakscope.report !== window.__before, null, { timeout: 120000, polling: 5 });
const dropMs = await t.page.evaluate(() => Number(document.body.dataset.doneAt) - window.__t0);
if (!given) unlinkSync(path);
// Only what is printed: handing the whole report to Node (10 MB of JSON for 10,000 series) made
// the renderer build a copy for the protocol, 430 MiB, which counted as the page's peak.
const top = await t.page.evaluate(() => {
  const { series } = window.leakscope.report;
  return { count: series.length, verdict: series[0].verdict, pattern: series[0].pattern };
});
const redraws = [];
const { x0, x1 } = await t.page.evaluate(() => window.leakscope.view.layout);
for (let i = 0; i < 12; i++) {
  const a = x0 + ((x1 - x0) * i) / 40;
  const b = x1 - ((x1 - x0) * i) / 60;
  await t.page.evaluate(([a, b]) => window.leakscope.setView({ xRange: [a, b] }), [Math.round(a), Math.round(b)]);
  redraws.push(Number(await t.page.evaluate(() => document.body.dataset.drawMs)));
}
redraws.sort((a, b) => a - b);
const peak = peakAboveKiB(marks);

console.log(given ? `file                   ${given} (${mib.toFixed(1)} MiB, ${top.count.toLocaleString("en-US")} series)` : `points                 ${points.toLocaleString("en-US")} (${mib.toFixed(1)} MiB CSV)`);
console.log(`page load → interactive ${loadMs.toFixed(0)} ms after navigation start (domInteractive ${paintMs.toFixed(0)} ms)`);
console.log(`pick → finished chart  ${dropMs.toFixed(0)} ms (from the file input's change event to the report and chart)`);
console.log(`analysis (worker)      ${top.verdict}, ${top.pattern}`);
const timings = JSON.parse(await t.page.evaluate(() => document.body.dataset.timings));
console.log(`  where the time went  ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
console.log(`redraw on zoom         median ${redraws[6].toFixed(1)} ms, max ${redraws[11].toFixed(1)} ms`);
console.log(`renderer peak memory   ${(peak / 1024).toFixed(0)} MiB above the tab before the pick (${(baseline / 1024).toFixed(0)} MiB resident) = ${(peak / 1024 / mib).toFixed(2)}x the file size`);
if (t.problems.length) console.log("problems:", t.problems);
await browser.close();
server.stop();
