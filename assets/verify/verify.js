"use strict";
// Checks a Triangulate evidence bundle in the browser, offline: the same checks as
// triangulate-verify. Everything from the bundle is shown as text, never as markup.
const MANIFEST = "manifest.json", SIGNATURE = "manifest.sig", TIMESTAMP = "manifest.tsr", FORMAT = "triangulate-bundle/1";
const MAX_MANIFEST = 64 * 1024 * 1024;
const GENESIS = "0".repeat(64);
const REDACTION_FORMAT = "triangulate-redaction-1";
const $ = (id) => document.getElementById(id);
const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (bytes) => hex(await crypto.subtle.digest("SHA-256", bytes));
const fromHex = (text) => new Uint8Array((text.match(/../g) || []).map((h) => parseInt(h, 16)));

function unsafeName(name) {
  if (!name) return "an empty name";
  if (name.startsWith("/") || name.startsWith("\\") || name[1] === ":") return "an absolute path";
  if (name.includes("\\")) return "a backslash in the path";
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return "a control character in the name";
  if (name.split("/").some((part) => part === ".." || part === "." || part === "")) return "a path that climbs out of the bundle or has an empty part";
  return null;
}

// The sentences the verifiers report, the same in triangulate-verify: REPORT_TEXTS is
// assets/verify/report-texts.json, put before this script by the page's builder.
function text(group, key, values = {}) {
  const template = REPORT_TEXTS[group][key];
  if (typeof template !== "string") throw new Error(`no text ${group}.${key}`);
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
const zipProblem = (key, values) => text("zip", key, values);

const SIG = { local: 0x04034b50, central: 0x02014b50, end: 0x06054b50, end64: 0x06064b50, locator64: 0x07064b50, descriptor: 0x08074b50 };
const MAX_DIRECTORY = 64 * 1024 * 1024;

// `length` bytes at `offset`, or null when the file ends before.
async function bytesAt(file, offset, length) {
  if (offset + length > file.size) return null;
  return new DataView(await file.slice(offset, offset + length).arrayBuffer());
}
const big = (view, at) => Number(view.getBigUint64(at, true));

// Extra fields as [id, offset of the data, length]; null when they do not fill their length exactly.
function extraFields(view, start, length) {
  const fields = [];
  for (let at = 0; at < length; ) {
    if (at + 4 > length) return null;
    const id = view.getUint16(start + at, true), size = view.getUint16(start + at + 2, true);
    if (at + 4 + size > length) return null;
    fields.push([id, start + at + 4, size]);
    at += 4 + size;
  }
  return fields;
}
const shown = (view, start, length) => new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + start, length));

// What bytes that belong to no entry are: an entry the central directory does not list,
// when they start with a local header, or just bytes.
async function unaccounted(file, from, to) {
  const header = to - from >= 30 ? await bytesAt(file, from, 30) : null;
  if (header && header.getUint32(0, true) === SIG.local) {
    const length = Math.min(header.getUint16(26, true), to - from - 30);
    const name = await bytesAt(file, from + 30, length);
    return zipProblem("hidden", { name: shown(name, 0, length), offset: from });
  }
  return zipProblem("unaccounted", { count: to - from, offset: from });
}

