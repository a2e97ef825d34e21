"""The security trail: who did what and when, never with personal data, and not kept forever."""

import datetime
import io

from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mimac.models import TrailEvent
from recipients.models import Household
from tests.factories import PASSWORD, make_household

Kind = TrailEvent.Kind


def _kinds():
    return [(event.kind, event.actor_id, event.subject) for event in TrailEvent.objects.order_by("at", "pk")]


def test_sign_ins_failures_and_lockouts_are_in_the_trail_without_what_was_typed(client, world):
    login = reverse("login")
    client.post(login, {"username": "volunteer", "password": PASSWORD})
    client.post(reverse("logout"))
    for _ in range(5):
        client.post(login, {"username": "volunteer", "password": "wrong"})
    client.post(login, {"username": "typo-or-a-password", "password": "wrong"})
    volunteer = world.volunteer.user.pk
    events = _kinds()
    assert events[0] == (Kind.SIGNED_IN, volunteer, "")
    assert events.count((Kind.SIGN_IN_FAILED, volunteer, "")) >= 5
    assert (Kind.LOCKED_OUT, volunteer, "") in events
    assert (Kind.SIGN_IN_FAILED, None, "unknown account") in events
    assert not TrailEvent.objects.filter(subject__contains="typo").exists(), "what was typed is not kept"


def test_refusals_are_in_the_trail(client, world):
    client.force_login(world.volunteer.user)
    assert client.get(reverse("recipients:household_list")).status_code == 403
    assert client.get(reverse("chapter_members", args=[world.other_chapter.code])).status_code == 404
    refusals = TrailEvent.objects.filter(kind=Kind.REFUSED, actor=world.volunteer.user)
    assert {(event.chapter, event.subject) for event in refusals} == {
        (None, "manage households"),
        (world.other_chapter, "view members"),
    }


def test_household_changes_and_exports_are_in_the_trail_by_code_only(client, world):
    household = make_household(world.chapter, name="Amina Farouk", address="12 Oak St")
    client.force_login(world.coordinator.user)
    TrailEvent.objects.all().delete()  # the sign-in
    client.post(reverse("recipients:household_status", args=[household.pk]), {"status": "paused"})
    client.get(reverse("recipients:household_data", args=[household.pk]))
    client.post(reverse("recipients:household_export", args=[world.chapter.code]))
    client.post(reverse("recipients:household_erase", args=[household.pk]), {"confirm": household.code})
    client.get(reverse("audit:home"), {"csv": "reconciliation"})
    coordinator = world.coordinator.user.pk
    assert _kinds() == [
        (Kind.HOUSEHOLD, coordinator, f"{household.code} now paused"),
        (Kind.EXPORTED, coordinator, f"{household.code} data sheet"),
        (Kind.EXPORTED, coordinator, "household list"),
        (Kind.HOUSEHOLD, coordinator, f"{household.code} erased"),
        (Kind.EXPORTED, coordinator, "audit reconciliation"),
    ]
    for text in ("Amina", "Farouk", "Oak"):
        assert not TrailEvent.objects.filter(subject__icontains=text).exists()


def test_membership_changes_are_in_the_trail(client, world):
    client.force_login(world.coordinator.user)
    client.post(reverse("member_deactivate", args=[world.volunteer.pk]))
    assert (Kind.MEMBERSHIP, world.coordinator.user.pk, f"membership {world.volunteer.pk}: deactivated") in _kinds()


def test_the_trail_and_sign_in_failures_are_purged_after_their_retention(client, world):
    old = timezone.now() - datetime.timedelta(days=400)
    TrailEvent.objects.create(kind=Kind.SIGNED_IN, at=old)
    recent = TrailEvent.objects.create(kind=Kind.SIGNED_IN)
    AccessAttempt.objects.create(username="volunteer", ip_address="192.0.2.1", failures_since_start=1)
    AccessAttempt.objects.update(attempt_time=old)  # set when written
    out = io.StringIO()
    call_command("purge_households", stdout=out)
    assert "Would erase (dry run; add --apply): 2 security trail lines" in out.getvalue()
    assert TrailEvent.objects.count() == 2
    call_command("purge_households", apply=True, stdout=io.StringIO())
    assert list(TrailEvent.objects.all()) == [recent]
    assert not AccessAttempt.objects.exists()
    assert Household.objects.count() == 0
