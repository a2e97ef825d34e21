from django.urls import reverse

from tests.factories import make_user


def test_a_forgotten_page_replaces_itself_with_the_signed_out_page(journey, settings):
    settings.SESSION_COOKIE_AGE = 2  # the idle time, shortened for the test
    make_user("morgan", first_name="Morgan")
    page = journey.page

    journey.sign_in("morgan")
    page.wait_for_url(f"**{reverse('signed_out')}", timeout=10_000)
    journey.check()
    assert page.get_by_role("heading", name="You are signed out").is_visible()

    journey.go(reverse("dashboard:home"))
    assert page.get_by_role("heading", name="Sign in").is_visible(), "the session ended on the server too"
    page.go_back()
    page.go_back()
    journey.check()
    assert not page.get_by_text("Welcome, Morgan").is_visible(), "the back button shows nothing of Morgan's"


def test_the_next_volunteer_on_the_laptop_cannot_reach_the_last_ones_route(journey):
    from mimac.models import Role
    from tests.factories import make_chapter, make_household, make_hub, make_member, make_route

    chapter = make_chapter()
    hub = make_hub(chapter)
    make_member(chapter, "cora", Role.COORDINATOR)
    val = make_member(chapter, "val", first_name="Val").user
    make_member(chapter, "sam", first_name="Sam")
    households = [make_household(chapter, name=name) for name in ("Amina", "Bilal", "Chen")]
    route = make_route(chapter, hub, driver=val, households=households, status="published")
    page = journey.page

    journey.sign_in("val")
    assert page.get_by_role("heading", name="My route today").is_visible()
    for outcome in ("Delivered", "Not home"):
        page.get_by_role("link", name="Record stop").first.click()
        journey.check()
        page.get_by_label(outcome).check()
        page.get_by_role("button", name="Record").click()
        journey.check()
    assert "2 of 3 stops recorded" in page.inner_text("main")
    last_stop = f"/deliveries/stops/{route.stops.order_by('sequence').last().pk}/record/"
    page.get_by_role("button", name="Sign out").click()
    journey.check()

    journey.sign_in("sam")
    assert "Amina" not in page.inner_text("main")
    response = page.goto(journey.base_url + last_stop)
    assert response.status == 404
    journey.check()
    page.go_back()
    page.go_back()
    journey.check()
    assert "Amina" not in page.inner_text("body"), "the back button shows nothing of Val's route"
