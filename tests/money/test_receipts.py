"""Receipts: a photo through the no-faces policy for spending above the chapter's threshold, seen only by coordinators
and auditors (names and card digits stay on a receipt), and nothing kept of a refused one."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from mimac.models import Photo
from money.models import MoneyEntry
from tests import images
from tests.factories import PASSWORD
from tests.money.recording import receipt_photo, spend


def _post(client, world, books, photo=None, amount="45.60"):
    client.force_login(world.volunteer.user)
    data = {"date": world.chapter.today(), "account": books.cash.pk, "amount": amount, "purpose": "fuel",
            "note": "Van", "countersign_username": "coordinator", "countersign_password": PASSWORD}  # fmt: skip
    if photo is not None:
        data["receipt"] = photo
    return client.post(reverse("money:record", args=["RIV", "spending"]), data)


def _stored(storage) -> list[str]:
    found = []

    def walk(folder):
        directories, files = storage.listdir(folder)
        found.extend(files)
        for directory in directories:
            walk(f"{folder}/{directory}" if folder else directory)

    walk("")
    return found


def test_spending_above_the_threshold_needs_a_receipt_photo(client, world, books):
    response = _post(client, world, books)
    assert response.context["form"].errors == {
        "receipt": [
            "Spending above 25.00 USD needs a photo of its receipt. Lost it? Photograph a note of what was bought, "
            "where and when, signed by you and a second member."
        ]
    }
    assert not MoneyEntry.objects.filter(kind="spending").exists()
    _post(client, world, books, amount="25.00")
    assert MoneyEntry.objects.get(kind="spending").receipt is None, "at the threshold, none is needed"


def test_a_receipt_is_kept_re_encoded_without_its_metadata(client, world, books):
    upload = SimpleUploadedFile("till.jpg", images.jpeg_with_gps(), content_type="image/jpeg")
    assert _post(client, world, books, upload).status_code == 302
    spending = MoneyEntry.objects.get(kind="spending")
    with spending.receipt.image.open("rb") as stored:
        content = stored.read()
    assert (b"kitchen" in content, b"PhoneMaker" in content) == (False, False)
    assert not Image.open(io.BytesIO(content)).getexif()
    assert spending.receipt.chapter == world.chapter


def test_a_receipt_showing_a_face_is_refused_and_nothing_of_it_is_kept(client, world, books):
    upload = SimpleUploadedFile("till.jpg", images.encode(images.face_photo()), content_type="image/jpeg")
    response = _post(client, world, books, upload)
    assert "shows a person's face" in " ".join(response.context["form"].errors["receipt"])
    assert not MoneyEntry.objects.filter(kind="spending").exists()
    assert not Photo.objects.exists()
    assert _stored(Photo._meta.get_field("image").storage) == []


def test_a_row_refused_after_its_receipt_passed_leaves_no_file(world, books):
    """The model's rules refuse it (the box holds 200.00): the receipt's file is never written."""
    with pytest.raises(ValidationError, match="would hold less than nothing"):
        spend(world, books.cash, "300.00", receipt=receipt_photo())
    assert not Photo.objects.exists()
    assert _stored(Photo._meta.get_field("image").storage) == []


def test_only_coordinators_and_auditors_see_a_receipt_while_every_member_sees_a_spoilage_photo(client, world, books):
    spending = spend(world, books.cash, "45.60", receipt=receipt_photo())
    evidence = Photo.objects.create(chapter=world.chapter, uploaded_by=world.volunteer.user, image=receipt_photo())
    answers = {}
    for member in (world.coordinator, world.auditor, world.volunteer, world.observing, world.other_coordinator):
        client.force_login(member.user)
        answers[member.user.username] = [
            client.get(reverse("photo_file", args=[photo])).status_code for photo in (spending.receipt_id, evidence.pk)
        ]
    assert answers == {
        "coordinator": [200, 200], "auditor": [200, 200], "volunteer": [403, 200], "newcomer": [403, 200],
        "coordinator2": [404, 404],
    }  # fmt: skip
    url = reverse("photo_file", args=[spending.receipt_id])
    client.force_login(world.coordinator.user)
    response = client.get(url)
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]


def test_the_rows_say_a_receipt_is_kept_and_link_it_for_those_who_may_see_it(client, world, books):
    spend(world, books.cash, "45.60", receipt=receipt_photo())
    rows = reverse("money:rows", args=["RIV"])
    client.force_login(world.volunteer.user)
    row = client.get(rows, {"kind": "spending"}).context["rows"][0]
    assert (row["receipt"], row["receipt_url"]) == (True, "")
    client.force_login(world.auditor.user)
    row = client.get(rows, {"kind": "spending"}).context["rows"][0]
    assert row["receipt_url"] == reverse("photo_file", args=[MoneyEntry.objects.get(kind="spending").receipt_id])
    assert Decimal(row["went_out"]) == Decimal("45.60")
