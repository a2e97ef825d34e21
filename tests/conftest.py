import datetime
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis.configuration import set_hypothesis_home_dir

from mimac import two_factor
from mimac.models import Role, Trust
from money import services as money_services
from money.models import MoneySettings
from tests.factories import make_chapter, make_hub, make_member, make_user

# Hypothesis keeps its caches beside the tests unless told otherwise: a test run leaves nothing in the work tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "mimac-hypothesis")

# A test run leaves no file in the work tree: every file there (ignored ones too) is noted when the session
# starts and compared when it ends, except the tools' own folders and reports.
WORK_TREE = Path(__file__).resolve().parent.parent
UNWATCHED = {".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".ruff_cache", ".ci/artifacts"}
WORK_TREE_AT_START = pytest.StashKey[dict[str, tuple[int, int]]]()


def work_tree_files(root: Path = WORK_TREE) -> dict[str, tuple[int, int]]:
    """Every file below `root` but the unwatched ones, with its size and modification time."""
    files = {}
    for folder, subfolders, names in os.walk(root):
        here = Path(folder).relative_to(root)
        subfolders[:] = [name for name in subfolders if not {name, (here / name).as_posix()} & UNWATCHED]
        for name in names:
            if not name.startswith(".coverage"):
                status = (Path(folder) / name).stat()
                files[(here / name).as_posix()] = (status.st_size, status.st_mtime_ns)
    return files


def pytest_sessionstart(session):
    session.stash[WORK_TREE_AT_START] = work_tree_files()


def pytest_sessionfinish(session, exitstatus):
    before, after = session.stash[WORK_TREE_AT_START], work_tree_files()
    touched = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    if touched:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.ensure_newline()
        reporter.write_line(f"The test run added, changed or removed files in the work tree: {touched}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    # Real password hashing is slow on purpose; tests make many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production serves the hashed files collectstatic lists; tests read them straight from static/.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "photos": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.STATIC_ROOT = None


@pytest.fixture(autouse=True)
def _forced_sign_in_includes_the_second_factor(monkeypatch):
    """`force_login` skips the password, so it skips the second factor too; tests/mimac/test_two_factor.py
    signs in through both for real."""
    force_login = Client.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if two_factor.needs_two_factor(user):
            device, _created = TOTPDevice.objects.get_or_create(user=user, defaults={"name": "test", "confirmed": True})
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login_verified)


@pytest.fixture
def user(db):
    return make_user("member", first_name="Morgan")


@pytest.fixture
def signed_in_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    """Two chapters; in the first, a member of every standing; in the second, its own coordinator."""
    chapter = make_chapter()
    other_chapter = make_chapter("Northgate Food Share", "NGF")
    return SimpleNamespace(
        chapter=chapter,
        other_chapter=other_chapter,
        hub=make_hub(chapter),
        other_hub=make_hub(other_chapter, "Northgate Hall"),
        coordinator=make_member(chapter, "coordinator", Role.COORDINATOR),
        volunteer=make_member(chapter, "volunteer"),
        auditor=make_member(chapter, "auditor", Role.AUDITOR),
        observing=make_member(chapter, "newcomer", trust=Trust.OBSERVING, joined_days_ago=3),
        other_coordinator=make_member(other_chapter, "coordinator2", Role.COORDINATOR),
        admin=make_user("admin", is_superuser=True, is_staff=True),
    )


@pytest.fixture
def books(world):
    """Riverside's cash box (200.00 brought forward) and credit union account (1,000.00), opened 40 days ago;
    receipts needed above 25.00, every outflow countersigned (the default)."""
    MoneySettings.objects.create(chapter=world.chapter, receipt_above=Decimal(25))
    world.chapter.__dict__.pop("_money_settings", None)
    opened = world.chapter.today() - datetime.timedelta(days=40)
    by = world.coordinator.user
    accounts = {
        name: money_services.open_account(chapter=world.chapter, by=by, name=name, kind=kind, holds=holds, date=opened)
        for name, kind, holds in [("Cash box", "cash", Decimal(200)), ("Credit union", "bank", Decimal(1000))]
    }
    cash, bank = accounts["Cash box"], accounts["Credit union"]
    return SimpleNamespace(cash=cash, bank=bank, opened=opened)
