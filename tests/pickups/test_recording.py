import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ledger import services as ledger
from ledger.models import LedgerIsAppendOnly
from mimac.models import Category, Trust
from pickups import services
from pickups.models import Pickup, PickupLine
from pickups.queries import reliability
from pickups.services import PickupRefused, plan_schedule
from tests import images
from tests.factories import make_member, make_pickup, make_schedule, make_supplier
from tests.pages import assert_clean_page, without_bdi


@pytest.fixture
def produce():
    return Category.objects.get(code="produce")


@pytest.fixture
def bakery():
    return Category.objects.get(code="bakery")


def record_data(arrived="09:30", lines=(), **extra):
    data = {"record-arrived_at": arrived, "lines-TOTAL_FORMS": 4, "lines-INITIAL_FORMS": 0}
    data.update({f"record-{name}": value for name, value in extra.items()})
    for number, (category, quantity) in enumerate(lines):
        data[f"lines-{number}-category"] = category.pk
        data[f"lines-{number}-quantity"] = quantity
    return data


def test_a_volunteer_cannot_give_a_pickup_back_after_the_cut_off(world):
    pickup = make_pickup(world, days_ahead=0)  # the 24-hour cut-off is long past
    volunteer = world.volunteer.user
    services.put_on_pickup(pickup=pickup, volunteer=volunteer, by=volunteer)

    with pytest.raises(PickupRefused, match="ask a coordinator"):
        services.take_off_pickup(pickup=pickup, volunteer=volunteer, by=volunteer, coordinator=False)
    services.take_off_pickup(pickup=pickup, volunteer=volunteer, by=world.coordinator.user, coordinator=True)
    assert not pickup.assignments.exists()


def test_a_volunteer_gives_a_pickup_back_before_the_cut_off(world):
    pickup = make_pickup(world, days_ahead=3)
    volunteer = world.volunteer.user
    services.put_on_pickup(pickup=pickup, volunteer=volunteer, by=volunteer)
    services.take_off_pickup(pickup=pickup, volunteer=volunteer, by=volunteer, coordinator=False)
    assert not pickup.assignments.exists()


def test_an_observing_member_alone_cannot_take_a_pickup_but_can_with_a_trusted_one(world):
    pickup = make_pickup(world, days_ahead=2)
    newcomer = world.observing.user
    with pytest.raises(PickupRefused, match="together with a trusted member"):
        services.put_on_pickup(pickup=pickup, volunteer=newcomer, by=newcomer)

    services.put_on_pickup(pickup=pickup, volunteer=world.volunteer.user, by=world.volunteer.user)
    services.put_on_pickup(pickup=pickup, volunteer=newcomer, by=newcomer)
    with pytest.raises(PickupRefused, match="new member would be left alone"):
        services.take_off_pickup(
            pickup=pickup, volunteer=world.volunteer.user, by=world.volunteer.user, coordinator=False
        )


def test_double_booking_in_overlapping_windows_is_warned_about(client, world):
    first = make_pickup(world, days_ahead=2, start=9, end=11)
    second = make_pickup(world, days_ahead=2, start=10, end=12)
    make_pickup(world, days_ahead=2, start=11, end=12)  # touches, does not overlap
    client.force_login(world.volunteer.user)
    client.post(reverse("pickups:pickup_take", args=[first.pk]))
    response = client.post(reverse("pickups:pickup_take", args=[second.pk]), follow=True)
    assert "Double booking: Volunteer is also on" in response.text
    assert second.assignments.filter(volunteer=world.volunteer.user).exists(), "a warning, not a refusal"


def test_a_coordinator_assigns_a_volunteer(client, world):
    pickup = make_pickup(world, days_ahead=2)
    client.force_login(world.coordinator.user)
    client.post(reverse("pickups:pickup_assign", args=[pickup.pk]), {"assign-volunteer": world.volunteer.user.pk})
    assignment = pickup.assignments.get()
    assert (assignment.volunteer, assignment.assigned_by) == (world.volunteer.user, world.coordinator.user)


