//! The local policy: organisation, protective marking, repeat-viewing limit, authorisation
//! term, retention and legal advice. Read from TOML; every key left out takes its embedded
//! default. A bad file is reported with its line and the reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The embedded defaults, also shipped as `assets/policy/default-policy.toml`.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../../../../assets/policy/default-policy.toml");

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub organisation: String,
    pub protective_marking: String,
    pub repeat_viewing: RepeatViewing,
    pub authorisation: AuthorisationTerms,
    pub retention: Retention,
    pub legal_advice: LegalAdvice,
    pub capture: CaptureLimits,
    pub timestamp: TimestampAuthority,
    pub home: HomeNotice,
    pub consent: ConsentRule,
    pub platforms: Platforms,
    pub viewing: Viewing,
    pub pilot: Pilot,
}

/// The pilot: its period, which reports default to, and when the longer-term re-check of a
/// check's usefulness falls due after its log is finalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pilot {
    pub starts: Option<NaiveDate>,
    pub ends: Option<NaiveDate>,
    pub recheck_months: u32,
    /// The other laptops whose pilot exports are counted: their installation keys'
    /// SHA-256 fingerprints (64 hex digits, lower case). This laptop's own key is always
    /// trusted.
    pub trusted_keys: Vec<String>,
}

/// Captures may be distressing: which open blurred, on screen, until the worker reveals one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Blur {
    /// None opens blurred.
    None,
    /// Those the worker tagged `distressing`.
    Distressing,
    /// Every capture.
    All,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Viewing {
    pub blur: Blur,
}

impl Viewing {
    /// Whether a capture with these tags opens blurred.
    pub fn blurred(&self, tags: &[String]) -> bool {
        match self.blur {
            Blur::None => false,
            Blur::All => true,
            Blur::Distressing => tags.iter().any(|t| t.trim().eq_ignore_ascii_case(DISTRESSING)),
        }
    }
}

/// The tag that marks a capture as distressing.
pub const DISTRESSING: &str = "distressing";

/// Where written consent is not obtained, whether a directed surveillance authorisation must
/// be in force for the person before a session (some councils' procedures say so).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentRule {
    pub directed_surveillance_without_written_consent: bool,
}

/// The platforms whose profiles may be checked, by the name a request gives them; and every
/// platform known: the built-in ones and those the policy defines, each with the name people
/// read and the hosts its addresses are on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platforms {
    pub allowed: Vec<String>,
    pub known: Vec<PlatformDefinition>,
}

/// As the policy file gives it: `allowed`, and `defined` for the platforms not built in.
impl Serialize for Platforms {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        #[derive(Serialize)]
        struct Defined<'a> {
            name: &'a str,
            hosts: &'a [String],
        }
        let defined: std::collections::BTreeMap<&str, Defined> = self
            .known
            .iter()
            .filter(|p| !crate::scope::BUILT_IN_PLATFORMS.iter().any(|(key, _, _)| *key == p.key))
            .map(|p| (p.key.as_str(), Defined { name: &p.name, hosts: &p.hosts }))
            .collect();
        let mut state = serializer.serialize_struct("Platforms", 2)?;
        state.serialize_field("allowed", &self.allowed)?;
        if defined.is_empty() {
            state.skip_field("defined")?;
        } else {
            state.serialize_field("defined", &defined)?;
        }
        state.end()
    }
}

/// A platform: the name a request gives it (`reddit`), the name people read ("Reddit"), and
/// the hosts its addresses are on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformDefinition {
    pub key: String,
    pub name: String,
    pub hosts: Vec<String>,
}

impl Platforms {
    /// Whether a profile on this platform may be checked (names compared without case).
    pub fn allows(&self, platform: &str) -> bool {
        let platform = platform.trim().to_lowercase();
        self.allowed.contains(&platform)
    }

    /// The platform a request names (compared without case), if it is known.
    pub fn definition(&self, platform: &str) -> Option<&PlatformDefinition> {
        let platform = platform.trim().to_lowercase();
        self.known.iter().find(|p| p.key == platform)
    }

    /// The name people read for a platform: its definition's, else the name as given.
    pub fn display_name(&self, platform: &str) -> String {
        self.definition(platform).map(|p| p.name.clone()).unwrap_or_else(|| platform.to_string())
    }

    /// The allowed platforms with their definitions, in the policy's order.
    pub fn allowed_definitions(&self) -> Vec<&PlatformDefinition> {
        self.allowed.iter().filter_map(|key| self.definition(key)).collect()
    }
}

/// What Home's "Due" panel counts as due: reviews and expiries within `notice_days`, and
/// requests with no change for more than `idle_days`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HomeNotice {
    pub notice_days: u32,
    pub idle_days: u32,
}

/// The RFC 3161 time-stamping authority that stamps each evidence bundle's manifest, and the
/// CA certificate (a PEM file; a relative path is in the data folder) its answers are checked
/// against. No URL: bundles are not timestamped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct TimestampAuthority {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_certificate: Option<String>,
}

/// How much of a page a capture keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureLimits {
    /// The tallest full-page picture taken, in CSS pixels; a taller page is cut here, and the
    /// cut is recorded.
    pub full_page_max_css_px: u32,
    /// The largest response body kept in the web archive; a larger one is recorded as missing.
    pub max_response_body_bytes: u32,
    /// The keys that capture while the session's browser has focus (modifiers and one key,
    /// joined by `+`, as `CommandOrControl+Shift+F9`).
    pub shortcut: String,
    /// A capture taken by scrolling takes at most this many screens…
    pub scroll_max_screens: u32,
    /// …and scrolls for at most this many seconds (its height is held to
    /// `full_page_max_css_px`).
    pub scroll_max_seconds: u32,
    /// How the dates of a platform's posts are found, by platform: a CSS selector of the
    /// elements holding a machine-readable date (its `datetime` attribute, else its text).
    /// A platform not named here is followed to the limits alone.
    pub date_selectors: std::collections::BTreeMap<String, String>,
}

