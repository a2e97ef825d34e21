from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from mimac.demo import CHAPTERS, PEOPLE
from mimac.models import Chapter

DEMO_PASSWORD = "demo-password"  # noqa: S105 - published in the README, for demo data only


class Command(BaseCommand):
    help = (
        "Load fictional demo data for trying MIMAC out: each app's demo.py, in the order of INSTALLED_APPS. "
        "Never run it on a real coalition's database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for every demo account.")
        parser.add_argument(
            "--fresh",
            action="store_true",
            help="Start the database again and load the demo dated today (a database holding only the demo).",
        )

    def handle(self, *args, force, password, fresh, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off, so this may be a real database. Re-run with --force if it is not.")
        if fresh:
            self._start_again()
        if Chapter.objects.filter(code__in=CHAPTERS).exists():
            self.stdout.write("Demo data is already loaded; nothing changed.")
            password_note = f"the password given when it was loaded ({DEMO_PASSWORD} by default)"
        else:
            self._load(password)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            password_note = password
        self.stdout.write(f"Demo accounts, each with {password_note}:")
        self.stdout.write(f"  {'admin':<14} coalition admin")
        for username, _, code, role, trusted in PEOPLE:
            standing = role.label if trusted else f"{role.label}, observing"
            self.stdout.write(f"  {username:<14} {standing} in {CHAPTERS[code][0]}")

    def _start_again(self):
        """Every table dropped and made again by the migrations: ledger rows are never deleted, and what the
        migrations bring (the categories) comes back with them."""
        tables = connection.introspection.table_names()
        if Chapter._meta.db_table in tables and Chapter.objects.exclude(code__in=CHAPTERS).exists():
            raise CommandError("This database holds chapters that are not the demo's: --fresh would erase them.")
        cascade = " CASCADE" if connection.vendor == "postgresql" else ""
        with connection.constraint_checks_disabled(), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}{cascade}")
        call_command("migrate", verbosity=0)
        self.stdout.write("The database was started again.")

    @transaction.atomic
    def _load(self, password):
        # Each app brings its own demo data, so the core needs to know nothing of the apps above it.
        for app in apps.get_app_configs():
            if find_spec(f"{app.name}.demo"):
                import_module(f"{app.name}.demo").load(password)
