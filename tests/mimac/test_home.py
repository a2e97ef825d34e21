import pytest
from django.urls import reverse

from tests.pages import assert_clean_page


@pytest.mark.parametrize(
    ("role", "shows", "hides"),
    [
        ("coordinator", "No pickups or routes are planned for today.", "observing until"),
        ("volunteer", "You have no pickups or routes today.", "Chapter settings"),
        ("auditor", "The audit of supply against distribution will be here.", "Chapter settings"),
        ("observing", "You are a new member, observing until", "Members"),
    ],
)
def test_each_role_gets_its_own_home_page(client, world, role, shows, hides):
    client.force_login(getattr(world, role).user)
    response = client.get(reverse("home"))
    assert_clean_page(response)
    assert shows in response.text
    assert hides not in response.text


def test_home_shows_only_the_members_own_chapters(client, world):
    client.force_login(world.other_coordinator.user)
    response = client.get(reverse("home"))
    assert world.other_chapter.name in response.text
    assert world.chapter.name not in response.text


def test_a_coalition_admin_without_memberships_is_pointed_to_the_admin(client, world):
    client.force_login(world.admin)
    assert reverse("admin:index") in client.get(reverse("home")).text