// A ZIP's layout, walked byte by byte as triangulate-verify walks it (layout.rs), in the same
// order with the same words: every byte of the file belongs to an entry the central directory
// lists, in its order, then the directory, the ZIP64 end record and locator if any, the end
// record with no comment, nothing after; each entry's own header agrees with the directory,
// and no entry is a folder, a link, encrypted or compressed other than stored or deflated.
async function zipLayout(file) {
  const problems = [];
  const stop = () => ({ entries: [], problems });
  const length = file.size;
  const tailLength = Math.min(length, 65535 + 22);
  const tail = new DataView(await file.slice(length - tailLength).arrayBuffer());
  let found = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) if (tail.getUint32(i, true) === SIG.end) { found = i; break; }
  if (found < 0) throw new Error("this is not a ZIP file: it has no ZIP end record");
  const end = length - tailLength + found;
  const disk = tail.getUint16(found + 4, true), directoryDisk = tail.getUint16(found + 6, true), onDisk = tail.getUint16(found + 8, true);
  let count = tail.getUint16(found + 10, true), directorySize = tail.getUint32(found + 12, true), directoryOffset = tail.getUint32(found + 16, true);
  const comment = tail.getUint16(found + 20, true);
  const recordsEnd = end + 22 + comment;
  if (recordsEnd > length) { problems.push(zipProblem("damaged", { part: "end record" })); return stop(); }
  if (comment > 0) problems.push(zipProblem("comment"));
  if (recordsEnd < length) problems.push(zipProblem("after", { count: length - recordsEnd }));
  if (disk !== 0 || directoryDisk !== 0 || onDisk !== count) { problems.push(zipProblem("split")); return stop(); }

  let directoryEnd = end;
  const locator = end >= 20 ? await bytesAt(file, end - 20, 20) : null;
  if (locator && locator.getUint32(0, true) === SIG.locator64) {
    if (locator.getUint32(4, true) !== 0 || locator.getUint32(16, true) !== 1) { problems.push(zipProblem("split")); return stop(); }
    const at = big(locator, 8);
    const record = await bytesAt(file, at, 56);
    if (!record || record.getUint32(0, true) !== SIG.end64 || big(record, 4) !== 44 || at + 56 > end - 20) {
      problems.push(zipProblem("damaged", { part: "ZIP64 end record" }));
      return stop();
    }
    if (record.getUint32(16, true) !== 0 || record.getUint32(20, true) !== 0 || big(record, 24) !== big(record, 32)) { problems.push(zipProblem("split")); return stop(); }
    const count64 = big(record, 32), size64 = big(record, 40), offset64 = big(record, 48);
    if ((count !== 0xffff && count !== count64) || (directorySize !== 0xffffffff && directorySize !== size64) || (directoryOffset !== 0xffffffff && directoryOffset !== offset64)) {
      problems.push(zipProblem("damaged", { part: "ZIP64 end record" }));
      return stop();
    }
    count = count64; directorySize = size64; directoryOffset = offset64;
    if (at + 56 < end - 20) problems.push(await unaccounted(file, at + 56, end - 20));
    directoryEnd = at;
  } else if (count === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    problems.push(zipProblem("damaged", { part: "ZIP64 end record" }));
    return stop();
  }

  // Where the central directory is: ending where the end records begin, or at the offset it
  // gives with bytes between it and them; or every offset moved by bytes put before the first entry.
  if (directorySize > directoryEnd || directorySize > MAX_DIRECTORY || count > Math.floor(directorySize / 46)) {
    problems.push(zipProblem("damaged", { part: "central directory" }));
    return stop();
  }
  let directoryStart = directoryEnd - directorySize;
  const signatureAt = async (at) => { const b = await bytesAt(file, at, 4); return Boolean(b) && b.getUint32(0, true) === SIG.central; };
  let shift = 0;
  if (directoryOffset !== directoryStart) {
    if (directoryOffset < directoryStart && count > 0 && (await signatureAt(directoryOffset))) {
      problems.push(await unaccounted(file, directoryOffset + directorySize, directoryEnd));
      directoryStart = directoryOffset;
    } else if (directoryOffset < directoryStart && (count === 0 || (await signatureAt(directoryStart)))) {
      shift = directoryStart - directoryOffset;
    } else {
      problems.push(zipProblem("damaged", { part: "central directory" }));
      return stop();
    }
  }

  const cd = await bytesAt(file, directoryStart, directorySize);
  const central = [];
  let unreadable = false;
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.byteLength || cd.getUint32(p, true) !== SIG.central) { problems.push(zipProblem("damaged", { part: "central directory" })); return stop(); }
    const flags = cd.getUint16(p + 8, true), method = cd.getUint16(p + 10, true), crc32 = cd.getUint32(p + 16, true);
    let compressed = cd.getUint32(p + 20, true), size = cd.getUint32(p + 24, true);
    const nameLength = cd.getUint16(p + 28, true), extraLength = cd.getUint16(p + 30, true), commentLength = cd.getUint16(p + 32, true);
    const entryDisk = cd.getUint16(p + 34, true), external = cd.getUint32(p + 38, true);
    let local = cd.getUint32(p + 42, true);
    if (p + 46 + nameLength + extraLength + commentLength > cd.byteLength) { problems.push(zipProblem("damaged", { part: "central directory" })); return stop(); }
    const nameBytes = new Uint8Array(cd.buffer, cd.byteOffset + p + 46, nameLength).slice();
    const name = shown(cd, p + 46, nameLength);
    const fields = extraFields(cd, p + 46 + nameLength, extraLength);
    p += 46 + nameLength + extraLength + commentLength;
    // The ZIP64 field gives, in this order, each of size, compressed size and local header
    // offset that the record saturates.
    let readable = fields !== null;
    if (fields) {
      const zip64 = fields.find(([id]) => id === 1) || [1, 0, 0];
      let q = 0;
      const wide = (value) => {
        if (value !== 0xffffffff || !readable) return value;
        if (q + 8 > zip64[2]) { readable = false; return value; }
        const v = big(cd, zip64[1] + q);
        q += 8;
        return v;
      };
      size = wide(size); compressed = wide(compressed); local = wide(local);
    }
    if (entryDisk !== 0) { problems.push(zipProblem("split")); return stop(); }
    const kind = (external >>> 16) & 0o170000;
    if (name.endsWith("/") || (external & 0x10) !== 0 || kind === 0o040000) problems.push(zipProblem("folder", { name }));
    else if (kind === 0o120000) problems.push(zipProblem("link", { name }));
    else if (kind !== 0 && kind !== 0o100000) problems.push(zipProblem("not_file", { name }));
    if ((flags & 0x0001) !== 0 || (flags & 0x0040) !== 0 || (flags & 0x2000) !== 0) problems.push(zipProblem("encrypted", { name }));
    if (method !== 0 && method !== 8) problems.push(zipProblem("method", { name, method }));
    else if (method === 0 && readable && compressed !== size) problems.push(zipProblem("stored_sizes", { name }));
    if (fields && fields.some(([id]) => id === 0x7075)) problems.push(zipProblem("unicode_name", { name }));
    if (commentLength > 0) problems.push(zipProblem("entry_comment", { name }));
    if (!readable) { problems.push(zipProblem("extra", { name })); unreadable = true; }
    central.push({ nameBytes, name, flags, method, crc32, compressed, size, local });
  }
  if (p < cd.byteLength) problems.push(await unaccounted(file, directoryStart + p, directoryStart + directorySize));
  if (unreadable) return stop();
  for (const c of central) c.local += shift;
  for (let k = 1; k < central.length; k++) if (central[k - 1].local >= central[k].local) { problems.push(zipProblem("order")); return stop(); }

  // The entries, one after another from the start of the file.
  const entries = [];
  let position = 0;
  for (const c of central) {
    const name = c.name;
    if (c.local < position) { problems.push(zipProblem("overlap", { name })); return stop(); }
    if (c.local > position) problems.push(await unaccounted(file, position, c.local));
    const header = await bytesAt(file, c.local, 30);
    if (!header || header.getUint32(0, true) !== SIG.local || c.local + 30 > directoryStart) { problems.push(zipProblem("local_missing", { name })); return stop(); }
    const flags = header.getUint16(6, true), method = header.getUint16(8, true), crc32 = header.getUint32(14, true);
    let compressed = header.getUint32(18, true), size = header.getUint32(22, true);
    const nameLength = header.getUint16(26, true), extraLength = header.getUint16(28, true);
    const data = c.local + 30 + nameLength + extraLength;
    if (data > directoryStart) { problems.push(zipProblem("local_missing", { name })); return stop(); }
    const rest = await bytesAt(file, c.local + 30, nameLength + extraLength);
    const localName = new Uint8Array(rest.buffer, rest.byteOffset, nameLength);
    if (localName.length !== c.nameBytes.length || localName.some((b, i) => b !== c.nameBytes[i])) problems.push(zipProblem("local_name", { name }));
    // A local ZIP64 field holds both sizes, size first, when either is saturated.
    const fields = extraFields(rest, nameLength, extraLength);
    const zip64 = fields ? fields.find(([id]) => id === 1) : undefined;
    let readable = fields !== null;
    if (compressed === 0xffffffff || size === 0xffffffff) {
      if (zip64 && zip64[2] >= 16) { size = big(rest, zip64[1]); compressed = big(rest, zip64[1] + 8); }
      else readable = false;
    }
    if (!readable) problems.push(zipProblem("extra", { name }));
    if (fields && fields.some(([id]) => id === 0x7075) && !problems.includes(zipProblem("unicode_name", { name }))) problems.push(zipProblem("unicode_name", { name }));
    const deferred = (c.flags & 0x0008) !== 0;
    const differs = (field) => zipProblem("local_differs", { name, field });
    if (flags !== c.flags) problems.push(differs("flags"));
    if (method !== c.method) problems.push(differs("compression methods"));
    // With a data descriptor the header may leave these as zero.
    const agrees = (value, expected) => value === expected || (deferred && value === 0);
    if (!agrees(crc32, c.crc32)) problems.push(differs("CRC-32 values"));
    if (readable && !agrees(compressed, c.compressed)) problems.push(differs("compressed sizes"));
    if (readable && !agrees(size, c.size)) problems.push(differs("sizes"));
    const dataEnd = data + c.compressed;
    if (dataEnd > directoryStart) { problems.push(zipProblem("runs_past", { name })); return stop(); }
    position = dataEnd;
    if (deferred) {
      // CRC-32 and both sizes, 8 bytes each when the entry is ZIP64, after an optional signature.
      const wide = zip64 !== undefined;
      const descriptorLength = wide ? 20 : 12;
      const first = await bytesAt(file, dataEnd, 4);
      const start = dataEnd + (first && first.getUint32(0, true) === SIG.descriptor ? 4 : 0);
      const descriptor = await bytesAt(file, start, descriptorLength);
      if (!descriptor || start + descriptorLength > directoryStart) { problems.push(zipProblem("descriptor_missing", { name })); return stop(); }
      const [dCrc, dCompressed, dSize] = wide
        ? [descriptor.getUint32(0, true), big(descriptor, 4), big(descriptor, 12)]
        : [descriptor.getUint32(0, true), descriptor.getUint32(4, true), descriptor.getUint32(8, true)];
      const differs = (field) => zipProblem("descriptor_differs", { name, field });
      if (dCrc !== c.crc32) problems.push(differs("CRC-32 values"));
      if (dCompressed !== c.compressed) problems.push(differs("compressed sizes"));
      if (dSize !== c.size) problems.push(differs("sizes"));
      position = start + descriptorLength;
    }
    entries.push({ name, data, compressed: c.compressed, size: c.size, crc32: c.crc32, method: c.method });
  }
  if (position < directoryStart) problems.push(await unaccounted(file, position, directoryStart));
  return { entries, problems };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

