"""The ledger's models moved into their own app without touching a table."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from ledger.models import ChainCheck, LedgerHead, ledger_models
from tests.migrations import sql_statements

move = importlib.import_module("mimac.migrations.0012_ledger_moves_out")


# SQLite's schema editor works outside a transaction only.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_prints_no_sql_for_any_table():
    for app, migration in (("ledger", "0001"), ("mimac", "0012")):
        assert sql_statements(app, migration) == ["BEGIN;", "COMMIT;"], (app, migration)


def test_every_table_keeps_its_name():
    assert (LedgerHead._meta.db_table, ChainCheck._meta.db_table) == ("mimac_ledgerhead", "mimac_chaincheck")
    assert all(model._meta.db_table == model.chain_label.replace(".", "_") for model in ledger_models())


def test_content_types_and_their_permissions_follow_the_models(db):
    content_type = ContentType.objects.get_for_model(LedgerHead)
    ContentType.objects.filter(pk=content_type.pk).update(app_label="mimac")  # as a database from before the move
    move.move_content_types(apps, SimpleNamespace(connection=connection))
    content_type.refresh_from_db()
    assert content_type.app_label == "ledger"
    assert Permission.objects.filter(content_type=content_type, codename="view_ledgerhead").exists()
