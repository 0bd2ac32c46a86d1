// Generated from src-tauri/crates/ipc (the IPC contract): do not edit.
// `UPDATE_IPC_TS=1 cargo test -p triangulate-ipc` writes it again.

export type ErrorCode = "not_initialised" | "already_initialised" | "key_missing" | "wrong_key" | "disk_full" | "keystore_unavailable" | "recovery_failed" | "store_damaged" | "store_rolled_back" | "journal_missing" | "newer_schema" | "invalid_input" | "invalid_fields" | "unknown_staff" | "refused" | "guard_refused" | "illegal_step" | "not_found" | "invalid_policy" | "io_failed" | "database_failed" | "browser_failed" | "recording_stopped" | "outside_scope" | "log_not_finalised" | "captures_unjudged" | "internal";

export type IpcError = { code: ErrorCode, message: string, fields: Array<FieldError>, 
/**
 * The guards that refused (`request_not_permitted`, `repeat_viewing_limit`…), in the
 * order they were checked.
 */
guards: Array<string>, 
/**
 * The same refusals with why and what would allow each, for the screen to show.
 */
refusals: Array<Refusal>, 
/**
 * The page a refusal is about (`outside_scope`): its address, page content, text only.
 */
url: string | null, };

export type FieldError = { field: string, message: string, };

export type NoArgs = Record<string, never>;

export type Done = Record<string, never>;

export type StoreStatus = { state: StoreState, data_dir: string, message: string, store_id: string | null, keystore: string, keystore_warning: string | null, 
/**
 * The recovery file is missing, unreadable or not this store's: the store is lost when
 * the key is.
 */
recovery_warning: string | null, 
/**
 * The local policy file is not valid: commands that need the policy refuse until fixed.
 */
policy_problem: string | null, 
/**
 * A copy of the audit chain's head kept outside the database is missing or cannot be
 * read: a rollback to an earlier copy of the store can no longer be ruled out, until a
 * person accepts the store as it stands.
 */
rollback_warning: string | null, schema_version: number | null, audit: AuditSummary | null, organisation: string, protective_marking: string, };

export type StoreState = "not_initialised" | "ready" | "key_missing" | "wrong_key" | "rolled_back" | "damaged" | "unavailable";

export type AuditSummary = { intact: boolean, events: number, message: string, };

export type InitialisedStore = { recovery_phrase: Array<string>, status: StoreStatus, };

export type WorkerRecord = { id: number, name: string, role: WorkerRole, staff_id: string | null, updated_at: string, };

export type WorkerRole = "aaw" | "osw" | "tm";

export type WorkerProfileInput = { name: string, role: string, staff_id: string | null, };

export type AawRecord = { id: number, name: string, 
/**
 * The person of the staff directory.
 */
person: StaffRef, 
/**
 * The service director whose decision it is.
 */
decided_by: StaffRef | null, registered_at: string, 
/**
 * The reference of the service director's decision to register them.
 */
evidence: string | null, 
/**
 * When they were trained in the protocol.
 */
trained_on: string | null, 
/**
 * Registered without the service director's decision, the evidence or the training
 * date: the register flags it, and they take no access worker's step until completed.
 */
incomplete: boolean, };

export type AawRegisterArgs = { 
/**
 * The access worker: a staff ID or a name in the staff directory.
 */
name: string, 
/**
 * The service director whose decision it is: a staff ID or a name.
 */
decided_by: string, 
/**
 * The reference of the service director's decision.
 */
evidence: string, 
/**
 * The date the worker was trained.
 */
trained: DateParts, };

export type StaffRef = { 
/**
 * Their entry in the staff directory (`None` only for a record the directory could not
 * be matched to).
 */
id: number | null, staff_id: string | null, 
/**
 * The name as the record gives it.
 */
name: string, };

export type StaffRecord = { id: number, staff_id: string | null, name: string, team: string | null, roles: Array<StaffRole>, 
/**
 * Why the entry needs checking (added from a name in the records, role unknown).
 */
review: string | null, left_on: string | null, added_at: string, aaw: AawRegistration, 
/**
 * The person using this laptop.
 */
laptop_worker: boolean, };

export type StaffDirectory = { staff: Array<StaffRecord>, 
/**
 * How many entries are flagged for review.
 */
to_review: number, };

export type StaffRole = "osw" | "tm" | "sm" | "sd" | "aaw" | "legal";

export type AawRegistration = "not_registered" | "incomplete" | "registered";

export type StaffAddArgs = { name: string, 
/**
 * osw, tm, sm, sd, aaw, legal.
 */
roles: Array<string>, 
/**
 * Empty when they have none.
 */
staff_id: string, 
/**
 * Empty when not known.
 */
team: string, };

export type StaffImportArgs = { text: string, };

export type StaffUpdateArgs = { person: string, name: string, roles: Array<string>, staff_id: string, team: string, };

export type StaffLeaveArgs = { person: string, on: DateParts, };

export type StaffChoice = { id: number, 
/**
 * What the decider field takes to name them: their staff ID, or their name.
 */
value: string, name: string, 
/**
 * "Tomasz Wiśniewski (team manager)".
 */
label: string, };

export type VersionSigned = { version: number, 
/**
 * Who started it as a correction of the version before, when it is one.
 */
corrected_by: string | null, completed_by: string | null, completed_on: string | null, finalised_by: string | null, finalised_on: string | null, 
/**
 * "Version 2: completed by Ana Access on 4 December 2026; finalised by Siân
 * Pritchard-Jones on 6 December 2026".
 */
in_words: string, };

export type HomeTask = { reference: string, step: Step, 
/**
 * "Run the access session for Zoë Łukasiewicz-Ó'Brien".
 */
words: string, waited: string, };

export type StepOffer = { step: Step, yours: boolean, 
/**
 * Why they may not (separation of duties), in words.
 */
not_yours: Array<string>, 
/**
 * Who in the staff directory may take it now, for a decision recorded for them.
 */
waits_for: Array<StaffChoice>, };

export type RequestListArgs = { 
/**
 * Words to find in the reference, the case reference or a person's name; empty for all.
 */
query: string, };

export type RequestList = { requests: Array<RequestSummary>, 
/**
 * Forms being filled in for new requests (drafts of changes show on their request).
 */
drafts: Array<DraftSummary>, };

