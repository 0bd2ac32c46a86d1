// The store's status, and creating the store with its recovery phrase shown once.
import { App, attempt, pageHeading } from "../app";
import { button, filePath, linkButton, plural, sentence, summaryList, warningText } from "../components";
import { h } from "../dom";
import type { InitialisedStore, StoreStatus } from "../generated/ipc";

const HEADINGS: Record<StoreStatus["state"], string> = {
  ready: "The store is open",
  not_initialised: "There is no store in this data folder yet",
  key_missing: "The database key is missing",
  wrong_key: "The database key does not open this store",
  rolled_back: "The store has been put back to an earlier copy",
  damaged: "The store is damaged",
  unavailable: "The store cannot be opened",
};

function statusList(status: StoreStatus): HTMLElement[] {
  const rows: [string, string | HTMLElement, null][] = [
    ["Data folder", filePath(status.data_dir), null],
    ["Database key kept in", status.keystore, null],
  ];
  if (status.audit) rows.push(["Record of changes", status.audit.intact ? `Intact: ${plural(status.audit.events, "change")} recorded` : status.audit.message, null]);
  rows.push(["Organisation", status.organisation, null]);
  const technical: [string, string, null][] = [];
  if (status.store_id) technical.push(["Store id", status.store_id, null]);
  if (status.schema_version !== null) technical.push(["Schema version", String(status.schema_version), null]);
  if (status.audit) technical.push(["Audit chain", status.audit.message, null]);
  const details = technical.length
    ? h(
        "details",
        { class: "govuk-details", id: "technical-details" },
        h("summary", { class: "govuk-details__summary" }, h("span", { class: "govuk-details__summary-text" }, "Technical details")),
        h("div", { class: "govuk-details__text" }, summaryList(technical)),
      )
    : null;
  return [summaryList(rows, "store-status"), ...(details ? [details] : [])];
}

function statusContent(app: App, status: StoreStatus): (Node | null)[] {
  const content: (Node | null)[] = [
    ...pageHeading(HEADINGS[status.state]),
    // A new installation is not a failure: what it is and what to do, in words, rather
    // than the store's error about the folder.
    status.state === "not_initialised"
      ? h(
          "div",
          { id: "store-message" },
          h("p", { class: "govuk-body" }, "This is a new installation: nothing is stored on this laptop yet."),
          h("p", { class: "govuk-body" }, "Create the store to begin. It makes the encrypted place where requests, captures and logs are kept, in the data folder below, and shows you a recovery phrase to write down."),
        )
      : h("p", { class: "govuk-body", id: "store-message" }, sentence(status.message)),
  ];
  if (status.keystore_warning) content.push(warningText(status.keystore_warning));
  if (status.recovery_warning) {
    content.push(warningText(sentence(status.recovery_warning)));
    if (status.state === "ready") {
      content.push(button("Make a new recovery phrase", () => confirmRenew(app, status), { id: "renew-recovery" }));
    }
  }
  // A copy of the audit head is missing: the chain may be whole and still an earlier copy's.
  if (status.rollback_warning) content.push(warningText(sentence(status.rollback_warning)));
  if (status.policy_problem) content.push(warningText(`The local policy is not valid: ${status.policy_problem}`));
  if (status.audit && !status.audit.intact) content.push(warningText(status.audit.message));
  content.push(...statusList(status));
  if (status.state === "not_initialised") {
    content.push(button("Create the store", () => createStore(app), { id: "create-store" }));
  }
  return content;
}

export async function statusScreen(app: App): Promise<void> {
  const status = await attempt(app, () => app.backend.call("store_status", {}));
  if (status) app.show(HEADINGS[status.state], ...statusContent(app, status));
}

async function createStore(app: App): Promise<void> {
  const created = await attempt(app, () => app.backend.call("store_init", {}));
  if (!created) return;
  // The laptop's first start: the profile, then the browser for captures, then Home.
  showPhrase(app, "Store created", created, "#/profile?setup");
}

/** A new phrase cannot be undone: the one written down before stops opening the store. */
function confirmRenew(app: App, status: StoreStatus): void {
  const title = "Make a new recovery phrase?";
  const back = h("a", { class: "govuk-back-link", href: "#/status" }, "Back");
  const no = h("a", { class: "govuk-link", href: "#/status", id: "keep-phrase" }, "No, go back to the store");
  // The question is shown at the store's own address: going back draws it again.
  for (const link of [back, no]) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      app.go("#/status");
    });
  }
  app.show(
    title,
    back,
    ...pageHeading(title),
    warningText("This cannot be undone: a recovery phrase written down before no longer opens the store. Only the new one does."),
    h("p", { class: "govuk-body" }, `The new phrase is shown once, on the next page. Have paper ready to write it down, and keep it apart from this laptop. ${status.recovery_warning ? "Until then, the store is lost if its database key is." : ""}`.trim()),
    h("div", { class: "govuk-button-group" }, button("Yes, make a new recovery phrase", () => renewRecovery(app), { id: "confirm-renew", warning: true }), no),
  );
}

async function renewRecovery(app: App): Promise<void> {
  const renewed = await attempt(app, () => app.backend.call("store_renew_recovery", {}));
  if (!renewed) return;
  const banner = document.getElementById("recovery-warning");
  if (banner) {
    banner.replaceChildren();
    banner.hidden = true;
  }
  showPhrase(app, "New recovery phrase made", renewed, "#/profile");
}

function showPhrase(app: App, title: string, created: InitialisedStore, next: string): void {
  app.show(
    title,
    h("div", { class: "govuk-panel govuk-panel--confirmation" }, h("h1", { class: "govuk-panel__title" }, title)),
    h("h2", { class: "govuk-heading-m" }, "Write down your recovery phrase"),
    h("p", { class: "govuk-body" }, "It is shown once, now. With it the store can be opened again if the database key is lost from this computer's credential store. Keep it somewhere safe, away from this laptop."),
    h("ol", { class: "govuk-list govuk-list--number app-phrase", id: "recovery-phrase" }, ...created.recovery_phrase.map((word) => h("li", {}, word))),
    ...statusList(created.status),
    linkButton("I have written it down: set up my profile", next, { id: "continue" }),
  );
}
