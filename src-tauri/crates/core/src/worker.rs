//! The worker profile: the person using this laptop.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use ts_rs::TS;

use crate::validation::{FieldError, optional_text, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum WorkerRole {
    /// Authorised Access Worker.
    Aaw,
    /// Originating Social Worker.
    Osw,
    /// Team Manager.
    Tm,
}

impl WorkerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerRole::Aaw => "aaw",
            WorkerRole::Osw => "osw",
            WorkerRole::Tm => "tm",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            WorkerRole::Aaw => "Authorised Access Worker",
            WorkerRole::Osw => "Originating Social Worker",
            WorkerRole::Tm => "Team Manager",
        }
    }
}

impl fmt::Display for WorkerRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WorkerRole {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "aaw" => Ok(WorkerRole::Aaw),
            "osw" => Ok(WorkerRole::Osw),
            "tm" => Ok(WorkerRole::Tm),
            _ => Err(FieldError::new(
                "role",
                "Select the role: Authorised Access Worker, Originating Social Worker or Team Manager",
            )),
        }
    }
}

/// The profile as typed.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct WorkerProfileInput {
    pub name: String,
    pub role: String,
    pub staff_id: Option<String>,
}

/// A profile that passed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WorkerProfile {
    pub name: String,
    pub role: WorkerRole,
    pub staff_id: Option<String>,
}

impl WorkerProfileInput {
    /// Every problem at once, or the validated profile.
    pub fn validate(&self) -> Result<WorkerProfile, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = required_text(&mut errors, "name", "the worker's name", &self.name, 200);
        let role = match self.role.parse::<WorkerRole>() {
            Ok(role) => Some(role),
            Err(error) => {
                errors.push(error);
                None
            }
        };
        let staff_id = optional_text(&mut errors, "staff_id", "the staff id", self.staff_id.as_deref(), 50);
        match role {
            Some(role) if errors.is_empty() => Ok(WorkerProfile { name, role, staff_id }),
            _ => Err(errors),
        }
    }
}

/// Whether two names are the same person's as typed: spaces and case aside. The protocol's
/// separation of duties compares the worker using the app with the request's originating
/// social worker this way.
pub fn same_person(a: &str, b: &str) -> bool {
    let words = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    words(a) == words(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, role: &str, staff_id: Option<&str>) -> WorkerProfileInput {
        WorkerProfileInput { name: name.into(), role: role.into(), staff_id: staff_id.map(Into::into) }
    }

    #[test]
    fn a_valid_profile_is_trimmed() {
        let profile = input("  Siân Ní Bhriain ", "AAW", Some(" 00123 ")).validate().unwrap();
        assert_eq!(profile.name, "Siân Ní Bhriain");
        assert_eq!(profile.role, WorkerRole::Aaw);
        assert_eq!(profile.staff_id.as_deref(), Some("00123"));
        assert_eq!(input("A", "tm", Some("  ")).validate().unwrap().staff_id, None);
    }

    #[test]
    fn every_field_error_is_reported_at_once() {
        let errors = input(" ", "boss", Some(&"9".repeat(51))).validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "role", "staff_id"]);
        assert_eq!(errors[0].message, "Enter the worker's name");
        assert_eq!(errors[2].message, "The staff id must be 50 characters or fewer");
    }

    #[test]
    fn control_characters_are_refused() {
        let errors = input("Jane\u{7}Doe", "osw", None).validate().unwrap_err();
        assert_eq!(errors[0].field, "name");
    }

    #[test]
    fn invisible_names_are_blank_and_reversing_text_is_refused() {
        let errors = input("\u{200B}\u{200B}", "osw", Some("\u{FEFF}")).validate().unwrap_err();
        assert_eq!(
            errors,
            [FieldError::new("name", "Enter the worker's name")],
            "an invisible staff id is no staff id"
        );
        let errors = input("Jane \u{202E}eoD", "osw", None).validate().unwrap_err();
        assert!(errors[0].message.contains("reverse the direction"), "{}", errors[0].message);
        assert_eq!(input("فاطمة", "osw", None).validate().unwrap().name, "فاطمة");
    }
}
