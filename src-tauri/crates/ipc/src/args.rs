//! What crosses IPC: the arguments each command takes and the pages it returns, beside the
//! store's records, which cross as they are.

use serde::{Deserialize, Serialize};
use triangulate_core::request_form::{DateParts, RequestForm};
use triangulate_core::workflow::Step;
use ts_rs::TS;

pub use triangulate_app::bundle::BundleExported;
pub use triangulate_app::export::PdfExported;
pub use triangulate_app::log::{CaptureChoice, LogActions, LogComparison, LogPage, SearchForm};
pub use triangulate_app::overview::{AuditLine, AuditTrail, HomePage, HomeRequest, HomeSection, SettingsPage};
pub use triangulate_app::pilot::{
    FeedbackRecord, PilotExported, PilotFeedback, PilotReportPage, PilotSource, ProcessRecord, RecheckRecord,
    ReportWritten,
};
pub use triangulate_app::register::{CentralRecord, RegisterEntry};
pub use triangulate_app::requests::{AccessReadiness, FixPlace, NextStep, RequestList, RequestPage};
pub use triangulate_app::subject_access::SubjectAccessExported;
pub use triangulate_app::{
    AawRecord, AccountRecord, AuthorisationKind, AuthorisationRecord, DraftCheck, DraftRecord, DraftSummary,
    FilingRecord, PdfExportRecord, RequestRecord, RequestSummary, StoreStatus, WorkerRecord,
};
pub use triangulate_core::WorkerProfileInput as WorkerProfileArgs;
pub use triangulate_core::evidence::{Attribution, Judgement, JudgementInput};
pub use triangulate_core::export::PdfKind;

/// For commands that take nothing.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct NoArgs {}

/// For commands that return nothing.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Done {}

#[derive(Debug, Clone, Serialize, TS)]
pub struct InitialisedStore {
    pub recovery_phrase: Vec<String>,
    pub status: StoreStatus,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AawRegisterArgs {
    /// The access worker: a staff ID or a name in the staff directory.
    pub name: String,
    /// The service director whose decision it is: a staff ID or a name.
    pub decided_by: String,
    /// The reference of the service director's decision.
    pub evidence: String,
    /// The date the worker was trained.
    pub trained: DateParts,
}

/// A person added to the staff directory.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct StaffAddArgs {
    pub name: String,
    /// osw, tm, sm, sd, aaw, legal.
    pub roles: Vec<String>,
    /// Empty when they have none.
    pub staff_id: String,
    /// Empty when not known.
    pub team: String,
}

/// A change to a person's entry (who: a staff ID or name); an empty field, or no roles,
/// keeps what is recorded. The entry's review flag is cleared.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct StaffUpdateArgs {
    pub person: String,
    pub name: String,
    pub roles: Vec<String>,
    pub staff_id: String,
    pub team: String,
}

/// The staff file's text: CSV with the header staff_id,name,roles,team.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct StaffImportArgs {
    pub text: String,
}

/// The browser's program chosen for this laptop's captures: its whole path, as the open
/// dialog gives it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct BrowserChooseArgs {
    pub path: String,
}

/// A person of the directory who left: who (staff ID or name) and the day (all empty for today).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct StaffLeaveArgs {
    pub person: String,
    pub on: DateParts,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct RequestListArgs {
    /// Words to find in the reference, the case reference or a person's name; empty for all.
    pub query: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReferenceArgs {
    pub reference: String,
}

/// Export a PDF of a request to a file the worker chose.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportPdfArgs {
    pub reference: String,
    /// The file chosen in the save dialog; an existing file is never replaced.
    pub path: String,
    pub draft: bool,
    /// Only the request or only the log; the care record when `None`.
    pub only: Option<PdfKind>,
}

/// Export a request's evidence bundle to a ZIP the worker chose.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportBundleArgs {
    pub reference: String,
    pub path: String,
    pub draft: bool,
}

