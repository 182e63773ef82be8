"""Photos: checked by content, re-encoded without any metadata (EXIF, GPS, XMP, ICC), stored outside static/.

A photo is sanitised the moment it arrives, also when the rest of the form is rejected: it then waits
("pending") so the reporter does not have to choose it again. One form keeps at most one waiting photo, the same
file sent again is not processed again, and all waiting photos together have a ceiling.

Files move into place, or are deleted, only when the database transaction that records it commits: a rolled
back report leaves no photo behind, and a photo row never points at a file that was deleted in a rollback."""

import errno
import hashlib
import hmac
import io
import logging
import math
import os
import re
import secrets
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # MPO: JPEG variant some phone cameras write
# Refused from the header, before any decoding. A JPEG is decoded at a reduced scale (draft), so a 48 MP camera
# photo costs what a 12 MP one does; PNG and WebP are decoded whole, so their pixels are what memory pays.
MAX_DECLARED_PIXELS = 64_000_000
MAX_DECODED_PIXELS = 16_000_000
EXIF_ORIENTATION = 0x0112
PENDING_LIFETIME_S = 24 * 3600  # a form may stay open for hours; CSRF expiry keeps what was chosen
_TOKEN_RE = re.compile(r"^([0-9a-f]{24})-([0-9a-f]{32})$")


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


def _not_readable():
    return PhotoRejected(
        _l("This file is not a photo we can read, or it is damaged. Choose a JPEG, PNG or WebP photo.")
    )


def _too_many_pixels():
    return PhotoRejected(_l("The photo has too many pixels. Choose a smaller photo."))


def sanitise_photo(raw: bytes, *, max_bytes: int, max_pixels: int) -> CleanPhoto:
    """Return the photo re-encoded as a JPEG of at most `max_pixels` on its longest side, with no metadata, or
    raise PhotoRejected with a reason."""
    if len(raw) > max_bytes:
        raise PhotoRejected(_l("The photo is too large. Choose a photo of at most %(mb)s MB.", mb=megabytes(max_bytes)))
    if not raw:
        raise PhotoRejected(_l("The photo is empty. Choose another photo."))
    try:
        with Image.open(io.BytesIO(raw)) as image:
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoRejected(_l("This file is not a photo we can use. Choose a JPEG, PNG or WebP photo."))
            if image.width * image.height > MAX_DECLARED_PIXELS:
                raise _too_many_pixels()
            if image.format in ("JPEG", "MPO"):
                # Decode at 1/2, 1/4 or 1/8 scale where the longest side still reaches max_pixels.
                scale = max_pixels / max(image.size)
                image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))
            if image.width * image.height > MAX_DECODED_PIXELS:
                raise _too_many_pixels()
            orientation = image.getexif().get(EXIF_ORIENTATION)
            pixels = image.convert("RGB") if image.mode != "RGB" else image
            pixels.load()
            pixels.thumbnail((max_pixels, max_pixels))
    except PhotoRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _not_readable() from None
    if orientation:
        # Apply the camera's rotation before the orientation tag is dropped with the rest of the metadata.
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = orientation
        pixels.info["exif"] = exif.tobytes()
        pixels = ImageOps.exif_transpose(pixels)
    # A new image from raw pixel data carries no info dict at all: nothing of the original can leak.
    clean = Image.frombytes("RGB", pixels.size, pixels.tobytes())
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), clean.width, clean.height)


class PhotoNotStored(PhotoRejected):
    """The photo is fine but there is no room to keep it (the space for pending photos, or the disk, is full). The
    reporter decides whether the report goes without it (web/public.py asks)."""

    def __init__(self):
        super().__init__(
            _l("We cannot take photos at the moment. Send your report without a photo, or try again later.")
        )


@dataclass(frozen=True)
class StoredPhoto:
    key: str
    size: int
    width: int
    height: int


