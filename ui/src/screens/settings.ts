// The settings in force: the policy (each value, and whether the local policy.toml set it
// or it is the embedded default), read-only; the data folder; the worker profile and the
// register of Authorised Access Workers; the browser for captures; the signing key's fingerprint for the council to
// publish; and what to do with the recovery phrase.
import { App, attempt, pageHeading } from "../app";
import { filePath, summaryList, table, warningText } from "../components";
import { Child, h } from "../dom";
import type { BrowserSetting, SettingsPage } from "../generated/ipc";
import { WORKER_ROLES, labelOf, policyName } from "../labels";
import { browserRow } from "./browser";
import { registerRow } from "./profile";

export async function settingsScreen(app: App): Promise<void> {
  const loaded = await attempt(app, () => Promise.all([app.backend.call("settings_get", {}), app.backend.call("browser_get", {})]));
  if (loaded) showSettings(app, ...loaded);
}

function showSettings(app: App, page: SettingsPage, browser: BrowserSetting): void {
  const content: Child[] = [...pageHeading("Settings")];
  content.push(
    summaryList(
      [
        ["Data folder", filePath(page.data_folder, { id: "data-folder" }), null],
        ["Where the database key is kept", page.keystore, null],
        ["Worker using this laptop", page.worker ? `${page.worker.name}, ${labelOf(WORKER_ROLES, page.worker.role)}` : "No worker profile yet", { href: "#/profile", label: "worker profile" }],
        browserRow(browser),
      ],
      "settings-summary",
    ),
  );
  content.push(
    h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: "#/status", id: "store-status-link" }, "The store: whether it opens, its record of changes, and a new recovery phrase")),
    h("h2", { class: "govuk-heading-m" }, "The installation's signing key"),
    h("p", { class: "govuk-body" }, "Every capture manifest and evidence bundle is signed with this laptop's key. The council publishes its fingerprint, so that a legal team can check a bundle was signed here:"),
    h("p", { class: "govuk-body app-digest", id: "fingerprint" }, page.fingerprint),
  );
  content.push(
    h("h2", { class: "govuk-heading-m" }, "The recovery phrase"),
    page.recovery_warning ? warningText(page.recovery_warning) : null,
    h(
      "p",
      { class: "govuk-body", id: "recovery-advice" },
      "The 12-word recovery phrase shown when the store was created puts the database key back if it is lost from this laptop's credential store. Keep it on paper in a locked place, apart from the laptop; never in a file, an email or a photo. Without it, a lost key means the store is lost.",
    ),
  );
  content.push(h("h2", { class: "govuk-heading-m" }, "The policy in force"));
  // The problem names the file's own line and key: shown as file text.
  if (page.policy_problem) content.push(h("div", { id: "policy-problem", class: "app-file-text" }, warningText(`The local policy file cannot be used, so the embedded defaults are in force: ${page.policy_problem}`)));
  content.push(
    h(
      "p",
      { class: "govuk-body", id: "policy-source" },
      page.policy_file ? `The local policy file is ${page.policy_file}; a value it does not set is the embedded default.` : "There is no local policy file: every value is the embedded default.",
      " The policy is changed by editing that file, not here.",
    ),
    table(
      "Policy values",
      ["Setting", "Value", "Set by"],
      page.policy.map((e) => [policyName(e.key), policyValue(e.value), e.from_local_file ? "Local policy file" : "Embedded default"]),
      "policy",
    ),
    h(
      "details",
      { class: "govuk-details", id: "policy-keys" },
      h("summary", { class: "govuk-details__summary" }, h("span", { class: "govuk-details__summary-text" }, "The settings' names in the policy file")),
      h(
        "div",
        { class: "govuk-details__text" },
        h("p", { class: "govuk-body" }, "To change a setting, the local policy file names it so:"),
        summaryList(page.policy.map((e) => [policyName(e.key), h("code", {}, e.key), null]), "policy-key-names"),
      ),
    ),
  );
  content.push(
    page.aaws.length
      ? table("Register of Authorised Access Workers", ["Name", "Decided by", "Service director's decision", "Trained", "Registered"], page.aaws.map(registerRow), "aaw-register")
      : h("div", {}, h("h2", { class: "govuk-heading-m" }, "Register of Authorised Access Workers"), h("p", { class: "govuk-body", id: "aaw-register" }, "No one is registered yet: register workers on the worker profile screen.")),
  );
  app.show("Settings", ...content.filter((c): c is Node => c instanceof Node));
}

/** A setting's value as people read it: yes or no, a list joined with commas, "Not set". A
 *  table of values (the date finders) stays as the file writes it, as code. */
function policyValue(value: string): Child {
  if (value === "") return "Not set";
  if (value === "true") return "Yes";
  if (value === "false") return "No";
  const list = /^\[(.*)\]$/s.exec(value);
  if (list) {
    const items = list[1].split(",").map((item) => item.trim().replace(/^"(.*)"$/, "$1")).filter(Boolean);
    return items.length ? items.join(", ") : "None";
  }
  if (value.startsWith("{")) return h("code", { class: "app-break" }, value);
  return value;
}
