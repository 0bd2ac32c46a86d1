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

// A ZIP read in place: its central directory, then each entry's bytes on demand.
async function zipSource(file) {
  const tailLength = Math.min(file.size, 65557 + 20);
  const tail = new DataView(await file.slice(file.size - tailLength).arrayBuffer());
  let end = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) if (tail.getUint32(i, true) === 0x06054b50) { end = i; break; }
  if (end < 0) throw new Error("this is not a ZIP file");
  let count = tail.getUint16(end + 10, true), size = tail.getUint32(end + 12, true), offset = tail.getUint32(end + 16, true);
  if ((offset === 0xffffffff || count === 0xffff || size === 0xffffffff) && end >= 20 && tail.getUint32(end - 20, true) === 0x07064b50) {
    const at = Number(tail.getBigUint64(end - 20 + 8, true));
    const z = new DataView(await file.slice(at, at + 56).arrayBuffer());
    if (z.getUint32(0, true) !== 0x06064b50) throw new Error("the ZIP's directory is damaged");
    count = Number(z.getBigUint64(32, true)); size = Number(z.getBigUint64(40, true)); offset = Number(z.getBigUint64(48, true));
  }
  if (size > MAX_MANIFEST) throw new Error("the ZIP's directory is too large");
  const cd = new DataView(await file.slice(offset, offset + size).arrayBuffer());
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const entries = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.byteLength || cd.getUint32(p, true) !== 0x02014b50) throw new Error("the ZIP's directory is damaged");
    const method = cd.getUint16(p + 10, true);
    let csize = cd.getUint32(p + 20, true), usize = cd.getUint32(p + 24, true);
    const nameLength = cd.getUint16(p + 28, true), extraLength = cd.getUint16(p + 30, true), commentLength = cd.getUint16(p + 32, true);
    let local = cd.getUint32(p + 42, true);
    let name;
    try { name = decoder.decode(new Uint8Array(cd.buffer, cd.byteOffset + p + 46, nameLength)); } catch { name = "\u0007(a name that is not UTF-8)"; }
    let unicodePath = false;
    for (let x = p + 46 + nameLength, stop = x + extraLength; x + 4 <= stop; ) {
      const id = cd.getUint16(x, true), length = cd.getUint16(x + 2, true);
      // Info-ZIP's Unicode Path field names the entry differently for some tools: refused.
      if (id === 0x7075) unicodePath = true;
      if (id === 1) {
        let q = x + 4;
        if (usize === 0xffffffff) { usize = Number(cd.getBigUint64(q, true)); q += 8; }
        if (csize === 0xffffffff) { csize = Number(cd.getBigUint64(q, true)); q += 8; }
        if (local === 0xffffffff) local = Number(cd.getBigUint64(q, true));
      }
      x += 4 + length;
    }
    if (unicodePath) name = `\u0007(${name}: a second, Unicode name)`;
    // A folder entry (as zip makes) is left out only when it is empty and its name is safe.
    if (!(name.endsWith("/") && usize === 0 && !unsafeName(name.slice(0, -1)))) entries.push({ name, method, csize, usize, local });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return {
    names: entries.map((e) => e.name),
    async read(name, limit) {
      const e = entries.find((entry) => entry.name === name);
      const head = new DataView(await file.slice(e.local, e.local + 30).arrayBuffer());
      if (head.getUint32(0, true) !== 0x04034b50) throw new Error(`${name}: the entry is damaged`);
      // The name in the entry's own header must be the directory's: tools that read the
      // headers in order must find the same files.
      const localName = new Uint8Array(await file.slice(e.local + 30, e.local + 30 + head.getUint16(26, true)).arrayBuffer());
      if (new TextDecoder().decode(localName) !== name) throw new Error(`${name}: its entry is named differently in the ZIP's headers`);
      const start = e.local + 30 + head.getUint16(26, true) + head.getUint16(28, true);
      const raw = file.slice(start, start + e.csize);
      if (e.method === 0) return new Uint8Array(await raw.slice(0, limit).arrayBuffer());
      if (e.method !== 8) throw new Error(`${name}: compression method ${e.method} is not one this page reads`);
      // Inflated no further than the limit: a ZIP bomb is never inflated to its end.
      const reader = raw.stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
      const parts = [];
      let total = 0;
      while (total < limit) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        total += value.length;
      }
      await reader.cancel().catch(() => {});
      const out = new Uint8Array(Math.min(total, limit));
      let at = 0;
      for (const part of parts) {
        const piece = part.subarray(0, out.length - at);
        out.set(piece, at);
        at += piece.length;
        if (at >= out.length) break;
      }
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
  return { names, read: async (name, limit) => new Uint8Array(await byName.get(name).slice(0, limit).arrayBuffer()) };
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
  const [, , imprint, , genTime] = children(bytes, tstInfo);
  const [algorithm, hashed] = children(bytes, imprint);
  const oid = children(bytes, algorithm)[0];
  const hex = (a, b) => Array.from(bytes.subarray(a, b), (x) => x.toString(16).padStart(2, "0")).join("");
  const raw = new TextDecoder().decode(bytes.subarray(genTime.start, genTime.end));
  const parts = raw.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d+)?Z$/);
  const time = parts ? `${parts[1]}-${parts[2]}-${parts[3]} ${parts[4]}:${parts[5]}:${parts[6]}` : raw;
  return { sha256: hex(oid.start, oid.end) === "608648016503040201", digest: hex(hashed.start, hashed.end), time };
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
  let text;
  try { text = new TextDecoder("utf-8", { fatal: true }).decode(await source.read(String(redaction.manifest), 1 << 20)); } catch { return `${redaction.manifest} is not UTF-8`; }
  const signature = new TextDecoder().decode(await source.read(String(redaction.signature), 1024)).trim();
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