// A ZIP read in place, through the entries its layout walk found: a ZIP in which some byte
// belongs to no listed entry is reported as such, and nothing in it is read.
async function zipSource(file) {
  const { entries, problems } = await zipLayout(file);
  return {
    problems,
    names: entries.map((e) => e.name),
    // Up to `limit` bytes of the entry, stored or inflated, no further: a ZIP bomb is never
    // inflated to its end. More bytes than the ZIP declares are refused as they come; read
    // to its end, the entry must be the size and have the CRC-32 the ZIP declares.
    async read(name, limit) {
      const e = entries.find((entry) => entry.name === name);
      let stream = file.slice(e.data, e.data + e.compressed).stream();
      if (e.method === 8) stream = stream.pipeThrough(new DecompressionStream("deflate-raw"));
      const reader = stream.getReader();
      const parts = [];
      let total = 0, crc = 0xffffffff, ended = false;
      try {
        while (total < limit) {
          let chunk;
          try { chunk = await reader.read(); } catch { throw new Error(zipProblem("inflate")); }
          if (chunk.done) { ended = true; break; }
          const value = chunk.value.subarray(0, limit - total);
          total += value.length;
          if (total > e.size) throw new Error(zipProblem("size_wrong"));
          for (const b of value) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
          parts.push(value);
        }
        if (ended && total !== e.size) throw new Error(zipProblem("size_wrong"));
        if (ended && (crc ^ 0xffffffff) >>> 0 !== e.crc32) throw new Error(zipProblem("crc_wrong"));
      } finally {
        await reader.cancel().catch(() => {});
      }
      const out = new Uint8Array(total);
      let at = 0;
      for (const part of parts) { out.set(part, at); at += part.length; }
      return out;
    },
  };
}

