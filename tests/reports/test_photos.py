"""Photos are re-encoded and stripped of every bit of metadata before storage."""

import io
import random

import pytest
from PIL import Image

from meldpunt.reports.photos import PhotoRejected, sanitise_photo
from tests.fixtures.reports import jpeg_with_gps, png_bytes

LIMITS = {"max_bytes": 10 * 1024 * 1024, "max_pixels": 2048}


def test_gps_and_camera_data_are_stripped():
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as source:
        assert source.getexif().get_ifd(0x8825)  # the fixture really carries GPS
        assert source.getexif()[0x0110] == "PhoneModel X"
    clean = sanitise_photo(original, **LIMITS)
    with Image.open(io.BytesIO(clean.data)) as result:
        assert result.format == "JPEG"
        assert not result.getexif()
        assert "exif" not in result.info and "icc_profile" not in result.info
    assert b"PhoneModel" not in clean.data and b"Exif" not in clean.data


def test_the_camera_rotation_is_applied_before_the_tag_is_dropped():
    image = Image.new("RGB", (80, 40), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    clean = sanitise_photo(out.getvalue(), **LIMITS)
    assert (clean.width, clean.height) == (40, 80)


def test_large_photos_are_scaled_down():
    clean = sanitise_photo(png_bytes(3000, 1500), max_bytes=LIMITS["max_bytes"], max_pixels=1000)
    assert (clean.width, clean.height) == (1000, 500)


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"%PDF-1.7 not a photo at all", "not a photo"),
        (jpeg_with_gps()[:200], "damaged"),
        (b"", "empty"),
    ],
)
def test_non_images_and_corrupt_images_are_refused(data, reason):
    with pytest.raises(PhotoRejected) as rejected:
        sanitise_photo(data, **LIMITS)
    assert reason in str(rejected.value.message)


def test_an_oversized_photo_is_refused_with_the_limit():
    noise = Image.frombytes("RGB", (1000, 1000), random.Random(1).randbytes(3_000_000))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=95)
    assert len(out.getvalue()) > 1024 * 1024
    with pytest.raises(PhotoRejected) as rejected:
        sanitise_photo(out.getvalue(), max_bytes=1024 * 1024, max_pixels=2048)
    assert "at most 1 MB" in str(rejected.value.message)
    assert sanitise_photo(out.getvalue(), max_bytes=4 * 1024 * 1024, max_pixels=2048).width == 1000


def test_a_gif_is_not_accepted():
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, format="GIF")
    with pytest.raises(PhotoRejected):
        sanitise_photo(out.getvalue(), **LIMITS)


def _png(width, height, mode="1") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_a_small_file_declaring_a_huge_image_is_refused_before_decoding():
    bomb = _png(7060, 7060)  # ~150 KB on disk, ~150 MB of pixels once decoded
    assert len(bomb) < 300 * 1024
    with pytest.raises(PhotoRejected) as rejected:
        sanitise_photo(bomb, **LIMITS)
    assert "too many pixels" in str(rejected.value.message)


def test_a_large_camera_jpeg_is_accepted_and_scaled():
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (90, 90, 90)).save(out, format="JPEG", quality=70)
    clean = sanitise_photo(out.getvalue(), **LIMITS)
    assert (clean.width, clean.height) == (2048, 1365)
