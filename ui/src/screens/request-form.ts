// Appendix 1, the investigation request, in steps: case and workers; reason, concern and
// triangulation; the people and their profiles; period, scope, consent and legal advice;
// check your answers. Every keystroke is saved to the draft, so nothing typed is lost.
import { App, attempt, joinPeriod, longDate, ukTime } from "../app";
import { asIpcError } from "../backend";
import { Errors, backLink, button, dateInput, errorsFrom, radios, select, summaryList, textArea, textInput, warningText } from "../components";
import { Child, h } from "../dom";
import type { DateParts, DraftCheck, DraftRecord, FieldError, RequestForm, Settlement, SubjectForm } from "../generated/ipc";
import { CONSENT, REASONS, ROLES, SCOPES, labelOf } from "../labels";

export type StepId = "case" | "reason" | "people" | "period" | "check";

interface StepDefinition {
  id: StepId;
  title: string;
  owns: (field: string) => boolean;
}

const STEPS: StepDefinition[] = [
  { id: "case", title: "Case and workers", owns: (f) => f === "case_reference" || f.startsWith("originating_worker") || f.startsWith("team_manager") },
  { id: "reason", title: "Reason, concern and triangulation", owns: (f) => ["reason", "concern", "triangulation"].includes(f) },
  { id: "people", title: "People to check", owns: (f) => f.startsWith("subjects") },
  { id: "period", title: "Period, scope, consent and legal advice", owns: (f) => f.startsWith("period") || f.startsWith("consent") || ["scope", "monitoring_justification", "legal_advice_reference"].includes(f) },
  { id: "check", title: "Check your answers", owns: () => false },
];

export function isStep(value: string): value is StepId {
  return STEPS.some((s) => s.id === value);
}

function stepOf(field: string): StepId {
  return STEPS.find((s) => s.owns(field))?.id ?? "case";
}

/** Saves the form shortly after each change, and on demand before leaving a step. The
 *  status line is not a live region (it would speak after every pause in typing); a failed
 *  save is announced as an alert. */
class DraftSaver {
  private timer: number | undefined;
  private saving: Promise<void> = Promise.resolve();
  private failed = false;

  constructor(
    private app: App,
    private draft: DraftRecord,
    private status: HTMLElement,
  ) {}

  changed(): void {
    this.status.textContent = "Saving…";
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.save(), 250);
  }

  /** Saves what is pending; false when the last save failed. */
  async flush(): Promise<boolean> {
    if (this.timer !== undefined) {
      window.clearTimeout(this.timer);
      await this.save();
    }
    await this.saving;
    return !this.failed;
  }

  private save(): Promise<void> {
    this.timer = undefined;
    const form = structuredClone(this.draft.form);
    this.saving = this.saving.then(async () => {
      try {
        const saved = await this.app.backend.call("draft_save", { id: this.draft.id, form });
        this.failed = false;
        this.status.removeAttribute("role");
        this.status.classList.remove("app-save-status--failed");
        // A newer change may be waiting: only then is everything saved.
        if (this.timer === undefined) this.status.textContent = `Draft saved ${ukTime(saved.updated_at)}`;
      } catch (error) {
        this.failed = true;
        this.status.setAttribute("role", "alert");
        this.status.classList.add("app-save-status--failed");
        this.status.textContent = `Not saved: ${asIpcError(error).message}`;
      }
    });
    return this.saving;
  }
}

interface StepContext {
  app: App;
  draft: DraftRecord;
  form: RequestForm;
  errors: Errors;
  saver: DraftSaver;
  /** The platforms the policy allows; empty when they could not be read. */
  platforms: string[];
  /** Draws the step again (after a person or profile is added, or a choice reveals more). */
  redraw: (focusId?: string) => void;
}

const PLATFORM_NAMES: Record<string, string> = {
  facebook: "Facebook", instagram: "Instagram", x: "X (Twitter)", tiktok: "TikTok", linkedin: "LinkedIn", youtube: "YouTube", snapchat: "Snapchat", threads: "Threads", reddit: "Reddit",
};

/** The allowed platforms by name; a platform the draft already has but the policy no longer
 *  allows stays visible, so the backend can name it. */
function platformChoices(allowed: string[], current: string): { value: string; label: string }[] {
  const values = current && !allowed.includes(current) ? [...allowed, current] : allowed;
  return values.map((value) => ({ value, label: PLATFORM_NAMES[value] ?? value }));
}

