import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mimac.models import MembershipEvent, Role, Trust, VouchKind
from tests.factories import make_member


def _observed_long_enough(membership):
    """Past the observation period, in a chapter that asks no shifts with a trusted member (test_vouch_form.py)."""
    membership.joined_on = timezone.localdate() - datetime.timedelta(days=membership.chapter.observation_days)
    membership.save()
    membership.chapter.shifts_before_vouching = 0
    membership.chapter.save()
    return membership


def test_two_trusted_members_vouching_make_a_newcomer_trusted(world):
    newcomer = _observed_long_enough(world.observing)

    newcomer.vouch(by=world.volunteer.user, kind=VouchKind.TRUST)
    assert newcomer.trust == Trust.OBSERVING, "one vouch is not enough"

    newcomer.vouch(by=world.auditor.user, kind=VouchKind.TRUST)
    assert newcomer.trust == Trust.TRUSTED
    assert newcomer.trusted_since == timezone.localdate()
    kinds = list(newcomer.events.values_list("kind", flat=True))
    assert kinds.count(MembershipEvent.Kind.VOUCHED) == 2
    assert MembershipEvent.Kind.TRUSTED in kinds


def test_nobody_vouches_before_the_observation_period_ends(world):
    newcomer = world.observing  # joined three days ago, the chapter observes for 90
    with pytest.raises(ValidationError, match="observation period runs until"):
        newcomer.vouch(by=world.volunteer.user, kind=VouchKind.TRUST)
    assert not newcomer.vouches.exists()


@pytest.mark.parametrize(
    ("voucher", "reason"),
    [
        ("observing", "themselves"),
        ("other_coordinator", "Only trusted members of this chapter"),
    ],
)
def test_only_trusted_members_of_the_chapter_vouch_and_never_for_themselves(world, voucher, reason):
    newcomer = _observed_long_enough(world.observing)
    with pytest.raises(ValidationError, match=reason):
        newcomer.vouch(by=getattr(world, voucher).user, kind=VouchKind.TRUST)


def test_another_observing_member_cannot_vouch(world):
    newcomer = _observed_long_enough(world.observing)
    other_newcomer = make_member(world.chapter, "other-newcomer", trust=Trust.OBSERVING)
    with pytest.raises(ValidationError, match="Only trusted members"):
        newcomer.vouch(by=other_newcomer.user, kind=VouchKind.TRUST)


def test_the_same_member_vouching_twice_counts_once(world):
    newcomer = _observed_long_enough(world.observing)
    newcomer.vouch(by=world.volunteer.user, kind=VouchKind.TRUST)
    with pytest.raises(ValidationError, match="already vouched"):
        newcomer.vouch(by=world.volunteer.user, kind=VouchKind.TRUST)
    assert newcomer.trust == Trust.OBSERVING


def test_two_trusted_coordinators_make_a_coordinator(world):
    second_coordinator = make_member(world.chapter, "coordinator-b", Role.COORDINATOR)
    volunteer = world.volunteer

    volunteer.vouch(by=world.coordinator.user, kind=VouchKind.COORDINATOR)
    assert volunteer.role == Role.VOLUNTEER
    volunteer.vouch(by=second_coordinator.user, kind=VouchKind.COORDINATOR)
    assert volunteer.role == Role.COORDINATOR
    assert volunteer.role_since == timezone.localdate()


def test_a_trusted_volunteer_or_auditor_cannot_vouch_for_a_coordinator(world):
    with pytest.raises(ValidationError, match="Only trusted coordinators"):
        world.auditor.vouch(by=world.volunteer.user, kind=VouchKind.COORDINATOR)


def test_an_observing_member_cannot_become_a_coordinator(world):
    second_coordinator = make_member(world.chapter, "coordinator-b", Role.COORDINATOR)
    newcomer = world.observing
    with pytest.raises(ValidationError, match="Only trusted members can become coordinators"):
        newcomer.vouch(by=second_coordinator.user, kind=VouchKind.COORDINATOR)


def test_the_database_refuses_an_untrusted_coordinator(world):
    from django.db import IntegrityError

    world.observing.role = Role.COORDINATOR
    with pytest.raises(IntegrityError):
        world.observing.save()


def test_vouching_through_the_page_records_it_and_says_so(client, world):
    newcomer = _observed_long_enough(world.observing)
    client.force_login(world.volunteer.user)

    response = client.post(reverse("member_vouch", args=[newcomer.pk]), {"read_track_record": "on"}, follow=True)

    assert "Your vouch for Newcomer is recorded." in response.text
    assert newcomer.vouches.get().voucher == world.volunteer.user


def test_a_refused_vouch_through_the_page_says_why(client, world):
    client.force_login(world.volunteer.user)
    response = client.post(reverse("member_vouch", args=[world.observing.pk]), follow=True)
    assert "vouching opens then" in response.text
    assert not world.observing.vouches.exists()
