//! The Appendix 1 form as the worker fills it in on screen: every field as typed, dates in
//! day, month and year boxes, nothing checked. A draft keeps this shape so that nothing typed
//! is lost, however incomplete; `to_input` turns it into the request file's shape, which
//! `RequestInput::validate` checks. Field names match the validation's, so an error on
//! `period.from` belongs to the `period.from` date boxes.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::request::{
    ConsentInput, ConsentStatus, ManagerInput, PeriodInput, ProfileInput, Reason, Request, RequestInput, Scope,
    SubjectInput, SubjectRole, WorkerInput,
};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct RequestForm {
    pub case_reference: String,
    pub originating_worker: WorkerForm,
    pub team_manager: ManagerForm,
    pub reason: Option<Reason>,
    pub concern: String,
    pub triangulation: String,
    pub scope: Option<Scope>,
    pub monitoring_justification: String,
    pub period: PeriodForm,
    pub consent: ConsentForm,
    pub legal_advice_reference: String,
    pub subjects: Vec<SubjectForm>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct WorkerForm {
    pub name: String,
    pub team: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ManagerForm {
    pub name: String,
}

/// A date as typed in three boxes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct DateParts {
    pub day: String,
    pub month: String,
    pub year: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct PeriodForm {
    pub from: DateParts,
    pub to: DateParts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ConsentForm {
    pub status: Option<ConsentStatus>,
    pub reason: String,
    pub reference: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SubjectForm {
    pub role: Option<SubjectRole>,
    pub name: String,
    pub description: String,
    /// Other names, one a line.
    pub aliases: String,
    pub date_of_birth: DateParts,
    pub relationship: String,
    pub profiles: Vec<ProfileInput>,
}

fn given(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

impl DateParts {
    /// `None` when all three boxes are empty; otherwise the date in the request file's form,
    /// which validation rejects when it is not a real date.
    pub fn to_text(&self) -> Option<String> {
        let (day, month, year) = (self.day.trim(), self.month.trim(), self.year.trim());
        if day.is_empty() && month.is_empty() && year.is_empty() {
            return None;
        }
        match (day.parse::<u32>(), month.parse::<u32>(), year.parse::<i32>()) {
            (Ok(d), Ok(m), Ok(y)) if year.len() == 4 => Some(format!("{y:04}-{m:02}-{d:02}")),
            _ => Some(format!("{year}-{month}-{day}")),
        }
    }

    pub fn from_date(date: NaiveDate) -> DateParts {
        DateParts { day: date.day().to_string(), month: date.month().to_string(), year: date.year().to_string() }
    }
}

impl RequestForm {
    /// The form in the request file's shape, ready for `RequestInput::validate`.
    pub fn to_input(&self) -> RequestInput {
        RequestInput {
            case_reference: self.case_reference.clone(),
            originating_worker: WorkerInput {
                name: self.originating_worker.name.clone(),
                team: self.originating_worker.team.clone(),
            },
            team_manager: ManagerInput { name: self.team_manager.name.clone() },
            reason: self.reason,
            concern: self.concern.clone(),
            triangulation: self.triangulation.clone(),
            scope: self.scope,
            // Only monitoring needs a justification; one left over from an earlier choice is dropped.
            monitoring_justification: match self.scope {
                Some(Scope::Monitoring) => given(&self.monitoring_justification),
                _ => None,
            },
            period: PeriodInput { from: self.period.from.to_text(), to: self.period.to.to_text() },
            consent: ConsentInput {
                status: self.consent.status,
                reason: match self.consent.status {
                    Some(ConsentStatus::NotSought) => given(&self.consent.reason),
                    _ => None,
                },
                reference: match self.consent.status {
                    Some(ConsentStatus::NotSought) => None,
                    _ => given(&self.consent.reference),
                },
            },
            legal_advice_reference: given(&self.legal_advice_reference),
            subjects: self
                .subjects
                .iter()
                .map(|s| SubjectInput {
                    name: given(&s.name),
                    description: given(&s.description),
                    aliases: s.aliases.lines().filter_map(given).collect(),
                    date_of_birth: s.date_of_birth.to_text(),
                    relationship: given(&s.relationship),
                    role: s.role,
                    profiles: s
                        .profiles
                        .iter()
                        .filter(|p| given(&p.platform).is_some() || given(&p.url).is_some())
                        .cloned()
                        .collect(),
                })
                .collect(),
        }
    }

    /// The form filled in from a stored request, to change it.
    pub fn from_request(request: &Request) -> RequestForm {
        RequestForm {
            case_reference: request.case_reference.clone(),
            originating_worker: WorkerForm {
                name: request.originating_worker.name.clone(),
                team: request.originating_worker.team.clone(),
            },
            team_manager: ManagerForm { name: request.team_manager.name.clone() },
            reason: Some(request.reason),
            concern: request.concern.clone(),
            triangulation: request.triangulation.clone(),
            scope: Some(request.scope),
            monitoring_justification: request.monitoring_justification.clone().unwrap_or_default(),
            period: PeriodForm {
                from: DateParts::from_date(request.period.from),
                to: DateParts::from_date(request.period.to),
            },
            consent: ConsentForm {
                status: Some(request.consent.status),
                reason: request.consent.reason.clone().unwrap_or_default(),
                reference: request.consent.reference.clone().unwrap_or_default(),
            },
            legal_advice_reference: request.legal_advice_reference.clone().unwrap_or_default(),
            subjects: request
                .subjects
                .iter()
                .map(|s| SubjectForm {
                    role: Some(s.role),
                    name: s.name.clone().unwrap_or_default(),
                    description: s.description.clone().unwrap_or_default(),
                    aliases: s.aliases.join("\n"),
                    date_of_birth: s.date_of_birth.map(DateParts::from_date).unwrap_or_default(),
                    relationship: s.relationship.clone().unwrap_or_default(),
                    profiles: s
                        .profiles
                        .iter()
                        .map(|p| ProfileInput { platform: p.platform.clone(), url: p.url.clone() })
                        .collect(),
                })
                .collect(),
        }
    }

    /// A separate request for another person whose page was found during a check on
    /// `parent` (`reference`): the case, the workers, the reason and the period carried over,
    /// the page as the person's one profile (its platform from its address when the scope
    /// rules know it), and the concern saying where it was found. The rest is asked.
    pub fn linked(reference: &str, parent: &Request, url: &str) -> RequestForm {
        let platform = crate::scope::BUILT_IN_PLATFORMS
            .iter()
            .find(|(_, _, hosts)| crate::scope::host_on(url, hosts))
            .map(|(key, _, _)| key.to_string())
            .unwrap_or_default();
        let carried = RequestForm::from_request(parent);
        RequestForm {
            case_reference: carried.case_reference,
            originating_worker: carried.originating_worker,
            team_manager: carried.team_manager,
            reason: carried.reason,
            concern: format!(
                "During the check on request {reference}, a page was found that may belong to another person: {url}"
            ),
            period: carried.period,
            subjects: vec![SubjectForm {
                role: Some(crate::request::SubjectRole::SuspectedAssociate),
                profiles: vec![ProfileInput { platform, url: url.to_string() }],
                ..SubjectForm::default()
            }],
            ..RequestForm::default()
        }
    }

    /// A short name for lists: the case reference, or the first person's name.
    pub fn title(&self) -> String {
        given(&self.case_reference)
            .or_else(|| self.subjects.iter().find_map(|s| given(&s.name).or_else(|| given(&s.description))))
            .unwrap_or_else(|| "Untitled request".to_string())
    }
}

/// Whether every word of the query appears (ignoring case) in one of the texts; an empty
/// query matches everything.
pub fn matches_query(query: &str, texts: &[&str]) -> bool {
    let haystack = texts.join("\n").to_lowercase();
    query.split_whitespace().all(|word| haystack.contains(&word.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Policy;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn complete_form() -> RequestForm {
        RequestForm {
            case_reference: "CS-1234".into(),
            originating_worker: WorkerForm { name: "Sam Osw".into(), team: "Children in Need East".into() },
            team_manager: ManagerForm { name: "Tara Manager".into() },
            reason: Some(Reason::RiskyBehaviour),
            concern: "Reports of parties at the home".into(),
            triangulation: "Compare with the school's account".into(),
            scope: Some(Scope::OneOff),
            monitoring_justification: "left over from an earlier choice".into(),
            period: PeriodForm {
                from: DateParts { day: "1".into(), month: "9".into(), year: "2026".into() },
                to: DateParts { day: "31".into(), month: "10".into(), year: "2026".into() },
            },
            consent: ConsentForm { status: Some(ConsentStatus::Written), reason: "".into(), reference: "C-9".into() },
            legal_advice_reference: " ".into(),
            subjects: vec![
                SubjectForm {
                    role: Some(SubjectRole::Subject),
                    name: "Jane Doe".into(),
                    aliases: "JD\n\n  Janey \n".into(),
                    date_of_birth: DateParts { day: "2".into(), month: "3".into(), year: "1990".into() },
                    relationship: "mother".into(),
                    profiles: vec![
                        ProfileInput { platform: "facebook".into(), url: "https://facebook.com/jane".into() },
                        ProfileInput::default(),
                    ],
                    ..Default::default()
                },
                SubjectForm {
                    role: Some(SubjectRole::SuspectedAssociate),
                    description: "Man in the red car".into(),
                    ..Default::default()
                },
            ],
        }
    }

    #[test]
    fn a_linked_form_carries_the_case_over_and_lists_the_page_found_as_a_suspects_profile() {
        let parent = complete_form().to_input().validate(&Policy::default(), today()).unwrap();
        let linked = RequestForm::linked("REQ-2026-0004", &parent, "https://www.instagram.com/the.other.man/");
        assert_eq!(linked.case_reference, "CS-1234");
        assert_eq!(linked.team_manager.name, "Tara Manager");
        assert_eq!(linked.period, complete_form().period);
        assert!(linked.concern.contains("REQ-2026-0004") && linked.concern.contains("the.other.man"));
        assert_eq!(linked.subjects.len(), 1);
        assert_eq!(linked.subjects[0].role, Some(SubjectRole::SuspectedAssociate));
        assert_eq!(
            linked.subjects[0].profiles,
            [ProfileInput { platform: "instagram".into(), url: "https://www.instagram.com/the.other.man/".into() }]
        );
        assert_eq!(linked.consent, ConsentForm::default(), "consent is asked again, for this person");
        assert!(linked.triangulation.is_empty());
        let unknown = RequestForm::linked("REQ-2026-0004", &parent, "https://example.org/someone");
        assert_eq!(
            unknown.subjects[0].profiles[0].platform, "",
            "a site the scope rules do not know is chosen on screen"
        );
    }

    #[test]
    fn a_complete_form_validates_and_survives_the_round_trip() {
        let policy = Policy::from_toml("").unwrap();
        let request = complete_form().to_input().validate(&policy, today()).expect("valid");
        assert_eq!(request.subjects[0].aliases, ["JD", "Janey"]);
        assert_eq!(request.subjects[0].profiles.len(), 1, "an empty profile row is not a profile");
        assert_eq!(request.monitoring_justification, None);
        assert_eq!(request.legal_advice_reference, None);
        assert_eq!(request.period.from, NaiveDate::from_ymd_opt(2026, 9, 1).unwrap());
        let again = RequestForm::from_request(&request).to_input().validate(&policy, today()).expect("valid");
        assert_eq!(again, request);
    }

    #[test]
    fn dates_are_read_from_the_boxes_and_bad_ones_are_named() {
        let parts = |d: &str, m: &str, y: &str| DateParts { day: d.into(), month: m.into(), year: y.into() };
        assert_eq!(parts("", " ", "").to_text(), None);
        assert_eq!(parts("5", "1", "2026").to_text().as_deref(), Some("2026-01-05"));
        let mut form = complete_form();
        form.period.from = parts("31", "2", "2026");
        form.period.to = parts("1", "1", "26");
        let errors = form.to_input().validate(&Policy::from_toml("").unwrap(), today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["period.from", "period.to"]);
    }

    #[test]
    fn an_empty_form_names_every_missing_answer() {
        let errors = RequestForm::default().to_input().validate(&Policy::from_toml("").unwrap(), today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in ["case_reference", "reason", "scope", "period.from", "consent.status", "subjects"] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn the_title_falls_back_to_the_first_person() {
        let mut form = complete_form();
        assert_eq!(form.title(), "CS-1234");
        form.case_reference.clear();
        assert_eq!(form.title(), "Jane Doe");
        assert_eq!(RequestForm::default().title(), "Untitled request");
    }

    #[test]
    fn a_query_matches_when_every_word_appears() {
        assert!(matches_query("", &["anything"]));
        assert!(matches_query("jane cs-12", &["REQ-2026-0001", "CS-1234", "Jane Doe"]));
        assert!(!matches_query("jane smith", &["REQ-2026-0001", "CS-1234", "Jane Doe"]));
    }
}