function text(ctx: StepContext, id: string, label: string, get: () => string, set: (v: string) => void, extra: { hint?: string; optional?: boolean; width?: string } = {}): HTMLElement {
  return textInput({ id, label, errors: ctx.errors, value: get(), onInput: (v) => { set(v); ctx.saver.changed(); }, ...extra });
}

function area(ctx: StepContext, id: string, label: string, get: () => string, set: (v: string) => void, extra: { hint?: string; optional?: boolean; rows?: number } = {}): HTMLElement {
  return textArea({ id, label, errors: ctx.errors, value: get(), onInput: (v) => { set(v); ctx.saver.changed(); }, ...extra });
}

function date(ctx: StepContext, id: string, label: string, value: DateParts, hint: string, optional = false): HTMLElement {
  return dateInput({ id, label, hint, optional, errors: ctx.errors, value, onInput: () => ctx.saver.changed() });
}

function caseStep(ctx: StepContext): Child[] {
  const f = ctx.form;
  return [
    text(ctx, "case_reference", "Case reference", () => f.case_reference, (v) => (f.case_reference = v), { hint: "The child's case number in the social care record", width: "10" }),
    text(ctx, "originating_worker.name", "Originating social worker's name", () => f.originating_worker.name, (v) => (f.originating_worker.name = v)),
    text(ctx, "originating_worker.team", "Their team", () => f.originating_worker.team, (v) => (f.originating_worker.team = v)),
    text(ctx, "team_manager.name", "Team manager's name", () => f.team_manager.name, (v) => (f.team_manager.name = v), { hint: "The manager who will agree the request" }),
  ];
}

function reasonStep(ctx: StepContext): Child[] {
  const f = ctx.form;
  return [
    radios({ id: "reason", label: "Why is the check needed?", errors: ctx.errors, value: f.reason, choices: REASONS.map(([value, label]) => ({ value, label })), onChange: (v) => { f.reason = v; ctx.saver.changed(); } }),
    area(ctx, "concern", "The concern", () => f.concern, (v) => (f.concern = v), { hint: "What is known and what is feared, in a few sentences" }),
    area(ctx, "triangulation", "How the check triangulates the concern", () => f.triangulation, (v) => (f.triangulation = v), { hint: "Which other information the pages will be compared with" }),
  ];
}

function personSection(ctx: StepContext, subject: SubjectForm, index: number): HTMLElement {
  const n = index + 1;
  const at = (field: string) => `subjects[${n}].${field}`;
  const profiles = subject.profiles.map((profile, p) => {
    const pid = (field: string) => `subjects[${n}].profiles[${p + 1}].${field}`;
    return h(
      "div",
      { class: "app-profile-row" },
      ctx.platforms.length
        ? select({ id: pid("platform"), label: `Platform of profile ${p + 1}`, hint: "The platforms the local policy allows", errors: ctx.errors, value: profile.platform, empty: "Choose the platform", choices: platformChoices(ctx.platforms, profile.platform), onChange: (v) => { profile.platform = v; ctx.saver.changed(); } })
        : text(ctx, pid("platform"), `Platform of profile ${p + 1}`, () => profile.platform, (v) => (profile.platform = v), { hint: "For example facebook, instagram, tiktok", width: "10" }),
      text(ctx, pid("url"), `Web address of profile ${p + 1}`, () => profile.url, (v) => (profile.url = v), { hint: "The address of the public page, starting https://" }),
      button(`Remove profile ${p + 1} of person ${n}`, () => {
        subject.profiles.splice(p, 1);
        ctx.saver.changed();
        ctx.redraw(`add-profile-${n}`);
      }, { secondary: true }),
    );
  });
  return h(
    "section",
    { class: "app-person", id: `subjects[${n}]`, "aria-labelledby": `person-${n}-heading` },
    h("h2", { class: "govuk-heading-m", id: `person-${n}-heading`, tabindex: "-1" }, `Person ${n}`),
    radios({ id: at("role"), label: `Role of person ${n}`, errors: ctx.errors, value: subject.role, small: true, choices: ROLES.map(([value, label, hint]) => ({ value, label, hint })), onChange: (v) => { subject.role = v; ctx.saver.changed(); } }),
    text(ctx, at("name"), "Full name", () => subject.name, (v) => (subject.name = v), { hint: "Needed for a subject or an associate; leave it blank only for an unnamed suspected associate" }),
    area(ctx, at("description"), "Description", () => subject.description, (v) => (subject.description = v), { rows: 2, hint: "Needed for an unnamed suspected associate: what is known of them. Otherwise optional" }),
    area(ctx, at("aliases"), "Other names", () => subject.aliases, (v) => (subject.aliases = v), { optional: true, rows: 2, hint: "One name a line" }),
    date(ctx, at("date_of_birth"), "Date of birth", subject.date_of_birth, "For example, 27 3 1990", true),
    text(ctx, at("relationship"), "Relationship to the child", () => subject.relationship, (v) => (subject.relationship = v), { optional: true, hint: "For example mother, mother's partner, uncle" }),
    h("h3", { class: "govuk-heading-s" }, `Profiles of person ${n}`),
    ...profiles,
    button(`Add a profile for person ${n}`, () => {
      subject.profiles.push({ platform: "", url: "" });
      ctx.saver.changed();
      ctx.redraw(`subjects[${n}].profiles[${subject.profiles.length}].platform`);
    }, { secondary: true, id: `add-profile-${n}` }),
    ctx.form.subjects.length > 1
      ? button(`Remove person ${n}`, () => {
          ctx.form.subjects.splice(index, 1);
          ctx.saver.changed();
          ctx.redraw("subjects");
        }, { warning: true })
      : null,
  );
}

