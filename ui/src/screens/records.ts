// Records: what the council keeps and answers for, each with where it is kept — retention and
// disposal, incidents, subject access, and the pilot's evaluation.
import { App, pageHeading } from "../app";
import { h } from "../dom";

function entry(id: string, href: string, linkText: string, words: string): HTMLElement {
  return h(
    "li",
    { class: "app-records__entry" },
    h("h2", { class: "govuk-heading-m" }, h("a", { class: "govuk-link", href, id }, linkText)),
    h("p", { class: "govuk-body", id: `${id}-about` }, words),
  );
}

export function recordsScreen(app: App): void {
  app.show(
    "Records",
    ...pageHeading("Records"),
    h("p", { class: "govuk-body" }, "What is kept about the checks, and what the council answers for: how long records are kept, breaches of the procedure, what is held about a person, and how the pilot went."),
    h(
      "ul",
      { class: "govuk-list", id: "records" },
      entry("retention-link", "#/retention", "Retention and disposal", "What falls due for disposal, legal holds, and what was disposed of."),
      entry("incidents-link", "#/incidents", "Incidents", "Breaches of the procedure, recorded and managed for the service manager."),
      entry("subject-access-link", "#/requests", "Subject access", "Everything held about a person is exported from the page of a request that names them, under \"People to check\": find the request first."),
      entry("pilot-link", "#/pilot", "The pilot's evaluation", "Figures and charts, merged from every laptop, for the service manager and the service director."),
    ),
  );
}
