"""The periodic jobs a MIMAC server runs, how often, and whether each ran in time.

This is the one place a job's period is declared. deploy/ has a systemd timer for each (mimac-<job>.timer,
tests/test_deploy.py holds the two together); each job's command records its runs (PeriodicJob); the admin's
home lists any job that is late or failing, and `manage.py doctor` says the same. A job that stops running is
the usual silent failure: a timer never installed, a unit failing every night, a server moved without them.
"""

import datetime
import logging
from dataclasses import dataclass

from django.db import DatabaseError
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mimac.models import JobRun

logger = logging.getLogger(__name__)

DAY = datetime.timedelta(days=1)
MONTH = datetime.timedelta(days=31)  # the longest gap between two firsts of a month
# A run may start late (a timer catches up after the server was off) and take a while (a backup): a job is
# late only once its period and this much more have passed since it last succeeded.
GRACE = datetime.timedelta(hours=3)


@dataclass(frozen=True)
class Job:
    command: str  # the management command, and the job's name
    period: datetime.timedelta  # how often its timer runs it
    what: Promise  # what it does, in a few words people read

    @property
    def unit(self) -> str:
        """The systemd unit's name without its suffix: mimac-plan-pickups for plan_pickups."""
        return "mimac-" + self.command.replace("_", "-")

    @property
    def timer(self) -> str:
        return f"{self.unit}.timer"

    @property
    def every(self) -> Promise:
        return _("every day") if self.period == DAY else _("every month")


JOBS = (
    Job("plan_pickups", DAY, _("Plans the pickups of the next eight weeks from the schedules")),
    Job("plan_deliveries", DAY, _("Plans the delivery routes from the standing arrangements")),
    Job("verify_ledger", DAY, _("Checks every chapter's ledger chain")),
    Job("purge_households", MONTH, _("Erases the personal data of households past the retention period")),
    Job("clearsessions", DAY, _("Deletes sessions that have ended")),
    Job("backup", DAY, _("Backs up the database and the photos, encrypted")),
)


@dataclass(frozen=True)
class JobStatus:
    job: Job
    run: JobRun | None
    late: bool  # not succeeded within its period (and grace)

    @property
    def failing(self) -> bool:
        return self.run is not None and self.run.failing

    @property
    def ok(self) -> bool:
        return not (self.late or self.failing)

    @property
    def last_success_at(self) -> datetime.datetime | None:
        return self.run.last_success_at if self.run else None


def statuses(now: datetime.datetime | None = None) -> list[JobStatus]:
    """Every job, with its last runs and whether it is late or failing."""
    now = now or timezone.now()
    runs = {run.job: run for run in JobRun.objects.all()}
    installed_since = None
    result = []
    for job in JOBS:
        run = runs.get(job.command)
        last = run.last_success_at if run else None
        if last is None:
            # A job that never ran is late once the database is older than its period: not on the day of install.
            installed_since = installed_since or _database_made_at() or now
            last = installed_since
        result.append(JobStatus(job=job, run=run, late=now - last > job.period + GRACE))
    return result


def needing_attention(now: datetime.datetime | None = None) -> list[JobStatus]:
    return [status for status in statuses(now) if not status.ok]


def _database_made_at() -> datetime.datetime | None:
    """When the database was made: its first migration."""
    first = MigrationRecorder.Migration.objects.order_by("applied").values_list("applied", flat=True).first()
    return first


class PeriodicJob:
    """A periodic job's management command records each run: `class Command(PeriodicJob, BaseCommand)`.

    A run that ends without an error is a success; one that raises is a failure, with its message. A command
    whose options make a run something else (a dry run) says so in `counts_as_run`; such runs are not recorded.
    """

    def counts_as_run(self, options: dict) -> bool:
        return True

    def execute(self, *args, **options):
        job = type(self).__module__.rpartition(".")[2]
        counts = self.counts_as_run(options)
        try:
            output = super().execute(*args, **options)
        except Exception as error:
            if counts:
                _record(JobRun.failed, job, str(error) or type(error).__name__)
            raise
        if counts:
            _record(JobRun.succeeded, job)
        return output


def _record(method, *args) -> None:
    # The job's own outcome stands even when it cannot be recorded (the database went away): say so in the log.
    try:
        method(*args)
    except DatabaseError as error:
        logger.error("Could not record the run of %s: %s", args[0], error)
