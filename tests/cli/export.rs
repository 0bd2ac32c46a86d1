//! PDFs for the care record through the CLI, read back by poppler and qpdf: the request, the
//! log and only the captures judged relevant, each picture exactly as captured, marked and
//! numbered on A4 pages, manifests attached and verified by openssl, the export in the audit
//! chain and its filing on the request.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use triangulate_store::{DataDir, Keystore, Store};

use crate::Setup;
use crate::capture::{capture, in_the_sessions_tab, ready_with, show, start};
use crate::fixture_site;
use crate::protocol::step;

const ARABIC_NAME: &str = "محمد عبد الله";
const WELSH_POLISH_NAME: &str = "Siân Łukasiewicz";

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// pdftotext's text, page by page, without the marks poppler puts around right-to-left runs.
fn pages_text(pdf: &Path) -> Vec<String> {
    let text = tool("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]).replace(['\u{202B}', '\u{202C}'], "");
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The body's words joined, the page furniture left out: text that runs over lines and
/// pages can be found whole.
fn joined_body(pages: &[String], reference: &str) -> String {
    let furniture = |l: &&str| {
        l.contains("OFFICIAL-SENSITIVE")
            || l.contains("DRAFT")
            || l.trim() == reference
            || l.trim().starts_with("Page ")
    };
    pages.iter().flat_map(|p| p.lines()).filter(|l| !furniture(l)).flat_map(|l| l.split_whitespace()).collect()
}

fn export(s: &Setup, reference: &str, out: &Path, extra: &[&str]) -> crate::Run {
    let mut args = vec!["export", "pdf", reference, "--out", out.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    s.run(&args)
}

fn sha256_file(path: &Path) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

/// Decoded pixels: width, height, RGB bytes, alpha bytes if any.
type Pixels = (u32, u32, Vec<u8>, Option<Vec<u8>>);

fn decode(bytes: &[u8]) -> Pixels {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buffer).unwrap();
    buffer.truncate(frame.buffer_size());
    match frame.color_type {
        png::ColorType::Rgba => {
            let rgb = buffer.chunks(4).flat_map(|p| p[..3].to_vec()).collect();
            let alpha: Vec<u8> = buffer.chunks(4).map(|p| p[3]).collect();
            (frame.width, frame.height, rgb, Some(alpha))
        }
        png::ColorType::Rgb => (frame.width, frame.height, buffer, None),
        other => panic!("unexpected colour type {other:?}"),
    }
}

fn judge(s: &Setup, id: &serde_json::Value, relevant: &str) {
    let run = s.run(&[
        "capture",
        "judge",
        &id.to_string(),
        "--relevant",
        relevant,
        "--attribution",
        "probable",
        "--why",
        "The profile photo matches the mother",
        "--useful",
        "yes",
    ]);
    assert_eq!(run.code, 0, "judge: {}", run.stderr);
}

/// Verifies an Ed25519 signature over the attached manifest with openssl, from the public key
/// the manifest names (raw, hex), as a legal team's IT would.
fn openssl_verifies(dir: &Path, manifest: &Path, signature_base64: &str, public_key_hex: &str) -> bool {
    use base64::Engine;
    let key = hex::decode(public_key_hex).unwrap();
    let mut der = hex::decode("302a300506032b6570032100").unwrap();
    der.extend(key);
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der)
    );
    let key_file = dir.join("key.pem");
    std::fs::write(&key_file, pem).unwrap();
    let signature_file = dir.join("sig.bin");
    std::fs::write(&signature_file, base64::engine::general_purpose::STANDARD.decode(signature_base64.trim()).unwrap())
        .unwrap();
    Command::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-inkey"])
        .arg(&key_file)
        .arg("-rawin")
        .arg("-in")
        .arg(manifest)
        .arg("-sigfile")
        .arg(&signature_file)
        .output()
        .unwrap()
        .status
        .success()
}

