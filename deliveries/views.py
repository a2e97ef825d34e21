import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from deliveries import queries, services
from deliveries.forms import (
    CandidateFilterForm,
    HouseholdReportForm,
    KeyInForm,
    LoadForm,
    PlannedItemsForm,
    RouteForm,
    RouteListForm,
    StopRecordForm,
)
from deliveries.models import Route, RouteLoad, Stop, StopTransfer
from mimac import access, extensions
from mimac.access import Action
from mimac.models import StaleEdit
from mimac.views import edit_versioned
from recipients.models import Household

ROUTES_PER_PAGE = 50


def _get_route(request, pk, action, *, with_moves=False) -> Route:
    """The route, if the user may take `action` in its chapter; `with_moves` adds `has_moves`: whether stops were
    moved onto or off it (most routes never: their page then skips reading the moves)."""
    routes = Route.objects.select_related("chapter", "hub", "driver", "standing_route").prefetch_related("helpers")
    if with_moves:
        moves = StopTransfer.objects.filter(Q(from_route=OuterRef("pk")) | Q(to_route=OuterRef("pk")))
        routes = routes.annotate(has_moves=Exists(moves))
    route = get_object_or_404(routes, pk=pk)
    access.require(request.user, route.chapter, action)
    return route


def _get_stop(request, pk) -> Stop:
    stop = get_object_or_404(Stop.objects.select_related("route__chapter", "household"), pk=pk)
    access.require(request.user, stop.route.chapter, Action.PLAN_ROUTES)
    return stop


def route_list(request):
    """Routes from two weeks ago on, unless other days are asked for."""
    chapters = access.chapters_where(request.user, Action.PLAN_ROUTES)
    two_weeks_ago = min(chapter.today() for chapter in chapters) - datetime.timedelta(days=14)
    form = RouteListForm(request.GET if "starts_on" in request.GET else None, initial={"starts_on": two_weeks_ago})
    starts_on, ends_on = two_weeks_ago, None
    if form.is_bound and form.is_valid():
        starts_on, ends_on = form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
    routes = Route.objects.for_chapters(chapters)
    routes = routes.filter(date__gte=starts_on) if starts_on else routes
    routes = routes.filter(date__lte=ends_on) if ends_on else routes
    routes = routes.select_related("chapter", "hub", "driver").prefetch_related("helpers", "stops")
    page = Paginator(routes.order_by("date", "name", "pk"), ROUTES_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "chapters": chapters, "show_chapter": len(chapters) > 1}
    return render(request, "deliveries/route_list.html", context)


def route_create(request, code):
    chapter = access.get_chapter(request, code, Action.PLAN_ROUTES)
    route = Route(chapter=chapter, date=chapter.today())
    form = RouteForm(request.POST or None, instance=route)
    if form.is_valid():
        route = form.save()
        messages.success(request, _("Route created. Now add its stops."))
        return redirect("deliveries:route_detail", pk=route.pk)
    return render(request, "deliveries/route_form.html", {"form": form, "chapter": chapter})


def route_edit(request, pk):
    route = _get_route(request, pk, Action.PLAN_ROUTES)
    route.edited_by = request.user  # saved with the form only: the planner keeps a person's name and people
    form = RouteForm(request.POST or None, instance=route)
    next_url = reverse("deliveries:route_detail", args=[route.pk])
    context = {"chapter": route.chapter}
    return edit_versioned(request, form, "deliveries/route_form.html", context, _("Route saved."), next_url)