def test_the_volunteer_records_lines_and_a_photo(client, world, produce, bakery):
    pickup = make_pickup(world)
    pickup.assignments.create(volunteer=world.volunteer.user, assigned_by=world.coordinator.user)
    client.force_login(world.volunteer.user)
    assert_clean_page(client.get(reverse("pickups:pickup_record", args=[pickup.pk])))
    photo = images.upload(images.encode(images.food_photo()))

    response = client.post(
        reverse("pickups:pickup_record", args=[pickup.pk]),
        record_data(lines=[(produce, "42.5"), (bakery, "12")], photo=photo),
    )

    assert response.status_code == 302
    pickup.refresh_from_db()
    assert pickup.status == Pickup.Status.DONE
    assert pickup.arrived_on_time
    assert pickup.recorded_by == world.volunteer.user
    assert sorted((line.category.name, line.quantity) for line in pickup.lines.all()) == [
        ("Bakery", Decimal("12.00")), ("Produce", Decimal("42.50")),
    ]  # fmt: skip
    assert pickup.photo.chapter == world.chapter
    assert_clean_page(client.get(reverse("pickups:pickup_detail", args=[pickup.pk])))


def test_a_photo_with_a_face_is_refused_and_nothing_is_recorded(client, world, produce):
    pickup = make_pickup(world)
    client.force_login(world.coordinator.user)
    face = images.upload(images.encode(images.face_photo()))
    response = client.post(
        reverse("pickups:pickup_record", args=[pickup.pk]), record_data(lines=[(produce, "5")], photo=face)
    )
    assert "shows a person&#x27;s face" in response.text
    pickup.refresh_from_db()
    assert pickup.status == Pickup.Status.SCHEDULED
    assert not pickup.lines.exists()


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-3", "Enter a quantity above zero."),
        ("0", "Enter a quantity above zero."),
        ("100000", "100,000 lb is more than one line can hold (at most 5,000)."),
    ],
)
def test_bad_quantities_are_refused_with_a_clear_message(client, world, produce, quantity, message):
    pickup = make_pickup(world)
    client.force_login(world.coordinator.user)
    response = client.post(reverse("pickups:pickup_record", args=[pickup.pk]), record_data(lines=[(produce, quantity)]))
    assert message in response.text
    assert not PickupLine.objects.exists()


def test_a_category_twice_in_one_recording_is_refused(client, world, produce):
    pickup = make_pickup(world)
    client.force_login(world.coordinator.user)
    data = record_data(lines=[(produce, "5"), (produce, "7")])
    response = client.post(reverse("pickups:pickup_record", args=[pickup.pk]), data)
    assert "Produce is there twice: put it on one line." in response.text
    assert not PickupLine.objects.exists()


def test_a_cancelled_pickup_cannot_be_recorded(client, world, produce):
    pickup = make_pickup(world)
    Pickup.objects.filter(pk=pickup.pk).update(status=Pickup.Status.CANCELLED)
    client.force_login(world.coordinator.user)
    response = client.post(reverse("pickups:pickup_record", args=[pickup.pk]), record_data(lines=[(produce, "5")]))
    assert "This pickup was cancelled" in response.text
    assert not PickupLine.objects.exists()


def test_recording_twice_from_two_browsers_tells_the_second_and_keeps_their_input(client, world, produce, bakery):
    pickup = make_pickup(world)
    pickup.assignments.create(volunteer=world.volunteer.user, assigned_by=world.coordinator.user)
    url = reverse("pickups:pickup_record", args=[pickup.pk])
    client.force_login(world.volunteer.user)
    client.post(url, record_data(lines=[(produce, "10")]))

    client.force_login(world.coordinator.user)
    second = client.post(url, record_data(arrived="10:15", lines=[(bakery, "33")]))

    assert "Volunteer already recorded this pickup" in second.text
    assert "Already recorded by Volunteer as Done" in second.text
    assert 'value="33"' in second.text, "the second person's input is still on the page"
    assert [(line.category, line.quantity) for line in pickup.lines.all()] == [(produce, Decimal("10.00"))]


