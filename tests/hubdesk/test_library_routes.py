"""Lending on routes: what a household asks for, the copy picked for it, and each stop's "bring" and "collect" on
the route sheet, the stop record and the key-in; requests forgotten like loans."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubdesk import library_services as services
from hubdesk.models import Copy, Loan, LoanRequest
from recipients.models import Household
from tests.factories import make_household, make_route
from tests.pages import assert_clean_page, texts_of


def _copy(world, title="The Hobbit", kind=Copy.Kind.BOOK, hub=None):
    return services.add_copy(hub=hub or world.hub, copy=Copy(title=title, kind=kind))


def _ask(client, household, **asked):
    return client.post(reverse("hubdesk:loan_request_add", args=[household.pk]), asked)


def _wish(world, household, **asked):
    return services.record_request(household=household, by=world.coordinator.user, request=LoanRequest(**asked))


def _lend(world, household, copy, days_ago=0):
    loan = services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[copy])[0]
    if days_ago:
        lent = world.chapter.today() - datetime.timedelta(days=days_ago)
        Loan.objects.filter(pk=loan.pk).update(lent_on=lent, due_on=lent + datetime.timedelta(days=21))
    return loan


def test_a_coordinator_records_a_request_on_the_household_page_and_picks_a_copy_for_it(client, world):
    household = make_household(world.chapter)
    client.force_login(world.coordinator.user)
    page = client.get(reverse("recipients:household_detail", args=[household.pk]))
    assert_clean_page(page)
    assert "Ask the library" in page.text
    assert _ask(client, household, kind="childrens-book", title="Anything with dinosaurs").status_code == 302
    wish = LoanRequest.objects.get()
    assert (wish.household, wish.recorded_by) == (household, world.coordinator.user)
    assert wish.asked_on == world.chapter.today()
    copy = _copy(world, "Dinosaur Days", Copy.Kind.CHILDRENS_BOOK)
    client.post(reverse("hubdesk:loan_request_pick", args=[wish.pk]), {"copy_code": "c1"})
    wish.refresh_from_db()
    assert wish.copy == copy
    page = client.get(reverse("recipients:household_detail", args=[household.pk]))
    shown = texts_of(page.text, "loan-request")[0]
    assert shown.startswith("Children's book: Anything with dinosaurs")
    assert "bring C-0001" in shown


def test_a_request_asks_for_something_and_a_copy_picked_must_be_free(client, world):
    household, other = make_household(world.chapter), make_household(world.chapter, "Ben")
    client.force_login(world.coordinator.user)
    page = _ask(client, household, kind="", title="")
    assert page.status_code == 200
    assert "Say what they ask for" in page.text
    wish = _wish(world, household, kind="game")
    lent = _copy(world, "Uno", Copy.Kind.GAME)
    theirs = [_copy(world, hub=world.other_hub) for _ in range(2)][-1]
    _lend(world, other, lent)
    pick = reverse("hubdesk:loan_request_pick", args=[wish.pk])
    refusals = [("G-0001", "is lent already"), (theirs.code, "No copy B-0002"), ("x" * 21, "at most 20")]
    for code, said in [*refusals, ("\x00", "Null characters are not allowed")]:
        page = client.post(pick, {"copy_code": code}, follow=True)
        assert said in page.text, code
    wish.refresh_from_db()
    assert wish.copy is None


def test_text_at_the_columns_limit_is_stored_and_one_more_character_is_refused(client, world):
    """Run on PostgreSQL too, where a longer value would be a database error rather than silently kept."""
    household = make_household(world.chapter)
    client.force_login(world.coordinator.user)
    assert _ask(client, household, title="\u05d0" * 201).status_code == 200
    assert _ask(client, household, title="x\x00y").status_code == 200
    assert _ask(client, household, kind="\x00").status_code == 200
    assert _ask(client, household, title="\u05d0" * 200 + "\u202e").status_code == 200
    assert _ask(client, household, title="\u05d0" * 200).status_code == 302
    assert list(LoanRequest.objects.values_list("title", flat=True)) == ["\u05d0" * 200]
    with transaction.atomic(), pytest.raises(IntegrityError):
        LoanRequest.objects.create(household=household, asked_on=world.chapter.today(), recorded_by=world.admin)


def test_another_chapters_coordinator_cannot_ask_pick_or_withdraw(client, world):
    household = make_household(world.chapter)
    wish = _wish(world, household, title="Dune")
    _copy(world)
    client.force_login(world.other_coordinator.user)
    assert _ask(client, household, title="Mine").status_code == 404
    assert client.post(reverse("hubdesk:loan_request_pick", args=[wish.pk]), {"copy_code": "B-1"}).status_code == 404
    assert client.post(reverse("hubdesk:loan_request_withdraw", args=[wish.pk])).status_code == 404
    wish.refresh_from_db()
    assert (LoanRequest.objects.count(), wish.copy, wish.status) == (1, None, "open")


def _sheet_route(world, count=2):
    households = [make_household(world.chapter, f"H{n}") for n in range(count)]
    route = make_route(world.chapter, world.hub, driver=world.volunteer.user, households=households, status="published")
    return route, households


def test_the_sheet_lists_what_to_bring_and_collect_per_stop_with_tick_boxes(client, world):
    route, (first, second) = _sheet_route(world)
    picked = _copy(world, "Dune")
    _wish(world, first, kind="game", title="Something for four")
    _wish(world, first, title="Dune", copy=picked)
    _lend(world, second, _copy(world, "Emma"), days_ago=30)
    _lend(world, second, _copy(world, "Uno", Copy.Kind.GAME))
    _lend(world, make_household(world.chapter, "Not on the route"), _copy(world, "Elsewhere"))
    client.force_login(world.volunteer.user)
    page = client.get(reverse("deliveries:route_print", args=[route.pk]))
    assert_clean_page(page)
    assert texts_of(page.text, "library-bring") == [
        "Library, bring: ☐ Game: Something for four (no copy picked); ☐ B-0001 Dune"
    ]
    due = world.chapter.today() + datetime.timedelta(days=21)
    assert [text.replace(" ,", ",") for text in texts_of(page.text, "library-collect")] == [
        f"Library, collect: ☐ B-0002 Emma, due {(world.chapter.today() - datetime.timedelta(days=9)):%Y-%m-%d} "
        f"(overdue: collect it, no fine); ☐ G-0003 Uno, due {due:%Y-%m-%d}"
    ]
    assert "Elsewhere" not in page.text
    for name, target, reader in [
        ("deliveries:route_detail", route, world.coordinator),
        ("deliveries:stop_record", route.stops.get(household=second), world.volunteer),
        ("deliveries:route_key_in", route, world.coordinator),
    ]:
        client.force_login(reader.user)
        page = client.get(reverse(name, args=[target.pk]))
        assert_clean_page(page)
        assert "G-0003 Uno" in " ".join(texts_of(page.text, "library-collect")), name


@pytest.mark.parametrize("name", ["deliveries:route_print", "deliveries:route_detail", "deliveries:route_key_in"])
def test_the_library_on_route_pages_costs_the_same_queries_for_1_and_25_stops(client, world, name):
    client.force_login(world.coordinator.user)
    counts = []
    for count in (1, 25):
        route, households = _sheet_route(world, count)
        for household in households:
            _wish(world, household, title="Dune", copy=_copy(world))
            _lend(world, household, _copy(world))
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse(name, args=[route.pk]))
        assert len(texts_of(page.text, "library-collect")) == count
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_request_is_fulfilled_once_when_its_copy_is_lent_and_withdrawn_once(client, world):
    household = make_household(world.chapter)
    copy = _copy(world)
    lent, dropped = _wish(world, household, title="Hobbit", copy=copy), _wish(world, household, kind="tool")
    _lend(world, household, copy)
    lent.refresh_from_db()
    assert (lent.status, lent.closed_on) == ("fulfilled", world.chapter.today())
    client.force_login(world.coordinator.user)
    withdraw = reverse("hubdesk:loan_request_withdraw", args=[dropped.pk])
    assert "Request withdrawn." in client.post(withdraw, follow=True).text
    assert "closed already" in client.post(withdraw, follow=True).text
    assert LoanRequest.objects.open().count() == 0


def test_closed_requests_are_deleted_on_time_and_all_on_erase(world):
    household, other = make_household(world.chapter), make_household(world.chapter, "Ben")
    today = world.chapter.today()
    due, kept = _wish(world, household, title="Old"), _wish(world, household, title="Recent")
    LoanRequest.objects.filter(pk=due.pk).update(status="withdrawn", closed_on=today - datetime.timedelta(days=30))
    LoanRequest.objects.filter(pk=kept.pk).update(status="fulfilled", closed_on=today - datetime.timedelta(days=29))
    open_one, others = _wish(world, household, title="Open"), _wish(world, other, title="Theirs")
    assert "1 returned library loans or closed requests" in services.purge_for_retention(False)
    call_command("purge_households", "--apply", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(LoanRequest.objects.values_list("pk", flat=True)) == {kept.pk, open_one.pk, others.pk}
    Household.objects.get(pk=household.pk).erase()
    assert list(LoanRequest.objects.values_list("pk", flat=True)) == [others.pk]


def test_ticks_on_the_stop_record_lend_the_picked_copy_and_take_back_a_loan_once(client, world):
    route, (household, neighbour) = _sheet_route(world)
    picked, out, theirs = _copy(world, "Dune"), _copy(world, "Emma"), _copy(world, "Uno")
    wish = _wish(world, household, title="Dune", copy=picked)
    loan, not_here = _lend(world, household, out), _lend(world, neighbour, theirs)
    stop = route.stops.get(household=household)
    url = reverse("deliveries:stop_record", args=[stop.pk])
    client.force_login(world.volunteer.user)
    page = client.get(url)
    assert_clean_page(page)
    assert texts_of(page.text, "library-bring") == ["Handed over: B-0001 Dune"]
    produce = stop.planned_items.get().category
    ticked = {"outcome": "delivered", f"category_{produce.pk}": "9", "library-handed": [wish.pk, "x", "9" * 40]}
    ticked["library-collected"] = [loan.pk, not_here.pk]
    page = client.post(url, ticked, follow=True)
    due = world.chapter.today() + datetime.timedelta(days=21)
    assert f"B-0001 handed over, due back {due:%Y-%m-%d}." in page.text
    assert "1 copy collected." in page.text
    client.post(url, ticked)
    assert list(Loan.objects.open().order_by("copy__number").values_list("copy__code", "household")) == [
        ("B-0001", household.pk),
        ("B-0003", neighbour.pk),
    ], "lent once, returned once, the neighbour's loan untouched"
    wish.refresh_from_db()
    assert wish.status == "fulfilled"


def test_ticks_keyed_in_from_paper_are_counted_once(client, world):
    from tests.deliveries.test_key_in import sheet

    route, (household, neighbour) = _sheet_route(world)
    wish = _wish(world, neighbour, kind="game", copy=_copy(world, "Uno", Copy.Kind.GAME))
    loan = _lend(world, household, _copy(world, "Emma"), days_ago=40)
    client.force_login(world.coordinator.user)
    url = reverse("deliveries:route_key_in", args=[route.pk])
    page = client.get(url)
    assert_clean_page(page)
    data = {**sheet(route, ["delivered", "delivered"]), "library-handed": [wish.pk], "library-collected": [loan.pk]}
    page = client.post(url, data, follow=True)
    assert "G-0001 handed over" in page.text
    assert "1 copy collected." in page.text
    client.post(url, data)
    assert list(Loan.objects.open().values_list("copy__code", "household")) == [("G-0001", neighbour.pk)]
    assert Loan.objects.count() == 2


def test_an_observing_member_on_the_route_sees_no_boxes_and_ticks_nothing(client, world):
    route, (household, _) = _sheet_route(world)
    route.helpers.add(world.observing.user)
    loan = _lend(world, household, _copy(world, "Emma"))
    stop = route.stops.get(household=household)
    client.force_login(world.observing.user)
    url = reverse("deliveries:stop_record", args=[stop.pk])
    assert 'name="library-collected"' not in client.get(url).text
    produce = stop.planned_items.get().category
    client.post(url, {"outcome": "delivered", f"category_{produce.pk}": "9", "library-collected": [loan.pk]})
    stop.refresh_from_db()
    assert stop.outcome == "delivered", "the stop is recorded: only the library's tick is not theirs"
    assert Loan.objects.open().get() == loan
