"""Two-factor sign-in: admins always, a chapter's coordinators when it asks; recovery codes on paper."""

import datetime
import re

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mimac.models import TrailEvent
from tests.factories import PASSWORD


def _sign_in(username):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits) + offset:06d}"[-6:]


def _pair(client):
    page = client.get(reverse("two_factor_setup"))
    assert 'src="data:image/svg+xml' in page.text, "the QR code is drawn here, for no third party to see"
    device = TOTPDevice.objects.get(confirmed=False)
    done = client.post(reverse("two_factor_setup"), {"code": _code(device)})
    codes = re.findall(r"<li>([0-9a-z]+)</li>", done.text)
    assert len(codes) == 10
    return device, codes


def test_a_coalition_admin_pairs_an_app_then_needs_it_at_every_sign_in(world):
    first = _sign_in("admin")
    assert first.get(reverse("dashboard:home"))["Location"].startswith(reverse("two_factor_setup"))
    device, _codes = _pair(first)
    assert first.get(reverse("dashboard:home")).status_code == 200

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=40), tick=False):  # a new code
        later = _sign_in("admin")
        sent = later.get(reverse("audit:home"))
        assert sent["Location"] == f"{reverse('two_factor_verify')}?next=%2Faudit%2F"
        assert later.get("/admin/")["Location"].startswith(reverse("two_factor_verify")), "the admin site too"
        device.refresh_from_db()
        wrong = "000000" if _code(device) != "000000" else "111111"
        assert "That code is not right" in later.post(reverse("two_factor_verify"), {"code": wrong}).text
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=80), tick=False):  # past the throttle
        verified = later.post(f"{reverse('two_factor_verify')}?next=/audit/", {"code": _code(device)})
        assert verified["Location"] == "/audit/"
    assert TrailEvent.objects.filter(kind=TrailEvent.Kind.SIGN_IN_FAILED, subject="second factor").count() == 1


def test_a_recovery_code_works_once(world):
    client = _sign_in("admin")
    _device, codes = _pair(client)
    again = _sign_in("admin")
    assert again.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    once_more = _sign_in("admin")
    assert "was used already" in once_more.post(reverse("two_factor_verify"), {"code": codes[0]}).text


def test_coordinators_need_it_only_where_the_chapter_asks(world):
    assert _sign_in("coordinator").get(reverse("dashboard:home")).status_code == 200
    world.chapter.coordinators_two_factor = True
    world.chapter.save()
    assert _sign_in("coordinator").get(reverse("dashboard:home"))["Location"].startswith(reverse("two_factor_setup"))
    assert _sign_in("volunteer").get(reverse("dashboard:home")).status_code == 200, "volunteers are not asked"


def test_the_page_asked_for_at_sign_in_is_reached_through_the_second_factor(world):
    device, _codes = _pair(_sign_in("admin"))
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=40), tick=False):  # a new code
        client = Client()
        signed_in = client.post(reverse("login"), {"username": "admin", "password": PASSWORD, "next": "/audit/"})
        asked = client.get(signed_in["Location"])
        assert asked["Location"].startswith(reverse("two_factor_verify"))
        verified = client.post(asked["Location"], {"code": _code(device)})
        assert client.get(verified["Location"])["Location"] == "/audit/"
