"""The audit's pages: read-only, from the query string, every figure a link to its rows."""

import datetime
import functools

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit import drilldown, figures, flags, money, tables, track_record
from audit.charts import bar_chart
from audit.forms import AuditForm
from audit.queries import Audit, Period, opening_period, with_routes
from ledger.models import LedgerHead, model_of_kind
from mimac import access
from mimac.access import Action
from money.models import MoneySettings
from pickups import queries as pickup_queries

# The audit page lists at most this many unbalanced routes, the largest differences first; the CSV has every route.
ROUTES_SHOWN = 100
SUPPLIERS_PER_PAGE = 50
ROWS_PER_PAGE = 200


def _form(request) -> AuditForm:
    """The audit's choices; missing ones default to the first chapter, every hub, and the chapter's last complete
    month with data (`queries.opening_period`)."""
    chapters = sorted(access.chapters_where(request.user, Action.VIEW_AUDIT), key=lambda chapter: chapter.name)
    data = request.GET.copy()
    data.setdefault("chapter", chapters[0].code)
    chapter = next((c for c in chapters if c.code == data["chapter"]), chapters[0])
    if "start" not in data and "end" not in data:
        period = opening_period(chapter)
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
        return render(request, "audit/home.html", {"form": form})
    scope = _scope(form)
    chapter, hubs, period = scope["chapter"], scope["hubs"], scope["period"]
    report = Audit(chapter, hubs, period)
    table = request.GET.get("csv")
    if table in tables.CSV_TABLES:
        return tables.table_response(request.user, table, report)
    flagged = report.unbalanced_routes
    check = flags.latest_chain_check(chapter)
    context = {
        "form": form,
        **scope,
        "presets": _presets(chapter),
        "reconciliations": report.reconciliations,
        "stock_flags": sum(len(r.flagged) for r in report.reconciliations),
        "balances": with_routes(flagged[:ROUTES_SHOWN]),
        "balances_not_shown": len(flagged[ROUTES_SHOWN:]),
        "routes_loaded": len({balance.route_id for balance in report.route_balances}),
        "route_flags": len({balance.route_id for balance in flagged}),
        "flags": flags.counted(report, functools.partial(drilldown.rows_url, form)),
        "chain_flag": flags.chain_flag(check, chapter),
        "check": check,
        "served": figures.served(chapter, hubs, period),
        "distributed": figures.distributed_by_category(report),
        "waste": figures.waste_rates(report),
        "missed": figures.missed_pickups(hubs, period),
        "charts": [bar_chart(unit, points) for unit, points in figures.weekly(report).items()],
        "money": MoneySettings.of(chapter),
        "money_balances": money.balances(chapter, period),
    }
    return _render(request, "audit/home.html", context)


@require_safe
def audit_rescued(request):
    """Rescued per supplier and month: one row per supplier and unit, a column per month."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "audit/rescued.html", {"form": form})
    scope = _scope(form)
    months, suppliers = figures.rescued_table(scope["hubs"], scope["period"])
    page = Paginator(suppliers, SUPPLIERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, **scope, "months": months, "page": page}
    return _render(request, "audit/rescued.html", context)


@require_safe
def audit_rows(request):
    """The rows behind one figure or flag, each linked to its own page."""
    form = _form(request)
    what = request.GET.get("what", "")
    if not form.is_valid():
        return render(request, "audit/rows.html", {"form": form})
    scope = _scope(form)
    rows, title = drilldown.rows_behind(what, request.GET, **scope)
    currency = MoneySettings.of(scope["chapter"]).currency
    if request.GET.get("csv"):
        return tables.rows_response(request.user, what, rows, scope["chapter"], scope["period"], currency)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    described = [drilldown.describe(row, scope["chapter"].zone, currency) for row in page]
    context = {"form": form, **scope, "title": title, "rows": described, "page": page, "what": what}
    return _render(request, "audit/rows.html", context)


@require_safe
def audit_sheet(request):
    """The audit sheet of the period and hubs shown, to print and sign, carrying the ledger's chain head."""
    form = _form(request)
    if not form.is_valid():
        return render(request, "audit/home.html", {"form": form})
    scope = _scope(form)
    chapter, hubs, period = scope["chapter"], scope["hubs"], scope["period"]
    report = Audit(chapter, hubs, period)
    context = {
        **scope,
        "reconciliations": report.reconciliations,
        "balances": with_routes(report.unbalanced_routes),
        "flags": flags.counted(report, functools.partial(drilldown.rows_url, form)),
        "served": figures.served(chapter, hubs, period),
        "hub": form.cleaned_data.get("hub"),
        "head": LedgerHead.objects.filter(chapter=chapter).first(),
        "check": flags.latest_chain_check(chapter),
        "money": MoneySettings.of(chapter),
        "money_balances": money.balances(chapter, period),
    }
    return _render(request, "audit/sheet.html", context)


@require_safe
def track_record_rows(request, pk, period, figure):
    """The rows behind one figure of a member's track record, for whoever may read the track record."""
    membership = access.get_track_record(request, pk)
    shown, what = track_record.period_of(membership, period), track_record.figure_of(figure)
    if shown is None or what is None:
        raise Http404
    page = Paginator(what.rows(membership, shown), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        if what.kind == "correction":  # rows of every ledger kind, as dicts: named by their model
            row["label"] = model_of_kind(row["ledger_kind"])._meta.verbose_name
        elif what.kind == "given_back":  # lines of the security trail, which names a pickup by its id
            row.pickup_id = pickup_queries.given_back_pickup(row)
    context = {"membership": membership, "chapter": membership.chapter, "period": shown, "figure": what, "page": page}
    return _render(request, "audit/track_record_rows.html", context)
