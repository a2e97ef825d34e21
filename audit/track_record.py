"""A member's track record: what MIMAC already holds about the shifts they did, for their observation period and
for the last months the security trail keeps (where give-backs are written down). Nothing new is collected.

Every figure is the count of the very queryset its drill-down lists, so a figure and its rows cannot disagree;
each costs the same few queries however many rows there are.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.queries import RouteBalance
from deliveries.models import Route, RouteLoad, Stop
from deliveries.queries import route_balances
from ledger.models import ledger_models
from mimac.models import Absence, Membership, Trust
from pickups import queries as pickup_queries
from pickups.models import IntakeCheck, Pickup, PickupAssignment


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: datetime.date
    last: datetime.date  # included; never after today

    def days(self) -> tuple[datetime.date, datetime.date]:
        return self.first, self.last

    def moments(self, membership: Membership) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as instants in the chapter's zone: from its first midnight to the midnight after its last day."""
        zone = membership.chapter.zone
        start = datetime.datetime.combine(self.first, datetime.time.min, tzinfo=zone)
        return start, datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)


def periods(membership: Membership) -> list[Period]:
    """The observation period (from joining to the day before vouching opens) and the months the trail keeps."""
    today = membership.chapter.today()
    observed_until = min(membership.observation_ends_on - datetime.timedelta(days=1), today)
    months = settings.TRAIL_RETENTION_MONTHS
    last_months = ngettext("Last %(months)d month", "Last %(months)d months", months) % {"months": months}
    return [
        Period(
            "observation", str(_("Observation period")), membership.joined_on, max(observed_until, membership.joined_on)
        ),
        Period("recent", last_months, today - relativedelta(months=months), today),
    ]


def period_of(membership: Membership, key: str) -> Period | None:
    return next((period for period in periods(membership) if period.key == key), None)


# The rows behind each figure -------------------------------------------------------------------------------------


def _taken(membership: Membership, period: Period) -> QuerySet:
    """Pickups the member was on (and did not give back), of the period's days, not cancelled."""
    return (
        Pickup.objects.filter(supplier__chapter=membership.chapter_id, assignments__volunteer=membership.user_id)
        .filter(date__range=period.days())
        .exclude(status=Pickup.Status.CANCELLED)
        .select_related("supplier__chapter", "hub")
        .order_by("date", "window_start")
    )


def _in_window(membership: Membership, period: Period) -> QuerySet:
    # Whether an arrival fell inside the window needs the chapter's zone: decided here, as for a supplier.
    done = _taken(membership, period).filter(status=Pickup.Status.DONE)
    return done.filter(pk__in=[pickup.pk for pickup in done if pickup.arrived_on_time])


def _missed(membership: Membership, period: Period) -> QuerySet:
    return _taken(membership, period).filter(status=Pickup.Status.MISSED)


def _given_back(*, late: bool) -> Callable[[Membership, Period], QuerySet]:
    def rows(membership: Membership, period: Period) -> QuerySet:
        lines = pickup_queries.given_back(membership.chapter, membership.user, late=late)
        return lines.filter(at__gte=period.moments(membership)[0], at__lt=period.moments(membership)[1])

    return rows


def _trusted_partner(membership: Membership, user_ref: str, day_ref: str) -> QuerySet:
    """A membership of the chapter, other than this one, trusted on the day of the shift."""
    return Membership.objects.filter(
        chapter=membership.chapter_id,
        trust=Trust.TRUSTED,
        user=OuterRef(user_ref),
        trusted_since__lte=OuterRef(day_ref),
    ).exclude(pk=membership.pk)


def _pickups_with_trusted(membership: Membership, period: Period) -> QuerySet:
    """Pickups done together with a member trusted on the day."""
    partners = PickupAssignment.objects.filter(
        Exists(_trusted_partner(membership, "volunteer", "pickup__date")), pickup=OuterRef("pk")
    )
    return _taken(membership, period).filter(Exists(partners), status=Pickup.Status.DONE)


def _routes_on(membership: Membership, period: Period) -> QuerySet:
    """Routes the member drove or helped on, published, with a stop recorded (so the shift happened)."""
    Helper = Route.helpers.through
    helping = Helper.objects.filter(route=OuterRef("pk"), user=membership.user_id)
    recorded = Stop.objects.filter(route=OuterRef("pk")).exclude(outcome="")
    return (
        Route.objects.filter(chapter=membership.chapter_id, date__range=period.days())
        .filter(Q(driver=membership.user_id) | Exists(helping), Exists(recorded))
        .exclude(status=Route.Status.DRAFT)
        .order_by("date", "name")
    )


def _routes_with_trusted(membership: Membership, period: Period) -> QuerySet:
    Helper = Route.helpers.through
    trusted_helper = Helper.objects.filter(
        Exists(_trusted_partner(membership, "user", "route__date")), route=OuterRef("pk")
    )
    trusted_driver = _trusted_partner(membership, "driver", "date")
    return _routes_on(membership, period).filter(Exists(trusted_driver) | Exists(trusted_helper))


def _driven(membership: Membership, period: Period) -> QuerySet:
    return (
        Route.objects.filter(chapter=membership.chapter_id, driver=membership.user_id, date__range=period.days())
        .exclude(status=Route.Status.DRAFT)
        .order_by("date", "name")
    )


