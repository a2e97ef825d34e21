"""What the library's pages read: the catalogue searched, what is out, what is overdue."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from hubdesk.models import Copy, Loan, LoanRequest
from mimac.models import Hub


def catalogue(hub: Hub, *, q: str = "", kind: str = "", language: str = "", withdrawn: bool = False) -> QuerySet:
    """The hub's copies matching the search, each with `out` (has an open loan): whether, never to whom."""
    copies = Copy.objects.filter(hub=hub).annotate(out=Exists(Loan.objects.open().filter(copy=OuterRef("pk"))))
    if not withdrawn:
        copies = copies.active()
    if q:
        copies = copies.filter(Q(title__icontains=q) | Q(code__iexact=q))
    if kind:
        copies = copies.filter(kind=kind)
    if language:
        copies = copies.filter(language=language)
    return copies.order_by("title", "number")


def booklet(hub: Hub) -> QuerySet:
    """What a household may borrow at the hub, by kind and title: no loan data."""
    return Copy.objects.filter(hub=hub).active().order_by("kind", "title", "number")


def overdue(hub: Hub, today: datetime.date) -> QuerySet:
    """Open loans of the hub's copies past their due day, the longest overdue first."""
    loans = Loan.objects.overdue(today).filter(copy__hub=hub)
    return loans.select_related("copy", "household__chapter").order_by("due_on", "copy__number")


def lent_today(hub: Hub, today: datetime.date) -> QuerySet:
    return Loan.objects.filter(hub=hub, lent_on=today).select_related("copy", "household__chapter").order_by("-pk")


def open_loans_of(household) -> QuerySet:
    return Loan.objects.open().filter(household=household).select_related("copy").order_by("due_on")


def open_requests_of(household) -> QuerySet:
    return LoanRequest.objects.open().filter(household=household).select_related("copy").order_by("asked_on", "pk")


def for_households(household_ids) -> tuple[QuerySet, QuerySet]:
    """What to bring (open requests) and to collect (open loans) for these households: two queries, however many."""
    requests = LoanRequest.objects.open().filter(household__in=household_ids)
    requests = requests.select_related("copy", "household__chapter")
    loans = Loan.objects.open().filter(household__in=household_ids).select_related("copy__chapter")
    return requests.order_by("asked_on", "pk"), loans.order_by("due_on", "copy__number")
