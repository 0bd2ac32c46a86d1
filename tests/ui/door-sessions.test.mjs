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
import { byId, createdRequest, date, fill, finaliseFor, logAction, readyForAccess, saveLogForm, step } from "./journeys.mjs";

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
  // Jane's profile: taller than the window, so that its full page is a picture of its own.
  site.page("/jane.doe.1990", { title: "Jane Doe", height: 2000 });
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
        // A page of a set height is exactly that tall: its content is inside a box of it.
        `<body style="margin:0;font-family:sans-serif"><div style="overflow:hidden;padding:8px;box-sizing:border-box;` +
        (page.height ? `height:${page.height}px;background:linear-gradient(#fff,#69c)` : "") +
        `"><h1 style="overflow-wrap:anywhere">${escape(page.title)}</h1><p>A page for the tests.</p></div></body></html>`,
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
 *  with no browser: none named, and none in the folders of its PATH. `at` sets its clock. */
async function sessionDoor({ browser: named = true, at } = {}) {
  return openDoor({ at, env: named ? { TRIANGULATE_BROWSER: sessionProgram } : { TRIANGULATE_BROWSER: "", PATH: join(tools, "no-browser") } });
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
 *  machine may take a while to do. If it does not open, says what the page and the
 *  recorder's log say. */
async function sessionOpened(page, n, door) {
  try {
    await page.locator("main h1", { hasText: `Access session ${n}` }).first().waitFor({ timeout: 120_000 });
  } catch (error) {
    const said = await page.locator("main").innerText().catch(() => "nothing");
    const logs = await readFile(join(door.dataDir, "logs", "recorder.log"), "utf8").catch(() => "no recorder log");
    throw new Error(`Access session ${n} did not open; the page says: ${said}\nThe recorder's log ends: ${logs.slice(-3000)}`, { cause: error });
  }
}

/** From a request ready for access, the session start screen. */
async function openSessionStart(page, door) {
  await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
  await byId(page, "start-session").click();
  await heading(page, "Start an access session");
}

/** From a request ready for access, a session started on Jane Doe's pages, its page open. */
async function startSession(page, door) {
  await openSessionStart(page, door);
  await byId(page, "subject").check();
  await byId(page, "continue").click();
  await sessionOpened(page, 1, door);
}

/** Goes to `url` in the session's own browser, as the worker would. */
async function browseTo(door, url) {
  const { cdp, tab } = await sessionBrowser(door);
  try {
    await tab.goto(url);
  } finally {
    await cdp.close();
  }
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
    await sessionOpened(page, 1, door);
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
    await startSession(page, door);
    await page.close();
  } finally {
    await endSessions(door);
    await door.close();
  }
});

/** Ends the open session from its page, as the worker does: its browser closes. */
async function endSession(page, n) {
  await byId(page, "end").click();
  await page.locator(".govuk-notification-banner", { hasText: `Access session ${n} ended` }).waitFor();
}

test("a second view of a person warns at the limit before going on, and a third is refused with what would allow it", async () => {
  const door = await sessionDoor();
  try {
    const page = await door.page(browser);
    await ready(page, door);
    for (const n of [1, 2]) {
      await openSessionStart(page, door);
      await byId(page, "subject").check();
      await byId(page, "continue").click();
      if (n === 2) {
        await page.locator("h2", { hasText: "Before you start" }).waitFor();
        assert.match(await page.locator("main").innerText(), /This is view 2 of this person within 30 days, the last allowed/);
        // The warnings are focused, not the button: a plain primary button, green, not the
        // focus ring's yellow.
        assert.equal(await focusedId(page), "before-you-start");
        assert.equal(await byId(page, "start-anyway").getAttribute("class"), "govuk-button");
        assert.equal(await byId(page, "start-anyway").evaluate((b) => getComputedStyle(b).backgroundColor), "rgb(15, 122, 82)", "GOV.UK's button green, not the focus yellow rgb(255, 221, 0)");
        await checkScreen(page, "58-session-warned");
        await byId(page, "start-anyway").click();
      }
      await sessionOpened(page, n, door);
      // One session at a time on a sanctioned account: this one ends before the next view.
      await endSession(page, n);
    }
    await openSessionStart(page, door);
    await byId(page, "subject").check();
    await byId(page, "continue").click();
    const refusal = page.locator('#refused .app-refusal[data-code="repeat_viewing_limit"]');
    await refusal.waitFor();
    assert.equal(await focusedId(page), "refused");
    assert.match(await refusal.innerText(), /What would allow it: A directed surveillance authorisation covering this person must be recorded\./);
    assert.equal(await refusal.locator('a[href="#/requests/REQ-2026-0001/authorisations"]').count(), 1, "a link to where it is put right");
    await checkScreen(page, "59-session-refused");
    await page.close();
  } finally {
    await endSessions(door);
    await door.close();
  }
});

test("a page that belongs to someone else raises a linked request, prefilled and flagged for the service director", async () => {
  const door = await sessionDoor();
  try {
    const page = await door.page(browser);
    await ready(page, door);
    await startSession(page, door);
    // The worker goes to another man's page in the session's browser.
    const other = `${site.base}/the.other.man`;
    await browseTo(door, other);
    await page.locator("#trail", { hasText: other }).waitFor();
    await byId(page, "capture").click();
    await page.locator("#outside-heading").waitFor();
    assert.equal(await byId(page, "outside-url").innerText(), other);
    await byId(page, "outside-choice-2").check();
    await byId(page, "outside-continue").click();
    await heading(page, "Case and workers");
    assert.match(await page.locator(".govuk-notification-banner").innerText(), /flagged for the service director/);
    assert.equal(await byId(page, "case_reference").inputValue(), "CS-4410", "carried over from the request");
    await byId(page, "continue").click();
    await heading(page, "Reason, concern and triangulation");
    assert.match(await byId(page, "concern").inputValue(), new RegExp(`REQ-2026-0001.*${other.replace(/[.:/]/g, "\\$&")}`));
    // Nothing was captured of the other man's page.
    assert.deepEqual((await door.call("session_get", { id: 1 })).captures, []);
    await page.close();
  } finally {
    await endSessions(door);
    await door.close();
  }
});

