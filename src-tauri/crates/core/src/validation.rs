//! Field-level validation results: data, not errors, so every problem is reported at once.
//!
//! Text fields come in two kinds. Single-line fields (names, references, platforms) go through
//! [`required_text`]/[`optional_text`] and refuse every control character; free-text fields
//! (a concern, a note, an assessment) go through [`required_paragraphs`]/[`optional_paragraphs`],
//! which allow line breaks and tidy them. Both treat a value made only of spaces and invisible
//! characters as empty, and both refuse the characters that reverse the direction of the text
//! after them on screen. Web addresses go through [`web_address_text`].

use serde::Serialize;
use ts_rs::TS;

/// The longest web address accepted, in characters.
pub const MAX_URL_CHARS: usize = 2048;

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

/// Whether `c` takes no space on screen: zero-width spaces and joiners, the word joiner and
/// invisible operators, the byte-order mark, the soft hyphen, the Mongolian vowel separator,
/// and the marks and controls of text direction (LRM, RLM, ALM, embeddings, overrides and
/// isolates). Text made only of these and spaces is empty; output that shows text typed by
/// someone else can use this to make such characters visible.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Whether `c` is a bidirectional embedding, override or isolate control (U+202A–U+202E,
/// U+2066–U+2069): it changes the direction of the text after it on screen, so that what is
/// shown is not what was typed. Right-to-left letters (Arabic, Hebrew) are not these.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether the text is empty once spaces and invisible characters are ignored.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| c.is_whitespace() || is_invisible(c))
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

/// Trims a required single-line text field and checks it: not blank (spaces and invisible
/// characters alone are blank), no longer than `max_chars`, no control characters (line
/// breaks and tabs included) and no characters that reverse the text's direction. Records
/// the first problem found.
pub fn required_text(errors: &mut Vec<FieldError>, field: &str, label: &str, value: &str, max_chars: usize) -> String {
    let trimmed = value.trim();
    if is_blank(trimmed) {
        errors.push(FieldError::new(field, format!("Enter {label}")));
    } else if trimmed.chars().count() > max_chars {
        errors.push(too_long(field, label, max_chars));
    } else if trimmed.chars().any(char::is_control) {
        errors.push(FieldError::new(field, format!("{} must not contain control characters", capitalise(label))));
    } else if trimmed.chars().any(is_bidi_control) {
        errors.push(reversing(field, label));
    }
    trimmed.to_string()
}

/// Like [`required_text`] for a field that may be left empty: blank text is `None`.
pub fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Option<String> {
    let value = value.filter(|v| !is_blank(v))?;
    Some(required_text(errors, field, label, value, max_chars))
}

/// Free text that may run to several paragraphs, tidied: every line break (CRLF or a lone CR)
/// becomes LF, spaces at the end of each line and blank lines around the text are removed,
/// the text is trimmed, and a run of blank lines between paragraphs becomes one blank line.
/// Then checked like [`required_text`], except that line breaks are allowed; tabs and every
/// other control character are not. `max_chars` counts the tidied text.
pub fn required_paragraphs(
    errors: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: &str,
    max_chars: usize,
) -> String {
    let text = tidy_paragraphs(value);
    if is_blank(&text) {
        errors.push(FieldError::new(field, format!("Enter {label}")));
    } else if text.chars().count() > max_chars {
        errors.push(too_long(field, label, max_chars));
    } else if text.chars().any(|c| c != '\n' && c.is_control()) {
        errors.push(FieldError::new(
            field,
            format!("{} must not contain tabs or other control characters; line breaks are allowed", capitalise(label)),
        ));
    } else if text.chars().any(is_bidi_control) {
        errors.push(reversing(field, label));
    }
    text
}

