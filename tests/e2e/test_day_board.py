import io

from pypdf import PdfReader

from mimac.models import Role
from tests.factories import make_chapter, make_household, make_hub, make_member, make_route


def test_the_coordinator_follows_a_route_on_the_day_board_while_a_volunteer_records_its_stops(open_tab):
    chapter = make_chapter()
    hub = make_hub(chapter)
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    val = make_member(chapter, "val", first_name="Val").user
    households = [make_household(chapter, name=name) for name in ("Amina", "Bilal", "Chen")]
    make_route(chapter, hub, driver=val, households=households, status="published", name="Oak Street morning")
    sam = make_member(chapter, "sam", first_name="Sam").user
    make_route(chapter, hub, driver=sam, status="published", name="Elm Street noon")

    coordinator = open_tab()
    board = coordinator.page
    coordinator.sign_in("cora")
    board.get_by_role("link", name="Routes", exact=True).click()
    coordinator.check()
    board.get_by_role("link", name="Day board").click()
    coordinator.check()
    oak = board.locator("section", has_text="Oak Street morning")
    progress = oak.locator(".route-progress")
    assert "0 of 3 stops done" in progress.inner_text()
    assert "No load-out recorded" in progress.inner_text()

    volunteer = open_tab()
    road = volunteer.page
    volunteer.sign_in("val")
    for outcome in ("Delivered", "Not home"):
        road.get_by_role("link", name="Record stop").first.click()
        volunteer.check()
        road.get_by_label(outcome).check()
        road.get_by_role("button", name="Record").click()
        volunteer.check()

    board.reload()
    coordinator.check()
    assert "2 of 3 stops done" in progress.inner_text()
    rows = oak.locator(".stop-row")
    assert "Delivered" in rows.nth(0).inner_text()
    assert "Val" in rows.nth(0).inner_text()
    follow_up = board.locator(".follow-up")
    assert follow_up.count() == 1
    assert "Not home" in follow_up.inner_text()
    assert "(follow up)" in follow_up.inner_text()
    assert "Not yet" in rows.nth(2).inner_text()

    board.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = PdfReader(io.BytesIO(board.pdf(format=paper)))
        text = " ".join(sheet.extract_text() for sheet in pdf.pages)
        assert len(pdf.pages) == 1, paper
        assert "Oak Street morning" in text, paper
        assert "2 of 3 stops done" in text, paper
        assert "Move stops" not in text, "the buttons stay off paper"

    board.emulate_media(media="screen")
    oak.get_by_role("link", name="Move stops to another route").click()
    coordinator.check()
    board.get_by_label("Chen", exact=False).check()
    board.get_by_label("Move them to the route").select_option(label="Elm Street noon (Sam)")
    board.get_by_role("button", name="Move the chosen stops").click()
    coordinator.check()
    board.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = PdfReader(io.BytesIO(board.pdf(format=paper)))
        text = " ".join(sheet.extract_text() for sheet in pdf.pages)
        assert len(pdf.pages) == 1, f"the slip is one page on {paper}"
        assert "Stops taken over" in text, paper
        assert "Chen" in text, paper
        assert "Amina" not in text, "a recorded stop stays where it was"
