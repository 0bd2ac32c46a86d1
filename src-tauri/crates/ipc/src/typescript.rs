//! The TypeScript side of the contract, generated: every type that crosses IPC and the
//! `Commands` map from each command's name to its argument and response. The file is
//! committed at `ui/src/generated/ipc.ts`; a test fails when it is stale, and
//! `UPDATE_IPC_TS=1 cargo test -p triangulate-ipc` rewrites it.

use ts_rs::TS;

use crate::args::*;
use crate::error::{ErrorCode, IpcError, Refusal};
use triangulate_app::{
    AuditSummary, AuthorisationReview, DecisionRecord, EarlierRequest, LogVersion, PersonRecord, PossibleMatch,
    Renewal, StoreState, SubjectLink,
};
use triangulate_core::authorisation::AuthorisationState;
use triangulate_core::home::{DueItem, DueKind, HomeGroup};
use triangulate_core::log::{
    Assessment, Contribution, Disagreement, Finding, InvestigationLog, LogDifference, Outcome, Search, ShareRecipient,
    Sharing, Signed,
};
use triangulate_core::request::{Consent, Manager, Period, Profile, ProfileInput, Request, Subject, Worker};
use triangulate_core::request::{ConsentStatus, Reason, Scope, SubjectRole};
use triangulate_core::request_form::{
    ConsentForm, DateParts, ManagerForm, PeriodForm, RequestForm, SubjectForm, WorkerForm,
};
use triangulate_core::workflow::{RequestState, Role, Step};

use triangulate_core::{FieldError, PolicyEntry, WorkerRole};

/// Where the generated file lives, from this crate's folder.
pub const GENERATED_PATH: &str = "../../../ui/src/generated/ipc.ts";

/// A declared type: its TypeScript name, declaration and the names it refers to.
pub struct Declaration {
    pub name: String,
    pub decl: String,
    pub dependencies: Vec<String>,
}

macro_rules! declarations {
    ($($t:ty),* $(,)?) => {
        vec![$(Declaration {
            name: <$t as TS>::name(),
            decl: <$t as TS>::decl(),
            dependencies: <$t as TS>::dependencies().into_iter().map(|d| d.ts_name).collect(),
        }),*]
    };
}

/// Every type that crosses IPC, named once each.
pub fn declarations() -> Vec<Declaration> {
    declarations![
        ErrorCode,
        IpcError,
        FieldError,
        NoArgs,
        Done,
        StoreStatus,
        StoreState,
        AuditSummary,
        InitialisedStore,
        WorkerRecord,
        WorkerRole,
        WorkerProfileArgs,
        AawRecord,
        AawRegisterArgs,
        triangulate_app::StaffRef,
        triangulate_app::StaffRecord,
        triangulate_app::people::StaffDirectory,
        triangulate_core::staff::StaffRole,
        triangulate_core::duties::AawRegistration,
        StaffAddArgs,
        StaffImportArgs,
        StaffUpdateArgs,
        StaffLeaveArgs,
        triangulate_app::requests::StaffChoice,
        triangulate_core::log::VersionSigned,
        triangulate_app::overview::HomeTask,
        triangulate_app::log::StepOffer,
        RequestListArgs,
        RequestList,
        RequestSummary,
        RequestState,
        ReferenceArgs,
        RequestPage,
        NextStep,
        FixPlace,
        AccessReadiness,
        Step,
        Role,
        RequestRecord,
        Request,
        Worker,
        Manager,
        Reason,
        Scope,
        Period,
        Consent,
        ConsentStatus,
        Subject,
        SubjectRole,
        Profile,
        SubjectLink,
        DecisionRecord,
        FilingRecord,
        PdfKind,
        ExportPdfArgs,
        ExportFiledArgs,
        ExportFileDigestArgs,
        PdfExported,
        PdfExportRecord,
        ExportBundleArgs,
        BundleExported,
        RequestStepArgs,
        DraftStartArgs,
        DraftIdArgs,
        DraftSaveArgs,
        DraftSaved,
        DraftRecord,
        DraftSummary,
        DraftCheck,
        PossibleMatch,
        EarlierRequest,
        PersonRecord,
        Settlement,
        DraftCommitArgs,
        RequestForm,
        WorkerForm,
        ManagerForm,
        DateParts,
        PeriodForm,
        ConsentForm,
        SubjectForm,
        ProfileInput,
        AccountRecord,
        AccountAddArgs,
        AuthorisationRecord,
        AuthorisationKind,
        Renewal,
        AuthorisationReview,
        AuthorisationAddArgs,
        AuthorisationState,
        RegisterEntry,
        AuthorisationApproveArgs,
        AuthorisationReviewArgs,
        AuthorisationCancelArgs,
        CentralRecordArgs,
        CentralRecord,
        RequestRefArgs,
        PilotFeedback,
        FeedbackRecord,
        RecheckRecord,
        ProcessRecord,
        FeedbackGiveArgs,
        FeedbackRecheckArgs,
        FeedbackProcessArgs,
        PilotReportArgs,
        ReportFormat,
        PilotReportWriteArgs,
        PilotExportArgs,
        PilotReportPage,
        PilotSource,
        triangulate_core::pilot::PilotReport,
        triangulate_core::pilot::MonthCount,
        triangulate_core::pilot::RatingCount,
        ReportWritten,
        PilotExported,
        LinkedDraftArgs,
        RetentionPage,
        IncidentsPage,
        IncidentRecordArgs,
        DisputeRecordArgs,
        SubjectAccessArgs,
        SubjectAccessExported,
        triangulate_app::subject_access::Withheld,
        triangulate_app::IncidentRecord,
        triangulate_app::DisputeRecord,
        triangulate_app::DisputeTarget,
        triangulate_core::incident::Incident,
        RetentionDisposeArgs,
        RetentionHoldArgs,
        triangulate_core::retention::Due,
        triangulate_core::retention::RecordKind,
        triangulate_core::retention::Rule,
        triangulate_app::HoldRecord,
        triangulate_app::DisposalRecord,
        triangulate_app::retention::Clock,
        SessionCheckArgs,
        SessionCheck,
        SessionStartArgs,
        SessionIdArgs,
        SessionPage,
        CaptureItem,
        TrailStep,
        CaptureTakeArgs,
        CaptureSummary,
        triangulate_app::captures::CutAtLimit,
        triangulate_app::captures::TakenWay,
        triangulate_app::captures::ProvenanceCard,
        triangulate_app::captures::NotRelevantDisposal,
        triangulate_app::captures::CaptureProgress,
        triangulate_app::export::FileDigest,
        triangulate_app::Progress,
        triangulate_app::Work,
        ArtefactSummary,
        CaptureIdArgs,
        RedactionView,
        BoxArgs,
        CaptureRedactArgs,
        CapturePictureArgs,
        CapturePicture,
        ProvenanceRow,
        FindingRef,
        CapturePage,
        CaptureJudgeArgs,
        Judgement,
        JudgementInput,
        Attribution,
        Refusal,
        LogGetArgs,
        LogSearchArgs,
        SearchForm,
        LogFindingArgs,
        LogSignArgs,
        LogFinaliseArgs,
        LogShareArgs,
        LogCorrectArgs,
        LogDisagreeArgs,
        LogSettleArgs,
        LogPage,
        LogActions,
        CaptureChoice,
        LogComparison,
        LogDifference,
        LogVersion,
        InvestigationLog,
        Search,
        Finding,
        Signed,
        Assessment,
        Contribution,
        Sharing,
        ShareRecipient,
        Disagreement,
        Outcome,
        HomePage,
        HomeRequest,
        HomeSection,
        HomeGroup,
        DueItem,
        DueKind,
        AuditTrail,
        AuditLine,
        SettingsPage,
        PolicyEntry,
        AllowedPlatforms,
        PlatformChoice,
        BrowserChooseArgs,
        triangulate_app::browser::BrowserSetting,
        triangulate_app::browser::BrowserInUse,
        triangulate_app::browser::BrowserSource,
        triangulate_app::browser::NamedBrowser,
        triangulate_app::browser::ChosenBrowser,
    ]
}

