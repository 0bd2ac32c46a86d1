//! PNGs whose image data can be cut into bands of rows without being compressed again.
//!
//! A PNG's image data is one zlib stream of filtered rows, and a row's filter may refer to
//! the row above it, so a band of rows cannot simply be lifted out. A segmented PNG is an
//! ordinary PNG, read by any reader, whose stream is written in segments of
//! [`SEGMENT_ROWS`] rows: each segment's deflate data ends with a full flush (nothing after
//! it refers back into it) and its first row's filter is None or Sub (neither refers to the
//! row above). A private chunk, `trSG` (ancillary, unsafe to copy: an editor that changes the
//! image data must drop it), after the image data, gives where each segment starts in the
//! stream and the Adler-32 of its rows. A band that starts and ends at segment boundaries is
//! then made by copying those segments' bytes between a zlib header and a final empty block,
//! with the checksum combined from theirs: the same filtered rows, so the same pixels.
//!
//! [`band`] checks that the table fits the stream (each segment ends with the empty stored
//! block a full flush leaves, where the table says) and that the band's first row does not
//! look above it, without inflating the band; anything that does not hold is refused, and the
//! caller decodes and encodes the band instead. The PNG's own digest, checked against its
//! signed manifest before it is cut, vouches for the rest.

use std::io::Write;

/// Rows in a segment: small enough that a band ends near where a page does, large enough
/// that the flushes cost nothing worth measuring.
pub const SEGMENT_ROWS: u32 = 64;

/// Segments compressed at once, across the machine's cores.
const BATCH_SEGMENTS: u32 = 32;

/// The segment table's chunk type.
pub const CHUNK_TYPE: [u8; 4] = *b"trSG";

const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The chunks a band keeps from its picture, as they came: colour space, palette,
/// transparency, background and pixel size.
const KEPT_CHUNKS: [&[u8; 4]; 10] =
    [b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"PLTE", b"tRNS", b"bKGD", b"pHYs"];

/// The largest IDAT chunk written.
const IDAT_MAX: usize = 1 << 20;

/// The picture's header: its size and sample format, and the chunks (from
/// [`KEPT_CHUNKS`]) to write before the image data, as whole chunks' type and data.
#[derive(Debug, Clone)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    pub color_type: u8,
    pub bit_depth: u8,
    pub chunks: Vec<([u8; 4], Vec<u8>)>,
}

impl Header {
    /// Bytes in a row of samples, and bytes in a pixel (at least 1) as PNG's filters count
    /// them; `None` for a colour type and depth PNG does not allow.
    fn row_and_pixel_bytes(&self) -> Option<(usize, usize)> {
        let channels = match (self.color_type, self.bit_depth) {
            (0, 1 | 2 | 4 | 8 | 16) => 1,
            (2, 8 | 16) => 3,
            (3, 1 | 2 | 4 | 8) => 1,
            (4, 8 | 16) => 2,
            (6, 8 | 16) => 4,
            _ => return None,
        };
        let bits = u64::from(self.width) * channels * u64::from(self.bit_depth);
        let row = usize::try_from(bits.div_ceil(8)).ok()?;
        Some((row, ((channels * u64::from(self.bit_depth)) as usize / 8).max(1)))
    }
}