#[test]
fn the_care_record_pdf_holds_the_request_the_log_and_only_the_relevant_exhibits_exactly() {
    let site = fixture_site::start();
    let (s, reference) = ready_with(&site, None, |request| {
        request["subjects"][0]["name"] = WELSH_POLISH_NAME.into();
        request["subjects"][1]["name"] = ARABIC_NAME.into();
    });
    let out_dir = s.data_dir.parent().unwrap().join("exports");
    std::fs::create_dir_all(&out_dir).unwrap();
    let session = start(&s, &reference, &[]);
    let first = capture(&s, &session, &["--url", &format!("{}/profile/jane", site.base)])["capture_id"].clone();
    let unrelated =
        capture(&s, &session, &["--url", &format!("{}/profile/jane/about", site.base)])["capture_id"].clone();
    let hostile = capture(&s, &session, &["--url", &format!("{}/profile/jane/title", site.base)])["capture_id"].clone();
    // The page moves itself to an address of 4,000 characters.
    let long_path = format!("/profile/jane/title?q={}", "x7".repeat(2000));
    in_the_sessions_tab(
        &session,
        &format!("{}/profile/jane/title", site.base),
        &format!("history.pushState({{}}, '', '{long_path}')"),
    );
    let long = capture(&s, &session, &[])["capture_id"].clone();
    // A page of 4,000 px: taller than a page of the PDF, so shown in strips.
    let tall =
        capture(&s, &session, &["--url", &format!("{}/profile/jane/long?h=4000", site.base)])["capture_id"].clone();
    drop(session);
    let (platform, account) = (["--platform", "fixture"], ["--account", "1"]);
    let search = ["--searched", "Jane's public profile", "--result", "Photographs with Mr Nowak"];
    step(&s, &[&["log", "add-search", reference.as_str()][..], &platform, &account, &search].concat());
    let (first_id, unrelated_id) = (first.to_string(), unrelated.to_string());
    let finding =
        ["--text", "Photo with Mr Nowak dated 3 November", "--capture", &first_id, "--capture", &unrelated_id];
    step(&s, &[&["log", "add-finding", reference.as_str()][..], &finding].concat());

    // Before the log is finalised, only a draft.
    let refused = export(&s, &reference, &out_dir.join("final.pdf"), &[]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert_eq!(refused.json()["error"]["code"], "log_not_finalised");
    assert!(refused.stderr.contains("--draft"), "the hint says how: {}", refused.stderr);
    assert!(!out_dir.join("final.pdf").exists());
    let draft_path = out_dir.join("draft.pdf");
    let draft = export(&s, &reference, &draft_path, &["--draft"]);
    assert_eq!(draft.code, 0, "{}", draft.stderr);
    let draft_json = draft.json();
    assert_eq!(draft_json["export"]["draft"], true);
    assert_eq!(draft_json["export"]["exhibits"], serde_json::json!([]), "nothing is judged relevant yet");
    let draft_pages = pages_text(&draft_path);
    assert!(draft_pages.iter().all(|p| p.contains("DRAFT")), "DRAFT on every page");
    let draft_body = joined_body(&draft_pages, &reference);
    assert!(
        draft_body
            .contains(&format!("Notyetjudgedandnotincluded:captures{first},{unrelated},{hostile},{long},{tall}."))
    );

    judge(&s, &first, "yes");
    judge(&s, &unrelated, "no");
    judge(&s, &hostile, "yes");
    judge(&s, &tall, "yes");
    step(&s, &["log", "complete", &reference, "--by", "Sam Patel", "--evidence", "email EV-1"]);
    let assessment = "The photos show the mother and Mr Nowak together in November.";
    step(
        &s,
        &[
            "log",
            "finalise",
            &reference,
            "--by",
            "Rhian Evans",
            "--evidence",
            "email EV-1",
            "--rating",
            "considerable",
            "--assessment",
            assessment,
        ],
    );

    // A final export waits for every capture to be judged, and names those that are not.
    let unjudged = export(&s, &reference, &out_dir.join("final.pdf"), &[]);
    assert_eq!(unjudged.code, 1, "{}", unjudged.stderr);
    let error = &unjudged.json()["error"];
    assert_eq!(error["code"], "captures_unjudged");
    assert_eq!(error["captures"], serde_json::json!([long]));
    assert!(unjudged.stderr.contains(&format!("capture {long}")), "{}", unjudged.stderr);
    judge(&s, &long, "yes");

    let path = out_dir.join("final.pdf");
    let done = export(&s, &reference, &path, &[]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let json = done.json();
    let sha256 = json["export"]["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha256, sha256_file(&path), "the digest is the file's");
    assert_eq!(json["export"]["draft"], false);
    assert_eq!(json["export"]["exhibits"], serde_json::json!([first, hostile, long, tall]));
    let pages = json["export"]["pages"].as_u64().unwrap() as usize;

    // Never over a file.
    let again = export(&s, &reference, &path, &[]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert_eq!(sha256_file(&path), sha256);

    let pdf = path.to_str().unwrap();
    tool("qpdf", &["--check", pdf]);
    let info = tool("pdfinfo", &["-f", "1", "-l", &pages.to_string(), pdf]);
    assert_eq!(info.matches("595.276 x 841.89 pts (A4)").count(), pages, "A4 on every page: {info}");
    assert!(info.contains(&format!("Title:           Care record: {reference}")), "{info}");
    assert!(info.contains(&format!("Subject:         {reference}")), "{info}");
    assert!(info.contains("Author:          "), "{info}");
    assert!(info.contains("Encrypted:       no") && info.contains("JavaScript:      no"), "{info}");

    let text_pages = pages_text(&path);
    assert_eq!(text_pages.len(), pages);
    for (k, page) in text_pages.iter().enumerate() {
        assert_eq!(page.matches("OFFICIAL-SENSITIVE").count(), 2, "marked top and bottom on page {}", k + 1);
        assert!(page.contains(&format!("Page {} of {pages}", k + 1)), "numbered: page {}", k + 1);
        assert!(!page.contains("DRAFT"), "a final PDF is not a draft: page {}", k + 1);
    }
    let text = text_pages.join("\n");
    assert!(text.contains(WELSH_POLISH_NAME), "accented names as written");
    assert!(text.contains(ARABIC_NAME), "the Arabic name in logical order");
    assert!(text.contains("<script>window.pwned=1</script>"), "the hostile title is shown as text");
    assert!(text.contains("مرحبا بالعالم"));
    assert!(text.contains("Investigation request (Appendix 1)") && text.contains("Authorisation chain"));
    assert!(text.contains("Investigation log (Appendix 2)") && text.contains("Photo with Mr Nowak dated 3 November"));
    // The session, with who ran it and the service director's conditions as confirmed at its start.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("run by Sam Patel, started")
            && flat.contains("conditions confirmed at its start: One-off review only"),
        "the session and its confirmed conditions on the cover"
    );
    assert!(text.contains("Considerable") && !text.contains("considerable"), "the rating in words");
    let body = joined_body(&text_pages, &reference);
    assert!(body.contains(&format!("{}{long_path}", site.base)), "the long address is whole, over lines and pages");
    assert!(body.contains(&format!("Exhibit1(capture{first})")), "the finding points at its exhibit");
    assert!(body.contains(&format!("Capture{unrelated}(notanexhibit:notjudgedrelevant)")));
    assert!(body.contains(&format!("Judgednotrelevantandnotincluded,astheprotocolasks:capture{unrelated}.")));
    assert!(body.contains("Exhibit4:") && !body.contains("Exhibit5:"), "four exhibits, no more");

    // Every relevant capture's digests are printed; the irrelevant one's are nowhere.
    let store = Store::open(&DataDir::new(&s.data_dir), &Keystore::kernel_keyring().unwrap()).unwrap();
    for id in [&first, &hostile, &long, &tall] {
        for artefact in show(&s, id)["artefacts"].as_array().unwrap() {
            assert!(body.contains(artefact["sha256"].as_str().unwrap()), "capture {id}'s {} digest", artefact["kind"]);
        }
    }
    for artefact in show(&s, &unrelated)["artefacts"].as_array().unwrap() {
        assert!(!body.contains(artefact["sha256"].as_str().unwrap()), "the irrelevant capture is absent");
    }

    // Each picture is one image object, and its pixels are the capture's exactly.
    let list = tool("pdfimages", &["-list", pdf]);
    let rows: Vec<Vec<&str>> = list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    let objects: BTreeSet<&str> = rows.iter().filter(|r| r[2] == "image").map(|r| r[10]).collect();
    // A viewport that is the same file as its full page (a page that fitted the window) is shown once.
    let distinct: usize = [&first, &hostile, &long, &tall]
        .iter()
        .map(|id| {
            let shown = show(&s, id);
            let digests: BTreeSet<String> = ["full_page_png", "viewport_png"]
                .iter()
                .map(|kind| {
                    let artefact = shown["artefacts"].as_array().unwrap().iter().find(|a| a["kind"] == *kind).unwrap();
                    artefact["sha256"].as_str().unwrap().to_string()
                })
                .collect();
            digests.len()
        })
        .sum();
    // The tall page's full page is in strips, each an object of its own; the rest once each.
    assert!(objects.len() > distinct, "each picture of the four exhibits, the tall one in strips: {list}");
    assert!(rows.iter().all(|r| r[8] == "image" && r[7] == "8"), "no JPEG: {list}");
    let images = out_dir.join("images");
    std::fs::create_dir_all(&images).unwrap();
    tool("pdfimages", &["-png", pdf, images.join("i").to_str().unwrap()]);
    let mut extracted: Vec<Pixels> = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&images).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), rows.len(), "one file for each image listed");
    for file in files {
        extracted.push(decode(&std::fs::read(file).unwrap()));
    }
    // Colour images in the order they are drawn, and soft masks apart; a picture is found as
    // a run of one or more of them (its strips) whose rows, stacked, are the picture's.
    let colour: Vec<&Pixels> = extracted.iter().zip(&rows).filter(|(_, r)| r[2] == "image").map(|(e, _)| e).collect();
    let masks: Vec<&Pixels> = extracted.iter().zip(&rows).filter(|(_, r)| r[2] == "smask").map(|(e, _)| e).collect();
    let found_in = |images: &[&Pixels], w: u32, h: u32, samples: &[u8]| -> usize {
        (0..images.len())
            .filter_map(|start| {
                let (mut rows, mut stacked, mut count) = (0, Vec::new(), 0);
                for image in images[start..].iter().take_while(|i| i.0 == w) {
                    rows += image.1;
                    stacked.extend_from_slice(&image.2);
                    count += 1;
                    if rows >= h {
                        break;
                    }
                }
                (rows == h && stacked == samples).then_some(count)
            })
            .max()
            .unwrap_or(0)
    };
    // The most rows of a picture `w` px wide that a page has room for at the page's width.
    let page_share = |w: u32| ((841.89f32 - 54.0 - 66.0) * w as f32 / 495.276).floor() as u32;
    for id in [&first, &hostile, &long, &tall] {
        for kind in ["full_page_png", "viewport_png"] {
            let (bytes, _) = store.capture_artefact(id.as_i64().unwrap(), kind).unwrap();
            let (w, h, rgb, alpha) = decode(&bytes);
            let strips = found_in(&colour, w, h, &rgb);
            assert!(strips > 0, "capture {id}'s {kind} ({w}×{h}) comes back pixel for pixel");
            if kind == "full_page_png" {
                assert!(strips >= h.div_ceil(page_share(w)) as usize, "{kind} of {h} rows in page-sized strips");
            }
            if id == &tall && kind == "full_page_png" {
                assert!(strips > 1, "the tall page is in strips: {strips}");
            }
            if let Some(alpha) = alpha.filter(|a| a.iter().any(|&v| v != 255)) {
                assert_eq!(found_in(&masks, w, h, &alpha), strips, "and its alpha");
            }
        }
    }
    assert!(
        colour.iter().all(|i| i.1 <= page_share(i.0)),
        "no image taller than a page's share: {:?}",
        colour.iter().map(|i| (i.0, i.1)).collect::<Vec<_>>()
    );

    // The signed manifests are attached, and verify with openssl.
    let attached = tool("pdfdetach", &["-list", pdf]);
    assert!(attached.starts_with("10 embedded files"), "the request, the log and two files an exhibit: {attached}");
    let detached = out_dir.join("detached");
    std::fs::create_dir_all(&detached).unwrap();
    tool("pdfdetach", &["-saveall", "-o", detached.to_str().unwrap(), pdf]);
    for id in [&first, &hostile, &long, &tall] {
        let manifest = detached.join(format!("capture-{id}-manifest.json"));
        let signature = std::fs::read_to_string(detached.join(format!("capture-{id}-manifest.sig"))).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest).unwrap()).unwrap();
        let key = value["signing_key"]["public_key"].as_str().unwrap().to_string();
        assert!(openssl_verifies(&detached, &manifest, &signature, &key), "capture {id}'s manifest verifies");
        let mut changed = std::fs::read(&manifest).unwrap();
        changed[10] ^= 1;
        std::fs::write(&manifest, changed).unwrap();
        assert!(!openssl_verifies(&detached, &manifest, &signature, &key), "a changed manifest does not");
    }
    assert!(!attached.contains(&format!("capture-{unrelated}-")), "{attached}");
    let stored: serde_json::Value =
        serde_json::from_slice(&std::fs::read(detached.join(format!("request-{reference}.json"))).unwrap()).unwrap();
    assert_eq!(stored["request"]["request"]["subjects"][1]["name"], ARABIC_NAME, "the exact text, as stored");
    let log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(detached.join(format!("log-{reference}-version-1.json"))).unwrap())
            .unwrap();
    assert_eq!(log["log"]["assessment"]["rating"], "considerable");

    // Both exports are in the audit chain with their digests.
    let events: Vec<String> = store
        .connection_for_tests()
        .prepare("SELECT object_ids FROM audit_events WHERE action = 'export.pdf' ORDER BY seq")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events[1].contains(&format!("sha256:{sha256}")) && events[1].contains(&reference), "{events:?}");
    // The request's own events form a chain that verifies without any other request's:
    // events named by capture or session only are linked through them.
    let (mine, head) = store.request_audit_events(&reference).unwrap();
    assert_eq!(
        triangulate_core::audit::verify_request_chain(&mine, &reference, &head),
        triangulate_core::ChainReport::Intact { events: mine.len() as u64 }
    );
    let actions: BTreeSet<&str> = mine.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "request.create",
        "request.step",
        "session.start",
        "session.trail",
        "capture.store",
        "capture.judge",
        "log.finalise",
        "export.pdf",
    ] {
        assert!(actions.contains(action), "{action} in {actions:?}");
    }
    drop(store);
    assert_eq!(s.run(&["audit", "verify"]).code, 0);

    // Filing: only a final PDF of this request, recorded on the request.
    let file = |sha: &str| {
        s.run(&[
            "export",
            "filed",
            &reference,
            "--sha256",
            sha,
            "--where",
            "Mosaic: Assessments",
            "--reference",
            "ASM-77120",
            "--by",
            "Rhian Evans",
        ])
    };
    let draft_sha = draft_json["export"]["sha256"].as_str().unwrap();
    let as_draft = file(draft_sha);
    assert_eq!(as_draft.code, 2, "{}", as_draft.stderr);
    assert!(as_draft.stderr.contains("sha256: That PDF is a draft"), "{}", as_draft.stderr);
    let unknown = file(&"0".repeat(64));
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("sha256: No PDF of"), "{}", unknown.stderr);
    let blank =
        s.run(&["export", "filed", &reference, "--sha256", &sha256, "--where", " ", "--reference", "", "--by", "x"]);
    assert_eq!(blank.code, 2);
    assert!(blank.stderr.contains("where: Enter where it was filed"), "{}", blank.stderr);
    assert!(blank.stderr.contains("reference: Enter the care record's reference"), "{}", blank.stderr);
    let filed = file(&sha256.to_uppercase());
    assert_eq!(filed.code, 0, "{}", filed.stderr);
    let request = s.run(&["request", "show", &reference, "--json"]).json();
    let record = &request["filed"][0];
    assert_eq!(record["sha256"], sha256.as_str());
    assert_eq!(record["place"], "Mosaic: Assessments");
    assert_eq!(record["record_reference"], "ASM-77120");
    assert_eq!(record["filed_by"], "Rhian Evans");
    assert_eq!(record["kind"], "care_record");
    assert_eq!(request["filed"].as_array().unwrap().len(), 1, "refused filings wrote nothing");
    let shown = s.run(&["request", "show", &reference]);
    assert!(
        shown.stdout.contains("Filed in the care record: Mosaic: Assessments, reference ASM-77120"),
        "{}",
        shown.stdout
    );

    // The request or the log on its own.
    let only_log = out_dir.join("log.pdf");
    assert_eq!(export(&s, &reference, &only_log, &["--only", "log"]).code, 0);
    let log_text = pages_text(&only_log).join("\n");
    assert!(log_text.contains("Investigation log (Appendix 2)") && !log_text.contains("Authorisation chain"));
    assert!(!log_text.contains("Exhibit 1"), "no exhibits in the log alone");
    assert!(tool("pdfimages", &["-list", only_log.to_str().unwrap()]).lines().count() == 2, "no pictures");
    let only_request = out_dir.join("request.pdf");
    assert_eq!(export(&s, &reference, &only_request, &["--only", "request"]).code, 0);
    let request_text = pages_text(&only_request).join("\n");
    assert!(request_text.contains("Authorisation chain") && !request_text.contains("Investigation log (Appendix 2)"));
    let bad = export(&s, &reference, &out_dir.join("x.pdf"), &["--only", "cover"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("only:"), "{}", bad.stderr);

    // For people to look at.
    let looks = crate::repo_root().join("tests/out/pdf");
    std::fs::create_dir_all(&looks).unwrap();
    let provenance =
        text_pages.iter().position(|p| p.contains("Exhibit 2: provenance")).expect("exhibit 2's provenance");
    let log_page = text_pages
        .iter()
        .position(|p| p.contains(&format!("Investigation log (Appendix 2): {reference}")))
        .expect("the log's first page");
    for page in [1, 3, log_page + 1, provenance + 1, provenance + 2] {
        let page = page.min(pages).to_string();
        tool(
            "pdftoppm",
            &["-r", "60", "-png", "-f", &page, "-l", &page, pdf, looks.join("care-record").to_str().unwrap()],
        );
    }
}