function emptySubject(): SubjectForm {
  return { role: null, name: "", description: "", aliases: "", date_of_birth: { day: "", month: "", year: "" }, relationship: "", profiles: [] };
}

function peopleStep(ctx: StepContext): Child[] {
  if (ctx.form.subjects.length === 0) ctx.form.subjects.push(emptySubject());
  return [
    h("p", { class: "govuk-body" }, "Add everyone whose pages may be looked at: the subjects, their associates, and any suspected associate, named or described."),
    ...ctx.form.subjects.map((subject, index) => personSection(ctx, subject, index)),
    h(
      "div",
      { class: `govuk-form-group${ctx.errors.has("subjects") ? " govuk-form-group--error" : ""}` },
      ctx.errors.has("subjects")
        ? h("p", { class: "govuk-error-message", id: "subjects-error" }, h("span", { class: "govuk-visually-hidden" }, "Error: "), ctx.errors.get("subjects")!)
        : null,
      button("Add another person", () => {
        ctx.form.subjects.push(emptySubject());
        ctx.saver.changed();
        ctx.redraw(`person-${ctx.form.subjects.length}-heading`);
      }, { secondary: true, id: "subjects" }),
    ),
  ];
}

function periodStep(ctx: StepContext): Child[] {
  const f = ctx.form;
  return [
    date(ctx, "period.from", "Start of the period of interest", f.period.from, "For example, 1 9 2026"),
    date(ctx, "period.to", "End of the period of interest", f.period.to, "The same as or after the start"),
    radios({
      id: "scope",
      label: "Scope of the check",
      errors: ctx.errors,
      value: f.scope,
      choices: SCOPES.map(([value, label, hint]) => ({
        value,
        label,
        hint,
        conditional: value === "monitoring"
          ? () => area(ctx, "monitoring_justification", "Why longer-term monitoring is justified", () => f.monitoring_justification, (v) => (f.monitoring_justification = v), { rows: 3 })
          : undefined,
      })),
      onChange: (v) => { f.scope = v; ctx.saver.changed(); ctx.redraw(v === "monitoring" ? "scope-2" : "scope"); },
    }),
    radios({
      id: "consent.status",
      label: "Consent",
      errors: ctx.errors,
      value: f.consent.status,
      choices: CONSENT.map(([value, label]) => ({
        value,
        label,
        conditional:
          value === "not_sought"
            ? () => area(ctx, "consent.reason", "Why consent was not sought", () => f.consent.reason, (v) => (f.consent.reason = v), { rows: 3, hint: "For example, an overriding public interest" })
            : () => text(ctx, "consent.reference", "Reference of the consent", () => f.consent.reference, (v) => (f.consent.reference = v), { optional: value === "informed", width: "20" }),
      })),
      onChange: (v) => { f.consent.status = v; ctx.saver.changed(); ctx.redraw(`consent.status${v === "written" ? "" : v === "informed" ? "-2" : "-3"}`); },
    }),
    text(ctx, "legal_advice_reference", "Legal advice reference", () => f.legal_advice_reference, (v) => (f.legal_advice_reference = v), { optional: true, width: "20" }),
  ];
}

