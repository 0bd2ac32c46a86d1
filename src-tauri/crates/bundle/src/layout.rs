//! A ZIP's layout, walked byte by byte: a bundle is intact only if every byte of the file
//! belongs to something its central directory accounts for. From the start of the file: the
//! local header and data (and data descriptor) of each entry the central directory lists, in
//! its order, with no gap; then the central directory; then the ZIP64 end record and locator,
//! if any; then the end record, with no comment; nothing after. Each entry's own header agrees
//! with the central directory (name, flags, method, CRC-32 and sizes, through ZIP64 extra
//! fields and data descriptors), and no entry is a folder, a link, anything but a file,
//! encrypted, or compressed other than stored or deflated. Otherwise tools that read the
//! entries in order (streaming extractors) could extract files other than those checked.
//!
//! `assets/verify/verify.js` makes the same walk in the same order with the same words (the
//! texts are `assets/verify/report-texts.json`, shared by both), so the three verifiers agree.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::sync::OnceLock;

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const LOCATOR64: u32 = 0x0706_4b50;
const DESCRIPTOR: u32 = 0x0807_4b50;
/// The largest central directory read: a bigger one is refused, not read.
pub const MAX_DIRECTORY: u64 = 64 << 20;

/// The texts the verifiers report, shared with `verify.js`.
fn texts() -> &'static BTreeMap<String, BTreeMap<String, String>> {
    static TEXTS: OnceLock<BTreeMap<String, BTreeMap<String, String>>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        serde_json::from_str(include_str!("../../../../assets/verify/report-texts.json")).expect("the report texts")
    })
}

/// The sentence `key` of the group `group`, each `{placeholder}` filled in one pass (so a
/// name that holds braces stays as it is).
pub(crate) fn text(group: &str, key: &str, values: &[(&str, &str)]) -> String {
    let template = texts()[group].get(key).unwrap_or_else(|| panic!("no text {group}.{key}"));
    let mut out = String::with_capacity(template.len());
    let mut rest = template.as_str();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        match values.iter().find(|(name, _)| *name == &after[..close]) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[open..(open + close + 2).min(rest.len())]),
        }
        rest = &after[(close + 1).min(after.len())..];
    }
    out.push_str(rest);
    out
}

/// Whether `problem` is the ZIP sentence `key`, whatever fills its placeholders: how a reader
/// of a report (a test, a script) tells which problem it names without parsing its words.
pub fn is_zip_problem(problem: &str, key: &str) -> bool {
    let Some(template) = texts()["zip"].get(key) else { return false };
    let mut rest = problem;
    for (k, piece) in template.split('{').enumerate() {
        let fixed = if k == 0 { piece } else { piece.split_once('}').map_or(piece, |(_, after)| after) };
        match rest.find(fixed) {
            Some(at) => rest = &rest[at + fixed.len()..],
            None => return false,
        }
    }
    rest.is_empty() || template.ends_with('}')
}

fn problem(key: &str, values: &[(&str, &str)]) -> String {
    text("zip", key, values)
}

/// An entry's data, as the walk found it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: Vec<u8>,
    /// Where its (compressed) data starts in the file.
    pub data: u64,
    pub compressed: u64,
    pub size: u64,
    pub crc32: u32,
    pub method: u16,
}

/// What the walk found: the entries in the central directory's order, and every way in which
/// the file is not what a bundle's ZIP must be (empty when every byte is accounted for).
#[derive(Debug, Clone)]
pub struct Layout {
    pub entries: Vec<Entry>,
    pub problems: Vec<String>,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}
fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("four bytes"))
}
fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("eight bytes"))
}

/// Reads `length` bytes at `offset`, or None when the file ends before.
fn read_at<R: Read + Seek>(
    reader: &mut R,
    file_length: u64,
    offset: u64,
    length: u64,
) -> std::io::Result<Option<Vec<u8>>> {
    if offset.checked_add(length).is_none_or(|end| end > file_length) {
        return Ok(None);
    }
    reader.seek(SeekFrom::Start(offset))?;
    let mut bytes = vec![0u8; length as usize];
    reader.read_exact(&mut bytes)?;
    Ok(Some(bytes))
}

