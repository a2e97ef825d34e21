import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "mimac.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://mimac.example.org",
    "HTTPS": "1",
    "BEHIND_PROXY": "1",
    # The public half of a key pair whose private half nobody kept: a backup key is part of a production setup.
    "BACKUP_PUBLIC_KEY": "age19l2rqxl0kl4w99x7jsljs6lqj8wcawk79hqhjvq9jlsyjc7ngeequ2phjg",
}


# Set by the browser tests for their own process; a server never has it.
TEST_ONLY_VARIABLES = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, **env):
    """Run manage.py in a fresh process, as the server would start, with only these variables set."""
    ignored = PRODUCTION.keys() | TEST_ONLY_VARIABLES
    environment = {key: value for key, value in os.environ.items() if key not in ignored}
    # The default database is a file in the work tree, which SQLite makes on connecting: one outside it instead.
    environment.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'mimac-settings.sqlite3'}")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_the_local_defaults_fail_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql://root@localhost/mimac"),
        ("DATABASE_URL", "not a url"),
        ("TIME_ZONE", "Mars/Olympus_Mons"),
        ("SESSION_IDLE_MINUTES", "ten"),
        ("SESSION_IDLE_MINUTES", "0"),
        ("LOG_LEVEL", "LOUD"),
        ("TRUSTED_PROXIES", "0"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    result = manage("check", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_the_app_cannot_send_email():
    result = manage(
        "shell", "-c", "from django.core.mail import send_mail; send_mail('s', 'b', 'a@x.org', ['b@x.org'])"
    )
    assert "MailerDoesNotExist" in result.stderr


def test_debug_is_off_unless_asked_for():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    assert result.stdout.splitlines()[-1] == "False"


def test_postgresql_connections_price_random_reads_for_ssds_unless_the_url_says_otherwise():
    show = "from django.db import connection; print(connection.settings_dict['OPTIONS'].get('options'))"
    default = manage("shell", "-c", show, DATABASE_URL="postgres://postgres@127.0.0.1:5432/mimac")
    assert default.stdout.splitlines()[-1] == "-c random_page_cost=1.1"
    url = "postgres://postgres@127.0.0.1:5432/mimac?options=-c%20random_page_cost%3D4"
    assert manage("shell", "-c", show, DATABASE_URL=url).stdout.splitlines()[-1] == "-c random_page_cost=4"


def test_a_server_process_settles_what_start_up_made_out_of_the_collectors_way():
    result = manage("shell", "-c", "import gc, mimac.wsgi; print(gc.get_freeze_count() > 10_000)")
    assert result.stdout.splitlines()[-1] == "True", result.stderr
