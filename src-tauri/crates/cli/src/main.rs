//! `triangulate`: the command line over the encrypted store, for workers, IT staff and scripts.
//!
//! Exit codes: 0 success, 1 refused (a rule or the store's state forbids it, or the machine
//! failed), 2 invalid input. Messages are plain English on standard error; `--json` output
//! goes to standard output.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Args, Parser, Subcommand};
use serde_json::json;
use triangulate_core::{ChainReport, WorkerProfileInput};
use triangulate_store::{DataDir, ErrorKind, Keystore, RecoveryPhrase, Store, StoreError, load_policy, store_status};

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
    /// Access sessions: the sanctioned browser and its trail
    #[command(subcommand)]
    Session(capture::SessionCommand),
    /// Capture the tab the worker is looking at (`capture --session ID`), or show, export or judge a capture
    Capture(capture::CaptureArgs),
}

#[derive(Args)]
struct StepArgs {
    /// The request's reference, such as REQ-2026-0001
    reference: String,
    /// Who decided or took the step
    #[arg(long)]
    by: String,
    /// The evidence of the decision: the email or memo's reference
    #[arg(long)]
    evidence: Option<String>,
    #[arg(long)]
    note: Option<String>,
    /// Conditions of the service director's permission
    #[arg(long)]
    conditions: Option<String>,
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
enum AuthorisationCommand {
    /// Record an authorisation for a request
    Add {
        /// The request's reference
        request: String,
        /// directed-surveillance or chis
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
    },
    Cancel {
        urn: String,
        #[arg(long)]
        by: String,
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
    },
    AddFinding {
        reference: String,
        #[arg(long)]
        text: String,
    },
    /// The AAW completes the log
    Complete {
        reference: String,
        #[arg(long)]
        by: String,
    },
    /// The OSW assesses the findings and finalises the log
    Finalise {
        reference: String,
        #[arg(long)]
        by: String,
        /// little, some, considerable or significant
        #[arg(long)]
        rating: String,
        #[arg(long)]
        assessment: String,
    },
    /// Record sharing with the TM, SM and SD
    Share {
        reference: String,
        #[arg(long)]
        by: String,
        /// tm, sm, sd (comma-separated or repeated)
        #[arg(long, required = true)]
        with: Vec<String>,
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
    /// Add a person to the register of Authorised Access Workers
    RegisterAaw { name: String },
}

mod capture;
mod commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_dir = match DataDir::resolve(cli.data_dir.clone()) {
        Ok(dir) => dir,
        Err(error) => return report(error),
    };
    triangulate_store::init_logging(&data_dir);
    match run(cli.command, &data_dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => report(error),
    }
}

/// Prints why a command did not succeed and gives the exit code it earns: 1 refused or
/// failed, 2 invalid input.
fn report(error: StoreError) -> ExitCode {
    match &error {
        StoreError::Fields(errors) => {
            eprintln!("triangulate: there is a problem:");
            for error in errors {
                eprintln!("  {}: {}", error.field, error.message);
            }
        }
        error => eprintln!("triangulate: {error}"),
    }
    ExitCode::from(match error.kind() {
        ErrorKind::InvalidInput => 2,
        ErrorKind::Refused | ErrorKind::Failure => 1,
    })
}

pub(crate) fn print_json(value: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(value).expect("JSON serialises"));
}

pub(crate) fn open(data_dir: &DataDir) -> Result<Store, StoreError> {
    Store::open(data_dir, &Keystore::from_environment()?)
}

pub(crate) use triangulate_core::local_time::{uk_date as uk_today, uk_time};

