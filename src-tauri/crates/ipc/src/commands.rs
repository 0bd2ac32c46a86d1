//! The command bodies: parse what the UI sent, call the store, return the page. One function
//! per command in `for_each_command!`, each `fn(&Host, Args) -> Result<Response>`.

use std::collections::BTreeMap;
use triangulate_core::request_form::matches_query;
use triangulate_core::workflow::{DecisionInput, RequestState, Step, TRANSITIONS};
use triangulate_store::{AuthorisationInput, PersonMatch, Store};

use crate::args::*;
use crate::error::{IpcError, Result};
use crate::host::Host;

pub fn store_status(host: &Host, _: NoArgs) -> Result<StoreStatus> {
    Ok(triangulate_store::store_status(&host.data_dir, &triangulate_store::Keystore::from_environment()))
}

pub fn store_init(host: &Host, _: NoArgs) -> Result<InitialisedStore> {
    let keystore = host.keystore()?;
    host.forget_store();
    let (store, phrase) = Store::init(&host.data_dir, &keystore, host.now())?;
    drop(store);
    Ok(InitialisedStore {
        recovery_phrase: phrase.words(),
        status: triangulate_store::store_status(&host.data_dir, &Ok(keystore)),
    })
}

pub fn worker_profile_get(host: &Host, _: NoArgs) -> Result<Option<WorkerRecord>> {
    Ok(host.open()?.worker_profile()?)
}

pub fn worker_profile_set(host: &Host, args: WorkerProfileArgs) -> Result<WorkerRecord> {
    let profile = args.validate().map_err(IpcError::fields)?;
    Ok(host.open()?.set_worker_profile(&profile, host.now())?)
}

pub fn aaw_list(host: &Host, _: NoArgs) -> Result<Vec<AawRecord>> {
    Ok(host.open()?.aaws()?)
}

pub fn aaw_register(host: &Host, args: AawRegisterArgs) -> Result<AawRecord> {
    Ok(host.open()?.register_aaw(&args.name, host.now())?)
}

pub fn request_list(host: &Host, args: RequestListArgs) -> Result<RequestList> {
    let store = host.open()?;
    let requests = store
        .requests()?
        .into_iter()
        .filter(|r| {
            let mut texts = vec![r.reference.as_str(), r.case_reference.as_str()];
            texts.extend(r.subjects.iter().map(String::as_str));
            matches_query(&args.query, &texts)
        })
        .collect();
    let drafts = store
        .drafts()?
        .into_iter()
        .filter(|d| d.request.is_none() && matches_query(&args.query, &[d.title.as_str()]))
        .collect();
    Ok(RequestList { requests, drafts })
}

/// The steps of the authorisation stage that this screen takes; access sessions and the log
/// have their own screens.
const AUTHORISATION_STEPS: [Step; 8] = [
    Step::Submit,
    Step::Agree,
    Step::Permit,
    Step::Refuse,
    Step::ReferBack,
    Step::ConfirmLegitimacy,
    Step::RaiseDoubts,
    Step::Withdraw,
];

fn request_page(store: &Store, reference: &str) -> Result<RequestPage> {
    let record = store.request(reference)?;
    let draft = store.drafts()?.into_iter().find(|d| d.request.as_deref() == Some(&record.reference)).map(|d| d.id);
    let can_change = matches!(record.state, RequestState::Draft | RequestState::ReferredBack);
    let registered: Vec<String> = store.aaws()?.into_iter().map(|a| a.name.to_lowercase()).collect();
    let profile_name = store.worker_profile()?.map(|w| w.name);
    let next_steps = TRANSITIONS
        .iter()
        .filter(|(from, step, _, _)| *from == record.state && AUTHORISATION_STEPS.contains(step))
        .map(|(_, step, _, role)| {
            let mut missing = Vec::new();
            if *step == Step::Submit && draft.is_some() {
                missing.push("Save or discard the changes being made to this request".to_string());
            }
            if *step == Step::ConfirmLegitimacy {
                match &profile_name {
                    Some(name) if !registered.contains(&name.to_lowercase()) => missing.push(format!(
                        "{name} is not in the register of Authorised Access Workers: register them on the worker profile screen"
                    )),
                    None => missing.push("Set up the worker profile of the Authorised Access Worker".to_string()),
                    _ => {}
                }
            }
            NextStep {
                step: *step,
                label: step.label().to_string(),
                role: *role,
                by: role.label().to_string(),
                needs_evidence: step.needs_evidence(),
                needs_note: step.needs_note(),
                takes_conditions: *step == Step::Permit,
                missing,
            }
        })
        .collect();
    let authorisations = store.authorisations()?.into_iter().filter(|a| a.request == record.reference).collect();
    Ok(RequestPage { record, draft, can_change, next_steps, authorisations })
}

