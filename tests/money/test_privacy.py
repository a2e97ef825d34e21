"""Who sees which names: a donor's name appears nowhere but where the donor asked, and only until it is erased; a
member's dues are seen by that member, the chapter's coordinators and auditors."""

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from ledger import verification
from money.models import MoneyEntry
from tests.factories import make_member
from tests.money.recording import take_in
from tests.pages import without_bdi

NAME = "Zelda Quartermaine"
DONATION = {"account": None, "amount": "75.00", "donor_name": NAME, "note": "At the Saturday market"}


def _give(client, world, books, named_to):
    client.force_login(world.volunteer.user)
    data = {**DONATION, "account": books.bank.pk, "date": world.chapter.today(), "donor_named_to": named_to}
    return client.post(reverse("money:record", args=["RIV", "donation"]), data)


def _pages(world, gift) -> dict[str, str]:
    return {
        "money page": reverse("money:home", args=["RIV"]),
        "rows": reverse("money:rows", args=["RIV"]),
        "row": reverse("money:entry", args=[gift.pk]),
        "csv": reverse("money:rows", args=["RIV"]) + "?csv=1",
        "statement": reverse("money:statement", args=["RIV"]),
        "ledger row": reverse("ledger:entry", args=["moneyentry", gift.pk]),
        "audit rows": reverse("audit:rows") + "?what=money",
        "audit csv": reverse("audit:home") + f"?csv=money&start={gift.date}&end={gift.date}",
    }


def _where_named(client, world, gift) -> dict[str, set[str]]:
    """For each page, who of the chapter finds the donor's name on it."""
    found = {}
    for username in ("volunteer", "newcomer", "coordinator", "auditor"):
        client.force_login(getattr(world, {"newcomer": "observing"}.get(username, username)).user)
        for page, url in _pages(world, gift).items():
            response = client.get(url)
            if response.status_code == 200 and NAME in response.content.decode():
                found.setdefault(page, set()).add(username)
    return found


def test_an_anonymous_donation_keeps_no_name_and_a_name_typed_for_it_is_refused(client, world, books):
    response = _give(client, world, books, "nobody")
    assert response.context["form"].errors == {
        "donor_name": [
            "An anonymous donation keeps no name: clear the name, or choose how the donor asked to be named."
        ]
    }
    assert not MoneyEntry.objects.filter(kind="donation").exists()
    client.post(reverse("money:record", args=["RIV", "donation"]), {**DONATION, "account": books.bank.pk,
                "date": world.chapter.today(), "donor_named_to": "nobody", "donor_name": ""})  # fmt: skip
    gift = MoneyEntry.objects.get(kind="donation")
    assert (gift.donor_name, gift.donor_named_to) == ("", "nobody")
    client.force_login(world.coordinator.user)
    assert client.get(reverse("money:entry", args=[gift.pk])).context["row"]["who"] == "anonymous"


def test_a_donor_named_to_coordinators_is_named_to_coordinators_and_auditors_and_nowhere_else(client, world, books):
    _give(client, world, books, "coordinators")
    gift = MoneyEntry.objects.get(kind="donation")
    assert _where_named(client, world, gift) == {
        "rows": {"coordinator", "auditor"},
        "row": {"coordinator", "auditor"},
        "csv": {"coordinator", "auditor"},
        "audit rows": {"coordinator", "auditor"},
        "audit csv": {"coordinator", "auditor"},
    }


def test_a_donor_named_to_every_member_is_never_printed_on_the_statement(client, world, books):
    _give(client, world, books, "members")
    gift = MoneyEntry.objects.get(kind="donation")
    everyone = {"volunteer", "newcomer", "coordinator", "auditor"}
    assert _where_named(client, world, gift) == {
        "rows": everyone,
        "row": everyone,
        "csv": everyone,
        "audit rows": {"coordinator", "auditor"},
        "audit csv": {"coordinator", "auditor"},
    }


