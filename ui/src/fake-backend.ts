// An in-memory Backend for UI tests in a plain browser: the same contract as the desktop,
// with just enough of the rules (required answers, dates in order, the authorisation steps
// and what they need, a staff directory with who may take each step) for the screens to
// show every state. The real rules live in Rust and
// are tested there; this is not a second implementation to trust.
import { longDate } from "./app";
import type { Backend } from "./backend";
import type {
  AawRecord, AccountRecord, CaptureItem, CapturePage, DisposalRecord, Due, HoldRecord, IncidentRecord, RetentionPage, SessionPage, AuthorisationRecord, CommandName, Contribution, Commands, DateParts, DraftRecord, FieldError, IpcError, PersonRecord, PossibleMatch,
  HomeGroup, HomeRequest, InvestigationLog, LogActions, LogPage, LogVersion, NextStep, PdfExportRecord, Progress, Request, RequestForm, RequestPage, RequestRecord, RequestState, Role,
  ShareRecipient, Step, StoreStatus, WorkerRecord, Work, RegisterEntry, AuthorisationState, PilotFeedback, PilotReportArgs, PilotReportPage,
  AccessReadiness, BrowserSetting, BrowserSource, ChosenBrowser, DecisionRecord, FixPlace, NamedBrowser, StaffAddArgs, StaffChoice, StaffDirectory, StaffRecord, StaffRef, StaffRole, StepOffer, VersionSigned,
} from "./generated/ipc";

type Handlers = { [K in CommandName]: (args: Commands[K]["args"]) => Commands[K]["response"] };

const LABELS: Record<RequestState, string> = {
  draft: "Draft", submitted: "Submitted", agreed: "Agreed by team manager", permitted: "Permitted by service director",
  refused: "Refused", referred_back: "Referred back", legitimacy_confirmed: "Legitimacy confirmed", doubts_raised: "Doubts raised",
  in_progress: "In progress", log_completed: "Log completed", finalised: "Finalised", shared: "Shared", closed: "Closed", withdrawn: "Withdrawn",
};

const TRANSITIONS: [RequestState, Step, RequestState, Role][] = [
  ["draft", "submit", "submitted", "Osw"], ["referred_back", "submit", "submitted", "Osw"],
  ["submitted", "agree", "agreed", "Tm"], ["submitted", "refuse", "refused", "Tm"], ["submitted", "refer-back", "referred_back", "Tm"],
  ["agreed", "permit", "permitted", "Sd"], ["agreed", "refuse", "refused", "Sd"], ["agreed", "refer-back", "referred_back", "Sd"],
  ["permitted", "confirm-legitimacy", "legitimacy_confirmed", "Aaw"], ["permitted", "raise-doubts", "doubts_raised", "Aaw"],
  ["doubts_raised", "confirm-legitimacy", "legitimacy_confirmed", "Aaw"], ["doubts_raised", "refuse", "refused", "SmOrSd"],
  ["doubts_raised", "refer-back", "referred_back", "SmOrSd"],
  ["shared", "close", "closed", "TmOrSd"],
  ...(["draft", "submitted", "agreed", "permitted", "referred_back", "legitimacy_confirmed", "doubts_raised"] as RequestState[]).map(
    (s): [RequestState, Step, RequestState, Role] => [s, "withdraw", "withdrawn", "Osw"],
  ),
];

const STEP_LABELS: Partial<Record<Step, string>> = {
  submit: "Submit to team manager", agree: "Record team manager's agreement", permit: "Record service director's permission",
  refuse: "Record refusal", "refer-back": "Refer back to social worker", "confirm-legitimacy": "Confirm the request is legitimate",
  "raise-doubts": "Raise doubts with service manager", withdraw: "Withdraw request", close: "Close request",
};

const ROLE_LABELS: Record<Role, string> = {
  Osw: "Originating social worker", Tm: "Team manager", Sd: "Service director", TmOrSd: "Team manager or service director",
  SmOrSd: "Service manager or service director", Aaw: "Authorised Access Worker",
};

const NOW = "2026-11-23T10:00:00Z";

function fail(code: IpcError["code"], message: string, fields: FieldError[] = []): never {
  throw { code, message, fields, guards: [], refusals: [], url: null } satisfies IpcError;
}

/** A small picture for the captures' thumbnails: a 4 × 3 PNG. */
const THUMBNAIL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGOQs6mAIwacHAC74wnZDLXw0QAAAABJRU5ErkJggg==";

/** A moment as the app shows a capture's time: "23 November 2026 10:00:01 GMT (UK time)". */
function ukSeconds(iso: string): string {
  return `${ukClock(iso, true)} (UK time)`;
}

/** A moment in UK time with its zone, as the app writes it: "23 November 2026 10:00 GMT". */
function ukClock(iso: string, seconds = false): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}), hourCycle: "h23", timeZoneName: "short" }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("day")} ${part("month")} ${part("year")} ${part("hour")}:${part("minute")}${seconds ? `:${part("second")}` : ""} ${part("timeZoneName")}`;
}

/** A platform's name as people write it. */
const PLATFORM_NAMES: Record<string, string> = { facebook: "Facebook", instagram: "Instagram", x: "X", tiktok: "TikTok", linkedin: "LinkedIn", youtube: "YouTube", snapchat: "Snapchat", threads: "Threads", reddit: "Reddit" };

function isoDate(d: DateParts): string | null | "invalid" {
  const [day, month, year] = [d.day.trim(), d.month.trim(), d.year.trim()];
  if (!day && !month && !year) return null;
  if (!/^\d{4}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) return "invalid";
  const iso = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== iso ? "invalid" : iso;
}

/** The form's errors, in the backend's field names and words. */
function validate(form: RequestForm): FieldError[] {
  const errors: FieldError[] = [];
  const need = (field: string, value: string, what: string) => {
    if (!value.trim()) errors.push({ field, message: `Enter ${what}` });
  };
  need("case_reference", form.case_reference, "the case reference");
  need("originating_worker.name", form.originating_worker.name, "the originating social worker's name");
  need("originating_worker.team", form.originating_worker.team, "the originating social worker's team");
  need("team_manager.name", form.team_manager.name, "the team manager's name");
  if (!form.reason) errors.push({ field: "reason", message: "Select the reason for the check" });
  need("concern", form.concern, "the concern");
  need("triangulation", form.triangulation, "how the check triangulates the concern");
  if (!form.scope) errors.push({ field: "scope", message: "Select whether this is a one-off review or longer-term monitoring" });
  if (form.scope === "monitoring") need("monitoring_justification", form.monitoring_justification, "why longer-term monitoring is justified");
  const from = isoDate(form.period.from);
  const to = isoDate(form.period.to);
  if (from === "invalid") errors.push({ field: "period.from", message: "The start of the period of interest must be a real date, such as 31 3 2026 (2026-03-31 in a file)" });
  if (to === "invalid") errors.push({ field: "period.to", message: "The end of the period of interest must be a real date, such as 31 3 2026 (2026-03-31 in a file)" });
  if (from === null) errors.push({ field: "period.from", message: "Enter the start of the period of interest" });
  if (to === null) errors.push({ field: "period.to", message: "Enter the end of the period of interest" });
  if (from && to && from !== "invalid" && to !== "invalid" && to < from) {
    errors.push({ field: "period.to", message: "The end of the period of interest must be the same as or after its start" });
  }
  if (!form.consent.status) errors.push({ field: "consent.status", message: "Select whether consent is written, informed or not sought" });
  if (form.consent.status === "not_sought") need("consent.reason", form.consent.reason, "why consent was not sought, for example an overriding public interest");
  if (form.consent.status === "written") need("consent.reference", form.consent.reference, "the reference of the written consent");
  if (!form.subjects.length) errors.push({ field: "subjects", message: "Add at least one person to check" });
  form.subjects.forEach((s, i) => {
    const n = i + 1;
    if (!s.role) errors.push({ field: `subjects[${n}].role`, message: `Select the role of person ${n}: subject, associate or suspected associate` });
    else if (s.role === "suspected_associate" && !s.name.trim() && !s.description.trim()) errors.push({ field: `subjects[${n}].description`, message: `Enter a name or a description of suspected associate ${n}` });
    else if (s.role !== "suspected_associate" && !s.name.trim()) errors.push({ field: `subjects[${n}].name`, message: `Enter the name of person ${n}` });
    if (isoDate(s.date_of_birth) === "invalid") errors.push({ field: `subjects[${n}].date_of_birth`, message: `The date of birth of person ${n} must be a real date, such as 31 3 2026 (2026-03-31 in a file)` });
    s.profiles.forEach((p, j) => {
      if (!p.platform.trim() && !p.url.trim()) return;
      const at = `subjects[${n}].profiles[${j + 1}]`;
      if (!p.platform.trim()) errors.push({ field: `${at}.platform`, message: "Enter the platform" });
      const platform = PLATFORMS.find((x) => x.key === p.platform.trim().toLowerCase());
      if (!/^https?:\/\/[^/]+\.[^/]+/.test(p.url.trim())) errors.push({ field: `${at}.url`, message: "The profile's web address must start with https:// or http:// and name a site" });
      else if (platform && !onHosts(p.url.trim(), platform.hosts)) errors.push({ field: `${at}.url`, message: `The profile's web address is not on ${platform.name}: its addresses are on ${platform.hosts.join(" or ")}. Check the address, or choose the platform it is on` });
    });
  });
  return errors;
}

/** The fake's policy: the built-in platforms and one the policy defines. */
const PLATFORMS = [
  { key: "facebook", name: "Facebook", hosts: ["facebook.com", "fb.com"] },
  { key: "instagram", name: "Instagram", hosts: ["instagram.com"] },
  { key: "x", name: "X (Twitter)", hosts: ["x.com", "twitter.com"] },
  { key: "tiktok", name: "TikTok", hosts: ["tiktok.com"] },
  { key: "linkedin", name: "LinkedIn", hosts: ["linkedin.com"] },
  { key: "youtube", name: "YouTube", hosts: ["youtube.com", "youtu.be"] },
  { key: "snapchat", name: "Snapchat", hosts: ["snapchat.com"] },
  { key: "threads", name: "Threads", hosts: ["threads.net", "threads.com"] },
  { key: "reddit", name: "Reddit", hosts: ["reddit.com"] },
  { key: "localforum", name: "Reading Community Forum", hosts: ["forum.example.org"] },
];

function onHosts(url: string, hosts: string[]): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === "localhost" || host === "127.0.0.1" || hosts.some((h) => host === h || host.endsWith(`.${h}`));
}

function toRequest(form: RequestForm): Request {
  const text = (v: string) => (v.trim() ? v.trim() : null);
  return {
    case_reference: form.case_reference.trim(),
    originating_worker: { name: form.originating_worker.name.trim(), team: form.originating_worker.team.trim() },
    team_manager: { name: form.team_manager.name.trim() },
    reason: form.reason!,
    concern: form.concern.trim(),
    triangulation: form.triangulation.trim(),
    scope: form.scope!,
    monitoring_justification: form.scope === "monitoring" ? text(form.monitoring_justification) : null,
    period: { from: isoDate(form.period.from) as string, to: isoDate(form.period.to) as string },
    consent: { status: form.consent.status!, reason: form.consent.status === "not_sought" ? text(form.consent.reason) : null, reference: form.consent.status === "not_sought" ? null : text(form.consent.reference) },
    legal_advice_reference: text(form.legal_advice_reference),
    subjects: form.subjects.map((s) => ({
      name: text(s.name), description: text(s.description), aliases: s.aliases.split("\n").map((a) => a.trim()).filter(Boolean),
      date_of_birth: isoDate(s.date_of_birth) as string | null, relationship: text(s.relationship), role: s.role!,
      profiles: s.profiles.filter((p) => p.platform.trim() || p.url.trim()).map((p) => ({ platform: p.platform.trim(), url: p.url.trim() })),
    })),
  };
}

function toForm(r: Request): RequestForm {
  const parts = (iso: string | null): DateParts => {
    if (!iso) return { day: "", month: "", year: "" };
    const [year, month, day] = iso.split("-");
    return { day: String(Number(day)), month: String(Number(month)), year };
  };
  return {
    case_reference: r.case_reference, originating_worker: { ...r.originating_worker }, team_manager: { ...r.team_manager },
    reason: r.reason, concern: r.concern, triangulation: r.triangulation, scope: r.scope, monitoring_justification: r.monitoring_justification ?? "",
    period: { from: parts(r.period.from), to: parts(r.period.to) },
    consent: { status: r.consent.status, reason: r.consent.reason ?? "", reference: r.consent.reference ?? "" },
    legal_advice_reference: r.legal_advice_reference ?? "",
    subjects: r.subjects.map((s) => ({ role: s.role, name: s.name ?? "", description: s.description ?? "", aliases: s.aliases.join("\n"), date_of_birth: parts(s.date_of_birth), relationship: s.relationship ?? "", profiles: s.profiles.map((p) => ({ ...p })) })),
  };
}

const STAFF_ORDER: StaffRole[] = ["osw", "tm", "sm", "sd", "aaw", "legal"];
const ROLE_CODES = "osw (originating social worker), tm (team manager), sm (service manager), sd (service director), aaw (Authorised Access Worker) or legal";

/** A person's fields as the core checks them, named `prefix` + field. */
function validateStaff(name: string, roles: string[], staffId: string, team: string, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!name.trim()) errors.push({ field: `${prefix}name`, message: "Enter the person's name" });
  const bad = roles.filter((r) => r.trim() && !STAFF_ORDER.includes(r.trim().toLowerCase() as StaffRole));
  for (const r of bad) errors.push({ field: `${prefix}roles`, message: `"${r.trim()}" is not a role: use ${ROLE_CODES}` });
  if (!bad.length && !roles.some((r) => r.trim())) errors.push({ field: `${prefix}roles`, message: `Give at least one role: ${ROLE_CODES}` });
  if (/\s/.test(staffId.trim())) errors.push({ field: `${prefix}staff_id`, message: "The staff ID must not contain spaces" });
  void team;
  return errors;
}

