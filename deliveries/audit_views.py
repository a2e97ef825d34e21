"""The audit's pages: read-only, from the query string, every figure a link to its rows."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from deliveries import audit
from deliveries.audit import FLAGS, FLOWS, Period
from deliveries.charts import bar_chart
from deliveries.forms import AuditForm
from deliveries.models import DeliveryLine, Handout, HouseholdReport, RouteLoad, StockCountLine, Stop
from mimac import access
from mimac.access import Action
from mimac.models import LedgerHead, TrailEvent, record
from mimac.spreadsheets import csv_response
from pickups.models import Pickup
from pickups.queries import IntakeDifference
from recipients.models import Household


def _form(request) -> AuditForm:
    """The audit's choices; missing ones default to the first chapter, every hub, this month so far."""
    chapters = sorted(access.chapters_where(request.user, Action.VIEW_AUDIT), key=lambda chapter: chapter.name)
    data = request.GET.copy()
    data.setdefault("chapter", chapters[0].code)
    chapter = next((c for c in chapters if c.code == data["chapter"]), chapters[0])
    today = chapter.today()
    data.setdefault("start", today.replace(day=1).isoformat())
    data.setdefault("end", today.isoformat())
    return AuditForm(data, chapters=chapters)


def _scope(form: AuditForm) -> dict:
    data = form.cleaned_data
    return {"chapter": data["chapter"], "hubs": form.hubs_in_scope(), "period": Period(data["start"], data["end"])}


def _stock_and_routes(chapter, hubs, period) -> tuple[list, list]:
    """Each hub's reconciliation, and the routes' balances."""
    reconciliations = [audit.reconcile(hub, period) for hub in hubs]
    return reconciliations, audit.route_balances(hubs, period, chapter.audit_tolerance_percent)


def rows_url(form: AuditForm, what: str, **params) -> str:
    """The drill-down page of one figure: the audit's choices, and what to list."""
    data = form.cleaned_data
    query = {"chapter": data["chapter"].code, "start": data["start"], "end": data["end"]}
    if data.get("hub"):
        query["hub"] = data["hub"].pk
    query.update({key: getattr(value, "pk", value) for key, value in params.items()}, what=what)
    return f"{reverse('audit:rows')}?{urlencode(query)}"


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
    reconciliations, balances = _stock_and_routes(**scope)
    table = request.GET.get("csv")
    if table in CSV_TABLES:
        return _csv(request.user, table, chapter, period, reconciliations, balances, hubs)
    check = audit.latest_chain_check(chapter)
    context = {
        "form": form,
        **scope,
        "presets": _presets(chapter),
        "reconciliations": reconciliations,
        "balances": balances,
        "stock_flags": sum(len(r.flagged) for r in reconciliations),
        "route_flags": len({b.route.pk for b in balances if b.flagged}),
        "flags": _flags(form, **scope),
        "chain_flag": audit.chain_flag(check),
        "check": check,
        "served": audit.served(chapter, hubs, period),
        "distributed": audit.distributed_by_category(hubs, period),
        "rescued": audit.rescued_by_supplier_month(hubs, period),
        "waste": audit.waste_rates(hubs, period),
        "missed": audit.missed_pickups(hubs, period),
        "charts": [bar_chart(unit, points) for unit, points in audit.weekly(hubs, period).items()],
    }
    return render(request, "deliveries/audit/home.html", context)


def _flags(form, chapter, hubs, period) -> list[dict]:
    flags = []
    for kind, label in FLAGS.items():
        rows = audit.flag_rows(kind, chapter, hubs, period)
        count = len(rows) if isinstance(rows, list) else rows.count()
        flags.append({"kind": kind, "label": _(label), "count": count, "url": rows_url(form, kind)})
    return flags


@require_safe
def audit_rows(request):
    """The rows behind one figure or flag, each linked to its own page."""
    form = _form(request)
    what = request.GET.get("what", "")
    if not form.is_valid():
        return render(request, "deliveries/audit/rows.html", {"form": form})
    scope = _scope(form)
    rows, title = _rows_behind(what, request.GET, **scope)
    described = [_describe(row) for row in rows]
    if request.GET.get("csv"):
        header = [_("Date"), _("Where"), _("What"), _("Quantity"), _("Unit"), _("Recorded by"), _("Recorded at")]
        known = what in FLOWS or what in FLAGS or what in {"count", "route", "missed", "served"}
        record(TrailEvent.Kind.EXPORTED, request.user, scope["chapter"], f"audit rows {what if known else '?'}")
        body = [[r["date"], r["where"], r["what"], r["quantity"], r["unit"], r["by"], r["at"]] for r in described]
        return csv_response(f"mimac-audit-{what}-{scope['period'].start}.csv", header, body)
    context = {"form": form, **scope, "title": title, "rows": described, "what": what}
    return render(request, "deliveries/audit/rows.html", context)


