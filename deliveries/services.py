import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliveries import queries
from deliveries.models import DeliveryLine, PlannedItem, Route, RouteLoad, Stop, StopRemoval, StopTransfer
from deliveries.planning import suggested_items
from mimac.models import Category, Membership, Trust
from recipients.models import Household


class RouteRefused(Exception):
    """A change to a route that its state or the rules do not allow; the message says why."""


def _editable(route: Route, version: int) -> Route:
    route = Route.objects.select_for_update().get(pk=route.pk)
    if route.status != Route.Status.DRAFT:
        raise RouteRefused(_("Only a draft route can be changed: put it back to draft first."))
    route.claim(version)
    return route


@transaction.atomic
def add_stops(*, route: Route, households: list[Household], version: int, by=None) -> list[Stop]:
    """Add households at the end of the route, with items planned from their size and needs. `by`: the person
    who added them (the planner leaves their stops alone)."""
    route = _editable(route, version)
    busy = Stop.objects.filter(route__date=route.date, household__in=households).select_related("household", "route")
    if busy:
        raise RouteRefused(
            _("%(code)s is already on the route %(route)s that day.")
            % {"code": busy[0].household.code, "route": busy[0].route.name}
        )
    last = route.stops.aggregate(last=Max("sequence"))["last"] or 0
    stops = Stop.objects.bulk_create(
        Stop(route=route, household=household, sequence=last + number, added_by=by)
        for number, household in enumerate(households, start=1)
    )
    StopRemoval.objects.filter(route=route, household__in=households).delete()
    categories = {category.code: category for category in Category.objects.filter(active=True)}
    PlannedItem.objects.bulk_create(
        PlannedItem(stop=stop, category=categories[code], quantity=quantity)
        for stop in stops
        for code, quantity in suggested_items(stop.household).items()
        if code in categories
    )
    return stops


@transaction.atomic
def remove_stop(*, stop: Stop, version: int, by=None) -> None:
    """Take a household off a draft route; a stop whose outcome is recorded is part of what happened, and stays.
    Off a route the planner drafts, it stays off: the planner does not put it back."""
    route = _editable(stop.route, version)
    stop = Stop.objects.select_related("household__chapter").get(pk=stop.pk)
    if stop.outcome:
        raise RouteRefused(
            _("%(code)s was recorded as %(outcome)s: it stays on the route.")
            % {"code": stop.household.code, "outcome": stop.get_outcome_display().lower()}
        )
    if route.standing_route_id and by is not None:
        StopRemoval.objects.get_or_create(route=route, household=stop.household, defaults={"removed_by": by})
    stop.delete()


@transaction.atomic
def reorder(*, route: Route, stop_ids: list[int], version: int, by=None) -> None:
    """Put the stops in the given order (all of them, each once). The planner keeps a person's order."""
    route = _editable(route, version)
    stops = {stop.pk: stop for stop in route.stops.all()}
    if sorted(stop_ids) != sorted(stops):
        raise RouteRefused(_("The route changed while you were ordering it. Look again and try once more."))
    for sequence, pk in enumerate(stop_ids, start=1):
        stops[pk].sequence = sequence
    Stop.objects.bulk_update(stops.values(), ["sequence"])
    if by is not None:
        Route.objects.filter(pk=route.pk).update(reordered_by=by)


def move(*, stop: Stop, places: int, version: int, by=None) -> None:
    """Move a stop up (negative) or down (positive) the route."""
    order = list(stop.route.stops.values_list("pk", flat=True))
    position = order.index(stop.pk)
    order.insert(max(0, min(len(order) - 1, position + places)), order.pop(position))
    reorder(route=stop.route, stop_ids=order, version=version, by=by)


@transaction.atomic
def set_items(*, stop: Stop, items: dict[Category, Decimal], version: int, by=None) -> None:
    """A person's plan for the stop: the planner leaves a stop whose items a person set."""
    _editable(stop.route, version)
    if by is not None:
        Stop.objects.filter(pk=stop.pk).update(changed_by=by)
    stop.planned_items.all().delete()
    PlannedItem.objects.bulk_create(
        PlannedItem(stop=stop, category=category, quantity=quantity) for category, quantity in items.items()
    )


