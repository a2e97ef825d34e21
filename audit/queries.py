"""Supply versus distribution: what moved, and each hub's stock and route's load reconciled against it.

The database sums the newest row of each correction chain once per flow, per hub, day and category
(`Movements`); every figure adds up those day totals, never the rows themselves, and each names the
query (`Source.rows`, `flags.flag_rows`) that lists exactly what it adds up. Quantities are kept per
category, so pounds and items are never summed together.

A hub's stock is reconciled between two physical counts, each taken as at the end of its day: the
last count before the period (or the period's first, when there is none before it) and the period's
last. Between them: opening + received - delivered - handed out - spoiled = expected, against the
closing count.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum

from deliveries import queries as delivery_queries
from deliveries.models import DeliveryLine, Route, RouteLoad, Stop
from hubdesk.models import Handout, HandoutLine, Spoilage, StockCount, StockCountLine
from mimac.models import Category, Hub
from pickups.models import Pickup, PickupLine

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date


def opening_period(chapter) -> Period:
    """The period the audit opens on when none is chosen: the chapter's last complete month with data.

    A month is complete once it has ended: its last day is before today in the chapter's zone. It holds data when
    one of the chapter's hubs has in it what the audit's figures and flags are made of: a pickup done or missed, a
    route published or done, a handout, spoilage or a stock count (plans for later days are not data). When no
    complete month holds any (a chapter in its first month), the audit opens on this month so far. An auditor
    looks back at a month that is over; on 2 December, "this month" would show two days and every flag at 0.
    """
    this_month = chapter.today().replace(day=1)
    before = Q(hub__chapter=chapter, date__lt=this_month)
    dated = [
        Pickup.objects.filter(before, status__in=[Pickup.Status.DONE, Pickup.Status.MISSED]),
        Route.objects.filter(before, status__in=[Route.Status.PUBLISHED, Route.Status.DONE]),
        Handout.objects.filter(before),
        Spoilage.objects.filter(before),
        StockCount.objects.filter(before),
    ]
    last = max(filter(None, (rows.aggregate(last=Max("date"))["last"] for rows in dated)), default=None)
    if last is None:
        return Period(this_month, chapter.today())
    next_month = (last.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return Period(last.replace(day=1), next_month - datetime.timedelta(days=1))


@dataclass(frozen=True)
class Source:
    """A kind of ledger row that moves stock: its model, and the paths to its hub and its day."""

    model: type
    hub: str
    date: str
    only: Q = field(default_factory=Q)
    described_with: tuple[str, ...] = ()  # what a row's description reads besides its category: hub, household…

    def rows(self, hubs, first: datetime.date, last: datetime.date) -> QuerySet:
        """The newest rows at these hubs between these days (inclusive)."""
        return self.model.objects.newest().filter(
            self.only, **{f"{self.hub}__in": hubs, f"{self.date}__gte": first, f"{self.date}__lte": last}
        )


FLOWS = {
    "received": Source(
        PickupLine,
        "pickup__hub",
        "pickup__date",
        Q(pickup__status=Pickup.Status.DONE),
        described_with=("pickup__hub", "pickup__supplier"),
    ),
    "delivered": Source(
        DeliveryLine,
        "stop__route__hub",
        "stop__route__date",
        described_with=("stop__route__hub", "stop__household__chapter"),
    ),
    "handed_out": Source(
        HandoutLine, "handout__hub", "handout__date", described_with=("handout__hub", "handout__household__chapter")
    ),
    "spoiled": Source(Spoilage, "hub", "date", described_with=("hub",)),
}


def exceeds(difference: Decimal, base: Decimal, tolerance: Decimal) -> bool:
    """Beyond the tolerance (a percentage of `base`); anything at all when the base is nothing."""
    return abs(difference) > base * tolerance / HUNDRED if base > 0 else difference != 0


@dataclass
class Line:
    """One category of a hub's reconciliation."""

    category: Category
    opening: Decimal | None  # None: not counted
    received: Decimal
    delivered: Decimal
    handed_out: Decimal
    spoiled: Decimal
    counted: Decimal | None
    tolerance: Decimal

    @property
    def expected(self) -> Decimal:
        return (self.opening or ZERO) + self.received - self.delivered - self.handed_out - self.spoiled

    @property
    def out(self) -> Decimal:
        return self.delivered + self.handed_out

    @property
    def difference(self) -> Decimal | None:
        if self.opening is None or self.counted is None:
            return None
        return self.counted - self.expected

    @property
    def share(self) -> Decimal | None:
        """The difference as a percentage of what was expected on the shelf."""
        if self.difference is None or self.expected <= 0:
            return None
        return (self.difference * HUNDRED / self.expected).quantize(Decimal("0.1"))

    @property
    def flagged(self) -> bool:
        return self.difference is not None and exceeds(self.difference, self.expected, self.tolerance)


