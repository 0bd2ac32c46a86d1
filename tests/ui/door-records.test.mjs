// The UI's records, home, audit, settings, menu, separation of duties and staff directory
// over the HTTP door: each test a real store of its own behind `triangulate serve`, every
// command answered by the real rules. What a laptop can come to is made real: a
// recovery file removed from the data folder, a copy of the audit head removed from the
// kernel keyring, a broken policy file written beside the store.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { checkScreen, focusedId, heading, launch } from "./support.mjs";
import { openDoor } from "./door.mjs";
import { addAccount, addMe, becomeWorker, byId, chooseDecider, date, fill, fillRequest, finishSetUp, logAction, registerAna, saveLogForm, staffCsv, step, COUNCIL } from "./journeys.mjs";
import * as journeys from "./journeys.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The staff directory filled from the council's list (`csv`). */
async function cast(door, csv = staffCsv()) {
  await door.call("staff_import", { text: csv });
}

/** The first start up to the worker profile, as `journeys.setUp`, with the staff directory
 *  filled (by `fillDirectory`, the cast unless said) while the recovery phrase is shown. */
function setUp(page, door, fillDirectory = cast) {
  return journeys.setUp(page, door.start, () => fillDirectory(door));
}

/** A store with the cast (Ana Access registered) and a worker profile, ending on the
 *  requests list. */
async function setUpAs(page, door, name, roleId) {
  await setUp(page, door);
  await addMe(page, name, roleId);
  await byId(page, "save-profile").click();
  await finishSetUp(page);
  await registerAna(door);
}

/** REQ-2026-0001 created by Ada Worker, a social worker, as its social worker; on its page. */
async function createdRequest(page, door) {
  await setUpAs(page, door, "Ada Worker", "role-2");
  await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"] });
  await heading(page, "Check your answers");
  await byId(page, "commit").click();
  await heading(page, "Request REQ-2026-0001");
}

/** REQ-2026-0001 ready for an access session (`journeys.readyForAccess`), on this file's
 *  first start: the whole council in the staff directory, Ana Access registered. */
function readyForAccess(page, door) {
  return journeys.readyForAccess(page, door.start, { setUp: () => setUpAs(page, door, "Ada Worker", "role") });
}

/** The store's id, as its status gives it. */
async function storeId(door) {
  const status = await door.call("store_status");
  assert.ok(status.store_id, JSON.stringify(status));
  return status.store_id;
}

test("a store without its recovery file says so on every screen until a new phrase is made", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await page.goto(door.start);
    await heading(page, "There is no store in this data folder yet");
    await byId(page, "create-store").click();
    await page.locator("#recovery-phrase li").nth(11).waitFor();
    // The recovery file is lost from the data folder (deleted, or a backup without it).
    await rm(join(door.dataDir, "recovery-key.json"));
    await byId(page, "continue").click();
    await heading(page, "Worker profile");
    const banner = byId(page, "recovery-warning");
    assert.ok(await banner.isVisible());
    assert.match(await banner.innerText(), /recovery-key\.json is missing.*will be lost/s);
    await checkScreen(page, "30-recovery-file-missing");
    await page.evaluate(() => { location.hash = "#/status"; });
    await heading(page, "The store is open");
    // A new phrase stops the old one working: asked about first, in red only there.
    assert.doesNotMatch(await byId(page, "renew-recovery").getAttribute("class"), /govuk-button--warning/);
    await byId(page, "renew-recovery").click();
    await heading(page, "Make a new recovery phrase?");
    assert.match(await byId(page, "confirm-renew").getAttribute("class"), /govuk-button--warning/);
    await checkScreen(page, "30b-recovery-renew-confirm");
    await byId(page, "keep-phrase").click();
    await heading(page, "The store is open");
    await byId(page, "renew-recovery").click();
    await heading(page, "Make a new recovery phrase?");
    await byId(page, "confirm-renew").click();
    await heading(page, "New recovery phrase made");
    assert.equal(await page.locator("#recovery-phrase li").count(), 12);
    assert.ok(!(await banner.isVisible()) || (await banner.innerText()).trim() === "", "the warning stays after a new phrase");
    // The new phrase is in a recovery file of this store's again.
    assert.equal((await door.call("store_status")).recovery_warning, null);
    await page.close();
  } finally {
    await door.close();
  }
});

