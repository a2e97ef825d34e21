"""Standing deliveries' pages: the chapter's standing routes and what the planner noted, a standing route and its
households, a household's arrangement and its pauses. Every change plans again just what it touched."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliveries import planner, standing, standing_queries
from deliveries.models import DeliveryArrangement, Pause, PlanningSettings, PlanNote, StandingRoute, StandingStop
from deliveries.standing_forms import (
    ArrangementForm,
    PauseForm,
    PlanningSettingsForm,
    StandingRouteForm,
    TransferForm,
)
from mimac import access
from mimac.access import Action
from mimac.forms import Conflict
from mimac.models import StaleEdit
from mimac.views import edit_versioned
from recipients.models import Household

STALE = _("Someone else changed this standing route while you were looking at it. Nothing of yours was saved.")


def _get_standing_route(request, pk, action=Action.PLAN_ROUTES) -> StandingRoute:
    route = get_object_or_404(
        StandingRoute.objects.select_related("chapter", "hub", "driver").prefetch_related("helpers"), pk=pk
    )
    access.require(request.user, route.chapter, action)
    return route


def _get_place(request, pk) -> StandingStop:
    place = get_object_or_404(
        StandingStop.objects.select_related("standing_route__chapter", "household__chapter"), pk=pk
    )
    access.require(request.user, place.standing_route.chapter, Action.PLAN_ROUTES)
    return place


def _get_household(request, pk) -> Household:
    household = get_object_or_404(Household.objects.select_related("chapter"), pk=pk, purged_at__isnull=True)
    access.require(request.user, household.chapter, Action.MANAGE_HOUSEHOLDS)
    return household


def _get_pause(request, pk) -> Pause:
    pause = get_object_or_404(Pause.objects.select_related("household__chapter"), pk=pk)
    access.require(request.user, pause.household.chapter, Action.MANAGE_HOUSEHOLDS)
    return pause


def standing_list(request, code):
    """The chapter's standing routes by weekday, what the planner could not do, and how far ahead it drafts."""
    chapter = access.get_chapter(request, code, Action.PLAN_ROUTES)
    setting = PlanningSettings.objects.filter(chapter=chapter).first() or PlanningSettings(chapter=chapter)
    form = PlanningSettingsForm(request.POST or None, instance=setting)
    if form.is_valid():
        try:
            form.save()
        except StaleEdit:
            messages.error(request, _("Someone else changed this setting meanwhile. Nothing of yours was saved."))
        else:
            planner.plan(chapter=chapter)
            messages.success(request, _("Saved; the routes ahead are drafted again."))
        return redirect("deliveries:standing_list", code=chapter.code)
    today = chapter.today()
    context = {
        "chapter": chapter,
        "form": form,
        "routes": standing_queries.standing_routes(chapter),
        "unplaced": standing_queries.notes(chapter, today, PlanNote.Kind.UNPLACED),
        "left_alone": standing_queries.notes(chapter, today, PlanNote.Kind.LEFT_ALONE),
        "days": planner.horizon(chapter),
    }
    return render(request, "deliveries/standing_list.html", context)


def standing_create(request, code):
    chapter = access.get_chapter(request, code, Action.PLAN_ROUTES)
    form = StandingRouteForm(request.POST or None, instance=StandingRoute(chapter=chapter))
    if form.is_valid():
        route = form.save()
        messages.success(request, _("Standing route created. Now add its households."))
        return redirect("deliveries:standing_detail", pk=route.pk)
    return render(request, "deliveries/standing_form.html", {"form": form, "chapter": chapter})


def standing_edit(request, pk):
    route = _get_standing_route(request, pk)
    form = StandingRouteForm(request.POST or None, instance=route)
    return edit_versioned(
        request,
        form,
        "deliveries/standing_form.html",
        {"chapter": route.chapter},
        _("Standing route saved; its days ahead are drafted again."),
        reverse("deliveries:standing_detail", args=[route.pk]),
        after_save=standing.after_standing_route_saved,
    )


def standing_detail(request, pk):
    route = _get_standing_route(request, pk)
    places = standing_queries.places_of(route)
    context = {
        "route": route,
        "places": places,
        "candidates": standing_queries.candidates(route) if route.active else [],
        "others": TransferForm(place=places[0]) if places else None,
        "drafts": route.drafts.filter(date__gte=route.chapter.today()).order_by("date")[:10],
        "today": route.chapter.today(),
    }
    return render(request, "deliveries/standing_detail.html", context)


def _version(request) -> int:
    value = request.POST.get("version", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else -1


def _change(request, change, done: str) -> None:
    try:
        change()
    except StaleEdit:
        messages.error(request, STALE)
    except standing.StandingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)


