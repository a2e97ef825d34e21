"""The database itself refuses to rewrite history: triggers on every ledger table.

On each ledger table an UPDATE is refused unless it only blanks the unhashed free text (the retention purge
does that), and a DELETE (and, on PostgreSQL, a TRUNCATE) is refused outright. A database owner can still
drop a trigger: that is why the hash chain and the printed chain head stay.

There is one escape, `rewriting_history()`: a transaction-local setting on PostgreSQL, a row in the one-row
table `ledger_maintenance` on SQLite (read by each trigger's WHEN). Only the test suite's flush (the
`flush` command here), `restore` and a migration that must rewrite rows (say so in it) use it.

SQLite drops a table's triggers whenever Django remakes the table (AlterField, AddConstraint …), and a new
ledger model needs its own: `install` runs after every migrate and puts back what is missing or stale.
"""

from contextlib import contextmanager

from django.db import connections, transaction

from ledger.models import ledger_models

REFUSAL = "MIMAC: ledger rows are never changed or deleted; add a correction instead"
# PostgreSQL: a custom setting, 'on' only inside the escape (the function below names it too).
SETTING = "mimac.rewriting_ledger"
# SQLite: a row in this table, inside the escape's transaction only.
CREATE_MAINTENANCE_TABLE = "CREATE TABLE IF NOT EXISTS ledger_maintenance (open integer NOT NULL)"
OUTSIDE_ESCAPE = "NOT EXISTS (SELECT 1 FROM ledger_maintenance)"

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unhashed text[] := COALESCE(TG_ARGV, '{}');
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF current_setting('mimac.rewriting_ledger', true) = 'on' THEN
        RETURN CASE TG_OP WHEN 'DELETE' THEN OLD WHEN 'UPDATE' THEN NEW ELSE NULL END;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        old_row := to_jsonb(OLD);
        new_row := to_jsonb(NEW);
        IF (new_row - unhashed) = (old_row - unhashed) AND NOT EXISTS (
            SELECT 1 FROM unnest(unhashed) AS name
            WHERE new_row ->> name IS DISTINCT FROM old_row ->> name AND new_row ->> name <> ''
        ) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'MIMAC: ledger rows are never changed or deleted; add a correction instead (% on %)',
        TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END
$$
"""


def trigger_names(table: str) -> list[str]:
    return [f"{table}_refuse_update", f"{table}_refuse_delete", f"{table}_refuse_truncate"]


def install(using: str = "default", **kwargs) -> None:
    """Give every ledger table its triggers, replacing stale ones. Safe to run any number of times."""
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        else:
            cursor.execute(CREATE_MAINTENANCE_TABLE)
        for model in ledger_models():
            if model._meta.db_table in tables:
                for statement in _statements(connection, cursor, model):
                    cursor.execute(statement)


def _statements(connection, cursor, model) -> list[str]:
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    update, delete, truncate = trigger_names(table)
    unhashed = [model._meta.get_field(name).column for name in model.unhashed_fields]
    if connection.vendor == "postgresql":
        arguments = ", ".join(f"'{column}'" for column in unhashed)
        refuse = "EXECUTE FUNCTION ledger_refuse_rewrite"
        return [
            f"DROP TRIGGER IF EXISTS {update} ON {quoted}",
            f"CREATE TRIGGER {update} BEFORE UPDATE ON {quoted} FOR EACH ROW {refuse}({arguments})",
            f"DROP TRIGGER IF EXISTS {delete} ON {quoted}",
            f"CREATE TRIGGER {delete} BEFORE DELETE ON {quoted} FOR EACH ROW {refuse}()",
            f"DROP TRIGGER IF EXISTS {truncate} ON {quoted}",
            f"CREATE TRIGGER {truncate} BEFORE TRUNCATE ON {quoted} FOR EACH STATEMENT {refuse}()",
        ]
    columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
    changed = [
        f'(NEW."{column}" IS NOT OLD."{column}" AND NEW."{column}" <> \'\')'
        if column in unhashed
        else f'NEW."{column}" IS NOT OLD."{column}"'
        for column in columns
    ]
    refuse = f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
    return [
        f"DROP TRIGGER IF EXISTS {update}",
        f"CREATE TRIGGER {update} BEFORE UPDATE ON {quoted} FOR EACH ROW "
        f"WHEN {OUTSIDE_ESCAPE} AND ({' OR '.join(changed)}) {refuse}",
        f"DROP TRIGGER IF EXISTS {delete}",
        f"CREATE TRIGGER {delete} BEFORE DELETE ON {quoted} FOR EACH ROW WHEN {OUTSIDE_ESCAPE} {refuse}",
    ]


def installed(using: str = "default") -> dict[str, set[str]]:
    """The refusing triggers each table has, as the database lists them."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D'"
            )
        else:
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        found: dict[str, set[str]] = {}
        for table, name in cursor.fetchall():
            found.setdefault(table, set()).add(name)
        return found


def expected(using: str = "default") -> dict[str, set[str]]:
    """The refusing triggers each ledger table must have."""
    kinds = 3 if connections[using].vendor == "postgresql" else 2
    return {model._meta.db_table: set(trigger_names(model._meta.db_table)[:kinds]) for model in ledger_models()}


def unguarded(using: str = "default") -> list[str]:
    """Ledger tables missing a refusing trigger (dropped, or disabled on PostgreSQL): `migrate` puts them back."""
    found = installed(using)
    return sorted(table for table, names in expected(using).items() if not names <= found.get(table, set()))


@contextmanager
def rewriting_history(using: str = "default"):
    """The one escape past the triggers, for the test flush, `restore` and a migration that must rewrite rows.
    It lasts for the block only, inside one transaction, so it never leaks to other connections."""
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'on', true)", [SETTING])
            else:
                cursor.execute(CREATE_MAINTENANCE_TABLE)
                cursor.execute("INSERT INTO ledger_maintenance (open) VALUES (1)")
        yield
        with connection.cursor() as cursor:  # an error in the block rolls the escape back with everything else
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'off', true)", [SETTING])
            else:
                cursor.execute("DELETE FROM ledger_maintenance")
