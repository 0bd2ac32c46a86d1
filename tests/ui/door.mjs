// The UI over the real rules: for each test, `triangulate serve --ui ui/dist` over a data
// folder of its own, with a test clock the test can move (`TRIANGULATE_TEST_CLOCK`), and the
// questions a web page asks in words instead of the system's dialogs (where to save a file,
// which file to read) answered with paths in the test's own folder. Each command the page
// sends is answered by the application layer, as the desktop's window is.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const TRIANGULATE = process.env.TRIANGULATE_BIN ?? join(root, "target", "debug", "triangulate");
const UI = join(root, "ui", "dist");

/** A command of the contract sent to the door at `url` with its `token`, as the page sends
 *  it: resolves to its answer, or rejects with `{status, body}` where body is the error the
 *  page would be given. */
export async function callDoor(url, token, name, args = {}) {
  const response = await fetch(`${url}/api/${name}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(args),
  });
  const body = await response.json();
  if (!response.ok) throw { status: response.status, body };
  return body;
}

/** The same, to the door whose address with its token (`{url}/#token=…`) is `start`. */
export function callAt(start, name, args = {}) {
  const { origin, hash } = new URL(start);
  const token = /^#token=([0-9a-f]+)$/.exec(hash)?.[1];
  assert.ok(token, "the door's address with its token");
  return callDoor(origin, token, name, args);
}

/** The moment the tests' clock starts at unless a test says otherwise. */
export const START = "2026-11-23T10:00:00Z";

/** A door over a new data folder; `at` sets its clock, `env` adds to its environment. */
export async function openDoor({ at = START, env: more = {} } = {}) {
  assert.ok(existsSync(TRIANGULATE), `${TRIANGULATE} is built (cargo build -p triangulate-cli)`);
  assert.ok(existsSync(join(UI, "index.html")), "ui/dist is built (npm run --prefix ui build)");
  const temp = await mkdtemp(join(tmpdir(), "triangulate-ui-"));
  const dataDir = join(temp, "data");
  const files = join(temp, "files");
  await mkdir(files);
  const clock = join(temp, "clock");
  await writeFile(clock, at);
  const env = { ...process.env, TRIANGULATE_KEYSTORE: "kernel-keyring", TRIANGULATE_TEST_CLOCK: clock, ...more };
  delete env.TRIANGULATE_DATA_DIR;
  delete env.RUST_LOG;
  const child = spawn(TRIANGULATE, ["--data-dir", dataDir, "serve", "--listen", "127.0.0.1:0", "--ui", UI], { env, stdio: ["ignore", "pipe", "inherit"] });
  const { url, token } = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`triangulate serve stopped (${code}) before it listened`)));
    createInterface({ input: child.stdout }).once("line", (line) => resolve(JSON.parse(line)));
  });
  const door = {
    url,
    token,
    /** The app's address with the door's token, as `triangulate serve` prints it to be opened. */
    start: `${url}/#token=${token}`,
    dataDir,
    /** Where the test's answers put the files the app writes. */
    files,
    env,
    /** Answers to the page's next questions, in order: a path (relative ones in `files`), or
     *  null to cancel. With none left, a save is answered with its suggested name in `files`. */
    answers: [],
    /** What the page asked, in order. */
    asked: [],
    /** Moves the clock to this instant; it runs on from there. */
    async setClock(instant) {
      await writeFile(clock, instant);
    },
    /** A command of the contract, as the page sends it (`callDoor`). */
    call(name, args = {}) {
      return callDoor(url, token, name, args);
    },
    /** A new page in `browser`, its questions answered; open `start` in it first. */
    async page(browser) {
      const page = await browser.newPage();
      page.on("dialog", async (dialog) => {
        if (dialog.type() !== "prompt") return dialog.dismiss();
        door.asked.push(dialog.message());
        const answer = door.answers.length ? door.answers.shift() : dialog.defaultValue() || null;
        if (answer === null) return dialog.dismiss();
        return dialog.accept(answer.startsWith("/") ? answer : join(files, answer));
      });
      return page;
    },
    async close() {
      if (child.exitCode === null) {
        child.kill();
        await new Promise((resolve) => child.once("exit", resolve));
      }
      await rm(temp, { recursive: true, force: true });
    },
  };
  return door;
}
