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
