import datetime

from django.urls import reverse

from pickups.models import Supplier
from pickups.services import plan_schedule
from tests.factories import make_hub, make_schedule, make_supplier
from tests.pages import assert_clean_page


def _signed_in(client, membership):
    client.force_login(membership.user)
    return client


def test_suppliers_are_searched_and_filtered(client, world):
    make_supplier(world.chapter, "Sunrise Bakery", kind=Supplier.Kind.BAKERY)
    make_supplier(world.chapter, "Green Acres Farm", kind=Supplier.Kind.FARM, address="Rural Rd 9")
    make_supplier(world.chapter, "Closed Deli", kind=Supplier.Kind.RESTAURANT, active=False)
    make_supplier(world.other_chapter, "Sunrise Other Chapter")
    client = _signed_in(client, world.volunteer)

    def names(**params):
        return [s.name for s in client.get(reverse("pickups:supplier_list"), params).context["page"]]

    assert names() == ["Green Acres Farm", "Sunrise Bakery"]
    assert names(q="sunrise") == ["Sunrise Bakery"]
    assert names(q="rural") == ["Green Acres Farm"]
    assert names(kind="farm") == ["Green Acres Farm"]
    assert names(active="no") == ["Closed Deli"]
    assert_clean_page(client.get(reverse("pickups:supplier_list")))


def test_the_supplier_list_is_paginated(client, world):
    for number in range(30):
        make_supplier(world.chapter, f"Supplier {number:02d}")
    client = _signed_in(client, world.coordinator)
    second = client.get(reverse("pickups:supplier_list"), {"page": 2})
    assert len(second.context["page"]) == 5
    assert "Page 2 of 2" in second.text


def test_the_supplier_list_runs_the_same_queries_for_1_and_25_suppliers(client, world, django_assert_num_queries):
    client = _signed_in(client, world.coordinator)
    make_supplier(world.chapter, "Only One")
    # session, user, memberships, count, suppliers, session save (in a savepoint)
    with django_assert_num_queries(8) as one:
        client.get(reverse("pickups:supplier_list"))
    for number in range(24):
        make_supplier(world.chapter, f"Supplier {number:02d}")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("pickups:supplier_list"))
    assert len(response.context["page"]) == 25


def test_the_week_view_runs_the_same_queries_for_1_and_25_pickups(client, world, django_assert_num_queries):
    client = _signed_in(client, world.coordinator)
    today = world.chapter.today()
    monday = today - datetime.timedelta(days=today.weekday())
    first = make_schedule(make_supplier(world.chapter, "First"), world.hub, "FREQ=DAILY;COUNT=1", starts_on=monday)
    first.default_volunteers.add(world.volunteer.user)
    plan_schedule(schedule=first, today=monday)
    url = reverse("pickups:week") + f"?hub={world.hub.pk}&week={monday.isoformat()}"
    # session, user, memberships, hubs, pickups, assignments, session save (in a savepoint)
    with django_assert_num_queries(9) as one:
        client.get(url)
    for number in range(24):
        schedule = make_schedule(
            make_supplier(world.chapter, f"S{number}"), world.hub, "FREQ=DAILY;COUNT=1",
            starts_on=monday + datetime.timedelta(days=number % 7),
        )  # fmt: skip
        schedule.default_volunteers.add(world.volunteer.user, world.coordinator.user)
        plan_schedule(schedule=schedule, today=monday)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert sum(len(day.pickups) for day in response.context["days"]) == 25


def test_the_week_shows_pickups_and_makes_unassigned_ones_stand_out(client, world):
    today = world.chapter.today()
    schedule = make_schedule(make_supplier(world.chapter, "Sunrise Bakery"), world.hub, "FREQ=DAILY;COUNT=1")
    plan_schedule(schedule=schedule, today=today)
    response = _signed_in(client, world.observing).get(reverse("pickups:week"))
    assert_clean_page(response)
    assert "Sunrise Bakery" in response.text
    assert 'class="pickup mb-2 pb-2 border-bottom unassigned"' in response.text
    assert "Nobody yet" in response.text


def test_the_week_of_another_chapters_hub_answers_404(client, world):
    response = _signed_in(client, world.volunteer).get(reverse("pickups:week"), {"hub": world.other_hub.pk})
    assert response.status_code == 404


def test_the_week_moves_to_the_previous_and_next_weeks(client, world):
    response = _signed_in(client, world.volunteer).get(reverse("pickups:week"), {"week": "2027-01-07"})
    assert response.context["monday"] == datetime.date(2027, 1, 4)
    assert "week=2026-12-28" in response.text
    assert "week=2027-01-11" in response.text


