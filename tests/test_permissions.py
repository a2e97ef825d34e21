"""The permission matrix: every URL of the URL conf, for every kind of visitor, and the answer due.

Answers are written in the order of ROLES. `in` means "sent to the sign-in page"; a number is the
status code. Objects belong to the first chapter of the `world` fixture, so the second chapter's
coordinator must get 404 for all of them. A new URL without a row here fails
`test_the_matrix_covers_every_url`.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from deliveries.models import Pause
from deliveries.services import move_stops
from mimac.models import Absence, Category, Photo
from mimac.photos import clean_photo
from money import services as money
from pickups.services import plan_schedule, record_done
from tests import images
from tests.factories import (
    make_arrangement,
    make_household,
    make_route,
    make_schedule,
    make_standing_route,
    make_supplier,
)
from tests.test_permissions_library import LIBRARY_MATRIX
from tests.url_catalogue import all_urls, assert_sends_to_sign_in

ROLES = ["anonymous", "volunteer", "observing", "coordinator", "auditor", "other_coordinator", "admin"]
SIGN_IN = "in"


@dataclass
class Case:
    method: str
    answers: str  # one answer per role, space-separated
    kwargs: Callable = lambda world: {}


def _uninvited_account(world):
    """A member who has not set a password yet, as after an invitation."""
    user = get_user_model().objects.create_user("invitee")
    return world.chapter.memberships.create(user=user, role="volunteer").pk


def _food_photo(world):
    image = clean_photo(images.upload(images.encode(images.food_photo())))
    return Photo.objects.create(chapter=world.chapter, uploaded_by=world.coordinator.user, image=image).pk


def _supplier(world):
    return make_supplier(world.chapter).pk


def _schedule(world):
    return make_schedule(make_supplier(world.chapter), world.hub).pk


def _supplier_closure(world):
    supplier = make_supplier(world.chapter)
    today = world.chapter.today()
    return supplier.closures.create(starts_on=today, ends_on=today).pk


def _pickup(world):
    """Today's pickup in the first chapter, with its trusted volunteer on it."""
    schedule = make_schedule(make_supplier(world.chapter), world.hub, "FREQ=DAILY;COUNT=1")
    plan_schedule(schedule=schedule)
    pickup = schedule.pickups.get()
    pickup.assignments.create(volunteer=world.volunteer.user, assigned_by=world.coordinator.user)
    return pickup


def _line(world):
    pickup = _pickup(world)
    return pickup.lines.create(category=Category.objects.first(), quantity=5, recorded_by=world.volunteer.user).pk


def _done_pickup(world):
    """Today's pickup, brought in and recorded by the volunteer: waiting for its second count."""
    pickup = _pickup(world)
    record_done(pickup=pickup, by=world.volunteer.user, arrived_at=pickup.window_starts_at, lines=[])
    return pickup


HUB = lambda world: {"pk": world.hub.pk}  # noqa: E731
HOUSEHOLD = lambda world: {"pk": make_household(world.chapter).pk}  # noqa: E731


def _route(world, status="draft"):
    return make_route(world.chapter, world.hub, driver=world.volunteer.user, households=[make_household(world.chapter)],
                      status=status)  # fmt: skip


ROUTE = lambda world: {"pk": _route(world).pk}  # noqa: E731


def _transfer(world):
    """A stop of one of today's published routes moved to the other, whose driver is the volunteer."""
    route = _route(world, "published")
    to = make_route(world.chapter, world.hub, driver=world.volunteer.user, status="published", name="Westside")
    return move_stops(route=route, stops=list(route.stops.all()), to=to, by=world.coordinator.user)


TAKEN_OVER = lambda world: {"pk": _transfer(world).to_route.pk}  # noqa: E731

STOP = lambda world: {"pk": _route(world).stops.get().pk}  # noqa: E731
PICKUP = lambda world: {"pk": _pickup(world).pk}  # noqa: E731


def _closure_day(world):
    return world.chapter.closure_days.create(date=world.chapter.today()).pk


CHAPTER = lambda world: {"code": world.chapter.code}  # noqa: E731


def _standing_route(world):
    """A standing route of the first chapter with one household on it, due every Tuesday."""
    household = make_household(world.chapter)
    make_arrangement(household, world.hub)
    return make_standing_route(world.chapter, world.hub, households=[household], driver=world.volunteer.user)


def _pause(world):
    today, household = world.chapter.today(), _standing_route(world).places.get().household
    return Pause.objects.create(household=household, starts_on=today, ends_on=today, reason="travel",
                                recorded_by=world.coordinator.user)  # fmt: skip


def _absence(world):
    """The volunteer's time away, tomorrow."""
    day = world.chapter.today() + datetime.timedelta(days=1)
    return Absence.objects.create(membership=world.volunteer, starts_on=day, ends_on=day,
                                  recorded_by=world.volunteer.user).pk  # fmt: skip


