//! A capture's web archive as WACZ 1.1.1, the package Webrecorder's tools (ReplayWeb.page,
//! pywb, py-wacz) open: the signed WARC byte for byte as `archive/data.warc`, a CDXJ index of
//! its records as `indexes/index.cdxj` (the lines `cdxj-indexer --sort` writes for the same
//! file), the captured page in `pages/pages.jsonl`, and `datapackage.json` naming every file
//! with its SHA-256 and size, itself digested in `datapackage-digest.json`. The files are
//! returned as bytes, in the order they go into the ZIP; the caller zips them.

use chrono::{DateTime, SecondsFormat, Utc};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::warc::base32;

pub const WACZ_VERSION: &str = "1.1.1";
pub const WARC_PATH: &str = "archive/data.warc";
pub const INDEX_PATH: &str = "indexes/index.cdxj";
pub const PAGES_PATH: &str = "pages/pages.jsonl";
pub const DATAPACKAGE_PATH: &str = "datapackage.json";
pub const DATAPACKAGE_DIGEST_PATH: &str = "datapackage-digest.json";

/// The captured page, as the page list names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaczPage {
    /// The page's address (a fragment is dropped).
    pub url: String,
    pub title: String,
    /// When the capture started: the page's time when the archive holds no response for it.
    pub captured_at: DateTime<Utc>,
}

/// One WARC record as the index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedRecord {
    pub warc_type: String,
    pub url: String,
    /// `WARC-Date` as written.
    pub date: String,
    pub mime: Option<String>,
    pub status: Option<u16>,
    pub digest: String,
    pub offset: usize,
    pub length: usize,
}

/// The files of the WACZ for `warc`, in order: `archive/data.warc`, `indexes/index.cdxj`,
/// `pages/pages.jsonl`, `datapackage.json`, `datapackage-digest.json`. `created` is when the
/// package is made; `software` names the program that made it.
pub fn wacz_files(
    warc: &[u8],
    page: &WaczPage,
    created: DateTime<Utc>,
    software: &str,
) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
    let records = read_records(warc)?;
    let index = cdxj(&records, "data.warc");
    let url = page.url.split('#').next().unwrap_or(&page.url);
    // The page's own response (not a redirect), so a player asked for the page at this time
    // finds what the browser received.
    let ts = records
        .iter()
        .rev()
        .find(|r| r.warc_type == "response" && r.url == url && r.status.is_some_and(|s| !(300..400).contains(&s)))
        .map(|r| r.date.clone())
        .unwrap_or_else(|| page.captured_at.to_rfc3339_opts(SecondsFormat::Millis, true));
    let pages = format!(
        "{}\n{}\n",
        py_json(&[("format", "json-pages-1.0"), ("id", "pages"), ("title", "All Pages")]),
        py_json(&[("id", "page-1"), ("url", url), ("ts", &ts), ("title", &page.title)])
    );
    let files: Vec<(&'static str, Vec<u8>)> =
        vec![(WARC_PATH, warc.to_vec()), (INDEX_PATH, index.into_bytes()), (PAGES_PATH, pages.into_bytes())];
    let resources: Vec<serde_json::Value> = files
        .iter()
        .map(|(path, bytes)| {
            serde_json::json!({
                "name": path.rsplit('/').next().unwrap_or(path),
                "path": path,
                "hash": format!("sha256:{}", hex::encode(Sha256::digest(bytes))),
                "bytes": bytes.len(),
            })
        })
        .collect();
    let datapackage = serde_json::json!({
        "profile": "data-package",
        "resources": resources,
        "title": page.title,
        "mainPageURL": url,
        "mainPageDate": ts,
        "created": created.to_rfc3339_opts(SecondsFormat::Secs, true),
        "wacz_version": WACZ_VERSION,
        "software": software,
    });
    let datapackage = serde_json::to_vec_pretty(&datapackage).expect("JSON values serialise");
    let digest = serde_json::to_vec_pretty(&serde_json::json!({
        "path": DATAPACKAGE_PATH,
        "hash": format!("sha256:{}", hex::encode(Sha256::digest(&datapackage))),
    }))
    .expect("JSON values serialise");
    let mut files = files;
    files.push((DATAPACKAGE_PATH, datapackage));
    files.push((DATAPACKAGE_DIGEST_PATH, digest));
    Ok(files)
}

