"""The audit's figures beside the reconciliation: what was distributed and wasted, week by week, who was served,
what each supplier gave and how many pickups were missed. Each adds up in the database or from the audit's day
totals, never row by row."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from audit.queries import FLOWS, HUNDRED, ZERO, Audit, Period
from deliveries.models import Stop
from hubdesk.models import Handout
from mimac.models import Unit
from pickups.models import Pickup
from recipients.models import Household

# Which flows make up each series of the weekly charts.
SERIES = {"received": ["received"], "distributed": ["delivered", "handed_out"], "spoiled": ["spoiled"]}


def distributed_by_category(report: Audit) -> list[dict]:
    """Per category: delivered on routes and handed out at hubs."""
    delivered, handed = report.totals("delivered"), report.totals("handed_out")
    return [
        {
            "category": category,
            "delivered": delivered.get(pk, ZERO),
            "handed_out": handed.get(pk, ZERO),
            "total": delivered.get(pk, ZERO) + handed.get(pk, ZERO),
        }
        for pk, category in report.categories.items()
        if pk in delivered.keys() | handed.keys()
    ]


def waste_rates(report: Audit) -> list[dict]:
    def per_unit(hub, day, category) -> str:
        return report.categories[category].unit

    received, spoiled = report.totals("received", per_unit), report.totals("spoiled", per_unit)
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


def weekly(report: Audit) -> dict[str, list[dict]]:
    """Per unit, per week (Mondays): received, distributed (delivered and handed out) and spoiled."""

    mondays = {}

    def per_unit_and_week(hub, day, category):
        if day not in mondays:
            mondays[day] = day - datetime.timedelta(days=day.weekday())
        return report.categories[category].unit, mondays[day]

    points: dict[tuple, dict] = {}
    for series, flows in SERIES.items():
        for flow in flows:
            for (unit, week), total in report.totals(flow, per_unit_and_week).items():
                point = points.setdefault((unit, week), {"week": week, **dict.fromkeys(SERIES, ZERO)})
                point[series] += total
    by_unit: dict[str, list[dict]] = {}
    for (unit, _week), point in sorted(points.items()):
        by_unit.setdefault(unit, []).append(point)
    return by_unit


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
    span = (period.start, period.end)
    stops = Stop.objects.filter(route__hub__in=hubs, route__date__range=span, outcome=Stop.Outcome.DELIVERED)
    handouts = Handout.objects.filter(hub__in=hubs, date__range=span, household__isnull=False)
    return Household.objects.filter(
        Q(pk__in=stops.values("household")) | Q(pk__in=handouts.values("household")), chapter=chapter
    )


def served(chapter, hubs, period: Period) -> Served:
    totals = households_served(chapter, hubs, period).aggregate(households=Count("pk"), people=Sum("size"))
    walk_ins = Handout.objects.filter(hub__in=hubs, date__range=(period.start, period.end), household__isnull=True)
    return Served(totals["households"], totals["people"] or 0, walk_ins.aggregate(n=Sum("people"))["n"] or 0)


def rescued_by_supplier_month(hubs, period: Period) -> list[dict]:
    """Per supplier, month and category: what was received; `first` and `last` bound the month in the period."""
    rows = list(
        FLOWS["received"]
        .rows(hubs, period.start, period.end)
        .annotate(month=TruncMonth("pickup__date"))
        .values("pickup__supplier", "pickup__supplier__name", "month", "category", "category__name", "category__unit")
        .annotate(total=Sum("quantity"))
        .order_by("pickup__supplier__name", "month", "category__name")
    )
    for row in rows:
        month_end = (row["month"] + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        row.update(first=max(row["month"], period.start), last=min(month_end, period.end))
    return rows


def rescued_table(hubs, period: Period) -> tuple[list[tuple], list[dict]]:
    """The months of the period (month, first day, last day), and per supplier and unit a cell per month: what it
    gave that month, or None. Categories of one unit add up; pounds and items stay apart."""
    rows = rescued_by_supplier_month(hubs, period)
    months = sorted({(row["month"], row["first"], row["last"]) for row in rows})
    table: dict[tuple, dict] = {}
    for row in rows:
        key = (row["pickup__supplier__name"], row["pickup__supplier"], row["category__unit"])
        cells = table.setdefault(key, {})
        cells[row["month"]] = cells.get(row["month"], 0) + row["total"]
    suppliers = [
        {"name": name, "pk": pk, "unit": unit, "cells": [(month, cells.get(month[0])) for month in months]}
        for (name, pk, unit), cells in table.items()
    ]
    return months, suppliers


def missed_pickups(hubs, period: Period) -> dict:
    due = Pickup.objects.filter(hub__in=hubs, date__range=(period.start, period.end), status__in=["done", "missed"])
    counts = due.aggregate(due=Count("pk"), missed=Count("pk", filter=Q(status=Pickup.Status.MISSED)))
    counts["rate"] = _percent(counts["missed"], counts["due"])
    return counts


def _percent(part, whole) -> Decimal | None:
    return (Decimal(part) * HUNDRED / whole).quantize(Decimal("0.1")) if whole else None
