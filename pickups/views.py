"""Pickups: the week and today, one pickup's page, taking and giving back, recording, printing."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mimac import access
from mimac.access import Action
from mimac.models import Hub
from pickups import queries, services
from pickups.forms import (
    AssignForm,
    IntakeCheckForm,
    LineFormSet,
    MissedForm,
    RecordForm,
)
from pickups.models import IntakeCheck, Pickup


def week(request):
    hubs = _hubs_for(request)
    hub = _chosen(hubs, request.GET.get("hub"))
    today = hub.chapter.today() if hub else datetime.date.today()
    monday = _monday(request.GET.get("week"), today)
    context = {
        "hubs": hubs,
        "hub": hub,
        "monday": monday,
        "previous": monday - datetime.timedelta(weeks=1),
        "next": monday + datetime.timedelta(weeks=1),
        "days": queries.week_at_hub(hub, monday) if hub else [],
        "today": today,
    }
    return render(request, "pickups/week.html", context)


def _chosen(hubs, pk):
    hubs = list(hubs)
    if pk:
        for hub in hubs:
            if str(hub.pk) == pk:
                return hub
        raise Http404
    return hubs[0] if hubs else None


def _monday(value, today: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return day - datetime.timedelta(days=day.weekday())


def today(request):
    chapters = access.chapters_where(request.user, Action.VIEW_CHAPTER)
    sections = [
        (chapter, queries.with_volunteers(Pickup.objects.filter(supplier__chapter=chapter).on(chapter.today())))
        for chapter in chapters
    ]
    return render(request, "pickups/today.html", {"sections": sections})


def _get_pickup(request, pk, action) -> Pickup:
    pickup = get_object_or_404(Pickup.objects.select_related("supplier__chapter", "hub", "recorded_by"), pk=pk)
    access.require(request.user, pickup.supplier.chapter, action)
    return pickup


def pickup_detail(request, pk):
    pickup = _get_pickup(request, pk, Action.VIEW_CHAPTER)
    user, chapter = request.user, pickup.chapter
    assignments = list(pickup.assignments.select_related("volunteer", "assigned_by"))
    on_it = any(assignment.volunteer == user for assignment in assignments)
    may_plan = access.may(user, chapter, Action.PLAN_PICKUPS)
    scheduled = pickup.status == Pickup.Status.SCHEDULED
    may_take = access.may(user, chapter, Action.TAKE_PICKUPS) and scheduled and not on_it
    assign_form = AssignForm(chapter=chapter, busy=queries.busy_elsewhere(pickup)) if may_plan and scheduled else None
    context = {
        "pickup": pickup,
        "assignments": assignments,
        "on_it": on_it,
        "may_take": may_take,
        "clashes": services.overlapping(pickup, user) if may_take else [],
        "may_plan": may_plan,
        "may_see_supplier": access.may(user, chapter, Action.VIEW_SUPPLIERS),
        "may_record": _may_record(request, pickup, on_it),
        "assign_form": assign_form,
        "lines": queries.lines_of(pickup),
        **_give_back(pickup, user, on_it and scheduled, coordinator=may_plan),
        **_intake_check_of(pickup),
    }
    return render(request, "pickups/pickup_detail.html", context)


def _give_back(pickup, user, on_it, *, coordinator) -> dict:
    """Whether the person may give this pickup back now, and until when; or why not, so nothing is offered only
    to be refused."""
    if not on_it:
        return {"may_give_back": False}
    refusal = services.give_back_refusal(pickup, user, coordinator=coordinator)
    deadline = None if coordinator else pickup.give_back_deadline()
    return {"may_give_back": refusal is None, "give_back_refusal": refusal, "give_back_until": deadline}


def _intake_check_of(pickup) -> dict:
    check = IntakeCheck.objects.filter(pickup=pickup).select_related("recorded_by").first()
    if check is None:
        return {"intake_check": None}
    this_pickup = Pickup.objects.filter(pk=pickup.pk)
    lines = check.lines.newest().select_related("category")
    return {"intake_check": check, "check_lines": lines, "differences": queries.intake_differences(this_pickup)}


def pickup_check(request, pk):
    """The second pair of eyes: another member counts what came in, blind to the recorded lines."""
    pickup = _get_pickup(request, pk, Action.CONFIRM_INTAKE)
    refusal = services.intake_check_refusal(pickup, request.user)
    if refusal and request.method == "GET":
        messages.info(request, refusal)
        return redirect("pickups:pickup_detail", pk=pickup.pk)
    form = IntakeCheckForm(request.POST or None)
    if form.is_valid():
        try:
            services.check_intake(pickup=pickup, by=request.user, lines=form.lines())
        except services.PickupRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Your count is recorded. Thank you!"))
        return redirect("pickups:pickup_detail", pk=pickup.pk)
    return render(request, "pickups/pickup_check.html", {"pickup": pickup, "form": form})


def _may_record(request, pickup, on_it) -> bool:
    """Whoever did the pickup records it, or a coordinator."""
    return on_it or access.may(request.user, pickup.chapter, Action.PLAN_PICKUPS)


@require_POST
def pickup_take(request, pk):
    pickup = _get_pickup(request, pk, Action.TAKE_PICKUPS)
    return _put_on(request, pickup, request.user)


@require_POST
def pickup_assign(request, pk):
    pickup = _get_pickup(request, pk, Action.PLAN_PICKUPS)
    form = AssignForm(request.POST, chapter=pickup.chapter)
    if not form.is_valid():
        messages.error(request, _("Choose a volunteer of the chapter."))
        return redirect("pickups:pickup_detail", pk=pickup.pk)
    return _put_on(request, pickup, form.cleaned_data["volunteer"])


def _put_on(request, pickup, volunteer):
    try:
        clashes = services.put_on_pickup(pickup=pickup, volunteer=volunteer, by=request.user)
    except services.PickupRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(name)s is on this pickup.") % {"name": volunteer.first_name or volunteer})
        for clash in clashes:
            messages.warning(
                request,
                _("Double booking: %(name)s is also on %(supplier)s from %(start)s to %(end)s that day.")
                % {
                    "name": volunteer.first_name or volunteer,
                    "supplier": clash.supplier.name,
                    "start": f"{clash.window_start:%H:%M}",
                    "end": f"{clash.window_end:%H:%M}",
                },
            )
    return redirect("pickups:pickup_detail", pk=pickup.pk)


@require_POST
def pickup_give_back(request, pk):
    pickup = _get_pickup(request, pk, Action.TAKE_PICKUPS)
    coordinator = access.may(request.user, pickup.chapter, Action.PLAN_PICKUPS)
    volunteer = request.user
    named = request.POST.get("volunteer", "")
    if coordinator and named:
        if not named.isascii() or not named.isdigit():
            raise Http404
        volunteer = get_object_or_404(get_user_model(), pk=named)
    try:
        services.take_off_pickup(pickup=pickup, volunteer=volunteer, by=request.user, coordinator=coordinator)
    except services.PickupRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("%(name)s is off this pickup.") % {"name": volunteer.first_name or volunteer})
    return redirect("pickups:pickup_detail", pk=pickup.pk)


def _get_recordable_pickup(request, pk) -> Pickup:
    pickup = _get_pickup(request, pk, Action.TAKE_PICKUPS)
    if not _may_record(request, pickup, pickup.assignments.filter(volunteer=request.user).exists()):
        raise PermissionDenied
    return pickup


def pickup_record(request, pk):
    pickup = _get_recordable_pickup(request, pk)
    form = RecordForm(request.POST or None, request.FILES or None)
    lines = LineFormSet(request.POST or None, prefix="lines", usual=pickup.supplier.categories.filter(active=True))
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        arrived_at = datetime.datetime.combine(
            pickup.date, form.cleaned_data["arrived_at"], pickup.window_starts_at.tzinfo
        )
        try:
            services.record_done(
                pickup=pickup,
                by=request.user,
                arrived_at=arrived_at,
                lines=lines.lines,
                photo=form.cleaned_data["photo"],
                note=form.cleaned_data["note"],
            )
        except services.PickupRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Pickup recorded. Thank you!"))
            return redirect("pickups:pickup_detail", pk=pickup.pk)
    context = {
        "pickup": pickup,
        "form": form,
        "lines": lines,
        "missed_form": MissedForm(),
        "recorded": _recorded(pickup),
    }
    return render(request, "pickups/pickup_record.html", context)


@require_POST
def pickup_missed(request, pk):
    pickup = _get_recordable_pickup(request, pk)
    form = MissedForm(request.POST)
    if form.is_valid():
        try:
            services.record_missed(pickup=pickup, by=request.user, **form.cleaned_data)
        except services.PickupRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("Recorded as missed."))
    else:
        messages.error(request, _("Choose why the pickup was missed."))
    return redirect("pickups:pickup_detail", pk=pickup.pk)


def _recorded(pickup):
    """What is already recorded, fetched fresh, to show beside a refused second recording."""
    pickup = Pickup.objects.select_related("recorded_by").get(pk=pickup.pk)
    return pickup if pickup.status in {Pickup.Status.DONE, Pickup.Status.MISSED} else None


def print_week(request):
    hubs = _hubs_for(request)
    hub = _chosen(hubs, request.GET.get("hub"))
    if hub is None:
        raise Http404
    monday = _monday(request.GET.get("week"), hub.chapter.today())
    context = {"hub": hub, "monday": monday, "days": queries.week_at_hub(hub, monday)}
    return render(request, "pickups/print_week.html", context)


def print_open(request):
    """The sheet of pickups that need a volunteer grew into the chapter's cover sheet (pickups and routes): the old
    address, kept for bookmarks, leads there."""
    hubs = _hubs_for(request)
    hub = _chosen(hubs, request.GET.get("hub"))
    if hub is None:
        raise Http404
    return redirect(reverse("deliveries:cover_print", kwargs={"code": hub.chapter.code}) + f"?hub={hub.pk}")


def _hubs_for(request):
    chapters = access.chapters_where(request.user, Action.VIEW_CHAPTER)
    return Hub.objects.filter(chapter__in=chapters, active=True).select_related("chapter").order_by("chapter", "name")