macro_rules! command_map {
    ($($name:ident($args:ty) -> $response:ty;)*) => {
        /// (name, argument type, response type) of every command, in TypeScript.
        pub fn command_types() -> Vec<(&'static str, String, String)> {
            vec![$((stringify!($name), <$args as TS>::name(), <$response as TS>::name())),*]
        }
    };
}
crate::for_each_command!(command_map);

/// The whole generated file.
pub fn generate() -> String {
    let mut out = String::from(
        "// Generated from src-tauri/crates/ipc (the IPC contract): do not edit.\n\
         // `UPDATE_IPC_TS=1 cargo test -p triangulate-ipc` writes it again.\n\n",
    );
    for declaration in declarations() {
        // ts-rs writes 64-bit integers as bigint; serde_json sends them as JSON numbers, and
        // the ids and counts that cross are far below 2^53.
        out.push_str("export ");
        out.push_str(&declaration.decl.replace("bigint", "number"));
        out.push_str("\n\n");
    }
    out.push_str("/** Every command: its argument and its response. */\nexport interface Commands {\n");
    for (name, args, response) in command_types() {
        out.push_str(&format!("  {name}: {{ args: {args}; response: {response} }};\n"));
    }
    out.push_str("}\n\nexport type CommandName = keyof Commands;\n\nexport const COMMAND_NAMES: CommandName[] = [\n");
    for (name, _, _) in command_types() {
        out.push_str(&format!("  \"{name}\",\n"));
    }
    out.push_str("];\n");
    out.push_str(&format!(
        "\n/** The event that carries a `Progress` report of long work to the window. */\nexport const PROGRESS_EVENT = \"{}\";\n",
        crate::PROGRESS_EVENT
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn every_type_a_declaration_refers_to_is_declared_once() {
        let declarations = declarations();
        let names: BTreeSet<&str> = declarations.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names.len(), declarations.len(), "a type is declared twice");
        for declaration in &declarations {
            for dependency in &declaration.dependencies {
                assert!(names.contains(dependency.as_str()), "{} refers to undeclared {dependency}", declaration.name);
            }
        }
        for (name, args, response) in command_types() {
            for used in [args, response] {
                let base = used.trim_start_matches("Array<").trim_end_matches('>').trim_end_matches(" | null");
                assert!(names.contains(base), "{name} uses undeclared {base}");
            }
        }
    }

    #[test]
    fn the_generated_typescript_is_up_to_date() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GENERATED_PATH);
        let fresh = generate();
        if std::env::var_os("UPDATE_IPC_TS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &fresh).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: run `UPDATE_IPC_TS=1 cargo test -p triangulate-ipc` and commit it",
            path.display()
        );
    }

    #[test]
    fn the_command_names_file_that_the_desktop_build_reads_matches_the_contract() {
        let text = include_str!("../../../src/command_names.rs");
        let listed: Vec<&str> = text.split('"').skip(1).step_by(2).collect();
        assert_eq!(listed, crate::COMMANDS);
    }
}