/// Why a segmented PNG could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the picture's header cannot be written: {0}")]
    Header(&'static str),
    #[error("a row is {found} bytes where {expected} were expected")]
    RowLength { expected: usize, found: usize },
    #[error("{written} rows were written where the header says {height}")]
    Rows { written: u32, height: u32 },
    #[error("the image data could not be compressed: {0}")]
    Compress(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// How each row is filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filtering {
    /// Each row the filter that gives the smallest sum of its bytes as signed values (as
    /// libpng chooses): smaller, slower.
    Adaptive,
    /// Up for every row but a segment's first (Sub): fast.
    Up,
}

/// Writes a segmented PNG a row at a time.
pub struct SegmentedWriter<W: Write> {
    out: W,
    header: Header,
    row_bytes: usize,
    pixel_bytes: usize,
    filtering: Filtering,
    level: u32,
    deflate: flate2::Compress,
    /// Rows of the batch being written, as samples.
    pending: Vec<u8>,
    /// Compressed data not yet written as an IDAT chunk.
    compressed: Vec<u8>,
    /// Bytes of the zlib stream so far, IDAT chunks written and pending.
    stream_len: u64,
    segments: Vec<(u64, u32)>,
    total_adler: u32,
    rows: u32,
}

impl<W: Write> SegmentedWriter<W> {
    /// Writes the signature, the header's chunks and the zlib header. `level` is zlib's
    /// compression level, 1 to 9.
    pub fn new(mut out: W, header: Header, level: u32, filtering: Filtering) -> Result<Self, WriteError> {
        let (row_bytes, pixel_bytes) =
            header.row_and_pixel_bytes().ok_or(WriteError::Header("no such colour type and bit depth"))?;
        if header.width == 0 || header.height == 0 || header.width >= 1 << 31 || header.height >= 1 << 31 {
            return Err(WriteError::Header("a width or height PNG does not allow"));
        }
        out.write_all(SIGNATURE)?;
        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend(header.width.to_be_bytes());
        ihdr.extend(header.height.to_be_bytes());
        ihdr.extend([header.bit_depth, header.color_type, 0, 0, 0]);
        write_chunk(&mut out, b"IHDR", &ihdr)?;
        for (kind, data) in &header.chunks {
            if !KEPT_CHUNKS.contains(&kind) {
                return Err(WriteError::Header("a chunk other than colour, palette, transparency or pixel size"));
            }
            write_chunk(&mut out, kind, data)?;
        }
        let level = level.clamp(1, 9);
        // The zlib header: deflate with a 32 KiB window, the level's hint, and its check bits.
        let cmf = 0x78u16;
        let hint = match level {
            1 => 0u16,
            2..=5 => 1,
            6 => 2,
            _ => 3,
        };
        let flg = hint << 6;
        let flg = flg + (31 - ((cmf << 8) + flg) % 31);
        Ok(SegmentedWriter {
            out,
            row_bytes,
            pixel_bytes,
            filtering,
            level,
            deflate: flate2::Compress::new(flate2::Compression::new(level), false),
            pending: Vec::with_capacity(row_bytes * (SEGMENT_ROWS * BATCH_SEGMENTS) as usize),
            compressed: vec![(cmf) as u8, flg as u8],
            stream_len: 2,
            segments: Vec::new(),
            total_adler: 1,
            rows: 0,
            header,
        })
    }

    /// Adds the next row of samples, as the picture stores them.
    pub fn write_row(&mut self, row: &[u8]) -> Result<(), WriteError> {
        if row.len() != self.row_bytes {
            return Err(WriteError::RowLength { expected: self.row_bytes, found: row.len() });
        }
        if self.rows >= self.header.height {
            return Err(WriteError::Rows { written: self.rows + 1, height: self.header.height });
        }
        self.pending.extend_from_slice(row);
        self.rows += 1;
        if self.rows.is_multiple_of(SEGMENT_ROWS * BATCH_SEGMENTS) || self.rows == self.header.height {
            self.end_batch()?;
        }
        Ok(())
    }

    /// Filters and compresses the pending rows, segment by segment, each ending in a full
    /// flush: the segments of a batch at once, one thread each up to the machine's cores
    /// (they share nothing, so their bytes put in order are one deflate stream).
    fn end_batch(&mut self) -> Result<(), WriteError> {
        let segment_bytes = SEGMENT_ROWS as usize * self.row_bytes;
        let pending = std::mem::take(&mut self.pending);
        let segments: Vec<&[u8]> = pending.chunks(segment_bytes).collect();
        let shape = (self.row_bytes, self.pixel_bytes, self.filtering);
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(segments.len()).max(1);
        let compressed: Vec<(Vec<u8>, u32, usize)> = if workers == 1 {
            let mut done = Vec::with_capacity(segments.len());
            let mut filtered = Vec::new();
            for segment in &segments {
                filter_segment(segment, shape, &mut filtered);
                done.push((compress_segment(&mut self.deflate, &filtered)?, adler32(&filtered), filtered.len()));
            }
            done
        } else {
            let level = self.level;
            let share = segments.len().div_ceil(workers);
            let results: Vec<Result<Vec<(Vec<u8>, u32, usize)>, WriteError>> = std::thread::scope(|scope| {
                let handles: Vec<_> = segments
                    .chunks(share)
                    .map(|group| {
                        scope.spawn(move || {
                            let mut deflate = flate2::Compress::new(flate2::Compression::new(level), false);
                            let mut filtered = Vec::new();
                            group
                                .iter()
                                .map(|segment| {
                                    filter_segment(segment, shape, &mut filtered);
                                    let bytes = compress_segment(&mut deflate, &filtered)?;
                                    Ok((bytes, adler32(&filtered), filtered.len()))
                                })
                                .collect()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Err(WriteError::Compress("a thread failed".into()))))
                    .collect()
            });
            let mut done = Vec::with_capacity(segments.len());
            for result in results {
                done.extend(result?);
            }
            done
        };
        for (bytes, adler, filtered_len) in compressed {
            self.segments.push((self.stream_len, adler));
            self.total_adler = adler32_combine(self.total_adler, adler, filtered_len as u64);
            self.stream_len += bytes.len() as u64;
            self.compressed.extend_from_slice(&bytes);
            while self.compressed.len() >= IDAT_MAX {
                let rest = self.compressed.split_off(IDAT_MAX);
                write_chunk(&mut self.out, b"IDAT", &self.compressed)?;
                self.compressed = rest;
            }
        }
        drop(segments);
        self.pending = pending;
        self.pending.clear();
        Ok(())
    }

    /// Ends the stream (a final empty stored block and the checksum), writes the segment
    /// table and the end, and gives back the writer.
    pub fn finish(mut self) -> Result<W, WriteError> {
        if self.rows != self.header.height {
            return Err(WriteError::Rows { written: self.rows, height: self.header.height });
        }
        self.compressed.extend([0x01, 0x00, 0x00, 0xff, 0xff]);
        let end = self.stream_len + 5;
        self.compressed.extend(self.total_adler.to_be_bytes());
        for part in self.compressed.chunks(IDAT_MAX) {
            write_chunk(&mut self.out, b"IDAT", part)?;
        }
        let mut table = Vec::with_capacity(9 + self.segments.len() * 12 + 8);
        table.push(1); // the table's version
        table.extend(SEGMENT_ROWS.to_be_bytes());
        table.extend((self.segments.len() as u32).to_be_bytes());
        for (offset, adler) in &self.segments {
            table.extend(offset.to_be_bytes());
            table.extend(adler.to_be_bytes());
        }
        // Where the last segment ends: the final empty block starts there.
        table.extend((end - 5).to_be_bytes());
        write_chunk(&mut self.out, &CHUNK_TYPE, &table)?;
        write_chunk(&mut self.out, b"IEND", &[])?;
        Ok(self.out)
    }
}

/// A segment's rows filtered, each with its filter type first: the first row None or Sub
/// (neither looks above it), the others as `filtering` says.
fn filter_segment(rows: &[u8], (row_bytes, bpp, filtering): (usize, usize, Filtering), out: &mut Vec<u8>) {
    out.clear();
    out.reserve(rows.len() + rows.len() / row_bytes);
    let mut candidates: [Vec<u8>; 5] = std::array::from_fn(|k| {
        let mut c = vec![0; row_bytes + 1];
        c[0] = k as u8;
        c
    });
    let zero = vec![0u8; row_bytes];
    for (k, row) in rows.chunks(row_bytes).enumerate() {
        let above = if k == 0 { &zero[..] } else { &rows[(k - 1) * row_bytes..k * row_bytes] };
        let [none, sub, up, average, paeth] = &mut candidates;
        let chosen = if k == 0 {
            none[1..].copy_from_slice(row);
            filter_sub(row, bpp, &mut sub[1..]);
            if score(&none[1..]) <= score(&sub[1..]) { 0 } else { 1 }
        } else if filtering == Filtering::Up {
            filter_up(row, above, &mut up[1..]);
            2
        } else {
            none[1..].copy_from_slice(row);
            filter_sub(row, bpp, &mut sub[1..]);
            filter_up(row, above, &mut up[1..]);
            filter_average(row, above, bpp, &mut average[1..]);
            filter_paeth(row, above, bpp, &mut paeth[1..]);
            let scores = candidates.iter().map(|c| score(&c[1..]));
            scores.enumerate().min_by_key(|(_, s)| *s).map_or(0, |(k, _)| k)
        };
        out.extend_from_slice(&candidates[chosen]);
    }
}

fn filter_sub(row: &[u8], bpp: usize, out: &mut [u8]) {
    out[..bpp].copy_from_slice(&row[..bpp]);
    for ((o, &x), &left) in out[bpp..].iter_mut().zip(&row[bpp..]).zip(row) {
        *o = x.wrapping_sub(left);
    }
}

fn filter_up(row: &[u8], above: &[u8], out: &mut [u8]) {
    for ((o, &x), &up) in out.iter_mut().zip(row).zip(above) {
        *o = x.wrapping_sub(up);
    }
}

fn filter_average(row: &[u8], above: &[u8], bpp: usize, out: &mut [u8]) {
    for i in 0..bpp {
        out[i] = row[i].wrapping_sub(above[i] >> 1);
    }
    for (((o, &x), &left), &up) in out[bpp..].iter_mut().zip(&row[bpp..]).zip(row).zip(&above[bpp..]) {
        *o = x.wrapping_sub(((u16::from(left) + u16::from(up)) >> 1) as u8);
    }
}

fn filter_paeth(row: &[u8], above: &[u8], bpp: usize, out: &mut [u8]) {
    for i in 0..bpp {
        out[i] = row[i].wrapping_sub(above[i]);
    }
    let lefts = row.iter().zip(above);
    for ((o, (&x, &up)), (&left, &upper_left)) in
        out[bpp..].iter_mut().zip(row[bpp..].iter().zip(&above[bpp..])).zip(lefts)
    {
        *o = x.wrapping_sub(paeth_predictor(left, up, upper_left));
    }
}

/// One segment's raw deflate data, ending in a full flush (byte-aligned, and nothing after
/// it refers back into it).
fn compress_segment(deflate: &mut flate2::Compress, mut input: &[u8]) -> Result<Vec<u8>, WriteError> {
    let mut out = Vec::with_capacity(input.len() / 2 + 1024);
    loop {
        if out.capacity() - out.len() < 16 * 1024 {
            out.reserve(out.capacity().max(64 * 1024));
        }
        let before = deflate.total_in();
        deflate
            .compress_vec(input, &mut out, flate2::FlushCompress::Full)
            .map_err(|e| WriteError::Compress(e.to_string()))?;
        input = &input[(deflate.total_in() - before) as usize..];
        // Done once all is taken and the flush had room left over (so it is complete).
        if input.is_empty() && out.len() < out.capacity() {
            return Ok(out);
        }
    }
}

fn paeth_predictor(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let (pa, pb, pc) = ((ib - ic).abs(), (ia - ic).abs(), (ia + ib - 2 * ic).abs());
    let b_or_c = if pb <= pc { b } else { c };
    if pa <= pb && pa <= pc { a } else { b_or_c }
}

fn score(filtered: &[u8]) -> u64 {
    // In runs short enough for a 32-bit sum, which vectorises.
    let run = |c: &[u8]| u64::from(c.iter().map(|&b| u32::from((b as i8).unsigned_abs())).sum::<u32>());
    filtered.chunks(1 << 16).map(run).sum()
}

fn write_chunk<W: Write>(out: &mut W, kind: &[u8; 4], data: &[u8]) -> std::io::Result<()> {
    out.write_all(&(data.len() as u32).to_be_bytes())?;
    out.write_all(kind)?;
    out.write_all(data)?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.write_all(&crc.finalize().to_be_bytes())
}

const ADLER_BASE: u32 = 65_521;

/// Adler-32 as zlib computes it.
pub fn adler32(data: &[u8]) -> u32 {
    let mut hasher = simd_adler32::Adler32::new();
    hasher.write(data);
    hasher.finish()
}

/// The Adler-32 of two runs of bytes one after the other, from each run's own and the
/// second's length (zlib's `adler32_combine`).
pub fn adler32_combine(first: u32, second: u32, second_len: u64) -> u32 {
    let base = u64::from(ADLER_BASE);
    let rem = second_len % base;
    let mut sum1 = u64::from(first & 0xffff);
    let mut sum2 = (rem * sum1) % base;
    sum1 += u64::from(second & 0xffff) + base - 1;
    sum2 += u64::from(first >> 16) + u64::from(second >> 16) + base - rem;
    if sum1 >= base {
        sum1 -= base;
    }
    if sum1 >= base {
        sum1 -= base;
    }
    if sum2 >= base << 1 {
        sum2 -= base << 1;
    }
    if sum2 >= base {
        sum2 -= base;
    }
    (sum1 | (sum2 << 16)) as u32
}

/// A PNG's header with the chunks before its image data that a band keeps, where its image
/// data lies, and its segment table if it has one.
struct Parsed {
    header: Header,
    /// Each IDAT chunk's data, as a range of the PNG's bytes.
    idat: Vec<std::ops::Range<usize>>,
    table: Option<std::ops::Range<usize>>,
    /// Deflate, PNG's adaptive filtering, not interlaced.
    plain: bool,
}

fn parse(png: &[u8]) -> Option<Parsed> {
    if png.len() < 8 + 25 || &png[..8] != SIGNATURE {
        return None;
    }
    let mut at = 8;
    let (mut header, mut idat, mut table, mut plain) = (None, Vec::new(), None, false);
    while at + 12 <= png.len() {
        let length = u32::from_be_bytes(png[at..at + 4].try_into().ok()?) as usize;
        let kind: [u8; 4] = png[at + 4..at + 8].try_into().ok()?;
        let range = at + 8..at.checked_add(8 + length)?;
        let data = png.get(range.clone())?;
        match &kind {
            b"IHDR" if length == 13 => {
                // Another compression, filtering or interlacing cannot be cut.
                plain = data[10] == 0 && data[11] == 0 && data[12] == 0;
                header = Some(Header {
                    width: u32::from_be_bytes(data[0..4].try_into().ok()?),
                    height: u32::from_be_bytes(data[4..8].try_into().ok()?),
                    bit_depth: data[8],
                    color_type: data[9],
                    chunks: Vec::new(),
                });
            }
            b"IDAT" => idat.push(range.clone()),
            b"IEND" => break,
            kind if kind == &CHUNK_TYPE => table = Some(range.clone()),
            kind if idat.is_empty() && KEPT_CHUNKS.contains(&kind) => {
                header.as_mut()?.chunks.push((*kind, data.to_vec()));
            }
            _ => {}
        }
        at = range.end + 4;
    }
    Some(Parsed { header: header?, idat, table, plain })
}

/// The chunks before a PNG's image data that a band or a join keeps (colour space, palette,
/// transparency, background, pixel size), as they are.
pub fn kept_chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    parse(png).map(|parsed| parsed.header.chunks).unwrap_or_default()
}

/// A segmented PNG, read once, to cut bands from.
pub struct Cutter<'a> {
    png: &'a [u8],
    parsed: Parsed,
    /// Each segment's start in the zlib stream, and where the last ends.
    offsets: Vec<u64>,
    adlers: Vec<u32>,
    row_bytes: usize,
}

impl<'a> Cutter<'a> {
    /// The PNG, if it is segmented with a table that fits it.
    pub fn new(png: &'a [u8]) -> Option<Cutter<'a>> {
        let parsed = parse(png)?;
        let table = png.get(parsed.table.clone().filter(|_| parsed.plain)?)?;
        let (row_bytes, _) = parsed.header.row_and_pixel_bytes()?;
        if table.len() < 9 || table[0] != 1 || u32::from_be_bytes(table[1..5].try_into().ok()?) != SEGMENT_ROWS {
            return None;
        }
        let count = u32::from_be_bytes(table[5..9].try_into().ok()?) as usize;
        if count != parsed.header.height.div_ceil(SEGMENT_ROWS) as usize || table.len() != 9 + count * 12 + 8 {
            return None;
        }
        let mut offsets = Vec::with_capacity(count + 1);
        let mut adlers = Vec::with_capacity(count);
        for k in 0..count {
            let entry = &table[9 + k * 12..9 + k * 12 + 12];
            offsets.push(u64::from_be_bytes(entry[..8].try_into().ok()?));
            adlers.push(u32::from_be_bytes(entry[8..].try_into().ok()?));
        }
        offsets.push(u64::from_be_bytes(table[table.len() - 8..].try_into().ok()?));
        let stream_len: usize = parsed.idat.iter().map(|r| r.len()).sum();
        let in_order = offsets.windows(2).all(|w| w[0] < w[1]);
        if offsets[0] != 2 || !in_order || offsets[count] > stream_len as u64 {
            return None;
        }
        Some(Cutter { png, parsed, offsets, adlers, row_bytes })
    }

    /// The whole PNG it cuts.
    pub fn png(&self) -> &'a [u8] {
        self.png
    }

    pub fn height(&self) -> u32 {
        self.parsed.header.height
    }

    /// The zlib stream's bytes from `start` to `end`, across IDAT chunks.
    fn stream(&self, start: usize, end: usize, into: &mut Vec<u8>) {
        let mut at = 0;
        for range in &self.parsed.idat {
            let (from, to) = (start.max(at), end.min(at + range.len()));
            if from < to {
                into.extend_from_slice(&self.png[range.start + from - at..range.start + to - at]);
            }
            at += range.len();
        }
    }

    /// Whether the segments from `first` to `last` (exclusive) each end where the table says
    /// with the empty stored block a full flush leaves (`00 00 ff ff`): a table that does not
    /// fit the stream is found without inflating it.
    fn boundaries_hold(&self, first: usize, last: usize) -> bool {
        let mut tail = Vec::with_capacity(4);
        (first.max(1)..=last).all(|k| {
            let Ok(at) = usize::try_from(self.offsets[k]) else { return false };
            tail.clear();
            self.stream(at.saturating_sub(4), at, &mut tail);
            tail == [0x00, 0x00, 0xff, 0xff]
        })
    }

    /// Rows `from` to `from + rows` as a PNG of their own, their compressed data copied;
    /// `None` when the band does not start and end at segment boundaries (or the picture's
    /// end), when the table's boundaries are not where the stream's full flushes are, or
    /// when the band's first row's filter looks at the row above (neither None nor Sub).
    pub fn band(&self, from: u32, rows: u32) -> Option<Vec<u8>> {
        let height = self.height();
        let to = from.checked_add(rows)?;
        let ends_well = to.is_multiple_of(SEGMENT_ROWS) || to == height;
        if rows == 0 || to > height || !from.is_multiple_of(SEGMENT_ROWS) || !ends_well {
            return None;
        }
        let (first, last) = ((from / SEGMENT_ROWS) as usize, to.div_ceil(SEGMENT_ROWS) as usize);
        let row_bytes = self.row_bytes as u64 + 1;
        let mut adler = 1;
        for k in first..last {
            let segment_rows = SEGMENT_ROWS.min(height - k as u32 * SEGMENT_ROWS);
            adler = adler32_combine(adler, self.adlers[k], u64::from(segment_rows) * row_bytes);
        }
        let (start, end) = (usize::try_from(self.offsets[first]).ok()?, usize::try_from(self.offsets[last]).ok()?);
        let mut stream = Vec::with_capacity(end - start + 11);
        stream.extend([0x78, 0x01]);
        self.stream(start, end, &mut stream);
        stream.extend([0x01, 0x00, 0x00, 0xff, 0xff]);
        stream.extend(adler.to_be_bytes());
        if !self.boundaries_hold(first, last) || !starts_without_looking_above(&stream[2..]) {
            return None;
        }
        let header = &self.parsed.header;
        let mut out = Vec::with_capacity(stream.len() + 256);
        out.extend_from_slice(SIGNATURE);
        let mut ihdr = Vec::with_capacity(13);
        ihdr.extend(header.width.to_be_bytes());
        ihdr.extend(rows.to_be_bytes());
        ihdr.extend([header.bit_depth, header.color_type, 0, 0, 0]);
        write_chunk(&mut out, b"IHDR", &ihdr).ok()?;
        for (kind, data) in &header.chunks {
            write_chunk(&mut out, kind, data).ok()?;
        }
        for part in stream.chunks(IDAT_MAX) {
            write_chunk(&mut out, b"IDAT", part).ok()?;
        }
        write_chunk(&mut out, b"IEND", &[]).ok()?;
        Some(out)
    }
}

/// Whether the PNG is segmented with a table that fits it: then [`band`] can cut it at
/// every multiple of [`SEGMENT_ROWS`] rows.
pub fn is_segmented(png: &[u8]) -> bool {
    Cutter::new(png).is_some()
}

/// [`Cutter::band`] of a PNG; `None` also when it is not segmented.
pub fn band(png: &[u8], from: u32, rows: u32) -> Option<Vec<u8>> {
    Cutter::new(png)?.band(from, rows)
}

/// Whether raw deflate data starts with a row whose filter is None or Sub (neither looks at
/// the row above): only its first byte is inflated.
fn starts_without_looking_above(deflate: &[u8]) -> bool {
    let mut inflate = flate2::Decompress::new(false);
    let mut first = [0u8; 1];
    match inflate.decompress(deflate, &mut first, flate2::FlushDecompress::None) {
        Ok(_) => inflate.total_out() == 1 && first[0] <= 1,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut decoder = png::Decoder::new(Cursor::new(png));
        decoder.set_transformations(png::Transformations::IDENTITY);
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        pixels.truncate(frame.buffer_size());
        (frame.width, frame.height, pixels)
    }

    /// A picture of `height` rows: a noisy block, text-like marks, a coloured rule.
    fn rows(width: u32, height: u32, channels: usize) -> Vec<Vec<u8>> {
        let mut x = 0x9e37_79b9u32;
        (0..height)
            .map(|y| {
                (0..width as usize * channels)
                    .map(|i| {
                        x ^= x << 13;
                        x ^= x >> 17;
                        x ^= x << 5;
                        if y < 40 && i < 90 {
                            x as u8
                        } else if y % 50 == 0 {
                            (i % 7) as u8 * 30
                        } else if y % 12 < 7 && x % 5 == 0 {
                            20
                        } else {
                            255
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn write(width: u32, picture: &[Vec<u8>], color_type: u8, filtering: Filtering) -> Vec<u8> {
        let header = Header {
            width,
            height: picture.len() as u32,
            color_type,
            bit_depth: 8,
            chunks: vec![(*b"sRGB", vec![0]), (*b"pHYs", vec![0, 0, 14, 195, 0, 0, 14, 195, 1])],
        };
        let mut writer = SegmentedWriter::new(Vec::new(), header, 6, filtering).unwrap();
        for row in picture {
            writer.write_row(row).unwrap();
        }
        writer.finish().unwrap()
    }

    #[test]
    fn a_segmented_png_is_an_ordinary_png_with_the_same_pixels() {
        for (color_type, channels) in [(2u8, 3usize), (6, 4), (0, 1)] {
            for filtering in [Filtering::Adaptive, Filtering::Up] {
                let picture = rows(37, 150, channels);
                let png = write(37, &picture, color_type, filtering);
                let (width, height, pixels) = decode(&png);
                assert_eq!((width, height), (37, 150));
                assert_eq!(pixels, picture.concat(), "colour type {color_type}, {filtering:?}");
                assert!(is_segmented(&png));
            }
        }
    }

    #[test]
    fn a_picture_of_many_batches_is_whole_and_cut_anywhere_on_a_boundary() {
        let picture = rows(13, 5_000, 3);
        let png = write(13, &picture, 2, Filtering::Adaptive);
        assert_eq!(decode(&png).2, picture.concat());
        for (from, rows) in [(1_984u32, 128u32), (4_096, 904), (0, 5_000)] {
            let strip = band(&png, from, rows).unwrap_or_else(|| panic!("band {from}+{rows}"));
            assert_eq!(decode(&strip).2, picture[from as usize..(from + rows) as usize].concat());
        }
    }

    #[test]
    fn adaptive_filtering_makes_it_smaller_than_up_alone() {
        let picture = rows(300, 200, 3);
        let adaptive = write(300, &picture, 2, Filtering::Adaptive);
        let up = write(300, &picture, 2, Filtering::Up);
        assert!(adaptive.len() < up.len(), "{} against {}", adaptive.len(), up.len());
    }

    #[test]
    fn bands_at_segment_boundaries_give_back_their_rows_exactly() {
        let picture = rows(41, 300, 3);
        let png = write(41, &picture, 2, Filtering::Adaptive);
        let line = 41 * 3;
        let mut put_together = Vec::new();
        for (from, rows) in [(0u32, 64u32), (64, 128), (192, 64), (256, 44)] {
            let strip = band(&png, from, rows).unwrap_or_else(|| panic!("band {from}+{rows}"));
            let (width, height, pixels) = decode(&strip);
            assert_eq!((width, height), (41, rows));
            assert_eq!(pixels, picture[from as usize..(from + rows) as usize].concat());
            // Its colour chunks kept, its table not (it would not fit the band).
            assert!(strip.windows(4).any(|w| w == b"sRGB") && strip.windows(4).any(|w| w == b"pHYs"));
            assert!(!is_segmented(&strip));
            // zlib's own reader takes its stream, checksum and all.
            let stream: Vec<u8> = parse(&strip).unwrap().idat.into_iter().flat_map(|r| strip[r].to_vec()).collect();
            let mut inflated = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::ZlibDecoder::new(stream.as_slice()), &mut inflated).unwrap();
            assert_eq!(inflated.len(), rows as usize * (line + 1));
            put_together.extend(pixels);
        }
        assert_eq!(put_together.len(), picture.len() * line);
        assert_eq!(put_together, picture.concat());
        assert_eq!(decode(&band(&png, 0, 300).unwrap()).2, picture.concat());
    }

    #[test]
    fn bands_that_do_not_fit_the_segments_are_refused() {
        let picture = rows(10, 200, 3);
        let png = write(10, &picture, 2, Filtering::Up);
        for (from, rows) in [(1, 64), (0, 63), (0, 0), (192, 9), (64, 200)] {
            assert!(band(&png, from, rows).is_none(), "{from}+{rows}");
        }
        assert!(band(&png, 192, 8).is_some());
    }

    #[test]
    fn a_table_that_does_not_hold_is_refused_not_trusted() {
        let picture = rows(20, 200, 3);
        let png = write(20, &picture, 2, Filtering::Adaptive);
        let at = png.windows(4).position(|w| w == CHUNK_TYPE).unwrap() + 4;
        // The stream damaged where segment 1 ends: its full flush's marker is not there.
        let idat = png.windows(4).position(|w| w == b"IDAT").unwrap() + 4;
        let end_of_1 = u64::from_be_bytes(png[at + 9 + 24..at + 9 + 32].try_into().unwrap()) as usize;
        let mut damaged = png.clone();
        damaged[idat + end_of_1 - 1] ^= 0x10;
        assert!(band(&damaged, 64, 64).is_none());
        assert!(band(&damaged, 128, 64).is_none());
        assert!(band(&damaged, 0, 64).is_some());
        // An offset moved: the band's data no longer starts where a segment does.
        let mut moved = png.clone();
        moved[at + 9 + 12 + 7] = moved[at + 9 + 12 + 7].wrapping_add(1);
        assert!(band(&moved, 64, 64).is_none());
        // A PNG without a table, from another encoder.
        let mut plain = Vec::new();
        let mut encoder = png::Encoder::new(&mut plain, 20, 200);
        encoder.set_color(png::ColorType::Rgb);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&picture.concat()).unwrap();
        writer.finish().unwrap();
        assert!(!is_segmented(&plain));
        assert!(band(&plain, 0, 64).is_none());
    }

    #[test]
    fn adler32_combines_as_zlib_does() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for cut in [0, 1, 5_552, 65_521, 99_999] {
            let (a, b) = data.split_at(cut);
            assert_eq!(adler32_combine(adler32(a), adler32(b), b.len() as u64), adler32(&data), "cut at {cut}");
        }
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }

    #[test]
    fn rows_of_the_wrong_length_or_number_are_refused() {
        let header = Header { width: 4, height: 2, color_type: 2, bit_depth: 8, chunks: Vec::new() };
        let mut writer = SegmentedWriter::new(Vec::new(), header.clone(), 1, Filtering::Up).unwrap();
        assert!(matches!(writer.write_row(&[0; 11]), Err(WriteError::RowLength { expected: 12, found: 11 })));
        writer.write_row(&[0; 12]).unwrap();
        assert!(matches!(writer.finish(), Err(WriteError::Rows { written: 1, height: 2 })));
        let odd = Header { chunks: vec![(*b"tEXt", b"a\0b".to_vec())], ..header };
        assert!(SegmentedWriter::new(Vec::new(), odd, 1, Filtering::Up).is_err());
    }
}
