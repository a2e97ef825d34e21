"""Households: the people the network exists for, and the data most dangerous to leak.

Collect little, show it only to who needs it, forget it on time. No photo field exists here, and a
test makes sure none is ever added.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mimac import extensions
from mimac.models import Chapter, Hub, Versioned


class DietaryNeed(models.TextChoices):
    HALAL = "halal", _("Halal")
    KOSHER = "kosher", _("Kosher")
    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    DIABETIC = "diabetic", _("Diabetic")
    LOW_SODIUM = "low_sodium", _("Low sodium")
    GLUTEN_FREE = "gluten_free", _("Gluten free")
    BABY_FOOD = "baby_food", _("Baby food")
    SOFT_FOOD = "soft_food", _("Soft food")


class NonFoodNeed(models.TextChoices):
    DIAPERS = "diapers", _("Diapers")
    CLOTHING = "clothing", _("Clothing")
    HYGIENE = "hygiene", _("Hygiene products")
    SCHOOL_SUPPLIES = "school_supplies", _("School supplies")
    BOOKS = "books", _("Books")


def choice_labels(choices: type[models.TextChoices], codes: list[str]) -> str:
    """A list of choices as people read it, "Halal, Low sodium": the labels, as get_FOO_display shows one."""
    labels = dict(choices.choices)
    return ", ".join(str(labels.get(code, code)) for code in codes)


# The languages chapters meet most; a household's preferred language is one of these (ISO 639-1).
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("bn", _("Bengali")),
    ("fr", _("French")),
    ("zh", _("Chinese")),
    ("vi", _("Vietnamese")),
    ("so", _("Somali")),
    ("sw", _("Swahili")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("ht", _("Haitian Creole")),
    ("pt", _("Portuguese")),
    ("tl", _("Tagalog")),
    ("hi", _("Hindi")),
    ("ur", _("Urdu")),
]
LANGUAGE_LABELS = dict(LANGUAGES)


class HouseholdQuerySet(models.QuerySet):
    def by_code(self, chapter, code: str):
        """The chapter's household with this code ("RIV-0012", or just "12"), or None."""
        prefix, _dash, number = code.strip().upper().rpartition("-")
        if prefix not in ("", chapter.code) or not (number.isascii() and number.isdigit() and len(number) <= 9):
            return None
        return self.filter(chapter=chapter, number=int(number)).first()

    def due_for_purge(self, before):
        """Paused or ended since before `before`, and not yet erased."""
        statuses = [Household.Status.PAUSED, Household.Status.ENDED]
        return self.filter(status__in=statuses, status_since__lt=before, purged_at__isnull=True)


