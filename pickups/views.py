import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mimac import access
from mimac.access import Action
from mimac.models import ClosureDay, Hub
from mimac.views import edit_versioned
from pickups import queries, services
from pickups.forms import (
    AssignForm,
    ClosureDayForm,
    IntakeCheckForm,
    LineFormSet,
    MissedForm,
    RecordForm,
    ScheduleForm,
    SupplierClosureForm,
    SupplierForm,
)
from pickups.models import IntakeCheck, Pickup, PickupSchedule, Supplier, SupplierClosure

SUPPLIERS_PER_PAGE = 25


def _get_supplier(request, pk, action) -> Supplier:
    supplier = get_object_or_404(Supplier.objects.select_related("chapter"), pk=pk)
    access.require(request.user, supplier.chapter, action)
    return supplier


def _get_schedule(request, pk, action) -> PickupSchedule:
    schedule = get_object_or_404(PickupSchedule.objects.select_related("supplier__chapter", "hub"), pk=pk)
    access.require(request.user, schedule.supplier.chapter, action)
    return schedule


def supplier_list(request):
    chapters = access.chapters_where(request.user, Action.VIEW_SUPPLIERS)
    suppliers = Supplier.objects.filter(chapter__in=chapters).select_related("chapter")
    query = request.GET.get("q", "").strip()
    if query:
        suppliers = suppliers.filter(Q(name__icontains=query) | Q(address__icontains=query))
    kind = request.GET.get("kind", "")
    if kind in Supplier.Kind.values:
        suppliers = suppliers.filter(kind=kind)
    active = request.GET.get("active", "yes")
    if active in {"yes", "no"}:
        suppliers = suppliers.filter(active=active == "yes")
    suppliers = suppliers.annotate(schedule_count=Count("schedules", filter=Q(schedules__active=True)))
    page = Paginator(suppliers.order_by("name", "pk"), SUPPLIERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "kind": kind,
        "active": active,
        "kinds": Supplier.Kind.choices,
        "planning_chapters": [c for c in chapters if access.may(request.user, c, Action.PLAN_PICKUPS)],
        "show_chapter": len(chapters) > 1,
    }
    return render(request, "pickups/supplier_list.html", context)


def supplier_create(request, code):
    chapter = access.get_chapter(request, code, Action.PLAN_PICKUPS)
    form = SupplierForm(request.POST or None, instance=Supplier(chapter=chapter))
    if form.is_valid():
        supplier = form.save()
        messages.success(request, _("Supplier added. Now give it a pickup schedule."))
        return redirect("pickups:supplier_detail", pk=supplier.pk)
    return render(request, "pickups/supplier_form.html", {"form": form, "chapter": chapter})


def supplier_detail(request, pk):
    supplier = _get_supplier(request, pk, Action.VIEW_SUPPLIERS)
    today = supplier.chapter.today()
    upcoming = queries.with_volunteers(supplier.pickups.filter(date__gte=today))[:20]
    reliability = queries.reliability(supplier, today)
    context = {
        "supplier": supplier,
        "reliability": reliability,
        "received": queries.received_by_month(supplier, reliability.first),
        "categories": supplier.categories.all(),
        "schedules": supplier.schedules.select_related("hub").prefetch_related("default_volunteers"),
        "closures": supplier.closures.filter(ends_on__gte=today),
        "upcoming": upcoming,
        "may_plan": access.may(request.user, supplier.chapter, Action.PLAN_PICKUPS),
    }
    return render(request, "pickups/supplier_detail.html", context)


def supplier_edit(request, pk):
    supplier = _get_supplier(request, pk, Action.PLAN_PICKUPS)
    form = SupplierForm(request.POST or None, instance=supplier)
    next_url = reverse("pickups:supplier_detail", args=[supplier.pk])
    return edit_versioned(
        request,
        form,
        "pickups/supplier_form.html",
        {"chapter": supplier.chapter},
        _("Supplier saved."),
        next_url,
        after_save=lambda saved: services.plan_supplier(supplier=saved),  # inactive: no pickups ahead
    )


def supplier_closures(request, pk):
    supplier = _get_supplier(request, pk, Action.PLAN_PICKUPS)
    form = SupplierClosureForm(request.POST or None, instance=SupplierClosure(supplier=supplier))
    if form.is_valid():
        form.save()
        result = services.plan_supplier(supplier=supplier)
        messages.success(request, _("Closure saved; %(count)d planned pickups removed.") % {"count": result.removed})
        return redirect("pickups:supplier_closures", pk=supplier.pk)
    context = {"supplier": supplier, "form": form, "closures": supplier.closures.all()}
    return render(request, "pickups/supplier_closures.html", context)


