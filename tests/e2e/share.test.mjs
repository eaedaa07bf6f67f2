// Share and embed (issue 7) and "no data leaves" (issue 8): a link reproduces the analysis in a
// fresh browser with no file, the embed view works in an iframe, the downloads are well formed,
// crafted links fail cleanly, and a whole session requests nothing but the page's own files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OUT, useBrowser, openPage, dropFile, waitForReport, inkedPixels, leakCsv } from "./harness.mjs";

const env = useBrowser();

const FIELDS = (s) => ({
  name: s.name,
  verdict: s.verdict,
  pattern: s.pattern,
  onset: s.onset,
  stop_ms: s.stop_ms,
  restarts_ms: s.restarts_ms,
  exhaustion: s.exhaustion && { ...s.exhaustion },
  summary: s.summary,
});

function close(a, b, rel = 0.002) {
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1);
}

async function canvasPixels(page) {
  return page.evaluate(() => {
    const c = document.querySelector("#chart");
    return { w: c.width, h: c.height, data: Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data) };
  });
}

test("a share link reproduces the verdicts, onset, stop, restarts, growth, exhaustion and chart with no file", async () => {
  const a = await openPage(env.browser, env.server);
  await a.page.click("#demo");
  const original = await waitForReport(a.page, "demo-incident-2024-08-15.csv");
  await a.page.evaluate(() => window.leakscope.setView({ annotations: [{ ms: Date.UTC(2024, 7, 15, 10, 5), label: "alert" }] }));
  const url = await a.page.evaluate(() => window.leakscope.shareUrl());
  assert.ok(url.length <= 2000, `demo link is ${url.length} characters`);
  writeFileSync(join(OUT, "demo-link.txt"), `${url}\n${url.length} characters\n`);
  // The address bar follows the view.
  assert.equal(await a.page.evaluate(() => location.href), url);
  const before = await canvasPixels(a.page);

  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const b = await openPage(env.browser, env.server, { context, path: url.slice(env.server.url.length) });
  await b.page.waitForFunction(() => window.leakscope.report !== null);
  const shared = await b.page.evaluate(() => window.leakscope.report);
  const s0 = original.series[0];
  const s1 = shared.series[0];
  assert.deepEqual({ ...FIELDS(s1), exhaustion: null }, { ...FIELDS(s0), exhaustion: null });
  for (const k of ["per_hour", "low", "high"]) assert.ok(close(s1.growth[k], s0.growth[k]), `growth.${k}`);
  assert.deepEqual(s1.exhaustion === null, s0.exhaustion === null);
  if (s0.exhaustion) for (const k of ["limit", "ms", "low_ms", "high_ms"]) assert.ok(close(s1.exhaustion[k], s0.exhaustion[k], 1e-6), `exhaustion.${k}`);
  assert.deepEqual(await b.page.evaluate(() => window.leakscope.view.annotations), [{ ms: Date.UTC(2024, 7, 15, 10, 5), label: "alert" }]);
  assert.match(await b.page.textContent("#status"), /Shared view/);
  const after = await canvasPixels(b.page);
  assert.equal(after.w, before.w);
  let differing = 0;
  for (let i = 0; i < before.data.length; i += 4) {
    if (Math.abs(before.data[i] - after.data[i]) + Math.abs(before.data[i + 1] - after.data[i + 1]) + Math.abs(before.data[i + 2] - after.data[i + 2]) > 60) differing++;
  }
  const fraction = differing / (before.w * before.h);
  assert.ok(fraction < 0.01, `charts differ in ${(fraction * 100).toFixed(2)} % of pixels`);
  await b.page.screenshot({ path: join(OUT, "shared-link.png"), fullPage: true });
  a.checkClean();
  b.checkClean();
  await a.context.close();
  await context.close();
});

