//! Subject access: everything held about one person, for disclosure to them — the requests
//! that name them, the decisions on those requests, the access sessions on their pages and
//! the captures taken, the log's findings that name them or rest on their captures, and what
//! was disposed of — as a PDF for the person and a folder of the original files, with third
//! parties and collateral-intrusion notes flagged for redaction before it is disclosed. Each
//! export is an audit event.

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use triangulate_core::local_time::{long_date, uk_time};
use triangulate_pdf::{Block, DocumentInfo};

use crate::error::{AppError, Result};
use crate::host::Host;

/// What a subject access export wrote.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SubjectAccessExported {
    /// The PDF for the person.
    pub pdf: String,
    pub sha256: String,
    pub pages: u32,
    /// The original files of each capture of their pages, with each signed manifest.
    pub originals: Vec<String>,
    /// What must be looked at, and redacted where needed, before disclosure.
    pub flagged: Vec<String>,
    /// What is held but not in the export, and why: another person's capture, and the files
    /// that would show what a redaction hides.
    pub withheld: Vec<Withheld>,
}

/// Something held that the export leaves out, and why.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Withheld {
    pub capture: i64,
    /// `capture` (the whole capture), or the file's kind (`full_page_png`, `mhtml`, `warc`…).
    pub item: String,
    pub why: String,
}

/// Files to write into one folder: each name and its bytes.
type Files = Vec<(String, Vec<u8>)>;

/// What the person may be given of one of their captures: the files, by name, and what is
/// withheld. Where any picture has a redacted copy, each picture is given as its redacted
/// copy (with the signed manifest that links it to the sealed original) or not at all, and
/// the page's saved copy (MHTML) and web archive (WARC), which hold the text and pictures the
/// boxes hide, are withheld.
fn disclosable(
    store: &triangulate_store::Store,
    c: &triangulate_store::CaptureRecord,
) -> Result<(Files, Vec<Withheld>)> {
    let id = c.id;
    let copies = store.redactions(id)?;
    let mut files: Files = Vec::new();
    let mut withheld = Vec::new();
    let mut copies_given: Vec<i64> = Vec::new();
    for artefact in &c.artefacts {
        let kind = artefact.kind.as_str();
        let name = kind.replace('_', "-");
        let picture = artefact.media_type == "image/png";
        let copy = if picture { crate::captures::redaction_for(&copies, c, kind) } else { None };
        match copy {
            Some(r) => {
                files.push((format!("capture-{id}-{name}-redacted-{}.png", r.id), store.redaction_png(r.id)?));
                if !copies_given.contains(&r.id) {
                    copies_given.push(r.id);
                    files.push((format!("capture-{id}-redacted-{}.json", r.id), r.manifest.clone().into_bytes()));
                    files.push((format!("capture-{id}-redacted-{}.sig", r.id), format!("{}\n", r.signature).into_bytes()));
                }
            }
            None if !copies.is_empty() => withheld.push(Withheld {
                capture: id,
                item: kind.to_string(),
                why: if picture {
                    "another picture of this capture was redacted, and this one, which has no redacted copy, would show what the boxes hide".into()
                } else {
                    "a picture of this capture was redacted, and this file holds the page's text and pictures that the boxes hide".into()
                },
            }),
            None => {
                let extension = match artefact.media_type.as_str() {
                    "image/png" => "png",
                    "application/warc" => "warc",
                    _ => "mhtml",
                };
                files.push((format!("capture-{id}-{name}.{extension}"), store.capture_artefact(id, kind)?.0));
            }
        }
    }
    files.push((format!("capture-{id}-manifest.json"), c.manifest.clone().into_bytes()));
    files.push((format!("capture-{id}-manifest.sig"), format!("{}\n", c.signature).into_bytes()));
    Ok((files, withheld))
}

/// Removes what an export wrote before it was refused: the files, then the folder if the
/// export made it.
fn remove_written(written: &[PathBuf], folders: &[PathBuf], out: &Path, made_out: bool) {
    for path in written {
        let _ = std::fs::remove_file(path);
    }
    for folder in folders.iter().rev() {
        let _ = std::fs::remove_dir(folder);
    }
    if made_out {
        let _ = std::fs::remove_dir(out);
    }
}

