//! Separation of duties over a whole request: who may take each step of the workflow, from
//! the staff directory's roles, the register of Authorised Access Workers and what the
//! request already records. One rule, read by the request's steps, the log's and the
//! session-start guard; ARCHITECTURE.md shows it as a table, and the tests try every cell.

use serde::Serialize;
use ts_rs::TS;

use crate::guards::{Refusal, code};
use crate::staff::StaffRole;
use crate::workflow::{RequestState, Role, Step, TRANSITIONS};

/// Where a person stands in the register of Authorised Access Workers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AawRegistration {
    NotRegistered,
    /// Registered before the register needed the service director's decision, the evidence
    /// and the training date: flagged until completed.
    Incomplete,
    Registered,
}

/// A person of the staff directory, as the rule needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub roles: Vec<StaffRole>,
    pub team: Option<String>,
    pub left: bool,
    pub aaw: AawRegistration,
}

impl Person {
    pub fn holds(&self, role: StaffRole) -> bool {
        self.roles.contains(&role)
    }
}

/// What the request already records about who took part.
#[derive(Debug, Clone, Copy)]
pub struct Parties<'a> {
    /// The request's social worker: who submitted it; before it is submitted, the person the
    /// form names, when the directory has them.
    pub social_worker: Option<&'a Person>,
    /// The social worker's name as the form gives it, for when the directory does not have them.
    pub social_worker_named: &'a str,
    /// Who recorded the team manager's agreement.
    pub agreed_by: Option<i64>,
    /// Who completed the version of the log being finalised.
    pub completed_by: Option<i64>,
}

/// The staff roles that may take a step the workflow gives to `role`.
pub fn roles_for(role: Role) -> &'static [StaffRole] {
    match role {
        Role::Osw => &[StaffRole::Osw],
        Role::Tm => &[StaffRole::Tm],
        Role::Sd => &[StaffRole::Sd],
        Role::TmOrSd => &[StaffRole::Tm, StaffRole::Sd],
        Role::SmOrSd => &[StaffRole::Sm, StaffRole::Sd],
        Role::Aaw => &[StaffRole::Aaw],
    }
}

/// Steps only the request's own social worker takes (their team manager once they have left).
pub fn social_workers_step(step: Step) -> bool {
    matches!(step, Step::Submit | Step::FinaliseLog | Step::Share | Step::Withdraw)
}

/// Steps the request's social worker never takes on their own request.
pub fn barred_to_social_worker(step: Step) -> bool {
    matches!(
        step,
        Step::Agree
            | Step::Permit
            | Step::Refuse
            | Step::ReferBack
            | Step::ConfirmLegitimacy
            | Step::RaiseDoubts
            | Step::StartAccess
            | Step::CompleteLog
    )
}

/// Steps only a registered Authorised Access Worker takes.
pub fn access_workers_step(step: Step) -> bool {
    matches!(step, Step::ConfirmLegitimacy | Step::RaiseDoubts | Step::StartAccess | Step::CompleteLog)
}

fn either(roles: &[StaffRole]) -> String {
    let words: Vec<&str> = roles.iter().map(|r| r.words()).collect();
    words.join(" or ")
}

fn article(words: &str) -> &'static str {
    if words.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

/// A decision recorded by someone other than its decider needs the evidence it came in (the
/// email or memo): the field's problem, or `None`.
pub fn proxy_evidence_problem(
    decider: &Person,
    recorder: &Person,
    evidence: Option<&str>,
) -> Option<crate::FieldError> {
    (decider.id != recorder.id && evidence.is_none_or(|e| e.trim().is_empty())).then(|| {
        crate::FieldError::new(
            "evidence",
            format!(
                "Enter the evidence of {}'s decision, such as the reference of the email or memo it came in: {} is recording it for them",
                decider.name, recorder.name
            ),
        )
    })
}