async function verifyBundle(source, expected) {
  const report = { request: null, draft: null, pinned: Boolean(expected.trim()), fingerprint: null, files: [], events: 0, redactions: 0, timestamp: null, problems: [] };
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
  const manifestBytes = await source.read(MANIFEST, MAX_MANIFEST + 1);
  if (manifestBytes.length > MAX_MANIFEST) { report.problems.push(`${MANIFEST} is too large to read`); return report; }
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
  const signatureText = new TextDecoder().decode(await source.read(SIGNATURE, 1024));
  const signature = signatureText.endsWith("\n") ? signatureText.slice(0, -1) : signatureText;
  if (!/^[A-Za-z0-9+/=]+$/.test(signature)) report.problems.push(`${SIGNATURE} is not one base64 signature: it was changed`);
  else {
    try {
      if (!(await verifySignature(String(key.public_key), manifestBytes, signature))) report.problems.push(`${SIGNATURE}: the signature does not match ${MANIFEST}`);
    } catch (e) { report.problems.push(`${SIGNATURE}: ${e.message}`); }
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
  for (const [path, file] of listed) {
    if (!seen.has(path)) { report.problems.push(`${path} is missing`); continue; }
    const bytes = await source.read(path, Number(file.size) + 1);
    const digest = await sha256(bytes);
    const ok = digest === String(file.sha256).toLowerCase() && bytes.length === Number(file.size);
    if (!ok) report.problems.push(`${path} has changed: its SHA-256 or size is not the manifest's`);
    report.files.push({ path, sha256: digest, size: bytes.length, ok });
  }
  const stamped = Boolean(manifest.timestamp);
  for (const name of seen) if (name !== MANIFEST && name !== SIGNATURE && !(stamped && name === TIMESTAMP) && !listed.has(name)) report.problems.push(`${name} is not in the manifest: it was added`);
  if (stamped) {
    if (!seen.has(TIMESTAMP)) report.problems.push(`${TIMESTAMP} is missing: the manifest says the bundle is timestamped`);
    else {
      try {
        const imprint = timestampImprint(await source.read(TIMESTAMP, 1 << 20));
        if (!imprint.sha256) report.problems.push(`${TIMESTAMP}: the timestamp is not over a SHA-256 digest`);
        else if (imprint.digest !== await sha256(manifestBytes)) report.problems.push(`${TIMESTAMP}: the timestamp is over another digest: the manifest was changed or the timestamp replaced`);
        else { report.timestamp = imprint.time; report.timestampAuthority = String(manifest.timestamp.authority || ""); }
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
  const facts = document.createElement("p");
  facts.textContent = `Request ${report.request ?? "unknown"}. Signing key fingerprint (SHA-256 of the public key): ${report.fingerprint ?? "unknown"}. Audit events of the request checked: ${report.events}. Signature checked with ${signatureCheckedBy || "nothing"}.`;
  if (report.redactions) facts.textContent += ` Redacted copies linked to their sealed originals: ${report.redactions}.`;
  if (report.timestamp) facts.textContent += ` Timestamped by ${report.timestampAuthority || "a time-stamping authority"} at ${report.timestamp} (UTC): the digest it stamps is this manifest's; its signature is checked by triangulate-verify or openssl ts -verify.`;
  facts.id = "facts";
  result.append(facts);
  const notes = [];
  if (report.draft) notes.push("DRAFT: the bundle was made before the investigation log was finalised.");
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
  $("result").textContent = "Checking…";
  try {
    show(await verifyBundle(await makeSource(), $("expect").value));
  } catch (e) {
    show({ request: null, draft: null, pinned: false, fingerprint: null, files: [], events: 0, redactions: 0, timestamp: null, problems: [e.message] });
  }
}

$("zip").addEventListener("change", (event) => { const file = event.target.files[0]; if (file) check(() => zipSource(file)); });
$("folder").addEventListener("change", (event) => { const files = Array.from(event.target.files); if (files.length) check(() => folderSource(files)); });
