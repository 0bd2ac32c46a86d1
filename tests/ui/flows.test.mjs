// The UI's flows in headless Chromium against the fake backend: every screen axe-clean in
// its normal and its error state, with a screenshot of each in tests/out/ui.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browserFixture, checkScreen, focusedId, heading } from "./support.mjs";
import { addMe, becomeWorker, byId, chooseDecider, date, fill, fillRequest, finishSetUp, step } from "./journeys.mjs";
import * as journeys from "./journeys.mjs";

const fixture = browserFixture();

const setUp = (page) => journeys.setUp(page, fixture.served.url);
const setUpAs = (page, name, roleId) => journeys.setUpAs(page, fixture.served.url, name, roleId);
const createdRequest = (page) => journeys.createdRequest(page, fixture.served.url);
const readyForAccess = (page, options) => journeys.readyForAccess(page, fixture.served.url, options);
const { finaliseFor, logAction, saveLogForm } = journeys;

test("a request with two subjects and an unnamed suspect is created, checked and authorised by mouse", async () => {
  const page = await fixture.browser.newPage();
  await setUp(page);
  await byId(page, "save-profile").click();
  await page.locator("#error-summary").waitFor();
  assert.equal(await focusedId(page), "error-summary", "focus moves to the error summary");
  assert.match(await page.title(), /^Error: /);
  await checkScreen(page, "03-profile-error");
  await addMe(page, "Ada Worker", "role-2");
  await byId(page, "save-profile").click();
  await finishSetUp(page);
  await checkScreen(page, "04-requests-empty");

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
  await heading(page, "Period, scope, consent and legal advice");
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
  assert.match(await page.locator("#decisions").innerText(), /Tom Manager \(team manager\) agreed on 23 November 2026, by email Email of 20 November; recorded by Ada Worker on 23 November 2026/, "each decision in words");
  assert.equal(await byId(page, "step-permit").count(), 0);
  await byId(page, "proxy-permit").click();
  await page.locator("#decision-form").waitFor();
  assert.deepEqual(await page.$$eval("#decision-form .govuk-radios__label", (l) => l.map((x) => x.textContent)), ["Sue Director (service director, staff ID 1003)"], "only who may permit: the service director");
  await checkScreen(page, "12-permit");
  await chooseDecider(page, "Sue Director");
  await fill(page, { evidence: "Memo SD-77", conditions: "One look at each profile" });
  await byId(page, "record").click();
  await page.locator("#request-state", { hasText: "Permitted" }).waitFor();
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001/step/agree`);
  await heading(page, "This step is not open");
  // Why, in words, and what is open now.
  assert.equal(await byId(page, "not-open-why").innerText(), "The team manager's agreement cannot be recorded again: it is already recorded. Tom Manager (team manager) agreed on 23 November 2026, by email Email of 20 November; recorded by Ada Worker on 23 November 2026.");
  assert.match(await byId(page, "open-steps").innerText(), /Confirm the request is legitimate, by/);
  await checkScreen(page, "12-step-not-open");
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001`);
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
  assert.ok((await page.evaluate(() => document.getElementById("section-decisions").getBoundingClientRect().top)) < 50, "scrolled to the section");

  // The register of access workers is the service director's decision: all three asked for.
  await page.locator('.app-nav__link[data-section="profile"]').click();
  await heading(page, "Worker profile");
  await byId(page, "register-aaw").click();
  // The register's form has its own summary, at its top, below the profile's form.
  await page.locator("#register-form-errors").waitFor();
  for (const message of ["Enter the access worker's staff ID or name", "Choose the service director", "Enter the reference of the service director's decision", "Enter the date they were trained"]) {
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
  // A registration made without the service director's decision is flagged, and completed
  // the same way.
  const legacy = page.locator("#aaw-register tbody tr", { hasText: "Sam Legacy" });
  assert.match(await legacy.innerText(), /Incomplete[\s\S]*Not recorded/);
  await checkScreen(page, "14-profile-with-register");
  await legacy.locator("a", { hasText: "Complete the registration" }).click();
  await page.locator("h2", { hasText: "Complete a registration" }).waitFor();
  assert.equal(await byId(page, "aaw-name").inputValue(), "1007", "the person to complete, by staff ID");
  await byId(page, "decided_by").selectOption("1003");
  await fill(page, { evidence: "Memo SD-90" });
  await date(page, "trained", "2", "10", "2027");
  await byId(page, "register-aaw").click();
  await page.locator("#register-form-errors a", { hasText: "must not be in the future" }).waitFor();
  await date(page, "trained", "1", "10", "2026");
  await byId(page, "register-aaw").click();
  await page.locator(".govuk-notification-banner", { hasText: "Sam Legacy is registered" }).waitFor();
  assert.match(await page.locator("#aaw-register tbody tr", { hasText: "Sam Legacy" }).innerText(), /Sue Director\s+Memo SD-90\s+1 October 2026/);
  assert.doesNotMatch(await page.locator("#aaw-register tbody tr", { hasText: "Sam Legacy" }).innerText(), /Incomplete|Not recorded/);

  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001`);
  await step(page, "confirm-legitimacy", { decided_by: "Ana Access", evidence: "Email AA-3" }, "Legitimacy confirmed");
  assert.match(await page.locator("#decisions").innerText(), /Conditions: One look at each profile/);
  assert.match(await page.locator("#decisions").innerText(), /Ana Access \(Authorised Access Worker\) confirmed its legitimacy on 23 November 2026, by email Email AA-3; recorded by Ada Worker/, "who decided and who recorded it");
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

  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001/authorisations/new`);
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
  await page.locator("#central-record-status", { hasText: "1 authorisation written to /home/worker/Documents/central-record-" }).waitFor();
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
  await page.close();
});

