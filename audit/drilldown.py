"""The drill-down: from a figure of the audit to the rows behind it, each as the table shows it and linked to
its own page."""

import functools

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit import figures, flags, money
from audit.flags import FLAGS
from audit.forms import AuditForm
from audit.queries import FLOWS, Audit, Period
from deliveries.models import DeliveryLine, HouseholdReport, RouteLoad, Stop
from hubdesk.models import Handout, HandoutLine, Spoilage, StockCountLine
from mimac.models import Unit
from money.models import CashCount, MoneyEntry
from pickups.models import Pickup, PickupLine
from pickups.queries import IntakeDifference
from recipients.models import Household

# The flows' names in a page title (FLOWS is keyed by these codes).
FLOW_NAMES = {
    "received": gettext_lazy("received"),
    "delivered": gettext_lazy("delivered"),
    "handed_out": gettext_lazy("handed out"),
    "spoiled": gettext_lazy("spoiled"),
}

# What the drill-down lists besides the flows and the flags.
OTHER_ROWS = {"count", "route", "missed", "served", "money"}


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


def known_name(what: str) -> str:
    """`what` if the page knows it, else "rows": only a known name goes into the trail and a file name."""
    return what if what in FLOWS or what in FLAGS or what in OTHER_ROWS else "rows"


def rows_behind(what: str, params, chapter, hubs, period: Period) -> tuple:
    """The rows behind a figure (`what`, narrowed by `params`: a category, supplier, unit, count or route), and
    the page's title."""
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
        return rows.select_related(*related), _("Rows: %(what)s") % {"what": FLOW_NAMES[what]}
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
        households = figures.households_served(chapter, hubs, period).select_related("chapter").order_by("number")
        return households, _("Households served, each once")
    if what == "money":
        return money.rows(chapter, period, params), _("Money rows")
    if what in FLAGS:
        return flags.flag_rows(Audit(chapter, hubs, period), what), FLAGS[what]
    return [], _("Nothing to list: follow a figure of the audit.")


def describe(row, zone, currency: str = "") -> dict:
    """One row of any kind as the drill-down table shows it: its day, hub and household where it has them, and for
    a ledger row who recorded it and when, in the chapter's zone (`zone`), as on the row's own page. Money is in the
    chapter's `currency`."""
    described = dict.fromkeys(("date", "hub", "household", "quantity", "unit", "by", "at", "url"), "")
    described["what"] = str(row)
    if hasattr(row, "chain_hash"):
        described.update(
            by=row.recorded_by.first_name or row.recorded_by.username,
            at=f"{timezone.localtime(row.recorded_at, zone):%Y-%m-%d %H:%M}",
            url=reverse("ledger:entry", args=[row._meta.model_name, row.pk]),
        )
        if hasattr(row, "quantity"):
            described.update(what=row.category.label, quantity=row.quantity, unit=row.category.get_unit_display())
    match row:
        case MoneyEntry() | CashCount():
            url = reverse("money:entry" if isinstance(row, MoneyEntry) else "money:count", args=[row.pk])
            described.update(date=row.date, url=url, **money.what(row, currency))
        case PickupLine():
            facts = {"category": row.category.label, "supplier": row.pickup.supplier.name}
            described.update(
                date=row.pickup.date, hub=row.pickup.hub.name, what=_("%(category)s from %(supplier)s") % facts
            )
        case DeliveryLine():
            route = row.stop.route
            described.update(
                date=route.date,
                hub=route.hub.name,
                household=row.stop.household.code,
                what=_("%(category)s on %(route)s") % {"category": row.category.label, "route": route.name},
            )
        case HandoutLine():
            described.update(date=row.handout.date, hub=row.handout.hub.name, household=_to_whom(row.handout))
        case Spoilage():
            facts = {"category": row.category.label, "reason": row.get_reason_display()}
            described.update(date=row.date, hub=row.hub.name, what=_("%(category)s: %(reason)s") % facts)
        case StockCountLine():
            described.update(date=row.stock_count.date, hub=row.stock_count.hub.name)
        case RouteLoad():
            facts = {"direction": row.get_direction_display(), "category": row.category.label}
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
