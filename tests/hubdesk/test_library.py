"""The library: copies numbered per chapter, lending and returns at the hub desk, and loans forgotten on time."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hubdesk import library_services as services
from hubdesk.models import Copy, LibrarySettings, Loan
from recipients.models import Household
from tests.factories import make_household, make_hub
from tests.pages import assert_clean_page


def make_copy(hub, title="The Hobbit", kind=Copy.Kind.BOOK, **fields):
    return services.add_copy(hub=hub, copy=Copy(title=title, kind=kind, **fields))


@pytest.fixture
def lending(client, world):
    client.force_login(world.volunteer.user)
    return reverse("hubdesk:lending", args=[world.hub.pk])


def _lend(client, url, household, *codes):
    return client.post(url, {"lend-household_code": household, "lend-copy_codes": " ".join(codes)}, follow=True)


def _return(client, url, *codes):
    return client.post(url, {"return-copy_codes": " ".join(codes)}, follow=True)


def _errors(response) -> str:
    forms = [response.context[name] for name in ("lend_form", "return_form")]
    return " ".join(error for form in forms for errors in form.errors.values() for error in errors)


def test_copies_are_numbered_per_chapter_and_keep_their_code_when_their_kind_changes(world):
    first, game = make_copy(world.hub), make_copy(world.hub, "Uno", Copy.Kind.GAME)
    elsewhere = make_copy(world.other_hub)
    assert (first.code, game.code, elsewhere.code) == ("B-0001", "G-0002", "B-0001")
    first.kind = Copy.Kind.OTHER
    first.save()
    first.refresh_from_db()
    assert first.code == "B-0001"
    assert Copy.objects.by_code(world.chapter, "b1") == first
    assert Copy.objects.by_code(world.chapter, "G-0002") == game


def test_two_copies_are_lent_by_household_code_and_returned_by_copy_code_counted_once(client, world, lending):
    household = make_household(world.chapter)
    hobbit, atlas = make_copy(world.hub), make_copy(world.hub, "Atlas")
    assert_clean_page(client.get(lending))
    page = _lend(client, lending, household.code.lower(), "b-0001", "B2", "B-0001")
    due = world.chapter.today() + datetime.timedelta(days=21)
    assert f"Lent to {household.code}: B-0001, B-0002, due back {due.isoformat()}." in page.text
    assert Loan.objects.open().filter(household=household, due_on=due).count() == 2
    page = _return(client, lending, "B-0001")
    assert "1 copy returned." in page.text
    assert Loan.objects.get(copy=hobbit).returned_on == world.chapter.today()
    assert Loan.objects.open().get().copy == atlas
    page = _return(client, lending, "B-0001")  # returned twice
    assert "1 copy was not out" in page.text
    assert "returned." not in page.text
    assert Loan.objects.filter(copy=hobbit).count() == 1


def test_a_copy_lent_already_is_refused_and_nothing_is_lent(client, world, lending):
    first, second = make_household(world.chapter), make_household(world.chapter, "Ben")
    make_copy(world.hub), make_copy(world.hub, "Atlas")
    _lend(client, lending, first.code, "B-0001")
    page = _lend(client, lending, second.code, "B-0002", "B-0001")
    assert "B-0001 is lent already, due back" in _errors(page)
    assert Loan.objects.count() == 1
    assert 'value="B-0002 B-0001"' in page.text, "the input is kept"


def test_the_database_holds_one_open_loan_per_copy_and_lending_checks_again_under_a_lock(world):
    household, copy = make_household(world.chapter), make_copy(world.hub)
    services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[copy])
    with pytest.raises(services.LentMeanwhile):
        services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[copy])
    today = world.chapter.today()
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            copy=copy, household=household, hub=world.hub, lent_on=today, due_on=today, lent_by=world.volunteer.user
        )
    assert Loan.objects.count() == 1


def test_a_coordinator_sets_the_loan_period_and_lending_follows_it(client, world):
    client.force_login(world.coordinator.user)
    url = reverse("hubdesk:library_settings", args=[world.hub.pk])
    assert_clean_page(client.get(url))
    assert client.post(url, {"loan_days": "400", "forget_after_days": "30", "version": "0"}).status_code == 200
    assert client.post(url, {"loan_days": "14", "forget_after_days": "0", "version": "0"}).status_code == 302
    make_copy(world.hub)
    lending = reverse("hubdesk:lending", args=[world.hub.pk])
    _lend(client, lending, make_household(world.chapter).code, "B-0001")
    assert Loan.objects.get().due_on == world.chapter.today() + datetime.timedelta(days=14)


def test_a_paused_household_is_not_lent_to(client, world, lending):
    household = make_household(world.chapter, status=Household.Status.PAUSED)
    make_copy(world.hub)
    page = _lend(client, lending, household.code, "B-0001")
    assert f"{household.code} is paused: the library lends to active households." in _errors(page)
    assert not Loan.objects.exists()


@pytest.mark.parametrize("code", ["B-0099", "B-0002", "XYZ", "B-00000000000001"])
def test_an_unknown_code_or_another_chapters_copy_is_not_found_and_the_input_is_kept(client, world, lending, code):
    household = make_household(world.chapter)
    make_copy(world.hub)
    make_copy(world.other_hub), make_copy(world.other_hub, "Dune")  # Northgate has a B-0002
    page = _lend(client, lending, household.code, "B-0001", code)
    assert f"No copy {code.upper()} in this chapter's library." in _errors(page)
    assert Loan.objects.count() == 0
    assert f'value="B-0001 {code}"' in page.text
    page = _return(client, lending, code)
    assert f"No copy {code.upper()} in this chapter's library." in _errors(page)


def test_a_withdrawn_copy_is_not_lent_but_an_open_loan_of_it_comes_back(client, world, lending):
    household = make_household(world.chapter)
    copy = make_copy(world.hub)
    _lend(client, lending, household.code, "B-0001")
    services.set_withdrawn(copy=copy, withdrawn=True)
    assert "1 copy returned." in _return(client, lending, "B-0001").text
    page = _lend(client, lending, household.code, "B-0001")
    assert "B-0001 is withdrawn from the library." in _errors(page)
    assert Loan.objects.open().count() == 0


@pytest.mark.parametrize("code", ["RIV-0999", "NGF-0001"])
def test_an_unknown_or_other_chapters_household_is_refused(client, world, lending, code):
    make_household(world.other_chapter)
    make_copy(world.hub)
    page = _lend(client, lending, code, "B-0001")
    assert f"No household {code} in {world.chapter.name}." in _errors(page)
    assert Loan.objects.count() == 0


def _returned_days_ago(world, household, days: int) -> Loan:
    copy = make_copy(world.hub, f"Returned {days} days ago")
    today = world.chapter.today()
    return Loan.objects.create(
        copy=copy, household=household, hub=world.hub, lent_on=today - datetime.timedelta(days=days + 5),
        due_on=today, returned_on=today - datetime.timedelta(days=days), lent_by=world.volunteer.user,
    )  # fmt: skip


def test_returned_loans_are_deleted_by_the_retention_purge_on_time(world):
    household = make_household(world.chapter)
    due, kept = _returned_days_ago(world, household, 30), _returned_days_ago(world, household, 29)
    services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[make_copy(world.hub)])
    assert "Would erase (dry run; add --apply): 1 returned library loans" in services.purge_for_retention(False)
    assert Loan.objects.filter(pk=due.pk).exists()
    call_command("purge_households", "--apply", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Loan.objects.filter(pk=due.pk).exists(), "the row is gone, not hidden"
    assert set(Loan.objects.values_list("pk", flat=True)) == {kept.pk, Loan.objects.open().get().pk}


def test_a_chapter_that_forgets_at_once_deletes_the_loan_at_its_return(client, world, lending):
    LibrarySettings.objects.create(chapter=world.chapter, forget_after_days=0)
    make_copy(world.hub)
    _lend(client, lending, make_household(world.chapter).code, "B-0001")
    assert "1 copy returned." in _return(client, lending, "B-0001").text
    assert Loan.objects.count() == 0


def test_erasing_a_household_deletes_its_loans_open_or_returned(world):
    household, other = make_household(world.chapter), make_household(world.chapter, "Ben")
    _returned_days_ago(world, household, 2)
    services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[make_copy(world.hub)])
    services.lend(hub=world.hub, by=world.volunteer.user, household=other, copies=[make_copy(world.hub)])
    Household.objects.get(pk=household.pk).erase()
    assert list(Loan.objects.values_list("household", flat=True)) == [other.pk]


def test_the_household_page_shows_open_loans_only(client, world):
    household = make_household(world.chapter)
    _returned_days_ago(world, household, 2)
    services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[make_copy(world.hub, "Dune")])
    client.force_login(world.coordinator.user)
    page = client.get(reverse("recipients:household_detail", args=[household.pk]))
    assert "Dune" in page.text
    assert "Returned 2 days ago" not in page.text


def test_the_catalogue_searches_its_own_hub_and_says_whether_a_copy_is_out_never_to_whom(client, world):
    household = make_household(world.chapter, "Zelda Quux")
    services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[make_copy(world.hub, "Dune")])
    make_copy(world.hub, "Uno", Copy.Kind.GAME, language="es")
    make_copy(make_hub(world.chapter, "Mill Road"), "Elsewhere")
    make_copy(world.other_hub, "Northgate's")
    client.force_login(world.volunteer.user)
    url = reverse("hubdesk:library", args=[world.hub.pk])
    page = client.get(url)
    assert_clean_page(page)
    assert [copy.title for copy in page.context["page"]] == ["Dune", "Uno"]
    assert "lent" in page.text
    assert household.code not in page.text
    assert "Zelda" not in page.text
    assert [c.title for c in client.get(url, {"kind": "game"}).context["page"]] == ["Uno"]
    assert [c.title for c in client.get(url, {"language": "es"}).context["page"]] == ["Uno"]
    assert [c.title for c in client.get(url, {"q": "dun"}).context["page"]] == ["Dune"]
    assert [c.title for c in client.get(url, {"q": "G-0002"}).context["page"]] == ["Uno"]


def test_a_coordinator_adds_edits_and_withdraws_a_copy_and_prints_its_label(client, world):
    client.force_login(world.coordinator.user)
    add = reverse("hubdesk:copy_add", args=[world.hub.pk])
    assert_clean_page(client.get(add))
    matilda = {"title": "Matilda", "kind": "childrens-book", "age_group": "6-11", "condition": "good"}
    page = client.post(add, matilda, follow=True)
    assert "Added C-0001" in page.text
    copy = Copy.objects.get()
    edit = reverse("hubdesk:copy_edit", args=[copy.pk])
    assert_clean_page(client.get(edit))
    client.post(edit, {**matilda, "title": "Matilda (Dahl)", "kind": "book", "language": "en", "condition": "worn"})
    client.post(reverse("hubdesk:copy_withdraw", args=[copy.pk]))
    copy.refresh_from_db()
    assert (copy.title, copy.code, copy.withdrawn_on) == ("Matilda (Dahl)", "C-0001", world.chapter.today())
    labels = client.get(reverse("hubdesk:library_labels", args=[world.hub.pk]), {"copy": [copy.pk, "x"]})
    assert "C-0001" in labels.text
    assert "Matilda" in labels.text
    booklet = client.get(reverse("hubdesk:library_booklet", args=[world.hub.pk]))
    assert "Matilda" not in booklet.text, "a withdrawn copy is not offered"


def test_a_volunteer_may_see_the_catalogue_but_not_change_it(client, world):
    copy = make_copy(world.hub)
    client.force_login(world.volunteer.user)
    assert client.post(reverse("hubdesk:copy_edit", args=[copy.pk]), {"title": "X"}).status_code == 403
    assert client.post(reverse("hubdesk:copy_withdraw", args=[copy.pk])).status_code == 403
    assert client.post(reverse("hubdesk:copy_add", args=[world.hub.pk]), {"title": "X"}).status_code == 403
    assert Copy.objects.get().title == "The Hobbit"


def _overdue(world, household, copy) -> Loan:
    today = world.chapter.today()
    return Loan.objects.create(
        copy=copy, household=household, hub=world.hub, lent_on=today - datetime.timedelta(days=30),
        due_on=today - datetime.timedelta(days=9), lent_by=world.volunteer.user,
    )  # fmt: skip


def test_the_overdue_list_shows_codes_only_and_never_fines(client, world):
    household = make_household(world.chapter, "Zelda Quux")
    _overdue(world, household, make_copy(world.hub, "Long gone"))
    services.lend(hub=world.hub, by=world.volunteer.user, household=household, copies=[make_copy(world.hub, "Not due")])
    client.force_login(world.volunteer.user)
    page = client.get(reverse("hubdesk:library_overdue", args=[world.hub.pk]))
    assert household.code in page.text
    assert "Long gone" in page.text
    assert "Not due" not in page.text
    assert "Zelda" not in page.text
    assert "never fines" in page.text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["hubdesk:library", "hubdesk:library_overdue", "hubdesk:library_booklet"])
def test_library_pages_read_the_same_number_of_queries_for_3_or_30_copies(client, world, name):
    client.force_login(world.volunteer.user)
    url = reverse(name, args=[world.hub.pk])
    counts = []
    for _size in (3, 30):
        while Copy.objects.filter(hub=world.hub).count() < _size:
            copy = make_copy(world.hub)
            _overdue(world, make_household(world.chapter), copy)
        counts.append(_queries(client, url))
    assert counts[0] == counts[1]


def test_text_at_the_columns_limits_is_stored_and_one_more_character_is_refused(client, world):
    """Run on PostgreSQL too, where a longer value would be a database error rather than silently kept."""
    client.force_login(world.coordinator.user)
    add = reverse("hubdesk:copy_add", args=[world.hub.pk])
    copy = {"kind": "book", "age_group": "all", "condition": "good"}
    assert client.post(add, {**copy, "title": "\u05d0" * 201}).status_code == 200
    assert client.post(add, {**copy, "title": "\u05d0" * 200}).status_code == 302
    assert Copy.objects.get().title == "\u05d0" * 200
    found = client.get(reverse("hubdesk:library", args=[world.hub.pk]), {"q": "x" * 5000, "kind": "\x00"})
    assert found.status_code == 200
    assert found.context["search"].errors


@pytest.mark.parametrize(
    "typed", ["x" * 401, " ".join(f"B-{n}" for n in range(1, 23)), "\x00", "B-0001\u202e", "' OR 1=1 --", "9" * 30]
)
def test_hostile_codes_at_the_desk_are_refused_without_harm(client, world, lending, typed):
    make_copy(world.hub)
    household = make_household(world.chapter)
    for household_code in (household.code, "R" * 21, "\x00"):
        page = _lend(client, lending, household_code, typed)
        assert page.status_code == 200
        assert _errors(page)
        assert _return(client, lending, typed).status_code == 200
    assert Loan.objects.count() == 0
