// Access sessions over the HTTP door, against a real store and the real rules: the session's
// recorder opens Debian's Chromium (in a window: run under Xvfb), the test browses in it as
// the worker would, on pages served on this computer (an address on this computer is on any
// platform, so Jane Doe's listed profile is one of them), and captures are taken, judged,
// redacted and disposed of by the application layer.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkScreen, focusedId, heading, launch } from "./support.mjs";
import { openDoor } from "./door.mjs";
import { byId, fill, readyForAccess } from "./journeys.mjs";

const require = createRequire(new URL("../../ui/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

let browser;
let site;
let tools;
/** The browser the sessions open: Debian's Chromium with a DevTools port of its own besides
 *  the recorder's pipe, so that the test can browse in it as the worker would by hand. The
 *  recorder still records every page from its own pipe. */
let sessionProgram;

before(async () => {
  browser = await launch();
  site = await startSite();
  tools = await mkdtemp(join(tmpdir(), "triangulate-sessions-"));
  sessionProgram = join(tools, "chromium");
  await mkdir(join(tools, "no-browser"));
  await writeFile(sessionProgram, `#!/bin/sh\nexport PATH=/usr/bin:/bin\nexec ${CHROMIUM} --remote-debugging-port=0 "$@"\n`);
  await chmod(sessionProgram, 0o755);
});

after(async () => {
  await browser?.close();
  site?.server.close();
  if (tools) await rm(tools, { recursive: true, force: true });
});

/** Pages on this computer: `site.page(path, {title, height})` sets what a path serves. */
async function startSite() {
  const pages = new Map();
  const server = createServer((request, response) => {
    const path = new URL(request.url, "http://x").pathname;
    const page = pages.get(path) ?? { title: `The page ${path}`, height: 0 };
    const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(page.title)}</title></head>` +
        `<body style="margin:0;font-family:sans-serif"><h1>${escape(page.title)}</h1><p>A page for the tests.</p>` +
        (page.height ? `<div style="height:${page.height}px;background:linear-gradient(#fff,#69c)"></div>` : "") +
        `</body></html>`,
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    server,
    base,
    page: (path, page) => pages.set(path, { title: page.title ?? `The page ${path}`, height: page.height ?? 0 }),
  };
}

/** Jane Doe's listed profile, on this computer. */
const janesProfile = () => `${site.base}/jane.doe.1990`;

/** A door whose sessions open the test's browser program; with `browser: false`, a laptop
 *  with no browser: none named, and none in the folders of its PATH. */
async function sessionDoor({ browser: named = true } = {}) {
  return openDoor({ env: named ? { TRIANGULATE_BROWSER: sessionProgram } : { TRIANGULATE_BROWSER: "", PATH: join(tools, "no-browser") } });
}

/** Ends every session still open, so that no browser is left behind. */
async function endSessions(door) {
  for (let id = 1; id <= 4; id++) await door.call("session_end", { id }).catch(() => undefined);
}

/** The session's own browser, as the worker sees it: connected to over its DevTools port;
 *  `tab` is the page in view. */
async function sessionBrowser(door, account = 1) {
  const file = join(door.dataDir, "browser-profiles", `account-${account}`, "DevToolsActivePort");
  for (let tries = 0; ; tries++) {
    try {
      const port = (await readFile(file, "utf8")).split("\n")[0];
      const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
      const tab = cdp.contexts()[0].pages()[0];
      if (tab) return { cdp, tab };
      await cdp.close();
    } catch (error) {
      if (tries > 100) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** REQ-2026-0001 ready for an access session (see `journeys.readyForAccess`), with Jane
 *  Doe's listed profile on this computer. */
const ready = (page, door, options = {}) => readyForAccess(page, door.start, { profile: janesProfile(), ...options });

/** Waits for the session's page: its recorder opens a real browser first, which a loaded
 *  machine may take a while to do. */
async function sessionOpened(page, n) {
  await page.locator("main h1", { hasText: `Access session ${n}` }).first().waitFor({ timeout: 120_000 });
}

/** From a request ready for access, the session start screen. */
async function openSessionStart(page, door) {
  await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
  await byId(page, "start-session").click();
  await heading(page, "Start an access session");
}

test("starting a session shows the service director's conditions and is refused until they are confirmed", async () => {
  const door = await sessionDoor();
  try {
    const page = await door.page(browser);
    await ready(page, door, { conditions: "One look at each profile" });
    assert.match(await byId(page, "access-conditions").innerText(), /One look at each profile/);
    await openSessionStart(page, door);
    assert.equal(await byId(page, "conditions-text").innerText(), "One look at each profile");
    await byId(page, "subject").check();
    await checkScreen(page, "86-session-conditions");
    await byId(page, "continue").click();
    const refusal = page.locator('#refused .app-refusal[data-code="conditions_not_confirmed"]');
    await refusal.waitFor();
    assert.equal(await focusedId(page), "refused");
    assert.match(await refusal.innerText(), /the service director permitted this check on conditions, which the worker has not confirmed: One look at each profile/i);
    await checkScreen(page, "87-session-conditions-refused");
    await refusal.locator("a").click();
    assert.equal(await focusedId(page), "conditions_confirmed", "the refusal's link moves focus to the box");
    await byId(page, "conditions_confirmed").check();
    await byId(page, "continue").click();
    await sessionOpened(page, 1);
    await page.close();
  } finally {
    await endSessions(door);
    await door.close();
  }
});

test("with no browser on the laptop a session start is refused with where to choose one, and starts once one is chosen", async () => {
  const door = await sessionDoor({ browser: false });
  try {
    const page = await door.page(browser);
    await ready(page, door);
    await openSessionStart(page, door);
    await byId(page, "subject").check();
    await byId(page, "continue").click();
    const refusal = page.locator('#refused .app-refusal[data-code="browser_failed"]');
    await refusal.waitFor();
    assert.equal(await focusedId(page), "refused");
    assert.match(await refusal.innerText(), /No browser for captures was found on this laptop[\s\S]*in Settings, under "Browser for captures"/);
    assert.doesNotMatch(await refusal.innerText(), /--browser/, "no command-line option in a window");
    await checkScreen(page, "88-session-no-browser");
    await refusal.locator("a", { hasText: "Choose the browser for captures in Settings" }).click();
    await heading(page, "Browser for captures");
    door.answers.push(sessionProgram);
    await byId(page, "path").click();
    await page.locator("#notification", { hasText: "The browser for captures is chosen" }).waitFor();
    assert.match(door.asked.at(-1), /The browser's program/);
    await openSessionStart(page, door);
    await byId(page, "subject").check();
    await byId(page, "continue").click();
    await sessionOpened(page, 1);
    await page.close();
  } finally {
    await endSessions(door);
    await door.close();
  }
});
