// The served page in headless Chromium: loading (demo, drop, picker, paste), errors, the series
// list, the chart and its interactions. Every test fails on a console error, a page error or a
// request outside the page's own origin (see harness.mjs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, mkdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startServer, launch, openPage, dropFile, waitForReport, inkedPixels, leakCsv } from "./harness.mjs";

let server;
let browser;
const OUT = join(ROOT, "tests", "e2e", "out");

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

test("the page says files stay local and loads with no foreign request", async () => {
  const t = await openPage(browser, server);
  const privacy = await t.page.textContent("#privacy");
  assert.match(privacy, /never leave this browser/);
  assert.equal(await t.page.isVisible("#demo"), true);
  t.checkClean();
  await t.context.close();
});

test("the demo incident: a leak with its onset, restart and stop, drawn on the canvas", async () => {
  for (const colorScheme of ["light", "dark"]) {
    const t = await openPage(browser, server, { colorScheme });
    await t.page.click("#demo");
    const report = await waitForReport(t.page, "demo-incident-2024-08-15.csv");
    const s = report.series[0];
    assert.equal(s.verdict, "leak");
    assert.ok(s.onset, "an onset");
    const onset = new Date(s.onset.ms).toISOString();
    assert.ok(onset >= "2024-08-15T07:25" && onset <= "2024-08-15T07:55", `onset ${onset}`);
    assert.ok(s.restarts_ms.some((ms) => Math.abs(ms - Date.UTC(2024, 7, 15, 11, 0)) <= 5 * 60e3), "restart at 11:00");
    assert.ok(s.stop_ms && Math.abs(s.stop_ms - Date.UTC(2024, 7, 15, 12, 0)) <= 10 * 60e3, "stop at 12:00");
    assert.ok((await inkedPixels(t.page)) > 5000, "the chart is drawn");
    assert.match(await t.page.textContent("#series-list"), /leak/);
    assert.match(await t.page.textContent("#sentence"), /^Leak since/);
    assert.match(await t.page.textContent("#status"), /CSV, 1 series, 841 points/);
    await t.page.screenshot({ path: join(OUT, `demo-${colorScheme}.png`), fullPage: true });
    t.checkClean();
    await t.context.close();
  }
});

test("a dropped CSV is analyzed: verdict, onset and a non-blank chart", async () => {
  const t = await openPage(browser, server);
  await dropFile(t.page, "leaky.csv", leakCsv({ onsetFrac: 0.5 }));
  const report = await waitForReport(t.page, "leaky.csv");
  const s = report.series[0];
  assert.equal(s.verdict, "leak");
  const expected = Date.UTC(2024, 7, 15) + 720 * 60e3;
  assert.ok(Math.abs(s.onset.ms - expected) <= 0.05 * 1440 * 60e3, `onset ${new Date(s.onset.ms).toISOString()}`);
  assert.ok((await inkedPixels(t.page)) > 5000);
  assert.equal(await t.page.locator("#series-list li .badge.leak").count(), 1);
  t.checkClean();
  await t.context.close();
});

test("the file picker and paste load data too", async () => {
  const t = await openPage(browser, server);
  await t.page.setInputFiles("#file-input", { name: "picked.csv", mimeType: "text/csv", buffer: Buffer.from(leakCsv({ onsetFrac: 0.3 })) });
  let report = await waitForReport(t.page, "picked.csv");
  assert.equal(report.series[0].verdict, "leak");
  await t.page.click("#paste-open");
  await t.page.fill("#paste-text", "time,value\n1723700000,5\n1723700060,5\n1723700120,5\n1723700180,5\n1723700240,5\n1723700300,5\n1723700360,5\n1723700420,5\n1723700480,5\n");
  await t.page.click("#paste-go");
  report = await waitForReport(t.page, "pasted text");
  assert.notEqual(report.series[0].verdict, "leak");
  t.checkClean();
  await t.context.close();
});