fn run(command: Command, data_dir: &DataDir) -> Result<(), StoreError> {
    let now = Utc::now();
    match command {
        Command::Request(command) => commands::request(command, data_dir, now),
        Command::Account(command) => commands::account(command, data_dir, now),
        Command::Authorisation(command) => commands::authorisation(command, data_dir, now),
        Command::Log(command) => commands::log(command, data_dir, now),
        Command::Session(command) => capture::session(command, data_dir, now),
        Command::Capture(args) => capture::capture(args, data_dir, now),
        Command::Worker(WorkerCommand::RegisterAaw { name }) => {
            let record = open(data_dir)?.register_aaw(&name, now)?;
            println!("{} is registered as an Authorised Access Worker (AAW {}).", record.name, record.id);
            Ok(())
        }
        Command::Init(flags) => {
            let keystore = Keystore::from_environment()?;
            let (store, phrase) = Store::init(data_dir, &keystore, now)?;
            if flags.json {
                print_json(&json!({
                    "data_dir": data_dir.root(),
                    "store_id": store.store_id(),
                    "keystore": keystore.label(),
                    "keystore_warning": keystore.warning(),
                    "recovery_phrase": phrase.as_str(),
                }));
            } else {
                println!("Created an encrypted store in {}.", data_dir.root().display());
                println!("Its database key is in the {}.", keystore.label());
                if let Some(warning) = keystore.warning() {
                    println!("Warning: {warning}.");
                }
                println!();
                println!("Recovery phrase (shown this once: write it down and keep it away from this laptop):");
                println!();
                println!("    {}", phrase.as_str());
                println!();
                println!(
                    "If the key is ever lost from the credential store, `triangulate recover` with this phrase puts it back."
                );
            }
            Ok(())
        }
        Command::Recover => {
            let keystore = Keystore::from_environment()?;
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprint!("Type the twelve words of the recovery phrase, then press Enter: ");
                let _ = std::io::stderr().flush();
            }
            let mut typed = zeroize::Zeroizing::new(String::new());
            if stdin.is_terminal() {
                stdin
                    .read_line(&mut typed)
                    .map_err(|e| StoreError::Refused(format!("the phrase could not be read: {e}")))?;
            } else {
                stdin
                    .lock()
                    .read_to_string(&mut typed)
                    .map_err(|e| StoreError::Refused(format!("the phrase could not be read: {e}")))?;
            }
            let phrase = RecoveryPhrase::parse(&typed).map_err(StoreError::from)?;
            let store = Store::recover(data_dir, &keystore, &phrase, now)?;
            println!("The database key is back in the {}; the store opens again.", keystore.label());
            println!("Audit chain: {}", store.audit_verify()?);
            Ok(())
        }
        Command::Status(flags) => {
            let status = store_status(data_dir, &Keystore::from_environment());
            if flags.json {
                print_json(&serde_json::to_value(&status).expect("serialises"));
            } else {
                println!("Data folder: {}", status.data_dir);
                println!("Key kept in: {}", status.keystore);
                if let Some(id) = &status.store_id {
                    println!("Store id: {id}");
                }
                if let Some(audit) = &status.audit {
                    println!("Audit chain: {}", audit.message);
                }
                println!("{}", status.message);
            }
            match status.state {
                triangulate_store::StoreState::Ready => Ok(()),
                _ => Err(StoreError::Refused("the store is not open".into())),
            }
        }
        Command::Audit(AuditCommand::Verify(flags)) => {
            let store = Store::open(data_dir, &Keystore::from_environment()?)?;
            let report = store.audit_verify()?;
            if flags.json {
                print_json(&serde_json::to_value(&report).expect("serialises"));
            } else {
                println!("{report}");
            }
            match report {
                ChainReport::Intact { .. } => Ok(()),
                ChainReport::Broken { .. } => Err(StoreError::Refused("the audit chain is broken".into())),
            }
        }
        Command::Policy(PolicyCommand::Show(flags)) => {
            let (policy, source) = load_policy(data_dir)?;
            if flags.json {
                print_json(&json!({ "source": source, "policy": policy }));
            } else {
                match &source {
                    Some(path) => println!("# The policy in force, from {} over the embedded defaults", path.display()),
                    None => println!(
                        "# The policy in force: the embedded defaults ({} is absent)",
                        data_dir.policy_file().display()
                    ),
                }
                print!("{}", policy.to_toml());
            }
            Ok(())
        }
        Command::Worker(WorkerCommand::Set { name, role, staff_id }) => {
            let profile = WorkerProfileInput { name, role, staff_id }.validate().map_err(StoreError::Fields)?;
            let mut store = Store::open(data_dir, &Keystore::from_environment()?)?;
            let record = store.set_worker_profile(&profile, now)?;
            println!("Worker profile saved (worker {}, {}).", record.id, record.role.title());
            Ok(())
        }
        Command::Worker(WorkerCommand::Show(flags)) => {
            let store = Store::open(data_dir, &Keystore::from_environment()?)?;
            let record = store.worker_profile()?;
            match (record, flags.json) {
                (Some(record), true) => print_json(&serde_json::to_value(&record).expect("serialises")),
                (Some(record), false) => {
                    println!(
                        "{} ({}){}",
                        record.name,
                        record.role.title(),
                        record.staff_id.map(|id| format!(", staff id {id}")).unwrap_or_default()
                    );
                }
                (None, _) => {
                    return Err(StoreError::Refused(
                        "there is no worker profile yet: set one with `triangulate worker set`".into(),
                    ));
                }
            }
            Ok(())
        }
    }
}
