import pytest
from django.urls import reverse

from tests.pages import assert_clean_page, duplicate_ids, html_errors, other_host_references, unlabelled_fields


def test_sign_in_page_is_clean(client, db):
    assert_clean_page(client.get(reverse("login")))


def test_home_page_is_clean_and_has_a_skip_link(signed_in_client):
    response = signed_in_client.get(reverse("dashboard:home"))
    assert_clean_page(response)
    assert 'href="#main"' in response.text


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("es", "ltr"), ("ar", "rtl"), ("bn", "ltr")])
def test_pages_declare_language_and_direction(client, db, language, direction):
    response = client.get(reverse("login"), headers={"accept-language": language})
    assert f'<html lang="{language}" dir="{direction}">' in response.text
    stylesheet = "bootstrap.rtl.min.css" if direction == "rtl" else "bootstrap.min.css"
    assert stylesheet in response.text


def test_the_page_checks_catch_what_they_look_for():
    page = (
        '<link href="https://cdn.example.com/x.css"><img src="//cdn.example.com/a.png" alt="">'
        '<a href="/local">x</a><input name="q"><label for="ok">OK</label><input id="ok"><p></div>'
        '<input id="id_note" aria-label="Note"><input id="id_note" aria-label="Note">'
    )
    assert other_host_references(page) == ["https://cdn.example.com/x.css", "//cdn.example.com/a.png"]
    assert unlabelled_fields(page) == ["q"]
    assert html_errors(page)
    assert duplicate_ids(page) == ["id_note"]


def test_refusals_explain_themselves_in_plain_words(client, world):
    client.force_login(world.observing.user)
    forbidden = client.get(reverse("chapter_members", args=[world.chapter.code]))
    assert forbidden.status_code == 403
    assert "This page is not open to your role" in forbidden.text
    missing = client.get(reverse("chapter_members", args=[world.other_chapter.code]))
    assert missing.status_code == 404
    assert "belongs to a chapter you are not a member of" in missing.text
