"""Sign-in throttling: an account is paused after repeated failures from one address, and only there."""

import datetime

import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD

LAPTOP, HOME = "192.0.2.10", "198.51.100.7"


def _sign_in(client, username, password=PASSWORD, address=LAPTOP):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username, times=5, address=LAPTOP):
    for _ in range(times):
        response = _sign_in(client, username, "wrong-password", address)
        if response.status_code == 429:
            return response
        assert "Please enter a correct username and password" in response.text
    return response


def test_five_failures_pause_that_account_on_that_computer_only(client, world):
    _fail(client, "volunteer")
    locked = _sign_in(client, "volunteer")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.text
    assert "paused for 15 minutes" in locked.text

    assert _sign_in(client, "coordinator").status_code == 302, "the others at the hub's laptop still sign in"
    client.logout()
    assert _sign_in(client, "volunteer", address=HOME).status_code == 302, "elsewhere the volunteer still can"


def test_the_pause_ends_after_the_cool_off(client, world):
    _fail(client, "volunteer")
    assert _sign_in(client, "volunteer").status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert _sign_in(client, "volunteer").status_code == 302


def test_a_locked_account_and_an_unknown_one_get_the_same_answer(client, world):
    _fail(client, "volunteer")
    _fail(client, "nobody-by-this-name")
    known = _sign_in(client, "volunteer")
    unknown = _sign_in(client, "nobody-by-this-name")
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert known.text.replace("volunteer", "") == unknown.text.replace("nobody-by-this-name", "")
    assert "volunteer" not in known.text


def test_a_success_clears_earlier_failures(client, world):
    _fail(client, "volunteer", times=4)
    assert _sign_in(client, "volunteer").status_code == 302
    client.logout()
    _fail(client, "volunteer", times=4)
    assert _sign_in(client, "volunteer").status_code == 302, "four new failures are not five"


def test_guessing_a_countersigners_password_counts_as_failing_to_sign_in(client, world):
    from deliveries.models import RouteLoad
    from mimac.models import Category
    from tests.factories import make_household, make_route

    route = make_route(world.chapter, world.hub, driver=world.volunteer.user,
                       households=[make_household(world.chapter)], status="published")  # fmt: skip
    produce = Category.objects.get(name="Produce")
    client.force_login(world.volunteer.user)
    url = reverse("deliveries:route_load", args=[route.pk])
    guess = {"direction": "out", f"category_{produce.pk}": "5", "countersign_username": "coordinator"}
    for _ in range(5):
        client.post(url, {**guess, "countersign_password": "guess"}, REMOTE_ADDR=LAPTOP)
    assert not RouteLoad.objects.exists()
    client.logout()
    assert _sign_in(client, "coordinator").status_code == 429
