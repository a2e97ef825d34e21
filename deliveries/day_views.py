"""The day board coordinators follow a day's routes on, and moving the stops of a route on the road to another."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from deliveries import queries, services
from deliveries.forms import DayForm, MoveStopsForm
from deliveries.models import Route, RouteLoad, StopTransfer
from deliveries.views import _coordinator_or_on_route, _get_route
from mimac import access
from mimac.access import Action
from mimac.sessions import refreshes_itself

# How often an open board reloads itself; its reloads do not keep the session alive.
BOARD_RELOADS_EVERY = 120


@require_safe
@refreshes_itself(BOARD_RELOADS_EVERY)
def day_board(request, code):
    """Every route of a day (today where the chapter is, unless asked): its driver, how far it got, each stop's
    outcome and time, whether it was loaded out and whether its sheet came back."""
    chapter = access.get_chapter(request, code, Action.PLAN_ROUTES)
    today = chapter.today()
    form = DayForm(request.GET if "date" in request.GET else None, chapter=chapter, initial={"date": today})
    day = form.cleaned_data["date"] if form.is_bound and form.is_valid() else today
    context = {
        "chapter": chapter,
        "form": form,
        "day": day,
        "today": today,
        "routes": queries.day_board(chapter, day),
        "follow_up": queries.FOLLOW_UP,
        "days": {"previous": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1)},
        "reloads_every": BOARD_RELOADS_EVERY // 60,
    }
    with timezone.override(chapter.zone):  # one chapter's day: its own clock, whatever zones the reader's are in
        return render(request, "deliveries/day_board.html", context)


def route_move_stops(request, pk):
    """A coordinator moves a published route's stops nobody recorded to another route of its day."""
    route = _get_route(request, pk, Action.PLAN_ROUTES)
    form = MoveStopsForm(request.POST or None, route=route)
    if form.is_valid():
        stops, to = list(form.cleaned_data["stops"]), form.cleaned_data["to_route"]
        try:
            transfer = services.move_stops(route=route, stops=stops, to=to, by=request.user)
        except services.RouteRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("deliveries:route_move_stops", pk=route.pk)
        count = len(stops)
        messages.success(
            request,
            ngettext(
                "%(count)d stop moved to %(route)s. Print the slip for its driver.",
                "%(count)d stops moved to %(route)s. Print the slip for its driver.",
                count,
            )
            % {"count": count, "route": to.name},
        )
        return redirect("deliveries:transfer_slip", pk=transfer.pk)
    context = {"route": route, "form": form, "published": route.status == Route.Status.PUBLISHED}
    return render(request, "deliveries/route_move_stops.html", context)


def transfer_slip(request, pk):
    """One page for the receiving driver: the stops they took over, where, what was planned, the goods handed over."""
    transfer = get_object_or_404(
        StopTransfer.objects.select_related(
            "from_route__driver", "to_route__chapter", "to_route__hub", "to_route__driver", "moved_by"
        ).prefetch_related("to_route__helpers"),
        pk=pk,
    )
    route = transfer.to_route
    access.require(request.user, route.chapter, Action.VIEW_CHAPTER)
    if not _coordinator_or_on_route(request.user, route):
        raise PermissionDenied
    moved = {stop.pk for stop in transfer.stops.all()}
    stops = [planned for planned in queries.planned_stops(route) if planned.stop.pk in moved]
    loads = transfer.loads.filter(direction=RouteLoad.Direction.OUT).select_related("category")
    context = {"transfer": transfer, "route": route, "stops": stops, "loads": loads}
    with timezone.override(route.chapter.zone):
        return render(request, "deliveries/transfer_slip.html", context)
