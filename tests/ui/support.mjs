// Shared by the UI flows: the built UI (fake backend) served on a loopback port, Debian's
// Chromium through playwright-core, axe-core on every screen, and screenshots.
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { after, before } from "node:test";

const require = createRequire(new URL("../../ui/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const root = fileURLToPath(new URL("../..", import.meta.url));
const distFake = join(root, "ui", "dist-fake");
export const screenshots = join(root, "tests", "out", "ui");

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".woff2": "font/woff2" };

/** Serves ui/dist-fake; resolves to its base URL. */
export async function serve() {
  const server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(distFake, path === "/" ? "index.html" : path);
    try {
      const body = await readFile(file);
      response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

export async function launch() {
  await mkdir(screenshots, { recursive: true });
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
}

/** Zero axe violations on the screen as it is now, and a screenshot of it. */
export async function checkScreen(page, name) {
  await page.waitForLoadState("networkidle");
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
  assert.deepEqual(violations, [], `axe violations on ${name}`);
  // Plain words: no role or authorisation codes, no ISO dates, no command lines, no store
  // internals in sight (technical details fold away, closed).
  // A policy key in the settings is code, shown as such (`<code>`), and a policy file's
  // problem quotes the file (`.app-file-text`); closed details are folded away.
  const shown = await page.evaluate(() => {
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll("code, .app-file-text, script, style, details:not([open]) > :not(summary)").forEach((e) => e.remove());
    return copy.textContent;
  });
  for (const code of [/\baaw\b/, /\bosw\b/, /\bchis\b/, /directed[-_]surveillance/, /\b\d{4}-\d{2}-\d{2}\b/, /`triangulate /, /triangulate (worker|log|request) /, /[Ss]chema version/, /[Ss]tore id/, /\b[a-z]+_[a-z_]+\b/]) {
    assert.doesNotMatch(shown, code, `${name} shows ${code}`);
  }
  // One main action a page: at most one green button in sight (secondary and warning ones
  // aside).
  const primaries = await page.evaluate(() =>
    [...document.querySelectorAll("main .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning)")]
      .filter((b) => b.getClientRects().length > 0 && !b.closest("details:not([open])"))
      .map((b) => b.textContent.trim()),
  );
  assert.ok(primaries.length <= 1, `${name} has ${primaries.length} main buttons: ${JSON.stringify(primaries)}`);
  // Internal words, and a count of one with a plural noun ("1 changes").
  for (const word of [/\btombstones?\b/i, /\bviewport\b/i, /chain of their own/, /\b(?<![\d.,])1 (changes|ratings|events|entries|searches|findings|pages|records|minutes|warnings|refusals|requests|people|days|files|captures|sessions|views|bytes)\b/]) {
    assert.doesNotMatch(shown, word, `${name} shows ${word}`);
  }
}

/** Waits until the page's main heading says this. */
export async function heading(page, text) {
  await page.locator("main h1", { hasText: text }).first().waitFor();
}

/** The id of the focused element. */
export function focusedId(page) {
  return page.evaluate(() => document.activeElement?.id ?? "");
}

/** The served UI and a browser for a test file, opened before its tests and closed after:
 *  `fixture.browser` and `fixture.served.url` are set once the tests run. */
export function browserFixture() {
  const fixture = { browser: undefined, served: undefined };
  before(async () => {
    fixture.served = await serve();
    fixture.browser = await launch();
  });
  after(async () => {
    await fixture.browser?.close();
    fixture.served?.server.close();
  });
  return fixture;
}