export type RequestSummary = { reference: string, state: RequestState, state_label: string, case_reference: string, subjects: Array<string>, parent: string | null, flagged_for_sd: boolean, updated_at: string, };

export type RequestState = "draft" | "submitted" | "agreed" | "permitted" | "refused" | "referred_back" | "legitimacy_confirmed" | "doubts_raised" | "in_progress" | "log_completed" | "finalised" | "shared" | "closed" | "withdrawn";

export type ReferenceArgs = { reference: string, };

export type RequestPage = { record: RequestRecord, 
/**
 * The draft of changes to this request, when one is open.
 */
draft: number | null, can_change: boolean, next_steps: Array<NextStep>, authorisations: Array<AuthorisationRecord>, 
/**
 * Once legitimacy is confirmed, and while the check is in progress: what an access
 * session still needs.
 */
access: AccessReadiness | null, };

export type NextStep = { step: Step, label: string, role: Role, 
/**
 * Who takes it, in words.
 */
by: string, 
/**
 * Whether recording it now would be for someone else, with the evidence it came in:
 * true when the person using this laptop may not take it in their own name.
 */
needs_evidence: boolean, needs_note: boolean, takes_conditions: boolean, 
/**
 * What must be done before this step can be taken; empty when it can be taken now.
 */
missing: Array<string>, 
/**
 * Where each of `missing` is put right, in the same order.
 */
fixes: Array<FixPlace>, 
/**
 * The one step to offer first to the person using the app.
 */
primary: boolean, 
/**
 * Whether the person using this laptop may take it now, in their own name.
 */
yours: boolean, 
/**
 * Why they may not (separation of duties), in words; empty when they may.
 */
not_yours: Array<string>, 
/**
 * The people of the staff directory who may take it now, for a decision made by email
 * and recorded here.
 */
waits_for: Array<StaffChoice>, };

export type FixPlace = { "place": "elsewhere" } | { "place": "worker_profile" } | { "place": "sanctioned_accounts" } | { "place": "draft", id: number, };

export type AccessReadiness = { missing: Array<string>, fixes: Array<FixPlace>, 
/**
 * The service director's conditions, which the worker confirms when a session starts.
 */
conditions: string | null, };

export type Step = "submit" | "agree" | "permit" | "refuse" | "refer-back" | "confirm-legitimacy" | "raise-doubts" | "start-access" | "complete-log" | "finalise-log" | "share" | "close" | "withdraw";

export type Role = "Osw" | "Tm" | "Sd" | "TmOrSd" | "SmOrSd" | "Aaw";

export type RequestRecord = { id: number, reference: string, state: RequestState, state_label: string, allowed_steps: Array<Step>, parent: string | null, flagged_for_sd: boolean, created_at: string, updated_at: string, request: Request, subjects: Array<SubjectLink>, decisions: Array<DecisionRecord>, 
/**
 * Each version of the investigation log: who completed it and who finalised it.
 */
log_versions: Array<VersionSigned>, 
/**
 * The PDFs of this request filed in the care record system.
 */
filed: Array<FilingRecord>, };

export type Request = { case_reference: string, originating_worker: Worker, team_manager: Manager, reason: Reason, concern: string, triangulation: string, scope: Scope, monitoring_justification: string | null, period: Period, consent: Consent, legal_advice_reference: string | null, subjects: Array<Subject>, };

export type Worker = { name: string, team: string, };

export type Manager = { name: string, };

export type Reason = "misleading_information" | "abusive_adult_relationship" | "risky_behaviour" | "person_posing_risk" | "tracing" | "prospective_adopter" | "other";

export type Scope = "one_off" | "monitoring";

export type Period = { from: string, to: string, };

export type Consent = { status: ConsentStatus, reason: string | null, reference: string | null, };

export type ConsentStatus = "written" | "informed" | "not_sought";

export type Subject = { name: string | null, description: string | null, aliases: Array<string>, date_of_birth: string | null, relationship: string | null, role: SubjectRole, profiles: Array<Profile>, };

export type SubjectRole = "subject" | "associate" | "suspected_associate";

export type Profile = { platform: string, url: string, };

export type SubjectLink = { subject: number, person_id: number | null, };

export type DecisionRecord = { step: Step, step_label: string, from_state: RequestState, to_state: RequestState, 
/**
 * Who decided, by name as recorded.
 */
decided_by: string, 
/**
 * Who decided: a person of the staff directory.
 */
decider: StaffRef, 
/**
 * The role they decided in, where known.
 */
decided_as: StaffRole | null, 
/**
 * Who recorded it on this laptop, by name: the same person, or someone recording it for
 * them with the evidence it came in.
 */
recorded_by: string, 
/**
 * The same as `recorded_by`, kept for scripts written before the staff directory.
 */
recorded_by_name: string, 
/**
 * Who recorded it: a person of the staff directory.
 */
recorder: StaffRef, 
/**
 * The log version a log step concerns.
 */
log_version: number | null, 
/**
 * The decision in one sentence, as the screens and the PDFs say it.
 */
in_words: string, evidence: string | null, note: string | null, conditions: string | null, 
/**
 * When it was recorded.
 */
at: string, 
/**
 * The day it was decided; `None` for decisions recorded before dates were kept.
 */
decided_on: string | null, };

export type FilingRecord = { id: number, export_id: number, sha256: string, kind: PdfKind, 
/**
 * Where it was filed.
 */
place: string, 
/**
 * The care record's reference.
 */
record_reference: string, filed_by: string, recorded_at: string, };

export type PdfKind = "care_record" | "request" | "log";

export type ExportPdfArgs = { reference: string, 
/**
 * The file chosen in the save dialog; an existing file is never replaced.
 */
path: string, draft: boolean, 
/**
 * Only the request or only the log; the care record when `None`.
 */
only: PdfKind | null, };

export type ExportFiledArgs = { reference: string, sha256: string, 
/**
 * Where it was filed (the CLI's `--where`).
 */
place: string, 
/**
 * The care record's reference (the CLI's `--reference`).
 */
record_reference: string, by: string, };

export type ExportFileDigestArgs = { path: string, };

export type FileDigest = { path: string, name: string, size: number, sha256: string, };

