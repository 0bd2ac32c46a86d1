//! Documents read back by readers someone else wrote: poppler (`pdfinfo`, `pdftotext`,
//! `pdfimages`, `pdfdetach`) and `qpdf --check`.

use chrono::{TimeZone, Utc};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use triangulate_pdf::{Attachment, BarChart, Block, DocumentInfo, render};

fn tool(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn info(draft: bool) -> DocumentInfo {
    DocumentInfo {
        title: "Care record: TRI-2026-0001".into(),
        author: "Example Borough Council".into(),
        subject: "TRI-2026-0001".into(),
        keywords: vec!["care record".into()],
        creator: "Triangulate test".into(),
        created: Utc.with_ymd_and_hms(2026, 11, 29, 10, 0, 0).unwrap(),
        marking: "OFFICIAL-SENSITIVE".into(),
        draft: draft.then(|| "DRAFT: the investigation log is not finalised".into()),
    }
}

fn png(width: u32, height: u32, colour: png::ColorType, seed: u32) -> (Vec<u8>, Vec<u8>) {
    let channels = match colour {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        _ => 1,
    };
    let mut pixels = Vec::with_capacity((width * height) as usize * channels);
    for y in 0..height {
        for x in 0..width {
            for c in 0..channels as u32 {
                pixels.push(((x * 7 + y * 13 + c * 101 + seed * 31) % 251) as u8);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(colour);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    (out, pixels)
}

fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    decode_bytes(&std::fs::read(path).unwrap())
}

fn write(dir: &Path, blocks: &[Block], attachments: &[Attachment], draft: bool) -> (std::path::PathBuf, usize) {
    let path = dir.join("out.pdf");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let rendered = render(&info(draft), blocks, attachments, &mut file).unwrap();
    drop(file);
    (path, rendered.pages)
}

#[test]
fn text_in_many_scripts_is_shaped_wrapped_marked_and_numbered_on_a4_pages() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("https://example.org/{}", "a1b2c3d4e5/".repeat(455));
    let blocks = vec![
        Block::Section("Cover".into()),
        Block::Fields(vec![
            ("Names".into(), "Siân Llŷr, Jan Łukasiewicz, Seán Ó Briain, Zofia Wiśniewska".into()),
            ("Arabic".into(), "محمد عبد الله".into()),
            ("Urdu".into(), "فاطمہ چودھری بڑے".into()),
            ("Hebrew".into(), "שרה כהן".into()),
            ("Address".into(), url.clone()),
            ("Title".into(), format!("<script>alert(1)</script> {}", "護理記錄 ".repeat(80))),
            ("Hostile".into(), "abc\u{202E}fdp.exe 간".into()),
        ]),
        Block::Section("Second section".into()),
        Block::Paragraph("Line one\nLine two".into()),
    ];
    let (path, pages) = write(dir.path(), &blocks, &[], true);
    let path = path.to_str().unwrap();
    tool("qpdf", &["--check", path]);
    let info = tool("pdfinfo", &["-f", "1", "-l", &pages.to_string(), path]);
    assert_eq!(info.matches("595.276 x 841.89 pts (A4)").count(), pages, "{info}");
    assert!(info.contains("Title:           Care record: TRI-2026-0001"), "{info}");
    assert!(info.contains("Author:          Example Borough Council"), "{info}");
    assert!(info.contains("Subject:         TRI-2026-0001"), "{info}");
    assert!(info.contains("JavaScript:      no") && info.contains("Encrypted:       no"), "{info}");
    let text = tool("pdftotext", &["-enc", "UTF-8", path, "-"]).replace(['\u{202B}', '\u{202C}'], "");
    let per_page: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(per_page.len(), pages);
    for (k, page) in per_page.iter().enumerate() {
        assert_eq!(page.matches("OFFICIAL-SENSITIVE").count(), 2, "page {}: {page}", k + 1);
        assert!(page.contains(&format!("Page {} of {pages}", k + 1)), "page {}", k + 1);
        assert!(page.contains("DRAFT"), "page {}", k + 1);
    }
    assert!(text.contains("Siân Llŷr, Jan Łukasiewicz, Seán Ó Briain, Zofia Wiśniewska"), "{text}");
    assert!(text.contains("محمد عبد الله"), "{text}");
    assert!(text.contains("שרה כהן"), "{text}");
    assert!(text.contains("فاطمہ چودھری بڑے"), "Urdu's own letters, not markers: {text}");
    assert!(text.contains("<script>alert(1)</script>"));
    assert!(text.contains("abc[U+202E]fdp.exe [U+AC04]"), "{text}");
    // The address runs over a page break: join the body's lines, leaving out the furniture.
    let furniture = |l: &&str| {
        l.contains("OFFICIAL-SENSITIVE") || l.contains("DRAFT") || l.contains(" of ") || l.trim() == "TRI-2026-0001"
    };
    let joined: String = text.lines().filter(|l| !furniture(l)).flat_map(|l| l.split_whitespace()).collect();
    assert!(joined.contains(&url), "every character of the address is on the page: {joined}");
    // Nothing is drawn beyond the margins: the text's boxes stay on the page.
    let boxes = tool("pdftotext", &["-bbox", path, "-"]);
    for line in boxes.lines().filter(|l| l.contains("<word")) {
        let number = |key: &str| -> f32 {
            let at = line.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
            line[at..].split('"').next().unwrap().parse().unwrap()
        };
        assert!(number("xMin") >= 49.0 && number("xMax") <= 546.0, "off the page: {line}");
    }
    // PDF/A-3b as far as can be seen without a validator: the claim in the XMP, an output
    // intent, the XMP's title matching the Info dictionary's.
    let bytes = std::fs::read(path).unwrap();
    let raw = String::from_utf8_lossy(&bytes);
    let claims = |key: &str, value: &str| {
        raw.contains(&format!("<pdfaid:{key}>{value}</pdfaid:{key}>"))
            || raw.contains(&format!("pdfaid:{key}=\"{value}\""))
    };
    assert!(claims("part", "3") && claims("conformance", "B"), "the XMP claims PDF/A-3b");
    assert!(raw.contains("/OutputIntents"), "an output intent");
    assert!(raw.contains("Care record: TRI-2026-0001</rdf:li>"), "the XMP's title");
    assert!(raw.contains("<dc:creator><rdf:Seq><rdf:li>Example Borough Council</rdf:li>"), "the XMP's author");
    assert!(raw.contains("<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">TRI-2026-0001</rdf:li>"), "subject");
    assert!(bytes.starts_with(b"%PDF-1.7"), "PDF 1.7, as PDF/A-3 is based on");
    // An outline entry for each section.
    let outline = tool("qpdf", &["--json", "--json-key=outlines", path]);
    assert!(outline.contains("\"title\": \"Cover\"") && outline.contains("\"title\": \"Second section\""), "{outline}");
    // No actions, links or scripts: every object's dictionary, as qpdf reads them.
    let objects = tool("qpdf", &["--json", "--json-key=qpdf", path]);
    for key in ["/URI", "/Launch", "/GoToR", "/GoToE", "/JavaScript", "/JS", "/SubmitForm", "/ImportData", "/AA"] {
        assert!(!objects.contains(&format!("\"{key}\"")), "no {key} anywhere");
    }
    assert!(objects.contains("\"/Type\": \"/Catalog\""), "the check reads the objects: {}", &objects[..500]);
    let fonts = tool("pdffonts", &[path]);
    assert!(fonts.lines().skip(2).all(|l| l.contains(" yes yes yes ")), "every font embedded: {fonts}");
}

/// An image `pdfimages` lists (its row: page, number, type, width, height…) and extracts
/// (width, height, samples).
type Listed = (Vec<String>, (u32, u32, Vec<u8>));

/// The images `pdfimages` finds, in the order they are drawn (a soft mask as an image of its own).
fn images_in(dir: &Path, pdf: &Path) -> Vec<Listed> {
    let pdf = pdf.to_str().unwrap();
    let list = tool("pdfimages", &["-list", pdf]);
    let rows: Vec<Vec<String>> =
        list.lines().skip(2).map(|l| l.split_whitespace().map(str::to_string).collect()).collect();
    let out = dir.join("extracted");
    std::fs::create_dir_all(&out).unwrap();
    tool("pdfimages", &["-png", pdf, out.join("img").to_str().unwrap()]);
    let mut files: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), rows.len(), "one file for each image listed: {list}");
    let images = rows.into_iter().zip(files.iter().map(|f| decode(f))).collect();
    std::fs::remove_dir_all(&out).unwrap();
    images
}

/// The strips of one picture, `width` wide, put back together top to bottom: their number,
/// the tallest, and the rows stacked.
fn stacked(images: &[Listed], kind: &str, width: u32) -> (usize, u32, Vec<u8>) {
    let strips: Vec<&(u32, u32, Vec<u8>)> =
        images.iter().filter(|(row, image)| row[2] == kind && image.0 == width).map(|(_, image)| image).collect();
    let tallest = strips.iter().map(|s| s.1).max().unwrap_or(0);
    (strips.len(), tallest, strips.iter().flat_map(|s| s.2.iter().copied()).collect())
}

/// Photograph-like noise that no compressor can squeeze.
fn noise_png(width: u32, height: u32, colour: png::ColorType, seed: u32) -> (Vec<u8>, Vec<u8>) {
    let channels = match colour {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        _ => 1,
    };
    let mut x = seed.wrapping_mul(2_654_435_761) | 1;
    let pixels: Vec<u8> = (0..width as usize * height as usize * channels)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(colour);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    (out, pixels)
}

/// The most rows of a picture `width` px wide that fit in a page's space for pictures at
/// the page's width: A4's 841.89 pt less 66 at the top and 54 at the bottom, over 495.276 pt.
fn page_share(width: u32) -> u32 {
    ((841.89f32 - 54.0 - 66.0) * width as f32 / 495.276).floor() as u32
}

#[test]
fn a_picture_taller_than_a_page_is_cut_into_strips_that_give_back_every_pixel() {
    let dir = tempfile::tempdir().unwrap();
    // About three and a quarter pages' worth at the page's width, of noise.
    let (rgb, rgb_pixels) = noise_png(600, 2900, png::ColorType::Rgb, 7);
    let (rgba, rgba_pixels) = noise_png(200, 1000, png::ColorType::Rgba, 8);
    let (wp, hp) = (150u32, 800u32);
    let palette: Vec<u8> = (0..=255u8).flat_map(|k| [k, 255 - k, k.wrapping_mul(7)]).collect();
    let indices: Vec<u8> = noise_png(wp, hp, png::ColorType::Grayscale, 9).1;
    let mut indexed = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut indexed, wp, hp);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(palette.clone());
        encoder.write_header().unwrap().write_image_data(&indices).unwrap();
    }
    let interlaced = noise_png(100, 500, png::ColorType::Rgb, 10).1;
    let blocks = vec![
        Block::Section("Exhibit 1".into()),
        Block::Paragraph("The full page follows.".into()),
        Block::Picture { caption: "Full page".into(), pngs: vec![Arc::new(rgb)] },
        Block::Section("Exhibit 2".into()),
        Block::Picture { caption: "With alpha".into(), pngs: vec![Arc::new(rgba)] },
        Block::Section("Exhibit 3".into()),
        Block::Picture { caption: "With a palette".into(), pngs: vec![Arc::new(indexed)] },
        Block::Section("Exhibit 4".into()),
        Block::Picture { caption: "Interlaced".into(), pngs: vec![Arc::new(interlaced_png(100, 500, &interlaced))] },
    ];
    let (path, pages) = write(dir.path(), &blocks, &[], false);
    tool("qpdf", &["--check", path.to_str().unwrap()]);
    let images = images_in(dir.path(), &path);
    assert!(images.iter().all(|(row, _)| row[8] != "jpeg"), "no JPEG");

    // Each strip its own image, at most a page's share of rows, on a page of its own; stacked,
    // they are the picture's samples exactly.
    let (strips, tallest, rows) = stacked(&images, "image", 600);
    assert!(strips >= 4, "2,900 rows make at least four strips: {strips}");
    assert!(tallest <= page_share(600), "no strip taller than a page's share: {tallest}");
    assert!(rows == rgb_pixels, "the RGB strips put together are the picture, pixel for pixel");
    let strip_pages: Vec<&str> =
        images.iter().filter(|(row, i)| row[2] == "image" && i.0 == 600).map(|(row, _)| row[0].as_str()).collect();
    let distinct: std::collections::BTreeSet<&&str> = strip_pages.iter().collect();
    assert_eq!(distinct.len(), strips, "one strip a page: {strip_pages:?}");

    let (strips, tallest, colour) = stacked(&images, "image", 200);
    assert!(strips >= 3 && tallest <= page_share(200), "{strips} strips, {tallest} rows at most");
    assert!(colour == rgba_pixels.chunks(4).flat_map(|p| p[..3].to_vec()).collect::<Vec<_>>(), "RGBA's colour");
    let (masks, _, alpha) = stacked(&images, "smask", 200);
    assert_eq!(masks, strips, "a soft mask for each strip");
    assert!(alpha == rgba_pixels.chunks(4).map(|p| p[3]).collect::<Vec<_>>(), "and its alpha, exactly");

    let (strips, tallest, colours) = stacked(&images, "image", wp);
    assert!(strips >= 3 && tallest <= page_share(wp), "{strips} strips, {tallest} rows at most");
    let expanded: Vec<u8> =
        indices.iter().flat_map(|&i| palette[i as usize * 3..i as usize * 3 + 3].to_vec()).collect();
    assert!(colours == expanded, "the palette picture's colours, exactly");

    let (strips, tallest, rows) = stacked(&images, "image", 100);
    assert!(strips >= 3 && tallest <= page_share(100), "{strips} strips, {tallest} rows at most");
    assert!(rows == interlaced, "the interlaced picture's pixels, exactly");

    // Each strip says which rows it holds.
    let text = tool("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    assert!(text.contains("Full page: rows 1–"), "{text}");
    assert!(text.contains("–2,900 of 2,900 px"), "{text}");
    assert!(text.contains("With a palette: rows 1–"), "{text}");
    assert!(pages >= 10, "{pages} pages");
}

#[test]
fn a_segmented_picture_is_cut_at_its_segments_its_compressed_data_copied_not_made_again() {
    use triangulate_evidence::segmented::{Filtering, Header, SEGMENT_ROWS, SegmentedWriter};
    let dir = tempfile::tempdir().unwrap();
    let (width, height) = (600u32, 2900u32);
    // Text-like marks on white, with a noisy band, as a capture's full page.
    let mut x = 0x2545_f491u32;
    let pixels: Vec<u8> = (0..height)
        .flat_map(|y| (0..width * 3).map(move |i| (y, i)))
        .map(|(y, i)| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if (300..400).contains(&y) && i < 900 {
                x as u8
            } else if y % 24 < 14 && x % 5 == 0 {
                40
            } else {
                255
            }
        })
        .collect();
    let header = Header { width, height, color_type: 2, bit_depth: 8, chunks: vec![(*b"sRGB", vec![0])] };
    let mut writer = SegmentedWriter::new(Vec::new(), header, 6, Filtering::Adaptive).unwrap();
    for row in pixels.chunks(width as usize * 3) {
        writer.write_row(row).unwrap();
    }
    let segmented = writer.finish().unwrap();
    let source_stream: usize = {
        let mut at = 8;
        let mut idat = 0;
        while at + 8 <= segmented.len() {
            let length = u32::from_be_bytes(segmented[at..at + 4].try_into().unwrap()) as usize;
            if &segmented[at + 4..at + 8] == b"IDAT" {
                idat += length;
            }
            at += 12 + length;
        }
        idat
    };
    let blocks = vec![
        Block::Section("Exhibit 1".into()),
        Block::Paragraph("The full page follows.".into()),
        Block::Picture { caption: "Full page".into(), pngs: vec![Arc::new(segmented)] },
    ];
    let (path, _) = write(dir.path(), &blocks, &[], false);
    tool("qpdf", &["--check", path.to_str().unwrap()]);
    let images = images_in(dir.path(), &path);
    let (strips, tallest, rows) = stacked(&images, "image", width);
    assert!(strips >= 4 && tallest <= page_share(width), "{strips} strips, {tallest} rows at most");
    assert!(rows == pixels, "the strips put together are the picture, pixel for pixel");
    let heights: Vec<u32> = images.iter().filter(|(_, i)| i.0 == width).map(|(_, i)| i.1).collect();
    assert!(
        heights[..heights.len() - 1].iter().all(|h| h % SEGMENT_ROWS == 0),
        "every strip but the last ends at a segment's boundary: {heights:?}"
    );
    // The strips' compressed data is the picture's, copied: each strip adds only a zlib
    // header, a final empty block and a checksum (11 bytes) to its segments' bytes.
    let document = lopdf::Document::load(&path).unwrap();
    let embedded: usize = document
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Width").and_then(|w| w.as_i64()).ok() == Some(i64::from(width)))
        .map(|s| s.content.len())
        .sum();
    assert_eq!(embedded, source_stream - 2 - 9 + strips * 11, "the picture's own compressed data, {strips} strips");
}

