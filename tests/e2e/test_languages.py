"""The volunteer's day in each language, and once more in a pseudo-locale: sign in, the route, a stop, the hub
desk, the printed sheet. Every page passes axe with `lang` and `dir` right; user data keeps its own direction
(every <bdi> and [data-user] element computes `unicode-bidi: isolate`); in Arabic "107" stays left of "Elm" in
its address. In the pseudo-locale every message reads ⟦message⟧, so any visible text outside ⟦ ⟧ that is not
user data was never translated."""

import io
import re
import unicodedata

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from hubdesk.models import Handout
from mimac.models import Category, Role
from tests.factories import PASSWORD, make_chapter, make_household, make_hub, make_member, make_route
from tests.i18n.catalogues import pseudo_locale, translations

PSEUDO = "pseudo"  # Spanish's place, with the pseudo-locale's catalogue
RIGHT_TO_LEFT = {"ar"}

# Text outside ⟦ ⟧ and outside user data, each piece with where it stands; nested ⟦ ⟦ ⟧ ⟧ (a translated word
# inside a translated sentence) count as translated.
UNTRANSLATED_JS = """() => {
  const skip = el => el.closest('bdi, [data-user], script, style, [translate="no"], datalist, noscript');
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (skip(el)) { parts.push('\u2060'); continue; }
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    parts.push(node.data);
  }
  const attributes = [];
  for (const el of document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
    if (skip(el)) continue;
    for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
      if (el.hasAttribute(name)) attributes.push(el.getAttribute(name));
    }
  }
  return {text: parts.join(''), attributes};
}"""

# Every element the templates mark as user data, with what it computes.
NOT_ISOLATED_JS = """() => [...document.querySelectorAll('bdi, [data-user]')]
  .filter(el => getComputedStyle(el).unicodeBidi !== 'isolate')
  .map(el => el.outerHTML.slice(0, 80))"""

# Where "107" and "Elm" stand inside the first element that holds the whole address, and whether that element
# is marked as user data and isolated (a block such as <p> is isolated by the browser, so the mark counts).
ADDRESS_JS = """(address) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(address);
    if (at < 0) continue;
    const box = (start, length) => {
      const range = document.createRange();
      range.setStart(node, start); range.setEnd(node, start + length);
      return range.getBoundingClientRect().left;
    };
    const el = node.parentElement;
    const isolated = el.matches('bdi, [data-user]') && getComputedStyle(el).unicodeBidi;
    return {number: box(at, 3), street: box(at + 4, 3), isolated};
  }
  return null;
}"""


def untranslated(page) -> list[str]:
    found = page.evaluate(UNTRANSLATED_JS)
    text = found["text"]
    while re.search(r"⟦[^⟦⟧]*⟧", text):
        text = re.sub(r"⟦[^⟦⟧]*⟧", "\u2060", text)
    pieces = [piece.strip() for piece in re.split(r"[\u2060\n]+", text)]
    untranslated = [piece for piece in pieces if re.search(r"[^\W_]", piece)]  # a letter or a digit
    # An attribute without a letter (a number in a placeholder) is the field's own figure.
    return untranslated + [
        value
        for value in found["attributes"]
        if re.search(r"[^\W\d_]", value.replace("⟦", "").split("⟧")[0])
        and not re.fullmatch(r"⟦.*⟧", value.strip(), re.S)
    ]


def assert_right(page, language: str):
    code = "es" if language == PSEUDO else language
    html = page.locator("html")
    assert html.get_attribute("lang") == code
    assert html.get_attribute("dir") == ("rtl" if code in RIGHT_TO_LEFT else "ltr")
    assert page.evaluate(NOT_ISOLATED_JS) == []
    if language == PSEUDO:
        assert untranslated(page) == [], f"text outside the catalogue on {page.url}"


@pytest.fixture
def day(db):
    chapter = make_chapter()
    hub = make_hub(chapter, "Church Street Pantry", address="12 Church St")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    val = make_member(chapter, "val", first_name="Val").user
    amina = make_household(chapter, name="Amina Haddad", address="107 Elm St", language="ar", allergies="peanuts")
    make_household(chapter, name="Bilal", address="9 Oak St", language="bn")
    route = make_route(chapter, hub, driver=val, households=[amina], status="published", name="Elm morning")
    return {"chapter": chapter, "hub": hub, "route": route, "amina": amina}


def _step(journey, language):
    journey.check()
    assert_right(journey.page, language)


