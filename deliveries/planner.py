"""The planner: each delivery day's routes, drafted from the standing routes some days ahead.

One idempotent operation, as `pickups.services.plan_schedule` is for pickups: run for just what changed whenever an
arrangement, a pause, a standing route, a household or a closure day changes, and daily from cron for every chapter
(`manage.py plan_deliveries`). A household is due on a day its arrangement gives, unless the chapter is closed, it
is paused, or it is no longer an active delivery household; it goes on the draft of its standing route for that
weekday, with its usual items, unless it is on another route that day or a person took it off this one. Only drafts
never published are touched. The planner adds and removes only its own stops that nobody changed, keeps a person's
order, name and people, and notes (`PlanNote`) the due households on no standing route and the stops it left alone.
A usual driver or helper away on a day (`mimac.models.Absence`) is left off that day's draft, and is on it again after.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field, fields

from django.db import transaction
from django.db.models import F, Q

from deliveries.models import (
    DeliveryArrangement,
    Pause,
    PlannedItem,
    PlanningSettings,
    PlanNote,
    Route,
    StandingRoute,
    StandingStop,
    Stop,
    StopRemoval,
    UsualItem,
)
from deliveries.planning import suggested_items
from mimac.models import Absence, Category, Chapter, ClosureDay
from recipients.models import Household

Why = PlanNote.Why
# Why a stop left on a draft is worth a note: what the planner would have changed had a person not been there first.
NOTED = {Why.PAUSED, Why.CLOSED, Why.NOT_ACTIVE, Why.ELSEWHERE}


@dataclass
class PlanResult:
    routes_created: int = 0
    routes_removed: int = 0
    stops_added: int = 0
    stops_removed: int = 0
    left_alone: list = field(default_factory=list)  # (household id, route name, date, why, how)
    unplaced: int = 0

    def __add__(self, other: "PlanResult") -> "PlanResult":
        return PlanResult(*(getattr(self, each.name) + getattr(other, each.name) for each in fields(self)))


def horizon(chapter: Chapter, today: datetime.date | None = None) -> list[datetime.date]:
    """The days the planner drafts: today and the chapter's days ahead after it."""
    today = today or chapter.today()
    return [today + datetime.timedelta(days=n) for n in range(PlanningSettings.days_ahead_of(chapter))]


def plan_household(*, household: Household, days=None) -> PlanResult:
    return plan(chapter=household.chapter, households={household.pk}, days=days)


def plan_standing_route(*, standing_route: StandingRoute, households=()) -> PlanResult:
    """After a change to a standing route; `households` it lost are planned too (they may be unplaced now)."""
    return plan(chapter=standing_route.chapter, households=set(households), standing_routes={standing_route.pk})


def plan_days(*, chapter: Chapter, days) -> PlanResult:
    """After a closure day came or went: every household of the chapter, those days only."""
    return plan(chapter=chapter, days=days)


def plan_everything(*, today: datetime.date | None = None) -> PlanResult:
    result = PlanResult()
    for chapter in Chapter.objects.all():
        result += plan(chapter=chapter, today=today)
    return result


@transaction.atomic
def plan(*, chapter: Chapter, households=None, standing_routes=None, days=None, today=None) -> PlanResult:
    """Make the drafts of the chapter's standing routes match who is due, for `days` within the horizon.

    With neither `households` nor `standing_routes`, the whole chapter; otherwise only the standing routes those
    households are on or were drafted on, and the given ones, with every household on them.
    """
    # One planner at a time per chapter: two runs at once would both make the same draft.
    Chapter.objects.select_for_update().filter(pk=chapter.pk).first()
    today = today or chapter.today()
    window = horizon(chapter, today)
    days = sorted(set(window) & set(days)) if days is not None else window
    if not days:
        return PlanResult()
    result = _Run(chapter, days, households, standing_routes).apply()
    if households is None and standing_routes is None:
        PlanNote.objects.filter(chapter=chapter, date__lt=today).delete()
    return result