test("a draft keeps what was typed and can be continued from the requests list", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role-2");
  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  await fill(page, { case_reference: "CS-9001", "team_manager.name": "Half a na" });
  // Leave at once, before the save that follows typing is due: it is finished first.
  await page.locator('.app-nav__link[data-section="requests"]').click();
  await page.locator("#drafts a", { hasText: "Continue" }).click();
  await heading(page, "Case and workers");
  assert.equal(await byId(page, "team_manager.name").inputValue(), "Half a na");
  await page.close();
});

test("captured or typed text is shown as text, never as markup", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, '<img src=x onerror="window.pwned=1">Ada', "role");
  await byId(page, "new-request").click();
  await fill(page, { case_reference: "<b>CS</b><script>window.pwned=2</script>" });
  await page.locator("#save-status", { hasText: "Draft saved" }).waitFor();
  await page.locator('.app-nav__link[data-section="requests"]').click();
  await page.locator("#drafts", { hasText: "<b>CS</b>" }).waitFor();
  assert.equal(await page.locator("#drafts tbody td").first().innerText(), "<b>CS</b><script>window.pwned=2</script>", "shown exactly as typed");
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal(await page.locator("#drafts b, #drafts script, main img").count(), 0);
  await page.close();
});

test("a person who may already be known is asked about before the request is created", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role-2");
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
  await page.close();
});

test("a request referred back can be changed and resubmitted, and a withdrawn one shows its state in the list", async () => {
  const page = await fixture.browser.newPage();
  await createdRequest(page);
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
  await page.close();
});

test("a store without its recovery file says so on every screen until a new phrase is made", async () => {
  const page = await fixture.browser.newPage();
  await page.goto(`${fixture.served.url}?recovery-lost`);
  await heading(page, "There is no store in this data folder yet");
  await byId(page, "create-store").click();
  await page.locator("#recovery-phrase li").nth(11).waitFor();
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
  await page.close();
});

test("a store whose audit head lost a copy says on every screen and on its status that a rollback cannot be ruled out", async () => {
  const page = await fixture.browser.newPage();
  await page.goto(`${fixture.served.url}?head-missing`);
  await heading(page, "There is no store in this data folder yet");
  assert.ok(!(await byId(page, "rollback-warning").isVisible()), "no store, no warning");
  await byId(page, "create-store").click();
  await page.locator("#recovery-phrase li").nth(11).waitFor();
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
});

test("paragraphs typed in free text are shown as paragraphs, and right-to-left text is isolated", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role");
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
  await page.close();
});

