// The authorisation register: every authorisation across requests — RIPA directed surveillance
// and CHIS (in effect once a justice of the peace approves them) and non-RIPA (the council's own
// process) — with its approval, reviews, renewals, cancellation and state today; forms to
// record an approval, a review and a cancellation; and the central record exported as CSV.
import { App, attempt, longDate, pageHeading, submitForm, ukTime } from "../app";
import { backLink, button, dateInput, errorsFrom, notification, table, tag, textArea, textInput, warningText } from "../components";
import { Child, h } from "../dom";
import type { AuthorisationState, DateParts, FieldError, RegisterEntry } from "../generated/ipc";
import { AUTHORISATION_KINDS, labelOf } from "../labels";
import { requestHref } from "./request-page";

const COLOURS: Record<AuthorisationState, string> = {
  awaiting_approval: "yellow",
  in_force: "green",
  review_due: "orange",
  review_overdue: "red",
  expired: "red",
  cancelled: "grey",
};

const href = (urn: string, action: string) => `#/authorisations/${encodeURIComponent(urn)}/${action}`;
const running = (e: RegisterEntry) => e.state !== "cancelled" && e.state !== "expired";

function dates(e: RegisterEntry): Child {
  const lines: string[] = [`Granted ${longDate(e.granted)}`];
  if (e.kind === "non_ripa") lines.push("No magistrate's approval needed");
  else lines.push(e.approved ? `Approved by a justice of the peace ${longDate(e.approved)}` : "No magistrate's approval yet");
  if (e.review_due && running(e)) lines.push(`Review due ${longDate(e.review_due)}`);
  for (const r of e.reviews) lines.push(`Reviewed ${longDate(r.reviewed_on)} by ${r.by}`);
  for (const r of e.renewals) lines.push(`Renewed by ${r.by} to ${longDate(r.expires)}`);
  lines.push(e.cancelled_at ? `Cancelled ${ukTime(e.cancelled_at)} by ${e.cancelled_by ?? ""}` : `Expires ${longDate(e.expires)}`);
  return h("ul", { class: "govuk-list govuk-body-s" }, ...lines.map((l) => h("li", {}, l)));
}

function actions(e: RegisterEntry): Child {
  const links: Child[] = [];
  const link = (text: string, action: string) => h("a", { class: "govuk-link", href: href(e.reference, action) }, text, h("span", { class: "govuk-visually-hidden" }, ` authorisation ${e.reference}`));
  if (e.kind !== "non_ripa" && !e.approved && running(e)) links.push(link("Record the approval", "approve"));
  if (running(e) && e.state !== "awaiting_approval") links.push(link("Record a review", "review"));
  // Cancelling an authorisation is a page of its own with its reason: a secondary button
  // leads there, the destructive one is on that page.
  if (!e.cancelled_at) links.push(h("a", { class: "govuk-button govuk-button--secondary app-table-button", href: href(e.reference, "cancel"), role: "button", draggable: "false" }, "Cancel", h("span", { class: "govuk-visually-hidden" }, ` authorisation ${e.reference}`)));
  return h("ul", { class: "govuk-list govuk-body-s" }, ...links.map((l) => h("li", {}, l)));
}

export async function registerScreen(app: App): Promise<void> {
  const entries = await attempt(app, () => app.backend.call("authorisation_register", {}));
  if (!entries) return;
  const status = h("div", { id: "central-record-status", role: "status", "aria-live": "polite" });
  const exportRecord = async () => {
    const path = await app.backend.chooseSaveFile(`central-record-${longDate(new Date().toISOString().slice(0, 10)).replace(/ /g, "-")}.csv`, "csv");
    if (!path) {
      status.replaceChildren(h("p", { class: "govuk-body" }, "Not exported: no file was chosen."));
      return;
    }
    await submitForm(app, async () => {
      const written = await app.backend.call("authorisation_central_record", { path: path.toLowerCase().endsWith(".csv") ? path : `${path}.csv` });
      status.replaceChildren(notification("Central record exported", `${written.rows === 1 ? "1 authorisation" : `${written.rows} authorisations`} written to ${written.path}. SHA-256 ${written.sha256}.`));
    }, (fields) => status.replaceChildren(...fields.map((f) => h("p", { class: "govuk-error-message" }, f.message))));
  };
  const content: Child[] = [
    backLink("#/"),
    ...pageHeading("Authorisation register"),
    h("p", { class: "govuk-body" }, "Every authorisation across requests, with its state today. A directed surveillance or CHIS authorisation takes effect only once a justice of the peace approves it; a non-RIPA authorisation follows the council's own process and needs no magistrate."),
    entries.length
      ? table(
          "Authorisations",
          ["Authorisation", "Request and who it covers", "Dates", "State", "Actions"],
          entries.map((e) => [
            h("span", {}, h("strong", {}, e.reference), h("br", {}), labelOf(AUTHORISATION_KINDS, e.kind), e.urgent ? ", urgent" : "", e.confidential_likely ? ", confidential material likely" : ""),
            h("span", {}, h("a", { class: "govuk-link", href: requestHref(e.request) }, e.request), h("br", {}), h("span", { class: "app-user-text" }, e.covers), h("br", {}), `Authorised by `, h("span", { class: "app-user-text" }, e.officer)),
            dates(e),
            tag(e.state_label, COLOURS[e.state]),
            actions(e),
          ]),
          "register",
        )
      : h("p", { class: "govuk-body", id: "register" }, "No authorisation is recorded yet."),
    h("h2", { class: "govuk-heading-m" }, "The central record"),
    h("p", { class: "govuk-body" }, "The record the covert surveillance code of practice asks the council to keep, as a CSV file: each authorisation's kind, reference, request, subjects, authorising officer, dates, approval, urgency, confidential material, reviews, renewals, cancellation and state."),
    warningText("The file holds the subjects' names outside the encrypted store. Save it only where the council's records policy allows, and the export is recorded in the audit trail."),
    button("Choose where to save the central record", () => exportRecord(), { id: "export-central-record", secondary: true }),
    status,
  ];
  app.show("Authorisation register", ...content.filter((c): c is Node => c instanceof Node));
}