test("a store whose audit head lost a copy says on every screen and on its status that a rollback cannot be ruled out", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await page.goto(door.start);
    await heading(page, "There is no store in this data folder yet");
    assert.ok(!(await byId(page, "rollback-warning").isVisible()), "no store, no warning");
    await byId(page, "create-store").click();
    await page.locator("#recovery-phrase li").nth(11).waitFor();
    // The kernel keyring's copy of the head is lost, as at every restart.
    const key = execFileSync("keyctl", ["search", "@s", "user", `triangulate-head:${await storeId(door)}`], { encoding: "utf8" }).trim();
    execFileSync("keyctl", ["invalidate", key]);
    await byId(page, "continue").click();
    await heading(page, "Worker profile");
    const banner = byId(page, "rollback-warning");
    assert.ok(await banner.isVisible());
    assert.match(await banner.innerText(), /rollback to an earlier copy of the store can no longer be ruled out.*until a person accepts the store as it stands/s);
    await checkScreen(page, "31-rollback-not-ruled-out");
    await page.evaluate(() => { location.hash = "#/status"; });
    await heading(page, "The store is open");
    assert.match(await page.locator("main").innerText(), /can no longer be ruled out: the copy in the Linux kernel keyring/);
    await page.close();
  } finally {
    await door.close();
  }
});

test("Home groups requests by whom they wait for, says what waits for the worker, and shows what is due", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    // Before there is a worker profile, Home says to set one up first.
    await setUp(page, door);
    await page.goto(`${door.url}/#/`);
    await heading(page, "Home");
    await byId(page, "no-profile").waitFor();
    assert.equal(await byId(page, "waiting-for-you").count(), 0, "nothing can wait for no one");
    await checkScreen(page, "29-home-no-profile");
    await byId(page, "set-profile").click();
    await heading(page, "Worker profile");
    await addMe(page, "Ada Worker", "role-2");
    await byId(page, "save-profile").click();
    await heading(page, "Investigation requests");
    await byId(page, "nav-home").click();
    await heading(page, "Home");
    assert.match(await byId(page, "signed-in-as").innerText(), /Ada Worker, Originating Social Worker/);
    assert.match(await byId(page, "signed-in").innerText(), /Ada Worker, Originating Social Worker/, "the header says who is using the app");
    await byId(page, "nothing-due").waitFor();
    assert.equal(await page.locator("main section h3").count(), 8, "every group is a headed section");
    assert.equal(await page.locator("main section .app-none").count(), 11, "each empty group, the worker's tasks and list and the due panel say none");
    assert.equal(await page.locator("main h2").first().innerText(), "Your tasks", "the worker's tasks come first");
    await checkScreen(page, "30-home-empty");

    await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"] });
    await heading(page, "Check your answers");
    await byId(page, "commit").click();
    await heading(page, "Request REQ-2026-0001");
    const groupOf = async () => {
      await byId(page, "nav-home").click();
      await heading(page, "Home");
      return page.locator("main section", { has: page.locator("a", { hasText: "REQ-2026-0001" }) }).locator("h2, h3").allInnerTexts();
    };
    assert.deepEqual(await groupOf(), ["Waiting for you (Originating Social Worker)", "Waiting for the originating social worker to submit"]);
    assert.equal(await byId(page, "task-list").innerText(), "Submit the request for a check on Jane Doe and 2 others (request REQ-2026-0001, waiting since today)", "the task in words");
    assert.equal(await page.locator("#task-list a").getAttribute("href"), "#/requests/REQ-2026-0001");
    const section = page.locator("#group-social_worker");
    assert.equal(await section.getAttribute("aria-labelledby"), "group-social_worker-heading");
    await checkScreen(page, "31-home-draft-request");
    await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
    await step(page, "submit", {}, "Submitted");
    assert.deepEqual(await groupOf(), ["Waiting for the team manager"], "no longer waiting for the social worker");
    await byId(page, "no-tasks").waitFor();
    await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
    await step(page, "agree", { decided_by: "Tom Manager", evidence: "Email of 20 November" }, "Agreed");
    assert.deepEqual(await groupOf(), ["Waiting for the service director (or the service manager, where doubts were raised)"]);

    // Search stays, and leads to the list.
    await fill(page, { search: "red car" });
    await page.locator('form[role="search"] button').click();
    await heading(page, "Investigation requests");
    await page.locator("#requests", { hasText: "REQ-2026-0001" }).waitFor();
    await page.close();
  } finally {
    await door.close();
  }
});

