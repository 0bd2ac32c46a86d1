//! The protocol's commands: requests, accounts, authorisations and the investigation log.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use triangulate_app::register::NewAuthorisation;
use triangulate_app::{AppError, LogRecord, PersonMatch, RequestRecord, log, people, register, requests};
use triangulate_core::FieldError;
use triangulate_core::workflow::{DecisionInput, Step};

use crate::out::{esay, inline, paragraphs, say};

use crate::{
    AccountCommand, AuthorisationCommand, CliHost, DisputeCommand, FeedbackCommand, IncidentCommand, LogCommand,
    PilotCommand, RequestCommand, Result, RetentionCommand, StaffCommand, StepArgs, print_json, uk_time,
};

fn step_of(command: &RequestCommand) -> Option<(Step, &StepArgs)> {
    Some(match command {
        RequestCommand::Submit(a) => (Step::Submit, a),
        RequestCommand::Agree(a) => (Step::Agree, a),
        RequestCommand::Permit(a) => (Step::Permit, a),
        RequestCommand::Refuse(a) => (Step::Refuse, a),
        RequestCommand::ReferBack(a) => (Step::ReferBack, a),
        RequestCommand::ConfirmLegitimacy(a) => (Step::ConfirmLegitimacy, a),
        RequestCommand::RaiseDoubts(a) => (Step::RaiseDoubts, a),
        RequestCommand::Withdraw(a) => (Step::Withdraw, a),
        RequestCommand::Close(a) => (Step::Close, a),
        _ => return None,
    })
}

fn settled_matches(same_person: &[String], new_person: &[usize]) -> Result<BTreeMap<usize, PersonMatch>> {
    let mut settled = BTreeMap::new();
    for pair in same_person {
        let parsed = pair
            .split_once('=')
            .and_then(|(s, p)| Some((s.trim().parse::<usize>().ok()?, p.trim().parse::<i64>().ok()?)));
        match parsed {
            Some((subject, person)) => {
                settled.insert(subject, PersonMatch::Same(person));
            }
            None => {
                return Err(AppError::fields_error(vec![FieldError::new(
                    "same-person",
                    format!("\"{pair}\" must be SUBJECT=PERSON, such as 1=4"),
                )]));
            }
        }
    }
    for subject in new_person {
        settled.insert(*subject, PersonMatch::New);
    }
    Ok(settled)
}

