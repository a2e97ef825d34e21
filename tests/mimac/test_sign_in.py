import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD
from tests.pages import without_bdi
from tests.url_catalogue import all_urls, assert_sends_to_sign_in

OPEN_TO_ANONYMOUS = {
    "login",
    "logout",
    "signed_out",
    "healthz",
    "too_large",
    "password_set",
    "password_set_done",
    "set_language",
}
SIGN_IN_REQUIRED = sorted(path for name, path in all_urls().items() if name not in OPEN_TO_ANONYMOUS)


@pytest.mark.parametrize("path", SIGN_IN_REQUIRED)
def test_every_other_url_sends_an_anonymous_visitor_to_sign_in(client, db, path):
    for method in ("get", "post"):
        assert_sends_to_sign_in(client, method, path)


def test_the_urls_open_to_anonymous_visitors_exist():
    assert set(all_urls()) >= OPEN_TO_ANONYMOUS


def test_member_signs_in_and_lands_on_home(client, user):
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:home")
    assert "Welcome, Morgan" in response.text


def test_wrong_password_shows_one_error_that_does_not_say_which_part_was_wrong(client, user):
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    wrong_user = client.post(reverse("login"), {"username": "nobody", "password": PASSWORD})

    errors = response.context["form"].errors
    assert list(errors) == ["__all__"]
    assert len(errors["__all__"]) == 1
    assert wrong_user.context["form"].errors == errors
    assert "Please enter a correct username and password" in response.text
    assert response.context["user"].is_anonymous


def test_sign_out_ends_the_session(signed_in_client):
    response = signed_in_client.post(reverse("logout"))
    assert response.status_code == 302
    assert signed_in_client.get(reverse("dashboard:home")).status_code == 302


def test_the_sign_in_page_offers_to_switch_volunteer_when_someone_is_signed_in(signed_in_client):
    response = signed_in_client.get(reverse("login"))
    assert "Morgan is signed in on this laptop." in without_bdi(response.text)
    assert "Not Morgan? Switch volunteer" in without_bdi(response.text)
    assert 'name="password"' not in response.text


def test_a_username_longer_than_any_account_can_have_is_a_form_error(client, user):
    response = client.post(reverse("login"), {"username": "m" * 300, "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == ["A username has at most 150 characters (this has 300)."]
    assert 'value="' + "m" * 300 + '"' in response.text, "what was typed stays in the form"
    assert not AccessAttempt.objects.exists(), "the sign-in throttle never sees it"


def test_a_password_longer_than_anyone_types_is_a_form_error(client, user):
    response = client.post(reverse("login"), {"username": "member", "password": "p" * 5000})
    assert response.status_code == 200
    assert "at most 4096 characters" in response.context["form"].errors["password"][0]
