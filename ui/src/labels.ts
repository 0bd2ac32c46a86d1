// Words for the contract's enums, as the forms and pages show them.
import type { AuthorisationKind, ConsentStatus, Reason, Scope, StaffRole, Step, SubjectRole, WorkerRole } from "./generated/ipc";

export const REASONS: [Reason, string][] = [
  ["misleading_information", "Information given by the family may be misleading or untrue"],
  ["abusive_adult_relationship", "Possible relationship between the child and a known or suspected abusive adult"],
  ["risky_behaviour", "Known risky behaviour"],
  ["person_posing_risk", "A person posing a risk is said to be present"],
  ["tracing", "Tracing a missing child or a birth parent"],
  ["prospective_adopter", "Check on a prospective adopter"],
  ["other", "Other"],
];

export const SCOPES: [Scope, string, string][] = [
  ["one_off", "A one-off review", "One look at the pages, for this concern"],
  ["monitoring", "Longer-term monitoring", "Repeated viewing: needs a justification and may need a RIPA authorisation"],
];

export const CONSENT: [ConsentStatus, string][] = [
  ["written", "Written consent given"],
  ["informed", "The family has been told, consent not written"],
  ["not_sought", "Consent not sought"],
];

export const ROLES: [SubjectRole, string, string][] = [
  ["subject", "Subject", "A parent, carer or other person the concern is about"],
  ["associate", "Associate", "A known associate of the family"],
  ["suspected_associate", "Suspected associate", "Someone suspected of being involved, named or not"],
];

export const WORKER_ROLES: [WorkerRole, string][] = [
  ["aaw", "Authorised Access Worker"],
  ["osw", "Originating Social Worker"],
  ["tm", "Team Manager"],
];

/** The staff directory's roles, in the order the directory keeps them. */
export const STAFF_ROLES: [StaffRole, string][] = [
  ["osw", "Originating social worker"],
  ["tm", "Team manager"],
  ["sm", "Service manager"],
  ["sd", "Service director"],
  ["aaw", "Authorised Access Worker"],
  ["legal", "Legal team"],
];

export const AUTHORISATION_KINDS: [AuthorisationKind, string][] = [
  ["directed_surveillance", "Directed surveillance"],
  ["chis", "Covert human intelligence source (CHIS)"],
  ["non_ripa", "Non-RIPA (the council's own process)"],
];

export function labelOf<T>(pairs: [T, string, ...string[]][], value: T | null | undefined): string {
  return pairs.find(([v]) => v === value)?.[1] ?? "Not given";
}

/** A workflow step as the thing it records, to say it is not open: "The team manager's agreement". */
export const STEP_WORDS: [Step, string][] = [
  ["submit", "Submitting the request to the team manager"],
  ["agree", "The team manager's agreement"],
  ["permit", "The service director's permission"],
  ["refuse", "A refusal"],
  ["refer-back", "Referring the request back to the social worker"],
  ["confirm-legitimacy", "Confirming that the request is legitimate"],
  ["raise-doubts", "Raising doubts with the service manager"],
  ["start-access", "Starting an access session"],
  ["complete-log", "Completing the investigation log"],
  ["finalise-log", "Finalising the investigation log"],
  ["share", "Sharing the investigation log"],
  ["close", "Closing the request"],
  ["withdraw", "Withdrawing the request"],
];

/** The policy's settings by names people read, in the file's order; the key as the policy
 *  file names it is shown only folded away. */
export const POLICY_NAMES: [string, string][] = [
  ["organisation", "Organisation named on every exported page"],
  ["protective_marking", "Protective marking on every exported page"],
  ["repeat_viewing.max_views", "Views of one person allowed before a directed surveillance authorisation is needed"],
  ["repeat_viewing.window_days", "Days over which those views are counted"],
  ["authorisation.term_months", "Months a directed surveillance authorisation lasts"],
  ["authorisation.review_interval_days", "Days between reviews of an authorisation"],
  ["retention.request_years", "Years a request is kept after it is closed"],
  ["retention.not_relevant_capture_days", "Days a capture judged not relevant is kept"],
  ["retention.audit_years", "Years the record of changes is kept"],
  ["retention.refused_or_withdrawn_days", "Days a refused or withdrawn request is kept"],
  ["retention.relevant_capture_days", "Days a relevant capture is kept after its request is closed"],
  ["retention.session_trail_days", "Days an access session's trail is kept after its request is closed"],
  ["retention.abandoned_draft_days", "Days a draft request not changed is kept"],
  ["retention.stalled_request_days", "Days a request never closed and not changed is kept"],
  ["retention.incident_years", "Years an incident is kept"],
  ["legal_advice.required_for_parent_or_carer", "Legal advice needed before a parent's or carer's pages are viewed"],
  ["capture.full_page_max_css_px", "Tallest whole-page picture, in pixels"],
  ["capture.max_response_body_bytes", "Largest file kept in a capture's web archive, in bytes"],
  ["capture.shortcut", "Keys that take a capture"],
  ["capture.scroll_max_screens", "Most screens scrolled to capture a timeline"],
  ["capture.scroll_max_seconds", "Most seconds spent scrolling to capture a timeline"],
  ["capture.date_selectors", "How the dates of posts are found on each platform"],
  ["platforms.allowed", "Platforms whose public pages may be checked"],
  ["consent.directed_surveillance_without_written_consent", "Directed surveillance authorisation needed where consent is not written"],
  ["home.notice_days", "Days ahead that Home shows reviews and expiries"],
  ["home.idle_days", "Days without a change before Home lists a request as due"],
  ["timestamp.url", "Time-stamping authority's address"],
  ["timestamp.ca_certificate", "Time-stamping authority's certificate"],
  ["viewing.blur", "Which captures open blurred"],
  ["pilot.starts", "The pilot starts"],
  ["pilot.ends", "The pilot ends"],
  ["pilot.recheck_months", "Months after finalising that Home asks how useful a check proved"],
  ["pilot.trusted_keys", "Other laptops whose pilot figures are counted"],
];

/** A policy setting's name in words; a key this list does not know, in words made from it. */
export function policyName(key: string): string {
  const known = POLICY_NAMES.find(([k]) => k === key)?.[1];
  if (known) return known;
  const words = key.replace(/[._]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