@dataclass
class HubReconciliation:
    hub: Hub
    first: datetime.date  # the first day whose movements count
    last: datetime.date
    opening_count: StockCount | None
    closing_count: StockCount | None
    lines: list[Line]

    @property
    def flagged(self) -> list[Line]:
        return [line for line in self.lines if line.flagged]


@dataclass
class RouteBalance(delivery_queries.RouteBalance):
    """A route's balance as the audit judges it; `with_routes` attaches the route and its volunteers."""

    tolerance: Decimal = ZERO
    on_the_road: bool = False  # of today, with stops still to deliver: judged once they are recorded
    route: Route | None = None
    volunteers: list = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return not self.on_the_road and exceeds(self.unaccounted, self.carried, self.tolerance)

    @property
    def share_unaccounted(self) -> Decimal:
        """How much of what it carried the route cannot account for (a fraction; infinite if it carried nothing)."""
        return abs(self.unaccounted) / self.carried if self.carried > 0 else Decimal("Infinity")


def with_routes(balances: list[RouteBalance]) -> list[RouteBalance]:
    """The balances with their routes and volunteers (the driver, then the helpers)."""
    routes = Route.objects.filter(pk__in={balance.route_id for balance in balances})
    by_pk = routes.select_related("driver").prefetch_related("helpers").in_bulk()
    for balance in balances:
        balance.route = by_pk[balance.route_id]
        balance.volunteers = [balance.route.driver, *balance.route.helpers.all()] if balance.route.driver else []
    return balances


# Per hub: (day, category, total) of one flow.
DayTotals = dict[int, list[tuple[datetime.date, int, Decimal]]]


@dataclass
class Movements:
    """What moved at some hubs between two days, as the database summed it: per flow and hub, the newest
    rows' total per day and category, and what each route delivered per category. A year is a few thousand
    such totals, so every figure adds them up instead of reading the rows again."""

    days: dict[str, DayTotals]
    by_route: dict[tuple[int, int], Decimal]  # delivered per (route, category), for the routes' balances

    @classmethod
    def between(cls, hubs, first: datetime.date, last: datetime.date) -> "Movements":
        days = {flow: _day_totals(FLOWS[flow], hubs, first, last) for flow in ("received", "handed_out", "spoiled")}
        routes = Route.objects.filter(hub__in=hubs, date__range=(first, last))
        route_days = {pk: (hub, day) for pk, hub, day in routes.values_list("pk", "hub", "date")}
        by_route = delivery_queries.delivered_per_route(routes)
        days["delivered"] = {}
        for (route, category), total in by_route.items():
            hub, day = route_days[route]
            days["delivered"].setdefault(hub, []).append((day, category, total))
        return cls(days, by_route)

    def sum(self, flow: str, key, first: datetime.date, last: datetime.date, hub: int | None = None) -> dict:
        """The flow's day totals between two days (inclusive), at one hub or all, added up per
        `key(hub, day, category)`."""
        sums: dict = {}
        per_hub = self.days[flow]
        for at in per_hub if hub is None else [hub]:
            for day, category, total in per_hub.get(at, ()):
                if first <= day <= last:
                    group = key(at, day, category)
                    sums[group] = sums.get(group, ZERO) + total
        return sums


def _day_totals(source: Source, hubs, first, last) -> DayTotals:
    rows = source.rows(hubs, first, last).order_by().values_list(source.hub, source.date, "category")
    totals: DayTotals = {}
    for hub, day, category, total in rows.annotate(Sum("quantity")):
        totals.setdefault(hub, []).append((day, category, total))
    return totals


def _per_category(hub, day, category):
    return category


