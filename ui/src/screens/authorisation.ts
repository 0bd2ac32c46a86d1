// Recording an authorisation — RIPA directed surveillance or CHIS, or non-RIPA (the council's
// own process) — with its dates: review and expiry default from the local policy when left
// blank; a RIPA authorisation's magistrate's approval may be recorded with it or later.
import { App, attempt, longDate, submitForm } from "../app";
import { backLink, button, checkboxes, dateInput, errorsFrom, radios, textInput } from "../components";
import { h } from "../dom";
import type { AuthorisationAddArgs, FieldError } from "../generated/ipc";
import { AUTHORISATION_KINDS } from "../labels";
import { requestHref } from "./request-page";

const emptyDate = () => ({ day: "", month: "", year: "" });

export async function authorisationScreen(app: App, reference: string): Promise<void> {
  const [page, accounts] = await Promise.all([
    attempt(app, () => app.backend.call("request_get", { reference })),
    attempt(app, () => app.backend.call("account_list", {})),
  ]);
  if (!page || !accounts) return;
  const args: AuthorisationAddArgs = { request: reference, kind: null, reference: "", officer: "", granted: emptyDate(), review: emptyDate(), expires: emptyDate(), person: null, account: null, approved: emptyDate(), urgent: false, confidential_likely: false };
  const title = "Record an authorisation";
  const named = page.record.request.subjects.map((s, i) => ({ n: i + 1, name: s.name })).filter((s) => s.name);
  const render = (fields: FieldError[], focusId?: string) => {
    const errors = errorsFrom(fields);
    /** When there is nothing to choose, the message says why, and an error can still point at it. */
    const nothingToChoose = (id: string, ...text: (Node | string)[]) =>
      h(
        "div",
        { class: `govuk-form-group${errors.has(id) ? " govuk-form-group--error" : ""}` },
        errors.has(id) ? h("p", { class: "govuk-error-message", id: `${id}-error` }, h("span", { class: "govuk-visually-hidden" }, "Error: "), errors.get(id)!) : null,
        h("p", { class: "govuk-body", id, tabindex: "-1" }, ...text),
      );
    const personChoice = () =>
      named.length
        ? radios<number>({ id: "person", label: "Which person does it cover?", errors, value: args.person, small: true, choices: named.map((s) => ({ value: s.n, label: `${s.n}. ${s.name}` })), onChange: (v) => (args.person = v) })
        : nothingToChoose("person", "Directed surveillance covers a named person, and this request names none: change the request to name the person first.");
    const accountChoice = () =>
      accounts.length
        ? radios<number>({ id: "account", label: "Which sanctioned account does it cover?", errors, value: args.account, small: true, choices: accounts.map((a) => ({ value: a.id, label: `${a.platform}: ${a.handle}` })), onChange: (v) => (args.account = v) })
        : nothingToChoose("account", "There is no sanctioned account yet: ", h("a", { class: "govuk-link", href: "#/accounts" }, "add one to the register"), ".");
    app.show(
      title,
      backLink(requestHref(reference)),
      h("span", { class: "govuk-caption-l" }, `Request ${reference}`),
      h("h1", { class: "govuk-heading-l" }, title),
      h(
        "form",
        { novalidate: "", id: "authorisation-form" },
        radios({
          id: "kind",
          label: "Kind of authorisation",
          errors,
          value: args.kind,
          choices: AUTHORISATION_KINDS.map(([value, label]) => ({ value, label, conditional: value === "chis" ? accountChoice : personChoice })),
          onChange: (v) => {
            args.kind = v;
            if (v === "non_ripa") args.approved = emptyDate();
            render([], v === "chis" ? "kind-2" : v === "non_ripa" ? "kind-3" : "kind");
          },
        }),
        textInput({ id: "reference", label: "Unique reference number (URN)", errors, value: args.reference, width: "20", onInput: (v) => (args.reference = v) }),
        textInput({ id: "officer", label: "Authorising officer", errors, value: args.officer, onInput: (v) => (args.officer = v) }),
        dateInput({ id: "granted", label: "Date granted", hint: "For example, 22 11 2026", errors, value: args.granted, onInput: () => {} }),
        dateInput({ id: "review", label: "Review date", optional: true, hint: "Leave blank for the policy's review interval", errors, value: args.review, onInput: () => {} }),
        dateInput({ id: "expires", label: "Expiry date", optional: true, hint: "Leave blank for the policy's term", errors, value: args.expires, onInput: () => {} }),
        args.kind === "non_ripa"
          ? null
          : dateInput({ id: "approved", label: "Date a justice of the peace approved it", optional: true, hint: "A directed surveillance or CHIS authorisation allows nothing until a magistrate approves it. Leave blank if not yet, and record it from the authorisation register later", errors, value: args.approved, onInput: () => {} }),
        checkboxes<"urgent" | "confidential_likely">({
          id: "flags",
          label: "For the central record",
          optional: true,
          errors,
          small: true,
          values: [...(args.urgent ? ["urgent" as const] : []), ...(args.confidential_likely ? ["confidential_likely" as const] : [])],
          choices: [
            { value: "urgent", label: "Granted under the urgency procedure" },
            { value: "confidential_likely", label: "Confidential or legally privileged material is likely to be obtained" },
          ],
          onChange: (values) => {
            args.urgent = values.includes("urgent");
            args.confidential_likely = values.includes("confidential_likely");
          },
        }),
        button("Record the authorisation", () => save(), { id: "save-authorisation" }),
      ),
    );
    if (fields.length) app.showErrors(fields);
    else if (focusId) document.getElementById(focusId)?.focus();
  };
  const save = () =>
    submitForm(app, async () => {
      const saved = await app.backend.call("authorisation_add", args);
      app.flash("Authorisation recorded", `Expires ${longDate(saved.authorisations[saved.authorisations.length - 1]?.expires ?? "")}`);
      app.go(requestHref(reference));
    }, render);
  render([]);
}
