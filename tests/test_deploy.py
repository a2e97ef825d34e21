"""The deploy kit (deploy/) agrees with the app: a unit and a timer for each periodic job at its period, the same
hardening and umask everywhere, gunicorn believing nginx alone, nginx's sizes fitting the app's upload limits,
and the README's lines in the site. `.ci/deploy-check` has systemd and nginx read the same files."""

import configparser
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from mimac import jobs

DEPLOY = Path(settings.BASE_DIR) / "deploy"
SITE = (DEPLOY / "nginx-mimac.conf").read_text()
PYTHON = "/srv/mimac/.venv/bin/python /srv/mimac/manage.py"
DAILY = re.compile(r"^\*-\*-\* (\d\d):(\d\d):00$")
MONTHLY = re.compile(r"^\*-\*-01 (\d\d):(\d\d):00$")


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False, empty_lines_in_values=False)
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read_string((DEPLOY / name).read_text().replace("\\\n", " "))  # a line continued with a backslash
    return unit


def _nginx(directive: str) -> list[str]:
    return re.findall(rf"^\s*{re.escape(directive)}\s+([^;]+);", SITE, re.MULTILINE)


def _bytes(size: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([km]?)", size).groups()
    return int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


@pytest.mark.parametrize("job", jobs.JOBS, ids=lambda job: job.command)
def test_each_job_has_a_unit_that_runs_its_command_and_a_timer_at_its_period(job):
    service, timer = _unit(f"{job.unit}.service"), _unit(job.timer)
    command = service["Service"]["ExecStart"].removeprefix(PYTHON + " ").split()
    assert command[0] == job.command
    assert service["Service"]["Type"] == "oneshot"
    calendar = timer["Timer"]["OnCalendar"]
    assert (DAILY if job.period == jobs.DAY else MONTHLY).match(calendar), f"{job.timer} runs {calendar}"
    assert timer["Timer"]["Persistent"] == "true"  # a night the server was off is caught up
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_there_is_no_unit_without_its_job():
    expected = {f"{job.unit}.{kind}" for job in jobs.JOBS for kind in ("service", "timer")} | {"mimac.service"}
    assert {path.name for path in DEPLOY.glob("*.service")} | {path.name for path in DEPLOY.glob("*.timer")} == expected


def test_the_retention_purge_applies_and_sessions_are_cleared_before_the_backup():
    assert _unit("mimac-purge-households.service")["Service"]["ExecStart"] == f"{PYTHON} purge_households --apply"
    cleared = DAILY.match(_unit("mimac-clearsessions.timer")["Timer"]["OnCalendar"]).groups()
    backed_up = DAILY.match(_unit("mimac-backup.timer")["Timer"]["OnCalendar"]).groups()
    assert cleared < backed_up, "ended sessions are deleted before they could be copied into the backup"


@pytest.mark.parametrize("name", sorted(path.name for path in DEPLOY.glob("*.service")))
def test_every_unit_runs_as_mimac_with_its_umask_environment_and_sandbox(name):
    service = _unit(name)["Service"]
    assert service["UMask"] == "0027", "files the app writes are never everyone's"
    assert (service["User"], service["Group"]) == ("mimac", "mimac")
    assert service["WorkingDirectory"] == "/srv/mimac"
    assert service["EnvironmentFile"] == "/etc/mimac/mimac.env"
    assert (service["StateDirectory"], service["StateDirectoryMode"]) == ("mimac", "0750")
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"


def test_gunicorn_listens_on_loopback_and_believes_the_forwarded_headers_of_nginx_alone():
    command = _unit("mimac.service")["Service"]["ExecStart"].split()
    assert command[:2] == ["/srv/mimac/.venv/bin/gunicorn", "mimac.wsgi"]
    assert command[command.index("--bind") + 1] == "127.0.0.1:8000"
    assert command[command.index("--forwarded-allow-ips") + 1] == "127.0.0.1"
    assert set(_nginx("proxy_pass")) == {"http://127.0.0.1:8000"}


def test_a_body_over_nginxs_limit_gets_the_apps_page_which_nothing_else_reaches_through_nginx():
    [page] = _nginx("error_page")
    assert page == "413 " + reverse("too_large")
    location = re.search(r"location = (\S+) \{([^}]*)\}", SITE)
    assert location.group(1) == reverse("too_large")
    assert "internal;" in location.group(2)


def test_nginx_keeps_every_body_the_app_accepts_in_memory_and_never_on_disk():
    [largest], [buffer] = _nginx("client_max_body_size"), _nginx("client_body_buffer_size")
    assert largest == buffer, "a body larger than the buffer would be written to a temporary file"
    assert _nginx("client_body_in_single_buffer") == ["on"]
    # A photo at the app's limit and the form around it; the household import's preview (DATA_UPLOAD_MAX_MEMORY_SIZE).
    assert _bytes(largest) >= settings.PHOTO_MAX_BYTES + 512 * 1024
    assert _bytes(largest) >= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "proxy_request_buffering" not in SITE, "nginx holds the whole body, so a slow upload holds no worker"


def test_nginx_serves_tls_and_sets_the_forwarded_headers_itself():
    assert "listen 443 ssl;" in SITE
    headers = dict(header.split(None, 1) for header in _nginx("proxy_set_header"))
    assert headers == {
        "Host": "$host",
        "X-Forwarded-Host": "$host",
        "X-Forwarded-Proto": "$scheme",
        "X-Forwarded-For": "$proxy_add_x_forwarded_for",
    }
    assert _nginx("return") == ["301 https://$host$request_uri", "444"]


def test_the_readmes_nginx_lines_are_the_sites():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    [block] = re.findall(r"```nginx\n(.*?)```", readme, re.DOTALL)
    lines = [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]
    site_lines = {line.strip() for line in SITE.splitlines()}
    assert lines
    assert [line for line in lines if line not in site_lines] == []


def test_the_example_environment_file_reads_the_same_to_systemd_and_to_the_shell():
    for line in (DEPLOY / "mimac.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[A-Z_]+=[A-Za-z0-9_.:/@-]*", line), line


def test_mimac_manage_runs_a_command_with_the_environment_file_and_the_units_umask(tmp_path):
    environment_file = tmp_path / "mimac.env"
    environment_file.write_text("ALLOWED_HOSTS=mimac.example.org\nTIME_ZONE=Europe/Lisbon\n")
    show = "import os; from django.conf import settings as s; print(oct(os.umask(0o27)), s.ALLOWED_HOSTS, s.TIME_ZONE)"
    result = subprocess.run(
        [DEPLOY / "mimac-manage", "shell", "-c", show],
        env={
            **{key: value for key, value in os.environ.items() if key not in {"ALLOWED_HOSTS", "TIME_ZONE"}},
            "MIMAC_DIR": str(settings.BASE_DIR),
            "MIMAC_ENV": str(environment_file),
            "MIMAC_USER": subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip(),
            "MIMAC_PYTHON": sys.executable,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        },
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "0o27 ['mimac.example.org'] Europe/Lisbon"
