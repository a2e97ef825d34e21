"""MIMAC's own system checks, run by `manage.py doctor` (and the first three by `check --deploy`).

- mimac.E001: SECRET_KEY is weak (the local default, short, or made of few different characters).
- mimac.E002: BACKUP_PUBLIC_KEY is not set, or is not an age public key.
- mimac.W003: TRUSTED_PROXIES says there are proxies, but BEHIND_PROXY is off, so it is ignored.
- mimac.W010: with SYSTEMD_TIMERS, a job's timer is not installed or not enabled (deploy/).
- mimac.W011: a periodic job has not succeeded within its period, or its last run failed (mimac/jobs.py).
- mimac.E012: the database cannot be read (not migrated, or not reachable), so no job can be looked at.

The last three look at the running server rather than its settings, so they are tagged `database` as well:
Django runs them only when a database is named (`check --deploy --database default`, which `doctor` does), not
at `check --deploy` before the first migrate.
"""

import math

import pyrage
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone

# A key is strong enough when its length times the bits of its alphabet (log2 of its different characters) reaches
# this: 64 hex digits (`openssl rand -hex 32`) give 256, Django's get_random_secret_key() about 250, a sentence
# typed by hand or a word repeated far less. An estimate that cannot see a pattern, but catches the usual slips.
SECRET_KEY_MIN_BITS = 200
SECRET_KEY_MIN_LENGTH = 50
LOCAL_SECRET_KEY_PREFIX = "django-insecure"  # noqa: S105 (what the local default starts with)
OPERATIONS = "mimac_operations"


def secret_key_bits(key: str) -> float:
    different = len(set(key))
    return len(key) * math.log2(different) if different > 1 else 0.0


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    key = settings.SECRET_KEY
    if key.startswith(LOCAL_SECRET_KEY_PREFIX):
        problem = "SECRET_KEY is the local development key."
    elif len(key) < SECRET_KEY_MIN_LENGTH or secret_key_bits(key) < SECRET_KEY_MIN_BITS:
        problem = (
            f"SECRET_KEY is weak: {len(key)} characters, {len(set(key))} of them different "
            f"(about {secret_key_bits(key):.0f} bits; at least {SECRET_KEY_MIN_LENGTH} characters and "
            f"{SECRET_KEY_MIN_BITS} bits are needed)."
        )
    else:
        return []
    hint = 'Make one with: python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    return [Error(problem, hint=hint, id="mimac.E001")]


@register(Tags.security, deploy=True)
def check_backup_key(app_configs, **kwargs):
    key = settings.BACKUP_PUBLIC_KEY.strip()
    hint = "Make the key pair on a machine you trust (README, Backups) and set its public half (age1…)."
    if not key:
        return [Error("BACKUP_PUBLIC_KEY is not set: there can be no backup.", hint=hint, id="mimac.E002")]
    try:
        pyrage.x25519.Recipient.from_str(key)
    except Exception:  # pyrage raises its own error types for a malformed key
        return [Error("BACKUP_PUBLIC_KEY is not an age public key (age1…).", hint=hint, id="mimac.E002")]
    return []


@register(Tags.security, deploy=True)
def check_proxy_settings(app_configs, **kwargs):
    if settings.TRUSTED_PROXIES > 1 and not settings.BEHIND_PROXY:
        return [
            Warning(
                f"TRUSTED_PROXIES is {settings.TRUSTED_PROXIES} but BEHIND_PROXY is off: X-Forwarded-For is ignored "
                "and every client has the proxy's address, so one person's failed sign-ins pause everyone's.",
                hint="Behind nginx (deploy/), set BEHIND_PROXY=1; without a proxy, leave TRUSTED_PROXIES unset.",
                id="mimac.W003",
            )
        ]
    return []


@register(OPERATIONS, Tags.database, deploy=True)
def check_timers(app_configs, databases=None, **kwargs):
    if not settings.SYSTEMD_TIMERS or not databases:
        return []
    from mimac import jobs

    folder = settings.SYSTEMD_UNIT_DIR
    problems = []
    for job in jobs.JOBS:
        if not (folder / job.timer).is_file():
            problem = f"The timer {job.timer} is not installed in {folder}: {job.command} never runs."
        elif not (folder / "timers.target.wants" / job.timer).exists():
            problem = f"The timer {job.timer} is installed but not enabled: {job.command} never runs."
        else:
            continue
        hint = f"Copy deploy/{job.timer} and deploy/{job.unit}.service there, then: systemctl enable --now {job.timer}"
        problems.append(Warning(problem, hint=hint, id="mimac.W010"))
    return problems


@register(OPERATIONS, Tags.database, deploy=True)
def check_jobs(app_configs, databases=None, **kwargs):
    if not databases:
        return []
    from mimac import jobs

    try:
        statuses = jobs.statuses()
    except DatabaseError as error:
        return [Error(f"The database cannot be read: {error}", hint="Run manage.py migrate.", id="mimac.E012")]
    problems = []
    for status in statuses:
        job, run = status.job, status.run
        if status.failing:
            problem = f"The job {job.command} failed at {_when(run.last_failure_at)}: {run.last_failure}"
        elif status.late and status.last_success_at:
            problem = (
                f"The job {job.command} has not succeeded since {_when(status.last_success_at)} (it runs {job.every})."
            )
        elif status.late:
            problem = f"The job {job.command} has never run (it runs {job.every})."
        else:
            continue
        hint = f"See journalctl -u {job.unit}.service; run it now with systemctl start {job.unit}.service"
        problems.append(Warning(problem, hint=hint, id="mimac.W011"))
    return problems


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}"
