"""What we hold about a household goes: the retention purge and erasing on request."""

import datetime
from decimal import Decimal

from django.contrib import admin
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from mimac.models import Category
from pickups.models import PickupLine
from recipients.models import Household, HouseholdExport
from tests.factories import make_household, make_schedule, make_supplier


def test_purge_erases_exactly_the_personal_fields_of_households_ended_long_ago(world, capsys):
    today = world.chapter.today()
    old = today - datetime.timedelta(days=400)
    gone = make_household(world.chapter, name="Gone", status="ended", status_since=old, allergies="nuts", phone="555")
    paused_long = make_household(world.chapter, name="Paused long", status="paused", status_since=old)
    recent = make_household(world.chapter, name="Ended recently", status="ended", status_since=today)
    active = make_household(world.chapter, name="Active", status_since=old)
    _record_a_pickup(world)
    ledger_before = _ledger_total()

    call_command("purge_households")
    assert "Would erase (dry run; add --apply): 2 households" in capsys.readouterr().out
    assert Household.objects.get(pk=gone.pk).name == "Gone", "a dry run changes nothing"

    call_command("purge_households", "--apply")

    for household in (gone, paused_long):
        household.refresh_from_db()
        assert household.purged_at is not None
        assert all(getattr(household, field) == blank for field, blank in Household.PERSONAL_FIELDS.items())
        assert household.size == 3, "anonymous counts stay"
    assert Household.objects.get(pk=recent.pk).name == "Ended recently"
    assert Household.objects.get(pk=active.pk).name == "Active"
    assert _ledger_total() == ledger_before


def _record_a_pickup(world):
    from pickups.services import plan_schedule

    schedule = make_schedule(make_supplier(world.chapter), world.hub, "FREQ=DAILY;COUNT=1")
    plan_schedule(schedule=schedule)
    PickupLine.objects.create(
        pickup=schedule.pickups.get(),
        category=Category.objects.first(),
        quantity=Decimal(3),
        recorded_by=world.volunteer.user,
    )


def _ledger_total():
    return PickupLine.objects.aggregate(total=Sum("quantity"))["total"]


def test_a_household_is_erased_on_request_and_can_see_what_we_hold(coordinator, world):
    household = make_household(world.chapter, name="Amina", allergies="peanuts")
    sheet = coordinator.get(reverse("recipients:household_data", args=[household.pk]))
    assert "peanuts" in sheet.text
    assert HouseholdExport.objects.get().what == household.code
    wrong = coordinator.post(reverse("recipients:household_erase", args=[household.pk]), {"confirm": "nope"})
    assert wrong.status_code == 302
    assert Household.objects.get(pk=household.pk).name == "Amina"
    coordinator.post(reverse("recipients:household_erase", args=[household.pk]), {"confirm": household.code})
    household.refresh_from_db()
    assert (household.name, household.allergies, household.status) == ("", "", "ended")


def test_the_admin_never_shows_households():
    assert Household not in admin.site._registry
    assert HouseholdExport not in admin.site._registry
