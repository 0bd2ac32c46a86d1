// Incidents: breaches of the procedure (a view without authorisation, a personal account
// used, data sent to the wrong person), recorded for the service manager to investigate,
// report on and manage; and subject access: everything held about one person, exported for
// disclosure with what to redact flagged.
import { App, attempt, longDate, pageHeading, submitForm, ukTime } from "../app";
import { backLink, button, dateInput, errorsFrom, filePath, plural, table, textArea, textInput, warningText } from "../components";
import { Child, h } from "../dom";
import { withProgress } from "../progress";
import type { FieldError, IncidentRecordArgs, IncidentsPage } from "../generated/ipc";

export async function incidentsScreen(app: App): Promise<void> {
  const page = await attempt(app, () => app.backend.call("incident_list", {}));
  if (!page) return;
  const worker = await app.backend.call("worker_profile_get", {}).catch(() => null);
  const blank = (): IncidentRecordArgs => ({ what: "", occurred_on: { day: "", month: "", year: "" }, reported_by: worker?.name ?? "", people: "", action: "", request: "" });
  let args = blank();
  const title = "Incidents";
  const render = (current: IncidentsPage, fields: FieldError[]) => {
    const errors = errorsFrom(fields);
    const content: Child[] = [
      backLink("#/records", "Records"),
      ...pageHeading(title),
      h("p", { class: "govuk-body" }, "A breach of the procedure is recorded here so that the service manager can investigate, report on and manage it."),
      current.incidents.length
        ? table(
            "Incidents recorded",
            ["Number", "On", "What happened", "People affected", "What was done", "Recorded"],
            current.incidents.map((i) => [String(i.id), longDate(i.incident.occurred_on), i.incident.what, i.incident.people.join(", ") || "None named", i.incident.action, ukTime(i.recorded_at)]),
            "incidents",
          )
        : h("p", { class: "govuk-body", id: "incidents" }, "No incident has been recorded."),
      h("h2", { class: "govuk-heading-m" }, "Record an incident"),
      h(
        "form",
        { novalidate: "", id: "incident-form" },
        textArea({ id: "what", label: "What happened", rows: 3, errors, value: args.what, onInput: (v) => (args.what = v) }),
        dateInput({ id: "occurred_on", label: "The day it happened", hint: "For example, 27 11 2026", errors, value: args.occurred_on, onInput: () => {} }),
        textInput({ id: "reported_by", label: "Who reported it", errors, value: args.reported_by, onInput: (v) => (args.reported_by = v) }),
        textArea({ id: "people", label: "The people affected", optional: true, hint: "One name a line", rows: 2, errors, value: args.people, onInput: (v) => (args.people = v) }),
        textArea({ id: "action", label: "What was done about it", rows: 3, errors, value: args.action, onInput: (v) => (args.action = v) }),
        textInput({ id: "request", label: "The request it concerns", optional: true, hint: "Its reference, such as REQ-2026-0001", width: "20", errors, value: args.request, onInput: (v) => (args.request = v) }),
        button("Record the incident", () => submitForm(app, async () => {
          const next = await app.backend.call("incident_record", args);
          app.flash("Incident recorded", "It is in the list above. The form is empty for the next one.");
          // The form is for the next incident: what was recorded is in the list.
          args = blank();
          render(next, []);
        }, (f) => render(current, f)), { id: "record" }),
      ),
    ];
    app.show(title, ...content.filter((c): c is Node => c instanceof Node));
    if (fields.length) app.showErrors(fields);
  };
  render(page, []);
}

/** Subject access: the export is chosen a new folder's place, written, and its flags shown. */
export async function subjectAccessScreen(app: App, person: number, request: string | null = null): Promise<void> {
  const title = "Everything held about a person";
  // The person by name, from the request whose page led here.
  const page = request ? await app.backend.call("request_get", { reference: request }).catch(() => null) : null;
  const link = page?.record.subjects.find((l) => l.person_id === person);
  const subject = link ? page!.record.request.subjects[link.subject - 1] : undefined;
  const who = subject?.name?.trim() || (subject?.description ? `Not named: ${subject.description}` : request ? `A person in request ${request}` : "A person of the requests");
  const render = (result: HTMLElement | null) => {
    app.show(
      title,
      backLink(request ? `#/requests/${encodeURIComponent(request)}` : "#/requests"),
      ...pageHeading(title, who),
      h("p", { class: "govuk-body" }, "For a subject access request: a PDF of everything the store holds about this person — the requests that name them, the decisions, the sessions on their pages, the captures, the findings, disputes, incidents and what was disposed of — and a folder of the original files beside it."),
      warningText("Before it is disclosed, look at everything the export flags: other people named, and others in the pictures, may need to be redacted."),
      result,
      h("div", { class: "govuk-button-group" }, button("Choose where to save it", () => save(), { id: "export" })),
      progress,
    );
  };
  const progress = h("div", { id: "subject-access-progress" });
  const save = async () => {
    const out = await app.backend.chooseSaveFile(`subject-access-person-${person}`, "folder");
    if (!out) return;
    const trigger = document.getElementById("export") as HTMLButtonElement | null;
    const long = { work: "subject_access" as const, about: `person ${person}`, label: "Exporting everything held about them", place: progress, trigger, busy: "Exporting…" };
    const done = await attempt(app, () => withProgress(app, long, () => app.backend.call("subject_access_export", { person, out })));
    if (!done) return;
    const files = done.originals.length === 1 ? "1 original file" : `${done.originals.length} original files`;
    render(
      h(
        "div",
        { id: "exported", tabindex: "-1" },
        h(
          "div",
          { class: "govuk-panel govuk-panel--confirmation app-panel" },
          h("h2", { class: "govuk-panel__title" }, "Exported"),
          h("div", { class: "govuk-panel__body" }, h("p", {}, filePath(done.pdf, { id: "exported-pdf" })), h("p", {}, `${plural(done.pages, "page")}, with ${files} beside it`)),
        ),
        h("h2", { class: "govuk-heading-m" }, "Look at these before it is disclosed"),
        h("ul", { class: "govuk-list govuk-list--bullet", id: "flagged" }, ...done.flagged.map((f) => h("li", {}, f))),
        done.withheld.length ? h("h2", { class: "govuk-heading-m" }, "Held but not in this export") : null,
        done.withheld.length
          ? h("ul", { class: "govuk-list govuk-list--bullet", id: "withheld" }, ...done.withheld.map((w) => h("li", {}, `Capture ${w.capture}${w.item === "capture" ? "" : `, ${w.item.replace(/_/g, " ")}`}: ${w.why}`)))
          : null,
      ),
    );
    document.getElementById("exported")?.focus();
  };
  render(null);
}
