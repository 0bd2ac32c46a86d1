//! Incidents and disputes: a breach of the procedure recorded so the council can investigate,
//! report on and manage it (a view without authorisation, a personal account used, data sent
//! to the wrong person), and a person's dispute of what is held about them, recorded against
//! the capture or finding it concerns so that it travels with it (accuracy).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;
use crate::validation::{iso_date, optional_text, required_paragraphs, required_text};

/// An incident as typed.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct IncidentInput {
    /// What happened.
    pub what: String,
    /// The day it happened, `YYYY-MM-DD`.
    pub occurred_on: String,
    pub reported_by: String,
    /// The people affected, by name.
    #[serde(default)]
    pub people: Vec<String>,
    /// What was done about it.
    pub action: String,
    /// The request it concerns, if any.
    pub request: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Incident {
    pub what: String,
    pub occurred_on: NaiveDate,
    pub reported_by: String,
    pub people: Vec<String>,
    pub action: String,
    pub request: Option<String>,
}

impl IncidentInput {
    /// Every problem at once; the day may not be after `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<Incident, Vec<FieldError>> {
        let mut errors = Vec::new();
        let what = required_paragraphs(&mut errors, "what", "what happened", &self.what, 5000);
        let occurred_on = if crate::validation::is_blank(&self.occurred_on) {
            errors.push(FieldError::new("occurred_on", "Enter the day it happened"));
            None
        } else {
            iso_date(&mut errors, "occurred_on", "The day it happened", &self.occurred_on)
        };
        if occurred_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new("occurred_on", "The day it happened cannot be in the future"));
        }
        let reported_by = required_text(&mut errors, "reported_by", "who reported it", &self.reported_by, 200);
        let mut people = Vec::new();
        for (k, person) in self.people.iter().enumerate() {
            if let Some(name) =
                optional_text(&mut errors, &format!("people[{}]", k + 1), "the person's name", Some(person), 200)
            {
                people.push(name);
            }
        }
        let action = required_paragraphs(&mut errors, "action", "what was done about it", &self.action, 5000);
        let request = optional_text(&mut errors, "request", "the request's reference", self.request.as_deref(), 40);
        match occurred_on {
            Some(occurred_on) if errors.is_empty() => {
                Ok(Incident { what, occurred_on, reported_by, people, action, request })
            }
            _ => Err(errors),
        }
    }
}

/// A dispute as typed: who disputes what is held, and what they say.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct DisputeInput {
    pub by: String,
    pub text: String,
}

impl DisputeInput {
    pub fn validate(&self) -> Result<(String, String), Vec<FieldError>> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who disputes it", &self.by, 200);
        let text = required_paragraphs(&mut errors, "text", "what they dispute, in their words", &self.text, 5000);
        if errors.is_empty() { Ok((by, text)) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    #[test]
    fn an_incident_needs_what_when_who_and_what_was_done_and_cannot_be_in_the_future() {
        let fields: Vec<String> =
            IncidentInput::default().validate(today()).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["what", "occurred_on", "reported_by", "action"]);
        let input = IncidentInput {
            what: "A profile viewed from a personal account".into(),
            occurred_on: "2026-12-01".into(),
            reported_by: "Sue Manager".into(),
            people: vec!["Jane Doe".into(), " ".into()],
            action: "Reported to the data protection officer".into(),
            request: Some("REQ-2026-0001".into()),
        };
        let errors = input.validate(today()).unwrap_err();
        assert_eq!(errors[0].message, "The day it happened cannot be in the future");
        let ok = IncidentInput { occurred_on: "2026-11-29".into(), ..input }.validate(today()).unwrap();
        assert_eq!(ok.people, ["Jane Doe"], "a blank name is left out");
        assert_eq!(ok.occurred_on, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
    }

    #[test]
    fn a_dispute_needs_who_and_what() {
        let fields: Vec<String> =
            DisputeInput::default().validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["by", "text"]);
        let ok = DisputeInput { by: " Jane Doe ".into(), text: "That is not my account".into() }.validate().unwrap();
        assert_eq!(ok, ("Jane Doe".to_string(), "That is not my account".to_string()));
    }
}
