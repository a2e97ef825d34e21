import io
import pathlib

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from PIL import Image

from mimac.models import Photo
from mimac.photos import PhotoFormField, clean_photo, face_score
from tests import images


class UploadForm(forms.Form):
    photo = PhotoFormField()


def _form_errors(content, name="photo.jpg"):
    form = UploadForm(files={"photo": images.upload(content, name)})
    assert not form.is_valid()
    return " ".join(form.errors["photo"])


def _stored_files():
    """What the photo field's own storage holds (each test's folder)."""
    storage = Photo._meta.get_field("image").storage
    found = []

    def walk(folder):
        directories, files = storage.listdir(folder)
        found.extend(files)
        for directory in directories:
            walk(f"{folder}/{directory}" if folder else directory)

    walk("")
    return found


def test_a_photo_with_a_face_is_refused_by_the_form():
    assert "shows a person's face" in _form_errors(images.encode(images.face_photo()))


def test_a_face_turned_sideways_without_orientation_tag_is_still_refused():
    turned = images.face_photo().rotate(90, expand=True)
    assert "shows a person's face" in _form_errors(images.encode(turned))


def test_a_photo_of_food_is_accepted_and_re_encoded_as_jpeg():
    form = UploadForm(files={"photo": images.upload(images.encode(images.food_photo(), "PNG"), "coffee.png")})
    assert form.is_valid(), form.errors
    cleaned = form.cleaned_data["photo"]
    assert cleaned.name.endswith(".jpg")
    assert "coffee" not in cleaned.name, "stored names are random"
    assert Image.open(io.BytesIO(cleaned.read())).format == "JPEG"


def test_a_real_photo_of_food_is_accepted():
    """A drawn crate is easy for the detector; a real tray of food, with its textures and shadows, must pass too."""
    form = UploadForm(files={"photo": images.upload(images.encode(images.real_food_photo()), "tray.jpg")})
    assert form.is_valid(), form.errors


def test_an_iphone_heic_photo_is_accepted_and_stored_as_jpeg():
    cleaned = clean_photo(images.upload(images.encode(images.food_photo(), "HEIF"), "IMG_0042.HEIC"))
    assert Image.open(cleaned).format == "JPEG"


def test_a_heic_photo_of_a_face_is_refused():
    assert "shows a person's face" in _form_errors(images.encode(images.face_photo(), "HEIF"), "IMG_0043.HEIC")


def test_gps_and_every_other_metadata_are_gone_from_the_stored_photo(world):
    original = images.jpeg_with_gps()
    assert b"Exif" in original, "the test photo carries metadata"
    assert b"kitchen" in original

    photo = Photo.objects.create(
        chapter=world.chapter, uploaded_by=world.coordinator.user, image=clean_photo(images.upload(original))
    )

    stored = photo.image.open("rb").read()
    image = Image.open(io.BytesIO(stored))
    assert dict(image.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp", "comment", "photoshop"} & set(image.info)
    for marker in (b"Exif", b"GPS", b"PhoneMaker", b"kitchen", b"http://ns.adobe.com"):
        assert marker not in stored


def test_a_large_photo_is_resized_to_2048_pixels_on_its_long_side():
    big = images.food_photo().resize((4000, 2667))
    cleaned = clean_photo(images.upload(images.encode(big)))
    assert max(Image.open(cleaned).size) == 2048


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (images.encode(images.food_photo(), "PNG"), "coffee.jpg", "name ends in .jpg but the file holds a PNG"),
        (images.encode(images.food_photo())[:5000], "photo.jpg", "damaged or incomplete"),
        (images.SVG, "drawing.svg", "not a photo we can read"),
        (images.decompression_bomb(), "bomb.png", "more than 40 megapixels"),
        (b"", "empty.jpg", "The submitted file is empty"),
        (images.animated_gif(), "moving.gif", "GIF files are not accepted"),
        (images.PDF, "scan.pdf", "not a photo we can read"),
    ],
    ids=["png-named-jpg", "truncated-jpeg", "svg", "100-megapixel-bomb", "zero-bytes", "animated-gif", "pdf"],
)
def test_files_that_are_not_a_single_sound_photo_are_refused_with_a_clear_message(content, name, message):
    assert message in _form_errors(content, name)


def test_an_animated_webp_is_refused():
    frames = [images.food_photo(), images.food_photo().rotate(10)]
    content = images.encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    assert "Animations and multi-page images" in _form_errors(content, "moving.webp")