test("the whole timeline is captured by scrolling and said so, on the session and on the capture's screen", async () => {
  const door = await sessionDoor();
  try {
    const page = await door.page(browser);
    await ready(page, door);
    await startSession(page, door);
    // Jane's timeline: many screens tall.
    const timeline = `${janesProfile()}/timeline`;
    site.page("/jane.doe.1990/timeline", { title: "Jane Doe's timeline", height: 12000 });
    await browseTo(door, timeline);
    await page.locator("#trail", { hasText: timeline }).waitFor();
    // While it is taken (held on its way to the door while the page is looked at): the bar,
    // both buttons disabled, the pressed one saying so. (The door sends no progress reports,
    // so the bar's step stays at its start: the capture's steps are shown by the desktop's
    // window alone.)
    const taking = await holdCommand(page, "capture_take");
    await byId(page, "capture-whole").click();
    await page.locator("#capture-progress-bar #work-progress-step").waitFor();
    assert.equal(await page.getByRole("progressbar", { name: "Capturing the whole timeline" }).count(), 1);
    assert.equal(await byId(page, "capture-whole").innerText(), "Capturing…");
    assert.equal(await byId(page, "capture").isDisabled(), true);
    assert.equal(await byId(page, "capture-whole").isDisabled(), true);
    // A second press starts nothing.
    await byId(page, "capture-whole").click({ force: true }).catch(() => undefined);
    await checkScreen(page, "52a-session-capturing");
    taking.release();
    await page.locator("#captured", { hasText: "Captured: capture 1" }).waitFor({ timeout: 120_000 });
    const way = page.locator("#taken-way", { hasText: /Full page: composed from \d+ screens while scrolling; reached the end of the page/ });
    await way.waitFor();
    const screens = /composed from (\d+) screens/.exec(await way.innerText())[1];
    assert.ok(Number(screens) > 2, `${screens} screens for a page of many`);
    assert.equal(await byId(page, "capture").isDisabled(), false, "the buttons come back once it is taken");
    assert.equal(await byId(page, "capture-whole").innerText(), "Capture the whole timeline");
    assert.equal(await byId(page, "work-progress").count(), 0, "the bar goes once it is taken");
    assert.equal(taking.calls(), 1);
    await checkScreen(page, "52b-session-whole-timeline");
    await page.locator("#captures a", { hasText: "Capture 1" }).click();
    await heading(page, "Capture 1");
    await page.locator("#provenance-card .govuk-summary-list__row", { hasText: "Full page" }).locator("#taken-way", { hasText: `Composed from ${screens} screens while scrolling; reached the end of the page` }).waitFor();
    await page.locator("#provenance", { hasText: `By scrolling: composed from ${screens} screens while scrolling` }).waitFor();
    await page.close();
  } finally {
    await endSessions(door);
    await door.close();
  }
});

/** A day as the app writes it, `days` after today on the laptop's clock: "23 December 2026". */
function dayFromToday(days) {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString("en-GB", { timeZone: "Europe/London", day: "numeric", month: "long", year: "numeric" });
}