export type PdfExported = { path: string, export: PdfExportRecord, };

export type PdfExportRecord = { id: number, kind: PdfKind, draft: boolean, sha256: string, bytes: number, pages: number, log_version: number | null, exhibits: Array<number>, path: string, exported_at: string, };

export type ExportBundleArgs = { reference: string, path: string, draft: boolean, };

export type BundleExported = { path: string, 
/**
 * SHA-256 of `manifest.json`: what the audit chain records.
 */
manifest_sha256: string, bytes: number, 
/**
 * The files the manifest lists.
 */
files: number, 
/**
 * The signing key's fingerprint (hex of the SHA-256 of the raw public key).
 */
fingerprint: string, draft: boolean, 
/**
 * When the time-stamping authority says it saw the manifest (RFC 3339), if the policy
 * names one.
 */
timestamped_at: string | null, };

export type RequestStepArgs = { reference: string, step: Step, decided_by: string, evidence: string, note: string, conditions: string, 
/**
 * The day it was decided; all empty for today.
 */
decided_on: DateParts, };

export type DraftStartArgs = { 
/**
 * The request to change; `None` starts a new request.
 */
reference: string | null, 
/**
 * A new request for another person whose page was found during a check.
 */
linked: LinkedDraftArgs | null, };

export type DraftIdArgs = { id: number, };

export type DraftSaveArgs = { id: number, form: RequestForm, };

export type DraftSaved = { id: number, updated_at: string, };

export type DraftRecord = { id: number, 
/**
 * The request this draft changes; `None` for a new request.
 */
request: string | null, 
/**
 * For a new request about another person found during a check: the request of that
 * check. The request made from it is linked and flagged for the service director.
 */
parent: string | null, form: RequestForm, created_at: string, updated_at: string, };

export type DraftSummary = { id: number, request: string | null, title: string, updated_at: string, };

export type DraftCheck = { errors: Array<FieldError>, possible_matches: Array<PossibleMatch>, };

export type PossibleMatch = { subject: number, person: PersonRecord, 
/**
 * The earlier requests that name this person, by reference with their case, so the
 * worker can tell whether it is the same family.
 */
earlier_requests: Array<EarlierRequest>, };

export type EarlierRequest = { reference: string, case_reference: string, };

export type PersonRecord = { id: number, name: string, aliases: Array<string>, date_of_birth: string | null, created_at: string, };

export type Settlement = { subject: number, same_person: number | null, };

export type DraftCommitArgs = { id: number, settlements: Array<Settlement>, };

export type RequestForm = { case_reference: string, originating_worker: WorkerForm, team_manager: ManagerForm, reason: Reason | null, concern: string, triangulation: string, scope: Scope | null, monitoring_justification: string, period: PeriodForm, consent: ConsentForm, legal_advice_reference: string, subjects: Array<SubjectForm>, };

export type WorkerForm = { name: string, team: string, };

export type ManagerForm = { name: string, };

export type DateParts = { day: string, month: string, year: string, };

export type PeriodForm = { from: DateParts, to: DateParts, };

export type ConsentForm = { status: ConsentStatus | null, reason: string, reference: string, };

export type SubjectForm = { role: SubjectRole | null, name: string, description: string, 
/**
 * Other names, one a line.
 */
aliases: string, date_of_birth: DateParts, relationship: string, profiles: Array<ProfileInput>, };

export type ProfileInput = { platform: string, url: string, };

export type AccountRecord = { id: number, platform: string, handle: string, identifiable_as_council: boolean, created_at: string, };

export type AccountAddArgs = { platform: string, handle: string, identifiable_as_council: boolean | null, };

export type AuthorisationRecord = { id: number, request: string, kind: AuthorisationKind, reference: string, officer: string, granted: string, review_due: string | null, expires: string, person_id: number | null, account_id: number | null, cancelled_at: string | null, cancelled_by: string | null, cancel_reason: string | null, renewals: Array<Renewal>, 
/**
 * The day a justice of the peace approved it, and who recorded it.
 */
approved: string | null, approved_by: string | null, reviews: Array<AuthorisationReview>, urgent: boolean, confidential_likely: boolean, };

export type AuthorisationKind = "directed_surveillance" | "chis" | "non_ripa";

export type Renewal = { by: string, recorded_at: string, previous_expiry: string, expires: string, review_due: string | null, };

export type AuthorisationReview = { by: string, outcome: string, reviewed_on: string, recorded_at: string, next_review: string | null, };

export type AuthorisationAddArgs = { request: string, kind: AuthorisationKind | null, reference: string, officer: string, granted: DateParts, 
/**
 * Empty for the policy's default review interval.
 */
review: DateParts, 
/**
 * Empty for the policy's default term.
 */
expires: DateParts, 
/**
 * The subject number within the request, for directed surveillance.
 */
person: number | null, 
/**
 * The sanctioned account, for CHIS.
 */
account: number | null, 
/**
 * The day a justice of the peace approved it (RIPA kinds); empty when not yet.
 */
approved: DateParts, urgent: boolean, confidential_likely: boolean, };

export type AuthorisationState = "awaiting_approval" | "in_force" | "review_due" | "review_overdue" | "expired" | "cancelled";

export type RegisterEntry = { 
/**
 * The person it covers (directed surveillance, non-RIPA) or the account (CHIS), in words.
 */
covers: string, 
/**
 * The request's named subjects.
 */
subjects: Array<string>, state: AuthorisationState, state_label: string, id: number, request: string, kind: AuthorisationKind, reference: string, officer: string, granted: string, review_due: string | null, expires: string, person_id: number | null, account_id: number | null, cancelled_at: string | null, cancelled_by: string | null, cancel_reason: string | null, renewals: Array<Renewal>, 
/**
 * The day a justice of the peace approved it, and who recorded it.
 */
approved: string | null, approved_by: string | null, reviews: Array<AuthorisationReview>, urgent: boolean, confidential_likely: boolean, };

export type AuthorisationApproveArgs = { 
/**
 * The authorisation's URN.
 */
reference: string, approved: DateParts, by: string, };

export type AuthorisationReviewArgs = { reference: string, by: string, outcome: string, 
/**
 * Empty for the policy's review interval.
 */
next: DateParts, };

