"""Two people for every outflow above the chapter's threshold: a second trusted member countersigns, never the one
who recorded it."""

from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from mimac.countersign import OWN_COUNTERSIGN
from money.models import MoneyEntry, MoneySettings
from tests.factories import PASSWORD
from tests.money.recording import spend

NEEDED = "Money going out is countersigned by a second trusted member: they type their username and password."
REFUSED = "A second trusted member of the chapter countersigns: check their username and password."


def _spend(client, world, books, **fields):
    """Fuel from the cash box, below the receipt threshold, as the volunteer records it."""
    client.force_login(world.volunteer.user)
    data = {"date": world.chapter.today(), "account": books.cash.pk, "amount": "20.00", "purpose": "fuel",
            "note": "Van", **fields}  # fmt: skip
    return client.post(reverse("money:record", args=["RIV", "spending"]), data)


def test_spending_is_countersigned_by_a_second_trusted_member(client, world, books):
    response = _spend(client, world, books, countersign_username="coordinator", countersign_password=PASSWORD)
    assert response.status_code == 302
    spending = MoneyEntry.objects.get(kind="spending")
    assert (spending.recorded_by, spending.countersigned_by, spending.amount) == (
        world.volunteer.user, world.coordinator.user, Decimal(20),
    )  # fmt: skip


def test_spending_without_a_countersign_is_refused_beside_the_field(client, world, books):
    response = _spend(client, world, books)
    assert response.context["form"].errors == {"countersign_username": [NEEDED]}
    assert not MoneyEntry.objects.filter(kind="spending").exists()


@pytest.mark.parametrize("password", [PASSWORD, "wrong-password"])
def test_the_recorder_is_told_plainly_that_they_cannot_countersign_their_own(client, world, books, password):
    response = _spend(client, world, books, countersign_username="volunteer", countersign_password=password)
    assert response.context["form"].errors == {"__all__": [OWN_COUNTERSIGN]}
    assert "You recorded this, so someone else countersigns it" in response.text
    assert not MoneyEntry.objects.filter(kind="spending").exists()
    assert not AccessAttempt.objects.exists(), "no password was tried"


@pytest.mark.parametrize(
    ("username", "password"),
    [("coordinator", "wrong-password"), ("newcomer", PASSWORD), ("coordinator2", PASSWORD), ("nobody", PASSWORD)],
    ids=["wrong password", "observing member", "another chapter's coordinator", "no such account"],
)
def test_only_a_trusted_member_of_the_chapter_countersigns_and_the_answer_tells_no_password(
    client, world, books, username, password
):
    response = _spend(client, world, books, countersign_username=username, countersign_password=password)
    assert response.context["form"].errors == {"__all__": [REFUSED]}
    assert not MoneyEntry.objects.filter(kind="spending").exists()


def test_an_auditor_may_countersign_being_a_trusted_member(client, world, books):
    _spend(client, world, books, countersign_username="auditor", countersign_password=PASSWORD)
    assert MoneyEntry.objects.get(kind="spending").countersigned_by == world.auditor.user


def test_below_the_chapters_threshold_one_person_may_spend_and_a_countersign_offered_still_counts(client, world, books):
    MoneySettings.objects.filter(chapter=world.chapter).update(countersign_above=Decimal(20))
    _spend(client, world, books)
    assert MoneyEntry.objects.get(kind="spending").countersigned_by is None
    _spend(client, world, books, countersign_username="coordinator", countersign_password=PASSWORD)
    assert MoneyEntry.objects.filter(kind="spending", countersigned_by=world.coordinator.user).count() == 1
    response = _spend(client, world, books, amount="20.01")
    assert response.context["form"].errors["countersign_username"] == [
        "Money going out above 20.00 USD is countersigned by a second trusted member: they type their username "
        "and password."
    ]


def test_a_transfer_is_money_going_out_and_is_countersigned_too(client, world, books):
    client.force_login(world.coordinator.user)
    data = {"date": world.chapter.today(), "account": books.cash.pk, "destination": books.bank.pk, "amount": "50"}
    response = client.post(reverse("money:transfer", args=["RIV"]), data)
    assert response.context["form"].errors == {"countersign_username": [NEEDED]}
    assert not MoneyEntry.objects.filter(kind="transfer").exists()


def test_money_coming_in_needs_no_countersign_and_the_form_asks_for_none(client, world, books):
    client.force_login(world.volunteer.user)
    page = client.get(reverse("money:record", args=["RIV", "dues"]))
    assert "countersign_username" not in page.context["form"].fields
    data = {"date": world.chapter.today(), "account": books.cash.pk, "amount": "10", "member": world.volunteer.user.pk}
    client.post(reverse("money:record", args=["RIV", "dues"]), data)
    assert MoneyEntry.objects.get(kind="dues").countersigned_by is None


def test_a_correction_of_money_going_out_is_countersigned_again_unless_it_is_brought_to_nothing(client, world, books):
    spending = spend(world, books.cash, "20.00")
    client.force_login(world.coordinator.user)
    url = reverse("money:entry", args=[spending.pk])
    response = client.post(url, {"amount": "22", "reason": "the till said 22"})
    assert response.context["form"].errors == {"countersign_username": [NEEDED]}
    response = client.post(url, {"amount": "22", "reason": "the till said 22", "countersign_username": "coordinator",
                                 "countersign_password": PASSWORD})  # fmt: skip
    assert response.context["form"].errors == {"__all__": [OWN_COUNTERSIGN]}, "the corrector is its recorder"
    client.post(url, {"amount": "22", "reason": "the till said 22", "countersign_username": "volunteer",
                      "countersign_password": PASSWORD})  # fmt: skip
    correction = spending.correction
    assert (correction.amount, correction.recorded_by, correction.countersigned_by) == (
        Decimal(22), world.coordinator.user, world.volunteer.user,
    )  # fmt: skip
    client.post(reverse("money:entry", args=[correction.pk]), {"amount": "0", "reason": "never bought"})
    assert (correction.correction.amount, correction.correction.countersigned_by) == (0, None)


def test_the_rules_and_the_database_refuse_a_row_countersigned_by_its_recorder(world, books):
    with pytest.raises(ValidationError) as refusal:
        spend(world, books.cash, "10.00", by=world.coordinator.user, countersigned_by=world.coordinator.user)
    assert refusal.value.message_dict == {"countersigned_by": [str(OWN_COUNTERSIGN)]}
    unchecked = MoneyEntry(account=books.cash, kind="spending", direction="out", purpose="fuel", amount=10,
                           date=world.chapter.today(), recorded_by=world.coordinator.user,
                           countersigned_by=world.coordinator.user)  # fmt: skip
    with pytest.raises(IntegrityError, match="money_entry_not_countersigned_by_recorder"):
        unchecked.save()  # past every check but the database's own


def test_the_rules_refuse_a_countersigner_who_is_not_trusted(world, books):
    with pytest.raises(ValidationError, match="Newcomer is not a trusted member of Riverside Mutual Aid"):
        spend(world, books.cash, "10.00", countersigned_by=world.observing.user)
