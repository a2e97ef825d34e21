"""What moves (categories, each in one unit) and the evidence photos of it."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from mimac.models.chapters import Chapter
from mimac.photos import PhotoField
from mimac.quantities import Quantity


class Unit(models.TextChoices):
    POUND = "lb", _("lb")
    ITEM = "item", _("item")


# The most one ledger line may hold; more is almost surely a slip (an extra zero).
MAX_LINE_QUANTITY = {Unit.POUND: Decimal("5000"), Unit.ITEM: Decimal("5000")}


# The seeded categories' names, by code (0002_seed_categories): the catalogues translate them while a category
# keeps the name it was seeded with.
SEEDED_NAMES = {
    "produce": gettext_noop("Produce"),
    "dairy-and-eggs": gettext_noop("Dairy and eggs"),
    "bakery": gettext_noop("Bakery"),
    "meat-and-fish": gettext_noop("Meat and fish"),
    "prepared-meals": gettext_noop("Prepared meals"),
    "dry-goods": gettext_noop("Dry goods"),
    "canned-goods": gettext_noop("Canned goods"),
    "frozen": gettext_noop("Frozen"),
    "baby-food-and-formula": gettext_noop("Baby food and formula"),
    "hygiene-products": gettext_noop("Hygiene products"),
    "diapers": gettext_noop("Diapers"),
    "clothing": gettext_noop("Clothing"),
    "school-supplies": gettext_noop("School supplies"),
    "books": gettext_noop("Books"),
}


class Category(models.Model):
    """What moves. Each category has exactly one unit, and quantities are never added across units.

    The name is what people read and may be reworded; the code is what rules (planning, later kits and
    translations) know the category by, so it never changes once the category exists."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("A short fixed name the planning rules know the category by, such as dry-goods."),
        error_messages={"unique": _("Another category already has this code: each category needs its own.")},
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    is_food = models.BooleanField(_("food"), default=True)
    active = models.BooleanField(_("active"), default=True)
    # The name in other languages, by language code ({"es": "Pañales"}): for a category the catalogues do not
    # know, or one whose name was reworded.
    names = models.JSONField(_("names in other languages"), default=dict, blank=True)

    class Meta:
        ordering = ["-is_food", "name"]
        verbose_name_plural = _("categories")
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="mimac_category_code_not_empty")]

    def __str__(self):
        return f"{self.label} ({self.get_unit_display()})"

    @property
    def label(self) -> str:
        return self.label_of(self.code, self.name, self.names)

    @staticmethod
    def label_of(code: str, name: str, names: dict) -> str:
        """The name in the active language: the one given for it, else the catalogue's for a seeded category
        still named as seeded, else the name."""
        language = (get_language() or "en").split("-")[0]
        if names.get(language):
            return names[language]
        if SEEDED_NAMES.get(code) == name:
            return gettext(name)  # marked with gettext_noop above
        return name

    @classmethod
    def free_code(cls, name: str) -> str:
        """A code made from the name that no category has yet: produce, then produce-2, …"""
        length = cls._meta.get_field("code").max_length
        base = slugify(name)[:length] or "category"
        code, number = base, 1
        while cls.objects.filter(code=code).exists():
            number += 1
            suffix = f"-{number}"
            code = base[: length - len(suffix)] + suffix
        return code

    def quantity(self, amount) -> Quantity:
        return Quantity(Decimal(amount), self.unit)


class Photo(models.Model):
    """An evidence photo (food, a scale reading, spoiled stock): never of people, never with metadata."""

    chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="photos")
    image = PhotoField(_("photo"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self):
        return _("%(chapter)s photo %(number)s (%(day)s)") % {
            "chapter": self.chapter.code,
            "number": self.pk,
            "day": f"{self.uploaded_at:%Y-%m-%d}",
        }
