"""A refused form opens on a summary at the top of the page, linking to each field to correct
(tests/test_page_walk.py holds every form MIMAC shows to it)."""

from django.urls import reverse

from tests.factories import make_supplier
from tests.pages import assert_clean_page, autofocused, error_summary


def test_a_long_forms_errors_are_summarised_at_the_top_with_a_link_to_each_field(client, world):
    supplier = make_supplier(world.chapter)
    client.force_login(world.coordinator.user)
    data = {
        "version": 1, "hub": world.hub.pk, "pattern": "weekly", "interval": 1,
        "starts_on": world.chapter.today().isoformat(), "window_start": "11:00", "window_end": "09:00",
    }  # fmt: skip

    page = client.post(reverse("pickups:schedule_create", args=[supplier.pk]), data)

    assert_clean_page(page)
    summary = error_summary(page.text)
    assert summary.links == ["#id_weekdays_0", "#id_window_end"], "each field to correct, in the page's order"
    assert "Weekdays (weekly): Choose at least one weekday." in page.text
    assert "There are 2 things to correct" in page.text
    assert page.text.index('id="error-summary"') < page.text.index('id="id_hub"'), "at the top, before the form"
    assert (summary.attributes["tabindex"], "autofocus" in summary.attributes) == ("-1", True)


def test_the_summary_takes_the_focus_from_a_field_that_would_have_it(client, world):
    assert autofocused(client.get(reverse("login")).text) == ["id_username"]

    page = client.post(reverse("login"), {"username": "volunteer", "password": "not the password"})

    assert_clean_page(page)
    assert autofocused(page.text) == ["error-summary"], "a page may autofocus one element only"
    assert error_summary(page.text).links == ["#id_username"], "a wrong password is the form's error: its first field"


def test_the_audits_drill_downs_say_a_bad_period_once_in_the_summary(client, world):
    client.force_login(world.auditor.user)
    for page in ("audit:rows", "audit:rescued"):
        response = client.get(reverse(page), {"start": "2026-11-10", "end": "2026-11-01", "what": "received"})
        assert_clean_page(response)
        assert error_summary(response.text) is not None
        assert response.text.count("The period ends before it starts.") == 1, page