def test_today_lists_the_chapters_pickups_for_today(client, world):
    today = world.chapter.today()
    schedule = make_schedule(make_supplier(world.chapter, "Sunrise Bakery"), world.hub, "FREQ=DAILY;COUNT=1")
    plan_schedule(schedule=schedule, today=today)
    other = make_schedule(make_supplier(world.other_chapter, "Elsewhere Market"), world.other_hub, "FREQ=DAILY;COUNT=1")
    plan_schedule(schedule=other, today=today)
    response = _signed_in(client, world.volunteer).get(reverse("pickups:today"))
    assert_clean_page(response)
    assert "Sunrise Bakery" in response.text
    assert "Elsewhere Market" not in response.text


def test_a_coordinator_adds_and_edits_a_supplier(client, world):
    client = _signed_in(client, world.coordinator)
    data = {"name": "Sunrise Bakery", "kind": "bakery", "address": "1 Main St", "active": "on", "version": 1}
    response = client.post(reverse("pickups:supplier_create", args=[world.chapter.code]), data)
    supplier = Supplier.objects.get()
    assert response["Location"] == reverse("pickups:supplier_detail", args=[supplier.pk])
    assert supplier.chapter == world.chapter
    edit = {**data, "contact_name": "Rosa (manager)", "version": supplier.version}
    client.post(reverse("pickups:supplier_edit", args=[supplier.pk]), edit)
    supplier.refresh_from_db()
    assert supplier.contact_name == "Rosa (manager)"
    assert_clean_page(client.get(reverse("pickups:supplier_detail", args=[supplier.pk])))


def test_a_supplier_name_is_unique_in_the_chapter(client, world):
    make_supplier(world.chapter, "Sunrise Bakery")
    client = _signed_in(client, world.coordinator)
    data = {"name": "sunrise bakery", "kind": "bakery", "address": "1 Main St", "active": "on", "version": 1}
    response = client.post(reverse("pickups:supplier_create", args=[world.chapter.code]), data)
    assert "already has a supplier with that name" in response.text


def test_a_supplier_closure_removes_planned_pickups_and_its_removal_brings_them_back(client, world):
    supplier = make_supplier(world.chapter)
    today = world.chapter.today()
    schedule = make_schedule(supplier, world.hub, "FREQ=DAILY", starts_on=today)
    plan_schedule(schedule=schedule, today=today)
    client = _signed_in(client, world.coordinator)
    closure = {
        "starts_on": (today + datetime.timedelta(days=3)).isoformat(),
        "ends_on": (today + datetime.timedelta(days=9)).isoformat(),
        "reason": "renovation",
    }

    response = client.post(reverse("pickups:supplier_closures", args=[supplier.pk]), closure, follow=True)
    assert "Closure saved; 7 planned pickups removed." in response.text
    client.post(reverse("pickups:supplier_closure_delete", args=[supplier.closures.get().pk]))
    assert schedule.pickups.count() == 57


def test_a_closure_that_ends_before_it_starts_is_refused(client, world):
    supplier = make_supplier(world.chapter)
    client = _signed_in(client, world.coordinator)
    data = {"starts_on": "2027-03-14", "ends_on": "2027-03-01"}
    response = client.post(reverse("pickups:supplier_closures", args=[supplier.pk]), data)
    assert "The last day closed cannot be before the first." in response.text
    assert not supplier.closures.exists()


def test_a_chapter_closure_day_is_added_once_and_shown(client, world):
    client = _signed_in(client, world.coordinator)
    url = reverse("pickups:chapter_closures", args=[world.chapter.code])
    data = {"date": (world.chapter.today() + datetime.timedelta(days=5)).isoformat(), "reason": "Holiday"}
    client.post(url, data)
    again = client.post(url, data)
    assert "already closed on that day" in again.text
    assert world.chapter.closure_days.count() == 1
    assert_clean_page(client.get(url))


def test_hubs_of_the_chapter_only_are_offered(world):
    make_hub(world.chapter, "Second Hub")
    from pickups.forms import ScheduleForm
    from pickups.models import PickupSchedule

    form = ScheduleForm(instance=PickupSchedule(supplier=make_supplier(world.chapter)))
    assert {hub.name for hub in form.fields["hub"].queryset} == {"Church Street Pantry", "Second Hub"}