#[test]
fn a_whole_picture_is_kept_on_one_page_drawn_smaller_when_it_must_be() {
    let dir = tempfile::tempdir().unwrap();
    // 757 px at the page's width is about 293 pt: it fits a page, but not what is left of one.
    let (viewport, viewport_pixels) = noise_png(1280, 757, png::ColorType::Rgb, 11);
    // Three times as tall as it is wide: only smaller does it fit a page.
    let (tall, tall_pixels) = noise_png(400, 1200, png::ColorType::Rgb, 12);
    let exact = "the exact picture is in the evidence bundle.";
    let blocks = vec![
        Block::Section("Exhibit 1".into()),
        Block::Paragraph("Words before the picture.\n".repeat(34)),
        Block::WholePicture { caption: "The viewport".into(), png: Arc::new(viewport), exact: exact.into() },
        Block::Section("Exhibit 2".into()),
        Block::Paragraph("A line before it.".into()),
        Block::WholePicture { caption: "A tall viewport".into(), png: Arc::new(tall), exact: exact.into() },
    ];
    let (path, _) = write(dir.path(), &blocks, &[], false);
    let path_text = path.to_str().unwrap();
    tool("qpdf", &["--check", path_text]);
    let images = images_in(dir.path(), &path);
    let placed: Vec<_> = images.iter().filter(|(_, i)| i.0 == 1280).collect();
    assert_eq!(placed.len(), 1, "the viewport is one image, on one page");
    assert!(placed[0].1 == (1280, 757, viewport_pixels), "its pixels exactly");
    let first_page_text = tool("pdftotext", &["-f", "1", "-l", "1", path_text, "-"]);
    assert!(!first_page_text.contains("The viewport"), "moved whole to the next page: {first_page_text}");
    // 186 pixels an inch at the page's width.
    let ppi: f32 = placed[0].0[12].parse().unwrap();
    assert!((ppi - 1280.0 * 72.0 / 495.276).abs() < 1.5, "drawn at the page's width: {ppi}");
    assert!(!tool("pdftotext", &[path_text, "-"]).contains("Drawn at 100%"));

    let placed: Vec<_> = images.iter().filter(|(_, i)| i.0 == 400).collect();
    assert_eq!(placed.len(), 1, "the tall one is one image too, on one page");
    assert!(placed[0].1 == (400, 1200, tall_pixels), "its pixels all there, exactly");
    let text = tool("pdftotext", &["-enc", "UTF-8", path_text, "-"]).split_whitespace().collect::<Vec<_>>().join(" ");
    let at = text.find("Drawn at ").expect("a line says it is drawn smaller");
    let percent: f32 = text[at + 9..].split('%').next().unwrap().parse().unwrap();
    assert!(
        text[at..].starts_with(&format!("Drawn at {percent}% of the page's width to fit it on one page; {exact}")),
        "{text}"
    );
    assert!((40.0..60.0).contains(&percent), "about half: {percent}");
    // The size it is drawn at is the one the line gives.
    let ppi: f32 = placed[0].0[12].parse().unwrap();
    let expected = 400.0 * 72.0 / (495.276 * percent / 100.0);
    // pdfimages gives the pixels an inch as a whole number.
    assert!(ppi <= expected + 0.5 && ppi > expected * 0.97 - 0.5, "drawn at {percent}%: {ppi} ppi, not {expected}");
}

