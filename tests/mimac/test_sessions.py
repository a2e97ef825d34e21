"""Sessions and headers: a new session at sign-in, changes of standing felt on the next request."""

from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from mimac.models import Role
from tests.factories import PASSWORD


def test_signing_in_starts_a_new_session(client, world):
    planted = SessionStore()  # a session someone fixed in the browser before the volunteer signs in
    planted["seen"] = True
    planted.save()
    client.cookies["sessionid"] = planted.session_key
    client.post(reverse("login"), {"username": "volunteer", "password": PASSWORD})
    assert client.cookies["sessionid"].value != planted.session_key
    assert not SessionStore().exists(planted.session_key), "the old one is gone"


def test_a_role_taken_away_is_felt_on_the_next_request(world):
    client = Client()
    client.force_login(world.coordinator.user)
    households = reverse("recipients:household_list")
    assert client.get(households).status_code == 200
    world.coordinator.role = Role.VOLUNTEER
    world.coordinator.save(update_fields=["role"])
    assert client.get(households).status_code == 403, "the same session, the new role"


def test_every_page_forbids_framing_and_leaking_its_address(client, world):
    client.force_login(world.volunteer.user)
    for url in (reverse("dashboard:home"), reverse("login"), reverse("healthz")):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
