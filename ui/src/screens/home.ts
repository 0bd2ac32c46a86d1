// Home, the first screen once the store is open: what waits for the person using the app
// (by their role), what falls due, then every request grouped by whom it waits for, each
// group a headed section. Search by reference, case or name leads to the requests list.
import { App, attempt, pageHeading, ukTime } from "../app";
import { linkButton, table, warningText } from "../components";
import { Child, h } from "../dom";
import type { HomePage, HomeRequest } from "../generated/ipc";
import { WORKER_ROLES, labelOf } from "../labels";
import { requestHref } from "./request-page";
import { searchForm, stateTag } from "./requests";

function requestLink(r: HomeRequest, section: string): HTMLElement {
  return h("a", { class: "govuk-link", href: requestHref(r.reference), id: `${section}-${r.reference}` }, r.reference);
}

function requestTable(caption: string, id: string, requests: HomeRequest[], headingLevel: "h2" | "h3"): Child[] {
  const heading = h(headingLevel, { class: headingLevel === "h2" ? "govuk-heading-m" : "govuk-heading-s", id: `${id}-heading` }, caption);
  if (!requests.length) return [h("section", { "aria-labelledby": `${id}-heading`, id }, heading, h("p", { class: "govuk-body app-none" }, "None."))];
  const rows = requests.map((r) => [
    requestLink(r, id),
    r.case_reference,
    r.subjects.join(", "),
    stateTag(r.state, r.state_label),
    r.waited,
  ]);
  const body = table(caption, ["Request", "Case", "People", "State", "Waiting"], rows);
  // The section's heading names the table; the caption is for the table alone.
  body.querySelector("caption")!.className = "govuk-table__caption govuk-visually-hidden";
  return [h("section", { "aria-labelledby": `${id}-heading`, id }, heading, body)];
}

export async function homeScreen(app: App): Promise<void> {
  const page = await attempt(app, () => app.backend.call("home_get", {}));
  if (page) showHome(app, page);
}

function showHome(app: App, page: HomePage): void {
  const content: Child[] = [...pageHeading("Home")];
  const worker = page.worker;
  // The person's own task list comes first: each step they may take now, in words.
  if (worker) {
    content.push(
      h(
        "section",
        { "aria-labelledby": "tasks-heading", id: "tasks" },
        h("h2", { class: "govuk-heading-m", id: "tasks-heading" }, "Your tasks"),
        page.tasks.length
          ? h(
              "ul",
              { class: "govuk-list", id: "task-list" },
              ...page.tasks.map((t) =>
                h(
                  "li",
                  { class: "app-task" },
                  h("a", { class: "govuk-link govuk-!-font-weight-bold", href: requestHref(t.reference), id: `task-${t.reference}` }, t.words),
                  h("span", { class: "govuk-body-s" }, ` (request ${t.reference}, waiting ${t.waited})`),
                ),
              ),
            )
          : h("p", { class: "govuk-body app-none", id: "no-tasks" }, "Nothing waits for you now."),
      ),
    );
  }
  content.push(
    worker
      ? h("p", { class: "govuk-body", id: "signed-in-as" }, `You are using Triangulate as ${worker.name}, ${labelOf(WORKER_ROLES, worker.role)}.`)
      : h("div", { id: "no-profile" }, warningText("There is no worker profile on this laptop: set one up before you record anything."), linkButton("Set up the worker profile", "#/profile", { id: "set-profile" })),
  );
  const form = searchForm(app, "");
  content.push(form, h("div", { class: "govuk-button-group" }, linkButton("Start a new request", "#/requests/new", { id: "new-request", secondary: !worker }), h("a", { class: "govuk-link", href: "#/requests", id: "all-requests" }, "All requests")));

  if (worker) content.push(...requestTable(`Waiting for you (${labelOf(WORKER_ROLES, worker.role)})`, "waiting-for-you", page.waiting_for_you, "h2"));

  content.push(h("h2", { class: "govuk-heading-m", id: "due-heading" }, "Due"));
  content.push(
    h(
      "section",
      { "aria-labelledby": "due-heading", id: "due" },
      h("p", { class: "govuk-body-s" }, `Authorisations awaiting a magistrate's approval, reviews and expiries within ${page.notice_days} days or overdue, requests with no change for more than ${page.idle_days} days, logs waiting for the social worker's assessment, and the pilot's feedback on finalised checks.`),
      page.due.length
        ? h(
            "ul",
            { class: "govuk-list", id: "due-items" },
            ...page.due.map((item) =>
              h(
                "li",
                { class: item.overdue ? "app-due app-due--overdue" : "app-due" },
                item.overdue ? h("strong", { class: "govuk-tag govuk-tag--red" }, "Overdue") : h("strong", { class: "govuk-tag govuk-tag--yellow" }, "Due"),
                " ",
                item.text,
                " (",
                h("a", { class: "govuk-link", href: requestHref(item.request) }, item.request),
                ")",
              ),
            ),
          )
        : h("p", { class: "govuk-body app-none", id: "nothing-due" }, "Nothing is due."),
    ),
    h("p", { class: "govuk-body-s" }, "Every authorisation, its approval and what is due on it: ", h("a", { class: "govuk-link", href: "#/authorisations", id: "register-link" }, "the authorisation register"), "."),
  );

  if (page.drafts.length) {
    content.push(
      h("h2", { class: "govuk-heading-m" }, "New requests being written"),
      h("ul", { class: "govuk-list", id: "drafts" }, ...page.drafts.map((d) => h("li", {}, h("a", { class: "govuk-link", href: `#/drafts/${d.id}/case` }, d.title), ` (last saved ${ukTime(d.updated_at)})`))),
    );
  }

  content.push(h("h2", { class: "govuk-heading-m" }, "All requests by what they wait for"));
  for (const section of page.sections) content.push(...requestTable(section.title, `group-${section.group}`, section.requests, "h3"));
  app.show("Home", ...content.filter((c): c is Node => c instanceof Node));
}
