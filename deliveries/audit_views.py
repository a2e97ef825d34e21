"""The audit's pages: read-only, from the query string, every figure a link to its rows."""

import datetime
import functools

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from deliveries import audit
from deliveries.audit import FLAGS, FLOWS, Period
from deliveries.charts import bar_chart
from deliveries.forms import AuditForm
from deliveries.models import (
    DeliveryLine,
    HouseholdReport,
    RouteLoad,
    Stop,
)
from hubdesk.models import Handout, HandoutLine, Spoilage, StockCountLine
from ledger.models import LedgerHead
from mimac import access
from mimac.access import Action
from mimac.models import TrailEvent, Unit, record
from mimac.spreadsheets import csv_response
from pickups.models import Pickup, PickupLine
from pickups.queries import IntakeDifference
from recipients.models import Household

# The audit page lists at most this many unbalanced routes, the largest differences first; the CSV has every route.
ROUTES_SHOWN = 100
SUPPLIERS_PER_PAGE = 50
ROWS_PER_PAGE = 200


def _form(request) -> AuditForm:
    """The audit's choices; missing ones default to the first chapter, every hub, and the chapter's last complete
    month with data (`audit.opening_period`)."""
    chapters = sorted(access.chapters_where(request.user, Action.VIEW_AUDIT), key=lambda chapter: chapter.name)
    data = request.GET.copy()
    data.setdefault("chapter", chapters[0].code)
    chapter = next((c for c in chapters if c.code == data["chapter"]), chapters[0])
    if "start" not in data and "end" not in data:
        period = audit.opening_period(chapter)
        data["start"], data["end"] = period.start.isoformat(), period.end.isoformat()
    today = chapter.today()
    data.setdefault("start", today.replace(day=1).isoformat())
    data.setdefault("end", today.isoformat())
    return AuditForm(data, chapters=chapters)


def _render(request, template: str, context: dict):
    """The page with its times in the chapter's zone, as on the rows' own pages, whatever zones the reader's
    chapters are in."""
    with timezone.override(context["chapter"].zone):
        return render(request, template, context)


def _scope(form: AuditForm) -> dict:
    data = form.cleaned_data
    return {"chapter": data["chapter"], "hubs": form.hubs_in_scope(), "period": Period(data["start"], data["end"])}


def rows_url(form: AuditForm, what: str, **params) -> str:
    """The drill-down page of one figure: the audit's choices, and what to list."""
    data = form.cleaned_data
    query = {"chapter": data["chapter"].code, "start": data["start"], "end": data["end"]}
    if data.get("hub"):
        query["hub"] = data["hub"].pk
    query.update({key: getattr(value, "pk", value) for key, value in params.items()}, what=what)
    return f"{_rows_path()}?{urlencode(query)}"


@functools.cache
def _rows_path() -> str:
    return reverse("audit:rows")  # the audit page links to it a few hundred times


def _presets(chapter) -> list[tuple[str, datetime.date, datetime.date]]:
    today = chapter.today()
    monday = today - datetime.timedelta(days=today.weekday())
    first = today.replace(day=1)
    last_month_end = first - datetime.timedelta(days=1)
    return [
        (_("This week"), monday, today),
        (_("Last week"), monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1)),
        (_("This month"), first, today),
        (_("Last month"), last_month_end.replace(day=1), last_month_end),
        (_("Last 12 months"), today - datetime.timedelta(days=364), today),
    ]


