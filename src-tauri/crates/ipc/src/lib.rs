//! The desktop app's IPC contract, declared once: every command's name, argument and result
//! (`for_each_command!`), the error that crosses with `{code, message, fields, guards, refusals, url}`, and
//! the command bodies: each turns the UI's arguments into one call of the application layer
//! (`triangulate_app`), written against its `Host`, so they run headless in tests. The desktop crate turns each into a Tauri command; `typescript` writes the same
//! list as `ui/src/generated/ipc.ts`, and a test fails when that file is stale.

pub mod args;
pub mod commands;
pub mod dispatch;
pub mod error;
pub mod typescript;

pub use error::{ErrorCode, IpcError};
pub use triangulate_app::Host;

/// The event the desktop sends its window with each `Progress` report of long work (a
/// capture, an export, a disposal), while the command that started it runs.
pub const PROGRESS_EVENT: &str = "progress";

/// Calls `$callback!` with every command as `name(Args) -> Response;`. The one list of the
/// app's commands: the desktop's handlers, the TypeScript map and `COMMANDS` come from it.
#[macro_export]
macro_rules! for_each_command {
    ($callback:ident) => {
        $callback! {
            store_status($crate::args::NoArgs) -> $crate::args::StoreStatus;
            store_init($crate::args::NoArgs) -> $crate::args::InitialisedStore;
            store_renew_recovery($crate::args::NoArgs) -> $crate::args::InitialisedStore;
            worker_profile_get($crate::args::NoArgs) -> Option<$crate::args::WorkerRecord>;
            worker_profile_set($crate::args::WorkerProfileArgs) -> $crate::args::WorkerRecord;
            aaw_list($crate::args::NoArgs) -> Vec<$crate::args::AawRecord>;
            aaw_register($crate::args::AawRegisterArgs) -> $crate::args::AawRecord;
            staff_list($crate::args::NoArgs) -> triangulate_app::people::StaffDirectory;
            staff_add($crate::args::StaffAddArgs) -> triangulate_app::people::StaffDirectory;
            staff_import($crate::args::StaffImportArgs) -> triangulate_app::people::StaffDirectory;
            staff_update($crate::args::StaffUpdateArgs) -> triangulate_app::people::StaffDirectory;
            staff_leave($crate::args::StaffLeaveArgs) -> triangulate_app::people::StaffDirectory;
            request_list($crate::args::RequestListArgs) -> $crate::args::RequestList;
            request_get($crate::args::ReferenceArgs) -> $crate::args::RequestPage;
            request_step($crate::args::RequestStepArgs) -> $crate::args::RequestPage;
            draft_start($crate::args::DraftStartArgs) -> $crate::args::DraftRecord;
            draft_get($crate::args::DraftIdArgs) -> $crate::args::DraftRecord;
            draft_save($crate::args::DraftSaveArgs) -> $crate::args::DraftSaved;
            draft_check($crate::args::DraftIdArgs) -> $crate::args::DraftCheck;
            draft_commit($crate::args::DraftCommitArgs) -> $crate::args::RequestPage;
            draft_discard($crate::args::DraftIdArgs) -> $crate::args::Done;
            account_list($crate::args::NoArgs) -> Vec<$crate::args::AccountRecord>;
            account_add($crate::args::AccountAddArgs) -> $crate::args::AccountRecord;
            authorisation_add($crate::args::AuthorisationAddArgs) -> $crate::args::RequestPage;
            authorisation_register($crate::args::NoArgs) -> Vec<$crate::args::RegisterEntry>;
            authorisation_approve($crate::args::AuthorisationApproveArgs) -> Vec<$crate::args::RegisterEntry>;
            authorisation_review($crate::args::AuthorisationReviewArgs) -> Vec<$crate::args::RegisterEntry>;
            authorisation_cancel($crate::args::AuthorisationCancelArgs) -> Vec<$crate::args::RegisterEntry>;
            authorisation_central_record($crate::args::CentralRecordArgs) -> $crate::args::CentralRecord;
            session_check($crate::args::SessionCheckArgs) -> $crate::args::SessionCheck;
            session_start($crate::args::SessionStartArgs) -> $crate::args::SessionPage;
            session_get($crate::args::SessionIdArgs) -> $crate::args::SessionPage;
            session_resume($crate::args::SessionIdArgs) -> $crate::args::SessionPage;
            session_end($crate::args::SessionIdArgs) -> $crate::args::SessionPage;
            capture_take($crate::args::CaptureTakeArgs) -> $crate::args::CaptureSummary;
            capture_progress($crate::args::SessionIdArgs) -> triangulate_app::captures::CaptureProgress;
            capture_stop($crate::args::SessionIdArgs) -> triangulate_app::captures::CaptureProgress;
            capture_get($crate::args::CaptureIdArgs) -> $crate::args::CapturePage;
            capture_judge($crate::args::CaptureJudgeArgs) -> $crate::args::CapturePage;
            capture_redact($crate::args::CaptureRedactArgs) -> $crate::args::CapturePage;
            capture_picture($crate::args::CapturePictureArgs) -> $crate::args::CapturePicture;
            export_pdf($crate::args::ExportPdfArgs) -> $crate::args::PdfExported;
            export_filed($crate::args::ExportFiledArgs) -> $crate::args::RequestPage;
            export_file_digest($crate::args::ExportFileDigestArgs) -> triangulate_app::export::FileDigest;
            export_bundle($crate::args::ExportBundleArgs) -> $crate::args::BundleExported;
            log_get($crate::args::LogGetArgs) -> $crate::args::LogPage;
            log_add_search($crate::args::LogSearchArgs) -> $crate::args::LogPage;
            log_add_finding($crate::args::LogFindingArgs) -> $crate::args::LogPage;
            log_disagree($crate::args::LogDisagreeArgs) -> $crate::args::LogPage;
            log_settle($crate::args::LogSettleArgs) -> $crate::args::LogPage;
            log_complete($crate::args::LogSignArgs) -> $crate::args::LogPage;
            log_finalise($crate::args::LogFinaliseArgs) -> $crate::args::LogPage;
            log_share($crate::args::LogShareArgs) -> $crate::args::LogPage;
            log_correct($crate::args::LogCorrectArgs) -> $crate::args::LogPage;
            home_get($crate::args::NoArgs) -> $crate::args::HomePage;
            audit_trail_get($crate::args::ReferenceArgs) -> $crate::args::AuditTrail;
            settings_get($crate::args::NoArgs) -> $crate::args::SettingsPage;
            browser_get($crate::args::NoArgs) -> triangulate_app::browser::BrowserSetting;
            browser_choose($crate::args::BrowserChooseArgs) -> triangulate_app::browser::BrowserSetting;
            browser_forget($crate::args::NoArgs) -> triangulate_app::browser::BrowserSetting;
            policy_platforms($crate::args::NoArgs) -> $crate::args::AllowedPlatforms;
            retention_get($crate::args::NoArgs) -> $crate::args::RetentionPage;
            retention_dispose($crate::args::RetentionDisposeArgs) -> $crate::args::RetentionPage;
            retention_hold($crate::args::RetentionHoldArgs) -> $crate::args::RetentionPage;
            retention_release($crate::args::RetentionHoldArgs) -> $crate::args::RetentionPage;
            incident_list($crate::args::NoArgs) -> $crate::args::IncidentsPage;
            incident_record($crate::args::IncidentRecordArgs) -> $crate::args::IncidentsPage;
            dispute_record($crate::args::DisputeRecordArgs) -> $crate::args::Done;
            subject_access_export($crate::args::SubjectAccessArgs) -> $crate::args::SubjectAccessExported;
            pilot_feedback_get($crate::args::RequestRefArgs) -> $crate::args::PilotFeedback;
            feedback_give($crate::args::FeedbackGiveArgs) -> $crate::args::PilotFeedback;
            feedback_recheck($crate::args::FeedbackRecheckArgs) -> $crate::args::PilotFeedback;
            feedback_process($crate::args::FeedbackProcessArgs) -> $crate::args::PilotFeedback;
            pilot_report($crate::args::PilotReportArgs) -> $crate::args::PilotReportPage;
            pilot_report_write($crate::args::PilotReportWriteArgs) -> $crate::args::ReportWritten;
            pilot_export($crate::args::PilotExportArgs) -> $crate::args::PilotExported;
        }
    };
}

macro_rules! command_names {
    ($($name:ident($args:ty) -> $response:ty;)*) => {
        /// Every command's name, in declaration order.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}
for_each_command!(command_names);