def test_a_pickup_is_recorded_as_missed_with_a_reason(client, world):
    pickup = make_pickup(world)
    client.force_login(world.coordinator.user)
    data = {"missed-reason": "vehicle", "missed-note": "flat tyre"}
    client.post(reverse("pickups:pickup_missed", args=[pickup.pk]), data)
    pickup.refresh_from_db()
    assert (pickup.status, pickup.missed_reason, pickup.note) == ("missed", "vehicle", "flat tyre")


def test_a_future_pickup_cannot_be_recorded_yet(world, produce):
    pickup = make_pickup(world, days_ahead=2)
    with pytest.raises(PickupRefused, match="record it once it has happened"):
        services.record_done(
            pickup=pickup, by=world.coordinator.user, arrived_at=timezone.now(), lines=[(produce, Decimal(1))]
        )


def test_a_correction_leaves_the_original_unchanged_and_both_are_listed(client, world, produce):
    pickup = make_pickup(world)
    services.record_done(
        pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at, lines=[(produce, Decimal(40))]
    )
    original = pickup.lines.get()
    client.force_login(world.coordinator.user)

    url = reverse("ledger:entry", args=["pickupline", original.pk])
    client.post(url, {"quantity": "14", "reason": "typed 40 for 14"})

    original.refresh_from_db()
    assert original.quantity == Decimal(40)
    correction = original.correction
    assert (correction.quantity, correction.recorded_by) == (Decimal(14), world.coordinator.user)
    page = client.get(reverse("pickups:pickup_detail", args=[pickup.pk]))
    assert "<s>40 lb</s>" in without_bdi(page.text)
    assert "replaces 40 lb: typed 40 for 14" in without_bdi(page.text)
    again = client.post(url, {"quantity": "15", "reason": "x"})
    assert again.status_code == 403, "only the newest row of a correction chain can be corrected"
    assert original.history() == [original, correction]


def test_ledger_lines_are_never_changed_or_deleted(world, produce):
    pickup = make_pickup(world)
    line = PickupLine.objects.create(pickup=pickup, category=produce, quantity=5, recorded_by=world.volunteer.user)
    line.quantity = 50
    with pytest.raises(LedgerIsAppendOnly):
        line.save()
    with pytest.raises(LedgerIsAppendOnly):
        line.delete()


def test_a_volunteer_cannot_record_a_pickup_of_another_chapter(client, world, produce):
    other = make_pickup(world, chapter=world.other_chapter, hub=world.other_hub)
    client.force_login(world.volunteer.user)
    url = reverse("pickups:pickup_record", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, record_data(lines=[(produce, "5")])).status_code == 404


def test_a_volunteer_not_on_the_pickup_cannot_record_it(client, world, produce):
    pickup = make_pickup(world)
    client.force_login(world.volunteer.user)
    assert client.get(reverse("pickups:pickup_record", args=[pickup.pk])).status_code == 403


def test_reliability_counts_pickups_done_within_their_window(world, produce):
    """Hand-computed: of 4 pickups due, 1 was done on time, so 25%."""
    supplier = make_supplier(world.chapter, "Sunrise Bakery")
    today = world.chapter.today()
    schedule = make_schedule(supplier, world.hub, "FREQ=DAILY", starts_on=today - datetime.timedelta(days=4))
    plan_schedule(schedule=schedule, today=today - datetime.timedelta(days=4), horizon_weeks=1)
    on_time, late, missed, forgotten = schedule.pickups.filter(date__lt=today).order_by("date")
    by = world.volunteer.user
    services.record_done(pickup=on_time, by=by, arrived_at=on_time.window_starts_at + datetime.timedelta(minutes=30),
                         lines=[(produce, Decimal(10))])  # fmt: skip
    services.record_done(pickup=late, by=by, arrived_at=late.window_ends_at + datetime.timedelta(minutes=5),
                         lines=[(produce, Decimal(5))])  # fmt: skip
    services.record_missed(pickup=missed, by=by, reason=Pickup.MissedReason.VEHICLE)

    result = reliability(supplier, today)

    assert (result.due, result.on_time, result.share) == (4, 1, 0.25)
    assert result.missed == [missed]
    assert forgotten.status == Pickup.Status.SCHEDULED, "never recorded: not kept either"


