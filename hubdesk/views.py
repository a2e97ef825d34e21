"""The hub desk: walk-in handouts keyed in fast, spoilage, stock counts and the printed count sheet."""

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hubdesk import queries, services
from hubdesk.forms import HandoutForm, SpoilageForm, StockCountForm
from ledger.models import LedgerHead
from ledger.queries import categories_held_at
from mimac import access
from mimac.access import Action
from mimac.models import Category, Hub
from pickups import queries as pickup_queries
from pickups.models import Pickup
from recipients.models import Household


def choose(request):
    """The hub desk of the user's only hub, or a choice of hubs."""
    chapters = access.chapters_where(request.user, Action.HUB_DESK)
    hubs = list(Hub.objects.filter(chapter__in=chapters, active=True).select_related("chapter"))
    if len(hubs) == 1:
        return redirect("hubdesk:desk", pk=hubs[0].pk)
    return render(request, "hubdesk/choose.html", {"hubs": hubs})


def desk(request, pk):
    """Walk-in handouts keyed in fast, and what the hub has done today."""
    hub = access.get_hub(request, pk, Action.HUB_DESK)
    form = HandoutForm(request.POST or None, hub=hub, categories=queries.desk_categories(hub))
    if form.is_valid():
        data = form.cleaned_data
        household = data["household_code"]
        handout = services.record_handout(
            hub=hub, by=request.user, date=data["date"], lines=form.lines(), household=household, people=data["people"]
        )
        messages.success(request, _handout_recorded(handout))
        return redirect("hubdesk:desk", pk=hub.pk)
    today = hub.chapter.today()
    handouts = list(queries.handouts_on(hub, today))
    context = {
        "hub": hub,
        "form": form,
        "today": today,
        "handouts": handouts,
        "people_today": sum(handout.people for handout in handouts),
        "spoilage": queries.spoilage_on(hub, today),
        "codes": _active_codes(hub),
        **_intake_at(hub),
    }
    return render(request, "hubdesk/desk.html", context)


def _handout_recorded(handout) -> str:
    """Says whom the handout counted, so a wrong number of people is seen at once."""
    if handout.household:
        message = ngettext(
            "Handout recorded: %(code)s, %(people)d person.", "Handout recorded: %(code)s, %(people)d people.",
            handout.people,
        )  # fmt: skip
        return message % {"code": handout.household.code, "people": handout.people}
    message = ngettext(
        "Handout recorded: %(people)d walk-in.", "Handout recorded: %(people)d walk-ins.", handout.people
    )  # fmt: skip
    return message % {"people": handout.people}


def _active_codes(hub) -> dict[str, int]:
    """The codes of the hub's active households and their sizes, for the desk's autocomplete (the page counts a
    household's size when People is left blank, and its script shows that number there before it is sent)."""
    households = Household.objects.filter(hub=hub, status=Household.Status.ACTIVE).values_list("number", "size")
    return {Household.code_of(hub.chapter.code, number): size for number, size in households}


def _intake_at(hub) -> dict:
    """Pickups at the hub waiting for a second count, and the intake flags of the last two weeks."""
    recent = Pickup.objects.filter(hub=hub, date__gte=hub.chapter.today() - datetime.timedelta(days=14))
    return {
        "awaiting_check": pickup_queries.awaiting_intake_check(recent).order_by("-arrived_at"),
        "unchecked_late": pickup_queries.unchecked_after_a_day(recent, timezone.now()).count(),
        "intake_differences": pickup_queries.intake_differences(recent),
    }


def spoilage(request, pk):
    hub = access.get_hub(request, pk, Action.HUB_DESK)
    form = SpoilageForm(request.POST or None, request.FILES or None, hub=hub)
    if form.is_valid():
        services.record_spoilage(hub=hub, by=request.user, **form.cleaned_data)
        messages.success(request, _("Spoilage recorded."))
        return redirect("hubdesk:desk", pk=hub.pk)
    return render(request, "hubdesk/spoilage.html", {"hub": hub, "form": form})


def count(request, pk):
    """Key in a stock count; the printed count sheet lists the same categories in the same order."""
    hub = access.get_hub(request, pk, Action.HUB_DESK)
    form = StockCountForm(request.POST or None, hub=hub, held=categories_held_at(hub), counter=request.user)
    if form.is_valid():
        data = form.cleaned_data
        services.record_count(
            hub=hub, by=request.user, date=data["date"], counted_by=data["counted_by"], lines=form.lines()
        )
        messages.success(request, _("Stock count recorded."))
        return redirect("hubdesk:desk", pk=hub.pk)
    context = {"hub": hub, "form": form, "counts": queries.recent_counts(hub)}
    return render(request, "hubdesk/count.html", context)


def count_sheet(request, pk):
    """A printable count sheet: the hub's categories with boxes to write in, and the ledger's chain head."""
    hub = access.get_hub(request, pk, Action.HUB_DESK)
    held = categories_held_at(hub)
    categories = [category for category in Category.objects.filter(active=True) if category.pk in held]
    head = LedgerHead.objects.filter(chapter=hub.chapter).first()
    context = {"hub": hub, "categories": categories, "head": head, "today": hub.chapter.today()}
    return render(request, "hubdesk/count_sheet.html", context)
