"""What a database owner can do to the ledger: switch its triggers off, then write what they like."""

from contextlib import contextmanager

from django.db import connection

from ledger import triggers


@contextmanager
def triggers_off(*models):
    """The models' tables without their refusing triggers for the block; the chain must still notice."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # ALTER TABLE waits for no deferred foreign key check
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} DISABLE TRIGGER USER")
            else:
                for name in triggers.trigger_names(table):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"ALTER TABLE {connection.ops.quote_name(model._meta.db_table)} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        triggers.install()
