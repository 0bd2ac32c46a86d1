// The same flow by keyboard alone: Tab, arrows, Space and Enter, never the mouse. Every
// element reached by Tab must show that it has focus. Over the HTTP door against a real store
// and the real rules; the access session opens a real browser, so run it under a display
// (xvfb-run).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { checkScreen, focusedId, heading, launch } from "./support.mjs";
import { openDoor } from "./door.mjs";
import { addCast } from "./journeys.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The pages the session's browser shows, on this computer: a person's listed profile that
 *  moves on to a page that is not hers. */
async function site() {
  const server = createServer((request, response) => {
    if (request.url === "/profile/jane") {
      response.writeHead(302, { location: "/groups/school-gate" });
      return response.end();
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end("<!doctype html><html lang=en><title>School gate parents</title><h1>School gate parents</h1><p>Jane Doe: see you at pick-up</p></html>");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

/** Whether the focused element looks different from the same element without focus: its
 *  outline, shadow, background, colour or underline (for a radio, its label's ring). */
function focusVisible(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    const isRadio = element instanceof HTMLInputElement && (element.type === "radio" || element.type === "checkbox");
    const styled = isRadio ? document.querySelector(`label[for="${CSS.escape(element.id)}"]`) : element;
    if (!styled) return false;
    const look = () => {
      const style = getComputedStyle(styled, isRadio ? "::before" : null);
      return [style.boxShadow, style.outlineStyle, style.outlineWidth, style.outlineColor, style.backgroundColor, style.color, style.textDecorationLine, style.borderColor].join("|");
    };
    const focused = look();
    element.blur();
    const unfocused = look();
    element.focus();
    return focused !== unfocused;
  });
}

/** Presses Tab until the element with this id has focus, checking focus is visible at each stop. */
async function tabTo(page, id, limit = 60) {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press("Tab");
    const focused = await focusedId(page);
    // Past the last element focus leaves the page (the browser's own controls), then wraps.
    if (await page.evaluate(() => document.activeElement === document.body)) continue;
    assert.ok(await focusVisible(page), `focus is not visible on #${focused || "(no id)"}: ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 200))}`);
    if (focused === id) return;
  }
  assert.fail(`#${id} was not reached with ${limit} presses of Tab`);
}

async function typeInto(page, id, text) {
  await tabTo(page, id);
  await page.keyboard.type(text);
}

async function replaceIn(page, id, text) {
  await tabTo(page, id);
  await page.keyboard.press("Control+a");
  await page.keyboard.type(text);
}

async function press(page, id, key = "Enter") {
  await tabTo(page, id);
  await page.keyboard.press(key);
}

/** Chooses the nth (from 1) radio of a group whose first radio has this id. */
async function choose(page, id, nth) {
  await tabTo(page, id);
  if (nth === 1) await page.keyboard.press("Space");
  for (let i = 1; i < nth; i++) await page.keyboard.press("ArrowDown");
  assert.equal(await page.evaluate(() => document.activeElement.checked), true, `radio ${nth} of #${id} is chosen`);
}

test("a request is created, corrected and authorised by keyboard alone", async () => {
  const pages = await site();
  const door = await openDoor({ env: { TRIANGULATE_BROWSER: process.env.CHROMIUM ?? "/usr/bin/chromium" } });
  const page = await door.page(browser);
  try {
    await page.goto(door.start);
    await heading(page, "There is no store in this data folder yet");
    await tabTo(page, "skip-link");
    await press(page, "create-store");
    await page.locator("#recovery-phrase").waitFor();
    await press(page, "continue");
    await heading(page, "Worker profile");
    // Kim is an Authorised Access Worker: the social worker's and the managers' decisions are
    // recorded for them, as made by email, and Kim's own steps in her name.
    // A new store's staff directory is empty: Kim is added to it, not asked whether she is in it.
    assert.equal(await page.locator('[id="listed"]').count(), 0);
    await typeInto(page, "name", "Kim Keyboard");
    await choose(page, "role", 1);
    await press(page, "save-profile");
    // The people the request names and who decide, in the staff directory.
    await addCast(door.start);
    // The first start's last step: the browser found on the laptop is kept.
    await heading(page, "The browser for captures");
    await press(page, "continue");
    await heading(page, "Home");
    await press(page, "nav-requests");
    await heading(page, "Investigation requests");
    await press(page, "new-request");
    await heading(page, "Case and workers");

    await typeInto(page, "case_reference", "CS-5120");
    await replaceIn(page, "originating_worker.name", "Rhian Evans");
    await typeInto(page, "originating_worker.team", "Assessment West");
    await typeInto(page, "team_manager.name", "Tom Manager");
    await press(page, "continue");
    await heading(page, "Reason, concern and triangulation");
    await choose(page, "reason", 4);
    await typeInto(page, "concern", "A man said to be living at the home");
    await typeInto(page, "triangulation", "Against the school's account");
    await press(page, "continue");

    // One person per page; the people added, then "add another" with the arrow keys.
    await heading(page, "Person 1");
    await choose(page, "subjects[1].role", 1);
    assert.equal(await focusedId(page), "subjects[1].role", "choosing the role keeps focus on it");
    await typeInto(page, "subjects[1].name", "Jane Doe");
    // Her profile, on this computer: the session's browser opens it.
    await press(page, "add-profile");
    await press(page, "subjects[1].profiles[1].platform", "f");
    assert.equal(await page.inputValue('[id="subjects[1].profiles[1].platform"]'), "facebook", "the platform chosen by its first letter");
    await typeInto(page, "subjects[1].profiles[1].url", `${pages.base}/profile/jane`);
    await press(page, "continue");
    await heading(page, "People to check");
    await choose(page, "add-another", 1);
    await press(page, "continue");
    await heading(page, "Person 2");
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1", "focus is on the new page's heading");
    await choose(page, "subjects[2].role", 2);
    await typeInto(page, "subjects[2].name", "John Roe");
    await press(page, "continue");
    await heading(page, "People to check");
    await choose(page, "add-another", 1);
    await press(page, "continue");
    await heading(page, "Person 3");
    await choose(page, "subjects[3].role", 3);
    await typeInto(page, "subjects[3].description", "Man with a red car");
    await press(page, "continue");
    await heading(page, "People to check");
    await press(page, "remove-person-2");
    await heading(page, "Remove person 2");
    await choose(page, "confirm-remove", 2);
    await press(page, "continue");
    await heading(page, "People to check");
    assert.match(await page.locator("#people-added").innerText(), /John Roe/, "answering No keeps the person");
    await choose(page, "add-another", 2);
    await press(page, "continue");

    await heading(page, "Period, scope, consent and legal advice");
    await typeInto(page, "period.from.day", "1");
    await typeInto(page, "period.from.month", "9");
    await typeInto(page, "period.from.year", "2026");
    await typeInto(page, "period.to.day", "1");
    await typeInto(page, "period.to.month", "8");
    await typeInto(page, "period.to.year", "2026");
    await choose(page, "scope", 1);
    await choose(page, "consent.status", 3);
    await typeInto(page, "consent.reason", "Telling the family would put the child at risk");
    await press(page, "continue");
    await page.locator("#error-summary").waitFor();
    assert.equal(await focusedId(page), "error-summary");
    await page.keyboard.press("Tab");
    assert.ok(await focusVisible(page), "the summary's link shows focus");
    await page.keyboard.press("Enter");
    assert.equal(await focusedId(page), "period.to.day", "the link moves focus to the field");
    await page.keyboard.press("Control+a");
    await page.keyboard.type("31");
    await replaceIn(page, "period.to.month", "10");
    await checkScreen(page, "k-08-period-corrected");
    await press(page, "continue");

    await heading(page, "Check your answers");
    // Discarding is asked about first; "No" goes back to the answers.
    await press(page, "discard");
    await heading(page, "Discard this draft?");
    await press(page, "keep-draft");
    await heading(page, "Check your answers");
    // Creating and submitting at once: the social worker's submission, recorded for them.
    await press(page, "commit-submit");
    await page.locator("#decision-form").waitFor();
    assert.match(await page.locator("#notification").innerText(), /Request REQ-2026-0001 created/);
    await choose(page, "decided_by", 1);
    await typeInto(page, "evidence", "Email RE-1");
    await press(page, "record");
    await page.locator("#request-state", { hasText: "Submitted" }).waitFor();
    assert.equal(await page.locator("#people > li").count(), 3);
    await press(page, "proxy-agree");
    await page.locator("#decision-form").waitFor();
    await choose(page, "decided_by", 1);
    assert.match(await page.locator("#whose-decision").innerText(), /You are recording Tom Manager's decision/);
    await typeInto(page, "evidence", "Email of 20 November");
    await press(page, "record");
    await page.locator("#request-state", { hasText: "Agreed" }).waitFor();
    await checkScreen(page, "k-10-request-agreed");
    await press(page, "proxy-permit");
    await page.locator("#decision-form").waitFor();
    await choose(page, "decided_by", 1);
    await typeInto(page, "evidence", "Memo SD-77");
    await typeInto(page, "conditions", "One look at each profile");
    await press(page, "record");
    await page.locator("#request-state", { hasText: "Permitted" }).waitFor();
    // The page's contents: a link moves focus to its section's heading, on the same page.
    const address = page.url();
    await press(page, "contents-section-decisions");
    assert.equal(await focusedId(page), "section-decisions", "Enter on a contents link moves focus to its section");
    assert.equal(page.url(), address, "the request's page stays open");

    // Register as an Authorised Access Worker from the navigation, then confirm legitimacy.
    await press(page, "nav-profile");
    await heading(page, "Worker profile");
    await typeInto(page, "aaw-name", "Kim Keyboard");
    await press(page, "decided_by", "ArrowDown");
    assert.equal(await page.inputValue("#decided_by"), "1003", "the service director chosen with the arrow key");
    await typeInto(page, "evidence", "Memo SD-80");
    await typeInto(page, "trained.day", "2");
    await typeInto(page, "trained.month", "10");
    await typeInto(page, "trained.year", "2026");
    await press(page, "register-aaw");
    await page.locator("#aaw-register", { hasText: "Kim Keyboard" }).waitFor();
    await press(page, "nav-requests");
    await heading(page, "Investigation requests");
    await press(page, "request-REQ-2026-0001");
    await heading(page, "Request REQ-2026-0001");
    await press(page, "step-confirm-legitimacy");
    await page.locator("#decision-form").waitFor();
    await press(page, "record");
    await page.locator("#request-state", { hasText: "Legitimacy confirmed" }).waitFor();
    await checkScreen(page, "k-11-request-confirmed");

    // The investigation log, by keyboard: a search on a sanctioned account, completed,
    // assessed and finalised, and shared.
    await press(page, "nav-accounts");
    await heading(page, "Sanctioned accounts");
    await typeInto(page, "platform", "facebook");
    await typeInto(page, "handle", "council.checks.9");
    await choose(page, "identifiable_as_council", 1);
    await press(page, "add-account");
    await page.locator("#accounts", { hasText: "council.checks.9" }).waitFor();

    // An access session by keyboard: its end before its capture buttons, a page outside the
    // listed profiles said to be the person's, the provenance card's copy button, a judgement
    // of not relevant confirmed on its own page, and the end.
    await press(page, "nav-requests");
    await heading(page, "Investigation requests");
    await press(page, "request-REQ-2026-0001");
    await heading(page, "Request REQ-2026-0001");
    await press(page, "start-session");
    await heading(page, "Start an access session");
    await choose(page, "subject", 1);
    await press(page, "conditions_confirmed", "Space");
    await press(page, "continue");
    await heading(page, "Access session 1");
    assert.ok(await page.evaluate(() => document.getElementById("end").compareDocumentPosition(document.getElementById("capture")) & Node.DOCUMENT_POSITION_FOLLOWING), "End session is reached before the capture buttons");
    await press(page, "capture");
    await page.locator("#outside-heading").waitFor();
    await choose(page, "outside-choice", 1);
    await typeInto(page, "outside_scope_reason", "Her own page, as the school's account says");
    await press(page, "outside-continue");
    await page.locator("#captured", { hasText: "Captured: capture 1" }).waitFor();
    await page.locator("#captures li", { hasText: "Not a listed profile" }).waitFor();
    await press(page, "judge-latest");
    await heading(page, "Capture 1");
    await press(page, "copy-sha256");
    await page.locator("#copy-status", { hasText: /Copied|Selected/ }).waitFor();
    await choose(page, "relevant", 2);
    await choose(page, "useful_and_unique", 2);
    await choose(page, "attribution", 3);
    await press(page, "save-judgement");
    await heading(page, "Judge capture 1 not relevant?");
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "H1", "focus is on the confirmation's heading");
    await checkScreen(page, "k-11a-capture-not-relevant-confirm");
    await press(page, "confirm-not-relevant");
    await page.locator(".govuk-notification-banner", { hasText: "Capture 1 judged" }).waitFor();
    await press(page, "back-to-session");
    await heading(page, "Access session 1");
    await press(page, "end");
    await page.locator("#ended").waitFor();
    await press(page, "nav-requests");
    await heading(page, "Investigation requests");
    await press(page, "request-REQ-2026-0001");
    await heading(page, "Request REQ-2026-0001");
    await press(page, "open-log");
    await heading(page, "Investigation log");
    await press(page, "add-search");
    await heading(page, "Record a search");
    await choose(page, "account", 1);
    await typeInto(page, "searched", "Jane Doe");
    await typeInto(page, "result", "Profile found");
    await press(page, "save");
    await page.locator("#request-state", { hasText: "In progress" }).waitFor();
    await press(page, "complete");
    await heading(page, "Complete the log");
    await press(page, "save");
    await page.locator("#request-state", { hasText: "Log completed" }).waitFor();
    await press(page, "proxy-finalise");
    await heading(page, "Assess and finalise");
    await choose(page, "decided_by", 1);
    await typeInto(page, "evidence", "Email of 24 November");
    await choose(page, "rating", 2);
    await typeInto(page, "assessment", "It helped");
    await press(page, "save");
    await page.locator("#request-state", { hasText: "Finalised" }).waitFor();
    await press(page, "proxy-share");
    await heading(page, "Record sharing");
    await choose(page, "decided_by", 1);
    await typeInto(page, "evidence", "Email of 25 November");
    await press(page, "with", "Space");
    await press(page, "with-3", "Space");
    assert.deepEqual(await page.$$eval("input[name=with]", (boxes) => boxes.map((b) => b.checked)), [true, false, true]);
    await checkScreen(page, "k-12-log-share");
    await press(page, "save");
    await page.locator("#request-state", { hasText: "Shared" }).waitFor();
    await checkScreen(page, "k-13-log-shared");

    // Records, from the menu: the pilot's report, its charts and their tables.
    await press(page, "nav-records");
    await heading(page, "Records");
    await press(page, "pilot-link");
    await heading(page, "The pilot's evaluation");
    assert.equal(await page.getAttribute('#main-nav [aria-current="page"]', "id"), "nav-records");
    await page.locator("#ratings-chart").waitFor();
    await checkScreen(page, "k-14-pilot-report");
  } catch (error) {
    if (process.env.SHOW_PAGE) console.error(`--- ${page.url()}\n${await page.locator("main").innerText().catch(() => "")}`);
    throw error;
  } finally {
    await page.close();
    await door.close();
    pages.server.close();
  }
});
