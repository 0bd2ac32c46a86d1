//! Appendix 1, the investigation request: the file a social worker fills in, and its
//! validation. Validation returns every field error at once, in plain English; nothing is
//! written when any fails.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::policy::Policy;
use crate::validation::json::{self, JsonForm};
use crate::validation::{
    FieldError, optional_paragraphs, optional_text, required_paragraphs, required_text, web_address_text,
};

pub use crate::validation::MAX_URL_CHARS;

/// The largest request file read, in bytes (4 MiB).
pub const MAX_REQUEST_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The most people one request may check.
pub const MAX_SUBJECTS: usize = 50;
/// The most profiles listed for one person.
pub const MAX_PROFILES_PER_SUBJECT: usize = 50;
/// The most other names (aliases) listed for one person.
pub const MAX_ALIASES_PER_SUBJECT: usize = 50;

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

/// Checked after [`web_address_text`] has refused control and invisible characters, which the
/// parser would otherwise drop without a word.
pub fn valid_profile_url(url: &str) -> bool {
    match url::Url::parse(url) {
        Ok(parsed) => matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some_and(|h| h.contains('.')),
        Err(_) => false,
    }
}

/// How the request file is read: its choices' values are called reasons, scopes, kinds of
/// consent and roles in messages.
const REQUEST_FILE: JsonForm =
    JsonForm { file: "request file", max_bytes: MAX_REQUEST_FILE_BYTES, values_called: request_values_called };

fn request_values_called(field: &str) -> &'static str {
    match field.rsplit('.').next().unwrap_or(field) {
        "reason" if field == "reason" => "reasons",
        "scope" => "scopes",
        "status" => "kinds of consent",
        "role" => "roles",
        _ => "values",
    }
}

/// The request's top-level fields in the form's order, to list problems in that order.
const FIELD_ORDER: [&str; 13] = [
    "file",
    "case_reference",
    "originating_worker",
    "team_manager",
    "reason",
    "concern",
    "triangulation",
    "scope",
    "monitoring_justification",
    "period",
    "consent",
    "legal_advice_reference",
    "subjects",
];

/// Where a problem on `field` comes in the form: its top-level field, then the numbers of
/// the list items in its name (`subjects[2].profiles[1].url` is in person 2, profile 1).
fn form_order(field: &str) -> (usize, Vec<usize>) {
    let top = field.split(['.', '[']).next().unwrap_or(field);
    let rank = FIELD_ORDER.iter().position(|f| *f == top).unwrap_or(FIELD_ORDER.len());
    let numbers = field.split('[').skip(1).filter_map(|part| part.split(']').next()?.parse().ok()).collect();
    (rank, numbers)
}

