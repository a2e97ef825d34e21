"""What deliveries adds to other apps' pages, through mimac.extensions (registered in apps.py)."""

from deliveries import queries

RECENT_STOPS = 10


def household_history(request, household) -> dict:
    """The household page's deliveries: what reached them lately, and the way to what they say they received."""
    return {"recent": queries.recent_stops(household, RECENT_STOPS)}
