"""The benchmarks' own PostgreSQL databases, made on the server the URL names."""

import urllib.parse


def _server(url: str):
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    admin = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname="postgres")
    admin.autocommit = True
    return admin, parts.path.lstrip("/")


def create_database(url: str, *, drop_first: bool = False) -> None:
    """Make the database `url` names if it does not exist yet (after dropping it, with `drop_first`)."""
    admin, name = _server(url)
    with admin.cursor() as cursor:
        if drop_first:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def copy_database(source_url: str, target_url: str) -> None:
    """Make the database `target_url` names a fresh copy of `source_url`'s (which nobody may be connected to)."""
    admin, source = _server(source_url)
    target = urllib.parse.urlsplit(target_url).path.lstrip("/")
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    admin.close()


def vacuum_analyze(url: str) -> None:
    """Settle a database before timing it: a fresh copy or load would otherwise be vacuumed while it is timed."""
    import psycopg2

    parts = urllib.parse.urlsplit(url)
    database = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, dbname=parts.path[1:]
    )
    database.autocommit = True
    with database.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    database.close()
