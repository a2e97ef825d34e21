"""A pickup's page and its record form, as a volunteer meets them: what they may do, before they do it."""

import datetime
from decimal import Decimal

from django.urls import reverse

from mimac.models import Category
from pickups import services
from pickups.models import Pickup
from tests.factories import make_pickup, make_supplier
from tests.pages import assert_clean_page


def _page(client, pickup):
    return client.get(reverse("pickups:pickup_detail", args=[pickup.pk]))


def test_give_it_back_is_offered_only_before_the_cut_off_and_says_until_when(client, world):
    volunteer = world.volunteer.user
    later = make_pickup(world, days_ahead=3, start=9)
    today = make_pickup(world, days_ahead=0)  # the 24-hour cut-off is long past
    for pickup in (later, today):
        services.put_on_pickup(pickup=pickup, volunteer=volunteer, by=volunteer)
    client.force_login(volunteer)

    page = _page(client, later)
    assert_clean_page(page)
    assert "Give it back" in page.text
    deadline = later.date - datetime.timedelta(days=1)
    assert f"You can give it back until {deadline:%a %Y-%m-%d} 09:00." in page.text

    page = _page(client, today)
    assert "Give it back" not in page.text
    assert "It is less than 24 hours before the pickup: ask a coordinator to find someone else." in page.text


def test_a_coordinator_on_a_pickup_may_give_it_back_after_the_cut_off(client, world):
    coordinator = world.coordinator.user
    pickup = make_pickup(world, days_ahead=0)
    services.put_on_pickup(pickup=pickup, volunteer=coordinator, by=coordinator)
    client.force_login(coordinator)
    assert "Give it back" in _page(client, pickup).text


def test_a_double_booking_is_warned_about_before_taking(client, world):
    first = make_pickup(world, days_ahead=2, start=9, end=11)
    second = make_pickup(world, days_ahead=2, start=10, end=12)
    volunteer = world.volunteer.user
    services.put_on_pickup(pickup=first, volunteer=volunteer, by=volunteer)
    client.force_login(volunteer)

    page = _page(client, second)

    assert_clean_page(page)
    assert f"You are also on {first.supplier.name} from 09:00 to 11:00 that day." in page.text
    assert "I'll take this pickup" in page.text, "a warning, not a refusal"


def test_the_coordinator_sees_who_is_busy_before_assigning(client, world):
    first = make_pickup(world, days_ahead=2, start=9, end=11)
    second = make_pickup(world, days_ahead=2, start=10, end=12)
    volunteer = world.volunteer.user
    services.put_on_pickup(pickup=first, volunteer=volunteer, by=volunteer)
    client.force_login(world.coordinator.user)

    page = _page(client, second)

    assert f"Volunteer (also on {first.supplier.name} 09:00–11:00)" in page.text


def test_a_pickup_recorded_today_counts_in_the_suppliers_reliability_today(client, world):
    supplier = make_supplier(world.chapter, "Sunrise Bakery")
    recorded = make_pickup(world, supplier=supplier, start=0, end=23)
    make_pickup(world, supplier=supplier, start=1, end=23)  # today's too, not recorded yet: not due yet
    services.record_done(
        pickup=recorded,
        by=world.volunteer.user,
        arrived_at=recorded.window_starts_at,
        lines=[(Category.objects.get(code="produce"), Decimal(5))],
    )
    client.force_login(world.coordinator.user)

    page = client.get(reverse("pickups:supplier_detail", args=[supplier.pk]))

    assert "<strong>1</strong> of 1 pickup done within its window (100%)" in page.text


def test_a_pickups_page_links_to_its_supplier_for_those_who_may_see_suppliers(client, world):
    pickup = make_pickup(world, days_ahead=1)
    supplier_page = reverse("pickups:supplier_detail", args=[pickup.supplier.pk])
    client.force_login(world.volunteer.user)
    assert f'href="{supplier_page}"' in _page(client, pickup).text
    client.force_login(world.observing.user)  # may not see suppliers: the name, not a link to a 403
    page = _page(client, pickup)
    assert pickup.supplier.name in page.text
    assert f'href="{supplier_page}"' not in page.text


def test_the_record_form_offers_the_suppliers_usual_categories_first(client, world):
    bakery, dairy = Category.objects.get(code="bakery"), Category.objects.get(code="dairy-and-eggs")
    supplier = make_supplier(world.chapter, "Sunrise Bakery")
    supplier.categories.set([bakery, dairy])
    pickup = make_pickup(world, supplier=supplier)
    client.force_login(world.coordinator.user)
    url = reverse("pickups:pickup_record", args=[pickup.pk])

    page = client.get(url)

    assert_clean_page(page)
    lines = page.context["lines"]
    assert [form["category"].value() for form in lines] == [bakery.pk, dairy.pk, None, None]
    _blank, (usual, usual_choices), (others, other_choices) = lines.forms[0].fields["category"].choices
    assert (usual, others) == ("Usually gives", "Other categories")
    assert [label for _value, label in usual_choices] == ["Bakery (lb)", "Dairy and eggs (lb)"]
    assert "Bakery (lb)" not in [label for _value, label in other_choices]

    # As the browser sends it: the usual rows keep their category, a blank quantity means none came.
    response = client.post(url, {
        "record-arrived_at": "09:30",
        "lines-TOTAL_FORMS": 4, "lines-INITIAL_FORMS": 2,
        "lines-0-category": bakery.pk, "lines-0-quantity": "12",
        "lines-1-category": dairy.pk, "lines-1-quantity": "",
    })  # fmt: skip

    assert response.status_code == 302
    assert [(line.category, line.quantity) for line in pickup.lines.all()] == [(bakery, Decimal(12))]
    assert Pickup.objects.get(pk=pickup.pk).status == Pickup.Status.DONE
