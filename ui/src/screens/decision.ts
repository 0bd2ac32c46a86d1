// Recording a workflow step: who decided, the evidence of a manager's or director's
// decision, a note of why, and a service director's conditions.
import { App, attempt } from "../app";
import { Errors, backLink, button, dateInput, errorsFrom, textArea, textInput, warningText } from "../components";
import { h } from "../dom";
import type { FieldError, RequestPage, RequestStepArgs, Step } from "../generated/ipc";
import { requestHref } from "./request-page";

export async function decisionScreen(app: App, reference: string, step: Step): Promise<void> {
  const [page, profile] = await Promise.all([
    attempt(app, () => app.backend.call("request_get", { reference })),
    attempt(app, () => app.backend.call("worker_profile_get", {})),
  ]);
  if (!page) return;
  const next = page.next_steps.find((n) => n.step === step);
  if (!next) {
    app.show("This step is not open", backLink(requestHref(reference)), h("h1", { class: "govuk-heading-l" }, "This step is not open"), h("p", { class: "govuk-body" }, `Request ${reference} is ${page.record.state_label.toLowerCase()}.`));
    return;
  }
  const selfTaken = next.role === "Osw" || next.role === "Aaw";
  const args: RequestStepArgs = {
    reference, step, decided_by: selfTaken && profile ? profile.name : "", evidence: "", note: "", conditions: "",
    decided_on: { day: "", month: "", year: "" },
  };
  const whose = h("p", { class: "govuk-body", id: "whose-decision" });
  const sayWhose = () => {
    whose.textContent = `You are recording ${args.decided_by.trim() ? `${args.decided_by.trim()}'s decision` : `the decision of the ${next.by.toLowerCase()}`}: ${next.label.replace(/^Record /, "").toLowerCase()}.`;
  };
  sayWhose();
  const render = (fields: FieldError[]) => {
    const errors: Errors = errorsFrom(fields);
    app.show(
      next.label,
      backLink(requestHref(reference)),
      h("span", { class: "govuk-caption-l" }, `Request ${reference}`),
      h("h1", { class: "govuk-heading-l" }, next.label),
      next.missing.length ? warningText(`Before this step: ${next.missing.join("; ")}`) : null,
      h(
        "form",
        { novalidate: "", id: "decision-form" },
        whose,
        knownNames(textInput({ id: "decided_by", label: "Who decided", hint: `${next.by}: their full name, chosen from the names known on this request or typed`, errors, value: args.decided_by, onInput: (v) => { args.decided_by = v; sayWhose(); } }), page),
        dateInput({ id: "decided_on", label: "When it was decided", optional: true, hint: "The day of the email or meeting, for example 20 11 2026. Leave it empty for today.", errors, value: args.decided_on, onInput: (v) => (args.decided_on = v) }),
        textInput({ id: "evidence", label: "Evidence of the decision", optional: !next.needs_evidence, hint: "The reference of the email, memo or minutes that record it", errors, value: args.evidence, onInput: (v) => (args.evidence = v) }),
        textArea({ id: "note", label: next.needs_note ? "Why" : "Note", optional: !next.needs_note, rows: 3, errors, value: args.note, onInput: (v) => (args.note = v) }),
        next.takes_conditions
          ? textArea({ id: "conditions", label: "Conditions of the permission", optional: true, rows: 3, errors, value: args.conditions, onInput: (v) => (args.conditions = v) })
          : null,
        button(next.label, () => record(), { id: "record" }),
      ),
    );
    if (fields.length) app.showErrors(fields);
  };
  const record = async () => {
    try {
      await app.backend.call("request_step", args);
      app.flash(`${next.label}: recorded`);
      app.go(requestHref(reference));
    } catch (error) {
      const failure = error as { code?: string; fields?: FieldError[] };
      // The backend names the decision maker's field "by", as the CLI's flag.
      if (failure.code === "invalid_fields" && failure.fields) render(failure.fields.map((f) => (f.field === "by" ? { ...f, field: "decided_by" } : f)));
      else app.showFailure(error);
    }
  };
  render([]);
}

/** Offers the names already known on the request (its team manager, its social worker and
 *  everyone who decided a step) as choices for the decider; another name can be typed. */
function knownNames(group: HTMLElement, page: RequestPage): HTMLElement {
  const r = page.record.request;
  const names = [...new Set([r.team_manager.name, r.originating_worker.name, ...page.record.decisions.map((d) => d.decided_by)].map((n) => n.trim()).filter(Boolean))];
  group.querySelector("input")!.setAttribute("list", "known-deciders");
  group.append(h("datalist", { id: "known-deciders" }, ...names.map((n) => h("option", { value: n }))));
  return group;
}
