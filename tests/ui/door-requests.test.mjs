// The request's flows over the HTTP door against a real store and the real rules: creating a
// request step by step, its checks and errors, drafts, people, possible matches, submitting,
// referring back, withdrawing and the decisions recorded for others. Every screen axe-clean,
// with a screenshot of each in tests/out/ui.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { checkScreen, focusedId, heading, launch } from "./support.mjs";
import { openDoor } from "./door.mjs";
import { COUNCIL, addCast, addMe, registerAna, byId, chooseDecider, date, fill, fillRequest, finishSetUp, setUp, setUpAs, step } from "./journeys.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Runs `body` with a door over a new data folder and a page on it; closes both after. */
async function onDoor(body, options) {
  const door = await openDoor(options);
  const page = await door.page(browser);
  try {
    await body(door, page);
  } catch (error) {
    if (process.env.SHOW_PAGE) console.error(`--- ${page.url()}\n${await page.locator("main").innerText().catch(() => "")}`);
    throw error;
  } finally {
    await page.close();
    await door.close();
  }
}

/** Counts the commands the page sends over the door, by name, from now on. */
function countCalls(page) {
  const calls = {};
  page.on("request", (request) => {
    const command = /^\/api\/(\w+)$/.exec(new URL(request.url()).pathname)?.[1];
    if (command) calls[command] = (calls[command] ?? 0) + 1;
  });
  return calls;
}

/** The staff directory the tests' cast makes, added to the real store (after the worker's
 *  profile, in whose name they are added): the flows' cast (a social worker, a team manager,
 *  a service director and a service manager), an access worker and the legal team, and Ana
 *  Access registered as an Authorised Access Worker by Sue Director. `except` leaves some out. */
async function addStaff(door, { except = [] } = {}) {
  await addCast(door.start, COUNCIL.filter((person) => !except.includes(person.name)));
  if (!except.includes("Ana Access")) await registerAna(door);
}

