"""What the server's periodic jobs last did (mimac/jobs.py says which jobs there are and how often they run)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A failure's message is kept this long: enough for "pg_dump failed: …" or the chapter whose chain broke.
FAILURE_LENGTH = 300


class JobRun(models.Model):
    """One row per periodic job: when it last succeeded and last failed. A job that stops running (a timer never
    installed, a unit that fails every night) is the usual silent failure; this is how the admin's home sees it."""

    job = models.CharField(_("job"), max_length=40, unique=True)
    last_success_at = models.DateTimeField(_("last succeeded at"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failed at"), null=True, blank=True)
    last_failure = models.CharField(_("last failure"), max_length=FAILURE_LENGTH, blank=True)

    class Meta:
        ordering = ["job"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self):
        return f"{self.job}: last succeeded {self.last_success_at or 'never'}"

    @property
    def failing(self) -> bool:
        """Whether the last run failed (a failure after the last success, or with none at all)."""
        return self.last_failure_at is not None and (
            self.last_success_at is None or self.last_failure_at > self.last_success_at
        )

    @classmethod
    def succeeded(cls, job: str, at=None) -> "JobRun":
        run, _created = cls.objects.update_or_create(job=job, defaults={"last_success_at": at or timezone.now()})
        return run

    @classmethod
    def failed(cls, job: str, problem: str, at=None) -> "JobRun":
        defaults = {"last_failure_at": at or timezone.now(), "last_failure": problem[:FAILURE_LENGTH]}
        run, _created = cls.objects.update_or_create(job=job, defaults=defaults)
        return run
