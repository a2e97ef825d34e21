"""Images for the photo policy tests: drawn here with Pillow, or read from the labelled photos beside the project.

No photo of a person is kept in the repository. The face, and a real photo without one, come from
../shared/photos-dev (its README says what it holds; bench/faces.py measures the detector on all of it); a
test that needs them is skipped, saying so, where the folder is missing, and fails instead under CI=true.
"""

import io
import os
import random
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter

PHOTOS_DEV = Path(settings.BASE_DIR).parent / "shared" / "photos-dev"
FACE = PHOTOS_DEV / "faces" / "f001.jpg"  # two people, facing the camera
NO_FACE = PHOTOS_DEV / "noface" / "n037.jpg"  # a cafeteria tray of food


def face_photo() -> Image.Image:
    return _shared_photo(FACE)


def real_food_photo() -> Image.Image:
    return _shared_photo(NO_FACE)


def food_photo() -> Image.Image:
    """Oranges in a crate on a wooden shelf, drawn: colours, edges and a JPEG's worth of detail, and no one in it."""
    rng = random.Random(7)  # noqa: S311 (the same picture every run, not a secret)
    image = Image.new("RGB", (640, 480))
    draw = ImageDraw.Draw(image)
    for y in range(0, 480, 6):
        grain = rng.randint(-18, 18)
        draw.rectangle((0, y, 640, y + 5), fill=(150 + grain, 110 + grain, 70 + grain))
    draw.rectangle((60, 140, 580, 440), fill=(196, 160, 104), outline=(90, 60, 30), width=8)
    for _ in range(70):
        x, y, radius = rng.randint(80, 560), rng.randint(150, 420), rng.randint(22, 34)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(235, rng.randint(120, 150), 20))
        draw.ellipse((x - radius // 2, y - radius // 2, x, y), fill=(250, 190, 90))
    return image.filter(ImageFilter.GaussianBlur(1))


def _shared_photo(path: Path) -> Image.Image:
    if not path.exists():
        message = f"Needs the labelled photos of ../shared/photos-dev: {path} is missing."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with Image.open(path) as photo:
        return photo.convert("RGB")


def encode(image: Image.Image, image_format="JPEG", **options) -> bytes:
    output = io.BytesIO()
    image.save(output, image_format, **options)
    return output.getvalue()


def upload(content: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_with_gps() -> bytes:
    """A food photo carrying what phones write: GPS position, camera, a comment."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (42.0, 20.0, 1.5), 3: "W", 4: (83.0, 2.0, 45.0)})
    return encode(food_photo(), exif=exif, comment=b"kitchen of 12 Church St")


def decompression_bomb() -> bytes:
    """A 100-megapixel PNG that is only kilobytes on disk."""
    return encode(Image.new("1", (10_000, 10_000)), "PNG")


def animated_gif() -> bytes:
    frames = [Image.new("RGB", (40, 40), color) for color in ("red", "green")]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:])


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
