"""Sign-in throttling: an account is paused after repeated failures from one address, and only there
(behind the proxy, the client's address)."""

import datetime
import re

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from mimac.proxy import client_address
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
    # Each page has its own nonce for its inline style and CSRF token (the language switcher); nothing else differs.
    same = [re.sub(r'(nonce|value)="[A-Za-z0-9+/=_-]{20,}"', "", page.text) for page in (known, unknown)]
    assert same[0].replace("volunteer", "") == same[1].replace("nobody-by-this-name", "")
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
    produce = Category.objects.get(code="produce")
    client.force_login(world.volunteer.user)
    url = reverse("deliveries:route_load", args=[route.pk])
    guess = {"direction": "out", f"category_{produce.pk}": "5", "countersign_username": "coordinator"}
    for _ in range(5):
        client.post(url, {**guess, "countersign_password": "guess"}, REMOTE_ADDR=LAPTOP)
    assert not RouteLoad.objects.exists()
    client.logout()
    assert _sign_in(client, "coordinator").status_code == 429


PROXY = "10.0.0.2"  # the proxy's own address: what the app sees as REMOTE_ADDR behind it


def _via_proxy(client, username, forwarded_for, password=PASSWORD):
    data = {"username": username, "password": password}
    return client.post(reverse("login"), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_the_proxy_failures_pause_only_the_address_they_came_from(client, world, settings):
    settings.BEHIND_PROXY = True
    for _ in range(6):
        assert _via_proxy(client, "volunteer", "203.0.113.7", "wrong-password").status_code in {200, 429}
    assert _via_proxy(client, "volunteer", "203.0.113.7").status_code == 429
    assert _via_proxy(client, "volunteer", "198.51.100.23").status_code == 302, "the hub is not locked out"


def test_behind_the_proxy_an_address_a_client_puts_in_front_is_not_believed(client, world, settings):
    settings.BEHIND_PROXY = True
    for _ in range(5):
        _via_proxy(client, "volunteer", "198.51.100.23, 203.0.113.7", "wrong-password")
    assert _via_proxy(client, "volunteer", "203.0.113.7").status_code == 429, "keyed on what the proxy saw"
    assert _via_proxy(client, "volunteer", "198.51.100.23").status_code == 302


def test_behind_two_proxies_the_client_is_the_second_address_from_the_right(client, world, settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, 2
    for _ in range(5):
        _via_proxy(client, "volunteer", "192.0.2.99, 203.0.113.7, 10.0.0.1", "wrong-password")
    assert _via_proxy(client, "volunteer", "203.0.113.7, 10.0.0.1").status_code == 429
    assert _via_proxy(client, "volunteer", "198.51.100.23, 10.0.0.1").status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(client, world):
    wrong = {"username": "volunteer", "password": "wrong-password"}
    for number in range(5):
        client.post(reverse("login"), wrong, REMOTE_ADDR=LAPTOP, HTTP_X_FORWARDED_FOR=f"203.0.113.{number}")
    assert _sign_in(client, "volunteer").status_code == 429, "a client cannot dodge the pause by naming addresses"


@pytest.mark.parametrize(
    ("forwarded_for", "address"),
    [
        (None, PROXY),  # not through the proxy: a health check from the machine itself
        ("", PROXY),
        (" , ", PROXY),
        ("unknown", PROXY),
        ("203.0.113.7:51234", PROXY),
        ("2001:DB8:0:0::7", "2001:db8::7"),
    ],
)
def test_behind_the_proxy_only_a_well_formed_address_is_taken_else_the_proxys(settings, forwarded_for, address):
    settings.BEHIND_PROXY = True
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    assert client_address(RequestFactory().post("/", REMOTE_ADDR=PROXY, **headers)) == address


def test_behind_more_proxies_than_addresses_the_leftmost_is_taken(settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, 3
    request = RequestFactory().post("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1")
    assert client_address(request) == "203.0.113.7"


def test_guessing_the_old_password_on_an_open_session_counts_as_failing_to_sign_in(client, world):
    user = world.volunteer.user
    client.force_login(user)
    url = reverse("password_change")

    def change(old_password):
        new = {"new_password1": "a-new-long-passphrase-7", "new_password2": "a-new-long-passphrase-7"}
        return client.post(url, {"old_password": old_password, **new}, REMOTE_ADDR=LAPTOP)

    for _ in range(4):
        assert "Your old password was entered incorrectly" in change("wrong-password").text
    assert change("wrong-password").status_code == 429, "the fifth wrong guess pauses the account, as at sign-in"
    locked = change(PASSWORD)
    assert locked.status_code == 429, "the right password no longer helps once the guesses ran out"
    assert "Too many failed sign-ins" in locked.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD), "the password stays as it was"
    client.logout()
    assert _sign_in(client, "volunteer").status_code == 429, "signing in on that computer is paused too"
