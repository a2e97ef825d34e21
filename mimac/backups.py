"""Backups encrypted to a public key, so the server that makes them cannot read them afterwards.

A backup is one file: a consistent copy of the whole database (pg_dump for PostgreSQL, SQLite's online backup
API for SQLite) and every photo, in a tar encrypted with age (pyrage) to BACKUP_PUBLIC_KEY as it is made
(mimac/backup_archive.py). The private key stays offline and is given only to `restore`. No clear copy touches
the disk, and memory holds a few pieces of it at a time, whatever the photos weigh.

Backups made before photos were added (mimac-<engine>-<time>.age, the database alone) still restore.
"""

import datetime
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import threading
from collections import deque
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from mimac import backup_archive as archive
from mimac.models import Photo
from mimac.photos import checking_stored_photos, photo_storage, stored_problem_message

NAME = re.compile(r"^mimac-(?P<engine>postgresql|sqlite)-(?P<at>\d{8}T\d{6}Z)(?P<archive>\.tar)?\.age$")
PARTIAL = ".partial"


class BackupError(Exception):
    pass


@dataclass
class Written:
    path: Path
    photos: int
    missing: list[str]  # photos the database names whose file is not in PHOTO_ROOT


@dataclass
class Restored:
    engine: str
    photos: int | None = None  # None: a backup from before photos were backed up
    held_back: dict[str, str] = field(default_factory=dict)  # photo name → why it was not brought back


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


def _recipient(public_key: str):
    try:
        return pyrage.x25519.Recipient.from_str(public_key.strip())
    except Exception as error:  # pyrage raises its own error types for a malformed key
        raise BackupError(f"BACKUP_PUBLIC_KEY is not an age public key (age1…): {error}") from None


def _identities(private_key: str) -> list:
    keys = [line.strip() for line in private_key.splitlines() if line.strip().startswith("AGE-SECRET-KEY-")]
    try:
        return [pyrage.x25519.Identity.from_str(key) for key in keys]
    except Exception as error:
        raise BackupError(f"This is not an age private key (AGE-SECRET-KEY-…): {error}") from None


class _Drain:
    """What a process writes to `pipe`, read in a thread so it never blocks on a full pipe: its last 64 KB."""

    def __init__(self, pipe):
        self.kept: list[bytes] = []
        self.thread = threading.Thread(target=self._read, args=[pipe], daemon=True)
        self.thread.start()

    def _read(self, pipe):
        for line in pipe:
            self.kept.append(line)
            while sum(map(len, self.kept)) > 65536:
                self.kept.pop(0)

    def text(self) -> str:
        self.thread.join()
        return b"".join(self.kept).decode(errors="replace").strip()


