//! The staff directory: the people who take part in the protocol, each with the roles they
//! hold. Every decision names one of them, never free text. Names are matched as people type
//! them: case, spaces, accents and hyphens aside ("Sian Pritchard Jones" is "Siân
//! Pritchard-Jones"), so one person cannot act twice under two spellings.

use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use crate::validation::{FieldError, optional_text, required_text};

/// A role in the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    /// Originating social worker.
    Osw,
    /// Team manager.
    Tm,
    /// Service manager.
    Sm,
    /// Service director.
    Sd,
    /// Authorised Access Worker.
    Aaw,
    /// The council's legal team.
    Legal,
}

impl StaffRole {
    pub const ALL: [StaffRole; 6] =
        [StaffRole::Osw, StaffRole::Tm, StaffRole::Sm, StaffRole::Sd, StaffRole::Aaw, StaffRole::Legal];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Osw => "osw",
            StaffRole::Tm => "tm",
            StaffRole::Sm => "sm",
            StaffRole::Sd => "sd",
            StaffRole::Aaw => "aaw",
            StaffRole::Legal => "legal",
        }
    }

    /// The role in a sentence: "Tomasz Wiśniewski (team manager) agreed".
    pub fn words(self) -> &'static str {
        match self {
            StaffRole::Osw => "social worker",
            StaffRole::Tm => "team manager",
            StaffRole::Sm => "service manager",
            StaffRole::Sd => "service director",
            StaffRole::Aaw => "Authorised Access Worker",
            StaffRole::Legal => "legal team",
        }
    }

    pub fn parse(text: &str) -> Option<StaffRole> {
        let text = text.trim().to_ascii_lowercase();
        StaffRole::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

impl fmt::Display for StaffRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The old worker profile's role as a role of the directory.
impl From<crate::WorkerRole> for StaffRole {
    fn from(role: crate::WorkerRole) -> Self {
        match role {
            crate::WorkerRole::Aaw => StaffRole::Aaw,
            crate::WorkerRole::Osw => StaffRole::Osw,
            crate::WorkerRole::Tm => StaffRole::Tm,
        }
    }
}

/// A person as typed on the command line, on screen or in a row of the import file.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct StaffInput {
    pub name: String,
    pub roles: Vec<String>,
    pub staff_id: Option<String>,
    pub team: Option<String>,
}

/// A person who passed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewStaff {
    pub name: String,
    /// In the order of [`StaffRole::ALL`], each once.
    pub roles: Vec<StaffRole>,
    pub staff_id: Option<String>,
    pub team: Option<String>,
}

const ROLE_CODES: &str = "osw (originating social worker), tm (team manager), sm (service manager), sd (service director), aaw (Authorised Access Worker) or legal";

impl StaffInput {
    /// Every problem at once, with fields named `prefix` + field (`rows[3].roles`).
    pub fn validate_as(&self, prefix: &str) -> Result<NewStaff, Vec<FieldError>> {
        let mut errors = Vec::new();
        let field = |f: &str| format!("{prefix}{f}");
        let name = required_text(&mut errors, &field("name"), "the person's name", &self.name, 200);
        let mut roles = Vec::new();
        for typed in self.roles.iter().filter(|r| !r.trim().is_empty()) {
            match StaffRole::parse(typed) {
                Some(role) => roles.push(role),
                None => errors.push(FieldError::new(
                    field("roles"),
                    format!("\"{}\" is not a role: use {ROLE_CODES}", typed.trim().escape_debug()),
                )),
            }
        }
        roles.sort();
        roles.dedup();
        if roles.is_empty() && !errors.iter().any(|e| e.field == field("roles")) {
            errors.push(FieldError::new(field("roles"), format!("Give at least one role: {ROLE_CODES}")));
        }
        let staff_id = optional_text(&mut errors, &field("staff_id"), "the staff ID", self.staff_id.as_deref(), 50);
        if staff_id.as_deref().is_some_and(|id| id.chars().any(char::is_whitespace)) {
            errors.push(FieldError::new(field("staff_id"), "The staff ID must not contain spaces"));
        }
        let team = optional_text(&mut errors, &field("team"), "the team", self.team.as_deref(), 200);
        if errors.is_empty() { Ok(NewStaff { name, roles, staff_id, team }) } else { Err(errors) }
    }

    pub fn validate(&self) -> Result<NewStaff, Vec<FieldError>> {
        self.validate_as("")
    }
}

