"""Who may act on a person (checked against all of that person's memberships) and who may open a route's pages
in each of its states. The URL-by-role matrix is in test_permissions.py."""

import datetime

import pytest
from django.urls import reverse

from mimac.models import Role
from tests.factories import add_membership, make_chapter, make_household, make_member, make_route

# Actions on a person are checked against all of their memberships: Riverside's coordinator acting on a person
# in Riverside who is also something elsewhere, or something more. Answers in the order of ACTIONS; a person
# only in Northgate is covered by the matrix in test_permissions.py (404).
ACTIONS = ["member_password_reset", "member_password_link", "member_deactivate", "member_vouch_coordinator"]


def _person(world, case):
    """The Riverside membership of a person of the given kind, with or without a password."""
    chapters = {"third": make_chapter("Eastside Pantry", "EAS")}
    person = make_member(world.chapter, "pat")
    if case == "also volunteer where the coordinator coordinates too":
        add_membership(chapters["third"], world.coordinator, Role.COORDINATOR)
        add_membership(chapters["third"], person)
    elif case == "also volunteer elsewhere":
        add_membership(world.other_chapter, person)
    elif case == "also auditor elsewhere":
        add_membership(world.other_chapter, person, Role.AUDITOR)
    elif case == "coordinator elsewhere":
        add_membership(world.other_chapter, person, Role.COORDINATOR)
    elif case == "ended coordinator elsewhere":
        ended = add_membership(world.other_chapter, person, Role.COORDINATOR)
        ended.deactivate(by=world.other_coordinator.user)
    elif case == "coordinator here":
        person.role = Role.COORDINATOR
        person.save()
    elif case in {"staff", "admin"}:
        person.user.is_staff, person.user.is_superuser = True, case == "admin"
        person.user.save()
    return person


#                                                       reset link deact vouch-coord
MEMBER_MATRIX = {
    "only here": "200 200 302 302",
    "also volunteer where the coordinator coordinates too": "200 200 302 302",
    "also volunteer elsewhere": "403 403 302 302",
    "also auditor elsewhere": "403 403 302 302",
    "coordinator elsewhere": "403 403 302 302",
    "ended coordinator elsewhere": "200 200 302 302",
    "coordinator here": "403 403 403 302",
    "staff": "403 403 403 302",
    "admin": "403 403 403 302",
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("case", sorted(MEMBER_MATRIX))
def test_member_level_matrix(client, world, case, action):
    person = _person(world, case)
    if action == "member_password_link":
        person.user.set_unusable_password()
        person.user.save()
    expected = dict(zip(ACTIONS, MEMBER_MATRIX[case].split(), strict=True))[action]
    client.force_login(world.coordinator.user)
    assert client.post(reverse(action, args=[person.pk])).status_code == int(expected)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_coalition_admin_may_act_on_any_person(client, world, action):
    person = _person(world, "coordinator elsewhere")
    if action == "member_password_link":
        person.user.set_unusable_password()
        person.user.save()
    client.force_login(world.admin)
    expected = dict(zip(ACTIONS, MEMBER_MATRIX["only here"].split(), strict=True))[action]
    assert client.post(reverse(action, args=[person.pk])).status_code == int(expected)


# Routes by status and date: a driver or helper sees a route's sheet, stops and load-out only while it is
# published and dated today or tomorrow in the chapter's zone; coordinators see every route of their chapter.
PAGES = {
    "sheet": lambda route: reverse("deliveries:route_print", args=[route.pk]),
    "stop": lambda route: reverse("deliveries:stop_record", args=[route.stops.get().pk]),
    "load-out": lambda route: reverse("deliveries:route_load", args=[route.pk]),
}
# The answer to a volunteer the route is closed to: the sheet says it exists (403), the others do not (404).
CLOSED = {"sheet": 403, "stop": 404, "load-out": 404}
#                        status       days from today   open to its volunteers
ROUTE_STATES = {
    "draft today": ("draft", 0, False),
    "published yesterday": ("published", -1, False),
    "published today": ("published", 0, True),
    "published tomorrow": ("published", 1, True),
    "published in two days": ("published", 2, False),
    "published next week": ("published", 7, False),
    "done today": ("done", 0, False),
    "done last week": ("done", -7, False),
}


def _route_in_state(world, state):
    status, days, _open = ROUTE_STATES[state]
    date = world.chapter.today() + datetime.timedelta(days=days)
    route = make_route(world.chapter, world.hub, date=date, driver=world.volunteer.user, status=status,
                       households=[make_household(world.chapter)])  # fmt: skip
    route.helpers.add(make_member(world.chapter, "helen").user)
    return route


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("state", sorted(ROUTE_STATES))
@pytest.mark.parametrize("who", ["driver", "helper", "another volunteer", "coordinator"])
def test_route_pages_by_status_and_date(client, world, who, state, page):
    route = _route_in_state(world, state)
    user = {
        "driver": world.volunteer.user,
        "helper": route.helpers.get(),
        "another volunteer": make_member(world.chapter, "otto").user,
        "coordinator": world.coordinator.user,
    }[who]
    on_route_and_open = who in {"driver", "helper"} and ROUTE_STATES[state][2]
    expected = 200 if who == "coordinator" or on_route_and_open else CLOSED[page]
    client.force_login(user)
    assert client.get(PAGES[page](route)).status_code == expected