def _text_columns_holding(text: str) -> list[str]:
    """Every text column of every table of the project's apps in which some row holds `text`."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            text_column = isinstance(field, models.CharField | models.TextField)
            if text_column and model._base_manager.filter(**{f"{field.name}__contains": text}).exists():
                found.append(f"{model._meta.db_table}.{field.column}")
    return found


def test_the_donors_name_is_kept_in_one_column_of_one_row_and_erased_leaves_the_chain_whole(client, world, books):
    _give(client, world, books, "coordinators")
    gift = MoneyEntry.objects.get(kind="donation")
    for page in _pages(world, gift).values():  # read and downloaded by everyone who may: nothing is written down
        for member in (world.volunteer, world.coordinator, world.auditor):
            client.force_login(member.user)
            client.get(page)
    assert _text_columns_holding(NAME) == ["money_moneyentry.donor_name"]
    assert MoneyEntry.objects.filter(donor_name=NAME).count() == 1
    client.force_login(world.volunteer.user)
    assert client.post(reverse("money:erase_donor", args=[gift.pk])).status_code == 403
    client.force_login(world.coordinator.user)
    response = client.post(reverse("money:erase_donor", args=[gift.pk]), follow=True)
    assert "The donor&#x27;s name is erased. The donation stays, anonymous." in response.text
    assert _text_columns_holding(NAME) == []
    gift.refresh_from_db()
    assert (gift.amount, gift.donor_named_to) == (Decimal(75), "coordinators")
    assert response.context["row"]["who"] == "a named donor, name erased"
    assert verification.verify(world.chapter).ok


def test_erasing_a_corrected_donation_erases_the_name_on_every_row_of_its_history(client, world, books):
    _give(client, world, books, "members")
    gift = MoneyEntry.objects.get(kind="donation")
    client.force_login(world.coordinator.user)
    client.post(reverse("money:entry", args=[gift.pk]), {"amount": "57", "reason": "one note was a 2"})
    assert MoneyEntry.objects.filter(donor_name=NAME).count() == 2, "a correction repeats the row"
    client.post(reverse("money:erase_donor", args=[gift.correction.pk]))
    assert not MoneyEntry.objects.filter(donor_name=NAME).exists()


def test_the_retention_purge_erases_donors_names_after_the_retention(world, books, settings):
    settings.DONOR_NAME_RETENTION_MONTHS = 12
    today = world.chapter.today()
    old = take_in(world, books.bank, "20", on=today - datetime.timedelta(days=400), donor_named_to="members",
                  donor_name="Old Friend")  # fmt: skip
    recent = take_in(world, books.bank, "20", on=today - datetime.timedelta(days=30), donor_named_to="members",
                     donor_name="New Friend")  # fmt: skip
    dry = io.StringIO()
    call_command("purge_households", stdout=dry)
    assert "Would erase (dry run; add --apply): 1 donors' names" in dry.getvalue()
    assert MoneyEntry.objects.get(pk=old.pk).donor_name == "Old Friend"
    call_command("purge_households", apply=True, stdout=io.StringIO())
    assert (MoneyEntry.objects.get(pk=old.pk).donor_name, MoneyEntry.objects.get(pk=recent.pk).donor_name) == (
        "", "New Friend",
    )  # fmt: skip
    assert verification.verify(world.chapter).ok


@pytest.fixture
def dues(world, books):
    """The volunteer's own dues, and another volunteer's."""
    other = make_member(world.chapter, "otto", first_name="Otto")
    take_in(world, books.cash, "10", kind="dues", member=world.volunteer.user, by=world.coordinator.user)
    take_in(world, books.cash, "15", kind="dues", member=other.user, by=world.coordinator.user)
    return other


def test_a_members_dues_are_seen_by_that_member_coordinators_and_auditors(client, world, dues):
    rows = reverse("money:rows", args=["RIV"])
    seen = {}
    for member in (world.volunteer, world.observing, world.coordinator, world.auditor, dues):
        client.force_login(member.user)
        seen[member.user.username] = sorted(
            without_bdi(str(row["who"])) for row in client.get(rows, {"kind": "dues"}).context["rows"]
        )
    assert seen == {
        "volunteer": ["Volunteer", "a member"],
        "newcomer": ["a member", "a member"],
        "coordinator": ["Otto", "Volunteer"],
        "auditor": ["Otto", "Volunteer"],
        "otto": ["Otto", "a member"],
    }


def test_a_member_may_list_their_own_dues_and_no_one_elses(client, world, dues):
    rows = reverse("money:rows", args=["RIV"])
    client.force_login(world.volunteer.user)
    own = client.get(rows, {"kind": "dues", "member": world.volunteer.user.pk})
    assert [row["came_in"] for row in own.context["rows"]] == [Decimal(10)]
    assert client.get(rows, {"kind": "dues", "member": dues.user.pk}).status_code == 403
    client.force_login(world.auditor.user)
    assert client.get(rows, {"kind": "dues", "member": dues.user.pk}).context["came_in"] == Decimal(15)


def test_the_member_page_shows_dues_to_the_member_coordinators_and_auditors(client, world, dues):
    page = reverse("member_detail", args=[dues.pk])
    shown = {}
    for member in (world.volunteer, world.coordinator, world.auditor, dues):
        client.force_login(member.user)
        shown[member.user.username] = "This year: 15.00 USD." in without_bdi(client.get(page).text)
    assert shown == {"volunteer": False, "coordinator": True, "auditor": True, "otto": True}


def test_another_chapters_money_is_not_there_for_a_member_of_this_one(client, world, books):
    take_in(world, books.cash, "33.33")
    client.force_login(world.other_coordinator.user)
    assert client.get(reverse("money:home", args=["RIV"])).status_code == 404
    assert client.get(reverse("money:entry", args=[MoneyEntry.objects.last().pk])).status_code == 404
    page = client.get(reverse("money:home", args=["NGF"]))
    assert page.context["report"].held == 0
    assert "33.33" not in page.text