/// The CDXJ index of the records a replay looks up (responses, revisits, resources and
/// metadata that are not `application/warc-fields`), sorted, as `cdxj-indexer --sort` and
/// py-wacz write it: `urlkey timestamp {"url", "mime", "status", "digest", "length",
/// "offset", "filename"}`.
pub fn cdxj(records: &[IndexedRecord], filename: &str) -> String {
    let mut lines: Vec<String> = records
        .iter()
        .filter(|r| match r.warc_type.as_str() {
            "response" | "revisit" => true,
            "resource" | "metadata" => r.mime.as_deref() != Some("application/warc-fields"),
            _ => false,
        })
        .map(|r| {
            let status = r.status.map(|s| s.to_string());
            let (length, offset) = (r.length.to_string(), r.offset.to_string());
            let mut fields: Vec<(&str, &str)> = vec![("url", &r.url)];
            if let Some(mime) = &r.mime {
                fields.push(("mime", mime));
            }
            if let Some(status) = &status {
                fields.push(("status", status));
            }
            fields.extend([("digest", r.digest.as_str()), ("length", &length), ("offset", &offset)]);
            fields.push(("filename", filename));
            format!("{} {} {}", surt(&r.url), timestamp(&r.date), py_json(&fields))
        })
        .collect();
    lines.sort();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// `2026-12-07T05:26:04.123456Z` → `20261207052604`.
fn timestamp(date: &str) -> String {
    date.chars().filter(char::is_ascii_digit).take(14).collect()
}

/// A flat JSON object of strings as Python's `json.dumps` writes it (`", "` and `": "`,
/// everything outside ASCII escaped), so the index matches the reference indexer byte for byte.
fn py_json(fields: &[(&str, &str)]) -> String {
    let quote = |s: &str| {
        let mut out = String::from("\"");
        for unit in s.encode_utf16() {
            match unit {
                0x22 => out.push_str("\\\""),
                0x5c => out.push_str("\\\\"),
                0x0a => out.push_str("\\n"),
                0x0d => out.push_str("\\r"),
                0x09 => out.push_str("\\t"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                0x20..=0x7e => out.push(unit as u8 as char),
                _ => out.push_str(&format!("\\u{unit:04x}")),
            }
        }
        out.push('"');
        out
    };
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{}: {}", quote(k), quote(v))).collect();
    format!("{{{}}}", body.join(", "))
}

/// Reads an uncompressed WARC record by record: type, address, date, the HTTP status and
/// media type, the payload digest (SHA-1 of the payload where the record names none, as the
/// reference indexer computes it), and each record's offset and length in the file.
pub fn read_records(warc: &[u8]) -> Result<Vec<IndexedRecord>, String> {
    let mut records = Vec::new();
    let mut at = 0;
    while at < warc.len() {
        let offset = at;
        let head_end =
            find(&warc[at..], b"\r\n\r\n").ok_or(format!("the record at byte {offset} has no end of headers"))?;
        let head = std::str::from_utf8(&warc[at..at + head_end])
            .map_err(|_| format!("the record at byte {offset} has headers that are not UTF-8"))?;
        let mut lines = head.split("\r\n");
        if !lines.next().is_some_and(|l| l.starts_with("WARC/")) {
            return Err(format!("byte {offset} does not start a WARC record"));
        }
        let fields: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':').map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string())))
            .collect();
        let field = |name: &str| fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let length: usize = field("content-length")
            .and_then(|v| v.parse().ok())
            .ok_or(format!("the record at byte {offset} has no Content-Length"))?;
        let block_start = at + head_end + 4;
        let block_end = block_start.checked_add(length).filter(|&end| end <= warc.len()).ok_or(format!(
            "the record at byte {offset} is cut short: its block of {length} bytes runs past the file's end"
        ))?;
        let block = &warc[block_start..block_end];
        at = block_end;
        while warc.get(at..at + 2) == Some(b"\r\n") {
            at += 2;
        }
        let warc_type = field("warc-type").unwrap_or_default();
        let content_type = field("content-type");
        let http = content_type.as_deref().is_some_and(|t| t.starts_with("application/http"))
            && matches!(warc_type.as_str(), "response" | "revisit");
        let (status, http_type, payload) = if http { http_response(block) } else { (None, None, block) };
        let mime = match warc_type.as_str() {
            "revisit" => Some("warc/revisit".to_string()),
            "response" => http_type,
            _ => content_type,
        }
        .map(|t| t.split([';', ' ', '\t', '\r', '\n']).next().unwrap_or("").trim().to_string())
        .filter(|t| !t.is_empty());
        let digest = field("warc-payload-digest").unwrap_or_else(|| format!("sha1:{}", base32(&Sha1::digest(payload))));
        records.push(IndexedRecord {
            warc_type,
            url: field("warc-target-uri").unwrap_or_default(),
            date: field("warc-date").unwrap_or_default(),
            mime,
            status,
            digest,
            offset,
            // As the reference indexer counts it: the headers and the block, not the blank
            // lines that end the record.
            length: block_end - offset,
        });
    }
    Ok(records)
}