@require_POST
def supplier_closure_delete(request, pk):
    closure = get_object_or_404(SupplierClosure.objects.select_related("supplier__chapter"), pk=pk)
    access.require(request.user, closure.supplier.chapter, Action.PLAN_PICKUPS)
    closure.delete()
    services.plan_supplier(supplier=closure.supplier)
    messages.success(request, _("Closure removed; pickups are planned again for those days."))
    return redirect("pickups:supplier_closures", pk=closure.supplier.pk)


def schedule_create(request, pk):
    supplier = _get_supplier(request, pk, Action.PLAN_PICKUPS)
    form = ScheduleForm(request.POST or None, instance=PickupSchedule(supplier=supplier))
    return _schedule_page(request, form)


def schedule_edit(request, pk):
    schedule = _get_schedule(request, pk, Action.PLAN_PICKUPS)
    return _schedule_page(request, ScheduleForm(request.POST or None, instance=schedule))


def _schedule_page(request, form):
    """Preview the dates a schedule gives, with the skipped ones and why; save it and plan its pickups."""
    supplier = form.instance.supplier
    context = {"supplier": supplier, "preview": None}
    if "preview" in request.POST and form.is_valid():
        horizon = datetime.timedelta(weeks=services.HORIZON_WEEKS)
        context["preview"] = queries.upcoming_occurrences(form.instance, supplier.chapter.today(), horizon)
        return render(request, "pickups/schedule_form.html", {**context, "form": form})
    return edit_versioned(
        request,
        form,
        "pickups/schedule_form.html",
        context,
        _("Schedule saved and its pickups planned."),
        reverse("pickups:supplier_detail", args=[supplier.pk]),
        after_save=lambda schedule: services.plan_schedule(schedule=schedule),
    )


def chapter_closures(request, code):
    chapter = access.get_chapter(request, code, Action.PLAN_PICKUPS)
    form = ClosureDayForm(request.POST or None, instance=ClosureDay(chapter=chapter))
    if form.is_valid():
        form.save()
        result = services.plan_chapter(chapter=chapter)
        messages.success(
            request, _("Closure day saved; %(count)d planned pickups removed.") % {"count": result.removed}
        )
        return redirect("pickups:chapter_closures", code=chapter.code)
    closures = chapter.closure_days.filter(date__gte=chapter.today())
    return render(request, "pickups/chapter_closures.html", {"chapter": chapter, "form": form, "closures": closures})


@require_POST
def chapter_closure_delete(request, pk):
    closure = get_object_or_404(ClosureDay.objects.select_related("chapter"), pk=pk)
    access.require(request.user, closure.chapter, Action.PLAN_PICKUPS)
    closure.delete()
    services.plan_chapter(chapter=closure.chapter)
    messages.success(request, _("Closure day removed; pickups are planned again for that day."))
    return redirect("pickups:chapter_closures", code=closure.chapter.code)


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
    context = {
        "pickup": pickup,
        "assignments": assignments,
        "on_it": on_it,
        "may_take": access.may(user, chapter, Action.TAKE_PICKUPS) and pickup.status == Pickup.Status.SCHEDULED,
        "may_plan": may_plan,
        "may_record": _may_record(request, pickup, on_it),
        "assign_form": AssignForm(chapter=chapter) if may_plan else None,
        "lines": queries.lines_of(pickup),
        **_intake_check_of(pickup),
    }
    return render(request, "pickups/pickup_detail.html", context)


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
    lines = LineFormSet(request.POST or None, prefix="lines")
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
        "missed_form": MissedForm(prefix="missed"),  # prefixed: its note shares the page with the record form's
        "recorded": _recorded(pickup),
    }
    return render(request, "pickups/pickup_record.html", context)


@require_POST
def pickup_missed(request, pk):
    pickup = _get_recordable_pickup(request, pk)
    form = MissedForm(request.POST, prefix="missed")
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
    hubs = _hubs_for(request)
    hub = _chosen(hubs, request.GET.get("hub"))
    if hub is None:
        raise Http404
    today = hub.chapter.today()
    context = {"hub": hub, "today": today, "pickups": queries.open_pickups(hub, today)}
    return render(request, "pickups/print_open.html", context)


def _hubs_for(request):
    chapters = access.chapters_where(request.user, Action.VIEW_CHAPTER)
    return Hub.objects.filter(chapter__in=chapters, active=True).select_related("chapter").order_by("chapter", "name")
