// Shared by the UI flows: Debian's Chromium through playwright-core, axe-core on every
// screen, and screenshots (the app itself is served by the HTTP door: door.mjs).
import { createRequire } from "node:module";
import { readFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const require = createRequire(new URL("../../ui/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");

const root = fileURLToPath(new URL("../..", import.meta.url));
export const screenshots = join(root, "tests", "out", "ui");

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
