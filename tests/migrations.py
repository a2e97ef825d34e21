"""Reading what a migration would send to the database."""

import io

from django.core.management import call_command


def sql_statements(app: str, migration: str) -> list[str]:
    """The lines `sqlmigrate` prints for the migration, without its comments: BEGIN and COMMIT alone when it
    changes only what Django knows (a model moved between apps), not a table."""
    out = io.StringIO()
    call_command("sqlmigrate", app, migration, stdout=out)
    return [line for line in out.getvalue().splitlines() if line and not line.startswith("--")]