#[test]
fn pictures_are_embedded_pixel_for_pixel_and_a_tall_one_continues_over_pages_in_strips() {
    let dir = tempfile::tempdir().unwrap();
    let (tall, tall_pixels) = png(320, 4000, png::ColorType::Rgb, 1);
    let (grey, grey_pixels) = png(200, 90, png::ColorType::Grayscale, 2);
    let (alpha, alpha_pixels) = png(120, 80, png::ColorType::Rgba, 3);
    let blocks = vec![
        Block::Section("Exhibit 1".into()),
        Block::Picture { caption: "Full page".into(), pngs: vec![Arc::new(tall.clone())] },
        Block::Picture { caption: "Tiles".into(), pngs: vec![Arc::new(grey), Arc::new(alpha)] },
    ];
    let attachment = Attachment {
        name: "capture-1-manifest.json".into(),
        media_type: "application/json".into(),
        description: "Signed manifest".into(),
        bytes: b"{\"capture_id\":1}".to_vec(),
    };
    let (path, pages) = write(dir.path(), &blocks, std::slice::from_ref(&attachment), false);
    let path_text = path.to_str().unwrap();
    tool("qpdf", &["--check", path_text]);
    // 4,000 px at the page's width is about 6,400 pt: several pages.
    assert!(pages >= 9, "{pages} pages");
    let list = tool("pdfimages", &["-list", path_text]);
    let rows: Vec<Vec<&str>> = list.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
    let objects: std::collections::BTreeSet<&str> = rows.iter().filter(|r| r[2] == "image").map(|r| r[10]).collect();
    let strips = rows.iter().filter(|r| r[3] == "320").count();
    assert_eq!(objects.len(), strips + 2, "one object per strip and per picture that fits: {list}");
    assert!(strips >= 8, "the tall picture is in a strip on every page it spans: {list}");
    assert!(rows.iter().all(|r| r[4].parse::<u32>().unwrap() <= page_share(320)), "each strip a page's share: {list}");
    assert!(rows.iter().all(|r| r[8] != "jpeg" && r[7] == "8"), "no JPEG, 8 bits: {list}");
    assert!(rows.iter().any(|r| r[2] == "smask"), "the alpha is a soft mask: {list}");

    tool("pdfimages", &["-png", path_text, dir.path().join("img").to_str().unwrap()]);
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap().path();
        if entry.extension().is_some_and(|e| e == "png") {
            found.push(decode(&entry));
        }
    }
    let images = images_in(dir.path(), &path);
    let (_, _, tall_back) = stacked(&images, "image", 320);
    assert!(tall_back == tall_pixels, "the RGB picture's strips put together give it back exactly");
    // poppler writes a one-component ICC image as RGB, each grey value three times.
    let grey_as_rgb: Vec<u8> = grey_pixels.iter().flat_map(|&g| [g, g, g]).collect();
    assert!(found.iter().any(|d| *d == (200, 90, grey_as_rgb.clone())), "the grey picture comes back exactly");
    let colour: Vec<u8> = alpha_pixels.chunks(4).flat_map(|p| p[..3].to_vec()).collect();
    let mask: Vec<u8> = alpha_pixels.chunks(4).map(|p| p[3]).collect();
    assert!(found.iter().any(|d| *d == (120, 80, colour.clone())), "the RGBA picture's colour comes back exactly");
    assert!(found.iter().any(|d| *d == (120, 80, mask.clone())), "and its alpha");

    let size = std::fs::metadata(&path).unwrap().len() as f64;
    assert!(size < tall.len() as f64 * 1.5 + 400_000.0, "the PNG's data is passed through, not inflated: {size}");

    let raw = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
    assert!(
        raw.contains("/AFRelationship /Source") || raw.contains("/AFRelationship/Source"),
        "an associated file, PDF/A-3's way"
    );
    assert!(
        raw.contains("/Subtype /application#2Fjson") || raw.contains("/Subtype/application#2Fjson"),
        "with its MIME type"
    );
    let listed = tool("pdfdetach", &["-list", path_text]);
    assert!(listed.contains("capture-1-manifest.json"), "{listed}");
    let saved = dir.path().join("saved.json");
    tool("pdfdetach", &["-save", "1", "-o", saved.to_str().unwrap(), path_text]);
    assert_eq!(std::fs::read(saved).unwrap(), attachment.bytes);
}

