// The first start of the installed app, with no terminal: the store created and its recovery
// phrase, who the worker is (added to an empty staff directory, or chosen from a full one),
// the browser for captures (found on the laptop, chosen, or none at all), then Home; the
// browser changed later from Settings. Every new screen axe-clean in its normal and its error
// state, with screenshots in tests/out/ui. Over the HTTP door, against a real store: the
// browser found is the one the door's PATH gives, and the program chosen is a real file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { checkScreen, focusedId, heading, launch } from "./support.mjs";
import { openDoor } from "./door.mjs";
import { staffCsv } from "./journeys.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const byId = (page, id) => page.locator(`[id="${id}"]`);

/** A program file at `path` (made executable), as a browser's would be. */
async function program(path) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, "#!/bin/sh\nexit 0\n");
  await chmod(path, 0o755);
  return path;
}

/** A door on a laptop whose usual places (its PATH) hold these programs, and nothing the
 *  environment names; `run` is given the door, and the folder is removed after. */
async function onLaptop(programs, run) {
  const bin = await mkdtemp(join(tmpdir(), "triangulate-bin-"));
  try {
    for (const name of programs) await program(join(bin, name));
    const door = await openDoor({ env: { PATH: bin, TRIANGULATE_BROWSER: "" } });
    try {
      await run(door, bin);
    } finally {
      await door.close();
    }
  } finally {
    await rm(bin, { recursive: true, force: true });
  }
}

/** From the store screen of a new laptop to the recovery phrase and on to the profile;
 *  `fillDirectory` fills the staff directory while the phrase is shown. */
async function createStore(page, door, fillDirectory = async () => {}) {
  await page.goto(door.start);
  await heading(page, "There is no store in this data folder yet");
  await byId(page, "create-store").click();
  await page.locator("#recovery-phrase li").nth(11).waitFor();
  assert.equal(await page.locator("#recovery-phrase li").count(), 12, "the twelve words of the phrase");
  assert.equal(await byId(page, "continue").innerText(), "I have written it down: set up my profile");
  await fillDirectory(door);
  await byId(page, "continue").click();
  await heading(page, "Worker profile");
  assert.equal(await page.locator("main .govuk-caption-l").innerText(), "Setting up this laptop");
}

test("on an empty staff directory the worker adds themselves, keeps the browser found or chooses another, and reaches Home", async () => {
  await onLaptop(["microsoft-edge"], async (door, bin) => {
    const EDGE = join(bin, "microsoft-edge");
    const CHROME = await program(join(door.files, "opt", "google", "chrome", "google-chrome"));
    const missing = join(door.files, "missing", "chrome");
    const page = await door.page(browser);
    // A new store's staff directory is empty.
    await createStore(page, door);

    // Nobody to choose from: the worker is asked for themselves, and told why.
    assert.equal(await byId(page, "listed").count(), 0, "no question about a directory with nobody in it");
    assert.match(await byId(page, "directory-empty").innerText(), /The staff directory is empty/);
    assert.equal(await byId(page, "register-form").count(), 0, "the register waits until after the first start");
    assert.equal(await byId(page, "save-profile").innerText(), "Save and continue");
    await checkScreen(page, "first-start-01-profile-empty-directory");
    await byId(page, "save-profile").click();
    await page.locator("#error-summary").waitFor();
    assert.equal(await focusedId(page), "error-summary");
    assert.match(await page.title(), /^Error: /);
    for (const message of ["Enter the worker's name", "Select the role"]) {
      await page.locator("#error-summary a", { hasText: message }).waitFor();
    }
    await checkScreen(page, "first-start-02-profile-empty-directory-errors");
    await byId(page, "name").fill("Nia Newydd");
    await byId(page, "staff_id").fill("2001");
    await byId(page, "role").check();
    await byId(page, "save-profile").click();

    // The browser found on the laptop is shown plainly.
    await heading(page, "The browser for captures");
    assert.match(await byId(page, "notification").innerText(), /Nia Newydd is added to the staff directory in the role Authorised Access Worker, marked for whoever keeps the directory to check/);
    assert.equal(await byId(page, "browser-in-use").locator("p").first().innerText(), `Captures will use Microsoft Edge at ${EDGE}.`);
    assert.match(await byId(page, "browser-why").innerText(), /found on this laptop/);
    assert.equal(await byId(page, "browser-summary").count(), 0, "nothing more to say");
    assert.equal(await byId(page, "continue").innerText(), "Continue");
    await checkScreen(page, "first-start-03-browser-found");

    // A file that is not there is refused on its field, and the browser in use stays.
    door.answers.push(missing);
    await byId(page, "path").click();
    await page.locator("#error-summary a", { hasText: `There is no file at ${missing}` }).waitFor();
    assert.match(await byId(page, "path-error").innerText(), /There is no file at/);
    assert.match(await byId(page, "browser-in-use").innerText(), /Microsoft Edge/, "nothing changed");
    await checkScreen(page, "first-start-04-browser-choice-refused");
    await page.locator("#error-summary a").first().click();
    assert.equal(await focusedId(page), "path", "the summary's link moves focus to the choice");

    // A cancelled dialog changes nothing; a program chosen is kept, in the worker's name.
    door.answers.push(null);
    await byId(page, "path").click();
    await page.waitForLoadState("networkidle");
    assert.match(await byId(page, "browser-in-use").innerText(), /Microsoft Edge/);
    door.answers.push(CHROME);
    await byId(page, "path").click();
    await page.locator("#notification", { hasText: "The browser for captures is chosen" }).waitFor();
    assert.equal(await byId(page, "browser-in-use").locator("p").first().innerText(), `Captures will use Google Chrome at ${CHROME}.`);
    assert.match(await byId(page, "browser-why").innerText(), /chosen for this laptop by Nia Newydd/);
    assert.match(await byId(page, "browser-summary").innerText(), /Found on this laptop\s+Microsoft Edge at/);
    await checkScreen(page, "first-start-05-browser-chosen");

    await byId(page, "continue").click();
    await heading(page, "Home");
    assert.match(await byId(page, "notification").innerText(), /This laptop is set up/);
    assert.equal(await byId(page, "signed-in").innerText(), "Nia Newydd, Authorised Access Worker");
    await checkScreen(page, "first-start-06-home");

    // She is in the directory now, marked for checking.
    await byId(page, "nav-staff").click();
    await heading(page, "Staff directory");
    assert.match(await page.locator("tr", { hasText: "Nia Newydd" }).innerText(), /Using this laptop[\s\S]*To review/);

    // Settings say which browser captures use, and change it.
    await byId(page, "nav-settings").click();
    await heading(page, "Settings");
    assert.match(await byId(page, "settings-browser").innerText(), /Captures will use Google Chrome at/);
    await byId(page, "change-browser").click();
    await heading(page, "Browser for captures");
    await checkScreen(page, "first-start-07-settings-browser");
    await byId(page, "forget-browser").click();
    await page.locator("#notification", { hasText: "The browser chosen for this laptop is forgotten" }).waitFor();
    assert.match(await byId(page, "browser-in-use").innerText(), /Microsoft Edge/, "back to the one found");
    assert.equal(await byId(page, "forget-browser").count(), 0);
    assert.equal(await byId(page, "continue").count(), 0, "not the first start any more");
    await page.locator(".govuk-back-link").click();
    await heading(page, "Settings");
    assert.match(await byId(page, "settings-browser").innerText(), /Microsoft Edge/);
    await page.close();
  });
});