def route_detail(request, pk):
    """The route builder: stops in order with their plans and warnings, and households to add."""
    route = _get_route(request, pk, Action.PLAN_ROUTES, with_moves=True)
    filters = CandidateFilterForm(request.POST if "filter" in request.POST else None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    stops = queries.planned_stops(route)
    draft = route.status == Route.Status.DRAFT
    context = {
        "route": route,
        "stops": stops,
        "filters": filters,
        "candidates": queries.candidates(route, chosen) if draft else [],
        "problems": services.publish_problems(route, [planned.stop for planned in stops]) if draft else [],
        "helpers": list(route.helpers.all()),
        "recorded": sum(1 for planned in stops if planned.stop.outcome),
        "transfers": queries.route_transfers(route) if route.has_moves else [],
        "blocks": extensions.stop_blocks(extensions.route_builder_blocks, request, [planned.stop for planned in stops]),
    }
    return render(request, "deliveries/route_detail.html", context)


def _changing(request, route, change):
    """Run a change to a route; a stale version or a refused change is told, and nothing is saved."""
    try:
        change()
    except StaleEdit:
        messages.error(
            request,
            _(
                "Someone else changed this route while you were looking at it. "
                "Nothing of yours was saved: here it is now."
            ),
        )
    except services.RouteRefused as refusal:
        messages.error(request, str(refusal))
    else:
        return True
    return False


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_POST
def route_add_stops(request, pk):
    route = _get_route(request, pk, Action.PLAN_ROUTES)
    ids = [int(value) for value in request.POST.getlist("household") if value.isdigit()]
    households = list(Household.objects.filter(pk__in=ids, chapter=route.chapter))
    if not households:
        messages.error(request, _("Choose at least one household to add."))
    elif _changing(
        request,
        route,
        lambda: services.add_stops(route=route, households=households, version=_version(request), by=request.user),
    ):
        count = len(households)
        messages.success(request, ngettext("%(count)d stop added.", "%(count)d stops added.", count) % {"count": count})
    return redirect("deliveries:route_detail", pk=route.pk)


@require_POST
def stop_move(request, pk):
    stop = _get_stop(request, pk)
    places = -1 if request.POST.get("direction") == "up" else 1
    _changing(
        request, stop.route, lambda: services.move(stop=stop, places=places, version=_version(request), by=request.user)
    )
    return redirect(reverse("deliveries:route_detail", args=[stop.route_id]) + f"#stop-{stop.pk}")


@require_POST
def route_reorder(request, pk):
    """The order a coordinator dragged the stops into (with JavaScript on)."""
    route = _get_route(request, pk, Action.PLAN_ROUTES)
    ids = [int(value) for value in request.POST.get("order", "").split(",") if value.isdigit()]
    if _changing(
        request, route, lambda: services.reorder(route=route, stop_ids=ids, version=_version(request), by=request.user)
    ):
        messages.success(request, _("New order saved."))
    return redirect("deliveries:route_detail", pk=route.pk)


@require_POST
def stop_remove(request, pk):
    stop = _get_stop(request, pk)
    if _changing(
        request, stop.route, lambda: services.remove_stop(stop=stop, version=_version(request), by=request.user)
    ):
        messages.success(request, _("%(code)s taken off the route.") % {"code": stop.household.code})
    return redirect("deliveries:route_detail", pk=stop.route_id)


def stop_items(request, pk):
    stop = _get_stop(request, pk)
    form = PlannedItemsForm(request.POST or None, stop=stop)
    if form.is_valid():
        version = form.cleaned_data["version"]
        change = lambda: services.set_items(stop=stop, items=form.items(), version=version, by=request.user)  # noqa: E731
        if _changing(request, stop.route, change):
            messages.success(request, _("Planned items saved for %(code)s.") % {"code": stop.household.code})
        return redirect(reverse("deliveries:route_detail", args=[stop.route_id]) + f"#stop-{stop.pk}")
    return render(request, "deliveries/stop_items.html", {"stop": stop, "form": form})


@require_POST
def route_publish(request, pk):
    route = _get_route(request, pk, Action.PLAN_ROUTES)
    if _changing(request, route, lambda: services.publish(route=route, by=request.user, version=_version(request))):
        messages.success(request, _("Route published: its volunteers can see it now."))
    return redirect("deliveries:route_detail", pk=route.pk)


@require_POST
def route_unpublish(request, pk):
    route = _get_route(request, pk, Action.PLAN_ROUTES)
    if _changing(request, route, lambda: services.back_to_draft(route=route, version=_version(request))):
        messages.success(request, _("Route back to draft: its volunteers no longer see it."))
    return redirect("deliveries:route_detail", pk=route.pk)


@require_POST
def route_copy(request, pk):
    route = _get_route(request, pk, Action.PLAN_ROUTES)
    copy = services.copy_route(route=route, date=route.date + datetime.timedelta(weeks=1))
    messages.success(request, _("Copied to %(date)s as a draft. Check it before publishing.") % {"date": copy.date})
    return redirect("deliveries:route_detail", pk=copy.pk)


def route_print(request, pk):
    """The sheet a volunteer carries. Only what the road needs: no phone numbers, reasons or history."""
    route = get_object_or_404(
        Route.objects.select_related("chapter", "hub", "driver").prefetch_related("helpers"), pk=pk
    )
    access.require(request.user, route.chapter, Action.VIEW_CHAPTER)
    if not _coordinator_or_on_route(request.user, route):
        raise PermissionDenied
    full = access.sees_households_in_full(request.user, route.chapter)
    stops = queries.planned_stops(route, diet=full)
    blocks = extensions.stop_blocks(extensions.route_sheet_blocks, request, [planned.stop for planned in stops])
    context = {"route": route, "stops": stops, "helpers": list(route.helpers.all()), "count": len(stops), "full": full}
    context["blocks"] = blocks
    return render(request, "deliveries/route_print.html", context)


def my_routes(request):
    """Today's published routes the volunteer is on, stop by stop, in large type, and nothing else; tomorrow's
    only by name, to print their sheets the evening before."""
    user = request.user
    routes, tomorrow = [], []
    for membership in access.memberships_of(user):
        chapter = membership.chapter
        today = chapter.today()
        mine = Route.objects.filter(Q(driver=user) | Q(helpers=user), chapter=chapter, status=Route.Status.PUBLISHED)
        for route in (
            mine.filter(date__in=[today, today + datetime.timedelta(days=1)]).distinct().select_related("hub", "driver")
        ):
            if route.date != today:
                tomorrow.append(route)
                continue
            full = access.sees_households_in_full(user, chapter)
            stops = queries.planned_stops(route, diet=full)
            recorded = sum(1 for planned in stops if planned.stop.outcome)
            routes.append({"route": route, "stops": stops, "recorded": recorded, "full": full})
    return render(request, "deliveries/my_routes.html", {"routes": routes, "tomorrow": tomorrow})


def _coordinator_or_on_route(user, route) -> bool:
    """A coordinator of the route's chapter, or its driver or a helper while the route is open to them."""
    if access.may(user, route.chapter, Action.PLAN_ROUTES):
        return True
    on_route = user.pk in {route.driver_id, *(helper.pk for helper in route.helpers.all())}
    return on_route and route.open_to_its_volunteers


def _get_my_stop(request, pk) -> Stop:
    """A stop of a published route the user is on, or any stop for a coordinator; 404 otherwise."""
    stop = get_object_or_404(
        Stop.objects.select_related("route__chapter", "household__chapter").prefetch_related(
            "planned_items__category", "route__helpers"
        ),
        pk=pk,
    )
    access.require(request.user, stop.route.chapter, Action.VIEW_CHAPTER)
    if not _coordinator_or_on_route(request.user, stop.route):
        raise Http404
    return stop


def stop_record(request, pk):
    stop = _get_my_stop(request, pk)
    full = access.sees_households_in_full(request.user, stop.route.chapter)
    form = StopRecordForm(request.POST or None, stop=stop, diet=full)
    if form.is_valid():
        try:
            services.record_stop(
                stop=stop,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                lines=form.lines(),
                note=form.cleaned_data["note"],
            )
        except services.RouteRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("%(code)s recorded.") % {"code": stop.household.code})
            for said in extensions.act_on_stop(request, stop, request.POST):
                messages.info(request, said)
            return redirect(reverse("deliveries:my_routes") + f"#stop-{stop.pk}")
    blocks = extensions.stop_blocks(extensions.stop_record_blocks, request, [stop])
    context = {"stop": stop, "form": form, "blocks": blocks, "full": full}
    return render(request, "deliveries/stop_record.html", context)


