from django.urls import reverse

from hubdesk import library_services
from hubdesk.models import Copy, Loan, LoanRequest
from mimac.models import Role
from tests.factories import make_chapter, make_household, make_hub, make_member, make_route


def test_at_the_hub_desk_two_books_are_lent_by_keyboard_and_one_comes_back(open_tab):
    chapter = make_chapter()
    hub = make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    make_member(chapter, "val", first_name="Val")
    amina = make_household(chapter, name="Amina", mode="walk_in", hub=hub)
    hobbit, atlas = (
        library_services.add_copy(hub=hub, copy=Copy(title=title)) for title in ("The Hobbit", "World Atlas")
    )

    desk = open_tab()
    page = desk.page
    desk.sign_in("val")
    page.get_by_role("link", name="Hub desk").click()
    desk.check()
    page.get_by_role("link", name="Library: lend and return").click()
    desk.check()

    # Focus starts in the household code; Tab to the copy codes, Enter lends.
    page.keyboard.type(amina.code)
    page.keyboard.press("Tab")
    page.keyboard.type("b1 B-0002")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    desk.check()
    assert f"Lent to {amina.code}: B-0001, B-0002" in page.get_by_role("status").inner_text()
    assert Loan.objects.open().filter(household=amina).count() == 2

    # Returns need the copy code alone: Tab past the lending form's button to the return's codes.
    for _field in ("household", "codes", "lend button"):
        page.keyboard.press("Tab")
    page.keyboard.type(hobbit.code)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    desk.check()
    assert "1 copy returned." in page.get_by_role("status").inner_text()
    assert list(Loan.objects.open().values_list("copy", flat=True)) == [atlas.pk]

    page.get_by_role("link", name="Catalogue", exact=True).click()
    desk.check()
    assert "World Atlas" in page.get_by_role("table").inner_text()


def test_a_book_requested_for_a_delivery_household_is_on_the_sheet_and_ticked_handed_over(open_tab):
    chapter = make_chapter()
    hub = make_hub(chapter, "Church Street Pantry")
    make_member(chapter, "cora", Role.COORDINATOR, first_name="Cora")
    val = make_member(chapter, "val", first_name="Val").user
    amina = make_household(chapter, name="Amina")
    route = make_route(chapter, hub, driver=val, households=[amina], status="published", name="Oak Street morning")
    library_services.add_copy(hub=hub, copy=Copy(title="Dune"))

    office = open_tab()
    page = office.page
    office.sign_in("cora")
    office.go(reverse("recipients:household_detail", args=[amina.pk]))
    page.get_by_label("Title or subject").fill("Dune, or any space story")
    page.get_by_role("button", name="Ask the library").click()
    office.check()
    assert f"{amina.code} asks for Dune, or any space story." in page.get_by_role("status").inner_text()
    page.get_by_label("Copy code").fill("b1")
    page.get_by_role("button", name="Pick this copy").click()
    office.check()
    office.go(reverse("deliveries:route_print", args=[route.pk]))
    assert "Library, bring: ☐ B-0001 Dune" in " ".join(page.locator(".library-bring").inner_text().split())

    road = open_tab()
    volunteer = road.page
    road.sign_in("val")
    volunteer.get_by_role("link", name="Record stop").first.click()
    road.check()
    volunteer.get_by_label("Handed over: B-0001 Dune").check()
    volunteer.get_by_label("Delivered").check()
    volunteer.get_by_role("button", name="Record").click()
    road.check()
    assert "B-0001 handed over, due back" in volunteer.get_by_role("status").last.inner_text()
    assert list(Loan.objects.open().values_list("copy__code", "household")) == [("B-0001", amina.pk)]
    assert LoanRequest.objects.get().status == LoanRequest.Status.FULFILLED