test("Home tells the access worker what waits for them and lists a log waiting for assessment as due", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await readyForAccess(page, door);
    await byId(page, "nav-home").click();
    await heading(page, "Home");
    await page.locator("#waiting-for-you", { hasText: "REQ-2026-0001" }).waitFor();
    assert.match(await byId(page, "task-list").innerText(), /^Run the access session for Jane Doe and 2 others/, "the access worker's task in words");
    await checkScreen(page, "32-home-access-worker");
    await page.goto(`${door.url}/#/requests/REQ-2026-0001/log/search`);
    await heading(page, "Record a search");
    await byId(page, "account").check();
    await fill(page, { searched: "Jane Doe", result: "Found" });
    await saveLogForm(page, "In progress");
    await logAction(page, "complete", "Complete the log");
    await saveLogForm(page, "Log completed");
    await byId(page, "nav-home").click();
    await heading(page, "Home");
    await page.locator("#due-items", { hasText: "waits for the social worker's assessment" }).waitFor();
    assert.equal(await page.locator("#waiting-for-you a", { hasText: "REQ-2026-0001" }).count(), 0, "the assessment waits for the social worker");
    await byId(page, "no-tasks").waitFor();
    await checkScreen(page, "33-home-due");
    await page.close();
  } finally {
    await door.close();
  }
});

test("the audit trail reads as who did what and when, with the chains' verification", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await createdRequest(page, door);
    await step(page, "submit", {}, "Submitted");
    await byId(page, "open-audit").click();
    await heading(page, "Audit trail");
    assert.match(await byId(page, "store-chain").innerText(), /is whole: \d+ entries, none changed or removed/);
    assert.match(await byId(page, "request-chain").innerText(), /^Nothing in this request's record has been changed or removed since it was written: its \d+ entries were checked/);
    assert.match(await byId(page, "audit-events").innerText(), /Created the request/);
    assert.match(await byId(page, "audit-events").innerText(), /Submit to team manager: Ada Worker/);
    await checkScreen(page, "34-audit-trail");
    await page.goto(`${door.url}/#/requests/REQ-2026-0404/audit`);
    await heading(page, "Not found");
    await page.locator("#not-found-message", { hasText: "Request REQ-2026-0404 does not exist." }).waitFor();
    await checkScreen(page, "35-audit-trail-error");
    await page.close();
  } finally {
    await door.close();
  }
});

