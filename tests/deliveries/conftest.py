import pytest

from mimac.models import Category
from tests.factories import make_household, make_route


@pytest.fixture
def clashing_route(world):
    """Today's published route of the volunteer, to a halal household with a peanut allergy: produce planned
    (fine), meat (against the diet) and bread (may hold nuts)."""
    household = make_household(world.chapter, dietary_needs=["halal"], allergies="peanuts")
    driver = world.volunteer.user
    route = make_route(world.chapter, world.hub, driver=driver, households=[household], status="published")
    stop = route.stops.get()
    stop.planned_items.create(category=Category.objects.get(code="meat-and-fish"), quantity=4)
    stop.planned_items.create(category=Category.objects.get(code="bakery"), quantity=2)
    return route