test("a PDF is exported through the save dialog, a draft only until the log is finalised, and its filing is checked field by field", async () => {
  const page = await fixture.browser.newPage();
  await createdRequest(page);
  await page.locator("#filed", { hasText: "No PDF of this request has been recorded as filed" }).waitFor();
  await byId(page, "export-link").click();
  await heading(page, "Export a PDF");
  await page.locator("#draft-notice", { hasText: "can only be a draft" }).waitFor();
  await checkScreen(page, "16-export-pdf");

  // Cancelling the save dialog exports nothing.
  await page.evaluate(() => (window.fakeSaveAs = null));
  await byId(page, "export-pdf").click();
  await page.locator("#export-status", { hasText: "Not exported: no file was chosen" }).waitFor();

  // The log alone, saved where the dialog says; ".pdf" is added when the name lacks it.
  await page.evaluate(() => (window.fakeSaveAs = "/home/worker/Documents/REQ-2026-0001 log"));
  await byId(page, "only-3").check();
  await byId(page, "export-pdf").click();
  await heading(page, "Draft PDF exported");
  assert.equal(await byId(page, "exported-path").innerText(), "/home/worker/Documents/REQ-2026-0001 log.pdf");
  const sha = await byId(page, "exported-sha256").innerText();
  assert.match(sha, /^[0-9a-f]{64}$/, "the digest is shown whole");
  assert.equal(await byId(page, "record-filing-link").count(), 0, "a draft is not filed");
  await byId(page, "open-pdf").click();
  assert.deepEqual(await page.evaluate(() => window.fakeOpened), ["/home/worker/Documents/REQ-2026-0001 log.pdf"]);
  await checkScreen(page, "17-export-pdf-done");

  // The same file again is refused, and nothing is replaced.
  await page.locator("main .govuk-back-link").click();
  await heading(page, "Request REQ-2026-0001");
  await byId(page, "export-link").click();
  await heading(page, "Export a PDF");
  await byId(page, "only-3").check();
  await byId(page, "export-pdf").click();
  await page.locator("#failure", { hasText: "already exists" }).waitFor();

  // The evidence bundle, a ZIP through the same dialog.
  await page.locator("main .govuk-back-link").click();
  await heading(page, "Request REQ-2026-0001");
  await byId(page, "export-link").click();
  await heading(page, "Export a PDF");
  await page.evaluate(() => (window.fakeSaveAs = undefined));
  await byId(page, "only-4").check();
  await byId(page, "export-pdf").click();
  await heading(page, "Draft evidence bundle exported");
  assert.equal(await byId(page, "exported-path").innerText(), "/home/worker/Documents/REQ-2026-0001-evidence-bundle-draft.zip");
  assert.match(await byId(page, "bundle-fingerprint").innerText(), /^[0-9a-f]{64}$/);
  await checkScreen(page, "17b-bundle-exported");

  // Filing: every field checked, a draft refused by its digest.
  await page.evaluate((hash) => (location.hash = hash), `#/requests/REQ-2026-0001/filed?sha=${sha}`);
  await heading(page, "Record that the PDF was filed");
  assert.equal(await byId(page, "by").inputValue(), "Ada Worker", "the worker using the app, to start with");
  await fill(page, { by: "" });
  await byId(page, "record-filing").click();
  await page.locator("#error-summary a", { hasText: "That PDF is a draft" }).waitFor();
  for (const message of ["Enter where it was filed", "Enter the care record's reference", "Enter who filed it"]) {
    await page.locator("#error-summary a", { hasText: message }).waitFor();
  }
  await checkScreen(page, "18-filing-errors");
  await page.locator("#error-summary a", { hasText: "Enter where it was filed" }).click();
  assert.equal(await focusedId(page), "where");
  await page.close();
});