// A bundle's unzipped folder, chosen whole.
function folderSource(files) {
  const byName = new Map();
  const names = [];
  for (const file of files) {
    const name = file.webkitRelativePath.split("/").slice(1).join("/");
    names.push(name);
    byName.set(name, file);
  }
  return { problems: [], names, read: async (name, limit) => new Uint8Array(await byName.get(name).slice(0, limit).arrayBuffer()) };
}

// The browser's own Ed25519 where it has one; otherwise the bundled noble-ed25519.
let signatureCheckedBy = "";
async function verifySignature(publicKeyHex, bytes, signatureBase64) {
  if (!crypto.subtle) throw new Error("this browser has no Web Crypto: use triangulate-verify");
  const publicKey = fromHex(publicKeyHex);
  let signature;
  try { signature = Uint8Array.from(atob(signatureBase64), (c) => c.charCodeAt(0)); } catch { return false; }
  let key = null;
  try {
    key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  } catch {
    key = null;
  }
  if (key) {
    signatureCheckedBy = "the browser's Web Crypto";
    return crypto.subtle.verify({ name: "Ed25519" }, key, signature, bytes);
  }
  signatureCheckedBy = "the bundled noble-ed25519";
  try { return await nobleEd25519.verifyAsync(signature, bytes, publicKey); } catch { return false; }
}