fn role_words(role: triangulate_core::request::SubjectRole) -> &'static str {
    use triangulate_core::request::SubjectRole::*;
    match role {
        Subject => "Subject",
        Associate => "Associate",
        SuspectedAssociate => "Suspected associate",
    }
}

/// Whether a text names the person, by their name or one of their other names.
fn names(text: &str, person: &triangulate_store::PersonRecord) -> bool {
    let lower = text.to_lowercase();
    std::iter::once(&person.name)
        .chain(person.aliases.iter())
        .any(|n| !n.trim().is_empty() && lower.contains(&n.to_lowercase()))
}

/// Writes `out/subject-access-person-N.pdf` and `out/originals/`; `out` must be new or empty.
///
/// Its progress, in seven steps: reading what is held, the captures, writing the originals,
/// laying out, drawing the pages, writing the PDF, recording the export.
pub fn export(host: &dyn Host, person: i64, out: &Path) -> Result<SubjectAccessExported> {
    let tracker = crate::progress::Tracker::start(
        host,
        crate::progress::Work::SubjectAccess,
        format!("person {person}"),
        7,
        "Reading what is held about them",
    );
    crate::progress::tracked(
        tracker,
        |done: &SubjectAccessExported| {
            format!("Subject access export written: {} pages and {} original files", done.pages, done.originals.len())
        },
        |tracker| export_tracked(host, person, out, tracker),
    )
}

