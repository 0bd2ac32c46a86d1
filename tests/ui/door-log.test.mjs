// The investigation log and the exports over the HTTP door, against a real store and the
// real rules: PDFs and bundles written where the worker's answer says, the log kept through
// its versions, a log that is not there, and an export that cannot be pressed twice.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { checkScreen, focusedId, heading, launch } from "./support.mjs";
import { openDoor } from "./door.mjs";
import { appAt, byId, chooseDecider, createdRequest, date, fill, finaliseFor, logAction, readyForAccess, saveLogForm, setUpAs } from "./journeys.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The text of a PDF the app wrote. */
function pdfText(path) {
  return execFileSync("pdftotext", ["-layout", path, "-"], { encoding: "utf8" });
}

/** A file's size as the page says it: "812 bytes", "47 KB", "2.3 MB". */
function sizeInWords(bytes) {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The audit trail's lines of the request that say `what`. */
async function audited(door, reference, what) {
  const trail = await door.call("audit_trail_get", { reference });
  return trail.events.filter((e) => what.test(e.what));
}

test("a PDF is exported through the save dialog, a draft only until the log is finalised, and its filing is checked field by field", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await createdRequest(page, door.start);
    await page.locator("#filed", { hasText: "No PDF of this request has been recorded as filed" }).waitFor();
    await byId(page, "export-link").click();
    await heading(page, "Export a PDF");
    await page.locator("#draft-notice", { hasText: "can only be a draft" }).waitFor();
    await checkScreen(page, "16-export-pdf");

    // Cancelling the save dialog exports nothing.
    door.answers.push(null);
    await byId(page, "export-pdf").click();
    await page.locator("#export-status", { hasText: "Not exported: no file was chosen" }).waitFor();

    // The log alone, saved where the answer says; ".pdf" is added when the name lacks it.
    door.answers.push("REQ-2026-0001 log");
    await byId(page, "only-3").check();
    await byId(page, "export-pdf").click();
    await heading(page, "Draft PDF exported");
    const logPdf = join(door.files, "REQ-2026-0001 log.pdf");
    assert.equal(await byId(page, "exported-path").innerText(), logPdf);
    const sha = await byId(page, "exported-sha256").innerText();
    assert.match(sha, /^[0-9a-f]{64}$/, "the digest is shown whole");
    assert.equal(await byId(page, "record-filing-link").count(), 0, "a draft is not filed");
    // The PDF is really written, a draft of this request's log, and the digest is its own.
    const text = pdfText(logPdf);
    assert.match(text, /REQ-2026-0001/);
    assert.match(text, /DRAFT/);
    assert.equal((await door.call("export_file_digest", { path: logPdf })).sha256, sha);
    // A web page cannot open the PDF in the laptop's reader: it says where the file is, and
    // what it holds, instead.
    assert.match(await byId(page, "exported").innerText(), /Only the investigation log \(Appendix 2\) \(draft\)/);
    await page.locator("main", { hasText: "A draft is not filed in the care record" }).waitFor();
    await checkScreen(page, "17-export-pdf-done");

    // The same file again is refused, and nothing is replaced.
    await page.locator("main .govuk-back-link").click();
    await heading(page, "Request REQ-2026-0001");
    await byId(page, "export-link").click();
    await heading(page, "Export a PDF");
    door.answers.push("REQ-2026-0001 log.pdf");
    await byId(page, "only-3").check();
    await byId(page, "export-pdf").click();
    await page.locator("#failure", { hasText: "already exists" }).waitFor();
    assert.equal((await door.call("export_file_digest", { path: logPdf })).sha256, sha, "nothing is replaced");

    // The evidence bundle, a ZIP through the same question, saved under its suggested name.
    await page.locator("main .govuk-back-link").click();
    await heading(page, "Request REQ-2026-0001");
    await byId(page, "export-link").click();
    await heading(page, "Export a PDF");
    await byId(page, "only-4").check();
    await byId(page, "export-pdf").click();
    await heading(page, "Draft evidence bundle exported");
    const bundle = join(door.files, "REQ-2026-0001-evidence-bundle-draft.zip");
    assert.equal(await byId(page, "exported-path").innerText(), bundle);
    assert.ok((await stat(bundle)).size > 0, "the bundle is written");
    assert.match(await byId(page, "bundle-fingerprint").innerText(), /^[0-9a-f]{64}$/);
    await checkScreen(page, "17b-bundle-exported");

    // Filing: every field checked, a draft refused by its digest.
    await page.evaluate((hash) => (location.hash = hash), `#/requests/REQ-2026-0001/filed?sha=${sha}`);
    await heading(page, "Record that the PDF was filed");
    assert.equal(await byId(page, "by").inputValue(), "Ada Worker", "the worker using the app, to start with");
    await fill(page, { by: "" });
    await byId(page, "record-filing").click();
    // Every problem at once, the draft's digest among them.
    for (const message of ["Enter where it was filed", "Enter the care record's reference", "Enter who filed it", "That PDF is a draft"]) {
      await page.locator("#error-summary a", { hasText: message }).waitFor();
    }
    await checkScreen(page, "18-filing-errors");
    await page.locator("#error-summary a", { hasText: "Enter where it was filed" }).click();
    assert.equal(await focusedId(page), "where");
    // The fields filled in, the draft is refused by its digest, on the PDF's chooser.
    await fill(page, { where: "Mosaic: Assessments", reference: "MOS-778", by: "Ada Worker" });
    await byId(page, "record-filing").click();
    await page.locator("#error-summary a", { hasText: "That PDF is a draft" }).click();
    assert.equal(await focusedId(page), "choose-pdf");
    assert.equal((await door.call("request_get", { reference: "REQ-2026-0001" })).record.filed.length, 0, "nothing is recorded as filed");
  } finally {
    await door.close();
  }
});