/// Like [`required_paragraphs`] for a field that may be left empty: blank text is `None`.
pub fn optional_paragraphs(
    errors: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Option<String> {
    let value = value.filter(|v| !is_blank(v))?;
    Some(required_paragraphs(errors, field, label, value, max_chars))
}

fn tidy_paragraphs(value: &str) -> String {
    let unified = value.replace("\r\n", "\n").replace('\r', "\n");
    let mut text = String::with_capacity(unified.len());
    let mut blank_before = false;
    for line in unified.trim().split('\n').map(str::trim_end) {
        if line.is_empty() {
            blank_before = true;
            continue;
        }
        if !text.is_empty() {
            text.push_str(if blank_before { "\n\n" } else { "\n" });
        }
        text.push_str(line);
        blank_before = false;
    }
    text
}

/// The raw text of a web address checked before it is read as one (a URL parser drops tabs
/// and line breaks without a word): not empty, at most [`MAX_URL_CHARS`] characters, and no
/// control or invisible characters anywhere, even at the ends. `Some(trimmed text)` when it
/// may go on to be parsed; `None` with the problem recorded.
pub fn web_address_text(errors: &mut Vec<FieldError>, field: &str, label: &str, value: &str) -> Option<String> {
    let trimmed = value.trim_matches(' ');
    let problem = if trimmed.is_empty() {
        format!("Enter {label}")
    } else if trimmed.chars().count() > MAX_URL_CHARS {
        format!("{} must be {MAX_URL_CHARS} characters or fewer", capitalise(label))
    } else if value.chars().any(char::is_control) {
        format!("{} must not contain control characters, such as tabs or line breaks", capitalise(label))
    } else if value.chars().any(is_invisible) {
        format!(
            "{} must not contain invisible characters, such as zero-width spaces or text-direction marks",
            capitalise(label)
        )
    } else {
        return Some(value.trim().to_string());
    };
    errors.push(FieldError::new(field, problem));
    None
}

fn too_long(field: &str, label: &str, max_chars: usize) -> FieldError {
    FieldError::new(field, format!("{} must be {max_chars} characters or fewer", capitalise(label)))
}

fn reversing(field: &str, label: &str) -> FieldError {
    FieldError::new(
        field,
        format!(
            "{} must not contain hidden characters that reverse the direction of the text after them",
            capitalise(label)
        ),
    )
}

fn capitalise(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Reading a form from a JSON file so that every mistake in it is reported at once: a value
/// of the wrong type, a value a choice does not know and a field the form does not have are
/// each a [`FieldError`] on the field, named as validation names it (`subjects[2].role`:
/// lists are numbered from 1), and the rest of the file is still read and validated.
pub(crate) mod json {
    use std::collections::HashMap;
    use std::fmt;

    use serde::de::value::{MapDeserializer, SeqDeserializer};
    use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
    use serde::{Deserialize, forward_to_deserialize_any};
    use serde_json::{Map, Value};

    use super::FieldError;

    /// How many times a file is read again, each time without the value that stopped the
    /// reading before, before giving up.
    const MAX_ROUNDS: usize = 200;
    /// How many bytes of JSON may be read in all, over all the rounds: a large file gets fewer
    /// rounds, so that a file of many problems cannot keep the reader busy for long.
    const MAX_BYTES_READ: usize = 16 * 1024 * 1024;
    /// How many problems are listed before giving up.
    const MAX_PROBLEMS: usize = 100;
    /// How much of a value a worker typed is quoted back in a message.
    const MAX_QUOTED_CHARS: usize = 60;

    /// What a file holds and how its choices are named in messages.
    pub(crate) struct JsonForm {
        /// "request file", for "The request file is not valid".
        pub file: &'static str,
        pub max_bytes: usize,
        /// What the allowed values of the choice at a field are called ("reasons"), from
        /// the field's name.
        pub values_called: fn(field: &str) -> &'static str,
    }

    /// `Err` only when nothing can be read: the text is too long, is not JSON (a syntax error
    /// or a field given twice, reported with its line and column), is not a `{ … }` of
    /// fields, or has too many problems to list. Otherwise the form as far as it could be
    /// read, each unreadable value left out (as if not given), with the problems found.
    pub(crate) fn read<T: DeserializeOwned>(
        text: &str,
        form: &JsonForm,
    ) -> Result<(T, Vec<FieldError>), Vec<FieldError>> {
        let file_error = |message: String| vec![FieldError::new("file", message)];
        if text.len() > form.max_bytes {
            let mib = match form.max_bytes % (1024 * 1024) {
                0 => format!(" ({} MiB)", form.max_bytes / (1024 * 1024)),
                _ => String::new(),
            };
            return Err(file_error(format!(
                "The {} is too large: it is {} bytes, and it may be at most {} bytes{mib}",
                form.file,
                text.len(),
                form.max_bytes
            )));
        }
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let mut value = parse_strict(text).map_err(|e| {
            file_error(format!(
                "The {} is not valid: line {}, column {}: {}",
                form.file,
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            ))
        })?;
        if !value.is_object() {
            return Err(file_error(format!(
                "The {} must hold the form's fields between {{ and }}, not {}",
                form.file,
                kind_of(&value)
            )));
        }

        let mut problems: Vec<FieldError> = Vec::new();
        let mut placeholders_tried: HashMap<Vec<Step>, usize> = HashMap::new();
        let rounds = (MAX_BYTES_READ / text.len().max(1)).clamp(2, MAX_ROUNDS);
        for _ in 0..rounds {
            let error = match serde_path_to_error::deserialize::<_, T>(ValueDeserializer(&value)) {
                Ok(read) => return Ok((read, problems)),
                Err(error) => error,
            };
            let path: Option<Vec<Step>> = error
                .path()
                .iter()
                .map(|segment| match segment {
                    serde_path_to_error::Segment::Map { key } => Some(Step::Key(key.clone())),
                    serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
                    _ => None,
                })
                .collect();
            let problem = error.into_inner();
            let unreadable = |mut problems: Vec<FieldError>| {
                problems.push(FieldError::new("file", format!("The {} cannot be read: {problem}", form.file)));
                problems
            };
            let Some(path) = path else { return Err(unreadable(problems)) };
            let Some((last, parent_path)) = path.split_last() else { return Err(unreadable(problems)) };
            let field = field_name(&path);
            let message = match (value_at(&mut value, parent_path), last) {
                (Some(Value::Object(fields)), Step::Key(key)) => match (fields.remove(key), &problem) {
                    (None, _) => None,
                    (Some(_), Problem::UnknownField(name)) => {
                        Some(Some(format!("This form has no field called {}", quoted(name))))
                    }
                    // `null` is as good as leaving the field out.
                    (Some(Value::Null), Problem::WrongType { .. }) => Some(None),
                    (Some(found), _) => Some(Some(problem.message(&found, (form.values_called)(&field)))),
                },
                (Some(Value::Array(items)), Step::Index(index)) if *index < items.len() => {
                    // An item of a list is replaced, not removed, so that the items after it
                    // keep their numbers: by an empty item of whichever kind the list takes.
                    let tried = placeholders_tried.entry(path.clone()).or_insert(0);
                    PLACEHOLDERS.get(*tried).map(|placeholder| {
                        let message =
                            (*tried == 0).then(|| problem.message(&items[*index], (form.values_called)(&field)));
                        *tried += 1;
                        items[*index] = placeholder();
                        message
                    })
                }
                _ => None,
            };
            match message {
                None => return Err(unreadable(problems)),
                Some(Some(message)) if !problems.iter().any(|p| p.field == field) => {
                    problems.push(FieldError::new(field, message))
                }
                Some(_) => {}
            }
            if problems.len() >= MAX_PROBLEMS {
                break;
            }
        }
        problems.push(FieldError::new(
            "file",
            format!("The {} has too many problems to list them all: correct these and try again", form.file),
        ));
        Err(problems)
    }

    const PLACEHOLDERS: [fn() -> Value; 3] =
        [|| Value::Object(Map::new()), || Value::String(String::new()), || Value::Array(Vec::new())];

    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    enum Step {
        Key(String),
        Index(usize),
    }

    /// `subjects[2].profiles[1].url`; a key the form does not know is shown escaped and cut short.
    fn field_name(path: &[Step]) -> String {
        let mut name = String::new();
        for step in path {
            match step {
                Step::Key(key) => {
                    if !name.is_empty() {
                        name.push('.');
                    }
                    name.push_str(&escaped(key));
                }
                Step::Index(index) => name.push_str(&format!("[{}]", index + 1)),
            }
        }
        name
    }

    fn value_at<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
        path.iter().try_fold(value, |value, step| match (value, step) {
            (Value::Object(fields), Step::Key(key)) => fields.get_mut(key),
            (Value::Array(items), Step::Index(index)) => items.get_mut(*index),
            _ => None,
        })
    }

    /// What kind of value a worker gave, in the words of the messages.
    fn kind_of(value: &Value) -> &'static str {
        match value {
            Value::Null => "empty (null)",
            Value::Bool(_) => "true or false",
            Value::Number(_) => "a number",
            Value::String(_) => "text",
            Value::Array(_) => "a list in [ ]",
            Value::Object(_) => "a group of fields in { }",
        }
    }

    /// Text a worker typed, quoted for a message: control and invisible characters escaped,
    /// so that a message cannot hide or reverse what follows it, and long text cut short.
    fn quoted(text: &str) -> String {
        format!("\"{}\"", escaped(text))
    }

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        for (count, c) in text.chars().enumerate() {
            if count == MAX_QUOTED_CHARS {
                out.push('…');
                break;
            }
            if c.is_control() || super::is_invisible(c) || c == '"' || c == '\\' {
                out.extend(c.escape_debug());
            } else {
                out.push(c);
            }
        }
        out
    }

    fn strip_position(message: &str) -> String {
        match message.rfind(" at line ") {
            Some(index) => message[..index].to_string(),
            None => message.to_string(),
        }
    }

    /// The kind of value a field takes, in the words of the messages.
    #[derive(Debug, Clone, Copy)]
    enum Kind {
        Text,
        Number,
        TrueOrFalse,
        List,
        Group,
    }

    impl Kind {
        fn words(self) -> &'static str {
            match self {
                Kind::Text => "text",
                Kind::Number => "a number",
                Kind::TrueOrFalse => "true or false",
                Kind::List => "a list in [ ]",
                Kind::Group => "a group of fields in { }",
            }
        }
    }

    /// Why a value could not be read, as found while reading it.
    #[derive(Debug)]
    enum Problem {
        UnknownField(String),
        UnknownValue {
            value: String,
            allowed: &'static [&'static str],
        },
        /// `allowed` is the choice's values when the field is a choice.
        WrongType {
            expected: Kind,
            allowed: &'static [&'static str],
        },
        Other(String),
    }

    impl Problem {
        fn message(&self, found: &Value, values_called: &str) -> String {
            match self {
                Problem::UnknownField(name) => format!("This form has no field called {}", quoted(name)),
                Problem::UnknownValue { value, allowed } => format!(
                    "{} is not one of the {values_called} this form knows: {}",
                    quoted(value),
                    allowed.join(", ")
                ),
                Problem::WrongType { expected, allowed: [] } => {
                    format!("Must be {}, not {}", expected.words(), kind_of(found))
                }
                Problem::WrongType { expected, allowed } => format!(
                    "Must be {}, not {}: one of the {values_called} this form knows: {}",
                    expected.words(),
                    kind_of(found),
                    allowed.join(", ")
                ),
                Problem::Other(message) => format!("This value cannot be read: {message}"),
            }
        }
    }

    impl fmt::Display for Problem {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Problem::UnknownField(name) => write!(f, "there is no field called {}", quoted(name)),
                Problem::UnknownValue { value, .. } => write!(f, "{} is not a value this form knows", quoted(value)),
                Problem::WrongType { expected, .. } => write!(f, "a value must be {}", expected.words()),
                Problem::Other(message) => f.write_str(message),
            }
        }
    }

    impl std::error::Error for Problem {}

    impl de::Error for Problem {
        fn custom<T: fmt::Display>(message: T) -> Self {
            Problem::Other(message.to_string())
        }

        fn unknown_field(field: &str, _expected: &'static [&'static str]) -> Self {
            Problem::UnknownField(field.to_string())
        }

        fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
            Problem::UnknownValue { value: variant.to_string(), allowed: expected }
        }
    }

    /// Parses JSON refusing a key given twice in one `{ }`, which would otherwise silently
    /// keep the last; errors carry their line and column.
    fn parse_strict(text: &str) -> Result<Value, serde_json::Error> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let StrictValue(value) = StrictValue::deserialize(&mut deserializer)?;
        deserializer.end()?;
        Ok(value)
    }

    struct StrictValue(Value);

    impl<'de> Deserialize<'de> for StrictValue {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(StrictVisitor).map(StrictValue)
        }
    }

    struct StrictVisitor;

    impl<'de> Visitor<'de> for StrictVisitor {
        type Value = Value;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
            Ok(Value::Bool(v))
        }

        fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
            Ok(Value::from(v))
        }

        fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
            Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
        }

        fn visit_str<E>(self, v: &str) -> Result<Value, E> {
            Ok(Value::String(v.to_string()))
        }

        fn visit_string<E>(self, v: String) -> Result<Value, E> {
            Ok(Value::String(v))
        }

        fn visit_unit<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_none<E>(self) -> Result<Value, E> {
            Ok(Value::Null)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
            StrictValue::deserialize(deserializer).map(|v| v.0)
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            let mut items = Vec::new();
            while let Some(StrictValue(item)) = seq.next_element()? {
                items.push(item);
            }
            Ok(Value::Array(items))
        }

        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            let mut fields = Map::new();
            while let Some(key) = map.next_key::<String>()? {
                // With serde_json's `arbitrary_precision` feature (which another crate in a
                // build may turn on), a number arrives as a map of this one key.
                if key == "$serde_json::private::Number" && fields.is_empty() {
                    let digits: String = map.next_value()?;
                    return digits.parse().map(Value::Number).map_err(de::Error::custom);
                }
                if fields.contains_key(&key) {
                    return Err(de::Error::custom(format!("the field {} is given twice", quoted(&key))));
                }
                let StrictValue(value) = map.next_value()?;
                fields.insert(key, value);
            }
            Ok(Value::Object(fields))
        }
    }

    /// Reads a form's types from a parsed value, refusing anything of the wrong kind before
    /// the form's own code sees it, so that the kind expected is known exactly: a `{ }` of
    /// fields is never read as a list, nor a `[ ]` as a group of fields.
    struct ValueDeserializer<'v>(&'v Value);

    impl<'v> ValueDeserializer<'v> {
        fn wrong(&self, expected: Kind) -> Problem {
            Problem::WrongType { expected, allowed: &[] }
        }
    }

    impl<'de> IntoDeserializer<'de, Problem> for ValueDeserializer<'de> {
        type Deserializer = Self;

        fn into_deserializer(self) -> Self {
            self
        }
    }

    macro_rules! numbers {
        ($($method:ident)*) => {$(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
                match self.0 {
                    Value::Number(_) => self.deserialize_any(visitor),
                    _ => Err(self.wrong(Kind::Number)),
                }
            }
        )*};
    }

    impl<'de> Deserializer<'de> for ValueDeserializer<'de> {
        type Error = Problem;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            match self.0 {
                Value::Null => visitor.visit_unit(),
                Value::Bool(v) => visitor.visit_bool(*v),
                Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                    (Some(v), _, _) => visitor.visit_u64(v),
                    (_, Some(v), _) => visitor.visit_i64(v),
                    (_, _, Some(v)) => visitor.visit_f64(v),
                    _ => Err(Problem::Other(format!("the number {n} cannot be read"))),
                },
                Value::String(s) => visitor.visit_borrowed_str(s),
                Value::Array(items) => {
                    SeqDeserializer::new(items.iter().map(ValueDeserializer)).deserialize_any(visitor)
                }
                Value::Object(fields) => {
                    MapDeserializer::new(fields.iter().map(|(k, v)| (k.as_str(), ValueDeserializer(v))))
                        .deserialize_any(visitor)
                }
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            match self.0 {
                Value::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            }
        }

        fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            match self.0 {
                Value::Bool(v) => visitor.visit_bool(*v),
                _ => Err(self.wrong(Kind::TrueOrFalse)),
            }
        }

        numbers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
            deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
            deserialize_f32 deserialize_f64);

        fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            match self.0 {
                Value::String(s) => visitor.visit_borrowed_str(s),
                _ => Err(self.wrong(Kind::Text)),
            }
        }

        fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            self.deserialize_str(visitor)
        }

        fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            self.deserialize_str(visitor)
        }

        fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            match self.0 {
                Value::Array(_) => self.deserialize_any(visitor),
                _ => Err(self.wrong(Kind::List)),
            }
        }

        fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Problem> {
            self.deserialize_seq(visitor)
        }

        fn deserialize_tuple_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _len: usize,
            visitor: V,
        ) -> Result<V::Value, Problem> {
            self.deserialize_seq(visitor)
        }

        fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
            match self.0 {
                Value::Object(_) => self.deserialize_any(visitor),
                _ => Err(self.wrong(Kind::Group)),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Problem> {
            self.deserialize_map(visitor)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Problem> {
            match self.0 {
                Value::String(s) => {
                    IntoDeserializer::<Problem>::into_deserializer(s.as_str()).deserialize_enum(name, variants, visitor)
                }
                _ => Err(Problem::WrongType { expected: Kind::Text, allowed: variants }),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Problem> {
            visitor.visit_newtype_struct(self)
        }

        forward_to_deserialize_any! {
            bytes byte_buf unit unit_struct identifier ignored_any
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVISIBLE: [char; 23] = [
        '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{2061}', '\u{2062}', '\u{2063}', '\u{2064}', '\u{FEFF}',
        '\u{00AD}', '\u{180E}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
        '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    ];
    const REVERSING: [char; 9] =
        ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'];

    fn checked(check: impl FnOnce(&mut Vec<FieldError>) -> String) -> Result<String, Vec<FieldError>> {
        let mut errors = Vec::new();
        let value = check(&mut errors);
        if errors.is_empty() { Ok(value) } else { Err(errors) }
    }

    #[test]
    fn invisible_and_reversing_characters_are_known_from_the_crate_root() {
        for c in INVISIBLE {
            assert!(crate::is_invisible(c), "{c:?}");
            assert_eq!(crate::is_bidi_control(c), REVERSING.contains(&c), "{c:?}");
        }
        for c in ['a', ' ', '-', 'م', 'א', '\u{2065}', '\u{2070}', '\u{2029}', '\u{00A0}'] {
            assert!(!is_invisible(c) && !is_bidi_control(c), "{c:?}");
        }
    }

    #[test]
    fn text_of_spaces_and_invisible_characters_alone_is_blank() {
        let blank: String = INVISIBLE.iter().chain([' ', '\u{00A0}', '\u{3000}'].iter()).collect();
        for check in [required_text, required_paragraphs] {
            let errors = checked(|e| check(e, "name", "the name", &blank, 200)).unwrap_err();
            assert_eq!(errors, [FieldError::new("name", "Enter the name")]);
        }
        for check in [optional_text, optional_paragraphs] {
            let mut errors = Vec::new();
            assert_eq!(check(&mut errors, "name", "the name", Some(&blank), 200), None);
            assert!(errors.is_empty());
        }
        assert_eq!(checked(|e| required_text(e, "name", "the name", "Zoë\u{200D}", 200)).unwrap(), "Zoë\u{200D}");
    }

    #[test]
    fn characters_that_reverse_the_text_are_refused_in_every_kind_of_field() {
        for c in REVERSING {
            let value = format!("Jane {c}eoD");
            for check in [required_text, required_paragraphs] {
                let errors = checked(|e| check(e, "name", "the name", &value, 200)).unwrap_err();
                assert_eq!(
                    errors[0].message,
                    "The name must not contain hidden characters that reverse the direction of the text after them"
                );
            }
        }
        for name in ["محمد الأحمد", "אנה כהן", "Anna \u{200F}(אנה)"] {
            assert_eq!(checked(|e| required_text(e, "name", "the name", name, 200)).unwrap(), name);
        }
    }

    #[test]
    fn paragraphs_are_tidied_before_they_are_checked() {
        let tidy = |text: &str| checked(|e| required_paragraphs(e, "concern", "the concern", text, 5000));
        assert_eq!(
            tidy("\r\n  \n First.  \r\nSecond.\t\rThird.\n\n\n\n \n\nFourth.\n \n").unwrap(),
            "First.\nSecond.\nThird.\n\nFourth."
        );
        assert_eq!(tidy("One line").unwrap(), "One line");
        for refused in ["a\tb", "a\u{1b}[31mb", "a\u{85}b", "a\u{7f}b", "a\u{0}b", "a\u{b}b", "a\u{c}b"] {
            let errors = tidy(refused).unwrap_err();
            assert_eq!(
                errors[0].message,
                "The concern must not contain tabs or other control characters; line breaks are allowed",
                "{refused:?}"
            );
        }
        let ten_after_tidying = "ab  \r\ncd\r\n\r\n\r\nef";
        assert!(ten_after_tidying.chars().count() > 10);
        assert_eq!(
            checked(|e| required_paragraphs(e, "concern", "the concern", ten_after_tidying, 10)).unwrap(),
            "ab\ncd\n\nef"
        );
        let errors = checked(|e| required_paragraphs(e, "concern", "the concern", "abcdef\nghijk", 10)).unwrap_err();
        assert_eq!(errors[0].message, "The concern must be 10 characters or fewer");
    }

    #[test]
    fn a_web_address_is_checked_as_typed_before_it_is_parsed() {
        let check = |text: &str| {
            let mut errors = Vec::new();
            let checked = web_address_text(&mut errors, "url", "the web address", text);
            (checked, errors.into_iter().map(|e| e.message).collect::<Vec<_>>())
        };
        assert_eq!(check(" https://x.com/a ").0.as_deref(), Some("https://x.com/a"));
        assert_eq!(check("  ").1, ["Enter the web address"]);
        assert_eq!(
            check(&format!("https://x.com/{}", "a".repeat(MAX_URL_CHARS))).1,
            ["The web address must be 2048 characters or fewer"]
        );
        for text in ["https://x.com/a\n", "\thttps://x.com/a", "https://x.com/\u{9b}a"] {
            assert_eq!(
                check(text).1,
                ["The web address must not contain control characters, such as tabs or line breaks"]
            );
        }
        for text in ["https://x.com/a\u{200B}", "\u{FEFF}https://x.com/a", "https://x.com/\u{202E}a"] {
            assert!(check(text).1[0].contains("invisible characters"), "{text:?}");
        }
    }
}
