"""Household pages. Like every page a member sees, they are sent with Cache-Control: no-store
(mimac.middleware.SharedLaptopMiddleware): the hub laptop is shared."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mimac import access, extensions
from mimac.access import Action
from mimac.models import TrailEvent, record
from mimac.spreadsheets import csv_response
from mimac.views import edit_versioned
from recipients import services
from recipients.forms import HOUSEHOLD_FIELDS, HouseholdFilterForm, HouseholdForm, ImportForm, StatusForm
from recipients.models import Household, HouseholdExport

HOUSEHOLDS_PER_PAGE = 25
# The ids of imports this session confirmed, so that a preview is imported once only.
IMPORTS_DONE = "household_imports_done"


def _get_household(request, pk) -> Household:
    household = get_object_or_404(Household.objects.select_related("chapter", "hub"), pk=pk)
    access.require(request.user, household.chapter, Action.MANAGE_HOUSEHOLDS)
    return household


def household_list(request):
    chapters = access.chapters_where(request.user, Action.MANAGE_HOUSEHOLDS)
    form = HouseholdFilterForm(request.POST or None, initial={"status": Household.Status.ACTIVE})
    households = Household.objects.filter(chapter__in=chapters).select_related("chapter", "hub")
    filters = form.cleaned_data if form.is_valid() else {"status": Household.Status.ACTIVE}
    households = _filtered(households, filters)
    page = Paginator(households.order_by("chapter", "number"), HOUSEHOLDS_PER_PAGE).get_page(filters.get("page"))
    context = {
        "form": form,
        "page": page,
        "chapters": chapters,
        "show_chapter": len(chapters) > 1,
        "exports": HouseholdExport.objects.filter(chapter__in=chapters).select_related("by", "chapter")[:10],
    }
    return render(request, "recipients/household_list.html", context)


def _filtered(households, filters):
    query = (filters.get("q") or "").strip()
    if query:
        households = households.filter(
            Q(name__icontains=query) | Q(address__icontains=query) | Q(number__in=_numbers_in(query))
        )
    for field in ("status", "mode", "language"):
        if filters.get(field):
            households = households.filter(**{field: filters[field]})
    need = filters.get("need")
    if need:
        # Needs are short lists in JSON; a containment test on the text works on SQLite and PostgreSQL.
        households = households.filter(
            Q(dietary_needs__icontains=f'"{need}"') | Q(non_food_needs__icontains=f'"{need}"')
        )
    return households


def _numbers_in(query: str) -> list[int]:
    """A code such as DET-0042, or just 42, finds household number 42."""
    digits = query.rsplit("-", 1)[-1]
    return [int(digits)] if digits.isdigit() else []


def household_create(request, code):
    chapter = access.get_chapter(request, code, Action.MANAGE_HOUSEHOLDS)
    form = HouseholdForm(request.POST or None, instance=Household(chapter=chapter))
    if form.is_valid():
        household = services.take_in(form, by=request.user)
        record(TrailEvent.Kind.HOUSEHOLD, request.user, chapter, f"{household.code} taken in")
        messages.success(request, _("Household %(code)s taken in.") % {"code": household.code})
        return redirect("recipients:household_detail", pk=household.pk)
    return render(request, "recipients/household_form.html", {"form": form, "chapter": chapter})


def household_detail(request, pk):
    household = _get_household(request, pk)
    sections = extensions.sections(extensions.household_sections, request, household)
    return render(request, "recipients/household_detail.html", {"household": household, "sections": sections})


def household_edit(request, pk):
    household = _get_household(request, pk)
    form = HouseholdForm(request.POST or None, instance=household)
    return edit_versioned(
        request,
        form,
        "recipients/household_form.html",
        {"chapter": household.chapter},
        _("Household saved."),
        reverse("recipients:household_detail", args=[household.pk]),
        after_save=lambda saved: _changed(request, saved, "edited"),
    )


def _changed(request, household, what: str) -> None:
    """After a household's details or status were saved: the trail, then what other apps do about it."""
    record(TrailEvent.Kind.HOUSEHOLD, request.user, household.chapter, f"{household.code} {what}")
    for changed in extensions.household_changes:
        changed(household)