test("settings show the policy in force, where each value came from, the key's fingerprint and the recovery advice", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await setUpAs(page, door, "Ada Worker", "role-2");
    await byId(page, "nav-settings").click();
    await heading(page, "Settings");
    // Each setting by a name people read; the file's key only folded away.
    assert.match(await byId(page, "policy").innerText(), /Views of one person allowed before a directed surveillance authorisation is needed\s+2\s+Embedded default/);
    assert.match(await byId(page, "policy").innerText(), /Time-stamping authority's address\s+Not set/);
    assert.doesNotMatch(await byId(page, "policy").innerText(), /repeat_viewing|max_views|notice_days/);
    assert.equal(await byId(page, "policy-keys").getAttribute("open"), null);
    assert.match(await byId(page, "policy-key-names").textContent(), /repeat_viewing\.max_views/);
    assert.match(await byId(page, "fingerprint").innerText(), /^[0-9a-f]{64}$/);
    await byId(page, "recovery-advice").waitFor();
    assert.match(await byId(page, "policy-source").innerText(), /no local policy file/);
    await checkScreen(page, "36-settings");
    await page.close();
  } finally {
    await door.close();
  }

  // Another laptop, whose data folder has a local policy file with a value out of range.
  const other = await openDoor();
  try {
    await mkdir(other.dataDir, { recursive: true });
    await writeFile(join(other.dataDir, "policy.toml"), "[home]\nidle_days = 0\n");
    const broken = await other.page(browser);
    await broken.goto(other.start);
    await heading(broken, "There is no store in this data folder yet");
    await byId(broken, "create-store").click();
    await byId(broken, "continue").click();
    await heading(broken, "Worker profile");
    await broken.goto(`${other.url}/#/settings`);
    await heading(broken, "Settings");
    await broken.locator("#policy-problem", { hasText: "home.idle_days must be between 1 and 365" }).waitFor();
    await checkScreen(broken, "37-settings-policy-problem");
    await broken.close();
  } finally {
    await other.close();
  }
});

test("the request's own social worker is told that another access worker must confirm it, even once registered as one", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    // Rhian Evans is in the directory as a social worker and an access worker; her profile
    // is the access worker's.
    await setUp(page, door, (d) => cast(d, staffCsv(COUNCIL.map((p) => (p.name === "Rhian Evans" ? { ...p, roles: ["osw", "aaw"] } : p)))));
    await byId(page, "listed").check();
    await byId(page, "person").selectOption(await page.locator("#person option", { hasText: "Rhian Evans" }).getAttribute("value"));
    await byId(page, "role").check();
    await byId(page, "save-profile").click();
    await finishSetUp(page);
    await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"], osw: "Rhian Evans" });
    await heading(page, "Check your answers");
    await byId(page, "commit").click();
    await heading(page, "Request REQ-2026-0001");
    await step(page, "submit", {}, "Submitted");
    await step(page, "agree", { decided_by: "Tom Manager", evidence: "Email of 20 November" }, "Agreed");
    await step(page, "permit", { decided_by: "Sue Director", evidence: "Memo SD-77" }, "Permitted");
    await page.locator('.app-nav__link[data-section="profile"]').click();
    await fill(page, { "aaw-name": "Rhian Evans", evidence: "SD memo 12" });
    await byId(page, "decided_by").selectOption("1003");
    await date(page, "trained", "2", "10", "2027");
    await byId(page, "register-aaw").click();
    await page.locator("#register-form-errors a", { hasText: "must not be in the future" }).waitFor();
    await checkScreen(page, "38-register-errors");
    await date(page, "trained", "2", "10", "2026");
    await byId(page, "register-aaw").click();
    await page.locator("#aaw-register", { hasText: "Rhian Evans" }).waitFor();
    const row = await page.locator("#aaw-register tbody tr", { hasText: "Rhian Evans" }).innerText();
    assert.match(row, /Sue Director\s+SD memo 12\s+2 October 2026/, "the decision, its evidence and the training date, as people write dates");
    assert.doesNotMatch(row, /Not recorded/);
    await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
    await heading(page, "Request REQ-2026-0001");
    assert.match(await byId(page, "waits-confirm-legitimacy").innerText(), /Rhian Evans is this request's social worker, who asked for the check, and the step "Confirm the request is legitimate" must be someone else's/);
    assert.doesNotMatch(await byId(page, "waits-confirm-legitimacy").innerText(), /Waits for[^.]*Rhian Evans/, "she is not among those it waits for");
    assert.equal(await byId(page, "step-confirm-legitimacy").count(), 0);
    await checkScreen(page, "38-separation-of-duties");
    await page.close();
  } finally {
    await door.close();
  }
});