test("a request with two subjects and an unnamed suspect is created, checked and authorised by mouse", () => onDoor(async (door, page) => {
  await setUp(page, door.start);
  await byId(page, "save-profile").click();
  await page.locator("#error-summary").waitFor();
  assert.equal(await focusedId(page), "error-summary", "focus moves to the error summary");
  assert.match(await page.title(), /^Error: /);
  await checkScreen(page, "03-profile-error");
  await addMe(page, "Ada Worker", "role-2");
  await byId(page, "save-profile").click();
  await finishSetUp(page);
  await checkScreen(page, "04-requests-empty");
  // The team manager, the service director and the access worker the request will wait for.
  await addStaff(door);

  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  await checkScreen(page, "05-case");
  await byId(page, "continue").click();
  await page.locator("#error-summary").waitFor();
  await checkScreen(page, "05-case-error");
  await byId(page, "save-later").click();
  await heading(page, "Investigation requests");
  await page.locator("#drafts").waitFor();
  await checkScreen(page, "04-requests-with-draft");

  await fillRequest(page, { from: ["1", "9", "2026"], to: ["1", "8", "2026"], screens: true });
  // The period is the wrong way round: the summary names it, its link moves focus to it.
  const summary = page.locator("#error-summary");
  await summary.waitFor();
  assert.equal(await focusedId(page), "error-summary");
  const link = summary.locator("a", { hasText: "must be the same as or after its start" });
  assert.equal(await link.count(), 1);
  assert.match(await page.locator('[id="period.to-error"]').innerText(), /The end of the period of interest must be the same as or after its start/, "the same words inline");
  await checkScreen(page, "08-period-error");
  const draftUrl = page.url();
  await page.goto(draftUrl.replace(/\/period.*$/, "/check"));
  await page.locator("#incomplete").waitFor();
  assert.equal(await focusedId(page), "incomplete", "an incomplete check moves focus to what is missing");
  await checkScreen(page, "09-check-incomplete");
  await page.locator("#incomplete a").first().click();
  await heading(page, "Period, scope, consent and legal advice");
  await page.locator("#error-summary").waitFor();
  const link2 = page.locator("#error-summary a", { hasText: "must be the same as or after its start" });
  await link2.click();
  assert.equal(await focusedId(page), "period.to.day");
  await page.goto(draftUrl);
  // The same page again, without the check's errors: once it has drawn, they are gone.
  await heading(page, "Period, scope, consent and legal advice");
  await page.locator("#error-summary").waitFor({ state: "detached" });
  await byId(page, "continue").click();
  await page.locator("#error-summary").waitFor();
  await link.click();
  assert.equal(await focusedId(page), "period.to.day");
  await date(page, "period.to", "31", "10", "2026");
  await checkScreen(page, "08-period");
  await byId(page, "continue").click();
  await heading(page, "Check your answers");
  const answers = await page.locator("main").innerText();
  assert.match(answers, /Not named: described as "Man with a red car, seen at the school gate" \(suspected associate\)/);
  assert.doesNotMatch(answers, /\bNone\b|Not given/, "an answer left empty is left out");
  assert.match(answers, /1 September to 31 October 2026/);
  assert.match(answers, /Facebook: https:\/\/facebook\.com\/jane\.doe\.1990/);
  await checkScreen(page, "09-check-answers");
  await byId(page, "commit").click();
  await heading(page, "Request REQ-2026-0001");
  assert.equal(await page.locator("#people > li").count(), 3);
  assert.match(await page.locator("#people").innerText(), /Man with a red car/);
  await checkScreen(page, "10-request-draft");

  // Edit the request: change one answer from the check page and come back to it.
  await byId(page, "change-request").click();
  await heading(page, "Check your answers");
  await page.locator("a", { hasText: "Change concern" }).click();
  await heading(page, "Reason, concern and triangulation");
  await fill(page, { concern: "A man said to be living at the home, seen twice this month" });
  await byId(page, "continue").click();
  await heading(page, "Check your answers");
  await checkScreen(page, "10-check-changes");
  await byId(page, "commit").click();
  await heading(page, "Request REQ-2026-0001");
  await page.locator("#notification", { hasText: "changed" }).waitFor();
  assert.match(await page.locator("#request-summary").innerText(), /seen twice this month/);

  // Submitting is the social worker's own step: the form does not ask who decided.
  await byId(page, "step-submit").click();
  await page.locator("#decision-form").waitFor();
  assert.equal(await byId(page, "decided_by").count(), 0, "no \"Who decided\" on the worker's own step");
  assert.match(await byId(page, "whose-decision").innerText(), /your own decision, in your name, Ada Worker/);
  await checkScreen(page, "11-decision");
  await byId(page, "record").click();
  await page.locator("#request-state", { hasText: "Submitted" }).waitFor();
  // Agreeing is the team manager's: no button of Ada's own, but who it waits for, and the
  // form for a decision made by email.
  assert.equal(await byId(page, "step-agree").count(), 0, "no agreement of the social worker's own");
  assert.match(await byId(page, "waits-agree").innerText(), /Waits for Tom Manager \(team manager, staff ID 1002\)/);
  await byId(page, "proxy-agree").click();
  await page.locator("#decision-form").waitFor();
  await byId(page, "record").click();
  await page.locator("#error-summary a", { hasText: "Choose whose decision it is" }).waitFor();
  await checkScreen(page, "12-decision-error");
  await page.locator("#error-summary a", { hasText: "Choose whose decision it is" }).click();
  assert.equal(await focusedId(page), "decided_by", "the summary's link moves focus to the choice of decider");
  await chooseDecider(page, "Tom Manager");
  assert.equal(await byId(page, "whose-decision").innerText(), "You are recording Tom Manager's decision, made by email or memo: team manager's agreement.");
  await byId(page, "record").click();
  await page.locator("#error-summary a", { hasText: "Enter the evidence of Tom Manager's decision" }).waitFor();
  await checkScreen(page, "12-decision-evidence-error");
  await fill(page, { evidence: "Email of 20 November" });
  await date(page, "decided_on", "24", "11", "2026");
  await byId(page, "record").click();
  await page.locator("#error-summary a", { hasText: "must not be in the future" }).waitFor();
  await date(page, "decided_on", "20", "11", "2026");
  await byId(page, "record").click();
  await page.locator("#error-summary a", { hasText: "must not be before the step it follows" }).waitFor();
  await date(page, "decided_on", "23", "11", "2026");
  await byId(page, "record").click();
  await page.locator("#request-state", { hasText: "Agreed" }).waitFor();
  assert.match(await page.locator("#decisions").innerText(), /Tom Manager \(team manager\) agreed on 23 November 2026, by Email of 20 November; recorded by Ada Worker on 23 November 2026/, "each decision in words");
  assert.equal(await byId(page, "step-permit").count(), 0);
  await byId(page, "proxy-permit").click();
  await page.locator("#decision-form").waitFor();
  assert.deepEqual(await page.$$eval("#decision-form .govuk-radios__label", (l) => l.map((x) => x.textContent)), ["Sue Director (service director, staff ID 1003)"], "only who may permit: the service director");
  await checkScreen(page, "12-permit");
  await chooseDecider(page, "Sue Director");
  await fill(page, { evidence: "Memo SD-77", conditions: "One look at each profile" });
  await byId(page, "record").click();
  await page.locator("#request-state", { hasText: "Permitted" }).waitFor();
  await page.goto(`${door.url}/#/requests/REQ-2026-0001/step/agree`);
  await heading(page, "This step is not open");
  // Why, in words, and what is open now.
  assert.equal(await byId(page, "not-open-why").innerText(), "The team manager's agreement cannot be recorded again: it is already recorded. Tom Manager (team manager) agreed on 23 November 2026, by Email of 20 November; recorded by Ada Worker on 23 November 2026.");
  assert.match(await byId(page, "open-steps").innerText(), /Confirm the request is legitimate, by/);
  await checkScreen(page, "12-step-not-open");
  await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
  await heading(page, "Request REQ-2026-0001");
  // The social worker never confirms the legitimacy of their own request.
  assert.equal(await byId(page, "step-confirm-legitimacy").count(), 0, "no button that would be refused");
  assert.match(await byId(page, "waits-confirm-legitimacy").innerText(), /Waits for Ana Access \(Authorised Access Worker, staff ID 1005\)[\s\S]*Ada Worker is this request's social worker/);
  await checkScreen(page, "13-request-permitted");
  // The page opens with its summary, then links to its sections, then the sections.
  assert.match(await byId(page, "request-overview").innerText(), /Reference\s+REQ-2026-0001\s+Case\s+CS-4410\s+Status\s+Permitted by service director\s+Waits for\s+Ana Access \(Authorised Access Worker, staff ID 1005\)\s+Next step\s+Confirm the request is legitimate/);
  const top = async (selector) => (await page.locator(selector).first().boundingBox()).y;
  assert.ok((await top("#request-overview")) < (await top("#contents")), "the summary comes before the contents");
  assert.ok((await top("#contents")) < (await top("main section")), "the contents come before the first section");
  const targets = await page.$$eval("#contents a", (links) => links.map((a) => [a.textContent, a.getAttribute("href")]));
  assert.deepEqual(targets.map(([text]) => text), ["Next steps", "Investigation log (Appendix 2)", "The request", "People to check", "Decisions", "Authorisations", "The pilot's evaluation", "Care record and evidence"]);
  for (const [text, href] of targets) {
    const target = page.locator(href);
    assert.equal(await target.count(), 1, `${href} names one element`);
    assert.equal(await target.innerText(), text, `${text} leads to its own heading`);
  }
  const here = page.url();
  await page.locator("#contents a", { hasText: "Decisions" }).click();
  assert.equal(await focusedId(page), "section-decisions", "the link moves focus to its section");
  assert.equal(page.url(), here, "and the request's page stays open");
  const where = await page.evaluate(() => [document.getElementById("section-decisions").getBoundingClientRect().top, scrollY, document.documentElement.scrollHeight, innerHeight]);
  // At the top of the window, or as near it as the page's end allows (a short page).
  const [sectionTop, scrolled, height, window] = where;
  assert.ok(sectionTop >= 0 && (sectionTop < 50 || (scrolled + window >= height - 1 && sectionTop < window / 2)), `scrolled to the section: ${where}`);

  // The register of access workers is the service director's decision: all three asked for.
  await page.locator('.app-nav__link[data-section="profile"]').click();
  await heading(page, "Worker profile");
  await byId(page, "register-aaw").click();
  // The register's form has its own summary, at its top, below the profile's form.
  await page.locator("#register-form-errors").waitFor();
  for (const message of ["Enter the access worker's name or staff ID", "Choose the service director", "Enter the reference of the service director's decision", "Enter the date they were trained"]) {
    await page.locator("#register-form-errors a", { hasText: message }).waitFor();
  }
  assert.equal(await byId(page, "error-summary").count(), 0, "the profile's form is not at fault");
  assert.equal(await page.locator("#register-form > #register-form-errors").count(), 1);
  assert.ok((await byId(page, "register-form-errors").boundingBox()).y > (await byId(page, "save-profile").boundingBox()).y, "below the profile's form");
  assert.equal(await focusedId(page), "register-form-errors");
  await page.locator("#register-form-errors a", { hasText: "Choose the service director" }).click();
  assert.equal(await focusedId(page), "decided_by");
  await checkScreen(page, "14-aaw-register-error");
  assert.deepEqual(await page.$$eval("#decided_by option", (o) => o.map((x) => x.textContent)), ["Choose the service director", "Sue Director (staff ID 1003)"], "chosen from the directory's service directors");
  assert.match(await page.locator("#aaw-register tbody tr", { hasText: "Ana Access" }).innerText(), /Sue Director\s+Memo SD-12\s+2 October 2026/, "who decided, the evidence and the training date");
  await checkScreen(page, "14-profile-with-register");

  await page.goto(`${door.url}/#/requests/REQ-2026-0001`);
  await step(page, "confirm-legitimacy", { decided_by: "Ana Access", evidence: "Email AA-3" }, "Legitimacy confirmed");
  assert.match(await page.locator("#decisions").innerText(), /Conditions: One look at each profile/);
  assert.match(await page.locator("#decisions").innerText(), /Ana Access \(Authorised Access Worker\) confirmed the request is legitimate on 23 November 2026, by Email AA-3; recorded by Ada Worker/, "who decided and who recorded it");
  // The social worker is offered no access session of their own, and is told why.
  assert.equal(await byId(page, "start-session").count(), 0);
  assert.doesNotMatch(await page.locator("main").innerText(), /ready for an access session/);
  assert.match(await byId(page, "access-missing").innerText(), /Ada Worker is not an Authorised Access Worker in the staff directory/);
  assert.match(await byId(page, "access-conditions").innerText(), /One look at each profile/);

  await page.locator('.app-nav__link[data-section="accounts"]').click();
  await heading(page, "Sanctioned accounts");
  await checkScreen(page, "15-accounts");
  await byId(page, "add-account").click();
  await page.locator("#error-summary").waitFor();
  await checkScreen(page, "15-accounts-error");
  await fill(page, { platform: "facebook", handle: "council.checks.7" });
  await byId(page, "identifiable_as_council-2").check();
  await byId(page, "add-account").click();
  await page.locator("#accounts", { hasText: "council.checks.7" }).waitFor();

  await page.goto(`${door.url}/#/requests/REQ-2026-0001/authorisations/new`);
  await heading(page, "Record an authorisation");
  await checkScreen(page, "16-authorisation");
  await byId(page, "save-authorisation").click();
  await page.locator("#error-summary").waitFor();
  await checkScreen(page, "16-authorisation-error");
  await byId(page, "kind").check();
  await byId(page, "person").waitFor();
  await checkScreen(page, "16-authorisation-directed-surveillance");
  await byId(page, "kind-2").check();
  await byId(page, "account").check();
  await fill(page, { reference: "URN-2026-19", officer: "Sue Director" });
  await date(page, "granted", "22", "11", "2026");
  await byId(page, "save-authorisation").click();
  await page.locator("#authorisations", { hasText: "URN-2026-19" }).waitFor();
  assert.match(await page.locator("#authorisations").innerText(), /22 November 2026\s+Not yet\s+20 December 2026\s+22 February 2027/, "dates as people write them");
  const oneLine = () => page.$$eval("#authorisations td .app-date", (cells) => cells.map((c) => {
    const style = getComputedStyle(c);
    return [c.textContent, c.getClientRects().length, c.getBoundingClientRect().height / parseFloat(style.lineHeight)];
  }));
  for (const width of [1280, 760]) {
    await page.setViewportSize({ width, height: 900 });
    const dates = await oneLine();
    assert.deepEqual(dates.map(([text]) => text), ["22 November 2026", "20 December 2026", "22 February 2027"]);
    for (const [text, lines, height] of dates) assert.ok(lines === 1 && height < 1.5, `${text} is on one line at ${width}px (${lines} boxes, ${height} lines high)`);
  }
  await checkScreen(page, "17-request-authorised-narrow");
  await page.setViewportSize({ width: 1280, height: 720 });
  const main = await page.locator("main").innerText();
  assert.doesNotMatch(main, /\b\d{4}-\d{2}-\d{2}\b/, "no ISO date on the request page");
  assert.match(main, /1 September to 31 October 2026/);
  assert.match(main, /born 2 March 1990/);
  await checkScreen(page, "17-request-authorised");

  // The register: the CHIS authorisation waits for a magistrate; its approval, a refused
  // cancellation without a reason, then the cancellation; and the central record's export.
  await byId(page, "request-register-link").click();
  await heading(page, "Authorisation register");
  assert.match(await byId(page, "register").innerText(), /URN-2026-19[\s\S]*No magistrate's approval yet[\s\S]*Awaiting approval/);
  // "Cancel" leads to the cancellation's own page: a secondary button, not a bare link.
  const cancel = page.locator("#register a", { hasText: "Cancel" }).first();
  assert.equal(await cancel.getAttribute("class"), "govuk-button govuk-button--secondary app-table-button");
  assert.equal(await cancel.getAttribute("role"), "button");
  assert.match(await byId(page, "register").innerText(), /council\.checks\.7 \(facebook\)/, "the account by its name and platform");
  assert.doesNotMatch(await page.locator("main").innerText(), /account \d/);
  await checkScreen(page, "17a-register");
  await page.locator("#register a", { hasText: "Record the approval" }).click();
  await heading(page, "Record the magistrate's approval of URN-2026-19");
  await byId(page, "save").click();
  await page.locator("#error-summary a", { hasText: "Enter the date approved" }).waitFor();
  await checkScreen(page, "17b-register-approve-error");
  await date(page, "approved", "23", "11", "2026");
  await byId(page, "save").click();
  await heading(page, "Authorisation register");
  assert.match(await byId(page, "register").innerText(), /Approved by a justice of the peace 23 November 2026/);
  assert.equal(await page.locator("#register a", { hasText: "Record the approval" }).count(), 0, "approved once");
  await page.locator("#register a", { hasText: "Cancel" }).click();
  await heading(page, "Cancel authorisation URN-2026-19");
  await byId(page, "save").click();
  await page.locator("#error-summary a", { hasText: "Enter why it is cancelled" }).waitFor();
  await fill(page, { reason: "The check is finished" });
  await byId(page, "save").click();
  await heading(page, "Authorisation register");
  assert.match(await byId(page, "register").innerText(), /Cancelled/);
  await byId(page, "export-central-record").click();
  // Where to write it is asked in words; the file is written there.
  await page.locator("#central-record-status", { hasText: `1 authorisation written to ${door.files}/central-record-` }).waitFor();
  assert.match(door.asked.at(-1), /Where to save it/);
  await checkScreen(page, "17c-register-exported");

  await page.locator('.app-nav__link[data-section="requests"]').click();
  await heading(page, "Investigation requests");
  await fill(page, { search: "red car" });
  await page.locator('form[role="search"] button').click();
  await page.locator("#requests", { hasText: "REQ-2026-0001" }).waitFor();
  await checkScreen(page, "18-requests-search");
  await fill(page, { search: "nobody at all" });
  await page.locator('form[role="search"] button').click();
  await page.locator("#no-requests").waitFor();
  await page.locator('.app-nav__link[data-section="settings"]').click();
  await heading(page, "Settings");
  await byId(page, "store-status-link").click();
  await heading(page, "The store is open");
  assert.doesNotMatch(await page.locator("main").innerText(), /Schema version|Store id/, "technical details fold away");
  await checkScreen(page, "19-store-status");
  await page.locator("#technical-details summary").click();
  await page.locator("#technical-details", { hasText: "Schema version" }).waitFor();
}));

test("a draft keeps what was typed and can be continued from the requests list", () => onDoor(async (door, page) => {
  await setUpAs(page, door.start, "Ada Worker", "role-2");
  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  await fill(page, { case_reference: "CS-9001", "team_manager.name": "Half a na" });
  // Leave at once, before the save that follows typing is due: it is finished first.
  await page.locator('.app-nav__link[data-section="requests"]').click();
  await page.locator("#drafts a", { hasText: "Continue" }).click();
  await heading(page, "Case and workers");
  assert.equal(await byId(page, "team_manager.name").inputValue(), "Half a na");
}));

test("captured or typed text is shown as text, never as markup", () => onDoor(async (door, page) => {
  await setUpAs(page, door.start, '<img src=x onerror="window.pwned=1">Ada', "role");
  await byId(page, "new-request").click();
  await fill(page, { case_reference: "<b>CS</b><script>window.pwned=2</script>" });
  await page.locator("#save-status", { hasText: "Draft saved" }).waitFor();
  await page.locator('.app-nav__link[data-section="requests"]').click();
  await page.locator("#drafts", { hasText: "<b>CS</b>" }).waitFor();
  assert.equal(await page.locator("#drafts tbody td").first().innerText(), "<b>CS</b><script>window.pwned=2</script>", "shown exactly as typed");
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator("#drafts b, #drafts script, main img").count(), 0);
}));

test("a person who may already be known is asked about before the request is created", () => onDoor(async (door, page) => {
  await setUpAs(page, door.start, "Ada Worker", "role-2");
  await addStaff(door);
  for (const expected of ["REQ-2026-0001", "REQ-2026-0002"]) {
    await page.locator('.app-nav__link[data-section="requests"]').click();
    await heading(page, "Investigation requests");
    await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"] });
    if (expected === "REQ-2026-0002") {
      // Each person who may already be known is asked about on their own page.
      await heading(page, "Jane Doe may already be known");
      assert.match(await byId(page, "earlier-requests").innerText(), /Request REQ-2026-0001 \(case CS-4410\)/, "the earlier request it may match");
      assert.match(await byId(page, "typed-person").innerText(), /2 March 1990/);
      assert.match(await byId(page, "known-person").innerText(), /2 March 1990/);
      await byId(page, "continue").click();
      await page.locator("#error-summary a", { hasText: "Select whether person 1 is Jane Doe" }).waitFor();
      await checkScreen(page, "09-possible-match-error");
      await page.locator("#error-summary a").first().click();
      assert.equal(await focusedId(page), "match-1-1", "the link moves focus to the question");
      await checkScreen(page, "09-possible-match");
      await byId(page, "match-1-1").check();
      await byId(page, "continue").click();
      await heading(page, "John Roe may already be known");
      await byId(page, "continue").click();
      await page.locator("#error-summary").waitFor();
      await byId(page, "match-2-2-2").check();
      await byId(page, "continue").click();
      await heading(page, "Check your answers");
      const said = await byId(page, "matches").innerText();
      assert.match(said, /The same person as Jane Doe/);
      assert.match(said, /Not John Roe, a different person/);
      await checkScreen(page, "09-check-matches");
      // An answer changed from the check page comes back to it.
      await page.locator("#matches a").nth(1).click();
      await heading(page, "John Roe may already be known");
      assert.equal(await byId(page, "match-2-2-2").isChecked(), true, "the answer given is kept");
      await byId(page, "continue").click();
      await heading(page, "Check your answers");
    } else {
      await heading(page, "Check your answers");
      assert.equal(await byId(page, "matches").count(), 0, "nobody is known yet");
    }
    await byId(page, "commit").click();
    await heading(page, `Request ${expected}`);
  }
}));

test("a request referred back can be changed and resubmitted, and a withdrawn one shows its state in the list", () => onDoor(async (door, page) => {
  // As createdRequest, with the team manager in the staff directory before the request names him.
  await setUpAs(page, door.start, "Ada Worker", "role-2");
  await addStaff(door);
  await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"] });
  await heading(page, "Check your answers");
  await byId(page, "commit").click();
  await heading(page, "Request REQ-2026-0001");
  assert.doesNotMatch(await byId(page, "step-submit").getAttribute("class"), /secondary/, "submitting is the primary action");
  assert.match(await byId(page, "step-withdraw").getAttribute("class"), /secondary/);
  await step(page, "submit", {}, "Submitted");
  await byId(page, "proxy-refer-back").click();
  await page.locator("#decision-form").waitFor();
  await chooseDecider(page, "Tom Manager");
  await fill(page, { evidence: "Email of 21 November" });
  await byId(page, "record").click();
  await page.locator("#error-summary a", { hasText: '"Refer back to social worker" needs a note of the reason' }).waitFor();
  await fill(page, { note: "Say which school staff raised the concern" });
  await byId(page, "record").click();
  await page.locator("#request-state", { hasText: "Referred back" }).waitFor();
  assert.equal(await byId(page, "change-request").count(), 1, "a request referred back can be changed");
  assert.match(await byId(page, "referred-back").innerText(), /Tom Manager referred this request back on 23 November 2026\.\s+Say which school staff raised the concern/);
  assert.doesNotMatch(await byId(page, "change-request").getAttribute("class"), /secondary/, "changing it is the primary action");
  assert.deepEqual(await page.$$eval("main .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning)", (b) => b.map((x) => x.id)), ["change-request"], "one main button");
  await checkScreen(page, "13-request-referred-back");
  await step(page, "withdraw", { note: "The family moved out of the area" }, "Withdrawn");
  await page.locator('.app-nav__link[data-section="requests"]').click();
  await page.locator("#requests", { hasText: "Withdrawn" }).waitFor();
}));

test("paragraphs typed in free text are shown as paragraphs, and right-to-left text is isolated", () => onDoor(async (door, page) => {
  await setUpAs(page, door.start, "Ada Worker", "role");
  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  await fill(page, { case_reference: "CS-4411", "originating_worker.name": "שרה כהן", "originating_worker.team": "Assessment East", "team_manager.name": "Tom Manager" });
  await byId(page, "continue").click();
  await heading(page, "Reason, concern and triangulation");
  await byId(page, "reason-4").check();
  await fill(page, { concern: "First paragraph.\n\nSecond paragraph.", triangulation: "Against the notes" });
  await byId(page, "continue").click();
  await heading(page, "Person 1");
  await page.goto(page.url().replace(/\/people.*$/, "/check"));
  const concern = page.locator(".govuk-summary-list__row", { hasText: "Second paragraph" }).locator(".govuk-summary-list__value");
  await concern.waitFor();
  assert.equal(await concern.innerText(), "First paragraph.\n\nSecond paragraph.");
  const isolated = await concern.evaluate((el) => getComputedStyle(el).unicodeBidi);
  assert.equal(isolated, "isolate");
  await checkScreen(page, "31-check-with-paragraphs");
}));

test("the profile step's platform is chosen from the policy's list, and a social worker's new request names them", () => onDoor(async (door, page) => {
  // The local policy defines a platform of its own, beside the built-in ones.
  await mkdir(door.dataDir, { recursive: true });
  await writeFile(join(door.dataDir, "policy.toml"), '[platforms.defined.localforum]\nname = "Reading Community Forum"\nhosts = ["forum.example.org"]\n');
  await setUpAs(page, door.start, "Olu Osei", "role-2");
  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  assert.equal(await byId(page, "originating_worker.name").inputValue(), "Olu Osei");
  await page.goto(`${door.url}/#/drafts/1/people`);
  await heading(page, "Person 1");
  await byId(page, "subjects[1].role").check();
  await byId(page, "add-profile").click();
  const options = await page.$$eval('[id="subjects[1].profiles[1].platform"] option', (o) => o.map((x) => x.textContent));
  assert.deepEqual(options.slice(0, 3), ["Choose the platform", "Facebook", "Instagram"], "chosen, never typed");
  assert.equal(options.at(-1), "Reading Community Forum", "a platform the policy defines is offered by its name");
  // The address must be on the platform's hosts: the hint says which, the backend refuses others.
  await byId(page, "subjects[1].profiles[1].platform").selectOption("reddit");
  assert.match(await byId(page, "subjects[1].profiles[1].url-hint").innerText(), /on reddit\.com$/);
  await fill(page, { "subjects[1].name": "Jane Doe", "subjects[1].profiles[1].url": "https://www.facebook.com/jane.doe" });
  await byId(page, "continue").click();
  await page.locator("#error-summary").waitFor();
  const urlError = await byId(page, "subjects[1].profiles[1].url-error").innerText();
  assert.match(urlError, /not on Reddit: its addresses are on reddit\.com/);
  await checkScreen(page, "39-platform-address-error");
  await byId(page, "subjects[1].profiles[1].platform").selectOption("localforum");
  await fill(page, { "subjects[1].profiles[1].url": "https://forum.example.org/u/jane" });
  await byId(page, "continue").click();
  await heading(page, "People to check");
  await page.goto(`${door.url}/#/drafts/1/people/1`);
  await heading(page, "Person 1");
  await checkScreen(page, "39-platform-choice");
}));

test("people are added one per page, role first, and removing one is confirmed", () => onDoor(async (door, page) => {
  await setUpAs(page, door.start, "Ada Worker", "role");
  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  await page.goto(`${door.url}/#/drafts/1/people`);
  await heading(page, "Person 1");
  assert.equal(await byId(page, "subjects[1].name").count(), 0, "only the role is asked until it is chosen");
  await byId(page, "subjects[1].role-3").check();
  assert.match(await page.locator('label[for="subjects[1].name"]').innerText(), /Full name, if known \(optional\)/);
  assert.equal(await byId(page, "subjects[1].date_of_birth.day").count(), 0, "a suspected associate is not asked for a date of birth");
  assert.equal(await byId(page, "subjects[1].description").count(), 1);
  await checkScreen(page, "40-person-suspected-associate");
  await byId(page, "subjects[1].role").check();
  assert.equal(await focusedId(page), "subjects[1].role", "focus stays on the role chosen");
  assert.equal(await byId(page, "subjects[1].description").count(), 0, "a subject's description is not asked for");
  assert.equal(await byId(page, "subjects[1].date_of_birth.day").count(), 1);
  await byId(page, "continue").click();
  await page.locator('[id="subjects[1].name-error"]', { hasText: "Enter the name of person 1" }).waitFor();
  // A fixed error leaves the page once the draft is saved with it fixed.
  await fill(page, { "subjects[1].name": "Jane Doe" });
  await page.locator("#save-status", { hasText: "Draft saved" }).waitFor();
  await page.locator('[id="subjects[1].name-error"]').waitFor({ state: "detached" });
  assert.equal(await page.locator("#error-summary").count(), 0, "the summary goes with its last error");
  assert.doesNotMatch(await page.title(), /^Error/);
  await byId(page, "continue").click();
  await heading(page, "People to check");
  assert.equal(await byId(page, "people-count").innerText(), "You have added 1 person.");
  await byId(page, "continue").click();
  await page.locator("#error-summary a", { hasText: "Select whether you need to add another person" }).waitFor();
  await checkScreen(page, "41-people-added-error");

  // Back from an added person with nothing typed leaves nobody behind.
  await byId(page, "add-another").check();
  await byId(page, "continue").click();
  await heading(page, "Person 2");
  await page.locator(".govuk-back-link").click();
  await heading(page, "People to check");
  assert.equal(await byId(page, "people-count").innerText(), "You have added 1 person.");

  // A person left without their name is named on the people added, linked to their page.
  await byId(page, "add-another").check();
  await byId(page, "continue").click();
  await heading(page, "Person 2");
  await byId(page, "subjects[2].role-2").check();
  await page.locator("#save-status", { hasText: "Draft saved" }).waitFor();
  await page.locator(".govuk-back-link").click();
  await heading(page, "People to check");
  await byId(page, "add-another-2").check();
  await byId(page, "continue").click();
  const problem = page.locator("#error-summary a", { hasText: "Enter the name of person 2" });
  await problem.waitFor();
  await problem.click();
  await heading(page, "Person 2");
  await page.locator('[id="subjects[2].name-error"]').waitFor();
  await fill(page, { "subjects[2].name": "John Roe" });
  await byId(page, "continue").click();
  await heading(page, "People to check");
  assert.equal(await byId(page, "people-count").innerText(), "You have added 2 people.");
  assert.match(await byId(page, "people-added").innerText(), /John Roe \(associate\)/);
  await checkScreen(page, "42-people-added");

  // Removing is confirmed; "No" keeps them.
  await byId(page, "remove-person-2").click();
  await heading(page, "Remove person 2");
  await byId(page, "continue").click();
  await page.locator("#error-summary a", { hasText: "Select whether to remove John Roe" }).waitFor();
  await checkScreen(page, "43-remove-person");
  await byId(page, "confirm-remove-2").check();
  await byId(page, "continue").click();
  await heading(page, "People to check");
  assert.equal(await byId(page, "people-count").innerText(), "You have added 2 people.");
  await byId(page, "remove-person-2").click();
  await heading(page, "Remove person 2");
  await byId(page, "confirm-remove").check();
  await byId(page, "continue").click();
  await heading(page, "People to check");
  assert.match(await page.locator(".govuk-notification-banner").innerText(), /John Roe removed/);
  assert.equal(await byId(page, "people-count").innerText(), "You have added 1 person.");
  assert.doesNotMatch(await byId(page, "people-added").innerText(), /John Roe/);
}));

test("check answers ends in submitting to the team manager, through the request's own step, and discarding is asked about first", () => onDoor(async (door, page) => {
  const calls = countCalls(page);
  await setUpAs(page, door.start, "Ada Worker", "role-2");
  await addStaff(door);
  await fillRequest(page, { from: ["1", "9", "2026"], to: ["31", "10", "2026"] });
  await heading(page, "Check your answers");
  // One main button, submitting; creating it to submit later is the other.
  assert.deepEqual(await page.$$eval("main .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning)", (b) => b.map((x) => x.textContent)), ["Submit to the team manager"]);
  assert.equal(await byId(page, "commit").innerText(), "Create it, and submit later");
  assert.match(await byId(page, "commit").getAttribute("class"), /govuk-button--secondary/);
  assert.ok((await byId(page, "commit-submit").boundingBox()).x < (await byId(page, "commit").boundingBox()).x, "the main button first");
  assert.match(await byId(page, "submit-advice").innerText(), /Submitting sends the request to the team manager to agree/);
  await checkScreen(page, "09b-check-answers-submit");

  // Discarding deletes what was typed: a page of its own, red only there; "No" goes back.
  await byId(page, "discard").click();
  await heading(page, "Discard this draft?");
  assert.match(await byId(page, "confirm-discard").getAttribute("class"), /govuk-button--warning/);
  assert.equal(await page.locator("main .govuk-button").count(), 1, "the one button is the red one");
  await checkScreen(page, "09c-discard-confirm");
  await byId(page, "keep-draft").click();
  await heading(page, "Check your answers");

  await byId(page, "commit-submit").click();
  await heading(page, "Request REQ-2026-0001");
  await page.locator("#request-state", { hasText: "Submitted" }).waitFor();
  assert.match(await byId(page, "notification").innerText(), /Request REQ-2026-0001 created and submitted to the team manager/);
  assert.match(await byId(page, "decisions").innerText(), /Ada Worker/);
  assert.equal(calls.request_step, 1, "the request's own submit step");
  const stored = (await door.call("request_get", { reference: "REQ-2026-0001" })).record;
  assert.deepEqual(stored.decisions.map((d) => [d.step, d.decided_by, d.recorded_by, d.evidence]), [["submit", "Ada Worker", "Ada Worker", null]], "submitted in her own name");
  await checkScreen(page, "10b-request-created-and-submitted");

  // An access worker creating a social worker's request records her submission, by email:
  // on another laptop (a store of its own).
  await onDoor(async (door, access) => {
    const calls = countCalls(access);
    await setUpAs(access, door.start, "Ana Access", "role");
    await addStaff(door, { except: ["Ana Access"] });
    await fillRequest(access, { from: ["1", "9", "2026"], to: ["31", "10", "2026"], osw: "Rhian Evans" });
    await heading(access, "Check your answers");
    await byId(access, "commit-submit").click();
    await access.locator("#decision-form").waitFor();
    assert.match(await access.locator("main h1").innerText(), /Submit to team manager/);
    assert.match(await byId(access, "notification").innerText(), /Request REQ-2026-0001 created[\s\S]*record the social worker's submission/i);
    assert.equal(calls.request_step ?? 0, 0, "nothing recorded in her name");
    await chooseDecider(access, "Rhian Evans");
    await fill(access, { evidence: "Email RE-2" });
    await byId(access, "record").click();
    await access.locator("#request-state", { hasText: "Submitted" }).waitFor();
    const stored = (await door.call("request_get", { reference: "REQ-2026-0001" })).record;
    assert.deepEqual(stored.decisions.map((d) => [d.step, d.decided_by, d.recorded_by, d.evidence]), [["submit", "Rhian Evans", "Ana Access", "Email RE-2"]], "the social worker's submission, recorded by the access worker");
  });
}));
