"""Changes to standing deliveries: arrangements, pauses and standing routes. Each writes the security trail where
a household changed (by code only) and plans again just what it touched."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from deliveries import planner
from deliveries.models import (
    DeliveryArrangement,
    Pause,
    PlanNote,
    StandingRoute,
    StandingStop,
    StopRemoval,
    UsualItem,
)
from mimac.models import Category, StaleEdit, TrailEvent, record
from recipients.models import Household


class StandingRefused(Exception):
    """A change to a standing route that the rules do not allow; the message says why."""


@transaction.atomic
def save_arrangement(*, form, items: dict[Category, Decimal], by) -> DeliveryArrangement:
    """The arrangement from its form (versioned) with its usual items, then the household planned again."""
    arrangement = form.save()
    arrangement.usual_items.all().delete()
    UsualItem.objects.bulk_create(
        UsualItem(arrangement=arrangement, category=category, quantity=quantity) for category, quantity in items.items()
    )
    household = arrangement.household
    record(TrailEvent.Kind.HOUSEHOLD, by, household.chapter, f"{household.code} standing delivery set")
    planner.plan_household(household=household)
    return arrangement


@transaction.atomic
def end_arrangement(*, household: Household, by) -> None:
    """No more standing deliveries: off their standing routes, and the planner's stops for them go."""
    DeliveryArrangement.objects.filter(household=household).delete()
    routes = set(household.standing_places.values_list("standing_route", flat=True))
    household.standing_places.all().delete()
    StandingRoute.objects.filter(pk__in=routes).update(version=F("version") + 1)
    record(TrailEvent.Kind.HOUSEHOLD, by, household.chapter, f"{household.code} standing delivery ended")
    planner.plan_household(household=household)


def _pause_days(*ranges) -> set[datetime.date]:
    days = set()
    for first, last in ranges:
        day = first
        while day <= last:
            days.add(day)
            day += datetime.timedelta(days=1)
    return days


@transaction.atomic
def save_pause(*, form, by) -> Pause:
    """A new or changed pause (versioned), then the household planned again for the days it covers or covered."""
    loaded = getattr(form.instance, "_loaded_values", {})
    was = (loaded["starts_on"], loaded["ends_on"]) if loaded else None
    pause = form.save(commit=False)
    if pause._state.adding:
        pause.recorded_by = by
    pause.save()
    household = pause.household
    subject = f"{household.code} pause {pause.starts_on:%Y-%m-%d} to {pause.ends_on:%Y-%m-%d}"
    record(TrailEvent.Kind.HOUSEHOLD, by, household.chapter, subject)
    days = _pause_days((pause.starts_on, pause.ends_on), *([was] if was else []))
    planner.plan_household(household=household, days=days)
    return pause


@transaction.atomic
def end_pause(*, pause: Pause, by) -> Pause | None:
    """They are back: a pause not begun yet is cancelled; one under way ends yesterday, so today counts again."""
    household = pause.household
    today = household.chapter.today()
    if pause.ends_on < today:
        raise StandingRefused(
            _("This pause is over already: deliveries started again on %(date)s.")
            % {"date": pause.resumes_on.isoformat()}
        )
    days = _pause_days((max(pause.starts_on, today), pause.ends_on))
    if pause.starts_on >= today:
        pause.delete()
        pause = None
        what = "pause cancelled"
    else:
        pause.ends_on = today - datetime.timedelta(days=1)
        pause.save()
        what = "pause ended"
    record(TrailEvent.Kind.HOUSEHOLD, by, household.chapter, f"{household.code} {what}")
    planner.plan_household(household=household, days=days)
    return pause


def erase(household: Household) -> None:
    """What standing deliveries keep about a household goes with its personal data (its erase hook): pauses and
    their reasons, the arrangement and its usual items, its places on standing routes and the planner's notes."""
    household.delivery_pauses.all().delete()
    DeliveryArrangement.objects.filter(household=household).delete()
    household.standing_places.all().delete()
    StopRemoval.objects.filter(household=household).delete()
    PlanNote.objects.filter(household=household).delete()
    planner.plan_household(household=household)


