//! A fixture "social profile" site on 127.0.0.1 for the capture tests: a long page with lazy
//! images, a 40,000 px page, a redirect chain, a pushState link, a link that opens a new
//! tab, a title with `<script>`, right-to-left text and non-Latin names, a 404; and an HTTPS
//! copy with a self-signed certificate, served by `openssl s_server`.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub const TRICKY_TITLE: &str = "<script>window.pwned=1</script> مرحبا بالعالم — Łukasz Żółć, Siân Ó Súilleabháin";

pub struct Site {
    pub base: String,
    hits: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

impl Site {
    /// How many requests the site has had for this path.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

/// Text on the marked page, in the box from (0, 0) to (600, 100) px that a test redacts.
pub const HIDDEN_MARKER: &str = "Zmarker-under-the-box-7f3a9c";

/// The long page's height, its fixed header's and the colours that mark them.
pub const LONG_PAGE_PX: u32 = 250_000;
pub const HEADER_PX: u32 = 60;
pub const HEADER_RGB: [u8; 3] = [0xc0, 0x00, 0x00];
pub const SIDEBAR_RGB: [u8; 3] = [0x00, 0x00, 0xc0];
pub const BOTTOM_RGB: [u8; 3] = [0x00, 0xa0, 0x00];
/// Where the bottom marker row starts: near the end of the long page.
pub const BOTTOM_AT_PX: u32 = 249_900;

/// A timeline `height` px tall (250,000 unless asked) with a fixed header, a sticky
/// sidebar, a post every 1,000 px and a green row 100 px from the bottom.
fn long_page(height: u32) -> String {
    let bottom_at = height - (LONG_PAGE_PX - BOTTOM_AT_PX);
    let mut body = format!(
        "<header style=\"position:fixed;top:0;left:0;right:0;height:{HEADER_PX}px;background:rgb({},{},{});z-index:10;color:#fff\">Jane's timeline</header>\
         <aside style=\"position:sticky;top:{HEADER_PX}px;float:left;width:100px;height:300px;background:rgb({},{},{})\">Friends</aside>",
        HEADER_RGB[0], HEADER_RGB[1], HEADER_RGB[2], SIDEBAR_RGB[0], SIDEBAR_RGB[1], SIDEBAR_RGB[2]
    );
    for y in (1_000..height - 1_000).step_by(1_000) {
        body.push_str(&format!("<p style=\"position:absolute;top:{y}px;left:140px;margin:0\">Post at {y}</p>"));
    }
    body.push_str(&format!(
        "<div style=\"position:absolute;top:{bottom_at}px;left:0;width:100%;height:50px;background:rgb({},{},{})\"></div>",
        BOTTOM_RGB[0], BOTTOM_RGB[1], BOTTOM_RGB[2]
    ));
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Long timeline</title></head><body style=\"margin:0;height:{height}px;position:relative;font-family:sans-serif;background:#fff\">{body}</body></html>"
    )
}

/// The virtualised feed: posts of `POST_PX` below a `FEED_TOP_PX` band, each drawn only
/// while within a screen of the view (as list-virtualising libraries do), each starting with
/// a `MARKER_PX` band coloured `marker_rgb(n)` and otherwise `POST_RGB`; a fixed header and a
/// sticky sidebar of the long page's colours.
pub const POSTS: u32 = 200;
pub const POST_PX: u32 = 300;
pub const FEED_TOP_PX: u32 = 100;
pub const MARKER_PX: u32 = 20;
pub const POST_RGB: [u8; 3] = [230, 230, 230];
pub fn marker_rgb(n: u32) -> [u8; 3] {
    [n as u8, 100, 200]
}

fn virtual_feed() -> String {
    let [hr, hg, hb] = HEADER_RGB;
    let [sr, sg, sb] = SIDEBAR_RGB;
    let [pr, pg, pb] = POST_RGB;
    let feed_px = POSTS * POST_PX;
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Virtual timeline</title></head>\
         <body style=\"margin:0;background:#fff;font-family:sans-serif\">\
         <header style=\"position:fixed;top:0;left:0;right:0;height:{HEADER_PX}px;background:rgb({hr},{hg},{hb});z-index:10\"></header>\
         <div style=\"height:{FEED_TOP_PX}px\"></div>\
         <div style=\"display:flex\">\
         <aside style=\"position:sticky;top:{HEADER_PX}px;align-self:flex-start;flex:none;width:100px;height:300px;background:rgb({sr},{sg},{sb})\"></aside>\
         <div id=\"feed\" style=\"position:relative;flex:1;height:{feed_px}px\"></div></div>\
         <script>\
         const feed = document.getElementById('feed'); const drawn = new Map();\
         function draw() {{\
           const top = scrollY - innerHeight, bottom = scrollY + 2 * innerHeight;\
           const feedTop = feed.getBoundingClientRect().top + scrollY;\
           for (let n = 1; n <= {POSTS}; n++) {{\
             const y = feedTop + (n - 1) * {POST_PX}; const near = y + {POST_PX} > top && y < bottom;\
             if (near && !drawn.has(n)) {{\
               const post = document.createElement('article');\
               post.style.cssText = `position:absolute;left:0;right:0;top:${{(n - 1) * {POST_PX}}}px;height:{POST_PX}px;background:rgb({pr},{pg},{pb})`;\
               post.innerHTML = `<div style=\"height:{MARKER_PX}px;background:rgb(${{n}},100,200)\"></div><p style=\"margin:8px\">Post ${{n}}</p>`;\
               feed.appendChild(post); drawn.set(n, post);\
             }}\
             if (!near && drawn.has(n)) {{ drawn.get(n).remove(); drawn.delete(n); }}\
           }}\
         }}\
         addEventListener('scroll', draw); draw();\
         </script></body></html>"
    )
}

