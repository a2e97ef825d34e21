import datetime
import io
import time
from decimal import Decimal

from pypdf import PdfReader

from hubdesk.models import Handout, Spoilage, StockCount
from hubdesk.services import record_handout
from ledger import verification as ledger
from mimac.models import Category, Role
from tests import images
from tests.factories import make_chapter, make_household, make_hub, make_member


def test_at_the_hub_desk_three_handouts_by_keyboard_a_spoilage_with_a_photo_and_a_stock_count(open_tab):
    chapter = make_chapter()
    hub = make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    val = make_member(chapter, "val", first_name="Val").user
    amina = make_household(chapter, name="Amina", mode="walk_in", hub=hub)
    bilal = make_household(chapter, name="Bilal")
    # Last week this hub handed out produce most, then dairy: the desk lists those first.
    last_week = chapter.today() - datetime.timedelta(days=7)
    produce, dairy = Category.objects.get(code="produce"), Category.objects.get(code="dairy-and-eggs")
    for lines in ([(produce, 3), (dairy, 1)], [(produce, 2)]):
        record_handout(hub=hub, by=val, date=last_week, lines=lines, people=2)

    desk = open_tab()
    page = desk.page
    desk.sign_in("val")
    page.get_by_role("link", name="Hub desk").click()
    desk.check()

    started = time.monotonic()
    # Focus starts in the code field; Tab runs code → people → Produce → Dairy and eggs → …
    for keys in (
        [amina.code, "Tab", "Tab", "5"],
        [bilal.code, "Tab", "Tab", "Tab", "2.5"],
        ["Tab", "3", "Tab", "4"],  # three walk-ins without a code
    ):
        for key in keys:
            page.keyboard.press(key) if key == "Tab" else page.keyboard.type(key)
        if keys[0] == amina.code:
            people = page.get_by_role("spinbutton", name="People")
            assert people.get_attribute("placeholder") == "3", "the number a blank People counts"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        desk.check()
    elapsed = time.monotonic() - started
    assert elapsed < 60, f"three handouts took {elapsed:.0f} s"
    assert "Handout recorded: 3 walk-ins." in page.get_by_role("status").inner_text()
    handouts = {(h.household, h.people): [(line.category.name, line.quantity) for line in h.lines.all()]
                for h in Handout.objects.filter(date=chapter.today())}  # fmt: skip
    assert handouts == {
        (amina, 3): [("Produce", Decimal(5))],  # People left blank: the household's size
        (bilal, 3): [("Dairy and eggs", Decimal("2.5"))],
        (None, 3): [("Produce", Decimal(4))],
    }

    page.get_by_role("link", name="Record spoilage").click()
    desk.check()
    page.get_by_label("Category").select_option(label="Produce (lb)")
    page.get_by_label("Quantity").fill("25")
    page.get_by_label("Reason").select_option(label="Mould or rot")
    photo = {"name": "crate.jpg", "mimeType": "image/jpeg", "buffer": images.encode(images.food_photo())}
    page.get_by_label("Evidence photo").set_input_files(photo)
    page.get_by_role("button", name="Record spoilage").click()
    desk.check()
    assert "Spoilage recorded." in page.get_by_role("status").inner_text()
    spoilage = Spoilage.objects.get()
    assert (spoilage.quantity, spoilage.photo is not None) == (Decimal(25), True)

    page.get_by_role("link", name="Stock count").click()
    desk.check()
    page.get_by_label("Counted by").select_option(label="Cora")
    page.get_by_label("Produce (lb)").fill("12")
    page.get_by_label("Dairy and eggs (lb)").fill("0")
    page.get_by_role("button", name="Record the count").click()
    desk.check()
    count = StockCount.objects.get()
    assert [(line.category.name, line.quantity) for line in count.lines.order_by("category__name")] == [
        ("Dairy and eggs", Decimal(0)),
        ("Produce", Decimal(12)),
    ]

    page.get_by_role("link", name="Print a count sheet").click()
    desk.check()
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = PdfReader(io.BytesIO(page.pdf(format=paper)))
        text = pdf.pages[0].extract_text()
        assert len(pdf.pages) == 1
        assert "Produce" in text
        assert "Ledger chain head" in text
    assert ledger.verify(chapter).ok
