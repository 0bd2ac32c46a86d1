// Replays a WACZ in Webrecorder's own player: ReplayWeb.page (the npm package's ui.js and
// sw.js) served from 127.0.0.1 with a page holding <replay-web-page source url>, opened in
// Debian's Chromium through playwright-core. Prints, as JSON, the replayed frame's address,
// title and text (read from the frame the player shows the archived page in), and saves a
// screenshot of the replay.
//
//   node tests/replay/replaywebpage.mjs CAPTURE.wacz PAGE_URL SCREENSHOT.png
import { createRequire } from "node:module";
import { createServer } from "node:http";
import { readFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [waczPath, pageUrl, screenshot] = process.argv.slice(2);
if (!waczPath || !pageUrl || !screenshot) {
  console.error("usage: replaywebpage.mjs CAPTURE.wacz PAGE_URL SCREENSHOT.png");
  process.exit(2);
}
const root = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(join(root, "ui", "package.json"));
const { chromium } = require("playwright-core");
const player = join(root, "ui", "node_modules", "replaywebpage");

const attribute = (text) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Capture replayed in ReplayWeb.page</title>
<script src="/ui.js"></script></head>
<body style="margin:0">
<replay-web-page style="display:block;height:100vh" source="/capture.wacz" url="${attribute(pageUrl)}"></replay-web-page>
</body></html>`;
const files = {
  "/": [Buffer.from(html), "text/html; charset=utf-8"],
  "/ui.js": [await readFile(join(player, "ui.js")), "text/javascript"],
  // The player's service worker, where the element looks for it (its `replayBase`, ./replay/).
  "/replay/sw.js": [await readFile(join(player, "sw.js")), "text/javascript"],
  "/replay/ui.js": [await readFile(join(player, "ui.js")), "text/javascript"],
  "/capture.wacz": [await readFile(waczPath), "application/wacz"],
};

// The WACZ is read in place by range requests, as the player reads one from any web server.
const server = createServer((request, response) => {
  const path = new URL(request.url, "http://x").pathname;
  const file = files[path];
  if (!file) {
    response.writeHead(404);
    response.end();
    return;
  }
  const [body, type] = file;
  const range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.range ?? "");
  if (range && path === "/capture.wacz") {
    let start = range[1] === "" ? body.length - Number(range[2]) : Number(range[1]);
    let end = range[1] === "" || range[2] === "" ? body.length - 1 : Math.min(Number(range[2]), body.length - 1);
    start = Math.max(0, start);
    if (start > end || start >= body.length) {
      response.writeHead(416, { "content-range": `bytes */${body.length}` });
      response.end();
      return;
    }
    response.writeHead(206, {
      "content-type": type,
      "accept-ranges": "bytes",
      "content-range": `bytes ${start}-${end}/${body.length}`,
      "content-length": end - start + 1,
    });
    response.end(request.method === "HEAD" ? undefined : body.subarray(start, end + 1));
    return;
  }
  response.writeHead(200, { "content-type": type, "content-length": body.length, "accept-ranges": "bytes" });
  response.end(request.method === "HEAD" ? undefined : body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
let result = { replayed_url: null, title: null, text: "" };
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const messages = [];
  page.on("console", (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on("response", (r) => r.status() >= 400 && messages.push(`${r.status()} ${r.url()}`));
  await page.goto(base);
  // The player's frame is served by its service worker: a frame asked for before the worker
  // is active reaches this server and gets a 404 (as on a slow, busy machine). Once the
  // worker is active, the page is loaded again, and the frame is the worker's.
  await page.waitForFunction(
    async () => Boolean((await navigator.serviceWorker.getRegistration("/replay/"))?.active),
    null,
    { timeout: 30_000, polling: 100 },
  );
  // The archived page is shown in the player's replay frame (`…/mp_/ADDRESS`): wait until it
  // has drawn text, loading the player again (as a person would) at most three times.
  for (let attempt = 1; attempt <= 3 && !result.text.trim(); attempt++) {
    messages.push(`attempt ${attempt}`);
    await page.reload();
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      for (const frame of page.frames()) {
        if (!/mp_\//.test(frame.url())) continue;
        try {
          const seen = await frame.evaluate(() => ({ title: document.title, text: document.body?.innerText ?? "" }));
          if (seen.text.trim()) result = { replayed_url: frame.url(), ...seen };
        } catch (error) {
          // The frame is still navigating.
          if (process.env.REPLAY_DEBUG) console.error(String(error));
        }
      }
      if (result.text.trim()) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  await page.waitForTimeout(500);
  await mkdir(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot });
  result.frames = page.frames().map((f) => f.url());
  if (!result.text.trim()) result.console = messages;
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(result));
