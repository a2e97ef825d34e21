"""Importing households from a spreadsheet: a preview in words, then one confirm that saves every row or none."""

import csv
import datetime
import io
import random
from html.parser import HTMLParser

import pytest
import time_machine
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import CharField, TextField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import urlencode

from mimac.models import Membership, Role, Trust
from recipients import services
from recipients.forms import HOUSEHOLD_FIELDS
from recipients.models import Household
from tests.factories import make_household, make_hub
from tests.pages import assert_clean_page, without_bdi


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
    text = without_bdi(preview.text)
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
