// The UI's journeys as a person takes them, shared by the flows over the HTTP door against
// the real rules: the first start, a request's steps, the decisions. `url` is the app's
// address with the door's token.
import assert from "node:assert/strict";
import { checkScreen, heading } from "./support.mjs";
import { callAt } from "./door.mjs";

export const byId = (page, id) => page.locator(`[id="${id}"]`);

export async function fill(page, values) {
  for (const [id, value] of Object.entries(values)) await byId(page, id).fill(value);
}

export async function date(page, id, day, month, year) {
  await fill(page, { [`${id}.day`]: day, [`${id}.month`]: month, [`${id}.year`]: year });
}

/** The first start up to the worker profile; `whileShown` runs while the recovery phrase
 *  is shown (a test fills the staff directory there). */
export async function setUp(page, url, whileShown = async () => {}) {
  await page.goto(url);
  await heading(page, "There is no store in this data folder yet");
  // A new installation in words, and what to do: not the store's error about its folder.
  const first = await byId(page, "store-message").innerText();
  assert.match(first, /This is a new installation[\s\S]*Create the store to begin/);
  assert.doesNotMatch(first, /create one first|triangulate-ui-/);
  await checkScreen(page, "01-store-not-created");
  await byId(page, "create-store").click();
  await page.locator("#recovery-phrase li").nth(11).waitFor();
  assert.match(await byId(page, "store-status").innerText(), /Intact: 1 change recorded/, "one change, not 1 changes");
  await checkScreen(page, "02-store-created");
  await whileShown();
  await byId(page, "continue").click();
  await heading(page, "Worker profile");
}

/** On the worker profile: not in the staff directory, so added to it as `name` in the role
 *  whose radio is `roleId`. (With nobody in the directory yet, as in a new store, the page
 *  does not ask whether the worker is in it.) */
export async function addMe(page, name, roleId) {
  if (await byId(page, "listed-2").count()) await byId(page, "listed-2").check();
  await fill(page, { name, staff_id: "" });
  await byId(page, roleId).check();
}

/** The first start's last step, the browser for captures, left as found; then the requests list. */
export async function finishSetUp(page) {
  await heading(page, "The browser for captures");
  await byId(page, "continue").click();
  await heading(page, "Home");
  await byId(page, "nav-requests").click();
  await heading(page, "Investigation requests");
}

/** A store and a worker profile (`roleId` picks the role's radio), ending on the requests list. */
export async function setUpAs(page, url, name, roleId) {
  await setUp(page, url);
  await addMe(page, name, roleId);
  await byId(page, "save-profile").click();
  await finishSetUp(page);
}

/** A new page with a store, Ada Worker's profile (a social worker) and request
 *  REQ-2026-0001 created, with Ada as its social worker, on its page. */
export async function createdRequest(page, url) {
  await setUpAs(page, url, "Ada Worker", "role-2");
  await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"] });
  await heading(page, "Check your answers");
  await byId(page, "commit").click();
  await heading(page, "Request REQ-2026-0001");
}

/** Fills the request's first steps; `period` chooses the dates, `period.osw` the
 *  originating social worker (Ada Worker unless said), and `period.profile` Jane Doe's
 *  listed profile (her Facebook address unless said). */
