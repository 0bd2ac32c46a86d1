// Appendix 1, the investigation request, in steps: case and workers; reason, concern and
// triangulation; the people and their profiles; period, scope, consent and legal advice;
// check your answers. Every keystroke is saved to the draft, so nothing typed is lost.
import { App, attempt, joinPeriod, longDate, ukTime } from "../app";
import { asIpcError } from "../backend";
import { Errors, RowAction, backLink, button, clearFieldError, dateInput, errorsFrom, linkedErrorSummary, radios, select, summaryList, textArea, textInput, warningText } from "../components";
import { Child, h } from "../dom";
import type { DateParts, DraftCheck, DraftRecord, FieldError, PlatformChoice, PossibleMatch, RequestForm, RequestPage, Settlement, SubjectForm } from "../generated/ipc";
import { deciderValue, laptopWorker } from "./decider";
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
    /** Called after each save that succeeded. */
    private saved: () => Promise<void> = async () => {},
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
        if (this.timer === undefined) {
          this.status.textContent = `Draft saved ${ukTime(saved.updated_at)}`;
          await this.saved();
        }
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
  platforms: PlatformChoice[];
  /** Draws the step again (after a person or profile is added, or a choice reveals more). */
  redraw: (focusId?: string) => void;
  /** The step was opened from check your answers, and goes back there. */
  fromCheck: boolean;
}

/** The allowed platforms by the names people read; a platform the draft already has but the
 *  policy no longer allows stays visible, so the backend can name it. */
function platformChoices(allowed: PlatformChoice[], current: string): { value: string; label: string }[] {
  const values = current && !allowed.some((p) => p.key === current) ? [...allowed, { key: current, name: current, hosts: [] }] : allowed;
  return values.map((p) => ({ value: p.key, label: p.name }));
}

/** The name people read for a platform, as the policy gives it. */
function platformName(platforms: PlatformChoice[], key: string): string {
  return platforms.find((p) => p.key === key)?.name ?? key;
}

