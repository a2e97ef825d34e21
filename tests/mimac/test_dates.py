"""Dates people type. What happened is dated no later than today where the chapter is; plans reach at most 366
days ahead; nothing is dated before the chapter started. Each is refused on its own field, the input kept."""

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deliveries.models import HouseholdReport, Route
from hubdesk import services as hubdesk_services
from hubdesk.models import Handout, Spoilage, StockCount
from mimac.models import Category, Chapter, ClosureDay
from pickups.models import PickupLine, PickupSchedule, SupplierClosure
from recipients.models import Household
from tests.factories import make_household, make_pickup, make_supplier

PLANS = 366  # how many days ahead a plan may reach


@dataclass(frozen=True)
class Typed:
    """A form where someone types a date: its page, what they send with `day` in the date field, and the rows."""

    url: Callable
    data: Callable
    field: str
    rows: Callable
    ahead: int = 0


def _produce():
    return Category.objects.get(code="produce")


def _household_page(world):
    return reverse("deliveries:household_reports", args=[make_household(world.chapter).pk])


def _intake(world, day):
    return {
        "name": "Amina", "mode": "delivery", "address": "12 Oak St", "delivery_window": "any", "size": 2,
        "children": 0, "seniors": 0, "language": "en", "contact": "paper_only", "consent_on": day, "version": 1,
    }  # fmt: skip


def _schedule(world, **dates):
    month_ago = world.chapter.today() - datetime.timedelta(days=30)  # the latest start of the chapter these tests set
    data = {
        "hub": world.hub.pk, "pattern": "weekly", "interval": 1, "weekdays": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
        "starts_on": month_ago.isoformat(), "window_start": "09:00", "window_end": "11:00",
        "active": "on", "version": 1,
    }  # fmt: skip
    return {**data, **dates}


def _supplier_page(name):
    return lambda world: reverse(name, args=[make_supplier(world.chapter).pk])


TYPED = {
    "handout": Typed(
        lambda world: reverse("hubdesk:desk", args=[world.hub.pk]),
        lambda world, day: {"date": day, "people": "1", f"category_{_produce().pk}": "5"},
        "date",
        Handout.objects.count,
    ),
    "spoilage": Typed(
        lambda world: reverse("hubdesk:spoilage", args=[world.hub.pk]),
        lambda world, day: {"date": day, "category": _produce().pk, "quantity": "4", "reason": "mould"},
        "date",
        Spoilage.objects.count,
    ),
    "stock count": Typed(
        lambda world: reverse("hubdesk:count", args=[world.hub.pk]),
        lambda world, day: {"date": day, "counted_by": world.coordinator.user.pk, f"category_{_produce().pk}": "0"},
        "date",
        StockCount.objects.count,
    ),
    "household report": Typed(
        _household_page,
        lambda world, day: {"date": day, "kind": "received", "via": "phone"},
        "date",
        HouseholdReport.objects.count,
    ),
    "consent": Typed(
        lambda world: reverse("recipients:household_create", args=[world.chapter.code]),
        _intake,
        "consent_on",
        Household.objects.count,
    ),
    "route": Typed(
        lambda world: reverse("deliveries:route_create", args=[world.chapter.code]),
        lambda world, day: {"name": "Eastside", "date": day, "hub": world.hub.pk, "version": 1},
        "date",
        Route.objects.count,
        ahead=PLANS,
    ),
    "schedule start": Typed(
        _supplier_page("pickups:schedule_create"),
        lambda world, day: _schedule(world, starts_on=day),
        "starts_on",
        PickupSchedule.objects.count,
        ahead=PLANS,
    ),
    "schedule end": Typed(
        _supplier_page("pickups:schedule_create"),
        lambda world, day: _schedule(world, ends_on=day),
        "ends_on",
        PickupSchedule.objects.count,
        ahead=PLANS,
    ),
    "schedule skip": Typed(
        _supplier_page("pickups:schedule_create"),
        lambda world, day: _schedule(world, skip_dates_text=day),
        "skip_dates_text",
        PickupSchedule.objects.count,
        ahead=PLANS,
    ),
    "chapter closure": Typed(
        lambda world: reverse("pickups:chapter_closures", args=[world.chapter.code]),
        lambda world, day: {"date": day, "reason": "Holiday"},
        "date",
        ClosureDay.objects.count,
        ahead=PLANS,
    ),
    "supplier closure": Typed(
        _supplier_page("pickups:supplier_closures"),
        lambda world, day: {"starts_on": day, "ends_on": day, "reason": "Renovation"},
        "starts_on",
        SupplierClosure.objects.count,
        ahead=PLANS,
    ),
}


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator.user)
    return client