/// The role a person acted in when they took a step: the first the step allows that they
/// hold (a team manager standing in for a social worker who has left acts as team manager).
pub fn acting_role(step: Step, from: RequestState, who: &Person) -> Option<StaffRole> {
    let (.., role) = TRANSITIONS
        .iter()
        .find(|(f, s, ..)| *f == from && *s == step)
        .or_else(|| TRANSITIONS.iter().find(|(_, s, ..)| *s == step))?;
    let mut allowed = roles_for(*role).to_vec();
    if social_workers_step(step) {
        allowed.push(StaffRole::Tm);
    }
    allowed.into_iter().find(|r| who.holds(*r))
}

/// Every rule that forbids `who` taking `step` from `from`, at once; empty when they may.
/// A step the workflow does not allow from `from` is the workflow's to refuse, not this.
pub fn refusals(step: Step, from: RequestState, who: &Person, parties: &Parties) -> Vec<Refusal> {
    let Some((.., role)) = TRANSITIONS.iter().find(|(f, s, ..)| *f == from && *s == step) else {
        return Vec::new();
    };
    let mut refused = Vec::new();
    let label = step.label();
    if who.left {
        refused.push(Refusal::new(
            code::STAFF_MEMBER_LEFT,
            format!("{} has left, as the staff directory records, and takes no step any more", who.name),
            "record the decision in the name of the person who took it",
        ));
    }
    if social_workers_step(step) {
        match parties.social_worker {
            None => refused.push(Refusal::new(
                code::NOT_THE_REQUESTS_SOCIAL_WORKER,
                format!(
                    "the request's social worker, {}, is not in the staff directory, and only they take the step \"{label}\"",
                    parties.social_worker_named.trim()
                ),
                "add them to the staff directory, or correct the social worker the request names",
            )),
            Some(social_worker) if social_worker.id == who.id => {
                if !who.holds(StaffRole::Osw) {
                    refused.push(role_not_held(who, &[StaffRole::Osw], label));
                }
            }
            Some(social_worker) => {
                let same_team = match (&who.team, &social_worker.team) {
                    (Some(a), Some(b)) => crate::staff::name_key(a) == crate::staff::name_key(b),
                    _ => false,
                };
                let stands_in = social_worker.left && step != Step::Submit && who.holds(StaffRole::Tm) && same_team;
                if !stands_in {
                    let instead = match (&social_worker.left, &social_worker.team) {
                        (true, Some(team)) if step != Step::Submit => {
                            format!(", or, since they have left, a team manager of their team ({team})")
                        }
                        (true, None) if step != Step::Submit => ", or, since they have left, a team manager of their team (no team is recorded for them: set it in the staff directory)".to_string(),
                        _ => String::new(),
                    };
                    let reason = if instead.is_empty() {
                        format!(
                            "only the request's social worker, {}, takes the step \"{label}\", and {} is someone else",
                            social_worker.name, who.name
                        )
                    } else {
                        format!("only the request's social worker, {}{instead}, takes the step \"{label}\"", social_worker.name)
                    };
                    refused.push(Refusal::new(
                        code::NOT_THE_REQUESTS_SOCIAL_WORKER,
                        reason,
                        format!("record it in {}'s name", social_worker.name),
                    ));
                }
            }
        }
    } else if access_workers_step(step) {
        // Only a registered access worker: someone who is not one at all is not registered.
        if !who.holds(StaffRole::Aaw) {
            refused.push(Refusal::new(
                code::NOT_REGISTERED_AAW,
                format!(
                    "{} is not an Authorised Access Worker in the staff directory, and only a registered access worker takes the step \"{label}\"",
                    who.name
                ),
                "record it in the name of the registered Authorised Access Worker who took it",
            ));
        }
    } else {
        let needed = roles_for(*role);
        if !needed.iter().any(|r| who.holds(*r)) {
            refused.push(role_not_held(who, needed, label));
        }
    }
    if barred_to_social_worker(step) && parties.social_worker.is_some_and(|s| s.id == who.id) {
        refused.push(Refusal::new(
            code::SEPARATION_OF_DUTIES,
            format!(
                "{} is this request's social worker, who asked for the check, and the step \"{label}\" must be someone else's",
                who.name
            ),
            "the decision must be taken, and recorded, in the name of someone else who holds that role",
        ));
    }
    if step == Step::Permit && parties.agreed_by == Some(who.id) {
        refused.push(Refusal::new(
            code::SAME_MANAGER_AGREES_AND_PERMITS,
            format!(
                "{} agreed this request as team manager, and the service director who permits it must be someone else",
                who.name
            ),
            "record the permission in the name of the service director who gave it",
        ));
    }
    if step == Step::FinaliseLog && parties.completed_by == Some(who.id) {
        refused.push(Refusal::new(
            code::SAME_PERSON_COMPLETES_AND_FINALISES,
            format!(
                "{} completed this version of the log, and the person who finalises it must be someone else",
                who.name
            ),
            "the request's social worker finalises the log",
        ));
    }
    if access_workers_step(step) && who.holds(StaffRole::Aaw) {
        match who.aaw {
            AawRegistration::Registered => {}
            AawRegistration::NotRegistered => refused.push(Refusal::new(
                code::NOT_REGISTERED_AAW,
                format!("{} is not in the register of Authorised Access Workers, and only a registered access worker takes the step \"{label}\"", who.name),
                "register them, on the service director's decision, with the date they were trained",
            )),
            AawRegistration::Incomplete => refused.push(Refusal::new(
                code::AAW_REGISTRATION_INCOMPLETE,
                format!("{}'s registration as an Authorised Access Worker has no service director's decision, evidence or training date recorded", who.name),
                "complete the registration with the service director's decision, its evidence and the date they were trained",
            )),
        }
    }
    refused
}