/// An 8-bit RGB PNG with Adam7 interlacing, written chunk by chunk.
fn interlaced_png(width: u32, height: u32, pixels: &[u8]) -> Vec<u8> {
    const PASSES: [(u32, u32, u32, u32); 7] =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
    let mut raw = Vec::new();
    for (x0, y0, dx, dy) in PASSES {
        if x0 >= width || y0 >= height {
            continue;
        }
        for y in (y0..height).step_by(dy as usize) {
            raw.push(0); // no filter
            for x in (x0..width).step_by(dx as usize) {
                let at = ((y * width + x) * 3) as usize;
                raw.extend_from_slice(&pixels[at..at + 3]);
            }
        }
    }
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut zlib, &raw).unwrap();
    let idat = zlib.finish().unwrap();
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 1]); // 8 bits, RGB, deflate, adaptive filtering, Adam7
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [(&b"IHDR"[..], ihdr), (b"IDAT", idat), (b"IEND", Vec::new())] {
        out.extend((body.len() as u32).to_be_bytes());
        let mut crc = crc32fast::Hasher::new();
        crc.update(kind);
        crc.update(&body);
        out.extend_from_slice(kind);
        out.extend(&body);
        out.extend(crc.finalize().to_be_bytes());
    }
    out
}

#[test]
fn pictures_that_cannot_pass_through_are_embedded_losslessly_all_the_same() {
    let dir = tempfile::tempdir().unwrap();
    // 16 bits a component: every sample distinct in its low byte too.
    let (w16, h16) = (64u32, 40u32);
    let samples: Vec<u16> = (0..w16 * h16 * 3).map(|k| (k.wrapping_mul(2_654_435_761) >> 16) as u16).collect();
    let mut deep = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut deep, w16, h16);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Sixteen);
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_be_bytes()).collect();
        encoder.write_header().unwrap().write_image_data(&bytes).unwrap();
    }
    // Interlaced.
    let (wi, hi) = (37u32, 23u32);
    let interlaced_pixels: Vec<u8> = (0..wi * hi * 3).map(|k| (k * 37 % 251) as u8).collect();
    let interlaced = interlaced_png(wi, hi, &interlaced_pixels);
    assert_eq!(decode_bytes(&interlaced), (wi, hi, interlaced_pixels.clone()), "the test's own PNG is right");
    // A palette.
    let (wp, hp) = (30u32, 20u32);
    let palette: Vec<u8> = (0..16u8).flat_map(|k| [k * 16, 255 - k * 16, k * 7]).collect();
    let indices: Vec<u8> = (0..wp * hp).map(|k| (k % 16) as u8).collect();
    let mut indexed = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut indexed, wp, hp);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(palette.clone());
        encoder.write_header().unwrap().write_image_data(&indices).unwrap();
    }
    let blocks = vec![
        Block::Section("Exhibit 1".into()),
        Block::Picture {
            caption: "Pictures of other kinds".into(),
            pngs: vec![Arc::new(deep), Arc::new(interlaced), Arc::new(indexed)],
        },
    ];
    let (path, _) = write(dir.path(), &blocks, &[], false);
    let path_text = path.to_str().unwrap();
    tool("qpdf", &["--check", path_text]);
    let list = tool("pdfimages", &["-list", path_text]);
    assert!(list.lines().skip(2).any(|l| l.split_whitespace().nth(7) == Some("16")), "kept at 16 bits: {list}");
    tool("pdfimages", &["-png", path_text, dir.path().join("img").to_str().unwrap()]);
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let entry = entry.unwrap().path();
        if entry.extension().is_some_and(|e| e == "png") {
            found.push(decode_bytes(&std::fs::read(&entry).unwrap()));
        }
    }
    // pdfimages turns 16-bit samples into colours through the ICC profile and loses their low
    // bits; qpdf gives back the image object's samples as stored.
    let deep_row = list.lines().skip(2).map(|l| l.split_whitespace().collect::<Vec<_>>()).find(|r| r[7] == "16");
    let object = deep_row.expect("the 16-bit picture")[10].to_string();
    let stored = Command::new("qpdf")
        .args([&format!("--show-object={object}"), "--filtered-stream-data", path_text])
        .output()
        .unwrap()
        .stdout;
    let deep_bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_be_bytes()).collect();
    assert!(stored == deep_bytes, "every 16-bit sample is stored exactly");
    assert!(found.iter().any(|d| *d == (wi, hi, interlaced_pixels.clone())), "the interlaced picture's pixels");
    let expanded: Vec<u8> =
        indices.iter().flat_map(|&i| palette[i as usize * 3..i as usize * 3 + 3].to_vec()).collect();
    assert!(found.iter().any(|d| *d == (wp, hp, expanded.clone())), "the palette picture's colours");
}