#[test]
fn a_request_without_a_log_or_captures_exports_as_a_draft_only_and_bad_destinations_change_nothing() {
    let s = crate::setup();
    s.init();
    assert_eq!(s.run(&["worker", "set", "--name", "Rhian Evans", "--role", "osw"]).code, 0);
    let run = s.run(&[
        "request",
        "create",
        "--file",
        crate::repo_root().join("tests/fixtures/request-example.json").to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let reference = run.stdout.trim().to_string();
    let dir = s.data_dir.parent().unwrap().to_path_buf();
    let missing_folder = export(&s, &reference, &dir.join("no-such-folder/x.pdf"), &["--draft"]);
    assert_eq!(missing_folder.code, 2, "{}", missing_folder.stderr);
    assert!(missing_folder.stderr.contains("out: The folder"), "{}", missing_folder.stderr);
    let unknown = export(&s, "TRI-1999-9999", &dir.join("x.pdf"), &["--draft"]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("TRI-1999-9999 does not exist"), "{}", unknown.stderr);
    assert!(!dir.join("x.pdf").exists());
    let path = dir.join("draft.pdf");
    let done = export(&s, &reference, &path, &["--draft"]);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let pages = pages_text(&path);
    assert!(pages.iter().all(|p| p.contains("DRAFT: the investigation log is not finalised")));
    let body = joined_body(&pages, &reference);
    assert!(body.contains("Nosearchhasbeenlogged"), "{body}");
    assert!(body.contains("AnnaKowalska") && body.contains("11February1994"), "dates as people write them");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "personal data is its owner's only");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