// An audit event's hash, exactly as the app seals it (serde_json's compact form).
async function eventHash(e) {
  const covered = e.format >= 2
    ? ["triangulate-audit-v2", e.seq, e.at, e.actor, e.action, e.object_ids, e.change_digest, e.prev_hash, e.request, e.request_prev_hash]
    : ["triangulate-audit-v1", e.seq, e.at, e.actor, e.action, e.object_ids, e.change_digest, e.prev_hash];
  return sha256(new TextEncoder().encode(JSON.stringify(covered)));
}

// As the app's CLOCK_ALLOWANCE_SECONDS: writers racing for their turn, not a clock set back.
const CLOCK_ALLOWANCE_MS = 300 * 1000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const shownTime = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

async function verifyRequestChain(events, request, head) {
  let previous = GENESIS, last = 0, lastAt = null;
  for (const [k, e] of events.entries()) {
    const n = k + 1;
    if (e.request !== request) return `its event ${n} does not concern request ${request}`;
    if (e.seq <= last) return `its event ${n} appears out of order`;
    if (e.request_prev_hash !== previous) return `its event ${n} does not link to the request's event before it`;
    if ((await eventHash(e)) !== e.hash) return `its event ${n}'s content does not match its hash`;
    const at = typeof e.at === "string" && RFC3339.test(e.at) ? Date.parse(e.at) : NaN;
    if (Number.isNaN(at)) return `its event ${n}: event ${e.seq}'s time "${e.at}" is not a time`;
    if (lastAt && lastAt.at - at > CLOCK_ALLOWANCE_MS) {
      return `its event ${n}: event ${e.seq} is dated ${shownTime(at)}, earlier than event ${lastAt.seq} before it, dated ${shownTime(lastAt.at)}: the clock was set back between them`;
    }
    lastAt = { seq: e.seq, at };
    previous = e.hash;
    last = e.seq;
  }
  if (events.length !== head.count || previous !== head.hash) return "its events do not end at its recorded head";
  return null;
}

// One DER element at `at`: its tag, where its value starts and ends.
function der(bytes, at) {
  if (at + 2 > bytes.length) throw new Error("the timestamp is cut short");
  const tag = bytes[at];
  let length = bytes[at + 1], start = at + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n < 1 || n > 4) throw new Error("the timestamp has a length it cannot have");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[start + i];
    start += n;
  }
  if (start + length > bytes.length) throw new Error("the timestamp is cut short");
  return { tag, start, end: start + length };
}

// The children of a constructed DER element.
function children(bytes, element) {
  const out = [];
  for (let at = element.start; at < element.end; ) { const child = der(bytes, at); out.push(child); at = child.end; }
  return out;
}

