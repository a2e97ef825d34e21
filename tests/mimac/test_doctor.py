"""`manage.py doctor` (make doctor): quiet on a server set up as deploy/ says, and naming each thing wrong otherwise.

Each run is a fresh process, as on the server, with deploy/mimac.env.example's settings (its placeholders filled
in) on a SQLite database of its own where every job has run, and deploy/'s timers installed in a folder of its own.
"""

import datetime
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyrage
import pytest
from django.conf import settings

from mimac import jobs

DEPLOY = Path(settings.BASE_DIR) / "deploy"
EXAMPLE = DEPLOY / "mimac.env.example"
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def _example() -> dict[str, str]:
    lines = EXAMPLE.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _manage(configuration: dict[str, str], *args) -> subprocess.CompletedProcess:
    ignored = configuration.keys() | TEST_ONLY_VARIABLES | {"SYSTEMD_UNIT_DIR", "TRUSTED_PROXIES"}
    environment = {key: value for key, value in os.environ.items() if key not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR, env={**environment, **configuration}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _install_timers(folder: Path) -> None:
    (folder / "timers.target.wants").mkdir(parents=True)
    for unit in DEPLOY.glob("mimac-*"):
        if unit.suffix in {".service", ".timer"}:
            shutil.copy(unit, folder / unit.name)
    for timer in folder.glob("*.timer"):
        (folder / "timers.target.wants" / timer.name).symlink_to(timer)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> dict[str, str]:
    """The example's settings, filled in as an admin would, on a database where each job has just run."""
    folder = tmp_path_factory.mktemp("server")
    _install_timers(folder / "systemd")
    configuration = {
        **_example(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BACKUP_PUBLIC_KEY": str(pyrage.x25519.Identity.generate().to_public()),
        "DATABASE_URL": f"sqlite:///{folder / 'mimac.sqlite3'}",
        "PHOTO_ROOT": str(folder / "photos"),
        "BACKUP_DIR": str(folder / "backups"),
        "STATIC_ROOT": str(folder / "static"),
        "SYSTEMD_UNIT_DIR": str(folder / "systemd"),
    }
    assert not [value for value in configuration.values() if "CHANGE-ME" in value]
    assert _manage(configuration, "migrate", "--verbosity", "0").returncode == 0
    run_every_job = "; ".join(
        [
            "from django.core.management import call_command as run",
            "run('plan_pickups')",
            "run('plan_deliveries')",
            "run('verify_ledger')",
            "run('purge_households', apply=True)",
            "run('clearsessions')",
            "run('backup')",
        ]
    )
    ran = _manage(configuration, "shell", "-c", run_every_job)
    assert ran.returncode == 0, ran.stderr
    return configuration


def _mimac_check_ids(text: str) -> set[str]:
    return set(re.findall(r"\((mimac\.[EW]\d{3})\)", text))


def test_the_doctor_finds_nothing_wrong_on_a_server_set_up_as_deploy_says(server):
    result = _manage(server, "doctor")
    assert result.returncode == 0, result.stderr
    assert "The doctor found nothing wrong." in result.stdout
    for job in jobs.JOBS:
        assert re.search(rf"{job.command} +\d{{4}}-\d\d-\d\d .* ok$", result.stdout, re.MULTILINE), result.stdout


def _with_a_late_backup(server, tmp_path) -> dict[str, str]:
    database = tmp_path / "late.sqlite3"
    shutil.copy(server["DATABASE_URL"].removeprefix("sqlite:///"), database)
    three_days_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3)
    with sqlite3.connect(database) as connection:  # as Django writes a time to SQLite: UTC, without its zone
        connection.execute(
            "UPDATE mimac_jobrun SET last_success_at = ? WHERE job = 'backup'",
            [three_days_ago.strftime("%Y-%m-%d %H:%M:%S.%f")],
        )
    return {"DATABASE_URL": f"sqlite:///{database}"}


def _without_timers(server, tmp_path) -> dict[str, str]:
    folder = tmp_path / "systemd"
    _install_timers(folder)
    (folder / "timers.target.wants" / "mimac-verify-ledger.timer").unlink()  # installed, never enabled
    (folder / "mimac-backup.timer").unlink()
    return {"SYSTEMD_UNIT_DIR": str(folder)}


@pytest.mark.parametrize(
    ("change", "check", "says"),
    [
        (lambda server, tmp: {"SECRET_KEY": "changeme" * 8}, "mimac.E001", "SECRET_KEY is weak"),
        (lambda server, tmp: {"SECRET_KEY": "CHANGE-ME"}, "mimac.E001", "SECRET_KEY is weak"),
        (lambda server, tmp: {"BACKUP_PUBLIC_KEY": ""}, "mimac.E002", "BACKUP_PUBLIC_KEY is not set"),
        (lambda server, tmp: {"BACKUP_PUBLIC_KEY": "age1-not-a-key"}, "mimac.E002", "not an age public key"),
        (lambda server, tmp: {"BEHIND_PROXY": "0", "TRUSTED_PROXIES": "2"}, "mimac.W003", "TRUSTED_PROXIES is 2"),
        (
            _without_timers,
            "mimac.W010",
            ("mimac-backup.timer is not installed", "verify-ledger.timer is installed but not"),
        ),
        (_with_a_late_backup, "mimac.W011", "The job backup has not succeeded since"),
        (lambda server, tmp: {"HTTPS": "0"}, "security.W008", "SECURE_SSL_REDIRECT"),  # Django's check --deploy
    ],
    ids=[
        "weak secret key",
        "the example's secret key",
        "no backup key",
        "a bad backup key",
        "proxies without a proxy",
        "timers missing or not enabled",
        "a late job",
        "no HTTPS",
    ],
)
def test_the_doctor_names_each_thing_wrong_and_fails(server, tmp_path, change, check, says):
    result = _manage({**server, **change(server, tmp_path)}, "doctor")
    assert result.returncode == 1
    assert f"({check}) " in result.stderr
    for words in [says] if isinstance(says, str) else says:
        assert words in result.stderr
    assert _mimac_check_ids(result.stderr) <= {check}, "only what was changed is wrong"
    assert "The doctor found nothing wrong." not in result.stdout


def test_check_deploy_alone_runs_the_setting_checks_not_those_of_the_running_server(server, tmp_path):
    """At install, `check --deploy` comes before the first migrate and before the timers: it must not need them."""
    fresh = {**server, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "SYSTEMD_UNIT_DIR": str(tmp_path)}
    assert _manage(fresh, "check", "--deploy", "--fail-level", "WARNING").returncode == 0
    result = _manage({**fresh, "BACKUP_PUBLIC_KEY": ""}, "check", "--deploy", "--fail-level", "WARNING")
    assert _mimac_check_ids(result.stderr) == {"mimac.E002"}
    assert _mimac_check_ids(_manage(fresh, "doctor").stderr) == {"mimac.E012", "mimac.W010"}