/// Extra fields as (id, data); None when they do not fill their length exactly.
fn extra_fields(extra: &[u8]) -> Option<Vec<(u16, &[u8])>> {
    let mut fields = Vec::new();
    let mut at = 0;
    while at < extra.len() {
        if at + 4 > extra.len() {
            return None;
        }
        let (id, length) = (u16_at(extra, at), u16_at(extra, at + 2) as usize);
        if at + 4 + length > extra.len() {
            return None;
        }
        fields.push((id, &extra[at + 4..at + 4 + length]));
        at += 4 + length;
    }
    Some(fields)
}

/// Names are shown as UTF-8, any other byte as the replacement character.
fn shown(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

struct Central {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc32: u32,
    compressed: u64,
    size: u64,
    local: u64,
}

/// Walks a ZIP. `Err` only when the file has no ZIP end record at all (not a ZIP file).
pub fn walk<R: Read + Seek>(reader: &mut R) -> Result<Layout, String> {
    let file_length = reader.seek(SeekFrom::End(0)).map_err(|e| e.to_string())?;
    walk_inner(reader, file_length).map_err(|e| e.to_string())?.ok_or_else(|| "it has no ZIP end record".to_string())
}

fn walk_inner<R: Read + Seek>(reader: &mut R, file_length: u64) -> std::io::Result<Option<Layout>> {
    let mut problems = Vec::new();
    let stop = |problems: Vec<String>| Ok(Some(Layout { entries: Vec::new(), problems }));

    // The end record: the last of its signature within a comment's reach of the end.
    let tail_length = file_length.min(65_535 + 22);
    let tail = read_at(reader, file_length, file_length - tail_length, tail_length)?.expect("within the file");
    let Some(found) = (0..(tail.len() + 1).saturating_sub(22)).rev().find(|&i| u32_at(&tail, i) == END) else {
        return Ok(None);
    };
    let end = file_length - tail_length + found as u64;
    let record = &tail[found..];
    let (disk, directory_disk) = (u16_at(record, 4), u16_at(record, 6));
    let (on_disk, mut count) = (u16_at(record, 8) as u64, u16_at(record, 10) as u64);
    let (mut directory_size, mut directory_offset) = (u32_at(record, 12) as u64, u32_at(record, 16) as u64);
    let comment = u16_at(record, 20) as u64;
    let records_end = end + 22 + comment;
    if records_end > file_length {
        problems.push(problem("damaged", &[("part", "end record")]));
        return stop(problems);
    }
    if comment > 0 {
        problems.push(problem("comment", &[]));
    }
    if records_end < file_length {
        problems.push(problem("after", &[("count", &(file_length - records_end).to_string())]));
    }
    if disk != 0 || directory_disk != 0 || on_disk != count {
        problems.push(problem("split", &[]));
        return stop(problems);
    }

    // The ZIP64 end record and its locator, just before the end record, when there are.
    let mut directory_end = end;
    let locator = if end >= 20 { read_at(reader, file_length, end - 20, 20)? } else { None };
    if let Some(locator) = locator.filter(|l| u32_at(l, 0) == LOCATOR64) {
        if u32_at(&locator, 4) != 0 || u32_at(&locator, 16) != 1 {
            problems.push(problem("split", &[]));
            return stop(problems);
        }
        let at = u64_at(&locator, 8);
        let Some(record) = read_at(reader, file_length, at, 56)?
            .filter(|r| u32_at(r, 0) == END64 && u64_at(r, 4) == 44 && at + 56 <= end - 20)
        else {
            problems.push(problem("damaged", &[("part", "ZIP64 end record")]));
            return stop(problems);
        };
        if u32_at(&record, 16) != 0 || u32_at(&record, 20) != 0 || u64_at(&record, 24) != u64_at(&record, 32) {
            problems.push(problem("split", &[]));
            return stop(problems);
        }
        let (count64, size64, offset64) = (u64_at(&record, 32), u64_at(&record, 40), u64_at(&record, 48));
        if (count != 0xffff && count != count64)
            || (directory_size != 0xffff_ffff && directory_size != size64)
            || (directory_offset != 0xffff_ffff && directory_offset != offset64)
        {
            problems.push(problem("damaged", &[("part", "ZIP64 end record")]));
            return stop(problems);
        }
        (count, directory_size, directory_offset) = (count64, size64, offset64);
        if at + 56 < end - 20 {
            problems.push(unaccounted(reader, file_length, at + 56, end - 20)?);
        }
        directory_end = at;
    } else if count == 0xffff || directory_size == 0xffff_ffff || directory_offset == 0xffff_ffff {
        problems.push(problem("damaged", &[("part", "ZIP64 end record")]));
        return stop(problems);
    }

    // Where the central directory is: ending where the end records begin, or at the offset
    // it gives with bytes between it and them; or every offset moved by bytes put before the
    // first entry.
    if directory_size > directory_end || directory_size > MAX_DIRECTORY || count > directory_size / 46 {
        problems.push(problem("damaged", &[("part", "central directory")]));
        return stop(problems);
    }
    let mut directory_start = directory_end - directory_size;
    let signature_at = |reader: &mut R, at: u64| -> std::io::Result<bool> {
        Ok(read_at(reader, file_length, at, 4)?.is_some_and(|b| u32_at(&b, 0) == CENTRAL))
    };
    let mut shift = 0;
    if directory_offset != directory_start {
        if directory_offset < directory_start && count > 0 && signature_at(reader, directory_offset)? {
            problems.push(unaccounted(reader, file_length, directory_offset + directory_size, directory_end)?);
            directory_start = directory_offset;
        } else if directory_offset < directory_start && (count == 0 || signature_at(reader, directory_start)?) {
            shift = directory_start - directory_offset;
        } else {
            problems.push(problem("damaged", &[("part", "central directory")]));
            return stop(problems);
        }
    }

    // The central directory's records, and what each says of its entry.
    let directory = read_at(reader, file_length, directory_start, directory_size)?.expect("within the file");
    let mut central = Vec::new();
    let mut unreadable = false;
    let mut p = 0usize;
    for _ in 0..count {
        if p + 46 > directory.len() || u32_at(&directory, p) != CENTRAL {
            problems.push(problem("damaged", &[("part", "central directory")]));
            return stop(problems);
        }
        let r = &directory[p..];
        let (flags, method, crc32) = (u16_at(r, 8), u16_at(r, 10), u32_at(r, 16));
        let (mut compressed, mut size) = (u32_at(r, 20) as u64, u32_at(r, 24) as u64);
        let (name_length, extra_length, comment_length) =
            (u16_at(r, 28) as usize, u16_at(r, 30) as usize, u16_at(r, 32) as usize);
        let (entry_disk, external, mut local) = (u16_at(r, 34), u32_at(r, 38), u32_at(r, 42) as u64);
        if p + 46 + name_length + extra_length + comment_length > directory.len() {
            problems.push(problem("damaged", &[("part", "central directory")]));
            return stop(problems);
        }
        let name = r[46..46 + name_length].to_vec();
        let extra = &r[46 + name_length..46 + name_length + extra_length];
        let who = shown(&name);
        let named = [("name", who.as_str())];
        p += 46 + name_length + extra_length + comment_length;

        // The ZIP64 field gives, in this order, each of size, compressed size and local
        // header offset that the record saturates.
        let fields = extra_fields(extra);
        let mut readable = fields.is_some();
        if let Some(fields) = &fields {
            let zip64 = fields.iter().find(|(id, _)| *id == 1).map(|(_, data)| *data).unwrap_or(&[]);
            let mut q = 0;
            for value in [&mut size, &mut compressed, &mut local] {
                if *value == 0xffff_ffff {
                    if q + 8 > zip64.len() {
                        readable = false;
                        break;
                    }
                    *value = u64_at(zip64, q);
                    q += 8;
                }
            }
        }
        if entry_disk != 0 {
            problems.push(problem("split", &[]));
            return stop(problems);
        }
        let kind = (external >> 16) & 0o170_000;
        if name.ends_with(b"/") || external & 0x10 != 0 || kind == 0o040_000 {
            problems.push(problem("folder", &named));
        } else if kind == 0o120_000 {
            problems.push(problem("link", &named));
        } else if kind != 0 && kind != 0o100_000 {
            problems.push(problem("not_file", &named));
        }
        if flags & 0x0001 != 0 || flags & 0x0040 != 0 || flags & 0x2000 != 0 {
            problems.push(problem("encrypted", &named));
        }
        if method != 0 && method != 8 {
            problems.push(problem("method", &[("name", who.as_str()), ("method", &method.to_string())]));
        } else if method == 0 && readable && compressed != size {
            problems.push(problem("stored_sizes", &named));
        }
        if fields.as_ref().is_some_and(|f| f.iter().any(|(id, _)| *id == 0x7075)) {
            problems.push(problem("unicode_name", &named));
        }
        if comment_length > 0 {
            problems.push(problem("entry_comment", &named));
        }
        if !readable {
            problems.push(problem("extra", &named));
            unreadable = true;
        }
        central.push(Central { name, flags, method, crc32, compressed, size, local });
    }
    if p < directory.len() {
        problems.push(unaccounted(reader, file_length, directory_start + p as u64, directory_start + directory_size)?);
    }
    if unreadable {
        return stop(problems);
    }
    // Every offset moved by what was put before the first entry.
    for entry in &mut central {
        entry.local = entry.local.saturating_add(shift);
    }
    if central.windows(2).any(|w| w[0].local >= w[1].local) {
        problems.push(problem("order", &[]));
        return stop(problems);
    }

    // The entries, one after another from the start of the file.
    let mut entries = Vec::new();
    let mut position = 0u64;
    for c in &central {
        let who = shown(&c.name);
        let named = [("name", who.as_str())];
        if c.local < position {
            problems.push(problem("overlap", &named));
            return stop(problems);
        }
        if c.local > position {
            problems.push(unaccounted(reader, file_length, position, c.local)?);
        }
        let header = read_at(reader, file_length, c.local, 30)?
            .filter(|h| u32_at(h, 0) == LOCAL && c.local + 30 <= directory_start);
        let Some(header) = header else {
            problems.push(problem("local_missing", &named));
            return stop(problems);
        };
        let (flags, method, crc32) = (u16_at(&header, 6), u16_at(&header, 8), u32_at(&header, 14));
        let (mut compressed, mut size) = (u32_at(&header, 18) as u64, u32_at(&header, 22) as u64);
        let (name_length, extra_length) = (u16_at(&header, 26) as u64, u16_at(&header, 28) as u64);
        let data = c.local + 30 + name_length + extra_length;
        if data > directory_start {
            problems.push(problem("local_missing", &named));
            return stop(problems);
        }
        let rest = read_at(reader, file_length, c.local + 30, name_length + extra_length)?.expect("within the file");
        let (name, extra) = rest.split_at(name_length as usize);
        if name != c.name.as_slice() {
            problems.push(problem("local_name", &named));
        }
        // A local ZIP64 field holds both sizes, size first, when either is saturated.
        let fields = extra_fields(extra);
        let zip64 = fields.as_ref().and_then(|f| f.iter().find(|(id, _)| *id == 1).map(|(_, data)| *data));
        let mut readable = fields.is_some();
        if compressed == 0xffff_ffff || size == 0xffff_ffff {
            match zip64 {
                Some(field) if field.len() >= 16 => {
                    (size, compressed) = (u64_at(field, 0), u64_at(field, 8));
                }
                _ => readable = false,
            }
        }
        if !readable {
            problems.push(problem("extra", &named));
        }
        if fields.as_ref().is_some_and(|f| f.iter().any(|(id, _)| *id == 0x7075))
            && !problems.contains(&problem("unicode_name", &named))
        {
            problems.push(problem("unicode_name", &named));
        }
        let deferred = c.flags & 0x0008 != 0;
        let differs = |field: &str| problem("local_differs", &[("name", who.as_str()), ("field", field)]);
        if flags != c.flags {
            problems.push(differs("flags"));
        }
        if method != c.method {
            problems.push(differs("compression methods"));
        }
        // With a data descriptor the header may leave these as zero.
        let agrees = |local: u64, central: u64| local == central || (deferred && local == 0);
        if !agrees(crc32 as u64, c.crc32 as u64) {
            problems.push(differs("CRC-32 values"));
        }
        if readable && !agrees(compressed, c.compressed) {
            problems.push(differs("compressed sizes"));
        }
        if readable && !agrees(size, c.size) {
            problems.push(differs("sizes"));
        }
        let data_end = data.saturating_add(c.compressed);
        if data_end > directory_start {
            problems.push(problem("runs_past", &named));
            return stop(problems);
        }
        position = data_end;
        if deferred {
            // CRC-32 and both sizes, 8 bytes each when the entry is ZIP64, after an optional
            // signature.
            let wide = zip64.is_some();
            let length = if wide { 20 } else { 12 };
            let signed = read_at(reader, file_length, data_end, 4)?.is_some_and(|b| u32_at(&b, 0) == DESCRIPTOR);
            let start = data_end + if signed { 4 } else { 0 };
            let Some(descriptor) =
                read_at(reader, file_length, start, length)?.filter(|_| start + length <= directory_start)
            else {
                problems.push(problem("descriptor_missing", &named));
                return stop(problems);
            };
            let (crc32, compressed, size) = if wide {
                (u32_at(&descriptor, 0), u64_at(&descriptor, 4), u64_at(&descriptor, 12))
            } else {
                (u32_at(&descriptor, 0), u32_at(&descriptor, 4) as u64, u32_at(&descriptor, 8) as u64)
            };
            let differs = |field: &str| problem("descriptor_differs", &[("name", who.as_str()), ("field", field)]);
            if crc32 != c.crc32 {
                problems.push(differs("CRC-32 values"));
            }
            if compressed != c.compressed {
                problems.push(differs("compressed sizes"));
            }
            if size != c.size {
                problems.push(differs("sizes"));
            }
            position = start + length;
        }
        entries.push(Entry {
            name: c.name.clone(),
            data,
            compressed: c.compressed,
            size: c.size,
            crc32: c.crc32,
            method: c.method,
        });
    }
    if position < directory_start {
        problems.push(unaccounted(reader, file_length, position, directory_start)?);
    }
    Ok(Some(Layout { entries, problems }))
}

/// What bytes that belong to no entry are: an entry the central directory does not list,
/// when they start with a local header, or just bytes.
fn unaccounted<R: Read + Seek>(reader: &mut R, file_length: u64, from: u64, to: u64) -> std::io::Result<String> {
    let offset = from.to_string();
    if to - from >= 30
        && let Some(header) = read_at(reader, file_length, from, 30)?
        && u32_at(&header, 0) == LOCAL
    {
        let length = (u16_at(&header, 26) as u64).min(to - from - 30);
        let name = read_at(reader, file_length, from + 30, length)?.expect("within the file");
        return Ok(problem("hidden", &[("name", &shown(&name)), ("offset", &offset)]));
    }
    Ok(problem("unaccounted", &[("count", &(to - from).to_string()), ("offset", &offset)]))
}

/// An entry's content as a stream: stored bytes or inflated ones, counted and checked
/// against the size and CRC-32 the ZIP declares when read to its end. More bytes than
/// declared are an error as soon as they come, so nothing is ever read past the declared size.
pub struct EntryReader<R: BufRead> {
    inner: Content<R>,
    size: u64,
    crc32: u32,
    read: u64,
    hasher: crc32fast::Hasher,
}

enum Content<R: BufRead> {
    Stored(R),
    Deflated(Inflate<R>),
}

impl<R: BufRead> EntryReader<R> {
    /// `data` reads exactly the entry's compressed bytes.
    pub fn new(data: R, entry: &Entry) -> Self {
        let inner = if entry.method == 8 {
            Content::Deflated(Inflate { inner: data, state: flate2::Decompress::new(false), done: false })
        } else {
            Content::Stored(data)
        };
        EntryReader { inner, size: entry.size, crc32: entry.crc32, read: 0, hasher: crc32fast::Hasher::new() }
    }
}

fn invalid(key: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, problem(key, &[]))
}

