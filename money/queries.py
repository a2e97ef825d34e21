"""Reads of a chapter's money: what each account holds, what came in and went out by kind and purpose, and the
cash counts against the rows.

Every figure is a sum the database makes over the rows that count (`.newest()`: a corrected row counts no more), and
`rows` lists exactly what a figure adds up, given the same filters: the money page links each figure to its rows, so
a member can add them up and find the same. Transfers move money between the chapter's own accounts: they count in
each account's balance and never as money in or out of the chapter.
"""

import bisect
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from money.models import ZERO, Account, CashCount, MoneyEntry, MoneySettings, cents

Kind, Direction, Purpose = MoneyEntry.Kind, MoneyEntry.Direction, MoneyEntry.Purpose
# What came in, in the order the money page lists it.
IN_LINES = {
    Kind.DUES: _("Dues"),
    Kind.DONATION: _("Donations"),
    Kind.INCOME: _("Other income"),
    Kind.OPENING: _("Balances brought forward"),
}
CAME_IN = Sum("amount", filter=Q(direction=Direction.IN))
WENT_OUT = Sum("amount", filter=Q(direction=Direction.OUT))


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = day.replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def rows(
    chapter,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    account: Account | None = None,
    kind: str = "",
    purpose: str = "",
    member=None,
) -> QuerySet:
    """The rows that count, of these days (inclusive), account, kind, purpose and member, newest first."""
    found = MoneyEntry.objects.newest().filter(chapter=chapter)
    if start:
        found = found.filter(date__gte=start)
    if end:
        found = found.filter(date__lte=end)
    if account:
        found = found.filter(account=account)
    if kind:
        found = found.filter(kind=kind)
    if purpose:
        found = found.filter(purpose=purpose)
    if member is not None:
        found = found.filter(member=member)
    related = ("account", "recorded_by", "member", "countersigned_by", "pair__account", "paired__account", "receipt")
    return found.select_related(*related).order_by("-date", "-sequence")


def in_and_out(found: QuerySet) -> tuple[Decimal, Decimal]:
    """What the rows brought in and took out, added up by the database."""
    totals = found.order_by().aggregate(came_in=CAME_IN, went_out=WENT_OUT)
    return cents(totals["came_in"]), cents(totals["went_out"])


@dataclass
class Holding:
    account: Account
    held: Decimal


def holdings(chapter, day: datetime.date) -> list[Holding]:
    """What each account held at the end of `day`; accounts no longer in use only while they still hold money."""
    totals = (
        MoneyEntry.objects.newest()
        .filter(chapter=chapter, date__lte=day)
        .order_by()
        .values("account")
        .annotate(came_in=CAME_IN, went_out=WENT_OUT)
    )
    held = {row["account"]: cents(row["came_in"]) - cents(row["went_out"]) for row in totals}
    accounts = Account.objects.filter(chapter=chapter).order_by("-active", "name")
    return [Holding(a, held.get(a.pk, ZERO)) for a in accounts if a.active or held.get(a.pk)]


@dataclass
class Line:
    """One line of money in or out: a kind (in) or a purpose (out), this month and this year, and the filters that
    list its rows."""

    label: str
    month: Decimal
    year: Decimal
    filters: dict


@dataclass
class Report:
    """A chapter's money for a month and its year to the month's end: what each account holds, and what came in
    and went out, by kind and by purpose."""

    chapter: object
    month_start: datetime.date
    month_end: datetime.date  # the month's last day, or today in the month that is running
    settings: MoneySettings
    holdings: list[Holding]
    lines_in: list[Line]
    lines_out: list[Line]
    held_at_month_start: Decimal
    held_at_year_start: Decimal
    counts: list = field(default_factory=list)

    @property
    def year_start(self) -> datetime.date:
        return self.month_start.replace(month=1)

    @property
    def held(self) -> Decimal:
        return sum((holding.held for holding in self.holdings), ZERO)

    def total(self, lines: list[Line], column: str) -> Decimal:
        return sum((getattr(line, column) for line in lines), ZERO)

    @property
    def totals(self) -> dict[str, Decimal]:
        return {
            "in_month": self.total(self.lines_in, "month"),
            "in_year": self.total(self.lines_in, "year"),
            "out_month": self.total(self.lines_out, "month"),
            "out_year": self.total(self.lines_out, "year"),
        }


