// The real desktop app in a real window (run under Xvfb by real-window.sh), driven through
// tauri-driver and Debian's WebKitWebDriver: create a store, a profile and a request; kill
// the app in the middle of a field and find the text there after restart; submit and
// authorise the request; export a draft PDF through the system's save dialog (answered with
// xdotool); then check with the CLI that the encrypted store holds it and that the audit
// chain verifies. Then the log is kept and the request closed; and a whole check is done in
// the window: an access session on Debian's Chromium against a fixture site, links followed
// by clicks in the browser, captures by the Capture button and by the global shortcut
// (pressed with xdotool), a judgement, a finding resting on a capture, and the end.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createConnection } from "node:net";
import { createServer } from "node:http";

const root = fileURLToPath(new URL("../..", import.meta.url));
const app = join(root, "target", "debug", "triangulate-desktop");
const cli = join(root, "target", "debug", "triangulate");
const shots = join(root, "tests", "out", "desktop");
const driverBinary = process.env.TAURI_DRIVER ?? join(process.env.HOME, ".cargo", "bin", "tauri-driver");
const work = mkdtempSync(join(tmpdir(), "triangulate-window-"));
const dataDir = join(work, "data");
const PORT = 4444;
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

let driver;

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" }, () => {
      socket.end();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

async function until(what, check, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

async function wd(method, path, body) {
  const response = await fetch(`http://127.0.0.1:${PORT}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60000),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${json.value?.error} ${json.value?.message}`);
  return json.value;
}

/** A PNG's size and its top left pixel (the first row's first pixel is the same under every
 *  PNG filter, so no unfiltering is needed). */
function firstPixel(file) {
  const png = readFileSync(file);
  const chunks = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("ascii", at + 4, at + 8) === "IDAT") chunks.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), rgb: [raw[1], raw[2], raw[3]] };
}

class Window {
  constructor(id) {
    this.id = id;
  }

  static async open() {
    // The app inherits tauri-driver's environment: the data folder comes from there.
    const session = await wd("POST", "/session", {
      capabilities: { alwaysMatch: { browserName: "wry", "tauri:options": { application: app } } },
    });
    return new Window(session.sessionId);
  }

  async find(selector) {
    const found = await wd("POST", `/session/${this.id}/element`, { using: "css selector", value: selector });
    return found[ELEMENT];
  }

  async wait(selector, text) {
    return until(`${selector}${text ? ` saying "${text}"` : ""}`, async () => {
      const element = await this.find(selector);
      if (!text) return element;
      const shown = await wd("GET", `/session/${this.id}/element/${element}/text`);
      return shown.includes(text) ? element : null;
    });
  }

  async clear(id) {
    const element = await this.wait(this.byId(id));
    await wd("POST", `/session/${this.id}/element/${element}/clear`, {});
  }

  async text(selector) {
    const element = await this.wait(selector);
    return wd("GET", `/session/${this.id}/element/${element}/text`);
  }

  async click(selector) {
    const element = await this.wait(selector);
    await wd("POST", `/session/${this.id}/element/${element}/click`, {});
  }

  byId(id) {
    return `[id="${id}"]`;
  }

  async type(id, text) {
    const element = await this.wait(this.byId(id));
    await wd("POST", `/session/${this.id}/element/${element}/value`, { text });
  }

  async value(id) {
    const element = await this.wait(this.byId(id));
    return wd("GET", `/session/${this.id}/element/${element}/property/value`);
  }

  /** Waits for an element's text content to include `text`: a title kept to a few lines
   *  (overflow hidden) is not "displayed" text to WebKitWebDriver, though a person sees it. */
  async content(selector, text) {
    return until(`${selector} holding "${text}"`, async () => {
      const held = await wd("POST", `/session/${this.id}/execute/sync`, { script: "return document.querySelector(arguments[0])?.textContent ?? ''", args: [selector] });
      return held.includes(text);
    });
  }

  /** Clicks the element an XPath finds: a label chosen by the words a person reads. */
  async clickXpath(xpath) {
    const element = await until(xpath, async () => (await wd("POST", `/session/${this.id}/element`, { using: "xpath", value: xpath }))[ELEMENT]);
    await wd("POST", `/session/${this.id}/element/${element}/click`, {});
  }

