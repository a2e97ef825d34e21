from hubdesk import library_services
from hubdesk.models import Copy, Loan
from mimac.models import Role
from tests.factories import make_chapter, make_household, make_hub, make_member


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
