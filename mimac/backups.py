"""Backups encrypted to a public key, so the server that makes them cannot read them afterwards.

A backup is a consistent copy of the whole database (pg_dump for PostgreSQL, SQLite's online backup
API for SQLite), encrypted with age (pyrage) to BACKUP_PUBLIC_KEY; the private key stays offline and
is given only to `restore`. The copy is made and encrypted in memory: no clear copy touches the disk.
"""

import datetime
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pyrage
from django.conf import settings
from django.db import connection
from django.utils import timezone

NAME = re.compile(r"^mimac-(?P<engine>postgresql|sqlite)-(?P<at>\d{8}T\d{6}Z)\.age$")


class BackupError(Exception):
    pass


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _pg_environment() -> dict:
    """How pg_dump and psql reach the database Django uses, without a password on a command line."""
    database = settings.DATABASES["default"]
    env = {**os.environ, "PGDATABASE": database["NAME"], "PGUSER": database.get("USER") or ""}
    env.update({"PGHOST": database.get("HOST") or "", "PGPORT": str(database.get("PORT") or "")})
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def dump() -> bytes:
    """The whole database as one consistent copy, in memory."""
    if connection.in_atomic_block:
        # pg_dump would not see this transaction's rows, and SQLite's backup would wait for it forever.
        raise BackupError("A backup is made outside any transaction.")
    if _engine() == "postgresql":
        command = ["pg_dump", "--no-owner", "--no-privileges", "--format=plain"]
        result = subprocess.run(command, env=_pg_environment(), capture_output=True, check=False)  # noqa: S603
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.decode(errors='replace').strip()}")
        return result.stdout
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    try:
        connection.connection.backup(copy)  # SQLite's online backup: consistent while the app writes
        return copy.serialize()
    finally:
        copy.close()


def encrypt(data: bytes, public_key: str) -> bytes:
    try:
        recipient = pyrage.x25519.Recipient.from_str(public_key.strip())
    except Exception as error:  # pyrage raises its own error types for a malformed key
        raise BackupError(f"BACKUP_PUBLIC_KEY is not an age public key (age1…): {error}") from None
    return pyrage.encrypt(data, [recipient])


def decrypt(data: bytes, private_key: str) -> bytes:
    keys = [line.strip() for line in private_key.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")]
    try:
        return pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(key) for key in keys])
    except Exception as error:
        raise BackupError(f"This key does not open this backup: {error}") from None


def write(directory: Path, public_key: str, now: datetime.datetime | None = None) -> Path:
    """Make a backup file in `directory`, readable by its owner only."""
    now = now or timezone.now()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = directory / f"mimac-{_engine()}-{now.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}.age"
    sealed = encrypt(dump(), public_key)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(sealed)
    return path


def expired(directory: Path, days: int, now: datetime.datetime | None = None) -> list[Path]:
    """Backups in `directory` older than `days`, by the time in their name."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = []
    for path in sorted(directory.glob("mimac-*.age")):
        match = NAME.match(path.name)
        taken = match and datetime.datetime.strptime(match["at"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
        if taken and taken < cutoff:
            old.append(path)
    return old


def load(path: Path, private_key: str) -> str:
    """Bring a backup back into the (empty) database Django uses. Returns the engine it came from."""
    match = NAME.match(path.name)
    if not match:
        raise BackupError(f"{path.name} is not a MIMAC backup (mimac-<engine>-<time>.age).")
    if match["engine"] != _engine():
        raise BackupError(f"This is a {match['engine']} backup; the database here is {_engine()}.")
    if connection.introspection.table_names():
        raise BackupError("The database is not empty: restore only into a new, empty database.")
    data = decrypt(path.read_bytes(), private_key)
    if _engine() == "postgresql":
        command = ["psql", "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1"]
        result = subprocess.run(command, input=data, env=_pg_environment(), capture_output=True, check=False)  # noqa: S603
        if result.returncode:
            raise BackupError(f"psql failed: {result.stderr.decode(errors='replace').strip()}")
    else:
        _load_sqlite(data)
    return match["engine"]


def _load_sqlite(data: bytes) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(":memory:")
    source.deserialize(data)
    source.backup(connection.connection)
    source.close()
