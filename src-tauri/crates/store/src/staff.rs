//! The staff directory: the people who take part, their roles and teams, whether they have
//! left, and where they stand in the register of Authorised Access Workers. A name typed
//! anywhere a person is meant is found here, or refused with the close matches.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Serialize;
use std::collections::BTreeMap;
use triangulate_core::duties::{AawRegistration, Person};
use triangulate_core::staff::{NewStaff, StaffRole, close_matches, name_key};
use triangulate_core::workflow::{RequestState, Role, Step, TRANSITIONS};
use triangulate_core::{Actor, FieldError, NewAuditEvent};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::stamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StaffRecord {
    pub id: i64,
    pub staff_id: Option<String>,
    pub name: String,
    pub team: Option<String>,
    pub roles: Vec<StaffRole>,
    /// Why the entry needs checking (added from a name in the records, role unknown).
    pub review: Option<String>,
    pub left_on: Option<NaiveDate>,
    pub added_at: String,
    pub aaw: AawRegistration,
    /// The person using this laptop.
    pub laptop_worker: bool,
}

impl StaffRecord {
    /// The person as the rule of separation of duties sees them on `today`.
    pub fn person(&self, today: NaiveDate) -> Person {
        Person {
            id: self.id,
            name: self.name.clone(),
            roles: self.roles.clone(),
            team: self.team.clone(),
            left: self.left_on.is_some_and(|d| d <= today),
            aaw: self.aaw,
        }
    }

    /// The name with the staff ID, where there is one: "Ana Access (staff ID 4471)".
    pub fn label(&self) -> String {
        match &self.staff_id {
            Some(id) => format!("{} (staff ID {id})", self.name),
            None => self.name.clone(),
        }
    }
}

pub(crate) fn roles_text(roles: &[StaffRole]) -> String {
    roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(";")
}

fn parse_roles(text: &str) -> Vec<StaffRole> {
    let mut roles: Vec<StaffRole> = text.split(';').filter_map(StaffRole::parse).collect();
    roles.sort();
    roles.dedup();
    roles
}

const COLUMNS: &str = "s.id, s.staff_id, s.name, s.team, s.roles, s.review, s.left_on, s.added_at,
     CASE WHEN a.id IS NULL THEN 0
          WHEN a.decided_by IS NULL OR a.evidence IS NULL OR a.trained_on IS NULL THEN 1 ELSE 2 END,
     s.id IS (SELECT staff FROM worker_profile ORDER BY id LIMIT 1)
     FROM staff s LEFT JOIN aaw_register a ON a.staff = s.id";

fn row_to_record(row: &rusqlite::Row) -> rusqlite::Result<StaffRecord> {
    let roles: String = row.get(4)?;
    let left_on: Option<String> = row.get(6)?;
    Ok(StaffRecord {
        id: row.get(0)?,
        staff_id: row.get(1)?,
        name: row.get(2)?,
        team: row.get(3)?,
        roles: parse_roles(&roles),
        review: row.get(5)?,
        left_on: left_on.and_then(|d| d.parse().ok()),
        added_at: row.get(7)?,
        aaw: match row.get::<_, i64>(8)? {
            0 => AawRegistration::NotRegistered,
            1 => AawRegistration::Incomplete,
            _ => AawRegistration::Registered,
        },
        laptop_worker: row.get(9)?,
    })
}

