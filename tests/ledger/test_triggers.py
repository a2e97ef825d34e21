"""The database itself refuses to rewrite the ledger, whatever code (or person with a shell) asks it to."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from deliveries.models import HouseholdReport, RouteLoad
from hubdesk.models import Spoilage
from ledger import triggers
from ledger.models import ledger_models
from ledger.verification import verify
from tests.ledger.tampering import triggers_off


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except IntegrityError as refusal:
        return "ledger rows are never changed or deleted" in str(refusal)
    return False


def test_every_ledger_table_has_its_triggers_after_all_migrations(db):
    found = triggers.installed()
    missing = {table: names - found.get(table, set()) for table, names in triggers.expected().items()}
    assert {table: names for table, names in missing.items() if names} == {}
    assert set(triggers.expected()) == {model._meta.db_table for model in ledger_models()}


def test_a_raw_update_of_a_quantity_or_any_hashed_field_is_refused(world, every_kind):
    for model, row in every_kind.items():
        table = _table(model)
        assert _refused(f"UPDATE {table} SET correction_reason = 'tidied' WHERE id = %s", [row.pk]), model
        assert _refused(f"UPDATE {table} SET recorded_at = recorded_at WHERE id = %s", [row.pk]) is False, (
            "an update that changes nothing rewrites nothing"
        )
        if hasattr(row, "quantity"):
            assert _refused(f"UPDATE {table} SET quantity = quantity + 1 WHERE id = %s", [row.pk]), model
        if hasattr(row, "amount"):
            assert _refused(f"UPDATE {table} SET amount = amount + 1 WHERE id = %s", [row.pk]), model
    line = every_kind[RouteLoad]
    line.refresh_from_db()
    assert line.correction_reason == ""
    assert verify(world.chapter).ok


def test_a_raw_delete_is_refused_on_every_ledger_table(world, every_kind):
    for model, row in every_kind.items():
        assert _refused(f"DELETE FROM {_table(model)} WHERE id = %s", [row.pk]), model
        assert model.objects.filter(pk=row.pk).exists()
    assert verify(world.chapter).ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no TRUNCATE")
def test_truncate_is_refused(world, every_kind):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE waits for the deferred foreign key checks
    for model in every_kind:
        assert _refused(f"TRUNCATE {_table(model)} CASCADE"), model


def test_a_note_may_be_blanked_and_nothing_else(world, every_kind):
    report, spoilage = every_kind[HouseholdReport], every_kind[Spoilage]
    assert report.note, "the report was written with a note"
    assert _refused(f"UPDATE {_table(Spoilage)} SET note = 'green fuzz' WHERE id = %s", [spoilage.pk])
    assert _refused(f"UPDATE {_table(HouseholdReport)} SET note = 'said it was fine' WHERE id = %s", [report.pk])
    assert _refused(f"UPDATE {_table(HouseholdReport)} SET note = '', kind = 'none' WHERE id = %s", [report.pk])
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(HouseholdReport)} SET note = '' WHERE id = %s", [report.pk])
    report.refresh_from_db()
    assert report.note == ""
    assert verify(world.chapter).ok, "notes are outside the hash"


def test_the_one_escape_lets_a_block_rewrite_and_closes_behind_it(world, every_kind):
    load = every_kind[RouteLoad]
    with triggers.rewriting_history(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(RouteLoad)} SET quantity = 99 WHERE id = %s", [load.pk])
    assert RouteLoad.objects.get(pk=load.pk).quantity == 99
    assert _refused(f"UPDATE {_table(RouteLoad)} SET quantity = 98 WHERE id = %s", [load.pk]), "closed again"
    assert not verify(world.chapter).ok, "and the chain still tells"


def test_migrate_puts_back_triggers_a_table_remake_dropped(world, every_kind):
    with connection.cursor() as cursor:  # what SQLite does when Django remakes a table (AlterField …)
        for name in triggers.trigger_names(RouteLoad._meta.db_table):
            cursor.execute(
                f"DROP TRIGGER IF EXISTS {name}"
                if connection.vendor == "sqlite"
                else f"DROP TRIGGER IF EXISTS {name} ON {_table(RouteLoad)}"
            )
    assert RouteLoad._meta.db_table not in triggers.installed()
    call_command("migrate", verbosity=0, stdout=io.StringIO())
    assert triggers.installed()[RouteLoad._meta.db_table] == triggers.expected()[RouteLoad._meta.db_table]
    assert _refused(f"UPDATE {_table(RouteLoad)} SET quantity = 1"), "refused again after migrate"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_suites_own_flush_empties_the_ledger(world, every_kind):
    # As every transactional test's teardown calls it.
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False, inhibit_post_migrate=True)
    assert not ContentType.objects.exists(), "every table, the ledger's included, is empty"
    assert not any(model._base_manager.exists() for model in ledger_models())
    assert triggers.unguarded() == [], "and the guard stays for the next test"


def test_verify_ledger_says_when_the_database_no_longer_guards_a_table(world, every_kind):
    with (
        triggers_off(RouteLoad),
        pytest.raises(CommandError, match="no longer refuses to rewrite deliveries_routeload"),
    ):
        call_command("verify_ledger", stdout=io.StringIO())
    call_command("verify_ledger", stdout=io.StringIO())