class Audit:
    """A chapter's hubs over a period: what moved, read once from a number of queries that does not grow with the
    period or the rows, and reconciled; `figures` and `flags` add up the same totals for everything else."""

    def __init__(self, chapter, hubs, period: Period):
        self.chapter, self.hubs, self.period = chapter, list(hubs), period
        self.tolerance = chapter.audit_tolerance_percent

    @cached_property
    def categories(self) -> dict[int, Category]:
        return {category.pk: category for category in Category.objects.all()}

    @cached_property
    def counts(self) -> dict[int, tuple[StockCount | None, StockCount | None]]:
        """Per hub: its opening count (the last before the period, else the period's first) and closing count
        (the period's last, when it is another)."""
        counts = StockCount.objects.filter(hub__in=self.hubs, date__lte=self.period.end).order_by("date", "recorded_at")
        before, within = {}, {}
        for count in counts.select_related("counted_by"):
            if count.date < self.period.start:
                before[count.hub_id] = count
            else:
                within.setdefault(count.hub_id, []).append(count)
        pairs = {}
        for hub in self.hubs:
            in_period = within.get(hub.pk, [])
            opening = before.get(hub.pk) or next(iter(in_period), None)
            pairs[hub.pk] = (opening, in_period[-1] if in_period and in_period[-1] != opening else None)
        return pairs

    def _window(self, hub: Hub) -> tuple[datetime.date, datetime.date]:
        """The days whose movements count between the hub's opening and closing counts."""
        opening, closing = self.counts[hub.pk]
        first = opening.date + datetime.timedelta(days=1) if opening else self.period.start
        return first, closing.date if closing else self.period.end

    @cached_property
    def movements(self) -> Movements:
        """From the earliest day a hub's reconciliation needs (its opening count may be older) to the period's end."""
        first = min([self.period.start, *(self._window(hub)[0] for hub in self.hubs)])
        return Movements.between(self.hubs, first, self.period.end)

    def totals(self, flow: str, key=_per_category, hub: int | None = None) -> dict:
        """A flow's totals in the period, per `key` (per category unless told)."""
        return self.movements.sum(flow, key, self.period.start, self.period.end, hub)

    @cached_property
    def reconciliations(self) -> list[HubReconciliation]:
        """Each hub's stock between its opening and closing counts, per category."""
        counted = _count_lines(*(count for pair in self.counts.values() for count in pair))
        return [self._reconcile(hub, counted) for hub in self.hubs]

    def _reconcile(self, hub: Hub, counted: dict[int, dict[int, Decimal]]) -> HubReconciliation:
        opening, closing = self.counts[hub.pk]
        first, last = self._window(hub)
        flows = {flow: self.movements.sum(flow, _per_category, first, last, hub.pk) for flow in FLOWS}
        opened, closed = (counted.get(count.pk, {}) if count else {} for count in (opening, closing))
        present = set().union(*flows.values(), opened, closed)
        lines = [
            Line(
                category=category,
                opening=opened.get(category.pk) if opening else None,
                received=flows["received"].get(category.pk, ZERO),
                delivered=flows["delivered"].get(category.pk, ZERO),
                handed_out=flows["handed_out"].get(category.pk, ZERO),
                spoiled=flows["spoiled"].get(category.pk, ZERO),
                counted=closed.get(category.pk) if closing else None,
                tolerance=self.tolerance,
            )
            for category in self.categories.values()
            if category.pk in present
        ]
        return HubReconciliation(hub, first, last, opening, closing, lines)

    @cached_property
    def route_balances(self) -> list[RouteBalance]:
        """Per route with a recorded load-out, and category: loaded - returned against delivered."""
        loaded_out = Exists(RouteLoad.objects.filter(route=OuterRef("pk")))
        routes = Route.objects.filter(loaded_out, hub__in=self.hubs, date__range=(self.period.start, self.period.end))
        to_deliver = Exists(Stop.objects.filter(route=OuterRef("pk"), outcome=""))
        on_road = routes.filter(to_deliver, status=Route.Status.PUBLISHED, date__gte=self.chapter.today())
        on_road = set(on_road.values_list("pk", flat=True))
        return [
            RouteBalance(**vars(balance), tolerance=self.tolerance, on_the_road=balance.route_id in on_road)
            for balance in delivery_queries.route_balances(routes, delivered=self.movements.by_route)
        ]

    @cached_property
    def unbalanced_routes(self) -> list[RouteBalance]:
        """The route balances beyond the tolerance, the largest share unaccounted first."""
        flagged = (balance for balance in self.route_balances if balance.flagged)
        return sorted(flagged, key=lambda balance: balance.share_unaccounted, reverse=True)


def _count_lines(*counts: StockCount | None) -> dict[int, dict[int, Decimal]]:
    """Per stock count and category: the counted quantity (newest rows)."""
    which = Q(stock_count=None)  # one query whether or not there are counts
    for count in counts:
        which |= Q(stock_count=count)
    rows = StockCountLine.objects.newest().filter(which).values("stock_count", "category", "quantity")
    result: dict[int, dict[int, Decimal]] = {}
    for row in rows:
        result.setdefault(row["stock_count"], {})[row["category"]] = row["quantity"]
    return result
