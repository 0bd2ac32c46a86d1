// Runs verify.html in Debian's Chromium, headless, through playwright-core: for each case
// (a ZIP, and the fingerprint to pin), the page's verdict and problems, as JSON on standard
// output. Used by tests/cli/bundle.rs: node tests/bundle/verify-html.mjs CASES.json
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const require = createRequire(new URL("../../ui/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const { page: pagePath, cases } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const results = [];
try {
  const context = await browser.newContext({ offline: true });
  for (const item of cases) {
    const page = await context.newPage();
    const requests = [];
    page.on("request", (r) => { if (!r.url().startsWith("file:")) requests.push(r.url()); });
    // A browser without Ed25519 in its Web Crypto: the bundled fallback must check the signature.
    if (item.withoutWebCryptoEd25519) {
      await page.addInitScript(() => {
        const importKey = crypto.subtle.importKey.bind(crypto.subtle);
        crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
          (algorithm?.name ?? algorithm) === "Ed25519" ? Promise.reject(new DOMException("not supported", "NotSupportedError")) : importKey(format, key, algorithm, ...rest);
      });
    }
    await page.goto(pathToFileURL(pagePath).href);
    if (item.expect) await page.fill("#expect", item.expect);
    await page.setInputFiles("#zip", item.zip);
    await page.waitForFunction(() => ["intact", "not-intact"].includes(document.body.dataset.state), null, { timeout: 60000 });
    results.push({
      zip: item.zip,
      state: await page.evaluate(() => document.body.dataset.state),
      verdict: await page.textContent("#verdict"),
      problems: await page.$$eval("#problems li", (items) => items.map((i) => i.textContent)),
      facts: await page.textContent("#facts"),
      factList: await page.$$eval("#facts li", (items) => items.map((i) => i.textContent)),
      rows: await page.$$eval("#files tbody tr", (rows) => rows.map((r) => Array.from(r.cells, (c) => c.textContent))),
      files: await page.$$eval("#files tbody tr", (rows) => rows.length),
      requests,
    });
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