def test_the_supplier_page_shows_reliability_and_quantities_per_month(client, world, produce):
    pickup = make_pickup(world)
    services.record_done(
        pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at, lines=[(produce, Decimal("40"))]
    )
    ledger.correct(pickup.lines.get(), by=world.coordinator.user, quantity=Decimal(14), reason="typo")
    client.force_login(world.auditor.user)
    response = client.get(reverse("pickups:supplier_detail", args=[pickup.supplier.pk]))
    assert_clean_page(response)
    month = list(response.context["received"])
    assert [(row["category__name"], row["total"]) for row in month] == [("Produce", Decimal(14))]


def test_the_supplier_page_runs_the_same_queries_for_1_and_25_pickups(
    client, world, produce, django_assert_num_queries
):
    supplier = make_supplier(world.chapter, "Sunrise Bakery")
    today = world.chapter.today()
    client.force_login(world.coordinator.user)

    def add_pickups(count, offset):
        for day in range(count):
            pickup = make_pickup(world, days_ahead=-(offset + day) if offset else day, supplier=supplier)
            pickup.assignments.create(volunteer=world.volunteer.user)
            if offset:
                services.record_done(pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at,
                                     lines=[(produce, Decimal(3))])  # fmt: skip

    add_pickups(1, 0)
    add_pickups(1, 1)
    url = reverse("pickups:supplier_detail", args=[supplier.pk])
    with django_assert_num_queries(15) as few:
        client.get(url)
    add_pickups(24, 0)
    add_pickups(24, 2)
    assert supplier.pickups.filter(date__lt=today).count() == 25
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_printed_sheets_run_the_same_queries_for_1_and_25_pickups(client, world, django_assert_num_queries):
    client.force_login(world.coordinator.user)
    monday = world.chapter.today() - datetime.timedelta(days=world.chapter.today().weekday())
    week = reverse("pickups:print_week") + f"?hub={world.hub.pk}&week={monday + datetime.timedelta(weeks=1)}"
    open_sheet = reverse("deliveries:cover_print", args=[world.chapter.code]) + f"?hub={world.hub.pk}"
    make_pickup(world, days_ahead=7 - world.chapter.today().weekday())
    with django_assert_num_queries(9) as week_few:
        client.get(week)
    with django_assert_num_queries(13) as open_few:  # the cover sheet: the openings in order, then each with its people
        client.get(open_sheet)
    for number in range(24):
        pickup = make_pickup(world, days_ahead=7 - world.chapter.today().weekday() + number % 7)
        if number % 2:
            pickup.assignments.create(volunteer=world.volunteer.user)
    with django_assert_num_queries(len(week_few.captured_queries)):
        assert len(client.get(week).context["days"]) == 7
    with django_assert_num_queries(len(open_few.captured_queries)):
        assert_clean_page(client.get(open_sheet))


def test_a_late_recording_shows_who_recorded_it_and_when(client, world, produce):
    pickup = make_pickup(world, days_ahead=-3)
    services.record_done(
        pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at, lines=[(produce, Decimal(2))]
    )
    client.force_login(world.coordinator.user)
    page = client.get(reverse("pickups:pickup_detail", args=[pickup.pk]))
    assert "recorded late" in page.text
    assert "by Volunteer at" in without_bdi(page.text)


def test_trusted_volunteers_only_are_offered_as_default_volunteers(world):
    from pickups.forms import ScheduleForm
    from pickups.models import PickupSchedule

    make_member(world.chapter, "another-newcomer", trust=Trust.OBSERVING)
    form = ScheduleForm(instance=PickupSchedule(supplier=make_supplier(world.chapter)))
    usernames = {user.username for user in form.fields["default_volunteers"].queryset}
    assert "another-newcomer" not in usernames
    assert "volunteer" in usernames