class _Run:
    """One planning run: what it reads, once for all its routes and days, then what it writes."""

    def __init__(self, chapter, days, households, standing_routes):
        self.chapter, self.days = chapter, days
        self.whole = households is None and standing_routes is None
        self.result = PlanResult()
        routes = StandingRoute.objects.filter(chapter=chapter)
        if not self.whole:
            wanted = set(standing_routes or ())
            given = set(households or ())
            wanted |= set(StandingStop.objects.filter(household__in=given).values_list("standing_route", flat=True))
            drafted = Stop.objects.filter(
                household__in=given, route__date__in=days, route__standing_route__isnull=False
            )
            wanted |= set(drafted.values_list("route__standing_route", flat=True))
            routes = routes.filter(pk__in=wanted)
        self.standing = {route.pk: route for route in routes.select_related("hub").prefetch_related("helpers")}
        self.places = defaultdict(list)  # standing route → household ids in order
        for route_id, household_id in (
            StandingStop.objects.filter(standing_route__in=self.standing)
            .order_by("sequence", "pk")
            .values_list("standing_route", "household")
        ):
            self.places[route_id].append(household_id)
        self.drafts = {
            (route.standing_route_id, route.date): route
            for route in Route.objects.select_for_update(of=("self",))
            .filter(standing_route__in=self.standing, date__in=days)
            .prefetch_related("helpers")
        }
        self.stops = defaultdict(list)  # draft route id → its stops
        for stop in Stop.objects.filter(route__in=[route.pk for route in self.drafts.values()]).order_by("sequence"):
            self.stops[stop.route_id].append(stop)
        if self.whole:
            self.scope = None
        else:
            self.scope = set(households or ()) | {h for ids in self.places.values() for h in ids}
            self.scope |= {stop.household_id for stops in self.stops.values() for stop in stops}
        self._read_households()

    def _of_scope(self, lookup="household"):
        if self.scope is None:
            return Q(**{f"{lookup}__chapter": self.chapter})
        return Q(**{f"{lookup}__in": self.scope})

    def _read_households(self):
        first, last = self.days[0], self.days[-1]
        households = Household.objects.filter(Q(chapter=self.chapter) if self.scope is None else Q(pk__in=self.scope))
        deliverable = households.filter(status=Household.Status.ACTIVE, mode=Household.Mode.DELIVERY)
        self.deliverable = set(deliverable.filter(purged_at__isnull=True).values_list("pk", flat=True))
        self.due = {}
        for household_id, rrule, starts_on, ends_on in DeliveryArrangement.objects.filter(self._of_scope()).values_list(
            "household", "rrule", "starts_on", "ends_on"
        ):
            arrangement = DeliveryArrangement(rrule=rrule, starts_on=starts_on, ends_on=ends_on)
            self.due[household_id] = set(arrangement.due_between(first, last))
        if self.scope is None:
            self.scope_ids = set(self.due) | {h for ids in self.places.values() for h in ids}
            self.scope_ids |= {stop.household_id for stops in self.stops.values() for stop in stops}
        else:
            self.scope_ids = self.scope
        self.paused = defaultdict(set)
        for household_id, starts_on, ends_on in (
            Pause.objects.filter(self._of_scope())
            .overlapping(first, last)
            .values_list("household", "starts_on", "ends_on")
        ):
            self.paused[household_id] |= {day for day in self.days if starts_on <= day <= ends_on}
        self.away = Absence.objects.filter(membership__chapter=self.chapter).days_away(first, last)
        self.closed = set(
            ClosureDay.objects.filter(chapter=self.chapter, date__in=self.days).values_list("date", flat=True)
        )
        self.placed = {}  # (household, weekday) → (standing route id, active)
        for household_id, weekday, route_id, active in StandingStop.objects.filter(self._of_scope()).values_list(
            "household", "weekday", "standing_route", "standing_route__active"
        ):
            self.placed[household_id, weekday] = (route_id, active)
        self.on_route = defaultdict(set)  # (household, day) → route ids
        for household_id, route_id, day in Stop.objects.filter(self._of_scope(), route__date__in=self.days).values_list(
            "household", "route", "route__date"
        ):
            self.on_route[household_id, day].add(route_id)
        removals = StopRemoval.objects.filter(route__in=[route.pk for route in self.drafts.values()])
        self.removed = set(removals.values_list("route", "household"))

    def why(self, household_id: int, day: datetime.date) -> str:
        if household_id not in self.deliverable:
            return Why.NOT_ACTIVE
        if day not in self.due.get(household_id, ()):
            return Why.NOT_DUE
        if day in self.closed:
            return Why.CLOSED
        if day in self.paused.get(household_id, ()):
            return Why.PAUSED
        return Why.DUE

    def apply(self) -> PlanResult:
        self.notes = []
        self.new_stops = []
        pairs = {(route_id, day) for route_id, route in self.standing.items() for day in self.days
                 if day.weekday() == route.weekday}  # fmt: skip
        pairs = sorted(pairs | set(self.drafts), key=lambda pair: (pair[1], pair[0]))
        # Who each draft wants before looking at other routes, and so which of the planner's own stops leave their
        # route this run: a household moved between standing routes is free for its new one in the same run.
        self.base = {pair: self._base(self.standing[pair[0]], pair[1], self.drafts.get(pair)) for pair in pairs}
        self.leaving = {
            (stop.household_id, draft.pk)
            for pair, draft in self.drafts.items()
            if self._plannable(draft)
            for stop in self.stops[draft.pk]
            if self._removable(stop) and stop.household_id not in self.base[pair]
        }
        for route_id, day in pairs:
            self._plan_day(self.standing[route_id], day, self.drafts.get((route_id, day)))
        self._items_for_new_stops()
        self._unplaced()
        notes = PlanNote.objects.filter(chapter=self.chapter, date__in=self.days)
        (notes if self.scope is None else notes.filter(household__in=self.scope_ids)).delete()
        PlanNote.objects.bulk_create(self.notes)
        return self.result

    @staticmethod
    def _plannable(draft: Route) -> bool:
        """A draft never published: once published, its people count on it as it is."""
        return draft.status == Route.Status.DRAFT and draft.published_at is None

    @staticmethod
    def _removable(stop: Stop) -> bool:
        """The planner's own stop that nobody changed."""
        return stop.placed_by_planner and stop.changed_by_id is None and not stop.outcome

    def _base(self, standing: StandingRoute, day: datetime.date, draft: Route | None) -> list[int]:
        """The households on the standing route that are due that day, but those a person took off this draft."""
        if not standing.active or day.weekday() != standing.weekday:
            return []
        draft_id = getattr(draft, "pk", None)
        return [
            household_id
            for household_id in self.places[standing.pk]
            if self.why(household_id, day) == Why.DUE and (draft_id, household_id) not in self.removed
        ]

    def _wanted(self, standing: StandingRoute, day: datetime.date, draft: Route | None) -> list[int]:
        """The base, but households that stay on another route that day."""
        draft_id = getattr(draft, "pk", None)
        return [
            household_id
            for household_id in self.base[standing.pk, day]
            if not {
                route_id
                for route_id in self.on_route[household_id, day]
                if route_id != draft_id and (household_id, route_id) not in self.leaving
            }
        ]

    def _plan_day(self, standing: StandingRoute, day: datetime.date, draft: Route | None):
        if draft is not None and not self._plannable(draft):
            return
        wanted = self._wanted(standing, day, draft)
        if draft is None:
            if not wanted:
                return
            draft = self._new_draft(standing, day)
        stops = self.stops[draft.pk]
        present = {stop.household_id for stop in stops}
        keep, gone = [], []
        for stop in stops:
            if stop.household_id in wanted:
                keep.append(stop)
            elif self._removable(stop):
                gone.append(stop)
                self.on_route[stop.household_id, day].discard(draft.pk)
            else:
                keep.append(stop)
                self._note_left_alone(stop, standing, draft, day)
        added = [
            Stop(route=draft, household_id=household_id, sequence=0, placed_by_planner=True)
            for household_id in wanted
            if household_id not in present
        ]
        for stop in added:
            self.on_route[stop.household_id, day].add(draft.pk)
        changed = bool(gone or added)
        if gone:
            Stop.objects.filter(pk__in=[stop.pk for stop in gone]).delete()
            self.result.stops_removed += len(gone)
        if not keep and not added and self._untouched(draft):
            draft.delete()
            self.result.routes_removed += 1
            return
        self._order(draft, standing, keep, added)
        changed |= self._same_people(draft, standing)
        if changed:
            Route.objects.filter(pk=draft.pk).update(version=F("version") + 1)

    def _people(self, standing: StandingRoute, day: datetime.date) -> tuple[int | None, set[int]]:
        """The standing route's usual driver and helpers, but those away that day."""
        driver = standing.driver_id if (standing.driver_id, day) not in self.away else None
        return driver, {user.pk for user in standing.helpers.all() if (user.pk, day) not in self.away}

    def _new_draft(self, standing: StandingRoute, day: datetime.date) -> Route:
        driver, helpers = self._people(standing, day)
        draft = Route.objects.create(
            chapter=self.chapter, hub=standing.hub, date=day, name=standing.name, driver_id=driver,
            standing_route=standing,
        )  # fmt: skip
        draft.helpers.set(helpers)
        self.result.routes_created += 1
        return draft

    def _untouched(self, draft: Route) -> bool:
        """Nothing of a person's on it: no edit, no order, nobody taken off. Such an empty draft can go."""
        removed = any(route_id == draft.pk for route_id, _household in self.removed)
        untouched = draft.edited_by_id is None and draft.reordered_by_id is None and not removed
        return untouched and not draft.loads.exists()

    def _order(self, draft: Route, standing: StandingRoute, keep: list[Stop], added: list[Stop]):
        """The standing route's order, unless a person ordered this draft: then new stops go last."""
        if draft.reordered_by_id is None:
            place = {household_id: n for n, household_id in enumerate(self.places[standing.pk])}
            ordered = sorted(keep + added, key=lambda stop: (place.get(stop.household_id, len(place)), stop.sequence))
        else:
            ordered = keep + added
        moved = []
        for sequence, stop in enumerate(ordered, start=1):
            if stop.sequence != sequence:
                stop.sequence = sequence
                if stop.pk:
                    moved.append(stop)
        Stop.objects.bulk_update(moved, ["sequence"])
        self.new_stops += Stop.objects.bulk_create(added)
        self.result.stops_added += len(added)

    def _same_people(self, draft: Route, standing: StandingRoute) -> bool:
        """A draft nobody edited keeps the standing route's name, hub and usual people (those not away that day)."""
        if draft.edited_by_id is not None:
            return False
        driver, helpers = self._people(standing, draft.date)
        fields = {"name": standing.name, "hub_id": standing.hub_id, "driver_id": driver}
        differs = {name: value for name, value in fields.items() if getattr(draft, name) != value}
        if differs:
            Route.objects.filter(pk=draft.pk).update(**differs)
        if {user.pk for user in draft.helpers.all()} != helpers:
            draft.helpers.set(helpers)
            return True
        return bool(differs)

    def _note_left_alone(self, stop: Stop, standing: StandingRoute, draft: Route, day: datetime.date):
        why = self.why(stop.household_id, day)
        elsewhere = self.placed.get((stop.household_id, day.weekday()))
        if why == Why.DUE and elsewhere and elsewhere[0] != standing.pk:
            why = Why.ELSEWHERE
        if why in NOTED or (why == Why.NOT_DUE and stop.placed_by_planner):
            how = PlanNote.How.CHANGED if stop.placed_by_planner else PlanNote.How.ADDED
            self.notes.append(
                PlanNote(chapter=self.chapter, date=day, household_id=stop.household_id, route=draft,
                         kind=PlanNote.Kind.LEFT_ALONE, why=why, how=how)
            )  # fmt: skip
            self.result.left_alone.append((stop.household_id, draft.name, day, why, how))

    def _unplaced(self):
        """Households due on a day and on no route that day, for want of an active standing route that weekday."""
        for household_id in self.scope_ids:
            for day in self.days:
                if self.why(household_id, day) != Why.DUE or self.on_route[household_id, day]:
                    continue
                _route, active = self.placed.get((household_id, day.weekday()), (None, False))
                if not active:
                    self.notes.append(
                        PlanNote(chapter=self.chapter, date=day, household_id=household_id,
                                 kind=PlanNote.Kind.UNPLACED, why=Why.DUE)
                    )  # fmt: skip
                    self.result.unplaced += 1

    def _items_for_new_stops(self):
        """Each new stop's planned items: the household's usual items, or what its size and needs suggest."""
        if not self.new_stops:
            return
        ids = {stop.household_id for stop in self.new_stops}
        usual = defaultdict(list)
        for household_id, category_id, quantity in UsualItem.objects.filter(arrangement__household__in=ids).values_list(
            "arrangement__household", "category", "quantity"
        ):
            usual[household_id].append((category_id, quantity))
        missing = ids - set(usual)
        if missing:
            categories = dict(Category.objects.filter(active=True).values_list("code", "pk"))
            for household in Household.objects.filter(pk__in=missing):
                usual[household.pk] = [
                    (categories[code], quantity)
                    for code, quantity in suggested_items(household).items()
                    if code in categories
                ]
        PlannedItem.objects.bulk_create(
            PlannedItem(stop=stop, category_id=category_id, quantity=quantity)
            for stop in self.new_stops
            for category_id, quantity in usual[stop.household_id]
        )