impl<R: BufRead> Read for EntryReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = match &mut self.inner {
            Content::Stored(inner) => inner.read(buf)?,
            Content::Deflated(inner) => inner.read(buf)?,
        };
        if n == 0 && !buf.is_empty() {
            if self.read != self.size {
                return Err(invalid("size_wrong"));
            }
            if self.hasher.clone().finalize() != self.crc32 {
                return Err(invalid("crc_wrong"));
            }
            return Ok(0);
        }
        self.read += n as u64;
        if self.read > self.size {
            return Err(invalid("size_wrong"));
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Raw deflate, which must end exactly where its compressed bytes do.
struct Inflate<R: BufRead> {
    inner: R,
    state: flate2::Decompress,
    done: bool,
}

impl<R: BufRead> Read for Inflate<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            let input = self.inner.fill_buf()?;
            let at_end = input.is_empty();
            let (before_in, before_out) = (self.state.total_in(), self.state.total_out());
            let flush = if at_end { flate2::FlushDecompress::Finish } else { flate2::FlushDecompress::None };
            let status = self.state.decompress(input, buf, flush).map_err(|_| invalid("inflate"))?;
            let consumed = (self.state.total_in() - before_in) as usize;
            let produced = (self.state.total_out() - before_out) as usize;
            self.inner.consume(consumed);
            if status == flate2::Status::StreamEnd {
                self.done = true;
                if !self.inner.fill_buf()?.is_empty() {
                    return Err(invalid("inflate"));
                }
            }
            if produced > 0 {
                return Ok(produced);
            }
            if at_end && !self.done {
                return Err(invalid("inflate"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    fn deflated(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn read(data: Vec<u8>, content: &[u8]) -> std::io::Result<Vec<u8>> {
        let entry = Entry {
            name: b"x".to_vec(),
            data: 0,
            compressed: data.len() as u64,
            size: content.len() as u64,
            crc32: crc32fast::hash(content),
            method: 8,
        };
        let mut out = Vec::new();
        EntryReader::new(Cursor::new(data), &entry).read_to_end(&mut out).map(|_| out)
    }

    #[test]
    fn deflated_data_must_end_exactly_where_the_zip_says() {
        let content = b"the same words again and again and again".repeat(50);
        assert_eq!(read(deflated(&content), &content).unwrap(), content);
        let mut trailing = deflated(&content);
        trailing.extend_from_slice(b"hidden bytes");
        assert_eq!(read(trailing, &content).unwrap_err().to_string(), problem("inflate", &[]));
        let mut cut = deflated(&content);
        cut.truncate(cut.len() - 3);
        assert_eq!(read(cut, &content).unwrap_err().to_string(), problem("inflate", &[]));
    }

    #[test]
    fn zip64_end_records_are_accounted_for_and_must_sit_before_the_end_record() {
        let mut writer = crate::BundleWriter::new(Cursor::new(Vec::new()));
        writer.add("a.txt", b"a").unwrap();
        let zip = writer.finish(b"{}", "c2ln", None).unwrap().into_inner();
        assert_eq!(walk(&mut Cursor::new(&zip)).unwrap().problems, Vec::<String>::new());
        // The same ZIP with a ZIP64 end record and locator, the end record saturated.
        let end = zip.len() - 22;
        let (count, size, offset) =
            (u16_at(&zip, end + 10) as u64, u32_at(&zip, end + 12) as u64, u32_at(&zip, end + 16) as u64);
        let mut with64 = zip[..end].to_vec();
        let record = with64.len() as u64;
        with64.extend_from_slice(&END64.to_le_bytes());
        for (value, width) in
            [(44u64, 8), (0x2d_032d, 4), (0, 4), (0, 4), (count, 8), (count, 8), (size, 8), (offset, 8)]
        {
            with64.extend_from_slice(&value.to_le_bytes()[..width]);
        }
        with64.extend_from_slice(&LOCATOR64.to_le_bytes());
        with64.extend_from_slice(&0u32.to_le_bytes());
        with64.extend_from_slice(&record.to_le_bytes());
        with64.extend_from_slice(&1u32.to_le_bytes());
        with64.extend_from_slice(&END.to_le_bytes());
        with64.extend_from_slice(&[
            0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0,
        ]);
        let layout = walk(&mut Cursor::new(&with64)).unwrap();
        assert_eq!(layout.problems, Vec::<String>::new());
        assert_eq!(layout.entries.len(), 3);
        // Bytes between the ZIP64 end record and its locator belong to nothing.
        let mut gap = with64.clone();
        gap.splice(record as usize + 56..record as usize + 56, *b"gap!");
        assert_eq!(
            walk(&mut Cursor::new(&gap)).unwrap().problems,
            [problem("unaccounted", &[("count", "4"), ("offset", &(record + 56).to_string())])]
        );
        // An end record that disagrees with its ZIP64 record.
        let mut disagree = with64.clone();
        let at = disagree.len() - 22 + 8;
        disagree[at..at + 2].copy_from_slice(&(count as u16 + 1).to_le_bytes());
        disagree[at + 2..at + 4].copy_from_slice(&(count as u16 + 1).to_le_bytes());
        assert_eq!(
            walk(&mut Cursor::new(&disagree)).unwrap().problems,
            [problem("damaged", &[("part", "ZIP64 end record")])]
        );
    }

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(
            problem("folder", &[("name", "{name}{offset}")]),
            "{name}{offset}: a folder entry: a bundle's ZIP holds files only"
        );
    }
}