/// Width, height and samples as stored (16-bit samples big-endian), palettes expanded.
fn decode_bytes(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buffer).unwrap();
    buffer.truncate(frame.buffer_size());
    (frame.width, frame.height, buffer)
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[test]
fn a_bar_chart_is_drawn_to_scale_with_its_figures_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let months = BarChart {
        caption: "Checks done each month".into(),
        series: vec!["Checks".into()],
        categories: vec![
            ("January 2026".into(), vec![2.0]),
            ("February 2026".into(), vec![4.0]),
            ("March 2026".into(), vec![0.0]),
        ],
    };
    let ratings = BarChart {
        caption: "Ratings at finalisation and six months on".into(),
        series: vec!["At finalisation".into(), "Six months on".into()],
        categories: vec![("Little".into(), vec![1.0, 0.0]), ("Considerable".into(), vec![3.0, 2.5])],
    };
    // Two years of months: too many to label each in full, so every other one is labelled.
    let two_years = BarChart {
        caption: "Two years".into(),
        series: vec!["Checks".into()],
        categories: (0..24).map(|k| (format!("{} {}", MONTHS[k % 12], 2025 + k / 12), vec![k as f64])).collect(),
    };
    let blocks = vec![
        Block::Section("The pilot".into()),
        Block::Chart(months),
        Block::Chart(ratings),
        Block::Section("Two years".into()),
        Block::Chart(two_years),
    ];
    let (path, pages) = write(dir.path(), &blocks, &[], false);
    let path_text = path.to_str().unwrap();
    tool("qpdf", &["--check", path_text]);
    assert_eq!(pages, 2, "both charts on the first page");
    let text = tool("pdftotext", &["-enc", "UTF-8", path_text, "-"]);
    for expected in [
        "Checks done each month",
        "January 2026",
        "February 2026",
        "Ratings at finalisation and six months on",
        "At finalisation",
        "Six months on",
        "Considerable",
        "2.5",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let second = tool("pdftotext", &["-enc", "UTF-8", "-f", "2", "-l", "2", path_text, "-"]);
    let furniture = ["OFFICIAL-SENSITIVE", "TRI-2026-0001", "Page", "of", "Two", "years"];
    let mut labelled = 0;
    for word in second.split_whitespace() {
        let whole = MONTHS.contains(&word) || furniture.contains(&word) || word.parse::<u32>().is_ok();
        assert!(whole, "{word:?} is a label broken inside a word: {second}");
        labelled += usize::from(MONTHS.contains(&word));
    }
    assert!((4..24).contains(&labelled), "some months labelled in full, not all 24: {labelled}");
    // At 72 dpi a point is a pixel: the bars' heights are to scale (4 is twice 2; the scale
    // tops at 5, so 4 is 112 of the chart's 140 points).
    tool(
        "pdftoppm",
        &[
            "-r",
            "72",
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            path_text,
            dir.path().join("page").to_str().unwrap(),
        ],
    );
    let (width, height, pixels) = decode_bytes(&std::fs::read(dir.path().join("page.png")).unwrap());
    let near = |at: usize, colour: [u8; 3]| (0..3).all(|c| pixels[at + c].abs_diff(colour[c]) < 40);
    // Each column's longest run of the first series' colour, above the second chart.
    let blue: Vec<(u32, u32)> = (0..width)
        .map(|x| {
            let (mut longest, mut run) = (0, 0);
            for y in 0..275.min(height) {
                run = if near(((y * width + x) * 3) as usize, [29, 112, 184]) { run + 1 } else { 0 };
                longest = longest.max(run);
            }
            (x, longest)
        })
        .filter(|c| c.1 > 0)
        .collect();
    let tallest = blue.iter().map(|c| c.1).max().unwrap();
    assert!((110..=114).contains(&tallest), "the bar for 4 is 112 pt tall: {tallest}");
    let first_bar = blue.iter().filter(|c| c.0 < blue[0].0 + 40).map(|c| c.1).max().unwrap();
    assert!((54..=58).contains(&first_bar), "the bar for 2 is half of it: {first_bar}");
    let lower_orange = (height / 2..height)
        .flat_map(|y| (0..width).map(move |x| ((y * width + x) * 3) as usize))
        .filter(|&at| near(at, [244, 119, 56]))
        .count();
    assert!(lower_orange > 100, "the second series is drawn in its own colour");
}

