"""Who may see and do what, in one place.

Roles are per chapter, so every check takes the chapter of the object at hand. Objects of a chapter
the user is not an active member of answer 404, to leak nothing; a member whose role does not allow
the action gets 403, except for households, which other roles may not know of at all (404).
Coalition admins (superusers) may do everything in every chapter.

The table below is also in the README; the permission matrix test holds every URL to it.

| action               | coordinator | auditor | volunteer | observing member |
|----------------------|-------------|---------|-----------|------------------|
| view chapter & hubs  | yes         | yes     | yes       | yes              |
| view members         | yes         | yes     | yes       | own page only    |
| view track records   | yes         | yes     | own; while they may vouch | own    |
| vouch (trust)        | yes         | yes     | yes       | no               |
| vouch (coordinator)  | yes         | no      | no        | no               |
| manage members       | yes         | no      | no        | no               |
| edit chapter & hubs  | yes         | no      | no        | no               |
| view suppliers       | yes         | yes     | yes       | no               |
| plan pickups         | yes         | no      | no        | no               |
| take & record pickups| yes         | no      | yes       | yes (with a trusted member) |
| cover board (see)    | yes         | yes     | yes       | yes              |
| take a route as driver (cover board) | yes | no | yes   | no               |
| members' time away   | yes         | own     | own       | own              |
| households           | yes         | no      | no        | no               |
| plan routes          | yes         | no      | no        | no               |
| hub desk (handouts, spoilage, counts) | yes | no | yes   | no               |
| confirm a pickup's intake | yes    | no      | yes       | no               |
| view ledger rows     | yes         | yes     | own rows  | own rows         |
| correct ledger rows  | yes         | no      | own rows  | own rows         |
| the audit (read only)| yes         | yes     | no        | no               |
| money page, rows, statement | yes  | yes     | yes       | yes              |
| record money, count the cash | yes | no      | yes       | no               |
| correct money rows   | yes         | no      | own rows  | no               |
| see who paid (a member's dues, donors named to coordinators) | yes | yes | own dues | own dues |
| see receipt photos   | yes         | yes     | no        | no               |
| money accounts and settings, erase a donor's name | yes | no | no | no         |

Pages that span chapters (the week of pickups, today's pickups) show only the chapters where the
user may take the action; suppliers and schedules are planned by coordinators.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from mimac import extensions
from mimac.models import Chapter, Hub, Membership, Photo, Role, TrailEvent, Trust, VouchKind, record


class Action(StrEnum):
    VIEW_CHAPTER = "view chapter"
    VIEW_MEMBERS = "view members"
    VIEW_TRACK_RECORDS = "view track records"
    VOUCH = "vouch"
    VOUCH_COORDINATOR = "vouch coordinator"
    MANAGE_MEMBERS = "manage members"
    EDIT_CHAPTER = "edit chapter"
    VIEW_SUPPLIERS = "view suppliers"
    PLAN_PICKUPS = "plan pickups"
    TAKE_PICKUPS = "take pickups"
    MANAGE_HOUSEHOLDS = "manage households"
    PLAN_ROUTES = "plan routes"
    TAKE_ROUTES = "take a route as driver"
    MANAGE_ABSENCES = "record members' time away"
    HUB_DESK = "work the hub desk"
    LEND = "lend from the library"
    KEEP_LIBRARY = "keep the library's catalogue"
    CONFIRM_INTAKE = "confirm intake"
    VIEW_LEDGER = "view ledger"
    CORRECT_LEDGER = "correct ledger"
    VIEW_AUDIT = "view the audit"
    VIEW_MONEY = "view money"
    RECORD_MONEY = "record money"
    CORRECT_MONEY = "correct money"
    VIEW_PAYERS = "view who paid"
    VIEW_RECEIPTS = "view receipts"
    MANAGE_MONEY = "manage money"


OBSERVING = "observing"
ALLOWED = {
    Action.VIEW_CHAPTER: {Role.COORDINATOR, Role.AUDITOR, Role.VOLUNTEER, OBSERVING},
    Action.VIEW_MEMBERS: {Role.COORDINATOR, Role.AUDITOR, Role.VOLUNTEER},
    # Besides these, a member sees their own track record, and whoever may vouch for a member now sees theirs.
    Action.VIEW_TRACK_RECORDS: {Role.COORDINATOR, Role.AUDITOR},
    Action.VOUCH: {Role.COORDINATOR, Role.AUDITOR, Role.VOLUNTEER},
    Action.VOUCH_COORDINATOR: {Role.COORDINATOR},
    Action.MANAGE_MEMBERS: {Role.COORDINATOR},
    Action.EDIT_CHAPTER: {Role.COORDINATOR},
    Action.VIEW_SUPPLIERS: {Role.COORDINATOR, Role.AUDITOR, Role.VOLUNTEER},
    Action.PLAN_PICKUPS: {Role.COORDINATOR},
    Action.TAKE_PICKUPS: {Role.COORDINATOR, Role.VOLUNTEER, OBSERVING},
    # Volunteers see a household only as a stop on their own route (deliveries).
    Action.MANAGE_HOUSEHOLDS: {Role.COORDINATOR},
    Action.PLAN_ROUTES: {Role.COORDINATOR},
    # A route with nobody driving, from the cover board: a trusted member drives, whoever else comes along.
    Action.TAKE_ROUTES: {Role.COORDINATOR, Role.VOLUNTEER},
    # Besides these, every member records their own time away.
    Action.MANAGE_ABSENCES: {Role.COORDINATOR},
    Action.HUB_DESK: {Role.COORDINATOR, Role.VOLUNTEER},
    # Whoever works the hub desk lends, takes returns and sees the catalogue; coordinators keep the catalogue.
    Action.LEND: {Role.COORDINATOR, Role.VOLUNTEER},
    Action.KEEP_LIBRARY: {Role.COORDINATOR},
    # The second pair of eyes on a pickup is a vetted member, never the one who recorded it.
    Action.CONFIRM_INTAKE: {Role.COORDINATOR, Role.VOLUNTEER},
    # Besides these, whoever recorded a row may see it and correct it.
    Action.VIEW_LEDGER: {Role.COORDINATOR, Role.AUDITOR},
    Action.CORRECT_LEDGER: {Role.COORDINATOR},
    Action.VIEW_AUDIT: {Role.COORDINATOR, Role.AUDITOR},
    # Every member sees where every dollar went; who paid and the receipts (names, card digits) fewer do.
    Action.VIEW_MONEY: {Role.COORDINATOR, Role.AUDITOR, Role.VOLUNTEER, OBSERVING},
    # Auditors check the money and do not move it; money going out needs a second trusted member too.
    Action.RECORD_MONEY: {Role.COORDINATOR, Role.VOLUNTEER},
    # Besides these, whoever may record money may correct the rows they recorded.
    Action.CORRECT_MONEY: {Role.COORDINATOR},
    # Besides these, a member sees their own dues.
    Action.VIEW_PAYERS: {Role.COORDINATOR, Role.AUDITOR},
    Action.VIEW_RECEIPTS: {Role.COORDINATOR, Role.AUDITOR},
    Action.MANAGE_MONEY: {Role.COORDINATOR},
}


# Roles that may not do these may not know what is there either: their refusal is a 404, like another
# chapter's, not a 403 that confirms a household exists.
HIDDEN_WHEN_REFUSED = {Action.MANAGE_HOUSEHOLDS}


def standing(membership: Membership) -> str:
    """The column of the table a member stands in: their role once trusted, else observing."""
    return membership.role if membership.is_trusted else OBSERVING


def may(user, chapter: Chapter, action: Action, membership: Membership | None = None) -> bool:
    if user.is_superuser:
        return True
    membership = membership or membership_in(user, chapter)
    return membership is not None and standing(membership) in ALLOWED[action]


def memberships_of(user) -> list[Membership]:
    """The user's active memberships, looked up once per request (the user object is per request)."""
    if "_active_memberships" not in user.__dict__:
        user.__dict__["_active_memberships"] = list(user.memberships.active().select_related("chapter"))
    return user.__dict__["_active_memberships"]


