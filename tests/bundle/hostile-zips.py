#!/usr/bin/env python3
"""Hostile variants of a genuine evidence bundle, for the verifiers to refuse.

    python3 tests/bundle/hostile-zips.py GENUINE.zip OUT_FOLDER

Writes OUT_FOLDER/<variant>.zip for each variant, and prints a JSON list of
{"variant", "zip", "problem", "intact"}: "problem" is the key of the sentence in
assets/verify/report-texts.json (group "zip") that the verifiers must report; "intact" is
true for the few genuine rewrites that must still verify. Python 3's standard library only.
"""

import io
import json
import os
import struct
import sys
import zipfile
import zlib

LOCAL, CENTRAL, END = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"


class Entry:
    """One entry: its local header (with name and extra), data, descriptor and central record."""

    def __init__(self, local, data, descriptor, central):
        self.local, self.data, self.descriptor, self.central = bytearray(local), data, descriptor, bytearray(central)

    def name(self):
        n = struct.unpack_from("<H", self.local, 26)[0]
        return bytes(self.local[30:30 + n])

    def copy(self):
        return Entry(self.local, self.data, self.descriptor, self.central)


def parse(raw):
    """A ZIP with offsets below 4 GiB and no ZIP64 data descriptors."""
    end = raw.rindex(END)
    count, size, offset = struct.unpack_from("<HII", raw, end + 10)
    entries, p = [], offset
    for _ in range(count):
        assert raw[p:p + 4] == CENTRAL
        n, e, c = struct.unpack_from("<HHH", raw, p + 28)
        central = raw[p:p + 46 + n + e + c]
        local_at = struct.unpack_from("<I", central, 42)[0]
        flags = struct.unpack_from("<H", central, 8)[0]
        assert local_at != 0xFFFFFFFF
        ln, le = struct.unpack_from("<HH", raw, local_at + 26)
        compressed = struct.unpack_from("<I", central, 20)[0]
        if compressed == 0xFFFFFFFF:
            compressed = zip64_values(central)[1]
        local = raw[local_at:local_at + 30 + ln + le]
        data = raw[local_at + 30 + ln + le:local_at + 30 + ln + le + compressed]
        descriptor = b""
        if flags & 8:
            end_of_data = local_at + 30 + ln + le + compressed
            signed = raw[end_of_data:end_of_data + 4] == b"PK\x07\x08"
            descriptor = raw[end_of_data:end_of_data + (16 if signed else 12)]
        entries.append(Entry(local, data, descriptor, central))
        p += len(central)
    return entries


def fields(extra):
    out, at = [], 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        out.append((kind, at + 4, length))
        at += 4 + length
    return out


def zip64_values(central):
    """The central record's ZIP64 sizes (size, compressed), as saturated fields give them."""
    n, e = struct.unpack_from("<HH", central, 28)
    extra = central[46 + n:46 + n + e]
    size, compressed = struct.unpack_from("<I", central, 24)[0], struct.unpack_from("<I", central, 20)[0]
    for kind, at, _ in fields(extra):
        if kind == 1:
            q = at
            if size == 0xFFFFFFFF:
                size = struct.unpack_from("<Q", extra, q)[0]
                q += 8
            if compressed == 0xFFFFFFFF:
                compressed = struct.unpack_from("<Q", extra, q)[0]
    return size, compressed


def set_sizes(entry, size=None, compressed=None, where=("local", "central")):
    """Sets the declared sizes wherever they are kept (ZIP64 fields included)."""
    if "central" in where:
        c = entry.central
        n, e = struct.unpack_from("<HH", c, 28)
        saturated = struct.unpack_from("<I", c, 24)[0] == 0xFFFFFFFF
        if saturated:
            for kind, at, _ in fields(c[46 + n:46 + n + e]):
                if kind == 1:
                    base = 46 + n + at
                    if size is not None:
                        struct.pack_into("<Q", c, base, size)
                    if compressed is not None:
                        struct.pack_into("<Q", c, base + 8, compressed)
        else:
            if size is not None:
                struct.pack_into("<I", c, 24, size)
            if compressed is not None:
                struct.pack_into("<I", c, 20, compressed)
    if "local" in where:
        h = entry.local
        n, e = struct.unpack_from("<HH", h, 26)
        if struct.unpack_from("<I", h, 22)[0] == 0xFFFFFFFF:
            for kind, at, _ in fields(h[30 + n:30 + n + e]):
                if kind == 1:
                    base = 30 + n + at
                    if size is not None:
                        struct.pack_into("<Q", h, base, size)
                    if compressed is not None:
                        struct.pack_into("<Q", h, base + 8, compressed)
        else:
            if size is not None:
                struct.pack_into("<I", h, 22, size)
            if compressed is not None:
                struct.pack_into("<I", h, 18, compressed)