test("the menu has Authorisations and Records for the roles that use them, and marks the section each page is in", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    const shown = () => page.$$eval("#main-nav .app-nav__link", (links) => links.filter((a) => a.offsetParent !== null).map((a) => a.textContent));
    const current = () => page.$$eval('#main-nav [aria-current="page"]', (links) => links.map((a) => a.textContent));
    const visit = async (hash, title) => {
      await page.goto(`${door.url}/${hash}`);
      await heading(page, title);
      return current();
    };
    // The social worker: Records, not the register.
    await setUpAs(page, door, "Ada Worker", "role-2");
    assert.deepEqual(await shown(), ["Home", "Requests", "Records", "Sanctioned accounts", "Staff", "Worker profile", "Settings"]);
    // The access worker and the team manager: both.
    await becomeWorker(page, "Ana Keys", "role");
    assert.deepEqual(await shown(), ["Home", "Requests", "Authorisations", "Records", "Sanctioned accounts", "Staff", "Worker profile", "Settings"]);
    await becomeWorker(page, "Tara Lead", "role-3");
    assert.deepEqual(await shown(), ["Home", "Requests", "Authorisations", "Records", "Sanctioned accounts", "Staff", "Worker profile", "Settings"]);
    const top = async (selector) => (await page.locator(selector).boundingBox()).y;
    assert.ok((await top("#nav-authorisations")) <= (await top("#nav-settings")), "in the menu, not under Settings");

    // Each page marks its own section, and only that one.
    assert.deepEqual(await visit("#/authorisations", "Authorisation register"), ["Authorisations"]);
    assert.deepEqual(await visit("#/records", "Records"), ["Records"]);
    await checkScreen(page, "74-records");
    for (const [id, title] of [["retention-link", "Retention and disposal"], ["incidents-link", "Incidents"], ["pilot-link", "The pilot's evaluation"]]) {
      await page.locator('.app-nav__link[data-section="records"]').click();
      await heading(page, "Records");
      await byId(page, id).click();
      await heading(page, title);
      assert.deepEqual(await current(), ["Records"], `${title} is under Records`);
      assert.equal(await page.locator(".govuk-back-link").innerText(), "Records", `${title} goes back to Records`);
    }
    assert.deepEqual(await visit("#/settings", "Settings"), ["Settings"]);
    for (const id of ["retention-link", "incidents-link", "authorisations-link", "pilot-link"]) {
      assert.equal(await byId(page, id).count(), 0, `Settings keeps settings: no ${id}`);
    }
    assert.deepEqual(await visit("#/status", "The store is open"), ["Settings"]);
    await page.close();
  } finally {
    await door.close();
  }
});