def _refused(client, url, data, typed: Typed, message: str):
    """Check `data` is refused on the date's field with `message`, the input kept and nothing saved."""
    day, rows = data[typed.field], typed.rows()
    response = client.post(url, data)
    assert response.status_code == 200, f"{day} was accepted"
    form = response.context["form"]
    assert any(message in error for error in form.errors.get(typed.field, [])), form.errors
    assert form[typed.field].value() == day, "the input is kept"
    assert typed.rows() == rows


def _accepted(client, url, data, typed: Typed):
    rows = typed.rows()
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert typed.rows() == rows + 1


@pytest.mark.parametrize("typed", TYPED.values(), ids=TYPED)
def test_a_date_far_in_the_future_is_refused_on_its_field_and_the_input_kept(coordinator, world, typed):
    _refused(coordinator, typed.url(world), typed.data(world, "2999-01-01"), typed, "2999-01-01 is ")


@pytest.mark.parametrize("typed", TYPED.values(), ids=TYPED)
def test_the_last_day_allowed_is_accepted_and_the_next_refused(coordinator, world, typed):
    url, last = typed.url(world), world.chapter.today() + datetime.timedelta(days=typed.ahead)
    if typed.ahead:
        message = f"is more than 366 days ahead: choose a day up to {last}."
    else:
        message = f"is in the future: what happened is dated today ({last}) at the latest."
    _refused(coordinator, url, typed.data(world, str(last + datetime.timedelta(days=1))), typed, message)
    _accepted(coordinator, url, typed.data(world, str(last)), typed)


# A schedule's last day comes after its first, which is held to the chapter's start already.
STARTED = {name: typed for name, typed in TYPED.items() if name != "schedule end"}


@pytest.mark.parametrize("typed", STARTED.values(), ids=STARTED)
def test_a_date_before_the_chapter_started_is_refused(coordinator, world, typed):
    start = world.chapter.today() - datetime.timedelta(days=30)
    Chapter.objects.filter(pk=world.chapter.pk).update(started_on=start)
    world.chapter.refresh_from_db()
    url = typed.url(world)
    message = f"is before Riverside Mutual Aid started using MIMAC, on {start}."
    _refused(coordinator, url, typed.data(world, str(start - datetime.timedelta(days=1))), typed, message)
    _accepted(coordinator, url, typed.data(world, str(start)), typed)


def test_today_is_where_the_chapter_is(coordinator, world):
    """At 20:00 UTC on 3 December it is already the 4th on Kiritimati: a handout of the 4th is today's there."""
    url = reverse("hubdesk:desk", args=[world.hub.pk])
    typed = TYPED["handout"]
    with time_machine.travel(datetime.datetime(2026, 12, 3, 20, 0, tzinfo=datetime.UTC), tick=False):
        coordinator.force_login(world.coordinator.user)
        Chapter.objects.filter(pk=world.chapter.pk).update(time_zone="Pacific/Kiritimati")
        _accepted(coordinator, url, typed.data(world, "2026-12-04"), typed)
        Chapter.objects.filter(pk=world.chapter.pk).update(time_zone="Pacific/Honolulu")  # 10:00 on the 3rd there
        _refused(coordinator, url, typed.data(world, "2026-12-04"), typed, "is in the future")


def test_the_ledger_itself_refuses_a_row_dated_in_the_future_or_before_the_start(world):
    produce, by, tomorrow = _produce(), world.volunteer.user, world.chapter.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="is in the future"):
        hubdesk_services.record_handout(hub=world.hub, by=by, date=tomorrow, lines=[(produce, 1)])
    before = datetime.date(2019, 12, 31)
    spoiled = Spoilage(hub=world.hub, date=before, category=produce, quantity=1, reason="mould", recorded_by=by)
    with pytest.raises(ValidationError, match="before Riverside Mutual Aid started"):
        Spoilage.objects.bulk_create([spoiled])
    assert not Handout.objects.exists()
    assert not Spoilage.objects.exists()