def publish_problems(route: Route, stops: list[Stop] | None = None) -> list[str]:
    """Why the route cannot be published yet; empty when it can. `stops`, with their planned items
    prefetched, saves fetching them again when the caller has them."""
    problems = []
    if route.driver_id is None:
        problems.append(_("The route has no driver."))
    if stops is None:
        stops = list(route.stops.select_related("household").prefetch_related("planned_items"))
    if not stops:
        problems.append(_("The route has no stops."))
    for stop in stops:
        if not stop.planned_items.all():
            problems.append(_("Stop %(code)s has nothing planned.") % {"code": stop.household.code})
    memberships = Membership.objects.active().filter(chapter=route.chapter, user__in=route.volunteers)
    trust = {membership.user_id: membership.trust for membership in memberships}
    if trust and Trust.TRUSTED not in trust.values():
        problems.append(_("A new member on this route needs a trusted member with them."))
    for volunteer in route.volunteers:
        if volunteer.pk not in trust:
            problems.append(_("%(name)s is not an active member of the chapter.") % {"name": volunteer})
    return problems


@transaction.atomic
def publish(*, route: Route, by, version: int) -> None:
    route = _editable(route, version)
    problems = publish_problems(route)
    if problems:
        raise RouteRefused(" ".join(problems))
    route.status, route.published_by, route.published_at = Route.Status.PUBLISHED, by, timezone.now()
    route.save(update_fields=["status", "published_by", "published_at"])


@transaction.atomic
def back_to_draft(*, route: Route, version: int) -> None:
    route = Route.objects.select_for_update().get(pk=route.pk)
    if route.status != Route.Status.PUBLISHED:
        raise RouteRefused(_("Only a published route can go back to draft."))
    recorded = route.stops.exclude(outcome="").count()
    if recorded:
        # Its volunteers are on the road with it: a draft would vanish from their phones mid-shift.
        raise RouteRefused(
            ngettext(
                "A stop of this route is recorded already, so it stays published for its volunteers.",
                "%(count)d stops of this route are recorded already, so it stays published for its volunteers.",
                recorded,
            )
            % {"count": recorded}
        )
    route.claim(version)
    route.status = Route.Status.DRAFT
    route.save(update_fields=["status"])


@transaction.atomic
def copy_route(*, route: Route, date: datetime.date) -> Route:
    """A draft for another day with the same volunteers, and the same stops where the household can still come."""
    copy = Route.objects.create(chapter=route.chapter, hub=route.hub, date=date, name=route.name, driver=route.driver)
    copy.helpers.set(route.helpers.all())
    busy = Stop.objects.filter(route__date=date).values("household")
    stops = route.stops.filter(household__status=Household.Status.ACTIVE, household__mode=Household.Mode.DELIVERY)
    for stop in stops.exclude(household__in=busy).prefetch_related("planned_items"):
        new = Stop.objects.create(route=copy, household_id=stop.household_id, sequence=stop.sequence)
        PlannedItem.objects.bulk_create(
            PlannedItem(stop=new, category_id=item.category_id, quantity=item.quantity)
            for item in stop.planned_items.all()
        )
    return copy


@transaction.atomic
def record_stop(*, stop: Stop, by, outcome: str, lines: list[tuple[Category, Decimal]], note: str = "") -> Stop:
    """What happened at a stop. Two people recording it at once: the first wins, the second is told."""
    stop = Stop.objects.select_for_update(of=("self",)).select_related("route__chapter", "recorded_by").get(pk=stop.pk)
    if stop.outcome:
        raise RouteRefused(
            _("%(name)s already recorded this stop as %(outcome)s at %(time)s. Nothing of yours was saved.")
            % {
                "name": stop.recorded_by.first_name or stop.recorded_by.username,
                "outcome": stop.get_outcome_display().lower(),
                "time": timezone.localtime(stop.recorded_at, stop.route.chapter.zone).strftime("%H:%M"),
            }
        )
    if stop.route.status != Route.Status.PUBLISHED:
        raise RouteRefused(_("Only the stops of a published route are recorded."))
    if stop.route.date > stop.route.chapter.today():
        raise RouteRefused(
            _("This route is for %(date)s: its stops are recorded on its day.") % {"date": stop.route.date.isoformat()}
        )
    if outcome == Stop.Outcome.DELIVERED and not lines:
        raise RouteRefused(_("Enter what was handed over, or choose another outcome."))
    DeliveryLine.objects.bulk_create(
        DeliveryLine(stop=stop, category=category, quantity=quantity, recorded_by=by)
        for category, quantity in (lines if outcome == Stop.Outcome.DELIVERED else [])
    )
    stop.outcome, stop.note, stop.recorded_by, stop.recorded_at = outcome, note, by, timezone.now()
    stop.save(update_fields=["outcome", "note", "recorded_by", "recorded_at"])
    return stop


def erase_notes(household: Household) -> None:
    """Forget the free-text notes about a household, at its stops and in what it told us (its erase hook,
    registered in apps.py). The ledger's hash chain leaves notes out so that this never breaks it."""
    household.stops.update(note="")
    household.reports.update(note="")


