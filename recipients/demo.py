"""About 40 fictional households with varied needs, languages and statuses."""

import datetime

from django.contrib.auth import get_user_model

from mimac.models import Chapter
from recipients.models import Household

FIRST_NAMES = [
    "Amina", "Bilal", "Chen", "Dolores", "Emeka", "Fatima", "Gustavo", "Hana", "Ibrahim", "Joy",
    "Kateryna", "Luis", "Mariam", "Nguyen", "Olga", "Priya", "Quentin", "Rosa", "Samir", "Tomas",
]  # fmt: skip
STREETS = ["Oak St", "Elm St", "Grand Blvd", "Vernor Hwy", "Dexter Ave", "Warren Ave", "Mack Ave", "Livernois Ave"]
LANGUAGES = ["en", "en", "es", "ar", "bn", "es", "ar", "en", "vi", "so", "uk", "bn"]
DIETS = [[], ["halal"], ["diabetic"], [], ["vegetarian"], ["low_sodium", "diabetic"], ["kosher"], ["baby_food"], []]
NON_FOOD = [[], ["diapers"], ["hygiene"], [], ["school_supplies", "books"], ["clothing"], []]
REASONS = ["mobility", "disability", "no_transport", "mobility", "other"]


def load(password: str) -> None:
    for code, count in (("RIV", 40), ("NGF", 6)):
        chapter = Chapter.objects.get(code=code)
        coordinator = (
            get_user_model().objects.filter(memberships__chapter=chapter, memberships__role="coordinator").first()
        )
        hubs = list(chapter.hubs.all())
        today = chapter.today()
        for number in range(1, count + 1):
            size = 1 + number % 6
            walk_in = number % 4 == 0
            non_food = NON_FOOD[number % len(NON_FOOD)]
            Household.objects.create(
                chapter=chapter,
                number=number,
                name=f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {chr(65 + number % 26)}.",
                mode=Household.Mode.WALK_IN if walk_in else Household.Mode.DELIVERY,
                address="" if walk_in else f"{100 + number * 7} {STREETS[number % len(STREETS)]}",
                unit="" if number % 3 else f"Apt {number % 9 + 1}",
                access_notes=["", "Buzzer 12", "Third floor, no elevator", "Dog in the yard, friendly"][number % 4],
                hub=hubs[number % len(hubs)] if walk_in else None,
                delivery_reason="" if walk_in else REASONS[number % len(REASONS)],
                delivery_window=["any", "morning", "afternoon", "evening"][number % 4],
                size=size,
                children=min(size - 1, number % 3),
                seniors=1 if number % 5 == 0 and size > 1 else 0,
                dietary_needs=DIETS[number % len(DIETS)],
                allergies=["", "", "peanuts", "", "shellfish", ""][number % 6],
                language=LANGUAGES[number % len(LANGUAGES)],
                non_food_needs=non_food,
                diaper_size="size 4" if "diapers" in non_food else "",
                contact=["phone", "in_person", "paper_only"][number % 3],
                phone=f"(313) 555-02{number:02d}" if number % 3 == 0 else "",
                status="paused" if number % 11 == 0 else "ended" if number % 13 == 0 else "active",
                status_since=today - datetime.timedelta(days=30 + number * 3),
                consent_on=today - datetime.timedelta(days=60 + number * 3),
                consent_recorded_by=coordinator,
            )
