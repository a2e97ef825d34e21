"""The hub laptop is shared: sessions end on their own, and signing out leaves nothing behind."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mimac.models import Photo
from mimac.photos import clean_photo
from tests import images

START = datetime.datetime(2027, 3, 2, 10, 0, tzinfo=datetime.UTC)


def at(minutes, seconds=0):
    return START + datetime.timedelta(minutes=minutes, seconds=seconds)


def test_a_session_ends_after_fifteen_minutes_without_a_request(client, user):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(user)
        clock.move_to(at(14, 59))
        assert client.get(reverse("dashboard:home")).status_code == 200, "14:59 after the last request: still in"
        clock.move_to(at(14, 59) + datetime.timedelta(minutes=15, seconds=1))
        response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_every_request_starts_the_idle_clock_again(client, user):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(user)
        clock.move_to(at(10))
        assert client.get(reverse("dashboard:home")).status_code == 200
        clock.move_to(at(10 + 14, 59))
        assert client.get(reverse("dashboard:home")).status_code == 200, "the request at 10:00 reset the clock"
        assert timezone.now() == at(24, 59)


def test_signed_in_pages_replace_themselves_with_the_signed_out_page_when_idle(signed_in_client, client):
    response = signed_in_client.get(reverse("dashboard:home"))
    assert response["Refresh"] == f"900; url={reverse('signed_out')}"
    signed_in_client.logout()
    assert "Refresh" not in client.get(reverse("login"))


def test_the_signed_out_page_ends_the_session_instead_of_renewing_it(signed_in_client):
    response = signed_in_client.get(reverse("signed_out"))
    assert "You are signed out" in response.text
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert signed_in_client.get(reverse("dashboard:home")).status_code == 302


def test_signing_out_ends_the_session_and_clears_the_browser(signed_in_client):
    response = signed_in_client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert signed_in_client.get(reverse("dashboard:home")).status_code == 302


def test_no_page_a_member_sees_is_stored_by_the_browser(signed_in_client):
    response = signed_in_client.get(reverse("dashboard:home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.fixture
def photo(world):
    photo = Photo.objects.create(
        chapter=world.chapter,
        uploaded_by=world.coordinator.user,
        image=clean_photo(images.upload(images.encode(images.food_photo()))),
    )
    return photo


def test_every_response_to_a_member_is_kept_out_of_the_browser_cache_whatever_its_type(client, world, photo):
    """A CSV and a photo. MIMAC sends no SVG response of its own: the charts and the QR code are drawn
    inside HTML pages, and the favicon is a public static file that WhiteNoise serves before any session."""
    client.force_login(world.auditor.user)
    responses = [
        client.get(reverse("audit:home"), {"csv": "rescued"}),
        client.get(reverse("photo_file", args=[photo.pk])),
    ]
    assert [response["Content-Type"].split(";")[0] for response in responses] == ["text/csv", "image/jpeg"]
    for response in responses:
        assert "no-store" in response["Cache-Control"], response["Content-Type"]
        assert "private" in response["Cache-Control"], response["Content-Type"]
        assert "Refresh" not in response, "only an HTML page can replace itself with the signed-out page"
