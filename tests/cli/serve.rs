//! `triangulate serve`: the HTTP door. One JSON line with the address and a token, then every
//! command of the contract as `POST {url}/api/{command}`, answered as the desktop's window is
//! answered (the same JSON; an error with the same code and body, as an HTTP client error);
//! nothing for anyone without the token; loopback addresses only.

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

use serde_json::{Value, json};

use crate::{Setup, setup};

/// A running `triangulate serve` on a data folder, stopped when dropped.
struct Door {
    child: Child,
    url: String,
    token: String,
}

impl Drop for Door {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(s: &Setup) -> Door {
    let mut child = s
        .command(&["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let started: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
    let keys: Vec<&String> = started.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["token", "url"], "one line: the address and the token");
    Door {
        child,
        url: started["url"].as_str().unwrap().to_string(),
        token: started["token"].as_str().unwrap().to_string(),
    }
}

/// The status and the body of a POST with this authorisation (none when `None`).
fn post(door: &Door, command: &str, authorization: Option<&str>, body: Value) -> (u16, String) {
    let mut request = ureq::post(&format!("{}/api/{command}", door.url)).set("Content-Type", "application/json");
    if let Some(authorization) = authorization {
        request = request.set("Authorization", authorization);
    }
    match request.send_string(&body.to_string()) {
        Ok(response) => (response.status(), response.into_string().unwrap()),
        Err(ureq::Error::Status(status, response)) => (status, response.into_string().unwrap()),
        Err(error) => panic!("{command}: {error}"),
    }
}

fn call(door: &Door, command: &str, body: Value) -> (u16, Value) {
    let (status, text) = post(door, command, Some(&format!("Bearer {}", door.token)), body);
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{command} gave {text:?}: {e}")))
}

#[test]
fn the_http_door_answers_every_command_as_the_window_is_answered_and_only_to_its_token() {
    let s = setup();
    s.init();
    s.staff();
    let door = start(&s);
    assert!(door.url.starts_with("http://127.0.0.1:"), "{}", door.url);
    assert!(door.token.len() >= 32 && door.token.chars().all(|c| c.is_ascii_hexdigit()), "a random token");

    // The store as the window sees it, and the staff directory the command line imported.
    let (status, store) = call(&door, "store_status", json!({}));
    assert_eq!(status, 200);
    assert_eq!(store["state"], "ready", "{store}");
    let (status, staff) = call(&door, "staff_list", Value::Null);
    assert_eq!(status, 200);
    let names: Vec<&str> = staff["staff"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Sam Patel") && names.contains(&"Gwen Thomas"), "{names:?}");

    // A change made through the door is in the store the command line reads.
    let (status, added) = call(&door, "staff_add", json!({ "name": "Ffion Hughes", "roles": ["osw"], "staff_id": "", "team": "Assessment West" }));
    assert_eq!(status, 200, "{added}");
    let listed = s.run(&["staff", "list", "--json"]);
    assert!(listed.stdout.contains("Ffion Hughes"), "{}", listed.stdout);

    // Field errors: the same body as the window's, as 422, and nothing changed.
    let (status, refused) = call(&door, "staff_add", json!({ "name": "", "roles": ["osw"], "staff_id": "", "team": "" }));
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["code"], "invalid_fields");
    assert_eq!(refused["fields"][0]["field"], "name", "{refused}");
    for key in ["code", "message", "fields", "guards", "refusals", "url"] {
        assert!(refused.get(key).is_some(), "{key} in {refused}");
    }
    // What is not there, and arguments that do not read.
    let (status, missing) = call(&door, "request_get", json!({ "reference": "REQ-2026-0404" }));
    assert_eq!((status, missing["code"].as_str()), (404, Some("not_found")), "{missing}");
    let (status, unknown) = call(&door, "no_such_command", json!({}));
    assert_eq!((status, unknown["code"].as_str()), (404, Some("not_found")), "{unknown}");
    let (status, unread) = call(&door, "request_get", json!({ "reference": 7 }));
    assert_eq!((status, unread["code"].as_str()), (400, Some("invalid_input")), "{unread}");

    // Without the token, or with another, nothing: 401 and an empty body, for every path.
    for authorization in [None, Some("Bearer "), Some("Bearer 0123"), Some(format!("Bearer {}0", door.token).as_str()), Some(door.token.as_str())] {
        let (status, body) = post(&door, "staff_list", authorization, json!({}));
        assert_eq!((status, body.as_str()), (401, ""), "{authorization:?}");
    }
    let (status, body) = post(&door, "../store_status", None, json!({}));
    assert_eq!((status, body.as_str()), (401, ""));
}

#[test]
fn the_http_door_listens_on_this_computer_only() {
    let s = setup();
    s.init();
    for listen in ["0.0.0.0:0", "192.0.2.10:8080"] {
        let run = s.run(&["serve", "--listen", listen]);
        assert_eq!(run.code, 2, "{listen}: {}", run.stderr);
        assert!(run.stderr.contains("listen:") && run.stderr.contains("127.0.0.1"), "{}", run.stderr);
        assert!(run.stdout.is_empty(), "no address, no token: {}", run.stdout);
    }
    let run = s.run(&["serve", "--listen", "localhost"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("is not an address and port"), "{}", run.stderr);
}

/// A GET with the door's token: the status and the body.
fn get(door: &Door, path: &str, authorised: bool) -> (u16, String) {
    let mut request = ureq::get(&format!("{}{path}", door.url));
    if authorised {
        request = request.set("Authorization", &format!("Bearer {}", door.token));
    }
    match request.call() {
        Ok(response) => (response.status(), response.into_string().unwrap()),
        Err(ureq::Error::Status(status, response)) => (status, response.into_string().unwrap()),
        Err(error) => panic!("{path}: {error}"),
    }
}

#[test]
fn the_http_door_keeps_long_works_progress_for_its_page_to_read() {
    let s = setup();
    s.init();
    s.staff();
    assert_eq!(s.run(&["worker", "set", "--name", "Sam Patel", "--role", "aaw"]).code, 0);
    let file = s.data_dir.parent().unwrap().join("request.json");
    std::fs::write(&file, include_str!("../fixtures/request-example.json")).unwrap();
    let created = s.run(&["request", "create", "--file", file.to_str().unwrap()]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let reference = created.stdout.trim().to_string();
    let door = start(&s);

    // Where to start reading: nothing yet.
    let (status, first) = get(&door, "/api/events/progress", true);
    assert_eq!(status, 200, "{first}");
    let first: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(first["reports"], json!([]));
    let next = first["next"].as_u64().unwrap();

    // A draft PDF through the door, then its progress as the page reads it.
    let out = s.data_dir.parent().unwrap().join("draft.pdf");
    let (status, exported) =
        call(&door, "export_pdf", json!({ "reference": reference, "path": out.display().to_string(), "draft": true, "only": null }));
    assert_eq!(status, 200, "{exported}");
    let (status, read) = get(&door, &format!("/api/events/progress?after={next}"), true);
    assert_eq!(status, 200, "{read}");
    let read: Value = serde_json::from_str(&read).unwrap();
    let reports = read["reports"].as_array().unwrap();
    assert!(reports.len() >= 3, "the export's steps: {read}");
    assert!(reports.iter().all(|r| r["work"] == "export_pdf" && r["about"] == reference.as_str()), "{read}");
    let done: Vec<u64> = reports.iter().map(|r| r["done"].as_u64().unwrap()).collect();
    assert!(done.windows(2).all(|w| w[0] <= w[1]), "done never goes back: {done:?}");
    let last = reports.last().unwrap();
    assert_eq!((last["finished"].as_bool(), last["done"].as_u64()), (Some(true), last["total"].as_u64()), "{last}");
    assert_eq!(read["next"].as_u64().unwrap(), next + reports.len() as u64);
    // Read again from there: nothing new.
    let (_, again) = get(&door, &format!("/api/events/progress?after={}", read["next"]), true);
    assert_eq!(serde_json::from_str::<Value>(&again).unwrap()["reports"], json!([]));

    // Behind the token like every command; a cursor that is not a number is the caller's problem.
    assert_eq!(get(&door, "/api/events/progress", false), (401, String::new()));
    let (status, bad) = get(&door, "/api/events/progress?after=soon", true);
    assert_eq!(status, 400, "{bad}");
}