export type AuthorisationCancelArgs = { reference: string, by: string, reason: string, };

export type CentralRecordArgs = { 
/**
 * The file chosen in the save dialog; an existing file is never replaced.
 */
path: string, };

export type CentralRecord = { path: string, rows: number, sha256: string, };

export type RequestRefArgs = { reference: string, };

export type PilotFeedback = { finalised_on: string | null, 
/**
 * The access sessions' minutes, summed: what the time taken is prefilled with.
 */
session_minutes: number, feedback: FeedbackRecord | null, recheck: RecheckRecord | null, process: Array<ProcessRecord>, };

export type FeedbackRecord = { time_minutes: number, useful: number, unique: number, rating: Contribution, comments: string | null, given_by: string, recorded_at: string, };

export type RecheckRecord = { rating: Contribution, comments: string | null, given_by: string, recorded_at: string, };

export type ProcessRecord = { ease: number, effectiveness: number, comments: string | null, given_by: string, recorded_at: string, };

export type FeedbackGiveArgs = { reference: string, time_minutes: string, useful: string, unique: string, rating: Contribution | null, comments: string, by: string, };

export type FeedbackRecheckArgs = { reference: string, rating: Contribution | null, comments: string, by: string, };

export type FeedbackProcessArgs = { reference: string, ease: number | null, effectiveness: number | null, comments: string, by: string, };

export type PilotReportArgs = { from: DateParts, to: DateParts, imports: Array<string>, };

export type ReportFormat = "csv" | "pdf";

export type PilotReportWriteArgs = { report: PilotReportArgs, format: ReportFormat, 
/**
 * The file chosen in the save dialog; an existing file is never replaced.
 */
path: string, };

export type PilotExportArgs = { path: string, };

export type PilotReportPage = { report: PilotReport, sources: Array<PilotSource>, duplicates: number, 
/**
 * Whether the period is the policy's pilot period (neither date given).
 */
pilot_period: boolean, };

export type PilotSource = { 
/**
 * `this laptop`, or the file imported.
 */
source: string, fingerprint: string, records: number, };

export type PilotReport = { from: string | null, to: string | null, 
/**
 * Requests made in the period.
 */
requests: number, 
/**
 * Requests checked (at least one access session), and how many each month.
 */
checks: number, checks_per_month: Array<MonthCount>, 
/**
 * Checks with the social worker's feedback.
 */
feedback_given: number, 
/**
 * Checks finalised with no feedback yet.
 */
feedback_awaited: number, 
/**
 * Minutes a check took, by the feedback: total and mean.
 */
minutes_total: number, minutes_per_check: number | null, 
/**
 * The access sessions' own minutes, summed, for comparison.
 */
session_minutes_total: number, useful_total: number, unique_total: number, useful_per_check: number | null, unique_per_check: number | null, ratings_at_finalisation: Array<RatingCount>, ratings_at_six_months: Array<RatingCount>, 
/**
 * Days from submission to the service director's permission: how many, mean, median.
 */
permissions: number, turnaround_mean_days: number | null, turnaround_median_days: number | null, refusals: number, referrals_back: number, repeat_viewing_warnings: number, repeat_viewing_refusals: number, 
/**
 * Ratings of the authorisation process: how many, and the mean of each (1 to 5).
 */
process_ratings: number, process_ease_mean: number | null, process_effectiveness_mean: number | null, };

export type MonthCount = { 
/**
 * `2026-11`.
 */
month: string, 
/**
 * `November 2026`.
 */
label: string, count: number, };

export type RatingCount = { rating: Contribution, count: number, };

export type ReportWritten = { path: string, sha256: string, };

export type PilotExported = { path: string, records: number, sha256: string, 
/**
 * The installation key's fingerprint, which the report names for each laptop.
 */
fingerprint: string, };

export type LinkedDraftArgs = { parent: string, url: string, };

export type RetentionPage = { due: Array<Due>, held: Array<string>, holds: Array<HoldRecord>, disposals: Array<DisposalRecord>, clock: Clock, };

export type IncidentsPage = { incidents: Array<IncidentRecord>, };

export type IncidentRecordArgs = { what: string, occurred_on: DateParts, reported_by: string, people: string, action: string, 
/**
 * Empty when it concerns no request.
 */
request: string, };

export type DisputeRecordArgs = { capture: number | null, request: string | null, finding: number | null, by: string, text: string, };

export type SubjectAccessArgs = { 
/**
 * The person's id, as a request's subjects give it.
 */
person: number, 
/**
 * A new folder to write to.
 */
out: string, };

export type SubjectAccessExported = { 
/**
 * The PDF for the person.
 */
pdf: string, sha256: string, pages: number, 
/**
 * The original files of each capture of their pages, with each signed manifest.
 */
originals: Array<string>, 
/**
 * What must be looked at, and redacted where needed, before disclosure.
 */
flagged: Array<string>, 
/**
 * What is held but not in the export, and why: another person's capture, and the files
 * that would show what a redaction hides.
 */
withheld: Array<Withheld>, };

export type Withheld = { capture: number, 
/**
 * `capture` (the whole capture), or the file's kind (`full_page_png`, `mhtml`, `warc`…).
 */
item: string, why: string, };

export type IncidentRecord = { id: number, incident: Incident, recorded_at: string, };

export type DisputeRecord = { id: number, target: DisputeTarget, request: string, disputed_by: string, text: string, recorded_at: string, };

export type DisputeTarget = { "kind": "capture", id: number, } | { "kind": "finding", number: number, };

export type Incident = { what: string, occurred_on: string, reported_by: string, people: Array<string>, action: string, request: string | null, };

export type RetentionDisposeArgs = { by: string, };

export type RetentionHoldArgs = { reference: string, by: string, reason: string, };

export type Due = { kind: RecordKind, 
/**
 * The request's reference, or the capture's, session's, draft's or incident's number.
 */
id: string, request: string | null, rule: Rule, trigger_on: string, due_on: string, 
/**
 * In words: why it is due.
 */
why: string, };

export type RecordKind = "request" | "capture" | "session_trail" | "draft" | "audit_events" | "incident";