pub fn request_get(host: &Host, args: ReferenceArgs) -> Result<RequestPage> {
    request_page(&*host.open()?, &args.reference)
}

pub fn request_step(host: &Host, args: RequestStepArgs) -> Result<RequestPage> {
    let mut store = host.open()?;
    let page = request_page(&store, &args.reference)?;
    if let Some(next) = page.next_steps.iter().find(|n| n.step == args.step)
        && !next.missing.is_empty()
    {
        return Err(IpcError::from(triangulate_store::StoreError::Refused(format!(
            "{} cannot be taken yet: {}",
            next.label,
            next.missing.join("; ")
        ))));
    }
    let given = |text: &str| Some(text.to_string()).filter(|t| !t.trim().is_empty());
    let input = DecisionInput {
        decided_by: args.decided_by.clone(),
        evidence: given(&args.evidence),
        note: given(&args.note),
        conditions: given(&args.conditions),
    };
    let decision = input.validate(args.step).map_err(IpcError::fields)?;
    if args.step == Step::ConfirmLegitimacy && !store.is_registered_aaw(&decision.decided_by)? {
        return Err(IpcError::fields(vec![triangulate_core::FieldError::new(
            "by",
            format!(
                "{} is not a registered Authorised Access Worker: only one can confirm a request is legitimate",
                decision.decided_by
            ),
        )]));
    }
    store.take_step(&args.reference, args.step, &decision, host.now())?;
    request_page(&store, &args.reference)
}

pub fn draft_start(host: &Host, args: DraftStartArgs) -> Result<DraftRecord> {
    Ok(host.open()?.start_draft(args.reference.as_deref(), host.now())?)
}

pub fn draft_get(host: &Host, args: DraftIdArgs) -> Result<DraftRecord> {
    Ok(host.open()?.draft(args.id)?)
}

pub fn draft_save(host: &Host, args: DraftSaveArgs) -> Result<DraftSaved> {
    let saved = host.open()?.save_draft(args.id, &args.form, host.now())?;
    Ok(DraftSaved { id: saved.id, updated_at: saved.updated_at })
}

pub fn draft_check(host: &Host, args: DraftIdArgs) -> Result<DraftCheck> {
    Ok(host.open()?.check_draft(args.id, &host.policy()?, host.today())?)
}

pub fn draft_commit(host: &Host, args: DraftCommitArgs) -> Result<RequestPage> {
    let settled: BTreeMap<usize, PersonMatch> = args
        .settlements
        .iter()
        .map(|s| (s.subject as usize, s.same_person.map(PersonMatch::Same).unwrap_or(PersonMatch::New)))
        .collect();
    let mut store = host.open()?;
    let record = store.commit_draft(args.id, &settled, &host.policy()?, host.today(), host.now())?;
    request_page(&store, &record.reference)
}

pub fn draft_discard(host: &Host, args: DraftIdArgs) -> Result<Done> {
    host.open()?.discard_draft(args.id, host.now())?;
    Ok(Done {})
}

pub fn account_list(host: &Host, _: NoArgs) -> Result<Vec<AccountRecord>> {
    Ok(host.open()?.accounts()?)
}

pub fn account_add(host: &Host, args: AccountAddArgs) -> Result<AccountRecord> {
    Ok(host.open()?.add_account(&args.platform, &args.handle, args.identifiable_as_council, host.now())?)
}

pub fn authorisation_add(host: &Host, args: AuthorisationAddArgs) -> Result<RequestPage> {
    let mut store = host.open()?;
    let granted = args.granted.to_text().unwrap_or_default();
    let review = args.review.to_text();
    let expires = args.expires.to_text();
    let input = AuthorisationInput {
        request: &args.request,
        kind: args.kind.map(AuthorisationKind::as_str).unwrap_or(""),
        reference: &args.reference,
        officer: &args.officer,
        granted: &granted,
        review: review.as_deref(),
        expires: expires.as_deref(),
        person: args.person.map(|p| p as usize),
        account: args.account,
    };
    store.add_authorisation(&input, &host.policy()?, host.now())?;
    request_page(&store, &args.request)
}
