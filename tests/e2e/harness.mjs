// Shared e2e harness: serves dist/ on a free loopback port, launches Debian's Chromium through
// playwright-core, and gives each test a page that records every console error, page error and
// request to anything but the page's own origin. `checkClean` fails the test on any of them.
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { before, after } from "node:test";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Screenshots, links and downloads the tests write (git-ignored).
export const OUT = join(ROOT, "tests", "e2e", "out");

// Registers hooks that serve dist/ and launch Chromium before a file's tests and stop both after
// them; `server` and `browser` of the returned object are set once the hook has run.
export function useBrowser() {
  const env = { server: null, browser: null };
  before(async () => {
    mkdirSync(OUT, { recursive: true });
    env.server = await startServer();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.stop();
  });
  return env;
}

// The native CLI (target/debug/leakscope), built when missing, for comparing with the page.
export function debugCli() {
  const cli = join(ROOT, "target", "debug", "leakscope");
  if (!existsSync(cli)) execFileSync("cargo", ["build", "--bin", "leakscope"], { cwd: ROOT, stdio: "inherit" });
  return cli;
}

async function freePort() {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  server.close();
  await once(server, "close");
  return port;
}

export async function startServer() {
  const port = await freePort();
  const child = spawn(process.execPath, [join(ROOT, "tools", "serve.mjs"), join(ROOT, "dist"), String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk) => String(chunk).includes("serving") && resolve());
    child.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/`, origin: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

// A page that records problems. `allowed` lists console-error substrings a test expects.
export async function openPage(browser, server, { path = "", colorScheme = "light", allowed = [], context: given } = {}) {
  const context = given ?? (await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && !allowed.some((a) => msg.text().includes(a))) problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  context.on("request", (request) => {
    const url = request.url();
    requests.push(url);
    if (url.startsWith("data:") || url.startsWith("blob:") || url === "about:blank") return;
    if (!url.startsWith(server.origin + "/")) problems.push(`request outside the page's origin: ${url}`);
  });
  await page.goto(server.url + path);
  await page.waitForFunction(() => document.body.dataset.ready === "true");
  return {
    page,
    context,
    problems,
    requests,
    checkClean() {
      assert.deepEqual(problems, [], "the page logged errors or made foreign requests");
    },
  };
}

// Drops a file on the page as a user would (a DataTransfer with a File on `drop`).
export async function dropFile(page, name, content, type = "text/plain") {
  const data = typeof content === "string" ? { text: content } : { bytes: Array.from(content) };
  await page.evaluate(
    ({ name, data, type }) => {
      const body = data.text !== undefined ? data.text : new Uint8Array(data.bytes);
      const file = new File([body], name, { type });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      for (const kind of ["dragenter", "dragover", "drop"]) {
        document.body.dispatchEvent(new DragEvent(kind, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      }
    },
    { name, data, type },
  );
}

// Waits until a report for `name` is in window.leakscope.report.
export async function waitForReport(page, name) {
  await page.waitForFunction((n) => window.leakscope?.report?.source?.name === n, name, { timeout: 30000 });
  return page.evaluate(() => window.leakscope.report);
}

// Counts canvas pixels that differ from the top-left (background) pixel.
export async function inkedPixels(page, selector = "#chart") {
  return page.evaluate((sel) => {
    const canvas = document.querySelector(sel);
    const ctx = canvas.getContext("2d");
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2]) n++;
    }
    return n;
  }, selector);
}

// A synthetic CSV: flat, then a linear leak from `onsetFrac` of the window, AR(1) noise.
export function leakCsv({ points = 1440, stepS = 60, start = Date.UTC(2024, 7, 15), onsetFrac = 0.5, base = 800e6, ratePerH = 200e6, sigma = 5e6, seed = 7 } = {}) {
  let s = seed >>> 0;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  let e = 0;
  const rows = ["timestamp,memory_bytes"];
  for (let i = 0; i < points; i++) {
    e = 0.8 * e + sigma * 0.6 * (rand() + rand() + rand() - 1.5) * 2;
    const t = start + i * stepS * 1000;
    const hours = Math.max(0, i - points * onsetFrac) * stepS / 3600;
    rows.push(`${new Date(t).toISOString()},${Math.round(base + ratePerH * hours + e)}`);
  }
  return rows.join("\n") + "\n";
}
