//! Care-record PDF benchmark: a request with 100 exhibits, each a real capture of a page of
//! photograph-like noise (about 1 MB of full-page PNG, as much again of viewport), taken and
//! judged through the command line. Then, in the same run: a whole `triangulate export pdf`
//! (process start, store, reading every picture from the encrypted store, layout, the PDF
//! written, hashed and synced, the audit event) against a baseline that only reads the same
//! pictures from the store and writes them to one file, synced. Prints the times, their ratio,
//! and the PDF's size against the pictures' own bytes. Targets: under 1.5 s; within 1.1× the
//! picture bytes.
//!
//! Then a PDF with one exhibit 250,000 px tall (1,280 px wide, lines of text-like marks on
//! white, written segmented as a capture writes it; made also from the same picture as an
//! older capture wrote it, for the time), made by the PDF crate as an export makes it, each of its pages drawn by poppler at
//! 100 dpi (`pdftoppm -r 100 -f N -l N`): the slowest page showing part of the picture against
//! the page of text, and their ratio. Target: every page under 1 s.
//! `TRIANGULATE_BENCH_TALL_ONLY=1` runs only this part.
//!
//!   cargo bench -p triangulate-cli --bench export

#[path = "../../../../tests/cli/fixture_site.rs"]
#[allow(dead_code)]
mod fixture_site;
mod support;

use std::io::Write;
use std::time::{Duration, Instant};
use support::{Ready, median, ready, run};

const EXHIBITS: usize = 100;
const ROUNDS: usize = 5;

fn main() {
    if std::env::var_os("TRIANGULATE_BENCH_TALL_ONLY").is_none() {
        exhibits(tempfile::tempdir().unwrap());
    }
    let temp = tempfile::tempdir().unwrap();
    tall_exhibit(temp.path());
}

/// The page's drawing time in poppler for a PDF with an exhibit 250,000 px tall.
fn tall_exhibit(temp: &std::path::Path) {
    const WIDTH: u32 = 1280;
    const HEIGHT: u32 = 250_000;
    let started = Instant::now();
    // Written as a capture writes a joined full page (segmented, zlib's fastest level), and
    // again as an older capture's picture was (the png crate's fast encoder, not segmented).
    let mut png = Vec::new();
    let mut older = Vec::new();
    {
        let header = triangulate_evidence::segmented::Header {
            width: WIDTH,
            height: HEIGHT,
            color_type: 2,
            bit_depth: 8,
            chunks: Vec::new(),
        };
        let mut segmented = triangulate_evidence::segmented::SegmentedWriter::new(
            &mut png,
            header,
            1,
            triangulate_evidence::segmented::Filtering::Up,
        )
        .unwrap();
        let mut encoder = png::Encoder::new(&mut older, WIDTH, HEIGHT);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let mut x = 0x9e37_79b9u32;
        let mut row = vec![255u8; WIDTH as usize * 3];
        for y in 0..HEIGHT {
            row.fill(255);
            // A line of marks 14 px tall every 24 px, like text; a coloured rule every 1,000.
            if y % 1_000 < 4 {
                row.chunks_mut(3).for_each(|p| p.copy_from_slice(&[0, 51, 102]));
            } else if y % 24 < 14 {
                for p in row[300..3300].chunks_mut(3) {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    if x % 5 == 0 {
                        let v = (x >> 24) as u8 / 2;
                        p.copy_from_slice(&[v, v, v]);
                    }
                }
            }
            stream.write_all(&row).unwrap();
            segmented.write_row(&row).unwrap();
        }
        stream.finish().unwrap();
        segmented.finish().unwrap();
    }
    println!(
        "exhibit of {WIDTH} × {HEIGHT} px: a {:.1} MB PNG written segmented as a capture writes it ({:.1} MB as an older capture's), both made in {:.1} s",
        png.len() as f64 / 1e6,
        older.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let blocks_of = |png: Vec<u8>| {
        vec![
            triangulate_pdf::Block::Section("A page of text".into()),
            triangulate_pdf::Block::Paragraph("Words on a page that holds no picture.\n".repeat(30)),
            triangulate_pdf::Block::Section("Exhibit 1: capture 1".into()),
            triangulate_pdf::Block::Picture {
                caption: "The whole page as captured, 250000 CSS px tall, at the width of this page".into(),
                pngs: vec![std::sync::Arc::new(png)],
            },
        ]
    };
    let blocks = blocks_of(png);
    let info = triangulate_pdf::DocumentInfo {
        title: "Care record: bench".into(),
        author: "Bench".into(),
        subject: "TRI-BENCH".into(),
        keywords: Vec::new(),
        creator: "Triangulate bench".into(),
        created: chrono::Utc::now(),
        marking: "OFFICIAL-SENSITIVE".into(),
        draft: None,
    };
    let path = temp.join("tall.pdf");
    let started = Instant::now();
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let rendered = triangulate_pdf::render(&info, &blocks, &[], &mut file).unwrap();
    file.into_inner().unwrap().sync_all().unwrap();
    let made = started.elapsed();
    // The older capture's picture: its strips decoded and encoded again.
    let started = Instant::now();
    triangulate_pdf::render(&info, &blocks_of(older), &[], &mut std::io::sink()).unwrap();
    let made_older = started.elapsed();
    let pdf = path.to_str().unwrap();
    let draw = |page: usize| {
        let out = temp.join("page");
        let started = Instant::now();
        let page = page.to_string();
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "100", "-png", "-f", &page, "-l", &page, pdf])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        started.elapsed()
    };
    let text_page = median((0..3).map(|_| draw(1)).collect());
    let mut picture_pages: Vec<(usize, Duration)> = (2..=rendered.pages).map(|page| (page, draw(page))).collect();
    picture_pages.sort_by_key(|(_, time)| *time);
    let (slowest_page, slowest) = *picture_pages.last().unwrap();
    let median_picture = picture_pages[picture_pages.len() / 2].1;
    println!(
        "PDF with that exhibit: {} pages, {} image objects, {:.1} MB, made in {:.2} s (strips copied from the segmented picture; {:.2} s from the older picture, its strips decoded and encoded again)",
        rendered.pages,
        rendered.images,
        std::fs::metadata(&path).unwrap().len() as f64 / 1e6,
        made.as_secs_f64(),
        made_older.as_secs_f64()
    );
    println!("  poppler, each page at 100 dpi (pdftoppm -r 100 -f N -l N, process start included):");
    println!("  the page of text:                  {:.3} s", text_page.as_secs_f64());
    println!("  slowest page of the picture:       {:.3} s (page {slowest_page})", slowest.as_secs_f64());
    println!("  median page of the picture:        {:.3} s", median_picture.as_secs_f64());
    println!("  slowest picture page / text page:  {:.2}", slowest.as_secs_f64() / text_page.as_secs_f64());
    println!("  target every page under 1 s:       {}", if slowest.as_secs_f64() < 1.0 { "met" } else { "NOT MET" });
}