test("an access session captures by button and by shortcut, asks about a page outside the profiles, shows hostile titles as text, judges and ends", async () => {
  // The laptop's clock, which the session's page counts the time from, is the app's.
  const door = await sessionDoor({ at: new Date().toISOString() });
  try {
    const page = await door.page(browser);
    const calls = (name) => { const seen = []; page.on("request", (r) => { if (r.url().endsWith(`/api/${name}`)) seen.push(r); }); return seen; };
    const judgements = calls("capture_judge");
    await ready(page, door);
    // The policy's limit on a full page's height, lowered so that a tall page is cut at it.
    await writeFile(join(door.dataDir, "policy.toml"), "[capture]\nfull_page_max_css_px = 5000\n");
    await openSessionStart(page, door);
    assert.equal(await byId(page, "account").isChecked(), true, "the only account is chosen already");
    await byId(page, "continue").click();
    await page.locator("#error-summary a", { hasText: "Select whose pages you will look at" }).waitFor();
    await checkScreen(page, "50-session-start-error");
    await byId(page, "subject").check();
    await byId(page, "continue").click();
    await sessionOpened(page, 1, door);
    await page.locator("#trail", { hasText: `Opened ${janesProfile()}` }).waitFor();
    assert.match(await byId(page, "elapsed").innerText(), /^\d+:\d\d$/, "the time since it started");
    assert.match(await byId(page, "shortcut").innerText(), /Ctrl\+Shift\+F9/, "the shortcut is shown");
    // Ending a session destroys nothing: a secondary button beside its state, at the top.
    assert.equal(await byId(page, "end").getAttribute("class"), "govuk-button govuk-button--secondary");
    assert.match(await byId(page, "session-state").innerText(), /^Recording for \d+:\d\d/);
    const endBox = await byId(page, "end").boundingBox();
    assert.ok(endBox.y < (await byId(page, "capture").boundingBox()).y, "End session is above the capture buttons");
    assert.ok(endBox.y < 400, `End session is near the top: ${endBox.y} px down`);
    assert.equal(await page.locator("main .govuk-button--warning").count(), 0, "nothing red on a running session");
    await checkScreen(page, "51-session-running");

    await byId(page, "capture").click();
    await page.locator("#captured", { hasText: "Captured: capture 1" }).waitFor({ timeout: 120_000 });
    await page.locator("#captures li", { hasText: "Not judged yet" }).waitFor();
    await checkScreen(page, "52-session-captured");
    // The global shortcut is the desktop's (the HTTP door has none): the second capture is
    // taken by the button again.
    await byId(page, "capture").click();
    await page.locator("#captured", { hasText: "Captured: capture 2" }).waitFor({ timeout: 120_000 });
    assert.equal(await page.locator("#captures li").count(), 2);

    // A page outside the listed profiles is not captured until the worker says whose it is.
    await browseTo(door, `${site.base}/someone.else`);
    await page.locator("#trail", { hasText: "someone.else" }).waitFor();
    await byId(page, "capture").click();
    await page.locator("#outside-heading", { hasText: "This page is not one of Jane Doe's listed profiles" }).waitFor();
    assert.equal(await focusedId(page), "outside-heading");
    assert.equal(await page.locator("#captures li").count(), 2, "nothing captured silently");
    await byId(page, "outside-continue").click();
    await page.locator('[id="outside-choice-error"]', { hasText: "Select whose page it is" }).waitFor();
    await byId(page, "outside-choice").check();
    await byId(page, "outside-continue").click();
    await page.locator('[id="outside_scope_reason-error"]', { hasText: "Enter why the page belongs to this person" }).waitFor();
    await checkScreen(page, "53-outside-scope");
    await fill(page, { outside_scope_reason: "Her second account: same photos and friends" });
    await byId(page, "outside-continue").click();
    await page.locator("#captured", { hasText: "Captured: capture 3" }).waitFor({ timeout: 120_000 });
    // The session's list marks the capture of a page outside the listed profiles, only that one.
    await page.locator("#captures li", { hasText: "Not a listed profile" }).waitFor();
    assert.equal(await page.locator("#captures li", { hasText: "Not a listed profile" }).count(), 1);
    assert.match(await page.locator("#captures li", { hasText: "Not a listed profile" }).innerText(), /Capture 3/);

    // Keeping the window on top is the desktop's (the HTTP door has no window to keep): the
    // choice is offered and taken.
    await byId(page, "on-top").check();
    assert.equal(await byId(page, "on-top").isChecked(), true);

    // A hostile title: markup, right-to-left text and 10,000 characters, shown as inert text,
    // on a page taller than the policy's limit.
    site.page("/jane.doe.1990/photos", { title: `<img src=x onerror="window.pwned=1">\u202Eevil ${"W".repeat(10000)}`, height: 6000 });
    await browseTo(door, `${janesProfile()}/photos`);
    await page.locator("#trail", { hasText: `${janesProfile()}/photos` }).waitFor();
    await byId(page, "capture").click();
    await page.locator("#captured", { hasText: "Captured: capture 4" }).waitFor({ timeout: 120_000 });
    // A page taller than the policy's limit says so at once, with both heights, and in the list.
    await page.locator("#captured .govuk-warning-text", { hasText: "the page is 6000 CSS px tall; the full-page picture holds its first 5000 CSS px" }).waitFor();
    await page.locator("#captures li", { hasText: "Cut at the policy's limit" }).waitFor();
    assert.equal(await page.locator("#captures li", { hasText: "Cut at the policy's limit" }).count(), 1, "only the cut capture is tagged");
    await page.locator("#captures li", { hasText: "onerror" }).waitFor();
    assert.equal(await page.evaluate(() => window.pwned), undefined, "nothing in a title runs");
    const images = await page.$$eval("main img", (all) => all.map((img) => img.getAttribute("src") ?? ""));
    assert.ok(images.every((src) => src.startsWith("data:image/png;base64,")), `no element made from a title: ${images.map((s) => s.slice(0, 30))}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `a long title wraps: the page is ${overflow} px too wide`);
    await checkScreen(page, "54-session-hostile-title");

    // The capture itself: the picture, the digests whole, the signature, and the judgement.
    await page.locator("#captures a", { hasText: "Capture 1" }).click();
    await heading(page, "Capture 1");
    const stored = await door.call("capture_get", { id: 1 });
    const window_ = stored.artefacts.find((a) => a.kind === "viewport_png");
    assert.equal(await page.locator("#thumbnail").evaluate((img) => img.naturalWidth), Number(window_.width), "the window's picture is shown");
    const digests = await page.locator("#hashes code").allInnerTexts();
    assert.equal(digests.length, stored.artefacts.length);
    assert.deepEqual(digests, stored.artefacts.map((a) => a.sha256));
    for (const d of digests) assert.match(d, /^[0-9a-f]{64}$/, "each SHA-256 in full");
    assert.match(await byId(page, "signature").innerText(), /Signature verified/);
    // The provenance card comes first: the whole page's SHA-256 and the capture's time are
    // above the picture and the judgement form.
    const formTop = (await byId(page, "judgement-form").boundingBox()).y;
    for (const id of ["provenance-card", "card-sha256", "card-captured-at", "signature", "card-timestamp"]) {
      assert.ok((await byId(page, id).boundingBox()).y < formTop, `${id} is above the judgement form`);
    }
    assert.ok((await byId(page, "card-sha256").boundingBox()).y < (await byId(page, "thumbnail").boundingBox()).y, "the digest is above the picture");
    assert.equal(await byId(page, "card-sha256").innerText(), stored.artefacts.find((a) => a.kind === "full_page_png").sha256, "the whole page's SHA-256");
    // One moment, labelled with its zone, the same under the picture and in the table.
    const captured = await byId(page, "card-captured-at").innerText();
    assert.match(captured, /^\d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d:\d\d (GMT|BST) \(UK time\)$/);
    assert.equal(await byId(page, "thumbnail-captured-at").innerText(), captured);
    assert.match(await byId(page, "thumbnail-caption").innerText(), /Captured at: /);
    assert.equal(await page.locator("#provenance .govuk-summary-list__row", { hasText: "Captured at" }).first().locator("dd").innerText(), captured);
    assert.equal(await byId(page, "card-worker").innerText(), "Ada Worker", "who captured it, by name");
    assert.match(await byId(page, "card-account").innerText(), /^council\.checks\.7 on Facebook, which (can|cannot) be identified as the council's$/);
    assert.match(await byId(page, "card-session").innerText(), /^Access session 1 on Jane Doe's pages, started \d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d (GMT|BST), still open$/);
    assert.match(await byId(page, "card-timestamp").innerText(), /^None: its time is this laptop's clock/, "no trusted timestamp, said plainly");
    assert.equal(await byId(page, "card-tags").count(), 0, "a capture of a listed profile, not cut, disputed or redacted, has no tag");
    // The digest is copied whole.
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: door.url });
    await byId(page, "copy-sha256").click();
    await page.locator("#copy-status", { hasText: "Copied." }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await byId(page, "card-sha256").innerText());
    assert.equal(await byId(page, "copy-sha256").getAttribute("class"), "govuk-button govuk-button--secondary app-copy-button");
    await byId(page, "save-judgement").click();
    for (const message of ["Say whether the capture is relevant", "useful information", "verified, probable or unverified"]) {
      await page.locator("#error-summary a", { hasText: message }).waitFor();
    }
    await checkScreen(page, "55-capture-judgement-errors");
    await byId(page, "relevant").check();
    await byId(page, "useful_and_unique").check();
    await byId(page, "attribution").check();
    await fill(page, { attribution_reason: "Her own photos, as the school confirmed", collateral_intrusion: "A friend in one photo: not kept", tags: "photos, partner" });
    await byId(page, "save-judgement").click();
    await page.locator(".govuk-notification-banner", { hasText: "Capture 1 judged" }).waitFor();
    assert.equal(await byId(page, "relevant").isChecked(), true, "the judgement shown is the one saved");
    await checkScreen(page, "56-capture-judged");
    // A redaction: a box drawn with the mouse and one typed, then why and who.
    await byId(page, "redact-link").click();
    await heading(page, "Redact capture 1: the picture of the window");
    const picture = await byId(page, "redact-picture").boundingBox();
    await page.mouse.move(picture.x + 2, picture.y + 2);
    await page.mouse.down();
    await page.mouse.move(picture.x + picture.width * 0.6, picture.y + picture.height * 0.8, { steps: 4 });
    await page.mouse.up();
    await page.locator("#boxes li").first().waitFor();
    assert.equal(await page.locator("#redact-layer .app-redact__box").count(), 1, "the box drawn is shown where it will be painted");
    await page.locator("#typed-box summary").click();
    await fill(page, { "box-x": "1", "box-y": "1", "box-width": "2", "box-height": "1" });
    await byId(page, "add-box").click();
    assert.equal(await page.locator("#boxes li").count(), 2);
    await byId(page, "save-redaction").click();
    await page.locator("#error-summary a", { hasText: "Enter why it is redacted" }).waitFor();
    await checkScreen(page, "56d-redact");
    await fill(page, { reason: "Another child's face" });
    await byId(page, "save-redaction").click();
    await heading(page, "Capture 1");
    assert.match(await byId(page, "redactions").innerText(), /2 boxes, by Ada Worker[\s\S]*Another child's face[\s\S]*The original is sealed: SHA-256 [0-9a-f]{64}/);
    assert.equal(await byId(page, "card-tags").innerText(), "Redacted copy exists");
    await checkScreen(page, "56e-capture-redacted");
    // The full page, where it is a picture of its own, is redacted the same way.
    await byId(page, "redact-full-page-link").click();
    await heading(page, "Redact capture 1: the picture of the whole page");
    await page.locator("#typed-box summary").click();
    await fill(page, { "box-x": "0", "box-y": "0", "box-width": "3", "box-height": "2" });
    await byId(page, "add-box").click();
    await fill(page, { reason: "A neighbour's name" });
    await checkScreen(page, "56f-redact-full-page");
    await byId(page, "save-redaction").click();
    await heading(page, "Capture 1");
    assert.match(await byId(page, "redactions").innerText(), /The full page, 1 box, by Ada Worker[\s\S]*A neighbour's name/);

    // A capture tagged distressing opens blurred until the worker chooses to see it.
    await page.goto(`${door.url}/#/captures/4`);
    await heading(page, "Capture 4");
    assert.equal(await byId(page, "reveal").count(), 0, "not blurred before it is tagged");
    assert.equal(await byId(page, "card-tags").innerText(), "Cut at the policy's limit");
    await byId(page, "relevant-2").check();
    await byId(page, "useful_and_unique-2").check();
    await byId(page, "attribution-3").check();
    await fill(page, { tags: "distressing" });
    // Judging it not relevant schedules its deletion: a confirmation says what goes and when
    // (the policy keeps a capture judged not relevant for 30 days), and nothing is recorded
    // until it is confirmed.
    const judgedBefore = judgements.length;
    await byId(page, "save-judgement").click();
    await heading(page, "Judge capture 4 not relevant?");
    const due = dayFromToday(30);
    assert.match(await byId(page, "deletion-when").innerText(), new RegExp(`due for deletion on ${due}`));
    assert.deepEqual(await page.locator("#deletion-what li").allInnerTexts(), ["The whole page (PNG)", "The window as seen (PNG)", "The page's snapshot (MHTML)", "The page's web archive (WARC)", "Its signed manifest, provenance and judgement"]);
    assert.equal(judgements.length, judgedBefore, "nothing recorded before it is confirmed");
    await checkScreen(page, "56g-capture-not-relevant-confirm");
    await byId(page, "cancel-not-relevant").click();
    await heading(page, "Capture 4");
    assert.equal(await byId(page, "relevant-2").isChecked(), true, "going back keeps what was chosen");
    assert.equal(await byId(page, "tags").inputValue(), "distressing");
    await byId(page, "save-judgement").click();
    await heading(page, "Judge capture 4 not relevant?");
    await page.locator(".govuk-back-link").click();
    await heading(page, "Capture 4");
    assert.equal(await byId(page, "relevant-2").isChecked(), true, "the back link too");
    await byId(page, "save-judgement").click();
    await heading(page, "Judge capture 4 not relevant?");
    await byId(page, "confirm-not-relevant").click();
    await page.locator(".govuk-notification-banner", { hasText: "Capture 4 judged" }).waitFor();
    assert.match(await page.locator(".govuk-notification-banner").innerText(), new RegExp(`Judged not relevant: it is due for deletion on ${due} under the retention policy`));
    await page.goto(`${door.url}/#/captures/4`);
    await heading(page, "Capture 4");
    assert.match(await byId(page, "thumbnail").getAttribute("class"), /app-blurred/);
    assert.notEqual(await byId(page, "thumbnail").evaluate((img) => getComputedStyle(img).filter), "none", "drawn blurred");
    await checkScreen(page, "56b-capture-blurred");
    await byId(page, "reveal").focus();
    await page.keyboard.press("Enter");
    assert.equal(await byId(page, "thumbnail").evaluate((img) => getComputedStyle(img).filter), "none", "revealed by a key");
    await page.goto(`${door.url}/#/captures/2`);
    await heading(page, "Capture 2");
    await byId(page, "relevant-2").check();
    await byId(page, "useful_and_unique-2").check();
    await byId(page, "attribution-3").check();
    await byId(page, "save-judgement").click();
    await byId(page, "confirm-not-relevant").click();
    await page.locator(".govuk-notification-banner", { hasText: "Capture 2 judged" }).waitFor();
    await page.goto(`${door.url}/#/captures/3`);
    await page.locator("#provenance", { hasText: "Her second account" }).waitFor();
    assert.equal(await byId(page, "card-tags").innerText(), "Not a listed profile");
    // A dispute of the capture is recorded with it.
    await page.locator("#dispute-details summary").click();
    await byId(page, "record-dispute").click();
    await page.locator("#error-summary a", { hasText: "Enter who disputes it" }).waitFor();
    await fill(page, { "dispute-by": "Jane Doe", "dispute-text": "That second account is not mine" });
    await byId(page, "record-dispute").click();
    await page.locator("#disputes", { hasText: "Jane Doe" }).waitFor();
    assert.match(await byId(page, "disputes").innerText(), /That second account is not mine/);
    // A dispute is near the top: after the provenance card, above the picture and the judgement.
    assert.deepEqual((await byId(page, "card-tags").innerText()).split(/\s+(?=[A-Z])/), ["Not a listed profile", "Disputed"]);
    const disputesTop = (await byId(page, "disputes").boundingBox()).y;
    assert.ok(disputesTop > (await byId(page, "provenance-card").boundingBox()).y);
    assert.ok(disputesTop < (await byId(page, "thumbnail").boundingBox()).y, "the dispute is above the picture");
    assert.ok(disputesTop < (await byId(page, "judgement-form").boundingBox()).y, "the dispute is above the judgement");
    assert.ok(disputesTop < 1500, `the dispute is near the top: ${disputesTop} px down`);
    await checkScreen(page, "56c-capture-disputed");

    // Ending: how long it lasted, and what the retention policy will delete; the browser closes.
    await page.goto(`${door.url}/#/sessions/1`);
    await sessionOpened(page, 1, door);
    await endSession(page, 1);
    assert.match(await byId(page, "to-be-deleted").innerText(), /Capture 2/);
    assert.match(await byId(page, "to-be-deleted").innerText(), /Capture 4/);
    assert.doesNotMatch(await byId(page, "to-be-deleted").innerText(), /Capture 1/);
    assert.match(await page.locator("main").innerText(), /1 capture is not judged yet/);
    assert.equal(await byId(page, "capture").count(), 0, "an ended session takes no capture");
    await checkScreen(page, "57-session-ended");

    // A finding rests on capture 1: the capture names it.
    await page.goto(`${door.url}/#/requests/REQ-2026-0001/log`);
    await heading(page, "Investigation log");
    await logAction(page, "add-search", "Record a search");
    await byId(page, "account").check();
    await fill(page, { searched: "Jane Doe", result: "Profile found" });
    await saveLogForm(page);
    await logAction(page, "add-finding", "Record a finding");
    await fill(page, { text: "A photo with the man, dated 3 November" });
    await byId(page, "captures").check();
    await saveLogForm(page);
    // The log shows the capture a finding rests on with its picture and its digest.
    await page.locator('code[data-capture-digest="1"]', { hasText: /^[0-9a-f]{64}$/ }).waitFor();
    assert.equal(await page.locator('#findings img[data-capture="1"]').evaluate((img) => img.naturalWidth), Number(window_.width));
    await checkScreen(page, "60-log-finding-with-capture");
    await page.goto(`${door.url}/#/captures/1`);
    await page.locator("#findings", { hasText: "Finding 1: A photo with the man" }).waitFor();
    await page.close();
  } finally {
    await endSessions(door);
    await door.close();
  }
});

/** Holds the page's calls of `command` on their way to the door until `release()`, so that
 *  what the page shows while the work runs can be looked at; `calls()` counts them. */
async function holdCommand(page, command) {
  let release;
  const released = new Promise((resolve) => (release = resolve));
  let calls = 0;
  await page.route(`**/api/${command}`, async (route) => {
    calls++;
    await released;
    await route.continue();
  });
  return { release, calls: () => calls };
}

test("retention lists what is due without deleting it, a legal hold keeps it, and disposal is confirmed and leaves a tombstone", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await createdRequest(page, door.start);
    await step(page, "withdraw", { note: "The family moved out of the area" }, "Withdrawn");
    // A withdrawn request is kept for a year (the policy's 365 days): a year and a day on, it is due.
    await door.setClock("2027-11-24T10:00:00Z");
    await page.locator('.app-nav__link[data-section="records"]').click();
    await heading(page, "Records");
    await byId(page, "retention-link").click();
    await heading(page, "Retention and disposal");
    assert.match(await byId(page, "due").innerText(), /Request REQ-2026-0001, with everything of it\s+Withdrawn on \d+ \w+ 2026/);
    await checkScreen(page, "61-retention-due");

    // A hold: its fields are asked for, then the request is kept.
    await byId(page, "place-hold").click();
    await page.locator("#error-summary a", { hasText: "Enter why" }).waitFor();
    // Every problem at once: the missing reference is named too.
    const referenceNamed = await page.locator("#error-summary a", { hasText: "Enter the request's reference" }).count();
    await fill(page, { reference: "REQ-2026-0001", reason: "A complaint from the family" });
    await byId(page, "place-hold").click();
    await page.locator(".govuk-notification-banner", { hasText: "REQ-2026-0001 is on legal hold" }).waitFor();
    assert.match(await byId(page, "due").innerText(), /Nothing is due/);
    assert.match(await byId(page, "holds").innerText(), /A complaint from the family/);
    await checkScreen(page, "62-retention-held");
    await page.locator("#holds a", { hasText: "Release" }).click();
    await heading(page, "Release the legal hold on REQ-2026-0001");
    await byId(page, "release").click();
    await page.locator("#error-summary a", { hasText: "Enter why" }).waitFor();
    await fill(page, { reason: "Complaint resolved" });
    await byId(page, "release").click();
    await heading(page, "Retention and disposal");
    await page.locator("#due", { hasText: "REQ-2026-0001" }).waitFor();

    // Disposal is confirmed first; "No" keeps everything.
    await byId(page, "start-dispose").click();
    await heading(page, "Dispose of the records due");
    assert.match(await byId(page, "clock").innerText(), /This laptop's clock says it is \d+ \w+ \d{4}: .*No time-stamping authority is named/);
    await byId(page, "continue").click();
    await page.locator("#error-summary a", { hasText: "Select whether to dispose of the records" }).waitFor();
    await checkScreen(page, "63-retention-confirm");
    await byId(page, "sure-2").check();
    await byId(page, "continue").click();
    await heading(page, "Retention and disposal");
    await page.locator("#due", { hasText: "REQ-2026-0001" }).waitFor();
    await byId(page, "start-dispose").click();
    await heading(page, "Dispose of the records due");
    assert.equal(await byId(page, "by").inputValue(), "Ada Worker", "the name is the profile's");
    await byId(page, "sure").check();
    // While it runs: the bar, the button disabled and saying so. (The door sends no progress
    // reports: the bar's steps are shown by the desktop's window alone.)
    const disposal = await holdCommand(page, "retention_dispose");
    await byId(page, "continue").click();
    await page.locator("#dispose-progress #work-progress-step").waitFor();
    assert.equal(await byId(page, "continue").isDisabled(), true);
    assert.equal(await byId(page, "continue").innerText(), "Disposing…");
    await checkScreen(page, "63b-retention-disposing");
    disposal.release();
    await page.locator(".govuk-notification-banner", { hasText: "1 record disposed of" }).waitFor();
    assert.equal(disposal.calls(), 1);
    assert.match(await byId(page, "disposals").innerText(), /Request REQ-2026-0001, with everything of it\s+Refused or withdrawn/);
    assert.match(await byId(page, "due").innerText(), /Nothing is due/);
    assert.match(await byId(page, "disposals").innerText(), /What was disposed of, and what is kept of it/);
    await checkScreen(page, "64-retention-disposed");
    await page.locator('.app-nav__link[data-section="requests"]').click();
    await heading(page, "Investigation requests");
    assert.doesNotMatch(await page.locator("main").innerText(), /REQ-2026-0001/, "the request is gone");
    assert.equal(referenceNamed, 1, "a hold placed without the request's reference names it as missing");
    await page.close();
  } finally {
    await door.close();
  }
});