// From an RFC 3161 TimeStampResp: the digest it stamps (hex), its algorithm and the time it
// gives. The TSA's signature and certificate are checked by triangulate-verify and by
// `openssl ts -verify`; this page checks that the timestamp is over this manifest.
function timestampImprint(bytes) {
  const response = der(bytes, 0);
  const [status, token] = children(bytes, response);
  if (!token) throw new Error("the time-stamping authority's answer holds no timestamp");
  const code = children(bytes, status)[0];
  if (code.tag !== 0x02 || bytes[code.start] > 1) throw new Error("the time-stamping authority refused the request");
  const signedData = children(bytes, children(bytes, token)[1])[0];
  const encapsulated = children(bytes, signedData)[2];
  const econtent = children(bytes, children(bytes, encapsulated)[1])[0];
  const tstInfo = der(bytes, econtent.start);
  const [, , imprint, serial, genTime] = children(bytes, tstInfo);
  const [algorithm, hashed] = children(bytes, imprint);
  const oid = children(bytes, algorithm)[0];
  const hex = (a, b) => Array.from(bytes.subarray(a, b), (x) => x.toString(16).padStart(2, "0")).join("");
  const raw = new TextDecoder().decode(bytes.subarray(genTime.start, genTime.end));
  const parts = raw.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d+)?Z$/);
  const time = parts ? `${parts[1]}-${parts[2]}-${parts[3]} ${parts[4]}:${parts[5]}:${parts[6]}` : raw;
  return { sha256: hex(oid.start, oid.end) === "608648016503040201", digest: hex(hashed.start, hashed.end), time, serial: hex(serial.start, serial.end) };
}

// JSON as the app signs it: keys sorted by UTF-16 code units, no spaces. A manifest read
// with a duplicate key does not come back to its own text.
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  return JSON.stringify(value);
}

