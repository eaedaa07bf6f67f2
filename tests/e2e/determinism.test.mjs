// Determinism (issue 8): the same file gives the byte-identical JSON report from the native CLI
// and from the wasm core in the page's worker.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { ROOT, useBrowser, debugCli, openPage, leakCsv } from "./harness.mjs";

const env = useBrowser();
let cli;
before(() => (cli = debugCli()));

function inputs() {
  const dir = mkdtempSync(join(tmpdir(), "leakscope-det-"));
  const files = [];
  const demo = join(dir, "demo.csv");
  writeFileSync(demo, execFileSync(cli, ["demo"]));
  files.push(demo);
  const leak = join(dir, "leak.csv");
  writeFileSync(leak, leakCsv({ onsetFrac: 0.35, points: 3000 }));
  files.push(leak);
  for (const sub of ["formats", "logs"]) {
    const fixtures = join(ROOT, "tests", "fixtures", sub);
    if (!existsSync(fixtures)) continue;
    for (const name of readdirSync(fixtures).sort()) {
      const path = join(fixtures, name);
      try {
        execFileSync(cli, ["analyze", path, "--json"], { stdio: "pipe" });
        files.push(path);
      } catch {
        // a fixture of bad input: not a determinism case
      }
    }
  }
  return files;
}

test("native and wasm reports are byte-identical", async () => {
  const t = await openPage(env.browser, env.server);
  const files = inputs();
  assert.ok(files.length >= 2);
  for (const path of files) {
    const name = basename(path);
    const native = execFileSync(cli, ["analyze", path, "--json"], { maxBuffer: 1 << 28 }).toString();
    const bytes = [...readFileSync(path)];
    const wasm = await t.page.evaluate(
      async ({ name, bytes }) => {
        await window.leakscope.analyze(new File([new Uint8Array(bytes)], name));
        return window.leakscope.reportJson;
      },
      { name, bytes },
    );
    // The CLI names the source by the path it was given; the page by the file name.
    assert.equal(wasm + "\n", native.split(JSON.stringify(path)).join(JSON.stringify(name)), name);
  }
  t.checkClean();
  await t.context.close();
});
