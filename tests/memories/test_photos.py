"""bot.photos: memory photos downloaded, checked, kept under safe names, read back and deleted."""

from __future__ import annotations

import hashlib
from pathlib import Path

import discord
import pytest

from bot.photos import Incoming, PhotoRefused, PhotoStore, declared_type, safe_filename, sniff
from tests.support import png

GUILD = 123456789


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "photos", max_bytes=10_000)


def incoming(name: str = "us.png", content_type: str | None = "image/png", size: int = 100) -> Incoming:
    return Incoming(f"http://cdn.test/{name}", name, content_type, size)


class NotFoundResponse:
    status = 404
    reason = "Not Found"


async def test_a_photo_is_kept_under_a_generated_name_in_its_servers_folder(
    store: PhotoStore, tmp_path: Path
) -> None:
    """The file lands in photos/{guild}/, named by Closer, with its checksum and real type."""
    data = png(1)
    kept = await store.save_bytes(data, GUILD, "../../etc/passwd.png", "image/png")
    path = store.path(kept.path)
    assert path is not None
    assert path.read_bytes() == data
    assert path.parent == (tmp_path / "photos" / str(GUILD)).resolve()
    assert path.suffix == ".png"
    assert "passwd" not in path.name
    assert kept.filename == "passwd.png"
    assert kept.sha256 == hashlib.sha256(data).hexdigest()
    assert (kept.content_type, kept.size) == ("image/png", len(data))
    assert list(path.parent.glob(".*.part")) == []


async def test_downloading_checks_then_fetches_and_keeps_the_bytes(store: PhotoStore) -> None:
    """A good image is fetched from its URL and kept."""
    fetched: list[str] = []

    async def fetch(url: str) -> bytes:
        fetched.append(url)
        return png(2)

    kept = await store.download(incoming(), GUILD, fetch)
    assert fetched == ["http://cdn.test/us.png"]
    found = store.path(kept.path)
    assert found is not None
    assert found.read_bytes() == png(2)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (incoming("notes.txt", "text/plain"), "`notes.txt` isn't an image"),
        (incoming("clip.mp4", "video/mp4"), "isn't an image"),
        (incoming("huge.png", size=20_000), "photos can be up to 10 KB"),
    ],
)
async def test_non_images_and_large_files_are_refused_before_downloading(
    store: PhotoStore, item: Incoming, message: str
) -> None:
    """Type and size are checked from what Discord says, before any byte is fetched."""

    async def fetch(url: str) -> bytes:
        raise AssertionError("nothing should be downloaded")

    with pytest.raises(PhotoRefused, match=message):
        await store.download(item, GUILD, fetch)
    assert not store.root.exists()


async def test_a_file_bigger_than_announced_is_still_refused(store: PhotoStore) -> None:
    """The limit holds for the bytes actually downloaded too."""

    async def fetch(url: str) -> bytes:
        return png(3) + b"\0" * 20_000

    with pytest.raises(PhotoRefused, match="up to 10 KB"):
        await store.download(incoming(size=10), GUILD, fetch)


async def test_an_expired_link_asks_to_attach_again(store: PhotoStore) -> None:
    """A 404 from Discord's CDN becomes a clear sentence, and nothing is kept."""

    async def fetch(url: str) -> bytes:
        raise discord.NotFound(NotFoundResponse(), "gone")  # type: ignore[arg-type]

    with pytest.raises(PhotoRefused, match="Attach it again"):
        await store.download(incoming(), GUILD, fetch)
    assert not store.root.exists()


async def test_the_type_comes_from_the_bytes_when_they_say_more(store: PhotoStore) -> None:
    """A JPEG uploaded as .png is kept as a .jpg."""
    kept = await store.save_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 20, GUILD, "photo.png", "image/png")
    assert kept.content_type == "image/jpeg"
    assert kept.path.endswith(".jpg")


def test_a_missing_file_is_none_not_an_error(store: PhotoStore) -> None:
    """Reading a photo whose file is gone gives None (the card says it is missing)."""
    assert store.path(f"{GUILD}/gone.png") is None
    assert store.file(f"{GUILD}/gone.png", "memory-1-1.png") is None


async def test_paths_outside_the_photos_folder_are_never_read(store: PhotoStore, tmp_path: Path) -> None:
    """A stored path can't point outside the photos directory."""
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    await store.save_bytes(png(4), GUILD, "a.png")
    assert store.path("../secret.txt") is None
    assert store.path(str(secret)) is None


async def test_an_attached_photo_has_the_name_it_is_shown_with(store: PhotoStore) -> None:
    """file() opens the kept photo as a discord.File under the given name."""
    kept = await store.save_bytes(png(5), GUILD, "x.png")
    attached = store.file(kept.path, "memory-7-1.png")
    assert attached is not None
    assert attached.filename == "memory-7-1.png"
    attached.close()


async def test_deleting_removes_files_and_ignores_missing_ones(store: PhotoStore) -> None:
    """delete() removes what exists; delete_guild() removes a server's folder."""
    one = await store.save_bytes(png(6), GUILD, "1.png")
    two = await store.save_bytes(png(7), GUILD, "2.png")
    await store.delete([one.path, f"{GUILD}/never-existed.png"])
    assert store.path(one.path) is None
    assert store.path(two.path) is not None
    await store.delete_guild(GUILD)
    assert not (store.root / str(GUILD)).exists()


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xdb", "image/jpeg"),
        (b"GIF89a", "image/gif"),
        (b"RIFF\0\0\0\0WEBP", "image/webp"),
        (b"\0\0\0\x18ftypheic", "image/heic"),
        (b"\0\0\0\x18ftypavif", "image/avif"),
        (b"%PDF-1.4", None),
    ],
)
def test_image_types_are_recognised_from_their_first_bytes(head: bytes, kind: str | None) -> None:
    """The common photo formats are recognised; anything else is not an image."""
    assert sniff(head) == kind


@pytest.mark.parametrize(
    ("name", "content_type", "kind"),
    [
        ("a.png", "image/png", "image/png"),
        ("a.JPG", None, "image/jpeg"),
        ("a.heic", "", "image/heic"),
        ("a.txt", "text/plain; charset=utf-8", None),
        ("a", None, None),
    ],
)
def test_the_declared_type_comes_from_discord_or_the_name(
    name: str, content_type: str | None, kind: str | None
) -> None:
    """Discord's content type, or the file's extension when Discord gave none."""
    assert declared_type(name, content_type) == kind


def test_shown_file_names_are_safe() -> None:
    """Folders and odd characters are dropped from names that are shown."""
    assert safe_filename("C:\\Users\\me\\<beach>.png") == "_beach_.png"
    assert safe_filename("...") == "photo"
