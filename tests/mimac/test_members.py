import re

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from mimac.models import Membership, MembershipEvent, Trust
from tests.factories import make_member, signs_in
from tests.pages import assert_clean_page


def _invite(client, world, **overrides):
    client.force_login(world.coordinator.user)
    data = {"username": "sam", "first_name": "Sam", "role": "volunteer", **overrides}
    return client.post(reverse("member_invite", args=[world.chapter.code]), data)


def _link_in(response):
    return re.search(r'id="password-link">(http://testserver(/[^<]+))</p>', response.text)[2]


def test_a_coordinator_invites_a_person_who_starts_observing(client, world):
    response = _invite(client, world)

    membership = Membership.objects.get(user__username="sam")
    assert membership.chapter == world.chapter
    assert membership.trust == Trust.OBSERVING
    assert not membership.user.has_usable_password()
    assert "no-store" in response["Cache-Control"]
    event = membership.events.get(kind=MembershipEvent.Kind.INVITED)
    assert event.actor == world.coordinator.user


def test_the_set_password_link_works_once(client, world):
    link = _link_in(_invite(client, world))
    client.logout()

    form_page = client.get(link, follow=True)
    assert "Your username is <strong>sam</strong>" in form_page.text
    set_url = form_page.redirect_chain[-1][0]
    new_password = {"new_password1": "crisp-autumn-apples-42", "new_password2": "crisp-autumn-apples-42"}
    assert client.post(set_url, new_password).status_code == 302
    assert signs_in(client, "sam", "crisp-autumn-apples-42")
    client.logout()

    again = client.get(link, follow=True)
    assert "This link has been used already or has expired" in again.text


def test_a_taken_username_is_refused_and_nothing_is_made(client, world):
    response = _invite(client, world, username="Volunteer")
    assert "That username is taken" in response.text
    assert get_user_model().objects.filter(username__iexact="volunteer").count() == 1


def test_an_invitation_cannot_make_a_coordinator(client, world):
    response = _invite(client, world, role="coordinator")
    assert "Select a valid choice" in response.text
    assert not get_user_model().objects.filter(username="sam").exists()


def test_a_new_link_cannot_take_over_an_account_that_has_a_password(client, world):
    client.force_login(world.coordinator.user)
    response = client.post(reverse("member_password_link", args=[world.volunteer.pk]))
    assert response.status_code == 403


def test_a_deactivated_members_open_session_is_refused_on_its_next_request(client, world):
    volunteer = world.volunteer
    client.force_login(volunteer.user)
    assert client.get(reverse("dashboard:home")).status_code == 200

    volunteer.deactivate(by=world.coordinator.user)

    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not signs_in(client, "volunteer")


def test_a_member_of_two_chapters_deactivated_in_one_keeps_only_the_other(client, world):
    volunteer = world.volunteer
    volunteer.user.memberships.create(chapter=world.other_chapter, role="volunteer")
    client.force_login(volunteer.user)

    volunteer.deactivate(by=world.coordinator.user)

    assert client.get(reverse("hub_list", args=[world.chapter.code])).status_code == 404
    assert client.get(reverse("hub_list", args=[world.other_chapter.code])).status_code == 200


def test_deactivation_through_the_page_is_logged_with_who(client, world):
    client.force_login(world.coordinator.user)
    client.post(reverse("member_deactivate", args=[world.volunteer.pk]))

    world.volunteer.refresh_from_db()
    assert not world.volunteer.active
    event = world.volunteer.events.get(kind=MembershipEvent.Kind.DEACTIVATED)
    assert event.actor == world.coordinator.user
    history = client.get(reverse("member_history", args=[world.chapter.code]))
    assert "Deactivated" in history.text


def test_the_member_list_shows_role_trust_and_since_dates(client, world):
    client.force_login(world.auditor.user)
    response = client.get(reverse("chapter_members", args=[world.chapter.code]))
    assert_clean_page(response)
    newcomer = world.observing
    assert newcomer.joined_on.isoformat() in response.text
    assert world.volunteer.trusted_since.isoformat() in response.text
    assert "coordinator2" not in response.text, "members of other chapters stay hidden"


def test_the_member_list_runs_the_same_queries_for_few_and_many_members(client, world, django_assert_num_queries):
    client.force_login(world.coordinator.user)
    url = reverse("chapter_members", args=[world.chapter.code])
    # session, user, chapter, membership, member list, session save (in a savepoint)
    with django_assert_num_queries(8) as few:
        client.get(url)
    for number in range(20):
        make_member(world.chapter, f"extra{number}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_chapter_pages_are_clean(client, world):
    client.force_login(world.coordinator.user)
    for url in [
        reverse("member_detail", args=[world.observing.pk]),
        reverse("member_invite", args=[world.chapter.code]),
        reverse("member_history", args=[world.chapter.code]),
        reverse("chapter_settings", args=[world.chapter.code]),
        reverse("hub_list", args=[world.chapter.code]),
        reverse("hub_create", args=[world.chapter.code]),
        reverse("hub_edit", args=[world.hub.pk]),
    ]:
        assert_clean_page(client.get(url))


def test_a_password_longer_than_anyone_types_is_refused_when_set_or_changed(client, world):
    link = _link_in(_invite(client, world))
    client.logout()
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    huge = "x" * 5000

    refused = client.post(set_url, {"new_password1": huge, "new_password2": huge})
    assert "A password has at most 4096 characters (this has 5000)." in refused.text
    assert not get_user_model().objects.get(username="sam").has_usable_password()

    client.force_login(world.volunteer.user)
    change = {"old_password": "a-long-test-password", "new_password1": huge, "new_password2": huge}
    assert "at most 4096 characters" in client.post(reverse("password_change"), change).text
    assert signs_in(Client(), "volunteer")
