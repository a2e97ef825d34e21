import datetime

import pytest
from django import forms
from django.urls import reverse

from deliveries.forms import RouteForm
from deliveries.models import Pause
from deliveries.standing_forms import ArrangementForm, PauseForm, PlanningSettingsForm, StandingRouteForm
from hubdesk.library_forms import LibrarySettingsForm
from mimac.forms import ChapterForm, HubForm, VersionedModelForm
from mimac.models import Category, Hub
from money.forms import AccountForm, MoneySettingsForm, NewAccountForm
from pickups.forms import ScheduleForm, SupplierForm
from recipients.forms import HouseholdForm, ImportRowForm
from tests.factories import (
    make_arrangement,
    make_household,
    make_route,
    make_schedule,
    make_standing_route,
    make_supplier,
)


def _hub_form(hub, **changes):
    data = {
        "name": hub.name,
        "address": hub.address,
        "walk_in_hours": hub.walk_in_hours,
        "active": "on",
        "version": hub.version,
    }
    return {**data, **changes}


def _chapter_form(world, **changes):
    chapter = world.chapter
    data = {"name": chapter.name, "time_zone": chapter.time_zone, "observation_days": 90, "pickup_cutoff_hours": 24}
    data.update(spoilage_photo_above="10", audit_tolerance_percent="5", spoilage_flag_percent="15", paper_language="en")
    data.update(shifts_before_vouching="3")
    return {**data, "version": chapter.version, **changes}


def test_a_stale_edit_is_refused_and_shows_both_versions_losing_nothing(client, world):
    hub = world.hub
    client.force_login(world.coordinator.user)
    url = reverse("hub_edit", args=[hub.pk])
    loaded_by_second_editor = _hub_form(hub)

    first = client.post(url, _hub_form(hub, address="40 Elm St"))
    assert first.status_code == 302
    second = client.post(url, {**loaded_by_second_editor, "address": "7 Oak Ave"})

    assert second.status_code == 200
    assert "Someone else saved this while you were editing" in second.text
    assert "40 Elm St" in second.text, "their saved version is shown"
    assert 'value="7 Oak Ave"' in second.text, "the second editor's input is kept in the form"
    assert Hub.objects.get(pk=hub.pk).address == "40 Elm St"


def test_after_seeing_the_conflict_saving_again_keeps_the_second_editors_version(client, world):
    hub = world.hub
    client.force_login(world.coordinator.user)
    url = reverse("hub_edit", args=[hub.pk])
    stale = _hub_form(hub, address="7 Oak Ave")
    client.post(url, _hub_form(hub, address="40 Elm St"))
    conflict = client.post(url, stale)

    resubmitted = {**stale, "version": conflict.context["form"]["version"].value()}
    assert client.post(url, resubmitted).status_code == 302
    assert Hub.objects.get(pk=hub.pk).address == "7 Oak Ave"


def test_chapter_settings_are_versioned_too(client, world):
    client.force_login(world.coordinator.user)
    url = reverse("chapter_settings", args=[world.chapter.code])
    data = _chapter_form(world, observation_days=60)
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "observation_days": 30})
    assert "Someone else saved this" in response.text
    world.chapter.refresh_from_db()
    assert world.chapter.observation_days == 60


def test_a_bad_time_zone_is_refused_with_a_clear_message(client, world):
    client.force_login(world.coordinator.user)
    url = reverse("chapter_settings", args=[world.chapter.code])
    data = _chapter_form(world, time_zone="Mars/Base")
    response = client.post(url, data)
    assert "Mars/Base is not a time zone we know." in response.text


def test_a_hub_name_is_unique_within_its_chapter(client, world):
    client.force_login(world.coordinator.user)
    data = {"name": world.hub.name.upper(), "address": "1 Main St", "active": "on", "version": 1}
    response = client.post(reverse("hub_create", args=[world.chapter.code]), data)
    assert "already has a hub with that name" in response.text
    assert world.chapter.hubs.count() == 1


def _as_submitted(form) -> dict:
    """What a browser sends back for an edit page's form left as it was shown."""
    data = {}
    for name, field in form.fields.items():
        value, key = form[name].value(), form.add_prefix(name)
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = "" if value is None else str(value)
    return data


def _household(world):
    return reverse("recipients:household_edit", args=[make_household(world.chapter).pk])


def _route(world):
    route = make_route(world.chapter, world.hub, driver=world.volunteer.user)
    route.helpers.set([world.observing.user])
    return reverse("deliveries:route_edit", args=[route.pk])


def _supplier(world):
    supplier = make_supplier(world.chapter)
    supplier.categories.set(Category.objects.filter(code__in=["produce", "bakery"]))
    return reverse("pickups:supplier_edit", args=[supplier.pk])


def _schedule(world):
    schedule = make_schedule(make_supplier(world.chapter), world.hub)
    schedule.default_volunteers.set([world.volunteer.user])
    return reverse("pickups:schedule_edit", args=[schedule.pk])


def _pause(world):
    today = world.chapter.today()
    pause = Pause.objects.create(household=make_household(world.chapter), starts_on=today, ends_on=today,
                                 reason="travel", recorded_by=world.coordinator.user)  # fmt: skip
    return reverse("deliveries:pause_edit", args=[pause.pk])


def _arrangement(world):
    household = make_household(world.chapter)
    make_arrangement(household, world.hub, items={"produce": 5})
    return reverse("deliveries:arrangement", args=[household.pk])


def _account(world):
    from money.models import Account

    account = Account.objects.create(chapter=world.chapter, name="Cash box at the hub", kind=Account.Kind.CASH)
    return reverse("money:account_edit", args=[account.pk])