test("incidents are recorded for the service manager, and everything held about a person is exported with what to redact flagged", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await createdRequest(page, door.start);
    // Subject access, from the person on the request's page.
    await byId(page, "subject-access-1").click();
    await heading(page, "Everything held about a person");
    // The person by name, not by number.
    assert.equal(await page.locator("main .govuk-caption-l").innerText(), "Jane Doe");
    assert.doesNotMatch(await page.locator("main").innerText(), /Person \d/);
    await checkScreen(page, "65-subject-access");
    // Where to save it is asked; the folder suggested is taken. While it runs: the bar, the
    // button disabled. (The door sends no progress reports: the bar's steps are shown by the
    // desktop's window alone.)
    const exporting = await holdCommand(page, "subject_access_export");
    await byId(page, "export").click();
    await page.locator("#subject-access-progress #work-progress-step").waitFor();
    assert.equal(await byId(page, "export").isDisabled(), true);
    assert.match(door.asked.at(-1), /Where to save it/);
    exporting.release();
    await page.locator("#exported", { hasText: "subject-access-person-1.pdf" }).waitFor();
    assert.equal(await byId(page, "work-progress").count(), 0, "the bar goes when the work ends");
    assert.match(await byId(page, "flagged").innerText(), /third party named, John Roe/);
    const pdf = join(door.files, "subject-access-person-1", "subject-access-person-1.pdf");
    assert.equal(await byId(page, "exported-pdf").innerText(), pdf);
    assert.equal((await readFile(pdf)).subarray(0, 5).toString(), "%PDF-", "the PDF is written where it says");
    assert.equal(await page.locator("#exported-pdf wbr").count(), pdf.split("/").length - 1, "the path breaks only after a separator");
    await checkScreen(page, "66-subject-access-exported");

    await page.locator('.app-nav__link[data-section="records"]').click();
    await heading(page, "Records");
    await byId(page, "incidents-link").click();
    await heading(page, "Incidents");
    await byId(page, "record").click();
    for (const message of ["Enter what happened", "Enter the day it happened", "Enter what was done about it"]) {
      await page.locator("#error-summary a", { hasText: message }).waitFor();
    }
    await checkScreen(page, "67-incidents-errors");
    const reporter = await byId(page, "reported_by").inputValue();
    assert.notEqual(reporter, "", "the worker's name is offered");
    await fill(page, { what: "A profile was viewed from a personal phone", people: "Jane Doe\nTom Bystander", action: "Reported to the data protection officer", request: "REQ-2026-0001" });
    await date(page, "occurred_on", "20", "11", "2026");
    await byId(page, "record").click();
    await page.locator(".govuk-notification-banner", { hasText: "Incident recorded" }).waitFor();
    assert.match(await byId(page, "incidents").innerText(), /20 November 2026\s+A profile was viewed from a personal phone\s+Jane Doe, Tom Bystander/);
    // The form is empty again for the next incident, but for who reports it.
    for (const id of ["what", "people", "action", "request", "occurred_on.day", "occurred_on.month", "occurred_on.year"]) {
      assert.equal(await byId(page, id).inputValue(), "", `${id} is empty again`);
    }
    assert.equal(await byId(page, "reported_by").inputValue(), reporter, "who reports it is the worker again");
    await checkScreen(page, "68-incidents");

    // An incident keeps its own retention period (the policy's 6 years), then falls due with
    // the people it names.
    await door.setClock("2032-11-24T10:00:00Z");
    await page.locator('.app-nav__link[data-section="records"]').click();
    await byId(page, "retention-link").click();
    await heading(page, "Retention and disposal");
    assert.match(await byId(page, "due").innerText(), /Incident 1 about request REQ-2026-0001, with the people it names\s+An incident recorded on/);
    await checkScreen(page, "69-retention-incident");
    await page.close();
  } finally {
    await door.close();
  }
});

