import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from mimac.models import Chapter, Hub, Membership, Role, Trust

DEMO_PASSWORD = "demo-password"  # noqa: S105 - published in the README, for demo data only

# Fictional chapters: (name, code, hubs as (name, address, walk-in hours, cold storage, freezer)).
CHAPTERS = {
    "RIV": ("Riverside Mutual Aid", [
        ("Church Street Pantry", "12 Church St", "Tue and Thu 4–7 pm", True, False),
        ("Eastside Community Center", "880 E Grand Blvd", "Sat 10 am–1 pm", True, True),
    ]),
    "NGF": ("Northgate Food Share", [
        ("Northgate Hall", "3 Northgate Ave", "Wed 5–8 pm", False, False),
    ]),
}  # fmt: skip

# (username, name they use, chapter code, role, trusted); "admin" is a coalition admin.
PEOPLE = [
    ("coordinator", "Cora", "RIV", Role.COORDINATOR, True),
    ("volunteer", "Val", "RIV", Role.VOLUNTEER, True),
    ("auditor", "Audrey", "RIV", Role.AUDITOR, True),
    ("newcomer", "Nico", "RIV", Role.VOLUNTEER, False),
    ("coordinator2", "Noor", "NGF", Role.COORDINATOR, True),
]


class Command(BaseCommand):
    help = "Load fictional demo data for trying MIMAC out. Never run it on a real coalition's database."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")
        parser.add_argument("--password", default=DEMO_PASSWORD, help="Password for every demo account.")

    def handle(self, *args, force, password, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off, so this may be a real database. Re-run with --force if it is not.")
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

    @transaction.atomic
    def _load(self, password):
        User = get_user_model()
        User.objects.create_superuser(username="admin", password=password, first_name="Ada")
        chapters = {}
        for code, (name, hubs) in CHAPTERS.items():
            chapters[code] = Chapter.objects.create(name=name, code=code)
            for hub_name, address, hours, cold, freezer in hubs:
                Hub.objects.create(
                    chapter=chapters[code],
                    name=hub_name,
                    address=address,
                    walk_in_hours=hours,
                    cold_storage=cold,
                    freezer=freezer,
                )
        today = timezone.localdate()
        for username, first_name, code, role, trusted in PEOPLE:
            user = User.objects.create_user(username=username, password=password, first_name=first_name)
            Membership.objects.create(
                user=user,
                chapter=chapters[code],
                role=role,
                trust=Trust.TRUSTED if trusted else Trust.OBSERVING,
                joined_on=today - datetime.timedelta(days=400 if trusted else 10),
                trusted_since=today - datetime.timedelta(days=300) if trusted else None,
                role_since=today - datetime.timedelta(days=300 if trusted else 10),
            )
