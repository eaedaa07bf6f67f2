// Hostile input in the page (issue 8): labels that look like HTML or script stay text, huge
// files stop early with a message naming the limit, and nothing executes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser, openPage, dropFile, waitForReport } from "./harness.mjs";

const env = useBrowser();

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  "</script><script>window.__pwned=2</script>",
  "javascript:window.__pwned=3",
  "\u202eevil\u202c",
];

test("labels with HTML, script and bidi overrides are shown as text and never run", async () => {
  const t = await openPage(env.browser, env.server);
  t.page.on("dialog", (d) => {
    t.problems.push(`dialog opened: ${d.message()}`);
    d.dismiss();
  });
  const header = ["timestamp", ...HOSTILE.map((h) => `"${h.replace(/"/g, '""')}"`)].join(",");
  const rows = [header];
  for (let i = 0; i < 120; i++) rows.push([1723680000 + 60 * i, ...HOSTILE.map((_, k) => 1e8 + k * 1e6 + i * (k + 1) * 1e5)].join(","));
  await dropFile(t.page, '<svg onload="window.__pwned=4">.csv', rows.join("\n"));
  const report = await waitForReport(t.page, '<svg onload="window.__pwned=4">.csv');
  assert.equal(report.series.length, HOSTILE.length);
  const names = await t.page.$$eval("#series-list .name", (els) => els.map((e) => e.textContent));
  for (const h of HOSTILE) assert.ok(names.includes(h), `shown as text: ${h}`);
  assert.equal(await t.page.$$eval("#series-list img, #series-list script, #figures img", (els) => els.length), 0);
  assert.equal(await t.page.evaluate(() => window.__pwned), undefined);
  for (let i = 0; i < HOSTILE.length; i++) {
    await t.page.click(`#series-list li[data-index="${i}"]`);
    assert.equal(await t.page.evaluate(() => window.__pwned), undefined);
  }
  t.checkClean();
  await t.context.close();
});

test("a file over the page's limit stops early with a message naming the limit", async () => {
  // The limit is 512 MiB; ?max-file-mib=1 lowers it so the test needs no half-gigabyte file.
  const t = await openPage(env.browser, env.server, { path: "?max-file-mib=1" });
  await dropFile(t.page, "huge.csv", "timestamp,value\n" + "1723680000,1\n".repeat(200000));
  await t.page.waitForSelector("#error:not([hidden])", { timeout: 30000 });
  assert.match(await t.page.textContent("#error"), /^huge\.csv: 2 MiB exceeds the page's 1 MiB limit/);
  // The page is still alive.
  await t.page.click("#demo");
  await waitForReport(t.page, "demo-incident-2024-08-15.csv");
  t.checkClean();
  await t.context.close();
});

test("a file of more series than the page analyzes stops with a message naming the limit", async () => {
  // 10,001 value columns × 3 rows: one series more than the page's 10,000.
  const columns = Array.from({ length: 10001 }, (_, i) => `pod_${i}`);
  const rows = [0, 1, 2].map((r) => `${1723680000 + r * 60},` + columns.map((_, i) => 1000 + i + r).join(","));
  const t = await openPage(env.browser, env.server);
  await dropFile(t.page, "pods.csv", ["time," + columns.join(","), ...rows].join("\n") + "\n");
  await t.page.waitForSelector("#error:not([hidden])", { timeout: 60000 });
  assert.match(
    await t.page.textContent("#error"),
    /^pods\.csv: 10,001 series; the page analyzes at most 10,000 from one file\. The leakscope CLI reads any number: leakscope analyze pods\.csv/,
  );
  // The page is still alive.
  await t.page.click("#demo");
  await waitForReport(t.page, "demo-incident-2024-08-15.csv");
  t.checkClean();
  await t.context.close();
});