def test_a_correction_repeats_the_date_of_the_row_it_corrects(coordinator, world):
    day = world.chapter.today() - datetime.timedelta(days=10)
    spoiled = hubdesk_services.record_spoilage(
        hub=world.hub, by=world.volunteer.user, date=day, category=_produce(), quantity=8, reason="mould"
    )
    Chapter.objects.filter(pk=world.chapter.pk).update(started_on=day + datetime.timedelta(days=1))
    url = reverse("ledger:entry", args=["spoilage", spoiled.pk])
    assert coordinator.post(url, {"quantity": "6", "reason": "two crates were fine"}).status_code == 302
    assert spoiled.correction.date == day


def test_a_date_kept_as_it_was_is_not_judged_again(coordinator, world):
    """A household taken in before the chapter's records start keeps its consent date through an edit."""
    household = make_household(world.chapter, consent_on=datetime.date(2021, 5, 1))
    Chapter.objects.filter(pk=world.chapter.pk).update(started_on=datetime.date(2024, 1, 1))
    url = reverse("recipients:household_edit", args=[household.pk])
    data = {**_intake(world, "2021-05-01"), "version": household.version, "access_notes": "Buzzer 4"}
    assert coordinator.post(url, data).status_code == 302
    refused = coordinator.post(url, {**data, "version": household.version + 1, "consent_on": "2021-05-02"})
    assert "is before Riverside Mutual Aid started" in refused.text


def test_an_imported_household_with_a_future_consent_names_its_row(coordinator, world):
    content = b"name,size,mode,address,contact,consent_on\nAmina,2,delivery,12 Oak St,paper_only,2999-01-01\n"
    upload = SimpleUploadedFile("households.csv", content, content_type="text/csv")
    response = coordinator.post(reverse("recipients:household_import", args=["RIV"]), {"file": upload})
    assert "Row 2, consent_on: 2999-01-01 is in the future" in response.text
    assert not Household.objects.exists()


def test_a_coalition_admin_sets_the_start_no_later_than_the_chapters_first_record(client, world):
    client.force_login(world.admin)
    url = reverse("admin:mimac_chapter_change", args=[world.chapter.pk])
    page = client.get(url)
    data = {
        name: value
        for name, value in page.context["adminform"].form.initial.items()
        if name not in {"id", "version"} and value is not None
    }
    data.update({"closure_days-TOTAL_FORMS": 0, "closure_days-INITIAL_FORMS": 0})
    first = world.chapter.today() - datetime.timedelta(days=5)
    hubdesk_services.record_handout(hub=world.hub, by=world.volunteer.user, date=first, lines=[(_produce(), 1)])

    later = client.post(url, {**data, "started_on": str(first + datetime.timedelta(days=1))})
    assert f"The chapter has records from {first} already" in later.text
    assert client.post(url, {**data, "started_on": "2015-06-01"}).status_code == 302
    world.chapter.refresh_from_db()
    assert world.chapter.started_on == datetime.date(2015, 6, 1)
    client.force_login(world.coordinator.user)
    settings_page = client.get(reverse("chapter_settings", args=[world.chapter.code]))
    assert "Records start on <strong>2015-06-01</strong>" in settings_page.text


def test_the_migration_starts_each_chapter_at_its_earliest_ledger_row(world):
    migration = importlib.import_module("mimac.migrations.0011_chapter_started_on")
    today = world.chapter.today()
    hubdesk_services.record_handout(
        hub=world.hub, by=world.volunteer.user, date=today - datetime.timedelta(days=20), lines=[(_produce(), 1)]
    )
    pickup = make_pickup(world)
    a_month_ago = timezone.now() - datetime.timedelta(days=30)  # a row without a date of its own: when recorded
    PickupLine.objects.create(
        pickup=pickup, category=_produce(), quantity=3, recorded_by=world.volunteer.user, recorded_at=a_month_ago
    )
    Chapter.objects.update(started_on=datetime.date(2000, 1, 1))

    migration.start_at_the_earliest_record(apps, schema_editor=None)

    starts = dict(Chapter.objects.values_list("code", "started_on"))
    assert starts == {"RIV": timezone.localdate(a_month_ago), "NGF": world.other_chapter.today()}
