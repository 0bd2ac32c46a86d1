// The UI against the real rules: the built app (ui/dist) served by `triangulate serve --ui`
// over a new data folder, in Chromium, every command answered by the application layer over
// the HTTP door. The first start: the store created, its recovery phrase,
// the worker's profile refused field by field and then saved, the browser for captures, Home;
// then the command line reads what the page did from the same store.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkScreen, focusedId, heading, launch } from "./support.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const TRIANGULATE = process.env.TRIANGULATE_BIN ?? join(root, "target", "debug", "triangulate");
const env = { ...process.env, TRIANGULATE_KEYSTORE: "kernel-keyring" };
delete env.TRIANGULATE_DATA_DIR;
delete env.RUST_LOG;

const state = {};

/** `triangulate serve` on the data folder, with the UI; resolves to its address and token. */
function serve(dataDir) {
  const child = spawn(TRIANGULATE, ["--data-dir", dataDir, "serve", "--listen", "127.0.0.1:0", "--ui", join(root, "ui", "dist")], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`triangulate serve stopped (${code}) before it listened`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve({ child, ...JSON.parse(line) }));
  });
}

before(async () => {
  assert.ok(existsSync(TRIANGULATE), `${TRIANGULATE} is built (cargo build -p triangulate-cli)`);
  assert.ok(existsSync(join(root, "ui", "dist", "index.html")), "ui/dist is built (npm run --prefix ui build)");
  state.temp = await mkdtemp(join(tmpdir(), "triangulate-http-"));
  state.dataDir = join(state.temp, "data");
  state.door = await serve(state.dataDir);
  state.browser = await launch();
});

after(async () => {
  await state.browser?.close();
  state.door?.child.kill();
  if (state.temp) await rm(state.temp, { recursive: true, force: true });
});

const byId = (page, id) => page.locator(`[id="${id}"]`);

test("a first start over the HTTP door is answered by the real rules and lands in the store", async () => {
  const { url, token } = state.door;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);

  // Without the token the page is served (it holds no data) but no command is answered.
  const refused = await fetch(`${url}/api/store_status`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
  assert.equal(refused.status, 401);
  assert.equal(await refused.text(), "");

  const page = await state.browser.newPage();
  // The token is given in the address once, and taken out of it.
  await page.goto(`${url}/#token=${token}`);
  await heading(page, "There is no store in this data folder yet");
  assert.equal(new URL(page.url()).hash, "", "the token does not stay in the address");
  await checkScreen(page, "http-01-store-not-created");
  await byId(page, "create-store").click();
  await page.locator("#recovery-phrase li").nth(11).waitFor();
  const words = await page.locator("#recovery-phrase li").allInnerTexts();
  assert.equal(words.length, 12);
  assert.equal(new Set(words).size > 1, true, "a real phrase, not a fixed one");
  await checkScreen(page, "http-02-store-created");
  await byId(page, "continue").click();
  await heading(page, "Worker profile");

  // The real rules refuse an empty profile, field by field, and the page links each field.
  await byId(page, "save-profile").click();
  await page.locator("#error-summary").waitFor();
  assert.equal(await focusedId(page), "error-summary");
  const problems = await page.locator("#error-summary a").evaluateAll((links) => links.map((a) => [a.getAttribute("href"), a.textContent.trim()]));
  assert.ok(problems.some(([href]) => href === "#name"), JSON.stringify(problems));
  assert.ok(problems.every(([, text]) => text.length > 0));
  await checkScreen(page, "http-03-profile-errors");

  await byId(page, "name").fill("Nia Newydd");
  await byId(page, "staff_id").fill("2001");
  await byId(page, "role").check();
  await byId(page, "save-profile").click();
  await heading(page, "The browser for captures");
  await checkScreen(page, "http-04-browser");
  await byId(page, "continue").click();
  await page.locator("#signed-in-as").waitFor();
  assert.match(await byId(page, "signed-in-as").innerText(), /You are using Triangulate as Nia Newydd, Authorised Access Worker\./);
  await checkScreen(page, "http-05-home");
  await page.close();

  // The command line reads the same store: the page's worker is in the staff directory.
  state.door.child.kill();
  await new Promise((resolve) => state.door.child.once("exit", resolve));
  const staff = JSON.parse(execFileSync(TRIANGULATE, ["--data-dir", state.dataDir, "staff", "list", "--json"], { env, encoding: "utf8" }));
  const people = staff.staff ?? staff;
  assert.ok(people.some((p) => p.name === "Nia Newydd" && p.staff_id === "2001"), JSON.stringify(staff));
});