export type Rule = "refused_or_withdrawn" | "closed" | "stalled" | "capture_not_relevant" | "capture_relevant" | "session_trail" | "abandoned_draft" | "audit_events" | "incident";

export type HoldRecord = { request: string, placed_by: string, reason: string, placed_at: string, released_by: string | null, release_reason: string | null, released_at: string | null, };

export type DisposalRecord = { kind: RecordKind, object: string, request: string | null, digests: Array<string>, rule: Rule, trigger_on: string, due_on: string, disposed_at: string, disposed_by: string, 
/**
 * Whose clock dated it: `laptop_clock` (this laptop's own, unchecked) or `tsa` (a
 * time-stamping authority's answer, kept with the tombstone, agreed within a day).
 */
time_source: string, 
/**
 * The time the authority gave, when `time_source` is `tsa`.
 */
timestamped_at: string | null, };

export type Clock = { 
/**
 * `laptop_clock` (nothing checks the laptop's clock but the latest event) or `tsa`.
 */
source: string, 
/**
 * The laptop's time (RFC 3339, UTC) and its date in the UK: what is due is due by it.
 */
laptop_time: string, laptop_date: string, 
/**
 * The authority asked, when the policy names one.
 */
authority: string | null, };

export type SessionCheckArgs = { reference: string, 
/**
 * The person to check: their number in the request, from 1.
 */
subject: number, account: number, };

export type SessionCheck = { warnings: Array<string>, 
/**
 * The service director's conditions, which the worker confirms before the session starts.
 */
conditions: string | null, };

export type SessionStartArgs = { reference: string, 
/**
 * The person to check: their number in the request, from 1.
 */
subject: number, account: number, 
/**
 * The worker confirmed the service director's conditions.
 */
conditions_confirmed: boolean, 
/**
 * No window: for tests.
 */
headless: boolean, };

export type SessionIdArgs = { id: number, };

export type SessionPage = { id: number, request: string, subject: number, account_id: number, browser: string, started_at: string, ended_at: string | null, end_reason: string | null, 
/**
 * When the recorder was found gone: nothing is captured until recording resumes.
 */
recording_stopped_at: string | null, trail: Array<TrailStep>, 
/**
 * What the worker should know before going on (after a start).
 */
warnings: Array<string>, 
/**
 * Who is being checked, as the request names them.
 */
person: string, 
/**
 * The sanctioned account: its handle and platform.
 */
account: string, 
/**
 * The person's listed profiles.
 */
profiles: Array<string>, captures: Array<CaptureItem>, 
/**
 * A capture is being taken now (by the button or the shortcut).
 */
capturing: boolean, 
/**
 * The keys that capture while the browser has focus, as the policy sets them.
 */
shortcut: string, };

export type CaptureItem = { id: number, url: string, title: string, 
/**
 * When its pictures were taken (the signed manifest's `capture_started_at`), RFC 3339.
 */
captured_at: string, 
/**
 * The worker's judgement, once given: whether it is relevant.
 */
relevant: boolean | null, 
/**
 * Set when the page was taller than the policy's limit and was cut there.
 */
cut_at_limit: CutAtLimit | null, };

export type TrailStep = { at: string, kind: string, tab: string, url: string, };

export type CaptureTakeArgs = { session: number, 
/**
 * Go to this address first; empty for the tab the worker is looking at.
 */
url: string, 
/**
 * The worker's statement that the page was visible without friending or interacting.
 */
statement: string, 
/**
 * Why a page outside the person's listed profiles belongs to this person; empty if none.
 */
outside_scope_reason: string, 
/**
 * "Capture the whole timeline": take it by scrolling and follow it as it loads more,
 * back to the request's period start or the policy's limits. Absent is false.
 */
whole_timeline?: boolean, };

export type CaptureSummary = { capture_id: number, url: string, artefacts: Array<ArtefactSummary>, 
/**
 * Set when the page was taller than the policy's limit and was cut there.
 */
cut_at_limit: CutAtLimit | null, 
/**
 * Which way the full page was taken (at one moment, or by scrolling and why).
 */
taken: TakenWay, };

export type CutAtLimit = { 
/**
 * The page's whole height, in CSS pixels.
 */
page_height_css: number, 
/**
 * How much of it the full-page picture holds, from the top.
 */
captured_height_css: number, 
/**
 * The policy's `capture.full_page_max_css_px` when it was taken.
 */
limit_css_px: number, 
/**
 * The same in words.
 */
summary: string, };

export type TakenWay = { 
/**
 * `all_at_once` or `scrolling`.
 */
method: string, 
/**
 * "the page at one moment" or "composed from N screens while scrolling".
 */
label: string, 
/**
 * Screens taken while scrolling; 0 when taken at once.
 */
screens: number, 
/**
 * Why it was taken by scrolling: the worker asked, or the page changes as it is scrolled.
 */
chosen: string | null, 
/**
 * What stopped the scrolling ("reached 1 June 2026: a post dated 29 May 2026 appeared").
 */
stopped: string | null, 
/**
 * A limit or the worker stopped it before the page's end or the date.
 */
cut_short: boolean, 
/**
 * How the page's dates were found, or that the limits alone applied.
 */
dates: string | null, 
/**
 * Set when the page was found to change as it is scrolled, so that no picture of it at
 * one moment shows it whole: the worker is told.
 */
scroll_dependent: string | null, };

export type CaptureProgress = { 
/**
 * A capture is being taken in the session now.
 */
capturing: boolean, 
/**
 * It is scrolling the page, screen by screen.
 */
scrolling: boolean, screens: number, 
/**
 * How far down the page it has got, in CSS pixels.
 */
reached_css: number, 
/**
 * The worker asked it to stop: the screens so far are being composed and stored.
 */
stop_asked: boolean, };

export type Progress = { work: Work, 
/**
 * What it is about: the request's reference, "access session 3", "person 4", or
 * "records due" for a disposal.
 */
about: string, 
/**
 * The step under way, in plain words ("Reading the pictures"); when finished, how it ended.
 */
step: string, 
/**
 * Steps done so far: never fewer than the report before.
 */
done: number, 
/**
 * Steps in all.
 */
total: number, 
/**
 * The last report of this work.
 */
finished: boolean, 
/**
 * It ended in an error (the error itself is the command's answer).
 */
failed: boolean, };