test("the investigation log is kept, completed, finalised, shared, corrected and compared, and the request closed", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await createdRequest(page, door.start);
    // Before access is ready there is nothing to record.
    await byId(page, "open-log").click();
    await heading(page, "Investigation log");
    await page.locator("#not-ready").waitFor();
    await checkScreen(page, "20-log-not-ready");
    await page.close();
  } finally {
    await door.close();
  }

  const door2 = await openDoor();
  try {
    const worker = await door2.page(browser);
    await readyForAccess(worker, door2.start);
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
    // A correction is not completed again: version 2 corrects the log as completed before.
    assert.match(await byId(worker, "versions-signed").innerText(), /Version 2: a correction by Ada Worker on 23 November 2026 of the log completed by Ada Worker on 23 November 2026; finalised by Rhian Evans/);
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

    await worker.goto(appAt(door2.start, "#/requests/REQ-2026-0001/log"));
    await heading(worker, "Investigation log");
    await byId(worker, "close").click();
    await worker.locator("#decision-form").waitFor();
    await chooseDecider(worker, "Tom Manager");
    await fill(worker, { evidence: "Email of 30 November" });
    await byId(worker, "record").click();
    await worker.locator("#request-state", { hasText: "Closed" }).waitFor();

    // The final PDF, exported from the log's main button, and its filing recorded by choosing
    // the exported file: its SHA-256 is worked out, not typed.
    await worker.goto(appAt(door2.start, "#/requests/REQ-2026-0001/log"));
    await heading(worker, "Investigation log");
    await byId(worker, "export-final").click();
    await heading(worker, "Export a PDF");
    assert.equal(await byId(worker, "only").isChecked(), true, "the care record, to start with");
    await byId(worker, "export-pdf").click();
    await heading(worker, "PDF exported");
    const path = await byId(worker, "exported-path").innerText();
    assert.equal(path, join(door2.files, "REQ-2026-0001-care-record.pdf"));
    assert.equal(await worker.locator("#exported-path wbr").count(), path.split("/").length - 1, "the path wraps after each separator");
    const finalSha = await byId(worker, "exported-sha256").innerText();
    const text = pdfText(path);
    assert.match(text, /REQ-2026-0001/);
    assert.doesNotMatch(text, /\bDRAFT\b/, "the final PDF is no draft");
    await byId(worker, "record-filing-link").click();
    await heading(worker, "Record that the PDF was filed");
    assert.equal(await byId(worker, "chosen-sha256").innerText(), finalSha, "the PDF just exported");
    // What the page asks the door to read, counted as it goes.
    let digests = 0;
    worker.on("request", (request) => {
      if (request.url().endsWith("/api/export_file_digest")) digests += 1;
    });
    // A file that cannot be read: said on the chooser, which the summary links to.
    door2.answers.push("other.pdf");
    await byId(worker, "choose-pdf").click();
    await worker.locator("#error-summary a", { hasText: "could not be read: there is no such file" }).click();
    assert.equal(await focusedId(worker), "choose-pdf");
    assert.match(await byId(worker, "choose-pdf-error").innerText(), /other\.pdf could not be read/);
    // Cancelling the question changes nothing; choosing the exported file works out its digest.
    door2.answers.push(null);
    await byId(worker, "choose-pdf").click();
    await byId(worker, "choose-pdf-error").waitFor();
    door2.answers.push(path);
    await byId(worker, "choose-pdf").click();
    await byId(worker, "chosen-path").waitFor();
    assert.equal(await byId(worker, "chosen-path").innerText(), path);
    assert.equal(await byId(worker, "chosen-sha256").innerText(), finalSha);
    assert.match(await byId(worker, "chosen-pdf").innerText(), new RegExp(`Size\\s+${sizeInWords((await stat(path)).size)}`));
    assert.equal(await byId(worker, "choose-pdf-error").count(), 0, "the problem is gone with a file that reads");
    assert.equal(digests, 2, "the unreadable file and the exported one; a cancelled question asks nothing");
    assert.equal(await byId(worker, "type-sha256").getAttribute("open"), null, "typing it is folded away");
    assert.ok((await byId(worker, "choose-pdf").boundingBox()).y < (await byId(worker, "where").boundingBox()).y);
    assert.match(await byId(worker, "choose-pdf").getAttribute("class"), /govuk-button--secondary/);
    assert.doesNotMatch(await byId(worker, "record-filing").getAttribute("class"), /secondary|warning/);
    await checkScreen(worker, "18b-filing-chosen");
    await fill(worker, { where: "Mosaic: Assessments", reference: "MOS-778" });
    await byId(worker, "record-filing").click();
    await heading(worker, "Request REQ-2026-0001");
    assert.match(await byId(worker, "filed").innerText(), new RegExp(`Mosaic: Assessments\\s+MOS-778[\\s\\S]*${finalSha}`));
  } finally {
    await door2.close();
  }
});

