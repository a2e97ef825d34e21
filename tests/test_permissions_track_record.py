"""Who reads a member's track record: the member themself, the chapter's coordinators and auditors, and a trusted
member while they may vouch for the newcomer (the vouch form shows it); not the other volunteers. Its drill-down
pages follow the same rule. The URL-by-role matrix is in test_permissions.py."""

import datetime

import pytest
from django.urls import reverse

from mimac.models import TrailEvent, Trust, VouchKind
from tests.factories import add_membership, make_member

SECTION = 'id="track-record"'


def _pages(membership):
    return [
        reverse("member_detail", args=[membership.pk]),
        reverse("audit:track_record_rows", args=[membership.pk, "observation", "taken"]),
    ]


def _open_for_vouching(world):
    """The newcomer has observed long enough, and the chapter asks no shifts: any trusted member may vouch."""
    newcomer = world.observing
    newcomer.joined_on -= datetime.timedelta(days=world.chapter.observation_days)
    newcomer.save()
    world.chapter.shifts_before_vouching = 0
    world.chapter.save()
    return newcomer


@pytest.mark.parametrize(
    ("who", "member_page", "rows"),
    [
        ("observing", 200, 200),  # their own
        ("coordinator", 200, 200),
        ("auditor", 200, 200),
        ("admin", 200, 200),
        ("volunteer", 200, 403),  # may see member pages, not this record while vouching is closed
        ("other_coordinator", 404, 404),
    ],
)
def test_the_track_record_is_for_the_member_coordinators_and_auditors(client, world, who, member_page, rows):
    user = world.admin if who == "admin" else getattr(world, who).user
    client.force_login(user)
    page, drill_down = (client.get(path) for path in _pages(world.observing))
    assert page.status_code == member_page
    assert (SECTION in page.text) == (rows == 200)
    assert drill_down.status_code == rows


def test_a_refused_drill_down_is_written_to_the_trail(client, world):
    client.force_login(world.volunteer.user)
    client.get(_pages(world.observing)[1])
    assert TrailEvent.objects.filter(kind=TrailEvent.Kind.REFUSED, subject__startswith="track record").exists()


def test_a_volunteer_reads_it_while_they_may_vouch_and_no_longer_once_they_have(client, world):
    newcomer = _open_for_vouching(world)
    client.force_login(world.volunteer.user)
    assert [client.get(path).status_code for path in _pages(newcomer)] == [200, 200]
    assert SECTION in client.get(reverse("member_vouch", args=[newcomer.pk])).text

    newcomer.vouch(by=world.volunteer.user, kind=VouchKind.TRUST)

    page, drill_down = (client.get(path) for path in _pages(newcomer))
    assert SECTION not in page.text
    assert drill_down.status_code == 403


def test_a_trusted_members_record_is_not_open_to_other_volunteers(client, world):
    client.force_login(make_member(world.chapter, "otto").user)
    assert client.get(_pages(world.volunteer)[1]).status_code == 403


def test_an_observing_member_sees_their_own_page_and_nobody_elses(client, world):
    client.force_login(world.observing.user)
    assert client.get(reverse("member_detail", args=[world.observing.pk])).status_code == 200
    assert client.get(reverse("member_detail", args=[world.volunteer.pk])).status_code == 403
    assert client.get(_pages(world.volunteer)[1]).status_code == 403


def test_a_member_whose_membership_ended_no_longer_finds_their_page_or_record(client, world):
    """Their account stays open through a membership in another chapter."""
    add_membership(world.other_chapter, world.observing, trust=Trust.OBSERVING)
    world.observing.deactivate(by=world.coordinator.user)
    client.force_login(world.observing.user)
    assert [client.get(path).status_code for path in _pages(world.observing)] == [404, 404]


def test_an_observing_member_finds_their_track_record_from_home(client, world):
    client.force_login(world.observing.user)
    home = client.get(reverse("dashboard:home")).text
    assert f'href="{reverse("member_detail", args=[world.observing.pk])}"' in home
    assert "Nobody can vouch for themselves" not in client.get(_pages(world.observing)[0]).text
