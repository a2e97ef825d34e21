import csv
import datetime
import io
import random
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.models import CharField, Sum, TextField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from mimac.models import Category, Membership, Role, Trust
from pickups.models import PickupLine
from recipients import services
from recipients.forms import HOUSEHOLD_FIELDS
from recipients.models import Household, HouseholdExport
from tests.factories import make_household, make_hub, make_schedule, make_supplier
from tests.pages import assert_clean_page


@pytest.fixture
def coordinator(client, world):
    client.force_login(world.coordinator.user)
    return client


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


def upload(content: bytes, name="households.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def csv_file(rows, header="name,size,children,mode,address,contact,consent_on,language,dietary_needs"):
    return (header + "\n" + "\n".join(rows) + "\n").encode()


GOOD_ROWS = [
    "Amina,4,2,delivery,12 Oak St,paper_only,2026-01-05,ar,halal;diabetic",
    "Bilal,1,0,delivery,9 Elm St,in_person,2026-01-06,bn,",
]


def test_a_csv_import_previews_then_imports_every_row(coordinator, world):
    url = reverse("recipients:household_import", args=["RIV"])
    preview = coordinator.post(url, {"file": upload(csv_file(GOOD_ROWS))})
    assert "2 households are ready to import" in preview.text
    assert not Household.objects.exists(), "a preview saves nothing"
    coordinator.post(url, {"confirm": "1", "token": preview.context["token"]})
    assert sorted(Household.objects.values_list("name", "dietary_needs")) == [
        ("Amina", ["halal", "diabetic"]), ("Bilal", []),
    ]  # fmt: skip


def test_a_csv_with_one_bad_row_saves_nothing_and_names_the_row_and_field(coordinator, world):
    rows = [*GOOD_ROWS, "Chen,2,5,delivery,3 Pine St,paper_only,2026-01-07,zh,"]
    response = coordinator.post(reverse("recipients:household_import", args=["RIV"]), {"file": upload(csv_file(rows))})
    assert "Row 4, children: Children and seniors together cannot be more than" in response.text
    assert "nothing was imported" in response.text
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nom,taille\nAmina,4\n", "The header row does not fit. Missing: consent_on, contact, mode, name, size."),
        ("name,size,mode,contact,consent_on\nJosé,2,delivery,paper_only,2026-01-01\n".encode("latin-1"), "not UTF-8"),
        (csv_file(["Amina,4,2,delivery,12 Oak St,paper_only,2026-01-05,ar,"] * 10_000), "More than 2000 households"),
        (b"name,size,mode,contact,consent_on\n", "has a header but no households"),
        (
            b"name,size,mode,contact,consent_on,address,name\nAmina,4,delivery,paper_only,2026-01-05,12 Oak St,Bilal\n",
            "The header row names a column more than once: name. Keep one of each.",
        ),
    ],
    ids=["wrong-columns", "wrong-encoding", "ten-thousand-rows", "empty", "duplicated-column"],
)
def test_a_malformed_csv_gets_a_clear_message(coordinator, world, content, message):
    response = coordinator.post(reverse("recipients:household_import", args=["RIV"]), {"file": upload(content)})
    assert message in response.text
    assert not Household.objects.exists()