class PhotoStore:
    """Files under one root, outside static/: pending/<form>/<name>.jpg while a form is open, <yyyy>/<uuid>.jpg
    once the report is stored. A pending token names both parts and is unguessable (an HMAC with the secret key)."""

    def __init__(self, root: str | os.PathLike, secret: str, *, pending_max_bytes: int):
        self.root = Path(root)
        self._secret = secret.encode()
        self.pending_max_bytes = pending_max_bytes

    def _mac(self, text: str, length: int) -> str:
        return hmac.new(self._secret, text.encode(), hashlib.sha256).hexdigest()[:length]

    def pending_token(self, raw: bytes, form_key: str | None) -> str:
        """The token for this upload in this form: the same file sent again gets the same token."""
        folder = self._mac(f"form:{form_key or secrets.token_hex(16)}", 24)
        return f"{folder}-{self._mac(folder + hashlib.sha256(raw).hexdigest(), 32)}"

    def pending_path(self, token: str) -> Path:
        match = _TOKEN_RE.match(token or "")
        if not match:
            raise KeyError(token)
        return self.root / "pending" / match.group(1) / f"{match.group(2)}.jpg"

    def has_pending(self, token: str) -> bool:
        try:
            return self.pending_path(token).is_file()
        except KeyError:
            return False

    def pending_bytes(self) -> int:
        # os.walk, not Path.rglob: other workers send forms meanwhile, and rglob raises when a form's folder
        # disappears while it is being listed; os.walk skips it.
        total = 0
        for folder, _subfolders, names in os.walk(self.root / "pending"):
            for name in names:
                try:
                    total += os.stat(os.path.join(folder, name)).st_size
                except FileNotFoundError:  # sent or replaced meanwhile
                    pass
        return total

    def save_pending(self, photo: CleanPhoto, token: str | None = None) -> str:
        """Keep a sanitised photo for an open form; it replaces the photo that form kept before."""
        token = token or f"{secrets.token_hex(12)}-{secrets.token_hex(16)}"
        path = self.pending_path(token)
        if self.pending_bytes() >= self.pending_max_bytes:
            log.warning("pending photos fill their space (%s bytes): photo refused", self.pending_max_bytes)
            raise PhotoNotStored()
        if path.parent.is_dir():
            shutil.rmtree(path.parent)
        try:
            path.parent.mkdir(parents=True)
            path.write_bytes(photo.data)
        except OSError as error:
            shutil.rmtree(path.parent, ignore_errors=True)  # no half-written photo is left behind
            if error.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            log.error("the disk of the photos is full (%s): photo refused", error.strerror)
            raise PhotoNotStored() from error
        return token

    def adopt_pending(self, token: str, session: so.Session) -> StoredPhoto | None:
        """The pending photo becomes the report's: it moves to its permanent place when `session` commits. None when
        it is gone: the same form, sent twice at once, stored its report (with the photo) in the other request."""
        source = self.pending_path(token)
        try:
            with Image.open(source) as image:
                width, height = image.size
            size = source.stat().st_size
        except FileNotFoundError:
            return None
        stored = StoredPhoto(f"{datetime.now(UTC):%Y}/{uuid.uuid4().hex}.jpg", size, width, height)
        _after_commit(session).append(lambda: self._move(source, self.root / stored.key))
        return stored

    def adopt_again(self, keys: list[str], tokens: list[str], session: so.Session) -> None:
        """A report committed while the reply to its COMMIT was lost (the database went away at that moment) has
        photo rows whose files never left pending/. Its retry carries the same pending photos: they move to those
        rows' places when `session` commits."""
        missing = [key for key in keys if not (self.root / key).is_file()]
        waiting = [self.pending_path(token) for token in tokens if self.has_pending(token)]
        for key, source in zip(missing, waiting, strict=False):
            _after_commit(session).append(lambda source=source, key=key: self._move_if_pending(source, self.root / key))

    def delete_when_committed(self, key: str, session: so.Session) -> None:
        path = self.path_of(key)
        _after_commit(session).append(lambda: path.unlink(missing_ok=True))

    @staticmethod
    def _move(source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        shutil.rmtree(source.parent, ignore_errors=True)

    @classmethod
    def _move_if_pending(cls, source: Path, target: Path) -> None:
        try:
            cls._move(source, target)
        except FileNotFoundError:  # the first request, which was only slower, moved it meanwhile
            pass

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
        for path in list(folder.rglob("*.jpg")):
            try:
                if path.stat().st_mtime < cutoff:
                    shutil.rmtree(path.parent, ignore_errors=True)
                    removed += 1
            except FileNotFoundError:  # sent or replaced meanwhile
                pass
        return removed


def _after_commit(session: so.Session) -> list:
    return session.info.setdefault("photo_file_actions", [])


@sa.event.listens_for(so.Session, "after_commit")
def _run_file_actions(session):
    for action in session.info.pop("photo_file_actions", []):
        try:
            action()
        except OSError:
            log.exception("a photo file could not be moved or deleted after commit")


@sa.event.listens_for(so.Session, "after_soft_rollback")
def _forget_file_actions(session, previous_transaction):
    if previous_transaction.parent is None:  # the outermost transaction: nothing of it was committed
        session.info.pop("photo_file_actions", None)


def photo_store() -> PhotoStore:
    from flask import current_app

    config = current_app.config
    root = config.get("UPLOAD_FOLDER") or os.path.join(current_app.instance_path, "uploads")
    return PhotoStore(root, config["SECRET_KEY"], pending_max_bytes=config["PHOTO_PENDING_MAX_BYTES"])