@pytest.mark.parametrize("language", ["es", "ar", "bn", PSEUDO])
def test_a_volunteers_day_in_each_language(open_tab, day, language, settings, tmp_path):
    if language == PSEUDO:
        pseudo_locale(settings, tmp_path, "es")
    code = "es" if language == PSEUDO else language
    journey = open_tab()
    page = journey.page

    journey.go(reverse("login"))
    page.locator("#language-select").select_option(code)
    page.locator("form[action='/i18n/setlang/'] button").click()
    _step(journey, language)
    page.locator("#id_username").fill("val")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    _step(journey, language)
    assert page.url.endswith(reverse("deliveries:my_routes"))

    # The route: the address keeps its order on a right-to-left page.
    found = page.evaluate(ADDRESS_JS, "107 Elm St")
    assert found is not None
    assert found["isolated"] == "isolate"
    assert found["number"] < found["street"], "107 lies left of Elm"

    stop = day["route"].stops.get()
    page.locator(f"a[href='{reverse('deliveries:stop_record', args=[stop.pk])}']").click()
    _step(journey, language)
    page.locator("input[name=outcome][value=delivered]").check()
    page.locator("main form button[type=submit]").click()
    _step(journey, language)
    stop.refresh_from_db()
    assert stop.outcome == "delivered"

    journey.go(reverse("hubdesk:desk", args=[day["hub"].pk]))
    assert_right(page, language)
    # The code typed on an Arabic keyboard, in Arabic-Indic digits.
    page.locator("#id_household_code").fill(day["amina"].code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")))
    produce = Category.objects.get(code="produce")
    page.locator(f"#id_category_{produce.pk}").fill("3")
    page.locator("form.handout-form button[type=submit]").click()
    _step(journey, language)
    handout = Handout.objects.get()
    assert (handout.household, [line.quantity for line in handout.lines.all()]) == (day["amina"], [3])

    journey.go(reverse("deliveries:route_print", args=[day["route"].pk]))
    assert_right(page, language)
    page.emulate_media(media="print")
    assert_right(page, language)
    text = unicodedata.normalize(
        "NFKC", " ".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(page.pdf())).pages)
    )
    assert day["amina"].code in text
    assert re.search(r"107\s*Elm\s*St", text), "the address prints whole, in its order"
    if language == PSEUDO:
        assert "⟦Page 1 of 1⟧" in text, "the page numbers in the page's language"


ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
# A few of the data sheet's words in Arabic, for this test alone: the catalogue itself is translated apart.
SHEET_IN_ARABIC = {
    "What we hold about you": "ما نحتفظ به عنك",
    "Address": "العنوان",
    "Reference": "الرمز",
    "Name they want used": "الاسم الذي يفضلونه",
}


def _print_data_sheet(open_tab, day) -> tuple[str, str]:
    """The coordinator prints Amina's data sheet: the page's dir, and the PDF's text folded with NFKC (Arabic
    presentation forms to letters), with the fonts the PDF embeds after it."""
    journey = open_tab()
    journey.sign_in("cora")
    journey.go(reverse("recipients:household_data", args=[day["amina"].pk]))
    page = journey.page
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.evaluate(NOT_ISOLATED_JS) == []
    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = unicodedata.normalize("NFKC", " ".join(sheet.extract_text() for sheet in pdf.pages))
    fonts = {str(font["/BaseFont"]) for sheet in pdf.pages for font in sheet["/Resources"]["/Font"].values()}
    return page.locator("html").get_attribute("dir"), text + "\n" + " ".join(sorted(fonts))


def _address_whole(text: str) -> bool:
    return re.search(r"107\s*Elm\s*St", text) is not None


def test_an_arabic_households_data_sheet_prints_in_arabic_right_to_left_with_its_address_whole(
    open_tab, day, settings, tmp_path
):
    translations(settings, tmp_path, "ar", SHEET_IN_ARABIC)
    direction, text = _print_data_sheet(open_tab, day)
    assert direction == "rtl"
    # Noto Sans Arabic draws a letter as a dotless shape and its dots, which a PDF's text layer cannot map back
    # whole: the sheet is in Arabic when its labels print in the bundled Arabic font with Arabic letters.
    assert "NotoSansArabic" in text
    assert len(ARABIC_LETTER.findall(text)) >= 10
    assert day["amina"].code in text
    assert _address_whole(text), "the Latin address tokens, in their order"


def test_with_the_arabic_catalogue_the_data_sheet_is_in_arabic(open_tab, day):
    """The real catalogue (locale/ar): skipped until it translates the sheet's heading."""
    with translation.override("ar"):
        heading = translation.gettext("What we hold about you")
    if not ARABIC_LETTER.search(heading):
        pytest.skip("locale/ar does not translate the data sheet yet (make messages after translating)")
    direction, text = _print_data_sheet(open_tab, day)
    assert direction == "rtl"
    assert "NotoSansArabic" in text
    assert len(ARABIC_LETTER.findall(text)) >= 100, "the whole sheet in Arabic, not a few labels"
    assert _address_whole(text)
