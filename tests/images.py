"""Images for the photo policy tests, made here or taken from scikit-image's bundled real photos."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from skimage import data


def face_photo() -> Image.Image:
    return Image.fromarray(data.astronaut())  # a real photo of a person's face


def food_photo() -> Image.Image:
    return Image.fromarray(data.coffee())  # a cup of coffee on a saucer


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