export type Work = "capture" | "export_pdf" | "bundle" | "subject_access" | "disposal";

export type ArtefactSummary = { kind: string, sha256: string, 
/**
 * Bytes.
 */
size: number, width: number | null, height: number | null, };

export type CaptureIdArgs = { id: number, };

export type RedactionView = { id: number, 
/**
 * `full_page_png` or `viewport_png`.
 */
artefact: string, sha256: string, 
/**
 * The sealed original's SHA-256.
 */
original_sha256: string, boxes: number, reason: string, redacted_by: string, redacted_at: string, 
/**
 * Its manifest's signature verifies.
 */
signature_valid: boolean, 
/**
 * The redacted picture as a `data:image/png;base64,` address.
 */
picture: string, };

export type BoxArgs = { x: number, y: number, width: number, height: number, };

export type CaptureRedactArgs = { id: number, 
/**
 * `full_page_png` or `viewport_png`.
 */
artefact: string, boxes: Array<BoxArgs>, reason: string, by: string, };

export type CapturePictureArgs = { id: number, 
/**
 * `full_page_png` or `viewport_png`.
 */
artefact: string, };

export type CapturePicture = { data_url: string, };

export type ProvenanceRow = { label: string, value: string, };

export type FindingRef = { number: number, text: string, };

export type CapturePage = { id: number, session: number, request: string, url: string, title: string, 
/**
 * When its pictures were taken (the signed manifest's `capture_started_at`), RFC 3339.
 */
captured_at: string, 
/**
 * The same moment as every document shows it: "5 March 2026 14:07:09 GMT (UK time)".
 */
captured_at_text: string, provenance: Array<ProvenanceRow>, artefacts: Array<ArtefactSummary>, 
/**
 * The manifest's signature verifies with the installation's key.
 */
signature_valid: boolean, 
/**
 * Why it does not, when it does not.
 */
signature_problem: string | null, 
/**
 * Every stored artefact hashes to the digest the manifest names.
 */
stored_hashes_match: boolean, 
/**
 * The viewport picture as a `data:image/png;base64,` address.
 */
thumbnail: string, judgement: Judgement | null, findings: Array<FindingRef>, 
/**
 * The picture opens blurred (the policy, and a `distressing` tag) until revealed.
 */
blurred: boolean, 
/**
 * Disputes of it, oldest first.
 */
disputes: Array<DisputeRecord>, 
/**
 * Its redacted copies, newest first: what documents show in place of the original.
 */
redactions: Array<RedactionView>, 
/**
 * Set when the page was taller than the policy's limit and was cut there.
 * Which way the full page was taken (at one moment, or by scrolling and why).
 */
taken: TakenWay | null, cut_at_limit: CutAtLimit | null, };

export type CaptureJudgeArgs = { id: number, judgement: JudgementInput, };

export type Judgement = { relevant: boolean, notes: string | null, tags: Array<string>, attribution: Attribution, attribution_reason: string | null, 
/**
 * Who else appears in the capture, and what was done about it.
 */
collateral_intrusion: string | null, useful_and_unique: boolean, };

export type JudgementInput = { relevant: boolean | null, notes: string | null, tags: Array<string>, attribution: Attribution | null, attribution_reason: string | null, collateral_intrusion: string | null, useful_and_unique: boolean | null, };

export type Attribution = "verified" | "probable" | "unverified";

export type Refusal = { code: string, reason: string, remedy: string, };

export type LogGetArgs = { reference: string, version: number | null, compare: number | null, };

export type LogSearchArgs = { reference: string, search: SearchForm, };

export type SearchForm = { account: number | null, platform: string, searched: string, result: string, date: DateParts, time: string, };

export type LogFindingArgs = { reference: string, text: string, 
/**
 * The captures of this request the finding rests on.
 */
captures: Array<number>, };

export type LogSignArgs = { reference: string, by: string, 
/**
 * When recorded for someone else: the email or memo it came in; empty otherwise.
 */
evidence: string, };

export type LogFinaliseArgs = { reference: string, by: string, 
/**
 * When recorded for someone else: the email or memo it came in; empty otherwise.
 */
evidence: string, 
/**
 * little, some, considerable or significant; empty when none was chosen.
 */
rating: string, assessment: string, };

export type LogShareArgs = { reference: string, by: string, 
/**
 * When recorded for someone else: the email or memo it came in; empty otherwise.
 */
evidence: string, 
/**
 * tm, sm and sd.
 */
with: Array<string>, };

export type LogCorrectArgs = { reference: string, note: string, };

export type LogDisagreeArgs = { reference: string, by: string, about: string, };

export type LogSettleArgs = { reference: string, disagreement: number, by: string, outcome: string, };

export type LogPage = { reference: string, case_reference: string, state: RequestState, state_label: string, 
/**
 * `None` before the first search.
 */
shown: LogVersion | null, versions: Array<number>, 
/**
 * Whether the version shown is the latest (an earlier one is only read).
 */
latest: boolean, actions: LogActions, accounts: Array<AccountRecord>, captures: Array<CaptureChoice>, worker: WorkerRecord | null, comparison: LogComparison | null, 
/**
 * For each of completing, finalising and sharing that `actions` allows now: whether the
 * person using this laptop may take it in their own name, why not, and who may.
 */
offers: Array<StepOffer>, };

export type LogActions = { add_search: boolean, add_finding: boolean, disagree: boolean, complete: boolean, finalise: boolean, share: boolean, correct: boolean, close: boolean, };

export type CaptureChoice = { id: number, url: string, title: string, taken_at: string, 
/**
 * The worker's judgement, once made.
 */
relevant: boolean | null, };

export type LogComparison = { from: number, to: number, differences: Array<LogDifference>, };

export type LogDifference = { 
/**
 * Which part: "Search 2", "Finding 1", "Assessment"…
 */
part: string, 
/**
 * The part as it was, and as it is; `None` where it did not exist.
 */
before: string | null, after: string | null, };

export type LogVersion = { version: number, created_at: string, finalised_at: string | null, log: InvestigationLog, };

