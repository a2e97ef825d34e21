import datetime

import pytest
from django.urls import reverse

from mimac.recurrence import Pattern, build_rrule, describe, read_rrule
from pickups.models import PickupSchedule
from tests.factories import make_supplier
from tests.pages import assert_clean_page


@pytest.fixture
def supplier(world):
    return make_supplier(world.chapter)


@pytest.fixture
def coordinator_client(client, world):
    client.force_login(world.coordinator.user)
    return client


def schedule_data(world, **changes):
    today = world.chapter.today()
    data = {
        "hub": world.hub.pk,
        "pattern": Pattern.WEEKLY,
        "interval": 1,
        "weekdays": ["TU", "TH"],
        "starts_on": today.isoformat(),
        "window_start": "09:00",
        "window_end": "11:00",
        "active": "on",
        "version": 1,
    }
    return {**data, **changes}


def test_the_preview_lists_the_next_dates_with_a_holiday_skipped(coordinator_client, world, supplier):
    today = world.chapter.today()
    next_tuesday = today + datetime.timedelta(days=(1 - today.weekday()) % 7 or 7)
    world.chapter.closure_days.create(date=next_tuesday, reason="Thanksgiving")

    response = coordinator_client.post(
        reverse("pickups:schedule_create", args=[supplier.pk]), {**schedule_data(world), "preview": "1"}
    )

    assert_clean_page(response)
    assert "skipped: chapter closed: Thanksgiving" in response.text
    assert not PickupSchedule.objects.exists(), "a preview saves nothing"


def test_saving_a_schedule_plans_its_pickups(coordinator_client, world, supplier):
    response = coordinator_client.post(reverse("pickups:schedule_create", args=[supplier.pk]), schedule_data(world))
    assert response.status_code == 302
    schedule = PickupSchedule.objects.get()
    assert schedule.rrule == "FREQ=WEEKLY;BYDAY=TU,TH"
    assert schedule.pickups.count() >= 15


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": "2020-01-01"}, "The last day cannot be before the first day."),
        ({"interval": 0}, "Use 1 or more: 1 is every week"),
        ({"weekdays": []}, "Choose at least one weekday."),
        ({"window_end": "08:00"}, "The window must close after it opens."),
        ({"pattern": Pattern.MONTHLY_DAY, "month_day": 31, "starts_on": "2027-02-01", "ends_on": "2027-02-28"},
         "These choices give no pickup dates from 2027-02-01 to 2027-02-28."),
        ({"skip_dates_text": "2027-01-05\nsoon"}, "Line 2 is not a date."),
        ({"pattern": Pattern.MONTHLY_WEEKDAY}, "Choose which weekday of the month"),
    ],
    ids=["end-before-start", "interval-0", "no-weekday", "window-backwards", "no-dates", "bad-skip", "no-nth"],
)  # fmt: skip
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(coordinator_client, world, supplier, changes, message):
    data = schedule_data(world, **changes)
    response = coordinator_client.post(reverse("pickups:schedule_create", args=[supplier.pk]), data)
    assert response.status_code == 200
    assert message in response.text
    assert not PickupSchedule.objects.exists()
    assert supplier.pickups.count() == 0


@pytest.mark.parametrize(
    ("pattern", "fields", "rrule"),
    [
        (Pattern.WEEKLY, {"interval": 2, "weekdays": ["MO", "FR"]}, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR"),
        (Pattern.MONTHLY_WEEKDAY, {"interval": 1, "month_week": "2", "month_weekday": "TU"}, "FREQ=MONTHLY;BYDAY=+2TU"),
        (
            Pattern.MONTHLY_WEEKDAY,
            {"interval": 1, "month_week": "-1", "month_weekday": "FR"},
            "FREQ=MONTHLY;BYDAY=-1FR",
        ),
        (Pattern.MONTHLY_DAY, {"interval": 1, "month_day": 15}, "FREQ=MONTHLY;BYMONTHDAY=15"),
        (Pattern.ONCE, {"interval": 1}, "FREQ=DAILY;COUNT=1"),
    ],
)
def test_the_form_writes_rrules_and_reads_them_back(pattern, fields, rrule):
    arguments = {"weekdays": None, "month_week": None, "month_weekday": None, "month_day": None, **fields}
    written = build_rrule(pattern, arguments.pop("interval"), **arguments)
    assert written == rrule
    assert read_rrule(written) == {"pattern": pattern, **fields}


def test_editing_a_schedule_shows_its_pattern_and_keeps_taken_pickups(coordinator_client, world, supplier):
    coordinator_client.post(reverse("pickups:schedule_create", args=[supplier.pk]), schedule_data(world))
    schedule = PickupSchedule.objects.get()
    page = coordinator_client.get(reverse("pickups:schedule_edit", args=[schedule.pk]))
    assert_clean_page(page)
    assert page.context["form"].initial["weekdays"] == ["TU", "TH"]

    data = schedule_data(world, weekdays=["WE"], version=schedule.version)
    assert coordinator_client.post(reverse("pickups:schedule_edit", args=[schedule.pk]), data).status_code == 302
    assert {p.date.weekday() for p in schedule.pickups.all()} == {2}


def test_a_hub_of_another_chapter_cannot_be_chosen(coordinator_client, world, supplier):
    data = schedule_data(world, hub=world.other_hub.pk)
    response = coordinator_client.post(reverse("pickups:schedule_create", args=[supplier.pk]), data)
    assert "Select a valid choice" in response.text
    assert not PickupSchedule.objects.exists()


@pytest.mark.parametrize(
    ("rrule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=TU,TH", "Every week on Tuesday, Thursday"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "Every 2 weeks on Monday"),
        ("FREQ=MONTHLY;BYDAY=+2TU", "Every month on the 2nd Tuesday"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "Every month on the last Friday"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "Every month on day 15"),
        ("FREQ=DAILY;COUNT=1", "Once"),
    ],
)
def test_a_recurrence_is_shown_in_words(rrule, words):
    assert describe(rrule) == words