STANDING = lambda world: {"pk": _standing_route(world).pk}  # noqa: E731
PLACE = lambda world: {"pk": _standing_route(world).places.get().pk}  # noqa: E731
PAUSE = lambda world: {"pk": _pause(world).pk}  # noqa: E731


def _money(world, what=""):
    """Riverside's cash box, 100.00 in it; and as asked, a donation named to every member or a count."""
    by, today = world.coordinator.user, world.chapter.today()
    box = money.open_account(chapter=world.chapter, by=by, name="Cash box", kind="cash", holds=100, date=today)
    if what == "donation":
        return money.record(account=box, by=by, kind="donation", amount=20, date=today, donor_named_to="members",
                            donor_name="Rosa").pk  # fmt: skip
    if what == "count":
        return money.count_cash(account=box, by=by, date=today, amount=100, counted_by=world.volunteer.user).pk
    return box.pk


MATRIX = {
    #                                         anon vol  obs  coord aud other admin
    "dashboard:home": Case("get", "in 200 200 200 200 200 200"),
    "healthz": Case("get", "200 200 200 200 200 200 200"),
    "too_large": Case("get", "413 413 413 413 413 413 413"),
    "login": Case("get", "200 200 200 200 200 200 200"),
    "signed_out": Case("get", "200 200 200 200 200 200 200"),
    "logout": Case("post", "302 302 302 302 302 302 302"),
    "set_language": Case("post", "302 302 302 302 302 302 302"),
    "password_set": Case("get", "200 200 200 200 200 200 200", lambda w: {"uidb64": "MQ", "token": "bad-token"}),
    "password_set_done": Case("get", "200 200 200 200 200 200 200"),
    "chapter_members": Case("get", "in 200 403 200 200 404 200", CHAPTER),
    "member_invite": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "member_history": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "chapter_settings": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "hub_list": Case("get", "in 200 200 200 200 404 200", CHAPTER),
    "hub_create": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "hub_edit": Case("get", "in 403 403 200 403 404 200", lambda w: {"pk": w.hub.pk}),
    # Their own page for the observing member; test_permissions_track_record.py has who reads the track record.
    "member_detail": Case("get", "in 200 200 200 200 404 200", lambda w: {"pk": w.observing.pk}),
    "member_vouch": Case("post", "in 302 403 302 302 404 302", lambda w: {"pk": w.observing.pk}),
    "member_vouch_coordinator": Case("post", "in 403 403 302 403 404 302", lambda w: {"pk": w.volunteer.pk}),
    "member_deactivate": Case("post", "in 403 403 302 403 404 302", lambda w: {"pk": w.observing.pk}),
    "member_password_link": Case("post", "in 403 403 200 403 404 200", lambda w: {"pk": _uninvited_account(w)}),
    "photo_file": Case("get", "in 200 200 200 200 404 200", lambda w: {"pk": _food_photo(w)}),
    "pickups:supplier_list": Case("get", "in 200 403 200 200 200 200"),
    "pickups:supplier_create": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "pickups:supplier_detail": Case("get", "in 200 403 200 200 404 200", lambda w: {"pk": _supplier(w)}),
    "pickups:supplier_edit": Case("get", "in 403 403 200 403 404 200", lambda w: {"pk": _supplier(w)}),
    "pickups:supplier_closures": Case("get", "in 403 403 200 403 404 200", lambda w: {"pk": _supplier(w)}),
    "pickups:supplier_closure_delete": Case(
        "post", "in 403 403 302 403 404 302", lambda w: {"pk": _supplier_closure(w)}
    ),
    "pickups:schedule_create": Case("get", "in 403 403 200 403 404 200", lambda w: {"pk": _supplier(w)}),
    "pickups:schedule_edit": Case("get", "in 403 403 200 403 404 200", lambda w: {"pk": _schedule(w)}),
    "pickups:chapter_closures": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "pickups:chapter_closure_delete": Case("post", "in 403 403 302 403 404 302", lambda w: {"pk": _closure_day(w)}),
    "pickups:week": Case("get", "in 200 200 200 200 200 200"),
    "pickups:pickup_detail": Case("get", "in 200 200 200 200 404 200", PICKUP),
    "pickups:pickup_take": Case("post", "in 302 302 302 403 404 302", PICKUP),
    "pickups:pickup_give_back": Case("post", "in 302 302 302 403 404 302", PICKUP),
    "pickups:pickup_assign": Case("post", "in 403 403 302 403 404 302", PICKUP),
    "pickups:pickup_record": Case("get", "in 200 403 200 403 404 200", PICKUP),
    "pickups:pickup_missed": Case("post", "in 302 403 302 403 404 302", PICKUP),
    "ledger:entry": Case("get", "in 200 403 200 200 404 200", lambda w: {"kind": "pickupline", "pk": _line(w)}),
    "pickups:print_week": Case("get", "in 200 200 200 200 200 200"),
    "pickups:print_open": Case("get", "in 302 302 302 302 302 302"),
    "recipients:household_list": Case("get", "in 403 403 200 403 200 200"),
    "recipients:household_create": Case("get", "in 404 404 200 404 404 200", CHAPTER),
    "recipients:household_import": Case("get", "in 404 404 200 404 404 200", CHAPTER),
    "recipients:household_import_template": Case("get", "in 404 404 200 404 404 200", CHAPTER),
    "recipients:household_export": Case("post", "in 404 404 200 404 404 200", CHAPTER),
    "recipients:household_detail": Case("get", "in 404 404 200 404 404 200", HOUSEHOLD),
    "recipients:household_edit": Case("get", "in 404 404 200 404 404 200", HOUSEHOLD),
    "recipients:household_status": Case("post", "in 404 404 302 404 404 302", HOUSEHOLD),
    "recipients:household_data": Case("get", "in 404 404 200 404 404 200", HOUSEHOLD),
    "recipients:household_erase": Case("post", "in 404 404 302 404 404 302", HOUSEHOLD),
    "deliveries:route_list": Case("get", "in 403 403 200 403 200 200"),
    "deliveries:route_create": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "deliveries:route_detail": Case("get", "in 403 403 200 403 404 200", ROUTE),
    "deliveries:route_edit": Case("get", "in 403 403 200 403 404 200", ROUTE),
    "deliveries:route_add_stops": Case("post", "in 403 403 302 403 404 302", ROUTE),
    "deliveries:route_reorder": Case("post", "in 403 403 302 403 404 302", ROUTE),
    "deliveries:route_publish": Case("post", "in 403 403 302 403 404 302", ROUTE),
    "deliveries:route_unpublish": Case("post", "in 403 403 302 403 404 302", ROUTE),
    "deliveries:route_copy": Case("post", "in 403 403 302 403 404 302", ROUTE),
    "deliveries:route_print": Case("get", "in 200 403 200 403 404 200", lambda w: {"pk": _route(w, "published").pk}),
    "deliveries:stop_move": Case("post", "in 403 403 302 403 404 302", STOP),
    "deliveries:stop_remove": Case("post", "in 403 403 302 403 404 302", STOP),
    "deliveries:stop_items": Case("get", "in 403 403 200 403 404 200", STOP),
    "deliveries:my_routes": Case("get", "in 200 200 200 200 200 200"),
    "deliveries:route_load": Case("get", "in 200 404 200 404 404 200", lambda w: {"pk": _route(w, "published").pk}),
    "deliveries:household_reports": Case("get", "in 404 404 200 404 404 200", HOUSEHOLD),
    "deliveries:day_board": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "deliveries:route_move_stops": Case("get", "in 403 403 200 403 404 200", TAKEN_OVER),
    "deliveries:transfer_slip": Case("get", "in 200 403 200 403 404 200", lambda w: {"pk": _transfer(w).pk}),
    "deliveries:route_key_in": Case("get", "in 403 403 200 403 404 200", lambda w: {"pk": _route(w, "published").pk}),
    "dashboard:after_sign_in": Case("get", "in 302 302 302 302 302 302"),
    "deliveries:stop_record": Case(
        "get", "in 200 404 200 404 404 200", lambda w: {"pk": _route(w, "published").stops.get().pk}
    ),
    "pickups:today": Case("get", "in 200 200 200 200 200 200"),
    "pickups:pickup_check": Case("get", "in 302 403 200 403 404 200", lambda w: {"pk": _done_pickup(w).pk}),
    "hubdesk:choose": Case("get", "in 302 403 302 403 302 200"),
    "hubdesk:desk": Case("get", "in 200 403 200 403 404 200", HUB),
    "hubdesk:spoilage": Case("get", "in 200 403 200 403 404 200", HUB),
    "hubdesk:count": Case("get", "in 200 403 200 403 404 200", HUB),
    "hubdesk:count_sheet": Case("get", "in 200 403 200 403 404 200", HUB),
    "audit:home": Case("get", "in 403 403 200 200 200 200"),
    "password_change": Case("get", "in 200 200 200 200 200 200"),
    "two_factor_setup": Case("get", "in 200 200 200 200 200 200"),
    "two_factor_verify": Case("get", "in 200 200 200 200 200 200"),
    "two_factor_codes": Case("post", "in 302 302 302 302 302 200"),
    "member_password_reset": Case("post", "in 403 403 200 403 404 200", lambda w: {"pk": w.volunteer.pk}),
    "audit:rows": Case("get", "in 403 403 200 200 200 200"),
    "audit:rescued": Case("get", "in 403 403 200 200 200 200"),
    "audit:sheet": Case("get", "in 403 403 200 200 200 200"),
    "audit:track_record_rows": Case(
        "get", "in 403 200 200 200 404 200", lambda w: {"pk": w.observing.pk, "period": "recent", "figure": "taken"}
    ),
    "deliveries:standing_list": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "deliveries:standing_create": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "deliveries:standing_detail": Case("get", "in 403 403 200 403 404 200", STANDING),
    "deliveries:standing_edit": Case("get", "in 403 403 200 403 404 200", STANDING),
    "deliveries:standing_add": Case("post", "in 403 403 302 403 404 302", STANDING),
    "deliveries:place_move": Case("post", "in 403 403 302 403 404 302", PLACE),
    "deliveries:place_remove": Case("post", "in 403 403 302 403 404 302", PLACE),
    "deliveries:place_transfer": Case("post", "in 403 403 302 403 404 302", PLACE),
    "deliveries:arrangement": Case("get", "in 404 404 200 404 404 200", HOUSEHOLD),
    "deliveries:arrangement_end": Case("post", "in 404 404 302 404 404 302", HOUSEHOLD),
    "deliveries:pauses": Case("get", "in 404 404 200 404 404 200", HOUSEHOLD),
    "deliveries:pause_edit": Case("get", "in 404 404 200 404 404 200", PAUSE),
    "deliveries:pause_end": Case("post", "in 404 404 302 404 404 302", PAUSE),
    "deliveries:member_absences": Case("get", "in 200 403 200 403 404 200", lambda w: {"pk": w.volunteer.pk}),
    "deliveries:absence_end": Case("post", "in 302 403 302 403 404 302", lambda w: {"pk": _absence(w)}),
    "deliveries:cover_choose": Case("get", "in 302 302 302 302 302 200"),
    "deliveries:cover": Case("get", "in 200 200 200 200 404 200", CHAPTER),
    "deliveries:cover_take": Case("post", "in 302 302 302 302 404 302", CHAPTER),
    "deliveries:cover_print": Case("get", "in 200 200 200 200 404 200", CHAPTER),
    "money:choose": Case("get", "in 302 302 302 302 302 200"),
    "money:home": Case("get", "in 200 200 200 200 404 200", CHAPTER),
    "money:rows": Case("get", "in 200 200 200 200 404 200", CHAPTER),
    "money:statement": Case("get", "in 200 200 200 200 404 200", CHAPTER),
    "money:record": Case("get", "in 200 403 200 403 404 200", lambda w: {"code": w.chapter.code, "kind": "spending"}),
    "money:transfer": Case("get", "in 200 403 200 403 404 200", CHAPTER),
    "money:cash_count": Case("get", "in 200 403 200 403 404 200", CHAPTER),
    "money:accounts": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "money:settings": Case("get", "in 403 403 200 403 404 200", CHAPTER),
    "money:account_edit": Case("get", "in 403 403 200 403 404 200", lambda w: {"pk": _money(w)}),
    "money:entry": Case("get", "in 200 200 200 200 404 200", lambda w: {"pk": _money(w, "donation")}),
    "money:erase_donor": Case("post", "in 403 403 302 403 404 302", lambda w: {"pk": _money(w, "donation")}),
    "money:count": Case("get", "in 200 200 200 200 404 200", lambda w: {"pk": _money(w, "count")}),
    **{name: Case(*row) for name, row in LIBRARY_MATRIX.items()},
}