def membership_in(user, chapter: Chapter) -> Membership | None:
    return next((m for m in memberships_of(user) if m.chapter_id == chapter.pk), None)


def may_somewhere(user, action: Action) -> bool:
    """Whether any of the user's chapters allows the action: for showing or hiding navigation."""
    return user.is_superuser or any(standing(m) in ALLOWED[action] for m in memberships_of(user))


def require(user, chapter: Chapter, action: Action) -> None:
    """404 for anyone outside the chapter, 403 for a member whose standing does not allow it."""
    if user.is_superuser:
        return
    membership = membership_in(user, chapter)
    if membership is None or standing(membership) not in ALLOWED[action]:
        record(TrailEvent.Kind.REFUSED, user, chapter, action)
    if membership is None:
        raise Http404
    if standing(membership) not in ALLOWED[action]:
        raise Http404 if action in HIDDEN_WHEN_REFUSED else PermissionDenied


def may_manage_account(user, membership: Membership) -> bool:
    """Whether `user` may hand out a password or a set-password link for the account of `membership`.

    An account is one person in every chapter they belong to: whoever gets into it acts in all of them. So a
    coordinator may do it only for an account whose every active membership is in a chapter they coordinate,
    and never for a coordinator's, a staff member's or an admin's: those are a coalition admin's job.
    """
    if user.is_superuser:
        return True
    person = membership.user
    if not (membership.active and person.is_active) or person.is_superuser or person.is_staff:
        return False
    coordinated = {m.chapter_id for m in memberships_of(user) if standing(m) == Role.COORDINATOR}
    theirs = Membership.objects.active().filter(user=person).values_list("chapter_id", "role")
    return all(chapter_id in coordinated and role != Role.COORDINATOR for chapter_id, role in theirs)


