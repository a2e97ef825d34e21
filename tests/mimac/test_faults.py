"""Faults: a write that fails halfway leaves nothing; the database going away is said plainly, and survived."""

import urllib.request
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse

from hubdesk import services
from hubdesk.models import Handout, HandoutLine
from ledger.models import LedgerHead
from mimac.models import Category

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="cutting a connection needs a database server"
)


def test_a_handout_whose_second_line_fails_leaves_nothing_written(world):
    produce = Category.objects.get(code="produce")
    lines = [(produce, Decimal(5)), (produce, Decimal(-1))]  # the second breaks a database constraint
    with pytest.raises(IntegrityError):
        services.record_handout(hub=world.hub, by=world.volunteer.user, date=world.chapter.today(), lines=lines)
    assert not Handout.objects.exists()
    assert not HandoutLine.objects.exists()
    head = LedgerHead.objects.filter(chapter=world.chapter).first()
    assert head is None or head.sequence == 0, "the chain did not move either"


def _cut_every_other_connection():
    """Terminate every other session on the test database, as a database restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def _get(url, session=None):
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (http, to the live test server)
    with urllib.request.urlopen(request) as response:  # noqa: S310
        return response.status, response.read().decode()


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_server_replaces_a_cut_connection_on_the_next_request(live_server, world):
    client = Client()
    client.force_login(world.volunteer.user)
    session = client.cookies["sessionid"].value
    assert _get(live_server.url + reverse("dashboard:home"), session)[0] == 200
    _cut_every_other_connection()
    status, page = _get(live_server.url + reverse("dashboard:home"), session)
    assert status == 200, "the server noticed its connection was gone and opened a new one"
    assert "Signed in as" in page
    assert _get(live_server.url + reverse("healthz")) == (200, "ok")


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_while_the_database_is_away_pages_say_so_and_come_back_with_it(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.volunteer.user)
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: as if the server were down
    try:
        away = client.get(reverse("dashboard:home"))
        assert away.status_code == 503
        assert "MIMAC cannot reach its database right now" in away.text
        assert away["Retry-After"] == "60"
        health = Client(raise_request_exception=False).get(reverse("healthz"))  # as the load balancer asks
        assert (health.status_code, health.text) == (503, "database unavailable")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert client.get(reverse("healthz")).text == "ok"