@require_safe
def audit_home(request):
    form = _form(request)
    if not form.is_valid():
        return render(request, "deliveries/audit/home.html", {"form": form})
    scope = _scope(form)
    chapter, hubs, period = scope["chapter"], scope["hubs"], scope["period"]
    report = audit.Audit(chapter, hubs, period)
    table = request.GET.get("csv")
    if table in CSV_TABLES:
        return _csv(request.user, table, report)
    flagged = report.unbalanced_routes
    check = audit.latest_chain_check(chapter)
    context = {
        "form": form,
        **scope,
        "presets": _presets(chapter),
        "reconciliations": report.reconciliations,
        "stock_flags": sum(len(r.flagged) for r in report.reconciliations),
        "balances": audit.with_routes(flagged[:ROUTES_SHOWN]),
        "balances_not_shown": len(flagged[ROUTES_SHOWN:]),
        "routes_loaded": len({balance.route_id for balance in report.route_balances}),
        "route_flags": len({balance.route_id for balance in flagged}),
        "flags": _flags(form, report),
        "chain_flag": audit.chain_flag(check, chapter),
        "check": check,
        "served": audit.served(chapter, hubs, period),
        "distributed": report.distributed_by_category(),
        "waste": report.waste_rates(),
        "missed": audit.missed_pickups(hubs, period),
        "charts": [bar_chart(unit, points) for unit, points in report.weekly().items()],
    }
    return _render(request, "deliveries/audit/home.html", context)


def _flags(form, report: audit.Audit) -> list[dict]:
    flags = []
    for kind, label in FLAGS.items():
        rows = report.flag_rows(kind)
        count = len(rows) if isinstance(rows, list) else rows.count()
        flags.append({"kind": kind, "label": label, "count": count, "url": rows_url(form, kind)})
    return flags