/// Views of one person allowed within a rolling window of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RepeatViewing {
    pub max_views: u32,
    pub window_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthorisationTerms {
    pub term_months: u32,
    pub review_interval_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retention {
    /// A closed request, whole, after it was closed.
    pub request_years: u32,
    /// A capture judged not relevant, after the judgement.
    pub not_relevant_capture_days: u32,
    pub audit_years: u32,
    /// A refused or withdrawn request, whole, after the refusal or withdrawal.
    pub refused_or_withdrawn_days: u32,
    /// A capture judged relevant (its exhibit is in the care record), after the request closed.
    pub relevant_capture_days: u32,
    /// An access session's trail, after the request closed.
    pub session_trail_days: u32,
    /// A draft not changed for this long.
    pub abandoned_draft_days: u32,
    /// A request never closed and not changed for this long, whole.
    pub stalled_request_days: u32,
    /// An incident (a breach of the procedure), after it was recorded.
    pub incident_years: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalAdvice {
    pub required_for_parent_or_carer: bool,
}

/// One value of the policy in force, and whether the local `policy.toml` set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PolicyEntry {
    pub key: String,
    /// As it would be written in the file; empty when not set.
    pub value: String,
    pub from_local_file: bool,
}

impl PolicyEntry {
    fn new(key: String, value: Option<&toml::Value>, from_local_file: bool) -> PolicyEntry {
        let value = match value {
            Some(toml::Value::String(text)) => text.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        PolicyEntry { key, value, from_local_file }
    }
}

/// Why a policy file was refused: where (1-based line and column, when known) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct PolicyError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub reason: String,
}

impl PolicyError {
    fn describe(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("line {line}, column {column}: {}", self.reason),
            (Some(line), None) => format!("line {line}: {}", self.reason),
            _ => self.reason.clone(),
        }
    }
}

