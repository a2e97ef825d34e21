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

    journey.go(reverse("home"))
    assert page.get_by_role("heading", name="Sign in").is_visible(), "the session ended on the server too"
    page.go_back()
    page.go_back()
    journey.check()
    assert not page.get_by_text("Welcome, Morgan").is_visible(), "the back button shows nothing of Morgan's"
