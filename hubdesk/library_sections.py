"""What the library adds to other apps' pages, through mimac.extensions (registered in apps.py)."""

from collections import defaultdict

from hubdesk import library_queries
from hubdesk import library_services as services
from hubdesk.library_forms import LoanRequestForm
from mimac import access
from mimac.access import Action


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


def ticks(request, stops) -> dict[int, dict]:
    """The same, with a box to tick each requested copy handed over and each loan collected, for those who lend."""
    blocks = bring_and_collect(request, stops)
    for block in blocks.values():
        chapter = block["bring"][0].household.chapter if block["bring"] else block["collect"][0].copy.chapter
        block["ticks"] = access.may(request.user, chapter, Action.LEND)
    return blocks


def _ticked(post_data, name: str) -> set[int]:
    return {int(value) for value in post_data.getlist(name) if value.isascii() and value.isdigit() and len(value) < 10}


def act_on_ticks(request, stop, post_data) -> list[str]:
    """Lend the requested copies ticked "handed over" and take back the loans ticked "collected" at this stop's
    household (registered in `mimac.extensions.stop_actions`). A tick sent twice finds the request fulfilled or the
    loan returned: counted once."""
    handed, collected = _ticked(post_data, "library-handed"), _ticked(post_data, "library-collected")
    if not (handed or collected):
        return []
    return services.tick_at_stop(by=request.user, household_id=stop.household_id, handed=handed, collected=collected)