@require_safe
def audit_rescued(request):
    """Rescued per supplier and month: one row per supplier and unit, a column per month."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "deliveries/audit/rescued.html", {"form": form})
    scope = _scope(form)
    rows = audit.rescued_by_supplier_month(scope["hubs"], scope["period"])
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
    page = Paginator(suppliers, SUPPLIERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, **scope, "months": months, "page": page}
    return _render(request, "deliveries/audit/rescued.html", context)


@require_safe
def audit_rows(request):
    """The rows behind one figure or flag, each linked to its own page."""
    form = _form(request)
    what = request.GET.get("what", "")
    if not form.is_valid():
        return render(request, "deliveries/audit/rows.html", {"form": form})
    scope = _scope(form)
    rows, title = _rows_behind(what, request.GET, **scope)
    zone = scope["chapter"].zone
    if request.GET.get("csv"):
        header = [_("Date"), _("Hub"), _("Household"), _("What"), _("Quantity"), _("Unit"), _("Recorded by"),
                  _("Recorded at")]  # fmt: skip
        # Only a name the page knows goes into the trail and the file name (a header: no quotes or line breaks).
        known = what if what in FLOWS or what in FLAGS or what in {"count", "route", "missed", "served"} else "rows"
        record(TrailEvent.Kind.EXPORTED, request.user, scope["chapter"], f"audit rows {known}")
        described = (_describe(row, zone) for row in rows)
        body = [[r["date"], r["hub"], r["household"], r["what"], r["quantity"], r["unit"], r["by"], r["at"]]
                for r in described]  # fmt: skip
        return csv_response(f"mimac-audit-{known}-{scope['period'].start}.csv", header, body)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    described = [_describe(row, zone) for row in page]
    context = {"form": form, **scope, "title": title, "rows": described, "page": page, "what": what}
    return _render(request, "deliveries/audit/rows.html", context)


def _rows_behind(what, params, chapter, hubs, period):
    category, supplier = params.get("category"), params.get("supplier")
    if what in FLOWS:
        first, last = period.start, period.end
        rows = FLOWS[what].rows(hubs, first, last)
        rows = rows.filter(category=category) if category and category.isdigit() else rows
        if what == "received" and supplier and supplier.isdigit():
            rows = rows.filter(pickup__supplier=supplier)
        if params.get("unit") in Unit.values:
            rows = rows.filter(category__unit=params["unit"])
        related = ("category", "recorded_by", *FLOWS[what].described_with)
        return rows.select_related(*related), _("Rows: %(what)s") % {"what": _(what.replace("_", " "))}
    if what == "count":
        count = params.get("count", "")
        rows = StockCountLine.objects.newest().filter(
            stock_count__hub__in=hubs, stock_count=count if count.isdigit() else 0
        )
        return rows.select_related("category", "recorded_by", "stock_count__hub"), _("A stock count")
    if what == "route":
        route = params.get("route", "")
        route_filter = {"route": route if route.isdigit() else 0, "route__hub__in": hubs}
        loads = RouteLoad.objects.newest().filter(**route_filter)
        loads = loads.select_related("category", "recorded_by", "route__hub")
        lines = (
            DeliveryLine.objects.newest()
            .filter(stop__route=route_filter["route"], stop__route__hub__in=hubs)
            .select_related("category", "recorded_by", *FLOWS["delivered"].described_with)
        )
        if category and category.isdigit():
            loads, lines = loads.filter(category=category), lines.filter(category=category)
        return [*loads, *lines], _("A route's load-out, returns and deliveries")
    if what == "missed":
        pickups = Pickup.objects.filter(hub__in=hubs, date__range=(period.start, period.end), status="missed")
        return pickups.select_related("supplier", "hub"), _("Missed pickups")
    if what == "served":
        households = audit.households_served(chapter, hubs, period).select_related("chapter").order_by("number")
        return households, _("Households served, each once")
    if what in FLAGS:
        return audit.Audit(chapter, hubs, period).flag_rows(what), FLAGS[what]
    return [], _("Nothing to list: follow a figure of the audit.")


def _describe(row, zone) -> dict:
    """One row of any kind as the drill-down table shows it: its day, hub and household where it has them, and for
    a ledger row who recorded it and when, in the chapter's zone (`zone`), as on the row's own page."""
    described = dict.fromkeys(("date", "hub", "household", "quantity", "unit", "by", "at", "url"), "")
    described["what"] = str(row)
    if hasattr(row, "chain_hash"):
        described.update(
            by=row.recorded_by.first_name or row.recorded_by.username,
            at=f"{timezone.localtime(row.recorded_at, zone):%Y-%m-%d %H:%M}",
            url=reverse("ledger:entry", args=[row._meta.model_name, row.pk]),
        )
        if hasattr(row, "quantity"):
            described.update(what=row.category.name, quantity=row.quantity, unit=row.category.get_unit_display())
    match row:
        case PickupLine():
            facts = {"category": row.category.name, "supplier": row.pickup.supplier.name}
            described.update(
                date=row.pickup.date, hub=row.pickup.hub.name, what=_("%(category)s from %(supplier)s") % facts
            )
        case DeliveryLine():
            route = row.stop.route
            described.update(
                date=route.date,
                hub=route.hub.name,
                household=row.stop.household.code,
                what=_("%(category)s on %(route)s") % {"category": row.category.name, "route": route.name},
            )
        case HandoutLine():
            described.update(date=row.handout.date, hub=row.handout.hub.name, household=_to_whom(row.handout))
        case Spoilage():
            facts = {"category": row.category.name, "reason": row.get_reason_display()}
            described.update(date=row.date, hub=row.hub.name, what=_("%(category)s: %(reason)s") % facts)
        case StockCountLine():
            described.update(date=row.stock_count.date, hub=row.stock_count.hub.name)
        case RouteLoad():
            facts = {"direction": row.get_direction_display(), "category": row.category.name}
            described.update(date=row.route.date, hub=row.route.hub.name, what=_("%(direction)s: %(category)s") % facts)
        case Pickup():
            described.update(
                date=row.date,
                hub=row.hub.name,
                what=row.supplier.name,
                url=reverse("pickups:pickup_detail", args=[row.pk]),
            )
        case IntakeDifference():
            what = _("%(supplier)s, %(category)s: recorded %(recorded)s, counted %(counted)s")
            facts = {"supplier": row.pickup.supplier.name, "category": row.category}
            described.update(
                date=row.pickup.date,
                hub=row.pickup.hub.name,
                what=what % {**facts, "recorded": row.recorded, "counted": row.counted},
                quantity=row.counted - row.recorded,
                unit=Unit(row.unit).label,
                url=reverse("pickups:pickup_detail", args=[row.pickup.pk]),
            )
        case Stop():
            described.update(
                date=row.route.date,
                hub=row.route.hub.name,
                household=row.household.code,
                what=_("Delivered on %(route)s") % {"route": row.route.name},
            )
        case Household():
            people = ngettext("person", "people", row.size)
            described.update(household=row.code, what=_("Served"), quantity=row.size, unit=people)
        case Handout():
            described.update(date=row.date, hub=row.hub.name, household=_to_whom(row), what=_("Handout"))
        case HouseholdReport():
            described.update(date=row.date, household=row.household.code, what=row.get_kind_display())
    return described


def _to_whom(handout: Handout) -> str:
    """A handout's household, or the walk-ins it counted."""
    if handout.household:
        return handout.household.code
    return ngettext("walk-in, %(people)d person", "walk-in, %(people)d people", handout.people) % {
        "people": handout.people
    }


