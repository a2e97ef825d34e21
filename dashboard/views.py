"""Each role's home page, and where a person lands after signing in."""

import copy
from urllib.parse import SplitResult, urlsplit

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from dashboard import queries
from mimac import access, jobs

# After sign-in, `next` is followed only to these pages, and only when the page opens for the person: on
# the shared laptop `next` is often the last person's page (the browser's Back asks for it again), and the
# next person must not land on it refused. These are the pages people come back to after their session
# ended; any other `next` is dropped for the usual landing page, one click from it. Whether the page opens
# is not restated here: its own view answers (see `_opens`).
RETURN_TO = frozenset(
    {
        "dashboard:home",
        "deliveries:my_routes",
        "deliveries:stop_record",
        "deliveries:route_load",
        "deliveries:route_print",
        "hubdesk:desk",
        "hubdesk:spoilage",
        "hubdesk:count",
        "hubdesk:count_sheet",
    }
)


def home(request):
    """Each of the user's chapters, as their role there sees today: the whole day, or their own part. A coalition
    admin also sees the server's periodic jobs that are late or failing: a job that stops is otherwise silent."""
    memberships = sorted(access.memberships_of(request.user), key=lambda membership: membership.chapter.name)
    sections = [queries.chapter_day(membership, request.user) for membership in memberships]
    late_jobs = jobs.needing_attention() if request.user.is_superuser else []
    return render(request, "dashboard/home.html", {"sections": sections, "late_jobs": late_jobs})


def after_sign_in(request):
    """Where sign-in leads: the page asked for (`next`) if this person may open it; else a volunteer on a
    route today goes straight to it, and everyone else home."""
    target = request.GET.get("next", "")
    if _may_return_to(request, target):
        return redirect(target)
    return redirect("deliveries:my_routes" if queries.on_a_route_today(request.user) else "dashboard:home")


def _may_return_to(request, target: str) -> bool:
    """Whether `next` names a page of this site this person may open: any for a coalition admin, else one
    of RETURN_TO that opens for them."""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return False
    url = urlsplit(target)
    try:
        match = resolve(url.path)
    except Resolver404:
        return False
    if request.user.is_superuser:
        return True
    return match.view_name in RETURN_TO and _opens(request, match, url)


def _opens(request, match: ResolverMatch, url: SplitResult) -> bool:
    """Whether the page's own view shows it to this person: asked as a GET of the page, in a transaction
    that is rolled back, so that asking changes nothing even if a view wrote on GET."""
    probe = copy.copy(request)
    probe.method, probe.path, probe.path_info, probe.resolver_match = "GET", url.path, url.path, match
    probe.GET, probe.META = QueryDict(url.query), {**request.META, "QUERY_STRING": url.query}
    with transaction.atomic():
        try:
            return match.func(probe, *match.args, **match.kwargs).status_code == 200
        except (Http404, PermissionDenied):
            return False
        finally:
            transaction.set_rollback(True)