fn export_tracked(
    host: &dyn Host,
    person: i64,
    out: &Path,
    tracker: &mut crate::progress::Tracker<'_>,
) -> Result<SubjectAccessExported> {
    if out.as_os_str().is_empty() {
        return Err(AppError::fields_error(vec![triangulate_core::FieldError::new(
            "out",
            "Enter the folder to write to",
        )]));
    }
    if out.exists() && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        return Err(AppError::fields_error(vec![triangulate_core::FieldError::new(
            "out",
            format!("{} is not an empty folder: a subject access export is written to a new one", out.display()),
        )]));
    }
    let policy = host.policy()?;
    let facts = host.store()?.subject_access_facts(person)?;
    // The export is an audit event: with no one to record it as, nothing is written.
    host.store()?.check_recorder()?;
    let p = &facts.person;
    let mut flagged: Vec<String> = Vec::new();
    let mut blocks = vec![
        Block::Section(format!("Information held about {}", p.name)),
        Block::Fields(vec![
            ("Name".into(), p.name.clone()),
            ("Other names".into(), if p.aliases.is_empty() { "None recorded".into() } else { p.aliases.join(", ") }),
            (
                "Date of birth".into(),
                p.date_of_birth.as_deref().and_then(|d| d.parse().ok()).map(long_date).unwrap_or_else(|| "Not recorded".into()),
            ),
            ("Known since".into(), uk_time(&p.created_at)),
            ("Held by".into(), policy.organisation.clone()),
        ]),
        Block::Paragraph(
            "This document lists everything the council's Triangulate store holds about this person: the requests to look at their public social-media pages, the decisions on them, the sessions in which their pages were viewed, the pages captured, the findings recorded, and what has been disposed of. The original files of each capture are in the folder beside this document.".into(),
        ),
    ];

    blocks.push(Block::Section("Requests that name them".into()));
    if facts.requests.is_empty() {
        blocks.push(Block::Paragraph("No request names them.".into()));
    }
    for (record, position) in &facts.requests {
        let request = &record.request;
        blocks.push(Block::Heading {
            text: format!("Request {} (case {})", record.reference, request.case_reference),
            outline: true,
        });
        let them = request.subjects.get(position - 1);
        let mut rows: Vec<(String, String)> = vec![
            ("State".into(), record.state_label.to_string()),
            ("Why it was made".into(), request.reason.label().to_string()),
            (
                "Period looked at".into(),
                format!("{} to {}", long_date(request.period.from), long_date(request.period.to)),
            ),
        ];
        if let Some(s) = them {
            rows.push(("Their part".into(), role_words(s.role).into()));
            if let Some(r) = &s.relationship {
                rows.push(("Relationship to the child".into(), r.clone()));
            }
            rows.push((
                "Their listed profiles".into(),
                if s.profiles.is_empty() {
                    "None".into()
                } else {
                    s.profiles.iter().map(|p| p.url.clone()).collect::<Vec<_>>().join("\n")
                },
            ));
        }
        rows.push(("The concern".into(), request.concern.clone()));
        rows.push(("How the check triangulates it".into(), request.triangulation.clone()));
        blocks.push(Block::Fields(rows));
        flagged.push(format!(
            "Request {}: the concern and the triangulation are the social worker's words and may name other people",
            record.reference
        ));
        for (k, other) in request.subjects.iter().enumerate() {
            if k + 1 != *position {
                flagged.push(format!("Request {}: third party named, {}", record.reference, other.display_name()));
            }
        }
        if !record.decisions.is_empty() {
            blocks.push(Block::Heading { text: "Decisions".into(), outline: false });
            blocks.push(Block::Fields(
                record
                    .decisions
                    .iter()
                    .map(|d| (d.step_label.to_string(), format!("{}, {}", d.in_words, uk_time(&d.at))))
                    .collect(),
            ));
        }
        if let Ok(log) = host.store()?.log(&record.reference, None) {
            let own: Vec<i64> = facts.captures.iter().map(|c| c.id).collect();
            let findings: Vec<(String, String)> = log
                .version
                .log
                .findings
                .iter()
                .filter(|f| names(&f.text, p) || f.captures.iter().any(|c| own.contains(c)))
                .map(|f| (format!("Finding {}", f.number), f.text.clone()))
                .collect();
            if !findings.is_empty() {
                blocks.push(Block::Heading { text: "Findings of the investigation log".into(), outline: false });
                blocks.push(Block::Fields(findings));
            }
        }
    }

    blocks.push(Block::Section("Sessions in which their pages were viewed".into()));
    if facts.sessions.is_empty() {
        blocks.push(Block::Paragraph("Their pages were not viewed.".into()));
    }
    for s in &facts.sessions {
        blocks.push(Block::Fields(vec![
            ("Access session".into(), format!("{} of request {}", s.id, s.request)),
            ("Started".into(), uk_time(&s.started_at)),
            ("Ended".into(), s.ended_at.as_deref().map(uk_time).unwrap_or_else(|| "Still open".into())),
        ]));
    }

    blocks.push(Block::Section("Pages captured".into()));
    if facts.captures.is_empty() {
        blocks.push(Block::Paragraph("No page of theirs was captured.".into()));
    }
    tracker.next(match facts.captures.len() {
        0 => "Reading the captures: none of their pages was captured".to_string(),
        1 => "Reading the capture".to_string(),
        n => format!("Reading the {n} captures"),
    });
    let originals_dir = out.join("originals");
    let mut originals = Vec::new();
    let mut to_write: Vec<(PathBuf, Files)> = Vec::new();
    let mut withheld: Vec<Withheld> = Vec::new();
    for (k, c) in facts.captures.iter().enumerate() {
        if facts.captures.len() > 1 {
            tracker.detail(format!("Reading the captures: capture {} ({} of {})", c.id, k + 1, facts.captures.len()));
        }
        let provenance = c.read_manifest().map(|m| m.provenance);
        let said = |part: fn(&triangulate_store::Provenance) -> &str| provenance.as_ref().map(part).unwrap_or_default().to_string();
        blocks.push(Block::Heading { text: format!("Capture {}", c.id), outline: true });
        let mut rows: Vec<(String, String)> = vec![
            ("Address".into(), said(|p| &p.url)),
            ("Title".into(), said(|p| &p.title)),
            (
                triangulate_core::local_time::CAPTURED_AT.into(),
                triangulate_core::local_time::captured_at(&said(|p| &p.capture_started_at)),
            ),
        ];
        match &c.judgement {
            Some(j) => {
                rows.push(("Judged".into(), if j.relevant { "Relevant".into() } else { "Not relevant".into() }));
                if let Some(notes) = &j.notes {
                    rows.push(("Notes".into(), notes.clone()));
                }
                if let Some(collateral) = &j.collateral_intrusion {
                    rows.push(("Other people in it".into(), collateral.clone()));
                    flagged.push(format!("Capture {}: collateral intrusion, {collateral}", c.id));
                }
            }
            None => rows.push(("Judged".into(), "Not yet".into())),
        }
        blocks.push(Block::Fields(rows));
        flagged.push(format!("Capture {}: the picture may show other people (friends in photos, commenters)", c.id));
        flagged.push(format!(
            "Capture {}: its signed manifest lists every page visited in its access session, which may be other people's",
            c.id
        ));
        // A redacted copy, where there is one, is what the person's document shows.
        let copies = host.store()?.redactions(c.id)?;
        let redacted = crate::captures::redaction_for(&copies, c, "viewport_png");
        // A capture with a redacted picture shows no unredacted one.
        let picture = match &redacted {
            Some(r) => host.store()?.redaction_png(r.id).ok(),
            None if copies.is_empty() => host.store()?.capture_artefact(c.id, "viewport_png").ok().map(|(png, _)| png),
            None => None,
        };
        if let Some(png) = picture {
            let caption = match &redacted {
                Some(r) => format!("Capture {}: the window as seen, a redacted copy (SHA-256 {})", c.id, r.sha256),
                None => format!("Capture {}: the window as seen", c.id),
            };
            // Kept on one page, drawn smaller if it must be; the file itself is in `originals/`.
            let exact =
                format!("the exact picture is in the folder originals/capture-{} given with this document.", c.id);
            blocks.push(Block::WholePicture { caption, png: Arc::new(png), exact });
        }
        let (files, left_out) = disclosable(&*host.store()?, c)?;
        to_write.push((originals_dir.join(format!("capture-{}", c.id)), files));
        withheld.extend(left_out);
    }
    // Pages of other people, captured in sessions started on this person, are theirs.
    for c in &facts.others_captures {
        withheld.push(Withheld {
            capture: c.id,
            item: "capture".into(),
            why: "it is of another person's page (a profile listed for someone else in the request), captured in a session on this person's pages: it is held about that person, not this one".into(),
        });
    }
    blocks.push(Block::Section("Held but not in this export".into()));
    if withheld.is_empty() {
        blocks.push(Block::Paragraph("Nothing held about them is left out.".into()));
    } else {
        blocks.push(Block::Paragraph(
            "Each item below is held but is not part of this export, for the reason given.".into(),
        ));
        blocks.push(Block::Fields(
            withheld
                .iter()
                .map(|w| {
                    let what = match w.item.as_str() {
                        "capture" => format!("Capture {}", w.capture),
                        "mhtml" => format!("Capture {}: the page's saved copy (MHTML)", w.capture),
                        "warc" => format!("Capture {}: the web archive (WARC)", w.capture),
                        kind => format!("Capture {}: the picture {}", w.capture, kind.replace('_', " ")),
                    };
                    (what, w.why.clone())
                })
                .collect(),
        ));
    }

    let references: Vec<&str> = facts.requests.iter().map(|(r, _)| r.reference.as_str()).collect();
    let own: Vec<i64> = facts.captures.iter().map(|c| c.id).collect();
    let disputes: Vec<(String, String)> = host
        .store()?
        .disputes(None)?
        .into_iter()
        .filter(|d| references.contains(&d.request.as_str()))
        .filter(|d| match d.target {
            triangulate_store::DisputeTarget::Capture { id } => own.contains(&id),
            triangulate_store::DisputeTarget::Finding { .. } => true,
        })
        .map(|d| {
            let what = match d.target {
                triangulate_store::DisputeTarget::Capture { id } => format!("Capture {id}"),
                triangulate_store::DisputeTarget::Finding { number } => {
                    format!("Finding {number} of request {}", d.request)
                }
            };
            (what, format!("Disputed by {}, {}: {}", d.disputed_by, uk_time(&d.recorded_at), d.text))
        })
        .collect();
    blocks.push(Block::Section("Disputes of what is held".into()));
    if disputes.is_empty() {
        blocks.push(Block::Paragraph("Nothing held about them has been disputed.".into()));
    } else {
        blocks.push(Block::Fields(disputes));
    }
    let incidents: Vec<triangulate_store::IncidentRecord> = host
        .store()?
        .incidents()?
        .into_iter()
        .filter(|i| {
            i.incident.request.as_deref().is_some_and(|r| references.contains(&r))
                || i.incident.people.iter().any(|name| names(name, p))
        })
        .collect();
    blocks.push(Block::Section("Incidents".into()));
    if incidents.is_empty() {
        blocks.push(Block::Paragraph("No incident concerns them.".into()));
    }
    for i in &incidents {
        blocks.push(Block::Fields(vec![
            ("Incident".into(), i.id.to_string()),
            ("On".into(), long_date(i.incident.occurred_on)),
            ("What happened".into(), i.incident.what.clone()),
            ("What was done".into(), i.incident.action.clone()),
        ]));
        for other in i.incident.people.iter().filter(|name| !names(name, p)) {
            flagged.push(format!("Incident {}: third party named, {other}", i.id));
        }
    }

    blocks.push(Block::Section("Records disposed of".into()));
    if facts.disposals.is_empty() {
        blocks.push(Block::Paragraph("Nothing of their requests has been disposed of yet.".into()));
    }
    for d in &facts.disposals {
        blocks.push(Block::Small(format!(
            "{:?} {} of request {}: disposed of {} by {} under {}",
            d.kind,
            d.object,
            d.request.as_deref().unwrap_or(""),
            uk_time(&d.disposed_at),
            d.disposed_by,
            d.rule.policy_key()
        )));
    }

    blocks.push(Block::Section("Flagged for redaction before disclosure".into()));
    blocks.push(Block::Paragraph(
        "Before this is disclosed, each item below is looked at, and what identifies another person is redacted where the law requires.".into(),
    ));
    blocks.push(Block::Fields(flagged.iter().enumerate().map(|(k, f)| (format!("{}", k + 1), f.clone())).collect()));

    // Everything is checked and gathered: only now is anything written, and a failure from
    // here removes what was.
    tracker.next("Writing the original files");
    let made_out = !out.exists();
    triangulate_store::private::create_dir_all(out)
        .map_err(|e| AppError::Refused(format!("{} cannot be made: {e}", out.display())))?;
    let mut folders = Vec::new();
    let written = (|| -> Result<_> {
        for (folder, files) in &to_write {
            for dir in [&originals_dir, folder] {
                if !folders.contains(dir) {
                    triangulate_store::private::create_dir_all(dir)
                        .map_err(|e| AppError::Refused(format!("{} cannot be made: {e}", dir.display())))?;
                    folders.push(dir.clone());
                }
            }
            for (name, bytes) in files {
                let path = folder.join(name);
                triangulate_store::private::write_new(&path, bytes)
                    .map_err(|e| AppError::Refused(format!("{} cannot be written: {e}", path.display())))?;
                originals.push(path);
            }
        }
        Ok(())
    })();
    if let Err(error) = written {
        remove_written(&originals, &folders, out, made_out);
        return Err(error);
    }
    let info = DocumentInfo {
        title: format!("Subject access: information held about {}", p.name),
        author: policy.organisation.clone(),
        subject: format!("person {}", p.id),
        keywords: vec!["subject access".into()],
        creator: format!("Triangulate {}", env!("CARGO_PKG_VERSION")),
        created: host.now(),
        marking: policy.protective_marking.clone(),
        draft: Some("Not yet checked for third parties: see the last section".into()),
    };
    let pdf_path = out.join(format!("subject-access-person-{}.pdf", p.id));
    tracker.next("Laying out the document");
    let (written, rendered) = match crate::export::write_new_pdf(&pdf_path, &info, &blocks, &[], &mut |stage| {
        crate::export::pdf_stage(tracker, stage)
    }) {
        Ok(done) => done,
        Err(error) => {
            remove_written(&originals, &folders, out, made_out);
            return Err(error);
        }
    };
    tracker.next("Recording the export in the audit trail");
    let recorded = host
        .store()
        .and_then(|mut s| Ok(s.record_subject_access(p.id, &written.sha256, originals.len(), host.now())?));
    if let Err(error) = recorded {
        // An export that is not in the audit chain does not exist.
        remove_written(&[&originals[..], std::slice::from_ref(&written.path)].concat(), &folders, out, made_out);
        return Err(error);
    }
    // Every file and folder of the export, known for disposal with the requests it holds.
    let held: Vec<String> = facts.requests.iter().map(|(r, _)| r.reference.clone()).collect();
    let captures: Vec<i64> = facts.captures.iter().map(|c| c.id).collect();
    crate::tracked::record_folder(host, "subject_access", &format!("person:{}", p.id), &held, &captures, out)?;
    tracing::info!(person = p.id, pages = rendered.pages, files = originals.len(), "subject access exported");
    let shown = |path: &PathBuf| path.display().to_string();
    Ok(SubjectAccessExported {
        pdf: shown(&written.path),
        sha256: written.sha256,
        pages: rendered.pages as u32,
        originals: originals.iter().map(shown).collect(),
        flagged,
        withheld,
    })
}
