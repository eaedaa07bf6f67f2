// Every fixture the repository holds (tests/fixtures/formats and tests/fixtures/logs), dropped
// on the page: a good one fills the series list with verdict badges, draws the chart and puts an
// onset line on every leak; a bad one shows an error that names the file. The CLI decides which
// is which, so the page and the native core must agree.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, useBrowser, debugCli, openPage, inkedPixels } from "./harness.mjs";

const env = useBrowser();
let cli;
before(() => (cli = debugCli()));

function fixtures() {
  const out = [];
  for (const sub of ["formats", "logs"]) {
    const dir = join(ROOT, "tests", "fixtures", sub);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) out.push(join(dir, name));
  }
  return out;
}

test("each fixture dropped on the page: series list, verdicts, onset lines and a chart, or a named error", async () => {
  const t = await openPage(env.browser, env.server);
  let good = 0;
  let bad = 0;
  for (const path of fixtures()) {
    const name = path.split("/").pop();
    let native = null;
    try {
      native = JSON.parse(execFileSync(cli, ["analyze", path, "--json"], { stdio: "pipe", maxBuffer: 1 << 28 }).toString());
    } catch {
      native = null;
    }
    const previous = await t.page.evaluate(() => window.leakscope.report);
    await t.page.setInputFiles("#file-input", { name, mimeType: "application/octet-stream", buffer: readFileSync(path) });
    if (native) {
      await t.page.waitForFunction((n) => window.leakscope.report?.source.name === n, name, { timeout: 30000 });
      const report = await t.page.evaluate(() => window.leakscope.report);
      assert.equal(report.source.format, native.source.format, name);
      assert.equal(report.series.length, native.series.length, name);
      const items = await t.page.locator("#series-list li").count();
      assert.equal(items, Math.min(500, report.series.length), `${name}: list items`);
      const badges = await t.page.$$eval("#series-list .badge", (els) => els.map((e) => e.textContent));
      assert.deepEqual(badges, report.series.slice(0, 500).map((s) => s.verdict), name);
      for (const s of report.series) if (s.verdict === "leak") assert.ok(s.onset, `${name}: ${s.name} has an onset`);
      assert.match(await t.page.textContent("#status"), new RegExp(`${report.series.length.toLocaleString("en-US")} series`), name);
      assert.ok((await inkedPixels(t.page)) > 2000, `${name}: chart drawn`);
      good++;
    } else {
      await t.page.waitForFunction((n) => document.querySelector("#error").textContent.startsWith(n), name, { timeout: 30000 });
      assert.deepEqual(await t.page.evaluate(() => window.leakscope.report), previous, `${name}: a failed drop keeps the last report`);
      bad++;
    }
  }
  console.log(`fixtures: ${good} analyzed, ${bad} refused with a named error`);
  t.checkClean();
  await t.context.close();
});
