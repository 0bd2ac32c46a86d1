//! Appendix 1, the investigation request: the file a social worker fills in, and its
//! validation. Validation returns every field error at once, in plain English; nothing is
//! written when any fails.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::policy::Policy;
use crate::validation::{FieldError, optional_text, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    MisleadingInformation,
    AbusiveAdultRelationship,
    RiskyBehaviour,
    PersonPosingRisk,
    Tracing,
    ProspectiveAdopter,
    Other,
}

impl Reason {
    pub fn label(self) -> &'static str {
        match self {
            Reason::MisleadingInformation => "Information given by the family may be misleading or untrue",
            Reason::AbusiveAdultRelationship => {
                "Possible relationship between the child and a known or suspected abusive adult"
            }
            Reason::RiskyBehaviour => "Known risky behaviour",
            Reason::PersonPosingRisk => "A person posing a risk is said to be present",
            Reason::Tracing => "Tracing a missing child or a birth parent",
            Reason::ProspectiveAdopter => "Check on a prospective adopter",
            Reason::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    OneOff,
    Monitoring,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsentStatus {
    Written,
    Informed,
    NotSought,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SubjectRole {
    Subject,
    Associate,
    SuspectedAssociate,
}

/// The request file as written (`request create --file`): every field may be missing or
/// wrong; validation says which.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    #[serde(default)]
    pub case_reference: String,
    #[serde(default)]
    pub originating_worker: WorkerInput,
    #[serde(default)]
    pub team_manager: ManagerInput,
    pub reason: Option<Reason>,
    #[serde(default)]
    pub concern: String,
    #[serde(default)]
    pub triangulation: String,
    pub scope: Option<Scope>,
    pub monitoring_justification: Option<String>,
    #[serde(default)]
    pub period: PeriodInput,
    #[serde(default)]
    pub consent: ConsentInput,
    pub legal_advice_reference: Option<String>,
    #[serde(default)]
    pub subjects: Vec<SubjectInput>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct WorkerInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub team: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ManagerInput {
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PeriodInput {
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub status: Option<ConsentStatus>,
    pub reason: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct SubjectInput {
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub date_of_birth: Option<String>,
    pub relationship: Option<String>,
    pub role: Option<SubjectRole>,
    #[serde(default)]
    pub profiles: Vec<ProfileInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    #[serde(default)]
    pub platform: String,
    #[serde(default)]
    pub url: String,
}

/// A request that passed validation: what is stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Request {
    pub case_reference: String,
    pub originating_worker: Worker,
    pub team_manager: Manager,
    pub reason: Reason,
    pub concern: String,
    pub triangulation: String,
    pub scope: Scope,
    pub monitoring_justification: Option<String>,
    pub period: Period,
    pub consent: Consent,
    pub legal_advice_reference: Option<String>,
    pub subjects: Vec<Subject>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Worker {
    pub name: String,
    pub team: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Manager {
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Consent {
    pub status: ConsentStatus,
    pub reason: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Subject {
    pub name: Option<String>,
    pub description: Option<String>,
    pub aliases: Vec<String>,
    pub date_of_birth: Option<NaiveDate>,
    pub relationship: Option<String>,
    pub role: SubjectRole,
    pub profiles: Vec<Profile>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Profile {
    pub platform: String,
    pub url: String,
}

impl Subject {
    /// Whether this person is a parent or carer of the child, read from the relationship
    /// given: a parent word that is not possessive ("mother", "foster carer", "stepfather",
    /// but not "mother's partner").
    pub fn is_parent_or_carer(&self) -> bool {
        const PARENT_WORDS: [&str; 7] = ["mother", "father", "parent", "carer", "guardian", "mum", "dad"];
        let relationship = self.relationship.as_deref().unwrap_or("").to_lowercase();
        let words: Vec<&str> = relationship.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        words.iter().enumerate().any(|(i, word)| {
            let possessive = words.get(i + 1) == Some(&"s");
            !possessive && PARENT_WORDS.iter().any(|p| word.ends_with(p))
        })
    }

    /// The name to show: the person's name, or the description of an unnamed suspect.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().or(self.description.as_deref()).unwrap_or("")
    }
}

fn parse_date(errors: &mut Vec<FieldError>, field: &str, label: &str, value: Option<&str>) -> Option<NaiveDate> {
    let text = value.map(str::trim).filter(|v| !v.is_empty())?;
    crate::validation::iso_date(errors, field, label, text)
}

fn valid_profile_url(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(parsed) => matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some_and(|h| h.contains('.')),
        Err(_) => false,
    }
}

impl RequestInput {
    /// Parses the request file's JSON; a syntax error is one field error on `file`.
    pub fn from_json(text: &str) -> Result<RequestInput, Vec<FieldError>> {
        serde_json::from_str(text).map_err(|e| {
            vec![FieldError::new(
                "file",
                format!(
                    "The request file is not valid: line {}, column {}: {}",
                    e.line(),
                    e.column(),
                    strip_position(&e.to_string())
                ),
            )]
        })
    }

    /// Every problem at once, or the validated request. `today` is the worker's local date.
    pub fn validate(&self, policy: &Policy, today: NaiveDate) -> Result<Request, Vec<FieldError>> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let case_reference = required_text(e, "case_reference", "the case reference", &self.case_reference, 50);
        let osw_name = required_text(
            e,
            "originating_worker.name",
            "the originating social worker's name",
            &self.originating_worker.name,
            200,
        );
        let osw_team = required_text(
            e,
            "originating_worker.team",
            "the originating social worker's team",
            &self.originating_worker.team,
            200,
        );
        let tm_name = required_text(e, "team_manager.name", "the team manager's name", &self.team_manager.name, 200);
        if self.reason.is_none() {
            e.push(FieldError::new("reason", "Select the reason for the check"));
        }
        let concern = required_text(e, "concern", "the concern", &self.concern, 5000);
        let triangulation =
            required_text(e, "triangulation", "how the check triangulates the concern", &self.triangulation, 5000);
        let monitoring_justification = optional_text(
            e,
            "monitoring_justification",
            "the justification for monitoring",
            self.monitoring_justification.as_deref(),
            5000,
        );
        match self.scope {
            None => {
                e.push(FieldError::new("scope", "Select whether this is a one-off review or longer-term monitoring"))
            }
            Some(Scope::Monitoring) if monitoring_justification.is_none() => {
                e.push(FieldError::new("monitoring_justification", "Enter why longer-term monitoring is justified"))
            }
            _ => {}
        }

        let from = parse_date(e, "period.from", "The start of the period of interest", self.period.from.as_deref());
        let to = parse_date(e, "period.to", "The end of the period of interest", self.period.to.as_deref());
        if self.period.from.as_deref().is_none_or(|v| v.trim().is_empty()) {
            e.push(FieldError::new("period.from", "Enter the start of the period of interest"));
        }
        if self.period.to.as_deref().is_none_or(|v| v.trim().is_empty()) {
            e.push(FieldError::new("period.to", "Enter the end of the period of interest"));
        }
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            e.push(FieldError::new(
                "period.to",
                "The end of the period of interest must be the same as or after its start",
            ));
        }
        if let Some(from) = from
            && from > today
        {
            e.push(FieldError::new("period.from", "The start of the period of interest must be today or in the past"));
        }

        let consent_reason = optional_text(
            e,
            "consent.reason",
            "the reason consent was not sought",
            self.consent.reason.as_deref(),
            2000,
        );
        let consent_reference =
            optional_text(e, "consent.reference", "the consent reference", self.consent.reference.as_deref(), 200);
        match self.consent.status {
            None => {
                e.push(FieldError::new("consent.status", "Select whether consent is written, informed or not sought"))
            }
            Some(ConsentStatus::NotSought) if consent_reason.is_none() => e.push(FieldError::new(
                "consent.reason",
                "Enter why consent was not sought, for example an overriding public interest",
            )),
            Some(ConsentStatus::Written) if consent_reference.is_none() => {
                e.push(FieldError::new("consent.reference", "Enter the reference of the written consent"))
            }
            _ => {}
        }
        let legal_advice_reference = optional_text(
            e,
            "legal_advice_reference",
            "the legal advice reference",
            self.legal_advice_reference.as_deref(),
            200,
        );

        let mut subjects = Vec::new();
        if self.subjects.is_empty() {
            e.push(FieldError::new("subjects", "Add at least one person to check"));
        }
        for (index, input) in self.subjects.iter().enumerate() {
            let at = |field: &str| format!("subjects[{}].{field}", index + 1);
            let number = index + 1;
            let name =
                optional_text(e, &at("name"), &format!("the name of person {number}"), input.name.as_deref(), 200);
            let description = optional_text(
                e,
                &at("description"),
                &format!("the description of person {number}"),
                input.description.as_deref(),
                2000,
            );
            match input.role {
                None => e.push(FieldError::new(
                    at("role"),
                    format!("Select the role of person {number}: subject, associate or suspected associate"),
                )),
                Some(SubjectRole::SuspectedAssociate) if name.is_none() && description.is_none() => {
                    e.push(FieldError::new(
                        at("description"),
                        format!("Enter a name or a description of suspected associate {number}"),
                    ))
                }
                Some(SubjectRole::Subject | SubjectRole::Associate) if name.is_none() => {
                    e.push(FieldError::new(at("name"), format!("Enter the name of person {number}")))
                }
                _ => {}
            }
            let mut aliases = Vec::new();
            for (alias_index, alias) in input.aliases.iter().enumerate() {
                let field = format!("subjects[{number}].aliases[{}]", alias_index + 1);
                aliases.push(required_text(e, &field, "the alias", alias, 200));
            }
            let date_of_birth = parse_date(
                e,
                &at("date_of_birth"),
                &format!("The date of birth of person {number}"),
                input.date_of_birth.as_deref(),
            );
            if let Some(dob) = date_of_birth
                && dob > today
            {
                e.push(FieldError::new(
                    at("date_of_birth"),
                    format!("The date of birth of person {number} must be in the past"),
                ));
            }
            let relationship = optional_text(
                e,
                &at("relationship"),
                "the relationship to the child",
                input.relationship.as_deref(),
                200,
            );
            let mut profiles = Vec::new();
            for (profile_index, profile) in input.profiles.iter().enumerate() {
                let field = |f: &str| format!("subjects[{number}].profiles[{}].{f}", profile_index + 1);
                let platform = required_text(e, &field("platform"), "the platform", &profile.platform, 50);
                let url = profile.url.trim().to_string();
                if url.is_empty() {
                    e.push(FieldError::new(field("url"), "Enter the profile's web address"));
                } else if !valid_profile_url(&url) {
                    e.push(FieldError::new(
                        field("url"),
                        "The profile's web address must start with https:// or http:// and name a site",
                    ));
                }
                profiles.push(Profile { platform, url });
            }
            if let Some(role) = input.role {
                subjects.push(Subject { name, description, aliases, date_of_birth, relationship, role, profiles });
            }
        }

        if self.reason == Some(Reason::ProspectiveAdopter) {
            if self.consent.status != Some(ConsentStatus::Written) {
                e.push(FieldError::new(
                    "consent.status",
                    "A check on a prospective adopter needs their written consent",
                ));
            }
            let profile_count: usize = self.subjects.iter().map(|s| s.profiles.len()).sum();
            if profile_count > 1 || self.subjects.len() > 1 {
                e.push(FieldError::new("subjects", "A check on a prospective adopter may view only one profile, once"));
            }
        }
        if policy.legal_advice.required_for_parent_or_carer
            && legal_advice_reference.is_none()
            && subjects.iter().any(Subject::is_parent_or_carer)
        {
            e.push(FieldError::new(
                "legal_advice_reference",
                "Enter the reference of the legal advice: local policy requires it before viewing a parent's or carer's pages",
            ));
        }

        match (errors.is_empty(), self.reason, self.scope, self.consent.status, from, to) {
            (true, Some(reason), Some(scope), Some(status), Some(from), Some(to)) => Ok(Request {
                case_reference,
                originating_worker: Worker { name: osw_name, team: osw_team },
                team_manager: Manager { name: tm_name },
                reason,
                concern,
                triangulation,
                scope,
                monitoring_justification,
                period: Period { from, to },
                consent: Consent { status, reason: consent_reason, reference: consent_reference },
                legal_advice_reference,
                subjects,
            }),
            _ => {
                dedupe(&mut errors);
                Err(errors)
            }
        }
    }
}

fn dedupe(errors: &mut Vec<FieldError>) {
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert((e.field.clone(), e.message.clone())));
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    pub(crate) fn example() -> serde_json::Value {
        json!({
            "case_reference": "CASE-88231",
            "originating_worker": {"name": "Rhian Evans", "team": "Child Protection East"},
            "team_manager": {"name": "Gwen Thomas"},
            "reason": "misleading_information",
            "concern": "Mother says she separated from Mr Nowak in June.",
            "triangulation": "Public photos would show whether they are still together.",
            "scope": "one_off",
            "period": {"from": "2026-06-01", "to": "2026-11-20"},
            "consent": {"status": "not_sought", "reason": "Overriding public interest: risk to the child"},
            "subjects": [
                {"name": "Anna Kowalska", "aliases": ["Ania K"], "date_of_birth": "1994-02-11", "relationship": "mother", "role": "subject",
                 "profiles": [{"platform": "facebook", "url": "https://www.facebook.com/anna.kowalska.94"}]},
                {"name": "Piotr Nowak", "relationship": "mother's former partner", "role": "associate", "profiles": []},
                {"description": "An unknown man the mother is said to talk to online", "role": "suspected_associate"}
            ]
        })
    }

    fn validate(value: serde_json::Value) -> Result<Request, Vec<FieldError>> {
        RequestInput::from_json(&value.to_string()).unwrap().validate(&Policy::default(), today())
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_request_with_an_unnamed_suspect_is_valid() {
        let request = validate(example()).unwrap();
        assert_eq!(request.subjects.len(), 3);
        assert_eq!(request.subjects[2].role, SubjectRole::SuspectedAssociate);
        assert_eq!(request.subjects[2].display_name(), "An unknown man the mother is said to talk to online");
        assert!(request.subjects[0].is_parent_or_carer());
        assert!(!request.subjects[1].is_parent_or_carer(), "a mother's former partner is not a parent");
        assert!(!request.subjects[2].is_parent_or_carer());
    }

    #[test]
    fn every_field_error_is_returned_at_once() {
        let errors = validate(json!({"subjects": [{"role": "subject"}, {}]})).unwrap_err();
        let fields = fields(&errors);
        for expected in [
            "case_reference",
            "originating_worker.name",
            "originating_worker.team",
            "team_manager.name",
            "reason",
            "concern",
            "triangulation",
            "scope",
            "period.from",
            "period.to",
            "consent.status",
            "subjects[1].name",
            "subjects[2].role",
        ] {
            assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
        }
    }

    #[test]
    fn rules_between_fields_name_the_field_to_fix() {
        type Change = fn(&mut serde_json::Value);
        let cases: &[(&str, Change, &str, &str)] = &[
            (
                "dates in the wrong order",
                |v| v["period"] = json!({"from": "2026-10-01", "to": "2026-09-01"}),
                "period.to",
                "same as or after its start",
            ),
            ("not a date", |v| v["period"]["from"] = json!("31/02/2026"), "period.from", "real date"),
            (
                "future start",
                |v| v["period"] = json!({"from": "2027-01-01", "to": "2027-02-01"}),
                "period.from",
                "today or in the past",
            ),
            ("monitoring unjustified", |v| v["scope"] = json!("monitoring"), "monitoring_justification", "justified"),
            (
                "consent not sought, no reason",
                |v| v["consent"] = json!({"status": "not_sought"}),
                "consent.reason",
                "not sought",
            ),
            (
                "written consent, no reference",
                |v| v["consent"] = json!({"status": "written"}),
                "consent.reference",
                "reference",
            ),
            (
                "unnamed suspect with nothing",
                |v| v["subjects"][2] = json!({"role": "suspected_associate"}),
                "subjects[3].description",
                "name or a description",
            ),
            (
                "bad profile url",
                |v| v["subjects"][0]["profiles"][0]["url"] = json!("facebook.com/anna"),
                "subjects[1].profiles[1].url",
                "https://",
            ),
            (
                "future birth",
                |v| v["subjects"][0]["date_of_birth"] = json!("2030-01-01"),
                "subjects[1].date_of_birth",
                "in the past",
            ),
            ("no subjects", |v| v["subjects"] = json!([]), "subjects", "at least one"),
            (
                "adopter without written consent",
                |v| {
                    v["reason"] = json!("prospective_adopter");
                    v["subjects"] = json!([v["subjects"][0].clone()]);
                },
                "consent.status",
                "written consent",
            ),
            (
                "adopter with two profiles",
                |v| {
                    v["reason"] = json!("prospective_adopter");
                    v["consent"] = json!({"status": "written", "reference": "ROI-1"});
                    v["subjects"] = json!([v["subjects"][0].clone()]);
                    v["subjects"][0]["profiles"] = json!([{"platform": "facebook", "url": "https://facebook.com/a"}, {"platform": "instagram", "url": "https://instagram.com/a"}]);
                },
                "subjects",
                "only one profile",
            ),
        ];
        for (name, change, field, message) in cases {
            let mut value = example();
            change(&mut value);
            let errors = validate(value).unwrap_err();
            let error = errors.iter().find(|e| e.field == *field).unwrap_or_else(|| panic!("{name}: {errors:?}"));
            assert!(error.message.contains(message), "{name}: {}", error.message);
        }
    }

    #[test]
    fn a_prospective_adopter_with_written_consent_and_one_profile_is_valid() {
        let mut value = example();
        value["reason"] = json!("prospective_adopter");
        value["consent"] = json!({"status": "written", "reference": "Registration of interest form 2026-14"});
        value["subjects"] = json!([value["subjects"][0].clone()]);
        assert!(validate(value).is_ok());
    }

    #[test]
    fn parents_and_carers_are_read_from_the_relationship() {
        let with = |relationship: &str| Subject {
            name: Some("A".into()),
            description: None,
            aliases: vec![],
            date_of_birth: None,
            relationship: Some(relationship.into()),
            role: SubjectRole::Subject,
            profiles: vec![],
        };
        for yes in ["mother", "Birth father", "foster carer", "stepfather", "legal guardian", "maternal grandmother"] {
            assert!(with(yes).is_parent_or_carer(), "{yes}");
        }
        for no in ["mother's partner", "uncle", "neighbour", "father's brother", ""] {
            assert!(!with(no).is_parent_or_carer(), "{no}");
        }
    }

    #[test]
    fn legal_advice_is_required_for_a_parent_when_the_policy_says_so() {
        let strict = Policy::from_toml("[legal_advice]\nrequired_for_parent_or_carer = true\n").unwrap();
        let input = RequestInput::from_json(&example().to_string()).unwrap();
        let errors = input.validate(&strict, today()).unwrap_err();
        assert_eq!(fields(&errors), ["legal_advice_reference"]);
        let mut with_advice = example();
        with_advice["legal_advice_reference"] = json!("LEGAL-2026-311");
        assert!(RequestInput::from_json(&with_advice.to_string()).unwrap().validate(&strict, today()).is_ok());
    }

    #[test]
    fn unknown_keys_and_bad_enums_are_reported_on_the_file() {
        let errors = RequestInput::from_json(r#"{"case_reference": "A", "colour": "blue"}"#).unwrap_err();
        assert_eq!(errors[0].field, "file");
        assert!(errors[0].message.contains("unknown field `colour`"), "{}", errors[0].message);
        let errors = RequestInput::from_json(r#"{"reason": "curiosity"}"#).unwrap_err();
        assert!(errors[0].message.contains("line 1"), "{}", errors[0].message);
    }
}
