//! `triangulate-verify FILE.zip|FOLDER [--expect-fingerprint FP] [--json]`: checks an
//! evidence bundle on any machine, without Triangulate, its store or a key. Exit 0 when the
//! bundle is intact, 1 when it is not, 2 when it cannot be read or the arguments are wrong.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut path: Option<PathBuf> = None;
    let mut expect: Option<String> = None;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--expect-fingerprint" => match args.next() {
                Some(value) => expect = Some(value),
                None => {
                    return usage("--expect-fingerprint needs the fingerprint (hex of the SHA-256 of the public key)");
                }
            },
            "--json" => json = true,
            "-h" | "--help" => {
                println!("usage: triangulate-verify FILE.zip|FOLDER [--expect-fingerprint FP] [--json]");
                return ExitCode::SUCCESS;
            }
            other if other.starts_with("--") => return usage(&format!("unknown option {other}")),
            other if path.is_none() => path = Some(PathBuf::from(other)),
            _ => return usage("give one bundle"),
        }
    }
    let Some(path) = path else { return usage("give the bundle to check") };
    match triangulate_bundle::verify_path(&path, expect.as_deref()) {
        Ok(report) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&report).expect("a report serialises"));
            } else {
                for line in triangulate_bundle::report_lines(&report) {
                    println!("{}", triangulate_bundle::printable(&line));
                }
            }
            if report.intact() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(why) => {
            eprintln!("triangulate-verify: {why}");
            ExitCode::from(2)
        }
    }
}

fn usage(why: &str) -> ExitCode {
    eprintln!(
        "triangulate-verify: {why}\nusage: triangulate-verify FILE.zip|FOLDER [--expect-fingerprint FP] [--json]"
    );
    ExitCode::from(2)
}
