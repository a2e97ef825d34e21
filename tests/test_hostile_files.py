"""Hostile files at every upload: each is refused with a message, nothing of it is kept, never a 500."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hubdesk.models import Spoilage
from mimac.models import Category, Photo
from money import services as money_services
from money.models import MoneyEntry
from pickups.models import Pickup
from recipients.models import Household
from tests import images
from tests.factories import PASSWORD, make_pickup


def _zip() -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return output.getvalue()


PHOTOS = {
    "png-named-jpg": (images.encode(images.food_photo(), "PNG"), "coffee.jpg"),
    "truncated-jpeg": (images.encode(images.food_photo())[:5000], "photo.jpg"),
    "svg-with-script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
    "html-named-jpg": (b"<html><script>alert(1)</script></html>", "photo.jpg"),
    "100-megapixel-bomb": (images.decompression_bomb(), "bomb.png"),
    "zero-bytes": (b"", "empty.jpg"),
    "animated-gif": (images.animated_gif(), "moving.gif"),
    "pdf": (images.PDF, "scan.pdf"),
    "zip": (_zip(), "photo.jpg"),
}


def _hostile_photo(kind):
    if kind == "face":  # read when the test runs, which skips, saying why, without ../shared/photos-dev
        return images.encode(images.face_photo()), "shelf.jpg"
    return PHOTOS[kind]


def _spoilage_post(client, world, photo):
    produce = Category.objects.get(code="produce")
    data = {"date": world.chapter.today(), "category": produce.pk, "quantity": "25", "reason": "mould", "photo": photo}
    return client.post(reverse("hubdesk:spoilage", args=[world.hub.pk]), data)


def _pickup_post(client, world, photo):
    pickup = make_pickup(world)
    produce = Category.objects.get(code="produce")
    data = {
        "record-arrived_at": "09:30",
        "record-photo": photo,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-category": produce.pk,
        "lines-0-quantity": "5",
    }
    return client.post(reverse("pickups:pickup_record", args=[pickup.pk]), data)


def _receipt_post(client, world, photo):
    cash = money_services.open_account(chapter=world.chapter, by=world.coordinator.user, name="Cash box",
                                       kind="cash", holds=100, date=world.chapter.today())  # fmt: skip
    data = {"date": world.chapter.today(), "account": cash.pk, "amount": "40", "purpose": "fuel", "receipt": photo,
            "countersign_username": "volunteer", "countersign_password": PASSWORD}  # fmt: skip
    return client.post(reverse("money:record", args=[world.chapter.code, "spending"]), data)


UPLOADS = {"spoilage": _spoilage_post, "pickup": _pickup_post, "receipt": _receipt_post}


@pytest.mark.parametrize("upload", sorted(UPLOADS))
@pytest.mark.parametrize("kind", sorted([*PHOTOS, "face"]))
def test_every_photo_upload_refuses_a_hostile_file_and_keeps_nothing(client, world, upload, kind):
    content, name = _hostile_photo(kind)
    client.force_login(world.coordinator.user)
    response = UPLOADS[upload](client, world, SimpleUploadedFile(name, content, content_type="image/jpeg"))
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.text
    assert not Photo.objects.exists()
    assert not Spoilage.objects.exists()
    assert not Pickup.objects.filter(status="done").exists()
    assert not MoneyEntry.objects.filter(kind="spending").exists()


def test_a_photo_with_an_archive_appended_is_kept_without_it(client, world):
    polyglot = images.encode(images.food_photo()) + _zip()
    client.force_login(world.coordinator.user)
    response = _spoilage_post(client, world, SimpleUploadedFile("crate.jpg", polyglot, content_type="image/jpeg"))
    assert response.status_code == 302
    with Photo.objects.get().image.open("rb") as stored:
        assert b"PK\x03\x04" not in stored.read(), "re-encoded: only the picture is kept"


HEADER = "name,size,mode,contact,consent_on\n"
CSVS = {
    "png": (images.encode(images.food_photo(), "PNG"), "not UTF-8 text"),
    "utf-16": (("\ufeff" + HEADER + "Amina,3,delivery,phone,2026-11-01\n").encode("utf-16"), "not UTF-8 text"),
    "nul-in-a-cell": ((HEADER + "Am\x00ina,3,delivery,phone,2026-11-01\n").encode(), "Null characters are not allowed"),
    "header-only": (HEADER.encode(), "has a header but no households"),
    "no-header": (b"Amina,3,delivery,phone,2026-11-01\n", "The header row does not fit"),
    "huge-cell": ((HEADER + "x" * 300_000 + ",3,delivery,phone,2026-11-01\n").encode(), "cannot be read as CSV"),
    "formula": ((HEADER + '=HYPERLINK("http://evil.example"),3,delivery,phone,2026-11-01\n').encode(), None),
    "empty": (b"", "The submitted file is empty"),
}


@pytest.mark.parametrize("kind", sorted(CSVS))
def test_the_household_import_refuses_hostile_files_with_a_message(client, world, kind):
    content, message = CSVS[kind]
    client.force_login(world.coordinator.user)
    upload = SimpleUploadedFile("households.csv", content, content_type="text/csv")
    response = client.post(reverse("recipients:household_import", args=[world.chapter.code]), {"file": upload})
    assert response.status_code == 200
    if message:
        assert message in response.text
    assert not Household.objects.exists(), "an upload only previews; nothing is stored before confirming"
