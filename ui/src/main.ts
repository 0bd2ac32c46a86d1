import "./styles/app.scss";
import { Backend, StoreStatus, isIpcError, tauriBackend } from "./backend";
import { h } from "./dom";

const app = document.getElementById("app")!;

function summaryRow(key: string, value: string): HTMLElement {
  return h(
    "div",
    { class: "govuk-summary-list__row" },
    h("dt", { class: "govuk-summary-list__key" }, key),
    h("dd", { class: "govuk-summary-list__value" }, value),
  );
}

function statusList(status: StoreStatus): HTMLElement {
  const rows = [
    summaryRow("Data folder", status.data_dir),
    summaryRow("Database key kept in", status.keystore),
  ];
  if (status.store_id) rows.push(summaryRow("Store id", status.store_id));
  if (status.schema_version !== null) rows.push(summaryRow("Schema version", String(status.schema_version)));
  if (status.audit) rows.push(summaryRow("Audit chain", status.audit.message));
  rows.push(summaryRow("Organisation", status.organisation));
  return h("dl", { class: "govuk-summary-list", id: "store-status" }, ...rows);
}

function warning(text: string): HTMLElement {
  return h(
    "div",
    { class: "govuk-warning-text" },
    h("span", { class: "govuk-warning-text__icon", "aria-hidden": "true" }, "!"),
    h("strong", { class: "govuk-warning-text__text" }, h("span", { class: "govuk-visually-hidden" }, "Warning"), text),
  );
}

function render(status: StoreStatus, backend: Backend): void {
  document.getElementById("protective-marking")!.textContent = status.protective_marking;
  const headings: Record<StoreStatus["state"], string> = {
    ready: "The store is open",
    not_initialised: "There is no store in this data folder yet",
    key_missing: "The database key is missing",
    wrong_key: "The database key does not open this store",
    unavailable: "The store cannot be opened",
  };
  document.title = `${headings[status.state]} – Triangulate`;
  const children: (Node | null)[] = [
    h("h1", { class: "govuk-heading-l", id: "store-heading" }, headings[status.state]),
    h("p", { class: "govuk-body", id: "store-message" }, status.message),
  ];
  if (status.keystore_warning) children.push(warning(status.keystore_warning));
  if (status.audit && !status.audit.intact) children.push(warning(status.audit.message));
  children.push(statusList(status));
  if (status.state === "not_initialised") {
    const button = h("button", { class: "govuk-button", type: "button", id: "create-store" }, "Create the store");
    button.addEventListener("click", () => void createStore(backend, button as HTMLButtonElement));
    children.push(button);
  }
  app.replaceChildren(...children.filter((c): c is Node => c !== null));
}

function renderError(error: unknown): void {
  const message = isIpcError(error) ? error.message : String(error);
  document.title = "Error – Triangulate";
  app.replaceChildren(
    h("h1", { class: "govuk-heading-l" }, "Something went wrong"),
    h("p", { class: "govuk-body", id: "error-message" }, message),
  );
}

async function createStore(backend: Backend, button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const created = await backend.storeInit();
    render(created.status, backend);
    const words = h("ol", { class: "govuk-list govuk-list--number app-phrase", id: "recovery-phrase" },
      ...created.recovery_phrase.map((word) => h("li", {}, word)));
    app.prepend(
      h("div", { class: "govuk-panel govuk-panel--confirmation" },
        h("h2", { class: "govuk-panel__title" }, "Store created")),
      h("h2", { class: "govuk-heading-m" }, "Write down your recovery phrase"),
      h("p", { class: "govuk-body" },
        "It is shown once, now. With it the store can be opened again if the database key is lost from this computer's credential store. Keep it somewhere safe, away from this laptop."),
      words,
    );
  } catch (error) {
    renderError(error);
  }
}

async function start(backend: Backend): Promise<void> {
  try {
    render(await backend.storeStatus(), backend);
  } catch (error) {
    renderError(error);
  }
}

void start(tauriBackend);
