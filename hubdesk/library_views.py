"""The library of a hub: its catalogue, labels and booklet, lending and returns at the desk, the overdue list."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hubdesk import library_queries as queries
from hubdesk import library_services as services
from hubdesk.library_forms import (
    CopyForm,
    LendForm,
    LibrarySettingsForm,
    LoanRequestForm,
    PickCopyForm,
    ReturnForm,
    SearchForm,
)
from hubdesk.models import Copy, LibrarySettings, LoanRequest
from mimac import access
from mimac.access import Action
from mimac.views import edit_versioned
from recipients.models import Household

COPIES_PER_PAGE = 50
MAX_LABELS = 200  # a few label sheets; more is a slip


def _get_copy(request, pk, action: Action) -> Copy:
    copy = get_object_or_404(Copy.objects.select_related("hub__chapter"), pk=pk)
    access.require(request.user, copy.hub.chapter, action)
    return copy


def catalogue(request, pk):
    """The hub's copies, searched by title or code, kind and language; whether a copy is out, never to whom."""
    hub = access.get_hub(request, pk, Action.LEND)
    search = SearchForm(request.GET)
    found = queries.catalogue(hub, **search.cleaned_data) if search.is_valid() else queries.catalogue(hub)
    context = {
        "hub": hub,
        "search": search,
        "page": Paginator(found, COPIES_PER_PAGE).get_page(request.GET.get("page")),
        "keeps": access.may(request.user, hub.chapter, Action.KEEP_LIBRARY),
    }
    return render(request, "hubdesk/library_catalogue.html", context)


def copy_add(request, pk):
    hub = access.get_hub(request, pk, Action.KEEP_LIBRARY)
    form = CopyForm(request.POST or None, instance=Copy(hub=hub, chapter=hub.chapter))
    if form.is_valid():
        copy = services.add_copy(hub=hub, copy=form.instance)
        messages.success(request, _("Added %(code)s: write it on its label, or print labels.") % {"code": copy.code})
        return redirect("hubdesk:copy_add", pk=hub.pk)
    return render(request, "hubdesk/library_copy_form.html", {"hub": hub, "form": form})


def copy_edit(request, pk):
    copy = _get_copy(request, pk, Action.KEEP_LIBRARY)
    form = CopyForm(request.POST or None, instance=copy)
    if form.is_valid():
        form.save()
        messages.success(request, _("%(code)s saved.") % {"code": copy.code})
        return redirect("hubdesk:library", pk=copy.hub_id)
    return render(request, "hubdesk/library_copy_form.html", {"hub": copy.hub, "form": form, "copy": copy})


@require_POST
def copy_withdraw(request, pk):
    """Withdraw a copy (lost, worn out), or put a withdrawn one back in the catalogue."""
    copy = _get_copy(request, pk, Action.KEEP_LIBRARY)
    services.set_withdrawn(copy=copy, withdrawn=not copy.withdrawn)
    if copy.withdrawn:
        messages.success(request, _("%(code)s withdrawn: it is no longer lent.") % {"code": copy.code})
    else:
        messages.success(request, _("%(code)s is back in the catalogue.") % {"code": copy.code})
    return redirect("hubdesk:copy_edit", pk=copy.pk)


def labels(request, pk):
    """A sheet of labels for the copies ticked in the catalogue, or else those added today."""
    hub = access.get_hub(request, pk, Action.LEND)
    chosen = [value for value in request.GET.getlist("copy") if value.isascii() and value.isdigit()][:MAX_LABELS]
    copies = Copy.objects.filter(hub=hub).order_by("number")
    copies = copies.filter(pk__in=chosen) if chosen else copies.filter(added_on=hub.chapter.today())
    return render(request, "hubdesk/library_labels.html", {"hub": hub, "copies": copies[:MAX_LABELS]})


def booklet(request, pk):
    """The catalogue printed for households: what they may borrow, by kind. No loan data."""
    hub = access.get_hub(request, pk, Action.LEND)
    context = {"hub": hub, "copies": queries.booklet(hub), "settings": LibrarySettings.of(hub.chapter)}
    return render(request, "hubdesk/library_booklet.html", context)