  /** Radios are drawn by their labels; the label is what a person clicks. */
  async choose(id) {
    await this.click(`label[for="${id}"]`);
  }

  async heading(text) {
    await this.wait("main h1", text);
  }

  async screenshot(name) {
    await new Promise((r) => setTimeout(r, 300));
    const png = await wd("GET", `/session/${this.id}/screenshot`);
    writeFileSync(join(shots, `${name}.png`), Buffer.from(png, "base64"));
  }

  async close() {
    await wd("DELETE", `/session/${this.id}`).catch(() => {});
  }
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  // A process group of its own: tauri-driver, WebKitWebDriver and the app end together.
  driver = spawn(driverBinary, ["--port", String(PORT), "--native-driver", "/usr/bin/WebKitWebDriver"], {
    // The session's browser is Debian's Chromium, in the same X display.
    env: { ...process.env, TRIANGULATE_DATA_DIR: dataDir, TRIANGULATE_BROWSER: process.env.TRIANGULATE_BROWSER ?? "/usr/bin/chromium" },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  await until("tauri-driver's port", () => portOpen(PORT));
  await until("WebKitWebDriver's port", () => portOpen(PORT + 1));
});

after(async () => {
  // The driver's whole group is stopped, and killed if it lingers: a driver that does not
  // exit would keep this process (and the CI job) waiting for ever.
  if (driver && driver.exitCode === null && driver.signalCode === null) {
    const exited = new Promise((resolve) => driver.once("exit", () => resolve(true)));
    const stop = (signal) => {
      try {
        process.kill(-driver.pid, signal);
      } catch {
        // Already gone.
      }
    };
    stop("SIGTERM");
    if (!(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(false), 5000))]))) stop("SIGKILL");
  }
  driver?.unref();
  rmSync(work, { recursive: true, force: true });
});

function runCli(...args) {
  return execFileSync(cli, ["--data-dir", dataDir, ...args], { encoding: "utf8", timeout: 60000 });
}

async function date(window, id, day, month, year) {
  await window.type(`${id}.day`, day);
  await window.type(`${id}.month`, month);
  await window.type(`${id}.year`, year);
}

async function step(window, id, values, state) {
  await window.click(`#step-${id}`);
  await window.wait("#decision-form");
  for (const [field, value] of Object.entries(values)) await window.type(field, value);
  await window.click("#record");
  await window.wait("#request-state", state);
}

/** Chooses the decider, by the name a person reads, among those a form offers. */
async function chooseDecider(window, form, name) {
  await window.clickXpath(`//form[@id="${form}"]//label[contains(., "${name}")]`);
}

/** A decision made by email by `decider`, recorded by the laptop's worker with its evidence. */
async function proxy(window, id, decider, values, state) {
  await window.click(`#proxy-${id}`);
  await window.wait("#decision-form");
  await chooseDecider(window, "decision-form", decider);
  for (const [field, value] of Object.entries(values)) await window.type(field, value);
  await window.click("#record");
  await window.wait("#request-state", state);
}