export function createFakeBackend(): Backend {
  let initialised = false;
  // `?recovery-lost` in the address plays a store whose recovery file is missing.
  let recoveryLost = new URLSearchParams(location.search).has("recovery-lost");
  const policyProblem = new URLSearchParams(location.search).has("policy-problem");
  // `?head-missing` plays a store whose audit head has lost its copy in the credential store.
  const headMissing = new URLSearchParams(location.search).has("head-missing");
  let profile: WorkerRecord | null = null;
  const aaws: AawRecord[] = [];
  const drafts = new Map<number, DraftRecord>();
  const requests: RequestRecord[] = [];
  const exports: (PdfExportRecord & { request: string })[] = [];
  const accounts: AccountRecord[] = [];
  const authorisations: AuthorisationRecord[] = [];
  const todayIso = () => new Date().toISOString().slice(0, 10);
  /** The report as the app computes it: each request's figures (this laptop's from the fake's
   *  requests, each other laptop's file one request checked today; a file named
   *  "this-laptop" holds this laptop's own again), merged so a request counts once, then the
   *  requests made in the period. An import named "tampered" is refused as the app refuses a
   *  changed export. */
  const pilotReport = (args: PilotReportArgs): PilotReportPage => {
    const bad = args.imports.find((p) => p.includes("tampered"));
    if (bad) fail("invalid_fields", "There is a problem", [{ field: "import", message: `${bad} is refused: its signature does not match its figures: it was changed after it was exported` }]);
    const [from, to] = [isoDate(args.from), isoDate(args.to)];
    if (from === "invalid" || to === "invalid") fail("invalid_fields", "There is a problem", [{ field: from === "invalid" ? "from" : "to", message: "The period's dates must be real dates, such as 1 9 2026" }]);
    if (from && to && to < from) fail("invalid_fields", "There is a problem", [{ field: "to", message: "The end of the period must not be before its start" }]);
    interface Figures { id: string; created_on: string; submitted_on: string | null; permitted_on: string | null; checked_on: string | null; refused: boolean; referred_back: number; session_minutes: number; finalised: boolean; feedback: PilotFeedback["feedback"]; recheck: PilotFeedback["recheck"]; process: PilotFeedback["process"] }
    const dayOf = (d: { decided_on: string | null; at: string }) => d.decided_on ?? d.at.slice(0, 10);
    const firstTo = (r: RequestRecord, state: RequestState) => {
      const d = r.decisions.find((x) => x.to_state === state);
      return d ? dayOf(d) : null;
    };
    const own: Figures[] = requests.map((r) => {
      const held = pilot.get(r.reference);
      const checked = firstTo(r, "in_progress");
      return {
        id: `this-laptop:${r.reference}`, created_on: r.created_at.slice(0, 10), submitted_on: firstTo(r, "submitted"), permitted_on: firstTo(r, "permitted"),
        checked_on: checked, refused: r.state === "refused", referred_back: r.decisions.filter((d) => d.to_state === "referred_back").length,
        session_minutes: checked ? 25 : 0, finalised: ["finalised", "shared", "closed"].includes(r.state),
        feedback: held?.feedback ?? null, recheck: held?.recheck ?? null, process: held?.process ?? [],
      };
    });
    const today = todayIso();
    const other = (path: string): Figures => ({ id: `file:${path}`, created_on: today, submitted_on: today, permitted_on: today, checked_on: today, refused: false, referred_back: 0, session_minutes: 40, finalised: false, feedback: null, recheck: null, process: [] });
    const sets: [string, string, Figures[]][] = [["this laptop", "ab".repeat(32), own], ...args.imports.map((p): [string, string, Figures[]] => (p.includes("this-laptop") ? [p, "ab".repeat(32), own] : [p, "cd".repeat(32), [other(p)]]))];
    const seen = new Set<string>();
    let duplicates = 0;
    const merged: Figures[] = [];
    for (const [, , records] of sets) {
      for (const r of records) {
        if (seen.has(r.id)) duplicates += 1;
        else {
          seen.add(r.id);
          merged.push(r);
        }
      }
    }
    const inPeriod = merged.filter((r) => (!from || r.created_on >= from) && (!to || r.created_on <= to));
    const checked = inPeriod.filter((r) => r.checked_on);
    const given = inPeriod.flatMap((r) => (r.feedback ? [r.feedback] : []));
    const rechecks = inPeriod.flatMap((r) => (r.recheck ? [r.recheck] : []));
    const process = inPeriod.flatMap((r) => r.process);
    const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
    const mean = (ns: number[]) => (ns.length ? Math.round((sum(ns) / ns.length) * 10) / 10 : null);
    const months = [...new Set(checked.map((r) => r.checked_on!.slice(0, 7)))].sort();
    const monthLabel = (month: string) => new Date(`${month}-01T00:00:00Z`).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
    const count = (ratings: Contribution[]) => (["little", "some", "considerable", "significant"] as Contribution[]).map((rating) => ({ rating, count: ratings.filter((r) => r === rating).length }));
    const days = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
    const turnarounds = inPeriod.flatMap((r) => (r.submitted_on && r.permitted_on ? [days(r.submitted_on, r.permitted_on)] : [])).sort((a, b) => a - b);
    const middle = turnarounds.length % 2 ? turnarounds[(turnarounds.length - 1) / 2] : (turnarounds[turnarounds.length / 2 - 1] + turnarounds[turnarounds.length / 2]) / 2;
    return {
      report: {
        from: from || null, to: to || null, requests: inPeriod.length, checks: checked.length,
        checks_per_month: months.map((month) => ({ month, label: monthLabel(month), count: checked.filter((r) => r.checked_on!.startsWith(month)).length })),
        feedback_given: given.length, feedback_awaited: inPeriod.filter((r) => r.finalised && !r.feedback).length,
        minutes_total: sum(given.map((f) => f.time_minutes)), minutes_per_check: mean(given.map((f) => f.time_minutes)), session_minutes_total: sum(inPeriod.map((r) => r.session_minutes)),
        useful_total: sum(given.map((f) => f.useful)), unique_total: sum(given.map((f) => f.unique)),
        useful_per_check: mean(given.map((f) => f.useful)), unique_per_check: mean(given.map((f) => f.unique)),
        ratings_at_finalisation: count(given.map((f) => f.rating)), ratings_at_six_months: count(rechecks.map((r) => r.rating)),
        permissions: turnarounds.length, turnaround_mean_days: mean(turnarounds), turnaround_median_days: turnarounds.length ? middle : null,
        refusals: inPeriod.filter((r) => r.refused).length, referrals_back: sum(inPeriod.map((r) => r.referred_back)),
        repeat_viewing_warnings: 0, repeat_viewing_refusals: 0,
        process_ratings: process.length, process_ease_mean: mean(process.map((p) => p.ease)), process_effectiveness_mean: mean(process.map((p) => p.effectiveness)),
      },
      sources: sets.map(([source, fingerprint, records]) => ({ source, fingerprint, records: records.length })),
      duplicates,
      in_sources: sum(sets.map(([, , records]) => records.length)),
      outside_period: merged.length - inPeriod.length,
      pilot_period: !from && !to,
    };
  };
  /** The pilot's feedback, by request. */
  const pilot = new Map<string, PilotFeedback>();
  const pilotOf = (reference: string): PilotFeedback => {
    const record = find(reference);
    const finalised = ["finalised", "shared", "closed"].includes(record.state);
    if (!pilot.has(reference)) pilot.set(reference, { finalised_on: null, session_minutes: 25, feedback: null, recheck: null, process: [] });
    const held = pilot.get(reference)!;
    held.finalised_on = finalised ? todayIso() : null;
    return held;
  };
  const wholeNumber = (fields: FieldError[], field: string, text: string, what: string): number | null => {
    if (!text.trim()) {
      fields.push({ field, message: `Enter ${what}` });
      return null;
    }
    if (!/^\d+$/.test(text.trim())) {
      fields.push({ field, message: "Enter a whole number, such as 3" });
      return null;
    }
    return Number(text);
  };
  /** A sanctioned account in words, as the app's register names it: "handle (platform)". */
  const accountWords = (id: number | null): string => {
    const account = accounts.find((a) => a.id === id);
    return account ? `${account.handle} (${account.platform})` : "";
  };
  /** The register as the app computes it: the same states, with Home's 7 days' notice. */
  const registerEntries = (): RegisterEntry[] =>
    authorisations.map((a) => {
      const today = todayIso();
      const notice = new Date(`${today}T00:00:00Z`);
      notice.setUTCDate(notice.getUTCDate() + 7);
      const horizon = notice.toISOString().slice(0, 10);
      const state: AuthorisationState = a.cancelled_at ? "cancelled"
        : a.expires < today ? "expired"
        : (a.kind !== "non_ripa" && (!a.approved || a.approved > today)) || a.granted > today ? "awaiting_approval"
        : a.review_due && a.review_due < today ? "review_overdue"
        : a.review_due && a.review_due <= horizon ? "review_due"
        : "in_force";
      const labels: Record<AuthorisationState, string> = { awaiting_approval: "Awaiting approval", in_force: "In force", review_due: "Review due", review_overdue: "Review overdue", expired: "Expired", cancelled: "Cancelled" };
      const record = requests.find((r) => r.reference === a.request)!;
      const subjects = record.request.subjects.map((s) => s.name ?? "").filter(Boolean);
      const covers = a.person_id !== null ? record.request.subjects[a.person_id - 1]?.name ?? "" : accountWords(a.account_id);
      return { ...structuredClone(a), covers, subjects, state, state_label: labels[state] };
    });
  const sessions: SessionPage[] = [];
  const holds: HoldRecord[] = [];
  const incidents: IncidentRecord[] = [];
  const disposals: DisposalRecord[] = [];
  const retentionPage = (): RetentionPage => {
    const onHold = (reference: string | null) => reference !== null && holds.some((x) => x.request === reference && !x.released_at);
    const today = new Date().toISOString().slice(0, 10);
    const candidates: Due[] = [
      ...requests.filter((r) => ["refused", "withdrawn"].includes(r.state)).map((r): Due => ({ kind: "request", id: r.reference, request: r.reference, rule: "refused_or_withdrawn", trigger_on: today, due_on: today, why: `${r.state} on ${longDate(today)}; kept 0 days after that` })),
      ...captures.filter((c) => c.judgement && !c.judgement.relevant).map((c): Due => ({ kind: "capture", id: String(c.id), request: c.request, rule: "capture_not_relevant", trigger_on: today, due_on: today, why: `judged not relevant on ${longDate(today)}; kept 0 days` })),
      ...incidents.map((i): Due => ({ kind: "incident", id: String(i.id), request: i.incident.request, rule: "incident", trigger_on: today, due_on: today, why: `an incident recorded on ${longDate(today)}; incidents are kept 0 years` })),
    ];
    return {
      due: candidates.filter((d) => !onHold(d.request)),
      held: [...new Set(candidates.filter((d) => onHold(d.request)).map((d) => d.request!))],
      holds: holds.filter((x) => !x.released_at),
      disposals: structuredClone(disposals),
      clock: { source: "laptop_clock", laptop_time: new Date().toISOString().slice(0, 19) + "Z", laptop_date: today, authority: null },
    };
  };
  const captures: CapturePage[] = [];
  const fakeWindow = window as unknown as { fakePage?: string; fakeTitle?: string; fakeVisits?: string[]; fakeEndAt?: string; fakePageHeight?: number };
  const capturesOf = (session: number): CaptureItem[] =>
    captures.filter((c) => c.session === session).map((c) => ({ id: c.id, url: c.url, title: c.title, captured_at: c.captured_at, relevant: c.judgement ? c.judgement.relevant : null, cut_at_limit: c.cut_at_limit, outside_profiles: c.card.outside_profiles }));
  /** The guards the fake keeps: the request's state, the account, and repeat viewing (two
   *  views of a person within 30 days, then a directed surveillance authorisation). */
  const sessionGuards = (reference: string, subject: number, account: number): { warnings: string[] } => {
    const record = find(reference);
    const refusals: { code: string; reason: string; remedy: string }[] = [];
    if (!["legitimacy_confirmed", "in_progress"].includes(record.state)) {
      refusals.push({ code: "legitimacy_not_confirmed", reason: `request ${reference} is ${LABELS[record.state].toLowerCase()}, not confirmed as legitimate`, remedy: "the Authorised Access Worker must confirm the request is legitimate" });
    }
    const worker = me();
    if (worker) refusals.push(...dutyRefusals(record, "start-access", worker));
    const notInForce = accessMissing(record).filter((m) => m.includes("is not in force"));
    for (const reason of notInForce) refusals.push({ code: "authorisation_not_in_force", reason, remedy: "record the magistrate's approval in the authorisation register" });
    if (!accounts.some((a) => a.id === account)) refusals.push({ code: "account_not_registered", reason: `account ${account} is not in the register of sanctioned accounts`, remedy: "use an account from the register" });
    const person = record.request.subjects[subject - 1];
    const name = person?.name ?? person?.description ?? "";
    const earlier = sessions.filter((x) => { const r = requests.find((q) => q.reference === x.request)!; const p = r.request.subjects[x.subject - 1]; return (p?.name ?? p?.description ?? "") === name; }).length;
    const view = earlier + 1;
    const covered = authorisations.some((a) => a.request === reference && a.kind === "directed_surveillance" && a.person_id === subject);
    const warnings: string[] = [];
    if (view === 2 && !covered) warnings.push("this is view 2 of this person within 30 days, the last allowed without a directed surveillance authorisation: any further view within 30 days will need one");
    if (view > 2 && !covered) refusals.push({ code: "repeat_viewing_limit", reason: `this person's profile has been viewed ${earlier} times in the last 30 days, and the local policy allows no more than 2 views within 30 days without a directed surveillance authorisation`, remedy: "a directed surveillance authorisation covering this person must be recorded" });
    if (refusals.length) {
      throw { code: "guard_refused", message: `the access session cannot start: ${refusals.map((r) => `${r.reason}; to allow it, ${r.remedy}`).join("; ")}`, fields: [], guards: refusals.map((r) => r.code), refusals, url: null } satisfies IpcError;
    }
    return { warnings };
  };
  const persons: PersonRecord[] = [];
  const logs = new Map<string, LogVersion[]>();
  let nextId = 1;

  /** Named subjects who may be persons already known (same name), other than the request's own. */
  const possibleMatches = (record: DraftRecord): PossibleMatch[] => {
    const own = record.request ? find(record.request).subjects.map((s) => s.person_id) : [];
    return record.form.subjects.flatMap((s, i) =>
      persons
        .filter((p) => s.name.trim() && p.name.toLowerCase() === s.name.trim().toLowerCase() && !own.includes(p.id))
        .map((person) => ({
          subject: i + 1,
          person: structuredClone(person),
          earlier_requests: requests.filter((r) => r.subjects.some((l) => l.person_id === person.id)).map((r) => ({ reference: r.reference, case_reference: r.request.case_reference })),
        })),
    );
  };
  const linkPersons = (request: Request, settled: Map<number, number | null>) =>
    request.subjects.map((s, i) => {
      const same = settled.get(i + 1);
      if (same) return { subject: i + 1, person_id: same };
      if (!s.name) return { subject: i + 1, person_id: null };
      const person: PersonRecord = { id: persons.length + 1, name: s.name, aliases: s.aliases, date_of_birth: s.date_of_birth, created_at: NOW };
      persons.push(person);
      return { subject: i + 1, person_id: person.id };
    });

  const status = (): StoreStatus => ({
    state: initialised ? "ready" : "not_initialised", data_dir: "/fake/data", message: initialised ? "The store is open and its audit chain is intact" : "there is no store in /fake/data: create one first",
    store_id: initialised ? "fake-store" : null, keystore: "in memory (UI tests)", keystore_warning: null, schema_version: initialised ? 3 : null,
    recovery_warning: initialised && recoveryLost ? "the recovery file /fake/data/recovery-key.json is missing: the recovery phrase cannot put the key back, so the store will be lost if its key is lost from the credential store" : null,
    policy_problem: null,
    rollback_warning: initialised && headMissing ? "a rollback to an earlier copy of the store can no longer be ruled out: the copy in the Linux kernel keyring (which loses it at every restart) of the audit chain's head is missing or cannot be read, so a data folder put back from a backup would go unnoticed. No new copy of the head is made until a person accepts the store as it stands, with who and why recorded in the audit chain" : null,
    audit: initialised ? { intact: true, events: 1, message: "intact: 1 events" } : null, organisation: "Example Council", protective_marking: "OFFICIAL-SENSITIVE",
  });
  // The browser for captures: Edge found on the laptop, unless `window.fakeNoBrowser` plays a
  // laptop with none; `window.fakeProgram` is what the open dialog gives (a name with
  // "missing" in it plays a file that is not there).
  const edge: NamedBrowser = { name: "Microsoft Edge", path: "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" };
  const found = (): NamedBrowser | null => ((window as unknown as { fakeNoBrowser?: boolean }).fakeNoBrowser ? null : edge);
  let chosenBrowser: ChosenBrowser | null = null;
  const browserName = (path: string): string => {
    const file = path.toLowerCase().split(/[\\/]/).pop() ?? "";
    if (file === "msedge.exe" || file.startsWith("microsoft-edge")) return "Microsoft Edge";
    if (file === "chrome.exe" && /chromium/i.test(path)) return "Chromium";
    if (file === "chrome.exe" || file.startsWith("google-chrome")) return "Google Chrome";
    if (file.startsWith("chromium")) return "Chromium";
    return "the browser";
  };
  const browserSetting = (): BrowserSetting => {
    const inUse = (browser: NamedBrowser, source: BrowserSource) => ({ browser, source, in_words: `Captures will use ${browser.name} at ${browser.path}` });
    const where = 'in Settings, under "Browser for captures"';
    const foundBrowser = found();
    const problem = chosenBrowser
      ? null
      : foundBrowser ? null : `no browser for captures was found on this laptop, and none has been chosen: install Microsoft Edge or Google Chrome, or choose the browser's program ${where}`;
    return {
      in_use: chosenBrowser ? inUse(chosenBrowser.browser, "chosen") : foundBrowser ? inUse(foundBrowser, "found") : null,
      problem,
      chosen: structuredClone(chosenBrowser),
      found: structuredClone(foundBrowser),
      environment: null,
    };
  };
  const needProfile = () => profile ?? fail("refused", "there is no worker profile on this laptop: set one first");

  // The staff directory, seeded with a person in each role (the tests' cast); the laptop's
  // worker joins it when the profile is saved. Separation of duties as the core's table has
  // it, for the screens to show; the real rule is core's `duties`, tested in Rust.
  const staff: StaffRecord[] = [];
  let laptopId: number | null = null;
  const addStaff = (name: string, roles: StaffRole[], staffId: string | null, team: string | null, review: string | null = null): StaffRecord => {
    const person: StaffRecord = { id: staff.length + 1, staff_id: staffId, name, team, roles, review, left_on: null, added_at: NOW, aaw: "not_registered", laptop_worker: false };
    staff.push(person);
    return person;
  };
  const ref = (p: StaffRecord): StaffRef => ({ id: p.id, staff_id: p.staff_id, name: p.name });
  // `?empty-directory` in the address plays a laptop whose staff directory nobody has filled.
  if (!new URLSearchParams(location.search).has("empty-directory")) {
    addStaff("Rhian Evans", ["osw"], "1001", "Assessment East");
    addStaff("Tom Manager", ["tm"], "1002", "Assessment East");
    const director = addStaff("Sue Director", ["sd"], "1003", null);
    addStaff("Jo Price", ["sm"], "1004", null);
    const ana = addStaff("Ana Access", ["aaw"], "1005", "Online checks");
    addStaff("Lee Legal", ["legal"], "1006", null);
    addStaff("Pat Morgan", [], null, null, "Added from a name in the records: their role is not known");
    aaws.push({ id: 1, name: ana.name, person: ref(ana), decided_by: ref(director), registered_at: NOW, evidence: "Memo SD-12", trained_on: "2026-10-02", incomplete: false });
    // Registered before the register needed the service director's decision: flagged.
    const legacy = addStaff("Sam Legacy", ["aaw"], "1007", "Online checks");
    aaws.push({ id: 2, name: legacy.name, person: ref(legacy), decided_by: null, registered_at: NOW, evidence: null, trained_on: null, incomplete: true });
  }
  /** Names as the core matches them: case, spaces, accents and hyphens aside. */
  const nameKey = (name: string) => name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[-\s]+/g, " ").trim();
  const registration = (p: StaffRecord): StaffRecord["aaw"] => {
    const entry = aaws.find((a) => a.person.id === p.id);
    return !entry ? "not_registered" : entry.incomplete ? "incomplete" : "registered";
  };
  const directory = (): StaffDirectory => ({
    staff: staff.map((p) => ({ ...structuredClone(p), aaw: registration(p), laptop_worker: p.id === laptopId })),
    to_review: staff.filter((p) => p.review).length,
  });
  /** Adds people who passed validation; a staff ID already held is refused, nobody added. */
  const addNew = (rows: StaffAddArgs[]) => {
    const taken = rows.flatMap((row, i) => {
      const id = row.staff_id.trim();
      const holder = staff.find((p) => id && p.staff_id?.toLowerCase() === id.toLowerCase());
      return holder ? [{ field: rows.length > 1 ? `rows[${i + 2}].staff_id` : "staff_id", message: `${rows.length > 1 ? `Row ${i + 2}: ` : ""}Staff ID ${id} is already ${holder.name}'s` }] : [];
    });
    if (taken.length) fail("invalid_fields", "There is a problem", taken);
    for (const row of rows) addStaff(row.name.trim(), STAFF_ORDER.filter((r) => row.roles.map((x) => x.trim().toLowerCase()).includes(r)), row.staff_id.trim() || null, row.team.trim() || null);
  };
  const me = (): StaffRecord | null => staff.find((p) => p.id === laptopId) ?? null;
  /** The person a staff ID or a name names; otherwise a problem with `field`, naming close matches. */
  const findStaff = (field: string, typed: string): StaffRecord => {
    const text = typed.trim();
    const byId = staff.find((p) => p.staff_id !== null && p.staff_id.toLowerCase() === text.toLowerCase());
    if (byId) return byId;
    const named = staff.filter((p) => nameKey(p.name) === nameKey(text));
    if (named.length === 1) return named[0];
    const first = nameKey(text).split(" ")[0] ?? "";
    const close = staff.filter((p) => first && nameKey(p.name).split(" ").includes(first)).map((p) => p.name);
    const message = `${text} is not in the staff directory${close.length ? `: did you mean ${close.join(" or ")}?` : ""} Add them on the staff screen first`;
    throw { code: "unknown_staff", message, fields: [{ field, message }], guards: [], refusals: [], url: null } satisfies IpcError;
  };
  const ROLE_WORDS: Record<StaffRole, string> = { osw: "social worker", tm: "team manager", sm: "service manager", sd: "service director", aaw: "Authorised Access Worker", legal: "legal team" };
  const ROLES_FOR: Record<Role, StaffRole[]> = { Osw: ["osw"], Tm: ["tm"], Sd: ["sd"], TmOrSd: ["tm", "sd"], SmOrSd: ["sm", "sd"], Aaw: ["aaw"] };
  const SOCIAL_WORKERS_STEPS: Step[] = ["submit", "finalise-log", "share", "withdraw"];
  const BARRED_TO_SOCIAL_WORKER: Step[] = ["agree", "permit", "refuse", "refer-back", "confirm-legitimacy", "raise-doubts", "start-access", "complete-log"];
  const ACCESS_WORKERS_STEPS: Step[] = ["confirm-legitimacy", "raise-doubts", "start-access", "complete-log"];
  const LOG_STEP_ROLES: [Step, Role][] = [["start-access", "Aaw"], ["complete-log", "Aaw"], ["finalise-log", "Osw"], ["share", "Osw"]];
  const stepLabel = (step: Step) => STEP_LABELS[step] ?? ({ "start-access": "Start an access session", "complete-log": "Complete the log", "finalise-log": "Finalise the log", share: "Share the log" } as Partial<Record<Step, string>>)[step] ?? step;
  const roleOf = (record: RequestRecord, step: Step): Role =>
    TRANSITIONS.find(([from, s]) => from === record.state && s === step)?.[3] ?? TRANSITIONS.find(([, s]) => s === step)?.[3] ?? LOG_STEP_ROLES.find(([s]) => s === step)?.[1] ?? "Osw";
  /** The request's social worker: who submitted it, or before that the person the form names. */
  const socialWorkerOf = (record: RequestRecord): StaffRecord | null => {
    const submitted = [...record.decisions].reverse().find((d) => d.step === "submit");
    if (submitted?.decider.id) return staff.find((p) => p.id === submitted.decider.id) ?? null;
    const named = staff.filter((p) => nameKey(p.name) === nameKey(record.request.originating_worker.name));
    return named.length === 1 ? named[0] : null;
  };
  const latestLog = (record: RequestRecord) => (logs.get(record.reference) ?? []).at(-1);
  type Refused = { code: string; reason: string; remedy: string };
  /** Every rule that forbids `who` taking `step` on the request now; empty when they may. */
  const dutyRefusals = (record: RequestRecord, step: Step, who: StaffRecord): Refused[] => {
    const refused: Refused[] = [];
    const label = stepLabel(step);
    const holds = (r: StaffRole) => who.roles.includes(r);
    const notHeld = (needed: StaffRole[]): Refused => {
      const words = needed.map((r) => ROLE_WORDS[r]).join(" or ");
      const a = /^[aeiou]/i.test(words) ? "an" : "a";
      return { code: "role_not_held", reason: `${who.name} is not ${a} ${words} in the staff directory, and the step "${label}" is taken by ${a} ${words}`, remedy: `record it in the name of the ${words} who took it` };
    };
    const sw = socialWorkerOf(record);
    if (who.left_on) refused.push({ code: "staff_member_left", reason: `${who.name} has left, as the staff directory records, and takes no step any more`, remedy: "record the decision in the name of the person who took it" });
    if (SOCIAL_WORKERS_STEPS.includes(step)) {
      if (!sw) refused.push({ code: "not_the_requests_social_worker", reason: `the request's social worker, ${record.request.originating_worker.name}, is not in the staff directory, and only they take the step "${label}"`, remedy: "add them to the staff directory" });
      else if (sw.id === who.id) { if (!holds("osw")) refused.push(notHeld(["osw"])); }
      else {
        const standsIn = !!sw.left_on && step !== "submit" && holds("tm") && sw.team !== null && who.team === sw.team;
        if (!standsIn) refused.push({ code: "not_the_requests_social_worker", reason: `only the request's social worker, ${sw.name}, takes the step "${label}", and ${who.name} is someone else`, remedy: `record it in ${sw.name}'s name` });
      }
    } else if (ACCESS_WORKERS_STEPS.includes(step)) {
      if (!holds("aaw")) refused.push({ code: "not_registered_aaw", reason: `${who.name} is not an Authorised Access Worker in the staff directory, and only a registered access worker takes the step "${label}"`, remedy: "record it in the name of the registered Authorised Access Worker who took it" });
    } else {
      const needed = ROLES_FOR[roleOf(record, step)];
      if (!needed.some(holds)) refused.push(notHeld(needed));
    }
    if (BARRED_TO_SOCIAL_WORKER.includes(step) && sw?.id === who.id) {
      refused.push({ code: "separation_of_duties", reason: `${who.name} is this request's social worker, who asked for the check, and the step "${label}" must be someone else's`, remedy: "the decision must be taken, and recorded, in the name of someone else who holds that role" });
    }
    const agreed = [...record.decisions].reverse().find((d) => d.step === "agree");
    if (step === "permit" && agreed?.decider.id === who.id) refused.push({ code: "same_manager_agrees_and_permits", reason: `${who.name} agreed this request as team manager, and the service director who permits it must be someone else`, remedy: "record the permission in the name of the service director who gave it" });
    if (step === "finalise-log" && latestLog(record)?.log.completed && nameKey(latestLog(record)!.log.completed!.by) === nameKey(who.name)) {
      refused.push({ code: "same_person_completes_and_finalises", reason: `${who.name} completed this version of the log, and the person who finalises it must be someone else`, remedy: "the request's social worker finalises the log" });
    }
    if (ACCESS_WORKERS_STEPS.includes(step) && holds("aaw")) {
      const reg = registration(who);
      if (reg === "not_registered") refused.push({ code: "not_registered_aaw", reason: `${who.name} is not in the register of Authorised Access Workers, and only a registered access worker takes the step "${label}"`, remedy: "register them, on the service director's decision, with the date they were trained" });
      if (reg === "incomplete") refused.push({ code: "aaw_registration_incomplete", reason: `${who.name}'s registration as an Authorised Access Worker has no service director's decision, evidence or training date recorded`, remedy: "complete the registration" });
    }
    return refused;
  };
  const actingRole = (record: RequestRecord, step: Step, who: StaffRecord): StaffRole | null => {
    const allowed = [...ROLES_FOR[roleOf(record, step)], ...(SOCIAL_WORKERS_STEPS.includes(step) ? (["tm"] as StaffRole[]) : [])];
    return allowed.find((r) => who.roles.includes(r)) ?? null;
  };
  const whoMay = (record: RequestRecord, step: Step): StaffChoice[] =>
    staff.filter((p) => !p.left_on && !dutyRefusals(record, step, p).length).map((p) => {
      const role = actingRole(record, step, p);
      return { id: p.id, value: p.staff_id ?? p.name, name: p.name, label: role ? `${p.name} (${ROLE_WORDS[role]}${p.staff_id ? `, staff ID ${p.staff_id}` : ""})` : `${p.name}${p.staff_id ? ` (staff ID ${p.staff_id})` : ""}` };
    });
  const notMine = (record: RequestRecord, step: Step): string[] => {
    const worker = me();
    return worker ? dutyRefusals(record, step, worker).map((r) => r.reason) : ["There is no worker profile on this laptop: set one up first"];
  };
  const offerOf = (record: RequestRecord, step: Step): StepOffer => {
    const not_yours = notMine(record, step);
    return { step, yours: !not_yours.length, not_yours, waits_for: whoMay(record, step) };
  };
  /** Refused by the guard, as the core refuses: every rule at once. */
  const guardRefused = (what: string, refusals: Refused[]): never => {
    throw { code: "guard_refused", message: `${what}: ${refusals.map((r) => r.reason).join("; ")}`, fields: [], guards: refusals.map((r) => r.code), refusals, url: null } satisfies IpcError;
  };
  const VERBS: Partial<Record<Step, string>> = {
    submit: "submitted the request", agree: "agreed", permit: "permitted", refuse: "refused", "refer-back": "referred the request back", "confirm-legitimacy": "confirmed its legitimacy",
    "raise-doubts": "raised doubts", "start-access": "started the access", "complete-log": "completed the log", "finalise-log": "finalised the log", share: "shared the log", close: "closed the request", withdraw: "withdrew the request",
  };
  /** A decision recorded in `decider`'s name by the laptop's worker, with its words. */
  const decision = (record: RequestRecord, step: Step, to: RequestState, decider: StaffRecord, extra: { evidence?: string | null; note?: string | null; conditions?: string | null; day?: string | null; version?: number | null } = {}): DecisionRecord => {
    const recorder = me() ?? decider;
    const role = actingRole(record, step, decider);
    const day = extra.day ?? NOW.slice(0, 10);
    const evidence = extra.evidence ?? null;
    return {
      step, step_label: stepLabel(step), from_state: record.state, to_state: to, decided_by: decider.name, decider: ref(decider), decided_as: role, recorded_by: recorder.name, recorded_by_name: recorder.name, recorder: ref(recorder), log_version: extra.version ?? null,
      in_words: `${decider.name}${role ? ` (${ROLE_WORDS[role]})` : ""} ${VERBS[step] ?? step} on ${longDate(day)}${evidence ? `, by email ${evidence}` : ""}; recorded by ${recorder.name} on ${longDate(NOW.slice(0, 10))}`,
      evidence, note: extra.note ?? null, conditions: extra.conditions ?? null, at: NOW, decided_on: day,
    };
  };
  /** A decision taken for someone else needs the evidence it came in. */
  const evidenceProblem = (decider: StaffRecord, evidence: string): FieldError | null => {
    const recorder = me();
    return recorder && recorder.id !== decider.id && !evidence.trim()
      ? { field: "evidence", message: `Enter the evidence of ${decider.name}'s decision, such as the reference of the email or memo it came in: ${recorder.name} is recording it for them` }
      : null;
  };
  /** What a session needs that is not there: the account, the worker's duties, an
   *  authorisation in force. */
  const accessMissing = (record: RequestRecord): string[] => {
    const missing: string[] = [];
    const worker = me();
    if (worker) missing.push(...dutyRefusals(record, "start-access", worker).map((r) => r.reason));
    const directed = authorisations.filter((a) => a.request === record.reference && a.kind === "directed_surveillance" && !a.cancelled_at);
    const today = todayIso();
    if (directed.length && !directed.some((a) => a.approved && a.approved <= today && a.expires >= today)) {
      for (const a of directed) missing.push(`the directed surveillance authorisation ${a.reference} is not in force: ${a.approved ? "it has expired" : "it awaits a magistrate's approval"}`);
    }
    return missing.map((m) => m.charAt(0).toUpperCase() + m.slice(1));
  };
  const permitConditions = (record: RequestRecord) => [...record.decisions].reverse().find((d) => d.step === "permit")?.conditions ?? null;
  const versionsSigned = (record: RequestRecord): VersionSigned[] =>
    (logs.get(record.reference) ?? []).map((v) => {
      const completed = v.log.completed;
      const finalised = v.log.assessment && v.finalised_at ? v.log.assessment : null;
      return {
        version: v.version, corrected_by: v.log.corrected?.by ?? null, completed_by: completed?.by ?? null, completed_on: completed ? completed.at.slice(0, 10) : null, finalised_by: finalised?.by ?? null, finalised_on: finalised ? finalised.at.slice(0, 10) : null,
        in_words: `Version ${v.version}: ${completed ? `completed by ${completed.by} on ${longDate(completed.at.slice(0, 10))}` : "not completed yet"}; ${finalised ? `finalised by ${finalised.by} on ${longDate(finalised.at.slice(0, 10))}` : "not finalised yet"}`,
      };
    });
  const find = (reference: string) => requests.find((r) => r.reference === reference) ?? fail("not_found", `there is no request ${reference}`);
  const draft = (id: number) => drafts.get(id) ?? fail("not_found", `there is no draft ${id}`);
  const page = (record: RequestRecord): RequestPage => {
    const open = [...drafts.values()].find((d) => d.request === record.reference)?.id ?? null;
    const next_steps: NextStep[] = TRANSITIONS.filter(([from]) => from === record.state).map(([, step, , role]) => {
      const not_yours = notMine(record, step);
      return {
        step, role, label: STEP_LABELS[step]!, by: ROLE_LABELS[role],
        needs_evidence: not_yours.length > 0,
        needs_note: ["refuse", "refer-back", "raise-doubts", "withdraw"].includes(step),
        takes_conditions: step === "permit",
        primary: false,
        fixes: step === "submit" && open !== null ? [{ place: "draft" as const, id: open }] : [],
        missing: step === "submit" && open !== null ? ["Save or discard the changes being made to this request"] : [],
        yours: not_yours.length === 0, not_yours, waits_for: whoMay(record, step),
      };
    });
    const forward = (n: NextStep) => n.yours && !n.missing.length && !["refuse", "refer-back", "raise-doubts", "withdraw"].includes(n.step);
    const first = next_steps.find(forward);
    if (first) first.primary = true;
    let access: AccessReadiness | null = null;
    if (["legitimacy_confirmed", "in_progress"].includes(record.state)) {
      const missing = [...(accounts.length ? [] : ["No sanctioned account is registered: add the council's account first"]), ...accessMissing(record)];
      const fixes = missing.map((m): FixPlace => (m.startsWith("No sanctioned account") ? { place: "sanctioned_accounts" } : /register|registration/.test(m) ? { place: "worker_profile" } : { place: "elsewhere" }));
      access = { missing, fixes, conditions: permitConditions(record) };
    }
    record.log_versions = versionsSigned(record);
    return { record: structuredClone(record), draft: open, can_change: ["draft", "referred_back"].includes(record.state), next_steps, authorisations: authorisations.filter((a) => a.request === record.reference), access };
  };

  // The log's rules as the screens need them; the real ones are the store's, tested in Rust.
  const required = (fields: FieldError[], field: string, value: string, what: string) => {
    if (!value.trim()) fields.push({ field, message: `Enter ${what}` });
  };
  const moveTo = (record: RequestRecord, state: RequestState, step: Step, by: StaffRecord, evidence: string | null = null) => {
    record.decisions.push(decision(record, step, state, by, { evidence, version: latestLog(record)?.version ?? null }));
    record.state = state;
    record.state_label = LABELS[state];
  };
  const actionsOf = (record: RequestRecord, latest: LogVersion | undefined): LogActions => {
    const begun = latest !== undefined;
    const editable = !latest || latest.finalised_at === null;
    const finalised = !!latest && latest.finalised_at !== null;
    const correcting = !!latest && latest.version > 1;
    const after = ["finalised", "shared", "closed"].includes(record.state);
    return {
      add_search: editable && ["legitimacy_confirmed", "in_progress"].includes(record.state),
      add_finding: begun && editable && (record.state === "in_progress" || correcting),
      disagree: begun && editable,
      complete: begun && editable && record.state === "in_progress",
      finalise: begun && editable && (record.state === "log_completed" || (correcting && after)),
      share: finalised && record.state === "finalised",
      correct: finalised,
      close: record.state === "shared",
    };
  };
  const logPage = (reference: string, version: number | null = null, compare: number | null = null): LogPage => {
    const record = find(reference);
    const versions = logs.get(record.reference) ?? [];
    const latest = versions[versions.length - 1];
    const shown = version === null ? latest : versions.find((v) => v.version === version) ?? fail("not_found", `there is no log version ${version} of ${reference}`);
    const isLatest = shown === latest;
    const other = compare === null || !shown ? undefined : versions.find((v) => v.version === compare);
    return {
      reference: record.reference, case_reference: record.request.case_reference, state: record.state, state_label: record.state_label,
      shown: shown ? structuredClone(shown) : null, versions: versions.map((v) => v.version), latest: isLatest,
      actions: isLatest ? actionsOf(record, latest) : { add_search: false, add_finding: false, disagree: false, complete: false, finalise: false, share: false, correct: false, close: false },
      accounts: structuredClone(accounts), captures: captures.filter((c) => c.request === record.reference).map((c) => ({ id: c.id, url: c.url, title: c.title, taken_at: c.captured_at, relevant: c.judgement ? c.judgement.relevant : null })), worker: profile ? structuredClone(profile) : null,
      offers: isLatest ? ([["complete-log", "complete"], ["finalise-log", "finalise"], ["share", "share"]] as [Step, keyof LogActions][]).filter(([, a]) => actionsOf(record, latest)[a]).map(([step]) => offerOf(record, step)) : [],
      comparison: other && shown && other !== shown
        ? compareLogs(other.version < shown.version ? other : shown, other.version < shown.version ? shown : other)
        : null,
    };
  };
  /** Who completes, finalises or shares: a person of the directory who may, with the
   *  evidence when it is recorded for them. */
  const signer = (record: RequestRecord, step: Step, by: string, evidence: string): StaffRecord => {
    if (!by.trim()) fail("invalid_fields", "There is a problem", [{ field: "by", message: "Choose whose decision it is" }]);
    const who = findStaff("by", by);
    const refusals = dutyRefusals(record, step, who);
    if (refusals.length) guardRefused(`${stepLabel(step)} is refused`, refusals);
    const problem = evidenceProblem(who, evidence);
    if (problem) fail("invalid_fields", "There is a problem", [problem]);
    return who;
  };
  const editable = (reference: string): { record: RequestRecord; version: LogVersion } => {
    const record = find(reference);
    const versions = logs.get(record.reference) ?? fail("refused", `request ${reference} has no investigation log yet: it starts with the first search`);
    const version = versions[versions.length - 1];
    if (version.finalised_at) fail("refused", `version ${version.version} of the investigation log of ${reference} is finalised and read-only`);
    return { record, version };
  };
  // Findings and the correction note compared, as the core compares every part.
  const compareLogs = (a: LogVersion, b: LogVersion) => {
    const differences: { part: string; before: string | null; after: string | null }[] = [];
    for (let i = 0; i < Math.max(a.log.findings.length, b.log.findings.length); i++) {
      const [before, after] = [a.log.findings[i]?.text ?? null, b.log.findings[i]?.text ?? null];
      if (before !== after) differences.push({ part: `Finding ${i + 1}`, before, after });
    }
    if (a.log.correction_note !== b.log.correction_note) differences.push({ part: "Why this version corrects the last", before: a.log.correction_note, after: b.log.correction_note });
    return { from: a.version, to: b.version, differences };
  };
  const emptyLog = (): InvestigationLog => ({ searches: [], findings: [], completed: null, assessment: null, shared: [], correction_note: null, disagreements: [] });

  const GROUPS: [HomeGroup, string, RequestState[]][] = [
    ["social_worker", "Waiting for the originating social worker to submit", ["draft", "referred_back"]],
    ["team_manager", "Waiting for the team manager", ["submitted"]],
    ["service_director", "Waiting for the service director (or the service manager, where doubts were raised)", ["agreed", "doubts_raised"]],
    ["access_worker", "Waiting for the Authorised Access Worker", ["permitted", "legitimacy_confirmed"]],
    ["in_progress", "In progress", ["in_progress"]],
    ["assessment", "Waiting for the originating social worker's assessment", ["log_completed"]],
    ["finalised", "Finalised", ["finalised", "shared"]],
    ["closed", "Closed, refused or withdrawn", ["closed", "refused", "withdrawn"]],
  ];
  const TASK_WORDS: Partial<Record<Step, string>> = {
    submit: "Submit the request", agree: "Agree or refuse the request", permit: "Permit or refuse the request", "confirm-legitimacy": "Confirm the legitimacy of the request",
    "start-access": "Run the access session", "complete-log": "Complete the investigation log", "finalise-log": "Assess and finalise the investigation log", share: "Share the investigation log", close: "Close the request",
  };
  /** The first step of a request the laptop's worker may take now, in their own name. */
  const taskOf = (r: RequestRecord): Step | null => {
    const worker = me();
    if (!worker) return null;
    const forward = TRANSITIONS.filter(([from, step]) => from === r.state && !["refuse", "refer-back", "raise-doubts", "withdraw"].includes(step)).map(([, step]) => step);
    const latest = latestLog(r);
    const actions = actionsOf(r, latest);
    const steps: Step[] = [
      ...forward,
      ...(["legitimacy_confirmed", "in_progress"].includes(r.state) && !accessMissing(r).length ? (["start-access"] as Step[]) : []),
      ...(actions.complete ? (["complete-log"] as Step[]) : []), ...(actions.finalise ? (["finalise-log"] as Step[]) : []), ...(actions.share ? (["share"] as Step[]) : []),
    ];
    return steps.find((step) => !dutyRefusals(r, step, worker).length) ?? null;
  };
  const homeRequest = (r: RequestRecord): HomeRequest => ({
    reference: r.reference, case_reference: r.request.case_reference, subjects: r.request.subjects.map((s) => s.name ?? s.description ?? ""),
    state: r.state, state_label: r.state_label, last_change: r.updated_at, waited: "since today", flagged_for_sd: r.flagged_for_sd,
  });

  const handlers: Handlers = {
    store_status: () => status(),
    store_renew_recovery: () => {
      if (!initialised) fail("not_initialised", "there is no store here");
      recoveryLost = false;
      return { recovery_phrase: "zoo zone youth young yellow year wrong write wrist world worth wool".split(" "), status: status() };
    },
    store_init: () => {
      if (initialised) fail("already_initialised", "there is already a store here");
      initialised = true;
      return { recovery_phrase: "abandon ability able about above absent absorb abstract absurd abuse access accident".split(" "), status: status() };
    },
    worker_profile_get: () => profile,
    worker_profile_set: (args) => {
      const fields: FieldError[] = [];
      if (!args.name.trim()) fields.push({ field: "name", message: "Enter the worker's name" });
      if (!["aaw", "osw", "tm"].includes(args.role)) fields.push({ field: "role", message: "Select the role: Authorised Access Worker, Originating Social Worker or Team Manager" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const role = args.role as StaffRole;
      const typedId = args.staff_id?.trim() || null;
      const found = staff.find((p) => typedId && p.staff_id?.toLowerCase() === typedId.toLowerCase()) ?? staff.find((p) => nameKey(p.name) === nameKey(args.name));
      if (found?.left_on) fail("refused", `${found.name} left on ${longDate(found.left_on)}, as the staff directory records, and cannot be this laptop's worker`);
      const person = found ?? addStaff(args.name.trim(), [], typedId, null, "Added when this laptop's worker profile was set up, in the role given there: check it");
      if (!person.roles.includes(role)) person.roles = STAFF_ORDER.filter((r) => r === role || person.roles.includes(r));
      person.staff_id ??= typedId;
      laptopId = person.id;
      profile = { id: 1, name: person.name, role: args.role as WorkerRecord["role"], staff_id: person.staff_id, updated_at: NOW };
      return profile;
    },
    aaw_list: () => structuredClone(aaws),
    aaw_register: (args) => {
      const fields: FieldError[] = [];
      if (!args.name.trim()) fields.push({ field: "name", message: "Enter the access worker's staff ID or name" });
      if (!args.decided_by.trim()) fields.push({ field: "decided_by", message: "Choose the service director whose decision it is" });
      if (!args.evidence.trim()) fields.push({ field: "evidence", message: "Enter the reference of the service director's decision, such as the email or memo" });
      const trained = isoDate(args.trained);
      if (trained === null) fields.push({ field: "trained", message: "Enter the date they were trained" });
      else if (trained === "invalid") fields.push({ field: "trained", message: "The date of training must be a real date, such as 31 3 2026 (2026-03-31 in a file)" });
      else if (trained > NOW.slice(0, 10)) fields.push({ field: "trained", message: "The date of training must not be in the future" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const person = findStaff("name", args.name);
      const decider = findStaff("decided_by", args.decided_by);
      if (!decider.roles.includes("sd") || decider.left_on) fail("invalid_fields", "There is a problem", [{ field: "decided_by", message: `${decider.name} is not a service director in the staff directory: registering an access worker is the service director's decision` }]);
      if (!person.roles.includes("aaw")) person.roles = STAFF_ORDER.filter((r) => r === "aaw" || person.roles.includes(r));
      const existing = aaws.find((a) => a.person.id === person.id);
      const record: AawRecord = { id: existing?.id ?? aaws.length + 1, name: person.name, person: ref(person), decided_by: ref(decider), registered_at: existing?.registered_at ?? NOW, evidence: args.evidence.trim(), trained_on: trained as string, incomplete: false };
      if (existing) Object.assign(existing, record);
      else aaws.push(record);
      return record;
    },
    staff_list: () => directory(),
    staff_add: (args) => {
      const errors = validateStaff(args.name, args.roles, args.staff_id, args.team, "");
      if (errors.length) fail("invalid_fields", "There is a problem", errors);
      addNew([args]);
      return directory();
    },
    staff_import: (args) => {
      const lines = args.text.replace(/^\uFEFF/, "").split(/\r?\n/);
      const header = (lines[0] ?? "").split(",").map((c) => c.trim());
      if (header.join(",") !== "staff_id,name,roles,team") fail("invalid_fields", "There is a problem", [{ field: "file", message: `The first row must be the header staff_id,name,roles,team; it is ${header.join(",")}` }]);
      const rows: StaffAddArgs[] = [];
      const errors: FieldError[] = [];
      lines.slice(1).forEach((line, i) => {
        if (!line.trim()) return;
        const n = i + 2;
        const cells = line.split(",");
        if (cells.length !== 4) {
          errors.push({ field: `rows[${n}]`, message: `Row ${n} cannot be read: it has ${cells.length} fields, not 4` });
          return;
        }
        const [staffId, name, roles, team] = cells;
        const row = { name, roles: roles.split(";").map((r) => r.trim()).filter(Boolean), staff_id: staffId, team };
        errors.push(...validateStaff(row.name, row.roles, row.staff_id, row.team, `rows[${n}].`).map((e) => ({ ...e, message: `Row ${n}: ${e.message}` })));
        rows.push(row);
      });
      if (!rows.length && !errors.length) errors.push({ field: "file", message: "The file has no one in it: one row per person after the header" });
      if (errors.length) fail("invalid_fields", "There is a problem", errors);
      addNew(rows);
      return directory();
    },
    staff_update: (args) => {
      if (!args.person.trim()) fail("invalid_fields", "There is a problem", [{ field: "person", message: "Choose the person whose entry changes" }]);
      const person = findStaff("person", args.person);
      const roles = args.roles.length ? args.roles : person.roles;
      if (!roles.length) fail("invalid_fields", "There is a problem", [{ field: "roles", message: "Give at least one role" }]);
      person.roles = roles as StaffRecord["roles"];
      if (args.team.trim()) person.team = args.team.trim();
      if (args.staff_id.trim()) person.staff_id = args.staff_id.trim();
      if (args.name.trim()) person.name = args.name.trim();
      person.review = null;
      return directory();
    },
    staff_leave: (args) => {
      const fields: FieldError[] = [];
      if (!args.person.trim()) fields.push({ field: "person", message: "Choose the person who left" });
      const on = isoDate(args.on);
      if (on === null) fields.push({ field: "on", message: "Enter the day they left" });
      else if (on === "invalid") fields.push({ field: "on", message: "The day they left must be a real date, such as 30 11 2026" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const person = findStaff("person", args.person);
      if (person.left_on) fail("invalid_fields", "There is a problem", [{ field: "person", message: `${person.name} is already marked as left, on ${longDate(person.left_on)}` }]);
      person.left_on = on as string;
      return directory();
    },
    request_list: (args) => {
      const words = args.query.toLowerCase().split(/\s+/).filter(Boolean);
      const matches = (texts: string[]) => words.every((w) => texts.join("\n").toLowerCase().includes(w));
      return {
        requests: requests
          .map((r) => ({ reference: r.reference, state: r.state, state_label: r.state_label, case_reference: r.request.case_reference, subjects: r.request.subjects.map((s) => s.name ?? s.description ?? ""), parent: null, flagged_for_sd: false, updated_at: r.updated_at }))
          .filter((r) => matches([r.reference, r.case_reference, ...r.subjects])),
        drafts: [...drafts.values()].filter((d) => d.request === null).map((d) => ({ id: d.id, request: null, title: d.form.case_reference.trim() || d.form.subjects[0]?.name || "Untitled request", updated_at: d.updated_at })).filter((d) => matches([d.title])),
      };
    },
    request_get: (args) => page(find(args.reference)),
    request_step: (args) => {
      needProfile();
      const record = find(args.reference);
      const current = page(record).next_steps.find((n) => n.step === args.step);
      const transition = TRANSITIONS.find(([from, step]) => from === record.state && step === args.step);
      if (!transition || !current) return fail("illegal_step", `${args.step} is not allowed: the request is ${record.state}`);
      if (current.missing.length) fail("refused", `${current.label} cannot be taken yet: ${current.missing.join("; ")}`);
      const fields: FieldError[] = [];
      if (!args.decided_by.trim()) fail("invalid_fields", "There is a problem", [{ field: "by", message: "Choose whose decision it is" }]);
      const decider = findStaff("by", args.decided_by);
      const refusals = dutyRefusals(record, args.step, decider);
      if (refusals.length) guardRefused(`${current.label} is refused`, refusals);
      const noEvidence = evidenceProblem(decider, args.evidence);
      if (noEvidence) fields.push(noEvidence);
      if (current.needs_note && !args.note.trim()) fields.push({ field: "note", message: `Enter why: "${current.label}" needs a note of the reason` });
      const day = isoDate(args.decided_on);
      const follows = record.decisions[record.decisions.length - 1]?.decided_on ?? null;
      if (day === "invalid") fields.push({ field: "decided_on", message: "The date of the decision must be a real date, such as 31 3 2026 (2026-03-31 in a file)" });
      else if (day && day > NOW.slice(0, 10)) fields.push({ field: "decided_on", message: "The date of the decision must not be in the future" });
      else if (day && follows && day < follows) fields.push({ field: "decided_on", message: "The date of the decision must not be before the step it follows" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const text = (v: string) => (v.trim() ? v.trim() : null);
      record.decisions.push(decision(record, args.step, transition[2], decider, { evidence: text(args.evidence), note: text(args.note), conditions: text(args.conditions), day: day as string | null }));
      record.state = transition[2];
      record.state_label = LABELS[record.state];
      return page(record);
    },
    draft_start: (args) => {
      needProfile();
      if (args.reference) {
        const record = find(args.reference);
        if (!["draft", "referred_back"].includes(record.state)) fail("refused", `request ${record.reference} is ${record.state_label.toLowerCase()} and can no longer be changed`);
        const open = [...drafts.values()].find((d) => d.request === record.reference);
        if (open) return structuredClone(open);
      }
      const id = nextId++;
      const empty = (): DateParts => ({ day: "", month: "", year: "" });
      const form: RequestForm = args.reference
        ? toForm(find(args.reference).request)
        : {
            case_reference: "", originating_worker: { name: profile?.role === "osw" ? profile.name : "", team: "" }, team_manager: { name: "" }, reason: null, concern: "", triangulation: "",
            scope: null, monitoring_justification: "", period: { from: empty(), to: empty() }, consent: { status: null, reason: "", reference: "" },
            legal_advice_reference: "", subjects: [],
          };
      if (args.linked) {
        // Another person's page found during a check: carried over from that request.
        const parent = find(args.linked.parent).request;
        Object.assign(form, { case_reference: parent.case_reference, originating_worker: { ...parent.originating_worker }, team_manager: { ...parent.team_manager }, reason: parent.reason,
          concern: `During the check on request ${args.linked.parent}, a page was found that may belong to another person: ${args.linked.url}`,
          subjects: [{ role: "suspected_associate", name: "", description: "", aliases: "", date_of_birth: empty(), relationship: "", profiles: [{ platform: "facebook", url: args.linked.url }] }] });
      }
      const record: DraftRecord = { id, request: args.reference ?? null, parent: args.linked?.parent ?? null, form, created_at: NOW, updated_at: NOW };
      drafts.set(id, record);
      return structuredClone(record);
    },
    draft_get: (args) => structuredClone(draft(args.id)),
    draft_save: (args) => {
      const record = draft(args.id);
      record.form = structuredClone(args.form);
      record.updated_at = new Date().toISOString();
      return { id: record.id, updated_at: record.updated_at };
    },
    draft_check: (args) => {
      const errors = validate(draft(args.id).form);
      return { errors, possible_matches: errors.length ? [] : possibleMatches(draft(args.id)) };
    },
    draft_commit: (args) => {
      const record = draft(args.id);
      const errors = validate(record.form);
      if (errors.length) fail("invalid_fields", "There is a problem", errors);
      const settled = new Map(args.settlements.map((s) => [s.subject, s.same_person]));
      const unsettled = possibleMatches(record).filter((m) => !settled.has(m.subject));
      if (unsettled.length) fail("refused", `confirm who these are before the request is saved: ${unsettled.map((m) => `subject ${m.subject} may be person ${m.person.id}`).join("; ")}`);
      const request = toRequest(record.form);
      drafts.delete(args.id);
      if (record.request) {
        const existing = find(record.request);
        existing.request = request;
        return page(existing);
      }
      const reference = `REQ-2026-${String(requests.length + 1).padStart(4, "0")}`;
      const created: RequestRecord = {
        id: requests.length + 1, reference, state: "draft", state_label: LABELS.draft, allowed_steps: ["submit", "withdraw"], parent: record.parent, flagged_for_sd: record.parent !== null,
        created_at: NOW, updated_at: NOW, request, subjects: linkPersons(request, settled), decisions: [], log_versions: [], filed: [],
      };
      requests.push(created);
      return page(created);
    },
    draft_discard: (args) => {
      draft(args.id);
      drafts.delete(args.id);
      return {};
    },
    account_list: () => structuredClone(accounts),
    account_add: (args) => {
      const fields: FieldError[] = [];
      if (!args.platform.trim()) fields.push({ field: "platform", message: "Enter the platform" });
      if (!args.handle.trim()) fields.push({ field: "handle", message: "Enter the account's handle" });
      if (args.identifiable_as_council === null) fields.push({ field: "identifiable_as_council", message: "Select whether the account can be identified as the council's" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const record: AccountRecord = { id: accounts.length + 1, platform: args.platform.trim().toLowerCase(), handle: args.handle.trim(), identifiable_as_council: args.identifiable_as_council!, created_at: NOW };
      accounts.push(record);
      return record;
    },
    authorisation_add: (args) => {
      const record = find(args.request);
      const fields: FieldError[] = [];
      if (!args.kind) fields.push({ field: "kind", message: "Select the kind: directed surveillance, or a covert human intelligence source (CHIS)" });
      if (!args.reference.trim()) fields.push({ field: "reference", message: "Enter the authorisation's reference (URN)" });
      if (!args.officer.trim()) fields.push({ field: "officer", message: "Enter the authorising officer" });
      const granted = isoDate(args.granted);
      if (granted === null) fields.push({ field: "granted", message: "Enter the date granted" });
      else if (granted === "invalid") fields.push({ field: "granted", message: "The date granted must be a real date, such as 31 3 2026 (2026-03-31 in a file)" });
      if (args.kind === "chis" && args.account === null) fields.push({ field: "account", message: "Select which sanctioned account it covers" });
      if (args.kind !== "chis" && args.kind !== null && args.person === null) fields.push({ field: "person", message: "Select which person named in the request it covers" });
      const approved = isoDate(args.approved);
      if (args.kind === "non_ripa" && approved !== null) fields.push({ field: "approved", message: "A non-RIPA authorisation has no magistrate's approval: leave the date approved out" });
      else if (approved === "invalid" || (approved && granted && approved < granted)) fields.push({ field: "approved", message: "The date approved must be on or after the date granted" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const start = new Date(`${granted}T00:00:00Z`);
      const plus = (months: number, days: number) => {
        const d = new Date(start);
        d.setUTCMonth(d.getUTCMonth() + months);
        d.setUTCDate(d.getUTCDate() + days);
        return d.toISOString().slice(0, 10);
      };
      const review = isoDate(args.review);
      const expires = isoDate(args.expires);
      authorisations.push({
        id: authorisations.length + 1, request: record.reference, kind: args.kind!, reference: args.reference.trim(), officer: args.officer.trim(), granted: granted as string,
        review_due: review && review !== "invalid" ? review : plus(0, 28), expires: expires && expires !== "invalid" ? expires : plus(3, 0),
        person_id: args.person, account_id: args.account, cancelled_at: null, cancelled_by: null, cancel_reason: null, renewals: [],
        approved: approved && approved !== "invalid" ? approved : null, approved_by: approved ? "Ada Worker" : null, reviews: [], urgent: args.urgent, confidential_likely: args.confidential_likely,
      });
      return page(record);
    },
    authorisation_register: () => registerEntries(),
    pilot_feedback_get: (args) => structuredClone(pilotOf(args.reference)),
    feedback_give: (args) => {
      const held = pilotOf(args.reference);
      const fields: FieldError[] = [];
      const time = wholeNumber(fields, "time_minutes", args.time_minutes, "the time taken, in minutes");
      const useful = wholeNumber(fields, "useful", args.useful, "how many useful pieces of information");
      const unique = wholeNumber(fields, "unique", args.unique, "how many unique pieces of information");
      if (useful !== null && unique !== null && unique > useful) fields.push({ field: "unique", message: `The unique pieces are some of the useful ones: no more than ${useful}` });
      if (!args.rating) fields.push({ field: "rating", message: "Rating must be little, some, considerable or significant" });
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who gave the feedback" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      if (!held.finalised_on) fail("refused", `the log of ${args.reference} is not finalised: feedback follows the social worker's assessment`);
      held.feedback = { time_minutes: time!, useful: useful!, unique: unique!, rating: args.rating!, comments: args.comments.trim() || null, given_by: args.by.trim(), recorded_at: new Date().toISOString() };
      return structuredClone(held);
    },
    feedback_recheck: (args) => {
      const held = pilotOf(args.reference);
      const fields: FieldError[] = [];
      if (!args.rating) fields.push({ field: "rating", message: "Rating must be little, some, considerable or significant" });
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who gave the rating" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      held.recheck = { rating: args.rating!, comments: args.comments.trim() || null, given_by: args.by.trim(), recorded_at: new Date().toISOString() };
      return structuredClone(held);
    },
    feedback_process: (args) => {
      const held = pilotOf(args.reference);
      const fields: FieldError[] = [];
      if (!args.ease) fields.push({ field: "ease", message: "Rate how easy the process was from 1 (poor) to 5 (very good)" });
      if (!args.effectiveness) fields.push({ field: "effectiveness", message: "Rate how effective the process was from 1 (poor) to 5 (very good)" });
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who gave the rating" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      held.process.push({ ease: args.ease!, effectiveness: args.effectiveness!, comments: args.comments.trim() || null, given_by: args.by.trim(), recorded_at: new Date().toISOString() });
      return structuredClone(held);
    },
    pilot_report: (args) => pilotReport(args),
    pilot_report_write: (args) => {
      pilotReport(args.report);
      return { path: args.path, sha256: "d4".repeat(32) };
    },
    pilot_export: (args) => ({ path: args.path, records: requests.length, sha256: "e5".repeat(32), fingerprint: "ab".repeat(32) }),
    authorisation_approve: (args) => {
      const today = todayIso();
      const a = authorisations.find((x) => x.reference === args.reference) ?? fail("not_found", `authorisation ${args.reference} does not exist`);
      const approved = isoDate(args.approved);
      const fields: FieldError[] = [];
      if (approved === null || approved === "invalid") fields.push({ field: "approved", message: "Enter the date approved" });
      else if (approved < a.granted) fields.push({ field: "approved", message: "The date approved must be on or after the date granted" });
      else if (approved > today) fields.push({ field: "approved", message: "The date approved cannot be after today" });
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who records the approval" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      Object.assign(a, { approved, approved_by: args.by.trim() });
      return registerEntries();
    },
    authorisation_review: (args) => {
      const today = todayIso();
      const a = authorisations.find((x) => x.reference === args.reference) ?? fail("not_found", `authorisation ${args.reference} does not exist`);
      const fields: FieldError[] = [];
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who reviewed it" });
      if (!args.outcome.trim()) fields.push({ field: "outcome", message: "Enter the review's outcome" });
      const next = isoDate(args.next);
      if (next === "invalid" || (next && (next <= today || next > a.expires))) fields.push({ field: "next", message: `The next review's date must be after today and no later than the expiry, ${a.expires}` });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const nextReview = next ?? a.expires;
      a.reviews.push({ by: args.by.trim(), outcome: args.outcome.trim(), reviewed_on: today, recorded_at: new Date().toISOString(), next_review: nextReview });
      a.review_due = nextReview;
      return registerEntries();
    },
    authorisation_cancel: (args) => {
      const a = authorisations.find((x) => x.reference === args.reference) ?? fail("not_found", `authorisation ${args.reference} does not exist`);
      const fields: FieldError[] = [];
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who cancelled it" });
      if (!args.reason.trim()) fields.push({ field: "reason", message: "Enter why it is cancelled" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      Object.assign(a, { cancelled_at: new Date().toISOString(), cancelled_by: args.by.trim(), cancel_reason: args.reason.trim() });
      return registerEntries();
    },
    authorisation_central_record: (args) => ({ path: args.path, rows: authorisations.length, sha256: "c5".repeat(32) }),
    // Access sessions: no browser here. The page "visited" is the person's first profile,
    // or the address a test sets in `window.fakePage`; `window.fakeVisit(url)` adds a step.
    session_check: (args) => ({ ...sessionGuards(args.reference, args.subject, args.account), conditions: permitConditions(find(args.reference)) }),
    session_start: (args) => {
      const warnings = sessionGuards(args.reference, args.subject, args.account).warnings;
      const browser = browserSetting();
      if (!browser.in_use) fail("browser_failed", browser.problem ?? "no browser");
      if (permitConditions(find(args.reference)) && !args.conditions_confirmed) {
        guardRefused("the access session cannot start", [{ code: "conditions_not_confirmed", reason: `the service director's conditions were not confirmed: ${permitConditions(find(args.reference))}`, remedy: "confirm that you have read the conditions and will keep to them" }]);
      }
      const record = find(args.reference);
      const subject = record.request.subjects[args.subject - 1];
      const account = accounts.find((a) => a.id === args.account)!;
      const id = sessions.length + 1;
      const started = new Date().toISOString();
      const first = subject.profiles[0]?.url ?? "";
      const session: SessionPage = {
        id, request: record.reference, subject: args.subject, account_id: account.id, browser: "Chromium 140 (fake)", started_at: started, ended_at: null, end_reason: null, recording_stopped_at: null,
        trail: [{ at: started, kind: "recording_started", tab: "", url: "" }, ...(first ? [{ at: started, kind: "navigation", tab: "T1", url: first }] : [])],
        warnings, person: subject.name ?? subject.description ?? "", account: `${account.handle} (${account.platform})`, profiles: subject.profiles.map((p) => p.url), captures: [], capturing: false, shortcut: "CommandOrControl+Shift+F9",
      };
      sessions.push(session);
      fakeWindow.fakePage = first;
      if (record.state === "legitimacy_confirmed") moveTo(record, "in_progress", "start-access", me()!);
      return session;
    },
    session_get: (args) => {
      const session = sessions.find((x) => x.id === args.id) ?? fail("not_found", `access session ${args.id} does not exist`);
      for (const url of (fakeWindow.fakeVisits ?? []).splice(0)) session.trail.push({ at: new Date().toISOString(), kind: "navigation", tab: "T1", url });
      session.captures = capturesOf(session.id);
      return { ...session, warnings: [] };
    },
    session_resume: (args) => fail("not_found", `access session ${args.id} does not exist`),
    session_end: (args) => {
      const session = sessions.find((x) => x.id === args.id) ?? fail("not_found", `access session ${args.id} does not exist`);
      if (session.ended_at) fail("refused", `access session ${args.id} has already ended`);
      session.ended_at = fakeWindow.fakeEndAt ?? new Date().toISOString();
      session.end_reason = "ended by the worker";
      session.captures = capturesOf(session.id);
      return { ...session, warnings: [] };
    },
    capture_take: (args) => {
      const session = sessions.find((x) => x.id === args.session) ?? fail("not_found", `access session ${args.session} does not exist`);
      if (session.ended_at) fail("refused", `access session ${session.id} has ended`);
      const url = args.url.trim() || fakeWindow.fakePage || "";
      const title = fakeWindow.fakeTitle ?? "Jane Doe | Facebook";
      const within = session.profiles.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}?`));
      if (!within && !args.outside_scope_reason.trim()) {
        throw { code: "outside_scope", message: `${url} is not one of ${session.person}'s listed profiles in request ${session.request}`, fields: [], guards: [], refusals: [], url } satisfies IpcError;
      }
      const id = captures.length + 1;
      const digest = (n: number) => (id.toString(16) + n.toString(16) + "ab").repeat(16).slice(0, 64);
      const artefacts = [
        { kind: "full_page_png", sha256: digest(1), size: 482113, width: 1280, height: 4096 },
        { kind: "viewport_png", sha256: digest(2), size: 91234, width: 1280, height: 720 },
        { kind: "mhtml", sha256: digest(3), size: 201772, width: null, height: null },
        { kind: "warc", sha256: digest(4), size: 388120, width: null, height: null },
      ];
      const at = new Date().toISOString();
      const completed = new Date(Date.parse(at) + 1000).toISOString();
      // The policy's default limit, 250,000 CSS px: a taller page is cut there.
      const height = fakeWindow.fakePageHeight ?? 4096;
      const cut_at_limit = height > 250000
        ? { page_height_css: height, captured_height_css: 250000, limit_css_px: 250000, summary: `Cut at the policy's limit: the page is ${height} CSS px tall; the full-page picture holds its first 250000 CSS px` }
        : null;
      const whole = args.whole_timeline === true;
      const taken = whole
        ? { method: "scrolling", label: "composed from 12 screens while scrolling", screens: 12, chosen: "the worker asked for the feed to be followed as it loads more", stopped: "reached the end of the page: scrolled to its bottom, it loaded no more", cut_short: false, dates: "the policy gives no way to find the dates of posts on facebook: followed to the limits alone", scroll_dependent: null }
        : { method: "all_at_once", label: "the page at one moment", screens: 0, chosen: null, stopped: null, cut_short: false, dates: null, scroll_dependent: null };
      captures.push({
        id, session: session.id, request: session.request, url, title, captured_at: at, captured_at_text: ukSeconds(at),
        provenance: [
          { label: "Address as visited", value: url }, { label: "Address as finally served", value: url }, { label: "Title", value: title },
          { label: "Captured at", value: ukSeconds(at) }, { label: "Capture completed", value: ukSeconds(completed) }, { label: "Capture began and completed (UTC)", value: `${at} to ${completed}` }, { label: "HTTP status", value: "200 OK" },
          { label: "Server address", value: "157.240.1.35 port 443" }, { label: "TLS", value: "TLS 1.3, AES_128_GCM\nCertificate for *.facebook.com" },
          ...(args.outside_scope_reason.trim() ? [{ label: "Outside the listed profiles because", value: args.outside_scope_reason.trim() }] : []),
          { label: "Full page taken", value: whole ? `By scrolling: ${taken.label}` : "All at once: the page at one moment, in 1 tile(s)" },
        ],
        artefacts, signature_valid: true, signature_problem: null, stored_hashes_match: true, thumbnail: THUMBNAIL, judgement: null, findings: [], blurred: false, disputes: [], redactions: [], cut_at_limit, taken,
        // Filled in when it is shown, from the session as it is then.
        card: { worker: me()?.name ?? null, account: "", session: "", whole_page_sha256: artefacts[0].sha256, timestamp: "None: its time is this laptop's clock, and the policy names no time-stamping authority", outside_profiles: !within },
        if_not_relevant: { due_on: todayIso(), kept_days: 0, held: false },
      });
      session.trail.push({ at, kind: "navigation", tab: "T1", url });
      return { capture_id: id, url, artefacts, cut_at_limit, taken };
    },
    // The fake takes a capture at once: none is ever running when these are asked.
    capture_progress: () => ({ capturing: false, scrolling: false, screens: 0, reached_css: 0, stop_asked: false }),
    capture_stop: (args) => fail("refused", `no capture is being taken in access session ${args.id}`),
    capture_get: (args) => {
      const capture = captures.find((c) => c.id === args.id) ?? fail("not_found", `capture ${args.id} does not exist`);
      const log = (logs.get(capture.request) ?? []).at(-1)?.log;
      capture.findings = (log?.findings ?? []).filter((f) => f.captures.includes(capture.id)).map((f) => ({ number: f.number, text: f.text }));
      capture.blurred = (capture.judgement?.tags ?? []).some((t) => t.trim().toLowerCase() === "distressing");
      const session = sessions.find((x) => x.id === capture.session)!;
      const account = accounts.find((a) => a.id === session.account_id)!;
      capture.card.account = `${account.handle} on ${PLATFORM_NAMES[account.platform.toLowerCase()] ?? account.platform}, which ${account.identifiable_as_council ? "can" : "cannot"} be identified as the council's`;
      capture.card.session = `Access session ${session.id} on ${session.person}'s pages, started ${ukClock(session.started_at)}${session.ended_at ? `, ended ${ukClock(session.ended_at)}` : ", still open"}`;
      capture.if_not_relevant = { due_on: todayIso(), kept_days: 0, held: holds.some((x) => x.request === capture.request && !x.released_at) };
      return capture;
    },
    capture_judge: (args) => {
      const capture = captures.find((c) => c.id === args.id) ?? fail("not_found", `capture ${args.id} does not exist`);
      const j = args.judgement;
      const fields: FieldError[] = [];
      if (j.relevant === null) fields.push({ field: "relevant", message: "Say whether the capture is relevant" });
      if (j.useful_and_unique === null) fields.push({ field: "useful_and_unique", message: "Say whether the capture adds useful information not available elsewhere" });
      if (j.attribution === null) fields.push({ field: "attribution", message: "Say whether the page is verified, probable or unverified as the person's" });
      else if (j.attribution !== "unverified" && !j.attribution_reason?.trim()) fields.push({ field: "attribution_reason", message: `Say why the attribution is ${j.attribution}` });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const given = (t: string | null) => (t?.trim() ? t.trim() : null);
      capture.judgement = { relevant: j.relevant!, useful_and_unique: j.useful_and_unique!, attribution: j.attribution!, attribution_reason: given(j.attribution_reason), notes: given(j.notes), tags: j.tags, collateral_intrusion: given(j.collateral_intrusion) };
      return handlers.capture_get({ id: args.id });
    },
    // The PDF itself is made and checked in Rust; the fake keeps the rules the screens show.
    export_pdf: (args) => {
      const record = find(args.reference);
      if (!args.path.trim()) fail("invalid_fields", "There is a problem", [{ field: "out", message: "Enter the file to write the PDF to" }]);
      if (exports.some((e) => e.path === args.path)) fail("invalid_fields", "There is a problem", [{ field: "out", message: `${args.path} already exists: an export never replaces a file; choose a new name` }]);
      if (!args.draft && !["finalised", "shared", "closed"].includes(record.state)) {
        fail("log_not_finalised", `the investigation log of ${record.reference} is not finalised, so its PDF can only be a draft (DRAFT on every page)`);
      }
      const id = exports.length + 1;
      const sha256 = (id.toString(16).padStart(2, "0") + "c0ffee").repeat(8).slice(0, 64);
      const made: PdfExportRecord & { request: string } = { id, kind: args.only ?? "care_record", draft: args.draft, sha256, bytes: 48213, pages: 7, log_version: null, exhibits: [], path: args.path, exported_at: NOW, request: record.reference };
      exports.push(made);
      return { path: args.path, export: { ...made } };
    },
    export_bundle: (args) => {
      const record = find(args.reference);
      if (!args.draft && !["finalised", "shared", "closed"].includes(record.state)) {
        fail("log_not_finalised", `the investigation log of ${record.reference} is not finalised, so its PDF can only be a draft (DRAFT on every page)`);
      }
      return { path: args.path, manifest_sha256: "be".repeat(32), bytes: 1048576, files: 9, fingerprint: "f1".repeat(32), draft: args.draft, timestamped_at: null };
    },
    // Retention: a refused or withdrawn request falls due at once (a period of 0 days), as a
    // capture judged not relevant does; a hold keeps a request's records.
    retention_get: () => retentionPage(),
    retention_dispose: (args) => {
      if (!args.by.trim()) fail("invalid_fields", "There is a problem", [{ field: "by", message: "Enter who disposes of the records" }]);
      for (const d of retentionPage().due) {
        if (d.kind === "request") requests.splice(requests.findIndex((r) => r.reference === d.id), 1);
        if (d.kind === "capture") captures.splice(captures.findIndex((c) => String(c.id) === d.id), 1);
        if (d.kind === "incident") incidents.splice(incidents.findIndex((i) => String(i.id) === d.id), 1);
        disposals.unshift({ kind: d.kind, object: d.id, request: d.request, digests: ["ab".repeat(32)], rule: d.rule, trigger_on: d.trigger_on, due_on: d.due_on, disposed_at: new Date().toISOString(), disposed_by: args.by.trim(), time_source: "laptop_clock", timestamped_at: null });
      }
      return retentionPage();
    },
    retention_hold: (args) => {
      const fields: FieldError[] = [];
      if (!args.reference.trim()) fields.push({ field: "reference", message: "Enter the request's reference" });
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who decided" });
      if (!args.reason.trim()) fields.push({ field: "reason", message: "Enter why" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const record = find(args.reference.trim());
      if (holds.some((x) => x.request === record.reference && !x.released_at)) fail("refused", `request ${record.reference} is already on legal hold`);
      holds.push({ request: record.reference, placed_by: args.by.trim(), reason: args.reason.trim(), placed_at: new Date().toISOString(), released_by: null, release_reason: null, released_at: null });
      return retentionPage();
    },
    retention_release: (args) => {
      const fields: FieldError[] = [];
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who decided" });
      if (!args.reason.trim()) fields.push({ field: "reason", message: "Enter why" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const open = holds.find((x) => x.request === args.reference && !x.released_at) ?? fail("refused", `request ${args.reference} is not on legal hold`);
      Object.assign(open, { released_by: args.by.trim(), release_reason: args.reason.trim(), released_at: new Date().toISOString() });
      return retentionPage();
    },
    incident_list: () => ({ incidents: structuredClone(incidents) }),
    incident_record: (args) => {
      const fields: FieldError[] = [];
      if (!args.what.trim()) fields.push({ field: "what", message: "Enter what happened" });
      const on = isoDate(args.occurred_on);
      if (on === null) fields.push({ field: "occurred_on", message: "Enter the day it happened" });
      else if (on === "invalid") fields.push({ field: "occurred_on", message: "The day it happened must be a real date, such as 31 3 2026 (2026-03-31 in a file)" });
      if (!args.reported_by.trim()) fields.push({ field: "reported_by", message: "Enter who reported it" });
      if (!args.action.trim()) fields.push({ field: "action", message: "Enter what was done about it" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      incidents.unshift({ id: incidents.length + 1, recorded_at: new Date().toISOString(), incident: { what: args.what.trim(), occurred_on: on as string, reported_by: args.reported_by.trim(), people: args.people.split("\n").map((p) => p.trim()).filter(Boolean), action: args.action.trim(), request: args.request.trim() || null } });
      return { incidents: structuredClone(incidents) };
    },
    capture_picture: (args) => {
      const capture = captures.find((c) => c.id === args.id) ?? fail("not_found", `capture ${args.id} does not exist`);
      if (!capture.artefacts.some((a) => a.kind === args.artefact)) fail("invalid_fields", "There is a problem", [{ field: "artefact", message: "Choose the full page or the viewport" }]);
      return { data_url: THUMBNAIL };
    },
    capture_redact: (args) => {
      const capture = captures.find((c) => c.id === args.id) ?? fail("not_found", `capture ${args.id} does not exist`);
      const fields: FieldError[] = [];
      if (!args.boxes.length) fields.push({ field: "boxes", message: "Draw between 1 and 200 boxes over what is to be hidden" });
      if (!args.reason.trim()) fields.push({ field: "reason", message: "Enter why it is redacted" });
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who redacts it" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const original = capture.artefacts.find((a) => a.kind === args.artefact)!.sha256;
      capture.redactions.unshift({ id: capture.redactions.length + 1, artefact: args.artefact, sha256: "7e".repeat(32), original_sha256: original, boxes: args.boxes.length, reason: args.reason.trim(), redacted_by: args.by.trim(), redacted_at: new Date().toISOString(), signature_valid: true, picture: THUMBNAIL });
      return handlers.capture_get({ id: args.id });
    },
    dispute_record: (args) => {
      const fields: FieldError[] = [];
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who disputes it" });
      if (!args.text.trim()) fields.push({ field: "text", message: "Enter what they dispute, in their words" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const capture = captures.find((c) => c.id === args.capture) ?? fail("not_found", `capture ${args.capture} does not exist`);
      capture.disputes.push({ id: capture.disputes.length + 1, target: { kind: "capture", id: capture.id }, request: capture.request, disputed_by: args.by.trim(), text: args.text.trim(), recorded_at: new Date().toISOString() });
      return {};
    },
    subject_access_export: (args) => ({
      pdf: `${args.out}/subject-access-person-${args.person}.pdf`, sha256: "5a".repeat(32), pages: 6, originals: [`${args.out}/originals/capture-1/capture-1-viewport-png.png`],
      flagged: ["Request REQ-2026-0001: third party named, John Roe", "Capture 1: the picture may show other people (friends in photos, commenters)"],
      withheld: [],
    }),
    policy_platforms: () => ({ allowed: PLATFORMS.map((p) => p.key), platforms: PLATFORMS }),
    home_get: () => ({
      worker: profile ? structuredClone(profile) : null,
      waiting_for_you: requests.filter((r) => taskOf(r)).map(homeRequest),
      tasks: requests.flatMap((r) => {
        const step = taskOf(r);
        if (!step) return [];
        const names = r.request.subjects.map((x) => x.name ?? x.description ?? "").filter(Boolean);
        const who = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0] ?? r.reference;
        return [{ reference: r.reference, step, words: `${TASK_WORDS[step] ?? stepLabel(step)} for ${who}`, waited: "since today" }];
      }),
      sections: GROUPS.map(([group, title, states]) => ({ group, title, requests: requests.filter((r) => states.includes(r.state)).map(homeRequest) })),
      due: [
        ...registerEntries().filter((e) => e.state === "awaiting_approval" && !e.approved).map((e) => ({ kind: "authorisation_approval" as const, request: e.request, overdue: false, date: null, text: `Authorisation ${e.reference} awaits a magistrate's approval: it allows nothing until one is recorded` })),
        ...requests.filter((r) => r.state === "log_completed").map((r) => ({ kind: "log_assessment" as const, request: r.reference, overdue: false, date: null, text: `The log of ${r.reference} waits for the social worker's assessment and finalisation (since today)` })),
      ],
      drafts: [...drafts.values()].filter((d) => d.request === null).map((d) => ({ id: d.id, request: null, title: d.form.case_reference.trim() || "Untitled request", updated_at: d.updated_at })),
      notice_days: 7, idle_days: 14,
    }),
    audit_trail_get: (args) => {
      const record = find(args.reference);
      const events = [
        { what: "Created the request", detail: null as string | null },
        ...record.decisions.map((d) => ({ what: "Recorded a decision", detail: `${d.step_label}: ${d.decided_by}` })),
      ];
      return {
        reference: record.reference,
        events: events.map((e, i) => ({ seq: i + 2, at: NOW, when: "23 November 2026 10:00 GMT", who: profile?.name ?? "Triangulate", what: e.what, detail: e.detail, ids: [`request:${record.reference}`] })),
        request_chain_intact: true, request_chain_problem: null, store_chain_intact: true, store_chain_message: `intact: ${events.length + 1} events`, store_events: events.length + 1,
      };
    },
    settings_get: () => ({
      // `?policy-problem` in the address plays a local policy file that cannot be used.
      data_folder: "/fake/data", policy_file: policyProblem ? "/fake/data/policy.toml" : null,
      policy_problem: policyProblem ? "/fake/data/policy.toml, line 3, column 13: home.idle_days must be between 1 and 365, not 0" : null,
      policy: [
        { key: "organisation", value: "Example Council", from_local_file: false },
        { key: "protective_marking", value: "OFFICIAL-SENSITIVE", from_local_file: false },
        { key: "repeat_viewing.max_views", value: "2", from_local_file: false },
        { key: "home.notice_days", value: "7", from_local_file: false },
        { key: "timestamp.url", value: "", from_local_file: false },
      ],
      worker: profile ? structuredClone(profile) : null, aaws: structuredClone(aaws), fingerprint: "f1".repeat(32), keystore: "in memory (UI tests)",
      recovery_warning: recoveryLost ? "the recovery file is missing" : null,
    }),
    browser_get: () => browserSetting(),
    browser_choose: (args) => {
      const path = args.path.trim();
      if (!path) fail("invalid_fields", "There is a problem", [{ field: "path", message: "Choose the browser's program file, such as msedge.exe for Microsoft Edge" }]);
      if (/missing/i.test(path)) fail("invalid_fields", "There is a problem", [{ field: "path", message: `There is no file at ${path}: choose the browser's program file` }]);
      if (!/\.exe$/i.test(path)) fail("invalid_fields", "There is a problem", [{ field: "path", message: `${path} is not a program: choose the browser's program file, whose name ends in .exe` }]);
      needProfile();
      const person = me()!;
      chosenBrowser = { browser: { name: browserName(path), path }, chosen_at: new Date().toISOString(), chosen_by: ref(person), present: true };
      return browserSetting();
    },
    browser_forget: () => {
      if (!chosenBrowser) fail("refused", "no browser has been chosen for captures on this laptop");
      needProfile();
      chosenBrowser = null;
      return browserSetting();
    },
    log_get: (args) => logPage(args.reference, args.version, args.compare),
    log_add_search: (args) => {
      const record = find(args.reference);
      const f = args.search;
      const fields: FieldError[] = [];
      const date = isoDate(f.date);
      if (date === "invalid") fields.push({ field: "at", message: "The date must be a real date, such as 23 11 2026" });
      else if (date === null && f.time.trim()) fields.push({ field: "at", message: "Enter the date as well as the time" });
      else if (date !== null && !/^([01]?\d|2[0-3])[:.][0-5]\d$/.test(f.time.trim())) fields.push({ field: "time", message: "Enter the time on the 24-hour clock, such as 14:05" });
      if (f.account === null) fields.push({ field: "account", message: "Select the sanctioned account the search was made on" });
      required(fields, "searched", f.searched, "what was searched");
      required(fields, "result", f.result, "the result of the search");
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      if (!["legitimacy_confirmed", "in_progress"].includes(record.state)) fail("refused", `the search cannot be recorded: ${record.reference} is ${record.state}`);
      const versions = logs.get(record.reference) ?? [];
      if (!versions.length) versions.push({ version: 1, created_at: NOW, finalised_at: null, log: emptyLog() });
      logs.set(record.reference, versions);
      const version = versions[versions.length - 1];
      if (version.finalised_at) fail("refused", "the log is finalised and read-only");
      const account = accounts.find((a) => a.id === f.account)!;
      version.log.searches.push({ at: date ? `${date}T${f.time.trim().replace(".", ":").padStart(5, "0")}:00Z` : NOW, platform: f.platform.trim() || account.platform, account_id: account.id, searched: f.searched.trim(), result: f.result.trim() });
      if (record.state === "legitimacy_confirmed") moveTo(record, "in_progress", "start-access", me()!);
      return logPage(record.reference);
    },
    log_add_finding: (args) => {
      const { record, version } = editable(args.reference);
      if (!args.text.trim()) fail("invalid_fields", "There is a problem", [{ field: "text", message: "Enter the finding" }]);
      version.log.findings.push({ number: version.log.findings.length + 1, text: args.text.trim(), captures: [...new Set(args.captures)] });
      return logPage(record.reference);
    },
    log_disagree: (args) => {
      const { record, version } = editable(args.reference);
      const fields: FieldError[] = [];
      required(fields, "by", args.by, "who raised the disagreement");
      required(fields, "about", args.about, "what is disagreed about");
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      version.log.disagreements.push({ number: version.log.disagreements.length + 1, about: args.about.trim(), raised_by: args.by.trim(), at: NOW, outcome: null });
      return logPage(record.reference);
    },
    log_settle: (args) => {
      const { record, version } = editable(args.reference);
      const fields: FieldError[] = [];
      required(fields, "by", args.by, "the service manager who decided");
      required(fields, "outcome", args.outcome, "the service manager's outcome");
      const d = version.log.disagreements.find((x) => x.number === args.disagreement);
      if (!d) fields.push({ field: "disagreement", message: `There is no disagreement ${args.disagreement}` });
      else if (d.outcome) fields.push({ field: "disagreement", message: `Disagreement ${args.disagreement} already has the service manager's outcome` });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      d!.outcome = { by: args.by.trim(), decision: args.outcome.trim(), at: NOW };
      return logPage(record.reference);
    },
    log_complete: (args) => {
      const { record, version } = editable(args.reference);
      if (record.state !== "in_progress") fail("illegal_step", `complete-log is not allowed: the request is ${record.state}`);
      const by = signer(record, "complete-log", args.by, args.evidence);
      version.log.completed = { by: by.name, at: NOW };
      moveTo(record, "log_completed", "complete-log", by, args.evidence.trim() || null);
      return logPage(record.reference);
    },
    log_finalise: (args) => {
      const { record, version } = editable(args.reference);
      const correcting = version.version > 1 && ["finalised", "shared", "closed"].includes(record.state);
      if (!correcting && record.state !== "log_completed") fail("illegal_step", `finalise-log is not allowed: the request is ${record.state}`);
      const by = signer(record, "finalise-log", args.by, args.evidence);
      const fields: FieldError[] = [];
      if (!["little", "some", "considerable", "significant"].includes(args.rating)) fields.push({ field: "rating", message: "Rating must be little, some, considerable or significant" });
      required(fields, "assessment", args.assessment, "the assessment of the information");
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      version.log.assessment = { by: by.name, at: NOW, rating: args.rating as Contribution, text: args.assessment.trim() };
      version.finalised_at = NOW;
      if (!correcting) moveTo(record, "finalised", "finalise-log", by, args.evidence.trim() || null);
      return logPage(record.reference);
    },
    log_share: (args) => {
      const record = find(args.reference);
      const versions = logs.get(record.reference) ?? [];
      const version = versions[versions.length - 1];
      if (!version?.finalised_at || !["finalised", "shared"].includes(record.state)) fail("illegal_step", `share is not allowed: the request is ${record.state}`);
      const by = signer(record, "share", args.by, args.evidence);
      const fields: FieldError[] = [];
      if (!args.with.length) fields.push({ field: "with", message: "Say who the log was shared with: tm, sm and sd" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      version.log.shared.push({ with: args.with as ShareRecipient[], by: by.name, at: NOW });
      if (record.state === "finalised") moveTo(record, "shared", "share", by, args.evidence.trim() || null);
      return logPage(record.reference);
    },
    log_correct: (args) => {
      const record = find(args.reference);
      const versions = logs.get(record.reference) ?? fail("refused", `request ${args.reference} has no investigation log to correct`);
      const last = versions[versions.length - 1];
      if (!last.finalised_at) fail("refused", `version ${last.version} of the log is not finalised yet: edit it instead of correcting it`);
      if (!args.note.trim()) fail("invalid_fields", "There is a problem", [{ field: "note", message: "Enter why the log is corrected" }]);
      versions.push({ version: last.version + 1, created_at: NOW, finalised_at: null, log: { ...structuredClone(last.log), assessment: null, correction_note: args.note.trim() } });
      return logPage(record.reference);
    },
    // The digest of a file the worker chose: the fake knows only the files it exported.
    export_file_digest: (args) => {
      const made = exports.find((e) => e.path === args.path);
      if (!made) fail("io_failed", `${args.path} cannot be read: there is no such file`);
      return { path: made!.path, name: made!.path.split(/[/\\]/).pop() ?? made!.path, size: made!.bytes, sha256: made!.sha256 };
    },
    export_filed: (args) => {
      const record = find(args.reference);
      const fields: FieldError[] = [];
      const sha = args.sha256.trim().toLowerCase();
      const made = exports.find((e) => e.request === record.reference && e.sha256 === sha);
      if (!/^[0-9a-f]{64}$/.test(sha)) fields.push({ field: "sha256", message: "The SHA-256 must be the 64 letters and digits (0-9, a-f) the export showed" });
      else if (!made) fields.push({ field: "sha256", message: `No PDF of ${record.reference} with this SHA-256 was exported here: check the digest, or export the PDF first` });
      else if (made.draft) fields.push({ field: "sha256", message: "That PDF is a draft: only a final PDF is filed in the care record" });
      if (!args.place.trim()) fields.push({ field: "where", message: "Enter where it was filed" });
      if (!args.record_reference.trim()) fields.push({ field: "reference", message: "Enter the care record's reference" });
      if (!args.by.trim()) fields.push({ field: "by", message: "Enter who filed it" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      record.filed.push({ id: record.filed.length + 1, export_id: made!.id, sha256: sha, kind: made!.kind, place: args.place.trim(), record_reference: args.record_reference.trim(), filed_by: args.by.trim(), recorded_at: NOW });
      return page(record);
    },
  };

  // Long work reports its steps as the desktop's does, in the same shape; the rules stay in
  // the handlers. `window.fakeCalls` counts the calls of each; with `window.fakeHoldWork`
  // set, the work waits after its first step until `window.fakeReleaseWork()`.
  const progressHandlers = new Set<(report: Progress) => void>();
  const work = fakeWindow as unknown as { fakeCalls?: Record<string, number>; fakeHoldWork?: boolean; fakeReleaseWork?: () => void };
  const longWork = (name: CommandName, args: Record<string, unknown>): { work: Work; about: string; steps: string[] } | null => {
    switch (name) {
      case "capture_take":
        return { work: "capture", about: `access session ${args.session}`, steps: ["Checking the session", "Waiting for the session's recorder", "Taking the page", "Storing and signing the capture"] };
      case "export_pdf":
        return { work: "export_pdf", about: String(args.reference).trim(), steps: ["Reading the request, log and captures", "Reading the pictures", "Laying out the pages", "Drawing 7 pages", "Writing the PDF", "Recording the export in the audit trail"] };
      case "export_bundle":
        return { work: "bundle", about: String(args.reference).trim(), steps: ["Checking the audit chain", "Reading the request, log and captures", "Reading the pictures", "Laying out the care record", "Drawing 7 pages", "Writing the PDF", "Signing the manifest", "Writing the bundle", "Recording the export in the audit trail"] };
      case "subject_access_export":
        return { work: "subject_access", about: `person ${args.person}`, steps: ["Reading what is held about them", "Reading the capture", "Writing the original files", "Laying out the document", "Drawing 6 pages", "Writing the PDF", "Recording the export in the audit trail"] };
      case "retention_dispose":
        return { work: "disposal", about: "records due", steps: ["Working out what is due", "Deleting what is due", "Clearing the disposed pages from the browser profiles", "Removing the exported files that held them"] };
      default:
        return null;
    }
  };
  const report = (r: Progress) => progressHandlers.forEach((handler) => handler(structuredClone(r)));
  const pause = () =>
    work.fakeHoldWork
      ? new Promise<void>((resolve) => (work.fakeReleaseWork = () => { work.fakeHoldWork = false; resolve(); }))
      : new Promise<void>((resolve) => setTimeout(resolve, 0));

  return {
    async call(name, args) {
      const handler = handlers[name] as (a: typeof args) => Commands[typeof name]["response"];
      const calls = (work.fakeCalls ??= {});
      calls[name] = (calls[name] ?? 0) + 1;
      const long = longWork(name, args as Record<string, unknown>);
      if (!long) {
        // A copy each way, as if it had crossed IPC.
        return structuredClone(handler(structuredClone(args)));
      }
      const total = long.steps.length;
      let done = 0;
      report({ work: long.work, about: long.about, step: long.steps[0], done, total, finished: false, failed: false });
      await pause();
      try {
        const answer = structuredClone(handler(structuredClone(args)));
        for (const step of long.steps.slice(1)) {
          done += 1;
          report({ work: long.work, about: long.about, step, done, total, finished: false, failed: false });
          await pause();
        }
        report({ work: long.work, about: long.about, step: "Done", done: total, total, finished: true, failed: false });
        return answer;
      } catch (error) {
        report({ work: long.work, about: long.about, step: `Stopped: ${long.steps[done].toLowerCase()}`, done, total, finished: true, failed: true });
        throw error;
      }
    },
    async onProgress(handler) {
      progressHandlers.add(handler);
      return () => progressHandlers.delete(handler);
    },
    // No dialog and no PDF reader: the tests see what would have happened.
    async chooseProgram() {
      return (window as unknown as { fakeProgram?: string | null }).fakeProgram ?? null;
    },
    async chooseOpenFiles() {
      return (window as unknown as { fakeOpenFiles?: string[] }).fakeOpenFiles ?? [];
    },
    // `window.fakeOpenFile` is the file chosen; unset, the last file exported here.
    async chooseOpenFile() {
      const fake = window as unknown as { fakeOpenFile?: string | null };
      return fake.fakeOpenFile === undefined ? exports[exports.length - 1]?.path ?? null : fake.fakeOpenFile;
    },
    async chooseSaveFile(suggestedName) {
      const fake = window as unknown as { fakeSaveAs?: string | null };
      return fake.fakeSaveAs === undefined ? `/home/worker/Documents/${suggestedName}` : fake.fakeSaveAs;
    },
    async openPdf(path) {
      const fake = window as unknown as { fakeOpened?: string[] };
      (fake.fakeOpened ??= []).push(path);
    },
    // `window.fakeShortcut()` plays the global shortcut; `window.fakeOnTop` is the window's state.
    async onCaptureShortcut(handler) {
      const fake = window as unknown as { fakeShortcut?: () => void; fakeShortcutHandlers?: Set<() => void> };
      const handlers = (fake.fakeShortcutHandlers ??= new Set());
      handlers.add(handler);
      fake.fakeShortcut = () => handlers.forEach((h) => h());
      return () => handlers.delete(handler);
    },
    async keepOnTop(on) {
      (window as unknown as { fakeOnTop?: boolean }).fakeOnTop = on;
    },
  };
}
