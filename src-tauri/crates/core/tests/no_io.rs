//! The core does no IO and reads no clock: its code (tests aside) names no file, network,
//! process, environment or clock of the system. Time and everything read are passed in.

use std::path::Path;

#[path = "common/sources.rs"]
mod common;
use common::{code, sources};

/// What the core's code may not name: the system's files, network, processes, environment
/// and clocks.
const FORBIDDEN: [&str; 11] = [
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "std::io::stdin",
    "File::",
    "SystemTime",
    "Instant::now",
    "Utc::now",
    "Local::now",
    "tokio::",
];

#[test]
fn the_core_names_no_file_network_process_environment_or_clock() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() > 15, "the core's sources are read: {}", files.len());
    let mut found = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in code(&text) {
            let code = line.split("//").next().unwrap_or("");
            for word in FORBIDDEN {
                if code.contains(word) {
                    found.push(format!("{}:{n}: {}", file.display(), line.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "the core does IO or reads a clock:\n{}", found.join("\n"));
}

#[test]
fn code_after_a_test_module_is_read_and_the_module_is_not() {
    let text = "fn a() {}\n#[cfg(test)]\nmod tests {\n    fn t() { let x = \"{}\"; }\n}\n// a comment\nfn b() {}\n#[cfg(test)]\n#[path = \"x.rs\"]\nmod x;\nfn c() {}\n";
    let lines: Vec<usize> = code(text).iter().map(|(n, _)| *n).collect();
    assert_eq!(lines, [1, 7, 11], "the product's code, before and after the tests, and no comment");
}