test("the request's social worker is offered neither an access session nor completing the log, and is told whom each waits for", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await createdRequest(page, door);
    await step(page, "submit", {}, "Submitted");
    await step(page, "agree", { decided_by: "Tom Manager", evidence: "Email of 20 November" }, "Agreed");
    await step(page, "permit", { decided_by: "Sue Director", evidence: "Memo SD-77" }, "Permitted");
    await step(page, "confirm-legitimacy", { decided_by: "Ana Access", evidence: "Email AA-3" }, "Legitimacy confirmed");
    await addAccount(page);
    await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
    await heading(page, "Request REQ-2026-0001");
    assert.equal(await byId(page, "start-session").count(), 0, "no access session for the social worker");
    const main = await page.locator("main").innerText();
    assert.doesNotMatch(main, /ready for an access session/);
    assert.match(await byId(page, "access-missing").innerText(), /Ada Worker is not an Authorised Access Worker in the staff directory[\s\S]*Ada Worker is this request's social worker, who asked for the check, and the step "Start access session" must be someone else's/);
    await checkScreen(page, "80-social-worker-no-session");

    // Ana Access, a registered access worker, uses the same laptop: the session is hers.
    await becomeWorker(page, "Ana Access", "role");
    await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
    await heading(page, "Request REQ-2026-0001");
    await byId(page, "start-session").waitFor();
    await page.goto(`${door.url}/#/requests/REQ-2026-0001/log/search`);
    await heading(page, "Record a search");
    await byId(page, "account").check();
    await fill(page, { searched: "Jane Doe", result: "Profile found" });
    await saveLogForm(page, "In progress");
    await byId(page, "complete").waitFor();

    // Back to Ada: completing the log is not hers to take.
    await becomeWorker(page, "Ada Worker", "role-2");
    await page.goto(`${door.url}/#/requests/REQ-2026-0001/log`);
    await heading(page, "Investigation log");
    assert.equal(await byId(page, "complete").count(), 0, "no \"Complete the log\" of the social worker's own");
    assert.match(await byId(page, "waits-complete").innerText(), /Waits for Ana Access \(Authorised Access Worker, staff ID 1005\)/);
    assert.match(await byId(page, "waits-complete").innerText(), /Ada Worker is this request's social worker/);
    assert.equal(await byId(page, "proxy-complete").count(), 1, "a decision made by email can be recorded for her");
    await checkScreen(page, "81-social-worker-log-waits");
    await page.close();
  } finally {
    await door.close();
  }
});

test("an access worker is not offered the social worker's or the manager's decisions as her own, and records them for them with evidence", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await setUpAs(page, door, "Ada Worker", "role");
    await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"], osw: "Rhian Evans" });
    await heading(page, "Check your answers");
    await byId(page, "commit").click();
    await heading(page, "Request REQ-2026-0001");
    assert.equal(await byId(page, "step-submit").count(), 0, "submitting is not the access worker's");
    assert.equal(await byId(page, "step-withdraw").count(), 0);
    assert.match(await byId(page, "waits-submit").innerText(), /Waits for Rhian Evans \(social worker, staff ID 1001\)/);
    await checkScreen(page, "82-access-worker-waits-for-submit");
    await byId(page, "proxy-submit").click();
    await page.locator("#decision-form").waitFor();
    assert.doesNotMatch(await page.locator("main").innerText(), /recording Ada Worker's decision/, "never the worker as the decider of another's step");
    assert.deepEqual(await page.$$eval("#decision-form .govuk-radios__label", (l) => l.map((x) => x.textContent)), ["Rhian Evans (social worker, staff ID 1001)"], "the decider is chosen from who may take it");
    await byId(page, "record").click();
    await page.locator("#error-summary a", { hasText: "Choose whose decision it is" }).waitFor();
    await checkScreen(page, "83-proxy-no-decider");
    await chooseDecider(page, "Rhian Evans");
    await byId(page, "record").click();
    await page.locator("#error-summary a", { hasText: "Enter the evidence of Rhian Evans's decision" }).waitFor();
    assert.match(await page.locator('[id="evidence-error"]').innerText(), /Ada Worker is recording it for them/);
    await checkScreen(page, "84-proxy-no-evidence");
    await fill(page, { evidence: "Email RE-1" });
    await byId(page, "record").click();
    await page.locator("#request-state", { hasText: "Submitted" }).waitFor();
    assert.equal(await byId(page, "step-agree").count(), 0, "agreeing is the team manager's");
    assert.match(await byId(page, "waits-agree").innerText(), /Waits for Tom Manager/);
    // A step that is not hers, opened by its address, is still only the form for someone else.
    await page.goto(`${door.url}/#/requests/REQ-2026-0001/step/agree`);
    await page.locator("#decision-form").waitFor();
    assert.equal(await page.locator("#decision-form input[type=radio]").count(), 1, "the decider is asked for");
    await page.close();
  } finally {
    await door.close();
  }
});