test("the investigation log is kept, completed, finalised, shared, corrected and compared, and the request closed", async () => {
  const page = await fixture.browser.newPage();
  await createdRequest(page);
  // Before access is ready there is nothing to record.
  await byId(page, "open-log").click();
  await heading(page, "Investigation log");
  await page.locator("#not-ready").waitFor();
  await checkScreen(page, "20-log-not-ready");
  await page.close();

  const worker = await fixture.browser.newPage();
  await readyForAccess(worker);
  await byId(worker, "open-log").click();
  await heading(worker, "Investigation log");
  await worker.locator("#no-log").waitFor();
  await checkScreen(worker, "21-log-empty");

  await logAction(worker, "add-search", "Record a search");
  await checkScreen(worker, "22-log-search");
  await fill(worker, { time: "25:00" });
  await date(worker, "at", "23", "11", "2026");
  await byId(worker, "save").click();
  await worker.locator("#error-summary").waitFor();
  for (const message of ["24-hour clock", "Select the sanctioned account", "Enter what was searched", "Enter the result"]) {
    await worker.locator("#error-summary a", { hasText: message }).waitFor();
  }
  // The time's error is on the time, not on the date (WCAG 3.3.1).
  assert.match(await byId(worker, "time-error").innerText(), /24-hour clock/);
  assert.equal(await byId(worker, "at-error").count(), 0, "nothing is wrong with the date");
  assert.equal(await byId(worker, "time").getAttribute("aria-describedby"), "time-hint time-error");
  await worker.locator("#error-summary a", { hasText: "24-hour clock" }).click();
  assert.equal(await focusedId(worker), "time");
  await checkScreen(worker, "22-log-search-errors");
  await worker.locator("#error-summary a", { hasText: "Select the sanctioned account" }).click();
  assert.equal(await focusedId(worker), "account");
  await byId(worker, "account").check();
  await fill(worker, { searched: "Jane Doe", result: "Profile found.\n\nPhotos public since May.", time: "" });
  await date(worker, "at", "", "", "");
  await saveLogForm(worker, "In progress");
  assert.match(await byId(worker, "searches").innerText(), /facebook: council\.checks\.7/);
  assert.match(await byId(worker, "searches").innerText(), /Photos public since May/);

  await logAction(worker, "add-finding", "Record a finding");
  await byId(worker, "save").click();
  await worker.locator("#error-summary a", { hasText: "Enter the finding" }).waitFor();
  await fill(worker, { text: "A photo with the man, dated 3 November" });
  await saveLogForm(worker);
  await logAction(worker, "disagree", "Record a disagreement about relevance");
  assert.equal(await byId(worker, "by").inputValue(), "Ada Worker");
  await fill(worker, { about: "The social worker holds the photo is not relevant" });
  await saveLogForm(worker);
  await byId(worker, "settle-1").click();
  await heading(worker, "Record the service manager's outcome of disagreement 1");
  await fill(worker, { by: "Jo Price", outcome: "Relevant: keep it" });
  await saveLogForm(worker);
  assert.match(await byId(worker, "disagreements").innerText(), /Jo Price/);
  // One main button: completing the log, with searches recorded; recording another is secondary.
  assert.deepEqual(await worker.$$eval("main .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning)", (b) => b.map((x) => x.id)), ["complete"]);
  assert.match(await byId(worker, "add-search").getAttribute("class"), /govuk-button--secondary/);
  await checkScreen(worker, "23-log-in-progress");

  await logAction(worker, "complete", "Complete the log");
  await saveLogForm(worker, "Log completed");
  assert.equal(await byId(worker, "add-search").count(), 0, "no more searches once completed");
  // Finalising is the social worker's: it waits for Rhian Evans, and is recorded for her.
  assert.equal(await byId(worker, "finalise").count(), 0, "the access worker who completed it does not finalise it");
  assert.match(await byId(worker, "waits-finalise").innerText(), /Waits for Rhian Evans \(social worker, staff ID 1001\)/);
  await checkScreen(worker, "24-log-waits-for-finalise");
  await logAction(worker, "proxy-finalise", "Assess and finalise");
  await byId(worker, "save").click();
  for (const message of ["Choose whose decision it is"]) await worker.locator("#error-summary a", { hasText: message }).waitFor();
  await chooseDecider(worker, "Rhian Evans");
  assert.match(await byId(worker, "whose-decision").innerText(), /You are recording Rhian Evans's decision/);
  await byId(worker, "save").click();
  await worker.locator("#error-summary a", { hasText: "Enter the evidence of Rhian Evans's decision" }).waitFor();
  await fill(worker, { evidence: "Email of 24 November" });
  await byId(worker, "save").click();
  await worker.locator("#error-summary a", { hasText: "Rating must be" }).waitFor();
  await checkScreen(worker, "24-log-finalise-errors");
  await byId(worker, "rating-3").check();
  await fill(worker, { assessment: "It contradicts the claimed separation" });
  await saveLogForm(worker, "Finalised");
  assert.match(await byId(worker, "versions-signed").innerText(), /Version 1: completed by Ada Worker on 23 November 2026; finalised by Rhian Evans on 23 November 2026/);
  await worker.locator("#log-version", { hasText: "read-only" }).waitFor();
  assert.equal(await byId(worker, "add-finding").count(), 0, "a finalised log is read-only");
  await logAction(worker, "proxy-share", "Record sharing");
  await chooseDecider(worker, "Rhian Evans");
  await fill(worker, { evidence: "Email of 25 November" });
  await byId(worker, "save").click();
  await worker.locator("#error-summary a", { hasText: "Say who the log was shared with" }).waitFor();
  for (const id of ["with", "with-2", "with-3"]) await byId(worker, id).check();
  await saveLogForm(worker, "Shared");
  assert.match(await byId(worker, "log-summary").innerText(), /the team manager, the service manager, the service director/);

  await logAction(worker, "correct", "Correct the log");
  await fill(worker, { note: "The photo's date was wrong" });
  await saveLogForm(worker);
  await worker.locator("#correction-note", { hasText: "date was wrong" }).waitFor();
  await logAction(worker, "add-finding", "Record a finding");
  await fill(worker, { text: "The photo is dated 4 November" });
  await saveLogForm(worker);
  await finaliseFor(worker, "Rhian Evans", "rating-2", "Less than first thought");
  await saveLogForm(worker, "Shared");
  assert.match(await byId(worker, "versions-signed").innerText(), /Version 2: completed by Ada Worker on 23 November 2026; finalised by Rhian Evans/);
  await byId(worker, "versions").waitFor();
  // Finalised: the main action is the final PDF for the care record, a button.
  assert.deepEqual(await worker.$$eval("main .govuk-button:not(.govuk-button--secondary):not(.govuk-button--warning)", (b) => b.map((x) => x.textContent)), ["Export the final PDF for the care record"]);
  assert.ok((await byId(worker, "export-final").boundingBox()).y < (await byId(worker, "searches").boundingBox()).y, "above the log itself");
  assert.equal(await byId(worker, "export-log").count(), 0);
  await checkScreen(worker, "25-log-version-2");
  await byId(worker, "compare-1").click();
  await byId(worker, "differences").waitFor();
  assert.match(await byId(worker, "differences").innerText(), /Finding 2\s+Not there\s+The photo is dated 4 November/);
  await checkScreen(worker, "26-log-compared");
  await worker.locator("#versions a", { hasText: "Version 1" }).click();
  await worker.locator("#earlier-version").waitFor();
  assert.equal(await byId(worker, "correct").count(), 0, "an earlier version is only read");
  await checkScreen(worker, "27-log-earlier-version");

  await worker.goto(`${fixture.served.url}#/requests/REQ-2026-0001/log`);
  await heading(worker, "Investigation log");
  await byId(worker, "close").click();
  await worker.locator("#decision-form").waitFor();
  await chooseDecider(worker, "Tom Manager");
  await fill(worker, { evidence: "Email of 30 November" });
  await byId(worker, "record").click();
  await worker.locator("#request-state", { hasText: "Closed" }).waitFor();

  // The final PDF, exported from the log's main button, and its filing recorded by choosing
  // the exported file: its SHA-256 is worked out, not typed.
  await worker.goto(`${fixture.served.url}#/requests/REQ-2026-0001/log`);
  await heading(worker, "Investigation log");
  await byId(worker, "export-final").click();
  await heading(worker, "Export a PDF");
  assert.equal(await byId(worker, "only").isChecked(), true, "the care record, to start with");
  await byId(worker, "export-pdf").click();
  await heading(worker, "PDF exported");
  const path = await byId(worker, "exported-path").innerText();
  assert.equal(path, "/home/worker/Documents/REQ-2026-0001-care-record.pdf");
  assert.equal(await worker.locator("#exported-path wbr").count(), 4, "the path wraps after each separator");
  const finalSha = await byId(worker, "exported-sha256").innerText();
  await byId(worker, "record-filing-link").click();
  await heading(worker, "Record that the PDF was filed");
  assert.equal(await byId(worker, "chosen-sha256").innerText(), finalSha, "the PDF just exported");
  // A file that cannot be read: said on the chooser, which the summary links to.
  await worker.evaluate(() => (window.fakeOpenFile = "/home/worker/Documents/other.pdf"));
  await byId(worker, "choose-pdf").click();
  await worker.locator("#error-summary a", { hasText: "The file could not be read" }).click();
  assert.equal(await focusedId(worker), "choose-pdf");
  assert.match(await byId(worker, "choose-pdf-error").innerText(), /other\.pdf cannot be read/);
  // Cancelling the dialog changes nothing; choosing the exported file works out its digest.
  await worker.evaluate(() => (window.fakeOpenFile = null));
  await byId(worker, "choose-pdf").click();
  await byId(worker, "choose-pdf-error").waitFor();
  await worker.evaluate(() => (window.fakeOpenFile = undefined));
  await byId(worker, "choose-pdf").click();
  await byId(worker, "chosen-path").waitFor();
  assert.equal(await byId(worker, "chosen-path").innerText(), path);
  assert.equal(await byId(worker, "chosen-sha256").innerText(), finalSha);
  assert.match(await byId(worker, "chosen-pdf").innerText(), /Size\s+47 KB/);
  assert.equal(await byId(worker, "choose-pdf-error").count(), 0, "the problem is gone with a file that reads");
  assert.equal(await worker.evaluate(() => window.fakeCalls.export_file_digest), 2);
  assert.equal(await byId(worker, "type-sha256").getAttribute("open"), null, "typing it is folded away");
  assert.ok((await byId(worker, "choose-pdf").boundingBox()).y < (await byId(worker, "where").boundingBox()).y);
  assert.match(await byId(worker, "choose-pdf").getAttribute("class"), /govuk-button--secondary/);
  assert.doesNotMatch(await byId(worker, "record-filing").getAttribute("class"), /secondary|warning/);
  await checkScreen(worker, "18b-filing-chosen");
  await fill(worker, { where: "Mosaic: Assessments", reference: "MOS-778" });
  await byId(worker, "record-filing").click();
  await heading(worker, "Request REQ-2026-0001");
  assert.match(await byId(worker, "filed").innerText(), new RegExp(`Mosaic: Assessments\\s+MOS-778[\\s\\S]*${finalSha}`));
  await worker.close();
});

test("a log that cannot be read says why", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role-2");
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0404/log`);
  // Not a dead end: what is not there, and the ways back.
  await heading(page, "Not found");
  assert.equal(await byId(page, "not-found-message").innerText(), "There is no request REQ-2026-0404.");
  assert.deepEqual(await page.$$eval("#not-found-links a", (a) => a.map((x) => x.getAttribute("href"))), ["#/requests", "#/"]);
  assert.equal(await byId(page, "failure").count(), 0, "not an error box");
  await checkScreen(page, "28-log-error");
  await byId(page, "not-found-requests").click();
  await heading(page, "Investigation requests");
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0404`);
  await heading(page, "Not found");
  await byId(page, "not-found-home").click();
  await heading(page, "Home");
  await page.close();
});

