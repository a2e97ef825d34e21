"""Paper for a household is in its language, or the chapter's for paper when MIMAC has no catalogue for it, and says
which; the route sheet stays in the driver's language and names each stop's."""

import re
from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from mimac.models import Category, LanguagePreference
from recipients.models import LANGUAGES
from tests.factories import make_household, make_route
from tests.i18n.catalogues import translations


def _data_sheet(client, world, household):
    client.force_login(world.coordinator.user)
    return client.get(reverse("recipients:household_data", args=[household.pk])).text


def _html_tag(text):
    return re.search(r"<html[^>]*>", text).group(0)


def test_a_households_data_sheet_is_in_its_language_and_the_tools_in_the_readers(client, world, settings, tmp_path):
    translations(settings, tmp_path, "ar", {"What we hold about you": "ما نحتفظ به عنك", "Back": "رجوع"})
    household = make_household(world.chapter, name="Amina", address="107 Elm St", language="ar")
    text = _data_sheet(client, world, household)
    assert _html_tag(text) == '<html lang="ar" dir="rtl">'
    assert "ما نحتفظ به عنك" in text
    assert "bootstrap.rtl.min.css" in text
    assert '<p class="no-print" lang="en" dir="ltr">' in text  # the coordinator's own language
    assert ">Back</a>" in text
    assert "<bdi>107 Elm St</bdi>" in text


def test_a_language_without_a_catalogue_gets_the_chapters_paper_language_and_the_sheet_says_so(client, world):
    world.chapter.paper_language = "es"
    world.chapter.save()
    household = make_household(world.chapter, language="so")
    text = _data_sheet(client, world, household)
    assert _html_tag(text) == '<html lang="es" dir="ltr">'
    sheet_language = re.search(r'<p class="small sheet-language">(.*?)</p>', text).group(1)
    with translation.override("es"):
        somali = str(dict(LANGUAGES)["so"])  # as the Spanish catalogue names it, once translated
    assert somali in sheet_language
    assert "MIMAC" in sheet_language  # "…: MIMAC cannot print in Somali yet."


def test_urdu_paper_reads_right_to_left_once_a_chapter_adds_its_catalogue(client, world, settings, tmp_path):
    settings.LANGUAGES = [*settings.LANGUAGES, ("ur", "Urdu")]
    translations(settings, tmp_path, "ur", {"What we hold about you": "ہمارے پاس آپ کے بارے میں کیا ہے"})
    household = make_household(world.chapter, language="ur")
    text = _data_sheet(client, world, household)
    assert _html_tag(text) == '<html lang="ur" dir="rtl">'
    assert "ہمارے پاس آپ کے بارے میں کیا ہے" in text


def test_the_route_sheet_stays_in_the_drivers_language_and_names_each_stops(client, world, settings, tmp_path):
    translations(settings, tmp_path, "bn", {"Arabic": "আরবি", "Speaks %(language)s": "%(language)s বলেন"})
    LanguagePreference.objects.create(user=world.volunteer.user, language="bn")
    household = make_household(world.chapter, language="ar")
    route = make_route(
        world.chapter, world.hub, driver=world.volunteer.user, households=[household], status="published"
    )
    client.force_login(world.volunteer.user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"
    text = client.get(reverse("deliveries:route_print", args=[route.pk])).text
    assert _html_tag(text) == '<html lang="bn" dir="ltr">'
    assert "আরবি বলেন" in text


ARABIC_INDIC = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")
BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def test_digits_from_a_localised_keyboard_are_kept_as_ascii(client, world):
    """Arabic-Indic in the code, the date and a quantity (with the Arabic decimal point), Bengali in People."""
    client.force_login(world.coordinator.user)
    household = make_household(world.chapter, name="Amina")
    produce = Category.objects.get(code="produce")
    response = client.post(
        reverse("hubdesk:desk", args=[world.hub.pk]),
        {
            "household_code": household.code.translate(ARABIC_INDIC),
            "people": "2".translate(BENGALI),
            "date": world.chapter.today().isoformat().translate(ARABIC_INDIC),
            f"category_{produce.pk}": "1.5".translate(ARABIC_INDIC),
        },
    )
    assert response.status_code == 302
    handout = household.handouts.get()
    assert (handout.people, handout.date) == (2, world.chapter.today())
    assert [line.quantity for line in handout.lines.all()] == [Decimal("1.5")]