test("a request whose directed surveillance authorisation awaits a magistrate's approval offers no session, and says why", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await readyForAccess(page, door);
    await byId(page, "start-session").waitFor();
    await byId(page, "add-authorisation").click();
    await heading(page, "Record an authorisation");
    await byId(page, "kind").check();
    await byId(page, "person").check();
    await fill(page, { reference: "URN-2026-19", officer: "Sue Director" });
    await date(page, "granted", "22", "11", "2026");
    await byId(page, "save-authorisation").click();
    await page.locator("#authorisations", { hasText: "URN-2026-19" }).waitFor();
    assert.equal(await byId(page, "start-session").count(), 0, "no start button while it is not in force");
    assert.match(await byId(page, "access-missing").innerText(), /The directed surveillance authorisation URN-2026-19 is not in force: it awaits a magistrate's approval/);
    assert.doesNotMatch(await page.locator("main").innerText(), /ready for an access session/);
    await checkScreen(page, "85-authorisation-not-in-force");
    // Its session start, opened by its address, is refused with the same reason.
    await page.goto(`${door.url}/#/requests/REQ-2026-0001/session`);
    await heading(page, "Start an access session");
    await byId(page, "subject").check();
    await byId(page, "continue").click();
    await page.locator('#refused .app-refusal[data-code="authorisation_not_in_force"]').waitFor();
    await page.close();
  } finally {
    await door.close();
  }
});

test("the staff directory lists who takes part, adds a person, imports a file with every bad row named, and marks a leaver", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    // The laptop was first set up by Pat Morgan, who was not in the directory: her entry was
    // added then, in the role she gave, for whoever keeps the directory to check.
    await setUp(page, door, async (d) => {
      await cast(d);
      await d.call("worker_profile_set", { name: "Pat Morgan", role: "tm", staff_id: null });
    });
    await addMe(page, "Ada Worker", "role-2");
    await byId(page, "save-profile").click();
    await finishSetUp(page);
    await registerAna(door);
    await byId(page, "nav-staff").click();
    await heading(page, "Staff directory");
    assert.match(await page.locator("#staff tr", { hasText: "Ada Worker" }).innerText(), /Using this laptop/);
    assert.match(await page.locator("#staff tr", { hasText: "Ana Access" }).innerText(), /1005\s+Online checks\s+Authorised Access Worker\s+Registered/);
    assert.match(await page.locator("#staff tr", { hasText: "Pat Morgan" }).innerText(), /To review/);
    await checkScreen(page, "90-staff");

    await byId(page, "add-person").click();
    for (const message of ["Enter the person's name", "Select at least one role"]) await page.locator("#add-form-errors a", { hasText: message }).waitFor();
    await checkScreen(page, "91-staff-add-errors");
    await page.locator("#add-form-errors a", { hasText: "Select at least one role" }).click();
    assert.equal(await focusedId(page), "roles");
    await fill(page, { name: "Tomasz Wiśniewski", staff_id: "7", team: "Assessment East" });
    await byId(page, "roles-2").check();
    await byId(page, "roles-4").check();
    await byId(page, "add-person").click();
    await page.locator(".govuk-notification-banner", { hasText: "Tomasz Wiśniewski is added" }).waitFor();
    assert.match(await page.locator("#staff tr", { hasText: "Tomasz Wiśniewski" }).innerText(), /7\s+Assessment East\s+Team manager, service director/);

    // A file with three bad rows: each named at once, and nobody added.
    await byId(page, "file").setInputFiles({ name: "staff.csv", mimeType: "text/csv", buffer: Buffer.from("staff_id,name,roles,team\n20,,tm,East\n21,Kai Lee,boss,East\n22 3,Mo Ali,sd,\n23,Bo Good,sm,West\n") });
    await byId(page, "import").click();
    await page.locator("#import-errors").waitFor();
    assert.deepEqual(await page.locator("#import-errors li").allInnerTexts(), [
      "Row 2: Enter the person's name",
      "Row 3: \"boss\" is not a role: use osw (originating social worker), tm (team manager), sm (service manager), sd (service director), aaw (Authorised Access Worker) or legal",
      "Row 4: The staff ID must not contain spaces",
    ]);
    assert.equal(await page.locator("#import-form > #import-form-errors li").count(), 3, "every row's problem in the import's own summary");
    assert.equal(await page.locator("#staff tr", { hasText: "Bo Good" }).count(), 0, "nobody added on any error");
    await checkScreen(page, "92-staff-import-errors");
    await byId(page, "file").setInputFiles({ name: "staff.csv", mimeType: "text/csv", buffer: Buffer.from("staff_id,name,roles,team\n21,Kai Lee,aaw;legal,Online checks\n23,Bo Good,sm,West\n") });
    await byId(page, "import").click();
    await page.locator(".govuk-notification-banner", { hasText: "The people in staff.csv are added" }).waitFor();
    assert.match(await page.locator("#staff tr", { hasText: "Kai Lee" }).innerText(), /21\s+Online checks\s+Authorised Access Worker, legal team\s+Not registered/);

    // An entry to review is checked and completed: its roles and team set, its flag gone.
    await byId(page, "change-entry").click();
    await page.locator("#change-form-errors a", { hasText: "Choose the person whose entry changes" }).waitFor();
    await checkScreen(page, "93-staff-change-errors");
    await byId(page, "change-person").selectOption("Pat Morgan");
    await page.locator("[id='change-roles-2']").check();
    await byId(page, "change-team").fill("Assessment North");
    await byId(page, "change-entry").click();
    await page.locator(".govuk-notification-banner", { hasText: "Pat Morgan's entry is changed" }).waitFor();
    const pat = await page.locator("#staff tr", { hasText: "Pat Morgan" }).innerText();
    assert.match(pat, /Assessment North\s+Team manager/);
    assert.doesNotMatch(pat, /To review/, "checked and completed");

    // A leaver is marked, never removed (the form's problems: the next test).
    await byId(page, "person").selectOption("1002");
    await date(page, "on", "20", "11", "2026");
    await byId(page, "mark-left").click();
    await page.locator(".govuk-notification-banner", { hasText: "Tom Manager is marked as left" }).waitFor();
    assert.match(await page.locator("#staff tr", { hasText: "Tom Manager" }).innerText(), /Left on 20 November 2026/);
    assert.deepEqual(await page.$$eval("#person option", (o) => o.map((x) => x.textContent).filter((t) => t.includes("Tom Manager"))), [], "a leaver is not offered again");
    await checkScreen(page, "94-staff-leaver");
    await page.close();
  } finally {
    await door.close();
  }
});