/// An HTTP response's status, `Content-Type` and payload.
fn http_response(block: &[u8]) -> (Option<u16>, Option<String>, &[u8]) {
    let Some(end) = find(block, b"\r\n\r\n") else {
        return (None, None, &block[block.len()..]);
    };
    let head = String::from_utf8_lossy(&block[..end]);
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok());
    let content_type = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(n, _)| n.trim().eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.trim().to_string());
    (status, content_type, &block[end + 4..])
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The SURT key of an address, as the `surt` library writes it for an index: for `http(s)`,
/// the host lower-cased without `www.` and its labels reversed (`com,example)`), a port only
/// when not the scheme's own, the path with dot segments resolved and no trailing slash,
/// escapes undone where they stand for plain characters, the query's parameters sorted, no
/// fragment, and all lower case. Any other address is its own key.
pub fn surt(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let (scheme, rest) = if let Some(rest) = lower.strip_prefix("http://") {
        ("http", &url[url.len() - rest.len()..])
    } else if let Some(rest) = lower.strip_prefix("https://") {
        ("https", &url[url.len() - rest.len()..])
    } else {
        return url.to_string();
    };
    let rest = rest.split('#').next().unwrap_or(rest);
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, target) = rest.split_at(split);
    let authority = authority.rsplit('@').next().unwrap_or(authority).to_ascii_lowercase();
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').unwrap_or((v6, ""));
        (host.to_string(), after.strip_prefix(':').unwrap_or("").to_string())
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), port.to_string()),
            None => (authority.clone(), String::new()),
        }
    };
    let default_port = if scheme == "http" { "80" } else { "443" };
    let host = host.trim_end_matches('.');
    let host = match host.split_once('.') {
        Some((first, rest))
            if first.starts_with("www") && first[3..].chars().all(|c| c.is_ascii_digit()) && !rest.is_empty() =>
        {
            rest
        }
        _ => host,
    };
    let mut key =
        if authority.starts_with('[') { host.to_string() } else { host.split('.').rev().collect::<Vec<_>>().join(",") };
    if !port.is_empty() && port != default_port {
        key.push(':');
        key.push_str(&port);
    }
    key.push(')');
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    key.push_str(&canonical_path(path));
    if let Some(query) = query.map(|q| escape(&unescape(q))).filter(|q| !q.is_empty()) {
        let mut params: Vec<String> = query.split('&').map(str::to_ascii_lowercase).collect();
        params.sort();
        key.push('?');
        key.push_str(&params.join("&"));
    }
    key.to_ascii_lowercase()
}

