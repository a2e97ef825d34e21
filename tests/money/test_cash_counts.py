"""Cash counts, like stock counts: what was counted against what the rows said at the end of that day, within the
chapter's tolerance or flagged."""

import datetime
from decimal import Decimal

from django.urls import reverse

from money import services
from money.models import CashCount
from money.queries import count_checks
from tests.money.recording import set_money, spend, take_in


def _count(world, books, amount, days=0):
    return services.count_cash(account=books.cash, by=world.volunteer.user, amount=Decimal(amount),
                               date=world.chapter.today() - datetime.timedelta(days=days),
                               counted_by=world.coordinator.user)  # fmt: skip


def test_a_count_is_set_against_the_rows_up_to_the_end_of_its_day(world, books):
    take_in(world, books.cash, "30", days=3)
    spend(world, books.cash, "12.50", days=2, purpose="supplies")
    take_in(world, books.cash, "100", days=1)  # after the count below: not in it
    take_in(world, books.bank, "500", days=3)  # another account
    [check] = count_checks(CashCount.objects.filter(pk=_count(world, books, "217.00", days=2).pk))
    assert (check.expected, check.difference, check.flagged) == (Decimal("217.50"), Decimal("-0.50"), False)


def test_a_difference_beyond_the_tolerance_is_flagged_and_said_so_on_recording(client, world, books):
    set_money(world, cash_tolerance=Decimal("2.00"))
    client.force_login(world.volunteer.user)
    url = reverse("money:cash_count", args=["RIV"])
    data = {"date": world.chapter.today(), "account": books.cash.pk, "counted_by": world.coordinator.user.pk}
    response = client.post(url, {**data, "amount": "198.00"}, follow=True)
    assert "Count recorded: 198.00 USD; the rows say 200.00 USD, within the tolerance of 2.00 USD." in response.text
    response = client.post(url, {**data, "amount": "192.50"}, follow=True)
    assert (
        "Count recorded: 192.50 USD, 7.50 USD less than the rows say (200.00 USD). Beyond the tolerance of 2.00 USD, "
        "so the audit flags it: look for money that went out unrecorded."
    ) in response.text
    checks = response.context["checks"]
    assert [(check.count.amount, check.flagged) for check in checks] == [
        (Decimal("192.50"), True), (Decimal("198.00"), False),
    ]  # fmt: skip


def test_a_count_below_zero_or_by_someone_outside_the_chapter_is_refused(client, world, books):
    client.force_login(world.volunteer.user)
    url = reverse("money:cash_count", args=["RIV"])
    data = {"date": world.chapter.today(), "account": books.cash.pk, "counted_by": world.coordinator.user.pk}
    response = client.post(url, {**data, "amount": "-1"})
    assert response.context["form"].errors == {"amount": ["A count is never below zero: count what is there."]}
    response = client.post(url, {**data, "amount": "5", "counted_by": world.other_coordinator.user.pk})
    assert "counted_by" in response.context["form"].errors
    assert not CashCount.objects.exists()


def test_a_corrected_count_is_the_one_that_counts_and_the_money_page_shows_it(client, world, books):
    count = _count(world, books, "150")
    client.force_login(world.coordinator.user)
    client.post(reverse("money:count", args=[count.pk]), {"amount": "200", "reason": "a bag of coins was missed"})
    page = client.get(reverse("money:home", args=["RIV"]))
    latest = page.context["counts"][books.cash.pk]
    assert (latest.count.pk, latest.count.amount, latest.flagged) == (count.correction.pk, Decimal(200), False)
    assert CashCount.objects.get(pk=count.pk).amount == Decimal(150), "the count as first written stays"