def stored(name, data, like):
    """A stored entry shaped like `like` (same header layout) with other content."""
    entry = like.copy()
    crc = zlib.crc32(data)
    for record, crc_at in ((entry.local, 14), (entry.central, 16)):
        struct.pack_into("<I", record, crc_at, crc)
    set_sizes(entry, len(data), len(data))
    assert entry.name() == name
    entry.data = data
    return entry


def build(entries, central_order=None, prefix=b"", gaps=None, before_directory=b"", after_directory=b"",
          comment=b"", suffix=b"", adjust=True, unlisted=()):
    """Lays the entries out and writes the directory and end record to match; `unlisted`
    are (index, entry): entries placed after entry `index` but left out of the directory."""
    gaps = gaps or {}
    out = bytearray(prefix)
    centrals = []
    for k, entry in enumerate(entries):
        out += gaps.get(k, b"")
        central = bytearray(entry.central)
        struct.pack_into("<I", central, 42, len(out) - (0 if adjust else len(prefix)))
        centrals.append(central)
        out += entry.local + entry.data + entry.descriptor
        for index, hidden in unlisted:
            if index == k:
                out += hidden.local + hidden.data
    out += before_directory
    directory_at = len(out) - (0 if adjust else len(prefix))
    order = central_order or range(len(centrals))
    directory = b"".join(bytes(centrals[k]) for k in order)
    out += directory + after_directory
    out += END + struct.pack("<HHHHIIH", 0, 0, len(centrals), len(centrals), len(directory), directory_at, len(comment))
    return bytes(out + comment + suffix)


def flag(entry, bits, where=("local", "central")):
    if "local" in where:
        struct.pack_into("<H", entry.local, 6, struct.unpack_from("<H", entry.local, 6)[0] | bits)
    if "central" in where:
        struct.pack_into("<H", entry.central, 8, struct.unpack_from("<H", entry.central, 8)[0] | bits)


def method(entry, value, where=("local", "central")):
    if "local" in where:
        struct.pack_into("<H", entry.local, 8, value)
    if "central" in where:
        struct.pack_into("<H", entry.central, 10, value)