#[test]
fn a_picture_that_is_not_a_png_is_refused_before_anything_is_written() {
    let mut out = Vec::new();
    let blocks =
        vec![Block::Picture { caption: "x".into(), pngs: vec![Arc::new(b"GIF89a not at all a png".to_vec())] }];
    assert!(render(&info(false), &blocks, &[], &mut out).is_err());
    assert!(out.is_empty());
}

#[test]
fn emoji_in_names_and_notes_are_drawn_and_read_back_not_written_as_code_points() {
    let dir = tempfile::tempdir().unwrap();
    let blocks = vec![
        Block::Section("People".into()),
        Block::Fields(vec![
            ("Name".into(), "Zoë 😀 Smith".into()),
            ("Notes".into(), "Thumbs up 👍🏽, a heart ❤️, a family 👨‍👩‍👧, a flag 🇬🇧, in Arabic محمد 🙂".into()),
        ]),
    ];
    let (path, _) = write(dir.path(), &blocks, &[], false);
    let path = path.to_str().unwrap();
    tool("qpdf", &["--check", path]);
    let out = dir.path().join("page");
    let status =
        Command::new("pdftoppm").args(["-r", "144", "-png", "-f", "1", "-l", "1", path]).arg(&out).status().unwrap();
    assert!(status.success());
    let rendered = dir.path().join("page-1.png");
    std::fs::copy(&rendered, emoji_page_for_people()).unwrap();
    let text = tool("pdftotext", &["-enc", "UTF-8", path, "-"]);
    assert!(!text.contains("[U+"), "an emoji written as its code point: {text}");
    for emoji in ["Zoë 😀 Smith", "👍🏽", "❤", "👨‍👩‍👧", "🇬🇧", "🙂"] {
        assert!(text.contains(emoji), "{emoji} is not read back: {text}");
    }
    let fonts = tool("pdffonts", &[path]);
    assert!(fonts.contains("NotoEmoji"), "the emoji font is embedded: {fonts}");
    assert!(fonts.lines().skip(2).all(|l| l.contains(" yes yes yes ")), "every font embedded: {fonts}");
    // Drawn: at 144 dpi (two pixels a point), the box poppler gives each emoji's word has ink.
    let (width, height, pixels) = decode(&rendered);
    let channels = pixels.len() / (width as usize * height as usize);
    let boxes = tool("pdftotext", &["-bbox", path, "-"]);
    for emoji in ["😀", "👍🏽", "👨‍👩‍👧", "🙂"] {
        let line = boxes
            .lines()
            .find(|l| l.contains("<word") && l.contains(emoji))
            .unwrap_or_else(|| panic!("{emoji}: {boxes}"));
        let number = |key: &str| -> usize {
            let at = line.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
            (line[at..].split('"').next().unwrap().parse::<f32>().unwrap() * 2.0) as usize
        };
        let ink = (number("yMin")..number("yMax"))
            .flat_map(|y| (number("xMin")..number("xMax")).map(move |x| (x, y)))
            .filter(|(x, y)| pixels[(y * width as usize + x) * channels] < 160)
            .count();
        assert!(ink >= 20, "{emoji} is not drawn: {ink} dark pixels in its box ({line})");
    }
}

/// Where the emoji test leaves its first page for people to look at.
fn emoji_page_for_people() -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/out/pdf");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("emoji.png")
}
