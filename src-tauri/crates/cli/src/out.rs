//! Human output that stays inert whatever the store holds. Text a worker typed or a page
//! gave is printed through [`inline`] (one line) or [`paragraphs`] (free text): control
//! characters are shown escaped, never sent to the terminal, so nothing stored can clear
//! the screen, retitle the window or forge a line; bidirectional text is isolated, so a
//! right-to-left name cannot reorder the rest of its line. `say!`/`esay!` are the second
//! wall: whatever they print has every control character but the line break escaped.

use std::fmt::Write;

/// First-strong isolate and pop directional isolate (Unicode bidi algorithm).
const ISOLATE: (char, char) = ('\u{2068}', '\u{2069}');

/// Characters that reorder the text after them: the embeddings, overrides and isolates.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The line and paragraph separators: not control characters, but line breaks to some
/// terminals and viewers.
fn is_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}')
}

fn is_right_to_left(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

fn escape_into(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Text for one line: every control character and bidi control escaped (line breaks too),
/// right-to-left text isolated.
pub(crate) fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    for c in text.chars() {
        if c.is_control() || is_bidi_control(c) || is_separator(c) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    if out.chars().any(is_right_to_left) { format!("{}{out}{}", ISOLATE.0, ISOLATE.1) } else { out }
}

/// Free text of several paragraphs: each line made inert, and every line after the first
/// indented, so that no line of it can pass for a line of the command's own.
pub(crate) fn paragraphs(text: &str, indent: &str) -> String {
    text.split('\n').map(inline).collect::<Vec<_>>().join(&format!("\n{indent}"))
}

/// The second wall: escapes every control character except the line break, and every bidi
/// control, in text the command is about to print.
pub(crate) fn inert(text: &str) -> String {
    if !text.chars().any(|c| (c.is_control() && c != '\n') || is_bidi_control(c)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if (c.is_control() && c != '\n') || (is_bidi_control(c) && c != ISOLATE.0 && c != ISOLATE.1) {
            escape_into(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON for scripts, with the characters a terminal would act on escaped as `\uXXXX`
/// (serde escapes C0 controls; DEL, the C1 controls and the bidi controls it leaves raw).
pub(crate) fn inert_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if (c.is_control() && c != '\n') || is_bidi_control(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// `println!` through [`inert`].
macro_rules! say {
    () => { println!() };
    ($($arg:tt)*) => { println!("{}", $crate::out::inert(&format!($($arg)*))) };
}

/// `eprintln!` through [`inert`].
macro_rules! esay {
    ($($arg:tt)*) => { eprintln!("{}", $crate::out::inert(&format!($($arg)*))) };
}

pub(crate) use {esay, say};

/// A signed document's text (canonical JSON) as JSON to print, exactly as it was signed, so
/// that a script can check its signature; its facts are read from its type, never from this.
pub(crate) fn as_signed(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_stored_reaches_the_terminal_as_a_control() {
        let hostile = "https://x.example/\u{1b}[2J\u{1b}]0;owned\u{7}\nSubject 9: FORGED LINE\u{9b}1m";
        let line = inline(hostile);
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(line.contains("\\u{1b}[2J") && line.contains("\\nSubject 9"), "{line}");
        let safety = inert(hostile);
        assert!(!safety.chars().any(|c| c.is_control() && c != '\n'));
        assert_eq!(safety.matches('\n').count(), 1);
    }

    #[test]
    fn right_to_left_text_is_isolated_and_overrides_are_shown() {
        assert_eq!(inline("Rhian Evans"), "Rhian Evans");
        assert_eq!(inline("שרה כהן"), "\u{2068}שרה כהן\u{2069}");
        assert_eq!(inline("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(inert("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(inert(&inline("שרה")), inline("שרה"));
    }

    #[test]
    fn paragraphs_keep_their_breaks_but_every_line_is_indented() {
        assert_eq!(paragraphs("One.\n\nTwo.", "  "), "One.\n  \n  Two.");
    }

    #[test]
    fn json_is_left_parseable_with_c1_and_bidi_controls_escaped() {
        let json = serde_json::to_string_pretty(&serde_json::json!({"t": "a\u{9b}b\u{202e}c\u{7f}"})).unwrap();
        let safe = inert_json(&json);
        assert!(!safe.chars().any(|c| (c.is_control() && c != '\n') || is_bidi_control(c)));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["t"], "a\u{9b}b\u{202e}c\u{7f}");
    }
}