/// The 100-exhibit care-record PDF against reading its pictures.
fn exhibits(temp: tempfile::TempDir) {
    let site = fixture_site::start();
    // TRIANGULATE_BENCH_STORE=DIR exports from a store a run before left behind
    // (TRIANGULATE_BENCH_KEEP=1), without seeding it again.
    let (data, reference, ids) = match std::env::var_os("TRIANGULATE_BENCH_STORE") {
        Some(dir) => {
            let data = std::path::PathBuf::from(dir);
            let list: serde_json::Value = serde_json::from_str(&run(&data, &["request", "list", "--json"])).unwrap();
            let reference = list[0]["reference"].as_str().unwrap().to_string();
            let store = triangulate_store::Store::open(
                &triangulate_store::DataDir::new(&data),
                &triangulate_store::Keystore::kernel_keyring().unwrap(),
            )
            .unwrap();
            let ids = store.captures_of_request(&reference).unwrap().iter().map(|c| c.id).collect();
            (data, reference, ids)
        }
        None => seed(temp.path(), &site.base),
    };
    let store = triangulate_store::Store::open(
        &triangulate_store::DataDir::new(&data),
        &triangulate_store::Keystore::kernel_keyring().unwrap(),
    )
    .unwrap();
    let picture_kinds = ["full_page_png", "viewport_png"];
    let picture_bytes: u64 = ids
        .iter()
        .flat_map(|id| picture_kinds.iter().map(move |kind| (*id, *kind)))
        .map(|(id, kind)| store.capture_artefact(id, kind).unwrap().0.len() as u64)
        .sum();
    let full_page_bytes: u64 =
        ids.iter().map(|id| store.capture_artefact(*id, "full_page_png").unwrap().0.len() as u64).sum();
    drop(store);

    // Where an export's time goes, from its own debug lines.
    let traced_out = temp.path().join("traced.pdf");
    let traced = std::process::Command::new(support::TRIANGULATE)
        .arg("--data-dir")
        .arg(&data)
        .args(["export", "pdf", &reference, "--out", traced_out.to_str().unwrap()])
        .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
        .env("RUST_LOG", "triangulate_app=debug,triangulate_pdf=debug")
        .output()
        .unwrap();
    std::fs::remove_file(&traced_out).unwrap();
    let breakdown: Vec<String> = String::from_utf8_lossy(&traced.stderr)
        .lines()
        .filter(|line| line.contains("ms="))
        .map(|line| line.trim().to_string())
        .collect();

    // Rounds alternate so that drift falls on both alike.
    let mut exports = Vec::new();
    let mut baselines = Vec::new();
    let mut reads = Vec::new();
    let mut pdf_bytes = 0;
    for round in 0..ROUNDS {
        let out = temp.path().join(format!("care-record-{round}.pdf"));
        let started = Instant::now();
        run(&data, &["export", "pdf", &reference, "--out", out.to_str().unwrap()]);
        exports.push(started.elapsed());
        pdf_bytes = std::fs::metadata(&out).unwrap().len();
        std::fs::remove_file(&out).unwrap();

        let copy = temp.path().join(format!("baseline-{round}.bin"));
        let started = Instant::now();
        let store = triangulate_store::Store::open(
            &triangulate_store::DataDir::new(&data),
            &triangulate_store::Keystore::kernel_keyring().unwrap(),
        )
        .unwrap();
        let mut file = std::io::BufWriter::new(std::fs::File::create(&copy).unwrap());
        for id in &ids {
            for kind in picture_kinds {
                file.write_all(&store.capture_artefact(*id, kind).unwrap().0).unwrap();
            }
        }
        file.into_inner().unwrap().sync_all().unwrap();
        baselines.push(started.elapsed());
        std::fs::remove_file(&copy).unwrap();
        drop(store);

        let started = Instant::now();
        let store = triangulate_store::Store::open(
            &triangulate_store::DataDir::new(&data),
            &triangulate_store::Keystore::kernel_keyring().unwrap(),
        )
        .unwrap();
        let mut read = 0;
        for id in &ids {
            for kind in picture_kinds {
                read += store.capture_artefact(*id, kind).unwrap().0.len();
            }
        }
        assert_eq!(read as u64, picture_bytes);
        reads.push(started.elapsed());
    }
    let export = median(exports.clone());
    let baseline = median(baselines.clone());
    let seconds = |d: Duration| format!("{:.3} s", d.as_secs_f64());
    println!("care-record PDF of {EXHIBITS} exhibits ({ROUNDS} rounds, medians):");
    println!(
        "  whole export (triangulate export pdf):        {}  (all: {:?})",
        seconds(export),
        exports.iter().map(|d| seconds(*d)).collect::<Vec<_>>()
    );
    println!("  baseline (read the pictures, write, sync):    {}", seconds(baseline));
    println!("  of which reading the pictures from the store: {}", seconds(median(reads)));
    println!("  export / baseline:                            {:.2}", export.as_secs_f64() / baseline.as_secs_f64());
    println!(
        "  target under 1.5 s:                           {}",
        if export.as_secs_f64() < 1.5 { "met" } else { "NOT MET" }
    );
    println!(
        "  picture bytes: {picture_bytes} ({} full page, {} viewport); PDF bytes: {pdf_bytes}",
        full_page_bytes,
        picture_bytes - full_page_bytes
    );
    println!(
        "  PDF / picture bytes:                          {:.4}  (target within 1.1: {})",
        pdf_bytes as f64 / picture_bytes as f64,
        if (pdf_bytes as f64) <= picture_bytes as f64 * 1.1 { "met" } else { "NOT MET" }
    );
    println!("  where one export's time goes (ms since its start):");
    for line in &breakdown {
        println!("    {line}");
    }
    println!("  mean full-page PNG: {:.2} MB", full_page_bytes as f64 / EXHIBITS as f64 / 1e6);
    // TRIANGULATE_BENCH_KEEP=1 leaves the store behind, to export from by hand.
    if std::env::var_os("TRIANGULATE_BENCH_KEEP").is_some() {
        println!("the store stays in {}", temp.keep().join("data").display());
    }
}