def main():
    genuine, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    raw = open(genuine, "rb").read()
    entries = parse(raw)
    names = [e.name() for e in entries]
    target = names.index(b"care-record.pdf")
    variants = []

    def variant(name, problem, data, intact=False):
        path = os.path.join(out, name + ".zip")
        with open(path, "wb") as f:
            f.write(data)
        variants.append({"variant": name, "zip": os.path.abspath(path), "problem": problem, "intact": intact})

    def changed(change):
        copies = [e.copy() for e in entries]
        change(copies)
        return copies

    assert build(entries) == raw, "laid out again unchanged, the genuine bundle's bytes"
    # A second care-record.pdf, with other bytes, just before the directory and left out of it:
    # a streaming extractor writes it over the genuine one.
    forged = entries[target].data.replace(b"%PDF", b"%PDF\n% forged", 1)
    hidden = stored(b"care-record.pdf", forged, entries[target])
    variant("hidden-entry", "hidden", build(entries, unlisted=[(len(entries) - 1, hidden)]))
    # A hidden entry between two listed ones.
    variant("hidden-entry-between", "hidden", build(entries, unlisted=[(0, hidden)]))
    variant("prepended", "unaccounted", build(entries, prefix=b"MZ" + b"\0" * 62, adjust=False))
    variant("prepended-offsets-adjusted", "unaccounted", build(entries, prefix=b"MZ" + b"\0" * 62))
    variant("appended", "after", raw + b"appended bytes")
    # An entry after the end record (a small one: past 64 KiB the end record is out of reach
    # and the file is not a ZIP at all).
    signature = names.index(b"manifest.sig")
    appended = stored(b"manifest.sig", b"forged\n", entries[signature])
    variant("appended-entry", "after", raw + bytes(appended.local + appended.data))
    variant("gap-between-entries", "unaccounted", build(entries, gaps={2: b"\0" * 16}))
    variant("gap-before-directory", "unaccounted", build(entries, before_directory=b"\0" * 16))
    variant("gap-after-directory", "unaccounted", build(entries, after_directory=b"\0" * 16))
    variant("comment", "comment", build(entries, comment=b"a comment"))

    # A folder entry, as `zip -r` makes.
    folder = stored(entries[0].name(), b"", entries[0])
    folder_name = b"captures/"
    for record, at in ((folder.local, 26), (folder.central, 28)):
        old = struct.unpack_from("<H", record, at)[0]
        start = 30 if record is folder.local else 46
        record[start:start + old] = folder_name
        struct.pack_into("<H", record, at, len(folder_name))
    struct.pack_into("<I", folder.central, 38, (0o040755 << 16) | 0x10)
    variant("folder-entry", "folder", build([folder] + entries))

    def symlink(copies):
        struct.pack_into("<I", copies[target].central, 38, 0o120777 << 16)
    variant("symlink", "link", build(changed(symlink)))

    def fifo(copies):
        struct.pack_into("<I", copies[target].central, 38, 0o010644 << 16)
    variant("fifo", "not_file", build(changed(fifo)))

    size = len(entries[target].data)
    variant("wrong-size", "stored_sizes", build(changed(lambda c: set_sizes(c[target], size=size + 1))))
    variant("wrong-sizes", "unaccounted", build(changed(lambda c: set_sizes(c[target], size - 1, size - 1))))

    def crc(copies, where=(14, 16)):
        for record, at in zip((copies[target].local, copies[target].central), where):
            struct.pack_into("<I", record, at, struct.unpack_from("<I", record, at)[0] ^ 1)
    variant("wrong-crc", "crc_wrong", build(changed(crc)))

    def encrypt(copies):
        for entry in copies:
            flag(entry, 1)
    variant("encrypted", "encrypted", build(changed(encrypt)))
    variant("strongly-encrypted", "encrypted", build(changed(lambda c: flag(c[target], 0x41))))
    variant("unknown-method", "method", build(changed(lambda c: method(c[target], 99))))

    def rename_local(copies):
        h = copies[target].local
        h[30:30 + 4] = b"CARE"
    variant("local-name", "local_name", build(changed(rename_local)))
    variant("local-flags", "local_differs", build(changed(lambda c: flag(c[target], 0x800, ("local",)))))
    variant("central-flags", "local_differs", build(changed(lambda c: flag(c[target], 0x800, ("central",)))))
    variant("local-method", "local_differs", build(changed(lambda c: method(c[target], 8, ("local",)))))

    def local_crc(copies):
        h = copies[target].local
        struct.pack_into("<I", h, 14, struct.unpack_from("<I", h, 14)[0] ^ 1)
    variant("local-crc", "local_differs", build(changed(local_crc)))
    variant("local-size", "local_differs", build(changed(lambda c: set_sizes(c[target], size=size + 1, where=("local",)))))

    order = list(range(len(entries)))
    order[0], order[1] = order[1], order[0]
    variant("out-of-order", "order", build(entries, central_order=order))

    def entry_comment(copies):
        c = copies[target].central
        struct.pack_into("<H", c, 32, 4)
        c += b"note"
    variant("entry-comment", "entry_comment", build(changed(entry_comment)))

    def unicode_path(copies):
        c = copies[target].central
        n, e = struct.unpack_from("<HH", c, 28)
        name = copies[target].name()
        field = struct.pack("<HHB", 0x7075, 5 + 8, 1) + struct.pack("<I", zlib.crc32(name)) + b"evil.pdf"
        c[46 + n + e:46 + n + e] = field
        struct.pack_into("<H", c, 30, e + len(field))
    variant("unicode-name", "unicode_name", build(changed(unicode_path)))

    # The same files written by Python's zipfile, deflated: intact; then with one entry's
    # declared size wrong (the CRC-32 and data untouched), seen when it is inflated.
    deflated = os.path.join(out, "deflated.zip")
    with zipfile.ZipFile(genuine) as source, zipfile.ZipFile(deflated, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            copy.writestr(zipfile.ZipInfo(info.filename, info.date_time), source.read(info.filename),
                          compress_type=zipfile.ZIP_DEFLATED)
    variants.append({"variant": "deflated", "zip": os.path.abspath(deflated), "problem": None, "intact": True})
    rewritten = parse(open(deflated, "rb").read())
    at = [e.name() for e in rewritten].index(b"care-record.pdf")
    set_sizes(rewritten[at], size=zip64_values(rewritten[at].central)[0] + 1)
    variant("deflated-wrong-size", "size_wrong", build(rewritten))

    # Written to a stream that cannot seek, with data descriptors: intact; then with a
    # descriptor's CRC-32 not the directory's.
    class Stream(io.RawIOBase):
        def __init__(self):
            self.bytes = bytearray()

        def writable(self):
            return True

        def write(self, data):
            self.bytes += data
            return len(data)

    stream = Stream()
    with zipfile.ZipFile(genuine) as source, zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with copy.open(entry, "w") as f:
                f.write(source.read(info.filename))
    streamed = parse(bytes(stream.bytes))
    assert all(struct.unpack_from("<H", e.local, 6)[0] & 8 for e in streamed), "written with data descriptors"
    variant("streamed", None, bytes(stream.bytes), intact=True)
    at = [e.name() for e in streamed].index(b"care-record.pdf")
    descriptor = bytearray(streamed[at].descriptor)
    struct.pack_into("<I", descriptor, 4, struct.unpack_from("<I", descriptor, 4)[0] ^ 1)
    streamed[at].descriptor = bytes(descriptor)
    variant("descriptor-crc", "descriptor_differs", build(streamed))

    json.dump(variants, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
