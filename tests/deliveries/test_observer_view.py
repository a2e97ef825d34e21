"""Less for observers to see: on a route an observing member shares with a trusted one, their route page, stop
record and printed sheet show what the road needs (code, address, access notes, window, planned items,
allergies) and not who the household is (name, diet); the trusted partner and a coordinator see those too. The
road's pages carry no non-food needs or notes for anyone."""

import pytest
from django.urls import reverse

from deliveries import services
from mimac.models import Category
from tests.factories import make_household, make_route

FIELDS = {
    "code": None,  # the household's code, filled in below
    "address": "77 Wren Lane",
    "access notes": "Ring twice, the dog is friendly",
    "window": "Afternoon",
    "planned items": "Meat and fish",
    "allergies": "peanuts",
    "name": "Zelda Quixote",
    "diet": "halal",
    "non-food needs": "Diapers",
    "notes": "Xenia next door has the key",
}
ON_THE_ROAD = {"code", "address", "access notes", "window", "planned items", "allergies"}
WHO_THEY_ARE = {"name", "diet"}  # for the trusted partner and coordinators


@pytest.fixture
def paired_route(world):
    """Today's published route: the trusted volunteer drives, the newcomer helps, and a coordinator rides along (so
    that all three open the same pages). Its second stop is recorded already, with a note."""
    household = make_household(
        world.chapter, name="Zelda Quixote", address="77 Wren Lane", access_notes="Ring twice, the dog is friendly",
        delivery_window="afternoon", dietary_needs=["halal"], allergies="peanuts", non_food_needs=["diapers"],
    )  # fmt: skip
    neighbour = make_household(world.chapter, name="Yusuf")
    route = make_route(world.chapter, world.hub, driver=world.volunteer.user, households=[household, neighbour],
                       status="published", name="Route A")  # fmt: skip
    route.helpers.set([world.observing.user, world.coordinator.user])
    first, second = route.stops.order_by("sequence")
    first.planned_items.create(category=Category.objects.get(code="meat-and-fish"), quantity=4)
    services.record_stop(stop=second, by=world.volunteer.user, outcome="not_home", lines=[], note=FIELDS["notes"])
    return route


PAGES = {
    "route page": lambda route: reverse("deliveries:my_routes"),
    "stop record": lambda route: reverse("deliveries:stop_record", args=[route.stops.get(sequence=1).pk]),
    "printed sheet": lambda route: reverse("deliveries:route_print", args=[route.pk]),
}
WHO = {"observer": "observing", "trusted partner": "volunteer", "coordinator": "coordinator"}


@pytest.mark.parametrize("who", sorted(WHO))
@pytest.mark.parametrize("page", sorted(PAGES))
def test_each_field_on_each_page_for_each_reader(client, world, paired_route, page, who):
    client.force_login(getattr(world, WHO[who]).user)
    response = client.get(PAGES[page](paired_route))
    assert response.status_code == 200
    text = response.text.lower()
    values = {**FIELDS, "code": paired_route.stops.get(sequence=1).household.code}
    wrong = []
    for field, value in values.items():
        expected = field in ON_THE_ROAD or (field in WHO_THEY_ARE and who != "observer")
        if (value.lower() in text) != expected:
            wrong.append(f"{field}: {'missing' if expected else 'shown'}")
    assert not wrong, f"{who} on the {page}: {', '.join(wrong)}"


def test_the_observer_keeps_the_allergy_warning_and_loses_the_diet_warning(client, world, paired_route):
    bakery = Category.objects.get(code="bakery")
    paired_route.stops.get(sequence=1).planned_items.create(category=bakery, quantity=2)
    client.force_login(world.observing.user)
    page = client.get(PAGES["printed sheet"](paired_route)).text
    assert "may contain nut; allergies: peanuts." in page
    assert "planned for a" not in page