def _rows_behind(what, params, chapter, hubs, period):
    category, supplier = params.get("category"), params.get("supplier")
    if what in FLOWS:
        first, last = period.start, period.end
        rows = FLOWS[what].rows(hubs, first, last)
        rows = rows.filter(category=category) if category and category.isdigit() else rows
        rows = (
            rows.filter(pickup__supplier=supplier) if supplier and supplier.isdigit() and what == "received" else rows
        )
        return rows.select_related("category", "recorded_by"), _("Rows: %(what)s") % {"what": _(what.replace("_", " "))}
    if what == "count":
        count = params.get("count", "")
        rows = StockCountLine.objects.newest().filter(
            stock_count__hub__in=hubs, stock_count=count if count.isdigit() else 0
        )
        return rows.select_related("category", "recorded_by", "stock_count__hub"), _("A stock count")
    if what == "route":
        route = params.get("route", "")
        route_filter = {"route": route if route.isdigit() else 0, "route__hub__in": hubs}
        loads = RouteLoad.objects.newest().filter(**route_filter).select_related("category", "recorded_by", "route")
        lines = (
            DeliveryLine.objects.newest()
            .filter(stop__route=route_filter["route"], stop__route__hub__in=hubs)
            .select_related("category", "recorded_by", "stop__route", "stop__household__chapter")
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
        return audit.flag_rows(what, chapter, hubs, period), _(FLAGS[what])
    return [], _("Nothing to list: follow a figure of the audit.")


def _describe(row) -> dict:
    """One row of any kind as the drill-down table shows it."""
    described = {"date": "", "where": "", "what": str(row), "quantity": "", "unit": "", "by": "", "at": "", "url": ""}
    if hasattr(row, "chain_hash"):
        described.update(
            quantity=getattr(row, "quantity", ""),
            unit=row.category.unit if hasattr(row, "category") else "",
            by=row.recorded_by.first_name or row.recorded_by.username,
            at=row.recorded_at.strftime("%Y-%m-%d %H:%M"),
            url=reverse("ledger_entry", args=[row._meta.model_name, row.pk]),
        )
    match row:
        case Pickup():
            described.update(
                date=row.date,
                where=row.hub.name,
                what=row.supplier.name,
                url=reverse("pickups:pickup_detail", args=[row.pk]),
            )
        case IntakeDifference():
            what = _("%(supplier)s, %(category)s: recorded %(recorded)s, counted %(counted)s")
            facts = {"supplier": row.pickup.supplier.name, "category": row.category}
            described.update(
                date=row.pickup.date,
                where=row.pickup.hub.name,
                what=what % {**facts, "recorded": row.recorded, "counted": row.counted},
                quantity=row.counted - row.recorded,
                unit=row.unit,
                url=reverse("pickups:pickup_detail", args=[row.pickup.pk]),
            )
        case Stop():
            described.update(date=row.route.date, where=row.route.name, what=f"{row.household.code}: {_('delivered')}")
        case Household():
            described.update(what=row.code, quantity=row.size, unit=_("people"))
        case Handout() | HouseholdReport():
            described.update(date=row.date, what=str(row))
    return described


# The audit's tables as CSV: each a header and a function that gives its rows.
CSV_TABLES = {
    "reconciliation": (
        "hub,category,unit,opening,received,delivered,handed out,spoiled,expected,counted,difference,difference %,"
        "flagged",
        lambda reconciliations, balances, hubs, period: [
            [r.hub.name, line.category.name, line.category.unit, line.opening, line.received, line.delivered,
             line.handed_out, line.spoiled, line.expected, line.counted, line.difference, line.share, line.flagged]
            for r in reconciliations for line in r.lines
        ],
    ),
    "routes": (
        "route,date,volunteers,category,unit,loaded,returned,delivered,unaccounted,flagged",
        lambda reconciliations, balances, hubs, period: [
            [b.route.name, b.route.date, ", ".join(v.first_name or v.username for v in b.volunteers), b.category.name,
             b.category.unit, b.loaded, b.returned, b.delivered, b.unaccounted, b.flagged]
            for b in balances
        ],
    ),
    "rescued": (
        "supplier,month,category,unit,received",
        lambda reconciliations, balances, hubs, period: [
            [r["pickup__supplier__name"], r["month"], r["category__name"], r["category__unit"], r["total"]]
            for r in audit.rescued_by_supplier_month(hubs, period)
        ],
    ),
    "distributed": (
        "category,unit,delivered,handed out,distributed",
        lambda reconciliations, balances, hubs, period: [
            [d["category"].name, d["category"].unit, d["delivered"], d["handed_out"], d["total"]]
            for d in audit.distributed_by_category(hubs, period)
        ],
    ),
    "weekly": (
        "unit,week,received,distributed,spoiled",
        lambda reconciliations, balances, hubs, period: [
            [unit, point["week"], point["received"], point["distributed"], point["spoiled"]]
            for unit, points in audit.weekly(hubs, period).items() for point in points
        ],
    ),
}  # fmt: skip


def _csv(user, table, chapter, period, reconciliations, balances, hubs):
    header, rows = CSV_TABLES[table]
    record(TrailEvent.Kind.EXPORTED, user, chapter, f"audit {table}")
    name = f"mimac-{chapter.code}-{table}-{period.start}-{period.end}.csv"
    return csv_response(name, header.split(","), rows(reconciliations, balances, hubs, period))


@require_safe
def audit_sheet(request):
    """The weekly audit sheet to print and sign, carrying the ledger's chain head."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "deliveries/audit/home.html", {"form": form})
    scope = _scope(form)
    chapter, hubs, period = scope["chapter"], scope["hubs"], scope["period"]
    reconciliations, balances = _stock_and_routes(**scope)
    context = {
        **scope,
        "reconciliations": reconciliations,
        "balances": [balance for balance in balances if balance.flagged],
        "flags": _flags(form, **scope),
        "served": audit.served(chapter, hubs, period),
        "head": LedgerHead.objects.filter(chapter=chapter).first(),
        "check": audit.latest_chain_check(chapter),
    }
    return render(request, "deliveries/audit/sheet.html", context)
