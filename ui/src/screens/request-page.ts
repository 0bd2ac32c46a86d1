// A request: a summary first (reference, case, status, who it waits for, the next step) and
// links to the page's sections; then the next steps with what each still lacks, what it says,
// every decision taken and its RIPA authorisations.
import { App, attempt, longDate, longPeriod, pageHeading, ukTime } from "../app";
import { backLink, button, linkButton, sentence, summaryList, table, warningText } from "../components";
import { Child, h } from "../dom";
import type { FixPlace, RequestPage, Subject } from "../generated/ipc";
import { AUTHORISATION_KINDS, CONSENT, REASONS, ROLES, SCOPES, labelOf } from "../labels";
import { notYours, waitsForWords } from "./decider";
import { exportSection } from "./export";
import { stateTag } from "./requests";

function personLine(subject: Subject, index: number, personId: number | null, reference: string): HTMLElement {
  const facts = [labelOf(ROLES, subject.role)];
  if (subject.relationship) facts.push(subject.relationship);
  if (subject.date_of_birth) facts.push(`born ${longDate(subject.date_of_birth)}`);
  return h(
    "li",
    {},
    h("span", { class: "govuk-!-font-weight-bold" }, `${index + 1}. ${subject.name ?? subject.description ?? ""}`),
    ` (${facts.join(", ")})`,
    subject.aliases.length ? `, also known as ${subject.aliases.join(", ")}` : "",
    subject.profiles.length ? h("ul", { class: "govuk-list govuk-list--bullet" }, ...subject.profiles.map((p) => h("li", {}, `${p.platform}: ${p.url}`))) : null,
    personId === null
      ? null
      : h("p", { class: "govuk-body-s" }, h("a", { class: "govuk-link", href: `#/people/${personId}/subject-access?request=${encodeURIComponent(reference)}`, id: `subject-access-${index + 1}` }, "Everything held about them, for a subject access request")),
  );
}

export function requestHref(reference: string, rest = ""): string {
  return `#/requests/${encodeURIComponent(reference)}${rest}`;
}

export async function requestScreen(app: App, reference: string): Promise<void> {
  const page = await attempt(app, () => app.backend.call("request_get", { reference }));
  if (page) showRequest(app, page);
}

/** Where a missing thing is put right, as a link; `null` where someone else must act. */
function fixLink(fix: FixPlace | undefined, text: string): Child {
  const href = fix?.place === "worker_profile" ? "#/profile" : fix?.place === "sanctioned_accounts" ? "#/accounts" : fix?.place === "draft" ? `#/drafts/${fix.id}/check` : null;
  return href ? h("a", { class: "govuk-link", href }, text) : text;
}

function missingList(missing: string[], fixes: FixPlace[]): HTMLElement {
  return h(
    "div",
    { class: "app-missing" },
    warningText("Before this step:"),
    h("ul", { class: "govuk-list govuk-list--bullet" }, ...missing.map((m, i) => h("li", {}, fixLink(fixes[i], m)))),
  );
}

/** Whether an access session can start now for the person using this laptop: a button only
 *  when nothing is missing, and otherwise every reason, in words. */
function accessPanel(page: RequestPage): HTMLElement | null {
  const access = page.access;
  if (!access) return null;
  const reference = page.record.reference;
  const conditions = access.conditions ? h("p", { class: "govuk-body", id: "access-conditions" }, `The service director's conditions: ${access.conditions}`) : null;
  if (access.missing.length) {
    return h(
      "div",
      { class: "govuk-inset-text", id: "access" },
      h("h3", { class: "govuk-heading-s" }, "Access sessions"),
      h("p", { class: "govuk-body" }, "An access session cannot start now:"),
      h("ul", { class: "govuk-list govuk-list--bullet", id: "access-missing" }, ...access.missing.map((m, i) => h("li", {}, fixLink(access.fixes[i], m)))),
      conditions,
    );
  }
  return h(
    "div",
    { class: "govuk-inset-text", id: "access" },
    h("h3", { class: "govuk-heading-s" }, "Access sessions"),
    h("p", { class: "govuk-body", id: "ready-for-access" }, "Permitted, confirmed legitimate, and nothing stands in the way: you may start an access session on a sanctioned account."),
    conditions,
    h(
      "div",
      { class: "govuk-button-group" },
      linkButton("Start an access session", requestHref(reference, "/session"), { id: "start-session" }),
      h("a", { class: "govuk-link", href: requestHref(reference, "/log/search") }, "Record a search in the investigation log"),
    ),
  );
}

