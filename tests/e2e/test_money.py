import io
from decimal import Decimal

from pypdf import PdfReader

from ledger import verification as ledger
from mimac.models import Role
from money import services
from money.models import MoneyEntry
from tests import images
from tests.factories import PASSWORD, make_chapter, make_hub, make_member


def _money_link(journey):
    journey.page.get_by_role("navigation", name="Main").get_by_role("link", name="Money").click()
    journey.check()


def _record(journey, link: str, fields: dict, button: str) -> str:
    """Opens a recording page from the money page, fills it in and sends it; the message that answers."""
    page = journey.page
    page.get_by_role("link", name=link).click()
    journey.check()
    for label, value in fields.items():
        field = page.get_by_label(label)
        if isinstance(value, dict):
            field.set_input_files(value)
        elif field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    page.get_by_role("button", name=button).click()
    journey.check()
    return page.get_by_role("status").inner_text()


def test_a_donation_dues_and_countersigned_fuel_then_a_volunteer_reads_the_balance_and_the_statement(open_tab):
    chapter = make_chapter()
    make_hub(chapter, "Church Street Pantry")
    cora = make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora").user
    make_member(chapter, "val", first_name="Val")
    make_member(chapter, "vic", first_name="Vic")
    for name, kind, holds in [("Cash box", "cash", Decimal("80.00")), ("Credit union", "bank", Decimal("500.00"))]:
        services.open_account(chapter=chapter, by=cora, name=name, kind=kind, holds=holds, date=chapter.today())

    treasurer = open_tab()
    treasurer.sign_in("cora")
    _money_link(treasurer)
    said = _record(treasurer, "Record a donation", {"Account": "Cash box", "Amount": "50"}, "Record the donation")
    assert "Recorded: Donation, 50.00 USD, Cash box." in said
    said = _record(treasurer, "Record dues", {"Account": "Cash box", "Amount": "120", "How many paid": "12"},
                   "Record the dues")  # fmt: skip
    assert "Recorded: Dues, 120.00 USD, Cash box." in said
    receipt = {"name": "till.jpg", "mimeType": "image/jpeg", "buffer": images.encode(images.food_photo())}
    fuel = {
        "Account": "Cash box", "Amount": "45.60", "Purpose": "Fuel", "What was bought, and where": "Van, Main St",
        "Receipt photo": receipt, "Second member's username": "val", "Second member's password": PASSWORD,
    }  # fmt: skip
    assert "Recorded: Fuel, 45.60 USD, Cash box." in _record(treasurer, "Record spending", fuel, "Record the spending")
    spending = MoneyEntry.objects.get(kind="spending")
    assert (spending.recorded_by.username, spending.countersigned_by.username) == ("cora", "val")
    assert spending.receipt is not None

    reader = open_tab()
    reader.sign_in("vic")
    _money_link(reader)
    page = reader.page
    cash_box = page.get_by_role("row", name="Cash box")
    assert "204.40 USD" in cash_box.inner_text(), "80 + 50 + 120 − 45.60"
    assert "704.40 USD" in page.locator(".held").inner_text()
    fuel_figure = page.get_by_role("row", name="Fuel").get_by_role("link").first
    fuel_figure.click()
    reader.check()
    assert "kept" in page.get_by_role("row", name="Van, Main St").inner_text(), "a receipt is kept, not shown to Vic"
    page.go_back()
    page.get_by_role("link", name="Print the statement").click()
    reader.check()
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = PdfReader(io.BytesIO(page.pdf(format=paper)))
        text = pdf.pages[0].extract_text()
        assert len(pdf.pages) == 1, paper
        assert "204.40 USD" in text
        assert "704.40 USD" in text
        assert "Ledger chain head" in text
    assert ledger.verify(chapter).ok
