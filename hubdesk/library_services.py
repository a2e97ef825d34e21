"""What the library writes: copies added, edited and withdrawn; loans made, returned and forgotten.

Loans write no line of the security trail: a trail of who borrowed what would be the reading history the library
must not keep."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hubdesk.models import Copy, LibrarySettings, Loan, LoanRequest
from mimac import access
from mimac.access import Action
from mimac.models import Chapter, Hub
from recipients.models import Household


@transaction.atomic
def add_copy(*, hub: Hub, copy: Copy) -> Copy:
    """Number the copy in its chapter (under a lock on the chapter, so two desks never take one number)."""
    Chapter.objects.select_for_update().filter(pk=hub.chapter_id).first()
    highest = Copy.objects.filter(chapter_id=hub.chapter_id).aggregate(Max("number"))["number__max"] or 0
    copy.hub, copy.chapter_id, copy.number = hub, hub.chapter_id, highest + 1
    copy.code = Copy.code_of(copy.kind, copy.number)
    copy.added_on = hub.chapter.today()
    copy.full_clean()
    copy.save()
    return copy


def set_withdrawn(*, copy: Copy, withdrawn: bool) -> None:
    """Take a copy out of the catalogue (lost, worn out) or put it back. An open loan of it stays open."""
    copy.withdrawn_on = copy.hub.chapter.today() if withdrawn else None
    copy.save(update_fields=["withdrawn_on"])


class LentMeanwhile(Exception):
    """Another desk lent one of the copies between the form's check and this lending."""


@transaction.atomic
def lend(*, hub: Hub, by, household: Household, copies: list[Copy]) -> list[Loan]:
    """Lend the copies to the household, due after the chapter's loan period. The form checked that each is
    in the library and not out; checked again under a lock on the copies, for two desks at once (and the database
    holds one open loan per copy)."""
    today = hub.chapter.today()
    due = today + datetime.timedelta(days=LibrarySettings.of(hub.chapter).loan_days)
    list(Copy.objects.select_for_update().filter(pk__in=[copy.pk for copy in copies]))
    if Loan.objects.open().filter(copy__in=copies).exists():
        raise LentMeanwhile
    loans = [Loan(copy=copy, household=household, hub=hub, lent_on=today, due_on=due, lent_by=by) for copy in copies]
    LoanRequest.objects.open().filter(household=household, copy__in=copies).update(
        status=LoanRequest.Status.FULFILLED, closed_on=today
    )
    return Loan.objects.bulk_create(loans)


@transaction.atomic
def return_copies(*, hub: Hub, copies: list[Copy]) -> int:
    """Mark the copies' open loans returned today; a copy already back counts nothing. How many came back.
    The chapter's loans past their retention are forgotten at once, without waiting for the monthly purge."""
    today = hub.chapter.today()
    returned = Loan.objects.open().filter(copy__in=copies).update(returned_on=today)
    forget(chapter=hub.chapter, today=today, apply=True)
    return returned


def forget(*, chapter: Chapter, today: datetime.date, apply: bool) -> int:
    """Delete the chapter's returned loans and closed requests past its retention (the rows are gone, not hidden);
    a dry run unless `apply`. How many."""
    past = [Loan.objects.to_forget(chapter, today), LoanRequest.objects.to_forget(chapter, today)]
    if not apply:
        return sum(rows.count() for rows in past)
    return sum(rows.delete()[0] for rows in past)


def purge_for_retention(apply: bool) -> str:
    """The retention purge's line for returned loans (registered in `mimac.extensions.retention_purges`)."""
    count = sum(forget(chapter=chapter, today=chapter.today(), apply=apply) for chapter in Chapter.objects.all())
    verb = "Erased" if apply else "Would erase (dry run; add --apply)"
    past = "returned library loans or closed requests past their chapter's retention"
    return f"{verb}: {count} {past} ({timezone.localdate()})."


def erase_loans(household: Household) -> None:
    """A household erased keeps no loans or requests, open ones included (registered in
    `mimac.extensions.household_erasers`)."""
    Loan.objects.filter(household=household).delete()
    LoanRequest.objects.filter(household=household).delete()


def record_request(*, household: Household, by, request: LoanRequest) -> LoanRequest:
    """A household asks for a kind or a title, at the household page or on paper."""
    request.household, request.recorded_by, request.asked_on = household, by, household.chapter.today()
    request.full_clean()
    request.save()
    return request


def pick_copy(*, request: LoanRequest, copy: Copy | None) -> None:
    """The copy a driver brings for the request (None: none picked yet)."""
    request.copy = copy
    request.save(update_fields=["copy"])


def close_request(*, request: LoanRequest, status: str) -> bool:
    """Close an open request as fulfilled or withdrawn, once: False when it was closed already."""
    today = request.household.chapter.today()
    changed = LoanRequest.objects.open().filter(pk=request.pk).update(status=status, closed_on=today)
    forget(chapter=request.household.chapter, today=today, apply=True)
    return bool(changed)


def tick_at_stop(*, by, household_id: int, handed: set[int], collected: set[int]) -> list[str]:
    """Ticks of a route's stop: each open request of the household with a picked copy in `handed` is lent (from
    its copy's hub), each open loan of the household in `collected` returned. Anything else ticked (closed already,
    another household's) changes nothing. Only for a member who may lend in the household's chapter."""
    said = []
    requests = LoanRequest.objects.open().filter(household_id=household_id, pk__in=handed, copy__withdrawn_on=None)
    requests = requests.exclude(copy=None)
    for wish in requests.select_related("copy__hub__chapter", "household"):
        if not access.may(by, wish.copy.hub.chapter, Action.LEND):
            continue
        try:
            loan = lend(hub=wish.copy.hub, by=by, household=wish.household, copies=[wish.copy])[0]
        except LentMeanwhile:
            said.append(_("%(code)s is lent to someone else already: not handed over.") % {"code": wish.copy.code})
        else:
            handed_words = _("%(code)s handed over, due back %(due)s.")
            said.append(handed_words % {"code": wish.copy.code, "due": loan.due_on.isoformat()})
    loans = Loan.objects.open().filter(household_id=household_id, pk__in=collected)
    loans = loans.select_related("copy", "hub__chapter")
    by_hub = {}
    for loan in loans:
        if access.may(by, loan.hub.chapter, Action.LEND):
            by_hub.setdefault(loan.hub, []).append(loan.copy)
    returned = sum(return_copies(hub=hub, copies=copies) for hub, copies in by_hub.items())
    if returned:
        said.append(
            ngettext("%(count)d copy collected.", "%(count)d copies collected.", returned) % {"count": returned}
        )
    return said
