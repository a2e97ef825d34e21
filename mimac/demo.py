"""Fictional demo data of the core: two chapters, their hubs, and a member of every standing."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from mimac.models import Chapter, Hub, Membership, Role, Trust

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


def load(password: str) -> None:
    User = get_user_model()
    User.objects.create_superuser(username="admin", password=password, first_name="Ada")
    chapters, today = {}, timezone.localdate()
    for code, (name, hubs) in CHAPTERS.items():
        # In use since before the demo's oldest records (households taken in half a year ago).
        chapters[code] = Chapter.objects.create(name=name, code=code, started_on=today - datetime.timedelta(days=400))
        for hub_name, address, hours, cold, freezer in hubs:
            Hub.objects.create(
                chapter=chapters[code],
                name=hub_name,
                address=address,
                walk_in_hours=hours,
                cold_storage=cold,
                freezer=freezer,
            )
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