# The audit's tables as CSV: each a header and a function of the audit that gives its rows.
CSV_TABLES = {
    "reconciliation": (
        "hub,category,unit,opening,received,delivered,handed out,spoiled,expected,counted,difference,difference %,"
        "flagged",
        lambda report: [
            [r.hub.name, line.category.name, line.category.unit, line.opening, line.received, line.delivered,
             line.handed_out, line.spoiled, line.expected, line.counted, line.difference, line.share, line.flagged]
            for r in report.reconciliations for line in r.lines
        ],
    ),
    "routes": (
        "route,date,volunteers,category,unit,loaded,returned,delivered,unaccounted,flagged",
        lambda report: [
            [b.route.name, b.route.date, ", ".join(v.first_name or v.username for v in b.volunteers), b.category.name,
             b.category.unit, b.loaded, b.returned, b.delivered, b.unaccounted, b.flagged]
            for b in audit.with_routes(report.route_balances)
        ],
    ),
    "rescued": (
        "supplier,month,category,unit,received",
        lambda report: [
            [r["pickup__supplier__name"], r["month"], r["category__name"], r["category__unit"], r["total"]]
            for r in audit.rescued_by_supplier_month(report.hubs, report.period)
        ],
    ),
    "distributed": (
        "category,unit,delivered,handed out,distributed",
        lambda report: [
            [d["category"].name, d["category"].unit, d["delivered"], d["handed_out"], d["total"]]
            for d in report.distributed_by_category()
        ],
    ),
    "weekly": (
        "unit,week,received,distributed,spoiled",
        lambda report: [
            [unit, point["week"], point["received"], point["distributed"], point["spoiled"]]
            for unit, points in report.weekly().items() for point in points
        ],
    ),
}  # fmt: skip


def _csv(user, table: str, report: audit.Audit):
    header, rows = CSV_TABLES[table]
    record(TrailEvent.Kind.EXPORTED, user, report.chapter, f"audit {table}")
    period = report.period
    name = f"mimac-{report.chapter.code}-{table}-{period.start}-{period.end}.csv"
    return csv_response(name, header.split(","), rows(report))


@require_safe
def audit_sheet(request):
    """The audit sheet of the period and hubs shown, to print and sign, carrying the ledger's chain head."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "deliveries/audit/home.html", {"form": form})
    scope = _scope(form)
    chapter, hubs, period = scope["chapter"], scope["hubs"], scope["period"]
    report = audit.Audit(chapter, hubs, period)
    context = {
        **scope,
        "reconciliations": report.reconciliations,
        "balances": audit.with_routes(report.unbalanced_routes),
        "flags": _flags(form, report),
        "served": audit.served(chapter, hubs, period),
        "hub": form.cleaned_data.get("hub"),
        "head": LedgerHead.objects.filter(chapter=chapter).first(),
        "check": audit.latest_chain_check(chapter),
    }
    return _render(request, "deliveries/audit/sheet.html", context)