test("a log that cannot be read says why", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await setUpAs(page, door.start, "Ada Worker", "role-2");
    await page.goto(appAt(door.start, "#/requests/REQ-2026-0404/log"));
    // Not a dead end: what is not there, and the ways back.
    await heading(page, "Not found");
    assert.equal(await byId(page, "not-found-message").innerText(), "Request REQ-2026-0404 does not exist.");
    assert.deepEqual(await page.$$eval("#not-found-links a", (a) => a.map((x) => x.getAttribute("href"))), ["#/requests", "#/"]);
    assert.equal(await byId(page, "failure").count(), 0, "not an error box");
    await checkScreen(page, "28-log-error");
    await byId(page, "not-found-requests").click();
    await heading(page, "Investigation requests");
    await page.goto(appAt(door.start, "#/requests/REQ-2026-0404"));
    await heading(page, "Not found");
    await byId(page, "not-found-home").click();
    await heading(page, "Home");
  } finally {
    await door.close();
  }
});

test("an export shows its progress while it runs, with its button disabled, and a second press starts nothing", async () => {
  const door = await openDoor();
  try {
    const page = await door.page(browser);
    await createdRequest(page, door.start);
    await byId(page, "export-link").click();
    await heading(page, "Export a PDF");
    // The export is held on its way to the door until the test lets it go, and each export
    // the page sends is counted.
    let sent = 0;
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route("**/api/export_pdf", async (route) => {
      sent += 1;
      await held;
      await route.continue();
    });
    await byId(page, "export-pdf").click();
    // A real progress element, named by its visible label. Over the door there are no
    // progress reports, so its steps are not shown here (the desktop's window shows them).
    const bar = page.getByRole("progressbar", { name: "Exporting the PDF" });
    await bar.waitFor();
    assert.equal(await bar.count(), 1);
    assert.equal(await bar.evaluate((e) => e.tagName), "PROGRESS");
    const step = page.locator("#export-progress #work-progress-step");
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
    assert.equal(sent, 1);
    release();
    await heading(page, "Draft PDF exported");
    assert.equal(sent, 1, "one export");
    assert.equal((await audited(door, "REQ-2026-0001", /^Exported a PDF/)).length, 1, "one export in the audit trail");
    assert.equal(await byId(page, "work-progress").count(), 0, "the bar goes when the work ends");
    await page.unroute("**/api/export_pdf");

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
  } finally {
    await door.close();
  }
});