test("Home groups requests by whom they wait for, says what waits for the worker, and shows what is due", async () => {
  const page = await fixture.browser.newPage();
  // Before there is a worker profile, Home says to set one up first.
  await setUp(page);
  await page.goto(`${fixture.served.url}#/`);
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
  assert.equal(await byId(page, "task-list").innerText(), "Submit the request for Jane Doe, John Roe and Man with a red car, seen at the school gate (request REQ-2026-0001, waiting since today)", "the task in words");
  assert.equal(await page.locator("#task-list a").getAttribute("href"), "#/requests/REQ-2026-0001");
  const section = page.locator("#group-social_worker");
  assert.equal(await section.getAttribute("aria-labelledby"), "group-social_worker-heading");
  await checkScreen(page, "31-home-draft-request");
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001`);
  await step(page, "submit", {}, "Submitted");
  assert.deepEqual(await groupOf(), ["Waiting for the team manager"], "no longer waiting for the social worker");
  await byId(page, "no-tasks").waitFor();
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001`);
  await step(page, "agree", { decided_by: "Tom Manager", evidence: "Email of 20 November" }, "Agreed");
  assert.deepEqual(await groupOf(), ["Waiting for the service director (or the service manager, where doubts were raised)"]);

  // Search stays, and leads to the list.
  await fill(page, { search: "red car" });
  await page.locator('form[role="search"] button').click();
  await heading(page, "Investigation requests");
  await page.locator("#requests", { hasText: "REQ-2026-0001" }).waitFor();
  await page.close();
});