test("a three-series day gets a link, and its length is shown", async () => {
  const t = await openPage(env.browser, env.server);
  const rows = ["timestamp,api_0,api_1,api_2"];
  for (let i = 0; i < 1440; i++) {
    const leak = i > 600 ? (i - 600) * 1.5e6 : 0;
    rows.push(`${new Date(Date.UTC(2024, 7, 15) + i * 60e3).toISOString()},${9e8 + leak + (i % 7) * 1e6},${7e8 + (i % 11) * 2e6},${5e8 + (i % 5) * 1e6 + (i > 900 ? 2e8 : 0)}`);
  }
  await dropFile(t.page, "three.csv", rows.join("\n"));
  await waitForReport(t.page, "three.csv");
  await t.page.click("#series-list li[data-index='1']", { modifiers: ["Control"] });
  await t.page.click("#series-list li[data-index='2']", { modifiers: ["Control"] });
  assert.deepEqual(await t.page.evaluate(() => window.leakscope.view.selected), [0, 1, 2]);
  const url = await t.page.evaluate(() => window.leakscope.shareUrl());
  writeFileSync(join(OUT, "three-series-link.txt"), `${url.length} characters\n`);
  assert.ok(url.length <= 8000, `three-series link is ${url.length} characters`);
  assert.match(await t.page.textContent("#link-length"), /link: [\d,]+ characters/);
  const context = await env.browser.newContext();
  const b = await openPage(env.browser, env.server, { context, path: url.slice(env.server.url.length) });
  await b.page.waitForFunction(() => window.leakscope.report?.series.length === 3);
  assert.ok((await inkedPixels(b.page)) > 5000);
  b.checkClean();
  t.checkClean();
  await context.close();
  await t.context.close();
});

test("the embed view renders in an iframe with a one-line summary and a link back", async () => {
  const a = await openPage(env.browser, env.server);
  await a.page.click("#demo");
  await waitForReport(a.page, "demo-incident-2024-08-15.csv");
  const embed = await a.page.evaluate(() => window.leakscope.embedUrl());
  assert.match(embed, /#embed:v1\./);
  // A review doc on the same host embeds the chart.
  const host = await openPage(env.browser, env.server);
  await host.page.evaluate((src) => {
    document.body.replaceChildren();
    const frame = document.createElement("iframe");
    frame.src = src;
    frame.width = "800";
    frame.height = "400";
    frame.id = "embed";
    document.body.append(frame);
  }, embed);
  const frame = await (await host.page.waitForSelector("#embed")).contentFrame();
  await frame.waitForFunction(() => window.leakscope?.report !== null && document.body.classList.contains("embed"));
  assert.equal(await frame.isVisible("#embed-bar"), true);
  assert.equal(await frame.isHidden("#series-list"), true);
  assert.match(await frame.textContent("#embed-summary"), /^Leak since/);
  assert.match(await frame.getAttribute("#embed-full", "href"), /#v1\./);
  const size = await frame.evaluate(() => [document.querySelector("#chart").width, document.querySelector("#chart").height]);
  assert.ok(size[0] <= 800 && size[0] >= 700 && size[1] <= 400, `canvas ${size}`);
  assert.ok((await inkedPixels(frame)) > 3000);
  await host.page.screenshot({ path: join(OUT, "embed.png") });
  a.checkClean();
  host.checkClean();
  await a.context.close();
  await host.context.close();
});

test("SVG, PNG, Markdown and HTML downloads are produced and well formed", async () => {
  const t = await openPage(env.browser, env.server);
  await t.page.click("#demo");
  await waitForReport(t.page, "demo-incident-2024-08-15.csv");

  const grab = async (button) => {
    const [download] = await Promise.all([t.page.waitForEvent("download"), t.page.click(button)]);
    const path = join(OUT, download.suggestedFilename());
    await download.saveAs(path);
    return path;
  };
  const svgPath = await grab("#download-svg");
  const svg = readFileSync(svgPath, "utf8");
  const parsed = await t.page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    return { error: doc.querySelector("parsererror")?.textContent ?? null, root: doc.documentElement.nodeName };
  }, svg);
  assert.equal(parsed.error, null);
  assert.equal(parsed.root, "svg");
  assert.match(svg, /onset \d\d:\d\d/);
  assert.match(svg, /source: demo-incident-2024-08-15\.csv/);

  const pngPath = await grab("#download-png");
  const png = readFileSync(pngPath);
  assert.deepEqual([...png.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);
  const inked = await t.page.evaluate(async (b64) => {
    // (fetch() of a data: URL is refused by the page's CSP, connect-src 'self', as it should be.)
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/png" }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = c.getContext("2d");
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) n++;
    return { n, w: c.width, h: c.height };
  }, png.toString("base64"));
  assert.equal(inked.w, 1200);
  assert.ok(inked.n > 10000, "the PNG is not blank");

  await t.page.click("#copy-md");
  const md = await t.page.inputValue("#markdown");
  assert.match(md, /\*\*leak\*\*/);
  assert.match(md, /onset/);
  assert.match(md, /#v1\./);

  const htmlPath = await grab("#download-html");
  const html = readFileSync(htmlPath, "utf8");
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /<svg/);
  // It opens offline, with every request refused.
  const offline = await env.browser.newContext({ offline: true, javaScriptEnabled: false });
  const page = await offline.newPage();
  const requests = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`file://${htmlPath}`);
  assert.match(await page.textContent("body"), /Leak since/);
  assert.deepEqual(requests.filter((u) => !u.startsWith("file://") && !u.startsWith("data:")), []);
  await offline.close();
  t.checkClean();
  await t.context.close();
});