test("a worker chooses themselves from the staff directory, is told what to install when no browser is found, carries on, and chooses one later", async () => {
  // No Edge, Chrome or Chromium in the usual places; a staff directory filled from the
  // council's list.
  await onLaptop([], async (door) => {
    const chromium = await program(join(door.files, "Portable", "Chromium", "Application", "chrome"));
    const page = await door.page(browser);
    await createStore(page, door, (d) => d.call("staff_import", { text: staffCsv() }));

    await checkScreen(page, "first-start-11-profile-directory");
    await byId(page, "save-profile").click();
    await page.locator("#error-summary").waitFor();
    for (const message of ["Select whether you are in the staff directory", "Select your role on this laptop"]) {
      await page.locator("#error-summary a", { hasText: message }).waitFor();
    }
    await checkScreen(page, "first-start-12-profile-directory-errors");

    await byId(page, "listed").check();
    assert.equal(await focusedId(page), "listed", "focus stays on the answer that opened the choice");
    const names = await page.$$eval("#person option", (options) => options.map((o) => o.textContent));
    assert.ok(names.includes("Ana Access (Authorised Access Worker; Online checks; staff ID 1005)"), names.join(" | "));
    await byId(page, "save-profile").click();
    await page.locator("#error-summary a", { hasText: "Choose your name in the staff directory" }).waitFor();
    await checkScreen(page, "first-start-13-profile-choose-error");
    await byId(page, "person").selectOption({ label: "Ana Access (Authorised Access Worker; Online checks; staff ID 1005)" });
    assert.equal(await focusedId(page), "person");
    assert.equal(await page.locator("#error-summary").count(), 0, "the problems answered are taken off the page");
    // Only the role the directory gives her, already chosen.
    assert.deepEqual(await page.$$eval('input[name="role"]', (r) => r.map((x) => [x.value, x.checked])), [["aaw", true]]);
    await checkScreen(page, "first-start-14-profile-chosen");
    await byId(page, "save-profile").click();

    // No browser: what to install, and the worker may carry on.
    await heading(page, "The browser for captures");
    assert.equal(await byId(page, "browser-in-use").count(), 0);
    assert.match(await byId(page, "no-browser").innerText(), /No browser for captures was found on this laptop/);
    assert.match(await byId(page, "what-to-install").innerText(), /Install Microsoft Edge or Google Chrome[\s\S]*choose it later in Settings/);
    assert.match(await byId(page, "browser-summary").innerText(), /No Edge, Chrome or Chromium in the usual places/);
    assert.equal(await byId(page, "continue").innerText(), "Continue without a browser");
    await checkScreen(page, "first-start-15-no-browser");
    await byId(page, "continue").click();
    await heading(page, "Home");
    assert.equal(await byId(page, "signed-in").innerText(), "Ana Access, Authorised Access Worker");

    // Settings say there is none, and choosing one there is kept.
    await byId(page, "nav-settings").click();
    await heading(page, "Settings");
    assert.match(await byId(page, "settings-browser").innerText(), /None found or chosen/);
    await byId(page, "change-browser").click();
    await heading(page, "Browser for captures");
    await checkScreen(page, "first-start-16-settings-no-browser");
    door.answers.push(chromium);
    await byId(page, "path").click();
    await page.locator("#notification", { hasText: "The browser for captures is chosen" }).waitFor();
    assert.equal(await byId(page, "browser-in-use").locator("p").first().innerText(), `Captures will use Chromium at ${chromium}.`);
    assert.equal(await byId(page, "no-browser").count(), 0);

    // The profile changed later keeps the person chosen from the directory.
    await byId(page, "nav-profile").click();
    await heading(page, "Worker profile");
    assert.equal(await byId(page, "listed").isChecked(), true);
    assert.equal(await byId(page, "person").inputValue(), "5");
    assert.equal(await byId(page, "save-profile").innerText(), "Save profile");
    await page.close();
  });
});