test("Home tells the access worker what waits for them and lists a log waiting for assessment as due", async () => {
  const page = await fixture.browser.newPage();
  await readyForAccess(page);
  await byId(page, "nav-home").click();
  await heading(page, "Home");
  await page.locator("#waiting-for-you", { hasText: "REQ-2026-0001" }).waitFor();
  assert.match(await byId(page, "task-list").innerText(), /^Run the access session for Jane Doe, John Roe and Man with a red car/, "the access worker's task in words");
  await checkScreen(page, "32-home-access-worker");
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001/log/search`);
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
});

test("the audit trail reads as who did what and when, with the chains' verification", async () => {
  const page = await fixture.browser.newPage();
  await createdRequest(page);
  await step(page, "submit", {}, "Submitted");
  await byId(page, "open-audit").click();
  await heading(page, "Audit trail");
  assert.match(await byId(page, "store-chain").innerText(), /is whole: \d+ entries, none changed or removed/);
  assert.match(await byId(page, "request-chain").innerText(), /^Nothing in this request's record has been changed or removed since it was written: its \d+ entries were checked/);
  assert.match(await byId(page, "audit-events").innerText(), /Created the request/);
  assert.match(await byId(page, "audit-events").innerText(), /Submit to team manager: Ada Worker/);
  await checkScreen(page, "34-audit-trail");
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0404/audit`);
  await heading(page, "Not found");
  await page.locator("#not-found-message", { hasText: "There is no request REQ-2026-0404." }).waitFor();
  await checkScreen(page, "35-audit-trail-error");
  await page.close();
});

test("settings show the policy in force, where each value came from, the key's fingerprint and the recovery advice", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role-2");
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

  const broken = await fixture.browser.newPage();
  await broken.goto(`${fixture.served.url}?policy-problem`);
  await heading(broken, "There is no store in this data folder yet");
  await byId(broken, "create-store").click();
  await byId(broken, "continue").click();
  await heading(broken, "Worker profile");
  await broken.goto(`${fixture.served.url}?policy-problem#/settings`);
  await heading(broken, "Settings");
  await broken.locator("#policy-problem", { hasText: "home.idle_days must be between 1 and 365" }).waitFor();
  await checkScreen(broken, "37-settings-policy-problem");
  await broken.close();
});

test("the request's own social worker is told that another access worker must confirm it, even once registered as one", async () => {
  const page = await fixture.browser.newPage();
  // Rhian Evans is in the directory as a social worker; her profile adds the access worker's role.
  await setUpAs(page, "Rhian Evans", "role");
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
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001`);
  await heading(page, "Request REQ-2026-0001");
  assert.match(await byId(page, "waits-confirm-legitimacy").innerText(), /Rhian Evans is this request's social worker, who asked for the check, and the step "Confirm the request is legitimate" must be someone else's/);
  assert.doesNotMatch(await byId(page, "waits-confirm-legitimacy").innerText(), /Waits for[^.]*Rhian Evans/, "she is not among those it waits for");
  assert.equal(await byId(page, "step-confirm-legitimacy").count(), 0);
  await checkScreen(page, "38-separation-of-duties");
  await page.close();
});

test("the profile step's platform is chosen from the policy's list, and a social worker's new request names them", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Olu Osei", "role-2");
  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  assert.equal(await byId(page, "originating_worker.name").inputValue(), "Olu Osei");
  await page.goto(`${fixture.served.url}#/drafts/1/people`);
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
  await page.goto(`${fixture.served.url}#/drafts/1/people/1`);
  await heading(page, "Person 1");
  await checkScreen(page, "39-platform-choice");
  await page.close();
});

test("people are added one per page, role first, and removing one is confirmed", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role");
  await byId(page, "new-request").click();
  await heading(page, "Case and workers");
  await page.goto(`${fixture.served.url}#/drafts/1/people`);
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
  await page.close();
});

