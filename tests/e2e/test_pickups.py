import io

from pypdf import PdfReader

from mimac.models import Role
from pickups.models import Pickup
from pickups.services import plan_schedule
from tests import images
from tests.e2e.conftest import ARTIFACTS, VIEWPORT
from tests.factories import make_chapter, make_hub, make_member, make_schedule, make_supplier


def _photo(name, image):
    return {"name": name, "mimeType": "image/jpeg", "buffer": images.encode(image)}


def test_a_volunteer_records_a_pickup_with_two_lines_and_a_food_photo(open_tab):
    face = images.face_photo()  # skips here, before the journey starts, without ../shared/photos-dev
    chapter = make_chapter()
    hub = make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    make_member(chapter, "val", first_name="Val")
    supplier = make_supplier(chapter, "Sunrise Bakery")
    plan_schedule(schedule=make_schedule(supplier, hub, "FREQ=DAILY;COUNT=1"))
    pickup = Pickup.objects.get()

    coordinator = open_tab()
    coordinator.sign_in("cora")
    coordinator.page.get_by_role("link", name="Today").click()
    coordinator.check()
    coordinator.page.get_by_role("link", name=pickup.date.strftime("%a")).first.click()
    coordinator.check()
    coordinator.page.get_by_label("Volunteer").select_option(label="Val")
    coordinator.page.get_by_role("button", name="Assign").click()
    coordinator.check()
    assert "Val is on this pickup." in coordinator.page.get_by_role("status").inner_text()

    volunteer = open_tab()
    volunteer.sign_in("val")
    volunteer.page.get_by_role("link", name="Today").click()
    volunteer.check()
    volunteer.page.get_by_role("link", name=pickup.date.strftime("%a")).first.click()
    volunteer.check()
    volunteer.page.get_by_role("link", name="Record what happened").click()
    volunteer.check()
    page = volunteer.page
    page.locator("#id_lines-0-category").select_option(label="Bakery (lb)")
    page.locator("#id_lines-0-quantity").fill("18.5")
    page.locator("#id_lines-1-category").select_option(label="Dairy and eggs (lb)")
    page.locator("#id_lines-1-quantity").fill("6")
    page.get_by_label("Arrival time").fill("09:20")
    page.get_by_label("Photo of the food").set_input_files(_photo("shelf.jpg", face))
    page.get_by_role("button", name="Record as done").click()
    volunteer.check()
    beside_the_field = page.locator(".invalid-feedback").get_by_text("Our no-faces policy")
    assert "shows a person's face" in beside_the_field.inner_text()
    assert page.locator("#id_lines-0-quantity").input_value() == "18.5", "nothing typed is lost"
    assert page.evaluate("document.activeElement.id") == "error-summary", "the summary of errors has the focus"
    in_the_summary = page.get_by_role("link", name="Photo of the food (optional): ")
    assert "shows a person's face" in in_the_summary.inner_text()
    in_the_summary.click()
    assert page.evaluate("document.activeElement.id") == "id_record-photo", "its link takes the focus to the field"

    page.get_by_label("Photo of the food").set_input_files(_photo("coffee.jpg", images.food_photo()))
    page.get_by_role("button", name="Record as done").click()
    volunteer.check()
    assert "Pickup recorded. Thank you!" in page.get_by_role("status").inner_text()
    assert page.get_by_role("link", name="Open the photo").is_visible()

    volunteer.go(f"/pickups/suppliers/{supplier.pk}/")
    received = page.get_by_role("table").nth(1).inner_text()
    assert "Bakery" in received
    assert "18.5 lb" in received
    assert "Dairy and eggs" in received


PRINTABLE_WIDTH_PX = {"A4": round((210 - 24) / 25.4 * 96), "Letter": round((215.9 - 24) / 25.4 * 96)}


def test_the_printed_sheets_fit_a4_and_us_letter(journey):
    chapter = make_chapter()
    hub = make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    for number in range(6):
        supplier = make_supplier(
            chapter, f"Great Lakes Regional Food Distributors {number}", address="1200 Industrial Parkway West"
        )
        plan_schedule(schedule=make_schedule(supplier, hub, "FREQ=DAILY"))
    journey.sign_in("cora")
    page = journey.page
    for sheet in ("/pickups/print/week/", "/pickups/print/open/"):
        journey.go(f"{sheet}?hub={hub.pk}")
        page.emulate_media(media="print")
        for paper, width in PRINTABLE_WIDTH_PX.items():
            page.set_viewport_size({"width": width, "height": 1000})
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{sheet} is too wide for {paper}"
            pdf = page.pdf(path=ARTIFACTS / f"{journey.name}{sheet.replace('/', '-')}{paper}.pdf", format=paper)
            pages = PdfReader(io.BytesIO(pdf)).pages
            assert len(pages) > 1, f"{sheet} runs over pages on {paper}"
            heading = next(line for line in pages[0].extract_text().splitlines() if "Church Street Pantry" in line)
            for number, sheet_page in enumerate(pages[1:], start=2):
                assert heading in sheet_page.extract_text(), f"page {number} of {sheet} on {paper} says what it is"
        assert not page.get_by_role("link", name="Back").is_visible(), "screen-only parts are not printed"
        page.emulate_media(media="screen")
        page.set_viewport_size(VIEWPORT)
