from django.contrib.sessions.management.commands import clearsessions

from mimac.jobs import PeriodicJob


class Command(PeriodicJob, clearsessions.Command):
    """Django's clearsessions, recording its runs like every periodic job (mimac comes before
    django.contrib.sessions in INSTALLED_APPS, so this is the command manage.py finds)."""
