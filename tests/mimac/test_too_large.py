"""The page nginx shows for a body over its limit (deploy/nginx-mimac.conf, error_page 413): the app's own, in the
reader's language, saying the limit; nginx asks for it with GET, signed in or not."""

from django.conf import settings
from django.test import override_settings
from django.urls import reverse


@override_settings(PHOTO_MAX_BYTES=3_000_000)
def test_the_page_says_nothing_was_saved_and_names_the_photo_limit(client, db):
    response = client.get(reverse("too_large"))
    assert response.status_code == 413
    assert "Nothing was saved: a photo may be 3 MB at most." in response.text
    assert "no-cache" in response["Cache-Control"]


def test_the_page_is_in_the_readers_language(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get(reverse("too_large"))
    assert response.status_code == 413
    assert '<html lang="es"' in response.text