def test_an_import_cannot_be_confirmed_twice_or_with_a_stale_token(coordinator, world):
    url = reverse("recipients:household_import", args=["RIV"])
    preview = coordinator.post(url, {"file": upload(csv_file(GOOD_ROWS))})
    coordinator.post(url, {"confirm": "1", "token": preview.context["token"]})
    again = coordinator.post(url, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert "no longer waiting" in again.text
    assert Household.objects.count() == 2


class _ConfirmForm(HTMLParser):
    """What a browser would send with the preview's confirm button: the token and the ticked boxes."""

    def __init__(self):
        super().__init__()
        self.sent, self.ticked_by_default = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name") == "token":
            self.sent.append(("token", attrs["value"]))
        if tag == "input" and attrs.get("type") == "checkbox" and "checked" in attrs:
            self.ticked_by_default.append(attrs["value"])


def _confirm_as_shown(client, url, preview, *, untick=()):
    """Confirm the preview as a coordinator would: every box as the page ticked it, except those in `untick`."""
    form = _ConfirmForm()
    form.feed(preview.text)
    skip = [value for value in form.ticked_by_default if value not in untick]
    return client.post(url, {"confirm": "1", **dict(form.sent), "skip": skip}, follow=True)


def test_importing_the_same_file_twice_creates_each_household_once(coordinator, world):
    url = reverse("recipients:household_import", args=["RIV"])
    _confirm_as_shown(coordinator, url, coordinator.post(url, {"file": upload(csv_file(GOOD_ROWS))}))
    again = coordinator.post(url, {"file": upload(csv_file(GOOD_ROWS))})
    response = _confirm_as_shown(coordinator, url, again)
    assert Household.objects.count() == 2
    assert "Looks like RIV-0001" in again.text
    assert "Looks like RIV-0002" in again.text
    assert "No household imported: every row was skipped." in response.text


def test_the_import_preview_shows_each_row_as_it_will_be_saved_in_words(coordinator, world):
    rows = [
        *GOOD_ROWS,
        f"Chen,2,0,walk_in,,phone,2026-01-07,zh,vegan,{world.hub.name.upper()},555 0100,diapers;books,morning",
    ]
    header = "name,size,children,mode,address,contact,consent_on,language,dietary_needs,hub,phone,non_food_needs,"
    preview = coordinator.post(
        reverse("recipients:household_import", args=["RIV"]),
        {"file": upload(csv_file(rows, header + "delivery_window"))},
    )
    assert "3 households are ready to import" in preview.text
    text = preview.text
    for words in ["Amina", "12 Oak St", "Delivery", "Paper only", "Arabic", "Halal, Diabetic", "2026-01-05"]:
        assert words in text
    for words in ["Walk-in at a hub", world.hub.name, "Phone: 555 0100", "Chinese", "Vegan", "Diapers, Books"]:
        assert words in text
    for code in ["paper_only", "in_person", "walk_in", "diabetic", ">ar<", ">zh<"]:
        assert code not in text, f"the code {code} is shown instead of its label"
    assert_clean_page(preview)


def test_the_preview_marks_rows_that_look_like_a_household_of_the_chapter_or_an_earlier_row(coordinator, world):
    make_household(world.chapter, name="Amina Haddad", address="12 Oak St", unit="3B", phone="(555) 010-2030")
    make_household(world.other_chapter, name="Farid Osman", address="40 Elm St")
    rows = [
        "  amina   HADDAD ,delivery,1 Far Rd,,paper_only,",  # row 2: the name
        "Bilal,delivery,12  OAK st,3b,paper_only,",  # row 3: the address and unit
        "Chen,delivery,5 Pine St,,phone,555.010.2030",  # row 4: the phone, by its digits
        "Dana,delivery,12 Oak St,4C,paper_only,",  # row 5: same street, other unit: a neighbour
        "Farid Osman,delivery,40 Elm St,,paper_only,",  # row 6: only like a household of another chapter
        "Emil,delivery,7 Birch St,,paper_only,",  # row 7
        "emil,delivery,9 Ash St,,paper_only,",  # row 8: like row 7
    ]
    header = "name,mode,address,unit,contact,phone,size,consent_on"
    content = csv_file([f"{row},2,2026-01-05" for row in rows], header)
    url = reverse("recipients:household_import", args=["RIV"])
    preview = coordinator.post(url, {"file": upload(content)})
    assert preview.context["problems"] == []
    marks = {row.number: row.looks_like for row in preview.context["rows"]}
    assert marks == {
        2: ["Looks like RIV-0001: same name."],
        3: ["Looks like RIV-0001: same address."],
        4: ["Looks like RIV-0001: same phone number."],
        5: [],
        6: [],
        7: [],
        8: ["Looks like row 7: same name."],
    }
    form = _ConfirmForm()
    form.feed(preview.text)
    assert form.ticked_by_default == ["0", "1", "2", "6"], "every marked row is skipped unless unticked"
    response = _confirm_as_shown(coordinator, url, preview, untick={"6"})
    assert "4 households imported." in response.text
    assert "3 rows skipped." in response.text
    assert sorted(world.chapter.households.values_list("name", flat=True)) == [
        "Amina Haddad", "Dana", "Emil", "Farid Osman", "emil",
    ]  # fmt: skip


@pytest.mark.parametrize("skip", [["99"], ["-1"], ["x"], ["1", "1"], ["１"]])
def test_a_skip_choice_outside_the_preview_skips_nothing_else(coordinator, world, skip):
    url = reverse("recipients:household_import", args=["RIV"])
    preview = coordinator.post(url, {"file": upload(csv_file(GOOD_ROWS))})
    coordinator.post(url, {"confirm": "1", "token": preview.context["token"], "skip": skip})
    expected = ["Amina"] if skip == ["1", "1"] else ["Amina", "Bilal"]
    assert sorted(Household.objects.values_list("name", flat=True)) == expected


def test_a_confirm_may_skip_as_many_rows_as_a_file_may_hold(coordinator, world):
    url = reverse("recipients:household_import", args=["RIV"])
    preview = coordinator.post(url, {"file": upload(csv_file(GOOD_ROWS))})
    skip = [str(index) for index in range(services.MAX_IMPORT_ROWS)]
    response = coordinator.post(url, {"confirm": "1", "token": preview.context["token"], "skip": skip}, follow=True)
    assert response.status_code == 200
    assert "No household imported: every row was skipped." in response.text


def test_a_file_with_problems_offers_no_import_of_its_other_rows(coordinator, world):
    rows = [*GOOD_ROWS, "Chen,2,5,delivery,3 Pine St,paper_only,2026-01-07,zh,"]
    response = coordinator.post(reverse("recipients:household_import", args=["RIV"]), {"file": upload(csv_file(rows))})
    assert "token" not in response.context
    assert 'name="confirm"' not in response.text


def _lookalike_file(count: int) -> bytes:
    rows = [f"Household {n},delivery,{n} Oak St,phone,555-01{n:02d},3,2026-01-05" for n in range(count)]
    return csv_file(rows, "name,mode,address,contact,phone,size,consent_on")


def test_matching_a_whole_file_against_the_chapter_is_one_query(coordinator, world, django_assert_num_queries):
    for number in range(30):
        make_household(world.chapter, name=f"Household {number}", address="", phone=f"555 01{number:02d}")
    preview = coordinator.post(
        reverse("recipients:household_import", args=["RIV"]), {"file": upload(_lookalike_file(60))}
    )
    rows = preview.context["rows"]
    assert sum(bool(row.looks_like) for row in rows) == 30
    for row in rows:
        row.looks_like = []
    with django_assert_num_queries(1):
        services.mark_lookalikes(rows, world.chapter)
    assert sum(bool(row.looks_like) for row in rows) == 30


def test_a_preview_runs_the_same_queries_for_1_and_40_rows(coordinator, world):
    make_hub(world.chapter, "Second Hub")
    make_household(world.chapter, name="Someone")
    url = reverse("recipients:household_import", args=["RIV"])

    def queries(count):
        rows = [f"Household {n},{('delivery', 'walk_in')[n % 2]},{n} Oak St,second hub,3" for n in range(count)]
        content = csv_file(
            [f"{row},paper_only,2026-01-05" for row in rows], "name,mode,address,hub,size,contact,consent_on"
        )
        with CaptureQueriesContext(connection) as captured:
            response = coordinator.post(url, {"file": upload(content)})
        assert "token" in response.context
        return len(captured), len(response.context["rows"])

    one = queries(1)
    assert queries(40) == (one[0], 40)


def test_the_import_template_has_every_column_the_import_knows_and_no_household(coordinator, world):
    response = coordinator.get(reverse("recipients:household_import_template", args=["RIV"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert header == HOUSEHOLD_FIELDS
    assert rows == []
    upload_page = coordinator.get(reverse("recipients:household_import", args=["RIV"]))
    assert reverse("recipients:household_import_template", args=["RIV"]) in upload_page.text
    back = coordinator.post(
        reverse("recipients:household_import", args=["RIV"]), {"file": upload(response.content, "template.csv")}
    )
    assert "The file has a header but no households." in back.text, "the import takes its own template's columns"


def _tables_holding(text: str) -> list[str]:
    """Every text column of every table, and every session's decoded data, that holds `text`."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            text_column = isinstance(field, CharField | TextField)
            if text_column and model._base_manager.filter(**{f"{field.name}__contains": text}).exists():
                found.append(f"{model._meta.db_table}.{field.column}")
    found += [f"django_session {s.session_key}" for s in Session.objects.all() if text in str(s.get_decoded())]
    return found


def test_an_abandoned_import_preview_leaves_the_names_in_no_table(coordinator, world):
    rows = ["Zephyrine Quillfeather,2,0,delivery,7 Birch St,paper_only,2026-01-05,en,", GOOD_ROWS[1]]
    preview = coordinator.post(reverse("recipients:household_import", args=["RIV"]), {"file": upload(csv_file(rows))})
    assert "2 households are ready to import" in preview.text
    coordinator.get(reverse("recipients:household_list"))  # and on to something else
    assert _tables_holding("Zephyrine Quillfeather") == []
    assert _tables_holding("7 Birch St") == []


def test_an_import_confirmed_after_the_idle_time_is_refused_with_a_message(coordinator, world, settings):
    url = reverse("recipients:household_import", args=["RIV"])
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10, 0, tzinfo=datetime.UTC), tick=False) as clock:
        coordinator.force_login(world.coordinator.user)
        preview = coordinator.post(url, {"file": upload(csv_file(GOOD_ROWS))})
        clock.shift(datetime.timedelta(minutes=10))
        coordinator.get(reverse("recipients:household_list"))  # busy in another tab: still signed in
        clock.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 10 * 60 + 1))
        late = coordinator.post(url, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert "This preview is older than 15 minutes" in late.text
    assert not Household.objects.exists()


@pytest.mark.parametrize("change", ["tampered", "other-chapter", "other-session"])
def test_an_import_token_that_was_changed_or_moved_is_refused_with_a_message(coordinator, world, change):
    preview = coordinator.post(
        reverse("recipients:household_import", args=["RIV"]), {"file": upload(csv_file(GOOD_ROWS))}
    )
    token, chapter = preview.context["token"], "RIV"
    if change == "tampered":
        token = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    elif change == "other-chapter":
        Membership.objects.create(
            user=world.coordinator.user,
            chapter=world.other_chapter,
            role=Role.COORDINATOR,
            trust=Trust.TRUSTED,
            joined_on=world.coordinator.joined_on,
            trusted_since=world.coordinator.trusted_since,
        )
        chapter = "NGF"
    else:
        coordinator.logout()
        coordinator.force_login(world.coordinator.user)
    response = coordinator.post(
        reverse("recipients:household_import", args=[chapter]), {"confirm": "1", "token": token}, follow=True
    )
    assert response.status_code == 200
    assert "That import is no longer waiting. Upload the file again." in response.text
    assert not Household.objects.exists()


DENSE_HEADER = (
    "name,size,children,seniors,mode,address,unit,access_notes,contact,phone,"
    "consent_on,language,dietary_needs,allergies"
)


def _densest_rows(count: int) -> list[str]:
    """Rows whose every text cell is as long as allowed and filled with random CJK: text that compresses least."""
    rng = random.Random(19)  # noqa: S311 (test data, not a secret)

    def text(length):
        return "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(length))

    return [
        f"{text(120)},4,2,0,delivery,{text(200)},{text(40)},{text(300)},phone,{text(40)},2026-01-05,zh,,{text(200)}"
        for _ in range(count)
    ]


def test_a_two_megabyte_import_of_the_densest_text_still_fits_in_the_confirm_request(coordinator, world, settings):
    content = csv_file(_densest_rows(729), DENSE_HEADER)
    assert 1_995_000 < len(content) <= 2_000_000, "just under the import's 2 MB limit"
    url = reverse("recipients:household_import", args=["RIV"])
    preview = coordinator.post(url, {"file": upload(content)})
    assert "729 households are ready to import" in preview.text
    body = urlencode({"confirm": "1", "token": preview.context["token"], "csrfmiddlewaretoken": "x" * 64})
    assert len(body) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    coordinator.post(url, body, content_type="application/x-www-form-urlencoded")
    assert Household.objects.count() == 729


def test_rows_too_large_for_a_request_are_refused_at_the_preview(coordinator, world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 12_000
    preview = coordinator.post(
        reverse("recipients:household_import", args=["RIV"]), {"file": upload(csv_file(_densest_rows(5), DENSE_HEADER))}
    )
    assert "too much text to confirm in one go. Split the file in two." in preview.text
    assert "token" not in preview.context


def test_purge_erases_exactly_the_personal_fields_of_households_ended_long_ago(world, capsys):
    today = world.chapter.today()
    old = today - datetime.timedelta(days=400)
    gone = make_household(world.chapter, name="Gone", status="ended", status_since=old, allergies="nuts", phone="555")
    paused_long = make_household(world.chapter, name="Paused long", status="paused", status_since=old)
    recent = make_household(world.chapter, name="Ended recently", status="ended", status_since=today)
    active = make_household(world.chapter, name="Active", status_since=old)
    _record_a_pickup(world)
    ledger_before = _ledger_total()

    call_command("purge_households")
    assert "Would erase (dry run; add --apply): 2 households" in capsys.readouterr().out
    assert Household.objects.get(pk=gone.pk).name == "Gone", "a dry run changes nothing"

    call_command("purge_households", "--apply")

    for household in (gone, paused_long):
        household.refresh_from_db()
        assert household.purged_at is not None
        assert all(getattr(household, field) == blank for field, blank in Household.PERSONAL_FIELDS.items())
        assert household.size == 3, "anonymous counts stay"
    assert Household.objects.get(pk=recent.pk).name == "Ended recently"
    assert Household.objects.get(pk=active.pk).name == "Active"
    assert _ledger_total() == ledger_before


def _record_a_pickup(world):
    from pickups.services import plan_schedule

    schedule = make_schedule(make_supplier(world.chapter), world.hub, "FREQ=DAILY;COUNT=1")
    plan_schedule(schedule=schedule)
    PickupLine.objects.create(
        pickup=schedule.pickups.get(),
        category=Category.objects.first(),
        quantity=Decimal(3),
        recorded_by=world.volunteer.user,
    )


def _ledger_total():
    return PickupLine.objects.aggregate(total=Sum("quantity"))["total"]


def test_a_household_is_erased_on_request_and_can_see_what_we_hold(coordinator, world):
    household = make_household(world.chapter, name="Amina", allergies="peanuts")
    sheet = coordinator.get(reverse("recipients:household_data", args=[household.pk]))
    assert "peanuts" in sheet.text
    assert HouseholdExport.objects.get().what == household.code
    wrong = coordinator.post(reverse("recipients:household_erase", args=[household.pk]), {"confirm": "nope"})
    assert wrong.status_code == 302
    assert Household.objects.get(pk=household.pk).name == "Amina"
    coordinator.post(reverse("recipients:household_erase", args=[household.pk]), {"confirm": household.code})
    household.refresh_from_db()
    assert (household.name, household.allergies, household.status) == ("", "", "ended")


def test_the_admin_never_shows_households():
    assert Household not in admin.site._registry
    assert HouseholdExport not in admin.site._registry
