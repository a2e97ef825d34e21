"""The chapter's rules for a money row, beyond its shape (the model's constraints): what its settings allow, who may
countersign, whether a cash box can pay. Each refusal says what to do instead. The model's `clean` raises them, so a
service saves nothing they refuse; the forms show each beside its field.
"""

from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from mimac.countersign import OWN_COUNTERSIGN
from mimac.models import Membership, Trust
from mimac.templatetags.people import name_of
from money.models import ZERO, Account, MoneyEntry, MoneySettings, cents

Kind, Direction, NamedTo = MoneyEntry.Kind, MoneyEntry.Direction, MoneyEntry.NamedTo


def negative_amount() -> str:
    return _(
        "Enter the amount without a minus sign: money going out is recorded as spending or a transfer, and a "
        "mistake is corrected on its row."
    )


def too_large(amount: Decimal, rules: MoneySettings) -> str:
    return _(
        "%(amount)s is more than the largest amount of one row (%(limit)s). Check for an extra zero; a "
        "coordinator can raise the limit in the money settings."
    ) % {"amount": rules.show(amount), "limit": rules.show(rules.largest_amount)}


def problems(entry: MoneyEntry) -> dict[str, str]:
    """What the chapter's rules refuse in `entry`, an unsaved row, by field."""
    if entry.account_id is None:
        return {}
    chapter = entry.account.chapter
    rules = MoneySettings.of(chapter)
    found = {}
    correcting = entry.corrects_id is not None
    if entry.amount is not None:
        if entry.amount < 0:
            found["amount"] = negative_amount()
        elif entry.amount == 0 and not correcting:
            found["amount"] = _("Enter an amount above zero.")
        elif entry.amount > rules.largest_amount and entry.kind != Kind.OPENING:  # a bank's balance may be larger
            found["amount"] = too_large(entry.amount, rules)
    if not correcting and not entry.account.active:
        found["account"] = _("%(account)s is no longer in use: choose another account.") % {"account": entry.account}
    found |= _donor(entry, correcting)
    found |= _payer(entry, chapter, correcting)
    if entry.direction == Direction.OUT and entry.amount is not None:
        found |= _countersign(entry, chapter, rules)
    if entry.kind == Kind.SPENDING and entry.receipt is None and (entry.amount or ZERO) > rules.receipt_above:
        found["receipt"] = _receipt_needed(rules)
    cash = entry.account.kind == Account.Kind.CASH
    if cash and "amount" not in found and entry.amount is not None and (refusal := _below_zero(entry, rules)):
        found["amount"] = refusal
    return found


def _donor(entry: MoneyEntry, correcting: bool) -> dict[str, str]:
    if entry.donor_named_to == NamedTo.NOBODY and entry.donor_name:
        return {
            "donor_name": _(
                "An anonymous donation keeps no name: clear the name, or choose how the donor asked to be named."
            )
        }
    if entry.donor_named_to != NamedTo.NOBODY and not entry.donor_name and not correcting:
        return {"donor_name": _("Type the name the donor asked to be named by, or keep the donation anonymous.")}
    return {}


def _payer(entry: MoneyEntry, chapter, correcting: bool) -> dict[str, str]:
    if entry.member_id is None:
        return {}
    if entry.payers not in (None, 1):
        one = _("Dues of one member: leave “how many paid” blank, or leave the member out for a collection.")
        return {"payers": one}
    if not correcting and not Membership.objects.active().filter(chapter=chapter, user=entry.member_id).exists():
        facts = {"name": name_of(entry.member), "chapter": chapter}
        return {"member": _("%(name)s is not a member of %(chapter)s.") % facts}
    return {}


def _countersign(entry: MoneyEntry, chapter, rules: MoneySettings) -> dict[str, str]:
    signer = entry.countersigned_by
    if signer is None:
        if entry.amount > rules.countersign_above:
            return {"countersigned_by": countersign_needed(rules)}
        return {}
    if entry.countersigned_by_id == entry.recorded_by_id:
        return {"countersigned_by": str(OWN_COUNTERSIGN)}
    if not Membership.objects.active().filter(chapter=chapter, user=signer, trust=Trust.TRUSTED).exists():
        return {
            "countersigned_by": _("%(name)s is not a trusted member of %(chapter)s: a trusted member countersigns.")
            % {"name": name_of(signer), "chapter": chapter}
        }
    return {}


def countersign_needed(rules: MoneySettings) -> str:
    if rules.countersign_above == 0:
        return _("Money going out is countersigned by a second trusted member: they type their username and password.")
    return _(
        "Money going out above %(limit)s is countersigned by a second trusted member: they type their username and "
        "password."
    ) % {"limit": rules.show(rules.countersign_above)}


def _receipt_needed(rules: MoneySettings) -> str:
    if rules.receipt_above == 0:
        needed = _("Spending needs a photo of its receipt.")
    else:
        needed = _("Spending above %(limit)s needs a photo of its receipt.") % {
            "limit": rules.show(rules.receipt_above)
        }
    lost = _("Lost it? Photograph a note of what was bought, where and when, signed by you and a second member.")
    return f"{needed} {lost}"


def _below_zero(entry: MoneyEntry, rules: MoneySettings) -> str | None:
    """A cash box cannot hold less than nothing: a row that would take it there is missing a row that came in."""
    change = entry.amount if entry.direction == Direction.IN else -entry.amount
    if entry.corrects_id is not None:
        change -= entry.corrects.signed_amount  # the corrected row stops counting
    if change >= 0:
        return None
    held = balance_of(entry.account)
    if held + change >= 0:
        return None
    return _(
        "%(account)s would hold less than nothing: its rows say it holds %(held)s. Record the money that came in "
        "first, or choose another account."
    ) % {"account": entry.account, "held": rules.show(held)}


def balance_of(account: Account) -> Decimal:
    """What the account holds by its rows that count, whatever their dates."""
    came_in, went_out = (
        Sum("amount", filter=Q(direction=Direction.IN)),
        Sum("amount", filter=Q(direction=Direction.OUT)),
    )
    totals = MoneyEntry.objects.newest().filter(account=account).aggregate(came_in=came_in, went_out=went_out)
    return cents(totals["came_in"]) - cents(totals["went_out"])