def route_key_in(request, pk):
    """A coordinator keys a returned paper sheet back in: one form, the sheet's order, all or nothing."""
    route = _get_route(request, pk, Action.PLAN_ROUTES)
    stops = queries.planned_stops(route)
    form = KeyInForm(request.POST or None, stops=stops)
    if form.is_valid():
        try:
            services.key_in(
                route=route, entries=form.entries(), sheet_returned=form.cleaned_data["sheet_returned"], by=request.user
            )
        except services.RouteRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("The sheet is keyed in."))
            for planned in stops:
                for said in extensions.act_on_stop(request, planned.stop, request.POST):
                    messages.info(request, said)
            return redirect("deliveries:route_detail", pk=route.pk)
    blocks = extensions.stop_blocks(extensions.key_in_blocks, request, [planned.stop for planned in stops])
    return render(request, "deliveries/route_key_in.html", {"route": route, "form": form, "blocks": blocks})


def household_reports(request, pk):
    """What a household says it received, recorded by a coordinator; contradictions are flagged."""
    household = get_object_or_404(Household.objects.select_related("chapter"), pk=pk)
    access.require(request.user, household.chapter, Action.MANAGE_HOUSEHOLDS)
    form = HouseholdReportForm(request.POST or None, household=household)
    if form.is_valid():
        report = form.save(commit=False)
        report.recorded_by = request.user
        report.save()
        messages.success(request, _("Their word is recorded."))
        return redirect("deliveries:household_reports", pk=household.pk)
    reports = queries.reports_with_flags(household.reports.select_related("recorded_by"))
    return render(
        request, "deliveries/household_reports.html", {"household": household, "form": form, "reports": reports}
    )


def route_load(request, pk):
    """Load-out before leaving (countersigned) and returns after, with the balance against deliveries."""
    route = get_object_or_404(
        Route.objects.select_related("chapter", "hub", "driver").prefetch_related("helpers"), pk=pk
    )
    access.require(request.user, route.chapter, Action.VIEW_CHAPTER)
    if not _coordinator_or_on_route(request.user, route):
        raise Http404
    form = LoadForm(request.POST or None, route=route, recorder=request.user, request=request)
    if form.is_valid():
        RouteLoad.objects.bulk_create(
            RouteLoad(
                route=route,
                direction=form.cleaned_data["direction"],
                category=category,
                quantity=quantity,
                countersigned_by=form.cleaned_data.get("countersigned_by"),
                recorded_by=request.user,
            )
            for category, quantity in form.lines()
        )
        messages.success(request, _("Recorded."))
        return redirect("deliveries:route_load", pk=route.pk)
    loads = queries.transfer_loads(route.loads.select_related("category", "recorded_by", "countersigned_by"))
    context = {"route": route, "form": form, "loads": loads, "balances": queries.load_balance(route)}
    return render(request, "deliveries/route_load.html", context)