test("garbage gets a readable error naming the file and line, and no crash", async () => {
  const t = await openPage(browser, server);
  await dropFile(t.page, "garbage.bin", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe]));
  await t.page.waitForSelector("#error:not([hidden])");
  assert.match(await t.page.textContent("#error"), /^garbage\.bin:1: binary data/);
  await dropFile(t.page, "words.csv", "name,colour\nfoo,red\nbar,blue\n");
  await t.page.waitForFunction(() => document.querySelector("#error").textContent.startsWith("words.csv"));
  assert.match(await t.page.textContent("#error"), /^words\.csv:1: no time column/);
  // The page still works afterwards.
  await t.page.click("#demo");
  await waitForReport(t.page, "demo-incident-2024-08-15.csv");
  assert.equal(await t.page.isHidden("#error"), true);
  t.checkClean();
  await t.context.close();
});

test("zoom, reset, hover read-out, annotations, limit and time zone", async () => {
  const t = await openPage(browser, server);
  await t.page.click("#demo");
  await waitForReport(t.page, "demo-incident-2024-08-15.csv");
  const layout = await t.page.evaluate(() => window.leakscope.view.layout);
  const box = await t.page.locator("#chart").boundingBox();
  const scale = box.width / (await t.page.evaluate(() => document.querySelector("#chart").width));
  const px = (x) => box.x + x * scale;
  const y = box.y + ((layout.top + layout.bottom) / 2) * scale;
  const w = layout.right - layout.left;

  // Hover read-out.
  await t.page.mouse.move(px(layout.left + w / 2), y);
  await t.page.waitForSelector("#readout:not([hidden])");
  assert.match(await t.page.textContent("#readout"), /2024-08-15 \d\d:\d\d:\d\d UTC · [\d.]+ (MiB|GiB)/);

  // Drag to zoom.
  await t.page.mouse.move(px(layout.left + w * 0.25), y);
  await t.page.mouse.down();
  await t.page.mouse.move(px(layout.left + w * 0.5), y, { steps: 4 });
  await t.page.mouse.up();
  let view = await t.page.evaluate(() => window.leakscope.view);
  assert.ok(view.xRange, "zoomed");
  const span = view.xRange[1] - view.xRange[0];
  assert.ok(span < (layout.x1 - layout.x0) * 0.3, `zoomed span ${span}`);
  assert.ok((await inkedPixels(t.page)) > 3000);
  // Double-click resets.
  await t.page.mouse.dblclick(px(layout.left + w / 2), y);
  view = await t.page.evaluate(() => window.leakscope.view);
  assert.equal(view.xRange, null);

  // Annotation: pick a kind, click the chart.
  await t.page.selectOption("#annotate-kind", "rollback");
  await t.page.mouse.click(px(layout.left + w * 0.6), y);
  view = await t.page.evaluate(() => window.leakscope.view);
  assert.equal(view.annotations.length, 1);
  assert.equal(view.annotations[0].label, "rollback");
  await t.page.selectOption("#annotate-kind", "custom");
  await t.page.fill("#annotate-label", "<b>alert</b> fired");
  await t.page.mouse.click(px(layout.left + w * 0.7), y);
  view = await t.page.evaluate(() => window.leakscope.view);
  assert.equal(view.annotations[1].label, "<b>alert</b> fired");
  await t.page.selectOption("#annotate-kind", "");

  // Limit: the demo's leak stopped, so no limit gives it an exhaustion time; on a leak that
  // still grows, a limit gives one, and a smaller limit an earlier one.
  await t.page.fill("#limit", "8 GiB");
  await t.page.press("#limit", "Enter");
  await t.page.waitForFunction(() => window.leakscope.view.limit === 8 * 2 ** 30);
  assert.equal(await t.page.evaluate(() => window.leakscope.report.series[0].exhaustion), null);
  await dropFile(t.page, "growing.csv", leakCsv({ onsetFrac: 0.5 }));
  await t.page.waitForFunction(() => window.leakscope.report.source.name === "growing.csv" && window.leakscope.report.series[0].exhaustion?.limit === 8 * 2 ** 30);
  const far = await t.page.evaluate(() => window.leakscope.report.series[0].exhaustion.ms);
  await t.page.fill("#limit", "4 GiB");
  await t.page.press("#limit", "Enter");
  await t.page.waitForFunction(() => window.leakscope.report.series[0].exhaustion?.limit === 4 * 2 ** 30);
  const near = await t.page.evaluate(() => window.leakscope.report.series[0].exhaustion.ms);
  assert.ok(near < far, `a smaller limit is reached sooner (${near} < ${far})`);
  assert.ok((await inkedPixels(t.page)) > 3000);
  await t.page.fill("#limit", "lots");
  await t.page.press("#limit", "Enter");
  await t.page.waitForSelector("#error:not([hidden])");
  assert.match(await t.page.textContent("#error"), /limit: expected a size/);

  // Time zone toggle changes the labels' zone.
  await t.page.check("input[name=tz][value=local]");
  assert.equal((await t.page.evaluate(() => window.leakscope.view)).tz, "local");
  await t.page.check("input[name=tz][value=utc]");
  assert.match(await t.page.textContent("#figures"), /UTC/);
  t.checkClean();
  await t.context.close();
});

