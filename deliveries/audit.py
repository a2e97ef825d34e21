"""Supply versus distribution: the figures auditors compare, and the rows behind each of them.

Every figure is a database aggregate over the newest row of each correction chain, never a loop
over rows in Python, and each names the query (`rows_behind`) that lists exactly what it adds up.
Quantities are kept per category, so pounds and items are never summed together.

A hub's stock is reconciled between two physical counts, each taken as at the end of its day: the
last count before the period (or the period's first, when there is none before it) and the period's
last. Between them: opening + received - delivered - handed out - spoiled = expected, against the
closing count.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from deliveries.models import (
    DeliveryLine,
    Handout,
    HandoutLine,
    HouseholdReport,
    Route,
    RouteLoad,
    Spoilage,
    StockCount,
    StockCountLine,
    Stop,
)
from deliveries.queries import reports_with_flags
from mimac.models import Category, ChainCheck, Hub, Unit
from pickups import queries as pickup_queries
from pickups.models import Pickup, PickupLine
from recipients.models import Household

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# A chain not verified for this long is flagged too: the nightly verify_ledger has stopped running.
CHAIN_CHECK_EVERY = datetime.timedelta(days=2)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date


@dataclass(frozen=True)
class Source:
    """A kind of ledger row that moves stock: its model, and the paths to its hub and its day."""

    model: type
    hub: str
    date: str
    only: Q = field(default_factory=Q)

    def rows(self, hubs, first: datetime.date, last: datetime.date) -> QuerySet:
        """The newest rows at these hubs between these days (inclusive)."""
        return self.model.objects.newest().filter(
            self.only, **{f"{self.hub}__in": hubs, f"{self.date}__gte": first, f"{self.date}__lte": last}
        )

    def totals(self, hubs, first, last) -> dict[int, Decimal]:
        """Per category: the sum of the newest rows."""
        rows = self.rows(hubs, first, last).order_by().values("category").annotate(total=Sum("quantity"))
        return {row["category"]: row["total"] for row in rows}


FLOWS = {
    "received": Source(PickupLine, "pickup__hub", "pickup__date", Q(pickup__status=Pickup.Status.DONE)),
    "delivered": Source(DeliveryLine, "stop__route__hub", "stop__route__date"),
    "handed_out": Source(HandoutLine, "handout__hub", "handout__date"),
    "spoiled": Source(Spoilage, "hub", "date"),
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


def _counts(hub: Hub, period: Period) -> tuple[StockCount | None, StockCount | None]:
    """The last count before the period (else the period's first), and the period's last."""
    counts = StockCount.objects.filter(hub=hub).select_related("counted_by").order_by("-date", "-recorded_at")
    in_period = counts.filter(date__range=_span(period))
    before, first, last = (
        counts.filter(date__lt=period.start).first(),
        in_period.order_by("date", "recorded_at").first(),
        in_period.first(),
    )
    opening = before or first
    return opening, (last if last != opening else None)


def reconcile(hub: Hub, period: Period) -> HubReconciliation:
    """The hub's stock between its opening and closing counts, per category."""
    opening, closing = _counts(hub, period)
    first = opening.date + datetime.timedelta(days=1) if opening else period.start
    last = closing.date if closing else period.end
    counted = _count_lines(opening, closing)
    flows = {name: source.totals([hub], first, last) for name, source in FLOWS.items()}
    present = set().union(*flows.values(), *counted.values())
    tolerance = hub.chapter.audit_tolerance_percent
    lines = [
        Line(
            category=category,
            opening=counted.get(opening.pk, {}).get(category.pk) if opening else None,
            received=flows["received"].get(category.pk, ZERO),
            delivered=flows["delivered"].get(category.pk, ZERO),
            handed_out=flows["handed_out"].get(category.pk, ZERO),
            spoiled=flows["spoiled"].get(category.pk, ZERO),
            counted=counted.get(closing.pk, {}).get(category.pk) if closing else None,
            tolerance=tolerance,
        )
        for category in Category.objects.all()
        if category.pk in present
    ]
    return HubReconciliation(hub, first, last, opening, closing, lines)


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


@dataclass
class RouteBalance:
    route: Route
    volunteers: list
    category: Category
    loaded: Decimal
    returned: Decimal
    delivered: Decimal
    tolerance: Decimal

    @property
    def carried(self) -> Decimal:
        return self.loaded - self.returned

    @property
    def unaccounted(self) -> Decimal:
        return self.carried - self.delivered

    @property
    def flagged(self) -> bool:
        return exceeds(self.unaccounted, self.carried, self.tolerance)


def route_balances(hubs, period: Period, tolerance: Decimal) -> list[RouteBalance]:
    """Per route with a recorded load-out, and category: loaded - returned against delivered."""
    loaded = RouteLoad.objects.newest().filter(route__hub__in=hubs, route__date__range=_span(period))
    loads = loaded.values("route", "category", "direction").annotate(total=Sum("quantity"))
    moved = {(row["route"], row["category"], row["direction"]): row["total"] for row in loads}
    routes = loaded.values("route")
    delivered = DeliveryLine.objects.newest().filter(stop__route__in=routes)
    given = {
        (row["stop__route"], row["category"]): row["total"]
        for row in delivered.values("stop__route", "category").annotate(total=Sum("quantity"))
    }
    by_pk = {route.pk: route for route in Route.objects.filter(pk__in=routes).select_related("driver", "hub")}
    helpers = Route.helpers.through.objects.filter(route__in=routes).select_related("user")
    volunteers = {pk: [route.driver] if route.driver else [] for pk, route in by_pk.items()}
    for helper in helpers:
        volunteers[helper.route_id].append(helper.user)
    categories = Category.objects.in_bulk()
    return [
        RouteBalance(
            by_pk[route],
            volunteers[route],
            categories[category],
            moved.get((route, category, RouteLoad.Direction.OUT), ZERO),
            moved.get((route, category, RouteLoad.Direction.BACK), ZERO),
            given.get((route, category), ZERO),
            tolerance,
        )
        for route, category in sorted({(route, category) for route, category, _direction in moved} | set(given))
    ]


# Flags: each names the rows behind it (what `flag_rows` lists on its own page).
FLAGS = {
    "contradicted": "Household reports that contradict a stop marked delivered",
    "intake_differs": "Second counts that differ from the recorded pickup lines",
    "intake_missing": "Pickups not counted again within a day",
    "ended_household": "Deliveries and handouts to households that had ended or paused",
    "pickup_without_lines": "Pickups recorded as done without any line",
    "spoilage_share": "Spoilage above the chapter's share of what the hub received",
    "delivered_nothing": "Stops marked delivered with nothing handed over",
    "large_correction": "Corrections that move a total beyond the tolerance",
}


def flag_rows(kind: str, chapter, hubs, period: Period):
    """The rows behind a flag: a queryset, or for the flags computed per category, a list."""
    if kind == "contradicted":
        reports = HouseholdReport.objects.newest().filter(household__chapter=chapter, date__range=_span(period))
        return reports_with_flags(reports).filter(contradicts=True).select_related("household__chapter")
    pickups = Pickup.objects.filter(hub__in=hubs, date__range=_span(period))
    if kind == "intake_differs":
        return pickup_queries.intake_differences(pickups)
    if kind == "intake_missing":
        return pickup_queries.unchecked_after_a_day(pickups, timezone.now())
    if kind == "pickup_without_lines":
        return pickups.filter(status=Pickup.Status.DONE, lines__isnull=True).select_related("supplier", "hub")
    stops = Stop.objects.filter(route__hub__in=hubs, route__date__range=_span(period), outcome=Stop.Outcome.DELIVERED)
    if kind == "ended_household":
        return _to_ended_households(stops, hubs, period)
    if kind == "delivered_nothing":
        given = DeliveryLine.objects.newest().filter(quantity__gt=0).values("stop")
        return stops.exclude(pk__in=given).select_related("route", "household__chapter")
    if kind == "spoilage_share":
        return _spoilage_beyond_share(chapter, hubs, period)
    if kind == "large_correction":
        return _large_corrections(chapter, hubs, period)
    raise KeyError(kind)


def _span(period: Period) -> tuple[datetime.date, datetime.date]:
    return period.start, period.end


def _ended_by(day: str) -> Q:
    """The household had ended or paused by `day` (a path to a date)."""
    return Q(
        household__status__in=[Household.Status.ENDED, Household.Status.PAUSED], household__status_since__lte=F(day)
    )


def _to_ended_households(stops: QuerySet, hubs, period: Period) -> list:
    delivered = stops.filter(_ended_by("route__date")).select_related("route", "household__chapter")
    handouts = Handout.objects.filter(_ended_by("date"), hub__in=hubs, date__range=_span(period))
    return [*delivered, *handouts.select_related("hub", "household__chapter")]


def _spoilage_beyond_share(chapter, hubs, period: Period) -> QuerySet:
    """Spoilage rows of every hub and category that threw away more than the share it received."""
    spoiled, received = (FLOWS[flow].rows(hubs, *_span(period)) for flow in ("spoiled", "received"))
    received_there = _totals_by(received, "pickup__hub")
    beyond = Q(pk=None)  # one query whether or not anything is beyond
    for (hub, category), total in _totals_by(spoiled, "hub").items():
        if total > received_there.get((hub, category), ZERO) * chapter.spoilage_flag_percent / HUNDRED:
            beyond |= Q(hub=hub, category=category)
    return spoiled.filter(beyond).select_related("hub", "category")


def _totals_by(rows: QuerySet, hub: str) -> dict[tuple[int, int], Decimal]:
    """Per hub and category: the sum of the rows' quantities."""
    totals = rows.order_by().values(hub, "category").annotate(total=Sum("quantity"))
    return {(row[hub], row["category"]): row["total"] for row in totals}


def _large_corrections(chapter, hubs, period: Period) -> list:
    """Corrections whose change is beyond the tolerance of their category's total in the period."""
    tolerance = chapter.audit_tolerance_percent
    found = []
    for source in FLOWS.values():
        totals = source.totals(hubs, *_span(period))
        corrections = source.rows(hubs, *_span(period)).filter(corrects__isnull=False)
        for row in corrections.select_related("corrects", "category", "recorded_by"):
            change = row.quantity - row.corrects.quantity
            if exceeds(change, totals.get(row.category_id, ZERO), tolerance):
                found.append(row)
    return found


def latest_chain_check(chapter) -> ChainCheck | None:
    return ChainCheck.objects.filter(chapter=chapter).first()


def chain_flag(check: ChainCheck | None) -> str:
    """Why the chain is flagged, or "" when its latest check is recent and holds."""
    if check is None:
        return "The ledger chain has never been verified: run manage.py verify_ledger (nightly, from cron)."
    if not check.ok:
        return f"The ledger chain did not verify on {check.at:%Y-%m-%d %H:%M}: {check.problem}"
    if timezone.now() - check.at > CHAIN_CHECK_EVERY:
        return f"The ledger chain was last verified on {check.at:%Y-%m-%d}: is the nightly verify_ledger running?"
    return ""


@dataclass
class Served:
    households: int
    people_in_households: int
    walk_in_people: int

    @property
    def people(self) -> int:
        return self.people_in_households + self.walk_in_people


def households_served(chapter, hubs, period: Period) -> QuerySet:
    """Households that received something in the period: each once, however often they came."""
    stops = Stop.objects.filter(route__hub__in=hubs, route__date__range=_span(period), outcome=Stop.Outcome.DELIVERED)
    handouts = Handout.objects.filter(hub__in=hubs, date__range=_span(period), household__isnull=False)
    return Household.objects.filter(
        Q(pk__in=stops.values("household")) | Q(pk__in=handouts.values("household")), chapter=chapter
    )


def served(chapter, hubs, period: Period) -> Served:
    totals = households_served(chapter, hubs, period).aggregate(households=Count("pk"), people=Sum("size"))
    walk_ins = Handout.objects.filter(hub__in=hubs, date__range=_span(period), household__isnull=True)
    return Served(totals["households"], totals["people"] or 0, walk_ins.aggregate(n=Sum("people"))["n"] or 0)


def rescued_by_supplier_month(hubs, period: Period) -> list[dict]:
    """Per supplier, month and category: what was received; `first` and `last` bound the month in the period."""
    rows = list(
        FLOWS["received"]
        .rows(hubs, *_span(period))
        .annotate(month=TruncMonth("pickup__date"))
        .values("pickup__supplier", "pickup__supplier__name", "month", "category", "category__name", "category__unit")
        .annotate(total=Sum("quantity"))
        .order_by("pickup__supplier__name", "month", "category__name")
    )
    for row in rows:
        month_end = (row["month"] + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        row.update(first=max(row["month"], period.start), last=min(month_end, period.end))
    return rows


def distributed_by_category(hubs, period: Period) -> list[dict]:
    """Per category: delivered on routes and handed out at hubs."""
    delivered = FLOWS["delivered"].totals(hubs, *_span(period))
    handed = FLOWS["handed_out"].totals(hubs, *_span(period))
    categories = [category for category in Category.objects.all() if category.pk in delivered.keys() | handed.keys()]
    return [
        {
            "category": category,
            "delivered": delivered.get(category.pk, ZERO),
            "handed_out": handed.get(category.pk, ZERO),
            "total": delivered.get(category.pk, ZERO) + handed.get(category.pk, ZERO),
        }
        for category in categories
    ]


def per_unit(hubs, period: Period, flow: str) -> dict[str, Decimal]:
    rows = FLOWS[flow].rows(hubs, *_span(period)).values("category__unit").annotate(total=Sum("quantity"))
    return {row["category__unit"]: row["total"] for row in rows}


def waste_rates(hubs, period: Period) -> list[dict]:
    received, spoiled = per_unit(hubs, period, "received"), per_unit(hubs, period, "spoiled")
    return [
        {
            "unit": unit,
            "received": received.get(unit, ZERO),
            "spoiled": spoiled.get(unit, ZERO),
            "rate": _percent(spoiled.get(unit, ZERO), received.get(unit)),
        }
        for unit in Unit.values
        if received.get(unit) or spoiled.get(unit)
    ]


def missed_pickups(hubs, period: Period) -> dict:
    due = Pickup.objects.filter(hub__in=hubs, date__range=_span(period), status__in=["done", "missed"])
    counts = due.aggregate(due=Count("pk"), missed=Count("pk", filter=Q(status=Pickup.Status.MISSED)))
    counts["rate"] = _percent(counts["missed"], counts["due"])
    return counts


def _percent(part, whole) -> Decimal | None:
    return (Decimal(part) * HUNDRED / whole).quantize(Decimal("0.1")) if whole else None


# Which flows make up each series of the weekly charts.
SERIES = {"received": ["received"], "distributed": ["delivered", "handed_out"], "spoiled": ["spoiled"]}


def weekly(hubs, period: Period) -> dict[str, list[dict]]:
    """Per unit, per week (Mondays): received, distributed (delivered and handed out) and spoiled."""
    points: dict[tuple, dict] = {}
    for series, flows in SERIES.items():
        for flow in flows:
            source = FLOWS[flow]
            rows = source.rows(hubs, *_span(period)).annotate(week=TruncWeek(source.date))
            for row in rows.values("week", "category__unit").annotate(total=Sum("quantity")):
                week = row["week"].date() if isinstance(row["week"], datetime.datetime) else row["week"]
                point = points.setdefault((row["category__unit"], week), {"week": week, **dict.fromkeys(SERIES, ZERO)})
                point[series] += row["total"]
    by_unit: dict[str, list[dict]] = {}
    for (unit, _week), point in sorted(points.items()):
        by_unit.setdefault(unit, []).append(point)
    return by_unit
