"""The audit's flags: each a rule that names exactly the rows behind it, listed on the drill-down page; and the
ledger chain's own flag, from its latest nightly check."""

import datetime
from collections.abc import Callable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import money
from audit.queries import FLOWS, HUNDRED, ZERO, Audit, exceeds
from deliveries.models import DeliveryLine, HouseholdReport, Stop
from deliveries.queries import reports_with_flags
from hubdesk.models import Handout
from ledger.models import ChainCheck
from ledger.verification import translated_problem
from pickups import queries as pickup_queries
from pickups.models import Pickup, PickupLine
from recipients.models import Household

# A chain not verified for this long is flagged too: the nightly verify_ledger has stopped running.
CHAIN_CHECK_EVERY = datetime.timedelta(days=2)

FLAGS = {
    "contradicted": gettext_lazy("Household reports that contradict a stop marked delivered"),
    "intake_differs": gettext_lazy("Second counts that differ from the recorded pickup lines"),
    "intake_missing": gettext_lazy("Pickups not counted again within a day"),
    "ended_household": gettext_lazy("Deliveries and handouts to households that had ended or paused"),
    "pickup_without_lines": gettext_lazy("Pickups recorded as done without any line"),
    "spoilage_share": gettext_lazy("Spoilage above the chapter's share of what the hub received"),
    "delivered_nothing": gettext_lazy("Stops marked delivered with nothing handed over"),
    "large_correction": gettext_lazy("Corrections that move a total beyond the tolerance"),
    **money.MONEY_FLAGS,
}


def counted(report: Audit, link: Callable[[str], str]) -> list[dict]:
    """Every flag with how many rows it found, and `link(kind)` to them."""
    found = []
    for kind, label in FLAGS.items():
        rows = flag_rows(report, kind)
        count = len(rows) if isinstance(rows, list) else rows.count()
        found.append({"kind": kind, "label": label, "count": count, "url": link(kind)})
    return found


def flag_rows(report: Audit, kind: str):
    """The rows behind a flag: a queryset, or for the flags computed per category, a list."""
    if kind == "spoilage_share":
        return _spoilage_beyond_share(report)
    if kind == "large_correction":
        return _large_corrections(report)
    if kind in money.MONEY_FLAGS:
        return money.flag_rows(report.chapter, report.period, kind)
    return _rows_needing_no_totals(kind, report)


def _spoilage_beyond_share(report: Audit) -> QuerySet:
    """Spoilage rows of every hub and category that threw away more than the share it received."""
    per_hub = lambda hub, day, category: (hub, category)  # noqa: E731
    received = report.totals("received", per_hub)
    beyond = Q(pk=None)  # one query whether or not anything is beyond
    for (hub, category), total in report.totals("spoiled", per_hub).items():
        if total > received.get((hub, category), ZERO) * report.chapter.spoilage_flag_percent / HUNDRED:
            beyond |= Q(hub=hub, category=category)
    rows = FLOWS["spoiled"].rows(report.hubs, report.period.start, report.period.end).filter(beyond)
    return rows.select_related("hub", "category", "recorded_by")


def _large_corrections(report: Audit) -> list:
    """Corrections whose change is beyond the tolerance of their category's total in the period."""
    found = []
    for flow, source in FLOWS.items():
        corrections = source.rows(report.hubs, report.period.start, report.period.end).filter(corrects__isnull=False)
        corrections = corrections.select_related("corrects", "category", "recorded_by", *source.described_with)
        corrections = list(corrections)
        totals = report.totals(flow) if corrections else {}
        for row in corrections:
            if exceeds(row.quantity - row.corrects.quantity, totals.get(row.category_id, ZERO), report.tolerance):
                found.append(row)
    return found


def _rows_needing_no_totals(kind: str, report: Audit):
    chapter, hubs, span = report.chapter, report.hubs, (report.period.start, report.period.end)
    if kind == "contradicted":
        reports = HouseholdReport.objects.newest().filter(household__chapter=chapter, date__range=span)
        return reports_with_flags(reports).filter(contradicts=True).select_related("household__chapter", "recorded_by")
    pickups = Pickup.objects.filter(hub__in=hubs, date__range=span)
    if kind == "intake_differs":
        return pickup_queries.intake_differences(pickups)
    if kind == "intake_missing":
        return pickup_queries.unchecked_after_a_day(pickups, timezone.now())
    if kind == "pickup_without_lines":
        lines = PickupLine.objects.filter(pickup=OuterRef("pk"))
        return pickups.filter(~Exists(lines), status=Pickup.Status.DONE).select_related("supplier", "hub")
    stops = Stop.objects.filter(route__hub__in=hubs, route__date__range=span, outcome=Stop.Outcome.DELIVERED)
    if kind == "ended_household":
        return _to_ended_households(stops, hubs, span)
    if kind == "delivered_nothing":
        given = DeliveryLine.objects.newest().filter(stop=OuterRef("pk"), quantity__gt=0)
        return stops.filter(~Exists(given)).select_related("route__hub", "household__chapter")
    raise KeyError(kind)


def _ended_by(day: str) -> Q:
    """The household had ended or paused by `day` (a path to a date)."""
    return Q(
        household__status__in=[Household.Status.ENDED, Household.Status.PAUSED], household__status_since__lte=F(day)
    )


def _to_ended_households(stops: QuerySet, hubs, span: tuple[datetime.date, datetime.date]) -> list:
    delivered = stops.filter(_ended_by("route__date")).select_related("route__hub", "household__chapter")
    handouts = Handout.objects.filter(_ended_by("date"), hub__in=hubs, date__range=span)
    return [*delivered, *handouts.select_related("hub", "household__chapter", "recorded_by")]


def latest_chain_check(chapter) -> ChainCheck | None:
    return ChainCheck.objects.filter(chapter=chapter).first()


def chain_flag(check: ChainCheck | None, chapter) -> str:
    """Why the chain is flagged, or "" when its latest check is recent and holds."""
    if check is None:
        return _("The ledger chain has never been verified: run manage.py verify_ledger (nightly, from cron).")
    at = timezone.localtime(check.at, chapter.zone)
    if not check.ok:
        return _("The ledger chain did not verify on %(at)s: %(problem)s") % {
            "at": f"{at:%Y-%m-%d %H:%M}",
            "problem": translated_problem(check.problem),
        }
    if timezone.now() - check.at > CHAIN_CHECK_EVERY:
        return _("The ledger chain was last verified on %(day)s: is the nightly verify_ledger running?") % {
            "day": f"{at:%Y-%m-%d}"
        }
    return ""