/** Where a profile's address must be, as the hint under it says. */
function addressHint(platforms: PlatformChoice[], key: string): string {
  const hosts = platforms.find((p) => p.key === key)?.hosts ?? [];
  return hosts.length ? `The address of the public page, starting https://, on ${hosts.join(" or ")}` : "The address of the public page, starting https://";
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

/** What a person is shown as: their name, or the description of one not named. */
function personName(subject: SubjectForm, number: number): string {
  return subject.name.trim() || (subject.description.trim() ? `Not named: described as "${subject.description.trim()}"` : `Person ${number}`);
}

function isBlank(subject: SubjectForm): boolean {
  const d = subject.date_of_birth;
  return subject.role === null
    && ![subject.name, subject.description, subject.aliases, subject.relationship, d.day, d.month, d.year].some((v) => v.trim())
    && !subject.profiles.some((p) => p.platform.trim() || p.url.trim());
}

/** One person, role first; then only the questions that role needs (and any already
 *  answered, so nothing typed is hidden). */
function personStep(ctx: StepContext, index: number): Child[] {
  const subject = ctx.form.subjects[index];
  const n = index + 1;
  const at = (field: string) => `subjects[${n}].${field}`;
  const d = subject.date_of_birth;
  const role = radios({
    id: at("role"),
    label: `What is person ${n}'s part in the concern?`,
    legendSize: "m",
    errors: ctx.errors,
    value: subject.role,
    choices: ROLES.map(([value, label, hint]) => ({ value, label, hint })),
    onChange: (v) => {
      subject.role = v;
      ctx.saver.changed();
      const chosen = ROLES.findIndex(([value]) => value === v);
      ctx.redraw(chosen === 0 ? at("role") : `${at("role")}-${chosen + 1}`);
    },
  });
  if (subject.role === null) return [role];
  const suspect = subject.role === "suspected_associate";
  const shows = (needed: boolean, ...values: string[]) => needed || values.some((v) => v.trim());
  const profiles = subject.profiles.map((profile, p) => {
    const pid = (field: string) => `subjects[${n}].profiles[${p + 1}].${field}`;
    return h(
      "div",
      { class: "app-profile-row" },
      ctx.platforms.length
        ? select({ id: pid("platform"), label: `Platform of profile ${p + 1}`, hint: "The platforms the local policy allows", errors: ctx.errors, value: profile.platform, empty: "Choose the platform", choices: platformChoices(ctx.platforms, profile.platform), onChange: (v) => { profile.platform = v; ctx.saver.changed(); const hint = document.getElementById(`${pid("url")}-hint`); if (hint) hint.textContent = addressHint(ctx.platforms, v); } })
        : text(ctx, pid("platform"), `Platform of profile ${p + 1}`, () => profile.platform, (v) => (profile.platform = v), { hint: "For example facebook, instagram, tiktok", width: "10" }),
      text(ctx, pid("url"), `Web address of profile ${p + 1}`, () => profile.url, (v) => (profile.url = v), { hint: addressHint(ctx.platforms, profile.platform) }),
      button(`Remove profile ${p + 1}`, () => {
        subject.profiles.splice(p, 1);
        ctx.saver.changed();
        ctx.redraw("add-profile");
      }, { secondary: true }),
    );
  });
  return [
    role,
    suspect
      ? text(ctx, at("name"), "Full name, if known", () => subject.name, (v) => (subject.name = v), { optional: true })
      : text(ctx, at("name"), "Full name", () => subject.name, (v) => (subject.name = v)),
    shows(suspect, subject.description)
      ? area(ctx, at("description"), "Description", () => subject.description, (v) => (subject.description = v), suspect ? { rows: 3, hint: "What is known of them: needed when they are not named" } : { rows: 2, optional: true })
      : null,
    shows(!suspect, subject.aliases)
      ? area(ctx, at("aliases"), "Other names", () => subject.aliases, (v) => (subject.aliases = v), { optional: true, rows: 2, hint: "One name a line" })
      : null,
    shows(!suspect, d.day, d.month, d.year) ? date(ctx, at("date_of_birth"), "Date of birth", d, "For example, 27 3 1990", true) : null,
    text(ctx, at("relationship"), "Relationship to the child", () => subject.relationship, (v) => (subject.relationship = v), { optional: true, hint: "For example mother, mother's partner, uncle" }),
    h("h2", { class: "govuk-heading-m", id: "profiles-heading" }, "Their profiles"),
    subject.profiles.length ? null : h("p", { class: "govuk-body" }, "No profile added yet. Add each public page that may be looked at."),
    ...profiles,
    button(subject.profiles.length ? "Add another profile" : "Add a profile", () => {
      subject.profiles.push({ platform: "", url: "" });
      ctx.saver.changed();
      ctx.redraw(`subjects[${n}].profiles[${subject.profiles.length}].platform`);
    }, { secondary: true, id: "add-profile" }),
  ];
}

function emptySubject(): SubjectForm {
  return { role: null, name: "", description: "", aliases: "", date_of_birth: { day: "", month: "", year: "" }, relationship: "", profiles: [] };
}

/** The people added so far, each with Change and Remove, and whether to add another. */
function peopleSummary(ctx: StepContext, route: string, addAnother: { value: boolean | null }): Child[] {
  const people = ctx.form.subjects;
  const rows = people.map((s, i): [string, Child, RowAction[]] => {
    const profiles = s.profiles.filter((p) => p.url.trim()).length;
    return [
      `Person ${i + 1}`,
      h("span", {}, `${personName(s, i + 1)} (${labelOf(ROLES, s.role).toLowerCase()})`, h("br"), h("span", { class: "govuk-hint" }, profiles === 0 ? "No profile" : profiles === 1 ? "1 profile" : `${profiles} profiles`)),
      [
        { href: `${route}/${i + 1}${ctx.fromCheck ? "?from=check" : ""}`, label: `person ${i + 1}`, id: `change-person-${i + 1}` },
        { href: `${route}/${i + 1}/remove${ctx.fromCheck ? "?from=check" : ""}`, label: `person ${i + 1}`, text: "Remove", id: `remove-person-${i + 1}` },
      ],
    ];
  });
  return [
    h("p", { class: "govuk-body", id: "people-count" }, people.length === 1 ? "You have added 1 person." : `You have added ${people.length} people.`),
    summaryList(rows, "people-added"),
    radios<boolean>({
      id: "add-another",
      label: "Do you need to add another person?",
      hint: "Everyone whose pages may be looked at: the subjects, their associates, and any suspected associate, named or described",
      legendSize: "m",
      errors: ctx.errors,
      value: addAnother.value,
      choices: [{ value: true, label: "Yes" }, { value: false, label: "No" }],
      onChange: (v) => (addAnother.value = v),
    }),
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

function checkSummary(draftId: number, form: RequestForm, platforms: PlatformChoice[]): HTMLElement[] {
  const change = (step: string, label: string) => ({ href: `#/drafts/${draftId}/${step}?from=check`, label });
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
      [`Person ${i + 1}`, `${who} (${labelOf(ROLES, s.role).toLowerCase()})`, change(`people/${i + 1}`, `person ${i + 1}`)],
    ];
    if (s.name.trim() && s.description.trim()) rows.push(["Description", s.description.trim(), null]);
    const aliases = s.aliases.split("\n").map((a) => a.trim()).filter(Boolean);
    if (aliases.length) rows.push(["Other names", aliases.join(", "), null]);
    if ([s.date_of_birth.day, s.date_of_birth.month, s.date_of_birth.year].some((p) => p.trim())) rows.push(["Date of birth", dateText(s.date_of_birth), null]);
    if (s.relationship.trim()) rows.push(["Relationship", s.relationship.trim(), null]);
    const profiles = s.profiles.filter((p) => p.platform.trim() || p.url.trim());
    if (profiles.length) rows.push(["Profiles", h("ul", { class: "govuk-list" }, ...profiles.map((p) => h("li", {}, `${platformName(platforms, p.platform)}: ${p.url}`))), null]);
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

/** Where in the request's steps a screen is: the step, and within the people step, one
 *  person (`person`, numbered from 1) or the confirmation before removing one. */
export interface DraftPlace {
  step: StepId;
  person: number | null;
  remove: boolean;
  /** Show the step's errors on arrival (a link from an error elsewhere). */
  showErrors: boolean;
  /** Opened to change an answer: Continue goes back to check your answers. */
  fromCheck: boolean;
}

/** One screen of a draft: its heading, where Back goes, which errors it shows, its questions
 *  and what Continue does once they have no errors. */
interface DraftView {
  title: string;
  back: string;
  owns: (field: string) => boolean;
  body: (ctx: StepContext) => Child[];
  /** Saves and moves on; field errors it finds itself (a question on this screen only). */
  proceed: (errors: FieldError[]) => Promise<FieldError[] | void>;
  /** A question that decides whether Continue checks the step (false: it does not). */
  checks?: () => boolean;
  /** Errors fixed on other screens: where each is fixed (null: on none in particular). */
  elsewhere?: (field: string) => string | null;
}

export async function draftScreen(app: App, draftId: number, place: DraftPlace): Promise<void> {
  const draft = await attempt(app, () => app.backend.call("draft_get", { id: draftId }));
  if (!draft) return;
  if (place.step === "check") return checkScreen(app, draft);
  const base = `#/drafts/${draftId}`;
  const onward = (step: StepId) => `${base}/${place.fromCheck ? "check" : step}`;
  const from = place.fromCheck ? "?from=check" : "";
  const people = draft.form.subjects;
  // The people step opens on its summary; with nobody added yet, on the first person. A
  // person left blank (Back from an added page) is dropped rather than shown as nobody.
  if (place.step === "people") {
    const kept = people.filter((s, i) => !isBlank(s) || i + 1 === place.person);
    if (kept.length !== people.length) {
      draft.form.subjects = kept;
      await attempt(app, () => app.backend.call("draft_save", { id: draftId, form: draft.form }));
    }
    if (place.person === null && draft.form.subjects.length === 0) return void location.replace(`${base}/people/1${from}`);
    if (place.person !== null && (place.person < 1 || place.person > draft.form.subjects.length + (place.remove ? 0 : 1))) return void location.replace(`${base}/people${from}`);
    if (place.person === draft.form.subjects.length + 1) {
      // Saved at once, so that Continue without an answer names what the person needs.
      draft.form.subjects.push(emptySubject());
      if (!(await attempt(app, () => app.backend.call("draft_save", { id: draftId, form: draft.form })))) return;
    }
  }
  // The platforms the policy allows are chosen, never typed; without them (a policy that
  // cannot be read) the platform is typed and the backend checks it.
  const platforms = (await app.backend.call("policy_platforms", {}).catch(() => null))?.platforms ?? [];
  const status = h("p", { class: "govuk-body-s app-save-status", id: "save-status" }, `Draft saved ${ukTime(draft.updated_at)}`);
  const index = STEPS.findIndex((s) => s.id === place.step);
  const step = STEPS[index];
  const caption = draft.request ? `Changing request ${draft.request}` : "New investigation request";
  const previous = index === 0 ? (draft.request ? `#/requests/${encodeURIComponent(draft.request)}` : "#/requests") : `${base}/${STEPS[index - 1].id}`;
  const view = draftView(app, draft, place, step, previous, onward);
  // Errors shown on the page; each is taken off once a save shows it fixed.
  let shown: FieldError[] = [];
  const saver = new DraftSaver(app, draft, status, async () => {
    if (!shown.length) return;
    const check = await app.backend.call("draft_check", { id: draftId }).catch(() => null);
    if (!check) return;
    const still = new Set(check.errors.map((e) => `${e.field}\n${e.message}`));
    const fixed = shown.filter((e) => view.owns(e.field) && !still.has(`${e.field}\n${e.message}`));
    for (const e of fixed) clearFieldError(e.field, e.message);
    shown = shown.filter((e) => !fixed.includes(e));
    if (!shown.length) document.title = `${view.title} – Triangulate`;
  });
  app.beforeLeave(() => saver.flush());

  // A redraw (a person added, a choice that reveals a question) keeps the errors shown.
  const render = (errors: FieldError[], focusId?: string) => {
    shown = errors;
    const ctx: StepContext = { app, draft, form: draft.form, errors: errorsFrom(errors), saver, platforms, redraw: (id) => render(shown, id), fromCheck: place.fromCheck };
    const continueButton = button("Continue", () => next(), { id: "continue" });
    const later = h("a", { class: "govuk-link", href: "#/requests", id: "save-later" }, "Save and come back later");
    app.show(
      view.title,
      backLink(view.back),
      h("span", { class: "govuk-caption-l" }, `${caption} – step ${index + 1} of ${STEPS.length}`),
      h("h1", { class: "govuk-heading-l" }, view.title),
      status,
      h("form", { novalidate: "", id: "step-form" }, ...view.body(ctx).filter((c): c is Node => c !== null && c !== undefined && c !== false), h("div", { class: "govuk-button-group" }, continueButton, later)),
    );
    const away = view.elsewhere ? errors.filter((e) => !document.getElementById(e.field)) : [];
    if (away.length) {
      const summary = linkedErrorSummary("There is a problem", "error-summary", errors.map((e) => ({ message: e.message, href: view.elsewhere!(e.field) })));
      document.querySelector("main .govuk-back-link")?.after(summary);
      document.title = `Error: ${view.title} – Triangulate`;
      summary.focus();
    } else if (errors.length) app.showErrors(errors);
    if (focusId) document.getElementById(focusId)?.focus();
  };

  const stepErrors = async (): Promise<FieldError[] | undefined> => {
    if (!(await saver.flush())) return undefined;
    if (view.checks && !view.checks()) return [];
    const check = await attempt(app, () => app.backend.call("draft_check", { id: draftId }));
    return check?.errors.filter((e) => view.owns(e.field));
  };

  const next = async () => {
    const errors = await stepErrors();
    if (!errors) return;
    const more = errors.length ? errors : await view.proceed(errors);
    if (more?.length) render(more);
  };

  render([]);
  if (place.showErrors) {
    const errors = await stepErrors();
    if (errors?.length) render(errors);
  }
}

/** The screen a place in the draft shows. */
function draftView(app: App, draft: DraftRecord, place: DraftPlace, step: StepDefinition, previous: string, onward: (step: StepId) => string): DraftView {
  const base = `#/drafts/${draft.id}`;
  const from = place.fromCheck ? "?from=check" : "";
  const simple = (body: (ctx: StepContext) => Child[]): DraftView => ({
    title: step.title,
    back: previous,
    owns: step.owns,
    body,
    proceed: async () => app.go(onward(STEPS[STEPS.indexOf(step) + 1].id)),
  });
  if (place.step === "case") return simple(caseStep);
  if (place.step === "reason") return simple(reasonStep);
  if (place.step === "period") {
    return {
      ...simple(periodStep),
      // People who may already be known are asked about, each on their own page, first.
      proceed: async () => {
        const check = await attempt(app, () => app.backend.call("draft_check", { id: draft.id }));
        if (check) app.go(place.fromCheck ? `${base}/check` : afterMatches(draft.id, check));
      },
    };
  }
  const subjects = draft.form.subjects;
  if (place.person !== null && place.remove) {
    const index = place.person - 1;
    const name = personName(subjects[index], place.person);
    const answer: { value: boolean | null } = { value: null };
    return {
      title: `Remove person ${place.person}`,
      back: `${base}/people${from}`,
      owns: () => false,
      checks: () => false,
      body: (ctx) => [
        radios<boolean>({
          id: "confirm-remove",
          label: `Are you sure you want to remove ${name} from this request?`,
          hint: "What was entered for them is removed from the draft.",
          legendSize: "m",
          errors: ctx.errors,
          value: answer.value,
          choices: [{ value: true, label: `Yes, remove ${name}` }, { value: false, label: "No, keep them" }],
          onChange: (v) => (answer.value = v),
        }),
      ],
      proceed: async () => {
        if (answer.value === null) return [{ field: "confirm-remove", message: `Select whether to remove ${name}` }];
        if (answer.value) {
          subjects.splice(index, 1);
          const saved = await attempt(app, () => app.backend.call("draft_save", { id: draft.id, form: draft.form }));
          if (!saved) return;
          app.flash(`${name} removed`, subjects.length ? "" : "Add the people to check.");
        }
        app.go(`${base}/people${from}`);
      },
    };
  }
  if (place.person !== null) {
    const n = place.person;
    return {
      title: `Person ${n}`,
      back: subjects.length > 1 || place.fromCheck ? `${base}/people${from}` : previous,
      owns: (f) => f.startsWith(`subjects[${n}].`),
      body: (ctx) => personStep(ctx, n - 1),
      proceed: async () => app.go(`${base}/people${from}`),
    };
  }
  const addAnother: { value: boolean | null } = { value: null };
  return {
    title: step.title,
    back: previous,
    owns: step.owns,
    checks: () => addAnother.value === false,
    elsewhere: (field) => {
      const person = /^subjects\[(\d+)\]\./.exec(field);
      return person ? `${base}/people/${person[1]}?errors=1${place.fromCheck ? "&from=check" : ""}` : null;
    },
    body: (ctx) => peopleSummary(ctx, `${base}/people`, addAnother),
    proceed: async () => {
      if (addAnother.value === null) return [{ field: "add-another", message: "Select whether you need to add another person" }];
      if (addAnother.value) app.go(`${base}/people/${subjects.length + 1}${from}`);
      else app.go(onward("period"));
    },
  };
}

/** Answers to "is this the same person?", by draft, then by `subject-person`. They are
 *  asked on their own pages and given when the request is created. */
const matchAnswers = new Map<number, Map<string, boolean>>();

function answersOf(draftId: number): Map<string, boolean> {
  if (!matchAnswers.has(draftId)) matchAnswers.set(draftId, new Map());
  return matchAnswers.get(draftId)!;
}

const matchKey = (m: PossibleMatch) => `${m.subject}-${m.person.id}`;

/** Where an answer is changed: a person's own page, or the step that asks it. */
function placeOf(field: string): string {
  const person = /^subjects\[(\d+)\]\./.exec(field);
  return person ? `people/${person[1]}` : stepOf(field);
}

/** The first possible match not yet answered, or check your answers. */
function afterMatches(draftId: number, check: DraftCheck): string {
  const answers = answersOf(draftId);
  const open = check.possible_matches.findIndex((m) => !answers.has(matchKey(m)));
  return open < 0 ? `#/drafts/${draftId}/check` : `#/drafts/${draftId}/match/${open + 1}`;
}

/** One person who may already be known, on their own page: what this request says of them
 *  beside what is known, and the earlier requests that name them. */
export async function matchScreen(app: App, draftId: number, number: number): Promise<void> {
  const draft = await attempt(app, () => app.backend.call("draft_get", { id: draftId }));
  if (!draft) return;
  const check = await attempt(app, () => app.backend.call("draft_check", { id: draftId }));
  if (!check) return;
  const m = check.possible_matches[number - 1];
  if (!m) return void location.replace(`#/drafts/${draftId}/check`);
  const answers = answersOf(draftId);
  const subject = draft.form.subjects[m.subject - 1];
  const who = personName(subject, m.subject);
  const title = `${m.person.name} may already be known`;
  let answer: boolean | null = answers.has(matchKey(m)) ? answers.get(matchKey(m))! : null;
  const id = `match-${matchKey(m)}`;
  const render = (errors: FieldError[]) => {
    const typed: [string, Child, null][] = [["Name", who, null]];
    const dob = subject.date_of_birth;
    if ([dob.day, dob.month, dob.year].some((p) => p.trim())) typed.push(["Date of birth", dateText(dob), null]);
    const aliases = subject.aliases.split("\n").map((a) => a.trim()).filter(Boolean);
    if (aliases.length) typed.push(["Other names", aliases.join(", "), null]);
    const known: [string, Child, null][] = [["Name", m.person.name, null]];
    if (m.person.date_of_birth) known.push(["Date of birth", longDate(m.person.date_of_birth), null]);
    if (m.person.aliases.length) known.push(["Other names", m.person.aliases.join(", "), null]);
    known.push(["Known since", ukTime(m.person.created_at), null]);
    known.push([
      "Named in",
      m.earlier_requests.length
        ? h("ul", { class: "govuk-list", id: "earlier-requests" }, ...m.earlier_requests.map((r) => h("li", {}, h("a", { class: "govuk-link", href: `#/requests/${encodeURIComponent(r.reference)}` }, `Request ${r.reference}`), ` (case ${r.case_reference})`)))
        : "No request yet",
      null,
    ]);
    app.show(
      title,
      backLink(number > 1 ? `#/drafts/${draftId}/match/${number - 1}` : `#/drafts/${draftId}/period`),
      h("span", { class: "govuk-caption-l" }, `${draft.request ? `Changing request ${draft.request}` : "New investigation request"} – person ${m.subject}`),
      h("h1", { class: "govuk-heading-l" }, title),
      h("p", { class: "govuk-body" }, "Someone with the same name or date of birth is already in the store. If it is the same person, their records are linked and their pages' earlier viewing is counted towards the repeat-viewing limit."),
      h("h2", { class: "govuk-heading-m" }, `Person ${m.subject} in this request`),
      summaryList(typed, "typed-person"),
      h("h2", { class: "govuk-heading-m" }, "Already known"),
      summaryList(known, "known-person"),
      h(
        "form",
        { novalidate: "" },
        radios<boolean>({
          id,
          label: `Is person ${m.subject} the same person as ${m.person.name}?`,
          legendSize: "m",
          errors: errorsFrom(errors),
          value: answer,
          choices: [
            { value: true, label: "Yes, the same person" },
            { value: false, label: "No, a different person" },
          ],
          onChange: (v) => (answer = v),
        }),
        h("div", { class: "govuk-button-group" }, button("Continue", () => next(), { id: "continue" })),
      ),
    );
    if (errors.length) app.showErrors(errors);
  };
  const next = () => {
    if (answer === null) return render([{ field: id, message: `Select whether person ${m.subject} is ${m.person.name}, who is already known` }]);
    const other = check.possible_matches.find((o) => o !== m && o.subject === m.subject && answers.get(matchKey(o)) === true);
    if (answer && other) {
      return render([{ field: id, message: `Person ${m.subject} can be only one of the people already known: you said they are ${other.person.name}` }]);
    }
    answers.set(matchKey(m), answer);
    app.go(afterMatches(draftId, check));
  };
  render([]);
}

async function checkScreen(app: App, draft: DraftRecord): Promise<void> {
  const check = await attempt(app, () => app.backend.call("draft_check", { id: draft.id }));
  if (!check) return;
  const platforms = (await app.backend.call("policy_platforms", {}).catch(() => null))?.platforms ?? [];
  const answers = answersOf(draft.id);
  const title = "Check your answers";
  const base = `#/drafts/${draft.id}`;
  const problems = [
    ...check.errors.map((e) => ({ message: e.message, href: `${base}/${placeOf(e.field)}?errors=1&from=check` })),
    ...check.possible_matches.flatMap((m, i) =>
      answers.has(matchKey(m)) ? [] : [{ message: `Say whether person ${m.subject} is ${m.person.name}, who is already known`, href: `${base}/match/${i + 1}` }],
    ),
  ];
  const content: Child[] = [
    backLink(`${base}/period`),
    h("span", { class: "govuk-caption-l" }, draft.request ? `Changing request ${draft.request}` : "New investigation request"),
    h("h1", { class: "govuk-heading-l" }, title),
  ];
  if (problems.length) content.push(linkedErrorSummary("The request is not complete yet", "incomplete", problems));
  content.push(...checkSummary(draft.id, draft.form, platforms));
  if (check.possible_matches.length) {
    content.push(
      h("h2", { class: "govuk-heading-m" }, "People who may already be known"),
      summaryList(
        check.possible_matches.map((m, i) => {
          const key = matchKey(m);
          const said = !answers.has(key) ? "Not answered yet" : answers.get(key) ? `The same person as ${m.person.name}` : `Not ${m.person.name}, a different person`;
          return [`Person ${m.subject}`, said, { href: `${base}/match/${i + 1}`, label: `whether person ${m.subject} is ${m.person.name}` }];
        }),
        "matches",
      ),
    );
  }
  if (!problems.length) {
    content.push(
      h("h2", { class: "govuk-heading-m" }, draft.request ? "Save the changes and submit them" : "Create the request and submit it"),
      h(
        "p",
        { class: "govuk-body", id: "submit-advice" },
        draft.request
          ? "Submitting sends the changed request to the team manager to agree. You can also save the changes now and submit them later from the request's page."
          : "Submitting sends the request to the team manager to agree. You can also create it now and submit it later from its page: until then it is a draft.",
      ),
    );
  }
  content.push(
    h(
      "div",
      { class: "govuk-button-group" },
      problems.length ? null : button(draft.request ? "Save and submit to the team manager" : "Submit to the team manager", () => commit(true), { id: "commit-submit" }),
      problems.length ? null : button(draft.request ? "Save, and submit later" : "Create it, and submit later", () => commit(false), { id: "commit", secondary: true }),
      button(draft.request ? "Discard these changes" : "Discard this draft", () => discard(), { secondary: true, id: "discard" }),
    ),
  );

  const commit = async (submit: boolean) => {
    const settlements: Settlement[] = [...new Set(check.possible_matches.map((m) => m.subject))].map((subject) => ({
      subject,
      same_person: check.possible_matches.find((m) => m.subject === subject && answers.get(matchKey(m)) === true)?.person.id ?? null,
    }));
    try {
      const page = await app.backend.call("draft_commit", { id: draft.id, settlements });
      matchAnswers.delete(draft.id);
      const reference = page.record.reference;
      const made = draft.request ? `Request ${reference} changed` : `Request ${reference} created`;
      if (submit) return await submitCreated(app, page, made);
      app.flash(made, "It is not submitted yet: submit it to the team manager from this page.");
      app.go(`#/requests/${encodeURIComponent(reference)}`);
    } catch (error) {
      // The draft changed since this page was drawn (another window): check it again.
      if (asIpcError(error).code === "invalid_fields") await checkScreen(app, draft);
      else app.showFailure(error);
    }
  };

  // Discarding deletes what was typed: asked about on a page of its own first.
  const discard = () => {
    const asked = draft.request ? "Discard these changes?" : "Discard this draft?";
    // The question is shown at the answers' own address: going back draws them again.
    const back = (link: HTMLElement) => {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        app.go(`${base}/check`);
      });
      return link;
    };
    app.show(
      asked,
      back(backLink(`${base}/check`)),
      h("span", { class: "govuk-caption-l" }, draft.request ? `Changing request ${draft.request}` : "New investigation request"),
      h("h1", { class: "govuk-heading-l" }, asked),
      warningText(draft.request ? "This cannot be undone: the changes typed are deleted, and the request stays as it was." : "This cannot be undone: everything typed in this draft is deleted."),
      h(
        "div",
        { class: "govuk-button-group" },
        button(draft.request ? "Yes, discard the changes" : "Yes, discard the draft", () => discarded(), { id: "confirm-discard", warning: true }),
        back(h("a", { class: "govuk-link", href: `${base}/check`, id: "keep-draft" }, "No, go back to the answers")),
      ),
    );
  };
  const discarded = async () => {
    const done = await attempt(app, () => app.backend.call("draft_discard", { id: draft.id }));
    if (!done) return;
    matchAnswers.delete(draft.id);
    app.flash(draft.request ? "Changes discarded" : "Draft discarded");
    app.go(draft.request ? `#/requests/${encodeURIComponent(draft.request)}` : "#/requests");
  };

  app.show(title, ...content.filter((c): c is Node => c instanceof Node));
  if (problems.length) {
    document.title = `Error: ${title} – Triangulate`;
    document.getElementById("incomplete")?.focus();
  }
}

/** Submits a request just created or changed, through the request's own submit step: in the
 *  worker's name when the step is theirs and nothing is missing; otherwise its form, to
 *  record the social worker's submission made by email, or its page, which says what is
 *  missing. */
async function submitCreated(app: App, page: RequestPage, made: string): Promise<void> {
  const reference = page.record.reference;
  const next = page.next_steps.find((n) => n.step === "submit");
  const me = await laptopWorker(app);
  if (!next || next.missing.length) {
    app.flash(made, next ? "It is not submitted yet: first put right what this page lists." : "");
    app.go(`#/requests/${encodeURIComponent(reference)}`);
    return;
  }
  if (!next.yours || !me) {
    app.flash(made, "Now record the social worker's submission to the team manager, made by email or memo.");
    app.go(`#/requests/${encodeURIComponent(reference)}/step/submit`);
    return;
  }
  try {
    await app.backend.call("request_step", { reference, step: "submit", decided_by: deciderValue(me), evidence: "", note: "", conditions: "", decided_on: { day: "", month: "", year: "" } });
    app.flash(`${made} and submitted to the team manager`, "The team manager is asked to agree it.");
  } catch (error) {
    app.flash(made, `It is not submitted yet: ${asIpcError(error).message}`);
  }
  app.go(`#/requests/${encodeURIComponent(reference)}`);
}