export type InvestigationLog = { searches: Array<Search>, findings: Array<Finding>, completed: Signed | null, assessment: Assessment | null, shared: Array<Sharing>, 
/**
 * Why this version corrects the one before it.
 */
correction_note: string | null, 
/**
 * Disagreements between the social worker and the access worker about what is relevant,
 * each with the service manager's outcome once there is one.
 */
disagreements: Array<Disagreement>, 
/**
 * Who started this version as a correction of the one before it, and when.
 */
corrected?: Signed, };

export type Search = { at: string, platform: string, account_id: number, searched: string, result: string, };

export type Finding = { number: number, text: string, 
/**
 * The captures it rests on, by id, in the order given.
 */
captures: Array<number>, };

export type Signed = { by: string, at: string, };

export type Assessment = { by: string, at: string, rating: Contribution, text: string, };

export type Contribution = "little" | "some" | "considerable" | "significant";

export type Sharing = { with: Array<ShareRecipient>, by: string, at: string, };

export type ShareRecipient = "tm" | "sm" | "sd";

export type Disagreement = { number: number, 
/**
 * What is disagreed about, and each side's view.
 */
about: string, raised_by: string, at: string, outcome: Outcome | null, };

export type Outcome = { by: string, decision: string, at: string, };

export type HomePage = { 
/**
 * Who is using the app, and in what role.
 */
worker: WorkerRecord | null, 
/**
 * The requests with a step the person using this laptop may take now; empty without a
 * profile.
 */
waiting_for_you: Array<HomeRequest>, 
/**
 * Those steps, one per request, in words: the person's task list.
 */
tasks: Array<HomeTask>, 
/**
 * Every group, in order, each with its requests (possibly none).
 */
sections: Array<HomeSection>, due: Array<DueItem>, 
/**
 * Forms being filled in for new requests.
 */
drafts: Array<DraftSummary>, notice_days: number, idle_days: number, };

export type HomeRequest = { reference: string, case_reference: string, subjects: Array<string>, state: RequestState, state_label: string, last_change: string, 
/**
 * "3 days", "since today".
 */
waited: string, flagged_for_sd: boolean, };

export type HomeSection = { group: HomeGroup, title: string, requests: Array<HomeRequest>, };

export type HomeGroup = "social_worker" | "team_manager" | "service_director" | "access_worker" | "in_progress" | "assessment" | "finalised" | "closed";

export type DueItem = { kind: DueKind, request: string, overdue: boolean, 
/**
 * The date it falls due, when there is one.
 */
date: string | null, text: string, };

export type DueKind = "authorisation_approval" | "authorisation_review" | "authorisation_expiry" | "idle" | "log_assessment" | "feedback" | "recheck";

export type AuditTrail = { reference: string, events: Array<AuditLine>, 
/**
 * Whether the request's own events verify as a chain, and why not.
 */
request_chain_intact: boolean, request_chain_problem: string | null, 
/**
 * The whole store's chain: whether it verifies, and how many events it holds.
 */
store_chain_intact: boolean, store_chain_message: string, store_events: number, };

export type AuditLine = { seq: number, at: string, 
/**
 * UK local time.
 */
when: string, who: string, what: string, 
/**
 * The decision, for an event that recorded one ("Record team manager's agreement: Tom
 * Manager").
 */
detail: string | null, ids: Array<string>, };

export type SettingsPage = { data_folder: string, 
/**
 * The local `policy.toml`, when there is one.
 */
policy_file: string | null, 
/**
 * Why the local policy file cannot be used, when it cannot.
 */
policy_problem: string | null, policy: Array<PolicyEntry>, worker: WorkerRecord | null, aaws: Array<AawRecord>, 
/**
 * The installation's signing-key fingerprint, for the council to publish.
 */
fingerprint: string, keystore: string, recovery_warning: string | null, };

export type PolicyEntry = { key: string, 
/**
 * As it would be written in the file; empty when not set.
 */
value: string, from_local_file: boolean, };

export type AllowedPlatforms = { allowed: Array<string>, };

export type BrowserChooseArgs = { path: string, };

export type BrowserSetting = { 
/**
 * The browser a session opens now; empty when none would open (`problem` says why).
 */
in_use: BrowserInUse | null, 
/**
 * Why no browser would open now, and what to do.
 */
problem: string | null, 
/**
 * The worker's choice for this laptop, if any.
 */
chosen: ChosenBrowser | null, 
/**
 * The first Edge, Chrome or Chromium installed in the usual places, if any.
 */
found: NamedBrowser | null, 
/**
 * The browser the environment names, which comes before the worker's choice.
 */
environment: NamedBrowser | null, };

export type BrowserInUse = { browser: NamedBrowser, source: BrowserSource, 
/**
 * "Captures will use Microsoft Edge at C:\…\msedge.exe".
 */
in_words: string, };

export type BrowserSource = "given" | "environment" | "chosen" | "found";

export type NamedBrowser = { name: string, path: string, };

export type ChosenBrowser = { browser: NamedBrowser, chosen_at: string, chosen_by: StaffRef, 
/**
 * Whether the program is still there.
 */
present: boolean, };

