"""The vouch form: it shows the newcomer's track record and needs the voucher's tick that they read it; and nobody
vouches before the newcomer did the chapter's number of shifts with a trusted member."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pickups import services as pickups_services
from tests.factories import make_pickup
from tests.pages import assert_clean_page


def _observed(world, shifts_asked):
    newcomer = world.observing
    newcomer.joined_on -= datetime.timedelta(days=world.chapter.observation_days)
    newcomer.save()
    world.chapter.shifts_before_vouching = shifts_asked
    world.chapter.save()
    return newcomer


def _pickup_with_the_volunteer(world, days_ago):
    """A pickup the newcomer did with the trusted volunteer."""
    pickup = make_pickup(world, -days_ago)
    for member in (world.volunteer, world.observing):
        pickup.assignments.create(volunteer=member.user, assigned_by=world.coordinator.user)
    pickups_services.record_done(pickup=pickup, by=world.observing.user, arrived_at=pickup.window_starts_at, lines=[])


def test_the_vouch_form_shows_the_track_record_and_asks_for_the_tick(client, world):
    newcomer = _observed(world, 0)
    client.force_login(world.coordinator.user)
    assert "Dues" in client.get(reverse("member_detail", args=[newcomer.pk])).text
    page = client.get(reverse("member_vouch", args=[newcomer.pk]))
    assert 'id="track-record"' in page.text
    assert "Dues" not in page.text, "the vouch form shows the track record, not the member page's other sections"
    assert "I have read this member&#x27;s track record" in page.text


def test_vouching_without_the_tick_is_refused_and_nothing_is_recorded(client, world):
    newcomer = _observed(world, 0)
    client.force_login(world.volunteer.user)

    response = client.post(reverse("member_vouch", args=[newcomer.pk]), {})

    assert response.status_code == 200
    assert_clean_page(response)
    assert "Read the member&#x27;s track record above first, then tick this box." in response.text
    assert not newcomer.vouches.exists()


def test_vouching_with_the_tick_records_the_vouch(client, world):
    newcomer = _observed(world, 0)
    client.force_login(world.volunteer.user)
    response = client.post(reverse("member_vouch", args=[newcomer.pk]), {"read_track_record": "on"}, follow=True)
    assert "Your vouch for Newcomer is recorded." in response.text
    assert newcomer.vouches.get().voucher == world.volunteer.user


def test_nobody_vouches_one_shift_short_and_anyone_may_at_the_number(client, world):
    newcomer = _observed(world, 2)
    _pickup_with_the_volunteer(world, 3)
    client.force_login(world.auditor.user)

    assert (
        "1 more pickup or route shift with a trusted member before anyone may vouch."
        in client.get(reverse("member_detail", args=[newcomer.pk])).text
    )
    form = client.get(reverse("member_vouch", args=[newcomer.pk]))
    assert "1 more pickup or route shift with a trusted member; vouching opens then." in form.text
    assert 'id="track-record"' not in form.text  # not open to this auditor's vouch yet: coordinators read it
    with pytest.raises(ValidationError, match="1 more pickup"):
        newcomer.vouch(by=world.auditor.user, kind="trust")
    client.post(reverse("member_vouch", args=[newcomer.pk]), {"read_track_record": "on"})
    assert not newcomer.vouches.exists()

    _pickup_with_the_volunteer(world, 2)

    assert newcomer.shifts_left() == 0
    client.post(reverse("member_vouch", args=[newcomer.pk]), {"read_track_record": "on"})
    assert newcomer.vouches.get().voucher == world.auditor.user


def test_a_pickup_with_only_other_newcomers_is_no_shift_with_a_trusted_member(world):
    newcomer = _observed(world, 1)
    pickup = make_pickup(world, -1)
    pickup.assignments.create(volunteer=newcomer.user, assigned_by=world.coordinator.user)
    pickups_services.record_done(pickup=pickup, by=newcomer.user, arrived_at=pickup.window_starts_at, lines=[])
    assert newcomer.shifts_left() == 1


def test_the_chapter_sets_how_many_shifts_it_asks(client, world):
    client.force_login(world.coordinator.user)
    page = client.get(reverse("chapter_settings", args=[world.chapter.code]))
    assert 'name="shifts_before_vouching"' in page.text
    assert world.chapter.shifts_before_vouching == 3


@pytest.mark.parametrize("ticked", ["", "false", "False"])
def test_a_tick_that_says_no_is_no_tick(client, world, ticked):
    newcomer = _observed(world, 0)
    client.force_login(world.volunteer.user)
    response = client.post(reverse("member_vouch", args=[newcomer.pk]), {"read_track_record": ticked})
    assert response.status_code == 200
    assert not newcomer.vouches.exists()


@pytest.mark.parametrize("shifts", ["-1", "51", "3.5", "many", "99999999999"])
def test_the_chapter_setting_refuses_what_the_database_would_not_hold(client, world, shifts):
    from mimac.forms import ChapterForm

    data = {**ChapterForm(instance=world.chapter).initial, "shifts_before_vouching": shifts}
    form = ChapterForm(data, instance=world.chapter)
    assert not form.is_valid()
    assert "shifts_before_vouching" in form.errors


def test_every_word_of_the_vouch_form_is_translated_or_isolated_user_data(client, world, settings, tmp_path):
    from tests.i18n.catalogues import pseudo_locale
    from tests.i18n.test_pseudo_pages import untranslated

    pseudo_locale(settings, tmp_path, "es")
    newcomer = _observed(world, 0)
    client.cookies["django_language"] = "es"
    client.force_login(world.volunteer.user)
    response = client.post(reverse("member_vouch", args=[newcomer.pk]), {})
    assert untranslated(response.text) == []
