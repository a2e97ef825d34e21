from decimal import Decimal

from axes.models import AccessAttempt
from django.urls import reverse

from deliveries import services
from deliveries.models import RouteLoad, Stop
from mimac.countersign import OWN_COUNTERSIGN
from mimac.models import Category
from tests.factories import PASSWORD, make_household, make_route
from tests.pages import assert_clean_page, without_bdi

COUNTERSIGN_REFUSED = (
    "A second trusted member of the chapter countersigns what leaves the hub: check their username and password."
)


def _route(world, count=2):
    households = [make_household(world.chapter, name=f"H{number}") for number in range(count)]
    return make_route(world.chapter, world.hub, driver=world.volunteer.user, households=households, status="published")


def test_a_load_out_is_countersigned_by_a_second_trusted_member(client, world):
    route = _route(world)
    produce = Category.objects.get(code="produce")
    client.force_login(world.volunteer.user)
    url = reverse("deliveries:route_load", args=[route.pk])
    data = {"direction": "out", f"category_{produce.pk}": "20"}

    wrong = client.post(url, {**data, "countersign_username": "coordinator", "countersign_password": "nope"})
    assert COUNTERSIGN_REFUSED in wrong.text
    assert not RouteLoad.objects.exists()

    client.post(url, {**data, "countersign_username": "coordinator", "countersign_password": PASSWORD})
    load = RouteLoad.objects.get()
    assert (load.recorded_by, load.countersigned_by, load.quantity) == (
        world.volunteer.user, world.coordinator.user, Decimal(20),
    )  # fmt: skip


def test_delivered_beyond_loaded_minus_returned_warns_and_names_the_stop(client, world):
    route = _route(world)
    produce = Category.objects.get(code="produce")
    by = world.coordinator.user
    RouteLoad.objects.create(
        route=route, direction="out", category=produce, quantity=20, countersigned_by=by, recorded_by=by
    )
    RouteLoad.objects.create(route=route, direction="back", category=produce, quantity=5, recorded_by=by)
    first, second = route.stops.order_by("sequence")
    services.record_stop(stop=first, by=by, outcome=Stop.Outcome.DELIVERED, lines=[(produce, Decimal(10))])
    services.record_stop(stop=second, by=by, outcome=Stop.Outcome.DELIVERED, lines=[(produce, Decimal(8))])

    client.force_login(by)
    page = client.get(reverse("deliveries:route_load", args=[route.pk]))
    assert_clean_page(page)
    warning = (
        "Produce: 18 lb recorded as delivered, but 20 lb left the hub and 5 lb came back. "
        f"It went over at stop {second.household.code}."
    )
    assert warning in without_bdi(page.text)


def test_returns_need_no_countersign(client, world):
    route = _route(world)
    produce = Category.objects.get(code="produce")
    client.force_login(world.volunteer.user)
    client.post(reverse("deliveries:route_load", args=[route.pk]), {"direction": "back", f"category_{produce.pk}": "3"})
    assert RouteLoad.objects.get().direction == "back"


def test_a_countersigning_username_longer_than_any_account_can_have_is_a_form_error(client, world):
    route = _route(world)
    produce = Category.objects.get(code="produce")
    client.force_login(world.volunteer.user)
    url = reverse("deliveries:route_load", args=[route.pk])
    data = {"direction": "out", f"category_{produce.pk}": "20", "countersign_password": PASSWORD}
    response = client.post(url, {**data, "countersign_username": "c" * 300})
    assert response.status_code == 200
    assert response.context["form"].errors["countersign_username"] == [
        "A username has at most 150 characters (this has 300)."
    ]
    assert not RouteLoad.objects.exists()
    assert not AccessAttempt.objects.exists(), "the sign-in throttle never sees it"


def test_the_countersign_answers_a_wrong_password_as_it_answers_someone_who_may_not_countersign(client, world):
    route = _route(world)
    produce = Category.objects.get(code="produce")
    client.force_login(world.volunteer.user)
    url = reverse("deliveries:route_load", args=[route.pk])
    data = {"direction": "out", f"category_{produce.pk}": "20"}

    def refusal(username, password):
        response = client.post(url, {**data, "countersign_username": username, "countersign_password": password})
        return response.context["form"].errors

    wrong = refusal("newcomer", "wrong-password")
    assert refusal("newcomer", PASSWORD) == wrong, "an observing member's right password tells nothing"
    assert refusal("coordinator2", PASSWORD) == wrong, "nor another chapter's coordinator's"
    assert wrong == {"__all__": [COUNTERSIGN_REFUSED]}


def test_the_recorder_is_told_plainly_they_cannot_countersign_their_own_load_out(client, world):
    """Named before any password is checked, so the answer is the same with their right password or a wrong one."""
    route = _route(world)
    produce = Category.objects.get(code="produce")
    client.force_login(world.volunteer.user)
    url = reverse("deliveries:route_load", args=[route.pk])
    data = {"direction": "out", f"category_{produce.pk}": "20", "countersign_username": "Volunteer"}
    for password in (PASSWORD, "wrong-password"):
        response = client.post(url, {**data, "countersign_password": password})
        assert response.context["form"].errors == {"__all__": [OWN_COUNTERSIGN]}
    assert not RouteLoad.objects.exists()
    assert not AccessAttempt.objects.exists(), "no password was tried"
    assert not RouteLoad.objects.exists()
