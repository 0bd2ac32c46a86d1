// Retention and disposal: what falls due today under the local policy and why (listing
// deletes nothing), disposal after a confirmation, legal holds placed and released with who
// and why, and the tombstones of what was disposed of.
import { App, attempt, longDate, pageHeading, submitForm, ukTime } from "../app";
import { backLink, button, errorsFrom, linkButton, plural, radios, sentence, table, textArea, textInput, warningText } from "../components";
import { Child, h } from "../dom";
import type { Due, FieldError, RecordKind, RetentionPage, Rule } from "../generated/ipc";
import { withProgress } from "../progress";

const RULES: Record<Rule, string> = {
  refused_or_withdrawn: "Refused or withdrawn",
  closed: "Closed",
  stalled: "Never closed, and idle",
  capture_not_relevant: "Judged not relevant",
  capture_relevant: "Relevant, in the care record",
  session_trail: "A session's trail",
  abandoned_draft: "Abandoned draft",
  audit_events: "The audit trail's oldest events",
  incident: "An incident's period",
};

function what(kind: RecordKind, id: string, request: string | null): string {
  switch (kind) {
    case "request":
      return `Request ${id}, with everything of it`;
    case "capture":
      return `Capture ${id}${request ? ` of request ${request}` : ""}`;
    case "session_trail":
      return `The trail of access session ${id}${request ? ` of request ${request}` : ""}`;
    case "draft":
      return `Draft ${id}${request ? ` of request ${request}` : ""}`;
    case "audit_events":
      return `The audit trail's events up to event ${id}, replaced by a signed checkpoint`;
    case "incident":
      return `Incident ${id}${request ? ` about request ${request}` : ""}, with the people it names`;
  }
}

function dueTable(due: Due[]): HTMLElement {
  return table(
    "Due for disposal today",
    ["Record", "Why", "Due since"],
    due.map((d) => [what(d.kind, d.id, d.request), sentence(d.why), longDate(d.due_on)]),
    "due",
  );
}

export async function retentionScreen(app: App): Promise<void> {
  const page = await attempt(app, () => app.backend.call("retention_get", {}));
  if (!page) return;
  const worker = await app.backend.call("worker_profile_get", {}).catch(() => null);
  const hold = { reference: "", by: worker?.name ?? "", reason: "" };
  const title = "Retention and disposal";
  const render = (current: RetentionPage, fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    const content: Child[] = [
      backLink("#/records", "Records"),
      ...pageHeading(title),
      h("p", { class: "govuk-body" }, "Records are kept for the periods the local policy sets, then fall due for disposal. This list deletes nothing."),
      ...(current.due.length
        ? [dueTable(current.due)]
        : [h("h2", { class: "govuk-heading-m" }, "Due for disposal today"), h("p", { class: "govuk-body", id: "due" }, "Nothing is due for disposal today.")]),
      current.due.length ? linkButton(`Dispose of ${current.due.length === 1 ? "this record" : `these ${current.due.length} records`}`, "#/retention/dispose", { id: "start-dispose", secondary: true }) : null,
      h("h2", { class: "govuk-heading-m" }, "Legal holds"),
      current.held.length ? warningText(`Kept by a legal hold, though otherwise due: ${current.held.map((r) => `request ${r}`).join(", ")}.`) : null,
      current.holds.length
        ? table(
            "Requests on legal hold",
            ["Request", "Placed by", "Why", "Since", "Action"],
            current.holds.map((x) => [x.request, x.placed_by, x.reason, ukTime(x.placed_at), h("a", { class: "govuk-link", href: `#/retention/release/${encodeURIComponent(x.request)}` }, "Release", h("span", { class: "govuk-visually-hidden" }, ` the hold on ${x.request}`))]),
            "holds",
          )
        : h("p", { class: "govuk-body", id: "holds" }, "No request is on legal hold."),
      h(
        "form",
        { novalidate: "", id: "hold-form" },
        h("h3", { class: "govuk-heading-s" }, "Place a legal hold"),
        h("p", { class: "govuk-body" }, "Court proceedings or a complaint: nothing of the request is disposed of until the hold is released."),
        textInput({ id: "reference", label: "Request reference", hint: "For example, REQ-2026-0001", width: "20", errors, value: hold.reference, onInput: (v) => (hold.reference = v) }),
        textInput({ id: "by", label: "Who decided", errors, value: hold.by, onInput: (v) => (hold.by = v) }),
        textArea({ id: "reason", label: "Why", rows: 2, errors, value: hold.reason, onInput: (v) => (hold.reason = v) }),
        button("Place the hold", () => submitForm(app, async () => {
          const next = await app.backend.call("retention_hold", { reference: hold.reference.trim(), by: hold.by, reason: hold.reason });
          app.flash(`Request ${hold.reference.trim()} is on legal hold`);
          hold.reference = "";
          hold.reason = "";
          render(next, []);
        }, (f) => render(current, f)), { id: "place-hold", secondary: true }),
      ),
      h("h2", { class: "govuk-heading-m" }, "Disposed of"),
      current.disposals.length
        ? table(
            "What was disposed of, and what is kept of it",
            ["Record", "Rule", "Disposed of", "By", "Fingerprints kept"],
            current.disposals.map((d) => [what(d.kind, d.object, d.request), RULES[d.rule], ukTime(d.disposed_at), d.disposed_by, String(d.digests.length)]),
            "disposals",
          )
        : h("p", { class: "govuk-body", id: "disposals" }, "Nothing has been disposed of yet."),
    ];
    app.show(title, ...content.filter((c): c is Node => c instanceof Node));
    if (fields.length) app.showErrors(fields);
  };
  render(page, []);
}

