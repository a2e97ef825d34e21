"""Who sees which names on the money pages: every member sees every row and amount, but who paid is theirs to know
only as far as it was given.

- A member's dues: that member, the chapter's coordinators and auditors (`Action.VIEW_PAYERS`).
- A donor's name: nobody when the donation is anonymous (no name is kept); coordinators and auditors when the donor
  asked to be named to them; every member when the donor asked that. Never on the printed statement, which is posted
  where people who are not members read it.
- A receipt's photo: coordinators and auditors (`Action.VIEW_RECEIPTS`); the no-faces check leaves names and card
  digits on a receipt.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mimac import access
from mimac.access import Action
from mimac.templatetags.people import person
from money.models import MoneyEntry

Kind, Direction, NamedTo = MoneyEntry.Kind, MoneyEntry.Direction, MoneyEntry.NamedTo


@dataclass(frozen=True)
class Reader:
    """Someone reading a chapter's money, and which names and photos are theirs to see."""

    user: object
    sees_payers: bool
    sees_receipts: bool

    @classmethod
    def of(cls, user, chapter) -> "Reader":
        return cls(user, access.may(user, chapter, Action.VIEW_PAYERS), access.may(user, chapter, Action.VIEW_RECEIPTS))

    def sees_member(self, entry: MoneyEntry) -> bool:
        return self.sees_payers or entry.member_id == self.user.pk

    def donor(self, entry: MoneyEntry) -> str:
        """The donor's name if this reader may read it, else ""."""
        if entry.donor_named_to == NamedTo.MEMBERS or (
            entry.donor_named_to == NamedTo.COORDINATORS and self.sees_payers
        ):
            return entry.donor_name
        return ""

    def who(self, entry: MoneyEntry, name=person) -> str:
        """Who paid or gave, or where a transfer went, as far as this reader may know."""
        if entry.kind == Kind.DUES:
            if entry.member_id:
                return name(entry.member) if self.sees_member(entry) else _("a member")
            if entry.payers:
                return ngettext("a collection, %(count)d paid", "a collection, %(count)d paid", entry.payers) % {
                    "count": entry.payers
                }
            return _("a collection")
        if entry.kind == Kind.DONATION:
            if entry.donor_named_to == NamedTo.NOBODY:
                return _("anonymous")
            if name := self.donor(entry):
                return name
            return _("a named donor, name erased") if self.sees_donor_kind(entry) else _("a donor")
        if entry.kind == Kind.TRANSFER:
            other = entry.pair if entry.direction == Direction.IN else getattr(entry, "paired", None)
            if other is None:
                return ""
            if entry.direction == Direction.IN:
                return _("from %(account)s") % {"account": other.account}
            return _("to %(account)s") % {"account": other.account}
        return ""

    def sees_donor_kind(self, entry: MoneyEntry) -> bool:
        """Whether the reader would see the name, had it not been erased."""
        return entry.donor_named_to == NamedTo.MEMBERS or self.sees_payers

    def described(self, entry: MoneyEntry, zone, name=person) -> dict:
        """A row as lists, pages and CSV files show it to this reader; times where the chapter is (`zone`); people
        by `name` (isolated on pages, `name_of` in files)."""
        return {
            "entry": entry,
            "date": entry.date,
            "account": entry.account.name,
            "what": entry.what,
            "who": self.who(entry, name),
            "came_in": entry.amount if entry.direction == Direction.IN else None,
            "went_out": entry.amount if entry.direction == Direction.OUT else None,
            "countersigned_by": name(entry.countersigned_by) if entry.countersigned_by_id else "",
            "receipt": entry.receipt_id is not None,
            "receipt_url": reverse("photo_file", args=[entry.receipt_id])
            if entry.receipt_id and self.sees_receipts
            else "",
            "note": entry.note,
            "recorded_by": name(entry.recorded_by),
            "recorded_at": f"{timezone.localtime(entry.recorded_at, zone):%Y-%m-%d %H:%M}",
            "url": reverse("money:entry", args=[entry.pk]),
        }
