"""What the audit adds to other apps' pages, through mimac.extensions (registered in apps.py)."""

from django.conf import settings

from audit import track_record
from mimac import access


def member_track_record(request, membership) -> dict | None:
    """A member's track record, for whoever may read it (mimac.access.may_see_track_record)."""
    if not access.may_see_track_record(request.user, membership):
        return None
    periods, lines = track_record.track_record(membership)
    return {
        "track_periods": periods,
        "track_lines": lines,
        "track_member": membership,
        "track_months": settings.TRAIL_RETENTION_MONTHS,
    }