def report(chapter, month: datetime.date) -> Report:
    """The money page's and the statement's figures for the month holding `month`."""
    month_start, month_end = month_of(month)
    month_end = min(month_end, chapter.today())
    year_start = month_start.replace(month=1)
    found = MoneyEntry.objects.newest().filter(chapter=chapter, date__range=(year_start, month_end))
    sums = (
        found.exclude(kind=Kind.TRANSFER)
        .order_by()
        .values("kind", "purpose")
        .annotate(year=Sum("amount"), month=Sum("amount", filter=Q(date__gte=month_start)))
    )
    by = {(row["kind"], row["purpose"]): (cents(row["month"]), cents(row["year"])) for row in sums}
    lines_in = [Line(label, *by[(kind, "")], {"kind": kind}) for kind, label in IN_LINES.items() if (kind, "") in by]
    lines_out = [
        Line(purpose.label, *by[(Kind.SPENDING, purpose)], {"kind": Kind.SPENDING, "purpose": purpose})
        for purpose in Purpose
        if (Kind.SPENDING, purpose) in by
    ]
    before = MoneyEntry.objects.newest().filter(chapter=chapter, date__lt=month_start).order_by()
    opening = before.aggregate(
        came_in=CAME_IN,
        went_out=WENT_OUT,
        came_in_before_year=Sum("amount", filter=Q(direction=Direction.IN, date__lt=year_start)),
        went_out_before_year=Sum("amount", filter=Q(direction=Direction.OUT, date__lt=year_start)),
    )
    return Report(
        chapter=chapter,
        month_start=month_start,
        month_end=month_end,
        settings=MoneySettings.of(chapter),
        holdings=holdings(chapter, month_end),
        lines_in=lines_in,
        lines_out=lines_out,
        held_at_month_start=cents(opening["came_in"]) - cents(opening["went_out"]),
        held_at_year_start=cents(opening["came_in_before_year"]) - cents(opening["went_out_before_year"]),
        counts=count_checks(CashCount.objects.newest().filter(chapter=chapter, date__range=(month_start, month_end))),
    )


@dataclass
class CountCheck:
    """A cash count against what its account's rows said at the end of its day."""

    count: CashCount
    expected: Decimal
    tolerance: Decimal

    @property
    def difference(self) -> Decimal:
        return self.count.amount - self.expected

    @property
    def flagged(self) -> bool:
        return abs(self.difference) > self.tolerance


def count_checks(counts: QuerySet) -> list[CountCheck]:
    """Each count with what its account held by the rows at the end of its day: one query for the rows' day totals,
    however many counts."""
    counts = list(counts.select_related("account__chapter", "counted_by", "recorded_by").order_by("date", "sequence"))
    if not counts:
        return []
    days = (
        MoneyEntry.objects.newest()
        .filter(account__in={count.account_id for count in counts}, date__lte=max(count.date for count in counts))
        .order_by()
        .values_list("account", "date")
        .annotate(came_in=CAME_IN, went_out=WENT_OUT)
        .order_by("account", "date")
    )
    running: dict[int, tuple[list[datetime.date], list[Decimal]]] = {}
    for account, day, came_in, went_out in days:
        dates, held = running.setdefault(account, ([], []))
        dates.append(day)
        held.append((held[-1] if held else ZERO) + cents(came_in) - cents(went_out))
    checks, tolerances = [], {}
    for count in counts:
        dates, held = running.get(count.account_id, ([], []))
        at = bisect.bisect_right(dates, count.date)
        chapter = count.account.chapter
        if chapter.pk not in tolerances:
            tolerances[chapter.pk] = MoneySettings.of(chapter).cash_tolerance
        checks.append(CountCheck(count, held[at - 1] if at else ZERO, tolerances[chapter.pk]))
    return checks


def latest_counts(chapter) -> dict[int, CountCheck]:
    """Per account: its latest count (that counts), checked against the rows."""
    latest = CashCount.objects.newest().filter(account=OuterRef("account")).order_by("-date", "-sequence")
    counts = CashCount.objects.newest().filter(chapter=chapter, pk=Subquery(latest.values("pk")[:1]))
    return {check.count.account_id: check for check in count_checks(counts)}