/** A request referred back is changed first (its answers offer submitting it again): that
 *  is the page's one main button, and the steps are secondary. */
function changeFirst(page: RequestPage): boolean {
  return page.record.state === "referred_back" && page.can_change && page.draft === null;
}

function nextSteps(page: RequestPage): Child[] {
  const access = accessPanel(page);
  if (!page.next_steps.length) {
    return [access ?? h("p", { class: "govuk-body", id: "no-next-steps" }, "No authorisation step is open at this stage.")];
  }
  const reference = page.record.reference;
  return [access, ...page.next_steps.map((next) =>
    h(
      "div",
      { class: "app-next-step", id: `next-${next.step}` },
      h("h3", { class: "govuk-heading-s" }, next.label),
      h("p", { class: "govuk-body-s" }, `By: ${next.by}.${next.needs_note ? " Needs a note of why." : ""}`),
      next.missing.length
        ? missingList(next.missing, next.fixes)
        : next.yours
          ? h(
              "div",
              { class: "govuk-button-group" },
              linkButton(next.label, requestHref(reference, `/step/${next.step}`), { id: `step-${next.step}`, secondary: !next.primary || changeFirst(page) }),
            )
          : h(
              "div",
              {},
              notYours(`waits-${next.step}`, next.not_yours, next.waits_for),
              next.waits_for.length
                ? h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: requestHref(reference, `/step/${next.step}/proxy`), id: `proxy-${next.step}` }, "Record a decision made by email", h("span", { class: "govuk-visually-hidden" }, `: ${next.label.toLowerCase()}`)))
                : null,
            ),
    ),
  )];
}

/** The step to take next and who it waits for, in words: the step offered first, or the
 *  first open one; the access session once the steps are done. */
function nextInWords(page: RequestPage): { step: string; waits: string } {
  const primary = page.next_steps.find((n) => n.primary);
  const next = primary ?? (page.access ? undefined : page.next_steps[0]);
  if (next) {
    const waits = next.yours ? "You" : next.waits_for.length ? waitsForWords(next.waits_for).replace(/^Waits for /, "") : next.by;
    return { step: next.label, waits };
  }
  if (page.access) {
    return page.access.missing.length
      ? { step: "An access session, which cannot start yet: see Next steps", waits: "An Authorised Access Worker" }
      : { step: "An access session, and the searches recorded in the investigation log", waits: "You" };
  }
  return { step: "None: no step is open at this stage", waits: "No one" };
}

/** A section of the page: its heading, which the contents' links move to, and its content. */
interface Part {
  id: string;
  title: string;
  content: Child[];
}

function section(part: Part): HTMLElement {
  return h("section", { class: "app-request-section", "aria-labelledby": part.id }, h("h2", { class: "govuk-heading-m", id: part.id, tabindex: "-1" }, part.title), ...part.content);
}

/** Links to the page's sections: each moves focus to its heading without leaving the page
 *  (the address's `#` is the app's own route). */
function contents(parts: Part[]): HTMLElement {
  return h(
    "nav",
    { class: "app-contents", "aria-labelledby": "contents-heading", id: "contents" },
    h("h2", { class: "govuk-heading-s", id: "contents-heading" }, "On this page"),
    h(
      "ul",
      { class: "govuk-list app-contents__list" },
      ...parts.map((part) => {
        const link = h("a", { class: "govuk-link", href: `#${part.id}`, id: `contents-${part.id}` }, part.title);
        link.addEventListener("click", (event) => {
          event.preventDefault();
          const target = document.getElementById(part.id);
          if (!target) return;
          target.scrollIntoView({ block: "start" });
          target.focus({ preventScroll: true });
        });
        return h("li", {}, link);
      }),
    ),
  );
}