/** Every command: its argument and its response. */
export interface Commands {
  store_status: { args: NoArgs; response: StoreStatus };
  store_init: { args: NoArgs; response: InitialisedStore };
  store_renew_recovery: { args: NoArgs; response: InitialisedStore };
  worker_profile_get: { args: NoArgs; response: WorkerRecord | null };
  worker_profile_set: { args: WorkerProfileInput; response: WorkerRecord };
  aaw_list: { args: NoArgs; response: Array<AawRecord> };
  aaw_register: { args: AawRegisterArgs; response: AawRecord };
  staff_list: { args: NoArgs; response: StaffDirectory };
  staff_add: { args: StaffAddArgs; response: StaffDirectory };
  staff_import: { args: StaffImportArgs; response: StaffDirectory };
  staff_update: { args: StaffUpdateArgs; response: StaffDirectory };
  staff_leave: { args: StaffLeaveArgs; response: StaffDirectory };
  request_list: { args: RequestListArgs; response: RequestList };
  request_get: { args: ReferenceArgs; response: RequestPage };
  request_step: { args: RequestStepArgs; response: RequestPage };
  draft_start: { args: DraftStartArgs; response: DraftRecord };
  draft_get: { args: DraftIdArgs; response: DraftRecord };
  draft_save: { args: DraftSaveArgs; response: DraftSaved };
  draft_check: { args: DraftIdArgs; response: DraftCheck };
  draft_commit: { args: DraftCommitArgs; response: RequestPage };
  draft_discard: { args: DraftIdArgs; response: Done };
  account_list: { args: NoArgs; response: Array<AccountRecord> };
  account_add: { args: AccountAddArgs; response: AccountRecord };
  authorisation_add: { args: AuthorisationAddArgs; response: RequestPage };
  authorisation_register: { args: NoArgs; response: Array<RegisterEntry> };
  authorisation_approve: { args: AuthorisationApproveArgs; response: Array<RegisterEntry> };
  authorisation_review: { args: AuthorisationReviewArgs; response: Array<RegisterEntry> };
  authorisation_cancel: { args: AuthorisationCancelArgs; response: Array<RegisterEntry> };
  authorisation_central_record: { args: CentralRecordArgs; response: CentralRecord };
  session_check: { args: SessionCheckArgs; response: SessionCheck };
  session_start: { args: SessionStartArgs; response: SessionPage };
  session_get: { args: SessionIdArgs; response: SessionPage };
  session_resume: { args: SessionIdArgs; response: SessionPage };
  session_end: { args: SessionIdArgs; response: SessionPage };
  capture_take: { args: CaptureTakeArgs; response: CaptureSummary };
  capture_progress: { args: SessionIdArgs; response: CaptureProgress };
  capture_stop: { args: SessionIdArgs; response: CaptureProgress };
  capture_get: { args: CaptureIdArgs; response: CapturePage };
  capture_judge: { args: CaptureJudgeArgs; response: CapturePage };
  capture_redact: { args: CaptureRedactArgs; response: CapturePage };
  capture_picture: { args: CapturePictureArgs; response: CapturePicture };
  export_pdf: { args: ExportPdfArgs; response: PdfExported };
  export_filed: { args: ExportFiledArgs; response: RequestPage };
  export_file_digest: { args: ExportFileDigestArgs; response: FileDigest };
  export_bundle: { args: ExportBundleArgs; response: BundleExported };
  log_get: { args: LogGetArgs; response: LogPage };
  log_add_search: { args: LogSearchArgs; response: LogPage };
  log_add_finding: { args: LogFindingArgs; response: LogPage };
  log_disagree: { args: LogDisagreeArgs; response: LogPage };
  log_settle: { args: LogSettleArgs; response: LogPage };
  log_complete: { args: LogSignArgs; response: LogPage };
  log_finalise: { args: LogFinaliseArgs; response: LogPage };
  log_share: { args: LogShareArgs; response: LogPage };
  log_correct: { args: LogCorrectArgs; response: LogPage };
  home_get: { args: NoArgs; response: HomePage };
  audit_trail_get: { args: ReferenceArgs; response: AuditTrail };
  settings_get: { args: NoArgs; response: SettingsPage };
  browser_get: { args: NoArgs; response: BrowserSetting };
  browser_choose: { args: BrowserChooseArgs; response: BrowserSetting };
  browser_forget: { args: NoArgs; response: BrowserSetting };
  policy_platforms: { args: NoArgs; response: AllowedPlatforms };
  retention_get: { args: NoArgs; response: RetentionPage };
  retention_dispose: { args: RetentionDisposeArgs; response: RetentionPage };
  retention_hold: { args: RetentionHoldArgs; response: RetentionPage };
  retention_release: { args: RetentionHoldArgs; response: RetentionPage };
  incident_list: { args: NoArgs; response: IncidentsPage };
  incident_record: { args: IncidentRecordArgs; response: IncidentsPage };
  dispute_record: { args: DisputeRecordArgs; response: Done };
  subject_access_export: { args: SubjectAccessArgs; response: SubjectAccessExported };
  pilot_feedback_get: { args: RequestRefArgs; response: PilotFeedback };
  feedback_give: { args: FeedbackGiveArgs; response: PilotFeedback };
  feedback_recheck: { args: FeedbackRecheckArgs; response: PilotFeedback };
  feedback_process: { args: FeedbackProcessArgs; response: PilotFeedback };
  pilot_report: { args: PilotReportArgs; response: PilotReportPage };
  pilot_report_write: { args: PilotReportWriteArgs; response: ReportWritten };
  pilot_export: { args: PilotExportArgs; response: PilotExported };
}

export type CommandName = keyof Commands;

export const COMMAND_NAMES: CommandName[] = [
  "store_status",
  "store_init",
  "store_renew_recovery",
  "worker_profile_get",
  "worker_profile_set",
  "aaw_list",
  "aaw_register",
  "staff_list",
  "staff_add",
  "staff_import",
  "staff_update",
  "staff_leave",
  "request_list",
  "request_get",
  "request_step",
  "draft_start",
  "draft_get",
  "draft_save",
  "draft_check",
  "draft_commit",
  "draft_discard",
  "account_list",
  "account_add",
  "authorisation_add",
  "authorisation_register",
  "authorisation_approve",
  "authorisation_review",
  "authorisation_cancel",
  "authorisation_central_record",
  "session_check",
  "session_start",
  "session_get",
  "session_resume",
  "session_end",
  "capture_take",
  "capture_progress",
  "capture_stop",
  "capture_get",
  "capture_judge",
  "capture_redact",
  "capture_picture",
  "export_pdf",
  "export_filed",
  "export_file_digest",
  "export_bundle",
  "log_get",
  "log_add_search",
  "log_add_finding",
  "log_disagree",
  "log_settle",
  "log_complete",
  "log_finalise",
  "log_share",
  "log_correct",
  "home_get",
  "audit_trail_get",
  "settings_get",
  "browser_get",
  "browser_choose",
  "browser_forget",
  "policy_platforms",
  "retention_get",
  "retention_dispose",
  "retention_hold",
  "retention_release",
  "incident_list",
  "incident_record",
  "dispute_record",
  "subject_access_export",
  "pilot_feedback_get",
  "feedback_give",
  "feedback_recheck",
  "feedback_process",
  "pilot_report",
  "pilot_report_write",
  "pilot_export",
];

/** The event that carries a `Progress` report of long work to the window. */
export const PROGRESS_EVENT = "progress";