test("a Content-Security-Policy blocks inline script and foreign origins", async () => {
  const t = await openPage(browser, server, { allowed: ["Content Security Policy", "Refused to"] });
  const response = await t.page.request.get(server.url);
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /connect-src 'self'/);
  const ran = await t.page.evaluate(async () => {
    window.__inline = false;
    const s = document.createElement("script");
    s.textContent = "window.__inline = true";
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return window.__inline;
  });
  assert.equal(ran, false, "inline script must not run");
  t.checkClean();
  await t.context.close();
});

test("window.leakscope.analyze takes text and returns the report", async () => {
  const t = await openPage(browser, server);
  const report = await t.page.evaluate((csv) => window.leakscope.analyze(csv, "api.csv"), leakCsv({ onsetFrac: 0.6 }));
  assert.equal(report.version, 1);
  assert.equal(report.source.name, "api.csv");
  assert.equal(report.series[0].verdict, "leak");
  writeFileSync(join(OUT, "api-report.json"), JSON.stringify(report, null, 2));
  t.checkClean();
  await t.context.close();
});

test("a big file picked from disk shows bytes read, can be cancelled, and then loads", async () => {
  const t = await openPage(browser, server);
  // ~70 MB: big enough that reading and parsing take long enough to press Cancel.
  const path = join(OUT, "big-pick.csv");
  writeFileSync(path, leakCsv({ points: 2_000_000, stepS: 10, onsetFrac: 0.7, ratePerH: 20e6 }));
  await t.page.setInputFiles("#file-input", path);
  await t.page.waitForSelector("#progress:not([hidden])");
  assert.match(await t.page.textContent("#progress-text"), /of 6\d\.\d+ MiB read$/);
  await t.page.click("#cancel");
  await t.page.waitForFunction(() => document.querySelector("#status").textContent === "Cancelled.");
  assert.equal(await t.page.isHidden("#progress"), true);
  assert.equal(await t.page.isHidden("#error"), true, "a cancel is not an error");
  assert.equal(await t.page.evaluate(() => window.leakscope.report), null);
  // A fresh worker takes the next file: the same one, read to the end this time.
  await t.page.setInputFiles("#file-input", []);
  await t.page.setInputFiles("#file-input", path);
  const report = await waitForReport(t.page, "big-pick.csv");
  assert.equal(report.source.points, 2_000_000);
  assert.equal(report.series[0].verdict, "leak");
  const onset = report.series[0].onset.ms;
  const truth = Date.UTC(2024, 7, 15) + 0.7 * 2_000_000 * 10_000;
  assert.ok(Math.abs(onset - truth) < 0.01 * 2_000_000 * 10_000, `onset ${new Date(onset).toISOString()}`);
  assert.ok((await inkedPixels(t.page)) > 1000, "the chart is drawn");
  unlinkSync(path);
  t.checkClean();
  await t.context.close();
});