def household_changed(household: Household) -> None:
    """Its status or details changed (its extension hook): due or not, it is planned again."""
    planner.plan_household(household=household)


def closure_day_changed(chapter, date: datetime.date) -> None:
    planner.plan_days(chapter=chapter, days=[date])


def _claim(standing_route: StandingRoute, version: int) -> StandingRoute:
    """The next version of the standing route for a change to its households; an old one is refused."""
    claimed = StandingRoute.objects.filter(pk=standing_route.pk, version=version).update(version=F("version") + 1)
    if not claimed:
        raise StaleEdit(current=StandingRoute.objects.get(pk=standing_route.pk))
    standing_route.version = version + 1
    return standing_route


@transaction.atomic
def add_households(*, standing_route: StandingRoute, households: list[Household], version: int) -> None:
    """At the end of the standing route, in the order given."""
    _claim(standing_route, version)
    taken = StandingStop.objects.filter(household__in=households, weekday=standing_route.weekday).select_related(
        "standing_route", "household__chapter"
    )
    if taken:
        raise StandingRefused(
            _("%(code)s is on the standing route %(route)s that weekday already: move it from there.")
            % {"code": taken[0].household.code, "route": taken[0].standing_route.name}
        )
    last = standing_route.places.aggregate(last=Max("sequence"))["last"] or 0
    StandingStop.objects.bulk_create(
        StandingStop(standing_route=standing_route, household=household, weekday=standing_route.weekday,
                     sequence=last + number)
        for number, household in enumerate(households, start=1)
    )  # fmt: skip
    planner.plan_standing_route(standing_route=standing_route)


@transaction.atomic
def remove_household(*, place: StandingStop, version: int) -> None:
    _claim(place.standing_route, version)
    place.delete()
    planner.plan_standing_route(standing_route=place.standing_route, households=[place.household_id])


@transaction.atomic
def move_household(*, place: StandingStop, places: int, version: int) -> None:
    """Up (negative) or down (positive) the standing route."""
    standing_route = _claim(place.standing_route, version)
    order = list(standing_route.places.all())
    position = next(n for n, other in enumerate(order) if other.pk == place.pk)
    order.insert(max(0, min(len(order) - 1, position + places)), order.pop(position))
    for sequence, other in enumerate(order, start=1):
        other.sequence = sequence
    StandingStop.objects.bulk_update(order, ["sequence"])
    planner.plan_standing_route(standing_route=standing_route)


@transaction.atomic
def transfer_household(*, place: StandingStop, to: StandingRoute, version: int) -> None:
    """To the end of another standing route of the chapter; on another weekday, they are due that day instead
    only if their arrangement says so."""
    source = _claim(place.standing_route, version)
    if to.pk == source.pk:
        return
    clash = StandingStop.objects.filter(household=place.household_id, weekday=to.weekday).exclude(pk=place.pk)
    if clash.exists():
        raise StandingRefused(
            _("%(code)s is on another standing route that weekday already.") % {"code": place.household.code}
        )
    StandingRoute.objects.filter(pk=to.pk).update(version=F("version") + 1)
    last = to.places.aggregate(last=Max("sequence"))["last"] or 0
    place.standing_route, place.weekday, place.sequence = to, to.weekday, last + 1
    place.save()
    planner.plan(chapter=source.chapter, households={place.household_id}, standing_routes={source.pk, to.pk})


def after_standing_route_saved(standing_route: StandingRoute) -> None:
    """Its weekday follows to its places (refused by the database if one would clash), then its days planned."""
    standing_route.places.exclude(weekday=standing_route.weekday).update(weekday=standing_route.weekday)
    planner.plan_standing_route(standing_route=standing_route)