test("the menu has Authorisations and Records for the roles that use them, and marks the section each page is in", async () => {
  const page = await fixture.browser.newPage();
  const shown = () => page.$$eval("#main-nav .app-nav__link", (links) => links.filter((a) => a.offsetParent !== null).map((a) => a.textContent));
  const current = () => page.$$eval('#main-nav [aria-current="page"]', (links) => links.map((a) => a.textContent));
  const visit = async (hash, title) => {
    await page.goto(`${fixture.served.url}${hash}`);
    await heading(page, title);
    return current();
  };
  // The social worker: Records, not the register.
  await setUpAs(page, "Ada Worker", "role-2");
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
});

test("the request's social worker is offered neither an access session nor completing the log, and is told whom each waits for", async () => {
  const page = await fixture.browser.newPage();
  await createdRequest(page);
  await step(page, "submit", {}, "Submitted");
  await step(page, "agree", { decided_by: "Tom Manager", evidence: "Email of 20 November" }, "Agreed");
  await step(page, "permit", { decided_by: "Sue Director", evidence: "Memo SD-77" }, "Permitted");
  await step(page, "confirm-legitimacy", { decided_by: "Ana Access", evidence: "Email AA-3" }, "Legitimacy confirmed");
  await page.locator('.app-nav__link[data-section="accounts"]').click();
  await heading(page, "Sanctioned accounts");
  await fill(page, { platform: "facebook", handle: "council.checks.7" });
  await byId(page, "identifiable_as_council").check();
  await byId(page, "add-account").click();
  await page.locator("#accounts", { hasText: "council.checks.7" }).waitFor();
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001`);
  await heading(page, "Request REQ-2026-0001");
  assert.equal(await byId(page, "start-session").count(), 0, "no access session for the social worker");
  const main = await page.locator("main").innerText();
  assert.doesNotMatch(main, /ready for an access session/);
  assert.match(await byId(page, "access-missing").innerText(), /Ada Worker is not an Authorised Access Worker in the staff directory[\s\S]*Ada Worker is this request's social worker, who asked for the check, and the step "Start an access session" must be someone else's/);
  await checkScreen(page, "80-social-worker-no-session");

  // Ana Access, a registered access worker, uses the same laptop: the session is hers.
  await becomeWorker(page, "Ana Access", "role");
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001`);
  await heading(page, "Request REQ-2026-0001");
  await byId(page, "start-session").waitFor();
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001/log/search`);
  await heading(page, "Record a search");
  await byId(page, "account").check();
  await fill(page, { searched: "Jane Doe", result: "Profile found" });
  await saveLogForm(page, "In progress");
  await byId(page, "complete").waitFor();

  // Back to Ada: completing the log is not hers to take.
  await becomeWorker(page, "Ada Worker", "role-2");
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001/log`);
  await heading(page, "Investigation log");
  assert.equal(await byId(page, "complete").count(), 0, "no \"Complete the log\" of the social worker's own");
  assert.match(await byId(page, "waits-complete").innerText(), /Waits for Ana Access \(Authorised Access Worker, staff ID 1005\)/);
  assert.match(await byId(page, "waits-complete").innerText(), /Ada Worker is this request's social worker/);
  assert.equal(await byId(page, "proxy-complete").count(), 1, "a decision made by email can be recorded for her");
  await checkScreen(page, "81-social-worker-log-waits");
  await page.close();
});

test("an access worker is not offered the social worker's or the manager's decisions as her own, and records them for them with evidence", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role");
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
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001/step/agree`);
  await page.locator("#decision-form").waitFor();
  assert.equal(await page.locator("#decision-form input[type=radio]").count(), 1, "the decider is asked for");
  await page.close();
});

test("a request whose directed surveillance authorisation awaits a magistrate's approval offers no session, and says why", async () => {
  const page = await fixture.browser.newPage();
  await readyForAccess(page);
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
  await page.goto(`${fixture.served.url}#/requests/REQ-2026-0001/session`);
  await heading(page, "Start an access session");
  await byId(page, "subject").check();
  await byId(page, "continue").click();
  await page.locator('#refused .app-refusal[data-code="authorisation_not_in_force"]').waitFor();
  await page.close();
});