/// Roles as the import file writes them: joined with `;`.
pub fn split_roles(text: &str) -> Vec<String> {
    text.split(';').map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect()
}

/// A name as it is matched: letters without their accents, lower case, hyphens and
/// apostrophes as spaces or nothing, one space between words.
pub fn name_key(name: &str) -> String {
    let mut folded = String::new();
    for c in name.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'ł' | 'Ł' => folded.push('l'),
            'ø' | 'Ø' => folded.push('o'),
            'đ' | 'Đ' | 'ð' | 'Ð' => folded.push('d'),
            'ß' => folded.push_str("ss"),
            'æ' | 'Æ' => folded.push_str("ae"),
            'œ' | 'Œ' => folded.push_str("oe"),
            'ı' => folded.push('i'),
            'þ' | 'Þ' => folded.push_str("th"),
            '\'' | '’' | '‘' | 'ʼ' | '`' | '.' => {}
            '-' | '‐' | '‑' | '–' | '_' => folded.push(' '),
            c if crate::validation::is_invisible(c) => {}
            c => folded.extend(c.to_lowercase()),
        }
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The names among `known` close to what was typed, closest first, at most five: a few
/// letters apart once folded, or sharing a word of three letters or more.
pub fn close_matches<'a>(typed: &str, known: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let key = name_key(typed);
    let words: Vec<&str> = key.split(' ').filter(|w| w.chars().count() >= 3).collect();
    let mut scored: Vec<(usize, &str)> = known
        .into_iter()
        .filter_map(|name| {
            let other = name_key(name);
            let distance = edit_distance(&key, &other);
            let shares_word = other.split(' ').any(|w| words.contains(&w));
            (distance <= 2.max(key.chars().count() / 4) || shares_word).then_some((distance, name))
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, name)| name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, roles: &[&str], staff_id: Option<&str>, team: Option<&str>) -> StaffInput {
        StaffInput {
            name: name.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            staff_id: staff_id.map(Into::into),
            team: team.map(Into::into),
        }
    }

    #[test]
    fn names_match_whatever_the_accents_case_spaces_and_hyphens() {
        assert_eq!(name_key("Siân  Pritchard-Jones"), name_key("sian pritchard jones"));
        assert_eq!(name_key("Zoë Łukasiewicz-Ó'Brien"), "zoe lukasiewicz obrien");
        assert_eq!(name_key("Tomasz Wiśniewski"), name_key("TOMASZ WISNIEWSKI"));
        assert_eq!(name_key("Ana\u{200B} Access"), "ana access");
        assert_ne!(name_key("Ana Access"), name_key("Anna Access"));
        assert_eq!(name_key("فاطمة"), "فاطمة");
    }

    #[test]
    fn close_matches_are_a_few_letters_apart_or_share_a_surname() {
        let known = ["Tomasz Wiśniewski", "Ana Access", "Ada Worker", "Sam Patel"];
        assert_eq!(close_matches("Tomas Wisniewski", known), ["Tomasz Wiśniewski"]);
        assert_eq!(close_matches("Anna Acess", known), ["Ana Access"]);
        assert_eq!(close_matches("J Patel", known), ["Sam Patel"]);
        assert!(close_matches("Nobody Known", known).is_empty());
    }

    #[test]
    fn a_person_needs_a_name_and_a_known_role() {
        let person = input(" Siân Ní Bhriain ", &["TM", "osw", "tm"], Some(" 00123 "), Some(" Children North "))
            .validate()
            .unwrap();
        assert_eq!(person.name, "Siân Ní Bhriain");
        assert_eq!(person.roles, [StaffRole::Osw, StaffRole::Tm]);
        assert_eq!(person.staff_id.as_deref(), Some("00123"));
        assert_eq!(person.team.as_deref(), Some("Children North"));
        let errors = input(" ", &["boss"], Some("12 3"), None).validate_as("rows[4].").unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["rows[4].name", "rows[4].roles", "rows[4].staff_id"]);
        assert!(errors[1].message.starts_with("\"boss\" is not a role"), "{}", errors[1].message);
        let errors = input("A Person", &[], None, None).validate().unwrap_err();
        assert_eq!(errors[0].field, "roles");
        assert!(errors[0].message.starts_with("Give at least one role"));
        assert_eq!(split_roles(" osw ; tm;;"), ["osw", "tm"]);
    }
}
