"""The audit's CSV files: its tables, and the rows behind a figure. Each download is written to the security
trail."""

from django.utils.translation import gettext as _

from audit import drilldown, figures, money
from audit.queries import Audit, Period, with_routes
from mimac.models import TrailEvent, record
from mimac.spreadsheets import csv_response

# The audit's tables as CSV: each a header and a function of the audit that gives its rows.
CSV_TABLES = {
    "reconciliation": (
        "hub,category,unit,opening,received,delivered,handed out,spoiled,expected,counted,difference,difference %,"
        "flagged",
        lambda report: [
            [r.hub.name, line.category.label, line.category.unit, line.opening, line.received, line.delivered,
             line.handed_out, line.spoiled, line.expected, line.counted, line.difference, line.share, line.flagged]
            for r in report.reconciliations for line in r.lines
        ],
    ),
    "routes": (
        "route,date,volunteers,category,unit,loaded,returned,delivered,unaccounted,flagged",
        lambda report: [
            [b.route.name, b.route.date, ", ".join(v.first_name or v.username for v in b.volunteers), b.category.label,
             b.category.unit, b.loaded, b.returned, b.delivered, b.unaccounted, b.flagged]
            for b in with_routes(report.route_balances)
        ],
    ),
    "rescued": (
        "supplier,month,category,unit,received",
        lambda report: [
            [r["pickup__supplier__name"], r["month"], r["category__name"], r["category__unit"], r["total"]]
            for r in figures.rescued_by_supplier_month(report.hubs, report.period)
        ],
    ),
    "distributed": (
        "category,unit,delivered,handed out,distributed",
        lambda report: [
            [d["category"].name, d["category"].unit, d["delivered"], d["handed_out"], d["total"]]
            for d in figures.distributed_by_category(report)
        ],
    ),
    "money": (money.CSV_HEADER, lambda report: money.csv_rows(report.chapter, report.period)),
    "cash_counts": (money.COUNTS_HEADER, lambda report: money.count_csv_rows(report.chapter, report.period)),
    "weekly": (
        "unit,week,received,distributed,spoiled",
        lambda report: [
            [unit, point["week"], point["received"], point["distributed"], point["spoiled"]]
            for unit, points in figures.weekly(report).items() for point in points
        ],
    ),
}  # fmt: skip


def table_response(user, table: str, report: Audit):
    header, rows = CSV_TABLES[table]
    record(TrailEvent.Kind.EXPORTED, user, report.chapter, f"audit {table}")
    period = report.period
    name = f"mimac-{report.chapter.code}-{table}-{period.start}-{period.end}.csv"
    return csv_response(name, header.split(","), rows(report))


def rows_response(user, what: str, rows, chapter, period: Period, currency: str = ""):
    """The rows behind a figure, as the drill-down page describes them."""
    header = [_("Date"), _("Hub"), _("Household"), _("What"), _("Quantity"), _("Unit"), _("Recorded by"),
              _("Recorded at")]  # fmt: skip
    # Only a name the page knows goes into the trail and the file name (a header: no quotes or line breaks).
    known = drilldown.known_name(what)
    record(TrailEvent.Kind.EXPORTED, user, chapter, f"audit rows {known}")
    described = (drilldown.describe(row, chapter.zone, currency) for row in rows)
    body = [[r["date"], r["hub"], r["household"], r["what"], r["quantity"], r["unit"], r["by"], r["at"]]
            for r in described]  # fmt: skip
    return csv_response(f"mimac-audit-{known}-{period.start}.csv", header, body)
