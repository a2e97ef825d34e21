"""Suppliers, their recurring schedules and the days they or the chapter are closed."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mimac import access, extensions
from mimac.access import Action
from mimac.models import ClosureDay
from mimac.views import edit_versioned
from pickups import queries, services
from pickups.forms import (
    ClosureDayForm,
    ScheduleForm,
    SupplierClosureForm,
    SupplierForm,
)
from pickups.models import PickupSchedule, Supplier, SupplierClosure

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
        removed = result.removed
        messages.success(
            request,
            ngettext(
                "Closure saved; %(count)d planned pickup removed.",
                "Closure saved; %(count)d planned pickups removed.",
                removed,
            )
            % {"count": removed},
        )
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
        closure = form.save()
        result = services.plan_chapter(chapter=chapter)
        for changed in extensions.closure_day_changes:
            changed(chapter, closure.date)
        removed = result.removed
        messages.success(
            request,
            ngettext(
                "Closure day saved; %(count)d planned pickup removed.",
                "Closure day saved; %(count)d planned pickups removed.",
                removed,
            )
            % {"count": removed},
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
    for changed in extensions.closure_day_changes:
        changed(closure.chapter, closure.date)
    messages.success(request, _("Closure day removed; pickups and routes are planned again for that day."))
    return redirect("pickups:chapter_closures", code=closure.chapter.code)