@transaction.atomic
def key_in(*, route: Route, entries: list, sheet_returned: bool, by) -> None:
    """A whole paper sheet at once: every stop, or nothing if any stop is refused."""
    for stop, outcome, lines, note in entries:
        try:
            record_stop(stop=stop, by=by, outcome=outcome, lines=lines, note=note)
        except RouteRefused as refusal:
            raise RouteRefused(
                _("Stop %(number)d (%(code)s): %(reason)s Nothing was saved.")
                % {"number": stop.sequence, "code": stop.household.code, "reason": refusal}
            ) from None
    if sheet_returned:
        Route.objects.filter(pk=route.pk).update(sheet_returned_at=timezone.now(), sheet_returned_to=by)
    if not route.stops.filter(outcome="").exists():
        Route.objects.filter(pk=route.pk).update(status=Route.Status.DONE)


@transaction.atomic
def move_stops(*, route: Route, stops: list[Stop], to: Route, by) -> StopTransfer:
    """Move stops nobody recorded from a published route to another published route of its chapter and day. The
    planned goods the first route still carries go with them: a return on it and a load-out on the other, marked as
    moved by the coordinator, so both routes still balance. Both routes and the stops are locked while they move:
    two coordinators cannot move the same stops twice, nor a volunteer record a stop as it moves."""
    if to.pk == route.pk:
        raise RouteRefused(_("Choose another route to move the stops to."))
    locked = Route.objects.select_for_update().filter(pk__in=[route.pk, to.pk]).order_by("pk")
    routes = {locked_route.pk: locked_route for locked_route in locked}
    route, to = routes[route.pk], routes[to.pk]
    if route.status != Route.Status.PUBLISHED or to.status != Route.Status.PUBLISHED:
        raise RouteRefused(_("Stops move only from a published route to another published route."))
    if (to.chapter_id, to.date) != (route.chapter_id, route.date):
        raise RouteRefused(_("Stops move only to another route of the same day."))
    ids = {stop.pk for stop in stops}
    stops = list(Stop.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related("household__chapter"))
    _check_movable(route, to, stops, ids)
    loads = _move_goods(route, to, stops, by)
    last = to.stops.aggregate(last=Max("sequence"))["last"] or 0
    for number, stop in enumerate(sorted(stops, key=lambda stop: (stop.sequence, stop.pk)), start=1):
        stop.route, stop.sequence, stop.changed_by = to, last + number, by
    Stop.objects.bulk_update(stops, ["route", "sequence", "changed_by"])
    Route.objects.filter(pk__in=[route.pk, to.pk]).update(version=F("version") + 1)
    transfer = StopTransfer.objects.create(from_route=route, to_route=to, moved_by=by)
    transfer.stops.set(stops)
    transfer.loads.set(loads)
    return transfer


def _check_movable(route: Route, to: Route, stops: list[Stop], ids: set[int]) -> None:
    if not ids:
        raise RouteRefused(_("Choose at least one stop to move."))
    if len(stops) != len(ids) or any(stop.route_id != route.pk for stop in stops):
        raise RouteRefused(_("A stop you chose is no longer on this route. Nothing was moved: look again."))
    for stop in stops:
        if stop.outcome:
            raise RouteRefused(
                _("%(code)s was recorded as %(outcome)s: a recorded stop stays on its route. Nothing was moved.")
                % {"code": stop.household.code, "outcome": stop.get_outcome_display().lower()}
            )
    if to.stops.filter(household__in=[stop.household_id for stop in stops]).exists():
        raise RouteRefused(_("A household you chose is on that route already. Nothing was moved."))


def _move_goods(route: Route, to: Route, stops: list[Stop], by) -> list[RouteLoad]:
    """What the first route still carries of the stops' planned items (never more): returned on it, loaded out on
    the other, countersigned by the coordinator who moved them."""
    left = {
        balance.category.pk: balance.carried - balance.delivered
        for balance in queries.route_balances(Route.objects.filter(pk=route.pk))
    }
    planned = PlannedItem.objects.filter(stop__in=stops).values_list("category").annotate(Sum("quantity")).order_by()
    goods = {category: min(total, left.get(category, Decimal(0))) for category, total in planned}
    goods = {category: quantity for category, quantity in sorted(goods.items()) if quantity > 0}
    rows = [
        RouteLoad(route=route, direction=RouteLoad.Direction.BACK, category_id=category, quantity=quantity,
                  recorded_by=by)
        for category, quantity in goods.items()
    ] + [
        RouteLoad(route=to, direction=RouteLoad.Direction.OUT, category_id=category, quantity=quantity,
                  countersigned_by=by, recorded_by=by)
        for category, quantity in goods.items()
    ]  # fmt: skip
    return RouteLoad.objects.bulk_create(rows)