fn role_not_held(who: &Person, needed: &[StaffRole], label: &str) -> Refusal {
    let words = either(needed);
    Refusal::new(
        code::ROLE_NOT_HELD,
        format!(
            "{} is not {} {words} in the staff directory, and the step \"{label}\" is taken by {} {words}",
            who.name,
            article(&words),
            article(&words)
        ),
        format!(
            "record it in the name of the {words} who took it, or give {} that role in the staff directory",
            who.name
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestState as S;
    use StaffRole as R;

    fn person(id: i64, name: &str, roles: &[StaffRole], team: &str, aaw: AawRegistration) -> Person {
        Person {
            id,
            name: name.into(),
            roles: roles.to_vec(),
            team: (!team.is_empty()).then(|| team.to_string()),
            left: false,
            aaw,
        }
    }

    use AawRegistration::{Incomplete, NotRegistered as Unreg, Registered as Reg};

    /// The people every step is tried with, in the columns' order.
    fn people() -> Vec<(&'static str, Person)> {
        let all = [R::Osw, R::Tm, R::Sm, R::Sd, R::Aaw, R::Legal];
        let mut left = person(14, "Lee Left", &[R::Tm], "North", Unreg);
        left.left = true;
        vec![
            ("sw", person(1, "Siân Social", &[R::Osw], "North", Unreg)),
            ("sw*", person(2, "Sam Everything", &all, "North", Reg)),
            ("osw", person(3, "Owen Other", &[R::Osw], "North", Unreg)),
            ("tmA", person(4, "Tomasz Agreed", &[R::Tm, R::Sd], "North", Unreg)),
            ("tm", person(5, "Tia Manager", &[R::Tm], "North", Unreg)),
            ("tmS", person(6, "Tom South", &[R::Tm], "South", Unreg)),
            ("sd", person(7, "Sue Director", &[R::Sd], "", Unreg)),
            ("sm", person(8, "Sol Manager", &[R::Sm], "", Unreg)),
            ("aaw", person(9, "Ana Access", &[R::Aaw], "", Reg)),
            ("aawI", person(10, "Ivy Incomplete", &[R::Aaw], "", Incomplete)),
            ("aawN", person(11, "Nia Unregistered", &[R::Aaw], "", Unreg)),
            ("cmp", person(12, "Cai Completer", &[R::Aaw], "", Reg)),
            ("legal", person(13, "Lou Legal", &[R::Legal], "", Unreg)),
            ("left", left),
        ]
    }

    /// Letters for the codes: S separation of duties, R role not held, N not the request's
    /// social worker, P same manager agrees and permits, C same person completes and
    /// finalises, U not a registered AAW (nor an access worker at all), I registration
    /// incomplete, L has left.
    fn letter(code: &str) -> char {
        match code {
            code::SEPARATION_OF_DUTIES => 'S',
            code::ROLE_NOT_HELD => 'R',
            code::NOT_THE_REQUESTS_SOCIAL_WORKER => 'N',
            code::SAME_MANAGER_AGREES_AND_PERMITS => 'P',
            code::SAME_PERSON_COMPLETES_AND_FINALISES => 'C',
            code::NOT_REGISTERED_AAW => 'U',
            code::AAW_REGISTRATION_INCOMPLETE => 'I',
            code::STAFF_MEMBER_LEFT => 'L',
            other => panic!("unexpected code {other}"),
        }
    }

    /// Each row: a step (from any state, or from one), then each person's refusals, in
    /// the order of `people()`; "." is allowed. The request's social worker is "sw" (in the
    /// column "sw*", the one who holds every role is); "tmA" agreed it and "cmp" completed its log.
    #[rustfmt::skip]
    const TABLE: &[(&str, Option<RequestState>, [&str; 14])] = &[
        //                                       sw    sw*   osw   tmA   tm    tmS   sd    sm    aaw   aawI  aawN  cmp   legal left
        ("submit", None,                        [".",  ".",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "LN"]),
        ("agree", None,                         ["RS", "S",  "R",  ".",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "R",  "L"]),
        ("refuse", Some(S::Submitted),          ["RS", "S",  "R",  ".",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "R",  "L"]),
        ("refer-back", Some(S::Submitted),      ["RS", "S",  "R",  ".",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "R",  "L"]),
        ("permit", None,                        ["RS", "S",  "R",  "P",  "R",  "R",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "LR"]),
        ("refuse", Some(S::Agreed),             ["RS", "S",  "R",  ".",  "R",  "R",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "LR"]),
        ("refer-back", Some(S::Agreed),         ["RS", "S",  "R",  ".",  "R",  "R",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "LR"]),
        ("confirm-legitimacy", None,            ["US", "S",  "U",  "U",  "U",  "U",  "U",  "U",  ".",  "I",  "U",  ".",  "U",  "LU"]),
        ("raise-doubts", None,                  ["US", "S",  "U",  "U",  "U",  "U",  "U",  "U",  ".",  "I",  "U",  ".",  "U",  "LU"]),
        ("refuse", Some(S::DoubtsRaised),       ["RS", "S",  "R",  ".",  "R",  "R",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "LR"]),
        ("refer-back", Some(S::DoubtsRaised),   ["RS", "S",  "R",  ".",  "R",  "R",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "LR"]),
        ("start-access", None,                  ["US", "S",  "U",  "U",  "U",  "U",  "U",  "U",  ".",  "I",  "U",  ".",  "U",  "LU"]),
        ("complete", None,                      ["US", "S",  "U",  "U",  "U",  "U",  "U",  "U",  ".",  "I",  "U",  ".",  "U",  "LU"]),
        ("finalise", None,                      [".",  ".",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "NC", "N",  "LN"]),
        ("share", None,                         [".",  ".",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "LN"]),
        ("close", None,                         ["R",  ".",  "R",  ".",  ".",  ".",  ".",  "R",  "R",  "R",  "R",  "R",  "R",  "L"]),
        ("withdraw", None,                      [".",  ".",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "N",  "LN"]),
    ];

    fn codes(step: Step, from: RequestState, who: &Person, parties: &Parties) -> String {
        refusals(step, from, who, parties).iter().map(|r| letter(r.code)).collect()
    }

    #[test]
    fn every_cell_of_the_table_of_who_may_take_each_step() {
        let people = people();
        let mut cells = 0;
        for (from, step, ..) in TRANSITIONS {
            let row = TABLE
                .iter()
                .find(|(verb, state, _)| *verb == step.verb() && *state == Some(*from))
                .or_else(|| TABLE.iter().find(|(verb, state, _)| *verb == step.verb() && state.is_none()))
                .unwrap_or_else(|| panic!("no row for {step} from {from}"));
            for (column, (label, who)) in people.iter().enumerate() {
                let social_worker = if *label == "sw*" { &people[1].1 } else { &people[0].1 };
                let parties = Parties {
                    social_worker: Some(social_worker),
                    social_worker_named: &social_worker.name,
                    agreed_by: Some(4),
                    completed_by: Some(12),
                };
                let expected = row.2[column].replace('.', "");
                assert_eq!(codes(*step, *from, who, &parties), expected, "{step} from {from} by {label}");
                cells += 1;
            }
        }
        assert_eq!(cells, TRANSITIONS.len() * 14);
    }

    #[test]
    fn a_team_manager_of_their_team_stands_in_for_a_social_worker_who_has_left() {
        let people = people();
        let mut social_worker = people[0].1.clone();
        social_worker.left = true;
        let parties = Parties {
            social_worker: Some(&social_worker),
            social_worker_named: "Siân Social",
            agreed_by: None,
            completed_by: None,
        };
        for (step, from) in
            [(Step::FinaliseLog, S::LogCompleted), (Step::Share, S::Finalised), (Step::Withdraw, S::Agreed)]
        {
            assert_eq!(codes(step, from, &people[4].1, &parties), "", "{step}: a team manager of North");
            assert_eq!(codes(step, from, &people[5].1, &parties), "N", "{step}: a team manager of South");
            assert_eq!(codes(step, from, &people[6].1, &parties), "N", "{step}: a service director");
            assert_eq!(codes(step, from, &social_worker, &parties), "L", "{step}: the social worker who left");
        }
        let refusal = &refusals(Step::FinaliseLog, S::LogCompleted, &people[5].1, &parties)[0];
        assert!(refusal.reason.contains("a team manager of their team (North)"), "{}", refusal.reason);
        assert_eq!(codes(Step::Submit, S::Draft, &people[4].1, &parties), "N", "nobody submits in their name");
        let mut lower = people[4].1.clone();
        lower.team = Some(" north ".into());
        assert_eq!(codes(Step::Share, S::Finalised, &lower, &parties), "", "a team is matched as names are");
        let mut teamless = social_worker.clone();
        teamless.team = None;
        let parties = Parties { social_worker: Some(&teamless), ..parties };
        let refusal = &refusals(Step::FinaliseLog, S::LogCompleted, &people[4].1, &parties)[0];
        assert!(
            refusal.reason.contains("no team is recorded for them: set it in the staff directory"),
            "{}",
            refusal.reason
        );
    }

    #[test]
    fn the_person_who_completed_a_log_does_not_finalise_it_and_an_unknown_social_worker_is_named() {
        let people = people();
        let social_worker = &people[1].1;
        let parties = Parties {
            social_worker: Some(social_worker),
            social_worker_named: &social_worker.name,
            agreed_by: None,
            completed_by: Some(social_worker.id),
        };
        assert_eq!(codes(Step::FinaliseLog, S::LogCompleted, social_worker, &parties), "C");
        let nobody =
            Parties { social_worker: None, social_worker_named: " Zoë Nobody ", agreed_by: None, completed_by: None };
        let refused = refusals(Step::Submit, S::Draft, &people[0].1, &nobody);
        assert_eq!(refused[0].code, code::NOT_THE_REQUESTS_SOCIAL_WORKER);
        assert!(refused[0].reason.contains("Zoë Nobody, is not in the staff directory"), "{}", refused[0].reason);
        let refused = refusals(Step::Agree, S::Submitted, &people[8].1, &nobody);
        assert_eq!(
            refused[0].reason,
            "Ana Access is not a team manager in the staff directory, and the step \"Record team manager's agreement\" is taken by a team manager"
        );
        assert!(
            refusals(Step::Agree, S::Draft, &people[4].1, &nobody).is_empty(),
            "the workflow refuses that, not this"
        );
    }
}