test("a request is created and authorised in the real window, survives a kill mid-field, is exported through the save dialog, and is in the store", async () => {
  let window = await Window.open();
  await window.heading("There is no store in this data folder yet");
  await window.screenshot("01-store-not-created");
  await window.click("#create-store");
  await window.wait("#recovery-phrase");
  await window.click("#continue");
  await window.heading("Worker profile");
  // The people who take part: imported with the CLI, one more added on the staff screen.
  const staffFile = join(work, "staff.csv");
  writeFileSync(staffFile, "staff_id,name,roles,team\nW-1,Wendy Window,aaw,Access\nR-1,Rhian Evans,osw,Assessment North\nT-1,Tom Manager,tm,Assessment North\nS-3,Sue Director,sd,\n");
  runCli("staff", "import", "--file", staffFile);
  await window.type("name", "Wendy Window");
  await window.choose("role");
  await window.click("#save-profile");
  // The first start's last step: the browser for captures (here the one TRIANGULATE_BROWSER names).
  await window.heading("The browser for captures");
  await window.wait("#browser-in-use", "Captures will use");
  await window.screenshot("01-browser-for-captures");
  await window.click("#continue");
  await window.heading("Home");
  await window.click("#nav-staff");
  await window.heading("Staff directory");
  await window.type("name", "Gwen Thomas");
  await window.choose("roles-2");
  await window.click("#add-person");
  await window.wait("#staff", "Gwen Thomas");
  await window.screenshot("01-staff-directory");
  await window.click("#nav-requests");
  await window.heading("Investigation requests");
  await window.click("#new-request");
  await window.heading("Case and workers");
  await window.type("case_reference", "CS-7070");
  await window.type("originating_worker.name", "Rhian Evans");
  await window.type("originating_worker.team", "Assessment North");
  await window.type("team_manager.name", "Tom Manager");
  await window.click("#continue");
  await window.heading("Reason, concern and triangulation");
  await window.choose("reason-3");
  const typed = "Reports of parties at the home, with a man who";
  await window.type("concern", typed);
  await window.wait("#save-status", "Draft saved");
  await window.screenshot("02-mid-field");

  // Kill the app in the middle of the field, as a crash or a power cut would.
  const pids = execFileSync("pgrep", ["-f", app], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  assert.ok(pids.length >= 1, "the app is running");
  for (const pid of pids) process.kill(Number(pid), "SIGKILL");
  await until("the app to be gone", () => {
    try {
      execFileSync("pgrep", ["-f", app]);
      return false;
    } catch {
      return true;
    }
  });
  await window.close();

  window = await Window.open();
  await window.heading("Home");
  await window.click("#drafts a");
  await window.heading("Case and workers");
  assert.equal(await window.value("case_reference"), "CS-7070");
  await window.click("#continue");
  await window.heading("Reason, concern and triangulation");
  assert.equal(await window.value("concern"), typed, "the text typed before the kill is there");
  await window.type("concern", " is not known to us");
  await window.type("triangulation", "Against the school's account");
  await window.click("#continue");

  // One person per page, then the people added and whether to add another.
  await window.heading("Person 1");
  await window.choose("subjects[1].role");
  await window.type("subjects[1].name", "Jane Doe");
  for (const [n, role, field, value] of [[2, "subjects[2].role-2", "subjects[2].name", "John Roe"], [3, "subjects[3].role-3", "subjects[3].description", "Man with a red car"]]) {
    await window.click("#continue");
    await window.heading("People to check");
    await window.choose("add-another");
    await window.click("#continue");
    await window.heading(`Person ${n}`);
    await window.choose(role);
    await window.type(field, value);
  }
  await window.click("#continue");
  await window.heading("People to check");
  await window.screenshot("02-people-added");
  await window.choose("add-another-2");
  await window.click("#continue");

  await window.heading("Period, scope, consent and legal advice");
  await date(window, "period.from", "1", "9", "2026");
  await date(window, "period.to", "1", "8", "2026");
  await window.choose("scope");
  await window.choose("consent.status-3");
  await window.type("consent.reason", "Telling the family would put the child at risk");
  await window.click("#continue");
  await window.wait("#error-summary", "must be the same as or after its start");
  await window.screenshot("03-period-error");
  await window.type("period.to.month", "\uE003\uE00310");
  await window.click("#continue");
  await window.heading("Check your answers");
  await window.screenshot("04-check-answers");
  await window.click("#commit");
  await window.heading("Request REQ-");
  const reference = (await wd("GET", `/session/${window.id}/element/${await window.find("main h1")}/text`)).replace("Request ", "");

  // Edit it before submitting: one answer, changed from the check page.
  await window.click("#change-request");
  await window.heading("Check your answers");
  await window.click(`a[href$="/reason?from=check"]`);
  await window.heading("Reason, concern and triangulation");
  await window.type("concern", ", seen twice");
  await window.click("#continue");
  await window.heading("Check your answers");
  await window.click("#commit");
  await window.wait("#notification", "changed");

  // Wendy, an access worker, is offered none of these as her own: each is recorded for the
  // person who decided, with the email it came in.
  await proxy(window, "submit", "Rhian Evans", { evidence: "Email of 18 November" }, "Submitted");
  await proxy(window, "agree", "Tom Manager", { evidence: "Email of 20 November" }, "Agreed");
  await proxy(window, "permit", "Sue Director", { evidence: "Memo SD-77", conditions: "One look only" }, "Permitted");
  await window.click('.app-nav__link[data-section="profile"]');
  await window.heading("Worker profile");
  await window.type("aaw-name", "Wendy Window");
  await window.click('[id="decided_by"] option[value="S-3"]');
  await window.type("evidence", "Memo SD-80");
  await date(window, "trained", "2", "10", "2026");
  await window.click("#register-aaw");
  await window.wait("#aaw-register", "Wendy Window");
  await window.click('.app-nav__link[data-section="requests"]');
  await window.click(`#requests a`);
  await step(window, "confirm-legitimacy", {}, "Legitimacy confirmed");
  await window.screenshot("05-request-authorised");

  // A draft PDF through the system's save dialog, answered by keyboard as a worker would.
  const pdf = join(work, "exports", `${reference}-request.pdf`);
  mkdirSync(join(work, "exports"), { recursive: true });
  await window.click("#export-link");
  await window.heading("Export a PDF");
  await window.click("#only-2");
  const visibleWindows = () => {
    try {
      return execFileSync("xdotool", ["search", "--onlyvisible", "--name", "."], { encoding: "utf8" }).trim().split("\n");
    } catch {
      return [];
    }
  };
  const before = visibleWindows();
  // Every step the progress bar shows while the export runs, as the backend's events draw it.
  await wd("POST", `/session/${window.id}/execute/sync`, {
    script: `window.seenProgress = [];
      new MutationObserver(() => {
        const bar = document.getElementById("work-progress-bar");
        const step = document.getElementById("work-progress-step")?.textContent ?? "";
        if (bar && bar.tagName === "PROGRESS" && step && !window.seenProgress.includes(step)) window.seenProgress.push(step);
      }).observe(document.body, { childList: true, subtree: true, characterData: true });`,
    args: [],
  });
  await window.click("#export-pdf");
  await window.wait("#export-status", "Choose where to save");
  // The save dialog is a window of its own: wait for it, give it the keyboard, name the file.
  const dialog = await until("the save dialog", () => visibleWindows().find((id) => !before.includes(id)));
  await new Promise((r) => setTimeout(r, 500));
  execFileSync("xdotool", ["windowfocus", "--sync", dialog]);
  execFileSync("import", ["-window", "root", join(shots, "06-save-dialog.png")]);
  execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+a"]);
  execFileSync("xdotool", ["type", "--delay", "15", pdf]);
  execFileSync("xdotool", ["key", "Return"]);
  await window.heading("Draft PDF exported");
  await window.screenshot("07-pdf-exported");
  const seen = await wd("POST", `/session/${window.id}/execute/sync`, { script: "return window.seenProgress", args: [] });
  assert.ok(seen.some((s) => /^Reading the request, log and captures \(0 of 6 steps done\)$/.test(s)), `the first step was shown while it ran: ${JSON.stringify(seen)}`);
  assert.ok(seen.filter((s) => s !== "Starting…").every((s) => / \(\d of 6 steps done\)$/.test(s)), JSON.stringify(seen));
  const shownSha = await wd("GET", `/session/${window.id}/element/${await window.find("#exported-sha256")}/text`);
  const { createHash } = await import("node:crypto");
  assert.equal(shownSha, createHash("sha256").update(readFileSync(pdf)).digest("hex"), "the digest shown is the file's");
  const pdfText = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
  assert.match(pdfText, /DRAFT: the investigation log is not finalised/);
  assert.match(pdfText, /Authorisation chain/);
  await window.close();

  // The CLI, on the same encrypted store, sees what the window did.
  const shown = JSON.parse(runCli("request", "show", reference, "--json"));
  assert.equal(shown.state, "legitimacy_confirmed");
  assert.equal(shown.request.concern, `${typed} is not known to us, seen twice`);
  assert.equal(shown.request.subjects.length, 3);
  assert.equal(shown.request.subjects[2].description, "Man with a red car");
  assert.deepEqual(shown.decisions.map((d) => d.step), ["submit", "agree", "permit", "confirm-legitimacy"]);
  assert.deepEqual(shown.decisions.map((d) => d.decided_by), ["Rhian Evans", "Tom Manager", "Sue Director", "Wendy Window"], "each decision in its decider's name");
  assert.ok(shown.decisions.every((d) => d.recorded_by === "Wendy Window"), "recorded by the laptop's worker");
  assert.equal(shown.decisions[2].conditions, "One look only");
  assert.match(runCli("audit", "verify"), /intact/);
  for (const file of ["triangulate.db", "triangulate.db-wal"]) {
    const path = join(dataDir, file);
    if (existsSync(path)) assert.ok(!readFileSync(path).includes("CS-7070"), `${file} holds no plain text of the request`);
  }
});

test("the investigation log is kept, finalised and shared in the real window, the request closed, and Home follows it", async () => {
  const window = await Window.open();
  await window.heading("Home");
  assert.match(await window.text("#signed-in"), /Wendy Window, Authorised Access Worker/);
  const reference = (await window.text("#waiting-for-you a")).trim();
  assert.match(reference, /^REQ-/, "the request ready for access waits for the access worker");
  const groupOf = async () => {
    await window.click("#nav-home");
    await window.heading("Home");
    return window.text(`main section:has(a[href$="${reference}"]) h3`);
  };
  assert.equal(await groupOf(), "Waiting for the Authorised Access Worker");
  await window.wait("#tasks", "Run the access session for Jane Doe");
  await window.screenshot("08-home");

  await window.click("#nav-accounts");
  await window.heading("Sanctioned accounts");
  await window.type("platform", "facebook");
  await window.type("handle", "council.checks.window");
  await window.choose("identifiable_as_council");
  await window.click("#add-account");
  await window.wait("#accounts", "council.checks.window");

  const log = async (action, title) => {
    await window.click(`#${action}`);
    await window.heading(title);
  };
  const save = async (state) => {
    await window.click("#save");
    await window.heading("Investigation log");
    if (state) await window.wait("#request-state", state);
  };
  await window.click("#nav-home");
  await window.click(`#waiting-for-you a`);
  await window.heading(`Request ${reference}`);
  await window.click("#open-log");
  await window.heading("Investigation log");
  await log("add-search", "Record a search");
  await window.choose("account");
  await window.type("searched", "Jane Doe");
  await window.type("result", "Profile found; photos public");
  await save("In progress");
  await log("add-finding", "Record a finding");
  await window.type("text", "A photo with the man, dated 3 November");
  await save();
  await window.screenshot("09-log-in-progress");
  assert.equal(await groupOf(), "In progress");

  await window.click(`main section:has(a[href$="${reference}"]) a`);
  await window.heading(`Request ${reference}`);
  await window.click("#open-log");
  await window.heading("Investigation log");
  await log("complete", "Complete the log");
  await save("Log completed");
  assert.equal(await groupOf(), "Waiting for the originating social worker's assessment");
  await window.wait("#due-items", "waits for the social worker's assessment");

  await window.click(`main section:has(a[href$="${reference}"]) a`);
  await window.click("#open-log");
  await window.heading("Investigation log");
  await log("proxy-finalise", "Assess and finalise");
  await chooseDecider(window, "log-form", "Rhian Evans");
  await window.type("evidence", "Email of 24 November");
  await window.choose("rating-3");
  await window.type("assessment", "It contradicts the claimed separation");
  await save("Log finalised");
  await log("proxy-share", "Record sharing");
  await chooseDecider(window, "log-form", "Rhian Evans");
  await window.type("evidence", "Email of 25 November");
  for (const id of ["with", "with-2", "with-3"]) await window.choose(id);
  await save("Shared");
  await window.screenshot("10-log-shared");
  assert.equal(await groupOf(), "Finalised");

  await window.click(`main section:has(a[href$="${reference}"]) a`);
  await window.click("#open-log");
  await window.heading("Investigation log");
  await window.click("#close");
  await window.wait("#decision-form");
  await chooseDecider(window, "decision-form", "Tom Manager");
  await window.type("evidence", "Email of 30 November");
  await window.click("#record");
  await window.wait("#request-state", "Closed");
  assert.equal(await groupOf(), "Closed, refused or withdrawn");
  await window.click(`main section:has(a[href$="${reference}"]) a`);
  await window.click("#open-audit");
  await window.heading("Audit trail");
  await window.wait("#store-chain", "is whole");
  await window.screenshot("11-audit-trail");
  await window.close();

  // The CLI reads the same log and chain from the encrypted store.
  const shown = JSON.parse(runCli("log", "show", reference, "--json"));
  assert.equal(shown.state, "closed");
  assert.equal(shown.version.log.searches[0].searched, "Jane Doe");
  assert.equal(shown.version.log.searches[0].platform, "facebook");
  assert.equal(shown.version.log.findings[0].text, "A photo with the man, dated 3 November");
  assert.equal(shown.version.log.completed.by, "Wendy Window");
  assert.equal(shown.version.log.assessment.by, "Rhian Evans");
  assert.equal(shown.version.log.assessment.rating, "considerable");
  assert.deepEqual(shown.version.log.shared[0].with, ["tm", "sm", "sd"]);
  assert.match(runCli("audit", "verify"), /intact/);
});

test("without its recovery file the real window warns on every start until a new phrase is made", async () => {
  rmSync(join(dataDir, "recovery-key.json"));
  for (const start of [1, 2]) {
    const window = await Window.open();
    await window.heading("Home");
    await window.wait("#recovery-warning", "is missing");
    if (start === 1) await window.screenshot("06-recovery-file-missing");
    await window.close();
  }
  const window = await Window.open();
  // The navigation shows once the store is known to be open: wait for the first screen.
  await window.heading("Home");
  await window.click('.app-nav__link[data-section="settings"]');
  await window.heading("Settings");
  await window.click("#store-status-link");
  await window.heading("The store is open");
  await window.click("#renew-recovery");
  await window.heading("Make a new recovery phrase?");
  await window.click("#confirm-renew");
  await window.heading("New recovery phrase made");
  await window.close();
  assert.ok(existsSync(join(dataDir, "recovery-key.json")), "a new recovery file was written");
  const status = JSON.parse(runCli("status", "--json"));
  assert.equal(status.recovery_warning, null);
  const again = await Window.open();
  await again.heading("Home");
  const banner = await again.find("#recovery-warning");
  assert.equal(await wd("GET", `/session/${again.id}/element/${banner}/displayed`), false);
  await again.close();
});

/** A fixture site on 127.0.0.1: Jane's profile, whose whole page is a link to her photos,
 *  whose whole page is a link to her "about" page, so that a click anywhere follows it. */
function fixtureSite() {
  const page = (title, next) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body style="margin:0">` +
    (next ? `<a id="next" href="${next}" style="position:fixed;inset:0;display:block;background:#dfe">${title}: next page</a>` : `<h1>${title}</h1>`) +
    "</body></html>";
  const pages = { "/profile/jane": page("Maria Jones", "/profile/jane/photos"), "/profile/jane/photos": page("Maria Jones: photos", "/profile/jane/about"), "/profile/jane/about": page("Maria Jones: about", null) };
  const server = createServer((request, response) => {
    const body = pages[request.url];
    response.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    response.end(body ?? "not found");
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, base: `http://127.0.0.1:${server.address().port}` })));
}

/** Clicks the middle of the session's Chromium window, as a person would. */
function clickBrowser() {
  const windows = execFileSync("xdotool", ["search", "--onlyvisible", "--class", "chromium"], { encoding: "utf8" }).trim().split("\n");
  // The biggest visible window of Chromium's is the browser itself.
  const sizes = windows.map((w) => {
    const geometry = execFileSync("xdotool", ["getwindowgeometry", "--shell", w], { encoding: "utf8" });
    const value = (k) => Number(geometry.match(new RegExp(`${k}=(\\d+)`))[1]);
    return { w, x: value("X"), y: value("Y"), width: value("WIDTH"), height: value("HEIGHT") };
  });
  const browser = sizes.sort((a, b) => b.width * b.height - a.width * a.height)[0];
  execFileSync("xdotool", ["mousemove", "--sync", String(browser.x + Math.floor(browser.width / 2)), String(browser.y + Math.floor(browser.height * 0.7)), "click", "1"]);
}

test("a check is done in the real window: a session on Chromium, two links followed, captures by button and by the global shortcut, judged, a finding resting on one, the session ended", async () => {
  const { server, base } = await fixtureSite();
  try {
    // A request for Jane on the fixture site, authorised and confirmed, made with the CLI.
    const request = JSON.parse(readFileSync(join(root, "tests", "fixtures", "request-example.json"), "utf8"));
    request.case_reference = "CS-8080";
    request.subjects = [{ name: "Maria Jones", role: "subject", relationship: "mother", profiles: [{ platform: "facebook", url: `${base}/profile/jane` }] }];
    const file = join(work, "jane.json");
    writeFileSync(file, JSON.stringify(request));
    const reference = runCli("request", "create", "--file", file).trim();
    runCli("request", "submit", reference, "--by", "Rhian Evans", "--evidence", "Email of 27 November");
    runCli("request", "agree", reference, "--by", "Gwen Thomas", "--evidence", "Email of 28 November");
    runCli("request", "permit", reference, "--by", "Sue Director", "--evidence", "Memo SD-90");
    runCli("request", "confirm-legitimacy", reference, "--by", "Wendy Window");

    const window = await Window.open();
    await window.heading("Home");
    await window.click(`#waiting-for-you a[href$="${reference}"]`);
    await window.heading(`Request ${reference}`);
    await window.click("#start-session");
    await window.heading("Start an access session");
    await window.click("#continue");
    await window.heading("Access session");
    await window.wait("#trail", `${base}/profile/jane`);
    await window.screenshot("12-session-running");

    // Two links followed in the browser: the trail grows on the panel.
    clickBrowser();
    await window.wait("#trail", "/profile/jane/photos");
    await window.click("#capture");
    await window.wait("#captured", "Captured: capture");
    await window.screenshot("13-session-first-capture");
    await window.content("#captures", "Maria Jones: photos");
    clickBrowser();
    await window.wait("#trail", "/profile/jane/about");
    // The global shortcut, pressed while the browser has the focus.
    execFileSync("xdotool", ["key", "--clearmodifiers", "ctrl+shift+F9"]);
    await window.content("#captures", "Maria Jones: about");
    await window.screenshot("13-session-captured");

    // Judge the first capture, and rest a finding on it.
    await window.click("#captures a");
    await window.heading("Capture");
    await window.wait("#signature", "Signature verified");
    // The provenance comes first: the whole page's SHA-256 and the capture's time are above
    // the judgement form on the page, and the time under the picture is the same moment.
    const placed = await wd("POST", `/session/${window.id}/execute/sync`, {
      script: `const top = (id) => document.getElementById(id).getBoundingClientRect().top + window.scrollY;
        const text = (id) => document.getElementById(id).textContent;
        return { sha: text("card-sha256"), shaTop: top("card-sha256"), time: text("card-captured-at"), timeTop: top("card-captured-at"),
          formTop: top("judgement-form"), underPicture: text("thumbnail-captured-at"), worker: text("card-worker"), timestamp: text("card-timestamp") };`,
      args: [],
    });
    assert.ok(placed.shaTop < placed.formTop, `the SHA-256 (${placed.shaTop} px) is above the judgement form (${placed.formTop} px)`);
    assert.ok(placed.timeTop < placed.formTop, `the capture time (${placed.timeTop} px) is above the judgement form (${placed.formTop} px)`);
    assert.match(placed.time, /^\d{1,2} [A-Z][a-z]+ \d{4} \d\d:\d\d:\d\d (GMT|BST) \(UK time\)$/, "labelled with its zone");
    assert.equal(placed.underPicture, placed.time, "the same moment under the picture");
    assert.equal(placed.worker, "Wendy Window", "who captured it, from the staff directory");
    assert.match(placed.timestamp, /^None: its time is this laptop's clock/);
    await window.screenshot("14a-capture-provenance-first");
    await window.choose("relevant");
    await window.choose("useful_and_unique");
    await window.choose("attribution-2");
    await window.type("attribution_reason", "Same photos as the school's account");
    await window.click("#save-judgement");
    await window.wait(".govuk-notification-banner", "judged");
    await window.screenshot("14-capture-judged");
    const captureId = (await window.text("main h1")).replace("Capture ", "").trim();

    // Redact a box of its viewport: a signed copy, the original sealed.
    await window.click("#redact-link");
    await window.heading("Redact capture");
    await window.click("#typed-box summary");
    for (const [k, v] of [["x", "0"], ["y", "0"], ["width", "200"], ["height", "120"]]) await window.type(`box-${k}`, v);
    await window.click("#add-box");
    await window.content("#boxes", "200 × 120 px at 0, 0");
    await window.type("reason", "The face of another child");
    await window.clear("by");
    await window.type("by", "Wendy Window");
    await window.screenshot("14-capture-redact");
    await window.click("#save-redaction");
    await window.wait(".govuk-notification-banner", "Redacted copy saved");
    await window.content("#redactions", "Wendy Window");
    await window.click(".govuk-back-link");
    await window.heading("Access session");
    await window.click("#end");
    await window.wait("#ended", "Ended");
    await window.screenshot("15-session-ended");
    await window.click("#back-to-request");
    await window.heading(`Request ${reference}`);
    await window.click("#open-log");
    await window.heading("Investigation log");
    await window.click("#add-search");
    await window.heading("Record a search");
    await window.choose("account");
    await window.type("searched", "Jane Doe");
    await window.type("result", "Profile found");
    await window.click("#save");
    await window.heading("Investigation log");
    await window.click("#add-finding");
    await window.heading("Record a finding");
    await window.type("text", "Photos with the man in November");
    await window.choose("captures");
    await window.click("#save");
    await window.heading("Investigation log");
    await window.close();

    // The CLI reads the captures, their trail, hashes and signatures from the store.
    const sessions = JSON.parse(runCli("capture", "show", captureId, "--json"));
    // The SHA-256 the window showed first is the whole page's as the CLI reads it from the
    // store, and its time is the signed manifest's, in UK time.
    assert.equal(placed.sha, sessions.artefacts.find((a) => a.kind === "full_page_png").sha256);
    const started = new Date(sessions.manifest.provenance.capture_started_at);
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" }).formatToParts(started).map((p) => [p.type, p.value]));
    assert.equal(placed.time, `${parts.day} ${parts.month} ${parts.year} ${parts.hour}:${parts.minute}:${parts.second} ${parts.timeZoneName} (UK time)`);
    assert.equal(sessions.signature_valid, true);
    assert.equal(sessions.stored_hashes_match, true);
    assert.equal(sessions.judgement.relevant, true);
    assert.equal(sessions.judgement.attribution, "probable");
    assert.equal(sessions.manifest.provenance.url, `${base}/profile/jane/photos`);
    const visited = sessions.manifest.trail.filter((e) => e.kind === "navigation").map((e) => e.url);
    assert.deepEqual(visited.slice(0, 2), [`${base}/profile/jane`, `${base}/profile/jane/photos`], "the trail that led to it");
    for (const a of sessions.artefacts) assert.match(a.sha256, /^[0-9a-f]{64}$/);
    const second = JSON.parse(runCli("capture", "show", String(Number(captureId) + 1), "--json"));
    assert.equal(second.manifest.provenance.url, `${base}/profile/jane/about`, "the shortcut captured the page in front");
    assert.equal(second.signature_valid, true);
    const log = JSON.parse(runCli("log", "show", reference, "--json"));
    assert.deepEqual(log.version.log.findings[0].captures, [Number(captureId)]);
    assert.match(runCli("audit", "verify"), /intact/);

    // The care-record PDF shows the redacted copy, says so, and holds none of the pixels beneath.
    const pdf = join(work, "redacted-care-record.pdf");
    runCli("export", "pdf", reference, "--out", pdf, "--draft");
    const text = execFileSync("pdftotext", ["-enc", "UTF-8", pdf, "-"], { encoding: "utf8" }).split(/\s+/).join(" ");
    assert.match(text, /Redacted copy of exhibit 1's viewport/);
    const viewport = sessions.artefacts.find((a) => a.kind === "viewport_png");
    assert.ok(text.includes(viewport.sha256), "the sealed original is named by its digest");
    const images = join(work, "redacted-images");
    mkdirSync(images, { recursive: true });
    execFileSync("pdfimages", ["-png", pdf, join(images, "image")]);
    // The top left pixel of the viewport's image: black in the redacted copy (the page's own
    // top left is the fixture's white background).
    const shown = readdirSync(images).map((name) => firstPixel(join(images, name)));
    const viewports = shown.filter((p) => p.width === viewport.width && p.height === viewport.height);
    assert.ok(viewports.length >= 1, `the viewport is in the PDF: ${JSON.stringify(shown)}`);
    assert.ok(viewports.some((p) => p.rgb.every((c) => c === 0)), `the viewport in the PDF is the redacted copy: ${JSON.stringify(viewports)}`);
  } finally {
    server.close();
  }
});
