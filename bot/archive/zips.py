"""The export's zip: packing the document, the memory book and the photos into parts under an
upload limit (:func:`pack`), and reading an upload back (:func:`unpack`), never trusting it:
names, sizes and counts are checked before anything is read."""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.archive.document import JSON_NAME, MAX_JSON_BYTES
from bot.archive.values import VERSION, ExportRefused, instant_of

BOOK_NAME = "memory-book.md"
PART_NAME = "closer-export-part.json"
PART_FORMAT = "closer-export-part"

# What an upload may hold (an export from a real couple is far below all of these).
MAX_UPLOAD_BYTES = 512 * 1024 * 1024
MAX_PHOTO_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_ENTRIES = 20_000

PHOTO_FILE_PATTERN = r"^photos/[A-Za-z0-9._-]{1,120}$"
_PHOTO_FILE = re.compile(PHOTO_FILE_PATTERN)


# -------------------------------------------------------------------------------------------------
# Zip parts under a size limit
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    """A file to put in the export's zip."""

    name: str
    data: bytes
    compress: bool = False


@dataclass(frozen=True, slots=True)
class Part:
    filename: str
    data: bytes
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Packed:
    parts: tuple[Part, ...]
    left_out: tuple[Entry, ...]  # files larger than a part can be


def _overhead(name: str) -> int:
    """Bytes a zip entry costs beyond its data: local header, central directory, zip64 extras."""
    encoded = len(name.encode("utf-8"))
    return 30 + 46 + 2 * encoded + 64


def _stored_size(entry: Entry) -> int:
    if not entry.compress:
        return len(entry.data)
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return len(compressor.compress(entry.data) + compressor.flush())


def _zip(entries: Sequence[Entry], stamp: datetime) -> bytes:
    buffer = io.BytesIO()
    when = stamp.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED if entry.compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, entry.data, compresslevel=6 if entry.compress else None)
    return buffer.getvalue()


def pack(first: Sequence[Entry], rest: Sequence[Entry], limit: int, stem: str, stamp: datetime) -> Packed:
    """Zip ``first`` (the document and the book) and then ``rest`` (photos, in order) into as few
    parts as fit, each smaller than ``limit`` bytes. One part is ``{stem}.zip``; several are
    ``{stem}-part1-of-3.zip`` ..., each a complete zip holding a small part manifest."""
    margin = max(1024, min(64 * 1024, limit // 20))
    for _ in range(4):
        packed = _pack_once(first, rest, limit, margin, stem, stamp)
        if all(len(p.data) < limit for p in packed.parts):
            return packed
        margin *= 2
    raise ValueError("could not fit the export into parts under the limit")


def _pack_once(
    first: Sequence[Entry], rest: Sequence[Entry], limit: int, margin: int, stem: str, stamp: datetime
) -> Packed:
    budget = limit - margin - 22 - _overhead(PART_NAME) - 256
    groups: list[list[Entry]] = [[]]
    used = 0
    for entry in first:
        used += _stored_size(entry) + _overhead(entry.name)
        groups[0].append(entry)
    if used > budget:
        raise ValueError("the export document alone is larger than the limit")
    left_out: list[Entry] = []
    for entry in rest:
        size = _stored_size(entry) + _overhead(entry.name)
        if size > budget:
            left_out.append(entry)
            continue
        if used + size > budget:
            groups.append([])
            used = 0
        groups[-1].append(entry)
        used += size
    total = len(groups)
    parts = []
    for number, group in enumerate(groups, start=1):
        entries = list(group)
        if total == 1:
            filename = f"{stem}.zip"
        else:
            filename = f"{stem}-part{number}-of-{total}.zip"
            manifest = {
                "format": PART_FORMAT,
                "version": VERSION,
                "exported_at": instant_of(stamp),
                "part": number,
                "parts": total,
            }
            entries.append(Entry(PART_NAME, json.dumps(manifest, indent=2).encode(), compress=True))
        parts.append(Part(filename, _zip(entries, stamp), tuple(e.name for e in entries)))
    return Packed(tuple(parts), tuple(left_out))


# -------------------------------------------------------------------------------------------------
# Reading an upload back
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartInfo:
    exported_at: str
    part: int
    parts: int


@dataclass(frozen=True)
class Unpacked:
    document: Any  # the format's document, or None in a later part of a split export
    part: PartInfo | None
    photos: Mapping[str, bytes]


def unpack(data: bytes, filename: str, parse: Callable[[bytes], Any]) -> Unpacked:
    """Read an uploaded export: a zip from ``/data export`` (or one of its parts), or the bare
    ``closer-export.json`` (read with ``parse``: the format's :meth:`ArchiveFormat.parse`).
    Never trusts it: names, sizes and counts are checked before reading."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ExportRefused("That file is too large to be an export of Closer's.")
    if not data.startswith(b"PK"):
        if filename.lower().endswith(".zip"):
            raise ExportRefused(
                f"`{filename[:80]}` isn't a zip file; attach the export `/data export` sent you."
            )
        return Unpacked(parse(data), None, {})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ExportRefused(
            "That file isn't a Closer export: attach the `.zip` (or `closer-export.json`) that `/data export` sent you."
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ExportRefused("That zip holds too many files to be an export of Closer's.")
        if sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise ExportRefused("That zip unpacks to more than an export of Closer's can hold.")
        files = [i for i in infos if not i.is_dir()]
        # The export's files, also when someone unzipped it and zipped the folder again.
        marker = next((i for i in files if i.filename.rsplit("/", 1)[-1] in (JSON_NAME, PART_NAME)), None)
        root = marker.filename.rsplit("/", 1)[0] + "/" if marker and "/" in marker.filename else ""
        by_name = {i.filename[len(root) :]: i for i in files if i.filename.startswith(root)}

        def read(info: zipfile.ZipInfo, limit: int) -> bytes:
            if info.file_size > limit:
                raise ExportRefused(f"`{info.filename[:80]}` in that zip is too large.")
            try:
                with archive.open(info) as handle:
                    content = handle.read(limit + 1)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, RuntimeError):
                raise ExportRefused(
                    f"`{info.filename[:80]}` in that zip is damaged; export again and retry."
                ) from None
            if len(content) > limit:
                raise ExportRefused(f"`{info.filename[:80]}` in that zip is too large.")
            return content

        document = parse(read(by_name[JSON_NAME], MAX_JSON_BYTES)) if JSON_NAME in by_name else None
        part = _part_info(read(by_name[PART_NAME], 64 * 1024)) if PART_NAME in by_name else None
        if document is None and part is None:
            raise ExportRefused(
                f"That zip has no `{JSON_NAME}`, so it isn't a Closer export (or one of its parts)."
            )
        photos = {
            name: read(info, MAX_PHOTO_BYTES) for name, info in by_name.items() if _PHOTO_FILE.match(name)
        }
    return Unpacked(document, part, photos)


def _part_info(raw: bytes) -> PartInfo:
    try:
        data = json.loads(raw.decode("utf-8"))
        if data.get("format") != PART_FORMAT:
            raise ValueError
        info = PartInfo(str(data["exported_at"]), int(data["part"]), int(data["parts"]))
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, RecursionError):
        raise ExportRefused(f"`{PART_NAME}` in that zip is damaged; export again and retry.") from None
    if not 1 <= info.part <= info.parts <= 10_000:
        raise ExportRefused(f"`{PART_NAME}` in that zip is damaged; export again and retry.")
    return info
