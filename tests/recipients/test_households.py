"""Taking households in, finding them, exporting them, and their page."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recipients.models import Household, HouseholdExport
from tests.factories import make_household
from tests.pages import assert_clean_page


def intake(world, **changes):
    data = {
        "name": "Amina",
        "mode": "delivery",
        "address": "12 Oak St",
        "unit": "3B",
        "delivery_window": "any",
        "size": 4,
        "children": 2,
        "seniors": 0,
        "language": "ar",
        "contact": "paper_only",
        "consent_on": world.chapter.today().isoformat(),
        "dietary_needs": ["halal"],
        "version": 1,
    }
    return {**data, **changes}


def test_a_coordinator_takes_in_a_household_with_a_reference_code(coordinator, world):
    response = coordinator.post(reverse("recipients:household_create", args=["RIV"]), intake(world))
    household = Household.objects.get()
    assert response["Location"] == reverse("recipients:household_detail", args=[household.pk])
    assert household.code == "RIV-0001"
    assert household.consent_recorded_by == world.coordinator.user
    assert household.adults == 2
    detail = coordinator.get(response["Location"])
    assert_clean_page(detail)
    assert "no-store" in detail["Cache-Control"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"size": 0}, "size", "A household has at least one person."),
        ({"size": 2, "children": 3}, "children", "cannot be more than the people in the household"),
        ({"language": "xx"}, "language", "Select a valid choice. xx is not one of the available choices."),
        ({"address": ""}, "address", "A delivery needs an address."),
        ({"mode": "walk_in", "address": ""}, "hub", "Choose the hub where they come to pick up."),
        ({"contact": "phone"}, "phone", "Add a phone number"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_kept_in_the_form(coordinator, world, changes, field, message):
    response = coordinator.post(reverse("recipients:household_create", args=["RIV"]), intake(world, **changes))
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="Amina"' in response.text, "what was typed stays"
    assert not Household.objects.exists()


def test_a_second_household_at_the_same_address_is_a_warning_to_confirm(coordinator, world):
    first = make_household(world.chapter, address="12 Oak St", unit="3B")
    url = reverse("recipients:household_create", args=["RIV"])
    warned = coordinator.post(url, intake(world, name="Bilal"))
    assert f"Household {first.code} already lives at this address" in warned.text
    assert Household.objects.count() == 1
    confirmed = coordinator.post(url, intake(world, name="Bilal", same_address_confirmed="on"))
    assert confirmed.status_code == 302
    assert Household.objects.count() == 2


def test_the_same_address_typed_with_other_spacing_or_case_is_still_a_warning(coordinator, world):
    first = make_household(world.chapter, address="12 Oak St", unit="3B")
    url = reverse("recipients:household_create", args=["RIV"])
    warned = coordinator.post(url, intake(world, name="Bilal", address="12  oak ST", unit=" 3b"))
    assert f"Household {first.code} already lives at this address" in warned.text
    assert Household.objects.count() == 1


def test_volunteers_and_auditors_get_no_household_list(client, world):
    make_household(world.chapter)
    for member in (world.volunteer, world.auditor, world.observing):
        client.force_login(member.user)
        assert client.get(reverse("recipients:household_list")).status_code == 403
        assert b"Households" not in client.get(reverse("dashboard:home")).content


def test_a_coordinator_of_another_chapter_gets_404_on_a_household(client, world):
    household = make_household(world.chapter)
    client.force_login(world.other_coordinator.user)
    assert client.get(reverse("recipients:household_detail", args=[household.pk])).status_code == 404


def test_search_is_posted_so_names_never_appear_in_a_url(coordinator, world):
    make_household(world.chapter, name="Amina Haddad")
    make_household(world.chapter, name="Bilal Rahman", address="9 Elm St")
    response = coordinator.post(reverse("recipients:household_list"), {"q": "haddad", "status": "active"})
    assert [h.name for h in response.context["page"]] == ["Amina Haddad"]
    assert 'method="post"' in response.text
    assert "haddad" not in response.request["PATH_INFO"] + response.request.get("QUERY_STRING", "")
    by_street = coordinator.post(reverse("recipients:household_list"), {"q": "elm st", "status": "active"})
    assert [h.name for h in by_street.context["page"]] == ["Bilal Rahman"]
    by_code = coordinator.post(reverse("recipients:household_list"), {"q": "RIV-0002", "status": ""})
    assert [h.name for h in by_code.context["page"]] == ["Bilal Rahman"]


def test_the_list_filters_by_status_mode_need_and_language(coordinator, world):
    make_household(world.chapter, name="Halal family", dietary_needs=["halal"], language="ar")
    make_household(world.chapter, name="Paused family", status="paused")
    make_household(world.chapter, name="Walk-in family", mode="walk_in", hub=world.hub, non_food_needs=["diapers"])

    def names(**filters):
        response = coordinator.post(reverse("recipients:household_list"), {"status": "active", **filters})
        return sorted(h.name for h in response.context["page"])

    assert names() == ["Halal family", "Walk-in family"]
    assert names(status="paused") == ["Paused family"]
    assert names(mode="walk_in") == ["Walk-in family"]
    assert names(need="halal") == ["Halal family"]
    assert names(need="diapers") == ["Walk-in family"]
    assert names(language="ar") == ["Halal family"]


def test_the_list_runs_the_same_queries_for_1_and_25_households(coordinator, world, django_assert_num_queries):
    make_household(world.chapter)
    url = reverse("recipients:household_list")
    # session, user, memberships, count, households, exports, session save (in a savepoint)
    with django_assert_num_queries(9) as one:
        coordinator.get(url)
    for number in range(24):
        make_household(world.chapter, name=f"Household {number}", hub=world.hub)
    with django_assert_num_queries(len(one.captured_queries)):
        response = coordinator.get(url)
    assert len(response.context["page"]) == 25
    assert_clean_page(response)


def test_a_search_runs_the_same_queries_for_1_and_25_matches(coordinator, world):
    make_household(world.chapter, name="Haddad 0")
    make_household(world.chapter, name="Someone else")
    search = {"q": "haddad", "status": ""}

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = coordinator.post(reverse("recipients:household_list"), search)
        return len(captured), len(response.context["page"])

    one = queries()
    for number in range(1, 25):
        make_household(world.chapter, name=f"Haddad {number}", hub=world.hub)
    assert one[1] == 1
    assert queries() == (one[0], 25)


def test_the_export_escapes_formulas_and_is_logged_for_the_other_coordinators(coordinator, world):
    make_household(world.chapter, name='=HYPERLINK("http://evil")', allergies="+peanuts", access_notes="@dog")
    response = coordinator.post(reverse("recipients:household_export", args=["RIV"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["allergies"] == "'+peanuts"
    assert rows[0]["access_notes"] == "'@dog"
    assert response["Content-Type"].startswith("text/csv")
    export = HouseholdExport.objects.get()
    assert (export.by, export.rows) == (world.coordinator.user, 1)


def test_every_exported_cell_is_quoted_so_a_semicolon_spreadsheet_sees_no_new_cell(coordinator, world):
    make_household(world.chapter, name="Amina;=cmd|' /C calc'!A0", allergies="-2+3")
    response = coordinator.post(reverse("recipients:household_export", args=["RIV"]))
    header, row = response.content.decode().splitlines()
    assert header.startswith('"code","name","mode",')
    assert row.startswith('"RIV-0001","Amina;=cmd|\' /C calc\'!A0","delivery",')
    assert '"\'-2+3"' in row, "a formula at the start of a cell is still neutralised"
    assert "no-store" in response["Cache-Control"]