def _client_for(client, world, role):
    if role == "admin":
        client.force_login(world.admin)
    elif role != "anonymous":
        client.force_login(getattr(world, role).user)
    return client


def _assert_answer(client, method, path, expected):
    if expected == SIGN_IN:
        assert_sends_to_sign_in(client, method, path)
    else:
        assert getattr(client, method)(path).status_code == int(expected), f"{method.upper()} {path}"


def test_the_matrix_covers_every_url():
    app_urls = {name for name in all_urls() if not name.startswith("admin:")}
    assert set(MATRIX) == app_urls


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(client, world, name, role):
    case = MATRIX[name]
    expected = dict(zip(ROLES, case.answers.split(), strict=True))[role]
    path = reverse(name, kwargs=case.kwargs(world))
    _assert_answer(_client_for(client, world, role), case.method, path, expected)


ADMIN_URLS = sorted(path for name, path in all_urls().items() if name.startswith("admin:"))


@pytest.mark.parametrize("path", ADMIN_URLS)
def test_the_admin_is_for_coalition_admins_only(client, world, path):
    for role in ["volunteer", "coordinator", "auditor"]:
        client.force_login(getattr(world, role).user)
        assert client.get(path).status_code == 404, f"{role} {path}"
    client.logout()
    assert_sends_to_sign_in(client, "get", path)


def test_the_admin_home_opens_for_a_coalition_admin(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Chapters" in response.text