def lending(request, pk):
    """Lend by household code and copy codes, take returns by copy code: keyboard only, like handouts."""
    hub = access.get_hub(request, pk, Action.LEND)
    returning = request.method == "POST" and "return-copy_codes" in request.POST
    lend_form = LendForm(request.POST if request.method == "POST" and not returning else None, hub=hub)
    return_form = ReturnForm(request.POST if returning else None, hub=hub)
    if lend_form.is_valid():
        household, copies = lend_form.cleaned_data["household_code"], lend_form.cleaned_data["copy_codes"]
        try:
            loans = services.lend(hub=hub, by=request.user, household=household, copies=copies)
        except services.LentMeanwhile:
            lend_form.add_error("copy_codes", _("Another desk lent one of these copies just now. Nothing was lent."))
        else:
            messages.success(request, _lent(household, loans))
            return redirect("hubdesk:lending", pk=hub.pk)
    if return_form.is_valid():
        copies = return_form.cleaned_data["copy_codes"]
        returned = services.return_copies(hub=hub, copies=copies)
        _say_returned(request, copies, returned)
        return redirect("hubdesk:lending", pk=hub.pk)
    today = hub.chapter.today()
    context = {
        "hub": hub,
        "lend_form": lend_form,
        "return_form": return_form,
        "lent_today": queries.lent_today(hub, today),
        "settings": LibrarySettings.of(hub.chapter),
    }
    return render(request, "hubdesk/library_lending.html", context)


def _lent(household, loans) -> str:
    codes = ", ".join(loan.copy.code for loan in loans)
    message = ngettext(
        "Lent to %(household)s: %(codes)s, due back %(due)s.", "Lent to %(household)s: %(codes)s, due back %(due)s.",
        len(loans),
    )  # fmt: skip
    return message % {"household": household.code, "codes": codes, "due": loans[0].due_on.isoformat()}


def _say_returned(request, copies, returned: int) -> None:
    """How many came back; when fewer than keyed, that the others were not out (returned twice, or never lent)."""
    if returned:
        messages.success(
            request, ngettext("%(count)d copy returned.", "%(count)d copies returned.", returned) % {"count": returned}
        )
    if returned < len(copies):
        not_out = len(copies) - returned
        messages.warning(
            request,
            ngettext(
                "%(count)d copy was not out: returned already, or never lent. Nothing changed for it.",
                "%(count)d copies were not out: returned already, or never lent. Nothing changed for them.",
                not_out,
            )
            % {"count": not_out},
        )


def overdue(request, pk):
    """Copies past their due day, printable. The library never fines and never holds back food."""
    hub = access.get_hub(request, pk, Action.LEND)
    today = hub.chapter.today()
    context = {"hub": hub, "loans": queries.overdue(hub, today), "today": today}
    return render(request, "hubdesk/library_overdue.html", context)


def library_settings(request, pk):
    hub = access.get_hub(request, pk, Action.KEEP_LIBRARY)
    settings = LibrarySettings.objects.filter(chapter=hub.chapter).first() or LibrarySettings(chapter=hub.chapter)
    form = LibrarySettingsForm(request.POST or None, instance=settings)
    context = {"hub": hub}
    return edit_versioned(
        request, form, "hubdesk/library_settings.html", context, _("Library settings saved."), request.path
    )


def _household_page(household) -> str:
    return reverse("recipients:household_detail", args=[household.pk]) + "#library-requests"


def request_add(request, pk):
    """Record what a household asks the library to bring, from its page or a paper slip."""
    household = get_object_or_404(Household.objects.select_related("chapter"), pk=pk, purged_at__isnull=True)
    access.require(request.user, household.chapter, Action.MANAGE_HOUSEHOLDS)
    form = LoanRequestForm(request.POST or None)
    if form.is_valid():
        wish = services.record_request(household=household, by=request.user, request=form.instance)
        messages.success(
            request, _("%(household)s asks for %(what)s.") % {"household": household.code, "what": wish.describe()}
        )
        return redirect(_household_page(household))
    return render(request, "hubdesk/library_request_form.html", {"household": household, "form": form})


def _get_request(request, pk) -> LoanRequest:
    wish = get_object_or_404(LoanRequest.objects.select_related("household__chapter", "copy"), pk=pk)
    access.require(request.user, wish.household.chapter, Action.MANAGE_HOUSEHOLDS)
    return wish


@require_POST
def request_pick(request, pk):
    """Attach the copy a driver brings for an open request, by its code; an empty code takes the pick back."""
    wish = _get_request(request, pk)
    form = PickCopyForm(request.POST, request=wish)
    if wish.status != LoanRequest.Status.OPEN:
        messages.warning(request, _("This request is closed already. Nothing changed."))
    elif form.is_valid():
        services.pick_copy(request=wish, copy=form.cleaned_data["copy_code"])
        messages.success(request, _("The pick is saved: it shows on the route sheet."))
    else:
        for error in form.errors["copy_code"]:
            messages.error(request, error)
    return redirect(_household_page(wish.household))


@require_POST
def request_withdraw(request, pk):
    """The household no longer wants it: closed, and forgotten after the library's retention."""
    wish = _get_request(request, pk)
    if services.close_request(request=wish, status=LoanRequest.Status.WITHDRAWN):
        messages.success(request, _("Request withdrawn."))
    else:
        messages.warning(request, _("This request is closed already. Nothing changed."))
    return redirect(_household_page(wish.household))
