// Every request with its state, searchable by reference, case or name; and the forms being
// filled in for new requests.
import { App, attempt, pageHeading, ukTime } from "../app";
import { linkButton, table, tag } from "../components";
import { h } from "../dom";
import type { RequestState } from "../generated/ipc";

/** A colour per state; the tag's words always say the state too. */
const STATE_COLOURS: Record<RequestState, string> = {
  draft: "grey",
  submitted: "blue",
  agreed: "light-blue",
  permitted: "turquoise",
  refused: "red",
  referred_back: "orange",
  legitimacy_confirmed: "green",
  doubts_raised: "yellow",
  in_progress: "purple",
  log_completed: "pink",
  finalised: "green",
  shared: "blue",
  closed: "grey",
  withdrawn: "grey",
};

export function stateTag(state: RequestState, label: string): HTMLElement {
  return tag(label, STATE_COLOURS[state]);
}

export async function requestsScreen(app: App, query: string): Promise<void> {
  const [list, profile] = await Promise.all([
    attempt(app, () => app.backend.call("request_list", { query })),
    attempt(app, () => app.backend.call("worker_profile_get", {})),
  ]);
  if (!list) return;
  const form = searchForm(app, query);
  const rows = list.requests.map((r) => [
    h("a", { class: "govuk-link", href: `#/requests/${encodeURIComponent(r.reference)}`, id: `request-${r.reference}` }, r.reference),
    r.case_reference,
    r.subjects.join(", "),
    stateTag(r.state, r.state_label),
    ukTime(r.updated_at),
  ]);
  const content: (Node | null)[] = [...pageHeading("Investigation requests")];
  if (profile === null) {
    content.push(
      h("div", { class: "govuk-inset-text", id: "no-profile" }, "Set up your ", h("a", { class: "govuk-link", href: "#/profile" }, "worker profile"), " before you start a request: every change is recorded against it."),
    );
  } else {
    content.push(linkButton("Start a new request", "#/requests/new", { id: "new-request" }));
  }
  content.push(form);
  content.push(
    rows.length
      ? table(query ? `Requests matching “${query}”` : "All requests", ["Reference", "Case", "People", "State", "Last changed"], rows, "requests")
      : h("p", { class: "govuk-body", id: "no-requests" }, query ? `No request matches “${query}”.` : "There are no requests yet."),
  );
  if (list.drafts.length) {
    content.push(
      table(
        "New requests not yet created",
        ["Form", "Last saved", "Action"],
        list.drafts.map((d) => [
          d.title,
          ukTime(d.updated_at),
          h("a", { class: "govuk-link", href: `#/drafts/${d.id}/case` }, "Continue", h("span", { class: "govuk-visually-hidden" }, ` ${d.title}`)),
        ]),
        "drafts",
      ),
    );
  }
  app.show("Investigation requests", ...content);
}

/** Search by reference, case reference or name; leads to the requests list. */
export function searchForm(app: App, query: string): HTMLElement {
  const search = h("input", { class: "govuk-input govuk-input--width-20", id: "search", name: "search", type: "search" }) as HTMLInputElement;
  search.value = query;
  const form = h(
    "form",
    { role: "search", "aria-label": "Requests", class: "app-search" },
    h(
      "div",
      { class: "govuk-form-group" },
      h("label", { class: "govuk-label", for: "search" }, "Search by reference, case reference or name"),
      search,
      " ",
      h("button", { class: "govuk-button govuk-button--secondary app-search__button", type: "submit" }, "Search"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    app.go(`#/requests?q=${encodeURIComponent(search.value.trim())}`);
  });
  return form;
}
