"""The planning rules know categories by code: rewording a category's name changes what people read, not what
is planned for whom nor which clashes are warned of."""

from decimal import Decimal
from itertools import chain

import pytest
from django.urls import reverse

from deliveries import services
from deliveries.models import PlannedItem
from deliveries.planning import ALLERGY_CONFLICTS, DIET_CONFLICTS, FOR_NEED, PER_PERSON
from mimac.models import Category
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page, texts_of


@pytest.fixture
def volunteer(client, world):
    client.force_login(world.volunteer.user)
    return client


def test_every_code_the_planning_rules_name_is_a_seeded_category(db):
    named = {
        *PER_PERSON,
        *(code for code, _quantity in FOR_NEED.values()),
        *chain(*DIET_CONFLICTS.values(), *ALLERGY_CONFLICTS.values()),
    }
    assert named - set(Category.objects.values_list("code", flat=True)) == set()


def test_renamed_categories_are_still_planned_from_size_and_needs(world):
    Category.objects.filter(code="produce").update(name="Fruits et légumes")
    Category.objects.filter(code="diapers").update(name="Couches")
    route = make_route(world.chapter, world.hub)
    household = make_household(world.chapter, size=4, non_food_needs=["diapers"])

    services.add_stops(route=route, households=[household], version=route.version)

    items = {item.category.name: item.quantity for item in PlannedItem.objects.filter(stop__route=route)}
    assert items["Fruits et légumes"] == Decimal(12)
    assert items["Couches"] == Decimal(25)


def test_a_renamed_category_still_warns_a_halal_household_beside_the_item(volunteer, clashing_route):
    Category.objects.filter(code="meat-and-fish").update(name="Meat, fish and poultry")
    Category.objects.filter(code="bakery").update(name="Bread and cakes")

    page = volunteer.get(reverse("deliveries:my_routes"))

    assert_clean_page(page)
    assert texts_of(page.text, "planned-item") == [
        "Bread and cakes 2 lb ⚠ Bread and cakes may contain nut; allergies: peanuts.",
        "Meat, fish and poultry 4 lb ⚠ Meat, fish and poultry planned for a halal household.",
        "Produce 9 lb",
    ]
    stop = volunteer.get(reverse("deliveries:stop_record", args=[clashing_route.stops.get().pk]))
    assert "Meat, fish and poultry planned for a halal household." in stop.text