fn canonical_path(path: &str) -> String {
    let path = unescape(path);
    let mut segments: Vec<&[u8]> = Vec::new();
    for segment in path.split(|&b| b == b'/') {
        match segment {
            b"" | b"." => {}
            b".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut out = Vec::new();
    for segment in segments {
        out.push(b'/');
        out.extend_from_slice(segment);
    }
    if out.is_empty() {
        out.push(b'/');
    }
    escape(&out)
}

/// Undoes `%XX` escapes, again and again until none is left, as the canonicaliser does.
fn unescape(text: impl AsRef<[u8]>) -> Vec<u8> {
    let mut bytes = text.as_ref().to_vec();
    loop {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if bytes[i] == b'%'
                && let (Some(h), Some(l)) =
                    (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b)))
            {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            out.push(bytes[i]);
            i += 1;
        }
        if out == bytes {
            return out;
        }
        bytes = out;
    }
}

/// Escapes what may not stand bare in a key: controls, space, `#`, `%` and every byte past ASCII.
fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        if b <= 0x20 || b >= 0x7f || b == b'#' || b == b'%' {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_the_surt_library() {
        // Each expected key is what Python's `surt.surt` gives for the address.
        let cases = [
            ("http://127.0.0.1:40971/profile/jane", "1,0,0,127:40971)/profile/jane"),
            ("http://127.0.0.1:40971", "1,0,0,127:40971)/"),
            (
                "urn:triangulate:provenance:http://127.0.0.1:40971/a",
                "urn:triangulate:provenance:http://127.0.0.1:40971/a",
            ),
            ("https://www.Example.com/A/b?z=1&a=2#frag", "com,example)/a/b?a=2&z=1"),
            ("https://example.com:443/x", "com,example)/x"),
            ("http://example.com:80/", "com,example)/"),
            ("https://sub.example.co.uk/path;x?b&a=1", "uk,co,example,sub)/path;x?a=1&b"),
            ("http://localhost:8080/a b", "localhost:8080)/a%20b"),
            ("https://example.com/?", "com,example)/"),
            ("https://example.com/%7Efoo", "com,example)/~foo"),
            ("https://[::1]:8080/x", "::1:8080)/x"),
            ("https://example.com/a%2Fb%41?q=%2F&Q=X", "com,example)/a/ba?q=/&q=x"),
            ("https://example.com/caf%C3%A9", "com,example)/caf%c3%a9"),
            ("https://example.com/café", "com,example)/caf%c3%a9"),
            ("https://WWW2.example.com/x", "com,example)/x"),
            ("https://example.com/a?b=1&a=2&a=1", "com,example)/a?a=1&a=2&b=1"),
            ("https://example.com/a//b/../c", "com,example)/a/c"),
            ("https://user:pw@example.com/x", "com,example)/x"),
            ("https://example.com.:8443/x/", "com,example:8443)/x"),
            ("https://example.com/x?utm=1#a?b", "com,example)/x?utm=1"),
            ("https://example.com/%25", "com,example)/%25"),
        ];
        for (url, expected) in cases {
            assert_eq!(surt(url), expected, "{url}");
        }
    }

    #[test]
    fn the_index_of_the_sample_is_the_reference_indexers() {
        // `cdxj-indexer --sort data.warc` over the WARC module's sample (every kind of record
        // the capture writes, a body written as missing, a POST request).
        let expected = concat!(
            r#"com,example)/news?id=7 20261129172005 {"url": "https://example.com/news?id=7", "mime": "text/html", "status": "200", "digest": "sha256:PZJX5EB56W72TSO6FXCZBUTEN6FUVJY52FEHPPJ6F3HNVAU2IYMA====", "length": "765", "offset": "564", "filename": "data.warc"}"#,
            "\n",
            r#"com,example)/video.mp4 20261129172005 {"url": "https://example.com/video.mp4", "mime": "video/mp4", "status": "206", "digest": "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", "length": "657", "offset": "1918", "filename": "data.warc"}"#,
            "\n",
            r#"urn:triangulate:capture:42:full_page.png 20261129172009 {"url": "urn:triangulate:capture:42:full_page.png", "mime": "image/png", "digest": "sha256:GIF5DDFJKWPDWVHBZPUEVUF2Y63GAR4LWSJCZUNXUX4TZXISXCBA====", "length": "497", "offset": "3109", "filename": "data.warc"}"#,
            "\n",
            r#"urn:triangulate:capture:42:provenance 20261129172009 {"url": "urn:triangulate:capture:42:provenance", "mime": "application/json", "digest": "sha1:T6E4OQGOWRWXIGGJESTYVRLZIHK6SZJA", "length": "468", "offset": "3610", "filename": "data.warc"}"#,
            "\n",
        );
        let warc = crate::warc::tests::sample();
        let records = read_records(&warc).unwrap();
        assert_eq!(records.len(), 7, "every record read");
        assert_eq!(records.last().map(|r| r.offset + r.length + 4), Some(warc.len()), "every byte accounted for");
        assert_eq!(cdxj(&records, "data.warc"), expected);
    }

    #[test]
    fn the_package_names_every_file_with_its_digest_and_the_pages_time() {
        let warc = crate::warc::tests::sample();
        let page = WaczPage {
            url: "https://example.com/news?id=7#top".into(),
            title: "News \"today\" — é".into(),
            captured_at: DateTime::parse_from_rfc3339("2026-11-29T17:20:10.5Z").unwrap().with_timezone(&Utc),
        };
        let created = DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z").unwrap().with_timezone(&Utc);
        let files = wacz_files(&warc, &page, created, "Triangulate 0.1.0").unwrap();
        let paths: Vec<&str> = files.iter().map(|(p, _)| *p).collect();
        assert_eq!(paths, [WARC_PATH, INDEX_PATH, PAGES_PATH, DATAPACKAGE_PATH, DATAPACKAGE_DIGEST_PATH]);
        assert_eq!(files[0].1, warc, "the WARC byte for byte");
        let pages = String::from_utf8(files[2].1.clone()).unwrap();
        let lines: Vec<serde_json::Value> = pages.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[0]["format"], "json-pages-1.0");
        assert_eq!(lines[1]["url"], "https://example.com/news?id=7");
        assert_eq!(lines[1]["title"], "News \"today\" — é");
        // The page's response's own time, not the capture's.
        assert_eq!(lines[1]["ts"], "2026-11-29T17:20:05.123456Z");
        let package: serde_json::Value = serde_json::from_slice(&files[3].1).unwrap();
        assert_eq!(package["profile"], "data-package");
        assert_eq!(package["wacz_version"], "1.1.1");
        assert_eq!(package["created"], "2026-12-01T09:00:00Z");
        let resources = package["resources"].as_array().unwrap();
        assert_eq!(resources.len(), 3);
        for ((path, bytes), resource) in files.iter().zip(resources) {
            assert_eq!(resource["path"], *path);
            assert_eq!(resource["hash"], format!("sha256:{}", hex::encode(Sha256::digest(bytes))));
            assert_eq!(resource["bytes"], bytes.len());
        }
        let digest: serde_json::Value = serde_json::from_slice(&files[4].1).unwrap();
        assert_eq!(digest["hash"], format!("sha256:{}", hex::encode(Sha256::digest(&files[3].1))));

        // A page the archive holds no response for keeps the capture's time.
        let elsewhere = WaczPage { url: "https://example.com/other".into(), ..page };
        let files = wacz_files(&warc, &elsewhere, created, "Triangulate 0.1.0").unwrap();
        assert!(String::from_utf8_lossy(&files[2].1).contains(r#""ts": "2026-11-29T17:20:10.500Z""#));
    }

    #[test]
    fn a_file_that_is_not_a_warc_is_refused_with_where() {
        assert!(read_records(b"hello\r\n\r\n").unwrap_err().contains("byte 0"));
        let warc = crate::warc::tests::sample();
        let cut = &warc[..warc.len() - 10];
        assert!(read_records(cut).unwrap_err().contains("cut short"));
    }
}
