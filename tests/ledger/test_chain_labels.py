"""A ledger row's hash names its model by a permanent chain label, so models may move without breaking a chain."""

from django.apps import apps
from django.core import checks
from django.db import models

from ledger.checks import check_chain_labels, check_unhashed_fields
from ledger.hashing import GENESIS, chained_values, link_hash
from ledger.models import QuantityEntry, ledger_models

# Each ledger table, and the label its rows have been hashed with since the first release (v1.0, d7a56f3).
# Rows of every coalition are hashed with these: never change one. A new ledger model adds its line here once.
HASHED_WITH = {
    "deliveries_deliveryline": "deliveries.deliveryline",
    "deliveries_handout": "deliveries.handout",
    "deliveries_handoutline": "deliveries.handoutline",
    "deliveries_householdreport": "deliveries.householdreport",
    "deliveries_routeload": "deliveries.routeload",
    "deliveries_spoilage": "deliveries.spoilage",
    "deliveries_stockcount": "deliveries.stockcount",
    "deliveries_stockcountline": "deliveries.stockcountline",
    "pickups_intakecheck": "pickups.intakecheck",
    "pickups_intakecheckline": "pickups.intakecheckline",
    "pickups_pickupline": "pickups.pickupline",
    "money_moneyentry": "money.moneyentry",
    "money_cashcount": "money.cashcount",
}


def test_every_ledger_model_keeps_the_label_its_rows_were_hashed_with():
    labels = {model._meta.db_table: model.chain_label for model in ledger_models()}
    assert labels == HASHED_WITH


def test_a_row_written_now_is_hashed_with_that_label(world, every_kind):
    rows = sorted(every_kind.values(), key=lambda row: row.sequence)
    previous = GENESIS
    for row in rows:
        label = HASHED_WITH[row._meta.db_table]
        assert row.chain_hash == link_hash(previous, label, row.sequence, chained_values(row)), row
        previous = row.chain_hash


def test_a_ledger_model_without_a_label_of_its_own_is_an_error():
    class Borrowed(QuantityEntry):  # inherits a label from nowhere: its rows would be hashed with ""
        chapter_source = "chapter_id"

        class Meta(QuantityEntry.Meta):
            app_label = "ledger"

    try:
        problems = check_chain_labels()
        assert [(problem.id, problem.obj) for problem in problems] == [("ledger.E001", Borrowed)]
        assert isinstance(problems[0], checks.Error)
    finally:
        _forget(Borrowed)


def test_two_models_may_not_share_a_label():
    class Twin(QuantityEntry):
        chapter_source = "chapter_id"
        chain_label = "pickups.pickupline"

        class Meta(QuantityEntry.Meta):
            app_label = "ledger"

    try:
        assert [problem.id for problem in check_chain_labels()] == ["ledger.E002"]
    finally:
        _forget(Twin)


def test_what_stays_outside_the_hash_is_erasable_text():
    """The triggers let an UPDATE blank an unhashed field and nothing else: a number there could be rewritten."""

    class Careless(QuantityEntry):
        chapter_source = "chapter_id"
        chain_label = "ledger.careless"
        price = models.DecimalField(max_digits=5, decimal_places=2)
        unhashed_fields = ("price",)

        class Meta(QuantityEntry.Meta):
            app_label = "ledger"

    try:
        assert [(problem.id, problem.obj) for problem in check_unhashed_fields()] == [("ledger.E003", Careless)]
    finally:
        _forget(Careless)
    assert check_unhashed_fields() == [], "a note and a donor's name are text that may be blank"


def _forget(model: type[models.Model]) -> None:
    del apps.all_models[model._meta.app_label][model._meta.model_name]
    apps.clear_cache()