class Household(Versioned):
    class Mode(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        WALK_IN = "walk_in", _("Walk-in at a hub")

    class DeliveryReason(models.TextChoices):
        MOBILITY = "mobility", _("Mobility")
        DISABILITY = "disability", _("Disability")
        NO_TRANSPORT = "no_transport", _("No transport")
        OTHER = "other", _("Other")

    class Window(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning")
        AFTERNOON = "afternoon", _("Afternoon")
        EVENING = "evening", _("Evening")

    class Contact(models.TextChoices):
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")
        PAPER_ONLY = "paper_only", _("Paper only")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="households")
    number = models.PositiveIntegerField(_("number"), editable=False)
    name = models.CharField(_("name they want used"), max_length=120)
    address = models.CharField(_("street address"), max_length=200, blank=True)
    unit = models.CharField(_("apartment or unit"), max_length=40, blank=True)
    access_notes = models.CharField(
        _("access notes"), max_length=300, blank=True, help_text=_("Buzzer, stairs, a dog: what a volunteer needs.")
    )
    size = models.PositiveSmallIntegerField(_("people in the household"))
    children = models.PositiveSmallIntegerField(_("of them children"), default=0)
    seniors = models.PositiveSmallIntegerField(_("of them seniors"), default=0)
    dietary_needs = models.JSONField(_("dietary needs"), default=list, blank=True)
    allergies = models.CharField(_("allergies"), max_length=200, blank=True)
    language = models.CharField(_("preferred language"), max_length=8, choices=LANGUAGES, default="en")
    mode = models.CharField(_("how they receive"), max_length=20, choices=Mode.choices, default=Mode.DELIVERY)
    delivery_reason = models.CharField(
        _("why delivery"),
        max_length=20,
        choices=DeliveryReason.choices,
        blank=True,
        help_text=_("In broad terms only. Never printed or shown on a route."),
    )
    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="households", verbose_name=_("walk-in hub")
    )
    delivery_window = models.CharField(_("delivery window"), max_length=20, choices=Window.choices, default=Window.ANY)
    non_food_needs = models.JSONField(_("non-food needs"), default=list, blank=True)
    diaper_size = models.CharField(_("diaper size"), max_length=20, blank=True)
    clothing_sizes = models.CharField(_("clothing sizes"), max_length=120, blank=True)
    contact = models.CharField(_("how to reach them"), max_length=20, choices=Contact.choices, default=Contact.PHONE)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_since = models.DateField(_("status since"), default=timezone.localdate)
    consent_on = models.DateField(_("consent given on"))
    consent_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    purged_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True, editable=False)

    objects = HouseholdQuerySet.as_manager()

    # What `erase` blanks: everything that could identify or describe the people. The counts stay,
    # so past figures still add up.
    PERSONAL_FIELDS = {
        "name": "",
        "address": "",
        "unit": "",
        "access_notes": "",
        "dietary_needs": [],
        "allergies": "",
        "delivery_reason": "",
        "diaper_size": "",
        "clothing_sizes": "",
        "non_food_needs": [],
        "phone": "",
    }

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["chapter", "number"], name="recipients_household_number_unique"),
            models.CheckConstraint(condition=Q(size__gte=1), name="recipients_household_has_people"),
            models.CheckConstraint(
                condition=Q(size__gte=F("children") + F("seniors")), name="recipients_household_counts_add_up"
            ),
        ]

    def __str__(self):
        return self.code

    @property
    def code(self) -> str:
        """The reference used on paper instead of a name, e.g. DET-0042."""
        return self.code_of(self.chapter.code, self.number)

    @staticmethod
    def code_of(chapter_code: str, number: int) -> str:
        return f"{chapter_code}-{number:04d}"

    @property
    def adults(self) -> int:
        return self.size - self.children - self.seniors

    def clean(self):
        super().clean()
        self.chapter.check_dates(self, "consent_on")

    @property
    def address_line(self) -> str:
        """The street and the unit as printed, "4 Oak St, Apt 2", without a stray comma when one is missing."""
        return ", ".join(part for part in (self.address, self.unit) if part)

    def get_dietary_needs_display(self) -> str:
        return choice_labels(DietaryNeed, self.dietary_needs)

    def get_non_food_needs_display(self) -> str:
        return choice_labels(NonFoodNeed, self.non_food_needs)

    def get_language_display(self) -> str:
        """Django's own would hash, and so translate, all sixteen labels at each call: 25 stops of a sheet."""
        return str(LANGUAGE_LABELS.get(self.language, self.language))

    @transaction.atomic
    def erase(self) -> None:
        """Forget who they are; keep the anonymous counts, and what was delivered. The apps that keep notes
        about them blank those (mimac.extensions.household_erasers)."""
        for field, blank in self.PERSONAL_FIELDS.items():
            setattr(self, field, blank)
        for erase_notes in extensions.household_erasers:
            erase_notes(self)
        if self.status == self.Status.ACTIVE:
            self.status, self.status_since = self.Status.ENDED, timezone.localdate()
        self.purged_at = timezone.now()
        self.save()


class HouseholdExport(models.Model):
    """Who exported the household list, when, and how many rows: shown to the other coordinators."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveIntegerField()
    what = models.CharField(max_length=40, default="list")

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return _("%(chapter)s %(what)s export by %(by)s at %(at)s: %(rows)s rows") % {
            "chapter": self.chapter.code,
            "what": self.what,
            "by": self.by,
            "at": f"{self.at:%Y-%m-%d %H:%M}",
            "rows": self.rows,
        }
