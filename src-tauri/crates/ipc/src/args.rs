//! What crosses IPC: the arguments each command takes and the pages it returns, beside the
//! store's records, which cross as they are.

use serde::{Deserialize, Serialize};
use triangulate_core::request_form::{DateParts, RequestForm};
use triangulate_core::workflow::{Role, Step};
use ts_rs::TS;

pub use triangulate_core::WorkerProfileInput as WorkerProfileArgs;
pub use triangulate_store::{
    AawRecord, AccountRecord, AuthorisationKind, AuthorisationRecord, DraftCheck, DraftRecord, DraftSummary,
    RequestRecord, RequestSummary, StoreStatus, WorkerRecord,
};

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
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct RequestListArgs {
    /// Words to find in the reference, the case reference or a person's name; empty for all.
    pub query: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RequestList {
    pub requests: Vec<RequestSummary>,
    /// Forms being filled in for new requests (drafts of changes show on their request).
    pub drafts: Vec<DraftSummary>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReferenceArgs {
    pub reference: String,
}

/// A request with what can be done next and what each next step still lacks.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RequestPage {
    pub record: RequestRecord,
    /// The draft of changes to this request, when one is open.
    pub draft: Option<i64>,
    pub can_change: bool,
    pub next_steps: Vec<NextStep>,
    pub authorisations: Vec<AuthorisationRecord>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct NextStep {
    pub step: Step,
    pub label: String,
    pub role: Role,
    /// Who takes it, in words.
    pub by: String,
    pub needs_evidence: bool,
    pub needs_note: bool,
    pub takes_conditions: bool,
    /// What must be done before this step can be taken; empty when it can be taken now.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct RequestStepArgs {
    pub reference: String,
    pub step: Step,
    pub decided_by: String,
    pub evidence: String,
    pub note: String,
    pub conditions: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct DraftStartArgs {
    /// The request to change; `None` starts a new request.
    pub reference: Option<String>,
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
}
