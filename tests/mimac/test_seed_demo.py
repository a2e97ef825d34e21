import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from deliveries.models import Route
from mimac.management.commands.seed_demo import DEMO_PASSWORD
from mimac.models import Category, Chapter, Membership, Trust
from tests.factories import make_chapter


def test_seed_demo_refuses_to_run_with_debug_off(db):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()


def test_seed_demo_makes_the_demo_accounts_and_prints_them(db, capsys):
    call_command("seed_demo", "--force")

    output = capsys.readouterr().out
    coordinator = get_user_model().objects.get(username="coordinator")
    assert coordinator.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in output
    for username in ["admin", "coordinator", "volunteer", "auditor", "newcomer", "coordinator2"]:
        assert f"  {username} " in output


def test_seed_demo_shows_two_isolated_chapters_and_an_observing_newcomer(db):
    call_command("seed_demo", "--force")

    riverside = Membership.objects.get(user__username="coordinator").chapter
    assert riverside.hubs.count() == 2
    assert Membership.objects.get(user__username="newcomer").trust == Trust.OBSERVING
    assert Membership.objects.get(user__username="coordinator2").chapter != riverside


def test_seed_demo_has_a_small_library_with_open_loans_one_overdue(db):
    from hubdesk.models import Copy, Loan

    call_command("seed_demo", "--force")

    riverside = Chapter.objects.get(code="RIV")
    assert Copy.objects.filter(chapter=riverside).values("hub").distinct().count() == 1
    assert Copy.objects.filter(chapter=riverside).count() == 12
    assert Loan.objects.open().count() == 2
    assert Loan.objects.overdue(riverside.today()).count() == 1


def test_seed_demo_runs_once_and_then_leaves_the_data_alone(db, capsys):
    call_command("seed_demo", "--force", "--password", "first-password-long")
    call_command("seed_demo", "--force", "--password", "second-password-long")

    assert "already loaded" in capsys.readouterr().out
    assert get_user_model().objects.get(username="coordinator").check_password("first-password-long")


def test_seed_demo_plans_a_realistic_mix_of_supplier_pickups(db):
    from pickups.models import Pickup, Supplier

    call_command("seed_demo", "--force")

    riverside = Supplier.objects.filter(chapter__code="RIV")
    assert riverside.count() == 12
    assert len(set(riverside.values_list("kind", flat=True))) >= 5
    assert Pickup.objects.filter(supplier__chapter__code="RIV").count() > 50
    assert Pickup.objects.filter(assignments__isnull=True).exists(), "some pickups still need a volunteer"
    christmas = Membership.objects.get(user__username="coordinator").chapter.closure_days.get(reason="Christmas Day")
    assert not Pickup.objects.filter(date=christmas.date, supplier__chapter__code="RIV").exists()


def test_seed_demo_records_past_weeks_with_missed_pickups_and_a_correction(db):
    from pickups.models import Pickup, PickupLine

    call_command("seed_demo", "--force")

    riverside = Pickup.objects.filter(supplier__chapter__code="RIV")
    assert riverside.filter(status=Pickup.Status.DONE).count() > 10
    assert riverside.filter(status=Pickup.Status.MISSED).exclude(missed_reason="").exists()
    assert PickupLine.objects.filter(pickup__supplier__chapter__code="RIV", corrects__isnull=False).count() == 1


def test_seed_demo_takes_in_forty_varied_households(db):
    from recipients.models import Household

    call_command("seed_demo", "--force")

    riverside = Household.objects.filter(chapter__code="RIV")
    assert riverside.count() == 40
    assert set(riverside.values_list("status", flat=True)) == {"active", "paused", "ended"}
    assert len(set(riverside.values_list("language", flat=True))) >= 5
    assert riverside.filter(mode="walk_in").exists()


def test_seed_demo_publishes_todays_routes_for_the_demo_volunteer_one_half_done(db):
    from deliveries.models import Route

    call_command("seed_demo", "--force")

    today = Route.objects.filter(status=Route.Status.PUBLISHED, driver__username="volunteer")
    assert today.count() == 2
    assert today.filter(helpers__username="newcomer").exists()
    assert Route.objects.filter(status=Route.Status.DONE).count() == 2
    half_done = today.get(helpers__isnull=True)
    assert list(half_done.stops.values_list("outcome", flat=True)) == ["delivered", "not_home", "", "", ""], (
        "the day board has a route on its way to show"
    )


def test_seed_demo_gives_the_newcomer_a_track_record_beside_the_volunteer(db):
    from audit import track_record

    call_command("seed_demo", "--force")

    newcomer = Membership.objects.get(user__username="newcomer")
    lines = {
        line.figure.key: [count for _period, count in line.counts] for line in track_record.track_record(newcomer)[1]
    }
    assert lines["taken"][0] >= 1
    assert lines["given_back_before"] == [1, 1]
    assert lines["routes_with_trusted"] == [1, 1]
    assert newcomer.shifts_left() < newcomer.chapter.shifts_before_vouching


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_fresh_rebuilds_the_demo_dated_today(capsys):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        call_command("seed_demo", "--force")
    assert not Route.objects.filter(date=timezone.localdate()).exists(), "a month later, today is empty"
    categories = list(Category.objects.values_list("name", flat=True))

    call_command("seed_demo", "--force", "--fresh")

    assert Route.objects.filter(date=timezone.localdate()).exists()
    assert list(Category.objects.values_list("name", flat=True)) == categories
    assert get_user_model().objects.filter(username="admin").count() == 1
    assert "Demo data loaded." in capsys.readouterr().out


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_demo_fresh_refuses_a_database_with_other_chapters():
    make_chapter("Eastside Pantry", "EAS")
    with pytest.raises(CommandError, match="not the demo's"):
        call_command("seed_demo", "--force", "--fresh")
    assert Chapter.objects.filter(code="EAS").exists()


def test_seed_demo_shows_standing_routes_a_paused_household_and_the_weeks_drafts(db, client):
    from deliveries.models import Pause, PlanNote, StandingRoute

    call_command("seed_demo", "--force")
    riverside = Chapter.objects.get(code="RIV")
    standing = StandingRoute.objects.filter(chapter=riverside)
    assert sorted(standing.values_list("name", flat=True)) == ["Thursday Grand Blvd", "Tuesday east"]
    pause = Pause.objects.get()
    today = riverside.today()
    assert pause.starts_on <= today <= pause.ends_on
    assert pause.household.status == "active"
    drafts = Route.objects.filter(standing_route__in=standing)
    assert sorted({route.date.weekday() for route in drafts}) == [1, 3]
    assert not drafts.filter(stops__household=pause.household).exists()
    assert PlanNote.objects.filter(chapter=riverside, kind="unplaced").exists()
    client.force_login(get_user_model().objects.get(username="coordinator"))
    home = client.get("/")
    assert "Standing deliveries" in home.text
