from django.core import checks
from django.core.management.base import BaseCommand
from django.utils import timezone

from mimac import jobs


class Command(BaseCommand):
    help = (
        "Check this server after every install and upgrade: Django's deployment checks (check --deploy) and "
        "MIMAC's own (mimac/checks.py: the secret key, the backup key, the proxy settings, the timers, the last "
        "run of each job). Lists the jobs' last runs, then the problems; exits non-zero on any warning or error."
    )
    requires_system_checks = []

    def handle(self, *args, **options):
        try:
            self._list_jobs()
        except Exception as error:  # the checks below say what is wrong, and fail
            self.stderr.write(f"The jobs' last runs cannot be read: {error}")
        self.check(
            include_deployment_checks=True,
            databases=["default"],
            fail_level=checks.WARNING,
            display_num_errors=True,
        )
        self.stdout.write(self.style.SUCCESS("The doctor found nothing wrong."))

    def _list_jobs(self):
        self.stdout.write("Periodic jobs (deploy/'s timers), last succeeded:")
        for status in jobs.statuses():
            last = status.last_success_at
            when = f"{timezone.localtime(last):%Y-%m-%d %H:%M %Z}" if last else "never"
            state = "FAILING" if status.failing else "LATE" if status.late else "ok"
            self.stdout.write(f"  {status.job.command:<17} {when:<22} runs {status.job.every:<12} {state}")
