// An in-memory Backend for UI tests in a plain browser: the same contract as the desktop,
// with just enough of the rules (required answers, dates in order, the authorisation steps
// and what they need) for the screens to show every state. The real rules live in Rust and
// are tested there; this is not a second implementation to trust.
import { longDate } from "./app";
import type { Backend } from "./backend";
import type {
  AawRecord, AccountRecord, CaptureItem, CapturePage, DisposalRecord, Due, HoldRecord, IncidentRecord, RetentionPage, SessionPage, AuthorisationRecord, CommandName, Contribution, Commands, DateParts, DraftRecord, FieldError, IpcError, PersonRecord, PossibleMatch,
  HomeGroup, HomeRequest, InvestigationLog, LogActions, LogPage, LogVersion, NextStep, PdfExportRecord, Request, RequestForm, RequestPage, RequestRecord, RequestState, Role,
  ShareRecipient, Step, StoreStatus, WorkerRecord, RegisterEntry, AuthorisationState, PilotFeedback, PilotReportArgs, PilotReportPage,
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

/** Two names are the same person's as typed: spaces and case aside (as the core compares them). */
function samePerson(a: string, b: string): boolean {
  const words = (s: string) => s.trim().toLowerCase().split(/\s+/).join(" ");
  return words(a) === words(b);
}

function fail(code: IpcError["code"], message: string, fields: FieldError[] = []): never {
  throw { code, message, fields, guards: [], refusals: [], url: null } satisfies IpcError;
}

/** A small picture for the captures' thumbnails: a 4 × 3 PNG. */
const THUMBNAIL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGOQs6mAIwacHAC74wnZDLXw0QAAAABJRU5ErkJggg==";

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
      if (!/^https?:\/\/[^/]+\.[^/]+/.test(p.url.trim())) errors.push({ field: `${at}.url`, message: "The profile's web address must start with https:// or http:// and name a site" });
    });
  });
  return errors;
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
  /** The report as the app computes it, over the fake's requests; an import named
   *  "tampered" is refused as the app refuses a changed export. */
  const pilotReport = (args: PilotReportArgs): PilotReportPage => {
    const bad = args.imports.find((p) => p.includes("tampered"));
    if (bad) fail("invalid_fields", "There is a problem", [{ field: "import", message: `${bad} is refused: its signature does not match its figures: it was changed after it was exported` }]);
    const [from, to] = [isoDate(args.from), isoDate(args.to)];
    if (from === "invalid" || to === "invalid") fail("invalid_fields", "There is a problem", [{ field: from === "invalid" ? "from" : "to", message: "The period's dates must be real dates, such as 1 9 2026" }]);
    if (from && to && to < from) fail("invalid_fields", "There is a problem", [{ field: "to", message: "The end of the period must not be before its start" }]);
    const checked = requests.filter((r) => !["draft", "submitted", "agreed", "doubts_raised", "permitted", "legitimacy_confirmed", "refused", "withdrawn", "referred_back"].includes(r.state));
    const given = [...pilot.values()].flatMap((p) => (p.feedback ? [p.feedback] : []));
    const rechecks = [...pilot.values()].flatMap((p) => (p.recheck ? [p.recheck] : []));
    const process = [...pilot.values()].flatMap((p) => p.process);
    const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
    const mean = (ns: number[]) => (ns.length ? Math.round((sum(ns) / ns.length) * 10) / 10 : null);
    const month = new Date().toISOString().slice(0, 7);
    const label = new Date().toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
    const count = (ratings: Contribution[]) => (["little", "some", "considerable", "significant"] as Contribution[]).map((rating) => ({ rating, count: ratings.filter((r) => r === rating).length }));
    return {
      report: {
        from: from || null, to: to || null, requests: requests.length, checks: checked.length,
        checks_per_month: checked.length ? [{ month, label, count: checked.length }] : [],
        feedback_given: given.length, feedback_awaited: 0,
        minutes_total: sum(given.map((f) => f.time_minutes)), minutes_per_check: mean(given.map((f) => f.time_minutes)), session_minutes_total: 25 * checked.length,
        useful_total: sum(given.map((f) => f.useful)), unique_total: sum(given.map((f) => f.unique)),
        useful_per_check: mean(given.map((f) => f.useful)), unique_per_check: mean(given.map((f) => f.unique)),
        ratings_at_finalisation: count(given.map((f) => f.rating)), ratings_at_six_months: count(rechecks.map((r) => r.rating)),
        permissions: 0, turnaround_mean_days: null, turnaround_median_days: null, refusals: 0, referrals_back: 0,
        repeat_viewing_warnings: 0, repeat_viewing_refusals: 0,
        process_ratings: process.length, process_ease_mean: mean(process.map((p) => p.ease)), process_effectiveness_mean: mean(process.map((p) => p.effectiveness)),
      },
      sources: [{ source: "this laptop", fingerprint: "ab".repeat(32), records: requests.length }, ...args.imports.map((p) => ({ source: p, fingerprint: "cd".repeat(32), records: 1 }))],
      duplicates: 0,
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
      const covers = a.person_id !== null ? record.request.subjects[a.person_id - 1]?.name ?? "" : `account ${a.account_id}`;
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
    captures.filter((c) => c.session === session).map((c) => ({ id: c.id, url: c.url, title: c.title, captured_at: c.captured_at, relevant: c.judgement ? c.judgement.relevant : null, cut_at_limit: c.cut_at_limit }));
  /** The guards the fake keeps: the request's state, the account, and repeat viewing (two
   *  views of a person within 30 days, then a directed surveillance authorisation). */
  const sessionGuards = (reference: string, subject: number, account: number): { warnings: string[] } => {
    const record = find(reference);
    const refusals: { code: string; reason: string; remedy: string }[] = [];
    if (!["legitimacy_confirmed", "in_progress"].includes(record.state)) {
      refusals.push({ code: "legitimacy_not_confirmed", reason: `request ${reference} is ${LABELS[record.state].toLowerCase()}, not confirmed as legitimate`, remedy: "the Authorised Access Worker must confirm the request is legitimate" });
    }
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
    state: initialised ? "ready" : "not_initialised", data_dir: "/fake/data", message: initialised ? "The store is open and its audit chain is intact" : "Create the store to begin",
    store_id: initialised ? "fake-store" : null, keystore: "in memory (UI tests)", keystore_warning: null, schema_version: initialised ? 3 : null,
    recovery_warning: initialised && recoveryLost ? "the recovery file /fake/data/recovery-key.json is missing: the recovery phrase cannot put the key back, so the store will be lost if its key is lost from the credential store" : null,
    policy_problem: null,
    rollback_warning: initialised && headMissing ? "a rollback to an earlier copy of the store can no longer be ruled out: the copy in the Linux kernel keyring (which loses it at every restart) of the audit chain's head is missing or cannot be read, so a data folder put back from a backup would go unnoticed. No new copy of the head is made until a person accepts the store as it stands, with who and why recorded in the audit chain" : null,
    audit: initialised ? { intact: true, events: 1, message: "intact: 1 events" } : null, organisation: "Example Council", protective_marking: "OFFICIAL-SENSITIVE",
  });
  const needProfile = () => profile ?? fail("refused", "there is no worker profile on this laptop: set one first");
  const find = (reference: string) => requests.find((r) => r.reference === reference) ?? fail("not_found", `there is no request ${reference}`);
  const draft = (id: number) => drafts.get(id) ?? fail("not_found", `there is no draft ${id}`);
  const page = (record: RequestRecord): RequestPage => {
    const open = [...drafts.values()].find((d) => d.request === record.reference)?.id ?? null;
    const next_steps: NextStep[] = TRANSITIONS.filter(([from]) => from === record.state).map(([, step, , role]) => ({
      step, role, label: STEP_LABELS[step]!, by: ROLE_LABELS[role],
      needs_evidence: ["agree", "permit", "refuse", "refer-back"].includes(step),
      needs_note: ["refuse", "refer-back", "raise-doubts", "withdraw"].includes(step),
      takes_conditions: step === "permit",
      primary: false,
      fixes: [
        ...(step === "submit" && open !== null ? [{ place: "draft" as const, id: open }] : []),
        ...(step === "confirm-legitimacy" && profile && samePerson(profile.name, record.request.originating_worker.name) ? [{ place: "elsewhere" as const }] : []),
        ...(step === "confirm-legitimacy" && profile && !aaws.some((a) => a.name.toLowerCase() === profile!.name.toLowerCase()) ? [{ place: "worker_profile" as const }] : []),
      ],
      missing: [
        ...(step === "submit" && open !== null ? ["Save or discard the changes being made to this request"] : []),
        ...(step === "confirm-legitimacy" && profile && samePerson(profile.name, record.request.originating_worker.name)
          ? [`You are this request's originating social worker: another Authorised Access Worker must confirm it, not ${record.request.originating_worker.name}`]
          : []),
        ...(step === "confirm-legitimacy" && profile && !aaws.some((a) => a.name.toLowerCase() === profile!.name.toLowerCase())
          ? [`${profile.name} is not in the register of Authorised Access Workers: register them on the worker profile screen`]
          : []),
      ],
    }));
    const mine: Record<string, Role[]> = { osw: ["Osw"], aaw: ["Aaw"], tm: ["Tm", "TmOrSd"] };
    const forward = (n: NextStep) => !n.missing.length && !["refuse", "refer-back", "raise-doubts", "withdraw"].includes(n.step);
    const first = next_steps.find((n) => forward(n) && profile !== null && mine[profile.role].includes(n.role)) ?? next_steps.find(forward);
    if (first) first.primary = true;
    const access = ["legitimacy_confirmed", "in_progress"].includes(record.state)
      ? accounts.length ? { missing: [], fixes: [] } : { missing: ["No sanctioned account is registered: add the council's account first"], fixes: [{ place: "sanctioned_accounts" as const }] }
      : null;
    return { record: structuredClone(record), draft: open, can_change: ["draft", "referred_back"].includes(record.state), next_steps, authorisations: authorisations.filter((a) => a.request === record.reference), access };
  };

  // The log's rules as the screens need them; the real ones are the store's, tested in Rust.
  const required = (fields: FieldError[], field: string, value: string, what: string) => {
    if (!value.trim()) fields.push({ field, message: `Enter ${what}` });
  };
  const moveTo = (record: RequestRecord, state: RequestState, step: Step, by: string) => {
    record.decisions.push({ step, step_label: step, from_state: record.state, to_state: state, decided_by: by, recorded_by: 1, recorded_by_name: profile?.name ?? "", evidence: null, note: null, conditions: null, at: NOW, decided_on: NOW.slice(0, 10) });
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
      comparison: other && shown && other !== shown
        ? compareLogs(other.version < shown.version ? other : shown, other.version < shown.version ? shown : other)
        : null,
    };
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
  const WAITS: Record<WorkerRecord["role"], RequestState[]> = {
    osw: ["draft", "referred_back", "log_completed", "finalised"], aaw: ["permitted", "legitimacy_confirmed", "in_progress"], tm: ["submitted", "shared"],
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
      profile = { id: 1, name: args.name.trim(), role: args.role as WorkerRecord["role"], staff_id: args.staff_id, updated_at: NOW };
      return profile;
    },
    aaw_list: () => structuredClone(aaws),
    aaw_register: (args) => {
      const fields: FieldError[] = [];
      if (!args.name.trim()) fields.push({ field: "name", message: "Enter the worker's name" });
      const trained = isoDate(args.trained);
      if (trained === "invalid") fields.push({ field: "trained", message: "The date of training must be a real date, such as 31 3 2026 (2026-03-31 in a file)" });
      else if (trained && trained > NOW.slice(0, 10)) fields.push({ field: "trained", message: "The date of training must not be in the future" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const evidence = args.evidence.trim() || null;
      const record: AawRecord = { id: aaws.length + 1, name: args.name.trim(), registered_at: NOW, evidence, trained_on: trained, incomplete: !evidence || !trained };
      aaws.push(record);
      return record;
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
      if (!args.decided_by.trim()) fields.push({ field: "by", message: "Enter who decided" });
      if (current.needs_evidence && !args.evidence.trim()) fields.push({ field: "evidence", message: "Enter the evidence of the decision, such as the reference of the email or memo" });
      if (current.needs_note && !args.note.trim()) fields.push({ field: "note", message: `Enter why: "${current.label}" needs a note of the reason` });
      const day = isoDate(args.decided_on);
      const follows = record.decisions[record.decisions.length - 1]?.decided_on ?? null;
      if (day === "invalid") fields.push({ field: "decided_on", message: "The date of the decision must be a real date, such as 31 3 2026 (2026-03-31 in a file)" });
      else if (day && day > NOW.slice(0, 10)) fields.push({ field: "decided_on", message: "The date of the decision must not be in the future" });
      else if (day && follows && day < follows) fields.push({ field: "decided_on", message: "The date of the decision must not be before the step it follows" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      const text = (v: string) => (v.trim() ? v.trim() : null);
      record.decisions.push({ step: args.step, step_label: current.label, from_state: record.state, to_state: transition[2], decided_by: args.decided_by.trim(), recorded_by: 1, recorded_by_name: profile!.name, evidence: text(args.evidence), note: text(args.note), conditions: text(args.conditions), at: NOW, decided_on: (day as string | null) ?? NOW.slice(0, 10) });
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
        created_at: NOW, updated_at: NOW, request, subjects: linkPersons(request, settled), decisions: [], filed: [],
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
    session_check: (args) => sessionGuards(args.reference, args.subject, args.account),
    session_start: (args) => {
      const warnings = sessionGuards(args.reference, args.subject, args.account).warnings;
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
      if (record.state === "legitimacy_confirmed") moveTo(record, "in_progress", "start-access", profile?.name ?? "");
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
        id, session: session.id, request: session.request, url, title, captured_at: at, captured_at_text: "23 November 2026 10:00:01 GMT (UK time)",
        provenance: [
          { label: "Address as visited", value: url }, { label: "Address as finally served", value: url }, { label: "Title", value: title },
          { label: "Captured at", value: "23 November 2026 10:00:01 GMT (UK time)" }, { label: "Capture completed", value: "23 November 2026 10:00:02 GMT (UK time)" }, { label: "HTTP status", value: "200 OK" },
          { label: "Server address", value: "157.240.1.35 port 443" }, { label: "TLS", value: "TLS 1.3, AES_128_GCM\nCertificate for *.facebook.com" },
          ...(args.outside_scope_reason.trim() ? [{ label: "Outside the listed profiles because", value: args.outside_scope_reason.trim() }] : []),
          { label: "Full page taken", value: whole ? `By scrolling: ${taken.label}` : "All at once: the page at one moment, in 1 tile(s)" },
        ],
        artefacts, signature_valid: true, signature_problem: null, stored_hashes_match: true, thumbnail: THUMBNAIL, judgement: null, findings: [], blurred: false, disputes: [], redactions: [], cut_at_limit, taken,
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
    policy_platforms: () => ({ allowed: ["facebook", "instagram", "x", "tiktok", "linkedin", "youtube", "snapchat", "threads", "reddit"] }),
    home_get: () => ({
      worker: profile ? structuredClone(profile) : null,
      waiting_for_you: profile ? requests.filter((r) => WAITS[profile!.role].includes(r.state)).map(homeRequest) : [],
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
    log_get: (args) => logPage(args.reference, args.version, args.compare),
    log_add_search: (args) => {
      const record = find(args.reference);
      const f = args.search;
      const fields: FieldError[] = [];
      const date = isoDate(f.date);
      if (date === "invalid") fields.push({ field: "at", message: "The date must be a real date, such as 23 11 2026" });
      else if (date === null && f.time.trim()) fields.push({ field: "at", message: "Enter the date as well as the time" });
      else if (date !== null && !/^([01]?\d|2[0-3])[:.][0-5]\d$/.test(f.time.trim())) fields.push({ field: "at", message: "Enter the time on the 24-hour clock, such as 14:05" });
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
      if (record.state === "legitimacy_confirmed") moveTo(record, "in_progress", "start-access", profile?.name ?? "");
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
      if (!args.by.trim()) fail("invalid_fields", "There is a problem", [{ field: "by", message: "Enter who completed the log" }]);
      version.log.completed = { by: args.by.trim(), at: NOW };
      moveTo(record, "log_completed", "complete-log", args.by.trim());
      return logPage(record.reference);
    },
    log_finalise: (args) => {
      const { record, version } = editable(args.reference);
      const correcting = version.version > 1 && ["finalised", "shared", "closed"].includes(record.state);
      if (!correcting && record.state !== "log_completed") fail("illegal_step", `finalise-log is not allowed: the request is ${record.state}`);
      const fields: FieldError[] = [];
      required(fields, "by", args.by, "who assessed the findings");
      if (!["little", "some", "considerable", "significant"].includes(args.rating)) fields.push({ field: "rating", message: "Rating must be little, some, considerable or significant" });
      required(fields, "assessment", args.assessment, "the assessment of the information");
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      version.log.assessment = { by: args.by.trim(), at: NOW, rating: args.rating as Contribution, text: args.assessment.trim() };
      version.finalised_at = NOW;
      if (!correcting) moveTo(record, "finalised", "finalise-log", args.by.trim());
      return logPage(record.reference);
    },
    log_share: (args) => {
      const record = find(args.reference);
      const versions = logs.get(record.reference) ?? [];
      const version = versions[versions.length - 1];
      if (!version?.finalised_at || !["finalised", "shared"].includes(record.state)) fail("illegal_step", `share is not allowed: the request is ${record.state}`);
      const fields: FieldError[] = [];
      required(fields, "by", args.by, "who shared the log");
      if (!args.with.length) fields.push({ field: "with", message: "Say who the log was shared with: tm, sm and sd" });
      if (fields.length) fail("invalid_fields", "There is a problem", fields);
      version.log.shared.push({ with: args.with as ShareRecipient[], by: args.by.trim(), at: NOW });
      if (record.state === "finalised") moveTo(record, "shared", "share", args.by.trim());
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

  return {
    async call(name, args) {
      const handler = handlers[name] as (a: typeof args) => Commands[typeof name]["response"];
      // A copy each way, as if it had crossed IPC.
      return structuredClone(handler(structuredClone(args)));
    },
    // No dialog and no PDF reader: the tests see what would have happened.
    async chooseOpenFiles() {
      return (window as unknown as { fakeOpenFiles?: string[] }).fakeOpenFiles ?? [];
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
