"""Photos: checked by content, re-encoded without any metadata (EXIF, GPS, XMP, ICC), stored outside static/.

A photo is sanitised the moment it arrives, also when the rest of the form is rejected: it then waits under a
random token ("pending") so the reporter does not have to choose it again."""

import io
import os
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: JPEG variant some phone cameras write
MAX_SOURCE_PIXELS = 50_000_000  # refuse decompression bombs before decoding
PENDING_LIFETIME_S = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def megabytes(size: int) -> str:
    return format_decimal(size / (1024 * 1024), format="#,##0.##")


class PhotoRejected(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def sanitise_photo(raw: bytes, *, max_bytes: int, max_pixels: int) -> CleanPhoto:
    """Return the photo re-encoded as a JPEG with no metadata, or raise PhotoRejected with a reason."""
    if len(raw) > max_bytes:
        raise PhotoRejected(
            _l("The photo is too large. Choose a photo of at most %(mb)s MB.", mb=megabytes(max_bytes))
        )
    if not raw:
        raise PhotoRejected(_l("The photo is empty. Choose another photo."))
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRejected(
                    _l("This file is not a photo we can use. Choose a JPEG, PNG or WebP photo.")
                )
            if probe.width * probe.height > MAX_SOURCE_PIXELS:
                raise PhotoRejected(_l("The photo has too many pixels. Choose a smaller photo."))
            probe.verify()
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            # Apply the camera's rotation before the orientation tag is dropped with the rest of the metadata.
            upright = ImageOps.exif_transpose(image)
            pixels = upright.convert("RGB")
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoRejected(
            _l("This file is not a photo we can read, or it is damaged. Choose a JPEG, PNG or WebP photo.")
        ) from None
    pixels.thumbnail((max_pixels, max_pixels))
    # A new image from raw pixel data carries no info dict at all: nothing of the original can leak.
    clean = Image.frombytes("RGB", pixels.size, pixels.tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)


@dataclass(frozen=True)
class StoredPhoto:
    key: str
    size: int
    width: int
    height: int


class PhotoStore:
    """Files under one root, outside static/: pending/<token>.jpg and <yyyy>/<uuid>.jpg."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _pending_path(self, token: str) -> Path:
        if not _TOKEN_RE.match(token or ""):
            raise KeyError(token)
        return self.root / "pending" / f"{token}.jpg"

    def save_pending(self, photo: CleanPhoto) -> str:
        token = secrets.token_urlsafe(32)
        path = self._pending_path(token)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(photo.data)
        return token

    def has_pending(self, token: str) -> bool:
        try:
            return self._pending_path(token).is_file()
        except KeyError:
            return False

    def read_pending(self, token: str) -> bytes:
        return self._pending_path(token).read_bytes()

    def claim_pending(self, token: str) -> "StoredPhoto":
        """Move a pending photo to its permanent place."""
        source = self._pending_path(token)
        key = f"{datetime.now(UTC):%Y}/{uuid.uuid4().hex}.jpg"
        target = self.root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        with Image.open(target) as image:
            width, height = image.size
        return StoredPhoto(key, target.stat().st_size, width, height)

    def release_all(self, photos: "list[StoredPhoto]") -> None:
        """Undo claims whose transaction failed."""
        for photo in photos:
            (self.root / photo.key).unlink(missing_ok=True)

    def path_of(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise KeyError(key)
        return path

    def prune_pending(self, max_age_s: int = PENDING_LIFETIME_S) -> int:
        """Remove photos of forms that were never sent (run by `flask privacy-sweep`, not per request)."""
        folder = self.root / "pending"
        if not folder.is_dir():
            return 0
        cutoff = time.time() - max_age_s
        removed = 0
        for path in folder.glob("*.jpg"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def photo_store() -> PhotoStore:
    from flask import current_app

    root = current_app.config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    return PhotoStore(root)