type Action = "approve" | "review" | "cancel";

export async function registerActionScreen(app: App, urn: string, action: Action): Promise<void> {
  const entries = await attempt(app, () => app.backend.call("authorisation_register", {}));
  if (!entries) return;
  const entry = entries.find((e) => e.reference === urn);
  if (!entry) {
    app.show("Authorisation not found", backLink("#/authorisations"), ...pageHeading("Authorisation not found"), h("p", { class: "govuk-body" }, `There is no authorisation ${urn}.`));
    return;
  }
  const worker = await app.backend.call("worker_profile_get", {}).catch(() => null);
  const empty = (): DateParts => ({ day: "", month: "", year: "" });
  const form = { by: worker?.name ?? "", approved: empty(), outcome: "", next: empty(), reason: "" };
  const titles: Record<Action, string> = {
    approve: `Record the magistrate's approval of ${urn}`,
    review: `Record a review of ${urn}`,
    cancel: `Cancel authorisation ${urn}`,
  };
  const title = titles[action];
  const render = (fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    const byLabel = action === "approve" ? "Who records the approval" : action === "review" ? "Who reviewed it" : "Who decided to cancel it";
    const fieldsFor: Record<Action, Child[]> = {
      approve: [dateInput({ id: "approved", label: "Date a justice of the peace approved it", hint: `On or after the date granted, ${longDate(entry.granted)}`, errors, value: form.approved, onInput: (v) => (form.approved = v) })],
      review: [
        textArea({ id: "outcome", label: "Outcome of the review", hint: "Whether it is still necessary and proportionate, and what changes", errors, rows: 3, value: form.outcome, onInput: (v) => (form.outcome = v) }),
        dateInput({ id: "next", label: "Next review date", optional: true, hint: `Leave blank for the policy's review interval; no later than the expiry, ${longDate(entry.expires)}`, errors, value: form.next, onInput: (v) => (form.next = v) }),
      ],
      cancel: [textArea({ id: "reason", label: "Why it is cancelled", hint: "For example, the check is finished, or it is no longer necessary or proportionate", errors, rows: 3, value: form.reason, onInput: (v) => (form.reason = v) })],
    };
    const call = async () => {
      if (action === "approve") await app.backend.call("authorisation_approve", { reference: urn, approved: form.approved, by: form.by });
      else if (action === "review") await app.backend.call("authorisation_review", { reference: urn, by: form.by, outcome: form.outcome, next: form.next });
      else await app.backend.call("authorisation_cancel", { reference: urn, by: form.by, reason: form.reason });
    };
    const done: Record<Action, string> = { approve: "Approval recorded", review: "Review recorded", cancel: "Authorisation cancelled" };
    app.show(
      title,
      backLink("#/authorisations"),
      ...pageHeading(title, `Request ${entry.request}`),
      h("p", { class: "govuk-body" }, `${labelOf(AUTHORISATION_KINDS, entry.kind)} covering `, h("span", { class: "app-user-text" }, entry.covers), `, granted ${longDate(entry.granted)}, expires ${longDate(entry.expires)}.`),
      h(
        "form",
        { novalidate: "", id: "register-form" },
        ...fieldsFor[action],
        textInput({ id: "by", label: byLabel, errors, value: form.by, onInput: (v) => (form.by = v) }),
        button(action === "cancel" ? "Cancel the authorisation" : "Save", () => submitForm(app, async () => {
          await call();
          app.flash(done[action], urn);
          app.go("#/authorisations");
        }, render), { id: "save", warning: action === "cancel" }),
      ),
    );
    if (fields.length) app.showErrors(fields);
  };
  render([]);
}
