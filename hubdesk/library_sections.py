"""What the library adds to other apps' pages, through mimac.extensions (registered in apps.py)."""

from hubdesk import library_queries


def household_loans(request, household) -> dict | None:
    """The household page's open loans only: what they have now, never what they read before."""
    loans = list(library_queries.open_loans_of(household))
    return {"loans": loans, "today": household.chapter.today()} if loans else None
