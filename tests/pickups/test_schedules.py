import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from pickups.models import Pickup, PickupAssignment
from pickups.services import plan_schedule
from tests.factories import make_schedule, make_supplier

D = datetime.date


@pytest.fixture
def supplier(world):
    return make_supplier(world.chapter)


def kept(schedule, first, last):
    return [o.date for o in schedule.occurrences(first, last) if not o.skipped_because]


def test_weekly_on_tuesday_and_thursday(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=TU,TH", starts_on=D(2027, 1, 1))
    assert kept(schedule, D(2027, 1, 1), D(2027, 1, 17)) == [
        D(2027, 1, 5), D(2027, 1, 7), D(2027, 1, 12), D(2027, 1, 14),
    ]  # fmt: skip


def test_every_second_week_counts_from_the_first_day(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", starts_on=D(2027, 1, 4))
    assert kept(schedule, D(2027, 1, 1), D(2027, 2, 10)) == [D(2027, 1, 4), D(2027, 1, 18), D(2027, 2, 1)]


def test_monthly_on_the_second_tuesday(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=MONTHLY;BYDAY=+2TU", starts_on=D(2027, 1, 1))
    assert kept(schedule, D(2027, 1, 1), D(2027, 4, 30)) == [
        D(2027, 1, 12), D(2027, 2, 9), D(2027, 3, 9), D(2027, 4, 13),
    ]  # fmt: skip


def test_monthly_on_the_last_friday(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=MONTHLY;BYDAY=-1FR", starts_on=D(2027, 1, 1))
    assert kept(schedule, D(2027, 1, 1), D(2027, 3, 31)) == [D(2027, 1, 29), D(2027, 2, 26), D(2027, 3, 26)]


def test_a_chapter_holiday_is_skipped_and_says_why(supplier, world):
    world.chapter.closure_days.create(date=D(2027, 1, 7), reason="Community day")
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=TU,TH", starts_on=D(2027, 1, 1))
    occurrences = schedule.occurrences(D(2027, 1, 1), D(2027, 1, 10))
    assert [(o.date, o.skipped_because) for o in occurrences] == [
        (D(2027, 1, 5), ""),
        (D(2027, 1, 7), "chapter closed: Community day"),
    ]


def test_a_supplier_closure_period_skips_every_day_in_it(supplier, world):
    supplier.closures.create(starts_on=D(2027, 3, 1), ends_on=D(2027, 3, 14), reason="renovation")
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=MO,TH", starts_on=D(2027, 2, 22))
    assert kept(schedule, D(2027, 2, 22), D(2027, 3, 21)) == [
        D(2027, 2, 22),
        D(2027, 2, 25),
        D(2027, 3, 15),
        D(2027, 3, 18),
    ]
    skipped = [o for o in schedule.occurrences(D(2027, 2, 22), D(2027, 3, 21)) if o.skipped_because]
    assert {o.skipped_because for o in skipped} == {"supplier closed: renovation"}
    assert len(skipped) == 4


def test_a_single_skipped_date_and_the_end_date(supplier, world):
    schedule = make_schedule(
        supplier, world.hub, "FREQ=WEEKLY;BYDAY=WE", starts_on=D(2027, 1, 6), ends_on=D(2027, 1, 27),
        skip_dates=["2027-01-13"],
    )  # fmt: skip
    assert kept(schedule, D(2027, 1, 1), D(2027, 3, 1)) == [D(2027, 1, 6), D(2027, 1, 20), D(2027, 1, 27)]


def test_windows_stay_at_local_time_across_the_change_to_daylight_saving(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=TH", starts_on=D(2027, 3, 1))
    plan_schedule(schedule=schedule, today=D(2027, 3, 1), horizon_weeks=3)

    before, after = Pickup.objects.filter(date__in=[D(2027, 3, 11), D(2027, 3, 18)]).order_by("date")
    detroit = ZoneInfo("America/Detroit")
    assert before.window_starts_at.astimezone(detroit).hour == after.window_starts_at.astimezone(detroit).hour == 9
    assert before.window_starts_at.utcoffset() == datetime.timedelta(hours=-5)
    assert after.window_starts_at.utcoffset() == datetime.timedelta(hours=-4)
    assert after.window_starts_at.astimezone(datetime.UTC).hour == 13


def test_planning_again_never_duplicates(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=TU,TH", starts_on=D(2027, 1, 1))
    first = plan_schedule(schedule=schedule, today=D(2027, 1, 1))
    again = plan_schedule(schedule=schedule, today=D(2027, 1, 1))
    call_command("plan_pickups", "--today", "2027-01-01")

    assert first.created == 16  # eight weeks of Tuesdays and Thursdays
    assert (again.created, again.removed) == (0, 0)
    assert schedule.pickups.count() == 16


def test_usual_volunteers_are_put_on_each_planned_pickup(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=TU", starts_on=D(2027, 1, 1))
    schedule.default_volunteers.add(world.volunteer.user)
    plan_schedule(schedule=schedule, today=D(2027, 1, 1))
    assert PickupAssignment.objects.filter(volunteer=world.volunteer.user, assigned_by=None).count() == 8


def test_a_schedule_change_or_new_closure_leaves_taken_and_recorded_pickups_alone(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=TU,TH", starts_on=D(2027, 1, 1))
    plan_schedule(schedule=schedule, today=D(2027, 1, 1))
    taken = schedule.pickups.get(date=D(2027, 1, 12))
    taken.assignments.create(volunteer=world.volunteer.user, assigned_by=world.volunteer.user)
    recorded = schedule.pickups.get(date=D(2027, 1, 14))
    Pickup.objects.filter(pk=recorded.pk).update(
        status=Pickup.Status.DONE, arrived_at=recorded.window_starts_at, recorded_by=world.volunteer.user
    )

    schedule.rrule = "FREQ=WEEKLY;BYDAY=WE"
    schedule.window_start = datetime.time(14)
    schedule.window_end = datetime.time(15)
    schedule.save()
    world.chapter.closure_days.create(date=D(2027, 1, 20), reason="holiday")
    plan_schedule(schedule=schedule, today=D(2027, 1, 1))

    remaining = {p.date: p for p in schedule.pickups.all()}
    assert remaining[D(2027, 1, 12)].window_start == datetime.time(9), "taken: untouched"
    assert remaining[D(2027, 1, 14)].status == Pickup.Status.DONE, "recorded: untouched"
    assert D(2027, 1, 5) not in remaining, "untouched Tuesdays are gone"
    assert D(2027, 1, 20) not in remaining, "the new holiday is skipped"
    assert remaining[D(2027, 1, 13)].window_start == datetime.time(14)


def test_past_pickups_are_never_replanned(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=TU", starts_on=D(2027, 1, 1))
    plan_schedule(schedule=schedule, today=D(2027, 1, 1))
    schedule.rrule = "FREQ=WEEKLY;BYDAY=FR"
    schedule.save()
    plan_schedule(schedule=schedule, today=D(2027, 1, 13))
    assert schedule.pickups.filter(date=D(2027, 1, 12)).exists(), "yesterday's pickup is history"
    assert not schedule.pickups.filter(date=D(2027, 1, 19)).exists()


def test_stopping_a_schedule_removes_its_untouched_future_pickups(supplier, world):
    schedule = make_schedule(supplier, world.hub, "FREQ=WEEKLY;BYDAY=TU", starts_on=D(2027, 1, 1))
    plan_schedule(schedule=schedule, today=D(2027, 1, 1))
    schedule.active = False
    schedule.save()
    assert plan_schedule(schedule=schedule, today=D(2027, 1, 1)).removed == 8