export async function fillRequest(page, period) {
  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  await fill(page, { case_reference: "CS-4410", "originating_worker.name": period.osw ?? "Ada Worker", "originating_worker.team": "Assessment East", "team_manager.name": "Tom Manager" });
  await byId(page, "continue").click();
  await heading(page, "Reason, concern and triangulation");
  if (period.screens) {
    await byId(page, "continue").click();
    await page.locator("#error-summary").waitFor();
    await checkScreen(page, "06-reason-error");
  }
  await byId(page, "reason-4").check();
  await fill(page, { concern: "A man said to be living at the home", triangulation: "Against the health visitor's notes" });
  await byId(page, "continue").click();
  // The people step: one person per page, then the people added, then whether to add another.
  await heading(page, "Person 1");
  if (period.screens) {
    await byId(page, "continue").click();
    await page.locator("#error-summary").waitFor();
    await checkScreen(page, "07-person-error");
  }
  await byId(page, "subjects[1].role").check();
  await fill(page, { "subjects[1].name": "Jane Doe", "subjects[1].relationship": "mother" });
  await date(page, "subjects[1].date_of_birth", "2", "3", "1990");
  await byId(page, "add-profile").click();
  await byId(page, "subjects[1].profiles[1].platform").selectOption("facebook");
  await fill(page, { "subjects[1].profiles[1].url": period.profile ?? "https://facebook.com/jane.doe.1990" });
  if (period.screens) await checkScreen(page, "07-person");
  await addPerson(page, 2, "subjects[2].role-2", { "subjects[2].name": "John Roe" });
  await addPerson(page, 3, "subjects[3].role-3", { "subjects[3].description": "Man with a red car, seen at the school gate" });
  await byId(page, "continue").click();
  await heading(page, "People to check");
  assert.equal(await page.locator("#people-added .govuk-summary-list__row").count(), 3);
  if (period.screens) await checkScreen(page, "07-people");
  await byId(page, "add-another-2").check();
  await byId(page, "continue").click();
  await heading(page, "Period, scope, consent and legal advice");
  await date(page, "period.from", ...period.from);
  await date(page, "period.to", ...period.to);
  await byId(page, "scope").check();
  await byId(page, "consent.status-3").check();
  await fill(page, { "consent.reason": "Telling the family would put the child at risk" });
  await byId(page, "continue").click();
}

/** From a person's page: Continue to the people added, answer Yes, and fill person `n`. */
export async function addPerson(page, n, roleId, values) {
  await byId(page, "continue").click();
  await heading(page, "People to check");
  await byId(page, "add-another").check();
  await byId(page, "continue").click();
  await heading(page, `Person ${n}`);
  await byId(page, roleId).check();
  await fill(page, values);
}

/** A step taken in the worker's own name (`step-…`); with `decided_by`, recorded for that
 *  person of the staff directory as a decision made by email (`proxy-…`). */
export async function step(page, id, values, expectState) {
  const { decided_by: decider, ...rest } = values;
  if (decider) {
    await byId(page, `proxy-${id}`).click();
    await page.locator("#decision-form").waitFor();
    await chooseDecider(page, decider);
  } else {
    await byId(page, `step-${id}`).click();
    await page.locator("#decision-form").waitFor();
  }
  await fill(page, rest);
  await byId(page, "record").click();
  await page.locator("#request-state", { hasText: expectState }).waitFor();
}

/** Chooses whose decision it is, by name, among the people it waits for. */
export async function chooseDecider(page, name) {
  await page.locator("#decision-form .govuk-radios__label, #log-form .govuk-radios__label", { hasText: name }).click();
}

/** Saves the worker profile as `name` in the role whose radio is `roleId`: the laptop's
 *  worker changes, as when another person signs in on the same laptop. */
export async function becomeWorker(page, name, roleId) {
  await page.locator('.app-nav__link[data-section="profile"]').click();
  await heading(page, "Worker profile");
  await addMe(page, name, roleId);
  await byId(page, "save-profile").click();
  await heading(page, "Investigation requests");
}

/** The app's page at `route` (such as "#/requests/REQ-2026-0001"), from its address `url`
 *  (with or without the door's token: the page keeps the token it was given). */
export function appAt(url, route) {
  return `${new URL(url).origin}/${route}`;
}

/** The people the flows decide for, added to the staff directory as the service would: a
 *  social worker, a team manager, a service director and a service manager. Through the
 *  door whose address (with its token) is `url`. */
export const CAST = [
  { name: "Rhian Evans", roles: ["osw"], staff_id: "1001", team: "Assessment East" },
  { name: "Tom Manager", roles: ["tm"], staff_id: "1002", team: "Assessment East" },
  { name: "Sue Director", roles: ["sd"], staff_id: "1003", team: "" },
  { name: "Jo Price", roles: ["sm"], staff_id: "1004", team: "" },
];

