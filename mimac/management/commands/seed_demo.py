from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

DEMO_PASSWORD = "demo-password"  # noqa: S105 - published in the README, for demo data only
DEMO_USERS = [
    # username, first name, superuser
    ("admin", "Ada", True),
    ("coordinator", "Cora", False),
]


class Command(BaseCommand):
    help = "Load fictional demo data for trying MIMAC out. Never run it on a real coalition's database."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for every demo account.")

    def handle(self, *args, force, password, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off, so this may be a real database. Re-run with --force if it is not.")
        User = get_user_model()
        if User.objects.filter(username__in=[username for username, _, _ in DEMO_USERS]).exists():
            self.stdout.write("Demo data is already loaded; nothing changed.")
            password_note = f"the password given when it was loaded ({DEMO_PASSWORD} by default)"
        else:
            self._create_users(password)
            self.stdout.write(self.style.SUCCESS("Demo data loaded."))
            password_note = password
        self.stdout.write(f"Demo accounts, each with {password_note}:")
        for username, _, superuser in DEMO_USERS:
            role = "coalition admin" if superuser else "coordinator"
            self.stdout.write(f"  {username:<14} {role}")

    @transaction.atomic
    def _create_users(self, password):
        User = get_user_model()
        for username, first_name, superuser in DEMO_USERS:
            User.objects.create_user(
                username=username,
                password=password,
                first_name=first_name,
                is_superuser=superuser,
                is_staff=superuser,
            )