def _stops_recorded(membership: Membership, period: Period) -> QuerySet:
    return (
        Stop.objects.filter(route__chapter=membership.chapter_id, recorded_by=membership.user_id)
        .filter(route__date__range=period.days())
        .exclude(outcome="")
        .select_related("route", "household")
        .order_by("route__date", "route__name", "sequence")
    )


def _loaded_out(membership: Membership, period: Period) -> QuerySet:
    loads = RouteLoad.objects.filter(route=OuterRef("pk"), direction=RouteLoad.Direction.OUT)
    return _driven(membership, period).filter(Exists(loads))


def _balanced(membership: Membership, period: Period) -> QuerySet:
    """Load-outs whose route delivered what it carried, within the chapter's audit tolerance."""
    routes = _loaded_out(membership, period)
    tolerance = membership.chapter.audit_tolerance_percent
    judged = (RouteBalance(**vars(balance), tolerance=tolerance) for balance in route_balances(routes))
    return routes.exclude(pk__in={balance.route_id for balance in judged if balance.flagged})


def _checks(membership: Membership, period: Period) -> QuerySet:
    start, end = period.moments(membership)
    return (
        IntakeCheck.objects.filter(chapter=membership.chapter_id, recorded_by=membership.user_id, corrects=None)
        .filter(recorded_at__gte=start, recorded_at__lt=end)
        .select_related("pickup__supplier", "pickup__hub")
        .order_by("recorded_at")
    )


def _checks_agreed(membership: Membership, period: Period) -> QuerySet:
    checks = _checks(membership, period)
    checked = Pickup.objects.filter(intake_check__in=checks)
    differing = {difference.pickup.pk for difference in pickup_queries.intake_differences(checked)}
    return checks.exclude(pickup__in=differing)


def _corrections(membership: Membership, period: Period) -> QuerySet:
    """Ledger rows of every kind the member corrected (one query for them all: a union)."""
    start, end = period.moments(membership)
    parts = [
        model._base_manager.filter(chapter=membership.chapter_id, recorded_by=membership.user_id)
        .filter(corrects__isnull=False, recorded_at__gte=start, recorded_at__lt=end)
        .annotate(ledger_kind=Value(model._meta.model_name, output_field=CharField()))
        .values("ledger_kind", "pk", "recorded_at", "correction_reason")
        .order_by()
        for model in ledger_models()
    ]
    return parts[0].union(*parts[1:], all=True).order_by("recorded_at")


def _absences(membership: Membership, period: Period) -> QuerySet:
    return Absence.objects.filter(membership=membership).overlapping(*period.days()).select_related("recorded_by")


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    rows: Callable[[Membership, Period], QuerySet]
    kind: str  # which table lists its rows: pickup, given_back, route, stop, check, correction, absence


FIGURES = [
    Figure("taken", _("Pickups taken"), _taken, "pickup"),
    Figure("in_window", _("done inside their window"), _in_window, "pickup"),
    Figure("given_back_before", _("given back before the cut-off"), _given_back(late=False), "given_back"),
    Figure("given_back_after", _("given back after the cut-off"), _given_back(late=True), "given_back"),
    Figure("missed", _("missed"), _missed, "pickup"),
    Figure("pickups_with_trusted", _("Pickups done with a trusted member"), _pickups_with_trusted, "pickup"),
    Figure("routes_with_trusted", _("Route shifts with a trusted member"), _routes_with_trusted, "route"),
    Figure("driven", _("Routes driven"), _driven, "route"),
    Figure("stops", _("Stops recorded"), _stops_recorded, "stop"),
    Figure("loaded_out", _("Load-outs of routes driven"), _loaded_out, "route"),
    Figure("balanced", _("that balanced"), _balanced, "route"),
    Figure("checks", _("Second counts made"), _checks, "check"),
    Figure("agreed", _("that agreed with the recorded lines"), _checks_agreed, "check"),
    Figure("corrections", _("Ledger corrections made"), _corrections, "correction"),
    Figure("absences", _("Absences"), _absences, "absence"),
]
# Shown indented under the figure before them: parts of it.
PARTS = {"in_window", "given_back_before", "given_back_after", "missed", "balanced", "agreed"}


def figure_of(key: str) -> Figure | None:
    return next((figure for figure in FIGURES if figure.key == key), None)


@dataclass
class Line:
    figure: Figure
    counts: list[tuple[Period, int]]

    @property
    def part(self) -> bool:
        return self.figure.key in PARTS


def track_record(membership: Membership) -> tuple[list[Period], list[Line]]:
    """Each figure for each period."""
    shown = periods(membership)
    lines = [
        Line(figure, [(period, figure.rows(membership, period).count()) for period in shown]) for figure in FIGURES
    ]
    return shown, lines


def shared_shifts(membership: Membership) -> int:
    """Pickups and route shifts done with a trusted member since joining: what vouching waits for
    (registered in `mimac.extensions.shared_shifts`)."""
    since_joining = Period("all", "", membership.joined_on, membership.chapter.today())
    return sum(rows(membership, since_joining).count() for rows in (_pickups_with_trusted, _routes_with_trusted))