/// Whether `field` is `parent` or one of the fields within it.
fn is_within(field: &str, parent: &str) -> bool {
    field.strip_prefix(parent).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

impl RequestInput {
    /// Reads the request file's JSON (a leading byte-order mark is allowed), every problem
    /// with its fields at once: a value of the wrong type (`Must be text, not a number`), a
    /// value a choice does not know, and a field the form does not have are each a
    /// [`FieldError`] on the field, and the value is left out (as if not given) so that the
    /// rest of the file is still read. `Ok` holds what could be read and those problems, to
    /// pass to [`RequestInput::validate_with`] (or use [`RequestInput::validate_json`]).
    ///
    /// `Err` only when nothing can be read: one error on `file` when the text is larger than
    /// [`MAX_REQUEST_FILE_BYTES`], is not valid JSON or gives a field twice (with the line and
    /// column), or is not a `{ … }` of fields; or, with the problems found so far, when there
    /// are too many problems to list.
    pub fn from_json(text: &str) -> Result<(RequestInput, Vec<FieldError>), Vec<FieldError>> {
        json::read(text, &REQUEST_FILE)
    }

    /// The request file's text read and validated: every problem at once, those found
    /// reading it and those found validating it, or the validated request.
    pub fn validate_json(text: &str, policy: &Policy, today: NaiveDate) -> Result<Request, Vec<FieldError>> {
        let (input, read_errors) = RequestInput::from_json(text)?;
        input.validate_with(read_errors, policy, today)
    }

    /// [`RequestInput::validate`], reporting with its problems those found reading the file
    /// (from [`RequestInput::from_json`]). A field that could not be read is reported once:
    /// validation's "Enter …" or "Select …" for it, or for a field within it, is left out.
    /// With any problem reading, the problems are listed in the form's order.
    pub fn validate_with(
        &self,
        read_errors: Vec<FieldError>,
        policy: &Policy,
        today: NaiveDate,
    ) -> Result<Request, Vec<FieldError>> {
        let validated = self.validate(policy, today);
        if read_errors.is_empty() {
            return validated;
        }
        let validation_errors: Vec<FieldError> = validated
            .err()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| !read_errors.iter().any(|r| is_within(&e.field, &r.field)))
            .collect();
        let mut errors = read_errors;
        errors.extend(validation_errors);
        errors.sort_by_key(|e| form_order(&e.field));
        Err(errors)
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
        let concern = required_paragraphs(e, "concern", "the concern", &self.concern, 5000);
        let triangulation = required_paragraphs(
            e,
            "triangulation",
            "how the check triangulates the concern",
            &self.triangulation,
            5000,
        );
        let monitoring_justification = optional_paragraphs(
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

        let consent_reason = optional_paragraphs(
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
        if self.subjects.len() > MAX_SUBJECTS {
            e.push(FieldError::new(
                "subjects",
                format!("A request can check at most {MAX_SUBJECTS} people; this one lists {}", self.subjects.len()),
            ));
        }
        // Past the limit, people are not checked one by one: the count is the problem.
        for (index, input) in self.subjects.iter().enumerate().take(MAX_SUBJECTS) {
            let at = |field: &str| format!("subjects[{}].{field}", index + 1);
            let number = index + 1;
            let name =
                optional_text(e, &at("name"), &format!("the name of person {number}"), input.name.as_deref(), 200);
            let description = optional_paragraphs(
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
            if input.aliases.len() > MAX_ALIASES_PER_SUBJECT {
                e.push(FieldError::new(
                    at("aliases"),
                    format!(
                        "Person {number} can have at most {MAX_ALIASES_PER_SUBJECT} other names; this request lists {}",
                        input.aliases.len()
                    ),
                ));
            }
            let mut aliases = Vec::new();
            for (alias_index, alias) in input.aliases.iter().enumerate().take(MAX_ALIASES_PER_SUBJECT) {
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
            if input.profiles.len() > MAX_PROFILES_PER_SUBJECT {
                e.push(FieldError::new(
                    at("profiles"),
                    format!(
                        "Person {number} can have at most {MAX_PROFILES_PER_SUBJECT} profiles; this request lists {}",
                        input.profiles.len()
                    ),
                ));
            }
            let mut profiles = Vec::new();
            for (profile_index, profile) in input.profiles.iter().enumerate().take(MAX_PROFILES_PER_SUBJECT) {
                let field = |f: &str| format!("subjects[{number}].profiles[{}].{f}", profile_index + 1);
                let platform =
                    required_text(e, &field("platform"), "the platform", &profile.platform, 50).to_lowercase();
                if !platform.is_empty() && !policy.platforms.allows(&platform) {
                    e.push(FieldError::new(
                        field("platform"),
                        format!(
                            "Profiles on {platform} may not be checked: the local policy allows {}",
                            policy.platforms.allowed.join(", ")
                        ),
                    ));
                }
                let url = web_address_text(e, &field("url"), "the profile's web address", &profile.url);
                if url.as_deref().is_some_and(|url| !valid_profile_url(url)) {
                    e.push(FieldError::new(
                        field("url"),
                        "The profile's web address must start with https:// or http:// and name a site",
                    ));
                } else if let (Some(url), Some(on)) = (url.as_deref(), policy.platforms.definition(&platform))
                    && !crate::scope::address_on_hosts(url, &on.hosts)
                {
                    e.push(FieldError::new(
                        field("url"),
                        format!(
                            "The profile's web address is not on {}: its addresses are on {}. Check the address, or choose the platform it is on",
                            on.name,
                            on.hosts.join(" or ")
                        ),
                    ));
                }
                profiles.push(Profile { platform, url: url.unwrap_or_default() });
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
        RequestInput::validate_json(&value.to_string(), &Policy::default(), today())
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
    fn a_profile_must_be_at_an_address_on_its_platform_and_a_policy_can_define_a_platform() {
        let with = |platform: &str, url: &str, policy: &Policy| {
            let mut value = example();
            value["subjects"][0]["profiles"] = json!([{ "platform": platform, "url": url }]);
            RequestInput::validate_json(&value.to_string(), policy, today())
        };
        let default = Policy::default();
        let errors = with("reddit", "https://www.facebook.com/anna.k", &default).unwrap_err();
        assert_eq!(fields(&errors), ["subjects[1].profiles[1].url"], "{errors:?}");
        assert!(errors[0].message.contains("not on Reddit: its addresses are on reddit.com"), "{}", errors[0].message);
        // A subdomain of the platform's host, another of its hosts, and a page on this computer.
        assert!(with("reddit", "https://old.reddit.com/user/anna", &default).is_ok());
        assert!(with("x", "https://twitter.com/anna", &default).is_ok());
        assert!(with("facebook", "http://127.0.0.1:8080/profile/anna", &default).is_ok());
        // A look-alike host is not the platform's.
        assert!(with("reddit", "https://reddit.com.example.org/user/anna", &default).is_err());
        assert!(with("reddit", "https://notreddit.com/user/anna", &default).is_err());
        // A platform outside the built-in list: refused until the policy defines it.
        let errors = with("localforum", "https://forum.example.org/u/anna", &default).unwrap_err();
        assert!(errors.iter().any(|e| e.field == "subjects[1].profiles[1].platform"), "{errors:?}");
        let council = Policy::from_toml(
            "[platforms.defined.localforum]\nname = \"Reading Community Forum\"\nhosts = [\"forum.example.org\"]\n",
        )
        .unwrap();
        assert!(with("localforum", "https://forum.example.org/u/anna", &council).is_ok());
        let errors = with("localforum", "https://www.facebook.com/anna.k", &council).unwrap_err();
        assert!(errors[0].message.contains("not on Reading Community Forum"), "{}", errors[0].message);
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
        let (input, read_errors) = RequestInput::from_json(&example().to_string()).unwrap();
        assert!(read_errors.is_empty());
        let errors = input.validate(&strict, today()).unwrap_err();
        assert_eq!(fields(&errors), ["legal_advice_reference"]);
        let mut with_advice = example();
        with_advice["legal_advice_reference"] = json!("LEGAL-2026-311");
        assert!(RequestInput::validate_json(&with_advice.to_string(), &strict, today()).is_ok());
    }

    fn message<'e>(errors: &'e [FieldError], field: &str) -> &'e str {
        let mut found = errors.iter().filter(|e| e.field == field);
        let error = found.next().unwrap_or_else(|| panic!("no error on {field}: {errors:?}"));
        assert!(found.next().is_none(), "{field} is reported more than once: {errors:?}");
        &error.message
    }

    #[test]
    fn unknown_values_wrong_types_and_unknown_keys_are_field_errors_reported_with_validation() {
        let mut value = example();
        value["reason"] = json!("curiosity");
        value["case_reference"] = json!(12345);
        value["colour"] = json!("blue");
        value["concern"] = json!("");
        value["consent"]["status"] = json!("verbal");
        value["subjects"][0]["aliases"] = json!("Ania K");
        value["subjects"][0]["nickname"] = json!("Ania");
        value["subjects"][1]["role"] = json!("boss");
        value["subjects"][0]["profiles"][0]["url"] = json!({"href": "https://facebook.com/anna"});
        let errors = validate(value).unwrap_err();
        assert_eq!(
            message(&errors, "reason"),
            "\"curiosity\" is not one of the reasons this form knows: misleading_information, \
             abusive_adult_relationship, risky_behaviour, person_posing_risk, tracing, prospective_adopter, other"
        );
        assert_eq!(message(&errors, "case_reference"), "Must be text, not a number");
        assert_eq!(message(&errors, "colour"), "This form has no field called \"colour\"");
        assert_eq!(message(&errors, "subjects[1].nickname"), "This form has no field called \"nickname\"");
        assert_eq!(message(&errors, "subjects[1].aliases"), "Must be a list in [ ], not text");
        assert_eq!(
            message(&errors, "subjects[1].profiles[1].url"),
            "Must be text, not a group of fields in { }",
            "no \"Enter the profile's web address\" as well"
        );
        assert!(message(&errors, "consent.status").contains("\"verbal\" is not one of the kinds of consent"));
        assert!(message(&errors, "subjects[2].role").contains("not one of the roles this form knows: subject,"));
        assert_eq!(message(&errors, "concern"), "Enter the concern", "validation's errors come too");
        assert_eq!(
            fields(&errors),
            [
                "case_reference",
                "reason",
                "concern",
                "consent.status",
                "subjects[1].aliases",
                "subjects[1].nickname",
                "subjects[1].profiles[1].url",
                "subjects[2].role",
                "colour",
            ],
            "each once, in the form's order, unknown fields last"
        );
    }

    #[test]
    fn from_json_returns_what_it_could_read_with_the_problems() {
        let (input, errors) =
            RequestInput::from_json(r#"{"case_reference": "CASE-1", "scope": 1, "reason": "tracing"}"#).unwrap();
        assert_eq!(input.case_reference, "CASE-1");
        assert_eq!(input.reason, Some(Reason::Tracing));
        assert_eq!(input.scope, None);
        assert_eq!(
            errors,
            [FieldError::new(
                "scope",
                "Must be text, not a number: one of the scopes this form knows: one_off, monitoring"
            )]
        );
        let (_, errors) = RequestInput::from_json(&example().to_string()).unwrap();
        assert!(errors.is_empty());
    }

    #[test]
    fn a_wrong_kind_of_value_is_named_whatever_its_kind() {
        let cases = [
            (json!({"subjects": {"name": "Anna"}}), "subjects", "Must be a list in [ ], not a group of fields in { }"),
            (
                json!({"originating_worker": ["Rhian Evans", "Child Protection East"]}),
                "originating_worker",
                "Must be a group of fields in { }, not a list in [ ]",
            ),
            (json!({"period": {"from": true}}), "period.from", "Must be text, not true or false"),
            (json!({"legal_advice_reference": 7.5}), "legal_advice_reference", "Must be text, not a number"),
        ];
        for (value, field, expected) in cases {
            let errors = validate(value).unwrap_err();
            assert_eq!(message(&errors, field), expected);
        }
    }

    #[test]
    fn a_bad_list_item_keeps_the_numbers_of_the_items_after_it() {
        let mut value = example();
        value["subjects"][0] = json!("Anna Kowalska");
        value["subjects"][2]["role"] = json!("suspect");
        value["subjects"][1]["aliases"] = json!(["Piotr N", 7, "  "]);
        let errors = validate(value).unwrap_err();
        assert_eq!(message(&errors, "subjects[1]"), "Must be a group of fields in { }, not text");
        assert!(!fields(&errors).iter().any(|f| f.starts_with("subjects[1].")), "{errors:?}");
        assert_eq!(message(&errors, "subjects[2].aliases[2]"), "Must be text, not a number");
        assert_eq!(message(&errors, "subjects[2].aliases[3]"), "Enter the alias");
        assert!(message(&errors, "subjects[3].role").starts_with("\"suspect\" is not one of the roles"));
    }

    #[test]
    fn null_is_as_good_as_leaving_a_field_out() {
        let mut value = example();
        value["concern"] = json!(null);
        value["subjects"][0]["profiles"] = json!(null);
        value["legal_advice_reference"] = json!(null);
        let errors = validate(value).unwrap_err();
        assert_eq!(errors, [FieldError::new("concern", "Enter the concern")]);
    }

    #[test]
    fn syntax_errors_and_fields_given_twice_are_one_error_on_the_file() {
        let errors = RequestInput::from_json("{\n  \"reason\": \"tracing\",\n  \"reason\": \"other\"\n}").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "file");
        assert!(errors[0].message.contains("line 3"), "{}", errors[0].message);
        assert!(errors[0].message.contains("\"reason\" is given twice"), "{}", errors[0].message);
        let errors =
            RequestInput::from_json("{\"subjects\": [{\"role\": \"subject\", \"role\": \"associate\"}]}").unwrap_err();
        assert!(errors[0].message.contains("\"role\" is given twice"), "{}", errors[0].message);
        let errors = RequestInput::from_json("{\"reason\": \"tracing\",}").unwrap_err();
        assert_eq!(fields(&errors), ["file"]);
        assert!(errors[0].message.contains("line 1, column"), "{}", errors[0].message);
        let errors = RequestInput::from_json("[\"not a form\"]").unwrap_err();
        assert_eq!(fields(&errors), ["file"]);
        assert!(errors[0].message.contains("between { and }"), "{}", errors[0].message);
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_allowed() {
        let text = format!("\u{FEFF}{}", example());
        assert!(RequestInput::validate_json(&text, &Policy::default(), today()).is_ok());
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
        let mut text = example().to_string();
        text.push_str(&" ".repeat(MAX_REQUEST_FILE_BYTES + 1 - text.len()));
        let errors = RequestInput::from_json(&text).unwrap_err();
        assert_eq!(fields(&errors), ["file"]);
        assert!(errors[0].message.contains("too large"), "{}", errors[0].message);
        assert!(errors[0].message.contains(&MAX_REQUEST_FILE_BYTES.to_string()), "{}", errors[0].message);
        text.pop();
        assert!(RequestInput::from_json(&text).is_ok(), "exactly at the limit is read");
    }

    #[test]
    fn a_hostile_key_or_value_is_quoted_back_escaped_and_short() {
        let mut value = example();
        value["col\u{202E}our\u{1b}[2J"] = json!(1);
        value["reason"] = json!(format!("{}\u{2066}", "x".repeat(500)));
        let errors = validate(value).unwrap_err();
        for error in &errors {
            assert!(
                !error.field.chars().chain(error.message.chars()).any(|c| c.is_control() || crate::is_invisible(c)),
                "{error:?}"
            );
        }
        assert_eq!(
            message(&errors, "col\\u{202e}our\\u{1b}[2J"),
            "This form has no field called \"col\\u{202e}our\\u{1b}[2J\""
        );
        assert!(message(&errors, "reason").chars().count() < 300, "{}", message(&errors, "reason"));
    }

    #[test]
    fn a_file_with_too_many_problems_to_list_says_so() {
        let mut value = example();
        for n in 0..500 {
            value[format!("extra_{n}")] = json!(n);
        }
        let errors = RequestInput::from_json(&value.to_string()).unwrap_err();
        let last = errors.last().unwrap();
        assert_eq!(last.field, "file");
        assert!(last.message.contains("too many problems"), "{}", last.message);
        assert!(errors.len() <= 101, "{}", errors.len());
    }

    #[test]
    fn too_many_people_profiles_or_aliases_are_refused_by_count() {
        let mut value = example();
        value["subjects"] = json!(vec![value["subjects"][1].clone(); MAX_SUBJECTS + 1]);
        let errors = validate(value).unwrap_err();
        assert!(message(&errors, "subjects").contains("at most 50 people; this one lists 51"));
        assert!(!fields(&errors).iter().any(|f| f.starts_with("subjects[51]")), "{errors:?}");

        let mut value = example();
        let profile = json!({"platform": "facebook", "url": "https://facebook.com/a"});
        value["subjects"][0]["profiles"] = json!(vec![profile; MAX_PROFILES_PER_SUBJECT + 1]);
        value["subjects"][0]["aliases"] = json!(vec!["A"; MAX_ALIASES_PER_SUBJECT + 1]);
        let errors = validate(value).unwrap_err();
        assert_eq!(
            message(&errors, "subjects[1].profiles"),
            "Person 1 can have at most 50 profiles; this request lists 51"
        );
        assert_eq!(
            message(&errors, "subjects[1].aliases"),
            "Person 1 can have at most 50 other names; this request lists 51"
        );

        let mut value = example();
        value["subjects"] = json!(vec![value["subjects"][1].clone(); MAX_SUBJECTS]);
        value["subjects"][0]["profiles"] =
            json!(vec![json!({"platform": "x", "url": "https://x.com/a"}); MAX_PROFILES_PER_SUBJECT]);
        value["subjects"][0]["aliases"] = json!(vec!["A"; MAX_ALIASES_PER_SUBJECT]);
        assert!(validate(value).is_ok(), "exactly at the limits is allowed");
    }

    #[test]
    fn a_huge_number_of_people_is_refused_without_checking_each() {
        let input = RequestInput {
            subjects: vec![SubjectInput { role: None, ..Default::default() }; 400_000],
            ..RequestInput::from_json(&example().to_string()).unwrap().0
        };
        let errors = input.validate(&Policy::default(), today()).unwrap_err();
        assert!(message(&errors, "subjects").contains("this one lists 400000"));
        assert_eq!(errors.iter().filter(|e| e.field.ends_with(".role")).count(), MAX_SUBJECTS);
    }

    #[test]
    fn a_web_address_over_the_length_limit_is_refused() {
        let mut value = example();
        let url =
            |length: usize| format!("https://facebook.com/{}", "a".repeat(length - "https://facebook.com/".len()));
        value["subjects"][0]["profiles"][0]["url"] = json!(url(MAX_URL_CHARS + 1));
        let errors = validate(value.clone()).unwrap_err();
        assert_eq!(
            message(&errors, "subjects[1].profiles[1].url"),
            "The profile's web address must be 2048 characters or fewer"
        );
        value["subjects"][0]["profiles"][0]["url"] = json!(url(MAX_URL_CHARS));
        assert!(validate(value).is_ok());
    }

    #[test]
    fn control_and_invisible_characters_in_a_profile_address_are_refused() {
        let controls = ["\u{1b}", "\u{7}", "\r", "\n", "\t", "\u{7f}", "\u{85}", "\u{9b}", "\u{0}"];
        let invisible = ["\u{200B}", "\u{200D}", "\u{2060}", "\u{FEFF}", "\u{AD}", "\u{200F}", "\u{202E}", "\u{2066}"];
        for (characters, expected) in [(&controls[..], "control characters"), (&invisible[..], "invisible characters")]
        {
            for c in characters {
                for url in [format!("https://www.face{c}book.com/anna"), format!("https://www.facebook.com/anna{c}")] {
                    let mut value = example();
                    value["subjects"][0]["profiles"][0]["url"] = json!(url);
                    let errors = validate(value).unwrap_err();
                    let found = message(&errors, "subjects[1].profiles[1].url");
                    assert!(found.contains(expected), "{url:?}: {found}");
                }
            }
        }
    }

    #[test]
    fn names_of_invisible_characters_alone_are_blank_and_reversing_text_is_refused() {
        let mut value = example();
        value["subjects"][0]["name"] = json!("\u{200B}\u{200B} \u{FEFF}");
        value["case_reference"] = json!("\u{2060}\u{00AD}");
        value["subjects"][1]["relationship"] = json!("uncle \u{202E}rehtom");
        let errors = validate(value).unwrap_err();
        assert_eq!(message(&errors, "subjects[1].name"), "Enter the name of person 1");
        assert_eq!(message(&errors, "case_reference"), "Enter the case reference");
        assert!(message(&errors, "subjects[2].relationship").contains("reverse the direction"));
        let mut value = example();
        value["subjects"][0]["name"] = json!("محمد الأحمد");
        value["subjects"][1]["name"] = json!("אנה כהן");
        assert!(validate(value).is_ok(), "right-to-left names are names");
    }

    #[test]
    fn the_free_text_fields_take_paragraphs_and_the_others_stay_on_one_line() {
        let mut value = example();
        value["scope"] = json!("monitoring");
        value["concern"] =
            json!("  Mother says they separated.  \r\n\r\n\r\n\r\nNeighbours disagree.\rSo does the school.\n\n");
        value["triangulation"] = json!("Photos.\nCheck-ins.");
        value["monitoring_justification"] = json!("Pattern over months.\n\nNot one event.");
        value["consent"]["reason"] = json!("Risk to the child.\nTipping her off.");
        value["subjects"][2]["description"] = json!("An unknown man.\nDrives a red car.");
        let request = validate(value).unwrap();
        assert_eq!(request.concern, "Mother says they separated.\n\nNeighbours disagree.\nSo does the school.");
        assert_eq!(request.triangulation, "Photos.\nCheck-ins.");
        assert_eq!(request.monitoring_justification.as_deref(), Some("Pattern over months.\n\nNot one event."));
        assert_eq!(request.consent.reason.as_deref(), Some("Risk to the child.\nTipping her off."));
        assert_eq!(request.subjects[2].description.as_deref(), Some("An unknown man.\nDrives a red car."));

        let mut value = example();
        value["concern"] = json!("Column one\tcolumn two");
        value["case_reference"] = json!("CASE\n88231");
        value["subjects"][0]["name"] = json!("Anna\nKowalska");
        let errors = validate(value).unwrap_err();
        assert_eq!(
            message(&errors, "concern"),
            "The concern must not contain tabs or other control characters; line breaks are allowed"
        );
        assert!(message(&errors, "case_reference").contains("control characters"));
        assert!(message(&errors, "subjects[1].name").contains("control characters"));
    }
}