/// The feed that loads more as it is scrolled: `FEED_BATCH` posts of 400 px at a time, the
/// first in the page and each further batch fetched from `/profile/jane/feed/batch/N` when
/// the bottom comes within a screen; post k is dated `feed_date(k)`; there are
/// `FEED_BATCHES` batches after the first.
pub const FEED_BATCH: u32 = 10;
pub const FEED_BATCHES: u32 = 30;
pub fn feed_date(k: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap() - chrono::Duration::days(4 * i64::from(k))
}

fn feed_post(k: u32) -> String {
    format!("{{\"n\":{k},\"date\":\"{}\"}}", feed_date(k))
}

fn loading_feed() -> String {
    let first: Vec<String> = (0..FEED_BATCH).map(feed_post).collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Loading timeline</title></head>\
         <body style=\"margin:0;font-family:sans-serif\"><div id=\"feed\"></div><p id=\"more\">Loading…</p>\
         <script>\
         const feed = document.getElementById('feed'); let next = 1; let loading = false;\
         function add(posts) {{ for (const p of posts) {{ const a = document.createElement('article'); a.style.height = '400px';\
           a.innerHTML = `<p>Post ${{p.n}}</p><time datetime=\"${{p.date}}\">${{p.date}}</time>`; feed.appendChild(a); }} }}\
         add([{first}]);\
         function more() {{\
           if (loading || next > {FEED_BATCHES}) return;\
           if (scrollY + 2 * innerHeight < document.documentElement.scrollHeight) return;\
           loading = true;\
           fetch('/profile/jane/feed/batch/' + next).then((r) => r.json()).then((posts) => {{ next++; add(posts); loading = false;\
             if (next > {FEED_BATCHES}) document.getElementById('more').textContent = 'The end'; more(); }});\
         }}\
         addEventListener('scroll', more);\
         </script></body></html>",
        first = first.join(",")
    )
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body style=\"margin:0;font-family:sans-serif\">{body}</body></html>"
    )
}

