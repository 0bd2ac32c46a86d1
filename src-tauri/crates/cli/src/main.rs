//! `triangulate`: the command line over the encrypted store, for workers, IT staff and scripts.
//!
//! Exit codes: 0 success, 1 refused (a rule or the store's state forbids it, or the machine
//! failed), 2 invalid input. Messages are plain English on standard error; `--json` output
//! goes to standard output.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde_json::json;
use triangulate_app::{
    Acceptance, AppError, DataDir, ErrorCode, ErrorKind, Host, KeptStore, RecorderOrder, StoreError, StoreState, admin, people,
};
use triangulate_core::{ChainReport, WorkerProfileInput};

#[derive(Parser)]
#[command(name = "triangulate", version, about = "Authorised social-media checks, recorded so they stand up in court")]
struct Cli {
    /// The data folder (default: the OS's local application-data folder, or TRIANGULATE_DATA_DIR)
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new encrypted store and show its recovery phrase, once
    Init(JsonFlag),
    /// Put the database key back in the credential store, from the recovery phrase read on standard input
    Recover,
    /// Make a new recovery phrase for the store's key (when the recovery file was lost or the phrase exposed); shown once
    RenewRecovery(JsonFlag),
    /// Show whether the store opens, where its key is kept and whether its audit chain is intact
    Status(JsonFlag),
    /// The audit chain
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The local policy
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// The profile of the person using this laptop, and the register of Authorised Access Workers
    #[command(subcommand)]
    Worker(WorkerCommand),
    /// The staff directory: the people who take part and their roles
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Investigation requests (Appendix 1) and their authorisation steps
    #[command(subcommand)]
    Request(RequestCommand),
    /// The register of sanctioned accounts
    #[command(subcommand)]
    Account(AccountCommand),
    /// Directed-surveillance and CHIS authorisations
    #[command(subcommand)]
    Authorisation(AuthorisationCommand),
    /// The investigation log (Appendix 2)
    #[command(subcommand)]
    Log(LogCommand),
    /// The browser for this laptop's captures: the one a session opens, or the worker's choice
    #[command(subcommand)]
    Browser(capture::BrowserCommand),
    /// Access sessions: the sanctioned browser and its trail
    #[command(subcommand)]
    Session(capture::SessionCommand),
    /// Capture the tab the worker is looking at (`capture --session ID`), or show, export or judge a capture
    Capture(capture::CaptureArgs),
    /// PDFs and evidence bundles of a request, and the record that a PDF was filed
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// Everything held about one person (their id, as `request show --json` gives it in
    /// `subjects[].person_id`): a PDF for them and a folder of the original files, with what
    /// to redact before disclosure flagged
    SubjectAccess {
        /// The person's id
        person: i64,
        /// A new (or empty) folder to write to
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Retention: what falls due for disposal, disposal, and legal holds
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Incidents: breaches of the procedure, for the service manager to investigate and manage
    #[command(subcommand)]
    Incident(IncidentCommand),
    /// The pilot's feedback: after a check, six months on, and on the authorisation process
    #[command(subcommand)]
    Feedback(FeedbackCommand),
    /// The pilot's evaluation: this laptop's figures exported, and the report over a period
    #[command(subcommand)]
    Pilot(PilotCommand),
    /// Disputes: a person's dispute of a capture or a finding held about them
    #[command(subcommand)]
    Dispute(DisputeCommand),
    /// Serve every command of the app over HTTP on this computer until stopped: prints one JSON
    /// line, {"url": …, "token": …}; each command is `POST URL/api/COMMAND` with its JSON
    /// arguments and `Authorization: Bearer TOKEN`, answered as the desktop's window is
    Serve {
        /// The address to listen on: 127.0.0.1 or [::1] only, with a port (0 for any free one)
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
        /// The UI's built folder (ui/dist) to serve at the address's root, for a web browser on
        /// this computer; give the page its token as URL/#token=TOKEN
        #[arg(long, value_name = "DIR")]
        ui: Option<PathBuf>,
    },
    /// Check an evidence bundle (a ZIP, or the folder it was unzipped into): needs no store and no key
    Verify {
        /// The bundle
        bundle: PathBuf,
        /// The council's published fingerprint of its signing key (hex of the SHA-256 of the public key)
        #[arg(long, value_name = "FP")]
        expect_fingerprint: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct StepArgs {
    /// The request's reference, such as REQ-2026-0001
    reference: String,
    /// Who decided or took the step: a staff ID or a name in the staff directory
    #[arg(long)]
    by: String,
    /// The evidence of the decision, the email or memo's reference: needed when it is recorded
    /// for someone other than this laptop's worker
    #[arg(long)]
    evidence: Option<String>,
    #[arg(long)]
    note: Option<String>,
    /// Conditions of the service director's permission
    #[arg(long)]
    conditions: Option<String>,
    /// The day it was decided, by email or in a meeting (2026-11-20); default today
    #[arg(long, value_name = "DATE")]
    decided_on: Option<String>,
    /// Print the request as `request show --json` does (a refusal as {"error": …})
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum RequestCommand {
    /// Create a draft request from a JSON file; prints its reference
    Create {
        #[arg(long)]
        file: PathBuf,
        /// The request during whose check this new person was found (flags it for the service director)
        #[arg(long)]
        parent: Option<String>,
        /// Subject N is the known person P: N=P
        #[arg(long = "same-person", value_name = "N=P")]
        same_person: Vec<String>,
        /// Subject N is a new person, not a known one
        #[arg(long = "new-person", value_name = "N")]
        new_person: Vec<usize>,
    },
    Show {
        reference: String,
        #[arg(long)]
        json: bool,
    },
    List(JsonFlag),
    Submit(StepArgs),
    Agree(StepArgs),
    Permit(StepArgs),
    Refuse(StepArgs),
    ReferBack(StepArgs),
    ConfirmLegitimacy(StepArgs),
    RaiseDoubts(StepArgs),
    Withdraw(StepArgs),
    Close(StepArgs),
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Register a sanctioned account; prints its id
    Add {
        #[arg(long)]
        platform: String,
        #[arg(long)]
        handle: String,
        /// A member of the public would not identify it as the council's (may need CHIS authorisation)
        #[arg(long)]
        not_identifiable: bool,
    },
    List(JsonFlag),
}

#[derive(Subcommand)]
enum IncidentCommand {
    /// Record an incident; prints its number
    Record {
        /// What happened
        #[arg(long)]
        what: String,
        /// The day it happened, YYYY-MM-DD
        #[arg(long = "on", value_name = "DATE")]
        occurred_on: String,
        #[arg(long)]
        reported_by: String,
        /// A person affected (repeat for each)
        #[arg(long = "person", value_name = "NAME")]
        people: Vec<String>,
        /// What was done about it
        #[arg(long)]
        action: String,
        /// The request it concerns
        #[arg(long)]
        request: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Every incident, newest first
    List(JsonFlag),
}

#[derive(Subcommand)]
enum DisputeCommand {
    /// Record a dispute of a capture (`--capture ID`) or of a finding (`--finding REF:N`)
    Record {
        #[arg(long, conflicts_with = "finding", required_unless_present = "finding")]
        capture: Option<i64>,
        /// The request's reference and the finding's number, as REQ-2026-0001:2
        #[arg(long, value_name = "REF:N")]
        finding: Option<String>,
        /// Who disputes it
        #[arg(long)]
        by: String,
        /// What they dispute, in their words
        #[arg(long)]
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// Every dispute, or a request's
    List {
        #[arg(long)]
        request: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum FeedbackCommand {
    /// The originating social worker's feedback once the log is finalised
    Give {
        reference: String,
        /// Time the check took, in minutes (default: the access sessions' minutes, where there were any)
        #[arg(long, value_name = "N")]
        time_minutes: Option<u32>,
        /// Useful pieces of information found
        #[arg(long, value_name = "N")]
        useful: Option<u32>,
        /// Unique pieces: useful ones not otherwise available
        #[arg(long, value_name = "N")]
        unique: Option<u32>,
        /// little, some, considerable or significant
        #[arg(long)]
        rating: String,
        #[arg(long)]
        comments: Option<String>,
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// How useful the information proved in the longer term (six months after finalisation)
    Recheck {
        reference: String,
        #[arg(long)]
        rating: String,
        #[arg(long)]
        comments: Option<String>,
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// A rating of the authorisation process, by the requester or a manager
    Process {
        reference: String,
        /// 1 (poor) to 5 (very good)
        #[arg(long, value_name = "1-5")]
        ease: Option<u8>,
        /// 1 (poor) to 5 (very good)
        #[arg(long, value_name = "1-5")]
        effectiveness: Option<u8>,
        #[arg(long)]
        comments: Option<String>,
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PilotCommand {
    /// Write this laptop's pilot figures (no names), signed with the installation's key
    Export {
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The report over a period (default: the policy's pilot period), with other laptops' exports
    Report {
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Another laptop's export (repeatable); each signature is checked
        #[arg(long = "import", value_name = "FILE")]
        imports: Vec<std::path::PathBuf>,
        #[arg(long, conflicts_with_all = ["csv", "pdf"])]
        json: bool,
        #[arg(long, value_name = "FILE", conflicts_with = "pdf")]
        csv: Option<std::path::PathBuf>,
        #[arg(long, value_name = "FILE")]
        pdf: Option<std::path::PathBuf>,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// List what falls due for disposal today under the local policy, and why; deletes nothing
    Review(JsonFlag),
    /// Dispose of exactly what `retention review` lists today: removed, with a tombstone each
    Dispose {
        /// Who disposes of the records
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
    /// Place a legal hold on a request (court proceedings, a complaint): nothing of it is disposed of
    Hold {
        /// The request's reference
        reference: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Release a request's legal hold
    Release {
        /// The request's reference
        reference: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum AuthorisationCommand {
    /// Record an authorisation for a request
    Add {
        /// The request's reference
        request: String,
        /// directed-surveillance, chis or non-ripa
        #[arg(long)]
        kind: String,
        /// The authorisation's unique reference number
        #[arg(long = "reference", value_name = "URN")]
        urn: String,
        #[arg(long)]
        officer: String,
        #[arg(long, value_name = "DATE")]
        granted: String,
        #[arg(long, value_name = "DATE")]
        review: Option<String>,
        #[arg(long, value_name = "DATE")]
        expires: Option<String>,
        /// The subject number (from 1) it covers, for directed surveillance
        #[arg(long, value_name = "N", conflicts_with = "account")]
        person: Option<usize>,
        /// The sanctioned account it covers, for CHIS
        #[arg(long, value_name = "ID")]
        account: Option<i64>,
        /// The day a justice of the peace approved it (RIPA kinds; until then it allows nothing)
        #[arg(long, value_name = "DATE")]
        approved: Option<String>,
        /// Granted under the urgency procedure
        #[arg(long)]
        urgent: bool,
        /// Confidential or legally privileged material is likely to be obtained
        #[arg(long)]
        confidential_likely: bool,
    },
    /// Record a justice of the peace's approval of a RIPA authorisation: in force from that day
    Approve {
        urn: String,
        #[arg(long, value_name = "DATE")]
        approved: String,
        #[arg(long)]
        by: String,
    },
    /// Record a review: its outcome and the next review's date (default: the policy's interval)
    Review {
        urn: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        outcome: String,
        #[arg(long, value_name = "DATE")]
        next: Option<String>,
    },
    /// Cancel an authorisation, with who decided and why
    Cancel {
        urn: String,
        #[arg(long)]
        by: String,
        #[arg(long)]
        reason: String,
    },
    /// Renew an authorisation: a later expiry, and optionally a new review date
    Renew {
        urn: String,
        #[arg(long)]
        by: String,
        #[arg(long, value_name = "DATE")]
        expires: String,
        #[arg(long, value_name = "DATE")]
        review: Option<String>,
    },
    List(JsonFlag),
    /// Every authorisation across requests with its approval, reviews, renewals, cancellation and state today
    Register(JsonFlag),
    /// Write the central record of authorisations as CSV (the subjects' names leave the encrypted store)
    CentralRecord {
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum LogCommand {
    /// Record a search made on a sanctioned account
    AddSearch {
        reference: String,
        #[arg(long)]
        platform: String,
        #[arg(long, value_name = "ID")]
        account: i64,
        /// What was searched for
        #[arg(long)]
        searched: String,
        #[arg(long)]
        result: String,
        /// When (RFC 3339, default now)
        #[arg(long)]
        at: Option<String>,
        /// Print the log as `log show --json` does (a refusal as {"error": …})
        #[arg(long)]
        json: bool,
    },
    AddFinding {
        reference: String,
        #[arg(long)]
        text: String,
        /// A capture of this request the finding rests on (repeat for several)
        #[arg(long = "capture", value_name = "ID")]
        captures: Vec<i64>,
    },
    /// The AAW completes the log
    Complete {
        reference: String,
        /// Who completed it: a staff ID or a name in the staff directory
        #[arg(long)]
        by: String,
        /// When recorded for someone else: the email or memo it came in
        #[arg(long)]
        evidence: Option<String>,
        /// Print the log as `log show --json` does (a refusal as {"error": …})
        #[arg(long)]
        json: bool,
    },
    /// The OSW assesses the findings and finalises the log
    Finalise {
        reference: String,
        /// Who finalised it: a staff ID or a name in the staff directory
        #[arg(long)]
        by: String,
        /// When recorded for someone else: the email or memo it came in
        #[arg(long)]
        evidence: Option<String>,
        /// Print the log as `log show --json` does (a refusal as {"error": …})
        #[arg(long)]
        json: bool,

        /// little, some, considerable or significant
        #[arg(long)]
        rating: String,
        #[arg(long)]
        assessment: String,
    },
    /// Record sharing with the TM, SM and SD
    Share {
        reference: String,
        /// Who shared it: a staff ID or a name in the staff directory
        #[arg(long)]
        by: String,
        /// When recorded for someone else: the email or memo it came in
        #[arg(long)]
        evidence: Option<String>,
        /// Print the log as `log show --json` does (a refusal as {"error": …})
        #[arg(long)]
        json: bool,

        /// tm, sm, sd (comma-separated or repeated)
        #[arg(long, required = true)]
        with: Vec<String>,
    },
    /// Record a disagreement between the social worker and the access worker about what is relevant
    Disagree {
        reference: String,
        /// Who raises it
        #[arg(long)]
        by: String,
        /// What is disagreed about, and each side's view
        #[arg(long)]
        about: String,
    },
    /// Record the service manager's outcome of a disagreement
    Settle {
        reference: String,
        /// The disagreement's number
        #[arg(long, value_name = "N")]
        disagreement: u32,
        /// The service manager who decided
        #[arg(long)]
        by: String,
        #[arg(long)]
        outcome: String,
    },
    /// Start a correction of a finalised log: a new version
    Correct {
        reference: String,
        #[arg(long)]
        note: String,
    },
    Show {
        reference: String,
        #[arg(long)]
        version: Option<u32>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct JsonFlag {
    /// Print JSON on standard output
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every event against its hash, the one before it and the chain's head
    Verify(JsonFlag),
    /// Accept a database restored from a copy: the chain goes on from the restored head
    AcceptRestore {
        /// Who accepts the restore
        #[arg(long)]
        by: String,
        /// Why: the incident, the backup restored
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Accept the store as it stands while a copy of its audit head is missing (lost with the
    /// kernel keyring at a restart, or deleted): both copies are made again
    AcceptHead {
        /// Who accepts the store
        #[arg(long)]
        by: String,
        /// Why: how the copy came to be missing, and why the data folder was not put back
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Print the policy in force: policy.toml in the data folder over the embedded defaults
    Show(JsonFlag),
}

#[derive(Subcommand)]
enum WorkerCommand {
    /// Set the worker profile
    Set {
        #[arg(long)]
        name: String,
        /// aaw, osw or tm
        #[arg(long)]
        role: String,
        #[arg(long)]
        staff_id: Option<String>,
    },
    /// Show the worker profile
    Show(JsonFlag),
    /// Register a person of the staff directory as an Authorised Access Worker, on the service
    /// director's decision (or complete a registration made without it)
    RegisterAaw {
        /// The access worker: a staff ID or a name in the staff directory
        name: String,
        /// The service director whose decision it is (staff ID or name)
        #[arg(long, value_name = "SD")]
        decided_by: Option<String>,
        /// The reference of the service director's decision to register them
        #[arg(long, value_name = "REF")]
        evidence: Option<String>,
        /// The date they were trained in the protocol (2026-03-31)
        #[arg(long, value_name = "DATE")]
        trained: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Add a person to the staff directory
    Add {
        #[arg(long)]
        name: String,
        /// osw, tm, sm, sd, aaw or legal (repeat for several)
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
        #[arg(long, value_name = "ID")]
        staff_id: Option<String>,
        #[arg(long)]
        team: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add everyone in a CSV file (header staff_id,name,roles,team; roles joined with ;): every
    /// bad row reported at once, nobody added on any error
    Import {
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Everyone in the staff directory
    List(JsonFlag),
    /// Change a person's entry (what is not given stays as it is); clears its review flag
    Update {
        /// The person: a staff ID or a name
        person: String,
        #[arg(long)]
        name: Option<String>,
        /// The roles they hold now, replacing the ones recorded (repeat for several)
        #[arg(long = "role", value_name = "ROLE")]
        roles: Vec<String>,
        #[arg(long, value_name = "ID")]
        staff_id: Option<String>,
        #[arg(long)]
        team: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Record that a person left: they stay in the directory and take no step from that day
    Leave {
        /// The person: a staff ID or a name
        person: String,
        /// The day they left (2026-03-31); today when left out
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

mod capture;
mod clock;
mod commands;
mod export;
mod flags;
mod out;
mod progress;
mod serve;

use out::{esay, say};

/// The command line's host: the data folder, the system clock, the store opened once for
/// the command, this binary's own recorder mode (`session record`), and a progress bar for
/// long work on standard error when it is a terminal.
pub(crate) struct CliHost {
    data_dir: DataDir,
    store: KeptStore,
    bar: progress::Bar,
    clock: triangulate_app::host::Clock,
    /// Where `serve` keeps long work's progress for its page.
    board: Option<triangulate_serve::ProgressBoard>,
}

impl Host for CliHost {
    fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    fn clock(&self) -> triangulate_app::host::Clock {
        self.clock.clone()
    }

    fn store(&self) -> triangulate_app::Result<triangulate_app::OpenStore<'_>> {
        self.store.open(&self.data_dir)
    }

    fn start_recorder(&self, order: &RecorderOrder) -> triangulate_app::Result<()> {
        let args = ["--data-dir".into(), self.data_dir.root().into(), "session".into(), "record".into()];
        triangulate_app::spawn_recorder_process(&self.data_dir, None, &args, order)
    }

    fn progress(&self, report: &triangulate_app::Progress) {
        self.bar.show(report);
        if let Some(board) = &self.board {
            board.report(report);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = std::env::args().any(|a| a == "--json");
    let data_dir = match DataDir::resolve(cli.data_dir.clone()) {
        Ok(dir) => dir,
        Err(error) => return report(error.into(), json),
    };
    triangulate_app::init_logging(&data_dir);
    let clock = match clock::from_environment() {
        Ok(clock) => clock,
        Err(error) => return report(error, json),
    };
    let host = CliHost { data_dir, store: KeptStore::default(), bar: progress::Bar::on_stderr(), clock, board: None };
    match run(cli.command, &host) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(error, json),
    }
}

/// What to do next, in this command line's own words, for errors whose remedy is a command.
fn hint(error: &AppError) -> Option<String> {
    match error {
        AppError::Store(StoreError::AcceptInstead { instead: Acceptance::Head, .. }) => return Some(ACCEPT_HEAD.into()),
        AppError::Store(StoreError::AcceptInstead { instead: Acceptance::Restore, .. }) => {
            return Some("If it was put back on purpose, run `triangulate audit accept-restore --by NAME --reason TEXT`.".into());
        }
        AppError::Store(StoreError::Invalid { field: "data_dir", .. }) => {
            return Some("Give the data folder with --data-dir DIR or TRIANGULATE_DATA_DIR.".into());
        }
        _ => {}
    }
    Some(match error.code() {
        ErrorCode::NotInitialised => "Run `triangulate init` to create one.".into(),
        ErrorCode::KeyMissing | ErrorCode::WrongKey => {
            "Run `triangulate recover` and give the recovery phrase to put the key back.".into()
        }
        ErrorCode::StoreRolledBack => {
            "If this copy was restored on purpose, run `triangulate audit accept-restore --by NAME --reason TEXT`.".into()
        }
        ErrorCode::UnknownStaff => "Add them with `triangulate staff add --name NAME --role ROLE [--staff-id ID] [--team TEAM]`, or see who is there with `triangulate staff list`.".into(),
        ErrorCode::OutsideScope => "Give the reason with --outside-scope-reason TEXT, or raise a new request with `triangulate request create --file FILE --parent REF`.".into(),
        ErrorCode::LogNotFinalised => {
            "Add --draft to export a draft (DRAFT on every page), or finalise the log first with `triangulate log finalise`.".into()
        }
        ErrorCode::CapturesUnjudged => {
            "Judge each with `triangulate capture judge ID --relevant yes|no …`, or add --draft to export a draft.".into()
        }
        ErrorCode::GuardRefused
            if error.guards().contains(&triangulate_core::guards::code::CONDITIONS_NOT_CONFIRMED) =>
        {
            "Read them with `triangulate request show REF`, then start the session again with --confirm-conditions.".into()
        }
        ErrorCode::BrowserFailed => {
            "Choose the browser for this laptop with `triangulate browser set PATH`, or give it to `session start` with --browser PATH.".into()
        }
        ErrorCode::RecordingStopped => match error {
            AppError::RecordingStopped { session, .. } => format!(
                "Resume it with `triangulate session resume {session}`, or end it with `triangulate session end {session}`."
            ),
            _ => return None,
        },
        _ => return None,
    })
}

/// Prints why a command did not succeed and gives the exit code it earns: 1 refused or
/// failed, 2 invalid input. With `--json`, the error's code, guard codes and fields are
/// printed on standard output too, so that scripts decide on codes, never on words.
fn report(error: AppError, json: bool) -> ExitCode {
    let fields = error.fields();
    if fields.is_empty() {
        esay!("triangulate: {error}");
    } else {
        esay!("triangulate: there is a problem:");
        for field in &fields {
            esay!("  {}: {}", field.field, field.message);
        }
    }
    let hint = hint(&error);
    if let Some(hint) = &hint {
        esay!("{hint}");
    }
    if json && !PRINTED_JSON.load(std::sync::atomic::Ordering::SeqCst) {
        let mut document = json!({ "error": {
            "code": error.code(),
            "message": error.to_string(),
            "guards": error.guards(),
            "fields": fields,
            "hint": hint,
        }});
        // Which captures still need judging, for a refused final export.
        if let AppError::CapturesUnjudged { captures, .. } = &error {
            document["error"]["captures"] = json!(captures);
        }
        print_json(&document);
    }
    ExitCode::from(match error.kind() {
        ErrorKind::InvalidInput => 2,
        ErrorKind::Refused | ErrorKind::Failure => 1,
    })
}

/// What to do while a copy of the audit head is missing.
const ACCEPT_HEAD: &str = "If nobody put the data folder back from a copy, accept the store as it stands with `triangulate audit accept-head --by NAME --reason TEXT`.";

/// Whether the command already printed its JSON (a status that is not ready, a broken
/// chain): standard output then holds one document, never two.
static PRINTED_JSON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) fn print_json(value: &serde_json::Value) {
    PRINTED_JSON.store(true, std::sync::atomic::Ordering::SeqCst);
    println!("{}", out::inert_json(&serde_json::to_string_pretty(value).expect("JSON serialises")));
}

pub(crate) use triangulate_core::local_time::uk_time;

pub(crate) type Result<T> = triangulate_app::Result<T>;

fn run(command: Command, host: &CliHost) -> Result<()> {
    match command {
        Command::Request(command) => commands::request(command, host),
        Command::Account(command) => commands::account(command, host),
        Command::Retention(command) => commands::retention(command, host),
        Command::Feedback(command) => commands::feedback(command, host),
        Command::Pilot(command) => commands::pilot(command, host),
        Command::Incident(command) => commands::incident(command, host),
        Command::Dispute(command) => commands::dispute(command, host),
        Command::SubjectAccess { person, out, json } => commands::subject_access(person, &out, json, host),
        Command::Authorisation(command) => commands::authorisation(command, host),
        Command::Log(command) => commands::log(command, host),
        Command::Browser(command) => capture::browser(command, host),
        Command::Session(command) => capture::session(command, host),
        Command::Capture(args) => capture::capture(args, host),
        Command::Export(command) => export::export(command, host),
        Command::Serve { listen, ui } => serve::serve(&listen, ui.as_deref(), host),
        Command::Verify { bundle, expect_fingerprint, json } => {
            export::verify(&bundle, expect_fingerprint.as_deref(), json)
        }
        Command::Worker(WorkerCommand::RegisterAaw { name, decided_by, evidence, trained, json }) => {
            let record = people::register_aaw(
                host,
                &name,
                decided_by.as_deref().unwrap_or_default(),
                evidence.as_deref().unwrap_or_default(),
                trained.as_deref().unwrap_or_default(),
            )?;
            if json {
                print_json(&serde_json::to_value(&record).expect("serialises"));
                return Ok(());
            }
            say!(
                "{} is registered as an Authorised Access Worker (AAW {}), on the decision of {}.",
                out::inline(&record.name),
                record.id,
                out::inline(record.decided_by.as_ref().map_or("", |d| d.name.as_str()))
            );
            Ok(())
        }
        Command::Staff(command) => commands::staff(command, host),
        Command::Init(flags) => {
            let made = admin::init(host)?;
            if flags.json {
                print_json(&json!({
                    "data_dir": host.data_dir.root(),
                    "store_id": made.store_id,
                    "keystore": made.keystore_label,
                    "keystore_warning": made.keystore_warning,
                    "recovery_phrase": made.phrase.as_str(),
                }));
            } else {
                say!("Created an encrypted store in {}.", host.data_dir.root().display());
                say!("Its database key is in the {}.", made.keystore_label);
                if let Some(warning) = &made.keystore_warning {
                    say!("Warning: {warning}.");
                }
                say!();
                say!("Recovery phrase (shown this once: write it down and keep it away from this laptop):");
                say!();
                say!("    {}", made.phrase.as_str());
                say!();
                say!(
                    "If the key is ever lost from the credential store, `triangulate recover` with this phrase puts it back."
                );
            }
            Ok(())
        }
        Command::Recover => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprint!("Type the twelve words of the recovery phrase, then press Enter: ");
                let _ = std::io::stderr().flush();
            }
            let mut typed = zeroize::Zeroizing::new(String::new());
            let read = if stdin.is_terminal() {
                stdin.read_line(&mut typed).map(|_| ())
            } else {
                stdin.lock().read_to_string(&mut typed).map(|_| ())
            };
            read.map_err(|e| AppError::Refused(format!("the phrase could not be read: {e}")))?;
            let (keystore, report, rollback_warning) = admin::recover(host, &typed)?;
            say!("The database key is back in the {keystore}; the store opens again.");
            say!("Audit chain: {report}");
            if let Some(warning) = rollback_warning {
                say!("Warning: {warning}.");
                say!("{ACCEPT_HEAD}");
            }
            Ok(())
        }
        Command::RenewRecovery(flags) => {
            let phrase = admin::renew_recovery_phrase(host)?;
            if flags.json {
                print_json(&json!({ "recovery_phrase": phrase.as_str() }));
            } else {
                say!("A new recovery phrase was made; the old one unlocks nothing any more.");
                say!();
                say!("Recovery phrase (shown this once: write it down and keep it away from this laptop):");
                say!();
                say!("    {}", phrase.as_str());
                say!();
            }
            Ok(())
        }
        Command::Audit(AuditCommand::AcceptRestore { by, reason, json }) => {
            let accepted = admin::accept_restore(host, &by, &reason)?;
            if json {
                print_json(&serde_json::to_value(&accepted).expect("serialises"));
            } else {
                say!(
                    "Restore accepted: the database holds {} events, {} were recorded before; the chain goes on from event {}.",
                    accepted.database.count,
                    accepted.recorded.count,
                    accepted.head.count
                );
            }
            Ok(())
        }
        Command::Audit(AuditCommand::AcceptHead { by, reason, json }) => {
            let accepted = admin::accept_head(host, &by, &reason)?;
            if json {
                print_json(&serde_json::to_value(&accepted).expect("serialises"));
            } else {
                say!(
                    "Store accepted as it stands at {} events; both copies of the audit head are made again, at event {}.",
                    accepted.database.count,
                    accepted.head.count
                );
            }
            Ok(())
        }
        Command::Status(flags) => {
            let status = admin::status(host);
            if flags.json {
                print_json(&serde_json::to_value(&status).expect("serialises"));
            } else {
                say!("Data folder: {}", status.data_dir);
                say!("Key kept in: {}", status.keystore);
                if let Some(id) = &status.store_id {
                    say!("Store id: {id}");
                }
                if let Some(audit) = &status.audit {
                    say!("Audit chain: {}", audit.message);
                }
                say!("{}", status.message);
                if let Some(warning) = &status.rollback_warning {
                    say!("Warning: {warning}.");
                    say!("{ACCEPT_HEAD}");
                }
                if let Some(warning) = &status.recovery_warning {
                    say!("Warning: {warning}.");
                    say!(
                        "While the key is still here, `triangulate renew-recovery` makes a new recovery phrase and file."
                    );
                }
            }
            match status.state {
                StoreState::Ready => Ok(()),
                _ => Err(AppError::Refused("the store is not open".into())),
            }
        }
        Command::Audit(AuditCommand::Verify(flags)) => {
            let verified = admin::audit_verify(host)?;
            if flags.json {
                print_json(&serde_json::to_value(&verified).expect("serialises"));
            } else {
                say!("{}", verified.report);
            }
            // Exit 0 only for a chain that is whole and not an earlier copy's: a script that
            // trusts the code must not be told "good" when a rollback cannot be ruled out.
            match (&verified.report, &verified.rollback_warning) {
                (ChainReport::Broken { .. }, _) => Err(AppError::Refused("the audit chain is broken".into())),
                (ChainReport::Intact { .. }, Some(warning)) => {
                    Err(AppError::Refused(format!("{warning}. {ACCEPT_HEAD}")))
                }
                (ChainReport::Intact { .. }, None) => Ok(()),
            }
        }
        Command::Policy(PolicyCommand::Show(flags)) => {
            let (policy, source) = admin::policy(host)?;
            if flags.json {
                print_json(&json!({ "source": source, "policy": policy }));
            } else {
                match &source {
                    Some(path) => say!("# The policy in force, from {} over the embedded defaults", path.display()),
                    None => say!(
                        "# The policy in force: the embedded defaults ({} is absent)",
                        host.data_dir.policy_file().display()
                    ),
                }
                say!("{}", policy.to_toml().trim_end());
            }
            Ok(())
        }
        Command::Worker(WorkerCommand::Set { name, role, staff_id }) => {
            let record = people::set_profile(host, &WorkerProfileInput { name, role, staff_id })?;
            say!("Worker profile saved (worker {}, {}).", record.id, record.role.title());
            Ok(())
        }
        Command::Worker(WorkerCommand::Show(flags)) => match (people::profile(host)?, flags.json) {
            (Some(record), true) => {
                print_json(&serde_json::to_value(&record).expect("serialises"));
                Ok(())
            }
            (Some(record), false) => {
                say!(
                    "{} ({}){}",
                    record.name,
                    record.role.title(),
                    record.staff_id.map(|id| format!(", staff id {id}")).unwrap_or_default()
                );
                Ok(())
            }
            (None, _) => {
                Err(AppError::Refused("there is no worker profile yet: set one with `triangulate worker set`".into()))
            }
        },
    }
}
