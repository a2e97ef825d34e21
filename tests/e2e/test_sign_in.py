from django.urls import reverse

from tests.factories import make_user


def test_member_signs_in_sees_home_and_signs_out(journey):
    make_user("morgan", first_name="Morgan")
    page = journey.page

    journey.sign_in("morgan")
    assert page.get_by_role("heading", name="Welcome, Morgan").is_visible()

    page.get_by_role("button", name="Sign out").click()
    journey.check()
    assert page.get_by_role("heading", name="Sign in").is_visible()

    journey.go(reverse("home"))
    assert page.get_by_role("heading", name="Sign in").is_visible(), "signed out means signed out"


def test_wrong_password_is_refused_with_one_clear_message(journey):
    make_user("morgan")
    journey.sign_in("morgan", "not-the-password")

    alert = journey.page.get_by_role("alert")
    assert alert.count() == 1
    assert "correct username and password" in alert.inner_text()
