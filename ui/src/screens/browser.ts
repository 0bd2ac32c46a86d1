// The browser this laptop's captures use: Edge, Chrome or Chromium found on the laptop, or the
// program the worker chooses in the system's open dialog; changeable later from Settings.
// With none found and none chosen the worker is told what to install, and may carry on.
import { App, attempt, pageHeading, ukTime } from "../app";
import { asIpcError } from "../backend";
import { backLink, button, errorsFrom, filePath, sentence, summaryList, warningText } from "../components";
import { Child, h } from "../dom";
import type { BrowserSetting, FieldError, NamedBrowser } from "../generated/ipc";

/** `setup` is the laptop's first start: the last step before Home. */
export async function browserScreen(app: App, setup = false): Promise<void> {
  const setting = await attempt(app, () => app.backend.call("browser_get", {}));
  if (setting) showBrowser(app, setting, setup, [], null);
}

/** "Microsoft Edge at C:\…\msedge.exe", the path as data. */
function named(browser: NamedBrowser): HTMLElement {
  return h("span", {}, `${browser.name === "the browser" ? "The browser" : browser.name} at `, h("code", {}, filePath(browser.path)));
}

/** Why this browser is the one a session opens, in plain words. */
function why(setting: BrowserSetting): string {
  switch (setting.in_use?.source) {
    case "chosen":
      return setting.chosen ? `It was chosen for this laptop by ${setting.chosen.chosen_by.name}, ${ukTime(setting.chosen.chosen_at)}.` : "It was chosen for this laptop.";
    case "environment":
      return "It is set for this laptop by whoever installed it, and comes before a browser chosen here. Ask them to change it.";
    case "found":
      return "It was found on this laptop. Choose another one if the council asks you to use a different browser.";
    default:
      return "";
  }
}

function showBrowser(app: App, setting: BrowserSetting, setup: boolean, fields: FieldError[], done: string | null): void {
  const title = setup ? "The browser for captures" : "Browser for captures";
  const errors = errorsFrom(fields);
  const failed = errors.get("path");
  const content: Child[] = [];
  if (!setup) content.push(backLink("#/settings", "Back to settings"));
  if (done) app.flash(done);
  content.push(
    ...pageHeading(title, setup ? "Setting up this laptop" : "Settings"),
    h("p", { class: "govuk-body" }, "An access session opens the council's sanctioned account in a browser of its own, and records every page visited in it. Triangulate uses Microsoft Edge, Google Chrome or Chromium already installed on this laptop."),
  );
  if (setting.in_use) {
    content.push(
      h("div", { class: "govuk-inset-text", id: "browser-in-use" }, h("p", { class: "govuk-body" }, "Captures will use ", named(setting.in_use.browser), "."), h("p", { class: "govuk-body", id: "browser-why" }, why(setting))),
    );
  } else {
    content.push(
      h(
        "div",
        { id: "no-browser" },
        // Nothing found and nothing chosen is said here in this screen's own words; a chosen or
        // set program that is not there, in the backend's.
        warningText(setting.chosen || setting.environment ? sentence(setting.problem ?? "") : "No browser for captures was found on this laptop."),
        setting.chosen
          ? null
          : h(
              "p",
              { class: "govuk-body", id: "what-to-install" },
              "Install Microsoft Edge or Google Chrome from the council's software centre, or ask IT to install one; then come back here, or choose the browser's program yourself. ",
              setup ? "You can carry on without one: an access session cannot start until there is one, and you can choose it later in Settings." : "An access session cannot start until there is one.",
            ),
      ),
    );
  }
  // What is not already said above: a choice that is not the one in use, and what was found.
  const rows: [string, Child, null][] = [];
  const source = setting.in_use?.source ?? null;
  if (setting.chosen && source !== "chosen") rows.push(["Chosen for this laptop", h("span", {}, named(setting.chosen.browser), setting.chosen.present ? "" : " (no longer there)"), null]);
  if (source !== "found") rows.push(["Found on this laptop", setting.found ? named(setting.found) : "No Edge, Chrome or Chromium in the usual places", null]);
  if (rows.length) content.push(summaryList(rows, "browser-summary"));
  content.push(
    h(
      "div",
      { class: `govuk-form-group${failed ? " govuk-form-group--error" : ""}`, id: "choose-group" },
      h("h2", { class: "govuk-heading-m" }, setting.chosen || setting.in_use ? "Choose a different browser" : "Choose the browser"),
      h("p", { class: "govuk-body", id: "choose-hint" }, "Choose the browser's program file, such as msedge.exe for Microsoft Edge or chrome.exe for Google Chrome. It is kept for this laptop, in your name."),
      failed ? h("p", { class: "govuk-error-message", id: "path-error" }, h("span", { class: "govuk-visually-hidden" }, "Error: "), failed) : null,
      h(
        "div",
        { class: "govuk-button-group" },
        button("Choose the browser's program", () => choose(app, setting, setup), { id: "path", secondary: Boolean(setting.in_use) }),
        setting.chosen ? button("Forget this choice", () => forget(app, setup), { id: "forget-browser", secondary: true }) : null,
      ),
    ),
  );
  if (setup) {
    // With no browser, choosing one is the main action and carrying on without one the other.
    content.push(h("div", { class: "govuk-button-group" }, button(setting.in_use ? "Continue" : "Continue without a browser", () => finish(app), { id: "continue", secondary: !setting.in_use })));
  }
  app.show(title, ...content.filter((c): c is Node => c instanceof Node));
  document.getElementById("path")?.setAttribute("aria-describedby", failed ? "choose-hint path-error" : "choose-hint");
  if (fields.length) app.showErrors(fields);
}

async function choose(app: App, setting: BrowserSetting, setup: boolean): Promise<void> {
  const path = await app.backend.chooseProgram();
  if (path === null) return;
  try {
    const changed = await app.backend.call("browser_choose", { path });
    showBrowser(app, changed, setup, [], "The browser for captures is chosen");
  } catch (error) {
    const failure = asIpcError(error);
    if (failure.code === "invalid_fields") showBrowser(app, setting, setup, failure.fields, null);
    else app.showFailure(failure);
  }
}

async function forget(app: App, setup: boolean): Promise<void> {
  try {
    const changed = await app.backend.call("browser_forget", {});
    showBrowser(app, changed, setup, [], "The browser chosen for this laptop is forgotten");
  } catch (error) {
    app.showFailure(error);
  }
}

function finish(app: App): void {
  app.flash("This laptop is set up", "You can change your profile and the browser for captures in Settings.");
  app.go("#/");
}

/** The browser for captures in a summary row of the settings, with where to change it. */
export function browserRow(setting: BrowserSetting): [string, Child, { href: string; label: string; id: string }] {
  const value = setting.in_use ? h("span", { id: "settings-browser" }, "Captures will use ", named(setting.in_use.browser)) : h("span", { id: "settings-browser" }, "None found or chosen: an access session cannot start");
  return ["Browser for captures", value, { href: "#/browser", label: "browser for captures", id: "change-browser" }];
}