test("a leaver's form with neither the person nor the day names both problems at once, in its own summary", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await setUpAs(page, door, "Ada Worker", "role-2");
    await byId(page, "nav-staff").click();
    await heading(page, "Staff directory");
    await byId(page, "mark-left").click();
    for (const message of ["Choose the person who left", "Enter the day they left"]) await page.locator("#leave-form-errors a", { hasText: message }).waitFor();
    // Four forms on the page: the problems are the leaver's form's, in its own summary there.
    assert.equal(await page.locator("main .govuk-error-summary").count(), 1);
    assert.equal(await page.locator("#leave-form > #leave-form-errors").count(), 1);
    assert.ok((await byId(page, "leave-form-errors").boundingBox()).y > (await byId(page, "change-entry").boundingBox()).y, "below the other forms");
    assert.equal(await focusedId(page), "leave-form-errors");
    assert.match(await page.title(), /^Error: /);
    await checkScreen(page, "93-staff-leave-errors");
    // With the person chosen and no day, nobody is marked as left.
    await byId(page, "person").selectOption("1002");
    await byId(page, "mark-left").click();
    await page.locator("#leave-form-errors a", { hasText: "Enter the day they left" }).waitFor();
    assert.equal((await door.call("staff_list")).staff.find((p) => p.name === "Tom Manager").left_on, null);
    await page.close();
  } finally {
    await door.close();
  }
});
