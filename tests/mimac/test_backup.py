"""Backups: encrypted to a public key, restored row for row into a fresh database, purges kept."""

import datetime
import io
import os
import sqlite3
import subprocess
import sys
import uuid

import psycopg2
import psycopg2.extras
import pyrage
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from mimac import backups
from recipients.models import Household

# Written by `restore` itself (it runs verify_ledger, which records its check): not part of the copy.
WRITTEN_BY_RESTORE = {"mimac_chaincheck"}


@pytest.fixture
def offline_key(tmp_path, settings):
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_PUBLIC_KEY = str(identity.to_public())
    key = tmp_path / "offline.key"
    key.write_text(f"# kept on paper or a USB stick, never on the server\n{identity}\n")
    return key


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of a new, empty database of the same kind as the test database; dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    options = connection.settings_dict
    name = f"test_mimac_restore_{uuid.uuid4().hex[:8]}"
    server = psycopg2.connect(dbname="postgres", user=options["USER"], host=options["HOST"], port=options["PORT"])
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{options['USER']}@{options['HOST']}:{options['PORT'] or 5432}/{name}"
    with server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    server.close()


def _backup(tmp_path) -> "os.PathLike":
    call_command("backup", to=tmp_path / "backups", stdout=io.StringIO())
    [path] = (tmp_path / "backups").glob("mimac-*.age")
    return path


def _restore(path, key, url) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(path), "--identity", str(key)],
        cwd=settings.BASE_DIR, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def _open(url):
    if url.startswith("sqlite"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), detect_types=sqlite3.PARSE_DECLTYPES)
    restored = psycopg2.connect(url)
    psycopg2.extras.register_default_jsonb(restored, loads=lambda text: text)  # as Django's cursor reads it
    return restored


def _rows(cursor, table):
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
    return sorted(cursor.fetchall(), key=repr)


needs_pg_dump = pytest.mark.skipif(
    connection.vendor == "postgresql" and subprocess.run(["which", "pg_dump"], capture_output=True).returncode,
    reason="pg_dump is not installed here",
)


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_a_fresh_database_row_for_row(tmp_path, offline_key, fresh_database):
    call_command("seed_demo", "--force", stdout=io.StringIO())
    erased = Household.objects.order_by("number").first()
    erased.erase()
    path = _backup(tmp_path)
    sealed = path.read_bytes()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    for household in Household.objects.exclude(name=""):
        assert household.name.encode() not in sealed

    report = _restore(path, offline_key, fresh_database)

    assert "Every chain holds." in report
    restored = _open(fresh_database)
    tables = sorted(set(connection.introspection.table_names()) - WRITTEN_BY_RESTORE)
    with connection.cursor() as ours:
        for table in tables:
            assert _rows(ours, table) == _rows(restored.cursor(), table), table
    restored.close()


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restoring_a_backup_older_than_a_purge_purges_again(tmp_path, offline_key, fresh_database, world):
    from tests.factories import make_household

    long_ago = datetime.date.today() - datetime.timedelta(days=800)
    household = make_household(world.chapter, name="Zainab Okafor", status="ended", status_since=long_ago)
    path = _backup(tmp_path)  # taken before the monthly purge ran
    call_command("purge_households", apply=True, stdout=io.StringIO())

    _restore(path, offline_key, fresh_database)

    restored = _open(fresh_database)
    cursor = restored.cursor()
    cursor.execute("SELECT name, address, purged_at FROM recipients_household WHERE id = %s".replace(
        "%s", "?" if fresh_database.startswith("sqlite") else "%s"), [household.pk])  # fmt: skip
    name, address, purged_at = cursor.fetchone()
    assert (name, address) == ("", "")
    assert purged_at is not None
    restored.close()


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backups_older_than_the_retention_are_deleted(tmp_path, offline_key):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / f"mimac-{'postgresql' if connection.vendor == 'postgresql' else 'sqlite'}-20200101T000000Z.age"
    old.write_bytes(b"old")
    recent = folder / "mimac-sqlite-29990101T000000Z.age"
    recent.write_bytes(b"from the future: kept")
    out = io.StringIO()
    call_command("backup", to=folder, keep_days=30, stdout=out)
    assert not old.exists()
    assert recent.exists()
    assert "Deleted mimac-" in out.getvalue()
    assert len(list(folder.glob("mimac-*.age"))) == 2


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_public_key_there_is_no_backup_and_a_wrong_key_opens_none(tmp_path, settings, offline_key):
    path = _backup(tmp_path)
    wrong = tmp_path / "wrong.key"
    wrong.write_text(str(pyrage.x25519.Identity.generate()))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path), identity=str(offline_key), stdout=io.StringIO())
    with pytest.raises(backups.BackupError, match="This key does not open this backup"):
        backups.decrypt(path.read_bytes(), wrong.read_text())
    settings.BACKUP_PUBLIC_KEY = ""
    with pytest.raises(CommandError, match="Set BACKUP_PUBLIC_KEY"):
        call_command("backup", to=tmp_path / "none", stdout=io.StringIO())