/** The period typed, as people write it ("1 September to 31 October 2026"). */
function periodText(from: DateParts, to: DateParts): string {
  return joinPeriod(dateText(from), dateText(to));
}

/** The date typed, as people write it ("2 March 1990"), or as typed when it is not a date. */
function dateText(d: DateParts): string {
  if (![d.day, d.month, d.year].some((p) => p.trim())) return "Not given";
  const [day, month, year] = [d.day.trim(), d.month.trim(), d.year.trim()];
  const iso = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  const shown = /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month) && /^\d{4}$/.test(year) ? longDate(iso) : iso;
  return shown === iso ? `${day} ${month} ${year} (not a real date)` : shown;
}

function given(value: string): string {
  return value.trim() || "Not given";
}

function checkSummary(draftId: number, form: RequestForm): HTMLElement[] {
  const change = (step: StepId, label: string) => ({ href: `#/drafts/${draftId}/${step}?from=check`, label });
  const sections: HTMLElement[] = [
    h("h2", { class: "govuk-heading-m" }, "Case and workers"),
    summaryList([
      ["Case reference", given(form.case_reference), change("case", "case reference")],
      ["Originating social worker", `${given(form.originating_worker.name)}, ${given(form.originating_worker.team)}`, change("case", "originating social worker")],
      ["Team manager", given(form.team_manager.name), change("case", "team manager")],
    ]),
    h("h2", { class: "govuk-heading-m" }, "Reason, concern and triangulation"),
    summaryList([
      ["Reason", labelOf(REASONS, form.reason), change("reason", "reason")],
      ["Concern", given(form.concern), change("reason", "concern")],
      ["Triangulation", given(form.triangulation), change("reason", "triangulation")],
    ]),
    h("h2", { class: "govuk-heading-m" }, "People to check"),
  ];
  form.subjects.forEach((s, i) => {
    // A person described but not named is shown as described; an answer left empty is left
    // out rather than filling the page with "None".
    const who = s.name.trim() || (s.description.trim() ? `Not named: described as "${s.description.trim()}"` : "Not given");
    const rows: [string, Child, { href: string; label: string } | null][] = [
      [`Person ${i + 1}`, `${who} (${labelOf(ROLES, s.role).toLowerCase()})`, change("people", `person ${i + 1}`)],
    ];
    if (s.name.trim() && s.description.trim()) rows.push(["Description", s.description.trim(), null]);
    const aliases = s.aliases.split("\n").map((a) => a.trim()).filter(Boolean);
    if (aliases.length) rows.push(["Other names", aliases.join(", "), null]);
    if ([s.date_of_birth.day, s.date_of_birth.month, s.date_of_birth.year].some((p) => p.trim())) rows.push(["Date of birth", dateText(s.date_of_birth), null]);
    if (s.relationship.trim()) rows.push(["Relationship", s.relationship.trim(), null]);
    const profiles = s.profiles.filter((p) => p.platform.trim() || p.url.trim());
    if (profiles.length) rows.push(["Profiles", h("ul", { class: "govuk-list" }, ...profiles.map((p) => h("li", {}, `${PLATFORM_NAMES[p.platform] ?? p.platform}: ${p.url}`))), null]);
    sections.push(summaryList(rows));
  });
  sections.push(
    h("h2", { class: "govuk-heading-m" }, "Period, scope, consent and legal advice"),
    summaryList([
      ["Period of interest", periodText(form.period.from, form.period.to), change("period", "period of interest")],
      ["Scope", labelOf(SCOPES, form.scope) + (form.scope === "monitoring" ? `: ${given(form.monitoring_justification)}` : ""), change("period", "scope")],
      ["Consent", labelOf(CONSENT, form.consent.status), change("period", "consent")],
      [
        form.consent.status === "not_sought" ? "Why consent was not sought" : "Consent reference",
        given(form.consent.status === "not_sought" ? form.consent.reason : form.consent.reference),
        change("period", "consent details"),
      ],
      ["Legal advice reference", form.legal_advice_reference.trim() || "Not recorded", change("period", "legal advice reference")],
    ]),
  );
  return sections;
}