@require_POST
def standing_add(request, pk):
    route = _get_standing_route(request, pk)
    ids = [int(value) for value in request.POST.getlist("household") if value.isascii() and value.isdigit()]
    chosen = {household.pk: household for household in standing_queries.candidates(route).filter(pk__in=ids)}
    households = [chosen[pk] for pk in ids if pk in chosen]
    if not households:
        messages.error(request, _("Choose at least one household to add."))
    else:
        version = _version(request)
        _change(
            request,
            lambda: standing.add_households(standing_route=route, households=households, version=version),
            _("Added; the days ahead are drafted again."),
        )
    return redirect("deliveries:standing_detail", pk=route.pk)


@require_POST
def place_move(request, pk):
    place = _get_place(request, pk)
    places = -1 if request.POST.get("direction") == "up" else 1
    version = _version(request)
    _change(
        request,
        lambda: standing.move_household(place=place, places=places, version=version),
        _("New order saved."),
    )
    return redirect(reverse("deliveries:standing_detail", args=[place.standing_route_id]) + f"#place-{place.pk}")


@require_POST
def place_remove(request, pk):
    place = _get_place(request, pk)
    version = _version(request)
    _change(
        request,
        lambda: standing.remove_household(place=place, version=version),
        _("%(code)s taken off the standing route.") % {"code": place.household.code},
    )
    return redirect("deliveries:standing_detail", pk=place.standing_route_id)


@require_POST
def place_transfer(request, pk):
    place = _get_place(request, pk)
    form = TransferForm(request.POST, place=place)
    if form.is_valid():
        to, version = form.cleaned_data["to"], _version(request)
        _change(
            request,
            lambda: standing.transfer_household(place=place, to=to, version=version),
            _("%(code)s moved to %(route)s.") % {"code": place.household.code, "route": to.name},
        )
    else:
        messages.error(request, _("Choose the standing route to move them to."))
    return redirect("deliveries:standing_detail", pk=place.standing_route_id)


def arrangement(request, pk):
    """A household's standing delivery: the recurrence with a preview of its next days, hub, window, usual items."""
    household = _get_household(request, pk)
    instance = DeliveryArrangement.objects.filter(household=household).first()
    form = ArrangementForm(request.POST or None, instance=instance or DeliveryArrangement(household=household))
    context = {"household": household, "preview": None, "conflict": None}
    if "preview" in request.POST and form.is_valid():
        context["preview"] = standing_queries.preview(form.instance, household.chapter.today())
    elif form.is_valid():
        try:
            standing.save_arrangement(form=form, items=form.items(), by=request.user)
        except StaleEdit as stale:
            context["conflict"] = Conflict(form, stale.current)
            form = context["conflict"].form
        else:
            messages.success(request, _("Standing delivery saved; the days ahead are drafted again."))
            return redirect("recipients:household_detail", pk=household.pk)
    return render(request, "deliveries/arrangement_form.html", {**context, "form": form})


@require_POST
def arrangement_end(request, pk):
    household = _get_household(request, pk)
    standing.end_arrangement(household=household, by=request.user)
    messages.success(request, _("Standing deliveries to %(code)s ended.") % {"code": household.code})
    return redirect("recipients:household_detail", pk=household.pk)


def pauses(request, pk):
    """A household's pauses, and a new one: dated days away that end on their own."""
    household = _get_household(request, pk)
    form = PauseForm(request.POST or None, instance=Pause(household=household))
    if form.is_valid():
        pause = standing.save_pause(form=form, by=request.user)
        messages.success(
            request,
            _("Paused from %(first)s to %(last)s; deliveries start again on %(resumes)s.")
            % {"first": pause.starts_on, "last": pause.ends_on, "resumes": pause.resumes_on},
        )
        return redirect("deliveries:pauses", pk=household.pk)
    context = {
        "household": household,
        "form": form,
        "pauses": household.delivery_pauses.select_related("recorded_by").order_by("-starts_on"),
        "today": household.chapter.today(),
    }
    return render(request, "deliveries/pauses.html", context)


def pause_edit(request, pk):
    pause = _get_pause(request, pk)
    form = PauseForm(request.POST or None, instance=pause)
    household = pause.household
    conflict = None
    if form.is_valid():
        try:
            standing.save_pause(form=form, by=request.user)
        except StaleEdit as stale:
            conflict = Conflict(form, stale.current)
            form = conflict.form
        else:
            messages.success(request, _("Pause saved; the days ahead are drafted again."))
            return redirect("deliveries:pauses", pk=household.pk)
    return render(request, "deliveries/pause_form.html", {"household": household, "form": form, "conflict": conflict})


@require_POST
def pause_end(request, pk):
    pause = _get_pause(request, pk)
    household = pause.household
    try:
        kept = standing.end_pause(pause=pause, by=request.user)
    except standing.StandingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("Pause cancelled.") if kept is None else _("Pause ended: deliveries start again today.")
        )
    return redirect("deliveries:pauses", pk=household.pk)
