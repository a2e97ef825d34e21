"""A forgotten password: a coordinator gives a temporary one in person; it must be changed at once."""

import re

from django.test import Client
from django.urls import reverse

from mimac.models import MembershipEvent, PasswordChangeDue, Role, TrailEvent
from tests.factories import PASSWORD, make_member, signs_in


def _reset(client, membership):
    return client.post(reverse("member_password_reset", args=[membership.pk]))


def test_a_temporary_password_ends_old_sessions_and_must_be_changed_at_sign_in(client, world):
    volunteer = Client()
    volunteer.force_login(world.volunteer.user)
    client.force_login(world.coordinator.user)

    page = _reset(client, world.volunteer)
    temporary = re.search(r'id="temporary-password">([^<]+)<', page.text).group(1)
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", temporary)
    assert page["Cache-Control"].startswith("max-age=0")
    assert volunteer.get(reverse("dashboard:home")).status_code == 302, "their open session ended"
    assert not signs_in(Client(), "volunteer", PASSWORD)

    assert signs_in(volunteer, "volunteer", temporary)
    sent = volunteer.get(reverse("pickups:today"))
    assert sent["Location"] == reverse("password_change")
    weak = volunteer.post(reverse("password_change"), {"old_password": temporary, "new_password1": "password123",
                                                        "new_password2": "password123"})  # fmt: skip
    assert "This password is too common." in weak.text
    new = {
        "old_password": temporary,
        "new_password1": "quiet-river-stones-88",
        "new_password2": "quiet-river-stones-88",
    }
    assert volunteer.post(reverse("password_change"), new).status_code == 302
    assert volunteer.get(reverse("pickups:today")).status_code == 200
    assert not PasswordChangeDue.objects.exists()
    assert world.volunteer.events.filter(kind=MembershipEvent.Kind.PASSWORD_RESET).count() == 1
    assert TrailEvent.objects.filter(kind=TrailEvent.Kind.PASSWORD, actor=world.volunteer.user).exists()


def test_only_a_coordinator_resets_and_never_a_coordinators_password(client, world):
    other_coordinator = make_member(world.chapter, "cora2", Role.COORDINATOR)
    client.force_login(world.coordinator.user)
    assert _reset(client, other_coordinator).status_code == 403, "a coordinator's goes through an admin"
    assert _reset(client, world.other_coordinator).status_code == 404
    client.force_login(world.volunteer.user)
    assert _reset(client, world.auditor).status_code == 403
    assert not PasswordChangeDue.objects.exists()
    assert signs_in(Client(), "auditor")