/** `fromCheck`: the step was opened to change an answer, so Continue goes back to the check. */
export async function draftScreen(app: App, draftId: number, stepId: StepId, showErrors: boolean, fromCheck: boolean): Promise<void> {
  const draft = await attempt(app, () => app.backend.call("draft_get", { id: draftId }));
  if (!draft) return;
  if (stepId === "check") return checkScreen(app, draft);
  // The platforms the policy allows are chosen, never typed; without them (a policy that
  // cannot be read) the platform is typed and the backend checks it.
  const platforms = (await app.backend.call("policy_platforms", {}).catch(() => null))?.allowed ?? [];
  const status = h("p", { class: "govuk-body-s app-save-status", id: "save-status" }, `Draft saved ${ukTime(draft.updated_at)}`);
  const saver = new DraftSaver(app, draft, status);
  app.beforeLeave(() => saver.flush());
  const index = STEPS.findIndex((s) => s.id === stepId);
  const step = STEPS[index];
  const caption = draft.request ? `Changing request ${draft.request}` : "New investigation request";

  // A redraw (a person added, a choice that reveals a question) keeps the errors shown.
  const render = (errors: FieldError[], focusId?: string) => {
    const ctx: StepContext = { app, draft, form: draft.form, errors: errorsFrom(errors), saver, platforms, redraw: (id) => render(errors, id) };
    const body = { case: caseStep, reason: reasonStep, people: peopleStep, period: periodStep }[stepId as Exclude<StepId, "check">](ctx);
    const continueButton = button("Continue", () => next(), { id: "continue" });
    const later = h("a", { class: "govuk-link", href: "#/requests", id: "save-later" }, "Save and come back later");
    app.show(
      step.title,
      backLink(index === 0 ? (draft.request ? `#/requests/${encodeURIComponent(draft.request)}` : "#/requests") : `#/drafts/${draftId}/${STEPS[index - 1].id}`),
      h("span", { class: "govuk-caption-l" }, `${caption} – step ${index + 1} of ${STEPS.length}`),
      h("h1", { class: "govuk-heading-l" }, step.title),
      status,
      h("form", { novalidate: "", id: "step-form" }, ...body.filter((c): c is Node => c !== null && c !== undefined && c !== false), h("div", { class: "govuk-button-group" }, continueButton, later)),
    );
    if (errors.length) app.showErrors(errors);
    if (focusId) document.getElementById(focusId)?.focus();
  };

  const stepErrors = async (): Promise<FieldError[] | undefined> => {
    if (!(await saver.flush())) return undefined;
    const check = await attempt(app, () => app.backend.call("draft_check", { id: draftId }));
    return check?.errors.filter((e) => step.owns(e.field));
  };

  const next = async () => {
    const errors = await stepErrors();
    if (!errors) return;
    if (errors.length) render(errors);
    else app.go(`#/drafts/${draftId}/${fromCheck ? "check" : STEPS[index + 1].id}`);
  };

  render([]);
  if (showErrors) {
    const errors = await stepErrors();
    if (errors?.length) render(errors);
  }
}

