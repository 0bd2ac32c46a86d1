//! Field-level validation results: data, not errors, so every problem is reported at once.

use serde::Serialize;
use ts_rs::TS;

/// One problem with one field, in plain English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), message: message.into() }
    }
}

/// A date given in full as `2026-03-31`, or `None` with a problem recorded (chrono alone
/// reads "26-1-1" as the year 26). Empty text is the caller's to report.
pub fn iso_date(errors: &mut Vec<FieldError>, field: &str, label: &str, text: &str) -> Option<chrono::NaiveDate> {
    let text = text.trim();
    let full_form = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) if full_form => Some(date),
        _ => {
            errors.push(FieldError::new(
                field,
                format!("{label} must be a real date, such as 31 3 2026 (2026-03-31 in a file)"),
            ));
            None
        }
    }
}

/// Trims a required text field and checks its length; records a problem if it fails.
pub fn required_text(errors: &mut Vec<FieldError>, field: &str, label: &str, value: &str, max_chars: usize) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new(field, format!("Enter {label}")));
    } else if trimmed.chars().count() > max_chars {
        errors.push(FieldError::new(field, format!("{} must be {max_chars} characters or fewer", capitalise(label))));
    } else if trimmed.chars().any(char::is_control) {
        errors.push(FieldError::new(field, format!("{} must not contain control characters", capitalise(label))));
    }
    trimmed.to_string()
}

/// Like [`required_text`] for a field that may be left empty.
pub fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Option<String> {
    let trimmed = value.map(str::trim).filter(|v| !v.is_empty())?;
    Some(required_text(errors, field, label, trimmed, max_chars))
}

fn capitalise(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
