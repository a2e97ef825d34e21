"""What the library adds to other apps' pages, through mimac.extensions (registered in apps.py)."""

from collections import defaultdict

from hubdesk import library_queries
from hubdesk.library_forms import LoanRequestForm


def household_loans(request, household) -> dict | None:
    """The household page's open loans only: what they have now, never what they read before."""
    loans = list(library_queries.open_loans_of(household))
    return {"loans": loans, "today": household.chapter.today()} if loans else None


def household_requests(request, household) -> dict | None:
    """What the household asked the library for and not yet got, with the form to record another."""
    if household.purged_at:
        return None
    return {"requests": list(library_queries.open_requests_of(household)), "request_form": LoanRequestForm()}


def bring_and_collect(request, stops) -> dict[int, dict]:
    """Each stop's "Bring" (its household's open requests) and "Collect" (its open loans, overdue said in words),
    for the route sheet, the stop record and the key-in. Only the stops' household ids: hubdesk knows no routes."""
    requests, loans = library_queries.for_households({stop.household_id for stop in stops})
    bring, collect = defaultdict(list), defaultdict(list)
    for wish in requests:
        bring[wish.household_id].append(wish)
    for loan in loans:
        loan.overdue = loan.due_on < loan.copy.chapter.today()
        collect[loan.household_id].append(loan)
    return {
        stop.pk: {"bring": bring[stop.household_id], "collect": collect[stop.household_id]}
        for stop in stops
        if bring[stop.household_id] or collect[stop.household_id]
    }