test("crafted and damaged links give a clear message and an empty page", async () => {
  const good = await openPage(env.browser, env.server);
  await good.page.click("#demo");
  await waitForReport(good.page, "demo-incident-2024-08-15.csv");
  const fragment = (await good.page.evaluate(() => window.leakscope.shareUrl())).split("#")[1];
  await good.context.close();
  const cases = [
    ["v1.AAAA", /cannot be opened/],
    ["v9." + fragment.slice(3), /newer version|version/],
    [fragment.slice(0, fragment.length - 20), /cannot be opened/],
    [fragment.slice(0, 40) + "!!<script>alert(1)</script>" + fragment.slice(40), /cannot be opened/],
    ["v1." + "A".repeat(200000), /cannot be opened/],
    ["embed:javascript:alert(1)", /cannot be opened/],
  ];
  for (const [hash, message] of cases) {
    const t = await openPage(env.browser, env.server, { path: `#${hash}` });
    t.page.on("dialog", (d) => {
      t.problems.push(`dialog: ${d.message()}`);
      d.dismiss();
    });
    await t.page.waitForSelector("#error:not([hidden])");
    assert.match(await t.page.textContent("#error"), message, hash.slice(0, 40));
    assert.equal(await t.page.isHidden("#main"), true);
    assert.equal(await t.page.evaluate(() => window.leakscope.report), null);
    t.checkClean();
    await t.context.close();
  }
});

test("a whole session (drop, analyze, share, embed, export) requests only the page's own files", async () => {
  const t = await openPage(env.browser, env.server);
  await dropFile(t.page, "session.csv", leakCsv({ onsetFrac: 0.4 }));
  await waitForReport(t.page, "session.csv");
  await t.page.fill("#limit", "4 GiB");
  await t.page.press("#limit", "Enter");
  await t.page.waitForFunction(() => window.leakscope.report.series[0].exhaustion !== undefined);
  await t.page.evaluate(() => [window.leakscope.shareUrl(), window.leakscope.embedUrl(), window.leakscope.svg(), window.leakscope.html(), window.leakscope.markdown()]);
  for (const b of ["#download-svg", "#download-png", "#download-html"]) {
    await Promise.all([t.page.waitForEvent("download"), t.page.click(b)]);
  }
  await t.page.click("#copy-md");
  const url = await t.page.evaluate(() => window.leakscope.shareUrl());
  await t.page.goto(url.replace("#", "#embed:"));
  await t.page.waitForFunction(() => window.leakscope?.report !== null);
  const allowed = new Set(["", "index.html", "app.js", "worker.js", "style.css", "pkg/leakscope.js", "pkg/leakscope_bg.wasm"]);
  const own = t.requests.filter((u) => u.startsWith(env.server.origin)).map((u) => new URL(u).pathname.slice(1));
  for (const path of own) assert.ok(allowed.has(path), `unexpected request for ${path}`);
  t.checkClean();
  await t.context.close();
});
