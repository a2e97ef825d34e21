"""Each person reads MIMAC in their own language: saved when they choose it, applied when they sign in, and on
the shared laptop the last person's language goes when the next one signs in."""

from django.conf import settings
from django.urls import reverse

from mimac.models import LanguagePreference
from tests.factories import PASSWORD, make_user

COOKIE = settings.LANGUAGE_COOKIE_NAME


def _choose(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def _sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_a_member_who_chooses_a_language_gets_it_saved(client, db):
    user = make_user("amira")
    client.force_login(user)
    assert _choose(client, "ar").status_code == 302
    assert LanguagePreference.objects.get(user=user).language == "ar"
    _choose(client, "bn")
    assert LanguagePreference.objects.get(user=user).language == "bn"


def test_the_saved_language_is_applied_at_sign_in_and_the_next_person_gets_theirs(client, db):
    LanguagePreference.objects.create(user=make_user("amira"), language="ar")
    make_user("jorge")
    LanguagePreference.objects.create(user=make_user("rahim"), language="bn")

    assert client.cookies.get(COOKIE) is None
    assert _sign_in(client, "amira").cookies[COOKIE].value == "ar"
    assert client.get(reverse("dashboard:home")).text.count('<html lang="ar" dir="rtl">') == 1

    client.post(reverse("logout"))
    client.cookies[COOKIE] = "ar"  # the browser kept it (a session that ended without signing out)
    assert _sign_in(client, "rahim").cookies[COOKIE].value == "bn"
    assert '<html lang="bn" dir="ltr">' in client.get(reverse("dashboard:home")).text

    client.post(reverse("logout"))
    client.cookies[COOKIE] = "bn"
    response = _sign_in(client, "jorge")  # nothing saved: the last person's language goes
    assert response.cookies[COOKIE].value == ""
    assert '<html lang="en" dir="ltr">' in client.get(reverse("dashboard:home")).text


def test_the_switcher_on_the_sign_in_page_changes_the_choice_of_who_signs_in(client, db):
    user = make_user("jorge")
    LanguagePreference.objects.create(user=user, language="ar")
    page = client.get(reverse("login")).text
    assert 'action="/i18n/setlang/"' in page
    _choose(client, "es", reverse("login"))
    assert LanguagePreference.objects.get(user=user).language == "ar"  # nobody signed in yet

    assert _sign_in(client, "jorge").cookies[COOKIE].value == "es"
    assert LanguagePreference.objects.get(user=user).language == "es"


def test_an_unknown_language_changes_nothing(client, db):
    user = make_user("jorge")
    client.force_login(user)
    _choose(client, "xx")
    assert not LanguagePreference.objects.exists()