@require_POST
def household_status(request, pk):
    household = _get_household(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid() and household.purged_at is None:
        household.status, household.status_since = form.cleaned_data["status"], timezone.localdate()
        household.save()
        _changed(request, household, f"now {household.status}")
        messages.success(
            request,
            _("%(code)s is now %(status)s.") % {"code": household.code, "status": household.get_status_display()},
        )
    return redirect("recipients:household_detail", pk=household.pk)


def household_data(request, pk):
    """What we hold about you: everything on one printable sheet, to hand to the household."""
    household = _get_household(request, pk)
    HouseholdExport.objects.create(chapter=household.chapter, by=request.user, rows=1, what=household.code)
    record(TrailEvent.Kind.EXPORTED, request.user, household.chapter, f"{household.code} data sheet")
    return render(request, "recipients/household_data.html", {"household": household})


@require_POST
def household_erase(request, pk):
    household = _get_household(request, pk)
    if request.POST.get("confirm") != household.code:
        messages.error(request, _("Type the household's code to confirm the erasure."))
        return redirect("recipients:household_detail", pk=household.pk)
    household.erase()
    record(TrailEvent.Kind.HOUSEHOLD, request.user, household.chapter, f"{household.code} erased")
    messages.success(request, _("The personal data of %(code)s is erased.") % {"code": household.code})
    return redirect("recipients:household_detail", pk=household.pk)


@require_POST
def household_export(request, code):
    chapter = access.get_chapter(request, code, Action.MANAGE_HOUSEHOLDS)
    households = chapter.households.select_related("chapter", "hub").order_by("number")
    rows = services.export_rows(households, chapter=chapter, by=request.user)
    record(TrailEvent.Kind.EXPORTED, request.user, chapter, "household list")
    return csv_response(f"households-{chapter.code}-{chapter.today()}.csv", services.CSV_COLUMNS, rows)


def household_import(request, code):
    """Upload, preview every row as it will be saved (and every problem), confirm with the rows to skip
    ticked. Until the confirm, the parsed rows wait only in the preview page (signed); the file itself is
    never kept."""
    chapter = access.get_chapter(request, code, Action.MANAGE_HOUSEHOLDS)
    context = {
        "chapter": chapter,
        "form": ImportForm(),
        "rows": None,
        "problems": [],
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_import(request, chapter)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            try:
                rows, problems = services.parse_import(form.cleaned_data["file"], chapter)
                if not problems:
                    context["token"] = services.sign_pending_import(
                        [row.data for row in rows], chapter=chapter, session_key=request.session.session_key
                    )
            except services.ImportRefused as refusal:
                form.add_error("file", str(refusal))
            else:
                context.update(rows=rows, problems=problems, lookalikes=sum(bool(row.looks_like) for row in rows))
    if context["rows"] is None:
        context["columns"] = services.import_guide(chapter)
    return render(request, "recipients/household_import.html", context)


def _confirm_import(request, chapter):
    done = request.session.get(IMPORTS_DONE, [])
    skip = set(request.POST.getlist("skip"))
    try:
        pending = services.read_pending_import(
            request.POST.get("token", ""), chapter=chapter, session_key=request.session.session_key, done=done
        )
        count = services.import_households(pending["rows"], skip=skip, chapter=chapter, by=request.user)
    except services.ImportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("recipients:household_import", code=chapter.code)
    request.session[IMPORTS_DONE] = [*done[-19:], pending["id"]]  # the last 20: more than one idle time sees
    skipped = len(pending["rows"]) - count
    record(TrailEvent.Kind.HOUSEHOLD, request.user, chapter, f"{count} imported, {skipped} skipped")
    if not count:
        messages.info(request, _("No household imported: every row was skipped."))
        return redirect("recipients:household_list")
    messages.success(
        request, ngettext("%(count)d household imported.", "%(count)d households imported.", count) % {"count": count}
    )
    if skipped:
        messages.info(
            request, ngettext("%(count)d row skipped.", "%(count)d rows skipped.", skipped) % {"count": skipped}
        )
    return redirect("recipients:household_list")


def household_import_template(request, code):
    """An empty file with the columns the import knows, to fill in a spreadsheet."""
    chapter = access.get_chapter(request, code, Action.MANAGE_HOUSEHOLDS)
    return csv_response(f"households-template-{chapter.code}.csv", HOUSEHOLD_FIELDS, [])
