from django.urls import reverse

from mimac.models import Role
from tests.factories import make_chapter, make_member, make_user


def test_member_signs_in_sees_home_and_signs_out(journey):
    make_user("morgan", first_name="Morgan")
    page = journey.page

    journey.sign_in("morgan")
    assert page.get_by_role("heading", name="Welcome, Morgan").is_visible()

    page.get_by_role("button", name="Sign out").click()
    journey.check()
    assert page.get_by_role("heading", name="Sign in").is_visible()

    journey.go(reverse("dashboard:home"))
    assert page.get_by_role("heading", name="Sign in").is_visible(), "signed out means signed out"


def test_wrong_password_is_refused_with_one_clear_message(journey):
    make_user("morgan")
    journey.sign_in("morgan", "not-the-password")

    alert = journey.page.get_by_role("alert")
    assert alert.count() == 1
    assert "correct username and password" in alert.inner_text()


def test_the_longest_menu_fits_one_line_at_1366_by_768(journey):
    """A coordinator's menu has every entry: none of it wraps or runs off the screen."""
    make_member(make_chapter(), "cora", Role.COORDINATOR, first_name="Cora")
    page = journey.page
    page.set_viewport_size({"width": 1366, "height": 768})
    journey.sign_in("cora")
    assert page.get_by_role("link", name="Households").is_visible()

    boxes = page.locator("header.navbar").evaluate(
        """header => [...header.querySelectorAll('a, button, select, .navbar-text')].map(e => {
            const box = e.getBoundingClientRect(), style = getComputedStyle(e);
            const inner = box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
                - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
            return {top: box.top, bottom: box.bottom, right: box.right,
                    lines: Math.round(inner / parseFloat(style.lineHeight))};
        })"""
    )
    first_bottom = min(box["bottom"] for box in boxes)
    assert all(box["top"] < first_bottom for box in boxes), "every item on the first line"
    assert {box["lines"] for box in boxes} == {1}, "no entry breaks onto two lines"
    assert max(box["right"] for box in boxes) <= 1366
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_on_a_narrow_screen_the_menu_wraps_and_nothing_runs_off_it(journey):
    """There is no menu button to press (no JavaScript): on a phone-sized screen the menu takes more lines."""
    make_member(make_chapter(), "cora", Role.COORDINATOR, first_name="Cora")
    page = journey.page
    page.set_viewport_size({"width": 375, "height": 740})
    journey.sign_in("cora")

    rights = page.locator("header.navbar").evaluate(
        "header => [...header.querySelectorAll('a, button, select, .navbar-text')]"
        ".map(e => e.getBoundingClientRect().right)"
    )
    assert len(rights) > 10, "every entry of the menu is there"
    assert max(rights) <= 375, "none of it is off the screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the page does not scroll sideways"
