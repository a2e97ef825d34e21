"""The hub desk's ledger models moved from deliveries into their own app without touching a table."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from hubdesk.models import Handout, HandoutLine, Spoilage, StockCount, StockCountLine
from tests.migrations import sql_statements

MOVED = [Handout, HandoutLine, Spoilage, StockCount, StockCountLine]
move = importlib.import_module("deliveries.migrations.0005_hub_desk_moves_out")


# SQLite's schema editor works outside a transaction only.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_move_prints_no_sql_for_any_table():
    for app, migration in (("hubdesk", "0001"), ("deliveries", "0005")):
        assert sql_statements(app, migration) == ["BEGIN;", "COMMIT;"], (app, migration)


def test_each_model_keeps_its_table_and_the_database_knows_its_constraints_and_indexes_by_their_names(db):
    assert [model._meta.db_table for model in MOVED] == [
        "deliveries_handout",
        "deliveries_handoutline",
        "deliveries_spoilage",
        "deliveries_stockcount",
        "deliveries_stockcountline",
    ]
    with connection.cursor() as cursor:
        for model in MOVED:
            in_database = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
            declared = {constraint.name for constraint in [*model._meta.constraints, *model._meta.indexes]}
            assert declared <= in_database, (model, declared - in_database)
            assert all(name.startswith("deliveries_") or name.endswith("_chain") for name in declared), declared


def test_content_types_and_their_permissions_follow_the_models(db):
    content_type = ContentType.objects.get_for_model(Spoilage)
    ContentType.objects.filter(pk=content_type.pk).update(app_label="deliveries")  # as a database from before
    move.move_content_types(apps, SimpleNamespace(connection=connection))
    content_type.refresh_from_db()
    assert content_type.app_label == "hubdesk"
    assert Permission.objects.filter(content_type=content_type, codename="view_spoilage").exists()