/** A retention form's page: back to retention, its heading, what it says, and its fields
 *  drawn again with their errors. */
function formPage(app: App, title: string, intro: Child[], form: (errors: ReturnType<typeof errorsFrom>, render: (fields: FieldError[]) => void) => HTMLElement): void {
  const render = (fields: FieldError[]) => {
    app.show(title, backLink("#/retention"), ...pageHeading(title), ...intro.filter((c): c is Node => c instanceof Node), form(errorsFrom(fields), render));
    if (fields.length) app.showErrors(fields);
  };
  render([]);
}

/** The confirmation before disposal: what goes, that it cannot be undone, and who does it. */
export async function disposeScreen(app: App): Promise<void> {
  const page = await attempt(app, () => app.backend.call("retention_get", {}));
  if (!page) return;
  const worker = await app.backend.call("worker_profile_get", {}).catch(() => null);
  const answer = { sure: null as boolean | null, by: worker?.name ?? "" };
  formPage(
    app,
    "Dispose of the records due",
    [
      page.due.length ? dueTable(page.due) : h("p", { class: "govuk-body", id: "due" }, "Nothing is due for disposal today."),
      h(
        "p",
        { class: "govuk-body", id: "clock" },
        page.clock.source === "tsa"
          ? `This laptop's clock says it is ${longDate(page.clock.laptop_date)}. The time-stamping authority at ${page.clock.authority ?? ""} is asked for the time first: if this laptop's clock is more than a day out, nothing is disposed of.`
          : `This laptop's clock says it is ${longDate(page.clock.laptop_date)}: what is due is due by that date. No time-stamping authority is named in the policy, so nothing checks the clock but the audit trail's latest entry. Check the date is right before you go on.`,
      ),
      warningText("Disposal cannot be undone: the records are removed for good. A note of what each record was, with the SHA-256 fingerprints of its files, is kept, with your name."),
    ],
    (errors, render) => {
      const progress = h("div", { id: "dispose-progress" });
      return h(
        "form",
        { novalidate: "", id: "dispose-form" },
        textInput({ id: "by", label: "Your name", errors, value: answer.by, onInput: (v) => (answer.by = v) }),
        radios<boolean>({
          id: "sure",
          label: "Are you sure you want to dispose of them?",
          errors,
          value: answer.sure,
          choices: [{ value: true, label: "Yes, dispose of them" }, { value: false, label: "No, keep them for now" }],
          onChange: (v) => (answer.sure = v),
        }),
        button("Continue", () => {
          if (answer.sure === null) return render([{ field: "sure", message: "Select whether to dispose of the records" }]);
          if (!answer.sure) return app.go("#/retention");
          return submitForm(app, async () => {
            const before = page.due.length;
            const trigger = document.getElementById("continue") as HTMLButtonElement | null;
            const long = { work: "disposal" as const, about: "records due", label: "Disposing of the records due", place: progress, trigger, busy: "Disposing…" };
            const done = await withProgress(app, long, () => app.backend.call("retention_dispose", { by: answer.by }));
            if (!done) return;
            app.flash(`${plural(before, "record")} disposed of`, "A note of what each was, with the fingerprints of its files, is kept.");
            app.go("#/retention");
          }, render);
        }, { id: "continue", warning: true }),
        progress,
      );
    },
  );
}

/** Releasing a legal hold: who decided and why. */
export async function releaseScreen(app: App, reference: string): Promise<void> {
  const worker = await app.backend.call("worker_profile_get", {}).catch(() => null);
  const args = { by: worker?.name ?? "", reason: "" };
  formPage(
    app,
    `Release the legal hold on ${reference}`,
    [h("p", { class: "govuk-body" }, "Once released, the request's records fall due again under the policy.")],
    (errors, render) =>
      h(
        "form",
        { novalidate: "", id: "release-form" },
        textInput({ id: "by", label: "Who decided", errors, value: args.by, onInput: (v) => (args.by = v) }),
        textArea({ id: "reason", label: "Why", rows: 2, errors, value: args.reason, onInput: (v) => (args.reason = v) }),
        button("Release the hold", () => submitForm(app, async () => {
          await app.backend.call("retention_release", { reference, by: args.by, reason: args.reason });
          app.flash(`The legal hold on request ${reference} is released`);
          app.go("#/retention");
        }, render), { id: "release" }),
      ),
  );
}