fn profile() -> String {
    let mut body = String::from(
        "<h1>Jane Doe</h1>\
         <p><a id=\"spa\" href=\"/profile/jane/photos\" onclick=\"history.pushState({}, '', '/profile/jane/photos'); document.getElementById('where').textContent = 'Photos'; return false\">Photos</a> \
         <a id=\"newtab\" href=\"/profile/jane/about\" target=\"_blank\">About (new tab)</a></p>\
         <p id=\"where\">Posts</p>",
    );
    for n in 1..=30 {
        body.push_str(&format!(
            "<div style=\"height:220px;border-bottom:1px solid #ccc\"><p>Post {n}</p><img loading=\"lazy\" width=\"160\" height=\"120\" alt=\"photo {n}\" src=\"/img/{n}.svg\"></div>"
        ));
    }
    page("Jane Doe – profile", &body)
}

fn respond(stream: &mut std::net::TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\nX-Fixture: triangulate\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

/// The toolchain's documentation folder (`share/doc/rust/html` under `rustc --print sysroot`),
/// when the rust-docs component is installed.
pub fn rust_docs() -> Option<PathBuf> {
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--print", "sysroot"])
        .output()
        .ok()?;
    let root = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim()).join("share/doc/rust/html");
    root.join("book/print.html").is_file().then_some(root)
}

/// A file under `root` and its media type; nothing outside it.
fn docs_file(root: &Path, relative: &str) -> Option<(&'static str, Vec<u8>)> {
    if relative.split('/').any(|part| part == ".." || part.contains('\\')) {
        return None;
    }
    let path = root.join(relative);
    let kind = match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "json" => "application/json",
        _ => "application/octet-stream",
    };
    Some((kind, std::fs::read(path).ok()?))
}

