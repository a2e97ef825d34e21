"""Time away and the cover board: a member's absences, the chapter's openings, "I'll take it", the printed sheet."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from deliveries import absences, cover_queries
from deliveries.cover_forms import AbsenceForm
from deliveries.models import Route
from deliveries.services import RouteRefused
from mimac import access
from mimac.access import Action
from mimac.models import Absence, Membership
from mimac.templatetags.people import name_of
from pickups.models import Pickup
from pickups.services import PickupRefused, put_on_pickup

# The soonest openings first, a page at a time: a chapter short of many hands still gets its board at once.
OPENINGS_PER_PAGE = 100


def _get_member(request, membership: Membership) -> Membership:
    """A member's time away is theirs to record, and a coordinator's for them; other members get a 403."""
    access.require(request.user, membership.chapter, Action.VIEW_CHAPTER)
    if membership.user_id != request.user.pk and not access.may(
        request.user, membership.chapter, Action.MANAGE_ABSENCES
    ):
        access.refuse(request.user, membership.chapter, "another member's time away")
    return membership


def member_absences(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("chapter", "user"), pk=pk)
    _get_member(request, membership)
    form = AbsenceForm(request.POST or None, instance=Absence(membership=membership, recorded_by=request.user))
    if form.is_valid():
        data = form.cleaned_data
        released = absences.record_absence(
            membership=membership, starts_on=data["starts_on"], ends_on=data["ends_on"], by=request.user
        )
        _tell(request, membership, data, released)
        return redirect("deliveries:member_absences", pk=membership.pk)
    context = {
        "membership": membership,
        "form": form,
        "absences": membership.absences.select_related("recorded_by").order_by("-starts_on"),
        "today": membership.chapter.today(),
        "own": membership.user_id == request.user.pk,
    }
    return render(request, "deliveries/absences.html", context)


def _tell(request, membership, data, released: absences.Released):
    messages.success(
        request,
        _("%(name)s is away from %(first)s to %(last)s.")
        % {"name": name_of(membership.user), "first": data["starts_on"], "last": data["ends_on"]},
    )
    freed = len(released.pickups) + len(released.routes)
    if freed:
        messages.info(
            request,
            ngettext(
                "%(count)d pickup or route of those days is free now: it is on the cover board.",
                "%(count)d pickups or routes of those days are free now: they are on the cover board.",
                freed,
            )
            % {"count": freed},
        )
    for route in released.under_way:
        messages.warning(
            request,
            _("The route %(route)s on %(date)s is under way, so it was left as it is: tell a coordinator.")
            % {"route": route.name, "date": route.date},
        )


@require_POST
def absence_end(request, pk):
    absence = get_object_or_404(Absence.objects.select_related("membership__chapter", "membership__user"), pk=pk)
    membership = _get_member(request, absence.membership)
    try:
        kept = absences.end_absence(absence=absence, by=request.user)
    except absences.AbsenceRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Time away cancelled.") if kept is None else _("Time away ended: welcome back."))
    return redirect("deliveries:member_absences", pk=membership.pk)


def cover_choose(request):
    """The cover board of the user's only chapter, or a choice of chapters."""
    chapters = access.chapters_where(request.user, Action.VIEW_CHAPTER)
    if len(chapters) == 1:
        return redirect("deliveries:cover", code=chapters[0].code)
    return render(request, "deliveries/cover_choose.html", {"chapters": sorted(chapters, key=lambda c: c.name)})


def cover(request, code):
    chapter = access.get_chapter(request, code, Action.VIEW_CHAPTER)
    user = request.user
    membership = access.membership_in(user, chapter)
    # A new member goes only with a trusted one, and the board lists pickups that have none: nothing to take.
    trusted = user.is_superuser or (membership is not None and membership.is_trusted)
    may_take_pickups = trusted and access.may(user, chapter, Action.TAKE_PICKUPS, membership)
    may_take_routes = access.may(user, chapter, Action.TAKE_ROUTES, membership)
    page = Paginator(cover_queries.opening_keys(chapter), OPENINGS_PER_PAGE).get_page(request.GET.get("page"))
    rows = cover_queries.openings(chapter, keys=list(page))
    away = {day for _user, day in Absence.objects.filter(membership=membership).days_away(*cover_queries.days(chapter))}
    for row in rows:
        allowed = may_take_pickups if row.kind == "pickup" else may_take_routes
        row.item.may_take = allowed and row.date not in away and all(person.pk != user.pk for person in row.people)
    coordinator = access.may(user, chapter, Action.PLAN_ROUTES, membership)
    context = {
        "chapter": chapter,
        "rows": rows,
        "page": page,
        "days": cover_queries.COVER_DAYS,
        "coordinator": coordinator,
        "away": cover_queries.away(chapter) if coordinator else [],
        "hubs": chapter.hubs.filter(active=True),
        "membership": membership,
    }
    return render(request, "deliveries/cover.html", context)


@require_POST
def cover_take(request, code):
    """The board's one form: the button pressed names the row ("pickup-12", "route-3")."""
    chapter = access.get_chapter(request, code, Action.VIEW_CHAPTER)
    kind, _dash, pk = request.POST.get("take", "").partition("-")
    if not (pk.isascii() and pk.isdigit()) or kind not in {"pickup", "route"}:
        messages.error(request, _("Choose a pickup or a route to take."))
    elif kind == "pickup":
        pickup = get_object_or_404(Pickup.objects.select_related("supplier"), pk=pk, supplier__chapter=chapter)
        access.require(request.user, chapter, Action.TAKE_PICKUPS)
        try:
            put_on_pickup(pickup=pickup, volunteer=request.user, by=request.user)
        except PickupRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("You are on the pickup at %(supplier)s on %(date)s. Thank you!")
                % {"supplier": pickup.supplier.name, "date": pickup.date},
            )
    else:
        route = get_object_or_404(Route, pk=pk, chapter=chapter)
        access.require(request.user, chapter, Action.TAKE_ROUTES)
        try:
            absences.take_route(route=route, by=request.user)
        except RouteRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                _("You drive the route %(route)s on %(date)s. Thank you!") % {"route": route.name, "date": route.date},
            )
    return redirect("deliveries:cover", code=chapter.code)


def cover_print(request, code):
    """The board on paper, to post at the hub: one hub (?hub=) or the whole chapter."""
    chapter = access.get_chapter(request, code, Action.VIEW_CHAPTER)
    hub = None
    if request.GET.get("hub"):
        value = request.GET["hub"]
        hub = get_object_or_404(chapter.hubs, pk=value if value.isascii() and value.isdigit() else 0)
    context = {"chapter": chapter, "hub": hub, "rows": cover_queries.openings(chapter, hub),
               "days": cover_queries.COVER_DAYS, "today": chapter.today()}  # fmt: skip
    return render(request, "deliveries/cover_print.html", context)
