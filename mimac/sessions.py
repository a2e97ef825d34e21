"""Sessions in the database as Django keeps them, and pages that reload themselves without keeping a session alive.

Every request a person makes starts the idle clock again (SESSION_SAVE_EVERY_REQUEST). A page that reloads itself on
a timer (the day board) is not a person at the laptop: its reloads keep the expiry the session has, so a board
nobody touches signs out after SESSION_IDLE_MINUTES like any other page.
"""

import datetime
import functools
import math

from django.conf import settings
from django.contrib.sessions.backends import db
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path

# The query marker of a page's own reload.
UNATTENDED = "auto"


class SessionStore(db.SessionStore):
    """Django's database sessions (SESSION_ENGINE), which remember when the loaded session ends; with `renews`
    off, saving keeps that end instead of moving it."""

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self.renews = True
        self.loaded_expiry: datetime.datetime | None = None

    def _get_session_from_db(self):
        session = super()._get_session_from_db()
        self.loaded_expiry = session.expire_date if session else None
        return session

    def get_expiry_date(self, **kwargs) -> datetime.datetime:
        if not self.renews and self.loaded_expiry is not None and not kwargs:
            return self.loaded_expiry
        return super().get_expiry_date(**kwargs)


def refreshes_itself(seconds: int):
    """The page reloads itself every `seconds` through a `Refresh` header, to its own address marked `?auto=1`;
    those reloads leave the session's expiry where it is. When the idle time runs out before the next reload, the
    header goes to the signed-out page instead, as on every other page (SharedLaptopMiddleware)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            unattended = request.GET.get(UNATTENDED) == "1"
            if unattended:
                request.session.renews = False
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                response["Refresh"] = _next_reload(request, seconds, unattended)
            return response

        return wrapped

    return decorator


def _next_reload(request, seconds: int, unattended: bool) -> str:
    ends = getattr(request.session, "loaded_expiry", None) if unattended else None
    left = (ends - timezone.now()).total_seconds() if ends else settings.SESSION_COOKIE_AGE
    if left <= seconds:
        return f"{max(math.ceil(left), 0)}; url={reverse('signed_out')}"
    query = request.GET.copy()
    query[UNATTENDED] = "1"
    return f"{seconds}; url={escape_uri_path(request.path)}?{query.urlencode()}"
