"""Actions on a *person*, not a membership: an account is the same in every chapter it belongs to, so a
coordinator may hand out a password or a link only for accounts wholly within the chapters they coordinate,
and never for a coordinator's, a staff member's or an admin's (issue 19, item 1)."""

import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from mimac.models import PasswordChangeDue, Role, TrailEvent, Trust
from tests.factories import add_membership, make_member, signs_in


def _temporary(response) -> str:
    return re.search(r'id="temporary-password">([^<]+)<', response.text).group(1)


def test_a_temporary_password_cannot_take_over_a_coordinator_of_another_chapter(client, world):
    """The reported takeover: a Riverside volunteer who coordinates Northgate."""
    add_membership(world.other_chapter, world.volunteer, Role.COORDINATOR)
    client.force_login(world.coordinator.user)

    page = client.get(reverse("member_detail", args=[world.volunteer.pk]))
    assert "Forgotten password" not in page.text
    forged = client.post(reverse("member_password_reset", args=[world.volunteer.pk]))

    assert forged.status_code == 403
    assert not PasswordChangeDue.objects.exists()
    assert signs_in(Client(), "volunteer"), "their password is unchanged"
    refusal = TrailEvent.objects.get(kind=TrailEvent.Kind.REFUSED, actor=world.coordinator.user)
    assert refusal.subject == f"password reset for account #{world.volunteer.user_id}"


def test_a_set_password_link_cannot_take_over_an_invitee_who_coordinates_elsewhere(client, world):
    invitee = get_user_model().objects.create_user("invitee")
    here = world.chapter.memberships.create(user=invitee, role=Role.VOLUNTEER)
    world.other_chapter.memberships.create(user=invitee, role=Role.COORDINATOR, trust=Trust.TRUSTED,
                                           trusted_since=here.joined_on)  # fmt: skip
    client.force_login(world.coordinator.user)

    assert "New set-password link" not in client.get(reverse("member_detail", args=[here.pk])).text
    forged = client.post(reverse("member_password_link", args=[here.pk]))

    assert forged.status_code == 403
    assert 'id="password-link"' not in forged.text
    assert TrailEvent.objects.filter(kind=TrailEvent.Kind.REFUSED, subject__startswith="password link").exists()


def test_a_coordinator_of_both_chapters_resets_a_volunteer_of_both(client, world):
    add_membership(world.other_chapter, world.coordinator, Role.COORDINATOR)
    add_membership(world.other_chapter, world.volunteer)
    client.force_login(world.coordinator.user)

    assert "Forgotten password" in client.get(reverse("member_detail", args=[world.volunteer.pk])).text
    page = client.post(reverse("member_password_reset", args=[world.volunteer.pk]))

    assert page.status_code == 200
    assert signs_in(Client(), "volunteer", _temporary(page))


def test_a_deactivation_refused_hides_its_button_and_a_forged_one_changes_nothing(client, world):
    staff = make_member(world.chapter, "staffer", is_staff=True)
    client.force_login(world.coordinator.user)

    assert "Deactivate" not in client.get(reverse("member_detail", args=[staff.pk])).text
    assert client.post(reverse("member_deactivate", args=[staff.pk])).status_code == 403

    staff.refresh_from_db()
    assert staff.active
    assert staff.user.is_active
    assert TrailEvent.objects.filter(kind=TrailEvent.Kind.REFUSED, subject__startswith="deactivation").exists()


def test_trust_in_one_chapter_does_not_let_a_member_vouch_in_another(client, world):
    """The voucher is trusted in Northgate but only observing in Riverside."""
    voucher = make_member(world.other_chapter, "vera")
    add_membership(world.chapter, voucher, trust=Trust.OBSERVING)
    newcomer = make_member(world.chapter, "nell", trust=Trust.OBSERVING, joined_days_ago=400)
    client.force_login(voucher.user)

    assert client.post(reverse("member_vouch", args=[newcomer.pk])).status_code == 403
    assert not newcomer.vouches.exists()