async function checkScreen(app: App, draft: DraftRecord): Promise<void> {
  const check = await attempt(app, () => app.backend.call("draft_check", { id: draft.id }));
  if (!check) return;
  /** "subject-person" → whether the worker says they are the same person. */
  const answers = new Map<string, boolean>();
  const title = "Check your answers";
  const render = (errors: FieldError[]) => {
    const content: Child[] = [
      backLink(`#/drafts/${draft.id}/period`),
      h("span", { class: "govuk-caption-l" }, draft.request ? `Changing request ${draft.request}` : "New investigation request"),
      h("h1", { class: "govuk-heading-l" }, title),
    ];
    if (check.errors.length) {
      content.push(incompleteSummary(draft.id, check));
    }
    content.push(...checkSummary(draft.id, draft.form));
    if (check.possible_matches.length) content.push(...matchQuestions(check, answers, errors));
    if (!check.errors.length) {
      content.push(
        h("h2", { class: "govuk-heading-m" }, draft.request ? "Save the changes" : "Create the request"),
        h("p", { class: "govuk-body" }, "The request is saved as a draft. Submit it to the team manager from its page."),
      );
    }
    content.push(
      h(
        "div",
        { class: "govuk-button-group" },
        check.errors.length ? null : button(draft.request ? "Save changes" : "Create request", () => commit(), { id: "commit" }),
        button(draft.request ? "Discard these changes" : "Discard this draft", () => discard(), { secondary: true, id: "discard" }),
      ),
    );
    app.show(title, ...content.filter((c): c is Node => c instanceof Node));
    if (errors.length) app.showErrors(errors);
    else if (check.errors.length) {
      document.title = `Error: ${title} – Triangulate`;
      document.getElementById("incomplete")?.focus();
    }
  };

  const commit = async () => {
    const problems: FieldError[] = [];
    const settlements: Settlement[] = [];
    for (const subject of new Set(check.possible_matches.map((m) => m.subject))) {
      const matches = check.possible_matches.filter((m) => m.subject === subject);
      const same = matches.filter((m) => answers.get(`${subject}-${m.person.id}`) === true);
      const unanswered = matches.filter((m) => !answers.has(`${subject}-${m.person.id}`));
      if (same.length > 1) {
        problems.push({ field: `match-${subject}-${same[1].person.id}`, message: `Person ${subject} can be only one of the people already known` });
      } else if (same.length === 1) {
        settlements.push({ subject, same_person: same[0].person.id });
      } else if (unanswered.length) {
        for (const m of unanswered) problems.push({ field: `match-${subject}-${m.person.id}`, message: `Select whether person ${subject} is ${m.person.name}, who is already known` });
      } else {
        settlements.push({ subject, same_person: null });
      }
    }
    if (problems.length) {
      render(problems);
      return;
    }
    try {
      const page = await app.backend.call("draft_commit", { id: draft.id, settlements });
      app.flash(draft.request ? `Request ${page.record.reference} changed` : `Request ${page.record.reference} created`, "It is a draft until you submit it.");
      app.go(`#/requests/${encodeURIComponent(page.record.reference)}`);
    } catch (error) {
      // The draft changed since this page was drawn (another window): check it again.
      if (asIpcError(error).code === "invalid_fields") await checkScreen(app, draft);
      else app.showFailure(error);
    }
  };

  const discard = async () => {
    const done = await attempt(app, () => app.backend.call("draft_discard", { id: draft.id }));
    if (!done) return;
    app.flash(draft.request ? "Changes discarded" : "Draft discarded");
    app.go(draft.request ? `#/requests/${encodeURIComponent(draft.request)}` : "#/requests");
  };

  render([]);
}

function incompleteSummary(draftId: number, check: DraftCheck): HTMLElement {
  return h(
    "div",
    { class: "govuk-error-summary", id: "incomplete", tabindex: "-1" },
    h(
      "div",
      { role: "alert" },
      h("h2", { class: "govuk-error-summary__title" }, "The request is not complete yet"),
      h(
        "div",
        { class: "govuk-error-summary__body" },
        h("ul", { class: "govuk-list govuk-error-summary__list" }, ...check.errors.map((e) => h("li", {}, h("a", { href: `#/drafts/${draftId}/${stepOf(e.field)}?errors=1&from=check` }, e.message)))),
      ),
    ),
  );
}

function matchQuestions(check: DraftCheck, answers: Map<string, boolean>, errors: FieldError[]): HTMLElement[] {
  const errorMap = errorsFrom(errors);
  return [
    h("h2", { class: "govuk-heading-m" }, "People who may already be known"),
    warningText("Say whether each is the same person, so that their records are linked and repeat viewing is counted."),
    ...check.possible_matches.map((m) => {
      const key = `${m.subject}-${m.person.id}`;
      return radios<boolean>({
        id: `match-${key}`,
        label: `Is person ${m.subject} the same as ${m.person.name}${m.person.date_of_birth ? `, born ${longDate(m.person.date_of_birth)}` : ""}, known since ${ukTime(m.person.created_at)}?`,
        hint: m.earlier_requests.length
          ? `Named in ${m.earlier_requests.map((r) => `request ${r.reference} (case ${r.case_reference})`).join(", ")}.`
          : undefined,
        errors: errorMap,
        value: answers.has(key) ? answers.get(key)! : null,
        choices: [
          { value: true, label: "Yes, the same person" },
          { value: false, label: "No, a different person" },
        ],
        onChange: (v) => answers.set(key, v),
      });
    }),
  ];
}
