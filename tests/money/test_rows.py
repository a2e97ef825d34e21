"""Money rows are ledger rows: in the chapter's one chain with its food, verified, never changed, corrected by new
rows; transfers are two linked rows; and what is typed wrong is refused with a clear message, nothing saved."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from hubdesk import services as hubdesk_services
from ledger import verification
from ledger.models import LedgerHead, LedgerIsAppendOnly
from mimac.models import Category
from money import services
from money.models import CashCount, MoneyEntry, MoneySettings
from money.queries import holdings
from tests.ledger.tampering import triggers_off
from tests.money.recording import days_ago, spend, take_in
from tests.pages import without_bdi


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def test_money_rows_join_the_chapters_one_chain_with_its_food_and_verify(world, books):
    produce = Category.objects.get(code="produce")
    take_in(world, books.cash, "12.50", kind="dues", member=world.volunteer.user)
    hubdesk_services.record_handout(hub=world.hub, by=world.volunteer.user, date=world.chapter.today(),
                                    lines=[(produce, 3)])  # fmt: skip
    spend(world, books.cash, "20.00", purpose="supplies")
    services.transfer(source=books.cash, destination=books.bank, by=world.coordinator.user, amount=Decimal(50),
                      date=world.chapter.today(), countersigned_by=world.volunteer.user)  # fmt: skip
    services.count_cash(account=books.cash, by=world.volunteer.user, date=world.chapter.today(), amount=Decimal(142),
                        counted_by=world.coordinator.user)  # fmt: skip
    verdict = verification.verify(world.chapter)
    assert verdict.ok, verdict.problem
    head = LedgerHead.objects.get(chapter=world.chapter)
    sequences = sorted([*MoneyEntry.objects.values_list("sequence", flat=True),
                        *CashCount.objects.values_list("sequence", flat=True)])  # fmt: skip
    assert len(sequences) == 7, "two balances brought forward, dues, spending, a transfer's two halves and a count"
    assert head.sequence == verdict.rows == 9, "and a handout with its line, in the same chain"
    assert verification.verify(world.other_chapter).rows == 0


@pytest.mark.parametrize("model", [MoneyEntry, CashCount])
def test_an_amount_changed_in_the_database_is_named_by_verify_ledger(world, books, model):
    spending = spend(world, books.cash, "24.00", purpose="supplies")
    count = services.count_cash(account=books.cash, by=world.volunteer.user, date=world.chapter.today(),
                                amount=Decimal(176), counted_by=world.coordinator.user)  # fmt: skip
    victim = spending if model is MoneyEntry else count
    with triggers_off(model), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(model)} SET amount = amount - 20 WHERE id = %s", [victim.pk])
    verdict = verification.verify(world.chapter)
    assert verdict.problem == (
        f"{model.chain_label} #{victim.pk} (sequence {victim.sequence}) does not match its hash: "
        "changed, or inserted, in the database."
    )
    with pytest.raises(CommandError, match="broken in RIV"):
        call_command("verify_ledger", stdout=io.StringIO())


def _refused(sql: str, params) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError as refusal:
        return "ledger rows are never changed or deleted" in str(refusal)
    return False


def test_the_database_refuses_to_change_an_amount_and_lets_a_donors_name_only_be_blanked(world, books):
    gift = take_in(world, books.bank, "80.00", donor_named_to="members", donor_name="Rosa's Bakery")
    table = _table(MoneyEntry)
    assert _refused(f"UPDATE {table} SET amount = 8 WHERE id = %s", [gift.pk])
    assert _refused(f"UPDATE {table} SET donor_name = 'Someone Else' WHERE id = %s", [gift.pk])
    assert _refused(f"UPDATE {table} SET donor_named_to = 'nobody', donor_name = '' WHERE id = %s", [gift.pk])
    assert _refused(f"DELETE FROM {table} WHERE id = %s", [gift.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET donor_name = '' WHERE id = %s", [gift.pk])
    gift.refresh_from_db()
    assert (gift.donor_name, gift.donor_named_to, gift.amount) == ("", "members", Decimal(80))
    assert verification.verify(world.chapter).ok, "the name is outside the hash"


def test_the_models_refuse_to_change_or_delete_a_money_row(world, books):
    row = MoneyEntry.objects.first()
    for attempt in (row.save, row.delete, MoneyEntry.objects.filter(pk=row.pk).delete):
        with pytest.raises(LedgerIsAppendOnly):
            attempt()
    with pytest.raises(LedgerIsAppendOnly):
        MoneyEntry.objects.filter(pk=row.pk).update(amount=1)


def test_a_transfer_is_two_linked_rows_that_move_money_and_are_neither_in_nor_out(client, world, books):
    client.force_login(world.coordinator.user)
    data = {"date": world.chapter.today(), "account": books.cash.pk, "destination": books.bank.pk, "amount": "150",
            "note": "Taken to the credit union", "countersign_username": "volunteer",
            "countersign_password": "a-long-test-password"}  # fmt: skip
    response = client.post(reverse("money:transfer", args=["RIV"]), data, follow=True)
    assert "Recorded: 150.00 USD moved from Cash box to Credit union." in response.text
    out, into = MoneyEntry.objects.get(direction="out"), MoneyEntry.objects.get(kind="transfer", direction="in")
    assert (into.pair, out.paired, out.countersigned_by, into.countersigned_by) == (
        out, into, world.volunteer.user, None,
    )  # fmt: skip
    held = {holding.account.name: holding.held for holding in holdings(world.chapter, world.chapter.today())}
    assert held == {"Cash box": Decimal(50), "Credit union": Decimal(1150)}
    page = client.get(reverse("money:home", args=["RIV"]))
    assert page.context["totals"]["out_month"] == 0, "a transfer is not money out of the chapter"


def test_moving_money_into_the_account_it_comes_from_is_refused(client, world, books):
    client.force_login(world.coordinator.user)
    data = {"date": world.chapter.today(), "account": books.cash.pk, "destination": books.cash.pk, "amount": "10"}
    response = client.post(reverse("money:transfer", args=["RIV"]), data)
    assert response.context["form"].errors["destination"] == [
        "Money moves between two accounts: choose another one to move it into."
    ]
    assert not MoneyEntry.objects.filter(kind="transfer").exists()


def test_a_correction_is_a_new_row_beside_the_old_and_the_newest_counts(client, world, books):
    gift = take_in(world, books.cash, "40.00")
    client.force_login(world.coordinator.user)
    response = client.post(reverse("money:entry", args=[gift.pk]), {"amount": "4.00", "reason": "a slip: 4, not 40"},
                           follow=True)  # fmt: skip
    correction = gift.correction
    assert (correction.amount, correction.recorded_by, correction.kind, correction.date) == (
        Decimal(4), world.coordinator.user, "donation", gift.date,
    )  # fmt: skip
    assert MoneyEntry.objects.filter(pk=gift.pk, amount=40).exists(), "the row as first written stays"
    assert "<s>40.00 USD</s>" in without_bdi(response.text)
    assert "a slip: 4, not 40" in response.text
    held = {holding.account.name: holding.held for holding in holdings(world.chapter, world.chapter.today())}
    assert held["Cash box"] == Decimal(204)
    assert verification.verify(world.chapter).ok


def test_correcting_either_half_of_a_transfer_corrects_both(client, world, books):
    out, into = services.transfer(source=books.cash, destination=books.bank, by=world.coordinator.user,
                                  amount=Decimal(100), date=world.chapter.today(),
                                  countersigned_by=world.volunteer.user)  # fmt: skip
    client.force_login(world.coordinator.user)
    data = {"amount": "60", "reason": "counted again at the bank", "countersign_username": "auditor",
            "countersign_password": "a-long-test-password"}  # fmt: skip
    client.post(reverse("money:entry", args=[into.pk]), data)
    new_out, new_into = out.correction, into.correction
    assert (new_out.amount, new_into.amount, new_into.pair, new_out.countersigned_by) == (
        Decimal(60), Decimal(60), new_out, world.auditor.user,
    )  # fmt: skip
    held = {holding.account.name: holding.held for holding in holdings(world.chapter, world.chapter.today())}
    assert held == {"Cash box": Decimal(140), "Credit union": Decimal(1060)}


def test_a_volunteer_corrects_the_rows_they_recorded_and_an_auditor_none(client, world, books):
    theirs, others = take_in(world, books.cash, "10"), take_in(world, books.cash, "10", by=world.coordinator.user)
    client.force_login(world.volunteer.user)
    assert "Correct it" in client.get(reverse("money:entry", args=[theirs.pk])).text
    assert "Correct it" not in client.get(reverse("money:entry", args=[others.pk])).text
    assert client.post(reverse("money:entry", args=[others.pk]), {"amount": "1", "reason": "x"}).status_code == 403
    client.force_login(world.auditor.user)
    assert client.post(reverse("money:entry", args=[theirs.pk]), {"amount": "1", "reason": "x"}).status_code == 403
    assert not MoneyEntry.objects.filter(corrects__isnull=False).exists()


NEGATIVE = (
    "Enter the amount without a minus sign: money going out is recorded as spending or a transfer, and a mistake is "
    "corrected on its row."
)
BAD_INPUT = {
    "negative": ({"amount": "-5"}, "amount", NEGATIVE),
    "three decimals": ({"amount": "12.345"}, "amount", "Amounts have at most two decimal places (cents)."),
    "nothing": ({"amount": "0"}, "amount", "Enter an amount above zero."),
    "not a number": ({"amount": "twelve"}, "amount", "Enter an amount in figures, such as 12.50."),
    "an extra zero": (
        {"amount": "5000.01"},
        "amount",
        "5,000.01 USD is more than the largest amount of one row (5,000.00 USD). Check for an extra zero; a "
        "coordinator can raise the limit in the money settings.",
    ),
    "absurd": ({"amount": "99999999999999"}, "amount", "That is more than any row can hold: check for an extra zero."),
    "tomorrow": ({"date": "tomorrow"}, "date", "is in the future: what happened is dated today"),
    "before the chapter": ({"date": "2019-12-31"}, "date", "is before Riverside Mutual Aid started using MIMAC"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUT))
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_saved(client, world, books, case):
    changes, field, message = BAD_INPUT[case]
    if changes.get("date") == "tomorrow":
        changes = {"date": days_ago(world, -1)}
    before = MoneyEntry.objects.count()
    client.force_login(world.volunteer.user)
    data = {"date": world.chapter.today(), "account": books.cash.pk, "amount": "25", "donor_named_to": "nobody"}
    response = client.post(reverse("money:record", args=["RIV", "donation"]), {**data, **changes})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field]), response.context["form"].errors
    assert "There is 1 thing to correct" in response.text
    assert MoneyEntry.objects.count() == before


def test_the_service_refuses_what_the_form_would_whoever_calls_it(world, books):
    before = MoneyEntry.objects.count()
    with pytest.raises(ValidationError) as refusal:
        take_in(world, books.cash, "-3")
    assert refusal.value.message_dict == {"amount": [NEGATIVE]}
    with pytest.raises(ValidationError, match="is in the future"):
        take_in(world, books.cash, "3", days=-1)
    assert MoneyEntry.objects.count() == before


def test_a_cash_box_cannot_pay_out_more_than_its_rows_say_it_holds(client, world, books):
    client.force_login(world.volunteer.user)
    data = {"date": world.chapter.today(), "account": books.cash.pk, "destination": books.bank.pk, "amount": "200.01",
            "countersign_username": "coordinator", "countersign_password": "a-long-test-password"}  # fmt: skip
    response = client.post(reverse("money:transfer", args=["RIV"]), data)
    assert response.context["form"].errors["amount"] == [
        "Cash box would hold less than nothing: its rows say it holds 200.00 USD. Record the money that came in "
        "first, or choose another account."
    ]
    assert not MoneyEntry.objects.filter(kind="transfer").exists()
    client.post(reverse("money:transfer", args=["RIV"]), {**data, "amount": "200.00"})
    assert MoneyEntry.objects.filter(kind="transfer").count() == 2, "all of it may go"


def test_an_account_no_longer_in_use_takes_no_new_rows(world, books):
    books.cash.active = False
    books.cash.save()
    with pytest.raises(ValidationError, match="Cash box is no longer in use"):
        take_in(world, books.cash, "5")


def test_a_new_account_brings_forward_what_it_holds(client, world):
    client.force_login(world.coordinator.user)
    data = {"name": "Jar at Eastside", "kind": "cash", "holds": "31.20", "version": "1"}
    client.post(reverse("money:accounts", args=["RIV"]), data)
    opening = MoneyEntry.objects.get()
    assert (opening.kind, opening.amount, opening.account.name, opening.date) == (
        "opening", Decimal("31.20"), "Jar at Eastside", world.chapter.today(),
    )  # fmt: skip
    response = client.post(reverse("money:accounts", args=["RIV"]), {**data, "name": "jar at eastside"})
    assert response.context["form"].errors["name"] == ["This chapter already has an account with that name."]


def test_the_currency_stays_once_the_chapter_has_money_rows(client, world, books):
    client.force_login(world.coordinator.user)
    settings = MoneySettings.objects.get(chapter=world.chapter)
    data = {"currency": "EUR", "countersign_above": "0", "receipt_above": "25", "largest_amount": "5000",
            "cash_tolerance": "1", "version": settings.version}  # fmt: skip
    response = client.post(reverse("money:settings", args=["RIV"]), data)
    assert response.context["form"].errors["currency"] == ["The chapter has money rows in USD: its currency stays."]
    client.post(reverse("money:settings", args=["RIV"]), {**data, "currency": "USD", "largest_amount": "800"})
    assert MoneySettings.objects.get(chapter=world.chapter).largest_amount == Decimal(800)