pub fn start() -> Site {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let hits: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>> = Default::default();
    let counted = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let counted = counted.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    return;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).map(|n| n == 0).unwrap_or(true) || header == "\r\n" {
                        break;
                    }
                }
                let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
                *counted.lock().unwrap().entry(path.clone()).or_default() += 1;
                let html =
                    |body: String| (vec![("Content-Type", "text/html; charset=utf-8".to_string())], body.into_bytes());
                match path.as_str() {
                    "/start" => {
                        let (h, b) = html(page("Start", "<a id=\"to-profile\" href=\"/r1\">Jane's profile</a>"));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/login" => {
                        // The account's log-in: a cookie kept for a month, as a platform's is.
                        let (mut h, b) = html(page("Signed in", "<p>Signed in as council.checks</p>"));
                        h.push((
                            "Set-Cookie",
                            "fixture_login=council-checks; Max-Age=2592000; Path=/; HttpOnly".into(),
                        ));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/r1" => respond(&mut stream, "302 Found", &[("Location", "/r2".into())], b""),
                    "/r2" => {
                        respond(&mut stream, "301 Moved Permanently", &[("Location", "/profile/jane".into())], b"")
                    }
                    "/profile/jane" | "/profile/jane/photos" => {
                        let (h, b) = html(profile());
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/profile/jane/about" => {
                        let (h, b) = html(page("About Jane", "<h1>About</h1><p>Lives in the town.</p>"));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/profile/jane/tall" => {
                        let (h, b) = html(page(
                            "Tall",
                            "<div style=\"height:40000px;background:linear-gradient(#fff,#036)\">top</div>",
                        ));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    p if p.starts_with("/profile/jane/docs/") => {
                        // Real pages no one here wrote: the toolchain's own documentation
                        // (rustup's rust-docs component), as a static server gives it.
                        let relative = p["/profile/jane/docs/".len()..].split(['?', '#']).next().unwrap_or("");
                        match rust_docs().and_then(|root| docs_file(&root, relative)) {
                            Some((kind, bytes)) => {
                                respond(&mut stream, "200 OK", &[("Content-Type", kind.into())], &bytes)
                            }
                            None => respond(&mut stream, "404 Not Found", &[], b"not found"),
                        }
                    }
                    p if p.starts_with("/profile/jane/long") => {
                        let height = p.split_once("?h=").and_then(|(_, h)| h.parse().ok()).unwrap_or(LONG_PAGE_PX);
                        let (h, b) = html(long_page(height.clamp(3_000, 2_000_000)));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/profile/jane/virtual" => {
                        let (h, b) = html(virtual_feed());
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/profile/jane/feed" => {
                        let (h, b) = html(loading_feed());
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    p if p.starts_with("/profile/jane/feed/batch/") => {
                        let batch: u32 = p.rsplit('/').next().and_then(|n| n.parse().ok()).unwrap_or(0);
                        let posts: Vec<String> =
                            (batch * FEED_BATCH..(batch + 1) * FEED_BATCH).map(feed_post).collect();
                        let body = format!("[{}]", posts.join(","));
                        respond(&mut stream, "200 OK", &[("Content-Type", "application/json".into())], body.as_bytes())
                    }
                    "/profile/jane/title" => {
                        let escaped = TRICKY_TITLE.replace('&', "&amp;").replace('<', "&lt;");
                        let (h, b) = html(page(&escaped, "<p dir=\"rtl\">مرحبا بالعالم</p><p>Łukasz Żółć</p>"));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    p if p.starts_with("/profile/jane/noise") => {
                        // A photograph-like picture: noise drawn from the seed, which a PNG
                        // cannot squeeze (about 1 MB of screenshot).
                        let seed: u32 = p.split_once("?seed=").and_then(|(_, s)| s.parse().ok()).unwrap_or(1);
                        let body = format!(
                            "<h1>Photos</h1><canvas id=\"c\" width=\"620\" height=\"560\"></canvas><script>\
                             let x = {seed} * 2654435761 >>> 0; const c = document.getElementById('c').getContext('2d'); \
                             const d = c.createImageData(620, 560); \
                             for (let i = 0; i < d.data.length; i++) {{ x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; \
                             d.data[i] = (i % 4 == 3) ? 255 : (x & 255); }} c.putImageData(d, 0, 0);</script>\
                             <div style=\"height:1400px\">Older posts</div>"
                        );
                        let (h, b) = html(page("Photos", &body));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/profile/jane/marked" => {
                        let body = format!(
                            "<p style=\"position:absolute;top:20px;left:10px;margin:0;font-size:24px\">{HIDDEN_MARKER}</p>\
                             <p style=\"position:absolute;top:200px;left:10px;margin:0\">Visible post</p>"
                        );
                        let (h, b) = html(page("Jane's marked page", &body));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/profile/second" => {
                        let (h, b) = html(page("The second person's page", "<h1>Second person</h1>"));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    "/elsewhere/page" => {
                        let (h, b) = html(page("Someone else", "<p>Not Jane</p>"));
                        respond(&mut stream, "200 OK", &h, &b)
                    }
                    p if p.starts_with("/img/") => {
                        let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"120\"><rect width=\"160\" height=\"120\" fill=\"#9cf\"/></svg>";
                        respond(&mut stream, "200 OK", &[("Content-Type", "image/svg+xml".into())], svg.as_bytes())
                    }
                    _ => {
                        let (h, b) = html(page("Not found", "<h1>404</h1>"));
                        respond(&mut stream, "404 Not Found", &h, &b)
                    }
                }
            });
        }
    });
    Site { base, hits }
}

/// An HTTPS copy of the profile page under `openssl s_server -WWW`, with a fresh self-signed
/// certificate; stopped on drop.
pub struct TlsSite {
    pub base: String,
    pub certificate_pem: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for TlsSite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn start_tls() -> TlsSite {
    let dir = tempfile::tempdir().unwrap();
    let root: &Path = dir.path();
    std::fs::create_dir_all(root.join("profile")).unwrap();
    std::fs::write(root.join("profile/jane.html"), profile()).unwrap();
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1/O=Triangulate fixture",
        ])
        .args(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "key.pem", "-out", "cert.pem"])
        .current_dir(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "openssl made no certificate");
    let port = free_port();
    let child = Command::new("openssl")
        .args(["s_server", "-quiet", "-accept", &port.to_string(), "-cert", "cert.pem", "-key", "key.pem", "-WWW"])
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    TlsSite { base: format!("https://127.0.0.1:{port}"), certificate_pem: root.join("cert.pem"), child, _dir: dir }
}
