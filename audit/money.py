"""The audit's money: each account's balance over the period reconciled with its cash counts, the flags on money
(spending without a receipt above the chapter's threshold, money going out without a second member's countersign
above its threshold, counts beyond the tolerance), and every money row of the period as CSV.

The money is the whole chapter's, whichever hub the audit is narrowed to. Rows count as the money page counts them
(`money.queries`: the newest of each correction chain); the flags judge them by the chapter's thresholds as they are
now, so a row recorded before a threshold was lowered is flagged too.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from audit.queries import Period
from money.models import CashCount, MoneyEntry, MoneySettings, cents
from money.privacy import Reader
from money.queries import CountCheck, count_checks

Direction = MoneyEntry.Direction

MONEY_FLAGS = {
    "money_no_receipt": gettext_lazy("Spending above the receipt threshold without a receipt photo"),
    "money_not_countersigned": gettext_lazy("Money going out above the countersign threshold without a second member"),
    "cash_count_differs": gettext_lazy("Cash counts that differ from the rows beyond the tolerance"),
}
# The audit reads every name on a row: its readers are the chapter's coordinators and auditors.
AUDITOR = Reader(user=None, sees_payers=True, sees_receipts=True)


@dataclass
class AccountBalance:
    """An account over the period: what it held before, what came in and went out, what it held after; and each
    count in the period against the rows."""

    account: object
    opening: Decimal
    came_in: Decimal
    went_out: Decimal
    checks: list[CountCheck] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.came_in - self.went_out

    @property
    def flagged(self) -> bool:
        return any(check.flagged for check in self.checks)


def balances(chapter, period: Period) -> list[AccountBalance]:
    """Every account of the chapter that held or moved money by the period's end: two queries, however long."""
    before, within = Q(date__lt=period.start), Q(date__gte=period.start)
    sums = (
        MoneyEntry.objects.newest()
        .filter(chapter=chapter, date__lte=period.end)
        .order_by()
        .values("account")
        .annotate(
            in_before=Sum("amount", filter=before & Q(direction=Direction.IN)),
            out_before=Sum("amount", filter=before & Q(direction=Direction.OUT)),
            came_in=Sum("amount", filter=within & Q(direction=Direction.IN)),
            went_out=Sum("amount", filter=within & Q(direction=Direction.OUT)),
        )
    )
    by_account = {row["account"]: row for row in sums}
    counts = CashCount.objects.newest().filter(chapter=chapter, date__range=(period.start, period.end))
    checks = count_checks(counts)
    found = []
    for account in chapter.money_accounts.order_by("-active", "name"):
        row = by_account.get(account.pk)
        if row is None and not any(check.count.account_id == account.pk for check in checks):
            continue
        row = row or {}
        found.append(
            AccountBalance(
                account,
                opening=cents(row.get("in_before")) - cents(row.get("out_before")),
                came_in=cents(row.get("came_in")),
                went_out=cents(row.get("went_out")),
                checks=[check for check in checks if check.count.account_id == account.pk],
            )
        )
    return found


def flag_rows(chapter, period: Period, kind: str):
    """The rows behind a money flag."""
    rules = MoneySettings.of(chapter)
    rows = MoneyEntry.objects.newest().filter(chapter=chapter, date__range=(period.start, period.end))
    rows = rows.select_related("account", "recorded_by", "member", "countersigned_by").order_by("date", "sequence")
    if kind == "money_no_receipt":
        return rows.filter(kind=MoneyEntry.Kind.SPENDING, receipt__isnull=True, amount__gt=rules.receipt_above)
    if kind == "money_not_countersigned":
        return rows.filter(direction=Direction.OUT, countersigned_by__isnull=True, amount__gt=rules.countersign_above)
    if kind == "cash_count_differs":
        counts = CashCount.objects.newest().filter(chapter=chapter, date__range=(period.start, period.end))
        return [check.count for check in count_checks(counts) if check.flagged]
    raise KeyError(kind)


def rows(chapter, period: Period, params) -> list:
    """The money rows of the period that count, of one account when asked (`account`)."""
    found = MoneyEntry.objects.newest().filter(chapter=chapter, date__range=(period.start, period.end))
    account = params.get("account", "")
    if account.isdigit():
        found = found.filter(account=account)
    related = ("account", "recorded_by", "member", "countersigned_by", "pair__account", "paired__account")
    return found.select_related(*related).order_by("date", "sequence")


def what(row, currency: str) -> dict:
    """A money row or cash count as the drill-down table describes it: the amount in the unit's place."""
    if isinstance(row, CashCount):
        return {"what": f"{row.account.name}: {CashCount._meta.verbose_name}", "quantity": row.amount, "unit": currency}
    who = AUDITOR.who(row)
    label = f"{row.get_kind_display()}: {row.what}" if row.kind == MoneyEntry.Kind.SPENDING else row.what
    return {
        "what": f"{label} ({row.account.name}{', ' + who if who else ''})",
        "household": "",
        "quantity": row.signed_amount,
        "unit": currency,
    }


CSV_HEADER = (
    "sequence,date,account,kind,direction,purpose,amount,currency,who,countersigned by,receipt,recorded by,recorded at,"
    "corrects sequence,why corrected,counts,note"
)


def csv_rows(chapter, period: Period) -> list[list]:
    """Every money row of the period, corrected ones too (marked as no longer counting), in chain order."""
    currency, zone = MoneySettings.of(chapter).currency, chapter.zone
    counting = set(MoneyEntry.objects.newest().filter(chapter=chapter).values_list("pk", flat=True))
    found = MoneyEntry.objects.filter(chapter=chapter, date__range=(period.start, period.end)).order_by("sequence")
    related = ("account", "recorded_by", "member", "countersigned_by", "corrects", "pair__account", "paired__account")
    return [
        [row.sequence, row.date, row.account.name, row.kind, row.direction, row.purpose, row.amount, currency,
         AUDITOR.who(row), _name(row.countersigned_by), "yes" if row.receipt_id else "", _name(row.recorded_by),
         f"{timezone.localtime(row.recorded_at, zone):%Y-%m-%d %H:%M}", row.corrects.sequence if row.corrects else "",
         row.correction_reason, "yes" if row.pk in counting else "no", row.note]
        for row in found.select_related(*related)
    ]  # fmt: skip


COUNTS_HEADER = "account,date,counted,expected,difference,currency,flagged,counted by"


def count_csv_rows(chapter, period: Period) -> list[list]:
    currency = MoneySettings.of(chapter).currency
    counts = CashCount.objects.newest().filter(chapter=chapter, date__range=(period.start, period.end))
    return [
        [check.count.account.name, check.count.date, check.count.amount, check.expected, check.difference, currency,
         check.flagged, _name(check.count.counted_by)]
        for check in count_checks(counts)
    ]  # fmt: skip


def _name(user) -> str:
    return (user.first_name or user.username) if user else ""