// The file as written: everything optional, nothing unknown.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    organisation: Option<Spanned<String>>,
    protective_marking: Option<Spanned<String>>,
    repeat_viewing: Option<RawRepeatViewing>,
    authorisation: Option<RawAuthorisation>,
    retention: Option<RawRetention>,
    legal_advice: Option<RawLegalAdvice>,
    capture: Option<RawCapture>,
    timestamp: Option<RawTimestamp>,
    home: Option<RawHome>,
    consent: Option<RawConsent>,
    platforms: Option<RawPlatforms>,
    viewing: Option<RawViewing>,
    pilot: Option<RawPilot>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPilot {
    starts: Option<Spanned<String>>,
    ends: Option<Spanned<String>>,
    recheck_months: Option<Spanned<u32>>,
    trusted_keys: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawViewing {
    blur: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConsent {
    directed_surveillance_without_written_consent: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPlatforms {
    allowed: Option<Spanned<Vec<String>>>,
    defined: Option<Spanned<std::collections::BTreeMap<String, Spanned<RawPlatformDefinition>>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlatformDefinition {
    name: Option<String>,
    hosts: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHome {
    notice_days: Option<Spanned<u32>>,
    idle_days: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTimestamp {
    url: Option<Spanned<String>>,
    ca_certificate: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCapture {
    full_page_max_css_px: Option<Spanned<u32>>,
    max_response_body_bytes: Option<Spanned<u32>>,
    shortcut: Option<Spanned<String>>,
    scroll_max_screens: Option<Spanned<u32>>,
    scroll_max_seconds: Option<Spanned<u32>>,
    date_selectors: Option<Spanned<std::collections::BTreeMap<String, String>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRepeatViewing {
    max_views: Option<Spanned<u32>>,
    window_days: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAuthorisation {
    term_months: Option<Spanned<u32>>,
    review_interval_days: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRetention {
    request_years: Option<Spanned<u32>>,
    not_relevant_capture_days: Option<Spanned<u32>>,
    audit_years: Option<Spanned<u32>>,
    refused_or_withdrawn_days: Option<Spanned<u32>>,
    relevant_capture_days: Option<Spanned<u32>>,
    session_trail_days: Option<Spanned<u32>>,
    abandoned_draft_days: Option<Spanned<u32>>,
    stalled_request_days: Option<Spanned<u32>>,
    incident_years: Option<Spanned<u32>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLegalAdvice {
    required_for_parent_or_carer: Option<bool>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::from_toml_over(&RawPolicy::default(), "").expect("the embedded default policy is valid")
    }
}

impl Policy {
    /// Parses a policy file's text; keys left out take the embedded defaults.
    /// Reads a policy file's bytes: they must be UTF-8 (a BOM is allowed), and where they are
    /// not, the error says where the first bad byte is.
    pub fn from_file_bytes(bytes: &[u8]) -> Result<Policy, PolicyError> {
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => Policy::from_toml(text),
            Err(error) => {
                let good = &bytes[..error.valid_up_to()];
                let text = std::str::from_utf8(good).expect("valid up to here");
                let line = text.matches('\n').count() + 1;
                let column = text.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
                Err(PolicyError {
                    line: Some(line),
                    column: Some(column),
                    reason: format!(
                        "the file is not UTF-8 text: byte {} (0x{:02x}) cannot be read; save it as UTF-8",
                        error.valid_up_to() + 1,
                        bytes[error.valid_up_to()]
                    ),
                })
            }
        }
    }

    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy = toml::from_str(text).map_err(|error| toml_error(text, &error))?;
        Policy::from_toml_over(&raw, text)
    }

    /// The policy as TOML, in the same shape as the file it is read from.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a policy always serialises")
    }

    /// Every value of the policy in force, by its key in the file ("repeat_viewing.max_views"),
    /// and whether the local file set it (`local` is that file's text) or it is the embedded
    /// default. In the file's order.
    pub fn entries(&self, local: Option<&str>) -> Vec<PolicyEntry> {
        let ours: toml::Table = toml::from_str(&self.to_toml()).expect("a policy reads back");
        let theirs: toml::Table = local.and_then(|text| toml::from_str(text).ok()).unwrap_or_default();
        // The embedded file's order: its keys as they come, under their sections.
        let mut section: Option<&str> = None;
        let mut entries = Vec::new();
        for line in DEFAULT_POLICY_TOML.lines().map(str::trim) {
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = Some(name);
                continue;
            }
            let Some((name, _)) = line.split_once('=').filter(|_| !line.starts_with('#')) else { continue };
            let name = name.trim();
            let (value, set) = match section {
                Some(table) => {
                    (ours.get(table).and_then(|t| t.get(name)), theirs.get(table).and_then(|t| t.get(name)).is_some())
                }
                None => (ours.get(name), theirs.contains_key(name)),
            };
            let key = section.map_or(name.to_string(), |table| format!("{table}.{name}"));
            entries.push(PolicyEntry::new(key, value, set));
        }
        entries
    }

    fn from_toml_over(raw: &RawPolicy, text: &str) -> Result<Policy, PolicyError> {
        let defaults: RawPolicy = toml::from_str(DEFAULT_POLICY_TOML).expect("the embedded default policy parses");
        let text_rule = |value: &Option<Spanned<String>>, default: &Option<Spanned<String>>, name: &str| {
            let chosen = value.as_ref().or(default.as_ref()).expect("every default is set");
            let trimmed = chosen.get_ref().trim();
            if trimmed.is_empty() {
                return Err(spanned_error(text, chosen.span(), format!("{name} must not be empty")));
            }
            if trimmed.chars().count() > 200 {
                return Err(spanned_error(text, chosen.span(), format!("{name} must be 200 characters or fewer")));
            }
            Ok(trimmed.to_string())
        };
        let number = |value: Option<&Spanned<u32>>,
                      default: Option<&Spanned<u32>>,
                      name: &str,
                      range: std::ops::RangeInclusive<u32>| {
            let chosen = value.or(default).expect("every default is set");
            let n = *chosen.get_ref();
            if !range.contains(&n) {
                let reason = format!("{name} must be between {} and {}, not {n}", range.start(), range.end());
                return Err(spanned_error(text, chosen.span(), reason));
            }
            Ok(n)
        };
        let rv = raw.repeat_viewing.as_ref();
        let drv = defaults.repeat_viewing.as_ref();
        let au = raw.authorisation.as_ref();
        let dau = defaults.authorisation.as_ref();
        let re = raw.retention.as_ref();
        let dre = defaults.retention.as_ref();
        let timestamp = timestamp_authority(raw.timestamp.as_ref(), text)?;
        let platforms = platforms(
            raw.platforms.as_ref().and_then(|p| p.allowed.as_ref()),
            raw.platforms.as_ref().and_then(|p| p.defined.as_ref()),
            defaults.platforms.as_ref().and_then(|p| p.allowed.as_ref()).expect("every default is set"),
            text,
        )?;
        let ca = raw.capture.as_ref();
        let dca = defaults.capture.as_ref();
        Ok(Policy {
            organisation: text_rule(&raw.organisation, &defaults.organisation, "organisation")?,
            protective_marking: text_rule(&raw.protective_marking, &defaults.protective_marking, "protective_marking")?,
            repeat_viewing: RepeatViewing {
                max_views: number(
                    rv.and_then(|r| r.max_views.as_ref()),
                    drv.and_then(|r| r.max_views.as_ref()),
                    "repeat_viewing.max_views",
                    1..=100,
                )?,
                window_days: number(
                    rv.and_then(|r| r.window_days.as_ref()),
                    drv.and_then(|r| r.window_days.as_ref()),
                    "repeat_viewing.window_days",
                    1..=3660,
                )?,
            },
            authorisation: AuthorisationTerms {
                term_months: number(
                    au.and_then(|r| r.term_months.as_ref()),
                    dau.and_then(|r| r.term_months.as_ref()),
                    "authorisation.term_months",
                    1..=12,
                )?,
                review_interval_days: number(
                    au.and_then(|r| r.review_interval_days.as_ref()),
                    dau.and_then(|r| r.review_interval_days.as_ref()),
                    "authorisation.review_interval_days",
                    1..=366,
                )?,
            },
            retention: Retention {
                request_years: number(
                    re.and_then(|r| r.request_years.as_ref()),
                    dre.and_then(|r| r.request_years.as_ref()),
                    "retention.request_years",
                    1..=100,
                )?,
                not_relevant_capture_days: number(
                    re.and_then(|r| r.not_relevant_capture_days.as_ref()),
                    dre.and_then(|r| r.not_relevant_capture_days.as_ref()),
                    "retention.not_relevant_capture_days",
                    0..=3660,
                )?,
                audit_years: number(
                    re.and_then(|r| r.audit_years.as_ref()),
                    dre.and_then(|r| r.audit_years.as_ref()),
                    "retention.audit_years",
                    0..=100,
                )?,
                refused_or_withdrawn_days: number(
                    re.and_then(|r| r.refused_or_withdrawn_days.as_ref()),
                    dre.and_then(|r| r.refused_or_withdrawn_days.as_ref()),
                    "retention.refused_or_withdrawn_days",
                    0..=36600,
                )?,
                relevant_capture_days: number(
                    re.and_then(|r| r.relevant_capture_days.as_ref()),
                    dre.and_then(|r| r.relevant_capture_days.as_ref()),
                    "retention.relevant_capture_days",
                    0..=36600,
                )?,
                session_trail_days: number(
                    re.and_then(|r| r.session_trail_days.as_ref()),
                    dre.and_then(|r| r.session_trail_days.as_ref()),
                    "retention.session_trail_days",
                    0..=36600,
                )?,
                abandoned_draft_days: number(
                    re.and_then(|r| r.abandoned_draft_days.as_ref()),
                    dre.and_then(|r| r.abandoned_draft_days.as_ref()),
                    "retention.abandoned_draft_days",
                    0..=36600,
                )?,
                stalled_request_days: number(
                    re.and_then(|r| r.stalled_request_days.as_ref()),
                    dre.and_then(|r| r.stalled_request_days.as_ref()),
                    "retention.stalled_request_days",
                    0..=36600,
                )?,
                incident_years: number(
                    re.and_then(|r| r.incident_years.as_ref()),
                    dre.and_then(|r| r.incident_years.as_ref()),
                    "retention.incident_years",
                    0..=100,
                )?,
            },
            legal_advice: LegalAdvice {
                required_for_parent_or_carer: raw
                    .legal_advice
                    .as_ref()
                    .and_then(|l| l.required_for_parent_or_carer)
                    .or(defaults.legal_advice.as_ref().and_then(|l| l.required_for_parent_or_carer))
                    .expect("every default is set"),
            },
            capture: CaptureLimits {
                full_page_max_css_px: number(
                    ca.and_then(|c| c.full_page_max_css_px.as_ref()),
                    dca.and_then(|c| c.full_page_max_css_px.as_ref()),
                    "capture.full_page_max_css_px",
                    1_000..=2_000_000,
                )?,
                max_response_body_bytes: number(
                    ca.and_then(|c| c.max_response_body_bytes.as_ref()),
                    dca.and_then(|c| c.max_response_body_bytes.as_ref()),
                    "capture.max_response_body_bytes",
                    1_024..=200_000_000,
                )?,
                shortcut: shortcut(
                    ca.and_then(|c| c.shortcut.as_ref()),
                    dca.and_then(|c| c.shortcut.as_ref()).expect("every default is set"),
                    text,
                )?,
                scroll_max_screens: number(
                    ca.and_then(|c| c.scroll_max_screens.as_ref()),
                    dca.and_then(|c| c.scroll_max_screens.as_ref()),
                    "capture.scroll_max_screens",
                    1..=5_000,
                )?,
                scroll_max_seconds: number(
                    ca.and_then(|c| c.scroll_max_seconds.as_ref()),
                    dca.and_then(|c| c.scroll_max_seconds.as_ref()),
                    "capture.scroll_max_seconds",
                    5..=3_600,
                )?,
                date_selectors: date_selectors(
                    ca.and_then(|c| c.date_selectors.as_ref()),
                    dca.and_then(|c| c.date_selectors.as_ref()).expect("every default is set"),
                    text,
                )?,
            },
            timestamp,
            home: HomeNotice {
                notice_days: number(
                    raw.home.as_ref().and_then(|h| h.notice_days.as_ref()),
                    defaults.home.as_ref().and_then(|h| h.notice_days.as_ref()),
                    "home.notice_days",
                    0..=90,
                )?,
                idle_days: number(
                    raw.home.as_ref().and_then(|h| h.idle_days.as_ref()),
                    defaults.home.as_ref().and_then(|h| h.idle_days.as_ref()),
                    "home.idle_days",
                    1..=365,
                )?,
            },
            consent: ConsentRule {
                directed_surveillance_without_written_consent: raw
                    .consent
                    .as_ref()
                    .and_then(|c| c.directed_surveillance_without_written_consent)
                    .or(defaults.consent.as_ref().and_then(|c| c.directed_surveillance_without_written_consent))
                    .expect("every default is set"),
            },
            platforms,
            viewing: Viewing {
                blur: blur(
                    raw.viewing.as_ref().and_then(|v| v.blur.as_ref()),
                    defaults.viewing.as_ref().and_then(|v| v.blur.as_ref()).expect("every default is set"),
                    text,
                )?,
            },
            pilot: {
                let rp = raw.pilot.as_ref();
                let dp = defaults.pilot.as_ref();
                let starts = pilot_date(
                    rp.and_then(|p| p.starts.as_ref()),
                    dp.and_then(|p| p.starts.as_ref()),
                    "pilot.starts",
                    text,
                )?;
                let ends =
                    pilot_date(rp.and_then(|p| p.ends.as_ref()), dp.and_then(|p| p.ends.as_ref()), "pilot.ends", text)?;
                if let (Some(s), Some(e), Some(span)) =
                    (starts, ends, rp.and_then(|p| p.ends.as_ref()).map(|e| e.span()))
                    && e < s
                {
                    return Err(spanned_error(text, span, "pilot.ends must not be before pilot.starts".into()));
                }
                Pilot {
                    starts,
                    ends,
                    recheck_months: number(
                        rp.and_then(|p| p.recheck_months.as_ref()),
                        dp.and_then(|p| p.recheck_months.as_ref()),
                        "pilot.recheck_months",
                        1..=36,
                    )?,
                    trusted_keys: trusted_keys(
                        rp.and_then(|p| p.trusted_keys.as_ref()),
                        dp.and_then(|p| p.trusted_keys.as_ref()).expect("every default is set"),
                        text,
                    )?,
                }
            },
        })
    }
}

/// The fingerprints of the laptops' keys whose pilot exports are counted: each the SHA-256
/// of an installation's public key, 64 hex digits; kept in lower case, each once.
fn trusted_keys(
    given: Option<&Spanned<Vec<String>>>,
    default: &Spanned<Vec<String>>,
    text: &str,
) -> Result<Vec<String>, PolicyError> {
    let (list, span, text) = match given {
        Some(list) => (list.get_ref(), list.span(), text),
        None => (default.get_ref(), default.span(), ""),
    };
    let mut keys: Vec<String> = Vec::new();
    for key in list {
        let key = key.trim().to_ascii_lowercase();
        if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(spanned_error(
                text,
                span,
                format!(
                    "pilot.trusted_keys names {key:?}, which is not a key's fingerprint: give the 64 hex digits a laptop's pilot export names"
                ),
            ));
        }
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    Ok(keys)
}

/// A pilot date: `YYYY-MM-DD`, or empty for none.
fn pilot_date(
    given: Option<&Spanned<String>>,
    default: Option<&Spanned<String>>,
    name: &str,
    text: &str,
) -> Result<Option<NaiveDate>, PolicyError> {
    let (value, span, text) = match given {
        Some(value) => (value.get_ref(), value.span(), text),
        None => match default {
            Some(value) => (value.get_ref(), value.span(), ""),
            None => return Ok(None),
        },
    };
    if value.trim().is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map(Some).map_err(|_| {
        spanned_error(
            text,
            span,
            format!("{name} is {value:?}: it must be a date such as \"2026-09-01\", or \"\" for none"),
        )
    })
}

fn blur(given: Option<&Spanned<String>>, default: &Spanned<String>, text: &str) -> Result<Blur, PolicyError> {
    let (value, span, text) = match given {
        Some(value) => (value.get_ref(), value.span(), text),
        None => (default.get_ref(), default.span(), ""),
    };
    match value.trim() {
        "none" => Ok(Blur::None),
        "distressing" => Ok(Blur::Distressing),
        "all" => Ok(Blur::All),
        other => Err(spanned_error(
            text,
            span,
            format!("viewing.blur is {other:?}: it must be \"none\", \"distressing\" or \"all\""),
        )),
    }
}

/// Modifiers a capture shortcut may use, as the desktop's shortcut parser names them.
const SHORTCUT_MODIFIERS: &[&str] =
    &["CommandOrControl", "CmdOrCtrl", "Control", "Ctrl", "Shift", "Alt", "Option", "Super", "Command", "Cmd"];

/// A capture shortcut: at least one modifier (or a function key alone), then one letter,
/// digit or function key. A key the browser uses without a modifier would be taken from it.
pub fn valid_shortcut(text: &str) -> bool {
    let parts: Vec<&str> = text.split('+').map(str::trim).collect();
    let Some((key, modifiers)) = parts.split_last() else { return false };
    let function_key =
        key.len() >= 2 && key.starts_with(['F', 'f']) && key[1..].parse::<u8>().is_ok_and(|n| (1..=24).contains(&n));
    let plain_key = key.len() == 1 && key.chars().all(|c| c.is_ascii_alphanumeric());
    let modifiers_known = modifiers.iter().all(|m| SHORTCUT_MODIFIERS.iter().any(|k| k.eq_ignore_ascii_case(m)));
    modifiers_known && (function_key || (plain_key && !modifiers.is_empty()))
}

/// The platforms' date selectors: each platform named in lower case, each selector a
/// single line of no more than 200 characters.
fn date_selectors(
    given: Option<&Spanned<std::collections::BTreeMap<String, String>>>,
    default: &Spanned<std::collections::BTreeMap<String, String>>,
    text: &str,
) -> Result<std::collections::BTreeMap<String, String>, PolicyError> {
    let Some(given) = given else { return Ok(default.get_ref().clone()) };
    let mut selectors = std::collections::BTreeMap::new();
    for (platform, selector) in given.get_ref() {
        let name = platform.trim().to_lowercase();
        let selector = selector.trim();
        if name.is_empty()
            || selector.is_empty()
            || selector.chars().count() > 200
            || selector.chars().any(char::is_control)
        {
            return Err(spanned_error(
                text,
                given.span(),
                format!(
                    "capture.date_selectors.{platform} must be a CSS selector on one line of 1 to 200 characters, as \"time[datetime]\""
                ),
            ));
        }
        selectors.insert(name, selector.to_string());
    }
    Ok(selectors)
}

fn shortcut(given: Option<&Spanned<String>>, default: &Spanned<String>, text: &str) -> Result<String, PolicyError> {
    let (value, span, text) = match given {
        Some(value) => (value.get_ref(), value.span(), text),
        None => (default.get_ref(), default.span(), ""),
    };
    if !valid_shortcut(value) {
        return Err(spanned_error(
            text,
            span,
            format!(
                "capture.shortcut {value:?} is not a shortcut: give modifiers and one letter, digit or function key joined by +, as \"CommandOrControl+Shift+F9\""
            ),
        ));
    }
    Ok(value.trim().to_string())
}

/// The platforms: the built-in ones and those the policy defines (each a key of lower-case
/// letters, digits and `-`, a name people read, and at least one host); the allowed ones at
/// least one, each known, none twice. Left out, the allowed ones are the defaults' and every
/// platform the policy defines.
fn platforms(
    given: Option<&Spanned<Vec<String>>>,
    defined: Option<&Spanned<std::collections::BTreeMap<String, Spanned<RawPlatformDefinition>>>>,
    default: &Spanned<Vec<String>>,
    text: &str,
) -> Result<Platforms, PolicyError> {
    let mut known: Vec<PlatformDefinition> = crate::scope::BUILT_IN_PLATFORMS
        .iter()
        .map(|(key, name, hosts)| PlatformDefinition {
            key: key.to_string(),
            name: name.to_string(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
        })
        .collect();
    let mut own = Vec::new();
    for (key, definition) in defined.map(|d| d.get_ref().iter().collect::<Vec<_>>()).unwrap_or_default() {
        let span = definition.span();
        let fail = |reason: String| Err(spanned_error(text, span.clone(), reason));
        let valid_key = !key.is_empty()
            && key.len() <= 30
            && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_key {
            return fail(format!(
                "platforms.defined.{key} is not a name a request can give: use 1 to 30 lower-case letters, digits and -, as \"localforum\""
            ));
        }
        if crate::scope::BUILT_IN_PLATFORMS.iter().any(|(built_in, _, _)| built_in == key) {
            return fail(format!("platforms.defined.{key}: {key} is built in and cannot be defined again"));
        }
        let definition = definition.get_ref();
        let name = definition.name.as_deref().map(str::trim).unwrap_or_default();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            return fail(format!(
                "platforms.defined.{key}.name must be the name people read, on one line of 1 to 60 characters, as \"Reading Community Forum\""
            ));
        }
        let hosts = definition.hosts.clone().unwrap_or_default();
        if hosts.is_empty() {
            return fail(format!(
                "platforms.defined.{key}.hosts must name at least one host its addresses are on, as [\"forum.example.org\"]"
            ));
        }
        let mut clean = Vec::new();
        for host in hosts {
            let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
            if !valid_host_name(&host) {
                return fail(format!(
                    "platforms.defined.{key}.hosts names {host:?}, which is not a host name: give it without https:// or a path, as \"forum.example.org\""
                ));
            }
            if !clean.contains(&host) {
                clean.push(host);
            }
        }
        own.push(key.clone());
        known.push(PlatformDefinition { key: key.clone(), name: name.to_string(), hosts: clean });
    }
    let (list, span, text) = match given {
        Some(list) => (list.get_ref().clone(), list.span(), text),
        None => (default.get_ref().iter().cloned().chain(own).collect(), default.span(), ""),
    };
    let mut allowed = Vec::new();
    for name in list {
        let name = name.trim().to_lowercase();
        if !known.iter().any(|p| p.key == name) {
            let keys: Vec<&str> = known.iter().map(|p| p.key.as_str()).collect();
            return Err(spanned_error(
                text,
                span,
                format!(
                    "platforms.allowed names {name:?}, which is not a platform Triangulate knows ({}); define it under [platforms.defined.{name}] with its name and hosts",
                    keys.join(", ")
                ),
            ));
        }
        if !allowed.contains(&name) {
            allowed.push(name);
        }
    }
    if allowed.is_empty() {
        return Err(spanned_error(text, span, "platforms.allowed must name at least one platform".into()));
    }
    Ok(Platforms { allowed, known })
}

/// A host name as an address gives it: labels of letters, digits and `-`, at least two.
fn valid_host_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The TSA: an http or https URL and a CA certificate, both or neither.
fn timestamp_authority(raw: Option<&RawTimestamp>, text: &str) -> Result<TimestampAuthority, PolicyError> {
    let given = |value: Option<&Spanned<String>>| {
        value.filter(|v| !v.get_ref().trim().is_empty()).map(|v| (v.get_ref().trim().to_string(), v.span()))
    };
    let url = given(raw.and_then(|r| r.url.as_ref()));
    let ca = given(raw.and_then(|r| r.ca_certificate.as_ref()));
    match (url, ca) {
        (None, None) => Ok(TimestampAuthority::default()),
        (Some((url, span)), ca) => {
            let scheme_ok = ["http://", "https://"].iter().any(|s| url.to_ascii_lowercase().starts_with(s));
            if !scheme_ok || url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(spanned_error(
                    text,
                    span,
                    "timestamp.url must be the time-stamping authority's http:// or https:// address".into(),
                ));
            }
            let Some((ca, _)) = ca else {
                return Err(spanned_error(
                    text,
                    span,
                    "timestamp.ca_certificate must name the CA certificate (PEM) the authority's answers are checked against".into(),
                ));
            };
            Ok(TimestampAuthority { url: Some(url), ca_certificate: Some(ca) })
        }
        (None, Some((_, span))) => Err(spanned_error(
            text,
            span,
            "timestamp.ca_certificate is set but timestamp.url is not: name the time-stamping authority too".into(),
        )),
    }
}

fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn spanned_error(text: &str, span: std::ops::Range<usize>, reason: String) -> PolicyError {
    if text.is_empty() {
        // A default value broke a rule: there is no file position to give.
        return PolicyError { line: None, column: None, reason };
    }
    let (line, column) = line_and_column(text, span.start);
    PolicyError { line: Some(line), column: Some(column), reason }
}

fn toml_error(text: &str, error: &toml::de::Error) -> PolicyError {
    let reason = error.message().trim().to_string();
    match error.span() {
        Some(span) => spanned_error(text, span, reason),
        None => PolicyError { line: None, column: None, reason },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_utf8_says_where_its_bad_byte_is() {
        let error =
            Policy::from_file_bytes(b"organisation = \"Cyngor\"\nprotective_marking = \"OFF\xffICIAL\"\n").unwrap_err();
        assert_eq!((error.line, error.column), (Some(2), Some(26)));
        assert!(error.reason.contains("not UTF-8"), "{}", error.reason);
        let bom = [&[0xef, 0xbb, 0xbf][..], b"organisation = \"Cyngor\"\n"].concat();
        assert_eq!(Policy::from_file_bytes(&bom).unwrap().organisation, "Cyngor");
    }

    #[test]
    fn embedded_defaults_follow_the_local_policy() {
        let policy = Policy::default();
        assert_eq!(policy.protective_marking, "OFFICIAL-SENSITIVE");
        assert_eq!(policy.repeat_viewing, RepeatViewing { max_views: 2, window_days: 30 });
        assert_eq!(policy.authorisation.term_months, 3);
        assert!(!policy.legal_advice.required_for_parent_or_carer);
    }

    #[test]
    fn a_timestamp_authority_is_optional_and_reads_back() {
        assert_eq!(Policy::default().timestamp, TimestampAuthority::default());
        let text = "[timestamp]\nurl = \" http://tsa.example/tsr \"\nca_certificate = \"tsa-ca.pem\"\n";
        let policy = Policy::from_toml(text).unwrap();
        assert_eq!(policy.timestamp.url.as_deref(), Some("http://tsa.example/tsr"));
        assert_eq!(policy.timestamp.ca_certificate.as_deref(), Some("tsa-ca.pem"));
        assert_eq!(Policy::from_toml(&policy.to_toml()).unwrap(), policy);
        assert_eq!(Policy::from_toml("[timestamp]\nurl = \"\"\n").unwrap().timestamp, TimestampAuthority::default());
    }

    #[test]
    fn each_value_in_force_says_whether_the_local_file_set_it() {
        let local = "organisation = \"Cyngor Sir\"\n[repeat_viewing]\nmax_views = 3\n";
        let policy = Policy::from_toml(local).unwrap();
        let entries = policy.entries(Some(local));
        let find = |key: &str| entries.iter().find(|e| e.key == key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(entries[0].key, "organisation", "in the file's order");
        assert_eq!((find("organisation").value.as_str(), find("organisation").from_local_file), ("Cyngor Sir", true));
        assert_eq!(
            (find("repeat_viewing.max_views").value.as_str(), find("repeat_viewing.max_views").from_local_file),
            ("3", true)
        );
        assert_eq!(
            (find("repeat_viewing.window_days").value.as_str(), find("repeat_viewing.window_days").from_local_file),
            ("30", false)
        );
        assert_eq!(find("timestamp.url").value, "", "no authority by default");
        assert!(Policy::default().entries(None).iter().all(|e| !e.from_local_file));
    }

    #[test]
    fn the_allowed_platforms_and_the_consent_switch_have_defaults_and_can_be_set() {
        let policy = Policy::default();
        assert!(!policy.consent.directed_surveillance_without_written_consent);
        assert_eq!(policy.platforms.allowed.len(), crate::scope::KNOWN_PLATFORMS.len(), "every platform known");
        let pilot = Policy::from_toml(
            "[platforms]\nallowed = [\"Facebook\"]\n[consent]\ndirected_surveillance_without_written_consent = true\n",
        )
        .unwrap();
        assert_eq!(pilot.platforms.allowed, ["facebook"]);
        assert!(pilot.platforms.allows(" FACEBOOK ") && !pilot.platforms.allows("instagram"));
        assert!(pilot.consent.directed_surveillance_without_written_consent);
        assert_eq!(Policy::from_toml(&pilot.to_toml()).unwrap(), pilot);
    }

    #[test]
    fn the_policy_defines_platforms_with_the_names_people_read_and_their_hosts() {
        let text = "[platforms.defined.localforum]\nname = \"Reading Community Forum\"\nhosts = [\"Forum.Example.org.\", \"forum.example.org\", \"talk.example.net\"]\n";
        let policy = Policy::from_toml(text).unwrap();
        let forum = policy.platforms.definition("LocalForum").expect("defined");
        assert_eq!(forum.name, "Reading Community Forum");
        assert_eq!(forum.hosts, ["forum.example.org", "talk.example.net"], "lower case, once each, no final dot");
        // Left out, the allowed ones are the defaults' and the defined one, offered in that order.
        assert!(policy.platforms.allows("localforum") && policy.platforms.allows("reddit"));
        let offered: Vec<&str> = policy.platforms.allowed_definitions().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(offered.first(), Some(&"Facebook"));
        assert_eq!(offered.last(), Some(&"Reading Community Forum"));
        assert_eq!(policy.platforms.display_name("x"), "X (Twitter)");
        // Shown and read back, it is the same policy; the built-in ones are not written out.
        let shown = policy.to_toml();
        assert!(shown.contains("localforum") && !shown.contains("defined.reddit"), "{shown}");
        assert_eq!(Policy::from_toml(&shown).unwrap(), policy);
        // Named in `allowed`, only what is named is allowed.
        let only = Policy::from_toml(&format!("[platforms]\nallowed = [\"localforum\"]\n{text}")).unwrap();
        assert_eq!(only.platforms.allowed, ["localforum"]);
        assert!(!only.platforms.allows("facebook"));
    }

    #[test]
    fn scrolling_limits_and_date_selectors_have_defaults_and_bad_ones_are_line_numbered_errors() {
        let default = Policy::default().capture;
        assert_eq!((default.scroll_max_screens, default.scroll_max_seconds), (400, 300));
        assert_eq!(default.date_selectors.get("x").map(String::as_str), Some("time[datetime]"));
        assert_eq!(default.date_selectors.get("facebook"), None, "no way known: the limits alone");
        let set = Policy::from_toml(
            "[capture]\nscroll_max_screens = 12\ndate_selectors = { Fixture = \" article time \" }\n",
        )
        .unwrap();
        assert_eq!(set.capture.scroll_max_screens, 12);
        assert_eq!(set.capture.date_selectors.len(), 1, "the local table replaces the default one");
        assert_eq!(set.capture.date_selectors["fixture"], "article time");
        let error = Policy::from_toml("[capture]\nscroll_max_screens = 0\n").unwrap_err().to_string();
        assert!(error.contains("line 2") && error.contains("scroll_max_screens must be between 1 and 5000"), "{error}");
        let error = Policy::from_toml("[capture]\n\ndate_selectors = { x = \"\" }\n").unwrap_err().to_string();
        assert!(
            error.contains("line 3") && error.contains("capture.date_selectors.x must be a CSS selector"),
            "{error}"
        );
    }

    #[test]
    fn the_capture_shortcut_has_a_default_and_a_bad_one_is_a_line_numbered_error() {
        assert_eq!(Policy::default().capture.shortcut, "CommandOrControl+Shift+F9");
        let set = Policy::from_toml("[capture]\nshortcut = \"Ctrl+Alt+K\"\n").unwrap();
        assert_eq!(set.capture.shortcut, "Ctrl+Alt+K");
        for good in ["F9", "Shift+F12", "CommandOrControl+Shift+7", "super+k"] {
            assert!(valid_shortcut(good), "{good}");
        }
        for bad in ["K", "Ctrl+", "Ctrl+Shift", "Hyper+K", "Ctrl+F25", "Ctrl+Enter", "", "Ctrl+K+L"] {
            assert!(!valid_shortcut(bad), "{bad}");
        }
        let error = Policy::from_toml("organisation = \"X\"\n[capture]\nshortcut = \"K\"\n").unwrap_err().to_string();
        assert!(error.contains("line 3") && error.contains("capture.shortcut \"K\" is not a shortcut"), "{error}");
    }

    #[test]
    fn the_pilot_period_is_optional_dates_and_its_end_is_not_before_its_start() {
        let default = Policy::default().pilot;
        assert_eq!((default.starts, default.ends, default.recheck_months), (None, None, 6));
        let set = Policy::from_toml("[pilot]\nstarts = \"2026-09-01\"\nends = \"2027-02-28\"\n").unwrap().pilot;
        assert_eq!(set.starts, NaiveDate::from_ymd_opt(2026, 9, 1));
        assert_eq!(set.ends, NaiveDate::from_ymd_opt(2027, 2, 28));
        let error = Policy::from_toml("[pilot]\nstarts = \"1 Sept\"\n").unwrap_err().to_string();
        assert!(error.contains("line 2") && error.contains("pilot.starts is \"1 Sept\""), "{error}");
        let error =
            Policy::from_toml("[pilot]\nstarts = \"2026-09-01\"\nends = \"2026-08-01\"\n").unwrap_err().to_string();
        assert!(error.contains("line 3") && error.contains("must not be before"), "{error}");
        assert!(Policy::from_toml("[pilot]\nrecheck_months = 0\n").is_err());
        assert!(default.trusted_keys.is_empty(), "no other laptop is trusted unless listed");
        let key = "AB".repeat(32);
        let listed = Policy::from_toml(&format!("[pilot]\ntrusted_keys = [\" {key} \", \"{key}\"]\n")).unwrap();
        assert_eq!(listed.pilot.trusted_keys, ["ab".repeat(32)], "lower case, each once");
        assert_eq!(Policy::from_toml(&listed.to_toml()).unwrap(), listed);
        let entry = listed.entries(Some(&format!("[pilot]\ntrusted_keys = [\"{key}\"]\n")));
        let entry = entry.iter().find(|e| e.key == "pilot.trusted_keys").unwrap();
        assert!(entry.from_local_file && entry.value.contains(&"ab".repeat(32)), "{entry:?}");
        let error = Policy::from_toml("[pilot]\ntrusted_keys = [\"laptop-7\"]\n").unwrap_err().to_string();
        assert!(error.contains("line 2") && error.contains("not a key's fingerprint"), "{error}");
    }

    #[test]
    fn captures_open_blurred_as_the_policy_says() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let default = Policy::default().viewing;
        assert_eq!(default.blur, Blur::Distressing);
        assert!(default.blurred(&tags(&["photos", " Distressing "])));
        assert!(!default.blurred(&tags(&["photos"])));
        let all = Policy::from_toml("[viewing]\nblur = \"all\"\n").unwrap().viewing;
        assert!(all.blurred(&[]));
        let none = Policy::from_toml("[viewing]\nblur = \"none\"\n").unwrap().viewing;
        assert!(!none.blurred(&tags(&["distressing"])));
        let error = Policy::from_toml("[viewing]\nblur = \"some\"\n").unwrap_err().to_string();
        assert!(error.contains("line 2") && error.contains("viewing.blur is \"some\""), "{error}");
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(Policy::from_toml("").unwrap(), Policy::default());
    }

    #[test]
    fn keys_given_override_defaults_and_the_rest_stay() {
        let policy =
            Policy::from_toml("organisation = \"Wakefield Council\"\n[repeat_viewing]\nmax_views = 3\n").unwrap();
        assert_eq!(policy.organisation, "Wakefield Council");
        assert_eq!(policy.repeat_viewing.max_views, 3);
        assert_eq!(policy.repeat_viewing.window_days, 30);
        assert_eq!(policy.protective_marking, "OFFICIAL-SENSITIVE");
    }

    #[test]
    fn shown_policy_reads_back_as_the_same_policy() {
        let policy = Policy::from_toml("[legal_advice]\nrequired_for_parent_or_carer = true\n").unwrap();
        assert_eq!(Policy::from_toml(&policy.to_toml()).unwrap(), policy);
    }

    #[test]
    fn bad_files_name_their_line_and_reason() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "organisation = \"A\"\n\n[repeat_viewing]\nmax_views = 0\n",
                4,
                "repeat_viewing.max_views must be between 1 and 100, not 0",
            ),
            ("[repeat_viewing]\nwindow_days = -3\n", 2, "invalid value"),
            ("[retention]\nrequest_years = \"six\"\n", 2, "invalid type"),
            ("organisation = \"A\"\nprotective_marking = \"\"\n", 2, "protective_marking must not be empty"),
            ("organisation = \"A\"\ncolour = \"blue\"\n", 2, "unknown field `colour`"),
            ("organisation = \"A\n", 1, ""),
            ("[authorisation]\nterm_months = 24\n", 2, "authorisation.term_months must be between 1 and 12, not 24"),
            ("[timestamp]\nurl = \"ftp://tsa.example\"\nca_certificate = \"ca.pem\"\n", 2, "http:// or https://"),
            ("[timestamp]\nurl = \"http://tsa.example\"\n", 2, "timestamp.ca_certificate must name"),
            ("[timestamp]\nca_certificate = \"ca.pem\"\n", 2, "timestamp.url is not"),
            ("[platforms]\nallowed = [\"myspace\"]\n", 2, "not a platform Triangulate knows"),
            ("[platforms]\nallowed = []\n", 2, "at least one platform"),
            ("[platforms.defined.Forum]\nname = \"F\"\nhosts = [\"f.example\"]\n", 1, "not a name a request can give"),
            ("[platforms.defined.reddit]\nname = \"R\"\nhosts = [\"r.example\"]\n", 1, "reddit is built in"),
            ("[platforms.defined.forum]\nhosts = [\"f.example\"]\n", 1, "platforms.defined.forum.name must be"),
            ("[platforms.defined.forum]\nname = \"Forum\"\n", 1, "platforms.defined.forum.hosts must name at least one host"),
            (
                "[platforms.defined.forum]\nname = \"Forum\"\nhosts = [\"https://f.example/x\"]\n",
                1,
                "names \"https://f.example/x\", which is not a host name",
            ),
            ("[platforms.defined.forum]\nname = \"Forum\"\nhosts = [\"f.example\"]\ncolour = 1\n", 4, "unknown field `colour`"),
        ];
        for (text, line, reason) in cases {
            let error = Policy::from_toml(text).expect_err(text);
            assert_eq!(error.line, Some(*line), "{text:?} gave {error}");
            assert!(error.reason.contains(reason), "{text:?} gave {error}");
            assert!(error.to_string().starts_with(&format!("line {line}")), "{error}");
        }
    }
}