// A redacted copy's link, as triangulate-verify checks it: its manifest signed by the
// bundle's key, naming this capture and copy, the original's digest as the capture's signed
// manifest gives it and as the original file has it, and the copy's digest as the copy file
// has it. The files' bytes are already checked against the digests listed. Returns why not.
async function redactionProblem(source, listed, manifest, redaction) {
  for (const field of ["original", "copy", "manifest", "signature"]) {
    if (!listed.has(String(redaction[field]))) return `${redaction[field]} is not a listed file`;
  }
  const original = listed.get(String(redaction.original)), copy = listed.get(String(redaction.copy));
  let text, signature;
  try {
    const bytes = await readLimited(source, String(redaction.manifest), 1 << 20);
    signature = new TextDecoder().decode(await readLimited(source, String(redaction.signature), 1024)).trim();
    try { text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch { return `${redaction.manifest} is not UTF-8`; }
  } catch (e) { return e.message; }
  let signed;
  try { signed = JSON.parse(text); } catch (e) { return `the redaction manifest is not JSON: ${e.message}`; }
  if (!signed || signed.format !== REDACTION_FORMAT) return `the manifest's format is not ${REDACTION_FORMAT}`;
  if (canonical(signed) !== text) return "the redaction manifest is not in canonical form";
  const key = String((signed.signing_key || {}).public_key || "");
  if (!/^[A-Za-z0-9+/=]+$/.test(signature) || !(await verifySignature(key, new TextEncoder().encode(text), signature))) return "its signature does not match its manifest";
  if (key !== String((manifest.signing_key || {}).public_key)) return "it is signed with another key than the bundle's";
  if (signed.capture_id !== redaction.capture_id || signed.redaction_id !== redaction.redaction_id) return "its signed manifest names another capture or copy";
  const capture = (manifest.captures || []).find((c) => c.capture_id === redaction.capture_id);
  const sealed = ((capture || {}).artefacts || []).find((a) => a.kind === signed.artefact);
  if (!sealed) return "its capture's signed manifest has no such picture";
  if (sealed.sha256 !== signed.original_sha256 || String(original.sha256).toLowerCase() !== signed.original_sha256) return "it does not link to the sealed original: the digests differ";
  if (String(copy.sha256).toLowerCase() !== signed.redacted_sha256) return "the copy is not the picture its signed manifest names";
  return null;
}

// Names sorted by their UTF-8 bytes.
function byteOrder(names) {
  const encoder = new TextEncoder();
  const compare = (a, b) => {
    const [x, y] = [encoder.encode(a), encoder.encode(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  return Array.from(names).sort(compare);
}

// An entry read whole, up to `limit` bytes; more is an error, as is one that cannot be read.
async function readLimited(source, name, limit) {
  let bytes;
  try { bytes = await source.read(name, limit + 1); } catch (e) { throw new Error(`${name} cannot be read: ${e.message}`); }
  if (bytes.length > limit) throw new Error(`${name} is larger than ${limit} bytes: it is not read`);
  return bytes;
}

async function verifyBundle(source, expected) {
  const report = { request: null, draft: null, pinned: Boolean(expected.trim()), fingerprint: null, files: [], events: 0, redactions: 0, timestamp: null, problems: [] };
  // What is wrong with the ZIP itself: when anything is, nothing in it is read.
  report.problems.push(...source.problems);
  if (report.problems.length) return report;
  const seen = new Set();
  for (const name of source.names) {
    const why = unsafeName(name);
    if (why) report.problems.push(`the bundle holds ${why}: ${JSON.stringify(name)}`);
    if (seen.has(name)) report.problems.push(`the bundle holds ${name} twice`);
    seen.add(name);
  }
  if (report.problems.length) return report;
  for (const required of [MANIFEST, SIGNATURE]) if (!seen.has(required)) report.problems.push(`${required} is missing: this is not a bundle, or it was changed`);
  if (report.problems.length) return report;
  let manifestBytes;
  try { manifestBytes = await readLimited(source, MANIFEST, MAX_MANIFEST); } catch (e) { report.problems.push(e.message); return report; }
  let manifest;
  try { manifest = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(manifestBytes)); } catch (e) {
    report.problems.push(`${MANIFEST} cannot be read as a bundle manifest: ${e.message}`);
    return report;
  }
  if (!manifest || manifest.format !== FORMAT) { report.problems.push(`the bundle's format is not ${FORMAT}`); return report; }
  report.request = String(manifest.request);
  report.draft = manifest.draft === true;
  const key = manifest.signing_key || {};
  report.fingerprint = await sha256(fromHex(String(key.public_key || "")));
  if (report.fingerprint !== String(key.fingerprint || "").toLowerCase()) report.problems.push("the manifest's key fingerprint is not the SHA-256 of its public key");
  let signatureText = null;
  try { signatureText = new TextDecoder().decode(await readLimited(source, SIGNATURE, 1024)); } catch (e) { report.problems.push(e.message); }
  if (signatureText !== null) {
    const signature = signatureText.endsWith("\n") ? signatureText.slice(0, -1) : signatureText;
    if (!/^[A-Za-z0-9+/=]+$/.test(signature)) report.problems.push(`${SIGNATURE} is not one base64 signature: it was changed`);
    else {
      try {
        if (!(await verifySignature(String(key.public_key), manifestBytes, signature))) report.problems.push(`${SIGNATURE}: the signature does not match ${MANIFEST}`);
      } catch (e) { report.problems.push(`${SIGNATURE}: ${e.message}`); }
    }
  }
  const pinned = expected.replace(/[\s:]/g, "").toLowerCase();
  if (pinned && pinned !== report.fingerprint) report.problems.push(`the bundle is signed with the key ${report.fingerprint}, not the expected ${pinned}`);
  const listed = new Map();
  for (const file of manifest.files || []) {
    const why = unsafeName(file.path);
    if (why) report.problems.push(`the manifest lists ${why}: ${JSON.stringify(file.path)}`);
    else if (file.path === MANIFEST || file.path === SIGNATURE || file.path === TIMESTAMP) report.problems.push(`the manifest lists ${file.path} as a file of its own`);
    else if (listed.has(file.path)) report.problems.push(`the manifest lists ${file.path} twice`);
    else listed.set(file.path, file);
  }
  // In the order triangulate-verify takes them: by the names' UTF-8 bytes.
  for (const path of byteOrder(listed.keys())) {
    const file = listed.get(path);
    if (!seen.has(path)) { report.problems.push(`${path} is missing`); continue; }
    let bytes;
    try { bytes = await source.read(path, Number(file.size) + 1); } catch (e) { report.problems.push(`${path} cannot be read: ${e.message}`); continue; }
    const digest = await sha256(bytes);
    const ok = digest === String(file.sha256).toLowerCase() && bytes.length === Number(file.size);
    if (!ok) report.problems.push(`${path} has changed: its SHA-256 or size is not the manifest's`);
    report.files.push({ path, sha256: digest, size: bytes.length, ok });
  }
  const stamped = Boolean(manifest.timestamp);
  for (const name of byteOrder(seen)) if (name !== MANIFEST && name !== SIGNATURE && !(stamped && name === TIMESTAMP) && !listed.has(name)) report.problems.push(`${name} is not in the manifest: it was added`);
  if (stamped) {
    if (!seen.has(TIMESTAMP)) report.problems.push(`${TIMESTAMP} is missing: the manifest says the bundle is timestamped`);
    else {
      try {
        const imprint = timestampImprint(await readLimited(source, TIMESTAMP, 1 << 20));
        if (!imprint.sha256) report.problems.push(`${TIMESTAMP}: the timestamp is not over a SHA-256 digest`);
        else if (imprint.digest !== await sha256(manifestBytes)) report.problems.push(`${TIMESTAMP}: the timestamp is over another digest: the manifest was changed or the timestamp replaced`);
        else report.timestamp = { time: imprint.time, serial: imprint.serial, authority: String(manifest.timestamp.authority || "") };
      } catch (e) { report.problems.push(`${TIMESTAMP}: ${e.message}`); }
    }
  }
  for (const redaction of Array.isArray(manifest.redactions) ? manifest.redactions : []) {
    const why = await redactionProblem(source, listed, manifest, redaction || {});
    if (why) report.problems.push(`the redacted copy ${redaction.redaction_id} of capture ${redaction.capture_id}: ${why}`);
    else report.redactions += 1;
  }
  const audit = manifest.audit || { events: [], head: { count: 0, hash: GENESIS } };
  const broken = await verifyRequestChain(audit.events || [], report.request, audit.head || {});
  if (broken) report.problems.push(`the request's audit chain is broken: ${broken}`);
  else report.events = (audit.events || []).length;
  return report;
}

function show(report) {
  const result = $("result");
  result.replaceChildren();
  const verdict = document.createElement("p");
  verdict.id = "verdict";
  verdict.className = report.problems.length ? "bad" : "good";
  verdict.textContent = report.problems.length ? "Bundle NOT intact" : report.pinned ? "Bundle intact" : "Bundle intact, signer not checked";
  result.append(verdict);
  // The facts triangulate-verify reports, in its words and order: the audit chain, the
  // redacted copies and the timestamp only of an intact bundle.
  const facts = [];
  if (report.request !== null) facts.push(text("facts", "request", { request: report.request }));
  if (report.fingerprint !== null) facts.push(text("facts", "signed_by", { fingerprint: report.fingerprint }));
  if (report.draft) facts.push(text("facts", "draft"));
  if (!report.problems.length) {
    facts.push(text("facts", "audit", { count: report.events }));
    if (report.redactions) facts.push(text("facts", "redactions", { count: report.redactions }));
    facts.push(report.timestamp ? text("facts", "timestamped_here", report.timestamp) : text("facts", "not_timestamped"));
  }
  if (signatureCheckedBy) facts.push(`signature checked with ${signatureCheckedBy}`);
  const factList = document.createElement("ul");
  factList.id = "facts";
  for (const fact of facts) {
    const item = document.createElement("li");
    item.textContent = fact;
    factList.append(item);
  }
  result.append(factList);
  const notes = [];
  if (!report.problems.length && !report.pinned) notes.push("The signer was not checked: enter the fingerprint the council publishes above, and choose the bundle again. Use the copy of this page the council publishes: a page inside a bundle could be replaced along with it.");
  for (const note of notes) {
    const p = document.createElement("p");
    p.className = "note";
    p.textContent = note;
    result.append(p);
  }
  if (report.problems.length) {
    const list = document.createElement("ul");
    list.id = "problems";
    for (const problem of report.problems) {
      const item = document.createElement("li");
      item.textContent = problem;
      list.append(item);
    }
    result.append(list);
  }
  const body = $("files").querySelector("tbody");
  body.replaceChildren();
  for (const file of report.files) {
    const row = document.createElement("tr");
    for (const text of [file.ok ? "ok" : "CHANGED", file.path, String(file.size), file.sha256]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    body.append(row);
  }
  $("files").hidden = !report.files.length;
  document.body.dataset.state = report.problems.length ? "not-intact" : "intact";
}

async function check(makeSource) {
  document.body.dataset.state = "checking";
  signatureCheckedBy = "";
  $("result").textContent = "Checking…";
  try {
    show(await verifyBundle(await makeSource(), $("expect").value));
  } catch (e) {
    show({ request: null, draft: null, pinned: false, fingerprint: null, files: [], events: 0, redactions: 0, timestamp: null, problems: [e.message] });
  }
}

$("zip").addEventListener("change", (event) => { const file = event.target.files[0]; if (file) check(() => zipSource(file)); });
$("folder").addEventListener("change", (event) => { const files = Array.from(event.target.files); if (files.length) check(() => folderSource(files)); });
