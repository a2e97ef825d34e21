from django.urls import reverse

from mimac.models import Hub


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
    data.update(spoilage_photo_above="10", audit_tolerance_percent="5", spoilage_flag_percent="15")
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
