// Recording a workflow step. A step that is the worker's own is recorded in their name: the
// form does not ask who decided. A decision someone else made, by email or memo, is recorded
// for them: the decider is chosen from the people who may take it now, with its evidence.
// A note of why, and a service director's conditions, where the step takes them.
import { App, attempt } from "../app";
import { asIpcError } from "../backend";
import { Errors, backLink, button, dateInput, errorsFrom, sentence, textArea, warningText } from "../components";
import { h } from "../dom";
import type { FieldError, RequestPage, RequestStepArgs, Step } from "../generated/ipc";
import { STEP_WORDS } from "../labels";
import { choiceName, deciderValue, laptopWorker, notYours, proxyFields } from "./decider";
import { requestHref } from "./request-page";

export async function decisionScreen(app: App, reference: string, step: Step, proxy: boolean): Promise<void> {
  const [page, me] = await Promise.all([attempt(app, () => app.backend.call("request_get", { reference })), laptopWorker(app)]);
  if (!page) return;
  const next = page.next_steps.find((n) => n.step === step);
  if (!next) {
    notOpen(app, page, step);
    return;
  }
  // A step that is not the worker's own is only ever recorded for the person who took it.
  const forSomeoneElse = proxy || !next.yours || !me;
  const args: RequestStepArgs = {
    reference, step, decided_by: forSomeoneElse ? "" : deciderValue(me!), evidence: "", note: "", conditions: "",
    decided_on: { day: "", month: "", year: "" },
  };
  const what = next.label.replace(/^Record /, "").replace(/^./, (c) => c.toLowerCase());
  const whose = h("p", { class: "govuk-body", id: "whose-decision" });
  whose.textContent = forSomeoneElse
    ? `Record a decision made by email or memo: choose whose decision it is and give its evidence.`
    : `You are recording your own decision, in your name, ${me!.name}: ${what}.`;
  const title = forSomeoneElse ? `${next.label}: a decision made by email` : next.label;
  const render = (fields: FieldError[]) => {
    const errors: Errors = errorsFrom(fields);
    const canRecord = !forSomeoneElse || next.waits_for.length > 0;
    app.show(
      title,
      backLink(requestHref(reference)),
      h("span", { class: "govuk-caption-l" }, `Request ${reference}`),
      h("h1", { class: "govuk-heading-l" }, title),
      next.missing.length ? warningText(`Before this step: ${next.missing.join("; ")}`) : null,
      forSomeoneElse && !next.yours ? notYours("not-yours", next.not_yours, next.waits_for) : null,
      h(
        "form",
        { novalidate: "", id: "decision-form" },
        whose,
        ...(forSomeoneElse
          ? proxyFields(args, next.waits_for, errors, (choice) => {
              whose.textContent = `You are recording ${choiceName(choice)}'s decision, made by email or memo: ${what}.`;
            })
          : []),
        dateInput({ id: "decided_on", label: "When it was decided", optional: true, hint: "The day of the email or meeting, for example 20 11 2026. Leave it empty for today.", errors, value: args.decided_on, onInput: (v) => (args.decided_on = v) }),
        textArea({ id: "note", label: next.needs_note ? "Why" : "Note", optional: !next.needs_note, rows: 3, errors, value: args.note, onInput: (v) => (args.note = v) }),
        next.takes_conditions
          ? textArea({ id: "conditions", label: "Conditions of the permission", optional: true, hint: "What the service director allows, such as one look at each profile: the access worker confirms them when a session starts", rows: 3, errors, value: args.conditions, onInput: (v) => (args.conditions = v) })
          : null,
        canRecord ? button(next.label, () => record(), { id: "record" }) : null,
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
      const failure = asIpcError(error);
      // The backend names the decision maker's field "by", as the CLI's flag, and asks for it
      // as typed text; here the decider is chosen among the people who may take the step.
      const decider = (f: FieldError): FieldError => {
        const field = f.field === "by" ? "decided_by" : f.field;
        return field === "decided_by" && forSomeoneElse && !args.decided_by.trim() ? { field, message: "Choose whose decision it is" } : { ...f, field };
      };
      if ((failure.code === "invalid_fields" || failure.code === "unknown_staff") && failure.fields.length) render(failure.fields.map(decider));
      else if (failure.code === "illegal_step") {
        // The request moved on since the form was drawn: why the step is not open now.
        const now = await app.backend.call("request_get", { reference }).catch(() => null);
        if (now) notOpen(app, now, step);
        else app.showFailure(failure);
      } else app.showFailure(failure);
    }
  };
  render([]);
}

/** A step that cannot be recorded now: why, in words (already recorded, the request is over,
 *  or it is not the next step), and what is open now, which is what leads on to it. */
function notOpen(app: App, page: RequestPage, step: Step): void {
  const reference = page.record.reference;
  const state = page.record.state_label.toLowerCase();
  const what = STEP_WORDS.find(([s]) => s === step)?.[1] ?? "This step";
  const done = [...page.record.decisions].reverse().find((d) => d.step === step);
  const over = ["refused", "closed", "withdrawn"].includes(page.record.state);
  const why = over
    ? `${what} cannot be recorded: the request is ${state}, and nothing more is recorded on it.`
    : done
      ? `${what} cannot be recorded again: it is already recorded. ${sentence(done.in_words)}`
      : `${what} is not the next step: the request is ${state}.`;
  app.show(
    "This step is not open",
    backLink(requestHref(reference)),
    h("span", { class: "govuk-caption-l" }, `Request ${reference}`),
    h("h1", { class: "govuk-heading-l" }, "This step is not open"),
    h("p", { class: "govuk-body", id: "not-open-why" }, why),
    h("h2", { class: "govuk-heading-m" }, page.next_steps.length ? "What can be recorded now" : "Nothing can be recorded now"),
    page.next_steps.length
      ? h(
          "ul",
          { class: "govuk-list govuk-list--bullet", id: "open-steps" },
          ...page.next_steps.map((n) => h("li", {}, `${n.label}, by ${n.by}`, n.missing.length ? `: first, ${n.missing.join("; ")}` : "")),
        )
      : h("p", { class: "govuk-body", id: "open-steps" }, over ? "The request is over." : "No step is open at this stage."),
    h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: requestHref(reference), id: "back-to-request" }, `Go to request ${reference}`), " to take the next step or to see every decision."),
  );
}