/** The whole council the tests know: the cast, an access worker and the legal team. */
export const COUNCIL = [
  ...CAST,
  { name: "Ana Access", roles: ["aaw"], staff_id: "1005", team: "Online checks" },
  { name: "Lee Legal", roles: ["legal"], staff_id: "1006", team: "" },
];

/** People as the council's staff list gives them, a CSV file for `staff_import`. */
export function staffCsv(people = COUNCIL) {
  return ["staff_id,name,roles,team", ...people.map((p) => `${p.staff_id},${p.name},${p.roles.join(";")},${p.team}`)].join("\n");
}

export async function addCast(url, people = CAST) {
  for (const person of people) await callAt(url, "staff_add", person);
}

/** Ana Access registered as an Authorised Access Worker on Sue Director's decision, through
 *  `door` (the register needs a worker profile, in whose name it is recorded). */
export async function registerAna(door) {
  await door.call("aaw_register", { name: "1005", decided_by: "1003", evidence: "Memo SD-12", trained: { day: "2", month: "10", year: "2026" } });
}

/** A new page with REQ-2026-0001, whose social worker is Rhian Evans, permitted (with the
 *  service director's `conditions`, if any) and its legitimacy confirmed by Ada Worker, the
 *  laptop's worker and a registered Authorised Access Worker, with one sanctioned account;
 *  on the request's page. The staff directory holds the cast (`CAST`); the decisions that are
 *  not Ada's are recorded as made by email. `url` is the app's address (the door's, with its
 *  token); `profile`, Jane Doe's listed profile (see `fillRequest`). */
export async function readyForAccess(page, url, { conditions = "", profile, setUp } = {}) {
  if (setUp) {
    // The test's own first start, with its staff directory, ending on the requests list.
    await setUp();
  } else {
    await setUpAs(page, url, "Ada Worker", "role");
    // The store starts with no one but Ada: the cast joins the staff directory.
    await addCast(url);
  }
  await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"], osw: "Rhian Evans", profile });
  await heading(page, "Check your answers");
  await byId(page, "commit").click();
  await heading(page, "Request REQ-2026-0001");
  await step(page, "submit", { decided_by: "Rhian Evans", evidence: "Email RE-1" }, "Submitted");
  await step(page, "agree", { decided_by: "Tom Manager", evidence: "Email of 20 November" }, "Agreed");
  await step(page, "permit", { decided_by: "Sue Director", evidence: "Memo SD-77", ...(conditions ? { conditions } : {}) }, "Permitted");
  await page.locator('.app-nav__link[data-section="profile"]').click();
  await heading(page, "Worker profile");
  await fill(page, { "aaw-name": "Ada Worker", evidence: "Memo SD-80" });
  await byId(page, "decided_by").selectOption("1003");
  await date(page, "trained", "2", "10", "2026");
  await byId(page, "register-aaw").click();
  await page.locator("#aaw-register", { hasText: "Ada Worker" }).waitFor();
  await addAccount(page);
  await page.goto(appAt(url, "#/requests/REQ-2026-0001"));
  await step(page, "confirm-legitimacy", {}, "Legitimacy confirmed");
}

/** The sanctioned account council.checks.7 on Facebook, identifiable as the council's. */
export async function addAccount(page) {
  await page.locator('.app-nav__link[data-section="accounts"]').click();
  await heading(page, "Sanctioned accounts");
  await fill(page, { platform: "facebook", handle: "council.checks.7" });
  await byId(page, "identifiable_as_council").check();
  await byId(page, "add-account").click();
  await page.locator("#accounts", { hasText: "council.checks.7" }).waitFor();
}

/** From the log, records the finalisation as the request's social worker's, made by email. */
export async function finaliseFor(page, name, rating, assessment) {
  await logAction(page, "proxy-finalise", "Assess and finalise");
  await chooseDecider(page, name);
  await fill(page, { evidence: "Email of 24 November", assessment });
  await byId(page, rating).check();
}

export async function logAction(page, id, title) {
  await byId(page, id).click();
  await heading(page, title);
}

export async function saveLogForm(page, state) {
  await byId(page, "save").click();
  await heading(page, "Investigation log");
  if (state) await page.locator("#request-state", { hasText: state }).waitFor();
}