/** On another laptop (a door over a store of its own), a request permitted: its figures
 *  exported to `path` as that laptop's worker would, for the service manager to merge. */
async function anotherLaptopsFigures(path) {
  const other = await openDoor();
  try {
    const page = await other.page(browser);
    await readyForAccess(page, other.start);
    await other.call("pilot_export", { path });
    await page.close();
  } finally {
    await other.close();
  }
}

test("the pilot's feedback is recorded on a finalised request, by keyboard too, and the report shows it in charts with their tables, merged with another laptop's figures", async () => {
  const door = await sessionDoor();
  try {
    const page = await door.page(browser);
    await ready(page, door);
    // An access session of 25 minutes on the request, by the app's clock.
    const session = await door.call("session_start", { reference: "REQ-2026-0001", subject: 1, account: 1, conditions_confirmed: false, headless: true });
    await door.setClock(new Date(Date.parse(session.started_at) + 24.5 * 60_000).toISOString());
    await door.call("session_end", { id: session.id });
    await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
    await byId(page, "open-log").click();
    await heading(page, "Investigation log");
    await logAction(page, "add-search", "Record a search");
    await byId(page, "account").check();
    await fill(page, { searched: "Jane Doe", result: "Profile found" });
    await saveLogForm(page, "In progress");
    await logAction(page, "complete", "Complete the log");
    await saveLogForm(page, "Log completed");
    await finaliseFor(page, "Rhian Evans", "rating-3", "It contradicts the claimed separation");
    await saveLogForm(page, "Finalised");

    // The social worker's feedback: every missing answer named, then given by keyboard alone.
    await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
    await byId(page, "feedback-link").click();
    await heading(page, "The social worker's feedback on the check");
    assert.equal(await byId(page, "time_minutes").inputValue(), "25", "prefilled from the access sessions");
    await byId(page, "save").click();
    for (const message of ["Enter how many useful pieces", "Enter how many unique pieces", "Rating must be", "Enter who gave the feedback"]) {
      await page.locator("#error-summary a", { hasText: message }).waitFor();
    }
    await checkScreen(page, "70-feedback-errors");
    await byId(page, "useful").focus();
    await page.keyboard.type("3");
    await page.keyboard.press("Tab");
    await page.keyboard.type("1");
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "rating", "the rating's first choice is next");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowDown");
    assert.equal(await focusedId(page), "rating-3");
    await page.keyboard.press("Tab");
    await page.keyboard.type("It settled the question");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Rhian Evans");
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "save");
    await page.keyboard.press("Enter");
    await heading(page, "Request REQ-2026-0001");
    await byId(page, "feedback-link").click();
    assert.match(await byId(page, "given").innerText(), /Useful pieces of information\s+3[\s\S]*How much it contributed\s+Considerable/);

    // The re-check, and the process rated.
    await page.goto(`${door.url}/#/requests/REQ-2026-0001/recheck`);
    await heading(page, "How useful the information proved six months on");
    await byId(page, "rating-4").check();
    await fill(page, { by: "Rhian Evans" });
    await byId(page, "save").click();
    await heading(page, "Request REQ-2026-0001");
    await byId(page, "process-link").click();
    await heading(page, "A rating of the authorisation process");
    await byId(page, "save").click();
    await page.locator("#error-summary a", { hasText: "Rate how easy the process was" }).waitFor();
    await byId(page, "ease-4").check();
    await byId(page, "effectiveness-5").check();
    await checkScreen(page, "71-process-rating");
    await byId(page, "save").click();
    await heading(page, "Request REQ-2026-0001");

    // The report: its figures, a chart each with its table, another laptop's figures merged,
    // a changed export refused, and saving.
    await page.locator('.app-nav__link[data-section="records"]').click();
    await byId(page, "pilot-link").click();
    await heading(page, "The pilot's evaluation");
    assert.match(await byId(page, "figures").innerText(), /Useful pieces of information\s+3 \(3 per check\)/);
    assert.equal(await page.locator("#checks-per-month-chart .app-chart__bar").count(), 1);
    assert.equal(await page.locator("#ratings-chart .app-chart__bar").count(), 8, "four ratings, at finalisation and six months on");
    assert.match(await byId(page, "ratings-table").innerText(), /Considerable\s+1\s+0[\s\S]*Significant\s+0\s+1/);
    assert.equal(await page.locator("#ratings-chart").getAttribute("role"), "img");
    // The charts read: words of at least 14px as drawn, the legend above the plot, axes and
    // gridlines, each bar's value on it, the two series told apart by pattern and name, and a
    // title and description besides the table.
    const chart = await page.evaluate(() => {
      const svg = document.getElementById("ratings-chart");
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const box = (e) => e.getBoundingClientRect();
      const bars = [...svg.querySelectorAll(".app-chart__bar")];
      const values = [...svg.querySelectorAll(".app-chart__value")];
      return {
        sizes: [...svg.querySelectorAll("text")].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale),
        legendBottom: box(svg.querySelector(".app-chart__legend")).bottom,
        plotTop: Math.min(...bars.map((b) => box(b).top), ...[...svg.querySelectorAll(".app-chart__gridline")].map((l) => box(l).top)),
        legend: [...svg.querySelectorAll(".app-chart__legend text")].map((t) => t.textContent),
        fills: [...new Set(bars.map((b) => b.getAttribute("fill")))],
        patterns: [...svg.querySelectorAll("pattern")].map((p) => p.children.length),
        gridlines: svg.querySelectorAll(".app-chart__gridline").length,
        axes: svg.querySelectorAll(".app-chart__axis").length,
        ticks: [...svg.querySelectorAll(".app-chart__tick")].map((t) => t.textContent),
        // Each bar's value: its text, and whether it sits on the bar (centred over it, just above its top).
        onBars: bars.map((b, k) => {
          const [bar, value] = [box(b), box(values[k])];
          const centre = (value.left + value.right) / 2;
          return [values[k].textContent, centre > bar.left && centre < bar.right && value.bottom <= bar.top + 2 && value.bottom >= bar.top - 12];
        }),
        title: svg.querySelector("title").textContent,
        desc: svg.querySelector("desc").textContent,
        labelledBy: svg.getAttribute("aria-labelledby"),
      };
    });
    assert.ok(chart.sizes.length > 10 && chart.sizes.every((size) => size >= 14), `every label at 14px or more as drawn: ${chart.sizes}`);
    assert.ok(chart.legendBottom <= chart.plotTop, `the legend (bottom ${chart.legendBottom}) is above the plot (top ${chart.plotTop})`);
    assert.deepEqual(chart.legend, ["At finalisation", "Six months on"]);
    assert.equal(chart.fills.length, 2, "each series has its own fill");
    assert.deepEqual(chart.patterns, [1, 2], "the second series' pattern is striped, the first solid");
    assert.ok(chart.gridlines >= 1 && chart.axes >= 2, "gridlines and both axes");
    assert.deepEqual(chart.ticks, ["0", "1"]);
    assert.deepEqual(chart.onBars, [["0", true], ["0", true], ["0", true], ["0", true], ["1", true], ["0", true], ["0", true], ["1", true]], "little, some, considerable, significant: at finalisation then six months on");
    assert.equal(chart.title, "Ratings at finalisation and six months on");
    assert.match(chart.desc, /Considerable: at finalisation 1, six months on 0; Significant: at finalisation 0, six months on 1/);
    assert.equal(chart.labelledBy, "ratings-title ratings-desc");
    assert.ok((await page.locator("#ratings-chart").boundingBox()).y < (await byId(page, "ratings-table").boundingBox()).y, "the table follows the chart");
    assert.match(await byId(page, "figures").innerText(), /Days from submission to permission\s+mean \d+(\.\d)?, median \d+(\.\d)?, over 1 permission/, "the request's permission is counted");
    await checkScreen(page, "72-pilot-report");
    await page.locator("#ratings").screenshot({ path: "tests/out/ui/72b-pilot-chart.png" });

    // Another laptop's figures: one request more, and the totals add up. The files are
    // exported by that laptop and by this one, and one of them changed after it was.
    await anotherLaptopsFigures(join(door.files, "laptop-2.json"));
    await door.call("pilot_export", { path: join(door.files, "this-laptop-again.json") });
    const exported = JSON.parse(await readFile(join(door.files, "laptop-2.json"), "utf8"));
    await writeFile(join(door.files, "laptop-3-tampered.json"), JSON.stringify(tampered(exported)));
    // The other laptop is the council's: its key is trusted by this laptop's policy.
    await writeFile(join(door.dataDir, "policy.toml"), `[pilot]\ntrusted_keys = ["${exported.export.signing_key.fingerprint}"]\n`);
    const totals = async () => [await byId(page, "report-period").innerText(), (await page.locator('#figures .govuk-summary-list__row', { hasText: "Requests" }).first().innerText()).trim(), await byId(page, "reconciliation").innerText()];
    door.answers.push("laptop-2.json");
    await byId(page, "add-imports").click();
    await page.locator("#sources", { hasText: "laptop-2.json" }).waitFor();
    let [said, requests, sum] = await totals();
    assert.match(said, /From 2 sources; 0 requests seen twice were counted once/);
    assert.match(requests, /Requests\s+2$/);
    assert.match(sum, /In the sources\s+2 requests\s+Seen in more than one source, counted once\s+less 0 requests\s+Made outside the period\s+less 0 requests\s+Counted in this report\s+2 requests/);
    assert.match(await byId(page, "figures").innerText(), /over 2 permissions/);
    // This laptop's own figures again: its request is counted once.
    door.answers.push("this-laptop-again.json");
    await byId(page, "add-imports").click();
    await page.locator("#sources", { hasText: "this-laptop-again.json" }).waitFor();
    [said, requests, sum] = await totals();
    assert.match(said, /From 3 sources; 1 request seen twice was counted once/);
    assert.match(requests, /Requests\s+2$/);
    assert.match(sum, /In the sources\s+3 requests\s+Seen in more than one source, counted once\s+less 1 request\s+Made outside the period\s+less 0 requests\s+Counted in this report\s+2 requests/);
    await checkScreen(page, "72c-pilot-merged");
    // A period none of them was made in: nothing counted, and said why.
    await date(page, "from", "1", "1", "2030");
    await byId(page, "show-report").click();
    await page.locator("#figures", { hasText: "No permission given in the period" }).waitFor();
    [said, requests, sum] = await totals();
    assert.match(requests, /Requests\s+0$/);
    assert.match(sum, /In the sources\s+3 requests\s+Seen in more than one source, counted once\s+less 1 request\s+Made outside the period\s+less 2 requests\s+Counted in this report\s+0 requests/);
    assert.match(await byId(page, "figures").innerText(), /No permission given in the period/);
    await date(page, "from", "", "", "");
    await byId(page, "show-report").click();
    await page.locator("#figures", { hasText: "over 2 permissions" }).waitFor();
    door.answers.push("laptop-3-tampered.json");
    await byId(page, "add-imports").click();
    await page.locator("#error-summary a", { hasText: "changed after it was exported" }).waitFor();
    await checkScreen(page, "73-pilot-import-refused");
    assert.doesNotMatch(await byId(page, "imports").innerText(), /tampered/, "a refused file is not kept");
    await byId(page, "save-csv").click();
    await page.locator("#pilot-status", { hasText: "Report saved" }).waitFor();
    assert.match(await readFile(join(door.files, "pilot-report.csv"), "utf8"), /session_minutes_total/);
    await byId(page, "export-figures").click();
    await page.locator("#pilot-status", { hasText: "without names" }).waitFor();
    assert.deepEqual(door.asked.slice(-2).map((q) => q.split(":")[0]), ["Where to save it", "Where to save it"]);
    await page.close();
  } finally {
    await endSessions(door);
    await door.close();
  }
});

/** An export of a laptop's figures with one figure changed after it was signed. */
function tampered(exported) {
  const text = JSON.stringify(exported);
  const changed = text.replace(/"session_minutes":(\d+)/, (_, n) => `"session_minutes":${Number(n) + 45}`);
  assert.notEqual(changed, text, `a figure to change in ${text.slice(0, 300)}`);
  return JSON.parse(changed);
}
