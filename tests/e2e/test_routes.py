import io

from pypdf import PdfReader

from deliveries.models import Route
from mimac.models import Role
from tests.factories import make_chapter, make_household, make_hub, make_member


def _stop_codes(page):
    return [text.split(" ")[1] for text in page.locator(".route-stop strong").all_inner_texts()]


def test_a_coordinator_builds_reorders_publishes_and_prints_a_route(open_tab):
    chapter = make_chapter()
    make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    make_member(chapter, "val", first_name="Val")
    households = [
        make_household(chapter, name=name, address=f"{n} Oak St")
        for n, name in enumerate(["Amina", "Bilal", "Chen"], 1)
    ]
    codes = [household.code for household in households]

    coordinator = open_tab()
    page = coordinator.page
    coordinator.sign_in("cora")
    page.get_by_role("link", name="Routes", exact=True).click()
    coordinator.check()
    page.get_by_role("link", name="New route").click()
    coordinator.check()
    page.get_by_label("Name").fill("Oak Street morning")
    page.get_by_label("Starts from hub").select_option(label="Church Street Pantry")
    page.get_by_label("Driver").select_option(label="Val")
    page.get_by_role("button", name="Save").click()
    coordinator.check()
    for household in households:
        page.get_by_label(household.code).check()
    page.get_by_role("button", name="Add to the route").click()
    coordinator.check()
    assert _stop_codes(page) == codes

    route = Route.objects.get()
    without_js = open_tab(javascript=False)
    without_js.sign_in("cora")
    without_js.go(f"/deliveries/routes/{route.pk}/")
    without_js.page.get_by_role("button", name=f"Move {codes[2]} up").click()
    without_js.check()
    assert _stop_codes(without_js.page) == [codes[0], codes[2], codes[1]]

    page.reload()
    coordinator.check()
    with page.expect_navigation():
        page.locator(f"#stop-{route.stops.get(household=households[0]).pk}").drag_to(
            page.locator(f"#stop-{route.stops.get(household=households[1]).pk}")
        )
    coordinator.check()
    assert _stop_codes(page) == [codes[2], codes[1], codes[0]]

    page.get_by_role("button", name="Publish").click()
    coordinator.check()
    assert "Route published" in page.get_by_role("status").first.inner_text()

    page.get_by_role("link", name="Print the sheet").click()
    coordinator.check()
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pdf = PdfReader(io.BytesIO(page.pdf(format=paper)))
        assert len(pdf.pages) == 2, "two stops a page"
        text = " ".join(sheet.extract_text() for sheet in pdf.pages)
        for code in codes:
            assert code in text
        assert "Page 2 of 2" in text
        # A loose page 2 still says which route it belongs to.
        second = pdf.pages[1].extract_text()
        for text in ("Oak Street morning", f"{route.date:%A %Y-%m-%d}", "Church Street Pantry"):
            assert text in second, f"{text!r} on page 2 of the sheet on {paper}"