def _library_settings(world):
    return reverse("hubdesk:library_settings", args=[world.hub.pk])


# Every edit page of a versioned form: how to open one, and a field two editors both change (with the two values
# they type, where a field takes no words).
VERSIONED_EDITS = {
    ChapterForm: (lambda world: reverse("chapter_settings", args=[world.chapter.code]), "contact_phone"),
    HubForm: (lambda world: reverse("hub_edit", args=[world.hub.pk]), "address"),
    HouseholdForm: (_household, "access_notes"),
    RouteForm: (_route, "name"),
    ScheduleForm: (_schedule, "ends_on"),
    SupplierForm: (_supplier, "contact_name"),
    PauseForm: (_pause, "note"),
    StandingRouteForm: (
        lambda world: reverse("deliveries:standing_edit", args=[make_standing_route(world.chapter, world.hub).pk]),
        "name",
    ),
    ArrangementForm: (_arrangement, "ends_on"),
    AccountForm: (_account, "name"),
    MoneySettingsForm: (lambda world: reverse("money:settings", args=[world.chapter.code]), "currency", ("EUR", "GBP")),
    LibrarySettingsForm: (
        lambda world: reverse("hubdesk:library_settings", args=[world.hub.pk]),
        "loan_days",
        ("14", "28"),
    ),
}


def _subclasses(cls) -> set:
    return {sub for direct in cls.__subclasses__() for sub in {direct, *_subclasses(direct)}}


# Versioned forms that no edit page shows: the import checks new households with the intake's rules, and a new
# account has no earlier version to conflict with.
NOT_EDITS = {ImportRowForm, NewAccountForm}
# A one-number setting on a page of lists: the second save is refused with a message, its own test below.
REFUSED_NOT_MERGED = {PlanningSettingsForm}


def test_every_versioned_form_has_its_conflict_test():
    assert _subclasses(VersionedModelForm) - NOT_EDITS - REFUSED_NOT_MERGED == set(VERSIONED_EDITS)


@pytest.mark.parametrize("form_class", VERSIONED_EDITS, ids=lambda form_class: form_class.__name__)
def test_a_conflict_on_every_versioned_form_shows_only_what_differs_and_keeps_the_input(client, world, form_class):
    open_page, field, *values = VERSIONED_EDITS[form_class]
    url = open_page(world)
    client.force_login(world.coordinator.user)
    page = client.get(url)
    loaded = _as_submitted(page.context["form"])
    theirs, mine = values[0] if values else ("Theirs", "Mine")
    if isinstance(page.context["form"].fields[field], forms.DateField):
        theirs, mine = (str(world.chapter.today() + datetime.timedelta(days=days)) for days in (30, 40))

    assert client.post(url, {**loaded, field: theirs}).status_code == 302
    response = client.post(url, {**loaded, field: mine})

    assert response.status_code == 200
    assert "Someone else saved this while you were editing" in response.text
    label = str(page.context["form"].fields[field].label)
    assert [tuple(map(str, row)) for row in response.context["conflict"].rows] == [(label, theirs, mine)]
    assert response.context["form"][field].value() == mine, "the second editor's input is kept"


def _conflict_rows(client, url, theirs: dict, mine: dict) -> list[tuple[str, str, str]]:
    loaded = _as_submitted(client.get(url).context["form"])
    assert client.post(url, {**loaded, **theirs}).status_code == 302
    response = client.post(url, {**loaded, **mine})
    return [tuple(map(str, row)) for row in response.context["conflict"].rows]


def test_a_conflict_shows_choices_by_their_label_and_lists_by_their_names(client, world):
    client.force_login(world.coordinator.user)
    household = _household(world)
    theirs = {"language": "es", "dietary_needs": ["halal"]}
    mine = {"language": "ar", "dietary_needs": ["low_sodium", "diabetic"]}
    assert _conflict_rows(client, household, theirs, mine) == [
        ("Dietary needs", "Halal", "Low sodium, Diabetic"),
        ("Preferred language", "Spanish", "Arabic"),
    ]
    route = _route(world)
    assert _conflict_rows(client, route, {"helpers": []}, {"helpers": [world.observing.user.pk]}) == [
        ("Helpers", "—", "<bdi>Newcomer</bdi>")  # a name, isolated as on the form
    ]


def test_a_schedule_conflict_shows_the_recurrence_and_skipped_dates_in_words(client, world):
    client.force_login(world.coordinator.user)
    url = _schedule(world)
    skipped = str(world.chapter.today() + datetime.timedelta(days=9))
    rows = _conflict_rows(client, url, {"weekdays": ["MO"]}, {"weekdays": ["FR"], "skip_dates_text": skipped})
    assert [label for label, _saved, _yours in rows] == ["Recurrence", "Dates skipped"]
    assert "Monday" in rows[0][1]
    assert "Friday" in rows[0][2]
    assert rows[1][1:] == ("—", skipped)


def test_a_second_save_of_the_planning_setting_is_refused_and_the_first_stays(client, world):
    url = reverse("deliveries:standing_list", args=[world.chapter.code])
    client.force_login(world.coordinator.user)
    loaded = _as_submitted(client.get(url).context["form"])
    assert client.post(url, {**loaded, "planning-days_ahead": "10"}).status_code == 302
    response = client.post(url, {**loaded, "planning-days_ahead": "12"}, follow=True)
    assert "Someone else changed this setting meanwhile. Nothing of yours was saved." in response.text
    assert response.context["form"]["days_ahead"].value() == 10
