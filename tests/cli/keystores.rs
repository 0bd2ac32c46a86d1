//! Which credential store keeps the key: the Secret Service when the desktop has one, else
//! the kernel keyring with a warning.

use crate::setup;

#[test]
fn with_no_secret_service_the_key_goes_to_the_kernel_keyring_with_a_warning() {
    let s = setup();
    let run = s
        .command(&["init"])
        .env("TRIANGULATE_KEYSTORE", "auto")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .unwrap();
    let run = crate::Run::from(run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Its database key is in the Linux kernel keyring"), "{}", run.stdout);
    assert!(run.stdout.contains("does not survive a reboot"), "{}", run.stdout);
    assert!(run.stderr.contains("no desktop Secret Service"), "{}", run.stderr);
}

#[test]
fn an_unknown_keystore_name_is_invalid_input() {
    let s = setup();
    let run = crate::Run::from(s.command(&["init"]).env("TRIANGULATE_KEYSTORE", "floppy-disk").output().unwrap());
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("TRIANGULATE_KEYSTORE"), "{}", run.stderr);
    assert!(!s.data_dir.join("triangulate.db").exists());
}

#[test]
#[ignore = "needs a desktop Secret Service (the test command starts gnome-keyring)"]
fn the_secret_service_keeps_the_key_and_recovery_puts_it_back() {
    let s = setup();
    let secret_service = |args: &[&str]| {
        crate::Run::from(s.command(args).env("TRIANGULATE_KEYSTORE", "secret-service").output().unwrap())
    };
    let run = secret_service(&["init", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["keystore"], "desktop Secret Service");
    assert_eq!(json["keystore_warning"], serde_json::Value::Null);
    let store_id = json["store_id"].as_str().unwrap().to_string();
    let phrase = json["recovery_phrase"].as_str().unwrap().to_string();
    assert_eq!(secret_service(&["worker", "set", "--name", "Dafydd ap Gruffudd", "--role", "tm"]).code, 0);

    let keystore = triangulate_store::Keystore::secret_service().unwrap();
    assert!(keystore.delete_key(&store_id).unwrap());
    let refused = secret_service(&["worker", "show"]);
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("is not in the desktop Secret Service"), "{}", refused.stderr);

    let mut child = s
        .command(&["recover"])
        .env("TRIANGULATE_KEYSTORE", "secret-service")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), phrase.as_bytes()).unwrap();
    let run = crate::Run::from(child.wait_with_output().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let show = secret_service(&["worker", "show", "--json"]);
    assert_eq!(show.json()["name"], "Dafydd ap Gruffudd");
    keystore.delete_key(&store_id).unwrap();
}

#[test]
#[ignore = "needs a desktop Secret Service (the test command starts gnome-keyring)"]
fn the_secret_services_copy_of_the_head_missing_is_said_and_made_again_only_when_accepted() {
    let s = setup();
    let secret_service = |args: &[&str]| {
        crate::Run::from(s.command(args).env("TRIANGULATE_KEYSTORE", "secret-service").output().unwrap())
    };
    let run = secret_service(&["init", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let store_id = run.json()["store_id"].as_str().unwrap().to_string();
    let keystore = triangulate_store::Keystore::secret_service().unwrap();
    assert!(keystore.get_head(&store_id).unwrap().is_some(), "init writes both copies");
    keystore.delete_head(&store_id).unwrap();

    let status = secret_service(&["status", "--json"]);
    assert_eq!(status.code, 0, "{}", status.stderr);
    let warning = status.json()["rollback_warning"].as_str().unwrap().to_string();
    assert!(warning.contains("the copy in the desktop Secret Service of the audit chain's head"), "{warning}");
    assert!(!warning.contains("restart"), "the Secret Service keeps it across restarts: {warning}");
    assert_eq!(secret_service(&["audit", "verify"]).code, 1);
    assert_eq!(secret_service(&["worker", "set", "--name", "Dafydd ap Gruffudd", "--role", "tm"]).code, 0);
    assert!(keystore.get_head(&store_id).unwrap().is_none(), "a change does not make the copy again");

    let accepted = secret_service(&["audit", "accept-head", "--by", "Dafydd ap Gruffudd", "--reason", "Keyring reset"]);
    assert_eq!(accepted.code, 0, "{}", accepted.stderr);
    assert!(keystore.get_head(&store_id).unwrap().is_some());
    assert_eq!(secret_service(&["audit", "verify"]).code, 0);
    keystore.delete_key(&store_id).unwrap();
    keystore.delete_head(&store_id).unwrap();
}
