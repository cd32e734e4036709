"""Photos Closer keeps for the memory book.

Discord's attachment URLs expire, so a memory's photo is downloaded when the memory is saved
and stored in the data directory (``settings.photos_dir``), one folder per server, under a
generated name (``{guild_id}/{random hex}.{ext}``): nothing a user typed ends up in a path.
Files are written atomically (temporary file, fsync, rename), read back as ``discord.File``s
whenever the memory is shown, and deleted with the memory. A missing file is reported as
missing (``None``), never as an error, so a listing always works.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
import secrets
import shutil
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import aiohttp
import discord

from bot.db.repositories.memories import PhotoFile
from bot.errors import UserError

log = logging.getLogger(__name__)

Fetch = Callable[[str], Awaitable[bytes]]

# Image types Closer keeps, with the extension their files get.
EXTENSIONS: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "image/tiff": "tiff",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/avif": "avif",
}
# What a file's name says about its type when Discord sent no content type.
_BY_SUFFIX: dict[str, str] = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "jfif": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "heic": "image/heic",
    "heif": "image/heif",
    "avif": "image/avif",
}
_SAFE_NAME = re.compile(r"[^\w.\- ]+")
FILENAME_LIMIT = 100


class PhotoRefused(UserError):
    """A file that can't be kept as a memory's photo (not an image, too large, unreachable)."""


def sniff(head: bytes) -> str | None:
    """The image type a file's first bytes show, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:2] == b"BM":
        return "image/bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return "image/avif"
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis"):
            return "image/heic"
        if brand in (b"mif1", b"msf1"):
            return "image/heif"
    return None


def declared_type(filename: str, content_type: str | None) -> str | None:
    """The image type Discord (or the file's name) declares, or None when it is not an image."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if not kind:
        kind = _BY_SUFFIX.get(PurePosixPath(filename).suffix.lower().lstrip("."), "")
    return kind if kind.startswith("image/") else None


def format_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def safe_filename(filename: str, fallback: str = "photo") -> str:
    """An uploaded file's name fit to show and to attach (never used as a path)."""
    name = _SAFE_NAME.sub("_", PurePosixPath(filename.replace("\\", "/")).name).strip(" .")
    return (name or fallback)[-FILENAME_LIMIT:]


@dataclass(frozen=True, slots=True)
class Incoming:
    """A file someone attached: what Discord tells about it before it is downloaded."""

    url: str
    filename: str
    content_type: str | None
    size: int

    @classmethod
    def of(cls, attachment: discord.Attachment) -> Incoming:
        return cls(attachment.url, attachment.filename, attachment.content_type, attachment.size)


class PhotoStore:
    """Photo files under ``root``, at most ``max_bytes`` each."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes

    # -- checks ------------------------------------------------------------------------------------

    def is_image(self, incoming: Incoming) -> bool:
        return declared_type(incoming.filename, incoming.content_type) is not None

    def check(self, incoming: Incoming) -> None:
        """Refuse, before downloading anything, a file that is not an image or is too large."""
        name = safe_filename(incoming.filename)
        if not self.is_image(incoming):
            raise PhotoRefused(
                f"`{name}` isn't an image, so it can't be a memory's photo. Attach a photo "
                "(PNG, JPEG, GIF, WebP, HEIC ...) or leave the photo out."
            )
        if incoming.size > self.max_bytes:
            raise PhotoRefused(self._too_large(name, incoming.size))

    def _too_large(self, name: str, size: int) -> str:
        return (
            f"`{name}` is {format_size(size)}; photos can be up to {format_size(self.max_bytes)}. "
            "Attach a smaller version of it."
        )

    # -- saving ------------------------------------------------------------------------------------

    async def download(self, incoming: Incoming, guild_id: int, fetch: Fetch) -> PhotoFile:
        """Check, download and keep one attached image."""
        self.check(incoming)
        name = safe_filename(incoming.filename)
        try:
            data = await fetch(incoming.url)
        except discord.NotFound:
            raise PhotoRefused(
                f"I couldn't download `{name}`: its link has expired or it was deleted. "
                "Attach it again, please."
            ) from None
        except (TimeoutError, discord.HTTPException, aiohttp.ClientError, OSError) as error:
            log.warning("Downloading %s failed: %s", incoming.url, error)
            raise PhotoRefused(
                f"I couldn't download `{name}` from Discord just now. Nothing was saved; try again in a moment."
            ) from None
        return await self.save_bytes(data, guild_id, incoming.filename, incoming.content_type)

    async def save_bytes(
        self, data: bytes, guild_id: int, filename: str, content_type: str | None = None
    ) -> PhotoFile:
        """Keep ``data`` as a photo of ``guild_id``'s memories."""
        name = safe_filename(filename)
        if len(data) > self.max_bytes:
            raise PhotoRefused(self._too_large(name, len(data)))
        kind = sniff(data[:16]) or declared_type(filename, content_type)
        if kind is None:
            raise PhotoRefused(f"`{name}` isn't an image, so it can't be a memory's photo.")
        extension = EXTENSIONS.get(kind, "img")
        relative = PurePosixPath(str(int(guild_id))) / f"{secrets.token_hex(16)}.{extension}"
        target = self.root / relative
        await asyncio.to_thread(_write_atomically, target, data)
        return PhotoFile(
            path=relative.as_posix(),
            filename=name,
            content_type=kind,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )

    # -- reading -----------------------------------------------------------------------------------

    def path(self, relative: str) -> Path | None:
        """The file of a stored photo, or None when it is missing (or the path is not ours)."""
        root = self.root.resolve()
        candidate = (root / relative).resolve()
        if root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def file(self, relative: str, filename: str) -> discord.File | None:
        """A stored photo ready to attach as ``filename``, or None when the file is missing."""
        found = self.path(relative)
        if found is None:
            return None
        try:
            return discord.File(found, filename=filename)
        except OSError:
            log.warning("Photo %s could not be opened", relative, exc_info=True)
            return None

    # -- deleting ----------------------------------------------------------------------------------

    async def delete(self, relatives: Iterable[str]) -> None:
        """Remove stored photos (missing ones are fine)."""
        paths = [p for p in (self.path(r) for r in relatives) if p is not None]
        if paths:
            await asyncio.to_thread(_unlink_all, paths)

    async def delete_guild(self, guild_id: int) -> None:
        """Remove every photo of one server (when its data is deleted)."""
        folder = self.root / str(int(guild_id))
        await asyncio.to_thread(shutil.rmtree, folder, True)


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.part")
    try:
        with temporary.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _unlink_all(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