fn print_request(record: &RequestRecord) {
    let r = &record.request;
    say!("{} — {} ({})", record.reference, record.state_label, record.state);
    say!(
        "Case: {}   Social worker: {} ({})   Team manager: {}",
        inline(&r.case_reference),
        inline(&r.originating_worker.name),
        inline(&r.originating_worker.team),
        inline(&r.team_manager.name)
    );
    say!("Reason: {}", r.reason.label());
    say!("Period of interest: {} to {}", r.period.from, r.period.to);
    if let Some(parent) = &record.parent {
        say!("A separate request for a person found during {parent}: flagged for the service director");
    }
    for (index, subject) in r.subjects.iter().enumerate() {
        let person = record
            .subjects
            .get(index)
            .and_then(|s| s.person_id)
            .map(|id| format!(" [person {id}]"))
            .unwrap_or_default();
        say!("Subject {}: {} ({:?}){person}", index + 1, inline(subject.display_name()), subject.role);
        for profile in &subject.profiles {
            say!("    {}: {}", inline(&profile.platform), inline(&profile.url));
        }
    }
    for decision in &record.decisions {
        say!(
            "{}  {}: {}{}",
            uk_time(&decision.at),
            decision.step,
            inline(&decision.in_words),
            decision
                .conditions
                .as_ref()
                .map(|c| format!(", conditions: {}", paragraphs(c, "    ")))
                .unwrap_or_default(),
        );
    }
    for version in &record.log_versions {
        say!("Investigation log {}", inline(&version.in_words));
    }
    for filed in &record.filed {
        say!(
            "Filed in the care record: {}, reference {}, by {}, recorded {} ({} SHA-256 {})",
            inline(&filed.place),
            inline(&filed.record_reference),
            inline(&filed.filed_by),
            uk_time(&filed.recorded_at),
            filed.kind.label(),
            filed.sha256
        );
    }
    let allowed: Vec<&str> = record.allowed_steps.iter().map(|s| s.verb()).collect();
    say!("Steps allowed now: {}", if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") });
}

fn print_log(record: &LogRecord) {
    let log = &record.version.log;
    say!(
        "Investigation log of {}, version {} of {}{}",
        record.request,
        record.version.version,
        record.versions.len(),
        record.version.finalised_at.as_ref().map(|t| format!(", finalised {}", uk_time(t))).unwrap_or_default()
    );
    if let Some(note) = &log.correction_note {
        say!("Correction: {}", paragraphs(note, "    "));
    }
    for search in &log.searches {
        say!(
            "Search {}  {} on account {}: {} — {}",
            uk_time(&search.at.to_rfc3339()),
            inline(&search.platform),
            search.account_id,
            inline(&search.searched),
            paragraphs(&search.result, "    ")
        );
    }
    for finding in &log.findings {
        let rests_on = if finding.captures.is_empty() {
            String::new()
        } else {
            format!(" (captures {})", finding.captures.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
        };
        say!("Finding {}{rests_on}: {}", finding.number, paragraphs(&finding.text, "    "));
    }
    for d in &log.disagreements {
        say!("Disagreement {} raised by {}: {}", d.number, inline(&d.raised_by), paragraphs(&d.about, "    "));
        match &d.outcome {
            Some(o) => say!("  Outcome by {}: {}", inline(&o.by), paragraphs(&o.decision, "    ")),
            None => say!("  No outcome from the service manager yet"),
        }
    }
    if let Some(done) = &log.completed {
        say!("Completed by {} at {}", inline(&done.by), uk_time(&done.at.to_rfc3339()));
    }
    if let Some(a) = &log.assessment {
        say!("Assessed by {}: contribution {:?} — {}", inline(&a.by), a.rating, paragraphs(&a.text, "    "));
    }
}

pub(crate) fn request(command: RequestCommand, host: &CliHost) -> Result<()> {
    if let Some((step, args)) = step_of(&command) {
        let input = DecisionInput {
            decided_by: args.by.clone(),
            evidence: args.evidence.clone(),
            note: args.note.clone(),
            conditions: args.conditions.clone(),
            decided_on: args.decided_on.clone(),
        };
        let record = requests::take_step(host, &args.reference, step, &input)?.record;
        if args.json {
            print_json(&serde_json::to_value(&record).expect("serialises"));
        } else {
            say!("{} is now {} ({}).", record.reference, record.state, record.state_label);
        }
        return Ok(());
    }
    match command {
        RequestCommand::Create { file, parent, same_person, new_person } => {
            let text = requests::read_request_file(&file)?;
            let settled = settled_matches(&same_person, &new_person)?;
            let record = requests::create(host, &text, &settled, parent.as_deref()).inspect_err(|error| {
                if error.code() == triangulate_app::ErrorCode::Refused {
                    esay!("If a subject may be a person already known, say --same-person SUBJECT=PERSON or --new-person SUBJECT.");
                }
            })?;
            say!("{}", record.reference);
            Ok(())
        }
        RequestCommand::Show { reference, json } => {
            let record = requests::show(host, &reference)?;
            if json {
                print_json(&serde_json::to_value(&record).expect("serialises"));
            } else {
                print_request(&record);
            }
            Ok(())
        }
        RequestCommand::List(flags) => {
            let list = requests::list(host)?;
            if flags.json {
                print_json(&serde_json::to_value(&list).expect("serialises"));
            } else {
                for r in list {
                    say!(
                        "{}  {:<22} {}  {}",
                        r.reference,
                        r.state.as_str(),
                        inline(&r.case_reference),
                        r.subjects.iter().map(|s| inline(s)).collect::<Vec<_>>().join(", ")
                    );
                }
            }
            Ok(())
        }
        _ => unreachable!("steps are handled above"),
    }
}

pub(crate) fn subject_access(person: i64, out: &std::path::Path, json: bool, host: &CliHost) -> Result<()> {
    let done = triangulate_app::subject_access::export(host, person, out)?;
    if json {
        print_json(&serde_json::to_value(&done).expect("serialises"));
    } else {
        say!("Written: {} ({} pages, SHA-256 {})", done.pdf, done.pages, done.sha256);
        say!("{} original file(s) beside it.", done.originals.len());
        say!("Look at these before disclosure, and redact where needed:");
        for f in &done.flagged {
            say!("  {}", inline(f));
        }
    }
    Ok(())
}

pub(crate) fn incident(command: IncidentCommand, host: &CliHost) -> Result<()> {
    use triangulate_app::incidents;
    match command {
        IncidentCommand::Record { what, occurred_on, reported_by, people, action, request, json } => {
            let input =
                triangulate_core::incident::IncidentInput { what, occurred_on, reported_by, people, action, request };
            let record = incidents::record(host, &input)?;
            if json {
                print_json(&serde_json::to_value(&record).expect("serialises"));
            } else {
                say!("{}", record.id);
            }
            Ok(())
        }
        IncidentCommand::List(flags) => {
            let list = incidents::list(host)?;
            if flags.json {
                print_json(&serde_json::to_value(&list).expect("serialises"));
            } else {
                for i in &list {
                    say!("{}  {}  {}", i.id, i.incident.occurred_on, inline(&i.incident.what));
                }
            }
            Ok(())
        }
    }
}

pub(crate) fn dispute(command: DisputeCommand, host: &CliHost) -> Result<()> {
    use triangulate_app::incidents;
    match command {
        DisputeCommand::Record { capture, finding, by, text, json } => {
            let input = triangulate_core::incident::DisputeInput { by, text };
            let record = match (capture, finding) {
                (Some(id), _) => {
                    incidents::dispute(host, None, triangulate_app::DisputeTarget::Capture { id }, &input)?
                }
                (None, Some(finding)) => {
                    let (reference, number) = finding
                        .rsplit_once(':')
                        .and_then(|(r, n)| n.parse::<u32>().ok().map(|n| (r.to_string(), n)))
                        .ok_or_else(|| {
                            triangulate_app::AppError::fields_error(vec![triangulate_core::FieldError::new(
                                "finding",
                                "Name the finding as its request and number, such as REQ-2026-0001:2",
                            )])
                        })?;
                    incidents::dispute(
                        host,
                        Some(&reference),
                        triangulate_app::DisputeTarget::Finding { number },
                        &input,
                    )?
                }
                (None, None) => unreachable!("clap requires one"),
            };
            if json {
                print_json(&serde_json::to_value(&record).expect("serialises"));
            } else {
                say!("{}", record.id);
            }
            Ok(())
        }
        DisputeCommand::List { request, json } => {
            let list = incidents::disputes(host, request.as_deref())?;
            if json {
                print_json(&serde_json::to_value(&list).expect("serialises"));
            } else {
                for d in &list {
                    say!("{}  {}  {}: {}", d.id, inline(&d.request), inline(&d.disputed_by), inline(&d.text));
                }
            }
            Ok(())
        }
    }
}

pub(crate) fn retention(command: RetentionCommand, host: &CliHost) -> Result<()> {
    use triangulate_app::retention;
    match command {
        RetentionCommand::Review(flags) => {
            let review = retention::review(host)?;
            if flags.json {
                print_json(&serde_json::to_value(&review).expect("serialises"));
            } else if review.due.is_empty() {
                say!("Nothing is due for disposal today.");
            } else {
                for d in &review.due {
                    say!(
                        "{:?} {}: due {} ({}): {}",
                        d.kind,
                        inline(&d.id),
                        d.due_on,
                        d.rule.policy_key(),
                        inline(&d.why)
                    );
                }
            }
            if !flags.json {
                for held in &review.held {
                    say!("On legal hold, kept: {}", inline(held));
                }
            }
            Ok(())
        }
        RetentionCommand::Dispose { by, json } => {
            let done = retention::dispose(host, &by)?;
            if json {
                print_json(&serde_json::to_value(&done).expect("serialises"));
            } else {
                say!("{} record(s) disposed of.", done.disposed.len());
                if let Some(dating) = &done.dating {
                    match (&dating.authority, &dating.timestamped_at) {
                        (Some(authority), Some(at)) => say!(
                            "Dated by the time-stamping authority at {}: {at} (this laptop's clock: {}); its timestamp is kept with the tombstones",
                            inline(authority),
                            dating.laptop_time
                        ),
                        _ => say!(
                            "Dated by this laptop's own clock, which no time-stamping authority checked: it is {} ({} UTC)",
                            dating.laptop_date,
                            dating.laptop_time
                        ),
                    }
                }
                for d in &done.disposed {
                    say!("{:?} {}: {} digest(s) kept in its tombstone", d.kind, inline(&d.object), d.digests.len());
                }
                for p in &done.browser_profiles {
                    say!(
                        "The browser of account {} forgot {} page(s); cleaned: {}; removed: {}",
                        p.account,
                        p.history_entries,
                        p.cleaned.iter().map(|f| inline(f)).collect::<Vec<_>>().join(", "),
                        p.removed.iter().map(|f| inline(f)).collect::<Vec<_>>().join(", ")
                    );
                    for kept in &p.kept {
                        say!("  kept, because the account's log-in is in it: {}", inline(kept));
                    }
                }
                for a in &done.browser_profiles_in_use {
                    say!(
                        "The browser of account {a} is open: its pages are removed by the next disposal after it closes"
                    );
                }
                for f in &done.files {
                    match &f.why {
                        Some(why) => say!("{}: {} ({})", inline(&f.path), f.outcome, inline(why)),
                        None => say!("{}: {}", inline(&f.path), f.outcome),
                    }
                }
            }
            Ok(())
        }
        RetentionCommand::Hold { reference, by, reason } => {
            let hold = retention::hold(host, &reference, &by, &reason)?;
            say!("Request {} is on legal hold from {}", inline(&hold.request), hold.placed_at);
            Ok(())
        }
        RetentionCommand::Release { reference, by, reason } => {
            let hold = retention::release(host, &reference, &by, &reason)?;
            say!("The legal hold on request {} is released", inline(&hold.request));
            Ok(())
        }
    }
}

pub(crate) fn account(command: AccountCommand, host: &CliHost) -> Result<()> {
    match command {
        AccountCommand::Add { platform, handle, not_identifiable } => {
            let record = register::add_account(host, &platform, &handle, Some(!not_identifiable))?;
            say!("{}", record.id);
            Ok(())
        }
        AccountCommand::List(flags) => {
            let list = register::accounts(host)?;
            if flags.json {
                print_json(&serde_json::to_value(&list).expect("serialises"));
            } else {
                for a in list {
                    let who = if a.identifiable_as_council {
                        "identifiable as the council's"
                    } else {
                        "not identifiable as the council's"
                    };
                    say!("{}  {} {} ({who})", a.id, inline(&a.platform), inline(&a.handle));
                }
            }
            Ok(())
        }
    }
}

pub(crate) fn authorisation(command: AuthorisationCommand, host: &CliHost) -> Result<()> {
    match command {
        AuthorisationCommand::Add {
            request,
            kind,
            urn,
            officer,
            granted,
            review,
            expires,
            person,
            account,
            approved,
            urgent,
            confidential_likely,
        } => {
            let input = NewAuthorisation {
                request: &request,
                kind: &kind,
                reference: &urn,
                officer: &officer,
                granted: &granted,
                review: review.as_deref(),
                expires: expires.as_deref(),
                person,
                account,
                approved: approved.as_deref(),
                urgent,
                confidential_likely,
            };
            let record = register::add_authorisation(host, &input)?;
            let from = match (record.kind.needs_approval(), record.approved) {
                (true, None) => "awaiting a magistrate's approval (it allows nothing until then), granted".to_string(),
                (true, Some(approved)) => format!("approved {approved}, in force from"),
                (false, _) => "in force from".to_string(),
            };
            say!(
                "Authorisation {} recorded for {}: {from} {} to {}{}.",
                record.reference,
                record.request,
                record.approved.filter(|a| *a > record.granted).unwrap_or(record.granted),
                record.expires,
                record.review_due.map(|r| format!(", review due {r}")).unwrap_or_default()
            );
            Ok(())
        }
        AuthorisationCommand::Approve { urn, approved, by } => {
            let record = register::approve_authorisation(host, &urn, &approved, &by)?;
            say!("Authorisation {} is approved by a justice of the peace from {approved}.", record.reference);
            Ok(())
        }
        AuthorisationCommand::Review { urn, by, outcome, next } => {
            let record = register::review_authorisation(host, &urn, &by, &outcome, next.as_deref())?;
            say!(
                "Review of authorisation {} recorded{}.",
                record.reference,
                record.review_due.map(|r| format!("; next review due {r}")).unwrap_or_default()
            );
            Ok(())
        }
        AuthorisationCommand::Cancel { urn, by, reason } => {
            let record = register::cancel_authorisation(host, &urn, &by, &reason)?;
            say!("Authorisation {} is cancelled.", record.reference);
            Ok(())
        }
        AuthorisationCommand::Register(flags) => {
            let register = register::register(host)?;
            if flags.json {
                print_json(&serde_json::to_value(&register).expect("serialises"));
            } else {
                for e in &register {
                    let a = &e.authorisation;
                    say!(
                        "{}  {}  {} of {} for {}, granted {}{}, expires {}: {}",
                        a.reference,
                        a.kind.flag(),
                        a.request,
                        inline(&e.covers),
                        inline(&a.officer),
                        a.granted,
                        a.approved.map(|d| format!(", approved {d}")).unwrap_or_default(),
                        a.expires,
                        e.state_label
                    );
                }
            }
            Ok(())
        }
        AuthorisationCommand::CentralRecord { out, json } => {
            let written = register::central_record(host, &out)?;
            if json {
                print_json(&serde_json::to_value(&written).expect("serialises"));
            } else {
                say!(
                    "The central record of {} authorisations is in {} (SHA-256 {}). It holds the subjects' names outside the encrypted store: keep it as the council's records policy requires.",
                    written.rows,
                    written.path,
                    written.sha256
                );
            }
            Ok(())
        }
        AuthorisationCommand::Renew { urn, by, expires, review } => {
            let record = register::renew_authorisation(host, &urn, &by, &expires, review.as_deref())?;
            say!("Authorisation {} is renewed until {}.", record.reference, record.expires);
            Ok(())
        }
        AuthorisationCommand::List(flags) => {
            let list = register::authorisations(host)?;
            if flags.json {
                print_json(&serde_json::to_value(&list).expect("serialises"));
            } else {
                for a in list {
                    say!(
                        "{}  {:?} for {} by {}, {} to {}{}",
                        a.reference,
                        a.kind,
                        a.request,
                        inline(&a.officer),
                        a.granted,
                        a.expires,
                        a.cancelled_at.map(|c| format!(", cancelled {}", uk_time(&c))).unwrap_or_default()
                    );
                }
            }
            Ok(())
        }
    }
}

pub(crate) fn log(command: LogCommand, host: &CliHost) -> Result<()> {
    let json = matches!(
        &command,
        LogCommand::AddSearch { json: true, .. }
            | LogCommand::Complete { json: true, .. }
            | LogCommand::Finalise { json: true, .. }
            | LogCommand::Share { json: true, .. }
    );
    let record = match command {
        LogCommand::AddSearch { reference, platform, account, searched, result, at, .. } => {
            let at = match at {
                Some(text) => {
                    Some(DateTime::parse_from_rfc3339(&text).map(|t| t.with_timezone(&Utc)).map_err(|_| {
                        AppError::fields_error(vec![FieldError::new(
                            "at",
                            "The time of the search must be like 2026-11-23T14:05:00Z",
                        )])
                    })?)
                }
                None => None,
            };
            let search = log::NewSearch { platform: &platform, account, searched: &searched, result: &result, at };
            log::add_search(host, &reference, &search)?
        }
        LogCommand::AddFinding { reference, text, captures } => log::add_finding(host, &reference, &text, &captures)?,
        LogCommand::Complete { reference, by, evidence, .. } => {
            log::complete(host, &reference, &by, evidence.as_deref())?
        }
        LogCommand::Finalise { reference, by, evidence, rating, assessment, .. } => {
            log::finalise(host, &reference, &by, evidence.as_deref(), &rating, &assessment)?
        }
        LogCommand::Share { reference, by, evidence, with, .. } => {
            log::share(host, &reference, &by, evidence.as_deref(), &with)?
        }
        LogCommand::Correct { reference, note } => log::correct(host, &reference, &note)?,
        LogCommand::Disagree { reference, by, about } => log::disagree(host, &reference, &by, &about)?,
        LogCommand::Settle { reference, disagreement, by, outcome } => {
            log::settle(host, &reference, disagreement, &by, &outcome)?
        }
        LogCommand::Show { reference, version, json } => {
            let record = log::show(host, &reference, version)?;
            if json {
                print_json(&serde_json::to_value(&record).expect("serialises"));
            } else {
                print_log(&record);
            }
            return Ok(());
        }
    };
    if json {
        print_json(&serde_json::to_value(&record).expect("serialises"));
        return Ok(());
    }
    say!(
        "The investigation log of {} (version {}) is saved; the request is {}.",
        record.request,
        record.version.version,
        record.state
    );
    Ok(())
}

pub(crate) fn feedback(command: FeedbackCommand, host: &CliHost) -> Result<()> {
    use triangulate_app::pilot;
    let (held, json) = match command {
        FeedbackCommand::Give { reference, time_minutes, useful, unique, rating, comments, by, json } => {
            let input = triangulate_app::pilot::FeedbackInput {
                time_minutes,
                useful,
                unique,
                rating: &rating,
                comments: comments.as_deref(),
                by: &by,
            };
            (pilot::give_feedback(host, &reference, &input)?, json)
        }
        FeedbackCommand::Recheck { reference, rating, comments, by, json } => {
            (pilot::give_recheck(host, &reference, &rating, comments.as_deref(), &by)?, json)
        }
        FeedbackCommand::Process { reference, ease, effectiveness, comments, by, json } => {
            (pilot::give_process_rating(host, &reference, ease, effectiveness, comments.as_deref(), &by)?, json)
        }
    };
    if json {
        print_json(&serde_json::to_value(&held).expect("serialises"));
    } else {
        say!(
            "Recorded. Feedback {}; re-check {}; {} rating(s) of the authorisation process.",
            if held.feedback.is_some() { "given" } else { "not given yet" },
            if held.recheck.is_some() { "given" } else { "not given yet" },
            held.process.len()
        );
    }
    Ok(())
}

pub(crate) fn pilot(command: PilotCommand, host: &CliHost) -> Result<()> {
    use triangulate_app::pilot;
    match command {
        PilotCommand::Export { out, json } => {
            let written = pilot::export(host, &out)?;
            if json {
                print_json(&serde_json::to_value(&written).expect("serialises"));
            } else {
                say!(
                    "{} requests' figures (no names) written to {}, signed with the key {}.",
                    written.records,
                    written.path,
                    written.fingerprint
                );
            }
            Ok(())
        }
        PilotCommand::Report { from, to, imports, json, csv, pdf } => {
            let page = pilot::report(host, from.as_deref(), to.as_deref(), &imports)?;
            if json {
                print_json(&serde_json::to_value(&page).expect("serialises"));
            } else if let Some(out) = csv {
                let written = pilot::write_csv(&page, &out)?;
                say!("The report is in {} (SHA-256 {}).", written.path, written.sha256);
            } else if let Some(out) = pdf {
                let written = pilot::write_pdf(host, &page, &out)?;
                say!("The report is in {} (SHA-256 {}).", written.path, written.sha256);
            } else {
                for [section, item, value] in pilot::rows(&page) {
                    say!("{section}  {item}  {}", inline(&value));
                }
            }
            Ok(())
        }
    }
}

fn print_staff(person: &triangulate_app::StaffRecord) {
    let roles: Vec<&str> = person.roles.iter().map(|r| r.words()).collect();
    say!(
        "{}{}: {}{}{}{}{}",
        inline(&person.name),
        person.staff_id.as_ref().map(|id| format!(" (staff ID {})", inline(id))).unwrap_or_default(),
        if roles.is_empty() { "no role recorded".to_string() } else { roles.join(", ") },
        person.team.as_ref().map(|t| format!("; team {}", inline(t))).unwrap_or_default(),
        match person.aaw {
            triangulate_core::duties::AawRegistration::Registered => "; registered access worker",
            triangulate_core::duties::AawRegistration::Incomplete => "; access worker registration incomplete",
            triangulate_core::duties::AawRegistration::NotRegistered => "",
        },
        person.left_on.map(|d| format!("; left on {}", triangulate_core::local_time::long_date(d))).unwrap_or_default(),
        if person.laptop_worker { "; using this laptop" } else { "" },
    );
    if let Some(review) = &person.review {
        say!("    to review: {}", inline(review));
    }
}

fn staff_out(people: &[triangulate_app::StaffRecord], json: bool) {
    if json {
        print_json(&serde_json::json!({ "staff": people }));
    } else {
        for person in people {
            print_staff(person);
        }
    }
}

pub(crate) fn staff(command: StaffCommand, host: &CliHost) -> Result<()> {
    match command {
        StaffCommand::Add { name, roles, staff_id, team, json } => {
            let input = triangulate_core::staff::StaffInput { name, roles, staff_id, team };
            let person = people::add_staff(host, &input)?;
            if json {
                print_json(&serde_json::to_value(&person).expect("serialises"));
            } else {
                say!("Added to the staff directory:");
                print_staff(&person);
            }
        }
        StaffCommand::Import { file, json } => {
            let text = people::read_staff_file(&file)?;
            let imported = people::import_staff(host, &text)?;
            if json {
                print_json(&serde_json::to_value(&imported).expect("serialises"));
            } else {
                say!(
                    "Added {} people to the staff directory and brought {} up to date:",
                    imported.added.len(),
                    imported.updated.len()
                );
                staff_out(&imported.added, false);
                staff_out(&imported.updated, false);
            }
        }
        StaffCommand::List(flags) => {
            let directory = people::staff(host)?;
            if flags.json {
                print_json(&serde_json::to_value(&directory).expect("serialises"));
            } else if directory.staff.is_empty() {
                say!("The staff directory is empty.");
            } else {
                staff_out(&directory.staff, false);
                if directory.to_review > 0 {
                    say!("{} to review.", directory.to_review);
                }
            }
        }
        StaffCommand::Update { person, name, roles, staff_id, team, json } => {
            let changes = people::StaffChanges { name, roles, staff_id, team };
            let updated = people::update_staff(host, &person, &changes)?;
            if json {
                print_json(&serde_json::to_value(&updated).expect("serialises"));
            } else {
                say!("Changed in the staff directory:");
                print_staff(&updated);
            }
        }
        StaffCommand::Leave { person, on, json } => {
            let left = people::mark_left(host, &person, on.as_deref())?;
            if json {
                print_json(&serde_json::to_value(&left).expect("serialises"));
            } else {
                print_staff(&left);
            }
        }
    }
    Ok(())
}