pub(crate) fn staff_in(conn: &Connection) -> Result<Vec<StaffRecord>> {
    let mut statement = conn.prepare(&format!("SELECT {COLUMNS} ORDER BY s.name_key, s.id"))?;
    let rows = statement.query_map([], row_to_record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// Who changes the directory in the audit chain: the laptop's worker, or the
    /// installation itself while the directory is set up before anyone's profile.
    fn directory_actor(&self) -> Result<Actor> {
        Ok(self.worker_profile()?.map_or(Actor::System, |w| Actor::Worker(w.id)))
    }

    /// Everyone in the directory, by name.
    pub fn staff(&self) -> Result<Vec<StaffRecord>> {
        staff_in(&self.conn)
    }

    pub fn staff_member(&self, id: i64) -> Result<StaffRecord> {
        self.conn
            .query_row(&format!("SELECT {COLUMNS} WHERE s.id = ?1"), [id], row_to_record)
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "person in the staff directory", id: id.to_string() })
    }

    /// The person using this laptop, from the worker profile.
    pub fn laptop_worker(&self) -> Result<StaffRecord> {
        let staff: Option<i64> = self
            .conn
            .query_row("SELECT staff FROM worker_profile ORDER BY id LIMIT 1", [], |row| row.get(0))
            .optional()?
            .flatten();
        match staff {
            Some(id) => self.staff_member(id),
            None => Err(StoreError::Refused("there is no worker profile on this laptop: set one up first".into())),
        }
    }

    /// The person `typed` names: a staff ID, or a name however it is spelt (accents, case,
    /// spaces and hyphens aside). Unknown, or a name two people share, is a problem with
    /// `field`, naming the close matches.
    pub fn find_staff(&self, field: &str, typed: &str) -> Result<StaffRecord> {
        let staff = self.staff()?;
        let typed = typed.trim();
        if let Some(found) =
            staff.iter().find(|s| s.staff_id.as_deref().is_some_and(|id| id.eq_ignore_ascii_case(typed)))
        {
            return Ok(found.clone());
        }
        let key = name_key(typed);
        let named: Vec<&StaffRecord> = staff.iter().filter(|s| name_key(&s.name) == key).collect();
        match named.as_slice() {
            [one] => Ok((*one).clone()),
            [] => {
                let labels: BTreeMap<&str, &StaffRecord> = staff.iter().map(|s| (s.name.as_str(), s)).collect();
                let close: Vec<String> =
                    close_matches(typed, labels.keys().copied()).into_iter().map(|name| labels[name].label()).collect();
                let suggestion =
                    if close.is_empty() { String::new() } else { format!(" Did you mean {}?", close.join(" or ")) };
                Err(StoreError::UnknownStaff(vec![FieldError::new(
                    field,
                    format!(
                        "{typed} is not in the staff directory.{suggestion} Add them to the staff directory first, with their roles"
                    ),
                )]))
            }
            several => {
                let labels: Vec<String> = several.iter().map(|s| s.label()).collect();
                Err(StoreError::UnknownStaff(vec![FieldError::new(
                    field,
                    format!(
                        "{} people in the staff directory are called {typed}: give the staff ID of the one you mean ({})",
                        several.len(),
                        labels.join(", ")
                    ),
                )]))
            }
        }
    }

    /// Imports the council's list of people in one change: each row is a person already in
    /// the directory (the same staff ID; or the same name, where the entry there has no staff
    /// ID or is flagged for review) whose entry it brings up to date (their review flag
    /// cleared), or a new person. A file read again changes nothing it already said. Every
    /// problem at once with the row's prefix (a staff ID or name twice in the file, a name
    /// that could be two people), and nothing changed on any. Returns those added and those
    /// updated.
    pub fn import_staff(
        &mut self,
        rows: &[(String, NewStaff)],
        now: DateTime<Utc>,
    ) -> Result<(Vec<StaffRecord>, Vec<StaffRecord>)> {
        let existing = self.staff()?;
        let mut errors = Vec::new();
        let mut seen_ids: BTreeMap<String, &str> = BTreeMap::new();
        let mut seen_names: BTreeMap<String, (&str, bool)> = BTreeMap::new();
        let mut plan: Vec<(Option<i64>, &NewStaff)> = Vec::new();
        for (prefix, person) in rows {
            if let Some(id) = &person.staff_id
                && let Some(first) = seen_ids.insert(id.to_lowercase(), &person.name)
            {
                errors.push(FieldError::new(
                    format!("{prefix}staff_id"),
                    format!("Staff ID {id} is already {first}'s, earlier in the file: give this person their own"),
                ));
            }
            let key = name_key(&person.name);
            if let Some((first, first_has_id)) =
                seen_names.insert(key.clone(), (&person.name, person.staff_id.is_some()))
                && !(first_has_id && person.staff_id.is_some())
            {
                errors.push(FieldError::new(
                    format!("{prefix}name"),
                    format!(
                        "{first} is already earlier in the file: to have two people of that name, give both a staff ID"
                    ),
                ));
            }
            let by_id = person.staff_id.as_ref().and_then(|id| {
                existing.iter().find(|s| s.staff_id.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(id)))
            });
            let by_name: Vec<&StaffRecord> = existing
                .iter()
                .filter(|s| name_key(&s.name) == key && (s.staff_id.is_none() || s.review.is_some()))
                .filter(|s| person.staff_id.is_none() || s.staff_id.is_none() || s.staff_id == person.staff_id)
                .collect();
            let matched = match (by_id, by_name.as_slice()) {
                (Some(found), _) => Some(found.id),
                (None, [one]) => Some(one.id),
                (None, []) => {
                    let taken = existing.iter().find(|s| name_key(&s.name) == key && s.staff_id.is_some());
                    if let (Some(other), None) = (taken, &person.staff_id) {
                        errors.push(FieldError::new(
                            format!("{prefix}name"),
                            format!(
                                "{} is already in the staff directory: give this row their staff ID, {}",
                                other.name,
                                other.staff_id.clone().unwrap_or_default()
                            ),
                        ));
                    }
                    None
                }
                (None, several) => {
                    let labels: Vec<String> = several.iter().map(|s| s.label()).collect();
                    errors.push(FieldError::new(
                        format!("{prefix}name"),
                        format!(
                            "More than one person in the staff directory is called {}: give this row a staff ID ({})",
                            person.name,
                            labels.join(", ")
                        ),
                    ));
                    None
                }
            };
            plan.push((matched, person));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let actor = self.directory_actor()?;
        let (added, updated) = self.write(now, |tx| {
            let (mut added, mut updated) = (Vec::new(), Vec::new());
            for (matched, person) in &plan {
                match matched {
                    Some(id) => {
                        tx.execute(
                            "UPDATE staff SET name = ?1, name_key = ?2, roles = ?3, staff_id = COALESCE(?4, staff_id), team = ?5, review = NULL WHERE id = ?6",
                            rusqlite::params![person.name, name_key(&person.name), roles_text(&person.roles), person.staff_id, person.team, id],
                        )?;
                        updated.push(*id);
                    }
                    None => added.push(insert_staff(tx, person, None, &stamp(now))?),
                }
            }
            let ids = added.iter().chain(&updated).map(|id| format!("staff:{id}")).collect();
            let event = NewAuditEvent::of_change(actor, "staff.import", ids, &rows.iter().map(|(_, p)| p).collect::<Vec<_>>());
            Ok(((added, updated), event))
        })?;
        let read = |ids: Vec<i64>| ids.into_iter().map(|id| self.staff_member(id)).collect::<Result<Vec<_>>>();
        Ok((read(added)?, read(updated)?))
    }

    /// Adds people in one change: every problem (a staff ID already used, a name already in
    /// the directory without a staff ID to tell the two apart) reported at once with the
    /// field's own prefix, and nothing added on any.
    pub fn add_staff(&mut self, people: &[(String, NewStaff)], now: DateTime<Utc>) -> Result<Vec<StaffRecord>> {
        let existing = self.staff()?;
        let mut errors = Vec::new();
        let mut ids: BTreeMap<String, String> =
            existing.iter().filter_map(|s| s.staff_id.as_ref().map(|id| (id.to_lowercase(), s.name.clone()))).collect();
        let mut names: BTreeMap<String, (String, bool)> =
            existing.iter().map(|s| (name_key(&s.name), (s.name.clone(), s.staff_id.is_some()))).collect();
        for (prefix, person) in people {
            if let Some(id) = &person.staff_id {
                if let Some(holder) = ids.get(&id.to_lowercase()) {
                    errors.push(FieldError::new(
                        format!("{prefix}staff_id"),
                        format!("Staff ID {id} is already {holder}'s: give this person their own"),
                    ));
                } else {
                    ids.insert(id.to_lowercase(), person.name.clone());
                }
            }
            let key = name_key(&person.name);
            match names.get(&key) {
                Some((other, other_has_id)) if !(*other_has_id && person.staff_id.is_some()) => {
                    errors.push(FieldError::new(
                        format!("{prefix}name"),
                        format!(
                            "{other} is already in the staff directory: to add another person of that name, give both a staff ID"
                        ),
                    ))
                }
                _ => {
                    names.insert(key, (person.name.clone(), person.staff_id.is_some()));
                }
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let actor = self.directory_actor()?;
        let action = if people.len() == 1 { "staff.add" } else { "staff.import" };
        let added = self.write(now, |tx| {
            let mut added = Vec::new();
            for (_, person) in people {
                added.push(insert_staff(tx, person, None, &stamp(now))?);
            }
            let ids = added.iter().map(|id| format!("staff:{id}")).collect();
            let event =
                NewAuditEvent::of_change(actor, action, ids, &people.iter().map(|(_, p)| p).collect::<Vec<_>>());
            Ok((added, event))
        })?;
        added.into_iter().map(|id| self.staff_member(id)).collect()
    }

    /// Changes a person's name, roles, staff ID or team; their review flag is cleared, since
    /// someone has now looked at the entry.
    pub fn update_staff(&mut self, id: i64, person: &NewStaff, now: DateTime<Utc>) -> Result<StaffRecord> {
        let current = self.staff_member(id)?;
        let mut errors = Vec::new();
        for other in self.staff()?.into_iter().filter(|s| s.id != id) {
            if let (Some(a), Some(b)) = (&person.staff_id, &other.staff_id)
                && a.eq_ignore_ascii_case(b)
            {
                errors.push(FieldError::new("staff_id", format!("Staff ID {a} is already {}'s", other.name)));
            }
            if name_key(&other.name) == name_key(&person.name)
                && (person.staff_id.is_none() || other.staff_id.is_none())
            {
                errors.push(FieldError::new(
                    "name",
                    format!(
                        "{} is already in the staff directory: to have two people of that name, give both a staff ID",
                        other.name
                    ),
                ));
            }
        }
        if current.staff_id.is_some() && person.staff_id.is_none() {
            errors.push(FieldError::new(
                "staff_id",
                format!(
                    "{} has staff ID {}: it cannot be taken away",
                    current.name,
                    current.staff_id.clone().unwrap_or_default()
                ),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let actor = self.directory_actor()?;
        self.write(now, |tx| {
            tx.execute(
                "UPDATE staff SET name = ?1, name_key = ?2, roles = ?3, staff_id = ?4, team = ?5, review = NULL WHERE id = ?6",
                rusqlite::params![person.name, name_key(&person.name), roles_text(&person.roles), person.staff_id, person.team, id],
            )?;
            Ok(((), NewAuditEvent::of_change(actor, "staff.update", vec![format!("staff:{id}")], person)))
        })?;
        self.staff_member(id)
    }

    /// Marks that a person left on `on`. They stay in the directory, and every record that
    /// names them keeps naming them; they take no step from that day.
    pub fn mark_left(&mut self, id: i64, on: NaiveDate, now: DateTime<Utc>) -> Result<StaffRecord> {
        let current = self.staff_member(id)?;
        if let Some(left) = current.left_on {
            return Err(StoreError::Refused(format!("{} is already recorded as having left on {left}", current.name)));
        }
        if current.laptop_worker {
            return Err(StoreError::Refused(format!(
                "{} is the person using this laptop: set up the profile of the person who takes over first",
                current.name
            )));
        }
        let actor = self.directory_actor()?;
        self.write(now, |tx| {
            tx.execute("UPDATE staff SET left_on = ?1 WHERE id = ?2", rusqlite::params![on.to_string(), id])?;
            Ok(((), NewAuditEvent::of_change(actor, "staff.left", vec![format!("staff:{id}")], &on)))
        })?;
        self.staff_member(id)
    }
}

pub(crate) fn insert_staff(tx: &Transaction, person: &NewStaff, review: Option<&str>, at: &str) -> Result<i64> {
    tx.execute(
        "INSERT INTO staff (staff_id, name, name_key, team, roles, review, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![person.staff_id, person.name, name_key(&person.name), person.team, roles_text(&person.roles), review, at],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The directory role a step of the workflow shows its decider held, where one role tells.
fn role_shown_by(step: &str, from: &str) -> Option<StaffRole> {
    let step = Step::parse(step)?;
    let from = RequestState::parse(from);
    let role = TRANSITIONS.iter().find(|(f, s, ..)| Some(*f) == from && *s == step).map(|t| t.3).or_else(|| {
        // A correction's finalisation is recorded from the state it leaves unchanged.
        TRANSITIONS.iter().find(|(_, s, ..)| *s == step).map(|t| t.3)
    })?;
    match role {
        Role::Osw => Some(StaffRole::Osw),
        Role::Tm => Some(StaffRole::Tm),
        Role::Sd => Some(StaffRole::Sd),
        Role::Aaw => Some(StaffRole::Aaw),
        Role::TmOrSd | Role::SmOrSd => None,
    }
}

/// Migration 22: the directory begins with the people the records already name — the
/// worker profile, every decision's decider, the register of access workers — each once
/// however their name was spelt, with the roles their decisions show; one whose role no
/// record shows is flagged for review. Decisions and registrations are linked to them; no
/// recorded text changes.
pub(crate) fn directory_from_records(tx: &Transaction) -> Result<()> {
    let at: String = tx.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |row| row.get(0))?;
    let mut people: BTreeMap<String, (String, Option<String>, Vec<StaffRole>)> = BTreeMap::new();
    let profile: Option<(i64, String, String, Option<String>)> = tx
        .query_row("SELECT id, name, role, staff_id FROM worker_profile ORDER BY id LIMIT 1", [], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    if let Some((_, name, role, staff_id)) = &profile {
        people.insert(name_key(name), (name.clone(), staff_id.clone(), StaffRole::parse(role).into_iter().collect()));
    }
    let decisions: Vec<(i64, String, String, String)> = tx
        .prepare("SELECT id, decided_by, step, from_state FROM decisions ORDER BY id")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let register: Vec<(i64, String)> = tx
        .prepare("SELECT id, name FROM aaw_register ORDER BY id")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut note = |name: &str, role: Option<StaffRole>| {
        let entry = people.entry(name_key(name)).or_insert_with(|| (name.trim().to_string(), None, Vec::new()));
        if let Some(role) = role
            && !entry.2.contains(&role)
        {
            entry.2.push(role);
        }
    };
    for (_, name, step, from) in &decisions {
        note(name, role_shown_by(step, from));
    }
    for (_, name) in &register {
        note(name, Some(StaffRole::Aaw));
    }
    let mut ids = BTreeMap::new();
    for (key, (name, staff_id, mut roles)) in people {
        if name_key(&name).is_empty() {
            continue;
        }
        roles.sort();
        // The records named them as typed by whoever held the laptop: the roles their steps
        // show are a start, to be checked.
        let review = if profile.as_ref().is_some_and(|(_, profile_name, ..)| name_key(profile_name) == key) {
            None
        } else if roles.is_empty() {
            Some(
                "Added from the names in the records when the staff directory began; no record shows their role: set it",
            )
        } else {
            Some(
                "Added from the names in the records when the staff directory began, with the roles their recorded steps show: check them",
            )
        };
        let person = NewStaff { name, roles, staff_id, team: None };
        ids.insert(key, insert_staff(tx, &person, review, &at)?);
    }
    let profile_staff = profile.as_ref().and_then(|(_, name, ..)| ids.get(&name_key(name)).copied());
    if let (Some((id, ..)), Some(staff)) = (&profile, profile_staff) {
        // Earlier sessions are not given a runner: the profile was one row changed in place, so
        // who ran them is not known from it.
        tx.execute("UPDATE worker_profile SET staff = ?1 WHERE id = ?2", [staff, *id])?;
    }
    for (id, name, step, from) in &decisions {
        tx.execute(
            "UPDATE decisions SET decider = ?1, recorder = ?2, decider_role = ?3 WHERE id = ?4",
            rusqlite::params![
                ids.get(&name_key(name)),
                profile_staff,
                role_shown_by(step, from).map(|r| r.as_str()),
                id
            ],
        )?;
    }
    let mut registered = std::collections::BTreeSet::new();
    for (id, name) in &register {
        if let Some(staff) = ids.get(&name_key(name)).copied()
            && registered.insert(staff)
        {
            tx.execute("UPDATE aaw_register SET staff = ?1 WHERE id = ?2", rusqlite::params![staff, id])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_from_before_the_directory_gets_one_from_its_records_and_nothing_recorded_changes() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrations::migrate_to(&mut conn, 21).unwrap();
        // The decisions' request is not made here.
        conn.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO worker_profile (id, name, role, staff_id, updated_at) VALUES (1, 'Sam Patel', 'aaw', 'S-9', 't');
             INSERT INTO aaw_register (id, name, name_key, registered_at, evidence, trained_on) VALUES (1, 'Sam Patel', 'sam patel', 't', NULL, NULL);
             INSERT INTO aaw_register (id, name, name_key, registered_at, evidence, trained_on) VALUES (2, 'Sam-Patel', 'sam-patel', 't', 'SD 1', NULL);
             INSERT INTO decisions (request_id, step, from_state, to_state, decided_by, recorded_by, at) VALUES
               (1, 'submit', 'draft', 'submitted', 'Siân Evans', 1, 't1'),
               (1, 'agree', 'submitted', 'agreed', 'Gwen Thomas', 1, 't2'),
               (1, 'permit', 'agreed', 'permitted', 'Director', 1, 't3'),
               (1, 'confirm-legitimacy', 'permitted', 'legitimacy_confirmed', 'sam  PATEL', 1, 't4'),
               (1, 'close', 'shared', 'closed', 'Mo Close', 1, 't5'),
               (2, 'submit', 'draft', 'submitted', 'Sian Evans', 1, 't6');",
        )
        .unwrap();
        let before: Vec<String> = conn
            .prepare("SELECT decided_by FROM decisions ORDER BY id")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        crate::migrations::migrate_to(&mut conn, 22).unwrap();
        let staff = staff_in(&conn).unwrap();
        let named: Vec<(&str, Vec<StaffRole>, bool)> =
            staff.iter().map(|s| (s.name.as_str(), s.roles.clone(), s.review.is_some())).collect();
        assert_eq!(
            named,
            [
                ("Director", vec![StaffRole::Sd], true),
                ("Gwen Thomas", vec![StaffRole::Tm], true),
                ("Mo Close", vec![], true),
                ("Sam Patel", vec![StaffRole::Aaw], false),
                ("Siân Evans", vec![StaffRole::Osw], true),
            ],
            "each person once however spelt, with the roles their decisions show, flagged to check; not the profile's own"
        );
        assert!(
            staff
                .iter()
                .find(|s| s.name == "Mo Close")
                .unwrap()
                .review
                .as_deref()
                .unwrap()
                .contains("no record shows their role")
        );
        let linked: i64 =
            conn.query_row("SELECT COUNT(*) FROM aaw_register WHERE staff IS NOT NULL", [], |row| row.get(0)).unwrap();
        assert_eq!(linked, 1, "one registration per person; the other spelling's row kept as it was");
        let sam = staff.iter().find(|s| s.name == "Sam Patel").unwrap();
        assert!(sam.laptop_worker && sam.staff_id.as_deref() == Some("S-9"));
        assert_eq!(sam.aaw, AawRegistration::Incomplete, "registered without the service director's decision");
        let siân = staff.iter().find(|s| s.name == "Siân Evans").unwrap().id;
        let links: Vec<(String, Option<i64>, Option<i64>)> = conn
            .prepare("SELECT decided_by, decider, recorder FROM decisions ORDER BY id")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(links.iter().map(|l| l.0.clone()).collect::<Vec<_>>(), before, "no recorded name changes");
        assert_eq!((links[0].1, links[5].1), (Some(siân), Some(siân)));
        assert!(links.iter().all(|l| l.1.is_some() && l.2 == Some(sam.id)), "{links:?}");
    }
}
