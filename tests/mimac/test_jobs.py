"""The periodic jobs record their runs, and say which are late or failing (mimac/jobs.py)."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from mimac import jobs
from mimac.models import JobRun


@pytest.mark.parametrize("job", jobs.JOBS, ids=lambda job: job.command)
def test_every_jobs_command_records_its_runs(job):
    command = load_command_class(get_commands()[job.command], job.command)
    assert isinstance(command, jobs.PeriodicJob), f"{job.command}'s Command must inherit jobs.PeriodicJob"


@pytest.mark.parametrize(
    ("command", "arguments"),
    [("plan_pickups", {}), ("verify_ledger", {}), ("purge_households", {"apply": True}), ("clearsessions", {})],
)
def test_a_run_that_ends_well_is_recorded_as_a_success(world, command, arguments):
    before = timezone.now()
    call_command(command, stdout=io.StringIO(), **arguments)
    run = JobRun.objects.get(job=command)
    assert run.last_success_at >= before
    assert not run.failing


@pytest.mark.parametrize(
    ("command", "arguments"), [("purge_households", {}), ("verify_ledger", {"chapter": "RIV"})], ids=["dry run", "one"]
)
def test_a_dry_run_or_a_part_of_the_job_is_not_its_run(world, command, arguments):
    call_command(command, stdout=io.StringIO(), **arguments)
    assert not JobRun.objects.filter(job=command).exists()


def test_a_run_that_fails_is_recorded_with_its_reason_and_a_later_success_clears_it(world, settings, tmp_path):
    settings.BACKUP_PUBLIC_KEY = ""
    with pytest.raises(CommandError):
        call_command("backup", to=tmp_path, stdout=io.StringIO())
    run = JobRun.objects.get(job="backup")
    assert run.failing
    assert run.last_failure.startswith("Set BACKUP_PUBLIC_KEY")
    [status] = [status for status in jobs.needing_attention() if status.job.command == "backup"]
    assert status.failing
    assert not status.late

    JobRun.succeeded("backup")
    assert "backup" not in {status.job.command for status in jobs.needing_attention()}


def _age_database(days: int) -> None:
    MigrationRecorder.Migration.objects.update(applied=timezone.now() - datetime.timedelta(days=days))


def test_a_job_is_late_once_its_period_and_the_grace_have_passed_since_it_last_succeeded(db):
    now = timezone.now()
    JobRun.succeeded("plan_pickups", at=now - jobs.DAY - jobs.GRACE + datetime.timedelta(minutes=5))
    JobRun.succeeded("verify_ledger", at=now - jobs.DAY - jobs.GRACE - datetime.timedelta(minutes=5))
    JobRun.succeeded("purge_households", at=now - datetime.timedelta(days=30))  # monthly: in time
    late = {status.job.command for status in jobs.needing_attention(now)}
    assert "verify_ledger" in late
    assert "plan_pickups" not in late
    assert "purge_households" not in late


def test_a_job_that_never_ran_is_late_only_once_the_database_is_older_than_its_period(db):
    # Installed an hour ago: the timers have not fired yet.
    _age_database(0)
    assert jobs.needing_attention() == []
    # Installed two days ago, and nothing ever ran: no timer was installed.
    _age_database(2)
    late = {status.job.command for status in jobs.needing_attention()}
    assert late == {job.command for job in jobs.JOBS if job.period == jobs.DAY}