def dump():
    """The whole database as one consistent copy, in parts of at most archive.CHUNK bytes."""
    if connection.in_atomic_block:
        # pg_dump would not see this transaction's rows, and SQLite's backup would wait for it forever.
        raise BackupError("A backup is made outside any transaction.")
    if _engine() == "postgresql":
        command = ["pg_dump", "--no-owner", "--no-privileges", "--format=plain"]
        process = subprocess.Popen(  # noqa: S603
            command, env=_pg_environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        errors = _Drain(process.stderr)
        with process:
            while part := process.stdout.read(archive.CHUNK):
                yield part
        if process.returncode:
            raise BackupError(f"pg_dump failed: {errors.text()}")
        return
    # SQLite is for trying MIMAC out: its copy is made whole in memory (its online backup API), then sent in parts.
    connection.ensure_connection()
    copy = sqlite3.connect(":memory:")
    try:
        connection.connection.backup(copy)  # consistent while the app writes
        data = copy.serialize()
    finally:
        copy.close()
    for start in range(0, len(data), archive.CHUNK):
        yield data[start : start + archive.CHUNK]


def _photo_files():
    """Each photo the database names, with the path of its file."""
    storage = photo_storage()
    for name in Photo.objects.order_by("pk").values_list("image", flat=True).iterator():
        yield name, Path(storage.path(name))


def write(directory: Path, public_key: str, now: datetime.datetime | None = None) -> Written:
    """Make a backup file in `directory`, readable by its owner only. It appears only once it is complete."""
    recipient = _recipient(public_key)
    now = now or timezone.now()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    for leftover in directory.glob(f".mimac-*{PARTIAL}"):  # a backup that was cut off (the server stopped)
        leftover.unlink()
    path = directory / f"mimac-{_engine()}-{now.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}.tar.age"
    partial = path.with_name(f".{path.name}{PARTIAL}")
    manifest = archive.Manifest()
    about = {"engine": _engine(), "made_at": now.isoformat()}
    pieces = archive.stream(about=about, database=dump(), photos=_photo_files(), manifest=manifest)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            archive.encrypt(pieces, file, recipient)
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Written(path=path, photos=len(manifest.photos), missing=manifest.missing)


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


def load(path: Path, private_key: str) -> Restored:
    """Bring a backup back into the (empty) database Django uses, and its photos into the (empty) PHOTO_ROOT."""
    match = NAME.match(path.name)
    if not match:
        raise BackupError(f"{path.name} is not a MIMAC backup (mimac-<engine>-<time>.tar.age).")
    if match["engine"] != _engine():
        raise BackupError(f"This is a {match['engine']} backup; the database here is {_engine()}.")
    if connection.introspection.table_names():
        raise BackupError("The database is not empty: restore only into a new, empty database.")
    identities = _identities(private_key)
    if not match["archive"]:
        loader = _loader()
        with path.open("rb") as source:
            try:
                pyrage.decrypt_io(source, loader, identities)
            except Exception as error:
                loader.abort()
                raise BackupError(f"This key does not open this backup, or the file is damaged: {error}") from None
        loader.finish()
        return Restored(engine=match["engine"])
    storage = photo_storage()
    if any(Path(storage.location).rglob("*")):
        raise BackupError(f"The photo folder {storage.location} is not empty: restore only into an empty one.")
    try:
        with path.open("rb") as source, archive.opened(source, identities) as members:
            return _unpack(members, match["engine"])
    except archive.ArchiveError as error:
        raise BackupError(str(error)) from None


def _unpack(members, engine: str) -> Restored:
    """The archive's members, in their order: what it is, the database's parts, the photos, the manifest."""
    with checking_stored_photos() as check:
        unpacking = _Unpacking(engine, check)
        try:
            for member in members:
                unpacking.take(member, members.extractfile(member))
            unpacking.photos.finish()
        except BaseException:
            unpacking.abort()
            raise
    if unpacking.manifest is None or unpacking.loader is not None:
        raise BackupError("The backup ends before its manifest: the file was cut short.")
    _compare(unpacking.manifest, unpacking.photos.written, unpacking.restored)
    return unpacking.restored


class _Unpacking:
    def __init__(self, engine: str, check):
        self.engine, self.restored = engine, Restored(engine=engine, photos=0)
        self.loader, self.manifest = _loader(), None
        self.photos = _Photos(check, self.restored)

    def take(self, member, file) -> None:
        if not member.isreg():
            raise BackupError(f"The backup holds {member.name!r}, which is not a file: MIMAC did not make it.")
        if member.name == archive.ABOUT:
            _check_about(json.loads(file.read()), self.engine)
            return
        if member.name.startswith(archive.DATABASE):
            self.loader.write(file.read())
            return
        if self.loader is not None:  # the database's last part has come
            self.loader.finish()
            self.loader = None
        if member.name.startswith(archive.PHOTOS):
            self.photos.add(member.name.removeprefix(archive.PHOTOS), archive.read_all(file, settings.PHOTO_MAX_BYTES))
        elif member.name == archive.MANIFEST:
            self.manifest = archive.Manifest.from_json(file.read())

    def abort(self) -> None:
        if self.loader is not None:
            self.loader.abort()  # not a psql left waiting for the rest


def _check_about(about: dict, engine: str) -> None:
    if about.get("format") != archive.FORMAT or about.get("engine") != engine:
        raise BackupError(f"This backup's archive is not one this version reads: {about}.")


class _Photos:
    """Photos on their way back. Each is checked by the photo policy in a child process while the next ones are
    read, and written once its check passes, in the archive's order; a few wait at a time, so memory holds a few
    photos. One the policy refuses is held back, with the reason, and never written."""

    WAITING = 8

    def __init__(self, check, restored: Restored):
        self.check, self.restored = check, restored
        self.waiting: deque = deque()
        self.written: dict[str, str] = {}  # name → SHA-256

    def add(self, name: str, data: bytes) -> None:
        self.waiting.append((name, data, self.check(data)))
        while len(self.waiting) > self.WAITING:
            self._settle(*self.waiting.popleft())

    def finish(self) -> None:
        while self.waiting:
            self._settle(*self.waiting.popleft())

    def _settle(self, name: str, data: bytes, checked) -> None:
        if problem := checked.result():
            self.restored.held_back[name] = stored_problem_message(problem)
        elif problem := _write_photo(name, data):
            self.restored.held_back[name] = problem
        else:
            self.written[name] = hashlib.sha256(data).hexdigest()


def _write_photo(name: str, data: bytes) -> str:
    """Write one photo back where it was; else say why not."""
    storage = photo_storage()
    try:
        saved = storage.save(name, ContentFile(data))
    except SuspiciousFileOperation:
        return "Its name would put it outside the photo folder."
    if saved != name:  # a second file of the same name
        storage.delete(saved)
        return "The backup holds a second file of the same name."
    return ""


def _compare(manifest: archive.Manifest, written: dict[str, str], restored: Restored) -> None:
    """Hold back what the manifest does not vouch for, and say what it lists that did not come."""
    for name, digest in written.items():
        if manifest.photos.get(name) != digest:
            photo_storage().delete(name)
            restored.held_back[name] = "Its bytes differ from those the backup's manifest lists."
    for name in manifest.photos.keys() - written.keys() - restored.held_back.keys():
        restored.held_back[name] = "The backup's manifest lists it, but the backup does not hold it."
    for name in manifest.missing:
        restored.held_back[name] = "Its file was already missing from the server when the backup was made."
    restored.photos = len(written.keys() - restored.held_back.keys())


class _SQLiteLoader:
    """SQLite's file, whole in memory before it is loaded (SQLite is for trying MIMAC out)."""

    def __init__(self):
        self.data = bytearray()

    def write(self, part: bytes) -> int:
        self.data += part
        return len(part)

    def flush(self) -> None:
        pass

    def abort(self) -> None:
        self.data = bytearray()

    def finish(self) -> None:
        connection.ensure_connection()
        source = sqlite3.connect(":memory:")
        try:
            source.deserialize(bytes(self.data))
            source.backup(connection.connection)
        finally:
            source.close()


class _PostgresLoader:
    """psql, fed the SQL as it comes."""

    def __init__(self):
        command = ["psql", "--quiet", "--no-psqlrc", "--set", "ON_ERROR_STOP=1"]
        self.process = subprocess.Popen(  # noqa: S603
            command, env=_pg_environment(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self.errors = _Drain(self.process.stderr)

    def write(self, part: bytes) -> int:
        with suppress(BrokenPipeError):  # psql stopped at an error: finish() says which
            self.process.stdin.write(part)
        return len(part)

    def flush(self) -> None:
        pass

    def finish(self) -> None:
        with suppress(BrokenPipeError):
            self.process.stdin.close()
        if self.process.wait():
            raise BackupError(f"psql failed: {self.errors.text()}")

    def abort(self) -> None:
        self.process.kill()
        self.process.wait()


def _loader():
    return _PostgresLoader() if _engine() == "postgresql" else _SQLiteLoader()