/// Record that an exported PDF was filed in the care record system.
/// A file the worker chose, to read its SHA-256.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportFileDigestArgs {
    pub path: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ExportFiledArgs {
    pub reference: String,
    pub sha256: String,
    /// Where it was filed (the CLI's `--where`).
    pub place: String,
    /// The care record's reference (the CLI's `--reference`).
    pub record_reference: String,
    pub by: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RequestStepArgs {
    pub reference: String,
    pub step: Step,
    pub decided_by: String,
    pub evidence: String,
    pub note: String,
    pub conditions: String,
    /// The day it was decided; all empty for today.
    pub decided_on: DateParts,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct DraftStartArgs {
    /// The request to change; `None` starts a new request.
    pub reference: Option<String>,
    /// A new request for another person whose page was found during a check.
    pub linked: Option<LinkedDraftArgs>,
}

/// The check during which another person's page was found, and the page's address.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LinkedDraftArgs {
    pub parent: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct DraftIdArgs {
    pub id: i64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct DraftSaveArgs {
    pub id: i64,
    pub form: RequestForm,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DraftSaved {
    pub id: i64,
    pub updated_at: String,
}

/// Who a named subject (numbered from 1) is: a person already known, or someone new.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct Settlement {
    pub subject: u32,
    pub same_person: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct DraftCommitArgs {
    pub id: i64,
    pub settlements: Vec<Settlement>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AccountAddArgs {
    pub platform: String,
    pub handle: String,
    pub identifiable_as_council: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AuthorisationAddArgs {
    pub request: String,
    pub kind: Option<AuthorisationKind>,
    pub reference: String,
    pub officer: String,
    pub granted: DateParts,
    /// Empty for the policy's default review interval.
    pub review: DateParts,
    /// Empty for the policy's default term.
    pub expires: DateParts,
    /// The subject number within the request, for directed surveillance.
    pub person: Option<u32>,
    /// The sanctioned account, for CHIS.
    pub account: Option<i64>,
    /// The day a justice of the peace approved it (RIPA kinds); empty when not yet.
    pub approved: DateParts,
    pub urgent: bool,
    pub confidential_likely: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AuthorisationApproveArgs {
    /// The authorisation's URN.
    pub reference: String,
    pub approved: DateParts,
    pub by: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AuthorisationReviewArgs {
    pub reference: String,
    pub by: String,
    pub outcome: String,
    /// Empty for the policy's review interval.
    pub next: DateParts,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct AuthorisationCancelArgs {
    pub reference: String,
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CentralRecordArgs {
    /// The file chosen in the save dialog; an existing file is never replaced.
    pub path: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SessionStartArgs {
    pub reference: String,
    /// The person to check: their number in the request, from 1.
    pub subject: u32,
    pub account: i64,
    /// The worker confirmed the service director's conditions.
    pub conditions_confirmed: bool,
    /// No window: for tests.
    pub headless: bool,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SessionIdArgs {
    pub id: i64,
}

/// The guards a session start runs, run without starting one.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SessionCheckArgs {
    pub reference: String,
    /// The person to check: their number in the request, from 1.
    pub subject: u32,
    pub account: i64,
}

/// A session may start: what the worker should know first (at the repeat-viewing limit,
/// the count and the window); empty when nothing.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionCheck {
    pub warnings: Vec<String>,
    /// The service director's conditions, which the worker confirms before the session starts.
    pub conditions: Option<String>,
}

/// A capture in a session's list. The address and title are page content: text only.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CaptureItem {
    pub id: i64,
    pub url: String,
    pub title: String,
    /// When its pictures were taken (the signed manifest's `capture_started_at`), RFC 3339.
    pub captured_at: String,
    /// The worker's judgement, once given: whether it is relevant.
    pub relevant: Option<bool>,
    /// Set when the page was taller than the policy's limit and was cut there.
    pub cut_at_limit: Option<triangulate_app::captures::CutAtLimit>,
    /// The page is within none of the person's listed profiles.
    pub outside_profiles: bool,
}

/// An access session as the worker sees it, with its trail.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SessionPage {
    pub id: i64,
    pub request: String,
    pub subject: u32,
    pub account_id: i64,
    pub browser: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
    /// When the recorder was found gone: nothing is captured until recording resumes.
    pub recording_stopped_at: Option<String>,
    pub trail: Vec<TrailStep>,
    /// What the worker should know before going on (after a start).
    pub warnings: Vec<String>,
    /// Who is being checked, as the request names them.
    pub person: String,
    /// The sanctioned account: its handle and platform.
    pub account: String,
    /// The person's listed profiles.
    pub profiles: Vec<String>,
    pub captures: Vec<CaptureItem>,
    /// A capture is being taken now (by the button or the shortcut).
    pub capturing: bool,
    /// The keys that capture while the browser has focus, as the policy sets them.
    pub shortcut: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CaptureIdArgs {
    pub id: i64,
}

/// One row of a capture's provenance, as the care-record PDF shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProvenanceRow {
    pub label: String,
    pub value: String,
}

/// A finding of the log that rests on a capture.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FindingRef {
    pub number: u32,
    pub text: String,
}

/// A capture on its own screen: provenance, digests in full, the signature's state, the
/// viewport picture, the judgement and the findings that rest on it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CapturePage {
    pub id: i64,
    pub session: i64,
    pub request: String,
    pub url: String,
    pub title: String,
    /// When its pictures were taken (the signed manifest's `capture_started_at`), RFC 3339.
    pub captured_at: String,
    /// The same moment as every document shows it: "5 March 2026 14:07:09 GMT (UK time)".
    pub captured_at_text: String,
    pub provenance: Vec<ProvenanceRow>,
    pub artefacts: Vec<ArtefactSummary>,
    /// The manifest's signature verifies with the installation's key.
    pub signature_valid: bool,
    /// Why it does not, when it does not.
    pub signature_problem: Option<String>,
    /// Every stored artefact hashes to the digest the manifest names.
    pub stored_hashes_match: bool,
    /// The viewport picture as a `data:image/png;base64,` address.
    pub thumbnail: String,
    pub judgement: Option<Judgement>,
    pub findings: Vec<FindingRef>,
    /// The picture opens blurred (the policy, and a `distressing` tag) until revealed.
    pub blurred: bool,
    /// Disputes of it, oldest first.
    pub disputes: Vec<triangulate_app::DisputeRecord>,
    /// Its redacted copies, newest first: what documents show in place of the original.
    pub redactions: Vec<RedactionView>,
    /// Which way the full page was taken (at one moment, or by scrolling and why).
    pub taken: Option<triangulate_app::captures::TakenWay>,
    /// Set when the page was taller than the policy's limit and was cut there.
    pub cut_at_limit: Option<triangulate_app::captures::CutAtLimit>,
    /// What its screen shows first: who, which account and session, the whole page's
    /// SHA-256, whose clock dates it, and whether the page was outside the listed profiles.
    pub card: triangulate_app::captures::ProvenanceCard,
    /// What judging it not relevant today would schedule: when it falls due for disposal.
    pub if_not_relevant: triangulate_app::captures::NotRelevantDisposal,
}

/// A redacted copy of a capture's picture, as its screen shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RedactionView {
    pub id: i64,
    /// `full_page_png` or `viewport_png`.
    pub artefact: String,
    pub sha256: String,
    /// The sealed original's SHA-256.
    pub original_sha256: String,
    pub boxes: u32,
    pub reason: String,
    pub redacted_by: String,
    pub redacted_at: String,
    /// Its manifest's signature verifies.
    pub signature_valid: bool,
    /// The redacted picture as a `data:image/png;base64,` address.
    pub picture: String,
}

/// A box over a picture, in its own pixels.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct BoxArgs {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CaptureRedactArgs {
    pub id: i64,
    /// `full_page_png` or `viewport_png`.
    pub artefact: String,
    pub boxes: Vec<BoxArgs>,
    pub reason: String,
    pub by: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CapturePictureArgs {
    pub id: i64,
    /// `full_page_png` or `viewport_png`.
    pub artefact: String,
}

/// A capture's picture as a `data:` URL, in its own pixels.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CapturePicture {
    pub data_url: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CaptureJudgeArgs {
    pub id: i64,
    pub judgement: JudgementInput,
}

/// One step of the trail. The address is page content: shown as text, never followed.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TrailStep {
    pub at: String,
    pub kind: String,
    pub tab: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CaptureTakeArgs {
    pub session: i64,
    /// Go to this address first; empty for the tab the worker is looking at.
    pub url: String,
    /// The worker's statement that the page was visible without friending or interacting.
    pub statement: String,
    /// Why a page outside the person's listed profiles belongs to this person; empty if none.
    pub outside_scope_reason: String,
    /// "Capture the whole timeline": take it by scrolling and follow it as it loads more,
    /// back to the request's period start or the policy's limits. Absent is false.
    #[serde(default)]
    #[ts(optional)]
    pub whole_timeline: Option<bool>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct CaptureSummary {
    pub capture_id: i64,
    pub url: String,
    pub artefacts: Vec<ArtefactSummary>,
    /// Set when the page was taller than the policy's limit and was cut there.
    pub cut_at_limit: Option<triangulate_app::captures::CutAtLimit>,
    /// Which way the full page was taken (at one moment, or by scrolling and why).
    pub taken: triangulate_app::captures::TakenWay,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ArtefactSummary {
    pub kind: String,
    pub sha256: String,
    /// Bytes.
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// The log screen of a request: the latest version, or `version`; `compare` sets another
/// version beside it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogGetArgs {
    pub reference: String,
    pub version: Option<u32>,
    pub compare: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogSearchArgs {
    pub reference: String,
    pub search: SearchForm,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogFindingArgs {
    pub reference: String,
    pub text: String,
    /// The captures of this request the finding rests on.
    pub captures: Vec<i64>,
}

/// Who signs a step of the log: the access worker's completion.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogSignArgs {
    pub reference: String,
    pub by: String,
    /// When recorded for someone else: the email or memo it came in; empty otherwise.
    pub evidence: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogFinaliseArgs {
    pub reference: String,
    pub by: String,
    /// When recorded for someone else: the email or memo it came in; empty otherwise.
    pub evidence: String,
    /// little, some, considerable or significant; empty when none was chosen.
    pub rating: String,
    pub assessment: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogShareArgs {
    pub reference: String,
    pub by: String,
    /// When recorded for someone else: the email or memo it came in; empty otherwise.
    pub evidence: String,
    /// tm, sm and sd.
    pub with: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogCorrectArgs {
    pub reference: String,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogDisagreeArgs {
    pub reference: String,
    pub by: String,
    pub about: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct LogSettleArgs {
    pub reference: String,
    pub disagreement: u32,
    pub by: String,
    pub outcome: String,
}

/// The platforms whose profiles the policy allows, in its order: by the name a request gives
/// them, and with the name people read and the hosts their addresses are on.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AllowedPlatforms {
    pub allowed: Vec<String>,
    pub platforms: Vec<PlatformChoice>,
}

/// A platform a profile may be on.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlatformChoice {
    /// The name a request gives it (`reddit`).
    pub key: String,
    /// The name people read ("Reddit").
    pub name: String,
    /// The hosts its addresses are on.
    pub hosts: Vec<String>,
}

/// Retention on screen: what falls due today and why, what a legal hold keeps, the holds in
/// place, what was disposed of (tombstones, newest first), and the date a disposal now would
/// go by and whose clock gives it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RetentionPage {
    pub due: Vec<triangulate_core::retention::Due>,
    pub held: Vec<String>,
    pub holds: Vec<triangulate_app::HoldRecord>,
    pub disposals: Vec<triangulate_app::DisposalRecord>,
    pub clock: triangulate_app::retention::Clock,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RetentionDisposeArgs {
    pub by: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RetentionHoldArgs {
    pub reference: String,
    pub by: String,
    pub reason: String,
}

/// The incidents recorded, newest first, for the service manager.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IncidentsPage {
    pub incidents: Vec<triangulate_app::IncidentRecord>,
}

/// An incident as typed on screen: the day in boxes, the people one a line.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct IncidentRecordArgs {
    pub what: String,
    pub occurred_on: DateParts,
    pub reported_by: String,
    pub people: String,
    pub action: String,
    /// Empty when it concerns no request.
    pub request: String,
}

/// A dispute of a capture (`capture`), or of finding `finding` of `request`'s log.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct DisputeRecordArgs {
    pub capture: Option<i64>,
    pub request: Option<String>,
    pub finding: Option<u32>,
    pub by: String,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct SubjectAccessArgs {
    /// The person's id, as a request's subjects give it.
    pub person: i64,
    /// A new folder to write to.
    pub out: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RequestRefArgs {
    pub reference: String,
}

/// The social worker's feedback form; numbers as typed (empty or not a number is a field error).
#[derive(Debug, Clone, Deserialize, TS)]
pub struct FeedbackGiveArgs {
    pub reference: String,
    pub time_minutes: String,
    pub useful: String,
    pub unique: String,
    pub rating: Option<triangulate_core::log::Contribution>,
    pub comments: String,
    pub by: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct FeedbackRecheckArgs {
    pub reference: String,
    pub rating: Option<triangulate_core::log::Contribution>,
    pub comments: String,
    pub by: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct FeedbackProcessArgs {
    pub reference: String,
    pub ease: Option<u8>,
    pub effectiveness: Option<u8>,
    pub comments: String,
    pub by: String,
}

/// The report's period (both empty for the policy's pilot period) and the other laptops'
/// exports chosen.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PilotReportArgs {
    pub from: DateParts,
    pub to: DateParts,
    pub imports: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    Csv,
    Pdf,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PilotReportWriteArgs {
    pub report: PilotReportArgs,
    pub format: ReportFormat,
    /// The file chosen in the save dialog; an existing file is never replaced.
    pub path: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PilotExportArgs {
    pub path: String,
}