def test_a_file_over_the_size_limit_is_refused_before_decoding(settings):
    settings.PHOTO_MAX_BYTES = 1000
    assert "larger than" in _form_errors(images.encode(images.food_photo()))


def test_a_face_is_refused_through_the_admin_and_leaves_no_file_behind(client, world, settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    client.force_login(world.admin)
    # Past Django's usual in-memory limit (2.5 MB), uploads would normally go to a temporary file.
    padded_face = images.encode(images.face_photo()) + b"\0" * 3_000_000

    response = client.post(
        reverse("admin:mimac_photo_add"),
        {"chapter": world.chapter.pk, "image": images.upload(padded_face)},
    )

    assert "shows a person&#x27;s face" in response.text
    assert not Photo.objects.exists()
    assert _stored_files() == []
    assert list(tmp_path.iterdir()) == [], "the upload never touched the disk"


def test_a_photo_of_food_is_stored_through_the_admin_and_served_only_privately(client, world):
    client.force_login(world.admin)
    client.post(
        reverse("admin:mimac_photo_add"),
        {"chapter": world.chapter.pk, "image": images.upload(images.encode(images.food_photo()))},
    )
    photo = Photo.objects.get()
    assert photo.uploaded_by == world.admin

    client.force_login(world.volunteer.user)
    response = client.get(reverse("photo_file", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}

    client.force_login(world.other_coordinator.user)
    assert client.get(reverse("photo_file", args=[photo.pk])).status_code == 404


def test_the_model_field_refuses_a_file_that_skipped_the_check(world):
    raw = ContentFile(images.encode(images.food_photo()), name="crate.jpg")  # one the check would pass
    with pytest.raises(ValidationError, match="only after the no-faces check"):
        Photo.objects.create(chapter=world.chapter, uploaded_by=world.coordinator.user, image=raw)
    assert _stored_files() == []


def test_only_the_photo_model_may_hold_files():
    holders = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    }
    assert holders == {"mimac.Photo.image"}


def test_recipients_routes_stops_and_handouts_never_point_at_photos():
    """Recipient records never have photos; nor does anything that names a household."""
    guarded = [*apps.get_app_config("recipients").get_models()]
    guarded += [apps.get_model("deliveries", "Route"), apps.get_model("deliveries", "Stop")]
    guarded += [apps.get_model("hubdesk", "Handout")]
    for model in guarded:
        for field in model._meta.get_fields():
            assert not isinstance(field, models.FileField), model
            assert getattr(field, "related_model", None) is not Photo, model


def test_recheck_lists_stored_photos_the_current_detector_would_refuse(world, settings, capsys):
    photo = Photo.objects.create(
        chapter=world.chapter,
        uploaded_by=world.coordinator.user,
        image=clean_photo(images.upload(images.encode(images.food_photo()))),
    )
    call_command("recheck_photos")
    assert "1 photos checked, 0 would now be refused." in capsys.readouterr().out

    with photo.image.open("rb") as file:
        settings.PHOTO_FACE_THRESHOLD = face_score(Image.open(file))  # a stricter detector setting
    call_command("recheck_photos")
    output = capsys.readouterr().out
    assert f"photo {photo.pk}  chapter RIV" in output
    assert "1 would now be refused" in output


def test_a_test_stores_its_photos_in_its_own_folder_not_the_work_tree(world, tmp_path):
    photo = Photo.objects.create(
        chapter=world.chapter,
        uploaded_by=world.coordinator.user,
        image=clean_photo(images.upload(images.encode(images.food_photo()))),
    )
    assert pathlib.Path(photo.image.path).is_relative_to(tmp_path)


def test_many_stored_photos_are_checked_in_processes_replaced_as_they_go(monkeypatch):
    """A restore checks thousands of photos; the detector keeps memory from each, so its process is replaced
    every CHECKS_PER_PROCESS photos, and a replaced process never stops the checks that follow."""
    from mimac import photos

    monkeypatch.setattr(photos, "CHECKS_PER_PROCESS", 2)
    stored = photos.clean_photo(images.upload(images.encode(images.food_photo()))).read()
    with photos.checking_stored_photos() as submit:
        checked = [submit(data) for data in [stored] * 4 + [images.jpeg_with_gps(), b"not a photo"]]
        problems = [future.result(timeout=120) for future in checked]
    assert problems == ["", "", "", "", "metadata", "not_image"]
    assert photos.stored_problem_message("metadata") == "It carries metadata, which MIMAC removes from every photo."