def may_end_membership(user, membership: Membership) -> bool:
    """Whether `user` may deactivate `membership`: the chapter's business, except for a coordinator (two
    coordinators vouched them in, so one cannot take them out), a staff member or an admin."""
    if user.is_superuser:
        return True
    person = membership.user
    return membership.role != Role.COORDINATOR and not (person.is_superuser or person.is_staff)


def refuse(user, chapter: Chapter, subject: str):
    """A 403 for an action the page did not offer, written to the trail first."""
    record(TrailEvent.Kind.REFUSED, user, chapter, subject)
    raise PermissionDenied


def chapters_where(user, action: Action) -> list[Chapter]:
    """The chapters in which the user may take the action; 403 when there is none."""
    if user.is_superuser:
        return list(Chapter.objects.all())
    chapters = [m.chapter for m in memberships_of(user) if standing(m) in ALLOWED[action]]
    if not chapters:
        record(TrailEvent.Kind.REFUSED, user, None, action)
        raise PermissionDenied
    return chapters


def get_chapter(request, code: str, action: Action) -> Chapter:
    chapter = get_object_or_404(Chapter, code=code)
    require(request.user, chapter, action)
    return chapter


def get_hub(request, pk: int, action: Action) -> Hub:
    hub = get_object_or_404(Hub.objects.select_related("chapter"), pk=pk)
    require(request.user, hub.chapter, action)
    return hub


def get_membership(request, pk: int, action: Action) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("chapter", "user"), pk=pk)
    require(request.user, membership.chapter, action)
    return membership


def sees_households_in_full(user, chapter: Chapter) -> bool:
    """Whether the user sees who a household is on a route's pages: an observing member beside a trusted one sees
    only what the road needs (code, address, access notes, window, planned items, allergies), not the name, diet,
    language, non-food needs or notes."""
    membership = None if user.is_superuser else membership_in(user, chapter)
    return membership is None or standing(membership) != OBSERVING


def get_member_page(request, pk: int) -> Membership:
    """A member's page: for who may see members, and for the member themself (an observing member sees their own)."""
    membership = get_object_or_404(Membership.objects.select_related("chapter", "user"), pk=pk)
    own = membership.user_id == request.user.pk
    require(request.user, membership.chapter, Action.VIEW_CHAPTER if own else Action.VIEW_MEMBERS)
    return membership


def may_see_track_record(user, membership: Membership) -> bool:
    """The member themself, the chapter's coordinators and auditors, and a trusted member while they may vouch for
    this observing member (the vouch form shows it); not the other volunteers."""
    if user.is_superuser or user.pk == membership.user_id:
        return True
    if may(user, membership.chapter, Action.VIEW_TRACK_RECORDS):
        return True
    return membership.trust == Trust.OBSERVING and membership.vouch_refusal(user, VouchKind.TRUST) is None


def get_track_record(request, pk: int) -> Membership:
    """A member whose track record the user may read: 404 outside the chapter, 403 (written down) inside it."""
    membership = get_object_or_404(Membership.objects.select_related("chapter", "user"), pk=pk)
    require(request.user, membership.chapter, Action.VIEW_CHAPTER)
    if not may_see_track_record(request.user, membership):
        refuse(request.user, membership.chapter, f"track record of membership #{membership.pk}")
    return membership


def get_photo(request, pk: int, action: Action) -> Photo:
    """A photo, for who may take `action` in its chapter and what any app names for it besides (a receipt)."""
    photo = get_object_or_404(Photo.objects.select_related("chapter"), pk=pk)
    require(request.user, photo.chapter, action)
    for needed in filter(None, (rule(photo) for rule in extensions.photo_actions)):
        require(request.user, photo.chapter, needed)
    return photo