export function showRequest(app: App, page: RequestPage): void {
  const { record } = page;
  const r = record.request;
  const next = nextInWords(page);
  const content: Child[] = [
    backLink("#/requests", "All requests"),
    ...pageHeading(`Request ${record.reference}`, `Case ${r.case_reference}`),
    summaryList(
      [
        ["Reference", record.reference, null],
        ["Case", r.case_reference, null],
        ["Status", h("span", { id: "request-state" }, stateTag(record.state, record.state_label)), null],
        ["Waits for", h("span", { id: "waits-for" }, next.waits), null],
        ["Next step", h("span", { id: "next-step" }, next.step), null],
      ],
      "request-overview",
    ),
  ];
  const parts: Part[] = [];
  const referral = record.state === "referred_back" ? [...record.decisions].reverse().find((d) => d.step === "refer-back") : undefined;
  if (referral) {
    content.push(
      h(
        "div",
        { class: "govuk-notification-banner", role: "region", "aria-labelledby": "referred-back-title", id: "referred-back" },
        h("div", { class: "govuk-notification-banner__header" }, h("h2", { class: "govuk-notification-banner__title", id: "referred-back-title" }, "Referred back")),
        h(
          "div",
          { class: "govuk-notification-banner__content" },
          h("p", { class: "govuk-notification-banner__heading" }, `${referral.decided_by} referred this request back on ${referral.decided_on ? longDate(referral.decided_on) : ukTime(referral.at)}.`),
          referral.note ? h("p", { class: "govuk-body app-pre-line" }, referral.note) : null,
        ),
      ),
    );
  }
  if (record.flagged_for_sd && record.parent) {
    content.push(warningText(`A separate request for a person found during request ${record.parent}: the service director must see it.`));
  }
  if (page.draft !== null) {
    content.push(
      h(
        "div",
        { class: "govuk-inset-text", id: "open-draft" },
        "Changes to this request are being made and are not saved yet. ",
        h("a", { class: "govuk-link", href: `#/drafts/${page.draft}/check` }, "Check and save the changes"),
        ".",
      ),
    );
  } else if (page.can_change) {
    content.push(button("Change this request", () => startChange(app, record.reference), { id: "change-request", secondary: !changeFirst(page) }));
  }
  parts.push(
    { id: "section-next-steps", title: "Next steps", content: nextSteps(page) },
    {
      id: "section-log",
      title: "Investigation log (Appendix 2)",
      content: [
        h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: requestHref(record.reference, "/log"), id: "open-log" }, "Open the investigation log"), ": the searches made, findings, completion, assessment and sharing."),
        h("p", { class: "govuk-body" }, h("a", { class: "govuk-link", href: requestHref(record.reference, "/audit"), id: "open-audit" }, "Read the audit trail"), " of this request: who did what, and when."),
      ],
    },
    {
      id: "section-request",
      title: "The request",
      content: [
        summaryList([
          ["Originating social worker", `${r.originating_worker.name}, ${r.originating_worker.team}`, null],
          ["Team manager", r.team_manager.name, null],
          ["Reason", labelOf(REASONS, r.reason), null],
          ["Concern", r.concern, null],
          ["Triangulation", r.triangulation, null],
          ["Scope", labelOf(SCOPES, r.scope) + (r.monitoring_justification ? `: ${r.monitoring_justification}` : ""), null],
          ["Period of interest", longPeriod(r.period.from, r.period.to), null],
          ["Consent", labelOf(CONSENT, r.consent.status) + (r.consent.reason ? `: ${r.consent.reason}` : "") + (r.consent.reference ? ` (${r.consent.reference})` : ""), null],
          ["Legal advice reference", r.legal_advice_reference ?? "None", null],
          ["Created", ukTime(record.created_at), null],
        ], "request-summary"),
      ],
    },
    {
      id: "section-people",
      title: "People to check",
      content: [h("ul", { class: "govuk-list", id: "people" }, ...r.subjects.map((subject, i) => personLine(subject, i, record.subjects.find((l) => l.subject === i + 1)?.person_id ?? null, record.reference)))],
    },
    {
      id: "section-decisions",
      title: "Decisions",
      content: [
        record.decisions.length
          ? h(
              "ol",
              { class: "govuk-list govuk-list--number", id: "decisions" },
              ...record.decisions.map((d) =>
                h(
                  "li",
                  {},
                  sentence(d.in_words),
                  d.note ? h("span", { class: "govuk-body-s app-pre-line" }, ` Note: ${d.note}`) : null,
                  d.conditions ? h("span", { class: "govuk-body-s" }, ` Conditions: ${d.conditions}`) : null,
                ),
              ),
            )
          : h("p", { class: "govuk-body", id: "decisions" }, "No decision has been recorded yet."),
      ],
    },
  );
  if (record.log_versions.length) {
    parts.push({
      id: "section-log-versions",
      title: "Who completed and finalised the log",
      content: [h("ul", { class: "govuk-list", id: "log-versions" }, ...record.log_versions.map((v) => h("li", {}, sentence(v.in_words))))],
    });
  }
  // Dates in the table are kept on one line each.
  const day = (text: string) => h("span", { class: "app-nowrap app-date" }, text);
  const authorisations = page.authorisations.length
    ? table(
        "Authorisations",
        ["Kind", "Reference", "Officer", "Granted", "Magistrate's approval", "Review", "Expires"],
        page.authorisations.map((a) => [
          labelOf(AUTHORISATION_KINDS, a.kind),
          a.reference,
          a.officer,
          day(longDate(a.granted)),
          a.kind === "non_ripa" ? "Not needed" : a.approved ? day(longDate(a.approved)) : "Not yet",
          a.review_due ? day(longDate(a.review_due)) : "",
          a.cancelled_at ? h("span", {}, "Cancelled ", day(ukTime(a.cancelled_at))) : day(longDate(a.expires)),
        ]),
        "authorisations",
      )
    : h("p", { class: "govuk-body", id: "no-authorisations" }, "None recorded.");
  // The section's heading names the table; the caption is for the table alone. A window too
  // narrow for the table scrolls it rather than breaking its dates.
  authorisations.querySelector("caption")?.classList.add("govuk-visually-hidden");
  authorisations.classList.add("app-table--small");
  parts.push({
    id: "section-authorisations",
    title: "Authorisations",
    content: [
      page.authorisations.length ? h("div", { class: "app-table-scroll", role: "region", "aria-label": "Table of authorisations", tabindex: "0" }, authorisations) : authorisations,
      h("div", { class: "govuk-button-group" },
        linkButton("Record an authorisation", requestHref(record.reference, "/authorisations/new"), { id: "add-authorisation", secondary: true }),
        h("a", { class: "govuk-link", href: "#/authorisations", id: "request-register-link" }, "The authorisation register")),
    ],
  });
  const pilot = pilotSection(page);
  if (pilot.length) parts.push({ id: "section-pilot", title: "The pilot's evaluation", content: pilot });
  // The export section brings its own heading: it becomes the section's.
  const [exportHeading, ...exportContent] = exportSection(page);
  parts.push({ id: "section-evidence", title: exportHeading instanceof Node ? (exportHeading.textContent ?? "") : "Care record and evidence", content: exportContent });
  content.push(contents(parts), ...parts.map(section));
  app.show(`Request ${record.reference}`, ...content.filter((c): c is Node => c instanceof Node));
}

async function startChange(app: App, reference: string): Promise<void> {
  const draft = await attempt(app, () => app.backend.call("draft_start", { reference, linked: null }));
  if (draft) app.go(`#/drafts/${draft.id}/check`);
}

/** The pilot's feedback on this request: the forms, for whoever records them. */
function pilotSection(page: RequestPage): Child[] {
  const state = page.record.state;
  if (state === "draft") return [];
  const finalised = ["finalised", "shared", "closed"].includes(state);
  const link = (text: string, rest: string, id: string) => h("li", {}, h("a", { class: "govuk-link", href: requestHref(page.record.reference, rest), id }, text));
  return [
    h(
      "ul",
      { class: "govuk-list", id: "pilot-links" },
      finalised ? link("The social worker's feedback on the check", "/feedback", "feedback-link") : null,
      finalised ? link("How useful the information proved six months on", "/recheck", "recheck-link") : null,
      link("A rating of the authorisation process", "/process", "process-link"),
    ),
  ];
}

