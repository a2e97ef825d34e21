"""Backups: the database and the photos, encrypted to a public key, restored row for row and byte for byte into
a fresh database and an empty photo folder, each photo checked again by the photo policy; purges kept."""

import datetime
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg2
import psycopg2.extras
import pyrage
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from mimac import backup_archive, backups
from mimac.models import Chapter, JobRun, Photo
from mimac.photos import clean_photo, photo_storage
from recipients.models import Household
from tests import images

# Written by `restore` itself (it runs verify_ledger and the purge, which record their runs) and by `backup`
# after its copy (its own run): not part of the copy.
WRITTEN_BY_RESTORE = {"mimac_chaincheck", "mimac_jobrun"}


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


def _photo(chapter, user, shade: int) -> Photo:
    """A photo stored as an upload stores it: through the policy, re-encoded."""
    drawn = images.food_photo().point(lambda value: (value + shade) % 256)
    image = clean_photo(images.upload(images.encode(drawn)))
    return Photo.objects.create(chapter=chapter, uploaded_by=user, image=image)


def _planted(chapter, user, name: str, data: bytes) -> Photo:
    """A file put in the photo folder behind the policy's back (by hand, or by an older version)."""
    path = Path(photo_storage().path(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Photo.objects.create(chapter=chapter, uploaded_by=user, image=name)


def _backup(tmp_path, **options) -> Path:
    call_command("backup", to=tmp_path / "backups", stdout=io.StringIO(), **options)
    [path] = (tmp_path / "backups").glob("mimac-*.age")
    return path


def _restore(path, key, url, photos) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": url, "PHOTO_ROOT": str(photos)}
    result = subprocess.run(
        [sys.executable, "manage.py", "restore", str(path), "--identity", str(key)],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


def _open(url):
    if url.startswith("sqlite"):
        return sqlite3.connect(url.removeprefix("sqlite:///"), detect_types=sqlite3.PARSE_DECLTYPES)
    restored = psycopg2.connect(url)
    psycopg2.extras.register_default_jsonb(restored, loads=lambda text: text)  # as Django's cursor reads it
    return restored


def _rows(cursor, table):
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
    return sorted(cursor.fetchall(), key=repr)


def _read_every_member(path, identities) -> list[str]:
    with path.open("rb") as source, backup_archive.opened(source, identities) as members:
        return [member.name for member in members if members.extractfile(member).read() is not None]


def _engine():
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


needs_pg_dump = pytest.mark.skipif(
    connection.vendor == "postgresql" and subprocess.run(["which", "pg_dump"], capture_output=True).returncode,
    reason="pg_dump is not installed here",
)


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_the_database_row_for_row_and_the_photos_byte_for_byte(tmp_path, offline_key,
                                                                                   fresh_database):  # fmt: skip
    call_command("seed_demo", "--force", stdout=io.StringIO())
    erased = Household.objects.order_by("number").first()
    erased.erase()
    chapter, coordinator = Chapter.objects.order_by("pk").first(), get_user_model().objects.get(username="coordinator")
    kept = [_photo(chapter, coordinator, shade) for shade in (0, 40, 80)]
    planted = _planted(chapter, coordinator, "2026/01/planted-with-gps.jpg", images.jpeg_with_gps())
    path = _backup(tmp_path)
    sealed = path.read_bytes()
    assert path.name.endswith(".tar.age")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # nothing clear, nothing half-written
    for household in Household.objects.exclude(name=""):
        assert household.name.encode() not in sealed
    assert photo_storage().open(kept[0].image.name).read()[-4096:] not in sealed

    restored_photos = tmp_path / "restored-photos"
    result = _restore(path, offline_key, fresh_database, restored_photos)

    assert "Every chain holds." in result.stdout
    brought_back = Photo.objects.count() - 1  # all but the planted one: the demo's receipts and the three kept
    assert f"Photos brought back, each checked by the photo policy: {brought_back}." in result.stdout
    for photo in kept:
        restored = restored_photos / photo.image.name
        assert restored.read_bytes() == photo_storage().open(photo.image.name).read(), photo.image.name
        assert oct(restored.stat().st_mode & 0o777) == "0o640"  # the app's group only (PHOTO_ROOT's storage)
    assert f"Photo held back, not restored: {planted.image.name}: It carries metadata" in result.stderr
    assert not (restored_photos / planted.image.name).exists()
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

    _restore(path, offline_key, fresh_database, tmp_path / "restored-photos")

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
def test_a_backup_made_before_photos_were_backed_up_still_restores(tmp_path, offline_key, fresh_database, world):
    """Backups of the version before this one (the database alone, mimac-<engine>-<time>.age) are kept 30 days."""
    recipient = pyrage.x25519.Recipient.from_str(settings.BACKUP_PUBLIC_KEY)
    old = tmp_path / f"mimac-{_engine()}-20261101T021500Z.age"
    old.write_bytes(pyrage.encrypt(b"".join(backups.dump()), [recipient]))

    result = _restore(old, offline_key, fresh_database, tmp_path / "restored-photos")

    assert "made before backups held the photos" in result.stdout
    assert "Every chain holds." in result.stdout
    restored = _open(fresh_database)
    assert _rows(restored.cursor(), "mimac_chapter") == _rows(connection.cursor(), "mimac_chapter")
    restored.close()


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_photo_gone_from_the_server_is_named_by_the_backup_and_the_restore(tmp_path, offline_key, world):
    photo = _photo(world.chapter, world.coordinator.user, 0)
    Path(photo_storage().path(photo.image.name)).unlink()
    err = io.StringIO()
    call_command("backup", to=tmp_path / "backups", stdout=io.StringIO(), stderr=err)
    assert f"missing from PHOTO_ROOT, so it is not in the backup: {photo.image.name}" in err.getvalue()

    [path] = (tmp_path / "backups").glob("mimac-*.age")
    identities = [pyrage.x25519.Identity.from_str(offline_key.read_text().split()[-1])]
    names = _read_every_member(path, identities)
    assert names[0] == backup_archive.ABOUT
    assert names[-1] == backup_archive.MANIFEST
    assert not [name for name in names if name.startswith(backup_archive.PHOTOS)]


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backups_older_than_the_retention_are_deleted(tmp_path, offline_key):
    folder = tmp_path / "backups"
    folder.mkdir()
    old = folder / f"mimac-{_engine()}-20200101T000000Z.age"  # from before photos were in backups
    old.write_bytes(b"old")
    older = folder / f"mimac-{_engine()}-20200102T000000Z.tar.age"
    older.write_bytes(b"old")
    recent = folder / "mimac-sqlite-29990101T000000Z.tar.age"
    recent.write_bytes(b"from the future: kept")
    cut_off = folder / f".mimac-{_engine()}-20261201T021500Z.tar.age.partial"
    cut_off.write_bytes(b"a backup the server stopped in the middle of")
    out = io.StringIO()
    call_command("backup", to=folder, keep_days=30, stdout=out)
    assert not old.exists()
    assert not older.exists()
    assert not cut_off.exists()
    assert recent.exists()
    assert "Deleted mimac-" in out.getvalue()
    assert len(list(folder.glob("mimac-*.age"))) == 2
    assert JobRun.objects.get(job="backup").last_success_at is not None


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_public_key_there_is_no_backup_and_a_wrong_key_opens_none(tmp_path, settings, offline_key):
    path = _backup(tmp_path)
    wrong = [pyrage.x25519.Identity.generate()]
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(path), identity=str(offline_key), stdout=io.StringIO())
    with pytest.raises(backup_archive.ArchiveError, match="This key does not open this backup"):
        _read_every_member(path, wrong)
    settings.BACKUP_PUBLIC_KEY = ""
    with pytest.raises(CommandError, match="Set BACKUP_PUBLIC_KEY"):
        call_command("backup", to=tmp_path / "none", stdout=io.StringIO())
    assert JobRun.objects.get(job="backup").failing


@needs_pg_dump
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_cut_short_is_refused_even_after_its_last_member(tmp_path, offline_key, world):
    _photo(world.chapter, world.coordinator.user, 0)
    path = _backup(tmp_path)
    identities = [pyrage.x25519.Identity.from_str(offline_key.read_text().split()[-1])]
    cut = tmp_path / path.name
    cut.write_bytes(path.read_bytes()[:-20])  # the archive's end is there; age's last piece is not whole
    with pytest.raises(backup_archive.ArchiveError, match="damaged"):
        _read_every_member(cut, identities)


def test_the_archive_is_made_in_pieces_never_a_whole_photo_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(backup_archive, "CHUNK", 4096)
    photo = tmp_path / "big.jpg"
    photo.write_bytes(os.urandom(100_000))
    manifest = backup_archive.Manifest()
    pieces = backup_archive.stream(
        about={}, database=iter([b"x" * 4096, b"y" * 10]), photos=[("2026/01/big.jpg", photo)], manifest=manifest
    )
    chunks = list(pieces)
    assert max(map(len, chunks)) <= 4096
    with tarfile.open(fileobj=io.BytesIO(b"".join(chunks)), mode="r|") as archive:
        members = {member.name: archive.extractfile(member).read() for member in archive}
    assert members["photos/2026/01/big.jpg"] == photo.read_bytes()
    assert members["database/000001"] + members["database/000002"] == b"x" * 4096 + b"y" * 10
    assert list(members)[-1] == "manifest.json"
    assert backup_archive.Manifest.from_json(members["manifest.json"]) == manifest