/// A request with `EXHIBITS` captures of noise pages, each judged relevant, its log finalised.
fn seed(temp: &std::path::Path, base: &str) -> (std::path::PathBuf, String, Vec<i64>) {
    let Ready { data, reference, session, end_session, .. } = ready(temp, base);
    let seeding = Instant::now();
    let mut ids = Vec::new();
    for seed in 1..=EXHIBITS {
        let url = format!("{base}/profile/jane/noise?seed={seed}");
        let taken: serde_json::Value =
            serde_json::from_str(&run(&data, &["capture", "--session", &session, "--url", &url])).unwrap();
        ids.push(taken["capture_id"].as_i64().unwrap());
    }
    drop(end_session);
    for id in &ids {
        run(
            &data,
            &[
                "capture",
                "judge",
                &id.to_string(),
                "--relevant",
                "yes",
                "--attribution",
                "probable",
                "--why",
                "x",
                "--useful",
                "yes",
            ],
        );
    }
    run(
        &data,
        &[
            "log",
            "add-search",
            &reference,
            "--platform",
            "fixture",
            "--account",
            "1",
            "--searched",
            "x",
            "--result",
            "y",
        ],
    );
    run(&data, &["log", "complete", &reference, "--by", "Bench Worker"]);
    run(
        &data,
        &["log", "finalise", &reference, "--by", "A", "--evidence", "memo", "--rating", "some", "--assessment", "z"],
    );
    println!("seeded {EXHIBITS} captures in {:.1} s", seeding.elapsed().as_secs_f64());
    (data, reference, ids)
}