test("the staff directory lists who takes part, adds a person, imports a file with every bad row named, and marks a leaver", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role-2");
  await byId(page, "nav-staff").click();
  await heading(page, "Staff directory");
  assert.match(await page.locator("#staff tr", { hasText: "Ada Worker" }).innerText(), /Using this laptop/);
  assert.match(await page.locator("#staff tr", { hasText: "Ana Access" }).innerText(), /1005\s+Online checks\s+Authorised Access Worker\s+Registered/);
  assert.match(await page.locator("#staff tr", { hasText: "Sam Legacy" }).innerText(), /Registration incomplete/);
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

  // An entry added from earlier records is checked and completed: its roles set, its flag gone.
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

  // A leaver is marked, never removed.
  await byId(page, "mark-left").click();
  for (const message of ["Choose the person who left", "Enter the day they left"]) await page.locator("#leave-form-errors a", { hasText: message }).waitFor();
  // Four forms on the page: the problems are the leaver's form's, in its own summary there.
  assert.equal(await page.locator("main .govuk-error-summary").count(), 1);
  assert.equal(await page.locator("#leave-form > #leave-form-errors").count(), 1);
  assert.ok((await byId(page, "leave-form-errors").boundingBox()).y > (await byId(page, "change-entry").boundingBox()).y, "below the other forms");
  assert.equal(await focusedId(page), "leave-form-errors");
  assert.match(await page.title(), /^Error: /);
  await checkScreen(page, "93-staff-leave-errors");
  await byId(page, "person").selectOption("1002");
  await date(page, "on", "20", "11", "2026");
  await byId(page, "mark-left").click();
  await page.locator(".govuk-notification-banner", { hasText: "Tom Manager is marked as left" }).waitFor();
  assert.match(await page.locator("#staff tr", { hasText: "Tom Manager" }).innerText(), /Left on 20 November 2026/);
  assert.deepEqual(await page.$$eval("#person option", (o) => o.map((x) => x.textContent).filter((t) => t.includes("Tom Manager"))), [], "a leaver is not offered again");
  await checkScreen(page, "94-staff-leaver");
  await page.close();
});

test("an export shows its progress while it runs, with its button disabled, and a second press starts nothing", async () => {
  const page = await fixture.browser.newPage();
  await createdRequest(page);
  await byId(page, "export-link").click();
  await heading(page, "Export a PDF");
  await page.evaluate(() => (window.fakeHoldWork = true));
  await byId(page, "export-pdf").click();
  const step = page.locator("#export-progress #work-progress-step");
  await step.filter({ hasText: "Reading the request, log and captures" }).waitFor();
  // A real progress element, named by its visible label, at none done of six.
  const bar = page.getByRole("progressbar", { name: "Exporting the PDF" });
  assert.equal(await bar.count(), 1);
  assert.equal(await bar.evaluate((e) => e.tagName), "PROGRESS");
  assert.equal(await bar.evaluate((e) => [e.value, e.max].join(" of ")), "0 of 6");
  assert.equal(await step.getAttribute("aria-live"), "polite");
  const exporting = byId(page, "export-pdf");
  assert.equal(await exporting.isDisabled(), true);
  assert.equal(await exporting.innerText(), "Exporting…");
  await checkScreen(page, "16b-export-pdf-running");
  // A second press, however it comes, starts no second export.
  await page.evaluate(() => {
    const button = document.getElementById("export-pdf");
    button.click();
    button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  });
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => window.fakeCalls.export_pdf), 1);
  await page.evaluate(() => window.fakeReleaseWork());
  await heading(page, "Draft PDF exported");
  assert.equal(await page.evaluate(() => window.fakeCalls.export_pdf), 1, "one export");
  assert.equal(await byId(page, "work-progress").count(), 0, "the bar goes when the work ends");

  // A refused export ends its bar too, and the button can be pressed again.
  await page.locator("main .govuk-back-link").click();
  await heading(page, "Request REQ-2026-0001");
  await byId(page, "export-link").click();
  await heading(page, "Export a PDF");
  await byId(page, "export-pdf").click();
  await page.locator("#failure", { hasText: "already exists" }).waitFor();
  assert.equal(await byId(page, "work-progress").count(), 0);
  assert.equal(await byId(page, "export-pdf").isDisabled(), false);
  assert.equal(await byId(page, "export-pdf").innerText(), "Choose where to save, and export a draft");
  await page.close();
});

test("check answers ends in submitting to the team manager, through the request's own step, and discarding is asked about first", async () => {
  const page = await fixture.browser.newPage();
  await setUpAs(page, "Ada Worker", "role-2");
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
  assert.equal(await page.evaluate(() => window.fakeCalls.request_step), 1, "the request's own submit step");
  await checkScreen(page, "10b-request-created-and-submitted");

  await page.close();

  // An access worker creating a social worker's request records her submission, by email.
  const access = await fixture.browser.newPage();
  await setUpAs(access, "Ana Access", "role");
  await fillRequest(access, { from: ["1", "9", "2026"], to: ["31", "10", "2026"], osw: "Rhian Evans" });
  await heading(access, "Check your answers");
  await byId(access, "commit-submit").click();
  await access.locator("#decision-form").waitFor();
  assert.match(await access.locator("main h1").innerText(), /Submit to team manager/);
  assert.match(await byId(access, "notification").innerText(), /Request REQ-2026-0001 created[\s\S]*record the social worker's submission/i);
  assert.equal(await access.evaluate(() => window.fakeCalls.request_step ?? 0), 0, "nothing recorded in her name");
  await chooseDecider(access, "Rhian Evans");
  await fill(access, { evidence: "Email RE-2" });
  await byId(access, "record").click();
  await access.locator("#request-state", { hasText: "Submitted" }).waitFor();
  await access.close();
});
