//! The audit chain's rules, from the evidence crate: a bundle's verifier checks a request's
//! events with the same code that sealed them. And what each kind of event means, in words,
//! for the audit trail a person reads.

pub use triangulate_evidence::audit::*;

/// What an event's action code means, in words; an unknown code is shown as it is.
pub fn describe_action(action: &str) -> String {
    let words = match action {
        "request.create" => "Created the request",
        "request.change" => "Changed the request",
        "request.step" => "Recorded a decision",
        "draft.start" => "Started changes to the request",
        "draft.save" => "Saved changes in progress",
        "draft.discard" => "Discarded changes in progress",
        "person.add" => "Added a person",
        "authorisation.add" => "Recorded a RIPA authorisation",
        "authorisation.renew" => "Renewed a RIPA authorisation",
        "authorisation.cancel" => "Cancelled a RIPA authorisation",
        "session.start" => "Started an access session",
        "session.end" => "Ended an access session",
        "session.browser" => "The sanctioned browser was opened",
        "session.document" => "A page was loaded in the sanctioned browser",
        "session.trail" => "The trail of the session was recorded",
        "session.recording_stopped" => "Recording of the session stopped",
        "capture.store" => "Captured a page",
        "capture.judge" => "Judged a capture",
        "log.add_search" => "Recorded a search in the log",
        "log.add_finding" => "Recorded a finding in the log",
        "log.disagreement" => "Recorded a disagreement about relevance",
        "log.disagreement_outcome" => "Recorded the service manager's outcome of a disagreement",
        "log.complete" => "Completed the log",
        "log.finalise" => "Assessed and finalised the log",
        "log.finalise_correction" => "Finalised a correction of the log",
        "log.share" => "Recorded that the log was shared",
        "log.correct" => "Started a correction of the log",
        "export.pdf" => "Exported a PDF",
        "export.bundle" => "Exported an evidence bundle",
        "export.filed" => "Recorded that a PDF was filed in the care record",
        "browser.choose" => "Chose the browser for captures on this laptop",
        "browser.forget" => "Forgot the browser chosen for captures on this laptop",
        other => return other.to_string(),
    };
    words.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_actions_read_as_words_and_unknown_ones_as_they_are() {
        assert_eq!(describe_action("log.add_search"), "Recorded a search in the log");
        assert_eq!(describe_action("export.bundle"), "Exported an evidence bundle");
        assert_eq!(describe_action("something.new"), "something.new");
    }
}
